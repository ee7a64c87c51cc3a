/* A fuzz target is a function of the input bytes, named fuzz_<name>. The
 * libFuzzer build (tests/fuzz/run.sh) calls it from LLVMFuzzerTestOneInput;
 * the replay unit tests (tests/unit/test_*fuzz_replay.c) call it on every
 * file of tests/fuzz/corpus/<name>/, so an input that once crashed stays a
 * regression test of `make test`. A target may not keep state between
 * inputs beyond what it builds once. */
#ifndef OA_FUZZ_H
#define OA_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The input as a NUL-terminated string (bytes after a NUL are cut). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Halts on a broken invariant, so that libFuzzer and the replay see it. */
#define FUZZ_ASSERT(cond)                                                                   \
    do {                                                                                    \
        if (!(cond))                                                                        \
            abort();                                                                        \
    } while (0)

#endif
