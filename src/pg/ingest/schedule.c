/*
 * schedule.c: the text of bifrost.ingest_schedule into requests.
 *
 *     okx:BTC-USDT-SWAP:ohlcv:1h, okx:BTC-USDT-SWAP:funding_rate
 *
 * Each entry is source:symbol:data_type, with :timeframe for ohlcv (the bar)
 * and optionally for long_short_ratio (the period), checked exactly as
 * bifrost_ingest() checks its arguments.  Used by the setting's check hook,
 * so a bad schedule is refused by ALTER SYSTEM and by a reload, naming the
 * entry, and never reaches the worker.  Touches no catalog.
 */
#include "postgres.h"

#include <ctype.h>

#include "pg/ingest/ingest.h"

#define ENTRY_MAX 160
#define FIELDS_MAX 4

/* Copies s[0..len) without surrounding blanks into buf (false when too long). */
static bool
trimmed(const char *s, size_t len, char *buf, size_t size)
{
	while (len > 0 && isspace((unsigned char) *s))
		s++, len--;
	while (len > 0 && isspace((unsigned char) s[len - 1]))
		len--;
	if (len >= size)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

static bool
same_request(const ingest_request *a, const ingest_request *b)
{
	return a->type == b->type && strcmp(a->symbol, b->symbol) == 0 && a->tf == b->tf;
}

/* One entry into req; false with the reason in errbuf. */
static bool
parse_entry(char *entry, int number, ingest_request *req, char *errbuf, size_t errlen)
{
	char	   *fields[FIELDS_MAX] = {NULL, NULL, NULL, NULL};
	char		shown[ENTRY_MAX];
	int			n = 0;
	const char *bad;
	const char *hint;
	char	   *p = entry;

	strlcpy(shown, entry, sizeof(shown));
	for (;;)
	{
		char	   *colon = strchr(p, ':');

		if (n == FIELDS_MAX)
		{
			snprintf(errbuf, errlen, "Entry %d \"%s\" has more than %d fields; the form is source:symbol:data_type[:timeframe].",
					 number, shown, FIELDS_MAX);
			return false;
		}
		fields[n++] = p;
		if (colon == NULL)
			break;
		*colon = '\0';
		p = colon + 1;
	}
	if (n < 3)
	{
		snprintf(errbuf, errlen, "Entry %d \"%s\" has %d field%s; the form is source:symbol:data_type[:timeframe].",
				 number, shown, n, n == 1 ? "" : "s");
		return false;
	}
	bad = ingest_request_init(req, fields[0], fields[1], fields[2], fields[3], &hint);
	if (bad != NULL)
	{
		const char *value = strcmp(bad, "source") == 0 ? fields[0] :
			strcmp(bad, "symbol") == 0 ? fields[1] :
			strcmp(bad, "data_type") == 0 ? fields[2] : fields[3];

		snprintf(errbuf, errlen, "Entry %d \"%s\": invalid %s \"%s\". %s", number, shown, bad,
				 value ? value : "(none)", hint ? hint : "");
		return false;
	}
	return true;
}

bool
ingest_schedule_parse(const char *text, ingest_schedule *out, char *errbuf, size_t errlen)
{
	const char *p = text ? text : "";

	out->n = 0;
	errbuf[0] = '\0';
	/* '' or only blanks: nothing scheduled */
	while (isspace((unsigned char) *p))
		p++;
	if (*p == '\0')
		return true;

	for (int number = 1;; number++)
	{
		const char *comma = strchr(p, ',');
		size_t		len = comma ? (size_t) (comma - p) : strlen(p);
		char		entry[ENTRY_MAX];
		ingest_request *req = &out->entries[out->n];

		if (!trimmed(p, len, entry, sizeof(entry)))
		{
			snprintf(errbuf, errlen, "Entry %d is longer than %d characters.", number, ENTRY_MAX - 1);
			return false;
		}
		if (entry[0] == '\0')
		{
			snprintf(errbuf, errlen, "Entry %d is empty; separate entries with one comma.", number);
			return false;
		}
		if (out->n == INGEST_MAX_SCHEDULE)
		{
			snprintf(errbuf, errlen, "Entry %d is one too many: at most %d entries.", number, INGEST_MAX_SCHEDULE);
			return false;
		}
		if (!parse_entry(entry, number, req, errbuf, errlen))
			return false;
		for (int i = 0; i < out->n; i++)
			if (same_request(&out->entries[i], req))
			{
				trimmed(p, len, entry, sizeof(entry));
				snprintf(errbuf, errlen, "Entry %d \"%s\" repeats entry %d.", number, entry, i + 1);
				return false;
			}
		out->n++;
		if (comma == NULL)
			return true;
		p = comma + 1;
	}
}
