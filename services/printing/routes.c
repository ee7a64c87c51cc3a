/* The printing service's whole API, one line a route. */
#include "printing.h"

route_t printing_routes[] = {
    {"GET", "/print-jobs", h_jobs_list, 0},
    {"POST", "/print-jobs", h_jobs_create, 0},
    {"GET", "/print-jobs/:id", h_jobs_get, 0},
    {"POST", "/print-jobs/:id/approve", h_jobs_approve, 0},
    {"POST", "/print-jobs/:id/reject", h_jobs_reject, 0},
    {"POST", "/print-jobs/:id/complete", h_jobs_complete, 0},
    {"POST", "/print-jobs/:id/cancel", h_jobs_cancel, 0},

    {"GET", "/copy-register", h_register_list, 0},
    {"GET", "/copy-register/:id", h_register_get, 0},

    {"GET", "/violations", h_violations_list, 0},
    {"POST", "/violations", h_violations_create, 0},
    {"GET", "/violations/:id", h_violations_get, 0},
    {"POST", "/violations/:id/follow-up", h_violations_follow_up, 0},

    {"GET", "/equipment", h_equipment_list, 0},
    {"POST", "/equipment", h_equipment_create, 0},
    {"GET", "/equipment/:id", h_equipment_get, 0},
    {"PATCH", "/equipment/:id", h_equipment_patch, 0},
    {"GET", "/equipment/:id/maintenance", h_maintenance_list, 0},
    {"POST", "/equipment/:id/maintenance", h_maintenance_create, 0},

    {"GET", "/copy-room-visits", h_visits_list, 0},
    {"POST", "/copy-room-visits", h_visits_create, 0},
    {"GET", "/copy-room-visits/:id", h_visits_get, 0},

    {"GET", "/reports/printing", h_report_printing, 0},
};

const size_t printing_nroutes = sizeof printing_routes / sizeof printing_routes[0];
