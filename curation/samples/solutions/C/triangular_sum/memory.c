#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long t = 0, s = 0;
    for (long long i = 1; i <= n; i++) {
        t = (t + i) % 1000000007;
        s = (s + t) % 1000000007;
    }
    return s;
}

#define BOUND 4000000

/* Answers cached for every n up to the input bound, allocated up front. */
static long long *memo;

long long solve(long long n) {
    if (memo == NULL) {
        memo = malloc(BOUND * sizeof *memo);
        for (long i = 0; i < BOUND; i++) {
            memo[i] = -1;
        }
    }
    if (memo[n] < 0) {
        memo[n] = compute(n);
    }
    return memo[n];
}

int main(void) {
    long long n;
    while (scanf("%lld", &n) == 1) {
        printf("%lld\n", solve(n));
    }
    return 0;
}
