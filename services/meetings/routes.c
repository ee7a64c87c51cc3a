/* The meetings service's whole API, one line a route. */
#include "meetings.h"

route_t meetings_routes[] = {
    {"GET", "/meetings", h_meetings_list, 0},
    {"POST", "/meetings", h_meetings_create, 0},
    {"GET", "/meetings/:id", h_meetings_get, 0},
    {"POST", "/meetings/:id/reschedule", h_meetings_reschedule, 0},
    {"POST", "/meetings/:id/cancel", h_meetings_cancel, 0},
    {"GET", "/meetings/:id/topics", h_topics_list, 0},
    {"POST", "/meetings/:id/topics", h_topics_create, 0},
    {"POST", "/meetings/:id/publish-agenda", h_meetings_publish_agenda, 0},
    {"GET", "/meetings/:id/absence-requests", h_absences_list, 0},
    {"POST", "/meetings/:id/absence-requests", h_absences_create, 0},
    {"POST", "/meetings/:id/attendance", h_meetings_attendance, 0},
    {"POST", "/meetings/:id/start", h_meetings_start, 0},
    {"POST", "/meetings/:id/decisions", h_decisions_create, 0},
    {"POST", "/meetings/:id/minutes", h_meetings_minutes, 0},
    {"POST", "/meetings/:id/approve-minutes", h_meetings_approve_minutes, 0},
    {"POST", "/meetings/:id/close", h_meetings_close, 0},

    {"GET", "/topics/:id", h_topics_get, 0},
    {"POST", "/topics/:id/approve", h_topics_approve, 0},
    {"POST", "/topics/:id/reject", h_topics_reject, 0},

    {"GET", "/meeting-absence-requests/:id", h_absences_get, 0},
    {"POST", "/meeting-absence-requests/:id/approve", h_absences_approve, 0},
    {"POST", "/meeting-absence-requests/:id/reject", h_absences_reject, 0},

    {"GET", "/decisions", h_decisions_list, 0},
    {"GET", "/decisions/:id", h_decisions_get, 0},
    {"POST", "/decisions/:id/progress", h_decisions_progress, 0},
    {"POST", "/decisions/:id/complete", h_decisions_complete, 0},
    {"GET", "/supervision-report", h_supervision_report, 0},

    {"GET", "/tasks", h_tasks_list, 0},
    {"POST", "/tasks", h_tasks_create, 0},
    {"GET", "/tasks/:id", h_tasks_get, 0},
    {"POST", "/tasks/:id/progress", h_tasks_progress, 0},
    {"POST", "/tasks/:id/complete", h_tasks_complete, 0},
    {"POST", "/tasks/:id/escalate", h_tasks_escalate, 0},
    {"POST", "/tasks/:id/flag-conflict", h_tasks_flag_conflict, 0},
    {"POST", "/tasks/:id/consult", h_tasks_consult, 0},
    {"POST", "/tasks/:id/reschedule", h_tasks_reschedule, 0},
    {"POST", "/tasks/:id/reassign", h_tasks_reassign, 0},
};

const size_t meetings_nroutes = sizeof meetings_routes / sizeof meetings_routes[0];
