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
for my $file ('test/sample-data.sql', 'test/stored/write.sql')
{
	my ($status, $stdout, $stderr) = $node->psql('stored', undef,
		extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $file ]);
	is($status, 0, "$file runs") or diag($stderr);
}
sub stored_reads
{
	my ($status, $stdout, $stderr) = $node->psql('stored', undef,
		extra_params => [ '-A', '-t', '-f', 'test/stored/read.sql' ]);
	die "test/stored/read.sql: $stderr" if $status;
	return split /\n/, $stdout;
}
my @before = stored_reads();
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

my @after = stored_reads();
my $last = $#before > $#after ? $#before : $#after;
my @changed = grep { ($before[$_] // '') ne ($after[$_] // '') } 0 .. $last;
is(scalar @changed, 0, scalar(@before) . ' reads of the stored summaries read the same after the update')
  or diag(join "\n",
	map { 'before: ' . ($before[$_] // '') . "\nafter:  " . ($after[$_] // '') } @changed[ 0 .. ($#changed < 9 ? $#changed : 9) ]);

# The summaries stored under the oldest release equal those the newest
# builds from the same rows: each materialized view, refreshed, against the
# table of the same query, column by column with = (and its hash).
my $report = $node->safe_psql('stored', q{
	DO $$
	DECLARE
		v regclass;
	BEGIN
		FOR v IN SELECT c.oid FROM pg_class AS c WHERE c.relnamespace = 'kept'::regnamespace AND c.relkind = 'm' LOOP
			EXECUTE format('REFRESH MATERIALIZED VIEW %s', v);
		END LOOP;
	END $$;
	SELECT string_agg(format('%s.%s: %s', c.relname, a.attname, kept.read(format(
	           'SELECT count(*) || '' of '' || count(*) FILTER (WHERE t.%1$I = v.%1$I AND %2$I(t.%1$I) = %2$I(v.%1$I)) || '' equal'''
	           ' FROM kept.%3$I AS t JOIN kept.%4$I AS v USING (k)',
	           a.attname, regexp_replace(o.oprcode::text, '_eq$', '_hash'), c.relname, c.relname || '_view'))), E'\n'
	           ORDER BY c.relname, a.attname)
	  FROM pg_class AS c
	  JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0
	  JOIN pg_operator AS o ON o.oprname = '=' AND o.oprleft = a.atttypid AND o.oprright = a.atttypid
	 WHERE c.relnamespace = 'kept'::regnamespace AND c.relkind = 'r' AND a.attname <> 'k'
	   AND c.relname <> 'reads'});
my @compared = split /\n/, $report;
my @differ = grep { !/: (\d+) of \1 equal$/ || /: 0 of/ } @compared;
ok(@compared >= 11 && !@differ,
	scalar(@compared) . ' stored summary columns equal their summaries rebuilt by ' . $newest)
  or diag(join "\n", @compared);

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
# extension itself, so it is left out; the helpers it ends with, which the
# other files use, are created here.
open my $fh, '<', 'Makefile' or die "cannot read Makefile: $!";
my ($regress) = do { local $/; <$fh> } =~ /^REGRESS\s*=\s*([^\n]+)/m;
close $fh;
my @suite = grep { $_ ne 'install' } split ' ', $regress;
open $fh, '<', 'sql/install.sql' or die "cannot read sql/install.sql: $!";
my ($helper) = do { local $/; <$fh> } =~ /^(-- The helpers the other files use.*)\z/ms;
close $fh;
ok($helper, 'found the helpers at the end of sql/install.sql');
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
