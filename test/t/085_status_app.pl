# The status application over HTTP (bifrost-status; README, The status application): who may see and
# do what (sessions and Basic credentials of PostgreSQL roles, the database's grants deciding), every
# JSON endpoint against the SQL function it calls, parameter validation (400 naming the parameter),
# controls with the CSRF token and their audit row, /healthz following the lamps, and abuse: huge
# headers and bodies, malformed query strings, slow clients and hundreds of idle connections while
# others are served; no password in the log; a non-loopback address without TLS refused.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use BifrostTAP;
use StatusApp;

my $node = hedging_node('status_app', legs => [ [ 'C', 100, '2026-12-18 16:00 America/New_York', 10 ] ]);
my $q = sub { $node->safe_psql('postgres', shift) };

password_roles($node,
	basic_b  => [ 'basic-pw-1q', 'bifrost_reader' ],
	reader_r => [ 'reader-pw-7x', 'bifrost_reader' ],
	oper_o   => [ 'oper-pw-9y',   'bifrost_operator' ],
	nobody_n => [ 'nobody-pw-3z' ]);
my $app = start_status_app($node, request_timeout_s => 3, max_connections => 2000, threads => 4,
	max_connections_per_ip => 0, credential_recheck_s => 2);
my %basic = (
	reader => { Authorization => 'Basic ' . encode_base64('reader_r:reader-pw-7x', '') },
	oper   => { Authorization => 'Basic ' . encode_base64('oper_o:oper-pw-9y', '') },
	nobody => { Authorization => 'Basic ' . encode_base64('nobody_n:nobody-pw-3z', '') },
	wrong  => { Authorization => 'Basic ' . encode_base64('reader_r:not-the-password', '') });
my $get = sub { my ($path, $who) = @_; app_request($app, 'GET', $path, $who ? $basic{$who} : {}) };

# ---- who may see ----
my $r = $get->('/status');
is($r->{status}, 401, 'no credentials: 401');
like($r->{headers}{'www-authenticate'} // '', qr/^Basic realm="bifrost"/, 'with a Basic challenge');
$r = app_request($app, 'GET', '/status', { 'X-Requested-With' => 'bifrost-page' });
is($r->{status}, 401, "the page's own request: 401");
ok(!defined $r->{headers}{'www-authenticate'}, 'without a challenge (no browser prompt)');
is($get->('/status', 'wrong')->{status},  401, 'a wrong password: 401');
my $superuser = $q->('SELECT current_user');
is(app_request($app, 'GET', '/status', { Authorization => 'Basic ' . encode_base64("$superuser:anything", '') })->{status},
	401, 'a role that pg_hba lets in on trust: 401 (a login that checked no password proves nothing)');
is(app_request($app, 'GET', '/status', { Authorization => 'Basic ' . encode_base64('reader_r:', '') })->{status},
	401, 'an empty password: 401');
is(app_request($app, 'GET', '/status', { Authorization => 'Basic ' . encode_base64(('r' x 64) . ':x', '') })->{status},
	401, 'a role name longer than PostgreSQL keeps: 401');
is($get->('/status', 'nobody')->{status}, 403, 'a role with neither right: 403');
$r = $get->('/status', 'reader');
is($r->{status}, 200, 'bifrost_reader: 200');
like($r->{headers}{'content-type'}, qr{^application/json}, 'JSON');
is($r->{headers}{'x-frame-options'}, 'DENY', 'not framable');
like($r->{headers}{'content-security-policy'}, qr/default-src 'self'/, 'a content security policy');
my $status = app_json($r);
is($status->{daemon_lamp}, $q->("SELECT bifrost_status()->>'daemon_lamp'"), '/status is bifrost_status()');

# ---- the endpoints and their parameters ----
$q->("INSERT INTO bifrost.operations (ts, type, side, quantity, price, state_reason)
      SELECT now() - g * interval '1 minute', 'hedge_intent', 'BUY', g, 100, 'test'
        FROM generate_series(1, 12) g");
$r = $get->('/operations?limit=5', 'reader');
is($r->{status}, 200, '/operations?limit=5: 200');
my $ops = app_json($r);
is(scalar @$ops, 5, 'five rows');
is($ops->[0]{id}, $q->("SELECT id FROM bifrost.operations ORDER BY ts DESC, id DESC LIMIT 1"), 'newest first');
is(scalar @{ app_json($get->('/operations?type=hedge_intent&limit=1000', 'reader')) },
	$q->("SELECT count(*) FROM bifrost.operations WHERE type = 'hedge_intent'"), 'every intent with type and limit');
is(scalar @{ app_json($get->('/operations?since=&until=&type=&limit=', 'reader')) },
	$q->("SELECT least(count(*), 100) FROM bifrost.operations"), 'empty parameters are the defaults');

my @bad = (
	[ '/operations?limit=abc',            'limit', 'not a whole number' ],
	[ '/operations?limit=5000',           'limit', 'lim' ],
	[ '/operations?limit=0',              'limit', 'lim' ],
	[ '/operations?since=yesterdayx',     'since', 'yesterdayx' ],
	[ '/operations?until=2026-13-45',     'until', '2026-13-45' ],
	[ '/operations?type=bogus',           'type',  'bogus' ],
	[ '/operations?limit=1&limit=2',      'limit', 'more than once' ],
	[ '/operations?color=red',            'color', 'not a parameter' ],
	[ '/operations?since=' . ('9' x 100), 'since', 'longer than 64' ],
	[ '/history?days=-3',                 'days',  '' ],
	[ '/history?tz=Mars/Olympus',         'tz',    'Mars/Olympus' ],
	[ '/history?days=1e3',                'days',  'not a whole number' ],
	[ '/status?x=1',                      'x',     'not a parameter' ]);
for my $b (@bad)
{
	my ($path, $param, $words) = @$b;
	$r = $get->($path, 'reader');
	my $err = app_json($r) // {};
	is($r->{status}, 400, "$path: 400");
	is($err->{parameter}, $param, "$path: names $param");
	like($err->{error} // '', qr/\Q$words\E/, "$path: says why") if $words ne '';
}
$r = $get->('/operations?%zz=1&limit=%41', 'reader');
ok($r->{status} == 400 || $r->{status} == 200, 'a malformed query string: an answer, no crash');
$r = $get->('/history?days=3&tz=UTC', 'reader');
is($r->{status}, 200, '/history: 200');
is_deeply([ sort keys %{ app_json($r) } ], [ sort keys %{ decode_json($q->("SELECT bifrost_history_stats(3, 'UTC')")) } ],
	'/history is bifrost_history_stats()');
$r = $get->('/self-check', 'reader');
is($r->{status}, 200, '/self-check: 200');
is(scalar @{ app_json($r) }, $q->("SELECT count(*) FROM bifrost_self_check()"), 'every check');
is($get->('/nowhere', 'reader')->{status}, 404, 'an unknown URL: 404');
is(app_request($app, 'DELETE', '/status', $basic{reader})->{status}, 405, 'a wrong method: 405');

# ---- /healthz follows the lamps ----
my $healthy = $q->("SELECT (s->>'daemon_lamp') <> 'red' AND (s->>'status_lamp') <> 'red' FROM bifrost_status() s");
$r = $get->('/healthz', 'reader');
is($r->{status}, $healthy eq 't' ? 200 : 503, "/healthz with the lamps as they are ($healthy)");
is(app_json($r)->{daemon_lamp}, $q->("SELECT bifrost_status()->>'daemon_lamp'"), '/healthz shows the daemon lamp');

# ---- sessions and controls ----
$r = app_request($app, 'POST', '/login', { 'Content-Type' => 'text/plain' }, '{"role":"oper_o","password":"oper-pw-9y"}');
is($r->{status}, 400, 'a login that is not JSON: 400');
$r = app_request($app, 'POST', '/login',
	{ 'Content-Type' => 'application/json', Origin => 'http://evil.example' }, '{"role":"oper_o","password":"oper-pw-9y"}');
is($r->{status}, 400, 'a login from another origin: 400');
my (undef, undef, $bad_login) = app_login($app, 'oper_o', 'nope');
is($bad_login->{status}, 401, 'a login with a wrong password: 401');
my (undef, undef, $nobody_login) = app_login($app, 'nobody_n', 'nobody-pw-3z');
is($nobody_login->{status}, 403, 'a login of a role with neither right: 403');
my (undef, undef, $trust_login) = app_login($app, $superuser, 'anything');
is($trust_login->{status}, 401, 'a login as a role that pg_hba trusts: 401');
my ($rcookie, $rcsrf) = app_login($app, 'reader_r', 'reader-pw-7x');
my ($ocookie, $ocsrf, $ologin) = app_login($app, 'oper_o', 'oper-pw-9y');
is($ologin->{status}, 200, 'the operator logs in');
like($ologin->{headers}{'set-cookie'}, qr/HttpOnly/, 'the cookie is HttpOnly');
like($ologin->{headers}{'set-cookie'}, qr/SameSite=Strict/, 'and SameSite=Strict');
ok(length($ocsrf // '') == 64, 'a CSRF token');

my $before = $q->("SELECT count(*) FROM bifrost.daemon_control");
$r = app_request($app, 'POST', '/control/suspend', { Cookie => $rcookie, 'X-CSRF-Token' => $rcsrf });
is($r->{status}, 403, 'a reader cannot control: 403');
$r = app_request($app, 'POST', '/control/suspend', { Cookie => $ocookie });
is($r->{status}, 403, 'no CSRF token: 403');
$r = app_request($app, 'POST', '/control/suspend', { Cookie => $ocookie, 'X-CSRF-Token' => $rcsrf });
is($r->{status}, 403, "another session's CSRF token: 403");
$r = app_request($app, 'POST', '/control/suspend', $basic{oper});
is($r->{status}, 401, 'controls need a session, not Basic credentials');
$r = app_request($app, 'POST', '/control/reboot', { Cookie => $ocookie, 'X-CSRF-Token' => $ocsrf });
is($r->{status}, 404, 'an unknown control: 404');
is($q->("SELECT count(*) FROM bifrost.daemon_control"), $before, 'no command recorded by any of those');
$r = app_request($app, 'POST', '/control/suspend', { Cookie => $ocookie, 'X-CSRF-Token' => $ocsrf });
is($r->{status}, 200, 'the operator suspends');
is(app_json($r)->{action}, 'suspend', 'the answer names the action');
is($q->("SELECT command || ' by ' || requested_by FROM bifrost.daemon_control ORDER BY id DESC LIMIT 1"),
	'suspend by oper_o', 'audited as the person who asked');
my ($susp) = wait_until($node, 'postgres', "SELECT bifrost_status()->>'trading_suspended'", 30, 'true');
ok($susp, 'the hedger is suspended');
$r = app_request($app, 'POST', '/control/resume', { Cookie => $ocookie, 'X-CSRF-Token' => $ocsrf });
is($r->{status}, 200, 'and resumes');
is(app_json(app_request($app, 'GET', '/session', { Cookie => $ocookie }))->{can_control}, JSON::PP::true,
	'/session: the operator can control');

# rights are the database's now, not the login's
$q->('REVOKE bifrost_operator FROM oper_o; GRANT bifrost_reader TO oper_o');
is(app_json(app_request($app, 'GET', '/session', { Cookie => $ocookie }))->{can_control}, JSON::PP::false,
	'/session after REVOKE: no control');
is(app_request($app, 'POST', '/control/suspend', { Cookie => $ocookie, 'X-CSRF-Token' => $ocsrf })->{status}, 403,
	'and the control is refused');
$q->('GRANT bifrost_operator TO oper_o; REVOKE bifrost_reader FROM oper_o');

# a role cannot hold every session
my @extra;
for (1 .. 8)
{
	my (undef, undef, $res) = app_login($app, 'reader_r', 'reader-pw-7x');
	push @extra, $res;
}
is(scalar(grep { $_->{status} == 200 } @extra), 7, 'seven more sessions of the reader');
is($extra[-1]{status}, 503, 'the ninth: 503');
like(app_json($extra[-1])->{error} // '', qr/has 8 sessions open already/, 'saying why');

# Basic credentials are proved again: a changed password stops them within credential_recheck_s (2 s)
is($get->('/self-check', 'reader')->{status}, 200, 'Basic credentials work');
$q->("ALTER ROLE reader_r PASSWORD 'reader-pw-new'");
sleep 3;
is($get->('/self-check', 'reader')->{status}, 401, 'after the password changed: 401');
$q->("ALTER ROLE reader_r PASSWORD 'reader-pw-7x'");

# a credential nobody uses gives its connections back once its re-check falls due
my $bb = { Authorization => 'Basic ' . encode_base64('basic_b:basic-pw-1q', '') };
is(app_request($app, 'GET', '/self-check', $bb)->{status}, 200, 'a Basic credential opens a connection');
my $held_before = $q->("SELECT count(*) FROM pg_stat_activity WHERE usename = 'basic_b'");
sleep 4;
is($held_before . ' then ' . $q->("SELECT count(*) FROM pg_stat_activity WHERE usename = 'basic_b'"), '1 then 0',
	'unused past credential_recheck_s, its connection is closed');

# the server's idle_session_timeout does not close the application's idle connections
$q->("ALTER SYSTEM SET idle_session_timeout = '1s'");
$q->('SELECT pg_reload_conf()');
is($get->('/status', 'oper')->{status}, 200, 'a request with idle_session_timeout = 1s');
sleep 2;
is($get->('/self-check', 'oper')->{status}, 200, 'and one after two idle seconds');
$q->('ALTER SYSTEM RESET idle_session_timeout');
$q->('SELECT pg_reload_conf()');

# a session whose role loses its rights ends; after the GRANT a new login works
my ($scookie) = app_login($app, 'basic_b', 'basic-pw-1q');
$q->('REVOKE bifrost_reader FROM basic_b');
is(app_request($app, 'GET', '/session', { Cookie => $scookie })->{status}, 403, 'rights revoked: 403');
$q->('GRANT bifrost_reader TO basic_b');
is(app_request($app, 'GET', '/session', { Cookie => $scookie })->{status}, 401, 'the session has ended');
my (undef, undef, $again) = app_login($app, 'basic_b', 'basic-pw-1q');
is($again->{status}, 200, 'a new login after the GRANT');

$r = $get->('/operations?type=%C3%28', 'reader');
is($r->{status}, 400, 'a parameter that is not UTF-8: 400');
is(app_json($r)->{parameter}, 'type', 'naming it');

$r = app_request($app, 'POST', '/logout', { Cookie => $ocookie, 'X-CSRF-Token' => $ocsrf });
is($r->{status}, 200, 'logout');
is(app_request($app, 'GET', '/status', { Cookie => $ocookie })->{status}, 401, 'the session is over');

# ---- a failure of the server's own: a plain 500, the details in the log only ----
$q->('ALTER FUNCTION bifrost_status_series(timestamptz, timestamptz, integer) RENAME TO bifrost_status_series_away');
$r = $get->('/status-series', 'reader');
is($r->{status}, 500, 'a function gone: 500');
unlike($r->{content}, qr/bifrost_status_series|does not exist|timestamp/, 'the body names no function or SQL');
$q->('ALTER FUNCTION bifrost_status_series_away(timestamptz, timestamptz, integer) RENAME TO bifrost_status_series');
like(slurp_file($app->{log}), qr/42883 function public\.bifrost_status_series/, 'the log has the details');

# ---- the database restarts: no 500, and the application recovers at once ----
is($get->('/self-check', 'oper')->{status}, 200, 'Basic connections are open');
$node->restart;
my @after = map { $get->('/self-check', 'oper')->{status} } 1 .. 4;
is("@after", '200 200 200 200', 'after a restart every request is served: the dead pooled connections are found before use');
is($get->('/status', 'reader')->{status}, 200, "another role's pool too");

# ---- abuse: the server keeps serving ----
$r = app_request($app, 'GET', '/status', { %{ $basic{reader} }, 'X-Big' => 'x' x 100_000 });
ok($r->{status} >= 400 && $r->{status} < 600, "a 100 KB header: refused ($r->{status})");
$r = app_request($app, 'POST', '/login', { 'Content-Type' => 'application/json' }, 'x' x 200_000);
ok($r->{status} == 413 || $r->{status} >= 400, "a 200 KB body: refused ($r->{status})");
my @slow;
for (1 .. 5)
{
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $app->{port}, Proto => 'tcp');
	print $s "GET /status HTTP/1.1\r\nHost: x\r\n" if $s;    # never finished
	push @slow, $s if $s;
}
my @idle;
for (1 .. 600)
{
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $app->{port}, Proto => 'tcp') or last;
	push @idle, $s;
}
cmp_ok(scalar @idle, '>=', 500, 'hundreds of idle connections open');
my $t0 = time;
$r = $get->('/status', 'reader');
is($r->{status}, 200, 'a request among them is served');
cmp_ok(time - $t0, '<', 2, 'at once');
close $_ for @idle;
sleep 4;    # request_timeout_s = 3
my $closed = 0;
for my $s (@slow)
{
	my $n = sysread($s, my $buf, 100);
	$closed++ if defined $n && $n == 0 || !defined $n || ($buf // '') =~ /^HTTP/;
}
is($closed, scalar @slow, 'slow clients are closed after the request timeout');
is($get->('/status', 'reader')->{status}, 200, 'still serving');
ok(kill(0, $app->{pid}), 'the application is alive');

# ---- what the log holds ----
my $log = slurp_file($app->{log});
unlike($log, qr/reader-pw-7x|oper-pw-9y|nobody-pw-3z|not-the-password|reader-pw-new/, 'no password in the log');
unlike($log, qr/^bifrost-status: role "boss"/m, 'a role name cannot forge a log line');
unlike($log, qr/\Q$ocsrf\E/, 'no token in the log');
like($log, qr/role "oper_o" logged in/, 'logins are logged by role');

# ---- guessing passwords: 429 after ten failures a minute from one network ----
my $session_before = app_request($app, 'GET', '/status', { Cookie => $rcookie })->{status};
is($get->('/status', 'reader')->{status}, 200, 'the reader proves its Basic credentials');
for my $i (1 .. 10)
{
	my (undef, undef, $f) = app_login($app, 'reader_r', "guess-$i");
	last if $f->{status} != 401;
}
my (undef, undef, $limited) = app_login($app, 'reader_r', 'reader-pw-7x');
is($limited->{status}, 429, 'the eleventh login from the address: 429, the right password too');
like($limited->{headers}{'retry-after'} // '', qr/^\d+$/, 'with Retry-After');
is($get->('/status', 'reader')->{status}, 200, 'Basic credentials proved a moment ago go on (monitoring is not locked out)');
my @scrapes;
for (1 .. 4)
{
	sleep 1;
	push @scrapes, $get->('/status', 'reader')->{status};
}
is("@scrapes", '200 200 200 200', 'and past their re-check (2 s), proved again despite the lockout');
is($get->('/status', 'oper')->{status}, 429, 'credentials not proved lately from the address: 429');
my $other = HTTP::Tiny->new(local_address => '127.0.0.2', timeout => 10)->request('GET', "$app->{url}/status",
	{ headers => $basic{oper} });
is($other->{status}, 429, 'another loopback address is the same network: 429');
is(app_request($app, 'GET', '/status', { Cookie => $rcookie })->{status}, $session_before,
	'a session already open goes on');
my (undef, undef, $forged) = app_login($app, "x\nbifrost-status: role \"boss\" logged in", 'pw');

# ---- the rules of the settings ----
my $bin = $node->config_data('--bindir') . '/bifrost-status';
my $conf = $node->basedir . '/open.conf';
open my $c, '>', $conf or die;
print $c "listen_address = 0.0.0.0\nport = " . free_tcp_port() . "\n";
close $c;
my $out = `$bin -c $conf 2>&1`;
isnt($? >> 8, 0, 'a non-loopback address without TLS: refused');
like($out, qr/not a loopback address: it needs tls_cert_file and tls_key_file/, 'saying why');

my $example = "$FindBin::RealBin/../../contrib/bifrost-status.conf";
$out = `$bin -c $example --check 2>&1`;
is($? >> 8, 0, 'the example settings file of contrib/ is good') or diag($out);

# ---- connections per network: a host's many addresses count as one ----
my $few = start_status_app($node, max_connections_per_ip => 20, request_timeout_s => 5);
my @held;
for my $i (1 .. 40)
{
	my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $few->{port}, Proto => 'tcp',
		LocalAddr => '127.0.0.' . (1 + $i % 4)) or next;
	push @held, $s;
}
sleep 1;
my $open = 0;
for my $s (@held)
{
	# a refused connection was closed at once: reading it gives the end of the stream
	my $rin = '';
	vec($rin, fileno($s), 1) = 1;
	my $ready = select(my $rout = $rin, undef, undef, 0);
	$open++ unless $ready && !sysread($s, my $buf, 1);
}
cmp_ok($open, '<=', 24, "40 sockets from four loopback addresses: at most 20 (and a thread's worth) stay open ($open)");
close $_ for @held;
sleep 0.5;
is(app_request($few, 'GET', '/healthz', $basic{reader})->{status} =~ /^(200|503)$/ ? 1 : 0, 1,
	'once they close, requests are served');
stop_status_app($few);

# ---- TLS: on every address, passwords encrypted ----
my $dir = $node->basedir;
system("openssl req -x509 -newkey rsa:2048 -nodes -keyout $dir/tls.key -out $dir/tls.crt -days 1 "
	  . "-subj /CN=127.0.0.1 >$dir/openssl.log 2>&1") == 0 or die "openssl req failed";
system("openssl genrsa -out $dir/other.key 2048 >>$dir/openssl.log 2>&1") == 0 or die "openssl genrsa failed";
open my $mc, '>', "$dir/mismatch.conf" or die;
print $mc "listen_address = 0.0.0.0\ntls_cert_file = $dir/tls.crt\ntls_key_file = $dir/other.key\n";
close $mc;
$out = `$bin -c $dir/mismatch.conf --check 2>&1`;
isnt($? >> 8, 0, 'TLS: a key that is not the certificate\'s is refused');
like($out, qr/is not the key of tls_cert_file/, 'saying so');
my $tls = start_status_app($node, listen_address => '0.0.0.0', tls_cert_file => "$dir/tls.crt",
	tls_key_file => "$dir/tls.key");
my $https = sub {
	my ($request) = @_;
	open my $fh, '>', "$dir/request.txt" or die;
	print $fh $request;
	close $fh;
	return scalar `openssl s_client -connect 127.0.0.1:$tls->{port} -quiet -ign_eof <$dir/request.txt 2>/dev/null`;
};
my $answer = $https->("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
like($answer, qr{^HTTP/1\.1 401}, 'TLS: served, credentials asked for');
like($answer, qr/Strict-Transport-Security: max-age=/i, 'TLS: HSTS');
my $cred = encode_base64('oper_o:oper-pw-9y', '');
$answer = $https->("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic $cred\r\nConnection: close\r\n\r\n");
like($answer, qr{^HTTP/1\.1 200}, 'TLS: an operator reads the status');
my $body = '{"role":"oper_o","password":"oper-pw-9y"}';
$answer = $https->("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
	  . "Content-Length: " . length($body) . "\r\nConnection: close\r\n\r\n$body");
like($answer, qr/Set-Cookie: bifrost_session=[0-9a-f]{64}; Path=\/; HttpOnly; SameSite=Strict; Secure/i,
	'TLS: the session cookie is Secure');
$answer = `printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n' | timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/$tls->{port}; cat >&3; timeout 3 cat <&3' 2>/dev/null`;
unlike($answer // '', qr{^HTTP/1\.1 [0-9]}, 'TLS: plain HTTP gets no answer');
ok(stop_status_app($tls), 'the TLS instance stops');

ok(stop_status_app($app), 'SIGTERM stops it');
$node->stop;
done_testing();
