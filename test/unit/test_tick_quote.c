/*
 * test_tick_quote.c: a recorded tick's quote completed from its last
 * price, every pattern of missing values.
 */
#include <math.h>

#include "tick_quote.h"
#include "unit.h"

static void
check(double bid, double ask, double last, double want_bid, double want_ask)
{
	tick_quote_complete(&bid, &ask, last);
	if (isnan(want_bid))
		CHECK(isnan(bid));
	else
		CHECK_NEAR_ABS(bid, want_bid, 0);
	if (isnan(want_ask))
		CHECK(isnan(ask));
	else
		CHECK_NEAR_ABS(ask, want_ask, 0);
}

int
main(void)
{
	/* both sides: untouched, last or not, even crossed (the table's CHECK forbids it) */
	check(100, 100.02, 99, 100, 100.02);
	check(100, 100.02, NAN, 100, 100.02);
	/* a trade print: locked at last */
	check(NAN, NAN, 100.01, 100.01, 100.01);
	/* one side: a one-sided book stays one-sided (no quote), last or not */
	check(100, NAN, 100.05, 100, NAN);
	check(NAN, 100.02, 100, NAN, 100.02);
	check(100, NAN, NAN, 100, NAN);
	check(NAN, 100.02, NAN, NAN, 100.02);
	/* nothing at all */
	check(NAN, NAN, NAN, NAN, NAN);
	return unit_summary("tick_quote");
}
