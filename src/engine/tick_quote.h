/*
 * tick_quote.h: the quote of a recorded tick (a row of bifrost.ticks) that
 * lacks a side.  The worker's replay feed and the backtest's quote source
 * both read ticks through it, so both see the same quote:
 *   - neither bid nor ask: a locked quote at last (a trade print);
 *   - one side missing: last stands in for it when there is one and it
 *     keeps bid <= ask, else the side it has (a locked quote): never a
 *     crossed quote;
 *   - nothing at all (all NAN): no quote, as the hedger judges it.
 * Pure C99.
 */
#ifndef BIFROST_TICK_QUOTE_H
#define BIFROST_TICK_QUOTE_H

/* bid, ask and last are NAN when missing; bid and ask are completed in place. */
extern void tick_quote_complete(double *bid, double *ask, double last);

#endif							/* BIFROST_TICK_QUOTE_H */
