/*
 * settings.c: the venues' bifrost.* settings (settings.h), reloaded on
 * SIGHUP.
 */
#include "postgres.h"

#include "utils/guc.h"

#include "net/url_check.h"
#include "pg/venue/settings.h"

char	   *bifrost_okx_base_url = NULL;
char	   *bifrost_ibkr_base_url = NULL;
int			bifrost_http_timeout_ms = BIFROST_DEFAULT_HTTP_TIMEOUT_MS;
bool		bifrost_okx_demo = false;

/*
 * Signed requests go to these URLs: https to any host, plain http only to
 * this machine's loopback names (the test mocks), and nothing that hides the
 * real host (url_check_base).  '' leaves the venue unconfigured.
 */
static bool
check_base_url(char **newval, void **extra, GucSource source)
{
	char		why[URL_CHECK_WHY_MAX];

	if (*newval == NULL || (*newval)[0] == '\0')
		return true;
	if (url_check_base(*newval, why, sizeof(why)))
		return true;
	GUC_check_errdetail("%s", why);
	GUC_check_errhint("Write the URL as https://host[:port][/path], or http://127.0.0.1, http://localhost or http://[::1] for a local test server.");
	return false;
}

void
venue_define_settings(void)
{
	DefineCustomStringVariable("bifrost.okx_base_url",
							   "Base URL of the OKX v5 REST API.",
							   NULL, &bifrost_okx_base_url, "https://www.okx.com",
							   PGC_SIGHUP, 0, check_base_url, NULL, NULL);
	DefineCustomStringVariable("bifrost.ibkr_base_url",
							   "Base URL of the IBKR Client Portal Web API.",
							   NULL, &bifrost_ibkr_base_url, "https://localhost:5000/v1/api",
							   PGC_SIGHUP, 0, check_base_url, NULL, NULL);
	DefineCustomIntVariable("bifrost.http_timeout_ms",
							"Timeout of every HTTP transfer to a broker or data source.",
							NULL, &bifrost_http_timeout_ms, BIFROST_DEFAULT_HTTP_TIMEOUT_MS,
							BIFROST_MIN_HTTP_TIMEOUT_MS, BIFROST_MAX_HTTP_TIMEOUT_MS,
							PGC_SIGHUP, GUC_UNIT_MS, NULL, NULL, NULL);
	DefineCustomBoolVariable("bifrost.okx_demo",
							 "Sends OKX requests to demo trading (header x-simulated-trading: 1).",
							 NULL, &bifrost_okx_demo, false,
							 PGC_SIGHUP, 0, NULL, NULL, NULL);
}
