/* The migration runner: numbered files applied once each, in order, under
 * an advisory lock; then the service's read definitions (sql/read.sql beside
 * the migrations directory), applied again whenever the file, the
 * definitions it made or the migrations changed. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "config.h"
#include "db_internal.h"
#include "log.h"

/* The migrations of every service's schema, for what common/ itself keeps
 * there. They are applied before the service's own files and recorded in
 * the same schema_migrations under "common/...", so a service never names
 * them. Append only: a new change is a new line. */
static const struct {
    const char *version, *sql;
} common_migrations[] = {
    {"common/001_idempotency_keys.sql",
     /* IF NOT EXISTS: schemas made before this was a migration have it. */
     "CREATE TABLE IF NOT EXISTS idempotency_keys ("
     " user_id bigint NOT NULL, key text NOT NULL, route text NOT NULL,"
     " status int NOT NULL, body text NOT NULL,"
     " created_at timestamptz NOT NULL DEFAULT now(),"
     " PRIMARY KEY (user_id, key));"
     "COMMENT ON TABLE idempotency_keys IS"
     " 'The answer to each create sent with an Idempotency-Key, replayed when the"
     " same caller sends the key again on the same route (common/idem.c).';"},
    {"common/002_idempotency_scope.sql",
     /* A key was matched on the route template alone, so a key reused on
      * /seals/2/handovers replayed the answer of seal 1, and it never
      * expired. Those keys cannot be told apart now: they go. */
     "DELETE FROM idempotency_keys;"
     "ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey,"
     " ADD COLUMN path text NOT NULL, ADD COLUMN body_hash text NOT NULL,"
     " ADD COLUMN expires_at timestamptz NOT NULL,"
     " ADD PRIMARY KEY (user_id, path, key);"
     "CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);"
     "COMMENT ON TABLE idempotency_keys IS"
     " 'The answer to each create sent with an Idempotency-Key, per caller, method and"
     " concrete path, with a hash of the body: the same body again replays the answer,"
     " another body is refused (422); removed after expires_at (common/idem.c).';"},
    {"common/003_read_definitions.sql",
     "CREATE TABLE IF NOT EXISTS read_definitions ("
     " one boolean PRIMARY KEY DEFAULT true CHECK (one),"
     " sha256 text NOT NULL, definitions text NOT NULL,"
     " applied_at timestamptz NOT NULL DEFAULT now());"
     "COMMENT ON TABLE read_definitions IS"
     " 'The SHA-256 of the sql/read.sql last applied and a digest of the schema''s"
     " functions and views it left (common/migrate.c): a start that finds the same file,"
     " the same definitions and no new migration does not apply it again.';"},
};

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs sql; on failure logs it and, when state is not NULL, copies the
 * SQLSTATE there ("" when there is none, as when the connection broke). */
static int exec_state(PGconn *pg, const char *sql, const char *what, char state[6])
{
    PGresult *r = PQexec(pg, sql);
    int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
    if (!ok) {
        log_msg(LOG_ERROR, NULL, "migration %s failed: %s", what,
                r ? PQresultErrorMessage(r) : PQerrorMessage(pg));
        if (state) {
            const char *s = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
            snprintf(state, 6, "%s", s ? s : "");
        }
    }
    PQclear(r);
    return ok ? 0 : -1;
}

static int exec_or_log(PGconn *pg, const char *sql, const char *what)
{
    return exec_state(pg, sql, what, NULL);
}

/* True when the versions read from schema_migrations (one column) hold
 * name. */
static bool recorded(const PGresult *versions, const char *name)
{
    for (int i = 0; i < PQntuples(versions); i++)
        if (!strcmp(PQgetvalue(versions, i, 0), name))
            return true;
    return false;
}

/* Applies one migration named name (its text sql) unless versions (what
 * schema_migrations recorded when the advisory lock was taken) holds it:
 * the text and the record in one transaction. *applied is set when it was
 * applied now. */
static int apply_one(PGconn *pg, const PGresult *versions, const char *name, const char *sql,
                     bool *applied)
{
    if (recorded(versions, name))
        return 0;
    int rc = exec_or_log(pg, "BEGIN", name);
    if (!rc)
        rc = exec_or_log(pg, sql, name);
    if (!rc) {
        const char *params[] = {name};
        PGresult *r = PQexecParams(pg, "INSERT INTO schema_migrations(version) VALUES ($1)", 1,
                                   NULL, params, NULL, NULL, 0);
        rc = (r && PQresultStatus(r) == PGRES_COMMAND_OK) ? 0 : -1;
        PQclear(r);
    }
    rc = (exec_or_log(pg, rc ? "ROLLBACK" : "COMMIT", name) || rc) ? -1 : 0;
    if (!rc) {
        log_msg(LOG_INFO, NULL, "applied migration %s", name);
        *applied = true;
    }
    return rc;
}

static int apply_file(PGconn *pg, const PGresult *versions, const char *dir, const char *name,
                      bool *applied)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char *sql = cfg_read_file("MIGRATIONS_DIR", path, NULL);
    if (!sql)
        return -1;
    int rc = apply_one(pg, versions, name, sql, applied);
    free(sql);
    return rc;
}

/* The read definitions of a service: the SQL functions and views that
 * shape its responses, kept in one file (services/<name>/sql/read.sql)
 * rather than redefined by successive migrations, so that the current shape
 * of a response is in one place. The file is applied whole, in one
 * transaction, after the migrations, at every start that finds it or its
 * definitions changed or applies a migration (apply_reads), so it must be
 * idempotent (CREATE OR REPLACE; a change of a function's result type or
 * of a view's columns needs a migration that drops the old one first). A
 * service without the file has nothing to apply.
 *
 * Services often start together (a rolling restart, make test) while the
 * other copies serve. Creating an SQL function locks the views it reads,
 * some of them another service's (identity's organisation), and replacing
 * a view waits for every transaction reading it: two starts could deadlock
 * on each other's definitions, or one wait without end behind a long
 * transaction. So one advisory lock orders the services' read definitions,
 * a lock not granted within READS_LOCK_TIMEOUT gives up, and a deadlock or
 * a lock timeout rolls back and tries again, a few times with a pause. */
#define READS_LOCK_TIMEOUT "SET LOCAL lock_timeout = '2s'"

/* A digest of what a read file defines in the service's schema
 * (DB_SCHEMA_DEFINITIONS, $1 the schema): a definition changed since the
 * file was applied (by hand, by a restore) changes it, and the next start
 * applies the file again. */
#define DEFINITIONS_DIGEST "SELECT md5(coalesce((" DB_SCHEMA_DEFINITIONS "), ''))"

enum { READS_ATTEMPTS = 6 };

static int apply_reads_once(PGconn *pg, const char *schema, const char *sql, const char *sha,
                            char state[6])
{
    int rc = exec_state(pg, "BEGIN", "sql/read.sql", state);
    if (!rc)
        rc = exec_state(pg, READS_LOCK_TIMEOUT, "sql/read.sql", state);
    if (!rc)
        rc = exec_state(pg, "SELECT pg_advisory_xact_lock(hashtext('oa.read_definitions'))",
                        "sql/read.sql", state);
    if (!rc)
        rc = exec_state(pg, sql, "sql/read.sql", state);
    if (!rc) {
        const char *params[] = {schema, sha};
        PGresult *r = PQexecParams(pg,
                                   "INSERT INTO read_definitions(sha256, definitions)"
                                   " VALUES ($2, (" DEFINITIONS_DIGEST "))"
                                   " ON CONFLICT (one) DO UPDATE SET sha256 = EXCLUDED.sha256,"
                                   " definitions = EXCLUDED.definitions, applied_at = now()",
                                   2, NULL, params, NULL, NULL, 0);
        rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        if (rc)
            log_msg(LOG_ERROR, NULL, "sql/read.sql: cannot record its SHA-256: %s",
                    r ? PQresultErrorMessage(r) : PQerrorMessage(pg));
        PQclear(r);
    }
    return (exec_or_log(pg, rc ? "ROLLBACK" : "COMMIT", "sql/read.sql") || rc) ? -1 : 0;
}

/* True when read_definitions records sha as the file last applied and the
 * schema's definitions are still those it left. */
static bool reads_recorded(PGconn *pg, const char *schema, const char *sha)
{
    const char *params[] = {schema, sha};
    PGresult *r = PQexecParams(pg,
                               "SELECT 1 FROM read_definitions WHERE sha256 = $2"
                               " AND definitions = (" DEFINITIONS_DIGEST ")",
                               2, NULL, params, NULL, NULL, 0);
    bool same = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
    PQclear(r);
    return same;
}

/* Applies sql/read.sql unless no migration was applied now (migrated),
 * read_definitions records the same file (its SHA-256) and the schema's
 * definitions are those it left (DEFINITIONS_DIGEST): a start of an
 * unchanged service does not redefine its functions and views (half of a
 * start-up on a slow machine) nor take the lock that orders the services'
 * definitions, and a definition changed since is still put back. A
 * migration applied now may have dropped a definition the file makes (a
 * result type changed), so the file is applied then. */
static int apply_reads(PGconn *pg, const char *schema, const char *dir, bool migrated)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/../sql/read.sql", dir);
    if (access(path, F_OK))
        return 0;
    size_t len = 0;
    char *sql = cfg_read_file("MIGRATIONS_DIR", path, &len);
    if (!sql)
        return -1;
    unsigned char digest[crypto_hash_sha256_BYTES];
    char sha[crypto_hash_sha256_BYTES * 2 + 1];
    crypto_hash_sha256(digest, (const unsigned char *)sql, len);
    sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
    if (!migrated && reads_recorded(pg, schema, sha)) {
        log_msg(LOG_INFO, NULL,
                "sql/read.sql and the definitions it made unchanged since it was applied"
                " (sha256 %.12s)",
                sha);
        free(sql);
        return 0;
    }
    int rc = -1;
    for (int attempt = 1, wait_ms = 250; attempt <= READS_ATTEMPTS; attempt++, wait_ms *= 2) {
        char state[6] = "";
        rc = apply_reads_once(pg, schema, sql, sha, state);
        /* 40P01 deadlock_detected, 55P03 lock_not_available: try again. */
        if (!rc || (strcmp(state, "40P01") && strcmp(state, "55P03")) ||
            attempt == READS_ATTEMPTS)
            break;
        log_msg(LOG_WARN, NULL, "sql/read.sql: %s (attempt %d), again in %d ms", state, attempt,
                wait_ms);
        struct timespec ts = {wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (!rc)
        log_msg(LOG_INFO, NULL, "applied the read definitions of sql/read.sql");
    free(sql);
    return rc;
}

int db_migrate(const char *conninfo, const char *schema, const char *dir)
{
    char options[200];
    /* Warnings and errors only: the NOTICE that the bookkeeping table is
     * already there (every start) or that an IF EXISTS had nothing to drop
     * is no news to the log. */
    snprintf(options, sizeof options,
             "-c search_path=%s -c TimeZone=Asia/Shanghai -c client_min_messages=warning", schema);
    /* A busy or just-starting server (several copies starting at once, a
     * loaded machine) may miss one connect_timeout: try again for about
     * half a minute, backing off, before giving up. */
    PGconn *pg = db_connect(conninfo, options);
    for (int attempt = 1, wait_ms = 250; PQstatus(pg) != CONNECTION_OK && attempt < 8;
         attempt++, wait_ms = wait_ms < 4000 ? wait_ms * 2 : 4000) {
        log_msg(LOG_WARN, NULL, "migrations: cannot connect (attempt %d, again in %d ms): %s",
                attempt, wait_ms, PQerrorMessage(pg));
        PQfinish(pg);
        struct timespec ts = {wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        pg = db_connect(conninfo, options);
    }
    if (PQstatus(pg) != CONNECTION_OK) {
        log_msg(LOG_ERROR, NULL, "migrations: cannot connect: %s", PQerrorMessage(pg));
        PQfinish(pg);
        return -1;
    }
    int rc = -1;
    char **names = NULL;
    size_t n = 0;
    PGresult *versions = NULL;
    const char *params[] = {schema};
    PGresult *r = PQexecParams(pg, "SELECT pg_advisory_lock(hashtext('oa.migrate.' || $1))", 1,
                               NULL, params, NULL, NULL, 0);
    bool locked = r && PQresultStatus(r) == PGRES_TUPLES_OK;
    PQclear(r);
    if (!locked) {
        log_msg(LOG_ERROR, NULL, "migrations: advisory lock: %s", PQerrorMessage(pg));
        goto cleanup;
    }
    if (exec_or_log(pg,
                    "CREATE TABLE IF NOT EXISTS schema_migrations ("
                    " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());",
                    "bookkeeping"))
        goto cleanup;
    /* Read once: under the lock no other copy of the service migrates. */
    versions = PQexec(pg, "SELECT version FROM schema_migrations");
    if (!versions || PQresultStatus(versions) != PGRES_TUPLES_OK) {
        log_msg(LOG_ERROR, NULL, "cannot read schema_migrations: %s", PQerrorMessage(pg));
        goto cleanup;
    }
    bool migrated = false;
    for (size_t i = 0; i < sizeof common_migrations / sizeof *common_migrations; i++)
        if (apply_one(pg, versions, common_migrations[i].version, common_migrations[i].sql,
                      &migrated))
            goto cleanup;
    DIR *d = opendir(dir);
    if (!d) {
        log_msg(LOG_ERROR, NULL, "migrations: cannot open %s: %s", dir, strerror(errno));
        goto cleanup;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".sql"))
            continue;
        char **nn = realloc(names, (n + 1) * sizeof *names);
        if (!nn)
            break;
        names = nn;
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n) /* qsort wants an array, even of none */
        qsort(names, n, sizeof *names, cmp_names);
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = apply_file(pg, versions, dir, names[i], &migrated);
    if (rc == 0)
        rc = apply_reads(pg, schema, dir, migrated);
cleanup:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    PQclear(versions);
    PQfinish(pg); /* also releases the advisory lock */
    return rc;
}
