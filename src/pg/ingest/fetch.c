/*
 * fetch.c: rate-limited transfers to OKX with back-off (fetch.h).
 *
 * Each OKX endpoint has its own token bucket (rate_limit.h) sized from the
 * venue's published limit, kept for the life of the process, so repeated
 * calls and the ingest worker's rounds stay below it.
 * bifrost.ingest_rate_limit = off skips the buckets (a benchmark against a
 * local mock); the back-off after HTTP 429 or OKX 50011 always applies.
 */
#include "postgres.h"

#include <sys/time.h>

#include "miscadmin.h"
#include "storage/latch.h"
#include "utils/timestamp.h"
#include "utils/wait_event.h"

#include "net/http.h"
#include "net/rate_limit.h"
#include "pg/ingest/fetch.h"
#include "pg/ingest/ingest.h"
#include "pg/venue/settings.h"

/* The request's instrument id fits the parsers' buffers. */
StaticAssertDecl(INGEST_SYMBOL_SIZE == OKX_INST_SIZE, "an ingest symbol is an OKX instrument id");

/* OKX's published limits of its public market-data endpoints: requests per 2 s window. */
typedef struct endpoint_limit
{
	const char *endpoint;
	double		requests;
	bool		ready;
	rate_limit	bucket;
} endpoint_limit;

static endpoint_limit limits[] = {
	{"/api/v5/market/candles", 40},
	{"/api/v5/market/history-candles", 20},
	{"/api/v5/market/ticker", 20},
	{"/api/v5/market/index-tickers", 20},
	{"/api/v5/public/funding-rate", 10},
	{"/api/v5/public/funding-rate-history", 10},
	{"/api/v5/public/mark-price", 10},
	{"/api/v5/public/open-interest", 20},
	{"/api/v5/rubik/stat/contracts/long-short-account-ratio", 5},
};

#define LIMIT_WINDOW_S 2.0

static rate_limit *
bucket_for(const char *endpoint)
{
	for (size_t i = 0; i < lengthof(limits); i++)
		if (strcmp(limits[i].endpoint, endpoint) == 0)
		{
			if (!limits[i].ready)
			{
				rate_limit_init(&limits[i].bucket, limits[i].requests, LIMIT_WINDOW_S);
				limits[i].ready = true;
			}
			return &limits[i].bucket;
		}
	elog(ERROR, "bifrost: no rate limit known for %s", endpoint);
	return NULL;				/* keep the compiler quiet */
}

static double
wall_seconds(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

/* Waits on the latch, so a cancel or SIGTERM ends the wait at once. */
static void
interruptible_sleep(double seconds)
{
	TimestampTz until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), (long) (seconds * 1000.0 + 0.5));

	for (;;)
	{
		long		left = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), until);

		CHECK_FOR_INTERRUPTS();
		if (left <= 0)
			return;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, Min(left, 100),
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
	}
}

/* Interrupts (cancel, statement timeout, SIGTERM) stop a transfer; raised once libcurl returned. */
static bool
should_abort(void *arg)
{
	return InterruptPending;
}

/* Seconds to wait before the next request may go; takes the token when 0. */
static double
token_wait(rate_limit *bucket)
{
	double		now = wall_seconds();

	if (!bifrost_ingest_rate_limit)
		return now < bucket->blocked_until ? bucket->blocked_until - now : 0;
	return rate_limit_wait(bucket, now);
}

bool
ingest_okx_get(const char *endpoint, const char *query, ingest_parse_fn parse, void *arg,
			   char *why, size_t whylen)
{
	rate_limit *bucket = bucket_for(endpoint);
	char		url[1024];
	char		path[512];
	ingest_timing *t = &ingest_last_timing;

	snprintf(path, sizeof(path), "%s%s%s", endpoint, query && query[0] ? "?" : "", query ? query : "");
	if (snprintf(url, sizeof(url), "%s%s", bifrost_okx_base_url, path) >= (int) sizeof(url))
	{
		snprintf(why, whylen, "GET %s: URL too long", path);
		return false;
	}
	for (int attempt = 0;; attempt++)
	{
		http_request req = {0};
		http_response resp;
		jsonu_error err;
		jsonu_status st;
		double		wait;
		instr_time	t0;

		INSTR_TIME_SET_CURRENT(t0);
		while ((wait = token_wait(bucket)) > 0)
			interruptible_sleep(wait);
		ingest_clock_lap(&t0, &t->wait_s);

		req.method = "GET";
		req.url = url;
		req.timeout_ms = bifrost_http_timeout_ms;
		req.should_abort = should_abort;
		http_perform(&req, &resp);
		t->requests++;
		ingest_clock_lap(&t0, &t->http_s);
		if (resp.outcome != HTTP_DONE)
		{
			http_response_free(&resp);
			CHECK_FOR_INTERRUPTS();
			snprintf(why, whylen, "GET %s: %s", path, resp.error);
			return false;
		}
		if (resp.status == 429)
		{
			http_response_free(&resp);
			if (attempt == INGEST_MAX_RETRIES)
				break;
			rate_limit_backoff(bucket, wall_seconds());
			continue;
		}
		if (resp.status != 200)
		{
			http_response_free(&resp);
			snprintf(why, whylen, "GET %s answered HTTP %ld", path, resp.status);
			return false;
		}
		st = parse(resp.body, resp.body_len, arg, &err);
		http_response_free(&resp);
		ingest_clock_lap(&t0, &t->parse_s);
		if (st == JSONU_EVENUE && okx_code_classify(err.venue_code) == OKX_CODE_RATE_LIMIT)
		{
			if (attempt == INGEST_MAX_RETRIES)
				break;
			rate_limit_backoff(bucket, wall_seconds());
			continue;
		}
		if (st != JSONU_OK)
		{
			if (st == JSONU_EVENUE)
				snprintf(why, whylen, "GET %s: %s (OKX code %s)", path, err.msg, err.venue_code);
			else
				snprintf(why, whylen, "GET %s: %s", path, err.msg);
			return false;
		}
		rate_limit_success(bucket);
		return true;
	}
	snprintf(why, whylen, "GET %s: still rate limited after %d retries", path, INGEST_MAX_RETRIES);
	return false;
}
