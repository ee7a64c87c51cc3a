#ifndef OA_IDEM_H
#define OA_IDEM_H

/* Idempotency-Key on creates. The table is each schema's
 * idempotency_keys, made by the common migration (migrate.c). */

#include <stdbool.h>

#include "db.h"
#include "problem.h"
#include "service.h"

/* When the request has an Idempotency-Key this caller used before on this
 * method and path and it has not expired: answers the stored reply when the
 * body is the same, 422 when it differs, and returns true. */
bool idem_replayed(req_t *r);
/* Inside the creating transaction: remembers the answer for the key (no-op
 * without the header); body NULL: the document a statement kept on the
 * server (AUDIT_DOC, audit.h). Returns 0, or -1 with p set when the key was
 * used for another request at the same time. */
int idem_store(db_conn *c, req_t *r, int status, const char *body, problem_t *p);

/* Removes the expired keys (called by the background thread every
 * IDEMPOTENCY_SWEEP_SECONDS). Failures are logged. */
void idem_sweep(service_t *svc);

#endif
