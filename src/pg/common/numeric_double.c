/*
 * numeric_double.c: a stored numeric read as the double numeric::float8 gives
 * (numeric_double.h), without printing it first.
 *
 * The stored form (numeric.c): after the varlena header a 16-bit header word
 * whose two top bits say positive (00) or negative (01) with a long header,
 * a short header (10), or a special value (11: NaN, +Infinity, -Infinity by
 * the next two bits); a long header has a second 16-bit word, the weight; a
 * short one packs sign, display scale and a 7-bit weight into the first.
 * The digits follow, int16 in base 10000, with no leading or trailing zero
 * digit: the value is 0.d1 d2 ... dn x 10000^(weight + 1), the display scale
 * only says how many zeros numeric_out prints after them.
 *
 * Correct rounding.  The value is M x 10^e for the integer M its digits
 * spell.  When M <= 2^53 and |e| <= 22, both M and 10^|e| are exact doubles
 * and one IEEE multiplication or division rounds the exact product or
 * quotient once, to nearest: the correctly rounded result, which is what
 * strtod gives for the same value (Clinger's fast path; with e up to 37 when
 * M x 10^(e - 22) is still an exact integer below 2^53).  Prices of up to 16
 * significant digits take it.  Anything else is written out as its digits
 * and exponent and parsed by strtod, as the cast parses numeric_out's text:
 * the same value, so the same double.  The fast path needs double arithmetic
 * done in double (FLT_EVAL_METHOD 0, as on x86-64 and arm64); a compiler
 * that evaluates in wider registers takes strtod for everything.
 */
#include "postgres.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "fmgr.h"

#include "pg/common/numeric_double.h"

/* The header word (numeric.c). */
#define NUMDBL_FORM_MASK 0xC000
#define NUMDBL_FORM_NEG 0x4000
#define NUMDBL_FORM_SHORT 0x8000
#define NUMDBL_FORM_SPECIAL 0xC000
#define NUMDBL_SPECIAL_MASK 0xF000
#define NUMDBL_SPECIAL_PINF 0xD000
#define NUMDBL_SPECIAL_NINF 0xF000
#define NUMDBL_SHORT_NEG 0x2000
#define NUMDBL_SHORT_WEIGHT_NEG 0x0040
#define NUMDBL_SHORT_WEIGHT_MASK 0x003F

#define NUMDBL_BASE 10000
#define NUMDBL_BASE_DIGITS 4

#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define NUMDBL_FAST_PATH 1
#else
#define NUMDBL_FAST_PATH 0
#endif

/* Digits of M that always fit in a uint64: four base-10000 digits. */
#define NUMDBL_FAST_MAX_DIGITS 4
#define NUMDBL_TWO_53 (UINT64CONST(1) << 53)

/* 10^0 .. 10^22: every one an exact double. */
static const double exact_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};
#define NUMDBL_MAX_EXACT_POW10 22

/* 10^0 .. 10^15 as integers: the shift of an exponent past 22 into M. */
static const uint64 int_pow10[] = {
	UINT64CONST(1), UINT64CONST(10), UINT64CONST(100), UINT64CONST(1000),
	UINT64CONST(10000), UINT64CONST(100000), UINT64CONST(1000000),
	UINT64CONST(10000000), UINT64CONST(100000000), UINT64CONST(1000000000),
	UINT64CONST(10000000000), UINT64CONST(100000000000),
	UINT64CONST(1000000000000), UINT64CONST(10000000000000),
	UINT64CONST(100000000000000), UINT64CONST(1000000000000000)
};
#define NUMDBL_MAX_INT_POW10 15

/* A stored 16-bit word: on disk a numeric is not aligned (short varlena). */
static inline uint16
read_word(const char *p)
{
	uint16		w;

	memcpy(&w, p, sizeof(w));
	return w;
}

#if NUMDBL_FAST_PATH
/* M x 10^e when one rounding gives it exactly (see the file's comment); false otherwise. */
static inline bool
fast_path(uint64 m, int e, double *out)
{
	if (m > NUMDBL_TWO_53)
		return false;
	/* prices: a fraction */
	if (e < 0 && e >= -NUMDBL_MAX_EXACT_POW10)
		*out = (double) m / exact_pow10[-e];
	else if (e >= 0 && e <= NUMDBL_MAX_EXACT_POW10)
		*out = (double) m * exact_pow10[e];
	else if (e > NUMDBL_MAX_EXACT_POW10 && e <= NUMDBL_MAX_EXACT_POW10 + NUMDBL_MAX_INT_POW10 &&
			 m <= NUMDBL_TWO_53 / int_pow10[e - NUMDBL_MAX_EXACT_POW10])
		*out = (double) (m * int_pow10[e - NUMDBL_MAX_EXACT_POW10]) * exact_pow10[NUMDBL_MAX_EXACT_POW10];
	else
		return false;
	return true;
}
#endif

/* The digits written out as "[-]DDDD...e<exp>" and parsed as float8in parses numeric_out's text. */
static double
parse_digits(bool neg, const char *digits, int ndigits, int exponent)
{
	char		stack[256];
	Size		need = 1 + (Size) ndigits * NUMDBL_BASE_DIGITS + 16;
	char	   *text = need <= sizeof(stack) ? stack : palloc(need);
	char	   *p = text;
	double		v;

	if (neg)
		*p++ = '-';
	for (int i = 0; i < ndigits; i++)
	{
		int			d = (int16) read_word(digits + 2 * i);

		p[0] = '0' + d / 1000;
		p[1] = '0' + d / 100 % 10;
		p[2] = '0' + d / 10 % 10;
		p[3] = '0' + d % 10;
		p += NUMDBL_BASE_DIGITS;
	}
	snprintf(p, 16, "e%d", exponent);
	v = strtod(text, NULL);
	if (text != stack)
		pfree(text);
	return v;
}

double
numeric_bytes_to_double(const char *data, Size len)
{
	uint16		head;
	bool		neg;
	int			weight;
	Size		header;
	int			ndigits;
	const char *digits;

	if (len < sizeof(uint16))
		return NAN;
	head = read_word(data);
	switch (head & NUMDBL_FORM_MASK)
	{
		case NUMDBL_FORM_SPECIAL:
			if ((head & NUMDBL_SPECIAL_MASK) == NUMDBL_SPECIAL_PINF)
				return INFINITY;
			if ((head & NUMDBL_SPECIAL_MASK) == NUMDBL_SPECIAL_NINF)
				return -INFINITY;
			return NAN;
		case NUMDBL_FORM_SHORT:
			neg = (head & NUMDBL_SHORT_NEG) != 0;
			weight = head & NUMDBL_SHORT_WEIGHT_MASK;
			if (head & NUMDBL_SHORT_WEIGHT_NEG)
				weight -= NUMDBL_SHORT_WEIGHT_MASK + 1;
			header = sizeof(uint16);
			break;
		default:
			if (len < 2 * sizeof(uint16))
				return NAN;
			neg = (head & NUMDBL_FORM_MASK) == NUMDBL_FORM_NEG;
			weight = (int16) read_word(data + sizeof(uint16));
			header = 2 * sizeof(uint16);
			break;
	}
	if ((len - header) % sizeof(int16) != 0)
		return NAN;
	digits = data + header;
	ndigits = (int) ((len - header) / sizeof(int16));
	/* numeric_out prints a zero without digits as 0 (or -0, which no numeric operation makes) */
	if (ndigits == 0)
		return neg ? -0.0 : 0.0;

#if NUMDBL_FAST_PATH
	if (ndigits <= NUMDBL_FAST_MAX_DIGITS)
	{
		uint64		m = 0;
		int			e = (weight + 1 - ndigits) * NUMDBL_BASE_DIGITS;
		double		v;

		for (int i = 0; i < ndigits; i++)
		{
			int			d = (int16) read_word(digits + 2 * i);

			if (d < 0 || d >= NUMDBL_BASE)
				return NAN;
			m = m * NUMDBL_BASE + d;
		}
		if (m == 0)
			return neg ? -0.0 : 0.0;
		if (fast_path(m, e, &v))
			return neg ? -v : v;
		/* the last digit may end in decimal zeros (0.5 is the digit 5000): a smaller M may reach */
		while (m % 10 == 0)
		{
			m /= 10;
			e++;
		}
		if (fast_path(m, e, &v))
			return neg ? -v : v;
	}
#endif
	for (int i = 0; i < ndigits; i++)
	{
		int			d = (int16) read_word(digits + 2 * i);

		if (d < 0 || d >= NUMDBL_BASE)
			return NAN;
	}
	return parse_digits(neg, digits, ndigits, (weight + 1 - ndigits) * NUMDBL_BASE_DIGITS);
}

double
numeric_datum_to_double(Datum value)
{
	struct varlena *stored = (struct varlena *) DatumGetPointer(value);
	struct varlena *plain;
	double		v;

	/* stored in the row as it is (the usual case): read in place */
	if (!VARATT_IS_EXTERNAL(stored) && !VARATT_IS_COMPRESSED(stored))
		return numeric_bytes_to_double(VARDATA_ANY(stored), VARSIZE_ANY_EXHDR(stored));
	plain = pg_detoast_datum_packed(stored);
	v = numeric_bytes_to_double(VARDATA_ANY(plain), VARSIZE_ANY_EXHDR(plain));
	if (plain != stored)
		pfree(plain);
	return v;
}
