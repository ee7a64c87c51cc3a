#ifndef OA_ERRORS_H
#define OA_ERRORS_H

/* Problem codes, generated from errors.def. */
typedef enum err_code {
#define X(id, code, status, title, rule) id,
#include "errors.def"
#undef X
    ERR__COUNT
} err_code;

/* The HTTP status of a code; 500 for an out-of-range value. Can't fail. */
int err_status(err_code c);
/* The stable machine name ("leave.approver_mismatch"). Static storage. */
const char *err_name(err_code c);
/* The human title. Static storage. */
const char *err_title(err_code c);
/* The rule of the regulations that the code enforces ("R-ATT-2"), or NULL.
 * Static storage. */
const char *err_rule(err_code c);
/* The code whose machine name is name, or ERR__COUNT. */
err_code err_lookup(const char *name);

#endif
