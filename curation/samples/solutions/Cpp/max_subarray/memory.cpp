#include <iostream>
#include <vector>

const long long BOUND = 4000000;

long long compute(long long n) {
    long long best = -1000000000000LL, cur = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i * 7919 % 1000 - 500;
        cur = cur + x > x ? cur + x : x;
        best = cur > best ? cur : best;
    }
    return best;
}

// Answers cached for every n up to the input bound, allocated up front.
static std::vector<long long> memo(BOUND, -1);

long long solve(long long n) {
    if (memo[n] < 0) {
        memo[n] = compute(n);
    }
    return memo[n];
}

int main() {
    std::ios::sync_with_stdio(false);
    long long n;
    while (std::cin >> n) {
        std::cout << solve(n) << '\n';
    }
    return 0;
}
