/*
 * leg_settlement.h: the settlements of the hedger's expired legs, fixed
 * once in bifrost.leg_settlements and applied to the legs in memory.
 *
 * A symbol's legs of one expiry settle together at one price, the mid of
 * the first usable quote the hedger takes at or after the expiry instant,
 * in the style book.settlement says then.  The price and the style are
 * stored with every leg's row, so a restart, a change of book.settlement or
 * a leg added later values the expiry the same.  The functions marked
 * "inside store_run" run in the caller's transaction (SPI connected); the
 * settlements they read take effect with leg_settlement_adopt() once that
 * transaction has committed.
 */
#ifndef BIFROST_LEG_SETTLEMENT_H
#define BIFROST_LEG_SETTLEMENT_H

#include "postgres.h"

#include "engine/engine_types.h"

/*
 * Inside store_run: reads the settlements of symbol's expiries, and the
 * first expiry of a leg of symbol that has no row yet.
 */
extern void leg_settlement_load(const char *symbol);

/*
 * Inside store_run: settles every leg of symbol expired at now that has no
 * row: at the stored settlement of its expiry, else at price in style,
 * settled_at now; one row and one risk event per leg.  Then reads the
 * settlements back as leg_settlement_load() does.  Returns the rows written.
 */
extern int	leg_settlement_record(const char *symbol, double now, double price,
								  settlement_style style);

/* After the transaction of a load or record: what it read is what applies. */
extern void leg_settlement_adopt(void);

/* Gives each leg whose expiry has settled that settlement's price and style. */
extern void leg_settlement_apply(engine_leg *legs, int n);

/*
 * Whether a leg expired at now still waits for its settlement (not fixed in
 * legs, or a leg without its row as of the last load, also one whose
 * expiry has settled before).
 */
extern bool leg_settlement_due(const engine_leg *legs, int n, double now);

#endif							/* BIFROST_LEG_SETTLEMENT_H */
