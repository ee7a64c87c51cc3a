/* Fuzz targets over the seals service: its own JSON field specs through the
 * common validator, and the approver rules (R-SEAL-2). The service's
 * request handlers are compiled in here so that the specs are the ones it
 * serves with, not copies. */
#include "../../services/seals/requests.c"
#include "../../services/seals/request_actions.c"

#include "fuzz.h"
#include "json_in.h"

/* First byte picks the spec; the rest is the request body. */
int fuzz_json_in(const uint8_t *data, size_t size)
{
    static const json_field *const specs[] = {request_fields, comment_fields, stamp_fields,
                                              refuse_fields};
    if (size < 1)
        return 0;
    const json_field *f = specs[data[0] % 4];
    problem_t p;
    memset(&p, 0, sizeof p);
    json_t *in = json_in_parse(data + 1, size - 1, &p);
    if (!in) {
        FUZZ_ASSERT(err_status(p.code) == 400);
        problem_clear(&p);
        return 0;
    }
    union {
        request_in create;
        request_action_in action;
    } out;
    uint64_t present = 0;
    if (json_in_validate(in, f, &out, &present, &p) == 0) {
        /* what was accepted holds to the spec */
        for (size_t i = 0; f[i].name; i++) {
            if ((f[i].flags & JF_REQUIRED))
                FUZZ_ASSERT(present & (1ull << i));
            if (f[i].type == JF_INT && (present & (1ull << i)) &&
                !json_is_null(json_object_get(in, f[i].name))) {
                long long v = *(long long *)((char *)&out + f[i].offset);
                FUZZ_ASSERT(v >= f[i].min && v <= f[i].max);
            }
        }
    } else {
        FUZZ_ASSERT(err_status(p.code) == 400);
        problem_clear(&p);
    }
    json_decref(in);
    return 0;
}

/* kind, matter, position, then the bytes as ids of a configured list. */
int fuzz_seal_approver(const uint8_t *data, size_t size)
{
    static const char *const kinds[] = {"district_government", "government_office", "other",
                                        "bogus", NULL};
    static const char *const ms[] = {"general",     "finance", "personnel", "state_assets",
                                     "other_major", "",        NULL};
    static const char *const positions[] = {"district_mayor",  "deputy_district_mayor",
                                            "office_director", "deputy_director",
                                            "section_chief",   "staff",
                                            "secretary",       "x"};
    if (size < 3)
        return 0;
    const char *kind = kinds[data[0] % 5];
    const char *matter = ms[data[1] % 7];
    const char *position = positions[data[2] % 8];
    long long ids[16];
    size_t n = 0;
    for (size_t i = 3; i < size && n < 16; i++)
        ids[n++] = data[i];
    const char *role = seal_approver_role(kind, matter);
    /* only the known kinds and matters have an approver */
    FUZZ_ASSERT((role != NULL) == (kind != NULL && strcmp(kind, "bogus") && matter &&
                                   *matter != '\0'));
    /* walking up ends at the mayor, in a few steps */
    int steps = 0;
    for (const char *r = role; r && steps < 10; r = seal_approver_role_above(r), steps++)
        (void)seal_approver_may(r, position, n ? ids[0] : 1, ids, n);
    FUZZ_ASSERT(steps < 10);
    /* everyone on a configured list may approve under it, nobody else */
    if (role && !strcmp(role, "configured") && n) {
        FUZZ_ASSERT(seal_approver_may(role, position, ids[n - 1], ids, n));
        FUZZ_ASSERT(!seal_approver_may(role, position, 1000, ids, n));
    }
    return 0;
}
