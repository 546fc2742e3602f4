#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>

static std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    const auto last = text.find_last_not_of(' ');
    return text.substr(first, last - first + 1);
}

static std::optional<std::pair<std::string, std::string>> parse_line(const std::string& line) {
    if (line.empty() || line.front() == '#') return std::nullopt;
    const auto equals = line.find('=');
    if (equals == std::string::npos) return std::nullopt;
    return std::make_pair(trim(line.substr(0, equals)), trim(line.substr(equals + 1)));
}

std::map<std::string, std::string> load_config(const std::string& path) {
    std::map<std::string, std::string> settings;
    std::ifstream input(path);
    std::string line;
    while (std::getline(input, line)) {
        if (auto entry = parse_line(line)) {
            settings[entry->first] = entry->second;
        }
    }
    return settings;
}
