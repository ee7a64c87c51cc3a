/* R-MTG-8 in lists: a confidential topic or decision listed, found in the
 * supervision report or exported as CSV is read as much as when opened
 * alone, so each one a page shows writes its audit event, for the
 * participants who alone see it; a page without one writes nothing. Each
 * read is marked with a request id of its own, and its events are read
 * back through the audit endpoint. */
#include "test_meetings_fixtures.h"

/* GET path as who, marked with a fresh request id (*tag, kept by the audit
 * trail as client_request_id). */
static resp_t *tagged_get(const char *path, const char *who, const char **tag)
{
    *tag = unique("mtg-read");
    const char *hdr[] = {sf("X-Request-Id: %s", *tag), NULL};
    return h_req("GET", path, h_token(who), NULL, hdr);
}

/* Events the request tagged `tag` wrote, of any entity. */
static long long events_of(const char *tag)
{
    const char *p[] = {tag};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE client_request_id = $1", 1, p);
}

/* Whether the page answered holds `key` == id among its items. */
static bool holds(resp_t *r, const char *key, long long id)
{
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(r->json, "items"), i, it) {
        if (json_integer_value(json_object_get(it, key)) == id)
            return true;
    }
    return false;
}

/* GET path as who, 200: whether key == id is listed; *tag as tagged_get. */
static bool lists(const char *path, const char *who, const char *key, long long id,
                  const char **tag)
{
    resp_t *r = tagged_get(path, who, tag);
    ck_assert_msg(r->status == 200, "GET %s as %s: %ld", path, who, r->status);
    bool found = holds(r, key, id);
    h_free(r);
    return found;
}

START_TEST(test_R_MTG_8_confidential_decisions_listed_are_read_by_participants_only_and_audited)
{
    long long topic;
    long long m = started_meeting("general", true, &topic);
    long long d1 = new_decision(m, topic, "zonghe2");
    long long d2 = new_decision(m, topic, "zonghe_chief");
    close_meeting(m);
    long long open_topic;
    long long m2 = started_meeting("general", false, &open_topic);
    long long open = new_decision(m2, open_topic, "zonghe_chief");
    close_meeting(m2);
    const char *tag;

    /* A participant's list: each confidential decision the page shows is
     * read once, the one held back for the next page is not. */
    ck_assert(lists(sf("/api/v1/decisions?meeting_id=%lld&limit=200", m), "zonghe2", "id", d1,
                    &tag));
    ck_assert_int_eq(events_of(tag), 2);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d1, "read_list", "zonghe2", tag), 1);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d2, "read_list", "zonghe2", tag), 1);
    ck_assert(lists(sf("/api/v1/decisions?meeting_id=%lld&limit=1", m), "zonghe2", "id", d2,
                    &tag));
    ck_assert_int_eq(events_of(tag), 1);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d2, "read_list", "zonghe2", tag), 1);
    /* The ordinary meeting's list writes nothing. */
    ck_assert(lists(sf("/api/v1/decisions?meeting_id=%lld&limit=200", m2), "director", "id", open,
                    &tag));
    ck_assert_int_eq(events_of(tag), 0);
    /* Off the meeting: neither seen nor written, even for the secretariat
     * and the administrators. */
    const char *off[] = {"zonghe1", "wenmi1", "admin", "mayor"};
    for (int i = 0; i < 4; i++) {
        ck_assert(!lists(sf("/api/v1/decisions?meeting_id=%lld&limit=200", m), off[i], "id", d1,
                         &tag));
        ck_assert_int_eq(events_of(tag), 0);
    }

    /* The topics of the meeting, listed by a participant and by others. */
    ck_assert(lists(sf("/api/v1/meetings/%lld/topics?limit=200", m), "zonghe2", "id", topic,
                    &tag));
    ck_assert_int_eq(events_of(tag), 1);
    ck_assert_int_eq(h_audit_count("meetings", "topic", topic, "read_list", "zonghe2", tag), 1);
    ck_assert(lists(sf("/api/v1/meetings/%lld/topics?limit=200", m2), "zonghe2", "id", open_topic,
                    &tag));
    ck_assert_int_eq(events_of(tag), 0);
    /* The secretariat's custodian sees the meeting but not the topic; a
     * clerk off the meeting not even the meeting. */
    ck_assert(!lists(sf("/api/v1/meetings/%lld/topics?limit=200", m), "custodian", "id", topic,
                     &tag));
    ck_assert_int_eq(events_of(tag), 0);
    resp_t *r = tagged_get(sf("/api/v1/meetings/%lld/topics?limit=200", m), "zonghe1", &tag);
    ck_status(r, 404);
    h_free(r);
    ck_assert_int_eq(events_of(tag), 0);
}
END_TEST

START_TEST(test_R_MTG_8_the_supervision_report_audits_the_confidential_decisions_it_shows)
{
    long long topic;
    long long m = started_meeting("finance", true, &topic);
    long long d1 = new_decision(m, topic, "zonghe2");
    long long d2 = new_decision(m, topic, "zonghe_chief");
    close_meeting(m);
    long long open_topic;
    long long m2 = started_meeting("finance", false, &open_topic);
    long long open = new_decision(m2, open_topic, "zonghe_chief");
    close_meeting(m2);
    const char *tag;
    const char *of_m = sf("/api/v1/supervision-report?meeting_id=%lld", m);

    /* The director took part: the report shows both, and both are read. */
    ck_assert(lists(sf("%s&limit=200", of_m), "director", "decision_id", d1, &tag));
    ck_assert_int_eq(events_of(tag), 2);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d1, "read_list", "director", tag), 1);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d2, "read_list", "director", tag), 1);
    ck_assert(lists(sf("%s&limit=1", of_m), "director", "decision_id", d2, &tag));
    ck_assert_int_eq(events_of(tag), 1);
    /* The whole report, as the directors mostly read it (its counts kept
     * between requests), and by category. */
    ck_assert(lists("/api/v1/supervision-report?limit=200", "director", "decision_id", d2, &tag));
    ck_assert_int_ge(events_of(tag), 2);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d2, "read_list", "director", tag), 1);
    ck_assert(lists("/api/v1/supervision-report?category=finance&limit=200", "deputy3",
                    "decision_id", d1, &tag));
    ck_assert_int_eq(h_audit_count("meetings", "decision", d1, "read_list", "deputy3", tag), 1);
    /* The export reads them as much. */
    resp_t *r = tagged_get(sf("%s&format=csv", of_m), "director", &tag);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(events_of(tag), 2);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d1, "read_list", "director", tag), 1);
    ck_assert_int_eq(h_audit_count("meetings", "decision", d2, "read_list", "director", tag), 1);

    /* An ordinary meeting's report, and its export, write nothing. */
    const char *of_m2 = sf("/api/v1/supervision-report?meeting_id=%lld", m2);
    ck_assert(lists(of_m2, "director", "decision_id", open, &tag));
    ck_assert_int_eq(events_of(tag), 0);
    r = tagged_get(sf("%s&format=csv", of_m2), "director", &tag);
    ck_status(r, 200);
    h_free(r);
    ck_assert_int_eq(events_of(tag), 0);

    /* The secretariat supervises but did not take part in the meeting: it
     * sees neither, in the report or the export, and nothing is written. */
    ck_assert(!lists(of_m, "wenmi1", "decision_id", d1, &tag));
    ck_assert_int_eq(events_of(tag), 0);
    ck_assert(!lists("/api/v1/supervision-report?limit=200", "wenmi1", "decision_id", d1, &tag));
    ck_assert_int_eq(h_audit_count("meetings", "decision", d1, "read_list", "wenmi1", tag), 0);
    r = tagged_get(sf("%s&format=csv", of_m), "wenmi1", &tag);
    ck_status(r, 200);
    ck_assert_ptr_nonnull(r->body);
    ck_assert_ptr_null(strstr(r->body, sf("\n%lld,", d1)));
    h_free(r);
    ck_assert_int_eq(events_of(tag), 0);
}
END_TEST

/* Events of the request tagged `tag` on meeting m whose `after` names the
 * minutes, topic and decision read. */
static long long naming(const char *tag, long long m, long long topic, long long decision)
{
    const char *p[] = {tag, id_text(m), id_text(topic), id_text(decision)};
    return h_sql_ll("SELECT count(*) FROM audit.events WHERE client_request_id = $1"
                    " AND entity_type = 'meeting' AND entity_id = $2"
                    " AND after->>'shown' = 'minutes'"
                    " AND after->'topic_ids' @> to_jsonb($3::bigint)"
                    " AND after->'decision_ids' @> to_jsonb($4::bigint)",
                    4, p);
}

/* GET /meetings/{id} as who: its status, and whether the answer carries
 * the minutes; *tag as tagged_get. */
static long meeting_read(long long m, const char *who, bool *minutes, const char **tag)
{
    resp_t *r = tagged_get(sf("/api/v1/meetings/%lld", m), who, tag);
    long status = r->status;
    *minutes = r->json && json_is_string(json_object_get(r->json, "minutes"));
    h_free(r);
    return status;
}

START_TEST(test_R_MTG_8_meeting_read_with_confidential_minutes_is_audited)
{
    long long topic;
    long long m = started_meeting("general", true, &topic);
    long long d = new_decision(m, topic, "zonghe2");
    const char *tag;
    bool minutes;

    /* No minutes yet: nothing confidential is shown, nothing written. */
    ck_assert_int_eq(meeting_read(m, "zonghe2", &minutes, &tag), 200);
    ck_assert(!minutes);
    ck_assert_int_eq(events_of(tag), 0);
    close_meeting(m);

    /* A participant reads the minutes: one event per read, naming them
     * and the confidential topic and decision they record. */
    const char *in[] = {"zonghe2", "director", "xinxi1"};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(meeting_read(m, in[i], &minutes, &tag), 200);
        ck_assert(minutes);
        ck_assert_int_eq(events_of(tag), 1);
        ck_assert_int_eq(h_audit_count("meetings", "meeting", m, "read", in[i], tag), 1);
        ck_assert_int_eq(naming(tag, m, topic, d), 1);
    }
    ck_assert_int_eq(meeting_read(m, "zonghe2", &minutes, &tag), 200);
    ck_assert_int_eq(h_audit_count("meetings", "meeting", m, "read", "zonghe2", tag), 1);

    /* Those who see the meeting without taking part (the secretariat, the
     * administrators) get it without the minutes, and nothing is written;
     * a clerk off the meeting does not see it at all. */
    const char *off[] = {"wenmi1", "custodian", "admin"};
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(meeting_read(m, off[i], &minutes, &tag), 200);
        ck_assert(!minutes);
        ck_assert_int_eq(events_of(tag), 0);
    }
    ck_assert_int_eq(meeting_read(m, "zonghe1", &minutes, &tag), 404);
    ck_assert_int_eq(events_of(tag), 0);

    /* The minutes of an ordinary meeting are read without an event. */
    long long open_topic;
    long long m2 = started_meeting("general", false, &open_topic);
    new_decision(m2, open_topic, "zonghe_chief");
    close_meeting(m2);
    ck_assert_int_eq(meeting_read(m2, "zonghe2", &minutes, &tag), 200);
    ck_assert(minutes);
    ck_assert_int_eq(events_of(tag), 0);

    /* Listed, the confidential meeting's minutes are read as much: one
     * event for it, none for the ordinary one; none for the secretariat,
     * which lists it without the minutes. */
    ck_assert(lists("/api/v1/meetings?mine=true&limit=200", "zonghe2", "id", m, &tag));
    ck_assert_int_eq(h_audit_count("meetings", "meeting", m, "read_list", "zonghe2", tag), 1);
    ck_assert_int_eq(h_audit_count("meetings", "meeting", m2, "read_list", "zonghe2", tag), 0);
    ck_assert_int_eq(naming(tag, m, topic, d), 1);
    ck_assert(lists("/api/v1/meetings?limit=200", "wenmi1", "id", m, &tag));
    ck_assert_int_eq(events_of(tag), 0);
    ck_assert(!lists("/api/v1/meetings?limit=200", "zonghe1", "id", m, &tag));
    ck_assert_int_eq(events_of(tag), 0);
}
END_TEST

/* Attendance's role reads the published decisions to check a discipline
 * case (R-ATT-6); it answers people who were not at the meeting, so the
 * view carries no decision's text, requirements or meeting, only what a
 * case checks. */
START_TEST(test_R_MTG_8_published_decisions_view_hides_confidential_text)
{
    long long topic;
    long long m = started_meeting("personnel", true, &topic);
    resp_t *r = post_decision(m, topic, "zonghe2",
                              h_fmt("\"subject_id\":%lld,\"personnel_action\":\"adjustment\"",
                                    uid("zonghe2")));
    ck_status(r, 201);
    long long d = h_int(r, "id");
    h_free(r);
    close_meeting(m);
    const char *pd[] = {id_text(d)};
    char *text = h_sql_str("SELECT text FROM meetings.decisions WHERE id = $1", 1, pd);
    ck_assert_ptr_nonnull(text);

    char *columns = h_sql_str("SELECT string_agg(column_name, ',' ORDER BY column_name)"
                              " FROM information_schema.columns WHERE table_schema = 'meetings'"
                              " AND table_name = 'published_decisions'",
                              0, NULL);
    ck_assert_ptr_nonnull(columns);
    ck_assert_str_eq(columns, "category,id,period_until,personnel_action,state,subject_id");
    free(columns);

    /* As attendance's role: the decision is there to be cited, its text is
     * not, and the decisions themselves are not attendance's to read. */
    h_sql("SET ROLE attendance");
    char *row = h_sql_str("SELECT row_to_json(d)::text FROM meetings.published_decisions d"
                          " WHERE d.id = $1",
                          1, pd);
    long long table = h_sql_ll("SELECT has_table_privilege('meetings.decisions', 'SELECT')::int",
                               0, NULL);
    h_sql("RESET ROLE");
    ck_assert_ptr_nonnull(row);
    ck_assert_ptr_null(strstr(row, text));
    ck_assert_ptr_nonnull(strstr(row, "\"personnel_action\":\"adjustment\""));
    ck_assert_ptr_nonnull(strstr(row, "\"category\":\"personnel\""));
    ck_assert_int_eq(table, 0);
    free(row);
    free(text);
}
END_TEST

/* Notifications about entity_type/entity_id, and those of them whose
 * title or body holds `needle`. */
static long long notified(const char *entity_type, long long id, const char *kind)
{
    const char *p[] = {entity_type, id_text(id), kind};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE entity_type = $1"
                    " AND entity_id = $2 AND kind = $3",
                    3, p);
}

static long long leaked(const char *entity_type, long long id, const char *needle)
{
    const char *p[] = {entity_type, id_text(id), needle};
    return h_sql_ll("SELECT count(*) FROM identity.notifications WHERE entity_type = $1"
                    " AND entity_id = $2 AND strpos(title || ' ' || coalesce(body, ''), $3) > 0",
                    3, p);
}

/* A notification's read is not audited, so what the meetings service
 * tells people of a confidential topic or decision names it without its
 * content, which they read where the read is audited: the topic to
 * approve and its approval, the decisions told to the absent, progress reported, the
 * overdue reminder, and the overdue decision proposed to the next regular
 * meeting, whose participants are not the decision's. */
START_TEST(test_R_MTG_8_notifications_and_overdue_topics_carry_no_confidential_text)
{
    long long topic;
    long long m = new_meeting();
    topic = approved_topic(m, "general", true);
    const char *pt[] = {id_text(topic)};
    char *topic_title = h_sql_str("SELECT title FROM meetings.topics WHERE id = $1", 1, pt);
    ck_assert_ptr_nonnull(topic_title);
    ck_assert_int_eq(notified("topic", topic, "topic_to_approve"), 1);
    ck_assert_int_eq(notified("topic", topic, "topic_decided"), 1);
    ck_assert_int_eq(leaked("topic", topic, topic_title), 0);
    ck_assert_int_eq(leaked("topic", topic, "议题摘要"), 0);
    ck_assert_int_eq(leaked("topic", topic, "同意上会"), 0);
    ok(act("meetings", m, "publish-agenda", "wenmi1", NULL));
    mark_directors(m);
    mark(m, "zonghe2", true);
    mark(m, "wenmi_chief", true);
    mark(m, "zonghe_chief", false);
    ok(act("meetings", m, "start", "director", NULL));
    long long d = new_decision(m, topic, "zonghe2");
    /* While still a draft the record can be set as if decided long ago. */
    h_sql(h_fmt("UPDATE meetings.decisions SET deadline = current_date - 10 WHERE id = %lld", d));
    const char *pd[] = {id_text(d)};
    char *text = h_sql_str("SELECT text FROM meetings.decisions WHERE id = $1", 1, pd);
    ck_assert_ptr_nonnull(text);
    close_meeting(m);

    /* The absent member is told of the decision by its number. */
    ck_assert_int_eq(notes("zonghe_chief", "meeting_decisions_for_absent", "meeting", m), 1);
    ck_assert_int_eq(leaked("meeting", m, text), 0);
    ck_assert_int_eq(leaked("meeting", m, sf("%lld: (confidential", d)), 1);

    /* Progress reaches the convener and the secretariat chief without the
     * text or the note. */
    const char *note = unique("进展情况");
    ok(act("decisions", d, "progress", "zonghe2", h_fmt("{\"note\":\"%s\"}", note)));
    ck_assert_int_eq(notes("director", "decision_progress", "decision", d), 1);
    ck_assert_int_eq(notes("wenmi_chief", "decision_progress", "decision", d), 1);
    ck_assert_int_eq(leaked("decision", d, note), 0);

    /* The overdue reminder. */
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.decisions WHERE id = $1"
                                " AND overdue_at IS NOT NULL", 1, pd, 1, 20), 1);
    ck_assert_int_eq(notes("zonghe2", "decision_overdue", "decision", d), 1);
    ck_assert_int_eq(leaked("decision", d, text), 0);

    /* Proposed to the next regular meeting: a confidential topic naming the
     * decision, without its text or requirements, and so is its approver's
     * notification. */
    new_meeting();
    ck_assert_int_eq(wait_count("SELECT count(*) FROM meetings.topics WHERE source_decision_id = $1",
                                1, pd, 1, 20), 1);
    long long proposed = h_sql_ll("SELECT id FROM meetings.topics WHERE source_decision_id = $1"
                                  " AND confidential", 1, pd);
    ck_assert(proposed > 0);
    const char *pp[] = {id_text(proposed), text};
    ck_assert_int_eq(h_sql_ll("SELECT count(*) FROM meetings.topics WHERE id = $1"
                              " AND strpos(title || summary || explanation || recommendation, $2) = 0"
                              " AND strpos(explanation, '按期完成并报告') = 0"
                              " AND strpos(title, source_decision_id::text) > 0",
                              2, pp), 1);
    ck_assert_int_eq(notified("topic", proposed, "topic_to_approve"), 1);
    ck_assert_int_eq(leaked("topic", proposed, text), 0);
    free(text);
    free(topic_title);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("meetings_confidential");
    TCase *tc = tcase_create("confidential");
    tcase_set_timeout(tc, 180);
    tcase_add_checked_fixture(tc, h_setup, h_teardown);
    tcase_add_test(tc,
                   test_R_MTG_8_confidential_decisions_listed_are_read_by_participants_only_and_audited);
    tcase_add_test(tc, test_R_MTG_8_the_supervision_report_audits_the_confidential_decisions_it_shows);
    tcase_add_test(tc, test_R_MTG_8_meeting_read_with_confidential_minutes_is_audited);
    tcase_add_test(tc, test_R_MTG_8_published_decisions_view_hides_confidential_text);
    tcase_add_test(tc, test_R_MTG_8_notifications_and_overdue_topics_carry_no_confidential_text);
    suite_add_tcase(s, tc);
    return h_run(s);
}
