-- The incoming item's document the planner can inline. incoming_doc(i)
-- has a sub-select (the register entries), so it is not inlined: it was
-- planned again for every row of every list, most of a page's database
-- time. incoming_doc(i, entries) is a single expression; the lists
-- aggregate the entries in the calling statement (INCOMING_DOC in
-- documents.h), which is prepared once. Same keys, same order, same values
-- as incoming_doc(i), which the other statements keep using.
CREATE FUNCTION incoming_doc(i incoming, entries json) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', i.id, 'registry_number', i.registry_number, 'source_kind', i.source_kind,
        'source_org', i.source_org, 'original_number', i.original_number, 'kind', i.kind,
        'title', i.title, 'received_at', i.received_at, 'urgency', i.urgency,
        'secrecy', i.secrecy, 'deadline', i.deadline, 'summary', i.summary, 'state', i.state,
        'creator_id', i.creator_id, 'leader_ids', i.leader_ids,
        'instructed_leader_ids', i.instructed_ids, 'department_ids', i.department_ids,
        'completed_department_ids', i.completed_ids, 'reply_document_id', i.reply_document_id,
        'reminded_at', i.reminded_at, 'overdue', i.overdue, 'overdue_at', i.overdue_at,
        'archived_at', i.archived_at, 'entries', entries,
        'version', i.version, 'created_at', i.created_at, 'updated_at', i.updated_at)
$$;
