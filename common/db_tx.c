/* The transaction runner: BEGIN, the body, COMMIT, retried on
 * serialization failures, deadlocks and a connection lost before COMMIT. */
#include <string.h>

#include "db_internal.h"

static bool is_retry(const problem_t *p)
{
    return p->code == ERR_DB_RETRY;
}

int db_tx(db_pool *pool, long timeout_ms, const char *isolation, db_tx_fn fn, void *arg,
          problem_t *p)
{
    db_conn *c = db_acquire(pool, timeout_ms);
    if (!c)
        return problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL, "the database is not available");
    static const char *begins[] = {"BEGIN", "BEGIN ISOLATION LEVEL REPEATABLE READ",
                                   "BEGIN ISOLATION LEVEL SERIALIZABLE"};
    const char *begin = begins[0];
    if (isolation && !strcmp(isolation, "repeatable read"))
        begin = begins[1];
    else if (isolation && !strcmp(isolation, "serializable"))
        begin = begins[2];
    int rc = -1;
    for (int attempt = 0; attempt < 5; attempt++) {
        problem_clear(p);
        if (c->broken) {
            /* The connection died before COMMIT was sent, so nothing of this
             * attempt was applied: take a fresh one and run it again. */
            db_release(pool, c);
            if (!(c = db_acquire(pool, timeout_ms)))
                return problem_set(p, ERR_DB_UNAVAILABLE, NULL, NULL,
                                   "the database is not available");
        }
        /* BEGIN goes out with the first statement: its result is read
         * with that statement's. */
        if (!PQenterPipelineMode(c->pg)) {
            c->broken = true;
            continue;
        }
        c->pipeline = true;
        if (!db_pipe_send_plain(c, begin)) {
            db_pipe_end(c, false, p);
            continue;
        }
        c->pending = 1;
        rc = fn(c, arg, p);
        if (rc != 0) {
            bool broken = c->broken;
            db_pipe_end(c, false, p);
            if (p->code == ERR_NONE)
                problem_set(p, ERR_INTERNAL, NULL, NULL, "an internal error occurred");
            if (is_retry(p) || broken)
                continue;
            break;
        }
        if (db_pipe_end(c, true, p))
            break;
        rc = -1;
        if (!is_retry(p))
            break;
    }
    db_release(pool, c);
    return rc == 0 ? 0 : -1;
}
