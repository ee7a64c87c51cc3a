/* The monthly printing report: per department the jobs done and their
 * sheets, large jobs, signatures given, violations and print-shop costs
 * (by who bears them, R-PRN-2). Office leaders and administrators read
 * every department; anyone else their own. */
#include <stdio.h>
#include <string.h>

#include "printing.h"

static const db_stmt Q_REPORT = {
    "printing_report",
    "WITH m AS (SELECT to_date($1, 'YYYY-MM') AS start),"
    " w AS (SELECT m.start::timestamptz AS lo, (m.start + interval '1 month')::timestamptz AS hi"
    "       FROM m),"
    " done AS (SELECT j.department_id, count(*) AS jobs, sum(j.actual_sheets) AS sheets,"
    "   count(*) FILTER (WHERE j.is_large OR j.actual_sheets > j.large_threshold) AS large_jobs,"
    "   coalesce(sum(j.cost_fen) FILTER (WHERE j.kind = 'print_shop'"
    "     AND j.cost_charged_to = 'office'), 0) AS shop_office,"
    "   coalesce(sum(j.cost_fen) FILTER (WHERE j.kind = 'print_shop'"
    "     AND j.cost_charged_to = 'requester'), 0) AS shop_requester"
    "   FROM print_jobs j, w WHERE j.completed_at >= w.lo AND j.completed_at < w.hi"
    "   GROUP BY j.department_id),"
    " signed AS (SELECT j.department_id,"
    "   count(*) FILTER (WHERE s.decision = 'approved') AS approvals,"
    "   count(*) FILTER (WHERE s.decision = 'rejected') AS rejections"
    "   FROM print_job_steps s JOIN print_jobs j ON j.id = s.job_id, w"
    "   WHERE s.decided_at >= w.lo AND s.decided_at < w.hi GROUP BY j.department_id),"
    " viol AS (SELECT v.department_id, count(*) AS violations,"
    "   count(*) FILTER (WHERE v.state = 'open') AS open_violations"
    "   FROM violations v, w WHERE v.created_at >= w.lo AND v.created_at < w.hi"
    "   GROUP BY v.department_id),"
    " depts AS (SELECT department_id FROM done UNION SELECT department_id FROM signed"
    "   UNION SELECT department_id FROM viol),"
    " rows AS (SELECT d.department_id, od.name,"
    "   coalesce(done.jobs, 0) AS jobs, coalesce(done.sheets, 0) AS sheets,"
    "   coalesce(done.large_jobs, 0) AS large_jobs,"
    "   coalesce(signed.approvals, 0) AS approvals, coalesce(signed.rejections, 0) AS rejections,"
    "   coalesce(viol.violations, 0) AS violations,"
    "   coalesce(viol.open_violations, 0) AS open_violations,"
    "   coalesce(done.shop_office, 0) AS shop_office,"
    "   coalesce(done.shop_requester, 0) AS shop_requester"
    "   FROM depts d LEFT JOIN done USING (department_id) LEFT JOIN signed USING (department_id)"
    "   LEFT JOIN viol USING (department_id)"
    "   LEFT JOIN identity.org_departments od ON od.id = d.department_id"
    "   WHERE ($2::bigint IS NULL OR d.department_id = $2))"
    " SELECT json_build_object('month', $1::text, 'department_id', $2::bigint,"
    "  'large_job_sheets', $3::int,"
    "  'departments', coalesce((SELECT json_agg(json_build_object("
    "     'department_id', r.department_id, 'department_name', r.name,"
    "     'jobs_completed', r.jobs, 'sheets', r.sheets, 'large_jobs', r.large_jobs,"
    "     'approvals', r.approvals, 'rejections', r.rejections,"
    "     'violations', r.violations, 'open_violations', r.open_violations,"
    "     'print_shop_cost_fen', json_build_object('office', r.shop_office,"
    "       'requester', r.shop_requester)) ORDER BY r.department_id) FROM rows r), '[]'),"
    "  'totals', (SELECT json_build_object('jobs_completed', coalesce(sum(r.jobs), 0),"
    "     'sheets', coalesce(sum(r.sheets), 0), 'large_jobs', coalesce(sum(r.large_jobs), 0),"
    "     'approvals', coalesce(sum(r.approvals), 0),"
    "     'rejections', coalesce(sum(r.rejections), 0),"
    "     'violations', coalesce(sum(r.violations), 0),"
    "     'print_shop_cost_fen', json_build_object('office', coalesce(sum(r.shop_office), 0),"
    "       'requester', coalesce(sum(r.shop_requester), 0))) FROM rows r))"};

static bool is_month(const char *s)
{
    return s && strlen(s) == 7 && s[4] == '-' && s[0] >= '1' && s[0] <= '9' &&
           strspn(s, "0123456789-") == 7 && strspn(s, "0123456789") == 4 &&
           ((s[5] == '0' && s[6] >= '1' && s[6] <= '9') || (s[5] == '1' && s[6] >= '0' && s[6] <= '2'));
}

void h_report_printing(req_t *r)
{
    const char *month = NULL;
    long long dept = 0;
    bool has_dept = false;
    if (query_str(r, "month", &month) ||
        query_ll_or_reply(r, "department_id", 1, INT64_MAX / 2, &dept, &has_dept))
        return;
    if (!is_month(month)) {
        problem_t p = {.code = ERR_BAD_QUERY};
        problem_field(&p, "month", "is required, as YYYY-MM");
        snprintf(p.detail, sizeof p.detail, "the report covers one month: ?month=YYYY-MM");
        reply_problem_t(r, &p);
        return;
    }
    if (!printing_privileged(r->caller)) {
        if (!r->caller->department_id || (has_dept && dept != r->caller->department_id)) {
            reply_problem(r, ERR_REPORT_NOT_YOUR_DEPARTMENT, NULL, NULL,
                          "office leaders read every department's report; you read your own");
            return;
        }
        dept = r->caller->department_id;
        has_dept = true;
    }
    const printing_ctx *cfg = r->svc->ctx;
    char d[24], t[24];
    const char *params[] = {month, has_dept ? db_int(d, dept) : NULL,
                            db_int(t, cfg->large_sheets)};
    PGresult *res = db_read_or_reply(r, &Q_REPORT, 3, params);
    if (res)
        reply_row(r, res, 200);
}
