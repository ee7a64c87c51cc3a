#ifndef OA_CSV_H
#define OA_CSV_H

#include <stdbool.h>
#include <stddef.h>

/* CSV text for exports (RFC 4180), safe to open in a spreadsheet. */

/* A growing text buffer for a CSV export. `failed` turns true when memory
 * ran out; the text is then incomplete and must not be sent. */
typedef struct csv_buf {
    char *s;
    size_t len, cap;
    size_t col; /* cells in the current row */
    bool failed;
} csv_buf;

/* Appends one cell (RFC 4180 quoting; a cell that a spreadsheet would read
 * as a formula gets a leading apostrophe). NULL is an empty cell. */
void csv_cell(csv_buf *b, const char *s);
/* Ends the current row with CRLF. */
void csv_row_end(csv_buf *b);
/* Appends text as it is (a byte order mark, say). */
void csv_raw(csv_buf *b, const char *s);
void csv_free(csv_buf *b);

#endif
