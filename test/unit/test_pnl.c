/*
 * test_pnl.c: average-cost accounting at every branch.
 */
#include "pnl.h"
#include "unit.h"

int
main(void)
{
	hedge_book b = {0};

	/* open, add: average cost */
	CHECK_NEAR_ABS(pnl_apply_fill(&b, -100, 50.0), 0.0, 0);
	CHECK_NEAR_ABS(b.position, -100, 0);
	CHECK_NEAR_ABS(b.avg_cost, 50.0, 1e-12);
	CHECK_NEAR_ABS(pnl_apply_fill(&b, -100, 52.0), 0.0, 0);
	CHECK_NEAR_ABS(b.avg_cost, 51.0, 1e-12);
	CHECK_NEAR_ABS(b.cash, 100 * 50.0 + 100 * 52.0, 1e-9);

	/* reduce a short: buying below the average cost gains */
	CHECK_NEAR_ABS(pnl_apply_fill(&b, 50, 49.0), 50 * 2.0, 1e-9);
	CHECK_NEAR_ABS(b.position, -150, 0);
	CHECK_NEAR_ABS(b.avg_cost, 51.0, 1e-12);

	/* cross zero: close 150 at 53 (loss 300), open 50 long at 53 */
	CHECK_NEAR_ABS(pnl_apply_fill(&b, 200, 53.0), -150 * 2.0, 1e-9);
	CHECK_NEAR_ABS(b.position, 50, 0);
	CHECK_NEAR_ABS(b.avg_cost, 53.0, 1e-12);

	/* close exactly: flat, average cost 0 */
	CHECK_NEAR_ABS(pnl_apply_fill(&b, -50, 54.0), 50.0, 1e-9);
	CHECK_NEAR_ABS(b.position, 0, 0);
	CHECK_NEAR_ABS(b.avg_cost, 0, 0);

	/* equity = cash + position x mark + options; realized sums match cash when flat */
	CHECK_NEAR_ABS(pnl_equity(&b, 60.0, 0.0), 100.0 - 300.0 + 50.0, 1e-9);
	CHECK_NEAR_ABS(pnl_apply_fill(&b, 0, 10.0), 0.0, 0);

	/* a long reduced above cost gains; equity marks the rest */
	{
		hedge_book l = {0};

		pnl_apply_fill(&l, 10, 100.0);
		CHECK_NEAR_ABS(pnl_apply_fill(&l, -4, 110.0), 40.0, 1e-9);
		CHECK_NEAR_ABS(pnl_equity(&l, 105.0, 7.0), -1000 + 440 + 6 * 105.0 + 7.0, 1e-9);
	}
	return unit_summary("test_pnl");
}
