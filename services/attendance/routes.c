/* The attendance service's whole API, one line a route. */
#include "attendance.h"

route_t attendance_routes[] = {
    {"GET", "/calendar/:year", h_calendar_get, 0},
    {"PUT", "/calendar/:year", h_calendar_put, 0},

    {"GET", "/away-now", h_away_now, 0},

    {"POST", "/outings", h_outings_create, 0},
    {"GET", "/outings", h_outings_list, 0},
    {"GET", "/outings/:id", h_outings_get, 0},
    {"POST", "/outings/:id/return", h_outings_return, 0},

    {"POST", "/leave-requests", h_leave_create, 0},
    {"GET", "/leave-requests", h_leave_list, 0},
    {"GET", "/leave-requests/:id", h_leave_get, 0},
    {"POST", "/leave-requests/:id/approve", h_leave_approve, 0},
    {"POST", "/leave-requests/:id/reject", h_leave_reject, 0},
    {"POST", "/leave-requests/:id/withdraw", h_leave_withdraw, 0},
    {"POST", "/leave-requests/:id/extend", h_leave_extend, 0},
    {"POST", "/leave-requests/:id/explanation", h_leave_explanation, 0},
    {"GET", "/leave-requests/:id/explanation/attachment", h_leave_explanation_attachment, 0},
    {"POST", "/leave-requests/:id/review-explanation", h_leave_review_explanation, 0},
    {"POST", "/leave-requests/:id/close", h_leave_close, 0},
    {"POST", "/leave-requests/:id/confirm-return", h_leave_confirm_return, 0},

    {"POST", "/activities", h_activities_create, 0},
    {"GET", "/activities", h_activities_list, 0},
    {"GET", "/activities/:id", h_activities_get, 0},
    {"POST", "/activities/:id/attendance", h_activities_attendance, 0},
    {"POST", "/activities/:id/absence-requests", h_activity_absence_create, 0},
    {"GET", "/activity-absence-requests", h_activity_absence_list, 0},
    {"GET", "/activity-absence-requests/:id", h_activity_absence_get, 0},
    {"POST", "/activity-absence-requests/:id/approve", h_activity_absence_approve, 0},
    {"POST", "/activity-absence-requests/:id/reject", h_activity_absence_reject, 0},

    {"POST", "/absences", h_absences_create, 0},
    {"GET", "/absences", h_absences_list, 0},
    {"GET", "/absences/:id", h_absences_get, 0},
    {"POST", "/absences/:id/void", h_absences_void, 0},

    {"GET", "/discipline-cases", h_cases_list, 0},
    {"GET", "/discipline-cases/:id", h_cases_get, 0},
    {"POST", "/discipline-cases/:id/talk", h_cases_talk, 0},
    {"POST", "/discipline-cases/:id/decide", h_cases_decide, 0},
    {"POST", "/discipline-cases/:id/approve", h_cases_approve, 0},
    {"POST", "/discipline-cases/:id/reject", h_cases_reject, 0},

    {"GET", "/reports/attendance", h_report_attendance, 0},
};

const size_t attendance_nroutes = sizeof attendance_routes / sizeof attendance_routes[0];
