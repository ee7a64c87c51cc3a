#ifndef OA_PROBLEM_H
#define OA_PROBLEM_H

#include <jansson.h>

#include "errors.h"

/* A refusal on its way to becoming an application/problem+json answer.
 * Filled by validators, rule engines and transaction callbacks; answered by
 * reply_problem_t(). `code` is an entry of common/errors.def, which gives
 * the answer's machine name, status, title and rule. `rule`, when set,
 * names the rule instead (a check shared by actions under different rules);
 * `name`, when set, replaces the machine name and is only for codes that
 * are not known until run time; a handler never writes one. `errors` is
 * owned by the problem. */
typedef struct problem {
    err_code code;
    const char *name;
    const char *rule;
    char detail[400];
    json_t *errors;
} problem_t;

/* Sets code, name, rule and a printf-style detail. Returns -1 so callers can
 * `return problem_set(...)`. */
int problem_set(problem_t *p, err_code code, const char *name, const char *rule,
                const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* problem_set(p, ERR_INTERNAL, ..., "out of memory"): an allocation failed.
 * Returns -1. */
int problem_oom(problem_t *p);

/* Adds {field, message} to p->errors (created on first use) and sets code to
 * ERR_VALIDATION if it is still ERR_NONE. Returns -1. */
int problem_field(problem_t *p, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* After a snprintf into s (cap bytes) that may have been cut, drops a
 * trailing incomplete UTF-8 sequence so that s stays valid UTF-8. */
void utf8_trim(char *s, size_t cap);

/* snprintf for text that goes into the database or a notification: when
 * the result must be cut to fit n bytes, it is cut before a UTF-8 sequence
 * rather than inside one (utf8_trim). */
void text_fmt(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Frees p->errors and resets p. */
void problem_clear(problem_t *p);

#endif
