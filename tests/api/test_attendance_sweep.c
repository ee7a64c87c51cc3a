/* The background sweep against bad rows: a leave whose applicant was
 * deactivated since is still settled (R-ATT-4), and a leave that cannot be
 * settled is parked after three tries without holding up the others. Leave
 * here lies in 2009 (requested while ahead: att_leave_past_id). */
#include <unistd.h>

#include "test_attendance_common.h"

/* A fresh staff member of 综合科 (password secret-pass-1); returns the id
 * and writes the name. */
static long long new_member(char *name, size_t cap)
{
    static int seq;
    snprintf(name, cap, "sw%d_%d", (int)getpid(), seq++);
    resp_t *r = h_post("/api/v1/users", h_token("admin"),
                       h_fmt("{\"username\":\"%s\",\"display_name\":\"清扫测试\","
                             "\"password\":\"secret-pass-1\",\"position\":\"staff\","
                             "\"department_id\":%lld}",
                             name, h_sql_ll("SELECT id FROM identity.departments WHERE name='综合科'",
                                            0, NULL)));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

static char *login_token(const char *name)
{
    resp_t *r = h_post("/api/v1/auth/login", NULL,
                       h_fmt("{\"username\":\"%s\",\"password\":\"secret-pass-1\"}", name));
    ck_status(r, 200);
    char *t = strdup(h_str(r, "access_token"));
    h_free(r);
    return t;
}

/* A closed leave of `token`'s holder whose extension of two half-days
 * waits for its explanation, which is now overdue. */
static long long overdue_extension(const char *token, long mon)
{
    resp_t *r = h_post("/api/v1/leave-requests", token,
                       h_fmt("{\"kind\":\"private\",\"reason\":\"sweep test\",\"start_date\":\"%s\","
                             "\"start_half\":\"am\",\"end_date\":\"%s\",\"end_half\":\"pm\"}",
                             att_date(mon + ATT_AHEAD), att_date(mon + ATT_AHEAD)));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    /* Approved and extended while still ahead (an extension is recorded
     * before the leave ends; two days need the director too, R-ATT-4),
     * then moved back, as if that time had passed. */
    att_leave_ok("deputy2", id, "approve", NULL);
    att_leave_ok("deputy2", id, "extend",
                 h_fmt("{\"new_end_date\":\"%s\",\"new_end_half\":\"pm\",\"reason\":\"flu\"}",
                       att_date(mon + 1 + ATT_AHEAD)));
    att_leave_ok("director", id, "approve", NULL);
    att_leave_move_back(id);
    r = h_post(h_fmt("/api/v1/leave-requests/%lld/close", id), token,
               h_fmt("{\"returned_at\":\"%sT09:00:00+08:00\"}", att_date(mon + 3)));
    ck_status(r, 200);
    /* A return that long ago is the approver's to confirm (R-ATT-4). */
    ck_assert_str_eq(att_str(json_object_get(r->json, "return_check"), "state"), "pending");
    h_free(r);
    r = att_leave_act("deputy2", id, "confirm-return", "{\"confirmed\":true}");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "extension_half_days"), 2);
    h_free(r);
    return id;
}

static void make_overdue(long long id)
{
    h_sql(h_fmt("UPDATE attendance.leave_requests SET explanation_due = now() - interval '1 minute'"
                " WHERE id = %lld",
                id));
}

static char *outcome(long long id)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b};
    return h_sql_str("SELECT coalesce(ext_outcome, '') || '/' ||"
                     " CASE WHEN sweep_parked_at IS NULL THEN 'open' ELSE 'parked' END"
                     " FROM attendance.leave_requests WHERE id = $1::bigint",
                     1, p);
}

/* Waits up to 40 s for the leave's outcome to become want. */
static bool settles_to(long long id, const char *want)
{
    for (int i = 0; i < 200; i++) {
        char *o = outcome(id);
        bool done = o && !strcmp(o, want);
        free(o);
        if (done)
            return true;
        usleep(200 * 1000);
    }
    return false;
}

START_TEST(test_R_ATT_4_sweep_settles_a_deactivated_applicants_leave_and_parks_a_bad_row)
{
    long w1 = att_next(2009, 3, 1, 1), w2 = att_next(2009, 4, 1, 1), w3 = att_next(2009, 5, 1, 1);
    char gone[64], stays[64], bad[64];
    long long gone_id = new_member(gone, sizeof gone);
    new_member(stays, sizeof stays);
    new_member(bad, sizeof bad);
    char *t_gone = login_token(gone), *t_stays = login_token(stays), *t_bad = login_token(bad);
    long long a = overdue_extension(t_gone, w1);
    long long b = overdue_extension(t_stays, w2);
    long long c = overdue_extension(t_bad, w3);
    /* the first applicant leaves the office; the third leave points at
     * nobody, so it can never be settled */
    resp_t *r = h_patch(h_fmt("/api/v1/users/%lld", gone_id), h_token("admin"), "{\"active\":false}");
    ck_status(r, 200);
    h_free(r);
    h_sql(h_fmt("UPDATE attendance.leave_requests SET applicant_id = 987654321 WHERE id = %lld", c));
    /* the bad row is due first */
    make_overdue(c);
    usleep(100 * 1000);
    make_overdue(a);
    make_overdue(b);
    ck_assert_msg(settles_to(a, "absenteeism/open"), "the deactivated applicant's leave");
    ck_assert_msg(settles_to(b, "absenteeism/open"), "the leave after the bad row");
    ck_assert_msg(settles_to(c, "/parked"), "the bad row is parked");
    char b_id[24];
    snprintf(b_id, sizeof b_id, "%lld", c);
    const char *p[] = {b_id};
    char *err = h_sql_str("SELECT sweep_error FROM attendance.leave_requests WHERE id = $1::bigint",
                          1, p);
    ck_assert_ptr_nonnull(err);
    ck_assert(strlen(err) > 0);
    free(err);
    ck_assert_int_eq(att_audits("leave_request", a, "extension_unexplained"), 1);
    ck_assert_int_eq(att_audits("leave_request", c, "extension_unexplained"), 0);
    free(t_gone);
    free(t_stays);
    free(t_bad);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_sweep");
    TCase *t = tcase_create("sweep");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_4_sweep_settles_a_deactivated_applicants_leave_and_parks_a_bad_row);
    suite_add_tcase(s, t);
    return h_run(s);
}
