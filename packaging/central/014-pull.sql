-- 014-pull.sql — a depot's handheld pulls only the events that touch its
-- depot (issue 16; src/pull.c says the whole).
--
--   hmc_event_depots  (depot, gseq): place gseq touches depot ('*': every
--                     depot), by the rule of src/scope.c (scope_touch)
--                     applied by the centre's fold to the region's state
--                     before and after the event.  The primary key is the
--                     index a depot's pull reads by; the pull by place is
--                     hmc_events' own key.
--   hmc_meta          'tagged_to': every place up to it is tagged.  A
--                     depot's pull takes the tagged places that touch it
--                     (and the device's own), and every place after it.
--
-- Only the log's owner (the centre's fold) writes them, in one
-- transaction with tagged_to.  A device may read them and nothing more:
-- a stolen handheld's credentials cannot hide a region's events from a
-- depot's handhelds by tagging them away.

SET LOCAL client_min_messages = error;

CREATE TABLE hmc_event_depots (
	depot text NOT NULL,
	gseq bigint NOT NULL CHECK (gseq > 0),
	PRIMARY KEY (depot, gseq));

INSERT INTO hmc_meta VALUES ('tagged_to', '0') ON CONFLICT (key) DO NOTHING;

-- A device's own places (its events come back to be confirmed), by the
-- key table rather than a scan of the months: hmc_events has no index by
-- device, and a device may not read hmc_keys (009-partitions.sql); the
-- function answers places only, which the log shows anyway.
CREATE INDEX hmc_keys_device_place ON hmc_keys (device, gseq);

CREATE FUNCTION hmc_device_places(p_device text, p_after bigint, p_upto bigint)
	RETURNS SETOF bigint
	LANGUAGE sql STABLE SECURITY DEFINER
AS $fn$
	SELECT k.gseq FROM hmc_keys k
	WHERE k.device = p_device AND k.gseq > p_after AND k.gseq <= p_upto
$fn$;
DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_device_places(text, bigint, bigint)'
		       ' SET search_path = pg_catalog, %I, pg_temp', current_schema());
END $$;
REVOKE ALL ON FUNCTION hmc_device_places(text, bigint, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hmc_device_places(text, bigint, bigint) TO hmc_device;

REVOKE ALL ON hmc_event_depots FROM PUBLIC;
GRANT SELECT ON hmc_event_depots TO hmc_device;
