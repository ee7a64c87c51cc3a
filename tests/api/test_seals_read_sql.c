/* Seals' read definitions (services/seals/sql/read.sql) on a database that
 * already has them, as at every start after the first: they apply again
 * without error and change nothing (the functions' definitions, settings,
 * comments and grants, and the published view), a definition changed by
 * hand since is put back, and every function of the schema but the
 * triggers' is defined there, so that a response's shape is in one file. */
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "harness.h"

START_TEST(read_definitions_apply_again_and_change_nothing)
{
    char *before = h_schema_definitions("seals");
    ck_assert_ptr_nonnull(before);
    ck_assert_ptr_nonnull(strstr(before, "seal_request_doc"));
    ck_assert_ptr_nonnull(strstr(before, "plan_cache_mode=force_generic_plan"));
    ck_assert_int_eq(h_migrate_again("seals"), 0);
    char *again = h_schema_definitions("seals");
    ck_assert_str_eq(again, before);

    /* a definition changed since (here by hand) is put back as read.sql
     * says, settings and all */
    h_sql("CREATE OR REPLACE FUNCTION seals.letter_visible(l seals.intro_letters, s seals.seals,"
          " viewer bigint, privileged boolean) RETURNS boolean LANGUAGE sql STABLE AS"
          " 'SELECT false'");
    h_sql("ALTER FUNCTION seals.eligible_approvers(text, seals.seals) RESET plan_cache_mode");
    char *changed = h_schema_definitions("seals");
    ck_assert_str_ne(changed, before);
    ck_assert_int_eq(h_migrate_again("seals"), 0);
    char *restored = h_schema_definitions("seals");
    ck_assert_str_eq(restored, before);
    free(before);
    free(again);
    free(changed);
    free(restored);
}
END_TEST

START_TEST(every_function_but_the_triggers_is_in_read_sql)
{
    FILE *f = fopen("services/seals/sql/read.sql", "rb");
    ck_assert_ptr_nonnull(f);
    static char text[65536];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *names = h_sql_str("SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p"
                            " WHERE p.pronamespace = 'seals'::regnamespace"
                            " AND p.prorettype <> 'trigger'::regtype",
                            0, NULL);
    ck_assert_ptr_nonnull(names);
    int seen = 0;
    for (char *save = NULL, *name = strtok_r(names, ",", &save); name;
         name = strtok_r(NULL, ",", &save), seen++) {
        char decl[200];
        snprintf(decl, sizeof decl, "CREATE OR REPLACE FUNCTION %s(", name);
        ck_assert_msg(strstr(text, decl), "seals.%s is not defined in sql/read.sql", name);
    }
    ck_assert_int_ge(seen, 10);
    ck_assert_ptr_nonnull(strstr(text, "CREATE OR REPLACE VIEW document_stamps AS"));
    free(names);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("seals_read_sql");
    TCase *t = tcase_create("read_sql");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, read_definitions_apply_again_and_change_nothing);
    tcase_add_test(t, every_function_but_the_triggers_is_in_read_sql);
    suite_add_tcase(s, t);
    return h_run(s);
}
