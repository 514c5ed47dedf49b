/*
 * rate_limit.c: token buckets with a back-off window (rate_limit.h).
 */
#include "rate_limit.h"

#include <math.h>

void
rate_limit_init(rate_limit *r, double requests, double window_s)
{
	r->tokens = 0;
	r->refilled_at = NAN;
	r->blocked_until = -INFINITY;
	r->strikes = 0;
	if (!(isfinite(requests) && requests > 0 && isfinite(window_s) && window_s > 0))
	{
		r->capacity = INFINITY;
		r->per_second = INFINITY;
		return;
	}
	r->capacity = floor(requests * RATE_LIMIT_HEADROOM);
	if (r->capacity < 1)
		r->capacity = 1;
	r->per_second = r->capacity / window_s;
	r->tokens = r->capacity;
}

double
rate_limit_wait(rate_limit *r, double now)
{
	/*
	 * A back-off longer than its cap, or a refill time after now, can only
	 * come from a wall clock that stepped back: count from the new now, or
	 * no request would go for as long as the step.
	 */
	if (r->blocked_until - now > RATE_LIMIT_BACKOFF_MAX_S)
		r->blocked_until = now + RATE_LIMIT_BACKOFF_MAX_S;
	if (now < r->blocked_until)
		return r->blocked_until - now;
	if (isinf(r->capacity))
		return 0;
	if (isnan(r->refilled_at) || now < r->refilled_at)
		r->refilled_at = now;
	else if (now > r->refilled_at)
	{
		r->tokens = fmin(r->capacity, r->tokens + (now - r->refilled_at) * r->per_second);
		r->refilled_at = now;
	}
	if (r->tokens >= 1)
	{
		r->tokens -= 1;
		return 0;
	}
	return (1 - r->tokens) / r->per_second;
}

double
rate_limit_backoff(rate_limit *r, double now)
{
	double		wait = RATE_LIMIT_BACKOFF_FIRST_S * ldexp(1.0, r->strikes < 16 ? r->strikes : 16);

	if (wait > RATE_LIMIT_BACKOFF_MAX_S)
		wait = RATE_LIMIT_BACKOFF_MAX_S;
	r->strikes++;
	r->blocked_until = now + wait;
	/* the venue counted more than we did: start the window empty */
	if (!isinf(r->capacity))
	{
		r->tokens = 0;
		r->refilled_at = r->blocked_until;
	}
	return wait;
}

void
rate_limit_success(rate_limit *r)
{
	r->strikes = 0;
}
