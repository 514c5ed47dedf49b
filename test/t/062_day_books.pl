# The day's P&L of one book does not start from another's: a paper book that began the day holding
# 5,000 lots, switched to live trading where the account holds none, reads the day's start equity the
# paper book stored (hedger_days has one row per symbol and day, whatever the book).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use HTTP::Tiny;
use JSON::PP;
use POSIX qw(floor strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $SYMBOL = 'BTC-USDT-SWAP';
my $ok;

my ($port) = start_okx_mock(lifetime => 600, demo => 1);
my $node = hedging_node(
	'day_books',
	feed      => 'okx',
	suspended => 1,
	conf => [
		"bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'",
		'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 200', 'bifrost.okx_demo = on'
	],
	config => [
		'symbol'                                        => qq{"$SYMBOL"},
		'gates.strategy.trading_hours_only'             => 'false',
		'gates.guard.risk.max_daily_loss_usd'           => '100000',
		'gates.state.system.data_lag_threshold_ms'      => '10000',
		'gates.state.market.stale_ts_threshold_ms'      => '20000'
	],
	# the paper book holds 500 lots (0.05 BTC) from an earlier day
	sql => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.positions (exchange, symbol, side, size, entry_price, updated_at) "
	  . "VALUES ('paper', '$SYMBOL', 'NET', 500000, 90000, now() - interval '2 days')");
my $q = sub { $node->safe_psql('postgres', shift) };
($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.hedger_days}, 30);
ok($ok, 'the paper book started its day');
note $q->(q{SELECT start_equity FROM bifrost.hedger_days});
note $q->(q{SELECT trading_mode || ' ' || stock_position || ' ' || daily_pnl FROM bifrost.status_current});
$q->(q{SELECT bifrost_config_set('gates.guard.risk.paper_trade', 'false')});
($ok) = wait_until($node, 'postgres', q{SELECT trading_mode = 'live' AND daily_pnl IS NOT NULL FROM bifrost.status_current}, 30);
ok($ok, 'live');
sleep 3;
my $pnl = $q->(q{SELECT daily_pnl FROM bifrost.status_current});
note $q->(q{SELECT trading_mode || ' ' || stock_position || ' ' || daily_pnl FROM bifrost.status_current});
cmp_ok(abs($pnl), '<', 1000, "the live book's day P&L is its own ($pnl)");
is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'circuit_breaker'}), '0', 'no breaker');
$node->stop;
done_testing();
