/*
 * pnl.c: average-cost accounting of the hedge position.
 */
#include "pnl.h"

#include <math.h>

double
pnl_apply_fill(hedge_book *book, double signed_qty, double price)
{
	double		pos = book->position;
	double		realized = 0.0;

	book->cash -= signed_qty * price;
	if (signed_qty == 0.0)
		return 0.0;
	if (pos == 0.0 || (pos > 0.0) == (signed_qty > 0.0))
	{
		/* opening or adding: the average cost moves */
		book->avg_cost = (book->avg_cost * fabs(pos) + price * fabs(signed_qty)) /
			(fabs(pos) + fabs(signed_qty));
		book->position = pos + signed_qty;
		return 0.0;
	}
	{
		double		closed = fmin(fabs(signed_qty), fabs(pos));

		realized = closed * (price - book->avg_cost) * (pos > 0.0 ? 1.0 : -1.0);
		book->position = pos + signed_qty;
		if (book->position == 0.0)
			book->avg_cost = 0.0;
		else if ((book->position > 0.0) != (pos > 0.0))
			book->avg_cost = price;	/* crossed zero: the rest opens here */
	}
	return realized;
}

double
pnl_equity(const hedge_book *book, double mark, double option_value)
{
	return book->cash + book->position * mark + option_value;
}

double
pnl_apply_fill_fees(hedge_book *book, double signed_qty, double price, double fee, double fee_lots)
{
	double		received = signed_qty - fee_lots;
	double		paid = signed_qty * price + fee;

	/* no fee: exactly the plain fill, to the last bit */
	if (fee == 0.0 && fee_lots == 0.0)
		return pnl_apply_fill(book, signed_qty, price);
	if (received == 0.0)
	{
		book->cash -= paid;
		return 0.0;
	}
	/* the lots received cost what was paid for the fill plus the fee */
	return pnl_apply_fill(book, received, paid / received);
}
