/* Outgoing documents (发文): drafts by an office section or a district
 * bureau, jointly with co-drafting departments, every body change a new
 * version; who reads them (DESIGN section 6, visibility). The chain of
 * actions is in outgoing_actions.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action.h"
#include "audit.h"
#include "documents.h"
#include "page_json.h"

static const char *const issuers[] = {"district_government", "government_office", NULL};
static const char *const doc_types[] = {"notice", "bulletin", "request", "report", "reply",
                                        "letter", "opinion", "decision", "minutes", "other",
                                        NULL};
static const char *const secrecies[] = {"none", "secret", "confidential", NULL};
static const char *const urgencies[] = {"normal", "urgent", "extra_urgent", NULL};
static const char *const assigners[] = {"government", "office", NULL};
static const char *const states[] = {"draft",        "secretariat_review", "deputy_review",
                                     "awaiting_signoff", "proofreading",   "revising",
                                     "proofread",    "numbered",           "printed",
                                     "issued",       "declined",           NULL};

/* ---------- reads ---------- */

/* The filters of a list ($6, NULL, was the search text: the search is
 * Q_DOCS_SEARCH). */
#define DOCS_FILTERS                                                                        \
    " WHERE " PAGE_BEFORE("d.id", "$1") " AND ($2::text IS NULL OR d.state = $2)"         \
    " AND ($3::text IS NULL OR d.issuer = $3) AND ($4::int IS NULL OR d.doc_year = $4)"       \
    " AND ($5::bigint IS NULL OR d.department_id = $5)"                                      \
    " AND (NOT $9 OR d.stamp_mismatch) AND" DOCUMENT_VISIBLE("d", "$7", "$8")

static const db_stmt Q_DOCS_LIST = {
    "documents_list",
    "SELECT" DOCUMENT_COLS("d") " FROM documents d" DOCS_FILTERS
    " AND $6::text IS NULL ORDER BY d.id DESC LIMIT $10"};

/* A substring of the title or the number: the ids of the page from
 * documents_search_ids (sql/read.sql: the trigram index for a text few
 * documents hold, a walk newest first for one that many hold), then the
 * columns of those rows only (their JSON is built in page_json.c). $1
 * the key (a piece of the text, LIKE-escaped: search_key, middle_key;
 * NULL when it has no trigram), $2 the text, then the filters of a list;
 * $12 how many of the newest documents to look at first (SEARCH_PROBE for
 * a text with no letter or ideograph, else 0). */
#define SEARCH_PROBE "5000"
static const db_stmt Q_DOCS_SEARCH = {
    "documents_search",
    "SELECT" DOCUMENT_COLS("d") " FROM unnest(documents_search_ids($1, $2, $3::bigint,"
    " $4, $5, $6::int, $7::bigint, $8::boolean, $9::bigint, $10::bigint, $11::int, $12::int))"
    " k(id)"
    " JOIN documents d ON d.id = k.id ORDER BY d.id DESC"};

/* Whether the UTF-8 character at s (of n bytes) is a digit (*digit) or a
 * separator: ASCII other than letters, CJK punctuation (U+3000..U+303F,
 * such as the brackets of 〔2027〕) and the fullwidth ASCII punctuation. */
static bool weak_char(const unsigned char *s, size_t n, bool *digit)
{
    *digit = n == 1 && s[0] >= '0' && s[0] <= '9';
    if (n == 1)
        return !((s[0] | 0x20) >= 'a' && (s[0] | 0x20) <= 'z');
    if (n != 3)
        return false;
    unsigned cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
    return (cp >= 0x3000 && cp <= 0x303f) || (cp >= 0xff01 && cp <= 0xff0f) ||
           (cp >= 0xff1a && cp <= 0xff20) || (cp >= 0xff3b && cp <= 0xff40) ||
           (cp >= 0xff5b && cp <= 0xff65);
}

/* The piece of search text q that the trigram index is asked for. Digits
 * make few distinct trigrams: a year such as the 2027 of "〔2027〕12号" is
 * in every document number, as the issuer's prefix is in every number of
 * its series, and their trigrams' entries are most of the index. When q
 * holds a separator followed by digits and then a letter or an ideograph
 * (a cited number's "〕12号"), the key starts at the last such separator;
 * otherwise it is q. Every text holding q holds the key, so the index
 * finds a superset of the matches and the filter on q keeps exactly them.
 * *plain: q is letters and ideographs only; *strong: q has one. */
static const char *search_key(const char *q, bool *plain, bool *strong)
{
    const unsigned char *s = (const unsigned char *)q;
    const char *key = q, *sep = NULL;
    bool digits = false;
    *plain = true;
    *strong = false;
    while (*s) {
        size_t n = *s < 0x80 ? 1 : *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : 2;
        bool digit;
        if (!weak_char(s, n, &digit)) {
            *strong = true;
            if (sep && digits)
                key = sep;
            sep = NULL;
            digits = false;
        } else if (digit) {
            *plain = false;
            digits = sep != NULL;
        } else {
            *plain = false;
            sep = (const char *)s;
            digits = false;
        }
        for (size_t i = 0; i < n && *s; i++)
            s++;
    }
    size_t chars = 0;
    for (const char *c = key; *c; c++)
        chars += ((unsigned char)*c & 0xc0) != 0x80;
    return chars >= 4 ? key : q;
}

/* A search text is matched as it is: %, _ and \ are taken literally. */
static char *like_escape(const char *q)
{
    size_t n = strlen(q);
    char *out = malloc(2 * n + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *s = q; *s; s++) {
        if (*s == '%' || *s == '_' || *s == '\\')
            *o++ = '\\';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* For a text of letters and ideographs only, the index is asked for a
 * few characters from its middle: every trigram of the key is an entry
 * list the index reads, and each further trigram of a text costs more
 * than the matches it rules out. Four ideographs are two trigrams: the
 * index read for three ("生产和防汛") cost 1 100 µs of PostgreSQL CPU a
 * search against 470 for one, but one alone is as common as the place
 * the middle falls makes it: "产和防" of "安全生产和防汛抗旱" is in 2 000
 * of 10^6 documents, "管理和" of "档案管理和河长制" in 75 000 (every
 * "……管理和"), and every one of those among the newest blocks was read
 * from the table and rechecked: 2 042 rows on 1 301 pages for a page of
 * 20, the searches slowest by ten times. Of two trigrams the index keeps
 * the documents holding both ("管理和河": 62 rows on as many pages, 65
 * index buffers). Letters are fewer, and their trigrams commoner: five characters of a
 * text that has any. malloc'd. */
#define KEY_IDEOGRAPHS 4
#define KEY_CHARS 5
static size_t utf8_next(const char *s)
{
    unsigned char c = (unsigned char)*s;
    size_t n = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    for (size_t i = 1; i < n; i++)
        if (!s[i])
            return i;
    return n;
}

static char *middle_key(const char *key)
{
    size_t chars = 0, want = KEY_IDEOGRAPHS;
    for (const char *s = key; *s; s += utf8_next(s)) {
        chars++;
        if ((unsigned char)*s < 0x80)
            want = KEY_CHARS;
    }
    const char *from = key;
    for (size_t i = 0; chars > want && i < (chars - want) / 2; i++)
        from += utf8_next(from);
    const char *to = from;
    for (size_t i = 0; i < want && *to; i++)
        to += utf8_next(to);
    return strndup(from, (size_t)(to - from));
}

/* Whether pg_trgm finds a trigram in key: three characters in a row that
 * are letters, ideographs or digits. Without one the index would be read
 * whole, and the walk is cheaper. */
static bool has_trigram(const char *key)
{
    const unsigned char *s = (const unsigned char *)key;
    int run = 0;
    while (*s) {
        size_t n = *s < 0x80 ? 1 : *s >= 0xf0 ? 4 : *s >= 0xe0 ? 3 : 2;
        bool digit;
        run = weak_char(s, n, &digit) && !digit ? 0 : run + 1;
        if (run >= 3)
            return true;
        for (size_t i = 0; i < n && *s; i++)
            s++;
    }
    return false;
}

void h_documents_list(req_t *r)
{
    long limit;
    long long after, year = 0, dept = 0;
    bool has_year = false, has_dept = false, mismatch = false;
    const char *state = NULL, *issuer = NULL, *q = NULL;
    if (page_or_reply(r, &limit, &after) || query_enum_or_reply(r, "state", states, &state) ||
        query_enum_or_reply(r, "issuer", issuers, &issuer) ||
        query_ll_or_reply(r, "year", 2000, 2999, &year, &has_year) ||
        query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dept, &has_dept) ||
        query_bool_or_reply(r, "stamp_mismatch", &mismatch, NULL) || query_str(r, "q", &q))
        return;
    if (q && (json_in_utf8_len(q) < 1 || json_in_utf8_len(q) > 100)) {
        reply_problem(r, ERR_BAD_QUERY, NULL, NULL, "q must hold 1 to 100 characters");
        return;
    }
    char a[24], y[24], d[24], u[24], ud[24], l[24];
    PGresult *res;
    if (q) {
        bool plain, strong;
        const char *key = search_key(q, &plain, &strong);
        char *piece = plain ? middle_key(key) : strdup(key);
        char *ke = piece && has_trigram(piece) ? like_escape(piece) : NULL;
        free(piece);
        const char *params[] = {ke,
                                q,
                                after ? db_int(a, after) : NULL,
                                state,
                                issuer,
                                has_year ? db_int(y, year) : NULL,
                                has_dept ? db_int(d, dept) : NULL,
                                mismatch ? "true" : "false",
                                db_int(u, r->caller->id),
                                db_int(ud, r->caller->department_id),
                                db_int(l, limit + 1),
                                strong ? "0" : SEARCH_PROBE};
        res = db_read_or_reply(r, &Q_DOCS_SEARCH, 12, params);
        free(ke);
    } else {
        const char *params[] = {after ? db_int(a, after) : NULL,
                                state,
                                issuer,
                                has_year ? db_int(y, year) : NULL,
                                has_dept ? db_int(d, dept) : NULL,
                                NULL,
                                db_int(u, r->caller->id),
                                db_int(ud, r->caller->department_id),
                                mismatch ? "true" : "false",
                                db_int(l, limit + 1)};
        res = db_read_or_reply(r, &Q_DOCS_LIST, 10, params);
    }
    if (!res)
        return;
    /* A secret document read in a list or a search is read all the same. */
    if (audit_page_or_reply(r, res, limit, "id", "secrecy", "document", "read_list")) {
        PQclear(res);
        return;
    }
    reply_page_cols(r, res, limit, document_cols);
}

typedef struct get_tx {
    req_t *r;
    long long id;
    char *doc;
    long long version;
} get_tx;

static const db_stmt Q_DOC_GET = {
    "documents_get",
    "SELECT" DOCUMENT_DOC("d") " AS doc, d.version, d.secrecy FROM documents d"
    " WHERE d.id = $1 AND document_visible(d, $2, $3)"};

/* Every read of a secret or confidential document is audited. */
static int doc_get_run(db_conn *c, void *arg, problem_t *p)
{
    get_tx *t = arg;
    free(t->doc);
    t->doc = NULL;
    char id[24], u[24], ud[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            db_int(ud, t->r->caller->department_id)};
    PGresult *res;
    if (db_query(c, &Q_DOC_GET, 3, params, &res, p))
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return problem_set(p, ERR_DOCUMENT_NOT_FOUND, NULL, NULL, "no such document");
    }
    t->doc = strdup(db_col_str(res, 0, "doc"));
    t->version = db_col_ll(res, 0, "version");
    bool secret = strcmp(db_col_str(res, 0, "secrecy"), "none") != 0;
    PQclear(res);
    if (!t->doc)
        return problem_oom(p);
    if (!secret)
        return 0;
    return audit_write(c, &t->r->actor, "document", t->id, "read", NULL, NULL, p);
}

void h_documents_get(req_t *r)
{
    get_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id)
        return;
    problem_t p = {0};
    int rc = db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, doc_get_run, &t, &p);
    if (!rc && t.doc) {
        char etag[32];
        snprintf(etag, sizeof etag, "\"%lld\"", t.version);
        u_map_put(r->resp->map_header, "ETag", etag);
    }
    reply_doc(r, rc, &p, t.doc, 200);
}

static const db_stmt Q_VERSIONS = {
    "documents_versions",
    "SELECT v.no, json_build_object('no', v.no, 'title', v.title, 'body', v.body,"
    " 'author_id', v.author_id, 'created_at', v.created_at), d.id AS document_id, d.secrecy"
    " FROM document_versions v JOIN documents d ON d.id = v.document_id"
    " WHERE v.document_id = $1 AND document_visible(d, $2, $3)"
    " AND ($4::int IS NULL OR v.no < $4) ORDER BY v.no DESC LIMIT $5"};

static const db_stmt Q_DOC_SEEN = {
    "documents_seen",
    "SELECT 1 FROM documents d WHERE d.id = $1 AND document_visible(d, $2, $3)"};

void h_documents_versions(req_t *r)
{
    long long id = path_id_or_reply(r, "id");
    long limit;
    long long after;
    if (!id || page_or_reply(r, &limit, &after))
        return;
    char b[24], u[24], ud[24], a[24], l[24];
    const char *params[] = {db_int(b, id), db_int(u, r->caller->id),
                            db_int(ud, r->caller->department_id), after ? db_int(a, after) : NULL,
                            db_int(l, limit + 1)};
    PGresult *seen = db_read_or_reply(r, &Q_DOC_SEEN, 3, params);
    if (!seen)
        return;
    int n = PQntuples(seen);
    PQclear(seen);
    if (n == 0) {
        reply_problem(r, ERR_DOCUMENT_NOT_FOUND, NULL, NULL, "no such document");
        return;
    }
    PGresult *res = db_read_or_reply(r, &Q_VERSIONS, 5, params);
    if (!res)
        return;
    /* The bodies of a secret document: one audited read of it (its first
     * row speaks for the page). */
    if (audit_page_or_reply(r, res, 1, "document_id", "secrecy", "document", "read_versions")) {
        PQclear(res);
        return;
    }
    reply_page(r, res, limit);
}

/* ---------- create ---------- */

typedef struct doc_in {
    const char *issuer, *doc_type, *title, *body, *main_recipients, *cc_recipients, *secrecy,
        *urgency, *assigned_by;
    long long print_count, reply_to_incoming_id;
    json_t *co_department_ids;
} doc_in;

static const json_field doc_fields[] = {
    {.name = "issuer", .type = JF_ENUM, .flags = JF_REQUIRED, .values = issuers,
     .offset = offsetof(doc_in, issuer)},
    {.name = "doc_type", .type = JF_ENUM, .flags = JF_REQUIRED, .values = doc_types,
     .offset = offsetof(doc_in, doc_type)},
    {.name = "title", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 200,
     .offset = offsetof(doc_in, title)},
    {.name = "body", .type = JF_TEXT, .flags = JF_REQUIRED, .max = 200000,
     .offset = offsetof(doc_in, body)},
    {.name = "main_recipients", .type = JF_STRING, .flags = JF_REQUIRED, .min = 1, .max = 1000,
     .offset = offsetof(doc_in, main_recipients)},
    {.name = "cc_recipients", .type = JF_TEXT, .max = 1000,
     .offset = offsetof(doc_in, cc_recipients)},
    {.name = "secrecy", .type = JF_ENUM, .values = secrecies, .offset = offsetof(doc_in, secrecy)},
    {.name = "urgency", .type = JF_ENUM, .values = urgencies, .offset = offsetof(doc_in, urgency)},
    {.name = "print_count", .type = JF_INT, .flags = JF_REQUIRED, .min = 1, .max = 100000,
     .offset = offsetof(doc_in, print_count)},
    {.name = "assigned_by", .type = JF_ENUM, .flags = JF_NULLABLE, .values = assigners,
     .offset = offsetof(doc_in, assigned_by)},
    {.name = "reply_to_incoming_id", .type = JF_INT, .flags = JF_NULLABLE, .min = 1,
     .max = INT64_MAX / 2, .offset = offsetof(doc_in, reply_to_incoming_id)},
    {.name = "co_department_ids", .type = JF_ID_LIST, .max = 10,
     .offset = offsetof(doc_in, co_department_ids)},
    JF_END,
};

typedef struct outgoing_tx {
    doc_in in;
    char *co;
} outgoing_tx;

/* Whether the caller's department ($2) is a drafting department (承办部门:
 * an office section, or a district bureau, an external unit that a deputy
 * mayor is in charge of); the co-drafting departments ($1) that are not
 * drafting departments or are the caller's own; the chiefs of the others;
 * and the new document's id, so that the insert, which needs no answer
 * before COMMIT, goes out with it (create_last). One statement before the
 * insert. An id taken by a refused draft is not used again: ids may have
 * gaps, document numbers (R-DOC-5) may not. A draft without co-drafting
 * departments, nearly every one, asks Q_DRAFTING_ALONE instead: this
 * statement's generic plan (10 co-departments guessed for $1, each with its
 * chief's look-up: cost 626 against 78 for '{}') was never chosen, so it
 * was planned again at every create. */
static const db_stmt Q_DRAFTING = {
    "documents_drafting",
    "SELECT nextval('documents_id_seq') AS new_id,"
    " (SELECT d.kind = 'section' OR (d.kind = 'external' AND d.in_charge_id IS NOT NULL)"
    "   FROM identity.org_departments d WHERE d.id = $2) AS drafting,"
    " (SELECT array_agg(x)::text FROM unnest($1::bigint[]) x WHERE x = $2 OR NOT EXISTS"
    "   (SELECT 1 FROM identity.org_departments d WHERE d.id = x AND (d.kind = 'section'"
    "    OR (d.kind = 'external' AND d.in_charge_id IS NOT NULL)))) AS not_drafting,"
    " (SELECT coalesce(array_agg(d.chief_id) FILTER (WHERE d.chief_id IS NOT NULL), '{}')::text"
    "   FROM identity.org_departments d WHERE d.id = ANY ($1::bigint[])) AS chiefs"};

/* Q_DRAFTING for a draft without co-drafting departments: the same
 * columns and parameters ($1 is '{}'), one plan kept. */
static const db_stmt Q_DRAFTING_ALONE = {
    "documents_drafting_alone",
    "SELECT nextval('documents_id_seq') AS new_id,"
    " (SELECT d.kind = 'section' OR (d.kind = 'external' AND d.in_charge_id IS NOT NULL)"
    "   FROM identity.org_departments d WHERE d.id = $2) AS drafting,"
    " NULL::text AS not_drafting, '{}'::text AS chiefs, $1::text AS co"};

/* The draft ($16 its id, from Q_DRAFTING) and its first version; its
 * document is kept for the audit event and the Idempotency-Key's answer
 * and comes back with COMMIT (AUDIT_DOC, create_last). */
static const db_stmt Q_DOC_INSERT = {
    "documents_insert",
    "WITH d AS (INSERT INTO documents(id, issuer, doc_type, title, body, main_recipients,"
    " cc_recipients, secrecy, urgency, print_count, assigned_by, reply_to_incoming_id,"
    " department_id, creator_id, co_department_ids, path_ids)"
    " VALUES ($16, $1, $2, $3, $4, $5, coalesce($6, ''), coalesce($7, 'none'),"
    " coalesce($8, 'normal'), $9, $10, $11, $12, $13, $14::bigint[],"
    " array_prepend($13::bigint, $15::bigint[])) RETURNING *),"
    " v AS (INSERT INTO document_versions(document_id, no, title, body, author_id)"
    " SELECT d.id, 1, d.title, d.body, d.creator_id FROM d)"
    " SELECT" AUDIT_DOC(DOCUMENT_DOC("d")) " AS doc FROM d"};

static int doc_store(db_conn *c, create_tx *ct, problem_t *p)
{
    outgoing_tx *t = ct->ctx;
    const caller_t *me = ct->r->caller;
    char dept[24], uid[24], pc[24], reply[24], nid[24];
    const char *p1[] = {t->co, db_int(dept, me->department_id)};
    PGresult *res;
    const db_stmt *drafting = strcmp(t->co, "{}") ? &Q_DRAFTING : &Q_DRAFTING_ALONE;
    if (db_query(c, drafting, 2, p1, &res, p))
        return -1;
    if (!db_col_bool(res, 0, "drafting")) {
        PQclear(res);
        return problem_set(p, ERR_DOCUMENT_NOT_A_DRAFTING_DEPARTMENT, NULL, NULL,
                           "documents are drafted by an office section or a district bureau");
    }
    if (!db_col_null(res, 0, "not_drafting")) {
        problem_field(p, "co_department_ids",
                      "departments %s are not other drafting departments (an office section or a district bureau)",
                      db_col_str(res, 0, "not_drafting"));
        PQclear(res);
        return -1;
    }
    char *chiefs = strdup(db_col_str(res, 0, "chiefs"));
    ct->id = db_col_ll(res, 0, "new_id");
    PQclear(res);
    if (!chiefs)
        return problem_oom(p);
    const doc_in *in = &t->in;
    const char *p3[] = {in->issuer,
                        in->doc_type,
                        in->title,
                        in->body,
                        in->main_recipients,
                        in->cc_recipients,
                        in->secrecy,
                        in->urgency,
                        db_int(pc, in->print_count),
                        in->assigned_by,
                        in->reply_to_incoming_id ? db_int(reply, in->reply_to_incoming_id) : NULL,
                        dept,
                        db_int(uid, me->id),
                        t->co,
                        chiefs,
                        db_int(nid, ct->id)};
    int rc = -1;
    if (create_last(c, ct, &Q_DOC_INSERT, 16, p3, p))
        goto cleanup;
    char title[TITLE_BYTES];
    snprintf(title, sizeof title, "Co-sign the joint draft: %s", in->title);
    utf8_trim(title, sizeof title);
    if (strcmp(chiefs, "{}") &&
        notify_all(c, chiefs, "document_to_co_sign", title, "", "document", ct->id, p))
        goto cleanup;
    rc = 0;
cleanup:
    free(chiefs);
    return rc;
}

static int doc_check(create_tx *ct, problem_t *p)
{
    outgoing_tx *t = ct->ctx;
    t->co = t->in.co_department_ids ? db_id_array(t->in.co_department_ids) : strdup("{}");
    return t->co ? 0 : problem_oom(p);
}

static const create_t doc_create = {
    .entity = "document",
    .fields = doc_fields,
    .check = doc_check,
    .store = doc_store,
};

void h_documents_create(req_t *r)
{
    outgoing_tx t = {0};
    create_handle(r, &doc_create, &t.in, &t);
    free(t.co);
}
