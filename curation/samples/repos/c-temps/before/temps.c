#include <stdio.h>

int main(void) {
    for (int i = 0; i <= 100; i += 10) {
        double f = i * 9.0 / 5.0 + 32.0;
        double k = i + 273.15;
        printf("%3d %6.1f %7.2f\n", i, f, k);
    }
    for (int i = 0; i <= 100; i += 10) {
        double f = i * 9.0 / 5.0 + 32.0;
        if (f > 150.0) printf("%3d is hot\n", i);
    }
    return 0;
}
