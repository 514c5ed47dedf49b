/*
 * tick_quote.c: completing a tick's quote from its last price (tick_quote.h).
 */
#include "tick_quote.h"

#include <math.h>

void
tick_quote_complete(double *bid, double *ask, double last)
{
	if (isnan(*bid) && isnan(*ask))
		*bid = *ask = last;
}
