/*
 * monotonic.h: the clock the workers measure waits and intervals on.
 *
 * Seconds since an arbitrary point, never stepped (wall_clock.h says why).
 */
#ifndef BIFROST_MONOTONIC_H
#define BIFROST_MONOTONIC_H

#include <time.h>

static inline double
monotonic_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

#endif							/* BIFROST_MONOTONIC_H */
