/* The number of an outgoing document (R-DOC-5): taken in the
 * transaction that uses it, so that the numbers of a series and year are
 * 1..N without a gap, in a transaction of its own whose last statement
 * takes it. */
#include <pthread.h>
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

/* ---------- numberings together ----------
 *
 * The counter row of a series is held from the number to the commit, and
 * the commit waits for its WAL to reach the disk: numberings one a
 * transaction are one disk flush each, one after the other, whatever the
 * number of clients. The numberings that arrive while one runs are taken
 * together by the next: one transaction locks and checks each document as
 * number_run does, then numbers all those that pass in one statement (the
 * counter of each series moved once by their count, each document its
 * number in the order they arrived), with their notifications and audit
 * events, sent with COMMIT. All of them commit, or none: when the batch
 * fails (a document that refuses its number, a lost connection), each of
 * its numberings runs again alone, as number_run, and answers as it would
 * have. A document named twice waits for the next batch. */

typedef struct number_job {
    req_t *r;
    action_tx t;
    doc_act_in in;
    doc_row row;
    problem_t p;
    int rc;
    bool passed; /* checked in the batch: numbered by its statement */
    bool done, lead;
    pthread_cond_t cv;
    struct number_job *next;
} number_job;

enum { BATCH_MAX = 64 };

static pthread_mutex_t batch_mu = PTHREAD_MUTEX_INITIALIZER;
static number_job *queue_head, *queue_tail;
static bool leading;

/* R-DOC-5 for many documents: $1 a JSON array of the numberings in the
 * order they arrived (ord, the document, its comment, the caller on its
 * path, its series, the SHA-256 of its signed body, and the audit event's
 * actor, document before, request ids); $2 the year, $3 the notification's
 * text, $4 the service, $5 the audit action. Each series' counter moves
 * once, by its count (series in order, so that two batches lock them in
 * the same order); its numberings take the numbers after its last, in
 * their order. Returns each document's id and document after. */
static const db_stmt Q_NUMBER_MANY = {
    "documents_number_many",
    "WITH j AS (SELECT * FROM json_to_recordset($1::json) AS j(ord int, id bigint,"
    "  comment text, me bigint, issuer text, sha text, actor bigint, before text, rid text,"
    "  crid text)),"
    " g AS (SELECT issuer, count(*)::int AS k FROM j GROUP BY issuer),"
    " n AS (INSERT INTO number_counters AS c (series, year, last)"
    "  SELECT g.issuer, $2, g.k FROM g ORDER BY g.issuer"
    "  ON CONFLICT (series, year) DO UPDATE SET last = c.last + excluded.last"
    "  RETURNING c.series, c.last),"
    " x AS (SELECT j.*, s.prefix,"
    "  n.last - g.k + row_number() OVER (PARTITION BY j.issuer ORDER BY j.ord) AS seq"
    "  FROM j JOIN g ON g.issuer = j.issuer JOIN n ON n.series = j.issuer"
    "  JOIN number_series s ON s.issuer = j.issuer),"
    " u AS (UPDATE documents d SET state = 'numbered',"
    "  last_comment = coalesce(x.comment, d.last_comment),"
    "  version = d.version + 1, updated_at = now(),"
    "  path_ids = CASE WHEN x.me = ANY (d.path_ids) THEN d.path_ids"
    "                  ELSE array_append(d.path_ids, x.me) END,"
    "  doc_year = $2, doc_seq = x.seq,"
    "  doc_number = x.prefix || '〔' || $2 || '〕' || x.seq || '号',"
    "  numbered_at = now(), signed_body_sha256 = x.sha"
    "  FROM x WHERE d.id = x.id"
    "  RETURNING d.id, d.creator_id, d.title, d.doc_number," DOCUMENT_DOC("d") " AS doc,"
    "  x.actor, x.before, x.rid, x.crid),"
    " m AS (SELECT identity.notify(u.creator_id, 'document_numbered',"
    "  'Numbered ' || u.doc_number || ': ' || u.title, $3, 'document', u.id) FROM u),"
    " a AS (INSERT INTO audit.events(service, actor_id, entity_type, entity_id, action, before,"
    "  after, request_id, client_request_id)"
    "  SELECT $4, u.actor, 'document', u.id, $5, u.before::jsonb, u.doc::jsonb, u.rid, u.crid"
    "  FROM u)"
    " SELECT u.id, u.doc, (SELECT count(*) FROM m) AS told FROM u"};

typedef struct number_batch {
    number_job *jobs[BATCH_MAX];
    int n;
} number_batch;

static void keep_many(void *arg, const PGresult *res)
{
    number_batch *b = arg;
    for (int i = 0; i < PQntuples(res); i++) {
        long long id = db_col_ll(res, i, "id");
        for (int k = 0; k < b->n; k++) {
            number_job *j = b->jobs[k];
            if (j->passed && j->t.id == id && !j->t.doc)
                j->t.doc = strdup(db_col_str(res, i, "doc"));
        }
    }
}

/* The checks of number_run for one numbering of the batch, its document
 * locked with the others' (doc_lock_each); a refusal is that numbering's
 * answer, and the batch goes on without it. */
static int batch_check(db_conn *c, number_job *j, bool found)
{
    action_tx *t = &j->t;
    const action_t *a = t->act;
    if (!found)
        return problem_set(&j->p, ERR_DOCUMENT_NOT_FOUND, NULL, NULL, "no such document");
    if (a->authorise(c, t, &j->p) ||
        action_check_version(t->r, t->if_match, t->version, a->kind->noun, &j->p))
        return -1;
    if (!strcmp(t->state, "proofreading") || !strcmp(t->state, "revising"))
        return problem_set(&j->p, ERR_DOCUMENT_NOT_PROOFREAD, NULL, NULL,
                           "proofreading is not finished; the number comes after it");
    if (!state_in(a->from_states, t->state))
        return problem_set(&j->p, a->kind->wrong_state, NULL, a->rule,
                           "a %s document cannot be numbered", t->state);
    j->passed = true;
    return 0;
}

/* The batch's transaction: its documents locked in one statement, each
 * numbering checked, and those that passed numbered in one statement sent
 * with COMMIT. Two round trips, however many numberings. */
static int batch_run(db_conn *c, void *arg, problem_t *p)
{
    number_batch *b = arg;
    action_tx *ts[BATCH_MAX];
    bool found[BATCH_MAX];
    for (int k = 0; k < b->n; k++) {
        number_job *j = b->jobs[k];
        free(j->t.doc);
        j->t.doc = NULL;
        problem_clear(&j->p);
        j->passed = false;
        ts[k] = &j->t;
    }
    if (doc_lock_each(c, ts, found, b->n, p))
        return -1;
    json_t *all = json_array();
    if (!all)
        return problem_oom(p);
    int n = 0;
    for (int k = 0; k < b->n; k++) {
        number_job *j = b->jobs[k];
        if (batch_check(c, j, found[k]))
            continue;
        const actor_t *who = &j->r->actor;
        char sha[65];
        sha256_hex(j->row.body, strlen(j->row.body), sha);
        json_t *o = json_pack("{s:i, s:I, s:s?, s:I, s:s, s:s, s:o, s:s, s:s?, s:s?}", "ord", k,
                              "id", (json_int_t)j->t.id, "comment", j->in.comment, "me",
                              (json_int_t)j->r->caller->id, "issuer", j->row.issuer, "sha", sha,
                              "actor",
                              who->user_id ? json_integer(who->user_id) : json_null(),
                              "before", j->t.before, "rid", who->rid, "crid", who->client_rid);
        if (!o || json_array_append_new(all, o)) {
            json_decref(all);
            return problem_oom(p);
        }
        n++;
    }
    if (n == 0) {
        json_decref(all);
        return 0;
    }
    char *text = json_dumps(all, JSON_COMPACT);
    json_decref(all);
    if (!text)
        return problem_oom(p);
    char year[24];
    const action_t *a = b->jobs[0]->t.act;
    const char *params[] = {text, db_int(year, office_year()),
                            "Collect the letterhead sheets from the secretariat, print and "
                            "stamp the copies.",
                            b->jobs[0]->r->actor.svc->name, a->verb};
    int rc = db_write_keep(c, &Q_NUMBER_MANY, 5, params, keep_many, b, p);
    free(text);
    return rc;
}

/* One numbering alone, in a transaction of its own. */
static void run_alone(number_job *j)
{
    problem_clear(&j->p);
    j->rc = db_tx(j->r->svc->db, j->r->svc->db_timeout_ms, NULL, number_run, &j->t, &j->p);
}

static void run_batch(number_batch *b)
{
    if (b->n == 1) {
        run_alone(b->jobs[0]);
        return;
    }
    req_t *r = b->jobs[0]->r;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, batch_run, b, &p) == 0) {
        for (int k = 0; k < b->n; k++)
            b->jobs[k]->rc = b->jobs[k]->passed ? 0 : -1;
        return;
    }
    /* Nothing of the batch committed: each alone, as if it had come alone. */
    for (int k = 0; k < b->n; k++)
        run_alone(b->jobs[k]);
}

/* Takes the queued numberings (the first of them is the caller's own),
 * each document once; the others stay queued for the next batch. Called
 * with batch_mu held. */
static void take_batch(number_batch *b)
{
    b->n = 0;
    number_job **at = &queue_head, *last = NULL;
    while (*at && b->n < BATCH_MAX) {
        number_job *j = *at;
        bool twice = false;
        for (int k = 0; k < b->n; k++)
            twice |= b->jobs[k]->t.id == j->t.id;
        if (twice) {
            last = j;
            at = &j->next;
            continue;
        }
        *at = j->next;
        j->next = NULL;
        b->jobs[b->n++] = j;
    }
    queue_tail = last;
    for (number_job *q = queue_head; q; q = q->next)
        queue_tail = q;
}

/* Runs the caller's numbering j, with those queued meanwhile when it
 * leads, or waits for the batch that takes it. */
static void number_together(number_job *j)
{
    pthread_mutex_lock(&batch_mu);
    if (queue_tail)
        queue_tail->next = j;
    else
        queue_head = j;
    queue_tail = j;
    if (!leading) {
        leading = true;
        j->lead = true;
    }
    while (!j->lead && !j->done)
        pthread_cond_wait(&j->cv, &batch_mu);
    /* The leader runs batches until its own numbering was in one (it
     * stays queued behind a numbering of the same document). */
    while (!j->done) {
        number_batch b;
        take_batch(&b);
        pthread_mutex_unlock(&batch_mu);
        run_batch(&b);
        pthread_mutex_lock(&batch_mu);
        for (int k = 0; k < b.n; k++) {
            b.jobs[k]->done = true;
            if (b.jobs[k] != j)
                pthread_cond_signal(&b.jobs[k]->cv);
        }
    }
    if (j->lead) {
        if (queue_head) {
            queue_head->lead = true;
            pthread_cond_signal(&queue_head->cv);
        } else {
            leading = false;
        }
    }
    pthread_mutex_unlock(&batch_mu);
}

/* POST /documents/{id}/assign-number: the action runner's steps in a
 * transaction (with the numberings that arrived meanwhile, above),
 * answered with the numbered document its last statement returned. */
void doc_number_handle(req_t *r, const action_t *act)
{
    number_job j = {.r = r};
    j.t = (action_tx){.r = r, .act = act, .in = &j.in, .row = &j.row,
                      .id = path_id_or_reply(r, "id")};
    if (!j.t.id || if_match_or_reply(r, &j.t.if_match))
        return;
    json_t *root = body_or_reply(r, act->fields, &j.in, NULL);
    if (!root)
        return;
    pthread_cond_init(&j.cv, NULL);
    number_together(&j);
    pthread_cond_destroy(&j.cv);
    if (j.rc)
        reply_problem_t(r, &j.p);
    else if (!j.t.doc) /* committed, but its answer could not be kept */
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "the numbered document could not be read");
    else
        reply_raw(r, 200, j.t.doc, strlen(j.t.doc));
    free(j.t.before);
    free(j.t.doc);
    doc_row_free(&j.row);
    json_decref(root);
}
