/*
 * test_backtest_metrics.c: Sharpe, Sortino, drawdowns and daily returns,
 * against hand-computed values and at their edges.
 */
#include <math.h>

#include "backtest_metrics.h"
#include "unit.h"

int
main(void)
{
	const double r[] = {0.01, -0.02, 0.015, -0.005, 0.025};
	const double flat[] = {0.01, 0.01, 0.01};
	const double gains[] = {0.01, 0.02};
	const double bad[] = {0.01, NAN, 0.02};
	double		out[8];

	/* the published anchor: five daily returns, annualised over 252 days */
	CHECK_NEAR_REL(metrics_sharpe(r, 5, 252), 4.48998886412873, 1e-12);
	CHECK_NEAR_REL(metrics_sharpe(r, 5, 365), 5.403702434442518, 1e-12);
	/* downside deviation over all five returns, target 0 */
	CHECK_NEAR_REL(metrics_sortino(r, 5, 252), 8.60916064775327, 1e-12);
	CHECK_NEAR_REL(metrics_sortino(r, 5, 365), 10.361126443416785, 1e-12);

	/* no risk, too few returns, bad numbers: no number */
	CHECK(isnan(metrics_sharpe(flat, 3, 252)));
	/* a flat curve's rounding noise is no risk: no ratio (the attack review's 13.5) */
	{
		const double noise[] = {2e-15, -1e-15, 3e-15, -2e-15};

		CHECK(isnan(metrics_sharpe(noise, 4, 252)));
		CHECK(isnan(metrics_sortino(noise, 4, 252)));
	}
	CHECK(isnan(metrics_sortino(gains, 2, 252)));
	CHECK(isnan(metrics_sharpe(r, 1, 252)));
	CHECK(isnan(metrics_sharpe(r, 0, 252)));
	CHECK(isnan(metrics_sharpe(NULL, 5, 252)));
	CHECK(isnan(metrics_sharpe(bad, 3, 252)));
	CHECK(isnan(metrics_sortino(bad, 3, 252)));
	CHECK(isnan(metrics_sharpe(r, 5, 0)));
	CHECK(isnan(metrics_sharpe(r, 5, NAN)));

	/* drawdowns: 110 -> 90 is the deepest; 1 -> 4 the longest; 4 -> end unrecovered */
	{
		const double ts[] = {0, 1, 2, 3, 4, 5};
		const double eq[] = {100, 110, 90, 95, 120, 100};
		drawdown	d;

		metrics_drawdown(ts, eq, 6, &d);
		CHECK_NEAR_ABS(d.max_drawdown, 20, 0);
		CHECK_NEAR_ABS(d.peak_ts, 1, 0);
		CHECK_NEAR_ABS(d.trough_ts, 2, 0);
		CHECK_NEAR_ABS(d.longest_s, 3, 0);
	}
	/* a curve that never recovers: the drawdown lasts to its end */
	{
		const double ts[] = {10, 20, 30};
		const double eq[] = {-5, -6, -7};
		drawdown	d;

		metrics_drawdown(ts, eq, 3, &d);
		CHECK_NEAR_ABS(d.max_drawdown, 2, 0);
		CHECK_NEAR_ABS(d.longest_s, 20, 0);
	}
	/* rising, empty, non-finite points passed over */
	{
		const double ts[] = {0, 1, 2, 3};
		const double eq[] = {1, NAN, 2, 3};
		drawdown	d;

		metrics_drawdown(ts, eq, 4, &d);
		CHECK_NEAR_ABS(d.max_drawdown, 0, 0);
		CHECK_NEAR_ABS(d.longest_s, 0, 0);
		CHECK(isnan(d.peak_ts));
		metrics_drawdown(ts, eq, 0, &d);
		CHECK_NEAR_ABS(d.max_drawdown, 0, 0);
		metrics_drawdown(NULL, eq, 4, &d);
		CHECK_NEAR_ABS(d.max_drawdown, 0, 0);
	}

	/* daily returns on a base capital, not on an equity that starts near zero */
	{
		const double eq[] = {0, 100, -50, 25};

		CHECK(metrics_daily_returns(eq, 4, 10000, out) == 3);
		CHECK_NEAR_ABS(out[0], 0.01, 1e-15);
		CHECK_NEAR_ABS(out[1], -0.015, 1e-15);
		CHECK_NEAR_ABS(out[2], 0.0075, 1e-15);
		CHECK(metrics_daily_returns(eq, 4, 0, out) == 0);
		CHECK(metrics_daily_returns(eq, 4, NAN, out) == 0);
		CHECK(metrics_daily_returns(eq, 1, 100, out) == 0);
	}
	return unit_summary("test_backtest_metrics");
}
