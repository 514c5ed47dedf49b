/*
 * wall_clock.h: waits that survive steps of the wall clock.
 *
 * The wall clock (epoch seconds) can step, back or forward, by any amount
 * (an NTP step, date -s); the monotonic clock cannot.  The workers measure
 * their waits and intervals (heartbeat, retries, rounds) on the monotonic
 * clock, and keep the wall clock for what is stamped into rows and for the
 * feeds, whose quotes carry wall-clock times.  The hedger's due times live
 * on the feed's clock: wall_clock_due() keeps one of them from lying far
 * ahead after a step back.  Pure C99.
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

/*
 * Seconds to wait for the first of two due times: mono_due on the
 * monotonic clock (the worker's own heartbeat and retries) and wall_due on
 * the wall clock (the hedger's next quote or fill).  A step of the wall
 * clock moves wall_now and leaves mono_now alone, so the monotonic due time
 * keeps its distance whatever the step; the wall-clock one is as far as the
 * two wall times say, which the hedger keeps within its caps.  Never
 * negative; NaN counts as never.
 */
static inline double
clock_wait_seconds(double mono_now, double mono_due, double wall_now, double wall_due)
{
	double		wait = mono_due - mono_now;
	double		wall_wait = wall_due - wall_now;

	if (isnan(wait) || wall_wait < wait)
		wait = wall_wait;
	if (isnan(wait))
		return INFINITY;
	return wait > 0 ? wait : 0;
}

/*
 * The wait in whole milliseconds for a wait of seconds, rounded up (a wait
 * rounded down to 0 ms before its due time would wake the worker early,
 * find nothing due and wait 0 ms again) and capped at cap_ms.
 */
static inline long
clock_wait_ms(double seconds, long cap_ms)
{
	double		ms = ceil(seconds * 1000.0);

	if (!(ms < (double) cap_ms))
		return cap_ms;
	return ms > 0 ? (long) ms : 0;
}

/*
 * The wall-clock time of a monotonic due time, for a row that shows it
 * (the next retry of the broker): as far from wall_now as it is from
 * mono_now.
 */
static inline double
clock_wall_of(double mono_due, double mono_now, double wall_now)
{
	return wall_now + (mono_due - mono_now);
}

#endif							/* BIFROST_WALL_CLOCK_H */
