# Reload and errors: pg_reload_conf() and a SIGHUP to the worker alone change the heartbeat interval;
# bad GUC values are refused; bifrost.enabled and bifrost.history_sample_every apply on reload; a failing write is rolled back and recorded in daemon_heartbeat.last_error
# while the same process goes on; bifrost_config_set() wakes the worker at once; a config row damaged
# behind the validator's back is refused by the worker and shown by bifrost_status() and the self-check.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use BifrostTAP;

my $node = bifrost_node('reload_errors');
my ($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'RUNNING');
my $pid = hedger_pid($node);

sub interval_is
{
	my ($secs, $label) = @_;
	my ($done) = wait_until($node, 'postgres',
		'SELECT heartbeat_interval_sec FROM bifrost.daemon_heartbeat', 10, $secs);
	ok($done, $label);
	return;
}

# Reload through the postmaster.
$node->safe_psql('postgres',
	'ALTER SYSTEM SET bifrost.heartbeat_interval = 2; SELECT pg_reload_conf();');
interval_is(2, 'pg_reload_conf(): heartbeat_interval_sec becomes 2');

# SIGHUP to the worker alone: it re-reads the file itself.
$node->safe_psql('postgres', 'ALTER SYSTEM SET bifrost.heartbeat_interval = 3');
kill 'HUP', $pid;
interval_is(3, 'SIGHUP to the worker: heartbeat_interval_sec becomes 3');
is(hedger_pid($node), $pid, 'reloads keep the process');

# Values out of range or not allowed are refused where they are set.
for my $bad (
	[ 'bifrost.heartbeat_interval', '0' ],
	[ 'bifrost.heartbeat_interval', '121' ],
	[ 'bifrost.http_timeout_ms',    '99' ],
	[ 'bifrost.http_timeout_ms',    '60001' ],
	[ 'bifrost.broker',             q{'nasdaq'} ],
	[ 'bifrost.feed',               q{'tea_leaves'} ],
	[ 'bifrost.okx_base_url',       q{'http://example.com'} ],
	[ 'bifrost.ibkr_base_url',      q{'http://192.0.2.1:5000'} ])
{
	my ($name, $value) = @$bad;
	my ($rc, $out, $err) = $node->psql('postgres', "ALTER SYSTEM SET $name = $value");
	isnt($rc, 0, "ALTER SYSTEM SET $name = $value is refused") or next;
	like($err, qr/\Q$name\E|invalid value/i, "  ... naming the setting ($name)");
}
my ($rc) = $node->psql('postgres',
	q{ALTER SYSTEM SET bifrost.okx_base_url = 'http://127.0.0.1:18080'});
is($rc, 0, 'http:// is accepted for 127.0.0.1');
$node->safe_psql('postgres',
	'ALTER SYSTEM RESET bifrost.okx_base_url; ALTER SYSTEM SET bifrost.heartbeat_interval = 1; '
	  . 'SELECT pg_reload_conf();');
interval_is(1, 'back to 1 s');

# bifrost.enabled = off suspends hedging without stopping the worker; on resumes it.
$node->safe_psql('postgres', 'ALTER SYSTEM SET bifrost.enabled = off; SELECT pg_reload_conf();');
($ok) = wait_state($node, 'RUNNING_SUSPENDED', 5);
ok($ok, 'bifrost.enabled = off: RUNNING_SUSPENDED');
$node->safe_psql('postgres', 'ALTER SYSTEM RESET bifrost.enabled; SELECT pg_reload_conf();');
($ok) = wait_state($node, 'RUNNING', 5);
ok($ok, 'bifrost.enabled back on: RUNNING');
is(hedger_pid($node), $pid, 'the same process throughout');

# bifrost.history_sample_every = 2 appends a status_history row every second heartbeat.
my $rows = $node->safe_psql('postgres', 'SELECT count(*) FROM bifrost.status_history');
$node->safe_psql('postgres',
	'ALTER SYSTEM SET bifrost.history_sample_every = 2; SELECT pg_reload_conf();');
($ok) = wait_until($node, 'postgres',
	"SELECT count(*) >= $rows + 2 FROM bifrost.status_history", 15);
ok($ok, 'history_sample_every = 2: sampled status_history rows appear');
$node->safe_psql('postgres',
	'ALTER SYSTEM RESET bifrost.history_sample_every; SELECT pg_reload_conf();');

# A write that fails: a BEFORE trigger on status_current raises. The worker records it and goes on.
my $since = server_now($node);
$node->safe_psql('postgres', q{
	CREATE FUNCTION public.tap_refuse_write() RETURNS trigger LANGUAGE plpgsql AS
	  $$BEGIN RAISE EXCEPTION 'tap_refuses_status_write'; END$$;
	CREATE TRIGGER tap_refuse BEFORE INSERT OR UPDATE ON bifrost.status_current
	  FOR EACH ROW EXECUTE FUNCTION public.tap_refuse_write();});
my $after_trigger = server_now($node);
($ok) = wait_until($node, 'postgres', qq{
	SELECT last_error LIKE '%tap_refuses_status_write%' AND last_error_at >= '$since'
	  FROM bifrost.daemon_heartbeat}, 10);
ok($ok, 'the failing write is recorded in daemon_heartbeat.last_error / last_error_at')
  or diag $node->safe_psql('postgres', 'SELECT row_to_json(h) FROM bifrost.daemon_heartbeat h');
ok( $node->safe_psql('postgres',
		"SELECT ts < '$after_trigger' FROM bifrost.status_current WHERE id = 1") eq 't',
	'no status row got past the trigger (the failed write was rolled back)');
($ok) = wait_until($node, 'postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE pid = $pid", 2);
ok($ok, 'the worker survives the failing write (same pid)');

$since = server_now($node);
$node->safe_psql('postgres', q{
	DROP TRIGGER tap_refuse ON bifrost.status_current;
	DROP FUNCTION public.tap_refuse_write();});
($ok) = wait_until($node, 'postgres', qq{
	SELECT ts > '$since' AND daemon_state = 'RUNNING' FROM bifrost.status_current WHERE id = 1}, 10);
ok($ok, 'status rows resume once the trigger is gone');
is(hedger_pid($node), $pid, 'still the same process');
is($node->safe_psql('postgres', 'SELECT worker_pid FROM bifrost.daemon_heartbeat'), $pid,
	'heartbeat still names it');

# bifrost_config_set() wakes the worker: with a 60 s heartbeat it still acts within 2 s.
$node->safe_psql('postgres',
	'ALTER SYSTEM SET bifrost.heartbeat_interval = 60; SELECT pg_reload_conf();');
interval_is(60, 'heartbeat interval 60 s');
my ($summary, $last) = split /\|/, $node->safe_psql('postgres', q{
	SELECT s.config_summary, h.last_ts FROM bifrost.status_current s, bifrost.daemon_heartbeat h});
my $t0 = time();
$node->safe_psql('postgres',
	q{SELECT bifrost_config_set('gates.state.delta.epsilon_band', '5')});
($ok) = wait_until($node, 'postgres', qq{
	SELECT s.config_summary IS DISTINCT FROM '$summary' OR h.last_ts > '$last'
	  FROM bifrost.status_current s, bifrost.daemon_heartbeat h}, 5);
my $elapsed = time() - $t0;
ok($ok, 'bifrost_config_set() wakes the worker (new status or heartbeat)');
cmp_ok($elapsed, '<', 2, 'within 2 s (took ' . sprintf('%.2f', $elapsed) . 's)');
($ok) = wait_until($node, 'postgres', qq{
	SELECT config_summary IS DISTINCT FROM '$summary' FROM bifrost.status_current}, 5);
ok($ok, 'config_summary reflects the new config');

$node->safe_psql('postgres', q{
	SELECT bifrost_config_set('gates.state.delta.epsilon_band', '10');
	ALTER SYSTEM RESET bifrost.heartbeat_interval;});
# A configuration row damaged behind bifrost_config_set()'s back (a superuser
# UPDATE): the hedger refuses to load it, says why, keeps its last valid
# configuration, and the refusal shows in bifrost_status() and the self-check,
# judged by the same validator.
my $log_offset = -s $node->logfile;
$node->safe_psql('postgres', q{
	UPDATE bifrost.config
	   SET value = (SELECT jsonb_agg(to_char(date '2010-01-15' + make_interval(months => 3 * i), 'YYYY-MM-DD'))
	                  FROM generate_series(0, 64) i)
	 WHERE key = 'gates.strategy.earnings.dates';
	SELECT bifrost._wake_worker();});
$node->wait_for_log(qr/bifrost\.config is invalid: key "gates\.strategy\.earnings\.dates": the list holds 65 dates/,
	$log_offset);
pass('the hedger refuses the damaged row and names it in the log');
is($node->safe_psql('postgres',
		q{SELECT bifrost_status()->'block_reasons' ? 'config_invalid'}), 't',
	'bifrost_status(): config_invalid');
is($node->safe_psql('postgres',
		q{SELECT ok || ' ' || detail FROM bifrost_self_check() WHERE category = 'config'}),
	'false the list holds 65 dates, more than 64',
	'bifrost_self_check(): the same problem');
is(hedger_pid($node), $pid, 'the hedger goes on (same process) on its last valid configuration');
$node->safe_psql('postgres',
	q{SELECT bifrost_config_set('gates.strategy.earnings.dates', '[]')});
is($node->safe_psql('postgres',
		q{SELECT bifrost_status()->'block_reasons' ? 'config_invalid'}), 'f',
	'repaired with bifrost_config_set(): config_invalid is gone');

$node->stop;
done_testing();
