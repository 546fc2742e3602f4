#include <stdio.h>
#include <string.h>

int main(void) {
    char line[64];
    int count = 0;
    while (fgets(line, sizeof line, stdin) != NULL) {
        size_t length = strcspn(line, "\n");
        line[length] = '\0';
        count++;
        printf("%d: %s\n", count, line);
    }
    return 0;
}
