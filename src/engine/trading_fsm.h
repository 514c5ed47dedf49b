/*
 * trading_fsm.h: the trading state machine (whether to hedge).
 *
 * States, events and guard predicates are the reference engine's; the
 * transition rules carry bifrost's corrections:
 *   - NEED_HEDGE only at D2/D3; MONITOR stays MONITOR at D1;
 *   - a tick in NEED_HEDGE (and in NO_TRADE, PAUSE_COST, PAUSE_LIQ)
 *     re-assesses like MONITOR, so no state is sticky;
 *   - the fault events data_stale, greeks_bad, broker_down force SAFE;
 *   - SAFE recovers by itself, via SYNC, once every fault has been clear
 *     for safe_recovery_sec, and by hand with manual_resume or broker_up;
 *   - IDLE arms for any book with something to hedge: an option position
 *     (O1/O2) or, whatever the gamma, exposure (a live leg, a hedge
 *     position or order, a nonzero net delta); with nothing to hedge or
 *     the strategy disabled the armed states fall back to IDLE;
 *   - a quote stamped further in the future than data_lag_threshold_ms
 *     is stale data (classifier_quote_from_future()).
 * One event moves at most one step.  Pure C99.
 */
#ifndef BIFROST_TRADING_FSM_H
#define BIFROST_TRADING_FSM_H

#include <stdbool.h>

#include "engine_config.h"
#include "engine_types.h"

typedef enum trading_state
{
	TS_BOOT,
	TS_SYNC,
	TS_IDLE,
	TS_ARMED,
	TS_MONITOR,
	TS_NO_TRADE,
	TS_PAUSE_COST,
	TS_PAUSE_LIQ,
	TS_NEED_HEDGE,
	TS_HEDGING,
	TS_SAFE
} trading_state;

#define TRADING_STATE_COUNT (TS_SAFE + 1)

typedef enum trading_event
{
	TE_START,
	TE_SYNCED,
	TE_TICK,
	TE_QUOTE,
	TE_GREEKS_UPDATE,
	TE_TARGET_EMITTED,
	TE_HEDGE_DONE,
	TE_HEDGE_FAILED,
	TE_DATA_STALE,
	TE_GREEKS_BAD,
	TE_BROKER_DOWN,
	TE_BROKER_UP,
	TE_MANUAL_RESUME,
	TE_SHUTDOWN
} trading_event;

#define TRADING_EVENT_COUNT (TE_SHUTDOWN + 1)

/* The reference's guard predicates, evaluated on every event. */
typedef struct trading_guards
{
	bool		data_ok;		/* quote usable, fresh and not from the future, spot > 0 */
	bool		data_stale;		/* !data_ok */
	bool		greeks_bad;		/* greeks not sane (portfolio_greeks_sane()) */
	bool		broker_down;	/* E3 or E4 */
	bool		broker_up;		/* !broker_down */
	bool		exec_fault;		/* E3 or E4 (the reference's twin of broker_down) */
	bool		have_option_position;	/* O1 or O2 */
	bool		delta_band_ready;	/* greeks sane, band and threshold set, threshold >= band */
	bool		in_no_trade_band;	/* |net delta| <= epsilon_band */
	bool		cost_ok;		/* spread below extreme and the price has moved enough */
	bool		liquidity_ok;	/* not L2/L3 and spread within max_spread_pct */
	bool		retry_allowed;	/* daily hedge count below its maximum */
	bool		positions_ok;	/* data_ok and not S3 */
	bool		strategy_enabled;
} trading_guards;

#define TRADING_GUARD_COUNT 14

/* Everything the predicates and the transitions look at. */
typedef struct trading_view
{
	engine_dims dims;
	bool		greeks_ok;		/* portfolio_greeks_sane() */
	double		net_delta;		/* shares */
	double		spot;			/* NAN when unknown */
	double		spread_pct;		/* percent of mid, NAN with no quote */
	double		data_lag_ms;	/* quote age, NAN with no quote */
	double		last_hedge_price;	/* NAN when none */
	int			daily_hedge_count;
	bool		force;			/* D3: the price-move part of cost_ok is waived */
} trading_view;

/* Fills every predicate. */
extern void trading_guards_eval(const engine_config *cfg,
								const trading_view *view, trading_guards *out);

/* The guards' names, in struct order, and their values by index. */
extern const char *trading_guard_name(int i);
extern bool trading_guard_value(const trading_guards *g, int i);

/* Any fault SAFE must wait out: data stale, greeks bad, broker down, exec fault. */
extern bool trading_fault_present(const trading_guards *g, trading_event event);

/*
 * The updated "faults clear since" (epoch seconds): NAN while a fault is
 * present, now when the faults have just cleared (prev is NAN), else prev.
 */
extern double trading_faults_clear_since(bool fault, double prev, double now);

/* True when faults have been clear for at least safe_recovery_sec at now. */
extern bool trading_recovery_due(double faults_clear_since, double now,
								 double safe_recovery_sec);

/*
 * One step.  d is the delta dimension (D1 vs D2/D3 matters); has_exposure
 * says the book has something to hedge besides gamma (a live leg, a hedge
 * position or order in flight, a nonzero net delta), so it arms without
 * an option position; recovery_due is trading_recovery_due() of the
 * updated faults-clear time.  Returns the next state (the same state when
 * it stays).
 */
extern trading_state trading_fsm_next(trading_state state, trading_event event,
									  const trading_guards *g, dim_d d,
									  bool has_exposure, bool recovery_due);

/* "MONITOR", ...; "UNKNOWN" out of range. */
extern const char *trading_state_name(trading_state s);

/* "monitor" style lower-case name, for block reasons. */
extern const char *trading_state_lower_name(trading_state s);

/* State names in any case; true and *out set on a match. */
extern bool trading_state_parse(const char *name, trading_state *out);

/* "tick", "manual_resume", ...; "unknown" out of range. */
extern const char *trading_event_name(trading_event e);

/* Event names as bifrost_evaluate() takes them (any case); true and *out set on a match. */
extern bool trading_event_parse(const char *name, trading_event *out);

#endif							/* BIFROST_TRADING_FSM_H */
