# Faults of the hedging loop found in the review of the hedger core (issue 12).
#
# A recorded tick whose time no clock can show (bifrost.ticks.ts = '-infinity' or 'infinity', which the
# table accepts) must not kill the worker: the day and the New York clock of such a time raise an ERROR,
# and outside a transaction an ERROR in a background worker is FATAL; the postmaster starts it again,
# the replay hands it the same tick, and it dies again, for good.  The hedger leaves such a tick out and
# hedges on the ticks after it, paced from the first tick it can date (a replay anchored at -infinity would
# find every later tick due at +infinity, never).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY = '2027-12-17 16:00 America/New_York';

# ---- a tick at -infinity ---------------------------------------------------------------------------------
{
	my $node = hedging_node(
		'infinite_tick',
		config => [
			'gates.intent.hedge.cooldown_seconds'   => '0',
			'gates.intent.hedge.min_price_move_pct' => '0',
		],
		conf => ['restart_after_crash = on'],
		legs => [ [ 'C', 100, $EXPIRY, -10 ] ]);
	my $q      = sub { $node->safe_psql('postgres', shift) };
	my $pid    = hedger_pid($node);
	my $offset = -s $node->logfile;
	$q->(q{INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last) VALUES ('NVDA', '-infinity', 99.99, 100.01, 100)});
	my $t = 1795532400;    # 2026-11-24 10:00 in New York: the market is open
	$t = insert_ticks($node, $t, 1, (100) x 6);
	my ($ok) = wait_cursor($node, 30);
	ok($ok, 'the replay went past the tick at -infinity to the last tick');
	($ok) = wait_until($node, 'postgres', q{SELECT count(*) >= 1 FROM bifrost.orders}, 30);
	ok($ok, 'the ticks after it were hedged');
	is(hedger_pid($node), $pid, 'the same worker runs: it did not die on the tick');
	my $log = slurp_file($node->logfile, $offset);
	unlike($log, qr/FATAL|terminated by|exited with exit code/, 'no FATAL, no worker exit in the log')
	  or diag(join "\n", grep { /FATAL|ERROR|exit/ } split /\n/, $log);
	check_hedge_invariants($node, 'after a tick at -infinity');
	$node->stop;
}

# ---- a switch taken back while an order is in flight -----------------------------------------------------
{
	my $node = hedging_node(
		'switch_taken_back',
		config => [
			'feed.replay.speed'                     => '0',
			'gates.intent.hedge.cooldown_seconds'   => '0',
			'gates.intent.hedge.min_price_move_pct' => '0',
		],
		legs => [ [ 'C', 100, $EXPIRY, -10 ] ],
		sql  => q{
			CREATE FUNCTION public.refuse_trades() RETURNS trigger LANGUAGE plpgsql AS
			  $$BEGIN RAISE EXCEPTION 'refuse_trades: injected failure'; END$$;
			CREATE TRIGGER refuse_trades BEFORE INSERT ON bifrost.trades
			  FOR EACH ROW EXECUTE FUNCTION public.refuse_trades()});
	my $q      = sub { $node->safe_psql('postgres', shift) };
	my $t      = 1795532400;
	my $offset = -s $node->logfile;
	$t = insert_ticks($node, $t, 2, (100) x 4);
	my ($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders}, 30);
	ok($ok, 'switch: a hedge went out, its fill refused: in flight');
	ok(set_config($node, 'feed.replay.speed' => '2'), 'switch: another replay speed (a restart of the feed)');
	ok( eval {
			local $PostgreSQL::Test::Utils::timeout_default = 30;
			$node->wait_for_log(qr/switching once the 1 order\(s\) in flight have ended/, $offset);
			1;
		},
		'switch: it waits for the order in flight');
	ok(set_config($node, 'feed.replay.speed' => '0'), 'switch: the speed taken back before the order ended');
	$q->('DROP TRIGGER refuse_trades ON bifrost.trades');
	$t = insert_ticks($node, $t, 2, (100) x 3);
	($ok) = wait_until($node, 'postgres', q{SELECT status = 'FILLED' FROM bifrost.orders ORDER BY id LIMIT 1}, 30);
	ok($ok, 'switch: the order in flight filled');
	# the market moves: the book wants another hedge
	$t = insert_ticks($node, $t, 2, (104) x 6);
	($ok) = wait_until($node, 'postgres', q{SELECT count(*) >= 2 FROM bifrost.orders}, 30);
	ok($ok, 'switch taken back: the next hedge goes out')
	  or diag($q->(q{SELECT block_reason || ' x' || count(*) FROM bifrost.decisions WHERE block_reason IS NOT NULL
	                 GROUP BY block_reason}));
	is($q->(q{SELECT count(*) FROM bifrost.decisions WHERE block_reason = 'settings_switch'
	           AND ts > (SELECT max(ts) FROM bifrost.trades)}), '0',
		'switch taken back: no decision blocked by settings_switch after the fill');
	check_hedge_invariants($node, 'after a switch taken back');
	$node->stop;
}

done_testing();
