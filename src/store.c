/*
 * store.c — opening, migrating and transacting on the local SQLite store.
 *
 * The device counters (this handheld's last device_seq and last HLC) are
 * read at most once per outer transaction, and not at all while no other
 * connection has written since (PRAGMA data_version).  They come from the
 * device row and from this device's own last event in the journal: a local
 * event's journal row carries them, so the row is written back at commit
 * only when a fold moved them (store_device_observe, _raise).  A rollback
 * forgets numbers taken, which keeps device_seq gap-free.
 *
 * The write gate: SQLite's busy handler wakes a waiting writer at its own
 * times (after 100 ms each, once it has waited a while), so a writer that
 * commits and begins again at once, as a sync folding chunk after chunk
 * does, would find the lock free only by luck.  PATH.write-gate is a file
 * lock (flock) that orders the takers of the write lock: a foreground
 * writer holds it shared while it waits in BEGIN IMMEDIATE; a background
 * one (store_set_background) takes it exclusive for its own BEGIN, so it
 * waits until every foreground writer that was waiting got in.  Neither
 * holds it once it has the write lock.  Without the file (a read-only
 * directory) the stores work as before.
 */
#include "hmc/store.h"
#include "hmc/settings.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/log.h"
#include "hmc/payload.h"
#include "hmc/reason.h"
#include "hmc/residual.h"
#include "hmc/safety.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define APPLICATION_ID 0x484d4331	/* "HMC1" */
#define STMT_CACHE 96
#define MAX_DEPTH 16

struct device_counters {
	int loaded, dirty;
	int64_t last_seq, last_hlc;
};

/* A prepared statement and the SQL text it was made from.  The entry is
 * for the text: sql is only where the text lay when last asked for (most
 * often a string literal, so the next ask is a pointer compare), and a
 * caller's buffer may hold another text by then. */
struct cached_stmt {
	const char *sql;	/* the caller's pointer: only compared */
	char *text;		/* our copy of the text */
	uint32_t hash;		/* of text */
	sqlite3_stmt *stmt;
};

struct store {
	sqlite3 *db;
	char *path;
	char errmsg[768];
	char reason[REASON_MAX];	/* the same, kept in no language when it
					 * was made under i18n_source (reason.h) */
	int depth;			/* transaction nesting */
	struct cached_stmt cache[STMT_CACHE];	/* oldest first */
	int n_cache;
	struct {
		int loaded, dirty;
		char name[DEVICE_MAX];
		int64_t last_seq, last_hlc;
		int64_t version;	/* PRAGMA data_version when read */
	} device;
	/* The counters as they were when each savepoint began. */
	struct device_counters saved[MAX_DEPTH];
	int bulk;		/* in a bulk load: no undo is kept */
	store_sign_fn *sign;	/* who signs proofs in this session */
	void *sign_ctx;
	int errcode;		/* the code of the last failure (errmsg's) */
	/* The code of the failure after which SQLite rolled back the whole
	 * transaction on its own (a full disk, an I/O error): 0 while none. */
	int aborted_code;
	int created;		/* this open made the file */
	/* Opened for reading only (a full disk, a read-only file, a damaged
	 * store): a write is refused with why. */
	int read_only;
	int read_only_code;
	char read_only_why[768];
	int gate;		/* the write gate's file, or -1 */
	int busy_ms;		/* how long to wait for a lock */
	int64_t busy_since_us;	/* when the current wait began */
	int background;		/* lets waiting foreground writers go first */
	void *slot[STORE_SLOT_N];	/* modules' own (store_slot) */
	void (*slot_free[STORE_SLOT_N])(void *);
};

static void
device_save(struct store *store, struct device_counters *to)
{
	to->loaded = store->device.loaded;
	to->dirty = store->device.dirty;
	to->last_seq = store->device.last_seq;
	to->last_hlc = store->device.last_hlc;
}

static void
device_restore(struct store *store, const struct device_counters *from)
{
	store->device.loaded = from->loaded;
	store->device.dirty = from->dirty;
	store->device.last_seq = from->last_seq;
	store->device.last_hlc = from->last_hlc;
}

/* Migration steps: migrations[i] takes the schema from version i to i + 1. */
static const char *const migrations[] = {
	/* 1: the foundation */
	"CREATE TABLE device ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  name TEXT NOT NULL,"
	"  last_seq INTEGER NOT NULL DEFAULT 0,"
	"  last_hlc INTEGER NOT NULL DEFAULT 0,"
	"  created TEXT NOT NULL);"
	"CREATE TABLE config ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE articles ("
	"  article_no TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  iso_class TEXT NOT NULL DEFAULT '',"
	"  area TEXT NOT NULL CHECK (area IN ('HJM','HJMB','LMN','DIG')),"
	"  rent_ore INTEGER NOT NULL DEFAULT 0 CHECK (rent_ore >= 0),"
	"  price_ore INTEGER NOT NULL DEFAULT 0 CHECK (price_ore >= 0),"
	"  depreciation_months INTEGER NOT NULL DEFAULT 60,"
	"  warranty_months INTEGER NOT NULL DEFAULT 24,"
	"  weight_bearing INTEGER NOT NULL DEFAULT 0,"
	"  returnable INTEGER NOT NULL DEFAULT 1,"
	"  in_assortment INTEGER NOT NULL DEFAULT 1,"
	"  gtin TEXT) WITHOUT ROWID;"
	"CREATE TABLE payers ("
	"  payer_id TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('region','municipality','other'))"
	") WITHOUT ROWID;"
	"CREATE TABLE locations ("
	"  code TEXT PRIMARY KEY,"
	"  depot TEXT NOT NULL,"
	"  name TEXT NOT NULL DEFAULT '',"
	"  kind TEXT NOT NULL DEFAULT 'shelf' CHECK (kind IN"
	"    ('shelf','reception','cleaning','workshop','customer-stock'))"
	") WITHOUT ROWID;"
	"CREATE TABLE operators ("
	"  op_no TEXT PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('staff','technician','manager')),"
	"  pin_hash TEXT NOT NULL DEFAULT '',"
	"  active INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;"
	"CREATE TABLE units ("
	"  unit_no TEXT PRIMARY KEY,"
	"  origin TEXT NOT NULL CHECK (origin IN ('new','F','M')),"
	"  article_no TEXT NOT NULL REFERENCES articles(article_no),"
	"  state TEXT NOT NULL,"
	"  location TEXT REFERENCES locations(code),"
	"  payer TEXT REFERENCES payers(payer_id),"
	"  recipient TEXT,"
	"  acquired TEXT,"
	"  value_ore INTEGER NOT NULL DEFAULT 0,"
	"  gtin TEXT,"
	"  serial TEXT,"
	"  rent_from INTEGER,"
	"  state_since INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX units_article_state ON units(article_no, state, acquired);"
	"CREATE INDEX units_payer ON units(payer) WHERE payer IS NOT NULL;"
	"CREATE INDEX units_location ON units(location) WHERE location IS NOT NULL;"
	"CREATE UNIQUE INDEX units_udi ON units(gtin, serial)"
	"  WHERE gtin IS NOT NULL AND serial IS NOT NULL;"
	"CREATE TABLE journal ("
	"  seq INTEGER PRIMARY KEY,"
	"  device TEXT NOT NULL,"
	"  device_seq INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  payload TEXT NOT NULL DEFAULT '',"
	"  hash BLOB NOT NULL,"
	"  UNIQUE (device, device_seq));"
	"CREATE INDEX journal_subject ON journal(subject, seq);",

	/* 2: delivery orders, pickup orders, flags for the office */
	"CREATE TABLE orders ("
	"  order_no TEXT PRIMARY KEY,"
	"  payer TEXT NOT NULL REFERENCES payers(payer_id),"
	"  recipient TEXT NOT NULL DEFAULT '',"
	"  due TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','delivered')),"
	"  delivered INTEGER) WITHOUT ROWID;"
	"CREATE TABLE order_lines ("
	"  order_no TEXT NOT NULL REFERENCES orders(order_no),"
	"  line_no INTEGER NOT NULL,"
	"  article_no TEXT NOT NULL REFERENCES articles(article_no),"
	"  unit_no TEXT,"
	"  quantity INTEGER NOT NULL CHECK (quantity > 0),"
	"  PRIMARY KEY (order_no, line_no)) WITHOUT ROWID;"
	"CREATE TABLE order_picks ("
	"  order_no TEXT NOT NULL REFERENCES orders(order_no),"
	"  unit_no TEXT NOT NULL REFERENCES units(unit_no),"
	"  line_no INTEGER NOT NULL,"
	"  delivered INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (order_no, unit_no)) WITHOUT ROWID;"
	"CREATE INDEX order_picks_unit ON order_picks(unit_no);"
	"CREATE TABLE pickups ("
	"  pickup_no TEXT PRIMARY KEY,"
	"  payer TEXT NOT NULL REFERENCES payers(payer_id),"
	"  recipient TEXT NOT NULL DEFAULT '',"
	"  created INTEGER NOT NULL,"
	"  due TEXT NOT NULL,"
	"  rent_end TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE pickup_units ("
	"  pickup_no TEXT NOT NULL REFERENCES pickups(pickup_no),"
	"  unit_no TEXT NOT NULL,"
	"  collected INTEGER,"
	"  PRIMARY KEY (pickup_no, unit_no)) WITHOUT ROWID;"
	"CREATE INDEX pickup_units_unit ON pickup_units(unit_no);"
	"CREATE TABLE flags ("
	"  flag_id TEXT PRIMARY KEY,"
	"  subject TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  raised INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  cleared INTEGER,"
	"  cleared_by TEXT) WITHOUT ROWID;",

	/* 3: repairs */
	"CREATE TABLE repairs ("
	"  repair_id TEXT PRIMARY KEY,"
	"  unit_no TEXT NOT NULL,"
	"  priority TEXT NOT NULL CHECK (priority IN ('normal','acute')),"
	"  fault TEXT NOT NULL DEFAULT '',"
	"  opened INTEGER NOT NULL,"
	"  opened_by TEXT NOT NULL,"
	"  base_day TEXT NOT NULL,"
	"  start_deadline TEXT NOT NULL,"
	"  deadline TEXT NOT NULL,"
	"  warranty INTEGER NOT NULL DEFAULT 0,"
	"  on_site INTEGER NOT NULL DEFAULT 0,"
	"  started INTEGER,"
	"  waiting_since INTEGER,"
	"  parts_expected TEXT,"
	"  waited_ms INTEGER NOT NULL DEFAULT 0,"
	"  minutes INTEGER NOT NULL DEFAULT 0,"
	"  told INTEGER,"
	"  closed INTEGER,"
	"  outcome TEXT,"
	"  closed_by TEXT) WITHOUT ROWID;"
	"CREATE INDEX repairs_unit ON repairs(unit_no, closed);"
	"CREATE INDEX repairs_deadline ON repairs(closed, deadline);"
	"CREATE TABLE repair_actions ("
	"  repair_id TEXT NOT NULL REFERENCES repairs(repair_id),"
	"  event_id TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  what TEXT NOT NULL,"
	"  minutes INTEGER NOT NULL DEFAULT 0,"
	"  parts TEXT NOT NULL DEFAULT '',"
	"  PRIMARY KEY (repair_id, event_id)) WITHOUT ROWID;",

	/* 4: sync with the central log */
	"ALTER TABLE journal ADD COLUMN status TEXT NOT NULL DEFAULT 'pending'"
	"  CHECK (status IN ('pending','confirmed','central','conflict','rejected'));"
	"ALTER TABLE journal ADD COLUMN gseq INTEGER;"
	"ALTER TABLE journal ADD COLUMN undo BLOB;"
	"ALTER TABLE journal ADD COLUMN note TEXT;"
	"CREATE UNIQUE INDEX journal_gseq ON journal(gseq) WHERE gseq IS NOT NULL;"
	/* Partial indexes are used only by queries with the same term, so
	 * one per status asked for: the pending ones (all of a store's
	 * events until it first syncs, few after), conflicts and refusals. */
	"CREATE INDEX journal_pending ON journal(seq) WHERE status = 'pending';"
	"CREATE INDEX journal_conflict ON journal(seq) WHERE status = 'conflict';"
	"CREATE INDEX journal_refused ON journal(seq) WHERE status = 'rejected';"
	"CREATE TABLE journal_rejected ("
	"  device TEXT NOT NULL,"
	"  device_seq INTEGER NOT NULL,"
	"  hlc INTEGER NOT NULL,"
	"  operator TEXT NOT NULL,"
	"  type TEXT NOT NULL,"
	"  subject TEXT NOT NULL,"
	"  payload TEXT NOT NULL,"
	"  hash BLOB NOT NULL,"
	"  rejected TEXT NOT NULL,"
	"  note TEXT NOT NULL,"
	"  dismissed_by TEXT,"
	"  PRIMARY KEY (device, device_seq, hash));"
	"CREATE TABLE conflict_resolutions ("
	"  event_id TEXT PRIMARY KEY,"
	"  resolved INTEGER NOT NULL,"
	"  resolved_by TEXT NOT NULL,"
	"  outcome TEXT NOT NULL CHECK (outcome IN ('log','event')),"
	"  note TEXT NOT NULL DEFAULT '') WITHOUT ROWID;",

	/* 5: managers: stocktakes, charges, scrap approvals, legacy checks */
	"CREATE TABLE stocktakes ("
	"  stocktake_id TEXT PRIMARY KEY,"
	"  scope_kind TEXT NOT NULL"
	"    CHECK (scope_kind IN ('depot','locations','article','area','payer')),"
	"  scope TEXT NOT NULL,"
	"  opened INTEGER NOT NULL,"
	"  opened_by TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','confirmed')),"
	"  confirmed INTEGER,"
	"  confirmed_by TEXT) WITHOUT ROWID;"
	/* What each unit was when the list was frozen, so that the
	 * reconciliation needs no join. */
	"CREATE TABLE stocktake_expected ("
	"  stocktake_id TEXT NOT NULL REFERENCES stocktakes(stocktake_id),"
	"  unit_no TEXT NOT NULL,"
	"  location TEXT,"
	"  article_no TEXT NOT NULL,"
	"  value_ore INTEGER NOT NULL,"
	"  acquired TEXT,"
	"  months INTEGER NOT NULL,"
	"  price_ore INTEGER NOT NULL,"
	"  PRIMARY KEY (stocktake_id, unit_no)) WITHOUT ROWID;"
	"CREATE TABLE stocktake_counts ("
	"  stocktake_id TEXT NOT NULL REFERENCES stocktakes(stocktake_id),"
	"  unit_no TEXT NOT NULL,"
	"  location TEXT,"
	"  counted INTEGER NOT NULL,"
	"  counted_by TEXT NOT NULL,"
	"  PRIMARY KEY (stocktake_id, unit_no)) WITHOUT ROWID;"
	"CREATE TABLE stocktake_quantities ("
	"  stocktake_id TEXT NOT NULL REFERENCES stocktakes(stocktake_id),"
	"  article_no TEXT NOT NULL,"
	"  location TEXT NOT NULL DEFAULT '',"
	"  quantity INTEGER NOT NULL CHECK (quantity >= 0),"
	"  counted INTEGER NOT NULL,"
	"  counted_by TEXT NOT NULL,"
	"  PRIMARY KEY (stocktake_id, article_no, location)) WITHOUT ROWID;"
	"CREATE TABLE charges ("
	"  charge_id TEXT PRIMARY KEY,"
	"  payer TEXT NOT NULL,"
	"  unit_no TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('lost','destroyed','shortfall')),"
	"  amount_ore INTEGER NOT NULL CHECK (amount_ore >= 0),"
	"  raised INTEGER NOT NULL,"
	"  raised_by TEXT NOT NULL,"
	"  stocktake_id TEXT,"
	"  approved INTEGER,"
	"  approved_by TEXT) WITHOUT ROWID;"
	"CREATE INDEX charges_payer ON charges(payer, raised);"
	"CREATE TABLE scrap_requests ("
	"  unit_no TEXT NOT NULL,"
	"  requested INTEGER NOT NULL,"
	"  requested_by TEXT NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  note TEXT NOT NULL DEFAULT '',"
	"  residual_ore INTEGER NOT NULL,"
	"  decided INTEGER,"
	"  decided_by TEXT,"
	"  decision TEXT CHECK (decision IN ('approved','refused')),"
	"  PRIMARY KEY (unit_no, requested)) WITHOUT ROWID;"
	"CREATE TABLE legacy_checks ("
	"  unit_no TEXT PRIMARY KEY,"
	"  outcome TEXT NOT NULL"
	"    CHECK (outcome IN ('in-use','returned','replaced','not-found')),"
	"  checked INTEGER NOT NULL,"
	"  checked_by TEXT NOT NULL,"
	"  new_no TEXT) WITHOUT ROWID;"
	"CREATE TABLE unit_aliases ("
	"  alias TEXT PRIMARY KEY,"
	"  unit_no TEXT NOT NULL) WITHOUT ROWID;",
	/* 6: one gate for the rules (rules.h): a charge is closed by a refusal,
	 * a cancellation or a credit, and only one per unit and cause is open;
	 * a scrap request keeps the move it asks for; a customer stock names
	 * the payer that keeps it. */
	"ALTER TABLE charges ADD COLUMN closed INTEGER;"
	"ALTER TABLE charges ADD COLUMN closed_by TEXT;"
	"ALTER TABLE charges ADD COLUMN closed_how TEXT"
	"  CHECK (closed_how IN ('refused','cancelled','credited'));"
	"ALTER TABLE charges ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';"
	"CREATE UNIQUE INDEX charges_open ON charges(unit_no, kind) WHERE closed IS NULL;"
	"ALTER TABLE scrap_requests ADD COLUMN move TEXT NOT NULL DEFAULT 'scrap';"
	"ALTER TABLE scrap_requests ADD COLUMN payload TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE locations ADD COLUMN payer TEXT;",
	/* 7: acute repairs are due at an instant (ms), within working hours;
	 * NULL for normal ones and for acute ones opened before. */
	"ALTER TABLE repairs ADD COLUMN deadline_at INTEGER;",
	/* 8: event hashes are SHA-256 (event.c), which the central log can
	 * check; BLAKE2b before.  The centre is rehashed by `hmc central
	 * upgrade`, before the handhelds. */
	"UPDATE journal SET hash = hmc_event_hash(device, device_seq, hlc, operator, type,"
	"  subject, payload);"
	"UPDATE journal_rejected SET hash = hmc_event_hash(device, device_seq, hlc, operator,"
	"  type, subject, payload);",
	/* 9: a device has an id made at init besides its name, which it
	 * shows the centre with its pushes: a second store with the same
	 * name is told apart and refused. */
	"ALTER TABLE device ADD COLUMN id TEXT;"
	"UPDATE device SET id = lower(hex(randomblob(16)));",
	/* 10: a manager may cancel a stocktake that is still open: it counts no
	 * more, moves nothing, and frees its scope for another. */
	"ALTER TABLE stocktakes ADD COLUMN cancelled INTEGER;"
	"ALTER TABLE stocktakes ADD COLUMN cancelled_by TEXT;",
	/* 11: operators carry badges (auth.h): the public key that checks
	 * their proofs, and a one-time PIN to be changed at the next login. */
	"ALTER TABLE operators ADD COLUMN pubkey TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE operators ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;",
	/* 12: when the centre placed each event (its clock, ms): an event's
	 * time for rent and deadlines is never later (event_wall_ms). */
	"ALTER TABLE journal ADD COLUMN received INTEGER;",
	/* 13: this device's events up to which the centre has answered
	 * (journal_pending counts the rest with no scan). */
	"INSERT OR REPLACE INTO config (key, value) SELECT 'sync.sent_through', coalesce("
	"  (SELECT min(device_seq) - 1 FROM journal WHERE status = 'pending'"
	"   AND gseq IS NULL AND device = (SELECT name FROM device WHERE one = 1)),"
	"  (SELECT max(device_seq) FROM journal"
	"   WHERE device = (SELECT name FROM device WHERE one = 1)), 0);",
	/* 14: patient safety (safety.h): a unit's lot and manufacture date,
	 * inspection plans per article and their state per unit, quarantine
	 * (where the unit came from), incidents, recalls and the units in
	 * their scope.  Its tables and indexes are made if missing, so that a
	 * store that lost only the columns runs it again (t_backup.sh). */
	"ALTER TABLE units ADD COLUMN lot TEXT;"
	"ALTER TABLE units ADD COLUMN made TEXT;"
	"CREATE INDEX IF NOT EXISTS units_article_lot ON units(article_no, lot) WHERE lot IS NOT NULL;"
	"ALTER TABLE articles ADD COLUMN inspection_months INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE articles ADD COLUMN inspection_checklist TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE IF NOT EXISTS quarantines ("
	"  unit_no TEXT PRIMARY KEY,"
	"  from_state TEXT NOT NULL,"
	"  since INTEGER NOT NULL,"
	"  by TEXT NOT NULL,"
	"  cause TEXT NOT NULL CHECK (cause IN ('manual','incident','recall')),"
	"  ref TEXT NOT NULL DEFAULT '') WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS incidents ("
	"  incident_id TEXT PRIMARY KEY,"
	"  unit_no TEXT NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('incident','near-miss','complaint')),"
	"  text TEXT NOT NULL,"
	"  reported INTEGER NOT NULL,"
	"  reported_by TEXT NOT NULL,"
	"  quarantine INTEGER NOT NULL DEFAULT 0,"
	"  manufacturer INTEGER,"
	"  authority INTEGER,"
	"  closed INTEGER,"
	"  closed_by TEXT) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS incidents_unit ON incidents(unit_no);"
	"CREATE TABLE IF NOT EXISTS recalls ("
	"  reference TEXT PRIMARY KEY,"
	"  article_no TEXT NOT NULL,"
	"  lot TEXT NOT NULL DEFAULT '',"
	"  serial_from TEXT NOT NULL DEFAULT '',"
	"  serial_to TEXT NOT NULL DEFAULT '',"
	"  made_from TEXT NOT NULL DEFAULT '',"
	"  made_to TEXT NOT NULL DEFAULT '',"
	"  opened INTEGER NOT NULL,"
	"  opened_by TEXT NOT NULL,"
	"  closed INTEGER,"
	"  closed_by TEXT) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS recall_units ("
	"  reference TEXT NOT NULL,"
	"  unit_no TEXT NOT NULL,"
	"  state_then TEXT NOT NULL,"
	"  where_then TEXT NOT NULL DEFAULT '',"
	"  payer_then TEXT NOT NULL DEFAULT '',"
	"  recipient_then TEXT NOT NULL DEFAULT '',"
	"  action TEXT CHECK (action IN ('checked','fixed','replaced','scrapped')),"
	"  action_at INTEGER,"
	"  action_by TEXT,"
	"  PRIMARY KEY (reference, unit_no)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS recall_units_unit ON recall_units(unit_no);"
	"CREATE TABLE IF NOT EXISTS unit_inspections ("
	"  unit_no TEXT PRIMARY KEY,"
	"  months INTEGER,"
	"  last_passed TEXT,"
	"  failed INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS inspections ("
	"  inspection_id TEXT PRIMARY KEY,"
	"  unit_no TEXT NOT NULL,"
	"  day TEXT NOT NULL,"
	"  passed INTEGER NOT NULL,"
	"  points TEXT NOT NULL DEFAULT '',"
	"  at INTEGER NOT NULL,"
	"  by TEXT NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS inspections_unit ON inspections(unit_no, at);",
	/* 15: the function check before reissue (safety.h): each article's
	 * checklist, and per unit whether it was exposed to infection and
	 * whether it is back from a patient and not yet checked: as the
	 * journal says, so that a replay (verify) finds the same: a unit
	 * whose last move of those that set or clear it (in the order the
	 * store folded them) took it in from a patient.  The table is made if
	 * missing, as 14's are. */
	"ALTER TABLE articles ADD COLUMN function_checklist TEXT NOT NULL DEFAULT '';"
	"CREATE TABLE IF NOT EXISTS unit_hygiene ("
	"  unit_no TEXT PRIMARY KEY,"
	"  exposed INTEGER NOT NULL DEFAULT 0,"
	"  check_due INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO unit_hygiene (unit_no, check_due)"
	"  SELECT subject, 1 FROM (SELECT subject, type,"
	"   max((gseq IS NULL) * 1000000000000000 + coalesce(gseq, seq)) FROM journal"
	"   WHERE status IN ('central', 'confirmed', 'pending')"
	"   AND (type IN ('receive', 'found_again', 'to_cleaning', 'to_repair', 'open_repair',"
	"    'restock', 'cleaned', 'found')"
	"    OR (type = 'release' AND payload LIKE '%state=IN_STOCK%'))"
	"   GROUP BY subject)"
	"  WHERE type IN ('receive', 'found_again', 'to_cleaning');",
	/* 16: rent (rent.h): a unit's rent periods, one per spell out and
	 * payer (start day counts, end day does not; NULL while it runs), with
	 * the order that sent the unit out; an article's rent by valid-from
	 * day; the payer group a payer number invoices under.  The units out
	 * now get their running period from what the store knows (their
	 * delivery's instant, event and order). */
	"CREATE TABLE rent_periods ("
	"  unit_no TEXT NOT NULL,"
	"  opened INTEGER NOT NULL,"
	"  payer TEXT NOT NULL,"
	"  recipient TEXT NOT NULL DEFAULT '',"
	"  start_day TEXT NOT NULL,"
	"  end_day TEXT,"
	"  order_no TEXT,"
	"  reason TEXT NOT NULL DEFAULT '',"
	"  opened_by TEXT NOT NULL,"
	"  PRIMARY KEY (unit_no, opened)) WITHOUT ROWID;"
	"CREATE INDEX rent_periods_payer ON rent_periods(payer, start_day);"
	"CREATE INDEX rent_periods_open ON rent_periods(unit_no) WHERE end_day IS NULL;"
	"CREATE INDEX units_recipient ON units(recipient) WHERE recipient IS NOT NULL;"
	"CREATE TABLE article_prices ("
	"  article_no TEXT NOT NULL,"
	"  valid_from TEXT NOT NULL,"
	"  rent_ore INTEGER NOT NULL CHECK (rent_ore >= 0),"
	"  set_at INTEGER NOT NULL,"
	"  set_by TEXT NOT NULL,"
	"  PRIMARY KEY (article_no, valid_from)) WITHOUT ROWID;"
	"ALTER TABLE payers ADD COLUMN payer_group TEXT;"
	/* The periods the reducer would have kept, from the journal in the
	 * order the state folds it (journal.h): a delivery (or an import out
	 * on rent) opens one, the first move after it that stops the rent
	 * ends it (on the event's day, or the pickup's rent end if sooner). */
	"WITH ev AS (SELECT subject, type, hlc, operator, payload,"
	"   hmc_local_date(CASE WHEN received > 0 AND received < (hlc >> 16) THEN received"
	"     ELSE hlc >> 16 END) AS day,"
	"   row_number() OVER (ORDER BY gseq IS NULL, gseq, seq) AS k"
	"  FROM journal WHERE (status IN ('central', 'confirmed') AND gseq IS NOT NULL"
	"   OR status = 'pending') AND type IN ('deliver', 'import', 'pickup', 'receive',"
	"   'write_off', 'report_lost', 'legacy_write_off', 'report_destroyed', 'found_again')),"
	" starts AS (SELECT *, coalesce(hmc_local_date(hmc_instant_ms("
	"   hmc_payload(payload, 'rent_from'))), day) AS start_day FROM ev"
	"  WHERE type = 'deliver' OR type = 'import' AND hmc_payload(payload, 'state') = 'DELIVERED')"
	"INSERT OR IGNORE INTO rent_periods (unit_no, opened, payer, recipient, start_day, end_day,"
	"  order_no, opened_by)"
	" SELECT s.subject, s.hlc, hmc_payload(s.payload, 'payer'),"
	"  coalesce(hmc_payload(s.payload, 'recipient'), ''), s.start_day,"
	"  (SELECT max(s.start_day, min(e.day, coalesce(hmc_payload(e.payload, 'rent_end'),"
	"     e.day))) FROM ev e WHERE e.subject = s.subject AND e.k > s.k"
	"   AND e.type NOT IN ('deliver', 'import') ORDER BY e.k LIMIT 1),"
	"  hmc_payload(s.payload, 'order'), s.operator"
	" FROM starts s WHERE hmc_payload(s.payload, 'payer') IS NOT NULL;"
	/* A unit out whose delivery the journal no longer holds. */
	"INSERT OR IGNORE INTO rent_periods (unit_no, opened, payer, recipient, start_day,"
	"  opened_by)"
	" SELECT u.unit_no, u.state_since, u.payer, coalesce(u.recipient, ''),"
	"  hmc_local_date(u.rent_from), ''"
	" FROM units u WHERE u.state = 'DELIVERED' AND u.payer IS NOT NULL"
	" AND u.rent_from IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rent_periods r"
	"  WHERE r.unit_no = u.unit_no AND r.end_day IS NULL);",
	/* 17: the snapshot a store started from (snapshot.h): its
	 * description and content, kept so that verify replays from it.
	 * Made if missing, as 14's tables are (a store put back to an older
	 * version in the tests keeps it). */
	"CREATE TABLE IF NOT EXISTS snapshot_base ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  place INTEGER NOT NULL,"
	"  generation TEXT NOT NULL,"
	"  reducer_version INTEGER NOT NULL,"
	"  schema_version INTEGER NOT NULL,"
	"  max_hlc INTEGER NOT NULL,"
	"  sha256 BLOB NOT NULL,"
	"  content BLOB NOT NULL,"
	"  loaded TEXT NOT NULL);",
	/* 18: sets and accessories (sets.h).
	 * An article lists its accessories ("ART:QTY:required;..."); a pick
	 * of a component names the main unit it goes out with; set_members
	 * holds which component is with which main unit while the set is
	 * out, and which are missing once the main unit is back;
	 * set_quantities, how many of an accessory without unit numbers (a
	 * consumable) went with it. */
	"ALTER TABLE articles ADD COLUMN accessories TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE order_picks ADD COLUMN set_main TEXT;"
	"CREATE TABLE set_members ("
	"  component TEXT PRIMARY KEY,"
	"  main TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'with' CHECK (state IN ('with','missing')),"
	"  since INTEGER NOT NULL,"
	"  charge_id TEXT) WITHOUT ROWID;"
	"CREATE INDEX set_members_main ON set_members(main);"
	"CREATE TABLE set_quantities ("
	"  main TEXT NOT NULL,"
	"  article_no TEXT NOT NULL,"
	"  quantity INTEGER NOT NULL CHECK (quantity > 0),"
	"  PRIMARY KEY (main, article_no)) WITHOUT ROWID;",
	/* 19: loan units during a repair (repairs.h): the repair's loan
	 * unit, and the loan unit's rent period naming the repair it is lent
	 * for and whether it runs rent-free (rent.loan_free at delivery). */
	"ALTER TABLE repairs ADD COLUMN loan_unit TEXT;"
	"ALTER TABLE rent_periods ADD COLUMN loan_for TEXT;"
	"ALTER TABLE rent_periods ADD COLUMN rent_free INTEGER NOT NULL DEFAULT 0;",
	/* 20: customer stocks (custstock.h): the levels agreed per article
	 * with a customer stock's keeper, and a stocktake of one customer
	 * stock (scope customer-stock).  The scope is a CHECK, so the
	 * stocktake tables are made again (a parent table cannot be dropped
	 * under its children while foreign keys are on): copied aside, made
	 * anew, copied back.  Run twice (a store put back in the tests), it
	 * does the same.  And a flag for a payer mismatch at a pickup names
	 * the order's payer, so that the payer change to it clears the flag
	 * (pickups.h); flags raised before name none. */
	"CREATE TABLE IF NOT EXISTS location_levels ("
	"  location TEXT NOT NULL,"
	"  article_no TEXT NOT NULL,"
	"  quantity INTEGER NOT NULL CHECK (quantity > 0),"
	"  set_at INTEGER NOT NULL,"
	"  set_by TEXT NOT NULL,"
	"  PRIMARY KEY (location, article_no)) WITHOUT ROWID;"
	"CREATE TABLE m20_stocktakes AS SELECT * FROM stocktakes;"
	"CREATE TABLE m20_expected AS SELECT * FROM stocktake_expected;"
	"CREATE TABLE m20_counts AS SELECT * FROM stocktake_counts;"
	"CREATE TABLE m20_quantities AS SELECT * FROM stocktake_quantities;"
	"DROP TABLE stocktake_expected; DROP TABLE stocktake_counts;"
	"DROP TABLE stocktake_quantities; DROP TABLE stocktakes;"
	"CREATE TABLE stocktakes ("
	"  stocktake_id TEXT PRIMARY KEY,"
	"  scope_kind TEXT NOT NULL"
	"    CHECK (scope_kind IN ('depot','locations','article','area','payer',"
	"      'customer-stock')),"
	"  scope TEXT NOT NULL,"
	"  opened INTEGER NOT NULL,"
	"  opened_by TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open','confirmed')),"
	"  confirmed INTEGER,"
	"  confirmed_by TEXT,"
	"  cancelled INTEGER,"
	"  cancelled_by TEXT) WITHOUT ROWID;"
	"CREATE TABLE stocktake_expected ("
	"  stocktake_id TEXT NOT NULL REFERENCES stocktakes(stocktake_id),"
	"  unit_no TEXT NOT NULL,"
	"  location TEXT,"
	"  article_no TEXT NOT NULL,"
	"  value_ore INTEGER NOT NULL,"
	"  acquired TEXT,"
	"  months INTEGER NOT NULL,"
	"  price_ore INTEGER NOT NULL,"
	"  PRIMARY KEY (stocktake_id, unit_no)) WITHOUT ROWID;"
	"CREATE TABLE stocktake_counts ("
	"  stocktake_id TEXT NOT NULL REFERENCES stocktakes(stocktake_id),"
	"  unit_no TEXT NOT NULL,"
	"  location TEXT,"
	"  counted INTEGER NOT NULL,"
	"  counted_by TEXT NOT NULL,"
	"  PRIMARY KEY (stocktake_id, unit_no)) WITHOUT ROWID;"
	"CREATE TABLE stocktake_quantities ("
	"  stocktake_id TEXT NOT NULL REFERENCES stocktakes(stocktake_id),"
	"  article_no TEXT NOT NULL,"
	"  location TEXT NOT NULL DEFAULT '',"
	"  quantity INTEGER NOT NULL CHECK (quantity >= 0),"
	"  counted INTEGER NOT NULL,"
	"  counted_by TEXT NOT NULL,"
	"  PRIMARY KEY (stocktake_id, article_no, location)) WITHOUT ROWID;"
	"INSERT INTO stocktakes (stocktake_id, scope_kind, scope, opened, opened_by, state,"
	"  confirmed, confirmed_by, cancelled, cancelled_by)"
	" SELECT stocktake_id, scope_kind, scope, opened, opened_by, state, confirmed,"
	"  confirmed_by, cancelled, cancelled_by FROM m20_stocktakes;"
	"INSERT INTO stocktake_expected SELECT * FROM m20_expected;"
	"INSERT INTO stocktake_counts SELECT * FROM m20_counts;"
	"INSERT INTO stocktake_quantities SELECT * FROM m20_quantities;"
	"DROP TABLE m20_stocktakes; DROP TABLE m20_expected; DROP TABLE m20_counts;"
	"DROP TABLE m20_quantities;"
	"ALTER TABLE flags ADD COLUMN payer_mismatch TEXT;",
	/* 21: depot-scoped stores (scope.h).
	 * scope: the depot this store's state is cut to (no row: the
	 * region's); scope_out: the units of the region this store does not
	 * hold: those whose number is a whole number as runs of numbers
	 * (scope_runs: a depot's units are a few in every twenty, so each
	 * run stands for many), the others (legacy F and M) one by one
	 * (scope_out); scope_rows: the ids of repairs and charges
	 * of units outside (kind row), and units moved here without their
	 * rows (kind arrived).  All three are reducer state, written by a
	 * depot snapshot's load and by the reducer's scope rule. */
	"CREATE TABLE IF NOT EXISTS scope ("
	"  one INTEGER PRIMARY KEY CHECK (one = 1),"
	"  depot TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS scope_out (subject TEXT PRIMARY KEY) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS scope_runs ("
	"  first INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL CHECK (last >= first));"
	"CREATE TABLE IF NOT EXISTS scope_rows ("
	"  subject TEXT PRIMARY KEY,"
	"  kind TEXT NOT NULL CHECK (kind IN ('row','arrived'))) WITHOUT ROWID;",
	/* 22: the safety state on the unit row (safety.h): held, and the
	 * inspection's due day, which the reducer keeps from now on, computed
	 * here from the tables it follows. */
	"ALTER TABLE units ADD COLUMN held INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE units ADD COLUMN inspection_due INTEGER;"
	"UPDATE units SET held = " SAFETY_HELD_SQL ", inspection_due = " SAFETY_DUE_SQL ";",
	/* 23: settings the
	 * whole region holds alike (region.h), set by a manager's signed
	 * event.  The approval limit a store kept in its config moves here
	 * only by a manager's `config set`: a store's own value is no one
	 * else's. */
	"CREATE TABLE region_settings ("
	"  key TEXT PRIMARY KEY,"
	"  value TEXT NOT NULL,"
	"  set_by TEXT NOT NULL,"
	"  set_at INTEGER NOT NULL) WITHOUT ROWID;",
	/* 24: a depot's pull of its events only (pull.h).  pull_vouched:
	 * runs of places (first, last) the centre said touch no unit of this
	 * store's depot, which its journal therefore lacks; fold_tags: on
	 * the centre's fold, the depots each folded event touches, until
	 * they are published to the log.  None is reducer state. */
	"CREATE TABLE pull_vouched ("
	"  first INTEGER PRIMARY KEY,"
	"  last INTEGER NOT NULL CHECK (last >= first));"
	"CREATE TABLE fold_tags ("
	"  gseq INTEGER NOT NULL,"
	"  depot TEXT NOT NULL,"
	"  PRIMARY KEY (gseq, depot)) WITHOUT ROWID;"
	/* fold_unit_depots: on the centre's fold, every depot each unit
	 * has been in (a depot's store that held it keeps it: pull.h). */
	"CREATE TABLE fold_unit_depots ("
	"  unit_no TEXT NOT NULL,"
	"  depot TEXT NOT NULL,"
	"  PRIMARY KEY (unit_no, depot)) WITHOUT ROWID;"
	/* A fold that folded before it tagged: its tags begin at its cursor. */
	"INSERT OR IGNORE INTO config (key, value)"
	" SELECT 'fold.tags_from', value FROM config WHERE key = 'sync.cursor';",
	/* 25: the depot a unit was last at (scope.h): units.last_depot, the
	 * depot of the last location it left, kept by the reducer where a
	 * unit's location becomes none (delivered, in transit, lost...),
	 * so that a unit out belongs to the depot that sent it.  Filled here
	 * for the units out now from the journal, in the order the state
	 * folds it (journal.h): the depot of the location named by the
	 * unit's last event that named one of the region's locations, as the
	 * reducer would have kept it; a unit whose journal names none (pruned,
	 * or never at a location) has none. */
	"ALTER TABLE units ADD COLUMN last_depot TEXT;"
	"UPDATE units SET last_depot = (SELECT l.depot FROM journal j"
	"  JOIN locations l ON l.code = hmc_payload(j.payload, 'location')"
	"  WHERE j.subject = units.unit_no AND (j.status IN ('central', 'confirmed')"
	"   AND j.gseq IS NOT NULL OR j.status = 'pending')"
	"  ORDER BY j.gseq IS NULL DESC, j.gseq DESC, j.seq DESC LIMIT 1)"
	" WHERE location IS NULL;",
};

#define SCHEMA_VERSION ((int)(sizeof migrations / sizeof migrations[0]))

int
store_schema_version(void)
{
	return SCHEMA_VERSION;
}

const char *
store_reason(const struct store *store)
{
	return store->errmsg[0] ? store->reason : _("no error");
}

const char *
store_errmsg(const struct store *store)
{
	if (store == NULL)
		return error_message(HMC_E_IO);
	return store->errmsg[0] ? store->errmsg : _("no error");
}

int
store_seterr(struct store *store, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (i18n_in_source()) {
		/* fmt is a msgid: keep it and its arguments, and say it in
		 * the user's words. */
		reason_vformat(store->reason, sizeof store->reason, fmt, ap);
		reason_text(store->reason, store->errmsg, sizeof store->errmsg);
	} else {
		vsnprintf(store->errmsg, sizeof store->errmsg, fmt, ap);
		xstrlcpy(store->reason, store->errmsg, sizeof store->reason);
	}
	va_end(ap);
	store->errcode = code;
	return code;
}

int
store_errcode(const struct store *store)
{
	return store == NULL ? HMC_E_IO : store->errcode;
}

const char *
store_read_only(const struct store *store, int *code)
{
	if (code != NULL)
		*code = store->read_only ? store->read_only_code : 0;
	return store->read_only ? store->read_only_why : NULL;
}

/* A full disk, said as what it means for the user. */
static int
full_message(struct store *store)
{
	return store_seterr(store, HMC_E_FULL,
			    _("the disk holding %s is full: this action was not recorded, and "
			      "nothing stored before was lost; free some space on it and try again"),
			    store->path);
}

/* Why the store cannot be written: the file, its file system, its
 * -wal or -shm, or its directory. */
static int
read_only_message(struct store *store)
{
	char wal[4200], dir[4096];
	const char *why;
	if (access(store->path, W_OK) != 0) {
		if (errno == EROFS)
			why = _("its file system is mounted read-only");
		else if (errno == EPERM)
			why = _("it is marked immutable: chattr -i lifts that");
		else
			why = _("its file mode or owner does not let this user write it");
	} else {
		snprintf(wal, sizeof wal, "%s-wal", store->path);
		xstrlcpy(dir, store->path, sizeof dir);
		char *slash = strrchr(dir, '/');
		if (slash == NULL)
			xstrlcpy(dir, ".", sizeof dir);
		else if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
		if (access(wal, F_OK) == 0 && access(wal, W_OK) != 0)
			why = _("its -wal or -shm file beside it is read-only");
		else if (access(wal, F_OK) != 0 && access(dir, W_OK) != 0)
			why = _("its directory does not let this user make the -wal and -shm files "
				"beside it");
		else
			why = _("it could be opened for reading only");
	}
	return store_seterr(store, HMC_E_IO,
			    _("%s is read-only (%s): it can be read, not changed; nothing was "
			      "recorded. Make it writable and try again"),
			    store->path, why);
}

/* A -wal or -shm beside the store that this user may not open (left by
 * root at 0600, say): named, with whose it is and what to do; 0 when
 * both open. */
static int
companion_message(struct store *store)
{
	static const char *const ends[] = { "-wal", "-shm" };
	for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++) {
		char file[4200];
		struct stat st, own;
		snprintf(file, sizeof file, "%s%s", store->path, ends[i]);
		if (access(file, F_OK) != 0 || access(file, R_OK | W_OK) == 0 ||
		    stat(file, &st) != 0)
			continue;
		if (stat(store->path, &own) != 0)
			own.st_uid = (uid_t)-1;
		return store_seterr(store, HMC_E_IO,
				    _("%s cannot be opened by this user (owner %ld, mode %04o), and "
				      "the store %s needs it; nothing was recorded. As root, give it "
				      "to the store's owner: chown %ld %s (do not delete it: it may "
				      "hold recorded work)"),
				    file, (long)st.st_uid, (unsigned)(st.st_mode & 07777),
				    store->path, (long)own.st_uid, file);
	}
	return 0;
}

/* A damaged store: what SQLite found, and what to do. */
static int
damaged_message(struct store *store, const char *detail)
{
	return store_seterr(store, HMC_E_CORRUPT,
			    _("%s is damaged (%s): restore it from a backup (hmc verify checks the "
			      "copy); nothing is written to it until then"),
			    store->path, detail);
}

static int sqlerr_code(struct store *store, int sqlite_rc, const char *what, int sys_errno);

int
store_sqlerr(struct store *store, int sqlite_rc, const char *what)
{
	int sys_errno = store->db ? sqlite3_system_errno(store->db) : 0;
	/* A fault of the store, logged without `what` (which may echo a
	 * value); a busy store is logged as a warning. */
	log_msg((sqlite_rc & 0xff) == SQLITE_BUSY || (sqlite_rc & 0xff) == SQLITE_LOCKED
			? LOG_WARNING : LOG_ERR,
		"store %s: %s", store->path, sqlite3_errstr(sqlite_rc));
	int rc = sqlerr_code(store, sqlite_rc, what, sys_errno);
	/* SQLite rolls a whole transaction back after some failures (a full
	 * disk, an I/O error, no memory): what follows would each commit on
	 * its own, so the store remembers, and store_begin refuses. */
	if (store->depth > 0 && store->db != NULL && sqlite3_get_autocommit(store->db) &&
	    store->aborted_code == 0)
		store->aborted_code = rc;
	return rc;
}

static int
sqlerr_code(struct store *store, int sqlite_rc, const char *what, int sys_errno)
{
	int code;
	switch (sqlite_rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		/* One sentence, the file named once: SQLite's "database is
		 * locked" says nothing the user can act on. */
		return store_seterr(store, HMC_E_BUSY,
				    _("the store %s is locked by another program (a sync, the "
				      "screens or another hmc command); nothing was recorded: try "
				      "again in a moment"),
				    store->path);
	case SQLITE_FULL:
		return full_message(store);
	case SQLITE_READONLY:
		return read_only_message(store);
	case SQLITE_IOERR:
		/* A write that found no room (the -wal or -shm growing) comes
		 * back as an I/O error. */
		if (sys_errno == ENOSPC || sys_errno == EDQUOT)
			return full_message(store);
		code = HMC_E_IO;
		break;
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		if ((code = companion_message(store)) != 0)
			return code;
		code = HMC_E_IO;
		break;
	case SQLITE_CORRUPT:
		return damaged_message(store, store->db ? sqlite3_errmsg(store->db)
							: sqlite3_errstr(sqlite_rc));
	case SQLITE_NOTADB:
		code = HMC_E_CORRUPT;
		break;
	default:
		code = HMC_E_DB;
	}
	const char *detail = store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(sqlite_rc);
	if (strcmp(what, store->path) == 0)
		return store_seterr(store, code, "%s: %s", what, detail);
	return store_seterr(store, code, _("%s: %s (store %s)"), what, detail, store->path);
}

const char *
store_path(const struct store *store)
{
	return store->path;
}

struct sqlite3 *
store_db(struct store *store)
{
	return store->db;
}

/* FNV-1a: short SQL texts, no adversary. */
static uint32_t
sql_hash(const char *sql)
{
	uint32_t hash = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)sql; *c; c++)
		hash = (hash ^ *c) * 16777619u;
	return hash;
}

/* The cached entry for the text sql, or NULL. */
static struct cached_stmt *
stmt_find(struct store *store, const char *sql)
{
	/* Where the text lay last time; the text is still compared. */
	for (int i = 0; i < store->n_cache; i++)
		if (store->cache[i].sql == sql && strcmp(store->cache[i].text, sql) == 0)
			return &store->cache[i];
	uint32_t hash = sql_hash(sql);
	for (int i = 0; i < store->n_cache; i++)
		if (store->cache[i].hash == hash && strcmp(store->cache[i].text, sql) == 0) {
			store->cache[i].sql = sql;
			return &store->cache[i];
		}
	return NULL;
}

static void
stmt_cache_clear(struct store *store)
{
	for (int i = 0; i < store->n_cache; i++) {
		sqlite3_finalize(store->cache[i].stmt);
		free(store->cache[i].text);
	}
	store->n_cache = 0;
}

struct sqlite3_stmt *
store_stmt(struct store *store, const char *sql)
{
	struct cached_stmt *hit = stmt_find(store, sql);
	if (hit != NULL) {
		sqlite3_reset(hit->stmt);
		sqlite3_clear_bindings(hit->stmt);
		return hit->stmt;
	}
	sqlite3_stmt *stmt = NULL;
	int rc = sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &stmt, NULL);
	/* A constant SQL text that does not prepare is a bug, not input. */
	if (rc != SQLITE_OK) {
		fprintf(stderr, "hmc: bad SQL (%s): %s\n", sqlite3_errmsg(store->db), sql);
		abort();
	}
	if (store->n_cache == STMT_CACHE) {
		/* Full: evict the oldest. */
		sqlite3_finalize(store->cache[0].stmt);
		free(store->cache[0].text);
		memmove(&store->cache[0], &store->cache[1],
			sizeof store->cache[0] * (STMT_CACHE - 1));
		store->n_cache--;
	}
	store->cache[store->n_cache++] = (struct cached_stmt){
		.sql = sql, .text = xstrdup(sql), .hash = sql_hash(sql), .stmt = stmt,
	};
	return stmt;
}

void
store_set_background(struct store *store, int background)
{
	store->background = background;
}

static int step_once(struct store *store, const char *sql);

void
store_set_autocheckpoint(struct store *store, int on)
{
	/* SQLite's default: a commit that leaves the WAL over 1000 pages
	 * copies it back into the database, in the committer's time. */
	step_once(store, on ? "PRAGMA wal_autocheckpoint=1000" : "PRAGMA wal_autocheckpoint=0");
}

int
store_checkpoint(struct store *store, int64_t *wal_pages)
{
	/* PASSIVE copies what no reader still needs and waits for no one;
	 * a WAL grown past STORE_WAL_BIG is also truncated when it can be
	 * (TRUNCATE waits for readers up to the busy timeout, and gives up
	 * harmlessly: the next idle moment tries again). */
	if (wal_pages != NULL)
		*wal_pages = 0;
	if (store->read_only || store->depth > 0)
		return 0;	/* nothing to copy from here, or not now */
	sqlite3_stmt *stmt = store_stmt(store, "PRAGMA wal_checkpoint(PASSIVE)");
	int rc = sqlite3_step(stmt);
	int64_t pages = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 1) : 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlerr(store, rc, _("writing the store"));
	if (pages > STORE_WAL_BIG) {
		stmt = store_stmt(store, "PRAGMA wal_checkpoint(TRUNCATE)");
		if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_int(stmt, 0) == 0)
			pages = 0;
		sqlite3_reset(stmt);
	}
	if (wal_pages != NULL)
		*wal_pages = pages;
	return 0;
}

int
store_writer_waiting(struct store *store)
{
	if (store->gate < 0)
		return 0;
	/* A waiting foreground writer holds the gate shared. */
	if (flock(store->gate, LOCK_EX | LOCK_NB) == 0) {
		flock(store->gate, LOCK_UN);
		return 0;
	}
	return errno == EWOULDBLOCK;
}

/* SQLite's busy handler: tries again every millisecond until busy_ms
 * have passed.  (sqlite3_busy_timeout sleeps up to 100 ms between tries,
 * which, with the write gate, would be what a scan waits after the
 * sync's transaction ended.) */
static int
busy_wait(void *arg, int count)
{
	struct store *store = arg;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	int64_t now = (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
	if (count == 0)
		store->busy_since_us = now;
	if (now - store->busy_since_us >= (int64_t)store->busy_ms * 1000)
		return 0;
	sqlite3_sleep(1);
	return 1;
}

void
store_set_busy_timeout(struct store *store, int ms)
{
	store->busy_ms = ms;
	sqlite3_busy_handler(store->db, ms > 0 ? busy_wait : NULL, store);
}

int
store_exec(struct store *store, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(store->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		int code = store_sqlerr(store, rc, msg ? msg : "exec");
		sqlite3_free(msg);
		return code;
	}
	return 0;
}

/* Reads one integer from a query with no parameters. */
static int
query_int(struct store *store, const char *sql, int64_t *value)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, store->path);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int64(stmt, 0);
	else
		*value = 0;
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(store, rc, store->path);
	return 0;
}

int
store_version(struct store *store)
{
	int64_t version = 0;
	if (query_int(store, "PRAGMA user_version", &version) != 0)
		return -1;
	return (int)version;
}

/* SAVEPOINT, RELEASE and ROLLBACK TO for each nesting depth: constant
 * texts, so their statements are prepared once and cached. */
#define SP(n) { "SAVEPOINT s" #n, "RELEASE s" #n, "ROLLBACK TO s" #n }
static const char *const savepoint_sql[MAX_DEPTH][3] = {
	SP(0), SP(1), SP(2), SP(3), SP(4), SP(5), SP(6), SP(7),
	SP(8), SP(9), SP(10), SP(11), SP(12), SP(13), SP(14), SP(15),
};
#undef SP

/* PRAGMA data_version: changes when another connection commits; -1 on
 * error. */
static int64_t
data_version(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store, "PRAGMA data_version");
	int64_t v = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	return v;
}

/* Runs a cached statement that returns no rows. */
static int
step_once(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt = store_stmt(store, sql);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, sql);
}

/* Nonzero (and the message set) when SQLite has rolled back the
 * transaction the caller is still in: a statement or savepoint now would
 * commit on its own, outside the all or nothing the caller began. */
static int
transaction_lost(struct store *store)
{
	if (store->depth == 0 || !sqlite3_get_autocommit(store->db))
		return 0;
	int code = store->aborted_code ? store->aborted_code : HMC_E_DB;
	store->aborted_code = code;
	if (code == HMC_E_FULL)
		return full_message(store);
	return store_seterr(store, code,
			    _("the store %s gave up this action after an error; nothing of it "
			      "was recorded: try again"),
			    store->path);
}

int
store_aborted(const struct store *store)
{
	return store->depth > 0 && (store->aborted_code != 0 || sqlite3_get_autocommit(store->db));
}

int
store_begin(struct store *store)
{
	int rc;
	if (store->depth == 0 && store->read_only)
		return store_seterr(store, store->read_only_code, "%s", store->read_only_why);
	if ((rc = transaction_lost(store)) != 0)
		return rc;
	if (store->depth == 0) {
		if (store->gate >= 0)
			while (flock(store->gate, store->background ? LOCK_EX : LOCK_SH) != 0 &&
			       errno == EINTR)
				;
		rc = step_once(store, "BEGIN IMMEDIATE");
		if (store->gate >= 0)
			flock(store->gate, LOCK_UN);
		/* The counters read last time hold while no other connection
		 * has written since (under the write lock now, none can). */
		int64_t version = rc == 0 ? data_version(store) : -1;
		if (version < 0 || version != store->device.version)
			store->device.loaded = 0;
		store->device.version = version;
		store->device.dirty = 0;
	} else {
		if (store->depth >= MAX_DEPTH)
			return store_seterr(store, HMC_E_DB, "transactions nested too deep");
		rc = step_once(store, savepoint_sql[store->depth][0]);
		if (rc == 0)
			device_save(store, &store->saved[store->depth]);
	}
	if (rc == 0)
		store->depth++;
	return rc;
}

static int device_flush(struct store *store);

int
store_commit(struct store *store)
{
	int rc;
	if (store->depth <= 0)
		return store_seterr(store, HMC_E_DB, "commit without a transaction");
	if ((rc = transaction_lost(store)) != 0) {
		/* As a failed COMMIT: the outer level ends here; an inner one
		 * is rolled back by its caller. */
		if (store->depth == 1)
			store_rollback(store);
		return rc;
	}
	if (store->depth > 1) {
		rc = step_once(store, savepoint_sql[store->depth - 1][1]);
		if (rc == 0)
			store->depth--;
		return rc;
	}
	rc = device_flush(store);
	if (rc == 0)
		rc = step_once(store, "COMMIT");
	if (rc != 0) {
		store_rollback(store);
		return rc;
	}
	store->depth = 0;
	return 0;
}

void
store_rollback(struct store *store)
{
	if (store->depth <= 0)
		return;
	if (store->depth > 1) {
		/* Errors are ignored: keep the message of the failure that led
		 * here. */
		char message[sizeof store->errmsg], reason[sizeof store->reason];
		memcpy(message, store->errmsg, sizeof message);
		memcpy(reason, store->reason, sizeof reason);
		if (!sqlite3_get_autocommit(store->db)) {	/* else SQLite undid it all */
			step_once(store, savepoint_sql[store->depth - 1][2]);
			step_once(store, savepoint_sql[store->depth - 1][1]);
		}
		memcpy(store->errmsg, message, sizeof message);
		memcpy(store->reason, reason, sizeof reason);
		store->depth--;
		/* Sequence numbers taken inside the savepoint are given back. */
		device_restore(store, &store->saved[store->depth]);
		return;
	}
	sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
	store->depth = 0;
	store->aborted_code = 0;
	store->device.loaded = 0;
	store->device.dirty = 0;
}

int
store_in_transaction(const struct store *store)
{
	return store->depth > 0;
}

int
store_migrate(struct store *store, int target)
{
	if (target > SCHEMA_VERSION)
		target = SCHEMA_VERSION;
	/* Current already: no write lock, so that reading needs none (a
	 * store another program is writing, or on a full disk). */
	int current = store_version(store);
	if (current < 0)
		return store->errcode ? store->errcode : HMC_E_DB;
	if (current >= target)
		return 0;
	for (;;) {
		int rc = store_begin(store);
		if (rc != 0)
			return rc;
		/* Read the version under the write lock: another process may
		 * have migrated while we waited. */
		int version = store_version(store);
		if (version < 0 || version >= target) {
			store_rollback(store);
			return version < 0 ? HMC_E_DB : 0;
		}
		rc = store_exec(store, migrations[version]);
		if (rc == 0) {
			char sql[64];
			snprintf(sql, sizeof sql, "PRAGMA user_version = %d", version + 1);
			rc = store_exec(store, sql);
		}
		if (rc == 0)
			rc = store_commit(store);
		if (rc != 0) {
			char why[512];
			xstrlcpy(why, store->errmsg, sizeof why);
			store_rollback(store);
			return store_seterr(store, rc,
					    _("migrating %s to schema version %d failed: %s"),
					    store->path, version + 1, why);
		}
	}
}

/* --- what the file says before SQLite reads it ----------------------------- */

#define SQLITE_MAGIC "SQLite format 3"	/* and a NUL: the first 16 bytes */

/* The first up to 100 bytes of path (the SQLite header); how many. */
static size_t
read_header(const char *path, unsigned char header[100])
{
	FILE *file = fopen(path, "rb");
	if (file == NULL)
		return 0;
	size_t n = fread(header, 1, 100, file);
	fclose(file);
	return n;
}

/* 1 when the file begins as a SQLite file does, however short it is:
 * a store cut short is damaged, not foreign. */
static int
header_is_sqlite(const char *path)
{
	unsigned char header[100];
	size_t n = read_header(path, header);
	return n > 0 && memcmp(header, SQLITE_MAGIC, n < 16 ? n : 16) == 0;
}

static uint32_t
be32(const unsigned char *at)
{
	return (uint32_t)at[0] << 24 | (uint32_t)at[1] << 16 | (uint32_t)at[2] << 8 | at[3];
}

/* A store file shorter than its header says it is (cut short: a copy
 * that stopped, a disk that filled): damaged.  Only without WAL frames,
 * since a checkpoint cut by a crash may leave the header ahead of the
 * file until the WAL is replayed. */
static int
check_length(struct store *store, const struct stat *st)
{
	unsigned char header[100];
	size_t n = read_header(store->path, header);
	char detail[160];
	if (n == 0 || memcmp(header, SQLITE_MAGIC, n < 16 ? n : 16) != 0)
		return 0;	/* not SQLite's: check_identity says so */
	if (n < 100) {
		snprintf(detail, sizeof detail, _("cut short: %lld bytes, less than a header"),
			 (long long)st->st_size);
		return damaged_message(store, detail);
	}
	uint32_t page_size = (uint32_t)header[16] << 8 | header[17];
	if (page_size == 1)
		page_size = 65536;
	uint32_t pages = be32(header + 28);
	/* The size in the header is valid when the change counter matches
	 * the version-valid-for number. */
	if (pages == 0 || be32(header + 24) != be32(header + 92))
		return 0;
	long long expected = (long long)pages * page_size;
	if ((long long)st->st_size >= expected)
		return 0;
	snprintf(detail, sizeof detail, _("cut short: %lld bytes of %lld"), (long long)st->st_size,
		 expected);
	return damaged_message(store, detail);
}
static int backup_before_migrate(struct store *store);

/* Checks that the file is an hmc store this binary can use. */
static int
check_identity(struct store *store, int created)
{
	int64_t app_id, version, n_tables;
	int rc = query_int(store, "PRAGMA application_id", &app_id);
	if ((rc == HMC_E_CORRUPT || rc == HMC_E_DB) && header_is_sqlite(store->path))
		return damaged_message(store, sqlite3_errmsg(store->db));
	if (rc == HMC_E_CORRUPT || rc == HMC_E_DB)
		return store_seterr(store, HMC_E_CORRUPT,
				    _("%s is not an hmc store: %s"), store->path,
				    sqlite3_errmsg(store->db));
	if (rc != 0)
		return rc;
	if ((rc = query_int(store, "PRAGMA user_version", &version)) != 0 ||
	    (rc = query_int(store, "SELECT count(*) FROM sqlite_schema", &n_tables)) != 0)
		return rc;
	if (app_id == 0 && version == 0 && n_tables == 0) {
		if (!created)
			return store_seterr(store, HMC_E_NO_STORE,
					    _("%s is empty, not an hmc store; make one with `hmc init`"),
					    store->path);
		return store_exec(store, "PRAGMA application_id = 1213023025");
	}
	if (app_id != APPLICATION_ID)
		return store_seterr(store, HMC_E_CORRUPT,
				    _("%s is a SQLite database but not an hmc store"),
				    store->path);
	if (version > SCHEMA_VERSION)
		return store_seterr(store, HMC_E_TOO_NEW,
				    _("%s has schema version %lld, newer than this hmc "
				      "(%s) knows (%d); install a newer hmc. "
				      "Nothing was changed."),
				    store->path, (long long)version, HMC_VERSION,
				    SCHEMA_VERSION);
	return 0;
}

/* hmc_residual(value_ore, acquired 'YYYY-MM-DD' or NULL, months, day):
 * residual_value for SQL, so that reports sum residual values in one
 * query.  An unknown acquisition date gives 0. */
static void
sql_residual(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int64_t acquired;
	(void)argc;
	const unsigned char *text = sqlite3_value_text(argv[1]);
	if (text == NULL || timeutil_parse_date((const char *)text, &acquired) != 0) {
		sqlite3_result_int64(ctx, 0);
		return;
	}
	sqlite3_result_int64(ctx, residual_value(sqlite3_value_int64(argv[0]), acquired,
						 sqlite3_value_int(argv[2]),
						 sqlite3_value_int64(argv[3])));
}

/* hmc_inspection_due(months, last_passed, acquired, failed): the unit
 * row's inspection_due (safety.h): NULL when there is no plan. */
static void
sql_inspection_due(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	int64_t due = safety_due_of(sqlite3_value_int(argv[0]),
				    (const char *)sqlite3_value_text(argv[1]),
				    (const char *)sqlite3_value_text(argv[2]),
				    sqlite3_value_int(argv[3]));
	if (due == INT64_MAX)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, due);
}

/* hmc_local_date(ms): the Stockholm date of an instant, YYYY-MM-DD. */
static void
sql_local_date(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char date[TIMEUTIL_DATE_LEN];
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	timeutil_format_date(timeutil_local_date(sqlite3_value_int64(argv[0])), date);
	sqlite3_result_text(ctx, date, -1, SQLITE_TRANSIENT);
}

/* hmc_payload(payload, key): a payload's value, NULL when it has none. */
static void
sql_payload(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	char value[PAYLOAD_MAX];
	const char *payload = (const char *)sqlite3_value_text(argv[0]);
	const char *key = (const char *)sqlite3_value_text(argv[1]);
	(void)argc;
	if (payload == NULL || key == NULL || payload_get(payload, key, value, sizeof value) != 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_text(ctx, value, -1, SQLITE_TRANSIENT);
}

/* hmc_instant_ms(text): timeutil_parse_instant, NULL when it is none. */
static void
sql_instant_ms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text = (const char *)sqlite3_value_text(argv[0]);
	int64_t ms;
	(void)argc;
	if (text == NULL || timeutil_parse_instant(text, &ms) != 0)
		sqlite3_result_null(ctx);
	else
		sqlite3_result_int64(ctx, ms);
}

/* hmc_event_hash(device, device_seq, hlc, operator, type, subject,
 * payload): event_hash for SQL, for the migration that rehashes. */
static void
sql_event_hash(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text[7];
	unsigned char hash[EVENT_HASH_LEN];
	(void)argc;
	for (int i = 0; i < 7; i++)
		text[i] = (const char *)sqlite3_value_text(argv[i]);
	for (int i = 0; i < 7; i++)
		if (text[i] == NULL) {
			sqlite3_result_null(ctx);
			return;
		}
	event_hash_fields(text[0], sqlite3_value_int64(argv[1]), sqlite3_value_int64(argv[2]),
			  text[3], text[4], text[5], text[6], hash);
	sqlite3_result_blob(ctx, hash, sizeof hash, SQLITE_TRANSIENT);
}

/* hmc_serial_in(serial, from, to): safety_serial_in for the recall's
 * scope (safety.h); a NULL serial is in no range. */
static void
sql_serial_in(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const char *text[3];
	(void)argc;
	for (int i = 0; i < 3; i++)
		text[i] = (const char *)sqlite3_value_text(argv[i]);
	sqlite3_result_int(ctx, text[0] != NULL && text[1] != NULL && text[2] != NULL &&
				      safety_serial_in(text[0], text[1], text[2]));
}

void
store_add_functions(sqlite3 *db)
{
	sqlite3_create_function(db, "hmc_serial_in", 3,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_serial_in, NULL, NULL);
	sqlite3_create_function(db, "hmc_residual", 4,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_residual, NULL, NULL);
	sqlite3_create_function(db, "hmc_payload", 2,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_payload, NULL, NULL);
	sqlite3_create_function(db, "hmc_instant_ms", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_instant_ms, NULL, NULL);
	sqlite3_create_function(db, "hmc_local_date", 1,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_local_date, NULL, NULL);
	sqlite3_create_function(db, "hmc_inspection_due", 4,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_inspection_due, NULL, NULL);
	sqlite3_create_function(db, "hmc_event_hash", 7,
				SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				sql_event_hash, NULL, NULL);
}

/* The size of path's -wal file, or -1 when there is none. */
static long long
wal_size(const char *path)
{
	char wal[4200];
	struct stat st;
	snprintf(wal, sizeof wal, "%s-wal", path);
	return stat(wal, &st) == 0 ? (long long)st.st_size : -1;
}

/* -wal and -shm made by an earlier run that could only read the store
 * (SQLite gives them the store's mode) are given the store's mode back,
 * when the store itself may be written: else it stays unwritable after
 * its own mode is mended. */
static void
mend_wal_modes(const char *path, const struct stat *st)
{
	static const char *const suffixes[] = { "-wal", "-shm" };
	if (access(path, W_OK) != 0)
		return;
	for (int i = 0; i < 2; i++) {
		char name[4200];
		struct stat side;
		snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
		if (stat(name, &side) == 0 && access(name, W_OK) != 0 && side.st_uid == geteuid())
			chmod(name, st->st_mode & 0666);
	}
}

/* The rest of opening for reading and writing: identity, WAL, migration. */
static int
open_read_write(struct store *store, int flags)
{
	int rc = sqlite3_open_v2(store->path, &store->db,
				 SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
					 (store->created ? SQLITE_OPEN_CREATE : 0),
				 NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, store->path);
	sqlite3_extended_result_codes(store->db, 1);
	store_set_busy_timeout(store, 5000);
	store_add_functions(store->db);
	{
		char gate_path[4200];
		snprintf(gate_path, sizeof gate_path, "%s.write-gate", store->path);
		store->gate = open(gate_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	}

	if ((rc = check_identity(store, store->created)) != 0)
		return rc;

	/* WAL: readers never block the writer, and a killed process leaves a
	 * consistent file.  synchronous=FULL: a committed scan survives a
	 * power cut too, which a handheld on a battery needs. */
	sqlite3_stmt *stmt;
	rc = sqlite3_prepare_v2(store->db, "PRAGMA journal_mode=WAL", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, store->path);
	rc = sqlite3_step(stmt);
	int wal = rc == SQLITE_ROW &&
		  strcmp((const char *)sqlite3_column_text(stmt, 0), "wal") == 0;
	sqlite3_finalize(stmt);
	if (!wal) {
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return store_sqlerr(store, rc, store->path);
		return store_seterr(store, HMC_E_IO,
				    _("%s: cannot switch to WAL mode (%s); is the "
				      "directory writable and on a local disk?"),
				    store->path, sqlite3_errmsg(store->db));
	}
	if ((rc = store_exec(store, "PRAGMA foreign_keys=ON;"
				    "PRAGMA synchronous=FULL;"
				    "PRAGMA temp_store=MEMORY")) != 0)
		return rc;
	if (!(flags & STORE_NO_MIGRATE)) {
		/* A store of an older schema is kept as it was first (not a new
		 * one: there is nothing in it). */
		int version = store_version(store);
		if (!store->created && version > 0 && version < SCHEMA_VERSION &&
		    (rc = backup_before_migrate(store)) != 0)
			return rc;
		if ((rc = store_migrate(store, SCHEMA_VERSION)) != 0)
			return rc;
	}
	return 0;
}

/* file:PATH?params in uri (3 * strlen(path) + strlen(params) + 8 bytes),
 * with what a URI gives a meaning to escaped, and a leading "//" (an
 * authority) made one "/". */
static void
file_uri(const char *path, const char *params, char *uri)
{
	char *out = uri + sprintf(uri, "file:");
	while (path[0] == '/' && path[1] == '/')
		path++;
	for (; *path; path++) {
		if (*path == '%' || *path == '?' || *path == '#')
			out += sprintf(out, "%%%02X", (unsigned char)*path);
		else
			*out++ = *path;
	}
	sprintf(out, "?%s", params);
}

/* Opens the store for reading only: beside a -shm that is there, the
 * wal-index is read from it or rebuilt in memory (readonly_shm); with no
 * -shm and none to be made (a read-only file system, a full disk) and
 * no WAL frames, the file is read as it is (immutable).  Nothing is
 * written and nothing is made beside the store. */
static int
open_read_only(struct store *store)
{
	static const char *const shared = "mode=ro&readonly_shm=1", *alone = "mode=ro&immutable=1";
	char shm[4200];
	struct stat st;
	snprintf(shm, sizeof shm, "%s-shm", store->path);
	/* No -shm: no program has the store open in WAL mode, and asking
	 * SQLite for one would make a -wal.  Immutable would not see WAL
	 * frames, though. */
	const char *params[2] = { shared, NULL };
	if (stat(shm, &st) != 0 && wal_size(store->path) <= 0)
		params[0] = alone;
	else if (wal_size(store->path) <= 0)
		params[1] = alone;
	size_t len = strlen(store->path);
	char *uri = xmalloc(3 * len + 64);
	int rc = SQLITE_CANTOPEN;
	for (int attempt = 0; attempt < 2 && params[attempt] != NULL; attempt++) {
		file_uri(store->path, params[attempt], uri);
		if (store->db != NULL) {
			stmt_cache_clear(store);
			sqlite3_close(store->db);
			store->db = NULL;
		}
		rc = sqlite3_open_v2(uri, &store->db,
				     SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
		if (rc != SQLITE_OK)
			continue;
		sqlite3_extended_result_codes(store->db, 1);
		store_set_busy_timeout(store, 5000);
		store_add_functions(store->db);
		if ((rc = check_identity(store, 0)) != 0) {
			if (rc == HMC_E_IO || rc == HMC_E_FULL || rc == HMC_E_DB)
				continue;	/* could not read: the next way */
			break;		/* read, and not a store this hmc can use */
		}
		int version = store_version(store);
		if (version >= 0 && version < SCHEMA_VERSION) {
			rc = store_seterr(store, HMC_E_IO,
					  _("%s has schema version %d and this hmc needs %d, which it "
					    "cannot make while the store cannot be written"),
					  store->path, version, SCHEMA_VERSION);
			break;
		}
		if (version >= 0 && store_exec(store, "PRAGMA foreign_keys=ON") == 0) {
			rc = 0;
			break;
		}
		rc = store->errcode ? store->errcode : HMC_E_DB;
	}
	free(uri);
	return rc;
}

/* After an unclean close (WAL frames left behind, or another program
 * has the store open): PRAGMA quick_check.  A damaged store is kept for
 * reading and refuses writes, pointing to a backup. */
static void
check_damage(struct store *store)
{
	sqlite3_stmt *stmt;
	char detail[300] = "";
	if (sqlite3_prepare_v2(store->db, "PRAGMA quick_check(3)", -1, &stmt, NULL) != SQLITE_OK)
		return;
	int rc;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(stmt, 0);
		if (row != NULL && strcmp(row, "ok") != 0 && detail[0] == '\0')
			xstrlcpy(detail, row, sizeof detail);
	}
	if ((rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB)
		xstrlcpy(detail, sqlite3_errmsg(store->db), sizeof detail);
	sqlite3_finalize(stmt);
	if (detail[0] == '\0')
		return;
	damaged_message(store, detail);
	/* The WAL stays as it is: no checkpoint writes into the damaged
	 * file, and the next open checks again. */
	sqlite3_db_config(store->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	store->read_only = 1;
	store->read_only_code = HMC_E_CORRUPT;
	xstrlcpy(store->read_only_why, store->errmsg, sizeof store->read_only_why);
}

/* Removes the files an open that made the store leaves: a failed init
 * must not leave a file that blocks the next one. */
static void
remove_made_files(struct store *store)
{
	static const char *const suffixes[] = { "", "-wal", "-shm", "-journal", ".write-gate" };
	if (!store->created)
		return;
	if (store->gate >= 0) {
		close(store->gate);
		store->gate = -1;
	}
	for (int i = 0; i < 5; i++) {
		char name[4200];
		snprintf(name, sizeof name, "%s%s", store->path, suffixes[i]);
		unlink(name);
	}
	store->created = 0;
}

int
store_open(const char *path, int flags, struct store **out)
{
	struct store *store = xcalloc(1, sizeof *store);
	struct stat st;
	int rc;

	*out = store;
	store->gate = -1;
	/* One thread: SQLite's memory statistics would only put a global
	 * mutex around every allocation.  Must precede sqlite3_initialize. */
	static int configured;
	if (!configured) {
		sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
		configured = 1;
	}
	if (flags & STORE_TEMP) {
		store->path = xstrdup(_("(scratch store)"));
		rc = sqlite3_open_v2("", &store->db,
				     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					     SQLITE_OPEN_NOMUTEX,
				     NULL);
		if (rc != SQLITE_OK)
			return store_sqlerr(store, rc, store->path);
		store_add_functions(store->db);
		/* Nothing here needs to survive a crash: write it fast. */
		if ((rc = store_exec(store, "PRAGMA journal_mode=MEMORY;"
					    "PRAGMA synchronous=OFF;"
					    "PRAGMA foreign_keys=ON;"
					    "PRAGMA cache_size=-65536;"
					    "PRAGMA application_id = 1213023025")) != 0 ||
		    (rc = store_migrate(store, SCHEMA_VERSION)) != 0)
			return rc;
		return 0;
	}
	store->path = xstrdup(path);
	if (stat(path, &st) != 0) {
		if (errno != ENOENT)
			return store_seterr(store, HMC_E_IO, "%s: %s", path, strerror(errno));
		if (!(flags & STORE_CREATE))
			return store_seterr(store, HMC_E_NO_STORE,
					    _("no store at %s; make one with `hmc init` "
					      "(or `hmc demo`), or name another with --db"),
					    path);
		store->created = 1;
		/* Made 0600 here, whatever the umask: SQLite would make it
		 * 0644, and the WAL and shm files take the store's mode.  An
		 * empty file is a new database to SQLite (and a failed init
		 * removes it again: store_discard). */
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return store_seterr(store, HMC_E_IO, "%s: %s", path, strerror(errno));
		close(fd);
	} else if (!S_ISREG(st.st_mode)) {
		return store_seterr(store, HMC_E_IO, _("%s is not a file"), path);
	} else if (st.st_size == 0 && (flags & STORE_CREATE) && wal_size(path) <= 0) {
		/* An empty file (an init that failed before this one guarded
		 * against it): made anew. */
		store->created = 1;
	}
	/* A store made before stores were made 0600 (or copied without
	 * care): what it holds is not for everyone.  Said, not refused. */
	if (!store->created && (st.st_mode & S_IROTH))
		log_msg(LOG_WARNING, "store %s may be read by anyone (mode %04o): chmod o-r %s", path,
			(unsigned)(st.st_mode & 07777), path);

	long long wal_before = store->created ? -1 : wal_size(path);
	if (!store->created) {
		mend_wal_modes(path, &st);
		if (wal_before <= 0 && (rc = check_length(store, &st)) != 0)
			return rc;
	}
	/* A store this user may not write is opened for reading only, before
	 * SQLite makes a -wal and -shm beside it that would keep the store's
	 * read-only mode after the store's own is mended. */
	if (!store->created && access(path, W_OK) != 0)
		rc = read_only_message(store);
	else
		rc = open_read_write(store, flags);
	if (rc != 0) {
		if (store->created) {
			char why[sizeof store->errmsg];
			memcpy(why, store->errmsg, sizeof why);
			stmt_cache_clear(store);
			sqlite3_close(store->db);
			store->db = NULL;
			remove_made_files(store);
			memcpy(store->errmsg, why, sizeof why);
			return rc;
		}
		/* Reading may still work where writing cannot: keep why for the
		 * first write. */
		if (rc != HMC_E_FULL && rc != HMC_E_IO)
			return rc;
		store->read_only_code = rc;
		xstrlcpy(store->read_only_why, store->errmsg, sizeof store->read_only_why);
		if (open_read_only(store) != 0) {
			xstrlcpy(store->errmsg, store->read_only_why, sizeof store->errmsg);
			store->errcode = store->read_only_code;
			return store->read_only_code;
		}
		store->read_only = 1;
	}
	if (wal_before > 0 && !store->read_only)
		check_damage(store);
	store->errmsg[0] = '\0';
	store->errcode = 0;
	return 0;
}

void
store_discard(struct store *store)
{
	if (store == NULL)
		return;
	int created = store->created;
	store->created = 0;
	char *path = xstrdup(store->path ? store->path : "");
	store_close(store);
	if (created) {
		struct store gone = { .path = path, .created = 1 };
		remove_made_files(&gone);
	}
	free(path);
}

void
store_close(struct store *store)
{
	if (store == NULL)
		return;
	if (store->depth > 0)
		store_rollback(store);
	stmt_cache_clear(store);
	if (store->db != NULL)
		sqlite3_close(store->db);
	for (int i = 0; i < STORE_SLOT_N; i++)
		if (store->slot_free[i] != NULL)
			store->slot_free[i](store->slot[i]);
	if (store->gate >= 0)
		close(store->gate);
	free(store->path);
	free(store);
}

/* --- bulk loading -------------------------------------------------------- */

/* Secondary indexes of the big tables: dropped for a bulk load and made
 * again (by sorting, much faster than row by row) at its end. */
#define BULK_INDEXES \
	"SELECT name, sql FROM sqlite_schema WHERE type = 'index'" \
	" AND sql IS NOT NULL AND tbl_name IN ('units', 'journal')"

struct bulk {
	int n;
	char *sql[32];
};

int
store_bulk_begin(struct store *store, struct bulk **out)
{
	struct bulk *bulk = xcalloc(1, sizeof *bulk);
	sqlite3_stmt *stmt;
	int rc;

	*out = bulk;
	if (store->depth == 0)
		return store_seterr(store, HMC_E_DB, "bulk load outside a transaction");
	store->bulk = 1;
	/* 32 MB of pages, and as much again for the index sort at the end
	 * (which spills to temporary files beyond it): a million-unit demo
	 * within about 128 MB of memory. */
	if ((rc = store_exec(store, "PRAGMA cache_size = -32768")) != 0)
		return rc;
	rc = sqlite3_prepare_v2(store->db, BULK_INDEXES, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "bulk load");
	while (bulk->n < 32 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		bulk->sql[bulk->n++] = xstrdup((const char *)sqlite3_column_text(stmt, 1));
	sqlite3_finalize(stmt);
	for (int i = 0; i < bulk->n; i++) {
		/* "CREATE [UNIQUE] INDEX name ON ..." */
		char drop[256], name[128];
		const char *at = strstr(bulk->sql[i], "INDEX ");
		if (at == NULL || sscanf(at + 6, "%127s", name) != 1)
			return store_seterr(store, HMC_E_DB, "bulk load: odd index %s", bulk->sql[i]);
		snprintf(drop, sizeof drop, "DROP INDEX %s", name);
		if ((rc = store_exec(store, drop)) != 0)
			return rc;
	}
	/* The cached statements may refer to dropped indexes: start afresh. */
	stmt_cache_clear(store);
	return 0;
}

int
store_bulk_end(struct store *store, struct bulk *bulk)
{
	int rc = 0;
	if (bulk == NULL)
		return 0;
	store->bulk = 0;
	for (int i = 0; i < bulk->n; i++) {
		if (rc == 0)
			rc = store_exec(store, bulk->sql[i]);
		free(bulk->sql[i]);
	}
	free(bulk);
	store_exec(store, "PRAGMA cache_size = -2000");
	stmt_cache_clear(store);
	return rc;
}

int
store_in_bulk(const struct store *store)
{
	return store->bulk;
}

/* --- device identity ------------------------------------------------------ */

static int
device_load(struct store *store)
{
	if (store->device.loaded)
		return 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT name, last_seq, last_hlc FROM device WHERE one = 1");
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		xstrlcpy(store->device.name, (const char *)sqlite3_column_text(stmt, 0),
			 sizeof store->device.name);
		store->device.last_seq = sqlite3_column_int64(stmt, 1);
		store->device.last_hlc = sqlite3_column_int64(stmt, 2);
		sqlite3_reset(stmt);
		/* The row is written when a fold moves the counters; this
		 * device's own events carry them in the journal (or in the
		 * rejected journal, where a restore puts some), which a local
		 * action writes anyway: one page less per action. */
		static const char *const own[] = {
			"SELECT device_seq, hlc FROM journal WHERE device = ?1"
			" ORDER BY device_seq DESC LIMIT 1",
			"SELECT max(device_seq), max(hlc) FROM journal_rejected WHERE device = ?1",
		};
		for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
			stmt = store_stmt(store, own[i]);
			sqlite3_bind_text(stmt, 1, store->device.name, -1, SQLITE_STATIC);
			rc = sqlite3_step(stmt);
			if (rc == SQLITE_ROW) {
				int64_t seq = sqlite3_column_int64(stmt, 0);
				int64_t hlc = sqlite3_column_int64(stmt, 1);
				if (seq > store->device.last_seq)
					store->device.last_seq = seq;
				if (hlc > store->device.last_hlc)
					store->device.last_hlc = hlc;
			}
			sqlite3_reset(stmt);
			if (rc != SQLITE_ROW && rc != SQLITE_DONE)
				return store_sqlerr(store, rc, _("reading the device identity"));
		}
		store->device.loaded = 1;
		store->device.dirty = 0;
		return 0;
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("reading the device identity"));
	store->device.name[0] = '\0';
	return store_seterr(store, HMC_E_NO_STORE,
			    _("%s has no device identity; run `hmc init`"), store->path);
}

static int
device_flush(struct store *store)
{
	if (!store->device.loaded || !store->device.dirty)
		return 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE device SET last_seq = ?1, last_hlc = ?2 WHERE one = 1");
	sqlite3_bind_int64(stmt, 1, store->device.last_seq);
	sqlite3_bind_int64(stmt, 2, store->device.last_hlc);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("saving the device sequence"));
	store->device.dirty = 0;
	return 0;
}

int
store_device_init(struct store *store, const char *name)
{
	if (*name == '\0' || strlen(name) >= DEVICE_MAX)
		return store_seterr(store, HMC_E_INVALID,
				    _("device name must be 1 to %d characters"),
				    DEVICE_MAX - 1);
	for (const char *c = name; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || *c == '-' || *c == '_' || *c == '.'))
			return store_seterr(store, HMC_E_INVALID,
					    _("device name \"%s\": use letters, digits, '-', '_' and '.'"),
					    name);
	int rc = store_begin(store);
	if (rc != 0)
		return rc;
	if (device_load(store) == 0) {
		int same = strcmp(store->device.name, name) == 0;
		char existing[DEVICE_MAX];
		xstrlcpy(existing, store->device.name, sizeof existing);
		store_rollback(store);
		if (same)
			return 0;
		return store_seterr(store, HMC_E_EXISTS,
				    _("%s already belongs to device \"%s\"; a device's "
				      "name is set once"),
				    store->path, existing);
	}
	char created[TIMEUTIL_UTC_LEN];
	timeutil_format_utc(timeutil_now_ms(), created);
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO device (one, name, created) VALUES (1, ?1, ?2)");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, created, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		rc = store_sqlerr(store, rc, _("setting the device identity"));
		store_rollback(store);
		return rc;
	}
	/* Its id (migration 9; an older schema, in the tests, has none). */
	if (store_version(store) >= 9 &&
	    (rc = store_exec(store, "UPDATE device SET id = lower(hex(randomblob(16)))")) != 0) {
		store_rollback(store);
		return rc;
	}
	return store_commit(store);
}

void *
store_slot(struct store *store, enum store_slot which)
{
	return store->slot[which];
}

void
store_set_slot(struct store *store, enum store_slot which, void *slot, void (*free_fn)(void *))
{
	store->slot[which] = slot;
	store->slot_free[which] = free_fn;
}

void
store_set_signer(struct store *store, store_sign_fn *fn, void *ctx)
{
	store->sign = fn;
	store->sign_ctx = ctx;
}

int
store_sign(struct store *store, const char *op_no, const unsigned char msg[32],
	   char sig_hex[129])
{
	if (store->sign == NULL)
		return HMC_E_DENIED;
	return store->sign(store->sign_ctx, op_no, msg, sig_hex);
}

const char *
store_device_name(struct store *store)
{
	if (!store->device.loaded) {
		sqlite3_stmt *stmt = store_stmt(store, "SELECT name FROM device WHERE one = 1");
		if (sqlite3_step(stmt) == SQLITE_ROW)
			xstrlcpy(store->device.name,
				 (const char *)sqlite3_column_text(stmt, 0),
				 sizeof store->device.name);
		else
			store->device.name[0] = '\0';
		sqlite3_reset(stmt);
	}
	return store->device.name;
}

int
store_device_id(struct store *store, char *out, size_t size)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT coalesce(id, '') FROM device WHERE one = 1");
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(stmt, 0));
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW && out[0] != '\0')
		return 0;
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("%s has no device identity; run `hmc init`"), store->path);
	return store_sqlerr(store, rc, _("reading the device identity"));
}

int
store_device_rename(struct store *store, const char *name)
{
	sqlite3_stmt *stmt = store_stmt(store, "UPDATE device SET name = ?1 WHERE one = 1");
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("setting the device identity"));
	store->device.loaded = 0;
	return 0;
}

int
store_device_next(struct store *store, int64_t *device_seq, int64_t *hlc)
{
	if (store->depth == 0)
		return store_seterr(store, HMC_E_DB, "device sequence outside a transaction");
	int rc = device_load(store);
	if (rc != 0)
		return rc;
	store->device.last_seq++;
	store->device.last_hlc = hlc_next(store->device.last_hlc, timeutil_now_ms());
	/* Not dirty: the event's journal row keeps both (device_load). */
	*device_seq = store->device.last_seq;
	*hlc = store->device.last_hlc;
	return 0;
}

int
store_device_observe(struct store *store, int64_t remote_hlc, int *ahead)
{
	int rc = device_load(store);
	if (ahead != NULL)
		*ahead = 0;
	if (rc != 0)
		return rc;
	if (remote_hlc <= store->device.last_hlc)
		return 0;
	int64_t now = timeutil_now_ms();
	int64_t skew_s = settings_int(store, "sync.max_skew");
	if (hlc_wall_ms(remote_hlc) > now + skew_s * 1000) {
		if (ahead != NULL)
			*ahead = 1;
		return 0;
	}
	store->device.last_hlc = hlc_merge(store->device.last_hlc, remote_hlc, now);
	store->device.dirty = 1;
	return 0;
}

int
store_device_raise(struct store *store, int64_t device_seq)
{
	int rc = device_load(store);
	if (rc != 0)
		return rc;
	if (device_seq > store->device.last_seq) {
		store->device.last_seq = device_seq;
		store->device.dirty = 1;
	}
	return 0;
}

/* --- small helpers for the modules' statements ------------------------------ */

int
store_step_done(struct store *store, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, what);
}

int
store_foreach(struct store *store, const char *sql, const char *what,
	      int (*bind)(sqlite3_stmt *stmt, void *arg),
	      int (*row)(sqlite3_stmt *stmt, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store->db, sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, what);
	int result = 0;
	if (bind != NULL && (rc = bind(stmt, arg)) != SQLITE_OK)
		result = store_sqlerr(store, rc, what);
	while (result == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW)
		result = row(stmt, arg);
	/* Read the message before finalizing, which may clear it. */
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, what);
	sqlite3_finalize(stmt);
	return result;
}

void
store_column_text(sqlite3_stmt *stmt, int col, char *out, size_t size)
{
	const unsigned char *text = sqlite3_column_text(stmt, col);
	xstrlcpy(out, text ? (const char *)text : "", size);
}

void
store_next_id(struct store *store, const char *table, const char *column, const char *prefix,
	      int digits, char *out, size_t size)
{
	char sql[256], above[64];
	/* The numbers with this prefix, a range of the key's index: one
	 * day's of one device, however many the table holds. */
	snprintf(sql, sizeof sql,
		 "SELECT max(CAST(substr(%s, length(?1) + 1) AS INTEGER)) FROM %s"
		 " WHERE %s >= ?1 AND %s < ?2", column, table, column, column);
	size_t len = strlen(prefix);
	xstrlcpy(above, prefix, sizeof above);
	if (len > 0 && len < sizeof above)
		above[len - 1]++;	/* the first text after every "prefix..." */
	sqlite3_stmt *stmt = store_stmt(store, sql);
	sqlite3_bind_text(stmt, 1, prefix, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, above, -1, SQLITE_TRANSIENT);
	int next = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) + 1 : 1;
	sqlite3_reset(stmt);
	snprintf(out, size, "%s%0*d", prefix, digits, next);
}

void
store_device_tag(struct store *store, char out[STORE_TAG_LEN + 1])
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
	const char *name = store_device_name(store);
	size_t len = strlen(name);
	if (len <= STORE_TAG_LEN) {
		memcpy(out, name, len + 1);
		return;
	}
	unsigned char hash[8];
	crypto_generichash(hash, sizeof hash, (const unsigned char *)name, len, NULL, 0);
	uint64_t bits = 0;
	for (size_t i = 0; i < sizeof hash; i++)
		bits = bits << 8 | hash[i];
	memcpy(out, name, 3);
	for (int i = 0; i < 5; i++)
		out[3 + i] = alphabet[(bits >> (5 * i)) & 31];
	out[STORE_TAG_LEN] = '\0';
}

void
store_next_number(struct store *store, const char *table, const char *column,
		  const char *prefix, int digits, char *out, size_t size)
{
	char day[7], tag[STORE_TAG_LEN + 1], full[64];
	timeutil_day_code(day);
	store_device_tag(store, tag);
	snprintf(full, sizeof full, "%s%s-%s-", prefix, day, tag);
	store_next_id(store, table, column, full, digits, out, size);
}

/* --- settings --------------------------------------------------------------- */

int
store_config_get(struct store *store, const char *key, char *out, int size)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT value FROM config WHERE key = ?1");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		xstrlcpy(out, (const char *)sqlite3_column_text(stmt, 0), (size_t)size);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return HMC_E_NOT_FOUND;
	return store_sqlerr(store, rc, key);
}

int
store_config_set(struct store *store, const char *key, const char *value)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO config (key, value) VALUES (?1, ?2)"
		" ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, value, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, key);
}

int
store_config_unset(struct store *store, const char *key)
{
	sqlite3_stmt *stmt = store_stmt(store, "DELETE FROM config WHERE key = ?1");
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, key);
}

int
store_config_each(struct store *store, const char *prefix,
		  int (*fn)(void *arg, const char *key, const char *value), void *arg)
{
	/* substr, not LIKE: a key may hold '_' and '%'. */
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT key, value FROM config WHERE substr(key, 1, length(?1)) = ?1"
		" ORDER BY key");
	int rc, stop = 0;
	sqlite3_bind_text(stmt, 1, prefix, -1, SQLITE_TRANSIENT);
	while (stop == 0 && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char key[256], value[1024];
		xstrlcpy(key, (const char *)sqlite3_column_text(stmt, 0), sizeof key);
		xstrlcpy(value, (const char *)sqlite3_column_text(stmt, 1), sizeof value);
		stop = fn(arg, key, value);
	}
	sqlite3_reset(stmt);
	if (stop != 0)
		return stop;
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, prefix);
}

int64_t
store_config_int(struct store *store, const char *key, int64_t fallback)
{
	char text[32], *end;
	if (store_config_get(store, key, text, sizeof text) != 0)
		return fallback;
	long long value = strtoll(text, &end, 10);
	return end != text && *end == '\0' ? value : fallback;
}

/* --- backup and restore ---------------------------------------------------- */

/* Reads what a check compares from an open SQLite file: the schema
 * version, the device row and the journal's size.  SQLite's result code;
 * a file that is no hmc store is SQLITE_NOTADB. */
static int
summarize(sqlite3 *db, struct store_summary *out)
{
	sqlite3_stmt *stmt;
	int64_t app_id = 0;
	memset(out, 0, sizeof *out);
	int rc = sqlite3_prepare_v2(db, "PRAGMA application_id", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		app_id = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return rc;
	if (app_id != APPLICATION_ID)
		return SQLITE_NOTADB;
	rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		out->version = sqlite3_column_int(stmt, 0);
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW)
		return rc;
	/* The device's id came with schema version 9. */
	rc = sqlite3_prepare_v2(db,
				out->version >= 9 ? "SELECT name, coalesce(id, '') FROM device"
						  : "SELECT name, '' FROM device",
				-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		xstrlcpy(out->device, (const char *)sqlite3_column_text(stmt, 0), sizeof out->device);
		xstrlcpy(out->device_id, (const char *)sqlite3_column_text(stmt, 1),
			 sizeof out->device_id);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return rc;
	rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM journal", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return rc;
	if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		out->n_events = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* PRAGMA quick_check: every page and index entry readable and well
 * formed.  integrity_check also compares every index with its table and
 * took twice as long (0.19 s against 0.10 s on a 20,000-unit demo store
 * of 9.7 MB; a region's is some 75 times that); the journal's content is
 * checked by hmc verify.  0, or HMC_E_CORRUPT with the first problem in err. */
static int
quick_check(sqlite3 *db, char *err, size_t size)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
	if (rc != SQLITE_OK) {
		snprintf(err, size, "%s", sqlite3_errmsg(db));
		return HMC_E_CORRUPT;
	}
	rc = sqlite3_step(stmt);
	int good = rc == SQLITE_ROW &&
		   strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") == 0;
	if (!good)
		snprintf(err, size, "%s",
			 rc == SQLITE_ROW ? (const char *)sqlite3_column_text(stmt, 0)
					  : sqlite3_errmsg(db));
	sqlite3_finalize(stmt);
	return good ? 0 : HMC_E_CORRUPT;
}

int
store_check_file(const char *path, struct store_summary *summary, char *err, size_t size)
{
	sqlite3 *db = NULL;
	char why[512] = "";
	struct stat st;
	int code = 0;
	if (stat(path, &st) != 0) {
		snprintf(err, size, "%s: %s", path, strerror(errno));
		return HMC_E_IO;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, size, _("%s is not a file"), path);
		return HMC_E_IO;
	}
	int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK)
		sqlite3_extended_result_codes(db, 1);
	if (rc != SQLITE_OK) {
		snprintf(why, sizeof why, "%s", db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		code = HMC_E_CORRUPT;
	} else if ((code = quick_check(db, why, sizeof why)) == 0) {
		rc = summarize(db, summary);
		if (rc == SQLITE_NOTADB) {
			snprintf(err, size, _("%s is a SQLite database but not an hmc store"), path);
			sqlite3_close(db);
			return HMC_E_CORRUPT;
		}
		if (rc != SQLITE_OK) {
			snprintf(why, sizeof why, "%s", sqlite3_errmsg(db));
			code = HMC_E_CORRUPT;
		}
	}
	sqlite3_close(db);
	if (code != 0) {
		snprintf(err, size, _("%s is damaged or not a store: %s"), path, why);
		return code;
	}
	if (summary->version > SCHEMA_VERSION) {
		snprintf(err, size,
			 _("%s has schema version %d, newer than this hmc knows (%d); install a "
			   "newer hmc"),
			 path, summary->version, SCHEMA_VERSION);
		return HMC_E_TOO_NEW;
	}
	return 0;
}

/* The store's content into a new file tmp (made 0600 by mkstemp), in one
 * read transaction, so that the copy is one moment of the store however
 * others write meanwhile (WAL: they are not held up).  *at gets what the
 * store held at that moment. */
static int
copy_into(struct store *store, const char *tmp, struct store_summary *at)
{
	sqlite3 *dest = NULL;
	int rc = sqlite3_open_v2(tmp, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		store_seterr(store, HMC_E_IO, "%s: %s", tmp,
			     dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc));
		sqlite3_close(dest);
		return HMC_E_IO;
	}
	/* BEGIN, then a read: the snapshot the backup copies too (it reads
	 * through this connection's open transaction). */
	if ((rc = store_exec(store, "BEGIN")) != 0) {
		sqlite3_close(dest);
		return rc;
	}
	rc = summarize(store->db, at);
	if (rc == SQLITE_OK) {
		sqlite3_backup *backup = sqlite3_backup_init(dest, "main", store->db, "main");
		if (backup == NULL) {
			rc = sqlite3_errcode(dest);
		} else {
			rc = sqlite3_backup_step(backup, -1);
			int finish = sqlite3_backup_finish(backup);
			rc = rc == SQLITE_DONE ? finish : rc;
		}
	}
	sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
	/* One self-contained file: no -wal beside it. */
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(dest, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		int code = (rc & 0xff) == SQLITE_FULL ? HMC_E_FULL : HMC_E_IO;
		store_seterr(store, code, _("copying %s to %s: %s"), store->path, tmp,
			     sqlite3_errmsg(dest));
		sqlite3_close(dest);
		return code;
	}
	if (sqlite3_close(dest) != SQLITE_OK)
		return store_seterr(store, HMC_E_IO, _("copying %s to %s failed"), store->path, tmp);
	return 0;
}

int
store_backup(struct store *store, const char *path, int force, struct store_summary *summary)
{
	struct store_summary at, copy;
	char tmp[4200], why[600];
	int rc;
	if (store->depth > 0)
		return store_seterr(store, HMC_E_DB, "backup inside a transaction");
	if (!force && access(path, F_OK) == 0)
		return store_seterr(store, HMC_E_EXISTS,
				    _("%s is there already; name a new file, or give --force to "
				      "replace it"),
				    path);
	snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return store_seterr(store, HMC_E_IO, _("cannot write %s: %s"), path, strerror(errno));
	close(fd);
	if ((rc = copy_into(store, tmp, &at)) != 0)
		goto fail;
	/* The copy, checked as a restore would check it. */
	if ((rc = store_check_file(tmp, &copy, why, sizeof why)) != 0) {
		store_seterr(store, rc, _("the copy in %s does not check: %s"), tmp, why);
		goto fail;
	}
	if (copy.version != at.version || strcmp(copy.device, at.device) != 0 ||
	    strcmp(copy.device_id, at.device_id) != 0 || copy.n_events != at.n_events) {
		rc = store_seterr(store, HMC_E_CORRUPT,
				  _("the copy differs from %s (%s, %lld events; the copy: %s, %lld)"),
				  store->path, at.device, (long long)at.n_events, copy.device,
				  (long long)copy.n_events);
		goto fail;
	}
	/* Into place: beside nothing (link fails if another made path
	 * meanwhile), or over the old one with --force. */
	if (force ? rename(tmp, path) != 0 : link(tmp, path) != 0) {
		rc = store_seterr(store, errno == EEXIST ? HMC_E_EXISTS : HMC_E_IO,
				  _("cannot write %s: %s"), path, strerror(errno));
		goto fail;
	}
	if (!force)
		unlink(tmp);
	if (summary != NULL)
		*summary = copy;
	return 0;
fail:
	unlink(tmp);
	return rc;
}

int
store_restore(struct store *store, const char *path, int force, struct store_summary *summary)
{
	struct store_summary from, here;
	char why[600], keep[4200];
	int rc;
	if (store->depth > 0)
		return store_seterr(store, HMC_E_DB, "restore inside a transaction");
	if ((rc = store_check_file(path, &from, why, sizeof why)) != 0)
		return store_seterr(store, rc, _("%s; nothing was changed"), why);
	if (from.device[0] == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("%s is a store no device was given to (hmc init); nothing "
				      "was changed"),
				    path);
	if (summarize(store->db, &here) != SQLITE_OK)
		return store_sqlerr(store, sqlite3_errcode(store->db), store->path);
	/* Another handheld's store here would sync as that one. */
	if (here.device[0] != '\0' && !force &&
	    (strcmp(here.device, from.device) != 0 ||
	     (here.device_id[0] && from.device_id[0] && strcmp(here.device_id, from.device_id) != 0)))
		return store_seterr(store, HMC_E_INVALID,
				    _("%s is a backup of device %s (id %.8s), this store is %s (id "
				      "%.8s); nothing was changed. --force restores it anyway: this "
				      "handheld then syncs as %s"),
				    path, from.device, from.device_id, here.device, here.device_id,
				    from.device);
	/* What is replaced is kept, the last one only. */
	snprintf(keep, sizeof keep, "%s.before-restore", store->path);
	if ((rc = store_backup(store, keep, 1, NULL)) != 0)
		return store_seterr(store, rc, _("keeping the store as %s failed, nothing was "
						 "changed: %s"),
				    keep, store_errmsg(store));
	/* Into the open store by the backup API: it takes the write lock and
	 * others reading the store see the restored one, which renaming files
	 * under a WAL store would not give. */
	sqlite3 *src = NULL;
	rc = sqlite3_open_v2(path, &src, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc == SQLITE_OK) {
		stmt_cache_clear(store);
		sqlite3_backup *backup = sqlite3_backup_init(store->db, "main", src, "main");
		if (backup == NULL) {
			rc = sqlite3_errcode(store->db);
		} else {
			rc = sqlite3_backup_step(backup, -1);
			int finish = sqlite3_backup_finish(backup);
			rc = rc == SQLITE_DONE ? finish : rc;
		}
	}
	sqlite3_close(src);
	store->device.loaded = 0;
	store->device.dirty = 0;
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, _("restoring the backup (the store as it was is in "
						 "its .before-restore file)"));
	/* The backup's file said another journal mode: this store is WAL. */
	if ((rc = store_exec(store, "PRAGMA journal_mode=WAL")) != 0 ||
	    (rc = store_migrate(store, SCHEMA_VERSION)) != 0)
		return rc;
	if (summary != NULL)
		*summary = from;
	return 0;
}

/* Before a migration: the store as it is, in STORE.pre-vN (N the version
 * to be made), and older STORE.pre-v* removed, so one is kept. */
static int
backup_before_migrate(struct store *store)
{
	char path[4200];
	struct store_summary copy;
	snprintf(path, sizeof path, "%s.pre-v%d", store->path, SCHEMA_VERSION);
	int rc = store_backup(store, path, 1, &copy);
	if (rc != 0)
		return store_seterr(store, rc,
				    _("%s needs schema version %d, and the backup before that "
				      "failed: %s; nothing was changed"),
				    store->path, SCHEMA_VERSION, store_errmsg(store));
	if (copy.version >= SCHEMA_VERSION) {
		/* Another program migrated it meanwhile: nothing to keep. */
		unlink(path);
		return 0;
	}
	/* The older ones go. */
	char dir[4200];
	const char *slash = strrchr(store->path, '/');
	const char *base = slash ? slash + 1 : store->path;
	if (slash == NULL)
		snprintf(dir, sizeof dir, ".");
	else if (slash == store->path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - store->path), store->path);
	DIR *d = opendir(dir);
	if (d == NULL)
		return 0;
	struct dirent *entry;
	size_t n = strlen(base);
	while ((entry = readdir(d)) != NULL) {
		const char *name = entry->d_name;
		if (strncmp(name, base, n) != 0 || strncmp(name + n, ".pre-v", 6) != 0 ||
		    name[n + 6] == '\0' || strspn(name + n + 6, "0123456789") != strlen(name + n + 6) ||
		    atoi(name + n + 6) == SCHEMA_VERSION)
			continue;
		char old[8400];
		snprintf(old, sizeof old, "%s/%s", dir, name);
		unlink(old);
	}
	closedir(d);
	return 0;
}
