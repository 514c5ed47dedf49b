# The workers run with least privilege, as the README describes: bifrost.role names a LOGIN role that is
# only a member of bifrost_worker. The hedger reads its secret, trades through the IBKR mock and records
# the hedge; the ingest worker ingests from the OKX mock; both connect as that role, which stays without
# superuser, and the role cannot do what the workers do not need (DDL in schema bifrost, reading another
# schema's tables).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use POSIX qw(strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my ($ibkr_port, $ibkr) = start_ibkr_mock(fill_ms => 200, price => 100);
my ($okx_port,  $okx)  = start_okx_mock();
my $node = bifrost_node('least_privilege', create_extension => 0);
my $q = sub { $node->safe_psql('postgres', shift) };
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));
$q->(join(";\n",
	'CREATE ROLE bifrost_agent LOGIN', 'CREATE EXTENSION bifrost', 'GRANT bifrost_worker TO bifrost_agent',
	'CREATE TABLE public.private_notes (note text)',
	"SELECT bifrost_config_set('gates.guard.risk.paper_trade', 'false')",
	"SELECT bifrost_config_set('gates.strategy.trading_hours_only', 'false')",
	"SELECT bifrost_config_set('gates.intent.hedge.cooldown_seconds', '0')",
	"SELECT bifrost_config_set('gates.intent.hedge.min_price_move_pct', '0')",
	"SELECT bifrost_config_set('gates.state.system.data_lag_threshold_ms', '10000')",
	"SELECT bifrost_config_set('gates.state.market.stale_ts_threshold_ms', '20000')",
	"INSERT INTO bifrost.secrets (name, value) VALUES ('ibkr.account_id', 'DU1234567')",
	"INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '$expiry', 1)")
	  . ";\n");
reconfigure($node, "bifrost.role = 'bifrost_agent'",
	"bifrost.broker = 'ibkr'", "bifrost.feed = 'ibkr'",
	"bifrost.ibkr_base_url = 'http://127.0.0.1:$ibkr_port/v1/api'",
	"bifrost.okx_base_url = 'http://127.0.0.1:$okx_port'",
	'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 300',
	"bifrost.ingest_schedule = 'okx:BTC-USDT-SWAP:price_snapshot'", 'bifrost.ingest_interval = 5');

my ($ok) = wait_until($node, 'postgres', q{SELECT count(*) > 0 FROM bifrost.orders WHERE status = 'FILLED'}, 60);
ok($ok, 'the hedger, as bifrost_agent, read its secret and filled a hedge at the venue')
  or diag $q->('SELECT last_error FROM bifrost.daemon_heartbeat');
($ok) = wait_until($node, 'postgres',
	q{SELECT count(*) > 0 FROM bifrost.ingestion_runs WHERE status = 'success'}, 30);
ok($ok, 'the ingest worker, as bifrost_agent, ingested');
is( $q->(q{SELECT string_agg(backend_type || ':' || usename, ',' ORDER BY backend_type)
             FROM pg_stat_activity WHERE backend_type LIKE 'bifrost%'}),
	'bifrost hedger:bifrost_agent,bifrost ingest:bifrost_agent', 'both workers are connected as bifrost_agent');
is($q->(q{SELECT rolsuper FROM pg_roles WHERE rolname = 'bifrost_agent'}), 'f', 'bifrost_agent is no superuser');
is($q->(q{SELECT count(*) FROM bifrost_self_check() WHERE NOT ok}), '0', 'the self-check is clean');

# What the role may not do.
my $as_agent = 'SET ROLE bifrost_agent; ';
for my $case (
	[ 'CREATE TABLE bifrost.planted (x int)',              'create a table in schema bifrost' ],
	[ 'ALTER TABLE bifrost.orders DROP COLUMN exchange',   'alter a bifrost table' ],
	[ 'SELECT * FROM public.private_notes',                "read another schema's table" ],
	[ 'ALTER ROLE bifrost_agent SUPERUSER',                'make itself superuser' ],
	[ q{UPDATE bifrost.config SET value = '1' WHERE key = 'feed.sim.spot'}, 'write the config table' ],
	[ q{DELETE FROM bifrost.legs},                         'delete legs' ],
	[ q{UPDATE bifrost.secrets SET value = 'x'},           'change a secret' ],
	[ q{SELECT bifrost_config_set('feed.sim.spot', '1')}, 'change the strategy config (an operator\'s act)' ])
{
	my ($rc, $out, $err) = $node->psql('postgres', $as_agent . $case->[0]);
	like($err, qr/permission denied|must be/, "bifrost_agent cannot $case->[1]");
}

$node->stop;
stop_child($ibkr);
stop_child($okx);
done_testing();
