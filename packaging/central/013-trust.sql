-- 013-trust.sql — the centre refuses at the door what no handheld would
-- make, and devices lose what they never needed; and it knows the
-- region's settings (region_setting, a manager's signed event).
--
-- hmc_push refuses, with its reason, besides what it refused before:
--   * a negative clock (hlc), and one more than a year (366 days) ahead
--     of the centre's own: one event from a handheld set to 2199 would
--     poison every store's rent and deadlines.  A year, not
--     sync.max_skew: a handheld offline for weeks with a wrong clock still
--     delivers its work (its stores clamp the time, #13), the bound is for
--     what is absurd.
--   * a personal identity number (personnummer or samordningsnummer)
--     anywhere in the subject, the operator or a payload value: the rule
--     of src/text.c, which every handheld applies to what is typed: 10 or
--     12 digits (century 18, 19 or 20), written with or without '-' or '+'
--     (and, as people write, separators '-', '+', ' ', '/', '.' of up to
--     three characters between the date's parts and the last four), a real
--     date (day + 60 for a samordningsnummer), Luhn's check digit; not
--     part of a longer number.  Values hmc makes itself (proof, pubkey,
--     pin_hash) are hex or an Argon2 encoding, not text, and are not read.
--     text.c also reads full-width digits and invisible characters; here a
--     percent-encoded character other than a digit or a separator reads as
--     a letter (the handhelds still keep such an event aside).
--
-- Devices lose EXECUTE on the large-object functions (lo_*, loread,
-- lowrite): a device made large objects of 30 MB in the log's database.
-- Like 002-guarded.sql's, the REVOKE needs a superuser (the functions are
-- pg_catalog's) and `hmc central init/upgrade` says when it stayed.  The
-- server's other databases are the administrator's (README: REVOKE
-- CONNECT ON DATABASE postgres, template1 FROM PUBLIC).

SET LOCAL client_min_messages = error;
LOCK TABLE hmc_events IN EXCLUSIVE MODE;

-- The region's settings (region.h): the approval limit every store checks
-- a scrap against is a manager's signed event, the same everywhere.
INSERT INTO hmc_event_types (name, proof) VALUES ('region_setting', true)
ON CONFLICT (name) DO UPDATE SET proof = excluded.proof;

-- The digits and separators of a form-encoded payload's values, decoded,
-- one value after another ('&' between); values hmc makes itself left out.
CREATE FUNCTION hmc_form_values(payload text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT coalesce(string_agg(
		regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
		regexp_replace(regexp_replace(replace(split_part(pair, '=', 2), '+', ' '),
			'%3([0-9])', '\1', 'g'),
			'%2[bB]', '+', 'g'),
			'%2[dD]', '-', 'g'),
			'%2[eE]', '.', 'g'),
			'%2[fF]', '/', 'g'),
			'%20', ' ', 'g'),
			'%[0-9A-Fa-f]{2}', 'x', 'g'), '&'), '')
	FROM unnest(string_to_array($1, '&')) AS pair
	WHERE split_part(pair, '=', 1) NOT IN ('proof', 'pubkey', 'pin_hash')
$$;

-- 1 when the text holds a personal identity number (src/text.c's rule).
CREATE FUNCTION hmc_personal_number(t text) RETURNS boolean
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
DECLARE
	m text[];
	d text;
	century integer;
	yy integer;
	mo integer;
	dd integer;
	most integer;
	sum integer;
	v integer;
BEGIN
	IF t IS NULL OR t !~ '[0-9]{2}' THEN
		RETURN false;
	END IF;
	FOR m IN SELECT regexp_matches(t, '(?:^|[^0-9])([0-9]{2}(?:[0-9]{2})?[-+ /.]{0,3}[0-9]{2}'
					   '[-+ /.]{0,3}[0-9]{2}[-+ /.]{0,3}[0-9]{4})(?![0-9])', 'g')
	LOOP
		d := regexp_replace(m[1], '[^0-9]', '', 'g');
		-- A separator may not stand inside the century (19-121212...).
		IF length(d) = 12 AND m[1] !~ '^[0-9]{4}' THEN
			CONTINUE;
		END IF;
		century := CASE WHEN length(d) = 12 THEN left(d, 2)::integer END;
		IF century IS NOT NULL AND century NOT IN (18, 19, 20) THEN
			CONTINUE;
		END IF;
		d := right(d, 10);
		yy := substr(d, 1, 2)::integer;
		mo := substr(d, 3, 2)::integer;
		dd := substr(d, 5, 2)::integer;
		IF dd > 60 THEN
			dd := dd - 60;	-- a samordningsnummer
		END IF;
		IF mo < 1 OR mo > 12 OR dd < 1 THEN
			CONTINUE;
		END IF;
		-- Without the century, 29 February holds if it held in either.
		most := CASE WHEN century IS NOT NULL
			THEN extract(day FROM make_date(century * 100 + yy, mo, 1)
					      + interval '1 month - 1 day')::integer
			ELSE greatest(extract(day FROM make_date(2000 + yy, mo, 1)
						       + interval '1 month - 1 day'),
				      extract(day FROM make_date(1900 + yy, mo, 1)
						       + interval '1 month - 1 day'))::integer END;
		IF dd > most THEN
			CONTINUE;
		END IF;
		sum := 0;
		FOR i IN 1..10 LOOP
			v := substr(d, i, 1)::integer * CASE WHEN i % 2 = 1 THEN 2 ELSE 1 END;
			sum := sum + CASE WHEN v > 9 THEN v - 9 ELSE v END;
		END LOOP;
		IF sum % 10 = 0 THEN
			RETURN true;
		END IF;
	END LOOP;
	RETURN false;
END
$fn$;

CREATE OR REPLACE FUNCTION hmc_push(p_device text[], p_device_seq bigint[], p_hlc bigint[],
			 p_operator text[], p_type text[], p_subject text[], p_payload text[],
			 p_hash bytea[])
	RETURNS TABLE (idx integer, gseq bigint, same boolean, refused text)
	LANGUAGE plpgsql SECURITY DEFINER
	SET jit = off
	-- A puller's session plans its pull once (force_generic_plan,
	-- central_pg.c); a batch's checks are planned for the batch.
	SET plan_cache_mode = auto
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
			WHEN i.hlc < 0
				THEN 'a negative clock: the handheld''s clock or hmc is broken'
			WHEN i.hlc > ((extract(epoch FROM clock_timestamp())::bigint + 366 * 86400)
				      * 1000) << 16
				THEN format('a clock more than a year ahead of the centre''s (%s): set the '
					    'handheld''s clock', to_char(to_timestamp(least(i.hlc >> 16,
					    253402300799000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
			WHEN (i.device || i.operator || i.subject) ~ '[[:cntrl:]]'
				THEN 'control characters in the device, operator or subject'
			WHEN i.payload <> '' AND (i.payload ~ ('[^-A-Za-z0-9._~%=&]'
					'|%([^0-9A-Fa-f]|.[^0-9A-Fa-f]|.?$|00)|=[^&]*=')
				OR ('&' || i.payload || '&') ~ '&(=|[a-z0-9_]*[^a-z0-9_=]|[^&=]*&)'
				OR (octet_length(i.payload) > 63
				    AND ('&' || i.payload) ~ '&[a-z0-9_]{64}'))
				THEN 'the payload is not key=value pairs, form-encoded'
			WHEN hmc_personal_number(i.subject) OR hmc_personal_number(i.operator)
			     OR hmc_personal_number(hmc_form_values(i.payload))
				THEN 'a personal identity number, which the centre never stores: use '
				     'the recipient''s opaque reference instead'
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
		SELECT DISTINCT ON (n.device, n.device_seq) n.idx
		FROM incoming n
		WHERE n.refused IS NULL
		  AND NOT EXISTS (SELECT 1 FROM hmc_keys k
				  WHERE k.device = n.device AND k.device_seq = n.device_seq)
		ORDER BY n.device, n.device_seq, n.idx
	), placed AS (
		INSERT INTO hmc_events AS e (gseq, device, device_seq, hlc, operator, type, subject,
					     payload, hash)
		SELECT last_place + row_number() OVER (ORDER BY n.idx), n.device, n.device_seq,
			n.hlc, n.operator, n.type, n.subject, n.payload, n.hash
		FROM incoming n JOIN fresh f ON f.idx = n.idx
		ORDER BY n.idx
		RETURNING e.device, e.device_seq, e.gseq, e.hash
	)
	SELECT n.idx,
		CASE WHEN p.gseq IS NOT NULL THEN p.gseq
		     WHEN n.refused IS NULL THEN (SELECT k.gseq FROM hmc_keys k
			WHERE k.device = n.device AND k.device_seq = n.device_seq) END,
		CASE WHEN p.gseq IS NOT NULL THEN p.hash = n.hash
		     WHEN n.refused IS NULL THEN (SELECT k.hash = n.hash FROM hmc_keys k
			WHERE k.device = n.device AND k.device_seq = n.device_seq) END,
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

REVOKE ALL ON FUNCTION hmc_form_values(text), hmc_personal_number(text) FROM PUBLIC;

-- A device's transaction left open held partition upkeep: ended after 2
-- minutes idle (hmc central add-device sets the same on new devices).
DO $$
DECLARE
	r name;
BEGIN
	FOR r IN SELECT u.rolname FROM pg_roles u JOIN pg_auth_members m ON m.member = u.oid
		 WHERE m.roleid = 'hmc_device'::regrole
	LOOP
		BEGIN
			EXECUTE format('ALTER ROLE %I SET idle_in_transaction_session_timeout = %L',
				       r, '2min');
		EXCEPTION WHEN insufficient_privilege THEN NULL;
		END;
	END LOOP;
END $$;

-- Large objects: nothing of a device's.
DO $$
DECLARE
	f regprocedure;
BEGIN
	FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
		 WHERE p.pronamespace = 'pg_catalog'::regnamespace
		   AND (p.proname LIKE 'lo\_%' OR p.proname IN ('loread', 'lowrite'))
	LOOP
		BEGIN
			EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', f);
		EXCEPTION WHEN insufficient_privilege THEN NULL;
		END;
	END LOOP;
END $$;
