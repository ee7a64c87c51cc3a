/* Attendance's read definitions (services/attendance/sql/read.sql) on a
 * database that already has them, as at every start after the first: they
 * apply again without error, and a leave request's stored document (kept
 * with its row since migration 012, R-ATT-4's approver queue reads it) is
 * what the definitions in force build, rebuilt when the definitions it was
 * built by have changed. */
#include <stdlib.h>

#include "db.h"
#include "test_attendance_common.h"

/* Whether the stored document of request id differs from what leave_doc
 * builds now (overdue stored false, as the triggers store it), read as the
 * service reads it: its schema on the search path, times in office time. */
static long long stale_doc(const char *id)
{
    const char *p[] = {id};
    h_sql("SET search_path = attendance");
    h_sql("SET TimeZone = 'Asia/Shanghai'");
    long long n = h_sql_ll(
        "SELECT count(*) FROM leave_requests l WHERE l.id = $1::bigint AND l.doc IS DISTINCT FROM"
        " replace(leave_doc(l, (SELECT coalesce(json_agg(leave_step_doc(s) ORDER BY s.step),"
        "  '[]'::json) FROM leave_steps s WHERE s.request_id = l.id))::text,"
        " '\"overdue\":true', '\"overdue\":false')",
        1, p);
    h_sql("RESET search_path");
    h_sql("RESET TimeZone");
    return n;
}

START_TEST(test_R_ATT_4_read_definitions_apply_again_and_keep_stored_leave_documents)
{
    long mon = att_next(2061, 3, 1, 1); /* a year no other test uses */
    long long id = att_leave_id("zonghe1", mon, "am", mon, "pm");
    char b_id[24];
    snprintf(b_id, sizeof b_id, "%lld", id);
    const char *p[] = {b_id};
    ck_assert_int_eq(stale_doc(b_id), 0);
    char *digest = h_sql_str("SELECT digest FROM attendance.leave_doc_built", 0, NULL);
    ck_assert_ptr_nonnull(digest);
    char *doc = h_sql_str("SELECT doc FROM attendance.leave_requests WHERE id = $1::bigint", 1, p);
    ck_assert_ptr_nonnull(doc);

    /* unchanged definitions: nothing is rebuilt, nothing changes */
    ck_assert_int_eq(h_migrate_again("attendance"), 0);
    char *digest2 = h_sql_str("SELECT digest FROM attendance.leave_doc_built", 0, NULL);
    ck_assert_str_eq(digest2, digest);
    char *doc2 = h_sql_str("SELECT doc FROM attendance.leave_requests WHERE id = $1::bigint", 1, p);
    ck_assert_str_eq(doc2, doc);
    ck_assert_int_eq(stale_doc(b_id), 0);

    /* documents built by other definitions than those in force (a digest
     * that differs, a document that is not what leave_doc builds), and the
     * definitions changed since the last start (here a comment, by hand,
     * so that the start applies the read definitions again): the next
     * start rebuilds every document */
    h_sql("COMMENT ON FUNCTION attendance.leave_doc_keep() IS 'changed by hand'");
    h_sql("UPDATE attendance.leave_doc_built SET digest = 'built by an older leave_doc'");
    h_sql_ll("UPDATE attendance.leave_requests SET doc = '{}' WHERE id = $1::bigint"
             " RETURNING id", 1, p);
    ck_assert_int_ge(stale_doc(b_id), 1);
    ck_assert_int_eq(h_migrate_again("attendance"), 0);
    ck_assert_int_eq(stale_doc(b_id), 0);
    char *doc3 = h_sql_str("SELECT doc FROM attendance.leave_requests WHERE id = $1::bigint", 1, p);
    ck_assert_str_eq(doc3, doc);
    char *digest3 = h_sql_str("SELECT digest FROM attendance.leave_doc_built", 0, NULL);
    ck_assert_str_eq(digest3, digest);
    free(digest);
    free(digest2);
    free(digest3);
    free(doc);
    free(doc2);
    free(doc3);
}
END_TEST

/* The demo office's leave requests are written by the demo loader, not by
 * the service: their stored documents must still be what the service
 * builds, times in office time (+08:00) like every other request's. */
START_TEST(test_R_ATT_4_demo_leave_documents_are_stored_in_office_time)
{
    long long demo = h_sql_ll("SELECT count(*) FROM attendance.leave_requests"
                              " WHERE reason LIKE '（演示）%'", 0, NULL);
    ck_assert_int_ge(demo, 2);
    h_sql("SET search_path = attendance");
    h_sql("SET TimeZone = 'Asia/Shanghai'");
    long long stale = h_sql_ll(
        "SELECT count(*) FROM leave_requests l WHERE l.reason LIKE '（演示）%' AND l.doc IS DISTINCT FROM"
        " replace(leave_doc(l, (SELECT coalesce(json_agg(leave_step_doc(s) ORDER BY s.step),"
        "  '[]'::json) FROM leave_steps s WHERE s.request_id = l.id))::text,"
        " '\"overdue\":true', '\"overdue\":false')",
        0, NULL);
    long long utc = h_sql_ll("SELECT count(*) FROM leave_requests"
                             " WHERE reason LIKE '（演示）%' AND doc LIKE '%+00:00%'", 0, NULL);
    h_sql("RESET search_path");
    h_sql("RESET TimeZone");
    ck_assert_int_eq(stale, 0);
    ck_assert_int_eq(utc, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_read_sql");
    TCase *t = tcase_create("read_sql");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    /* first: the other test rebuilds every stored document */
    tcase_add_test(t, test_R_ATT_4_demo_leave_documents_are_stored_in_office_time);
    tcase_add_test(t, test_R_ATT_4_read_definitions_apply_again_and_keep_stored_leave_documents);
    suite_add_tcase(s, t);
    return h_run(s);
}
