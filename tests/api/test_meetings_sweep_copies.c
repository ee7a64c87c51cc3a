/* The background job of several copies (R-MTG-9): with more copies of the
 * meetings service sweeping every second, each overdue decision is flagged,
 * its people told and it is proposed to the next regular meeting once, and
 * each decision due soon reminded once, not once per copy. */
#include <sys/types.h>

#include "test_meetings_fixtures.h"

#define N_OVERDUE 60 /* more than one claim (SWEEP_BATCH) */
#define N_DUE_SOON 10
#define N_COPIES 3

static long long count_ids(const char *sql, const char *ids)
{
    const char *p[] = {ids};
    return h_sql_ll(sql, 1, p);
}

START_TEST(test_R_MTG_9_background_job_acts_once_across_copies)
{
    /* The next regular meeting, where the overdue decisions are proposed. */
    new_meeting();
    long long topic;
    long long m = started_meeting("general", false, &topic);
    char ids[(N_OVERDUE + N_DUE_SOON) * 24] = "{", soon[N_DUE_SOON * 24] = "{",
         late[N_OVERDUE * 24] = "{";
    for (int i = 0; i < N_OVERDUE + N_DUE_SOON; i++) {
        long long d = new_decision(m, topic, "zonghe_chief");
        char *list = i < N_OVERDUE ? late : soon;
        snprintf(list + strlen(list), 24, "%s%lld", list[1] ? "," : "", d);
        snprintf(ids + strlen(ids), 24, "%s%lld", ids[1] ? "," : "", d);
    }
    strcat(ids, "}");
    strcat(soon, "}");
    strcat(late, "}");
    /* While still drafts they can be set as if decided long ago. */
    const char *pl[] = {late}, *ps[] = {soon};
    h_sql_ll("WITH u AS (UPDATE meetings.decisions SET deadline = current_date - 3"
             " WHERE id = ANY($1::bigint[]) RETURNING 1) SELECT count(*) FROM u", 1, pl);
    h_sql_ll("WITH u AS (UPDATE meetings.decisions SET deadline = current_date + 1"
             " WHERE id = ANY($1::bigint[]) RETURNING 1) SELECT count(*) FROM u", 1, ps);

    /* More copies, sweeping every second, on the same database. */
    static const char *const env[] = {"MEETINGS_SWEEP_SECONDS=1", NULL};
    pid_t copies[N_COPIES];
    for (int i = 0; i < N_COPIES; i++)
        copies[i] = h_start_copy("meetings", h_free_port(), h_fmt("meetings-sweep-%d.log", i),
                                 env);
    close_meeting(m);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.decisions"
                                " WHERE id = ANY($1::bigint[]) AND overdue_at IS NOT NULL"
                                " AND proposed_topic_id IS NOT NULL",
                                1, pl, N_OVERDUE, 30), N_OVERDUE);
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.decisions"
                                " WHERE id = ANY($1::bigint[]) AND due_reminded_at IS NOT NULL",
                                1, ps, N_DUE_SOON, 30), N_DUE_SOON);
    sleep(3); /* several more sweeps of every copy */
    for (int i = 0; i < N_COPIES; i++)
        h_stop_copy(copies[i]);

    /* Told once each: the responsible person, the convener and the
     * recorder of each overdue decision; the responsible person of each one
     * due soon. */
    const char *who[] = {"zonghe_chief", "director", "wenmi_chief"};
    for (int w = 0; w < 3; w++) {
        const char *p[] = {late, id_text(uid(who[w]))};
        ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications"
                                  " WHERE kind = 'decision_overdue' AND entity_type = 'decision'"
                                  " AND entity_id = ANY($1::bigint[]) AND user_id = $2",
                                  2, p),
                         N_OVERDUE);
        ck_assert_int_eq(h_sql_ll("SELECT count(DISTINCT entity_id) FROM identity.notifications"
                                  " WHERE kind = 'decision_overdue' AND entity_type = 'decision'"
                                  " AND entity_id = ANY($1::bigint[]) AND user_id = $2",
                                  2, p),
                         N_OVERDUE);
    }
    const char *pz[] = {soon, id_text(uid("zonghe_chief"))};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM identity.notifications"
                              " WHERE kind = 'decision_due_soon' AND entity_type = 'decision'"
                              " AND entity_id = ANY($1::bigint[]) AND user_id = $2",
                              2, pz),
                     N_DUE_SOON);
    ck_assert_int_eq(count_ids("SELECT count(*) FROM identity.notifications"
                               " WHERE kind = 'decision_due_soon' AND entity_type = 'decision'"
                               " AND entity_id = ANY($1::bigint[])", ids),
                     N_DUE_SOON);
    /* Proposed to the next regular meeting once each. */
    ck_assert_int_eq(count_ids("SELECT count(*) FROM meetings.topics"
                               " WHERE source_decision_id = ANY($1::bigint[])", late),
                     N_OVERDUE);
    ck_assert_int_eq(count_ids("SELECT count(DISTINCT source_decision_id) FROM meetings.topics"
                               " WHERE source_decision_id = ANY($1::bigint[])", late),
                     N_OVERDUE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_sweep_copies");
    TCase *tc = tcase_create("sweep_copies");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_MTG_9_background_job_acts_once_across_copies);
    suite_add_tcase(s, tc);
    return h_run(s);
}
