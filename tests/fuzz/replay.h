/* Replays a fuzz target's corpus (tests/fuzz/corpus/<name>/, under
 * REPO_DIR or the current directory): every file once, as libFuzzer would
 * pass it. Returns how many files ran; a crash stops the test. */
#ifndef OA_FUZZ_REPLAY_H
#define OA_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz.h"

/* Every regular file of `dir` once through target; how many ran. */
static inline int fuzz_replay_dir(const char *dir, int (*target)(const uint8_t *, size_t))
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[4352];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &st) || !S_ISREG(st.st_mode))
            continue;
        FILE *f = fopen(path, "rb");
        if (!f)
            continue;
        uint8_t *data = malloc((size_t)st.st_size + 1);
        size_t got = fread(data, 1, (size_t)st.st_size, f);
        fclose(f);
        target(data, got);
        free(data);
        n++;
    }
    closedir(d);
    return n;
}

static inline int fuzz_replay(const char *name, int (*target)(const uint8_t *, size_t))
{
    const char *repo = getenv("REPO_DIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s", repo ? repo : ".", name);
    return fuzz_replay_dir(dir, target);
}

#endif
