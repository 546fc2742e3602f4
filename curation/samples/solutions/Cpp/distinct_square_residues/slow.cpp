#include <iostream>

long long compute(long long n) {
    long long count = 0;
    for (long long i = 1; i <= n; i++) {
        bool dup = false;
        for (long long j = 1; j < i; j++) {
            if (j * j % 1009 == i * i % 1009) {
                dup = true;
            }
        }
        if (!dup) {
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
