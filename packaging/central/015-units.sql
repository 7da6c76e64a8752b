-- 015-units.sql — the centre's view of each unit, for look-ups outside a
-- depot (issue 16).  (014 is another change's; this file does not need it.)
--
-- A depot's handheld holds only its depot's units (src/scope.c).  A
-- look-up of another depot's unit asks the centre: `hmc central fold`
-- publishes, each round, the current row of every unit the round's events
-- changed, in one transaction:
--
--   hmc_units   unit_no, the depot it belongs to (scope.h's rule), the
--               place in the log the row is as of, and a compact body
--               (form-encoded: state, article, location, payer,
--               recipient, since, as_of); a row is replaced only by one of
--               the same or a later place
--
-- Only the log's owner (the centre's fold) writes it.  A device may read
-- it and nothing more: a stolen handheld's credentials cannot make the
-- region see a unit where it is not.  What a device reads here is outside
-- input: it checks every field before showing it (src/fetch.c).

CREATE TABLE hmc_units (
	unit_no text PRIMARY KEY,
	depot text NOT NULL,
	place bigint NOT NULL CHECK (place >= 0),
	body text NOT NULL);

REVOKE ALL ON hmc_units FROM PUBLIC;
GRANT SELECT ON hmc_units TO hmc_device;
