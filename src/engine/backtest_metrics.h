/*
 * backtest_metrics.h: the figures of a backtest's equity curve.
 *
 * Formulas (r_i the daily returns, n of them, r̄ their mean, A the days
 * of a year, 252 for a stock's trading days or 365 for a crypto market
 * that never closes):
 *
 *   Sharpe  = r̄ / s × √A, s = √(Σ (r_i − r̄)² / (n − 1)), the sample
 *             standard deviation; no risk-free rate is subtracted (the
 *             hedge's financing is in its P&L already).
 *   Sortino = r̄ / d × √A, d = √(Σ min(r_i, 0)² / n), the downside
 *             deviation below a target of 0.
 *   Maximum drawdown = max over t of (max over u ≤ t of E_u) − E_t, in
 *             money; its duration is the longest time from a peak to the
 *             first point back at or above it (to the end of the curve
 *             when it never gets back), in seconds.
 *
 * Both ratios are NAN with fewer than two returns or a deviation of at most
 * METRICS_NO_DEVIATION (a ratio over no risk is no number; a flat curve's
 * rounding noise, returns of 1e-15, is no risk either).  Pure C99.
 */
#ifndef BIFROST_BACKTEST_METRICS_H
#define BIFROST_BACKTEST_METRICS_H

#include <stdbool.h>

/* A deviation of daily returns at or below this is none: 1e-12 of the capital a day. */
#define METRICS_NO_DEVIATION 1e-12

/* r̄ / s × √(periods_per_year); NAN for n < 2, s = 0 or a non-finite return. */
extern double metrics_sharpe(const double *returns, int n, double periods_per_year);

/* r̄ / d × √(periods_per_year); NAN for n < 2, d = 0 or a non-finite return. */
extern double metrics_sortino(const double *returns, int n, double periods_per_year);

typedef struct drawdown
{
	double		max_drawdown;	/* money, >= 0 */
	double		peak_ts;		/* when the peak before the deepest point was, NAN for none */
	double		trough_ts;		/* when the deepest point was */
	double		longest_s;		/* the longest peak-to-recovery time, seconds */
} drawdown;

/* The same, point by point, for a curve too long to keep. */
typedef struct drawdown_tracker
{
	double		peak;
	double		peak_ts;
	double		last_ts;
	bool		under;
	drawdown	dd;
} drawdown_tracker;

extern void drawdown_tracker_init(drawdown_tracker *t);

/* Adds a point (non-finite ones are passed over); returns the drawdown at it, >= 0. */
extern double drawdown_tracker_add(drawdown_tracker *t, double ts, double equity);
extern void drawdown_tracker_result(const drawdown_tracker *t, drawdown *out);

/*
 * The drawdowns of an equity curve (equity[i] at ts[i], ts increasing).
 * Non-finite points are passed over.  An empty curve has none.
 */
extern void metrics_drawdown(const double *ts, const double *equity, int n, drawdown *out);

/*
 * Daily returns of an equity curve sampled once a day: r_i = (E_i −
 * E_{i−1}) / base, where base is the capital the returns are measured on
 * (the book's notional, or the starting capital): a hedged book's equity
 * starts near zero, so returns relative to the last equity would be
 * meaningless.  Writes n − 1 returns to out; returns how many.
 */
extern int	metrics_daily_returns(const double *equity, int n, double base, double *out);

#endif							/* BIFROST_BACKTEST_METRICS_H */
