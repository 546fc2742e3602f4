#include <iostream>

long long compute(long long n) {
    long long s = 0;
    for (long long i = 1; i <= n; i++) {
        for (long long j = 1; j <= i; j++) {
            if (i % j == 0) {
                s++;
            }
        }
    }
    return s;
}

int main() {
    std::ios::sync_with_stdio(false);
    long long n;
    while (std::cin >> n) {
        std::cout << compute(n) << '\n';
    }
    return 0;
}
