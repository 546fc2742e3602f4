#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

std::optional<std::string> serve(const std::string& requested) {
    const fs::path root = fs::weakly_canonical("public");
    const fs::path target = fs::weakly_canonical(root / requested);
    const auto [root_end, unused] = std::mismatch(root.begin(), root.end(), target.begin());
    if (root_end != root.end() || !fs::is_regular_file(target)) {
        return std::nullopt;
    }
    std::ifstream file(target, std::ios::binary);
    std::stringstream body;
    body << file.rdbuf();
    return body.str();
}
