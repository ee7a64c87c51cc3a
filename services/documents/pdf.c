/* The official PDF of a numbered document and the processing card of an
 * incoming item: the reads, their audit, and the answer. The pages are
 * drawn by documents-pdf (render/renderer.c), a program of its own that
 * this service starts when a PDF is asked for and that exits once a burst
 * of renders is over (PDF_RENDERER_IDLE_MS), so that Cairo, Pango,
 * fontconfig and the CJK faces never stay in the service's memory: the
 * service's resident memory was ~108 MB with them in the process, and grew
 * with every thread that rendered.
 *
 * One renderer serves one render at a time (one Pango font map, which is
 * not safe to share between threads), as the renders in the process did. */
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"
#include "documents.h"
#include "log.h"
#include "render/pdf_wire.h"

extern char **environ;

typedef struct pdf_buf {
    unsigned char *data;
    size_t len;
} pdf_buf;

static struct {
    pthread_mutex_t mu; /* one render at a time; guards fd and pid */
    int fd;             /* our end of the renderer's socket, or -1 */
    pid_t pid;
    char path[PATH_MAX];
    long idle_ms, timeout_ms;
    /* Renderers started and not yet reaped, so that the service's stop
     * waits for the last one to end (its leak check, under ASan). */
    pthread_mutex_t live_mu;
    pthread_cond_t live_cv;
    int live;
} rend = {.mu = PTHREAD_MUTEX_INITIALIZER,
          .fd = -1,
          .live_mu = PTHREAD_MUTEX_INITIALIZER,
          .live_cv = PTHREAD_COND_INITIALIZER};

int pdf_init(void)
{
    const char *path = NULL;
    int bad = cfg_str("PDF_RENDERER", NULL, &path);
    bad |= cfg_long("PDF_RENDERER_IDLE_MS", 3000, 1, 3600000, &rend.idle_ms);
    bad |= cfg_long("PDF_RENDER_TIMEOUT_MS", 30000, 100, 600000, &rend.timeout_ms);
    if (bad)
        return -1;
    if (path && *path) {
        snprintf(rend.path, sizeof rend.path, "%s", path);
    } else {
        /* Beside the service's own binary. */
        char self[PATH_MAX - 32];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0) {
            fprintf(stderr, "configuration error: PDF_RENDERER is not set and /proc/self/exe "
                            "cannot be read\n");
            return -1;
        }
        self[n] = 0;
        char *slash = strrchr(self, '/');
        *slash = 0;
        snprintf(rend.path, sizeof rend.path, "%s/documents-pdf", self);
    }
    if (access(rend.path, X_OK)) {
        fprintf(stderr, "configuration error: the PDF renderer %s is not an executable file "
                        "(PDF_RENDERER)\n", rend.path);
        return -1;
    }
    return 0;
}

void pdf_fini(void)
{
    pthread_mutex_lock(&rend.mu);
    if (rend.fd >= 0)
        close(rend.fd); /* the renderer reads the end of the stream and exits */
    rend.fd = -1;
    pthread_mutex_unlock(&rend.mu);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    pthread_mutex_lock(&rend.live_mu);
    while (rend.live > 0 &&
           pthread_cond_timedwait(&rend.live_cv, &rend.live_mu, &until) != ETIMEDOUT)
        ;
    pthread_mutex_unlock(&rend.live_mu);
}

/* Waits for one renderer to exit, so that none is left a zombie. */
static void *reap(void *arg)
{
    pid_t pid = (pid_t)(intptr_t)arg;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    pthread_mutex_lock(&rend.live_mu);
    rend.live--;
    pthread_cond_broadcast(&rend.live_cv);
    pthread_mutex_unlock(&rend.live_mu);
    return NULL;
}

/* Starts a renderer on a new socket. 0, or -1 (logged). Under rend.mu. */
static int renderer_start(void)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
        log_msg(LOG_ERROR, NULL, "PDF renderer: socketpair: %s", strerror(errno));
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
    char idle[24];
    snprintf(idle, sizeof idle, "%ld", rend.idle_ms);
    char *argv[] = {"documents-pdf", idle, NULL};
    /* Not the service's blocked SIGTERM (sigwait) nor its ignored SIGPIPE. */
    posix_spawnattr_t sa;
    posix_spawnattr_init(&sa);
    sigset_t none, def;
    sigemptyset(&none);
    sigemptyset(&def);
    sigaddset(&def, SIGPIPE);
    sigaddset(&def, SIGTERM);
    sigaddset(&def, SIGINT);
    posix_spawnattr_setsigmask(&sa, &none);
    posix_spawnattr_setsigdefault(&sa, &def);
    posix_spawnattr_setflags(&sa, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    pid_t pid;
    int rc = posix_spawn(&pid, rend.path, &fa, &sa, argv, environ);
    posix_spawnattr_destroy(&sa);
    posix_spawn_file_actions_destroy(&fa);
    close(sv[1]);
    if (rc) {
        log_msg(LOG_ERROR, NULL, "PDF renderer: cannot start %s: %s", rend.path, strerror(rc));
        close(sv[0]);
        return -1;
    }
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&at, 64 * 1024);
    pthread_mutex_lock(&rend.live_mu);
    rend.live++;
    pthread_mutex_unlock(&rend.live_mu);
    if (pthread_create(&t, &at, reap, (void *)(intptr_t)pid)) {
        pthread_mutex_lock(&rend.live_mu);
        rend.live--;
        pthread_mutex_unlock(&rend.live_mu);
        /* Nobody would reap it: stop it and reap it here. */
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        close(sv[0]);
        pthread_attr_destroy(&at);
        log_msg(LOG_ERROR, NULL, "PDF renderer: no thread to wait for it");
        return -1;
    }
    pthread_attr_destroy(&at);
    rend.fd = sv[0];
    rend.pid = pid;
    return 0;
}

/* One request and its answer. 0 with the PDF in *b; 1 when the renderer
 * answered that it could not render; -1 when it is gone (it exited after
 * its idle time just as we asked, or broke); -2 when it did not answer in
 * time. Under rend.mu. */
static int exchange(uint32_t kind, uint32_t n, const char *const *s, pdf_buf *b)
{
    uint32_t h[2] = {kind, n};
    if (wire_write(rend.fd, h, sizeof h))
        return -1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t len = (uint32_t)strlen(s[i]);
        if (wire_write(rend.fd, &len, sizeof len) || wire_write(rend.fd, s[i], len))
            return -1;
    }
    uint32_t a[2];
    int rc = wire_read(rend.fd, a, sizeof a, (int)rend.timeout_ms);
    if (rc)
        return rc;
    if (a[0])
        return 1;
    if (a[1] > PDF_WIRE_MAX_BYTES)
        return -1;
    b->data = malloc(a[1] ? a[1] : 1);
    b->len = a[1];
    if (!b->data)
        return -1;
    rc = wire_read(rend.fd, b->data, a[1], (int)rend.timeout_ms);
    if (rc) {
        free(b->data);
        b->data = NULL;
    }
    return rc;
}

/* Renders the n strings of a request of `kind` into b (malloc'd). 0, or -1
 * (logged). A renderer that has gone is replaced once. */
static int pdf_render(uint32_t kind, uint32_t n, const char *const *s, pdf_buf *b)
{
    int rc = -1;
    pthread_mutex_lock(&rend.mu);
    for (int attempt = 0; attempt < 2; attempt++) {
        if (rend.fd < 0 && renderer_start())
            break;
        rc = exchange(kind, n, s, b);
        if (rc >= 0)
            break;
        if (rc == -2) {
            log_msg(LOG_ERROR, NULL, "PDF renderer: no answer in %ld ms; stopped",
                    rend.timeout_ms);
            kill(rend.pid, SIGKILL);
        }
        close(rend.fd);
        rend.fd = -1;
        if (rc == -2)
            break;
    }
    pthread_mutex_unlock(&rend.mu);
    if (rc == 1)
        log_msg(LOG_ERROR, NULL, "PDF renderer: the PDF could not be rendered");
    return rc ? -1 : 0;
}

/* Answers the rendered PDF (rc 0) or a 500; frees b. */
static void reply_pdf(req_t *r, int rc, pdf_buf *b, const char *name)
{
    if (rc) {
        reply_problem(r, ERR_INTERNAL, NULL, NULL, "the PDF could not be rendered");
    } else {
        char disp[128];
        snprintf(disp, sizeof disp, "inline; filename=\"%s\"", name);
        ulfius_set_binary_body_response(r->resp, 200, (const char *)b->data, b->len);
        u_map_put(r->resp->map_header, "Content-Type", "application/pdf");
        u_map_put(r->resp->map_header, "Content-Disposition", disp);
        u_map_put(r->resp->map_header, "X-Request-Id", r->rid);
    }
    free(b->data);
}

/* ---------- the official PDF of a document ---------- */

typedef struct pdf_tx {
    req_t *r;
    long long id;
    PGresult *row;
} pdf_tx;

static const db_stmt Q_PDF_DOC = {
    "documents_pdf_doc",
    "SELECT d.issuer, d.doc_number, d.title, d.main_recipients, d.body, d.cc_recipients,"
    " d.secrecy, d.urgency, to_char(d.signed_at, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"') AS signed_on,"
    " to_char(d.numbered_at, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"') AS printed_on, d.state"
    " FROM documents d WHERE d.id = $1 AND document_visible(d, $2, $3)"};

/* Reads the document; a read of a secret one is audited. */
static int pdf_read_run(db_conn *c, void *arg, problem_t *p)
{
    pdf_tx *t = arg;
    PQclear(t->row);
    t->row = NULL;
    char id[24], u[24], ud[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            db_int(ud, t->r->caller->department_id)};
    if (db_query(c, &Q_PDF_DOC, 3, params, &t->row, p))
        return -1;
    if (PQntuples(t->row) == 0)
        return problem_set(p, ERR_DOCUMENT_NOT_FOUND, NULL, NULL, "no such document");
    if (db_col_null(t->row, 0, "doc_number"))
        return problem_set(p, ERR_DOCUMENT_NOT_NUMBERED, NULL, NULL,
                           "the official PDF exists once the document is numbered");
    if (!strcmp(db_col_str(t->row, 0, "secrecy"), "none"))
        return 0;
    return audit_write(c, &t->r->actor, "document", t->id, "read_pdf", NULL, NULL, p);
}

void h_documents_pdf(req_t *r)
{
    pdf_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id)
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, pdf_read_run, &t, &p)) {
        PQclear(t.row);
        reply_problem_t(r, &p);
        return;
    }
    /* The PDF's title and subject, then the fields renderer.c draws. */
    static const char *const cols[] = {"issuer",  "doc_number", "title",   "main_recipients",
                                       "body",    "cc_recipients", "secrecy", "urgency",
                                       "signed_on", "printed_on"};
    const char *s[12] = {db_col_str(t.row, 0, "title"), db_col_str(t.row, 0, "doc_number")};
    for (size_t i = 0; i < 10; i++)
        s[2 + i] = db_col_str(t.row, 0, cols[i]);
    pdf_buf b = {0};
    char name[64];
    snprintf(name, sizeof name, "document-%lld.pdf", t.id);
    reply_pdf(r, pdf_render(PDF_KIND_DOCUMENT, 12, s, &b), &b, name);
    PQclear(t.row);
}

/* ---------- the processing card of an incoming item (收文处理单) ---------- */

typedef struct card_tx {
    req_t *r;
    long long id;
    PGresult *head, *entries;
} card_tx;

static const db_stmt Q_CARD_HEAD = {
    "incoming_card_head",
    "SELECT i.registry_number, i.source_org, i.original_number, i.title,"
    " to_char(i.received_at, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"') AS received_on,"
    " CASE i.secrecy WHEN 'secret' THEN '秘密' WHEN 'confidential' THEN '机密' ELSE '' END"
    " AS secrecy_label,"
    " CASE i.urgency WHEN 'urgent' THEN '加急' WHEN 'extra_urgent' THEN '特急' ELSE '' END"
    " AS urgency_label,"
    " coalesce(to_char(i.deadline, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"'), '') AS deadline_on,"
    " i.summary, i.secrecy"
    " FROM incoming i WHERE i.id = $1 AND incoming_visible(i, $2, $3)"};

static const db_stmt Q_CARD_ENTRIES = {
    "incoming_card_entries",
    "SELECT e.step, e.text, coalesce(pp.display_name, '系统') AS actor,"
    " to_char(e.at, 'YYYY-MM-DD HH24:MI') AS at"
    " FROM incoming_entries e LEFT JOIN identity.org_people pp ON pp.id = e.actor_id"
    " WHERE e.incoming_id = $1 ORDER BY e.no"};

static int card_read_run(db_conn *c, void *arg, problem_t *p)
{
    card_tx *t = arg;
    PQclear(t->head);
    PQclear(t->entries);
    t->head = t->entries = NULL;
    char id[24], u[24], ud[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            db_int(ud, t->r->caller->department_id)};
    if (db_query(c, &Q_CARD_HEAD, 3, params, &t->head, p))
        return -1;
    if (PQntuples(t->head) == 0)
        return problem_set(p, ERR_INCOMING_NOT_FOUND, NULL, NULL, "no such incoming item");
    if (db_query(c, &Q_CARD_ENTRIES, 1, params, &t->entries, p))
        return -1;
    if (!strcmp(db_col_str(t->head, 0, "secrecy"), "none"))
        return 0;
    return audit_write(c, &t->r->actor, "incoming", t->id, "read_card", NULL, NULL, p);
}

/* The card's request: title and subject, the nine head fields, then four
 * strings an entry. NULL when out of memory. */
static const char **card_strings(const card_tx *t, uint32_t *n)
{
    static const char *const head[] = {"registry_number", "source_org",    "original_number",
                                       "title",           "received_on",   "secrecy_label",
                                       "urgency_label",   "deadline_on",   "summary"};
    static const char *const entry[] = {"step", "text", "actor", "at"};
    int rows = PQntuples(t->entries);
    if (rows < 0 || (size_t)rows > (PDF_WIRE_MAX_STRINGS - 11) / 4)
        return NULL;
    *n = 11 + 4 * (uint32_t)rows;
    const char **s = calloc(*n, sizeof *s);
    if (!s)
        return NULL;
    s[0] = db_col_str(t->head, 0, "title");
    s[1] = db_col_str(t->head, 0, "registry_number");
    for (size_t i = 0; i < 9; i++)
        s[2 + i] = db_col_str(t->head, 0, head[i]);
    for (int row = 0; row < rows; row++)
        for (size_t i = 0; i < 4; i++)
            s[11 + 4 * row + i] = db_col_str(t->entries, row, entry[i]);
    return s;
}

void h_incoming_card(req_t *r)
{
    card_tx t = {.r = r, .id = path_id_or_reply(r, "id")};
    if (!t.id)
        return;
    problem_t p = {0};
    if (db_tx(r->svc->db, r->svc->db_timeout_ms, NULL, card_read_run, &t, &p)) {
        reply_problem_t(r, &p);
    } else {
        pdf_buf b = {0};
        char name[64];
        snprintf(name, sizeof name, "incoming-%lld-card.pdf", t.id);
        uint32_t n = 0;
        const char **s = card_strings(&t, &n);
        reply_pdf(r, s ? pdf_render(PDF_KIND_CARD, n, s, &b) : -1, &b, name);
        free(s);
    }
    PQclear(t.head);
    PQclear(t.entries);
}
