/*
 * hedger.c: the hedger in the worker: its start and stop, its venues and
 * feed, and the entry points the worker's loop calls.  What a quote leads
 * to is the hedger core's (engine/hedger_core.h): every quote goes into it
 * once and comes back as rows, written through core_port.c, and orders,
 * sent through the broker's venue.
 */
#include "postgres.h"

#include <math.h>

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "engine/wall_clock.h"
#include "pg/common/engine_glue.h"
#include "pg/hedger/daemon_store.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/internal.h"
#include "pg/hedger/settings.h"
#include "pg/spi/store.h"
#include "pg/venue/session.h"
#include "pg/venue/settings.h"

/* Quotes taken per hedger_poll call, so the worker's latch is seen often. */
#define HEDGER_QUOTES_PER_POLL 500
/* A write that failed pauses taking quotes this long, doubling to the cap (s). */
#define WRITE_PAUSE_MIN_S 1.0
#define WRITE_PAUSE_MAX_S 60.0
/*
 * An order whose answer was lost and that the venue says it does not have
 * is taken as never arrived only after this long past the moment its
 * request left (after rate-limit waits, keep-alives and confirm rounds)
 * plus two HTTP timeouts: a request still on the wire cannot arrive later
 * than that (OKX refuses it after its expTime anyway; IBKR has none).
 */
#define HEDGER_NOT_FOUND_GRACE_S 5.0

hedger_glue G;

bool
hedger_active(void)
{
	return G.active;
}

/* ---- units of the glue's own ------------------------------------------------ */

static void
note_write_failure(const char *err)
{
	ereport(WARNING, (errmsg("bifrost hedger: %s", err)));
	if (!G.write_failed)
		strlcpy(G.write_error, err, sizeof(G.write_error));
	G.write_failed = true;
}

void
hedger_run_unit(const char *activity, void (*fn) (void *), void *arg)
{
	char		err[STORE_ERROR_MAX];

	if (!store_run(activity, fn, arg, err, sizeof(err)))
		note_write_failure(err);
}

/*
 * After a poll: a failed write starts or lengthens the pause of the quote
 * loop and says so in daemon_heartbeat.last_error; a poll that took quotes
 * and wrote everything ends the pause.
 */
static void
settle_write_pause(double wall_now, bool took_quotes)
{
	char		message[STORE_ERROR_MAX + 64];
	char		core_error[512];

	if (hcore_round_failed(G.core, core_error, sizeof(core_error)) && !G.write_failed)
	{
		G.write_failed = true;
		strlcpy(G.write_error, core_error, sizeof(G.write_error));
	}
	if (!G.write_failed)
	{
		if (!took_quotes)
			return;
		if (G.write_pause > 0)
		{
			ereport(LOG, (errmsg("bifrost hedger: writes succeed again; taking quotes")));
			(void) store_note_error("hedging resumed: writes succeed again");
		}
		G.write_pause = 0;
		return;
	}
	G.write_failed = false;
	G.write_pause = G.write_pause > 0 ? Min(2 * G.write_pause, WRITE_PAUSE_MAX_S) : WRITE_PAUSE_MIN_S;
	G.write_resume_at = wall_now + G.write_pause;
	snprintf(message, sizeof(message), "hedging paused %.0f s after a failed write: %s",
			 G.write_pause, G.write_error);
	ereport(WARNING, (errmsg("bifrost hedger: %s", message)));
	(void) store_note_error(message);
}

/* ---- status ------------------------------------------------------------ */

void
hedger_figures_get(hedger_figures *out)
{
	if (!G.active)
	{
		memset(out, 0, sizeof(*out));
		return;
	}
	hcore_figures(G.core, out);
}

typedef struct status_args
{
	const char *reason;
} status_args;

static void
status_work(void *arg)
{
	hedger_figures f;

	if (!store_extension_ready())
		return;
	hedger_figures_get(&f);
	G.write_status(&f, ((status_args *) arg)->reason);
}

/* ---- venues -------------------------------------------------------------- */

static void
close_venues(void)
{
	if (G.quote_venue && G.quote_venue != G.broker_venue)
		venue_session_close(G.quote_venue);
	venue_session_close(G.broker_venue);
	G.quote_venue = NULL;
	G.broker_venue = NULL;
}

/* The broker's and the feed's venues, as bifrost.broker and bifrost.feed name them. */
static bool
open_venues(char *why, size_t whylen)
{
	const char *feed_kind = bifrost_feed == BIFROST_FEED_OKX ? "okx" :
		bifrost_feed == BIFROST_FEED_IBKR ? "ibkr" : NULL;
	char		reason[VENUE_WHY_MAX];

	if (G.set.live)
	{
		const char *name = bifrost_broker_name(bifrost_broker);

		G.broker_venue = venue_session_open(name, G.symbol, reason, sizeof(reason));
		if (G.broker_venue == NULL)
		{
			snprintf(why, whylen, "broker %s: %s", name, reason);
			return false;
		}
		G.set.units_per_lot = G.broker_venue->ops->units_per_lot(G.broker_venue);
		if (!(isfinite(G.set.units_per_lot) && G.set.units_per_lot > 0))
		{
			snprintf(why, whylen, "broker %s: instrument %s has no usable lot size", name, G.symbol);
			close_venues();
			return false;
		}
	}
	if (feed_kind == NULL)
		return true;
	if (G.broker_venue && strcmp(feed_kind, G.broker_venue->ops->name) == 0)
		G.quote_venue = G.broker_venue;
	else
		G.quote_venue = venue_session_open(feed_kind, G.symbol, reason, sizeof(reason));
	if (G.quote_venue == NULL)
	{
		snprintf(why, whylen, "feed %s: %s", feed_kind, reason);
		close_venues();
		return false;
	}
	/* paper trading at a venue's feed sizes in that venue's lots, as live trading would */
	if (!G.set.live && strcmp(feed_kind, bifrost_broker_name(bifrost_broker)) == 0)
	{
		double		units = G.quote_venue->ops->units_per_lot(G.quote_venue);

		if (isfinite(units) && units > 0)
			G.set.units_per_lot = units;
	}
	return true;
}

/* ---- start and stop ------------------------------------------------------ */

static void
start_work(void *arg)
{
	hcore_loaded *a = arg;

	hstore_load_position(G.symbol, &a->position, &a->avg_cost);
	a->have_last_fill = hstore_load_last_fill(G.symbol, &a->last_fill_price, &a->last_fill_ts);
	a->have_last_sent = hstore_load_last_sent(G.symbol, &a->last_sent_ts);
	a->n_open = hstore_load_open_orders(G.symbol, a->open, HEDGE_MAX_OPEN_ORDERS);
	a->flatten_command = store_unfinished_flatten();
}

static void
save_cursor_work(void *arg)
{
	feed_save_cursor((feed *) arg);
}

bool
hedger_start(double wall_now, hedger_status_writer writer, char *why, size_t whylen)
{
	hcore_loaded loaded;
	hcore_port	port;
	const char *bad = NULL;
	status_args status = {NULL};

	if (G.active)
		return true;
	if (G.core == NULL)
		G.core = MemoryContextAllocZero(TopMemoryContext, sizeof(hcore));
	if (G.legs_context)
		MemoryContextDelete(G.legs_context);
	{
		hcore	   *core = G.core;

		memset(&G, 0, sizeof(G));
		G.core = core;
	}
	G.write_status = writer;
	G.holiday_date = INT32_MIN;
	strlcpy(G.day_roll_tz, "America/New_York", sizeof(G.day_roll_tz));
	engine_config_defaults(&G.set.cfg);
	G.set.units_per_lot = 1;
	G.set.symbol = G.symbol;

	hedger_run_unit("bifrost: load config", hedger_load_config_work, NULL);
	if (G.symbol[0] == '\0')
	{
		snprintf(why, whylen, "could not read bifrost.config");
		return false;
	}
	G.set.live = hedger_trading_live();
	G.set.not_found_grace_s = 2.0 * bifrost_http_timeout_ms / 1000.0 + HEDGER_NOT_FOUND_GRACE_S;
	hstore_set_exchange(G.set.live ? bifrost_broker_name(bifrost_broker) : "paper");
	if (!open_venues(why, whylen))
		return false;
	G.set.replay = bifrost_feed == BIFROST_FEED_REPLAY;
	hedger_reload_legs();

	hedger_core_port_init(&port);
	hcore_init(G.core, &G.set, &port, wall_now);
	hcore_set_legs(G.core, G.legs, G.legs_in_lots, G.n_legs, false);

	/* the book as the tables have it, and the orders left open, before deciding anything */
	memset(&loaded, 0, sizeof(loaded));
	hedger_run_unit("bifrost: load book", start_work, &loaded);
	hcore_start(G.core, &loaded, wall_now);

	/* subscribe to quotes before the state machine starts */
	G.feed_p.quote_venue = G.quote_venue;
	G.feed = feed_open(&G.feed_p, wall_now, &bad);
	if (G.feed == NULL)
	{
		snprintf(why, whylen, "%s", bad);
		close_venues();
		return false;
	}
	G.active = true;
	hedger_run_unit("bifrost: status", status_work, &status);
	return true;
}

void
hedger_stop(void)
{
	if (!G.active)
		return;
	hcore_flush_blocked(G.core);
	if (G.feed && feed_is_replay(G.feed))
		hedger_run_unit("bifrost: replay cursor", save_cursor_work, G.feed);
	feed_close(G.feed);
	G.feed = NULL;
	close_venues();
	G.active = false;
}

/* ---- the loop's entry points ----------------------------------------------------- */

double
hedger_next_wake(double wall_now)
{
	if (!G.active)
		return INFINITY;
	/* a pause further ahead than its cap means the clock stepped back: it is over */
	G.write_resume_at = wall_clock_due(G.write_resume_at, wall_now, WRITE_PAUSE_MAX_S);
	return hcore_next_wake(G.core, wall_now, feed_next_due(G.feed, wall_now), G.write_resume_at);
}

static void
read_rows_work(void *arg)
{
	feed_read_rows((feed *) arg);
}

void
hedger_poll(double wall_now, bool suspended, bool broker_connected)
{
	feed_quote	q;
	bool		take_quotes;

	if (!G.active)
		return;
	G.write_resume_at = wall_clock_due(G.write_resume_at, wall_now, WRITE_PAUSE_MAX_S);
	take_quotes = wall_now >= G.write_resume_at;
	G.write_failed = false;
	(void) hcore_round_failed(G.core, NULL, 0);
	for (int n = 0; take_quotes && !G.write_failed && !G.core->write_failed && n < HEDGER_QUOTES_PER_POLL; n++)
	{
		if (feed_needs_rows(G.feed))
		{
			hedger_run_unit("bifrost: read ticks", read_rows_work, G.feed);
			if (feed_needs_rows(G.feed))
				break;
		}
		if (!feed_next(G.feed, wall_now, &q))
			break;
		G.quote_taken_at = GetCurrentTimestamp();
		hcore_quote(G.core, q.ts, q.bid, q.ask, wall_now, suspended, broker_connected);
		CHECK_FOR_INTERRUPTS();
	}
	hcore_round(G.core, wall_now, suspended, broker_connected);
	settle_write_pause(wall_now, take_quotes);
}

void
hedger_heartbeat(double wall_now, bool suspended, bool broker_connected)
{
	if (!G.active)
		return;
	hedger_reload();
	if (!G.active)
		return;
	/* replay decides on its ticks only, so its rows do not depend on timing */
	if (feed_is_replay(G.feed))
		hedger_run_unit("bifrost: replay cursor", save_cursor_work, G.feed);
	hcore_heartbeat(G.core, wall_now, suspended, broker_connected);
}

const char *
hedger_flatten(int64 command_id, double wall_now, bool broker_connected)
{
	if (!G.active)
		return "not flattened: the hedger is not running";
	return hcore_flatten(G.core, command_id, wall_now, broker_connected);
}

const char *
hedger_resume_trading(double wall_now, bool suspended, bool broker_connected)
{
	if (!G.active)
		return "not resumed: the hedger is not running";
	return hcore_resume_trading(G.core, wall_now, suspended, broker_connected);
}
