/*
 * classifier.h: the six state-space dimensions O D M L E S.
 *
 * The reference engine's codes and rules, with bifrost's corrections: one
 * hedge threshold (D2 at |delta| >= threshold), max_net_delta_shares
 * forcing D3, O from the sign of portfolio gamma, and a missing quote or
 * one stamped in the future counted as stale data.  Pure C99.
 */
#ifndef BIFROST_CLASSIFIER_H
#define BIFROST_CLASSIFIER_H

#include "engine_config.h"
#include "engine_types.h"

/*
 * The quote as the classifier sees it.  A quote is usable when present,
 * bid and ask are finite and > 0, bid <= ask (a locked quote is usable)
 * and the mid is > 0; otherwise there is no quote (L3).
 */
typedef struct classifier_quote
{
	bool		present;
	double		bid;
	double		ask;
	double		ts;				/* epoch seconds of the quote */
} classifier_quote;

/* Spread in percent of mid, or NAN when the quote is not usable. */
extern double classifier_spread_pct(const classifier_quote *q);

/* Mid price, or NAN when the quote is not usable. */
extern double classifier_mid(const classifier_quote *q);

/*
 * Age of the quote at now in milliseconds (now - ts), or NAN with no quote.
 * Negative for a quote stamped after now.
 */
extern double classifier_data_lag_ms(const classifier_quote *q, double now);

/*
 * A quote stamped more than data_lag_threshold_ms after now.  A venue's
 * clock and ours differ by a few milliseconds, so a slightly negative age
 * is fresh; beyond the tolerance the stamp (or our clock) is wrong and the
 * quote is as suspect as a stale one: M5, S2 and data_stale.  The
 * tolerance is the lag limit itself, so the clocks may disagree by as much
 * as a quote may be old.
 */
extern bool classifier_quote_from_future(const engine_config *cfg, double data_lag_ms);

/* O0 when the greeks are not sane or gamma is 0; O1 long gamma; O2 short. */
extern dim_o classify_o(bool greeks_ok, double gamma);

/*
 * D4 greeks not sane; D0 |delta| <= epsilon_band; D3 |delta| >=
 * max_delta_limit or (max_net_delta_shares set and |delta| > it); D2
 * |delta| >= threshold_hedge_shares; else D1.
 */
extern dim_d classify_d(const engine_config *cfg, bool greeks_ok, double net_delta);

/*
 * M5 when the quote is older than stale_ts_threshold_ms, from the future
 * (classifier_quote_from_future()) or missing (data_lag_ms NAN).
 * Otherwise, with a price window of n >= 2 positive prices (oldest first,
 * the last vol_window_min minutes): vol = sample standard deviation /
 * mean, slope = (last - first) / (n x mean), a relative drift per sample;
 * vol > 0.02 and |slope| < 0.001 -> M3; |slope| > 0.005 -> M2; vol <
 * 0.005 -> M0; else M1.  No window: M1.
 */
extern dim_m classify_m(const engine_config *cfg, double data_lag_ms,
						const double *prices, int n_prices);

/* L3 no usable quote (spread NAN); L2 >= extreme; L1 >= wide; else L0. */
extern dim_l classify_l(const engine_config *cfg, double spread_pct);

/* The execution state as given, except E3 whenever the broker is disconnected. */
extern dim_e classify_e(dim_e execution_state, bool broker_connected);

/*
 * S3 risk halt (loss breaker tripped); S1 greeks not sane; S2 quote older
 * than data_lag_threshold_ms, from the future or missing; else S0.
 */
extern dim_s classify_s(const engine_config *cfg, bool risk_halt,
						bool greeks_ok, double data_lag_ms);

/* The loss breaker: daily_pnl <= -max_daily_loss_usd. */
extern bool classifier_risk_halt(const engine_config *cfg, double daily_pnl);

/* Codes: "O0".."O2", "D0".."D4", "M0".."M5", "L0".."L3", "E0".."E4", "S0".."S3". */
extern const char *dim_o_code(dim_o v);
extern const char *dim_d_code(dim_d v);
extern const char *dim_m_code(dim_m v);
extern const char *dim_l_code(dim_l v);
extern const char *dim_e_code(dim_e v);
extern const char *dim_s_code(dim_s v);

/* The reference's long names: "LONG_GAMMA", "HEDGE_NEEDED", ... */
extern const char *dim_o_label(dim_o v);
extern const char *dim_d_label(dim_d v);
extern const char *dim_m_label(dim_m v);
extern const char *dim_l_label(dim_l v);
extern const char *dim_e_label(dim_e v);
extern const char *dim_s_label(dim_s v);

/* "E0".."E4" (upper case E): true and *out set; else false. */
extern bool dim_e_parse(const char *code, dim_e *out);

#endif							/* BIFROST_CLASSIFIER_H */
