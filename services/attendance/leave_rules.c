#include "org.h"
#include "leave_rules.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bool is(const char *a, const char *b)
{
    return a && !strcmp(a, b);
}

/* Adds a step unless it would be the applicant or repeat the last step. */
static int push(leave_step *steps, int n, long long id, const char *role, long long self)
{
    if (id == self || (n > 0 && steps[n - 1].approver_id == id))
        return n;
    steps[n].approver_id = id;
    steps[n].role = role;
    return n + 1;
}

int leave_chain_for(const leave_facts *f, long halves, leave_step steps[2])
{
    bool staff = is(f->position, POS_STAFF), chief = is(f->position, POS_SECTION_CHIEF);
    bool deputy = is(f->position, POS_DEPUTY_DIRECTOR), director = is(f->position, POS_OFFICE_DIRECTOR);
    if (!(staff || chief || deputy || director) || is(f->department_kind, "external") ||
        is(f->department_kind, "district_leadership") || halves <= 0)
        return LEAVE_CHAIN_NOT_STAFF;

    long long self = f->self_id;
    long long dir = f->director_id != self ? f->director_id : 0;
    int n = 0;

    if (director) {
        if (!f->mayor_id || f->mayor_id == self)
            return LEAVE_CHAIN_NO_APPROVER;
        return push(steps, 0, f->mayor_id, POS_DISTRICT_MAYOR, self);
    }
    if (deputy) {
        if (!dir)
            return LEAVE_CHAIN_NO_APPROVER;
        return push(steps, 0, dir, POS_OFFICE_DIRECTOR, self);
    }

    /* The supervising deputy's level, or the director's when the section
     * has no deputy. */
    long long dep = f->deputy_id != self ? f->deputy_id : 0;
    long long level2 = dep ? dep : dir;
    const char *level2_role = dep ? "supervising_deputy" : POS_OFFICE_DIRECTOR;
    if (!level2)
        return LEAVE_CHAIN_NO_APPROVER;

    bool alone = f->section_size <= 1;
    long long ch = f->chief_id != self ? f->chief_id : 0;
    if (staff && halves == 1 && !alone && ch)
        return push(steps, 0, ch, POS_SECTION_CHIEF, self);
    n = push(steps, 0, level2, level2_role, self);
    if (halves > 2) {
        if (!dir)
            return LEAVE_CHAIN_NO_APPROVER;
        n = push(steps, n, dir, POS_OFFICE_DIRECTOR, self);
    }
    return n;
}

const char *decider_role_for(const char *position)
{
    return is(position, POS_OFFICE_DIRECTOR) ? POS_DISTRICT_MAYOR : POS_OFFICE_DIRECTOR;
}

int discipline_period_year(long day, int start_month, int start_day)
{
    time_t s = (time_t)day * 86400 + 43200;
    struct tm t;
    gmtime_r(&s, &t);
    int y = t.tm_year + 1900, m = t.tm_mon + 1, d = t.tm_mday;
    return m < start_month || (m == start_month && d < start_day) ? y - 1 : y;
}

bool discipline_year_start_parse(const char *text, int *month, int *day)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m = 0, d = 0, n = 0;
    if (!text || strlen(text) != 5 || sscanf(text, "%2d-%2d%n", &m, &d, &n) != 2 || n != 5 ||
        text[2] != '-' || m < 1 || m > 12 || d < 1 || d > days[m - 1])
        return false;
    *month = m;
    *day = d;
    return true;
}
