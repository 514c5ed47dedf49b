#!/usr/bin/perl
# test/mock/ibkr_mock.pl: a local stand-in for an IBKR Client Portal gateway, for bifrost's tests.
#
#   perl test/mock/ibkr_mock.pl --port N [--account DU1234567] [--symbol NVDA] [--conid 4815747]
#        [--price 100] [--position 0] [--page-size 100] [--filler 3] [--fill-ms 300]
#        [--questions 1] [--unauthenticated] [--lifetime SECONDS] [--log FILE]
#
# Listens on 127.0.0.1 only, under /v1/api, and speaks the gateway's shapes (the Client Portal Web API): session
# status and tickle, accounts, secdef search, market-data snapshots (the first request for a conid only
# subscribes it and carries no prices), orders with the reply/confirm loop (--questions questions for the
# first order; reply ids are single-use and an intervening order request invalidates them), order status,
# the live orders list (its first answer is empty; one call per 5 s, else 429) and positions paged by
# --page-size after --filler other positions, served from a cache as of the first read or the last POST
# /portfolio/{acct}/positions/invalidate (as the gateway does).  Orders fill --fill-ms after they are placed, at the ask
# (buy) or the bid (sell).  It keeps the rules callers must follow: /iserver/accounts before snapshots
# and orders, /portfolio/accounts before positions, a User-Agent on every request and Content-Type
# application/json on every POST with a body; a breach answers an error and is counted.
#
# Steering (not under /v1/api):
#   POST /mock/fault  {"mode": "none|timeout|http500|http429|malformed|truncated|slow", "count": n,
#                      "when": "before|after", "path": "<regex on the path>", "method": "POST",
#                      "delay_ms": n, "delays_ms": [n, ...]}
#       the next n matching requests (0 = all until told otherwise) misbehave; "before": the request is
#       not processed; "after": it is processed (an order placed), then its answer fails.  A timeout
#       answers nothing and holds the connection for 20 s.  "slow" answers delay_ms late (each matching
#       request takes the next of delays_ms instead, while there are any; the fault ends with the
#       list): "before", the request is processed only then, as one that reaches IBKR late (after its
#       client may have given up: a confirmation then still places the order, even when another order
#       request came in meanwhile); "after", at once.
#       Other requests are served meanwhile.
#   POST /mock/config {"authenticated": bool, "connected": bool, "questions": n (for the next order),
#                      "reject": "text" (the next order answers {"error": text}), "outcome": "fill|
#                      inactive|cancel|partial" (of the next order), "price": mid, "last_prefix":
#                      "C|H|", "page_size": n, "fill_ms": n, "by_hand": shares traded outside bifrost,
#                      "new_day": bool (the live list and order status forget the orders placed so far;
#                      GET /iserver/account/trades still lists their executions, with commissions)}
#   GET /mock/orders  {"posts": {cOID: order POSTs carrying it}, "orders": [...], "replies": {...},
#                      "violations": {...}, "counts": {endpoint: requests}, "position": n}
# Every request is appended to --log as one JSON line.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use JSON::PP;
use Getopt::Long;
use FindBin;
use lib $FindBin::RealBin;
use MockHTTP qw(read_request send_response);
use Time::HiRes qw(time);

my %opt = (port => 0, account => 'DU1234567', symbol => 'NVDA', conid => 4815747, price => 100,
	position => 0, 'page-size' => 100, filler => 3, 'fill-ms' => 300, questions => 1,
	unauthenticated => 0, lifetime => 300, log => '');
GetOptions(\%opt, 'port=i', 'account=s', 'symbol=s', 'conid=i', 'price=f', 'position=i', 'page-size=i',
	'filler=i', 'fill-ms=i', 'questions=i', 'unauthenticated!', 'lifetime=i', 'log=s')
  or die "usage: see the header of $0\n";

my $API = '/v1/api';
my $json = JSON::PP->new->canonical(1);
my $server = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $opt{port},
	Listen => 16, ReuseAddr => 1, Proto => 'tcp') or die "ibkr_mock: cannot listen: $!\n";
$| = 1;
print "ibkr_mock listening on 127.0.0.1:", $server->sockport, "\n";

my %cfg = (authenticated => $opt{unauthenticated} ? 0 : 1, connected => 1, questions => $opt{questions},
	reject => undef, outcome => 'fill', price => $opt{price}, last_prefix => '',
	page_size => $opt{'page-size'}, fill_ms => $opt{'fill-ms'}, by_hand => 0, new_day => 0);
my %fault = (mode => 'none', count => 0, when => 'before', path => '', method => '', delay_ms => 0,
	delays_ms => []);

my %posts;             # cOID -> order POSTs that carried it
my %orders;            # order id -> order
my %by_coid;           # cOID -> order id
my %pending;           # reply id -> {order => ..., left => questions still to confirm}
my %used_replies;      # reply ids answered once
my %replies = (confirmed => 0, declined => 0, reused => 0, unknown => 0);
my %violations = (headers => 0, order => 0, pacing => 0, sequence => 0);
my %counts;            # "METHOD /path/template" -> requests
my %subscribed;        # conid -> the pre-flight snapshot was asked
my ($accounts_asked, $portfolio_asked, $live_lists) = (0, 0, 0);
my %last_slow;         # paced endpoint -> time of its last call
my $next_order = 1234567890;
my $next_reply = 1;
my $tickles = 0;

my $deadline = time + $opt{lifetime};
$SIG{ALRM} = sub { exit 0 };
alarm $opt{lifetime} + 5;

sub ok { return (200, $_[0]) }
sub error { my ($status, $text) = @_; return ($status, { error => $text }) }
sub fmt { my ($v) = @_; my $s = sprintf('%.2f', $v); return $s }
sub bid { return $cfg{price} - 0.01 }
sub ask { return $cfg{price} + 0.01 }

# Orders move on with time: placed, then after fill_ms to their outcome.
sub advance {
	my ($o) = @_;
	return if $o->{final} || time < $o->{placed} + $cfg{fill_ms} / 1000;
	my $px = $o->{side} eq 'BUY' ? ask() : bid();
	my %end = (fill => [ 'Filled', $o->{qty} ], inactive => [ 'Inactive', 0 ], cancel => [ 'Cancelled', 0 ],
		partial => [ 'Cancelled', int($o->{qty} / 2) ]);
	my ($status, $filled) = @{ $end{ $o->{outcome} } };
	@$o{qw(status filled avg final done_ms)} = ($status, $filled, $filled ? fmt($px) : '', 1, int(time * 1000));
}

sub order_time {
	my @t = gmtime($_[0]);
	return sprintf('%02d%02d%02d%02d%02d%02d', $t[5] % 100, $t[4] + 1, @t[3, 2, 1, 0]);
}

sub session_json {
	return { authenticated => $cfg{authenticated} ? JSON::PP::true : JSON::PP::false,
		connected => $cfg{connected} ? JSON::PP::true : JSON::PP::false, competing => JSON::PP::false,
		message => '', fail => '', MAC => '98:F2:B3:23:BF:A0',
		serverInfo => { serverName => 'JifN19053', serverVersion => 'Build 10.25.0p' } };
}

sub place {
	my ($o) = @_;
	my $id = '' . $next_order++;
	%$o = (%$o, id => $id, status => 'PreSubmitted', filled => 0, avg => '', placed => time, final => 0);
	$orders{$id} = $o;
	$by_coid{ $o->{coid} } = $id;
	return ok([ { order_id => $id, order_status => 'PreSubmitted', encrypt_message => '1',
		local_order_id => $o->{coid} } ]);
}

sub question {
	my ($o, $left) = @_;
	my $id = sprintf('%08x-5e0c-4d1a-9a2b-%012x', 0x7a13a5a0 + $next_reply, $next_reply);
	$next_reply++;
	$pending{$id} = { order => $o, left => $left };
	return ok([ { id => $id, isSuppressed => JSON::PP::false, messageIds => [ 'o354' ],
		message => [ "Order for $o->{qty} $opt{symbol} at market: no price protection applies. Submit it?" ] } ]);
}

sub new_order {
	my ($acct, $body) = @_;
	return error(400, "Account $acct is not one of this session's") unless $acct eq $opt{account};
	my $req = eval { $json->decode($body) };
	return error(400, 'Bad Request: body is not JSON') unless ref $req eq 'HASH' && ref $req->{orders} eq 'ARRAY';
	return error(400, 'one order per request') unless @{ $req->{orders} } == 1;
	my $r = $req->{orders}[0];
	my @bad = grep { !defined $r->{$_} || $r->{$_} eq '' } qw(conid cOID orderType side tif quantity);
	if (@bad || $r->{conid} !~ /^\d+$/ || $r->{conid} != $opt{conid} || $r->{orderType} ne 'MKT'
		|| $r->{side} !~ /^(BUY|SELL)$/ || $r->{tif} ne 'DAY' || $r->{quantity} !~ /^[1-9]\d*$/
		|| ($r->{acctId} // $acct) ne $acct) {
		$violations{order}++;
		return error(400, 'invalid order: ' . $json->encode($r));
	}
	return error(200, "Local order ID=$r->{cOID} is already registered.") if exists $by_coid{ $r->{cOID} };
	# an order request makes every question still open void
	%pending = ();
	if (defined $cfg{reject}) {
		my $text = $cfg{reject};
		$cfg{reject} = undef;
		return error(200, $text);
	}
	my $o = { coid => $r->{cOID}, side => $r->{side}, qty => $r->{quantity} + 0, outcome => $cfg{outcome} };
	$cfg{outcome} = 'fill';
	my $q = $cfg{questions};
	$cfg{questions} = 0;
	return $q > 0 ? question($o, $q) : place($o);
}

sub reply {
	my ($id, $body) = @_;
	if ($used_replies{$id}) { $replies{reused}++; return error(400, "reply id $id was already used") }
	my $p = delete $pending{$id};
	unless ($p) { $replies{unknown}++; return error(503, "no question $id is waiting (late, or voided)") }
	$used_replies{$id} = 1;
	my $r = eval { $json->decode($body) };
	return error(400, 'Bad Request: expected {"confirmed": true|false}') unless ref $r eq 'HASH' && exists $r->{confirmed};
	unless ($r->{confirmed}) { $replies{declined}++; return error(200, 'order discarded') }
	$replies{confirmed}++;
	return $p->{left} > 1 ? question($p->{order}, $p->{left} - 1) : place($p->{order});
}

sub status_view {
	my ($o) = @_;
	advance($o);
	return { order_id => $o->{id} + 0, conid => $opt{conid}, symbol => $opt{symbol},
		side => substr($o->{side}, 0, 1), order_status => $o->{status}, order_type => 'MKT', tif => 'DAY',
		total_size => "$o->{qty}.0", cum_fill => "$o->{filled}.0", size => ($o->{qty} - $o->{filled}) . '.0',
		average_price => $o->{avg}, order_time => order_time($o->{placed}) };
}

# One execution per filled order, with IBKR's commission of $0.005 a share, at least $1.
sub trade_view {
	my ($o) = @_;
	return { execution_id => sprintf('0000e0d5.%08x.01.01', $o->{id} % 4294967296), symbol => $opt{symbol},
		side => $o->{side} eq 'BUY' ? 'B' : 'S', size => $o->{filled} + 0, price => $o->{avg},
		order_ref => $o->{coid}, commission => commission_of($o), conid => "$opt{conid}",
		trade_time_r => $o->{done_ms} + 0, account => $opt{account}, sec_type => 'STK', exchange => 'ISLAND' };
}

sub commission_of {
	my ($o) = @_;
	my $c = 0.005 * $o->{filled};
	return sprintf('%.2f', $c < 1 ? 1 : $c);
}

sub live_view {
	my ($o) = @_;
	advance($o);
	my %v = (orderId => $o->{id} + 0, conid => $opt{conid}, ticker => $opt{symbol}, order_ref => $o->{coid},
		side => $o->{side}, status => $o->{status}, orderType => 'Market', timeInForce => 'DAY',
		filledQuantity => $o->{filled} + 0, remainingQuantity => $o->{qty} - $o->{filled},
		totalSize => $o->{qty} + 0, acct => $opt{account});
	$v{avgPrice} = $o->{avg} if $o->{avg} ne '';
	$v{lastExecutionTime_r} = $o->{done_ms} if $o->{filled};
	return \%v;
}

sub position_of_symbol {
	my $pos = $opt{position} + $cfg{by_hand};
	for my $o (values %orders) {
		advance($o);
		$pos += ($o->{side} eq 'BUY' ? 1 : -1) * $o->{filled};
	}
	return $pos;
}

my $cached_position;    # undef until positions are first read or invalidated

sub positions_page {
	my ($page) = @_;
	my @rows = map { { acctId => $opt{account}, conid => 700000000 + $_, contractDesc => "FILLER$_ JAN2027 50 C",
		position => -1.0 * $_, mktPrice => 1.5, mktValue => -150.0 * $_, currency => 'USD', avgCost => 120.0,
		avgPrice => 1.2, realizedPnl => 0.0, unrealizedPnl => -30.0, expiry => '20270115', putOrCall => 'C',
		multiplier => 100.0, strike => 50.0, assetClass => 'OPT', undConid => 900000 + $_ } } 1 .. $opt{filler};
	# the gateway caches positions: what it serves is as of the last invalidate (or first read)
	$cached_position //= position_of_symbol();
	my $pos = $cached_position;
	push @rows, { acctId => $opt{account}, conid => $opt{conid}, contractDesc => $opt{symbol},
		position => $pos + 0, mktPrice => $cfg{price} + 0, mktValue => $pos * $cfg{price}, currency => 'USD',
		avgCost => $cfg{price} + 0, avgPrice => $cfg{price} + 0, realizedPnl => 0.0, unrealizedPnl => 0.0,
		assetClass => 'STK', undConid => 0 } if $pos != 0;
	my $size = $cfg{page_size} > 0 ? $cfg{page_size} : 100;
	my $from = $page * $size;
	return [] if $from >= @rows;
	my $to = $from + $size - 1;
	$to = $#rows if $to > $#rows;
	return [ @rows[ $from .. $to ] ];
}

# One call per 5 s on the endpoints IBKR paces that tightly (a little slack for clock rounding).
sub paced_out {
	my ($key) = @_;
	my $t = time;
	if (defined $last_slow{$key} && $t - $last_slow{$key} < 4.9) { $violations{pacing}++; return 1 }
	$last_slow{$key} = $t;
	return 0;
}

sub route {
	my ($method, $path, $q, $body) = @_;
	$path =~ s{^\Q$API\E}{} or return error(404, "mock has no $method $path");

	if ($method eq 'POST' && $path eq '/iserver/auth/status') { return ok(session_json()) }
	if ($method eq 'POST' && $path eq '/tickle') {
		$tickles++;
		my %t = (session => 'a3f1c0de5b7e4f6a8c9d0e1f2a3b4c5d', ssoExpires => 540000, collission => JSON::PP::false,
			userId => 12345678, hmds => { error => 'no bridge' });
		$t{iserver} = { authStatus => session_json() } if $cfg{authenticated};
		return ok(\%t);
	}
	return error(401, 'not authenticated') unless $cfg{authenticated} && $cfg{connected};

	if ($method eq 'GET' && $path eq '/iserver/accounts') {
		$accounts_asked = 1;
		return ok({ accounts => [ $opt{account} ], acctProps => { $opt{account} => { hasChildAccounts => JSON::PP::false } },
			aliases => { $opt{account} => $opt{account} }, selectedAccount => $opt{account},
			isFT => JSON::PP::false, isPaper => JSON::PP::true });
	}
	if ($method eq 'GET' && $path eq '/iserver/secdef/search') {
		return ok([]) unless uc($q->{symbol} // '') eq uc $opt{symbol};
		# a non-US listing first, as the gateway often answers
		return ok([ { conid => '43645865', companyHeader => "$opt{symbol} - MEXI", symbol => $opt{symbol},
				description => 'MEXI', restricted => undef, sections => [ { secType => 'STK' } ] },
			{ conid => "$opt{conid}", companyHeader => "$opt{symbol} CORP - NASDAQ", symbol => $opt{symbol},
				description => 'NASDAQ', restricted => undef,
				sections => [ { secType => 'STK' }, { secType => 'OPT', months => 'JAN27;FEB27', exchange => 'SMART;CBOE' } ] } ]);
	}
	if ($method eq 'GET' && $path eq '/iserver/marketdata/snapshot') {
		unless ($accounts_asked) { $violations{sequence}++; return error(400, 'call /iserver/accounts first') }
		my @rows;
		for my $c (split /,/, $q->{conids} // '') {
			my %r = (conid => $c + 0, conidEx => "$c");
			if ($c == $opt{conid} && $subscribed{$c}) {
				my %f = (31 => $cfg{last_prefix} . fmt($cfg{price}), 84 => fmt(bid()), 86 => fmt(ask()));
				$r{$_} = $f{$_} for grep { exists $f{$_} } split /,/, $q->{fields} // '';
				@r{qw(_updated server_id 6119)} = (int(time * 1000), 'q0', 'q0');
			}
			$subscribed{$c} = 1;
			push @rows, \%r;
		}
		return ok(\@rows);
	}
	if ($method eq 'POST' && $path =~ m{^/iserver/account/([^/]+)/orders$}) {
		unless ($accounts_asked) { $violations{sequence}++; return error(400, 'call /iserver/accounts first') }
		return new_order($1, $body);
	}
	if ($method eq 'POST' && $path =~ m{^/iserver/reply/([^/]+)$}) { return reply($1, $body) }
	if ($method eq 'GET' && $path =~ m{^/iserver/account/order/status/(\d+)$}) {
		my $o = $orders{$1};
		return error(503, "no cached status for order $1") if !$o || $cfg{new_day};
		return ok(status_view($o));
	}
	if ($method eq 'GET' && $path eq '/iserver/account/orders') {
		unless ($accounts_asked) { $violations{sequence}++; return error(400, 'call /iserver/accounts first') }
		return error(429, 'Too many requests') if paced_out('orders');
		return ok({ orders => [], snapshot => JSON::PP::false }) if $live_lists++ == 0;
		# after a new day the live list holds none of the orders placed before
		return ok({ orders => [], snapshot => JSON::PP::true }) if $cfg{new_day};
		return ok({ orders => [ map { live_view($orders{$_}) } sort keys %orders ], snapshot => JSON::PP::true });
	}
	if ($method eq 'GET' && $path eq '/iserver/account/trades') {
		unless ($accounts_asked) { $violations{sequence}++; return error(400, 'call /iserver/accounts first') }
		return error(429, 'Too many requests') if paced_out('trades');
		return ok([ map { trade_view($orders{$_}) } grep { advance($orders{$_}); $orders{$_}{filled} > 0 }
			sort keys %orders ]);
	}
	if ($method eq 'GET' && $path eq '/portfolio/accounts') {
		return error(429, 'Too many requests') if paced_out('portfolio');
		$portfolio_asked = 1;
		return ok([ { id => $opt{account}, accountId => $opt{account}, currency => 'USD', type => 'DEMO' } ]);
	}
	if ($method eq 'POST' && $path =~ m{^/portfolio/([^/]+)/positions/invalidate$}) {
		unless ($portfolio_asked) { $violations{sequence}++; return error(400, 'call /portfolio/accounts first') }
		return error(400, "Account $1 is not one of this session's") unless $1 eq $opt{account};
		$cached_position = position_of_symbol();
		return ok({ message => 'success' });
	}
	if ($method eq 'GET' && $path =~ m{^/portfolio/([^/]+)/positions/(\d+)$}) {
		unless ($portfolio_asked) { $violations{sequence}++; return error(400, 'call /portfolio/accounts first') }
		return error(400, "Account $1 is not one of this session's") unless $1 eq $opt{account};
		return ok(positions_page($2));
	}
	return error(404, "mock has no $method $path");
}

sub mock_route {
	my ($method, $path, $body) = @_;
	if ($method eq 'POST' && $path eq '/mock/fault') {
		my $f = eval { $json->decode($body) } or return error(400, 'bad fault JSON');
		%fault = (mode => $f->{mode} // 'none', count => $f->{count} // 0, when => $f->{when} // 'before',
			path => $f->{path} // '', method => $f->{method} // '', delay_ms => $f->{delay_ms} // 0,
			delays_ms => [ @{ $f->{delays_ms} // [] } ]);
		return ok({%fault});
	}
	if ($method eq 'POST' && $path eq '/mock/config') {
		my $c = eval { $json->decode($body) } or return error(400, 'bad config JSON');
		for my $k (keys %$c) {
			return error(400, "unknown setting $k") unless exists $cfg{$k};
			$cfg{$k} = ref $c->{$k} ? ($c->{$k} ? 1 : 0) : $c->{$k};
		}
		return ok({%cfg});
	}
	if ($method eq 'GET' && $path eq '/mock/orders') {
		advance($_) for values %orders;
		return ok({ posts => {%posts}, replies => {%replies}, violations => {%violations}, counts => {%counts},
			tickles => $tickles, position => position_of_symbol(), pending_questions => scalar(keys %pending),
			orders => [ map { my $o = $orders{$_}; +{ map { ($_ => "$o->{$_}") } qw(id coid side qty status filled avg) } }
				sort keys %orders ] });
	}
	return error(404, "mock has no $method $path");
}


# The endpoint a request counts under: ids in the path replaced by their kind.
sub template {
	my ($method, $path) = @_;
	$path =~ s{^\Q$API\E}{};
	$path =~ s{/iserver/account/[^/]+/orders$}{/iserver/account/{acct}/orders};
	$path =~ s{/iserver/reply/[^/]+$}{/iserver/reply/{id}};
	$path =~ s{/order/status/[^/]+$}{/order/status/{id}};
	$path =~ s{/portfolio/[^/]+/positions/\d+$}{/portfolio/{acct}/positions/{page}};
	$path =~ s{/portfolio/[^/]+/positions/invalidate$}{/portfolio/{acct}/positions/invalidate};
	return "$method $path";
}

my $log;
if ($opt{log}) { open $log, '>>', $opt{log} or die "ibkr_mock: cannot open $opt{log}: $!\n"; $log->autoflush(1) }

# [socket, release time, answer] of requests answered later (slow: answer() gives status and text) or
# never (timeout: no answer, the connection is closed)
my @held;
my $ready = IO::Select->new($server);
while (time < $deadline) {
	@held = grep {
		if ($_->[1] <= time) { $_->[2] ? send_response($_->[0], $_->[2]->()) : close $_->[0]; 0 }
		else { 1 }
	} @held;
	my $wait = 0.2;
	for (@held) { my $w = $_->[1] - time; $wait = $w if $w < $wait }
	next unless $ready->can_read($wait > 0.001 ? $wait : 0.001);
	my $c = $server->accept or next;
	my ($method, $target, $body, $h) = read_request($c);
	unless (defined $method) { close $c; next }
	my ($path, $qs) = split /\?/, $target, 2;
	my %q = map { my ($k, $v) = split /=/, $_, 2; ($k => $v // '') } split /&/, $qs // '';
	my $steering = $path =~ m{^/mock/};

	my ($status, $payload, $mode);
	if ($steering) {
		($status, $payload) = mock_route($method, $path, $body);
		$mode = 'none';
	}
	else {
		$counts{ template($method, $path) }++;
		# counted as it arrives, whatever happens to it next
		if ($method eq 'POST' && $path =~ m{/iserver/account/[^/]+/orders$}) {
			my $r = eval { $json->decode($body) };
			my $coid = ref $r eq 'HASH' && ref $r->{orders} eq 'ARRAY' ? $r->{orders}[0]{cOID} : undef;
			$posts{ $coid // '(none)' }++;
		}
		my $matches = $fault{mode} ne 'none' && ($fault{path} eq '' || $path =~ /$fault{path}/)
		  && ($fault{method} eq '' || $fault{method} eq $method);
		$mode = $matches ? $fault{mode} : 'none';
		my $delay_ms = $fault{delay_ms};
		if ($matches && $mode eq 'slow' && @{ $fault{delays_ms} }) {
			$delay_ms = shift @{ $fault{delays_ms} };
			$fault{mode} = 'none' unless @{ $fault{delays_ms} };
		}
		if ($matches && $fault{count} > 0) { $fault{count}--; $fault{mode} = 'none' if $fault{count} == 0 }
		if ($mode eq 'slow') {
			my $late = $fault{when} ne 'after';
			my @answer = $late ? () : route($method, $path, \%q, $body);
			my ($m, $pa, $b) = ($method, $path, $body);
			my %qq = %q;
			# a confirmation the gateway has received is no longer voided by a later order request
			my ($rid) = $late ? $path =~ m{/iserver/reply/([^/]+)$} : ();
			my $claimed = defined $rid ? delete $pending{$rid} : undef;
			print $log $json->encode({ t => time, method => $method, target => $target, body => $body,
				fault => $mode, when => $late ? 'before' : 'after', delay_ms => $delay_ms }), "\n" if $log;
			push @held, [ $c, time + $delay_ms / 1000, sub {
				$pending{$rid} = $claimed if $claimed;
				my ($st, $pl) = $late ? route($m, $pa, \%qq, $b) : @answer;
				return ($st, defined $pl ? $json->encode($pl) : '');
			} ];
			next;
		}
		if (!($h->{'user-agent'} // '')) { $violations{headers}++; ($status, $payload) = error(403, 'no User-Agent') }
		elsif ($method eq 'POST' && length($body) && ($h->{'content-type'} // '') !~ m{^application/json\b}i) {
			$violations{headers}++;
			($status, $payload) = error(415, 'Content-Type must be application/json');
		}
		elsif ($mode eq 'none' || $fault{when} eq 'after') { ($status, $payload) = route($method, $path, \%q, $body) }
	}
	print $log $json->encode({ t => time, method => $method, target => $target, body => $body, fault => $mode,
		when => $fault{when}, status => $status // 0 }), "\n" if $log;

	if ($mode eq 'timeout') {
		push @held, [ $c, time + 20 ];
		next;
	}
	my $text = defined $payload ? $json->encode($payload) : '';
	if ($mode eq 'http500') { ($status, $text) = (500, '{"error":"Internal Server Error"}') }
	elsif ($mode eq 'http429') { ($status, $text) = (429, '{"error":"Too many requests"}') }
	elsif ($mode eq 'malformed') { ($status, $text) = (200, '[{"order_id":"12345",]') }
	elsif ($mode eq 'truncated') {
		$status //= 200;
		$text = '[{"order_id":"1234567890","order_status":"PreSubmitted"}]' if $text eq '';
		$text = substr($text, 0, int(length($text) / 2));
	}
	send_response($c, $status, $text);
}
exit 0;
