# bifrost_ingest against the OKX mock: candles paged from the recent and the
# history endpoints, re-ingestion that is idempotent except for the bar still forming, which is
# replaced once it closes; rate limits retried; timeouts, 5xx and malformed answers recorded as failed
# runs without losing a stored row; a cancel ends a transfer at once; bad arguments refused.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use BifrostTAP;

my $NOW_MS = 1795176000000;    # the mock's clock: 2026-11-20 12:00 UTC, on the 15m grid
my ($port, $mock) = start_okx_mock(now_ms => $NOW_MS);
my $node = bifrost_node('ingest', preload => 0,
	conf => ["bifrost.okx_base_url = 'http://127.0.0.1:$port'", "bifrost.http_timeout_ms = 2000"]);
my $q = sub { $node->safe_psql('postgres', $_[0]) };
my $since = sub { sprintf("to_timestamp(%d)", $NOW_MS / 1000 - $_[0]) };
my $last_run = q{SELECT status || ':' || coalesce(rows_inserted, -1) || ':' || coalesce(error, '')
                  FROM bifrost.ingestion_runs ORDER BY id DESC LIMIT 1};

# 10 days of 15m candles: 960 closed bars and the forming one, from the recent endpoint (4 pages)
is($q->("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m', " . $since->(864000) . ")"),
	'961', '10 days of 15m candles: 961 rows');
is($q->(q{SELECT count(*) || ' ' || count(*) FILTER (WHERE NOT confirmed) || ' '
            || (max(ts) = to_timestamp(1795176000)) FROM bifrost.market_data
          WHERE symbol = 'BTC-USDT-SWAP' AND timeframe = '15m'}),
	'961 1 true', 'stored, the newest bar (the one still forming) unconfirmed');
is($q->($last_run), 'success:961:', 'one ingestion_runs row: success, 961 rows');
is($q->(q{SELECT count(*) FROM bifrost.market_data
          WHERE close::text !~ '^[0-9]+(\.[0-9])?$' OR high < greatest(open, close)}),
	'0', 'prices stored exactly as the venue wrote them');

# again, from the newest stored bar: the forming bar comes back with the same values, so nothing changes
my $forming = q{SELECT updated_at FROM bifrost.market_data
                 WHERE symbol = 'BTC-USDT-SWAP' AND timeframe = '15m' AND NOT confirmed};
my $forming_at = $q->($forming);
is($q->("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')"), '0',
	're-ingest of an unchanged forming bar: 0 rows changed');
is($q->($last_run), 'success:0:', 're-ingest recorded with 0 rows');
is($q->($forming), $forming_at, 'the unchanged forming bar is not rewritten (updated_at kept)');
is($q->("SELECT count(*) FROM bifrost.market_data WHERE timeframe = '15m'"), '961', 'no duplicate');

# 30 minutes later the forming bar has closed and two more exist
stop_child($mock);
($port, $mock) = start_okx_mock(now_ms => $NOW_MS + 1_800_000);
$node->safe_psql('postgres', "ALTER SYSTEM SET bifrost.okx_base_url = 'http://127.0.0.1:$port'");
$node->reload;
$node->poll_query_until('postgres', "SELECT current_setting('bifrost.okx_base_url') LIKE '%:$port'")
  or die 'reload not seen';
is($q->("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')"), '3',
	'later: the closed bar replaced, two new bars');
is($q->(q{SELECT count(*) || ' ' || count(*) FILTER (WHERE NOT confirmed) || ' '
            || bool_and(confirmed) FILTER (WHERE ts = to_timestamp(1795176000))
          FROM bifrost.market_data WHERE timeframe = '15m'}),
	'963 1 true', 'the formerly forming bar is now confirmed; one bar forms');

# 20 days of 1h bars reach past the recent endpoint's 1,440 bars: history-candles pages too
is($q->("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '1h', " . $since->(20 * 86400 - 1800) . ")"),
	'480', '20 days of 1h candles: from 479.5 h back to the newest bar');
is($q->("SELECT bifrost_ingest('okx', 'ETH-USDT-SWAP', 'ohlcv', '15m', " . $since->(20 * 86400 - 1800) . ")"),
	'1921', '20 days of 15m candles, beyond 1,440 bars: recent and history pages');

# failures: recorded, reported as a WARNING, nothing stored is lost
my $count = $q->('SELECT count(*) FROM bifrost.market_data');
for my $case ([ 'malformed', qr/invalid JSON/ ], [ 'truncated', qr/truncated JSON/ ], [ 'http500', qr/HTTP 500/ ],
	[ 'code', qr/OKX code 50001/ ])
{
	my ($mode, $msg) = @$case;
	okx_mock_fault($port, $mode, 1);
	my ($rc, $out, $err) = $node->psql('postgres', "SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')");
	is($rc, 0, "$mode: the call returns");
	like($err, qr/WARNING:  ingestion of okx BTC-USDT-SWAP ohlcv 15m failed/, "$mode: a WARNING says so");
	like($q->($last_run), qr/^failed:0:/, "$mode: the run row says failed");
	like($q->('SELECT error FROM bifrost.ingestion_runs ORDER BY id DESC LIMIT 1'), $msg, "$mode: and why");
	is($q->('SELECT count(*) FROM bifrost.market_data'), $count, "$mode: no stored row lost");
}

# 429 / 50011 back off and retry
# (nothing new at the venue: 0 rows, and a successful run)
okx_mock_fault($port, 'http429', 2);
is($q->("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')") . ' ' . $q->($last_run), '0 success:0:',
	'HTTP 429 twice, then success');
okx_mock_fault($port, 'code', 1, '50011');
is($q->("SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')") . ' ' . $q->($last_run), '0 success:0:',
	'OKX 50011, then success');

# a venue that does not answer: the transfer times out (bifrost.http_timeout_ms = 2000)
okx_mock_fault($port, 'timeout', 1);
my $t0 = time;
my ($rc, $out, $err) = $node->psql('postgres', "SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')");
my $took = time - $t0;
# curl says how long it waited, which a loaded machine stretches by a few milliseconds
like($err, qr/timed out after 20\d\d milliseconds/, 'timeout: reported');
ok($took >= 1.5 && $took < 10, sprintf('timeout: after about 2 s (%.1f s)', $took));

# a cancel (here statement_timeout) ends a hanging transfer at once
okx_mock_fault($port, 'timeout', 1);
$t0 = time;
($rc, $out, $err) = $node->psql('postgres',
	"SET statement_timeout = '300ms'; SELECT bifrost_ingest('okx', 'BTC-USDT-SWAP', 'ohlcv', '15m')");
$took = time - $t0;
like($err, qr/canceling statement due to statement timeout/, 'cancel: the statement is cancelled');
ok($took < 1.5, sprintf('cancel: within the timeout plus a transfer slice (%.2f s)', $took));
okx_mock_fault($port, 'none', 0);

# bad arguments
for my $case (
	[ "'binance', 'BTC-USDT-SWAP', 'ohlcv', '15m'", qr/invalid value "binance" for argument "source"/ ],
	[ "'okx', 'BTC USDT', 'ohlcv', '15m'", qr/invalid value "BTC USDT" for argument "symbol"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'ohlcv', '5m'", qr/invalid value "5m" for argument "timeframe"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'ohlcv', NULL", qr/invalid value "NULL" for argument "timeframe"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'trades', NULL", qr/invalid value "trades" for argument "data_type"/ ],
	[ "'okx', 'BTC-USDT-SWAP', 'ohlcv', '15m', now() + interval '1 day'", qr/for argument "since"/ ],
	[ "'okx', 'BTC-USDT-SWAP&after=1', 'ohlcv', '15m'", qr/invalid value "BTC-USDT-SWAP&after=1" for argument "symbol"/ ],
	# a huge value is named by its first 64 characters, not repeated whole
	[ "'okx', repeat('A', 100000), 'ohlcv', '15m'", qr/invalid value "A{64}\.\.\." for argument "symbol"/ ])
{
	($rc, $out, $err) = $node->psql('postgres', "SELECT bifrost_ingest($case->[0])");
	like($err, $case->[1], "bad argument ($case->[0]) refused");
}
is($q->('SELECT count(*) FROM bifrost.market_data'), $count + 0, 'nothing stored by refused calls');

$node->stop;
done_testing();
