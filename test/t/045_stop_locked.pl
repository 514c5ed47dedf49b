# A stop is prompt and final even while another session holds a lock the worker's last writes need.
#
# An administrator holds LOCK TABLE bifrost.daemon_heartbeat IN ACCESS EXCLUSIVE MODE in an open
# transaction.  pg_terminate_backend() of the hedger (while it waits for that lock, and while it idles),
# and bifrost_stop(), end the worker within a second: the writes of the stop wait a short time for their
# locks and give up.  A worker told to stop stays stopped: the postmaster does not start it again
# (bgw_restart_time is 5 s; 8 s are watched).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use BifrostTAP;

my $HEDGER = q{backend_type = 'bifrost hedger'};
my $BOUND  = 1.0;
my $ok;

my $node = bifrost_node('stop_locked');
($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'the hedger runs');

# Seconds until process $pid is gone, polled every 10 ms for at most 15 s (undef: still there).
sub seconds_until_gone
{
	my ($pid, $t0) = @_;
	for (1 .. 1500)
	{
		return time() - $t0 unless kill(0, $pid);
		usleep(10_000);
	}
	return undef;
}

sub lock_heartbeat
{
	my $holder = $node->background_psql('postgres');
	$holder->query_safe('BEGIN');
	$holder->query_safe('LOCK TABLE bifrost.daemon_heartbeat IN ACCESS EXCLUSIVE MODE');
	return $holder;
}

# Stops the worker with $how->($pid) while the lock is held; checks it is gone within the bound and
# stays gone, then releases the lock and checks what the stop recorded.
sub stop_under_lock
{
	my ($label, $how, $wait_for_lock) = @_;
	my $pid    = hedger_pid($node);
	my $since  = server_now($node);
	my $holder = lock_heartbeat();
	if ($wait_for_lock)
	{
		($ok) = wait_until($node, 'postgres',
			"SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = $pid", 15);
		ok($ok, "$label: the worker waits for the lock on daemon_heartbeat");
	}
	my $t0 = time();
	$how->($pid);
	my $gone = seconds_until_gone($pid, $t0);
	ok(defined $gone && $gone < $BOUND,
		sprintf("$label: worker %d gone within %.1f s (took %s)", $pid, $BOUND,
			defined $gone ? sprintf('%.2f s', $gone) : 'more than 15 s'));
	ok(observe_never($node, 'postgres', "SELECT count(*) > 0 FROM pg_stat_activity WHERE $HEDGER", 8),
		"$label: no hedger comes back (8 s watched)");
	$holder->query_safe('ROLLBACK');
	$holder->quit;
	is($node->safe_psql('postgres', "SELECT daemon_state FROM bifrost.status_current WHERE id = 1"),
		'STOPPED', "$label: status_current says STOPPED (that table was not locked)");
	is($node->safe_psql('postgres', "SELECT count(*) FROM bifrost.daemon_heartbeat WHERE graceful_shutdown_at >= '$since'"),
		'0', "$label: the locked heartbeat row was given up, not written late");
	return;
}

sub start_again
{
	my ($label) = @_;
	my $since = server_now($node);
	$node->safe_psql('postgres', 'SELECT bifrost_start()');
	($ok) = wait_until($node, 'postgres', qq{
		SELECT daemon_state = 'RUNNING' AND last_ts > '$since' FROM bifrost.daemon_heartbeat}, 30);
	ok($ok, "$label: bifrost_start() brings a worker back");
	return;
}

my $terminate = sub {
	my ($pid) = @_;
	is($node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)"), 't', 'pg_terminate_backend returns true');
};

# 1. SIGTERM lands while the heartbeat write waits for the lock.
stop_under_lock('terminate while waiting for the lock', $terminate, 1);

# 2. SIGTERM lands while the worker idles between heartbeats; its last writes meet the lock.
start_again('after 1');
$node->safe_psql('postgres', 'ALTER SYSTEM SET bifrost.heartbeat_interval = 120; SELECT pg_reload_conf()');
($ok) = wait_until($node, 'postgres',
	"SELECT heartbeat_interval_sec = 120 FROM bifrost.daemon_heartbeat", 30);
ok($ok, 'heartbeat every 120 s: the worker idles');
stop_under_lock('terminate while idle', $terminate, 0);

# 3. bifrost_stop() while the worker idles.
start_again('after 2');
($ok) = wait_until($node, 'postgres',
	"SELECT heartbeat_interval_sec = 120 FROM bifrost.daemon_heartbeat", 30);
stop_under_lock('bifrost_stop() while idle', sub { $node->safe_psql('postgres', 'SELECT bifrost_stop()') }, 0);

ok(!$node->log_contains(qr/invalid transition/i), 'no "invalid transition" in the server log');
$node->stop;
done_testing();
