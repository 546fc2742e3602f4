#include <stdlib.h>
#include <string.h>

struct record {
    int id;
    char name[48];
};

struct record *copy_records(const struct record *src, unsigned int count) {
    struct record *out = malloc(count * sizeof(struct record));
    memcpy(out, src, count * sizeof(struct record));
    return out;
}
