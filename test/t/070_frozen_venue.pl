# A venue whose ticker is frozen: every poll answers, but with the same quote and the venue's own time of
# it ten minutes ago (a stuck market-data service, a halted book).  The venue says its quote is old: the
# hedger must believe it (stale data, SAFE, no order), not stamp it with the time of the request as if it
# were fresh.  A venue clock a little behind ours still counts as fresh (043 covers a live venue).
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

my $SYMBOL = 'BTC-USDT-SWAP';
my $TICKER = '/api/v5/market/ticker';
my $FROZEN_AGE_MS = 600_000;

my ($port) = start_okx_mock(lifetime => 300, now_ms => int(time * 1000) - $FROZEN_AGE_MS);
my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
	  ->get("http://127.0.0.1:$port$TICKER?instId=$SYMBOL")->{content});
my $strike = 100 * floor($ticker->{data}[0]{last} / 100 + 0.5);
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));

my $node = hedging_node(
	'frozen_venue',
	feed => 'okx',
	conf => [
		"bifrost.okx_base_url = 'http://127.0.0.1:$port'", 'bifrost.http_timeout_ms = 1500',
		'bifrost.feed_poll_ms = 500', 'bifrost.heartbeat_interval = 1', 'bifrost.history_sample_every = 1'
	],
	config => [
		'symbol'                                => qq{"$SYMBOL"},
		'gates.strategy.trading_hours_only'     => 'false',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0'
	],
	sql => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
	  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 10, 1)");
my $q = sub { $node->safe_psql('postgres', shift) };

# quotes arrive (the feed answers), yet the machine must stay out of trading
my ($polled) = wait_until($node, 'postgres', q{
	SELECT count(*) >= 5 FROM bifrost.status_history WHERE data_lag_ms IS NOT NULL}, 60);
ok($polled, 'the frozen venue answers its polls (status rows with a data lag)');
my $since = server_now($node);
my (%seen, $samples);
my $end = time + 8;
while (time < $end && $samples++ < 80)
{
	$seen{ $q->('SELECT trading_state FROM bifrost.status_current WHERE id = 1') }++;
	usleep(100_000);
}
my $seen = join(', ', map { "$_ $seen{$_}" } sort keys %seen);
ok(!grep({ $_ ne 'SAFE' && $_ ne 'BOOT' && $_ ne 'SYNC' } keys %seen),
	"a quote the venue dates ten minutes back is stale: never out of SAFE ($seen)");
my $lag = $q->("SELECT coalesce(min(data_lag_ms), 0) FROM bifrost.status_history WHERE ts >= '$since'");
cmp_ok($lag, '>=', $FROZEN_AGE_MS - 60_000, "the data lag shows the venue's age of the quote ($lag ms)");
is($q->('SELECT count(*) FROM bifrost.orders'), '0', 'no order on a frozen quote')
  or diag($q->(q{SELECT string_agg(side || ' ' || status, ', ') FROM bifrost.orders}));

$node->stop;
done_testing();
