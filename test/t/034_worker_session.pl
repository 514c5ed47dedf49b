# The workers' sessions are not the database owner's to shape, nor the operator's to freeze.
#
# A database owner who is not superuser runs ALTER DATABASE ... SET default_transaction_read_only = on:
# every write of the hedger fails from its next connection on (it stops hedging); or ALTER DATABASE ...
# ALLOW_CONNECTIONS false: the workers cannot connect after a restart. An operator holds
# LOCK TABLE bifrost.legs IN ACCESS EXCLUSIVE MODE in an open transaction (her role may lock a table
# it can write): the hedger waits for the lock without end, heartbeat and order queries included. The
# owner runs ALTER DATABASE ... SET session_authorization (or role) = 'owner': the workers run as her.
# The workers pin their identity and transaction settings for the session and wait for a lock a
# bounded time.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $node = bifrost_node('worker_session', create_extension => 0, conf => ["bifrost.database = 'app'"]);
$node->safe_psql('postgres', 'CREATE ROLE owner LOGIN');
$node->safe_psql('postgres', 'CREATE DATABASE app OWNER owner');
$node->safe_psql('app', 'CREATE EXTENSION bifrost; CREATE ROLE op LOGIN IN ROLE bifrost_operator');
my ($ok) = wait_state($node, 'RUNNING', 60, 'app');
ok($ok, 'the hedger runs in database app');

# The owner's settings reach every new session of app, the superuser's included: ours say otherwise.
my $q = sub {
	$node->safe_psql('app',
		'SET SESSION AUTHORIZATION DEFAULT; SET ROLE NONE; '
		  . 'SET default_transaction_read_only = off; SET statement_timeout = 0; ' . shift);
};
$node->safe_psql('app', q{
	ALTER DATABASE app SET default_transaction_read_only = on;
	ALTER DATABASE app SET default_transaction_isolation = 'serializable';
	ALTER DATABASE app SET idle_in_transaction_session_timeout = '1ms';
	ALTER DATABASE app SET lock_timeout = '1ms'},
	extra_params => [ '-U', 'owner' ]);
is($q->(q{SELECT rolsuper FROM pg_roles WHERE rolname = 'owner'}), 'f', 'the owner is no superuser');
my $offset = -s $node->logfile;
$node->restart;
my $since = $q->('SELECT now()');
($ok) = wait_until($node, 'app', qq{
	SELECT daemon_state = 'RUNNING' AND last_ts > '$since' AND last_error IS NULL
	  FROM bifrost.daemon_heartbeat}, 60);
ok($ok, 'the hedger reconnects, runs and heartbeats under the owner\'s read-only default')
  or diag $q->('SELECT daemon_state, last_ts, last_error FROM bifrost.daemon_heartbeat');
($ok) = wait_until($node, 'app', qq{SELECT ts > '$since' FROM bifrost.status_current WHERE id = 1}, 30);
ok($ok, 'and writes status');
is(count_log($node, qr/read-only transaction/, $offset), 0, 'no write refused as read-only');

# An operator's lock on a table the hedger reads on every heartbeat.
my $holder = $node->background_psql('app', extra_params => [ '-U', 'op' ]);
$holder->query_safe('SET default_transaction_read_only = off; SET idle_in_transaction_session_timeout = 0');
$holder->query_safe('BEGIN');
$holder->query_safe('LOCK TABLE bifrost.legs IN ACCESS EXCLUSIVE MODE');
$offset = -s $node->logfile;
ok( eval {
		local $PostgreSQL::Test::Utils::timeout_default = 30;
		$node->wait_for_log(qr/bifrost hedger: bifrost: load legs: .*lock timeout/, $offset);
		1;
	},
	'the hedger gives up waiting for the legs and says why');
$since = $q->('SELECT now()');
($ok) = wait_until($node, 'app', qq{SELECT last_ts > '$since' FROM bifrost.daemon_heartbeat}, 30);
ok($ok, 'and heartbeats on while the operator holds the lock');
$holder->query_safe('ROLLBACK');
$holder->quit;

# The owner makes every session of app another role, her own: the workers stay who they are.
$node->safe_psql('postgres', q{
	ALTER DATABASE app SET session_authorization = 'owner';
	ALTER DATABASE app SET role = 'owner'},
	extra_params => [ '-U', 'owner' ]);
$offset = -s $node->logfile;
$node->restart;
$since = $q->('SELECT now()');
# (pg_stat_activity names the role a session connected as; psql prints the tags of the two SETs)
($ok) = wait_until($node, 'app', qq{SET SESSION AUTHORIZATION DEFAULT; SET ROLE NONE;
	SELECT last_ts > '$since' FROM bifrost.daemon_heartbeat}, 30, "SET\nSET\nt");
ok($ok, 'the hedger heartbeats: it is not the owner, who may not write its tables');
is(count_log($node, qr/permission denied/, $offset), 0, 'no permission denied');
$node->safe_psql('postgres', 'ALTER DATABASE app RESET session_authorization; ALTER DATABASE app RESET role');

# The owner closes the database to connections: people stay out, the workers come in.
$node->safe_psql('postgres', 'ALTER DATABASE app ALLOW_CONNECTIONS false', extra_params => [ '-U', 'owner' ]);
$offset = -s $node->logfile;
$node->restart;
ok( eval {
		local $PostgreSQL::Test::Utils::timeout_default = 30;
		$node->wait_for_log(qr/bifrost hedger started for database "app"/, $offset);
		1;
	},
	'the hedger starts in a database that accepts no connections');
is(count_log($node, qr/database "app" is not currently accepting connections/, $offset), 0,
	'no worker was turned away');
$node->safe_psql('postgres', 'ALTER DATABASE app ALLOW_CONNECTIONS true');
$since = $q->('SELECT now()');
($ok) = wait_until($node, 'app', qq{SELECT daemon_state = 'RUNNING' AND last_ts > '$since' FROM bifrost.daemon_heartbeat}, 30);
ok($ok, 'and heartbeats');

$node->stop;
done_testing();
