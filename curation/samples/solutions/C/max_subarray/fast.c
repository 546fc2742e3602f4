#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long best = -1000000000000LL, cur = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i * 7919 % 1000 - 500;
        cur = cur + x > x ? cur + x : x;
        best = cur > best ? cur : best;
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
