/* The seals service's whole API, one line a route. */
#include "seals.h"

route_t seals_routes[] = {
    {"GET", "/seals", h_seals_list, 0},
    {"POST", "/seals", h_seals_create, 0},
    {"GET", "/seals/:id", h_seals_get, 0},
    {"PATCH", "/seals/:id", h_seals_patch, 0},
    {"POST", "/seals/:id/retire", h_seals_retire, 0},
    {"GET", "/seals/:id/custodians", h_seals_custodians, 0},
    {"POST", "/seals/:id/handovers", h_handovers_create, 0},

    {"GET", "/seal-handovers", h_handovers_list, 0},
    {"GET", "/seal-handovers/:id", h_handovers_get, 0},
    {"POST", "/seal-handovers/:id/confirm", h_handovers_confirm, 0},
    {"POST", "/seal-handovers/:id/cancel", h_handovers_cancel, 0},

    {"GET", "/seal-requests", h_requests_list, 0},
    {"POST", "/seal-requests", h_requests_create, 0},
    {"GET", "/seal-requests/:id", h_requests_get, 0},
    {"POST", "/seal-requests/:id/approve", h_requests_approve, 0},
    {"POST", "/seal-requests/:id/reject", h_requests_reject, 0},
    {"POST", "/seal-requests/:id/stamp", h_requests_stamp, 0},
    {"POST", "/seal-requests/:id/refuse", h_requests_refuse, 0},
    {"POST", "/seal-requests/:id/withdraw", h_requests_withdraw, 0},

    {"GET", "/seal-usages", h_usages_list, 0},
    {"GET", "/seal-usages/:id", h_usages_get, 0},

    {"GET", "/intro-letters", h_letters_list, 0},
    {"POST", "/intro-letters", h_letters_create, 0},
    {"POST", "/intro-letters/purge", h_letters_purge, 0},
    {"GET", "/intro-letters/:id", h_letters_get, 0},
    {"DELETE", "/intro-letters/:id", h_letters_delete, 0},
    {"POST", "/intro-letters/:id/approve", h_letters_approve, 0},
    {"POST", "/intro-letters/:id/reject", h_letters_reject, 0},
    {"POST", "/intro-letters/:id/issue", h_letters_issue, 0},
    {"POST", "/intro-letters/:id/use", h_letters_use, 0},
    {"POST", "/intro-letters/:id/return", h_letters_return, 0},
    {"POST", "/intro-letters/:id/withdraw", h_letters_withdraw, 0},
};

const size_t seals_nroutes = sizeof seals_routes / sizeof seals_routes[0];
