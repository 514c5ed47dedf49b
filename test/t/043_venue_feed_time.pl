# Time at the venues.  First, the time of a venue's quotes and their staleness (bifrost.feed = 'okx' against test/mock/okx_mock.pl,
# paper broker).  A venue that answers every ticker poll, however slowly within its timeout, must never
# make the data look stale: with a 1000 ms poll, the default 1000 ms data_lag limit, a heartbeat every
# second and a venue answering in 300 ms, the machine never goes to SAFE.  A venue that stops answering
# must still make the data stale, within a bound: SAFE within the poll, the transfer timeout and a
# heartbeat of the last answer (plus scheduling slack); and the machine recovers once it answers again.
# The heartbeat is 2 s: a heartbeat of the poll's own period locks onto the polls (each runs right after
# one), while 2 s puts every other heartbeat a poll's length after the last answer.
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
use Time::HiRes qw(time usleep);
use BifrostTAP;

my $SYMBOL     = 'BTC-USDT-SWAP';
my $TICKER     = '/api/v5/market/ticker';
my $POLL_MS    = 1000;
my $TIMEOUT_MS = 1500;
my $HEARTBEAT  = 2;

my ($port) = start_okx_mock(lifetime => 600);
my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
	  ->get("http://127.0.0.1:$port$TICKER?instId=$SYMBOL")->{content});
my $strike = 100 * floor($ticker->{data}[0]{last} / 100 + 0.5);
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));

# every ticker answer 300 ms late from the start
okx_mock_fault_on($port, mode => 'delay', delay_ms => 300, path => $TICKER, count => 0);

my $node = hedging_node(
	'feed_time',
	feed => 'okx',
	conf => [
		"bifrost.okx_base_url = 'http://127.0.0.1:$port'", "bifrost.http_timeout_ms = $TIMEOUT_MS",
		"bifrost.feed_poll_ms = $POLL_MS", 'bifrost.history_sample_every = 1',
		"bifrost.heartbeat_interval = $HEARTBEAT"
	],
	config => [
		'symbol'                            => qq{"$SYMBOL"},
		'gates.strategy.trading_hours_only' => 'false'
	],
	sql => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
	  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 1, 1)");
my $q = sub { $node->safe_psql('postgres', shift) };

my ($ok) = wait_until($node, 'postgres', q{
	SELECT trading_state NOT IN ('BOOT', 'SYNC', 'SAFE') FROM bifrost.status_current WHERE id = 1}, 60);
ok($ok, 'the hedger is past its start on the venue\'s quotes')
  or diag($q->('SELECT row_to_json(s) FROM bifrost.status_current s'));

# ---- a slow venue that always answers: never stale ----------------------------------------------------
{
	my $since = server_now($node);
	my (%seen, $samples);
	my $end = time + 24;
	while (time < $end && $samples++ < 240)
	{
		$seen{ $q->('SELECT trading_state FROM bifrost.status_current WHERE id = 1') }++;
		usleep(100_000);
	}
	my $beats = $q->("SELECT count(*) FROM bifrost.status_history WHERE ts >= '$since'");
	my $safe_rows = $q->("SELECT count(*) FROM bifrost.status_history
	                       WHERE ts >= '$since' AND trading_state = 'SAFE'");
	my $seen = join(', ', map { "$_ $seen{$_}" } sort keys %seen);
	cmp_ok($beats, '>=', 10, "status rows were written meanwhile ($beats)");
	ok(!$seen{SAFE} && $safe_rows == 0,
		"300 ms venue, 1000 ms poll, 1000 ms limit: never SAFE ($samples samples: $seen; SAFE rows $safe_rows of $beats)");
	my $lag = $q->("SELECT max(data_lag_ms) FROM bifrost.status_history WHERE ts >= '$since'");
	cmp_ok($lag, '<=', $POLL_MS + 300 + 1000, "the quotes' age stays within a poll and its answer ($lag ms)");
}

# ---- the venue stops answering: SAFE within a bound ------------------------------------------------------
{
	okx_mock_fault_on($port, mode => 'timeout', path => $TICKER, count => 0);
	my $t0 = time;
	my $bound = ($POLL_MS + $TIMEOUT_MS) / 1000 + $HEARTBEAT + 3;    # poll + timeout + heartbeat + slack
	my ($safe, $took) = wait_until($node, 'postgres',
		q{SELECT trading_state FROM bifrost.status_current WHERE id = 1}, $bound + 10, 'SAFE');
	ok($safe, 'a venue that stops answering makes the data stale: SAFE');
	cmp_ok($took, '<=', $bound, sprintf('within %.1f s (took %.1f s)', $bound, $took));

	okx_mock_fault_on($port, mode => 'none');
	my ($back) = wait_until($node, 'postgres', q{
		SELECT trading_state NOT IN ('SAFE', 'SYNC') FROM bifrost.status_current WHERE id = 1}, 40);
	ok($back, 'answers again: the machine leaves SAFE by itself');
}

$node->stop;

# ---- an order whose request leaves late: the grace counts from then -------------------------------------
# IBKR places a market order only once every question about it is confirmed, and a request has no expiry
# time there: a confirmation that reaches the gateway after its client gave up still places the order.
# Here the order is asked four questions; the first three confirmations take 4 s each (within the 5 s
# timeout), the last reaches the gateway 6 s after it left, when the client has given up (outcome
# unknown).  Until then the gateway has no such order, so the hedger's queries find none; it must not
# conclude "never reached IBKR" (and hedge again) before its grace has run from the moment that last
# confirmation left, 12 s after the send began.  One order, one fill, positions = the fills.
{
	my $IBKR_TIMEOUT_MS = 5000;
	my ($iport) = start_ibkr_mock(lifetime => 300, price => 100, position => 0, fill_ms => 300, questions => 4);
	ibkr_mock_post($iport, '/mock/fault', { mode => 'slow', path => '/iserver/reply/', method => 'POST',
		when => 'before', delays_ms => [ 4000, 4000, 4000, 6000 ] });
	my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));
	my $inode = hedging_node(
		'send_grace',
		feed => 'ibkr',
		conf => [
			"bifrost.broker = 'ibkr'", "bifrost.ibkr_base_url = 'http://127.0.0.1:$iport/v1/api'",
			"bifrost.http_timeout_ms = $IBKR_TIMEOUT_MS", 'bifrost.feed_poll_ms = 500'
		],
		config => [
			'gates.guard.risk.paper_trade'             => 'false',
			'gates.strategy.trading_hours_only'        => 'false',
			'gates.intent.hedge.cooldown_seconds'      => '0',
			'gates.intent.hedge.min_price_move_pct'    => '0',
			'gates.state.system.data_lag_threshold_ms' => '60000',
			'gates.state.market.stale_ts_threshold_ms' => '120000'
		],
		sql => "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) "
		  . "VALUES ('NVDA', 'C', 100, '$expiry', 1)");
	my $iq = sub { $inode->safe_psql('postgres', shift) };

	# the mock places the order about 18 s after the send began; then nothing more may happen
	my ($placed) = wait_until($inode, 'postgres', qq{
		SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE status = 'FILLED')
		   AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $BifrostTAP::OPEN_STATUSES)}, 90);
	ok($placed, 'late confirmation: an order FILLED and none open')
	  or diag($iq->(q{SELECT string_agg(client_order_id || ' ' || status, ', ' ORDER BY id) FROM bifrost.orders}));
	sleep 6;    # time for a second order, were one coming
	my $mock   = ibkr_mock_state($iport);
	my @placed = @{ $mock->{orders} };
	is(scalar(@placed), 1, 'late confirmation: the gateway placed one order, not two')
	  or diag(explain(\@placed));
	is(join(',', grep { $mock->{posts}{$_} != 1 } sort keys %{ $mock->{posts} }), '',
		'late confirmation: no cOID POSTed twice');
	my ($n, $coid, $status) = split /\|/, $iq->(q{
		SELECT count(*) OVER (), client_order_id, status FROM bifrost.orders ORDER BY id LIMIT 1});
	is("$n $status", '1 FILLED', 'late confirmation: one order for the intent, FILLED');
	is($iq->(qq{SELECT string_agg(status, ',' ORDER BY id) FROM bifrost.order_lifecycle_events
	             WHERE client_order_id = '$coid'}),
		'CREATED,UNKNOWN,NEW,FILLED', 'late confirmation: unknown at first, then found at IBKR');
	is($iq->(q{SELECT count(*) FROM bifrost.operations WHERE type = 'hedge_intent'}), '1', 'late confirmation: one intent');
	my ($size, $fills, $status_pos) = split /\|/, $iq->(q{
		SELECT coalesce((SELECT sum(size) FROM bifrost.positions WHERE symbol = 'NVDA'), 0)::float8,
		       coalesce((SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END) FROM bifrost.trades), 0)::float8,
		       (SELECT stock_position FROM bifrost.status_current WHERE id = 1)});
	ok($size == $fills && $fills == $mock->{position} && $status_pos == $fills,
		"late confirmation: positions $size = the fills $fills = IBKR's $mock->{position} = status $status_pos");
	$inode->stop;
}

done_testing();
