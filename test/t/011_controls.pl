# The control commands on a live hedger (replay feed; the test inserts ticks step by step and waits for the
# worker to decide on them): a config change takes effect at the next decision and shows in config_summary
# at once; suspend (no orders, decisions blocked with reason suspended, status still written) and resume;
# flatten (waits for the hedge in flight, then sends the order that takes the position to zero with
# state_reason flatten, stays suspended, and its result says when it is done; "already flat" after); resume_trading (refused outside SAFE and
# while a fault remains, then SAFE -> SYNC and back to hedging).
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time);
use BifrostTAP;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my $node   = hedging_node(
	'controls',
	config => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0',
		'gates.state.system.safe_recovery_sec'  => '86400',
	],
	legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ]);

my $t = 1795532400;    # 2026-11-24 15:00:00 UTC, 10:00 in New York: the market is open
my $ok;
my $q = sub { $node->safe_psql('postgres', shift) };

# Inserts ticks 2 s apart and waits until the worker has decided on all of them.
sub ticks
{
	my ($label, @quotes) = @_;
	$t = insert_ticks($node, $t, 2, @quotes);
	my ($done) = wait_cursor($node, 30);
	ok($done, "$label: the worker took the ticks");
	return;
}

# Runs a control function, waits for the worker to consume its row, returns the result text.
sub command
{
	my ($fn) = @_;
	my $since = server_now($node);
	my ($cmd) = $fn =~ /^bifrost_(\w+)/;
	$q->("SELECT $fn()");
	my ($done) = wait_until($node, 'postgres', qq{
		SELECT count(*) > 0 FROM bifrost.daemon_control
		 WHERE command = '$cmd' AND created_at >= '$since' AND consumed_at IS NOT NULL}, 10);
	my $row = control_row($node, $cmd, $since);
	return $done && $row ? $row->{result} : '(not consumed)';
}

sub position { return $q->(q{SELECT coalesce((SELECT size FROM bifrost.positions WHERE symbol = 'NVDA'), 0)}) }

# ---- warm-up and a first hedge ----------------------------------------------------------------
ticks('warm-up', 100, 100, 100, 100, 100);
is(hedge_count($node, 'fill'), '1', 'first hedge filled on the 5th tick');
cmp_ok(position(), '<', 0, 'long straddles above their strike: the hedge is short (' . position() . ')');

# ---- config reload -------------------------------------------------------------------------------
my $hash0 = config_hash($node);
like($q->('SELECT config_summary FROM bifrost.status_current'), qr/^cfg=$hash0 broker=paper feed=replay paper=on$/,
	"config_summary: cfg=$hash0 broker=paper feed=replay paper=on");
my $t0 = time();
$q->(q{SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '300')});
my $hash1 = config_hash($node);
isnt($hash1, $hash0, 'the config hash moves with the threshold');
($ok) = wait_until($node, 'postgres',
	"SELECT config_summary LIKE 'cfg=$hash1 %' FROM bifrost.status_current", 5);
my $took = time() - $t0;
ok($ok, 'config_summary shows the new hash');
cmp_ok($took, '<', 1, sprintf('... at once, not at the next heartbeat (%.2f s)', $took));

my $decisions0 = $q->('SELECT count(*) FROM bifrost.decisions');
ticks('threshold 300', 101.5, 101.5, 101.5);
my $delta = $q->('SELECT round(net_delta) FROM bifrost.status_current');
ok($delta > 25 && $delta < 300, "net delta $delta: above the default threshold, below the new one");
is($q->('SELECT count(*) FROM bifrost.decisions'), $decisions0,
	'threshold 300: no intent, so no decision row');
is(hedge_count($node, 'hedge_intent'), '1', 'threshold 300: no new hedge');

$q->(q{SELECT bifrost_config_set('gates.state.delta.threshold_hedge_shares', '30')});
my $hash2 = config_hash($node);
($ok) = wait_until($node, 'postgres',
	"SELECT config_summary LIKE 'cfg=$hash2 %' FROM bifrost.status_current", 5);
ok($ok, 'threshold down to 30: config_summary follows');
my $tick_ts = $q->("SELECT to_timestamp($t)");
ticks('threshold 30', 101.5);
is( $q->(q{SELECT ts || ' ' || side || ' ' || quantity FROM bifrost.operations
           WHERE type = 'hedge_intent' ORDER BY id DESC LIMIT 1}),
	"$tick_ts SELL $delta", "the very next tick hedges: SELL $delta (round of the net delta)");
is( $q->(q{SELECT config_hash FROM bifrost.decisions WHERE action = 'hedge' ORDER BY id DESC LIMIT 1}),
	$hash2, 'the decision row carries the new config hash');
ticks('fill', 101.5);
is(hedge_count($node, 'fill'), '2', 'second hedge filled');

# ---- suspend and resume ------------------------------------------------------------------------------
my $intents = hedge_count($node, 'hedge_intent');
is(command('bifrost_suspend'), 'suspended', 'suspend: result "suspended"');
($ok) = wait_state($node, 'RUNNING_SUSPENDED', 5);
ok($ok, 'status_current.daemon_state RUNNING_SUSPENDED');
my ($hb, $st) = split /\|/,
  $q->('SELECT (SELECT last_ts FROM bifrost.daemon_heartbeat), (SELECT ts FROM bifrost.status_current)');
ticks('suspended', 102.5, 103, 103, 103);
is(hedge_count($node, 'hedge_intent'), $intents, 'suspended: no new intent');
is( $q->(q{SELECT count(*) FROM bifrost.decisions WHERE action = 'blocked' AND block_reason = 'suspended'
             AND ts >= to_timestamp(} . ($t - 8) . ')'),
	'4', 'suspended: every tick that wanted to hedge is a decision blocked with reason suspended');
($ok) = wait_until($node, 'postgres', qq{
	SELECT (SELECT last_ts FROM bifrost.daemon_heartbeat) > '$hb'
	   AND (SELECT ts FROM bifrost.status_current) > '$st'
	   AND (SELECT daemon_state = 'RUNNING_SUSPENDED' AND spot = 103 AND bid = 102.99 AND ask = 103.01
	               AND net_delta > 25 FROM bifrost.status_current)}, 5);
ok($ok, 'suspended: heartbeat and status keep coming, with the live spot, quote and net delta');
is($q->(q{SELECT bifrost_status() -> 'trading_suspended'}), 'true', 'bifrost_status(): trading_suspended');

is(command('bifrost_resume'), 'resumed', 'resume: result "resumed"');
($ok) = wait_state($node, 'RUNNING', 5);
ok($ok, 'RUNNING again');
ticks('resumed', 103, 103);
is(hedge_count($node, 'hedge_intent'), $intents + 1, 'resumed: the next tick hedges');
is(hedge_count($node, 'fill'), '3', 'and it filled');

# ---- flatten ---------------------------------------------------------------------------------------------
# A hedge in flight first: a tick that hedges, no tick after it to fill it.
$t = insert_ticks($node, $t, 2, 104.5);
($ok) = wait_until($node, 'postgres',
	"SELECT count(*) = @{[$intents + 2]} FROM bifrost.operations WHERE type = 'hedge_intent'", 10);
ok($ok, 'a hedge in flight');
my $r = command('bifrost_flatten');
like($r, qr/^flattening: waiting for the hedge in flight/, "flatten waits for the hedge in flight ($r)");
($ok) = wait_state($node, 'RUNNING_SUSPENDED', 5);
ok($ok, 'flatten suspended hedging');
ticks('in-flight hedge fills', 104.5);
is(hedge_count($node, 'fill'), '4', 'the hedge in flight filled');

# then, without another command, the order that takes the position to zero
my $pos = position();
cmp_ok($pos, '<', -100, "position before the flatten order: $pos");
($ok) = wait_until($node, 'postgres',
	q{SELECT count(*) = 1 FROM bifrost.operations WHERE type = 'hedge_intent' AND state_reason = 'flatten'}, 10);
ok($ok, 'the flatten order went out once the hedge in flight had filled');
is( $q->(q{SELECT side || ' ' || quantity FROM bifrost.operations
           WHERE type = 'hedge_intent' AND state_reason = 'flatten'}),
	'BUY ' . (-$pos), "flatten intent: BUY " . (-$pos) . " (state_reason flatten)");
ticks('flatten fills', 104.5);
is( $q->(q{SELECT string_agg(type || ':' || side || ':' || quantity, ',' ORDER BY id) FROM bifrost.operations
           WHERE state_reason = 'flatten'}),
	'hedge_intent:BUY:' . (-$pos) . ',order_sent:BUY:' . (-$pos) . ',fill:BUY:' . (-$pos),
	'flatten: intent, order_sent and fill rows, all with state_reason flatten');
is(position(), '0', 'positions.size 0 after flatten');
($ok) = wait_until($node, 'postgres',
	q{SELECT stock_position = 0 AND daemon_state = 'RUNNING_SUSPENDED' FROM bifrost.status_current}, 5);
ok($ok, 'status_current: stock_position 0, still RUNNING_SUSPENDED');
is($q->(q{SELECT status FROM bifrost.orders o JOIN bifrost.operations i ON i.id = o.intent_id
           WHERE i.state_reason = 'flatten'}), 'FILLED', 'the flatten order FILLED');
($ok) = wait_until($node, 'postgres', q{
	SELECT result = 'flattened: the hedge position is zero; hedging stays suspended until bifrost_resume()'
	  FROM bifrost.daemon_control WHERE command = 'flatten' ORDER BY id DESC LIMIT 1}, 10);
ok($ok, 'the flatten command\'s result says it is done');
$intents = hedge_count($node, 'hedge_intent');
ticks('after flatten', 104.5, 104.5);
is(hedge_count($node, 'hedge_intent'), $intents, 'after flatten: no re-hedging while suspended');
is( $q->(q{SELECT block_reason FROM bifrost.decisions ORDER BY id DESC LIMIT 1}),
	'suspended', 'after flatten: the wish to hedge is blocked with reason suspended');
is(command('bifrost_flatten'), 'flat: the hedge position is already zero', 'flatten when flat');

# ---- resume_trading ------------------------------------------------------------------------------------
is(command('bifrost_resume_trading'), 'not in SAFE: nothing to resume', 'resume_trading outside SAFE');
# A one-sided quote (no bid) is no usable quote: stale data, a fault, SAFE.
ticks('one-sided tick', [ undef, 104.51 ]);
($ok) = wait_until($node, 'postgres', q{SELECT trading_state = 'SAFE' FROM bifrost.status_current}, 5);
ok($ok, 'a one-sided quote takes the trading state to SAFE');
like($q->(q{SELECT bifrost_status() ->> 'block_reasons'}), qr/trading_safe/,
	'bifrost_status(): block reason trading_safe');
like(command('bifrost_resume_trading'), qr/^still SAFE: a fault remains/,
	'resume_trading while the quote is still one-sided: still SAFE');
ticks('good quotes again', 104.5, 104.5, 104.5);
is($q->('SELECT trading_state FROM bifrost.status_current'), 'SAFE',
	'good quotes do not leave SAFE before safe_recovery_sec (86400 s here)');
is(command('bifrost_resume_trading'), 'resumed: SAFE -> SYNC', 'resume_trading: SAFE -> SYNC');
($ok) = wait_until($node, 'postgres', q{SELECT trading_state = 'SYNC' FROM bifrost.status_current}, 5);
ok($ok, 'status_current shows SYNC');
ticks('after resume_trading', 104.5, 104.5, 104.5, 104.5);
is($q->('SELECT trading_state FROM bifrost.status_current'), 'NEED_HEDGE',
	'four ticks later: SYNC -> IDLE -> ARMED -> MONITOR -> NEED_HEDGE (the book is unhedged)');
is(command('bifrost_resume'), 'resumed', 'resume hedging');
ticks('hedging again', 104.5, 104.5);
is(hedge_count($node, 'hedge_intent'), $intents + 1, 'hedging again after resume_trading and resume');
is(open_orders($node), '0', 'nothing left open');

check_hedge_invariants($node, 'controls');

$node->stop;
done_testing();
