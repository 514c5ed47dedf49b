# The monitoring roles see the same self-check as a superuser: with the hedger preloaded and running,
# a login role of bifrost_reader and one of bifrost_operator get exactly the superuser's rows, all ok;
# the helper behind the worker rows shows only bifrost's own processes, without their query text, and
# only to those roles.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $node = bifrost_node('monitor_self_check', heartbeat => 2);
my ($ok) = wait_state($node, 'RUNNING', 30);
ok($ok, 'RUNNING');
my $pid = hedger_pid($node);
like($pid, qr/^\d+$/, 'one hedger process');

$node->safe_psql('postgres', q{
	CREATE ROLE monitor LOGIN IN ROLE bifrost_reader;
	CREATE ROLE trader LOGIN IN ROLE bifrost_operator;
	CREATE ROLE nobody LOGIN;
});

my $rows_sql = q{SELECT category, name, ok, detail FROM bifrost_self_check() ORDER BY category, name};

sub rows_as
{
	my ($user) = @_;
	return $node->safe_psql('postgres', $rows_sql, extra_params => [ '-U', $user ]);
}

# Same rows for all three, taken close together; a heartbeat between two reads may not change any row
# (the alive window is 3 heartbeats), but allow a second try before calling it a difference.
my ($super, $reader, $operator);
for my $try (1 .. 3)
{
	$super    = rows_as('postgres');
	$reader   = rows_as('monitor');
	$operator = rows_as('trader');
	last if $super eq $reader && $super eq $operator;
}
is($reader,   $super, 'bifrost_reader gets the superuser\'s self-check rows');
is($operator, $super, 'bifrost_operator gets the superuser\'s self-check rows');
is($node->safe_psql('postgres', 'SELECT string_agg(category || \' \' || name || \': \' || detail, \'; \')'
	  . ' FROM bifrost_self_check() WHERE NOT ok', extra_params => [ '-U', 'monitor' ]),
	'', 'the reader\'s self-check is clean while the hedger runs');
like($reader, qr/^worker\|process\|t\|running as pid $pid$/m, 'the reader sees the hedger\'s pid');
unlike($reader, qr/pg_read_all_settings|insufficient|permission denied/i,
	'no privilege error in the reader\'s rows');

# The helper: bifrost's processes of this database, no query text, nothing of other sessions.
my $cols = $node->safe_psql('postgres', q{
	SELECT string_agg(a.attname, ',' ORDER BY a.attnum)
	  FROM pg_proc p CROSS JOIN unnest(p.proargnames, p.proargmodes) WITH ORDINALITY AS a(attname, mode, attnum)
	 WHERE p.oid = 'bifrost._worker_processes()'::regprocedure AND a.mode = 't'});
is($cols, 'pid,backend_type,state,backend_start', 'the helper returns pid, backend_type, state and backend_start');
is($node->safe_psql('postgres',
		'SELECT string_agg(pid || \' \' || backend_type, \',\') FROM bifrost._worker_processes()'
		  . " WHERE backend_type = 'bifrost hedger'",
		extra_params => [ '-U', 'monitor' ]),
	"$pid bifrost hedger", 'the reader sees the hedger through the helper');
is($node->safe_psql('postgres',
		'SELECT count(*) FROM bifrost._worker_processes() WHERE backend_type NOT LIKE \'bifrost %\'',
		extra_params => [ '-U', 'monitor' ]),
	'0', 'and no other process');
is($node->safe_psql('postgres', 'SELECT bifrost._is_preloaded()', extra_params => [ '-U', 'monitor' ]),
	't', 'the reader learns that bifrost is preloaded');
my ($ret, $out, $err) = $node->psql('postgres', $rows_sql, extra_params => [ '-U', 'nobody' ]);
like($err, qr/permission denied for function bifrost_self_check/, 'a plain role may not run the self-check');
($ret, $out, $err) = $node->psql('postgres', 'SELECT * FROM bifrost._worker_processes()',
	extra_params => [ '-U', 'nobody' ]);
like($err, qr/permission denied/, 'nor the helper');
($ret, $out, $err) = $node->psql('postgres', 'SELECT bifrost._is_preloaded()',
	extra_params => [ '-U', 'nobody' ]);
like($err, qr/permission denied/, 'nor the preload probe');

# Stopped: the reader is told so, like the superuser.
$node->safe_psql('postgres', 'SELECT bifrost_stop()');
($ok) = wait_state($node, 'STOPPED', 10);
ok($ok, 'stopped');
($ok) = wait_until($node, 'postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'bifrost hedger'", 10);
ok($ok, 'the hedger is gone');
is(rows_as('monitor'), rows_as('postgres'), 'stopped: the reader gets the superuser\'s rows too');
like(rows_as('monitor'), qr/^worker\|process\|f\|stopped at /m, 'and the process row says stopped');

$node->stop;
done_testing();
