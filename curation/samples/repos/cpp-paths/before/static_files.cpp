#include <fstream>
#include <sstream>
#include <string>

std::string serve(const std::string& requested) {
    std::ifstream file("public/" + requested);
    std::stringstream body;
    body << file.rdbuf();
    return body.str();
}
