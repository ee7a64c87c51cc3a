/* Fuzz targets over the attendance rules: the working-day calculator and
 * the leave approval chain (R-ATT-2). */
#include <stdbool.h>

#include "../../services/attendance/leave_rules.h"
#include "../../services/attendance/workdays.h"
#include "fuzz.h"

/* Bytes 0-3: the span (from day, length); the rest: calendar exceptions
 * (a day offset and a working flag each). Also: any string through the date
 * and time parsers. */
int fuzz_workdays(const uint8_t *data, size_t size)
{
    char *s = fuzz_str(data, size);
    long d;
    if (day_parse(s, &d)) {
        char back[11];
        day_format(d, back);
        long d2;
        FUZZ_ASSERT(day_parse(back, &d2) && d2 == d);
    }
    long long epoch;
    (void)time_parse(s, &epoch);
    free(s);
    if (size < 4)
        return 0;
    long from = day_from_ymd(2026, 1, 1) + data[0] * 3 - 200;
    long len = data[1] | (data[2] & 3) << 8;
    calendar c = {0};
    long day = from - 10;
    for (size_t i = 4; i + 1 < size; i += 2) {
        day += 1 + data[i] % 8;
        FUZZ_ASSERT(cal_add(&c, day, data[i + 1] & 1) == 0);
    }
    long halves = cal_working_halves(&c, slot_of(from, false), slot_of(from + len, true));
    long counted = 0;
    for (long x = from; x <= from + len; x++)
        counted += cal_is_working_day(&c, x) ? 2 : 0;
    FUZZ_ASSERT(halves == counted);
    long first = cal_first_working_slot(&c, slot_of(from, data[3] & 1), slot_of(from + len, true));
    FUZZ_ASSERT(first == -1 || cal_is_working_day(&c, slot_day(first)));
    if (!(data[3] & 1))
        FUZZ_ASSERT((first == -1) == (halves == 0));
    cal_free(&c);
    return 0;
}

/* The facts from the bytes: position, department kind, which approvers
 * exist, the section's size and the leave's length in half-days. */
int fuzz_leave_chain(const uint8_t *data, size_t size)
{
    static const char *const positions[] = {"staff",           "section_chief",
                                            "deputy_director", "office_director",
                                            "district_mayor",  "deputy_district_mayor",
                                            "secretary",       "bogus"};
    static const char *const kinds[] = {"section", "office_leadership", "district_leadership",
                                        "external"};
    if (size < 4)
        return 0;
    leave_facts f = {
        .position = positions[data[0] % 8],
        .department_kind = kinds[data[1] % 4],
        .self_id = 1,
        .chief_id = data[2] & 1 ? ((data[2] & 2) ? 1 : 2) : 0,
        .deputy_id = data[2] & 4 ? 3 : 0,
        .director_id = data[2] & 8 ? ((data[2] & 16) ? 1 : 4) : 0,
        .mayor_id = data[2] & 32 ? 5 : 0,
        .section_size = (data[2] >> 6) % 3,
    };
    long halves = data[3] | (size > 4 ? data[4] << 8 : 0);
    leave_step steps[2];
    memset(steps, 0, sizeof steps);
    int n = leave_chain_for(&f, halves, steps);
    FUZZ_ASSERT(n >= LEAVE_CHAIN_NO_APPROVER && n <= 2);
    for (int i = 0; i < n; i++) {
        /* a named approver, and never the applicant (R-ATT-2) */
        FUZZ_ASSERT(steps[i].approver_id > 0 && steps[i].role != NULL);
        FUZZ_ASSERT(steps[i].approver_id != f.self_id);
    }
    if (n == 2)
        FUZZ_ASSERT(steps[0].approver_id != steps[1].approver_id);
    return 0;
}
