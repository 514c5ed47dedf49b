# No secret value reaches the server log, pg_stat_activity, or anything bifrost_reader can read. The hedger
# trades through the IBKR mock: first with a wrong ibkr.account_id (the gateway refuses it, the worker
# waits for the broker and says why), then with the right one through a hedge whose order draws a
# question. OKX keys are stored beside them. Then every secret is searched for in the log, in every table
# and view of schema bifrost the reader may SELECT, in what the reader's functions return, and in the
# workers' pg_stat_activity rows.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use POSIX qw(strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $ACCOUNT = 'DU1234567';    # the mock's account
my %SECRETS = (
	'ibkr.account_id' => 'DU7777777',
	'okx.api_key'     => 'okx-key-5f1e2d',
	'okx.secret_key'  => 'okx-secret-9a8b7c',
	'okx.passphrase'  => 'okx-pass-4d3c2b');

my ($port, $mock) = start_ibkr_mock(questions => 1, fill_ms => 200, price => 100);
my $node = bifrost_node(
	'secrets',
	create_extension => 0,
	conf => [
		"bifrost.broker = 'ibkr'", "bifrost.feed = 'ibkr'",
		"bifrost.ibkr_base_url = 'http://127.0.0.1:$port/v1/api'",
		'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 300',
		# the test's own INSERT of the secrets is not bifrost's to hide
		'log_statement = none'
	]);
my $q = sub { $node->safe_psql('postgres', shift) };
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));
$q->(join(";\n",
	'BEGIN', 'CREATE EXTENSION bifrost',
	"SELECT bifrost_config_set('gates.guard.risk.paper_trade', 'false')",
	"SELECT bifrost_config_set('gates.strategy.trading_hours_only', 'false')",
	"SELECT bifrost_config_set('gates.intent.hedge.cooldown_seconds', '0')",
	"SELECT bifrost_config_set('gates.intent.hedge.min_price_move_pct', '0')",
	"SELECT bifrost_config_set('gates.state.system.data_lag_threshold_ms', '10000')",
	"SELECT bifrost_config_set('gates.state.market.stale_ts_threshold_ms', '20000')",
	'INSERT INTO bifrost.secrets (name, value) VALUES '
	  . join(', ', map { "('$_', '$SECRETS{$_}')" } sort keys %SECRETS),
	"INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) VALUES ('NVDA', 'C', 100, '$expiry', 1)",
	'COMMIT') . ";\n");

# A wrong account: the gateway's list does not have it.
my ($ok) = wait_until($node, 'postgres',
	q{SELECT last_error LIKE '%ibkr.account_id is not one of the gateway''s%' FROM bifrost.daemon_heartbeat}, 30);
ok($ok, 'a wrong ibkr.account_id keeps the worker waiting, and last_error says why')
  or diag $q->('SELECT last_error FROM bifrost.daemon_heartbeat');
is($q->('SELECT daemon_state FROM bifrost.status_current'), 'WAITING_BROKER', 'WAITING_BROKER');

# The right account: the worker trades, and the order is confirmed through a question.
$q->(qq{UPDATE bifrost.secrets SET value = '$ACCOUNT' WHERE name = 'ibkr.account_id'; SELECT bifrost_retry_broker()});
($ok) = wait_until($node, 'postgres',
	q{SELECT count(*) > 0 FROM bifrost.orders WHERE status = 'FILLED'}, 60);
ok($ok, 'with the right account a hedge is filled');
$SECRETS{'ibkr.account_id (right)'} = $ACCOUNT;

# Every table and view of schema bifrost the reader may read, whole, and the reader's functions.
my $readable = $q->(q{
	SELECT string_agg(pg_catalog.format('%I.%I', n.nspname, c.relname), ' ' ORDER BY c.relname)
	  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	 WHERE n.nspname = 'bifrost' AND c.relkind IN ('r', 'v', 'm')
	   AND has_table_privilege('bifrost_reader', c.oid, 'SELECT')});
my @tables = split / /, $readable;
cmp_ok(scalar @tables, '>=', 10, scalar(@tables) . ' relations readable by bifrost_reader');
ok(!grep({ $_ eq 'bifrost.secrets' } @tables), 'bifrost.secrets is not among them');
my $as_reader = 'SET ROLE bifrost_reader; ';
my $dump = join("\n",
	map { $q->("${as_reader}SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM $_ t") } @tables);
$dump .= "\n" . $q->("${as_reader}SELECT bifrost_status()::text");
$dump .= "\n" . $q->("${as_reader}SELECT string_agg(r::text, E'\\n') FROM bifrost_self_check() r");
$dump .= "\n" . $q->("${as_reader}SELECT string_agg(r::text, E'\\n') FROM bifrost_operations() r");
like($dump, qr/not one of the gateway's/, 'what the reader reads includes the refusal');
my $activity = $q->(q{SELECT string_agg(coalesce(query, '') || ' ' || coalesce(application_name, ''), E'\n')
                        FROM pg_stat_activity WHERE backend_type LIKE 'bifrost%'});
my $log = slurp_file($node->logfile);
like($log, qr/trading NVDA \(conid \d+\) in account \.\.\.67/, 'the log names the account by its last two characters');
for my $name (sort keys %SECRETS)
{
	my $v = $SECRETS{$name};
	unlike($dump,     qr/\Q$v\E/, "$name: not in what bifrost_reader can read");
	unlike($log,      qr/\Q$v\E/, "$name: not in the server log");
	unlike($activity, qr/\Q$v\E/, "$name: not in the workers' pg_stat_activity rows");
}

$node->stop;
stop_child($mock);
done_testing();
