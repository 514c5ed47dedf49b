# Hedging through an IBKR Client Portal gateway (bifrost.broker = 'ibkr', bifrost.feed = 'ibkr') against
# test/mock/ibkr_mock.pl on 127.0.0.1: quotes from snapshots (the first one only subscribes), market orders
# whose cOID is orders.client_order_id, the reply/confirm loop answered once per question with single-use
# reply ids, fills read back by order id or cOID, the position read from paged positions (the hedger's
# book starts at the broker's 7 shares, found on the second page).  Then every way the answer to an order
# can go wrong, one hedge each (a leg added to the book makes the next one): the order POST lost before
# the gateway processed it (timeout, HTTP 500, 429, malformed, truncated: nothing placed, the order ends
# REJECTED once the gateway says it has no such cOID) or after (timeout, 500, malformed, truncated: the
# order exists and ends FILLED), a confirm reply lost before or after, two chained questions, nine (the
# ninth is declined: REJECTED, never placed), a business reject ({"error"}), an order that goes Inactive
# and one cancelled after a partial fill.  For each: the cOID is POSTed exactly once and the order ends in
# the state the gateway knows.  Then the hedger is SIGKILLed while an order's outcome is unknown and the
# day rolls: the restarted worker asks, finds the order among the executions (with its commission, as
# every fill's fee), never resends.  Then an unauthenticated gateway keeps the worker waiting for the
# broker until the session is back, and a halted stock (last price marked H) gives no quote until trading
# resumes.  At the end the hedger's orders, trades and position agree with what the mock saw, share for
# share.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use JSON::PP;
use POSIX qw(strftime);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $TIMEOUT_MS = 1000;
my $START_POSITION = 7;
my $PRICE = 100;    # the mock's mid
my $ORDER_PATH = '/iserver/account/[^/]+/orders$';
my $REPLY_PATH = '/iserver/reply/';
my $ok;

my $log = PostgreSQL::Test::Utils::tempdir() . '/ibkr_mock.log';
my ($port, $mock) = start_ibkr_mock(
	lifetime  => 900,
	log       => $log,
	price     => $PRICE,
	position  => $START_POSITION,
	page_size => 2,
	filler    => 3,
	fill_ms   => 300,
	questions => 1);

my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));
my $node = hedging_node(
	'ibkr',
	feed => 'ibkr',
	conf => [
		"bifrost.broker = 'ibkr'", "bifrost.ibkr_base_url = 'http://127.0.0.1:$port/v1/api'",
		"bifrost.http_timeout_ms = $TIMEOUT_MS", 'bifrost.feed_poll_ms = 300',
		'restart_after_crash = on'
	],
	config => [
		'gates.guard.risk.paper_trade'                => 'false',
		'gates.strategy.trading_hours_only'           => 'false',
		'gates.intent.hedge.cooldown_seconds'         => '0',
		'gates.intent.hedge.min_price_move_pct'       => '0',
		'gates.guard.risk.max_daily_hedge_count'      => '1000',
		'gates.state.system.data_lag_threshold_ms'    => '10000',
		'gates.state.market.stale_ts_threshold_ms'    => '20000'
	],
	sql => "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) "
	  . "VALUES ('NVDA', 'C', 100, '$expiry', 1)");
my $q = sub { $node->safe_psql('postgres', shift) };

# IBKR's commission as the mock books it: $0.005 a share, at least $1.
sub commission { my $c = 0.005 * shift; return sprintf('%.2f', $c < 1 ? 1 : $c) + 0 }
my $OPEN = $BifrostTAP::OPEN_STATUSES;

# Waits until an order after $after_id has ended $want (FILLED unless told), nothing is open and the net
# delta is inside the hedge threshold (no further hedge is coming).
sub settle
{
	my ($after_id, $label, $want) = @_;
	$want //= 'FILLED';
	my ($done) = wait_until($node, 'postgres', qq{
		SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE id > $after_id AND status = '$want')
		   AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)
		   AND (SELECT abs(net_delta) < 25 FROM bifrost.status_current WHERE id = 1)}, 60);
	ok($done, "$label: the hedge is done (an order $want, none open, delta inside the threshold)")
	  or diag($q->(qq{SELECT string_agg(client_order_id || ' ' || status, ', ' ORDER BY id)
	                    FROM bifrost.orders WHERE id > $after_id}));
	return $done;
}

sub lifecycle
{
	my ($coid) = @_;
	return $q->(qq{SELECT string_agg(status, ',' ORDER BY id) FROM bifrost.order_lifecycle_events
	                WHERE client_order_id = '$coid'});
}

sub last_order_id { return $q->('SELECT coalesce(max(id), 0) FROM bifrost.orders') }

# Every cOID the mock saw POSTed went out exactly once.
sub posted_once
{
	my ($label) = @_;
	my $posts = ibkr_mock_state($port)->{posts};
	my @twice = grep { $posts->{$_} != 1 } sort keys %$posts;
	is(join(',', map { "$_:$posts->{$_}" } @twice), '', "$label: no cOID was POSTed more than once");
}

my $legs = 1;

# Adds a leg of two contracts (calls and puts in turn, so the position stays small) to make the next
# hedge: about 100 shares of delta, far above the threshold whatever was left inside it.
sub next_hedge
{
	my $right = $legs++ % 2 ? 'P' : 'C';
	$q->("INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity) "
		  . "VALUES ('NVDA', '$right', 100, '$expiry', 2)");
}

# ---- opening: the session, the account, the conid, the position on page 2 -----------------------------
ok(settle(0, 'first hedge'), 'the worker hedged the call through IBKR');
my $seen = ibkr_mock_state($port);
is( $q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'position_mismatch'
             AND details LIKE 'ibkr reports 7 lots of NVDA%'}),
	'1', "at start the broker's position ($START_POSITION shares, on the second page) became the book's");
cmp_ok($seen->{counts}{'GET /portfolio/{acct}/positions/{page}'} // 0, '>=', 2, 'positions were read page by page');
ok($seen->{counts}{'GET /portfolio/accounts'}, '/portfolio/accounts came before the positions');
ok($seen->{counts}{'POST /portfolio/{acct}/positions/invalidate'},
	'the gateway\'s position cache was invalidated before the pages were read');
cmp_ok($seen->{counts}{'GET /iserver/marketdata/snapshot'} // 0, '>=', 2,
	'snapshots: the pre-flight, then quotes');
ok($seen->{tickles} >= 1, 'the session was tickled');

# ---- a plain hedge: cOID, the reply loop, the fill ---------------------------------------------------------
my ($coid, $side, $amount, $xid) = split /\|/, $q->(q{
	SELECT client_order_id, side, amount, coalesce(exchange_order_id, '') FROM bifrost.orders ORDER BY id LIMIT 1});
my ($mine) = grep { $_->{coid} eq $coid } @{ $seen->{orders} };
ok($mine, "the order went out with cOID = orders.client_order_id ($coid)");
is($seen->{posts}{$coid}, 1, 'POSTed once');
is($seen->{replies}{confirmed}, 1, 'the question asked about the first order was confirmed once');
is($seen->{replies}{reused} + $seen->{replies}{unknown}, 0, 'no reply id was used twice or made up');
is(count_log($node, qr/ibkr: order $coid: confirming question/), 1, 'the confirmed question is in the log');
is("$mine->{side} $mine->{qty}", "$side $amount", "side $side, quantity $amount shares");
is($xid, $mine->{id}, 'exchange_order_id is the order_id');
my ($post) = grep { $_->{method} eq 'POST' && $_->{target} =~ m{/orders$} }
  map { decode_json($_) } split /\n/, slurp_file($log);
my $sent = decode_json($post->{body})->{orders}[0];
is(join(',', map { "$_=" . ($sent->{$_} // '') } qw(acctId conid cOID orderType side tif quantity)),
	"acctId=DU1234567,conid=4815747,cOID=$coid,orderType=MKT,side=$side,tif=DAY,quantity=$amount",
	'the body: account, conid, cOID, MKT, side, DAY, quantity');
is( $q->(qq{SELECT status || ' ' || filled_amount || ' ' || exchange FROM bifrost.orders
             WHERE client_order_id = '$coid'}),
	"FILLED $amount ibkr", 'the order FILLED, all of it, at ibkr');
is( $q->(qq{SELECT t.price::text FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
             WHERE o.client_order_id = '$coid'}),
	$mine->{avg}, "the trade at IBKR's average price");
is( $q->(qq{SELECT t.fee FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
             WHERE o.client_order_id = '$coid'}),
	commission($amount), "the fee: IBKR's commission on the execution (GET /iserver/account/trades)");
is(lifecycle($coid), 'CREATED,NEW,FILLED', 'lifecycle CREATED, NEW, FILLED');

# ---- lost answers to the order POST -----------------------------------------------------------------------
# before: the gateway never processed the order; after: it did, only the answer was lost.
for my $case (
	[ 'timeout',   'before', 'REJECTED' ], [ 'http500', 'before', 'REJECTED' ],
	[ 'http429',   'before', 'REJECTED' ], [ 'malformed', 'before', 'REJECTED' ],
	[ 'truncated', 'before', 'REJECTED' ], [ 'timeout', 'after', 'FILLED' ],
	[ 'http500',   'after',  'FILLED' ],   [ 'malformed', 'after', 'FILLED' ],
	[ 'truncated', 'after',  'FILLED' ])
{
	my ($mode, $when, $end) = @$case;
	my $label = "order POST, $mode $when processing";
	my $from  = last_order_id();
	ibkr_mock_post($port, '/mock/fault',
		{ mode => $mode, when => $when, count => 1, path => $ORDER_PATH, method => 'POST' });
	next_hedge();
	settle($from, $label);
	my ($first, $status) = split /\|/, $q->(qq{
		SELECT client_order_id, status FROM bifrost.orders WHERE id > $from ORDER BY id LIMIT 1});
	is($status, $end, "$label: the order whose answer was lost ends $end");
	like(lifecycle($first), qr/^CREATED,UNKNOWN,/, "$label: it was UNKNOWN until the gateway told");
	is(ibkr_mock_state($port)->{posts}{$first}, 1, "$label: its cOID was POSTed once");
}
posted_once('after the lost order answers');

# ---- the confirm loop ---------------------------------------------------------------------------------------
{
	my $label = 'two chained questions';
	my $from  = last_order_id();
	my $before = ibkr_mock_state($port)->{replies}{confirmed};
	ibkr_mock_post($port, '/mock/config', { questions => 2 });
	next_hedge();
	settle($from, $label);
	my $coid = $q->("SELECT client_order_id FROM bifrost.orders WHERE id > $from ORDER BY id LIMIT 1");
	is(ibkr_mock_state($port)->{replies}{confirmed} - $before, 2, "$label: both confirmed, each id once");
	is(lifecycle($coid), 'CREATED,NEW,FILLED', "$label: the order FILLED");
}
{
	my $label = 'nine chained questions';
	my $from  = last_order_id();
	my $before = ibkr_mock_state($port)->{replies};
	ibkr_mock_post($port, '/mock/config', { questions => 9 });
	next_hedge();
	settle($from, $label);
	my ($coid, $msg) = split /\|/, $q->(qq{
		SELECT o.client_order_id, e.message FROM bifrost.orders o
		  JOIN bifrost.order_lifecycle_events e ON e.order_id = o.id AND e.status = 'REJECTED'
		 WHERE o.id > $from ORDER BY o.id LIMIT 1});
	my $after = ibkr_mock_state($port)->{replies};
	is( ($after->{confirmed} - $before->{confirmed}) . ' ' . ($after->{declined} - $before->{declined}), '8 1',
		"$label: eight confirmed, the ninth declined");
	like($msg // '', qr/too many questions/, "$label: the order REJECTED, never placed");
	is(lifecycle($coid), 'CREATED,REJECTED', "$label: a definitive answer, not UNKNOWN");
}
for my $case ([ 'http500', 'before', 'REJECTED' ], [ 'timeout', 'after', 'FILLED' ])
{
	my ($mode, $when, $end) = @$case;
	my $label = "confirm reply, $mode $when processing";
	my $from  = last_order_id();
	ibkr_mock_post($port, '/mock/config', { questions => 1 });
	ibkr_mock_post($port, '/mock/fault',
		{ mode => $mode, when => $when, count => 1, path => $REPLY_PATH, method => 'POST' });
	next_hedge();
	settle($from, $label);
	my ($first, $status) = split /\|/, $q->(qq{
		SELECT client_order_id, status FROM bifrost.orders WHERE id > $from ORDER BY id LIMIT 1});
	is($status, $end, "$label: the order ends $end");
	is(ibkr_mock_state($port)->{posts}{$first}, 1, "$label: its cOID was POSTed once, the reply not resent");
}
is(ibkr_mock_state($port)->{replies}{reused}, 0, 'no reply id was ever used twice');

# ---- definitive answers -----------------------------------------------------------------------------------
{
	my $label = 'a business reject';
	my $from  = last_order_id();
	ibkr_mock_post($port, '/mock/config', { reject => 'The order size exceeds the mock\'s limit' });
	next_hedge();
	settle($from, $label);
	my ($first, $status, $reason) = split /\|/, $q->(qq{
		SELECT o.client_order_id, o.status, coalesce(e.message, '')
		  FROM bifrost.orders o
		  LEFT JOIN bifrost.order_lifecycle_events e ON e.client_order_id = o.client_order_id AND e.status = 'REJECTED'
		 WHERE o.id > $from ORDER BY o.id LIMIT 1});
	is($status, 'REJECTED', "$label: REJECTED at once");
	like($reason, qr/exceeds the mock's limit/, "$label: with the gateway's text");
	is(lifecycle($first), 'CREATED,REJECTED', "$label: never UNKNOWN");
}
for my $case ([ 'inactive', 'FILLED' ], [ 'partial', 'CANCELED' ])
{
	my ($outcome, $end) = @$case;
	my $label = "an order that ends $outcome";
	my $from  = last_order_id();
	ibkr_mock_post($port, '/mock/config', { outcome => $outcome });
	next_hedge();
	# inactive: the next hedge fills; partial: the remainder may stay inside the threshold
	settle($from, $label, $end);
	my ($first, $status, $filled, $amount) = split /\|/, $q->(qq{
		SELECT client_order_id, status, filled_amount, amount FROM bifrost.orders WHERE id > $from ORDER BY id LIMIT 1});
	if ($outcome eq 'inactive')
	{
		is("$status $filled", 'REJECTED 0', "$label: REJECTED, nothing filled");
	}
	else
	{
		is("$status $filled", 'CANCELED ' . int($amount / 2),
			"$label: CANCELED with the filled half recorded ($filled of $amount)");
	}
	is(lifecycle($first) =~ /UNKNOWN/ ? 'unknown' : 'known', 'known', "$label: accepted, never UNKNOWN");
}
posted_once('after the definitive answers');
is(ibkr_mock_state($port)->{violations}{pacing}, 0, 'the live orders list was never asked faster than IBKR allows');

# ---- SIGKILL while an order's outcome is unknown --------------------------------------------------------------
{
	my $label = 'crash while UNKNOWN';
	my $from  = last_order_id();
	# the order is placed but no answer about it arrives, not even to the queries, until the crash
	ibkr_mock_post($port, '/mock/fault', { mode => 'timeout', when => 'after', count => 0, path => '/iserver/account/' });
	next_hedge();
	($ok) = wait_until($node, 'postgres', "SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE id > $from AND status = 'UNKNOWN')", 30);
	ok($ok, "$label: the order is UNKNOWN");
	ibkr_mock_post($port, '/mock/fault', { mode => 'none' });
	# and the day rolls while the hedger is down: the gateway lists the order no more, only its execution
	ibkr_mock_post($port, '/mock/config', { new_day => JSON::PP::true });
	my ($back) = crash_hedger($node, 60);
	ok($back, "$label: the hedger is back");
	settle($from, $label);
	my $first = $q->("SELECT client_order_id FROM bifrost.orders WHERE id > $from ORDER BY id LIMIT 1");
	my ($status, $amount, $fee) = split /\|/, $q->(qq{
		SELECT o.status, o.filled_amount, t.fee FROM bifrost.orders o JOIN bifrost.trades t ON t.order_id = o.id
		 WHERE o.client_order_id = '$first'});
	is($status, 'FILLED', "$label: the restarted worker found the order in the executions of the day before: FILLED");
	is($fee, commission($amount), "$label: with its commission");
	is(ibkr_mock_state($port)->{posts}{$first}, 1, "$label: and never sent it again");
	ibkr_mock_post($port, '/mock/config', { new_day => JSON::PP::false });
}
posted_once('after the crash');

# ---- an unauthenticated session -----------------------------------------------------------------------------
{
	my $label = 'unauthenticated gateway';
	ibkr_mock_post($port, '/mock/config', { authenticated => JSON::PP::false });
	my $offset = -s $node->logfile;
	$node->restart;
	($ok) = wait_state($node, 'WAITING_BROKER', 30);
	ok($ok, "$label: the worker waits for the broker");
	ok(count_log($node, qr/not authenticated/, $offset) >= 1, "$label: and says the session is not authenticated");
	ibkr_mock_post($port, '/mock/config', { authenticated => JSON::PP::true });
	($ok) = wait_state($node, 'RUNNING', 60);
	ok($ok, "$label: once logged in again the worker runs");
}

# ---- shares traded by hand while the hedger is down --------------------------------------------------------
# The restarted worker takes the gateway's position; the shares it did not trade are priced at the mark
# when it learns of them, so neither the day's P&L nor the average cost jumps by their whole value.
my $BY_HAND = 5;
{
	my $label = 'a trade by hand';
	my $now = server_now($node);
	($ok) = wait_until($node, 'postgres', qq{
		SELECT ts > '$now'::timestamptz + interval '2 s' AND spot IS NOT NULL FROM bifrost.status_current}, 30);
	ok($ok, "$label: before: the worker runs on quotes");
	my ($pnl_before, $avg_before, $size_before) = split /\|/, $q->(q{
		SELECT s.daily_pnl, coalesce(p.entry_price, 0), p.size FROM bifrost.status_current s,
		       bifrost.positions p WHERE p.exchange = 'ibkr' AND p.symbol = 'NVDA'});
	$node->stop;
	ibkr_mock_post($port, '/mock/config', { by_hand => $BY_HAND });
	$node->start;
	($ok) = wait_until($node, 'postgres', qq{
		SELECT count(*) = 2 AND (SELECT size FROM bifrost.positions WHERE exchange = 'ibkr' AND symbol = 'NVDA')
		       = $size_before + $BY_HAND
		  FROM bifrost.risk_events WHERE rule = 'position_mismatch'}, 60);
	ok($ok, "$label: a position_mismatch, and the book holds the $BY_HAND shares more");
	# a status written two heartbeats after that, on quotes
	my $seen_at = server_now($node);
	($ok) = wait_until($node, 'postgres', qq{
		SELECT ts > '$seen_at'::timestamptz + interval '2 s' AND spot IS NOT NULL AND daily_pnl IS NOT NULL
		  FROM bifrost.status_current}, 30);
	ok($ok, "$label: the worker runs on quotes again");
	my ($pnl_after, $avg_after) = split /\|/, $q->(q{
		SELECT s.daily_pnl, coalesce(p.entry_price, 0) FROM bifrost.status_current s,
		       bifrost.positions p WHERE p.exchange = 'ibkr' AND p.symbol = 'NVDA'});
	my $value = $BY_HAND * $PRICE;
	ok(abs($pnl_after - $pnl_before) < 0.02 * $value,
		sprintf("$label: daily P&L %.2f before, %.2f after: not moved by their value (%.0f)",
			$pnl_before, $pnl_after, $value));
	ok($avg_after > 0.9 * $PRICE && $avg_after < 1.1 * $PRICE,
		"$label: the average cost stays near the price ($avg_before before, $avg_after after)");
}

# ---- a halted stock: no quote, so nothing is decided on it ----------------------------------------------------
{
	my $offset = -s $node->logfile;
	ibkr_mock_post($port, '/mock/config', { last_prefix => 'H' });
	my $said = eval {
		local $PostgreSQL::Test::Utils::timeout_default = 20;
		$node->wait_for_log(qr/ibkr feed: GET \/iserver\/marketdata\/snapshot: trading in conid 4815747 is halted/,
			$offset);
		1;
	};
	ok($said, 'a last price marked H (halted) gives no quote, and the feed says why');
	ibkr_mock_post($port, '/mock/config', { last_prefix => '' });
	$said = eval {
		local $PostgreSQL::Test::Utils::timeout_default = 20;
		$node->wait_for_log(qr/ibkr feed: quotes again/, $offset);
		1;
	};
	ok($said, 'and quotes come again when trading resumes');
}

# ---- the books agree ---------------------------------------------------------------------------------------------
($ok) = wait_until($node, 'postgres', "SELECT NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)", 60);
$seen = ibkr_mock_state($port);
my %at_mock = map { $_->{coid} => $_ } @{ $seen->{orders} };
is( $q->(q{SELECT count(*) FROM bifrost.operations i WHERE i.type = 'hedge_intent'
             AND (SELECT count(*) FROM bifrost.orders o WHERE o.intent_id = i.id
                   AND o.client_order_id = i.client_order_id) <> 1}),
	'0', 'every hedge intent has exactly one order named by its cOID');
my $bad = '';
for my $row (split /\n/, $q->(q{SELECT client_order_id, status, filled_amount FROM bifrost.orders ORDER BY id}))
{
	my ($c, $status, $filled) = split /\|/, $row;
	my $m = $at_mock{$c};
	my $want = !$m ? 'REJECTED 0' : $m->{status} eq 'Filled' ? "FILLED $m->{filled}"
	  : $m->{status} eq 'Inactive' ? 'REJECTED 0' : "CANCELED $m->{filled}";
	$bad .= "$c: $status $filled, mock $want; " if "$status $filled" ne $want;
}
is($bad, '', 'every order ended as the gateway knows it (not placed: REJECTED)');
is( $q->(q{SELECT count(*) FROM bifrost.orders o
             WHERE o.filled_amount <> coalesce((SELECT sum(t.amount) FROM bifrost.trades t WHERE t.order_id = o.id), 0)}),
	'0', "orders' filled amounts are the sums of their trades");
my ($pos, $trades) = split /\|/, $q->(q{
	SELECT (SELECT size FROM bifrost.positions WHERE exchange = 'ibkr' AND symbol = 'NVDA' AND side = 'NET')::float8,
	       coalesce((SELECT sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END) FROM bifrost.trades
	                  WHERE exchange = 'ibkr'), 0)::float8});
is($pos, $seen->{position}, "the hedger's position is the gateway's ($seen->{position} shares)");
is($pos, $START_POSITION + $BY_HAND + $trades,
	"and the starting $START_POSITION shares, the $BY_HAND by hand, plus the signed trades");
is( $q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'position_mismatch'}), '2',
	'no position mismatch after the other restarts: only at the first start and after the trade by hand');
is($seen->{violations}{headers} + $seen->{violations}{order} + $seen->{violations}{sequence}, 0,
	'every request had its headers, every order was well formed, every call came in the order IBKR wants')
  or diag(encode_json($seen->{violations}));
posted_once('at the end');

done_testing();
