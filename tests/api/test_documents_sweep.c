/* The incoming register's background job with several copies of the
 * service (R-DOC-9): every copy sweeps, and each item is still reminded
 * once and flagged overdue once, its card has one entry of each and each
 * person one notification of each, however many copies ran into it. */
#include "test_documents_fixtures.h"

#define N_ITEMS 60  /* each kind: more than one sweep's batch of 50 */
#define N_COPIES 2  /* copies started here, besides those make test runs */

static pid_t start_copy(int port, int k)
{
    static const char *const env[] = {"INCOMING_SWEEP_SECONDS=1", NULL};
    return h_start_copy("documents", port, df("documents-sweep-%d.log", k), env);
}

static long long count_where(const char *sql, const char *ids)
{
    const char *p[] = {ids};
    return h_sql_ll(sql, 1, p);
}

START_TEST(test_R_DOC_9_the_sweep_acts_once_however_many_copies_run)
{
    /* Items without a deadline, so that no sweep touches them yet. */
    char soon[N_ITEMS * 24 + 4] = "{", late[N_ITEMS * 24 + 4] = "{";
    for (int i = 0; i < 2 * N_ITEMS; i++) {
        resp_t *r = h_post("/api/v1/incoming", h_token("wenmi1"),
                           df("{\"source_kind\":\"superior\",\"source_org\":\"市政府办公室\","
                              "\"original_number\":\"吉市府发〔2026〕9号\",\"kind\":\"document\","
                              "\"title\":\"%s\",\"received_at\":\"2026-03-02T09:30:00+08:00\","
                              "\"summary\":\"请按要求办理\",\"deadline\":null}",
                              unique("关于多副本催办的通知")));
        ck_status(r, 201);
        char *list = i % 2 ? late : soon;
        snprintf(list + strlen(list), 24, "%s%lld", strlen(list) > 1 ? "," : "",
                 h_int(r, "id"));
        h_free(r);
    }
    strcat(soon, "}");
    strcat(late, "}");

    pid_t copies[N_COPIES];
    for (int k = 0; k < N_COPIES; k++)
        copies[k] = start_copy(h_free_port(), k);
    /* All due at once, while every copy sweeps each second. */
    const char *pd[] = {soon, late};
    h_sql_ll("WITH a AS (UPDATE documents.incoming SET deadline = current_date + 1"
             "  WHERE id = ANY ($1::bigint[]) RETURNING id),"
             " b AS (UPDATE documents.incoming SET deadline = current_date - 1"
             "  WHERE id = ANY ($2::bigint[]) RETURNING id)"
             " SELECT (SELECT count(*) FROM a) + (SELECT count(*) FROM b)",
             2, pd);

    long long reminded = 0, flagged = 0;
    for (int i = 0; i < 120 && (reminded < N_ITEMS || flagged < N_ITEMS); i++) {
        usleep(250000);
        reminded = count_where("SELECT count(*) FROM documents.incoming"
                               " WHERE id = ANY ($1::bigint[]) AND reminded_at IS NOT NULL",
                               soon);
        flagged = count_where("SELECT count(*) FROM documents.incoming"
                              " WHERE id = ANY ($1::bigint[]) AND overdue",
                              late);
    }
    ck_assert_int_eq(reminded, N_ITEMS);
    ck_assert_int_eq(flagged, N_ITEMS);
    /* More sweeps of every copy pass over them. */
    sleep(3);
    for (int k = 0; k < N_COPIES; k++)
        h_stop_copy(copies[k]);

    /* One card entry of each kind per item, none of the other kind. */
    ck_assert_int_eq(count_where("SELECT count(*) FROM documents.incoming_entries"
                                 " WHERE incoming_id = ANY ($1::bigint[]) AND step = 'remind'",
                                 soon),
                     N_ITEMS);
    ck_assert_int_eq(count_where("SELECT count(DISTINCT incoming_id) FROM documents.incoming_entries"
                                 " WHERE incoming_id = ANY ($1::bigint[]) AND step = 'remind'",
                                 soon),
                     N_ITEMS);
    ck_assert_int_eq(count_where("SELECT count(*) FROM documents.incoming_entries"
                                 " WHERE incoming_id = ANY ($1::bigint[]) AND step = 'overdue'",
                                 late),
                     N_ITEMS);
    ck_assert_int_eq(count_where("SELECT count(DISTINCT incoming_id) FROM documents.incoming_entries"
                                 " WHERE incoming_id = ANY ($1::bigint[]) AND step = 'overdue'",
                                 late),
                     N_ITEMS);
    ck_assert_int_eq(count_where("SELECT count(*) FROM documents.incoming_entries"
                                 " WHERE incoming_id = ANY ($1::bigint[]) AND step = 'overdue'",
                                 soon),
                     0);
    /* One notification of each per person: the secretariat follows up
     * every item, the director hears of every overdue one. */
    const char *pw[] = {df("%lld", h_user_id("wenmi1")), soon};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                              " AND kind = 'incoming_reminder' AND entity_type = 'incoming'"
                              " AND entity_id = ANY ($2::bigint[])",
                              2, pw),
                     N_ITEMS);
    const char *pdir[] = {df("%lld", h_user_id("director")), late};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                              " AND kind = 'incoming_overdue' AND entity_type = 'incoming'"
                              " AND entity_id = ANY ($2::bigint[])",
                              2, pdir),
                     N_ITEMS);
    ck_assert_int_eq(h_sql_ll("SELECT count(DISTINCT entity_id) FROM identity.notifications"
                              " WHERE user_id = $1 AND kind = 'incoming_overdue'"
                              " AND entity_type = 'incoming' AND entity_id = ANY ($2::bigint[])",
                              2, pdir),
                     N_ITEMS);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_sweep");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 240);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_DOC_9_the_sweep_acts_once_however_many_copies_run);
    suite_add_tcase(s, tc);
    return h_run(s);
}
