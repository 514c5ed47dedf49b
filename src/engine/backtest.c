/*
 * backtest.c: the hedger core driven by quotes, with a port that keeps the
 * run in memory and hands records to a sink.  The rules are in backtest.h.
 */
#include "backtest.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "calendar.h"
#include "guards.h"
#include "portfolio.h"

#define SECONDS_PER_YEAR PORTFOLIO_SECONDS_PER_YEAR

/* ---- calendars ---- */

/* The day of a calendar holding ts, from a hint (quotes come in time order). */
static int
calendar_day_of(const backtest_calendar *cal, double ts, int *hint)
{
	int			i = *hint;

	if (i < 0 || i >= cal->n_days)
		i = 0;
	while (i > 0 && ts < cal->start[i])
		i--;
	while (i < cal->n_days - 1 && ts >= cal->start[i + 1])
		i++;
	*hint = i;
	return i;
}

/*
 * The New York clock by the fixed rules, a day at a time: within a day
 * with no clock change the local time is the time since its midnight.
 */
static void
rules_clock(backtest *b, double now, engine_clock *out)
{
	engine_clock probe;

	if (b->ny_day_cached && now >= b->ny_day_start && now < b->ny_day_end)
	{
		*out = b->ny_day;
		out->ny_seconds = now - b->ny_day_start;
		return;
	}
	calendar_ny_clock(now, out);
	b->ny_day = *out;
	b->ny_day_start = now - out->ny_seconds;
	b->ny_day_end = b->ny_day_start + 86400;
	calendar_ny_clock(b->ny_day_end - 1, &probe);
	b->ny_day_cached = probe.ny_date == out->ny_date && probe.ny_seconds == 86399;
}

static void
port_clock(void *ctx, double now, engine_clock *out)
{
	backtest   *b = ctx;
	const backtest_calendar *cal = b->p.new_york;
	int			i;

	if (cal == NULL || cal->n_days <= 0)
	{
		rules_clock(b, now, out);
		return;
	}
	i = calendar_day_of(cal, now, &b->cal_hint_ny);
	if (i != b->ny_table_day)
	{
		/* a new day: its date, weekday and closures, once */
		memset(&b->ny_table_clock, 0, sizeof(b->ny_table_clock));
		b->ny_table_clock.ny_date = cal->first_date + i;
		b->ny_table_clock.ny_weekday = calendar_weekday(b->ny_table_clock.ny_date);
		b->ny_table_clock.ny_holiday = cal->holiday ? cal->holiday[i] : false;
		b->ny_table_clock.ny_early_close_min = cal->early_close_min ? cal->early_close_min[i] : -1;
		b->ny_table_day = i;
	}
	*out = b->ny_table_clock;
	out->ny_seconds = now + (cal->utc_offset ? cal->utc_offset[i] : 0) - (double) out->ny_date * 86400.0;
	/* a time outside the table is outside the run: pinned to its ends */
	if (out->ny_seconds < 0)
		out->ny_seconds = 0;
	if (out->ny_seconds >= 86400)
		out->ny_seconds = 86399;
}

static int32_t
trading_date_of(backtest *b, double now)
{
	engine_clock clock;

	switch (b->p.day_roll_kind)
	{
		case BACKTEST_DAY_UTC:
			return (int32_t) floor(now / 86400.0);
		case BACKTEST_DAY_CALENDAR:
			if (b->p.day_roll && b->p.day_roll->n_days > 0)
				return b->p.day_roll->first_date + calendar_day_of(b->p.day_roll, now, &b->cal_hint_roll);
			break;
		case BACKTEST_DAY_NEW_YORK:
			break;
	}
	rules_clock(b, now, &clock);
	return clock.ny_date;
}

static int32_t
port_trading_date(void *ctx, double now)
{
	return trading_date_of(ctx, now);
}

/* ---- the rest of the port ---- */

static bool
port_load_day(void *ctx, int32_t date, double mid, double now, hedge_day_rec *out, char *error, size_t errlen)
{
	(void) ctx;
	(void) date;
	(void) mid;
	(void) now;
	(void) error;
	(void) errlen;
	/* every day of a run starts in the run: no fills, no orders, its start now */
	memset(out, 0, sizeof(*out));
	return true;
}

/* The earliest expiry of a leg not settled yet: no settlement is due before it. */
static void
find_unsettled_from(backtest *b)
{
	b->unsettled_from = INFINITY;
	for (int i = 0; i < b->p.n_legs; i++)
		if (!b->settled[i] && b->legs[i].expiry < b->unsettled_from)
			b->unsettled_from = b->legs[i].expiry;
}

static bool
port_settlement_due(void *ctx, const engine_leg *legs, int n, double now)
{
	backtest   *b = ctx;

	/* asked at every quote: the run's own legs need no loop before their first expiry */
	if (legs == b->legs && n == b->p.n_legs && now < b->unsettled_from)
		return false;
	for (int i = 0; i < n && i < BACKTEST_MAX_LEGS; i++)
		if (legs[i].expiry <= now && !b->settled[i])
			return true;
	return false;
}

static void
port_apply_settlements(void *ctx, engine_leg *legs, int n)
{
	backtest   *b = ctx;

	for (int i = 0; i < n && i < BACKTEST_MAX_LEGS; i++)
		if (b->settled[i])
		{
			legs[i].settlement_price = b->settle_price[i];
			legs[i].settlement = b->settle_style[i];
		}
}

static double
port_quote_as_of(void *ctx, double quote_ts, double now)
{
	(void) ctx;
	(void) now;
	/* a recorded tick vouches for its own time only */
	return quote_ts;
}

static double
port_wall_now(void *ctx)
{
	backtest   *b = ctx;

	return b->core.now;
}

static bool
port_position(void *ctx, double *lots, char *why, size_t whylen)
{
	backtest   *b = ctx;

	(void) why;
	(void) whylen;
	*lots = b->position;
	return true;
}

/* ---- records ---- */

static void
flush_decision(backtest *b)
{
	if (!b->have_pending_decision)
		return;
	if (b->sink.decision)
		b->sink.decision(b->sink.ctx, &b->pending_decision);
	b->have_pending_decision = false;
}

static void
count_block(backtest *b, const char *reason)
{
	backtest_metrics *m = &b->m;

	m->blocked_ticks++;
	for (int i = 0; i < m->n_blocked_reasons; i++)
		if (strcmp(m->blocked[i].reason, reason) == 0)
		{
			m->blocked[i].ticks++;
			return;
		}
	if (m->n_blocked_reasons < BACKTEST_MAX_REASONS)
	{
		snprintf(m->blocked[m->n_blocked_reasons].reason, BACKTEST_REASON_MAX, "%s", reason);
		m->blocked[m->n_blocked_reasons].ticks = 1;
		m->n_blocked_reasons++;
	}
}

/* A blocked decision: counted, and collapsed with the identical ones before it. */
static void
blocked_decision(backtest *b, const hcore_blocked *row)
{
	const engine_output *out = &row->out;
	const char *reason = row->reason ? row->reason : guard_reason_name(out->block_reason);
	const char *state = trading_state_name(out->next_state);
	backtest_decision *d = &b->pending_decision;

	if (reason == NULL)
		reason = "unknown";
	b->m.decisions++;
	count_block(b, reason);
	if (b->have_pending_decision && !d->hedged && d->side == out->intent.side &&
		strcmp(b->pending_reason, reason) == 0 && strcmp(d->trading_state, state) == 0)
	{
		d->until_ts = row->ts;
		d->ticks++;
		return;
	}
	flush_decision(b);
	memset(d, 0, sizeof(*d));
	snprintf(b->pending_reason, sizeof(b->pending_reason), "%s", reason);
	d->ts = row->ts;
	d->until_ts = row->ts;
	d->ticks = 1;
	d->hedged = false;
	d->side = out->intent.side;
	d->qty = out->intent.qty;
	d->net_delta = out->net_delta;
	d->mid = out->spot;
	d->trading_state = state;
	d->block_reason = b->pending_reason;
	d->why = out->dims.d == DIM_D3_FORCE_HEDGE ? "D3" : "D2";
	b->have_pending_decision = true;
}

static backtest_open_order *
find_open(backtest *b, const char *client_order_id, int *index)
{
	for (int i = 0; i < b->n_open; i++)
		if (strcmp(b->open[i].client_order_id, client_order_id) == 0)
		{
			*index = i;
			return &b->open[i];
		}
	return NULL;
}

static void
close_open(backtest *b, int i)
{
	b->open[i] = b->open[--b->n_open];
}

static void
intent_row(backtest *b, hcore_unit *u, const hcore_row *r)
{
	const hedge_intent_rec *in = &r->u.intent;
	hedge_order_rec *o = &u->intent_order;
	backtest_decision d;

	flush_decision(b);
	b->orders_made++;
	b->m.decisions++;
	b->m.hedges++;
	memset(o, 0, sizeof(*o));
	o->order_id = b->orders_made;
	snprintf(o->client_order_id, sizeof(o->client_order_id), "bt%lld", (long long) b->orders_made);
	o->side = in->side;
	o->qty = in->qty;
	o->placed_at = r->ts;
	o->decision_mid = in->mid;
	snprintf(o->status, sizeof(o->status), "CREATED");
	snprintf(o->state_reason, sizeof(o->state_reason), "%s", in->state_reason ? in->state_reason : "");
	if (b->n_open < HEDGE_MAX_OPEN_ORDERS)
	{
		backtest_open_order *k = &b->open[b->n_open++];

		k->order_no = b->orders_made;
		snprintf(k->client_order_id, sizeof(k->client_order_id), "%s", o->client_order_id);
		k->decided_at = r->ts;
		k->decision_mid = in->mid;
	}
	memset(&d, 0, sizeof(d));
	d.ts = r->ts;
	d.until_ts = r->ts;
	d.ticks = 1;
	d.hedged = true;
	d.side = in->side;
	d.qty = in->qty;
	d.net_delta = in->net_delta;
	d.mid = in->mid;
	d.trading_state = trading_state_name(b->core.led.state);
	d.block_reason = NULL;
	d.why = in->state_reason;
	if (b->sink.decision)
		b->sink.decision(b->sink.ctx, &d);
}

/* An order that ended with nothing filled. */
static void
unfilled_row(backtest *b, const hcore_row *r, bool rejected)
{
	const hedge_order_rec *o = &r->u.order.order;
	backtest_open_order *k;
	backtest_order rec;
	int			i;

	k = find_open(b, o->client_order_id, &i);
	memset(&rec, 0, sizeof(rec));
	rec.order_no = k ? k->order_no : o->order_id;
	rec.decided_at = k ? k->decided_at : o->placed_at;
	rec.ts = r->ts;
	rec.side = o->side;
	rec.qty = o->qty;
	rec.filled_qty = 0;
	rec.status = rejected ? "REJECTED" : "CANCELLED";
	rec.price = NAN;
	rec.fee = 0;
	rec.decision_mid = k ? k->decision_mid : o->decision_mid;
	rec.fill_mid = NAN;
	rec.realized_pnl = NAN;
	rec.position_after = b->position;
	rec.avg_cost_after = NAN;
	rec.reason = r->u.order.reason;
	if (rejected)
		b->m.rejects++;
	if (k)
		close_open(b, i);
	if (b->sink.order)
		b->sink.order(b->sink.ctx, &rec);
}

static void
fill_row(backtest *b, const hcore_row *r)
{
	const hedge_fill_rec *f = &r->u.fill.rec;
	const hedge_order_rec *o = &r->u.fill.order;
	double		units = (double) f->filled_qty * b->p.set.units_per_lot;
	double		bid = b->core.bid,
				ask = b->core.ask;
	double		mid = (bid + ask) / 2;
	double		far = o->side == HEDGE_BUY ? ask : bid;
	double		signed_units = o->side == HEDGE_BUY ? units : -units;
	double		fee = isfinite(f->fee) ? f->fee : 0;
	backtest_open_order *k;
	backtest_order rec;
	int			i;

	k = find_open(b, o->client_order_id, &i);
	memset(&rec, 0, sizeof(rec));
	rec.order_no = k ? k->order_no : o->order_id;
	rec.decided_at = k ? k->decided_at : o->placed_at;
	rec.ts = f->ts;
	rec.side = o->side;
	rec.qty = o->qty;
	rec.filled_qty = f->filled_qty;
	rec.status = f->filled_qty < o->qty ? "PARTIAL" : "FILLED";
	rec.price = f->price;
	rec.fee = fee;
	rec.decision_mid = k ? k->decision_mid : o->decision_mid;
	rec.fill_mid = mid;
	rec.spread_cost = units * fabs(far - mid);
	rec.slippage_cost = units * fabs(f->price - far);
	rec.realized_pnl = f->realized_pnl;
	rec.position_after = f->position_after;
	rec.avg_cost_after = f->avg_cost_after;
	rec.reason = f->filled_qty < o->qty ? PAPER_REASON_PARTIAL : NULL;

	b->cash -= signed_units * f->price + fee;
	b->position = f->position_after;
	b->m.attribution.spread += rec.spread_cost;
	b->m.attribution.slippage += rec.slippage_cost;
	b->m.attribution.fees += fee;
	b->m.fills++;
	if (f->filled_qty < o->qty)
		b->m.partials++;
	b->m.turnover_units += units;
	b->m.turnover_value += units * f->price;
	if (k)
		close_open(b, i);
	if (b->sink.order)
		b->sink.order(b->sink.ctx, &rec);
}

static void
settle_row(backtest *b, const hcore_row *r)
{
	for (int i = 0; i < b->p.n_legs; i++)
		if (b->legs[i].expiry <= r->ts && !b->settled[i])
		{
			b->settled[i] = true;
			b->settle_price[i] = r->u.settle.price;
			b->settle_style[i] = r->u.settle.style;
		}
	find_unsettled_from(b);
}

/* Every unit commits: the run's memory is its table. */
static bool
port_write(void *ctx, hcore_unit *u, char *error, size_t errlen)
{
	backtest   *b = ctx;

	(void) error;
	(void) errlen;
	for (int i = 0; i < u->n_rows; i++)
	{
		const hcore_row *r = &u->rows[i];

		switch (r->kind)
		{
			case HROW_BLOCKED:
				for (int j = 0; j < r->u.blocked.n; j++)
					blocked_decision(b, &r->u.blocked.rows[j]);
				break;
			case HROW_RISK_EVENT:
				b->m.risk_events++;
				break;
			case HROW_SETTLE:
				settle_row(b, r);
				break;
			case HROW_INTENT:
				intent_row(b, u, r);
				break;
			case HROW_ORDER_REJECTED:
				unfilled_row(b, r, true);
				break;
			case HROW_ORDER_CANCELLED:
				unfilled_row(b, r, false);
				break;
			case HROW_FILL:
				fill_row(b, r);
				break;
			case HROW_STATUS:
			case HROW_DAY_START:
			case HROW_POSITION:
			case HROW_ADJUSTMENT:
			case HROW_ORDER_SENT:
			case HROW_ORDER_UNKNOWN:
			case HROW_COMMAND_RESULT:
				break;
		}
	}
	return true;
}

/* ---- money ---- */

static double
hedge_value(const backtest *b, double position, double mid)
{
	return position * b->p.set.units_per_lot * mid;
}

static void
fill_sample(backtest *b, double ts, backtest_sample *s)
{
	const backtest_attribution *a = &b->m.attribution;

	memset(s, 0, sizeof(*s));
	s->ts = ts;
	s->mid = b->last_mid;
	s->position = b->position;
	s->cash = b->cash;
	s->hedge_value = hedge_value(b, b->position, b->last_mid);
	s->legs_value = b->legs_value;
	s->equity = b->equity;
	s->pnl = b->equity - b->start_equity;
	s->net_delta = b->core.led.have_out ? b->core.led.last_out.net_delta : NAN;
	s->drawdown = isfinite(b->peak) && b->peak > b->equity ? b->peak - b->equity : 0;
	s->trading_state = trading_state_name(b->core.led.state);
	s->attribution = *a;
	s->attribution.residual = s->pnl - (a->delta + a->gamma + a->theta + a->vega + a->financing -
										a->spread - a->slippage - a->fees);
}

static void
emit_sample(backtest *b, double ts)
{
	backtest_sample s;

	if (isfinite(b->sample_mid) && b->sample_mid > 0 && b->last_mid > 0)
	{
		double		r = log(b->last_mid / b->sample_mid);

		b->sum_sq_log_returns += r * r;
	}
	b->sample_mid = b->last_mid;
	b->sample_ts = ts;
	b->last_sample_ts = ts;
	b->m.samples++;
	if (b->sink.sample)
	{
		fill_sample(b, ts, &s);
		b->sink.sample(b->sink.ctx, &s);
	}
}

/*
 * The closing equity of each trading day, after the start equity: their
 * differences are the daily P&L.
 */
static void
track_day(backtest *b, double ts)
{
	int32_t		day = trading_date_of(b, ts);

	if (b->n_closes == 0)
		b->closes[b->n_closes++] = b->start_equity;
	if (b->n_closes == 1 || day != b->day)
	{
		if (b->n_closes == BACKTEST_MAX_DAYS + 1)
		{
			/* beyond BACKTEST_MAX_DAYS days the oldest are dropped: never past the array */
			memmove(b->closes, b->closes + 1, sizeof(double) * BACKTEST_MAX_DAYS);
			b->n_closes--;
		}
		b->n_closes++;
		b->day = day;
		b->m.trading_days++;
	}
	b->closes[b->n_closes - 1] = b->equity;
}

/*
 * At the first usable quote, before the core sees it: the equity the P&L
 * is measured from (the legs and the start position at its mid, no cash),
 * so that what the core does at that quote (a warm start may trade) is P&L.
 */
static void
start_money(backtest *b, double ts, double mid)
{
	/* the legs as the core prices them at this quote (the figures its decision will use) */
	const portfolio_book *book = hcore_book(&b->core, mid, ts);
	double		value = book->value;
	double		vega_sum = 0,
				weighted = 0;

	b->book_delta = book->unit_delta;
	b->book_gamma = book->unit_gamma;
	b->book_theta = book->theta;
	b->book_vega = book->vega;
	b->legs_value = value;
	b->last_mid = mid;
	b->last_ts = ts;
	b->equity = b->cash + hedge_value(b, b->position, mid) + value;
	b->started = true;
	b->start_equity = b->equity;
	b->peak = b->equity;
	(void) drawdown_tracker_add(&b->dd, ts, b->equity);
	b->m.first_ts = ts;
	b->m.capital = b->p.capital > 0 ? b->p.capital : fabs(value) + fabs(hedge_value(b, b->position, mid));
	for (int i = 0; i < b->p.n_legs; i++)
	{
		const engine_leg *l = &b->legs[i];
		double		t = (l->expiry - ts) / SECONDS_PER_YEAR;
		double		vol = isnan(l->implied_vol) ? b->p.set.cfg.volatility : l->implied_vol;

		if (t > 0)
		{
			bs_greeks	g;
			double		v;

			bs_greeks_all(l->right, mid, l->strike, t, b->p.set.cfg.risk_free_rate,
						  b->p.set.cfg.dividend_yield, vol, &g);
			v = fabs(l->quantity * l->multiplier * g.vega);
			vega_sum += v;
			weighted += v * vol;
		}
	}
	b->m.implied_vol = vega_sum > 0 ? weighted / vega_sum : NAN;
	b->next_sample_ts = ts;
}

/* After the core has seen a usable quote: the money moves to it. */
static void
mark(backtest *b, double ts, double mid, double position_before)
{
	/* the legs' value and greeks in units, as the core priced them for its decision */
	const portfolio_book *book = hcore_book(&b->core, mid, ts);
	double		value = book->value;
	backtest_attribution *a = &b->m.attribution;

	if (b->state_before >= 0 && b->state_before < TRADING_STATE_COUNT)
		b->m.state_seconds[b->state_before] += ts - b->last_ts;
	{
		double		ds = mid - b->last_mid;
		double		dt = (ts - b->last_ts) / SECONDS_PER_YEAR;

		a->delta += (b->book_delta + position_before * b->p.set.units_per_lot) * ds;
		a->gamma += 0.5 * b->book_gamma * ds * ds;
		a->theta += b->book_theta * dt;
	}
	b->book_delta = book->unit_delta;
	b->book_gamma = book->unit_gamma;
	b->book_theta = book->theta;
	b->book_vega = book->vega;
	b->legs_value = value;
	b->last_mid = mid;
	b->last_ts = ts;
	b->equity = b->cash + hedge_value(b, b->position, mid) + value;
	b->m.last_ts = ts;
	b->state_before = b->core.led.state;
	(void) drawdown_tracker_add(&b->dd, ts, b->equity);
	if (!isfinite(b->peak) || b->equity > b->peak)
		b->peak = b->equity;
	track_day(b, ts);
	if (ts >= b->next_sample_ts)
	{
		emit_sample(b, ts);
		/* the next multiple of the interval after ts, counted from the first quote */
		b->next_sample_ts = b->m.first_ts +
			(floor((ts - b->m.first_ts) / b->p.sample_interval_s) + 1) * b->p.sample_interval_s;
		b->sample_due_at_end = false;
	}
	else
		b->sample_due_at_end = true;
	if (b->p.trace_ticks && b->sink.tick)
	{
		backtest_sample s;

		fill_sample(b, ts, &s);
		b->sink.tick(b->sink.ctx, &s);
	}
}

/* ---- the driver ---- */

bool
backtest_params_check(const backtest_params *p, char *why, size_t whylen)
{
	if (p->n_legs < 0 || p->n_legs > BACKTEST_MAX_LEGS)
	{
		snprintf(why, whylen, "a book has at most %d legs, not %d", BACKTEST_MAX_LEGS, p->n_legs);
		return false;
	}
	for (int i = 0; i < p->n_legs; i++)
	{
		const engine_leg *l = &p->legs[i];

		if (!(isfinite(l->strike) && l->strike > 0 && isfinite(l->expiry) && isfinite(l->quantity) &&
			  isfinite(l->multiplier) && l->multiplier > 0 &&
			  (isnan(l->implied_vol) || (isfinite(l->implied_vol) && l->implied_vol > 0))))
		{
			snprintf(why, whylen, "leg %d is not a valid option leg (strike, expiry, quantity, multiplier, vol)",
					 i + 1);
			return false;
		}
	}
	for (int i = 0; i < p->n_legs; i++)
		if (!(p->legs[i].strike >= BS_MIN_PRICE && p->legs[i].strike <= BS_MAX_PRICE &&
			  (isnan(p->legs[i].implied_vol) ||
			   (p->legs[i].implied_vol >= BS_MIN_SIGMA && p->legs[i].implied_vol <= BS_MAX_SIGMA)) &&
			  fabs(p->legs[i].quantity) <= ENGINE_MAX_QUANTITY && p->legs[i].multiplier <= ENGINE_MAX_MULTIPLIER))
		{
			snprintf(why, whylen, "leg %d is outside what the engine prices (strike in [%g, %g], vol in [%g, %g])",
					 i + 1, BS_MIN_PRICE, BS_MAX_PRICE, BS_MIN_SIGMA, BS_MAX_SIGMA);
			return false;
		}
	if (!(isfinite(p->start_position) && fabs(p->start_position) <= 1e12))
	{
		snprintf(why, whylen, "start position %g is not a number of lots", p->start_position);
		return false;
	}
	if (!(isnan(p->start_avg_cost) || (isfinite(p->start_avg_cost) && p->start_avg_cost > 0)))
	{
		snprintf(why, whylen, "start average cost %g is not a price", p->start_avg_cost);
		return false;
	}
	if (!(isfinite(p->rate) && p->rate >= -1 && p->rate <= 1))
	{
		snprintf(why, whylen, "rate %g is outside [-1, 1]", p->rate);
		return false;
	}
	if (!(isfinite(p->sample_interval_s) && p->sample_interval_s >= 1 && p->sample_interval_s <= 366 * 86400.0))
	{
		snprintf(why, whylen, "sample interval %g s is outside [1 s, 366 days]", p->sample_interval_s);
		return false;
	}
	if (!(p->periods_per_year == 252 || p->periods_per_year == 365))
	{
		snprintf(why, whylen, "periods per year %g is neither 252 nor 365", p->periods_per_year);
		return false;
	}
	if (!(isfinite(p->capital) && p->capital >= 0))
	{
		snprintf(why, whylen, "capital %g is not an amount", p->capital);
		return false;
	}
	if (!paper_fill_model_valid(&p->set.paper))
	{
		snprintf(why, whylen, "the fill model is out of its ranges (latency, slippage, rates, fees)");
		return false;
	}
	if (!(p->set.units_per_lot >= ENGINE_MIN_UNITS_PER_LOT && p->set.units_per_lot <= ENGINE_MAX_UNITS_PER_LOT))
	{
		snprintf(why, whylen, "units per lot %g is outside [%g, %g]", p->set.units_per_lot,
				 ENGINE_MIN_UNITS_PER_LOT, ENGINE_MAX_UNITS_PER_LOT);
		return false;
	}
	return true;
}

void
backtest_init(backtest *b, const backtest_params *p, const backtest_sink *sink)
{
	memset(b, 0, sizeof(*b));
	b->p = *p;
	if (sink)
		b->sink = *sink;
	b->p.set.live = false;
	b->p.set.replay = true;
	if (b->p.n_legs < 0)
		b->p.n_legs = 0;
	if (b->p.n_legs > BACKTEST_MAX_LEGS)
		b->p.n_legs = BACKTEST_MAX_LEGS;
	memcpy(b->legs, p->legs, sizeof(engine_leg) * (size_t) b->p.n_legs);
	find_unsettled_from(b);
	b->position = p->start_position;
	b->peak = NAN;
	b->sample_mid = NAN;
	b->last_ts = -INFINITY;
	b->seen_ts = -INFINITY;
	b->last_sample_ts = -INFINITY;
	b->state_before = -1;
	b->ny_table_day = -1;
	drawdown_tracker_init(&b->dd);
	b->m.sharpe = NAN;
	b->m.sortino = NAN;
	b->m.realized_vol = NAN;
	b->m.implied_vol = NAN;
	b->m.first_ts = NAN;
	b->m.last_ts = NAN;
	b->m.winning_days_pct = NAN;
	b->m.profit_factor = NAN;
}

static void
start_core(backtest *b, double ts, double mid)
{
	hcore_port	port;
	hcore_loaded loaded;

	memset(&port, 0, sizeof(port));
	port.ctx = b;
	port.write = port_write;
	port.clock = port_clock;
	port.trading_date = port_trading_date;
	port.load_day = port_load_day;
	port.settlement_due = port_settlement_due;
	port.apply_settlements = port_apply_settlements;
	port.quote_as_of = port_quote_as_of;
	port.wall_now = port_wall_now;
	port.position = port_position;
	port.broker_name = "paper";
	hcore_init(&b->core, &b->p.set, &port, ts);
	hcore_set_legs(&b->core, b->legs, b->legs_in_lots, b->p.n_legs, false);
	memset(&loaded, 0, sizeof(loaded));
	loaded.position = b->p.start_position;
	loaded.avg_cost = b->p.start_position != 0 ?
		(isnan(b->p.start_avg_cost) ? mid : b->p.start_avg_cost) : 0;
	hcore_start(&b->core, &loaded, ts);
}

/* States a running hedger has left behind. */
static bool
starting_state(trading_state s)
{
	return s == TS_BOOT || s == TS_SYNC || s == TS_IDLE || s == TS_ARMED;
}

void
backtest_feed(backtest *b, const backtest_quote *quotes, int n)
{
	for (int k = 0; k < n; k++)
	{
		const backtest_quote *q = &quotes[k];
		bool		usable;
		bool		warm = false;
		double		position_before;

		b->m.quotes++;
		/* time runs one way: a quote dated before one already seen is left out */
		if (!isfinite(q->ts) || q->ts < b->seen_ts)
			continue;
		b->seen_ts = q->ts;
		usable = hcore_quote_usable(q->bid, q->ask);
		if (!b->core_started)
		{
			if (!usable)
				continue;
			start_core(b, q->ts, (q->bid + q->ask) / 2);
			b->core_started = true;
		}
		if (usable && b->started)
		{
			double		grow = expm1(b->p.rate * (q->ts - b->last_ts) / SECONDS_PER_YEAR);

			b->m.attribution.financing += b->cash * grow;
			b->cash += b->cash * grow;
		}
		position_before = b->position;
		if (usable && !b->started)
		{
			start_money(b, q->ts, (q->bid + q->ask) / 2);
			warm = b->p.warm_start;
		}
		hcore_quote(&b->core, q->ts, q->bid, q->ask, q->ts, false, true);
		if (warm)
		{
			/* a hedger running before the range: its machine has armed by the first quote */
			for (int step = 0; step < 5 && b->orders_made == 0; step++)
			{
				trading_state before = b->core.led.state;

				if (!starting_state(before) && before != TS_MONITOR)
					break;
				hcore_quote(&b->core, q->ts, q->bid, q->ask, q->ts, false, true);
				if (b->core.led.state == before)
					break;
			}
		}
		hcore_flush_blocked(&b->core);
		if (!usable)
			continue;
		b->m.quotes_used++;
		mark(b, q->ts, (q->bid + q->ask) / 2, position_before);
	}
}

void
backtest_finish(backtest *b)
{
	backtest_metrics *m = &b->m;
	drawdown	dd;
	int			n_returns;

	if (b->core_started)
		hcore_flush_blocked(&b->core);
	flush_decision(b);
	if (!b->started)
		return;
	if (b->sample_due_at_end && b->last_ts > b->last_sample_ts)
		emit_sample(b, b->last_ts);
	/* orders the range ended before they filled: recorded, never lost */
	for (int i = 0; i < b->n_open; i++)
	{
		const backtest_open_order *k = &b->open[i];
		const hcore_order *p = NULL;
		backtest_order rec;

		for (int j = 0; j < b->core.led.n_pending; j++)
			if (strcmp(b->core.led.pending[j].order.client_order_id, k->client_order_id) == 0)
				p = &b->core.led.pending[j];
		memset(&rec, 0, sizeof(rec));
		rec.order_no = k->order_no;
		rec.decided_at = k->decided_at;
		rec.ts = b->last_ts;
		rec.side = p ? p->order.side : HEDGE_BUY;
		rec.qty = p ? p->order.qty : 0;
		rec.status = "CANCELLED";
		rec.price = NAN;
		rec.decision_mid = k->decision_mid;
		rec.fill_mid = NAN;
		rec.realized_pnl = NAN;
		rec.position_after = b->position;
		rec.avg_cost_after = NAN;
		rec.reason = "the range ended before it filled";
		m->unfilled_at_end++;
		if (b->sink.order && rec.qty > 0)
			b->sink.order(b->sink.ctx, &rec);
	}
	b->n_open = 0;
	m->start_equity = b->start_equity;
	m->end_equity = b->equity;
	m->pnl = b->equity - b->start_equity;
	m->cash = b->cash;
	m->hedge_value = hedge_value(b, b->position, b->last_mid);
	m->legs_value = b->legs_value;
	m->position = b->position;
	m->replication_cost = -(b->cash + m->hedge_value + b->legs_value);
	m->attribution.residual = m->pnl - (m->attribution.delta + m->attribution.gamma + m->attribution.theta +
										m->attribution.vega + m->attribution.financing -
										m->attribution.spread - m->attribution.slippage - m->attribution.fees);
	drawdown_tracker_result(&b->dd, &dd);
	m->max_drawdown = dd.max_drawdown;
	m->max_drawdown_peak_ts = dd.peak_ts;
	m->max_drawdown_trough_ts = dd.trough_ts;
	m->longest_drawdown_s = dd.longest_s;
	/* in place: each return is written over a close no later return reads */
	n_returns = metrics_daily_returns(b->closes, b->n_closes, m->capital > 0 ? m->capital : 1.0, b->closes);
	b->n_closes = 0;
	{
		int			wins = 0;
		double		gains = 0,
					losses = 0;

		for (int i = 0; i < n_returns; i++)
		{
			wins += b->closes[i] > 0;
			if (b->closes[i] > 0)
				gains += b->closes[i];
			else
				losses -= b->closes[i];
		}
		m->winning_days_pct = n_returns > 0 ? 100.0 * wins / n_returns : NAN;
		m->profit_factor = losses > 0 ? gains / losses : NAN;
	}
	m->sharpe = metrics_sharpe(b->closes, n_returns, b->p.periods_per_year);
	m->sortino = metrics_sortino(b->closes, n_returns, b->p.periods_per_year);
	if (b->m.first_ts < b->sample_ts && m->samples > 1)
		m->realized_vol = sqrt(b->sum_sq_log_returns / ((b->sample_ts - m->first_ts) / SECONDS_PER_YEAR));
}
