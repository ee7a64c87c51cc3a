-- The approver's queue (GET /leave-requests?to_approve=true) holds
-- everything of a leave that waits for the caller, not only a pending
-- request: an extension (补假) that the chain computed again gives to a
-- higher approver (请假制度 三, R-ATT-4), a return time that waits for the
-- final approver's confirmation, and a written explanation that waits for
-- the final approver's review. One partial index a branch.

CREATE INDEX leave_ext_to_approve ON leave_requests ((ext_approvers[ext_step]), id DESC)
    WHERE state = 'approved' AND ext_state = 'pending';
CREATE INDEX leave_return_to_confirm ON leave_requests (final_approver_id, id DESC)
    WHERE return_confirmation = 'pending';
CREATE INDEX leave_explanation_to_review ON leave_requests (final_approver_id, id DESC)
    WHERE explanation IS NOT NULL AND explanation_review IS NULL;
