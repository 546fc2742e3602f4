#include <stdio.h>
#include <string.h>

#define MAX_NAME 64

int greet(const char *name) {
    char message[MAX_NAME + 16];
    if (strlen(name) > MAX_NAME) {
        fprintf(stderr, "name longer than %d characters\n", MAX_NAME);
        return -1;
    }
    snprintf(message, sizeof message, "Hello, %s!", name);
    puts(message);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1) {
        return greet(argv[1]) == 0 ? 0 : 1;
    }
    return 0;
}
