/*
 * session.c: opening a venue inside a worker (session.h).
 *
 * Transfers and rate-limit waits stop only for SIGTERM, not for the latch:
 * a command arriving while an order is on the wire must not turn its answer
 * into an unknown outcome.  The HTTP layer polls the stop flag every
 * HTTP_POLL_SLICE_MS and the waits sleep on the latch (bgw_sleep), so the
 * worker still exits within a second; a command that sets the latch
 * meanwhile is served by the loop's next wait.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "pg/bgw/bgw.h"
#include "pg/spi/store.h"
#include "pg/venue/session.h"
#include "pg/venue/settings.h"

typedef struct venue_session
{
	venue		v;
	char		symbol[64];
	char		base_url[512];
	venue_secret secrets[VENUE_MAX_SECRETS];
} venue_session;

typedef struct secrets_args
{
	const char *prefix;
	venue_session *s;
	int			n;
} secrets_args;

static void
load_secrets_work(void *arg)
{
	secrets_args *a = arg;
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(a->prefix)};

	if (!store_extension_ready())
		return;
	store_exec("SELECT name, value FROM bifrost.secrets WHERE starts_with(name, $1) ORDER BY name",
			   1, types, values, NULL, SPI_OK_SELECT);
	for (uint64 i = 0; i < SPI_processed && a->n < VENUE_MAX_SECRETS; i++)
	{
		char	   *name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
		char	   *value = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2);

		if (strlen(name) >= sizeof(a->s->secrets[0].name) || value == NULL ||
			strlen(value) >= sizeof(a->s->secrets[0].value))
		{
			ereport(WARNING, (errmsg("bifrost: secret \"%s\" is too long and is ignored", name)));
			continue;
		}
		strlcpy(a->s->secrets[a->n].name, name, sizeof(a->s->secrets[0].name));
		strlcpy(a->s->secrets[a->n].value, value, sizeof(a->s->secrets[0].value));
		a->n++;
	}
}

static bool
stop_transfer(void *arg)
{
	return bgw_stopping();
}

static bool
sleep_unless_stopping(long ms, void *arg)
{
	return bgw_sleep(ms);
}

venue *
venue_session_open(const char *kind, const char *symbol, char *why, size_t whylen)
{
	venue_session *s = MemoryContextAllocZero(TopMemoryContext, sizeof(venue_session));
	char		prefix[16];
	secrets_args a;
	char		err[STORE_ERROR_MAX];
	bool		ok;

	snprintf(prefix, sizeof(prefix), "%s.", kind);
	memset(&a, 0, sizeof(a));
	a.prefix = prefix;
	a.s = s;
	if (!store_run("bifrost: read secrets", load_secrets_work, &a, err, sizeof(err)))
	{
		snprintf(why, whylen, "could not read bifrost.secrets: %s", err);
		pfree(s);
		return NULL;
	}
	strlcpy(s->symbol, symbol, sizeof(s->symbol));
	strlcpy(s->base_url, strcmp(kind, "okx") == 0 ? bifrost_okx_base_url : bifrost_ibkr_base_url,
			sizeof(s->base_url));
	s->v.params.symbol = s->symbol;
	s->v.params.base_url = s->base_url;
	s->v.params.timeout_ms = bifrost_http_timeout_ms;
	s->v.params.okx_demo = bifrost_okx_demo;
	s->v.params.secrets = s->secrets;
	s->v.params.n_secrets = a.n;
	s->v.params.should_abort = stop_transfer;
	s->v.params.sleep_ms = sleep_unless_stopping;

	if (strcmp(kind, "okx") == 0)
		ok = venue_okx_init(&s->v, why, whylen);
	else if (strcmp(kind, "ibkr") == 0)
		ok = venue_ibkr_init(&s->v, why, whylen);
	else
	{
		snprintf(why, whylen, "no venue named \"%s\"", kind);
		ok = false;
	}
	if (!ok)
	{
		pfree(s);
		return NULL;
	}
	if (!s->v.ops->open(&s->v, why, whylen))
	{
		venue_scrub_secrets(&s->v.params, why);
		venue_session_close(&s->v);
		return NULL;
	}
	return &s->v;
}

void
venue_session_close(venue *v)
{
	if (v == NULL)
		return;
	if (v->ops && v->ops->close)
		v->ops->close(v);
	/* v is the first member of its session */
	pfree(v);
}
