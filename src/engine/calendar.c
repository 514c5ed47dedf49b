/*
 * calendar.c: civil-date arithmetic and the NYSE holiday rules.
 *
 * The date conversions count 400-year eras of 146097 days from a year that
 * starts in March, so February's leap day is the last day of the counting
 * year and no month table is needed.  The holiday rules are NYSE Rule 7.2
 * as the exchange applies it today.
 */
#include "calendar.h"

#include <math.h>
#include <stddef.h>

#define SECONDS_PER_DAY 86400.0

/* Floor division for the era arithmetic (C division truncates toward zero). */
static int64_t
floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int32_t
calendar_days_from_civil(int year, int month, int day)
{
	int64_t		y = (int64_t) year - (month <= 2 ? 1 : 0);
	int64_t		era = floor_div(y, 400);
	int64_t		yoe = y - era * 400;	/* [0, 399] */
	int64_t		mp = (month + 9) % 12;	/* March = 0 .. February = 11 */
	int64_t		doy = (153 * mp + 2) / 5 + day - 1; /* [0, 365] */
	int64_t		doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;	/* [0, 146096] */

	/* 719468 = days from 0000-03-01 to 1970-01-01 */
	return (int32_t) (era * 146097 + doe - 719468);
}

void
calendar_civil_from_days(int32_t days, int *year, int *month, int *day)
{
	int64_t		z = (int64_t) days + 719468;
	int64_t		era = floor_div(z, 146097);
	int64_t		doe = z - era * 146097;
	int64_t		yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t		doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t		mp = (5 * doy + 2) / 153;
	int64_t		d = doy - (153 * mp + 2) / 5 + 1;
	int64_t		m = mp < 10 ? mp + 3 : mp - 9;
	int64_t		y = yoe + era * 400 + (m <= 2 ? 1 : 0);

	if (year)
		*year = (int) y;
	if (month)
		*month = (int) m;
	if (day)
		*day = (int) d;
}

int
calendar_weekday(int32_t days)
{
	/* 1970-01-01 was a Thursday (4) */
	return (int) (((int64_t) days % 7 + 11) % 7);
}

/* Anonymous Gregorian computus (Meeus/Jones/Butcher). */
int32_t
calendar_easter(int year)
{
	int			a = year % 19;
	int			b = year / 100;
	int			c = year % 100;
	int			d = b / 4;
	int			e = b % 4;
	int			f = (b + 8) / 25;
	int			g = (b - f + 1) / 3;
	int			h = (19 * a + b - d - g + 15) % 30;
	int			i = c / 4;
	int			k = c % 4;
	int			l = (32 + 2 * e + 2 * i - h - k) % 7;
	int			m = (a + 11 * h + 22 * l) / 451;
	int			month = (h + l - 7 * m + 114) / 31;
	int			day = (h + l - 7 * m + 114) % 31 + 1;

	return calendar_days_from_civil(year, month, day);
}

/* The n-th (1-based) given weekday of a month. */
static int32_t
nth_weekday(int year, int month, int weekday, int n)
{
	int32_t		first = calendar_days_from_civil(year, month, 1);
	int			shift = (weekday - calendar_weekday(first) + 7) % 7;

	return first + shift + 7 * (n - 1);
}

/* The last given weekday of a month. */
static int32_t
last_weekday(int year, int month, int weekday)
{
	int32_t		last = calendar_days_from_civil(year + (month == 12), month % 12 + 1, 1) - 1;
	int			back = (calendar_weekday(last) - weekday + 7) % 7;

	return last - back;
}

/* A fixed-date holiday moved off the weekend: Saturday -> Friday, Sunday -> Monday. */
static int32_t
observed(int32_t date)
{
	int			wd = calendar_weekday(date);

	if (wd == 6)
		return date - 1;
	if (wd == 0)
		return date + 1;
	return date;
}

typedef struct day_list
{
	calendar_day *out;
	int			max;
	int			n;
} day_list;

static void
add_day(day_list *list, int32_t date, const char *name, int early_close_min)
{
	if (list->n < list->max)
	{
		list->out[list->n].date = date;
		list->out[list->n].name = name;
		list->out[list->n].early_close_min = early_close_min;
	}
	list->n++;
}

/* True when a weekday date is one of the year's full closures. */
static bool
is_full_closure(const calendar_day *days, int n, int32_t date)
{
	for (int i = 0; i < n; i++)
		if (days[i].date == date && days[i].early_close_min < 0)
			return true;
	return false;
}

static int
compare_days(const calendar_day *a, const calendar_day *b)
{
	return (a->date > b->date) - (a->date < b->date);
}

int
calendar_nyse_holidays(int year, calendar_day *out, int max)
{
	calendar_day full[CALENDAR_MAX_DAYS_PER_YEAR];
	day_list	all = {full, CALENDAR_MAX_DAYS_PER_YEAR, 0};
	int32_t		new_year,
				thanksgiving,
				july3,
				dec24;
	int			n_full;

	if (year < CALENDAR_MIN_YEAR || year > CALENDAR_MAX_YEAR)
		return -1;

	/* A Saturday New Year's Day is not observed on the Friday before. */
	new_year = calendar_days_from_civil(year, 1, 1);
	if (calendar_weekday(new_year) == 0)
		add_day(&all, new_year + 1, "New Year's Day", -1);
	else if (calendar_weekday(new_year) != 6)
		add_day(&all, new_year, "New Year's Day", -1);
	if (year >= 1998)
		add_day(&all, nth_weekday(year, 1, 1, 3), "Martin Luther King Jr. Day", -1);
	add_day(&all, nth_weekday(year, 2, 1, 3), "Washington's Birthday", -1);
	add_day(&all, calendar_easter(year) - 2, "Good Friday", -1);
	add_day(&all, last_weekday(year, 5, 1), "Memorial Day", -1);
	if (year >= 2022)
		add_day(&all, observed(calendar_days_from_civil(year, 6, 19)), "Juneteenth", -1);
	add_day(&all, observed(calendar_days_from_civil(year, 7, 4)), "Independence Day", -1);
	add_day(&all, nth_weekday(year, 9, 1, 1), "Labor Day", -1);
	thanksgiving = nth_weekday(year, 11, 4, 4);
	add_day(&all, thanksgiving, "Thanksgiving Day", -1);
	add_day(&all, observed(calendar_days_from_civil(year, 12, 25)), "Christmas Day", -1);
	n_full = all.n;

	/* Early closes, only on days that are trading weekdays. */
	july3 = calendar_days_from_civil(year, 7, 3);
	if (calendar_weekday(july3) >= 1 && calendar_weekday(july3) <= 5 &&
		!is_full_closure(full, n_full, july3))
		add_day(&all, july3, "Independence Day eve (early close)", CALENDAR_EARLY_CLOSE_MIN);
	add_day(&all, thanksgiving + 1, "Day after Thanksgiving (early close)",
			CALENDAR_EARLY_CLOSE_MIN);
	dec24 = calendar_days_from_civil(year, 12, 24);
	if (calendar_weekday(dec24) >= 1 && calendar_weekday(dec24) <= 5 &&
		!is_full_closure(full, n_full, dec24))
		add_day(&all, dec24, "Christmas Eve (early close)", CALENDAR_EARLY_CLOSE_MIN);

	/* insertion sort by date: at most 13 rows */
	for (int i = 1; i < all.n; i++)
	{
		calendar_day x = full[i];
		int			j = i - 1;

		while (j >= 0 && compare_days(&full[j], &x) > 0)
		{
			full[j + 1] = full[j];
			j--;
		}
		full[j + 1] = x;
	}
	for (int i = 0; i < all.n && i < max; i++)
		out[i] = full[i];
	return all.n;
}

void
calendar_nyse_day(int32_t date, bool *holiday, int *early_close_min)
{
	calendar_day days[CALENDAR_MAX_DAYS_PER_YEAR];
	int			year,
				n;
	bool		h = false;
	int			early = -1;

	calendar_civil_from_days(date, &year, NULL, NULL);
	n = calendar_nyse_holidays(year, days, CALENDAR_MAX_DAYS_PER_YEAR);
	for (int i = 0; i < n; i++)
		if (days[i].date == date)
		{
			if (days[i].early_close_min < 0)
				h = true;
			else
				early = days[i].early_close_min;
		}
	if (holiday)
		*holiday = h;
	if (early_close_min)
		*early_close_min = early;
}

void
calendar_clock_from_local(int32_t ny_date, double ny_seconds, engine_clock *out)
{
	out->ny_date = ny_date;
	out->ny_weekday = calendar_weekday(ny_date);
	out->ny_seconds = ny_seconds;
	calendar_nyse_day(ny_date, &out->ny_holiday, &out->ny_early_close_min);
}

void
calendar_ny_clock(double epoch, engine_clock *out)
{
	double		utc_day = floor(epoch / SECONDS_PER_DAY);
	int			year;
	double		dst_start,
				dst_end,
				offset,
				local,
				local_day;

	calendar_civil_from_days((int32_t) utc_day, &year, NULL, NULL);
	/* 02:00 EST = 07:00 UTC; 02:00 EDT = 06:00 UTC */
	dst_start = nth_weekday(year, 3, 0, 2) * SECONDS_PER_DAY + 7 * 3600.0;
	dst_end = nth_weekday(year, 11, 0, 1) * SECONDS_PER_DAY + 6 * 3600.0;
	offset = (epoch >= dst_start && epoch < dst_end) ? -4 * 3600.0 : -5 * 3600.0;
	local = epoch + offset;
	local_day = floor(local / SECONDS_PER_DAY);
	calendar_clock_from_local((int32_t) local_day, local - local_day * SECONDS_PER_DAY, out);
}
