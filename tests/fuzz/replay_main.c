/* The replay of a generated target (json_in_<service>) in `make test`
 * (tests/fuzz/run.sh --replay): the target's initialisation as libFuzzer
 * would run it (with FUZZ_SEED_DIR, one filled body a spec is written
 * there), then every file of each directory named on the command line,
 * once. A broken invariant aborts; the exit status is 0 when every input
 * ran and there was at least one. */
#include <stdio.h>

#include "replay.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int n = 0;
    for (int i = 1; i < argc; i++) {
        int k = fuzz_replay_dir(argv[i], FUZZ_ENTRY);
        printf("%s: %d inputs\n", argv[i], k);
        n += k;
    }
    return n > 0 ? 0 : 1;
}
