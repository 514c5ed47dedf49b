# StatusApp.pm: the status application (bifrost-status) in TAP tests: roles that log in with a
# password, the program started on a free loopback port against a test node, plain HTTP requests.
package StatusApp;

use strict;
use warnings;

use Exporter 'import';
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use POSIX ':sys_wait_h';
use Time::HiRes qw(time sleep);

our @EXPORT = qw(password_roles start_status_app stop_status_app app_request app_json app_login free_tcp_port);

# Roles that log in with a password over the node's socket (scram-sha-256), each with its grants:
# password_roles($node, reader_r => ['pw', 'bifrost_reader'], ...).  The test's own superuser keeps trust.
sub password_roles
{
	my ($node, %roles) = @_;
	my @sql;
	for my $r (sort keys %roles)
	{
		my ($password, @grants) = @{ $roles{$r} };
		push @sql, "CREATE ROLE $r LOGIN PASSWORD '$password'";
		push @sql, "GRANT $_ TO $r" for @grants;
	}
	$node->safe_psql('postgres', join(";\n", @sql) . ";\n");
	my $hba = $node->data_dir . '/pg_hba.conf';
	open my $in, '<', $hba or die "$hba: $!";
	my $old = do { local $/; <$in> };
	close $in;
	open my $out, '>', $hba or die "$hba: $!";
	print $out "local all " . join(',', sort keys %roles) . " scram-sha-256\n";
	print $out "host all " . join(',', sort keys %roles) . " 127.0.0.1/32 scram-sha-256\n";
	print $out $old;
	close $out;
	$node->reload;
	return;
}

sub free_tcp_port
{
	for (1 .. 50)
	{
		my $port = 20000 + int(rand(30000));
		my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => $port, Proto => 'tcp', ReuseAddr => 1);
		next unless $s;
		close $s;
		return $port;
	}
	die "no free TCP port";
}

# Starts bifrost-status for $node with settings (key => value) on top of the test's; returns
# { port, pid, log, url, conf }.  Dies unless it answers within 15 s.
sub start_status_app
{
	my ($node, %settings) = @_;
	my $bindir = $node->config_data('--bindir');
	my $binary = "$bindir/bifrost-status";
	die "no $binary: make install builds it" unless -x $binary;
	my $port = $settings{port} // free_tcp_port();
	my %all  = (
		port    => $port,
		db_host => $node->host,
		db_port => $node->port,
		db_name => 'postgres',
		%settings);
	my $name = 'status-app-' . $port;
	my $conf = $node->basedir . "/$name.conf";
	my $log  = $node->basedir . "/$name.log";
	open my $c, '>', $conf or die "$conf: $!";
	print $c "$_ = \"$all{$_}\"\n" for sort keys %all;
	close $c;
	my $pid = fork // die "fork: $!";
	if ($pid == 0)
	{
		open STDOUT, '>>', $log or die;
		open STDERR, '>>', $log or die;
		exec $binary, '-c', $conf or die "exec: $!";
	}
	my $app = { port => $port, pid => $pid, log => $log, conf => $conf, url => "http://127.0.0.1:$port" };
	my $deadline = time + 15;
	while (time < $deadline)
	{
		return $app if IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $port, Proto => 'tcp');
		last if waitpid($pid, WNOHANG) == $pid;
		sleep 0.1;
	}
	my $text = do { local (@ARGV, $/) = ($log); <> } // '';
	die "bifrost-status did not start: $text";
}

sub stop_status_app
{
	my ($app) = @_;
	return unless $app && $app->{pid};
	kill 'TERM', $app->{pid};
	my $deadline = time + 10;
	while (time < $deadline)
	{
		return 1 if waitpid($app->{pid}, WNOHANG) == $app->{pid};
		sleep 0.05;
	}
	kill 'KILL', $app->{pid};
	waitpid($app->{pid}, 0);
	return 0;
}

# app_request($app, METHOD, PATH, {headers}, $body) -> HTTP::Tiny's response hash.
sub app_request
{
	my ($app, $method, $path, $headers, $body) = @_;
	my $http = HTTP::Tiny->new(timeout => 20, max_redirect => 0);
	return $http->request($method, $app->{url} . $path,
		{ headers => $headers // {}, defined $body ? (content => $body) : () });
}

# The decoded JSON of a response's body (undef when it is none).
sub app_json
{
	my ($res) = @_;
	return eval { JSON::PP->new->decode($res->{content}) };
}

# Logs in; returns (cookie header value, csrf token, response).
sub app_login
{
	my ($app, $role, $password) = @_;
	my $res = app_request($app, 'POST', '/login', { 'Content-Type' => 'application/json' },
		JSON::PP->new->encode({ role => $role, password => $password }));
	my $cookie = $res->{headers}{'set-cookie'} // '';
	$cookie =~ s/;.*//s;
	my $json = app_json($res) // {};
	return ($cookie, $json->{csrf}, $res);
}

1;
