/* Identity's read definitions (services/identity/sql/read.sql)
 * on a database that already has them, as at every start after the first:
 * they apply again without error and change nothing. A user's documents
 * are stored with the row (users.doc and doc_no_phone, migration 010), so
 * they must stay what user_doc builds. */
#include <stdlib.h>

#include "db.h"
#include "harness.h"

/* The stored documents of user `name` that differ from what user_doc builds
 * now, read as the service reads them: its schema on the search path,
 * times in office time. */
static long long stale_docs(const char *name)
{
    const char *p[] = {name};
    h_sql("SET search_path = identity");
    h_sql("SET TimeZone = 'Asia/Shanghai'");
    long long n = h_sql_ll("SELECT (u.doc::text IS DISTINCT FROM user_doc(u, true)::text)::int"
                           " + (u.doc_no_phone::text IS DISTINCT FROM user_doc(u, false)::text)::int"
                           " FROM users u WHERE u.username = $1",
                           1, p);
    h_sql("RESET search_path");
    h_sql("RESET TimeZone");
    return n;
}

START_TEST(read_definitions_apply_again_and_keep_stored_user_documents)
{
    const char *p[] = {"zonghe1"};
    ck_assert_int_eq(stale_docs("zonghe1"), 0);
    char *doc = h_sql_str("SELECT doc::text || doc_no_phone::text FROM identity.users"
                          " WHERE username = $1", 1, p);
    ck_assert_ptr_nonnull(doc);
    char *defs = h_schema_definitions("identity");
    ck_assert_ptr_nonnull(defs);

    ck_assert_int_eq(h_migrate_again("identity"), 0);
    ck_assert_int_eq(h_migrate_again("identity"), 0);
    char *doc2 = h_sql_str("SELECT doc::text || doc_no_phone::text FROM identity.users"
                           " WHERE username = $1", 1, p);
    ck_assert_str_eq(doc2, doc);
    ck_assert_int_eq(stale_docs("zonghe1"), 0);
    char *defs2 = h_schema_definitions("identity");
    ck_assert_str_eq(defs2, defs);
    free(doc);
    free(doc2);
    free(defs);
    free(defs2);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("identity_read_sql");
    TCase *t = tcase_create("read_sql");
    tcase_set_timeout(t, 120);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, read_definitions_apply_again_and_keep_stored_user_documents);
    suite_add_tcase(s, t);
    return h_run(s);
}
