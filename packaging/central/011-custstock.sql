-- 011-custstock.sql — customer stocks' events (custstock.h): a customer
-- stock's agreed level of an article (location_level, a manager's word,
-- signed with their badge).
--
-- The centre takes only the types it knows (hmc_event_types).  hmc central
-- init/upgrade writes every type of the binary there anyway, with whether
-- it wants a manager's proof (005-proofs.sql); it is named here too so
-- that this schema, applied on its own, already knows it, and so that a
-- handheld with this hmc waits for `hmc central upgrade` (schema 11)
-- instead of having its levels refused.

SET LOCAL client_min_messages = error;

INSERT INTO hmc_event_types (name, proof) VALUES
	('location_level', true)
ON CONFLICT (name) DO UPDATE SET proof = excluded.proof;
