# Client order ids stay unique across a failover that loses commits, and an id the venue already knows
# is never taken for ours.
#  1. Asynchronous replication: the standby stops receiving after a first hedge; the primary goes on,
#     using the operations ids the standby believes are still free (a busy primary uses its whole
#     sequence cache), and hedges once more; then it dies and the standby is promoted without that last
#     intent. The promoted hedger's next client order id must differ from every id the old primary
#     issued (the same intent id on the same day made the same bf<date>i<id> before; at OKX that is
#     51016 and the old order's fill was applied to the new intent). On the new timeline the id carries
#     it: bf<date>t<timeline>i<id>; timeline 1 keeps bf<date>i<id>.
#  2. The venue already has the id (a second database hedging into the same OKX account from the same
#     history, e.g. restored from a dump): OKX answers 51016 and the order is not ours, so it is
#     REJECTED, no fill of the other order is recorded, and the next hedge goes out under a new id.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use POSIX qw(floor strftime);
use HTTP::Tiny;
use JSON::PP;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my $OPEN   = $BifrostTAP::OPEN_STATUSES;
my $ok;

# Waits until $n fills are recorded and no order is open on $node.
sub hedged
{
	my ($node, $n, $label) = @_;
	my ($done) = wait_until($node, 'postgres', qq{
		SELECT (SELECT count(*) FROM bifrost.operations WHERE type = 'fill') >= $n
		   AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)}, 30);
	ok($done, "$label: $n hedges filled, no order open")
	  or diag($node->safe_psql('postgres',
		q{SELECT string_agg(client_order_id || ' ' || status, ', ' ORDER BY id) FROM bifrost.orders}));
	return $done;
}

# ---- 1. a promoted standby that missed the last intent ---------------------------------------------
my $primary = hedging_node(
	'primary',
	allows_streaming => 1,
	config           => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0',
	],
	legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ]);
my $t = 1795532400;    # 2026-11-24 15:00:00 UTC, 10:00 in New York: the market is open
$t = insert_ticks($primary, $t, 2, 100, 100, 100, 100, 100);
($ok) = wait_cursor($primary, 30);
ok($ok, 'primary: took the first ticks');
hedged($primary, 1, 'primary');

$primary->backup('b1');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'b1', has_streaming => 1);
$standby->start;
$primary->wait_for_catchup($standby);
my $replicated = $standby->safe_psql('postgres', 'SELECT count(*) FROM bifrost.orders');
cmp_ok($replicated, '>=', 1, "standby: has the primary's $replicated orders");
# what the standby's copy of the sequence says is taken
my $seq_on_standby = $standby->safe_psql('postgres', 'SELECT last_value FROM bifrost.operations_id_seq');
$standby->stop('fast');

# the primary goes on: other writes used the cached ids, then a hedge the standby never sees
$primary->safe_psql('postgres', "SELECT setval('bifrost.operations_id_seq', $seq_on_standby)");
my $fills = $primary->safe_psql('postgres', q{SELECT count(*) FROM bifrost.operations WHERE type = 'fill'});
$t = insert_ticks($primary, $t, 2, 96, 96, 96);
($ok) = wait_cursor($primary, 30);
ok($ok, 'primary: took the ticks the standby misses');
hedged($primary, $fills + 1, 'primary, unreplicated');
my @old_ids = split /\n/, $primary->safe_psql('postgres', 'SELECT client_order_id FROM bifrost.orders ORDER BY id');
note('the old primary issued ' . join(', ', @old_ids));
is(scalar(grep { !/^bf\d{8}i\d+$/ } @old_ids), 0, 'timeline 1: client order ids are bf<date>i<intent id>');
my $lost = $primary->safe_psql('postgres', q{SELECT max(id) FROM bifrost.operations WHERE type = 'hedge_intent'});
is($lost, $seq_on_standby + 1, "the last intent ($lost) took the id the standby's sequence hands out next");
$primary->stop('immediate');

$standby->start;
$standby->promote;
($ok) = wait_until($standby, 'postgres', 'SELECT NOT pg_is_in_recovery()', 30);
ok($ok, 'standby promoted');
($ok) = wait_state($standby, 'RUNNING', 30);
ok($ok, 'promoted: the hedger runs');
is($standby->safe_psql('postgres', qq{SELECT count(*) FROM bifrost.operations WHERE id = $lost}), '0',
	'promoted: the last intent of the old primary is lost');
my $timeline = $standby->safe_psql('postgres', q{SELECT ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int});
my $max_before = $standby->safe_psql('postgres', 'SELECT max(id) FROM bifrost.orders');
$t = insert_ticks($standby, $t, 2, 97, 97, 97, 97, 97, 97);    # a restarted engine warms up first
($ok) = wait_cursor($standby, 30);
ok($ok, 'promoted: took new ticks');
($ok) = wait_until($standby, 'postgres', "SELECT count(*) > 0 FROM bifrost.orders WHERE id > $max_before", 30);
ok($ok, 'promoted: a new hedge order');
my @new_ids = split /\n/, $standby->safe_psql('postgres',
	"SELECT client_order_id FROM bifrost.orders WHERE id > $max_before ORDER BY id");
note('the promoted standby issued ' . join(', ', @new_ids) . " on timeline $timeline");
my %old = map { $_ => 1 } @old_ids;
is(join(',', grep { $old{$_} } @new_ids), '', 'no client order id of the old primary is issued again');
cmp_ok($timeline, '>', 1, "the promoted standby is on a new timeline ($timeline)");
is(scalar(grep { !/^bf\d{8}t${timeline}i\d+$/ } @new_ids), 0, "its ids carry it: bf<date>t${timeline}i<intent id>");
hedged($standby, 1, 'promoted');
$standby->stop;

# ---- 2. an id the venue already knows -------------------------------------------------------------
my $SYMBOL = 'BTC-USDT-SWAP';
my ($port, $mock) = start_okx_mock(lifetime => 600, demo => 1);
my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
	  ->get("http://127.0.0.1:$port/api/v5/market/ticker?instId=$SYMBOL")->{content});
my $strike = 100 * floor($ticker->{data}[0]{last} / 100 + 0.5);
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));

# One hedger of a call through OKX; $calls calls make the second one hedge again after it takes over
# the first one's position.
sub okx_node
{
	my ($name, $calls) = @_;
	return hedging_node(
		$name,
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
		  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', $calls, 1)");
}

my $first = okx_node('okx_first', 1);
hedged($first, 1, 'okx, first database');
my $taken = $first->safe_psql('postgres', 'SELECT client_order_id FROM bifrost.orders ORDER BY id LIMIT 1');
$first->stop;

my $second = okx_node('okx_second', 2);
($ok) = wait_until($second, 'postgres',
	"SELECT status NOT IN ('CREATED', 'NEW', 'UNKNOWN') FROM bifrost.orders WHERE client_order_id = '$taken'", 30);
ok($ok, "second database: its first order reuses $taken and is settled");
my $q2 = sub { $second->safe_psql('postgres', shift) };
is($q2->(qq{SELECT status FROM bifrost.orders WHERE client_order_id = '$taken'}), 'REJECTED',
	'OKX already has that id: the order is REJECTED, not taken for the other one');
like($q2->(qq{SELECT state_reason FROM bifrost.operations WHERE client_order_id = '$taken' AND type = 'reject'}),
	qr/51016/, 'the reject names OKX\'s 51016');
is($q2->(qq{SELECT count(*) FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
            WHERE o.client_order_id = '$taken'}),
	'0', 'no fill of the other order is recorded');
is(okx_mock_orders($port)->{$taken}{posts}, 2, "OKX saw $taken twice, once from each database");
hedged($second, 1, 'second database, under a new id');
$second->stop;

done_testing();
