#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The process's logging settings: set once by log_init at start-up, before
 * any thread logs, and only read after; one service per process. */
static const char *svc_name = "oa";
static enum log_level min_level = LOG_INFO;
static const char *level_names[] = {"debug", "info", "warn", "error"};

int log_init(const char *service)
{
    svc_name = service;
    const char *v = getenv("LOG_LEVEL");
    if (!v || !*v)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(v, level_names[i])) {
            min_level = (enum log_level)i;
            return 0;
        }
    fprintf(stderr, "configuration error: LOG_LEVEL=%s is not one of debug, info, warn, error\n", v);
    return -1;
}

int log_enabled(enum log_level lvl)
{
    return lvl >= min_level;
}

/* Appends s to buf as JSON string content, escaping quotes and controls. */
static size_t put_escaped(char *buf, size_t pos, size_t cap, const char *s)
{
    for (; s && *s && pos + 7 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            buf[pos++] = '\\';
            buf[pos++] = (char)c;
        } else if (c < 0x20) {
            pos += (size_t)snprintf(buf + pos, cap - pos, "\\u%04x", c);
        } else {
            buf[pos++] = (char)c;
        }
    }
    return pos;
}

/* Appends the decimal digits of v, zero-padded to at least `width`. */
static size_t put_uint(char *buf, size_t pos, unsigned long long v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        buf[pos++] = tmp[--n];
    return pos;
}

static size_t put_lit(char *buf, size_t pos, const char *s)
{
    size_t n = strlen(s);
    memcpy(buf + pos, s, n);
    return pos + n;
}

/* The line's start, formatted by hand: an access line is written for every
 * request, and snprintf and gmtime_r made up most of its cost. The date
 * and time to the second are kept per thread and redone once a second.
 * buf has room for at least 128 bytes. */
static size_t put_head(char *buf, enum log_level lvl)
{
    static _Thread_local time_t cached_sec = -1;
    static _Thread_local char cached[19]; /* YYYY-MM-DDTHH:MM:SS, no NUL */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (ts.tv_sec != cached_sec) {
        struct tm tm;
        gmtime_r(&ts.tv_sec, &tm);
        size_t p = put_uint(cached, 0, (unsigned)(tm.tm_year + 1900), 4);
        cached[p++] = '-';
        p = put_uint(cached, p, (unsigned)(tm.tm_mon + 1), 2);
        cached[p++] = '-';
        p = put_uint(cached, p, (unsigned)tm.tm_mday, 2);
        cached[p++] = 'T';
        p = put_uint(cached, p, (unsigned)tm.tm_hour, 2);
        cached[p++] = ':';
        p = put_uint(cached, p, (unsigned)tm.tm_min, 2);
        cached[p++] = ':';
        put_uint(cached, p, (unsigned)tm.tm_sec, 2);
        cached_sec = ts.tv_sec;
    }
    size_t pos = put_lit(buf, 0, "{\"ts\":\"");
    memcpy(buf + pos, cached, sizeof cached);
    pos += sizeof cached;
    buf[pos++] = '.';
    pos = put_uint(buf, pos, (unsigned long long)(ts.tv_nsec / 1000000), 3);
    pos = put_lit(buf, pos, "Z\",\"level\":\"");
    pos = put_lit(buf, pos, level_names[lvl]);
    pos = put_lit(buf, pos, "\",\"svc\":\"");
    /* the service name is one of ours, at most a few dozen characters */
    pos = put_escaped(buf, pos, 120, svc_name);
    buf[pos++] = '"';
    return pos;
}

static void emit(char *buf, size_t pos, size_t cap)
{
    if (pos + 3 > cap)
        pos = cap - 3;
    buf[pos++] = '}';
    buf[pos++] = '\n';
    ssize_t w = write(STDERR_FILENO, buf, pos);
    (void)w;
}

void log_msg(enum log_level lvl, const char *rid, const char *fmt, ...)
{
    if (lvl < min_level)
        return;
    char msg[1024], buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t pos = put_head(buf, lvl);
    if (rid) {
        pos = put_lit(buf, pos, ",\"rid\":\"");
        pos = put_escaped(buf, pos, pos + 400, rid);
        buf[pos++] = '"';
    }
    pos = put_lit(buf, pos, ",\"msg\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 4, msg);
    buf[pos++] = '"';
    emit(buf, pos, sizeof buf);
}

void log_request(const char *rid, const char *method, const char *route, int status,
                 double ms, long long user_id)
{
    if (LOG_INFO < min_level)
        return;
    char buf[1024];
    size_t pos = put_head(buf, LOG_INFO);
    pos = put_lit(buf, pos, ",\"rid\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 200, rid);
    pos = put_lit(buf, pos, "\",\"method\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 200, method);
    pos = put_lit(buf, pos, "\",\"route\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 100, route);
    pos = put_lit(buf, pos, "\",\"status\":");
    pos = put_uint(buf, pos, (unsigned)(status < 0 ? 0 : status), 1);
    /* ms with three decimals, as %.3f: the callers pass whole microseconds */
    unsigned long long us = ms > 0 ? (unsigned long long)(ms * 1000.0 + 0.5) : 0;
    pos = put_lit(buf, pos, ",\"ms\":");
    pos = put_uint(buf, pos, us / 1000, 1);
    buf[pos++] = '.';
    pos = put_uint(buf, pos, us % 1000, 3);
    pos = put_lit(buf, pos, ",\"user_id\":");
    unsigned long long uid = (unsigned long long)user_id;
    if (user_id < 0) {
        buf[pos++] = '-';
        uid = 0ULL - uid;
    }
    pos = put_uint(buf, pos, uid, 1);
    emit(buf, pos, sizeof buf);
}
