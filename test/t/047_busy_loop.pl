# A paper order that cannot fill does not spin the worker.
#
# A crash left a paper order NEW; its fill was due long ago, but the feed (OKX tickers through the mock,
# which answers every ticker request with HTTP 500) gives no usable quote to fill it at.  The worker must
# wait for the next quote poll, not wake at once again and again: its CPU time over 10 s stays small.
# Once quotes come back, the order fills at the first one.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use POSIX ();
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);
use BifrostTAP;

my $SYMBOL = 'BTC-USDT-SWAP';
my $WINDOW = 10;
# A worker that waits uses well under 1% of a core (a heartbeat a second, a quote request a second);
# one that spins uses most of one.  A tenth of the window leaves room for a slow, shared machine.
my $CPU_BOUND = 0.1 * $WINDOW;
my $ok;

my ($port) = start_okx_mock(lifetime => 300);
okx_mock_fault_on($port, mode => 'http500', path => '/api/v5/market/ticker', count => 0);

my $node = hedging_node(
	'busy_loop',
	feed   => 'okx',
	conf   => [ "bifrost.okx_base_url = 'http://127.0.0.1:$port'", 'bifrost.feed_poll_ms = 1000' ],
	config => [ 'symbol' => qq{"$SYMBOL"}, 'gates.strategy.trading_hours_only' => 'false' ],
	sql    => okx_secrets_sql() . ";\n"
	  . "INSERT INTO bifrost.orders (exchange, symbol, side, type, amount, status, client_order_id, created_at)"
	  . " VALUES ('paper', '$SYMBOL', 'BUY', 'MARKET', 3, 'NEW', 'bfcrash1', now() - interval '1 minute')");
my $pid = hedger_pid($node);

# CPU seconds (user + system) the process has used, from /proc.
sub cpu_seconds
{
	my ($p) = @_;
	my $stat = slurp_file("/proc/$p/stat");
	$stat =~ s/^.*\) //s;    # the command name may hold spaces
	my @f = split / /, $stat;
	return ($f[11] + $f[12]) / POSIX::sysconf(POSIX::_SC_CLK_TCK());
}

SKIP:
{
	skip 'no /proc on this system', 2 unless -r "/proc/$pid/stat";
	sleep 2;    # the start is behind us
	my $cpu0 = cpu_seconds($pid);
	my $t0   = time();
	sleep $WINDOW;
	my $cpu  = cpu_seconds($pid) - $cpu0;
	my $span = time() - $t0;
	cmp_ok($cpu, '<', $CPU_BOUND,
		sprintf('the worker used %.2f s of CPU in %.1f s with an unfillable order (bound %.1f s)',
			$cpu, $span, $CPU_BOUND));
	is($node->safe_psql('postgres', q{SELECT status FROM bifrost.orders WHERE client_order_id = 'bfcrash1'}),
		'NEW', 'without a usable quote the order stays NEW');
}

okx_mock_fault_on($port, mode => 'none');
($ok) = wait_until($node, 'postgres',
	q{SELECT status = 'FILLED' FROM bifrost.orders WHERE client_order_id = 'bfcrash1'}, 30);
ok($ok, 'quotes again: the order fills');
is(hedger_pid($node), $pid, 'the same worker throughout');

$node->stop;
done_testing();
