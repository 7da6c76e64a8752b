-- 001-log.sql — the central event log as hmc first made it.
--
-- One append-only table of events with a global sequence (gseq) and a
-- unique key on (device, device_seq); a small table of settings; a role
-- hmc_device whose members (one login role per handheld) read the log and
-- append their own events.  002-guarded.sql takes the appending away from
-- them again and gives them hmc_push() instead.
--
-- hmc central init and hmc central upgrade apply these files in the order
-- of their numbers, each once, inside one transaction, and record the
-- last number in hmc_meta ('schema').  A file never holds BEGIN or COMMIT.

CREATE TABLE IF NOT EXISTS hmc_events (
	gseq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	device text NOT NULL,
	device_seq bigint NOT NULL CHECK (device_seq > 0),
	hlc bigint NOT NULL,
	operator text NOT NULL,
	type text NOT NULL,
	subject text NOT NULL,
	payload text NOT NULL,
	hash bytea NOT NULL CHECK (length(hash) = 32),
	received timestamptz NOT NULL DEFAULT now(),
	UNIQUE (device, device_seq));

CREATE TABLE IF NOT EXISTS hmc_meta (key text PRIMARY KEY, value text NOT NULL);

-- Roles are the cluster's: made once, by whoever may (a database owner
-- without CREATEROLE finds it made).
DO $$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'hmc_device') THEN
		CREATE ROLE hmc_device NOLOGIN;
	END IF;
END $$;

REVOKE ALL ON hmc_events, hmc_meta FROM PUBLIC;
GRANT SELECT, INSERT ON hmc_events TO hmc_device;
GRANT SELECT ON hmc_meta TO hmc_device;

ALTER TABLE hmc_events ENABLE ROW LEVEL SECURITY;
DROP POLICY IF EXISTS hmc_read ON hmc_events;
CREATE POLICY hmc_read ON hmc_events FOR SELECT TO hmc_device USING (true);
DROP POLICY IF EXISTS hmc_append ON hmc_events;
CREATE POLICY hmc_append ON hmc_events FOR INSERT TO hmc_device
	WITH CHECK (device = current_user);
