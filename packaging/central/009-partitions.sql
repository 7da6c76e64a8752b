-- 009-partitions.sql — the log partitioned by month, its keys kept apart.
--
-- A region's log grows by ~30 million events a year.  hmc_events becomes a
-- table partitioned by the month the centre placed each event in
-- (received, declarative RANGE partitions hmc_events_YYYY_MM, one DEFAULT
-- partition for what no month holds), so that old months can be
-- vacuumed, backed up, detached and archived as wholes, and a month's
-- indexes stay the size of a month.
--
-- A partitioned table's unique key must hold its partition key, so
-- UNIQUE (device, device_seq) cannot be kept by hmc_events itself any
-- more: (device, device_seq, received) would let an event sent again in
-- another month in twice.  The keys go to their own unpartitioned table,
-- hmc_keys (device, device_seq) -> gseq and hash, written by the same statement
-- trigger that checks the places (hmc_events_place): every INSERT into
-- the log, hmc_push's or the owner's by hand, writes its keys in the same
-- statement, so a key twice, in any two months, fails the statement, and
-- so does a place twice (UNIQUE (gseq)), which PRIMARY KEY (gseq,
-- received) alone no longer forbids across months.  hmc_push looks events
-- up by key there (one index, not one probe per month).
--
-- Pull by place (WHERE gseq > cursor ORDER BY gseq LIMIT n) reads each
-- month's primary key index from the cursor on, merged in order; a month
-- wholly below the cursor answers with one index descent.
--
-- Partitions are made ahead: this upgrade makes every month from the
-- oldest event to three months ahead; `hmc central upkeep` (daily, by
-- cron or a systemd timer) calls hmc_upkeep(), which makes the months up
-- to three ahead and moves any rows that fell into the DEFAULT partition
-- (a server whose upkeep did not run) into a month of their own.  A push
-- never fails for want of a partition.
--
-- The migration is in place, in the one transaction of the upgrade: the
-- old table's rows are copied into the partitioned one with their places,
-- times and hashes unchanged, and the old table dropped.  Devices keep
-- what they may do: read hmc_events (every partition through it, none on
-- its own) and call hmc_push.

SET LOCAL client_min_messages = error;

-- No push midway: the rows move, then the pushes go on.
LOCK TABLE hmc_events IN ACCESS EXCLUSIVE MODE;

ALTER TABLE hmc_events RENAME TO hmc_events_unpartitioned;
ALTER INDEX IF EXISTS hmc_events_pkey RENAME TO hmc_events_unpartitioned_pkey;
ALTER INDEX IF EXISTS hmc_events_device_device_seq_key
	RENAME TO hmc_events_unpartitioned_device_device_seq_key;

CREATE TABLE hmc_events (
	gseq bigint NOT NULL CHECK (gseq > 0),
	device text NOT NULL,
	device_seq bigint NOT NULL CHECK (device_seq > 0),
	hlc bigint NOT NULL,
	operator text NOT NULL,
	type text NOT NULL,
	subject text NOT NULL,
	payload text NOT NULL,
	hash bytea NOT NULL CHECK (length(hash) = 32),
	received timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (gseq, received))
	PARTITION BY RANGE (received);
CREATE TABLE hmc_events_default PARTITION OF hmc_events DEFAULT;

-- The hash too: an event sent again is answered (its place, whether the
-- content is the same) from this table alone, not by probing every
-- month's index for its place.
CREATE TABLE hmc_keys (
	device text NOT NULL,
	device_seq bigint NOT NULL,
	gseq bigint NOT NULL UNIQUE,
	hash bytea NOT NULL,
	PRIMARY KEY (device, device_seq));
REVOKE ALL ON hmc_keys FROM PUBLIC;

-- Makes the partition of the month that holds day (hmc_events_YYYY_MM) when
-- there is none; rows of that month in the DEFAULT partition move into
-- it.  True when it made one.
CREATE FUNCTION hmc_partition_month(day timestamptz) RETURNS boolean
	LANGUAGE plpgsql
AS $fn$
DECLARE
	low timestamptz := date_trunc('month', day AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
	high timestamptz := (date_trunc('month', day AT TIME ZONE 'UTC') + interval '1 month')
			    AT TIME ZONE 'UTC';
	name text := 'hmc_events_' || to_char(day AT TIME ZONE 'UTC', 'YYYY_MM');
	-- the log's schema (the search path puts pg_catalog first)
	schema text := (SELECT n.nspname FROM pg_class r JOIN pg_namespace n
			ON n.oid = r.relnamespace WHERE r.oid = 'hmc_events'::regclass);
BEGIN
	IF to_regclass(format('%I.%I', schema, name)) IS NOT NULL THEN
		RETURN false;
	END IF;
	IF EXISTS (SELECT 1 FROM hmc_events_default d
		   WHERE d.received >= low AND d.received < high) THEN
		-- Made on its own, filled, then attached: attaching checks
		-- that the DEFAULT partition holds none of its rows.
		EXECUTE format('CREATE TABLE %I.%I (LIKE hmc_events INCLUDING DEFAULTS '
			       'INCLUDING CONSTRAINTS)', schema, name);
		EXECUTE format('INSERT INTO %I.%I SELECT * FROM hmc_events_default '
			       'WHERE received >= %L AND received < %L', schema, name, low, high);
		DELETE FROM hmc_events_default d WHERE d.received >= low AND d.received < high;
		EXECUTE format('ALTER TABLE hmc_events ATTACH PARTITION %I.%I '
			       'FOR VALUES FROM (%L) TO (%L)', schema, name, low, high);
	ELSE
		EXECUTE format('CREATE TABLE %I.%I PARTITION OF hmc_events '
			       'FOR VALUES FROM (%L) TO (%L)', schema, name, low, high);
	END IF;
	EXECUTE format('REVOKE ALL ON %I.%I FROM PUBLIC', schema, name);
	RETURN true;
END
$fn$;

-- The partitions from the oldest month the DEFAULT partition holds rows of
-- (else this one) to months_ahead after this one; how many it made.
CREATE FUNCTION hmc_upkeep(months_ahead integer DEFAULT 3) RETURNS integer
	LANGUAGE plpgsql
AS $fn$
DECLARE
	made integer := 0;
	month timestamptz;
BEGIN
	IF months_ahead < 0 OR months_ahead > 120 THEN
		RAISE EXCEPTION USING ERRCODE = 'invalid_parameter_value',
			MESSAGE = format('months ahead: 0 to 120, not %s', months_ahead);
	END IF;
	-- Rows in the DEFAULT partition from months before: each month's.
	FOR month IN SELECT DISTINCT date_trunc('month', d.received AT TIME ZONE 'UTC')
				AT TIME ZONE 'UTC'
			FROM hmc_events_default d LOOP
		IF hmc_partition_month(month) THEN
			made := made + 1;
		END IF;
	END LOOP;
	FOR month IN SELECT generate_series(date_trunc('month', now() AT TIME ZONE 'UTC'),
					    date_trunc('month', now() AT TIME ZONE 'UTC')
						+ make_interval(months => months_ahead),
					    interval '1 month') AT TIME ZONE 'UTC' LOOP
		IF hmc_partition_month(month) THEN
			made := made + 1;
		END IF;
	END LOOP;
	RETURN made;
END
$fn$;
DO $$ BEGIN
	EXECUTE format('ALTER FUNCTION hmc_partition_month(timestamptz) '
		       'SET search_path = pg_catalog, %I, pg_temp', current_schema());
	EXECUTE format('ALTER FUNCTION hmc_upkeep(integer) '
		       'SET search_path = pg_catalog, %I, pg_temp', current_schema());
END $$;
REVOKE ALL ON FUNCTION hmc_partition_month(timestamptz), hmc_upkeep(integer) FROM PUBLIC;

-- Every month the old log holds, then the months ahead; the rows go to
-- their months directly, not through the DEFAULT partition.
SELECT hmc_partition_month(m)
	FROM (SELECT DISTINCT date_trunc('month', u.received AT TIME ZONE 'UTC')
			AT TIME ZONE 'UTC' AS m
	      FROM hmc_events_unpartitioned u) months;
SELECT hmc_upkeep(3);

INSERT INTO hmc_keys (device, device_seq, gseq, hash)
	SELECT u.device, u.device_seq, u.gseq, u.hash FROM hmc_events_unpartitioned u;
INSERT INTO hmc_events (gseq, device, device_seq, hlc, operator, type, subject, payload, hash,
			received)
	SELECT u.gseq, u.device, u.device_seq, u.hlc, u.operator, u.type, u.subject, u.payload,
		u.hash, u.received
	FROM hmc_events_unpartitioned u ORDER BY u.gseq;
DROP TABLE hmc_events_unpartitioned;

REVOKE ALL ON hmc_events FROM PUBLIC;
GRANT SELECT ON hmc_events TO hmc_device;
ALTER TABLE hmc_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY hmc_read ON hmc_events FOR SELECT TO hmc_device USING (true);

-- The statement trigger of 006-placed-at-once.sql, on the partitioned log,
-- now writing the keys of what it added: a key or a place already held,
-- in whatever month, fails the statement.
CREATE OR REPLACE FUNCTION hmc_check_places() RETURNS trigger LANGUAGE plpgsql AS $fn$
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
	INSERT INTO hmc_keys (device, device_seq, gseq, hash)
		SELECT n.device, n.device_seq, n.gseq, n.hash FROM hmc_added n;
	UPDATE hmc_place SET last = high;
	RETURN NULL;
END
$fn$;

CREATE TRIGGER hmc_events_place AFTER INSERT ON hmc_events
	REFERENCING NEW TABLE AS hmc_added
	FOR EACH STATEMENT EXECUTE FUNCTION hmc_check_places();

-- hmc_push as in 006-placed-at-once.sql, looking events up by key in
-- hmc_keys instead of the log.
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
			WHEN (i.device || i.operator || i.subject) ~ '[[:cntrl:]]'
				THEN 'control characters in the device, operator or subject'
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
