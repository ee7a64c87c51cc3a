/* The supervision report (督办, R-MTG-9): every published decision's status
 * for the directors, with a traffic light, filters and a CSV export. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit.h"
#include "log.h"
#include "export.h"
#include "org.h"
#include "meetings.h"
#include "textbuf.h"

static const char *const lights[] = {"red", "yellow", "green", "done", NULL};
static const char *const categories[] = {"general", "personnel", "finance", "other", NULL};

/* The filters every statement of the report shares: $1 viewer, $2 light,
 * $3 responsible, $4 department, $5 category, $6 meeting, $7 deadline from,
 * $8 deadline to. Confidential decisions only for their participants
 * (R-MTG-8). */
#define REPORT_WHERE                                                                        \
    " d.state IN ('published', 'in_progress', 'completed')"                                 \
    " AND ($2::text IS NULL OR decision_light(d) = $2)"                                     \
    " AND ($3::bigint IS NULL OR d.responsible_id = $3)"                                    \
    " AND ($4::bigint IS NULL OR d.department_id = $4)"                                     \
    " AND ($5::text IS NULL OR d.category = $5)"                                            \
    " AND ($6::bigint IS NULL OR d.meeting_id = $6)"                                        \
    " AND d.deadline BETWEEN $7::date AND $8::date"                                         \
    " AND (NOT d.confidential OR is_participant(d.meeting_id, $1::bigint))"

/* decision_light(d) = '<light>' written over the decision's columns, so
 * that each light's page is read through an index that holds it and the
 * planner sees how many rows it keeps (the function's result is opaque to
 * it): done through decisions_done, the others through decisions_open, both
 * by id. The office's day, three days on and fourteen days back are each
 * worked out once a statement (a sub-select without columns of the row is
 * an initial plan), not for every decision a page passes over.
 * test_R_MTG_9_report_lights reads each light both ways. */
#define OFFICE_TODAY "(SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date)"
#define OFFICE_SOON "(SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date + 3)"
#define FORTNIGHT_AGO "(SELECT now() - interval '14 days')"
#define OPEN_STATE " d.state IN ('published', 'in_progress')"
#define ACTIVITY "coalesce(d.last_progress_at, d.published_at)"
#define LIGHT_ANY " d.state IN ('published', 'in_progress', 'completed')"
#define LIGHT_DONE " d.state = 'completed'"
#define LIGHT_RED OPEN_STATE " AND d.deadline < " OFFICE_TODAY
#define LIGHT_YELLOW                                                                        \
    OPEN_STATE " AND d.deadline >= " OFFICE_TODAY " AND (d.deadline <= " OFFICE_SOON       \
               " OR " ACTIVITY " < " FORTNIGHT_AGO ")"
#define LIGHT_GREEN                                                                         \
    OPEN_STATE " AND d.deadline > " OFFICE_SOON " AND " ACTIVITY " >= " FORTNIGHT_AGO
/* decision_light(d) over the same constants, for a row's own light. */
#define LIGHT_OF_ROW                                                                        \
    "CASE WHEN d.state = 'completed' THEN 'done' WHEN d.deadline < " OFFICE_TODAY            \
    " THEN 'red' WHEN d.deadline <= " OFFICE_SOON " OR " ACTIVITY " < " FORTNIGHT_AGO        \
    " THEN 'yellow' ELSE 'green' END"

#define REPORT_ITEM                                                                         \
    " json_build_object('decision_id', d.id, 'meeting_id', d.meeting_id,"                   \
    " 'meeting_title', m.title, 'meeting_kind', m.kind,"                                    \
    " 'meeting_date', (m.scheduled_at AT TIME ZONE 'Asia/Shanghai')::date,"                 \
    " 'text', d.text, 'category', d.category, 'confidential', d.confidential,"              \
    " 'responsible_id', d.responsible_id, 'responsible_name', rp.display_name," \
    " 'department_id', d.department_id, 'deadline', d.deadline, 'requirements', d.requirements," \
    " 'state', d.state, 'light', decision_light(d),"                                        \
    " 'days_overdue', greatest(0, (now() AT TIME ZONE 'Asia/Shanghai')::date - d.deadline)" \
    "   * (d.state <> 'completed')::int,"                                                   \
    " 'progress_count', d.progress_count, 'last_progress_at', d.last_progress_at,"          \
    " 'last_progress_note', d.last_progress_note, 'completed_at', d.completed_at,"          \
    " 'overdue_at', d.overdue_at, 'proposed_topic_id', d.proposed_topic_id)"

/* The same item as plain columns, named as the item's members, for pages
 * answered as JSON: the service writes each item (write_item), which costs
 * PostgreSQL a fraction of json_build_object's per-value type lookups and
 * formatting. The light and the days overdue are worked out from the
 * office's day read once a statement (OFFICE_TODAY), not from
 * decision_light(d), which converts now() to the office's time zone twice
 * for every row. */
#define REPORT_COLUMNS                                                                      \
    " d.id AS decision_id, d.meeting_id, m.title AS meeting_title, m.kind AS meeting_kind,"  \
    " (m.scheduled_at AT TIME ZONE 'Asia/Shanghai')::date AS meeting_date, d.text,"          \
    " d.category, d.confidential, d.responsible_id, rp.display_name AS responsible_name,"    \
    " d.department_id, d.deadline, d.requirements, d.state, " LIGHT_OF_ROW " AS light,"   \
    " greatest(0, " OFFICE_TODAY " - d.deadline) * (d.state <> 'completed')::int"           \
    "   AS days_overdue,"                                                                   \
    " d.progress_count, d.last_progress_at, d.last_progress_note, d.completed_at,"           \
    " d.overdue_at, d.proposed_topic_id"

/* The responsible person's name through a join, not person_name(): a SQL
 * function with a FROM is called row by row and never inlined. */
static const db_stmt Q_REPORT_PAGE = {
    "mtg_report_page",
    "SELECT" REPORT_COLUMNS " FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
    " LEFT JOIN identity.org_people rp ON rp.id = d.responsible_id"
    " WHERE" REPORT_WHERE " AND " PAGE_BEFORE("d.id", "$9")
    " ORDER BY d.id DESC LIMIT $10"};

/* The export: each row's item as JSON (reply_csv_docs). */
static const db_stmt Q_REPORT_CSV = {
    "mtg_report_csv",
    "SELECT d.id AS decision_id," REPORT_ITEM " AS doc, d.confidential FROM decisions d"
    " JOIN meetings m ON m.id = d.meeting_id"
    " LEFT JOIN identity.org_people rp ON rp.id = d.responsible_id"
    " WHERE" REPORT_WHERE " AND " PAGE_BEFORE("d.id", "$9")
    " ORDER BY d.id DESC LIMIT $10"};

/* The report read whole or by light, category and department, with plans
 * made once: one statement a light, with or without a department and a
 * category, each a page of the newest first and, in the same round trip,
 * the counts by light of the confidential decisions the caller may see
 * (R-MTG-8), which depend on the caller and are read every time (partial
 * index decisions_confidential); the others' counts are kept (below).
 * Written so that the generic plan is kept: the scan's bound is a constant
 * (PAGE_SCAN_LIMIT), so the estimate is a page; the cursor is read in an
 * initial subquery and a filter left out is a constant test of its
 * parameter, so that a custom plan (planned again on every call, longer
 * than the page takes) never looks cheaper. That test stands in the counts
 * alone: in the page it would be a condition over all of its joins, and
 * PostgreSQL would then keep the join of identity.org_people to the
 * departments, which nothing reads, for every row. The page and a row of
 * the counts (decision_id NULL, so always one row at least) are one UNION
 * ALL in decision_id order: the page is read in that order, and with the
 * counts' columns of the page's types (ITEM_NULLS) the two are merged
 * rather than sorted. $1 viewer, $2 category, $3 cursor, $4 limit, $5
 * department. rows is PAGE_ROWS or PAGE_BY_IDS; page_dept and
 * page_category are the page's filters. */
#define REPORT_KEPT(light, dept, category, page_dept, page_category, rows)                  \
    "SELECT NULL::bigint AS red, NULL::bigint AS yellow, NULL::bigint AS green,"            \
    " NULL::bigint AS done, x.* FROM (SELECT p.* FROM (SELECT" REPORT_COLUMNS               \
    rows(light, page_dept, page_category) ") p ORDER BY p.decision_id DESC LIMIT $4) x"     \
    " UNION ALL SELECT count(*) FILTER (WHERE l = 'red'), count(*) FILTER (WHERE l = 'yellow')," \
    " count(*) FILTER (WHERE l = 'green'), count(*) FILTER (WHERE l = 'done')," ITEM_NULLS    \
    " FROM (SELECT " LIGHT_OF_ROW " AS l FROM decisions d WHERE" light " AND d.confidential" \
    category dept " AND is_participant(d.meeting_id, $1::bigint)) s ORDER BY decision_id DESC"

/* An item of REPORT_COLUMNS with every column NULL, of the same types. */
#define ITEM_NULLS                                                                          \
    " NULL::bigint, NULL::bigint, NULL::text, NULL::text, NULL::date, NULL::text,"          \
    " NULL::text, NULL::boolean, NULL::bigint, NULL::text, NULL::bigint, NULL::date,"       \
    " NULL::text, NULL::text, NULL::text, NULL::integer, NULL::integer, NULL::timestamptz,"  \
    " NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::bigint"

/* The page's decisions that the filters keep and the reader may see,
 * newest first from the cursor on. */
#define PAGE_KEPT(light, dept, category)                                                    \
    " WHERE" light category dept                                                            \
    " AND (NOT d.confidential OR is_participant(d.meeting_id, $1::bigint))"                 \
    " AND d.id < (SELECT coalesce($3::bigint, " PAGE_NO_CURSOR "))"                         \
    " ORDER BY d.id DESC LIMIT " PAGE_SCAN_LIMIT
#define PAGE_JOINS                                                                          \
    " JOIN meetings m ON m.id = d.meeting_id"                                               \
    " LEFT JOIN identity.org_people rp ON rp.id = d.responsible_id"
/* The rows read as they are found. */
#define PAGE_ROWS(light, dept, category)                                                    \
    " FROM decisions d" PAGE_JOINS PAGE_KEPT(light, dept, category)
/* The page of a light most open decisions do not have (yellow, green): the
 * ids first, from the index alone (decisions_open and
 * decisions_department_open hold every column a light and the right to see
 * are read from, migration 010), then only the rows shown. A green page
 * otherwise read the table row by row back to the last decisions with
 * recent activity (a few thousand rows in a report of 10^5), and a
 * department's green page every open decision of the department. Red, half
 * of them, finds its page as soon through the rows themselves. The ids are
 * cut to the page's length before the join, so that however the join is
 * planned (a hash join and a sort on a small table) it reads no more than a
 * page. */
#define PAGE_BY_IDS(light, dept, category)                                                  \
    " FROM (SELECT o.id FROM (SELECT d.id FROM decisions d" PAGE_KEPT(light, dept, category) \
    ") o ORDER BY o.id DESC LIMIT $4) k JOIN decisions d ON d.id = k.id" PAGE_JOINS          \
    " ORDER BY d.id DESC"

#define ANY_DEPARTMENT " AND $5::bigint IS NULL"
#define ONE_DEPARTMENT " AND d.department_id = $5"
#define ANY_CATEGORY " AND $2::text IS NULL"
#define ONE_CATEGORY " AND d.category = $2"
#define REPORT_KEPT_STMTS(name, light, rows)                                                \
    {{{"mtg_report_" name,                                                                  \
       REPORT_KEPT(light, ANY_DEPARTMENT, ANY_CATEGORY, "", "", rows)},                     \
      {"mtg_report_" name "_c",                                                             \
       REPORT_KEPT(light, ANY_DEPARTMENT, ONE_CATEGORY, "", ONE_CATEGORY, rows)}},          \
     {{"mtg_report_" name "_d",                                                             \
       REPORT_KEPT(light, ONE_DEPARTMENT, ANY_CATEGORY, ONE_DEPARTMENT, "", rows)},         \
      {"mtg_report_" name "_dc",                                                            \
       REPORT_KEPT(light, ONE_DEPARTMENT, ONE_CATEGORY, ONE_DEPARTMENT, ONE_CATEGORY, rows)}}}

/* By light (none, then lights[] order), department, category. */
static const db_stmt Q_REPORT_KEPT[5][2][2] = {
    REPORT_KEPT_STMTS("any", LIGHT_ANY, PAGE_ROWS),
    REPORT_KEPT_STMTS("red", LIGHT_RED, PAGE_ROWS),
    REPORT_KEPT_STMTS("yellow", LIGHT_YELLOW, PAGE_BY_IDS),
    REPORT_KEPT_STMTS("green", LIGHT_GREEN, PAGE_BY_IDS),
    REPORT_KEPT_STMTS("done", LIGHT_DONE, PAGE_ROWS)};

/* Every count by light, now, for the filters of REPORT_WHERE. */
static const db_stmt Q_REPORT_TOTALS = {
    "mtg_report_totals",
    "SELECT count(*) FILTER (WHERE l = 'red') AS red, count(*) FILTER (WHERE l = 'yellow') AS yellow,"
    " count(*) FILTER (WHERE l = 'green') AS green, count(*) FILTER (WHERE l = 'done') AS done,"
    " to_json(now()) AS generated_at"
    " FROM (SELECT decision_light(d) AS l FROM decisions d WHERE" REPORT_WHERE ") s"};

static const char *const light_columns[] = {"red", "yellow", "green", "done"};

/* ---------- the totals of the whole report ----------
 *
 * The totals count every decision the filters keep, so reading them is a
 * pass over the whole table (100 000 decisions: tens of milliseconds, most
 * of a report's time). The report is mostly read whole or by light,
 * department and category, so the non-confidential decisions' counts by
 * (department, category, light) are counted at most every TOTALS_TTL_MS
 * across the copies of the service (report_counts() of migration 003),
 * kept here until they are that old and summed for such a request; the
 * confidential decisions' counts, which depend on the viewer, are read
 * every time. "generated_at" is then when the kept counts were counted, at
 * most about TOTALS_TTL_MS ago (the lights themselves move with the day; a
 * decision changed meanwhile shows in the items at once and in the totals
 * within that time). A report filtered by person, meeting or deadline
 * reads its totals every time.
 *
 * The counts are made by a thread of their own (report_totals_start): the
 * first at the start, the next ones when woken by the first request that
 * finds the counts TOTALS_TTL_MS old, which answers with the counts kept
 * meanwhile (or waits for the count when they are TOTALS_STALE_MS old or
 * there are none yet, so that what it answers is never much older than
 * the time to live); a request counts only when the thread could not be
 * started, or when a count fails or outlasts the wait. The count is a pass over every decision (27 ms
 * of backend CPU at 10^5, 150-950 ms on a loaded machine), and a request
 * that made it held its HTTP thread, and every keep-alive connection that
 * thread serves, that long (tests/bench/RESULTS.md, round two). */
#define TOTALS_TTL_MS 3000
/* How soon a copy asks again when another copy was counting. */
#define TOTALS_RETRY_MS 200
/* Kept counts this old are not answered while a count runs: the request
 * waits for it, at most TOTALS_WAIT_S, then counts itself. */
#define TOTALS_STALE_MS (2 * TOTALS_TTL_MS)
#define TOTALS_WAIT_S 5

static const db_stmt Q_REPORT_GROUPS = {
    "mtg_report_groups", "SELECT * FROM report_counts(($1::bigint * interval '1 millisecond'))"};

typedef struct totals_group {
    long long department_id; /* 0: none */
    int category, light;     /* indexes in categories[] and lights[] */
    long long n;
} totals_group;

static struct {
    pthread_mutex_t mu;
    pthread_cond_t wake;    /* the counting thread: wanted or stopping */
    pthread_cond_t counted; /* a count is over (kept.refreshing went false) */
    totals_group *g;
    size_t n;
    char generated_at[64];
    struct timespec at;
    bool valid, refreshing;
    /* The counting thread: running, asked to count, asked to stop. */
    bool counter, wanted, stop;
    pthread_t thread;
    db_pool *db;
} kept = {.mu = PTHREAD_MUTEX_INITIALIZER,
           .wake = PTHREAD_COND_INITIALIZER,
           .counted = PTHREAD_COND_INITIALIZER};

static int index_of(const char *const *list, const char *v)
{
    for (int i = 0; list[i]; i++)
        if (!strcmp(list[i], v))
            return i;
    return -1;
}

static long long ms_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - t->tv_sec) * 1000LL + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* Keeps the counts by (department, category, light) of res (report_counts()),
 * or, when res is NULL or memory ran out, what was kept; either way the
 * count is over. Clears res. */
static void totals_keep(PGresult *res)
{
    if (!res) {
        pthread_mutex_lock(&kept.mu);
        kept.refreshing = false;
        pthread_cond_broadcast(&kept.counted);
        pthread_mutex_unlock(&kept.mu);
        return;
    }
    int rows = PQntuples(res);
    totals_group *g = calloc(rows ? (size_t)rows : 1, sizeof *g);
    size_t n = 0;
    for (int i = 0; g && i < rows; i++) {
        if (db_col_null(res, i, "n"))
            continue;
        int c = index_of(categories, db_col_str(res, i, "category"));
        int l = index_of(lights, db_col_str(res, i, "light"));
        if (c < 0 || l < 0)
            continue;
        g[n++] = (totals_group){db_col_ll(res, i, "department_id"), c, l, db_col_ll(res, i, "n")};
    }
    pthread_mutex_lock(&kept.mu);
    if (g && rows) {
        free(kept.g);
        kept.g = g;
        kept.n = n;
        snprintf(kept.generated_at, sizeof kept.generated_at, "%s",
                 db_col_str(res, 0, "generated_at"));
        /* Kept until the counts are TOTALS_TTL_MS old; when they already
         * are (another copy is counting), asked again soon. */
        long long age = db_col_ll(res, 0, "age_ms");
        if (age < 0)
            age = 0;
        if (age >= TOTALS_TTL_MS)
            age = TOTALS_TTL_MS - TOTALS_RETRY_MS;
        clock_gettime(CLOCK_MONOTONIC, &kept.at);
        kept.at.tv_sec -= age / 1000;
        kept.at.tv_nsec -= (age % 1000) * 1000000;
        if (kept.at.tv_nsec < 0) {
            kept.at.tv_nsec += 1000000000;
            kept.at.tv_sec--;
        }
        kept.valid = true;
        g = NULL;
    }
    kept.refreshing = false;
    pthread_cond_broadcast(&kept.counted);
    pthread_mutex_unlock(&kept.mu);
    free(g);
    PQclear(res);
}

/* The first count, by a request. Returns 0, or -1 when the statement
 * failed (a problem was sent). */
static int totals_refresh(req_t *r)
{
    char ttl[24];
    const char *params[] = {db_int(ttl, TOTALS_TTL_MS)};
    PGresult *res = db_read_or_reply(r, &Q_REPORT_GROUPS, 1, params);
    totals_keep(res);
    return res ? 0 : -1;
}

/* The counting thread: counts whenever a request asks (totals_from_kept),
 * with a connection of the pool; a failure is logged and the next request
 * that finds the counts old asks again. */
static void *totals_counter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&kept.mu);
    for (;;) {
        while (!kept.stop && !kept.wanted)
            pthread_cond_wait(&kept.wake, &kept.mu);
        if (kept.stop)
            break;
        kept.wanted = false;
        pthread_mutex_unlock(&kept.mu);
        char ttl[24];
        const char *params[] = {db_int(ttl, TOTALS_TTL_MS)};
        PGresult *res = NULL;
        db_conn *c = db_acquire(kept.db, 2000);
        if (c) {
            res = db_exec(c, &Q_REPORT_GROUPS, 1, params);
            if (res && PQresultStatus(res) != PGRES_TUPLES_OK) {
                log_msg(LOG_WARN, "meetings-report", "counting the report's totals: %s",
                        PQresultErrorMessage(res));
                PQclear(res);
                res = NULL;
            }
            db_release(kept.db, c);
        }
        totals_keep(res);
        pthread_mutex_lock(&kept.mu);
    }
    pthread_mutex_unlock(&kept.mu);
    return NULL;
}

int report_totals_start(service_t *svc)
{
    pthread_mutex_lock(&kept.mu);
    kept.db = svc->db;
    kept.stop = false;
    /* The first count is the thread's too, made at once, so that the
     * requests that come before it is over wait for it (totals_from_kept)
     * instead of each counting every decision. */
    kept.wanted = kept.refreshing = true;
    kept.counter = pthread_create(&kept.thread, NULL, totals_counter, NULL) == 0;
    if (!kept.counter)
        kept.wanted = kept.refreshing = false;
    bool ok = kept.counter;
    pthread_mutex_unlock(&kept.mu);
    if (!ok)
        log_msg(LOG_ERROR, NULL, "cannot start the thread that counts the report's totals");
    return ok ? 0 : -1;
}

void report_totals_stop(void)
{
    pthread_mutex_lock(&kept.mu);
    bool running = kept.counter;
    kept.stop = true;
    pthread_cond_signal(&kept.wake);
    pthread_mutex_unlock(&kept.mu);
    if (running)
        pthread_join(kept.thread, NULL);
    pthread_mutex_lock(&kept.mu);
    kept.counter = false;
    pthread_mutex_unlock(&kept.mu);
}

/* Sums the kept counts that the filters keep into out[4] (by light) and
 * copies their time. 1: done; 0: nothing kept yet; -1: a problem was sent. */
static int totals_from_kept(req_t *r, const char *light, bool has_dept, long long dept,
                            const char *category, long long out[4], char *generated_at,
                            size_t size)
{
    bool refresh = false;
    pthread_mutex_lock(&kept.mu);
    if ((!kept.valid || ms_since(&kept.at) >= TOTALS_TTL_MS) && !kept.refreshing) {
        kept.refreshing = true;
        if (kept.counter) {
            /* Counted again by the thread. */
            kept.wanted = true;
            pthread_cond_signal(&kept.wake);
        } else {
            refresh = true;
        }
    }
    /* Counts a little old are answered while the thread counts again;
     * none yet (the first count, at the start) or counts from before a
     * quiet spell are waited for, a while, rather than every request that
     * comes meanwhile counting every decision itself. */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += TOTALS_WAIT_S;
    while (!refresh && kept.refreshing &&
           (!kept.valid || ms_since(&kept.at) >= TOTALS_STALE_MS) &&
           pthread_cond_timedwait(&kept.counted, &kept.mu, &until) == 0)
        ;
    pthread_mutex_unlock(&kept.mu);
    if (refresh && totals_refresh(r))
        return -1;
    int want_light = light ? index_of(lights, light) : -1;
    int want_cat = category ? index_of(categories, category) : -1;
    pthread_mutex_lock(&kept.mu);
    bool valid = kept.valid;
    for (size_t i = 0; valid && i < kept.n; i++) {
        const totals_group *k = &kept.g[i];
        if ((want_light >= 0 && k->light != want_light) ||
            (want_cat >= 0 && k->category != want_cat) ||
            (has_dept && k->department_id != dept))
            continue;
        out[k->light] += k->n;
    }
    if (valid)
        snprintf(generated_at, size, "%s", kept.generated_at);
    pthread_mutex_unlock(&kept.mu);
    return valid ? 1 : 0;
}

static const char *const csv_columns[] = {
    "decision_id", "meeting_id", "meeting_title", "meeting_date", "category", "text",
    "responsible_name", "department_id", "deadline", "requirements", "state", "light",
    "days_overdue", "progress_count", "last_progress_at", "last_progress_note", "completed_at",
    NULL};

/* The export: at most 100000 decisions, each row's item (column doc) as
 * csv_columns. */
static const csv_export report_export = {
    .max_rows = 100000,
    .columns = csv_columns,
    .filename = "supervision-report.csv",
    .too_many = "more than %ld decisions match; narrow the filters",
    .too_many_detail = "the export is limited to %ld decisions",
};

/* ---------- the items, written from their columns ---------- */

typedef enum { F_INT, F_TEXT, F_BOOL, F_TIME } field_kind;

/* The members of an item in order: each a column of REPORT_COLUMNS of the
 * same name. F_TIME: a timestamptz, written as to_json writes it. */
static const struct {
    const char *name;
    field_kind kind;
} item_fields[] = {
    {"decision_id", F_INT},      {"meeting_id", F_INT},        {"meeting_title", F_TEXT},
    {"meeting_kind", F_TEXT},    {"meeting_date", F_TEXT},     {"text", F_TEXT},
    {"category", F_TEXT},        {"confidential", F_BOOL},     {"responsible_id", F_INT},
    {"responsible_name", F_TEXT}, {"department_id", F_INT},    {"deadline", F_TEXT},
    {"requirements", F_TEXT},    {"state", F_TEXT},            {"light", F_TEXT},
    {"days_overdue", F_INT},     {"progress_count", F_INT},    {"last_progress_at", F_TIME},
    {"last_progress_note", F_TEXT}, {"completed_at", F_TIME},  {"overdue_at", F_TIME},
    {"proposed_topic_id", F_INT},
};
#define N_ITEM_FIELDS (sizeof item_fields / sizeof item_fields[0])

/* A timestamptz's text ("2026-12-03 17:24:59.5835+08", DateStyle ISO) as
 * to_json writes it ("2026-12-03T17:24:59.5835+08:00"). */
static void out_json_time(text_buf *o, const char *s, size_t n)
{
    char t[64];
    if (n < 11 || n > 40) {
        tb_json_string(o, s, n);
        return;
    }
    memcpy(t, s, n);
    t[n] = '\0';
    if (t[10] == ' ')
        t[10] = 'T';
    /* The zone: +HH, +HH:MM or +HH:MM:SS after the time. */
    char *z = strpbrk(t + 11, "+-");
    if (z && strlen(z) == 3) {
        memcpy(z + 3, ":00", 4);
    }
    tb_json_string(o, t, strlen(t));
}

/* Item i of res, whose columns are cols[] (item_fields' order). */
static void write_item(text_buf *o, const PGresult *res, int i, const int *cols)
{
    tb_put(o, "{", 1);
    for (size_t f = 0; f < N_ITEM_FIELDS; f++) {
        if (f)
            tb_put(o, ",", 1);
        tb_put(o, "\"", 1);
        tb_puts(o, item_fields[f].name);
        tb_put(o, "\":", 2);
        int c = cols[f];
        if (PQgetisnull(res, i, c)) {
            tb_put(o, "null", 4);
            continue;
        }
        const char *v = PQgetvalue(res, i, c);
        size_t n = (size_t)PQgetlength(res, i, c);
        switch (item_fields[f].kind) {
        case F_INT:
            tb_put(o, v, n);
            break;
        case F_BOOL:
            tb_puts(o, v[0] == 't' ? "true" : "false");
            break;
        case F_TIME:
            out_json_time(o, v, n);
            break;
        case F_TEXT:
            tb_json_string(o, v, n);
            break;
        }
    }
    tb_put(o, "}", 1);
}

/* Answers the report: totals (red, yellow, green, done, in lights[] order),
 * generated_at (JSON text) and the items of `page`'s rows whose
 * decision_id is not NULL, fetched with LIMIT limit + 1. */
static void reply_report(req_t *r, const long long totals[4], const char *generated_at,
                         PGresult *page, long limit)
{
    int cols[N_ITEM_FIELDS];
    for (size_t f = 0; f < N_ITEM_FIELDS; f++)
        if ((cols[f] = PQfnumber(page, item_fields[f].name)) < 0) {
            reply_problem(r, ERR_INTERNAL, NULL, NULL, "the report's page has no %s",
                          item_fields[f].name);
            return;
        }
    int rows = PQntuples(page), id = cols[0], n = 0;
    for (int i = 0; i < rows; i++)
        n += !PQgetisnull(page, i, id);
    int shown = n > limit ? (int)limit : n;
    text_buf o = {0};
    char head[512];
    snprintf(head, sizeof head,
             "{\"generated_at\":%s,\"totals\":{\"red\":%lld,\"yellow\":%lld,\"green\":%lld,"
             "\"done\":%lld,\"total\":%lld},\"items\":[",
             generated_at, totals[0], totals[1], totals[2], totals[3],
             totals[0] + totals[1] + totals[2] + totals[3]);
    tb_puts(&o, head);
    long long last = 0;
    for (int i = 0, k = 0; i < rows && k < shown; i++) {
        if (PQgetisnull(page, i, id))
            continue;
        if (k++)
            tb_put(&o, ",", 1);
        write_item(&o, page, i, cols);
        last = db_col_ll(page, i, "decision_id");
    }
    if (n > limit) {
        char cur[PAGE_CURSOR_MAX], tail[PAGE_CURSOR_MAX + 32];
        page_cursor_encode(last, cur);
        snprintf(tail, sizeof tail, "],\"next_cursor\":\"%s\"}", cur);
        tb_puts(&o, tail);
    } else {
        tb_puts(&o, "],\"next_cursor\":null}");
    }
    if (o.failed)
        reply_oom(r);
    else
        reply_raw(r, 200, o.s, o.len);
    free(o.s);
}

/* The row of a Q_REPORT_KEPT page that holds the counts (its decision_id is
 * NULL), or -1. */
static int counts_row(const PGresult *page)
{
    int id = PQfnumber(page, "decision_id");
    for (int i = 0, rows = PQntuples(page); id >= 0 && i < rows; i++)
        if (PQgetisnull(page, i, id))
            return i;
    return -1;
}

/* The confidential decisions among the `shown` first items of page, read
 * by the caller (a participant: REPORT_WHERE): audited as any read of
 * them (R-MTG-8), in one statement and only when there is one. 0, or -1
 * with the problem answered. */
static int audited_or_reply(req_t *r, const PGresult *page, long shown)
{
    return audit_page_or_reply(r, page, shown, "decision_id", "confidential", "decision",
                               "read_list");
}

void h_supervision_report(req_t *r)
{
    const caller_t *me = r->caller;
    /* A director reads it by position: the secretariat is asked of the
     * database only for the others. */
    if (me->is_secretary ||
        !(mtg_reads_supervision(me->position, false, me->is_admin) ||
          mtg_reads_supervision(me->position, caller_in_secretariat(r), me->is_admin))) {
        reply_problem(r, ERR_SUPERVISION_FORBIDDEN, NULL, NULL,
                      "the supervision report is for the office's directors and the "
                      "secretariat that supervises");
        return;
    }
    long limit;
    long long after, resp = 0, dept = 0, meeting = 0;
    bool has_resp = false, has_dept = false, has_meeting = false;
    const char *light = NULL, *category = NULL;
    export_query q;
    if (page_or_reply(r, &limit, &after) || query_enum_or_reply(r, "light", lights, &light) ||
        query_ll_or_reply(r, "responsible_id", 1, INT64_MAX / 2, &resp, &has_resp) ||
        query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dept, &has_dept) ||
        query_enum_or_reply(r, "category", categories, &category) ||
        query_ll_or_reply(r, "meeting_id", 1, INT64_MAX / 2, &meeting, &has_meeting) ||
        export_query_or_reply(r, &report_export, &limit, &after, &q))
        return;
    const char *from = q.from, *to = q.to;
    bool csv = q.csv;
    char u[24], rs[24], d[24], m[24], a[24], l[24];
    const char *params[] = {db_int(u, me->id),
                            light,
                            has_resp ? db_int(rs, resp) : NULL,
                            has_dept ? db_int(d, dept) : NULL,
                            category,
                            has_meeting ? db_int(m, meeting) : NULL,
                            from ? from : "-infinity",
                            to ? to : "infinity",
                            after ? db_int(a, after) : NULL,
                            db_int(l, limit + 1)};
    long long counts[4] = {0, 0, 0, 0};
    char generated_at[64] = "";
    if (!csv && !has_resp && !has_meeting && !from && !to) {
        /* The kept counts of the others, then the page with the caller's
         * confidential counts in one statement. */
        int got = totals_from_kept(r, light, has_dept, dept, category, counts, generated_at,
                                   sizeof generated_at);
        if (got < 0)
            return;
        const char *kp[] = {params[0], category, params[8], params[9], params[3]};
        int li = light ? 1 + index_of(lights, light) : 0;
        PGresult *page =
            db_read_or_reply(r, &Q_REPORT_KEPT[li][has_dept][category != NULL], 5, kp);
        if (!page)
            return;
        int c = counts_row(page);
        if (c < 0) {
            reply_problem(r, ERR_INTERNAL, NULL, NULL, "the report's page has no counts");
        } else if (audited_or_reply(r, page, limit)) {
            /* answered */
        } else if (got) {
            for (int i = 0; i < 4; i++)
                counts[i] += db_col_ll(page, c, light_columns[i]);
            reply_report(r, counts, generated_at, page, limit);
        } else {
            /* Nothing kept (the count failed or outlasted the wait):
             * every count now. */
            PGresult *totals = db_read_or_reply(r, &Q_REPORT_TOTALS, 8, params);
            if (totals) {
                for (int i = 0; i < 4; i++)
                    counts[i] = db_col_ll(totals, 0, light_columns[i]);
                snprintf(generated_at, sizeof generated_at, "%s",
                         db_col_str(totals, 0, "generated_at"));
                reply_report(r, counts, generated_at, page, limit);
                PQclear(totals);
            }
        }
        PQclear(page);
        return;
    }
    PGresult *page = db_read_or_reply(r, csv ? &Q_REPORT_CSV : &Q_REPORT_PAGE, 10, params);
    if (!page)
        return;
    if (csv) {
        /* An export too long is refused (reply_export) before it is read;
         * one that is read is audited first. */
        if (PQntuples(page) > report_export.max_rows ||
            !audited_or_reply(r, page, report_export.max_rows))
            reply_export(r, page, PQfnumber(page, "doc"), &report_export);
        PQclear(page);
        return;
    }
    if (audited_or_reply(r, page, limit)) {
        PQclear(page);
        return;
    }
    PGresult *totals = db_read_or_reply(r, &Q_REPORT_TOTALS, 8, params);
    if (totals) {
        for (int i = 0; i < 4; i++)
            counts[i] = db_col_ll(totals, 0, light_columns[i]);
        snprintf(generated_at, sizeof generated_at, "%s", db_col_str(totals, 0, "generated_at"));
        reply_report(r, counts, generated_at, page, limit);
        PQclear(totals);
    }
    PQclear(page);
}
