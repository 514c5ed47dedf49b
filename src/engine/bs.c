/*
 * bs.c: generalized Black-Scholes-Merton value, greeks and implied vol.
 *
 * Notation: A = s e^{-qt} (discounted forward), B = k e^{-rt} (discounted
 * strike), v = sigma sqrt(t) (total vol), d1 = ln(A/B)/v + v/2, d2 = d1 - v.
 * Call = A N(d1) - B N(d2), put = B N(-d2) - A N(-d1).
 *
 * Prices are computed as intrinsic value plus the value of the
 * out-of-the-money right (otm_units), which keeps relative precision in the
 * tails and for tiny total vol.  The implied-vol solver works on that same
 * out-of-the-money value (solve_units), so calls, puts, in- and
 * out-of-the-money inputs all reduce to one monotone equation in v.
 */
#include "bs.h"

#include <float.h>
#include <math.h>
#include <stddef.h>

#define BS_SQRT1_2		0.70710678118654752440	/* 1/sqrt(2) */
#define BS_INV_SQRT_2PI	0.39894228040143267794	/* 1/sqrt(2 pi) */
#define BS_LN_SQRT_2PI	0.91893853320467274178	/* ln sqrt(2 pi) */

/* N(x) through erfc keeps full relative precision in the lower tail. */
static inline double
norm_cdf(double x)
{
	return 0.5 * erfc(-x * BS_SQRT1_2);
}

static inline double
norm_pdf(double x)
{
	return BS_INV_SQRT_2PI * exp(-0.5 * x * x);
}

/*
 * ln(s/k).  Near the money s - k is exact (Sterbenz), so log1p keeps the
 * result's relative precision, which d1 = x/v magnifies when v is tiny; far
 * from it a difference of logs survives a ratio that over/underflows.
 */
static inline double
log_moneyness(double s, double k)
{
	double		ratio = s / k;

	if (ratio >= 0.5 && ratio <= 2.0)
		return log1p((s - k) / k);
	if (isnormal(ratio))
		return log(ratio);
	return log(s) - log(k);
}

/* e^{xb} and e^{xb} - 1 for xb <= 0, each to full relative precision. */
static inline void
exp_pair(double xb, double *ex, double *em)
{
	if (xb > -0.5)
	{
		*em = expm1(xb);
		*ex = 1.0 + *em;
	}
	else
	{
		*ex = exp(xb);
		*em = *ex - 1.0;
	}
}

/*
 * t == 0 or sigma == 0 (or a total vol that underflows): intrinsic value of
 * the discounted forward and the sigma -> 0 limits of delta, theta and rho,
 * with weight 1/2 exactly at the money.  At t == 0 the at-the-money theta
 * limit is -infinity for any sigma > 0; the diverging term is dropped.
 */
static void
degenerate_greeks(bs_right right, double s, double k, double t,
				  double r, double q, bs_greeks *out)
{
	double		eq = (t > 0.0) ? exp(-q * t) : 1.0;
	double		er = (t > 0.0) ? exp(-r * t) : 1.0;
	double		a = s * eq;
	double		b = k * er;
	double		w;

	/* w: weight of the in-the-money branch for this right */
	if (right == BS_CALL)
		w = (a > b) ? 1.0 : (a < b) ? 0.0 : 0.5;
	else
		w = (b > a) ? 1.0 : (b < a) ? 0.0 : 0.5;

	if (right == BS_CALL)
	{
		out->price = (a > b) ? a - b : 0.0;
		out->delta = w * eq;
		out->theta = w * (q * a - r * b);
		out->rho = w * t * b;
	}
	else
	{
		out->price = (b > a) ? b - a : 0.0;
		out->delta = -w * eq;
		out->theta = w * (r * b - q * a);
		out->rho = -w * t * b;
	}
	out->gamma = 0.0;
	out->vega = 0.0;
}

/*
 * N(h + v/2) - N(h - v/2) for small v without cancellation: phi(h + w) /
 * phi(h) = sum He_n(h) (-w)^n / n! (Hermite generating function); integrated
 * over |w| <= v/2 only the even terms remain:
 *     v phi(h) sum_m He_2m(h) (v/2)^2m / (2m+1)!
 * Used for v < BAND_SERIES_MAX_V and |h v| <= BAND_SERIES_MAX_X.  A single
 * term can vanish (He_2(1) = 0), so the loop stops on a bound instead: with
 * He_n(h) = E[(h + iZ)^n], |He_2m(h)| (v/2)^2m <= 2^(m-1) (a^m + b^m (2m-1)!!)
 * for a = (hv/2)^2, b = (v/2)^2; the sum itself is at least e^{-1/2}.
 */
#define BAND_SERIES_MAX_V	0.05
#define BAND_SERIES_MAX_X	1.0

/* otm_units() takes N(h - v/2) from the band rather than from erfc */
static inline bool
band_applies(double xb, double v)
{
	return v < BAND_SERIES_MAX_V && xb >= -BAND_SERIES_MAX_X;
}

static double
norm_band(double h, double v)
{
	double		z = 0.25 * v * v;
	double		a2 = 2.0 * h * h * z;	/* 2a */
	double		he_even = 1.0;	/* He_0 */
	double		he_odd = h;		/* He_1 */
	double		zpow = 1.0;
	double		fact = 1.0;
	double		pa = 0.5,
				pb = 0.5;
	double		sum = 1.0;
	double		pdf = norm_pdf(h);
	int			m;

	/*
	 * Where phi(h) underflows the band is 0 at any v; the Hermite terms
	 * would overflow there (|h| ~ |x|/v huge for a tiny total vol) and meet
	 * an underflowed power of z: inf times 0.
	 */
	if (pdf == 0.0)
		return 0.0;
	for (m = 1; m <= 20; m++)
	{
		he_even = h * he_odd - (2 * m - 1) * he_even;	/* He_2m */
		he_odd = h * he_even - (2 * m) * he_odd;	/* He_2m+1 */
		zpow *= z;
		fact *= (double) (2 * m) * (2 * m + 1);
		sum += he_even * zpow / fact;
		pa *= a2;
		pb *= 2.0 * z * (2 * m - 1);
		if ((pa + pb) / fact <= 1e-17)
			break;
	}
	return v * pdf * sum;
}

/*
 * Value of the out-of-the-money right in units of M = max(A, B), with
 * xb = -|ln(A/B)|, ex = e^{xb}, em = e^{xb} - 1, h = xb / v:
 *     w = e^{xb} N(h + v/2) - N(h - v/2) = band + em N(h + v/2)
 * Sets *up = N(h + v/2) and *dn = N(h - v/2).  The band form keeps full
 * relative precision for a tiny total vol near the money, where the plain
 * difference of two N values would lose it.
 */
static inline double
otm_units(double xb, double v, double ex, double em, double *up, double *dn)
{
	double		h = xb / v;
	double		band,
				w;

	*up = norm_cdf(h + 0.5 * v);
	if (band_applies(xb, v))
	{
		band = norm_band(h, v);
		*dn = *up - band;
		if (*dn < 0.0)
			*dn = 0.0;
		w = band + em * *up;
	}
	else
	{
		*dn = norm_cdf(h - 0.5 * v);
		w = ex * *up - *dn;
	}
	return (w > 0.0) ? w : 0.0;
}

/* What every non-degenerate evaluation shares (bs.h: bs_value_core). */
typedef bs_value_core bs_core;

void
bs_term_init_delta(bs_term *term, double t, double r, double q, double sigma)
{
	term->t = t;
	term->r = r;
	term->q = q;
	term->sigma = sigma;
	term->sqrt_t = (t > 0.0) ? sqrt(t) : 0.0;
	term->v = sigma * term->sqrt_t;
	/* q = 0 (most equities) and r = 0 are common: e^0 needs no call */
	term->eq = (q == 0.0 || !(t > 0.0)) ? 1.0 : exp(-q * t);
	term->er = NAN;
}

void
bs_term_init(bs_term *term, double t, double r, double q, double sigma)
{
	bs_term_init_delta(term, t, r, q, sigma);
	term->er = (r == 0.0 || !(t > 0.0)) ? 1.0 : exp(-r * t);
}

/*
 * x = ln(A/B) = ln(s/k) + (r - q) t, and d1 = x/v + v/2: every evaluation,
 * the value's and the delta's, takes them from here with ln(s/k) from
 * log_moneyness(), so that a delta priced with or without the value is the
 * same, bit for bit.
 */
static inline double
forward_moneyness(double log_sk, double t, double r, double q)
{
	return log_sk + (r - q) * t;
}

static inline double
d1_of(double x, double v)
{
	return x / v + 0.5 * v;
}

/*
 * The normal probability of the delta: N(d1) for a call, N(-d1) for a put.
 * Each is the one the value's core has (core_value's n1), so a core spares
 * the delta an erfc: up = N(h + v/2) is N(d1) when x <= 0, and dn = N(h -
 * v/2) is N(-d1) when x >= 0 (h = -|x|/v; the arguments are d1 and -d1 bit
 * for bit).  up and dn are the core's when it has them from erfc, else
 * NULL.  A complement 1 - N is taken only of an N at most 1/2, so the
 * figure keeps its precision: x > 0 makes d1 > 0.
 */
static inline double
delta_normal(bs_right right, double x, double d1, const double *up, const double *dn)
{
	if (right == BS_CALL)
		return (x <= 0.0) ? (up ? *up : norm_cdf(d1)) : 1.0 - (dn ? *dn : norm_cdf(-d1));
	if (x >= 0.0)
		return dn ? *dn : norm_cdf(-d1);
	return (d1 > 0.0) ? norm_cdf(-d1) : 1.0 - (up ? *up : norm_cdf(d1));
}

/*
 * The core from ln(s/k) (log_moneyness), the total vol above zero: up to
 * e^{-|x|}, then the normal probabilities.
 */
static inline void
core_start(const bs_term *term, double s, double k, double log_sk, bs_core *c)
{
	c->sqrt_t = term->sqrt_t;
	c->v = term->v;
	c->eq = term->eq;
	c->a = s * term->eq;
	c->b = k * term->er;
	c->x = forward_moneyness(log_sk, term->t, term->r, term->q);
	c->d1 = d1_of(c->x, c->v);
	c->m = (c->x > 0.0) ? c->a : c->b;
	exp_pair(-fabs(c->x), &c->ex, &c->em);
}

static inline void
core_finish(bs_core *c)
{
	double		xb = -fabs(c->x);

	c->otm = c->m * otm_units(xb, c->v, c->ex, c->em, &c->up, &c->dn);
	c->dn_from_erfc = !band_applies(xb, c->v);
}

/* delta_normal() of the core's right */
static inline double
core_delta_normal(const bs_core *c, bs_right right)
{
	return delta_normal(right, c->x, c->d1, &c->up, c->dn_from_erfc ? &c->dn : NULL);
}

/* Returns 0 when the total vol is zero: the caller takes the limits. */
static inline int
core_eval_term(const bs_term *term, double s, double k, bs_core *c)
{
	if (!(term->t > 0.0) || !(term->v > 0.0))
		return 0;
	core_start(term, s, k, log_moneyness(s, k), c);
	core_finish(c);
	return 1;
}

static inline int
core_eval(double s, double k, double t, double r, double q, double sigma,
		  bs_core *c)
{
	bs_term		term;

	bs_term_init(&term, t, r, q, sigma);
	return core_eval_term(&term, s, k, c);
}

/*
 * Value of this right and N(d1), N(d2) for a call or N(-d1), N(-d2) for a
 * put.  The in-the-money right is intrinsic (M (1 - e^{-|x|})) plus the
 * out-of-the-money mirror (put-call parity), so it never falls below the
 * no-arbitrage floor.
 */
static inline double
core_value(const bs_core *c, bs_right right, double *n1, double *n2)
{
	int			itm = (right == BS_CALL) ? (c->x > 0.0) : (c->x < 0.0);

	if (!itm)
	{
		/* OTM call: up = N(d1), dn = N(d2); OTM put: up = N(-d2), dn = N(-d1) */
		*n1 = (right == BS_CALL) ? c->up : c->dn;
		*n2 = (right == BS_CALL) ? c->dn : c->up;
		return c->otm;
	}
	/*
	 * ITM call mirrors the put and vice versa.  dn < 1/2 always; up exceeds
	 * 1/2 once v/2 > |h|, and its complement is then taken from erfc, which
	 * keeps it exact where it is tiny (a large total vol).  up's argument is
	 * h + v/2 (d1 when x < 0, -d2 when x > 0); the complement's is its
	 * negation, |x|/v - v/2.
	 */
	{
		double		up_arg = -fabs(c->x) / c->v + 0.5 * c->v;
		double		not_dn = 1.0 - c->dn;
		double		not_up = (up_arg > 0.0) ? norm_cdf(-up_arg) : 1.0 - c->up;

		*n1 = (right == BS_CALL) ? not_dn : not_up;
		*n2 = (right == BS_CALL) ? not_up : not_dn;
	}
	return -c->m * c->em + c->otm;
}

double
bs_price_term(const bs_term *term, bs_right right, double s, double k)
{
	bs_core		c;
	double		n1,
				n2;

	if (!core_eval_term(term, s, k, &c))
	{
		bs_greeks	g;

		degenerate_greeks(right, s, k, term->t, term->r, term->q, &g);
		return g.price;
	}
	return core_value(&c, right, &n1, &n2);
}

double
bs_price(bs_right right, double s, double k, double t,
		 double r, double q, double sigma)
{
	bs_term		term;

	bs_term_init(&term, t, r, q, sigma);
	return bs_price_term(&term, right, s, k);
}

void
bs_greeks_all(bs_right right, double s, double k, double t,
			  double r, double q, double sigma, bs_greeks *out)
{
	bs_core		c;
	double		n1,
				n2,
				pdf,
				decay;

	if (!core_eval(s, k, t, r, q, sigma, &c))
	{
		degenerate_greeks(right, s, k, t, r, q, out);
		return;
	}
	out->price = core_value(&c, right, &n1, &n2);
	pdf = norm_pdf(c.d1);
	/* time decay of the vol part, common to both rights */
	decay = -c.a * pdf * sigma / (2.0 * c.sqrt_t);
	if (right == BS_CALL)
	{
		out->delta = c.eq * n1;
		out->theta = decay + q * c.a * n1 - r * c.b * n2;
		out->rho = t * c.b * n2;
	}
	else
	{
		out->delta = -c.eq * n1;
		out->theta = decay - q * c.a * n1 + r * c.b * n2;
		out->rho = -t * c.b * n2;
	}
	out->gamma = c.eq * pdf / (s * c.v);
	out->vega = c.a * pdf * c.sqrt_t;
}

static inline double
delta_at(bs_right right, double eq, double normal)
{
	return (right == BS_CALL) ? eq * normal : -eq * normal;
}

static inline double
gamma_at(double eq, double pdf, double s, double v)
{
	return eq * pdf / (s * v);
}

void
bs_delta_gamma(bs_right right, double s, double k, double t,
			   double r, double q, double sigma,
			   double *delta, double *gamma)
{
	double		v = sigma * sqrt(t);
	double		eq,
				x,
				d1;

	if (!(t > 0.0) || !(v > 0.0))
	{
		bs_greeks	g;

		degenerate_greeks(right, s, k, t, r, q, &g);
		*delta = g.delta;
		*gamma = 0.0;
		return;
	}
	/* q == 0 is the common equity case; skip one exp there */
	eq = (q == 0.0) ? 1.0 : exp(-q * t);
	x = forward_moneyness(log_moneyness(s, k), t, r, q);
	d1 = d1_of(x, v);
	*delta = delta_at(right, eq, delta_normal(right, x, d1, NULL, NULL));
	*gamma = gamma_at(eq, norm_pdf(d1), s, v);
}

void
bs_term_with_vol(bs_term *term, const bs_term *same_expiry, double sigma)
{
	*term = *same_expiry;
	term->sigma = sigma;
	/* bs_term_init's product: the same rounding */
	term->v = sigma * term->sqrt_t;
}

/*
 * What the rights share at one strike: the conditions and the arithmetic
 * are bs_delta_gamma()'s and bs_price_term()'s (with term the term those
 * build from t, r, q and sigma), so the figures are theirs bit for bit.
 */
void
bs_strike_logs(bs_strike *st, const bs_term *term, double s, double k, bool with_value)
{
	st->s = s;
	st->k = k;
	st->with_value = with_value;
	st->known[0] = st->known[1] = false;
	/* bs_delta_gamma's and core_eval_term's test: t > 0 and sigma sqrt(t) > 0 */
	st->live = (term->t > 0.0) && (term->v > 0.0);
	if (!st->live)
		return;
	st->log_sk = log_moneyness(s, k);
}

void
bs_strike_exps(bs_strike *st, const bs_term *term)
{
	if (!st->live)
		return;
	st->x = forward_moneyness(st->log_sk, term->t, term->r, term->q);
	st->d1 = d1_of(st->x, term->v);
	if (st->with_value)
		core_start(term, st->s, st->k, st->log_sk, &st->core);
	st->pdf = norm_pdf(st->d1);
}

void
bs_strike_probs(bs_strike *st)
{
	if (st->live && st->with_value)
		core_finish(&st->core);
}

void
bs_strike_init(bs_strike *st, const bs_term *term, double s, double k, bool with_value)
{
	bs_strike_logs(st, term, s, k, with_value);
	bs_strike_exps(st, term);
	bs_strike_probs(st);
}

const bs_greeks *
bs_strike_greeks(bs_strike *st, const bs_term *term, bs_right right)
{
	/* every function here takes a right other than a call for a put */
	int			slot = (right == BS_CALL) ? 0 : 1;
	const bs_core *c = &st->core;
	bs_greeks  *out = &st->figures[slot];

	if (st->known[slot])
		return out;
	st->known[slot] = true;
	if (!st->live)
	{
		/* the sigma -> 0 limits, as bs_delta_gamma and bs_price take them */
		degenerate_greeks(right, st->s, st->k, term->t, term->r, term->q, out);
		if (!st->with_value)
			out->price = out->theta = out->vega = out->rho = NAN;
		return out;
	}
	out->delta = delta_at(right, term->eq, st->with_value ? core_delta_normal(c, right)
						  : delta_normal(right, st->x, st->d1, NULL, NULL));
	out->gamma = gamma_at(term->eq, st->pdf, st->s, term->v);
	if (st->with_value)
	{
		double		n1,
					n2,
					decay;

		out->price = core_value(c, right, &n1, &n2);
		/* bs_greeks_all's formulas, at the delta's d1 */
		decay = -c->a * st->pdf * term->sigma / (2.0 * term->sqrt_t);
		if (right == BS_CALL)
		{
			out->theta = decay + term->q * c->a * n1 - term->r * c->b * n2;
			out->rho = term->t * c->b * n2;
		}
		else
		{
			out->theta = decay - term->q * c->a * n1 + term->r * c->b * n2;
			out->rho = -term->t * c->b * n2;
		}
		out->vega = c->a * st->pdf * term->sqrt_t;
	}
	else
		out->price = out->theta = out->vega = out->rho = NAN;
	return out;
}

/*
 * Implied volatility.
 *
 * Reduction: the out-of-the-money part of the price, tv = price - lower
 * bound (put-call parity turns an in-the-money option into its
 * out-of-the-money mirror), divided by M = max(A, B), is otm_units():
 *
 *     w(v) = e^{x} N(x/v + v/2) - N(x/v - v/2),   x = -|ln(A/B)| <= 0
 *
 * which rises from 0 (v = 0) to e^{x} (v -> infinity), with
 *
 *     w'(v)  = exp(x/2 - x^2/(2 v^2) - v^2/8) / sqrt(2 pi)  (no cancellation)
 *     w''(v) = w'(v) (x^2/v^3 - v/4)
 *
 * so w is convex below vc = sqrt(2|x|) and concave above it.  We bracket the
 * root below or above vc by comparing with w(vc), then take Halley steps on
 * an objective that is close to linear in v in each region:
 *   low  (target below w(vc)):   (-ln w)^(-1/2), ~ sqrt(2) v / |x| since
 *                                w ~ exp(-x^2/(2v^2)) far out of the money
 *   mid  (above, not near top):  w
 *   high (near the upper bound): ln c with c = e^{x} - w, computed as a sum
 *                                of two positive terms
 * A Halley step that leaves the bracket falls back to Newton's, then to
 * bisection (or doubling while the upper end is still infinite), so the loop
 * is bounded by BS_IV_MAX_ITER and never diverges.
 */

typedef enum
{
	OBJ_LOW,
	OBJ_MID,
	OBJ_HIGH
} iv_objective;

/* Use the complement objective when the target is within this fraction of the top. */
#define IV_HIGH_FRACTION 0.25
/*
 * Stop after a step smaller than this, relative to v: the error left after
 * a Halley step of size e is O(e^3), after a Newton step O(e^2).
 */
#define IV_HALLEY_TOL 1e-7
#define IV_NEWTON_TOL 1e-10

#define BS_SQRT_2PI		2.50662827463100050242	/* sqrt(2 pi) */

/*
 * Initial guess below vc, in terms of beta = w e^{-x/2}.  Far out of the
 * money (x^2/v^2 large) beta ~ w'(v) e^{-x/2} v^3 / x^2; near the money
 * (|x| << v) beta ~ v / sqrt(2 pi) - |x| / 2.
 */
static double
guess_low(double x, double beta, double ln_beta, double vc)
{
	double		ax = fabs(x);
	double		v = ax / sqrt(-2.0 * ln_beta);
	double		u = -ln_beta + 3.0 * log(v) - 2.0 * log(ax) - BS_LN_SQRT_2PI;

	if (u > 0.0)
		v = ax / sqrt(2.0 * u);
	if (!(u > 1.0))
		v = BS_SQRT_2PI * (beta + 0.5 * ax);
	if (!(v > 0.0))
		v = 0.5 * vc;
	else if (v > vc)
		v = vc;
	return v;
}

/*
 * Initial guess near the top from c ~ (1 + e^x) N(-v/2) with
 * N(-y) ~ phi(y) / y; ln_ratio = ln(c_target / (1 + e^x)).
 */
static double
guess_high(double ln_ratio, double vc)
{
	double		y = sqrt(-2.0 * ln_ratio);
	double		u = -ln_ratio - log(y) - BS_LN_SQRT_2PI;

	if (u > 0.0)
		y = sqrt(2.0 * u);
	if (!(2.0 * y > vc))
		return vc;
	return 2.0 * y;
}

/*
 * Solve w(v) = target for v, given x <= 0, ex = e^x, em = e^x - 1 and
 * 0 < target < e^x.  Returns v; the number of steps goes to *iters.
 */
static double
solve_units(double x, double ex, double em, double target, int *iters)
{
	double		wmax = ex;
	double		vc = sqrt(-2.0 * x);
	double		lo = 0.0,
				hi = INFINITY;
	double		goal = target,	/* root of val - goal */
				fgoal = 0.0,	/* the objective's value at the root */
				v,
				up,
				dn;
	iv_objective obj;
	int			iter;

	if (x == 0.0)
	{
		/* at the forward w = erf(v / sqrt 8): concave everywhere */
		obj = (wmax - target < IV_HIGH_FRACTION * wmax) ? OBJ_HIGH : OBJ_MID;
		v = BS_SQRT_2PI * target;
	}
	else if (target < otm_units(x, vc, ex, em, &up, &dn))
	{
		/* w is increasing, so a wider bracket stays valid; it keeps a root
		 * that sits on vc itself off the bracket end */
		hi = 1.0625 * vc;
		obj = OBJ_LOW;
		v = vc;
	}
	else
	{
		lo = 0.9375 * vc;
		obj = (wmax - target < IV_HIGH_FRACTION * wmax) ? OBJ_HIGH : OBJ_MID;
		v = vc;
	}

	if (obj == OBJ_LOW)
	{
		fgoal = 1.0 / sqrt(-log(target));
		v = guess_low(x, target * exp(-0.5 * x), log(target) - 0.5 * x, vc);
	}
	else if (obj == OBJ_HIGH)
	{
		goal = wmax - target;
		fgoal = log(goal);
		v = guess_high(log(goal / (1.0 + wmax)), vc);
	}

	for (iter = 1; iter <= BS_IV_MAX_ITER; iter++)
	{
		double		h = x / v;
		double		val,
					f,
					f1,
					f2,
					d1v,
					d2v,
					step,
					next,
					tol;
		int			below;

		/* the objective's base function, and which side of the root v is */
		if (obj == OBJ_HIGH)
		{
			val = wmax * norm_cdf(-h - 0.5 * v) + norm_cdf(h - 0.5 * v);
			below = (val > goal);
		}
		else
		{
			val = otm_units(x, v, ex, em, &up, &dn);
			below = (val < goal);
		}
		if (val == goal)
			break;
		if (below)
			lo = v;
		else
			hi = v;

		d1v = BS_INV_SQRT_2PI * exp(0.5 * x - 0.5 * h * h - 0.125 * v * v);
		d2v = d1v * (h * h / v - 0.25 * v);
		if (obj == OBJ_MID)
		{
			f = val - goal;
			f1 = d1v;
			f2 = d2v;
		}
		else if (obj == OBJ_HIGH)
		{
			f = log(val) - fgoal;
			f1 = -d1v / val;
			f2 = -d2v / val - f1 * f1;
		}
		else if (val > 0.0)
		{
			/* g = (-ln w)^(-1/2), ~ sqrt(2) v / |x| when w ~ exp(-x^2/(2v^2)) */
			double		nl = -log(val);
			double		l1 = d1v / val;
			double		l2 = d2v / val - l1 * l1;
			double		g = 1.0 / sqrt(nl);

			f = g - fgoal;
			f1 = 0.5 * g * l1 / nl;
			f2 = 0.75 * g * l1 * l1 / (nl * nl) + 0.5 * g * l2 / nl;
		}
		else
		{
			/* w lost to underflow: far below the root, bisect */
			f = -INFINITY;
			f1 = 1.0;
			f2 = 0.0;
		}

		/* Halley's step, else Newton's, else bisection (or doubling) */
		step = -f / f1;
		next = v + step;
		tol = IV_NEWTON_TOL;
		if (isfinite(step))
		{
			double		corr = 1.0 + 0.5 * step * f2 / f1;

			if (corr > 0.5 && corr < 2.0 &&
				v + step / corr > lo && v + step / corr < hi)
			{
				step /= corr;
				next = v + step;
				tol = IV_HALLEY_TOL;
			}
		}
		if (fabs(step) <= tol * v)
		{
			/* converged; a step this small may still touch the bracket end */
			if (next > lo && next < hi)
				v = next;
			break;
		}
		if (!(next > lo && next < hi))
		{
			if (!isfinite(hi))
				next = 2.0 * (lo > v ? lo : v);
			else if (hi - lo > 4.0 * DBL_EPSILON * hi)
				next = 0.5 * (lo + hi);
			else
			{
				v = 0.5 * (lo + hi);
				break;
			}
		}
		v = next;
	}
	*iters = (iter > BS_IV_MAX_ITER) ? BS_IV_MAX_ITER : iter;
	return v;
}

double
bs_implied_vol_iter(bs_right right, double price, double s, double k,
					double t, double r, double q, int *iterations)
{
	double		a,
				b,
				x,
				xb,
				m,
				ex,
				em,
				lower,
				upper,
				target,
				v;
	int			itm,
				iters = 0;

	if (iterations)
		*iterations = 0;
	if (!(t > 0.0) || !isfinite(price))
		return NAN;

	/* the same quantities, computed the same way, as core_eval() */
	a = s * exp(-q * t);
	b = k * exp(-r * t);
	x = forward_moneyness(log_moneyness(s, k), t, r, q);
	xb = -fabs(x);
	m = (x > 0.0) ? a : b;
	exp_pair(xb, &ex, &em);
	itm = (right == BS_CALL) ? (x > 0.0) : (x < 0.0);
	lower = itm ? -m * em : 0.0;
	upper = (right == BS_CALL) ? a : b;

	if (!(price < upper))
		return NAN;
	if (price <= lower)
		return (lower - price <= 4.0 * DBL_EPSILON * lower) ? 0.0 : NAN;

	target = (price - lower) / m;
	if (!(target > 0.0))
		return 0.0;
	if (!(target < ex))
		return NAN;

	v = solve_units(xb, ex, em, target, &iters);
	if (iterations)
		*iterations = iters;
	return v / sqrt(t);
}

double
bs_implied_vol(bs_right right, double price, double s, double k,
			   double t, double r, double q)
{
	return bs_implied_vol_iter(right, price, s, k, t, r, q, NULL);
}

const char *
bs_check_inputs(double s, double k, double t, double r, double q,
				double sigma)
{
	/* written so that NaN fails every test */
	if (!(s >= BS_MIN_PRICE && s <= BS_MAX_PRICE))
		return "s";
	if (!(k >= BS_MIN_PRICE && k <= BS_MAX_PRICE))
		return "k";
	if (!(t >= 0.0 && t <= BS_MAX_T))
		return "t";
	if (!(fabs(r) <= BS_MAX_RATE))
		return "r";
	if (!(fabs(q) <= BS_MAX_RATE))
		return "q";
	if (!(sigma == 0.0 || (sigma >= BS_MIN_SIGMA && sigma <= BS_MAX_SIGMA)))
		return "sigma";
	return NULL;
}

/* ASCII case-insensitive equality, independent of the locale. */
static int
equals_nocase(const char *text, const char *word)
{
	for (; *word; text++, word++)
	{
		char		c = *text;

		if (c >= 'A' && c <= 'Z')
			c = (char) (c - 'A' + 'a');
		if (c != *word)
			return 0;
	}
	return *text == '\0';
}

int
bs_parse_right(const char *text, bs_right *out)
{
	if (text == NULL)
		return -1;
	if (equals_nocase(text, "c") || equals_nocase(text, "call"))
	{
		*out = BS_CALL;
		return 0;
	}
	if (equals_nocase(text, "p") || equals_nocase(text, "put"))
	{
		*out = BS_PUT;
		return 0;
	}
	return -1;
}
