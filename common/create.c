/* The create runner every service shares (see create.h). */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "create.h"
#include "idem.h"

static void keep_doc(void *arg, const PGresult *res)
{
    create_tx *t = arg;
    if (PQntuples(res) == 1) {
        free(t->doc);
        t->doc = strdup(db_col_str(res, 0, "doc"));
    }
}

int create_last(db_conn *c, create_tx *t, const db_stmt *st, int nparams,
                const char *const *params, problem_t *p)
{
    t->doc_later = true;
    return db_write_keep(c, st, nparams, params, keep_doc, t, p);
}

int create_insert(db_conn *c, create_tx *t, const db_stmt *st, int nparams,
                  const char *const *params, problem_t *p)
{
    PGresult *res;
    if (db_query(c, st, nparams, params, &res, p))
        return -1;
    free(t->doc);
    t->id = db_col_ll(res, 0, "id");
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    return t->doc ? 0 : problem_oom(p);
}

static int create_run(db_conn *c, void *arg, problem_t *p)
{
    create_tx *t = arg;
    const create_t *cr = t->cr;
    /* A retried transaction starts again from here. */
    free(t->doc);
    t->doc = NULL;
    t->id = 0;
    t->doc_later = false;
    if (cr->store(c, t, p))
        return -1;
    if (!t->doc_later && !t->doc)
        return problem_oom(p);
    /* With create_last the document is still on its way: the key's answer
     * and the audit event take it on the server. */
    if (idem_store(c, t->r, 201, t->doc_later ? NULL : t->doc, p))
        return -1;
    if (!cr->entity)
        return 0;
    const char *verb = cr->verb ? cr->verb : "create";
    if (t->doc_later)
        return audit_write_set_doc(c, &t->r->actor, cr->entity, t->id, verb, NULL, p);
    return audit_write(c, &t->r->actor, cr->entity, t->id, verb, NULL, t->doc, p);
}

bool create_handle(req_t *r, const create_t *cr, void *in, void *ctx)
{
    if ((cr->decides && !decider_or_reply(r)) || idem_replayed(r))
        return false;
    create_tx t = {.r = r, .cr = cr, .in = in, .ctx = ctx};
    t.body = body_or_reply(r, cr->fields, in, &t.present);
    if (!t.body)
        return false;
    problem_t p = {0};
    int rc = cr->check ? cr->check(&t, &p) : 0;
    if (!rc)
        rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, create_run, &t, &p);
    json_decref(t.body);
    reply_doc(r, rc, &p, t.doc, 201);
    return rc == 0;
}
