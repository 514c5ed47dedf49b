/*
 * bench_backtest_engine.c: quotes per second through the backtest driver
 * (src/engine/backtest.c), the hedger core deciding at every quote.
 *
 * Three 10-leg books, each replayed over the same seeded GBM quotes
 * (src/engine/sim_feed.h: spot 100, vol 35 %, 100 ms apart, 2 bps
 * spread): a realistic book (two expiries, calls and puts at five strikes,
 * a call and a put sharing a strike three times, the near expiry at the
 * flat vol, the far one on a smile), a chain (ten strikes of one expiry
 * at the flat vol, puts below the spot and calls above: one term, no
 * strike shared) and the worst case (ten expiries, ten vols, ten strikes:
 * nothing for the pricing to share).  The engine runs
 * with its default configuration except that it hedges around the clock
 * and its sizes and loss limit are large enough for these books, so it
 * trades.  The quotes are made before the clock starts; only
 * backtest_feed() and backtest_finish() are timed, on the process's CPU
 * clock (what a core does, whatever else the machine runs) and on the wall
 * clock.  Median of the runs.
 *
 * Besides the speed it prints a digest of every decision, order and
 * sample the run hands its sink (every field, bit for bit, except the
 * P&L attribution, which is printed apart): two builds that decide the
 * same print the same digest.  It prints figures; it does not pass or
 * fail.
 *
 *     gcc -std=c99 -O2 -Isrc/engine bench/bench_backtest_engine.c $ENGINE_C -lm
 *     ./a.out [quotes per run [realistic | chain | worst]]
 *
 * with $ENGINE_C every .c file of src/engine (a glob).
 * bench/bench_backtest_engine.sh builds and runs it and passes the
 * command it used with -DBENCH_BUILD_CMD='"..."', printed first.
 */
#define _POSIX_C_SOURCE 200809L

#include "backtest.h"
#include "sim_feed.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_BUILD_CMD
#define BENCH_BUILD_CMD "gcc -std=c99 -O2 -Isrc/engine bench/bench_backtest_engine.c src/engine/*.c -lm"
#endif

#define RUNS		5			/* timed runs per book; the median is printed */
#define QUOTES		2000000		/* quotes per run unless argv[1] says otherwise */
#define BATCH		4096		/* quotes per backtest_feed() call, like a cursor's fetch */
#define T0			1767621600.0	/* 2026-01-05 14:00 UTC, 09:00 New York */
#define DAY			86400.0

/* The driver and its records: a large struct, so not on the stack. */
static backtest run;

/* FNV-1a over the bytes of what the sink sees. */
typedef struct digest
{
	uint64_t	h;
} digest;

static void
digest_bytes(digest *d, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
	{
		d->h ^= b[i];
		d->h *= 1099511628211ULL;
	}
}

static void
digest_double(digest *d, double x)
{
	digest_bytes(d, &x, sizeof(x));
}

static void
digest_text(digest *d, const char *s)
{
	if (s)
		digest_bytes(d, s, strlen(s) + 1);
	else
		digest_bytes(d, "", 1);
}

static void
sink_decision(void *ctx, const backtest_decision *x)
{
	digest	   *d = ctx;

	digest_double(d, x->ts);
	digest_double(d, x->until_ts);
	digest_bytes(d, &x->ticks, sizeof(x->ticks));
	digest_bytes(d, &x->hedged, sizeof(x->hedged));
	digest_bytes(d, &x->side, sizeof(x->side));
	digest_bytes(d, &x->qty, sizeof(x->qty));
	digest_double(d, x->net_delta);
	digest_double(d, x->mid);
	digest_text(d, x->trading_state);
	digest_text(d, x->block_reason);
	digest_text(d, x->why);
}

static void
sink_order(void *ctx, const backtest_order *o)
{
	digest	   *d = ctx;

	digest_bytes(d, &o->order_no, sizeof(o->order_no));
	digest_double(d, o->decided_at);
	digest_double(d, o->ts);
	digest_bytes(d, &o->side, sizeof(o->side));
	digest_bytes(d, &o->qty, sizeof(o->qty));
	digest_bytes(d, &o->filled_qty, sizeof(o->filled_qty));
	digest_text(d, o->status);
	digest_double(d, o->price);
	digest_double(d, o->fee);
	digest_double(d, o->decision_mid);
	digest_double(d, o->fill_mid);
	digest_double(d, o->spread_cost);
	digest_double(d, o->slippage_cost);
	digest_double(d, o->realized_pnl);
	digest_double(d, o->position_after);
	digest_double(d, o->avg_cost_after);
	digest_text(d, o->reason);
}

/* A sample without its attribution, which is printed apart. */
static void
sink_sample(void *ctx, const backtest_sample *s)
{
	digest	   *d = ctx;

	digest_double(d, s->ts);
	digest_double(d, s->mid);
	digest_double(d, s->position);
	digest_double(d, s->cash);
	digest_double(d, s->hedge_value);
	digest_double(d, s->legs_value);
	digest_double(d, s->equity);
	digest_double(d, s->pnl);
	digest_double(d, s->net_delta);
	digest_double(d, s->drawdown);
	digest_text(d, s->trading_state);
}

static double
clock_s(clockid_t which)
{
	struct timespec ts;

	clock_gettime(which, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static void
print_cpu_model(void)
{
	FILE	   *f = fopen("/proc/cpuinfo", "r");
	char		line[512];
	char		model[512] = "unknown";

	if (f)
	{
		while (fgets(line, sizeof(line), f))
		{
			char	   *colon = strchr(line, ':');

			if (strncmp(line, "model name", 10) == 0 && colon)
			{
				snprintf(model, sizeof(model), "%s", colon + 2);
				model[strcspn(model, "\n")] = '\0';
				break;
			}
		}
		fclose(f);
	}
	printf("cpu:   %s\n", model);
}

static void
add_leg(backtest_params *p, bs_right right, double strike, double days, double quantity, double vol)
{
	engine_leg *l = &p->legs[p->n_legs++];

	memset(l, 0, sizeof(*l));
	l->right = right;
	l->strike = strike;
	/* 16:00 New York on the expiry day */
	l->expiry = T0 + days * DAY + 7 * 3600.0;
	l->quantity = quantity;
	l->multiplier = 100;
	l->implied_vol = vol;
}

/*
 * Two expiries, five strikes.  The near one is priced at the flat vol:
 * a short straddle with long wings.  The far one on a smile: a long
 * straddle, short strangles.  Calls and puts share the strikes 100 (both
 * expiries) and, in the far expiry, nothing else.
 */
static void
realistic_book(backtest_params *p)
{
	add_leg(p, BS_CALL, 100, 30, -20, NAN);
	add_leg(p, BS_PUT, 100, 30, -20, NAN);
	add_leg(p, BS_CALL, 110, 30, 10, NAN);
	add_leg(p, BS_PUT, 90, 30, 10, NAN);
	add_leg(p, BS_CALL, 100, 58, 15, 0.32);
	add_leg(p, BS_PUT, 100, 58, 15, 0.32);
	add_leg(p, BS_CALL, 105, 58, -10, 0.30);
	add_leg(p, BS_PUT, 95, 58, -10, 0.36);
	add_leg(p, BS_CALL, 110, 58, -5, 0.29);
	add_leg(p, BS_PUT, 90, 58, -5, 0.40);
}

/* One expiry, ten strikes: the term shared, every strike priced on its own. */
static void
chain_book(backtest_params *p)
{
	for (int i = 0; i < 10; i++)
		add_leg(p, (i < 5) ? BS_PUT : BS_CALL, 90 + 2.0 * i + (i >= 5), 30,
				(i % 2) ? 5 : -7, NAN);
}

/* Ten expiries, ten vols, ten strikes: every leg priced on its own. */
static void
worst_book(backtest_params *p)
{
	for (int i = 0; i < 10; i++)
		add_leg(p, (i % 2) ? BS_PUT : BS_CALL, 90 + 2.0 * i, 20 + 7.0 * i,
				(i % 3 == 1) ? 8 : -5, 0.25 + 0.02 * i);
}

static void
base_params(backtest_params *p)
{
	memset(p, 0, sizeof(*p));
	p->set.symbol = "XYZ";
	engine_config_defaults(&p->set.cfg);
	p->set.cfg.trading_hours_only = false;
	p->set.cfg.max_hedge_shares_per_order = 100000;
	p->set.cfg.max_position_shares = 1000000;
	p->set.cfg.max_daily_hedge_count = 1000000;
	p->set.cfg.max_daily_loss_usd = 1e12;
	p->set.units_per_lot = 1;
	p->set.paper.latency_ms = 50;
	p->set.paper.slippage_bps = 1;
	p->set.paper.seed = 1;
	p->start_avg_cost = NAN;
	p->sample_interval_s = 60;
	p->periods_per_year = 365;
	p->warm_start = true;
	p->day_roll_kind = BACKTEST_DAY_NEW_YORK;
}

static void
bench_book(const char *name, const backtest_params *p, const backtest_quote *quotes, int n)
{
	double		rates[RUNS],
				cpu_rates[RUNS];
	digest		d;
	backtest_sink sink;
	char		why[256];

	if (!backtest_params_check(p, why, sizeof(why)))
	{
		printf("%s: %s\n", name, why);
		exit(1);
	}
	for (int r = 0; r < RUNS; r++)
	{
		double		start,
					cpu_start;

		d.h = 14695981039346656037ULL;
		memset(&sink, 0, sizeof(sink));
		sink.ctx = &d;
		sink.decision = sink_decision;
		sink.order = sink_order;
		sink.sample = sink_sample;
		backtest_init(&run, p, &sink);
		start = clock_s(CLOCK_MONOTONIC);
		cpu_start = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		for (int k = 0; k < n; k += BATCH)
			backtest_feed(&run, quotes + k, n - k < BATCH ? n - k : BATCH);
		backtest_finish(&run);
		cpu_rates[r] = n / (clock_s(CLOCK_PROCESS_CPUTIME_ID) - cpu_start);
		rates[r] = n / (clock_s(CLOCK_MONOTONIC) - start);
	}
	qsort(rates, RUNS, sizeof(double), cmp_double);
	qsort(cpu_rates, RUNS, sizeof(double), cmp_double);
	printf("%-10s %9.0f quotes per CPU second (median of %d runs of %d quotes; %.0f .. %.0f), %.3f us per quote\n",
		   name, cpu_rates[RUNS / 2], RUNS, n, cpu_rates[0], cpu_rates[RUNS - 1], 1e6 / cpu_rates[RUNS / 2]);
	printf("           %9.0f quotes per second of wall clock (median; %.0f .. %.0f)\n",
		   rates[RUNS / 2], rates[0], rates[RUNS - 1]);
	printf("           decisions %lld, hedges %lld, fills %lld, blocked %lld, samples %lld; "
		   "P&L %.6f, end position %.0f\n",
		   (long long) run.m.decisions, (long long) run.m.hedges, (long long) run.m.fills,
		   (long long) run.m.blocked_ticks, (long long) run.m.samples, run.m.pnl, run.m.position);
	printf("           attribution: delta %.6f gamma %.6f theta %.6f residual %.6f\n",
		   run.m.attribution.delta, run.m.attribution.gamma, run.m.attribution.theta,
		   run.m.attribution.residual);
	printf("           digest of the records %016llx\n", (unsigned long long) d.h);
}

int
main(int argc, char **argv)
{
	int			n = argc > 1 ? atoi(argv[1]) : QUOTES;
	const char *only = argc > 2 ? argv[2] : "";	/* one book's name: that book alone, for a profile */
	backtest_quote *quotes;
	sim_feed	f;
	backtest_params p;

	if (n < 1)
		n = QUOTES;
	printf("bench_backtest_engine: quotes per second through backtest_feed(), 10-leg books\n");
	printf("built: %s\n", BENCH_BUILD_CMD);
#ifdef __VERSION__
	printf("cc:    %s\n", __VERSION__);
#endif
	print_cpu_model();

	quotes = malloc(sizeof(backtest_quote) * (size_t) n);
	if (quotes == NULL || !sim_feed_init(&f, 100, 0.35, 0, 2, 0.1, 42, T0))
	{
		printf("out of memory or bad feed\n");
		return 1;
	}
	for (int i = 0; i < n; i++)
	{
		sim_quote	q;

		sim_feed_next(&f, &q);
		quotes[i].ts = q.ts;
		quotes[i].bid = q.bid;
		quotes[i].ask = q.ask;
	}
	printf("quotes: GBM spot 100, vol 35%%, 100 ms apart, 2 bps spread, %.1f days\n",
		   n * 0.1 / DAY);

	if (*only == '\0' || strcmp(only, "realistic") == 0)
	{
		base_params(&p);
		realistic_book(&p);
		bench_book("realistic", &p, quotes, n);
	}
	if (*only == '\0' || strcmp(only, "chain") == 0)
	{
		base_params(&p);
		chain_book(&p);
		bench_book("chain", &p, quotes, n);
	}
	if (*only == '\0' || strcmp(only, "worst") == 0)
	{
		base_params(&p);
		worst_book(&p);
		bench_book("worst", &p, quotes, n);
	}

	free(quotes);
	return 0;
}
