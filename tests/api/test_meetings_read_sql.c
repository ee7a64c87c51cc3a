/* Meetings' read definitions (services/meetings/sql/read.sql) on a
 * database that already has them, as at every start after the first: they
 * apply again without error and leave every function and view (the
 * published meeting_attendance and published_decisions included) as they
 * were. */
#include <stdlib.h>

#include "db.h"
#include "harness.h"

/* Every function and view of schema s, as PostgreSQL prints them. */
static char *definitions(const char *s)
{
    const char *p[] = {s};
    return h_sql_str(
        "SELECT string_agg(d, E'\\n' ORDER BY d) FROM ("
        " SELECT pg_get_functiondef(f.oid) AS d FROM pg_proc f"
        "  WHERE f.pronamespace = $1::regnamespace AND f.prokind = 'f'"
        " UNION ALL SELECT c.relname || ': ' || pg_get_viewdef(c.oid) || coalesce(c.relacl::text, '')"
        "  FROM pg_class c WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'v') x",
        1, p);
}

/* The next start of a service: the migrations (none left to apply) and
 * read.sql, as the service applies them. */
static int start_again(const char *svc)
{
    return db_migrate(getenv("ADMIN_DATABASE_URL"), svc,
                      h_fmt("services/%s/migrations", svc));
}

START_TEST(read_definitions_apply_again_unchanged)
{
    char *defs = definitions("meetings");
    ck_assert_ptr_nonnull(defs);
    ck_assert_int_eq(start_again("meetings"), 0);
    ck_assert_int_eq(start_again("meetings"), 0);
    char *defs2 = definitions("meetings");
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
