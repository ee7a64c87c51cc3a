/* The document and reporting regulations that need no database: the
 * document and registry numbers (R-DOC-5, R-DOC-8) and how an internal
 * report may travel (R-ORG-2 .. R-ORG-4). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/documents/documents.h"
#include "unit_run.h"

/* zonghe1's chain: chief 11, deputy 6, director 4, mayor 1. */
static const long long chain[] = {11, 6, 4, 1};

static report_route_in base(long long to)
{
    report_route_in in = {.chain = chain, .chain_len = 4, .to = to};
    return in;
}

static int route(const report_route_in *in, report_route_kind *kind, size_t *skipped,
                 const char **rule, const char **field)
{
    const char *why;
    return report_route(in, kind, skipped, rule, field, &why);
}

START_TEST(test_R_DOC_5_number_format)
{
    char out[64];
    ck_assert(doc_number_format("船营府发", 2027, 7, out, sizeof out));
    ck_assert_str_eq(out, "船营府发〔2027〕7号");
    ck_assert(doc_number_format("船营府办发", 2026, 123, out, sizeof out));
    ck_assert_str_eq(out, "船营府办发〔2026〕123号");
    ck_assert(!doc_number_format("船营府办发", 2026, 123, out, 10));
    ck_assert(registry_number_format(2027, 12, out, sizeof out));
    ck_assert_str_eq(out, "收〔2027〕12号");
    char hex[65];
    sha256_hex("abc", 3, hex);
    ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

START_TEST(test_R_ORG_2_direct_superior_is_direct)
{
    report_route_in in = base(11);
    report_route_kind kind;
    size_t skipped = 9;
    const char *rule, *field;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), 0);
    ck_assert_int_eq(kind, ROUTE_DIRECT);
    ck_assert_uint_eq(skipped, 0);
    ck_assert_str_eq(report_route_name(kind), "direct");
}
END_TEST

START_TEST(test_R_ORG_2_skipping_needs_authorisation_or_urgency)
{
    report_route_kind kind;
    size_t skipped;
    const char *rule, *field;
    report_route_in in = base(4);
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    ck_assert_str_eq(rule, "R-ORG-2");
    ck_assert_ptr_null(field);
    in.authorized_by = 6;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), 0);
    ck_assert_int_eq(kind, ROUTE_AUTHORIZED);
    ck_assert_uint_eq(skipped, 2);
    in.authorized_by = 99; /* not one of the sender's superiors */
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    ck_assert_str_eq(field, "authorized_by");
    in.authorized_by = 0;
    in.urgent = true;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    ck_assert_str_eq(field, "urgent_reason");
    in.has_reason = true;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), 0);
    ck_assert_int_eq(kind, ROUTE_URGENT);
    ck_assert_uint_eq(skipped, 2);
    in = base(77); /* not up the chain */
    in.urgent = in.has_reason = true;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    ck_assert_str_eq(field, "to_user_id");
}
END_TEST

START_TEST(test_R_ORG_3_chief_to_director_needs_the_deputys_opinion)
{
    static const long long chief_chain[] = {6, 4, 1};
    report_route_in in = {.chain = chief_chain, .chain_len = 3, .to = 4, .sender_is_chief = true,
                          .to_is_director = true};
    report_route_kind kind;
    size_t skipped;
    const char *rule, *field;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    ck_assert_str_eq(rule, "R-ORG-3");
    ck_assert_str_eq(field, "deputy_opinion");
    /* Even urgent, while the deputy is in. */
    in.urgent = in.has_reason = true;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    ck_assert_str_eq(rule, "R-ORG-3");
    in.has_deputy_opinion = true;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), 0);
    ck_assert_int_eq(kind, ROUTE_DEPUTY_OPINION);
    ck_assert_uint_eq(skipped, 1);
}
END_TEST

START_TEST(test_R_ORG_4_deputy_away_urgent_goes_to_the_director)
{
    static const long long chief_chain[] = {6, 4, 1};
    report_route_in in = {.chain = chief_chain, .chain_len = 3, .to = 4, .sender_is_chief = true,
                          .to_is_director = true, .deputy_away = true};
    report_route_kind kind;
    size_t skipped;
    const char *rule, *field;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), -1);
    in.urgent = in.has_reason = true;
    ck_assert_int_eq(route(&in, &kind, &skipped, &rule, &field), 0);
    ck_assert_int_eq(kind, ROUTE_DEPUTY_AWAY);
    ck_assert_uint_eq(skipped, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("documents_rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, test_R_DOC_5_number_format);
    tcase_add_test(tc, test_R_ORG_2_direct_superior_is_direct);
    tcase_add_test(tc, test_R_ORG_2_skipping_needs_authorisation_or_urgency);
    tcase_add_test(tc, test_R_ORG_3_chief_to_director_needs_the_deputys_opinion);
    tcase_add_test(tc, test_R_ORG_4_deputy_away_urgent_goes_to_the_director);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
