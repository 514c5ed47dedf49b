# The hedger without preloading: bifrost_start() launches it for the current database and is idempotent;
# one hedger per database (two databases, two hedgers); a session holding an advisory lock with the
# hedger's keys does not block it, and a second instance logs "another bifrost hedger" and exits without
# retrying. With
# preloading, bifrost_start() returns the static worker's pid.
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
my ($k1, $k2) = @BifrostTAP::LOCK_KEYS;

my $node = bifrost_node('dynamic', preload => 0);

is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE $HEDGER"),
	'0', 'no hedger without preloading');

my $pid = $node->safe_psql('postgres', 'SELECT bifrost_start()');
like($pid, qr/^\d+$/, "bifrost_start() returns a pid ($pid)");
my ($ok) = wait_until($node, 'postgres', qq{
	SELECT count(*) = 1 FROM pg_stat_activity
	 WHERE $HEDGER AND pid = '$pid' AND datname = 'postgres' AND application_name = 'bifrost'}, 10);
ok($ok, 'the pid is a hedger connected to the calling database');
($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'dynamic worker reaches RUNNING');
is($node->safe_psql('postgres', 'SELECT bifrost.worker_pid()'), $pid, 'bifrost.worker_pid()');
is($node->safe_psql('postgres', 'SELECT worker_pid FROM bifrost.daemon_heartbeat'),
	$pid, 'daemon_heartbeat.worker_pid');
is($node->safe_psql('postgres', 'SELECT bifrost_start()'), $pid,
	'a second bifrost_start() returns the running pid');
is($node->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE $HEDGER"),
	'1', 'still one hedger');

# One per database: a second database gets its own.
$node->safe_psql('postgres', 'CREATE DATABASE other');
$node->safe_psql('other',    'CREATE EXTENSION bifrost');
my $opid = $node->safe_psql('other', 'SELECT bifrost_start()');
like($opid, qr/^\d+$/, 'bifrost_start() in database other');
isnt($opid, $pid, 'other has its own hedger');
($ok) = wait_state($node, 'RUNNING', 30, 'other');
ok($ok, 'hedger of other reaches RUNNING');
is($node->safe_psql('other', 'SELECT bifrost.worker_pid()'), $opid, 'worker_pid() in other');
is( $node->safe_psql(
		'postgres',
		"SELECT string_agg(datname, ',' ORDER BY datname) FROM pg_stat_activity WHERE $HEDGER"),
	'other,postgres',
	'two hedgers, one per database');
my $since = server_now($node);
my $t0    = time();
$node->safe_psql('other', 'SELECT bifrost_stop()');
assert_stopped($node, $opid, $since, $t0, 2, 'bifrost_stop() in other', 'other');
is(hedger_pid($node), $pid, 'the hedger of postgres is untouched');

# A session holding an advisory lock with the hedger's keys (the guard of bifrost 0.5 and before) does
# not keep the hedger from starting: the guard is now a lock no SQL function can take.
$since = server_now($node);
$t0    = time();
$node->safe_psql('postgres', 'SELECT bifrost_stop()');
assert_stopped($node, $pid, $since, $t0, 2, 'bifrost_stop() in postgres');

my $holder = $node->background_psql('postgres');
is($holder->query_safe("SELECT pg_try_advisory_lock($k1, $k2)"), 't', 'a session takes the old advisory lock');
is($node->safe_psql('postgres', 'SELECT bifrost.worker_pid()'), '', 'worker_pid() does not name that session');
my $pid3 = $node->safe_psql('postgres', 'SELECT bifrost_start()');
($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'bifrost_start() while the session holds it: RUNNING');
is(hedger_pid($node), $pid3, 'as the returned pid');
is($node->safe_psql('postgres', 'SELECT bifrost.worker_pid()'), $pid3, 'worker_pid() names the hedger');
is( $node->safe_psql('postgres', 'SELECT count(*) FROM pg_locks '
		  . "WHERE locktype = 'userlock' AND classid = $k1 AND objid = $k2 AND granted AND pid = $pid3"),
	'1', 'the hedger holds its guard as a userlock');
$holder->quit;
$node->stop;

# A second instance is refused: the static worker of database hedgedb retries its connection every few
# seconds while hedgedb does not exist; create it and start a hedger there with bifrost_start() before
# the next attempt. That attempt must log "another bifrost hedger" and exit for good (no retry), leaving
# the running hedger alone.
my $refuse = bifrost_node('dynamic_refuse',
	create_extension => 0,
	conf => ["bifrost.database = 'hedgedb'"]);
my $offset = 0;
$refuse->wait_for_log(qr/database "hedgedb" does not exist/, 0);
$offset = -s $refuse->logfile;
$refuse->safe_psql('postgres', 'CREATE DATABASE hedgedb');
my $first = $refuse->safe_psql('hedgedb', 'CREATE EXTENSION bifrost; SELECT bifrost_start()');
SKIP:
{
	# the static worker connects at most once every 5 s; it may have come first on a slow machine
	my $refused = eval {
		local $PostgreSQL::Test::Utils::timeout_default = 20;
		$refuse->wait_for_log(qr/another bifrost hedger/, $offset);
		1;
	};
	skip 'the static worker reconnected before bifrost_start() (slow machine)', 5 unless $refused;
	ok($refused, 'the second instance logs "another bifrost hedger"');
	($ok) = wait_until($refuse, 'postgres',
		"SELECT count(*) = 1 FROM pg_stat_activity WHERE $HEDGER", 5);
	ok($ok, 'and exits');
	is(hedger_pid($refuse, 'hedgedb'), $first, 'the first hedger runs on');
	ok(observe_never($refuse, 'postgres', "SELECT count(*) > 1 FROM pg_stat_activity WHERE $HEDGER", 7),
		'the refused static worker does not retry (7 s watched, restart interval 5 s)');
	is(count_log($refuse, qr/another bifrost hedger/, $offset), 1, 'refusal logged once');
}
($ok) = wait_state($refuse, 'RUNNING', 30, 'hedgedb');
ok($ok, 'hedgedb has its hedger: RUNNING');
$refuse->stop;

# With preloading, bifrost_start() does not launch a second hedger next to the static one.
my $pre = bifrost_node('dynamic_pre');
($ok) = wait_state($pre, 'RUNNING', 30);
ok($ok, 'static worker RUNNING');
my $static = hedger_pid($pre);
my $pre_offset = -s $pre->logfile;
is($pre->safe_psql('postgres', 'SELECT bifrost_start()'),
	$static, 'bifrost_start() returns the static worker pid');
is($pre->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE $HEDGER"),
	'1', 'one hedger');
ok(!$pre->log_contains(qr/another bifrost hedger/, $pre_offset), 'no second instance was launched');
$pre->stop;

done_testing();
