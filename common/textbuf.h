#ifndef OA_TEXTBUF_H
#define OA_TEXTBUF_H

#include <stdbool.h>
#include <stddef.h>

/* A growing text buffer, for answers written from plain columns (a page of
 * JSON items). The text stays NUL-terminated. `failed` turns true when
 * memory ran out; the text is then incomplete and must not be sent. */
typedef struct text_buf {
    char *s;
    size_t len, cap;
    bool failed;
} text_buf;

/* Appends n bytes of s as they are. */
void tb_put(text_buf *b, const char *s, size_t n);
void tb_puts(text_buf *b, const char *s);
/* Appends n bytes of UTF-8 text as a JSON string, escaped as PostgreSQL's
 * JSON functions escape it (quotes, backslashes, \b \f \n \r \t, other
 * control characters as \u00XX; the rest as it is), so that a document
 * written here is byte for byte the one json_build_object would give. */
void tb_json_string(text_buf *b, const char *s, size_t n);
void tb_free(text_buf *b);

#endif
