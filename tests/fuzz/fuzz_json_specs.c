/* The JSON input validator with the field specs of one whole service
 * (make fuzz builds one target a service: json_in_<service>). run.sh
 * compiles each of the service's files that declares specs inside a small
 * wrapper that lists them, so that the specs fuzzed are the very ones the
 * service serves with, and links the wrappers' table, fuzz_spec_groups.
 *
 * The first byte of an input picks a spec, the rest is the request body.
 * Accepted input holds to its spec (every required field present, every
 * whole number within its bounds, every enum one of its values); refused
 * input is a 400 naming at least one field or the body. With FUZZ_SEED_DIR
 * set, the target first writes one seed a spec there, every field filled
 * with a value of its type, so that the search starts from bodies the
 * service accepts. */
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "json_in.h"

extern const json_field *const *const fuzz_spec_groups[];

static const json_field *specs[512];
static size_t nspecs;

static void specs_collect(void)
{
    if (nspecs)
        return;
    for (size_t g = 0; fuzz_spec_groups[g]; g++)
        for (size_t i = 0; fuzz_spec_groups[g][i] && nspecs < 512; i++)
            specs[nspecs++] = fuzz_spec_groups[g][i];
    FUZZ_ASSERT(nspecs > 0);
}

/* A value of the field's type that its bounds accept. */
static json_t *seed_value(const json_field *f)
{
    long long n = f->min > 0 ? f->min : 1;
    char s[128];
    switch (f->type) {
    case JF_STRING:
    case JF_TEXT:
        if (n > 100)
            n = 100;
        memset(s, 'a', (size_t)n);
        s[n] = '\0';
        return json_string(s);
    case JF_INT:
        return json_integer(f->max && f->max < n ? f->max : (f->min > 1 ? f->min : 1));
    case JF_BOOL:
        return json_true();
    case JF_DATE:
        return json_string("2027-03-01");
    case JF_DATETIME:
        return json_string("2027-03-01T09:00:00+08:00");
    case JF_ENUM:
        return json_string(f->values && f->values[0] ? f->values[0] : "");
    case JF_ID_LIST:
    case JF_STRING_LIST: {
        json_t *a = json_array();
        for (long long i = 0; i < n && i < 20; i++)
            json_array_append_new(a, f->type == JF_ID_LIST ? json_integer(i + 1) : json_string("a"));
        return a;
    }
    case JF_OBJECT:
        return json_object();
    }
    return json_null();
}

static void seeds_write(const char *dir)
{
    if (mkdir(dir, 0755) && errno != EEXIST)
        return;
    for (size_t i = 0; i < nspecs && i < 256; i++) {
        json_t *o = json_object();
        for (const json_field *f = specs[i]; f->name; f++)
            json_object_set_new(o, f->name, seed_value(f));
        char *body = json_dumps(o, JSON_COMPACT);
        json_decref(o);
        char path[4096];
        snprintf(path, sizeof path, "%s/spec_%03zu", dir, i);
        FILE *out = fopen(path, "wb");
        if (out && body) {
            fputc((int)i, out);
            fputs(body, out);
        }
        if (out)
            fclose(out);
        free(body);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    specs_collect();
    const char *dir = getenv("FUZZ_SEED_DIR");
    if (dir && *dir)
        seeds_write(dir);
    return 0;
}

int fuzz_json_specs(const uint8_t *data, size_t size)
{
    specs_collect();
    if (size < 1)
        return 0;
    const json_field *f = specs[data[0] % nspecs];
    problem_t p;
    memset(&p, 0, sizeof p);
    json_t *in = json_in_parse(data + 1, size - 1, &p);
    if (!in) {
        FUZZ_ASSERT(err_status(p.code) == 400);
        problem_clear(&p);
        return 0;
    }
    /* Larger than any service's input struct; every slot is written. */
    static _Alignas(max_align_t) unsigned char out[1 << 16];
    uint64_t present = 0;
    if (json_in_validate(in, f, out, &present, &p) == 0) {
        for (size_t i = 0; f[i].name; i++) {
            FUZZ_ASSERT(f[i].offset < sizeof out);
            json_t *v = json_object_get(in, f[i].name);
            bool given = (present >> i) & 1;
            FUZZ_ASSERT(given == (v != NULL));
            if (f[i].flags & JF_REQUIRED)
                FUZZ_ASSERT(given && !json_is_null(v));
            if (!given || json_is_null(v))
                continue;
            if (f[i].type == JF_INT) {
                long long n = *(long long *)(out + f[i].offset);
                FUZZ_ASSERT(n == json_integer_value(v));
                if (f[i].min || f[i].max)
                    FUZZ_ASSERT(n >= f[i].min && n <= f[i].max);
            } else if (f[i].type == JF_ENUM) {
                const char *s = *(const char **)(out + f[i].offset);
                bool known = false;
                for (const char *const *e = f[i].values; s && e && *e; e++)
                    known |= !strcmp(*e, s);
                FUZZ_ASSERT(known);
            } else if (f[i].type == JF_DATE) {
                const char *s = *(const char **)(out + f[i].offset);
                FUZZ_ASSERT(s && json_in_is_date(s));
            } else if (f[i].type == JF_DATETIME) {
                const char *s = *(const char **)(out + f[i].offset);
                FUZZ_ASSERT(s && json_in_is_datetime(s));
            }
        }
        /* nothing but the spec's fields is accepted */
        const char *key;
        json_t *v;
        json_object_foreach(in, key, v)
        {
            bool known = false;
            for (size_t i = 0; f[i].name; i++)
                known |= !strcmp(f[i].name, key);
            FUZZ_ASSERT(known);
        }
    } else {
        FUZZ_ASSERT(err_status(p.code) == 400);
        problem_clear(&p);
    }
    json_decref(in);
    return 0;
}
