#include <iostream>

long long compute(long long n) {
    long long s = 0;
    for (long long i = 1; i <= n; i++) {
        long long t = 0;
        for (long long j = 1; j <= i; j++) {
            t = (t + j) % 1000000007;
        }
        s = (s + t) % 1000000007;
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
