#ifndef OA_HTTP_H
#define OA_HTTP_H

/* A service's HTTP server, and everything a handler uses (one include for
 * handlers): the types (service.h), answers (reply.h), input (request.h),
 * Idempotency-Key (idem.h). */

#include <jansson.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

#include "auth.h"
#include "db.h"
#include "idem.h"
#include "json_in.h"
#include "page.h"
#include "problem.h"
#include "reply.h"
#include "request.h"
#include "service.h"

/* Reads the configuration (PORT, BIND_ADDR, DATABASE_URL, MIGRATIONS_DIR,
 * JWT_PUBLIC_KEY_FILE, JWT_ISSUER, JWT_AUDIENCE, HTTP_THREADS, DB_POOL_SIZE,
 * HTTP_MAX_BODY_BYTES, HTTP_MAX_CONNECTIONS, HTTP_CONNECTION_TIMEOUT,
 * DB_STATEMENT_TIMEOUT_MS, DB_LOCK_TIMEOUT_MS, DB_ACQUIRE_TIMEOUT_MS,
 * AUTH_REFRESH_SECONDS, LOG_LEVEL), applies the migrations, opens the pool,
 * registers the routes plus /healthz, /readyz and /metrics, serves on an
 * thread pool (poll) until SIGTERM or SIGINT, then shuts down cleanly.
 * Returns the process exit code (2 for a configuration error). */
int http_run(service_t *svc);

/* Seconds since the epoch. */
long long now_s(void);

#endif
