/* documents-pdf: the documents service's PDF renderer, a program of its
 * own. The service starts it when a PDF is asked for and talks to it over
 * a socket on its standard input (render/pdf_wire.h); it renders request
 * after request and exits once none came for the idle time given as its
 * argument (milliseconds), or when the service closes the socket. So
 * Cairo, Pango, fontconfig and the Noto CJK faces (some 90 MB resident)
 * live only through a burst of renders, never in the service itself.
 *
 * The official PDF of a numbered document, in the layout of GB/T 9704-2012
 * (党政机关公文格式): A4, text area 156 x 225 mm (margins top 37, left 28);
 * secrecy and urgency at the top left; the red issuer mark (发文机关标志)
 * 35 mm below the top of the text area; the document number two lines
 * under it and the red separator line 4 mm under the number; the title in
 * 2号 (22 pt), the main recipients, the body in 3号 (16 pt) with two
 * characters of indent; the issuer and the date to the right; the record
 * (版记: copied to, printed by and when) between thin lines at the foot of
 * the last page; page numbers "— N —" in 4号 (14 pt) 7 mm under the text
 * area, to the right on odd pages and to the left on even ones. And the
 * processing card of an incoming item (收文处理单). */
#include <cairo-pdf.h>
#include <fcntl.h>
#include <pango/pangocairo.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdf_wire.h"

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

static PangoFontMap *font_map; /* made at the first render, kept until exit */

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
    return rc;
}

/* ---------- the processing card of an incoming item (收文处理单) ---------- */

/* The card's nine head fields and its entries, four strings each (step,
 * text, who, when). */
typedef struct card {
    char *const *head, *const *entries;
    size_t nentries;
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
    static const char *const labels[] = {"收文编号", "来文单位", "来文字号", "标　　题",
                                         "收文日期", "密　　级", "紧急程度", "办理期限",
                                         "内容摘要"};
    for (int i = 0; i < 9; i++) {
        const char *v = k->head[i];
        char line[5000];
        snprintf(line, sizeof line, "%s：%s", labels[i], *v ? v : "—");
        flow(&w, line, SERIF " 14", PANGO_ALIGN_LEFT, 0, 0, 0, 0, 0);
        rule_line(&w, w.y, 0.35, 0, 0, 0);
    }
    for (size_t i = 0; i < k->nentries; i++) {
        char *const *e = k->entries + 4 * i;
        char line[5000];
        snprintf(line, sizeof line, "%s：%s（%s，%s）", step_label(e[0]), e[1], e[2], e[3]);
        flow(&w, line, SERIF " 14", PANGO_ALIGN_LEFT, 0, 0, 0, 0, 0);
        rule_line(&w, w.y, 0.35, 0, 0, 0);
    }
    page_number(&w);
    cairo_show_page(cr);
    g_object_unref(pc);
}

/* ---------- the requests ---------- */

/* The strings of one request; s[0] and s[1] are the title and subject. */
typedef struct request {
    uint32_t kind, n;
    char **s;
} request;

static void request_free(request *q)
{
    for (uint32_t i = 0; q->s && i < q->n; i++)
        free(q->s[i]);
    free(q->s);
    q->s = NULL;
    q->n = 0;
}

/* 0, or -1 at the end of the stream or on a malformed request. */
static int request_read(int fd, request *q)
{
    uint32_t h[2];
    if (wire_read(fd, h, sizeof h, -1))
        return -1;
    q->kind = h[0];
    if (h[1] < 2 || h[1] > PDF_WIRE_MAX_STRINGS)
        return -1;
    q->s = calloc(h[1], sizeof *q->s);
    if (!q->s)
        return -1;
    size_t total = 0;
    for (q->n = 0; q->n < h[1]; q->n++) {
        uint32_t len;
        if (wire_read(fd, &len, sizeof len, -1))
            return -1;
        total += len;
        if (total > PDF_WIRE_MAX_BYTES)
            return -1;
        char *v = malloc((size_t)len + 1);
        if (!v)
            return -1;
        q->s[q->n] = v;
        if (len && wire_read(fd, v, len, -1)) {
            q->n++;
            return -1;
        }
        v[len] = 0;
    }
    return 0;
}

/* Renders the request into b. 0, or -1 (a request of an unknown kind or
 * shape, or cairo failed). */
static int request_render(const request *q, pdf_buf *b)
{
    if (q->kind == PDF_KIND_DOCUMENT && q->n == 12) {
        char *const *f = q->s + 2;
        pdf_doc d = {f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9]};
        return pdf_render(render, &d, q->s[0], q->s[1], b);
    }
    if (q->kind == PDF_KIND_CARD && q->n >= 11 && (q->n - 11) % 4 == 0) {
        card k = {q->s + 2, q->s + 11, (q->n - 11) / 4};
        return pdf_render(render_card, &k, q->s[0], q->s[1], b);
    }
    fprintf(stderr, "documents-pdf: a request of kind %u with %u strings is not known\n",
            (unsigned)q->kind, (unsigned)q->n);
    return -1;
}

int main(int argc, char **argv)
{
    long idle_ms = argc > 1 ? strtol(argv[1], NULL, 10) : 3000;
    if (idle_ms < 1 || idle_ms > 3600000)
        idle_ms = 3000;
    /* Nothing of the service but the socket (standard input) and the log
     * (standard error); standard output goes to the log too, so that no
     * stray write lands on the wire. */
    closefrom(3);
    int fd = fcntl(0, F_DUPFD_CLOEXEC, 3);
    int null = open("/dev/null", O_RDONLY);
    if (fd < 0 || null < 0 || dup2(null, 0) < 0 || dup2(2, 1) < 0) {
        perror("documents-pdf: start-up");
        return 2;
    }
    close(null);
    for (;;) {
        struct pollfd pf = {.fd = fd, .events = POLLIN};
        int r = poll(&pf, 1, (int)idle_ms);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break; /* idle: the burst is over */
        request q = {0};
        if (request_read(fd, &q)) {
            request_free(&q);
            break; /* the service closed the socket, or spoke nonsense */
        }
        pdf_buf b = {0};
        uint32_t a[2] = {request_render(&q, &b) ? 1 : 0, 0};
        a[1] = a[0] ? 0 : (uint32_t)b.len;
        int bad = wire_write(fd, a, sizeof a) || (a[1] && wire_write(fd, b.data, b.len));
        free(b.data);
        request_free(&q);
        if (bad)
            break;
    }
    if (font_map)
        g_object_unref(font_map);
    close(fd);
    return 0;
}
