# Lifecycle of the preloaded hedger: waits for CREATE EXTENSION, runs and heartbeats, suspends and resumes,
# and stops (bifrost_stop() or SIGTERM) from RUNNING, RUNNING_SUSPENDED, WAITING_BROKER and CONNECTING,
# writing STOPPED and graceful_shutdown_at; stays stopped until bifrost_start() or a server restart.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use BifrostTAP;

my $HEDGER = q{backend_type = 'bifrost hedger'};

my $node = bifrost_node('start_stop', create_extension => 0);

# Before CREATE EXTENSION the static worker is there, waiting.
my ($ok) = wait_until($node, 'postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE $HEDGER AND application_name = 'bifrost'", 30);
ok($ok, 'static worker runs before CREATE EXTENSION (backend_type and application_name)');

$node->safe_psql('postgres', 'CREATE EXTENSION bifrost');
($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'worker reaches RUNNING after CREATE EXTENSION');

my $pid = hedger_pid($node);
like($pid, qr/^\d+$/, "one hedger process ($pid)");
is($node->safe_psql('postgres', 'SELECT bifrost.worker_pid()'), $pid,
	'bifrost.worker_pid() names the hedger');
is( $node->safe_psql(
		'postgres', q{SELECT worker_pid, daemon_state, heartbeat_interval_sec, broker_connected
		                FROM bifrost.daemon_heartbeat}),
	"$pid|RUNNING|1|t",
	'daemon_heartbeat: worker_pid, RUNNING, interval 1 s, paper broker connected');
ok( $node->safe_psql(
		'postgres', q{SELECT trading_state IS NOT NULL AND ts IS NOT NULL
		                FROM bifrost.status_current WHERE id = 1}) eq 't',
	'status_current carries a trading_state and ts');
($ok) = wait_until($node, 'postgres',
	"SELECT query LIKE 'bifrost: RUNNING%' FROM pg_stat_activity WHERE pid = $pid", 5);
ok($ok, 'pg_stat_activity.query shows "bifrost: RUNNING..."');

# Heartbeats advance.
my ($hb, $st) = split /\|/,
  $node->safe_psql('postgres',
	'SELECT (SELECT last_ts FROM bifrost.daemon_heartbeat), (SELECT ts FROM bifrost.status_current)');
($ok) = wait_until($node, 'postgres', qq{
	SELECT (SELECT last_ts FROM bifrost.daemon_heartbeat) > '$hb'
	   AND (SELECT ts FROM bifrost.status_current WHERE id = 1) > '$st'}, 10);
ok($ok, 'daemon_heartbeat.last_ts and status_current.ts advance');

is( $node->safe_psql(
		'postgres', q{SELECT count(*) > 0 AND bool_and(ok) FROM bifrost_self_check()
		               WHERE category || ' ' || name ~* 'worker|daemon'}),
	't', 'self-check: worker checks present and ok while it runs');

# Runs a control function and checks its audited, consumed row and the state it leads to.
sub control
{
	my ($fn, $command, $state, $label) = @_;
	my $since = server_now($node);
	my $t0    = time();
	$node->safe_psql('postgres', "SELECT $fn()");
	my ($done) = wait_state($node, $state, 5);
	my $elapsed = time() - $t0;
	ok($done, "$label: $state");
	cmp_ok($elapsed, '<', 2, "$label: acted within 2 s (took " . sprintf('%.2f', $elapsed) . 's)');
	my ($consumed) = wait_until($node, 'postgres', qq{
		SELECT bool_or(consumed_at IS NOT NULL) FROM bifrost.daemon_control
		 WHERE lower(command) = '$command' AND created_at >= '$since'}, 5);
	my $row = control_row($node, $command, $since);
	ok($consumed && $row && $row->{requested_by} eq 'postgres' && $row->{result} ne '',
		"$label: daemon_control row audited and consumed with a result")
	  or diag explain $row;
	return;
}

# Stops the running worker with bifrost_stop() (or SIGTERM: $how = 'sigterm') and checks the contract.
sub stop_worker
{
	my ($how, $label, $bound) = @_;
	my $wpid  = hedger_pid($node);
	my $since = server_now($node);
	my $t0    = time();
	if ($how eq 'sigterm')
	{
		kill 'TERM', $wpid;
	}
	else
	{
		$node->safe_psql('postgres', 'SELECT bifrost_stop()');
	}
	assert_stopped($node, $wpid, $since, $t0, $bound, $label);
	if ($how ne 'sigterm')
	{
		my $row = control_row($node, 'stop', $since);
		ok($row && $row->{consumed} eq 't', "$label: stop row consumed") or diag explain $row;
	}
	return $wpid;
}

sub start_worker
{
	my ($state, $label) = @_;
	my $new = $node->safe_psql('postgres', 'SELECT bifrost_start()');
	like($new, qr/^\d+$/, "$label: bifrost_start() returns a pid");
	my ($running) = wait_until($node, 'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE $HEDGER AND pid = '$new'", 10);
	ok($running, "$label: the returned pid is the hedger");
	my ($ok) = $state eq 'CONNECTING'
	  ? wait_until($node, 'postgres',
		"SELECT query LIKE 'bifrost: CONNECTING%' FROM pg_stat_activity WHERE pid = '$new'", 30)
	  : wait_state($node, $state, 30);
	ok($ok, "$label: back in $state");
	return $new;
}

control('bifrost_suspend', 'suspend', 'RUNNING_SUSPENDED', 'suspend from RUNNING');
control('bifrost_resume', 'resume', 'RUNNING', 'resume from RUNNING_SUSPENDED');
is(hedger_pid($node), $pid, 'suspend and resume keep the same process');

# Stop by function from RUNNING; nothing brings it back by itself.
stop_worker('function', 'bifrost_stop() from RUNNING', 2);
ok(observe_never($node, 'postgres', "SELECT count(*) > 0 FROM pg_stat_activity WHERE $HEDGER", 3),
	'stopped worker does not come back by itself (3 s watched)');
is($node->safe_psql('postgres', q{SELECT count(*) > 0 FROM bifrost_self_check()
                                   WHERE NOT ok AND category || ' ' || name ~* 'worker|daemon'}),
	't', 'self-check reports the stopped worker');

my $pid2 = start_worker('RUNNING', 'restart after stop');
isnt($pid2, $pid, 'a new process');
is($node->safe_psql('postgres', 'SELECT worker_pid FROM bifrost.daemon_heartbeat'), $pid2,
	'heartbeat names the new pid');

# Stop by function from RUNNING_SUSPENDED.
control('bifrost_suspend', 'suspend', 'RUNNING_SUSPENDED', 'suspend before stop');
stop_worker('function', 'bifrost_stop() from RUNNING_SUSPENDED', 2);

# The suspended flag is saved: a new worker starts suspended until bifrost_resume().
start_worker('RUNNING_SUSPENDED', 'restart after suspended stop');
control('bifrost_resume', 'resume', 'RUNNING', 'resume after restart');

# SIGTERM from RUNNING.
stop_worker('sigterm', 'SIGTERM from RUNNING', 5);

# WAITING_BROKER: okx broker on a closed local port. A server restart brings the static worker back.
my $closed = closed_port();
reconfigure($node, "bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$closed'");
($ok) = wait_state($node, 'WAITING_BROKER', 30);
ok($ok, 'okx broker on a closed port: WAITING_BROKER (static worker back after restart)');
is($node->safe_psql('postgres', 'SELECT broker_connected FROM bifrost.daemon_heartbeat'),
	'f', 'broker_connected is false while waiting');
stop_worker('sigterm', 'SIGTERM from WAITING_BROKER', 5);
start_worker('WAITING_BROKER', 'restart into WAITING_BROKER');
stop_worker('function', 'bifrost_stop() from WAITING_BROKER', 2);

# CONNECTING: a listener that accepts and never answers, with the longest HTTP timeout.
my ($silent_port, $silent_pid) = start_silent_listener(lifetime => 600);
reconfigure(
	$node,
	"bifrost.okx_base_url = 'http://127.0.0.1:$silent_port'",
	'bifrost.http_timeout_ms = 60000');
($ok) = wait_until($node, 'postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE $HEDGER AND query LIKE 'bifrost: CONNECTING%'",
	30);
ok($ok, 'silent okx endpoint: worker sits in CONNECTING (pg_stat_activity)');
($ok) = wait_state($node, 'CONNECTING', 5);
ok($ok, 'status_current shows CONNECTING');
stop_worker('sigterm', 'SIGTERM from CONNECTING', 5);
start_worker('CONNECTING', 'restart into CONNECTING');
stop_worker('function', 'bifrost_stop() from CONNECTING', 2);
stop_child($silent_pid);

# Back to paper: a normal run again, and no invalid transition was ever logged.
reconfigure($node, "bifrost.broker = 'paper'", 'bifrost.http_timeout_ms = 5000');
($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'paper broker again: RUNNING after restart');
ok(!$node->log_contains(qr/invalid transition/i), 'no "invalid transition" in the server log');

$node->stop;
done_testing();
