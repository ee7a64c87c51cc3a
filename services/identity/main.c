#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "identity.h"

extern route_t identity_routes[];
extern const size_t identity_nroutes;

static identity_ctx ctx;

identity_ctx *identity_of(req_t *r)
{
    return r->svc->ctx;
}

static int identity_init(service_t *svc)
{
    const char *keyfile;
    int bad = cfg_str("JWT_PRIVATE_KEY_FILE", NULL, &keyfile);
    bad |= cfg_long("ACCESS_TOKEN_TTL_SECONDS", 900, 10, 86400, &ctx.access_ttl);
    bad |= cfg_long("REFRESH_TOKEN_TTL_SECONDS", 14 * 86400, 60, 365 * 86400, &ctx.refresh_ttl);
    bad |= cfg_long("LOGIN_MAX_FAILURES", 5, 1, 100, &ctx.max_failures);
    bad |= cfg_long("LOGIN_LOCKOUT_SECONDS", 900, 1, 86400, &ctx.lockout_s);
    bad |= cfg_long("LOGIN_DELAY_AFTER_FAILURES", 10, 1, 10000, &ctx.delay_after);
    bad |= cfg_long("LOGIN_HASH_CONCURRENCY", 2, 1, 64, &ctx.hash_slots);
    if (bad)
        return -1;
    ctx.private_pem = cfg_read_file("JWT_PRIVATE_KEY_FILE", keyfile, &ctx.private_pem_len);
    if (!ctx.private_pem)
        return -1;
    if (jwks_build(svc->public_pem, svc->public_pem_len, &ctx.jwks)) {
        fprintf(stderr, "configuration error: JWT_PUBLIC_KEY_FILE is not an RSA public key\n");
        return -1;
    }
    return password_init(&ctx) ? -1 : 0;
}

static void identity_fini(service_t *svc)
{
    (void)svc;
    free(ctx.private_pem);
    free(ctx.jwks);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "verify-audit"))
        return audit_verify_cli(argc, argv);
    service_t svc = {
        .name = "identity",
        .routes = identity_routes,
        .nroutes = identity_nroutes,
        .init = identity_init,
        .fini = identity_fini,
        .ctx = &ctx,
    };
    return http_run(&svc);
}
