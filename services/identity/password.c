/* argon2id with moderate limits (19 MiB, two passes), and a bound on how many
 * hashes run at once so that a burst of logins cannot exhaust memory or
 * starve the other requests. */
#include <errno.h>
#include <semaphore.h>
#include <sodium.h>
#include <string.h>
#include <time.h>

#include "identity.h"

#define PW_OPSLIMIT 2
#define PW_MEMLIMIT (19u * 1024 * 1024)

int password_init(identity_ctx *ctx)
{
    if (sodium_init() < 0)
        return -1;
    return sem_init(&ctx->hash_sem, 0, (unsigned)ctx->hash_slots);
}

static int take_slot(identity_ctx *ctx)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    t.tv_sec += 5;
    while (sem_timedwait(&ctx->hash_sem, &t) != 0)
        if (errno != EINTR)
            return -1;
    return 0;
}

int password_hash(identity_ctx *ctx, const char *password, char out[128])
{
    if (take_slot(ctx))
        return -1;
    int rc = crypto_pwhash_str(out, password, strlen(password), PW_OPSLIMIT, PW_MEMLIMIT);
    sem_post(&ctx->hash_sem);
    return rc;
}

int password_verify(identity_ctx *ctx, const char *hash, const char *password, bool *ok)
{
    if (take_slot(ctx))
        return -1;
    *ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    sem_post(&ctx->hash_sem);
    return 0;
}
