/* Running statements: each prepared on first use per connection, sent
 * directly or in pipeline mode; reading values from results. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"
#include "log.h"

static unsigned slot_of(const db_stmt *st)
{
    uintptr_t h = (uintptr_t)st;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ULL;
    return (unsigned)(h >> 40) % PREP_SLOTS;
}

/* Prepares st on c. In pipeline mode the commands sent before it are read
 * first; when one of them failed, the server skipped the prepare and the
 * failure stays in c->failed for the caller to report. */
static bool prepare_on(db_conn *c, const db_stmt *st, int nparams)
{
    PGresult *r;
    if (c->pipeline) {
        if (!PQsendPrepare(c->pg, st->name, st->sql, nparams, NULL) || !db_pipe_flush(c) ||
            !db_pipe_read_pending(c)) {
            c->broken = true;
            return false;
        }
        r = db_pipe_read(c);
    } else {
        r = PQprepare(c->pg, st->name, st->sql, nparams, NULL);
    }
    bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
    if (!ok) {
        if (!r || PQstatus(c->pg) != CONNECTION_OK)
            c->broken = true;
        else if (PQresultStatus(r) != PGRES_PIPELINE_ABORTED)
            log_msg(LOG_ERROR, NULL, "prepare %s failed: %s", st->name,
                    PQresultErrorMessage(r));
    }
    PQclear(r);
    return ok;
}

/* Returns true when st is (now) prepared on c. */
static bool ensure_prepared(db_conn *c, const db_stmt *st, int nparams)
{
    unsigned s = slot_of(st);
    for (unsigned i = 0; i < PREP_SLOTS; i++, s = (s + 1) % PREP_SLOTS) {
        if (c->prepared[s] == st)
            return true;
        if (!c->prepared[s])
            break;
    }
    if (c->nprepared >= PREP_SLOTS * 3 / 4) {
        log_msg(LOG_ERROR, NULL, "too many prepared statements");
        return false;
    }
    if (!prepare_on(c, st, nparams))
        return false;
    c->prepared[s] = st;
    c->nprepared++;
    return true;
}

/* Marks c bulky when the parameters it sends are large. */
static void note_params(db_conn *c, int nparams, const char *const *params)
{
    size_t sum = 0;
    for (int i = 0; i < nparams && !c->bulky; i++)
        if (params && params[i]) {
            sum += strnlen(params[i], DB_BULKY_BYTES + 1 - sum);
            c->bulky = sum > DB_BULKY_BYTES;
        }
}

/* Marks c bulky when a result is large (its first row times its rows: a
 * few calls, not one per cell). Returns r. */
static PGresult *note_result(db_conn *c, PGresult *r)
{
    int rows = r ? PQntuples(r) : 0;
    if (rows > 0) {
        size_t row = 0;
        for (int j = 0, n = PQnfields(r); j < n; j++)
            row += (size_t)PQgetlength(r, 0, j);
        if (row * (size_t)rows > DB_BULKY_BYTES)
            c->bulky = true;
    }
    return r;
}

static PGresult *exec_once(db_conn *c, const db_stmt *st, int nparams, const char *const *params);

PGresult *db_exec(db_conn *c, const db_stmt *st, int nparams, const char *const *params)
{
    note_params(c, nparams, params);
    return note_result(c, exec_once(c, st, nparams, params));
}

static PGresult *exec_once(db_conn *c, const db_stmt *st, int nparams, const char *const *params)
{
    if (c->broken)
        return NULL;
    /* Once the transaction has failed, that failure is the answer and
     * nothing more is sent; it may also come to light while a prepare
     * reads the results before its own. */
    if (c->pipeline && c->failed)
        return db_pipe_take_failed(c);
    bool prepared = ensure_prepared(c, st, 0);
    if (c->broken)
        return NULL;
    if (c->pipeline) {
        if (c->failed)
            return db_pipe_take_failed(c);
        if (!prepared)
            return db_pipe_result(c, PQsendQueryParams(c->pg, st->sql, nparams, NULL, params, NULL,
                                                    NULL, 0));
        return db_pipe_result(c, PQsendQueryPrepared(c->pg, st->name, nparams, params, NULL, NULL,
                                                  0));
    }
    /* Not prepared: let the server explain through a failed result. */
    PGresult *r = prepared ? PQexecPrepared(c->pg, st->name, nparams, params, NULL, NULL, 0)
                           : PQexecParams(c->pg, st->sql, nparams, NULL, params, NULL, NULL, 0);
    if (!r || PQstatus(c->pg) != CONNECTION_OK) {
        c->broken = true;
        PQclear(r);
        return NULL;
    }
    return r;
}

int db_query(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
             PGresult **out, problem_t *p)
{
    PGresult *res = db_exec(c, st, nparams, params);
    if (!db_ok(res, p)) {
        PQclear(res);
        *out = NULL;
        return -1;
    }
    *out = res;
    return 0;
}

/* db_write and db_write_keep: keep may be NULL. */
static int write_ahead(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
                       db_keep_fn keep, void *arg, problem_t *p)
{
    if (!c->pipeline) {
        PGresult *res = db_exec(c, st, nparams, params);
        bool ok = db_ok(res, p);
        if (ok && keep)
            keep(arg, res);
        PQclear(res);
        return ok ? 0 : -1;
    }
    if (c->broken)
        return db_ok(NULL, p) ? 0 : -1;
    if (c->failed)
        return 0; /* reported by the next statement or at COMMIT */
    if (!ensure_prepared(c, st, 0)) {
        if (c->failed)
            return 0;
        if (c->broken)
            return db_ok(NULL, p) ? 0 : -1;
        return problem_set(p, ERR_INTERNAL, NULL, NULL, "an internal error occurred");
    }
    note_params(c, nparams, params);
    if (!PQsendQueryPrepared(c->pg, st->name, nparams, params, NULL, NULL, 0)) {
        c->broken = true;
        return db_ok(NULL, p) ? 0 : -1;
    }
    if (keep) {
        c->keep = keep;
        c->keep_arg = arg;
        c->keep_at = c->pending;
    }
    c->pending++;
    return 0;
}

int db_write(db_conn *c, const db_stmt *st, int nparams, const char *const *params, problem_t *p)
{
    return write_ahead(c, st, nparams, params, NULL, NULL, p);
}

int db_write_keep(db_conn *c, const db_stmt *st, int nparams, const char *const *params,
                  db_keep_fn keep, void *arg, problem_t *p)
{
    return write_ahead(c, st, nparams, params, keep, arg, p);
}

const char *db_int(char *buf, long long v)
{
    snprintf(buf, 24, "%lld", v);
    return buf;
}

long long db_get_ll(const PGresult *res, int row, int col)
{
    if (PQgetisnull(res, row, col))
        return 0;
    return strtoll(PQgetvalue(res, row, col), NULL, 10);
}

int db_run(db_conn *c, const db_stmt *st, int n, const char *const *params, problem_t *p)
{
    PGresult *res;
    if (db_query(c, st, n, params, &res, p))
        return -1;
    PQclear(res);
    return 0;
}

int db_text(db_conn *c, const db_stmt *st, int n, const char *const *params, char **out,
            problem_t *p)
{
    PGresult *res;
    *out = NULL;
    if (db_query(c, st, n, params, &res, p))
        return -1;
    if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0)) {
        *out = strdup(PQgetvalue(res, 0, 0));
        if (!*out) {
            PQclear(res);
            return problem_oom(p);
        }
    }
    PQclear(res);
    return 0;
}

char *db_id_array(json_t *ids)
{
    size_t n = json_array_size(ids);
    char *s = malloc(n * 21 + 3);
    if (!s)
        return NULL;
    size_t pos = 0;
    s[pos++] = '{';
    for (size_t i = 0; i < n; i++)
        pos += (size_t)sprintf(s + pos, i ? ",%lld" : "%lld",
                               (long long)json_integer_value(json_array_get(ids, i)));
    s[pos++] = '}';
    s[pos] = '\0';
    return s;
}

static int col_of(const PGresult *res, const char *col)
{
    int n = PQfnumber(res, col);
    if (n < 0)
        log_msg(LOG_ERROR, NULL, "the result has no column %s", col);
    return n;
}

bool db_col_null(const PGresult *res, int row, const char *col)
{
    int n = col_of(res, col);
    return n < 0 || PQgetisnull(res, row, n);
}

const char *db_col_str(const PGresult *res, int row, const char *col)
{
    int n = col_of(res, col);
    return n < 0 ? "" : PQgetvalue(res, row, n);
}

long long db_col_ll(const PGresult *res, int row, const char *col)
{
    int n = col_of(res, col);
    return n < 0 || PQgetisnull(res, row, n) ? 0 : strtoll(PQgetvalue(res, row, n), NULL, 10);
}

bool db_col_bool(const PGresult *res, int row, const char *col)
{
    int n = col_of(res, col);
    return n >= 0 && !PQgetisnull(res, row, n) && !strcmp(PQgetvalue(res, row, n), "t");
}
