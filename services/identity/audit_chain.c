/* Checking the chain of audit events (deploy/sql/bootstrap.sql makes it):
 * every link's hashes are recomputed here, from the events as they are now,
 * and the first event that does not match is named. The canonical text of
 * an event is spelled out again below rather than taken from
 * audit.event_content(), so that a rewritten function cannot hide a
 * rewritten event. */
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "identity.h"
#include "json_in.h"

#define CHAIN_MAX_DAYS 31

static const db_stmt Q_CHAIN = {
    "identity_audit_chain",
    "SELECT c.service, c.day::text AS day, c.seq, e.id IS NOT NULL AS event_present, c.event_id,"
    " encode(c.content_hash, 'hex') AS content_hash, encode(c.prev_hash, 'hex') AS prev_hash,"
    " encode(c.hash, 'hex') AS hash,"
    " jsonb_build_array(e.id, (extract(epoch FROM e.at) * 1000000)::bigint, e.service,"
    " e.actor_id, e.entity_type, e.entity_id, e.action, e.before, e.after, e.request_id,"
    " e.client_request_id)::text AS content, c.lane"
    " FROM audit.chain c LEFT JOIN audit.events e ON e.id = c.event_id"
    " WHERE c.day BETWEEN $1::date AND $2::date"
    " UNION ALL"
    " SELECT e.service, (e.at AT TIME ZONE 'Asia/Shanghai')::date::text, NULL, true, e.id,"
    " NULL, NULL, NULL, NULL, NULL"
    " FROM audit.events e"
    " WHERE (e.at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $1::date AND $2::date"
    " AND NOT EXISTS (SELECT 1 FROM audit.chain c WHERE c.event_id = e.id)"
    " ORDER BY day, service, lane NULLS LAST, seq NULLS LAST, event_id"};

static void sha256_hex(const unsigned char *in, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, in, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static json_t *mismatch(PGresult *res, int i, const char *problem, const char *detail)
{
    json_t *m = json_pack("{s:s, s:s, s:s, s:s}", "service", db_col_str(res, i, "service"),
                          "day", db_col_str(res, i, "day"), "problem", problem, "detail", detail);
    json_object_set_new(m, "event_id", json_integer(db_col_ll(res, i, "event_id")));
    json_object_set_new(m, "seq", db_col_null(res, i, "seq")
                                      ? json_null()
                                      : json_integer(db_col_ll(res, i, "seq")));
    return m;
}

/* Walks the rows of Q_CHAIN (ordered by day, service, lane, link) and checks
 * each link against its event and the link before it. A chain is one
 * service's day in one lane (the writing backend, see bootstrap.sql);
 * unchained events come after every lane of their day and service. */
static json_t *chain_check(PGresult *res, const char *from, const char *to)
{
    static const char zero[65] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    json_t *first = NULL;
    long long events = 0, chains = 0, expect_seq = 1;
    char prev[65] = "", prev_chain[96] = "";
    for (int i = 0, n = PQntuples(res); i < n && !first; i++) {
        char chain[96];
        snprintf(chain, sizeof chain, "%s/%s/%s", db_col_str(res, i, "day"),
                 db_col_str(res, i, "service"), db_col_str(res, i, "lane"));
        if (strcmp(chain, prev_chain)) {
            snprintf(prev_chain, sizeof prev_chain, "%s", chain);
            memcpy(prev, zero, sizeof prev);
            expect_seq = 1;
            chains++;
        }
        events++;
        if (db_col_null(res, i, "seq")) {
            first = mismatch(res, i, "unchained", "the event has no link in the chain");
            break;
        }
        if (!db_col_bool(res, i, "event_present")) {
            first = mismatch(res, i, "event_missing", "the chain links an event that is gone");
            break;
        }
        if (db_col_ll(res, i, "seq") != expect_seq) {
            first = mismatch(res, i, "link_missing", "a link before this one is gone");
            break;
        }
        const char *content = db_col_str(res, i, "content");
        char content_hash[65], link[65];
        sha256_hex((const unsigned char *)content, strlen(content), content_hash);
        if (strcmp(content_hash, db_col_str(res, i, "content_hash"))) {
            first = mismatch(res, i, "content_changed",
                             "the event is not what it was when it was written");
            break;
        }
        if (strcmp(prev, db_col_str(res, i, "prev_hash"))) {
            first = mismatch(res, i, "link_broken",
                             "the link does not follow the link before it");
            break;
        }
        unsigned char both[64];
        size_t got = 0;
        sodium_hex2bin(both, 32, prev, 64, NULL, &got, NULL);
        sodium_hex2bin(both + 32, 32, content_hash, 64, NULL, &got, NULL);
        sha256_hex(both, sizeof both, link);
        if (strcmp(link, db_col_str(res, i, "hash"))) {
            first = mismatch(res, i, "link_broken", "the link's own hash does not match");
            break;
        }
        memcpy(prev, link, sizeof prev);
        expect_seq++;
    }
    return json_pack("{s:s, s:s, s:b, s:I, s:I, s:o}", "from", from, "to", to, "intact",
                     first == NULL, "events_checked", (json_int_t)events, "chains",
                     (json_int_t)chains, "first_mismatch", first ? first : json_null());
}

static bool days_ok(const char *from, const char *to, char *why, size_t len)
{
    struct tm a = {0}, b = {0};
    if (!json_in_is_date(from) || !json_in_is_date(to) || !strptime(from, "%Y-%m-%d", &a) ||
        !strptime(to, "%Y-%m-%d", &b)) {
        snprintf(why, len, "must be a date YYYY-MM-DD");
        return false;
    }
    double days = difftime(timegm(&b), timegm(&a)) / 86400;
    if (days < 0 || days >= CHAIN_MAX_DAYS) {
        snprintf(why, len, "must be on or after from and at most %d days after it",
                 CHAIN_MAX_DAYS - 1);
        return false;
    }
    return true;
}

void h_audit_verify(req_t *r)
{
    if (!r->caller->is_admin) {
        reply_problem(r, ERR_FORBIDDEN, NULL, NULL,
                      "checking the audit chain is open to administrators");
        return;
    }
    const char *from = NULL, *to = NULL;
    if (query_date_or_reply(r, "from", &from) || query_date_or_reply(r, "to", &to))
        return;
    if (!from || !to) {
        bad_query(r, !from ? "from" : "to", "is required");
        return;
    }
    char why[96];
    if (!days_ok(from, to, why, sizeof why)) {
        bad_query(r, "to", why);
        return;
    }
    const char *params[] = {from, to};
    PGresult *res = db_read_or_reply(r, &Q_CHAIN, 2, params);
    if (!res)
        return;
    json_t *report = chain_check(res, from, to);
    PQclear(res);
    reply_json(r, 200, report);
}

int audit_verify_cli(int argc, char **argv)
{
    char why[96];
    if (argc != 4 || !days_ok(argv[2], argv[3], why, sizeof why)) {
        fprintf(stderr, "usage: identity verify-audit FROM TO (dates YYYY-MM-DD, at most %d "
                        "days; DATABASE_URL names the database)\n",
                CHAIN_MAX_DAYS);
        return 2;
    }
    if (sodium_init() < 0)
        return 2;
    PGconn *db = PQconnectdb(getenv("DATABASE_URL") ? getenv("DATABASE_URL") : "");
    if (PQstatus(db) != CONNECTION_OK) {
        fprintf(stderr, "cannot connect: %s", PQerrorMessage(db));
        PQfinish(db);
        return 2;
    }
    const char *params[] = {argv[2], argv[3]};
    PGresult *res = PQexecParams(db, Q_CHAIN.sql, 2, NULL, params, NULL, NULL, 0);
    int rc = 2;
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        json_t *report = chain_check(res, argv[2], argv[3]);
        char *text = json_dumps(report, JSON_INDENT(2));
        puts(text);
        free(text);
        rc = json_is_true(json_object_get(report, "intact")) ? 0 : 1;
        json_decref(report);
    } else {
        fprintf(stderr, "cannot read the audit chain: %s", PQerrorMessage(db));
    }
    PQclear(res);
    PQfinish(db);
    return rc;
}

/* One head per service: a service's day is one chain per lane (the
 * writing backend, see bootstrap.sql), so its head is the number of its
 * links that day (every lane's) and the SHA-256 of its lanes' last link
 * hashes in lane order. */
static const db_stmt Q_HEADS = {
    "identity_audit_heads",
    "SELECT coalesce(json_agg(json_build_object('service', service, 'seq', seq,"
    " 'hash', encode(hash, 'hex')) ORDER BY service), '[]')::text AS heads"
    " FROM (SELECT service, sum(seq)::bigint AS seq,"
    "  sha256(string_agg(hash, ''::bytea ORDER BY lane)) AS hash"
    "  FROM audit.chain_heads WHERE day = $1::date GROUP BY service) h"};

/* The heads of a day's chains, signed with the token key (RS256, the key
 * of /.well-known/jwks.json), for the archive: a later check of the day
 * recomputes its chains and compares their last links with this file. */
void h_audit_heads(req_t *r)
{
    if (!r->caller->is_admin) {
        reply_problem(r, ERR_FORBIDDEN, NULL, NULL,
                      "the audit chain's heads are open to administrators");
        return;
    }
    const char *day = NULL;
    if (query_date_or_reply(r, "day", &day))
        return;
    if (!day) {
        bad_query(r, "day", "is required");
        return;
    }
    const char *params[] = {day};
    PGresult *res = db_read_or_reply(r, &Q_HEADS, 1, params);
    if (!res)
        return;
    json_t *heads = json_loads(db_col_str(res, 0, "heads"), 0, NULL);
    PQclear(res);
    long long now = (long long)time(NULL);
    json_t *claims = json_pack("{s:s, s:s, s:s, s:O, s:I}", "iss", "oa-identity", "typ",
                               "audit_chain_heads", "day", day, "heads", heads, "iat",
                               (json_int_t)now);
    char *claims_text = claims ? json_dumps(claims, JSON_COMPACT) : NULL;
    json_decref(claims);
    identity_ctx *ctx = identity_of(r);
    jwt_t *jwt = NULL;
    char *jws = NULL;
    if (claims_text && !jwt_new(&jwt) && !jwt_add_grants_json(jwt, claims_text) &&
        !jwt_set_alg(jwt, JWT_ALG_RS256, (const unsigned char *)ctx->private_pem,
                     (int)ctx->private_pem_len))
        jws = jwt_encode_str(jwt);
    jwt_free(jwt);
    free(claims_text);
    if (!jws || !heads) {
        json_decref(heads);
        free(jws);
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "could not sign the chain heads");
        return;
    }
    json_t *out = json_pack("{s:s, s:o, s:I, s:s}", "day", day, "heads", heads, "signed_at",
                            (json_int_t)now, "jws", jws);
    free(jws);
    reply_json(r, 200, out);
}
