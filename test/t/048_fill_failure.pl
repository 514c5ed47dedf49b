# A fill whose transaction fails is neither lost nor counted twice: while a trigger refuses every trade
# row, the hedger's memory and its tables keep agreeing (positions, the sum of the trades and
# status_current.stock_position all say the fill has not happened; the order stays NEW and in flight, so
# no second hedge goes out); once the trigger is gone the same fill lands, once, at the price and time it
# was decided; a restart after that fills nothing again and buys nothing needless.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY = '2027-12-17 16:00 America/New_York';
my $node   = hedging_node(
	'fill_failure',
	config => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0',
	],
	conf => ['restart_after_crash = on'],
	legs => [ [ 'C', 100, $EXPIRY, -10 ], [ 'P', 100, $EXPIRY, -5 ] ],
	sql  => q{
		CREATE FUNCTION public.refuse_trades() RETURNS trigger LANGUAGE plpgsql AS
		  $$BEGIN RAISE EXCEPTION 'refuse_trades: injected failure'; END$$;
		CREATE TRIGGER refuse_trades BEFORE INSERT ON bifrost.trades
		  FOR EACH ROW EXECUTE FUNCTION public.refuse_trades()});
my $q = sub { $node->safe_psql('postgres', shift) };
my $t = 1795532400;    # 2026-11-24 10:00 in New York: the market is open
my $ok;

# positions.size, the signed sum of the trades and status_current.stock_position, in one snapshot.
sub ledger
{
	return $q->(q{
		SELECT coalesce((SELECT size FROM bifrost.positions WHERE exchange = 'paper' AND symbol = 'NVDA'), 0)::float8
		       || ' ' || coalesce((SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END)
		                             FROM bifrost.trades), 0)::float8
		       || ' ' || (SELECT stock_position FROM bifrost.status_current)});
}

my $offset = -s $node->logfile;
$t = insert_ticks($node, $t, 2, (100) x 4);
($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders}, 30);
ok($ok, 'a hedge went out');
my ($coid, $amount, $side) = split /\|/, $q->(q{SELECT client_order_id, amount, side FROM bifrost.orders});
# the ticks after it fill it (or try to), and the hedger goes on taking quotes
$t = insert_ticks($node, $t, 2, (100) x 3);
ok( eval {
		local $PostgreSQL::Test::Utils::timeout_default = 30;
		$node->wait_for_log(qr/refuse_trades: injected failure/, $offset);
		1;
	},
	'its fill was refused');
# let the hedger go on with quotes (and fail its retries) for a while
sleep 4;
is(ledger(), '0 0 0', 'while the fill fails: positions, trades and status_current all say 0');
is($q->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'}), 'NEW', 'the order is still NEW');
is($q->(q{SELECT count(*) FROM bifrost.orders}), '1', 'no second order while the first is in flight');

$q->('DROP TRIGGER refuse_trades ON bifrost.trades');
$t = insert_ticks($node, $t, 2, (100) x 3);
($ok) = wait_until($node, 'postgres',
	qq{SELECT status = 'FILLED' FROM bifrost.orders WHERE client_order_id = '$coid'}, 60);
ok($ok, 'the fill lands once the fault clears');
($ok) = wait_cursor($node, 60);
ok($ok, 'the worker took every tick');
my $signed = ($side eq 'BUY' ? 1 : -1) * $amount;
is($q->(qq{SELECT count(*) FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
            WHERE o.client_order_id = '$coid'}), '1', 'one trade for the order');
($ok) = wait_until($node, 'postgres', qq{SELECT stock_position = $signed FROM bifrost.status_current}, 10);
is(ledger(), "$signed $signed $signed", 'positions, trades and status_current agree on the fill');
check_hedge_invariants($node, 'after the failed fill');

# A restart: the order is FILLED in the tables, so nothing fills again, nothing needless is bought.
my $intents = hedge_count($node, 'hedge_intent');
my ($back) = crash_hedger($node, 60);
ok($back, 'the hedger restarted');
$t = insert_ticks($node, $t, 2, (100) x 4);
($ok) = wait_cursor($node, 60);
ok($ok, 'the restarted worker took the ticks');
is(hedge_count($node, 'fill'), '1', 'no second fill after the restart');
is(hedge_count($node, 'hedge_intent'), $intents, 'no needless hedge after the restart');
is(ledger(), "$signed $signed $signed", 'the ledger still agrees after the restart');
check_hedge_invariants($node, 'after the restart');

$node->stop;
done_testing();
