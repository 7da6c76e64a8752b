-- 016-checks-cost.sql — the door's personal-number check, cheaper where
-- no personal number can be (#15: it was half of what hmc_push costs).
--
-- 013-trust.sql reads every subject, operator and payload value of every
-- pushed event for a personal identity number.  hmc_personal_number ran
-- its loop of regexp_matches (a query per call) on any text holding two
-- digits, which is every unit number, and hmc_form_values decoded every
-- payload with eight regexp_replace per pair: together about 35 µs of an
-- event's ~100 µs at the centre (tests/bench_sync.c, measured beside
-- psql \copy into the same log).
--
-- The rule is unchanged.  A personal number is ten digits or more, so:
--   * hmc_personal_number answers false at once for a text with fewer
--     than ten digits;
--   * hmc_form_values (only ever read for personal numbers) gives '' for
--     a payload none of whose pairs holds ten digits: a value decodes to
--     no more digits than its pair holds (a digit is itself or %3N), so
--     none of its values could hold one.
-- Anything with ten digits takes 013's path, whole.

SET LOCAL client_min_messages = error;

CREATE OR REPLACE FUNCTION hmc_form_values(payload text) RETURNS text
	LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
AS $fn$
BEGIN
	IF payload IS NULL OR payload !~ '[0-9](?:[^0-9&]*[0-9]){9}' THEN
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

CREATE OR REPLACE FUNCTION hmc_personal_number(t text) RETURNS boolean
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
	IF t IS NULL OR t !~ '[0-9](?:[^0-9]*[0-9]){9}' THEN
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

REVOKE ALL ON FUNCTION hmc_form_values(text), hmc_personal_number(text) FROM PUBLIC;
