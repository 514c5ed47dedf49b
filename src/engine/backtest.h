/*
 * backtest.h: a market replayed through the hedger core.
 *
 * The driver is the hedger core (hedger_core.h) with a port of its own:
 * the rows the core writes become records handed to a sink (the SQL glue
 * writes them to the backtest tables, the unit tests count them), the
 * clock is the quotes' clock, orders go to the paper fill model (replay
 * rule: an order decided at t fills at the first quote at or after t +
 * latency, at the far side plus slippage, with the model's fees and its
 * seeded rejects and partial fills).  So a backtest decides, orders and
 * fills with the very code the worker runs, and the same quotes with the
 * same settings give the same records, bit for bit.
 *
 * What the driver adds is the money a hedger's tables do not keep: the
 * cash account financed at a rate, the equity curve and the attribution
 * of its changes, and the run's metrics (backtest_metrics.h).
 *
 * Per quote (mid S, time t, book greeks at the previous quote S0, t0):
 *   delta     = (option delta + hedge position) x (S - S0): the hedge's
 *               imperfection, which the band and the threshold allow
 *   gamma     = ½ Γ (S - S0)²
 *   theta     = Θ (t - t0), Θ per year of calendar time (actual/365)
 *   vega      = ν Δσ: 0 while the legs' volatilities stay as configured
 *   financing = cash x (e^{r (t - t0)} - 1), cash financed at r
 *   costs     = per fill, in money: spread (filled units x |far side -
 *               mid|), slippage (filled units x |price - far side|), fees
 *   residual  = the P&L change less all of the above (higher orders, the
 *               legs' settlement, the discreteness of the steps)
 * Greeks are the book's in units of the underlying (the legs' multipliers
 * included), so every column is money in the quote currency.
 *
 * Equity = cash + hedge position x units per lot x mid + the legs' value
 * (their model value at mid until the expiry, then what they settled
 * into); P&L = equity - the equity at the first quote.  Cash starts at 0
 * (the legs are owned, their premium paid before the run), so the
 * replication cost of the book, the cost of creating its payoff by
 * hedging, is -(cash + hedge value + the legs' value) at the end.
 *
 * Pure C99, no PostgreSQL header; no allocation: the caller owns the
 * driver (a large struct) and the records live until the sink returns.
 */
#ifndef BIFROST_BACKTEST_H
#define BIFROST_BACKTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "backtest_metrics.h"
#include "hedger_core.h"

/* Legs of one book. */
#define BACKTEST_MAX_LEGS 64
/* Trading days whose closing equity the Sharpe and Sortino ratios use (about 27 years). */
#define BACKTEST_MAX_DAYS 10000
/* Distinct block reasons counted. */
#define BACKTEST_MAX_REASONS 48
/* Calendar days a caller's calendar may hold. */
#define BACKTEST_MAX_CALENDAR_DAYS 40000
#define BACKTEST_REASON_MAX 48

typedef struct backtest_quote
{
	double		ts;				/* epoch seconds */
	double		bid;
	double		ask;
} backtest_quote;

/*
 * Local days of a market, for a clock without a time-zone database: day i
 * is the local date first_date + i, which starts at start[i] (epoch
 * seconds of its local midnight) and whose wall clock is utc_offset[i]
 * seconds ahead of UTC from its small hours on (the offset at noon: a
 * daylight-saving change happens at night, before any session opens).
 * The New York calendar gives the engine's clock (with holiday and
 * early_close_min from the exchange's table); the day-roll calendar the
 * trading date.  A time outside the table is outside the run.
 */
typedef struct backtest_calendar
{
	int32_t		first_date;
	int			n_days;
	double	   *start;			/* n_days + 1 entries: the last is the end of the last day */
	double	   *utc_offset;		/* seconds; NULL for a day-roll calendar */
	bool	   *holiday;		/* NULL for a day-roll calendar */
	int		   *early_close_min;	/* NULL for a day-roll calendar; -1 for none */
} backtest_calendar;

typedef enum backtest_day_roll
{
	BACKTEST_DAY_NEW_YORK,		/* the trading date in America/New_York (fixed DST rules) */
	BACKTEST_DAY_UTC,			/* the UTC date */
	BACKTEST_DAY_CALENDAR		/* params.day_roll */
} backtest_day_roll;

typedef struct backtest_params
{
	/* how the hedger trades: cfg, paper (its fees included), units_per_lot, symbol */
	hcore_settings set;
	engine_leg	legs[BACKTEST_MAX_LEGS];
	int			n_legs;
	double		start_position; /* lots of the hedge held at the first quote */
	double		start_avg_cost; /* per unit; NAN: the first mid */
	double		rate;			/* financing of the cash, annual, continuous */
	double		sample_interval_s;	/* equity sample every so many seconds of quotes, > 0 */
	double		periods_per_year;	/* Sharpe and Sortino: 252 or 365 */
	double		capital;		/* returns are P&L over it; 0: over |legs' value at start| */
	bool		trace_ticks;	/* a tick record per quote */
	bool		warm_start;		/* the first quote finds the hedger running (see backtest_run) */

	/* clocks: NULL calendars use the fixed rules (calendar_ny_clock) */
	const backtest_calendar *new_york;
	backtest_day_roll day_roll_kind;
	const backtest_calendar *day_roll;
} backtest_params;

/* ---- records ---- */

typedef struct backtest_decision
{
	double		ts;				/* the first tick of the run of identical decisions */
	double		until_ts;		/* its last tick */
	int64_t		ticks;			/* how many ticks decided so */
	bool		hedged;			/* an order went out (else blocked) */
	hedge_side	side;
	int64_t		qty;
	double		net_delta;		/* lots */
	double		mid;
	const char *trading_state;	/* the next state */
	const char *block_reason;	/* NULL when hedged */
	const char *why;			/* D2, D3 */
} backtest_decision;

typedef struct backtest_order
{
	int64_t		order_no;		/* 1, 2, ... in the run */
	double		decided_at;
	double		ts;				/* fill or reject time */
	hedge_side	side;
	int64_t		qty;			/* ordered, lots */
	int64_t		filled_qty;		/* lots */
	const char *status;			/* FILLED, PARTIAL, REJECTED */
	double		price;			/* per unit; NAN when nothing filled */
	double		fee;			/* quote currency */
	double		decision_mid;
	double		fill_mid;		/* the mid of the quote it filled at; NAN when rejected */
	double		spread_cost;
	double		slippage_cost;
	double		realized_pnl;	/* NAN when the fill only opens or adds */
	double		position_after; /* lots */
	double		avg_cost_after;
	const char *reason;			/* of a reject or partial */
} backtest_order;

/* Cumulative money figures of the attribution (quote currency). */
typedef struct backtest_attribution
{
	double		delta;
	double		gamma;
	double		theta;
	double		vega;
	double		spread;			/* costs are >= 0 and lower the P&L */
	double		slippage;
	double		fees;
	double		financing;
	double		residual;
} backtest_attribution;

typedef struct backtest_sample
{
	double		ts;
	double		mid;
	double		position;		/* lots */
	double		cash;
	double		hedge_value;
	double		legs_value;
	double		equity;
	double		pnl;
	double		net_delta;		/* lots, NAN before the engine's first decision */
	double		drawdown;		/* from the peak so far, >= 0 */
	const char *trading_state;
	backtest_attribution attribution;
} backtest_sample;

typedef struct backtest_sink
{
	void	   *ctx;
	/* each optional */
	void		(*decision) (void *ctx, const backtest_decision *d);
	void		(*order) (void *ctx, const backtest_order *o);
	void		(*sample) (void *ctx, const backtest_sample *s);
	void		(*tick) (void *ctx, const backtest_sample *s);	/* trace_ticks */
} backtest_sink;

/* ---- results ---- */

typedef struct backtest_reason_count
{
	char		reason[BACKTEST_REASON_MAX];
	int64_t		ticks;
} backtest_reason_count;

typedef struct backtest_metrics
{
	int64_t		quotes;			/* handed to the run */
	int64_t		quotes_used;	/* usable ones (finite, bid <= ask, priced) */
	double		first_ts,
				last_ts;
	double		start_equity,
				end_equity;
	double		pnl;
	backtest_attribution attribution;
	double		replication_cost;	/* -(cash + hedge value + legs' value) at the end */
	double		cash;			/* at the end, financed */
	double		hedge_value;
	double		legs_value;
	double		position;		/* lots at the end */
	double		max_drawdown;
	double		max_drawdown_peak_ts,
				max_drawdown_trough_ts;
	double		longest_drawdown_s;
	double		sharpe;
	double		sortino;
	int			trading_days;
	double		winning_days_pct;	/* percent of the days' P&L above 0; NAN without a day */
	double		profit_factor;	/* the winning days' P&L over the losing days'; NAN without a loss */
	double		capital;
	int64_t		decisions;		/* evaluations that wanted to hedge */
	int64_t		hedges;			/* orders sent */
	int64_t		fills;
	int64_t		rejects;
	int64_t		partials;
	double		turnover_units; /* units of the underlying traded */
	double		turnover_value; /* their value at the fill prices */
	double		realized_vol;	/* of the mid over the samples, annual, calendar time */
	double		implied_vol;	/* the book's: its legs' vols weighted by |vega| at the start */
	backtest_reason_count blocked[BACKTEST_MAX_REASONS];
	int			n_blocked_reasons;
	int64_t		blocked_ticks;
	int64_t		samples;
	int64_t		risk_events;
	/* quote time the hedger spent in each trading state (a run SAFE throughout says why it never hedged) */
	double		state_seconds[TRADING_STATE_COUNT];
	int64_t		unfilled_at_end;	/* orders still in flight when the quotes ran out */
} backtest_metrics;

/* ---- the driver ---- */

typedef struct backtest_open_order
{
	int64_t		order_no;
	char		client_order_id[HEDGE_CLIENT_ORDER_ID_MAX];
	double		decided_at;
	double		decision_mid;
} backtest_open_order;

typedef struct backtest
{
	backtest_params p;
	backtest_sink sink;
	hcore		core;
	engine_leg	legs[BACKTEST_MAX_LEGS];
	engine_leg	legs_in_lots[BACKTEST_MAX_LEGS];

	/* the port's state */
	int64_t		orders_made;
	backtest_open_order open[HEDGE_MAX_OPEN_ORDERS];
	int			n_open;
	double		position;		/* lots, as the rows say */
	bool		settled[BACKTEST_MAX_LEGS];
	double		unsettled_from; /* the earliest expiry of a leg not settled, INFINITY for none */
	double		settle_price[BACKTEST_MAX_LEGS];
	settlement_style settle_style[BACKTEST_MAX_LEGS];
	int			cal_hint_ny;	/* calendar lookups start here: quotes come in time order */
	int			cal_hint_roll;
	/* the New York day of the last clock read by the fixed rules, when no clock change falls in it */
	bool		ny_day_cached;
	int			ny_table_day;	/* the day of new_york whose clock ny_table_clock holds, -1 for none */
	engine_clock ny_table_clock;
	double		ny_day_start,
				ny_day_end;
	engine_clock ny_day;

	bool		core_started;
	int			state_before;	/* the trading state after the last mark, -1 before it */
	double		seen_ts;		/* the latest quote's time, usable or not */

	/* money */
	bool		started;		/* the first usable quote has been marked */
	double		cash;
	double		last_ts;
	double		last_mid;
	double		book_delta,
				book_gamma,
				book_theta,
				book_vega;		/* greeks of the legs at the last quote, units */
	double		legs_value;
	double		start_equity;
	double		equity;
	double		peak;
	double		peak_ts;
	double		next_sample_ts;
	double		last_sample_ts;	/* the curve's last point: the one at the end is never the same */
	bool		sample_due_at_end;
	double		sum_sq_log_returns;
	double		sample_mid;
	double		sample_ts;

	/* the decision being collapsed */
	bool		have_pending_decision;
	backtest_decision pending_decision;
	char		pending_reason[BACKTEST_REASON_MAX];

	/* the start equity, then the closing equity of each trading day */
	int32_t		day;
	double		closes[BACKTEST_MAX_DAYS + 1];	/* the daily returns replace them at the end */
	int			n_closes;

	drawdown_tracker dd;
	backtest_metrics m;
	char		error[256];
	bool		failed;
} backtest;

/*
 * Checks the parameters: false with why (errlen bytes) when the run cannot
 * start (no legs is fine: a hedge position alone; a leg that is not a
 * valid engine leg, a sample interval, a rate or a year that is not
 * finite and in range, a paper model out of its ranges).
 */
extern bool backtest_params_check(const backtest_params *p, char *why, size_t whylen);

/* Sets up a run; the parameters are copied. */
extern void backtest_init(backtest *b, const backtest_params *p, const backtest_sink *sink);

/*
 * Replays quotes in time order (a quote earlier than the last is left out
 * and counted as unusable).  Call as often as there are batches.  With
 * warm_start the first usable quote is decided again until the state
 * machine settles (BOOT, SYNC, IDLE, ARMED, MONITOR: at most five steps at
 * that same quote), as a hedger already running when the range starts
 * would have been: no decision ever sees a later quote.
 */
extern void backtest_feed(backtest *b, const backtest_quote *quotes, int n);

/* Ends the run: the last sample, the collapsed decisions, the metrics. */
extern void backtest_finish(backtest *b);

#endif							/* BIFROST_BACKTEST_H */
