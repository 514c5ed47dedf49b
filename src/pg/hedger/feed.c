/*
 * feed.c: the sim, replay and venue feeds behind one interface.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "engine/tick_quote.h"
#include "engine/wall_clock.h"
#include "pg/common/engine_glue.h"
#include "pg/hedger/feed.h"
#include "pg/hedger/settings.h"
#include "pg/spi/store.h"

struct feed
{
	feed_params p;
	/* sim */
	sim_feed	sim;
	/* replay */
	feed_quote	rows[FEED_REPLAY_BATCH];
	int			n_rows;
	int			next_row;
	bool		drained;		/* the last read found nothing new */
	double		cursor_ts;		/* after the last row read (epoch), -INFINITY at start */
	int64		cursor_id;
	double		handed_ts;		/* the last quote handed out */
	int64		handed_id;
	bool		cursor_loaded;
	bool		anchored;		/* pace anchor set by the first quote */
	double		anchor_wall;
	double		anchor_ts;
	double		last_ts;		/* ts of the last quote handed out */
	double		last_wall;
	/* okx, ibkr */
	double		next_poll;		/* wall clock */
	double		current_until;	/* wall clock: the last quote stands for the market
								 * until then; -INFINITY after a failed poll */
	double		dated_ts;		/* the venue's time of the last quote when it
								 * dates it old (stale whatever the poll), else
								 * NAN */
	int64		polls;
	char		last_error[VENUE_WHY_MAX];	/* logged once until it changes */
};

static bool
feed_is_venue(const feed *f)
{
	return f->p.kind == BIFROST_FEED_OKX || f->p.kind == BIFROST_FEED_IBKR;
}

feed *
feed_open(const feed_params *p, double wall_now, const char **why)
{
	feed	   *f = MemoryContextAllocZero(TopMemoryContext, sizeof(feed));

	f->p = *p;
	*why = NULL;
	if (p->kind == BIFROST_FEED_SIM)
	{
		if (!sim_feed_init(&f->sim, p->sim_spot, p->sim_vol, p->sim_drift, p->sim_spread_bps,
						   p->sim_tick_ms / 1000.0, p->sim_seed, wall_now))
		{
			*why = "the feed.sim.* settings are out of range";
			pfree(f);
			return NULL;
		}
		return f;
	}
	if (feed_is_venue(f))
	{
		if (p->quote_venue == NULL)
		{
			*why = "the venue of the feed is not open";
			pfree(f);
			return NULL;
		}
		f->next_poll = wall_now;
		f->current_until = -INFINITY;
		f->dated_ts = NAN;
		return f;
	}
	f->cursor_ts = -INFINITY;
	f->handed_ts = -INFINITY;
	f->last_ts = NAN;
	return f;
}

void
feed_close(feed *f)
{
	if (f)
		pfree(f);
}

bool
feed_is_replay(const feed *f)
{
	return f->p.kind == BIFROST_FEED_REPLAY;
}

/* Wall time a replay row is due: paced from the first row handed out. */
static double
replay_due(const feed *f, const feed_quote *q)
{
	if (!f->anchored || f->p.replay_speed <= 0)
		return -INFINITY;
	return f->anchor_wall + (q->ts - f->anchor_ts) / f->p.replay_speed;
}

double
feed_next_due(feed *f, double wall_now)
{
	if (f->p.kind == BIFROST_FEED_SIM)
		return sim_feed_next_ts(&f->sim);
	if (feed_is_venue(f))
	{
		/* a poll further ahead than its interval: the clock stepped back */
		f->next_poll = wall_clock_due(f->next_poll, wall_now, bifrost_feed_poll_ms / 1000.0);
		return f->next_poll;
	}
	if (f->next_row < f->n_rows)
		return replay_due(f, &f->rows[f->next_row]);
	return f->drained ? INFINITY : -INFINITY;
}

bool
feed_needs_rows(const feed *f)
{
	return f->p.kind == BIFROST_FEED_REPLAY && f->next_row >= f->n_rows;
}

void
feed_read_rows(feed *f)
{
	Oid			types[3] = {TEXTOID, TIMESTAMPTZOID, INT8OID};
	Datum		values[3];
	char		nulls[3] = "   ";

	if (!f->cursor_loaded)
	{
		Oid			ctypes[1] = {TEXTOID};
		Datum		cvalues[1] = {CStringGetTextDatum(f->p.symbol)};

		store_exec("SELECT last_ts, last_id FROM bifrost.replay_cursors WHERE symbol = $1",
				   1, ctypes, cvalues, NULL, SPI_OK_SELECT);
		if (SPI_processed == 1)
		{
			bool		isnull;

			f->cursor_ts = timestamptz_to_epoch(DatumGetTimestampTz(
																	SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)));
			f->cursor_id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
			f->handed_ts = f->cursor_ts;
			f->handed_id = f->cursor_id;
		}
		f->cursor_loaded = true;
	}

	values[0] = CStringGetTextDatum(f->p.symbol);
	values[1] = TimestampTzGetDatum(isfinite(f->cursor_ts) ? epoch_to_timestamptz(f->cursor_ts) : 0);
	values[2] = Int64GetDatum(f->cursor_id);
	if (!isfinite(f->cursor_ts))
		nulls[1] = 'n';
	store_exec("SELECT id, extract(epoch FROM ts)::float8, bid::float8, ask::float8, last::float8"
			   " FROM bifrost.ticks WHERE symbol = $1"
			   "   AND ($2::timestamptz IS NULL OR (ts, id) > ($2, $3))"
			   " ORDER BY ts, id LIMIT " CppAsString2(FEED_REPLAY_BATCH),
			   3, types, values, nulls, SPI_OK_SELECT);
	f->n_rows = (int) SPI_processed;
	f->next_row = 0;
	for (int i = 0; i < f->n_rows; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;
		Datum		d;

		f->rows[i].tick_id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		f->rows[i].ts = DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull));
		d = SPI_getbinval(tup, desc, 3, &isnull);
		f->rows[i].bid = isnull ? NAN : DatumGetFloat8(d);
		d = SPI_getbinval(tup, desc, 4, &isnull);
		f->rows[i].ask = isnull ? NAN : DatumGetFloat8(d);
		d = SPI_getbinval(tup, desc, 5, &isnull);
		f->rows[i].last = isnull ? NAN : DatumGetFloat8(d);
		/* a side missing: the backtest's rule (tick_quote.h), so both replay the same quotes */
		tick_quote_complete(&f->rows[i].bid, &f->rows[i].ask, f->rows[i].last);
	}
	if (f->n_rows > 0)
	{
		f->cursor_ts = f->rows[f->n_rows - 1].ts;
		f->cursor_id = f->rows[f->n_rows - 1].tick_id;
	}
	f->drained = (f->n_rows == 0);
}

/*
 * Whether the venue dates its quote further back than our clock can be
 * behind its own: it says the quote is old (a frozen ticker, a halted
 * book), which no clock skew explains.
 */
static bool
venue_quote_dated_old(double venue_ts, double started)
{
	return isfinite(venue_ts) && venue_ts < started - FEED_VENUE_CLOCK_SKEW_S;
}

/*
 * A venue quote's time: the venue's own, within [started, arrived] of our
 * clock (feed.h); the arrival when the venue gave none.
 */
static double
venue_quote_stamp(double venue_ts, double started, double arrived)
{
	if (!isfinite(venue_ts))
		return arrived;
	return Min(Max(venue_ts, started), arrived);
}

/* One quote request; a failure is logged when it is new and the quote skipped. */
static bool
venue_next(feed *f, double wall_now, feed_quote *q)
{
	venue	   *v = f->p.quote_venue;
	venue_quote vq;
	char		why[VENUE_WHY_MAX];
	double		started;
	double		arrived;

	/* wall_now is when the poll of the hedger began: the clock now is later */
	if (!(feed_next_due(f, venue_now()) <= wall_now))
		return false;
	/* paced from now, not from the due time: a slow answer never causes a burst */
	f->next_poll = wall_now + bifrost_feed_poll_ms / 1000.0;
	started = venue_now();
	if (!v->ops->quote(v, &vq, why, sizeof(why)))
	{
		f->current_until = -INFINITY;
		venue_scrub_secrets(&v->params, why);
		if (strcmp(why, f->last_error) != 0)
			ereport(LOG, (errmsg("bifrost: %s feed: %s", v->ops->name, why)));
		strlcpy(f->last_error, why, sizeof(f->last_error));
		return false;
	}
	arrived = venue_now();
	if (f->last_error[0])
		ereport(LOG, (errmsg("bifrost: %s feed: quotes again", v->ops->name)));
	f->last_error[0] = '\0';
	f->next_poll = arrived + bifrost_feed_poll_ms / 1000.0;
	f->current_until = f->next_poll + FEED_POLL_SLACK_S;
	/*
	 * The quote's time stays on our clock (the day, fills and settlements
	 * follow it, never back); only its age is the venue's word.
	 */
	f->dated_ts = venue_quote_dated_old(vq.ts, started) ? vq.ts : NAN;
	q->ts = venue_quote_stamp(vq.ts, started, arrived);
	q->bid = vq.bid;
	q->ask = vq.ask;
	q->last = vq.last;
	q->tick_id = ++f->polls;
	return true;
}

double
feed_quote_as_of(const feed *f, double quote_ts, double now)
{
	if (f != NULL && feed_is_venue(f) && isfinite(f->dated_ts))
		return f->dated_ts;
	if (f == NULL || !feed_is_venue(f) || !(now >= quote_ts) || now > f->current_until)
		return quote_ts;
	return now;
}

bool
feed_next(feed *f, double wall_now, feed_quote *q)
{
	if (feed_is_venue(f))
		return venue_next(f, wall_now, q);
	if (f->p.kind == BIFROST_FEED_SIM)
	{
		sim_quote	sq;
		double		tick_sec = f->p.sim_tick_ms / 1000.0;

		if (!(sim_feed_next_ts(&f->sim) <= wall_now))
			return false;
		/* a worker that fell behind takes the newest tick, not the backlog */
		if (wall_now - sim_feed_next_ts(&f->sim) > 2 * tick_sec &&
			sim_feed_advance_to(&f->sim, wall_now - tick_sec, &sq) >= 0 &&
			!(sim_feed_next_ts(&f->sim) <= wall_now))
		{
			/* the tick advance_to stopped on is the newest one due */
		}
		else if (!sim_feed_next(&f->sim, &sq))
			return false;
		q->ts = sq.ts;
		q->bid = sq.bid;
		q->ask = sq.ask;
		q->last = sq.last;
		q->tick_id = sq.n;
		return true;
	}

	if (f->next_row >= f->n_rows)
		return false;
	/* paced from the first tick with a time: one at -infinity would put every later one at +infinity */
	if (!f->anchored && isfinite(f->rows[f->next_row].ts))
	{
		f->anchored = true;
		f->anchor_wall = wall_now;
		f->anchor_ts = f->rows[f->next_row].ts;
	}
	if (replay_due(f, &f->rows[f->next_row]) > wall_now)
		return false;
	*q = f->rows[f->next_row++];
	f->handed_ts = q->ts;
	f->handed_id = q->tick_id;
	f->last_ts = q->ts;
	f->last_wall = wall_now;
	return true;
}

double
feed_engine_now(const feed *f, double wall_now)
{
	if (f->p.kind != BIFROST_FEED_REPLAY || isnan(f->last_ts))
		return wall_now;
	return f->last_ts + (f->p.replay_speed > 0 ? (wall_now - f->last_wall) * f->p.replay_speed : 0);
}

void
feed_save_cursor(feed *f)
{
	Oid			types[3] = {TEXTOID, TIMESTAMPTZOID, INT8OID};
	Datum		values[3];

	if (f->p.kind != BIFROST_FEED_REPLAY || !isfinite(f->handed_ts))
		return;
	values[0] = CStringGetTextDatum(f->p.symbol);
	values[1] = TimestampTzGetDatum(epoch_to_timestamptz(f->handed_ts));
	values[2] = Int64GetDatum(f->handed_id);
	store_exec("INSERT INTO bifrost.replay_cursors (symbol, last_ts, last_id, updated_at)"
			   " VALUES ($1, $2, $3, now())"
			   " ON CONFLICT (symbol) DO UPDATE SET last_ts = EXCLUDED.last_ts,"
			   " last_id = EXCLUDED.last_id, updated_at = EXCLUDED.updated_at",
			   3, types, values, NULL, SPI_OK_INSERT);
}
