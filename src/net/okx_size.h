/*
 * okx_size.h: exact decimal arithmetic for OKX order sizes.
 *
 * OKX sizes are decimal text ("0.01" contracts); bifrost counts whole lots.
 * Converting through double would send "0.030000000000000002" or read 2.9999
 * lots, so sizes stay exact: a decimal is mantissa x 10^-scale in int64, and
 * every operation reports overflow instead of rounding.  Pure C99, no
 * allocation.
 */
#ifndef BIFROST_OKX_SIZE_H
#define BIFROST_OKX_SIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Finer than any OKX lot or size (satoshis are 8 places). */
#define OKX_SIZE_MAX_SCALE 18

typedef struct okx_decimal
{
	int64_t		mantissa;
	int			scale;			/* 0..OKX_SIZE_MAX_SCALE, no trailing zero */
} okx_decimal;

/*
 * Decimal text (-?digits[.digits][e[+-]digits], as json_util validates it)
 * into *d.  False for anything else, or out of range.
 */
extern bool okx_decimal_parse(const char *text, okx_decimal *d);

/* qty x lot as decimal text without trailing zeros ("0.05", "3"); false on overflow or qty < 0. */
extern bool okx_size_text(okx_decimal lot, int64_t qty, char *out, size_t outlen);

/*
 * text / lot (lot > 0): *whole the quotient truncated toward zero and,
 * when ratio is not NULL, *ratio the quotient as a double.  False when text
 * is not a decimal or out of range.
 */
extern bool okx_size_lots(const char *text, okx_decimal lot, int64_t *whole, double *ratio);

#endif							/* BIFROST_OKX_SIZE_H */
