#ifndef OA_PDF_WIRE_H
#define OA_PDF_WIRE_H

/* The wire between the documents service and its PDF renderer
 * (documents-pdf, render/renderer.c) over a stream socket, one request
 * and one answer at a time.
 *
 * A request: u32 kind, u32 count, then `count` strings, each a u32 length
 * and its bytes (no NUL). The first two strings are the PDF's title and
 * subject; the rest are the kind's fields (see renderer.c).
 * An answer: u32 status (0: rendered), u32 length, then the PDF.
 * Integers in the machine's own order: both ends run on one host. */

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

enum { PDF_KIND_DOCUMENT = 1, PDF_KIND_CARD = 2 };

#define PDF_WIRE_MAX_STRINGS 65536u
#define PDF_WIRE_MAX_BYTES (64u << 20)

/* Writes all n bytes (never SIGPIPE). 0, or -1 when the other end is gone. */
static inline int wire_write(int fd, const void *p, size_t n)
{
    const char *c = p;
    while (n > 0) {
        ssize_t k = send(fd, c, n, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Reads exactly n bytes, waiting at most timeout_ms (< 0: no limit) for
 * each part. 0; -1 on end of stream or error; -2 on timeout. */
static inline int wire_read(int fd, void *p, size_t n, int timeout_ms)
{
    char *c = p;
    while (n > 0) {
        if (timeout_ms >= 0) {
            struct pollfd pf = {.fd = fd, .events = POLLIN};
            int r = poll(&pf, 1, timeout_ms);
            if (r < 0 && errno == EINTR)
                continue;
            if (r == 0)
                return -2;
            if (r < 0)
                return -1;
        }
        ssize_t k = read(fd, c, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        c += k;
        n -= (size_t)k;
    }
    return 0;
}

#endif
