/*
 * bench_engine.c: timings of one decision step (src/engine/engine.c).
 *
 * Prints ns per engine_evaluate() of a 10-leg book (the whole step:
 * portfolio greeks, classification, trading machine, sizing, gates), and
 * for scale the 10-leg portfolio alone and a step with given greeks (no
 * pricing).  Median of several runs; spot moves every call so nothing is
 * hoisted out of the loop.  It prints figures; it does not pass or fail.
 *
 *     gcc -O2 -Isrc/engine bench/bench_engine.c $ENGINE_C -lm -o bench_engine
 *     ./bench_engine
 *
 * with $ENGINE_C every .c file of src/engine (a glob; the exact command is
 * the first thing the program prints).
 *
 * A build script can pass its real command line with
 * -DBENCH_BUILD_CMD='"..."' so the output records it.
 */
#define _POSIX_C_SOURCE 200809L

#include "calendar.h"
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_BUILD_CMD
#define BENCH_BUILD_CMD "gcc -O2 -Isrc/engine bench/bench_engine.c src/engine/*.c -lm -o bench_engine"
#endif

#define RUNS	11				/* timed runs per figure; the median is printed */
#define CALLS	200000			/* evaluations per run */
#define N_LEGS	10
#define T0		1717513200.0	/* 2024-06-04 11:00 New York */

/* Keeps every result observable so no call is optimized away. */
static volatile double sink;

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t) n, sizeof(double), cmp_double);
	return (n % 2) ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static void
print_cpu_model(void)
{
	FILE	   *f = fopen("/proc/cpuinfo", "r");
	char		line[512];
	int			cpus = 0;
	char		model[512] = "unknown";

	if (f)
	{
		while (fgets(line, sizeof(line), f))
		{
			if (strncmp(line, "model name", 10) == 0)
			{
				char	   *colon = strchr(line, ':');

				cpus++;
				if (colon && cpus == 1)
				{
					snprintf(model, sizeof(model), "%s", colon + 2);
					model[strcspn(model, "\n")] = '\0';
				}
			}
		}
		fclose(f);
	}
	printf("cpu:   %s (%d logical CPUs in /proc/cpuinfo)\n", model, cpus);
}

/* A hedged book: strikes 90..110, 7 to 60 days, both rights, mixed sizes and vols. */
static void
make_book(engine_leg *legs)
{
	for (int i = 0; i < N_LEGS; i++)
	{
		legs[i].right = (i % 2) ? BS_PUT : BS_CALL;
		legs[i].strike = 90.0 + 2.0 * i;
		legs[i].expiry = T0 + (7.0 + 6.0 * i) * 86400.0 + 5 * 3600.0;
		legs[i].quantity = (i % 3 == 0) ? -2 : 1 + i % 4;
		legs[i].multiplier = 100;
		legs[i].implied_vol = (i % 4 == 0) ? NAN : 0.25 + 0.03 * i;
	}
}

static void
make_input(engine_input *in, const engine_leg *legs)
{
	engine_input_init(in);
	in->now = T0;
	calendar_ny_clock(T0, &in->clock);
	in->has_quote = true;
	in->bid = 99.99;
	in->ask = 100.01;
	in->quote_ts = T0 - 0.2;
	in->legs = legs;
	in->n_legs = N_LEGS;
	in->stock_position = -150;
	in->last_hedge_price = 99.5;
	in->last_hedge_ts = T0 - 600;
	in->daily_hedge_count = 7;
	in->daily_pnl = -120.0;
	in->faults_clear_since = T0 - 3600;
}

static double
bench_evaluate(const engine_config *cfg, engine_input *in)
{
	double		runs[RUNS];

	for (int run = 0; run < RUNS; run++)
	{
		double		acc = 0.0;
		double		start = now_ns();

		for (int i = 0; i < CALLS; i++)
		{
			engine_output out;

			in->bid = 99.0 + (i & 1023) * (2.0 / 1024.0);
			in->ask = in->bid + 0.02;
			engine_evaluate(cfg, in, &out);
			acc += out.net_delta + (double) out.next_state + (double) out.block_reason;
		}
		runs[run] = (now_ns() - start) / CALLS;
		sink = acc;
	}
	return median(runs, RUNS);
}

static double
bench_portfolio(const engine_config *cfg, const engine_leg *legs)
{
	double		runs[RUNS];
	portfolio_market m;

	m.now = T0;
	m.volatility = cfg->volatility;
	m.rate = cfg->risk_free_rate;
	m.yield = cfg->dividend_yield;
	for (int run = 0; run < RUNS; run++)
	{
		double		acc = 0.0;
		double		start = now_ns();

		for (int i = 0; i < CALLS; i++)
		{
			portfolio_greeks g;

			m.spot = 99.0 + (i & 1023) * (2.0 / 1024.0);
			portfolio_compute(legs, N_LEGS, &m, -150, 0, &g);
			acc += g.net_delta + g.gamma;
		}
		runs[run] = (now_ns() - start) / CALLS;
		sink = acc;
	}
	return median(runs, RUNS);
}

int
main(int argc, char **argv)
{
	engine_config cfg;
	engine_leg	legs[N_LEGS];
	engine_input in;
	engine_output out;
	double		full,
				book,
				given;

	printf("bench_engine: one decision step (ns per call, median of %d runs x %d calls)\n",
		   RUNS, CALLS);
	printf("built: %s\n", BENCH_BUILD_CMD);
#ifdef __VERSION__
	printf("cc:    %s\n", __VERSION__);
#endif
	printf("ran:  ");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	print_cpu_model();

	engine_config_defaults(&cfg);
	make_book(legs);
	make_input(&in, legs);
	if (engine_input_check(&in, NULL) != NULL)
	{
		fprintf(stderr, "bench input rejected: %s\n", engine_input_check(&in, NULL));
		return 1;
	}
	engine_evaluate(&cfg, &in, &out);
	printf("\nbook: %d legs, net delta %.2f shares, gamma %.3f, %s %s %s, next %s, intent %s %lld, block %s\n",
		   N_LEGS, out.net_delta, out.gamma, dim_o_code(out.dims.o), dim_d_code(out.dims.d),
		   dim_l_code(out.dims.l), trading_state_name(out.next_state),
		   out.intent.present ? hedge_side_name(out.intent.side) : "-",
		   (long long) out.intent.qty,
		   guard_reason_name(out.block_reason) ? guard_reason_name(out.block_reason) : "none");

	full = bench_evaluate(&cfg, &in);
	book = bench_portfolio(&cfg, legs);
	in.n_legs = 0;
	in.has_greeks = true;
	in.greeks_net_delta = 42.0;
	in.greeks_gamma = 3.5;
	in.greeks_valid = true;
	given = bench_evaluate(&cfg, &in);

	printf("\n  engine_evaluate, 10-leg book   %7.1f ns   (goal <= 2000)\n", full);
	printf("  portfolio_compute, 10 legs     %7.1f ns\n", book);
	printf("  engine_evaluate, given greeks  %7.1f ns   (everything but pricing)\n", given);
	return 0;
}
