# Delta without gamma is hedged. A synthetic forward (long 10 calls, short 10 puts, one strike,
# multiplier 100) is +1,000 shares of delta and exactly zero gamma: the worker arms, hedges it in two
# forced orders of max_hedge_shares_per_order (500) and ends inside the no-trade band. Then every leg is
# deleted: the -1,000 shares of hedge left over are delta too, and the worker buys them back to zero.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my $node   = hedging_node(
	'zero_gamma',
	config => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0'
	],
	legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, -10 ] ]);
my $q = sub { $node->safe_psql('postgres', shift) };
my $t = 1795532400;    # 2026-11-24 10:00 New York, a Tuesday
my $ok;

# The book as bifrost_evaluate sees it: delta 1,000 (q = 0: call delta - put delta = 1), gamma 0, O0.
is( $q->(q{
	SELECT round((r ->> 'net_delta')::numeric, 6) || ' ' || (r ->> 'gamma') || ' ' || (r ->> 'O')
	  FROM bifrost_evaluate(jsonb_build_object(
	         'now', '2026-11-24 10:00 America/New_York', 'spot', 100,
	         'quote', jsonb_build_object('bid', 99.99, 'ask', 100.01),
	         'legs', (SELECT jsonb_agg(jsonb_build_object('option_right', option_right, 'strike', strike,
	                         'expiry', expiry, 'quantity', quantity)) FROM bifrost.legs))) r}),
	'1000.000000 0 O0', 'synthetic forward: 1,000 shares of delta, zero gamma (O0)');

$t = insert_ticks($node, $t, 2, (100) x 8);
($ok) = wait_cursor($node, 30);
ok($ok, 'eight ticks taken');
($ok) = wait_until($node, 'postgres', "SELECT count(*) = 0 FROM bifrost.orders WHERE status IN ('CREATED', 'NEW')", 10);
is( $q->(q{SELECT string_agg(side || ' ' || quantity || ' ' || state_reason, ', ' ORDER BY id)
	          FROM bifrost.operations WHERE type = 'hedge_intent'}),
	'SELL 500 D3, SELL 500 D3', 'the forward is hedged: two forced sells of 500 (the per-order cap)');
is($q->(q{SELECT coalesce(sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END), 0)
	        FROM bifrost.operations WHERE type = 'fill'}),
	'-1000', 'fills: -1,000 shares');
($ok) = wait_until($node, 'postgres',
	q{SELECT abs(net_delta) <= 10 AND stock_position = -1000 FROM bifrost.status_current WHERE id = 1}, 10);
ok($ok, 'status_current: net delta inside the band (10), hedge position -1,000')
  or diag($q->('SELECT row_to_json(s) FROM bifrost.status_current s'));
check_hedge_invariants($node, 'synthetic forward');

# Every leg gone: the hedge position is the whole delta and is bought back.
$q->('DELETE FROM bifrost.legs');
($ok) = wait_until($node, 'postgres', q{SELECT option_legs_count = 0 FROM bifrost.status_current WHERE id = 1}, 10);
ok($ok, 'the worker has reloaded the legs (none)');
$t = insert_ticks($node, $t + 60, 2, (100) x 6);
($ok) = wait_cursor($node, 30);
ok($ok, 'six more ticks taken');
($ok) = wait_until($node, 'postgres', "SELECT count(*) = 0 FROM bifrost.orders WHERE status IN ('CREATED', 'NEW')", 10);
is( $q->(q{SELECT string_agg(side || ' ' || quantity, ', ' ORDER BY id)
	          FROM bifrost.operations WHERE type = 'hedge_intent'}),
	'SELL 500, SELL 500, BUY 500, BUY 500', 'no legs: the leftover hedge position is bought back');
($ok) = wait_until($node, 'postgres',
	q{SELECT net_delta = 0 AND stock_position = 0 FROM bifrost.status_current WHERE id = 1}, 10);
ok($ok, 'status_current: position 0, net delta 0')
  or diag($q->('SELECT row_to_json(s) FROM bifrost.status_current s'));
check_hedge_invariants($node, 'no legs');

$node->stop;
done_testing();
