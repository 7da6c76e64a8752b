-- 007-safety.sql — patient safety's events (safety.h): quarantine and
-- release of a unit, incidents and their follow-up, recalls, their actions
-- and close, inspections, a unit's lot and inspection plan.
--
-- The centre takes only the types it knows (hmc_event_types).  hmc central
-- init/upgrade writes every type of the binary there anyway, with whether
-- it wants a manager's proof (005-proofs.sql); they are named here too so
-- that this schema, applied on its own, already knows them, with the same
-- proof flags as the rule table: a release, an incident's follow-up, a
-- recall's open and close are a manager's word, signed with their badge.

SET LOCAL client_min_messages = error;

INSERT INTO hmc_event_types (name, proof) VALUES
	('quarantine', false),
	('release', true),
	('incident', false),
	('incident_follow', true),
	('recall_open', true),
	('recall_action', false),
	('recall_close', true),
	('inspection', false),
	('unit_safety', false)
ON CONFLICT (name) DO UPDATE SET proof = excluded.proof;
