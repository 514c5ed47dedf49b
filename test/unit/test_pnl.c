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
	/* fees in both currencies: the position gets fewer lots, the cash pays the money fee */
	{
		hedge_book f = {0};
		hedge_book plain = {0};

		/* spot buy of 100 at 10, 0.1 withheld in the instrument: 99.9 held, 1000 paid */
		CHECK_NEAR_ABS(pnl_apply_fill_fees(&f, 100, 10.0, 0.0, 0.1), 0.0, 0);
		CHECK_NEAR_ABS(f.position, 99.9, 1e-12);
		CHECK_NEAR_ABS(f.cash, -1000.0, 1e-9);
		/* at an unchanged price the equity is down by the fee's value */
		CHECK_NEAR_ABS(pnl_equity(&f, 10.0, 0.0), -1.0, 1e-9);
		/* sell all 99.9 at 10 paying 0.5 in money: realizes both fees */
		CHECK_NEAR_ABS(pnl_apply_fill_fees(&f, -99.9, 10.0, 0.5, 0.0), -1.5, 1e-9);
		CHECK_NEAR_ABS(f.position, 0, 1e-12);
		CHECK_NEAR_ABS(f.cash, -1.5, 1e-9);
		/* no fee: the plain fill, bit for bit */
		pnl_apply_fill(&plain, 3, 101.37);
		f = (hedge_book) {0};
		pnl_apply_fill_fees(&f, 3, 101.37, 0.0, 0.0);
		CHECK(f.avg_cost == plain.avg_cost && f.cash == plain.cash);
	}
	return unit_summary("test_pnl");
}
