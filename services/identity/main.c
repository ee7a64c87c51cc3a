#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "identity.h"
#include "log.h"

extern route_t identity_routes[];
extern const size_t identity_nroutes;

static identity_ctx ctx;

identity_ctx *identity_of(req_t *r)
{
    return r->svc->ctx;
}

static const db_stmt Q_FIRST_ADMIN = {
    "identity_first_admin",
    "INSERT INTO users(username, display_name, position, is_admin, password_hash)"
    " SELECT $1, 'Administrator', 'none', true, $2"
    " WHERE NOT EXISTS (SELECT 1 FROM users WHERE is_admin AND active)"
    " ON CONFLICT (username) DO NOTHING"};

/* A fresh production database has nobody to log in: when no active
 * administrator exists and ADMIN_INITIAL_PASSWORD_FILE names a file (a
 * mounted secret), the administrator ADMIN_INITIAL_USERNAME (admin) is
 * created with that password. Returns 0, or -1 after a message. */
static int first_admin(service_t *svc)
{
    const char *file, *username;
    if (cfg_str("ADMIN_INITIAL_PASSWORD_FILE", NULL, &file) ||
        cfg_str("ADMIN_INITIAL_USERNAME", "admin", &username))
        return -1;
    if (!file)
        return 0;
    size_t len;
    char *password = cfg_read_file("ADMIN_INITIAL_PASSWORD_FILE", file, &len);
    if (!password)
        return -1;
    while (len > 0 && (password[len - 1] == '\n' || password[len - 1] == '\r'))
        password[--len] = '\0';
    int rc = -1;
    char hash[128];
    if (len < 12 || len > 200) {
        fprintf(stderr, "configuration error: the password in ADMIN_INITIAL_PASSWORD_FILE must"
                        " have 12 to 200 characters\n");
    } else if (password_hash(&ctx, password, hash)) {
        fprintf(stderr, "could not hash the first administrator's password\n");
    } else {
        db_conn *c = db_acquire(svc->db, 30000);
        if (c) {
            const char *params[] = {username, hash};
            PGresult *res = db_exec(c, &Q_FIRST_ADMIN, 2, params);
            if (res && PQresultStatus(res) == PGRES_COMMAND_OK) {
                rc = 0;
                if (atoi(PQcmdTuples(res)) == 1)
                    log_msg(LOG_INFO, NULL, "created the first administrator %s", username);
            } else {
                log_msg(LOG_ERROR, NULL, "could not create the first administrator");
            }
            PQclear(res);
            db_release(svc->db, c);
        }
    }
    sodium_memzero(password, len);
    free(password);
    return rc;
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
    if (password_init(&ctx))
        return -1;
    return first_admin(svc);
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
