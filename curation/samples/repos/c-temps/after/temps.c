#include <stdio.h>

#define TABLE_START 0
#define TABLE_END 100
#define TABLE_STEP 10
#define HOT_FAHRENHEIT 150.0

static double to_fahrenheit(double celsius) { return celsius * 9.0 / 5.0 + 32.0; }

static double to_kelvin(double celsius) { return celsius + 273.15; }

static void print_table(void) {
    for (int celsius = TABLE_START; celsius <= TABLE_END; celsius += TABLE_STEP) {
        printf("%3d %6.1f %7.2f\n", celsius, to_fahrenheit(celsius), to_kelvin(celsius));
    }
}

static void print_hot(void) {
    for (int celsius = TABLE_START; celsius <= TABLE_END; celsius += TABLE_STEP) {
        if (to_fahrenheit(celsius) > HOT_FAHRENHEIT) {
            printf("%3d is hot\n", celsius);
        }
    }
}

int main(void) {
    print_table();
    print_hot();
    return 0;
}
