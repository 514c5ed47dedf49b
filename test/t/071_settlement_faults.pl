# Settlement at expiry under faults (replay feed, physical style).  The first two attempts to write the
# settlement fail (a trigger on bifrost.leg_settlements raises): the legs must settle once, at the quote of
# the first attempt that commits, with one row per leg and the day's P&L equal to the equity in SQL minus
# the day's start, no breaker.  Then the operator deletes the settled leg and inserts it again (a new id,
# the same leg): it is the same expiry, so it keeps the settlement price already fixed, gets its own row
# at the next quote (the legs read the same without ids, so it was left without one, even after a
# restart), and neither the delete, the insert nor a restart is P&L.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY     = '2026-11-24 15:00 America/New_York';
my $EXPIRY_SEC = 1795550400;
my $LATER      = '2026-12-18 16:00 America/New_York';

my $EQUITY = q{
	WITH last AS (SELECT ts, (bid + ask) / 2 AS mid FROM bifrost.ticks ORDER BY ts DESC, id DESC LIMIT 1)
	SELECT round((
	         coalesce((SELECT sum(CASE side WHEN 'BUY' THEN -1 ELSE 1 END * price * quantity)
	                     FROM bifrost.operations WHERE type = 'fill'), 0)
	       + coalesce((SELECT sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END)
	                     FROM bifrost.operations WHERE type = 'fill'), 0) * last.mid
	       + coalesce((SELECT sum(CASE WHEN s.leg_id IS NULL
	                         THEN l.quantity * l.multiplier * bifrost_bs_price(l.option_right, last.mid::float8,
	                              l.strike::float8, extract(epoch FROM l.expiry - last.ts) / (365 * 86400), 0.05, 0, 0.35)
	                         WHEN s.style = 'cash' THEN s.value
	                         ELSE s.delivered_shares * (last.mid - l.strike) END)
	                     FROM bifrost.legs l LEFT JOIN bifrost.leg_settlements s ON s.leg_id = l.id), 0))::numeric, 4)
	  FROM last};

sub fresh_pnl
{
	my ($node) = @_;
	my $since = server_now($node);
	wait_until($node, 'postgres', "SELECT ts > '$since' FROM bifrost.status_current WHERE id = 1", 10);
	return $node->safe_psql('postgres', 'SELECT daily_pnl FROM bifrost.status_current WHERE id = 1');
}

my $node = hedging_node(
	'settlement_faults',
	config => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0',
		'book.settlement'                       => '"physical"'
	],
	legs => [ [ 'C', 50, $EXPIRY, 10 ], [ 'C', 100, $LATER, 1 ] ],
	sql  => q{
		CREATE SEQUENCE public.settlement_attempts;
		CREATE FUNCTION public.fail_first_settlements() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
		    IF nextval('public.settlement_attempts') <= 2 THEN
		        RAISE EXCEPTION 'injected settlement write failure';
		    END IF;
		    RETURN NEW;
		END $$;
		CREATE TRIGGER fail_first BEFORE INSERT ON bifrost.leg_settlements
		    FOR EACH ROW EXECUTE FUNCTION public.fail_first_settlements()});
my $q = sub { $node->safe_psql('postgres', shift) };
my $ok;

my $t = insert_ticks($node, $EXPIRY_SEC - 20, 2, (100) x 10);
($ok) = wait_cursor($node, 30);
ok($ok, 'ticks before the expiry taken');
my $before = fresh_pnl($node);

# ticks from the expiry on, the spot rising 0.1 a tick: each failed attempt moves the settlement later
$t = insert_ticks($node, $EXPIRY_SEC, 2, map { 100 + 0.1 * $_ } 0 .. 9);
($ok) = wait_cursor($node, 60);
ok($ok, 'ticks after the expiry taken despite the failed writes');
is($q->(q{SELECT last_value >= 3 FROM public.settlement_attempts}), 't', 'the first writes failed, a later one committed');
my ($n, $price) = split /\|/, $q->(q{SELECT count(*), min(settlement_price) FROM bifrost.leg_settlements});
is($n, '1', 'one settlement row for the leg, written once');
ok($price > 100 && $price < 101, "settled at the quote of the attempt that committed ($price)");
my $after = fresh_pnl($node);
my $start = $q->(q{SELECT start_equity FROM bifrost.hedger_days});
my $equity = $q->($EQUITY);
ok(abs($after - ($equity - $start)) < 1e-4, "daily_pnl $after = equity in SQL ($equity) - the day's start ($start)");
is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'circuit_breaker'}), '0', 'no breaker');
note("daily_pnl before the expiry $before, after $after");

# the operator deletes the settled leg and inserts it again, unchanged
$q->(q{BEGIN; CREATE TEMP TABLE l AS SELECT * FROM bifrost.legs WHERE strike = 50;
       DELETE FROM bifrost.legs WHERE strike = 50;
       INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier)
         SELECT symbol, option_right, strike, expiry, quantity, multiplier FROM l; COMMIT});
fresh_pnl($node);    # a heartbeat reads the legs, then a quote
$t = insert_ticks($node, $t, 2, 101);
($ok) = wait_cursor($node, 30);
my $reinserted = fresh_pnl($node);
is($q->(q{SELECT count(DISTINCT settlement_price) || ' ' || count(*) FROM bifrost.leg_settlements}), '1 2',
	'the re-inserted leg is settled at the price already fixed for its expiry (its own row, same price)');
is($q->(q{SELECT count(*) FROM bifrost.leg_settlements s JOIN bifrost.legs l ON l.id = s.leg_id}), '1',
	'the live leg has its row');
$start  = $q->(q{SELECT start_equity FROM bifrost.hedger_days});
$equity = $q->($EQUITY);
ok(abs($reinserted - ($equity - $start)) < 1e-4,
	"after delete and insert: daily_pnl $reinserted = equity in SQL ($equity) - the day's start ($start)");
$node->restart;
($ok) = wait_state($node, 'RUNNING', 60);
ok($ok, 'RUNNING again after the restart');
$t = insert_ticks($node, $t, 2, 101);
($ok) = wait_cursor($node, 30);
my $restarted = fresh_pnl($node);
is($q->(q{SELECT count(DISTINCT settlement_price) || ' ' || count(*) FROM bifrost.leg_settlements}), '1 2',
	'the restart writes no row again');
cmp_ok(abs($restarted - $reinserted), '<', 0.01, "the restart is not P&L ($reinserted, $restarted)");
is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'circuit_breaker'}), '0', 'no breaker at the end');
$node->stop;
done_testing();
