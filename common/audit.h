#ifndef OA_AUDIT_H
#define OA_AUDIT_H

#include "db.h"
#include "http.h"
#include "service.h"

/* Writes one audit event (who, when, what, before, after) inside the caller's
 * transaction on c: who acted (as who's service, with who's request ids). before/after are JSON texts or NULL. The audit table is
 * insert-only for every service role. Returns 0, or -1 with p filled. */
int audit_write(db_conn *c, const actor_t *who, const char *entity_type, long long entity_id,
                const char *action, const char *before, const char *after, problem_t *p);

/* The document after a change, as the statement that makes or reads it
 * returns it: `RETURNING" AUDIT_DOC(expr) " AS doc`. The statement also
 * keeps it on the server, in a setting local to the transaction, for the
 * audit event and the Idempotency-Key's answer, so that these go out with
 * COMMIT instead of waiting for the statement's result (action_last,
 * create_last). */
#define AUDIT_DOC(expr) " set_config('oa.audit_doc', (" expr ")::text, true)"

/* audit_write whose after is the document the transaction's last statement
 * kept with AUDIT_DOC, still on the server. It fails (and the transaction
 * with it) when no statement kept one. */
int audit_write_set_doc(db_conn *c, const actor_t *who, const char *entity_type,
                        long long entity_id, const char *action, const char *before,
                        problem_t *p);

/* Audits what a page showed (secret and confidential documents, R-MTG-8's
 * confidential topics and decisions): one event `action` on entity_type
 * for each of the first `shown` rows of res (a page fetched with one row
 * more than it shows) whose column flag_col is true or names a secrecy
 * other than "none", entity_id read from id_col (a row whose id is NULL is
 * no item). All of them in one statement, right after the read; a page
 * without such a row sends nothing, so an ordinary list costs what it did.
 * Returns 0; or -1 after answering the problem when the events could not
 * be written: a read that is not audited is not shown. res stays the
 * caller's. */
int audit_page_or_reply(req_t *r, const PGresult *res, long shown, const char *id_col,
                        const char *flag_col, const char *entity_type, const char *action);

/* An audit event whose statement goes out with another's (audit_write_two). */
typedef struct audit_event {
    const char *entity_type;
    long long entity_id;
    const char *action;
    const char *before; /* JSON text or NULL */
    const char *after;  /* JSON text or NULL */
} audit_event;

/* Two audit events in one INSERT, first's row before second's (the ids in
 * that order), as two audit_write calls would write them; when second_kept,
 * second's after is the document kept with AUDIT_DOC instead of its after.
 * A transaction that makes two entities (a stamp and its use-log entry, a
 * print job and its register entry) sends one statement for both events.
 * Returns 0, or -1 with p filled. */
int audit_write_two(db_conn *c, const actor_t *who, const audit_event *first,
                    const audit_event *second, bool second_kept, problem_t *p);

/* Adds a notification to user_id's inbox inside the caller's transaction
 * (through the function the identity schema grants to every service).
 * entity_type/entity_id say what it is about. Returns 0, or -1 with p. */
int notify(db_conn *c, long long user_id, const char *kind, const char *title,
           const char *body, const char *entity_type, long long entity_id, problem_t *p);

/* notify() for every id of the PostgreSQL array literal ids (each once; ids
 * of 0 or less are skipped), in one statement. body may be NULL. */
int notify_all(db_conn *c, const char *ids, const char *kind, const char *title,
               const char *body, const char *entity_type, long long entity_id, problem_t *p);

#endif
