/*
 * test_calendar.c: civil dates, Easter, the NYSE holiday rules against the
 * exchange's published calendars, and the fixed-rule New York clock.
 */
#include "calendar.h"
#include "unit.h"

#include <string.h>

typedef struct expected_day
{
	int			m,
				d,
				early;			/* -1 full holiday, else close minute */
} expected_day;

#define EARLY CALENDAR_EARLY_CLOSE_MIN

/* Compares a year's generated rows with the published list. */
static void
check_year(int year, const expected_day *want, int n_want)
{
	calendar_day got[CALENDAR_MAX_DAYS_PER_YEAR];
	int			n = calendar_nyse_holidays(year, got, CALENDAR_MAX_DAYS_PER_YEAR);

	if (!CHECK(n == n_want))
		unit_note("year %d: %d rows, expected %d", year, n, n_want);
	for (int i = 0; i < n && i < n_want; i++)
	{
		int32_t		date = calendar_days_from_civil(year, want[i].m, want[i].d);

		if (!CHECK(got[i].date == date) || !CHECK(got[i].early_close_min == want[i].early))
		{
			int			y,
						m,
						d;

			calendar_civil_from_days(got[i].date, &y, &m, &d);
			unit_note("year %d row %d: got %04d-%02d-%02d (%d) %s, expected %02d-%02d (%d)",
					  year, i, y, m, d, got[i].early_close_min, got[i].name,
					  want[i].m, want[i].d, want[i].early);
		}
		CHECK(got[i].name != NULL && got[i].name[0] != '\0');
	}
}

static void
test_civil(void)
{
	int			y,
				m,
				d;

	CHECK(calendar_days_from_civil(1970, 1, 1) == 0);
	CHECK(calendar_days_from_civil(1969, 12, 31) == -1);
	CHECK(calendar_days_from_civil(2000, 3, 1) == 11017);
	CHECK(calendar_days_from_civil(2024, 1, 1) == 19723);
	CHECK(calendar_days_from_civil(2024, 2, 29) == 19782);
	CHECK(calendar_days_from_civil(2024, 3, 1) == 19783);
	CHECK(calendar_days_from_civil(2023, 3, 1) - calendar_days_from_civil(2023, 2, 28) == 1);
	CHECK(calendar_days_from_civil(2100, 3, 1) - calendar_days_from_civil(2100, 2, 28) == 1);
	CHECK(calendar_days_from_civil(2000, 3, 1) - calendar_days_from_civil(2000, 2, 28) == 2);
	CHECK(calendar_days_from_civil(1600, 1, 1) == -135140);

	calendar_civil_from_days(19782, &y, &m, &d);
	CHECK(y == 2024 && m == 2 && d == 29);
	calendar_civil_from_days(-1, &y, &m, &d);
	CHECK(y == 1969 && m == 12 && d == 31);
	calendar_civil_from_days(0, NULL, &m, NULL);
	CHECK(m == 1);

	/* every day from 1600 to 2400 round-trips, and dates advance one day at a time */
	{
		int			bad = 0,
					py = 1599,
					pm = 12,
					pd = 31;

		for (int32_t day = calendar_days_from_civil(1600, 1, 1);
			 day <= calendar_days_from_civil(2400, 12, 31) && !bad; day++)
		{
			bool		next_day,
						next_month,
						next_year;

			calendar_civil_from_days(day, &y, &m, &d);
			next_day = (y == py && m == pm && d == pd + 1);
			next_month = (y == py && m == pm + 1 && d == 1);
			next_year = (y == py + 1 && m == 1 && d == 1 && pm == 12 && pd == 31);
			if (calendar_days_from_civil(y, m, d) != day || !(next_day || next_month || next_year))
				bad = day;
			py = y;
			pm = m;
			pd = d;
		}
		if (!CHECK(bad == 0))
			unit_note("day %d", bad);
	}

	CHECK(calendar_weekday(0) == 4);	/* 1970-01-01 Thursday */
	CHECK(calendar_weekday(-1) == 3);
	CHECK(calendar_weekday(-7) == 4);
	CHECK(calendar_weekday(calendar_days_from_civil(2024, 1, 1)) == 1);
	CHECK(calendar_weekday(calendar_days_from_civil(2000, 1, 1)) == 6);
	CHECK(calendar_weekday(calendar_days_from_civil(1900, 1, 1)) == 1);
}

static void
test_easter(void)
{
	static const int table[][3] = {
		{2008, 3, 23}, {2011, 4, 24}, {2019, 4, 21}, {2021, 4, 4}, {2022, 4, 17},
		{2023, 4, 9}, {2024, 3, 31}, {2025, 4, 20}, {2026, 4, 5}, {2027, 3, 28},
		{2038, 4, 25}, {2285, 3, 22}, {1818, 3, 22}, {1943, 4, 25}
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (!CHECK(calendar_easter(table[i][0]) ==
				   calendar_days_from_civil(table[i][0], table[i][1], table[i][2])))
			unit_note("Easter %d", table[i][0]);
}

static void
test_nyse_years(void)
{
	/* NYSE published calendars */
	static const expected_day y2021[] = {
		{1, 1, -1}, {1, 18, -1}, {2, 15, -1}, {4, 2, -1}, {5, 31, -1}, {7, 5, -1},
		{9, 6, -1}, {11, 25, -1}, {11, 26, EARLY}, {12, 24, -1}
	};
	static const expected_day y2022[] = {
		{1, 17, -1}, {2, 21, -1}, {4, 15, -1}, {5, 30, -1}, {6, 20, -1}, {7, 4, -1},
		{9, 5, -1}, {11, 24, -1}, {11, 25, EARLY}, {12, 26, -1}
	};
	static const expected_day y2023[] = {
		{1, 2, -1}, {1, 16, -1}, {2, 20, -1}, {4, 7, -1}, {5, 29, -1}, {6, 19, -1},
		{7, 3, EARLY}, {7, 4, -1}, {9, 4, -1}, {11, 23, -1}, {11, 24, EARLY}, {12, 25, -1}
	};
	static const expected_day y2024[] = {
		{1, 1, -1}, {1, 15, -1}, {2, 19, -1}, {3, 29, -1}, {5, 27, -1}, {6, 19, -1},
		{7, 3, EARLY}, {7, 4, -1}, {9, 2, -1}, {11, 28, -1}, {11, 29, EARLY},
		{12, 24, EARLY}, {12, 25, -1}
	};
	static const expected_day y2025[] = {
		{1, 1, -1}, {1, 20, -1}, {2, 17, -1}, {4, 18, -1}, {5, 26, -1}, {6, 19, -1},
		{7, 3, EARLY}, {7, 4, -1}, {9, 1, -1}, {11, 27, -1}, {11, 28, EARLY},
		{12, 24, EARLY}, {12, 25, -1}
	};
	static const expected_day y2026[] = {
		{1, 1, -1}, {1, 19, -1}, {2, 16, -1}, {4, 3, -1}, {5, 25, -1}, {6, 19, -1},
		{7, 3, -1}, {9, 7, -1}, {11, 26, -1}, {11, 27, EARLY}, {12, 24, EARLY},
		{12, 25, -1}
	};
	static const expected_day y2027[] = {
		{1, 1, -1}, {1, 18, -1}, {2, 15, -1}, {3, 26, -1}, {5, 31, -1}, {6, 18, -1},
		{7, 5, -1}, {9, 6, -1}, {11, 25, -1}, {11, 26, EARLY}, {12, 24, -1}
	};
	static const expected_day y2017[] = {
		{1, 2, -1}, {1, 16, -1}, {2, 20, -1}, {4, 14, -1}, {5, 29, -1}, {7, 3, EARLY},
		{7, 4, -1}, {9, 4, -1}, {11, 23, -1}, {11, 24, EARLY}, {12, 25, -1}
	};

#define YEAR(y, t) check_year(y, t, (int) (sizeof(t) / sizeof(t[0])))
	YEAR(2017, y2017);
	YEAR(2021, y2021);
	YEAR(2022, y2022);
	YEAR(2023, y2023);
	YEAR(2024, y2024);
	YEAR(2025, y2025);
	YEAR(2026, y2026);
	YEAR(2027, y2027);
#undef YEAR
}

static void
test_nyse_rules(void)
{
	calendar_day few[3];
	bool		holiday;
	int			early;

	/* New Year's Day on a Saturday: the Friday before stays open */
	calendar_nyse_day(calendar_days_from_civil(2021, 12, 31), &holiday, &early);
	CHECK(!holiday && early == -1);
	calendar_nyse_day(calendar_days_from_civil(2027, 12, 31), &holiday, &early);
	CHECK(!holiday && early == -1);
	calendar_nyse_day(calendar_days_from_civil(2022, 1, 3), &holiday, NULL);
	CHECK(!holiday);
	/* Sunday -> Monday, Saturday -> Friday for the other fixed dates */
	calendar_nyse_day(calendar_days_from_civil(2022, 12, 26), &holiday, NULL);
	CHECK(holiday);
	calendar_nyse_day(calendar_days_from_civil(2027, 6, 18), &holiday, NULL);
	CHECK(holiday);
	calendar_nyse_day(calendar_days_from_civil(2020, 7, 3), &holiday, &early);
	CHECK(holiday && early == -1);
	calendar_nyse_day(calendar_days_from_civil(2020, 7, 2), &holiday, &early);
	CHECK(!holiday && early == -1);
	/* Juneteenth only from 2022 */
	calendar_nyse_day(calendar_days_from_civil(2021, 6, 18), &holiday, NULL);
	CHECK(!holiday);
	calendar_nyse_day(calendar_days_from_civil(2021, 6, 21), &holiday, NULL);
	CHECK(!holiday);
	/* MLK Day only from 1998 */
	calendar_nyse_day(calendar_days_from_civil(1997, 1, 20), &holiday, NULL);
	CHECK(!holiday);
	calendar_nyse_day(calendar_days_from_civil(1998, 1, 19), &holiday, NULL);
	CHECK(holiday);
	/* an early close is not a holiday */
	calendar_nyse_day(calendar_days_from_civil(2024, 11, 29), &holiday, &early);
	CHECK(!holiday && early == 13 * 60);
	/* an ordinary day */
	calendar_nyse_day(calendar_days_from_civil(2024, 3, 28), &holiday, &early);
	CHECK(!holiday && early == -1);
	calendar_nyse_day(calendar_days_from_civil(2024, 3, 28), NULL, NULL);

	/* truncation and range */
	CHECK(calendar_nyse_holidays(2024, few, 3) == 13);
	CHECK(few[0].date == calendar_days_from_civil(2024, 1, 1));
	CHECK(few[2].date == calendar_days_from_civil(2024, 2, 19));
	CHECK(calendar_nyse_holidays(2024, NULL, 0) == 13);
	CHECK(calendar_nyse_holidays(CALENDAR_MIN_YEAR - 1, few, 3) == -1);
	CHECK(calendar_nyse_holidays(CALENDAR_MAX_YEAR + 1, few, 3) == -1);
	CHECK(calendar_nyse_holidays(CALENDAR_MIN_YEAR, few, 0) > 0);

	/* every year: sorted, weekdays only, 8..13 rows (fewer before 1998 and 2022) */
	{
		int			bad_year = 0;

		for (int year = CALENDAR_MIN_YEAR; year <= 2200 && !bad_year; year++)
		{
			calendar_day days[CALENDAR_MAX_DAYS_PER_YEAR];
			int			n = calendar_nyse_holidays(year, days, CALENDAR_MAX_DAYS_PER_YEAR);
			bool		ok = n >= 8 && n <= 13;

			for (int i = 0; i < n && ok; i++)
			{
				int			wd = calendar_weekday(days[i].date);

				ok = wd >= 1 && wd <= 5 && (i == 0 || days[i].date > days[i - 1].date);
			}
			if (!ok)
				bad_year = year;
		}
		if (!CHECK(bad_year == 0))
			unit_note("year %d", bad_year);
	}
}

static double
epoch_of(int y, int m, int d, int hh, int mm, int ss)
{
	return calendar_days_from_civil(y, m, d) * 86400.0 + hh * 3600.0 + mm * 60.0 + ss;
}

static void
test_ny_clock(void)
{
	engine_clock c;

	/* 2024-01-02 14:30:00 UTC = 09:30 EST */
	calendar_ny_clock(1704205800.0, &c);
	CHECK(c.ny_date == calendar_days_from_civil(2024, 1, 2));
	CHECK(c.ny_weekday == 2);
	CHECK_NEAR_ABS(c.ny_seconds, 9.5 * 3600, 1e-6);
	CHECK(!c.ny_holiday && c.ny_early_close_min == -1);

	/* DST starts 2024-03-10 at 07:00 UTC */
	calendar_ny_clock(epoch_of(2024, 3, 10, 6, 59, 59), &c);
	CHECK_NEAR_ABS(c.ny_seconds, 1 * 3600 + 59 * 60 + 59, 1e-6);
	calendar_ny_clock(epoch_of(2024, 3, 10, 7, 0, 0), &c);
	CHECK_NEAR_ABS(c.ny_seconds, 3 * 3600, 1e-6);
	/* and ends 2024-11-03 at 06:00 UTC */
	calendar_ny_clock(epoch_of(2024, 11, 3, 5, 59, 59), &c);
	CHECK_NEAR_ABS(c.ny_seconds, 1 * 3600 + 59 * 60 + 59, 1e-6);
	calendar_ny_clock(epoch_of(2024, 11, 3, 6, 0, 0), &c);
	CHECK_NEAR_ABS(c.ny_seconds, 1 * 3600, 1e-6);
	/* summer: 13:30 UTC = 09:30 EDT */
	calendar_ny_clock(epoch_of(2024, 7, 1, 13, 30, 0), &c);
	CHECK_NEAR_ABS(c.ny_seconds, 9.5 * 3600, 1e-6);
	/* the New York date lags UTC in the evening */
	calendar_ny_clock(epoch_of(2024, 7, 5, 2, 0, 0), &c);
	CHECK(c.ny_date == calendar_days_from_civil(2024, 7, 4));
	CHECK(c.ny_holiday);
	CHECK(c.ny_weekday == 4);
	calendar_ny_clock(epoch_of(2024, 11, 29, 15, 0, 0), &c);
	CHECK(!c.ny_holiday && c.ny_early_close_min == 13 * 60);
	/* before 1970 */
	calendar_ny_clock(-86400.0 * 365, &c);
	CHECK(c.ny_date == calendar_days_from_civil(1968, 12, 31));

	calendar_clock_from_local(calendar_days_from_civil(2024, 12, 25), 36000.0, &c);
	CHECK(c.ny_holiday && c.ny_weekday == 3 && c.ny_seconds == 36000.0);
}

int
main(void)
{
	test_civil();
	test_easter();
	test_nyse_years();
	test_nyse_rules();
	test_ny_clock();
	return unit_summary("test_calendar");
}
