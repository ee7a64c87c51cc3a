#ifndef OA_JSON_IN_H
#define OA_JSON_IN_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "problem.h"

/* Declarative JSON input. A handler lists its fields; json_in_validate()
 * checks every one and names each bad field in a single 400 problem. */

typedef enum jf_type {
    JF_STRING,      /* const char *; min/max bound the length in characters */
    JF_TEXT,        /* like JF_STRING, may be empty or blank */
    JF_INT,         /* long long; min/max bound the value */
    JF_BOOL,        /* bool */
    JF_DATE,        /* const char *, YYYY-MM-DD, a real calendar date */
    JF_DATETIME,    /* const char *, RFC 3339 with a zone offset or Z */
    JF_ENUM,        /* const char *, one of values */
    JF_ID_LIST,     /* json_t * array of positive integers; min/max bound the count */
    JF_STRING_LIST, /* json_t * array of non-blank strings; min/max bound the count */
    JF_OBJECT,      /* json_t * object */
} jf_type;

enum {
    JF_REQUIRED = 1, /* must be present and not null */
    JF_NULLABLE = 2, /* null accepted (stored as absent but marked present) */
};

typedef struct json_field {
    const char *name;
    jf_type type;
    unsigned flags;
    long long min, max;        /* 0, 0 = no bound (strings: max 1000 by default) */
    const char *const *values; /* JF_ENUM: NULL-terminated */
    size_t offset;             /* where the value goes in the output struct */
} json_field;

#define JF_END {NULL, 0, 0, 0, 0, NULL, 0}

/* Validates object `in` against fields (terminated by JF_END) and stores the
 * values into `out` at each field's offset; every field's slot is written,
 * with zero, false or NULL when the field is absent, null or refused, so
 * out need not be zeroed first. Strings and json_t pointers are borrowed
 * from `in`. Bit i of *present is set when fields[i] was given
 * (including as null). Unknown members are refused. Returns 0, or -1 with
 * p holding a 400 problem that lists every bad field. At most 64 fields. */
int json_in_validate(json_t *in, const json_field *fields, void *out, uint64_t *present,
                     problem_t *p);

/* Parses a request body: empty counts as {}; otherwise it must be one JSON
 * object without duplicate keys, nesting arrays and objects at most 32
 * deep. Returns a new reference, or NULL with p filled (malformed JSON
 * names the position; other types say so). */
json_t *json_in_parse(const void *body, size_t len, problem_t *p);

/* Syntax checks, exposed for query parameters. */
bool json_in_is_date(const char *s);
bool json_in_is_datetime(const char *s);

/* Number of UTF-8 characters in s. */
size_t json_in_utf8_len(const char *s);

#endif
