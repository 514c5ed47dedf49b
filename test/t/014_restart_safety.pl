# Restart safety: the hedger SIGKILLed between the commit of a hedge's intent and its fill
# (restart_after_crash = on, so the postmaster reinitializes and the worker comes back). The restarted
# worker reconciles with the paper broker's book in the tables before deciding anything: the order at the
# broker (NEW) fills exactly once, nothing is sent twice, the position is the fill; an order recorded but
# never sent (CREATED) is canceled with a cancel operation (not_sent_before_restart).
#  1. sim feed, broker.paper.latency_ms 20000: the order waits 20 s at the broker; the kill lands in it
#     (after the WAL holding its NEW status is flushed: see 4).
#  2. replay feed with the next tick held back: the order stays NEW as long as the test wants; then the
#     next quote after the restart fills it.
#  3. CREATED only: the worker cannot be stopped between its intent's commit and the order's hand-over
#     (two statements apart), so the test writes the rows such a crash leaves (intent + CREATED order,
#     exactly as hstore_record_intent() does) and then kills the worker.
#  4. The kill right after the order was sent, before the WAL writer flushed the asynchronous commit of
#     its NEW status (wal_writer_delay 10 s makes that window certain instead of 200 ms wide): the order
#     the broker accepted must not come back as "never sent".
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
my @LEGS   = ([ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ]);
my $ok;

# What a failure of "still NEW after the restart" means.
sub LOST_SEND
{
	return 'the order was NEW (order_sent recorded) before the SIGKILL; after the restart its operations are: ';
}

# Waits until the WAL written so far is flushed (the worker commits its status, order and fill rows
# asynchronously; only the intent is synchronous).
sub wal_flushed
{
	my ($node) = @_;
	my $lsn = $node->safe_psql('postgres', 'SELECT pg_current_wal_insert_lsn()');
	my ($ok) = wait_until($node, 'postgres', "SELECT pg_current_wal_flush_lsn() >= '$lsn'", 10);
	return $ok;
}

# Rows of one client order id, in order: type:side:quantity:state_reason.
sub ops_of
{
	my ($node, $coid) = @_;
	return $node->safe_psql('postgres', qq{
		SELECT string_agg(type || ':' || side || ':' || quantity || ':' || coalesce(state_reason, '-'), ','
		                  ORDER BY id)
		  FROM bifrost.operations WHERE client_order_id = '$coid'});
}

# ---- 1. sim feed, 20 s of latency ----------------------------------------------------------------------
{
	my $node = hedging_node(
		'restart_sim',
		feed   => 'sim',
		conf   => ['restart_after_crash = on'],
		config => [
			'gates.strategy.trading_hours_only' => 'false',
			'broker.paper.latency_ms'           => '20000'
		],
		legs => \@LEGS);
	my $q = sub { $node->safe_psql('postgres', shift) };

	($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders WHERE status = 'NEW'}, 30);
	ok($ok, 'sim: a hedge order is at the broker (NEW), its fill 20 s away');
	my ($coid, $intent_id, $side, $qty, $placed) = split /\|/, $q->(q{
		SELECT client_order_id, intent_id, side, amount, created_at FROM bifrost.orders WHERE status = 'NEW'});
	is(ops_of($node, $coid), "hedge_intent:$side:$qty:D2,order_sent:$side:$qty:D2",
		"sim: $coid recorded and sent ($side $qty), not filled yet");

	ok(wal_flushed($node), 'sim: the WAL with the NEW status is flushed');
	my $t0 = time();
	my ($back, $old, $new) = crash_hedger($node, 60);
	ok($back, sprintf('sim: SIGKILL of the hedger %s; a new one (%s) heartbeats (%.1f s)', $old, $new, time() - $t0));
	my $elapsed = $q->("SELECT extract(epoch FROM clock_timestamp() - '$placed')");
	cmp_ok($elapsed, '<', 20, sprintf('sim: back %.1f s after the order was placed, before its fill was due', $elapsed));
	is($q->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'}), 'NEW',
		'sim: after the restart the order is still NEW (not canceled, not re-sent)')
	  or diag(LOST_SEND(), ops_of($node, $coid));

	($ok) = wait_until($node, 'postgres',
		"SELECT status NOT IN ('CREATED', 'NEW') FROM bifrost.orders WHERE client_order_id = '$coid'", 40);
	is($q->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'}), 'FILLED',
		'sim: the order filled after the restart');
	is(ops_of($node, $coid), "hedge_intent:$side:$qty:D2,order_sent:$side:$qty:D2,fill:$side:$qty:D2",
		'sim: exactly one intent, one order_sent, one fill for the client order id');
	is( $q->(qq{SELECT count(*) || ' ' || sum(t.amount) FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
	            WHERE o.client_order_id = '$coid'}),
		"1 $qty", 'sim: one trade of the whole quantity');
	is($q->("SELECT count(*) FROM bifrost.orders WHERE intent_id = $intent_id"), '1', 'sim: no second order for the intent');
	is( $q->(qq{SELECT f.ts = i.ts + interval '20 s' FROM bifrost.operations f JOIN bifrost.operations i
	             ON i.client_order_id = f.client_order_id AND i.type = 'hedge_intent'
	            WHERE f.type = 'fill' AND f.client_order_id = '$coid'}),
		't', 'sim: the fill is timed at placement + latency (20 s)');
	is( $q->(qq{SELECT count(*) FROM bifrost.operations
	            WHERE type = 'hedge_intent' AND client_order_id <> '$coid'
	              AND ts <= (SELECT ts FROM bifrost.operations WHERE type = 'fill' AND client_order_id = '$coid')}),
		'0', 'sim: no other hedge decided while the order was in flight, before or after the crash');
	my $signed = $side eq 'BUY' ? $qty : -$qty;
	is($q->(q{SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'}), $signed, "sim: position = the fill ($signed)");
	($ok) = wait_until($node, 'postgres', "SELECT stock_position = $signed FROM bifrost.status_current", 5);
	ok($ok, 'sim: status_current shows it');
	is(open_orders($node), '0', 'sim: no order left open (the next hedge waits for the 60 s cooldown)');
	check_hedge_invariants($node, 'sim', quotes => 0);
	$node->stop;
}

# ---- 2. replay, the fill's tick held back; 3. CREATED only ------------------------------------------------
{
	my $node = hedging_node(
		'restart_replay',
		conf   => ['restart_after_crash = on'],
		config => [
			'feed.replay.speed'                     => '0',
			'gates.intent.hedge.cooldown_seconds'   => '0',
			'gates.intent.hedge.min_price_move_pct' => '0'
		],
		legs => \@LEGS);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = insert_ticks($node, 1795532400, 2, 100, 100, 100, 100);
	($ok) = wait_cursor($node, 30);
	($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders WHERE status = 'NEW'}, 10);
	ok($ok, 'replay: the 4th tick sent a hedge; with no tick after it, it stays NEW');
	my ($coid, $intent_id, $side, $qty, $t4) = split /\|/, $q->(q{
		SELECT client_order_id, intent_id, side, amount, created_at FROM bifrost.orders WHERE status = 'NEW'});
	ok(wal_flushed($node), 'replay: the WAL with the NEW status is flushed');

	my ($back, $old, $new) = crash_hedger($node, 60);
	ok($back, "replay: SIGKILL of the hedger $old; a new one ($new) heartbeats");
	is($q->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'}), 'NEW',
		'replay: after the restart the order is still NEW')
	  or diag(LOST_SEND(), ops_of($node, $coid));
	is($q->(q{SELECT count(*) FROM bifrost.replay_cursors WHERE last_id = (SELECT max(id) FROM bifrost.ticks)}),
		'1', 'replay: the cursor survived the crash on the 4th tick');

	# The next quote after the restart (a different price, to see which quote the fill takes).
	my $t5 = $q->("SELECT to_timestamp($t)");
	$t = insert_ticks($node, $t, 2, 100.4);
	($ok) = wait_cursor($node, 30);
	is($q->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'}), 'FILLED',
		'replay: the next quote after the restart fills the order at the broker');
	$t = insert_ticks($node, $t, 2, 100.4);
	($ok) = wait_cursor($node, 30);
	($ok) = wait_until($node, 'postgres',
		"SELECT status = 'FILLED' FROM bifrost.orders WHERE client_order_id = '$coid'", 5);
	ok($ok, 'replay: filled by the second quote after the restart at the latest');
	is(ops_of($node, $coid), "hedge_intent:$side:$qty:D2,order_sent:$side:$qty:D2,fill:$side:$qty:D2",
		'replay: exactly one intent, one order_sent, one fill');
	is($q->("SELECT count(*) FROM bifrost.orders WHERE intent_id = $intent_id"), '1', 'replay: no second order for the intent');
	my ($fill_ts, $fill_px) = split /\|/, $q->(qq{
		SELECT ts, round(price::numeric, 4) FROM bifrost.operations WHERE type = 'fill' AND client_order_id = '$coid'
		 UNION ALL SELECT '-infinity', 0 LIMIT 1});
	# far side, 1 bp of slippage, on the 0.0001 grid away from the trader (a BUY up, a SELL down)
	my $far = $side eq 'BUY' ? 'ceil(ask * 1.0001 * 10000 - 0.000001) / 10000'
	  : 'floor(bid * 0.9999 * 10000 + 0.000001) / 10000';
	my ($px4, $px5) = split /\n/, $q->(qq{
		SELECT round($far, 4) FROM bifrost.ticks ORDER BY ts, id OFFSET 3 LIMIT 2});
	ok($fill_px eq $px4 || $fill_px eq $px5,
		"replay: the fill ($fill_px) is at a quote's far side (4th tick $px4, 5th $px5)");
	is( $q->(qq{SELECT (SELECT round($far, 4) FROM bifrost.ticks WHERE ts <= '$fill_ts'
	                     ORDER BY ts DESC, id DESC LIMIT 1) = $fill_px}),
		't', "replay: the fill's price is that of the quote current at the fill's time ($fill_ts)")
	  or diag("the fill is stamped $fill_ts (placement + latency) but priced at the 5th tick ($t5): $fill_px");
	my $signed = $side eq 'BUY' ? $qty : -$qty;
	is($q->(q{SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'}), $signed, "replay: position = the fill ($signed)");
	is(open_orders($node), '0', 'replay: no order left open');

	# Hedging goes on from the reconciled position.
	$t = insert_ticks($node, $t, 2, 101.5, 101.5, 101.5);
	($ok) = wait_cursor($node, 30);
	is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'hedge_intent'}), '2',
		'replay: the restarted worker hedges again once warmed up');
	check_hedge_invariants($node, 'replay', quotes => 0);
	my $pos = $q->(q{SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'});

	# ---- 3. CREATED only: the rows a crash right after the intent's commit leaves.
	$q->(qq{
		WITH n AS (SELECT nextval(pg_get_serial_sequence('bifrost.operations', 'id')) AS id),
		     d AS (INSERT INTO bifrost.decisions (symbol, timeframe, ts, action, net_delta, intent_side, intent_qty,
		                                          trading_state, reasoning)
		           VALUES ('NVDA', 'tick', to_timestamp($t - 2), 'hedge', -37, 'BUY', 37, 'NEED_HEDGE', 'D2') RETURNING id),
		     op AS (INSERT INTO bifrost.operations (id, ts, type, side, quantity, price, state_reason, client_order_id,
		                                            decision_mid)
		            SELECT n.id, to_timestamp($t - 2), 'hedge_intent', 'BUY', 37, 101.5, 'D2',
		                   'bf20261124i' || n.id, 101.5 FROM n RETURNING id, client_order_id, ts)
		INSERT INTO bifrost.orders (exchange, symbol, side, type, amount, status, client_order_id, created_at,
		                            updated_at, remaining_amount, intent_id, decision_id)
		SELECT 'paper', 'NVDA', 'BUY', 'MARKET', 37, 'CREATED', op.client_order_id, op.ts, op.ts, 37, op.id, d.id
		  FROM op, d});
	my $created = $q->(q{SELECT client_order_id FROM bifrost.orders WHERE status = 'CREATED'});
	($back, $old, $new) = crash_hedger($node, 60);
	ok($back, "CREATED: SIGKILL of the hedger $old; a new one ($new) heartbeats");
	($ok) = wait_until($node, 'postgres',
		"SELECT status = 'CANCELED' FROM bifrost.orders WHERE client_order_id = '$created'", 10);
	ok($ok, "CREATED: the order never sent ($created) is CANCELED at the restart");
	is(ops_of($node, $created), 'hedge_intent:BUY:37:D2,cancel:BUY:37:not_sent_before_restart',
		'CREATED: a cancel operation of the whole quantity, state_reason not_sent_before_restart; never sent');
	is( $q->(qq{SELECT filled_amount || ' ' || remaining_amount FROM bifrost.orders WHERE client_order_id = '$created'}),
		'0 0', 'CREATED: nothing filled, nothing remaining');
	is( $q->(qq{SELECT string_agg(e.status, ',' ORDER BY e.id) FROM bifrost.order_lifecycle_events e
	             JOIN bifrost.orders o ON o.id = e.order_id WHERE o.client_order_id = '$created'}),
		'CANCELED', 'CREATED: a lifecycle event CANCELED');
	is($q->(q{SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'}), $pos, 'CREATED: the position did not move');
	is(open_orders($node), '0', 'CREATED: no order left open');
	$node->stop;
}

# ---- 4. killed before the NEW status was flushed ---------------------------------------------------------
{
	my $node = hedging_node(
		'restart_unflushed',
		conf   => [ 'restart_after_crash = on', 'wal_writer_delay = 10s' ],
		config => [ 'feed.replay.speed' => '0' ],
		legs   => \@LEGS);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = insert_ticks($node, 1795532400, 2, 100, 100, 100, 100);
	($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders WHERE status = 'NEW'}, 30);
	ok($ok, 'unflushed: the 4th tick sent a hedge (NEW, order_sent recorded)');
	my $coid = $q->(q{SELECT client_order_id FROM bifrost.orders WHERE status = 'NEW'});
	my $before = ops_of($node, $coid);
	my ($back, $old, $new) = crash_hedger($node, 60);
	ok($back, "unflushed: SIGKILL of the hedger $old at once; a new one ($new) heartbeats");
	my $after = ops_of($node, $coid);
	like($q->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'}), qr/^(NEW|FILLED)$/,
		'unflushed: the order the broker accepted is still at the broker after the restart (NEW or FILLED)')
	  or diag("before the kill: $before; after the restart: $after. The NEW status and the order_sent row "
		  . 'were committed asynchronously (bgw/connect.c sets synchronous_commit off; only the intent is '
		  . 'synchronous), so the crash rolled the order back to CREATED and the restart canceled it as '
		  . 'never sent, though the paper broker had accepted it');
	unlike($after, qr/not_sent_before_restart/, 'unflushed: no cancel "not_sent_before_restart" of a sent order');
	$t = insert_ticks($node, $t, 2, 100, 100);
	($ok) = wait_cursor($node, 30);
	is($q->(qq{SELECT count(*) FROM bifrost.operations WHERE type = 'fill' AND client_order_id = '$coid'}), '1',
		'unflushed: the order fills once after the restart');
	$node->stop;
}

done_testing();
