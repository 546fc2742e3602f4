#include <iostream>
#include <string>

double area(std::string t, double a, double b) {
    if (t == "rect") {
        if (a < 0 || b < 0) return 0;
        return a * b;
    } else if (t == "tri") {
        if (a < 0 || b < 0) return 0;
        return a * b / 2;
    } else if (t == "circle") {
        if (a < 0) return 0;
        return 3.14159265 * a * a;
    }
    return 0;
}

int main() {
    std::cout << area("rect", 2, 3) + area("tri", 2, 3) + area("circle", 1, 0) << "\n";
}
