#include "json_in.h"

#include <ctype.h>
#include <string.h>

#define DEFAULT_MAX_CHARS 1000

size_t json_in_utf8_len(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static bool digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int num(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

bool json_in_is_date(const char *s)
{
    if (strlen(s) != 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
        !digits(s + 8, 2))
        return false;
    int y = num(s, 4), m = num(s + 5, 2), d = num(s + 8, 2);
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || d < 1)
        return false;
    int max = mdays[m - 1];
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        max = 29;
    return d <= max;
}

bool json_in_is_datetime(const char *s)
{
    size_t len = strlen(s);
    if (len < 20 || len > 35)
        return false;
    char date[11];
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!json_in_is_date(date) || (s[10] != 'T' && s[10] != 't'))
        return false;
    const char *t = s + 11;
    if (!digits(t, 2) || t[2] != ':' || !digits(t + 3, 2) || t[5] != ':' || !digits(t + 6, 2))
        return false;
    if (num(t, 2) > 23 || num(t + 3, 2) > 59 || num(t + 6, 2) > 60)
        return false;
    t += 8;
    if (*t == '.') {
        t++;
        int n = 0;
        while (isdigit((unsigned char)*t)) {
            t++;
            n++;
        }
        if (n == 0 || n > 9)
            return false;
    }
    if ((*t == 'Z' || *t == 'z') && t[1] == '\0')
        return true;
    if ((*t == '+' || *t == '-') && digits(t + 1, 2) && t[3] == ':' && digits(t + 4, 2) &&
        t[6] == '\0')
        return num(t + 1, 2) <= 23 && num(t + 4, 2) <= 59;
    return false;
}

static bool blank(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static void check_string(const json_field *f, json_t *v, void *slot, problem_t *p)
{
    if (!json_is_string(v)) {
        problem_field(p, f->name, "must be a string");
        return;
    }
    const char *s = json_string_value(v);
    size_t n = json_in_utf8_len(s);
    long long max = f->max ? f->max : DEFAULT_MAX_CHARS;
    switch (f->type) {
    case JF_STRING:
        if (blank(s)) {
            problem_field(p, f->name, "must not be blank");
            return;
        }
        /* fall through */
    case JF_TEXT:
        if ((long long)n < f->min) {
            problem_field(p, f->name, "must be at least %lld characters", f->min);
            return;
        }
        if ((long long)n > max) {
            problem_field(p, f->name, "must be at most %lld characters", max);
            return;
        }
        break;
    case JF_DATE:
        if (!json_in_is_date(s)) {
            problem_field(p, f->name, "must be a date YYYY-MM-DD");
            return;
        }
        break;
    case JF_DATETIME:
        if (!json_in_is_datetime(s)) {
            problem_field(p, f->name, "must be an RFC 3339 time with offset");
            return;
        }
        break;
    case JF_ENUM: {
        bool ok = false;
        for (const char *const *e = f->values; e && *e && !ok; e++)
            ok = strcmp(*e, s) == 0;
        if (!ok) {
            char list[300] = "";
            for (const char *const *e = f->values; e && *e; e++) {
                if (list[0])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, *e, sizeof list - strlen(list) - 1);
            }
            problem_field(p, f->name, "must be one of: %s", list);
            return;
        }
        break;
    }
    default:
        break;
    }
    *(const char **)slot = s;
}

static void check_list(const json_field *f, json_t *v, void *slot, problem_t *p)
{
    if (!json_is_array(v)) {
        problem_field(p, f->name, "must be an array");
        return;
    }
    long long n = (long long)json_array_size(v);
    long long max = f->max ? f->max : 1000;
    if (n < f->min || n > max) {
        problem_field(p, f->name, "must have from %lld to %lld items", f->min, max);
        return;
    }
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (f->type == JF_ID_LIST && (!json_is_integer(item) || json_integer_value(item) <= 0)) {
            problem_field(p, f->name, "item %zu must be a positive integer id", i);
            return;
        }
        if (f->type == JF_STRING_LIST &&
            (!json_is_string(item) || blank(json_string_value(item)) ||
             json_in_utf8_len(json_string_value(item)) > DEFAULT_MAX_CHARS)) {
            problem_field(p, f->name, "item %zu must be a non-blank string", i);
            return;
        }
        if (f->type == JF_ID_LIST)
            for (size_t j = 0; j < i; j++)
                if (json_integer_value(json_array_get(v, j)) == json_integer_value(item)) {
                    problem_field(p, f->name, "item %zu repeats an id", i);
                    return;
                }
    }
    *(json_t **)slot = v;
}

/* Zero or NULL, as the field's type stores it, so that a field that is
 * absent, null or refused never leaves the caller's memory as it was. */
static void clear_slot(const json_field *f, void *slot)
{
    switch (f->type) {
    case JF_INT:
        *(long long *)slot = 0;
        break;
    case JF_BOOL:
        *(bool *)slot = false;
        break;
    case JF_STRING:
    case JF_TEXT:
    case JF_DATE:
    case JF_DATETIME:
    case JF_ENUM:
        *(const char **)slot = NULL;
        break;
    case JF_ID_LIST:
    case JF_STRING_LIST:
    case JF_OBJECT:
        *(json_t **)slot = NULL;
        break;
    }
}

int json_in_validate(json_t *in, const json_field *fields, void *out, uint64_t *present,
                     problem_t *p)
{
    uint64_t seen = 0;
    const char *key;
    json_t *v;
    json_object_foreach(in, key, v) {
        bool known = false;
        for (const json_field *f = fields; f->name && !known; f++)
            known = strcmp(f->name, key) == 0;
        if (!known)
            problem_field(p, key, "is not a known field");
    }
    int i = 0;
    for (const json_field *f = fields; f->name; f++, i++) {
        void *slot = (char *)out + f->offset;
        clear_slot(f, slot);
        v = json_object_get(in, f->name);
        if (!v || json_is_null(v)) {
            if (f->flags & JF_REQUIRED)
                problem_field(p, f->name, "is required");
            else if (v && !(f->flags & JF_NULLABLE))
                problem_field(p, f->name, "must not be null");
            else if (v)
                seen |= (uint64_t)1 << i;
            continue;
        }
        seen |= (uint64_t)1 << i;
        switch (f->type) {
        case JF_STRING:
        case JF_TEXT:
        case JF_DATE:
        case JF_DATETIME:
        case JF_ENUM:
            check_string(f, v, slot, p);
            break;
        case JF_INT:
            if (!json_is_integer(v)) {
                problem_field(p, f->name, "must be an integer");
            } else {
                long long n = json_integer_value(v);
                if ((f->min || f->max) && (n < f->min || n > f->max))
                    problem_field(p, f->name, "must be from %lld to %lld", f->min, f->max);
                else
                    *(long long *)slot = n;
            }
            break;
        case JF_BOOL:
            if (!json_is_boolean(v))
                problem_field(p, f->name, "must be true or false");
            else
                *(bool *)slot = json_is_true(v);
            break;
        case JF_ID_LIST:
        case JF_STRING_LIST:
            check_list(f, v, slot, p);
            break;
        case JF_OBJECT:
            if (!json_is_object(v))
                problem_field(p, f->name, "must be an object");
            else
                *(json_t **)slot = v;
            break;
        }
    }
    if (present)
        *present = seen;
    return p->errors ? -1 : 0;
}

/* How deep a body may nest arrays and objects. Ours nest a few levels;
 * jansson's parser recurses once a level (to 2048, ~80 bytes of stack
 * each), so a body nested thousands deep took ~160 KiB of the stack of the
 * HTTP thread that parsed it, resident for the thread's life: a soak read
 * identity's threads growing so, one by one, as the API tests' 3000-deep
 * body came to each. Such a body is refused before the parser sees it. */
#define JSON_IN_MAX_DEPTH 32

/* Where the body first nests deeper than JSON_IN_MAX_DEPTH, or -1. The
 * brackets inside strings are text; anything malformed is the parser's to
 * name. */
static long too_deep_at(const char *s, size_t len)
{
    int depth = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > JSON_IN_MAX_DEPTH)
                return (long)i;
        } else if (c == ']' || c == '}') {
            depth--;
        }
    }
    return -1;
}

json_t *json_in_parse(const void *body, size_t len, problem_t *p)
{
    if (len == 0 || !body)
        return json_object();
    long deep = too_deep_at(body, len);
    if (deep >= 0) {
        problem_set(p, ERR_BAD_JSON, NULL, NULL,
                    "the body nests arrays and objects more than %d deep (at position %ld)",
                    JSON_IN_MAX_DEPTH, deep);
        return NULL;
    }
    json_error_t err;
    json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
    if (!root) {
        if (json_error_code(&err) == json_error_null_character)
            problem_set(p, ERR_BAD_JSON, NULL, NULL,
                        "a string holds the NUL character (\\u0000), which no text may contain"
                        " (at position %d)",
                        err.position);
        else
            problem_set(p, ERR_BAD_JSON, NULL, NULL,
                        "the body is not valid JSON: %s (at position %d)", err.text, err.position);
        return NULL;
    }
    if (!json_is_object(root)) {
        json_decref(root);
        problem_set(p, ERR_BAD_JSON, NULL, NULL, "the body must be a JSON object");
        return NULL;
    }
    return root;
}
