/* The seal regulations (印信管理使用制度) that need no database. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "org.h"
#include "seals.h"

const char *seal_approver_role(const char *kind, const char *matter)
{
    if (!kind || !matter)
        return NULL;
    /* 一.2 财政、人事、国有资产等重大事项: the list is open; another major
     * matter (other_major, named by the requester) weighs the same. */
    bool major = !strcmp(matter, "finance") || !strcmp(matter, "personnel") ||
                 !strcmp(matter, "state_assets") || !strcmp(matter, "other_major");
    if (!major && strcmp(matter, "general"))
        return NULL;
    /* R-SEAL-2: the district government seal needs the mayor or a deputy
     * mayor, and the mayor alone for a major matter. */
    if (!strcmp(kind, "district_government"))
        return major ? POS_DISTRICT_MAYOR : "district_leader";
    /* R-SEAL-2: the office seal needs the office director, whatever the matter. */
    if (!strcmp(kind, "government_office"))
        return POS_OFFICE_DIRECTOR;
    if (!strcmp(kind, "other"))
        return "configured";
    return NULL;
}

const char *seal_approver_role_above(const char *role)
{
    if (!role)
        return NULL;
    /* An other seal's approvers answer to the office director, the office
     * director to the district leaders, a deputy mayor to the mayor. */
    if (!strcmp(role, "configured"))
        return POS_OFFICE_DIRECTOR;
    if (!strcmp(role, POS_OFFICE_DIRECTOR))
        return "district_leader";
    if (!strcmp(role, "district_leader"))
        return POS_DISTRICT_MAYOR;
    return NULL;
}

bool seal_approver_may(const char *role, const char *position, long long person_id,
                       const long long *configured, size_t n)
{
    if (!role || !position)
        return false;
    if (!strcmp(role, POS_DISTRICT_MAYOR))
        return !strcmp(position, POS_DISTRICT_MAYOR);
    if (!strcmp(role, "district_leader"))
        return org_is_district_leader(position);
    if (!strcmp(role, POS_OFFICE_DIRECTOR))
        return !strcmp(position, POS_OFFICE_DIRECTOR);
    if (!strcmp(role, "configured"))
        for (size_t i = 0; i < n; i++)
            if (configured[i] == person_id)
                return true;
    return false;
}

bool letter_approver_may(const char *position)
{
    return position && org_is_office_leader(position);
}

bool seals_privileged(const caller_t *c)
{
    return c->is_admin || org_is_district_leader(c->position) ||
           org_is_office_leader(c->position);
}

void letter_number_format(int year, long long seq, char out[24])
{
    snprintf(out, 24, "%04d-%04lld", year, seq);
}

void office_date(long long epoch_s, char out[11])
{
    time_t t = (time_t)(epoch_s + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

int parse_id_array(const char *text, long long *out, size_t max)
{
    if (!text || *text != '{')
        return -1;
    const char *s = text + 1;
    size_t n = 0;
    if (*s == '}')
        return s[1] == '\0' ? 0 : -1;
    for (;;) {
        if (!isdigit((unsigned char)*s) || n == max)
            return -1;
        char *end;
        long long v = strtoll(s, &end, 10);
        out[n++] = v;
        s = end;
        if (*s == ',') {
            s++;
            continue;
        }
        if (*s == '}' && s[1] == '\0')
            return (int)n;
        return -1;
    }
}
