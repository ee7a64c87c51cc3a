#ifndef TEST_ATTENDANCE_COMMON_H
#define TEST_ATTENDANCE_COMMON_H

/* What the attendance API tests share. Every test works in calendar years
 * that no other test uses, sets the holidays and adjusted working days it
 * needs through the API, and finds weekdays by computing them, never from
 * remembered dates. */

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* Days since 1970-01-01 of y-m-d, and back, through the C library. */
static inline long att_day(int y, int m, int d)
{
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    return (long)(timegm(&t) / 86400);
}

/* YYYY-MM-DD of a day number, in a per-thread ring of buffers. */
static inline const char *att_date(long day)
{
    static __thread char bufs[8][16];
    static __thread int k;
    char *out = bufs[k++ % 8];
    time_t s = (time_t)day * 86400 + 43200;
    struct tm t;
    gmtime_r(&s, &t);
    strftime(out, 16, "%Y-%m-%d", &t);
    return out;
}

/* 1 = Monday ... 7 = Sunday. */
static inline int att_dow(long day)
{
    time_t s = (time_t)day * 86400 + 43200;
    struct tm t;
    gmtime_r(&s, &t);
    return t.tm_wday == 0 ? 7 : t.tm_wday;
}

/* The first day on or after y-m-d that is weekday dow. */
static inline long att_next(int y, int m, int d, int dow)
{
    long day = att_day(y, m, d);
    while (att_dow(day) != dow)
        day++;
    return day;
}

/* PUT /calendar/{year} as the administrator; holidays and workdays are JSON
 * arrays. */
static inline void att_calendar(int year, const char *holidays, const char *workdays)
{
    resp_t *r = h_req("PUT", h_fmt("/api/v1/calendar/%d", year), h_token("admin"),
                      h_fmt("{\"holidays\":%s,\"workdays\":%s}", holidays, workdays), NULL);
    ck_status(r, 200);
    h_free(r);
}

/* POST /leave-requests for user. */
static inline resp_t *att_leave(const char *user, const char *kind, long start, const char *sh,
                                long end, const char *eh)
{
    return h_post("/api/v1/leave-requests", h_token(user),
                  h_fmt("{\"kind\":\"%s\",\"reason\":\"attendance test\",\"start_date\":\"%s\","
                        "\"start_half\":\"%s\",\"end_date\":\"%s\",\"end_half\":\"%s\"}",
                        kind, att_date(start), sh, att_date(end), eh));
}

/* Creates a leave request and returns its id (the request must succeed). */
static inline long long att_leave_id(const char *user, long start, const char *sh, long end,
                                     const char *eh)
{
    resp_t *r = att_leave(user, "private", start, sh, end, eh);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

/* Leave is asked for before it starts (R-ATT-2, R-ATT-3), so a test that
 * needs leave in the past requests it while it still lies ahead: ATT_AHEAD
 * days later (whole weeks, so the same weekdays, in years no test uses),
 * then moves it back by as much, as if that time had passed. Returns the
 * id (the request must succeed). */
#define ATT_AHEAD (5218L * 7)

/* Moves leave request id (and its extension) back by ATT_AHEAD days, as
 * if that time had passed. */
static inline void att_leave_move_back(long long id)
{
    char b[24], d[24];
    snprintf(b, sizeof b, "%lld", id);
    snprintf(d, sizeof d, "%ld", ATT_AHEAD);
    const char *p[] = {b, d};
    ck_assert_int_eq(
        h_sql_ll("WITH m AS (UPDATE attendance.leave_requests SET"
                 " start_date = start_date - $2::integer, end_date = end_date - $2::integer,"
                 " ext_end_date = ext_end_date - $2::integer,"
                 " starts_at = attendance.half_start(start_date - $2::integer, start_half),"
                 " ends_at = CASE WHEN ext_state = 'granted'"
                 "  THEN attendance.half_end(ext_end_date - $2::integer, ext_end_half)"
                 "  ELSE attendance.half_end(end_date - $2::integer, end_half) END"
                 " WHERE id = $1::bigint RETURNING 1) SELECT count(*) FROM m",
                 2, p),
        1);
}

static inline long long att_leave_past_id(const char *user, const char *kind, long start,
                                          const char *sh, long end, const char *eh)
{
    resp_t *r = att_leave(user, kind, start + ATT_AHEAD, sh, end + ATT_AHEAD, eh);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    att_leave_move_back(id);
    return id;
}

/* A one-page PDF's first bytes ("%PDF-1.4\n%medical certificate\n"), in
 * base64: the scan attached to a written explanation (R-ATT-4). */
#define ATT_PDF_BASE64 "JVBERi0xLjQKJW1lZGljYWwgY2VydGlmaWNhdGUK"

/* The body of POST /leave-requests/{id}/explanation: text and the scan. */
static inline const char *att_explanation(const char *text)
{
    return h_fmt("{\"text\":\"%s\",\"attachment\":{\"file_name\":\"certificate.pdf\","
                 "\"content_type\":\"application/pdf\",\"data\":\"" ATT_PDF_BASE64 "\"}}",
                 text);
}

/* POST /leave-requests/{id}/{action} as user with body (may be NULL). */
static inline resp_t *att_leave_act(const char *user, long long id, const char *action,
                                    const char *body)
{
    return h_post(h_fmt("/api/v1/leave-requests/%lld/%s", id, action), h_token(user), body);
}

/* Performs an action that must answer 200. */
static inline void att_leave_ok(const char *user, long long id, const char *action,
                                const char *body)
{
    resp_t *r = att_leave_act(user, id, action, body);
    ck_status(r, 200);
    h_free(r);
}

/* Closes leave id as user with the return at returned_at (RFC 3339). A
 * return earlier than the closing waits for the final approver's
 * confirmation (R-ATT-4), which is given here. Answers the last
 * response. */
static inline resp_t *att_close(const char *user, long long id, const char *returned_at)
{
    resp_t *r = att_leave_act(user, id, "close",
                              h_fmt("{\"returned_at\":\"%s\"}", returned_at));
    json_t *check = r->status == 200 ? json_object_get(r->json, "return_check") : NULL;
    const char *state = json_string_value(json_object_get(check, "state"));
    if (!state || strcmp(state, "pending"))
        return r;
    char b[24];
    snprintf(b, sizeof b, "%lld", (long long)json_integer_value(
                                      json_object_get(r->json, "final_approver_id")));
    h_free(r);
    const char *p[] = {b};
    char *name = h_sql_str("SELECT username FROM identity.users WHERE id = $1::bigint", 1, p);
    ck_assert_ptr_nonnull(name);
    r = att_leave_act(name, id, "confirm-return", "{\"confirmed\":true}");
    free(name);
    return r;
}

/* A count from admin SQL with one id parameter. */
static inline long long att_count(const char *sql, long long id)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {b};
    return h_sql_ll(sql, 1, p);
}

/* Audit events of one entity (and action, when given). */
static inline long long att_audits(const char *entity_type, long long id, const char *action)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {entity_type, b, action};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE service = 'attendance'"
                    " AND entity_type = $1 AND entity_id = $2::bigint"
                    " AND ($3::text IS NULL OR action = $3)",
                    3, p);
}

/* Notifications of a kind that user received about an entity. */
static inline long long att_notes(const char *user, const char *kind, const char *entity_type,
                                  long long id)
{
    char b[24];
    snprintf(b, sizeof b, "%lld", id);
    const char *p[] = {user, kind, entity_type, b};
    return h_sql_ll("SELECT count(*) FROM identity.notifications n"
                    " JOIN identity.users u ON u.id = n.user_id"
                    " WHERE u.username = $1 AND n.kind = $2 AND n.entity_type = $3"
                    " AND n.entity_id = $4::bigint",
                    4, p);
}

/* The string value of a key in a JSON object, or "". */
static inline const char *att_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

/* Number of leave requests (or other rows) of a user in attendance. */
static inline long long att_rows(const char *table_sql, const char *user)
{
    const char *p[] = {user};
    return h_sql_ll(table_sql, 1, p);
}

/* An RFC 3339 time `seconds` from now, in UTC. */
static inline const char *att_time_from_now(long seconds)
{
    static __thread char bufs[4][32];
    static __thread int k;
    char *out = bufs[k++ % 4];
    time_t s = time(NULL) + seconds;
    struct tm t;
    gmtime_r(&s, &t);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &t);
    return out;
}

#endif
