#include "errors.h"

#include <string.h>

static const struct {
    const char *name;
    int status;
    const char *title;
    const char *rule;
} registry[] = {
#define X(id, code, status, title, rule) {code, status, title, rule},
#include "errors.def"
#undef X
};

int err_status(err_code c)
{
    return (unsigned)c < ERR__COUNT ? registry[c].status : 500;
}

const char *err_name(err_code c)
{
    return (unsigned)c < ERR__COUNT ? registry[c].name : "server.internal";
}

const char *err_title(err_code c)
{
    return (unsigned)c < ERR__COUNT ? registry[c].title : "Internal error";
}

const char *err_rule(err_code c)
{
    return (unsigned)c < ERR__COUNT ? registry[c].rule : NULL;
}

err_code err_lookup(const char *name)
{
    for (int i = 0; i < ERR__COUNT; i++)
        if (strcmp(registry[i].name, name) == 0)
            return (err_code)i;
    return ERR__COUNT;
}
