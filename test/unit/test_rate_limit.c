/*
 * test_rate_limit.c: the token bucket's burst, refill and headroom, the
 * back-off's doubling and cap, and the unlimited bucket.
 */
#include "rate_limit.h"
#include "unit.h"

#include <math.h>

static void
test_burst_and_refill(void)
{
	rate_limit	r;
	int			sent = 0;

	/* OKX place order: 60 per 2 s, used at 80 %: 48 per 2 s */
	rate_limit_init(&r, 60, 2);
	CHECK(r.capacity == 48);
	CHECK_NEAR_REL(r.per_second, 24.0, 1e-12);
	while (rate_limit_wait(&r, 1000.0) == 0 && sent < 1000)
		sent++;
	CHECK(sent == 48);
	/* the next token comes 1/24 s later */
	CHECK_NEAR_REL(rate_limit_wait(&r, 1000.0), 1.0 / 24, 1e-9);
	CHECK(rate_limit_wait(&r, 1000.0 + 1.0 / 24 + 1e-9) == 0);
	CHECK(rate_limit_wait(&r, 1000.0 + 1.0 / 24 + 2e-9) > 0);
	/* after a long pause the bucket is full, never more */
	sent = 0;
	while (rate_limit_wait(&r, 2000.0) == 0 && sent < 1000)
		sent++;
	CHECK(sent == 48);
}

static void
test_over_a_window(void)
{
	rate_limit	r;
	double		t = 0;
	int			sent = 0;

	/* a caller that always waits as told sends at most the headroom share per window, after the burst */
	rate_limit_init(&r, 20, 2);
	while (t < 10.0 && sent < 100000)
	{
		double		w = rate_limit_wait(&r, t);

		if (w == 0)
			sent++;
		else
			t += w;
	}
	/* 16 at once, then 8 per second for 10 s */
	CHECK(sent >= 16 + 79 && sent <= 16 + 81);
}

static void
test_small_limits(void)
{
	rate_limit	r;

	/* 1 per 2 s cannot be cut to 0.8: one request per window */
	rate_limit_init(&r, 1, 2);
	CHECK(r.capacity == 1);
	CHECK(rate_limit_wait(&r, 0) == 0);
	CHECK_NEAR_REL(rate_limit_wait(&r, 0), 2.0, 1e-12);
}

static void
test_backoff(void)
{
	rate_limit	r;
	double		w;

	rate_limit_init(&r, 20, 2);
	CHECK(rate_limit_wait(&r, 0) == 0);
	CHECK(rate_limit_backoff(&r, 10.0) == RATE_LIMIT_BACKOFF_FIRST_S);
	CHECK_NEAR_REL(rate_limit_wait(&r, 10.0), RATE_LIMIT_BACKOFF_FIRST_S, 1e-12);
	CHECK(rate_limit_backoff(&r, 11.0) == 2 * RATE_LIMIT_BACKOFF_FIRST_S);
	CHECK(rate_limit_backoff(&r, 12.0) == 4 * RATE_LIMIT_BACKOFF_FIRST_S);
	for (int i = 0; i < 40; i++)
		w = rate_limit_backoff(&r, 20.0);
	CHECK(w == RATE_LIMIT_BACKOFF_MAX_S);
	/* after the window the bucket starts empty, then refills */
	CHECK(rate_limit_wait(&r, 20.0 + RATE_LIMIT_BACKOFF_MAX_S) > 0);
	CHECK(rate_limit_wait(&r, 20.0 + RATE_LIMIT_BACKOFF_MAX_S + 1.0) == 0);
	rate_limit_success(&r);
	CHECK(rate_limit_backoff(&r, 100.0) == RATE_LIMIT_BACKOFF_FIRST_S);
}

static void
test_unlimited(void)
{
	rate_limit	r;

	rate_limit_init(&r, 0, 2);
	for (int i = 0; i < 10000; i++)
		CHECK(rate_limit_wait(&r, 0) == 0);
	rate_limit_init(&r, NAN, 2);
	CHECK(rate_limit_wait(&r, 0) == 0);
	rate_limit_init(&r, 10, INFINITY);
	CHECK(rate_limit_wait(&r, 0) == 0);
	/* a back-off still holds an unlimited bucket */
	rate_limit_backoff(&r, 0);
	CHECK(rate_limit_wait(&r, 0.1) > 0);
	CHECK(rate_limit_wait(&r, 1.0) == 0);
}

/*
 * The wall clock steps back an hour (an NTP step, an operator's date -s):
 * the bucket refills from the new now and a back-off never lasts longer
 * than its cap.  Before, no token came back for the hour and every
 * request to the venue (orders included) waited or failed that long.
 */
static void
test_clock_steps_back(void)
{
	rate_limit	r;
	double		t = 100000.0;
	double		wait;
	int			sent = 0;

	rate_limit_init(&r, 10, 1);	/* 8 per second */
	while (rate_limit_wait(&r, t) == 0 && sent < 100)
		sent++;
	CHECK(sent == 8);
	t -= 3600;
	wait = rate_limit_wait(&r, t);
	CHECK(wait > 0 && wait <= 1.0 / 8 + 1e-9);
	CHECK(rate_limit_wait(&r, t + 1.0 / 8 + 1e-9) == 0);

	/* a back-off that began before the step */
	t = 200000.0;
	rate_limit_backoff(&r, t);
	t -= 3600;
	wait = rate_limit_wait(&r, t);
	CHECK(wait > 0 && wait <= RATE_LIMIT_BACKOFF_MAX_S);
	/* after the cap the bucket refills from then on */
	t += RATE_LIMIT_BACKOFF_MAX_S + 1e-9;
	(void) rate_limit_wait(&r, t);
	CHECK(rate_limit_wait(&r, t + 1) == 0);
}

int
main(void)
{
	test_burst_and_refill();
	test_over_a_window();
	test_small_limits();
	test_backoff();
	test_unlimited();
	test_clock_steps_back();
	return unit_summary("test_rate_limit");
}
