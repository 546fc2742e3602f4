#include <iostream>

long long compute(long long n) {
    long long s = 0;
    for (long long j = 1; j <= n; j++) {
        s += (n - n % j) / j;
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
