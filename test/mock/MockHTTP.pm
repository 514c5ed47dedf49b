# test/mock/MockHTTP.pm: the HTTP/1.1 the mock venues speak, one request per connection: read a
# request, write a JSON answer.  Shared by okx_mock.pl and ibkr_mock.pl; their routes are their own.
package MockHTTP;

use strict;
use warnings;
use IO::Select;
use Exporter 'import';

our @EXPORT_OK = qw(read_request send_response);

my %reason = (200 => 'OK', 400 => 'Bad Request', 401 => 'Unauthorized', 403 => 'Forbidden',
	404 => 'Not Found', 415 => 'Unsupported Media Type', 429 => 'Too Many Requests',
	500 => 'Internal Server Error', 503 => 'Service Unavailable');

# (method, target, body, {lower-case header => value}) of the request on $c; undef when the client
# sends nothing for 5 s, closes early, or sends a head over 1 MiB.
sub read_request {
	my ($c) = @_;
	my $sel = IO::Select->new($c);
	my $buf = '';
	while ($buf !~ /\r\n\r\n/) {
		return undef unless $sel->can_read(5);
		my $n = sysread($c, $buf, 65536, length $buf);
		return undef unless $n;
		return undef if length $buf > 1_048_576;
	}
	my ($head, $rest) = split /\r\n\r\n/, $buf, 2;
	my ($line, @hl) = split /\r\n/, $head;
	my ($method, $target) = split / /, $line;
	my %h = map { my ($k, $v) = split /:\s*/, $_, 2; (lc $k => $v // '') } @hl;
	my $len = $h{'content-length'} // 0;
	while (length($rest) < $len) {
		return undef unless $sel->can_read(5);
		my $n = sysread($c, $rest, 65536, length $rest);
		return undef unless $n;
	}
	return ($method, $target, substr($rest, 0, $len), \%h);
}

# Writes $text as the JSON answer with $status and closes $c.
sub send_response {
	my ($c, $status, $text) = @_;
	print $c "HTTP/1.1 $status " . ($reason{$status} // 'Status') . "\r\nContent-Type: application/json\r\n"
	  . "Content-Length: " . length($text) . "\r\nConnection: close\r\n\r\n" . $text;
	close $c;
	return;
}

1;
