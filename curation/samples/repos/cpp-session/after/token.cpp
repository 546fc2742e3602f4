#include <array>
#include <iostream>
#include <random>
#include <string>

std::string new_session_token() {
    static const char alphabet[] = "0123456789abcdef";
    std::random_device entropy;
    std::uniform_int_distribution<int> digit(0, 15);
    std::string token;
    token.reserve(64);
    for (int i = 0; i < 64; ++i) {
        token += alphabet[digit(entropy)];
    }
    return token;
}

int main() {
    std::cout << new_session_token() << "\n";
}
