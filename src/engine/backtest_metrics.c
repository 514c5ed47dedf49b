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
	if (!(sd > 0))
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
	if (!(dd > 0))
		return NAN;
	return mean / dd * sqrt(periods_per_year);
}

void
metrics_drawdown(const double *ts, const double *equity, int n, drawdown *out)
{
	double		peak = NAN,
				peak_ts = NAN,
				last_ts = NAN;
	bool		under = false;

	out->max_drawdown = 0;
	out->peak_ts = NAN;
	out->trough_ts = NAN;
	out->longest_s = 0;
	if (ts == NULL || equity == NULL)
		return;
	for (int i = 0; i < n; i++)
	{
		if (!isfinite(ts[i]) || !isfinite(equity[i]))
			continue;
		last_ts = ts[i];
		if (isnan(peak) || equity[i] >= peak)
		{
			/* back at or above the peak: the drawdown that began there is over */
			if (under && ts[i] - peak_ts > out->longest_s)
				out->longest_s = ts[i] - peak_ts;
			under = false;
			peak = equity[i];
			peak_ts = ts[i];
			continue;
		}
		under = true;
		if (peak - equity[i] > out->max_drawdown)
		{
			out->max_drawdown = peak - equity[i];
			out->peak_ts = peak_ts;
			out->trough_ts = ts[i];
		}
	}
	/* a drawdown the curve never recovered from lasts to its end */
	if (under && last_ts - peak_ts > out->longest_s)
		out->longest_s = last_ts - peak_ts;
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
