-- 002-guarded.sql — a centre that trusts no device.
--
-- Devices no longer write to hmc_events at all.  They call hmc_push(),
-- which runs as the log's owner (SECURITY DEFINER) and
--
--   * takes the push lock, a table no device may even read, so places are
--     handed out in commit order and no device can hold pushes up by
--     taking the lock itself; a device that keeps its transaction open
--     after a push (so keeps the lock) longer than push_hold_limit seconds
--     (hmc_meta, default 60; a push is one statement and never does) is
--     ended by the next push;
--   * lets a device push only its own events (device = session_user;
--     the owner and superusers may push any device's), refusing the whole
--     call otherwise;
--   * checks each event: no field missing, the type one this log knows
--     (hmc_event_types, filled by hmc central init/upgrade from the
--     binary's list), device <= 32, operator <= 20, subject <= 40, payload
--     <= 2047 bytes, payload form-encoded (payload.h), no control
--     characters, device_seq >= 1, and the hash recomputed from the fields
--     (hmc_event_hash, the same SHA-256 as event.c);
--   * places the events that pass, in the order given, and answers for
--     each: its place, whether the log holds this content under its key,
--     or why it was refused (the rest of the batch is placed all the same).
--
-- Why a function and not a column grant with a checking trigger: a
-- trigger can only refuse by failing the whole statement (the device must
-- then halve its batch to find the one bad event), a device with INSERT
-- must take the push lock itself (so it can hold it), and ON CONFLICT
-- would still need SELECT on the rows it did not insert.  One call per
-- batch also keeps pushing fast: no temporary table (devices may not make
-- one any more), one round trip.
--
-- It also rehashes every event (SHA-256 instead of BLAKE2b) and takes from
-- PUBLIC, where the administrator may: temporary tables in this database,
-- CREATE in schema public, advisory locks and pg_sleep.  hmc central
-- init/upgrade says what it could not take.

SET LOCAL client_min_messages = error;

-- No push of an older hmc midway, and none until this commits.
LOCK TABLE hmc_events IN EXCLUSIVE MODE;

CREATE TABLE hmc_event_types (name text PRIMARY KEY);
CREATE TABLE hmc_push_lock ();
REVOKE ALL ON hmc_event_types, hmc_push_lock FROM PUBLIC;
INSERT INTO hmc_meta VALUES ('push_hold_limit', '60') ON CONFLICT (key) DO NOTHING;

-- One field of the hash: its length as 4 bytes, big-endian, then its
-- bytes.  In a UTF8 database a text's length is its UTF-8 length.
DO $$ BEGIN
	IF (SELECT pg_encoding_to_char(encoding) FROM pg_database
	    WHERE datname = current_database()) <> 'UTF8' THEN
		RAISE EXCEPTION 'the central log needs a database in UTF8 (createdb -E UTF8)';
	END IF;
END $$;
CREATE FUNCTION hmc_hash_field(text) RETURNS bytea
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT int4send(octet_length($1)) || convert_to($1, 'UTF8') $$;

CREATE FUNCTION hmc_event_hash(device text, device_seq bigint, hlc bigint, operator text,
			       type text, subject text, payload text) RETURNS bytea
	LANGUAGE sql STABLE PARALLEL SAFE
	AS $$ SELECT sha256(hmc_hash_field($1) || hmc_hash_field($2::text) ||
			    hmc_hash_field($3::text) || hmc_hash_field($4) || hmc_hash_field($5) ||
			    hmc_hash_field($6) || hmc_hash_field($7)) $$;

UPDATE hmc_events
	SET hash = hmc_event_hash(device, device_seq, hlc, operator, type, subject, payload);

CREATE FUNCTION hmc_push(p_device text[], p_device_seq bigint[], p_hlc bigint[],
			 p_operator text[], p_type text[], p_subject text[], p_payload text[],
			 p_hash bytea[])
	RETURNS TABLE (idx integer, gseq bigint, same boolean, refused text)
	LANGUAGE plpgsql SECURITY DEFINER
	-- The checks' estimated cost would have every batch JIT-compiled,
	-- which takes longer than the batch.
	SET jit = off
AS $fn$
#variable_conflict use_column
DECLARE
	anyone boolean;
	forged text;
	hold_limit integer;
BEGIN
	SELECT r.rolsuper OR r.rolname = current_user INTO anyone
		FROM pg_roles r WHERE r.rolname = session_user;
	IF NOT coalesce(anyone, false) THEN
		SELECT d INTO forged FROM unnest(p_device) d
			WHERE d IS DISTINCT FROM session_user LIMIT 1;
		IF FOUND THEN
			RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
				MESSAGE = format('%s may push its own events only, not those of %s',
						 session_user, coalesce(quote_literal(left(forged, 40)), 'no device'));
		END IF;
	END IF;

	SELECT coalesce(max(m.value::integer), 60) INTO hold_limit
		FROM hmc_meta m WHERE m.key = 'push_hold_limit';
	BEGIN
		PERFORM pg_terminate_backend(a.pid)
			FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'relation' AND l.relation = 'hmc_push_lock'::regclass
			  AND l.granted AND a.pid <> pg_backend_pid()
			  AND a.xact_start <= clock_timestamp() - make_interval(secs => hold_limit)
			  AND EXISTS (SELECT 1 FROM pg_auth_members m
				      WHERE m.member = a.usesysid AND m.roleid = 'hmc_device'::regrole);
	EXCEPTION WHEN insufficient_privilege THEN
		NULL;	-- an owner who may not end sessions waits like everyone else
	END;
	LOCK TABLE hmc_push_lock IN EXCLUSIVE MODE;

	RETURN QUERY
	WITH incoming AS (
		SELECT (i.ord - 1)::integer AS idx, i.device, i.device_seq, i.hlc, i.operator,
			i.type, i.subject, i.payload, i.hash,
			CASE
			WHEN num_nulls(i.device, i.device_seq, i.hlc, i.operator, i.type, i.subject,
				       i.payload, i.hash) > 0
				THEN 'a field is missing'
			WHEN octet_length(i.device) > 32
				THEN format('a device name of %s bytes (at most 32)', octet_length(i.device))
			WHEN octet_length(i.operator) > 20
				THEN format('an operator of %s bytes (at most 20)', octet_length(i.operator))
			WHEN octet_length(i.subject) > 40
				THEN format('a subject of %s bytes (at most 40)', octet_length(i.subject))
			WHEN octet_length(i.payload) > 2047
				THEN format('a payload of %s bytes (at most 2047)', octet_length(i.payload))
			WHEN NOT EXISTS (SELECT 1 FROM hmc_event_types t WHERE t.name = i.type)
				THEN format('type %s is not one this central log knows (a newer hmc? '
					    'hmc central upgrade teaches it)', quote_literal(left(i.type, 32)))
			WHEN i.device_seq < 1
				THEN 'a device sequence below 1'
			WHEN (i.device || i.operator || i.subject) ~ '[[:cntrl:]]'
				THEN 'control characters in the device, operator or subject'
			-- what payload_valid (payload.c) refuses: a byte outside
			-- the form's, a bad %-escape, two '=' in a pair, a pair
			-- without a key of [a-z0-9_] and '=', a key of 64 or
			-- more (patterns of what is wrong, with no anchor or
			-- counted repeat on the common path, run ten times
			-- faster here than one of what is right)
			WHEN i.payload <> '' AND (i.payload ~ ('[^-A-Za-z0-9._~%=&]'
					'|%([^0-9A-Fa-f]|.[^0-9A-Fa-f]|.?$|00)|=[^&]*=')
				OR ('&' || i.payload || '&') ~ '&(=|[a-z0-9_]*[^a-z0-9_=]|[^&=]*&)'
				OR (octet_length(i.payload) > 63
				    AND ('&' || i.payload) ~ '&[a-z0-9_]{64}'))
				THEN 'the payload is not key=value pairs, form-encoded'
			WHEN i.hash <> hmc_event_hash(i.device, i.device_seq, i.hlc, i.operator,
						      i.type, i.subject, i.payload)
				THEN 'its hash does not match its content'
			END AS refused
		FROM unnest(p_device, p_device_seq, p_hlc, p_operator, p_type, p_subject,
			    p_payload, p_hash)
			WITH ORDINALITY AS i(device, device_seq, hlc, operator, type, subject,
					     payload, hash, ord)
	), placed AS (
		INSERT INTO hmc_events AS e (device, device_seq, hlc, operator, type, subject,
					     payload, hash)
		SELECT n.device, n.device_seq, n.hlc, n.operator, n.type, n.subject, n.payload,
			n.hash
		FROM incoming n WHERE n.refused IS NULL ORDER BY n.idx
		ON CONFLICT (device, device_seq) DO NOTHING
		RETURNING e.device, e.device_seq, e.gseq
	)
	-- An event already in the log (a batch sent again) is looked up by
	-- its key, one at a time: rare, and never a scan of the log.
	SELECT n.idx,
		CASE WHEN p.gseq IS NOT NULL THEN p.gseq
		     WHEN n.refused IS NULL THEN (SELECT e.gseq FROM hmc_events e
			WHERE e.device = n.device AND e.device_seq = n.device_seq) END,
		CASE WHEN p.gseq IS NOT NULL THEN true
		     WHEN n.refused IS NULL THEN (SELECT e.hash = n.hash FROM hmc_events e
			WHERE e.device = n.device AND e.device_seq = n.device_seq) END,
		n.refused
	FROM incoming n
	LEFT JOIN placed p ON p.device = n.device AND p.device_seq = n.device_seq
	ORDER BY n.idx;
END
$fn$;

-- Found in this schema whatever a caller's search_path holds, and
-- temporary objects last (a device may not make any, but where the
-- administrator could not take TEMP away it must not shadow these tables).
-- hmc_event_hash has no such setting: it would no longer be inlined, and
-- it runs inside hmc_push or for the owner only.
DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_push(text[], bigint[], bigint[], text[], text[], '
		       'text[], text[], bytea[]) SET search_path = pg_catalog, %I, pg_temp',
		       current_schema());
END $$;

REVOKE ALL ON FUNCTION hmc_hash_field(text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hmc_event_hash(text, bigint, bigint, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION hmc_push(text[], bigint[], bigint[], text[], text[], text[], text[], bytea[])
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION hmc_push(text[], bigint[], bigint[], text[], text[], text[], text[],
				   bytea[]) TO hmc_device;

-- Devices read the log and the settings, and append through hmc_push only.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON hmc_events FROM hmc_device;
DROP POLICY IF EXISTS hmc_append ON hmc_events;

-- What PUBLIC may everywhere, taken here where the administrator can (the
-- database's owner or a superuser); hmc central init says what stayed.
DO $$
DECLARE
	f regprocedure;
BEGIN
	BEGIN
		EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
	EXCEPTION WHEN insufficient_privilege THEN NULL;
	END;
	BEGIN
		REVOKE CREATE ON SCHEMA public FROM PUBLIC;
	EXCEPTION WHEN insufficient_privilege OR invalid_schema_name THEN NULL;
	END;
	FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
		 WHERE p.pronamespace = 'pg_catalog'::regnamespace
		   AND (p.proname LIKE 'pg\_advisory\_%' AND p.proname NOT LIKE '%unlock%'
			OR p.proname LIKE 'pg\_try\_advisory\_%' OR p.proname LIKE 'pg\_sleep%')
	LOOP
		BEGIN
			EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
		EXCEPTION WHEN insufficient_privilege THEN NULL;
		END;
	END LOOP;
END $$;
