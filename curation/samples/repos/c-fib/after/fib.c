#include <stdio.h>
#include <stdlib.h>

unsigned long long fib(int n) {
    unsigned long long previous = 0, current = 1;
    if (n < 1) return 0;
    for (int i = 1; i < n; i++) {
        unsigned long long next = previous + current;
        previous = current;
        current = next;
    }
    return current;
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 40;
    printf("%llu\n", fib(n));
    return 0;
}
