#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

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

static size_t put_head(char *buf, size_t cap, enum log_level lvl)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    return (size_t)snprintf(buf, cap,
                            "{\"ts\":\"%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ\",\"level\":\"%s\",\"svc\":\"%s\"",
                            tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                            tm.tm_sec, ts.tv_nsec / 1000000, level_names[lvl], svc_name);
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
    size_t pos = put_head(buf, sizeof buf, lvl);
    if (rid) {
        pos += (size_t)snprintf(buf + pos, sizeof buf - pos, ",\"rid\":\"");
        pos = put_escaped(buf, pos, sizeof buf, rid);
        buf[pos++] = '"';
    }
    pos += (size_t)snprintf(buf + pos, sizeof buf - pos, ",\"msg\":\"");
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
    size_t pos = put_head(buf, sizeof buf, LOG_INFO);
    pos += (size_t)snprintf(buf + pos, sizeof buf - pos, ",\"rid\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 200, rid);
    pos += (size_t)snprintf(buf + pos, sizeof buf - pos, "\",\"method\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 200, method);
    pos += (size_t)snprintf(buf + pos, sizeof buf - pos, "\",\"route\":\"");
    pos = put_escaped(buf, pos, sizeof buf - 100, route);
    pos += (size_t)snprintf(buf + pos, sizeof buf - pos,
                            "\",\"status\":%d,\"ms\":%.3f,\"user_id\":%lld", status, ms, user_id);
    emit(buf, pos, sizeof buf);
}
