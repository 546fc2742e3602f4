#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long s = 0;
    for (long long j = 1; j < n; j++) {
        s += (n - n % j) / j;
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
