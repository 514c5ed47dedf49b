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

int
main(void)
{
	test_due_times();
	return unit_summary("test_wall_clock");
}
