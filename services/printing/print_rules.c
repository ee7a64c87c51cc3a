/* The printing regulations (打字、复印、印刷管理制度) as pure functions. */
#include <string.h>

#include "org.h"
#include "printing.h"

long long print_sheets(long long pages, long long copies, bool duplex)
{
    long long per_copy = duplex ? (pages + 1) / 2 : pages;
    return per_copy * copies;
}

long long print_operator_department(const char *kind, long long own, bool has_printer,
                                    bool office, long long center)
{
    bool at_own = office && has_printer && (!strcmp(kind, "print") || !strcmp(kind, "typing"));
    return at_own ? own : center;
}

int print_required_steps(const char *kind, long long sheets, long long threshold,
                         bool for_other, bool self_funded, print_step out[3])
{
    int n = 0;
    if (!strcmp(kind, "print_shop") && !self_funded)
        out[n++] = (print_step){"R-PRN-2", "gov_affairs_deputy"};
    if (sheets > threshold)
        out[n++] = (print_step){"R-PRN-3", "director_or_supervising_deputy"};
    if (for_other && strcmp(kind, "print_shop"))
        out[n++] = (print_step){"R-PRN-4", "director"};
    return n;
}

const char *role_words(const char *role)
{
    return !strcmp(role, "gov_affairs_deputy") ? "the deputy director in charge of government affairs"
           : !strcmp(role, "director")         ? "the office director"
                                               : "the office director or the supervising deputy director";
}

bool printing_privileged(const caller_t *c)
{
    return c->is_admin || org_is_office_leader(c->position);
}

bool printing_office_staff(const char *department_kind)
{
    return !strcmp(department_kind, "section") || !strcmp(department_kind, "office_leadership");
}
