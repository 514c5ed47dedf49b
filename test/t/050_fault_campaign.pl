# Fault campaign: the OKX hedge path under random venue faults and random crashes.
#
# The hedger trades BTC-USDT-SWAP through test/mock/okx_mock.pl (broker and feed okx, paper_trade off)
# while the mock draws, from a seeded generator, faults for order POSTs, order queries, tickers and
# position reads: timeouts (with and without the order placed), HTTP 500 and 429, truncated JSON and
# late answers.  The test moves the book (the quantity of the option leg) so that the hedger hedges
# again and again, and FAULT_KILLS times (default 10) crashes it at a random point of the hedge path:
# SIGKILL of the worker (the postmaster reinitializes), every fifth time an immediate stop of the
# postmaster and a start.  The kill points: a random delay after the book moved; as soon as the
# intent's order row is committed; while the mock holds the answer to a POST it has placed; after the
# mock placed an order and lost its answer; right after a fill committed; twice in a row, the second
# within 1.5 s of the restart that followed a lost answer, while the new worker asks about the order.
# After every restart, once the hedger is RUNNING again with no order open (bounded waits), and right
# after fills while it trades: the ledger checks hold in one snapshot, the mock has never seen a client
# order id twice, and the mock's position is the hedger's.
#
# Environment: FAULT_KILLS (default 10), FAULT_SEED (default 11; the test's choices and the mock's
# faults derive from it; timing still varies between runs), FAULT_BUDGET_S (default 90 + 25 per kill:
# no kill starts after it, and no wait ends later than 120 s after it), FAULT_SUMMARY (a file the
# figures are written to).  test/fault/campaign.sh runs this file with 100 kills and prints the figures.
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
use Time::HiRes qw(time sleep);
use BifrostTAP;

my $KILLS  = $ENV{FAULT_KILLS}    // 10;
my $SEED   = $ENV{FAULT_SEED}     // 11;
my $BUDGET = $ENV{FAULT_BUDGET_S} // 90 + 25 * $KILLS;
die "FAULT_KILLS must be a whole number from 1 to 10000, not '$KILLS'\n"
  unless $KILLS =~ /^\d+$/ && $KILLS >= 1 && $KILLS <= 10000;
die "FAULT_SEED must be a whole number, not '$SEED'\n" unless $SEED =~ /^\d+$/;
die "FAULT_BUDGET_S must be a number of seconds from 30 to 86400, not '$BUDGET'\n"
  unless $BUDGET =~ /^\d+$/ && $BUDGET >= 30 && $BUDGET <= 86400;
srand($SEED);
my $T0       = time;
my $DEADLINE = $T0 + $BUDGET;
note("fault campaign: $KILLS kills, seed $SEED, budget ${BUDGET}s");

my $SYMBOL     = 'BTC-USDT-SWAP';
my $LOT_SZ     = 0.01;          # the mock's lotSz: one lot of the hedger is 0.01 contract
my $TIMEOUT_MS = 1000;
my $ORDER      = '/api/v5/trade/order';
my $OPEN       = $BifrostTAP::OPEN_STATUSES;

# The random faults of the mock, per request kind and mode (probabilities per request).
my %CHAOS = (
	order_post => {
		timeout => 0.03, timeout_after => 0.04, http500 => 0.03, http500_after => 0.03, http429 => 0.03,
		truncated => 0.02, truncated_after => 0.03, late_answer => 0.08 },
	order_query => { timeout => 0.03, http500 => 0.04, http429 => 0.04, truncated => 0.03, late_answer => 0.06 },
	ticker      => { timeout => 0.01, http500 => 0.02, http429 => 0.02, truncated => 0.02, late_answer => 0.03 },
	positions   => { timeout => 0.05, http500 => 0.05, http429 => 0.05, truncated => 0.05, late_answer => 0.05 });

my $mock_log = "$PostgreSQL::Test::Utils::log_path/050_okx_mock.log";
my ($port, $mock) = start_okx_mock(lifetime => $BUDGET + 600, log => $mock_log, demo => 1);

my $ticker = decode_json(HTTP::Tiny->new(timeout => 10)
	  ->get("http://127.0.0.1:$port/api/v5/market/ticker?instId=$SYMBOL")->{content});
my $strike = 100 * floor($ticker->{data}[0]{last} / 100 + 0.5);
my $expiry = strftime('%Y-%m-%d 16:00 UTC', gmtime(time + 28 * 86400));

# Limits out of the way: the campaign is about crashes and venue faults, not the guards.
my $node = hedging_node(
	'fault',
	feed => 'okx',
	conf => [
		"bifrost.broker = 'okx'", "bifrost.okx_base_url = 'http://127.0.0.1:$port'",
		"bifrost.http_timeout_ms = $TIMEOUT_MS", 'bifrost.feed_poll_ms = 200', 'bifrost.okx_demo = on',
		'restart_after_crash = on'
	],
	config => [
		'symbol'                                        => qq{"$SYMBOL"},
		'gates.guard.risk.paper_trade'                  => 'false',
		'gates.strategy.trading_hours_only'             => 'false',
		'gates.intent.hedge.cooldown_seconds'           => '0',
		'gates.intent.hedge.min_price_move_pct'         => '0',
		'gates.state.delta.max_delta_limit'             => '100000000',
		'gates.intent.hedge.max_hedge_shares_per_order' => '1000000',
		'gates.guard.risk.max_position_shares'          => '100000000',
		'gates.guard.risk.max_daily_loss_usd'           => '1000000000',
		'gates.guard.risk.max_daily_hedge_count'        => '1000000',
		'gates.state.system.data_lag_threshold_ms'      => '10000',
		'gates.state.market.stale_ts_threshold_ms'      => '20000'
	],
	sql => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity, multiplier) "
	  . "VALUES ('$SYMBOL', 'C', $strike, '$expiry', 1, 1)");

# What the campaign counts, for its figures.
my %fig = (kills => 0, sigkills => 0, immediate_stops => 0, restarts => 0, ledger_check_failures => 0,
	duplicates_seen => 0, venue_disagreements => 0, venue_checks => 0, venue_checks_skipped => 0,
	points_reached => 0, hedges_between_kills => 0, hedges_unfinished => 0);
my %points;
my @failures;    # how to reproduce each failure

# ---- small tools -------------------------------------------------------------------------------------

# Seconds to wait for something: $secs, cut so that no wait ends later than 120 s after the budget (the
# kill in progress when the budget runs out still gets its restart), and at least 5 s.
sub bounded
{
	my ($secs) = @_;
	my $left = $DEADLINE + 120 - time;
	return $left < $secs ? ($left > 5 ? $left : 5) : $secs;
}

# The output of $sql, or undef while the server is down or restarting.  A psql that cannot connect
# may exit before IPC::Run has written the query to it; the "Broken pipe" it then throws (psql()
# passes on all but its own timeout) means the same as a failed connection, not the campaign's end.
sub q_try
{
	my ($sql) = @_;
	my ($out, $err) = ('', '');
	my $rc = eval { $node->psql('postgres', $sql, stdout => \$out, stderr => \$err, timeout => 20) };
	return defined $rc && $rc == 0 ? $out : undef;
}

# Polls $cond every 20 ms for at most $secs; true when it held.
sub poll_for
{
	my ($secs, $cond) = @_;
	my $end = time + bounded($secs);
	while (time < $end)
	{
		return 1 if $cond->();
		sleep(0.02);
	}
	return 0;
}

sub mock_orders { return eval { okx_mock_orders($port) } // {} }

# The quantity of the option leg: a new one each time, so that the hedger has a new hedge to do.
my $leg_qty = 1;

sub move_book
{
	my @choices = grep { $_ != 0 && $_ != $leg_qty } -3 .. 3;
	$leg_qty = $choices[ int rand @choices ];
	q_try("UPDATE bifrost.legs SET quantity = $leg_qty");
	return;
}

sub max_order_id { return q_try('SELECT coalesce(max(id), 0) FROM bifrost.orders') // 0 }

# ---- the checks --------------------------------------------------------------------------------------

# The ledger checks, in one snapshot: each failure as "name: detail".
my $LEDGER_SQL = qq{
WITH pos AS (
    SELECT coalesce((SELECT size FROM bifrost.positions
                      WHERE exchange = 'okx' AND symbol = '$SYMBOL' AND side = 'NET'), 0) AS size),
trd AS (
    SELECT coalesce(sum(CASE side WHEN 'BUY' THEN amount ELSE -amount END), 0) AS net
      FROM bifrost.trades WHERE exchange = 'okx' AND symbol = '$SYMBOL'),
failures (name, detail) AS (
    SELECT 'position_is_sum_of_trades', format('positions.size %s, signed trades %s', pos.size, trd.net)
      FROM pos, trd WHERE pos.size <> trd.net
    UNION ALL
    SELECT 'trade_has_order', string_agg(t.id::text, ',')
      FROM bifrost.trades t LEFT JOIN bifrost.orders o ON o.id = t.order_id
     WHERE o.id IS NULL OR o.side <> t.side OR o.symbol <> t.symbol
    HAVING count(*) > 0
    UNION ALL
    SELECT 'order_filled_is_sum_of_trades', string_agg(o.client_order_id, ',')
      FROM bifrost.orders o
     WHERE o.filled_amount <> coalesce((SELECT sum(t.amount) FROM bifrost.trades t WHERE t.order_id = o.id), 0)
    HAVING count(*) > 0
    UNION ALL
    SELECT 'fill_has_trade', string_agg(f.id::text, ',')
      FROM bifrost.operations f
     WHERE f.type = 'fill'
       AND NOT EXISTS (SELECT 1 FROM bifrost.trades t JOIN bifrost.orders o ON o.id = t.order_id
                        WHERE o.client_order_id = f.client_order_id AND t.amount = f.quantity)
    HAVING count(*) > 0
    UNION ALL
    SELECT 'order_has_intent', string_agg(o.client_order_id, ',')
      FROM bifrost.orders o
      LEFT JOIN bifrost.operations i ON i.id = o.intent_id AND i.type = 'hedge_intent'
     WHERE i.id IS NULL OR i.client_order_id IS DISTINCT FROM o.client_order_id
        OR i.side <> o.side OR i.quantity <> o.amount
    HAVING count(*) > 0
    UNION ALL
    SELECT 'intent_has_one_order', string_agg(i.client_order_id || ' has ' || i.n, ',')
      FROM (SELECT i.client_order_id, (SELECT count(*) FROM bifrost.orders o WHERE o.intent_id = i.id) AS n
              FROM bifrost.operations i WHERE i.type = 'hedge_intent') i
     WHERE i.n <> 1
    HAVING count(*) > 0
    UNION ALL
    SELECT 'intent_client_order_id_once', string_agg(d.c, ',')
      FROM (SELECT client_order_id AS c FROM bifrost.operations WHERE type = 'hedge_intent'
             GROUP BY 1 HAVING count(*) > 1) d
    HAVING count(*) > 0
    UNION ALL
    SELECT 'status_shows_position',
           format('status_current.stock_position %s, positions.size %s', s.stock_position, pos.size)
      FROM bifrost.status_current s, pos
     WHERE s.id = 1 AND s.stock_position IS DISTINCT FROM pos.size)
SELECT name || ': ' || left(coalesce(detail, ''), 300) FROM failures ORDER BY name};

# The ledger rows of bifrost_self_check() that are not ok, where the self-check has them.
my $SELF_CHECK_SQL = q{
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_proc WHERE proname = 'bifrost_self_check'
                           AND 'category' = ANY (proargnames))
            THEN 'yes' ELSE 'no' END};

sub ledger_failures
{
	my @fail;
	my $out = q_try("BEGIN ISOLATION LEVEL REPEATABLE READ; $LEDGER_SQL; COMMIT");
	return ('ledger query failed') unless defined $out;
	push @fail, grep { length } split /\n/, $out;
	if ((q_try($SELF_CHECK_SQL) // '') eq 'yes')
	{
		my $sc = q_try(q{SELECT 'self_check ' || name || ': ' || coalesce(detail, '')
		                   FROM bifrost_self_check() WHERE category = 'ledger' AND NOT ok});
		push @fail, defined $sc ? grep { length } split /\n/, $sc : ('self-check query failed');
	}
	return @fail;
}

# Client order ids the mock received in more than one POST.
sub duplicates
{
	my ($seen) = @_;
	return grep { ($seen->{$_}{posts} // 0) > 1 } sort keys %$seen;
}

# The hedger's orders and position against the mock's, read while nothing moves: undef when the hedger
# kept trading through every try, else the list of disagreements.
sub venue_disagreements
{
	my $sig_sql = "SELECT coalesce(max(id), 0) || '/' || count(*) FILTER (WHERE status IN $OPEN) "
	  . 'FROM bifrost.orders';
	for (1 .. 10)
	{
		my $before = q_try($sig_sql);
		my $ours   = q_try(qq{
			SELECT o.client_order_id || '|' || o.status || '|' || o.filled_amount
			  FROM bifrost.orders o ORDER BY o.id});
		my $size = q_try(qq{SELECT coalesce((SELECT size FROM bifrost.positions
		                    WHERE exchange = 'okx' AND symbol = '$SYMBOL' AND side = 'NET'), 0)});
		my $seen  = mock_orders();
		my $after = q_try($sig_sql);
		unless (defined $before && defined $after && defined $ours && defined $size
			&& $before eq $after && $before =~ m{/0$} && %$seen)
		{
			sleep(0.5);
			next;
		}
		my @bad;
		my %ours = map { my @f = split /\|/; ($f[0] => [ @f[ 1, 2 ] ]) } split /\n/, $ours;
		my $venue = 0;
		for my $coid (sort keys %$seen)
		{
			my $o = $seen->{$coid}{order};
			$venue += ($o->{side} eq 'buy' ? 1 : -1) * $o->{accFillSz} / $LOT_SZ if $o;
			my ($status, $filled) = @{ $ours{$coid} // [] };
			if (!defined $status) { push @bad, "$coid at the mock, not in orders" }
			elsif ($o && ($status ne 'FILLED' || abs($filled - $o->{accFillSz} / $LOT_SZ) > 1e-9))
			{
				push @bad, "$coid filled $o->{accFillSz} contracts at the mock, $status $filled lots here";
			}
			elsif (!$o && $status ne 'REJECTED' && $status ne 'CANCELED')
			{
				push @bad, "$coid never placed at the mock, $status here";
			}
		}
		for my $coid (sort keys %ours)
		{
			push @bad, "$coid $ours{$coid}[0] here, never POSTed"
			  if !$seen->{$coid} && $ours{$coid}[0] eq 'FILLED';
		}
		push @bad, "position: mock $venue lots, positions.size $size" if abs($venue - $size) > 1e-9;
		return \@bad;
	}
	return undef;
}

# Moves the book and waits (bounded) until a new order has filled and none is open: hedges under the
# random faults, between the kills.  True when it happened.
sub hedge_once
{
	my $n0 = max_order_id();
	move_book();
	return poll_for(20, sub {
		(q_try(qq{SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE id > $n0 AND status = 'FILLED')
		             AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)}) // '') eq 't' });
}

# The ledger checks right after a fill, with the hedger still at work: every snapshot must agree.
sub check_ledger_after_fill
{
	my ($label) = @_;
	my $n0 = max_order_id();
	move_book();
	my $filled = poll_for(20, sub {
		(q_try("SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE id > $n0 AND status = 'FILLED')") // '') eq 't' });
	return 0 unless $filled;
	my @ledger = ledger_failures();
	$fig{ledger_check_failures} += @ledger;
	is(join('; ', @ledger), '', "$label: the ledger checks hold right after a fill")
	  or push @failures, "$label, right after a fill: @ledger";
	return 1;
}

# ---- the kill points ---------------------------------------------------------------------------------

# Each moves the book and returns when the kill is due: true when the point it aims at was reached.
my %KILL_POINT = (
	# anywhere: a random delay after the book moved
	random => sub {
		move_book();
		sleep(rand(2.5));
		return 1;
	},
	# the intent and its order row are committed; the POST is about to leave or on its way
	intent => sub {
		my $n0 = max_order_id();
		move_book();
		return poll_for(8, sub { (q_try("SELECT count(*) FROM bifrost.orders WHERE id > $n0") // 0) > 0 });
	},
	# the mock has placed the order and holds its answer: between the send and the ack row
	in_flight => sub {
		my $c0 = keys %{ mock_orders() };
		okx_mock_fault_on($port, mode => 'delay', delay_ms => 800, count => 1, path => $ORDER,
			method => 'POST');
		move_book();
		my $hit = poll_for(8, sub { keys %{ mock_orders() } > $c0 });
		sleep(rand(0.6));
		return $hit;
	},
	# the mock placed the order and lost the answer: the outcome is unknown, the queries may be asking
	lost_answer => sub {
		my $c0 = keys %{ mock_orders() };
		okx_mock_fault_on($port, mode => 'timeout', after => 1, count => 1, path => $ORDER,
			method => 'POST');
		move_book();
		my $hit = poll_for(8, sub { keys %{ mock_orders() } > $c0 });
		sleep(rand(1.6));
		return $hit;
	},
	# a crash leaves an order whose outcome is unknown; the restarted hedger is asking about it, or
	# reconciling its position, when it is crashed again
	recovering => sub {
		my ($pid) = @_;
		my $c0 = keys %{ mock_orders() };
		okx_mock_fault_on($port, mode => 'timeout', after => 1, count => 1, path => $ORDER,
			method => 'POST');
		move_book();
		my $hit = poll_for(8, sub { keys %{ mock_orders() } > $c0 });
		kill 'KILL', $pid;
		$fig{sigkills}++;
		$fig{kills}++;
		my $new = 0;
		my $up  = poll_for(30, sub {
			$new = q_try(q{SELECT pid FROM pg_stat_activity WHERE backend_type = 'bifrost hedger'}) // '';
			$new =~ /^\d+$/ && $new != $pid });
		$fig{restarts}++ if $up;
		sleep(rand(1.5));
		return ($hit && $up, $up ? $new : 0);
	},
	# a fill has just committed: its status rows, the next evaluation
	fill => sub {
		my $n0 = max_order_id();
		move_book();
		return poll_for(10,
			sub { (q_try("SELECT count(*) FROM bifrost.orders WHERE id > $n0 AND status = 'FILLED'") // 0) > 0 });
	});
my @KILL_POINTS = sort keys %KILL_POINT;


# Waits until a hedger other than $old_pid heartbeats RUNNING after $since (epoch) and has started
# trading (its status shows a position and a quote: the daemon says RUNNING before the hedger has read
# its book), then until no order is open; returns (back, settled).
sub wait_recovered
{
	my ($old_pid, $since) = @_;
	my $back = poll_for(90, sub {
		(q_try(qq{
			SELECT h.worker_pid <> $old_pid AND h.daemon_state = 'RUNNING' AND h.last_ts > to_timestamp($since)
			       AND EXISTS (SELECT 1 FROM pg_stat_activity a
			                    WHERE a.pid = h.worker_pid AND a.backend_type = 'bifrost hedger')
			       AND s.stock_position IS NOT NULL AND s.spot IS NOT NULL AND s.ts > to_timestamp($since)
			  FROM bifrost.daemon_heartbeat h, bifrost.status_current s}) // '') eq 't' });
	my $settled = $back && poll_for(45, sub {
		(q_try("SELECT NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)") // '') eq 't' });
	return ($back, $settled);
}

# All checks after a restart; $label names the kill for the failure messages.
sub check_all
{
	my ($label, $must_compare) = @_;
	my @ledger = ledger_failures();
	$fig{ledger_check_failures} += @ledger;
	is(join('; ', @ledger), '', "$label: the ledger checks hold") or push @failures, "$label: @ledger";
	my $seen = mock_orders();
	my @dup  = duplicates($seen);
	$fig{duplicates_seen} = @dup;
	is(join(',', @dup), '', "$label: no client order id POSTed twice") or push @failures, "$label: dup @dup";
	my $bad = venue_disagreements();
	if (!defined $bad)
	{
		$fig{venue_checks_skipped}++;
		ok(!$must_compare, "$label: the hedger went quiet for a comparison with the mock");
		return;
	}
	$fig{venue_checks}++;
	$fig{venue_disagreements} += @$bad;
	is(join('; ', @$bad), '', "$label: the hedger's orders and position are the mock's")
	  or push @failures, "$label: venue @$bad";
	return;
}

# ---- the campaign ------------------------------------------------------------------------------------

my ($ok) = wait_until($node, 'postgres', qq{
	SELECT EXISTS (SELECT 1 FROM bifrost.orders WHERE status = 'FILLED')
	   AND NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)}, 60);
ok($ok, 'the first hedge filled before any fault');
okx_mock_chaos($port, seed => $SEED, late_ms => 700, kinds => \%CHAOS);

while ($fig{kills} < $KILLS)
{
	last if time > $DEADLINE;
	my $k         = $fig{kills} + 1;
	my $point     = $KILL_POINTS[ int rand @KILL_POINTS ];
	my $immediate = $k % 5 == 0;
	my $label     = sprintf('kill %d (seed %d, %s, %s)', $k, $SEED, $point,
		$immediate ? 'immediate stop' : 'SIGKILL');
	for (1 .. int rand 3)
	{
		hedge_once() ? $fig{hedges_between_kills}++ : $fig{hedges_unfinished}++;
	}
	check_ledger_after_fill("before kill $k (seed $SEED)")
	  ? $fig{hedges_between_kills}++ : $fig{hedges_unfinished}++;
	my $pid = q_try('SELECT bifrost.worker_pid()') // '';
	$pid = 0 unless $pid =~ /^\d+$/;
	$immediate = 1 unless $pid;    # no worker to kill: stop the postmaster instead

	my ($reached, $restarted_pid) = $KILL_POINT{$point}->($pid);
	$pid = $restarted_pid if $restarted_pid;
	my $since = time;
	if ($immediate)
	{
		$node->stop('immediate');
		$node->start;
		$fig{immediate_stops}++;
	}
	else
	{
		kill 'KILL', $pid;
		$fig{sigkills}++;
	}
	$fig{kills}++;
	$points{$point}++;
	$fig{points_reached}++ if $reached;
	okx_mock_fault_on($port, mode => 'none');    # a targeted fault left armed goes
	note("$label: point " . ($reached ? 'reached' : 'not reached, killed anyway'));

	my ($back, $settled) = wait_recovered($pid, $since);
	ok($back, "$label: the hedger is RUNNING again") or push @failures, "$label: no restart";
	$fig{restarts}++ if $back;
	next unless $back;
	note("$label: orders still open after 45 s") unless $settled;
	check_all($label, 0);
}
cmp_ok($fig{kills}, '>=', $KILLS, "all $KILLS kills within the budget of ${BUDGET}s");

# The end: no more faults, everything settles, and the books agree with the mock's.
okx_mock_chaos($port);
($ok) = wait_until($node, 'postgres',
	"SELECT NOT EXISTS (SELECT 1 FROM bifrost.orders WHERE status IN $OPEN)", 60);
ok($ok, 'at the end no order is open');
check_all('end', 1);
is(q_try(q{SELECT count(*) FROM bifrost.risk_events WHERE rule = 'position_mismatch'}), '0',
	"the hedger's position never disagreed with the mock's at a restart");

# ---- the figures -------------------------------------------------------------------------------------
my $chaos = eval { okx_mock_chaos_report($port) } // {};
my $seen  = mock_orders();
my ($orders, $filled, $rejected, $canceled, $trades, $unknown) = split /\|/, q_try(q{
	SELECT (SELECT count(*) FROM bifrost.orders),
	       (SELECT count(*) FROM bifrost.orders WHERE status = 'FILLED'),
	       (SELECT count(*) FROM bifrost.orders WHERE status = 'REJECTED'),
	       (SELECT count(*) FROM bifrost.orders WHERE status = 'CANCELED'),
	       (SELECT count(*) FROM bifrost.trades),
	       (SELECT count(DISTINCT order_id) FROM bifrost.order_lifecycle_events WHERE status = 'UNKNOWN')}) // '';
my @lines = (
	"seed: $SEED",
	"kills: $fig{kills} ($fig{sigkills} SIGKILL of the worker, $fig{immediate_stops} immediate stops of the postmaster)",
	"kill points: " . join(', ', map { "$_ $points{$_}" } sort keys %points)
	  . " ($fig{points_reached} reached, the rest killed when waiting for them timed out)",
	"restarts: $fig{restarts}",
	"hedges between the kills: $fig{hedges_between_kills} done, $fig{hedges_unfinished} not done within 20 s",
	"orders: " . ($orders // '?') . " (" . ($filled // '?') . " filled, " . ($rejected // '?') . " rejected, "
	  . ($canceled // '?') . " cancelled as never sent); client order ids POSTed: " . scalar(keys %$seen),
	"fills: " . ($trades // '?'),
	"unknown outcomes: " . ($unknown // '?'),
	"requests drawn for: " . join(', ', map { "$_ $chaos->{requests}{$_}" } sort keys %{ $chaos->{requests} // {} }),
	"faults of the kill points: " . ($points{in_flight} // 0) . ' late answers, '
	  . (($points{lost_answer} // 0) + ($points{recovering} // 0)) . ' lost answers of placed orders (order POSTs)',
	"random faults injected: " . join('; ', map {
		my $k = $_;
		"$k " . join(', ', map { "$_ $chaos->{injected}{$k}{$_}" } sort keys %{ $chaos->{injected}{$k} })
	} sort keys %{ $chaos->{injected} // {} }),
	"duplicates seen: $fig{duplicates_seen} (client order ids the mock received more than once)",
	"ledger check failures: $fig{ledger_check_failures}",
	"venue disagreements: $fig{venue_disagreements} ($fig{venue_checks} comparisons, "
	  . "$fig{venue_checks_skipped} skipped while the hedger kept trading)",
	sprintf('wall time: %.0f s', time - $T0));
note("fault campaign figures:\n  " . join("\n  ", @lines));
diag("failures (rerun with FAULT_SEED=$SEED):\n  " . join("\n  ", @failures)) if @failures;
if ($ENV{FAULT_SUMMARY})
{
	open(my $fh, '>', $ENV{FAULT_SUMMARY}) or die "cannot write $ENV{FAULT_SUMMARY}: $!";
	print $fh map { "$_\n" } @lines, map { "failure: $_" } @failures;
	close $fh;
}

$node->stop;
done_testing();
