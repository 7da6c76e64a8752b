-- 012-scope.sql — snapshots of one depot (issue 16: depot-scoped handhelds).
--
-- Beside the region's snapshot, `hmc central fold --depots` publishes one
-- per depot: the region's state cut down to that depot's units (and the
-- region's reference data), so that a handheld with sync.scope = depot
-- starts from it (src/scope.c says the rule).  The depot is also written
-- inside the content, so that the snapshot's SHA-256 covers it.  The
-- newest few are kept per depot ('' the region's).

ALTER TABLE hmc_snapshots ADD COLUMN depot text NOT NULL DEFAULT '';
DROP INDEX hmc_snapshots_place;
CREATE INDEX hmc_snapshots_place ON hmc_snapshots (depot, place DESC, id DESC);
