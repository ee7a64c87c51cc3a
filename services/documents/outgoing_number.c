/* The number of an outgoing document (R-DOC-5): taken in the
 * transaction that uses it, so that the numbers of a series and year are
 * 1..N without a gap, in a transaction of its own whose last statement
 * takes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "outgoing_actions.h"

/* R-DOC-5: the number, the step, the drafter's notification and the
 * audit event (as audit_write writes it, with the document before, $9 ...
 * $14) in one statement, the transaction's last, sent with COMMIT: the
 * series' counter row it locks is held from here to the commit, and every
 * other numbering waits for it meanwhile, so no round trip to the service
 * falls in between. The numbered document it returns is the answer, read
 * with COMMIT's result: it is the row as committed (document_doc reads the
 * row alone), so no statement reads it again after the commit. The counter
 * moves as take_number (migration 001) moves it, written here so that it
 * is planned with the statement. $5 the issuer, $6 the year, $7 the
 * SHA-256 of the signed body, $8 the notification's text. */
static const db_stmt Q_NUMBER = {
    "documents_number",
    "WITH n AS (INSERT INTO number_counters AS c (series, year, last) VALUES ($5, $6, 1)"
    "  ON CONFLICT (series, year) DO UPDATE SET last = c.last + 1 RETURNING c.last AS seq),"
    " s AS (SELECT prefix FROM number_series WHERE issuer = $5),"
    " u AS (UPDATE documents d SET" STEP_SET "," STEP_PATH ", doc_year = $6, doc_seq = n.seq,"
    "  doc_number = s.prefix || '〔' || $6 || '〕' || n.seq || '号',"
    "  numbered_at = now(), signed_body_sha256 = $7"
    "  FROM n, s WHERE d.id = $1"
    "  RETURNING d.id, d.creator_id, d.title, d.doc_number," DOCUMENT_DOC("d") " AS doc),"
    " m AS (SELECT identity.notify(u.creator_id, 'document_numbered',"
    "  'Numbered ' || u.doc_number || ': ' || u.title, $8, 'document', u.id) FROM u),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before,"
    "  after, request_id, client_request_id)"
    "  SELECT $9, $10, 'document', u.id, $11, $12::jsonb, u.doc::jsonb, $13, $14 FROM u)"
    " SELECT u.doc, (SELECT count(*) FROM m) AS told FROM u"};

static void keep_numbered(void *arg, const PGresult *res)
{
    action_tx *t = arg;
    if (PQntuples(res) == 1) {
        free(t->doc);
        t->doc = strdup(db_col_str(res, 0, "doc"));
    }
}

/* R-DOC-5: the number is taken in this transaction, so it exists only if
 * the document commits with it. Sent without waiting for its result (a
 * failure fails the COMMIT); t->doc is the numbered document once the
 * transaction has committed, NULL if it could not be kept. */
int doc_perform_assign_number(db_conn *c, action_tx *t, problem_t *p)
{
    doc_row *q = t->row;
    const doc_act_in *in = t->in;
    const actor_t *who = &t->r->actor;
    char id[24], me[24], year[24], sha[65], actor[24];
    sha256_hex(q->body, strlen(q->body), sha);
    const char *params[] = {db_int(id, t->id),
                            "numbered",
                            in->comment,
                            db_int(me, t->r->caller->id),
                            q->issuer,
                            db_int(year, office_year()),
                            sha,
                            "Collect the letterhead sheets from the secretariat, print and "
                            "stamp the copies.",
                            who->svc->name,
                            who->user_id ? db_int(actor, who->user_id) : NULL,
                            t->act->verb,
                            t->before,
                            who->rid,
                            who->client_rid};
    return db_write_keep(c, &Q_NUMBER, 14, params, keep_numbered, t, p);
}

/* R-DOC-5 with many numberings at once: the series' counter row is locked
 * from the number to the end of the transaction, so every number waits for
 * the one before it to end; the number is the transaction's last statement,
 * sent with COMMIT, so the lock lasts one round trip and the commit. The
 * commit waits for its WAL (and a synchronous standby) like every other: an
 * asynchronous commit here, followed by a second transaction meant to wait
 * for it, lost acknowledged numbers at a failover, since a transaction that
 * writes no WAL of its own neither flushes nor waits for the standby. */

static bool state_in(const char *const *states, const char *state)
{
    for (const char *const *s = states; *s; s++)
        if (!strcmp(*s, state))
            return true;
    return false;
}

/* The numbering: the action runner's steps from the table's row (lock,
 * authorise, If-Match, from-states), then the number with its audit event
 * in one statement. A draft still in proofreading is refused as that,
 * more precisely than as a wrong state. */
static int number_run(db_conn *c, void *arg, problem_t *p)
{
    action_tx *t = arg;
    const action_t *a = t->act;
    free(t->before);
    free(t->doc);
    t->before = NULL;
    t->doc = NULL;
    t->version = 0;
    t->state[0] = '\0';
    if (a->lock(c, t, p) || a->authorise(c, t, p) ||
        action_check_version(t->r, t->if_match, t->version, a->kind->noun, p))
        return -1;
    if (!strcmp(t->state, "proofreading") || !strcmp(t->state, "revising"))
        return problem_set(p, ERR_DOCUMENT_NOT_PROOFREAD, NULL, NULL,
                           "proofreading is not finished; the number comes after it");
    if (!state_in(a->from_states, t->state))
        return problem_set(p, a->kind->wrong_state, NULL, a->rule,
                           "a %s document cannot be numbered", t->state);
    return a->perform(c, t, p);
}

/* POST /documents/{id}/assign-number: the action runner's steps in a
 * transaction of its own, answered with the numbered document its last
 * statement returned. */
void doc_number_handle(req_t *r, const action_t *act)
{
    doc_act_in in = {0};
    doc_row row = {0};
    action_tx t = {.r = r, .act = act, .in = &in, .row = &row, .id = path_id_or_reply(r, "id")};
    if (!t.id || if_match_or_reply(r, &t.if_match))
        return;
    json_t *root = body_or_reply(r, act->fields, &in, NULL);
    if (!root)
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, number_run, &t, &p))
        reply_problem_t(r, &p);
    else if (!t.doc) /* committed, but its answer could not be kept */
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "the numbered document could not be read");
    else
        reply_raw(r, 200, t.doc, strlen(t.doc));
    free(t.before);
    free(t.doc);
    doc_row_free(&row);
    json_decref(root);
}

