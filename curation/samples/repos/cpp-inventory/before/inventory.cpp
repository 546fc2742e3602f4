#include <iostream>
#include <string>
#include <vector>

struct I { std::string n; int q; int m; };

std::vector<std::string> f(std::vector<I>& v) {
    std::vector<std::string> r;
    for (int i = 0; i < (int)v.size(); i++) {
        if (v[i].q < v[i].m) {
            r.push_back(v[i].n + " x" + std::to_string(v[i].m - v[i].q));
        }
    }
    return r;
}

int main() {
    std::vector<I> v = {{"bolt", 3, 10}, {"nut", 12, 10}};
    for (int i = 0; i < (int)f(v).size(); i++) std::cout << f(v)[i] << "\n";
}
