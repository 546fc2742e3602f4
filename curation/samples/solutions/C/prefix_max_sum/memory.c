#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long s = 0, m = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i * 37 % 101;
        m = x > m ? x : m;
        s += m;
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
