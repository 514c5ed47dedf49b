/*
 * classifier.c: rules of the six state-space dimensions.
 */
#include "classifier.h"

#include <math.h>
#include <string.h>

/* Market-regime cut-offs of the reference (fractions). */
#define REGIME_CHOPPY_VOL	0.02
#define REGIME_CHOPPY_SLOPE 0.001
#define REGIME_TREND_SLOPE	0.005
#define REGIME_QUIET_VOL	0.005

static bool
quote_usable(const classifier_quote *q)
{
	return q->present && isfinite(q->bid) && isfinite(q->ask) &&
		q->bid > 0.0 && q->ask > 0.0 && q->bid <= q->ask;
}

double
classifier_mid(const classifier_quote *q)
{
	return quote_usable(q) ? 0.5 * (q->bid + q->ask) : NAN;
}

double
classifier_spread_pct(const classifier_quote *q)
{
	double		mid = classifier_mid(q);

	return mid > 0.0 ? 100.0 * (q->ask - q->bid) / mid : NAN;
}

double
classifier_data_lag_ms(const classifier_quote *q, double now)
{
	return (q->present && isfinite(q->ts)) ? (now - q->ts) * 1000.0 : NAN;
}

bool
classifier_quote_from_future(const engine_config *cfg, double data_lag_ms)
{
	return data_lag_ms < -cfg->data_lag_threshold_ms;
}

dim_o
classify_o(bool greeks_ok, double gamma)
{
	if (!greeks_ok || gamma == 0.0)
		return DIM_O0_NONE;
	return gamma > 0.0 ? DIM_O1_LONG_GAMMA : DIM_O2_SHORT_GAMMA;
}

dim_d
classify_d(const engine_config *cfg, bool greeks_ok, double net_delta)
{
	double		a = fabs(net_delta);

	if (!greeks_ok)
		return DIM_D4_INVALID;
	if (a <= cfg->epsilon_band)
		return DIM_D0_IN_BAND;
	if (a >= cfg->max_delta_limit ||
		(!isnan(cfg->max_net_delta_shares) && a > cfg->max_net_delta_shares))
		return DIM_D3_FORCE_HEDGE;
	if (a >= cfg->threshold_hedge_shares)
		return DIM_D2_HEDGE_NEEDED;
	return DIM_D1_MINOR;
}

dim_m
classify_m(const engine_config *cfg, double data_lag_ms,
		   const double *prices, int n)
{
	double		sum = 0.0,
				mean,
				ss = 0.0,
				vol,
				slope;

	if (!(data_lag_ms <= cfg->stale_ts_threshold_ms) ||
		classifier_quote_from_future(cfg, data_lag_ms))
		return DIM_M5_STALE;	/* too old, from the future, or no quote at all */
	if (prices == NULL || n < 2)
		return DIM_M1_NORMAL;
	for (int i = 0; i < n; i++)
		sum += prices[i];
	mean = sum / n;
	if (!(mean > 0.0) || !isfinite(mean))
		return DIM_M1_NORMAL;
	for (int i = 0; i < n; i++)
		ss += (prices[i] - mean) * (prices[i] - mean);
	vol = sqrt(ss / (n - 1)) / mean;
	slope = (prices[n - 1] - prices[0]) / (n * mean);
	if (vol > REGIME_CHOPPY_VOL && fabs(slope) < REGIME_CHOPPY_SLOPE)
		return DIM_M3_CHOPPY_HIGHVOL;
	if (fabs(slope) > REGIME_TREND_SLOPE)
		return DIM_M2_TREND;
	if (vol < REGIME_QUIET_VOL)
		return DIM_M0_QUIET;
	return DIM_M1_NORMAL;
}

dim_l
classify_l(const engine_config *cfg, double spread_pct)
{
	if (isnan(spread_pct))
		return DIM_L3_NO_QUOTE;
	if (spread_pct >= cfg->extreme_spread_pct)
		return DIM_L2_EXTREME_WIDE;
	if (spread_pct >= cfg->wide_spread_pct)
		return DIM_L1_WIDE;
	return DIM_L0_NORMAL;
}

dim_e
classify_e(dim_e execution_state, bool broker_connected)
{
	return broker_connected ? execution_state : DIM_E3_DISCONNECTED;
}

bool
classifier_risk_halt(const engine_config *cfg, double daily_pnl)
{
	return daily_pnl <= -cfg->max_daily_loss_usd;
}

dim_s
classify_s(const engine_config *cfg, bool risk_halt, bool greeks_ok,
		   double data_lag_ms)
{
	if (risk_halt)
		return DIM_S3_RISK_HALT;
	if (!greeks_ok)
		return DIM_S1_GREEKS_BAD;
	if (!(data_lag_ms <= cfg->data_lag_threshold_ms) ||
		classifier_quote_from_future(cfg, data_lag_ms))
		return DIM_S2_DATA_LAG;
	return DIM_S0_OK;
}

static const char *const o_codes[] = {"O0", "O1", "O2"};
static const char *const d_codes[] = {"D0", "D1", "D2", "D3", "D4"};
static const char *const m_codes[] = {"M0", "M1", "M2", "M3", "M4", "M5"};
static const char *const l_codes[] = {"L0", "L1", "L2", "L3"};
static const char *const e_codes[] = {"E0", "E1", "E2", "E3", "E4"};
static const char *const s_codes[] = {"S0", "S1", "S2", "S3"};

static const char *const o_labels[] = {"NONE", "LONG_GAMMA", "SHORT_GAMMA"};
static const char *const d_labels[] = {"IN_BAND", "MINOR", "HEDGE_NEEDED", "FORCE_HEDGE", "INVALID"};
static const char *const m_labels[] = {"QUIET", "NORMAL", "TREND", "CHOPPY_HIGHVOL", "GAP", "STALE"};
static const char *const l_labels[] = {"NORMAL", "WIDE", "EXTREME_WIDE", "NO_QUOTE"};
static const char *const e_labels[] = {"IDLE", "ORDER_WORKING", "PARTIAL", "DISCONNECTED", "BROKER_ERROR"};
static const char *const s_labels[] = {"OK", "GREEKS_BAD", "DATA_LAG", "RISK_HALT"};

#define NAME_OF(table, v) \
	((unsigned) (v) < sizeof(table) / sizeof(table[0]) ? table[v] : "UNKNOWN")

const char *
dim_o_code(dim_o v)
{
	return NAME_OF(o_codes, v);
}

const char *
dim_d_code(dim_d v)
{
	return NAME_OF(d_codes, v);
}

const char *
dim_m_code(dim_m v)
{
	return NAME_OF(m_codes, v);
}

const char *
dim_l_code(dim_l v)
{
	return NAME_OF(l_codes, v);
}

const char *
dim_e_code(dim_e v)
{
	return NAME_OF(e_codes, v);
}

const char *
dim_s_code(dim_s v)
{
	return NAME_OF(s_codes, v);
}

const char *
dim_o_label(dim_o v)
{
	return NAME_OF(o_labels, v);
}

const char *
dim_d_label(dim_d v)
{
	return NAME_OF(d_labels, v);
}

const char *
dim_m_label(dim_m v)
{
	return NAME_OF(m_labels, v);
}

const char *
dim_l_label(dim_l v)
{
	return NAME_OF(l_labels, v);
}

const char *
dim_e_label(dim_e v)
{
	return NAME_OF(e_labels, v);
}

const char *
dim_s_label(dim_s v)
{
	return NAME_OF(s_labels, v);
}

bool
dim_e_parse(const char *code, dim_e *out)
{
	for (int i = 0; i < (int) (sizeof(e_codes) / sizeof(e_codes[0])); i++)
		if (strcmp(code, e_codes[i]) == 0)
		{
			*out = (dim_e) i;
			return true;
		}
	return false;
}
