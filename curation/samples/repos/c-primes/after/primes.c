#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long limit, count = 0;
    if (scanf("%ld", &limit) != 1 || limit < 0) return 1;
    char *composite = calloc((size_t)limit + 1, 1);
    if (composite == NULL) return 1;
    for (long n = 2; n <= limit; n++) {
        if (composite[n]) continue;
        count++;
        for (long multiple = n * n; multiple <= limit; multiple += n) {
            composite[multiple] = 1;
        }
    }
    free(composite);
    printf("%ld\n", count);
    return 0;
}
