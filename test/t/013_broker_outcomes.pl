# What the paper broker answers, and what the hedger writes and does next (replay feed, ticks inserted step
# by step): rejects (broker.paper.reject_rate 1: reject rows, orders REJECTED, no fill, no position, the
# rejected order counted as a hedge sent, the machine back to NEED_HEDGE and trying again once the reject
# back-off is over); a plain fill (the machine back to monitoring, not SAFE);
# partial fills (broker.paper.partial_fill_rate 1: PARTIALLY_FILLED then CANCELED, a cancel operation of
# the rest, the position is the filled part, the next decision hedges the remainder).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my @LEGS   = ([ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ]);
my @FAST   = (
	'feed.replay.speed'                     => '0',
	'gates.intent.hedge.cooldown_seconds'   => '0',
	'gates.intent.hedge.min_price_move_pct' => '0');
my $T0 = 1795532400;    # 2026-11-24 15:00:00 UTC, 10:00 in New York
my $ok;

# ---- rejects ---------------------------------------------------------------------------------------------
{
	my $node = hedging_node('reject', config => [ @FAST, 'broker.paper.reject_rate' => '1' ], legs => \@LEGS);
	my $q    = sub { $node->safe_psql('postgres', shift) };
	my $t    = insert_ticks($node, $T0, 2, 100, 100, 100, 100);
	($ok) = wait_cursor($node, 30);
	ok($ok, 'reject: four ticks taken');
	is( $q->(q{SELECT string_agg(type || ':' || side || ':' || quantity || ':' || coalesce(state_reason, '-')
	                             || ':' || coalesce(price::text, 'null'), ',' ORDER BY id)
	             FROM bifrost.operations}),
		'hedge_intent:SELL:65:D2:100,reject:SELL:65:paper_reject:null',
		'reject: the intent, then a reject row (state_reason paper_reject, no price); no order_sent, no fill');
	is( $q->(q{SELECT status || ' ' || filled_amount || ' ' || remaining_amount || ' ' || (average_price IS NULL)
	             FROM bifrost.orders}),
		'REJECTED 0 0 true', 'reject: the order REJECTED, nothing filled');
	is( $q->(q{SELECT string_agg(status, ',' ORDER BY id) FROM bifrost.order_lifecycle_events}),
		'CREATED,REJECTED', 'reject: lifecycle CREATED, REJECTED');
	is( $q->(q{SELECT string_agg(reason || ':' || trading_state || ':' || stock_position || ':' || daily_hedge_count,
	                             ',' ORDER BY id) FROM bifrost.status_history}),
		'hedge_intent:NEED_HEDGE:0:0,reject:NEED_HEDGE:0:1',
		'reject: status_history rows of the intent and the reject (the state after the failure)');
	($ok) = wait_until($node, 'postgres', q{
		SELECT trading_state = 'NEED_HEDGE' AND stock_position = 0 AND daily_hedge_count = 1
		  FROM bifrost.status_current}, 5);
	ok($ok, 'reject: back to NEED_HEDGE (retry allowed), no position, the rejected order counted as sent');
	is($q->('SELECT count(*) FROM bifrost.trades') . ' ' . $q->('SELECT count(*) FROM bifrost.positions'),
		'0 0', 'reject: no trade, no position row');

	$t = insert_ticks($node, $t, 2, 100, 100);
	($ok) = wait_cursor($node, 30);
	is( $q->(q{SELECT count(*) FILTER (WHERE type = 'hedge_intent') || ' ' || count(*) FILTER (WHERE type = 'reject')
	                  || ' ' || count(*) FILTER (WHERE type = 'fill') FROM bifrost.operations}),
		'2 2 0', 'reject: the tick after the 2 s back-off tries again, the next is within the 4 s one (2 intents, 2 rejects)');
	is($q->(q{SELECT block_reason FROM bifrost.decisions ORDER BY id DESC LIMIT 1}), 'reject_backoff',
		'reject: the last tick blocked by reject_backoff');
	is($q->(q{SELECT count(DISTINCT client_order_id) || ' ' || bool_and(status = 'REJECTED') FROM bifrost.orders}),
		'2 true', 'reject: two orders, two client order ids, all REJECTED');
	check_hedge_invariants($node, 'reject');

	# Rejects off: the next tick hedges, the one after fills it. The fill takes the machine from HEDGING
	# back to monitoring (MONITOR, NO_TRADE or NEED_HEDGE), never to SAFE: these ticks are 2 s apart and
	# nothing is stale.
	$q->(q{SELECT bifrost_config_set('broker.paper.reject_rate', '0')});
	my $hash = config_hash($node);
	($ok) = wait_until($node, 'postgres', "SELECT config_summary LIKE 'cfg=$hash %' FROM bifrost.status_current", 5);
	$t = insert_ticks($node, $t, 2, 100);
	($ok) = wait_cursor($node, 30);
	is($q->(q{SELECT status FROM bifrost.orders ORDER BY id DESC LIMIT 1}), 'NEW',
		'rejects off: the next tick sends an order that the broker accepts');
	my $fill_tick = $q->("SELECT to_timestamp($t)");
	$t = insert_ticks($node, $t, 2, 100);
	($ok) = wait_cursor($node, 30);
	is($q->(q{SELECT status FROM bifrost.orders ORDER BY id DESC LIMIT 1}), 'FILLED', 'and the next tick fills it');
	($ok) = wait_until($node, 'postgres', q{SELECT daily_hedge_count = 3 FROM bifrost.status_current}, 5);
	my ($state, $since) = split /\|/, $q->('SELECT trading_state, trading_state_since FROM bifrost.status_current');
	like($state, qr/^(MONITOR|NO_TRADE|NEED_HEDGE)$/,
		"after a fill the machine monitors again, it is not SAFE (got $state since $since)")
	  or diag("a fill must be judged at its own time with the quote current then, not at the next tick's time "
		  . "($fill_tick), where that quote looks stale");
	$node->stop;
}

# ---- partial fills ---------------------------------------------------------------------------------------
{
	my $node = hedging_node(
		'partial',
		config => [
			@FAST, 'broker.paper.partial_fill_rate' => '1'
		],
		legs => \@LEGS);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = insert_ticks($node, $T0, 2, 100, 100, 100, 100, 100);
	($ok) = wait_cursor($node, 30);
	ok($ok, 'partial: five ticks taken');
	my ($qty, $coid) = split /\|/, $q->(q{SELECT quantity, client_order_id FROM bifrost.operations
	                                     WHERE type = 'hedge_intent' ORDER BY id LIMIT 1});
	my $filled = $q->(q{SELECT quantity FROM bifrost.operations WHERE type = 'fill' ORDER BY id LIMIT 1});
	my $lo = int($qty / 10) + ($qty % 10 ? 1 : 0);
	ok($filled >= $lo && $filled <= $qty - $lo,
		"partial: $filled of $qty filled, within [ceil(qty/10), qty - ceil(qty/10)] = [$lo, " . ($qty - $lo) . ']');
	my $rest = $qty - $filled;
	is( $q->(qq{SELECT string_agg(type || ':' || side || ':' || quantity || ':' || coalesce(state_reason, '-'),
	                              ',' ORDER BY id)
	              FROM bifrost.operations WHERE client_order_id = '$coid'}),
		"hedge_intent:SELL:$qty:D2,order_sent:SELL:$qty:D2,fill:SELL:$filled:D2,cancel:SELL:$rest:partial_fill_rest",
		'partial: intent, order_sent, fill of the part, cancel of the rest (state_reason partial_fill_rest)');
	is( $q->(qq{SELECT status || ' ' || amount || ' ' || filled_amount || ' ' || remaining_amount
	              FROM bifrost.orders WHERE client_order_id = '$coid'}),
		"CANCELED $qty $filled 0", 'partial: the order ends CANCELED with the filled part recorded');
	is( $q->(qq{SELECT string_agg(e.status, ',' ORDER BY e.id) FROM bifrost.order_lifecycle_events e
	              WHERE e.client_order_id = '$coid'}),
		'CREATED,NEW,PARTIALLY_FILLED,CANCELED', 'partial: lifecycle CREATED, NEW, PARTIALLY_FILLED, CANCELED');
	is($q->(q{SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'}), -$filled,
		"partial: the position is the filled part (-$filled)");
	($ok) = wait_until($node, 'postgres', qq{
		SELECT stock_position = -$filled AND daily_hedge_count = 2 FROM bifrost.status_current}, 5);
	ok($ok, 'partial: status_current shows the position and two orders sent (the remainder is in flight)');
	is($q->(q{SELECT count(*) FROM bifrost.status_history WHERE reason = 'cancel'}), '1',
		'partial: a status_history row for the cancel (every hedge event has one: intent, fill, reject, cancel)');

	# The decision on the very tick of the fill (the fill comes first, then the tick is evaluated) hedges
	# the remainder: same spot, the delta has hardly moved in 2 s.
	my ($ts2, $qty2, $side2, $delta) = split /\|/, $q->(q{
		SELECT o.ts, o.quantity, o.side, round(abs(d.net_delta)) FROM bifrost.operations o
		  JOIN bifrost.orders r ON r.intent_id = o.id JOIN bifrost.decisions d ON d.id = r.decision_id
		 WHERE o.type = 'hedge_intent' ORDER BY o.id LIMIT 1 OFFSET 1});
	is("$ts2 $side2 $qty2", $q->('SELECT to_timestamp(' . ($t - 2) . ')') . " SELL $rest",
		"partial: the next decision (the fill's tick) hedges the remainder: SELL $rest");
	is($qty2, $delta, 'partial: its size is the net delta left (the filled part counted)');
	$t = insert_ticks($node, $t, 2, 100, 100);
	($ok) = wait_cursor($node, 30);
	is(open_orders($node), '0', 'partial: nothing left open');
	check_hedge_invariants($node, 'partial');
	$node->stop;
}

done_testing();
