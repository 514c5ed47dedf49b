/*
 * numeric_double.h: a stored numeric read as the double numeric::float8 gives.
 *
 * The cast prints the numeric as text and parses the text back (numeric_out,
 * then float8in's strtod): correctly rounded, and slow for a reader of
 * millions of prices.  These read the stored form instead (base-10000 digits,
 * weight and sign, as numeric.c lays them out) and give the same double.
 * Where the cast raises (a magnitude past double's range, or one so small
 * that it would round to zero) they give what strtod gives: +-Infinity, or a
 * zero of the value's sign.  NaN and +-Infinity give NaN and +-Infinity.
 */
#ifndef BIFROST_NUMERIC_DOUBLE_H
#define BIFROST_NUMERIC_DOUBLE_H

#include "postgres.h"

/*
 * A numeric datum (any varlena form: short or long header, compressed or
 * out of line, which is fetched into the current memory context and freed).
 */
extern double numeric_datum_to_double(Datum value);

/*
 * The bytes of a numeric after its varlena header (VARDATA_ANY, and
 * VARSIZE_ANY_EXHDR of them).  Bytes that cannot be a numeric give NaN.
 */
extern double numeric_bytes_to_double(const char *data, Size len);

#endif							/* BIFROST_NUMERIC_DOUBLE_H */
