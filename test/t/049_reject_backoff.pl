# Orders the broker rejects count like any order sent: against the cooldown (from the send) and against
# max_daily_hedge_count, and consecutive rejects back off (even without a cooldown), so a broker that
# refuses everything sees a handful of orders, not one per quote.  The day's count is the orders sent
# today and survives a restart.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use BifrostTAP;

my $EXPIRY = '2027-12-17 16:00 America/New_York';
my $node   = hedging_node(
	'reject_backoff',
	feed   => 'sim',
	conf   => ['restart_after_crash = on'],
	config => [
		'broker.paper.reject_rate'              => '1',
		'gates.strategy.trading_hours_only'     => 'false',
		'gates.intent.hedge.min_price_move_pct' => '0',
	],
	# 6 calls: about 360 shares of delta, a D2 hedge (a D3 one would skip the cooldown)
	legs => [ [ 'C', 100, $EXPIRY, 6 ] ]);
my $q = sub { $node->safe_psql('postgres', shift) };
my $ok;

# The orders sent today (every order that left for the broker, rejected or not).
my $SENT_TODAY = q{SELECT count(*) FROM bifrost.orders
                    WHERE status <> 'CREATED'
                      AND (created_at AT TIME ZONE 'America/New_York')::date
                          = (now() AT TIME ZONE 'America/New_York')::date};

# ---- the default 60 s cooldown counts from the rejected send -------------------------------------------
($ok) = wait_until($node, 'postgres', q{SELECT count(*) > 0 FROM bifrost.operations WHERE type = 'reject'}, 30);
ok($ok, 'a first order was rejected');
sleep 12;
my $intents = hedge_count($node, 'hedge_intent');
is($intents, '1', "default cooldown: $intents intent in 12 s after a reject (one)");
is(hedge_count($node, 'reject'), $intents, 'each of them rejected');
($ok) = wait_until($node, 'postgres', "SELECT daily_hedge_count = ($SENT_TODAY) FROM bifrost.status_current", 10);
ok($ok, 'status_current.daily_hedge_count counts the rejected order')
  or diag $q->('SELECT daily_hedge_count FROM bifrost.status_current');

# ---- no cooldown: consecutive rejects still back off ---------------------------------------------------
isnt(set_config($node, 'gates.intent.hedge.cooldown_seconds' => '0'), '', 'cooldown set to 0');
my $before = hedge_count($node, 'hedge_intent');
my $t0 = time;
sleep 15;
my $n = hedge_count($node, 'hedge_intent') - $before;
cmp_ok($n, '<=', 5, "no cooldown: $n intents in 15 s of rejects (backing off 2, 4, 8 s...)");
cmp_ok($n, '>=', 1, 'but the hedger does try again');
like($q->(q{SELECT string_agg(DISTINCT block_reason, ',') FROM bifrost.decisions WHERE block_reason = 'reject_backoff'}),
	qr/reject_backoff/, 'blocked decisions say reject_backoff');

# ---- the day's count survives a restart ------------------------------------------------------------------
my $sent = $q->($SENT_TODAY);
my ($back) = crash_hedger($node, 60);
ok($back, 'the hedger restarted');
($ok) = wait_until($node, 'postgres', qq{SELECT daily_hedge_count >= $sent FROM bifrost.status_current}, 20);
ok($ok, "after the restart status_current.daily_hedge_count counts today's $sent orders sent")
  or diag $q->('SELECT daily_hedge_count FROM bifrost.status_current');

# ---- the daily limit counts rejected orders ---------------------------------------------------------------
$sent = $q->($SENT_TODAY);
isnt(set_config($node, 'gates.guard.risk.max_daily_hedge_count' => "$sent"), '', "max_daily_hedge_count $sent");
$before = hedge_count($node, 'hedge_intent');
sleep 6;
is(hedge_count($node, 'hedge_intent'), $before, 'the limit reached by rejected orders: no more intents');

$node->stop;
done_testing();
