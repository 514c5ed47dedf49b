/*
 * test_paper_fill.c: the paper broker's fill model: reject and partial
 * decisions at the rate boundaries and in frequency, determinism per
 * client order id, partial quantities, fill prices at the far side plus
 * slippage with their rounding, and the fill time.
 */
#include "paper_fill.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N_IDS 100000
#define START 1704205800.0		/* 2024-01-02 14:30:00 UTC */

static paper_fill_model
model(double reject_rate, double partial_fill_rate, uint64_t seed)
{
	paper_fill_model m;

	m.latency_ms = 50;
	m.slippage_bps = 1;
	m.reject_rate = reject_rate;
	m.partial_fill_rate = partial_fill_rate;
	m.seed = seed;
	return m;
}

/* The worker's id shape; any string works. */
static const char *
order_id(int i)
{
	static char buf[40];

	snprintf(buf, sizeof buf, "bf-20240102-%06d", i);
	return buf;
}

static paper_decision
decide(const paper_fill_model *m, const char *id, int64_t qty)
{
	paper_decision d;

	paper_fill_decide(m, id, qty, &d);
	return d;
}

static int
consistent(const paper_decision *d, int64_t qty)
{
	switch (d->outcome)
	{
		case PAPER_FILL:
			return d->filled_qty == qty && d->cancelled_qty == 0 && d->reason == NULL;
		case PAPER_PARTIAL:
			return d->filled_qty >= 1 && d->filled_qty <= qty - 1 &&
				d->cancelled_qty == qty - d->filled_qty &&
				strcmp(d->reason, PAPER_REASON_PARTIAL) == 0;
		case PAPER_REJECT:
			return d->filled_qty == 0 && d->cancelled_qty == qty &&
				strcmp(d->reason, PAPER_REASON_REJECT) == 0;
	}
	return 0;
}

static void
test_model_valid(void)
{
	paper_fill_model m = model(0, 0, 42);

	CHECK(paper_fill_model_valid(&m));
	m = model(1, 1, 0);
	CHECK(paper_fill_model_valid(&m));
	m.latency_ms = -1;
	CHECK(!paper_fill_model_valid(&m));
	m = model(0, 0, 0);
	m.latency_ms = INFINITY;
	CHECK(!paper_fill_model_valid(&m));
	m = model(0, 0, 0);
	m.slippage_bps = -0.5;
	CHECK(!paper_fill_model_valid(&m));
	m.slippage_bps = 10000.5;
	CHECK(!paper_fill_model_valid(&m));
	m.slippage_bps = NAN;
	CHECK(!paper_fill_model_valid(&m));
	m = model(1.01, 0, 0);
	CHECK(!paper_fill_model_valid(&m));
	m = model(0, -0.01, 0);
	CHECK(!paper_fill_model_valid(&m));
	m = model(NAN, 0, 0);
	CHECK(!paper_fill_model_valid(&m));
	m = model(0, NAN, 0);
	CHECK(!paper_fill_model_valid(&m));
}

/* The key derivation, pinned by an independent Python transcription. */
static void
test_golden(void)
{
	/* this id's draws under seed 42: u_reject 0.20173, u_partial 0.14201, u_fraction 0.87666 */
	const char *id = "bf-20240102-000001";
	paper_fill_model m;
	paper_decision d;

	m = model(0.2018, 0, 42);
	d = decide(&m, id, 100);
	CHECK(d.outcome == PAPER_REJECT && consistent(&d, 100));
	m = model(0.2017, 0, 42);
	d = decide(&m, id, 100);
	CHECK(d.outcome == PAPER_FILL && consistent(&d, 100));
	m = model(0.2017, 0.1421, 42);
	d = decide(&m, id, 100);
	/* 10 + floor(0.87666 * 81) */
	CHECK(d.outcome == PAPER_PARTIAL && d.filled_qty == 81 && d.cancelled_qty == 19);
	m = model(0.2017, 0.1420, 42);
	d = decide(&m, id, 100);
	CHECK(d.outcome == PAPER_FILL);
	/* another seed, another fate: u_reject of ord-1 is 0.13523 at 42, 0.20042 at 43 */
	m = model(0.2003, 0, 42);
	CHECK(decide(&m, "ord-1", 100).outcome == PAPER_REJECT);
	m = model(0.2003, 0, 43);
	CHECK(decide(&m, "ord-1", 100).outcome == PAPER_FILL);
	m = model(0.2005, 0, 43);
	CHECK(decide(&m, "ord-1", 100).outcome == PAPER_REJECT);
}

static void
test_rate_boundaries(void)
{
	paper_fill_model none = model(0, 0, 42);
	paper_fill_model all_reject = model(1, 0, 42);
	paper_fill_model all_partial = model(0, 1, 42);
	paper_fill_model both = model(1, 1, 42);
	paper_fill_model beyond = model(2, 5, 42);
	paper_fill_model below = model(-1, -1, 42);
	paper_fill_model nan_rates = model(NAN, NAN, 42);
	int			ok[7] = {1, 1, 1, 1, 1, 1, 1};

	for (int i = 0; i < 10000; i++)
	{
		const char *id = order_id(i);
		int64_t		qty = 1 + i % 300;
		paper_decision d;

		d = decide(&none, id, qty);
		ok[0] &= d.outcome == PAPER_FILL && consistent(&d, qty);
		d = decide(&all_reject, id, qty);
		ok[1] &= d.outcome == PAPER_REJECT && consistent(&d, qty);
		d = decide(&all_partial, id, qty);
		/* qty 1 cannot be split: it fills fully */
		ok[2] &= (qty == 1 ? d.outcome == PAPER_FILL : d.outcome == PAPER_PARTIAL) &&
			consistent(&d, qty);
		d = decide(&both, id, qty);
		ok[3] &= d.outcome == PAPER_REJECT && consistent(&d, qty);
		/* out-of-range rates act as the nearest bound, NaN as 0 */
		d = decide(&beyond, id, qty);
		ok[4] &= d.outcome == PAPER_REJECT;
		d = decide(&below, id, qty);
		ok[5] &= d.outcome == PAPER_FILL;
		d = decide(&nan_rates, id, qty);
		ok[6] &= d.outcome == PAPER_FILL;
	}
	for (int k = 0; k < 7; k++)
		if (!CHECK(ok[k]))
			unit_note("case %d", k);
}

static void
test_invalid_orders(void)
{
	paper_fill_model m = model(0, 0, 42);
	paper_decision d;

	d = decide(&m, "ord-1", 0);
	CHECK(d.outcome == PAPER_REJECT && d.filled_qty == 0 && d.cancelled_qty == 0 &&
		  strcmp(d.reason, PAPER_REASON_INVALID) == 0);
	d = decide(&m, "ord-1", -5);
	CHECK(d.outcome == PAPER_REJECT && d.filled_qty == 0 && d.cancelled_qty == 0 &&
		  strcmp(d.reason, PAPER_REASON_INVALID) == 0);
	d = decide(&m, NULL, 10);
	CHECK(d.outcome == PAPER_REJECT && d.filled_qty == 0 && d.cancelled_qty == 10 &&
		  strcmp(d.reason, PAPER_REASON_INVALID) == 0);
	d = decide(&m, "", 10);
	CHECK(d.outcome == PAPER_REJECT && strcmp(d.reason, PAPER_REASON_INVALID) == 0);
	d = decide(&m, "ord-1", 1);
	CHECK(d.outcome == PAPER_FILL && d.filled_qty == 1 && d.reason == NULL);
}

static void
test_frequencies(void)
{
	const double rates[][2] = {{0.1, 0.25}, {0.5, 0.5}, {0.02, 0.9}, {0.75, 0.05}};

	for (int c = 0; c < 4; c++)
	{
		paper_fill_model m = model(rates[c][0], rates[c][1], 42);
		int			n_reject = 0;
		int			n_partial = 0;
		int			n_ok = 1;
		double		r = rates[c][0];
		double		p = rates[c][1];
		double		accepted;

		for (int i = 0; i < N_IDS; i++)
		{
			paper_decision d = decide(&m, order_id(i), 100);

			n_ok &= consistent(&d, 100);
			n_reject += d.outcome == PAPER_REJECT;
			n_partial += d.outcome == PAPER_PARTIAL;
		}
		accepted = N_IDS - n_reject;
		CHECK(n_ok);
		/* five binomial standard errors */
		if (!CHECK_NEAR_ABS(n_reject / (double) N_IDS, r, 5 * sqrt(r * (1 - r) / N_IDS)))
			unit_note("rates %g %g: reject share %g", r, p, n_reject / (double) N_IDS);
		if (!CHECK_NEAR_ABS(n_partial / accepted, p, 5 * sqrt(p * (1 - p) / accepted)))
			unit_note("rates %g %g: partial share of accepted %g", r, p, n_partial / accepted);
	}
}

static void
test_determinism(void)
{
	paper_fill_model m = model(0.3, 0.4, 42);
	paper_fill_model m_other_seed = model(0.3, 0.4, 43);
	paper_fill_model m_more_rejects = model(0.6, 0.4, 42);
	int			same = 1;
	int			monotone = 1;
	int			seed_differs = 0;
	int			kinds[3] = {0, 0, 0};
	int64_t		first_filled[1000];

	/* the same id decides the same way, in any order and after anything else */
	for (int i = 0; i < 1000; i++)
		first_filled[i] = decide(&m, order_id(i), 250).filled_qty;
	for (int i = 999; i >= 0; i--)
	{
		paper_decision d = decide(&m, order_id(i), 250);

		same &= d.filled_qty == first_filled[i];
		kinds[d.outcome]++;
	}
	CHECK(same);
	/* different ids differ: every outcome occurs, and many partial sizes */
	CHECK(kinds[PAPER_FILL] > 300 && kinds[PAPER_PARTIAL] > 150 && kinds[PAPER_REJECT] > 200);
	{
		int			distinct = 0;
		int			seen[251] = {0};

		for (int i = 0; i < 1000; i++)
			if (!seen[first_filled[i]]++)
				distinct++;
		CHECK(distinct > 100);
	}

	for (int i = 0; i < 1000; i++)
	{
		paper_decision a = decide(&m, order_id(i), 250);
		paper_decision b = decide(&m_other_seed, order_id(i), 250);
		paper_decision c = decide(&m_more_rejects, order_id(i), 250);

		seed_differs += a.outcome != b.outcome || a.filled_qty != b.filled_qty;
		/* raising reject_rate only turns some orders into rejects */
		monotone &= c.outcome == PAPER_REJECT ||
			(c.outcome == a.outcome && c.filled_qty == a.filled_qty);
		monotone &= a.outcome != PAPER_REJECT || c.outcome == PAPER_REJECT;
	}
	CHECK(seed_differs > 300);
	CHECK(monotone);

	/* a copy of the model (a restarted worker) decides the same */
	{
		paper_fill_model again = model(0.3, 0.4, 42);
		paper_decision a = decide(&m, "bf-20240102-000777", 120);
		paper_decision b = decide(&again, "bf-20240102-000777", 120);

		CHECK(a.outcome == b.outcome && a.filled_qty == b.filled_qty &&
			  a.cancelled_qty == b.cancelled_qty && a.reason == b.reason);
	}
}

static void
test_partial_quantities(void)
{
	paper_fill_model m = model(0, 1, 7);
	int			ok = 1;
	double		lo_frac = 1;
	double		hi_frac = 0;
	double		sum_frac = 0;
	int			counts[10] = {0};

	/* every qty from 2 to 300: 1 <= filled <= qty - 1, share within [10 %, 90 %] */
	for (int64_t qty = 2; qty <= 300; qty++)
		for (int i = 0; i < 200; i++)
		{
			paper_decision d = decide(&m, order_id(i), qty);
			double		frac = (double) d.filled_qty / (double) qty;

			ok &= d.outcome == PAPER_PARTIAL && consistent(&d, qty) &&
				frac >= 0.1 && frac <= 0.9;
		}
	CHECK(ok);

	/* small quantities: every allowed value occurs, nothing else */
	{
		int			seen[4] = {0};

		for (int i = 0; i < 1000; i++)
			seen[decide(&m, order_id(i), 2).filled_qty]++;
		CHECK(seen[1] == 1000);
		memset(seen, 0, sizeof seen);
		for (int i = 0; i < 1000; i++)
			seen[decide(&m, order_id(i), 3).filled_qty]++;
		CHECK(seen[1] > 400 && seen[2] > 400 && seen[0] == 0 && seen[3] == 0);
	}
	/* qty 11: [2, 9] (1 share would be 9 %, 10 shares 91 %) */
	{
		int			seen[12] = {0};
		int			all = 1;

		for (int i = 0; i < 2000; i++)
			seen[decide(&m, order_id(i), 11).filled_qty]++;
		for (int k = 0; k < 12; k++)
			all &= (k >= 2 && k <= 9) ? seen[k] > 150 : seen[k] == 0;
		CHECK(all);
	}

	/* large qty: the fraction is uniform over [10 %, 90 %] */
	for (int i = 0; i < N_IDS; i++)
	{
		double		frac = decide(&m, order_id(i), 1000000).filled_qty / 1e6;
		int			bucket = (int) ((frac - 0.1) / 0.08);

		lo_frac = fmin(lo_frac, frac);
		hi_frac = fmax(hi_frac, frac);
		sum_frac += frac;
		counts[bucket < 0 ? 0 : bucket > 9 ? 9 : bucket]++;
	}
	CHECK(lo_frac >= 0.1 && lo_frac < 0.1005);
	CHECK(hi_frac <= 0.9 && hi_frac > 0.8995);
	CHECK_NEAR_ABS(sum_frac / N_IDS, 0.5, 0.005);
	{
		int			flat = 1;

		for (int b = 0; b < 10; b++)
			flat &= fabs(counts[b] - N_IDS / 10.0) < 500;
		CHECK(flat);
	}

	/* a huge qty: no overflow, still within bounds */
	{
		int64_t		qty = INT64_MAX / 2;
		paper_decision d = decide(&m, "ord-huge", qty);

		CHECK(d.outcome == PAPER_PARTIAL && consistent(&d, qty));
		d = decide(&m, "ord-max", INT64_MAX);
		CHECK(d.outcome == PAPER_PARTIAL && consistent(&d, INT64_MAX));
	}
}

static void
test_price(void)
{
	paper_fill_model m = model(0, 0, 42);
	double		p;

	/* far side, no slippage */
	m.slippage_bps = 0;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 99.99, 100.01) == 100.01);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 99.99, 100.01) == 99.99);
	/* 1 bp: 100.01 * 1.0001 = 100.020001 -> up, 99.99 * 0.9999 = 99.980001 -> down */
	m.slippage_bps = 1;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 99.99, 100.01) == 100.0201);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 99.99, 100.01) == 99.98);
	/* 25 bp: 100.260025 and 99.740025 */
	m.slippage_bps = 25;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 99.99, 100.01) == 100.2601);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 99.99, 100.01) == 99.74);
	/* 7 bp on 187.43 / 187.45: 187.581215 -> 187.5813, 187.298799 -> 187.2987 */
	m.slippage_bps = 7;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 187.43, 187.45) == 187.5813);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 187.43, 187.45) == 187.2987);
	/* a BUY rounds up, a SELL down: never better than the far side */
	m.slippage_bps = 0;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 10.1, 10.12345678) == 10.1235);
	CHECK(paper_fill_price(&m, HEDGE_BUY, 10.1, 10.12341) == 10.1235);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 10.12344, 10.2) == 10.1234);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 10.12346, 10.2) == 10.1234);
	/* a price on the grid stays there, whatever its binary representation */
	CHECK(paper_fill_price(&m, HEDGE_BUY, 100, 100.02) == 100.02);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 100.02, 100.04) == 100.02);
	/* below 1: five significant digits (the attack review's 0.15124 bought at the bid 0.1512) */
	CHECK(paper_fill_price(&m, HEDGE_BUY, 0.1512, 0.15124) == 0.15124);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 0.00001, 0.000010001) == 0.00001);
	CHECK(paper_fill_price(&m, HEDGE_BUY, 0.00001, 0.000010001) == 0.000010001);
	m.slippage_bps = 1;
	/* 0.50025 * 1.0001 = 0.500300025 -> 0.50031; 0.49975 * 0.9999 = 0.499700025 -> 0.4997 */
	CHECK(paper_fill_price(&m, HEDGE_BUY, 0.49975, 0.50025) == 0.50031);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 0.49975, 0.50025) == 0.4997);
	/* a locked quote is usable */
	m.slippage_bps = 0;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 50, 50) == 50);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 50, 50) == 50);
	/* the widest slippage: a SELL gets one step of the bid's grid, never 0 */
	m.slippage_bps = 10000;
	CHECK(paper_fill_price(&m, HEDGE_BUY, 99.99, 100.01) == 200.02);
	CHECK(paper_fill_price(&m, HEDGE_SELL, 99.99, 100.01) == PAPER_PRICE_INCREMENT);

	/* a BUY never below the ask plus slippage, a SELL never above the bid less it, within one step */
	{
		int			ok = 1;

		for (int i = 0; i < 20000; i++)
		{
			double		bid = (i % 2 ? 1 : 0.001) + i * 0.0137;
			double		ask = bid + 0.01 * (1 + i % 7);
			double		buy;
			double		sell;
			double		want_buy;
			double		want_sell;

			m.slippage_bps = (i % 11) * 0.5;
			buy = paper_fill_price(&m, HEDGE_BUY, bid, ask);
			sell = paper_fill_price(&m, HEDGE_SELL, bid, ask);
			want_buy = ask * (1 + m.slippage_bps / 1e4);
			want_sell = bid * (1 - m.slippage_bps / 1e4);
			ok &= buy >= want_buy * (1 - 1e-12) && buy - want_buy < (want_buy >= 1 ? 0.0001 : want_buy * 1e-4);
			ok &= sell <= want_sell * (1 + 1e-12) && want_sell - sell < (want_sell >= 1 ? 0.0001 : want_sell * 1e-4);
			ok &= sell > 0;
		}
		CHECK(ok);
	}

	/* unusable quotes and parameters: NAN, the caller must not fill */
	m.slippage_bps = 1;
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, 100.02, 100.01)));	/* crossed */
	CHECK(isnan(paper_fill_price(&m, HEDGE_SELL, 100.02, 100.01)));
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, 0, 100.01)));
	CHECK(isnan(paper_fill_price(&m, HEDGE_SELL, -1, 100.01)));
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, 99.99, 0)));
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, NAN, 100.01)));
	CHECK(isnan(paper_fill_price(&m, HEDGE_SELL, 99.99, NAN)));
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, 99.99, INFINITY)));
	CHECK(isnan(paper_fill_price(&m, (hedge_side) 7, 99.99, 100.01)));
	m.slippage_bps = -1;
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, 99.99, 100.01)));
	m.slippage_bps = NAN;
	CHECK(isnan(paper_fill_price(&m, HEDGE_BUY, 99.99, 100.01)));
	m.slippage_bps = 10001;
	CHECK(isnan(paper_fill_price(&m, HEDGE_SELL, 99.99, 100.01)));
	p = paper_fill_price(&m, HEDGE_SELL, 99.99, 100.01);
	CHECK(isnan(p));
}

static void
test_due(void)
{
	paper_fill_model m = model(0, 0, 42);

	m.latency_ms = 50;
	CHECK(paper_fill_due(&m, 1000.0) == 1000.05);
	CHECK_NEAR_ABS(paper_fill_due(&m, START), START + 0.05, 1e-6);
	CHECK(paper_fill_due(&m, START) > START);
	m.latency_ms = 0;
	CHECK(paper_fill_due(&m, START) == START);
	m.latency_ms = 60000;
	CHECK(paper_fill_due(&m, START) == START + 60);
	m.latency_ms = 1500;
	CHECK(paper_fill_due(&m, 0) == 1.5);
	m.latency_ms = -20;
	CHECK(paper_fill_due(&m, START) == START);
	m.latency_ms = NAN;
	CHECK(paper_fill_due(&m, START) == START);
	m.latency_ms = 50;
	CHECK(isnan(paper_fill_due(&m, NAN)));
	CHECK(isnan(paper_fill_due(&m, INFINITY)));
}

static void
test_names(void)
{
	CHECK(strcmp(paper_outcome_name(PAPER_FILL), "FILL") == 0);
	CHECK(strcmp(paper_outcome_name(PAPER_PARTIAL), "PARTIAL") == 0);
	CHECK(strcmp(paper_outcome_name(PAPER_REJECT), "REJECT") == 0);
	CHECK(strcmp(paper_outcome_name((paper_outcome) 9), "UNKNOWN") == 0);
	CHECK(strcmp(PAPER_REASON_REJECT, "paper_reject") == 0);
}

int
main(void)
{
	test_model_valid();
	test_golden();
	test_rate_boundaries();
	test_invalid_orders();
	test_frequencies();
	test_determinism();
	test_partial_quantities();
	test_price();
	test_due();
	test_names();
	return unit_summary("test_paper_fill");
}
