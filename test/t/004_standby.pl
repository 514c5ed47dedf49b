# Hot standby and promotion: on a streaming standby the hedger only waits (IDLE, its activity mentions
# the standby, it writes nothing); after the primary stops and the standby is promoted, it takes over
# from the replicated tables and heartbeats as the primary's hedger.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $HEDGER = q{backend_type = 'bifrost hedger'};

my $primary = bifrost_node('primary', allows_streaming => 1);
my ($ok) = wait_state($primary, 'RUNNING', 30);
ok($ok, 'primary hedger RUNNING');
my $primary_pid = hedger_pid($primary);

$primary->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b1', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);

($ok) = wait_until($standby, 'postgres', qq{
	SELECT count(*) = 1 FROM pg_stat_activity
	 WHERE $HEDGER AND query ~* 'standby' AND query LIKE 'bifrost: IDLE%'}, 30);
ok($ok, 'standby: the hedger waits in IDLE, its activity mentions the standby')
  or diag $standby->safe_psql('postgres',
	"SELECT pid, query FROM pg_stat_activity WHERE $HEDGER");
my $standby_pid = hedger_pid($standby);
like($standby_pid, qr/^\d+$/, 'standby: one hedger process');

# The standby sees the primary's heartbeats by replication, not its own.
my $hb = $primary->safe_psql('postgres', 'SELECT last_ts FROM bifrost.daemon_heartbeat');
($ok) = wait_until($primary, 'postgres', "SELECT last_ts > '$hb' FROM bifrost.daemon_heartbeat", 10);
ok($ok, 'primary keeps heartbeating');
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT worker_pid FROM bifrost.daemon_heartbeat'),
	$primary_pid, 'standby: the replicated heartbeat is the primary hedger\'s');
ok(!$standby->log_contains(qr/read-only transaction/), 'standby: the hedger tried no write');

# Fail over: stop the primary (its hedger writes STOPPED, replicated), promote the standby.
$primary->stop;
($ok) = wait_until($standby, 'postgres',
	"SELECT daemon_state FROM bifrost.daemon_heartbeat", 10, 'STOPPED');
ok($ok, 'standby received the primary hedger\'s STOPPED');
my $since = $standby->safe_psql('postgres', 'SELECT clock_timestamp()');
$standby->promote;
($ok) = wait_until($standby, 'postgres', 'SELECT NOT pg_is_in_recovery()', 30);
ok($ok, 'standby promoted');

($ok) = wait_until($standby, 'postgres', qq{
	SELECT h.worker_pid = a.pid AND h.daemon_state = 'RUNNING' AND h.last_ts > '$since'
	  FROM bifrost.daemon_heartbeat h JOIN pg_stat_activity a ON a.$HEDGER}, 30);
ok($ok, 'promoted: the hedger took over, RUNNING, heartbeat names it')
  or diag $standby->safe_psql('postgres',
	"SELECT row_to_json(h) FROM bifrost.daemon_heartbeat h");
($ok) = wait_state($standby, 'RUNNING', 10);
ok($ok, 'promoted: status_current RUNNING');
my $new_pid = hedger_pid($standby);
note "standby hedger pid before promotion $standby_pid, after $new_pid";
$hb = $standby->safe_psql('postgres', 'SELECT last_ts FROM bifrost.daemon_heartbeat');
($ok) = wait_until($standby, 'postgres', "SELECT last_ts > '$hb' FROM bifrost.daemon_heartbeat", 10);
ok($ok, 'promoted: heartbeats advance');
is($standby->safe_psql('postgres', "SELECT count(*) FROM pg_stat_activity WHERE $HEDGER"),
	'1', 'promoted: one hedger');
ok(!$standby->log_contains(qr/read-only transaction/), 'no write was attempted during recovery');

$standby->stop;
done_testing();
