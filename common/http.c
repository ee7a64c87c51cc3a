/* Start-up and shutdown of a service: configuration, keys, migrations, the
 * pool, the routes, the thread pool (poll), the signals. */
#include "http.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "http_internal.h"
#include "log.h"
#include "memory.h"

typedef struct http_config {
    long port, cpus, threads, pool_size, max_body, max_conns, conn_timeout;
    long stmt_timeout, lock_timeout, acquire_timeout, refresh_s, clock_skew;
    long shutdown_delay_ms, shutdown_grace_s, trim_s;
    const char *bind, *db_url, *migrations, *pubkey_file;
} http_config;

long long now_s(void)
{
    return (long long)time(NULL);
}

static int read_config(http_config *c, service_t *svc)
{
    int bad = 0;
    bad |= cfg_long("PORT", 8080, 1, 65535, &c->port);
    bad |= cfg_str("BIND_ADDR", "0.0.0.0", &c->bind);
    bad |= cfg_str("DATABASE_URL", NULL, &c->db_url);
    bad |= cfg_str("MIGRATIONS_DIR", NULL, &c->migrations);
    bad |= cfg_str("JWT_PUBLIC_KEY_FILE", NULL, &c->pubkey_file);
    /* Twice the CPUs the service may use (cfg_cpus: its affinity, or its
     * container's CPU quota), at least 4 and at most 16, and as many
     * database connections. A thread waits while PostgreSQL answers, so a
     * few more threads than CPUs keep the CPUs busy; more only take turns
     * on them, each turn a context switch. On the 2-core benchmark machine
     * 4 threads against 16 served the lists and reads 5-25 % more a second
     * with less CPU a request and a lower p99, and the write flows as many
     * (tests/bench/RESULTS.md). A write waits at COMMIT for the WAL to
     * reach the disk, and PostgreSQL flushes the commits that wait
     * together: where a flush takes milliseconds, more threads let more
     * commits share one, and writes that queue on one row (a document
     * number's series) go faster with more of them waiting (HTTP_THREADS). */
    c->cpus = cfg_cpus();
    bad |= cfg_long("HTTP_THREADS", cfg_default_threads(c->cpus), 1, 256, &c->threads);
    bad |= cfg_long("DB_POOL_SIZE", 0, 0, 256, &c->pool_size);
    bad |= cfg_long("HTTP_MAX_BODY_BYTES", 1024 * 1024, 1024, 64L * 1024 * 1024, &c->max_body);
    bad |= cfg_long("HTTP_MAX_CONNECTIONS", 4096, 16, 65536, &c->max_conns);
    bad |= cfg_long("HTTP_CONNECTION_TIMEOUT", 30, 1, 3600, &c->conn_timeout);
    bad |= cfg_long("DB_STATEMENT_TIMEOUT_MS", 5000, 10, 600000, &c->stmt_timeout);
    bad |= cfg_long("DB_LOCK_TIMEOUT_MS", 2000, 10, 600000, &c->lock_timeout);
    bad |= cfg_long("DB_ACQUIRE_TIMEOUT_MS", 2000, 1, 60000, &c->acquire_timeout);
    bad |= cfg_long("AUTH_REFRESH_SECONDS", 30, 1, 3600, &c->refresh_s);
    bad |= cfg_long("JWT_CLOCK_SKEW_SECONDS", 30, 0, 300, &c->clock_skew);
    bad |= cfg_long("SHUTDOWN_DELAY_MS", 500, 0, 60000, &c->shutdown_delay_ms);
    bad |= cfg_long("SHUTDOWN_GRACE_SECONDS", 25, 0, 3600, &c->shutdown_grace_s);
    bad |= cfg_long("MALLOC_TRIM_SECONDS", 2, 0, 3600, &c->trim_s);
    bad |= cfg_long("IDEMPOTENCY_TTL_SECONDS", 86400, 60, 30L * 86400, &svc->idem_ttl_s);
    bad |= cfg_long("IDEMPOTENCY_SWEEP_SECONDS", 300, 1, 86400, &svc->idem_sweep_s);
    if (!c->db_url) {
        fprintf(stderr, "configuration error: DATABASE_URL is not set\n");
        bad = -1;
    }
    if (c->pool_size == 0)
        c->pool_size = c->threads;
    return bad ? -1 : 0;
}

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Connections open now, counted as MHD opens and closes them (its own
 * count does not sum the thread pool's workers). */
static atomic_int open_conns;

static void conn_notify(void *cls, struct MHD_Connection *c, void **ctx,
                        enum MHD_ConnectionNotificationCode what)
{
    (void)cls;
    (void)c;
    (void)ctx;
    if (what == MHD_CONNECTION_NOTIFY_STARTED)
        atomic_fetch_add(&open_conns, 1);
    else if (what == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&open_conns, 1);
}

/* The graceful stop: /readyz fails at once and for SHUTDOWN_DELAY_MS the
 * service still accepts (so a load balancer that polls it sees it go);
 * then the listening socket is closed, and the connections already open
 * are served, each answer closing its connection, until none is left or
 * SHUTDOWN_GRACE_SECONDS have passed. A keep-alive connection is never
 * closed under a request the gateway is sending down it. */
static void drain(service_t *svc, struct _u_instance *inst, const http_config *cfg)
{
    atomic_store(&svc->draining, true);
    long long t0 = now_ms();
    if (cfg->shutdown_delay_ms > 0)
        usleep((useconds_t)cfg->shutdown_delay_ms * 1000);
    MHD_socket fd = MHD_quiesce_daemon(inst->mhd_daemon);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    long long deadline = now_ms() + cfg->shutdown_grace_s * 1000;
    unsigned left;
    while ((left = (unsigned)atomic_load(&open_conns)) > 0 && now_ms() < deadline)
        usleep(50 * 1000);
    log_msg(left ? LOG_WARN : LOG_INFO, NULL,
            "stopped accepting; %u connection(s) left after %lld ms", left, now_ms() - t0);
}

int http_run(service_t *svc)
{
    http_config cfg = {0};
    mem_setup(); /* before any thread */
    if (log_init(svc->name) || read_config(&cfg, svc))
        return 2;
    if (sodium_init() < 0)
        return 2;
    svc->max_body_bytes = (size_t)cfg.max_body;
    svc->db_timeout_ms = cfg.acquire_timeout;
    cfg_str("JWT_ISSUER", "oa-identity", &svc->issuer);
    cfg_str("JWT_AUDIENCE", "oa-api", &svc->audience);
    svc->public_pem = cfg_read_file("JWT_PUBLIC_KEY_FILE", cfg.pubkey_file, &svc->public_pem_len);
    if (!svc->public_pem)
        return 2;
    /* Room for the tokens of ~16 000 callers at once (152 bytes each,
     * ~2.4 MiB, resident from the start), so RS256 is checked once per
     * token, not once per request. */
    svc->auth = auth_verifier_new(svc->public_pem, svc->public_pem_len, svc->issuer,
                                  svc->audience, 16384);
    if (!svc->auth) {
        fprintf(stderr, "configuration error: JWT_PUBLIC_KEY_FILE is not a usable key\n");
        free(svc->public_pem);
        return 2;
    }
    auth_set_leeway(svc->auth, cfg.clock_skew);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)cfg.port)};
    if (inet_pton(AF_INET, cfg.bind, &addr.sin_addr) != 1) {
        fprintf(stderr, "configuration error: BIND_ADDR=%s is not an IPv4 address\n", cfg.bind);
        return 2;
    }

    int exit_code = 1;
    struct _u_instance inst;
    binding *bindings = NULL;
    auth_refresher *rf = NULL;
    mem_trimmer *trim = NULL;
    bool inst_ready = false;

    /* The pool connects in the background while the migrations run; its
     * statements are prepared on first use, after the migrations. */
    svc->db = db_pool_open(cfg.db_url, svc->name, (int)cfg.pool_size, cfg.stmt_timeout,
                           cfg.lock_timeout);
    if (!svc->db)
        goto cleanup;
    if (cfg.migrations && db_migrate(cfg.db_url, svc->name, cfg.migrations)) {
        log_msg(LOG_ERROR, NULL, "migrations failed; not starting");
        goto cleanup;
    }
    if (svc->init && svc->init(svc)) {
        log_msg(LOG_ERROR, NULL, "service initialisation failed");
        goto cleanup;
    }
    if (ulfius_init_instance(&inst, (unsigned)cfg.port, NULL, NULL) != U_OK)
        goto cleanup;
    inst_ready = true;
    inst.max_post_body_size = svc->max_body_bytes;
    if (svc->binary_max_body > inst.max_post_body_size)
        inst.max_post_body_size = svc->binary_max_body;
    u_map_put(inst.default_headers, "Cache-Control", "no-store");
    u_map_put(inst.default_headers, "X-Content-Type-Options", "nosniff");
    bindings = calloc(svc->nroutes + 1, sizeof *bindings);
    svc->bindings = bindings;
    if (!bindings || http_register_routes(svc, &inst, bindings))
        goto cleanup;

    rf = auth_refresher_start(svc, cfg.refresh_s);
    trim = mem_trimmer_start(cfg.trim_s);

    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_OptionItem ops[] = {
        {MHD_OPTION_THREAD_POOL_SIZE, cfg.threads, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, cfg.max_conns, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL},
        {MHD_OPTION_CONNECTION_TIMEOUT, cfg.conn_timeout, NULL},
        {MHD_OPTION_SOCK_ADDR, 0, &addr},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)mhd_request_completed, NULL},
        {MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)ulfius_uri_logger, NULL},
        {MHD_OPTION_NOTIFY_CONNECTION, (intptr_t)conn_notify, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    /* MHD_USE_ITC: the listening socket can be closed on SIGTERM while the
     * connections already open are served (MHD_quiesce_daemon).
     * MHD_USE_POLL, not MHD_USE_EPOLL: a connection stays with the worker
     * that accepted it, which serves its connections one request at a
     * time, and with epoll a worker that wakes accepts up to ten waiting
     * connections in a row, so the gateway's keep-alive connections, opened
     * in a burst, gathered on a few workers (32 on 5-7 of 16 in the
     * supervision report's bench: a request waited behind the others' on
     * its worker while the rest idled). With poll a worker accepts one
     * connection a wake-up and they spread over every worker
     * (tests/bench/RESULTS.md, round two). */
    if (ulfius_start_framework_with_mhd_options(
            &inst, MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ITC, ops) != U_OK) {
        log_msg(LOG_ERROR, NULL, "cannot listen on %s:%ld", cfg.bind, cfg.port);
        goto cleanup;
    }
    log_msg(LOG_INFO, NULL, "listening on %s:%ld with %ld threads (%ld CPUs usable)", cfg.bind,
            cfg.port, cfg.threads, cfg.cpus);
    int sig = 0;
    sigwait(&set, &sig);
    log_msg(LOG_INFO, NULL, "signal %d: shutting down", sig);
    drain(svc, &inst, &cfg);
    ulfius_stop_framework(&inst);
    exit_code = 0;

cleanup:
    atomic_store(&svc->stopping, true);
    auth_refresher_stop(rf);
    mem_trimmer_stop(trim);
    if (svc->fini)
        svc->fini(svc);
    if (inst_ready)
        ulfius_clean_instance(&inst);
    free(bindings);
    db_pool_close(svc->db);
    auth_verifier_free(svc->auth);
    free(svc->public_pem);
    return exit_code;
}
