# Replay hedging end to end: 300 fixture ticks (test/fixtures/ticks_straddle.csv, a path that rises from
# 100 to 103 and falls to 99 in ten minutes of a trading day) through the worker at full speed, with a
# book of ten long 100-strike straddles; the exact rows of operations, status_history, orders and decisions
# against the expected files test/fixtures/replay_straddle.*.expected (see test/fixtures/README); the first
# hedge against bifrost_evaluate on the same inputs, and every tick through bifrost_evaluate against the
# worker's intents; daily_pnl against the equity computed in SQL; the invariants of the rows; and the same
# rows again after deleting everything and replaying at another speed (determinism).
# BIFROST_WRITE_FIXTURES=1 rewrites the expected files from a run (review them before committing).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use BifrostTAP;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my $node   = hedging_node(
	'replay_hedging',
	config => ['feed.replay.speed' => '0'],
	legs   => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ],
	sql    => load_ticks_sql('ticks_straddle.csv'));

is($node->safe_psql('postgres', q{SELECT count(*) FROM bifrost.ticks WHERE symbol = 'NVDA'}),
	'300', '300 fixture ticks loaded');

my $t0 = time();
my ($ok) = wait_replay_done($node, 90);
ok($ok, sprintf('replay reached the last tick with no order open (%.1f s)', time() - $t0))
  or diag($node->safe_psql('postgres',
	'SELECT row_to_json(c) FROM bifrost.replay_cursors c UNION ALL SELECT row_to_json(s) FROM bifrost.status_current s'));

# The rows compared with the fixtures. Times are the ticks' own (fills at tick + latency), in UTC.
my %SQL = (
	operations => q{
		SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), type, side, quantity,
		       round(price::numeric, 4), state_reason
		  FROM bifrost.operations ORDER BY id},
	status_history => q{
		SELECT reason, trading_state, stock_position, daily_hedge_count, round(spot::numeric, 4)
		  FROM bifrost.status_history
		 WHERE reason IN ('hedge_intent', 'fill', 'reject', 'cancel')
		 ORDER BY id},
	orders => q{
		SELECT status, side, amount, filled_amount, average_price, client_order_id
		  FROM bifrost.orders ORDER BY id},
	decisions => q{
		SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS'), action, intent_side, intent_qty,
		       block_reason, trading_state, round(net_delta::numeric, 3)
		  FROM bifrost.decisions ORDER BY ts, id});

my %first;
for my $t (sort keys %SQL)
{
	$first{$t} = rows_of($node, $SQL{$t});
	matches_fixture($first{$t}, "replay_straddle.$t.expected", "$t rows as expected");
}

my ($intents, $fills) = split /\|/, $node->safe_psql('postgres', q{
	SELECT count(*) FILTER (WHERE type = 'hedge_intent'), count(*) FILTER (WHERE type = 'fill')
	  FROM bifrost.operations});
cmp_ok($intents, '>=', 4, "the path makes several hedges ($intents intents)");
is($fills, $intents, 'every intent filled (no rejects, no partials by default)');
is($node->safe_psql('postgres', q{SELECT count(*) FROM bifrost.operations WHERE type = 'order_sent'}),
	$intents, 'one order_sent per intent');

# Every row carries a tick's time: intents and order_sent on the tick that decided, fills on the first
# tick at or after the decision + 50 ms (the latency), at that tick's prices: a replay knows no quote
# between its ticks, and a fill never takes a quote older than its decision plus the latency.
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM bifrost.operations o
		 WHERE NOT EXISTS (SELECT 1 FROM bifrost.ticks t WHERE t.symbol = 'NVDA' AND t.ts = o.ts)}),
	'0', 'operations are timed on the feed clock (tick times)');
is( $node->safe_psql(
		'postgres', q{
		SELECT count(*) FROM bifrost.operations f
		  JOIN bifrost.operations i ON i.client_order_id = f.client_order_id AND i.type = 'hedge_intent'
		 WHERE f.type = 'fill'
		   AND f.ts IS DISTINCT FROM (SELECT min(t.ts) FROM bifrost.ticks t
		                               WHERE t.symbol = 'NVDA' AND t.ts >= i.ts + interval '50 ms')}),
	'0', 'each fill is on the first tick at or after its decision + the 50 ms latency');

# The first hedge is what bifrost_evaluate decides on the same tick, legs and (empty) position.
my ($ts, $side, $qty, $mid, $coid) = split /\|/, $node->safe_psql('postgres', q{
	SELECT ts, side, quantity, decision_mid, client_order_id FROM bifrost.operations
	 WHERE type = 'hedge_intent' ORDER BY id LIMIT 1});
my $eval = $node->safe_psql(
	'postgres', qq{
	WITH tick AS (SELECT * FROM bifrost.ticks WHERE symbol = 'NVDA' AND ts = '$ts'),
	     legs AS (SELECT jsonb_agg(jsonb_build_object('option_right', option_right, 'strike', strike,
	                     'expiry', expiry, 'quantity', quantity, 'multiplier', multiplier,
	                     'implied_vol', implied_vol) ORDER BY id) AS a FROM bifrost.legs),
	     e AS (SELECT bifrost_evaluate(jsonb_build_object(
	                    'state', 'MONITOR', 'event', 'tick', 'now', tick.ts,
	                    'quote', jsonb_build_object('bid', tick.bid, 'ask', tick.ask, 'ts', tick.ts),
	                    'legs', legs.a, 'stock_position', 0, 'daily_hedge_count', 0)) AS r
	             FROM tick, legs)
	SELECT r #>> '{intent,side}', r #>> '{intent,qty}', round(abs((r ->> 'net_delta')::numeric)),
	       r ->> 'next_state', coalesce(r ->> 'block_reason', 'none'), r ->> 'net_delta'
	  FROM e});
my ($e_side, $e_qty, $e_round, $e_state, $e_block, $e_delta) = split /\|/, $eval;
is("$e_side $e_qty", "$side $qty", "first intent ($side $qty at $ts) = bifrost_evaluate's intent");
is($e_qty, $e_round, "its size is round(|net delta|) = round(|$e_delta|)");
is("$e_state $e_block", 'NEED_HEDGE none', 'bifrost_evaluate: NEED_HEDGE, nothing blocks');
is( $node->safe_psql(
		'postgres', qq{
		SELECT abs(d.net_delta - $e_delta) < 1e-6 FROM bifrost.decisions d
		  JOIN bifrost.orders o ON o.decision_id = d.id
		 WHERE o.client_order_id = '$coid' AND d.action = 'hedge'}),
	't', 'the decision row of the first hedge has the same net delta');
like($coid, qr/^bf20261124i\d+$/, "client order id bf<YYYYMMDD>i<intent id> ($coid)");
is( $node->safe_psql(
		'postgres', qq{SELECT round(decision_mid::numeric, 4) = round((bid + ask) / 2, 4)
		                 FROM bifrost.operations o JOIN bifrost.ticks t ON t.ts = o.ts
		                WHERE o.client_order_id = '$coid' AND o.type = 'hedge_intent'}),
	't', 'decision_mid is the mid of the tick');

check_hedge_invariants($node, 'replay');

# The backtest of the same ticks, configuration and legs runs the worker's code: without its warm start
# (the worker, too, starts on the first tick) it decides, orders and fills exactly as the worker did.
my $run = $node->safe_psql('postgres', q{
	SELECT bifrost_backtest('{"backtest.warm_start": false}',
	                        (SELECT min(ts) FROM bifrost.ticks), (SELECT max(ts) FROM bifrost.ticks) + interval '1 s',
	                        'NVDA')});
is( $node->safe_psql(
		'postgres', qq{
		SELECT string_agg(to_char(decided_at AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') || ' '
		                  || to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') || ' ' || side || ' ' || filled
		                  || ' ' || price, ', ' ORDER BY order_no)
		  FROM bifrost.backtest_orders WHERE backtest_run_id = $run}),
	$node->safe_psql(
		'postgres', q{
		SELECT string_agg(to_char(i.ts AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') || ' '
		                  || to_char(f.ts AT TIME ZONE 'UTC', 'HH24:MI:SS.MS') || ' ' || f.side || ' ' || f.quantity
		                  || ' ' || f.price, ', ' ORDER BY i.id)
		  FROM bifrost.operations i
		  JOIN bifrost.operations f ON f.client_order_id = i.client_order_id AND f.type = 'fill'
		 WHERE i.type = 'hedge_intent'}),
	'bifrost_backtest over the same ticks: the worker\'s orders and fills, to the millisecond and the price');
is( $node->safe_psql(
		'postgres', qq{
		SELECT string_agg(block_reason || ' x' || ticks, ', ' ORDER BY ts)
		  FROM bifrost.backtest_decisions WHERE backtest_run_id = $run AND action = 'blocked'
		   AND block_reason LIKE 'trading_state%'}),
	'trading_state_armed x1, trading_state_monitor x1',
	'and the same two warm-up blocks (the ARMED and MONITOR ticks)');
$node->safe_psql('postgres', qq{DELETE FROM bifrost.backtest_runs WHERE id = $run});

# Every tick through bifrost_evaluate (from the 4th on, when the worker's machine is in its monitoring
# states), with the position of the fills up to it (a fill due by a tick is taken before it decides), the hedge count of the orders sent before it and
# the last hedge (the last fill's price, the last send's time: the cooldown runs from the send): the
# ticks where it hedges unblocked are exactly the worker's intents, same side and size. A fill comes on
# the tick after its intent, before that tick decides, so no hedge is ever in flight at a decision.
my $MODEL = q{
	WITH t AS (SELECT ts, bid, ask, row_number() OVER (ORDER BY ts, id) AS rn
	             FROM bifrost.ticks WHERE symbol = 'NVDA'),
	     legs AS (SELECT jsonb_agg(jsonb_build_object('option_right', option_right, 'strike', strike,
	                     'expiry', expiry, 'quantity', quantity, 'multiplier', multiplier,
	                     'implied_vol', implied_vol) ORDER BY id) AS a FROM bifrost.legs),
	     f AS (SELECT ts, price, CASE side WHEN 'BUY' THEN quantity ELSE -quantity END AS q
	             FROM bifrost.operations WHERE type = 'fill'),
	     i AS (SELECT ts FROM bifrost.operations WHERE type = 'hedge_intent'),
	     e AS (SELECT t.ts, bifrost_evaluate(jsonb_build_object(
	                    'state', 'MONITOR', 'event', 'tick', 'now', t.ts,
	                    'quote', jsonb_build_object('bid', t.bid, 'ask', t.ask, 'ts', t.ts), 'legs', legs.a,
	                    'stock_position', (SELECT coalesce(sum(q), 0) FROM f WHERE f.ts <= t.ts),
	                    'daily_hedge_count', (SELECT count(*) FROM i WHERE i.ts < t.ts))
	                  || coalesce((SELECT jsonb_build_object('last_hedge', jsonb_build_object('price', f.price,
	                                        'ts', (SELECT max(i.ts) FROM i WHERE i.ts < t.ts)))
	                                 FROM f WHERE f.ts <= t.ts ORDER BY f.ts DESC LIMIT 1), '{}')) AS r
	             FROM t, legs WHERE t.rn >= 4)
	SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' ' || (r #>> '{intent,side}') || ' '
	                  || (r #>> '{intent,qty}'), ', ' ORDER BY ts)
	  FROM e
	 WHERE r ->> 'next_state' = 'NEED_HEDGE' AND r ->> 'block_reason' IS NULL
	   AND r #>> '{intent,qty}' IS NOT NULL};
my $WORKER = q{
	SELECT string_agg(to_char(ts AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' ' || side || ' ' || quantity, ', ' ORDER BY id)
	  FROM bifrost.operations WHERE type = 'hedge_intent'};
my $model = $node->safe_psql('postgres', $MODEL);
is($model, $node->safe_psql('postgres', $WORKER),
	'bifrost_evaluate tick by tick hedges exactly where and as much as the worker did');
like( $node->safe_psql(
		'postgres', q{SELECT string_agg(DISTINCT block_reason, ',' ORDER BY block_reason)
		                FROM bifrost.decisions WHERE action = 'blocked'}),
	qr/^cooldown,trading_state_armed,trading_state_monitor$/,
	'blocked decisions: cooldown, and the warm-up ticks (ARMED, MONITOR) that already wanted to hedge');

# daily_pnl = equity now - equity at the first mark of the day: cash of the fills + position x mid +
# the legs at model value (Black-Scholes, vol 0.35, r 0.05), at the last tick minus at the first one.
my $PNL = q{
	WITH first AS (SELECT ts, (bid + ask) / 2 AS mid FROM bifrost.ticks ORDER BY ts, id LIMIT 1),
	     last AS (SELECT ts, (bid + ask) / 2 AS mid FROM bifrost.ticks ORDER BY ts DESC, id DESC LIMIT 1),
	     legval AS (SELECT
	         sum(l.quantity * l.multiplier * bifrost_bs_price(l.option_right, last.mid::float8, l.strike::float8,
	             extract(epoch FROM l.expiry - last.ts) / (365 * 86400), 0.05, 0, 0.35)) AS v_last,
	         sum(l.quantity * l.multiplier * bifrost_bs_price(l.option_right, first.mid::float8, l.strike::float8,
	             extract(epoch FROM l.expiry - first.ts) / (365 * 86400), 0.05, 0, 0.35)) AS v_first
	       FROM bifrost.legs l, first, last),
	     cash AS (SELECT coalesce(sum(CASE side WHEN 'BUY' THEN -1 ELSE 1 END * price * quantity), 0) AS c,
	                     coalesce(sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END), 0) AS pos
	                FROM bifrost.operations WHERE type = 'fill')
	SELECT round((cash.c + cash.pos * last.mid + legval.v_last - legval.v_first)::numeric, 6),
	       round((SELECT start_equity FROM bifrost.hedger_days)::numeric - legval.v_first::numeric, 6)
	  FROM cash, last, legval};
my ($want_pnl, $start_gap) = split /\|/, $node->safe_psql('postgres', $PNL);
is($start_gap, '0.000000', 'hedger_days.start_equity = the legs at the first tick (no cash, no position)');
($ok) = wait_until($node, 'postgres',
	"SELECT round(daily_pnl::numeric, 6) = $want_pnl FROM bifrost.status_current WHERE id = 1", 10);
ok($ok, "status_current.daily_pnl = equity now - equity at the day's first mark ($want_pnl)")
  or diag($node->safe_psql('postgres', 'SELECT daily_pnl FROM bifrost.status_current'));
is( $node->safe_psql(
		'postgres', q{SELECT daily_hedge_count || ' ' || round(spot::numeric, 4) || ' ' || data_lag_ms
		                FROM bifrost.status_current WHERE id = 1}),
	"$intents 98.9600 0", 'status_current: daily_hedge_count, the last tick\'s mid as spot, no lag');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM (
		                SELECT o.id FROM bifrost.orders o
		                  LEFT JOIN bifrost.order_lifecycle_events e ON e.order_id = o.id
		                 GROUP BY o.id
		                HAVING string_agg(e.status, ',' ORDER BY e.id) IS DISTINCT FROM 'CREATED,NEW,FILLED') x}),
	'0', 'lifecycle of every order: CREATED, NEW, FILLED');
is( $node->safe_psql(
		'postgres', q{SELECT count(*) FROM bifrost.hedger_days WHERE symbol = 'NVDA' AND trading_date = '2026-11-24'}),
	'1', 'one hedger_days row for the trading date of the ticks');
is($node->safe_psql('postgres', q{SELECT count(*) FROM bifrost.decisions WHERE action = 'hedge'}),
	$intents, 'one decisions row (action hedge) per intent');

# Determinism: stop the worker, delete every row it wrote and the cursor, start it again, this time at
# 200 x real time (the 10 minutes of ticks in 3 s) instead of as fast as possible: the same rows, since a
# replay decides on the ticks' own times.
my $pid = hedger_pid($node);
my $since = server_now($node);
$t0 = time();
$node->safe_psql('postgres', 'SELECT bifrost_stop()');
assert_stopped($node, $pid, $since, $t0, 5, 'stop before the second replay');
$node->safe_psql('postgres', q{
	TRUNCATE bifrost.trades, bifrost.order_lifecycle_events, bifrost.orders, bifrost.operations,
	         bifrost.decisions, bifrost.risk_events, bifrost.positions, bifrost.status_history,
	         bifrost.hedger_days RESTART IDENTITY;
	DELETE FROM bifrost.replay_cursors WHERE symbol = 'NVDA';
	SELECT bifrost_config_set('feed.replay.speed', '200');});
$t0 = time();
my $new = $node->safe_psql('postgres', 'SELECT bifrost_start()');
like($new, qr/^\d+$/, 'worker started again');
($ok) = wait_replay_done($node, 90);
ok($ok, sprintf('second replay (speed 200) reached the last tick (%.1f s)', time() - $t0));
for my $t (sort keys %SQL)
{
	is(rows_of($node, $SQL{$t}), $first{$t}, "second replay: identical $t rows");
}
check_hedge_invariants($node, 'second replay');

$node->stop;
done_testing();
