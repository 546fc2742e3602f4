#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long s = 0;
    for (long long i = 1; i <= n; i++) {
        long long t = 0;
        for (long long j = 1; j <= i; j++) {
            t = (t + j) % 1000000007;
        }
        s = (s + t) % 1000000007;
    }
    return s;
}

int main(void) {
    long long n;
    while (scanf("%lld", &n) == 1) {
        printf("%lld\n", compute(n));
    }
    return 0;
}
