/* What the meetings API tests share: meetings, topics and decisions made
 * through the API, and database checks. Each test makes its own objects, so
 * tests never depend on each other's data. */
#ifndef TEST_MEETINGS_FIXTURES_H
#define TEST_MEETINGS_FIXTURES_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define FIXTURE static __attribute__((unused))

/* Like h_fmt, from a pool of 64 buffers, for tables of cases. */
__attribute__((format(printf, 1, 2))) FIXTURE const char *sf(const char *fmt, ...)
{
    static char pool[64][2048];
    static int next;
    char *out = pool[next++ % 64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out, sizeof pool[0], fmt, ap);
    va_end(ap);
    return out;
}

FIXTURE const char *unique(const char *prefix)
{
    static int seq;
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return sf("%s-%d-%ld%03ld-%d", prefix, (int)getpid(), (long)t.tv_sec % 100000,
              t.tv_nsec / 1000000, seq++);
}

FIXTURE const char *id_text(long long id)
{
    return sf("%lld", id);
}

/* A time `days` days from now in the office's zone, RFC 3339. */
FIXTURE const char *in_days_ts(int days)
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[40];
    strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
    return sf("%s", out);
}

/* The office date `days` days from today. */
FIXTURE const char *in_days(int days)
{
    time_t t = time(NULL) + 8 * 3600 + (time_t)days * 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    char out[11];
    strftime(out, sizeof out, "%Y-%m-%d", &tm);
    return sf("%s", out);
}

FIXTURE long long uid(const char *username)
{
    return h_user_id(username);
}

FIXTURE long long dept(const char *name)
{
    const char *p[] = {name};
    return h_sql_ll("SELECT id FROM identity.departments WHERE name = $1", 1, p);
}

FIXTURE resp_t *post_as(const char *who, const char *path, const char *body)
{
    return h_post(path, h_token(who), body);
}

/* POST /api/v1/<collection>/<id>/<action> as who; body may be NULL. */
FIXTURE resp_t *act(const char *collection, long long id, const char *action, const char *who,
                    const char *body)
{
    return h_post(h_fmt("/api/v1/%s/%lld/%s", collection, id, action), h_token(who),
                  body ? body : "{}");
}

FIXTURE resp_t *post_meeting(const char *who, const char *kind, const char *participants,
                             const char *attendees)
{
    return post_as(who, "/api/v1/meetings",
                   attendees ? h_fmt("{\"title\":\"%s\",\"kind\":\"%s\",\"scheduled_at\":\"%s\","
                                     "\"location\":\"第一会议室\",\"participant_ids\":%s,"
                                     "\"attendee_ids\":%s}",
                                     unique("主任办公会"), kind, in_days_ts(3), participants,
                                     attendees)
                             : h_fmt("{\"title\":\"%s\",\"kind\":\"%s\",\"scheduled_at\":\"%s\","
                                     "\"location\":\"第一会议室\",\"participant_ids\":%s}",
                                     unique("主任办公会"), kind, in_days_ts(3), participants));
}

/* A regular meeting of the director with 综合科's chief and zonghe2 as
 * members and xinxi1 attending. */
FIXTURE long long new_meeting(void)
{
    resp_t *r = post_meeting("director", "regular",
                             h_fmt("[%lld,%lld]", uid("zonghe_chief"), uid("zonghe2")),
                             h_fmt("[%lld]", uid("xinxi1")));
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

FIXTURE resp_t *post_topic(const char *who, long long meeting, const char *department,
                           const char *presenter, const char *category, bool confidential)
{
    return post_as(who, h_fmt("/api/v1/meetings/%lld/topics", meeting),
                   h_fmt("{\"title\":\"%s\",\"category\":\"%s\",\"department_id\":%lld,"
                         "\"presenter_id\":%lld,\"summary\":\"议题摘要\","
                         "\"explanation\":\"情况说明\",\"recommendation\":\"建议同意\","
                         "\"materials\":\"附件一\",\"confidential\":%s}",
                         unique("议题"), category, dept(department), uid(presenter),
                         confidential ? "true" : "false"));
}

/* A topic of 综合科 presented by its chief, submitted by wenmi1 and
 * approved by deputy2, 综合科's supervising deputy. */
FIXTURE long long approved_topic(long long meeting, const char *category, bool confidential)
{
    resp_t *r = post_topic("wenmi1", meeting, "综合科", "zonghe_chief", category, confidential);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    r = act("topics", id, "approve", "deputy2", "{\"comment\":\"同意上会\"}");
    ck_status(r, 200);
    h_free(r);
    return id;
}

FIXTURE void ok(resp_t *r)
{
    ck_assert_msg(r->status == 200 || r->status == 201, "expected 200/201, got %ld: %s",
                  r->status, r->body ? r->body : "");
    h_free(r);
}

FIXTURE void mark(long long meeting, const char *user, bool present)
{
    ok(act("meetings", meeting, "attendance", "wenmi_chief",
           h_fmt("{\"user_id\":%lld,\"present\":%s}", uid(user), present ? "true" : "false")));
}

/* R-MTG-4: the director and every deputy director present. */
FIXTURE void mark_directors(long long meeting)
{
    const char *who[] = {"director", "deputy_gov", "deputy2", "deputy3"};
    for (int i = 0; i < 4; i++)
        mark(meeting, who[i], true);
}

/* A regular meeting with one approved topic (returned in *topic), its agenda
 * published, everyone required marked present and started. */
FIXTURE long long started_meeting(const char *category, bool confidential, long long *topic)
{
    long long m = new_meeting();
    *topic = approved_topic(m, category, confidential);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    mark_directors(m);
    mark(m, "zonghe_chief", true);
    mark(m, "zonghe2", true);
    mark(m, "wenmi_chief", true);
    ok(act("meetings", m, "start", "director", NULL));
    return m;
}

FIXTURE resp_t *post_decision(long long meeting, long long topic, const char *responsible,
                              const char *extra)
{
    return post_as("wenmi_chief", h_fmt("/api/v1/meetings/%lld/decisions", meeting),
                   h_fmt("{\"topic_id\":%lld,\"text\":\"%s\",\"responsible_id\":%lld,"
                         "\"deadline\":\"%s\",\"requirements\":\"按期完成并报告\"%s%s}",
                         topic, unique("决定"), uid(responsible), in_days(30),
                         extra ? "," : "", extra ? extra : ""));
}

FIXTURE long long new_decision(long long meeting, long long topic, const char *responsible)
{
    resp_t *r = post_decision(meeting, topic, responsible, NULL);
    ck_status(r, 201);
    long long id = h_int(r, "id");
    h_free(r);
    return id;
}

FIXTURE void close_meeting(long long meeting)
{
    ok(act("meetings", meeting, "minutes", "wenmi_chief", "{\"text\":\"会议纪要全文\"}"));
    ok(act("meetings", meeting, "close", "wenmi_chief", NULL));
}

FIXTURE char *decision_state(long long id)
{
    const char *p[] = {id_text(id)};
    return h_sql_str("SELECT state FROM meetings.decisions WHERE id = $1", 1, p);
}

/* Notifications of `user` of `kind` about entity_type/entity_id. */
FIXTURE long long notes(const char *user, const char *kind, const char *entity_type,
                        long long entity_id)
{
    const char *p[] = {id_text(h_user_id(user)), kind, entity_type, h_fmt("%lld", entity_id)};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE user_id = $1"
                    " AND kind = $2 AND entity_type = $3 AND entity_id = $4",
                    4, p);
}

/* Audit events of the meetings service on an entity, by action. */
FIXTURE long long audits(const char *entity_type, long long entity_id, const char *action)
{
    const char *p[] = {entity_type, id_text(entity_id), action};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE service = 'meetings'"
                    " AND entity_type = $1 AND entity_id = $2 AND action = $3",
                    3, p);
}

FIXTURE void expect(resp_t *r, long status, const char *code, const char *rule,
                    const char *field)
{
    ck_assert_msg(h_problem(r, status, code, rule, field), "expected %ld %s %s %s, got %ld: %s",
                  status, code ? code : "", rule ? rule : "", field ? field : "", r->status,
                  r->body ? r->body : "");
    h_free(r);
}

/* Waits up to `seconds` for the SQL count to reach want; returns the last. */
FIXTURE long long wait_count(const char *sql, int n, const char *const *params, long long want,
                             int seconds)
{
    long long v = 0;
    for (int i = 0; i < seconds * 5; i++) {
        v = h_sql_ll(sql, n, params);
        if (v >= want)
            return v;
        usleep(200000);
    }
    return v;
}

#endif
