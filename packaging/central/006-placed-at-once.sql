-- 006-placed-at-once.sql — a push places its batch in one statement.
--
-- Until now each event took its place through a row trigger
-- (hmc_place_event, 003-placed.sql) that looked the event up and moved
-- the counter hmc_place on by one: a batch of n events updated the one
-- row of hmc_place n times in one transaction, every update reading past
-- the dead versions the earlier ones left, so a push slowed with the
-- square of its batch (5,000 events took about 1.3 s).  Now hmc_push reads
-- the counter once, under the push lock, and hands out the places itself,
-- last + 1, last + 2, ... in the order sent, to the events that pass and
-- that the log does not hold yet (an event sent again, or twice in one
-- batch, takes none).  A statement trigger of the same name
-- (hmc_events_place) keeps the guarantee for every INSERT into the log,
-- whoever makes it: the rows one statement adds must hold exactly the
-- places after the counter, without a gap, and it moves the counter on to
-- the last of them, once.  What a device may do is unchanged: call
-- hmc_push, which still checks every event as 005-proofs.sql does.

SET LOCAL client_min_messages = error;
LOCK TABLE hmc_events IN EXCLUSIVE MODE;

DROP TRIGGER IF EXISTS hmc_events_place ON hmc_events;
DROP FUNCTION IF EXISTS hmc_place_event();

CREATE FUNCTION hmc_check_places() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
	low bigint;
	high bigint;
	added bigint;
	last_place bigint;
BEGIN
	SELECT min(n.gseq), max(n.gseq), count(*) INTO low, high, added FROM hmc_added n;
	IF added = 0 THEN
		RETURN NULL;
	END IF;
	SELECT p.last INTO last_place FROM hmc_place p FOR UPDATE;
	IF low IS DISTINCT FROM last_place + 1 OR high - low + 1 <> added THEN
		RAISE EXCEPTION USING ERRCODE = 'check_violation',
			MESSAGE = format('the central log''s places run without gaps: %s events at '
					 'places %s to %s do not follow place %s', added, low, high,
					 last_place),
			HINT = 'events enter the log through hmc_push(), which places them';
	END IF;
	UPDATE hmc_place SET last = high;
	RETURN NULL;
END
$fn$;
DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_check_places() SET search_path = pg_catalog, %I, pg_temp',
		       current_schema());
END $$;
REVOKE ALL ON FUNCTION hmc_check_places() FROM PUBLIC;

CREATE TRIGGER hmc_events_place AFTER INSERT ON hmc_events
	REFERENCING NEW TABLE AS hmc_added
	FOR EACH STATEMENT EXECUTE FUNCTION hmc_check_places();

CREATE OR REPLACE FUNCTION hmc_push(p_device text[], p_device_seq bigint[], p_hlc bigint[],
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
	last_place bigint;
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
	-- Read under the push lock: no other push moves it until this commits.
	SELECT p.last INTO last_place FROM hmc_place p;

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
			WHEN t.name IS NULL
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
			WHEN t.proof AND i.payload !~ '(^|&)proof=[0-9a-f]{128}$'
				THEN 'a manager''s event without a proof: it must be signed with a '
				     'manager''s badge'
			WHEN i.hash <> hmc_event_hash(i.device, i.device_seq, i.hlc, i.operator,
						      i.type, i.subject, i.payload)
				THEN 'its hash does not match its content'
			END AS refused
		FROM unnest(p_device, p_device_seq, p_hlc, p_operator, p_type, p_subject,
			    p_payload, p_hash)
			WITH ORDINALITY AS i(device, device_seq, hlc, operator, type, subject,
					     payload, hash, ord)
		LEFT JOIN hmc_event_types t ON t.name = i.type
	), fresh AS (
		-- The events to place: those that pass and that the log does
		-- not hold, each key once (its first copy in the batch).
		SELECT DISTINCT ON (n.device, n.device_seq) n.idx
		FROM incoming n
		WHERE n.refused IS NULL
		  AND NOT EXISTS (SELECT 1 FROM hmc_events e
				  WHERE e.device = n.device AND e.device_seq = n.device_seq)
		ORDER BY n.device, n.device_seq, n.idx
	), placed AS (
		INSERT INTO hmc_events AS e (gseq, device, device_seq, hlc, operator, type, subject,
					     payload, hash)
		OVERRIDING SYSTEM VALUE
		SELECT last_place + row_number() OVER (ORDER BY n.idx), n.device, n.device_seq,
			n.hlc, n.operator, n.type, n.subject, n.payload, n.hash
		FROM incoming n JOIN fresh f ON f.idx = n.idx
		ORDER BY n.idx
		RETURNING e.device, e.device_seq, e.gseq, e.hash
	)
	-- An event already in the log (a batch sent again) is looked up by
	-- its key, one at a time: rare, and never a scan of the log.
	SELECT n.idx,
		CASE WHEN p.gseq IS NOT NULL THEN p.gseq
		     WHEN n.refused IS NULL THEN (SELECT e.gseq FROM hmc_events e
			WHERE e.device = n.device AND e.device_seq = n.device_seq) END,
		-- (a key twice in one batch: the second copy is the same only
		-- if its content is)
		CASE WHEN p.gseq IS NOT NULL THEN p.hash = n.hash
		     WHEN n.refused IS NULL THEN (SELECT e.hash = n.hash FROM hmc_events e
			WHERE e.device = n.device AND e.device_seq = n.device_seq) END,
		n.refused
	FROM incoming n
	LEFT JOIN placed p ON p.device = n.device AND p.device_seq = n.device_seq
	ORDER BY n.idx;
END
$fn$;

DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_push(text[], bigint[], bigint[], text[], text[], '
		       'text[], text[], bytea[]) SET search_path = pg_catalog, %I, pg_temp',
		       current_schema());
END $$;
