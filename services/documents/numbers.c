/* The document number series (R-DOC-5): one prefix per issuer, numbered
 * per year from 1. Admins change the prefixes; the counters only move when
 * a numbered document commits (take_number in migration 001). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "documents.h"

static const db_stmt Q_SERIES = {
    "documents_series",
    "SELECT json_build_object('items', coalesce(json_agg(json_build_object("
    " 'issuer', s.issuer, 'prefix', s.prefix, 'year', $1::int,"
    " 'last_number', coalesce(c.last, 0), 'next_number', coalesce(c.last, 0) + 1,"
    " 'example', s.prefix || '〔' || $1 || '〕' || (coalesce(c.last, 0) + 1) || '号',"
    " 'version', s.version, 'updated_at', s.updated_at) ORDER BY s.issuer), '[]')) AS doc"
    " FROM number_series s LEFT JOIN number_counters c ON c.series = s.issuer AND c.year = $1"};

void h_number_series_get(req_t *r)
{
    long long year = office_year();
    if (query_ll_or_reply(r, "year", 2000, 2999, &year, NULL))
        return;
    char y[24];
    const char *params[] = {db_int(y, year)};
    PGresult *res = db_read_or_reply(r, &Q_SERIES, 1, params);
    if (res)
        reply_row(r, res, 200);
}

typedef struct series_in {
    const char *district_government, *government_office;
} series_in;

static const json_field series_fields[] = {
    {.name = "district_government", .type = JF_STRING, .min = 1, .max = 20,
     .offset = offsetof(series_in, district_government)},
    {.name = "government_office", .type = JF_STRING, .min = 1, .max = 20,
     .offset = offsetof(series_in, government_office)},
    JF_END,
};

typedef struct series_tx {
    req_t *r;
    series_in in;
    char *doc;
} series_tx;

static const db_stmt Q_SERIES_SET = {
    "documents_series_set",
    "UPDATE number_series SET prefix = $2, version = version + 1, updated_at = now()"
    " WHERE issuer = $1 AND prefix <> $2"};

static const db_stmt Q_SERIES_BEFORE = {
    "documents_series_before",
    "SELECT json_object_agg(issuer, prefix)::text AS prefixes FROM number_series"};

static int series_put_run(db_conn *c, void *arg, problem_t *p)
{
    series_tx *t = arg;
    free(t->doc);
    t->doc = NULL;
    PGresult *res;
    if (db_query(c, &Q_SERIES_BEFORE, 0, NULL, &res, p))
        return -1;
    char *before = strdup(db_col_str(res, 0, "prefixes"));
    PQclear(res);
    int rc = -1;
    const char *p1[] = {"district_government", t->in.district_government};
    const char *p2[] = {"government_office", t->in.government_office};
    if ((t->in.district_government && db_run(c, &Q_SERIES_SET, 2, p1, p)) ||
        (t->in.government_office && db_run(c, &Q_SERIES_SET, 2, p2, p)))
        goto cleanup;
    char y[24];
    const char *p3[] = {db_int(y, office_year())};
    if (db_query(c, &Q_SERIES, 1, p3, &res, p))
        goto cleanup;
    t->doc = strdup(db_col_str(res, 0, "doc"));
    PQclear(res);
    if (!t->doc) {
        problem_oom(p);
        goto cleanup;
    }
    rc = audit_write(c, &t->r->actor, "number_series", 0, "update", before, t->doc, p);
cleanup:
    free(before);
    return rc;
}

void h_number_series_put(req_t *r)
{
    if (!r->caller->is_admin) {
        reply_problem(r, ERR_FORBIDDEN, NULL, NULL, "only an administrator changes the series");
        return;
    }
    series_tx t = {.r = r};
    json_t *root = patch_body_or_reply(r, series_fields, &t.in, NULL);
    if (!root)
        return;
    problem_t p = {0};
    int rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, series_put_run, &t, &p);
    reply_doc(r, rc, &p, t.doc, 200);
    json_decref(root);
}
