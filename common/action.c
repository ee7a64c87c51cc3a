/* The state-action runner every service shares (see action.h). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"

const json_field comment_fields[] = {
    {.name = "comment", .type = JF_TEXT, .max = 1000, .offset = offsetof(comment_in, comment)},
    JF_END,
};

int action_check_version(const req_t *r, long long if_match, long long version,
                         const char *noun, problem_t *p)
{
    if (if_match_accepts(r, if_match, version))
        return 0;
    if (if_match == IF_MATCH_LIST)
        return problem_set(p, ERR_PRECONDITION, NULL, NULL,
                           "the %s was changed: it is at version %lld, none of those in If-Match",
                           noun, version);
    return problem_set(p, ERR_PRECONDITION, NULL, NULL,
                       "the %s was changed: it is at version %lld, not %lld", noun, version,
                       if_match);
}

static bool state_in(const char *const *states, const char *state)
{
    for (const char *const *s = states; *s; s++)
        if (!strcmp(*s, state))
            return true;
    return false;
}

static int refuse_state(const action_t *a, const char *state, problem_t *p)
{
    for (const action_refusal *f = a->refusals; f; f++)
        if (!f->state || !strcmp(f->state, state))
            return problem_set(p, f->code, NULL, f->rule, f->detail, state);
    return problem_set(p, a->kind->wrong_state, NULL, a->rule,
                       "the %s is %s; it cannot be %s now", a->kind->noun, state, a->done);
}

static void keep_doc(void *arg, const PGresult *res)
{
    action_tx *t = arg;
    if (PQntuples(res) == 1) {
        free(t->doc);
        t->doc = strdup(db_col_str(res, 0, "doc"));
    }
}

int action_last(db_conn *c, action_tx *t, const db_stmt *st, int nparams,
                const char *const *params, problem_t *p)
{
    t->doc_later = true;
    return db_write_keep(c, st, nparams, params, keep_doc, t, p);
}

int action_audit_also(action_tx *t, const char *entity_type, long long entity_id,
                      const char *action, const char *after, problem_t *p)
{
    char *copy = after ? strdup(after) : NULL;
    if (after && !copy)
        return problem_oom(p);
    free(t->also_doc);
    t->also_doc = copy;
    t->also = (audit_event){.entity_type = entity_type, .entity_id = entity_id,
                            .action = action, .after = copy};
    return 0;
}

/* The action's event, with the one perform added (action_audit_also) in
 * the same statement. */
static int action_audit(db_conn *c, action_tx *t, problem_t *p)
{
    const action_t *a = t->act;
    if (!t->doc_later && !t->doc)
        return problem_oom(p);
    if (t->also.entity_type) {
        audit_event own = {.entity_type = a->kind->entity, .entity_id = t->id,
                           .action = a->verb, .before = t->before, .after = t->doc};
        return audit_write_two(c, &t->r->actor, &t->also, &own, t->doc_later, p);
    }
    if (t->doc_later)
        return audit_write_set_doc(c, &t->r->actor, a->kind->entity, t->id, a->verb, t->before,
                                   p);
    return audit_write(c, &t->r->actor, a->kind->entity, t->id, a->verb, t->before, t->doc, p);
}

int action_lock_row(db_conn *c, action_tx *t, const db_stmt *st, int nparams,
                    const char *const *params, const action_row_spec *spec, PGresult **res,
                    problem_t *p)
{
    PGresult *row;
    if (db_query(c, st, nparams, params, &row, p))
        return -1;
    if (PQntuples(row) == 0 || (spec->visible && !db_col_bool(row, 0, spec->visible))) {
        PQclear(row);
        return problem_set(p, spec->missing, NULL, NULL, "%s", spec->detail);
    }
    free(t->before);
    t->before = strdup(db_col_str(row, 0, spec->doc));
    if (!t->before) {
        PQclear(row);
        return problem_oom(p);
    }
    t->version = db_col_ll(row, 0, "version");
    snprintf(t->state, sizeof t->state, "%s", db_col_str(row, 0, "state"));
    *res = row;
    return 0;
}

int action_lock_visible(db_conn *c, action_tx *t, const db_stmt *st, bool sees_all,
                        const action_row_spec *spec, PGresult **res, problem_t *p)
{
    char id[24], u[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            sees_all ? "true" : "false"};
    return action_lock_row(c, t, st, 3, params, spec, res, p);
}

int action_change(db_conn *c, action_tx *t, const db_stmt *st, int nparams,
                  const char *const *params, problem_t *p)
{
    PGresult *res;
    if (db_query(c, st, nparams, params, &res, p))
        return -1;
    free(t->doc);
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    return t->doc ? 0 : problem_oom(p);
}

static int action_run(db_conn *c, void *arg, problem_t *p)
{
    action_tx *t = arg;
    const action_t *a = t->act;
    /* A retried transaction starts again from here. */
    free(t->before);
    free(t->doc);
    free(t->also_doc);
    t->before = t->doc = t->also_doc = NULL;
    t->doc_later = false;
    t->also = (audit_event){0};
    t->version = 0;
    t->state[0] = '\0';
    if (a->lock(c, t, p) || (a->authorise && a->authorise(c, t, p)))
        return -1;
    bool wrong_state = a->from_states && !state_in(a->from_states, t->state);
    if (a->state_first && wrong_state)
        return refuse_state(a, t->state, p);
    if (action_check_version(t->r, t->if_match, t->version, a->kind->noun, p))
        return -1;
    if (wrong_state)
        return refuse_state(a, t->state, p);
    if (a->perform(c, t, p))
        return -1;
    return action_audit(c, t, p);
}

void action_handle(req_t *r, const action_t *act, void *in, void *row)
{
    if (act->decides && !decider_or_reply(r))
        return;
    action_tx t = {.r = r, .act = act, .in = in, .row = row, .id = path_id_or_reply(r, "id")};
    if (!t.id || if_match_or_reply(r, &t.if_match))
        return;
    json_t *root = body_or_reply(r, act->fields, in, NULL);
    if (!root)
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, action_run, &t, &p))
        reply_problem_t(r, &p);
    else if (!t.doc) /* action_last's result: committed, but out of memory */
        reply_oom(r);
    else
        reply_raw(r, 200, t.doc, strlen(t.doc));
    free(t.before);
    free(t.doc);
    free(t.also_doc);
    json_decref(root);
}

void action_reply_versioned(req_t *r, PGresult *res)
{
    if (PQntuples(res) == 1 && !db_col_null(res, 0, "version")) {
        char etag[32];
        snprintf(etag, sizeof etag, "\"%s\"", db_col_str(res, 0, "version"));
        u_map_put(r->resp->map_header, "ETag", etag);
    }
    reply_row(r, res, 200);
}

enum { READ_ARGS_MAX = 4 };

/* The row of GET /<collection>/{id}, read as action_get_as says; NULL
 * after answering 404 (a bad path id), 503 or 500. */
static PGresult *row_or_reply(req_t *r, const db_stmt *st, bool sees_all, const read_arg *args)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return NULL;
    char b[24], u[24], d[24];
    const char *params[1 + READ_ARGS_MAX] = {db_int(b, id)};
    int n = 1;
    for (const read_arg *a = args; *a != READ_END && n <= READ_ARGS_MAX; a++) {
        switch (*a) {
        case READ_USER:
            params[n++] = db_int(u, r->caller->id);
            break;
        case READ_DEPARTMENT:
            params[n++] = r->caller->department_id ? db_int(d, r->caller->department_id) : NULL;
            break;
        case READ_SEES_ALL:
            params[n++] = sees_all ? "true" : "false";
            break;
        case READ_POSITION:
            params[n++] = r->caller->position;
            break;
        case READ_REQUEST_ID:
            params[n++] = r->rid;
            break;
        case READ_CLIENT_REQUEST_ID:
            params[n++] = r->client_rid;
            break;
        case READ_END:
            break;
        }
    }
    return db_read_or_reply(r, st, n, params);
}

void action_get_as(req_t *r, const db_stmt *st, bool sees_all, const read_arg *args)
{
    PGresult *res = row_or_reply(r, st, sees_all, args);
    if (res)
        action_reply_versioned(r, res);
}

void action_get_doc_as(req_t *r, const db_stmt *st, bool sees_all, const read_arg *args)
{
    PGresult *res = row_or_reply(r, st, sees_all, args);
    if (res)
        reply_row(r, res, 200);
}

void action_get_visible(req_t *r, const db_stmt *st, bool sees_all)
{
    static const read_arg args[] = {READ_USER, READ_SEES_ALL, READ_END};
    action_get_as(r, st, sees_all, args);
}

void action_get_visible_by_position(req_t *r, const db_stmt *st, bool sees_all)
{
    static const read_arg args[] = {READ_USER, READ_SEES_ALL, READ_POSITION, READ_END};
    action_get_as(r, st, sees_all, args);
}

void action_get(req_t *r, const db_stmt *st)
{
    long long id = path_id_or_reply(r, "id");
    if (!id)
        return;
    char b[24];
    const char *params[] = {db_int(b, id)};
    PGresult *res = db_read_or_reply(r, st, 1, params);
    if (res)
        action_reply_versioned(r, res);
}
