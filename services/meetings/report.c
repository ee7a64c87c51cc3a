/* The supervision report (督办, R-MTG-9): every published decision's status
 * for the directors, with a traffic light, filters and a CSV export. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "org.h"
#include "meetings.h"

#define CSV_MAX_ROWS 100000

static const char *const lights[] = {"red", "yellow", "green", "done", NULL};
static const char *const categories[] = {"general", "personnel", "finance", "other", NULL};
static const char *const formats[] = {"json", "csv", NULL};

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

/* The responsible person's name through a join, not person_name(): a SQL
 * function with a FROM is called row by row and never inlined. */
static const db_stmt Q_REPORT_PAGE = {
    "mtg_report_page",
    "SELECT d.id," REPORT_ITEM " FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
    " LEFT JOIN identity.org_people rp ON rp.id = d.responsible_id"
    " WHERE" REPORT_WHERE " AND " PAGE_BEFORE("d.id", "$9")
    " ORDER BY d.id DESC LIMIT $10"};

/* The report read whole, by light and category, and by department: the
 * pages asked for most, with plans made once. The statement above serves
 * every filter, so PostgreSQL plans it again on every call (its planning
 * took longer than its execution). Here the scan's bound is a constant
 * (PAGE_SCAN_LIMIT), so the estimate is a page and the generic plan is
 * kept: newest first by id, or by department through
 * decisions_department. $1 viewer, $2 light, $3 category, $4 cursor,
 * $5 limit, $6 department. */
#define REPORT_PAGE_KEPT(dept)                                                              \
    "SELECT x.id, x.doc FROM (SELECT d.id," REPORT_ITEM " AS doc"                           \
    " FROM decisions d JOIN meetings m ON m.id = d.meeting_id"                              \
    " LEFT JOIN identity.org_people rp ON rp.id = d.responsible_id"                         \
    " WHERE d.state IN ('published', 'in_progress', 'completed')"                           \
    " AND ($2::text IS NULL OR decision_light(d) = $2)"                                     \
    " AND ($3::text IS NULL OR d.category = $3)"                                            \
    " AND (NOT d.confidential OR is_participant(d.meeting_id, $1::bigint))"                 \
    dept " AND " PAGE_BEFORE("d.id", "$4") " ORDER BY d.id DESC LIMIT " PAGE_SCAN_LIMIT ") x" \
    " ORDER BY x.id DESC LIMIT $5"

static const db_stmt Q_REPORT_PAGE_ALL = {"mtg_report_page_all",
                                          REPORT_PAGE_KEPT(" AND $6::bigint IS NULL")};
static const db_stmt Q_REPORT_PAGE_DEPARTMENT = {"mtg_report_page_department",
                                                 REPORT_PAGE_KEPT(" AND d.department_id = $6")};

#define REPORT_TOTALS(extra)                                                                \
    "SELECT count(*) FILTER (WHERE l = 'red'), count(*) FILTER (WHERE l = 'yellow'),"       \
    " count(*) FILTER (WHERE l = 'green'), count(*) FILTER (WHERE l = 'done'), count(*),"  \
    " to_json(now())"                                                                       \
    " FROM (SELECT decision_light(d) AS l FROM decisions d WHERE" REPORT_WHERE extra ") s"

static const db_stmt Q_REPORT_TOTALS = {"mtg_report_totals", REPORT_TOTALS("")};

/* The confidential decisions' share of the totals, which depends on the
 * viewer (R-MTG-8): read every time, through the partial index
 * decisions_confidential. */
static const db_stmt Q_REPORT_TOTALS_CONFIDENTIAL = {"mtg_report_totals_confidential",
                                                     REPORT_TOTALS(" AND d.confidential")};

/* ---------- the totals of the whole report ----------
 *
 * The totals count every decision the filters keep, so reading them is a
 * pass over the whole table (100 000 decisions: tens of milliseconds, most
 * of a report's time). The report is mostly read whole or by light,
 * department and category, so the non-confidential decisions' counts by
 * (department, category, light) are kept here for TOTALS_TTL_MS and
 * summed for such a request; the confidential decisions' counts, which
 * depend on the viewer, are read every time. "generated_at" is then when
 * the kept counts were read, at most TOTALS_TTL_MS ago (the lights
 * themselves move with the day; a decision changed meanwhile shows in the
 * items at once and in the totals within that time). A report filtered by
 * person, meeting or deadline reads its totals every time. */
#define TOTALS_TTL_MS 3000

static const db_stmt Q_REPORT_GROUPS = {
    "mtg_report_groups",
    "SELECT g.department_id, g.category, g.light, g.n, to_json(now())"
    " FROM (SELECT 1) one LEFT JOIN ("
    "  SELECT coalesce(d.department_id, 0) AS department_id, d.category,"
    "   decision_light(d) AS light, count(*) AS n FROM decisions d"
    "  WHERE d.state IN ('published', 'in_progress', 'completed') AND NOT d.confidential"
    "  GROUP BY 1, 2, 3) g ON true"};

typedef struct totals_group {
    long long department_id; /* 0: none */
    int category, light;     /* indexes in categories[] and lights[] */
    long long n;
} totals_group;

static struct {
    pthread_mutex_t mu;
    totals_group *g;
    size_t n;
    char generated_at[64];
    struct timespec at;
    bool valid, refreshing;
} kept = {.mu = PTHREAD_MUTEX_INITIALIZER};

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

/* Reads the counts by (department, category, light) into kept. Returns 0,
 * or -1 when the statement failed (a problem was sent) or memory ran out
 * (kept stays as it was). */
static int totals_refresh(req_t *r)
{
    PGresult *res = db_read_or_reply(r, &Q_REPORT_GROUPS, 0, NULL);
    if (!res) {
        pthread_mutex_lock(&kept.mu);
        kept.refreshing = false;
        pthread_mutex_unlock(&kept.mu);
        return -1;
    }
    int rows = PQntuples(res);
    totals_group *g = calloc(rows ? (size_t)rows : 1, sizeof *g);
    size_t n = 0;
    for (int i = 0; g && i < rows; i++) {
        if (PQgetisnull(res, i, 3))
            continue;
        int c = index_of(categories, PQgetvalue(res, i, 1));
        int l = index_of(lights, PQgetvalue(res, i, 2));
        if (c < 0 || l < 0)
            continue;
        g[n++] = (totals_group){db_get_ll(res, i, 0), c, l, db_get_ll(res, i, 3)};
    }
    pthread_mutex_lock(&kept.mu);
    if (g && rows) {
        free(kept.g);
        kept.g = g;
        kept.n = n;
        snprintf(kept.generated_at, sizeof kept.generated_at, "%s", PQgetvalue(res, 0, 4));
        clock_gettime(CLOCK_MONOTONIC, &kept.at);
        kept.valid = true;
        g = NULL;
    }
    kept.refreshing = false;
    pthread_mutex_unlock(&kept.mu);
    free(g);
    PQclear(res);
    return 0;
}

/* Sums the kept counts that the filters keep into out[4] (by light) and
 * copies their time. 1: done; 0: nothing kept yet; -1: a problem was sent. */
static int totals_from_kept(req_t *r, const char *light, bool has_dept, long long dept,
                            const char *category, long long out[4], char *generated_at,
                            size_t size)
{
    bool refresh = false;
    pthread_mutex_lock(&kept.mu);
    if ((!kept.valid || ms_since(&kept.at) >= TOTALS_TTL_MS) && !kept.refreshing)
        refresh = kept.refreshing = true;
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

static void reply_csv(req_t *r, PGresult *res)
{
    reply_csv_docs(r, res, 1, csv_columns, "supervision-report.csv");
}

/* totals: red, yellow, green, done (in lights[] order); generated_at: JSON. */
static void reply_report(req_t *r, const long long totals[4], const char *generated_at,
                         PGresult *page, long limit)
{
    json_t *items = json_array();
    int n = PQntuples(page);
    int shown = n > limit ? (int)limit : n;
    for (int i = 0; i < shown; i++)
        json_array_append_new(items, json_loads(PQgetvalue(page, i, 1), 0, NULL));
    json_t *next = json_null();
    if (n > limit) {
        char cur[PAGE_CURSOR_MAX];
        page_cursor_encode(db_get_ll(page, shown - 1, 0), cur);
        next = json_string(cur);
    }
    json_t *body = json_pack(
        "{s:o, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o}", "generated_at",
        json_loads(generated_at, JSON_DECODE_ANY, NULL), "totals", "red", (json_int_t)totals[0],
        "yellow", (json_int_t)totals[1], "green", (json_int_t)totals[2], "done",
        (json_int_t)totals[3], "total",
        (json_int_t)(totals[0] + totals[1] + totals[2] + totals[3]), "items", items,
        "next_cursor", next);
    if (!body)
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "out of memory");
    else
        reply_json(r, 200, body);
}

void h_supervision_report(req_t *r)
{
    const caller_t *me = r->caller;
    if (me->is_secretary ||
        !mtg_reads_supervision(me->position, caller_in_secretariat(r), me->is_admin)) {
        reply_problem(r, ERR_SUPERVISION_FORBIDDEN, NULL, NULL,
                      "the supervision report is for the office's directors and the "
                      "secretariat that supervises");
        return;
    }
    long limit;
    long long after, resp = 0, dept = 0, meeting = 0;
    bool has_resp = false, has_dept = false, has_meeting = false;
    const char *light = NULL, *category = NULL, *from = NULL, *to = NULL, *format = "json";
    if (page_or_reply(r, &limit, &after) || query_enum_or_reply(r, "light", lights, &light) ||
        query_ll_or_reply(r, "responsible_id", 1, INT64_MAX / 2, &resp, &has_resp) ||
        query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dept, &has_dept) ||
        query_enum_or_reply(r, "category", categories, &category) ||
        query_ll_or_reply(r, "meeting_id", 1, INT64_MAX / 2, &meeting, &has_meeting) ||
        query_date_or_reply(r, "from", &from) || query_date_or_reply(r, "to", &to) ||
        query_enum_or_reply(r, "format", formats, &format))
        return;
    if (period_or_reply(r, from, to))
        return;
    bool csv = csv_requested(r, format);
    if (csv) {
        after = 0;
        limit = CSV_MAX_ROWS;
    }
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
    bool kept_shape = !has_resp && !has_meeting && !from && !to;
    PGresult *page;
    if (kept_shape && !csv) {
        const char *kp[] = {params[0], light, category, params[8], params[9], params[3]};
        page = db_read_or_reply(r, has_dept ? &Q_REPORT_PAGE_DEPARTMENT : &Q_REPORT_PAGE_ALL, 6,
                                kp);
    } else {
        page = db_read_or_reply(r, &Q_REPORT_PAGE, 10, params);
    }
    if (!page)
        return;
    if (csv) {
        if (PQntuples(page) > CSV_MAX_ROWS) {
            problem_t p = {.code = ERR_BAD_QUERY};
            problem_field(&p, "from", "more than %d decisions match; narrow the filters",
                          CSV_MAX_ROWS);
            snprintf(p.detail, sizeof p.detail, "the export is limited to %d decisions",
                     CSV_MAX_ROWS);
            reply_problem_t(r, &p);
        } else {
            reply_csv(r, page);
        }
        PQclear(page);
        return;
    }
    long long counts[4] = {0, 0, 0, 0};
    char generated_at[64] = "";
    int got = 0;
    if (kept_shape) {
        got = totals_from_kept(r, light, has_dept, dept, category, counts, generated_at,
                               sizeof generated_at);
        if (got < 0) {
            PQclear(page);
            return;
        }
    }
    PGresult *totals =
        db_read_or_reply(r, got ? &Q_REPORT_TOTALS_CONFIDENTIAL : &Q_REPORT_TOTALS, 8, params);
    if (totals) {
        for (int i = 0; i < 4; i++)
            counts[i] += db_get_ll(totals, 0, i);
        if (!got)
            snprintf(generated_at, sizeof generated_at, "%s", PQgetvalue(totals, 0, 5));
        reply_report(r, counts, generated_at, page, limit);
        PQclear(totals);
    }
    PQclear(page);
}
