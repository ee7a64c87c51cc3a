/* The migration runner (common/migrate.c) against the test database: the
 * numbered files are applied once each; the read definitions of
 * sql/read.sql are applied again, in one transaction (so a broken file
 * changes nothing), at every start that finds the file or the definitions
 * it made changed or applies a migration, and not otherwise. Each test uses a schema of its own. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db.h"
#include "harness.h"
#include "log.h"

static char root[256], schema[64];

static void write_file(const char *rel, const char *text)
{
    const char *path = h_fmt("%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    fputs(text, f);
    fclose(f);
}

static void make_service_dir(void)
{
    snprintf(schema, sizeof schema, "migrate_probe_%d_%ld", (int)getpid(), (long)random());
    const char *tmp = getenv("TMPDIR");
    snprintf(root, sizeof root, "%s/%s", tmp && *tmp ? tmp : "/tmp", schema);
    ck_assert_int_eq(mkdir(root, 0700), 0);
    ck_assert_int_eq(mkdir(h_fmt("%s/migrations", root), 0700), 0);
    ck_assert_int_eq(mkdir(h_fmt("%s/sql", root), 0700), 0);
    h_sql(h_fmt("CREATE SCHEMA %s", schema));
    write_file("migrations/001_things.sql",
               "CREATE TABLE things (id int PRIMARY KEY, name text NOT NULL);"
               "INSERT INTO things VALUES (1, 'first');");
}

static void drop_service_dir(void)
{
    h_sql(h_fmt("DROP SCHEMA IF EXISTS %s CASCADE", schema));
    unlink(h_fmt("%s/migrations/001_things.sql", root));
    unlink(h_fmt("%s/migrations/002_drop_thing_doc.sql", root));
    unlink(h_fmt("%s/sql/read.sql", root));
    rmdir(h_fmt("%s/migrations", root));
    rmdir(h_fmt("%s/sql", root));
    rmdir(root);
}

static int migrate(void)
{
    return db_migrate(getenv("ADMIN_DATABASE_URL"), schema, h_fmt("%s/migrations", root));
}

/* How many times schema_migrations records the migration named version. */
static long long times_recorded(const char *version)
{
    return h_sql_ll(h_fmt("SELECT count(*) FROM %s.schema_migrations WHERE version = '%s'",
                          schema, version),
                    0, NULL);
}

/* The document of thing 1, read as the service reads it: with its schema
 * on the search path. */
static char *shape(void)
{
    h_sql(h_fmt("SET search_path = %s", schema));
    char *v = h_sql_str("SELECT thing_doc(1)::text", 0, NULL);
    h_sql("RESET search_path");
    return v;
}

START_TEST(a_changed_read_file_is_applied_after_the_migrations_at_the_next_start)
{
    make_service_dir();
    write_file("sql/read.sql",
               "CREATE OR REPLACE FUNCTION thing_doc(i int) RETURNS jsonb LANGUAGE sql STABLE AS"
               " $$ SELECT jsonb_build_object('id', id) FROM things WHERE id = i $$;");
    ck_assert_int_eq(migrate(), 0);
    char *v1 = shape();
    ck_assert_str_eq(v1, "{\"id\": 1}");
    free(v1);

    /* the next start applies the file as it is now; the migration is not
     * applied twice (its INSERT would fail on the primary key) */
    write_file("sql/read.sql",
               "CREATE OR REPLACE FUNCTION thing_doc(i int) RETURNS jsonb LANGUAGE sql STABLE AS"
               " $$ SELECT jsonb_build_object('id', id, 'name', name) FROM things"
               " WHERE id = i $$;");
    ck_assert_int_eq(migrate(), 0);
    char *v2 = shape();
    ck_assert_str_eq(v2, "{\"id\": 1, \"name\": \"first\"}");
    free(v2);
    ck_assert_int_eq(times_recorded("001_things.sql"), 1);
    drop_service_dir();
}
END_TEST

#define THING_DOC_ID                                                                      \
    "CREATE OR REPLACE FUNCTION thing_doc(i int) RETURNS jsonb LANGUAGE sql STABLE AS"    \
    " $$ SELECT jsonb_build_object('id', id) FROM things WHERE id = i $$;"

/* When the file was last applied (read_definitions.applied_at), as text. */
static char *applied_at(void)
{
    return h_sql_str(h_fmt("SELECT applied_at::text FROM %s.read_definitions", schema), 0, NULL);
}

/* A start that finds the file it applied last (read_definitions holds its
 * SHA-256) and the definitions it left does not apply it again; a
 * definition changed since (here by hand) is put back, and a changed file
 * is applied. */
START_TEST(an_unchanged_read_file_is_applied_again_only_when_its_definitions_changed)
{
    make_service_dir();
    write_file("sql/read.sql", THING_DOC_ID);
    ck_assert_int_eq(migrate(), 0);
    char *first = applied_at();
    ck_assert_ptr_nonnull(first);
    ck_assert_int_eq(migrate(), 0);
    char *second = applied_at();
    ck_assert_str_eq(second, first);

    h_sql(h_fmt("CREATE OR REPLACE FUNCTION %s.thing_doc(i int) RETURNS jsonb LANGUAGE sql"
                " STABLE AS $$ SELECT jsonb_build_object('by_hand', true) $$",
                schema));
    ck_assert_int_eq(migrate(), 0);
    char *third = applied_at();
    ck_assert_str_ne(third, first);
    char *v1 = shape();
    ck_assert_str_eq(v1, "{\"id\": 1}");

    /* one byte more (a comment) is another file: applied */
    write_file("sql/read.sql", THING_DOC_ID "\n-- the same definitions\n");
    ck_assert_int_eq(migrate(), 0);
    char *fourth = applied_at();
    ck_assert_str_ne(fourth, third);
    ck_assert_int_eq(h_sql_ll(h_fmt("SELECT count(*) FROM %s.read_definitions", schema), 0,
                              NULL),
                     1);
    free(first);
    free(second);
    free(third);
    free(fourth);
    free(v1);
    drop_service_dir();
}
END_TEST

/* A migration that drops a definition the file makes (as one must before a
 * function's result type changes) is followed by the file, unchanged. */
START_TEST(a_migration_applied_at_a_start_applies_the_read_file_again)
{
    make_service_dir();
    write_file("sql/read.sql", THING_DOC_ID);
    ck_assert_int_eq(migrate(), 0);
    write_file("migrations/002_drop_thing_doc.sql", "DROP FUNCTION thing_doc(int);");
    ck_assert_int_eq(migrate(), 0);
    char *v = shape();
    ck_assert_str_eq(v, "{\"id\": 1}");
    free(v);
    ck_assert_int_eq(times_recorded("002_drop_thing_doc.sql"), 1);
    drop_service_dir();
}
END_TEST

START_TEST(a_broken_read_file_fails_the_start_and_changes_nothing)
{
    make_service_dir();
    write_file("sql/read.sql",
               "CREATE OR REPLACE FUNCTION thing_doc(i int) RETURNS jsonb LANGUAGE sql STABLE AS"
               " $$ SELECT jsonb_build_object('id', id) FROM things WHERE id = i $$;");
    ck_assert_int_eq(migrate(), 0);
    /* the first definition changes, then the file fails: neither stays */
    write_file("sql/read.sql",
               "CREATE OR REPLACE FUNCTION thing_doc(i int) RETURNS jsonb LANGUAGE sql STABLE AS"
               " $$ SELECT jsonb_build_object('changed', true) $$;"
               "CREATE VIEW thing_view AS SELECT missing_column FROM things;");
    ck_assert_int_ne(migrate(), 0);
    char *v = shape();
    ck_assert_str_eq(v, "{\"id\": 1}");
    free(v);
    ck_assert_int_eq(h_sql_ll(h_fmt("SELECT count(*) FROM pg_views WHERE schemaname = '%s'",
                                    schema),
                              0, NULL),
                     0);
    drop_service_dir();
}
END_TEST

START_TEST(a_service_without_read_definitions_migrates)
{
    make_service_dir();
    ck_assert_int_eq(migrate(), 0);
    ck_assert_int_eq(h_sql_ll(h_fmt("SELECT count(*) FROM %s.things", schema), 0, NULL), 1);
    drop_service_dir();
}
END_TEST

/* Two services starting at once whose read definitions read each other's
 * views (as every service's read identity's): each replaces its view, then
 * creates a function that reads the other's, which waits for the other's
 * transaction. Unordered, PostgreSQL found a deadlock and one start failed;
 * the read definitions are applied one service at a time, and a deadlock or
 * a lock timeout is tried again. */
typedef struct {
    char schema[64], dir[256];
    int rc;
} peer_t;

static void *peer_migrate(void *arg)
{
    peer_t *p = arg;
    p->rc = db_migrate(getenv("ADMIN_DATABASE_URL"), p->schema, p->dir);
    return NULL;
}

/* Names the peer's schema and directories, makes them and writes its read
 * definitions, which read the other's view. */
static void peer_make(peer_t *p, const char *other_schema)
{
    const char *tmp = getenv("TMPDIR");
    char root_dir[200];
    snprintf(root_dir, sizeof root_dir, "%s/%s", tmp && *tmp ? tmp : "/tmp", p->schema);
    snprintf(p->dir, sizeof p->dir, "%s/migrations", root_dir);
    ck_assert_int_eq(mkdir(root_dir, 0700), 0);
    ck_assert_int_eq(mkdir(p->dir, 0700), 0);
    ck_assert_int_eq(mkdir(h_fmt("%s/sql", root_dir), 0700), 0);
    FILE *f = fopen(h_fmt("%s/sql/read.sql", root_dir), "w");
    ck_assert(f != NULL);
    fprintf(f,
            "CREATE OR REPLACE VIEW %s.names AS SELECT id, name FROM %s.things;\n"
            "SELECT pg_sleep(0.5);\n"
            "CREATE OR REPLACE FUNCTION %s.peer_count() RETURNS bigint LANGUAGE sql"
            " AS 'SELECT count(*) FROM %s.names';\n",
            p->schema, p->schema, p->schema, other_schema);
    fclose(f);
    h_sql(h_fmt("CREATE SCHEMA %s", p->schema));
    h_sql(h_fmt("CREATE TABLE %s.things (id int PRIMARY KEY, name text NOT NULL)", p->schema));
    h_sql(h_fmt("CREATE VIEW %s.names AS SELECT id, name FROM %s.things", p->schema, p->schema));
}

static void peer_drop(peer_t *p)
{
    h_sql(h_fmt("DROP SCHEMA IF EXISTS %s CASCADE", p->schema));
    char *root_dir = strdup(p->dir);
    *strrchr(root_dir, '/') = '\0';
    unlink(h_fmt("%s/sql/read.sql", root_dir));
    rmdir(h_fmt("%s/sql", root_dir));
    rmdir(p->dir);
    rmdir(root_dir);
    free(root_dir);
}

START_TEST(services_starting_at_once_apply_read_definitions_that_read_each_other)
{
    peer_t a = {0}, b = {0};
    long tag = random();
    snprintf(a.schema, sizeof a.schema, "migrate_peer_a_%d_%ld", (int)getpid(), tag);
    snprintf(b.schema, sizeof b.schema, "migrate_peer_b_%d_%ld", (int)getpid(), tag);
    peer_make(&a, b.schema);
    peer_make(&b, a.schema);
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, peer_migrate, &a), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, peer_migrate, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    ck_assert_int_eq(a.rc, 0);
    ck_assert_int_eq(b.rc, 0);
    ck_assert_int_eq(h_sql_ll(h_fmt("SELECT %s.peer_count() + %s.peer_count()", a.schema,
                                    b.schema),
                              0, NULL),
                     0);
    peer_drop(&a);
    peer_drop(&b);
}
END_TEST

int main(void)
{
    srandom((unsigned)getpid());
    log_init("migrate-test");
    Suite *s = suite_create("common_migrate");
    TCase *tc = tcase_create("migrate");
    tcase_set_timeout(tc, 60);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, a_changed_read_file_is_applied_after_the_migrations_at_the_next_start);
    tcase_add_test(tc, an_unchanged_read_file_is_applied_again_only_when_its_definitions_changed);
    tcase_add_test(tc, a_migration_applied_at_a_start_applies_the_read_file_again);
    tcase_add_test(tc, a_broken_read_file_fails_the_start_and_changes_nothing);
    tcase_add_test(tc, a_service_without_read_definitions_migrates);
    tcase_add_test(tc, services_starting_at_once_apply_read_definitions_that_read_each_other);
    suite_add_tcase(s, tc);
    return h_run(s);
}
