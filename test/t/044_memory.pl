# The hedger's memory stays bounded however long it runs.
#
# A round of the worker loop must leave nothing behind: with a book of 500 legs every heartbeat and every
# configuration change reloads the legs (their text is about 60 kB), and while the OKX keys are missing
# every retry of the broker starts the hedger, which fails.  pg_log_backend_memory_contexts() prints the
# worker's "Grand total" of bytes held by all its memory contexts; it is read after a warm-up and again
# after a thousand rounds of each kind.
#
# The bound: after the warm-up (catalog caches loaded, statements planned and saved) a round of the loop
# needs no memory that outlives it, so the totals may differ only by allocator noise: a block handed to a
# context whose earlier blocks are full.  Blocks grow to at most 1 MB for the contexts the worker fills,
# so 2 MB over a thousand rounds (2 kB a round, a twentieth of one copy of the legs) is the bound; a leak
# of one legs copy per round is 60 MB.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use BifrostTAP;

my $ROUNDS    = 1000;
my $WARMUP    = 20;
my $BOUND     = 2 * 1024 * 1024;
my $N_LEGS    = 500;
my $HASH_SQL  = q{left(md5(coalesce(string_agg(key || '=' || value::text, ',' ORDER BY key), '')), 8)};

# The worker's Grand total of memory-context bytes, from the lines pg_log_backend_memory_contexts() logs.
sub worker_memory
{
	my ($node, $pid) = @_;
	my $offset = -s $node->logfile;
	$node->safe_psql('postgres', "SELECT pg_log_backend_memory_contexts($pid)");
	my $re = qr/\[$pid\] .*Grand total: (\d+) bytes in (\d+) blocks; (\d+) free \(\d+ chunks\); (\d+) used/;
	my $total;
	for (1 .. 200)
	{
		my $log = slurp_file($node->logfile, $offset);
		if ($log =~ $re) { $total = $1; last; }
		usleep(50_000);
	}
	die "no memory context report from worker $pid" unless defined $total;
	return $total;
}

# Runs $round->($i) $n times; each returns once the worker has done that round.
sub rounds
{
	my ($n, $round) = @_;
	my $t0 = time();
	for my $i (1 .. $n)
	{
		$round->($i) or return (0, $i, time() - $t0);
	}
	return (1, $n, time() - $t0);
}

# Polls $sql in the session $s until it prints 't', at most $secs seconds.
sub poll_session
{
	my ($s, $sql, $secs) = @_;
	my $end = time() + $secs;
	while (time() < $end)
	{
		return 1 if $s->query_safe($sql) eq 't';
		usleep(2_000);
	}
	return 0;
}

# ---- a running hedger: heartbeats and configuration changes reload 500 legs ----
my $node = hedging_node(
	'memory',
	feed      => 'sim',
	suspended => 1,
	config    => [ 'gates.strategy.trading_hours_only' => 'false' ],
	sql       => "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, note)"
	  . " SELECT 'NVDA', CASE WHEN g % 2 = 0 THEN 'C' ELSE 'P' END, 50 + g * 0.25,"
	  . "        date_trunc('day', now()) + interval '28 days 16 hours', 1, 'leg ' || g"
	  . "   FROM generate_series(1, $N_LEGS) g");
my $pid = hedger_pid($node);
is($node->safe_psql('postgres', 'SELECT option_legs_count FROM bifrost.status_current'),
	$N_LEGS, "the hedger counts $N_LEGS legs");

my $s = $node->background_psql('postgres');
my $config_round = sub {
	my ($i) = @_;
	my $dte = 21 + $i % 2;
	$s->query_safe("SELECT bifrost_config_set('gates.strategy.structure.min_dte', '$dte'::jsonb)");
	return poll_session($s, qq{SELECT config_summary LIKE 'cfg=' || (SELECT $HASH_SQL FROM bifrost.config) || ' %'
	                             FROM bifrost.status_current WHERE id = 1}, 10);
};
my ($ok, $done, $secs) = rounds($WARMUP, $config_round);
ok($ok, "warm-up: $WARMUP configuration changes reloaded");
my $early = worker_memory($node, $pid);
my $hb0   = $node->safe_psql('postgres', 'SELECT last_ts FROM bifrost.daemon_heartbeat');
($ok, $done, $secs) = rounds($ROUNDS, $config_round);
ok($ok, sprintf('%d configuration changes, each reloading the legs (%.1f s)', $done, $secs));
my $late = worker_memory($node, $pid);
is(hedger_pid($node), $pid, 'the same worker process throughout');
note(sprintf('config rounds: early %d bytes, late %d bytes, growth %d', $early, $late, $late - $early));
cmp_ok($late - $early, '<', $BOUND,
	"memory after $ROUNDS legs reloads: grew by " . ($late - $early) . " bytes, bound $BOUND");

# the heartbeats of that time (one a second) reloaded the legs too: a few dozen more rounds
my $beats = $node->safe_psql('postgres',
	"SELECT round(extract(epoch FROM (SELECT last_ts FROM bifrost.daemon_heartbeat) - '$hb0'))");
note("heartbeats during the config rounds: about $beats");
$s->quit;

# ---- a hedger that cannot start: OKX keys missing, every retry of the broker fails the start ----
my ($port) = start_okx_mock(lifetime => 600);
$node->safe_psql('postgres', q{SELECT bifrost_config_set('symbol', '"BTC-USDT-SWAP"'::jsonb)});
reconfigure($node, "bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'");
($ok) = wait_state($node, 'WAITING_BROKER', 30);
ok($ok, 'okx without keys: WAITING_BROKER');
$pid = hedger_pid($node);
my $offset = -s $node->logfile;
ok( eval {
		local $PostgreSQL::Test::Utils::timeout_default = 30;
		$node->wait_for_log(qr/broker okx not ready to trade: .*secret "okx\.api_key" is missing/, $offset);
		1;
	},
	'the broker answers, the hedger cannot start: the key is missing');

$s = $node->background_psql('postgres');
my $retry_round = sub {
	my ($i) = @_;
	$s->query_safe('SELECT bifrost_retry_broker()');
	return poll_session($s, q{SELECT result IS NOT NULL FROM bifrost.daemon_control
	                            WHERE id = (SELECT max(id) FROM bifrost.daemon_control)}, 10);
};
($ok, $done, $secs) = rounds($WARMUP, $retry_round);
ok($ok, "warm-up: $WARMUP failed starts");
$early = worker_memory($node, $pid);
($ok, $done, $secs) = rounds($ROUNDS, $retry_round);
ok($ok, sprintf('%d retries of the broker, each a failed start of the hedger (%.1f s)', $done, $secs));
$late = worker_memory($node, $pid);
is(hedger_pid($node), $pid, 'the same worker process throughout');
note(sprintf('failed starts: early %d bytes, late %d bytes, growth %d', $early, $late, $late - $early));
cmp_ok($late - $early, '<', $BOUND,
	"memory after $ROUNDS failed starts: grew by " . ($late - $early) . " bytes, bound $BOUND");
is( $node->safe_psql('postgres',
		q{SELECT count(*) FROM bifrost.daemon_control WHERE command = 'retry_broker' AND result IS NULL}),
	'0', 'every retry was answered');
$s->quit;

$node->stop;
done_testing();
