# status_current agrees with the ledger in every snapshot: sampled over and over while the hedger trades,
# status_current.stock_position, positions.size and the signed sum of the trades are one number.  And an
# operator's flatten issued while a hedge is in flight completes: it waits for that order, then takes the
# position to zero, and daemon_control.result says so once it is done.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use POSIX qw(strftime);
use Time::HiRes qw(time sleep);
use BifrostTAP;

my $EXPIRY = '2027-12-17 16:00 America/New_York';
my $ok;

# ---- status_current, positions and trades in one snapshot ------------------------------------------------
{
	my $node = hedging_node(
		'status_snapshot',
		feed   => 'sim',
		config => [
			'feed.sim.vol'                          => '10',
			'feed.sim.tick_ms'                      => '50',
			'gates.strategy.trading_hours_only'     => 'false',
			'gates.intent.hedge.cooldown_seconds'   => '0',
			'gates.intent.hedge.min_price_move_pct' => '0',
			'gates.guard.risk.max_daily_hedge_count' => '100000',
			'gates.guard.risk.max_daily_loss_usd'   => '100000000',
			'gates.guard.risk.max_position_shares'  => '1000000',
			'gates.state.delta.max_delta_limit'     => '1000000',
		],
		# three days out: gamma enough that the sim's moves make a hedge every few seconds
		legs => [ [ 'C', 100, strftime('%Y-%m-%d %H:%M UTC', gmtime(time + 3 * 86400)), 20 ] ]);
	my @bad;
	my $samples = 0;
	my $t_end   = time + 15;
	while (time < $t_end && $samples < 400)
	{
		my $row = $node->safe_psql('postgres', q{
			SELECT (SELECT stock_position FROM bifrost.status_current WHERE id = 1)
			       || ' ' || coalesce((SELECT size FROM bifrost.positions
			                            WHERE exchange = 'paper' AND symbol = 'NVDA'), 0)::float8
			       || ' ' || coalesce((SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END)
			                             FROM bifrost.trades), 0)::float8});
		my ($s, $p, $t) = split / /, $row;
		push @bad, $row unless $s == $p && $p == $t;
		$samples++;
		sleep 0.02;
	}
	my $fills = hedge_count($node, 'fill');
	cmp_ok($fills, '>=', 5, "the hedger traded while sampled ($fills fills)");
	is(scalar @bad, 0, "status_current = positions = sum of trades in all $samples snapshots")
	  or diag 'disagreeing (status positions trades): ' . join(', ', @bad[ 0 .. ($#bad < 9 ? $#bad : 9) ]);
	$node->stop;
}

# ---- flatten with a hedge in flight -------------------------------------------------------------------
{
	my $node = hedging_node(
		'flatten_in_flight',
		suspended => 1,
		config    => [
			'feed.replay.speed'                     => '0',
			'gates.intent.hedge.cooldown_seconds'   => '0',
			'gates.intent.hedge.min_price_move_pct' => '0',
		],
		legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ]);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $t = 1795532400;    # 2026-11-24 10:00 in New York: the market is open
	$t = insert_ticks($node, $t, 2, 103, 103, 103);
	($ok) = wait_cursor($node, 30);
	ok($ok, 'suspended: the worker took the first ticks');
	$q->('SELECT bifrost_resume()');
	($ok) = wait_state($node, 'RUNNING', 10);
	ok($ok, 'resumed');
	$t = insert_ticks($node, $t, 2, 104.5);
	($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders WHERE status = 'NEW'}, 30);
	ok($ok, 'a hedge in flight');
	my $since = server_now($node);
	$q->('SELECT bifrost_flatten()');
	($ok) = wait_until($node, 'postgres', qq{
		SELECT result IS NOT NULL FROM bifrost.daemon_control
		 WHERE command = 'flatten' AND created_at >= '$since'}, 10);
	my $first = control_row($node, 'flatten', $since)->{result} // '';
	unlike($first, qr/^not flattened/, "flatten is not dropped ($first)");
	# the order in flight fills, then the flatten order goes out and fills
	$t = insert_ticks($node, $t, 2, 104.5, 104.5, 104.5);
	($ok) = wait_until($node, 'postgres', qq{
		SELECT result LIKE 'flattened:%' FROM bifrost.daemon_control
		 WHERE command = 'flatten' AND created_at >= '$since'}, 30);
	ok($ok, 'daemon_control.result says the flatten is done')
	  or diag 'result: ' . (control_row($node, 'flatten', $since)->{result} // '(null)');
	is($q->(q{SELECT coalesce((SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'), 0)}), '0',
		'the position is zero');
	is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'fill' AND state_reason = 'flatten'}),
		'1', 'by a flatten fill');
	is($q->(q{SELECT daemon_state FROM bifrost.status_current}), 'RUNNING_SUSPENDED', 'and hedging stays suspended');
	check_hedge_invariants($node, 'flatten in flight');
	$node->stop;
}

done_testing();
