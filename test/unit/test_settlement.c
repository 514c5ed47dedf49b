/*
 * test_settlement.c: expired legs settled in cash or by delivery: calls and
 * puts, long and short, in, at and out of the money, exactly at the expiry,
 * a fixed settlement against one still at the spot, bad numbers; the book's
 * delta of delivered legs; the value continuous with the Black-Scholes-Merton
 * price as time runs out; the book.settlement key.
 */
#include "bs.h"
#include "engine_config.h"
#include "portfolio.h"
#include "settlement.h"
#include "unit.h"

#include <math.h>
#include <string.h>

#define DAY 86400.0
#define NOW 1795550400.0		/* 2026-11-24 15:00 New York */

static engine_leg
leg(bs_right right, double strike, double qty, double mult)
{
	engine_leg	l;

	memset(&l, 0, sizeof(l));
	l.right = right;
	l.strike = strike;
	l.expiry = NOW;
	l.quantity = qty;
	l.multiplier = mult;
	l.implied_vol = NAN;
	return l;
}

static engine_leg
settled(engine_leg l, double price, settlement_style style)
{
	l.settlement_price = price;
	l.settlement = style;
	return l;
}

static void
test_intrinsic(void)
{
	CHECK(settlement_intrinsic(BS_CALL, 50, 100) == 50);
	CHECK(settlement_intrinsic(BS_CALL, 100, 50) == 0);
	CHECK(settlement_intrinsic(BS_PUT, 100, 50) == 50);
	CHECK(settlement_intrinsic(BS_PUT, 50, 100) == 0);
	CHECK(settlement_intrinsic(BS_CALL, 100, 100) == 0);
	CHECK(settlement_intrinsic(BS_PUT, 100, 100) == 0);
	CHECK(settlement_in_the_money(BS_CALL, 50, 100) && !settlement_in_the_money(BS_CALL, 100, 100));
	CHECK(settlement_in_the_money(BS_PUT, 100, 50) && !settlement_in_the_money(BS_PUT, 100, 100));
	CHECK(isnan(settlement_intrinsic(BS_CALL, NAN, 100)));
	CHECK(isnan(settlement_intrinsic(BS_CALL, 100, NAN)));
	CHECK(isnan(settlement_intrinsic(BS_PUT, 100, 0)));
	CHECK(isnan(settlement_intrinsic(BS_PUT, -1, 100)));
	CHECK(isnan(settlement_intrinsic(BS_CALL, 100, INFINITY)));
	CHECK(isnan(settlement_intrinsic((bs_right) 7, 100, 100)));
	CHECK(!settlement_in_the_money(BS_CALL, 50, NAN));
}

/* Cash: the intrinsic value at S_T, whatever the mark does after; no delta. */
static void
test_cash(void)
{
	settled_value v;
	engine_leg	call = settled(leg(BS_CALL, 50, 10, 100), 100, SETTLEMENT_CASH);
	engine_leg	put = settled(leg(BS_PUT, 120, -3, 100), 100, SETTLEMENT_CASH);

	settlement_value(&call, 100, SETTLEMENT_PHYSICAL, &v);
	CHECK(v.value == 50000 && v.delta == 0 && v.exercised);
	settlement_value(&call, 130, SETTLEMENT_PHYSICAL, &v);
	CHECK(v.value == 50000 && v.delta == 0);
	settlement_value(&call, NAN, SETTLEMENT_PHYSICAL, &v);
	CHECK(v.value == 50000 && v.delta == 0);

	/* a short put 20 in the money pays out */
	settlement_value(&put, 90, SETTLEMENT_CASH, &v);
	CHECK(v.value == -6000 && v.delta == 0 && v.exercised);

	/* out of and at the money: worthless */
	call = settled(leg(BS_CALL, 150, 10, 100), 100, SETTLEMENT_CASH);
	settlement_value(&call, 200, SETTLEMENT_CASH, &v);
	CHECK(v.value == 0 && v.delta == 0 && !v.exercised);
	call = settled(leg(BS_CALL, 100, 10, 100), 100, SETTLEMENT_CASH);
	settlement_value(&call, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == 0 && v.delta == 0 && !v.exercised);
}

/* Physical: in the money, the delivered units marked now and paid at the strike. */
static void
test_physical(void)
{
	settled_value v;
	engine_leg	call = settled(leg(BS_CALL, 50, 10, 100), 100, SETTLEMENT_PHYSICAL);
	engine_leg	put = settled(leg(BS_PUT, 120, 2, 100), 100, SETTLEMENT_PHYSICAL);
	engine_leg	short_call = settled(leg(BS_CALL, 90, -4, 100), 100, SETTLEMENT_PHYSICAL);
	engine_leg	short_put = settled(leg(BS_PUT, 110, -1, 100), 100, SETTLEMENT_PHYSICAL);

	/* at S_T it is the intrinsic value */
	settlement_value(&call, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == 50000 && v.delta == 1000 && v.exercised);
	/* then 1,000 shares bought at 50 move with the mark */
	settlement_value(&call, 100.3, SETTLEMENT_CASH, &v);
	CHECK_NEAR_ABS(v.value, 50300, 1e-9);
	CHECK(v.delta == 1000);
	/* even back below the strike: the shares were delivered */
	settlement_value(&call, 40, SETTLEMENT_CASH, &v);
	CHECK(v.value == -10000 && v.delta == 1000);

	/* a long put sold 200 shares at 120 */
	settlement_value(&put, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == 4000 && v.delta == -200 && v.exercised);
	settlement_value(&put, 101, SETTLEMENT_CASH, &v);
	CHECK(v.value == 3800 && v.delta == -200);

	/* assigned: a short call delivers shares (short), a short put takes them (long) */
	settlement_value(&short_call, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == -4000 && v.delta == -400);
	settlement_value(&short_put, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == -1000 && v.delta == 100);

	/* at and out of the money: nothing delivered, worthless for good */
	call = settled(leg(BS_CALL, 100, 10, 100), 100, SETTLEMENT_PHYSICAL);
	settlement_value(&call, 120, SETTLEMENT_CASH, &v);
	CHECK(v.value == 0 && v.delta == 0 && !v.exercised);
	put = settled(leg(BS_PUT, 80, 10, 100), 100, SETTLEMENT_PHYSICAL);
	settlement_value(&put, 60, SETTLEMENT_CASH, &v);
	CHECK(v.value == 0 && v.delta == 0 && !v.exercised);

	/* a delivered leg needs a mark to be valued */
	call = settled(leg(BS_CALL, 50, 10, 100), 100, SETTLEMENT_PHYSICAL);
	settlement_value(&call, NAN, SETTLEMENT_CASH, &v);
	CHECK(isnan(v.value) && isnan(v.delta));
}

/* Not fixed yet: the mark is the settlement price, in the book's style. */
static void
test_not_fixed(void)
{
	settled_value v;
	engine_leg	call = leg(BS_CALL, 50, 10, 100);

	CHECK(!settlement_fixed(&call));
	settlement_value(&call, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == 50000 && v.delta == 0);
	settlement_value(&call, 100, SETTLEMENT_PHYSICAL, &v);
	CHECK(v.value == 50000 && v.delta == 1000);
	settlement_value(&call, 101, SETTLEMENT_CASH, &v);
	CHECK(v.value == 51000 && v.delta == 0);
	call.settlement_price = NAN;
	CHECK(!settlement_fixed(&call));
	settlement_value(&call, 100, SETTLEMENT_CASH, &v);
	CHECK(v.value == 50000);
	call.settlement_price = -1;
	CHECK(!settlement_fixed(&call));
	call.settlement_price = 100;
	CHECK(settlement_fixed(&call));
	/* once fixed, the leg's own style wins over the book's */
	call.settlement = SETTLEMENT_CASH;
	settlement_value(&call, 120, SETTLEMENT_PHYSICAL, &v);
	CHECK(v.value == 50000 && v.delta == 0);
}

static void
test_bad_numbers(void)
{
	settled_value v;
	engine_leg	l = leg(BS_CALL, 50, 10, 100);

	settlement_value(&l, NAN, SETTLEMENT_CASH, &v);
	CHECK(isnan(v.value) && isnan(v.delta) && !v.exercised);
	settlement_value(&l, 0, SETTLEMENT_PHYSICAL, &v);
	CHECK(isnan(v.value) && isnan(v.delta));
	l.strike = NAN;
	settlement_value(&l, 100, SETTLEMENT_CASH, &v);
	CHECK(isnan(v.value) && isnan(v.delta));
	l = leg(BS_CALL, 50, NAN, 100);
	settlement_value(&l, 100, SETTLEMENT_CASH, &v);
	CHECK(isnan(v.value) && isnan(v.delta));
	l = leg(BS_PUT, 50, 1, INFINITY);
	settlement_value(&l, 40, SETTLEMENT_PHYSICAL, &v);
	CHECK(isnan(v.value) && isnan(v.delta));
	l = settled(leg(BS_CALL, 50, 10, 100), INFINITY, SETTLEMENT_CASH);
	CHECK(!settlement_fixed(&l));
}

/*
 * The model price as the time runs out tends to the settled value at the
 * same spot: the book's equity does not jump at the expiry.
 */
static void
test_continuous_with_model_price(void)
{
	const double spots[] = {40, 50, 99.5, 100, 100.5, 150};

	for (size_t i = 0; i < sizeof(spots) / sizeof(spots[0]); i++)
	{
		double		s = spots[i];

		for (int right = 0; right < 2; right++)
		{
			bs_right	r = right ? BS_PUT : BS_CALL;
			engine_leg	l = leg(r, 100, 10, 100);
			double		before = 10 * 100 * bs_price(r, s, 100, 1.0 / (365 * DAY), 0.05, 0, 0.35);
			settled_value cash,
						physical;

			settlement_value(&l, s, SETTLEMENT_CASH, &cash);
			settlement_value(&l, s, SETTLEMENT_PHYSICAL, &physical);
			/* one second of time value: about 0.4 x sigma x S x sqrt(t) = 0.0025 a share at the money */
			if (!CHECK_NEAR_ABS(before, cash.value, 3.0) || !CHECK(cash.value == physical.value))
				unit_note("%s at spot %g: model %g, cash %g, physical %g", r == BS_CALL ? "call" : "put",
						  s, before, cash.value, physical.value);
		}
	}
}

/* The book's delta: expired legs count what they delivered, and only that. */
static void
test_portfolio_delta(void)
{
	engine_leg	book[3];
	portfolio_market m;
	portfolio_greeks g;

	memset(&m, 0, sizeof(m));
	m.spot = 100;
	m.now = NOW;
	m.volatility = 0.35;
	m.rate = 0.05;
	m.yield = 0;
	m.settlement = SETTLEMENT_PHYSICAL;

	/* exactly at the expiry the leg has expired */
	book[0] = leg(BS_CALL, 50, 10, 100);
	portfolio_compute(book, 1, &m, -1000, 0, &g);
	CHECK(g.legs_expired == 1 && g.legs_active == 0);
	CHECK(g.valid && g.option_delta == 1000 && g.net_delta == 0 && g.gamma == 0);

	m.settlement = SETTLEMENT_CASH;
	portfolio_compute(book, 1, &m, -1000, 0, &g);
	CHECK(g.valid && g.option_delta == 0 && g.net_delta == -1000);

	/* a fixed settlement keeps its own style and price */
	book[0] = settled(leg(BS_CALL, 50, 10, 100), 100, SETTLEMENT_PHYSICAL);
	book[1] = settled(leg(BS_PUT, 120, 1, 100), 100, SETTLEMENT_PHYSICAL);
	book[2] = settled(leg(BS_PUT, 99, 5, 100), 100, SETTLEMENT_PHYSICAL);	/* out of the money at 100 */
	m.spot = 98;
	portfolio_compute(book, 3, &m, 0, 0, &g);
	CHECK(g.valid && g.legs_expired == 3 && g.option_delta == 1000 - 100);

	/* a leg still running beside a settled one */
	book[1] = leg(BS_CALL, 100, 1, 100);
	book[1].expiry = NOW + 30 * DAY;
	portfolio_compute(book, 2, &m, 0, 0, &g);
	CHECK(g.legs_expired == 1 && g.legs_active == 1);
	CHECK(g.option_delta > 1000 && g.option_delta < 1100 && g.gamma > 0);

	/* no usable spot: nothing priced, invalid */
	m.spot = NAN;
	portfolio_compute(book, 1, &m, 0, 0, &g);
	CHECK(!g.valid && g.option_delta == 0);
}

static void
test_config_key(void)
{
	engine_config cfg;
	config_value v;
	const config_key_spec *spec = config_find_key("book.settlement");
	char		msg[CONFIG_MESSAGE_MAX];

	CHECK(spec != NULL && spec->type == CONFIG_ENUM);
	engine_config_defaults(&cfg);
	CHECK(cfg.settlement == SETTLEMENT_PHYSICAL);
	memset(&v, 0, sizeof(v));
	v.kind = CONFIG_VALUE_STRING;
	v.string = "cash";
	CHECK(engine_config_apply(&cfg, "book.settlement", &v) && cfg.settlement == SETTLEMENT_CASH);
	v.string = "physical";
	CHECK(engine_config_apply(&cfg, "book.settlement", &v) && cfg.settlement == SETTLEMENT_PHYSICAL);
	v.string = "delivery";
	CHECK(!engine_config_apply(&cfg, "book.settlement", &v) && cfg.settlement == SETTLEMENT_PHYSICAL);
	CHECK(spec && !config_check_value(spec, &v, msg, sizeof(msg)) && strstr(msg, "cash|physical"));

	{
		settlement_style s = SETTLEMENT_CASH;

		CHECK(settlement_parse_style("physical", &s) && s == SETTLEMENT_PHYSICAL);
		CHECK(!settlement_parse_style("Physical", &s) && s == SETTLEMENT_PHYSICAL);
		CHECK(!settlement_parse_style(NULL, &s));
		CHECK(strcmp(settlement_style_name(SETTLEMENT_CASH), "cash") == 0);
		CHECK(strcmp(settlement_style_name(SETTLEMENT_PHYSICAL), "physical") == 0);
	}
}

int
main(void)
{
	test_intrinsic();
	test_cash();
	test_physical();
	test_not_fixed();
	test_bad_numbers();
	test_continuous_with_model_price();
	test_portfolio_delta();
	test_config_key();
	return unit_summary("test_settlement");
}
