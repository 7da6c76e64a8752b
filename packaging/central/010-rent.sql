-- 010-rent.sql — rent's events (rent.h): a unit's payer changed from a
-- day by the office (change_payer), an article's rent from a day on
-- (article_price, a manager's word, signed with their badge).
--
-- The centre takes only the types it knows (hmc_event_types).  hmc central
-- init/upgrade writes every type of the binary there anyway, with whether
-- it wants a manager's proof (005-proofs.sql); they are named here too so
-- that this schema, applied on its own, already knows them, and so that a
-- handheld with this hmc waits for `hmc central upgrade` (schema 10)
-- instead of having its payer changes refused.

SET LOCAL client_min_messages = error;

INSERT INTO hmc_event_types (name, proof) VALUES
	('change_payer', false),
	('article_price', true)
ON CONFLICT (name) DO UPDATE SET proof = excluded.proof;
