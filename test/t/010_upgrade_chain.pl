# The upgrade chain: install the oldest released version, store summaries
# of every type it has in tables and materialized views, ALTER EXTENSION
# UPDATE step by step to the newest, then (1) every KPI read off the stored
# summaries must read as it did before, (2) the installed objects must be
# exactly those of a fresh install and (3) the whole regression suite must
# pass on the updated database, as postgresql-hll does.  Every version with
# an install script kpi_ext--X.sql is a release.
use strict;
use warnings;
use File::Temp qw(tempdir);
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade_chain');
$node->init;
$node->start;

my @versions = split /\n/, $node->safe_psql('postgres', q{
	SELECT version FROM pg_available_extension_versions WHERE name = 'kpi_ext'
	 ORDER BY string_to_array(version, '.')::int[]});
my $newest = $node->safe_psql('postgres',
	q{SELECT default_version FROM pg_available_extensions WHERE name = 'kpi_ext'});
ok(@versions >= 2, 'released versions: ' . join(', ', @versions));
is($versions[-1], $newest, 'the default version is the newest');

$node->safe_psql('postgres', 'CREATE DATABASE updated');
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('updated', "CREATE EXTENSION kpi_ext VERSION '$versions[0]'");

# Summaries of every type of the oldest release, built by its aggregates
# from the sample data set, kept in tables and in materialized views (in a
# database of their own: the suite runs in "updated").
$node->safe_psql('postgres', 'CREATE DATABASE stored');
$node->safe_psql('stored', "CREATE EXTENSION kpi_ext VERSION '$versions[0]'");
my ($status, $stdout, $stderr) = $node->psql('stored', undef,
	extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', 'test/sample-data.sql' ]);
is($status, 0, 'the sample data set loads') or diag($stderr);
my %stored = (
	scores => q{
		SELECT c.segment AS k, score_summary(s.score) AS nps, score_summary(s.csat) AS csat,
		       score_summary(s.ces) AS ces
		  FROM crm.surveys AS s JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment},
	rates => q{
		SELECT c.segment AS k, rate_summary(c.churned_at IS NOT NULL) AS churn,
		       rate_summary(r.renewed) AS renewal
		  FROM crm.customers AS c LEFT JOIN crm.renewals AS r USING (customer_id) GROUP BY c.segment},
	durations => q{
		SELECT c.segment AS k, duration_summary(t.first_response_at - t.opened_at) AS first_response,
		       duration_summary(t.resolved_at - t.opened_at) AS resolution
		  FROM crm.tickets AS t JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment},
	clv => q{
		SELECT c.segment AS k, clv_summary(o.customer_id, o.amount, o.ordered_at) AS by_id,
		       clv_summary(c.name, o.amount, o.ordered_at) AS by_name,
		       clv_summary(md5(c.name)::uuid, o.amount, o.ordered_at) AS by_uuid
		  FROM crm.orders AS o JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment},
	mrr => q{
		SELECT c.segment AS k, mrr_summary(before.mrr, after.mrr) AS movements
		  FROM crm.customers AS c CROSS JOIN (SELECT max(month) AS last FROM crm.mrr_monthly) AS m
		  LEFT JOIN crm.mrr_monthly AS before
		    ON before.customer_id = c.customer_id AND before.month = (m.last - interval '6 months')::date
		  LEFT JOIN crm.mrr_monthly AS after ON after.customer_id = c.customer_id AND after.month = m.last
		 GROUP BY c.segment},
	health => q{
		SELECT u.customer_id AS k, health_score_agg(x.name, x.value, x.weight) AS h
		  FROM crm.product_usage AS u
		 CROSS JOIN LATERAL (VALUES ('logins', kpi_scale(u.logins, 0, 50), 2.0::float8),
		                            ('active_users', kpi_scale(u.active_users, 0, 20), 1.0),
		                            ('features', kpi_scale(u.feature_events, 0, 500), 0.5)) AS x(name, value, weight)
		 WHERE u.week = (SELECT max(week) FROM crm.product_usage) AND u.customer_id <= 12
		 GROUP BY u.customer_id});
$node->safe_psql('stored', 'CREATE SCHEMA kept');
for my $name (sort keys %stored)
{
	$node->safe_psql('stored', "CREATE TABLE kept.$name AS $stored{$name}");
	$node->safe_psql('stored', "CREATE MATERIALIZED VIEW kept.${name}_view AS $stored{$name}");
}

# Every read of every stored summary: each function of the extension that
# takes the summary alone (accessors, text and binary output), each that
# takes two of them (on every pair of rows), and those with other arguments
# with arguments chosen here.  An error is a result too, kept with its
# SQLSTATE.
$node->safe_psql('stored', q{
	CREATE FUNCTION kept.read(query text) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE
		result text;
	BEGIN
		EXECUTE query INTO result;
		RETURN coalesce(result, '(no rows)');
	EXCEPTION WHEN others THEN
		RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
	END $$;

	CREATE TABLE kept.reads AS
	WITH summaries AS (
		SELECT c.oid::regclass AS rel, a.attname AS col, a.atttypid AS typ
		  FROM pg_class AS c
		  JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0
		  JOIN pg_depend AS d ON d.classid = 'pg_type'::regclass AND d.objid = a.atttypid AND d.deptype = 'e'
		  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
		 WHERE c.relnamespace = 'kept'::regnamespace AND c.relkind IN ('r', 'm')),
	functions AS (
		SELECT p.* FROM pg_proc AS p
		  JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
		  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
		 WHERE p.prokind = 'f'),
	calls AS (
		SELECT s.*, format('%I(t.%I)', f.proname, s.col) AS call, '' AS pairs
		  FROM summaries AS s JOIN functions AS f ON f.proargtypes[0] = s.typ AND f.pronargs - f.pronargdefaults = 1
		UNION ALL
		SELECT s.*, format('%I(t.%I, u.%I)', f.proname, s.col, s.col), format(', %s AS u', s.rel)
		  FROM summaries AS s JOIN functions AS f
		    ON f.pronargs = 2 AND f.proargtypes[0] = s.typ AND f.proargtypes[1] = s.typ
		UNION ALL
		SELECT s.*, format(c.call, s.col), ''
		  FROM summaries AS s JOIN (VALUES
		       ('score_summary', 'csat(t.%I, 10)'), ('score_summary', 'nps_ci(t.%I, 0.8)'),
		       ('score_summary', 'nps_margin(t.%I, 0.99)'), ('rate_summary', 'rate_ci(t.%I, 0.99)'),
		       ('duration_summary', 'percentile(t.%I, 0.9)'),
		       ('duration_summary', 'percentiles(t.%I, ''{0, 0.25, 0.5, 0.999, 1}'')'),
		       ('clv_summary', 'clv(t.%I, 3.5)'), ('health_score', 'band(t.%I, 40, 80)'),
		       ('health_score', 'component(t.%I, ''logins'')'), ('health_score', 't.%I -> ''features''')
		       ) AS c(typ, call) ON c.typ::regtype = s.typ)
	SELECT typ::regtype AS typ, format('%s.%s: %s', rel, col, call) AS label,
	       format('SELECT string_agg(x::text, '' | '' ORDER BY t.k%s, x::text) FROM %s AS t%s, LATERAL (SELECT %s) AS x',
	              CASE WHEN pairs = '' THEN '' ELSE ', u.k' END, rel, pairs, call) AS query
	  FROM calls});
my $reads = q{SELECT string_agg(label || ' = ' || kept.read(query), E'\n' ORDER BY label) FROM kept.reads};
my @before = split /\n/, $node->safe_psql('stored', $reads);
# Each type is read many ways, mostly without an error: a test that found
# no functions would compare nothing.
is( $node->safe_psql(
		'stored', q{
	SELECT string_agg(typ::text, ', ' ORDER BY typ::text) FROM (
		SELECT typ FROM kept.reads
		 GROUP BY typ HAVING count(*) FILTER (WHERE kept.read(query) !~ '^(ERROR |\(no rows\))') >= 8) AS t}),
	'clv_summary, duration_summary, health_score, mrr_summary, rate_summary, score_summary',
	'every type has its stored summaries read in at least 8 ways');

for my $db ('stored', 'updated')
{
	for my $version (@versions[ 1 .. $#versions ])
	{
		$node->safe_psql($db, "ALTER EXTENSION kpi_ext UPDATE TO '$version'");
	}
	is($node->safe_psql($db, q{SELECT extversion FROM pg_extension WHERE extname = 'kpi_ext'}),
		$newest, "$db: updated from $versions[0] step by step to $newest");
}

my @after = split /\n/, $node->safe_psql('stored', $reads);
my $last = $#before > $#after ? $#before : $#after;
my @changed = grep { ($before[$_] // '') ne ($after[$_] // '') } 0 .. $last;
is(scalar @changed, 0, scalar(@before) . ' reads of the stored summaries read the same after the update')
  or diag(join "\n",
	map { 'before: ' . ($before[$_] // '') . "\nafter:  " . ($after[$_] // '') } @changed[ 0 .. ($#changed < 9 ? $#changed : 9) ]);
$node->safe_psql('fresh', 'CREATE EXTENSION kpi_ext');

# Everything the extension owns, described without OIDs: functions with
# their properties and source, aggregates with their support functions,
# types, operators, operator classes, views, and comments.
my $fingerprint = q{
	WITH objects AS (
		SELECT d.classid, d.objid FROM pg_depend AS d
		  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
		 WHERE d.deptype = 'e')
	SELECT string_agg(line, E'\n' ORDER BY line) FROM (
		SELECT pg_describe_object(classid, objid, 0) || ' | ' ||
		       coalesce(obj_description(objid, classid::regclass::name), '') AS line FROM objects
		UNION ALL
		SELECT p.oid::regprocedure || ' | ' || pg_get_function_result(p.oid) || ' | ' ||
		       concat_ws(' ', p.provolatile, p.proisstrict, p.proparallel, p.prokind) || ' | ' || p.prosrc || ' | ' || coalesce(p.probin, '')
		  FROM objects JOIN pg_proc AS p ON p.oid = objid WHERE classid = 'pg_proc'::regclass
		UNION ALL
		SELECT a.aggfnoid::regprocedure || ' | ' || concat_ws(' ', a.aggtransfn, a.aggfinalfn, a.aggcombinefn,
		       a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn, a.aggtranstype::regtype, a.agginitval,
		       a.aggminitval, a.aggfinalmodify)
		  FROM objects JOIN pg_aggregate AS a ON a.aggfnoid = objid WHERE classid = 'pg_proc'::regclass
		UNION ALL
		SELECT t.oid::regtype || ' | ' || concat_ws(' ', t.typlen, t.typalign, t.typstorage, t.typinput,
		       t.typoutput, t.typreceive, t.typsend)
		  FROM objects JOIN pg_type AS t ON t.oid = objid WHERE classid = 'pg_type'::regclass
		UNION ALL
		SELECT o.oid::regoperator || ' | ' || concat_ws(' ', o.oprcode, o.oprcom::regoperator,
		       o.oprnegate::regoperator, o.oprrest, o.oprjoin, o.oprcanmerge, o.oprcanhash)
		  FROM objects JOIN pg_operator AS o ON o.oid = objid WHERE classid = 'pg_operator'::regclass
		UNION ALL
		SELECT c.relname || ' | ' || pg_get_viewdef(c.oid)
		  FROM objects JOIN pg_class AS c ON c.oid = objid WHERE classid = 'pg_class'::regclass) AS described};
is($node->safe_psql('updated', $fingerprint), $node->safe_psql('fresh', $fingerprint),
	'the updated extension has exactly the objects of a fresh install');

# The regression suite on the updated database.  sql/install.sql creates the
# extension itself, so it is left out; the helper it defines is created here.
open my $fh, '<', 'Makefile' or die "cannot read Makefile: $!";
my ($regress) = do { local $/; <$fh> } =~ /^REGRESS\s*=\s*([^\n]+)/m;
close $fh;
my @suite = grep { $_ ne 'install' } split ' ', $regress;
open $fh, '<', 'sql/install.sql' or die "cannot read sql/install.sql: $!";
my ($helper) = do { local $/; <$fh> } =~ /^(CREATE FUNCTION sqlstate_of.*?^END \$\$;)/ms;
close $fh;
ok($helper, 'found the sqlstate_of helper in sql/install.sql');
$node->safe_psql('updated', $helper);

my $outputs = tempdir(CLEANUP => 1);
# scaleout's \copy writes results/ beside the tests, as under make installcheck
mkdir 'results' unless -d 'results';
my ($out, $err) = ('', '');
my $passed = IPC::Run::run(
	[
		$ENV{PG_REGRESS}, '--use-existing', '--dbname=updated',
		'--host=' . $node->host, '--port=' . $node->port,
		'--inputdir=.', "--outputdir=$outputs", @suite
	],
	'>', \$out, '2>', \$err);
ok($passed, "the regression suite (@suite) passes on the updated extension")
  or diag($out . $err . (-f "$outputs/regression.diffs" ? slurp_file("$outputs/regression.diffs") : ''));

$node->stop;
done_testing();
