#include <stdio.h>
#include <string.h>

void greet(const char *name) {
    char message[32];
    strcpy(message, "Hello, ");
    strcat(message, name);
    strcat(message, "!");
    puts(message);
}

int main(int argc, char **argv) {
    if (argc > 1) {
        greet(argv[1]);
    }
    return 0;
}
