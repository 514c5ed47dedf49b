/*
 * wall_clock.h: due times on a wall clock that may step.
 *
 * The workers schedule on the wall clock (epoch seconds): the next quote
 * poll, the next query of a live order, the end of a pause.  Each due time
 * is set at most its span after the now it was set at.  When the clock
 * steps back (an NTP step, date -s), a due time can lie an hour ahead, and
 * waiting for it would stop the work for the hour.  Pure C99.
 */
#ifndef BIFROST_WALL_CLOCK_H
#define BIFROST_WALL_CLOCK_H

#include <math.h>

/*
 * due, or now when due lies more than span seconds after now: only a clock
 * that stepped back puts it there, and what it guards is then due.  An
 * infinite due time (never, or at once) stands.
 */
static inline double
wall_clock_due(double due, double now, double span)
{
	return isfinite(due) && due - now > span ? now : due;
}

#endif							/* BIFROST_WALL_CLOCK_H */
