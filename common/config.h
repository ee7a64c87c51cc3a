#ifndef OA_CONFIG_H
#define OA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Configuration comes from environment variables only. Each getter returns 0
 * and stores the value (or the default when the variable is unset or empty);
 * on a malformed or out-of-range value it prints a start-up error naming the
 * variable to stderr and returns -1, so main() can exit(2). */
int cfg_str(const char *var, const char *def, const char **out);
int cfg_long(const char *var, long def, long min, long max, long *out);
int cfg_bool(const char *var, bool def, bool *out);

/* Reads a whole file into a NUL-terminated malloc'd buffer (caller frees).
 * NULL on error, with a message naming the variable that gave the path. */
char *cfg_read_file(const char *var, const char *path, size_t *len);

#endif
