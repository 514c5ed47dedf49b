# A database owner who is not superuser plants trojans in schema public (now(), format(), unnest(), the
# text operators = and ||) and sets the database's search_path to public,  The hedger (both
# preloaded and launched by bifrost_start()) and the ingest worker run as superuser through a hedge and an
# ingest in that database; none of them may call a trojan, and the owner stays non-superuser.
use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/../perl";

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use BifrostTAP;

# The test's own sessions are superuser: they must not fall into the trap either.
$ENV{PGOPTIONS} = '-c search_path=pg_catalog,pg_temp';
my $EXPIRY = '2027-12-17 16:00 America/New_York';

# What the owner, mallory, plants. Every trojan records who called it and, when that is a superuser,
# makes mallory one.
my $TROJANS = q{
CREATE TABLE public.trojan_log (fn text, usr text, btype text);
CREATE FUNCTION public.trojan_fire(fn text) RETURNS void LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO public.trojan_log
    SELECT fn, current_user, a.backend_type FROM pg_stat_activity a WHERE a.pid = pg_backend_pid();
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        EXECUTE 'ALTER ROLE mallory SUPERUSER';
    END IF;
END $$;
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN PERFORM public.trojan_fire('now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION public.format(text, text, text, text, text) RETURNS text LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN PERFORM public.trojan_fire('format'); RETURN pg_catalog.format($1, $2, $3, $4, $5); END $$;
CREATE FUNCTION public.unnest(anyarray) RETURNS SETOF anyelement LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN PERFORM public.trojan_fire('unnest'); RETURN QUERY SELECT x FROM pg_catalog.unnest($1) x; END $$;
CREATE FUNCTION public.trojan_eq(a text, b text) RETURNS boolean LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN PERFORM public.trojan_fire('='); RETURN a OPERATOR(pg_catalog.=) b; END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trojan_eq);
CREATE FUNCTION public.trojan_cat(a text, b text) RETURNS text LANGUAGE plpgsql
SET search_path = pg_catalog AS $$
BEGIN PERFORM public.trojan_fire('||'); RETURN a OPERATOR(pg_catalog.||) b; END $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trojan_cat);
ALTER DATABASE trapdb SET search_path = public, pg_catalog;
};

# Creates mallory and her database with bifrost in it, a short straddle to hedge and a fast replay
# config (as superuser), then lets her plant the trojans.
sub set_up_trap
{
	my ($node) = @_;
	$node->safe_psql('postgres', 'CREATE ROLE mallory LOGIN; CREATE DATABASE trapdb OWNER mallory;');
	$node->safe_psql('trapdb', qq{
		CREATE EXTENSION bifrost;
		SELECT public.bifrost_config_set('feed.replay.speed', '0');
		SELECT public.bifrost_config_set('gates.intent.hedge.cooldown_seconds', '0');
		SELECT public.bifrost_config_set('gates.intent.hedge.min_price_move_pct', '0');
		INSERT INTO bifrost.legs (symbol, option_right, strike, expiry, quantity)
		VALUES ('NVDA', 'C', 100, '$EXPIRY', -10), ('NVDA', 'P', 100, '$EXPIRY', -10);});
	local $ENV{PGOPTIONS} = '';
	$node->safe_psql('trapdb', $TROJANS, extra_params => [ '-U', 'mallory' ]);
	is($node->safe_psql('trapdb', q{SELECT current_setting('search_path')}, extra_params => [ '-U', 'mallory' ]),
		'public, pg_catalog', "mallory set trapdb's search_path");
	is($node->safe_psql('trapdb', q{SELECT 'a' = 'a'; SELECT count(*) FROM trojan_log}, extra_params => [ '-U', 'mallory' ]),
		"t\n1", 'the trap works: her own = is called');
	return;
}

# Feeds quotes in regular trading hours until the hedger has filled a hedge; returns whether it did.
sub hedge_once
{
	my ($node) = @_;
	my ($ok) = wait_until($node, 'trapdb',
		"SELECT daemon_state FROM bifrost.status_current WHERE id = 1", 60, 'RUNNING');
	return 0 unless $ok;
	$node->safe_psql('trapdb', qq{
		INSERT INTO bifrost.ticks (symbol, ts, bid, ask, last)
		SELECT 'NVDA', '2026-11-24 10:00 America/New_York'::timestamptz + make_interval(secs => 2 * i), 99.99, 100.01, 100
		  FROM generate_series(1, 10) i;});
	($ok) = wait_until($node, 'trapdb', qq{
		SELECT count(*) > 0 FROM bifrost.operations o WHERE o.type = 'fill'}, 60);
	return $ok;
}

sub assert_no_escalation
{
	my ($node, $what) = @_;
	is($node->safe_psql('postgres', q{SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'}),
		'f', "$what: mallory is still not a superuser");
	is( $node->safe_psql('trapdb', qq{
			SELECT count(*) FROM public.trojan_log WHERE btype LIKE 'bifrost%'}),
		'0', "$what: no bifrost worker called a trojan")
	  or diag $node->safe_psql('trapdb', "SELECT DISTINCT fn, btype FROM public.trojan_log");
	return;
}

# ---- the preloaded hedger and the ingest worker ----
my ($port, $mock) = start_okx_mock();
my $node = bifrost_node('preloaded', create_extension => 0);
set_up_trap($node);
reconfigure($node, "bifrost.database = 'trapdb'", "bifrost.feed = 'replay'",
	"bifrost.okx_base_url = 'http://127.0.0.1:$port'", 'bifrost.http_timeout_ms = 2000',
	"bifrost.ingest_schedule = 'okx:BTC-USDT-SWAP:price_snapshot'", 'bifrost.ingest_interval = 5');
ok(hedge_once($node), 'the preloaded hedger hedged in the trapped database');
my ($ok) = wait_until($node, 'trapdb', qq{
	SELECT count(*) >= 2 FROM bifrost.ingestion_runs r WHERE r.status = 'success'}, 30);
ok($ok, 'the ingest worker ingested twice in the trapped database');
assert_no_escalation($node, 'preloaded workers');
$node->stop;

# ---- the hedger launched by bifrost_start() ----
my $dyn = bifrost_node('dynamic', preload => 0, create_extension => 0, conf => ["bifrost.feed = 'replay'"]);
set_up_trap($dyn);
like($dyn->safe_psql('trapdb', "SELECT public.bifrost_start()"), qr/^\d+$/, 'bifrost_start() in trapdb');
ok(hedge_once($dyn), 'the started hedger hedged in the trapped database');
assert_no_escalation($dyn, 'bifrost_start() hedger');
$dyn->stop;

stop_child($mock);
done_testing();
