/* The attendance service's pure rules: calendar arithmetic, the working
 * half-day counter, and the leave approval chain of R-ATT-2. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../services/attendance/attendance.h"
#include "../../services/attendance/leave_rules.h"
#include "../../services/attendance/workdays.h"
#include "unit_run.h"

/* The weekday of y-m-d from the C library, as an independent oracle. */
static int libc_isodow(int y, int m, int d)
{
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t s = timegm(&t);
    struct tm out;
    gmtime_r(&s, &out);
    return out.tm_wday == 0 ? 7 : out.tm_wday;
}

static long D(const char *s)
{
    long day;
    ck_assert_msg(day_parse(s, &day), "bad date %s", s);
    return day;
}

/* The next date on or after `from` whose weekday is dow (1 Monday). */
static long next_dow(long from, int dow)
{
    while (day_isodow(from) != dow)
        from++;
    return from;
}

START_TEST(test_dates_round_trip_and_weekday)
{
    ck_assert_int_eq(day_from_ymd(1970, 1, 1), 0);
    for (long day = D("1900-01-01"); day <= D("2999-12-31"); day += 37) {
        int y, m, d;
        ymd_from_day(day, &y, &m, &d);
        ck_assert_int_eq(day_from_ymd(y, m, d), day);
        ck_assert_int_eq(day_isodow(day), libc_isodow(y, m, d));
        char s[11];
        day_format(day, s);
        ck_assert_int_eq(D(s), day);
    }
    long x;
    ck_assert(!day_parse("2091-02-29", &x));
    ck_assert(day_parse("2092-02-29", &x));
    ck_assert(!day_parse("2091-1-01", &x));
}
END_TEST

START_TEST(test_slots)
{
    long day = D("2091-05-07");
    ck_assert_int_eq(slot_day(slot_of(day, false)), day);
    ck_assert_int_eq(slot_day(slot_of(day, true)), day);
    ck_assert(slot_pm(slot_of(day, true)));
    ck_assert(!slot_pm(slot_of(day, false)));
    long old = D("1950-05-07");
    ck_assert(old < 0);
    ck_assert_int_eq(slot_day(slot_of(old, true)), old);
    ck_assert_int_eq(slot_day(slot_of(old, false)), old);
    ck_assert(slot_pm(slot_of(old, true)));
}
END_TEST

START_TEST(test_time_parse)
{
    long long a, b, c;
    ck_assert(time_parse("2091-05-07T08:00:00+08:00", &a));
    ck_assert(time_parse("2091-05-07T00:00:00Z", &b));
    ck_assert(time_parse("2091-05-06T19:00:00.123-05:00", &c));
    ck_assert_int_eq(a, b);
    ck_assert_int_eq(c, b);
    ck_assert_int_eq(b, D("2091-05-07") * 86400LL);
    ck_assert(!time_parse("2091-05-07 08:00", &a));
}
END_TEST

START_TEST(test_counter_weekends)
{
    calendar none = {0};
    long mon = next_dow(D("2091-03-01"), 1);
    /* Monday am to Friday pm: ten half-days. */
    ck_assert_int_eq(cal_working_halves(&none, slot_of(mon, false), slot_of(mon + 4, true)), 10);
    /* Friday pm to Monday am: the weekend does not count. */
    ck_assert_int_eq(cal_working_halves(&none, slot_of(mon + 4, true), slot_of(mon + 7, false)), 2);
    /* A weekend alone: nothing. */
    ck_assert_int_eq(cal_working_halves(&none, slot_of(mon + 5, false), slot_of(mon + 6, true)), 0);
    /* One half. */
    ck_assert_int_eq(cal_working_halves(&none, slot_of(mon, true), slot_of(mon, true)), 1);
    /* End before start. */
    ck_assert_int_eq(cal_working_halves(&none, slot_of(mon, true), slot_of(mon, false)), 0);
    ck_assert_int_eq(cal_first_working_slot(&none, slot_of(mon + 5, false), slot_of(mon + 7, true)),
                     slot_of(mon + 7, false));
    ck_assert_int_eq(cal_first_working_slot(&none, slot_of(mon + 5, false), slot_of(mon + 6, true)),
                     -1);
}
END_TEST

/* 请假制度 一, 二 read against the office's hours: half a working day is
 * half the working time of a working day, counted only within the office
 * hours of the calendar's working days (R-ATT-1, R-ATT-2). */
START_TEST(test_R_ATT_2_working_time_of_an_outing)
{
    office_hours h;
    ck_assert(office_hours_parse("08:30-12:00,13:30-17:00", &h));
    ck_assert_int_eq(h.n, 2);
    ck_assert_int_eq(office_day_seconds(&h), 7 * 3600);
    ck_assert(office_hours_parse("09:00-17:00", &h));
    ck_assert_int_eq(office_day_seconds(&h), 8 * 3600);
    const char *bad[] = {"", "8:30-12:00", "08:30-12:00,", "08:30-08:30", "12:00-08:30",
                         "08:30-12:00,11:00-17:00", "08:60-12:00", "24:30-25:00",
                         "08:30-12:00;13:30-17:00", "00:00-01:00,02:00-03:00,04:00-05:00,"
                         "06:00-07:00,08:00-09:00", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(!office_hours_parse(bad[i], &h), "accepted %s", bad[i]);
    ck_assert(!office_hours_parse(NULL, &h));

    ck_assert(office_hours_parse("08:30-12:00,13:30-17:00", &h));
    calendar cal = {0};
    long mon = next_dow(D("2091-06-01"), 1);
    /* Office time is UTC+8: 08:30 there is 00:30 UTC. */
    long long m0 = (long long)mon * 86400 - 8 * 3600;
#define AT(day, hh, mm) (m0 + (long long)(day) * 86400 + (hh) * 3600 + (mm) * 60)
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 8, 30), AT(0, 12, 0)), 3 * 3600 + 1800);
    /* The lunch break is not working time. */
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 9, 0), AT(0, 14, 0)), 3 * 3600 + 1800);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 11, 0), AT(0, 14, 0)), 3600 + 1800);
    /* Evenings and nights are not; across midnight the next morning is. */
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 16, 0), AT(1, 11, 0)), 3600 + 9000);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 18, 0), AT(0, 23, 59)), 0);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 7, 0), AT(0, 8, 31)), 60);
    /* Friday afternoon to Monday morning: the weekend does not count. */
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(4, 16, 0), AT(7, 9, 0)), 3600 + 1800);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(5, 0, 0), AT(7, 0, 0)), 0);
    /* A holiday does not; an adjusted working Saturday does. */
    ck_assert_int_eq(cal_add(&cal, mon + 2, false), 0);
    ck_assert_int_eq(cal_add(&cal, mon + 5, true), 0);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(2, 0, 0), AT(3, 0, 0)), 0);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(5, 0, 0), AT(6, 0, 0)), 7 * 3600);
    /* Empty and reversed spans. */
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 9, 0), AT(0, 9, 0)), 0);
    ck_assert_int_eq(cal_working_seconds(&cal, &h, AT(0, 10, 0), AT(0, 9, 0)), 0);
#undef AT
    cal_free(&cal);
}
END_TEST

START_TEST(test_counter_holidays_and_adjusted_days)
{
    long mon = next_dow(D("2091-09-01"), 1);
    calendar cal = {0};
    /* Wednesday a holiday; the following Saturday an adjusted working day. */
    ck_assert_int_eq(cal_add(&cal, mon + 2, false), 0);
    ck_assert_int_eq(cal_add(&cal, mon + 5, true), 0);
    ck_assert(!cal_is_working_day(&cal, mon + 2));
    ck_assert(cal_is_working_day(&cal, mon + 5));
    ck_assert(!cal_is_working_day(&cal, mon + 6));
    ck_assert(cal_is_working_day(&cal, mon + 3));
    /* Monday to Sunday: 5 weekdays - 1 holiday + 1 Saturday = 5 days. */
    ck_assert_int_eq(cal_working_halves(&cal, slot_of(mon, false), slot_of(mon + 6, true)), 10);
    /* Tuesday pm to Thursday am, over the holiday: two half-days. */
    ck_assert_int_eq(cal_working_halves(&cal, slot_of(mon + 1, true), slot_of(mon + 3, false)), 2);
    /* Friday pm to Saturday pm: three half-days. */
    ck_assert_int_eq(cal_working_halves(&cal, slot_of(mon + 4, true), slot_of(mon + 5, true)), 3);
    ck_assert_int_eq(cal_first_working_slot(&cal, slot_of(mon + 2, false), slot_of(mon + 3, true)),
                     slot_of(mon + 3, false));
    /* Many exceptions: the lookup stays exact. */
    calendar many = {0};
    for (long d = mon; d < mon + 400; d += 3)
        ck_assert_int_eq(cal_add(&many, d, day_isodow(d) >= 6), 0);
    for (long d = mon; d < mon + 400; d++) {
        bool listed = (d - mon) % 3 == 0;
        bool weekend = day_isodow(d) >= 6;
        ck_assert(cal_is_working_day(&many, d) == (listed ? weekend : !weekend));
    }
    cal_free(&cal);
    cal_free(&many);
}
END_TEST

/* The demo office's shape: ids are arbitrary. */
enum { SELF = 100, CHIEF = 10, DEPUTY = 20, DIRECTOR = 30, MAYOR = 40 };

static leave_facts facts(const char *position, long long size)
{
    return (leave_facts){position, "section", SELF, CHIEF, DEPUTY, DIRECTOR, MAYOR, size};
}

static void expect(const leave_facts *f, long halves, int n, long long a1, const char *r1,
                   long long a2, const char *r2)
{
    leave_step s[2] = {{0}};
    int got = leave_chain_for(f, halves, s);
    ck_assert_int_eq(got, n);
    if (n >= 1) {
        ck_assert_int_eq(s[0].approver_id, a1);
        ck_assert_str_eq(s[0].role, r1);
    }
    if (n == 2) {
        ck_assert_int_eq(s[1].approver_id, a2);
        ck_assert_str_eq(s[1].role, r2);
    }
}

START_TEST(test_R_ATT_2_chain_staff)
{
    leave_facts f = facts("staff", 4);
    expect(&f, 1, 1, CHIEF, "section_chief", 0, NULL);
    expect(&f, 2, 1, DEPUTY, "supervising_deputy", 0, NULL);
    expect(&f, 3, 2, DEPUTY, "supervising_deputy", DIRECTOR, "office_director");
    expect(&f, 20, 2, DEPUTY, "supervising_deputy", DIRECTOR, "office_director");
}
END_TEST

START_TEST(test_R_ATT_2_chain_only_person_in_section)
{
    leave_facts f = facts("staff", 1);
    f.chief_id = 0;
    expect(&f, 1, 1, DEPUTY, "supervising_deputy", 0, NULL);
    expect(&f, 2, 1, DEPUTY, "supervising_deputy", 0, NULL);
    expect(&f, 4, 2, DEPUTY, "supervising_deputy", DIRECTOR, "office_director");
    /* Alone, even where a chief is recorded elsewhere. */
    f.chief_id = CHIEF;
    expect(&f, 1, 1, DEPUTY, "supervising_deputy", 0, NULL);
}
END_TEST

START_TEST(test_R_ATT_2_chain_chief_one_level_up)
{
    leave_facts f = facts("section_chief", 3);
    f.chief_id = SELF;
    expect(&f, 1, 1, DEPUTY, "supervising_deputy", 0, NULL);
    expect(&f, 2, 1, DEPUTY, "supervising_deputy", 0, NULL);
    expect(&f, 3, 2, DEPUTY, "supervising_deputy", DIRECTOR, "office_director");
}
END_TEST

START_TEST(test_R_ATT_2_chain_deputy_and_director)
{
    leave_facts d = {"deputy_director", "office_leadership", SELF, 0, 0, DIRECTOR, MAYOR, 4};
    expect(&d, 1, 1, DIRECTOR, "office_director", 0, NULL);
    expect(&d, 2, 1, DIRECTOR, "office_director", 0, NULL);
    expect(&d, 9, 1, DIRECTOR, "office_director", 0, NULL);
    leave_facts o = {"office_director", "office_leadership", DIRECTOR, 0, 0, DIRECTOR, MAYOR, 4};
    expect(&o, 1, 1, MAYOR, "district_mayor", 0, NULL);
    expect(&o, 9, 1, MAYOR, "district_mayor", 0, NULL);
}
END_TEST

START_TEST(test_R_ATT_2_chain_missing_approvers)
{
    /* No chief: the half day goes to the deputy. */
    leave_facts f = facts("staff", 3);
    f.chief_id = 0;
    expect(&f, 1, 1, DEPUTY, "supervising_deputy", 0, NULL);
    /* No deputy: the director takes that level, without repeating. */
    f.deputy_id = 0;
    expect(&f, 2, 1, DIRECTOR, "office_director", 0, NULL);
    expect(&f, 3, 1, DIRECTOR, "office_director", 0, NULL);
    /* No director either: refused. */
    f.director_id = 0;
    ck_assert_int_eq(leave_chain_for(&f, 2, (leave_step[2]){{0}}), LEAVE_CHAIN_NO_APPROVER);
    leave_facts o = {"office_director", "office_leadership", DIRECTOR, 0, 0, DIRECTOR, 0, 4};
    ck_assert_int_eq(leave_chain_for(&o, 1, (leave_step[2]){{0}}), LEAVE_CHAIN_NO_APPROVER);
}
END_TEST

START_TEST(test_R_ATT_2_chain_not_office_staff)
{
    leave_step s[2];
    leave_facts mayor = {"district_mayor", "district_leadership", MAYOR, 0, 0, DIRECTOR, MAYOR, 3};
    ck_assert_int_eq(leave_chain_for(&mayor, 2, s), LEAVE_CHAIN_NOT_STAFF);
    leave_facts clerk = {"staff", "external", SELF, 0, 0, DIRECTOR, MAYOR, 1};
    ck_assert_int_eq(leave_chain_for(&clerk, 2, s), LEAVE_CHAIN_NOT_STAFF);
    leave_facts admin = {"none", "", SELF, 0, 0, DIRECTOR, MAYOR, 0};
    ck_assert_int_eq(leave_chain_for(&admin, 2, s), LEAVE_CHAIN_NOT_STAFF);
    leave_facts zero = facts("staff", 3);
    ck_assert_int_eq(leave_chain_for(&zero, 0, s), LEAVE_CHAIN_NOT_STAFF);
}
END_TEST

/* R-ATT-5, R-ATT-6: what the director decides for others goes one level up
 * when it is his own. */
START_TEST(test_R_ATT_5_decider_one_level_up_for_the_director)
{
    ck_assert_str_eq(decider_role_for("office_director"), "district_mayor");
    const char *others[] = {"staff", "section_chief", "deputy_director", "", "district_mayor",
                            NULL};
    for (size_t i = 0; others[i]; i++)
        ck_assert_msg(!strcmp(decider_role_for(others[i]), "office_director"), "%s", others[i]);
    ck_assert_str_eq(decider_role_for(NULL), "office_director");
}
END_TEST

START_TEST(test_text_fmt_never_cuts_a_character)
{
    /* 办 is three bytes: a buffer of 8 holds two of them and no partial third. */
    char buf[8];
    text_fmt(buf, sizeof buf, "%s", "办办办办");
    ck_assert_str_eq(buf, "办办");
    text_fmt(buf, sizeof buf, "a%s", "办办办");
    ck_assert_str_eq(buf, "a办办");
    text_fmt(buf, sizeof buf, "ab%s", "办办办");
    ck_assert_str_eq(buf, "ab办");
    text_fmt(buf, sizeof buf, "%s", "abcdefghij");
    ck_assert_str_eq(buf, "abcdefg");
    text_fmt(buf, sizeof buf, "%s", "办公");
    ck_assert_str_eq(buf, "办公");
    /* Every cut of a long mixed text stays valid UTF-8. */
    const char *text = "请假制度 leave 销假 补假 旷工";
    for (size_t n = 1; n < strlen(text) + 2; n++) {
        char out[64];
        text_fmt(out, n, "%s", text);
        ck_assert(strncmp(out, text, strlen(out)) == 0);
        size_t len = strlen(out);
        ck_assert(len == strlen(text) || ((unsigned char)text[len] & 0xC0) != 0x80);
    }
}
END_TEST

/* 请假制度 五 "累计": the year of accumulation is configurable
 * (DISCIPLINE_YEAR_START), the calendar year by default. */
START_TEST(test_R_ATT_6_discipline_year_is_configurable)
{
    long jan1 = D("2030-01-01"), jun30 = D("2030-06-30"), jul1 = D("2030-07-01"),
         dec31 = D("2030-12-31");
    ck_assert_int_eq(discipline_period_year(jan1, 1, 1), 2030);
    ck_assert_int_eq(discipline_period_year(dec31, 1, 1), 2030);
    ck_assert_int_eq(discipline_period_year(jan1 - 1, 1, 1), 2029);
    /* A year from 1 July. */
    ck_assert_int_eq(discipline_period_year(jun30, 7, 1), 2029);
    ck_assert_int_eq(discipline_period_year(jul1, 7, 1), 2030);
    ck_assert_int_eq(discipline_period_year(dec31, 7, 1), 2030);
    ck_assert_int_eq(discipline_period_year(jan1, 7, 1), 2029);
    int m = 0, d = 0;
    ck_assert(discipline_year_start_parse("01-01", &m, &d) && m == 1 && d == 1);
    ck_assert(discipline_year_start_parse("07-01", &m, &d) && m == 7 && d == 1);
    ck_assert(discipline_year_start_parse("12-31", &m, &d) && m == 12 && d == 31);
    const char *bad[] = {"", "1-1", "02-29", "13-01", "00-10", "04-31", "07-01x", "07/01",
                         "0701", "-1-01", NULL};
    for (int i = 0; bad[i]; i++)
        ck_assert_msg(!discipline_year_start_parse(bad[i], &m, &d), "%s", bad[i]);
    ck_assert(!discipline_year_start_parse(NULL, &m, &d));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attendance_rules");
    TCase *t = tcase_create("rules");
    tcase_add_test(t, test_dates_round_trip_and_weekday);
    tcase_add_test(t, test_slots);
    tcase_add_test(t, test_time_parse);
    tcase_add_test(t, test_counter_weekends);
    tcase_add_test(t, test_counter_holidays_and_adjusted_days);
    tcase_add_test(t, test_R_ATT_2_working_time_of_an_outing);
    tcase_add_test(t, test_R_ATT_2_chain_staff);
    tcase_add_test(t, test_R_ATT_2_chain_only_person_in_section);
    tcase_add_test(t, test_R_ATT_2_chain_chief_one_level_up);
    tcase_add_test(t, test_R_ATT_2_chain_deputy_and_director);
    tcase_add_test(t, test_R_ATT_5_decider_one_level_up_for_the_director);
    tcase_add_test(t, test_R_ATT_2_chain_missing_approvers);
    tcase_add_test(t, test_R_ATT_2_chain_not_office_staff);
    tcase_add_test(t, test_text_fmt_never_cuts_a_character);
    tcase_add_test(t, test_R_ATT_6_discipline_year_is_configurable);
    suite_add_tcase(s, t);
    return unit_run(s);
}
