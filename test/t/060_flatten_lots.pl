# A flatten never sells more than the book holds.  At an OKX spot pair a buy's fee is kept in the base
# currency, so the account can hold a fraction of a lot (0.1% of 1,400 lots bought leaves 1,398.6); the
# flatten sells the whole lots held (1,398) and leaves the fraction, which no order can trade: rounding
# it to the nearest lot sold 1,399, more than the account holds, which OKX refuses (51008) every time,
# so the flatten never completed.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use HTTP::Tiny;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $SYMBOL = 'BTC-USDT';
my $ok;

my ($port) = start_okx_mock(lifetime => 600, demo => 1);
my $http = HTTP::Tiny->new(timeout => 10);
# 1,398.6 lots of 0.00000001 BTC in the account: what a buy of 1,400 lots leaves after its fee
my $r = $http->post("http://127.0.0.1:$port/mock/deposit", { content => '{"ccy":"BTC","amount":0.000013986}' });
ok($r->{success}, 'the account holds 1398.6 lots of BTC');

my $node = hedging_node(
	'flatten_lots',
	feed      => 'okx',
	suspended => 1,
	conf      => [
		"bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'",
		'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 200', 'bifrost.okx_demo = on'
	],
	config => [
		'symbol'                                   => qq{"$SYMBOL"},
		'gates.guard.risk.paper_trade'             => 'false',
		'gates.strategy.trading_hours_only'        => 'false',
		'gates.state.system.data_lag_threshold_ms' => '10000',
		'gates.state.market.stale_ts_threshold_ms' => '20000',
		'gates.intent.hedge.max_hedge_shares_per_order' => '1000000',
		'gates.guard.risk.max_position_shares'     => '100000000',
	],
	sql => okx_secrets_sql());
my $q = sub { $node->safe_psql('postgres', shift) };

($ok) = wait_until($node, 'postgres', q{SELECT size = 1398.6 FROM bifrost.positions WHERE exchange = 'okx'}, 30);
ok($ok, 'the hedger took the account\'s 1398.6 lots as its position')
  or diag $q->(q{SELECT size FROM bifrost.positions});

my $since = server_now($node);
$q->('SELECT bifrost_flatten()');
($ok) = wait_until($node, 'postgres', qq{
	SELECT result LIKE 'flattened:%' FROM bifrost.daemon_control
	 WHERE command = 'flatten' AND created_at >= '$since'}, 30);
ok($ok, 'the flatten completes')
  or diag 'result: ' . (control_row($node, 'flatten', $since)->{result} // '(null)') . '; orders: '
  . $q->(q{SELECT string_agg(side || ' ' || amount || ' ' || status, ', ' ORDER BY id) FROM bifrost.orders});
is($q->(q{SELECT string_agg(side || ' ' || amount || ' ' || status, ', ' ORDER BY id) FROM bifrost.orders}),
	'SELL 1398 FILLED', 'one order: the whole lots held, sold');
like(control_row($node, 'flatten', $since)->{result} // '', qr/0\.6 lots? .*less than one lot/,
	'the result names the fraction left');
is($q->(q{SELECT round(size, 9)::float8 FROM bifrost.positions WHERE exchange = 'okx' AND symbol = 'BTC-USDT'}), '0.6',
	'the book holds the 0.6 lots left, as the account does');
is($q->(q{SELECT count(*) FROM bifrost_self_check() WHERE category = 'ledger' AND NOT ok}), '0',
	'the ledger checks hold');
is($q->(q{SELECT daemon_state FROM bifrost.status_current}), 'RUNNING_SUSPENDED', 'hedging stays suspended');

$node->stop;
done_testing();
