#include <fstream>
#include <map>
#include <string>

std::map<std::string, std::string> load(const std::string& p) {
    std::map<std::string, std::string> m;
    std::ifstream in(p);
    std::string l;
    while (std::getline(in, l)) {
        if (l.size() > 0 && l[0] != '#') {
            size_t e = l.find('=');
            if (e != std::string::npos) {
                std::string k = l.substr(0, e);
                std::string v = l.substr(e + 1);
                while (k.size() && k.back() == ' ') k.pop_back();
                while (v.size() && v[0] == ' ') v.erase(0, 1);
                m[k] = v;
            }
        }
    }
    return m;
}
