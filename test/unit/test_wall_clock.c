/*
 * test_wall_clock.c: due times after the wall clock steps back or forward.
 */
#include "wall_clock.h"
#include "unit.h"

#include <math.h>

static void
test_due_times(void)
{
	double		now = 1795532400.0;

	/* within its span a due time stands, in the future or the past */
	CHECK(wall_clock_due(now + 5, now, 5) == now + 5);
	CHECK(wall_clock_due(now + 0.2, now, 5) == now + 0.2);
	CHECK(wall_clock_due(now - 10, now, 5) == now - 10);
	/* a step forward makes it due: nothing to correct */
	CHECK(wall_clock_due(now + 5, now + 3600, 5) == now + 5);
	/* a step back of an hour: due now, not in an hour */
	CHECK(wall_clock_due(now + 5, now - 3600, 5) == now - 3600);
	CHECK(wall_clock_due(now + 60, now - 1, 60) == now - 1);
	/* never due and never set stay so */
	CHECK(wall_clock_due(INFINITY, now, 5) == INFINITY);
	CHECK(wall_clock_due(-INFINITY, now, 5) == -INFINITY);
}

/*
 * The worker's loop: a heartbeat set at mono 1000 with a 10 s interval is
 * due at mono 1010; four seconds later the wall clock steps.
 */
static void
test_wait_across_steps(void)
{
	double		wall = 1795532400.0;
	double		mono = 1004.0;
	double		heartbeat_due = 1010.0;

	/* no step: six seconds to the heartbeat */
	CHECK(clock_wait_seconds(mono, heartbeat_due, wall, INFINITY) == 6.0);
	/* a step back of an hour: still six seconds, not an hour and six */
	CHECK(clock_wait_seconds(mono, heartbeat_due, wall - 3600, INFINITY) == 6.0);
	/* a step forward of an hour: still six seconds, the heartbeat is not due at once */
	CHECK(clock_wait_seconds(mono, heartbeat_due, wall + 3600, INFINITY) == 6.0);

	/* a quote due on the wall clock in 0.2 s comes first */
	CHECK_NEAR_ABS(clock_wait_seconds(mono, heartbeat_due, wall, wall + 0.2), 0.2, 1e-6);
	/* one due in the past is due now, never a negative wait */
	CHECK(clock_wait_seconds(mono, heartbeat_due, wall, wall - 5) == 0.0);
	CHECK(clock_wait_seconds(mono, mono - 1, wall, INFINITY) == 0.0);
	/* a wall due time after a step back, rebased by the hedger to now: due now */
	CHECK(clock_wait_seconds(mono, heartbeat_due, wall - 3600,
							 wall_clock_due(wall + 0.2, wall - 3600, 5)) == 0.0);
	/* never due, or not a number, leaves the other */
	CHECK(clock_wait_seconds(mono, heartbeat_due, wall, NAN) == 6.0);
	CHECK(clock_wait_seconds(mono, NAN, wall, wall + 2) == 2.0);
	CHECK(isinf(clock_wait_seconds(mono, INFINITY, wall, INFINITY)));
	CHECK(isinf(clock_wait_seconds(mono, NAN, wall, NAN)));
}

static void
test_wait_ms(void)
{
	/* rounded up: a wait never ends before its due time */
	CHECK(clock_wait_ms(0.0004, 60000) == 1);
	CHECK(clock_wait_ms(1.5, 60000) == 1500);
	CHECK(clock_wait_ms(0, 60000) == 0);
	CHECK(clock_wait_ms(-3, 60000) == 0);
	/* capped, infinity included */
	CHECK(clock_wait_ms(3600, 60000) == 60000);
	CHECK(clock_wait_ms(INFINITY, 60000) == 60000);
	CHECK(clock_wait_ms(NAN, 60000) == 60000);
}

static void
test_wall_of(void)
{
	double		wall = 1795532400.0;

	/* a retry due in 7 s on the monotonic clock shows as 7 s after the wall time now */
	CHECK(clock_wall_of(1011.0, 1004.0, wall) == wall + 7);
	/* after a step back the row shows the time as the wall clock now reads it */
	CHECK(clock_wall_of(1011.0, 1004.0, wall - 3600) == wall - 3600 + 7);
}

int
main(void)
{
	test_due_times();
	test_wait_across_steps();
	test_wait_ms();
	test_wall_of();
	return unit_summary("test_wall_clock");
}
