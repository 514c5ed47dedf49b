# bifrost_backtest_sweep() on its background workers: the same grid on 1 and on 2 workers gives the same
# rows, combination by combination; progress in pg_stat_activity and the progress view while it runs,
# the workers acting as the caller's role; a cancelled caller (pg_cancel_backend) leaves its finished
# runs success, the others failed 'cancelled', nothing running and no worker behind, within a bound; a
# worker terminated under a waiting caller is noticed (the caller errs, it does not wait forever); a
# worker killed with SIGKILL (the postmaster restarts the cluster) leaves a running row that the
# progress view shows as worker_gone and the next sweep marks failed, "worker gone".
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use BifrostTAP;

my $WORKERS = q{backend_type = 'bifrost backtest'};

# PostgreSQL::Test::Cluster turns restart_after_crash off; the SIGKILL case needs it on.
my $node = bifrost_node('sweep', preload => 0, conf => ['restart_after_crash = on', 'max_worker_processes = 8']);
$node->safe_psql('postgres', q{
	CREATE ROLE sweeper LOGIN IN ROLE bifrost_operator;
	-- every row a run wrote, minus its ids and timings: equal for equal runs
	CREATE FUNCTION tap_fingerprint(run bigint) RETURNS text LANGUAGE sql STABLE AS $$
	SELECT md5(concat_ws('|',
	    (SELECT concat_ws(',', status, source, symbol, config_hash, pnl, hedge_count, quotes,
	                      (metrics_json - 'seconds' - 'seconds_reading' - 'quotes_per_second' - 'cpu_seconds'
	                       - 'quotes_per_cpu_second')::text)
	       FROM bifrost.backtest_runs WHERE id = run),
	    (SELECT string_agg(concat_ws(',', order_no, decided_at, ts, side, price, amount, filled, fee, status),
	                       ';' ORDER BY order_no)
	       FROM bifrost.backtest_orders WHERE backtest_run_id = run),
	    (SELECT string_agg(concat_ws(',', ts, until_ts, action, intent_side, intent_qty, block_reason, ticks),
	                       ';' ORDER BY ts, id)
	       FROM bifrost.backtest_decisions WHERE backtest_run_id = run),
	    (SELECT string_agg(concat_ws(',', ts, amount, entry_price), ';' ORDER BY ts, id)
	       FROM bifrost.backtest_positions WHERE backtest_run_id = run),
	    (SELECT string_agg(concat_ws(',', ts, mid, position, cash, equity, pnl, gamma_pnl, fees), ';' ORDER BY ts)
	       FROM bifrost.backtest_equity WHERE backtest_run_id = run)))
	$$;});

# A book on the simulated feed; tick_ms sets how long a run takes (a day at 50 ms: 1.7 million quotes).
sub base_config
{
	my ($tick_ms) = @_;
	return qq{'{"backtest.source": "sim", "feed.sim.tick_ms": $tick_ms, "feed.sim.vol": 0.8,
	            "gates.strategy.trading_hours_only": false, "gates.intent.hedge.cooldown_seconds": 5,
	            "gates.intent.hedge.max_hedge_shares_per_order": 100000,
	            "gates.guard.risk.max_position_shares": 1000000, "gates.guard.risk.max_daily_hedge_count": 100000,
	            "backtest.legs": [{"option_right": "C", "strike": 100, "quantity": -100,
	                               "expiry": "2026-02-01 21:00+00", "implied_vol": 0.6}]}'};
}

sub sweep_sql
{
	my ($tick_ms, $grid) = @_;
	return "SELECT bifrost_backtest_sweep(" . base_config($tick_ms)
	  . ", '$grid', '2026-01-05 00:00+00', '2026-01-06 00:00+00', 'SIM')";
}

# Polls until $sql prints 't', at most $secs seconds; true when it did.
sub eventually
{
	my ($sql, $secs) = @_;
	my ($ok) = wait_until($node, 'postgres', $sql, $secs);
	return $ok;
}

sub sweep_of
{
	my ($run) = @_;
	return $node->safe_psql('postgres', "SELECT sweep_id FROM bifrost.backtest_runs WHERE id = $run");
}

######################################################################################################
# 1. Determinism across worker counts: the same grid on 1 and on 2 workers.
######################################################################################################
my $grid = '{"feed.sim.seed": [1, 2, 3], "hedge_to": ["zero", "band_edge"]}';
my %by_workers;
for my $w (1, 2)
{
	my $ids = $node->safe_psql('postgres',
		"SET bifrost.backtest_workers = $w; " . sweep_sql(1000, $grid));
	like($ids, qr/^\{\d+(,\d+){5}\}$/, "$w worker(s): six run ids ($ids)");
	$ids =~ tr/{}//d;
	my $arr = "ARRAY[$ids]::bigint[]";
	is($node->safe_psql('postgres', qq{
		SELECT count(*) FILTER (WHERE status = 'success') || '/' || count(DISTINCT sweep_id) || '/'
		       || count(DISTINCT config_hash) || '/' || (count(DISTINCT worker_pid) <= $w)
		  FROM bifrost.backtest_runs WHERE id = ANY ($arr)}),
		"6/1/6/true", "$w worker(s): six successes, one sweep, six configurations, at most $w worker pid(s)");
	$by_workers{$w} = $node->safe_psql('postgres', qq{
		SELECT string_agg(tap_fingerprint(u.id), ',' ORDER BY u.n)
		  FROM unnest($arr) WITH ORDINALITY AS u(id, n)});
}
is($by_workers{2}, $by_workers{1}, 'combination by combination, 2 workers wrote the rows 1 worker wrote');

# More workers asked for than max_worker_processes has slots: the sweep runs on those it gets.
my ($rc0, $ids12, $notice) = $node->psql('postgres',
	"SET bifrost.backtest_workers = 12; " . sweep_sql(60000, '{"feed.sim.seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}'));
like($notice, qr/sweep \d+ runs on [1-7] of the 12 workers asked for: no more background worker slots are free/,
	'12 workers asked for, max_worker_processes = 8: a notice, and the sweep runs on fewer');
$ids12 =~ tr/{}//d;
is($node->safe_psql('postgres', "SELECT count(*) FROM bifrost.backtest_runs WHERE status = 'success' AND id IN ($ids12)"),
	'12', 'all twelve runs succeeded');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE $WORKERS"),
	'0', 'no worker left after the sweeps');

######################################################################################################
# 2. Progress and cancellation: 12 slow runs as role sweeper, cancelled once one has succeeded.
######################################################################################################
my $session = $node->background_psql('postgres', on_error_stop => 0,
	extra_params => ['-U', 'sweeper']);
my $caller = $session->query_safe('SELECT pg_backend_pid()');
my $since = server_now($node);
$session->query_until(qr/sweep started/, "\\echo sweep started\n"
	  . sweep_sql(50, '{"feed.sim.seed": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]}') . ";\n");
my $new_runs = "bifrost.backtest_runs WHERE sweep_id IS NOT NULL AND created_at >= '$since'";

ok(eventually("SELECT count(*) > 0 FROM $new_runs AND status = 'success'", 120),
	'a run of the slow sweep succeeded');
my $sweep = $node->safe_psql('postgres', "SELECT max(sweep_id) FROM $new_runs");
note "pg_stat_activity while the sweep runs:\n", $node->safe_psql('postgres', qq{
	SELECT string_agg(backend_type || ' ' || usename || ': ' || query, E'\\n' ORDER BY backend_type, pid)
	  FROM pg_stat_activity WHERE $WORKERS OR pid = $caller});
ok(eventually(qq{
	SELECT query ~ '^bifrost backtest sweep $sweep: [0-9]+ of 12 runs done \\(2 workers\\)\$'
	  FROM pg_stat_activity WHERE pid = $caller}, 10), 'the caller shows the runs done');
ok(eventually(qq{
	SELECT count(*) > 0 FROM pg_stat_activity
	 WHERE $WORKERS AND usename = 'sweeper' AND datname = 'postgres'
	   AND query ~ '^bifrost backtest sweep $sweep: run [0-9]+ of 12 \\(id [0-9]+\\), [0-9]+ quotes\$'}, 10),
	'a worker shows its run and its quotes, connected as the caller\'s role');
is($node->safe_psql('postgres', "SELECT state FROM bifrost.backtest_sweep_progress WHERE sweep_id = $sweep"),
	'running', 'the progress view says running');
my $succeeded_before = $node->safe_psql('postgres',
	"SELECT string_agg(id::text, ',' ORDER BY id) FROM $new_runs AND status = 'success'");

my $t0 = time;
is($node->safe_psql('postgres', "SELECT pg_cancel_backend($caller)"), 't', 'the caller is cancelled');
ok(eventually(qq{
	SELECT NOT EXISTS (SELECT 1 FROM $new_runs AND status = 'running')
	   AND NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE $WORKERS)}, 30),
	'no run left running and no worker left');
my $took = time - $t0;
cmp_ok($took, '<', 12, sprintf('cleaned up within 12 s of the cancel (%.2f s)', $took));
my ($out, $failed) = $session->query('SELECT 1');
like($session->{stderr}, qr/canceling statement due to user request/, 'the caller got the cancel');
$session->quit;

my $rows = $node->safe_psql('postgres', qq{
	SELECT count(*) || '/' || count(*) FILTER (WHERE status = 'success') || '/'
	       || count(*) FILTER (WHERE status = 'failed' AND error = 'cancelled' AND finished_at IS NOT NULL)
	  FROM $new_runs});
note "runs recorded/succeeded/cancelled: $rows";
my ($recorded, $ok_runs, $cancelled) = split m{/}, $rows;
cmp_ok($recorded, '<', 12, 'the sweep stopped before its last runs started');
is($ok_runs + $cancelled, $recorded, 'every recorded run is success or failed with error cancelled');
cmp_ok($cancelled, '>', 0, 'the runs in flight ended cancelled');
my @succeeded = split /,/, $succeeded_before;
is($node->safe_psql('postgres', qq{
	SELECT count(*) FROM unnest(string_to_array('$succeeded_before', ',')::bigint[]) AS s(id)
	  JOIN bifrost.backtest_runs r USING (id) WHERE r.status = 'success'}),
	scalar(@succeeded), 'the runs that had succeeded are still success');
is($node->safe_psql('postgres', "SELECT state FROM bifrost.backtest_sweep_progress WHERE sweep_id = $sweep"),
	'ended', 'the progress view says ended');

######################################################################################################
# 3. A worker terminated under a waiting caller: its run ends failed, the caller errs instead of waiting.
######################################################################################################
$session = $node->background_psql('postgres', on_error_stop => 0);
$session->query_safe('SET bifrost.backtest_workers = 1');
$since = server_now($node);
$new_runs = "bifrost.backtest_runs WHERE sweep_id IS NOT NULL AND created_at >= '$since'";
$session->query_until(qr/sweep started/, "\\echo sweep started\n"
	  . sweep_sql(50, '{"feed.sim.seed": [1, 2, 3, 4]}') . ";\n");
ok(eventually("SELECT count(*) = 1 FROM $new_runs AND status = 'running'", 60), 'the only worker runs');
my $worker = $node->safe_psql('postgres', "SELECT worker_pid FROM $new_runs AND status = 'running'");
$t0 = time;
is($node->safe_psql('postgres', "SELECT pg_terminate_backend($worker)"), 't', "worker $worker terminated");
($out, $failed) = $session->query('SELECT 1');
$took = time - $t0;
like($session->{stderr}, qr/the workers of sweep \d+ exited with 1 of 4 runs done/,
	'the caller noticed the worker had gone and raised');
cmp_ok($took, '<', 10, sprintf('within 10 s (%.2f s)', $took));
$session->quit;
is($node->safe_psql('postgres', "SELECT status || ': ' || error FROM $new_runs"),
	'failed: cancelled: the worker was terminated', 'the terminated worker marked its run failed');

######################################################################################################
# 4. A worker killed with SIGKILL: its running row stays until the next sweep marks it failed.
######################################################################################################
$session = $node->background_psql('postgres', on_error_stop => 0);
$since = server_now($node);
$new_runs = "bifrost.backtest_runs WHERE sweep_id IS NOT NULL AND created_at >= '$since'";
$session->query_until(qr/sweep started/, "\\echo sweep started\n"
	  . sweep_sql(50, '{"feed.sim.seed": [1, 2, 3, 4]}') . ";\n");
ok(eventually(qq{
	SELECT count(*) > 0 FROM $new_runs AND status = 'running'
	   AND worker_pid IN (SELECT pid FROM pg_stat_activity WHERE $WORKERS)}, 60), 'a worker runs');
$worker = $node->safe_psql('postgres', "SELECT min(worker_pid) FROM $new_runs AND status = 'running'");
my $offset = -s $node->logfile;
kill 'KILL', $worker;
my $seen = eval {
	local $PostgreSQL::Test::Utils::timeout_default = 30;
	$node->wait_for_log(qr/database system is ready to accept connections/, $offset);
	1;
};
ok($seen, "worker $worker killed, the cluster restarted");
eval { $session->quit };
ok(eventually('SELECT true', 30), 'the node answers again');
my $stale = $node->safe_psql('postgres', "SELECT string_agg(id::text, ',') FROM $new_runs AND status = 'running'");
ok($stale ne '', "the killed sweep left running rows ($stale)");
my $killed_sweep = $node->safe_psql('postgres', "SELECT max(sweep_id) FROM $new_runs");
is($node->safe_psql('postgres', qq{
	SELECT state || ' ' || (worker_gone > 0) FROM bifrost.backtest_sweep_progress WHERE sweep_id = $killed_sweep}),
	'interrupted true', 'the progress view shows them as worker_gone');
my ($rc, $stdout, $stderr) = $node->psql('postgres', sweep_sql(60000, '{"feed.sim.seed": [1]}'));
is($rc, 0, 'the next sweep runs');
like($stderr, qr/backtest run\(s\) left running by a sweep worker that is gone marked failed/,
	'and says it marked the stale runs');
is($node->safe_psql('postgres', qq{
	SELECT string_agg(DISTINCT status || ': ' || error, ',') FROM bifrost.backtest_runs
	 WHERE id IN ($stale)}), 'failed: worker gone', 'the stale rows are failed, "worker gone"');
is($node->safe_psql('postgres', "SELECT count(*) FROM bifrost.backtest_runs WHERE status = 'running'"),
	'0', 'nothing is left running');

$node->stop;
done_testing();
