/*
 * backtest_keys.h: the keys a backtest's configuration adds to those of
 * bifrost.config (config_schema.h): where the quotes come from, the book
 * and the position it starts with, the money (financing, capital, the
 * curve's sampling, the year of the ratios) and what is recorded.  One
 * table, checked by config_check_value() like every other key, so the
 * README, the SQL function and the tests read the same ranges.  The legs
 * (backtest.legs, an array of objects shaped like bifrost.legs rows) are
 * checked by the SQL glue.  Pure C99.
 */
#ifndef BIFROST_BACKTEST_KEYS_H
#define BIFROST_BACKTEST_KEYS_H

#include "config_schema.h"

/* Every backtest key starts with it. */
#define BACKTEST_KEY_PREFIX "backtest."

/* The key of the legs: not in backtest_keys[] (an array of objects). */
#define BACKTEST_KEY_LEGS "backtest.legs"

extern const config_key_spec backtest_keys[];
extern const int backtest_key_count;

/* The spec of a backtest key, NULL when there is none of that name. */
extern const config_key_spec *backtest_find_key(const char *key);

#endif							/* BIFROST_BACKTEST_KEYS_H */
