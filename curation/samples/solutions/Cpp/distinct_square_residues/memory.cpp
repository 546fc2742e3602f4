#include <iostream>
#include <vector>

const long long BOUND = 4000000;

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
