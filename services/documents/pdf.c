/* The official PDF of a numbered document, in the layout of GB/T 9704-2012
 * (党政机关公文格式): A4, text area 156 x 225 mm (margins top 37, left 28);
 * secrecy and urgency at the top left; the red issuer mark (发文机关标志)
 * 35 mm below the top of the text area; the document number two lines
 * under it and the red separator line 4 mm under the number; the title in
 * 2号 (22 pt), the main recipients, the body in 3号 (16 pt) with two
 * characters of indent; the issuer and the date to the right; the record
 * (版记: copied to, printed by and when) between thin lines at the foot of
 * the last page; page numbers "— N —" in 4号 (14 pt) 7 mm under the text
 * area, to the right on odd pages and to the left on even ones.
 *
 * Rendering goes through one Pango font map, which is not safe to share
 * between threads, so one document is rendered at a time. */
#include <cairo-pdf.h>
#include <malloc.h>
#include <pango/pangocairo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "documents.h"

#define MM (72.0 / 25.4)
#define PAGE_W (210 * MM)
#define PAGE_H (297 * MM)
#define LEFT (28 * MM)
#define TOP (37 * MM)
#define TEXT_W (156 * MM)
#define TEXT_H (225 * MM)
#define BOTTOM (TOP + TEXT_H)
#define LINE (TEXT_H / 22) /* 22 lines a page */

#define SERIF "Noto Serif CJK SC"
#define SANS "Noto Sans CJK SC"

static pthread_mutex_t render_mu = PTHREAD_MUTEX_INITIALIZER;
static PangoFontMap *font_map; /* made once, used under render_mu */

typedef struct pdf_buf {
    unsigned char *data;
    size_t len, cap;
    bool failed;
} pdf_buf;

static cairo_status_t pdf_write(void *closure, const unsigned char *data, unsigned int len)
{
    pdf_buf *b = closure;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        while (cap < b->len + len)
            cap *= 2;
        unsigned char *d = realloc(b->data, cap);
        if (!d) {
            b->failed = true;
            return CAIRO_STATUS_WRITE_ERROR;
        }
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

/* What is drawn on the pages, and where the pen is. */
typedef struct page_pen {
    cairo_t *cr;
    PangoContext *pc;
    int page;
    double y;
} page_pen;

static void page_number(page_pen *w)
{
    PangoLayout *l = pango_layout_new(w->pc);
    PangoFontDescription *f = pango_font_description_from_string(SERIF " 14");
    pango_layout_set_font_description(l, f);
    char s[32];
    snprintf(s, sizeof s, "— %d —", w->page);
    pango_layout_set_text(l, s, -1);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    double x = w->page % 2 ? LEFT + TEXT_W - pw / (double)PANGO_SCALE - 14 : LEFT + 14;
    cairo_set_source_rgb(w->cr, 0, 0, 0);
    cairo_move_to(w->cr, x, BOTTOM + 7 * MM);
    pango_cairo_show_layout(w->cr, l);
    pango_font_description_free(f);
    g_object_unref(l);
}

static void new_page(page_pen *w)
{
    page_number(w);
    cairo_show_page(w->cr);
    w->page++;
    w->y = TOP;
}

/* A block of text in `font`, `align`ed in the text area, first lines
 * indented by `indent` points, flowed line by line over the pages with at
 * least the office's line pitch. */
static void flow(page_pen *w, const char *text, const char *font, PangoAlignment align,
                 double indent, double right_inset, double r, double g, double b)
{
    PangoLayout *l = pango_layout_new(w->pc);
    PangoFontDescription *f = pango_font_description_from_string(font);
    pango_layout_set_font_description(l, f);
    pango_layout_set_width(l, (int)((TEXT_W - right_inset) * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(l, align);
    pango_layout_set_indent(l, (int)(indent * PANGO_SCALE));
    pango_layout_set_text(l, text, -1);
    PangoLayoutIter *it = pango_layout_get_iter(l);
    do {
        PangoRectangle logical;
        pango_layout_iter_get_line_extents(it, NULL, &logical);
        double h = logical.height / (double)PANGO_SCALE;
        double pitch = h > LINE ? h : LINE;
        if (w->y + pitch > BOTTOM + 0.5)
            new_page(w);
        double baseline = pango_layout_iter_get_baseline(it) / (double)PANGO_SCALE -
                          logical.y / (double)PANGO_SCALE;
        cairo_set_source_rgb(w->cr, r, g, b);
        cairo_move_to(w->cr, LEFT + logical.x / (double)PANGO_SCALE,
                      w->y + (pitch - h) / 2 + baseline);
        pango_cairo_show_layout_line(w->cr, pango_layout_iter_get_line_readonly(it));
        w->y += pitch;
    } while (pango_layout_iter_next_line(it));
    pango_layout_iter_free(it);
    pango_font_description_free(f);
    g_object_unref(l);
}

static void rule_line(page_pen *w, double y, double width, double r, double g, double b)
{
    cairo_set_source_rgb(w->cr, r, g, b);
    cairo_set_line_width(w->cr, width);
    cairo_move_to(w->cr, LEFT, y);
    cairo_line_to(w->cr, LEFT + TEXT_W, y);
    cairo_stroke(w->cr);
}

/* The fields of the document the page shows. */
typedef struct pdf_doc {
    const char *issuer, *number, *title, *recipients, *body, *cc, *secrecy, *urgency, *signed_on,
        *printed_on;
} pdf_doc;

static const char *issuer_name(const char *issuer)
{
    return !strcmp(issuer, "district_government") ? "船营区人民政府" : "船营区人民政府办公室";
}

static void render(cairo_t *cr, const void *arg)
{
    const pdf_doc *d = arg;
    PangoContext *pc = pango_font_map_create_context(font_map);
    pango_cairo_update_context(cr, pc);
    page_pen w = {cr, pc, 1, TOP};
    const double red[] = {0.90, 0.0, 0.07};

    /* Secrecy and urgency, top left (3号黑体). */
    if (strcmp(d->secrecy, "none"))
        flow(&w, !strcmp(d->secrecy, "secret") ? "秘密" : "机密", SANS " 16",
             PANGO_ALIGN_LEFT, 0, 0, 0, 0, 0);
    if (strcmp(d->urgency, "normal"))
        flow(&w, !strcmp(d->urgency, "urgent") ? "加急" : "特急", SANS " 16", PANGO_ALIGN_LEFT,
             0, 0, 0, 0, 0);

    /* The red issuer mark, 35 mm below the top of the text area. */
    char mark[128];
    snprintf(mark, sizeof mark, "%s文件", issuer_name(d->issuer));
    w.y = TOP + 35 * MM - LINE;
    flow(&w, mark, SERIF " Bold 34", PANGO_ALIGN_CENTER, 0, 0, red[0], red[1], red[2]);
    /* Two lines down, the number; 4 mm under it the red line. */
    w.y += LINE;
    flow(&w, d->number, SERIF " 16", PANGO_ALIGN_CENTER, 0, 0, 0, 0, 0);
    rule_line(&w, w.y + 4 * MM - (LINE - 16) / 2, 1.0, red[0], red[1], red[2]);
    w.y += LINE;
    /* The title (2号小标宋), a blank line, the main recipients. */
    flow(&w, d->title, SERIF " Bold 22", PANGO_ALIGN_CENTER, 0, 0, 0, 0, 0);
    w.y += LINE;
    char to[2100];
    snprintf(to, sizeof to, "%s：", d->recipients);
    flow(&w, to, SERIF " 16", PANGO_ALIGN_LEFT, 0, 0, 0, 0, 0);
    /* The body, paragraph by paragraph, two characters of indent. */
    const char *p = d->body;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char *para = g_strndup(p, n);
        g_strstrip(para);
        if (*para)
            flow(&w, para, SERIF " 16", PANGO_ALIGN_LEFT, 32, 0, 0, 0, 0);
        g_free(para);
        p += n;
        if (*p == '\n')
            p++;
    }
    /* The issuer and the date, to the right, four characters in. */
    w.y += LINE;
    flow(&w, issuer_name(d->issuer), SERIF " 16", PANGO_ALIGN_RIGHT, 0, 4 * 16, 0, 0, 0);
    flow(&w, d->signed_on, SERIF " 16", PANGO_ALIGN_RIGHT, 0, 4 * 16, 0, 0, 0);

    /* The record (版记) at the foot of the last page. */
    double need = (d->cc[0] ? 2 : 1) * LINE + 2;
    if (w.y + need > BOTTOM)
        new_page(&w);
    w.y = BOTTOM - need;
    rule_line(&w, w.y, 0.7, 0, 0, 0);
    if (d->cc[0]) {
        char cc[2100];
        snprintf(cc, sizeof cc, "抄送：%s。", d->cc);
        flow(&w, cc, SERIF " 14", PANGO_ALIGN_LEFT, 14, 14, 0, 0, 0);
        rule_line(&w, w.y, 0.35, 0, 0, 0);
    }
    PangoLayout *l = pango_layout_new(pc);
    PangoFontDescription *f = pango_font_description_from_string(SERIF " 14");
    pango_layout_set_font_description(l, f);
    pango_layout_set_text(l, "船营区人民政府办公室", -1);
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_move_to(cr, LEFT + 14, w.y + (LINE - 20) / 2);
    pango_cairo_show_layout(cr, l);
    char when[64];
    snprintf(when, sizeof when, "%s印发", d->printed_on);
    pango_layout_set_text(l, when, -1);
    int pw, ph;
    pango_layout_get_size(l, &pw, &ph);
    cairo_move_to(cr, LEFT + TEXT_W - 14 - pw / (double)PANGO_SCALE, w.y + (LINE - 20) / 2);
    pango_cairo_show_layout(cr, l);
    w.y += LINE;
    rule_line(&w, w.y, 0.7, 0, 0, 0);
    pango_font_description_free(f);
    g_object_unref(l);
    page_number(&w);
    cairo_show_page(cr);
    g_object_unref(pc);
}

/* Renders into b with draw(cr, arg), titled `title`. 0, or -1 when cairo
 * failed. */
static int pdf_render(void (*draw)(cairo_t *, const void *), const void *arg, const char *title,
                      const char *subject, pdf_buf *b)
{
    pthread_mutex_lock(&render_mu);
    if (!font_map) {
        /* Points, not the screen's 96 dpi: a 16 pt face is 16 pt on paper. */
        font_map = pango_cairo_font_map_new();
        pango_cairo_font_map_set_resolution(PANGO_CAIRO_FONT_MAP(font_map), 72);
    }
    cairo_surface_t *s = cairo_pdf_surface_create_for_stream(pdf_write, b, PAGE_W, PAGE_H);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, title);
    cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_SUBJECT, subject);
    cairo_t *cr = cairo_create(s);
    draw(cr, arg);
    cairo_destroy(cr);
    cairo_surface_finish(s);
    int rc = cairo_surface_status(s) == CAIRO_STATUS_SUCCESS && !b->failed ? 0 : -1;
    cairo_surface_destroy(s);
    /* A render allocates and frees a few MB in the arena of whichever
     * thread serves it; glibc keeps what was freed in every thread's arena,
     * so the service's resident memory grew by ~1.5 MB a PDF (18 MB to
     * 440 MB over a benchmark), though nothing leaked. Handing the free
     * memory back costs far less than the render. */
    malloc_trim(0);
    pthread_mutex_unlock(&render_mu);
    return rc;
}

/* ---------- the handlers ---------- */

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

typedef struct pdf_tx {
    req_t *r;
    long long id;
    PGresult *row;
} pdf_tx;

static const db_stmt Q_PDF_DOC = {
    "documents_pdf_doc",
    "SELECT d.issuer, d.doc_number, d.title, d.main_recipients, d.body, d.cc_recipients,"
    " d.secrecy, d.urgency, to_char(d.signed_at, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"'),"
    " to_char(d.numbered_at, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"'), d.state"
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
    if (PQgetisnull(t->row, 0, 1))
        return problem_set(p, ERR_DOCUMENT_NOT_NUMBERED, NULL, NULL,
                           "the official PDF exists once the document is numbered");
    if (!strcmp(PQgetvalue(t->row, 0, 6), "none"))
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
    pdf_doc d = {
        PQgetvalue(t.row, 0, 0), PQgetvalue(t.row, 0, 1), PQgetvalue(t.row, 0, 2),
        PQgetvalue(t.row, 0, 3), PQgetvalue(t.row, 0, 4), PQgetvalue(t.row, 0, 5),
        PQgetvalue(t.row, 0, 6), PQgetvalue(t.row, 0, 7), PQgetvalue(t.row, 0, 8),
        PQgetvalue(t.row, 0, 9),
    };
    pdf_buf b = {0};
    char name[64];
    snprintf(name, sizeof name, "document-%lld.pdf", t.id);
    reply_pdf(r, pdf_render(render, &d, d.title, d.number, &b), &b, name);
    PQclear(t.row);
}

/* ---------- the processing card of an incoming item (收文处理单) ---------- */

typedef struct card {
    PGresult *head, *entries;
} card;

static const char *step_label(const char *step)
{
    static const char *const map[][2] = {
        {"register", "登记"},     {"propose", "拟办意见"}, {"assign", "主任分拨意见"},
        {"instruct", "领导批示"}, {"forward", "转办"},     {"complete", "办理结果"},
        {"reply", "批复"},        {"archive", "归档"},     {"remind", "催办"},
        {"overdue", "逾期"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(map[i][0], step))
            return map[i][1];
    return step;
}

static void render_card(cairo_t *cr, const void *arg)
{
    const card *k = arg;
    PangoContext *pc = pango_font_map_create_context(font_map);
    pango_cairo_update_context(cr, pc);
    page_pen w = {cr, pc, 1, TOP - 10 * MM};
    const double red[] = {0.90, 0.0, 0.07};
    flow(&w, "船营区人民政府办公室收文处理单", SERIF " Bold 24", PANGO_ALIGN_CENTER, 0, 0,
         red[0], red[1], red[2]);
    rule_line(&w, w.y, 1.0, red[0], red[1], red[2]);
    PGresult *h = k->head;
    static const char *const labels[] = {"收文编号", "来文单位", "来文字号", "标　　题",
                                         "收文日期", "密　　级", "紧急程度", "办理期限",
                                         "内容摘要"};
    for (int i = 0; i < 9; i++) {
        const char *v = PQgetvalue(h, 0, i);
        char line[5000];
        snprintf(line, sizeof line, "%s：%s", labels[i], *v ? v : "—");
        flow(&w, line, SERIF " 14", PANGO_ALIGN_LEFT, 0, 0, 0, 0, 0);
        rule_line(&w, w.y, 0.35, 0, 0, 0);
    }
    for (int i = 0, n = PQntuples(k->entries); i < n; i++) {
        char line[5000];
        snprintf(line, sizeof line, "%s：%s（%s，%s）", step_label(PQgetvalue(k->entries, i, 0)),
                 PQgetvalue(k->entries, i, 1), PQgetvalue(k->entries, i, 2),
                 PQgetvalue(k->entries, i, 3));
        flow(&w, line, SERIF " 14", PANGO_ALIGN_LEFT, 0, 0, 0, 0, 0);
        rule_line(&w, w.y, 0.35, 0, 0, 0);
    }
    page_number(&w);
    cairo_show_page(cr);
    g_object_unref(pc);
}

typedef struct card_tx {
    req_t *r;
    long long id;
    card k;
} card_tx;

static const db_stmt Q_CARD_HEAD = {
    "incoming_card_head",
    "SELECT i.registry_number, i.source_org, i.original_number, i.title,"
    " to_char(i.received_at, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"'),"
    " CASE i.secrecy WHEN 'secret' THEN '秘密' WHEN 'confidential' THEN '机密' ELSE '' END,"
    " CASE i.urgency WHEN 'urgent' THEN '加急' WHEN 'extra_urgent' THEN '特急' ELSE '' END,"
    " coalesce(to_char(i.deadline, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"'), ''), i.summary, i.secrecy"
    " FROM incoming i WHERE i.id = $1 AND incoming_visible(i, $2, $3)"};

static const db_stmt Q_CARD_ENTRIES = {
    "incoming_card_entries",
    "SELECT e.step, e.text, coalesce(pp.display_name, '系统'), to_char(e.at, 'YYYY-MM-DD HH24:MI')"
    " FROM incoming_entries e LEFT JOIN identity.org_people pp ON pp.id = e.actor_id"
    " WHERE e.incoming_id = $1 ORDER BY e.no"};

static int card_read_run(db_conn *c, void *arg, problem_t *p)
{
    card_tx *t = arg;
    PQclear(t->k.head);
    PQclear(t->k.entries);
    t->k.head = t->k.entries = NULL;
    char id[24], u[24], ud[24];
    const char *params[] = {db_int(id, t->id), db_int(u, t->r->caller->id),
                            db_int(ud, t->r->caller->department_id)};
    if (db_query(c, &Q_CARD_HEAD, 3, params, &t->k.head, p))
        return -1;
    if (PQntuples(t->k.head) == 0)
        return problem_set(p, ERR_INCOMING_NOT_FOUND, NULL, NULL, "no such incoming item");
    if (db_query(c, &Q_CARD_ENTRIES, 1, params, &t->k.entries, p))
        return -1;
    if (!strcmp(PQgetvalue(t->k.head, 0, 9), "none"))
        return 0;
    return audit_write(c, &t->r->actor, "incoming", t->id, "read_card", NULL, NULL, p);
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
        reply_pdf(r,
                  pdf_render(render_card, &t.k, PQgetvalue(t.k.head, 0, 3),
                             PQgetvalue(t.k.head, 0, 0), &b),
                  &b, name);
    }
    PQclear(t.k.head);
    PQclear(t.k.entries);
}
