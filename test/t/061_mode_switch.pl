# Switching from live to paper trading while an order is in flight at the venue: the order is followed
# to its end (its fill lands in the live book) before the hedger switches books, and no order leaves
# meanwhile.  Switching at once forgot it: the live order stayed NEW in the tables and its fill never
# reached positions, a position at the venue the book did not know, for as long as paper trading lasted.
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
my $ORDER  = '/api/v5/trade/order';
my $ok;

my ($port) = start_okx_mock(lifetime => 600, demo => 1);
my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
	  ->get("http://127.0.0.1:$port/api/v5/market/ticker?instId=$SYMBOL")->{content});
my $strike = 100 * floor($ticker->{data}[0]{last} / 100 + 0.5);
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));
# the venue takes the order, but every question about it fails: it stays in flight
okx_mock_fault_on($port, mode => 'http500', path => $ORDER, method => 'GET', count => 0);

my $node = hedging_node(
	'mode_switch',
	feed => 'okx',
	conf => [
		"bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'",
		'bifrost.http_timeout_ms = 1000', 'bifrost.feed_poll_ms = 200', 'bifrost.okx_demo = on'
	],
	config => [
		'symbol'                                        => qq{"$SYMBOL"},
		'gates.guard.risk.paper_trade'                  => 'false',
		eager_hedging_config()
	],
	sql => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
	  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 1, 1)");
my $q = sub { $node->safe_psql('postgres', shift) };

($ok) = wait_until($node, 'postgres', q{SELECT count(*) = 1 FROM bifrost.orders WHERE exchange = 'okx' AND status = 'NEW'}, 30);
ok($ok, 'a live order is in flight (sent; every query about it fails)');
my ($coid, $side, $amount) = split /\|/, $q->(q{SELECT client_order_id, side, amount FROM bifrost.orders WHERE exchange = 'okx'});

$q->(q{SELECT bifrost_config_set('gates.guard.risk.paper_trade', 'true')});
sleep 4;
is($q->(q{SELECT count(*) FROM bifrost.orders}), '1', 'no order leaves while the live one is in flight');

# the venue answers again: the live order is followed to its end
okx_mock_fault($port, 'none');
($ok) = wait_until($node, 'postgres', qq{SELECT status = 'FILLED' FROM bifrost.orders WHERE client_order_id = '$coid'}, 30);
ok($ok, 'the live order is followed to its fill')
  or diag $q->(q{SELECT string_agg(exchange || ' ' || client_order_id || ' ' || status, ', ' ORDER BY id) FROM bifrost.orders});
my $signed = ($side eq 'BUY' ? 1 : -1) * $amount;
is($q->(q{SELECT coalesce((SELECT size FROM bifrost.positions WHERE exchange = 'okx'), 0)::float8}), $signed,
	'its fill is in the live book');
($ok) = wait_until($node, 'postgres', q{SELECT trading_mode = 'paper' FROM bifrost.status_current}, 30);
ok($ok, 'then the hedger trades paper');
my $seen = okx_mock_orders($port);
is(scalar(keys %$seen), 1, 'the venue saw one order');
is($seen->{$coid}{posts}, 1, 'POSTed once');
is($q->(q{SELECT count(*) FROM bifrost_self_check() WHERE category = 'ledger' AND NOT ok}), '0',
	'the ledger checks hold');

$node->stop;
done_testing();
