#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long best = -1000000000000LL;
    for (long long l = 1; l <= n; l++) {
        long long cur = 0;
        for (long long r = l; r <= n; r++) {
            cur += r * 7919 % 1000 - 500;
            best = cur > best ? cur : best;
        }
    }
    return best;
}

int main(void) {
    long long n;
    while (scanf("%lld", &n) == 1) {
        printf("%lld\n", compute(n));
    }
    return 0;
}
