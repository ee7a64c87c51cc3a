/* The stubs of introduction letters past retention (R-LET-4): a stub is
 * kept three years from its archiving (the letter used, returned or
 * expired: stub_archived_at), then an administrator removes
 * it, one at a time or by a purge of every stub past retention, each
 * audited with the stub's last document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "seals.h"

/* How many stubs one purge call removes. */
#define PURGE_BATCH 1000

static const db_stmt Q_LETTER_LOCK_STUB = {
    "seals_letter_lock_stub",
    "SELECT letter_doc(l, s), l.version, l.issued_at IS NOT NULL AS issued,"
    " stub_archived_at(l) <= now() - interval '3 years' AS expired,"
    " to_char((stub_archived_at(l) + interval '3 years') AT TIME ZONE 'Asia/Shanghai',"
    "  'YYYY-MM-DD') AS until,"
    " letter_visible(l, s, $2, $3)"
    " FROM intro_letters l JOIN seals s ON s.id = l.seal_id WHERE l.id = $1 FOR UPDATE OF l"};

static const db_stmt Q_LETTER_DELETE = {"seals_letter_delete",
                                        "DELETE FROM intro_letters WHERE id = $1"};

/* A delete: the transaction body gets this. */
typedef struct stub_tx {
    req_t *r;
    long long id, if_match;
} stub_tx;

static int letter_delete_run(db_conn *c, void *arg, problem_t *p)
{
    stub_tx *t = arg;
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            seals_privileged(t->r->caller) ? "true" : "false"};
    PGresult *res;
    if (db_query(c, &Q_LETTER_LOCK_STUB, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0 || !db_col_bool(res, 0, "letter_visible")) {
        PQclear(res);
        return problem_set(p, ERR_INTRO_LETTER_NOT_FOUND, NULL, NULL,
                           "no such introduction letter");
    }
    int rc = -1;
    char *before = strdup(db_col_str(res, 0, "letter_doc"));
    long long version = db_col_ll(res, 0, "version");
    bool issued = db_col_bool(res, 0, "issued");
    bool expired = db_col_bool(res, 0, "expired");
    char until[16];
    snprintf(until, sizeof until, "%s", db_col_str(res, 0, "until"));
    PQclear(res);
    if (!before) {
        problem_oom(p);
    } else if (!t->r->caller->is_admin) {
        problem_set(p, ERR_FORBIDDEN, NULL, "R-LET-4",
                    "only an administrator removes archived stubs");
    } else if (action_check_version(t->r, t->if_match, version, "introduction letter", p)) {
        /* p is set */
    } else if (!issued) {
        problem_set(p, ERR_INTRO_LETTER_NOT_ISSUED, NULL, NULL,
                    "the letter was never issued: there is no archived stub to remove");
    } else if (!expired) {
        problem_set(p, ERR_INTRO_LETTER_RETENTION, NULL, NULL,
                    "the stub is kept three years from its archiving (the letter used, "
                    "returned or expired), until %s",
                    until);
    } else if (!db_run(c, &Q_LETTER_DELETE, 1, params, p)) {
        rc = audit_write(c, &t->r->actor, "intro_letter", t->id, "delete", before, NULL, p);
    }
    free(before);
    return rc;
}

void h_letters_delete(req_t *r)
{
    stub_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id || if_match_or_reply(r, &t.if_match))
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, letter_delete_run, &t, &p))
        reply_problem_t(r, &p);
    else
        reply_no_content(r);
}

/* The stubs past retention, oldest first. A stub the overdue chase holds
 * at that moment (letter_chase.c claims due letters with FOR UPDATE SKIP
 * LOCKED for a short transaction) is waited for, not skipped: a purge
 * removes every stub past retention, up to the batch. */
static const db_stmt Q_LETTERS_PURGE = {
    "seals_letters_purge",
    "DELETE FROM intro_letters l USING seals s WHERE s.id = l.seal_id AND l.id IN ("
    " SELECT x.id FROM intro_letters x WHERE x.issued_at IS NOT NULL"
    " AND stub_archived_at(x) <= now() - interval '3 years'"
    " ORDER BY x.id LIMIT $1 FOR UPDATE)"
    " RETURNING l.id, letter_doc(l, s)"};

typedef struct purge_tx {
    req_t *r;
    json_t *removed;
} purge_tx;

/* R-LET-4: removes only stubs three years past their archiving, each
 * audited. */
static int purge_run(db_conn *c, void *arg, problem_t *p)
{
    purge_tx *t = arg;
    json_array_clear(t->removed); /* a retried transaction starts again */
    char lim[24];
    const char *params[] = {db_int(lim, PURGE_BATCH)};
    PGresult *res;
    if (db_query(c, &Q_LETTERS_PURGE, 1, params, &res, p))
        return -1;
    int rc = 0;
    for (int i = 0; i < PQntuples(res) && !rc; i++) {
        const char *doc = db_col_str(res, i, "letter_doc");
        json_t *j = json_loads(doc, 0, NULL);
        if (!j || json_array_append_new(t->removed, j))
            rc = problem_oom(p);
        else
            rc = audit_write(c, &t->r->actor, "intro_letter", db_col_ll(res, i, "id"), "purge",
                             doc, NULL, p);
    }
    PQclear(res);
    return rc;
}

void h_letters_purge(req_t *r)
{
    if (!r->caller->is_admin) {
        reply_problem(r, ERR_FORBIDDEN, NULL, "R-LET-4",
                      "only an administrator purges archived stubs");
        return;
    }
    json_t *root = body_or_reply(r, (const json_field[]){JF_END}, NULL, NULL);
    if (!root)
        return;
    json_decref(root);
    purge_tx t = {.r = r, .removed = json_array()};
    problem_t p = {0};
    if (!t.removed) {
        reply_oom(r);
    } else if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, purge_run, &t, &p)) {
        reply_problem_t(r, &p);
    } else {
        size_t n = json_array_size(t.removed);
        reply_json(r, 200,
                   json_pack("{s:I, s:O, s:b}", "count", (json_int_t)n, "removed", t.removed,
                             "more", n == PURGE_BATCH));
    }
    json_decref(t.removed);
}
