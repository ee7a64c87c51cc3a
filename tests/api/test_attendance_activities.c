/* Mandatory office activities (R-ATT-5). Activities are created in the
 * future (years 2095-2098) so that absence can be asked for beforehand,
 * then moved into the past by admin SQL (years 2010-2012 are this file's)
 * so that attendance can be recorded. */
#include "test_attendance_common.h"

static const char *at(long day, const char *hhmm)
{
    return h_fmt("%sT%s:00+08:00", att_date(day), hhmm);
}

static resp_t *create_activity(const char *user, const char *title, const char *kind,
                               const char *starts, const char *ends, const char *ids)
{
    return h_post("/api/v1/activities", h_token(user),
                  h_fmt("{\"title\":\"%s\",\"kind\":\"%s\",\"starts_at\":\"%s\",\"ends_at\":\"%s\","
                        "\"participant_ids\":%s}",
                        title, kind, starts, ends, ids));
}

static long long activity_id(const char *user, const char *title, const char *starts,
                             const char *ends, const char *ids)
{
    resp_t *r = create_activity(user, title, "labour", starts, ends, ids);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

static const char *ids2(const char *a, const char *b)
{
    return h_fmt("[%lld,%lld]", h_user_id(a), h_user_id(b));
}

/* Moves an activity in time, as if it had taken place then. */
static void move_activity(long long id, const char *starts, const char *ends)
{
    h_sql(h_fmt("UPDATE attendance.activities SET starts_at = '%s', ends_at = '%s' WHERE id = %lld",
                starts, ends, id));
}

static resp_t *ask_absence(const char *user, long long activity)
{
    return h_post(h_fmt("/api/v1/activities/%lld/absence-requests", activity), h_token(user),
                  "{\"reason\":\"hospital appointment\"}");
}

static resp_t *mark(const char *by, long long activity, const char *user, bool present)
{
    return h_post(h_fmt("/api/v1/activities/%lld/attendance", activity), h_token(by),
                  h_fmt("{\"user_id\":%lld,\"present\":%s}", h_user_id(user),
                        present ? "true" : "false"));
}

/* The participant entry of user in an activity document. */
static json_t *participant(resp_t *r, const char *user)
{
    long long uid = h_user_id(user);
    size_t i;
    json_t *p;
    json_array_foreach(json_object_get(r->json, "participants"), i, p) {
        if (json_integer_value(json_object_get(p, "user_id")) == uid)
            return p;
    }
    return NULL;
}

static long long activity_absences(long long activity, const char *user)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", activity);
    const char *p[] = {b, user};
    return h_sql_ll("SELECT count(*) FROM attendance.absences a JOIN identity.users u"
                    " ON u.id = a.user_id WHERE a.source_type = 'activity'"
                    " AND a.source_id = $1::bigint AND u.username = $2",
                    2, p);
}

START_TEST(test_R_ATT_5_absence_with_director_approval_is_excused)
{
    long mon = att_next(2095, 4, 1, 1);
    long long id = activity_id("director", "spring tree planting", at(mon, "08:00"),
                               at(mon, "17:00"), ids2("zonghe1", "zonghe2"));
    ck_assert_int_eq(att_notes("zonghe1", "activity_scheduled", "activity", id), 1);
    ck_assert_int_eq(att_notes("zonghe2", "activity_scheduled", "activity", id), 1);
    resp_t *r = ask_absence("zonghe1", id);
    ck_status(r, 201);
    ck_assert_str_eq(h_str(r, "state"), "pending");
    long long req = h_int(r, "id");
    h_free(r);
    ck_assert_int_eq(att_notes("director", "activity_absence_to_approve",
                               "activity_absence_request", req), 1);
    ck_assert(h_lists("/api/v1/activity-absence-requests?to_approve=true&limit=200",
                      h_token("director"), req));
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/approve", req), h_token("director"),
               "{\"comment\":\"get well\"}");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    h_free(r);
    ck_assert_int_eq(att_notes("zonghe1", "activity_absence_approved",
                               "activity_absence_request", req), 1);
    ck_assert_int_eq(att_audits("activity_absence_request", req, "approve"), 1);

    long past = att_next(2010, 4, 1, 1);
    move_activity(id, at(past, "08:00"), at(past, "17:00"));
    r = mark("director", id, "zonghe1", false);
    ck_status(r, 200);
    ck_assert_str_eq(att_str(participant(r, "zonghe1"), "attendance"), "excused");
    ck_assert(json_is_null(json_object_get(participant(r, "zonghe1"), "absence_id")));
    h_free(r);
    r = mark("director", id, "zonghe2", true);
    ck_status(r, 200);
    ck_assert_str_eq(att_str(participant(r, "zonghe2"), "attendance"), "present");
    h_free(r);
    ck_assert_int_eq(activity_absences(id, "zonghe1") + activity_absences(id, "zonghe2"), 0);
    ck_assert_int_eq(att_audits("activity", id, "attendance"), 2);
}
END_TEST

START_TEST(test_R_ATT_5_absence_without_approval_is_absenteeism)
{
    /* A two-day meeting, recorded after the fact by the secretariat:
     * Tuesday 09:00 to Wednesday 12:00 is three working half-days. */
    long tue = att_next(2011, 5, 1, 2);
    long long id = activity_id("wenmi1", "district work conference", at(tue, "09:00"),
                               at(tue + 1, "12:00"), ids2("xinxi1", "custodian"));
    resp_t *r = mark("wenmi1", id, "xinxi1", false);
    ck_status(r, 200);
    json_t *p = participant(r, "xinxi1");
    ck_assert_str_eq(att_str(p, "attendance"), "absent");
    long long absence = json_integer_value(json_object_get(p, "absence_id"));
    ck_assert(absence > 0);
    h_free(r);
    r = h_get(h_fmt("/api/v1/absences/%lld", absence), h_token("xinxi1"));
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "cause"), "activity_absence");
    ck_assert_str_eq(h_str(r, "date"), att_date(tue));
    ck_assert_int_eq(h_int(r, "half_days"), 3);
    ck_assert_str_eq(att_str(json_object_get(r->json, "source"), "type"), "activity");
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(r->json, "source"), "id")),
                     id);
    h_free(r);
    ck_assert_int_eq(att_notes("xinxi1", "absence_recorded", "absence", absence), 1);

    /* A refused request is no excuse; a Saturday event still costs at
     * least one half-day. */
    long sat = att_next(2096, 6, 1, 6);
    long long event = activity_id("director", "collective volunteering", at(sat, "09:00"),
                                  at(sat, "11:00"), ids2("custodian", "wenmi1"));
    r = ask_absence("custodian", event);
    ck_status(r, 201);
    long long req = h_int(r, "id");
    h_free(r);
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/reject", req), h_token("director"),
               NULL);
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "rejected");
    h_free(r);
    ck_assert_int_eq(att_notes("custodian", "activity_absence_rejected",
                               "activity_absence_request", req), 1);
    long past_sat = att_next(2011, 9, 1, 6);
    move_activity(event, at(past_sat, "09:00"), at(past_sat, "11:00"));
    r = mark("director", event, "custodian", false);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(activity_absences(event, "custodian"), 1);
    ck_assert_int_eq(att_count("SELECT half_days FROM attendance.absences"
                               " WHERE source_type = 'activity' AND source_id = $1::bigint",
                               event),
                     1);
}
END_TEST

START_TEST(test_R_ATT_5_only_the_director_decides_absence_requests)
{
    long mon = att_next(2097, 3, 1, 1);
    long long id = activity_id("director", "office meeting", at(mon, "09:00"), at(mon, "11:00"),
                               ids2("zonghe2", "xinxi1"));
    resp_t *r = ask_absence("zonghe2", id);
    ck_status(r, 201);
    long long req = h_int(r, "id");
    h_free(r);
    /* Bad bodies. */
    const char *bad[][2] = {{"{}", "reason"}, {"{\"reason\":\"\"}", "reason"},
                            {"{\"reason\":\"ill\",\"days\":1}", "days"}};
    for (size_t i = 0; i < 3; i++) {
        r = h_post(h_fmt("/api/v1/activities/%lld/absence-requests", id), h_token("xinxi1"),
                   bad[i][0]);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i][1]), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/approve", req), h_token("director"),
               "{\"comment\":1}");
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "comment"));
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.activity_absence_requests r"
                               " JOIN identity.users u ON u.id = r.user_id"
                               " WHERE r.activity_id = $1::bigint AND u.username = 'xinxi1'",
                               id), 0);
    /* Asking twice. */
    r = ask_absence("zonghe2", id);
    ck_assert(h_problem(r, 409, "activity.absence_requested", NULL, NULL));
    h_free(r);
    /* Not a participant, though the secretariat sees the activity. */
    r = ask_absence("wenmi1", id);
    ck_assert(h_problem(r, 403, "activity.not_participant", "R-ATT-5", NULL));
    h_free(r);
    r = ask_absence("zonghe1", id);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* Deciders other than the director. */
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/approve", req), h_token("deputy2"),
               NULL);
    ck_assert(h_problem(r, 403, "activity.not_director", "R-ATT-5", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/approve", req), h_token("sec2"), NULL);
    ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
    h_free(r);
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/approve", req), h_token("zonghe1"),
               NULL);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.activity_absence_requests"
                               " WHERE id = $1::bigint AND state = 'pending'", req), 1);
    /* After the start it is too late to ask. */
    move_activity(id, at(att_next(2012, 3, 1, 1), "09:00"), at(att_next(2012, 3, 1, 1), "11:00"));
    r = ask_absence("xinxi1", id);
    ck_assert(h_problem(r, 409, "activity.started", "R-ATT-5", NULL));
    h_free(r);
    /* A pending request must be decided before the absence is recorded. */
    r = mark("director", id, "zonghe2", false);
    ck_assert(h_problem(r, 409, "activity.absence_request_pending", "R-ATT-5", NULL));
    h_free(r);
    ck_assert_int_eq(activity_absences(id, "zonghe2"), 0);
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/approve", req), h_token("director"),
               NULL);
    ck_status(r, 200);
    h_free(r);
    r = h_post(h_fmt("/api/v1/activity-absence-requests/%lld/reject", req), h_token("director"),
               NULL);
    ck_assert(h_problem(r, 409, "activity.absence_decided", NULL, NULL));
    h_free(r);
    r = mark("director", id, "zonghe2", false);
    ck_status(r, 200);
    ck_assert_str_eq(att_str(participant(r, "zonghe2"), "attendance"), "excused");
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_5_attendance_recording_refusals)
{
    long mon = att_next(2097, 6, 1, 1);
    long long id = activity_id("director", "fire drill", at(mon, "09:00"), at(mon, "10:00"),
                               ids2("sec1", "xinxi1"));
    /* Not yet started. */
    resp_t *r = mark("director", id, "sec1", true);
    ck_assert(h_problem(r, 409, "activity.not_started", NULL, NULL));
    h_free(r);
    long past = att_next(2012, 6, 1, 1);
    move_activity(id, at(past, "09:00"), at(past, "10:00"));
    /* Not the organiser, the director or the secretariat. */
    r = mark("zonghe_chief", id, "sec1", true);
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = mark("xinxi1", id, "sec1", true);
    ck_assert(h_problem(r, 403, "activity.not_organiser", NULL, NULL));
    h_free(r);
    /* Not a participant; bad bodies. */
    r = mark("director", id, "zonghe1", false);
    ck_assert(h_problem(r, 400, "request.invalid", NULL, "user_id"));
    h_free(r);
    const char *bad[][2] = {{"{\"user_id\":1}", "present"},
                            {"{\"present\":true}", "user_id"},
                            {"{\"user_id\":\"x\",\"present\":true}", "user_id"},
                            {"{\"user_id\":1,\"present\":\"yes\"}", "present"},
                            {"{\"user_id\":1,\"present\":true,\"late\":true}", "late"}};
    for (size_t i = 0; i < 5; i++) {
        r = h_post(h_fmt("/api/v1/activities/%lld/attendance", id), h_token("director"), bad[i][0]);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i][1]), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    r = mark("wenmi_chief", id, "sec1", true);
    ck_status(r, 200);
    h_free(r);
    r = mark("director", id, "sec1", false);
    ck_assert(h_problem(r, 409, "activity.attendance_recorded", NULL, NULL));
    h_free(r);
    ck_assert_int_eq(activity_absences(id, "sec1"), 0);
    ck_assert_int_eq(att_audits("activity", id, "attendance"), 1);

    /* Nobody records their own attendance, not even the organiser or the
     * secretariat; someone else does. */
    long long own = activity_id("wenmi_chief", "flag raising", at(mon, "08:00"),
                                at(mon, "08:30"), ids2("wenmi_chief", "director"));
    move_activity(own, at(past, "08:00"), at(past, "08:30"));
    r = mark("wenmi_chief", own, "wenmi_chief", true);
    ck_assert(h_problem(r, 403, "activity.own_attendance", "R-ATT-5", NULL));
    h_free(r);
    r = mark("director", own, "director", true);
    ck_assert(h_problem(r, 403, "activity.own_attendance", "R-ATT-5", NULL));
    h_free(r);
    ck_assert_int_eq(att_audits("activity", own, "attendance"), 0);
    r = mark("director", own, "wenmi_chief", true);
    ck_status(r, 200);
    h_free(r);
    r = mark("wenmi_chief", own, "director", true);
    ck_status(r, 200);
    h_free(r);
}
END_TEST

START_TEST(test_R_ATT_5_create_refusals_store_nothing)
{
    const char *title = "R-ATT-5 refused activity";
    long mon = att_next(2097, 9, 1, 1);
    const char *s = at(mon, "09:00"), *e = at(mon, "11:00");
    resp_t *r = create_activity("zonghe1", title, "labour", s, e, ids2("zonghe2", "xinxi1"));
    ck_assert(h_problem(r, 403, "activity.not_organiser", NULL, NULL));
    h_free(r);
    struct {
        const char *kind, *starts, *ends, *ids, *field;
    } bad[] = {
        {"labour", e, s, ids2("zonghe2", "xinxi1"), "ends_at"},
        {"party", s, e, ids2("zonghe2", "xinxi1"), "kind"},
        {"labour", s, e, "[]", "participant_ids"},
        {"labour", s, e, h_fmt("[%lld,%lld]", h_user_id("xinxi1"), h_user_id("xinxi1")),
         "participant_ids"},
        {"labour", s, e, ids2("zonghe2", "town1_clerk"), "participant_ids"},
        {"labour", s, e, "[999999]", "participant_ids"},
        {"labour", "tomorrow", e, ids2("zonghe2", "xinxi1"), "starts_at"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        r = create_activity("director", title, bad[i].kind, bad[i].starts, bad[i].ends, bad[i].ids);
        ck_assert_msg(h_problem(r, 400, "request.invalid", NULL, bad[i].field), "case %zu: %s", i,
                      r->body);
        h_free(r);
    }
    const char *p[] = {title};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM attendance.activities WHERE title = $1", 1, p),
                     0);
}
END_TEST

START_TEST(test_R_ATT_5_activity_visible_to_participants_and_organisers)
{
    long mon = att_next(2097, 11, 1, 1);
    long long id = activity_id("director", "year-end gathering", at(mon, "15:00"), at(mon, "17:00"),
                               ids2("zonghe1", "xinxi1"));
    const char *can[] = {"zonghe1", "xinxi1", "director", "deputy3", "wenmi1", "admin"};
    for (size_t i = 0; i < 6; i++) {
        resp_t *r = h_get(h_fmt("/api/v1/activities/%lld", id), h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", can[i], r->status);
        h_free(r);
    }
    resp_t *r = h_get(h_fmt("/api/v1/activities/%lld", id), h_token("zonghe2"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    ck_assert(h_lists("/api/v1/activities?mine=true&limit=200", h_token("xinxi1"), id));
    r = h_get("/api/v1/activities?kind=party", h_token("xinxi1"));
    ck_assert(h_problem(r, 400, NULL, NULL, "kind"));
    h_free(r);
}
END_TEST

/* Whether request id is in the list `query` answers user. */
static bool listed(const char *user, const char *query, long long id)
{
    return h_lists(h_fmt("/api/v1/activity-absence-requests?%s&limit=200", query),
                   h_token(user), id);
}

static resp_t *decide(const char *user, long long req, const char *action)
{
    return h_post(h_fmt("/api/v1/activity-absence-requests/%lld/%s", req, action), h_token(user),
                  "{\"comment\":\"decided\"}");
}

/* The request is as it was made: pending, undecided, at version 1. */
static void still_pending(long long req)
{
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.activity_absence_requests"
                               " WHERE id = $1::bigint AND state = 'pending'"
                               " AND decided_by IS NULL AND decided_at IS NULL AND version = 1",
                               req),
                     1);
    ck_assert_int_eq(att_audits("activity_absence_request", req, "approve") +
                         att_audits("activity_absence_request", req, "reject"),
                     0);
}

START_TEST(test_R_ATT_5_director_own_absence_goes_to_mayor)
{
    long mon = att_next(2098, 3, 1, 1);
    long long id = activity_id("wenmi1", "R-ATT-5 own request: spring labour day", at(mon, "08:00"),
                               at(mon, "12:00"), ids2("director", "zonghe1"));
    resp_t *r = ask_absence("director", id);
    ck_status(r, 201);
    long long own = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "decider_role"), "district_mayor");
    ck_assert_str_eq(h_str(r, "state"), "pending");
    h_free(r);
    r = ask_absence("zonghe1", id);
    ck_status(r, 201);
    long long staff = h_int(r, "id");
    ck_assert_str_eq(h_str(r, "decider_role"), "office_director");
    h_free(r);
    ck_assert_int_eq(att_count("SELECT count(*) FROM attendance.activity_absence_requests"
                               " WHERE id = $1::bigint AND decider_role = 'district_mayor'", own),
                     1);

    /* The mayor is told of the director's request, the director of his
     * staff's only. */
    ck_assert_int_eq(att_notes("mayor", "activity_absence_to_approve", "activity_absence_request",
                               own), 1);
    ck_assert_int_eq(att_notes("director", "activity_absence_to_approve",
                               "activity_absence_request", own), 0);
    ck_assert_int_eq(att_notes("director", "activity_absence_to_approve",
                               "activity_absence_request", staff), 1);
    ck_assert_int_eq(att_notes("mayor", "activity_absence_to_approve", "activity_absence_request",
                               staff), 0);

    /* Who sees it and whose queue it is in. */
    ck_assert(listed("mayor", "to_approve=true", own));
    ck_assert(!listed("mayor", "to_approve=true", staff));
    ck_assert(!listed("mayor", "state=pending", staff));
    ck_assert(!listed("director", "to_approve=true", own));
    ck_assert(listed("director", "to_approve=true", staff));
    ck_assert(listed("director", "mine=true", own));
    const char *can[] = {"mayor", "director", "deputy3", "admin"};
    for (size_t i = 0; i < 4; i++) {
        r = h_get(h_fmt("/api/v1/activity-absence-requests/%lld", own), h_token(can[i]));
        ck_assert_msg(r->status == 200, "%s: %ld", can[i], r->status);
        h_free(r);
    }
    const char *cannot[] = {"zonghe1", "zonghe2", "sec1", "vmayor1"};
    for (size_t i = 0; i < 4; i++) {
        r = h_get(h_fmt("/api/v1/activity-absence-requests/%lld", own), h_token(cannot[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %ld", cannot[i], r->status);
        h_free(r);
        ck_assert_msg(!listed(cannot[i], "state=pending", own), "%s lists it", cannot[i]);
    }
    r = h_get(h_fmt("/api/v1/activity-absence-requests/%lld", staff), h_token("mayor"));
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    /* The mayor reads the activity he decides an absence from; a deputy
     * mayor and a clerk who takes no part still do not. */
    r = h_get(h_fmt("/api/v1/activities/%lld", id), h_token("mayor"));
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "id"), id);
    h_free(r);
    const char *outside[] = {"vmayor1", "zonghe2"};
    for (size_t i = 0; i < 2; i++) {
        r = h_get(h_fmt("/api/v1/activities/%lld", id), h_token(outside[i]));
        ck_assert_msg(h_problem(r, 404, NULL, NULL, NULL), "%s: %ld", outside[i], r->status);
        h_free(r);
    }

    /* The director does not decide his own request; nor does anyone but
     * the district mayor. */
    r = decide("director", own, "approve");
    ck_assert(h_problem(r, 403, "activity.own_request", "R-ATT-5", NULL));
    h_free(r);
    r = decide("director", own, "reject");
    ck_assert(h_problem(r, 403, "activity.own_request", "R-ATT-5", NULL));
    h_free(r);
    r = decide("deputy2", own, "approve");
    ck_assert(h_problem(r, 403, "activity.not_decider", "R-ATT-5", NULL));
    h_free(r);
    r = decide("sec1", own, "approve");
    ck_assert(h_problem(r, 403, "secretary.cannot_decide", "R-SEC-3", NULL));
    h_free(r);
    r = decide("vmayor1", own, "approve");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    r = decide("mayor", staff, "approve");
    ck_assert(h_problem(r, 404, NULL, NULL, NULL));
    h_free(r);
    still_pending(own);
    still_pending(staff);
    ck_assert_int_eq(att_notes("director", "activity_absence_approved",
                               "activity_absence_request", own) +
                         att_notes("director", "activity_absence_rejected",
                                   "activity_absence_request", own),
                     0);

    /* The district mayor decides it. */
    r = decide("mayor", own, "approve");
    ck_status(r, 200);
    ck_assert_str_eq(h_str(r, "state"), "approved");
    ck_assert_int_eq(h_int(r, "decided_by"), h_user_id("mayor"));
    ck_assert_str_eq(h_str(r, "decider_role"), "district_mayor");
    h_free(r);
    ck_assert_int_eq(att_notes("director", "activity_absence_approved",
                               "activity_absence_request", own), 1);
    ck_assert_int_eq(att_audits("activity_absence_request", own, "approve"), 1);
    ck_assert(!listed("mayor", "to_approve=true", own));
    r = decide("mayor", own, "reject");
    ck_assert(h_problem(r, 409, "activity.absence_decided", NULL, NULL));
    h_free(r);

    /* The staff member's request stays the director's. */
    r = decide("director", staff, "reject");
    ck_status(r, 200);
    ck_assert_int_eq(h_int(r, "decided_by"), h_user_id("director"));
    h_free(r);

    /* Excused, not absent, once the activity has taken place. */
    long past = att_next(2012, 10, 1, 1);
    move_activity(id, at(past, "08:00"), at(past, "12:00"));
    r = mark("wenmi1", id, "director", false);
    ck_status(r, 200);
    ck_assert_str_eq(att_str(participant(r, "director"), "attendance"), "excused");
    h_free(r);
    ck_assert_int_eq(activity_absences(id, "director"), 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_activities");
    TCase *t = tcase_create("activities");
    tcase_set_timeout(t, 60);
    tcase_add_checked_fixture(t, h_setup, h_teardown);
    tcase_add_test(t, test_R_ATT_5_absence_with_director_approval_is_excused);
    tcase_add_test(t, test_R_ATT_5_absence_without_approval_is_absenteeism);
    tcase_add_test(t, test_R_ATT_5_only_the_director_decides_absence_requests);
    tcase_add_test(t, test_R_ATT_5_attendance_recording_refusals);
    tcase_add_test(t, test_R_ATT_5_create_refusals_store_nothing);
    tcase_add_test(t, test_R_ATT_5_activity_visible_to_participants_and_organisers);
    tcase_add_test(t, test_R_ATT_5_director_own_absence_goes_to_mayor);
    suite_add_tcase(s, t);
    return h_run(s);
}
