#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct options {
    int verbose;
    int quiet;
    int count;
    const char *output;
};

static int parse_options(int argc, char **argv, struct options *opts) {
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        int has_value = i + 1 < argc;
        if (strcmp(arg, "-v") == 0) {
            opts->verbose = 1;
        } else if (strcmp(arg, "-q") == 0) {
            opts->quiet = 1;
        } else if (strcmp(arg, "-n") == 0 && has_value) {
            opts->count = atoi(argv[++i]);
        } else if (strcmp(arg, "-o") == 0 && has_value) {
            opts->output = argv[++i];
        } else {
            fprintf(stderr, "unknown option: %s\n", arg);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv) {
    struct options opts = {0};
    if (parse_options(argc, argv, &opts) != 0) {
        return 2;
    }
    if (opts.verbose && !opts.quiet) {
        printf("count=%d output=%s\n", opts.count, opts.output ? opts.output : "-");
    }
    return 0;
}
