/*
 * bs.h: generalized Black-Scholes-Merton pricing, greeks and implied vol.
 *
 * European options on an underlying with a continuous yield q: equity
 * (q = dividend yield), futures and perpetuals priced as forwards (q = r),
 * FX (q = foreign rate).  Pure C99 + libm; no PostgreSQL header, so the
 * worker, the SQL functions, the backtest and the unit tests share it.
 *
 * Arguments everywhere: s spot (> 0), k strike (> 0), t years to expiry
 * (>= 0), r continuously compounded rate, q continuous yield, sigma annual
 * volatility (>= 0), all finite.  The functions assume valid input; callers
 * that take user input run bs_check_inputs() first.
 *
 * Units (QuantLib's): delta per 1 unit of s, gamma per unit of s squared,
 * vega per 1.00 of sigma, theta per year of calendar time passing (so it is
 * -dV/dt with t the time remaining; usually negative for a long option; divide
 * by 365 for a per-day figure), rho per 1.00 of r.
 *
 * Degenerate cases (t == 0 or sigma == 0): the value is the discounted
 * forward intrinsic max(0, s e^{-qt} - k e^{-rt}) for a call (the mirror for
 * a put), gamma and vega are 0, and delta, theta and rho are the one-sided
 * limits of the sigma -> 0 case: a call weighs e^{-qt} with 1 when the forward
 * is in the money, 0 when out of it and 1/2 exactly at the money (the limit
 * of N(d1) when d1 -> 0); a put the same with the mirror weights.  At t == 0
 * the forward is the spot and the strike is undiscounted, rho is 0, and
 * theta is the carry term only (q s - r k for an in-the-money call): the
 * at-the-money time decay that diverges as t -> 0 is left out.
 *
 * Precision: prices are intrinsic plus the out-of-the-money value, so both
 * rights keep ~1e-13 relative precision in the tails and for tiny total vol
 * (sigma sqrt t down to 1e-6); far out of the money (|d1| > 5) the relative
 * precision of tiny values degrades like d1^4 eps.
 */
#ifndef BIFROST_BS_H
#define BIFROST_BS_H

#include <stdbool.h>

typedef enum bs_right
{
	BS_CALL,
	BS_PUT
} bs_right;

typedef struct bs_greeks
{
	double		price;
	double		delta;
	double		gamma;
	double		vega;
	double		theta;
	double		rho;
} bs_greeks;

/* Implied-vol solver bound: iterations (root-finding steps) per call. */
#define BS_IV_MAX_ITER 64

/* Option value. */
/*
 * What a price shares with every other price of the same expiry, rate,
 * yield and vol: sqrt(t), sigma sqrt(t) and the discount factors.  Pricing
 * a chain or a column with one term saves their cost on every call.
 */
typedef struct bs_term
{
	double		t,
				r,
				q,
				sigma;
	double		sqrt_t;
	double		v;				/* sigma sqrt(t) */
	double		eq;				/* e^{-qt} */
	double		er;				/* e^{-rt} */
} bs_term;

extern void bs_term_init(bs_term *term, double t, double r, double q, double sigma);
extern double bs_price_term(const bs_term *term, bs_right right, double s, double k);

/*
 * The term of another vol on the same expiry, rate and yield: what
 * bs_term_init(t, r, q, sigma) gives, bit for bit, without its square root
 * and exponentials.
 */
extern void bs_term_with_vol(bs_term *term, const bs_term *same_expiry, double sigma);

/* bs_term_init without e^{-rt} (NAN), which only a value needs: for delta and gamma alone. */
extern void bs_term_init_delta(bs_term *term, double t, double r, double q, double sigma);

/*
 * What the value's evaluation shares between the rights at one strike on
 * one term (bs.c's notation: A = s e^{-qt}, B = k e^{-rt}, x = ln(A/B)).
 * Read only by bs.c.
 */
typedef struct bs_value_core
{
	double		sqrt_t;
	double		v;				/* sigma sqrt(t) */
	double		eq;				/* e^{-qt} */
	double		a;				/* s e^{-qt} */
	double		b;				/* k e^{-rt} */
	double		x;				/* ln(A/B) */
	double		d1;				/* x/v + v/2 */
	double		m;				/* max(A, B), chosen by the sign of x */
	double		ex;				/* e^{-|x|} */
	double		em;				/* e^{-|x|} - 1 */
	double		up;				/* N(h + v/2), h = -|x|/v */
	double		dn;				/* N(h - v/2) */
	bool		dn_from_erfc;	/* not from the band series (bs.c: otm_units) */
	double		otm;			/* value of the out-of-the-money right */
} bs_value_core;

/*
 * A book's legs at one strike, term and spot: a call and a put (and any
 * number of legs of either) priced from one d1 and one value core.
 * bs_strike_init() computes what the rights share; bs_strike_greeks()
 * gives one right's figures (kept in st: the second time from memory).
 * The figures are those of the one-leg functions, bit for bit: delta and
 * gamma bs_delta_gamma()'s, price bs_price()'s; theta, vega and rho are
 * bs_greeks_all()'s formulas taken at the delta's d1 (equal to its figures
 * within rounding).  Without with_value only delta and gamma are computed
 * (price, theta, vega and rho NAN).  Read only by bs.c, but for the
 * caller's own key (s, k).
 */
typedef struct bs_strike
{
	double		s;
	double		k;
	bool		live;			/* a total vol above 0: else the sigma -> 0 limits */
	bool		with_value;
	double		log_sk;			/* ln(s/k) */
	double		x;				/* ln(s/k) + (r - q) t */
	double		d1;				/* x / v + v/2 */
	double		pdf;			/* N'(d1) */
	bs_value_core core;
	bool		known[2];		/* figures of the call [0] and the put [1] computed */
	bs_greeks	figures[2];
} bs_strike;

extern void bs_strike_init(bs_strike *st, const bs_term *term, double s, double k, bool with_value);

/*
 * bs_strike_init() in its three steps, each waiting on the one before: the
 * logarithms, the exponentials, the normal probabilities.  Pricing many
 * strikes, a caller who takes each step for all of them before the next
 * lets the processor overlap their independent work.
 */
extern void bs_strike_logs(bs_strike *st, const bs_term *term, double s, double k, bool with_value);
extern void bs_strike_exps(bs_strike *st, const bs_term *term);
extern void bs_strike_probs(bs_strike *st);
extern const bs_greeks *bs_strike_greeks(bs_strike *st, const bs_term *term, bs_right right);

extern double bs_price(bs_right right, double s, double k, double t,
					   double r, double q, double sigma);

/* Value and all first-order greeks plus gamma in one pass. */
extern void bs_greeks_all(bs_right right, double s, double k, double t,
						  double r, double q, double sigma, bs_greeks *out);

/* Delta and gamma only: the portfolio's hot path. */
extern void bs_delta_gamma(bs_right right, double s, double k, double t,
						   double r, double q, double sigma,
						   double *delta, double *gamma);

/*
 * Volatility that reproduces price.  NAN when t == 0 (no vol information),
 * when price is not finite, or when it lies outside the no-arbitrage range
 * [lower, upper): lower = max(0, s e^{-qt} - k e^{-rt}) for a call,
 * max(0, k e^{-rt} - s e^{-qt}) for a put; upper = s e^{-qt} for a call,
 * k e^{-rt} for a put.  A price equal to the upper bound is NAN too (only an
 * infinite vol reaches it).  A price equal to the lower bound, or below it
 * by no more than rounding (4 ulp of the bound), gives 0.
 */
extern double bs_implied_vol(bs_right right, double price, double s,
							 double k, double t, double r, double q);

/*
 * bs_implied_vol, also reporting the number of root-finding steps taken
 * (0 when none was needed; never more than BS_IV_MAX_ITER).  iterations may
 * be NULL.  For tests and benchmarks.
 */
extern double bs_implied_vol_iter(bs_right right, double price, double s,
								  double k, double t, double r, double q,
								  int *iterations);

/*
 * The domain of user input: every price, greek and implied vol of arguments
 * inside it is finite (test_bs checks the corners).  Prices and strikes span
 * 24 orders of magnitude; rates, yields and vols are the configuration's own
 * ranges (greeks.risk_free_rate, greeks.dividend_yield, greeks.volatility);
 * a century of expiry keeps |r t| and |q t| far from exp()'s overflow.
 */
#define BS_MIN_PRICE 1e-12
#define BS_MAX_PRICE 1e12
#define BS_MAX_T 100.0
#define BS_MAX_RATE 1.0
#define BS_MIN_SIGMA 1e-12		/* or exactly 0: below it gamma and theta overflow */
#define BS_MAX_SIGMA 10.0

/*
 * NULL when all arguments are valid (s and k in [BS_MIN_PRICE,
 * BS_MAX_PRICE], t in [0, BS_MAX_T], r and q in [-BS_MAX_RATE, BS_MAX_RATE],
 * sigma 0 or in [BS_MIN_SIGMA, BS_MAX_SIGMA]), else the name of the first bad one: "s", "k",
 * "t", "r", "q" or "sigma".  For bs_implied_vol pass sigma = 0.
 */
extern const char *bs_check_inputs(double s, double k, double t, double r,
								   double q, double sigma);

/* "C", "P", "call", "put" in any case: 0 and *out set; anything else: -1. */
extern int	bs_parse_right(const char *text, bs_right *out);

#endif							/* BIFROST_BS_H */
