/* The document number under load (R-DOC-5): 200 concurrent requests
 * against two copies of the service, some failing after they took a
 * number, and transactions that take a number and roll back; the series
 * stays 1..N without a gap or a repeat. */
#include <pthread.h>
#include <stdatomic.h>

#include "test_documents_fixtures.h"

#define N_DOCS 200
#define N_BROKEN 20 /* signed_at missing: the number is taken, then the row refuses it */
#define N_WORKERS 32
#define N_ROLLBACKS 40

/* A second copy of the documents service on its own port, on the same
 * database as the first. */
static pid_t start_second_copy(int port)
{
    static const char *const env[] = {"HTTP_THREADS=8", "DB_ACQUIRE_TIMEOUT_MS=10000", NULL};
    return h_start_copy("documents", port, "documents-2.log", env);
}

typedef struct numbering {
    long long ids[N_DOCS];
    long status[N_DOCS];
    long long seq[N_DOCS];
    const char *base[2];
    atomic_int next;
    int year;
} numbering;

static void *number_worker(void *arg)
{
    numbering *n = arg;
    for (;;) {
        int i = atomic_fetch_add(&n->next, 1);
        if (i >= N_DOCS)
            return NULL;
        resp_t *r = h_post(df("%s/api/v1/documents/%lld/assign-number", n->base[i % 2], n->ids[i]),
                           h_token("wenmi1"), NULL);
        n->status[i] = r->status;
        n->seq[i] = r->status == 200 ? h_int(r, "doc_seq") : 0;
        h_free(r);
    }
}

/* Takes a number and rolls back, as a request that fails after its number
 * was taken does. */
static void *rollback_worker(void *arg)
{
    numbering *n = arg;
    PGconn *db = PQconnectdb(getenv("ADMIN_DATABASE_URL"));
    if (PQstatus(db) != CONNECTION_OK) {
        PQfinish(db);
        return (void *)1;
    }
    const char *year = df("%d", n->year);
    for (int k = 0; k < N_ROLLBACKS / 4; k++) {
        PQclear(PQexec(db, "BEGIN"));
        const char *p[] = {year};
        PGresult *res = PQexecParams(db, "SELECT documents.take_number('district_government', $1::int)",
                                     1, NULL, p, NULL, NULL, 0);
        PQclear(res);
        PQclear(PQexec(db, "SELECT pg_sleep(0.01)"));
        PQclear(PQexec(db, "ROLLBACK"));
    }
    PQfinish(db);
    return NULL;
}

START_TEST(test_R_DOC_5_numbers_are_gapless_across_two_copies_under_concurrency)
{
    static numbering n;
    memset(&n, 0, sizeof n);
    atomic_store(&n.next, 0);
    const char *names[] = {"综合科"};
    long long dept = h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, names);
    const char *ps[] = {df("%lld", dept), df("%lld", h_user_id("zonghe1")),
                        df("%lld", h_user_id("vmayor1")), df("%d", N_DOCS), df("%d", N_BROKEN)};
    /* Documents signed and proofread, ready for their numbers; the first
     * N_BROKEN lack their signature time, so the row refuses the number
     * after it was taken. */
    PGresult *res = PQexecParams(
        h_db(),
        "INSERT INTO documents.documents(issuer, doc_type, title, body, main_recipients,"
        " print_count, department_id, creator_id, state, signer_id, signed_by, signed_at)"
        " SELECT 'district_government', 'notice', '编号并发测试' || g, '正文' || g, '各单位', 1,"
        " $1, $2, 'proofread', $3, $3, CASE WHEN g <= $5::int THEN NULL ELSE now() END"
        " FROM generate_series(1, $4::int) g ORDER BY g RETURNING id",
        5, NULL, ps, NULL, NULL, 0);
    ck_assert_int_eq(PQresultStatus(res), PGRES_TUPLES_OK);
    ck_assert_int_eq(PQntuples(res), N_DOCS);
    for (int i = 0; i < N_DOCS; i++)
        n.ids[i] = strtoll(PQgetvalue(res, i, 0), NULL, 10);
    PQclear(res);
    n.year = (int)h_sql_ll("SELECT extract(year FROM now() AT TIME ZONE 'Asia/Shanghai')::int",
                           0, NULL);

    int port = h_free_port();
    pid_t second = start_second_copy(port);
    const char *first = getenv("DOCUMENTS_URL");
    ck_assert_ptr_nonnull(first);
    n.base[0] = first;
    n.base[1] = df("http://127.0.0.1:%d", port);
    h_token("wenmi1");

    pthread_t workers[N_WORKERS], rollers[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&rollers[i], NULL, rollback_worker, &n);
    for (int i = 0; i < N_WORKERS; i++)
        pthread_create(&workers[i], NULL, number_worker, &n);
    for (int i = 0; i < N_WORKERS; i++)
        pthread_join(workers[i], NULL);
    void *bad_roll = NULL, *rv;
    for (int i = 0; i < 4; i++) {
        pthread_join(rollers[i], &rv);
        bad_roll = bad_roll ? bad_roll : rv;
    }
    h_stop_copy(second);
    ck_assert_ptr_null(bad_roll);

    /* Every good document got a number, every broken one none. */
    int ok = 0, refused = 0;
    for (int i = 0; i < N_DOCS; i++) {
        if (i < N_BROKEN) {
            ck_assert_msg(n.status[i] == 400, "broken document %d: %ld", i, n.status[i]);
            refused++;
        } else {
            ck_assert_msg(n.status[i] == 200, "document %d: %ld", i, n.status[i]);
            ok++;
        }
    }
    ck_assert_int_eq(ok, N_DOCS - N_BROKEN);
    ck_assert_int_eq(refused, N_BROKEN);
    const char *py[] = {df("%d", n.year)};
    char *none = h_sql_str("SELECT count(*) FROM documents.documents WHERE title LIKE '编号并发测试%'"
                           " AND signed_at IS NULL AND doc_seq IS NOT NULL",
                           0, NULL);
    ck_assert_str_eq(none, "0");
    free(none);
    /* The whole series of the year: exactly 1..N, each once. */
    char *shape = h_sql_str(
        "SELECT count(*) || ' ' || count(DISTINCT doc_seq) || ' ' || coalesce(max(doc_seq), 0)"
        " || ' ' || coalesce(min(doc_seq), 0) || ' ' || coalesce((SELECT last FROM"
        " documents.number_counters WHERE series = 'district_government' AND year = $1::int), 0)"
        " FROM documents.documents WHERE issuer = 'district_government' AND doc_year = $1::int",
        1, py);
    long long count, distinct, max, min, last;
    ck_assert_int_eq(sscanf(shape, "%lld %lld %lld %lld %lld", &count, &distinct, &max, &min, &last),
                     5);
    ck_assert_msg(count == distinct && count == max && min == 1 && last == max,
                  "series (count distinct max min last): %s", shape);
    ck_assert_int_ge(count, N_DOCS - N_BROKEN);
    free(shape);
    /* Numbered together or alone, each good document has one audit event
     * whose document after carries its number, and its drafter one notice
     * naming it; a broken one has neither. */
    char *ids = calloc(N_DOCS, 24);
    ck_assert_ptr_nonnull(ids);
    strcpy(ids, "{");
    for (int i = 0; i < N_DOCS; i++)
        sprintf(ids + strlen(ids), "%s%lld", i ? "," : "", n.ids[i]);
    strcat(ids, "}");
    const char *pids[] = {ids};
    char *events = h_sql_str(
        "SELECT count(*) || ' ' || count(*) FILTER (WHERE e.after->>'doc_number' = d.doc_number"
        "  AND e.before->>'state' = 'proofread' AND e.after->>'state' = 'numbered')"
        " || ' ' || (SELECT count(*) FROM identity.notifications n JOIN documents.documents x"
        "  ON x.id = n.entity_id AND n.entity_type = 'document' AND n.kind = 'document_numbered'"
        "  WHERE x.id = ANY ($1::bigint[]) AND n.title LIKE '%' || x.doc_number || '%')"
        " FROM documents.documents d JOIN audit.events e ON e.entity_type = 'document'"
        "  AND e.entity_id = d.id AND e.action = 'assign-number'"
        " WHERE d.id = ANY ($1::bigint[])",
        1, pids);
    ck_assert_str_eq(events, df("%d %d %d", N_DOCS - N_BROKEN, N_DOCS - N_BROKEN,
                                N_DOCS - N_BROKEN));
    free(events);
    free(ids);
}
END_TEST

typedef struct same_doc {
    const char *base;
    long long id;
    atomic_int ok, wrong_state, other;
} same_doc;

static void *same_doc_worker(void *arg)
{
    same_doc *s = arg;
    resp_t *r = h_post(df("%s/api/v1/documents/%lld/assign-number", s->base, s->id),
                       h_token("wenmi1"), NULL);
    if (r->status == 200)
        atomic_fetch_add(&s->ok, 1);
    else if (h_problem(r, 409, "document.wrong_state", "R-DOC-5", NULL))
        atomic_fetch_add(&s->wrong_state, 1);
    else
        atomic_fetch_add(&s->other, 1);
    h_free(r);
    return NULL;
}

/* Numberings that arrive together are numbered together; one document
 * asked for many times at once still takes one number: the first
 * numbering takes it, every other is refused as already numbered. */
START_TEST(test_R_DOC_5_one_document_numbered_by_many_at_once_takes_one_number)
{
    const char *names[] = {"综合科"};
    long long dept = h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, names);
    const char *ps[] = {df("%lld", dept), df("%lld", h_user_id("zonghe1")),
                        df("%lld", h_user_id("vmayor1"))};
    static same_doc s;
    memset(&s, 0, sizeof s);
    s.id = h_sql_ll(
        "INSERT INTO documents.documents(issuer, doc_type, title, body, main_recipients,"
        " print_count, department_id, creator_id, state, signer_id, signed_by, signed_at)"
        " VALUES ('district_government', 'notice', '同一文件并发编号', '正文', '各单位', 1,"
        " $1, $2, 'proofread', $3, $3, now()) RETURNING id",
        3, ps);
    ck_assert_int_gt(s.id, 0);
    s.base = getenv("DOCUMENTS_URL");
    ck_assert_ptr_nonnull(s.base);
    h_token("wenmi1");
    const char *py[] = {df("%d", (int)h_sql_ll("SELECT extract(year FROM now() AT TIME ZONE"
                                               " 'Asia/Shanghai')::int", 0, NULL))};
    const char *last_q = "SELECT coalesce((SELECT last FROM documents.number_counters"
                         " WHERE series = 'district_government' AND year = $1::int), 0)";
    long long before = h_sql_ll(last_q, 1, py);
    enum { N = 16 };
    pthread_t w[N];
    for (int i = 0; i < N; i++)
        pthread_create(&w[i], NULL, same_doc_worker, &s);
    for (int i = 0; i < N; i++)
        pthread_join(w[i], NULL);
    ck_assert_int_eq(atomic_load(&s.ok), 1);
    ck_assert_int_eq(atomic_load(&s.wrong_state), N - 1);
    ck_assert_int_eq(atomic_load(&s.other), 0);
    ck_assert_int_eq(h_sql_ll(last_q, 1, py), before + 1);
    const char *pid[] = {df("%lld", s.id)};
    ck_assert_int_eq(h_sql_ll("SELECT doc_seq FROM documents.documents WHERE id = $1", 1, pid),
                     before + 1);
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events WHERE entity_type = 'document'"
                              " AND entity_id = $1 AND action = 'assign-number'",
                              1, pid),
                     1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_numbers");
    TCase *tc = tcase_create("numbers");
    tcase_set_timeout(tc, 300);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_DOC_5_numbers_are_gapless_across_two_copies_under_concurrency);
    tcase_add_test(tc, test_R_DOC_5_one_document_numbered_by_many_at_once_takes_one_number);
    suite_add_tcase(s, tc);
    return h_run(s);
}
