/* CSV text for exports (RFC 4180), safe to open in a spreadsheet. */
#include <stdlib.h>
#include <string.h>

#include "meetings.h"

static void put(csv_buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *ns = realloc(b->s, cap);
        if (!ns) {
            b->failed = true;
            return;
        }
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void csv_cell(csv_buf *b, const char *s)
{
    if (b->col++)
        put(b, ",", 1);
    if (!s || !*s)
        return;
    /* A leading =, +, -, @, tab or CR makes spreadsheets evaluate the cell;
     * an apostrophe keeps it text. Numbers such as -1 never reach here as
     * free text, and negative counts do not exist. */
    bool formula = strchr("=+-@\t\r", s[0]) != NULL;
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (!quote) {
        put(b, s, strlen(s));
        return;
    }
    put(b, "\"", 1);
    if (formula)
        put(b, "'", 1);
    for (const char *q = s; *q; q++) {
        if (*q == '"')
            put(b, "\"\"", 2);
        else
            put(b, q, 1);
    }
    put(b, "\"", 1);
}

void csv_row_end(csv_buf *b)
{
    put(b, "\r\n", 2);
    b->col = 0;
}

void csv_raw(csv_buf *b, const char *s)
{
    put(b, s, strlen(s));
}

void csv_free(csv_buf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}
