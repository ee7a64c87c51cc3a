-- eligible_approvers keeps one plan for each of its statements. The
-- configured approvers' statement (p.id = ANY (s.approver_ids)) looked
-- dearer as a generic plan, which guesses ten ids where a custom plan sees
-- one, so PL/pgSQL planned it again on every call: about 240 µs of planning
-- for a 40 µs look-up, six times in a seal's request -> approve -> stamp
-- flow (every seal request document shows the approvers). The generic plan
-- is the same look-up by the users' primary key, and the position
-- statements' plans do not depend on the seal at all.
ALTER FUNCTION eligible_approvers(text, seals) SET plan_cache_mode = force_generic_plan;
