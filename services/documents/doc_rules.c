/* The document regulations that need no database. */
#include <sodium.h>
#include <stdio.h>

#include "documents.h"

bool doc_number_format(const char *prefix, int year, long long seq, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s〔%d〕%lld号", prefix, year, seq);
    return n > 0 && (size_t)n < cap;
}

bool registry_number_format(int year, long long seq, char *out, size_t cap)
{
    int n = snprintf(out, cap, "收〔%d〕%lld号", year, seq);
    return n > 0 && (size_t)n < cap;
}

void sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, data, len);
    sodium_bin2hex(out, 65, h, sizeof h);
}

static const char *const route_names[] = {"direct", "authorized", "urgent", "deputy_opinion",
                                          "deputy_away"};

const char *report_route_name(report_route_kind kind)
{
    return route_names[kind];
}

int report_route(const report_route_in *in, report_route_kind *kind, size_t *bypassed,
                 const char **rule, const char **field, const char **why)
{
    *field = NULL;
    size_t idx = 0;
    while (idx < in->chain_len && in->chain[idx] != in->to)
        idx++;
    if (idx == in->chain_len || in->to <= 0) {
        *rule = "R-ORG-2";
        *field = "to_user_id";
        *why = "a report goes to the sender's direct superior, or up their own chain";
        return -1;
    }
    if (in->urgent && !in->has_reason) {
        *rule = "R-ORG-2";
        *field = "urgent_reason";
        *why = "an urgent report states why it is urgent";
        return -1;
    }
    *bypassed = idx;
    if (idx == 0) {
        *kind = ROUTE_DIRECT;
        return 0;
    }
    /* A chief straight to the director over the supervising deputy. */
    if (in->sender_is_chief && in->to_is_director && idx == 1) {
        if (in->has_deputy_opinion) {
            *kind = ROUTE_DEPUTY_OPINION;
            return 0;
        }
        if (in->urgent && in->deputy_away) {
            *kind = ROUTE_DEPUTY_AWAY;
            return 0;
        }
        *rule = "R-ORG-3";
        *field = "deputy_opinion";
        *why = "a section chief reporting to the director states the supervising deputy's "
               "opinion (or, with the deputy away, marks an urgent matter: R-ORG-4)";
        return -1;
    }
    if (in->authorized_by) {
        for (size_t i = 0; i <= idx; i++)
            if (in->chain[i] == in->authorized_by) {
                *kind = ROUTE_AUTHORIZED;
                return 0;
            }
        *rule = "R-ORG-2";
        *field = "authorized_by";
        *why = "only one of the sender's superiors up to the addressee authorises skipping a level";
        return -1;
    }
    if (in->urgent) {
        *kind = ROUTE_URGENT;
        return 0;
    }
    *rule = "R-ORG-2";
    *why = "skipping a level needs a superior's authorisation or an urgent matter with its reason";
    return -1;
}
