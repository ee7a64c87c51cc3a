/* The CPUs a service counts and the threads it starts with (common/config.c). */
#include <check.h>
#include <stddef.h>

#include "config.h"
#include "unit_run.h"

/* cpu.max texts and the whole CPUs they allow; 0 is no limit. */
static const struct {
    const char *text;
    long cpus;
} quotas[] = {
    {"200000 100000\n", 2}, {"150000 100000", 2}, {"50000 100000", 1},
    {"1000 100000", 1},      {"400000 100000", 4}, {"max 100000\n", 0},
    {"", 0},                 {NULL, 0},            {"100000", 0},
    {"100000 0", 0},         {"-5 100000", 0},     {"12x 100000", 0},
};

START_TEST(a_cgroup_quota_counts_whole_cpus_rounded_up_and_max_is_no_limit)
{
    for (size_t i = 0; i < sizeof quotas / sizeof quotas[0]; i++)
        ck_assert_msg(cfg_cpu_max_cpus(quotas[i].text) == quotas[i].cpus, "cpu.max \"%s\"",
                      quotas[i].text ? quotas[i].text : "(none)");
}
END_TEST

START_TEST(threads_are_twice_the_cpus_from_4_to_16)
{
    ck_assert_int_eq(cfg_default_threads(1), 4);
    ck_assert_int_eq(cfg_default_threads(2), 4);
    ck_assert_int_eq(cfg_default_threads(3), 6);
    ck_assert_int_eq(cfg_default_threads(8), 16);
    ck_assert_int_eq(cfg_default_threads(64), 16);
}
END_TEST

START_TEST(this_process_has_at_least_one_cpu)
{
    ck_assert_int_ge(cfg_cpus(), 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, a_cgroup_quota_counts_whole_cpus_rounded_up_and_max_is_no_limit);
    tcase_add_test(tc, threads_are_twice_the_cpus_from_4_to_16);
    tcase_add_test(tc, this_process_has_at_least_one_cpu);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
