/*
 * leg_settlement.c: bifrost.leg_settlements, written and read by the
 * hedger, and the settlements it applies to its legs (leg_settlement.h).
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#include "engine/settlement.h"
#include "pg/common/engine_glue.h"
#include "pg/hedger/hedge_store.h"
#include "pg/hedger/leg_settlement.h"
#include "pg/spi/store.h"

/*
 * Leg expiries reach the hedger through a jsonb snapshot (15 significant
 * digits); one within this many seconds of a stored expiry is that expiry.
 */
#define EXPIRY_MATCH_S 0.001

/* A settlement fixed this long after its expiry had no quote at the expiry. */
#define LATE_SETTLEMENT_S 60.0

typedef struct expiry_settlement
{
	double		expiry;			/* epoch seconds */
	double		price;
	settlement_style style;
} expiry_settlement;

typedef struct settlement_set
{
	expiry_settlement *items;	/* TopMemoryContext, grown, never shrunk */
	int			n;
	int			capacity;
	double		unsettled_from; /* epoch: the first expiry of a leg without its row,
								 * INFINITY when every leg has its row */
} settlement_set;

/* What applies, and what the last load or record read. */
static settlement_set live = {NULL, 0, 0, INFINITY};
static settlement_set staged = {NULL, 0, 0, INFINITY};

static const expiry_settlement *
find_expiry(const settlement_set *set, double expiry)
{
	for (int i = 0; i < set->n; i++)
		if (fabs(set->items[i].expiry - expiry) <= EXPIRY_MATCH_S)
			return &set->items[i];
	return NULL;
}

static void
append(settlement_set *set, double expiry, double price, settlement_style style)
{
	if (set->n == set->capacity)
	{
		int			capacity = Max(8, 2 * set->capacity);

		set->items = set->items
			? repalloc(set->items, sizeof(expiry_settlement) * capacity)
			: MemoryContextAlloc(TopMemoryContext, sizeof(expiry_settlement) * capacity);
		set->capacity = capacity;
	}
	set->items[set->n].expiry = expiry;
	set->items[set->n].price = price;
	set->items[set->n].style = style;
	set->n++;
}

void
leg_settlement_load(const char *symbol)
{
	Oid			types[1] = {TEXTOID};
	Datum		values[1] = {CStringGetTextDatum(symbol)};
	bool		isnull;
	Datum		first;

	staged.n = 0;
	store_exec("SELECT DISTINCT ON (expiry) extract(epoch FROM expiry)::float8, settlement_price, style"
			   " FROM bifrost.leg_settlements WHERE symbol = $1 ORDER BY expiry, leg_id",
			   1, types, values, NULL, SPI_OK_SELECT);
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		settlement_style style = SETTLEMENT_CASH;

		(void) settlement_parse_style(SPI_getvalue(tup, desc, 3), &style);
		append(&staged, DatumGetFloat8(SPI_getbinval(tup, desc, 1, &isnull)),
			   DatumGetFloat8(SPI_getbinval(tup, desc, 2, &isnull)), style);
	}
	/*
	 * Not "expired by now": a load before the first quote (now unknown) or
	 * a leg re-inserted with a new id, whose expiry has already settled,
	 * must still get its row once its expiry has passed.
	 */
	store_exec("SELECT extract(epoch FROM min(l.expiry))::float8 FROM bifrost.legs l"
			   " WHERE l.symbol = $1 AND l.quantity <> 0"
			   "   AND NOT EXISTS (SELECT 1 FROM bifrost.leg_settlements s WHERE s.leg_id = l.id)",
			   1, types, values, NULL, SPI_OK_SELECT);
	first = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull);
	staged.unsettled_from = isnull ? INFINITY : DatumGetFloat8(first);
}

/* A leg expired and not yet settled, as read from bifrost.legs. */
typedef struct unsettled_leg
{
	int64		id;
	engine_leg	leg;
	char	   *expiry_text;
} unsettled_leg;

static int
read_unsettled(const char *symbol, double now, unsettled_leg **out)
{
	Oid			types[2] = {TEXTOID, TIMESTAMPTZOID};
	Datum		values[2] = {CStringGetTextDatum(symbol), TimestampTzGetDatum(epoch_to_timestamptz(now))};
	unsettled_leg *legs;
	int			n;
	bool		isnull;

	store_exec("SELECT l.id, l.option_right, l.strike::float8, extract(epoch FROM l.expiry)::float8,"
			   "   l.quantity::float8, l.multiplier::float8, l.expiry"
			   " FROM bifrost.legs l"
			   " WHERE l.symbol = $1 AND l.quantity <> 0 AND l.expiry <= $2"
			   "   AND NOT EXISTS (SELECT 1 FROM bifrost.leg_settlements s WHERE s.leg_id = l.id)"
			   " ORDER BY l.id",
			   2, types, values, NULL, SPI_OK_SELECT);
	n = (int) SPI_processed;
	legs = palloc0(sizeof(unsettled_leg) * Max(n, 1));
	for (int i = 0; i < n; i++)
	{
		HeapTuple	tup = SPI_tuptable->vals[i];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		engine_leg *l = &legs[i].leg;

		legs[i].id = DatumGetInt64(SPI_getbinval(tup, desc, 1, &isnull));
		l->right = strcmp(SPI_getvalue(tup, desc, 2), "P") == 0 ? BS_PUT : BS_CALL;
		l->strike = DatumGetFloat8(SPI_getbinval(tup, desc, 3, &isnull));
		l->expiry = DatumGetFloat8(SPI_getbinval(tup, desc, 4, &isnull));
		l->quantity = DatumGetFloat8(SPI_getbinval(tup, desc, 5, &isnull));
		l->multiplier = DatumGetFloat8(SPI_getbinval(tup, desc, 6, &isnull));
		l->implied_vol = NAN;
		legs[i].expiry_text = SPI_getvalue(tup, desc, 7);
	}
	*out = legs;
	return n;
}

/* One leg's row and the risk event that tells the operator. */
static void
record_leg(const char *symbol, double now, const unsettled_leg *u)
{
	Oid			types[6] = {INT8OID, TEXTOID, FLOAT8OID, TIMESTAMPTZOID, FLOAT8OID, FLOAT8OID};
	Datum		values[6];
	settled_value v;
	char		details[256];

	settlement_value(&u->leg, u->leg.settlement_price, u->leg.settlement, &v);
	values[0] = Int64GetDatum(u->id);
	values[1] = CStringGetTextDatum(settlement_style_name(u->leg.settlement));
	values[2] = Float8GetDatum(u->leg.settlement_price);
	values[3] = TimestampTzGetDatum(epoch_to_timestamptz(now));
	values[4] = Float8GetDatum(v.value);
	values[5] = Float8GetDatum(v.delta);
	store_exec("INSERT INTO bifrost.leg_settlements (leg_id, symbol, option_right, strike, expiry, quantity,"
			   "   multiplier, style, settlement_price, settled_at, value, delivered_shares)"
			   " SELECT l.id, l.symbol, l.option_right, l.strike, l.expiry, l.quantity, l.multiplier,"
			   "   $2, $3, $4, $5, $6"
			   " FROM bifrost.legs l WHERE l.id = $1"
			   " ON CONFLICT (leg_id) DO NOTHING",
			   6, types, values, NULL, SPI_OK_INSERT);

	snprintf(details, sizeof(details), "leg %lld: %s %g x%g (multiplier %g) expiring %s settled %s at %g: %s %.2f%s",
			 (long long) u->id, u->leg.right == BS_PUT ? "P" : "C", u->leg.strike, u->leg.quantity,
			 u->leg.multiplier, u->expiry_text, settlement_style_name(u->leg.settlement),
			 u->leg.settlement_price, v.exercised ? "worth" : "expired worthless,", v.value,
			 v.delta != 0 ? psprintf(", %g shares delivered", v.delta) : "");
	hstore_risk_event(symbol, now, now - u->leg.expiry > LATE_SETTLEMENT_S ? "warn" : "info",
					  "expiry_settlement", details);
}

int
leg_settlement_record(const char *symbol, double now, double price, settlement_style style)
{
	unsettled_leg *legs;
	int			n;

	/* a leg of an expiry already settled takes that settlement */
	leg_settlement_load(symbol);
	n = read_unsettled(symbol, now, &legs);
	for (int i = 0; i < n; i++)
	{
		const expiry_settlement *fixed = find_expiry(&staged, legs[i].leg.expiry);

		if (fixed == NULL)
		{
			append(&staged, legs[i].leg.expiry, price, style);
			fixed = &staged.items[staged.n - 1];
		}
		legs[i].leg.settlement_price = fixed->price;
		legs[i].leg.settlement = fixed->style;
		record_leg(symbol, now, &legs[i]);
	}
	leg_settlement_load(symbol);
	return n;
}

void
leg_settlement_adopt(void)
{
	settlement_set old = live;

	live = staged;
	/* the old buffer is reused by the next load */
	staged = old;
	staged.n = 0;
}

void
leg_settlement_apply(engine_leg *legs, int n)
{
	for (int i = 0; i < n; i++)
	{
		const expiry_settlement *fixed = find_expiry(&live, legs[i].expiry);

		if (fixed)
		{
			legs[i].settlement_price = fixed->price;
			legs[i].settlement = fixed->style;
		}
	}
}

bool
leg_settlement_due(const engine_leg *legs, int n, double now)
{
	if (live.unsettled_from <= now)
		return true;
	for (int i = 0; i < n; i++)
		if (legs[i].expiry <= now && !settlement_fixed(&legs[i]))
			return true;
	return false;
}
