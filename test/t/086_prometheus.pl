# The status application's /metrics with Debian's Prometheus (README, The status application: Metrics
# and alerts): the text passes `promtool check metrics`; the shipped alert rules pass `promtool check
# rules` and their unit tests (`promtool test rules`); a real Prometheus on 127.0.0.1 scrapes the
# application with Basic credentials, holds the hedger's figures as the database has them, and fires
# BifrostLossBreakerTripped when the daily P&L passes the loss limit.  The monitor role serves /metrics
# without credentials, and nothing else.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use HTTP::Tiny;
use JSON::PP;
use MIME::Base64;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time sleep);
use BifrostTAP;
use StatusApp;

for my $tool (qw(promtool prometheus))
{
	BAIL_OUT("$tool is not installed: Debian's prometheus package (bash scripts/test.sh installs it)")
	  unless system("command -v $tool >/dev/null 2>&1") == 0;
}

# the simulated feed: quotes flow, so the book's figures exist
my $node = hedging_node('prometheus', feed => 'sim',
	config => [ 'gates.strategy.trading_hours_only' => 'false', 'feed.sim.tick_ms' => '100' ],
	legs => [ [ 'C', 100, '2027-06-18 16:00 America/New_York', 10 ] ]);
wait_until($node, 'postgres', "SELECT net_delta IS NOT NULL FROM bifrost.status_current", 30);
my $q = sub { $node->safe_psql('postgres', shift) };
password_roles($node, reader_r => [ 'reader-pw-7x', 'bifrost_reader' ]);
$q->("CREATE ROLE mon_m LOGIN IN ROLE bifrost_reader");
{
	# the monitor role logs in without a password, as peer authentication would let it
	my $hba = $node->data_dir . '/pg_hba.conf';
	my $old = slurp_file($hba);
	open my $fh, '>', $hba or die;
	print $fh "local all mon_m trust\n$old";
	close $fh;
	$node->reload;
}
my $app  = start_status_app($node, monitor_role => 'mon_m');
my $auth = { Authorization => 'Basic ' . encode_base64('reader_r:reader-pw-7x', '') };
my $dir  = $node->basedir;
my $contrib = "$FindBin::RealBin/../../contrib/prometheus";

# ---- the text ----
my $r = app_request($app, 'GET', '/metrics', $auth);
is($r->{status}, 200, '/metrics: 200');
like($r->{headers}{'content-type'}, qr{^text/plain; version=0\.0\.4}, 'the text format 0.0.4');
my $text = $r->{content};
open my $fh, '>', "$dir/metrics.txt" or die;
print $fh $text;
close $fh;
my $lint = `promtool check metrics <$dir/metrics.txt 2>&1`;
is($? >> 8, 0, 'promtool check metrics: no problem') or diag($lint);
is($lint, '', 'and nothing to say');
like($text, qr/^bifrost_worker_up 1$/m, 'the worker is up');
my %have = map { /^# TYPE (\S+) (\S+)/ ? ($1 => $2) : () } split /\n/, $text;
for my $family (qw(bifrost_worker_up bifrost_heartbeat_age_seconds bifrost_daemon_state bifrost_trading_state
	bifrost_lamp bifrost_net_delta bifrost_hedge_position bifrost_daily_pnl bifrost_daily_hedges
	bifrost_orders_total bifrost_fills_total bifrost_quote_age_seconds bifrost_intent_to_fill_seconds
	bifrost_broker_errors_total bifrost_ingestion_runs_total bifrost_ingested_rows_total
	bifrost_loss_breaker_tripped bifrost_ledger_check_failing))
{
	ok(exists $have{$family}, "family $family");
}
is($have{bifrost_intent_to_fill_seconds}, 'histogram', 'intent-to-fill latency is a histogram');
is($have{bifrost_orders_total}, 'counter', 'orders are counted');
unlike($text, qr/client_order_id|order_id=/, 'no order ids as labels');
my ($state) = $text =~ /^bifrost_daemon_state\{state="([A-Z_]+)"\} 1$/m;
is($state, $q->("SELECT daemon_state FROM bifrost.status_current"), 'the daemon state as the status row has it');

# ---- the monitor role ----
is(app_request($app, 'GET', '/metrics')->{status}, 200, 'no credentials: /metrics through the monitor role');
is(app_request($app, 'GET', '/status')->{status},  401, 'but nothing else');

# ---- the alert rules ----
my $out = `promtool check rules $contrib/bifrost-alerts.yml 2>&1`;
is($? >> 8, 0, 'promtool check rules: the shipped rules') or diag($out);
$out = `cd $contrib && promtool test rules bifrost-alerts.test.yml 2>&1`;
is($? >> 8, 0, 'promtool test rules: each alert fires when it should') or diag($out);

# ---- a real Prometheus ----
my $port = free_tcp_port();
open my $cfg, '>', "$dir/prometheus.yml" or die;
print $cfg <<"EOF";
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $contrib/bifrost-alerts.yml
scrape_configs:
  - job_name: bifrost
    metrics_path: /metrics
    basic_auth:
      username: reader_r
      password: reader-pw-7x
    static_configs:
      - targets: ['127.0.0.1:$app->{port}']
EOF
close $cfg;
my $prom_pid = fork // die;
if ($prom_pid == 0)
{
	open STDOUT, '>', "$dir/prometheus.log" or die;
	open STDERR, '>&', \*STDOUT or die;
	exec 'prometheus', "--config.file=$dir/prometheus.yml", "--storage.tsdb.path=$dir/prometheus-data",
	  "--web.listen-address=127.0.0.1:$port", '--log.level=warn' or die;
}
END { kill 'KILL', $prom_pid if $prom_pid; }
my $http  = HTTP::Tiny->new(timeout => 5);
my $query = sub {
	my ($expr) = @_;
	my $res = $http->get("http://127.0.0.1:$port/api/v1/query?" . $http->www_form_urlencode({ query => $expr }));
	return undef unless $res->{success};
	my $d = eval { decode_json($res->{content}) } or return undef;
	return $d->{data}{result};
};
my $until = sub {
	my ($what, $secs, $test) = @_;
	my $deadline = time + $secs;
	while (time < $deadline)
	{
		my $v = $test->();
		return $v if $v;
		sleep 0.5;
	}
	return undef;
};
my $up = $until->('up', 60, sub { my $r = $query->('bifrost_worker_up'); $r && @$r && $r->[0]{value}[1] eq '1' });
ok($up, 'Prometheus scrapes bifrost_worker_up 1');
my $target = $query->('up{job="bifrost"}');
is($target && $target->[0]{value}[1], '1', 'the target is up');

# the loss breaker: the hedger stopped (so it cannot write the status again), the day's P&L past the limit
$q->("SELECT bifrost_stop()");
wait_state($node, 'STOPPED', 30);
my $limit = $q->("SELECT bifrost._config_number('gates.guard.risk.max_daily_loss_usd')");
$q->("UPDATE bifrost.status_current SET daily_pnl = -2 * $limit WHERE id = 1");
my $firing = $until->('alert', 60, sub {
	my $res = $http->get("http://127.0.0.1:$port/api/v1/alerts");
	return undef unless $res->{success};
	my $d = eval { decode_json($res->{content}) } or return undef;
	return (grep { $_->{labels}{alertname} eq 'BifrostLossBreakerTripped' && $_->{state} eq 'firing' }
		  @{ $d->{data}{alerts} }) ? 1 : undef;
});
ok($firing, 'BifrostLossBreakerTripped fires in Prometheus');
my $pending = $query->('ALERTS{alertname="BifrostDaemonLampRed"}');
ok($pending && @$pending, 'and the daemon lamp alert is on its way (pending for its minute)');

kill 'TERM', $prom_pid;
waitpid($prom_pid, 0);
$prom_pid = 0;
stop_status_app($app);
$node->stop;
done_testing();
