#ifndef DOCUMENTS_PAGE_JSON_H
#define DOCUMENTS_PAGE_JSON_H

#include "page_cols.h"

/* The members of documents' and incoming items, for reply_page_cols
 * (common/page_cols.h). */

/* The item columns of document d (an alias of documents), the same
 * members as document_doc(d) (sql/read.sql) in the same order. */
#define DOCUMENT_COLS(d)                                                                    \
    " " d ".id, " d ".issuer, " d ".doc_type, " d ".title, " d ".body, " d ".main_recipients," \
    " " d ".cc_recipients, " d ".secrecy, " d ".urgency, " d ".print_count, " d ".assigned_by," \
    " " d ".reply_to_incoming_id, " d ".department_id, " d ".creator_id,"                    \
    " " d ".co_department_ids, " d ".co_signed_ids AS co_signed_department_ids, " d ".state," \
    " " d ".reviewer_id, to_json(" d ".reviewed_at) AS reviewed_at, " d ".signer_id,"         \
    " " d ".signed_by, to_json(" d ".signed_at) AS signed_at, " d ".signed_body_sha256,"      \
    " " d ".doc_number, " d ".doc_year, " d ".doc_seq,"                                      \
    " to_json(" d ".numbered_at) AS numbered_at, " d ".letterhead_count,"                    \
    " " d ".printed_copies, to_json(" d ".printed_at) AS printed_at,"                        \
    " to_json(" d ".archived_at) AS archived_at, " d ".stamped_count, " d ".stamp_mismatch,"  \
    " to_json(" d ".issued_at) AS issued_at, " d ".decline_reason, " d ".last_comment,"      \
    " " d ".body_version, " d ".version, to_json(" d ".created_at) AS created_at,"            \
    " to_json(" d ".updated_at) AS updated_at"
extern const page_col document_cols[];

/* The item columns of incoming item i (an alias of incoming), the same
 * members as incoming_doc(i) (sql/read.sql) in the same order, the
 * register entries aggregated as INCOMING_DOC does. */
#define INCOMING_COLS(i)                                                                    \
    " " i ".id, " i ".registry_number, " i ".source_kind, " i ".source_org,"                 \
    " " i ".original_number, " i ".kind, " i ".title, to_json(" i ".received_at) AS received_at," \
    " " i ".urgency, " i ".secrecy, to_json(" i ".deadline) AS deadline, " i ".summary,"      \
    " " i ".state, " i ".creator_id, " i ".leader_ids, " i ".instructed_ids AS instructed_leader_ids," \
    " " i ".department_ids, " i ".completed_ids AS completed_department_ids,"                \
    " " i ".reply_document_id, to_json(" i ".reminded_at) AS reminded_at, " i ".overdue,"     \
    " to_json(" i ".overdue_at) AS overdue_at, to_json(" i ".archived_at) AS archived_at,"    \
    " (SELECT coalesce(json_agg(json_build_object('no', e.no, 'step', e.step,"               \
    " 'actor_id', e.actor_id, 'text', e.text, 'at', e.at) ORDER BY e.no), '[]')"             \
    " FROM incoming_entries e WHERE e.incoming_id = " i ".id) AS entries,"                   \
    " " i ".version, to_json(" i ".created_at) AS created_at,"                               \
    " to_json(" i ".updated_at) AS updated_at"
extern const page_col incoming_cols[];

#endif
