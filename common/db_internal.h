#ifndef OA_DB_INTERNAL_H
#define OA_DB_INTERNAL_H

/* Shared by the files of common/ that make up the database layer
 * (db_pool.c, db_exec.c, db_pipeline.c, db_tx.c, migrate.c); not for
 * services. */

#include <libpq-fe.h>
#include <stdbool.h>

#include "db.h"

/* Statements prepared per connection, an open-addressing table keyed by
 * the statement's address. */
#define PREP_SLOTS 512

struct db_conn {
    PGconn *pg;
    bool broken;
    bool sick; /* set aside because it broke, until it is opened again */
    const db_stmt *prepared[PREP_SLOTS];
    int nprepared;
    int index;
    /* The pool's count of broken connections when c was last known good:
     * behind it, c is checked with a round trip before it is handed out. */
    unsigned long gen;
    /* Inside db_tx the connection is in libpq's pipeline mode: BEGIN and
     * the writes whose results nobody waits for (db_write) are sent without
     * a round trip of their own; their results are read, in order, before
     * the next statement's (pending counts them) or at COMMIT. failed holds
     * the first of them that failed, for the next reader to report. */
    bool pipeline;
    int pending;
    PGresult *failed;
    /* The one pending statement whose result is wanted (db_write_keep):
     * keep_at results are read before it. */
    db_keep_fn keep;
    void *keep_arg;
    int keep_at;
    /* libpq keeps a connection's input and output buffers at the size of
     * the largest message they ever held (an attachment's bytes, twice
     * that as hex), for the connection's life: one such statement or
     * result marks it, and the pool opens it afresh when it comes back
     * (db_release), so the service's memory does not keep them. */
    bool bulky;
};

/* What makes a connection bulky: a statement's parameters or a result of
 * more than this many bytes. */
#define DB_BULKY_BYTES (256 * 1024)

/* Connects to conninfo with the given server options ("-c name=value ..."). */
PGconn *db_connect(const char *conninfo, const char *options);
/* Forgets what c had prepared (after a reconnect). */
void db_conn_forget_prepared(db_conn *c);

/* ---- pipeline mode (db_pipeline.c), used inside db_tx ---- */

/* Reads the result of the next command sent in pipeline mode and the NULL
 * that ends it. NULL when the connection failed (c is marked broken). */
PGresult *db_pipe_read(db_conn *c);
/* Reads the results of the commands sent without waiting, keeping the
 * first failure in c->failed. False when the connection failed. */
bool db_pipe_read_pending(db_conn *c);
/* Hands the kept failure to the caller (who PQclear()s it). */
PGresult *db_pipe_take_failed(db_conn *c);
/* Sends a flush request and the buffered output. */
bool db_pipe_flush(db_conn *c);
/* After a command was sent (sent is its PQsend* status): its result, or
 * the failure of one sent before it. */
PGresult *db_pipe_result(db_conn *c, int sent);
/* Sends a plain command (BEGIN, COMMIT, ROLLBACK) in pipeline mode. */
bool db_pipe_send_plain(db_conn *c, const char *sql);
/* Ends a transaction in pipeline mode (COMMIT when commit) and leaves
 * pipeline mode; true when committed, else p says why. */
bool db_pipe_end(db_conn *c, bool commit, problem_t *p);

#endif
