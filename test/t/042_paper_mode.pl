# Paper means paper: with bifrost.broker = 'okx' (or 'ibkr') and gates.guard.risk.paper_trade left at
# its default true, no order leaves for the venue (the mock sees no order request at all), the fills are
# simulated by the paper model on the venue feed's quotes and recorded with exchange 'paper', the
# venue's own position never overwrites the paper book, and bifrost_status() says trading_mode 'paper'.
# Setting paper_trade = false makes the same node trade live: trading_mode 'live' and the order reaches
# the venue.
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

my $ok;
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));

# The order requests in a mock's request log (one JSON line per request).
sub order_requests
{
	my ($log, $path_re) = @_;
	return 0 unless -e $log;
	return scalar grep { $_->{method} eq 'POST' && $_->{target} =~ $path_re }
	  map { decode_json($_) } split /\n/, slurp_file($log);
}

# Waits for a paper fill and checks the rows and status of paper mode on $node.
sub check_paper
{
	my ($node, $label, $symbol) = @_;
	my $q = sub { $node->safe_psql('postgres', shift) };
	($ok) = wait_until($node, 'postgres', q{SELECT count(*) > 0 FROM bifrost.operations WHERE type = 'fill'}, 60);
	ok($ok, "$label: a hedge filled in paper mode");
	is($q->(q{SELECT string_agg(DISTINCT exchange, ',') FROM bifrost.orders}), 'paper',
		"$label: every order is a paper order");
	is($q->(q{SELECT string_agg(DISTINCT exchange, ',') FROM bifrost.trades}), 'paper',
		"$label: every trade is a paper trade");
	is( $q->(qq{SELECT count(*) FROM bifrost.positions WHERE symbol = '$symbol' AND exchange <> 'paper'}),
		'0', "$label: no venue position row");
	is($q->(q{SELECT bifrost_status() -> 'status' ->> 'trading_mode'}), 'paper',
		"$label: bifrost_status() says trading_mode paper");
	like($q->(q{SELECT config_summary FROM bifrost.status_current}), qr/paper=on/,
		"$label: config_summary paper=on");
	my ($pos, $trades) = split /\|/, $q->(qq{
		SELECT (SELECT size FROM bifrost.positions WHERE exchange = 'paper' AND symbol = '$symbol')::float8,
		       (SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END) FROM bifrost.trades)::float8});
	is($pos, $trades, "$label: the paper position ($pos) is the sum of the paper trades");
	return;
}

# ---- OKX -----------------------------------------------------------------------------------------------
{
	my $SYMBOL = 'BTC-USDT-SWAP';
	my $log = PostgreSQL::Test::Utils::tempdir() . '/okx_mock.log';
	my ($port) = start_okx_mock(lifetime => 300, log => $log, demo => 1);
	my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
		  ->get("http://127.0.0.1:$port/api/v5/market/ticker?instId=$SYMBOL")->{content});
	my $strike = 100 * floor($ticker->{data}[0]{last} / 100 + 0.5);
	my $node = hedging_node(
		'paper_okx',
		feed => 'okx',
		conf => [
			"bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'",
			'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 200', 'bifrost.okx_demo = on'
		],
		config => [
			'symbol'                                        => qq{"$SYMBOL"},
			eager_hedging_config()
		],
		sql => okx_secrets_sql() . ";\n"
		  . "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
		  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 1, 1)");
	check_paper($node, 'okx', $SYMBOL);
	is(order_requests($log, qr{^/api/v5/trade/order}), 0, 'okx: the mock saw no order request');
	is(scalar keys %{ okx_mock_orders($port) }, 0, 'okx: the mock has no order');

	# live: both paper_trade = false and a venue broker
	my $n_paper = $node->safe_psql('postgres', 'SELECT count(*) FROM bifrost.orders');
	isnt(set_config($node, 'gates.guard.risk.paper_trade' => 'false'), '', 'okx: paper_trade set to false');
	($ok) = wait_until($node, 'postgres',
		q{SELECT bifrost_status() -> 'status' ->> 'trading_mode' = 'live'}, 20);
	ok($ok, 'okx: bifrost_status() says trading_mode live');
	$node->safe_psql('postgres', "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
		  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 1, 1)");
	($ok) = wait_until($node, 'postgres',
		q{SELECT count(*) > 0 FROM bifrost.orders WHERE exchange = 'okx' AND status = 'FILLED'}, 60);
	ok($ok, 'okx live: an order FILLED at okx');
	cmp_ok(order_requests($log, qr{^/api/v5/trade/order}), '>=', 1, 'okx live: the order reached the mock');
	$node->stop;
}

# ---- IBKR ----------------------------------------------------------------------------------------------
{
	my $log = PostgreSQL::Test::Utils::tempdir() . '/ibkr_mock.log';
	my ($port) = start_ibkr_mock(lifetime => 300, log => $log, price => 100, position => 7, fill_ms => 100);
	my $node = hedging_node(
		'paper_ibkr',
		feed => 'ibkr',
		conf => [
			"bifrost.broker = 'ibkr'", "bifrost.ibkr_base_url = 'http://127.0.0.1:$port/v1/api'",
			'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 300'
		],
		config => [
			'gates.strategy.trading_hours_only'        => 'false',
			'gates.intent.hedge.cooldown_seconds'      => '0',
			'gates.intent.hedge.min_price_move_pct'    => '0',
			'gates.state.system.data_lag_threshold_ms' => '10000',
			'gates.state.market.stale_ts_threshold_ms' => '20000'
		],
		sql => "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) "
		  . "VALUES ('NVDA', 'C', 100, '$expiry', 1)");
	check_paper($node, 'ibkr', 'NVDA');
	is(order_requests($log, qr{/iserver/account/[^/]+/orders}), 0, 'ibkr: the mock saw no order request');
	my $state = ibkr_mock_state($port);
	is(scalar keys %{ $state->{posts} // {} }, 0, 'ibkr: the mock has no order');
	# the gateway's 7 shares are not the paper book's
	my $fills = $node->safe_psql('postgres',
		q{SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END) FROM bifrost.trades});
	is($node->safe_psql('postgres', q{SELECT stock_position FROM bifrost.status_current}), $fills,
		'ibkr: status_current shows the paper position, not the gateway\'s 7 shares');
	$node->stop;
}

done_testing();
