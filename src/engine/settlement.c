/*
 * settlement.c: the value and delta of an expired option leg, settled in
 * cash or by delivery of the underlying (settlement.h).
 */
#include "settlement.h"

#include <math.h>
#include <string.h>

static bool
positive_price(double x)
{
	return isfinite(x) && x > 0.0;
}

static bool
known_right(bs_right right)
{
	return right == BS_CALL || right == BS_PUT;
}

double
settlement_intrinsic(bs_right right, double strike, double price)
{
	if (!known_right(right) || !positive_price(strike) || !positive_price(price))
		return NAN;
	return right == BS_CALL ? fmax(price - strike, 0.0) : fmax(strike - price, 0.0);
}

bool
settlement_in_the_money(bs_right right, double strike, double price)
{
	return settlement_intrinsic(right, strike, price) > 0.0;
}

bool
settlement_fixed(const engine_leg *leg)
{
	return positive_price(leg->settlement_price);
}

static void
set_invalid(settled_value *out)
{
	out->value = NAN;
	out->delta = NAN;
	out->exercised = false;
}

void
settlement_value(const engine_leg *leg, double mark, settlement_style book_style,
				 settled_value *out)
{
	bool		fixed = settlement_fixed(leg);
	double		price = fixed ? leg->settlement_price : mark;
	settlement_style style = fixed ? leg->settlement : book_style;
	double		size = leg->quantity * leg->multiplier;
	double		intrinsic = settlement_intrinsic(leg->right, leg->strike, price);
	double		units;

	if (isnan(intrinsic) || !isfinite(size))
	{
		set_invalid(out);
		return;
	}
	out->exercised = intrinsic > 0.0;
	if (style != SETTLEMENT_PHYSICAL)
	{
		out->value = size * intrinsic;
		out->delta = 0.0;
		return;
	}
	if (!out->exercised)
	{
		out->value = 0.0;
		out->delta = 0.0;
		return;
	}
	/* the delivered units, marked now: bought at the strike for a call, sold for a put */
	if (!positive_price(mark))
	{
		set_invalid(out);
		return;
	}
	units = leg->right == BS_CALL ? size : -size;
	out->value = units * (mark - leg->strike);
	out->delta = units;
}

const char *
settlement_style_name(settlement_style style)
{
	return style == SETTLEMENT_PHYSICAL ? "physical" : "cash";
}

bool
settlement_parse_style(const char *name, settlement_style *style)
{
	if (name == NULL)
		return false;
	if (strcmp(name, "cash") == 0)
		*style = SETTLEMENT_CASH;
	else if (strcmp(name, "physical") == 0)
		*style = SETTLEMENT_PHYSICAL;
	else
		return false;
	return true;
}
