# The cluster several TAP tests start from: kpi_ext installed, the sample
# CRM data set (test/sample-data.sql) and the example BI views loaded.
package KpiSample;

use strict;
use warnings;
use Exporter 'import';
use PostgreSQL::Test::Cluster;
use Test::More;

our @EXPORT = qw(sample_node);

sub sample_node
{
	my ($name) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init;
	$node->start;
	$node->safe_psql('postgres', 'CREATE EXTENSION kpi_ext');
	for my $script ('test/sample-data.sql', 'test/bi/views.sql')
	{
		my ($status, $stdout, $stderr) = $node->psql('postgres', undef,
			extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $script ]);
		is($status, 0, "$script loads") or diag($stderr);
	}
	return $node;
}

1;
