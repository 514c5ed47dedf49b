# pg_dump and restore keep the hedger's state: an operator's suspension (the run flag), the day's start
# equity behind the loss breaker (hedger_days) and the replay feed's position (replay_cursors). Without
# them a restored hedger would hedge again, start a fresh day (the breaker forgets the day's loss) and
# replay every recorded tick from the start.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

my $node = bifrost_node('dump', preload => 0);
my $q = sub { $node->safe_psql($_[1] // 'postgres', $_[0]) };

# the state a suspended hedger leaves after a losing morning of a replay
$q->(q{
	SELECT bifrost._set_suspended(true);
	INSERT INTO bifrost.hedger_days (symbol, trading_date, start_equity, legs, started_at)
	VALUES ('NVDA', '2026-11-24', 125000.5, '[]', '2026-11-24 14:30+00');
	INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last)
	VALUES ('NVDA', '2026-11-24 14:30+00', 99.99, 100.01, 100), ('NVDA', '2026-11-24 14:31+00', 100.99, 101.01, 101);
	INSERT INTO bifrost.replay_cursors (symbol, last_ts, last_id)
	SELECT symbol, ts, id FROM bifrost.ticks ORDER BY id LIMIT 1;
});
my $state = q{
	SELECT (SELECT string_agg(suspended::text, ',') FROM bifrost.daemon_run_status) || ' | '
	    || (SELECT string_agg(symbol || ' ' || trading_date || ' ' || start_equity, ',') FROM bifrost.hedger_days) || ' | '
	    || (SELECT string_agg(symbol || ' ' || last_id, ',') FROM bifrost.replay_cursors)};
my $before = $q->($state);
is($before, 'true | NVDA 2026-11-24 125000.5 | NVDA 1', 'the state before the dump');

my $dump = PostgreSQL::Test::Utils::tempdir() . '/bifrost.dump';
$node->command_ok([ 'pg_dump', '-Fc', '-f', $dump, '-d', $node->connstr('postgres') ], 'pg_dump');
$q->('CREATE DATABASE restored');
$node->command_ok([ 'pg_restore', '--exit-on-error', '-d', $node->connstr('restored'), $dump ],
	'pg_restore into a new database, without an error');

is($q->($state, 'restored'), $before, 'restored: suspended, the day\'s start equity and the replay cursor are there');
is($q->(q{SELECT bifrost_status()->>'trading_suspended'}, 'restored'), 'true', 'restored: bifrost_status says suspended');
# a restored database keeps going: the resume of the operator is one row, not a key collision
$q->(q{SELECT bifrost._set_suspended(false)}, 'restored');
is($q->(q{SELECT count(*) || ' ' || bool_or(suspended) FROM bifrost.daemon_run_status}, 'restored'),
	'1 false', 'restored: resume updates the one run flag');

# the sequences came along: new rows do not reuse a restored id
is($q->(q{INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last) VALUES ('NVDA', now(), 1, 2, 1.5) RETURNING id},
		'restored'),
	'3', 'restored: the next tick id follows the restored ones');

$node->stop;
done_testing();
