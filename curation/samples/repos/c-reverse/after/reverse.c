#include <stdio.h>
#include <string.h>

void reverse(char *text) {
    size_t length = strlen(text);
    for (size_t i = 0; i < length / 2; i++) {
        char tmp = text[i];
        text[i] = text[length - 1 - i];
        text[length - 1 - i] = tmp;
    }
}

int main(void) {
    char word[] = "memory";
    reverse(word);
    puts(word);
    return 0;
}
