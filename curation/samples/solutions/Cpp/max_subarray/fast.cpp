#include <iostream>

long long compute(long long n) {
    long long best = -1000000000000LL, cur = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i * 7919 % 1000 - 500;
        cur = cur + x > x ? cur + x : x;
        best = cur > best ? cur : best;
    }
    return best;
}

int main() {
    std::ios::sync_with_stdio(false);
    long long n;
    while (std::cin >> n) {
        std::cout << compute(n) << '\n';
    }
    return 0;
}
