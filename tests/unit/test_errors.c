/* The error registry (common/errors.def) is the only place a problem code is
 * declared: every code that api/openapi.yaml documents and every answer of
 * the gateway is in it with the same status, and no handler writes a code
 * as a string. */
#include <check.h>
#include <ctype.h>
#include <dirent.h>
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "unit_run.h"

static const char *repo(void)
{
    const char *r = getenv("REPO_DIR");
    return r ? r : ".";
}

/* The whole file (malloc'd), or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = '\0';
    fclose(f);
    return s;
}

START_TEST(codes_are_unique_and_well_formed)
{
    regex_t code_re, rule_re;
    ck_assert_int_eq(regcomp(&code_re, "^[a-z_]+\\.[a-z_]+$", REG_EXTENDED | REG_NOSUB), 0);
    ck_assert_int_eq(regcomp(&rule_re, "^R-[A-Z]+-[0-9]+$", REG_EXTENDED | REG_NOSUB), 0);
    for (int i = 1; i < ERR__COUNT; i++) {
        const char *name = err_name((err_code)i);
        ck_assert_msg(regexec(&code_re, name, 0, NULL, 0) == 0, "code %s is not area.name", name);
        ck_assert_int_eq(err_lookup(name), i);
        ck_assert_int_ge(err_status((err_code)i), 400);
        ck_assert_int_le(err_status((err_code)i), 599);
        ck_assert(err_title((err_code)i)[0] != '\0');
        const char *rule = err_rule((err_code)i);
        ck_assert_msg(!rule || regexec(&rule_re, rule, 0, NULL, 0) == 0,
                      "%s names rule %s, which is not R-AREA-N", name, rule);
    }
    regfree(&code_re);
    regfree(&rule_re);
}
END_TEST

/* A backquoted `area.name` of the spec is taken for a problem code when
 * some registered code has that area (others are fields and views, such as
 * `extension.current_approver_id` or `seals.document_stamps`). */
static bool is_code_area(const char *area, size_t len)
{
    for (int i = 1; i < ERR__COUNT; i++) {
        const char *name = err_name((err_code)i);
        if (!strncmp(name, area, len) && name[len] == '.')
            return true;
    }
    return false;
}

START_TEST(every_code_the_api_documents_is_registered)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/api/openapi.yaml", repo());
    char *spec = slurp(path);
    ck_assert_msg(spec != NULL, "cannot read %s", path);
    regex_t re;
    ck_assert_int_eq(regcomp(&re, "`([a-z_]+)\\.([a-z_]+)`", REG_EXTENDED), 0);
    int seen = 0;
    regmatch_t m[3];
    for (const char *s = spec; regexec(&re, s, 3, m, 0) == 0; s += m[0].rm_eo) {
        if (!is_code_area(s + m[1].rm_so, (size_t)(m[1].rm_eo - m[1].rm_so)))
            continue;
        char code[128];
        snprintf(code, sizeof code, "%.*s", (int)(m[0].rm_eo - m[0].rm_so - 2), s + m[0].rm_so + 1);
        ck_assert_msg(err_lookup(code) != ERR__COUNT,
                      "api/openapi.yaml documents the code %s, which common/errors.def does not "
                      "declare",
                      code);
        seen++;
    }
    ck_assert_int_gt(seen, 10);
    regfree(&re);
    free(spec);
}
END_TEST

START_TEST(every_answer_of_the_gateway_is_registered)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/deploy/nginx/gateway.conf.template", repo());
    char *conf = slurp(path);
    ck_assert_msg(conf != NULL, "cannot read %s", path);
    regex_t re;
    ck_assert_int_eq(regcomp(&re,
                             "return ([0-9]+) '\\{\"type\":\"about:blank\",\"title\":\"([^\"]*)\","
                             "\"status\":([0-9]+),\"code\":\"([^\"]*)\"",
                             REG_EXTENDED),
                     0);
    int seen = 0;
    regmatch_t m[5];
    for (const char *s = conf; regexec(&re, s, 5, m, 0) == 0; s += m[0].rm_eo) {
        char code[128], title[128];
        snprintf(code, sizeof code, "%.*s", (int)(m[4].rm_eo - m[4].rm_so), s + m[4].rm_so);
        snprintf(title, sizeof title, "%.*s", (int)(m[2].rm_eo - m[2].rm_so), s + m[2].rm_so);
        int status = atoi(s + m[1].rm_so);
        err_code c = err_lookup(code);
        ck_assert_msg(c != ERR__COUNT, "the gateway answers %s, which common/errors.def does not "
                                       "declare", code);
        ck_assert_int_eq(atoi(s + m[3].rm_so), status);
        ck_assert_msg(err_status(c) == status, "the gateway answers %s with %d, the registry %d",
                      code, status, err_status(c));
        ck_assert_str_eq(title, err_title(c));
        seen++;
    }
    ck_assert_int_gt(seen, 5);
    regfree(&re);
    free(conf);
}
END_TEST

/* Reports each call of problem_set or reply_problem in text whose code name
 * is a string literal rather than an entry of the registry. */
static int literal_names(const char *file, const char *text, bool quiet)
{
    static const char *const calls[] = {"problem_set(", "reply_problem(", NULL};
    int bad = 0;
    for (const char *const *call = calls; *call; call++) {
        for (const char *s = strstr(text, *call); s; s = strstr(s + 1, *call)) {
            if (s > text && (isalnum((unsigned char)s[-1]) || s[-1] == '_'))
                continue;
            /* the third argument: after the second comma at depth 1 */
            const char *a = s + strlen(*call);
            int depth = 1, commas = 0;
            for (; *a && depth > 0 && commas < 2; a++) {
                if (*a == '(')
                    depth++;
                else if (*a == ')')
                    depth--;
                else if (*a == ',' && depth == 1)
                    commas++;
            }
            while (isspace((unsigned char)*a))
                a++;
            if (commas == 2 && *a == '"' && !quiet) {
                int line = 1;
                for (const char *t = text; t < s; t++)
                    line += *t == '\n';
                fprintf(stderr, "%s:%d: a code written as a string; declare it in "
                                "common/errors.def and use its ERR_ name\n", file, line);
            }
            bad += commas == 2 && *a == '"';
        }
    }
    return bad;
}

static int scan_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int bad = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        size_t len = strlen(e->d_name);
        if (len > 2 && !strcmp(e->d_name + len - 2, ".c")) {
            char *text = slurp(path);
            if (text)
                bad += literal_names(path, text, false);
            free(text);
        } else if (!strchr(e->d_name, '.')) {
            bad += scan_dir(path);
        }
    }
    closedir(d);
    return bad;
}

START_TEST(no_handler_writes_a_code_as_a_string)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/services", repo());
    int bad = scan_dir(path);
    snprintf(path, sizeof path, "%s/common", repo());
    bad += scan_dir(path);
    ck_assert_msg(bad == 0, "%d problem codes are string literals (listed above)", bad);
    /* the scan itself finds one */
    ck_assert_int_eq(literal_names("example", "problem_set(p, ERR_RULE, \"x.y\", NULL, \"d\");",
                                   true),
                     1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("errors");
    TCase *tc = tcase_create("registry");
    tcase_add_test(tc, codes_are_unique_and_well_formed);
    tcase_add_test(tc, every_code_the_api_documents_is_registered);
    tcase_add_test(tc, every_answer_of_the_gateway_is_registered);
    tcase_add_test(tc, no_handler_writes_a_code_as_a_string);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
