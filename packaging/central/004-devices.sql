-- 004-devices.sql — a device's name belongs to one store.
--
-- Each store makes a random id at `hmc init` (32 hex digits) besides its
-- name, and shows it with every sync through hmc_claim().  The first id
-- seen for a name is kept; a store that shows another id under the same
-- name (a second handheld initialised with it) is told so and sends
-- nothing, so neither store loses anything.  `hmc central add-device NAME
-- --replace` forgets the id (a handheld replaced: the next store to sync
-- as NAME is the one).

CREATE TABLE hmc_devices (
	name text PRIMARY KEY,
	id text NOT NULL,
	first_seen timestamptz NOT NULL DEFAULT now());
REVOKE ALL ON hmc_devices FROM PUBLIC;

-- Records p_id for p_device if the name has none yet, and answers the id
-- the log holds for it.  A device claims its own name only.
CREATE FUNCTION hmc_claim(p_device text, p_id text) RETURNS text
	LANGUAGE plpgsql SECURITY DEFINER
AS $fn$
DECLARE
	anyone boolean;
	known text;
BEGIN
	SELECT r.rolsuper OR r.rolname = current_user INTO anyone
		FROM pg_roles r WHERE r.rolname = session_user;
	IF NOT coalesce(anyone, false) AND p_device IS DISTINCT FROM session_user THEN
		RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
			MESSAGE = format('%s may push its own events only, not those of %s', session_user,
					 coalesce(quote_literal(left(p_device, 40)), 'no device'));
	END IF;
	IF p_id IS NULL OR p_id !~ '^[0-9a-f]{32}$' OR octet_length(p_device) > 32 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = 'a device id is 32 hex digits, a name at most 32 bytes';
	END IF;
	INSERT INTO hmc_devices AS d (name, id) VALUES (p_device, p_id)
		ON CONFLICT (name) DO NOTHING;
	SELECT d.id INTO known FROM hmc_devices d WHERE d.name = p_device;
	RETURN known;
END
$fn$;
DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_claim(text, text) SET search_path = pg_catalog, %I, pg_temp',
		       current_schema());
END $$;
REVOKE ALL ON FUNCTION hmc_claim(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hmc_claim(text, text) TO hmc_device;
