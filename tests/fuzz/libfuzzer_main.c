/* libFuzzer's entry point for the target named by FUZZ_ENTRY (run.sh). */
#include "fuzz.h"

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return FUZZ_ENTRY(data, size);
}
