/* Migrations: applied in order, each once, even when several copies of a
 * service start together (advisory lock). Uses the test cluster. */
#include <check.h>
#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "log.h"
#include "scratch_db.h"
#include "unit_run.h"

static char dir[256];

static void write_file(const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void setup(void)
{
    scratch_open("migtest");
    snprintf(dir, sizeof dir, "/tmp/oa-migrations-%d", (int)getpid());
    mkdir(dir, 0700);
}

static void teardown(void)
{
    scratch_close();
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static void *migrate(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)db_migrate(scratch_url, scratch_schema, dir);
}

START_TEST(copies_starting_together_apply_each_file_once)
{
    /* 002 would fail on a second run (duplicate key), so any double
     * application shows */
    write_file("001_table.sql", "CREATE TABLE t (id int PRIMARY KEY, note text);");
    write_file("002_row.sql", "INSERT INTO t VALUES (1, 'once'); SELECT pg_sleep(0.2);");
    write_file("README", "not a migration");
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, migrate, NULL);
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(th[i], &rc);
        ck_assert_int_eq((int)(intptr_t)rc, 0);
    }
    char q[200];
    snprintf(q, sizeof q, "SELECT count(*) FROM %s.t", scratch_schema);
    ck_assert_int_eq(scratch_ll(q), 1);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM %s.schema_migrations WHERE version NOT LIKE 'common/%%'",
             scratch_schema);
    ck_assert_int_eq(scratch_ll(q), 2);
}
END_TEST

START_TEST(a_failing_migration_changes_nothing_and_stops)
{
    write_file("001_table.sql", "CREATE TABLE t (id int PRIMARY KEY);");
    write_file("002_bad.sql", "CREATE TABLE u (id int); SELECT no_such_function();");
    write_file("003_later.sql", "CREATE TABLE v (id int);");
    ck_assert_int_eq(db_migrate(scratch_url, scratch_schema, dir), -1);
    char q[300];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s'"
             " AND table_name IN ('t', 'u', 'v')",
             scratch_schema);
    ck_assert_int_eq(scratch_ll(q), 1); /* t only: 002 rolled back, 003 never ran */
    snprintf(q, sizeof q,
             "SELECT count(*) FROM %s.schema_migrations WHERE version NOT LIKE 'common/%%'",
             scratch_schema);
    ck_assert_int_eq(scratch_ll(q), 1);
}
END_TEST

START_TEST(common_migrations_make_the_idempotency_table_once)
{
    write_file("001_table.sql", "CREATE TABLE t (id int PRIMARY KEY);");
    ck_assert_int_eq(db_migrate(scratch_url, scratch_schema, dir), 0);
    ck_assert_int_eq(db_migrate(scratch_url, scratch_schema, dir), 0);
    char q[300];
    snprintf(q, sizeof q,
             "SELECT count(*) FROM %s.schema_migrations WHERE version LIKE 'common/%%'", scratch_schema);
    /* 001 (the table), 002 (its scope) and 003 (read_definitions), each once */
    ck_assert_int_eq(scratch_ll(q), 3);
    snprintf(q, sizeof q,
             "SELECT count(*) FROM information_schema.tables WHERE table_schema = '%s'"
             " AND table_name = 'idempotency_keys'",
             scratch_schema);
    ck_assert_int_eq(scratch_ll(q), 1);
}
END_TEST

int main(void)
{
    log_init("test");
    Suite *s = suite_create("migrate");
    TCase *tc = tcase_create("migrate");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, copies_starting_together_apply_each_file_once);
    tcase_add_test(tc, a_failing_migration_changes_nothing_and_stops);
    tcase_add_test(tc, common_migrations_make_the_idempotency_table_once);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
