/* Completing jobs (R-PRN-6, R-PRN-1), the copy register of large jobs and
 * violations with the director's follow-up (R-PRN-3), the CSV export, the
 * monthly report and the copies published to documents (R-DOC-6). */
#include <pthread.h>

#include "test_printing_fixtures.h"

START_TEST(test_R_PRN_6_only_office_staff_of_the_running_section_complete_a_job)
{
    /* An external unit's copy, accepted by the director (R-PRN-4): its
     * requester sees it but does not operate the copier. */
    long long id = new_job("town1_clerk", "copy", 2, 5, NULL);
    job_act_ok(id, "approve", "director", NULL);
    const char *body = "{\"actual_pages\":2,\"actual_copies\":5}";
    resp_t *r = job_act(id, "complete", "town1_clerk", body);
    ck_assert_msg(h_problem(r, 403, "print_job.not_office_staff", "R-PRN-6", NULL), "%s",
                  r->body);
    h_free(r);
    /* A deputy director sees every job but does not run the copy room. */
    r = job_act(id, "complete", "deputy2", body);
    ck_assert_msg(h_problem(r, 403, "print_job.not_office_staff", "R-PRN-6", NULL), "%s",
                  r->body);
    h_free(r);
    assert_job_state(id, "ready");

    /* A clerk of another section: not the section that runs it (R-PRN-1). */
    long long own = new_job("zonghe1", "copy", 2, 5, NULL);
    r = job_act(own, "complete", "zonghe1", body);
    ck_assert_msg(h_problem(r, 403, "print_job.not_operator", "R-PRN-1", NULL), "%s", r->body);
    h_free(r);
    assert_job_state(own, "ready");
    ck_assert_int_eq(audits("print_job", own, "complete"), 0);

    r = job_act(id, "complete", "wenmi1", "{\"actual_pages\":2,\"actual_copies\":6,\"note\":\"多印一份存档\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "completed");
    ck_assert_int_eq(h_int(r, "actual_sheets"), 12);
    ck_assert_int_eq(h_int(r, "completed_by"), h_user_id("wenmi1"));
    ck_assert(json_is_null(json_object_get(r->json, "register_id")));
    h_free(r);
    ck_assert_int_eq(notes("town1_clerk", "print_job_completed", "print_job", id), 1);
    ck_assert_int_eq(audits("print_job", id, "complete"), 1);
    r = job_act(id, "complete", "wenmi1", body);
    ck_assert_msg(h_problem(r, 409, "print_job.wrong_state", NULL, NULL), "%s", r->body);
    h_free(r);
}
END_TEST

/* Each action's event starts from the document the one before left (kept
 * with the job, migration 007) and ends at the document the job has now. */
START_TEST(each_event_of_a_job_starts_where_the_one_before_ended)
{
    long long id = ready_large_copy();
    resp_t *r = job_act(id, "complete", "wenmi1",
                        pf("{\"actual_pages\":10,\"actual_copies\":%lld}",
                           large_threshold() / 10 + 1));
    ck_status(r, 200);
    resp_t *now = h_get(pf("/api/v1/print-jobs/%lld", id), h_token("director"));
    ck_status(now, 200);
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b, r->body, now->body};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events a JOIN audit.events n"
                              " ON n.entity_id = a.entity_id AND n.before = a.after"
                              " WHERE a.service = 'printing' AND n.service = 'printing'"
                              " AND a.entity_type = 'print_job' AND n.entity_type = 'print_job'"
                              " AND a.entity_id = $1::bigint AND (a.action, n.action) IN"
                              " (('create', 'approve'), ('approve', 'complete'))",
                              1, p),
                     2);
    /* The answer, the event's after, the kept document and the one built
     * now for a reader are the same. */
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM audit.events e JOIN printing.print_jobs j"
                              " ON j.id = e.entity_id WHERE e.service = 'printing'"
                              " AND e.entity_type = 'print_job' AND e.action = 'complete'"
                              " AND j.id = $1::bigint AND e.after = $2::jsonb"
                              " AND j.doc::jsonb = $2::jsonb AND $3::jsonb = $2::jsonb",
                              3, p),
                     1);
    h_free(now);
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_3_a_large_job_enters_the_copy_register_with_its_real_figures)
{
    long long id = ready_large_copy();
    long long copies = large_threshold() / 10 + 7;
    resp_t *r = job_act(id, "complete", "wenmi1",
                        pf("{\"actual_pages\":10,\"actual_copies\":%lld}", copies));
    ck_status(r, 200);
    long long reg = h_int(r, "register_id");
    ck_assert_int_gt(reg, 0);
    ck_assert(json_is_null(json_object_get(r->json, "violation_id")));
    h_free(r);
    ck_assert_int_eq(audits("copy_register", reg, "create"), 1);

    r = h_get(pf("/api/v1/copy-register/%lld", reg), h_token("zonghe2"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "job_id"), id);
    ck_assert_int_eq(h_int(r, "pages"), 10);
    ck_assert_int_eq(h_int(r, "copies"), copies);
    ck_assert_int_eq(h_int(r, "sheets"), 10 * copies);
    ck_assert_int_eq(h_int(r, "department_id"), dept_id("综合科"));
    ck_assert_str_eq(h_str(r, "department_name"), "综合科");
    ck_assert_int_eq(h_int(r, "requester_id"), h_user_id("zonghe1"));
    ck_assert_int_eq(h_int(r, "operator_id"), h_user_id("wenmi1"));
    ck_assert_int_eq(h_int(r, "approver_id"), h_user_id("deputy2"));
    ck_assert(json_is_false(json_object_get(r->json, "without_approval")));
    h_free(r);
    ck_assert(h_lists(pf("/api/v1/copy-register?department_id=%lld&limit=200", dept_id("综合科")),
                      h_token("director"), reg));
    ck_assert(h_lists("/api/v1/copy-register?limit=200", h_token("zonghe_chief"), reg));
    /* Another section's clerk does not read it. */
    ck_assert(!h_lists("/api/v1/copy-register?limit=200", h_token("xinxi1"), reg));
    r = h_get(pf("/api/v1/copy-register/%lld", reg), h_token("xinxi1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);

    /* A small job stays out of the register. */
    long long small = new_job("zonghe1", "copy", 1, 2, NULL);
    r = job_act(small, "complete", "wenmi1", "{\"actual_pages\":1,\"actual_copies\":2}");
    ck_status(r, 200);
    ck_assert(json_is_null(json_object_get(r->json, "register_id")));
    h_free(r);
}
END_TEST

typedef struct complete_try {
    long long job;
    const char *token, *body;
    long status;
} complete_try;

static void *complete_once(void *arg)
{
    complete_try *c = arg;
    resp_t *r = h_req("POST", pf("/api/v1/print-jobs/%lld/complete", c->job), c->token, c->body,
                      NULL);
    c->status = r->status;
    h_free(r);
    return NULL;
}

START_TEST(test_R_PRN_3_concurrent_completions_register_a_job_once)
{
    long long id = ready_large_copy();
    const char *body = pf("{\"actual_pages\":10,\"actual_copies\":%lld}",
                          large_threshold() / 10 + 5);
    const char *token = h_token("wenmi1");
    enum { N = 8 };
    complete_try tries[N];
    pthread_t th[N];
    for (int i = 0; i < N; i++) {
        tries[i] = (complete_try){id, token, body, 0};
        ck_assert_int_eq(pthread_create(&th[i], NULL, complete_once, &tries[i]), 0);
    }
    int ok = 0, conflict = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ok += tries[i].status == 200;
        conflict += tries[i].status == 409;
    }
    ck_assert_int_eq(ok, 1);
    ck_assert_int_eq(conflict, N - 1);
    const char *p[] = {pf("%lld", id)};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM printing.copy_register WHERE job_id = $1", 1, p),
                     1);
    ck_assert_int_eq(audits("print_job", id, "complete"), 1);
}
END_TEST

/* A job asked small, done large by wenmi1: answers the violation's id. */
static long long violation_of(const char *who)
{
    long long id = new_job(who, "copy", 10, 2, NULL);
    long long copies = large_threshold() / 10 + 3;
    resp_t *r = job_act(id, "complete", "wenmi1",
                        pf("{\"actual_pages\":10,\"actual_copies\":%lld}", copies));
    ck_status(r, 200);
    long long v = h_int(r, "violation_id");
    long long reg = h_int(r, "register_id");
    ck_assert_int_gt(v, 0);
    ck_assert_int_gt(reg, 0);
    h_free(r);
    r = h_get(pf("/api/v1/copy-register/%lld", reg), h_token("director"));
    ck_status(r, 200);
    ck_assert(json_is_true(json_object_get(r->json, "without_approval")));
    ck_assert(json_is_null(json_object_get(r->json, "approver_id")));
    h_free(r);
    return v;
}

START_TEST(test_R_PRN_3_a_large_job_done_without_approval_is_a_violation)
{
    long long v = violation_of("zonghe1");
    ck_assert_int_eq(notes("director", "print_violation_to_follow_up", "violation", v), 1);
    ck_assert_int_eq(audits("violation", v, "create"), 1);
    resp_t *r = h_get(pf("/api/v1/violations/%lld", v), h_token("director"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "open");
    ck_assert_int_eq(h_int(r, "requester_id"), h_user_id("zonghe1"));
    ck_assert_int_eq(h_int(r, "operator_id"), h_user_id("wenmi1"));
    ck_assert_int_gt(h_int(r, "sheets"), h_int(r, "threshold"));
    h_free(r);
    ck_assert(h_lists(pf("/api/v1/violations?department_id=%lld&limit=200", dept_id("综合科")),
                      h_token("director"), v));
    ck_assert(h_lists("/api/v1/violations?state=open&limit=200", h_token("zonghe1"), v));
    ck_assert(h_lists("/api/v1/violations?limit=200", h_token("wenmi1"), v));
    ck_assert(!h_lists("/api/v1/violations?limit=200", h_token("zonghe2"), v));
    ck_assert(!h_lists("/api/v1/violations?year=2001&limit=200", h_token("director"), v));
    r = h_get(pf("/api/v1/violations/%lld", v), h_token("zonghe2"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_3_the_director_follows_a_violation_up)
{
    long long v = violation_of("zonghe2");
    const char *path = pf("/api/v1/violations/%lld/follow-up", v);
    const char *body = "{\"education_note\":\"已当面批评教育，今后大量复印须先签批\"}";
    resp_t *r = h_post(path, h_token("deputy2"), body);
    ck_assert_msg(h_problem(r, 403, "violation.not_director", "R-PRN-3", NULL), "%s", r->body);
    h_free(r);
    r = h_post(path, h_token("sec1"), body);
    ck_assert_msg(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL), "%s", r->body);
    h_free(r);
    r = h_post(path, h_token("director"), "{\"penalty\":\"通报批评\"}");
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "education_note"), "%s", r->body);
    h_free(r);
    r = h_post(path, h_token("director"), "{\"education_note\":\"  \"}");
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "education_note"), "%s", r->body);
    h_free(r);
    r = h_post(path, h_token("zonghe1"), body);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(audits("violation", v, "follow_up"), 0);

    r = h_post(path, h_token("director"),
               "{\"education_note\":\"已当面批评教育\",\"penalty\":\"通报批评\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "followed_up");
    ck_assert_str_eq(h_str(r, "education_note"), "已当面批评教育");
    ck_assert_str_eq(h_str(r, "penalty"), "通报批评");
    ck_assert_int_eq(h_int(r, "followed_up_by"), h_user_id("director"));
    h_free(r);
    ck_assert_int_eq(notes("zonghe2", "print_violation_followed_up", "violation", v), 1);
    ck_assert_int_eq(notes("wenmi1", "print_violation_followed_up", "violation", v), 1);
    ck_assert_int_eq(audits("violation", v, "follow_up"), 1);
    r = h_post(path, h_token("director"), body);
    ck_assert_msg(h_problem(r, 409, "violation.wrong_state", NULL, NULL), "%s", r->body);
    h_free(r);

    /* Education alone, without a penalty, where the case warrants none. */
    long long w = violation_of("zonghe1");
    r = h_post(pf("/api/v1/violations/%lld/follow-up", w), h_token("director"), body);
    ck_status(r, 200);
    ck_assert(json_is_null(json_object_get(r->json, "penalty")));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_3_unauthorised_copying_found_later_is_registered_and_followed_up)
{
    long long t = large_threshold();
    const char *body = pf("{\"person_id\":%lld,\"sheets\":%lld,"
                          "\"description\":\"未经签批复印培训材料\"}",
                          h_user_id("zonghe2"), t + 50);
    /* Neither a clerk of another section nor a deputy records one. */
    const char *refused[] = {"zonghe1", "deputy2"};
    for (int i = 0; i < 2; i++) {
        resp_t *r = h_post("/api/v1/violations", h_token(refused[i]), body);
        ck_assert_msg(h_problem(r, 403, "violation.not_recorder", "R-PRN-3", NULL), "%s: %s",
                      refused[i], r->body);
        h_free(r);
    }
    /* The copy room's staff found it. */
    resp_t *r = h_post("/api/v1/violations", h_token("wenmi1"), body);
    ck_status(r, 201);
    long long v = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "source"), "reported");
    ck_assert_str_eq(h_str(r, "state"), "open");
    ck_assert_int_eq(h_int(r, "department_id"), dept_id("综合科"));
    ck_assert_int_eq(h_int(r, "sheets"), t + 50);
    ck_assert(json_is_null(json_object_get(r->json, "job_id")));
    long long reg = h_int(r, "register_id");
    h_free(r);
    /* It was copied all the same: the copy register holds it, with the
     * figures found, no approver, linked to its violation. */
    r = h_get(pf("/api/v1/copy-register/%lld", reg), h_token("director"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "violation_id"), v);
    ck_assert(json_is_null(json_object_get(r->json, "job_id")));
    ck_assert_int_eq(h_int(r, "sheets"), t + 50);
    ck_assert_int_eq(h_int(r, "requester_id"), h_user_id("zonghe2"));
    ck_assert(json_is_true(json_object_get(r->json, "without_approval")));
    ck_assert(json_is_null(json_object_get(r->json, "approver_id")));
    h_free(r);
    r = h_get(pf("/api/v1/copy-register/%lld", reg), h_token("zonghe2"));
    ck_status(r, 200);
    h_free(r);
    r = h_get(pf("/api/v1/copy-register/%lld", reg), h_token("xinxi1"));
    ck_status(r, 404);
    h_free(r);
    ck_assert(h_lists(pf("/api/v1/copy-register?department_id=%lld&limit=200",
                         dept_id("综合科")), h_token("director"), reg));
    ck_assert_int_eq(notes("director", "print_violation_to_follow_up", "violation", v), 1);
    ck_assert_int_eq(notes("zonghe2", "print_violation_recorded", "violation", v), 1);
    ck_assert_int_eq(audits("violation", v, "create"), 1);
    ck_assert(h_lists("/api/v1/violations?limit=200", h_token("wenmi1"), v));
    ck_assert(h_lists("/api/v1/violations?limit=200", h_token("zonghe2"), v));
    ck_assert(!h_lists("/api/v1/violations?limit=200", h_token("zonghe1"), v));
    r = h_post(pf("/api/v1/violations/%lld/follow-up", v), h_token("director"),
               "{\"education_note\":\"已批评教育\"}");
    ck_status(r, 200);
    h_free(r);

    /* A small job needed no signature; the person is of the office. */
    r = h_post("/api/v1/violations", h_token("director"),
               pf("{\"person_id\":%lld,\"sheets\":%lld,\"description\":\"x\"}",
                  h_user_id("zonghe2"), t));
    ck_assert_msg(h_problem(r, 422, "violation.not_large", "R-PRN-3", NULL), "%s", r->body);
    h_free(r);
    const char *bad[][2] = {
        {pf("{\"person_id\":%lld,\"sheets\":%lld,\"description\":\"x\"}",
            h_user_id("town1_clerk"), t + 1), "person_id"},
        {pf("{\"person_id\":999999999,\"sheets\":%lld,\"description\":\"x\"}", t + 1),
         "person_id"},
        {pf("{\"person_id\":%lld,\"sheets\":0,\"description\":\"x\"}",
            h_user_id("zonghe2")), "sheets"},
        {pf("{\"person_id\":%lld,\"sheets\":%lld}", h_user_id("zonghe2"), t + 1),
         "description"},
    };
    for (int i = 0; i < 4; i++) {
        r = h_post("/api/v1/violations", h_token("director"), bad[i][0]);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, bad[i][1]), "%s: %s", bad[i][0], r->body);
        h_free(r);
    }
}
END_TEST

START_TEST(test_R_PRN_3_copy_register_exported_as_csv_with_a_byte_order_mark)
{
    long long id = ready_large_copy();
    job_act_ok(id, "complete", "wenmi1",
               pf("{\"actual_pages\":10,\"actual_copies\":%lld}", large_threshold() / 10 + 5));
    resp_t *r = h_get(pf("/api/v1/copy-register?department_id=%lld&format=csv",
                         dept_id("综合科")),
                      h_token("director"));
    ck_status(r, 200);
    ck_assert_str_eq(h_header(r, "Content-Type"), "text/csv; charset=utf-8");
    const char *head = "\xEF\xBB\xBFid,job_id,completed_at,department_id,";
    ck_assert_msg(!strncmp(r->body, head, strlen(head)), "%.80s", r->body);
    ck_assert_ptr_nonnull(strstr(r->body, "\r\n"));
    ck_assert_ptr_nonnull(strstr(r->body, pf("\r\n%lld,%lld,", h_sql_ll(
        pf("SELECT id FROM printing.copy_register WHERE job_id = %lld", id), 0, NULL), id)));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_3_copy_register_is_append_only_even_for_the_service_role)
{
    PGconn *db = h_db();
    PQclear(PQexec(db, "SET ROLE printing"));
    PGresult *res = PQexec(db, "UPDATE printing.copy_register SET sheets = 1");
    ck_assert_int_ne(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    res = PQexec(db, "DELETE FROM printing.copy_register");
    ck_assert_int_ne(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQclear(PQexec(db, "RESET ROLE"));
    /* Not even the owner's superuser path changes an entry. */
    res = PQexec(db, "UPDATE printing.copy_register SET sheets = 1");
    ck_assert_int_ne(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
}
END_TEST

START_TEST(test_R_DOC_6_completed_copies_of_a_document_are_published_to_documents)
{
    long long doc = 800000000 + getpid();
    long long a = new_job("zonghe1", "print", 3, 4, pf(",\"document_id\":%lld", doc));
    long long b = new_job("zonghe1", "print", 3, 2, pf(",\"document_id\":%lld", doc));
    new_job("zonghe1", "print", 3, 9, pf(",\"document_id\":%lld", doc)); /* not done */
    job_act_ok(a, "complete", "zonghe2", "{\"actual_pages\":3,\"actual_copies\":5}");
    job_act_ok(b, "complete", "zonghe2", "{\"actual_pages\":3,\"actual_copies\":2}");
    ck_assert(h_lists(pf("/api/v1/print-jobs?document_id=%lld&limit=200", doc), h_token("zonghe1"),
                      a));

    PGconn *db = h_db();
    PQclear(PQexec(db, "SET ROLE documents"));
    PGresult *res = PQexec(db, pf("SELECT copies FROM printing.document_copies"
                                  " WHERE document_id = %lld", doc));
    ck_assert_msg(PQresultStatus(res) == PGRES_TUPLES_OK, "%s", PQresultErrorMessage(res));
    ck_assert_int_eq(PQntuples(res), 1);
    ck_assert_str_eq(PQgetvalue(res, 0, 0), "7");
    PQclear(res);
    res = PQexec(db, "SELECT count(*) FROM printing.print_jobs");
    ck_assert_int_ne(PQresultStatus(res), PGRES_TUPLES_OK);
    PQclear(res);
    PQclear(PQexec(db, "RESET ROLE"));
}
END_TEST

/* The report's figures of one department as a JSON object (borrowed from r). */
static json_t *report_row(resp_t *r, long long dept)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "departments"), i, e) {
        if (json_integer_value(json_object_get(e, "department_id")) == dept)
            return e;
    }
    return NULL;
}

static long long figure(resp_t *r, long long dept, const char *key)
{
    json_t *row = report_row(r, dept);
    return row ? json_integer_value(json_object_get(row, key)) : 0;
}

static long long requester_cost(resp_t *r, long long dept)
{
    json_t *row = report_row(r, dept);
    return row ? json_integer_value(json_object_get(json_object_get(row, "print_shop_cost_fen"),
                                                    "requester"))
               : 0;
}

START_TEST(test_R_PRN_2_R_PRN_3_monthly_report_by_department)
{
    char *month = h_sql_str("SELECT to_char(now() AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')", 0,
                            NULL);
    const char *path = pf("/api/v1/reports/printing?month=%s", month);
    long long zonghe = dept_id("综合科");
    resp_t *before = h_get(path, h_token("director"));
    ck_status(before, 200);

    long long shop = new_job("zonghe1", "print_shop", 2, 10, ",\"self_funded\":true");
    job_act_ok(shop, "complete", "wenmi1",
               "{\"actual_pages\":2,\"actual_copies\":10,\"cost_fen\":3000}");
    violation_of("zonghe1");
    long long large = ready_large_copy();
    job_act_ok(large, "complete", "wenmi1",
               pf("{\"actual_pages\":10,\"actual_copies\":%lld}", large_threshold() / 10 + 5));

    resp_t *after = h_get(path, h_token("director"));
    ck_status(after, 200);
    ck_assert_str_eq(json_string_value(json_object_get(after->json, "month")), month);
    ck_assert_int_eq(figure(after, zonghe, "jobs_completed") -
                         figure(before, zonghe, "jobs_completed"),
                     3);
    ck_assert_int_eq(figure(after, zonghe, "large_jobs") - figure(before, zonghe, "large_jobs"),
                     2);
    ck_assert_int_eq(figure(after, zonghe, "violations") - figure(before, zonghe, "violations"),
                     1);
    ck_assert_int_ge(figure(after, zonghe, "approvals") - figure(before, zonghe, "approvals"), 1);
    ck_assert_int_eq(requester_cost(after, zonghe) - requester_cost(before, zonghe), 3000);
    ck_assert_int_ge(figure(after, zonghe, "sheets") - figure(before, zonghe, "sheets"),
                     20 + 2 * large_threshold());
    h_free(before);
    h_free(after);

    /* A clerk reads his own department's figures only. */
    resp_t *r = h_get(path, h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "departments")), 1);
    ck_assert_ptr_nonnull(report_row(r, zonghe));
    h_free(r);
    r = h_get(pf("%s&department_id=%lld", path, dept_id("文秘科")), h_token("zonghe1"));
    ck_assert(h_problem(r, 403, NULL, NULL, NULL));
    h_free(r);
    free(month);
}
END_TEST

/* A register entry of 信息科 completed at `at` (an SQL timestamptz text),
 * written straight into the database as an older entry would be: only
 * INSERT is possible. Answers its id. */
static long long backdated_entry(const char *at)
{
    const char *p[] = {pf("%lld", dept_id("信息科")), at, pf("%lld", h_user_id("xinxi1")),
                       pf("%lld", h_user_id("wenmi1")), pf("%lld", dept_id("文秘科"))};
    return h_sql_ll(
        "WITH j AS (INSERT INTO printing.print_jobs(requester_id, department_id, kind, title,"
        "  pages, copies, sheets, operator_department_id, large_threshold, is_large, state,"
        "  actual_pages, actual_copies, actual_sheets, completed_by, completed_at)"
        " VALUES ($3, $1, 'copy', 'old-' || $2, 10, 30, 300, $5, 200, true, 'completed',"
        "  10, 30, 300, $4, $2::timestamptz) RETURNING *)"
        " INSERT INTO printing.copy_register(job_id, department_id, department_name,"
        "  requester_id, requester_name, operator_id, operator_name, kind, title, pages, copies,"
        "  sheets, approver_id, approver_name, without_approval, completed_at)"
        " SELECT j.id, j.department_id, '信息科', j.requester_id, 'x', j.completed_by, 'y',"
        "  j.kind, j.title, 10, 30, 300, $4, 'z', false, j.completed_at FROM j RETURNING id",
        5, p);
}

static long long page_item(resp_t *r, size_t i)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(r->json, "items"), i), "id"));
}

START_TEST(test_R_PRN_3_a_departments_register_by_period_newest_first_in_pages)
{
    long long e[5];
    for (int i = 0; i < 5; i++)
        e[i] = backdated_entry(pf("2020-03-0%d 10:00:00+08", i + 1));
    const char *period = pf("department_id=%lld&from=2020-03-02&to=2020-03-04", dept_id("信息科"));
    const char *readers[] = {"director", "xinxi1"};
    for (int k = 0; k < 2; k++) {
        resp_t *r = h_get(pf("/api/v1/copy-register?%s&limit=2", period), h_token(readers[k]));
        ck_status(r, 200);
        ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 2);
        ck_assert_int_eq(page_item(r, 0), e[3]);
        ck_assert_int_eq(page_item(r, 1), e[2]);
        const char *cursor = json_string_value(json_object_get(r->json, "next_cursor"));
        ck_assert_ptr_nonnull(cursor);
        resp_t *r2 = h_get(pf("/api/v1/copy-register?%s&limit=2&cursor=%s", period, cursor),
                           h_token(readers[k]));
        ck_status(r2, 200);
        ck_assert_int_eq(json_array_size(json_object_get(r2->json, "items")), 1);
        ck_assert_int_eq(page_item(r2, 0), e[1]);
        ck_assert(json_is_null(json_object_get(r2->json, "next_cursor")));
        h_free(r2);
        h_free(r);
    }
    /* Another section's clerk reads none of it. */
    resp_t *r = h_get(pf("/api/v1/copy-register?%s", period), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert_int_eq(json_array_size(json_object_get(r->json, "items")), 0);
    h_free(r);
    /* The export holds the whole period: a header and three rows. */
    r = h_get(pf("/api/v1/copy-register?%s&format=csv", period), h_token("xinxi1"));
    ck_status(r, 200);
    int rows = 0;
    for (const char *c = r->body; (c = strstr(c, "\r\n")); c += 2)
        rows++;
    ck_assert_int_eq(rows, 4);
    h_free(r);
}
END_TEST

START_TEST(register_and_report_bad_queries_are_400)
{
    const char *bad[] = {
        "/api/v1/copy-register?from=2026-13-01",
        "/api/v1/copy-register?from=2026-05-02&to=2026-05-01",
        "/api/v1/copy-register?department_id=abc",
        "/api/v1/copy-register?format=xml",
        "/api/v1/reports/printing",
        "/api/v1/reports/printing?month=2026-13",
        "/api/v1/reports/printing?month=2026-1",
        "/api/v1/reports/printing?month=abcd-ef",
        "/api/v1/violations?year=12",
        "/api/v1/violations?state=closed",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        resp_t *r = h_get(bad[i], h_token("director"));
        ck_assert_msg(h_problem(r, 400, NULL, NULL, NULL), "%s: %s", bad[i], r->body);
        h_free(r);
    }
    resp_t *r = h_get("/api/v1/copy-register/999999999", h_token("director"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/violations/999999999", h_token("director"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("printing_register");
    TCase *tc = tcase_create("register");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_PRN_6_only_office_staff_of_the_running_section_complete_a_job);
    tcase_add_test(tc, test_R_PRN_3_a_large_job_enters_the_copy_register_with_its_real_figures);
    tcase_add_test(tc, test_R_PRN_3_concurrent_completions_register_a_job_once);
    tcase_add_test(tc, test_R_PRN_3_a_large_job_done_without_approval_is_a_violation);
    tcase_add_test(tc, test_R_PRN_3_the_director_follows_a_violation_up);
    tcase_add_test(tc, test_R_PRN_3_unauthorised_copying_found_later_is_registered_and_followed_up);
    tcase_add_test(tc, test_R_PRN_3_copy_register_exported_as_csv_with_a_byte_order_mark);
    tcase_add_test(tc, test_R_PRN_3_copy_register_is_append_only_even_for_the_service_role);
    tcase_add_test(tc, test_R_DOC_6_completed_copies_of_a_document_are_published_to_documents);
    tcase_add_test(tc, test_R_PRN_2_R_PRN_3_monthly_report_by_department);
    tcase_add_test(tc, test_R_PRN_3_a_departments_register_by_period_newest_first_in_pages);
    tcase_add_test(tc, register_and_report_bad_queries_are_400);
    tcase_add_test(tc, each_event_of_a_job_starts_where_the_one_before_ended);
    suite_add_tcase(s, tc);
    return h_run(s);
}
