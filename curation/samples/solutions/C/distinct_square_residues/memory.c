#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    char seen[1009] = {0};
    long long count = 0;
    for (long long i = 1; i <= n; i++) {
        int r = (int)(i * i % 1009);
        if (!seen[r]) {
            seen[r] = 1;
            count++;
        }
    }
    return count;
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
