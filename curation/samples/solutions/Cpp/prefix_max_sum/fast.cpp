#include <iostream>

long long compute(long long n) {
    long long s = 0, m = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i * 37 % 101;
        m = x > m ? x : m;
        s += m;
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
