-- 003-placed.sql — the log's identity, and places without gaps.
--
-- generation (hmc_meta): a random id made once, when the log is made or
-- brought to this schema.  A device records it at its first sync and
-- refuses a log with another one (it synced with another log).  A log
-- restored from a backup keeps its generation; a device tells it by its
-- cursor beyond the log's highest place (sync.c).
--
-- Places are handed out by a counter (hmc_place) in the push's own
-- transaction, not by the identity's sequence: a sequence gives numbers
-- away to rolled-back pushes and to events already in the log, and a
-- puller that sees a gap cannot tell it from an event it was not shown.
-- The counter rolls back with its push, so the log's places run 1, 2, 3,
-- ... with no gap from here on, and a puller refuses a batch with one.

INSERT INTO hmc_meta VALUES ('generation', replace(gen_random_uuid()::text, '-', ''))
	ON CONFLICT (key) DO NOTHING;
-- A log brought to this schema may have gaps below this place already.
INSERT INTO hmc_meta SELECT 'gapless_after', coalesce(max(gseq), 0)::text FROM hmc_events
	ON CONFLICT (key) DO NOTHING;

CREATE TABLE hmc_place (last bigint NOT NULL);
INSERT INTO hmc_place SELECT coalesce(max(gseq), 0) FROM hmc_events;
REVOKE ALL ON hmc_place FROM PUBLIC;

-- Runs inside hmc_push (as the owner, under the push lock): an event
-- already in the log is skipped here, before it takes a place.
CREATE FUNCTION hmc_place_event() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
	IF EXISTS (SELECT 1 FROM hmc_events e
		   WHERE e.device = NEW.device AND e.device_seq = NEW.device_seq) THEN
		RETURN NULL;
	END IF;
	UPDATE hmc_place SET last = last + 1 RETURNING last INTO NEW.gseq;
	RETURN NEW;
END
$fn$;
DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_place_event() SET search_path = pg_catalog, %I, pg_temp',
		       current_schema());
END $$;
REVOKE ALL ON FUNCTION hmc_place_event() FROM PUBLIC;

CREATE TRIGGER hmc_events_place BEFORE INSERT ON hmc_events
	FOR EACH ROW EXECUTE FUNCTION hmc_place_event();
