#include <cstdlib>
#include <ctime>
#include <iostream>
#include <string>

std::string new_session_token() {
    static const char alphabet[] = "0123456789abcdef";
    std::srand(std::time(nullptr));
    std::string token;
    for (int i = 0; i < 32; ++i) {
        token += alphabet[std::rand() % 16];
    }
    return token;
}

int main() {
    std::cout << new_session_token() << "\n";
}
