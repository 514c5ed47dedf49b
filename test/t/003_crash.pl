# Crash and restart: SIGKILL of the hedger makes the postmaster reinitialize; the worker comes back with a
# new pid and heartbeats again, and the rows written before (control audit, config, user data) are intact.
# The same after a crash of an ordinary backend.
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

# PostgreSQL::Test::Cluster turns restart_after_crash off; the contract is about a server with it on.
my $node = bifrost_node('crash', conf => ['restart_after_crash = on']);
my ($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'RUNNING');

# Rows written before the crash: user data, control audit rows, a config change.
$node->safe_psql('postgres', q{
	CREATE TABLE tap_rows (id int PRIMARY KEY, note text NOT NULL);
	INSERT INTO tap_rows SELECT g, 'row ' || g FROM generate_series(1, 1000) g;
	SELECT bifrost_config_set('gates.state.delta.epsilon_band', '5');});
$node->safe_psql('postgres', 'SELECT bifrost_suspend()');
($ok) = wait_state($node, 'RUNNING_SUSPENDED', 5);
ok($ok, 'suspended');
$node->safe_psql('postgres', 'SELECT bifrost_resume()');
($ok) = wait_state($node, 'RUNNING', 5);
ok($ok, 'resumed');
($ok) = wait_until($node, 'postgres',
	'SELECT bool_and(consumed_at IS NOT NULL) FROM bifrost.daemon_control', 5);
ok($ok, 'control rows consumed before the crash');

my $fingerprint_sql = q{
	SELECT (SELECT md5(string_agg(id || note, ',' ORDER BY id)) FROM tap_rows),
	       (SELECT md5(string_agg(concat_ws('/', command, requested_by, created_at, consumed_at, result),
	                              ',' ORDER BY created_at, command)) FROM bifrost.daemon_control),
	       (SELECT value::text FROM bifrost.config WHERE key = 'gates.state.delta.epsilon_band')};
my $before = $node->safe_psql('postgres', $fingerprint_sql);
like($before, qr/\|5$/, 'config change stored');
my $history_before =
  $node->safe_psql('postgres', 'SELECT count(*) FROM bifrost.status_history');

# Kills $victim with SIGKILL and waits for a new hedger that heartbeats after the crash.
sub crash_and_recover
{
	my ($victim, $label) = @_;
	my $old    = hedger_pid($node);
	my $since  = server_now($node);
	my $offset = -s $node->logfile;
	kill 'KILL', $victim;
	my $seen = eval {
		local $PostgreSQL::Test::Utils::timeout_default = 30;
		$node->wait_for_log(qr/terminating any other active server processes|was terminated by signal 9/,
			$offset);
		1;
	};
	ok($seen, "$label: the postmaster noticed the crash");
	my ($back) = wait_until($node, 'postgres', qq{
		SELECT h.worker_pid = a.pid AND h.worker_pid <> $old AND h.daemon_state = 'RUNNING'
		       AND h.last_ts > '$since'
		  FROM bifrost.daemon_heartbeat h
		  JOIN pg_stat_activity a ON a.$HEDGER}, 60);
	ok($back, "$label: the worker is back with a new pid, RUNNING and heartbeating");
	my $new = hedger_pid($node);
	my $hb = $node->safe_psql('postgres', 'SELECT last_ts FROM bifrost.daemon_heartbeat');
	($back) = wait_until($node, 'postgres',
		"SELECT last_ts > '$hb' FROM bifrost.daemon_heartbeat", 10);
	ok($back, "$label: heartbeats keep coming");
	is($node->safe_psql('postgres', 'SELECT bifrost.worker_pid()'), $new,
		"$label: worker_pid() names the new process");
	is($node->safe_psql('postgres', $fingerprint_sql), $before,
		"$label: rows written before the crash are intact");
	cmp_ok($node->safe_psql('postgres', 'SELECT count(*) FROM bifrost.status_history'),
		'>=', $history_before, "$label: no status_history row lost");
	return;
}

crash_and_recover(hedger_pid($node), 'SIGKILL of the hedger');

# An ordinary backend crashing takes the worker down with everything else; it must come back too.
my $session = $node->background_psql('postgres');
my $backend = $session->query_safe('SELECT pg_backend_pid()');
crash_and_recover($backend, 'SIGKILL of a backend');
eval { $session->quit };

is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE $HEDGER"),
	'1', 'exactly one hedger after two crashes');
$node->stop;
done_testing();
