/*
 * test_bs.c: unit tests of the pricing module (src/engine/bs.c).
 *
 * Known values (Hull, Haug via QuantLib, the reference engine's numbers),
 * greeks against finite differences of the price, put-call parity,
 * implied-vol round trips and bounds, the degenerate t = 0 / sigma = 0
 * limits, extreme inputs, and the input helpers.
 */
#include "bs.h"
#include "unit.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_LEN(a) ((int) (sizeof(a) / sizeof((a)[0])))

/*
 * A value printed with `decimals` digits after the point matches when it
 * rounds to the printed figure: |got - printed| <= half a unit in the last
 * place (plus a hair for the binary representation of the printed value).
 */
#define CHECK_PRINTED(got, printed, decimals) \
	CHECK_NEAR(got, printed, 0.0, 0.5 * pow(10.0, -(decimals)) * (1.0 + 1e-9))

static const bs_right rights[] = {BS_CALL, BS_PUT};

static const char *
right_name(bs_right right)
{
	return right == BS_CALL ? "call" : "put";
}

static bs_greeks
greeks(bs_right right, double s, double k, double t, double r, double q,
	   double sigma)
{
	bs_greeks	g;

	bs_greeks_all(right, s, k, t, r, q, sigma, &g);
	return g;
}

/* d1 as textbooks write it, for the anchors that print it. */
static double
textbook_d1(double s, double k, double t, double r, double q, double sigma)
{
	return (log(s / k) + (r - q + 0.5 * sigma * sigma) * t) / (sigma * sqrt(t));
}

/* ---------------------------------------------------------------------- */
/* Known values: trading-anchors.md section 3.3                           */
/* ---------------------------------------------------------------------- */

static void
test_anchor_values(void)
{
	bs_greeks	c,
				p;
	double		d1,
				h,
				div_rho;

	/* 1: Hull, S=42 K=40 r=10% T=0.5 sigma=20% */
	c = greeks(BS_CALL, 42, 40, 0.5, 0.10, 0.0, 0.20);
	p = greeks(BS_PUT, 42, 40, 0.5, 0.10, 0.0, 0.20);
	CHECK_PRINTED(c.price, 4.7594, 4);
	CHECK_PRINTED(c.price, 4.76, 2);
	CHECK_PRINTED(p.price, 0.8086, 4);
	CHECK_PRINTED(p.price, 0.81, 2);
	d1 = textbook_d1(42, 40, 0.5, 0.10, 0.0, 0.20);
	CHECK_PRINTED(d1, 0.7693, 4);
	CHECK_PRINTED(d1 - 0.20 * sqrt(0.5), 0.6278, 4);
	CHECK_NEAR_REL(c.delta, 0.5 * erfc(-d1 / sqrt(2.0)), 1e-14);
	CHECK_PRINTED(c.delta, 0.7791, 4);
	CHECK_PRINTED(c.gamma, 0.04996, 5);

	/* 2: Hull greeks, S=49 K=50 r=5% T=20/52 sigma=20% */
	c = greeks(BS_CALL, 49, 50, 20.0 / 52.0, 0.05, 0.0, 0.20);
	CHECK_PRINTED(c.price, 2.4005, 4);
	CHECK_PRINTED(c.delta, 0.5216, 4);
	CHECK_PRINTED(c.gamma, 0.06554, 5);
	CHECK_PRINTED(c.vega, 12.105, 3);
	CHECK_PRINTED(c.theta, -4.3053, 4);
	CHECK_PRINTED(c.theta / 365.0, -0.0118, 4);
	CHECK_PRINTED(c.rho, 8.907, 3);

	/* 3: textbook ATM, S=K=100 r=5% T=1 sigma=20% */
	c = greeks(BS_CALL, 100, 100, 1.0, 0.05, 0.0, 0.20);
	p = greeks(BS_PUT, 100, 100, 1.0, 0.05, 0.0, 0.20);
	CHECK_PRINTED(c.price, 10.4506, 4);
	CHECK_PRINTED(p.price, 5.5735, 4);
	CHECK_PRINTED(c.delta, 0.6368, 4);
	CHECK_PRINTED(c.gamma, 0.018762, 6);
	CHECK_PRINTED(c.vega, 37.524, 3);

	/* 4-9: Haug's price table as QuantLib tests it */
	CHECK_PRINTED(bs_price(BS_CALL, 60, 65, 0.25, 0.08, 0.0, 0.30), 2.1334, 4);
	CHECK_PRINTED(bs_price(BS_PUT, 100, 95, 0.5, 0.10, 0.05, 0.20), 2.4648, 4);
	/* 6: Black-76 (q = r) */
	CHECK_PRINTED(bs_price(BS_CALL, 19, 19, 0.75, 0.10, 0.10, 0.28), 1.7011, 4);
	CHECK_PRINTED(bs_price(BS_PUT, 19, 19, 0.75, 0.10, 0.10, 0.28), 1.7011, 4);
	/* 7: Garman-Kohlhagen (q = foreign rate) */
	CHECK_PRINTED(bs_price(BS_CALL, 1.56, 1.60, 0.5, 0.06, 0.08, 0.12), 0.0291, 4);
	CHECK_PRINTED(bs_price(BS_PUT, 75, 70, 0.5, 0.10, 0.05, 0.35), 4.0870, 4);
	CHECK_PRINTED(bs_price(BS_CALL, 42, 40, 0.75, 0.04, 0.08, 0.35), 5.0975, 4);

	/*
	 * 10: Haug p.24 grid, q = r = 10%, K = 100.  The anchor prints 1.8734
	 * for S = 100, T = 0.1, but the exact value is 1.873344572764935...
	 * (forward ATM: 100 e^{-0.01} erf(0.15 sqrt(0.1) / sqrt 8), checked with
	 * 30-digit arithmetic), which rounds to 1.8733.  Haug's table is off in
	 * the last digit there; QuantLib accepts it with its 1e-4 tolerance.
	 */
	CHECK_NEAR_ABS(bs_price(BS_CALL, 100, 100, 0.1, 0.10, 0.10, 0.15), 1.8734, 1e-4);
	CHECK_NEAR_ABS(bs_price(BS_PUT, 100, 100, 0.1, 0.10, 0.10, 0.15), 1.8734, 1e-4);
	CHECK_NEAR_REL(bs_price(BS_CALL, 100, 100, 0.1, 0.10, 0.10, 0.15), 1.873344572764935, 1e-14);
	CHECK_NEAR_REL(bs_price(BS_PUT, 100, 100, 0.1, 0.10, 0.10, 0.15), 1.873344572764935, 1e-14);
	CHECK_PRINTED(bs_price(BS_CALL, 90, 100, 0.1, 0.10, 0.10, 0.15), 0.0205, 4);
	CHECK_PRINTED(bs_price(BS_CALL, 110, 100, 0.1, 0.10, 0.10, 0.15), 9.9413, 4);
	CHECK_PRINTED(bs_price(BS_CALL, 110, 100, 0.5, 0.10, 0.10, 0.35), 15.3086, 4);
	CHECK_PRINTED(bs_price(BS_PUT, 90, 100, 0.5, 0.10, 0.10, 0.35), 14.4452, 4);

	/* 11: deltas and put elasticity, S=105 K=100 q=r=10% T=0.5 sigma=36% */
	c = greeks(BS_CALL, 105, 100, 0.5, 0.10, 0.10, 0.36);
	p = greeks(BS_PUT, 105, 100, 0.5, 0.10, 0.10, 0.36);
	CHECK_PRINTED(c.delta, 0.5946, 4);
	CHECK_PRINTED(p.delta, -0.3566, 4);
	CHECK_PRINTED(p.delta * 105.0 / p.price, -4.8775, 4);

	/* 12, 13: gamma and vega, S=55 K=60 r=10% T=0.75 sigma=30% */
	c = greeks(BS_CALL, 55, 60, 0.75, 0.10, 0.0, 0.30);
	p = greeks(BS_PUT, 55, 60, 0.75, 0.10, 0.0, 0.30);
	CHECK_PRINTED(c.gamma, 0.0278, 4);
	CHECK_PRINTED(p.gamma, 0.0278, 4);
	CHECK_NEAR_REL(c.gamma, p.gamma, 1e-14);
	CHECK_PRINTED(c.vega, 18.9358, 4);
	CHECK_PRINTED(p.vega, 18.9358, 4);

	/* 14: put theta per year and per day (/365) */
	p = greeks(BS_PUT, 430, 405, 1.0 / 12.0, 0.07, 0.05, 0.20);
	CHECK_PRINTED(p.theta, -31.1924, 4);
	CHECK_PRINTED(p.theta / 365.0, -0.0855, 4);

	/* 15: call rho */
	c = greeks(BS_CALL, 72, 75, 1.0, 0.09, 0.0, 0.19);
	CHECK_PRINTED(c.rho, 38.7325, 4);

	/* 16: dividend rho of a put, dV/dq, from the price (not in bs_greeks) */
	h = 1e-5;
	div_rho = (bs_price(BS_PUT, 500, 490, 0.25, 0.08, 0.05 + h, 0.15) -
			 bs_price(BS_PUT, 500, 490, 0.25, 0.08, 0.05 - h, 0.15)) / (2.0 * h);
	CHECK_PRINTED(div_rho, 42.2254, 4);
	/* and it is -t s delta for a put (t A N(-d1)) */
	p = greeks(BS_PUT, 500, 490, 0.25, 0.08, 0.05, 0.15);
	CHECK_NEAR_REL(div_rho, -0.25 * 500 * p.delta, 1e-8);
	CHECK_PRINTED(-0.25 * 500 * p.delta, 42.2254, 4);

	/* 17: put-call parity on row 1 */
	c = greeks(BS_CALL, 42, 40, 0.5, 0.10, 0.0, 0.20);
	p = greeks(BS_PUT, 42, 40, 0.5, 0.10, 0.0, 0.20);
	CHECK_NEAR_ABS(c.price - p.price - (42.0 - 40.0 * exp(-0.05)), 0.0, 1e-13);

	/* 18: implied vol of row 3's price */
	c = greeks(BS_CALL, 100, 100, 1.0, 0.05, 0.0, 0.20);
	CHECK_NEAR_ABS(bs_implied_vol(BS_CALL, c.price, 100, 100, 1.0, 0.05, 0.0), 0.20, 1e-12);
	CHECK_NEAR_ABS(bs_implied_vol(BS_CALL, 10.4506, 100, 100, 1.0, 0.05, 0.0), 0.20, 1e-5);
}

/* ---------------------------------------------------------------------- */
/* The reference engine's anchor values, written out in full below       */
/* ---------------------------------------------------------------------- */

static void
test_reference_numbers(void)
{
	double		dc,
				dp,
				gc,
				gp;
	bs_greeks	c,
				p;

	bs_delta_gamma(BS_CALL, 100, 100, 0.25, 0.05, 0.0, 0.25, &dc, &gc);
	bs_delta_gamma(BS_PUT, 100, 100, 0.25, 0.05, 0.0, 0.25, &dp, &gp);
	CHECK_PRINTED(dc, 0.564544, 6);
	CHECK_PRINTED(dp, -0.435456, 6);
	CHECK_PRINTED(gc, 0.031497, 6);
	CHECK_PRINTED(gp, 0.031497, 6);

	bs_delta_gamma(BS_CALL, 110, 100, 0.25, 0.05, 0.0, 0.25, &dc, &gc);
	bs_delta_gamma(BS_PUT, 110, 100, 0.25, 0.05, 0.0, 0.25, &dp, &gp);
	CHECK_PRINTED(dc, 0.822512, 6);
	CHECK_PRINTED(dp, -0.177488, 6);
	CHECK_PRINTED(gc, 0.018916, 6);

	c = greeks(BS_CALL, 500, 500, 28.0 / 365.0, 0.05, 0.0, 0.35);
	p = greeks(BS_PUT, 500, 500, 28.0 / 365.0, 0.05, 0.0, 0.35);
	CHECK_PRINTED(c.delta, 0.535076, 6);
	CHECK_PRINTED(p.delta, -0.464924, 6);
	CHECK_PRINTED(c.gamma, 0.008199, 6);
	/* one long straddle of 100-share contracts */
	CHECK_PRINTED(100.0 * (c.delta + p.delta), 7.0153, 4);
	CHECK_PRINTED(100.0 * (c.gamma + p.gamma), 1.6398, 4);
}

/* ---------------------------------------------------------------------- */
/* Relative precision where naive formulas lose it                        */
/* ---------------------------------------------------------------------- */

/*
 * Reference values from the same formulas in 40-digit arithmetic (mpmath),
 * on the doubles given here.  Cases: an in-the-money option with a huge
 * total vol, whose N(d2) (call rho) or N(-d1) (put delta) is ~1e-15 and
 * would come out as noise from 1 - N; a far out-of-the-money put; and a
 * total vol of 1e-6..1e-4 near the money, where N(d1) - N(d2) cancels.
 */
static void
test_precision(void)
{
	static const struct
	{
		bs_right	right;
		double		s, k, t, r, q, sigma;
		double		price, delta, rho, theta;
	}			cases[] = {
		{BS_CALL, 100, 50, 10, 0.05, 0, 5,
		99.999999999999854, 0.99999999999999928, 7.3840111055501406e-13, -4.6801733259040749e-13},
		{BS_PUT, 50, 100, 10, 0.05, 0, 5,
		60.653065971263194, -1.469391652411468e-15, -606.53065971263267, 3.0326532985626979},
		{BS_PUT, 100, 60, 0.5, 0.03, 0, 0.2,
		0.0002607167859037364, -7.5670289695807579e-5, -0.0039138728777422471, -0.0040721949591023017},
		{BS_CALL, 100, 100, 1.0 / 365, 0, 0, 0.0001,
		0.00020881593329456446, 0.50000104407966647, 0.13698601532063932, -0.038108907826171008},
		{BS_CALL, 100, 100, 1e-6, 0.05, 0.02, 0.001,
		4.1412177647024402e-5, 0.51196666255617618, 5.1196624843439968e-5, -21.474037057327256},
		{BS_PUT, 100, 100, 1e-6, 0.05, 0.02, 0.001,
		3.84121777520244e-5, -0.48803331744382402, -4.8803370156560152e-5, -18.47403726732725},
		{BS_CALL, 100, 100.00005, 1e-4, 0, 0, 0.01,
		0.0039644736673755715, 0.49802524427503229, 0.0049798559953835856, -19.946869644611356},
		{BS_PUT, 100, 100.00005, 1e-4, 0, 0, 0.01,
		0.0040144736673772313, -0.50197475572496771, -0.0050201490046164151, -19.946869644611356},
	};

	for (int i = 0; i < ARRAY_LEN(cases); i++)
	{
		bs_greeks	g = greeks(cases[i].right, cases[i].s, cases[i].k, cases[i].t,
							   cases[i].r, cases[i].q, cases[i].sigma);
		int			ok = 1;

		ok &= CHECK_NEAR_REL(g.price, cases[i].price, 1e-13);
		ok &= CHECK_NEAR_REL(g.delta, cases[i].delta, 1e-13);
		ok &= CHECK_NEAR_REL(g.rho, cases[i].rho, 1e-13);
		ok &= CHECK_NEAR_REL(g.theta, cases[i].theta, 1e-13);
		if (!ok)
			unit_note("case %d", i);
	}
}

/* ---------------------------------------------------------------------- */
/* Greeks against finite differences of the price                         */
/* ---------------------------------------------------------------------- */

typedef enum
{
	ARG_S,
	ARG_T,
	ARG_R,
	ARG_SIGMA
} fd_arg;

static double
price_at(bs_right right, const double in[6], fd_arg arg, double bump)
{
	double		x[6];

	memcpy(x, in, sizeof(x));
	switch (arg)
	{
		case ARG_S:
			x[0] += bump;
			break;
		case ARG_T:
			x[2] += bump;
			break;
		case ARG_R:
			x[3] += bump;
			break;
		case ARG_SIGMA:
			x[5] += bump;
			break;
	}
	return bs_price(right, x[0], x[1], x[2], x[3], x[4], x[5]);
}

/* Five-point central first derivative: truncation O(h^4). */
static double
fd_first(bs_right right, const double in[6], fd_arg arg, double h)
{
	return (8.0 * (price_at(right, in, arg, h) - price_at(right, in, arg, -h)) -
			(price_at(right, in, arg, 2 * h) - price_at(right, in, arg, -2 * h))) /
		(12.0 * h);
}

/* Five-point central second derivative: truncation O(h^4). */
static double
fd_second(bs_right right, const double in[6], fd_arg arg, double h)
{
	return (-price_at(right, in, arg, 2 * h) + 16.0 * price_at(right, in, arg, h) -
			30.0 * price_at(right, in, arg, 0.0) +
			16.0 * price_at(right, in, arg, -h) - price_at(right, in, arg, -2 * h)) /
		(12.0 * h * h);
}

/*
 * Steps scale with the width over which the price bends: in s about
 * s min(v, 1) / |d| (v = sigma sqrt t, |d| = max(1, |d1|): away from the
 * money the price behaves like exp(-d^2/2)), in sigma about sigma / d^2, in
 * t about t / d^2, in r about v / (t |d|).  At 1e-2 of those widths (1e-3
 * in t and sigma, 4e-2 for gamma, capped at v = 0.25) the O(h^4) truncation
 * stays near 1e-8 relative.
 *
 * A difference quotient cannot resolve less than the rounding of the prices
 * it subtracts: ~eps P / h for a first and ~5 eps P / h^2 for a second
 * derivative, P the option value.  Away from the money the time value is a
 * difference of two terms ~d^2 larger, each carrying the rounding of its
 * argument amplified by d, so it is good to ~d^4 eps only.  Each greek must
 * agree to 1e-6 relative or lie within that floor (with a safety factor of
 * 8); the floor only matters for greeks many orders below the price (deep
 * in or out of the money, |d1| > 4), and the count of those is printed.
 */
static void
test_finite_differences(void)
{
	static const double spots[] = {70, 90, 100, 108, 130};
	static const double strikes[] = {95, 100, 105};
	static const double times[] = {0.02, 0.25, 1.0, 3.0};
	static const double vols[] = {0.10, 0.30, 0.80};
	static const double rates[] = {-0.01, 0.0, 0.05};
	static const double yields[] = {0.0, 0.03, 0.05};
	int			cases = 0,
				relative = 0;

	for (int a = 0; a < ARRAY_LEN(spots); a++)
	for (int b = 0; b < ARRAY_LEN(strikes); b++)
	for (int c = 0; c < ARRAY_LEN(times); c++)
	for (int d = 0; d < ARRAY_LEN(vols); d++)
	for (int e = 0; e < ARRAY_LEN(rates); e++)
	for (int f = 0; f < ARRAY_LEN(yields); f++)
	for (int g = 0; g < 2; g++)
	{
		bs_right	right = rights[g];
		double		in[6] = {spots[a], strikes[b], times[c], rates[e], yields[f], vols[d]};
		double		v = in[5] * sqrt(in[2]);
		double		dd = fmax(1.0, fabs(textbook_d1(in[0], in[1], in[2], in[3], in[4], in[5])));
		double		hs = 1e-2 * in[0] * fmin(v, 1.0) / dd;
		double		hg = 4e-2 * in[0] * fmin(v, 0.25) / dd;
		double		ht = 1e-3 * in[2] / (dd * dd);
		double		hr = 1e-2 * fmin(v / in[2], 1.0) / dd;
		double		hv = 1e-3 * in[5] / (dd * dd);
		bs_greeks	gr = greeks(right, in[0], in[1], in[2], in[3], in[4], in[5]);
		double		fwd_a = in[0] * exp(-in[4] * in[2]),
					fwd_b = in[1] * exp(-in[3] * in[2]);
		double		time_value = gr.price - fmax(0.0, right == BS_CALL ? fwd_a - fwd_b : fwd_b - fwd_a);
		double		noise = 8.0 * DBL_EPSILON * (gr.price + fabs(time_value) * pow(dd, 4));
		struct
		{
			const char *name;
			double		analytic;
			double		fd;
			double		floor;
		}			chk[5];
		int			ok = 1;

		chk[0].name = "delta";
		chk[0].analytic = gr.delta;
		chk[0].fd = fd_first(right, in, ARG_S, hs);
		chk[0].floor = noise / hs;
		chk[1].name = "gamma";
		chk[1].analytic = gr.gamma;
		chk[1].fd = fd_second(right, in, ARG_S, hg);
		chk[1].floor = 6.0 * noise / (hg * hg);
		chk[2].name = "theta";
		chk[2].analytic = gr.theta;
		chk[2].fd = -fd_first(right, in, ARG_T, ht);
		chk[2].floor = noise / ht;
		chk[3].name = "rho";
		chk[3].analytic = gr.rho;
		chk[3].fd = fd_first(right, in, ARG_R, hr);
		chk[3].floor = noise / hr;
		chk[4].name = "vega";
		chk[4].analytic = gr.vega;
		chk[4].fd = fd_first(right, in, ARG_SIGMA, hv);
		chk[4].floor = noise / hv;

		cases++;
		for (int i = 0; i < 5; i++)
		{
			if (fabs(chk[i].analytic - chk[i].fd) <=
				1e-6 * fmax(fabs(chk[i].analytic), fabs(chk[i].fd)))
				relative++;
			if (!CHECK_NEAR(chk[i].analytic, chk[i].fd, 1e-6, chk[i].floor))
			{
				ok = 0;
				unit_note("%s", chk[i].name);
			}
		}
		if (!ok)
			unit_note("%s s=%g k=%g t=%g r=%g q=%g sigma=%g", right_name(right),
					  in[0], in[1], in[2], in[3], in[4], in[5]);
	}
	printf("finite differences: %d cases x 5 greeks: %d agree to 1e-6 relative, "
		   "%d (all with |d1| > 4.3) within the quotient's rounding floor\n",
		   cases, relative, 5 * cases - relative);
	CHECK(relative >= (int) (0.97 * 5 * cases));
}

/* ---------------------------------------------------------------------- */
/* Put-call parity and consistency of the entry points                    */
/* ---------------------------------------------------------------------- */

static void
test_parity_and_consistency(void)
{
	static const double spots[] = {50, 80, 95, 99.5, 100, 100.5, 105, 125, 200};
	static const double times[] = {1.0 / 365, 7.0 / 365, 0.1, 0.5, 1, 2, 5};
	static const double vols[] = {0.05, 0.15, 0.3, 0.6, 1.0, 2.0};
	static const double rq[][2] = {{0, 0}, {0.05, 0}, {0.05, 0.02}, {-0.01, 0.03}, {0.1, 0.1}};
	int			n = 0;

	for (int a = 0; a < ARRAY_LEN(spots); a++)
	for (int c = 0; c < ARRAY_LEN(times); c++)
	for (int d = 0; d < ARRAY_LEN(vols); d++)
	for (int e = 0; e < ARRAY_LEN(rq); e++)
	{
		double		s = spots[a],
					k = 100,
					t = times[c],
					sigma = vols[d],
					r = rq[e][0],
					q = rq[e][1];
		bs_greeks	c_ = greeks(BS_CALL, s, k, t, r, q, sigma);
		bs_greeks	p_ = greeks(BS_PUT, s, k, t, r, q, sigma);
		double		fwd = s * exp(-q * t) - k * exp(-r * t);
		double		scale = fmax(c_.price, p_.price);
		double		dd = fmax(1.0, fabs(textbook_d1(s, k, t, r, q, sigma)));
		int			ok = 1;

		n++;
		ok &= CHECK_NEAR_ABS(c_.price - p_.price - fwd, 0.0, 1e-12 * scale);
		/* delta, gamma, vega, rho parity */
		ok &= CHECK_NEAR_ABS(c_.delta - p_.delta - exp(-q * t), 0.0, 1e-12);
		ok &= CHECK_NEAR_REL(c_.gamma, p_.gamma, 1e-12);
		ok &= CHECK_NEAR_REL(c_.vega, p_.vega, 1e-12);
		ok &= CHECK_NEAR_ABS(c_.rho - p_.rho - t * k * exp(-r * t), 0.0,
							 1e-12 * t * k);

		for (int g = 0; g < 2; g++)
		{
			bs_right	right = rights[g];
			bs_greeks	gr = (right == BS_CALL) ? c_ : p_;
			double		delta,
						gamma;

			bs_delta_gamma(right, s, k, t, r, q, sigma, &delta, &gamma);
			ok &= CHECK(bs_price(right, s, k, t, r, q, sigma) == gr.price);
			/* two formulas for N(d1): rounding of d1 weighs d1^2 in the tail */
			ok &= CHECK_NEAR(delta, gr.delta, 1e-14 * dd * dd, 1e-300);
			ok &= CHECK_NEAR(gamma, gr.gamma, 1e-14 * dd * dd, 1e-300);
			/* sanity of signs and bounds */
			ok &= CHECK(gr.gamma >= 0 && gr.vega >= 0);
			ok &= CHECK(right == BS_CALL ? (gr.delta >= 0 && gr.delta <= exp(-q * t))
						: (gr.delta <= 0 && gr.delta >= -exp(-q * t)));
			ok &= CHECK(right == BS_CALL ? gr.rho >= 0 : gr.rho <= 0);
		}
		if (!ok)
			unit_note("s=%g k=%g t=%g r=%g q=%g sigma=%g", s, k, t, r, q, sigma);
	}
	CHECK(n == ARRAY_LEN(spots) * ARRAY_LEN(times) * ARRAY_LEN(vols) * ARRAY_LEN(rq));

	/* long options decay in the usual case (r >= 0, no yield, ATM) */
	CHECK(greeks(BS_CALL, 100, 100, 0.5, 0.05, 0, 0.2).theta < 0);
	CHECK(greeks(BS_PUT, 100, 100, 0.5, 0.0, 0, 0.2).theta < 0);
	/* a deep ITM European put gains with time passing when rates are high */
	CHECK(greeks(BS_PUT, 50, 100, 1.0, 0.10, 0, 0.2).theta > 0);
}

/* ---------------------------------------------------------------------- */
/* Implied volatility                                                     */
/* ---------------------------------------------------------------------- */

static void
test_implied_vol_round_trip(void)
{
	static const double strikes[] = {1e-4, 0.01, 25, 50, 80, 95, 99, 100, 101, 105, 125, 200, 400, 1e4, 1e6};
	static const double times[] = {1e-6, 1.0 / (365 * 24), 1.0 / 365, 7.0 / 365, 0.1, 0.5, 1, 5, 30};
	static const double vols[] = {0.001, 0.01, 0.05, 0.2, 0.5, 1.0, 2.0, 5.0};
	static const double rq[][2] = {{0, 0}, {0.05, 0.02}, {-0.01, 0.03}, {0.05, 0.05}, {0.2, 0}};
	int			solved = 0,
				flat = 0,
				max_iter = 0,
				sigma_checked = 0;
	double		worst = 0.0;

	for (int b = 0; b < ARRAY_LEN(strikes); b++)
	for (int c = 0; c < ARRAY_LEN(times); c++)
	for (int d = 0; d < ARRAY_LEN(vols); d++)
	for (int e = 0; e < ARRAY_LEN(rq); e++)
	for (int g = 0; g < 2; g++)
	{
		bs_right	right = rights[g];
		double		s = 100,
					k = strikes[b],
					t = times[c],
					sigma = vols[d],
					r = rq[e][0],
					q = rq[e][1];
		bs_greeks	gr = greeks(right, s, k, t, r, q, sigma);
		int			iters;
		double		iv = bs_implied_vol_iter(right, gr.price, s, k, t, r, q, &iters);
		int			ok = 1;

		ok &= CHECK(iters >= 0 && iters <= BS_IV_MAX_ITER);
		if (iters > max_iter)
			max_iter = iters;
		if (!(gr.vega > 1e-8))
		{
			/* the price carries (almost) no vol information: any answer
			 * must still be a vol or NAN, never negative or infinite */
			flat++;
			ok &= CHECK(isnan(iv) || (iv >= 0 && isfinite(iv)));
		}
		else
		{
			double		back = bs_price(right, s, k, t, r, q, iv);
			double		err = fabs(back - gr.price) / gr.price;

			solved++;
			if (err > worst)
				worst = err;
			ok &= CHECK_NEAR_REL(back, gr.price, 1e-10);
			ok &= CHECK(iters <= 8);
			/* where the price is not flat in vol, the vol itself comes back */
			if (gr.vega * sigma > 1e-6 * gr.price)
			{
				sigma_checked++;
				ok &= CHECK_NEAR_REL(iv, sigma, 1e-8);
			}
		}
		if (!ok)
			unit_note("%s s=%g k=%g t=%g r=%g q=%g sigma=%g price=%.17g iv=%.17g iters=%d",
					  right_name(right), s, k, t, r, q, sigma, gr.price, iv, iters);
	}
	printf("implied vol grid: %d round trips (worst %.2g relative, max %d iterations), "
		   "%d sigma checks, %d flat-in-vol cases\n",
		   solved, worst, max_iter, sigma_checked, flat);
	CHECK(solved > 2000);
}

/* A tiny deterministic generator so the random cases are the same every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static double
rng_uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return ((double) (rng_state >> 11) + 0.5) / 9007199254740992.0;
}

/* Arbitrary prices strictly inside the bounds: always a vol that reprices. */
static void
test_implied_vol_random_prices(void)
{
	int			solved = 0,
				max_iter = 0;

	for (int i = 0; i < 20000; i++)
	{
		bs_right	right = (i & 1) ? BS_PUT : BS_CALL;
		double		s = 100;
		double		k = s * exp(log(1e3) * (2 * rng_uniform() - 1));
		double		t = exp(log(1e-5) + rng_uniform() * (log(30) - log(1e-5)));
		double		r = -0.02 + 0.25 * rng_uniform();
		double		q = -0.02 + 0.25 * rng_uniform();
		double		a = s * exp(-q * t),
					b = k * exp(-r * t);
		double		lower = fmax(0.0, right == BS_CALL ? a - b : b - a);
		double		upper = (right == BS_CALL) ? a : b;
		double		price = lower + (upper - lower) * pow(rng_uniform(), 4);
		int			iters;
		double		iv = bs_implied_vol_iter(right, price, s, k, t, r, q, &iters);
		bs_greeks	gr;
		int			ok = 1;

		if (iters > max_iter)
			max_iter = iters;
		if (!(price > lower && price < upper))
			continue;			/* rounding put it on a bound */
		ok &= CHECK(isfinite(iv) && iv >= 0);
		gr = greeks(right, s, k, t, r, q, iv);
		if (gr.vega > 1e-8)
		{
			solved++;
			ok &= CHECK_NEAR_REL(gr.price, price, 1e-10);
		}
		if (!ok)
			unit_note("%s s=%g k=%.17g t=%.17g r=%.17g q=%.17g price=%.17g iv=%.17g",
					  right_name(right), s, k, t, r, q, price, iv);
	}
	printf("implied vol, random prices: %d solved and repriced, max %d iterations\n",
		   solved, max_iter);
	CHECK(max_iter <= BS_IV_MAX_ITER);
	CHECK(solved > 15000);
}

static void
test_implied_vol_bounds(void)
{
	double		s = 100,
				k = 90,
				t = 0.5,
				r = 0.05,
				q = 0.02;
	double		a = s * exp(-q * t),
				b = k * exp(-r * t);
	double		call_floor = a - b;	/* ITM call */
	double		put_cap = b;

	/* below the no-arbitrage floor */
	CHECK(isnan(bs_implied_vol(BS_CALL, call_floor - 0.01, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_CALL, call_floor * (1 - 1e-9), s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_PUT, -0.01, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_CALL, -1.0, 100, 120, t, r, q)));
	/* on the floor: zero vol; a hair above: a tiny positive vol */
	CHECK(bs_implied_vol(BS_CALL, call_floor, s, k, t, r, q) == 0.0);
	CHECK(bs_implied_vol(BS_PUT, 0.0, s, k, t, r, q) == 0.0);
	CHECK(bs_implied_vol(BS_CALL, 0.0, 100, 120, t, r, q) == 0.0);
	CHECK(bs_implied_vol(BS_CALL, call_floor + 1e-6, s, k, t, r, q) > 0.0);
	/* at and above the cap */
	CHECK(isnan(bs_implied_vol(BS_CALL, a, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_CALL, a + 1, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_PUT, put_cap, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_PUT, put_cap * 1.5, s, k, t, r, q)));
	/* just under the cap: a large but finite vol */
	{
		double		iv = bs_implied_vol(BS_CALL, a * (1 - 1e-6), s, k, t, r, q);

		CHECK(isfinite(iv) && iv > 5.0);
		CHECK_NEAR_REL(bs_price(BS_CALL, s, k, t, r, q, iv), a * (1 - 1e-6), 1e-10);
	}
	/* t == 0 carries no vol information, whatever the price */
	CHECK(isnan(bs_implied_vol(BS_CALL, 10.0, 110, 100, 0.0, r, q)));
	CHECK(isnan(bs_implied_vol(BS_CALL, 12.0, 110, 100, 0.0, r, q)));
	CHECK(isnan(bs_implied_vol(BS_PUT, 1.0, 100, 100, 0.0, r, q)));
	/* non-finite prices */
	CHECK(isnan(bs_implied_vol(BS_CALL, NAN, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_CALL, INFINITY, s, k, t, r, q)));
	CHECK(isnan(bs_implied_vol(BS_PUT, -INFINITY, s, k, t, r, q)));
	/* the iteration counter is optional */
	CHECK(isnan(bs_implied_vol_iter(BS_CALL, -1.0, s, k, t, r, q, NULL)));
	{
		int			iters = -1;

		CHECK(isnan(bs_implied_vol_iter(BS_CALL, -1.0, s, k, t, r, q, &iters)));
		CHECK(iters == 0);
	}
}

/* ---------------------------------------------------------------------- */
/* t == 0 and sigma == 0                                                  */
/* ---------------------------------------------------------------------- */

static void
check_degenerate(bs_right right, double s, double k, double t, double r,
				 double q, double sigma, double price, double delta)
{
	bs_greeks	g = greeks(right, s, k, t, r, q, sigma);
	double		d,
				gm;
	int			ok = 1;

	bs_delta_gamma(right, s, k, t, r, q, sigma, &d, &gm);
	ok &= CHECK_NEAR(g.price, price, 1e-14, 1e-14);
	ok &= CHECK(bs_price(right, s, k, t, r, q, sigma) == g.price);
	ok &= CHECK_NEAR(g.delta, delta, 1e-15, 0.0);
	ok &= CHECK(d == g.delta);
	ok &= CHECK(g.gamma == 0.0 && gm == 0.0 && g.vega == 0.0);
	ok &= CHECK(isfinite(g.theta) && isfinite(g.rho));
	if (!ok)
		unit_note("%s s=%g k=%g t=%g r=%g q=%g sigma=%g", right_name(right),
				  s, k, t, r, q, sigma);
}

static void
test_degenerate(void)
{
	double		t = 0.5,
				r = 0.05,
				q = 0.02;
	double		eq = exp(-q * t),
				er = exp(-r * t);

	/* t == 0: intrinsic on the spot, deltas 1 / 0 / one half at the money */
	for (int i = 0; i < 3; i++)
	{
		double		sigma = (i == 0) ? 0.0 : (i == 1) ? 0.3 : 5.0;

		check_degenerate(BS_CALL, 110, 100, 0, r, q, sigma, 10, 1);
		check_degenerate(BS_PUT, 110, 100, 0, r, q, sigma, 0, 0);
		check_degenerate(BS_CALL, 90, 100, 0, r, q, sigma, 0, 0);
		check_degenerate(BS_PUT, 90, 100, 0, r, q, sigma, 10, -1);
		check_degenerate(BS_CALL, 100, 100, 0, r, q, sigma, 0, 0.5);
		check_degenerate(BS_PUT, 100, 100, 0, r, q, sigma, 0, -0.5);
	}
	/* at expiry theta and rho are the one-sided limits */
	CHECK_NEAR_REL(greeks(BS_CALL, 110, 100, 0, r, q, 0.3).theta, q * 110 - r * 100, 1e-15);
	CHECK(greeks(BS_CALL, 110, 100, 0, r, q, 0.3).rho == 0.0);
	CHECK(greeks(BS_PUT, 110, 100, 0, r, q, 0.3).theta == 0.0);

	/* sigma == 0, t > 0: discounted forward intrinsic, deltas e^{-qt} or 0 */
	check_degenerate(BS_CALL, 110, 100, t, r, q, 0, 110 * eq - 100 * er, eq);
	check_degenerate(BS_PUT, 110, 100, t, r, q, 0, 0, 0);
	check_degenerate(BS_CALL, 90, 100, t, r, q, 0, 0, 0);
	check_degenerate(BS_PUT, 90, 100, t, r, q, 0, 100 * er - 90 * eq, -eq);
	/* spot ITM but forward OTM (high yield): the forward decides */
	check_degenerate(BS_CALL, 101, 100, 1.0, 0.0, 0.10, 0, 0, 0);
	check_degenerate(BS_PUT, 101, 100, 1.0, 0.0, 0.10, 0, 100 - 101 * exp(-0.10), -exp(-0.10));
	/* forward exactly at the money (q = r): half */
	check_degenerate(BS_CALL, 100, 100, t, r, r, 0, 0, 0.5 * exp(-r * t));
	check_degenerate(BS_PUT, 100, 100, t, r, r, 0, 0, -0.5 * exp(-r * t));
	/* sigma == 0 theta and rho: derivatives of the intrinsic forward value */
	{
		bs_greeks	g = greeks(BS_CALL, 110, 100, t, r, q, 0);

		CHECK_NEAR_REL(g.theta, q * 110 * eq - r * 100 * er, 1e-14);
		CHECK_NEAR_REL(g.rho, t * 100 * er, 1e-14);
		g = greeks(BS_PUT, 90, 100, t, r, q, 0);
		CHECK_NEAR_REL(g.theta, r * 100 * er - q * 90 * eq, 1e-14);
		CHECK_NEAR_REL(g.rho, -t * 100 * er, 1e-14);
	}
	/* the limits are the limits: a tiny sigma lands on the same values */
	for (int g = 0; g < 2; g++)
	{
		bs_greeks	z = greeks(rights[g], 110, 100, t, r, q, 0);
		bs_greeks	e = greeks(rights[g], 110, 100, t, r, q, 1e-6);

		CHECK_NEAR(e.price, z.price, 1e-12, 1e-12);
		CHECK_NEAR(e.delta, z.delta, 1e-12, 1e-12);
		CHECK_NEAR(e.theta, z.theta, 1e-12, 1e-12);
		CHECK_NEAR(e.rho, z.rho, 1e-12, 1e-12);
	}
	/* and a tiny t too */
	CHECK_NEAR(bs_price(BS_CALL, 110, 100, 1e-12, r, q, 0.3), 10.0, 0.0, 1e-9);
	CHECK_NEAR(greeks(BS_PUT, 90, 100, 1e-12, r, q, 0.3).delta, -1.0, 0.0, 1e-9);
}

/* ---------------------------------------------------------------------- */
/* Extremes                                                               */
/* ---------------------------------------------------------------------- */

static int
all_finite(const bs_greeks *g)
{
	return isfinite(g->price) && isfinite(g->delta) && isfinite(g->gamma) &&
		isfinite(g->vega) && isfinite(g->theta) && isfinite(g->rho);
}

static void
test_extremes(void)
{
	static const double ratios[] = {1e-6, 1e-3, 0.5, 1.0, 2.0, 1e3, 1e6};	/* s/k */
	static const double times[] = {1e-10, 1e-6, 1.0 / 365, 1.0, 30.0};
	static const double vols[] = {1e-8, 1e-3, 0.3, 5.0};
	static const double rq[][2] = {{0, 0}, {0.05, 0.0}, {0.0, 0.1}, {0.2, -0.05}};
	int			n = 0;

	for (int a = 0; a < ARRAY_LEN(ratios); a++)
	for (int c = 0; c < ARRAY_LEN(times); c++)
	for (int d = 0; d < ARRAY_LEN(vols); d++)
	for (int e = 0; e < ARRAY_LEN(rq); e++)
	for (int g = 0; g < 2; g++)
	{
		bs_right	right = rights[g];
		double		k = 100,
					s = 100 * ratios[a],
					t = times[c],
					sigma = vols[d],
					r = rq[e][0],
					q = rq[e][1];
		bs_greeks	gr = greeks(right, s, k, t, r, q, sigma);
		double		a_ = s * exp(-q * t),
					b_ = k * exp(-r * t);
		double		lower = fmax(0.0, right == BS_CALL ? a_ - b_ : b_ - a_);
		double		upper = right == BS_CALL ? a_ : b_;
		double		delta,
					gamma,
					iv;
		int			ok = 1;

		n++;
		bs_delta_gamma(right, s, k, t, r, q, sigma, &delta, &gamma);
		iv = bs_implied_vol(right, gr.price, s, k, t, r, q);
		ok &= CHECK(all_finite(&gr));
		ok &= CHECK(isfinite(delta) && isfinite(gamma));
		/* bounds computed here round differently: allow 1e-14 of the forward */
		ok &= CHECK(gr.price >= lower - 1e-14 * (a_ + b_) &&
					gr.price <= upper + 1e-14 * (a_ + b_));
		ok &= CHECK(gr.gamma >= 0 && gr.vega >= 0);
		ok &= CHECK(isnan(iv) || (iv >= 0 && isfinite(iv)));
		if (!ok)
			unit_note("%s s=%g k=%g t=%g r=%g q=%g sigma=%g", right_name(right),
					  s, k, t, r, q, sigma);
	}
	CHECK(n == 2 * ARRAY_LEN(ratios) * ARRAY_LEN(times) * ARRAY_LEN(vols) * ARRAY_LEN(rq));

	/* the named extremes, spelled out */
	{
		bs_greeks	g;

		g = greeks(BS_CALL, 100, 100, 30, 0.05, 0.01, 5.0);
		CHECK(all_finite(&g) && g.price > 0 && g.price <= 100 * exp(-0.3));
		g = greeks(BS_CALL, 1e-4, 100, 1, 0.05, 0, 0.3);	/* s/k = 1e-6 */
		CHECK(all_finite(&g) && g.price == 0.0 && g.delta == 0.0);
		g = greeks(BS_PUT, 1e8, 100, 1, 0.05, 0, 0.3);	/* s/k = 1e6 */
		CHECK(all_finite(&g) && g.price == 0.0);
		g = greeks(BS_CALL, 1e8, 100, 1, 0.05, 0, 0.3);
		CHECK(all_finite(&g));
		CHECK_NEAR_REL(g.price, 1e8 - 100 * exp(-0.05), 1e-15);
		CHECK_NEAR_REL(g.delta, 1.0, 1e-15);
		g = greeks(BS_PUT, 1e-4, 100, 30, 0.05, 0, 5.0);
		CHECK(all_finite(&g));
		g = greeks(BS_CALL, 100, 1e6, 1.0 / 365, 0, 0, 5.0);
		CHECK(all_finite(&g) && g.price >= 0.0);
	}
}

/* ---------------------------------------------------------------------- */
/* Input helpers                                                          */
/* ---------------------------------------------------------------------- */

static void
test_parse_right(void)
{
	static const char *const calls[] = {"C", "c", "call", "CALL", "Call", "cAlL"};
	static const char *const puts_[] = {"P", "p", "put", "PUT", "Put", "pUt"};
	static const char *const bad[] = {"", " ", "x", "CA", "calls", "puts", " C", "C ",
	"cal", "pu", "PUTT", "1", "CP", "call\n"};

	for (int i = 0; i < ARRAY_LEN(calls); i++)
	{
		bs_right	out = BS_PUT;

		CHECK(bs_parse_right(calls[i], &out) == 0 && out == BS_CALL);
	}
	for (int i = 0; i < ARRAY_LEN(puts_); i++)
	{
		bs_right	out = BS_CALL;

		CHECK(bs_parse_right(puts_[i], &out) == 0 && out == BS_PUT);
	}
	for (int i = 0; i < ARRAY_LEN(bad); i++)
	{
		bs_right	out = BS_CALL;

		if (!CHECK(bs_parse_right(bad[i], &out) == -1))
			unit_note("text \"%s\"", bad[i]);
		CHECK(out == BS_CALL);	/* untouched on failure */
	}
	{
		bs_right	out = BS_PUT;

		CHECK(bs_parse_right(NULL, &out) == -1);
	}
}

static int
names(const char *got, const char *want)
{
	if (got == NULL || want == NULL)
		return got == want;
	return strcmp(got, want) == 0;
}

static void
test_check_inputs(void)
{
	CHECK(bs_check_inputs(100, 100, 1, 0.05, 0.01, 0.2) == NULL);
	CHECK(bs_check_inputs(100, 100, 0, 0.05, 0.01, 0.2) == NULL);	/* t = 0 ok */
	CHECK(bs_check_inputs(100, 100, 1, 0.05, 0.01, 0.0) == NULL);	/* sigma = 0 ok */
	CHECK(bs_check_inputs(100, 100, 1, -0.05, -0.01, 0.2) == NULL);	/* negative rates ok */
	CHECK(bs_check_inputs(BS_MIN_PRICE, BS_MAX_PRICE, BS_MAX_T, -BS_MAX_RATE, BS_MAX_RATE, BS_MAX_SIGMA) == NULL);

	CHECK(names(bs_check_inputs(0, 100, 1, 0.05, 0, 0.2), "s"));
	CHECK(names(bs_check_inputs(-1, 100, 1, 0.05, 0, 0.2), "s"));
	CHECK(names(bs_check_inputs(NAN, 100, 1, 0.05, 0, 0.2), "s"));
	CHECK(names(bs_check_inputs(INFINITY, 100, 1, 0.05, 0, 0.2), "s"));
	CHECK(names(bs_check_inputs(100, 0, 1, 0.05, 0, 0.2), "k"));
	CHECK(names(bs_check_inputs(100, -5, 1, 0.05, 0, 0.2), "k"));
	CHECK(names(bs_check_inputs(100, NAN, 1, 0.05, 0, 0.2), "k"));
	CHECK(names(bs_check_inputs(100, 100, -1e-9, 0.05, 0, 0.2), "t"));
	CHECK(names(bs_check_inputs(100, 100, NAN, 0.05, 0, 0.2), "t"));
	CHECK(names(bs_check_inputs(100, 100, INFINITY, 0.05, 0, 0.2), "t"));
	CHECK(names(bs_check_inputs(100, 100, 1, NAN, 0, 0.2), "r"));
	CHECK(names(bs_check_inputs(100, 100, 1, -INFINITY, 0, 0.2), "r"));
	CHECK(names(bs_check_inputs(100, 100, 1, 0.05, NAN, 0.2), "q"));
	CHECK(names(bs_check_inputs(100, 100, 1, 0.05, INFINITY, 0.2), "q"));
	CHECK(names(bs_check_inputs(100, 100, 1, 0.05, 0, -0.2), "sigma"));
	CHECK(names(bs_check_inputs(100, 100, 1, 0.05, 0, NAN), "sigma"));
	CHECK(names(bs_check_inputs(100, 100, 1, 0.05, 0, INFINITY), "sigma"));
	/* the domain's edges: on them is in, one step beyond is out */
	CHECK(names(bs_check_inputs(BS_MIN_PRICE * 0.999, 100, 1, 0.05, 0, 0.2), "s"));
	CHECK(names(bs_check_inputs(BS_MAX_PRICE * 1.001, 100, 1, 0.05, 0, 0.2), "s"));
	CHECK(names(bs_check_inputs(100, BS_MIN_PRICE * 0.999, 1, 0.05, 0, 0.2), "k"));
	CHECK(names(bs_check_inputs(100, 1e300, 1, 0.05, 0, 0.2), "k"));
	CHECK(names(bs_check_inputs(100, 100, BS_MAX_T * 1.001, 0.05, 0, 0.2), "t"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, 1e300, 0, 0.25), "r"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, -BS_MAX_RATE * 1.001, 0, 0.25), "r"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, 0.05, -1e308, 0.25), "q"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, 0.05, BS_MAX_RATE * 1.001, 0.25), "q"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, 0.05, 0, BS_MAX_SIGMA * 1.001), "sigma"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, 0.05, 0, BS_MIN_SIGMA * 0.999), "sigma"));
	CHECK(names(bs_check_inputs(100, 100, 0.25, 0.05, 0, 5e-324), "sigma"));
	/* the first bad argument wins */
	CHECK(names(bs_check_inputs(-1, -1, -1, NAN, NAN, -1), "s"));
	CHECK(names(bs_check_inputs(1, -1, -1, NAN, NAN, -1), "k"));
	CHECK(names(bs_check_inputs(1, 1, 1, NAN, NAN, -1), "r"));
}

/*
 * Every answer inside bs_check_inputs()'s domain is finite: its corners and
 * the smallest positive t, both rights, price, greeks and implied
 * vol (which may be NAN only by its contract: t = 0 or a price outside the
 * no-arbitrage range, never for a price this function computed).
 */
static void
test_domain_is_finite(void)
{
	/* 150 and 100 e against 100: |ln(s/k)| <= 1, where a tiny total vol takes the band series */
	const double prices[] = {BS_MIN_PRICE, 1, 100, 150, 271.82818284590452354, BS_MAX_PRICE};
	const double times[] = {0, 5e-324, 1e-300, 1e-16, 1e-12, 1, BS_MAX_T};
	const double rates[] = {-BS_MAX_RATE, 0, BS_MAX_RATE};
	const double sigmas[] = {0, BS_MIN_SIGMA, 1e-12, 1e-6, 0.3, BS_MAX_SIGMA};
	int			cases = 0,
				bad = 0;

	for (int a = 0; a < ARRAY_LEN(prices); a++)
		for (int b = 0; b < ARRAY_LEN(prices); b++)
			for (int c = 0; c < ARRAY_LEN(times); c++)
				for (int d = 0; d < ARRAY_LEN(rates); d++)
					for (int e = 0; e < ARRAY_LEN(rates); e++)
						for (int f = 0; f < ARRAY_LEN(sigmas); f++)
							for (int right = 0; right < 2; right++)
							{
								double		s = prices[a],
											k = prices[b],
											t = times[c],
											r = rates[d],
											q = rates[e],
											sigma = sigmas[f];
								bs_greeks	g;
								int			finite;

								CHECK(bs_check_inputs(s, k, t, r, q, sigma) == NULL);
								bs_greeks_all((bs_right) right, s, k, t, r, q, sigma, &g);
								finite = isfinite(g.price) && isfinite(g.delta) && isfinite(g.gamma) &&
									isfinite(g.vega) && isfinite(g.theta) && isfinite(g.rho) &&
									isfinite(bs_price((bs_right) right, s, k, t, r, q, sigma));
								if (finite)
								{
									double		iv = bs_implied_vol((bs_right) right, g.price, s, k, t, r, q);

									finite = isnan(iv) || isfinite(iv);
								}
								cases++;
								if (!finite && bad++ < 5)
									unit_note("not finite: %s s=%g k=%g t=%g r=%g q=%g sigma=%g: %g %g %g %g %g %g",
											  right ? "P" : "C", s, k, t, r, q, sigma,
											  g.price, g.delta, g.gamma, g.vega, g.theta, g.rho);
							}
	CHECK(bad == 0);
	unit_note("domain corners: %d cases, %d not finite", cases, bad);
}

int
main(void)
{
	test_anchor_values();
	test_reference_numbers();
	test_precision();
	test_finite_differences();
	test_parity_and_consistency();
	test_implied_vol_round_trip();
	test_implied_vol_random_prices();
	test_implied_vol_bounds();
	test_degenerate();
	test_extremes();
	test_parse_right();
	test_check_inputs();
	test_domain_is_finite();
	return unit_summary("test_bs");
}
