# BifrostTAP: shared helpers of the bifrost TAP tests (test/t/*.pl): preloaded nodes, bounded waits on
# the hedger's tables, and mock HTTP listeners on 127.0.0.1 forked with a bounded lifetime.
package BifrostTAP;

use strict;
use warnings;

use Exporter 'import';
use FindBin ();
use IO::Select;
use IO::Socket::INET;
use POSIX ();
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes ();

our @EXPORT = qw(
  bifrost_node hedger_pid hedger_pids server_now wait_until wait_state assert_stopped
  observe_never control_row count_log closed_port start_silent_listener
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

# ---- Helpers of the hedging tests (010-014): nodes with a book, fixtures, row invariants. ----

push @EXPORT, qw(
  hedging_node fixture_path load_ticks_sql wait_replay_done open_orders rows_of
  matches_fixture check_hedge_invariants config_hash);

# Statuses of an order still working at the broker (or never sent).
our $OPEN_STATUSES = q{('CREATED', 'NEW', 'PARTIALLY_FILLED', 'UNKNOWN')};

# The absolute path of test/fixtures/$name.
sub fixture_path
{
	my ($name) = @_;
	require Cwd;
	require File::Basename;
	my $dir = Cwd::abs_path(File::Basename::dirname(__FILE__) . '/../fixtures');
	return "$dir/$name";
}

# SQL that loads a CSV fixture of ticks (header symbol,ts,bid,ask,last) into bifrost.ticks.
sub load_ticks_sql
{
	my ($csv) = @_;
	my $path = fixture_path($csv);
	die "no fixture $path" unless -r $path;
	return "COPY bifrost.ticks (symbol, ts, bid, ask, last) FROM '$path' WITH (FORMAT csv, HEADER true)";
}

# A node whose hedger has everything in place before it starts: CREATE EXTENSION, the config keys
# (config => [key => json, ...], in that order), the legs (legs => [[right, strike, expiry, qty], ...],
# symbol NVDA unless legs_symbol) and setup SQL (sql => '...', e.g. load_ticks_sql) are committed in one
# transaction, so the worker sees all of it when it first finds the extension. feed => 'replay' (the
# default) or 'sim'; conf => [lines] and allows_streaming as bifrost_node. Waits for RUNNING (or RUNNING_SUSPENDED when
# suspended => 1 is given and the run flag is set in the same transaction).
sub hedging_node
{
	my ($name, %o) = @_;
	my @conf = ("bifrost.feed = '" . ($o{feed} // 'replay') . "'", @{ $o{conf} // [] });
	my $node = bifrost_node($name, create_extension => 0, conf => \@conf,
		allows_streaming => $o{allows_streaming});
	my @sql  = ('BEGIN', 'CREATE EXTENSION bifrost');
	my @cfg  = @{ $o{config} // [] };
	while (my ($k, $v) = splice(@cfg, 0, 2))
	{
		push @sql, "SELECT bifrost_config_set('$k', '$v'::jsonb)";
	}
	my $sym = $o{legs_symbol} // 'NVDA';
	for my $l (@{ $o{legs} // [] })
	{
		my ($right, $strike, $expiry, $qty, $iv) = @$l;
		push @sql,
		  sprintf(
			"INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, implied_vol) "
			  . "VALUES ('%s', '%s', %s, '%s', %d, %s)",
			$sym, $right, $strike, $expiry, $qty, defined $iv ? $iv : 'NULL');
	}
	push @sql, $o{sql} if $o{sql};
	push @sql, 'SELECT bifrost_suspend()' if $o{suspended};
	push @sql, 'COMMIT';
	$node->safe_psql('postgres', join(";\n", @sql) . ";\n");
	my ($ok) = wait_state($node, $o{suspended} ? 'RUNNING_SUSPENDED' : 'RUNNING', 60);
	die "hedging_node $name: the worker did not reach RUNNING" unless $ok;
	return $node;
}

# The open orders of the paper broker (count).
sub open_orders
{
	my ($node) = @_;
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM bifrost.orders WHERE status IN $OPEN_STATUSES");
}

# Waits until the replay cursor of $symbol stands on its last tick and no order is open.
sub wait_replay_done
{
	my ($node, $secs, $symbol) = @_;
	$symbol //= 'NVDA';
	return wait_until(
		$node, 'postgres', qq{
		SELECT (SELECT last_id FROM bifrost.replay_cursors WHERE symbol = '$symbol')
		       = (SELECT id FROM bifrost.ticks WHERE symbol = '$symbol' ORDER BY ts DESC, id DESC LIMIT 1)
		   AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN_STATUSES)},
		$secs // 60);
}

# The output of $sql (psql's unaligned rows, '|' between columns).
sub rows_of
{
	my ($node, $sql, $db) = @_;
	return $node->safe_psql($db // 'postgres', $sql);
}

# Compares $got with test/fixtures/$name. BIFROST_WRITE_FIXTURES=1 writes the file instead (then review
# it by hand before committing it).
sub matches_fixture
{
	my ($got, $name, $label) = @_;
	my $path = fixture_path($name);
	if ($ENV{BIFROST_WRITE_FIXTURES})
	{
		open(my $fh, '>', $path) or die "write $path: $!";
		print $fh "$got\n";
		close $fh;
		note("wrote $path");
		return ok(1, "$label (fixture written)");
	}
	my $want = -r $path ? slurp_file($path) : '';
	chomp $want;
	return 1 if $got eq $want && ok(1, $label);
	my @g = split /\n/, $got;
	my @w = split /\n/, $want;
	my $i = 0;
	$i++ while $i < @g && $i < @w && $g[$i] eq $w[$i];
	ok(0, $label);
	diag(sprintf("%s: %d rows, expected %d; first difference at row %d:\n  got:      %s\n  expected: %s",
			$name, scalar @g, scalar @w, $i + 1, $g[$i] // '(none)', $w[$i] // '(none)'));
	diag("all rows got:\n$got");
	return 0;
}

# The hash of bifrost.config as config_summary shows it (cfg=<hash>).
sub config_hash
{
	my ($node) = @_;
	return $node->safe_psql('postgres',
		q{SELECT left(md5(coalesce(string_agg(key || '=' || value::text, ',' ORDER BY key), '')), 8)
		    FROM bifrost.config});
}

# Invariants of the hedge rows of $symbol, whatever the path: every intent has exactly one order named by
# its client order id and every order an intent; every fill has its trade, its order's filled amount is
# the sum of its fills; the fill price is the far side of a quote ± the slippage, rounded away from the
# trader by less than one 0.0001 step (a BUY up, a SELL down), the quote being the last tick at or before the fill
# (quotes => 0 skips that check, for the sim feed); positions.size is the sum of the
# signed fills and status_current shows it. Runs its own ok()s; returns the number of failures.
sub check_hedge_invariants
{
	my ($node, $label, %o) = @_;
	my $sym  = $o{symbol} // 'NVDA';
	my $fail = 0;
	my $q    = sub { $node->safe_psql('postgres', shift) };

	my $bad = $q->(qq{
		SELECT coalesce(string_agg(i.client_order_id || ':' || n, ','), '')
		  FROM (SELECT i.client_order_id,
		               (SELECT count(*) FROM bifrost.orders o
		                 WHERE o.intent_id = i.id AND o.client_order_id = i.client_order_id) AS n
		          FROM bifrost.operations i WHERE i.type = 'hedge_intent') i
		 WHERE n <> 1});
	is($bad, '', "$label: every hedge_intent has exactly one order with its client order id") or $fail++;
	$bad = $q->(q{
		SELECT count(*) FROM bifrost.orders o
		 WHERE NOT EXISTS (SELECT 1 FROM bifrost.operations i
		                    WHERE i.id = o.intent_id AND i.type = 'hedge_intent'
		                      AND i.side = o.side AND i.quantity = o.amount)});
	is($bad, '0', "$label: every order comes from an intent of the same side and quantity") or $fail++;
	$bad = $q->(q{
		SELECT count(*) FROM bifrost.operations f
		 WHERE f.type = 'fill'
		   AND (SELECT count(*) FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
		         WHERE o.client_order_id = f.client_order_id AND t.amount = f.quantity
		           AND t.price = round(f.price::numeric, 4) AND t.ts = f.ts) <> 1});
	is($bad, '0', "$label: every fill operation has its trade (amount, price, time)") or $fail++;
	$bad = $q->(q{
		SELECT count(*) FROM bifrost.orders o
		 WHERE o.filled_amount <> coalesce((SELECT sum(t.amount) FROM bifrost.trades t WHERE t.order_id = o.id), 0)
		    OR (o.status = 'FILLED' AND o.filled_amount <> o.amount)
		    OR (o.status IN ('REJECTED') AND o.filled_amount <> 0)
		    OR (o.status = 'CANCELED' AND o.filled_amount >= o.amount)});
	is($bad, '0', "$label: orders' filled amounts match their trades and statuses") or $fail++;
	if ($o{quotes} // 1)
	{
		my $slip = $q->(q{SELECT (value #>> '{}')::numeric / 10000 FROM bifrost.config
		                   WHERE key = 'broker.paper.slippage_bps'});
		$bad = $q->(qq{
			SELECT coalesce(string_agg(f.id::text, ','), '')
			  FROM bifrost.operations f
			  LEFT JOIN LATERAL (SELECT t.bid, t.ask FROM bifrost.ticks t
			                      WHERE t.symbol = '$sym' AND t.ts <= f.ts
			                      ORDER BY t.ts DESC, t.id DESC LIMIT 1) t ON true
			 WHERE f.type = 'fill'
			   AND (CASE f.side WHEN 'BUY' THEN f.price::numeric - t.ask * (1 + $slip)
			                    ELSE t.bid * (1 - $slip) - f.price::numeric END
			        NOT BETWEEN -0.000000001 AND 0.000100001) IS NOT FALSE});
		is($bad, '',
			"$label: every fill is at the far side of the quote current at its time, plus slippage")
		  or $fail++;
	}
	my ($pos, $fills, $trades, $status) = split /\|/, $q->(qq{
		SELECT coalesce((SELECT size FROM bifrost.positions
		                  WHERE exchange = 'paper' AND symbol = '$sym' AND side = 'NET'), 0)::float8,
		       coalesce((SELECT sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END)
		                   FROM bifrost.operations WHERE type = 'fill'), 0),
		       coalesce((SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END)
		                   FROM bifrost.trades WHERE exchange = 'paper' AND symbol = '$sym'), 0)::float8,
		       (SELECT stock_position FROM bifrost.status_current WHERE id = 1)});
	ok($pos == $fills && $pos == $trades,
		"$label: positions.size ($pos) = sum of signed fills ($fills) = sum of signed trades ($trades)")
	  or $fail++;
	if ($o{status} // 1)
	{
		is($status, $fills, "$label: status_current.stock_position shows the position") or $fail++;
	}
	return $fail;
}

push @EXPORT, qw(eager_hedging_config);

# The configuration of a test hedger that hedges whenever its delta says so, at any hour, in one
# order whatever the size, and never goes stale or trips a limit on the way: pairs for hedging_node's
# config, after which a test names what it wants otherwise.
sub eager_hedging_config
{
	return (
		'gates.strategy.trading_hours_only'             => 'false',
		'gates.intent.hedge.cooldown_seconds'           => '0',
		'gates.intent.hedge.min_price_move_pct'         => '0',
		'gates.state.delta.max_delta_limit'             => '100000000',
		'gates.intent.hedge.max_hedge_shares_per_order' => '1000000',
		'gates.guard.risk.max_position_shares'          => '100000000',
		'gates.guard.risk.max_daily_loss_usd'           => '1000000',
		'gates.state.system.data_lag_threshold_ms'      => '10000',
		'gates.state.market.stale_ts_threshold_ms'      => '20000');
}

push @EXPORT, qw(insert_ticks wait_cursor hedge_count);

# Inserts NVDA ticks (or $o{symbol}) $step seconds apart from epoch $t, one per element of @quotes: a mid
# (bid = mid - 0.01, ask = mid + 0.01, last = mid) or [bid, ask] (undef for a missing side). Returns the
# epoch after the last tick, to chain calls. The replay feed picks them up at its next poll (within a
# heartbeat): wait_cursor() waits for that.
sub insert_ticks
{
	my ($node, $t, $step, @quotes) = @_;
	my @rows;
	for my $q (@quotes)
	{
		my ($bid, $ask, $last) = ref $q ? (@$q, undef) : ($q - 0.01, $q + 0.01, $q);
		push @rows,
		  sprintf("('NVDA', to_timestamp(%.3f), %s, %s, %s)",
			$t, map { defined $_ ? sprintf('%.4f', $_) : 'NULL' } $bid, $ask, $last);
		$t += $step;
	}
	$node->safe_psql('postgres',
		'INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last) VALUES ' . join(', ', @rows));
	return $t;
}

# Waits until the replay cursor stands on the last tick (the worker has decided on every tick).
sub wait_cursor
{
	my ($node, $secs, $symbol) = @_;
	$symbol //= 'NVDA';
	return wait_until(
		$node, 'postgres', qq{
		SELECT (SELECT last_id FROM bifrost.replay_cursors WHERE symbol = '$symbol')
		       = (SELECT id FROM bifrost.ticks WHERE symbol = '$symbol' ORDER BY ts DESC, id DESC LIMIT 1)},
		$secs // 30);
}

# Rows of operations of $type (and of state_reason $reason when given).
sub hedge_count
{
	my ($node, $type, $reason) = @_;
	my $and = defined $reason ? " AND state_reason = '$reason'" : '';
	return $node->safe_psql('postgres',
		"SELECT count(*) FROM bifrost.operations WHERE type = '$type'$and");
}

push @EXPORT, qw(crash_hedger);

# SIGKILLs the hedger of $node (restart_after_crash = on) and waits until the postmaster has restarted and
# a new hedger heartbeats in RUNNING or RUNNING_SUSPENDED. Returns (ok, old pid, new pid).
sub crash_hedger
{
	my ($node, $secs) = @_;
	my $old    = hedger_pid($node);
	my $since  = server_now($node);
	my $offset = -s $node->logfile;
	kill 'KILL', $old;
	my $seen = eval {
		local $PostgreSQL::Test::Utils::timeout_default = $secs // 60;
		$node->wait_for_log(qr/was terminated by signal 9/, $offset);
		1;
	};
	return (0, $old, '') unless $seen;
	my ($back) = wait_until(
		$node, 'postgres', qq{
		SELECT h.worker_pid = a.pid AND h.worker_pid <> $old AND h.last_ts > '$since'
		       AND h.daemon_state IN ('RUNNING', 'RUNNING_SUSPENDED')
		  FROM bifrost.daemon_heartbeat h
		  JOIN pg_stat_activity a ON a.backend_type = 'bifrost hedger'},
		$secs // 60);
	return ($back, $old, hedger_pid($node));
}

push @EXPORT, qw(set_config);

# bifrost_config_set($key, $json) for each pair, then waits until status_current.config_summary shows the
# new hash (the worker has reloaded: it writes the row after reloading). Returns the new hash, '' on time-out.
sub set_config
{
	my ($node, @pairs) = @_;
	my @sql;
	while (my ($k, $v) = splice(@pairs, 0, 2))
	{
		push @sql, "SELECT bifrost_config_set('$k', '$v'::jsonb)";
	}
	$node->safe_psql('postgres', join(";\n", 'BEGIN', @sql, 'COMMIT') . ";\n");
	my $hash = config_hash($node);
	my ($ok) = wait_until($node, 'postgres',
		"SELECT config_summary LIKE 'cfg=$hash %' FROM bifrost.status_current WHERE id = 1", 10);
	return $ok ? $hash : '';
}

push @EXPORT, qw(start_okx_mock okx_mock_fault);

my @mock_pipes;

# Starts test/mock/okx_mock.pl on 127.0.0.1 (port, default a free one); returns (port, pid). Options:
# now_ms (the mock's fixed clock), key, secret, passphrase, demo, pos_mode (the account's position
# mode, default net_mode), lifetime (s, default 300), log (file).
sub start_okx_mock
{
	my (%o) = @_;
	my @args = ('--port', $o{port} // 0, '--lifetime', $o{lifetime} // 300);
	push @args, '--now-ms', $o{now_ms} if $o{now_ms};
	push @args, '--log', $o{log} if $o{log};
	push @args, '--demo' if $o{demo};
	push @args, '--pos-mode', $o{pos_mode} if $o{pos_mode};
	for my $k (qw(key secret passphrase))
	{
		push @args, "--$k", $o{$k} if defined $o{$k};
	}
	my $script = "$FindBin::RealBin/../mock/okx_mock.pl";
	my $pid = open(my $out, '-|', $^X, $script, @args) or die "start_okx_mock: $!";
	my $line = <$out>;
	die "start_okx_mock: no banner from the mock" unless defined $line && $line =~ /:(\d+)$/;
	# keep the pipe open: closing a piped open waits for the child to exit
	push @mock_pipes, $out;
	push @children, $pid;
	return ($1, $pid);
}

# Tells the mock to misbehave: mode none|timeout|http500|http429|malformed|truncated|code, for count
# requests (0 = until told otherwise).
sub okx_mock_fault
{
	my ($port, $mode, $count, $code) = @_;
	require HTTP::Tiny;
	my $r = HTTP::Tiny->new(timeout => 10)->post("http://127.0.0.1:$port/mock/fault",
		{ content => sprintf('{"mode":"%s","count":%d,"code":"%s"}', $mode, $count // 0, $code // '50001') });
	die "okx_mock_fault: HTTP $r->{status}" unless $r->{success};
	return;
}

push @EXPORT, qw(okx_mock_fault_on okx_mock_orders okx_mock_pos_mode okx_secrets_sql);

# POST /mock/fault with any of its fields (test/mock/okx_mock.pl): mode, count, code, path, method,
# after (1: the request is processed and only its answer is lost), late_ms.
sub okx_mock_fault_on
{
	my ($port, %f) = @_;
	require HTTP::Tiny;
	require JSON::PP;
	$f{count} //= 0;
	$f{after} = $f{after} ? JSON::PP::true() : JSON::PP::false();
	my $r = HTTP::Tiny->new(timeout => 10)->post("http://127.0.0.1:$port/mock/fault",
		{ content => JSON::PP->new->canonical->encode(\%f) });
	die "okx_mock_fault_on: HTTP $r->{status}" unless $r->{success};
	return;
}

# Sets the mock account's position mode (net_mode or long_short_mode).
sub okx_mock_pos_mode
{
	my ($port, $mode) = @_;
	require HTTP::Tiny;
	my $r = HTTP::Tiny->new(timeout => 10)->post("http://127.0.0.1:$port/mock/account",
		{ content => qq({"posMode":"$mode"}) });
	die "okx_mock_pos_mode: HTTP $r->{status}" unless $r->{success};
	return;
}

# What the mock saw of orders: a hash clOrdId -> { posts => POSTs that carried it, placed => 0|1,
# order => the order as GET /api/v5/trade/order shows it, when placed }.
sub okx_mock_orders
{
	my ($port) = @_;
	require HTTP::Tiny;
	require JSON::PP;
	my $r = HTTP::Tiny->new(timeout => 10)->get("http://127.0.0.1:$port/mock/orders");
	die "okx_mock_orders: HTTP $r->{status}" unless $r->{success};
	return { map { $_->{clOrdId} => $_ } @{ JSON::PP->new->decode($r->{content})->{data} } };
}

# SQL storing the OKX keys the mock expects by default (start_okx_mock without key, secret, passphrase).
sub okx_secrets_sql
{
	my (%o) = @_;
	return sprintf(
		"INSERT INTO bifrost.secrets (name, value) VALUES ('okx.api_key', '%s'), ('okx.secret_key', '%s'), "
		  . "('okx.passphrase', '%s')",
		$o{key} // 'test-key', $o{secret} // 'test-secret', $o{passphrase} // 'test-pass');
}

push @EXPORT, qw(start_ibkr_mock ibkr_mock_post ibkr_mock_state);

# Starts test/mock/ibkr_mock.pl on a free 127.0.0.1 port; returns (port, pid). Options are the mock's
# command-line settings: account, symbol, conid, price, position, page_size, filler, fill_ms, questions,
# unauthenticated, lifetime (s, default 300), log (file).
sub start_ibkr_mock
{
	my (%o) = @_;
	my @args = ('--port', 0, '--lifetime', delete $o{lifetime} // 300);
	push @args, '--unauthenticated' if delete $o{unauthenticated};
	for my $k (sort keys %o)
	{
		(my $flag = $k) =~ tr/_/-/;
		push @args, "--$flag", $o{$k};
	}
	my $script = "$FindBin::RealBin/../mock/ibkr_mock.pl";
	my $pid = open(my $out, '-|', $^X, $script, @args) or die "start_ibkr_mock: $!";
	my $line = <$out>;
	die "start_ibkr_mock: no banner from the mock" unless defined $line && $line =~ /:(\d+)$/;
	# keep the pipe open: closing a piped open waits for the child to exit
	push @mock_pipes, $out;
	push @children, $pid;
	return ($1, $pid);
}

# POSTs \%body as JSON to the mock's steering path ('/mock/fault' or '/mock/config'); dies unless 200.
sub ibkr_mock_post
{
	my ($port, $path, $body) = @_;
	require HTTP::Tiny;
	require JSON::PP;
	my $r = HTTP::Tiny->new(timeout => 10)->post("http://127.0.0.1:$port$path",
		{ content => JSON::PP->new->canonical->encode($body) });
	die "ibkr_mock_post $path: HTTP $r->{status} $r->{content}" unless $r->{success};
	return;
}

# What the mock saw (GET /mock/orders), decoded: posts per cOID, orders, replies, violations, counts,
# tickles, position.
sub ibkr_mock_state
{
	my ($port) = @_;
	require HTTP::Tiny;
	require JSON::PP;
	my $r = HTTP::Tiny->new(timeout => 10)->get("http://127.0.0.1:$port/mock/orders");
	die "ibkr_mock_state: HTTP $r->{status}" unless $r->{success};
	return JSON::PP->new->decode($r->{content});
}

push @EXPORT, qw(okx_mock_chaos okx_mock_chaos_report);

# POST /mock/chaos (test/mock/okx_mock.pl): seed, late_ms and kinds => { kind => { mode => probability } };
# okx_mock_chaos($port) alone stops the random faults.
sub okx_mock_chaos
{
	my ($port, %c) = @_;
	require HTTP::Tiny;
	require JSON::PP;
	my $r = HTTP::Tiny->new(timeout => 10)->post("http://127.0.0.1:$port/mock/chaos",
		{ content => JSON::PP->new->canonical->encode(\%c) });
	die "okx_mock_chaos: HTTP $r->{status} $r->{content}" unless $r->{success};
	return;
}

# GET /mock/chaos, decoded: { seed, late_ms, kinds, requests => { kind => n },
# injected => { kind => { mode => n } } }.
sub okx_mock_chaos_report
{
	my ($port) = @_;
	require HTTP::Tiny;
	require JSON::PP;
	my $r = HTTP::Tiny->new(timeout => 10)->get("http://127.0.0.1:$port/mock/chaos");
	die "okx_mock_chaos_report: HTTP $r->{status}" unless $r->{success};
	return JSON::PP->new->decode($r->{content})->{data}[0];
}

1;
