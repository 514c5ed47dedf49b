/*
 * tick_quote.c: completing a tick's quote from its last price (tick_quote.h).
 */
#include "tick_quote.h"

#include <math.h>
#include <stdbool.h>

void
tick_quote_complete(double *bid, double *ask, double last)
{
	bool		has_bid = !isnan(*bid);
	bool		has_ask = !isnan(*ask);
	bool		has_last = !isnan(last);

	if (has_bid && has_ask)
		return;
	if (!has_bid && !has_ask)
		*bid = *ask = last;
	else if (!has_ask)
		*ask = has_last && last >= *bid ? last : *bid;
	else
		*bid = has_last && last <= *ask ? last : *ask;
}
