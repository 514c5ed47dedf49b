# The status page in a real browser: a hedging node, the installed bifrost-status in front of it, and
# headless Chromium driven over WebDriver (test/perl/WebDriverLite.pm).  Three roles log in with
# scram-sha-256 passwords: one with no bifrost rights is refused with a clear message; a reader sees
# the lamps, the figures and the operations the database holds, with every control disabled; an operator
# suspends, resumes and flattens (cancelling the confirmation first), and each click is a
# daemon_control row in the operator's name.  The chart, history, self-check and backtest sections
# either draw what their endpoints answer or say they are not available.  Screenshots go to
# tmp_check/screenshots, and also to $BIFROST_SCREENSHOT_DIR when it is set.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use File::Copy qw(copy);
use File::Path qw(make_path);
use HTTP::Tiny;
use POSIX ();
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use BifrostTAP;
use StatusApp;

for my $exe ('/usr/bin/chromium', '/usr/bin/chromedriver')
{
	# never skipped: the test command installs them, and a browser test that did not run proves nothing
	BAIL_OUT("$exe is missing: Debian's chromium and chromium-driver (bash scripts/test.sh installs them)")
	  unless -x $exe;
}
require WebDriverLite;

my $EXPIRY = '2026-12-18 16:00 America/New_York';
my $node   = hedging_node(
	'status_page',
	config => [
		'feed.replay.speed'                     => '0',
		'gates.intent.hedge.cooldown_seconds'   => '0',
		'gates.intent.hedge.min_price_move_pct' => '0',
	],
	legs => [ [ 'C', 100, $EXPIRY, 10 ], [ 'P', 100, $EXPIRY, 10 ] ]);
my $q = sub { $node->safe_psql('postgres', shift) };
# a backtest on the simulated market (a day of minute quotes), for the backtests section
my $run = $q->(q{SELECT bifrost_backtest('{"backtest.source": "sim", "feed.sim.tick_ms": 60000,
  "gates.strategy.trading_hours_only": false, "backtest.sample_interval_s": 600}',
  '2026-11-02 00:00+00', '2026-11-03 00:00+00')});
my $ok;

# ---- a hedge, so that operations exist -------------------------------------------------------------
my $t = 1795532400;    # 2026-11-24 10:00 in New York: the market is open
$t = insert_ticks($node, $t, 2, 100, 100, 100, 100, 100);
($ok) = wait_cursor($node, 30);
ok($ok, 'the worker took the warm-up ticks');
$t = insert_ticks($node, $t, 2, 101.5, 101.5);
($ok) = wait_cursor($node, 30);
cmp_ok(hedge_count($node, 'fill'), '>=', 1, 'a hedge filled: operations exist');

# ---- roles with passwords; their logins need scram-sha-256, the test's superuser keeps trust ------------
my %pw = (reader_r => 'rd-Secret-4711', oper_o => 'op-Secret-0815', nobody_n => 'nb-Secret-2342');
password_roles($node,
	reader_r => [ $pw{reader_r}, 'bifrost_reader' ],
	oper_o   => [ $pw{oper_o},   'bifrost_operator' ],
	nobody_n => [ $pw{nobody_n} ]);
my $superuser_trust = eval { $node->safe_psql('postgres', 'SELECT 1') };
is($superuser_trust, '1', 'the test superuser still logs in without a password');
my ($ret) = $node->psql('postgres', 'SELECT 1', extra_params => [ '-U', 'reader_r', '-w' ]);
isnt($ret, 0, 'reader_r needs its password (scram-sha-256)');

# ---- the installed bifrost-status --------------------------------------------------------------------
my $out_dir  = "$PostgreSQL::Test::Utils::tmp_check/status_page";
my $shot_dir = "$PostgreSQL::Test::Utils::tmp_check/screenshots";
make_path($out_dir, $shot_dir);
my $status_app = start_status_app($node);
my ($app_pid, $app_log, $base) = @$status_app{qw(pid log url)};
is(HTTP::Tiny->new(timeout => 5)->get("$base/")->{status}, 200, "bifrost-status serves the page on $base");

my $browser;
END
{
	my $rc = $?;
	$browser->quit if $browser;
	if ($app_pid)
	{
		kill 'TERM', $app_pid;
		for (1 .. 30) { last if waitpid($app_pid, POSIX::WNOHANG()) == $app_pid; sleep 0.1; }
		kill 'KILL', $app_pid;
		waitpid($app_pid, 0);
	}
	$? = $rc;
}
$browser = WebDriverLite->new(
	profile_dir => "$out_dir/chromium-profile",
	log         => "$out_dir/chromedriver.log",
	timeout     => 10);
my $b = $browser;

# ---- helpers on the page ---------------------------------------------------------------------------
sub tid { return qq{[data-testid="$_[0]"]} }

sub shot
{
	my ($name) = @_;
	my $path = $b->screenshot("$shot_dir/$name.png");
	copy($path, "$ENV{BIFROST_SCREENSHOT_DIR}/$name.png") if $ENV{BIFROST_SCREENSHOT_DIR};
	note("screenshot $path");
	return $path;
}

# The text of the first element matching $css ('' when there is none).
sub page_text
{
	my ($css) = @_;
	my $el = $b->find($css);
	return $el ? ($b->text($el) // '') : '';
}

sub attr_of
{
	my ($css, $name) = @_;
	my $el = $b->find($css);
	return $el ? $b->attribute($el, $name) : undef;
}

# Waits (bounded) until $check returns true; returns that value or the last false one.
sub eventually { my ($check, $secs) = @_; return $b->wait_for($check, $secs // 8) }

sub number_of { my ($text) = @_; $text //= ''; $text =~ s/[,\$+\s]//g; return $text }

sub login
{
	my ($role) = @_;
	$b->wait_visible(tid('login-role')) or die 'no login form';
	$b->clear_field(tid('login-role'));
	$b->type(tid('login-role'), $role);
	$b->type(tid('login-password'), $pw{$role});
	$b->click(tid('login-submit'));
	return;
}

sub logout
{
	$b->click(tid('logout'));
	return $b->wait_visible(tid('login-form'), 5);
}

# The newest daemon_control row of $command since $since: "requested_by|consumed" or ''.
sub control_since
{
	my ($command, $since) = @_;
	return $q->(qq{SELECT requested_by FROM bifrost.daemon_control
	                WHERE command = '$command' AND created_at >= '$since' ORDER BY id DESC LIMIT 1});
}

my $page_text_js = 'return document.body.innerText;';

# ==== 1. the login form, a role without rights, a reader ================================================
$b->get("$base/");
ok($b->wait_visible(tid('login-form')), 'step 1: / shows the login form');
ok(!$b->find(tid('app-view')) || !$b->displayed($b->find(tid('app-view'))), 'and nothing else');

login('nobody_n');
my $err = eventually(sub { my $e = $b->wait_visible(tid('login-error'), 0.2); $e ? $b->text($e) : '' });
like($err, qr/No rights/, "nobody_n: the page says it has no rights ($err)");
like($err, qr/bifrost_reader/, '... and names the role to grant');
ok(!$b->displayed($b->find(tid('app-view'))), 'nobody_n sees no status');
is($b->execute(q{return document.querySelector('[data-testid="login-password"]').value;}), '',
	'the password field is cleared after a login');

login('reader_r');
ok($b->wait_visible(tid('app-view')), 'reader_r: the status page appears');
is(page_text(tid('session-role')), 'reader_r', 'the role name shows');
ok($b->wait_visible(tid('logout')), 'with a logout button');

# values against the database: read both until they agree (the status row is rewritten every heartbeat)
sub agrees
{
	my ($label, $css, $sql, $tolerance) = @_;
	my ($page, $db) = ('', '');
	my $same = eventually(sub {
		$page = number_of(page_text($css));
		$db   = $q->($sql);
		return 0 unless length $page && length $db && $page =~ /^-?[\d.]+$/;
		return abs($page - $db) <= $tolerance;
	});
	ok($same, "$label: the page shows $page, the database $db");
	return;
}
agrees('spot', tid('spot'), 'SELECT spot FROM bifrost.status_current', 0.00005);
agrees('net delta', tid('net-delta'), 'SELECT net_delta FROM bifrost.status_current', 0.0051);
agrees('hedge position', tid('hedge-position'), 'SELECT stock_position FROM bifrost.status_current', 0);
agrees('daily hedges', tid('daily-hedges'), 'SELECT daily_hedge_count FROM bifrost.status_current', 0);
cmp_ok(abs(number_of(page_text(tid('hedge-position')))), '>', 0, 'the hedge position is not zero (a hedge filled)');
agrees('bid', tid('bid'), 'SELECT bid FROM bifrost.status_current', 0.00005);

my $newest = $q->('SELECT id || \'|\' || type FROM bifrost.operations ORDER BY ts DESC, id DESC LIMIT 1');
my $shown = eventually(sub {
	my $row = $b->find(tid('op-row'));
	return '' unless $row;
	my $v = $b->attribute($row, 'data-id') . '|' . $b->attribute($row, 'data-type');
	return $v eq $newest ? $v : '';
});
is($shown, $newest, "the first row of the operations table is the newest operation ($newest)");
my $op_rows = scalar $b->find_all(tid('op-row'));
is($op_rows, $q->('SELECT least(count(*), 50) FROM bifrost.operations'), "every operation is a row ($op_rows)");

my ($lamp_page, $lamp_db) = ('', '');
$ok = eventually(sub {
	$lamp_page = attr_of(tid('lamp-status'), 'data-lamp') // '';
	$lamp_db   = $q->(q{SELECT bifrost_status() ->> 'status_lamp'});
	return $lamp_page eq $lamp_db && $lamp_page ne 'unknown';
});
ok($ok, "the hedging lamp is the database's ($lamp_page, bifrost_status() says $lamp_db)");
like(page_text(tid('lamp-status-word')), qr/\($lamp_db\)/, 'and its colour is also written out');
$ok = eventually(sub {
	my $p = attr_of(tid('lamp-daemon'), 'data-lamp') // '';
	return $p eq $q->(q{SELECT bifrost_status() ->> 'daemon_lamp'}) && $p ne 'unknown';
});
ok($ok, "the daemon lamp is the database's");
like(page_text(tid('heartbeat-age')), qr/^\d+ s ago$/, 'the heartbeat age shows in seconds');
like(page_text(tid('broker')), qr/^paper: connected$/, 'the paper broker is connected');
like(page_text(tid('feed')), qr/^replay/, 'the feed is the replay feed');

for my $action (qw(stop suspend resume flatten retry_broker resume_trading))
{
	my $button = tid("control-$action");
	ok(!$b->enabled($button), "reader: $action is disabled");
	like($b->attribute($button, 'title') // '', qr/not a member of bifrost_operator/, "... and its tooltip says why");
}
like(page_text(tid('controls-note')), qr/Read-only/, 'reader: the controls say read-only');
unlike($b->execute($page_text_js), qr/\Q$pw{reader_r}\E|\Q$pw{nobody_n}\E/, 'no password anywhere on the page');
is($b->execute('return document.cookie;'), '', 'the session cookie is out of the script\'s reach (HttpOnly)');
shot('1-reader');

# ==== 2. the operator's controls ===========================================================================
ok(logout(), 'step 2: logged out, the login form again');
ok(!$b->displayed($b->find(tid('app-view'))), 'the status is gone with the session');
login('oper_o');
ok($b->wait_visible(tid('app-view')), 'oper_o: the status page appears');
is(page_text(tid('session-role')), 'oper_o', 'as oper_o');
$ok = eventually(sub { $b->enabled(tid('control-suspend')) });
ok($ok, 'operator: the controls are enabled');

my $since = server_now($node);
$b->click(tid('control-suspend'));
my $result = eventually(sub { my $r = page_text(tid('control-result')); $r =~ /^Suspend: (?!sending)/ ? $r : '' });
like($result, qr/^Suspend: delivered to the hedger/, "suspend: the page shows the result ($result)");
is(control_since('suspend', $since), 'oper_o', 'a daemon_control row "suspend" requested by oper_o');
$ok = eventually(sub {
	(attr_of(tid('lamp-status'), 'data-lamp') // '') eq 'yellow'
	  && $b->find(tid('status-reasons') . ' [data-reason="trading_suspended"]');
}, 10);
ok($ok, 'the page soon shows trading suspended: a yellow lamp with reason trading_suspended');
is($q->(q{SELECT bifrost_status() -> 'trading_suspended'}), 'true', 'as bifrost_status() does');
shot('2-suspended');

$since = server_now($node);
$b->click(tid('control-resume'));
$result = eventually(sub { my $r = page_text(tid('control-result')); $r =~ /^Resume: (?!sending)/ ? $r : '' });
like($result, qr/^Resume: delivered/, "resume: the page shows the result ($result)");
is(control_since('resume', $since), 'oper_o', 'a daemon_control row "resume" requested by oper_o');
($ok) = wait_state($node, 'RUNNING', 10);
ok($ok, 'the hedger runs again');
$ok = eventually(sub { !$b->find(tid('status-reasons') . ' [data-reason="trading_suspended"]') }, 10);
ok($ok, 'the page no longer shows trading_suspended');
# one more hedge so the picture holds a fresh one
$t = insert_ticks($node, $t, 2, 103, 103);
wait_cursor($node, 30);
$ok = eventually(sub {
	my $row = $b->find(tid('op-row'));
	$row && $b->attribute($row, 'data-id') eq $q->('SELECT max(id) FROM bifrost.operations');
}, 10);
ok($ok, 'the operations table follows the new hedge by itself');
$b->execute('window.scrollTo(0, 0);');
my $operator_shot = shot('2-operator');

# flatten: the confirmation, cancelled, then confirmed
$since = server_now($node);
$b->click(tid('control-flatten'));
ok($b->wait_visible(tid('confirm-dialog'), 5), 'flatten asks for a confirmation in the page');
like(page_text(tid('confirm-text')), qr/zero/, 'which says what flatten does');
shot('2-flatten-confirm');
$b->click(tid('confirm-cancel'));
$ok = eventually(sub { !$b->displayed($b->find(tid('confirm-dialog'))) }, 5);
ok($ok, 'cancel closes the confirmation');
ok(observe_never($node, 'postgres',
		qq{SELECT count(*) > 0 FROM bifrost.daemon_control WHERE command = 'flatten' AND created_at >= '$since'}, 1.5),
	'cancelled: no daemon_control row');
$b->click(tid('control-flatten'));
ok($b->wait_visible(tid('confirm-ok'), 5), 'flatten again: the confirmation');
$b->click(tid('confirm-ok'));
$result = eventually(sub { my $r = page_text(tid('control-result')); $r =~ /^Flatten: (?!sending)/ ? $r : '' });
like($result, qr/^Flatten: delivered/, "confirmed: the page shows the result ($result)");
is(control_since('flatten', $since), 'oper_o', 'a daemon_control row "flatten" requested by oper_o');
$t = insert_ticks($node, $t, 2, 103, 103, 103);
wait_cursor($node, 30);
($ok) = wait_until($node, 'postgres', q{SELECT result LIKE 'flattened:%' FROM bifrost.daemon_control
	WHERE command = 'flatten' ORDER BY id DESC LIMIT 1}, 15);
ok($ok, 'the hedger flattened');
$ok = eventually(sub { number_of(page_text(tid('hedge-position'))) eq '0' }, 10);
ok($ok, 'the page shows the hedge position at zero');
shot('2-flattened');

# ==== 3. chart, history, self-check, backtests ==============================================================
my $has_series = $q->(q{SELECT to_regproc('public.bifrost_status_series') IS NOT NULL});
if ($has_series eq 't')
{
	$ok = eventually(sub { ($b->attribute(tid('chart-path-net_delta'), 'data-points') // 0) >= 1 }, 20);
	ok($ok, 'step 3: the chart draws net delta from /status-series');
	ok($b->find(tid('chart-path-hedge_position')) && $b->find(tid('chart-path-daily_pnl')),
		'and the position and the P&L');
	like($b->attribute(tid('chart-path-net_delta'), 'd') // '', qr/^M[\d.]+,[\d.]+/, 'as an SVG path');
}
else
{
	my $said = eventually(sub { page_text(tid('chart') . ' ' . tid('not-available')) }, 20);
	like($said, qr/not available/, "step 3: without bifrost_status_series the chart says so ($said)");
}
my $zone = eventually(sub {
	my $v = $b->execute(q{
		const s = document.querySelector('[data-testid="history-summary"]');
		if (!s) return '';
		const dt = [...s.querySelectorAll('dt')].find((d) => d.textContent === 'Time zone');
		return dt ? dt.nextElementSibling.textContent : '';});
	return $v && $v ne '–' ? $v : '';
}, 15);
ok($zone, "the history section renders (time zone $zone)");
# the history polls once a minute: choosing another window asks at once
$b->execute(q{const s = document.querySelector('[data-testid="history-days"]');
	s.value = '90'; s.dispatchEvent(new Event('change'));});
my ($fills_page, $fills_db) = ('', '');
$ok = eventually(sub {
	$fills_page = $b->execute(q{
		const s = document.querySelector('[data-testid="history-summary"]');
		const dt = s && [...s.querySelectorAll('dt')].find((d) => d.textContent === 'Fills');
		const w = s && [...s.querySelectorAll('dt')].find((d) => d.textContent === 'Window');
		return dt && w ? w.nextElementSibling.textContent + '|' + dt.nextElementSibling.textContent : '';});
	$fills_db = $q->(qq{SELECT (h #>> '{window,from}') || ' to ' || (h #>> '{window,to}') || '|' || (h #>> '{summary,fills}')
	                      FROM bifrost_history_stats(90, '$zone') h});
	return $fills_page eq $fills_db;
}, 10);
ok($ok, "the history's window and fills are bifrost_history_stats()'s ($fills_page; the database: $fills_db)");

$ok = eventually(sub { scalar($b->find_all(tid('check-row'))) > 0 }, 15);
ok($ok, 'the self-check table renders');
my @checks = $b->find_all(tid('check-row'));
is(scalar @checks, $q->('SELECT count(*) FROM bifrost_self_check()'), 'one row a check');
my @ok_flags = map { $b->attribute($_, 'data-ok') } @checks;
my $first_ok = 0;
my $sorted   = 1;
for my $f (@ok_flags)
{
	$first_ok = 1 if $f eq 'true';
	$sorted = 0 if $first_ok && $f eq 'false';
}
ok($sorted, 'failing checks first (' . (grep { $_ eq 'false' } @ok_flags) . ' failing)');

$ok = eventually(sub { $b->find(qq{[data-testid="bt-row"][data-run="$run"]}) }, 15);
ok($ok, "the backtests section lists run $run");
$b->click($b->find(qq{[data-testid="bt-show"][data-run="$run"]}));
$ok = eventually(sub {
	my $path = $b->find(tid('bt-equity') . ' svg path');
	$path && ($b->attribute($path, 'd') // '') =~ /^M[^L]*L/ ? 1 : 0;
}, 15);
ok($ok, "its equity curve is drawn (" . $q->("SELECT count(*) FROM bifrost.backtest_equity WHERE backtest_run_id = $run")
	  . " samples)");

# a narrow window still lays out (no horizontal scrolling of the page itself)
$b->set_window(420, 900);
$ok = eventually(sub { $b->execute('return document.documentElement.scrollWidth <= window.innerWidth + 1;') }, 5);
ok($ok, 'a narrow window: the page fits its width');
shot('3-narrow');
$b->set_window(1280, 900);

ok(logout(), 'logged out at the end');
unlike($b->execute($page_text_js), qr/\Q$pw{oper_o}\E|\Q$pw{reader_r}\E/, 'no password anywhere on the page');
unlike(slurp_file($app_log), qr/\Q$pw{oper_o}\E|\Q$pw{reader_r}\E|\Q$pw{nobody_n}\E/,
	'no password in bifrost-status\'s log');
note("operator screenshot: $operator_shot");

$browser->quit;
$browser = undef;
$node->stop;
done_testing();
