/*
 * pricing.c: the SQL pricing functions bifrost_bs_price,
 * bifrost_bs_greeks and bifrost_implied_vol (README, SQL API).
 *
 * Thin wrappers around src/engine/bs.c: validate the arguments, call the
 * engine, return.  They are immutable, strict and parallel safe, and run once
 * per row in queries over millions of rows, so the path of a valid call
 * allocates nothing but the greeks' result tuple: float8 arguments are read
 * by value, the option right is parsed from the text bytes in place, and the
 * greeks' row is copied from a template built once per call site.
 *
 * Every bad argument raises 22023 invalid_parameter_value with one message
 * shape for the three functions:
 *     invalid value <value> for argument "<name>" of <function>
 */
#include "postgres.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "engine/bs.h"
#include "pg/common/echo.h"

PG_FUNCTION_INFO_V1(bifrost_bs_price);
PG_FUNCTION_INFO_V1(bifrost_bs_greeks);
PG_FUNCTION_INFO_V1(bifrost_implied_vol);

/* Longest accepted spelling of the right ("call"), plus room to reject longer ones cheaply. */
#define RIGHT_BUF_LEN 8

/* Number of columns of bifrost_bs_greeks: price, delta, gamma, vega, theta, rho. */
#define GREEKS_NATTS 6

/* The rule each numeric argument breaks, for errdetail: bs_check_inputs()'s domain. */
static const char *
argument_rule(const char *arg)
{
	if (strcmp(arg, "s") == 0)
		return psprintf("The spot price s must be a number from %g to %g.", BS_MIN_PRICE, BS_MAX_PRICE);
	if (strcmp(arg, "k") == 0)
		return psprintf("The strike k must be a number from %g to %g.", BS_MIN_PRICE, BS_MAX_PRICE);
	if (strcmp(arg, "t") == 0)
		return psprintf("The time to expiry t must be a number of years from 0 to %g.", BS_MAX_T);
	if (strcmp(arg, "r") == 0)
		return psprintf("The rate r must be a number from %g to %g.", -BS_MAX_RATE, BS_MAX_RATE);
	if (strcmp(arg, "q") == 0)
		return psprintf("The yield q must be a number from %g to %g.", -BS_MAX_RATE, BS_MAX_RATE);
	if (strcmp(arg, "sigma") == 0)
		return psprintf("The volatility sigma must be 0 or a number from %g to %g.", BS_MIN_SIGMA, BS_MAX_SIGMA);
	if (strcmp(arg, "price") == 0)
		return "The option price must be a finite number, 0 or more.";
	return "The argument must be a finite number.";
}

static const char *
argument_hint(const char *arg)
{
	if (strcmp(arg, "t") == 0)
		return "Pass years to expiry as a fraction, e.g. 30/365.0 for 30 days.";
	if (strcmp(arg, "sigma") == 0)
		return "Pass the annual volatility as a fraction, e.g. 0.25 for 25%.";
	if (strcmp(arg, "r") == 0 || strcmp(arg, "q") == 0)
		return "Pass annual continuous rates as fractions, e.g. 0.05 for 5%.";
	return NULL;
}

static void
report_bad_number(const char *fname, const char *arg, double value)
{
	const char *hint = argument_hint(arg);

	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value %s for argument \"%s\" of %s",
					float8out_internal(value), arg, fname),
			 errdetail_internal("%s", argument_rule(arg)),
			 hint ? errhint("%s", hint) : 0));
}

/*
 * The option right of argument 0.  "C" and "P" (any case) are decided from
 * the one byte; the longer spellings are copied to the stack and parsed
 * there: no palloc on either path.
 */
static inline bs_right
get_right_arg(FunctionCallInfo fcinfo, const char *fname)
{
	text	   *arg = PG_GETARG_TEXT_PP(0);
	const char *p = VARDATA_ANY(arg);
	int			len = VARSIZE_ANY_EXHDR(arg);
	char		buf[RIGHT_BUF_LEN];
	bs_right	right;

	if (likely(len == 1))
	{
		if (*p == 'C' || *p == 'c')
			return BS_CALL;
		if (*p == 'P' || *p == 'p')
			return BS_PUT;
	}
	else if (len < RIGHT_BUF_LEN)
	{
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (bs_parse_right(buf, &right) == 0)
			return right;
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid value \"%s\" for argument \"option_right\" of %s",
					echo_text(arg), fname),
			 errhint("Use C, P, call or put, in any case.")));
	pg_unreachable();
}

/*
 * Raises the error for the first of s, k, t, r, q, sigma that is out of
 * range.  The test of valid input is inlined; bs_check_inputs, the rule's
 * one definition, names the culprit once something failed.
 */
static inline void
check_inputs(const char *fname, double s, double k, double t, double r,
			 double q, double sigma)
{
	const char *bad;

	if (likely(s >= BS_MIN_PRICE && s <= BS_MAX_PRICE && k >= BS_MIN_PRICE && k <= BS_MAX_PRICE &&
			   t >= 0.0 && t <= BS_MAX_T && fabs(r) <= BS_MAX_RATE && fabs(q) <= BS_MAX_RATE &&
			   (sigma == 0.0 || (sigma >= BS_MIN_SIGMA && sigma <= BS_MAX_SIGMA))))
		return;
	bad = bs_check_inputs(s, k, t, r, q, sigma);
	if (bad == NULL)
		return;
	if (strcmp(bad, "s") == 0)
		report_bad_number(fname, bad, s);
	else if (strcmp(bad, "k") == 0)
		report_bad_number(fname, bad, k);
	else if (strcmp(bad, "t") == 0)
		report_bad_number(fname, bad, t);
	else if (strcmp(bad, "r") == 0)
		report_bad_number(fname, bad, r);
	else if (strcmp(bad, "q") == 0)
		report_bad_number(fname, bad, q);
	else
		report_bad_number(fname, bad, sigma);
}

/*
 * The last word on an answer: inside bs_check_inputs()'s domain every answer
 * is finite, and should a corner prove otherwise the caller gets 22023
 * naming the arguments, never a NaN.
 */
static void
check_finite(const char *fname, double x, double s, double k, double t, double r,
			 double q, double sigma)
{
	if (likely(isfinite(x)))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s has no finite value for s = %s, k = %s, t = %s, r = %s, q = %s, sigma = %s",
					fname, float8out_internal(s), float8out_internal(k), float8out_internal(t),
					float8out_internal(r), float8out_internal(q), float8out_internal(sigma))));
}

/* bifrost_bs_price(option_right, s, k, t, r, q, sigma) */
Datum
bifrost_bs_price(PG_FUNCTION_ARGS)
{
	bs_right	right = get_right_arg(fcinfo, "bifrost_bs_price");
	double		s = PG_GETARG_FLOAT8(1);
	double		k = PG_GETARG_FLOAT8(2);
	double		t = PG_GETARG_FLOAT8(3);
	double		r = PG_GETARG_FLOAT8(4);
	double		q = PG_GETARG_FLOAT8(5);
	double		sigma = PG_GETARG_FLOAT8(6);

	bs_term    *term = (bs_term *) fcinfo->flinfo->fn_extra;

	check_inputs("bifrost_bs_price", s, k, t, r, q, sigma);

	/*
	 * A column of prices usually shares t, r, q and sigma: keep the term of
	 * the last call in fn_extra and rebuild it only when one of them moves.
	 */
	if (term == NULL)
	{
		term = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(bs_term));
		bs_term_init(term, t, r, q, sigma);
		fcinfo->flinfo->fn_extra = term;
	}
	else if (term->t != t || term->r != r || term->q != q || term->sigma != sigma)
		bs_term_init(term, t, r, q, sigma);
	{
		double		price = bs_price_term(term, right, s, k);

		check_finite("bifrost_bs_price", price, s, k, t, r, q, sigma);
		PG_RETURN_FLOAT8(price);
	}
}

/*
 * The result row of bifrost_bs_greeks, prepared once per call site and kept
 * in fn_extra for the life of its FmgrInfo: the blessed row type, and a
 * finished tuple (made by heap_form_tuple) with the byte offset of each
 * column in it.  A call then copies the template and stores its six values.
 * get_call_result_type reads pg_proc and builds a descriptor, far too slow
 * for every row; heap_form_tuple walks the descriptor twice, which measured
 * ~50 ns a row in bench/bench_sql_pricing.sh, nearly the cost of the pricing.
 */
typedef struct greeks_row
{
	TupleDesc	tupdesc;
	Size		len;			/* of the template, header included */
	HeapTupleHeader tmpl;
	int			offsets[GREEKS_NATTS];	/* from the start of the tuple */
} greeks_row;

static greeks_row *
greeks_row_prepare(FunctionCallInfo fcinfo)
{
	greeks_row *row = (greeks_row *) fcinfo->flinfo->fn_extra;
	MemoryContext oldcxt;
	TupleDesc	tupdesc;
	HeapTuple	tuple;
	Datum		values[GREEKS_NATTS];
	bool		nulls[GREEKS_NATTS] = {false, false, false, false, false, false};
	int			off = 0;

	if (likely(row != NULL))
		return row;

	oldcxt = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "bifrost_bs_greeks must be declared to return a row");
	if (tupdesc->natts != GREEKS_NATTS)
		elog(ERROR, "bifrost_bs_greeks must return %d columns, not %d",
			 GREEKS_NATTS, tupdesc->natts);
	row = palloc(sizeof(greeks_row));
	row->tupdesc = BlessTupleDesc(tupdesc);

	/* Column offsets the way heap_fill_tuple lays out a row without nulls. */
	for (int i = 0; i < GREEKS_NATTS; i++)
	{
		Form_pg_attribute att = TupleDescAttr(tupdesc, i);

		if (att->atttypid != FLOAT8OID || !att->attbyval || att->attlen != sizeof(float8))
			elog(ERROR, "column %d of bifrost_bs_greeks must be double precision passed by value", i + 1);
		off = att_align_nominal(off, att->attalign);
		row->offsets[i] = off;
		off += att->attlen;
		values[i] = Float8GetDatum((double) (i + 1));
	}
	tuple = heap_form_tuple(row->tupdesc, values, nulls);
	row->len = tuple->t_len;
	row->tmpl = tuple->t_data;
	for (int i = 0; i < GREEKS_NATTS; i++)
	{
		row->offsets[i] += row->tmpl->t_hoff;
		/* the template must hold each value where we are about to write it */
		if (row->offsets[i] + sizeof(float8) > row->len ||
			DatumGetFloat8(fetch_att((char *) row->tmpl + row->offsets[i], true, sizeof(float8))) != (double) (i + 1))
			elog(ERROR, "unexpected tuple layout for bifrost_bs_greeks");
	}
	MemoryContextSwitchTo(oldcxt);

	fcinfo->flinfo->fn_extra = row;
	return row;
}

/* bifrost_bs_greeks(option_right, s, k, t, r, q, sigma): one row of six float8. */
Datum
bifrost_bs_greeks(PG_FUNCTION_ARGS)
{
	bs_right	right = get_right_arg(fcinfo, "bifrost_bs_greeks");
	double		s = PG_GETARG_FLOAT8(1);
	double		k = PG_GETARG_FLOAT8(2);
	double		t = PG_GETARG_FLOAT8(3);
	double		r = PG_GETARG_FLOAT8(4);
	double		q = PG_GETARG_FLOAT8(5);
	double		sigma = PG_GETARG_FLOAT8(6);
	greeks_row *row = greeks_row_prepare(fcinfo);
	bs_greeks	g;
	HeapTupleHeader td;
	char	   *base;

	check_inputs("bifrost_bs_greeks", s, k, t, r, q, sigma);
	bs_greeks_all(right, s, k, t, r, q, sigma, &g);
	check_finite("bifrost_bs_greeks",
				 isfinite(g.price) && isfinite(g.delta) && isfinite(g.gamma) &&
				 isfinite(g.vega) && isfinite(g.theta) && isfinite(g.rho) ? 0.0 : NAN,
				 s, k, t, r, q, sigma);

	td = (HeapTupleHeader) palloc(row->len);
	memcpy(td, row->tmpl, row->len);
	base = (char *) td;
	store_att_byval(base + row->offsets[0], Float8GetDatum(g.price), sizeof(float8));
	store_att_byval(base + row->offsets[1], Float8GetDatum(g.delta), sizeof(float8));
	store_att_byval(base + row->offsets[2], Float8GetDatum(g.gamma), sizeof(float8));
	store_att_byval(base + row->offsets[3], Float8GetDatum(g.vega), sizeof(float8));
	store_att_byval(base + row->offsets[4], Float8GetDatum(g.theta), sizeof(float8));
	store_att_byval(base + row->offsets[5], Float8GetDatum(g.rho), sizeof(float8));
	PG_RETURN_HEAPTUPLEHEADER(td);
}

/*
 * bifrost_implied_vol(option_right, price, s, k, t, r, q): NULL where the
 * price carries no vol information (t = 0) or breaks the no-arbitrage bounds.
 */
Datum
bifrost_implied_vol(PG_FUNCTION_ARGS)
{
	bs_right	right = get_right_arg(fcinfo, "bifrost_implied_vol");
	double		price = PG_GETARG_FLOAT8(1);
	double		s = PG_GETARG_FLOAT8(2);
	double		k = PG_GETARG_FLOAT8(3);
	double		t = PG_GETARG_FLOAT8(4);
	double		r = PG_GETARG_FLOAT8(5);
	double		q = PG_GETARG_FLOAT8(6);
	double		vol;

	if (!isfinite(price) || !(price >= 0.0))
		report_bad_number("bifrost_implied_vol", "price", price);
	check_inputs("bifrost_implied_vol", s, k, t, r, q, 0.0);

	vol = bs_implied_vol(right, price, s, k, t, r, q);
	if (isnan(vol))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(vol);
}
