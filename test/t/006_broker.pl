# Broker connection of the okx broker against the OKX mock on 127.0.0.1: an unreachable broker keeps
# the worker in WAITING_BROKER (never stops it), it retries every heartbeat and connects once the
# endpoint answers (server time, instrument, signed account calls) and the account is in net position
# mode (long/short mode keeps it waiting, with the reason logged); bifrost_retry_broker() retries at
# once, not at the next heartbeat.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use BifrostTAP;

my $port = closed_port();
my $requests = PostgreSQL::Test::Utils::tempdir() . '/okx_requests.log';

my $node = bifrost_node('broker',
	conf => [ "bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'" ]);
# keys and an instrument the mock lists: what the broker needs beyond a reachable endpoint
$node->safe_psql('postgres',
	okx_secrets_sql() . q{; SELECT bifrost_config_set('symbol', '"BTC-USDT-SWAP"'::jsonb)}
	  . q{; SELECT bifrost_config_set('gates.guard.risk.paper_trade', 'false')});
my ($ok) = wait_state($node, 'WAITING_BROKER', 30);
ok($ok, 'unreachable okx endpoint: WAITING_BROKER');
my $pid = hedger_pid($node);
is($node->safe_psql('postgres', 'SELECT broker_connected FROM bifrost.daemon_heartbeat'),
	'f', 'broker_connected false');
my $hb = $node->safe_psql('postgres', 'SELECT last_ts FROM bifrost.daemon_heartbeat');
($ok) = wait_until($node, 'postgres', "SELECT last_ts > '$hb' FROM bifrost.daemon_heartbeat", 10);
ok($ok, 'heartbeats go on while waiting for the broker');

# bifrost_retry_broker() while the endpoint is still down: consumed at once, still waiting.
my $since = server_now($node);
my $t0    = time();
$node->safe_psql('postgres', 'SELECT bifrost_retry_broker()');
($ok) = wait_until($node, 'postgres', qq{
	SELECT bool_or(consumed_at IS NOT NULL AND result IS NOT NULL) FROM bifrost.daemon_control
	 WHERE lower(command) = 'retry_broker' AND created_at >= '$since'}, 5);
my $elapsed = time() - $t0;
ok($ok, 'retry_broker row consumed with a result');
cmp_ok($elapsed, '<', 2, 'within 2 s (took ' . sprintf('%.2f', $elapsed) . 's)');
is($node->safe_psql('postgres', 'SELECT daemon_state FROM bifrost.status_current'),
	'WAITING_BROKER', 'still WAITING_BROKER with the endpoint down');
is(hedger_pid($node), $pid, 'the worker never stopped');

# The endpoint comes up on the same port, but the account is in long/short position mode, where OKX
# refuses orders without posSide: the worker keeps waiting and says why.
my $log_offset = -s $node->logfile;
my ($p1, $responder) = start_okx_mock(port => $port, log => $requests, lifetime => 300,
	pos_mode => 'long_short_mode');
my $t_wait = time() + 15;
sleep 0.2 while time() < $t_wait
  && !count_log($node, qr/long\/short position mode; bifrost trades BTC-USDT-SWAP as one net position/,
	$log_offset);
ok(count_log($node, qr/long\/short position mode/, $log_offset), 'long/short position mode: the reason is logged');
is($node->safe_psql('postgres', 'SELECT daemon_state FROM bifrost.status_current'),
	'WAITING_BROKER', 'long/short position mode: still WAITING_BROKER');

# Net mode: the next heartbeat's retry connects.
okx_mock_pos_mode($port, 'net_mode');
($ok) = wait_state($node, 'RUNNING', 15);
ok($ok, 'endpoint up in net mode: the periodic retry connects and the worker runs');
is($node->safe_psql('postgres', 'SELECT broker_connected FROM bifrost.daemon_heartbeat'),
	't', 'broker_connected true');
like(slurp_file($requests), qr{"method":"GET".*"target":"/api/v5/public/time"},
	'the first call was GET /api/v5/public/time');
is(hedger_pid($node), $pid, 'same process from WAITING_BROKER to RUNNING');

# Immediate retry: with a 60 s heartbeat only bifrost_retry_broker() can connect within 2 s.
$since = server_now($node);
$t0    = time();
$node->safe_psql('postgres', 'SELECT bifrost_stop()');
assert_stopped($node, $pid, $since, $t0, 2, 'bifrost_stop() from RUNNING (okx)');
stop_child($responder);
$node->safe_psql('postgres',
	'ALTER SYSTEM SET bifrost.heartbeat_interval = 60; SELECT pg_reload_conf();');
my $pid2 = $node->safe_psql('postgres', 'SELECT bifrost_start()');
($ok) = wait_state($node, 'WAITING_BROKER', 30);
ok($ok, '60 s heartbeat, endpoint down again: WAITING_BROKER');
($ok) = wait_until($node, 'postgres',
	'SELECT heartbeat_interval_sec FROM bifrost.daemon_heartbeat', 10, '60');
ok($ok, 'heartbeat_interval_sec 60');

(undef, $responder) = start_okx_mock(port => $port, log => $requests, lifetime => 300);
$t0 = time();
$node->safe_psql('postgres', 'SELECT bifrost_retry_broker()');
($ok) = wait_until($node, 'postgres', q{
	SELECT s.daemon_state = 'RUNNING' AND h.broker_connected
	  FROM bifrost.status_current s, bifrost.daemon_heartbeat h}, 5);
$elapsed = time() - $t0;
ok($ok, 'bifrost_retry_broker(): connected and RUNNING');
cmp_ok($elapsed, '<', 2, 'within 2 s, not at the next 60 s heartbeat (took '
	  . sprintf('%.2f', $elapsed) . 's)');
is(hedger_pid($node), $pid2, 'the process bifrost_start() returned');

stop_child($responder);
$node->safe_psql('postgres', 'ALTER SYSTEM RESET bifrost.heartbeat_interval');
$node->stop;
done_testing();
