/*
 * feed.h: where the hedger's quotes come from (bifrost.feed).
 *
 * sim: seeded geometric Brownian motion in real time (src/engine/sim_feed).
 * okx, ibkr: the venue's best bid and ask, asked every bifrost.feed_poll_ms
 * (a quote that fails is skipped; the engine's staleness gate sees the gap).
 * A venue quote is stamped with the venue's own time of it, kept within the
 * request: never before the request started (a venue clock behind ours, or
 * a ticker that has not changed for a while, would make a fresh answer look
 * old), never after its answer arrived (a venue clock ahead of ours would
 * make it look newer than it can be).  A venue that dates its quote more
 * than FEED_VENUE_CLOCK_SKEW_S before the request (a frozen ticker) is
 * believed on its age: see feed_quote_as_of.  Between polls a fresh quote
 * stands for the market.
 * replay: rows of bifrost.ticks in (ts, id) order at feed.replay.speed, on
 * the ticks' own clock: the engine decides at each tick's time, so a replay
 * gives the same rows however fast it runs.  Its position is kept in
 * bifrost.replay_cursors, so a restarted worker continues, never repeats.
 */
#ifndef BIFROST_FEED_H
#define BIFROST_FEED_H

#include "postgres.h"

#include "engine/sim_feed.h"
#include "pg/venue/venue.h"

#define FEED_REPLAY_BATCH 1000
/* How late past its due time the next poll may start before the last quote ages (s). */
#define FEED_POLL_SLACK_S 0.5
/*
 * How far our clock may run ahead of a venue's: a quote the venue dates
 * further back than this before the request started is old by the venue's
 * own word: the engine judges its age from the venue's time.
 */
#define FEED_VENUE_CLOCK_SKEW_S 5.0

typedef struct feed_quote
{
	double		ts;				/* epoch seconds on the feed's clock */
	double		bid;
	double		ask;
	double		last;			/* NAN when unknown */
	int64		tick_id;		/* replay: bifrost.ticks.id; sim: tick index */
} feed_quote;

typedef struct feed_params
{
	int			kind;			/* BIFROST_FEED_* */
	char		symbol[64];
	double		sim_spot,
				sim_vol,
				sim_drift,
				sim_spread_bps,
				sim_tick_ms;
	uint64		sim_seed;
	double		replay_speed;	/* 0 = as fast as possible */
	venue	   *quote_venue;	/* okx, ibkr: opened by the caller, outlives the feed */
} feed_params;

typedef struct feed feed;

/* Opens a feed at wall-clock time wall_now (epoch seconds); NULL with *why for a bad parameter. */
extern feed *feed_open(const feed_params *p, double wall_now, const char **why);
extern void feed_close(feed *f);

/*
 * Wall-clock epoch when the next quote is due; INFINITY when none is known
 * (replay drained).  A venue poll is due at once when the clock stepped back
 * (wall_now: the clock as just read).
 */
extern double feed_next_due(feed *f, double wall_now);

/* The next quote due at wall_now, if any.  A replay that needs rows reads them (SPI connected). */
extern bool feed_next(feed *f, double wall_now, feed_quote *q);

/* A replay out of buffered rows needs a transaction to read more. */
extern bool feed_needs_rows(const feed *f);
extern void feed_read_rows(feed *f);

/*
 * The time as of which the feed vouches for its last quote (stamped
 * quote_ts) when the engine judges it at now.  A polled venue feed asks as
 * often as it is told to: while its last poll answered and the next one is
 * not overdue (due plus FEED_POLL_SLACK_S, for a worker that wakes late),
 * nothing newer can be known, so the quote is current (now) and a heartbeat
 * between polls never finds it stale.  After a failed poll, or once the
 * next poll is overdue, it ages from its stamp like any quote: a venue that
 * stops answering is stale at the first heartbeat after a poll failed.
 * A quote its venue dated old is as old as the venue says, however
 * recently it was polled.  Other feeds, and a quote from the future, keep
 * their stamp.
 */
extern double feed_quote_as_of(const feed *f, double quote_ts, double now);

/* The engine's time at wall_now: the wall clock for sim, the ticks' clock for replay. */
extern double feed_engine_now(const feed *f, double wall_now);

/* Replay only: persist the position after the last quote handed out (SPI connected). */
extern void feed_save_cursor(feed *f);

extern bool feed_is_replay(const feed *f);

#endif							/* BIFROST_FEED_H */
