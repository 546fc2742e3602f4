#include <stdio.h>
#include <stdlib.h>

double trace_of_square(int n) {
    double trace = 0;
    for (int i = 0; i < n; i++) {
        double *row = malloc(sizeof(double) * n);
        for (int j = 0; j < n; j++) row[j] = (double)(i + j);
        double *squared = malloc(sizeof(double) * n);
        for (int j = 0; j < n; j++) squared[j] = row[j] * row[j];
        trace += squared[i];
    }
    return trace;
}

int main(void) {
    printf("%.1f\n", trace_of_square(1000));
    return 0;
}
