/* The main of a unit test: runs its suite (Check reads CK_* from the
 * environment, e.g. the TAP log make test counts) and returns the process's
 * exit status, 1 when a check failed. */
#ifndef OA_UNIT_RUN_H
#define OA_UNIT_RUN_H

#include <check.h>

static inline int unit_run(Suite *s)
{
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}

#endif
