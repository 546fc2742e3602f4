#include <stdio.h>

int main(void) {
    char line[64];
    int count = 0;
    while (gets(line) != NULL) {
        count++;
        printf("%d: ", count);
        printf(line);
        printf("\n");
    }
    return 0;
}
