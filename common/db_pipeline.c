/* libpq's pipeline mode inside db_tx: BEGIN and the writes whose results
 * nobody waits for go out without a round trip of their own; their results
 * are read in order before the next statement's or at COMMIT. */
#include <string.h>

#include "db_internal.h"


/* True when the server ends the session with this error (a terminated
 * backend, a shutdown): the connection is gone even while libpq, which has
 * not read the end of the socket yet, still calls it open. */
static bool ends_session(const PGresult *r)
{
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    return sev && (!strcmp(sev, "FATAL") || !strcmp(sev, "PANIC"));
}

/* Reads the result of the next command sent in pipeline mode and the NULL
 * that ends it. NULL when the connection failed (c is marked broken). */
PGresult *db_pipe_read(db_conn *c)
{
    PGresult *r = PQgetResult(c->pg);
    if (!r) {
        c->broken = true;
        return NULL;
    }
    if (ends_session(r)) {
        c->broken = true;
        return r;
    }
    PGresult *end = PQgetResult(c->pg);
    if (end) {
        /* More than one result for one command: not a statement this file
         * sends. Treat the connection as unusable. */
        PQclear(end);
        c->broken = true;
    }
    if (PQstatus(c->pg) != CONNECTION_OK)
        c->broken = true;
    return r;
}

/* Reads the results of the commands sent without waiting, keeping the
 * first failure in c->failed. False when the connection failed. */
bool db_pipe_read_pending(db_conn *c)
{
    while (c->pending > 0 && !c->broken) {
        c->pending--;
        PGresult *r = db_pipe_read(c);
        if (!r)
            return false;
        ExecStatusType st = PQresultStatus(r);
        bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
        if (c->keep && c->keep_at-- == 0) {
            db_keep_fn keep = c->keep;
            c->keep = NULL;
            if (ok)
                keep(c->keep_arg, r);
        }
        if (!c->failed && !ok)
            c->failed = r;
        else
            PQclear(r);
    }
    if (c->broken)
        c->pending = 0;
    return !c->broken;
}

/* Reads up to and including the result of a pipeline sync. */
static void db_pipe_read_sync(db_conn *c)
{
    db_pipe_read_pending(c);
    int nulls = 0;
    while (!c->broken) {
        PGresult *r = PQgetResult(c->pg);
        if (!r) {
            /* One NULL ends each command's results; two in a row mean that
             * nothing more is coming, so the sync was lost. */
            if (++nulls > 1 || PQstatus(c->pg) != CONNECTION_OK)
                c->broken = true;
            continue;
        }
        nulls = 0;
        ExecStatusType st = PQresultStatus(r);
        PQclear(r);
        if (st == PGRES_PIPELINE_SYNC)
            break;
        if (st == PGRES_FATAL_ERROR && PQstatus(c->pg) != CONNECTION_OK)
            c->broken = true;
    }
}

/* Hands the kept failure to the caller (who PQclear()s it). */
PGresult *db_pipe_take_failed(db_conn *c)
{
    PGresult *r = c->failed;
    c->failed = NULL;
    return r;
}

/* Sends a command's flush request and the buffered output, so that its
 * result (and those of the commands before it) comes back now. */
bool db_pipe_flush(db_conn *c)
{
    if (!PQsendFlushRequest(c->pg) || PQflush(c->pg) != 0) {
        c->broken = true;
        return false;
    }
    return true;
}

/* After a command was sent (sent is its PQsend* status) and flushed: the
 * pending results, then its own. A failure among the pending ones is
 * returned instead of this command's (which the server then skipped), so
 * that the caller reports the real error. */
PGresult *db_pipe_result(db_conn *c, int sent)
{
    if (!sent || !db_pipe_flush(c)) {
        c->broken = true;
        return NULL;
    }
    if (!db_pipe_read_pending(c))
        return NULL;
    PGresult *r = db_pipe_read(c);
    if (r && c->failed) {
        PQclear(r);
        r = db_pipe_take_failed(c);
    }
    return r;
}

/* Sends a plain command (BEGIN, COMMIT, ROLLBACK) in pipeline mode. */
bool db_pipe_send_plain(db_conn *c, const char *sql)
{
    if (!PQsendQueryParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0)) {
        c->broken = true;
        return false;
    }
    return true;
}

/* Ends a transaction in pipeline mode: with commit, sends COMMIT and a sync
 * and returns true when everything sent succeeded (else p says why); then
 * rolls back whatever is left (a failed transaction) and leaves pipeline
 * mode. */
bool db_pipe_end(db_conn *c, bool commit, problem_t *p)
{
    bool ok = false;
    PGresult *r = NULL;
    if (commit && !c->broken && db_pipe_send_plain(c, "COMMIT")) {
        if (PQpipelineSync(c->pg) && db_pipe_read_pending(c) && (r = db_pipe_read(c))) {
            /* A failure sent ahead is the cause; COMMIT was then skipped. */
            ok = db_ok(c->failed ? c->failed : r, p);
            db_pipe_read_sync(c);
        } else {
            c->broken = true;
        }
    } else if (!c->broken && PQpipelineSync(c->pg)) {
        db_pipe_read_sync(c);
    } else {
        c->broken = true;
    }
    PQclear(r);
    PQclear(c->failed);
    c->failed = NULL;
    c->pending = 0;
    c->keep = NULL;
    if (!c->broken && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        if (db_pipe_send_plain(c, "ROLLBACK") && PQpipelineSync(c->pg)) {
            PQclear(db_pipe_read(c));
            db_pipe_read_sync(c);
        } else {
            c->broken = true;
        }
    }
    c->pipeline = false;
    if (!c->broken && !PQexitPipelineMode(c->pg))
        c->broken = true;
    if (commit && !ok && p->code == ERR_NONE)
        db_ok(NULL, p); /* the connection failed before COMMIT was answered */
    return ok;
}
