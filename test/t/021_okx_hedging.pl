# Hedging through OKX (bifrost.broker = 'okx', bifrost.feed = 'okx') against test/mock/okx_mock.pl on
# 127.0.0.1, in demo mode: quotes from the ticker, signed market orders whose clOrdId is
# orders.client_order_id, fills and the position read back by client order id.  Then every way the
# answer to an order can go wrong, one hedge each (a leg added to the book makes the next one): the
# request lost before OKX processed it (timeout, HTTP 500, 429, a truncated answer: nothing placed) or
# after (timeout, 500, malformed or truncated answer: the order filled), a request arriving after its
# expTime (refused, 50036) and a business reject (51008).  For each: the order is POSTed exactly once,
# ends FILLED when OKX has it and REJECTED when it does not, and a lost answer shows as UNKNOWN until
# the query settles it.  Last, the hedger is SIGKILLed while an order's outcome is unknown: the
# restarted worker asks, never resends.  At the end the hedger's orders, trades and position agree
# with what the mock saw, lot for lot.
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
my $LOT_SZ = 0.01;    # the mock's lotSz of BTC-USDT-SWAP: one lot is 0.01 contract
my $TIMEOUT_MS = 1000;
my $ORDER = '/api/v5/trade/order';
my $ok;

my $log = PostgreSQL::Test::Utils::tempdir() . '/okx_mock.log';
# a demo-trading mock: every signed request must carry x-simulated-trading: 1 (else 50101)
my ($port, $mock) = start_okx_mock(lifetime => 900, log => $log, demo => 1);

# A call at the money 28 days out (inside the default 21-35 day structure window).
my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
	  ->get("http://127.0.0.1:$port/api/v5/market/ticker?instId=$SYMBOL")->{content});
my $spot   = $ticker->{data}[0]{last};
my $strike = 100 * floor($spot / 100 + 0.5);
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));
note("mock spot $spot, strike $strike, expiry $expiry");

# One lot is 0.0001 BTC, so an option on 1 BTC (multiplier 1) is 10000 lots of delta: the limits in
# lots are raised so that a whole hedge goes in one order.
my $node = hedging_node(
	'okx',
	feed => 'okx',
	conf => [
		"bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'",
		"bifrost.http_timeout_ms = $TIMEOUT_MS", 'bifrost.feed_poll_ms = 200', 'bifrost.okx_demo = on',
		'restart_after_crash = on'
	],
	config => [
		'symbol'                                       => qq{"$SYMBOL"},
		'gates.guard.risk.paper_trade'                 => 'false',
		eager_hedging_config()
	],
	sql => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
	  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 1, 1)");
my $q = sub { $node->safe_psql('postgres', shift) };

my $OPEN = $BifrostTAP::OPEN_STATUSES;

# Waits until an order after $after_id has FILLED and nothing is open; true when it happened.
sub settle
{
	my ($after_id, $label) = @_;
	my ($done) = wait_until($node, 'postgres', qq{
		SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE id > $after_id AND status = 'FILLED')
		   AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)}, 60);
	ok($done, "$label: the hedge is done (an order FILLED, none open)")
	  or diag($q->(qq{SELECT string_agg(client_order_id || ' ' || status, ', ' ORDER BY id)
	                    FROM bifrost.orders WHERE id > $after_id}));
	return $done;
}

# The lifecycle of an order: its statuses in order.
sub lifecycle
{
	my ($coid) = @_;
	return $q->(qq{SELECT string_agg(status, ',' ORDER BY id) FROM bifrost.order_lifecycle_events
	                WHERE client_order_id = '$coid'});
}

# ---- a plain hedge ---------------------------------------------------------------------------------------
settle(0, 'first hedge: the worker hedged the call through OKX');
my ($coid, $side, $amount, $xid) = split /\|/, $q->(q{
	SELECT client_order_id, side, amount, coalesce(exchange_order_id, '') FROM bifrost.orders ORDER BY id LIMIT 1});
my $seen = okx_mock_orders($port);
ok($seen->{$coid}, "the order went out with clOrdId = orders.client_order_id ($coid)");
is($seen->{$coid}{posts}, 1, 'POSTed once');
is($seen->{$coid}{order}{side}, lc $side, "side $side");
is($seen->{$coid}{order}{sz} / $LOT_SZ, $amount, "sz = $amount lots x lotSz $LOT_SZ contracts");
is($xid, $seen->{$coid}{order}{ordId}, 'exchange_order_id is the ordId');
my ($body) = grep { $_->{method} eq 'POST' && $_->{target} eq $ORDER }
  map { decode_json($_) } split /\n/, slurp_file($log);
my $sent = decode_json($body->{body});
is(join(',', map { "$_=" . ($sent->{$_} // '') } qw(instId tdMode side ordType clOrdId)),
	"instId=$SYMBOL,tdMode=cross,side=" . lc($side) . ",ordType=market,clOrdId=$coid",
	'the body: instId, tdMode cross, side, market, clOrdId');
is( $q->(qq{SELECT status || ' ' || filled_amount || ' ' || exchange FROM bifrost.orders
             WHERE client_order_id = '$coid'}),
	"FILLED $amount okx", 'the order FILLED, all of it, at okx');
is( $q->(qq{SELECT t.price::text FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
             WHERE o.client_order_id = '$coid'}),
	$seen->{$coid}{order}{avgPx}, 'the trade at OKX\'s avgPx');
my $fee = $q->(qq{SELECT t.fee FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
                    WHERE o.client_order_id = '$coid'});
ok(abs($fee + $seen->{$coid}{order}{fee}) < 1e-9,
	"the fee $fee as a positive cost (OKX reports $seen->{$coid}{order}{fee})");
is(lifecycle($coid), 'CREATED,NEW,FILLED', 'lifecycle CREATED, NEW, FILLED');

# ---- every way the answer can go wrong -------------------------------------------------------------------
# Each case: the fault armed for the next POST of an order, then a leg added (quantity +1 or -1, in turn)
# so that the book needs one more hedge.  before: OKX never processed it; after: it did, the answer
# was lost.  The first order after the fault must end as OKX knows it; a refused order is followed by a
# new one (a new client order id) that fills.
my $leg_sign = -1;

sub add_leg
{
	$leg_sign = -$leg_sign;
	$q->("INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
		  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', $leg_sign, 1)");
	return;
}

# [label, fault, final status of the order hit, its lifecycle, a pattern its reason or note matches]
my @CASES = (
	[ 'timeout before', { mode => 'timeout' }, 'REJECTED', 'CREATED,UNKNOWN,REJECTED',
		qr{^POST /api/v5/trade/order: .*(?i:timeout|timed out)} ],
	[ 'timeout after', { mode => 'timeout', after => 1 }, 'FILLED', 'CREATED,UNKNOWN,NEW,FILLED',
		qr{^POST /api/v5/trade/order: .*(?i:timeout|timed out)} ],
	[ 'HTTP 500 before', { mode => 'http500' }, 'REJECTED', 'CREATED,UNKNOWN,REJECTED',
		qr{^POST /api/v5/trade/order: HTTP 500} ],
	[ 'HTTP 500 after', { mode => 'http500', after => 1 }, 'FILLED', 'CREATED,UNKNOWN,NEW,FILLED',
		qr{^POST /api/v5/trade/order: HTTP 500} ],
	[ 'HTTP 429', { mode => 'http429' }, 'REJECTED', 'CREATED,UNKNOWN,REJECTED',
		qr{^POST /api/v5/trade/order: HTTP 429, okx 50011} ],
	[ 'malformed after', { mode => 'malformed', after => 1 }, 'FILLED', 'CREATED,UNKNOWN,NEW,FILLED',
		qr{^POST /api/v5/trade/order: HTTP 200, unreadable answer} ],
	[ 'truncated before', { mode => 'truncated' }, 'REJECTED', 'CREATED,UNKNOWN,REJECTED',
		qr{^POST /api/v5/trade/order: HTTP 200, unreadable answer} ],
	[ 'truncated after', { mode => 'truncated', after => 1 }, 'FILLED', 'CREATED,UNKNOWN,NEW,FILLED',
		qr{^POST /api/v5/trade/order: HTTP 200, unreadable answer} ],
	[ 'expTime passed', { mode => 'late', late_ms => 10_000 }, 'REJECTED', 'CREATED,REJECTED',
		qr{^okx 50036: The expTime} ],
	[ 'insufficient margin', { mode => 'code', code => '51008' }, 'REJECTED', 'CREATED,REJECTED',
		qr{^okx 51008: } ]);

for my $c (@CASES)
{
	my ($label, $fault, $status, $lifecycle, $reason_re) = @$c;
	my $n0 = $q->('SELECT coalesce(max(id), 0) FROM bifrost.orders');
	okx_mock_fault_on($port, %$fault, count => 1, path => $ORDER, method => 'POST');
	add_leg();
	settle($n0, $label) or next;
	my ($coid, $st) = split /\|/, $q->(qq{
		SELECT client_order_id, status FROM bifrost.orders WHERE id > $n0 ORDER BY id LIMIT 1});
	my $seen = okx_mock_orders($port);
	is($st, $status, "$label: the order hit ends $status");
	is(lifecycle($coid), $lifecycle, "$label: lifecycle $lifecycle");
	is($seen->{$coid}{posts} // 0, 1, "$label: $coid POSTed exactly once");
	is($seen->{$coid}{placed} // 0, $status eq 'FILLED' ? 1 : 0,
		"$label: OKX " . ($status eq 'FILLED' ? 'has' : 'never had') . " the order");
	# the send's own verdict: why the outcome was unknown, else why it was refused
	my ($unknown, $reject) = split /\|/, $q->(qq{
		SELECT coalesce((SELECT regexp_replace(message, '^[A-Z]+ -> UNKNOWN\\. ', '')
		                   FROM bifrost.order_lifecycle_events
		                  WHERE client_order_id = '$coid' AND status = 'UNKNOWN' LIMIT 1), ''),
		       coalesce((SELECT state_reason FROM bifrost.operations
		                  WHERE client_order_id = '$coid' AND type = 'reject'), '')});
	my $note = $lifecycle =~ /UNKNOWN/ ? $unknown : $reject;
	like($note, $reason_re, "$label: the reason names what happened ($note)");
	like($reject, qr/^never reached okx: no order $coid there/,
		"$label: refused once OKX said it has no such order, after the grace ($reject)")
	  if $lifecycle eq 'CREATED,UNKNOWN,REJECTED';
	if ($status eq 'REJECTED')
	{
		my $next = $q->(qq{SELECT count(*) FROM bifrost.orders WHERE id > $n0 AND status = 'FILLED'});
		is($next, '1', "$label: the hedge went again under a new client order id, and filled");
	}
}

# ---- SIGKILL while the outcome is unknown ---------------------------------------------------------------
# Every answer on the order path is lost (the order itself is placed), so the order stays UNKNOWN; the
# hedger dies; the restarted one asks by client order id and finds it filled.  Nothing is resent.
{
	my $n0 = $q->('SELECT coalesce(max(id), 0) FROM bifrost.orders');
	okx_mock_fault_on($port, mode => 'timeout', after => 1, count => 0, path => $ORDER);
	add_leg();
	($ok) = wait_until($node, 'postgres',
		"SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE id > $n0 AND status = 'UNKNOWN')", 30);
	ok($ok, 'crash: an order is UNKNOWN (placed at OKX, every answer lost)');
	my $coid = $q->("SELECT client_order_id FROM bifrost.orders WHERE id > $n0 ORDER BY id LIMIT 1");
	my ($back, $old, $new) = crash_hedger($node, 60);
	ok($back, "crash: the hedger came back ($old -> $new)");
	okx_mock_fault_on($port, mode => 'none');
	settle($n0, 'crash');
	is($q->("SELECT status FROM bifrost.orders WHERE client_order_id = '$coid'"), 'FILLED',
		"crash: $coid found FILLED by the restarted hedger");
	is(okx_mock_orders($port)->{$coid}{posts}, 1, "crash: $coid POSTed once, never again after the restart");
	is($q->("SELECT count(*) FROM bifrost.orders WHERE id > $n0"), '1', 'crash: no second order');
}

# ---- the hedger's books against what OKX saw -------------------------------------------------------------
{
	my $seen  = okx_mock_orders($port);
	my %ours  = map { my @f = split /\|/; ($f[0] => [ @f[ 1 .. 4 ] ]) } split /\n/, $q->(q{
		SELECT o.client_order_id, o.status, o.filled_amount, o.side,
		       coalesce((SELECT string_agg(t.price::text, ',') FROM bifrost.trades t WHERE t.order_id = o.id), '')
		  FROM bifrost.orders o ORDER BY o.id});
	is(join(',', sort keys %$seen), join(',', sort keys %ours),
		'the client order ids OKX received are exactly the orders recorded');
	is(join(',', grep { $seen->{$_}{posts} != 1 } sort keys %$seen), '', 'no client order id POSTed twice');
	my @bad;
	for my $coid (sort keys %ours)
	{
		my ($status, $filled, $side, $price) = @{ $ours{$coid} };
		my $o = $seen->{$coid}{order};
		if ($status eq 'FILLED')
		{
			push @bad, "$coid FILLED but not at OKX" and next unless $o;
			push @bad, "$coid filled $filled, OKX accFillSz $o->{accFillSz}"
			  if abs($o->{accFillSz} / $LOT_SZ - $filled) > 1e-9;
			push @bad, "$coid trade price $price, OKX avgPx $o->{avgPx}" if $price ne $o->{avgPx};
			push @bad, "$coid side $side, OKX $o->{side}" if lc($side) ne $o->{side};
		}
		elsif ($status eq 'REJECTED')
		{
			push @bad, "$coid REJECTED but placed at OKX" if $o;
		}
		else
		{
			push @bad, "$coid still $status";
		}
	}
	is(join('; ', @bad), '', 'every order is FILLED as OKX filled it or REJECTED and absent from OKX');

	# the mock's position is the net of its fills, as GET /api/v5/account/positions reports it
	my $okx_pos = 0;
	for my $coid (keys %$seen)
	{
		my $o = $seen->{$coid}{order} or next;
		$okx_pos += ($o->{side} eq 'buy' ? 1 : -1) * $o->{accFillSz} / $LOT_SZ;
	}
	my ($size, $trades, $status_pos) = split /\|/, $q->(qq{
		SELECT coalesce((SELECT size FROM bifrost.positions
		                  WHERE exchange = 'okx' AND symbol = '$SYMBOL' AND side = 'NET'), 0)::float8,
		       coalesce((SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END)
		                   FROM bifrost.trades WHERE exchange = 'okx' AND symbol = '$SYMBOL'), 0)::float8,
		       (SELECT stock_position FROM bifrost.status_current WHERE id = 1)});
	ok(abs($size - $okx_pos) < 1e-9 && abs($trades - $okx_pos) < 1e-9 && abs($status_pos - $okx_pos) < 1e-9,
		"position: OKX $okx_pos lots = positions.size $size = signed trades $trades = status $status_pos");
	is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'position_mismatch'}), '0',
		'the hedger\'s position never disagreed with OKX\'s');
}

$node->stop;
done_testing();
