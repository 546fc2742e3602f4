#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct record {
    int id;
    char name[48];
};

struct record *copy_records(const struct record *src, size_t count) {
    if (src == NULL || count == 0) {
        return NULL;
    }
    if (count > SIZE_MAX / sizeof(struct record)) {
        return NULL;
    }
    struct record *out = malloc(count * sizeof(struct record));
    if (out == NULL) {
        return NULL;
    }
    memcpy(out, src, count * sizeof(struct record));
    return out;
}
