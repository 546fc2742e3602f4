#include <stddef.h>
#include <stdio.h>

/* Arithmetic mean of the first `count` values; 0 for an empty array. */
static double mean(const int *values, size_t count) {
    long sum = 0;
    for (size_t i = 0; i < count; i++) {
        sum += values[i];
    }
    return count ? (double)sum / (double)count : 0.0;
}

/* Largest of the first `count` values; `count` must be at least 1. */
static int maximum(const int *values, size_t count) {
    int largest = values[0];
    for (size_t i = 1; i < count; i++) {
        if (values[i] > largest) {
            largest = values[i];
        }
    }
    return largest;
}

int main(void) {
    const int samples[] = {3, 9, 4, 1, 7};
    const size_t count = sizeof samples / sizeof samples[0];
    printf("%.2f %d\n", mean(samples, count), maximum(samples, count));
    return 0;
}
