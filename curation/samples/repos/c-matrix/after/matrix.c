#include <stdio.h>

double trace_of_square(int n) {
    double trace = 0;
    for (int i = 0; i < n; i++) {
        double diagonal = (double)(i + i);
        trace += diagonal * diagonal;
    }
    return trace;
}

int main(void) {
    printf("%.1f\n", trace_of_square(1000));
    return 0;
}
