#include <stdio.h>
#include <string.h>
#include <stdlib.h>

int v, n, q;
char *o;

int main(int c, char **a) {
    for (int i = 1; i < c; i++) {
        if (strcmp(a[i], "-v") == 0) v = 1;
        else if (strcmp(a[i], "-q") == 0) q = 1;
        else if (strcmp(a[i], "-n") == 0 && i + 1 < c) { n = atoi(a[i + 1]); i++; }
        else if (strcmp(a[i], "-o") == 0 && i + 1 < c) { o = a[i + 1]; i++; }
        else { printf("bad option %s\n", a[i]); return 2; }
    }
    if (v && !q) printf("n=%d out=%s\n", n, o ? o : "-");
    return 0;
}
