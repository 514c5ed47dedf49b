/*
 * okx_size.c: exact decimal arithmetic for OKX order sizes (okx_size.h).
 */
#include "okx_size.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

static bool
times10(int64_t *v, int n)
{
	for (; n > 0; n--)
		if (__builtin_mul_overflow(*v, 10, v))
			return false;
	return true;
}

bool
okx_decimal_parse(const char *s, okx_decimal *d)
{
	bool		negative = false;
	bool		in_fraction = false;
	int64_t		m = 0;
	long		scale = 0;

	if (*s == '-')
	{
		negative = true;
		s++;
	}
	if (!isdigit((unsigned char) *s))
		return false;
	for (; *s && *s != 'e' && *s != 'E'; s++)
	{
		if (*s == '.' && !in_fraction)
		{
			in_fraction = true;
			continue;
		}
		if (!isdigit((unsigned char) *s) || !times10(&m, 1) ||
			__builtin_add_overflow(m, *s - '0', &m))
			return false;
		if (in_fraction)
			scale++;
	}
	if (*s)
	{
		char	   *end;
		long		e = strtol(s + 1, &end, 10);

		if (end == s + 1 || *end || e < -99 || e > 99)
			return false;
		scale -= e;
	}
	if (scale < 0)
	{
		if (!times10(&m, (int) -scale))
			return false;
		scale = 0;
	}
	for (; scale > 0 && m % 10 == 0; scale--)
		m /= 10;
	if (scale > OKX_SIZE_MAX_SCALE)
		return false;
	d->mantissa = negative ? -m : m;
	d->scale = (int) scale;
	return true;
}

bool
okx_size_text(okx_decimal lot, int64_t qty, char *out, size_t outlen)
{
	int64_t		p,
				f,
				unit = 1;
	char		frac[OKX_SIZE_MAX_SCALE + 1];
	int			len,
				n;

	if (qty < 0 || lot.mantissa < 0 || lot.scale < 0 || lot.scale > OKX_SIZE_MAX_SCALE ||
		__builtin_mul_overflow(lot.mantissa, qty, &p) || !times10(&unit, lot.scale))
		return false;
	/* the fraction's digits, then without its trailing zeros */
	f = p % unit;
	for (int i = lot.scale - 1; i >= 0; i--, f /= 10)
		frac[i] = (char) ('0' + f % 10);
	frac[lot.scale] = '\0';
	for (len = lot.scale; len > 0 && frac[len - 1] == '0'; len--)
		frac[len - 1] = '\0';
	if (len > 0)
		n = snprintf(out, outlen, "%" PRId64 ".%s", p / unit, frac);
	else
		n = snprintf(out, outlen, "%" PRId64, p / unit);
	return n > 0 && (size_t) n < outlen;
}

bool
okx_size_lots(const char *text, okx_decimal lot, int64_t *whole, double *ratio)
{
	okx_decimal v;
	int64_t		a,
				b;
	int			scale;

	if (lot.mantissa <= 0 || !okx_decimal_parse(text, &v))
		return false;
	/* both over the finer scale: an exact integer division */
	scale = v.scale > lot.scale ? v.scale : lot.scale;
	a = v.mantissa;
	b = lot.mantissa;
	if (!times10(&a, scale - v.scale) || !times10(&b, scale - lot.scale))
		return false;
	*whole = a / b;
	if (ratio)
		*ratio = (double) a / (double) b;
	return true;
}
