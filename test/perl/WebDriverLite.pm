# WebDriverLite: just enough of the W3C WebDriver protocol to drive a headless Chromium from a TAP test
# (test/t/090_status_page.pl): start chromedriver on a free 127.0.0.1 port in a process group of its own,
# open a session, navigate, find elements by CSS, click, type, read text and attributes, run a script,
# take a screenshot, and end it all (also from an END block when a test dies).  Every wait has a deadline.
# Only modules that ship with Perl: HTTP::Tiny, JSON::PP, MIME::Base64, IO::Socket::INET, POSIX.
package WebDriverLite;

use strict;
use warnings;

use Carp qw(croak);
use HTTP::Tiny;
use IO::Socket::INET;
use JSON::PP;
use MIME::Base64 qw(decode_base64);
use POSIX ();
use Time::HiRes ();

# The key under which WebDriver names an element (fixed by the W3C specification).
my $ELEMENT_KEY = 'element-6066-11e4-a52e-4f735466cecf';

my @drivers;    # process groups to end at exit

sub _free_port
{
	my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0, Proto => 'tcp')
	  or croak "WebDriverLite: no free port: $!";
	my $port = $s->sockport;
	close $s;
	return $port;
}

# Starts chromedriver and a headless Chromium session. Options: driver (/usr/bin/chromedriver),
# browser (/usr/bin/chromium), profile_dir (a fresh directory for the browser's profile), log (file for
# chromedriver's output), window ('1280,900'), timeout (seconds for each wait, default 10).
sub new
{
	my ($class, %o) = @_;
	my $self = bless {
		driver  => $o{driver}  // '/usr/bin/chromedriver',
		browser => $o{browser} // '/usr/bin/chromium',
		timeout => $o{timeout} // 10,
		json    => JSON::PP->new->utf8->canonical,
	}, $class;
	croak "WebDriverLite: no chromedriver at $self->{driver}" unless -x $self->{driver};
	croak "WebDriverLite: no browser at $self->{browser}"     unless -x $self->{browser};
	$self->{port} = _free_port();
	$self->{http} = HTTP::Tiny->new(timeout => 30, keep_alive => 0);
	$self->{base} = "http://127.0.0.1:$self->{port}";

	my $pid = fork();
	croak "WebDriverLite: fork: $!" unless defined $pid;
	if ($pid == 0)
	{
		# its own process group: chromedriver and the browsers it starts end together
		POSIX::setpgid(0, 0);
		if ($o{log})
		{
			open(STDOUT, '>>', $o{log}) or POSIX::_exit(127);
			open(STDERR, '>&', \*STDOUT) or POSIX::_exit(127);
		}
		exec($self->{driver}, "--port=$self->{port}", '--allowed-ips=127.0.0.1')
		  or POSIX::_exit(127);
	}
	POSIX::setpgid($pid, $pid);
	$self->{pid} = $pid;
	push @drivers, $pid;

	# chromedriver answers /status once it listens
	my $deadline = Time::HiRes::time() + $self->{timeout};
	my $ready = 0;
	while (Time::HiRes::time() < $deadline)
	{
		my $r = $self->{http}->get("$self->{base}/status");
		if ($r->{success}) { $ready = 1; last; }
		Time::HiRes::sleep(0.1);
	}
	unless ($ready)
	{
		$self->quit;
		croak "WebDriverLite: chromedriver did not answer within $self->{timeout} s";
	}

	my @args = ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage',
		'--window-size=' . ($o{window} // '1280,900'), '--no-first-run', '--no-default-browser-check',
		'--disable-extensions', '--password-store=basic', '--disable-background-networking',
		'--disable-sync', '--hide-scrollbars', '--force-device-scale-factor=1');
	push @args, "--user-data-dir=$o{profile_dir}" if $o{profile_dir};
	my $caps = {
		capabilities => {
			alwaysMatch => {
				browserName           => 'chrome',
				'goog:chromeOptions'  => { binary => $self->{browser}, args => \@args },
				pageLoadStrategy      => 'normal',
				timeouts              => { pageLoad => $self->{timeout} * 1000, script => $self->{timeout} * 1000 },
			}
		}
	};
	my $v = eval { $self->_call('POST', '/session', $caps) };
	unless ($v && $v->{sessionId})
	{
		my $why = $@ || 'no session id';
		$self->quit;
		croak "WebDriverLite: no browser session: $why";
	}
	$self->{session} = $v->{sessionId};
	$self->{capabilities} = $v->{capabilities};
	return $self;
}

# One WebDriver command; returns the answer's "value", croaks with WebDriver's error otherwise.
sub _call
{
	my ($self, $method, $path, $body) = @_;
	my %req = (headers => { 'Content-Type' => 'application/json; charset=utf-8' });
	$req{content} = $self->{json}->encode($body // {}) if $method eq 'POST';
	my $r = $self->{http}->request($method, $self->{base} . $path, \%req);
	my $answer = eval { $self->{json}->decode($r->{content}) };
	if (!$r->{success})
	{
		my $v = ref $answer eq 'HASH' ? $answer->{value} : undef;
		my $msg = ref $v eq 'HASH' ? ($v->{error} // '') . ': ' . ($v->{message} // '') : $r->{content};
		$msg = substr($msg, 0, 500);
		croak "WebDriver $method $path: HTTP $r->{status}: $msg";
	}
	return ref $answer eq 'HASH' ? $answer->{value} : undef;
}

sub _s { my ($self) = @_; croak 'WebDriverLite: no session' unless $self->{session}; return "/session/$self->{session}" }

sub get
{
	my ($self, $url) = @_;
	$self->_call('POST', $self->_s . '/url', { url => $url });
	return;
}

# The first element matching $css, as its WebDriver id; undef when there is none.
sub find
{
	my ($self, $css) = @_;
	my $v = eval { $self->_call('POST', $self->_s . '/element', { using => 'css selector', value => $css }) };
	return $v ? _element($v->{$ELEMENT_KEY}) : undef;
}

sub find_all
{
	my ($self, $css) = @_;
	my $v = $self->_call('POST', $self->_s . '/elements', { using => 'css selector', value => $css });
	return map { _element($_->{$ELEMENT_KEY}) } @{ $v // [] };
}

# Waits (bounded) for an element matching $css that is displayed; returns its id or undef.
sub wait_visible
{
	my ($self, $css, $secs) = @_;
	my $deadline = Time::HiRes::time() + ($secs // $self->{timeout});
	while (Time::HiRes::time() < $deadline)
	{
		my $id = $self->find($css);
		return $id if $id && eval { $self->displayed($id) };
		Time::HiRes::sleep(0.1);
	}
	return undef;
}

# Polls $check->() (any true value ends the wait) for at most $secs seconds; returns its last value.
sub wait_for
{
	my ($self, $check, $secs) = @_;
	my $deadline = Time::HiRes::time() + ($secs // $self->{timeout});
	my $v;
	while (1)
	{
		$v = eval { $check->() };
		return $v if $v || Time::HiRes::time() >= $deadline;
		Time::HiRes::sleep(0.1);
	}
}

# An element found is a reference (so it is never mistaken for a selector).
sub _element { my ($id) = @_; return defined $id ? bless({ id => $id }, 'WebDriverLite::Element') : undef }

sub _id
{
	my ($self, $el) = @_;
	return $el->{id} if ref $el;
	my $found = $self->wait_visible($el);
	croak "WebDriverLite: no visible element $el" unless $found;
	return $found->{id};
}

# Element operations take a WebDriver id or a CSS selector (then waited for, bounded).
sub click { my ($self, $el) = @_; $self->_call('POST', $self->_s . '/element/' . $self->_id($el) . '/click', {}); return }
sub clear_field { my ($self, $el) = @_; $self->_call('POST', $self->_s . '/element/' . $self->_id($el) . '/clear', {}); return }

sub type
{
	my ($self, $el, $text) = @_;
	$self->_call('POST', $self->_s . '/element/' . $self->_id($el) . '/value', { text => $text });
	return;
}

sub text { my ($self, $el) = @_; return $self->_call('GET', $self->_s . '/element/' . $self->_id($el) . '/text') }

sub attribute
{
	my ($self, $el, $name) = @_;
	return $self->_call('GET', $self->_s . '/element/' . $self->_id($el) . "/attribute/$name");
}

sub enabled { my ($self, $el) = @_; return $self->_call('GET', $self->_s . '/element/' . $self->_id($el) . '/enabled') ? 1 : 0 }

sub displayed
{
	my ($self, $el) = @_;
	my $id = ref $el ? $el->{id} : $el;
	return $self->_call('GET', $self->_s . "/element/$id/displayed") ? 1 : 0;
}

# Runs $script (a function body; arguments in `arguments`) in the page; returns its result.
sub execute
{
	my ($self, $script, @args) = @_;
	my @plain = map { ref $_ eq 'WebDriverLite::Element' ? { $ELEMENT_KEY => $_->{id} } : $_ } @args;
	return $self->_call('POST', $self->_s . '/execute/sync', { script => $script, args => \@plain });
}

# Writes a PNG of the viewport to $path.
sub screenshot
{
	my ($self, $path) = @_;
	my $b64 = $self->_call('GET', $self->_s . '/screenshot');
	open(my $fh, '>:raw', $path) or croak "WebDriverLite: write $path: $!";
	print $fh decode_base64($b64);
	close $fh;
	return $path;
}

sub set_window
{
	my ($self, $w, $h) = @_;
	$self->_call('POST', $self->_s . '/window/rect', { width => $w, height => $h });
	return;
}

# Ends the session and chromedriver's process group (TERM, then KILL after a bounded wait).
sub quit
{
	my ($self) = @_;
	if ($self->{session})
	{
		my $http = HTTP::Tiny->new(timeout => 5);
		$http->request('DELETE', "$self->{base}/session/$self->{session}");
		delete $self->{session};
	}
	_end_group($self->{pid}) if $self->{pid};
	@drivers = grep { $_ != ($self->{pid} // 0) } @drivers;
	delete $self->{pid};
	return;
}

sub _end_group
{
	my ($pid) = @_;
	kill 'TERM', -$pid;
	for (1 .. 30)
	{
		last if waitpid($pid, POSIX::WNOHANG()) == $pid;
		Time::HiRes::sleep(0.1);
	}
	kill 'KILL', -$pid;
	waitpid($pid, POSIX::WNOHANG());
	return;
}

sub DESTROY { my ($self) = @_; local ($@, $?); $self->quit if $self->{pid}; return }

END
{
	my $rc = $?;
	_end_group($_) for @drivers;
	@drivers = ();
	$? = $rc;
}

1;
