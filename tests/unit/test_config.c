/* The CPUs a service counts and the threads it starts with (common/config.c). */
#include <check.h>
#include <ftw.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Writes `text` to the file `path`. */
static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    ck_assert_int_eq(fclose(f), 0);
}

/* A scratch /proc/self/cgroup naming `group`, and that group's cpu.max
 * under a scratch cgroup root; the CPUs cfg_cpus_from counts there. */
static long cpus_with(const char *group, const char *cpu_max)
{
    char dir[] = "/tmp/oa-cgroup-XXXXXX", path[256], line[160];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/self", dir);
    snprintf(line, sizeof line, "0::%s\n", group);
    write_file(path, line);
    /* The group's directories, one component at a time. */
    int n = snprintf(path, sizeof path, "%s/root", dir);
    ck_assert_int_eq(mkdir(path, 0700), 0);
    for (const char *g = group; *g == '/' && g[1];) {
        size_t len = strcspn(g + 1, "/") + 1;
        n += snprintf(path + n, sizeof path - (size_t)n, "%.*s", (int)len, g);
        ck_assert_int_eq(mkdir(path, 0700), 0);
        g += len;
    }
    snprintf(path + n, sizeof path - (size_t)n, "/cpu.max");
    write_file(path, cpu_max);
    char self[64], root[64];
    snprintf(self, sizeof self, "%s/self", dir);
    snprintf(root, sizeof root, "%s/root", dir);
    long cpus = cfg_cpus_from(self, root);
    ck_assert_int_eq(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
    return cpus;
}

START_TEST(the_cpus_are_the_affinity_lowered_to_the_cgroup_quota)
{
    cpu_set_t set;
    ck_assert_int_eq(sched_getaffinity(0, sizeof set, &set), 0);
    long affinity = CPU_COUNT(&set);
    /* A container sees its own group as "/"; a host process a path. */
    ck_assert_int_eq(cpus_with("/", "50000 100000\n"), 1);
    ck_assert_int_eq(cpus_with("/system.slice/oa-printing.service", "50000 100000\n"), 1);
    ck_assert_int_eq(cpus_with("/system.slice/oa-printing.service", "max 100000\n"), affinity);
    /* A quota above the affinity does not raise it. */
    ck_assert_int_eq(cpus_with("/", "100000000 100000\n"), affinity);
    ck_assert_int_eq(cfg_cpus_from("/nonexistent/cgroup", "/nonexistent"), affinity);
    ck_assert_int_le(cfg_cpus(), affinity);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, a_cgroup_quota_counts_whole_cpus_rounded_up_and_max_is_no_limit);
    tcase_add_test(tc, threads_are_twice_the_cpus_from_4_to_16);
    tcase_add_test(tc, the_cpus_are_the_affinity_lowered_to_the_cgroup_quota);
    suite_add_tcase(s, tc);
    return unit_run(s);
}
