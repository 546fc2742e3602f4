#include <stdio.h>

int is_prime(long n) {
    if (n < 2) return 0;
    for (long d = 2; d < n; d++) {
        if (n % d == 0) return 0;
    }
    return 1;
}

int main(void) {
    long limit, count = 0;
    if (scanf("%ld", &limit) != 1) return 1;
    for (long n = 2; n <= limit; n++) count += is_prime(n);
    printf("%ld\n", count);
    return 0;
}
