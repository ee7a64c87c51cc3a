#ifndef OA_LOG_H
#define OA_LOG_H

/* Structured logs: one JSON object a line on stderr, written with a single
 * write(2) so lines from many threads never interleave and no stdio lock is
 * taken. Logs never carry passwords, tokens or document bodies. */

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Sets the service name and the level from LOG_LEVEL (debug|info|warn|error).
 * Returns -1 with a start-up message on a bad value. */
int log_init(const char *service);

int log_enabled(enum log_level lvl);

/* A free-form message; rid may be NULL. */
void log_msg(enum log_level lvl, const char *rid, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The access line of one request (level info). */
void log_request(const char *rid, const char *method, const char *route, int status,
                 double ms, long long user_id);

#endif
