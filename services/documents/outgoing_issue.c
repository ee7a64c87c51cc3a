/* An outgoing document after its number (R-DOC-6): the letterhead
 * sheets, the printed copies (checked against the printing service's copy
 * register), the archived original and the stamps (checked against the
 * seals service's log), and its issue once all agree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "outgoing_actions.h"

static const db_stmt Q_LETTERHEADS = {
    "documents_letterheads", "UPDATE documents SET letterhead_count = $2 WHERE id = $1"};

/* The letterhead sheets (文头纸) for the copies to be stamped. */
int doc_perform_letterheads(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    if (in->count < q->print_count)
        return problem_field(p, "count", "the %lld copies to print need at least %lld sheets",
                             q->print_count, q->print_count);
    char id[24], n[24];
    const char *params[] = {db_int(id, t->id), db_int(n, in->count)};
    if (db_write(c, &Q_LETTERHEADS, 2, params, p) || doc_step(c, t, "numbered", p))
        return -1;
    return doc_tell(c, t, q->creator_id, "document_letterheads",
                    "Letterhead sheets issued: %s", p);
}

/* The copies the printing service's register shows completed for this
 * document (R-DOC-6), when the printing service is deployed: -1 otherwise
 * or when it has none. */
static const db_stmt Q_HAS_PRINTING = {
    "documents_has_printing",
    "SELECT to_regclass('printing.document_copies') IS NOT NULL AS has_printing"};
static const db_stmt Q_PRINTED_COPIES = {
    "documents_printed_copies",
    "SELECT coalesce((SELECT copies FROM printing.document_copies WHERE document_id = $1), -1)"
    " AS copies"};

static int register_copies(db_conn *c, long long id, long long *out, problem_t *p)
{
    PGresult *res;
    *out = -1;
    if (db_query(c, &Q_HAS_PRINTING, 0, NULL, &res, p))
        return -1;
    bool has = db_col_bool(res, 0, "has_printing");
    PQclear(res);
    if (!has)
        return 0;
    char d[24];
    const char *params[] = {db_int(d, id)};
    if (db_query(c, &Q_PRINTED_COPIES, 1, params, &res, p))
        return -1;
    *out = db_col_ll(res, 0, "copies");
    PQclear(res);
    return 0;
}

static const db_stmt Q_PRINTED = {
    "documents_printed",
    "UPDATE documents SET printed_copies = $2, printed_at = now() WHERE id = $1"};

int doc_perform_printed(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    if (!q->letterheads)
        return problem_set(p, ERR_DOCUMENT_NO_LETTERHEADS, NULL, NULL,
                           "the secretariat has not issued the letterhead sheets yet");
    if (in->copies > q->letterheads)
        return problem_field(p, "copies", "at most %lld: one letterhead sheet a copy",
                             q->letterheads);
    /* Printed through the printing service: its copy register is the count. */
    long long registered;
    if (register_copies(c, t->id, &registered, p))
        return -1;
    if (registered >= 0 && registered != in->copies) {
        problem_set(p, ERR_DOCUMENT_COPIES_MISMATCH, NULL, "R-DOC-6",
                    "the copy register shows %lld completed copies of this document",
                    registered);
        return problem_field(p, "copies", "must be %lld, the copies the register shows",
                             registered);
    }
    char id[24], n[24];
    const char *params[] = {db_int(id, t->id), db_int(n, in->copies)};
    if (db_write(c, &Q_PRINTED, 2, params, p) || doc_step(c, t, "printed", p))
        return -1;
    return doc_tell_secretariat(c, t, "document_original_due",
                                "Printed; the signed original is due for the archive: %s", p);
}

/* R-DOC-6: issued once the original is archived and the stamped count
 * matches the printed copies. */
static const db_stmt Q_ISSUE = {
    "documents_issue",
    "UPDATE documents d SET state = 'issued', issued_at = now(),"
    " version = d.version + 1, updated_at = now()"
    " WHERE d.id = $1 AND d.archived_at IS NOT NULL AND d.stamped_count = d.printed_copies"
    " RETURNING" AUDIT_DOC(DOCUMENT_DOC("d")) " AS doc"};

static int maybe_issue(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    PGresult *res;
    if (db_query(c, &Q_ISSUE, 1, params, &res, p))
        return -1;
    if (PQntuples(res) == 1) {
        free(t->doc);
        t->doc = strdup(db_col_str(res, 0, "doc"));
        PQclear(res);
        if (!t->doc)
            return problem_oom(p);
        return doc_tell(c, t, q->creator_id, "document_issued", "Issued: %s", p);
    }
    PQclear(res);
    return 0;
}

static const db_stmt Q_ARCHIVED = {
    "documents_archived", "UPDATE documents SET archived_at = now() WHERE id = $1"};

int doc_perform_archive(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    if (q->archived)
        return problem_set(p, ERR_DOCUMENT_ALREADY_ARCHIVED, NULL, NULL,
                           "the original is already archived");
    char id[24];
    const char *params[] = {db_int(id, t->id)};
    if (db_write(c, &Q_ARCHIVED, 1, params, p) || doc_step(c, t, "printed", p))
        return -1;
    return maybe_issue(c, t, p);
}

/* The stamps the seals service logged for this document (R-SEAL-4). */
static const db_stmt Q_STAMPS = {
    "documents_stamps",
    "SELECT coalesce(sum(s.count), 0) AS stamped, bool_or(s.request_id = $2) AS named"
    " FROM seals.document_stamps s WHERE s.document_id = $1"};

static const db_stmt Q_STAMPED = {
    "documents_stamped",
    "UPDATE documents SET stamped_count = $2, stamp_mismatch = $2 <> printed_copies"
    " WHERE id = $1"};

/* R-DOC-6: the copies are stamped through the seals service; the stamped
 * count must match the printed copies, and a mismatch is recorded (and
 * listed with ?stamp_mismatch=true). */
int doc_perform_record_stamp(db_conn *c, action_tx *t, problem_t *p)
{
    const doc_row *q = t->row;
    const doc_act_in *in = t->in;
    char id[24], rq[24], n[24];
    const char *p1[] = {db_int(id, t->id), db_int(rq, in->seal_request_id)};
    PGresult *res;
    if (db_query(c, &Q_STAMPS, 2, p1, &res, p))
        return -1;
    long long stamped = db_col_ll(res, 0, "stamped");
    bool named = db_col_bool(res, 0, "named");
    PQclear(res);
    if (!named)
        return problem_field(p, "seal_request_id",
                             "no stamp of this document was logged for this seal request");
    const char *p2[] = {id, db_int(n, stamped)};
    if (db_write(c, &Q_STAMPED, 2, p2, p) || doc_step(c, t, "printed", p))
        return -1;
    if (stamped != q->printed_copies) {
        char title[TITLE_BYTES];
        snprintf(title, sizeof title, "Stamped %lld of %lld printed copies: %s", stamped,
                 q->printed_copies, q->title);
        utf8_trim(title, sizeof title);
        return notify(c, q->creator_id, "document_stamp_mismatch", title,
                      "The stamped count does not match the printed copies (R-DOC-6).",
                      "document", t->id, p) ||
                       store_notify_secretariat(c, "document_stamp_mismatch", title, "",
                                                "document", t->id, p)
                   ? -1
                   : 0;
    }
    return maybe_issue(c, t, p);
}
