# The examples in README and doc/ outside the cookbook cannot go stale
# either: in each section below, the SQL blocks without an output block (the example tables)
# run first, then every SQL block followed by an output block must print
# exactly that output.  Sections run in the order listed in one database that
# also holds the sample CRM data and the example views.  A block that starts
# with "-- abridged" is an excerpt of a longer query and is not run.
use strict;
use warnings;
use IPC::Run;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiSample;

my @sections = (
	'Using kpi_ext', 'A tour of the KPIs', 'BI tools: boards as plain views',
	'Reference: survey scores', 'Reference: rates',
	'Reference: durations', 'Reference: revenue', 'Reference: subscriptions',
	'Reference: customer-base models (buy \'til you die)', 'Reference: health score', 'Reference: sentiment',
	'Reference: business calendars', 'Reference: support functions',
	'Discoverability', 'Summaries as data');

my $node = sample_node('readme_examples');

# README.md and the reference, as one text (each section lives in one file)
my $readme = '';
for my $file ('README.md', 'doc/kpi_ext.md')
{
	open my $fh, '<', $file or die "cannot read $file: $!";
	$readme .= do { local $/; <$fh> };
	close $fh;
}

# Runs SQL through psql as a script, quietly, the way README shows results.
sub run_sql
{
	my ($sql) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-P', 'footer=off',
			'-d', $node->connstr('postgres'), '-f', '-'
		],
		'<', \$sql, '>', \$out, '2>', \$err);
	# psql pads table cells with trailing blanks and ends with an empty
	# line; README has neither
	$out =~ s/[ \t]+$//mg;
	$out =~ s/\n+\z/\n/;
	$out =~ s/\A\n+//;
	return ($out, $err);
}

local $ENV{PGTZ} = 'UTC';
my $checked = 0;
for my $section (@sections)
{
	my ($text) = $readme =~ /^## \Q$section\E\n(.*?)(?=^## |\z)/ms
	  or die "README.md and doc/kpi_ext.md have no section $section";
	my (@setup, @cases);
	while ($text =~ /^```sql\n(.*?)^```\n(?:```\n(.*?)^```\n)?/msg)
	{
		my ($sql, $output) = ($1, $2);
		next if $sql =~ /^-- abridged/;
		if (defined $output) { push @cases, [ $sql, $output ]; }
		else { push @setup, $sql; }
	}
	for my $sql (@setup)
	{
		my ($out, $err) = run_sql($sql);
		is($err, '', "$section: example table runs") or diag($sql);
	}
	for my $case (@cases)
	{
		my ($sql, $expected) = @$case;
		my ($out, $err) = run_sql($sql);
		my ($first) = $sql =~ /^(.*)$/m;
		is($out, $expected, "$section: $first") or diag($err);
		$checked++;
	}
}
cmp_ok($checked, '>=', 15, "$checked documented examples checked against their output");

$node->stop;
done_testing();
