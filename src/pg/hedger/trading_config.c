/*
 * trading_config.c: what the hedger trades with, from the tables: the
 * configuration, the legs of the book, and a change of either while it
 * runs (a new book moves the day's start equity; another instrument, feed
 * or trading mode starts the hedger over once no order is in flight).
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "pg/common/engine_glue.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/internal.h"
#include "pg/hedger/leg_settlement.h"
#include "pg/hedger/settings.h"
#include "pg/spi/store.h"

static double
config_number(const char *text, double fallback)
{
	char	   *end;
	double		x;

	if (text == NULL)
		return fallback;
	x = strtod(text, &end);
	return (end != text && isfinite(x)) ? x : fallback;
}

void
hedger_load_config_work(void *arg)
{
	int			n;
	paper_fill_model *paper = &G.set.paper;

	if (!store_extension_ready())
		return;
	engine_glue_load_config(&G.set.cfg);
	store_config_hash(G.config_hash, sizeof(G.config_hash));
	store_exec("SELECT key, value #>> '{}' FROM bifrost.config WHERE key IN ('symbol', 'day_roll_tz',"
			   " 'feed.sim.spot', 'feed.sim.vol', 'feed.sim.drift', 'feed.sim.tick_ms', 'feed.sim.spread_bps',"
			   " 'feed.sim.seed', 'feed.replay.speed', 'broker.paper.latency_ms', 'broker.paper.slippage_bps',"
			   " 'broker.paper.reject_rate', 'broker.paper.partial_fill_rate', 'broker.paper.fee_per_share', 'broker.paper.fee_bps',"
			   " 'gates.guard.risk.paper_trade')",
			   0, NULL, NULL, NULL, SPI_OK_SELECT);
	n = (int) SPI_processed;
	/* absent means the default: paper */
	G.paper_trade = true;
	for (int i = 0; i < n; i++)
	{
		char	   *key = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		char	   *val = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

		if (strcmp(key, "symbol") == 0 && val)
			strlcpy(G.symbol, val, sizeof(G.symbol));
		else if (strcmp(key, "day_roll_tz") == 0 && val)
			strlcpy(G.day_roll_tz, val, sizeof(G.day_roll_tz));
		else if (strcmp(key, "feed.sim.spot") == 0)
			G.feed_p.sim_spot = config_number(val, 100);
		else if (strcmp(key, "feed.sim.vol") == 0)
			G.feed_p.sim_vol = config_number(val, 0.6);
		else if (strcmp(key, "feed.sim.drift") == 0)
			G.feed_p.sim_drift = config_number(val, 0);
		else if (strcmp(key, "feed.sim.tick_ms") == 0)
			G.feed_p.sim_tick_ms = config_number(val, 200);
		else if (strcmp(key, "feed.sim.spread_bps") == 0)
			G.feed_p.sim_spread_bps = config_number(val, 2);
		else if (strcmp(key, "feed.sim.seed") == 0)
			G.feed_p.sim_seed = (uint64) config_number(val, 42);
		else if (strcmp(key, "feed.replay.speed") == 0)
			G.feed_p.replay_speed = config_number(val, 1);
		else if (strcmp(key, "broker.paper.latency_ms") == 0)
			paper->latency_ms = config_number(val, 50);
		else if (strcmp(key, "broker.paper.slippage_bps") == 0)
			paper->slippage_bps = config_number(val, 1);
		else if (strcmp(key, "broker.paper.reject_rate") == 0)
			paper->reject_rate = config_number(val, 0);
		else if (strcmp(key, "broker.paper.partial_fill_rate") == 0)
			paper->partial_fill_rate = config_number(val, 0);
		else if (strcmp(key, "broker.paper.fee_per_share") == 0)
			paper->fee_per_unit = config_number(val, 0);
		else if (strcmp(key, "broker.paper.fee_bps") == 0)
			paper->fee_bps = config_number(val, 0);
		else if (strcmp(key, "gates.guard.risk.paper_trade") == 0)
			G.paper_trade = !(val && strcmp(val, "false") == 0);
	}
	paper->seed = G.feed_p.sim_seed;
	G.feed_p.kind = bifrost_feed;
	strlcpy(G.feed_p.symbol, G.symbol, sizeof(G.feed_p.symbol));
}

/*
 * A reload reaches the running core at once for the guards and the paper
 * model; another broker, instrument or feed only with a start over.
 */
static void
core_settings_changed(void)
{
	if (!G.active)
		return;
	G.core->set.cfg = G.set.cfg;
	G.core->set.paper = G.set.paper;
}

static bool
legs_expired_by(const engine_leg *legs, int n, double now)
{
	for (int i = 0; i < n; i++)
		if (legs[i].expiry <= now)
			return true;
	return false;
}

typedef struct legs_args
{
	bool		changed;
	MemoryContext context;		/* the new legs' */
	engine_leg *legs;
	engine_leg *legs_in_lots;
	int			n;
	char	   *snapshot;
} legs_args;

/*
 * Reads the legs; when their text differs from the book's, builds new legs
 * in a context of their own (the book's stay valid until the core has
 * valued the change).  The text of an unchanged book is read and dropped
 * with the unit of work.
 */
static void
load_legs_work(void *arg)
{
	legs_args  *a = arg;
	MemoryContext old;
	engine_leg *legs;
	char	   *snapshot;
	int			n;

	a->changed = false;
	if (!store_extension_ready())
		return;
	n = hstore_load_legs(G.symbol, &legs, &snapshot);
	if (G.legs_snapshot && strcmp(snapshot, G.legs_snapshot) == 0)
	{
		/*
		 * The text has no leg ids: an expired leg deleted and inserted again
		 * reads the same, and its new row is only due once the settlements
		 * are read again.  Only while the book holds an expired leg.
		 */
		if (legs_expired_by(G.legs, G.n_legs, G.active ? G.core->now : 0))
		{
			leg_settlement_load(G.symbol);
			leg_settlement_adopt();
		}
		return;
	}
	/* settlements fixed before (by this hedger or an earlier one) value the new legs too */
	leg_settlement_load(G.symbol);
	leg_settlement_adopt();
	leg_settlement_apply(legs, n);
	a->context = AllocSetContextCreate(TopMemoryContext, "bifrost hedger legs", ALLOCSET_SMALL_SIZES);
	old = MemoryContextSwitchTo(a->context);
	a->legs = palloc(sizeof(engine_leg) * Max(n, 1));
	a->legs_in_lots = palloc(sizeof(engine_leg) * Max(n, 1));
	memcpy(a->legs, legs, sizeof(engine_leg) * n);
	a->n = n;
	a->snapshot = pstrdup(snapshot);
	MemoryContextSwitchTo(old);
	a->changed = true;
}

/*
 * Reads the legs and gives a changed book to the core: legs bought or sold
 * are not P&L, so the day's start equity moves by their value and is
 * stored with the legs it now counts.
 */
void
hedger_reload_legs(void)
{
	legs_args	a;
	MemoryContext old_context = G.legs_context;

	memset(&a, 0, sizeof(a));
	hedger_run_unit("bifrost: load legs", load_legs_work, &a);
	if (!a.changed)
		return;
	G.legs_context = a.context;
	G.legs = a.legs;
	G.legs_in_lots = a.legs_in_lots;
	G.n_legs = a.n;
	G.legs_snapshot = a.snapshot;
	if (G.active)
		hcore_set_legs(G.core, G.legs, G.legs_in_lots, G.n_legs, true);
	if (old_context)
		MemoryContextDelete(old_context);
}

/*
 * Orders leave for a venue only when both say so: paper_trade off and a
 * venue broker.  Paper trading with a venue broker fills on the paper
 * model at the feed's quotes and keeps its own book (orders.exchange
 * 'paper'): the venue's account is neither traded nor read.
 */
bool
hedger_trading_live(void)
{
	return !G.paper_trade && bifrost_broker != BIFROST_BROKER_PAPER;
}

static bool
feed_params_equal(const feed_params *a, const feed_params *b)
{
	return a->kind == b->kind && strcmp(a->symbol, b->symbol) == 0 &&
		a->sim_spot == b->sim_spot && a->sim_vol == b->sim_vol &&
		a->sim_drift == b->sim_drift && a->sim_spread_bps == b->sim_spread_bps &&
		a->sim_tick_ms == b->sim_tick_ms && a->sim_seed == b->sim_seed &&
		a->replay_speed == b->replay_speed;
}

/* The worker's switch to another broker endpoint, which it asks for until the hedger has stopped. */
bool
hedger_switch_ready(void)
{
	if (!G.active)
		return true;
	G.broker_switch_wanted = true;
	return hcore_switch_ready(G.core);
}

void
hedger_reload(void)
{
	feed_params feed_before;
	char		symbol_before[sizeof(G.symbol)];
	bool		restart;

	if (!G.active)
		return;
	feed_before = G.feed_p;
	strlcpy(symbol_before, G.symbol, sizeof(symbol_before));
	hedger_run_unit("bifrost: load config", hedger_load_config_work, NULL);
	core_settings_changed();
	restart = !feed_params_equal(&feed_before, &G.feed_p) || G.set.live != hedger_trading_live();
	/* a change taken back before the orders in flight ended: no switch is due any more */
	if (!restart && !G.broker_switch_wanted)
		hcore_switch_cancel(G.core);
	if (restart && !hcore_switch_ready(G.core))
	{
		/* the orders in flight are recorded under the instrument they were sent for */
		G.feed_p = feed_before;
		strlcpy(G.symbol, symbol_before, sizeof(G.symbol));
		hedger_reload_legs();
		return;
	}
	hedger_reload_legs();
	if (restart)
	{
		/* another instrument, feed or feed setting: start over from the tables */
		hedger_status_writer writer = G.write_status;
		char		why[256];

		hedger_stop();
		hedger_start(GetCurrentTimestamp() / 1e6 + BIFROST_UNIX_EPOCH_OFFSET_SEC, writer, why, sizeof(why));
	}
}
