/*
 * venue.c: what every venue shares: secrets lookup, order reports, the
 * rate-limited transfer, the clock (venue.h).
 */
#include "postgres.h"

#include <math.h>
#include <sys/time.h>

#include "net/rate_limit.h"
#include "pg/venue/venue.h"

const char *
venue_secret_get(const venue_params *p, const char *name)
{
	for (int i = 0; i < p->n_secrets; i++)
		if (strcmp(p->secrets[i].name, name) == 0)
			return p->secrets[i].value;
	return NULL;
}

/*
 * Masks every secret value found in text.  Messages from a venue reach the
 * server log and tables bifrost_reader can read (daemon_heartbeat.last_error,
 * operations.state_reason); a path or a venue's answer may quote an account
 * id or a key.  The mask is never longer than the value, so text is edited
 * in place and stays within its buffer.  Values shorter than
 * VENUE_SECRET_MIN_MASK are left alone: masking them would garble the text
 * and hide nothing worth hiding.
 */
#define VENUE_SECRET_MIN_MASK 4

void
venue_scrub_secrets(const venue_params *p, char *text)
{
	if (text == NULL || p == NULL)
		return;
	for (int i = 0; i < p->n_secrets; i++)
	{
		const char *value = p->secrets[i].value;
		size_t		len = strlen(value);
		char	   *hit;

		if (len < VENUE_SECRET_MIN_MASK)
			continue;
		while ((hit = strstr(text, value)) != NULL)
		{
			memcpy(hit, "***", 3);
			memmove(hit + 3, hit + len, strlen(hit + len) + 1);
		}
	}
}

double
venue_now(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double) tv.tv_sec + (double) tv.tv_usec / 1e6;
}

bool
venue_wait_for_token(const venue_params *p, struct rate_limit *limit)
{
	/* a bounded number of waits: a limiter never asks for more than its back-off cap */
	for (int attempt = 0; attempt < 64; attempt++)
	{
		double		wait = rate_limit_wait(limit, venue_now());

		if (wait <= 0)
			return true;
		if (p->sleep_ms == NULL || !p->sleep_ms((long) ceil(wait * 1000.0), p->sleep_arg))
			return false;
	}
	return false;
}

bool
venue_http(const venue_params *p, struct rate_limit *limit, http_request *req,
		   http_response *resp)
{
	if (limit != NULL && !venue_wait_for_token(p, limit))
	{
		memset(resp, 0, sizeof(*resp));
		resp->outcome = HTTP_ABORTED;
		snprintf(resp->error, sizeof(resp->error), "%s %s: stopped while waiting for the rate limit",
				 req->method, req->url);
		return false;
	}
	req->timeout_ms = p->timeout_ms;
	req->should_abort = p->should_abort;
	req->abort_arg = p->abort_arg;
	http_perform(req, resp);
	venue_rate_feedback(limit, resp);
	return true;
}

void
venue_rate_feedback(struct rate_limit *limit, const http_response *resp)
{
	if (limit == NULL || resp->outcome != HTTP_DONE)
		return;
	if (resp->status == 429)
		rate_limit_backoff(limit, venue_now());
	else if (resp->status < 500)
		rate_limit_success(limit);
}
