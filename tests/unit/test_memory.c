/* mem_realloc (common/memory.c): a body that the HTTP library grows piece by
 * piece is copied a logarithmic number of times, not once a piece. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memory.h"
#include "unit_run.h"

/* The allocations a buffer grown by `piece` bytes at a time up to `total`
 * needs under mem_grow_size. */
static int growths(size_t piece, size_t total)
{
    size_t have = 0;
    int n = 0;
    for (size_t len = piece; len <= total; len += piece) {
        size_t size = mem_grow_size(have, len);
        if (size) {
            ck_assert_uint_ge(size, len);
            have = size;
            n++;
        }
    }
    return n;
}

START_TEST(a_large_upload_grows_a_logarithmic_number_of_times)
{
    /* 20 MiB in 16 KiB pieces: 4 pieces up to 64 KiB, then doublings. */
    int n = growths(16 * 1024, 20 * 1024 * 1024);
    ck_assert_int_le(n, 4 + 9);
    ck_assert_int_ge(n, 4);
}
END_TEST

START_TEST(small_blocks_get_exactly_what_they_ask)
{
    ck_assert_uint_eq(mem_grow_size(100, 200), 200);
    ck_assert_uint_eq(mem_grow_size(100, 100), 0);
    ck_assert_uint_eq(mem_grow_size(100, 50), 0);
    ck_assert_uint_eq(mem_grow_size(64 * 1024, 64 * 1024 + 1), 128 * 1024);
    ck_assert_uint_eq(mem_grow_size(64 * 1024, 1000 * 1024), 1000 * 1024);
    ck_assert_uint_eq(mem_grow_size(SIZE_MAX / 2 + 1, SIZE_MAX), SIZE_MAX);
}
END_TEST

START_TEST(mem_realloc_keeps_the_contents)
{
    size_t total = 3 * 1024 * 1024, piece = 10000;
    unsigned char *buf = NULL;
    int moves = 0;
    for (size_t len = 0; len < total; len += piece) {
        unsigned char *grown = mem_realloc(buf, len + piece);
        ck_assert_ptr_nonnull(grown);
        if (grown != buf)
            moves++;
        buf = grown;
        for (size_t i = len; i < len + piece; i++)
            buf[i] = (unsigned char)(i * 7 + 3);
    }
    for (size_t i = 0; i < total; i += 4099)
        ck_assert_uint_eq(buf[i], (unsigned char)(i * 7 + 3));
    ck_assert_int_le(moves, 7 + 6);
    free(buf);
    void *p = mem_realloc(NULL, 10);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_null(mem_realloc(p, 0));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("memory");
    TCase *tc = tcase_create("memory");
    tcase_add_test(tc, a_large_upload_grows_a_logarithmic_number_of_times);
    tcase_add_test(tc, small_blocks_get_exactly_what_they_ask);
    tcase_add_test(tc, mem_realloc_keeps_the_contents);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
