#ifndef OA_CREATE_H
#define OA_CREATE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "http.h"
#include "json_in.h"

/* A create: POST /<collection> with a JSON body and an optional
 * Idempotency-Key. The same key again gets the first answer (idem.h); the
 * body is checked against the fields; one transaction stores the row (and
 * its notifications), remembers the answer for the key and audits the new
 * row's document; the answer is that document, with 201. A service
 * describes each create once (create_t), beside its action table. */

typedef struct create_tx create_tx;

typedef int (*create_fn)(db_conn *c, create_tx *t, problem_t *p);

/* One create. Static storage. */
typedef struct create {
    const char *entity;       /* the audit entity type: "seal_request"; NULL when
                               * store writes its own audit event */
    const char *verb;         /* the audit action; "create" when NULL */
    const json_field *fields; /* the body, parsed into create_tx.in */
    bool decides;             /* R-SEC-3: refused to secretaries */
    /* May be NULL. Checks the parsed body before the transaction (what needs
     * no database) and prepares what store needs. 0, or -1 with p. */
    int (*check)(create_tx *t, problem_t *p);
    /* Inside the transaction: stores the row and its notifications, and sets
     * t->id and t->doc (malloc'd, the row's document). Runs again from the
     * start when the transaction is retried (t->doc is freed and reset
     * first). 0, or -1 with p. */
    create_fn store;
} create_t;

/* One run of a create, as its steps see it. */
struct create_tx {
    req_t *r;
    const create_t *cr;
    json_t *body; /* the parsed body; `in` borrows from it */
    void *in;     /* the caller's, laid out as cr->fields says */
    uint64_t present; /* which fields the body gave (json_in_validate) */
    void *ctx;    /* the caller's own state (may be NULL) */
    long long id; /* set by store */
    char *doc;    /* set by store (or by create_last); freed here */
    bool doc_later; /* set by create_last */
};

/* Sends store's last statement, which returns one row with the new row's
 * document as column doc (AUDIT_DOC, audit.h), without waiting for it: its
 * result is read with COMMIT (or with the Idempotency-Key's answer) and
 * becomes t->doc, and the audit event and the key's answer take the
 * document on the server. t->id must be set already. Only statements
 * (notifications) whose results nobody reads may follow in store. 0, or -1
 * with p. */
int create_last(db_conn *c, create_tx *t, const db_stmt *st, int nparams,
                const char *const *params, problem_t *p);

/* Runs store's INSERT, st, which returns one row with the new row's id
 * (column id) and document (column doc), and sets t->id and t->doc from it
 * for what store does next (its notifications). 0, or -1 with p (the
 * database's problem, which the caller may refine, or out of memory). */
int create_insert(db_conn *c, create_tx *t, const db_stmt *st, int nparams,
                  const char *const *params, problem_t *p);

/* The whole create: R-SEC-3 when cr->decides (403), the Idempotency-Key
 * replay, the body against cr->fields into in (400), cr->check; then in one
 * transaction (retried as db_tx retries) cr->store, the key's answer and the
 * audit event (cr->entity, cr->verb, the document). Answers 201 with the
 * document, or the problem. `in` and `ctx` are the caller's; whatever check
 * or store allocated inside *ctx the caller frees after. Returns true when
 * the row was created. */
bool create_handle(req_t *r, const create_t *cr, void *in, void *ctx);

#endif
