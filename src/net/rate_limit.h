/*
 * rate_limit.h: a token bucket per venue endpoint, kept below the venue's
 * published limit, with a back-off window after HTTP 429 / OKX 50011.
 *
 * The caller owns the clock (epoch seconds) and the sleeping: rate_limit_wait
 * says how long to wait before the next request may go, and takes the token
 * when the answer is 0.  Pure C99, no allocation.
 */
#ifndef BIFROST_RATE_LIMIT_H
#define BIFROST_RATE_LIMIT_H

#include <stdbool.h>

/* Share of a published limit bifrost uses, so a clock skew never trips the venue's. */
#define RATE_LIMIT_HEADROOM 0.8
/* Back-off after a 429: doubles per consecutive one, from the first to the cap. */
#define RATE_LIMIT_BACKOFF_FIRST_S 0.5
#define RATE_LIMIT_BACKOFF_MAX_S 30.0

typedef struct rate_limit
{
	double		capacity;		/* tokens when full: the burst */
	double		per_second;		/* refill rate */
	double		tokens;
	double		refilled_at;	/* epoch seconds, NAN before the first request */
	double		blocked_until;	/* back-off: no request before this */
	int			strikes;		/* consecutive 429s */
} rate_limit;

/*
 * A bucket for a limit of `requests` per `window_s` seconds as the venue
 * publishes it, used at RATE_LIMIT_HEADROOM of it (at least one request
 * per window).  Non-positive or non-finite arguments make an unlimited bucket.
 */
extern void rate_limit_init(rate_limit *r, double requests, double window_s);

/* Seconds to wait before the next request at now; 0 means go, and the token is taken. */
extern double rate_limit_wait(rate_limit *r, double now);

/* The venue said 429 / 50011 at now: no request for an exponentially growing while. */
extern double rate_limit_backoff(rate_limit *r, double now);

/* A request succeeded: the back-off starts from the first step again. */
extern void rate_limit_success(rate_limit *r);

#endif							/* BIFROST_RATE_LIMIT_H */
