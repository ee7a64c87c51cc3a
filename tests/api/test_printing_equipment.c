/* Equipment registered and its maintenance logged (R-PRN-5) by office staff
 * (R-PRN-6), and copy-room visits of people who are not office staff,
 * registered with their reason (R-PRN-6). */
#include "test_printing_fixtures.h"

static resp_t *post_equipment(const char *who, const char *extra)
{
    return h_post("/api/v1/equipment", h_token(who),
                  pf("{\"name\":\"%s\",\"kind\":\"copier\",\"department_id\":%lld,"
                     "\"location\":\"copy_room\"%s}",
                     unique("复印机"), dept_id("文秘科"), extra ? extra : ""));
}

static long long new_equipment(void)
{
    resp_t *r = post_equipment("wenmi1", NULL);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

START_TEST(test_R_PRN_5_equipment_is_registered_by_the_secretariat)
{
    const char *serial = unique("SN");
    resp_t *r = post_equipment("wenmi1", pf(",\"model\":\"理光\",\"serial_number\":\"%s\"", serial));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "state"), "in_service");
    ck_assert_str_eq(h_str(r, "location"), "copy_room");
    ck_assert_int_eq(h_int(r, "registered_by"), h_user_id("wenmi1"));
    h_free(r);
    ck_assert_int_eq(audits("equipment", id, "create"), 1);
    r = post_equipment("admin", NULL);
    ck_status(r, 201);
    h_free(r);

    const char *refused[] = {"zonghe1", "director", "town1_clerk"};
    for (int i = 0; i < 3; i++) {
        r = post_equipment(refused[i], NULL);
        ck_assert_msg(h_problem(r, 403, "equipment.not_registrar", "R-PRN-5", NULL), "%s: %s",
                      refused[i], r->body);
        h_free(r);
    }
    r = post_equipment("wenmi1", pf(",\"serial_number\":\"%s\"", serial));
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "serial_number"), "%s", r->body);
    h_free(r);
    r = h_post("/api/v1/equipment", h_token("wenmi1"),
               pf("{\"name\":\"x\",\"kind\":\"copier\",\"department_id\":%lld,"
                  "\"location\":\"section\"}",
                  dept_id("某某乡")));
    ck_assert_msg(h_problem(r, 400, NULL, NULL, "department_id"), "%s", r->body);
    h_free(r);
    const char *bad[][2] = {
        {"{\"name\":\"x\",\"kind\":\"fax\",\"department_id\":1,\"location\":\"section\"}", "kind"},
        {"{\"name\":\"\",\"kind\":\"copier\",\"department_id\":1,\"location\":\"section\"}", "name"},
        {"{\"name\":\"x\",\"kind\":\"copier\",\"location\":\"section\"}", "department_id"},
        {"{\"name\":\"x\",\"kind\":\"copier\",\"department_id\":1,\"location\":\"hall\"}", "location"},
    };
    for (int i = 0; i < 4; i++) {
        r = h_post("/api/v1/equipment", h_token("wenmi1"), bad[i][0]);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, bad[i][1]), "%s: %s", bad[i][0], r->body);
        h_free(r);
    }

    /* Everyone reads the register. */
    ck_assert(h_lists("/api/v1/equipment?location=copy_room&limit=200", h_token("zonghe1"), id));
    ck_assert(!h_lists("/api/v1/equipment?location=section&limit=200", h_token("zonghe1"), id));
    r = h_get(pf("/api/v1/equipment/%lld", id), h_token("xinxi1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "serial_number"), serial);
    h_free(r);
    r = h_get("/api/v1/equipment/999999999", h_token("xinxi1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_5_maintenance_is_logged_by_office_staff)
{
    long long id = new_equipment();
    const char *path = pf("/api/v1/equipment/%lld/maintenance", id);
    resp_t *r = h_post(path, h_token("wenmi1"), "{\"kind\":\"repair\",\"note\":\"更换定影组件\"}");
    ck_status(r, 201);
    long long entry = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "equipment_id"), id);
    ck_assert_int_eq(h_int(r, "performed_by"), h_user_id("wenmi1"));
    h_free(r);
    ck_assert_int_eq(audits("maintenance", entry, "create"), 1);
    ck_assert(h_lists(pf("%s?limit=200", path), h_token("zonghe1"), entry));
    r = h_get(pf("/api/v1/equipment/%lld", id), h_token("zonghe1"));
    ck_status(r, 200);
    ck_assert(json_is_string(json_object_get(r->json, "last_maintenance_at")));
    h_free(r);

    /* R-PRN-6: people who are not office staff do not touch it. */
    const char *refused[] = {"town1_clerk", "mayor"};
    for (int i = 0; i < 2; i++) {
        r = h_post(path, h_token(refused[i]), "{\"kind\":\"cleaning\",\"note\":\"清洁\"}");
        ck_assert_msg(h_problem(r, 403, "equipment.not_office_staff", "R-PRN-6", NULL), "%s: %s",
                      refused[i], r->body);
        h_free(r);
    }
    r = h_post(path, h_token("wenmi1"), "{\"kind\":\"polish\",\"note\":\"x\"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "kind"));
    h_free(r);
    r = h_post(path, h_token("wenmi1"), "{\"kind\":\"cleaning\"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "note"));
    h_free(r);
    r = h_post("/api/v1/equipment/999999999/maintenance", h_token("wenmi1"),
               "{\"kind\":\"cleaning\",\"note\":\"x\"}");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/equipment/999999999/maintenance", h_token("wenmi1"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    const char *p[] = {pf("%lld", id)};
    ck_assert_int_eq(
        h_sql_ll("SELECT count(*) FROM printing.maintenance_log WHERE equipment_id = $1", 1, p), 1);

    /* The log is append-only. */
    PGconn *db = h_db();
    PQclear(PQexec(db, "SET ROLE printing"));
    PGresult *res = PQexec(db, "DELETE FROM printing.maintenance_log");
    ck_assert_int_ne(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQclear(PQexec(db, "RESET ROLE"));
}
END_TEST

START_TEST(test_R_PRN_5_the_secretariat_keeps_the_register_up_to_date)
{
    long long id = new_equipment();
    const char *path = pf("/api/v1/equipment/%lld", id);
    resp_t *r = h_patch(path, h_token("zonghe1"), "{\"state\":\"out_of_service\"}");
    ck_assert_msg(h_problem(r, 403, "equipment.not_registrar", "R-PRN-5", NULL), "%s", r->body);
    h_free(r);
    r = h_patch(path, h_token("wenmi1"), "{}");
    ck_assert(h_problem(r, 400, NULL, NULL, NULL));
    h_free(r);
    r = h_patch(path, h_token("wenmi1"), "{\"state\":\"broken\"}");
    ck_assert(h_problem(r, 400, NULL, NULL, "state"));
    h_free(r);
    const char *stale[] = {"If-Match: \"9\"", NULL};
    r = h_req("PATCH", path, h_token("wenmi1"), "{\"state\":\"out_of_service\"}", stale);
    ck_assert(h_problem(r, 412, NULL, NULL, NULL));
    h_free(r);
    r = h_patch(path, h_token("wenmi1"), "{\"state\":\"out_of_service\",\"location\":\"section\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "out_of_service");
    ck_assert_str_eq(h_str(r, "location"), "section");
    ck_assert_int_eq(h_int(r, "version"), 2);
    h_free(r);
    ck_assert_int_eq(audits("equipment", id, "update"), 1);
    r = h_patch(path, h_token("admin"), "{\"state\":\"retired\"}");
    ck_status(r, 200);
    h_free(r);
    /* Retired: kept as it was, and no more upkeep is logged. */
    r = h_patch(path, h_token("wenmi1"), "{\"name\":\"新名称\"}");
    ck_assert_msg(h_problem(r, 409, "equipment.retired", NULL, NULL), "%s", r->body);
    h_free(r);
    r = h_post(pf("%s/maintenance", path), h_token("wenmi1"),
               "{\"kind\":\"repair\",\"note\":\"x\"}");
    ck_assert_msg(h_problem(r, 409, "equipment.retired", NULL, NULL), "%s", r->body);
    h_free(r);
    r = h_patch("/api/v1/equipment/999999999", h_token("wenmi1"), "{\"state\":\"retired\"}");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
}
END_TEST

START_TEST(test_R_PRN_6_copy_room_visits_by_others_are_registered_with_their_reason)
{
    /* The visitor registers his own visit. */
    resp_t *r = h_post("/api/v1/copy-room-visits", h_token("town1_clerk"),
                       "{\"reason\":\"领取乡镇会议材料\"}");
    ck_status(r, 201);
    long long own = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "visitor_id"), h_user_id("town1_clerk"));
    ck_assert_str_eq(h_str(r, "reason"), "领取乡镇会议材料");
    h_free(r);
    ck_assert_int_eq(audits("copy_room_visit", own, "create"), 1);

    /* Office staff register a district leader's visit. */
    r = h_post("/api/v1/copy-room-visits", h_token("wenmi1"),
               pf("{\"visitor_id\":%lld,\"reason\":\"审阅待印文件\","
                  "\"visited_at\":\"2026-01-05T09:30:00+08:00\"}",
                  h_user_id("mayor")));
    ck_status(r, 201);
    long long other = h_int(r, "id");
    ck_assert_int_eq(h_int(r, "registered_by"), h_user_id("wenmi1"));
    h_free(r);

    /* Office staff work there and are not visitors. */
    r = h_post("/api/v1/copy-room-visits", h_token("zonghe1"), "{\"reason\":\"复印\"}");
    ck_assert_msg(h_problem(r, 422, "copy_room_visit.office_staff", "R-PRN-6", NULL), "%s",
                  r->body);
    h_free(r);
    /* Someone not office staff does not register another's visit. */
    r = h_post("/api/v1/copy-room-visits", h_token("town1_clerk"),
               pf("{\"visitor_id\":%lld,\"reason\":\"x\"}", h_user_id("mayor")));
    ck_assert_msg(h_problem(r, 403, "copy_room_visit.not_office_staff", "R-PRN-6", NULL), "%s",
                  r->body);
    h_free(r);
    const char *bad[][2] = {
        {"{}", "reason"},
        {"{\"reason\":\" \"}", "reason"},
        {"{\"reason\":\"x\",\"visitor_id\":999999999}", "visitor_id"},
        {pf("{\"reason\":\"x\",\"visitor_id\":%lld,\"visited_at\":\"2999-01-01T00:00:00Z\"}",
            h_user_id("mayor")),
         "visited_at"},
        {"{\"reason\":\"x\",\"visited_at\":\"yesterday\"}", "visited_at"},
    };
    for (int i = 0; i < 5; i++) {
        r = h_post("/api/v1/copy-room-visits", h_token("wenmi1"), bad[i][0]);
        ck_assert_msg(h_problem(r, 400, NULL, NULL, bad[i][1]), "%s: %s", bad[i][0], r->body);
        h_free(r);
    }

    /* The office reads every visit; the visitor his own. */
    ck_assert(h_lists("/api/v1/copy-room-visits?limit=200", h_token("wenmi1"), own));
    ck_assert(h_lists("/api/v1/copy-room-visits?from=2026-01-05&to=2026-01-05&limit=200",
                      h_token("director"), other));
    ck_assert(h_lists("/api/v1/copy-room-visits?limit=200", h_token("town1_clerk"), own));
    ck_assert(!h_lists("/api/v1/copy-room-visits?limit=200", h_token("town1_clerk"), other));
    r = h_get(pf("/api/v1/copy-room-visits/%lld", other), h_token("town1_clerk"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = h_get("/api/v1/copy-room-visits?from=2026-02-01&to=2026-01-01", h_token("wenmi1"));
    ck_assert(h_problem(r, 400, NULL, NULL, "to"));
    h_free(r);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("printing_equipment");
    TCase *tc = tcase_create("equipment");
    tcase_set_timeout(tc, 120);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc, test_R_PRN_5_equipment_is_registered_by_the_secretariat);
    tcase_add_test(tc, test_R_PRN_5_maintenance_is_logged_by_office_staff);
    tcase_add_test(tc, test_R_PRN_5_the_secretariat_keeps_the_register_up_to_date);
    tcase_add_test(tc, test_R_PRN_6_copy_room_visits_by_others_are_registered_with_their_reason);
    suite_add_tcase(s, tc);
    return h_run(s);
}
