/* The documents service's whole API, one line a route. */
#include "documents.h"

route_t documents_routes[] = {
    {"GET", "/documents", h_documents_list, 0},
    {"POST", "/documents", h_documents_create, 0},
    {"GET", "/documents/:id", h_documents_get, 0},
    {"PATCH", "/documents/:id", h_documents_patch, 0},
    {"GET", "/documents/:id/versions", h_documents_versions, 0},
    {"GET", "/documents/:id/pdf", h_documents_pdf, 0},
    {"GET", "/documents/:id/attachments", h_attachments_list, 0},
    {"POST", "/documents/:id/attachments", h_attachments_create, ROUTE_BINARY},
    {"GET", "/documents/:id/attachments/:aid", h_attachments_get, 0},
    {"POST", "/documents/:id/co-sign", h_documents_co_sign, 0},
    {"POST", "/documents/:id/submit", h_documents_submit, 0},
    {"POST", "/documents/:id/return", h_documents_return, 0},
    {"POST", "/documents/:id/decline", h_documents_decline, 0},
    {"POST", "/documents/:id/forward", h_documents_forward, 0},
    {"POST", "/documents/:id/review", h_documents_review, 0},
    {"POST", "/documents/:id/sign", h_documents_sign, 0},
    {"POST", "/documents/:id/send-back", h_documents_send_back, 0},
    {"POST", "/documents/:id/request-changes", h_documents_request_changes, 0},
    {"POST", "/documents/:id/resubmit", h_documents_resubmit, 0},
    {"POST", "/documents/:id/approve-proof", h_documents_approve_proof, 0},
    {"POST", "/documents/:id/assign-number", h_documents_assign_number, 0},
    {"POST", "/documents/:id/issue-letterheads", h_documents_issue_letterheads, 0},
    {"POST", "/documents/:id/report-printed", h_documents_report_printed, 0},
    {"POST", "/documents/:id/archive-original", h_documents_archive_original, 0},
    {"POST", "/documents/:id/record-stamp", h_documents_record_stamp, 0},

    {"GET", "/incoming", h_incoming_list, 0},
    {"POST", "/incoming", h_incoming_create, 0},
    {"GET", "/incoming/:id", h_incoming_get, 0},
    {"GET", "/incoming/:id/card.pdf", h_incoming_card, 0},
    {"POST", "/incoming/:id/propose", h_incoming_propose, 0},
    {"POST", "/incoming/:id/assign", h_incoming_assign, 0},
    {"POST", "/incoming/:id/instruct", h_incoming_instruct, 0},
    {"POST", "/incoming/:id/forward", h_incoming_forward, 0},
    {"POST", "/incoming/:id/complete", h_incoming_complete, 0},
    {"POST", "/incoming/:id/reply", h_incoming_reply, 0},
    {"POST", "/incoming/:id/archive", h_incoming_archive, 0},

    {"GET", "/reports", h_reports_list, 0},
    {"POST", "/reports", h_reports_create, 0},
    {"GET", "/reports/:id", h_reports_get, 0},
    {"POST", "/reports/:id/respond", h_reports_respond, 0},
    {"POST", "/reports/:id/feedback", h_reports_feedback, 0},
    {"POST", "/reports/:id/outcome", h_reports_outcome, 0},

    {"GET", "/secretary-authorisations", h_secretary_auth_list, 0},
    {"POST", "/secretary-authorisations", h_secretary_auth_create, 0},
    {"GET", "/secretary-authorisations/:id", h_secretary_auth_get, 0},
    {"POST", "/secretary-authorisations/:id/revoke", h_secretary_auth_revoke, 0},

    {"GET", "/number-series", h_number_series_get, 0},
    {"PUT", "/number-series", h_number_series_put, 0},
};

const size_t documents_nroutes = sizeof documents_routes / sizeof documents_routes[0];
