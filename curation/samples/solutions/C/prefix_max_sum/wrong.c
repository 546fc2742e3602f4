#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long s = 0, m = 0;
    for (long long i = 1; i <= n; i++) {
        long long x = i * 37 % 101;
        s += m;
        m = x > m ? x : m;
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
