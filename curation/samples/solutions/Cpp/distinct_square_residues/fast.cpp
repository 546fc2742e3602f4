#include <iostream>

long long compute(long long n) {
    bool seen[1009] = {};
    long long count = 0;
    for (long long i = 1; i <= n; i++) {
        int r = (int)(i * i % 1009);
        if (!seen[r]) {
            seen[r] = true;
            count++;
        }
    }
    return count;
}

int main() {
    std::ios::sync_with_stdio(false);
    long long n;
    while (std::cin >> n) {
        std::cout << compute(n) << '\n';
    }
    return 0;
}
