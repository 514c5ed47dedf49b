/*
 * bench_bs.c: timings of the pricing module (src/engine/bs.c).
 *
 * Prints ns per call, the median of several runs, for one leg's delta and
 * gamma (the portfolio's hot path), price plus all greeks, and implied vol
 * over a mixed grid.  It prints figures; it does not pass or fail.
 *
 *     gcc -O2 -Isrc/engine bench/bench_bs.c src/engine/bs.c -lm -o bench_bs
 *     ./bench_bs
 *
 * A build script can pass its real command line with
 * -DBENCH_BUILD_CMD='"..."' so the output records it.
 */
#define _POSIX_C_SOURCE 200809L

#include "bs.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef BENCH_BUILD_CMD
#define BENCH_BUILD_CMD "gcc -O2 -Isrc/engine bench/bench_bs.c src/engine/bs.c -lm -o bench_bs"
#endif

#define RUNS		11			/* timed runs per figure; the median is printed */
#define LEGS		1024		/* distinct inputs cycled through */
#define LEG_CALLS	2000000		/* calls per run for the per-leg figures */
#define IV_REPEAT	16			/* solves per grid point and timing */
#define IV_RUNS		5

/* Keeps every result observable so no call is optimized away. */
static volatile double sink;

typedef struct
{
	bs_right	right;
	double		s,
				k,
				t,
				r,
				q,
				sigma,
				price;
} bench_input;

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

static double
percentile(double *sorted, int n, double p)
{
	int			i = (int) (p * (n - 1) + 0.5);

	return sorted[i];
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

/* A deterministic spread of legs around the money, like a hedged book. */
static void
make_legs(bench_input *legs, int n)
{
	unsigned	seed = 12345;

	for (int i = 0; i < n; i++)
	{
		seed = seed * 1103515245u + 12345u;
		legs[i].right = (seed >> 16) & 1 ? BS_PUT : BS_CALL;
		legs[i].s = 100.0;
		legs[i].k = 80.0 + 40.0 * ((seed >> 8) & 1023) / 1023.0;
		legs[i].t = (1.0 + (i % 60)) / 365.0;
		legs[i].r = 0.05;
		legs[i].q = (i % 3 == 0) ? 0.0 : 0.015;
		legs[i].sigma = 0.15 + 0.5 * (i % 17) / 16.0;
	}
}

/* ns per call of bs_delta_gamma over the legs, median of RUNS runs. */
static double
bench_delta_gamma(const bench_input *legs)
{
	double		runs[RUNS];

	for (int run = 0; run < RUNS; run++)
	{
		double		acc = 0.0;
		double		start = now_ns();

		for (int i = 0; i < LEG_CALLS; i++)
		{
			const bench_input *l = &legs[i & (LEGS - 1)];
			double		delta,
						gamma;

			bs_delta_gamma(l->right, l->s, l->k, l->t, l->r, l->q, l->sigma,
						   &delta, &gamma);
			acc += delta + gamma;
		}
		runs[run] = (now_ns() - start) / LEG_CALLS;
		sink = acc;
	}
	return median(runs, RUNS);
}

static double
bench_greeks_all(const bench_input *legs)
{
	double		runs[RUNS];

	for (int run = 0; run < RUNS; run++)
	{
		double		acc = 0.0;
		double		start = now_ns();

		for (int i = 0; i < LEG_CALLS; i++)
		{
			const bench_input *l = &legs[i & (LEGS - 1)];
			bs_greeks	g;

			bs_greeks_all(l->right, l->s, l->k, l->t, l->r, l->q, l->sigma, &g);
			acc += g.price + g.delta + g.gamma + g.vega + g.theta + g.rho;
		}
		runs[run] = (now_ns() - start) / LEG_CALLS;
		sink = acc;
	}
	return median(runs, RUNS);
}

static double
bench_price(const bench_input *legs)
{
	double		runs[RUNS];

	for (int run = 0; run < RUNS; run++)
	{
		double		acc = 0.0;
		double		start = now_ns();

		for (int i = 0; i < LEG_CALLS; i++)
		{
			const bench_input *l = &legs[i & (LEGS - 1)];

			acc += bs_price(l->right, l->s, l->k, l->t, l->r, l->q, l->sigma);
		}
		runs[run] = (now_ns() - start) / LEG_CALLS;
		sink = acc;
	}
	return median(runs, RUNS);
}

/* libm costs for scale: the same loop shape around one call. */
static double
bench_libm(double (*fn) (double))
{
	double		runs[RUNS];

	for (int run = 0; run < RUNS; run++)
	{
		double		acc = 0.0;
		double		start = now_ns();

		for (int i = 0; i < LEG_CALLS; i++)
			acc += fn(0.25 + (i & 1023) * (1.0 / 1024.0));
		runs[run] = (now_ns() - start) / LEG_CALLS;
		sink = acc;
	}
	return median(runs, RUNS);
}

/*
 * The implied-vol grid: strike/spot 0.5..2, t 1 day..5 years, sigma
 * 0.05..2, both rights, log-spaced; points whose vega is <= 1e-8 carry no
 * vol information and are left out (counted).
 */
#define GRID_M	16
#define GRID_T	10
#define GRID_V	10

static int
make_iv_grid(bench_input *grid, int *flat)
{
	int			n = 0;

	*flat = 0;
	for (int a = 0; a < GRID_M; a++)
	for (int b = 0; b < GRID_T; b++)
	for (int c = 0; c < GRID_V; c++)
	for (int d = 0; d < 2; d++)
	{
		bench_input in;
		bs_greeks	g;

		in.right = d ? BS_PUT : BS_CALL;
		in.s = 100.0;
		in.k = 100.0 * 0.5 * pow(4.0, a / (GRID_M - 1.0));
		in.t = (1.0 / 365.0) * pow(5.0 * 365.0, b / (GRID_T - 1.0));
		in.sigma = 0.05 * pow(40.0, c / (GRID_V - 1.0));
		in.r = 0.03;
		in.q = 0.01;
		bs_greeks_all(in.right, in.s, in.k, in.t, in.r, in.q, in.sigma, &g);
		in.price = g.price;
		if (!(g.vega > 1e-8))
		{
			(*flat)++;
			continue;
		}
		grid[n++] = in;
	}
	return n;
}

int
main(int argc, char **argv)
{
	static bench_input legs[LEGS];
	static bench_input grid[GRID_M * GRID_T * GRID_V * 2];
	static double per_point[GRID_M * GRID_T * GRID_V * 2];
	double		medians[IV_RUNS],
				means[IV_RUNS];
	double		p90 = 0,
				p99 = 0,
				worst = 0;
	long		iter_total = 0;
	int			iter_max = 0,
				flat,
				n;

	printf("bench_bs: pricing module timings (ns per call, median of runs)\n");
	printf("built: %s\n", BENCH_BUILD_CMD);
#ifdef __VERSION__
	printf("cc:    %s\n", __VERSION__);
#endif
	printf("ran:  ");
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	print_cpu_model();

	make_legs(legs, LEGS);
	printf("\nlibm, for scale (%d calls x %d runs):\n", LEG_CALLS, RUNS);
	printf("  exp                          %7.1f ns\n", bench_libm(exp));
	printf("  log                          %7.1f ns\n", bench_libm(log));
	printf("  erfc                         %7.1f ns\n", bench_libm(erfc));

	printf("\nper leg (%d mixed legs cycled, %d calls x %d runs, throughput):\n",
		   LEGS, LEG_CALLS, RUNS);
	printf("  bs_delta_gamma               %7.1f ns   (goal <= 40)\n",
		   bench_delta_gamma(legs));
	printf("  bs_price                     %7.1f ns\n", bench_price(legs));
	printf("  bs_greeks_all (price+greeks) %7.1f ns   (goal <= 80)\n",
		   bench_greeks_all(legs));

	n = make_iv_grid(grid, &flat);
	for (int i = 0; i < n; i++)
	{
		int			iters;

		sink = bs_implied_vol_iter(grid[i].right, grid[i].price, grid[i].s, grid[i].k,
								   grid[i].t, grid[i].r, grid[i].q, &iters);
		iter_total += iters;
		if (iters > iter_max)
			iter_max = iters;
	}
	for (int run = 0; run < IV_RUNS; run++)
	{
		double		total = 0.0;

		for (int i = 0; i < n; i++)
		{
			const bench_input *g = &grid[i];
			double		acc = 0.0;
			double		start = now_ns();

			for (int j = 0; j < IV_REPEAT; j++)
				acc += bs_implied_vol(g->right, g->price, g->s, g->k, g->t, g->r, g->q);
			per_point[i] = (now_ns() - start) / IV_REPEAT;
			total += per_point[i];
			sink = acc;
		}
		means[run] = total / n;
		medians[run] = median(per_point, n);	/* sorts per_point */
		if (run == IV_RUNS - 1)
		{
			p90 = percentile(per_point, n, 0.90);
			p99 = percentile(per_point, n, 0.99);
			worst = per_point[n - 1];
		}
	}
	printf("\nimplied vol over a mixed grid (K/S 0.5..2 x t 1 d..5 y x sigma 0.05..2 x C/P,\n"
		   "  r 3%%, q 1%%): %d points solved, %d flat-in-vol points (vega <= 1e-8) left out;\n"
		   "  each point timed over %d repeated solves, %d runs:\n",
		   n, flat, IV_REPEAT, IV_RUNS);
	printf("  bs_implied_vol median        %7.1f ns   (goal <= 400)\n",
		   median(medians, IV_RUNS));
	printf("  mean %.1f ns, p90 %.1f ns, p99 %.1f ns, max %.1f ns (last run)\n",
		   median(means, IV_RUNS), p90, p99, worst);
	printf("  iterations: mean %.2f, max %d (bound %d)\n",
		   (double) iter_total / n, iter_max, BS_IV_MAX_ITER);
	return 0;
}
