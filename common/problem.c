#include "problem.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void utf8_trim(char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n + 1 < cap)
        return; /* not cut */
    /* Step back over continuation bytes to the start of the last sequence;
     * drop that sequence when it is incomplete. */
    size_t i = n;
    while (i > 0 && ((unsigned char)s[i - 1] & 0xC0) == 0x80)
        i--;
    if (i == 0)
        return;
    unsigned char lead = (unsigned char)s[i - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (n - (i - 1) < need)
        s[i - 1] = '\0';
}

void text_fmt(char *buf, size_t n, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    utf8_trim(buf, n);
}

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
        utf8_trim(p->detail, sizeof p->detail);
    }
    return -1;
}

int problem_oom(problem_t *p)
{
    return problem_set(p, ERR_INTERNAL, NULL, NULL, "out of memory");
}

int problem_field(problem_t *p, const char *field, const char *fmt, ...)
{
    char msg[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    utf8_trim(msg, sizeof msg);
    if (!p->errors)
        p->errors = json_array();
    json_array_append_new(p->errors, json_pack("{s:s, s:s}", "field", field, "message", msg));
    if (p->code == ERR_NONE) {
        p->code = ERR_VALIDATION;
        snprintf(p->detail, sizeof p->detail, "%s: %s", field, msg);
        utf8_trim(p->detail, sizeof p->detail);
    }
    return -1;
}

void problem_clear(problem_t *p)
{
    json_decref(p->errors);
    memset(p, 0, sizeof *p);
}
