#include <stdio.h>
#include <stdlib.h>

unsigned long long fib(int n) {
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 40;
    printf("%llu\n", fib(n));
    return 0;
}
