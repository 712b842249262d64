# The cookbook (doc/cookbook.md) cannot go stale: every query in its "Cookbook" section
# runs against the sample CRM data (and the example views) and must print
# exactly the output shown under it.
use strict;
use warnings;
use IPC::Run;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiSample;

my $node = sample_node('cookbook');

# The section from "## Cookbook" to the next "## " heading or the end, as
# (title, query, expected output) for every ```sql block followed by an
# output block.
open my $fh, '<', 'doc/cookbook.md' or die "cannot read doc/cookbook.md: $!";
my $readme = do { local $/; <$fh> };
close $fh;
my ($section) = $readme =~ /^## Cookbook[^\n]*\n(.*?)(?=^## |\z)/ms
  or die 'doc/cookbook.md has no Cookbook section';
my @cases;
my $title = '';
while ($section =~ /^### ([^\n]+)|^```sql\n(.*?)^```\n```\n(.*?)^```\n/msg)
{
	if (defined $1) { $title = $1; next; }
	push @cases, [ $title, $2, $3 ];
}
cmp_ok(scalar @cases, '>=', 30, 'the cookbook has a query for every KPI');

local $ENV{PGTZ} = 'UTC';
for my $case (@cases)
{
	my ($name, $query, $expected) = @$case;
	my ($out, $err) = ('', '');
	IPC::Run::run(
		[
			'psql', '-X', '-v', 'ON_ERROR_STOP=1', '-P', 'footer=off',
			'-d', $node->connstr('postgres'), '-c', $query
		],
		'>', \$out, '2>', \$err);
	# psql pads table cells with trailing blanks and ends with an empty
	# line; README has neither
	$out =~ s/[ \t]+$//mg;
	$out =~ s/\n+\z/\n/;
	is($out, $expected, "cookbook: $name") or diag($err);
}

# The cookbook and kpi_catalog cover the same KPIs: every catalog entry is
# named in the cookbook, every cookbook heading names a catalog entry.
my @catalog = split /\n/, $node->safe_psql('postgres', 'SELECT lower(kpi) FROM kpi_catalog ORDER BY kpi');
my @missing = grep { index(lc $section, $_) < 0 } @catalog;
is_deeply(\@missing, [], 'every kpi_catalog entry is in the cookbook');
my @headings = $section =~ /^### ([^\n]+)/mg;
my @unlisted = grep { my $h = lc $_; !grep { index($h, $_) >= 0 } @catalog } @headings;
is_deeply(\@unlisted, [], 'every cookbook heading is in kpi_catalog');

$node->stop;
done_testing();
