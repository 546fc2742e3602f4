#include <iostream>
#include <numbers>

struct Rectangle {
    double width;
    double height;
    double area() const { return width * height; }
};

struct Triangle {
    double base;
    double height;
    double area() const { return base * height / 2; }
};

struct Circle {
    double radius;
    double area() const { return std::numbers::pi * radius * radius; }
};

template <typename Shape>
double checked_area(const Shape& shape) {
    double value = shape.area();
    return value < 0 ? 0 : value;
}

int main() {
    double total = checked_area(Rectangle{2, 3}) + checked_area(Triangle{2, 3}) +
                   checked_area(Circle{1});
    std::cout << total << "\n";
}
