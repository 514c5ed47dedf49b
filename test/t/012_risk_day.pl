# The loss breaker and the trading day (replay feed, ticks inserted step by step).
# Breaker: short straddles and a rising spot lose money; with max_daily_loss_usd 100 the breaker trips: one
# risk_events row for the trip and one when it starts blocking a hedge, decisions blocked with
# circuit_breaker, bifrost_status() shows it, no order after it; daily_pnl is equity now minus equity at
# the day's first mark; on the next trading day the breaker is clear again. Day roll: day_roll_tz UTC
# and ticks across 00:00 UTC: daily_hedge_count restarts at 0 on the new date, two hedger_days rows, the
# new day's P&L starts from its own first mark. The other risk limits: one risk_events row each when it
# starts blocking (max_daily_hedge_count, max_position, spread_too_wide, earnings_blackout).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my @FAST   = (
	'feed.replay.speed'                     => '0',
	'gates.intent.hedge.cooldown_seconds'   => '0',
	'gates.intent.hedge.min_price_move_pct' => '0');
my $ok;

# The equity of the book at the last tick (cash of the fills + position x mid + legs at model value).
my $EQUITY = q{
	WITH last AS (SELECT ts, (bid + ask) / 2 AS mid FROM bifrost.ticks ORDER BY ts DESC, id DESC LIMIT 1)
	SELECT round((
	         coalesce((SELECT sum(CASE side WHEN 'BUY' THEN -1 ELSE 1 END * price * quantity)
	                     FROM bifrost.operations WHERE type = 'fill' AND ts >= '%s'), 0)
	       + coalesce((SELECT sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END)
	                     FROM bifrost.operations WHERE type = 'fill'), 0) * last.mid
	       + (SELECT sum(l.quantity * l.multiplier * bifrost_bs_price(l.option_right, last.mid::float8,
	                     l.strike::float8, extract(epoch FROM l.expiry - last.ts) / (365 * 86400), 0.05, 0, 0.35))
	            FROM bifrost.legs l))::numeric, 4)
	  FROM last};

# ---- the loss breaker ---------------------------------------------------------------------------------
{
	my $node = hedging_node(
		'breaker',
		config => [ @FAST, 'gates.guard.risk.max_daily_loss_usd' => '100' ],
		legs   => [ [ 'C', 100, $EXPIRY, -10 ], [ 'P', 100, $EXPIRY, -10 ] ]);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = 1795532400;    # 2026-11-24 10:00 New York

	$t = insert_ticks($node, $t, 2, 100, 100, 100, 100, 100);
	($ok) = wait_cursor($node, 30);
	is( $q->(q{SELECT string_agg(type || ':' || side, ',' ORDER BY id) FROM bifrost.operations}),
		'hedge_intent:BUY,order_sent:BUY,fill:BUY', 'short straddles: the hedge is a BUY, filled');
	is($q->(q{SELECT count(*) FROM bifrost.risk_events}), '0', 'no risk event yet');

	# Spot jumps 3 in one tick: short gamma loses about 0.5 x 88 x 3^2 = 396 > 100 at once, and the
	# hedger wants to buy about 264 more shares.
	$t = insert_ticks($node, $t, 2, 103, 103);
	($ok) = wait_cursor($node, 30);
	my ($pnl, $start) = split /\|/, $q->(q{
		SELECT daily_pnl, (SELECT start_equity FROM bifrost.hedger_days) FROM bifrost.status_current});
	cmp_ok($pnl, '<=', -100, "daily_pnl $pnl at or below -max_daily_loss_usd (100)");
	my $equity = $q->(sprintf($EQUITY, '2026-11-24 00:00+00'));
	ok(abs($pnl - ($equity - $start)) < 1e-4, "daily_pnl = equity now ($equity) - equity at the day's first mark ($start)");
	is( $q->(q{SELECT count(*) FROM bifrost.risk_events
	            WHERE rule = 'circuit_breaker' AND level = 'block' AND details LIKE '%loss breaker tripped%'}),
		'1', 'one risk_events row for the trip (rule circuit_breaker)');
	is( $q->(q{SELECT count(*) FROM bifrost.risk_events
	            WHERE rule = 'circuit_breaker' AND details LIKE '%blocked by circuit_breaker%'}),
		'1', 'one risk_events row when the breaker starts blocking a hedge (not one per tick)');
	my $blocked = $q->(q{SELECT count(*) FROM bifrost.decisions
	                      WHERE action = 'blocked' AND block_reason = 'circuit_breaker'});
	cmp_ok($blocked, '>=', 2, "decisions blocked with circuit_breaker ($blocked)");
	is( $q->(q{SELECT count(*) FROM bifrost.operations o, bifrost.risk_events r
	            WHERE o.type = 'hedge_intent' AND r.details LIKE '%tripped%' AND o.ts >= r.ts}),
		'0', 'no intent at or after the trip');
	like($q->(q{SELECT bifrost_status() ->> 'block_reasons'}), qr/circuit_breaker/,
		'bifrost_status(): block_reasons contains circuit_breaker');
	is($q->(q{SELECT bifrost_status() ->> 'status_lamp'}), 'red', 'bifrost_status(): red lamp');

	# Still tripped on the next ticks: blocked, no new risk row.
	$t = insert_ticks($node, $t, 2, 103.1, 103.2);
	($ok) = wait_cursor($node, 30);
	is( $q->(q{SELECT count(*) FROM bifrost.decisions WHERE block_reason = 'circuit_breaker'}),
		$blocked + 2, 'still tripped: each tick that wants to hedge is blocked');
	is($q->(q{SELECT count(*) FROM bifrost.risk_events}), '2', 'still two risk_events rows');
	is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'hedge_intent'}), '1', 'still one hedge');

	# The next trading day (New York, the default day_roll_tz): P&L and breaker start again from the
	# day's first mark, and the hedger hedges what the breaker held back.
	$t = insert_ticks($node, 1795532400 + 86400, 2, 103.2, 103.2);
	($ok) = wait_cursor($node, 30);
	is( $q->(q{SELECT string_agg(trading_date::text, ',' ORDER BY trading_date) FROM bifrost.hedger_days}),
		'2026-11-24,2026-11-25', 'next day: a second hedger_days row');
	is( $q->(q{SELECT side || ' ' || (ts = '2026-11-25 15:00:00+00')::text FROM bifrost.operations
	            WHERE type = 'hedge_intent' ORDER BY id DESC LIMIT 1}),
		'BUY true', "next day: the breaker no longer blocks, the first tick hedges (BUY)");
	($ok) = wait_until($node, 'postgres', q{SELECT daily_hedge_count = 1 FROM bifrost.status_current}, 5);
	ok($ok, 'next day: one hedge today (the count rolled)');
	($pnl, $start) = split /\|/, $q->(q{
		SELECT daily_pnl, (SELECT start_equity FROM bifrost.hedger_days WHERE trading_date = '2026-11-25')
		  FROM bifrost.status_current});
	$equity = $q->(sprintf($EQUITY, '2026-11-25 00:00+00'));
	ok(abs($pnl - ($equity - $start)) < 1e-4 && $pnl > -10,
		"next day: daily_pnl $pnl = equity now - the 25th's first mark: only the cost of crossing the spread");
	unlike($q->(q{SELECT bifrost_status() ->> 'block_reasons'}), qr/circuit_breaker/,
		'next day: bifrost_status() no longer shows circuit_breaker');
	$node->stop;
}

# ---- the day roll ------------------------------------------------------------------------------------------
{
	my $node = hedging_node(
		'day_roll',
		config => [
			@FAST,
			'day_roll_tz'                       => '"UTC"',
			'gates.strategy.trading_hours_only' => 'false'
		],
		legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ]);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = 1795564780;    # 2026-11-24 23:59:40 UTC

	# 23:59:40 .. 23:59:58: a hedge at the 4th tick and one at the 6th (spot up), both filled.
	# 00:00:00 .. 00:00:08: a hedge at 00:00:00 (spot up again) and at 00:00:04, both filled.
	$t = insert_ticks($node, $t, 2, 100, 100, 100, 100, 100, 101, 101, 101, 101, 101);
	is($q->("SELECT to_timestamp($t) AT TIME ZONE 'UTC'"), '2026-11-25 00:00:00', 'first day ends at midnight UTC');
	$t = insert_ticks($node, $t, 2, 102, 102, 103, 103, 103);
	($ok) = wait_cursor($node, 30);
	ok($ok, 'ticks across midnight taken');
	is(open_orders($node), '0', 'nothing open');
	is( $q->(q{SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' ' || side, ', ' ORDER BY id)
	             FROM bifrost.operations WHERE type = 'hedge_intent'}),
		'23:59:46 SELL, 23:59:50 SELL, 00:00:00 SELL, 00:00:04 SELL', 'two hedges on each side of midnight');
	is( $q->(q{SELECT string_agg(reason || ' ' || daily_hedge_count, ', ' ORDER BY id)
	             FROM bifrost.status_history WHERE reason IN ('hedge_intent', 'fill')}),
		'hedge_intent 0, fill 1, hedge_intent 1, fill 2, hedge_intent 0, fill 1, hedge_intent 1, fill 2',
		'daily_hedge_count in status_history: 1, 2 on the 24th, back to 0 at midnight UTC, then 1, 2');
	is( $q->(q{SELECT string_agg(trading_date || ' ' || to_char(started_at AT TIME ZONE 'UTC', 'HH24:MI:SS'), ', '
	                             ORDER BY trading_date) FROM bifrost.hedger_days}),
		'2026-11-24 23:59:40, 2026-11-25 00:00:00', 'two hedger_days rows, each started at its first tick');
	($ok) = wait_until($node, 'postgres', q{SELECT daily_hedge_count = 2 FROM bifrost.status_current}, 5);
	ok($ok, 'status_current.daily_hedge_count 2 (the 25th only)');
	my ($pnl, $start) = split /\|/, $q->(q{
		SELECT daily_pnl, (SELECT start_equity FROM bifrost.hedger_days WHERE trading_date = '2026-11-25')
		  FROM bifrost.status_current});
	my $equity = $q->(sprintf($EQUITY, '2026-11-25 00:00+00'));
	ok(abs($pnl - ($equity - $start)) < 1e-4,
		"daily_pnl $pnl: equity now ($equity, cash of the 25th's fills) - the 25th's first mark ($start)");
	$node->stop;
}

# ---- the other risk limits ---------------------------------------------------------------------------------
# Each limit that starts blocking a hedge writes one risk_events row (not one per tick), and the decisions
# carry it as their block reason: max_daily_hedge_count, max_position, spread_too_wide, earnings_blackout.
{
	my $node = hedging_node('risk_limits', config => [ @FAST, 'gates.guard.risk.max_daily_hedge_count' => '1' ],
		legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ]);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = insert_ticks($node, 1795532400, 2, 100, 100, 100, 100, 100);
	($ok) = wait_cursor($node, 30);
	is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'fill'}), '1', 'limits: one hedge filled');

	# (a limit, the config that makes it the first failing gate on the next two ticks at 101.5, which want
	# to sell about 130 shares more: -65 - 130 = -195 beyond 100 shares; a 2 bps spread above 0.01 %;
	# 2026-11-24 within the 3 days before an earnings date on the 25th)
	my @steps = (
		[ 'max_daily_hedge_count', [] ],
		[
			'max_position',
			[ 'gates.guard.risk.max_daily_hedge_count' => '50', 'gates.guard.risk.max_position_shares' => '100' ]
		],
		[
			'spread_too_wide',
			[ 'gates.guard.risk.max_position_shares' => '2000', 'gates.guard.risk.max_spread_pct' => '0.01' ]
		],
		[
			'earnings_blackout',
			[ 'gates.guard.risk.max_spread_pct' => 'null', 'gates.strategy.earnings.dates' => '["2026-11-25"]' ]
		]);
	for my $s (@steps)
	{
		my ($rule, $cfg) = @$s;
		ok(set_config($node, @$cfg), "limits: config for $rule applied") if @$cfg;
		my $from = $t;
		$t = insert_ticks($node, $t, 2, 101.5, 101.5);
		($ok) = wait_cursor($node, 30);
		is( $q->(qq{SELECT string_agg(coalesce(block_reason, action), ',' ORDER BY id) FROM bifrost.decisions
		             WHERE ts >= to_timestamp($from)}),
			"$rule,$rule", "limits: both ticks blocked by $rule");
		is( $q->(qq{SELECT count(*) || ' ' || min(level) FROM bifrost.risk_events WHERE ts >= to_timestamp($from)}),
			'1 block', "limits: one risk_events row (level block) when $rule starts blocking");
		is($q->(qq{SELECT rule FROM bifrost.risk_events ORDER BY id DESC LIMIT 1}), $rule, "limits: its rule is $rule");
	}
	is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'hedge_intent'}), '1', 'limits: no hedge while blocked');
	ok(set_config($node, 'gates.strategy.earnings.dates' => '[]'), 'limits: no more earnings date');
	$t = insert_ticks($node, $t, 2, 101.5, 101.5);
	($ok) = wait_cursor($node, 30);
	is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'fill'}), '2', 'limits: nothing blocks, it hedges');
	check_hedge_invariants($node, 'limits');
	$node->stop;
}

done_testing();
