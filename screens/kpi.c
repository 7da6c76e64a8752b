/*
 * kpi.c — the managers' figures on one screen: units by state (bars),
 * units out and rent per payer, deliveries by their due day and the value
 * scrapped and written off month by month (sparklines), repairs within
 * the deadline, the latest stocktake, open conflicts.  Up/Down scroll;
 * bars use the width there is.
 */
#include "screen.h"

#include "hmc/conflicts.h"
#include "hmc/i18n.h"
#include "hmc/kpi.h"
#include "hmc/money.h"
#include "hmc/repairs.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <string.h>

#define MAX_STATES 48
#define MAX_PAYERS 5

static struct {
	struct { char state[16]; int64_t units; } states[MAX_STATES];
	int n_states;
	struct { char payer[24]; int64_t units, rent; } payers[MAX_PAYERS];
	int n_payers;
	struct kpi_month months[12];
	int repairs_closed, repairs_within;
	struct reconciliation last;
	char last_id[STOCKTAKE_ID_MAX];
	int64_t conflicts;
	int top;
} k;

static int
add_state(const char *state, const char *area, int64_t units, void *arg)
{
	(void)area;
	(void)arg;
	/* Summed over areas: one bar per state. */
	for (int i = 0; i < k.n_states; i++)
		if (strcmp(k.states[i].state, state) == 0) {
			k.states[i].units += units;
			return 0;
		}
	if (k.n_states < MAX_STATES) {
		xstrlcpy(k.states[k.n_states].state, state, sizeof k.states[0].state);
		k.states[k.n_states++].units = units;
	}
	return 0;
}

static int
add_payer(const char *payer, const char *name, int64_t units, int64_t rent, void *arg)
{
	(void)name;
	(void)arg;
	if (k.n_payers < MAX_PAYERS) {
		xstrlcpy(k.payers[k.n_payers].payer, payer, sizeof k.payers[0].payer);
		k.payers[k.n_payers].units = units;
		k.payers[k.n_payers++].rent = rent;
	}
	return 0;
}

static int
add_repairs(const struct repair_figures *f, void *arg)
{
	(void)arg;
	k.repairs_closed += f->closed;
	k.repairs_within += f->within;
	return 0;
}

static int
latest(const struct stocktake *s, void *arg)
{
	struct store *store = arg;
	if (k.last_id[0] == '\0') {
		xstrlcpy(k.last_id, s->id, sizeof k.last_id);
		stocktake_reconcile(store, s->id, timeutil_local_date(timeutil_now_ms()), &k.last);
	}
	return 0;
}

static void
kpi_enter(struct shell *sh, const char *arg)
{
	struct store *store = shell_store(sh);
	int64_t today = timeutil_local_date(timeutil_now_ms());
	int y, m, d;
	(void)arg;
	memset(&k, 0, sizeof k);
	kpi_states(store, add_state, NULL);
	kpi_payers(store, add_payer, NULL);
	kpi_months(store, today, 12, k.months);
	timeutil_civil_from_days(today, &y, &m, &d);
	repairs_report(store, timeutil_days_from_civil(y, m, 1), today, add_repairs, NULL);
	stocktake_list(store, 1, latest, store);
	k.conflicts = conflicts_open(store);
}

/* The screen's lines, drawn from row `first` of them. */
static void
kpi_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	char lines[96][160];
	int n = 0;
	(void)sh;
	int64_t max = 0;
	for (int i = 0; i < k.n_states; i++)
		if (k.states[i].units > max)
			max = k.states[i].units;
	int bar_width = cols - 18 > 40 ? 40 : cols - 18;
	snprintf(lines[n++], sizeof lines[0], "%s", _("Units by state"));
	for (int i = 0; i < k.n_states && n < 90; i++) {
		char bar[48];
		kpi_bar(k.states[i].units, max, bar_width, bar, sizeof bar);
		snprintf(lines[n++], sizeof lines[0], "%-10.10s%7lld %s", k.states[i].state,
			 (long long)k.states[i].units, bar);
	}
	snprintf(lines[n++], sizeof lines[0], "%s", _("Out per payer, rent a month"));
	for (int i = 0; i < k.n_payers; i++) {
		char rent[48];
		money_format(k.payers[i].rent, rent, sizeof rent);
		snprintf(lines[n++], sizeof lines[0], "%-6.6s%6lld %s", k.payers[i].payer,
			 (long long)k.payers[i].units, rent);
	}
	int64_t delivered[12], gone[12];
	for (int i = 0; i < 12; i++) {
		delivered[i] = k.months[i].delivered;
		gone[i] = k.months[i].scrapped_ore + k.months[i].written_off_ore;
	}
	char spark[64];
	const struct kpi_month *now = &k.months[11], *before = &k.months[10];
	const struct kpi_month *shown = now->delivered ? now : before;
	kpi_sparkline(delivered, 12, spark, sizeof spark);
	snprintf(lines[n++], sizeof lines[0], "%s %s", _("Deliveries"), spark);
	if (shown->delivered)
		snprintf(lines[n++], sizeof lines[0], _("%s on time %lld%% (98%%)"), shown->month,
			 (long long)(100 * shown->on_time / shown->delivered));
	kpi_sparkline(gone, 12, spark, sizeof spark);
	snprintf(lines[n++], sizeof lines[0], "%s %s", _("Scrapped+off"), spark);
	char value[48];
	money_format(now->scrapped_ore + now->written_off_ore, value, sizeof value);
	snprintf(lines[n++], sizeof lines[0], "%s %s", now->month, value);
	if (k.repairs_closed)
		snprintf(lines[n++], sizeof lines[0], _("Repairs on time %d%%"),
			 100 * k.repairs_within / k.repairs_closed);
	if (k.last_id[0]) {
		snprintf(lines[n++], sizeof lines[0], "%s %s", _("Stocktake"), k.last_id);
		snprintf(lines[n++], sizeof lines[0], _("%lld found, %lld missing"),
			 (long long)k.last.found, (long long)k.last.missing);
	}
	snprintf(lines[n++], sizeof lines[0], _("Conflicts open: %lld"), (long long)k.conflicts);

	if (k.top > n - rows)
		k.top = n - rows > 0 ? n - rows : 0;
	for (int row = 0; row < rows && k.top + row < n; row++) {
		const char *line = lines[k.top + row];
		int heading = line[0] && !(line[0] >= '0' && line[0] <= '9') &&
			      strchr(line, ' ') != NULL && k.top + row == 0;
		ui_text(win, row, 0, cols, heading ? A_BOLD : A_NORMAL, "%s", line);
	}
}

static enum result
kpi_up(struct shell *sh)
{
	(void)sh;
	if (k.top > 0)
		k.top--;
	return R_REDRAW;
}

static enum result
kpi_down(struct shell *sh)
{
	(void)sh;
	k.top++;
	return R_REDRAW;
}

static const struct key_binding kpi_keys[] = {
	{ KEY_UP, N_("Up"), kpi_up, NULL },
	{ KEY_DOWN, N_("Down"), kpi_down, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_kpi = {
	"kpi", kpi_enter, NULL, kpi_draw, kpi_keys, NULL, NULL, 0, NULL,
};
