/*
 * test_okx_size.c: OKX sizes to and from lots, exactly: parsing with
 * exponents and trailing zeros, qty x lotSz as text, sizes back to lots,
 * and every overflow refused.
 */
#include "okx_size.h"
#include "unit.h"

#include <string.h>

static int
text_is(okx_decimal lot, int64_t qty, const char *want)
{
	char		out[64];

	if (!okx_size_text(lot, qty, out, sizeof(out)))
	{
		unit_note("size of %lld lots: refused, want %s", (long long) qty, want);
		return CHECK(0);
	}
	if (!CHECK(strcmp(out, want) == 0))
	{
		unit_note("size of %lld lots: got %s, want %s", (long long) qty, out, want);
		return 0;
	}
	return 1;
}

static void
test_parse(void)
{
	okx_decimal d;

	CHECK(okx_decimal_parse("0.01", &d) && d.mantissa == 1 && d.scale == 2);
	CHECK(okx_decimal_parse("0.0100", &d) && d.mantissa == 1 && d.scale == 2);
	CHECK(okx_decimal_parse("1", &d) && d.mantissa == 1 && d.scale == 0);
	CHECK(okx_decimal_parse("100", &d) && d.mantissa == 100 && d.scale == 0);
	CHECK(okx_decimal_parse("-2.5", &d) && d.mantissa == -25 && d.scale == 1);
	CHECK(okx_decimal_parse("1e-8", &d) && d.mantissa == 1 && d.scale == 8);
	CHECK(okx_decimal_parse("1.5E2", &d) && d.mantissa == 150 && d.scale == 0);
	CHECK(okx_decimal_parse("0", &d) && d.mantissa == 0 && d.scale == 0);
	CHECK(!okx_decimal_parse("", &d));
	CHECK(!okx_decimal_parse(".5", &d));
	CHECK(!okx_decimal_parse("1.2.3", &d));
	CHECK(!okx_decimal_parse("1e", &d));
	CHECK(!okx_decimal_parse("abc", &d));
	CHECK(!okx_decimal_parse("1e-19", &d));
	CHECK(!okx_decimal_parse("99999999999999999999", &d));
	CHECK(!okx_decimal_parse("1e99", &d));
}

static void
test_text(void)
{
	okx_decimal lot;

	okx_decimal_parse("0.01", &lot);
	text_is(lot, 1, "0.01");
	text_is(lot, 3, "0.03");
	text_is(lot, 10, "0.1");
	text_is(lot, 100, "1");
	text_is(lot, 12345, "123.45");
	text_is(lot, 0, "0");
	okx_decimal_parse("1", &lot);
	text_is(lot, 7, "7");
	okx_decimal_parse("0.00001", &lot);
	text_is(lot, 123, "0.00123");
	CHECK(!okx_size_text(lot, -1, (char[8]) {0}, 8));
	okx_decimal_parse("1000", &lot);
	CHECK(!okx_size_text(lot, INT64_MAX / 10, (char[64]) {0}, 64));
	/* no room: refused, never cut */
	okx_decimal_parse("0.01", &lot);
	CHECK(!okx_size_text(lot, 12345, (char[4]) {0}, 4));
}

static void
test_lots(void)
{
	okx_decimal lot;
	int64_t		whole = -1;
	double		ratio = 0;

	okx_decimal_parse("0.01", &lot);
	CHECK(okx_size_lots("0.03", lot, &whole, &ratio) && whole == 3 && ratio == 3.0);
	CHECK(okx_size_lots("2", lot, &whole, NULL) && whole == 200);
	CHECK(okx_size_lots("-0.5", lot, &whole, &ratio) && whole == -50 && ratio == -50.0);
	CHECK(okx_size_lots("0.015", lot, &whole, &ratio) && whole == 1 && ratio == 1.5);
	CHECK(okx_size_lots("0", lot, &whole, &ratio) && whole == 0 && ratio == 0.0);
	CHECK(!okx_size_lots("x", lot, &whole, NULL));
	okx_decimal_parse("0", &lot);
	CHECK(!okx_size_lots("1", lot, &whole, NULL));
}

int
main(void)
{
	test_parse();
	test_text();
	test_lots();
	return unit_summary("okx_size");
}
