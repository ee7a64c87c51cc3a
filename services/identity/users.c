/* The directory (everyone reads), admin user management, /me (R-ORG-6). */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "identity.h"
#include "list.h"

bool admin_or_reply(req_t *r)
{
    if (r->caller->is_admin)
        return true;
    reply_problem(r, ERR_FORBIDDEN, NULL, NULL, "only an administrator may do this");
    return false;
}

/* Digits, spaces, +, -, ( and ): the shape of a phone number. */
static bool phone_ok(const char *phone)
{
    return !phone || strspn(phone, "0123456789+-() ") == strlen(phone);
}

static bool phone_ok_or_reply(req_t *r, const char *phone)
{
    if (phone_ok(phone))
        return true;
    problem_t p = {0};
    problem_field(&p, "phone", "may contain only digits, spaces, +, -, ( and )");
    reply_problem_t(r, &p);
    return false;
}

/* Names the field behind a refused constraint, so that a 400 says which
 * value was wrong. */
void name_constraint(const PGresult *res, problem_t *p)
{
    static const struct {
        const char *constraint, *field, *message;
    } fields[] = {
        {"users_username_check", "username",
         "must start with a lowercase letter and use only a-z, 0-9, '_', '.' and '-'"},
        {"users_display_name_check", "display_name", "must not be blank"},
        {"users_phone_check", "phone", "may contain only digits, spaces, +, -, ( and )"},
        {"users_secretary_is_staff", "is_secretary", "a secretary holds the position staff"},
        {"users_only_secretaries_serve", "serves_leader_id", "only a secretary serves a leader"},
        {"users_serves_a_district_leader", "serves_leader_id",
         "must be the district mayor or a deputy mayor (R-SEC-1)"},
        {"users_gov_affairs_is_deputy", "gov_affairs",
         "only a deputy director is in charge of government affairs"},
        {"users_department_id_fkey", "department_id", "no such department"},
        {"users_serves_leader_id_fkey", "serves_leader_id", "no such user"},
        {"departments_secretariat_is_section", "is_secretariat", "the secretariat is a section"},
        {"departments_deputy_fk", "supervising_deputy_id", "no such user"},
        {"departments_name_check", "name", "must not be blank"},
    };
    const char *name = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    for (size_t i = 0; name && i < sizeof fields / sizeof fields[0]; i++)
        if (!strcmp(name, fields[i].constraint)) {
            problem_field(p, fields[i].field, "%s", fields[i].message);
            return;
        }
}

/* ---------- reads ---------- */

/* Whether the reader sees the phone number of user u (identity migration
 * 007): everyone's, or, for a reader from an external unit (the token's
 * claim; viewer and external are SQL parameters), only their own. */
#define PHONE_SHOWN(viewer, external) "(NOT " external "::boolean OR u.id = " viewer "::bigint)"

/* The user document as that reader sees it: the form stored with the row
 * (identity migration 010), user_doc(u, PHONE_SHOWN(...)) without its cost. */
#define USER_DOC_SHOWN(viewer, external)                                                       \
    "CASE WHEN " PHONE_SHOWN(viewer, external) " THEN u.doc ELSE u.doc_no_phone END"

static const db_stmt Q_USER_GET = {
    "identity_user_get",
    "SELECT " USER_DOC_SHOWN("$2", "$3") " AS user_doc, u.version FROM users u WHERE u.id = $1"};

static void reply_user(req_t *r, long long id)
{
    char b[24], v[24];
    const char *params[] = {db_int(b, id), db_int(v, r->caller->id),
                            r->caller->external ? "true" : "false"};
    PGresult *res = db_read_or_reply(r, &Q_USER_GET, 3, params);
    if (!res)
        return;
    if (PQntuples(res) == 1) {
        char etag[32];
        snprintf(etag, sizeof etag, "\"%s\"", db_col_str(res, 0, "version"));
        u_map_put(r->resp->map_header, "ETag", etag);
    }
    reply_row(r, res, 200);
}

void h_me_get(req_t *r)
{
    reply_user(r, r->caller->id);
}

void h_users_get(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (id)
        reply_user(r, id);
}

static const db_stmt Q_USERS_LIST = {
    "identity_users_list",
    "SELECT u.id, " USER_DOC_SHOWN("$7", "$8") " AS user_doc FROM users u"
    " WHERE " PAGE_BEFORE("u.id", "$1")
    " AND ($2::text IS NULL OR u.username = $2)"
    " AND ($3::bigint IS NULL OR u.department_id = $3)"
    " AND ($4::text IS NULL OR u.position = $4)"
    " AND ($5::boolean IS NULL OR u.active = $5)"
    " ORDER BY u.id DESC LIMIT $6"};

/* The unfiltered directory, the list most asked for, with a plan made once:
 * a backward scan of the primary key that stops after a page. PostgreSQL
 * keeps a prepared statement's generic plan only when its estimate is no
 * worse than a fresh plan's; with an open-ended "id < $1" and "LIMIT $2" it
 * guesses a third of the table and plans every call anew (~1 ms, re-reading
 * user_doc), six times the cost of the page itself. The second bound ($3,
 * always 0) makes it estimate a narrow range (500 rows). "LIMIT $2" alone
 * is then guessed as a tenth of that range, 50 rows: at 100 000 users that
 * estimate was dearer than a fresh plan's (8.8 against 3.6 plus 5 for
 * planning), so every call was planned again. The scan's bound is now a
 * constant, the largest page (PAGE_SCAN_LIMIT), and the outer LIMIT a
 * tenth of it: the generic plan's estimate is a page and it is kept; the
 * outer LIMIT stops the scan at the page asked for.
 * The filtered statement above is planned per call on purpose: its generic
 * plan would read the whole table. */
static const db_stmt Q_USERS_PAGE = {
    "identity_users_page",
    "SELECT x.id, x.user_doc FROM (SELECT u.id, " USER_DOC_SHOWN("$4", "$5") " AS user_doc"
    " FROM users u WHERE " PAGE_BEFORE("u.id", "$1") " AND u.id > $3::bigint"
    " ORDER BY u.id DESC LIMIT " PAGE_SCAN_LIMIT ") x ORDER BY x.id DESC LIMIT $2"};

static const list_filter user_filters[] = {
    {.name = "username", .kind = LIST_TEXT},
    {.name = "department_id", .kind = LIST_ID},
    {.name = "position", .kind = LIST_ENUM, .values = org_positions},
    {.name = "active", .kind = LIST_BOOL, .null_absent = true},
    LIST_FILTERS_END,
};

static const list_t users_list = {
    .stmt = &Q_USERS_LIST,
    .filters = user_filters,
    .params = {"@cursor", "username", "department_id", "position", "active", "@limit", "@caller",
               "@external"},
};

void h_users_list(req_t *r)
{
    list_query q;
    if (list_query_or_reply(r, &users_list, &q))
        return;
    if (list_given(&q, "username") || list_given(&q, "department_id") ||
        list_given(&q, "position") || list_given(&q, "active")) {
        list_reply(&q);
        return;
    }
    /* $3 always 0, as Q_USERS_PAGE says. */
    const char *page[] = {list_value(&q, "@cursor"), list_value(&q, "@limit"), "0",
                          list_value(&q, "@caller"), list_value(&q, "@external")};
    PGresult *res = db_read_or_reply(r, &Q_USERS_PAGE, 5, page);
    if (res)
        reply_page(r, res, q.limit);
}

/* ---------- writes ---------- */

typedef struct user_in {
    const char *username, *display_name, *password, *position, *phone;
    long long department_id, serves_leader_id;
    bool is_secretary, is_admin, gov_affairs, active;
} user_in;

static const json_field user_create_fields[] = {
    {.name = "username", .type = JF_STRING, .flags = JF_REQUIRED, .min = 2, .max = 64,
     .offset = offsetof(user_in, username)},
    {.name = "display_name", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 100,
     .offset = offsetof(user_in, display_name)},
    {.name = "password", .type = JF_TEXT, .flags = JF_REQUIRED, .min = 8, .max = 200,
     .offset = offsetof(user_in, password)},
    {.name = "position", .type = JF_ENUM, .flags = JF_REQUIRED, .values = org_positions,
     .offset = offsetof(user_in, position)},
    {.name = "department_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(user_in, department_id)},
    {.name = "is_secretary", .type = JF_BOOL, .offset = offsetof(user_in, is_secretary)},
    {.name = "serves_leader_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(user_in, serves_leader_id)},
    {.name = "is_admin", .type = JF_BOOL, .offset = offsetof(user_in, is_admin)},
    {.name = "gov_affairs", .type = JF_BOOL, .offset = offsetof(user_in, gov_affairs)},
    {.name = "phone", .type = JF_STRING, .flags = JF_NULLABLE, .min = 3, .max = 32,
     .offset = offsetof(user_in, phone)},
    {.name = "active", .type = JF_BOOL, .offset = offsetof(user_in, active)},
    JF_END,
};

/* The same fields, all optional, for PATCH (username cannot change). */
static const json_field user_patch_fields[] = {
    {.name = "display_name", .type = JF_STRING, .min = 1, .max = 100,
     .offset = offsetof(user_in, display_name)},
    {.name = "password", .type = JF_TEXT, .min = 8, .max = 200,
     .offset = offsetof(user_in, password)},
    {.name = "position", .type = JF_ENUM, .values = org_positions,
     .offset = offsetof(user_in, position)},
    {.name = "department_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1, .max = INT64_MAX / 2,
     .offset = offsetof(user_in, department_id)},
    {.name = "is_secretary", .type = JF_BOOL, .offset = offsetof(user_in, is_secretary)},
    {.name = "serves_leader_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(user_in, serves_leader_id)},
    {.name = "is_admin", .type = JF_BOOL, .offset = offsetof(user_in, is_admin)},
    {.name = "gov_affairs", .type = JF_BOOL, .offset = offsetof(user_in, gov_affairs)},
    {.name = "phone", .type = JF_STRING, .flags = JF_NULLABLE, .min = 3, .max = 32,
     .offset = offsetof(user_in, phone)},
    {.name = "active", .type = JF_BOOL, .offset = offsetof(user_in, active)},
    JF_END,
};

typedef struct user_tx {
    req_t *r;
    long long id;
    long long if_match;
    const char *patch; /* validated body as JSON text, password removed */
    const char *hash;  /* new password hash or NULL */
    bool phone_only;   /* PATCH /me */
    char *doc;         /* the answer */
    char hash_buf[128];
} user_tx;

static const db_stmt Q_USER_INSERT = {
    "identity_user_insert",
    "INSERT INTO users(username, display_name, password_hash, position, department_id,"
    " is_secretary, serves_leader_id, is_admin, gov_affairs, phone, active)"
    " SELECT j->>'username', j->>'display_name', $2, j->>'position',"
    " (j->>'department_id')::bigint, coalesce((j->>'is_secretary')::boolean, false),"
    " (j->>'serves_leader_id')::bigint, coalesce((j->>'is_admin')::boolean, false),"
    " coalesce((j->>'gov_affairs')::boolean, false), j->>'phone',"
    " coalesce((j->>'active')::boolean, true)"
    " FROM (SELECT $1::jsonb AS j) s RETURNING id, user_doc(users)"};

static int user_store(db_conn *c, create_tx *ct, problem_t *p)
{
    user_tx *t = ct->ctx;
    const char *params[] = {t->patch, t->hash};
    PGresult *res = db_exec(c, &Q_USER_INSERT, 2, params);
    if (!db_ok(res, p)) {
        name_constraint(res, p);
        PQclear(res);
        if (p->code == ERR_DUPLICATE)
            problem_field(p, "username", "is already taken");
        return -1;
    }
    ct->id = db_col_ll(res, 0, "id");
    ct->doc = strdup(db_col_str(res, 0, "user_doc"));
    PQclear(res);
    if (!ct->doc)
        return problem_oom(p);
    return 0;
}

/* The body as JSON text without the password. */
static char *patch_text(json_t *root)
{
    json_t *copy = json_deep_copy(root);
    json_object_del(copy, "password");
    char *s = json_dumps(copy, JSON_COMPACT);
    json_decref(copy);
    return s;
}

static int user_check(create_tx *ct, problem_t *p)
{
    user_tx *t = ct->ctx;
    const user_in *in = ct->in;
    if (!phone_ok(in->phone))
        return problem_field(p, "phone", "may contain only digits, spaces, +, -, ( and )");
    char *patch = patch_text(ct->body);
    t->patch = patch;
    if (!patch)
        return problem_oom(p);
    if (password_hash(identity_of(ct->r), in->password, t->hash_buf))
        return problem_set(p, ERR_BUSY, NULL, NULL, "too many password operations at once");
    t->hash = t->hash_buf;
    return 0;
}

static const create_t user_create = {
    .entity = "user",
    .fields = user_create_fields,
    .check = user_check,
    .store = user_store,
};

void h_users_create(req_t *r)
{
    if (!admin_or_reply(r))
        return;
    user_in in = {0};
    user_tx t = {.r = r};
    create_handle(r, &user_create, &in, &t);
    free((char *)t.patch);
}

static const db_stmt Q_USER_LOCK = {
    "identity_user_lock", "SELECT user_doc(u), u.version FROM users u WHERE id = $1 FOR UPDATE"};

static const db_stmt Q_USER_UPDATE = {
    "identity_user_update",
    "UPDATE users u SET"
    " display_name = CASE WHEN j ? 'display_name' THEN j->>'display_name' ELSE display_name END,"
    " position = CASE WHEN j ? 'position' THEN j->>'position' ELSE position END,"
    " department_id = CASE WHEN j ? 'department_id' THEN (j->>'department_id')::bigint"
    "   ELSE department_id END,"
    " is_secretary = CASE WHEN j ? 'is_secretary' THEN (j->>'is_secretary')::boolean"
    "   ELSE is_secretary END,"
    " serves_leader_id = CASE WHEN j ? 'serves_leader_id' THEN (j->>'serves_leader_id')::bigint"
    "   ELSE serves_leader_id END,"
    " is_admin = CASE WHEN j ? 'is_admin' THEN (j->>'is_admin')::boolean ELSE is_admin END,"
    " gov_affairs = CASE WHEN j ? 'gov_affairs' THEN (j->>'gov_affairs')::boolean"
    "   ELSE gov_affairs END,"
    " phone = CASE WHEN j ? 'phone' THEN j->>'phone' ELSE phone END,"
    " active = CASE WHEN j ? 'active' THEN (j->>'active')::boolean ELSE active END,"
    " password_hash = coalesce($3, password_hash),"
    " version = version + 1, updated_at = now()"
    " FROM (SELECT $2::jsonb AS j) s WHERE u.id = $1 RETURNING user_doc(u)"};

/* Revokes every refresh token of a user who was deactivated or got a new
 * password. */
static const db_stmt Q_USER_REVOKE = {
    "identity_user_revoke",
    "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL"};

/* A new password ends every lock-out and delay of the user's logins. */
static const db_stmt Q_USER_UNLOCK = {
    "identity_user_unlock",
    "DELETE FROM login_guards g USING users u WHERE u.id = $1 AND g.username = u.username"};

/* R-ORG-6: a change of contact details goes to the secretariat, which
 * informs the office leaders: both are notified. */
static const db_stmt Q_CONTACT_NOTIFY = {
    "identity_contact_notify",
    "SELECT notify(u.id, 'contact_changed', $2, $3, 'user', $1)"
    " FROM users u LEFT JOIN departments d ON d.id = u.department_id"
    " WHERE u.active AND u.id <> $1"
    " AND (u.position IN ('office_director', 'deputy_director') OR d.is_secretariat)"};

static int user_update_run(db_conn *c, void *arg, problem_t *p)
{
    user_tx *t = arg;
    char id[24];
    db_int(id, t->id);
    const char *p1[] = {id};
    PGresult *res = db_exec(c, &Q_USER_LOCK, 1, p1);
    if (!db_ok(res, p)) {
        PQclear(res);
        return -1;
    }
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_NOT_FOUND, NULL, NULL, "no such user");
    }
    long long version = db_col_ll(res, 0, "version");
    if (!if_match_accepts(t->r, t->if_match, version)) {
        PQclear(res);
        return problem_set(p, ERR_PRECONDITION, NULL, NULL,
                           "the user was changed: it is at version %lld", version);
    }
    json_t *before = json_loads(db_col_str(res, 0, "user_doc"), 0, NULL);
    char *before_s = strdup(db_col_str(res, 0, "user_doc"));
    PQclear(res);
    const char *p2[] = {id, t->patch, t->hash};
    res = db_exec(c, &Q_USER_UPDATE, 3, p2);
    int rc = -1;
    if (!db_ok(res, p)) {
        name_constraint(res, p);
        if (p->code == ERR_DUPLICATE)
            problem_field(p, "gov_affairs",
                          "another active deputy director is in charge of government affairs");
        goto cleanup;
    }
    t->doc = strdup(db_col_str(res, 0, "user_doc"));
    json_t *after = json_loads(t->doc, 0, NULL);
    bool deactivated = json_is_true(json_object_get(before, "active")) &&
                       json_is_false(json_object_get(after, "active"));
    bool phone_changed = !json_equal(json_object_get(before, "phone"),
                                     json_object_get(after, "phone"));
    json_decref(after);
    if ((deactivated || t->hash)) {
        PGresult *rv = db_exec(c, &Q_USER_REVOKE, 1, p1);
        bool ok = db_ok(rv, p);
        PQclear(rv);
        if (!ok)
            goto cleanup;
    }
    if (t->hash && db_write(c, &Q_USER_UNLOCK, 1, p1, p))
        goto cleanup;
    if (phone_changed) {
        const char *name = json_string_value(json_object_get(before, "display_name"));
        char title[200], body[300];
        snprintf(title, sizeof title, "%s changed contact details", name ? name : "a colleague");
        json_t *a = json_loads(t->doc, 0, NULL);
        const char *np = json_string_value(json_object_get(a, "phone"));
        snprintf(body, sizeof body, "New phone: %s (R-ORG-6)", np ? np : "none");
        json_decref(a);
        const char *p3[] = {id, title, body};
        PGresult *nr = db_exec(c, &Q_CONTACT_NOTIFY, 3, p3);
        bool ok = db_ok(nr, p);
        PQclear(nr);
        if (!ok)
            goto cleanup;
    }
    rc = audit_write(c, &t->r->actor, "user", t->id,
                     t->phone_only ? "update_contact" : (deactivated ? "deactivate" : "update"),
                     before_s, t->doc, p);
cleanup:
    PQclear(res);
    json_decref(before);
    free(before_s);
    return rc;
}

static void user_update(req_t *r, long long id, const json_field *fields, bool phone_only)
{
    long long if_match;
    if (if_match_or_reply(r, &if_match))
        return;
    user_in in = {0};
    uint64_t present = 0;
    json_t *root = patch_body_or_reply(r, fields, &in, &present);
    if (!root)
        return;
    if (!phone_ok_or_reply(r, in.phone)) {
        json_decref(root);
        return;
    }
    char hash[128];
    char *patch = patch_text(root);
    user_tx t = {.r = r, .id = id, .if_match = if_match, .patch = patch,
                 .hash = in.password ? hash : NULL, .phone_only = phone_only};
    problem_t p = {0};
    if (!patch)
        reply_oom(r);
    else if (in.password && password_hash(identity_of(r), in.password, hash))
        reply_problem(r, ERR_BUSY, NULL, NULL, "too many password operations at once");
    else if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, user_update_run, &t, &p))
        reply_problem_t(r, &p);
    else
        reply_raw(r, 200, t.doc, strlen(t.doc));
    free(t.doc);
    free(patch);
    json_decref(root);
}

void h_users_patch(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    if (id && admin_or_reply(r))
        user_update(r, id, user_patch_fields, false);
}

static const json_field me_patch_fields[] = {
    {.name = "phone", .type = JF_STRING, .flags = JF_NULLABLE, .min = 3, .max = 32,
     .offset = offsetof(user_in, phone)},
    JF_END,
};

void h_me_patch(req_t *r)
{
    user_update(r, r->caller->id, me_patch_fields, true);
}
