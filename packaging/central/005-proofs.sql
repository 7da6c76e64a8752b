-- 005-proofs.sql — a manager's word carries their proof.
--
-- Operators carry badges (auth.h): an event that only a manager makes
-- (hmc rules: "by a manager: signed with their badge" on every rule of its
-- type) ends with proof=, the manager's Ed25519 signature of the event.
-- Every store that folds the log checks the signature against the badge's
-- public key as folded so far (rules_check_proof), which PostgreSQL cannot
-- do without an extension; the centre refuses, with its reason, such an
-- event that carries no proof at all, so that an unsigned one never
-- reaches the log.  Which types want one is the binary's rule table,
-- written into hmc_event_types.proof by hmc central init/upgrade.

SET LOCAL client_min_messages = error;
LOCK TABLE hmc_events IN EXCLUSIVE MODE;

ALTER TABLE hmc_event_types ADD COLUMN proof boolean NOT NULL DEFAULT false;

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

DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_push(text[], bigint[], bigint[], text[], text[], '
		       'text[], text[], bytea[]) SET search_path = pg_catalog, %I, pg_temp',
		       current_schema());
END $$;
