#ifndef ATT_WORKDAYS_H
#define ATT_WORKDAYS_H

/* Calendar arithmetic for attendance, without a database: dates as day
 * numbers, half-day slots, and the count of working half-days on the
 * office's calendar (weekends off, public holidays, adjusted working days
 * that fall on a weekend). */

#include <stdbool.h>
#include <stddef.h>

/* A date is its day number: days since 1970-01-01 (negative before). */
long day_from_ymd(int y, int m, int d);
void ymd_from_day(long day, int *y, int *m, int *d);

/* Parses YYYY-MM-DD (a real date from 1900 to 2999). false otherwise. */
bool day_parse(const char *s, long *day);
/* Writes YYYY-MM-DD into out (11 bytes). */
void day_format(long day, char out[11]);
/* 1 = Monday ... 7 = Sunday. */
int day_isodow(long day);

/* Seconds since the epoch of an RFC 3339 time with offset (as accepted by
 * json_in_is_datetime; fractions of a second are dropped). false for any
 * other text. */
bool time_parse(const char *s, long long *epoch);

/* A half-day slot: day * 2 for the morning (am), day * 2 + 1 for the
 * afternoon (pm). Slots order time. */
long slot_of(long day, bool pm);
long slot_day(long slot);
bool slot_pm(long slot);

/* The calendar's exceptions for a span of days, sorted by day: holidays
 * (non-working although a weekday) and adjusted working days (working
 * although a weekend). */
typedef struct cal_exception {
    long day;
    bool workday;
} cal_exception;

typedef struct calendar {
    cal_exception *days;
    size_t n, cap;
} calendar;

/* Appends an exception; days must be added in ascending order. Returns 0,
 * or -1 when out of memory. */
int cal_add(calendar *c, long day, bool workday);
void cal_free(calendar *c);

/* Whether day is a working day: an adjusted working day is; a holiday is
 * not; otherwise Monday to Friday are. Can't fail. */
bool cal_is_working_day(const calendar *c, long day);

/* Number of working half-days among the slots from..to, both included;
 * 0 when to < from. Can't fail. */
long cal_working_halves(const calendar *c, long from, long to);

/* The first working slot among from..to, or -1 when there is none. */
long cal_first_working_slot(const calendar *c, long from, long to);

/* The office's working hours (OFFICE_HOURS, e.g. "08:30-12:00,13:30-17:00"):
 * one to four sessions a day, in minutes after midnight office time,
 * ascending and not overlapping. Half a working day (请假制度 二 "半天") is
 * half their total. */
#define OFFICE_MAX_SESSIONS 4
typedef struct office_hours {
    int n;
    int from[OFFICE_MAX_SESSIONS], to[OFFICE_MAX_SESSIONS];
} office_hours;

/* Parses "HH:MM-HH:MM[,HH:MM-HH:MM...]". false on anything else. */
bool office_hours_parse(const char *s, office_hours *out);
/* Working seconds of one working day. */
long office_day_seconds(const office_hours *h);

/* The working seconds of [from, to) (seconds since the epoch): the parts
 * that fall within the office hours (office time, UTC+8) of working days of
 * the calendar, which must hold the days of that span. Can't fail. */
long long cal_working_seconds(const calendar *c, const office_hours *h, long long from,
                              long long to);

#endif
