/* Meetings' read definitions (services/meetings/sql/read.sql) on a
 * database that already has them, as at every start after the first: they
 * apply again without error and leave every function and view (the
 * published meeting_attendance and published_decisions included) as they
 * were. */
#include <stdlib.h>

#include "db.h"
#include "harness.h"

START_TEST(read_definitions_apply_again_unchanged)
{
    char *defs = h_schema_definitions("meetings");
    ck_assert_ptr_nonnull(defs);
    ck_assert_int_eq(h_migrate_again("meetings"), 0);
    ck_assert_int_eq(h_migrate_again("meetings"), 0);
    char *defs2 = h_schema_definitions("meetings");
    ck_assert_str_eq(defs2, defs);
    free(defs);
    free(defs2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_read_sql");
    TCase *t = tcase_create("read_sql");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, read_definitions_apply_again_unchanged);
    suite_add_tcase(s, t);
    return h_run(s);
}
