/*
 * bs.c: generalized Black-Scholes-Merton value, greeks and implied vol.
 *
 * Notation: A = s e^{-qt} (discounted forward), B = k e^{-rt} (discounted
 * strike), v = sigma sqrt(t) (total vol), d1 = ln(A/B)/v + v/2, d2 = d1 - v.
 * Call = A N(d1) - B N(d2), put = B N(-d2) - A N(-d1).
 *
 * The implied-vol solver works on the normalized out-of-the-money value
 * (see solve_normalized) so that calls, puts, in- and out-of-the-money
 * inputs all reduce to one monotone equation in v with known bounds.
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

/* ln(s/k); falls back to a difference of logs when the ratio over/underflows. */
static inline double
log_moneyness(double s, double k)
{
	double		ratio = s / k;

	if (isnormal(ratio))
		return log(ratio);
	return log(s) - log(k);
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

double
bs_price(bs_right right, double s, double k, double t,
		 double r, double q, double sigma)
{
	double		v,
				a,
				b,
				d1,
				d2,
				value;

	v = sigma * sqrt(t);
	if (!(t > 0.0) || !(v > 0.0))
	{
		bs_greeks	g;

		degenerate_greeks(right, s, k, t, r, q, &g);
		return g.price;
	}
	a = s * exp(-q * t);
	b = k * exp(-r * t);
	d1 = (log_moneyness(s, k) + (r - q) * t) / v + 0.5 * v;
	d2 = d1 - v;

	/* Clamp rounding below the no-arbitrage floor (deep in the money). */
	if (right == BS_CALL)
	{
		value = a * norm_cdf(d1) - b * norm_cdf(d2);
		if (value < a - b)
			value = a - b;
	}
	else
	{
		value = b * norm_cdf(-d2) - a * norm_cdf(-d1);
		if (value < b - a)
			value = b - a;
	}
	return (value > 0.0) ? value : 0.0;
}

void
bs_greeks_all(bs_right right, double s, double k, double t,
			  double r, double q, double sigma, bs_greeks *out)
{
	double		sqrt_t = sqrt(t);
	double		v = sigma * sqrt_t;
	double		eq,
				a,
				b,
				d1,
				d2,
				pdf,
				n1,
				n2,
				decay,
				value;

	if (!(t > 0.0) || !(v > 0.0))
	{
		degenerate_greeks(right, s, k, t, r, q, out);
		return;
	}
	eq = exp(-q * t);
	a = s * eq;
	b = k * exp(-r * t);
	d1 = (log_moneyness(s, k) + (r - q) * t) / v + 0.5 * v;
	d2 = d1 - v;
	pdf = norm_pdf(d1);
	/* time decay of the vol part, common to both rights */
	decay = -a * pdf * sigma / (2.0 * sqrt_t);

	if (right == BS_CALL)
	{
		n1 = norm_cdf(d1);
		n2 = norm_cdf(d2);
		value = a * n1 - b * n2;
		if (value < a - b)
			value = a - b;
		out->delta = eq * n1;
		out->theta = decay + q * a * n1 - r * b * n2;
		out->rho = t * b * n2;
	}
	else
	{
		n1 = norm_cdf(-d1);
		n2 = norm_cdf(-d2);
		value = b * n2 - a * n1;
		if (value < b - a)
			value = b - a;
		out->delta = -eq * n1;
		out->theta = decay - q * a * n1 + r * b * n2;
		out->rho = -t * b * n2;
	}
	out->price = (value > 0.0) ? value : 0.0;
	out->gamma = eq * pdf / (s * v);
	out->vega = a * pdf * sqrt_t;
}

void
bs_delta_gamma(bs_right right, double s, double k, double t,
			   double r, double q, double sigma,
			   double *delta, double *gamma)
{
	double		v = sigma * sqrt(t);
	double		eq,
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
	d1 = (log_moneyness(s, k) + (r - q) * t) / v + 0.5 * v;
	if (right == BS_CALL)
		*delta = eq * norm_cdf(d1);
	else
		*delta = -eq * norm_cdf(-d1);
	*gamma = eq * norm_pdf(d1) / (s * v);
}

/*
 * Implied volatility.
 *
 * Reduction: the out-of-the-money part of the price, tv = price - lower
 * bound (put-call parity turns an in-the-money option into its
 * out-of-the-money mirror), divided by sqrt(A B), is the normalized value
 *
 *     b(x, v) = e^{x/2} N(x/v + v/2) - e^{-x/2} N(x/v - v/2),  x = -|ln(A/B)|
 *
 * which rises from 0 (v = 0) to e^{x/2} (v -> infinity), with
 *
 *     b'(v)  = exp(-x^2/(2 v^2) - v^2/8) / sqrt(2 pi)       (no cancellation)
 *     b''(v) = b'(v) (x^2/v^3 - v/4)
 *
 * so b is convex below vc = sqrt(2|x|) and concave above it.  We bracket the
 * root on [0, vc] or [vc, inf) by comparing with b(vc), then take Halley
 * steps on an objective that is close to linear in each region:
 *   low  (target below b(vc)):    ln b - ln target  (b ~ exp(-x^2/(2v^2)))
 *   mid  (above, not near top):   b - target
 *   high (near the upper bound):  ln c - ln c_target with c = e^{x/2} - b,
 *                                 computed as a sum of two positive terms.
 * Any step that leaves the bracket is replaced by bisection (or doubling
 * while the upper end is still infinite), so the loop is bounded by
 * BS_IV_MAX_ITER and never diverges.
 */

typedef enum
{
	OBJ_LOG_B,
	OBJ_B,
	OBJ_LOG_C
} iv_objective;

/* Use the complement objective when the target is within this fraction of the top. */
#define IV_HIGH_FRACTION 0.25
/* Stop after a Halley step smaller than this, relative to v. */
#define IV_STEP_TOL 1e-12

static inline double
nb_value(double h, double half_v, double ehp, double ehm)
{
	return ehp * norm_cdf(h + half_v) - ehm * norm_cdf(h - half_v);
}

static inline double
nb_complement(double h, double half_v, double ehp, double ehm)
{
	return ehp * norm_cdf(-h - half_v) + ehm * norm_cdf(h - half_v);
}

/*
 * Initial guess below vc.  Far out of the money (x^2 / v^2 large)
 * b ~ b'(v) v^3 / x^2; near the money (|x| << v) b ~ v / sqrt(2 pi) - |x| / 2.
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
		v = 2.50662827463100050242 * (beta + 0.5 * ax);
	if (!(v > 0.0) || v >= vc)
		v = 0.5 * vc;
	return v;
}

/* Initial guess near the top from c ~ 2 N(-v/2) ~ 2 phi(v/2) / (v/2). */
static double
guess_high(double ln_ct_half, double vc)
{
	double		y = sqrt(-2.0 * ln_ct_half);
	double		u = -ln_ct_half - log(y) - BS_LN_SQRT_2PI;

	if (u > 0.0)
		y = sqrt(2.0 * u);
	if (!(2.0 * y > vc))
		return vc;
	return 2.0 * y;
}

/*
 * Solve b(x, v) = beta for v, x <= 0, 0 < beta < e^{x/2}.  Returns v and the
 * number of steps in *iters.
 */
static double
solve_normalized(double x, double beta, int *iters)
{
	double		ehp = exp(0.5 * x);
	double		ehm = 1.0 / ehp;
	double		bmax = ehp;
	double		vc = sqrt(-2.0 * x);
	double		lo = 0.0,
				hi = INFINITY;
	double		v,
				target,
				ln_target = 0.0;
	iv_objective obj;
	int			iter;

	if (x == 0.0)
	{
		/* at the forward b = erf(v / sqrt 8): concave, start from 0.4 v */
		obj = (bmax - beta < IV_HIGH_FRACTION * bmax) ? OBJ_LOG_C : OBJ_B;
		v = beta * 2.50662827463100050242;
	}
	else
	{
		double		bc = nb_value(x / vc, 0.5 * vc, ehp, ehm);

		if (beta < bc)
		{
			hi = vc;
			obj = OBJ_LOG_B;
		}
		else
		{
			lo = vc;
			obj = (bmax - beta < IV_HIGH_FRACTION * bmax) ? OBJ_LOG_C : OBJ_B;
		}
		v = vc;
	}

	if (obj == OBJ_LOG_B)
	{
		target = beta;
		ln_target = log(beta);
		v = guess_low(x, beta, ln_target, vc);
	}
	else if (obj == OBJ_LOG_C)
	{
		target = bmax - beta;
		ln_target = log(target);
		v = guess_high(log(target / (ehp + ehm)), (x == 0.0) ? 0.0 : vc);
	}
	else
		target = beta;

	for (iter = 1; iter <= BS_IV_MAX_ITER; iter++)
	{
		double		h = x / v;
		double		half_v = 0.5 * v;
		double		val,
					f,
					f1,
					f2,
					d1v,
					d2v,
					step,
					next;
		int			below;

		/* value of the objective's base function and which side we are on */
		if (obj == OBJ_LOG_C)
		{
			val = nb_complement(h, half_v, ehp, ehm);
			below = (val > target);
		}
		else
		{
			val = nb_value(h, half_v, ehp, ehm);
			below = (val < target);
		}
		if (val == target)
			break;
		if (below)
			lo = v;
		else
			hi = v;

		d1v = BS_INV_SQRT_2PI * exp(-0.5 * h * h - 0.125 * v * v);
		d2v = d1v * (h * h / v - 0.25 * v);
		switch (obj)
		{
			case OBJ_LOG_B:
				if (!(val > 0.0))
				{
					/* lost in rounding: far below the root */
					f = -INFINITY;
					f1 = f2 = 1.0;
					break;
				}
				f = log(val) - ln_target;
				f1 = d1v / val;
				f2 = d2v / val - f1 * f1;
				break;
			case OBJ_LOG_C:
				f = log(val) - ln_target;
				f1 = -d1v / val;
				f2 = -d2v / val - f1 * f1;
				break;
			default:
				f = val - target;
				f1 = d1v;
				f2 = d2v;
				break;
		}

		/* Halley's step, else Newton's, else bisection (or doubling) */
		step = -f / f1;
		next = v + step;
		if (isfinite(step))
		{
			double		corr = 1.0 + 0.5 * step * f2 / f1;

			if (corr > 0.5 && corr < 2.0 && v + step / corr > lo && v + step / corr < hi)
			{
				step /= corr;
				next = v + step;
			}
		}
		if (fabs(step) <= IV_STEP_TOL * v)
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
	if (iter > BS_IV_MAX_ITER)
		iter = BS_IV_MAX_ITER;
	*iters = iter;
	return v;
}

double
bs_implied_vol_iter(bs_right right, double price, double s, double k,
					double t, double r, double q, int *iterations)
{
	double		a,
				b,
				intrinsic,
				lower,
				upper,
				tv,
				x,
				beta,
				v;
	int			iters = 0;

	if (iterations)
		*iterations = 0;
	if (!(t > 0.0) || !isfinite(price))
		return NAN;

	a = s * exp(-q * t);
	b = k * exp(-r * t);
	intrinsic = (right == BS_CALL) ? a - b : b - a;
	lower = (intrinsic > 0.0) ? intrinsic : 0.0;
	upper = (right == BS_CALL) ? a : b;

	if (!(price < upper))
		return NAN;
	if (price <= lower)
		return (lower - price <= 4.0 * DBL_EPSILON * lower) ? 0.0 : NAN;

	tv = price - lower;
	x = -fabs(log_moneyness(s, k) + (r - q) * t);
	beta = tv / (sqrt(a) * sqrt(b));
	if (!(beta > 0.0))
		return 0.0;
	if (!(beta < exp(0.5 * x)))
		return NAN;

	v = solve_normalized(x, beta, &iters);
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
	if (!isfinite(s) || !(s > 0.0))
		return "s";
	if (!isfinite(k) || !(k > 0.0))
		return "k";
	if (!isfinite(t) || !(t >= 0.0))
		return "t";
	if (!isfinite(r))
		return "r";
	if (!isfinite(q))
		return "q";
	if (!isfinite(sigma) || !(sigma >= 0.0))
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
