/*
 * request.c: what may be ingested (ingest.h): the check of a request, the
 * same for bifrost_ingest()'s arguments and the schedule's entries, and its
 * label.  Raises no PostgreSQL error: the schedule's check hook uses it.
 */
#include "postgres.h"

#include "pg/ingest/ingest.h"

#define DATA_TYPES_HINT "Data types: ohlcv, funding_rate, price_snapshot, open_interest, long_short_ratio."

const char *const ingest_data_type_names[] = {
	"ohlcv", "funding_rate", "price_snapshot", "open_interest", "long_short_ratio"
};

/* OKX bars: daily ones aligned to UTC midnight (plain 1D opens at 16:00 UTC). */
static const ingest_timeframe candle_bars[] = {
	{"15m", "15m", 15 * 60 * 1000LL},
	{"1h", "1H", 60 * 60 * 1000LL},
	{"4h", "4H", 4 * 60 * 60 * 1000LL},
	{"1d", "1Dutc", 24 * 60 * 60 * 1000LL},
};

/* Periods of the long/short account ratio; 5m is OKX's default. */
static const ingest_timeframe ratio_periods[] = {
	{"5m", "5m", 5 * 60 * 1000LL},
	{"1h", "1H", 60 * 60 * 1000LL},
	{"1d", "1D", 24 * 60 * 60 * 1000LL},
};

/* Instrument ids are letters, digits and dashes: nothing else reaches a URL. */
static bool
valid_inst_id(const char *s)
{
	size_t		len = strlen(s);

	if (len == 0 || len >= INGEST_SYMBOL_SIZE || s[0] == '-' || s[len - 1] == '-' || strstr(s, "--"))
		return false;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return false;
	return true;
}

static bool
is_swap(const char *inst)
{
	size_t		len = strlen(inst);

	return len > 5 && strcmp(inst + len - 5, "-SWAP") == 0;
}

/* Spot pairs are BASE-QUOTE; every derivative has a third part (SWAP, an expiry, ...). */
static bool
is_derivative(const char *inst)
{
	const char *dash = strchr(inst, '-');

	return dash != NULL && strchr(dash + 1, '-') != NULL;
}

static const ingest_timeframe *
find_timeframe(const ingest_timeframe *list, size_t n, const char *name)
{
	for (size_t i = 0; name && i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return &list[i];
	return NULL;
}

const char *
ingest_request_init(ingest_request *req, const char *source, const char *symbol,
					const char *data_type, const char *timeframe, const char **hint)
{
	int			type = -1;

	memset(req, 0, sizeof(*req));
	*hint = NULL;
	if (source == NULL || strcmp(source, "okx") != 0)
	{
		*hint = "The only source is okx.";
		return "source";
	}
	if (symbol == NULL || !valid_inst_id(symbol))
	{
		*hint = "Use the venue's instrument id, e.g. BTC-USDT-SWAP.";
		return "symbol";
	}
	strlcpy(req->symbol, symbol, sizeof(req->symbol));
	for (int i = 0; data_type && i < (int) lengthof(ingest_data_type_names); i++)
		if (strcmp(ingest_data_type_names[i], data_type) == 0)
			type = i;
	if (type < 0)
	{
		*hint = DATA_TYPES_HINT;
		return "data_type";
	}
	req->type = (ingest_data_type) type;

	switch (req->type)
	{
		case INGEST_OHLCV:
			req->tf = find_timeframe(candle_bars, lengthof(candle_bars), timeframe);
			if (req->tf == NULL)
			{
				*hint = "Candle timeframes are 15m, 1h, 4h and 1d.";
				return "timeframe";
			}
			return NULL;
		case INGEST_LONG_SHORT_RATIO:
			req->tf = find_timeframe(ratio_periods, lengthof(ratio_periods), timeframe ? timeframe : "5m");
			if (req->tf == NULL)
			{
				*hint = "The long/short ratio comes in periods of 5m (the default), 1h and 1d.";
				return "timeframe";
			}
			return NULL;
		default:
			break;
	}
	if (timeframe != NULL)
	{
		*hint = "Only ohlcv (the bar) and long_short_ratio (the period) take a timeframe; pass NULL.";
		return "timeframe";
	}
	if (req->type == INGEST_FUNDING_RATE && !is_swap(symbol))
	{
		*hint = "Funding rates exist for perpetual swaps only, e.g. BTC-USDT-SWAP.";
		return "symbol";
	}
	if (req->type == INGEST_OPEN_INTEREST && !is_derivative(symbol))
	{
		*hint = "Open interest exists for swaps, futures and options, e.g. BTC-USDT-SWAP.";
		return "symbol";
	}
	return NULL;
}

void
ingest_request_label(const ingest_request *req, char *buf, size_t len)
{
	snprintf(buf, len, "okx %s %s%s%s", req->symbol, ingest_data_type_names[req->type],
			 req->tf ? " " : "", req->tf ? req->tf->name : "");
}
