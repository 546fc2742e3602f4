#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *reverse(const char *text) {
    size_t length = strlen(text);
    char *copy = malloc(length + 1);
    char *result = malloc(length + 1);
    strcpy(copy, text);
    for (size_t i = 0; i < length; i++) {
        result[i] = copy[length - 1 - i];
    }
    result[length] = '\0';
    return result;
}

int main(void) {
    char *r = reverse("memory");
    puts(r);
    return 0;
}
