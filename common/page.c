#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* The payload is "k1:<id>:<check>" so that a mangled cursor is refused
 * rather than silently read as another position. */
static unsigned check_of(long long id)
{
    unsigned long long h = (unsigned long long)id * 0x9E3779B97F4A7C15ULL;
    return (unsigned)(h >> 52);
}

void page_cursor_encode(long long last_id, char *out)
{
    char raw[48];
    int n = snprintf(raw, sizeof raw, "k1:%lld:%03x", last_id, check_of(last_id));
    int o = 0;
    for (int i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)raw[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)raw[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = b64[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = b64[v & 63];
        if (o >= PAGE_CURSOR_MAX - 4)
            break;
    }
    out[o] = '\0';
}

static int val(char c)
{
    const char *p = c ? strchr(b64, c) : NULL;
    return p ? (int)(p - b64) : -1;
}

bool page_cursor_decode(const char *s, long long *last_id)
{
    size_t len = strlen(s);
    if (len == 0 || len >= PAGE_CURSOR_MAX || len % 4 == 1)
        return false;
    char raw[48];
    size_t o = 0;
    for (size_t i = 0; i < len; i += 4) {
        int a = val(s[i]), b = val(s[i + 1]);
        int c = i + 2 < len ? val(s[i + 2]) : 0, d = i + 3 < len ? val(s[i + 3]) : 0;
        if (a < 0 || b < 0 || c < 0 || d < 0)
            return false;
        unsigned v = (unsigned)(a << 18 | b << 12 | c << 6 | d);
        raw[o++] = (char)(v >> 16);
        if (i + 2 < len)
            raw[o++] = (char)(v >> 8);
        if (i + 3 < len)
            raw[o++] = (char)v;
    }
    raw[o] = '\0';
    long long id;
    unsigned chk;
    int consumed = 0;
    if (sscanf(raw, "k1:%lld:%3x%n", &id, &chk, &consumed) != 2 || (size_t)consumed != o ||
        id <= 0 || chk != check_of(id))
        return false;
    *last_id = id;
    return true;
}
