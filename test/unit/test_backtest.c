/*
 * test_backtest.c: the backtest driver against published hedging results
 * (Hull's weekly table, the Derman-Kamal discrete-hedging law, Ahmad and
 * Wilmott's volatility arbitrage), and its own rules: the fill model at
 * the first quote at or after the latency, fees, the attribution adding
 * up, determinism and no look-ahead.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backtest.h"
#include "bs.h"
#include "rng.h"
#include "sim_feed.h"
#include "unit.h"

#define T0 1767632400.0			/* 2026-01-05 17:00 UTC, a Monday */
#define YEAR (365.0 * 86400.0)
#define PI 3.14159265358979323846

static backtest B;

/* Settings that hedge every quote to the whole delta: no band, no timing gate, no cost. */
static void
plain_params(backtest_params *p)
{
	memset(p, 0, sizeof(*p));
	p->set.symbol = "TEST";
	engine_config_defaults(&p->set.cfg);
	p->set.cfg.trading_hours_only = false;
	p->set.cfg.epsilon_band = 0;
	p->set.cfg.threshold_hedge_shares = 0.5;
	p->set.cfg.max_delta_limit = 1e9;
	p->set.cfg.min_hedge_shares = 1;
	p->set.cfg.cooldown_seconds = 0;
	p->set.cfg.max_hedge_shares_per_order = 1000000000;
	p->set.cfg.min_price_move_pct = 0;
	p->set.cfg.max_daily_hedge_count = 1000000;
	p->set.cfg.max_position_shares = 1000000000;
	p->set.cfg.max_daily_loss_usd = 1e12;
	p->set.cfg.stale_ts_threshold_ms = 86400000;
	p->set.cfg.data_lag_threshold_ms = 3600000;
	p->set.cfg.settlement = SETTLEMENT_PHYSICAL;
	p->set.units_per_lot = 1;
	p->set.paper.seed = 7;
	p->start_avg_cost = NAN;
	p->sample_interval_s = 86400;
	p->periods_per_year = 365;
	p->warm_start = true;
	p->day_roll_kind = BACKTEST_DAY_UTC;
}

static void
one_leg(backtest_params *p, bs_right right, double strike, double expiry, double quantity,
		double multiplier, double vol)
{
	engine_leg *l = &p->legs[p->n_legs++];

	memset(l, 0, sizeof(*l));
	l->right = right;
	l->strike = strike;
	l->expiry = expiry;
	l->quantity = quantity;
	l->multiplier = multiplier;
	l->implied_vol = vol;
}

/* ---- Hull: short 100,000 calls hedged weekly on the printed path ---- */

static const double hull_path_a[21] = {
	49.00, 48.12, 47.37, 50.25, 51.75, 53.12, 53.00, 51.87, 51.38, 53.00, 49.88,
	48.50, 49.88, 50.37, 52.13, 51.88, 52.87, 54.87, 54.62, 55.87, 57.25
};

static int	hull_orders;
static double hull_first_buy;

static void
hull_order(void *ctx, const backtest_order *o)
{
	(void) ctx;
	if (hull_orders++ == 0)
		hull_first_buy = o->side == HEDGE_BUY ? (double) o->filled_qty : -(double) o->filled_qty;
}

static void
test_hull(void)
{
	backtest_params p;
	backtest_sink sink;
	backtest_quote q[21];
	double		week = YEAR / 52;

	plain_params(&p);
	p.set.cfg.volatility = 0.2;
	p.set.cfg.risk_free_rate = 0.05;
	p.set.cfg.dividend_yield = 0;
	p.rate = 0.05;
	one_leg(&p, BS_CALL, 50, T0 + 20 * week, -1000, 100, 0.2);
	memset(&sink, 0, sizeof(sink));
	sink.order = hull_order;
	for (int i = 0; i < 21; i++)
	{
		q[i].ts = T0 + i * week;
		q[i].bid = q[i].ask = hull_path_a[i];
	}
	backtest_init(&B, &p, &sink);
	backtest_feed(&B, q, 21);
	backtest_finish(&B);
	printf("Hull path A (short 100,000 calls, S0 49, K 50, r 5%%, vol 20%%, weekly): replication cost %.0f"
		   " (Hull 263,300), first hedge %+.0f shares (Hull 52,200), %lld orders, end position %.0f\n",
		   B.m.replication_cost, hull_first_buy, (long long) B.m.hedges, B.m.position);
	CHECK_NEAR_ABS(B.m.replication_cost, 263300, 500);
	CHECK_NEAR_ABS(hull_first_buy, 52200, 100);
	CHECK(B.m.hedges >= 19 && B.m.hedges <= 21);
	/* delivered: the short calls took the 100,000 shares held */
	CHECK_NEAR_ABS(B.m.position, 100000, 1);
	CHECK(B.m.rejects == 0);
}

/* ---- one simulated path, sold or bought option hedged N times ---- */

typedef struct path_run
{
	double		pv_pnl;			/* present value at the start of the P&L, premium included */
} path_run;

/*
 * An option of quantity contracts (multiplier 100) bought or sold at
 * premium (per unit), hedged at hedge_vol n_steps times over T on a GBM
 * path (drift mu, vol sigma) of seed; the P&L in present value per unit.
 */
static double
hedged_path(uint64_t seed, int n_steps, double T, double S0, double K, double r, double mu,
			double sigma, double hedge_vol, double quantity, double premium)
{
	backtest_params p;
	sim_feed	f;
	backtest_quote q;
	double		units = fabs(quantity) * 100;
	double		dt_s = T * YEAR / n_steps;

	plain_params(&p);
	p.set.cfg.volatility = hedge_vol;
	p.set.cfg.risk_free_rate = r;
	p.set.cfg.dividend_yield = 0;
	p.set.cfg.settlement = SETTLEMENT_CASH;
	p.rate = r;
	p.sample_interval_s = T * YEAR;
	one_leg(&p, BS_CALL, K, T0 + T * YEAR, quantity, 100, hedge_vol);
	backtest_init(&B, &p, NULL);
	(void) sim_feed_init(&f, S0, sigma, mu, 0, dt_s, seed, T0);
	for (int i = 0; i <= n_steps; i++)
	{
		sim_quote s;

		(void) sim_feed_next(&f, &s);
		q.ts = s.ts;
		/* a locked quote at the model's mid: no spread, no rounding */
		q.bid = q.ask = s.mid;
		backtest_feed(&B, &q, 1);
	}
	backtest_finish(&B);
	if (getenv("BT_VERBOSE"))
		printf("seed %llu: %lld hedges, %lld blocked ticks, first %s\n", (unsigned long long) seed,
			   (long long) B.m.hedges, (long long) B.m.blocked_ticks,
			   B.m.n_blocked_reasons ? B.m.blocked[0].reason : "-");
	/* cash started at 0: the premium paid (or received) grew at r meanwhile */
	return (B.m.cash + B.m.hedge_value + B.m.legs_value) * exp(-r * T) / units -
		(quantity > 0 ? premium : -premium);
}

static void
mean_sd(const double *x, int n, double *mean, double *sd)
{
	double		s = 0,
				ss = 0;

	for (int i = 0; i < n; i++)
		s += x[i];
	*mean = s / n;
	for (int i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = sqrt(ss / (n - 1));
}

#define DK_SEEDS 5000

static void
test_derman_kamal(void)
{
	static double pnl[DK_SEEDS];
	double		S = 100, K = 100, r = 0.05, sigma = 0.2, T = 1.0 / 12;
	double		premium = bs_price(BS_CALL, S, K, T, r, 0, sigma);
	double		mean21, sd21, mean84, sd84;
	bs_greeks	g;

	bs_greeks_all(BS_CALL, S, K, T, r, 0, sigma, &g);
	for (int i = 0; i < DK_SEEDS; i++)
		pnl[i] = hedged_path(1000 + i, 21, T, S, K, r, r, sigma, sigma, -1000, premium);
	mean_sd(pnl, DK_SEEDS, &mean21, &sd21);
	for (int i = 0; i < DK_SEEDS; i++)
		pnl[i] = hedged_path(1000 + i, 84, T, S, K, r, r, sigma, sigma, -1000, premium);
	mean_sd(pnl, DK_SEEDS, &mean84, &sd84);
	printf("Derman-Kamal (short call S=K=100, vol 20%%, r 5%%, T 1/12, %d seeds): sd of PV P&L %.4f at N=21"
		   " (0.428; law %.4f), %.4f at N=84 (0.215; law %.4f), ratio %.3f (2); means %.4f, %.4f\n",
		   DK_SEEDS, sd21, sqrt(PI / (4 * 21)) * g.vega * sigma, sd84, sqrt(PI / (4 * 84)) * g.vega * sigma,
		   sd21 / sd84, mean21, mean84);
	CHECK_NEAR_REL(sd21, 0.428, 0.04);
	CHECK_NEAR_REL(sd84, 0.215, 0.04);
	CHECK_NEAR_REL(sd21 / sd84, 2.0, 0.04);
	/* hedged at the true vol, the mean is about 0 */
	CHECK(fabs(mean21) < 4 * sd21 / sqrt(DK_SEEDS) + 0.01);
}

#define AW_SEEDS 2000
#define AW_STEPS 500

static void
test_ahmad_wilmott(void)
{
	static double pnl[AW_SEEDS];
	double		S = 100, K = 100, r = 0.05, mu = 0.10, sigma = 0.30, implied = 0.20, T = 1;
	double		premium = bs_price(BS_CALL, S, K, T, r, 0, implied);
	double		mean_a, sd_a, mean_i, sd_i;

	for (int i = 0; i < AW_SEEDS; i++)
		pnl[i] = hedged_path(5000 + i, AW_STEPS, T, S, K, r, mu, sigma, sigma, 1000, premium);
	mean_sd(pnl, AW_SEEDS, &mean_a, &sd_a);
	for (int i = 0; i < AW_SEEDS; i++)
		pnl[i] = hedged_path(5000 + i, AW_STEPS, T, S, K, r, mu, sigma, implied, 1000, premium);
	mean_sd(pnl, AW_SEEDS, &mean_i, &sd_i);
	printf("Ahmad-Wilmott (long call bought at 20%% vol, actual 30%%, mu 10%%, %d seeds x %d steps):"
		   " hedged at actual %.4f +- %.4f (3.7807), at implied %.4f +- %.4f (3.7430)\n",
		   AW_SEEDS, AW_STEPS, mean_a, sd_a / sqrt(AW_SEEDS), mean_i, sd_i / sqrt(AW_SEEDS));
	CHECK_NEAR_ABS(mean_a, 3.7807, 3 * sd_a / sqrt(AW_SEEDS));
	CHECK_NEAR_ABS(mean_i, 3.7430, 3 * sd_i / sqrt(AW_SEEDS));
	/* hedging at the actual vol removes most of the path's randomness */
	CHECK(sd_a < sd_i / 3);
}

/* ---- the driver's own rules ---- */

#define MAX_RECORDS 4096

typedef struct recorder
{
	backtest_decision decisions[MAX_RECORDS];
	int			n_decisions;
	backtest_order orders[MAX_RECORDS];
	int			n_orders;
	backtest_sample samples[MAX_RECORDS];
	int			n_samples;
	int			n_ticks;
} recorder;

static recorder R,
			R2;

static void
rec_decision(void *ctx, const backtest_decision *d)
{
	recorder   *r = ctx;

	if (r->n_decisions < MAX_RECORDS)
	{
		r->decisions[r->n_decisions] = *d;
		/* the reason's buffer is reused: keep a static name instead */
		r->decisions[r->n_decisions].block_reason = d->block_reason ? "blocked" : NULL;
		r->n_decisions++;
	}
}

static void
rec_order(void *ctx, const backtest_order *o)
{
	recorder   *r = ctx;

	if (r->n_orders < MAX_RECORDS)
		r->orders[r->n_orders++] = *o;
}

static void
rec_sample(void *ctx, const backtest_sample *s)
{
	recorder   *r = ctx;

	if (r->n_samples < MAX_RECORDS)
		r->samples[r->n_samples++] = *s;
}

static void
rec_tick(void *ctx, const backtest_sample *s)
{
	recorder   *r = ctx;

	(void) s;
	r->n_ticks++;
}

static backtest_sink
recording(recorder *r)
{
	backtest_sink sink;

	memset(r, 0, sizeof(*r));
	memset(&sink, 0, sizeof(sink));
	sink.ctx = r;
	sink.decision = rec_decision;
	sink.order = rec_order;
	sink.sample = rec_sample;
	sink.tick = rec_tick;
	return sink;
}

/* Short 10 calls at 100, 30 days out, at 30 % vol: about -520 shares of delta at 100. */
static void
short_calls(backtest_params *p)
{
	plain_params(p);
	p->set.cfg.volatility = 0.3;
	one_leg(p, BS_CALL, 100, T0 + 30 * 86400.0, -10, 100, 0.3);
}

static void
test_fill_model(void)
{
	backtest_params p;
	backtest_sink sink = recording(&R);
	backtest_quote q[] = {
		{T0, 100.00, 100.02},
		{T0 + 0.5, 101.00, 101.02},	/* before the latency: no fill */
		{T0 + 1.25, 102.00, 102.04},	/* the first at or after t + 1 s: the fill */
		{T0 + 2, 103.00, 103.02},
	};
	const backtest_order *o;
	double		units,
				price;

	short_calls(&p);
	p.set.paper.latency_ms = 1000;
	p.set.paper.slippage_bps = 10;
	p.set.paper.fee_per_unit = 0.01;
	p.set.paper.fee_bps = 1;
	p.set.cfg.cooldown_seconds = 60;
	backtest_init(&B, &p, &sink);
	backtest_feed(&B, q, 4);
	backtest_finish(&B);
	CHECK(R.n_orders == 1);
	if (R.n_orders != 1)
		return;
	o = &R.orders[0];
	units = (double) o->filled_qty;
	price = ceil(102.04 * 1.001 * 10000) / 10000;	/* a BUY rounds up to the grid */
	CHECK(o->side == HEDGE_BUY);
	CHECK(strcmp(o->status, "FILLED") == 0);
	CHECK(o->decided_at == T0);
	CHECK(o->ts == T0 + 1.25);
	CHECK_NEAR_ABS(o->price, price, 1e-9);
	CHECK_NEAR_ABS(o->decision_mid, 100.01, 1e-9);
	CHECK_NEAR_ABS(o->fill_mid, 102.02, 1e-9);
	CHECK_NEAR_ABS(o->fee, units * 0.01 + units * price * 1e-4, 1e-9);
	CHECK_NEAR_ABS(o->spread_cost, units * 0.02, 1e-6);
	CHECK_NEAR_ABS(o->slippage_cost, units * (price - 102.04), 1e-6);
	CHECK(units > 400 && units < 700);
	CHECK_NEAR_ABS(B.m.attribution.fees, o->fee, 1e-9);
	CHECK_NEAR_ABS(B.m.attribution.spread, o->spread_cost, 1e-9);
	CHECK_NEAR_ABS(B.m.attribution.slippage, o->slippage_cost, 1e-9);
	/* cash paid the fill and its fee, grown at the (zero) rate */
	CHECK_NEAR_ABS(B.m.cash, -(units * price + o->fee), 1e-6);
	CHECK_NEAR_ABS(B.m.turnover_units, units, 1e-9);
	/* the cooldown held every later decision back, each tick counted */
	CHECK(B.m.hedges == 1);
	CHECK(B.m.fills == 1);
	/* the figures add up: the P&L is its attribution, the residual included */
	CHECK_NEAR_ABS(B.m.pnl, B.m.end_equity - B.m.start_equity, 1e-9);
	CHECK_NEAR_ABS(B.m.replication_cost, -(B.m.cash + B.m.hedge_value + B.m.legs_value), 1e-9);
	CHECK(R.n_ticks == 0);
}

/* A path of quotes a second apart from a seeded GBM, spread 2 bps. */
static int
gbm_quotes(backtest_quote *q, int n, uint64_t seed, double vol)
{
	sim_feed	f;

	(void) sim_feed_init(&f, 100, vol, 0, 2, 1.0, seed, T0);
	for (int i = 0; i < n; i++)
	{
		sim_quote s;

		(void) sim_feed_next(&f, &s);
		q[i].ts = s.ts;
		q[i].bid = s.bid;
		q[i].ask = s.ask;
	}
	return n;
}

#define PATH 3000
static backtest_quote path1[PATH],
			path2[PATH];

/* Settings with every usual gate: band, threshold, cooldown, latency, rejects and partial fills. */
static void
realistic(backtest_params *p)
{
	short_calls(p);
	p->legs[0].quantity = -100;
	p->set.cfg.epsilon_band = 10;
	p->set.cfg.threshold_hedge_shares = 25;
	p->set.cfg.min_hedge_shares = 10;
	p->set.cfg.cooldown_seconds = 20;
	p->set.paper.latency_ms = 150;
	p->set.paper.slippage_bps = 1;
	p->set.paper.reject_rate = 0.1;
	p->set.paper.partial_fill_rate = 0.2;
	p->set.paper.fee_per_unit = 0.005;
	p->sample_interval_s = 60;
}

static bool
same_decision(const backtest_decision *a, const backtest_decision *b)
{
	return a->ts == b->ts && a->until_ts == b->until_ts && a->ticks == b->ticks && a->hedged == b->hedged &&
		a->side == b->side && a->qty == b->qty && a->net_delta == b->net_delta &&
		(a->block_reason == NULL) == (b->block_reason == NULL) && strcmp(a->trading_state, b->trading_state) == 0;
}

static bool
same_order(const backtest_order *a, const backtest_order *b)
{
	return a->order_no == b->order_no && a->decided_at == b->decided_at && a->ts == b->ts &&
		a->side == b->side && a->qty == b->qty && a->filled_qty == b->filled_qty &&
		strcmp(a->status, b->status) == 0 && (a->price == b->price || (isnan(a->price) && isnan(b->price))) &&
		a->fee == b->fee;
}

static void
test_determinism_and_look_ahead(void)
{
	backtest_params p;
	backtest_sink sink;
	int			cut = PATH / 2;
	double		t_cut;
	int			n_before = 0,
				orders_before = 0;
	bool		same = true;
	backtest_metrics first;

	realistic(&p);
	gbm_quotes(path1, PATH, 11, 0.8);
	sink = recording(&R);
	backtest_init(&B, &p, &sink);
	backtest_feed(&B, path1, PATH);
	backtest_finish(&B);
	first = B.m;
	CHECK(B.m.hedges > 5);
	CHECK(B.m.rejects > 0);
	CHECK(B.m.partials > 0);
	CHECK(B.m.blocked_ticks > 0);

	/* the same quotes in batches of another size: the same records */
	sink = recording(&R2);
	backtest_init(&B, &p, &sink);
	for (int i = 0; i < PATH; i += 7)
		backtest_feed(&B, path1 + i, PATH - i < 7 ? PATH - i : 7);
	backtest_finish(&B);
	CHECK(R.n_decisions == R2.n_decisions && R.n_orders == R2.n_orders && R.n_samples == R2.n_samples);
	for (int i = 0; i < R.n_decisions && i < R2.n_decisions; i++)
		same &= same_decision(&R.decisions[i], &R2.decisions[i]);
	for (int i = 0; i < R.n_orders && i < R2.n_orders; i++)
		same &= same_order(&R.orders[i], &R2.orders[i]);
	for (int i = 0; i < R.n_samples && i < R2.n_samples; i++)
		same &= R.samples[i].equity == R2.samples[i].equity && R.samples[i].ts == R2.samples[i].ts;
	CHECK(same);
	CHECK(memcmp(&first.attribution, &B.m.attribution, sizeof(first.attribution)) == 0);
	CHECK(first.pnl == B.m.pnl);

	/* another future after the cut: nothing decided before it changes */
	memcpy(path2, path1, sizeof(path1));
	{
		backtest_quote tail[PATH];

		gbm_quotes(tail, PATH, 99, 2.0);
		for (int i = cut; i < PATH; i++)
		{
			double		k = path1[cut - 1].bid / tail[0].bid;

			path2[i].bid = tail[i].bid * k;
			path2[i].ask = tail[i].ask * k;
		}
	}
	t_cut = path1[cut].ts;
	sink = recording(&R2);
	backtest_init(&B, &p, &sink);
	backtest_feed(&B, path2, PATH);
	backtest_finish(&B);
	same = true;
	for (int i = 0; i < R.n_decisions; i++)
	{
		if (R.decisions[i].until_ts >= t_cut)
			break;
		n_before++;
		same &= i < R2.n_decisions && same_decision(&R.decisions[i], &R2.decisions[i]);
	}
	for (int i = 0; i < R.n_orders; i++)
	{
		if (R.orders[i].ts >= t_cut)
			break;
		orders_before++;
		same &= i < R2.n_orders && same_order(&R.orders[i], &R2.orders[i]);
	}
	CHECK(n_before > 5 && orders_before > 2);
	CHECK(same);
	/* and the future did differ */
	CHECK(R.n_orders != R2.n_orders || B.m.pnl != first.pnl);
}

static void
test_attribution(void)
{
	backtest_params p;
	backtest_quote q;
	sim_feed	f;
	double		T = 30 / 365.0;
	int			n = 3000;
	backtest_attribution *a = &B.m.attribution;

	/* hedged at every quote at the true vol, no costs: the greeks explain the P&L */
	plain_params(&p);
	p.set.cfg.volatility = 0.3;
	p.rate = 0.03;
	p.set.cfg.risk_free_rate = 0.03;
	one_leg(&p, BS_CALL, 100, T0 + T * YEAR, -1000, 100, 0.3);
	backtest_init(&B, &p, NULL);
	(void) sim_feed_init(&f, 100, 0.3, 0.0, 0, T * YEAR / n, 3, T0);
	for (int i = 0; i < n; i++)
	{
		sim_quote s;

		(void) sim_feed_next(&f, &s);
		q.ts = s.ts;
		q.bid = q.ask = s.mid;
		backtest_feed(&B, &q, 1);
	}
	backtest_finish(&B);
	printf("attribution (short 100,000 calls, %d steps): pnl %.0f = delta %.0f + gamma %.0f + theta %.0f"
		   " + financing %.0f + residual %.0f\n", n, B.m.pnl, a->delta, a->gamma, a->theta, a->financing,
		   a->residual);
	CHECK(a->gamma < 0 && a->theta > 0);
	CHECK(fabs(a->residual) < 0.05 * (fabs(a->gamma) + fabs(a->theta)));
	/* a locked quote has no spread; the fill prices' 0.0001 grid is the only slippage */
	CHECK(a->spread == 0 && a->fees == 0 && a->vega == 0);
	CHECK(a->slippage < 0.001 * fabs(a->gamma));
	CHECK_NEAR_ABS(B.m.pnl, a->delta + a->gamma + a->theta + a->vega + a->financing - a->spread - a->slippage -
				   a->fees + a->residual, 1e-6);
	/* realised vol of the path against the book's vol */
	CHECK_NEAR_REL(B.m.implied_vol, 0.3, 1e-12);
}

static void
test_decisions_collapse(void)
{
	backtest_params p;
	backtest_sink sink = recording(&R);
	int64_t		cooldown_ticks = 0;
	int			cooldown_records = 0;

	realistic(&p);
	p.set.paper.reject_rate = 0;
	p.set.paper.partial_fill_rate = 0;
	p.set.cfg.cooldown_seconds = 600;
	gbm_quotes(path1, PATH, 21, 1.5);
	backtest_init(&B, &p, &sink);
	backtest_feed(&B, path1, PATH);
	backtest_finish(&B);
	for (int i = 0; i < B.m.n_blocked_reasons; i++)
		if (strcmp(B.m.blocked[i].reason, "cooldown") == 0)
			cooldown_ticks = B.m.blocked[i].ticks;
	for (int i = 0; i < R.n_decisions; i++)
		if (R.decisions[i].block_reason != NULL && R.decisions[i].ticks > 1)
			cooldown_records++;
	CHECK(cooldown_ticks > 100);
	/* runs of the same blocked decision are one record with their count */
	CHECK(R.n_decisions < cooldown_ticks / 10);
	CHECK(cooldown_records > 0);
	{
		int64_t		sum = 0;

		for (int i = 0; i < R.n_decisions; i++)
			sum += R.decisions[i].ticks;
		CHECK(sum == B.m.decisions);
	}
	/* a sample a minute, and one at the end */
	CHECK(R.n_samples >= PATH / 60 && R.n_samples <= PATH / 60 + 2);
	CHECK(B.m.samples == R.n_samples);
}

static void
test_bad_quotes(void)
{
	backtest_params p;
	backtest_quote q[] = {
		{NAN, 100, 100.02},
		{T0, 100, 100.02},
		{T0 + 1, 101, 100},		/* crossed */
		{T0 + 2, 0, 100},		/* no bid */
		{T0 + 1.5, 100, 100.02},	/* earlier than the last */
		{T0 + 3, 100, 100.02},
		{INFINITY, 100, 100.02},
	};

	short_calls(&p);
	backtest_init(&B, &p, NULL);
	backtest_feed(&B, q, 7);
	backtest_finish(&B);
	CHECK(B.m.quotes == 7);
	CHECK(B.m.quotes_used == 2);
	CHECK(B.m.first_ts == T0 && B.m.last_ts == T0 + 3);

	/* no usable quote at all: nothing started, nothing recorded */
	backtest_init(&B, &p, NULL);
	backtest_feed(&B, q, 1);
	backtest_finish(&B);
	CHECK(B.m.quotes == 1 && B.m.quotes_used == 0 && B.m.hedges == 0 && B.m.samples == 0);
	CHECK(isnan(B.m.sharpe));
}

static void
test_start_position_and_days(void)
{
	backtest_params p;
	backtest_quote q[3 * 24];

	/* no legs, 500 shares held: the hedger sells them; three days of hourly quotes */
	plain_params(&p);
	p.start_position = 500;
	for (int i = 0; i < 3 * 24; i++)
	{
		q[i].ts = T0 + i * 3600.0;
		q[i].bid = 100 + (i % 5);
		q[i].ask = q[i].bid + 0.02;
	}
	backtest_init(&B, &p, NULL);
	backtest_feed(&B, q, 3 * 24);
	backtest_finish(&B);
	CHECK(B.m.hedges == 1);
	CHECK_NEAR_ABS(B.m.position, 0, 1e-9);
	/* sold at the first quote's bid: the P&L from the equity before it is the spread, exactly */
	CHECK_NEAR_ABS(B.m.pnl, -500 * 0.01, 1e-6);
	CHECK_NEAR_ABS(B.m.attribution.spread, 500 * 0.01, 1e-6);
	CHECK_NEAR_ABS(B.m.attribution.residual, 0, 1e-6);
	CHECK(B.m.trading_days == 3 || B.m.trading_days == 4);
	CHECK(isfinite(B.m.sharpe) || B.m.pnl == 0);
}

/* The last quotes share a time: one point of the curve for it; an order the range cut short is recorded. */
static void
test_end_of_range(void)
{
	backtest_params p;
	backtest_sink sink = recording(&R);
	backtest_quote q[] = {
		{T0, 100.00, 100.02},
		{T0 + 1, 100.00, 100.02},
		{T0 + 1, 100.01, 100.03},
	};
	double		total = 0;

	short_calls(&p);
	p.set.paper.latency_ms = 60000;	/* the order decided at T0 would fill a minute later */
	p.sample_interval_s = 3600;
	backtest_init(&B, &p, &sink);
	backtest_feed(&B, q, 3);
	backtest_finish(&B);
	CHECK(R.n_samples == 2);
	CHECK(R.n_samples == 2 && R.samples[0].ts == T0 && R.samples[1].ts == T0 + 1);
	CHECK(B.m.hedges == 1 && B.m.fills == 0);
	CHECK(B.m.unfilled_at_end == 1);
	CHECK(R.n_orders == 1 && strcmp(R.orders[0].status, "CANCELLED") == 0 && R.orders[0].filled_qty == 0 &&
		  R.orders[0].qty > 0);
	for (int i = 0; i < TRADING_STATE_COUNT; i++)
		total += B.m.state_seconds[i];
	CHECK_NEAR_ABS(total, 1, 1e-9);
	CHECK(B.m.state_seconds[TS_NEED_HEDGE] + B.m.state_seconds[TS_HEDGING] > 0);
}

static void
test_params_check(void)
{
	backtest_params p;
	char		why[256];

	short_calls(&p);
	CHECK(backtest_params_check(&p, why, sizeof(why)));
	p.sample_interval_s = 0;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.periods_per_year = 300;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.rate = NAN;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.legs[0].strike = -1;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.n_legs = BACKTEST_MAX_LEGS + 1;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.set.paper.fee_bps = -1;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.start_position = INFINITY;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.capital = -5;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	/* what the engine would refuse quote by quote (the attack review's silent SAFE runs) */
	short_calls(&p);
	p.set.units_per_lot = 1e-13;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.legs[0].strike = 1e-13;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
	short_calls(&p);
	p.legs[0].implied_vol = 11;
	CHECK(!backtest_params_check(&p, why, sizeof(why)));
}

int
main(void)
{
	test_fill_model();
	test_determinism_and_look_ahead();
	test_attribution();
	test_decisions_collapse();
	test_bad_quotes();
	test_start_position_and_days();
	test_end_of_range();
	test_params_check();
	test_hull();
	test_derman_kamal();
	test_ahmad_wilmott();
	return unit_summary("backtest");
}
