# A hedge write that keeps failing (bifrost.orders refuses every row) is not retried on every quote: the
# hedger pauses taking quotes, 1 s and doubling, says why in daemon_heartbeat.last_error (so in
# bifrost_status()), writes nothing half, and hedges again once the table accepts rows.
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
	'write_failure',
	config => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0',
	],
	legs => [ [ 'C', 100, $EXPIRY, -10 ], [ 'P', 100, $EXPIRY, -10 ] ]);
my $q = sub { $node->safe_psql('postgres', shift) };
my $t = 1795532400;    # 2026-11-24 10:00 in New York: the market is open

$t = insert_ticks($node, $t, 2, (100) x 10);
my ($ok) = wait_cursor($node, 30);
is(hedge_count($node, 'fill'), '1', 'a first hedge is filled');

# Every order row is refused from now on; 60 ticks, each of which wants a hedge.
$q->('ALTER TABLE bifrost.orders ADD CONSTRAINT refuse_all CHECK (false) NOT VALID');
my $offset = -s $node->logfile;
$t = insert_ticks($node, $t, 2, map { $_ % 2 ? 104 : 96 } 1 .. 60);
($ok) = wait_until($node, 'postgres', q{
	SELECT last_error LIKE 'hedging paused 1 s after a failed write: bifrost: hedge intent: %refuse_all%'
	  FROM bifrost.daemon_heartbeat}, 20);
ok($ok, 'daemon_heartbeat.last_error says hedging is paused and why')
  or diag $q->('SELECT last_error FROM bifrost.daemon_heartbeat');
sleep 8;
my $failures = count_log($node, qr/bifrost hedger: bifrost: hedge intent: .*refuse_all/, $offset);
cmp_ok($failures, '<=', 6, "the failing intent was tried $failures times in about 8 s (pauses 1, 2, 4, 8 s), not once per tick");
cmp_ok($failures, '>=', 2, 'and tried again after a pause');
like($q->(q{SELECT last_error FROM bifrost.daemon_heartbeat}), qr/^hedging paused (4|8|16) s/, 'the pause doubles');
like($q->(q{SELECT bifrost_status() -> 'heartbeat' ->> 'last_error'}), qr/refuse_all/,
	'bifrost_status() shows the failure');
like($q->(q{SELECT bifrost_status() ->> 'block_reasons'}), qr/hedge_writes_failing/,
	'bifrost_status(): block reason hedge_writes_failing');
is($q->(q{SELECT bifrost_status() ->> 'status_lamp'}), 'red', 'bifrost_status(): red lamp');
is($q->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'hedge_intent'}),
	$q->(q{SELECT count(*) FROM bifrost.orders}), 'no intent without its order: the failed ones left no row');

# The table accepts rows again: within the current pause the hedger hedges.
$q->('ALTER TABLE bifrost.orders DROP CONSTRAINT refuse_all');
($ok) = wait_until($node, 'postgres', q{SELECT count(*) >= 2 FROM bifrost.operations WHERE type = 'fill'}, 40);
ok($ok, 'hedging resumes once the write succeeds');
ok( eval {
		local $PostgreSQL::Test::Utils::timeout_default = 10;
		$node->wait_for_log(qr/writes succeed again; taking quotes/, $offset);
		1;
	},
	'and says so in the log');
($ok) = wait_until($node, 'postgres',
	q{SELECT bifrost_status() ->> 'block_reasons' NOT LIKE '%hedge_writes_failing%'}, 10);
ok($ok, 'bifrost_status() no longer says hedge_writes_failing');
is($q->(q{SELECT last_error FROM bifrost.daemon_heartbeat}), 'hedging resumed: writes succeed again',
	'last_error says hedging resumed');
check_hedge_invariants($node, 'after the failed writes');

$node->stop;
done_testing();
