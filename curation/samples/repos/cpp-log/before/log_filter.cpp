#include <fstream>
#include <string>
#include <vector>

std::vector<std::string> errors(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> all;
    std::string line;
    while (std::getline(in, line)) all.push_back(line);
    std::vector<std::string> result;
    for (std::string l : all) {
        if (l.find("ERROR") != std::string::npos) result.push_back(l);
    }
    return result;
}
