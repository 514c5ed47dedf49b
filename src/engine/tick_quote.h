/*
 * tick_quote.h: the quote of a recorded tick (a row of bifrost.ticks) that
 * lacks a side.  The worker's replay feed and the backtest's quote source
 * both read ticks through it, so both see the same quote:
 *   - neither bid nor ask: a locked quote at last (a trade print);
 *   - one side missing: a one-sided book, which the hedger takes for no
 *     quote at all (no mark, no trade: stale data, SAFE), so it stays
 *     missing (NAN) whatever last says.
 * Pure C99.
 */
#ifndef BIFROST_TICK_QUOTE_H
#define BIFROST_TICK_QUOTE_H

/* bid, ask and last are NAN when missing; bid and ask are completed in place. */
extern void tick_quote_complete(double *bid, double *ask, double last);

#endif							/* BIFROST_TICK_QUOTE_H */
