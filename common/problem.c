#include "problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int problem_set(problem_t *p, err_code code, const char *name, const char *rule,
                const char *fmt, ...)
{
    p->code = code;
    p->name = name;
    p->rule = rule;
    p->detail[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(p->detail, sizeof p->detail, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int problem_field(problem_t *p, const char *field, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!p->errors)
        p->errors = json_array();
    json_array_append_new(p->errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
    if (p->code == ERR_NONE) {
        p->code = ERR_VALIDATION;
        snprintf(p->detail, sizeof p->detail, "%s: %s", field, msg);
    }
    return -1;
}

void problem_clear(problem_t *p)
{
    json_decref(p->errors);
    memset(p, 0, sizeof *p);
}
