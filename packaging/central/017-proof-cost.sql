-- 017-proof-cost.sql — the door's checks of a manager's signed event,
-- cheaper (#15).  A push of a demo's 26,194 events (88 % of them signed:
-- imports, locations, payers) cost the centre about 180 µs an event, four
-- times an unsigned move's:
--
--   * the proof's form, '(^|&)proof=[0-9a-f]{128}$', is PostgreSQL's
--     slowest kind of regular expression (a repeat counted to 128): 35 µs
--     an event.  The same test, cheaper: the payload's last 134 bytes are
--     'proof=' and hex, at its start or after '&' (bytes are characters
--     here: the form check before it holds a payload to ASCII);
--   * hmc_form_values decoded every signed payload whole (016's quick
--     answer saw the proof's ten digits, though a proof is never read):
--     17 µs.  A trailing proof pair is left out before the quick answer
--     (hmc_without_proof), and the quick answer is asked once for the
--     subject, the operator and the payload together, in the push's own
--     query, before any call of hmc_personal_number.
--
-- The rule is unchanged (t_central and test_auth push the same events).
-- The checks now stand in one function, hmc_push_refusal, which hmc_push
-- calls (PostgreSQL inlines it into the push's query): a cheaper check
-- replaces that function alone, not hmc_push.

SET LOCAL client_min_messages = error;
LOCK TABLE hmc_events IN EXCLUSIVE MODE;

-- The payload without its last pair when that is a proof (proof= and 128
-- characters without '&', at the start or after '&'): a proof is never
-- read for personal numbers, and nothing else is cut with it.
CREATE FUNCTION hmc_without_proof(payload text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT CASE WHEN octet_length(payload) >= 134
			 AND substr(payload, octet_length(payload) - 133, 6) = 'proof='
			 AND strpos(right(payload, 128), '&') = 0
			 AND (octet_length(payload) = 134
			      OR substr(payload, octet_length(payload) - 134, 1) = '&')
		THEN left(payload, greatest(octet_length(payload) - 135, 0))
		ELSE payload END
$$;

CREATE OR REPLACE FUNCTION hmc_form_values(payload text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
BEGIN
	IF payload IS NULL OR hmc_without_proof(payload) !~ '[0-9](?:[^0-9&]*[0-9]){9}' THEN
		RETURN '';
	END IF;
	RETURN (SELECT coalesce(string_agg(
		regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
		regexp_replace(regexp_replace(replace(split_part(pair, '=', 2), '+', ' '),
			'%3([0-9])', '\1', 'g'),
			'%2[bB]', '+', 'g'),
			'%2[dD]', '-', 'g'),
			'%2[eE]', '.', 'g'),
			'%2[fF]', '/', 'g'),
			'%20', ' ', 'g'),
			'%[0-9A-Fa-f]{2}', 'x', 'g'), '&'), '')
		FROM unnest(string_to_array(payload, '&')) AS pair
		WHERE split_part(pair, '=', 1) NOT IN ('proof', 'pubkey', 'pin_hash'));
END
$fn$;

-- Why the centre refuses a pushed event, or NULL: known says whether its
-- type is one the log knows, proof whether that type is a manager's.
CREATE FUNCTION hmc_push_refusal(device text, device_seq bigint, hlc bigint, operator text,
				 type text, subject text, payload text, hash bytea,
				 known boolean, proof boolean) RETURNS text
	LANGUAGE sql VOLATILE
AS $$
	SELECT CASE
	WHEN num_nulls(device, device_seq, hlc, operator, type, subject, payload, hash) > 0
		THEN 'a field is missing'
	WHEN octet_length(device) > 32
		THEN format('a device name of %s bytes (at most 32)', octet_length(device))
	WHEN octet_length(operator) > 20
		THEN format('an operator of %s bytes (at most 20)', octet_length(operator))
	WHEN octet_length(subject) > 40
		THEN format('a subject of %s bytes (at most 40)', octet_length(subject))
	WHEN octet_length(payload) > 2047
		THEN format('a payload of %s bytes (at most 2047)', octet_length(payload))
	WHEN NOT known
		THEN format('type %s is not one this central log knows (a newer hmc? '
			    'hmc central upgrade teaches it)', quote_literal(left(type, 32)))
	WHEN device_seq < 1
		THEN 'a device sequence below 1'
	WHEN hlc < 0
		THEN 'a negative clock: the handheld''s clock or hmc is broken'
	WHEN hlc > ((extract(epoch FROM clock_timestamp())::bigint + 366 * 86400) * 1000) << 16
		THEN format('a clock more than a year ahead of the centre''s (%s): set the '
			    'handheld''s clock', to_char(to_timestamp(least(hlc >> 16,
			    253402300799000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
	WHEN (device || operator || subject) ~ '[[:cntrl:]]'
		THEN 'control characters in the device, operator or subject'
	WHEN payload <> '' AND (payload ~ ('[^-A-Za-z0-9._~%=&]'
			'|%([^0-9A-Fa-f]|.[^0-9A-Fa-f]|.?$|00)|=[^&]*=')
		OR ('&' || payload || '&') ~ '&(=|[a-z0-9_]*[^a-z0-9_=]|[^&=]*&)'
		OR (octet_length(payload) > 63 AND ('&' || payload) ~ '&[a-z0-9_]{64}'))
		THEN 'the payload is not key=value pairs, form-encoded'
	-- Without ten digits in the subject, the operator or one pair there
	-- is none (a number cannot span an '&'): one expression instead of
	-- four calls of PL/pgSQL (3.8 µs of a move's ~10 at the door).
	WHEN (subject || '&' || operator || '&' || hmc_without_proof(payload))
		~ '[0-9](?:[^0-9&]*[0-9]){9}'
	     AND (hmc_personal_number(subject) OR hmc_personal_number(operator)
		  OR hmc_personal_number(hmc_form_values(payload)))
		THEN 'a personal identity number, which the centre never stores: use '
		     'the recipient''s opaque reference instead'
	WHEN proof AND NOT (octet_length(payload) >= 134
			    AND right(payload, 134) ~ '^proof=[0-9a-f]+$'
			    AND (octet_length(payload) = 134
				 OR substr(payload, octet_length(payload) - 134, 1) = '&'))
		THEN 'a manager''s event without a proof: it must be signed with a '
		     'manager''s badge'
	WHEN hash <> hmc_event_hash(device, device_seq, hlc, operator, type, subject, payload)
		THEN 'its hash does not match its content'
	END
$$;

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
			hmc_push_refusal(i.device, i.device_seq, i.hlc, i.operator, i.type, i.subject,
					 i.payload, i.hash, t.name IS NOT NULL, t.proof) AS refused
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
	-- It calls hmc_without_proof, wherever it is called from.
	EXECUTE format('ALTER FUNCTION hmc_form_values(text) SET search_path = pg_catalog, %I, '
		       'pg_temp', current_schema());
END $$;

REVOKE ALL ON FUNCTION hmc_form_values(text), hmc_personal_number(text),
	hmc_without_proof(text), hmc_push_refusal(text, bigint, bigint, text, text, text, text, bytea, boolean, boolean)
	FROM PUBLIC;
