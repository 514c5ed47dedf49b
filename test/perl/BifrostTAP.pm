# BifrostTAP: shared helpers of the bifrost TAP tests (test/t/*.pl): preloaded nodes, bounded waits on
# the hedger's tables, and mock HTTP listeners on 127.0.0.1 forked with a bounded lifetime.
package BifrostTAP;

use strict;
use warnings;

use Exporter 'import';
use IO::Select;
use IO::Socket::INET;
use POSIX ();
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes ();

our @EXPORT = qw(
  bifrost_node hedger_pid hedger_pids server_now wait_until wait_state assert_stopped
  observe_never control_row count_log closed_port start_silent_listener start_okx_responder
  stop_child reconfigure);

# The worker's advisory lock keys (contract: one hedger per database).
our @LOCK_KEYS = (1111904084, 1);

my @children;

# A node with the hedger preloaded (preload => 0 for none), heartbeat 1 s, bifrost.database = postgres,
# started, with CREATE EXTENSION bifrost unless create_extension => 0. conf => [lines] adds settings.
sub bifrost_node
{
	my ($name, %o) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => $o{allows_streaming} // 0);
	my @conf = ("bifrost.database = 'postgres'",
		'bifrost.heartbeat_interval = ' . ($o{heartbeat} // 1));
	unshift @conf, "shared_preload_libraries = 'bifrost'" if $o{preload} // 1;
	push @conf, @{ $o{conf} // [] };
	$node->append_conf('postgresql.conf', join("\n", @conf) . "\n");
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION bifrost')
	  if $o{create_extension} // 1;
	return $node;
}

# Appends settings and restarts the node (works whatever a GUC's context is).
sub reconfigure
{
	my ($node, @lines) = @_;
	$node->append_conf('postgresql.conf', join("\n", @lines) . "\n");
	$node->restart;
	return;
}

# The pid of the hedger connected to $db ('' when none).
sub hedger_pid
{
	my ($node, $db) = @_;
	$db //= 'postgres';
	return $node->safe_psql('postgres',
		"SELECT coalesce(string_agg(pid::text, ','), '') FROM pg_stat_activity "
		  . "WHERE backend_type = 'bifrost hedger' AND datname = '$db'");
}

# All hedger pids of the cluster, sorted.
sub hedger_pids
{
	my ($node) = @_;
	my $out = $node->safe_psql('postgres',
		"SELECT pid FROM pg_stat_activity WHERE backend_type = 'bifrost hedger' ORDER BY pid");
	return grep { length } split /\n/, $out;
}

# The server's clock, as a timestamptz literal to compare row times with.
sub server_now
{
	my ($node) = @_;
	return $node->safe_psql('postgres', 'SELECT clock_timestamp()');
}

# Polls $sql on $db until it prints $expected (default 't'), for at most $secs seconds.
# Returns (success, elapsed seconds). Connection failures just count as "not yet".
sub wait_until
{
	my ($node, $db, $sql, $secs, $expected) = @_;
	local $PostgreSQL::Test::Utils::timeout_default = $secs;
	my $t0 = Time::HiRes::time();
	my $ok = $node->poll_query_until($db, $sql, $expected // 't');
	return ($ok ? 1 : 0, Time::HiRes::time() - $t0);
}

# Waits until status_current.daemon_state = $state; returns like wait_until.
sub wait_state
{
	my ($node, $state, $secs, $db) = @_;
	return wait_until($node, $db // 'postgres',
		"SELECT daemon_state FROM bifrost.status_current WHERE id = 1",
		$secs // 30, $state);
}

# Checks the contract of a stop: process $pid gone, STOPPED in status_current and daemon_heartbeat,
# graceful_shutdown_at set at or after $since, all within $bound seconds of $t0 (Time::HiRes time).
sub assert_stopped
{
	my ($node, $pid, $since, $t0, $bound, $label, $db) = @_;
	$db //= 'postgres';
	my ($ok) = wait_until(
		$node, $db, qq{
		SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $pid)
		   AND (SELECT daemon_state FROM bifrost.status_current WHERE id = 1) = 'STOPPED'
		   AND (SELECT bool_and(daemon_state = 'STOPPED' AND graceful_shutdown_at >= '$since')
		          FROM bifrost.daemon_heartbeat)},
		$bound + 3);
	my $gone = 0;
	for (1 .. 100)
	{
		if (!kill(0, $pid)) { $gone = 1; last; }
		Time::HiRes::usleep(50_000);
	}
	my $elapsed = Time::HiRes::time() - $t0;
	ok($ok && $gone, "$label: worker $pid gone, STOPPED and graceful_shutdown_at written")
	  or diag(
		"status/heartbeat now: ",
		$node->safe_psql(
			$db, q{SELECT (SELECT row_to_json(s) FROM bifrost.status_current s),
			              (SELECT json_agg(h) FROM bifrost.daemon_heartbeat h),
			              (SELECT json_agg(a.*) FROM (SELECT pid, backend_type, state, query
			                 FROM pg_stat_activity WHERE backend_type = 'bifrost hedger') a)}));
	cmp_ok($elapsed, '<', $bound, "$label: stopped within ${bound}s (took "
		  . sprintf('%.2f', $elapsed) . 's)');
	return $ok && $gone;
}

# True when $sql never prints 't' during $secs seconds (checked every 100 ms): for "does not come back".
sub observe_never
{
	my ($node, $db, $sql, $secs) = @_;
	my $end = Time::HiRes::time() + $secs;
	while (Time::HiRes::time() < $end)
	{
		my $out = $node->safe_psql($db, $sql);
		return 0 if $out eq 't';
		Time::HiRes::usleep(100_000);
	}
	return 1;
}

# The newest daemon_control row for $command created at or after $since, as a hash
# (command, requested_by, consumed, result); undef when there is none.
sub control_row
{
	my ($node, $command, $since, $db) = @_;
	my $out = $node->safe_psql($db // 'postgres', qq{
		SELECT command, requested_by, (consumed_at IS NOT NULL), coalesce(result::text, '')
		  FROM bifrost.daemon_control
		 WHERE lower(command) = lower('$command') AND created_at >= '$since'
		 ORDER BY created_at DESC LIMIT 1});
	return undef if $out eq '';
	my @f = split /\|/, $out, 4;
	return { command => $f[0], requested_by => $f[1], consumed => $f[2], result => $f[3] };
}

# How many times $re matches the server log from byte $offset on.
sub count_log
{
	my ($node, $re, $offset) = @_;
	my $log = slurp_file($node->logfile, $offset // 0);
	my $n = () = $log =~ /$re/g;
	return $n;
}

# A TCP port on 127.0.0.1 that nobody listens to (bound once, then released).
sub closed_port
{
	my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp')
	  or die "closed_port: $!";
	my $port = $s->sockport;
	close $s;
	return $port;
}

sub _listen
{
	my ($port) = @_;
	my $s = IO::Socket::INET->new(
		LocalAddr => '127.0.0.1',
		LocalPort => $port // 0,
		Proto     => 'tcp',
		Listen    => 16,
		ReuseAddr => 1) or die "listen on 127.0.0.1:" . ($port // 0) . ": $!";
	return $s;
}

# Forks $body->($socket) in a child that dies after $lifetime seconds at most; returns the child pid.
sub _fork_server
{
	my ($sock, $lifetime, $body) = @_;
	my $pid = fork();
	die "fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		# The child must never run the parent's END blocks (they tear the test nodes down).
		$SIG{ALRM} = sub { POSIX::_exit(0) };
		$SIG{TERM} = sub { POSIX::_exit(0) };
		alarm($lifetime);
		eval { $body->($sock) };
		POSIX::_exit(0);
	}
	close $sock;
	push @children, $pid;
	return $pid;
}

# A listener that accepts connections and never answers (the okx probe then hangs in CONNECTING).
# Returns (port, pid).
sub start_silent_listener
{
	my (%o) = @_;
	my $sock = _listen($o{port});
	my $port = $sock->sockport;
	my $pid = _fork_server(
		$sock,
		$o{lifetime} // 300,
		sub {
			my ($s) = @_;
			my @held;
			while (my $c = $s->accept) { push @held, $c; }
		});
	return ($port, $pid);
}

# A tiny OKX stand-in: GET /api/v5/public/time answers 200 with the server time, anything else 404.
# Each request line is appended to $o{log} if given. Returns (port, pid).
sub start_okx_responder
{
	my (%o) = @_;
	my $sock = _listen($o{port});
	my $port = $sock->sockport;
	my $log  = $o{log};
	my $pid  = _fork_server(
		$sock,
		$o{lifetime} // 300,
		sub {
			my ($s) = @_;
			while (my $c = $s->accept)
			{
				my $req = '';
				my $sel = IO::Select->new($c);
				while ($req !~ /\r?\n\r?\n/ && length($req) < 65536 && $sel->can_read(5))
				{
					my $n = sysread($c, my $buf, 4096);
					last unless $n;
					$req .= $buf;
				}
				my ($line) = $req =~ /^([^\r\n]*)/;
				$line //= '';
				if (defined $log && open(my $fh, '>>', $log))
				{
					print $fh "$line\n";
					close $fh;
				}
				my ($status, $body);
				if ($line =~ m{^GET /api/v5/public/time(?:\?\S*)? HTTP/})
				{
					$status = '200 OK';
					$body = sprintf('{"code":"0","data":[{"ts":"%d"}],"msg":""}',
						int(Time::HiRes::time() * 1000));
				}
				else
				{
					$status = '404 Not Found';
					$body   = '{"code":"50000","data":[],"msg":"not mocked"}';
				}
				print $c "HTTP/1.1 $status\r\nContent-Type: application/json\r\n"
				  . "Content-Length: "
				  . length($body)
				  . "\r\nConnection: close\r\n\r\n$body";
				close $c;
			}
		});
	return ($port, $pid);
}

sub stop_child
{
	my ($pid) = @_;
	return unless $pid;
	kill 'TERM', $pid;
	waitpid($pid, 0);
	@children = grep { $_ != $pid } @children;
	return;
}

END
{
	my $rc = $?;
	for my $pid (@children)
	{
		kill 'KILL', $pid;
		waitpid($pid, 0);
	}
	$? = $rc;
}

1;
