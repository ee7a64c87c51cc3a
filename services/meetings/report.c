/* The supervision report (督办, R-MTG-9): every published decision's status
 * for the directors, with a traffic light, filters and a CSV export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    " 'responsible_id', d.responsible_id, 'responsible_name', person_name(d.responsible_id)," \
    " 'department_id', d.department_id, 'deadline', d.deadline, 'requirements', d.requirements," \
    " 'state', d.state, 'light', decision_light(d),"                                        \
    " 'days_overdue', greatest(0, (now() AT TIME ZONE 'Asia/Shanghai')::date - d.deadline)" \
    "   * (d.state <> 'completed')::int,"                                                   \
    " 'progress_count', d.progress_count, 'last_progress_at', d.last_progress_at,"          \
    " 'last_progress_note', d.last_progress_note, 'completed_at', d.completed_at,"          \
    " 'overdue_at', d.overdue_at, 'proposed_topic_id', d.proposed_topic_id)"

static const db_stmt Q_REPORT_PAGE = {
    "mtg_report_page",
    "SELECT d.id," REPORT_ITEM " FROM decisions d JOIN meetings m ON m.id = d.meeting_id"
    " WHERE" REPORT_WHERE " AND " PAGE_BEFORE("d.id", "$9")
    " ORDER BY d.id DESC LIMIT $10"};

static const db_stmt Q_REPORT_TOTALS = {
    "mtg_report_totals",
    "SELECT count(*) FILTER (WHERE l = 'red'), count(*) FILTER (WHERE l = 'yellow'),"
    " count(*) FILTER (WHERE l = 'green'), count(*) FILTER (WHERE l = 'done'), count(*),"
    " to_json(now())"
    " FROM (SELECT decision_light(d) AS l FROM decisions d WHERE" REPORT_WHERE ") s"};

static const char *const csv_columns[] = {
    "decision_id", "meeting_id", "meeting_title", "meeting_date", "category", "text",
    "responsible_name", "department_id", "deadline", "requirements", "state", "light",
    "days_overdue", "progress_count", "last_progress_at", "last_progress_note", "completed_at",
    NULL};

static int report_csv(PGresult *res, csv_buf *b)
{
    /* A byte order mark, so that spreadsheet programs read UTF-8. */
    csv_raw(b, "\xEF\xBB\xBF");
    for (const char *const *k = csv_columns; *k; k++)
        csv_cell(b, *k);
    csv_row_end(b);
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *doc = json_loads(PQgetvalue(res, i, 1), 0, NULL);
        if (!doc)
            return -1;
        for (const char *const *k = csv_columns; *k; k++) {
            json_t *v = json_object_get(doc, *k);
            char num[24];
            if (json_is_integer(v)) {
                snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
                csv_cell(b, num);
            } else {
                csv_cell(b, json_string_value(v));
            }
        }
        csv_row_end(b);
        json_decref(doc);
    }
    return b->failed ? -1 : 0;
}

static void reply_csv(req_t *r, PGresult *res)
{
    csv_buf b = {0};
    if (report_csv(res, &b)) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "the export could not be written");
    } else {
        ulfius_set_binary_body_response(r->resp, 200, b.s, b.len);
        u_map_put(r->resp->map_header, "Content-Type", "text/csv; charset=utf-8");
        u_map_put(r->resp->map_header, "Content-Disposition",
                  "attachment; filename=\"supervision-report.csv\"");
        u_map_put(r->resp->map_header, "X-Request-Id", r->rid);
    }
    csv_free(&b);
}

static void reply_report(req_t *r, PGresult *totals, PGresult *page, long limit)
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
        json_loads(PQgetvalue(totals, 0, 5), JSON_DECODE_ANY, NULL), "totals", "red",
        (json_int_t)db_get_ll(totals, 0, 0), "yellow", (json_int_t)db_get_ll(totals, 0, 1),
        "green", (json_int_t)db_get_ll(totals, 0, 2), "done", (json_int_t)db_get_ll(totals, 0, 3),
        "total", (json_int_t)db_get_ll(totals, 0, 4), "items", items, "next_cursor", next);
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
    if (from && to && strcmp(from, to) > 0) {
        problem_t p = {.code = ERR_BAD_QUERY};
        problem_field(&p, "to", "must not be before from");
        snprintf(p.detail, sizeof p.detail, "the period ends before it starts");
        reply_problem_t(r, &p);
        return;
    }
    bool csv = !strcmp(format, "csv");
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
    PGresult *page = db_read_or_reply(r, &Q_REPORT_PAGE, 10, params);
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
    PGresult *totals = db_read_or_reply(r, &Q_REPORT_TOTALS, 8, params);
    if (totals) {
        reply_report(r, totals, page, limit);
        PQclear(totals);
    }
    PQclear(page);
}
