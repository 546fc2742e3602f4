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

int main(void) {
    long long n;
    while (scanf("%lld", &n) == 1) {
        printf("%lld\n", compute(n));
    }
    return 0;
}
