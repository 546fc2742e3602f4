#include <stdio.h>

double f(int *a, int n) {
    int i, s = 0;
    for (i = 0; i < n; i++) s += a[i];
    return n ? (double)s / n : 0;
}

int g(int *a, int n) {
    int i, m = a[0];
    for (i = 1; i < n; i++) if (a[i] > m) m = a[i];
    return m;
}

int main(void) {
    int a[5] = {3, 9, 4, 1, 7};
    printf("%.2f %d\n", f(a, 5), g(a, 5));
    return 0;
}
