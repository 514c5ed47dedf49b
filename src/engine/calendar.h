/*
 * calendar.h: civil dates and the NYSE holiday rules.
 *
 * Dates are days since 1970-01-01 in the proleptic Gregorian calendar.
 * calendar_nyse_holidays() derives a year's full closures and 13:00 early
 * closes from the exchange's standing rules; the SQL glue seeds the
 * user-editable table bifrost.market_holidays from it, and the engine reads
 * the table (through engine_clock), so one-off closures (national days of
 * mourning, weather) are a row a user adds, not code.  Pure C99.
 */
#ifndef BIFROST_CALENDAR_H
#define BIFROST_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "engine_types.h"

/* Years calendar_nyse_holidays() accepts. */
#define CALENDAR_MIN_YEAR 1971
#define CALENDAR_MAX_YEAR 9999

/* Enough rows for every full closure and early close of one year. */
#define CALENDAR_MAX_DAYS_PER_YEAR 16

/* 13:00 New York time, as a minute of the day. */
#define CALENDAR_EARLY_CLOSE_MIN (13 * 60)

typedef struct calendar_day
{
	int32_t		date;			/* days since 1970-01-01 */
	const char *name;			/* static string, e.g. "Good Friday" */
	int			early_close_min;	/* -1: closed all day; else minute of close */
} calendar_day;

/* Days since 1970-01-01 of year-month-day (month 1..12, day 1..31). */
extern int32_t calendar_days_from_civil(int year, int month, int day);

/* The inverse; any of the outputs may be NULL. */
extern void calendar_civil_from_days(int32_t days, int *year, int *month, int *day);

/* 0 = Sunday .. 6 = Saturday. */
extern int	calendar_weekday(int32_t days);

/* Easter Sunday of a Gregorian year. */
extern int32_t calendar_easter(int year);

/*
 * The NYSE's full holidays and early closes of a year, in date order:
 * New Year's Day (Sunday -> Monday; Saturday -> none, the exchange does not
 * close on the last day of the accounting year), Martin Luther King Jr. Day
 * (third Monday of January, from 1998), Washington's Birthday (third Monday
 * of February), Good Friday, Memorial Day (last Monday of May), Juneteenth
 * (from 2022), Independence Day, Labor Day (first Monday of September),
 * Thanksgiving (fourth Thursday of November) and Christmas (fixed-date
 * holidays: Saturday -> Friday, Sunday -> Monday); early closes at 13:00 on
 * July 3 and December 24 when they are trading weekdays, and on the day
 * after Thanksgiving.  Writes at most max rows; returns how many rows the
 * year has (may exceed max), or -1 when the year is outside
 * [CALENDAR_MIN_YEAR, CALENDAR_MAX_YEAR].  Current rules are applied to
 * every year; historical one-off closures are not known.
 */
extern int	calendar_nyse_holidays(int year, calendar_day *out, int max);

/*
 * The rule-derived status of one date: *holiday true when closed all day,
 * *early_close_min the early close or -1.  Either output may be NULL.
 */
extern void calendar_nyse_day(int32_t date, bool *holiday, int *early_close_min);

/*
 * New York wall clock of an epoch instant from the fixed US daylight-saving
 * rules in force since 2007 (second Sunday of March 02:00 to first Sunday of
 * November 02:00, UTC-4 inside, UTC-5 outside), with holidays from
 * calendar_nyse_day().  For tools, benchmarks and tests; the server computes
 * the clock with PostgreSQL's time-zone database and its holiday table.
 */
extern void calendar_ny_clock(double epoch, engine_clock *out);

/*
 * Fills a clock from a New York date and wall-clock time (seconds since
 * midnight), with the weekday and the rule-derived holiday status.
 */
extern void calendar_clock_from_local(int32_t ny_date, double ny_seconds,
									  engine_clock *out);

#endif							/* BIFROST_CALENDAR_H */
