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

int main(void) {
    long long n;
    while (scanf("%lld", &n) == 1) {
        printf("%lld\n", compute(n));
    }
    return 0;
}
