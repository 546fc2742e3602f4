#include <fstream>
#include <string>
#include <vector>

std::vector<std::string> errors(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> result;
    std::string line;
    while (std::getline(in, line)) {
        if (line.find("ERROR") != std::string::npos) {
            result.push_back(std::move(line));
        }
    }
    return result;
}
