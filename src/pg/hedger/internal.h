/*
 * internal.h: what the files of the worker's hedger share, behind
 * the public hedger.h: hedger.c (start, stop, venues, the feed, the entry
 * points), trading_config.c (configuration and legs from the tables) and
 * core_port.c (the hedger core's port: its rows into the tables, its
 * orders to the venue, the clock and the day from the database).
 */
#ifndef BIFROST_HEDGER_INTERNAL_PG_H
#define BIFROST_HEDGER_INTERNAL_PG_H

#include "postgres.h"

#include "datatype/timestamp.h"

#include "engine/hedger_core.h"
#include "pg/hedger/feed.h"
#include "pg/hedger/hedger.h"
#include "pg/venue/venue.h"

typedef struct hedger_glue
{
	bool		active;
	hedger_status_writer write_status;
	hcore	   *core;			/* TopMemoryContext, for the life of the process */

	/* configuration */
	char		config_hash[16];
	char		symbol[64];
	char		day_roll_tz[64];
	feed_params feed_p;
	bool		paper_trade;	/* gates.guard.risk.paper_trade */
	hcore_settings set;

	/* the venues: NULL for paper and for the sim and replay feeds */
	venue	   *broker_venue;
	venue	   *quote_venue;	/* may be broker_venue */

	/* the legs, in legs_context (replaced as a whole when the book changes) */
	MemoryContext legs_context;
	engine_leg *legs;
	engine_leg *legs_in_lots;
	int			n_legs;
	char	   *legs_snapshot;	/* jsonb text of the legs */

	feed	   *feed;
	TimestampTz quote_taken_at; /* wall clock when the last quote came in */

	/* the worker waits to connect to another broker endpoint (hedger_switch_ready) */
	bool		broker_switch_wanted;

	/* holidays of the New York date last looked up */
	int32		holiday_date;
	bool		holiday;
	int			early_close_min;

	/*
	 * Writes that fail (a damaged table, a full disk) would fail again on
	 * every quote; the quote loop pauses instead, longer each time.
	 */
	bool		write_failed;	/* in this poll, outside the core's units */
	char		write_error[512];
	double		write_pause;	/* seconds of the current pause, 0 when none */
	double		write_resume_at;	/* wall clock */
} hedger_glue;

extern hedger_glue G;

/* trading_config.c: bifrost.config into G (inside store_run), the legs into G and the core. */
extern void hedger_load_config_work(void *arg);
extern void hedger_reload_legs(void);
/* Orders leave for a venue: paper_trade off and a venue broker. */
extern bool hedger_trading_live(void);

/* The core's port, writing through store_run and trading through G's venues. */
extern void hedger_core_port_init(hcore_port *port);

/* A unit of the glue's own (reading config, legs, ticks): a failure pauses the quotes like the core's. */
extern void hedger_run_unit(const char *activity, void (*fn) (void *), void *arg);

#endif							/* BIFROST_HEDGER_INTERNAL_PG_H */
