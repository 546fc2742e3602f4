#include <stdio.h>
#include <stdlib.h>

long long compute(long long n) {
    long long count = 0;
    for (long long i = 1; i <= n; i++) {
        int dup = 0;
        for (long long j = 1; j < i; j++) {
            if (j * j % 1009 == i * i % 1009) {
                dup = 1;
            }
        }
        if (!dup) {
            count++;
        }
    }
    return count;
}

int main(void) {
    long long n;
    while (scanf("%lld", &n) == 1) {
        printf("%lld\n", compute(n));
    }
    return 0;
}
