#ifndef OA_TEST_HARNESS_H
#define OA_TEST_HARNESS_H

/* Black-box API tests: HTTP through the gateway started by deploy/local.sh,
 * plus an admin database connection for checking what was (not) stored. */

#include <check.h>
#include <jwt.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>

typedef struct resp {
    long status;
    json_t *json;   /* parsed body or NULL */
    char *body;     /* raw body */
    char *headers;  /* raw response headers */
} resp_t;

/* Reads GATEWAY_URL, ADMIN_DATABASE_URL, JWT_*_KEY_FILE. Call first. */
void h_setup(void);
void h_teardown(void);

/* One request. path starts with "/api/v1" or "/"; base is the gateway unless
 * the path starts with "http". token may be NULL; body may be NULL.
 * extra: NULL-terminated list of "Name: value" headers, or NULL. Free with
 * h_free(). Never NULL (status 0 when the connection failed). */
resp_t *h_req(const char *method, const char *path, const char *token, const char *body,
              const char *const *extra);
resp_t *h_get(const char *path, const char *token);
resp_t *h_post(const char *path, const char *token, const char *body);
resp_t *h_patch(const char *path, const char *token, const char *body);
void h_free(resp_t *r);

/* printf-style builder; the string lives until the process ends. */
const char *h_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Access token of a demo user (password demo123), cached per process. */
const char *h_token(const char *username);
/* Id of a user by username (from the database). */
long long h_user_id(const char *username);
/* The audit events `action` of `service` on entity_type/id by user `who`,
 * in the request whose X-Request-Id was `request_id`, as the
 * administrators' audit endpoint lists them. */
int h_audit_count(const char *service, const char *entity_type, long long id, const char *action,
                  const char *who, const char *request_id);

/* The value of a response header (case-insensitive) in a static buffer, or NULL. */
const char *h_header(resp_t *r, const char *name);

/* Admin SQL. h_sql_ll returns the first column of the first row as a
 * number (0 if none); h_sql_str a malloc'd string (NULL if none); h_sql
 * runs a statement and fails the test on error. Parameters are text. */
long long h_sql_ll(const char *sql, int n, const char *const *params);
char *h_sql_str(const char *sql, int n, const char *const *params);
void h_sql(const char *sql);
PGconn *h_db(void);

/* Every function and view of schema s as PostgreSQL holds it (definition,
 * settings, comment, privileges, owner), one malloc'd text: what a
 * service's sql/read.sql defines, to compare before and after it applies
 * again. */
char *h_schema_definitions(const char *s);

/* The next start of service svc as far as its database goes: its
 * migrations (none left to apply) and sql/read.sql, as it applies them.
 * 0 on success. */
int h_migrate_again(const char *svc);

/* A token signed with the real private key for arbitrary claims (JSON text
 * of the payload) and alg ("RS256"), for negative tests. Malloc'd. */
char *h_sign(const char *payload_json, const char *alg);
/* Contents of the public key file (static). */
const char *h_public_pem(void);

/* Field accessors on a response's JSON. */
long long h_int(resp_t *r, const char *key);
const char *h_str(resp_t *r, const char *key);
/* True when the list page at path, read with token, answers 200 (asserted)
 * and holds an item with that id. Give the path a limit large enough. */
bool h_lists(const char *path, const char *token, long long id);
/* Whether the page answered holds an item of that id. */
bool h_page_has(resp_t *r, long long id);
/* True when r is problem+json with that status and, when given, code,
 * rule and field named in errors. */
bool h_problem(resp_t *r, long status, const char *code, const char *rule, const char *field);

/* Runs the suite; exit code for main(). */
int h_run(Suite *s);

/* A port nobody listens on now, for one more copy of a service. */
int h_free_port(void);
/* Starts one more copy of `service` (BIN_DIR's binary, else the sanitizer
 * build's) on `port`, on the same database as the running copies and as
 * the service's own role, with `env` ("NAME=value" strings, NULL-ended)
 * added; its output goes to STATE_DIR/logs/<log_name>. Returns once its
 * /readyz answers 200; the test fails if it never does. */
#include <sys/types.h>
pid_t h_start_copy(const char *service, int port, const char *log_name,
                   const char *const *env);
/* Stops a copy h_start_copy started and waits for it. */
void h_stop_copy(pid_t pid);

#define ck_status(r, st)                                                                    \
    ck_assert_msg((r)->status == (st), "expected %d, got %ld: %s", (int)(st), (r)->status, \
                  (r)->body ? (r)->body : "")

#endif
