/*
 * backtest_metrics.c: Sharpe, Sortino and drawdowns of an equity curve
 * (formulas in backtest_metrics.h).
 */
#include <math.h>
#include <stddef.h>

#include "backtest_metrics.h"

static bool
all_finite(const double *x, int n)
{
	for (int i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return false;
	return true;
}

static double
mean_of(const double *x, int n)
{
	double		sum = 0;

	for (int i = 0; i < n; i++)
		sum += x[i];
	return sum / n;
}

double
metrics_sharpe(const double *returns, int n, double periods_per_year)
{
	double		mean,
				ss = 0,
				sd;

	if (returns == NULL || n < 2 || !all_finite(returns, n) || !(periods_per_year > 0))
		return NAN;
	mean = mean_of(returns, n);
	for (int i = 0; i < n; i++)
		ss += (returns[i] - mean) * (returns[i] - mean);
	sd = sqrt(ss / (n - 1));
	if (!(sd > METRICS_NO_DEVIATION))
		return NAN;
	return mean / sd * sqrt(periods_per_year);
}

double
metrics_sortino(const double *returns, int n, double periods_per_year)
{
	double		mean,
				ss = 0,
				dd;

	if (returns == NULL || n < 2 || !all_finite(returns, n) || !(periods_per_year > 0))
		return NAN;
	mean = mean_of(returns, n);
	for (int i = 0; i < n; i++)
		if (returns[i] < 0)
			ss += returns[i] * returns[i];
	dd = sqrt(ss / n);
	if (!(dd > METRICS_NO_DEVIATION))
		return NAN;
	return mean / dd * sqrt(periods_per_year);
}

void
drawdown_tracker_init(drawdown_tracker *t)
{
	t->peak = NAN;
	t->peak_ts = NAN;
	t->last_ts = NAN;
	t->under = false;
	t->dd.max_drawdown = 0;
	t->dd.peak_ts = NAN;
	t->dd.trough_ts = NAN;
	t->dd.longest_s = 0;
}

double
drawdown_tracker_add(drawdown_tracker *t, double ts, double equity)
{
	if (!isfinite(ts) || !isfinite(equity))
		return 0;
	t->last_ts = ts;
	if (isnan(t->peak) || equity >= t->peak)
	{
		/* back at or above the peak: the drawdown that began there is over */
		if (t->under && ts - t->peak_ts > t->dd.longest_s)
			t->dd.longest_s = ts - t->peak_ts;
		t->under = false;
		t->peak = equity;
		t->peak_ts = ts;
		return 0;
	}
	t->under = true;
	if (t->peak - equity > t->dd.max_drawdown)
	{
		t->dd.max_drawdown = t->peak - equity;
		t->dd.peak_ts = t->peak_ts;
		t->dd.trough_ts = ts;
	}
	return t->peak - equity;
}

void
drawdown_tracker_result(const drawdown_tracker *t, drawdown *out)
{
	*out = t->dd;
	/* a drawdown the curve never recovered from lasts to its end */
	if (t->under && t->last_ts - t->peak_ts > out->longest_s)
		out->longest_s = t->last_ts - t->peak_ts;
}

void
metrics_drawdown(const double *ts, const double *equity, int n, drawdown *out)
{
	drawdown_tracker t;

	drawdown_tracker_init(&t);
	if (ts != NULL && equity != NULL)
		for (int i = 0; i < n; i++)
			(void) drawdown_tracker_add(&t, ts[i], equity[i]);
	drawdown_tracker_result(&t, out);
}

int
metrics_daily_returns(const double *equity, int n, double base, double *out)
{
	int			k = 0;

	if (equity == NULL || out == NULL || !(isfinite(base) && base > 0))
		return 0;
	for (int i = 1; i < n; i++)
		out[k++] = (equity[i] - equity[i - 1]) / base;
	return k;
}
