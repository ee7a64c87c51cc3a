/* Helpers for tests/bench/run.sh that the shell does badly.
 *
 *   benchtool mint KEYFILE TTL < users.tsv > tokens.txt
 *       Reads "id<TAB>username<TAB>position<TAB>department_id<TAB>is_admin
 *       <TAB>is_secretary<TAB>serves_leader_id" lines (booleans t/f, 0 for
 *       none) and writes "id<TAB>token" lines: RS256 access tokens signed
 *       with the private key, with exactly the claims the identity service
 *       puts in a login's token (auth_mint in common/auth.c), valid for TTL
 *       seconds. Signs on every core.
 *
 *   benchtool cursors < ids.txt > cursors.txt
 *       Writes the list cursor (page_cursor_encode in common/page.c) of each
 *       id read, one a line: "the page after this id".
 *
 *   benchtool startup URL TIMEOUT_MS -- PROGRAM [ARG...]
 *       Starts PROGRAM (with this process's environment), polls URL (an
 *       http://127.0.0.1:PORT/path) every millisecond until it answers 200,
 *       prints "startup_ms=<ms>" (from just before exec), then stops the
 *       program with SIGTERM and waits for it. Exit status 1 when it did not
 *       become ready in time or died.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "page.h"

/* ---------------------------------------------------------------- mint */

typedef struct mint_job {
    caller_t *users;
    char **tokens;
    size_t n, next;
    pthread_mutex_t mu;
    const char *pem;
    size_t pem_len;
    long long now;
    long ttl;
    int failed;
} mint_job;

static void *mint_worker(void *arg)
{
    mint_job *j = arg;
    for (;;) {
        pthread_mutex_lock(&j->mu);
        size_t i = j->next++;
        pthread_mutex_unlock(&j->mu);
        if (i >= j->n)
            return NULL;
        j->tokens[i] = auth_mint(j->pem, j->pem_len, "oa-identity", "oa-api", &j->users[i],
                                 j->now, j->ttl);
        if (!j->tokens[i])
            j->failed = 1;
    }
}

static int parse_user(char *line, caller_t *c)
{
    char *f[7];
    int n = 0;
    for (char *s = strtok(line, "\t\n"); s && n < 7; s = strtok(NULL, "\t\n"))
        f[n++] = s;
    if (n != 7)
        return -1;
    memset(c, 0, sizeof *c);
    c->id = atoll(f[0]);
    snprintf(c->username, sizeof c->username, "%s", f[1]);
    snprintf(c->position, sizeof c->position, "%s", f[2]);
    c->department_id = atoll(f[3]);
    c->is_admin = f[4][0] == 't';
    c->is_secretary = f[5][0] == 't';
    c->serves_leader_id = atoll(f[6]);
    return c->id > 0 ? 0 : -1;
}

static int cmd_mint(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: benchtool mint KEYFILE TTL < users.tsv\n");
        return 2;
    }
    size_t pem_len;
    char *pem = cfg_read_file("KEYFILE", argv[2], &pem_len);
    if (!pem)
        return 1;
    mint_job j = {.pem = pem, .pem_len = pem_len, .now = (long long)time(NULL),
                  .ttl = atol(argv[3])};
    pthread_mutex_init(&j.mu, NULL);
    size_t cap = 1024;
    j.users = malloc(cap * sizeof *j.users);
    char line[1024];
    while (j.users && fgets(line, sizeof line, stdin)) {
        if (j.n == cap) {
            cap *= 2;
            caller_t *nu = realloc(j.users, cap * sizeof *j.users);
            if (!nu)
                break;
            j.users = nu;
        }
        if (parse_user(line, &j.users[j.n]) == 0)
            j.n++;
    }
    j.tokens = calloc(j.n ? j.n : 1, sizeof *j.tokens);
    if (!j.users || !j.tokens)
        return 1;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int nthreads = ncpu > 0 && ncpu < 64 ? (int)ncpu : 2;
    pthread_t th[64];
    for (int i = 0; i < nthreads; i++)
        pthread_create(&th[i], NULL, mint_worker, &j);
    for (int i = 0; i < nthreads; i++)
        pthread_join(th[i], NULL);
    if (j.failed) {
        fprintf(stderr, "benchtool: signing failed\n");
        return 1;
    }
    for (size_t i = 0; i < j.n; i++) {
        printf("%lld\t%s\n", j.users[i].id, j.tokens[i]);
        free(j.tokens[i]);
    }
    free(j.tokens);
    free(j.users);
    free(pem);
    return fflush(stdout) == 0 ? 0 : 1;
}

/* ---------------------------------------------------------------- startup */

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* One GET; true when the answer's status line says 200. Short timeouts: a
 * service that is not listening yet refuses the connection at once. */
static bool get_ok(const struct sockaddr_in *addr, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = false;
    if (connect(fd, (const struct sockaddr *)addr, sizeof *addr) == 0) {
        char req[512];
        int n = snprintf(req, sizeof req,
                         "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", path);
        if (write(fd, req, (size_t)n) == n) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            char buf[64];
            if (poll(&p, 1, 2000) == 1) {
                ssize_t got = read(fd, buf, sizeof buf - 1);
                if (got >= 12) {
                    buf[got] = '\0';
                    ok = !strncmp(buf + 9, "200", 3);
                }
            }
        }
    }
    close(fd);
    return ok;
}

static int cmd_startup(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[4], "--")) {
        fprintf(stderr, "usage: benchtool startup URL TIMEOUT_MS -- PROGRAM [ARG...]\n");
        return 2;
    }
    const char *url = argv[2];
    long timeout_ms = atol(argv[3]);
    unsigned port = 0;
    char path[256] = "/";
    if (sscanf(url, "http://127.0.0.1:%u%255s", &port, path) < 1 || port == 0 || port > 65535) {
        fprintf(stderr, "benchtool: URL must be http://127.0.0.1:PORT/path\n");
        return 2;
    }
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);

    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        execv(argv[5], argv + 5);
        _exit(127);
    }
    int rc = 1;
    while (ms_since(&t0) < (double)timeout_ms) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            fprintf(stderr, "benchtool: %s exited during start-up\n", argv[5]);
            return 1;
        }
        if (get_ok(&addr, path)) {
            printf("startup_ms=%.1f\n", ms_since(&t0));
            rc = 0;
            break;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    if (rc)
        fprintf(stderr, "benchtool: %s not ready within %ld ms\n", argv[5], timeout_ms);
    kill(pid, SIGTERM);
    for (int i = 0; i < 1000; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return rc;
        struct timespec pause = {0, 10000000};
        nanosleep(&pause, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return rc;
}

static int cmd_cursors(void)
{
    char line[64], cur[PAGE_CURSOR_MAX];
    while (fgets(line, sizeof line, stdin)) {
        long long id = atoll(line);
        if (id <= 0)
            continue;
        page_cursor_encode(id, cur);
        printf("%s\n", cur);
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "cursors"))
        return cmd_cursors();
    if (argc >= 2 && !strcmp(argv[1], "mint"))
        return cmd_mint(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "startup"))
        return cmd_startup(argc, argv);
    fprintf(stderr, "usage: benchtool mint|cursors|startup ...\n");
    return 2;
}
