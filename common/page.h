#ifndef OA_PAGE_H
#define OA_PAGE_H

#include <stdbool.h>

/* Keyset pagination. A cursor is an opaque base64url token wrapping the
 * last id returned; lists are ordered by id descending, so rows inserted
 * after the first page never shift the later pages. */

#define PAGE_DEFAULT_LIMIT 20
#define PAGE_MAX_LIMIT 200
#define PAGE_CURSOR_MAX 48

/* PAGE_MAX_LIMIT + 1 as SQL text: a constant bound a list statement can
 * put on its scan so that the planner estimates a page, not a tenth of the
 * table, for "LIMIT $n" (a unit test keeps the two in step). */
#define PAGE_SCAN_LIMIT "201"

/* The keyset condition of every list, SQL text: rows of `col` below the
 * cursor's id in parameter `param`, or every row when the parameter is
 * NULL (the first page). Written as a range on the id so that the index
 * serves it in generic plans too. Use: " WHERE " PAGE_BEFORE("q.id", "$1"). */
#define PAGE_BEFORE(col, param) col " < coalesce(" param "::bigint, " PAGE_NO_CURSOR ")"

/* The cursor of the first page, SQL text: above every id (bigint's
 * largest), so that a list with no cursor is still a range on the id. */
#define PAGE_NO_CURSOR "9223372036854775807"

/* Writes the cursor for `last_id` into out (PAGE_CURSOR_MAX bytes). */
void page_cursor_encode(long long last_id, char *out);

/* Decodes a cursor; false when it is not one of ours. */
bool page_cursor_decode(const char *s, long long *last_id);

#endif
