# Market data beyond candles: bifrost_ingest() for funding_rate (realized
# history paged back to the newest stored settlement, plus the coming rate, keyed by settlement time),
# price_snapshot (last, mark, index of the underlying), open_interest and long_short_ratio, against the
# OKX mock: exact decimals, idempotent re-ingestion, incremental paging, failures recorded in
# ingestion_runs, bad arguments refused.  Then the "bifrost ingest" worker: it fills the tables on its
# own from bifrost.ingest_schedule, survives a failing and an erroring entry, reloads, refuses a bad
# schedule, exits within a second of SIGTERM in the middle of a transfer, and waits on a standby
# until promotion.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use BifrostTAP;

my $NOW_MS = 1795176000000;    # the mock's clock: 2026-11-20 12:00 UTC, 4 h after a funding settlement
my $H8 = 8 * 3_600_000;
my $mock_log = PostgreSQL::Test::Utils::tempdir() . '/okx_mock.log';
my ($port, $mock) = start_okx_mock(now_ms => $NOW_MS, log => $mock_log);
my $node = bifrost_node('ingest_market', preload => 0,
	conf => ["bifrost.okx_base_url = 'http://127.0.0.1:$port'", "bifrost.http_timeout_ms = 2000"]);
my $q = sub { $node->safe_psql('postgres', $_[0]) };
my $ingest = sub { $q->("SELECT bifrost_ingest($_[0])") };
my $ts = sub { sprintf("to_timestamp(%d)", $_[0] / 1000) };
my $last_run = q{SELECT data_type || ':' || status || ':' || coalesce(rows_inserted, -1) || ':'
                        || (timeframe IS NULL) || ':' || coalesce(error, '')
                   FROM bifrost.ingestion_runs ORDER BY id DESC LIMIT 1};

# The mock's log: the targets requested since the last call of this function.
my $log_pos = 0;
sub new_requests
{
	my $text = -e $mock_log ? slurp_file($mock_log) : '';
	my @lines = split /\n/, substr($text, $log_pos);
	$log_pos = length $text;
	return map { /"target":"([^"]*)"/ ? $1 : () } @lines;
}
sub fmt { my ($v, $d) = @_; my $s = sprintf("%.${d}f", $v); $s =~ s/\.?0+$// if $s =~ /\./; $s }
sub funding_at { fmt(0.0001 * sin($_[0] / $H8 / 5) + 0.00002, 8) }    # the mock's realized rates
sub price_at
{
	my ($inst, $ms) = @_;
	my $x = $ms / 3_600_000;
	return ($inst =~ /^BTC/ ? 97000 : 3400) * (1 + 0.01 * sin($x / 7) + 0.003 * sin($x * 1.3));
}

# ---- funding_rate ----
new_requests();
is($ingest->("'okx', 'BTC-USDT-SWAP', 'funding_rate', NULL, " . $ts->($NOW_MS - 10 * 86_400_000)),
	'31', 'funding, 10 days: 30 settlements and the coming one');
is($q->($last_run), 'funding_rate:success:31:true:', 'one run row, no timeframe');
is($q->(qq{SELECT count(*) || ' ' || min(funding_time) || ' ' || max(funding_time)
             FROM bifrost.funding_rates WHERE symbol = 'BTC-USDT-SWAP'}),
	$q->("SELECT '31 ' || " . $ts->($NOW_MS - 10 * 86_400_000 + 4 * 3_600_000) . " || ' ' || "
		  . $ts->($NOW_MS + 4 * 3_600_000)),
	'keyed by settlement time: from the first settlement after since to the coming one');
is($q->(qq{SELECT funding_rate::text || ' ' || next_funding_time FROM bifrost.funding_rates
            WHERE funding_time = } . $ts->($NOW_MS + 4 * 3_600_000)),
	$q->("SELECT '0.0000821 ' || " . $ts->($NOW_MS + 12 * 3_600_000)),
	'the coming settlement: its predicted rate and the settlement after it');
my $t1 = $NOW_MS - 4 * 3_600_000 - 5 * $H8;
is($q->('SELECT funding_rate::text || \' \' || next_funding_time FROM bifrost.funding_rates WHERE funding_time = '
		  . $ts->($t1)),
	funding_at($t1) . ' ' . $q->('SELECT ' . $ts->($t1 + $H8)),
	'a settled rate: exactly as the venue wrote it, next settlement from the series');
is($q->(q{SELECT count(*) FROM bifrost.funding_rates
           WHERE extract(epoch FROM funding_time)::bigint % 28800 <> 0
              OR next_funding_time - funding_time <> interval '8 hours'}), '0',
	'every row on the 8 h grid, each next settlement 8 h later');
my @reqs = new_requests();
is(scalar(grep { m{^/api/v5/public/funding-rate\?instId=BTC-USDT-SWAP$} } @reqs), 1, 'one current-rate request');
is(scalar(grep { m{funding-rate-history\?instId=BTC-USDT-SWAP&limit=100$} } @reqs), 1,
	'one history page (newest first, no after)');

is($ingest->("'okx', 'BTC-USDT-SWAP', 'funding_rate'"), '0', 'again: nothing changed');
is($q->($last_run), 'funding_rate:success:0:true:', 'the run row says 0');
@reqs = new_requests();
is(scalar(grep { /funding-rate-history/ } @reqs), 1, 'again: one history page, it reaches the newest stored settlement');

# incremental paging: 60 days back is 180 settlements, two pages of 100; 150 of them are new
is($ingest->("'okx', 'BTC-USDT-SWAP', 'funding_rate', NULL, " . $ts->($NOW_MS - 60 * 86_400_000)),
	'150', 'funding, 60 days: the 150 settlements not stored yet');
@reqs = grep { /funding-rate-history/ } new_requests();
my $page2_after = $NOW_MS - 4 * 3_600_000 - 99 * $H8;
is(scalar(@reqs), 2, 'two history pages');
like($reqs[1] // '', qr/&after=$page2_after$/, 'the second page starts below the oldest row of the first');
is($q->("SELECT count(*) FROM bifrost.funding_rates WHERE symbol = 'BTC-USDT-SWAP'"), '181', '181 rows');

# 16 hours later: two settlements passed; the formerly coming one is now realized
stop_child($mock);
($port, $mock) = start_okx_mock(now_ms => $NOW_MS + 16 * 3_600_000, log => $mock_log);
$q->("ALTER SYSTEM SET bifrost.okx_base_url = 'http://127.0.0.1:$port'");
$node->reload;
$node->poll_query_until('postgres', "SELECT current_setting('bifrost.okx_base_url') LIKE '%:$port'")
  or die 'reload not seen';
new_requests();
is($ingest->("'okx', 'BTC-USDT-SWAP', 'funding_rate'"), '3',
	'16 h later: the predicted rate replaced by the realized one, one new settlement, a new coming one');
is($q->('SELECT funding_rate::text FROM bifrost.funding_rates WHERE funding_time = '
		  . $ts->($NOW_MS + 4 * 3_600_000)), funding_at($NOW_MS + 4 * 3_600_000), 'realized rate stored');
is(scalar(grep { /funding-rate-history/ } new_requests()), 1, 'one history page');
is($q->('SELECT funding_time = ' . $ts->($NOW_MS + 20 * 3_600_000) . ' FROM bifrost_latest_funding(\'BTC-USDT-SWAP\')'),
	't', 'bifrost_latest_funding serves the coming settlement');
my $NOW2 = $NOW_MS + 16 * 3_600_000;

# ---- price_snapshot ----
is($ingest->("'okx', 'BTC-USDT-SWAP', 'price_snapshot'"), '1', 'price snapshot: one row');
is($q->(q{SELECT last_price::text || ' ' || mark_price::text || ' ' || index_price::text || ' '
                 || (ts = } . $ts->($NOW2) . q{) FROM bifrost.price_snapshots WHERE symbol = 'BTC-USDT-SWAP'}),
	join(' ', fmt(price_at('BTC-USDT-SWAP', $NOW2), 1), fmt(price_at('BTC-USDT-SWAP', $NOW2) - 0.3, 1),
		fmt(price_at('BTC-USDT', $NOW2) - 0.5, 1), 'true'),
	'last from the ticker, mark from mark-price, index of the underlying; at the venue\'s time');
@reqs = new_requests();
is_deeply(\@reqs,
	[ '/api/v5/market/ticker?instId=BTC-USDT-SWAP', '/api/v5/public/mark-price?instType=SWAP&instId=BTC-USDT-SWAP',
	  '/api/v5/market/index-tickers?instId=BTC-USDT' ],
	'three requests; the index is asked for the underlying BTC-USDT');
is($ingest->("'okx', 'BTC-USDT-SWAP', 'price_snapshot'"), '0', 'again: nothing changed');
is($q->($last_run), 'price_snapshot:success:0:true:', 'run row');
is($q->(q{SELECT last_price || ' ' || mark_price || ' ' || index_price FROM bifrost_latest_prices('BTC-USDT-SWAP')}),
	$q->(q{SELECT last_price || ' ' || mark_price || ' ' || index_price FROM bifrost.price_snapshots}),
	'bifrost_latest_prices serves it');

# ---- open_interest ----
new_requests();
is($ingest->("'okx', 'BTC-USDT-SWAP', 'open_interest'"), '1', 'open interest: one row');
is($q->(q{SELECT open_interest::text || ' ' || open_interest_value::text || ' ' || (ts = } . $ts->($NOW2)
		  . q{) FROM bifrost.open_interest}), '2874512.3 2788536021.4 true', 'contracts and USD value, exactly');
is($ingest->("'okx', 'BTC-USDT-SWAP', 'open_interest'"), '0', 'again: nothing changed');
like((new_requests())[0] // '', qr{^/api/v5/public/open-interest\?instType=SWAP&instId=BTC-USDT-SWAP$},
	'asked with instType SWAP');

# ---- long_short_ratio ----
is($ingest->("'okx', 'BTC-USDT-SWAP', 'long_short_ratio', NULL, " . $ts->($NOW2 - 3 * 86_400_000)), '576',
	'long/short ratio: the 2 days of 5m points OKX keeps');
my $begin = $NOW2 - 3 * 86_400_000;
like((new_requests())[0] // '', qr{long-short-account-ratio\?ccy=BTC&period=5m&begin=$begin$},
	'asked per coin (BTC), period 5m (the default), from since');
is($q->(q{SELECT count(*) || ' ' || count(*) FILTER (WHERE ratio::text !~ '^[0-9]+(\.[0-9]{1,2})?$')
            || ' ' || (max(ts) = } . $ts->($NOW2) . q{) FROM bifrost.long_short_ratio}), '576 0 true',
	'stored exactly, the newest at the venue\'s time');
is($ingest->("'okx', 'BTC-USDT-SWAP', 'long_short_ratio'"), '0', 'again: nothing changed');
like((new_requests())[0] // '', qr{&begin=$NOW2$}, 'again: from the newest stored point');
is($ingest->("'okx', 'BTC-USDT-SWAP', 'long_short_ratio', '1h', " . $ts->($NOW2 - 30 * 86_400_000)),
	'672', '1h period, 30 days: 720 points of which 48 were stored already with the same ratio');
like((new_requests())[0] // '', qr{period=1H&}, 'period 1H');
is($q->($last_run), 'long_short_ratio:success:672:true:', 'run row (the period is not a candle timeframe)');

# ---- failures: recorded, a WARNING, nothing stored lost ----
my $counts = q{SELECT (SELECT count(*) FROM bifrost.funding_rates) || ' ' || (SELECT count(*) FROM bifrost.price_snapshots)
                 || ' ' || (SELECT count(*) FROM bifrost.open_interest) || ' ' || (SELECT count(*) FROM bifrost.long_short_ratio)};
my $before = $q->($counts);
for my $case (
	[ 'funding_rate',     '/api/v5/public/funding-rate-history', 'malformed', qr/invalid JSON/ ],
	[ 'funding_rate',     '/api/v5/public/funding-rate',         'truncated', qr/truncated JSON/ ],
	[ 'price_snapshot',   '/api/v5/public/mark-price',           'http500',   qr/mark-price.* answered HTTP 500/ ],
	[ 'price_snapshot',   '/api/v5/market/index-tickers',        'code',      qr/OKX code 51001/ ],
	[ 'open_interest',    '/api/v5/public/open-interest',        'http500',   qr/HTTP 500/ ],
	[ 'long_short_ratio', '/api/v5/rubik/stat/contracts/long-short-account-ratio', 'malformed', qr/invalid JSON/ ])
{
	my ($type, $path, $mode, $msg) = @$case;
	okx_mock_fault_on($port, mode => $mode, count => 1, path => $path, code => '51001');
	my ($rc, $out, $err) = $node->psql('postgres', "SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', '$type')");
	is($rc . ':' . $out, '0:0', "$type, $mode on $path: the call returns 0 rows");
	like($err, qr/WARNING:  ingestion of okx BTC-USDT-SWAP $type( 5m)? failed/, "$type, $mode: a WARNING says so");
	like($q->($last_run), qr/^$type:failed:0:true:/, "$type, $mode: the run row says failed");
	like($q->('SELECT error FROM bifrost.ingestion_runs ORDER BY id DESC LIMIT 1'), $msg, "$type, $mode: and why");
}
okx_mock_fault_on($port, mode => 'none');
is($q->($counts), $before, 'no stored row lost, none added by the failed runs');

# 429 (twice), then success; OKX 50011 in a 200 answer likewise
new_requests();
okx_mock_fault_on($port, mode => 'http429', count => 2, path => '/api/v5/public/open-interest');
my $t0 = time;
is($ingest->("'okx', 'BTC-USDT-SWAP', 'open_interest'"), '0', 'open interest: HTTP 429 twice, then success');
my $took = time - $t0;
is($q->($last_run), 'open_interest:success:0:true:', 'the run row says success');
is(scalar(grep { /open-interest/ } new_requests()), 3, 'three requests: two refused, one answered');
ok($took >= 1.4, sprintf('backed off between them (0.5 s, then 1 s: %.2f s)', $took));
okx_mock_fault_on($port, mode => 'code', count => 1, code => '50011', path => '/api/v5/public/funding-rate-history');
is($ingest->("'okx', 'BTC-USDT-SWAP', 'funding_rate'"), '0', 'funding: OKX 50011, then success');
is($q->($last_run), 'funding_rate:success:0:true:', 'the run row says success');

# one ingestion of a series at a time: a second session skips it instead of waiting
my $holder = $node->background_psql('postgres');
$holder->query_safe('BEGIN');
is($holder->query_safe("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'open_interest')"), '0',
	'a session ingests open interest in an open transaction');
my ($rc, $out, $err) = $node->psql('postgres', "SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'open_interest')");
is($out, '0', 'meanwhile a second session ingesting the same series gets 0');
like($err, qr/WARNING:  ingestion of okx BTC-USDT-SWAP open_interest skipped: another session is ingesting/,
	'... with a WARNING');
is($q->($last_run), 'open_interest:skipped:0:true:another session is ingesting okx BTC-USDT-SWAP open_interest now',
	'... and a run row marked skipped');
is($ingest->("'okx', 'BTC-USDT-SWAP', 'price_snapshot'"), '0', 'another series goes on meanwhile');
$holder->query_safe('COMMIT');
$holder->quit;

# a venue that refuses history pages of 300 bars (parameter error 51000, as older API versions may):
# asked again with 100
okx_mock_fault_on($port, mode => 'code', code => '51000', count => 1, path => '/api/v5/market/history-candles');
new_requests();
my $daily = $ingest->("'okx', 'BTC-USDT-SWAP', 'ohlcv', '1d', " . $ts->($NOW2 - 1600 * 86_400_000));
is($daily, $q->("SELECT count(*) FROM bifrost.market_data WHERE timeframe = '1d'"), '1d candles, 1,600 days');
cmp_ok($daily, '>', 1590, '... all of them');
@reqs = grep { /history-candles/ } new_requests();
like($reqs[0] // '', qr/&limit=300&/, 'history asked for 300 bars a page');
like($reqs[1] // '', qr/&limit=100&/, 'refused: asked again for 100');
is($q->($last_run), 'ohlcv:success:' . $daily . ':false:', 'the run succeeded');

# ---- bad arguments ----
for my $case (
	[ "'okx', 'BTC-USDT', 'funding_rate'",                     qr/invalid value "BTC-USDT" for argument "symbol".*\n.*perpetual swaps/ ],
	[ "'okx', 'BTC-USDT', 'open_interest'",                    qr/invalid value "BTC-USDT" for argument "symbol".*\n.*swaps, futures and options/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'funding_rate', '1h'",          qr/invalid value "1h" for argument "timeframe".*\n.*Only ohlcv/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'price_snapshot', '15m'",       qr/invalid value "15m" for argument "timeframe"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'long_short_ratio', '4h'",      qr/invalid value "4h" for argument "timeframe".*\n.*5m \(the default\), 1h and 1d/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'price_snapshot', NULL, now() - interval '1 day'", qr/for argument "since".*\n.*current values/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'open_interest', NULL, now() - interval '1 day'",  qr/for argument "since"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'funding_rate', NULL, now() + interval '1 day'",   qr/for argument "since"/ ],
	[ "'okx', 'BTC--SWAP', 'price_snapshot'",                  qr/invalid value "BTC--SWAP" for argument "symbol"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'funding'",                     qr/invalid value "funding" for argument "data_type".*\n.*funding_rate, price_snapshot/ ],
	[ "'okx', 'BTC-USDT-SWAP', NULL",                          qr/invalid value "NULL" for argument "data_type"/ ])
{
	($rc, $out, $err) = $node->psql('postgres', "SELECT bifrost_ingest($case->[0])");
	like($err, $case->[1], "bad argument ($case->[0]) refused");
	like($err, qr/ERROR:  invalid value/, "($case->[0]) is an error") if $rc;
}
is($q->($counts), $before, 'nothing stored by refused calls');
$node->stop;
stop_child($mock);

# ---- the ingest worker, against a mock on the real clock ----
$mock_log .= '.worker';
$log_pos = 0;
($port, $mock) = start_okx_mock(log => $mock_log);
my $SCHEDULE = 'okx:BTC-USDT-SWAP:ohlcv:1h, okx:BTC-USDT-SWAP:funding_rate,okx:BTC-USDT-SWAP:price_snapshot, '
  . ' okx:BTC-USDT-SWAP:open_interest , okx:BTC-USDT-SWAP:long_short_ratio:1h';
my $worker = bifrost_node('ingest_worker', allows_streaming => 1,
	conf => ["bifrost.okx_base_url = 'http://127.0.0.1:$port'", 'bifrost.http_timeout_ms = 2000',
		"bifrost.ingest_schedule = '$SCHEDULE'", 'bifrost.ingest_interval = 5']);
my $w = sub { $worker->safe_psql('postgres', $_[0]) };
my $INGEST = q{backend_type = 'bifrost ingest'};
my ($ok, $secs) = wait_until($worker, 'postgres', q{
	SELECT (SELECT count(*) FROM bifrost.market_data WHERE timeframe = '1h') > 700
	   AND (SELECT count(*) FROM bifrost.funding_rates) > 80
	   AND (SELECT count(*) FROM bifrost.price_snapshots) = 1
	   AND (SELECT count(*) FROM bifrost.open_interest) = 1
	   AND (SELECT count(*) FROM bifrost.long_short_ratio) >= 700}, 40);
ok($ok, sprintf('the worker filled every table on its own (%.1f s)', $secs))
  or diag $w->('SELECT json_agg(r) FROM bifrost.ingestion_runs r');
is($w->("SELECT count(*) || ' ' || min(application_name) FROM pg_stat_activity WHERE $INGEST"), '1 bifrost',
	'one "bifrost ingest" process, application_name bifrost');
is($w->(q{SELECT string_agg(DISTINCT data_type || ':' || status, ' ' ORDER BY data_type || ':' || status)
            FROM bifrost.ingestion_runs}),
	'funding_rate:success long_short_ratio:success ohlcv:success open_interest:success price_snapshot:success',
	'every entry ran, each recorded as success');
($ok, $secs) = wait_until($worker, 'postgres',
	q{SELECT count(*) = 5 FROM (SELECT data_type FROM bifrost.ingestion_runs GROUP BY 1 HAVING count(*) >= 2) x}, 20);
ok($ok, sprintf('a second round within the interval (%.1f s)', $secs));
my $pid = $w->("SELECT pid FROM pg_stat_activity WHERE $INGEST");
is($w->("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'bifrost hedger'"), '1',
	'the hedger runs beside it');

# a failing entry (venue) and an erroring one (database) do not stop the others
okx_mock_fault_on($port, mode => 'http500', count => 0, path => '/api/v5/public/open-interest');
$w->(q{ALTER TABLE bifrost.price_snapshots ADD CONSTRAINT test_refuse CHECK (last_price < 0) NOT VALID});
my $mark = $w->('SELECT max(id) FROM bifrost.ingestion_runs');
($ok, $secs) = wait_until($worker, 'postgres', qq{
	SELECT count(*) FILTER (WHERE data_type = 'open_interest' AND status = 'failed' AND error ~ 'HTTP 500') >= 1
	   AND count(*) FILTER (WHERE data_type = 'price_snapshot' AND status = 'failed'
	                          AND error ~ 'violates check constraint "test_refuse"') >= 1
	   AND count(*) FILTER (WHERE data_type = 'long_short_ratio' AND status = 'success') >= 1
	   AND count(*) FILTER (WHERE data_type = 'funding_rate' AND status = 'success') >= 1
	   AND count(*) FILTER (WHERE data_type = 'ohlcv' AND status = 'success') >= 1
	  FROM bifrost.ingestion_runs WHERE id > $mark}, 20);
ok($ok, sprintf('a venue failure and a database error are recorded as failed runs, the others succeed (%.1f s)', $secs))
  or diag $w->("SELECT json_agg(r) FROM bifrost.ingestion_runs r WHERE id > $mark");
is($w->("SELECT pid FROM pg_stat_activity WHERE $INGEST"), $pid, 'the same worker process goes on');
ok($worker->log_contains(qr/bifrost ingest: okx BTC-USDT-SWAP open_interest failed: GET .*HTTP 500/),
	'the venue failure is in the server log');
okx_mock_fault_on($port, mode => 'none');
$w->('ALTER TABLE bifrost.price_snapshots DROP CONSTRAINT test_refuse');
is($w->(q{SELECT count(*) FROM bifrost.ingestion_runs WHERE status = 'running'}), '0', 'no run row left running');

# reload: a new schedule runs at once; a bad one is refused naming the entry
$w->(q{ALTER SYSTEM SET bifrost.ingest_schedule = 'okx:ETH-USDT-SWAP:price_snapshot'});
$w->(q{ALTER SYSTEM SET bifrost.ingest_interval = 3600});
$w->('SELECT pg_reload_conf()');
($ok, $secs) = wait_until($worker, 'postgres',
	q{SELECT count(*) = 1 FROM bifrost.price_snapshots WHERE symbol = 'ETH-USDT-SWAP'}, 10);
ok($ok, sprintf('after a reload the new schedule runs at once, not an hour later (%.1f s)', $secs));
for my $case (
	[ 'okx:BTC-USDT-SWAP:ohlcv', qr/Entry 1 "okx:BTC-USDT-SWAP:ohlcv": invalid timeframe "\(none\)"\. Candle timeframes are 15m, 1h, 4h and 1d\./ ],
	[ 'okx:BTC-USDT-SWAP:price_snapshot, binance:BTC-USDT:ohlcv:1h', qr/Entry 2 "binance:BTC-USDT:ohlcv:1h": invalid source "binance"/ ],
	[ 'okx:BTC-USDT-SWAP:price_snapshot,,okx:BTC-USDT-SWAP:open_interest', qr/Entry 2 is empty/ ],
	[ 'okx:BTC-USDT-SWAP:open_interest, okx:BTC-USDT-SWAP:open_interest', qr/Entry 2 "okx:BTC-USDT-SWAP:open_interest" repeats entry 1/ ],
	[ 'okx:BTC-USDT-SWAP', qr/Entry 1 "okx:BTC-USDT-SWAP" has 2 fields/ ])
{
	($rc, $out, $err) = $worker->psql('postgres', "ALTER SYSTEM SET bifrost.ingest_schedule = '$case->[0]'");
	like($err, qr/invalid value for parameter "bifrost.ingest_schedule"/, "schedule '$case->[0]' refused");
	like($err, $case->[1], "... its detail names the entry");
}
($rc, $out, $err) = $worker->psql('postgres', 'ALTER SYSTEM SET bifrost.ingest_interval = 2');
like($err, qr/2 s is outside the valid range for parameter "bifrost.ingest_interval" \(5 \.\. 86400\)/,
	'an interval below 5 s is refused');

# SIGTERM in the middle of a transfer: gone within a second, nothing half-written, back after the restart delay
$w->(q{ALTER SYSTEM SET bifrost.ingest_schedule = 'okx:BTC-USDT-SWAP:open_interest'});
$w->(q{ALTER SYSTEM SET bifrost.ingest_interval = 5});
$w->(q{ALTER SYSTEM SET bifrost.http_timeout_ms = 30000});
okx_mock_fault_on($port, mode => 'timeout', count => 0, path => '/api/v5/public/open-interest');
new_requests();
$w->('SELECT pg_reload_conf()');
($ok) = wait_until($worker, 'postgres', qq{
	SELECT state = 'active' AND query LIKE 'bifrost ingest: okx BTC-USDT-SWAP open_interest%'
	  FROM pg_stat_activity WHERE $INGEST}, 15);
my $inflight = 0;
for (1 .. 100)
{
	last if ($inflight = grep { /open-interest/ } new_requests());
	usleep(50_000);
}
ok($ok && $inflight, 'the worker waits for an answer that does not come');
usleep(300_000);
$t0 = time;
$w->("SELECT pg_terminate_backend($pid)");
my $gone = 0;
for (1 .. 200)
{
	if (!kill(0, $pid)) { $gone = 1; last }
	usleep(20_000);
}
$took = time - $t0;
ok($gone && $took < 1.0, sprintf('SIGTERM mid-transfer: the worker exited in %.2f s', $took));
okx_mock_fault_on($port, mode => 'none');
is($w->(q{SELECT count(*) FROM bifrost.ingestion_runs WHERE status = 'running'}), '0',
	'its transaction rolled back: no run row left running');
($ok, $secs) = wait_until($worker, 'postgres',
	"SELECT count(*) = 1 FROM pg_stat_activity WHERE $INGEST AND pid <> $pid", 20);
ok($ok, sprintf('the postmaster restarts it (%.1f s)', $secs));
$w->(q{ALTER SYSTEM SET bifrost.http_timeout_ms = 2000});
$w->(q{ALTER SYSTEM SET bifrost.ingest_schedule = 'okx:BTC-USDT-SWAP:price_snapshot'});
$w->('SELECT pg_reload_conf()');

# a hot standby fetches nothing until it is promoted
$worker->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('ingest_standby');
$standby->init_from_backup($worker, 'b1', has_streaming => 1);
$standby->start;
$worker->wait_for_catchup($standby);
ok(observe_never($standby, 'postgres', "SELECT count(*) > 0 FROM pg_stat_activity WHERE $INGEST", 3),
	'standby: no ingest worker while in recovery');
$worker->stop;
$standby->promote;
($ok, $secs) = wait_until($standby, 'postgres', "SELECT count(*) = 1 FROM pg_stat_activity WHERE $INGEST", 30);
ok($ok, sprintf('promoted: the ingest worker starts (%.1f s)', $secs));
$mark = $standby->safe_psql('postgres', 'SELECT max(id) FROM bifrost.ingestion_runs');
($ok, $secs) = wait_until($standby, 'postgres',
	"SELECT count(*) > 0 FROM bifrost.ingestion_runs WHERE id > $mark AND status = 'success'", 30);
ok($ok, sprintf('promoted: and ingests (%.1f s)', $secs));
$standby->stop;

done_testing();
