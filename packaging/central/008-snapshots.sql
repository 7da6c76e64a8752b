-- 008-snapshots.sql — snapshots of the centre's fold (issue 16).
--
-- `hmc central fold` folds this log into a store at the centre with the
-- same reducer as every handheld, and `hmc central snapshot` (run by the
-- fold every N events, or by hand) publishes the state tables it holds
-- at a place in the log: a new handheld loads the newest snapshot and
-- folds only what came after (src/snapshot.c says what is in one and
-- what a device checks before it trusts it).
--
--   hmc_snapshots        one row per snapshot: its place, the log's
--                        generation, the reducer and store schema versions
--                        of the fold that made it, its size and the
--                        SHA-256 of its content
--   hmc_snapshot_chunks  the content, in rows of at most 1 MB (bytea;
--                        large objects would need grants per object)
--
-- Only the log's owner (the centre's fold) writes them, in one
-- transaction per snapshot, keeping the newest few.  A device may read
-- them and nothing more: a stolen handheld's credentials cannot publish
-- a state every new handheld would start from.

CREATE TABLE hmc_snapshots (
	id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	place bigint NOT NULL CHECK (place >= 0),
	generation text NOT NULL,
	reducer_version integer NOT NULL,
	schema_version integer NOT NULL,
	max_hlc bigint NOT NULL,
	size bigint NOT NULL CHECK (size >= 0),
	sha256 bytea NOT NULL CHECK (octet_length(sha256) = 32),
	made timestamptz NOT NULL DEFAULT now());
CREATE INDEX hmc_snapshots_place ON hmc_snapshots (place DESC, id DESC);

CREATE TABLE hmc_snapshot_chunks (
	snapshot bigint NOT NULL REFERENCES hmc_snapshots (id) ON DELETE CASCADE,
	n integer NOT NULL CHECK (n >= 0),
	data bytea NOT NULL CHECK (octet_length(data) <= 1048576),
	PRIMARY KEY (snapshot, n));

REVOKE ALL ON hmc_snapshots, hmc_snapshot_chunks FROM PUBLIC;
GRANT SELECT ON hmc_snapshots, hmc_snapshot_chunks TO hmc_device;
