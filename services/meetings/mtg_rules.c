/* The meeting regulations that need no database: pure functions. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "org.h"
#include "meetings.h"

bool mtg_may_convene(const char *position, bool is_secretary)
{
    return !is_secretary && position && !strcmp(position, POS_OFFICE_DIRECTOR);
}

bool mtg_may_present(const char *position)
{
    return position && (!strcmp(position, POS_DEPUTY_DIRECTOR) ||
                        !strcmp(position, POS_SECTION_CHIEF) ||
                        !strcmp(position, POS_OFFICE_DIRECTOR));
}

bool mtg_may_assign_task(const char *position)
{
    static const char *const leaders[] = {POS_DISTRICT_MAYOR, POS_DEPUTY_MAYOR, POS_OFFICE_DIRECTOR,
                                          POS_DEPUTY_DIRECTOR, NULL};
    for (const char *const *l = leaders; position && *l; l++)
        if (!strcmp(position, *l))
            return true;
    return false;
}

bool mtg_reads_supervision(const char *position, bool in_secretariat, bool is_admin)
{
    return is_admin || in_secretariat ||
           (position && (!strcmp(position, POS_OFFICE_DIRECTOR) ||
                         !strcmp(position, POS_DEPUTY_DIRECTOR)));
}

void office_date(long long epoch_s, char out[11])
{
    time_t t = (time_t)(epoch_s + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

bool mtg_month_reminder_due(const char *date)
{
    int y, m, d;
    if (!date || sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
        return false;
    return d > 20;
}
