/*
 * quote_source.c: the backtest's quotes out of bifrost.ticks and
 * bifrost.market_data (quote_source.h).
 *
 * Why a direct index scan: a backtest wants millions of quotes a second.
 * The rows come from the table's btree in (symbol, ts) order through
 * index_getnext_slot, and their numeric prices are read from the stored
 * bytes (numeric_double.h), never printed and parsed as an SQL cast would;
 * bench/bench_quote_source.sh measures this against the same rows through
 * the executor with ::float8.  Skipping the executor means doing what it
 * would: the relations are found by name in schema bifrost (whatever the
 * search_path), checked to be what the schema says (a btree on the expected
 * columns, the columns of the expected types), read under the caller's
 * SELECT privilege with the caller's snapshot, and refused under row-level
 * security, which the scan could not apply.
 *
 * Equal times.  The btree keeps rows of equal (symbol, ts) in heap order, not
 * in id order, and the replay feed hands ticks out in (ts, id) order.  Rows
 * are read a batch ahead: the rows of the last ts of a batch wait for the
 * next batch (more of them may follow), and each run of equal ts is sorted by
 * id before it leaves.  A run that fills the whole batch goes through a
 * tuplesort instead, which spills to disk past work_mem, so memory stays
 * bounded however many ticks share a time.
 */
#include "postgres.h"

#include <math.h>
#include <stdlib.h>

#include "access/genam.h"
#include "access/skey.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/pg_am_d.h"
#include "catalog/pg_class_d.h"
#include "catalog/pg_operator_d.h"
#include "catalog/pg_type_d.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/snapmgr.h"
#include "utils/tuplesort.h"

#include "engine/tick_quote.h"
#include "pg/backtest/quote_source.h"
#include "pg/common/monotonic.h"
#include "pg/common/numeric_double.h"

#define QS_SCHEMA "bifrost"
/* Microseconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
#define QS_UNIX_OFFSET_USECS INT64CONST(946684800000000)
/* 2^62: microseconds below it in magnitude leave room in int64 for the offset. */
#define QS_INT64_HALF 4611686018427387904.0
/* The largest integer up to which every integer is an exact double. */
#define QS_EXACT_INT_MAX (UINT64CONST(1) << 53)

typedef enum quote_source_kind
{
	QS_TICKS,
	QS_CANDLES
} quote_source_kind;

/* A column the source reads (or filters on, for the privilege check). */
typedef struct column_spec
{
	const char *name;
	Oid			type;
} column_spec;

enum
{
	TICK_ID, TICK_SYMBOL, TICK_TS, TICK_BID, TICK_ASK, TICK_LAST, TICK_NCOLUMNS
};
static const column_spec tick_columns[TICK_NCOLUMNS] = {
	{"id", INT8OID}, {"symbol", TEXTOID}, {"ts", TIMESTAMPTZOID},
	{"bid", NUMERICOID}, {"ask", NUMERICOID}, {"last", NUMERICOID}
};
/* ticks_symbol_ts_idx: (symbol, ts) */
static const int tick_index_columns[] = {TICK_SYMBOL, TICK_TS};

enum
{
	CANDLE_SYMBOL, CANDLE_TIMEFRAME, CANDLE_TS, CANDLE_CLOSE, CANDLE_CONFIRMED, CANDLE_NCOLUMNS
};
static const column_spec candle_columns[CANDLE_NCOLUMNS] = {
	{"symbol", TEXTOID}, {"timeframe", TEXTOID}, {"ts", TIMESTAMPTZOID},
	{"close", NUMERICOID}, {"confirmed", BOOLOID}
};
/* market_data_symbol_timeframe_ts_key: (symbol, timeframe, ts) */
static const int candle_index_columns[] = {CANDLE_SYMBOL, CANDLE_TIMEFRAME, CANDLE_TS};

#define QS_MAX_COLUMNS 6
#define QS_MAX_KEYS 4

/* A tick as read: its time as stored (runs of equal ts compare it exactly) and its quote. */
typedef struct tick_row
{
	TimestampTz ts;
	int64		id;
	double		bid;
	double		ask;
} tick_row;

struct quote_source
{
	quote_source_kind kind;
	MemoryContext mcxt;			/* the source and its scan */
	const char *table;
	Relation	heap;
	Relation	index;
	Snapshot	snapshot;
	IndexScanDesc scan;
	TupleTableSlot *slot;
	ScanKeyData keys[QS_MAX_KEYS];
	AttrNumber	attnum[QS_MAX_COLUMNS]; /* heap column of each column_spec */
	int			last_attnum;	/* deform the heap row up to this column */
	bool		scan_done;
	TimestampTz from_ts;
	TimestampTz to_ts;

	/* candles */
	int64		bar_usecs;
	double		bid_factor;
	double		ask_factor;

	/*
	 * ticks: rows[head, ready) may leave, rows[ready, nrows) are the run of
	 * the batch's last ts, held back until the run is complete
	 */
	tick_row   *rows;
	int			nrows;
	int			head;
	int			ready;
	/* a run of equal ts longer than a batch, sorted by id */
	Tuplesortstate *run_sort;
	TupleDesc	run_desc;
	TupleTableSlot *run_slot;
	TimestampTz run_ts;

	int64		rows_read;
	double		seconds;		/* spent inside the source, monotonic clock */
};

/* ---- times ---- */

double
quote_source_epoch(TimestampTz t)
{
	uint64		usecs;
	bool		neg;
	char		text[64];

	if (TIMESTAMP_IS_NOBEGIN(t))
		return -INFINITY;
	if (TIMESTAMP_IS_NOEND(t))
		return INFINITY;
	/* microseconds since 1970 as a magnitude and a sign, without overflow */
	if (t >= -QS_UNIX_OFFSET_USECS)
	{
		usecs = (uint64) t + (uint64) QS_UNIX_OFFSET_USECS;
		neg = false;
	}
	else
	{
		usecs = (uint64) (-(t + QS_UNIX_OFFSET_USECS));
		neg = true;
	}
	/* an exact integer divided once: rounded once, as the cast of the exact numeric is */
	if (usecs <= QS_EXACT_INT_MAX)
	{
		double		v = (double) usecs / 1e6;

		return neg ? -v : v;
	}
	/* past 285 years from 1970: the decimal text, as extract(epoch)::float8 parses it */
	snprintf(text, sizeof(text), "%s" UINT64_FORMAT ".%06d", neg ? "-" : "",
			 usecs / UINT64CONST(1000000), (int) (usecs % UINT64CONST(1000000)));
	return strtod(text, NULL);
}

TimestampTz
quote_source_timestamptz(double epoch)
{
	double		unix_usecs = epoch * 1e6;
	int64		guess;

	if (isnan(epoch))
		elog(ERROR, "bifrost: an epoch of NaN has no timestamptz");
	if (fabs(unix_usecs) < QS_INT64_HALF)
		guess = (int64) rint(unix_usecs) - QS_UNIX_OFFSET_USECS;
	else
	{
		/* near the ends of timestamptz, and the infinities */
		double		pg_usecs = unix_usecs - (double) QS_UNIX_OFFSET_USECS;

		if (!(pg_usecs > -2 * QS_INT64_HALF))
			return DT_NOBEGIN;
		if (!(pg_usecs < 2 * QS_INT64_HALF))
			return DT_NOEND;
		guess = (int64) rint(pg_usecs);
	}

	/*
	 * epoch * 1e6 is rounded, so the instant may be one microsecond off: the
	 * one whose epoch is epoch.  Within 2^33 s of 1970 (1698 to 2242) a
	 * double holds every microsecond and one of the three is it; further
	 * away several share a double, and the nearest stands for them.
	 */
	if (quote_source_epoch(guess) != epoch)
	{
		if (quote_source_epoch(guess - 1) == epoch)
			guess--;
		else if (quote_source_epoch(guess + 1) == epoch)
			guess++;
	}
	/* the nearest instant timestamptz can hold */
	return Min(Max(guess, MIN_TIMESTAMP), END_TIMESTAMP - 1);
}

int
quote_source_bar_seconds(const char *timeframe)
{
	if (strcmp(timeframe, "15m") == 0)
		return 900;
	if (strcmp(timeframe, "1h") == 0)
		return 3600;
	if (strcmp(timeframe, "4h") == 0)
		return 14400;
	if (strcmp(timeframe, "1d") == 0)
		return 86400;
	return 0;
}

/* ---- opening: the relations, checked as the executor would ---- */

static Oid
relation_oid(Oid nsp, const char *name, const char *what)
{
	Oid			relid = get_relname_relid(name, nsp);

	if (!OidIsValid(relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("%s %s.%s does not exist", what, QS_SCHEMA, name),
				 errhint("SELECT * FROM bifrost_self_check() WHERE NOT ok; lists what the schema misses.")));
	return relid;
}

/*
 * Opens the table and its index, finds the columns and checks what a query
 * would: the caller's SELECT on them, no row-level security.
 */
static void
open_relations(quote_source *s, const char *table, const char *index,
			   const column_spec *columns, int ncolumns, const int *index_columns, int nkeys)
{
	Oid			nsp = get_namespace_oid(QS_SCHEMA, false);
	Oid			relid = relation_oid(nsp, table, "table");
	Oid			indexid = relation_oid(nsp, index, "index");
	TupleDesc	desc;
	bool		whole_table;

	s->table = table;
	s->heap = table_open(relid, AccessShareLock);
	if (s->heap->rd_rel->relkind != RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s.%s is not a table", QS_SCHEMA, table)));
	desc = RelationGetDescr(s->heap);
	whole_table = pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) == ACLCHECK_OK;
	for (int i = 0; i < ncolumns; i++)
	{
		AttrNumber	att = get_attnum(relid, columns[i].name);

		if (att <= 0 || TupleDescAttr(desc, att - 1)->atttypid != columns[i].type)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column %s of %s.%s is missing or not of type %s",
							columns[i].name, QS_SCHEMA, table, format_type_be(columns[i].type)),
					 errhint("SELECT * FROM bifrost_self_check() WHERE NOT ok; lists what the schema misses.")));
		if (!whole_table && pg_attribute_aclcheck(relid, att, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
			aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLE, table);
		s->attnum[i] = att;
		s->last_attnum = Max(s->last_attnum, att);
	}
	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("the backtest cannot read %s.%s under row-level security", QS_SCHEMA, table),
				 errhint("Run the backtest as a role that bypasses its policies, or disable row-level security on the table.")));

	s->index = index_open(indexid, AccessShareLock);
	if (s->index->rd_index->indrelid != relid || s->index->rd_rel->relam != BTREE_AM_OID ||
		!s->index->rd_index->indisvalid || IndexRelationGetNumberOfKeyAttributes(s->index) < nkeys ||
		RelationGetIndexExpressions(s->index) != NIL || RelationGetIndexPredicate(s->index) != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("index %s.%s is not the btree on %s.%s the schema defines", QS_SCHEMA, index, QS_SCHEMA, table),
				 errhint("SELECT * FROM bifrost_self_check() WHERE NOT ok; lists what the schema misses.")));
	for (int k = 0; k < nkeys; k++)
		if (s->index->rd_index->indkey.values[k] != s->attnum[index_columns[k]])
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("index %s.%s does not have column %s in position %d", QS_SCHEMA, index,
							columns[index_columns[k]].name, k + 1)));
}

/* Scan key number n on index column col (1-based): column <strategy> arg, by the index's own operator. */
static void
set_key(quote_source *s, int n, int col, StrategyNumber strategy, Oid type, Datum arg)
{
	Oid			opno = get_opfamily_member(s->index->rd_opfamily[col - 1], type, type, strategy);

	if (!OidIsValid(opno))
		elog(ERROR, "bifrost: index %s has no operator of strategy %d for %s",
			 RelationGetRelationName(s->index), strategy, format_type_be(type));
	ScanKeyEntryInitialize(&s->keys[n], 0, col, strategy, type, s->index->rd_indcollation[col - 1],
						   get_opcode(opno), arg);
}

static quote_source *
source_new(quote_source_kind kind, TimestampTz from_ts, TimestampTz to_ts)
{
	MemoryContext mcxt = AllocSetContextCreate(CurrentMemoryContext, "bifrost quote source",
											   ALLOCSET_DEFAULT_SIZES);
	quote_source *s = MemoryContextAllocZero(mcxt, sizeof(quote_source));

	if (!ActiveSnapshotSet())
		elog(ERROR, "bifrost: a quote source needs an active snapshot");
	if (!(from_ts < to_ts))
		elog(ERROR, "bifrost: a quote source needs from_ts before to_ts");
	s->kind = kind;
	s->mcxt = mcxt;
	s->from_ts = from_ts;
	s->to_ts = to_ts;
	return s;
}

/* Begins the index scan on the keys set; the snapshot is the caller's, kept until close. */
static void
begin_scan(quote_source *s, int nkeys)
{
	s->snapshot = RegisterSnapshot(GetActiveSnapshot());
	s->scan = index_beginscan(s->heap, s->index, s->snapshot, nkeys, 0);
	index_rescan(s->scan, s->keys, nkeys, NULL, 0);
	s->slot = table_slot_create(s->heap, NULL);
}

quote_source *
quote_source_open_ticks(const char *symbol, TimestampTz from_ts, TimestampTz to_ts)
{
	double		started = monotonic_now();
	quote_source *s = source_new(QS_TICKS, from_ts, to_ts);
	MemoryContext old = MemoryContextSwitchTo(s->mcxt);

	open_relations(s, "ticks", "ticks_symbol_ts_idx", tick_columns, TICK_NCOLUMNS,
				   tick_index_columns, lengthof(tick_index_columns));
	set_key(s, 0, 1, BTEqualStrategyNumber, TEXTOID, CStringGetTextDatum(symbol));

	/*
	 * The btree positions the scan on the first row at or after from_ts (on
	 * the symbol's first row for -infinity); the end, to_ts, is checked on
	 * each row as it is read (next_tick): the btree checks every key of a
	 * scan on every row, and a key costs as much as the rest of a row.
	 */
	if (TIMESTAMP_IS_NOBEGIN(from_ts))
		begin_scan(s, 1);
	else
	{
		set_key(s, 1, 2, BTGreaterEqualStrategyNumber, TIMESTAMPTZOID, TimestampTzGetDatum(from_ts));
		begin_scan(s, 2);
	}
	s->rows = palloc(sizeof(tick_row) * QUOTE_SOURCE_BATCH);
	MemoryContextSwitchTo(old);
	s->seconds += monotonic_now() - started;
	return s;
}

quote_source *
quote_source_open_candles(const char *symbol, const char *timeframe, double spread_bps,
						  TimestampTz from_ts, TimestampTz to_ts)
{
	double		started = monotonic_now();
	int			bar_seconds = quote_source_bar_seconds(timeframe);
	quote_source *s;
	MemoryContext old;
	int			nkeys = 2;

	if (bar_seconds == 0 || !(spread_bps >= 0 && spread_bps < 20000))
		elog(ERROR, "bifrost: a candle source needs a known timeframe and a spread in [0, 20000) bps");
	s = source_new(QS_CANDLES, from_ts, to_ts);
	old = MemoryContextSwitchTo(s->mcxt);
	s->bar_usecs = (int64) bar_seconds * USECS_PER_SEC;
	s->bid_factor = 1.0 - spread_bps / 20000.0;
	s->ask_factor = 1.0 + spread_bps / 20000.0;
	open_relations(s, "market_data", "market_data_symbol_timeframe_ts_key", candle_columns,
				   CANDLE_NCOLUMNS, candle_index_columns, lengthof(candle_index_columns));
	set_key(s, 0, 1, BTEqualStrategyNumber, TEXTOID, CStringGetTextDatum(symbol));
	set_key(s, 1, 2, BTEqualStrategyNumber, TEXTOID, CStringGetTextDatum(timeframe));

	/*
	 * A bar closes a bar length after it opens: its close lies in [from, to)
	 * when it opens in [from - bar, to - bar).  An open end stays open (a
	 * finite bound minus a day cannot overflow int64).
	 */
	if (!TIMESTAMP_NOT_FINITE(from_ts))
		set_key(s, nkeys++, 3, BTGreaterEqualStrategyNumber, TIMESTAMPTZOID,
				TimestampTzGetDatum(from_ts - s->bar_usecs));
	if (!TIMESTAMP_NOT_FINITE(to_ts))
		set_key(s, nkeys++, 3, BTLessStrategyNumber, TIMESTAMPTZOID,
				TimestampTzGetDatum(to_ts - s->bar_usecs));
	begin_scan(s, nkeys);
	MemoryContextSwitchTo(old);
	s->seconds += monotonic_now() - started;
	return s;
}

/* ---- ticks ---- */

/* The quote of the tick in the scan's slot (quote_source.h: a missing side). */
static void
read_tick(quote_source *s, tick_row *r)
{
	Datum	   *v;
	bool	   *null;
	bool		has_bid,
				has_ask,
				has_last;
	double		last;

	slot_getsomeattrs(s->slot, s->last_attnum);
	v = s->slot->tts_values;
	null = s->slot->tts_isnull;
	r->id = DatumGetInt64(v[s->attnum[TICK_ID] - 1]);
	r->ts = DatumGetTimestampTz(v[s->attnum[TICK_TS] - 1]);
	has_bid = !null[s->attnum[TICK_BID] - 1];
	has_ask = !null[s->attnum[TICK_ASK] - 1];
	has_last = !null[s->attnum[TICK_LAST] - 1];
	r->bid = has_bid ? numeric_datum_to_double(v[s->attnum[TICK_BID] - 1]) : NAN;
	r->ask = has_ask ? numeric_datum_to_double(v[s->attnum[TICK_ASK] - 1]) : NAN;
	if (has_bid && has_ask)
		return;
	last = has_last ? numeric_datum_to_double(v[s->attnum[TICK_LAST] - 1]) : NAN;
	tick_quote_complete(&r->bid, &r->ask, last);
}

static bool
next_tick(quote_source *s, tick_row *r)
{
	if (s->scan_done)
		return false;
	if (!index_getnext_slot(s->scan, ForwardScanDirection, s->slot))
	{
		s->scan_done = true;
		return false;
	}
	read_tick(s, r);
	/* the end of the range is checked here, not by the btree (quote_source_open_ticks) */
	if (r->ts >= s->to_ts)
	{
		s->scan_done = true;
		return false;
	}
	s->rows_read++;
	return true;
}

static int
tick_id_cmp(const void *a, const void *b)
{
	int64		x = ((const tick_row *) a)->id;
	int64		y = ((const tick_row *) b)->id;

	return x < y ? -1 : x > y;
}

/* Sorts each run of equal ts among rows[0, n) by id. */
static void
sort_equal_runs(tick_row *rows, int n)
{
	for (int i = 1; i < n; i++)
	{
		int			end;

		if (rows[i].ts != rows[i - 1].ts)
			continue;
		end = i + 1;
		while (end < n && rows[end].ts == rows[i].ts)
			end++;
		qsort(rows + i - 1, end - (i - 1), sizeof(tick_row), tick_id_cmp);
		i = end;
	}
}

/* The next batch behind the run held back; what may leave is rows[0, ready). */
static void
refill_ticks(quote_source *s)
{
	int			held = s->nrows - s->ready;

	CHECK_FOR_INTERRUPTS();
	if (held > 0 && s->ready > 0)
		memmove(s->rows, s->rows + s->ready, sizeof(tick_row) * held);
	s->nrows = held;
	s->head = 0;
	while (s->nrows < QUOTE_SOURCE_BATCH && next_tick(s, &s->rows[s->nrows]))
		s->nrows++;
	s->ready = s->nrows;
	if (!s->scan_done)
		while (s->ready > 0 && s->rows[s->ready - 1].ts == s->rows[s->nrows - 1].ts)
			s->ready--;
	sort_equal_runs(s->rows, s->ready);
}

static void
run_sort_put(quote_source *s, const tick_row *r)
{
	TupleTableSlot *slot = s->run_slot;

	ExecClearTuple(slot);
	slot->tts_values[0] = Int64GetDatum(r->id);
	slot->tts_values[1] = Float8GetDatum(r->bid);
	slot->tts_values[2] = Float8GetDatum(r->ask);
	slot->tts_isnull[0] = slot->tts_isnull[1] = slot->tts_isnull[2] = false;
	ExecStoreVirtualTuple(slot);
	tuplesort_puttupleslot(s->run_sort, slot);
}

/*
 * The whole batch is one ts and more may follow: the run goes through a
 * tuplesort by id.  The first row after it starts the next batch.
 */
static void
begin_run_sort(quote_source *s)
{
	MemoryContext old = MemoryContextSwitchTo(s->mcxt);
	AttrNumber	sort_column = 1;
	Oid			sort_operator = Int8LessOperator;
	Oid			collation = InvalidOid;
	bool		nulls_first = false;
	tick_row	r;

	if (s->run_desc == NULL)
	{
		s->run_desc = CreateTemplateTupleDesc(3);
		TupleDescInitEntry(s->run_desc, 1, "id", INT8OID, -1, 0);
		TupleDescInitEntry(s->run_desc, 2, "bid", FLOAT8OID, -1, 0);
		TupleDescInitEntry(s->run_desc, 3, "ask", FLOAT8OID, -1, 0);
		s->run_slot = MakeSingleTupleTableSlot(s->run_desc, &TTSOpsMinimalTuple);
	}
	s->run_sort = tuplesort_begin_heap(s->run_desc, 1, &sort_column, &sort_operator, &collation,
									   &nulls_first, work_mem, NULL, TUPLESORT_NONE);
	s->run_ts = s->rows[0].ts;
	for (int i = 0; i < s->nrows; i++)
		run_sort_put(s, &s->rows[i]);
	s->nrows = s->head = s->ready = 0;
	while (next_tick(s, &r))
	{
		if (r.ts != s->run_ts)
		{
			s->rows[s->nrows++] = r;
			break;
		}
		run_sort_put(s, &r);
		if (s->rows_read % QUOTE_SOURCE_BATCH == 0)
			CHECK_FOR_INTERRUPTS();
	}
	tuplesort_performsort(s->run_sort);
	MemoryContextSwitchTo(old);
}

/* Quotes out of the sorted run; ends it when it is empty. */
static int
next_from_run_sort(quote_source *s, backtest_source_quote *out, int max)
{
	double		ts = quote_source_epoch(s->run_ts);
	int			n = 0;

	while (n < max && tuplesort_gettupleslot(s->run_sort, true, false, s->run_slot, NULL))
	{
		slot_getallattrs(s->run_slot);
		out[n].ts = ts;
		out[n].bid = DatumGetFloat8(s->run_slot->tts_values[1]);
		out[n].ask = DatumGetFloat8(s->run_slot->tts_values[2]);
		n++;
	}
	if (n < max)
	{
		tuplesort_end(s->run_sort);
		s->run_sort = NULL;
	}
	return n;
}

static int
next_ticks(quote_source *s, backtest_source_quote *out, int max)
{
	int			n = 0;

	while (n < max)
	{
		if (s->run_sort != NULL)
			n += next_from_run_sort(s, out + n, max - n);
		else if (s->head < s->ready)
		{
			int			take = Min(s->ready - s->head, max - n);

			for (int i = 0; i < take; i++)
			{
				const tick_row *r = &s->rows[s->head + i];

				out[n + i].ts = quote_source_epoch(r->ts);
				out[n + i].bid = r->bid;
				out[n + i].ask = r->ask;
			}
			s->head += take;
			n += take;
		}
		else if (s->scan_done && s->head >= s->nrows)
			break;
		else
		{
			refill_ticks(s);
			if (s->ready == 0 && !s->scan_done)
				begin_run_sort(s);
		}
	}
	return n;
}

/* ---- candles ---- */

static int
next_candles(quote_source *s, backtest_source_quote *out, int max)
{
	int			n = 0;

	while (n < max && !s->scan_done)
	{
		Datum	   *v;
		bool	   *null;
		TimestampTz open;
		TimestampTz close;
		double		price;

		if (!index_getnext_slot(s->scan, ForwardScanDirection, s->slot))
		{
			s->scan_done = true;
			break;
		}
		if (++s->rows_read % QUOTE_SOURCE_BATCH == 0)
			CHECK_FOR_INTERRUPTS();
		slot_getsomeattrs(s->slot, s->last_attnum);
		v = s->slot->tts_values;
		null = s->slot->tts_isnull;
		if (null[s->attnum[CANDLE_CONFIRMED] - 1] || !DatumGetBool(v[s->attnum[CANDLE_CONFIRMED] - 1]))
			continue;
		open = DatumGetTimestampTz(v[s->attnum[CANDLE_TS] - 1]);
		close = TIMESTAMP_NOT_FINITE(open) ? open : open + s->bar_usecs;
		if (close < s->from_ts || close >= s->to_ts)
			continue;
		price = numeric_datum_to_double(v[s->attnum[CANDLE_CLOSE] - 1]);
		out[n].ts = quote_source_epoch(close);
		out[n].bid = price * s->bid_factor;
		out[n].ask = price * s->ask_factor;
		n++;
	}
	return n;
}

/* ---- the interface ---- */

int
quote_source_next(quote_source *s, backtest_source_quote *out, int max)
{
	double		started = monotonic_now();
	MemoryContext old;
	int			n;

	CHECK_FOR_INTERRUPTS();
	if (max <= 0)
		return 0;
	/* the scan may allocate as it goes: in the source's context, which lives as long as it */
	old = MemoryContextSwitchTo(s->mcxt);
	n = s->kind == QS_TICKS ? next_ticks(s, out, max) : next_candles(s, out, max);
	MemoryContextSwitchTo(old);
	s->seconds += monotonic_now() - started;
	return n;
}

int64
quote_source_rows_read(const quote_source *s)
{
	return s->rows_read;
}

void
quote_source_close(quote_source *s)
{
	double		started = monotonic_now();

	if (s->run_sort != NULL)
		tuplesort_end(s->run_sort);
	if (s->run_slot != NULL)
		ExecDropSingleTupleTableSlot(s->run_slot);
	ExecDropSingleTupleTableSlot(s->slot);
	index_endscan(s->scan);
	/* the locks stay until the transaction ends, as a query's do */
	index_close(s->index, NoLock);
	table_close(s->heap, NoLock);
	UnregisterSnapshot(s->snapshot);
	s->seconds += monotonic_now() - started;
	elog(DEBUG1, "bifrost: quote source read " INT64_FORMAT " rows of %s.%s in %.6f s (%.0f rows/s)",
		 s->rows_read, QS_SCHEMA, s->table, s->seconds,
		 s->seconds > 0 ? (double) s->rows_read / s->seconds : 0.0);
	MemoryContextDelete(s->mcxt);
}
