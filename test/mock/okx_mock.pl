#!/usr/bin/perl
# test/mock/okx_mock.pl: a local stand-in for the OKX v5 REST API, for bifrost's tests.
#
#   perl test/mock/okx_mock.pl --port N [--key K --secret S --passphrase P] [--demo]
#        [--now-ms MS] [--lifetime SECONDS] [--log FILE] [--history-bars N] [--history-page N] [--bench]
#        [--pos-mode net_mode|long_short_mode]
#
# Listens on 127.0.0.1 only.  Speaks the real envelope ({"code","msg","data":[...]}, numbers as
# strings) for the public market data bifrost ingests (time, ticker, candles and history-candles with
# after/before/limit paging and an unconfirmed newest bar, --history-bars deep (default 2000), history
# pages of at most --history-page bars (default 100, as older API versions; OKX's docs now say 300),
# funding-rate and funding-rate-history (a settlement every 8 h, 90 days, after/before/limit paging),
# mark-price, index-tickers, open-interest, instruments, long/short ratio by period with begin/end) and the private endpoints it trades with (POST and GET
# /api/v5/trade/order, positions, balance, account config), whose HMAC-SHA256 signatures it verifies.  Per-endpoint
# token buckets answer 50011 with HTTP 429.  Tests steer it with POST /mock/fault
# {"mode": "none|timeout|http500|http429|malformed|truncated|code|late|delay", "count": n, "code": "50001",
#  "path": "/api/v5/trade/order", "method": "POST", "after": true|false, "late_ms": 10000, "delay_ms": 300}:
# the next n requests (0 = all) to that path and method (default: any) misbehave.  Before (the
# default) the request is not processed at all; with "after" it is processed (an order is placed)
# and only the answer is lost (timeout: never answered), an error or garbage.  "late" processes it as
# if it had arrived late_ms later, so an order whose expTime header has passed is refused (50036).
# "delay" processes it on arrival and answers delay_ms later (a slow venue), serving others meanwhile.
#
# Orders: market orders fill at once at the ticker's ask (buy) or bid (sell); a clOrdId already used
# is refused with 51016, so a resend shows; GET by an unknown clOrdId answers 51603; positions are the
# net sum of the fills.  A spot pair (instId BASE-QUOTE, lotSz 0.00000001) trades in cash mode: a buy
# pays its fee (0.1%) in the base currency, a sell in the quote currency, as OKX charges them; the
# balance of the base currency is the net of its fills less those fees, plus what POST /mock/deposit
# {"ccy": "BTC", "amount": "0.000013986"} credited; a spot sell of more than that balance is refused
# (51008, insufficient balance), as OKX refuses it.  GET /mock/orders lists every clOrdId POSTed, with how many POSTs carried it
# ("posts") and its order when one was placed.  The account's position mode is --pos-mode (default
# net_mode) until POST /mock/account {"posMode": "..."} changes it.  Every request is appended to --log as
# one JSON line.
#
# Random faults for a fault campaign: POST /mock/chaos {"seed": n, "late_ms": 600, "kinds": {"order_post":
# {"timeout": p, "timeout_after": p, "http500": p, "http500_after": p, "http429": p, "truncated": p,
# "truncated_after": p, "late_answer": p}, "order_query": {...}, "ticker": {...}, "positions": {...}}}
# draws, from a generator seeded with n, one fault (or none) for every request of those kinds that no
# /mock/fault targets.  "late_answer" answers between late_ms/2 and late_ms later (the order placed at
# once); "_after" processes the request (an order is placed) and loses or spoils only the answer.
# GET /mock/chaos reports the seed, the requests seen per kind and the faults drawn per kind and mode;
# POST /mock/chaos {} stops drawing.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use JSON::PP;
use Digest::SHA qw(hmac_sha256_base64);
use Getopt::Long;
use FindBin;
use lib $FindBin::RealBin;
use MockHTTP qw(read_request send_response);
use Time::HiRes qw(time sleep);

my %opt = (port => 0, key => 'test-key', secret => 'test-secret', passphrase => 'test-pass',
	demo => 0, lifetime => 300, log => '', 'now-ms' => 0, 'history-bars' => 2000,
	'history-page' => 100, bench => 0, 'pos-mode' => 'net_mode');
GetOptions(\%opt, 'port=i', 'key=s', 'secret=s', 'passphrase=s', 'demo!', 'lifetime=i', 'log=s',
	'now-ms=i', 'history-bars=i', 'history-page=i', 'bench!', 'pos-mode=s') or die "usage: see the header of $0\n";
# --bench (bench/bench_ingest.sh): no rate limits, and each candle page is rendered once, then served
# from memory, so that a benchmark measures the client and not this script.
my %page_cache;

my $json = JSON::PP->new->canonical(1);
my $server = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $opt{port},
	Listen => 16, ReuseAddr => 1, Proto => 'tcp') or die "okx_mock: cannot listen: $!\n";
$| = 1;
print "okx_mock listening on 127.0.0.1:", $server->sockport, "\n";

my %fault = (mode => 'none', count => 0, code => '50001', after => 0, path => '', method => '',
	late_ms => 0, delay_ms => 0);
my %orders;            # ordId -> order
my %by_clordid;        # clOrdId -> ordId
my %posts;             # clOrdId -> POSTs of /api/v5/trade/order that carried it, answered or not
my %deposit;          # ccy -> spot balance credited by POST /mock/deposit
my $pos_mode = $opt{'pos-mode'};    # GET /api/v5/account/config; POST /mock/account changes it
my $clock_shift_ms = 0;    # "late" fault: how much later than now the request is processed
my $next_ord = 2140573841193975808;
my %bucket;            # endpoint -> [tokens, last refill]
my %limits = ('/api/v5/market/ticker' => 20, '/api/v5/market/candles' => 40,
	'/api/v5/market/history-candles' => 20, '/api/v5/public/funding-rate' => 10,
	'/api/v5/public/mark-price' => 10, '/api/v5/public/open-interest' => 20,
	'/api/v5/public/funding-rate-history' => 10, '/api/v5/market/index-tickers' => 20,
	'/api/v5/rubik/stat/contracts/long-short-account-ratio' => 5,
	'/api/v5/trade/order' => 60, '/api/v5/account/config' => 5);

my %chaos = (seed => 0, late_ms => 600, kinds => {}, requests => {}, injected => {});

my $deadline = time + $opt{lifetime};
$SIG{ALRM} = sub { exit 0 };
alarm $opt{lifetime} + 5;

sub now_ms { $opt{'now-ms'} ? $opt{'now-ms'} : int(time * 1000) }

# Deterministic prices: a smooth walk so that candles, tickers and marks agree.
sub price_at {
	my ($inst, $ms) = @_;
	my $base = $inst =~ /^BTC/ ? 97000 : $inst =~ /^ETH/ ? 3400 : 100;
	my $x = $ms / 3_600_000;
	return $base * (1 + 0.01 * sin($x / 7) + 0.003 * sin($x * 1.3));
}
# The ticker's (bid, ask, last): market orders fill at these.
sub quote_at {
	my ($inst, $ms) = @_;
	my $p = price_at($inst, $ms);
	return (0 + fmt($p - 0.1, 1), 0 + fmt($p + 0.1, 1), 0 + fmt($p, 1));
}
sub fmt { my ($v, $d) = @_; my $s = sprintf("%.${d}f", $v); $s =~ s/\.?0+$// if $s =~ /\./; $s }

my %bar_ms = ('1m' => 60_000, '15m' => 900_000, '1H' => 3_600_000, '4H' => 14_400_000,
	'1Dutc' => 86_400_000, '1D' => 86_400_000);

sub candle_row {
	my ($inst, $ts, $bar, $confirm) = @_;
	my $o = price_at($inst, $ts);
	my $c = price_at($inst, $ts + $bar - 1);
	my $h = ($o > $c ? $o : $c) * 1.0005;
	my $l = ($o < $c ? $o : $c) * 0.9995;
	my $vol = 1000 + ($ts / $bar) % 977;
	return [ "$ts", fmt($o, 1), fmt($h, 1), fmt($l, 1), fmt($c, 1), "$vol", fmt($vol / 100, 2),
		fmt($vol / 100 * $c, 2), $confirm ];
}

# Candles newest first, with OKX's exclusive after/before bounds and limit caps.
sub candles {
	my ($q, $history) = @_;
	my $bar = $bar_ms{ $q->{bar} // '1m' } or return err('51000', 'Parameter bar error');
	my $inst = $q->{instId} or return err('51000', 'Parameter instId error');
	my $cap = $history ? $opt{'history-page'} : 300;
	my $limit = $q->{limit} // 100;
	return err('51000', 'Parameter limit error') if $limit !~ /^\d+$/ || $limit < 1;
	$limit = $cap if $limit > $cap;
	my $now = now_ms();
	my $newest = $now - $now % $bar;          # the forming bar
	my $oldest = $newest - $opt{'history-bars'} * $bar;    # history depth of the mock
	my $top = $newest;
	$top = $q->{after} - 1 - ($q->{after} - 1) % $bar if defined $q->{after} && $q->{after} =~ /^\d+$/;
	$top = $newest if $top > $newest;
	my $key = join '|', $inst, $bar, $top, $limit, $history, $q->{before} // '';
	return (200, $page_cache{$key}) if $opt{bench} && $page_cache{$key};
	my @rows;
	for (my $ts = $top; $ts >= $oldest && @rows < $limit; $ts -= $bar) {
		last if defined $q->{before} && $q->{before} =~ /^\d+$/ && $ts <= $q->{before};
		push @rows, candle_row($inst, $ts, $bar, ($ts == $newest && !$history) ? '0' : '1');
	}
	return ok(\@rows) unless $opt{bench};
	# the same text JSON::PP writes, built by hand: a scalar reference is sent as it is
	my $text = '{"code":"0","data":[' . join(',', map { '["' . join('","', @$_) . '"]' } @rows) . '],"msg":""}';
	return (200, $page_cache{$key} = \$text);
}

# Realized funding: a settlement every 8 h up to now, 90 days deep, newest first; after/before are
# exclusive bounds on fundingTime, limit at most 400 (OKX's cap and default).
sub funding_history {
	my ($q) = @_;
	my $inst = $q->{instId} or return err('51000', 'Parameter instId error');
	my $limit = $q->{limit} // 400;
	return err('51000', 'Parameter limit error') if $limit !~ /^\d+$/ || $limit < 1;
	$limit = 400 if $limit > 400;
	my $eight = 8 * 3_600_000;
	my $n = now_ms();
	my $newest = $n - $n % $eight;
	my $top = $newest;
	$top = $q->{after} - 1 - ($q->{after} - 1) % $eight if defined $q->{after} && $q->{after} =~ /^\d+$/;
	$top = $newest if $top > $newest;
	my @rows;
	for (my $t = $top; $t > $newest - 90 * 86_400_000 && @rows < $limit; $t -= $eight) {
		last if defined $q->{before} && $q->{before} =~ /^\d+$/ && $t <= $q->{before};
		my $rate = fmt(0.0001 * sin($t / $eight / 5) + 0.00002, 8);
		push @rows, { instType => 'SWAP', instId => $inst, formulaType => 'noRate', fundingRate => $rate,
			realizedRate => $rate, fundingTime => "$t", method => 'current_period' };
	}
	return ok(\@rows);
}

sub ok { my ($data, $extra) = @_; return (200, { code => '0', msg => '', data => $data, %{ $extra // {} } }) }
sub err { my ($code, $msg, $http) = @_; return ($http // 200, { code => $code, msg => $msg, data => [] }) }

sub take_token {
	my ($path) = @_;
	return 1 if $opt{bench};
	my $limit = $limits{$path} or return 1;
	my $b = $bucket{$path} //= [ $limit, time ];
	my $t = time;
	$b->[0] += ($t - $b->[1]) * $limit / 2;   # limit per 2 s
	$b->[0] = $limit if $b->[0] > $limit;
	$b->[1] = $t;
	return 0 if $b->[0] < 1;
	$b->[0] -= 1;
	return 1;
}

sub check_signature {
	my ($method, $target, $body, $h) = @_;
	return err('50103', 'Request header OK-ACCESS-KEY can not be empty.', 401) unless $h->{'ok-access-key'};
	return err('50104', 'Request header OK-ACCESS-PASSPHRASE can not be empty.', 401) unless $h->{'ok-access-passphrase'};
	return err('50106', 'Request header OK-ACCESS-SIGN can not be empty.', 401) unless $h->{'ok-access-sign'};
	return err('50107', 'Request header OK-ACCESS-TIMESTAMP can not be empty.', 401) unless $h->{'ok-access-timestamp'};
	return err('50111', 'Invalid OK-ACCESS-KEY.', 401) if $h->{'ok-access-key'} ne $opt{key};
	return err('50105', 'Request header OK-ACCESS-PASSPHRASE incorrect.', 401)
	  if $h->{'ok-access-passphrase'} ne $opt{passphrase};
	return err('50101', 'APIKey does not match current environment.', 401)
	  if $opt{demo} && ($h->{'x-simulated-trading'} // '') ne '1';
	my $ts = $h->{'ok-access-timestamp'};
	return err('50112', 'Invalid OK-ACCESS-TIMESTAMP', 401)
	  unless $ts =~ /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\.(\d{3})Z$/;
	my $sign = hmac_sha256_base64($ts . uc($method) . $target . ($body // ''), $opt{secret});
	$sign .= '=' while length($sign) % 4;
	return err('50113', 'Invalid Sign', 401) if $sign ne $h->{'ok-access-sign'};
	return ();
}

sub is_spot { return $_[0] =~ /^[A-Z0-9]+-[A-Z0-9]+$/ }

# OKX's fee of an order, negative = paid, and its currency: a spot buy pays in the base currency.
sub order_fee {
	my ($o) = @_;
	if (is_spot($o->{instId}) && $o->{side} eq 'buy') {
		return (fmt(-0.001 * $o->{accFillSz}, 12), ($o->{instId} =~ /^(\w+)-/)[0]);
	}
	my ($quote) = $o->{instId} =~ /^\w+-(\w+)/;
	my $rate = is_spot($o->{instId}) ? 0.001 : 0.0005;
	return (fmt(-$rate * $o->{accFillSz} * ($o->{fillPx} || 0), 6), $quote // 'USDT');
}

# The spot balance of a currency: deposits, plus its buys less their fees, less its sells.
sub spot_balance {
	my ($ccy) = @_;
	my $bal = $deposit{$ccy} // 0;
	for my $o (grep { is_spot($_->{instId}) && ($_->{instId} =~ /^(\w+)-/)[0] eq $ccy } values %orders) {
		my ($fee, $fee_ccy) = order_fee($o);
		$bal += ($o->{side} eq 'buy' ? 1 : -1) * $o->{accFillSz} + ($fee_ccy eq $ccy ? $fee : 0);
	}
	return $bal;
}

sub order_view {
	my ($o) = @_;
	my ($fee, $fee_ccy) = order_fee($o);
	return { instType => (is_spot($o->{instId}) ? 'SPOT' : 'SWAP'), instId => $o->{instId}, ordId => $o->{ordId},
		clOrdId => $o->{clOrdId},
		tag => '', px => '', sz => $o->{sz}, ordType => $o->{ordType}, side => $o->{side},
		posSide => $o->{posSide} // 'net', tdMode => $o->{tdMode}, state => $o->{state},
		accFillSz => "$o->{accFillSz}", fillPx => "$o->{fillPx}", fillSz => "$o->{accFillSz}",
		fillTime => $o->{uTime}, tradeId => $o->{tradeId}, avgPx => "$o->{fillPx}", lever => '3',
		fee => $fee, feeCcy => $fee_ccy,
		cTime => $o->{cTime}, uTime => $o->{uTime} };
}

sub route {
	my ($method, $target, $body, $h) = @_;
	my ($path, $qs) = split /\?/, $target, 2;
	my %q = map { my ($k, $v) = split /=/, $_, 2; ($k => $v // '') } split /&/, $qs // '';

	if ($path eq '/mock/fault' && $method eq 'POST') {
		my $f = eval { $json->decode($body) } or return err('50002', 'bad fault JSON', 400);
		%fault = (mode => $f->{mode} // 'none', count => $f->{count} // 0, code => $f->{code} // '50001',
			after => ($f->{after} ? 1 : 0), path => $f->{path} // '', method => uc($f->{method} // ''),
			late_ms => $f->{late_ms} // 10_000, delay_ms => $f->{delay_ms} // 300);
		return ok([ {%fault} ]);
	}
	return chaos_route($method, $body) if $path eq '/mock/chaos';
	if ($path eq '/mock/account' && $method eq 'POST') {
		my $a = eval { $json->decode($body) } or return err('50002', 'bad account JSON', 400);
		$pos_mode = $a->{posMode} if defined $a->{posMode};
		return ok([ { posMode => $pos_mode } ]);
	}
	if ($path eq '/mock/deposit' && $method eq 'POST') {
		my $d = eval { $json->decode($body) } or return err('50002', 'bad deposit JSON', 400);
		$deposit{ $d->{ccy} } += $d->{amount};
		return ok([ { ccy => $d->{ccy}, cashBal => fmt(spot_balance($d->{ccy}), 12) } ]);
	}
	if ($path eq '/mock/orders') {
		return ok([ map {
			my $id = $by_clordid{$_};
			{ clOrdId => $_, posts => $posts{$_}, placed => ($id ? 1 : 0),
				($id ? (order => order_view($orders{$id})) : ()) }
		} sort keys %posts ]);
	}
	return err('50011', 'Rate limit reached. Please refer to API documentation and throttle requests accordingly.', 429)
	  unless take_token($path);

	if ($path eq '/api/v5/public/time') { return ok([ { ts => '' . now_ms() } ]) }
	if ($path eq '/api/v5/market/ticker') {
		my $inst = $q{instId} or return err('51000', 'Parameter instId error');
		my ($bid, $ask, $last) = quote_at($inst, now_ms());
		return ok([ { instType => 'SWAP', instId => $inst, last => fmt($last, 1), lastSz => '3',
			askPx => fmt($ask, 1), askSz => '41', bidPx => fmt($bid, 1), bidSz => '128',
			ts => '' . now_ms() } ]);
	}
	return candles(\%q, 0) if $path eq '/api/v5/market/candles';
	return candles(\%q, 1) if $path eq '/api/v5/market/history-candles';
	if ($path eq '/api/v5/public/funding-rate') {
		my $inst = $q{instId} or return err('51000', 'Parameter instId error');
		my $n = now_ms(); my $eight = 8 * 3_600_000;
		my $next = $n - $n % $eight + $eight;
		return ok([ { instType => 'SWAP', instId => $inst, method => 'current_period',
			fundingRate => '0.0000821', nextFundingRate => '', fundingTime => "$next",
			nextFundingTime => '' . ($next + $eight), settFundingRate => '0.0000654',
			settState => 'settled', ts => "$n" } ]);
	}
	if ($path eq '/api/v5/public/mark-price') {
		my $inst = $q{instId} or return err('51000', 'Parameter instId error');
		return ok([ { instType => 'SWAP', instId => $inst, markPx => fmt(price_at($inst, now_ms()) - 0.3, 1),
			ts => '' . now_ms() } ]);
	}
	if ($path eq '/api/v5/market/index-tickers') {
		my $inst = $q{instId} or return err('51000', 'Parameter instId error');
		return ok([ { instId => $inst, idxPx => fmt(price_at($inst, now_ms()) - 0.5, 1), ts => '' . now_ms() } ]);
	}
	if ($path eq '/api/v5/public/open-interest') {
		my $inst = $q{instId} or return err('51000', 'Parameter instId error');
		return ok([ { instType => 'SWAP', instId => $inst, oi => '2874512.3', oiCcy => '28745.123',
			oiUsd => '2788536021.4', ts => '' . now_ms() } ]);
	}
	if ($path eq '/api/v5/public/instruments') {
		my $inst = $q{instId} // 'BTC-USDT-SWAP';
		return ok([ { instType => 'SPOT', instId => $inst, baseCcy => ($inst =~ /^(\w+)-/)[0],
			quoteCcy => ($inst =~ /-(\w+)$/)[0], lotSz => '0.00000001', minSz => '0.00001', tickSz => '0.1',
			state => 'live' } ]) if is_spot($inst);
		return ok([ { instType => 'SWAP', instId => $inst, ctVal => ($inst =~ /^ETH/ ? '0.1' : '0.01'),
			ctMult => '1', ctValCcy => ($inst =~ /^(\w+)-/)[0], lotSz => '0.01', minSz => '0.01',
			tickSz => '0.1', state => 'live' } ]);
	}
	return funding_history(\%q) if $path eq '/api/v5/public/funding-rate-history';
	if ($path eq '/api/v5/rubik/stat/contracts/long-short-account-ratio') {
		# OKX keeps 5m points 2 days, 1H points 30 days, 1D points 180 days; begin/end bound ts
		my %depth = ('5m' => [ 300_000, 576 ], '1H' => [ 3_600_000, 720 ], '1D' => [ 86_400_000, 180 ]);
		return err('51000', 'Parameter ccy error') unless ($q{ccy} // '') =~ /^[A-Z0-9]+$/;
		my $d = $depth{ $q{period} // '5m' } or return err('51000', 'Parameter period error');
		my ($p, $count) = @$d;
		my $n = now_ms(); my $t = $n - $n % $p;
		my @rows;
		for my $i (0 .. $count - 1) {
			my $ts = $t - $i * $p;
			next if defined $q{end} && $q{end} =~ /^\d+$/ && $ts > $q{end};
			last if defined $q{begin} && $q{begin} =~ /^\d+$/ && $ts < $q{begin};
			# a point in time has one ratio, whatever the period that samples it
			push @rows, [ "$ts", fmt(1.4 + 0.2 * sin($ts / 3_000_000), 2) ];
		}
		return ok(\@rows);
	}

	# private endpoints
	if ($path =~ m{^/api/v5/(trade|account)/}) {
		my @bad = check_signature($method, $target, $body, $h);
		return @bad if @bad;
	}
	if ($path eq '/api/v5/trade/order' && $method eq 'POST') {
		return err('50000', 'Body can not be empty.', 400) unless length($body // '');
		my $o = eval { $json->decode($body) } or return err('50002', 'Json data format error.', 400);
		for my $f (qw(instId tdMode side ordType sz)) {
			return (200, { code => '1', msg => 'All operations failed', data => [ { clOrdId => $o->{clOrdId} // '',
				ordId => '', sCode => '51000', sMsg => "Parameter $f error", subCode => '', tag => '',
				ts => '' . now_ms() } ] }) unless defined $o->{$f} && $o->{$f} ne '';
		}
		# expTime: a request processed after its deadline is refused, never executed
		my $exp = $h->{exptime};
		return err('50036', "The expTime can't be earlier than the current system time. Please adjust the expTime and try again.")
		  if defined $exp && $exp =~ /^\d+$/ && int(time * 1000) + $clock_shift_ms > $exp;
		# bifrost never reuses a clOrdId, so any reuse is a resend: always refuse it
		if (defined $o->{clOrdId} && $o->{clOrdId} ne '' && $by_clordid{ $o->{clOrdId} }) {
			return (200, { code => '1', msg => 'All operations failed', data => [ { clOrdId => $o->{clOrdId},
				ordId => '', sCode => '51016', sMsg => 'Duplicated clOrdId', subCode => '', tag => '',
				ts => '' . now_ms() } ] });
		}
		if (is_spot($o->{instId}) && $o->{side} eq 'sell'
			&& $o->{sz} > spot_balance(($o->{instId} =~ /^(\w+)-/)[0]) + 1e-12) {
			return (200, { code => '1', msg => 'All operations failed', data => [ { clOrdId => $o->{clOrdId} // '',
				ordId => '', sCode => '51008', sMsg => 'Order failed. Insufficient balance', subCode => '',
				tag => '', ts => '' . now_ms() } ] });
		}
		my $id = '' . $next_ord++;
		my ($bid, $ask) = quote_at($o->{instId}, now_ms());
		my $px = $o->{side} eq 'buy' ? $ask : $bid;
		my $n = '' . now_ms();
		$orders{$id} = { %$o, ordId => $id, state => 'filled', accFillSz => $o->{sz}, fillPx => fmt($px, 1),
			tradeId => '' . (615239870 + $next_ord), cTime => $n, uTime => $n };
		$by_clordid{ $o->{clOrdId} } = $id if defined $o->{clOrdId};
		return ok([ { clOrdId => $o->{clOrdId} // '', ordId => $id, tag => '', ts => $n, sCode => '0',
			sMsg => 'Order placed', subCode => '' } ], { inTime => $n . '000', outTime => $n . '100' });
	}
	if ($path eq '/api/v5/trade/order' && $method eq 'GET') {
		my $id = $q{ordId} || ($q{clOrdId} && $by_clordid{ $q{clOrdId} });
		return (200, { code => '51603', msg => 'Order does not exist', data => [] }) unless $id && $orders{$id};
		return ok([ order_view($orders{$id}) ]);
	}
	if ($path eq '/api/v5/account/positions') {
		my %pos;
		for my $o (values %orders) {
			$pos{ $o->{instId} } += ($o->{side} eq 'buy' ? 1 : -1) * $o->{accFillSz};
		}
		return ok([ map { { instType => 'SWAP', instId => $_, posSide => 'net', pos => fmt($pos{$_}, 4),
			avgPx => '', upl => '0', mgnMode => 'cross' } } sort keys %pos ]);
	}
	if ($path eq '/api/v5/account/config') {
		return ok([ { acctLv => '2', autoLoan => JSON::PP::false, ctIsoMode => 'automatic', greeksType => 'PA',
			level => 'Lv1', mgnIsoMode => 'automatic', perm => 'read_only,trade', posMode => $pos_mode,
			uid => '44705892343619584' } ]);
	}
	if ($path eq '/api/v5/account/balance') {
		my @details = ({ ccy => 'USDT', eq => '100000', cashBal => '100000', availBal => '90000', frozenBal => '10000' });
		my %base = map { $_ => spot_balance($_) }
		  keys(%deposit), map { ($_->{instId} =~ /^(\w+)-/)[0] } grep { is_spot($_->{instId}) } values %orders;
		push @details, map { { ccy => $_, eq => fmt($base{$_}, 12), cashBal => fmt($base{$_}, 12),
			availBal => fmt($base{$_}, 12), frozenBal => '0' } } grep { !$q{ccy} || $q{ccy} eq $_ } sort keys %base;
		return ok([ { totalEq => '100000', details => \@details } ]);
	}
	return (404, { code => '50000', msg => "mock has no $method $path", data => [] });
}


# ---- random faults (POST/GET /mock/chaos) ----

my @CHAOS_MODES = qw(timeout timeout_after http500 http500_after http429 truncated truncated_after late_answer);

sub chaos_route {
	my ($method, $body) = @_;
	if ($method eq 'POST') {
		my $c = eval { $json->decode(length($body // '') ? $body : '{}') } or return err('50002', 'bad chaos JSON', 400);
		my %kinds;
		for my $kind (keys %{ $c->{kinds} // {} }) {
			for my $mode (keys %{ $c->{kinds}{$kind} }) {
				return err('50002', "unknown chaos mode $mode", 400) unless grep { $_ eq $mode } @CHAOS_MODES;
				$kinds{$kind}{$mode} = 0 + $c->{kinds}{$kind}{$mode};
			}
		}
		%chaos = (seed => $c->{seed} // 0, late_ms => $c->{late_ms} // 600, kinds => \%kinds,
			requests => $chaos{requests}, injected => $chaos{injected});
		srand($chaos{seed});
	}
	return ok([ { seed => $chaos{seed}, late_ms => $chaos{late_ms}, kinds => $chaos{kinds},
		requests => $chaos{requests}, injected => $chaos{injected} } ]);
}

# The kind of a request, as /mock/chaos names it ('' when chaos never touches it).
sub chaos_kind {
	my ($method, $path) = @_;
	return 'order_post' if $path eq '/api/v5/trade/order' && $method eq 'POST';
	return 'order_query' if $path eq '/api/v5/trade/order';
	return 'ticker' if $path eq '/api/v5/market/ticker';
	return 'positions' if $path eq '/api/v5/account/positions';
	return '';
}

# The fault drawn for this request: (mode, after) or () for none.
sub chaos_pick {
	my ($method, $path) = @_;
	my $kind = chaos_kind($method, $path) or return ();
	$chaos{requests}{$kind}++;
	my $p = $chaos{kinds}{$kind} or return ();
	my $r = rand();
	for my $mode (@CHAOS_MODES) {
		next unless $p->{$mode};
		$r -= $p->{$mode};
		next if $r >= 0;
		$chaos{injected}{$kind}{$mode}++;
		return ('delay', 0) if $mode eq 'late_answer';
		(my $base = $mode) =~ s/_after$//;
		return ($base, $mode =~ /_after$/ ? 1 : 0);
	}
	return ();
}

# How long a delayed answer waits, in seconds: a random late answer between late_ms/2 and late_ms.
sub answer_delay {
	my ($from_chaos) = @_;
	return $fault{delay_ms} / 1000 unless $from_chaos;
	return $chaos{late_ms} / 1000 * (0.5 + rand() / 2);
}

my $log;
if ($opt{log}) { open $log, '>>', $opt{log} or die "okx_mock: cannot open $opt{log}: $!\n"; $log->autoflush(1) }

# [socket, release time, status, text] of requests answered later (delay) or never (timeout: no text)
my @held;
my $ready = IO::Select->new($server);
while (time < $deadline) {
	@held = grep {
		if ($_->[1] <= time) { defined $_->[3] ? send_response($_->[0], $_->[2], $_->[3]) : close $_->[0]; 0 }
		else { 1 }
	} @held;
	my $wait = 0.2;
	for (@held) { my $w = $_->[1] - time; $wait = $w if $w < $wait }
	next unless $ready->can_read($wait > 0.001 ? $wait : 0.001);
	my $c = $server->accept or next;
	my ($method, $target, $body, $h) = read_request($c);
	unless (defined $method) { close $c; next }
	print $log $json->encode({ t => time, method => $method, target => $target, body => $body,
		fault => $fault{mode} }), "\n" if $log;

	my ($path) = split /\?/, $target, 2;
	if ($method eq 'POST' && $path eq '/api/v5/trade/order') {
		my $o = eval { $json->decode($body) };
		$posts{ $o->{clOrdId} }++ if ref $o eq 'HASH' && defined $o->{clOrdId} && !ref $o->{clOrdId};
	}
	my $mode = $fault{mode};
	my $active = $mode ne 'none' && $target !~ m{^/mock/}
	  && ($fault{path} eq '' || $fault{path} eq $path) && ($fault{method} eq '' || $fault{method} eq $method);
	my $after = $fault{after};
	if ($active && $fault{count} > 0) { $fault{count}--; $fault{mode} = 'none' if $fault{count} == 0 }
	my $from_chaos = 0;
	if (!$active && $target !~ m{^/mock/}) {
		my ($m, $a) = chaos_pick($method, $path);
		($active, $mode, $after, $from_chaos) = (1, $m, $a, 1) if $m;
	}

	# before: the request is lost on its way in; after: it is processed and its answer is lost
	my ($status, $payload) = (200, {});
	if (!$active || $after || $mode eq 'late' || $mode eq 'delay') {
		$clock_shift_ms = ($active && $mode eq 'late') ? $fault{late_ms} : 0;
		($status, $payload) = route($method, $target, $body, $h);
		$clock_shift_ms = 0;
	}
	if ($active && $mode eq 'timeout') {
		# answer nothing for 20 s (and keep serving others): the client's timeout must end it
		push @held, [ $c, time + 20 ];
		next;
	}
	my $text = ref $payload eq 'SCALAR' ? $$payload : $json->encode($payload);
	if ($active && $mode eq 'delay') {
		push @held, [ $c, time + answer_delay($from_chaos), $status, $text ];
		next;
	}
	if ($active) {
		if ($mode eq 'http500') { ($status, $text) = (500, '{"code":"50026","msg":"System error","data":[]}') }
		elsif ($mode eq 'http429') { ($status, $text) = (429, '{"code":"50011","msg":"Rate limit reached.","data":[]}') }
		elsif ($mode eq 'malformed') { $text = '{"code":"0","msg":"","data":[{"ts":12,]}' }
		elsif ($mode eq 'truncated') { $text = substr($text, 0, int(length($text) / 2)) }
		elsif ($mode eq 'code') { $text = $json->encode({ code => $fault{code}, msg => 'mock fault', data => [] }) }
	}
	send_response($c, $status, $text);
}
exit 0;
