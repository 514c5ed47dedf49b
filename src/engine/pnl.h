/*
 * pnl.h: the hedge position's average cost, realized P&L and the day's
 * equity, as the worker and the backtest account them.  Pure C99.
 *
 * Average-cost accounting: a fill that adds to the position moves the
 * average cost; a fill that reduces it realizes (price - average cost) on
 * the shares it closes; a fill that crosses zero closes the old side and
 * opens the rest at its price.
 */
#ifndef BIFROST_PNL_H
#define BIFROST_PNL_H

typedef struct hedge_book
{
	double		position;		/* signed shares */
	double		avg_cost;		/* price per share of the open position, 0 when flat */
	double		cash;			/* sum of -signed qty x price over the fills counted */
} hedge_book;

/* Applies one fill (signed shares, price); returns the P&L it realized. */
extern double pnl_apply_fill(hedge_book *book, double signed_qty, double price);

/*
 * A fill that pays fees: fee in money (a positive cost), fee_lots withheld
 * from the lots received (positive = fewer).  The position moves by
 * signed_qty - fee_lots and the cash by -(signed_qty x price + fee), so
 * both fees lower the equity and any P&L the fill realizes.
 */
extern double pnl_apply_fill_fees(hedge_book *book, double signed_qty, double price, double fee,
								  double fee_lots);

/* Mark-to-market equity: cash + position x mark + value of the option book. */
extern double pnl_equity(const hedge_book *book, double mark, double option_value);

#endif							/* BIFROST_PNL_H */
