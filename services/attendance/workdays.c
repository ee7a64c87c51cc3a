#include "workdays.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_in.h"

/* Howard Hinnant's days_from_civil / civil_from_days, proleptic Gregorian. */
long day_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void ymd_from_day(long z, int *y, int *m, int *d)
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

bool day_parse(const char *s, long *day)
{
    if (!s || !json_in_is_date(s))
        return false;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    *day = day_from_ymd(y, m, d);
    return true;
}

void day_format(long day, char out[11])
{
    int y, m, d;
    char buf[40];
    ymd_from_day(day, &y, &m, &d);
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int day_isodow(long day)
{
    /* 1970-01-01 was a Thursday (4). */
    long r = (day + 3) % 7;
    if (r < 0)
        r += 7;
    return (int)r + 1;
}

bool time_parse(const char *s, long long *epoch)
{
    long day;
    char date[11];
    if (!s || !json_in_is_datetime(s))
        return false;
    memcpy(date, s, 10);
    date[10] = '\0';
    if (!day_parse(date, &day))
        return false;
    const char *t = s + 11;
    long long secs = atoi(t) * 3600LL + atoi(t + 3) * 60LL + atoi(t + 6);
    t += 8;
    if (*t == '.')
        for (t++; *t >= '0' && *t <= '9'; t++)
            ;
    long long offset = 0;
    if (*t == '+' || *t == '-') {
        offset = atoi(t + 1) * 3600LL + atoi(t + 4) * 60LL;
        if (*t == '-')
            offset = -offset;
    }
    *epoch = day * 86400LL + secs - offset;
    return true;
}

long slot_of(long day, bool pm)
{
    return day * 2 + (pm ? 1 : 0);
}

long slot_day(long slot)
{
    return slot >= 0 ? slot / 2 : -((1 - slot) / 2);
}

bool slot_pm(long slot)
{
    return slot - slot_day(slot) * 2 == 1;
}

int cal_add(calendar *c, long day, bool workday)
{
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        cal_exception *nd = realloc(c->days, cap * sizeof *nd);
        if (!nd)
            return -1;
        c->days = nd;
        c->cap = cap;
    }
    c->days[c->n++] = (cal_exception){day, workday};
    return 0;
}

void cal_free(calendar *c)
{
    free(c->days);
    c->days = NULL;
    c->n = c->cap = 0;
}

bool cal_is_working_day(const calendar *c, long day)
{
    size_t lo = 0, hi = c ? c->n : 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->days[mid].day == day)
            return c->days[mid].workday;
        if (c->days[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return day_isodow(day) <= 5;
}

long cal_working_halves(const calendar *c, long from, long to)
{
    long n = 0;
    for (long s = from; s <= to; s++)
        if (cal_is_working_day(c, slot_day(s)))
            n++;
    return n;
}

long cal_first_working_slot(const calendar *c, long from, long to)
{
    for (long s = from; s <= to; s++)
        if (cal_is_working_day(c, slot_day(s)))
            return s;
    return -1;
}

/* "HH:MM" at s, 00:00 to 24:00, into minutes; the characters read. */
static int hhmm(const char *s, int *minutes)
{
    if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) || s[2] != ':' ||
        !isdigit((unsigned char)s[3]) || !isdigit((unsigned char)s[4]))
        return 0;
    int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
    if (m > 59 || h > 24 || (h == 24 && m))
        return 0;
    *minutes = h * 60 + m;
    return 5;
}

bool office_hours_parse(const char *s, office_hours *out)
{
    office_hours h = {0};
    if (!s || !*s)
        return false;
    for (;;) {
        int a, b, k;
        if (h.n == OFFICE_MAX_SESSIONS || !(k = hhmm(s, &a)) || s[k] != '-')
            return false;
        s += k + 1;
        if (!(k = hhmm(s, &b)) || b <= a || (h.n && a < h.to[h.n - 1]))
            return false;
        s += k;
        h.from[h.n] = a;
        h.to[h.n++] = b;
        if (!*s)
            break;
        if (*s++ != ',')
            return false;
    }
    *out = h;
    return true;
}

long office_day_seconds(const office_hours *h)
{
    long n = 0;
    for (int i = 0; i < h->n; i++)
        n += (long)(h->to[i] - h->from[i]) * 60;
    return n;
}

#define OFFICE_UTC_OFFSET (8 * 3600)

/* floor(a / b) for b > 0. */
static long long floor_div(long long a, long long b)
{
    return a / b - (a % b < 0);
}

long long cal_working_seconds(const calendar *c, const office_hours *h, long long from,
                              long long to)
{
    if (to <= from)
        return 0;
    long long lf = from + OFFICE_UTC_OFFSET, lt = to + OFFICE_UTC_OFFSET, total = 0;
    for (long long day = floor_div(lf, 86400); day * 86400 < lt; day++) {
        if (!cal_is_working_day(c, (long)day))
            continue;
        for (int i = 0; i < h->n; i++) {
            long long a = day * 86400 + h->from[i] * 60LL, b = day * 86400 + h->to[i] * 60LL;
            if (a < lf)
                a = lf;
            if (b > lt)
                b = lt;
            if (b > a)
                total += b - a;
        }
    }
    return total;
}
