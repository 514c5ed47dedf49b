# Settlement at expiry (replay feed, ticks inserted step by step): ten calls 50 in the money (strike 50,
# spot 100) expire at 15:00 New York in the middle of the ticks, once with book.settlement 'physical' and
# once 'cash', beside one long 100-strike call of December that keeps gamma in the book (so the hedger
# hedges whatever it does with a book of deep in-the-money legs alone). The day's P&L is continuous across the expiry (the legs settle at intrinsic value instead
# of dropping out of the equity, which made it jump by about -50,000 and tripped the loss breaker); no
# circuit_breaker risk event; one bifrost.leg_settlements row at the first quote at or after the expiry
# (its price stays fixed while the market moves) and an info risk event for it; daily_pnl is the equity
# in SQL (cash of the fills + hedge x mid + the settled legs) minus the day's start; after a restart of
# the node the settlement and the P&L are unchanged; the operator removing the settled leg moves the
# day's start, not the P&L.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $EXPIRY     = '2026-11-24 15:00 America/New_York';
my $EXPIRY_SEC = 1795550400;                              # the same instant, epoch seconds
my $LATER      = '2026-12-18 16:00 America/New_York';
my @FAST       = (
	'feed.replay.speed'                     => '0',
	'gates.intent.hedge.cooldown_seconds'   => '0',
	'gates.intent.hedge.min_price_move_pct' => '0');

# The equity of the book at the last tick: cash of today's fills + hedge position x mid + the legs, those
# not expired at model value, the settled ones at their settlement (cash: the value fixed at expiry;
# physical: the delivered shares marked at mid, paid at the strike).
my $EQUITY = q{
	WITH last AS (SELECT ts, (bid + ask) / 2 AS mid FROM bifrost.ticks ORDER BY ts DESC, id DESC LIMIT 1)
	SELECT round((
	         coalesce((SELECT sum(CASE side WHEN 'BUY' THEN -1 ELSE 1 END * price * quantity)
	                     FROM bifrost.operations WHERE type = 'fill'), 0)
	       + coalesce((SELECT sum(CASE side WHEN 'BUY' THEN quantity ELSE -quantity END)
	                     FROM bifrost.operations WHERE type = 'fill'), 0) * last.mid
	       + coalesce((SELECT sum(CASE WHEN s.leg_id IS NULL
	                         THEN l.quantity * l.multiplier * bifrost_bs_price(l.option_right, last.mid::float8,
	                              l.strike::float8, extract(epoch FROM l.expiry - last.ts) / (365 * 86400), 0.05, 0, 0.35)
	                         WHEN s.style = 'cash' THEN s.value
	                         ELSE s.delivered_shares * (last.mid - l.strike) END)
	                     FROM bifrost.legs l LEFT JOIN bifrost.leg_settlements s ON s.leg_id = l.id), 0))::numeric, 4)
	  FROM last};

# daily_pnl of a status row written after everything before this call (a heartbeat later).
sub fresh_pnl
{
	my ($node) = @_;
	my $since = server_now($node);
	my ($ok) = wait_until($node, 'postgres', "SELECT ts > '$since' FROM bifrost.status_current WHERE id = 1", 10);
	return $node->safe_psql('postgres', 'SELECT daily_pnl FROM bifrost.status_current WHERE id = 1');
}

for my $style ('physical', 'cash')
{
	my $node = hedging_node(
		"expiry_$style",
		config => [@FAST],
		legs   => [ [ 'C', 50, $EXPIRY, 10 ], [ 'C', 100, $LATER, 1 ] ]);
	my $q = sub { $node->safe_psql('postgres', shift) };
	my $ok;

	ok(eval { set_config($node, 'book.settlement' => qq{"$style"}) }, "$style: book.settlement = '$style'");

	# Before the expiry: about 1,055 shares of delta, hedged by 500-share sells (max per order) and the rest.
	my $t = insert_ticks($node, $EXPIRY_SEC - 20, 2, (100) x 10);
	($ok) = wait_cursor($node, 30);
	ok($ok, "$style: ticks before the expiry taken");
	is($q->(q{SELECT size <= -1000 FROM bifrost.positions WHERE side = 'NET'}), 't',
		"$style: hedged with more than 1,000 shares sold");
	my $before = fresh_pnl($node);
	note("$style: daily_pnl 2 s before the expiry: $before");

	# The first quote exactly at the expiry, spot unchanged: the leg settles at 100, worth 50,000.
	$t = insert_ticks($node, $EXPIRY_SEC, 2, 100);
	($ok) = wait_cursor($node, 30);
	my $at = fresh_pnl($node);
	note("$style: daily_pnl at the expiry: $at");
	cmp_ok(abs($at - $before), '<', 1,
		"$style: daily_pnl continuous across the expiry at an unchanged spot ($before, then $at)");
	is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'circuit_breaker'}),
		'0', "$style: the loss breaker did not trip");

	# The market moves after the expiry: the settlement stays at the first quote's price.
	$t = insert_ticks($node, $t, 2, (100.3) x 5);
	($ok) = wait_cursor($node, 30);
	my $moved = fresh_pnl($node);
	if ($style eq 'physical')
	{
		cmp_ok(abs($moved - $at), '<', 5,
			"physical: the delivered 1,000 shares offset the hedge as the spot moves ($at, then $moved)");
	}
	is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'circuit_breaker'}),
		'0', "$style: still no breaker after the move");

	my $have_table = $q->(q{SELECT to_regclass('bifrost.leg_settlements') IS NOT NULL});
	ok($have_table eq 't', "$style: bifrost.leg_settlements exists");
	if ($have_table eq 't')
	{
		my $delivered = $style eq 'physical' ? '1000' : '0';
		is( $q->(q{SELECT s.leg_id = l.id, s.option_right, s.strike, s.quantity, s.multiplier, s.style,
		                  s.settlement_price, s.value, s.delivered_shares, s.settled_at = l.expiry
		             FROM bifrost.leg_settlements s JOIN bifrost.legs l ON l.id = s.leg_id}),
			"t|C|50|10|100|$style|100|50000|$delivered|t",
			"$style: one settlement row, at the first quote at the expiry (100), worth 50,000");
		like(
			$q->(q{SELECT level || ' ' || details FROM bifrost.risk_events WHERE rule = 'expiry_settlement'}),
			qr/^info .*settled.* 100\b/,
			"$style: an info risk event tells the operator");
		my $start  = $q->(q{SELECT start_equity FROM bifrost.hedger_days});
		my $equity = $q->($EQUITY);
		ok(abs($moved - ($equity - $start)) < 1e-4,
			"$style: daily_pnl $moved = equity in SQL ($equity) - the day's start ($start)");
	}

	# A restart values the leg the same: same settlement row, same P&L at the same quote.
	my $rows = $have_table eq 't'
	  ? $q->(q{SELECT string_agg(concat_ws(' ', leg_id, settlement_price, style, value), ',') FROM bifrost.leg_settlements})
	  : '';
	$node->restart;
	($ok) = wait_state($node, 'RUNNING', 60);
	ok($ok, "$style: RUNNING again after the restart");
	$t = insert_ticks($node, $t, 2, 100.3);
	($ok) = wait_cursor($node, 30);
	my $restarted = fresh_pnl($node);
	cmp_ok(abs($restarted - $moved), '<', 0.01, "$style: daily_pnl unchanged by the restart ($moved, then $restarted)");
	is( $have_table eq 't'
		? $q->(q{SELECT string_agg(concat_ws(' ', leg_id, settlement_price, style, value), ',') FROM bifrost.leg_settlements})
		: '',
		$rows, "$style: the settlement is unchanged by the restart ($rows)");

	# The operator removes the settled leg: the day's start moves by its value, the P&L does not.
	$q->(q{DELETE FROM bifrost.legs WHERE strike = 50});
	($ok) = wait_until($node, 'postgres', q{SELECT option_legs_count = 1 FROM bifrost.status_current WHERE id = 1}, 10);
	ok($ok, "$style: the hedger reloaded the legs");
	my $removed = fresh_pnl($node);
	cmp_ok(abs($removed - $restarted), '<', 0.01,
		"$style: removing the settled leg is not P&L ($restarted, then $removed)");
	is($q->(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'circuit_breaker'}),
		'0', "$style: no breaker at the end");
	$node->stop;
}

done_testing();
