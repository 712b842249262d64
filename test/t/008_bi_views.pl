# The example BI views (test/bi/views.sql) read through a real client
# library, psycopg2 from Debian, as a BI tool would: plain column types and
# values that agree with hand-written SQL (test/bi/check_views.py).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('bi_views');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION kpi_ext');
for my $script ('test/sample-data.sql', 'test/bi/views.sql')
{
	my ($status, $stdout, $stderr) = $node->psql('postgres', undef,
		extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', $script ]);
	is($status, 0, "$script loads") or diag($stderr);
}

my ($out, $err) = ('', '');
my $finished = IPC::Run::run([ '/usr/bin/python3', 'test/bi/check_views.py', $node->connstr('postgres') ],
	'>', \$out, '2>', \$err);
ok($finished, 'the psycopg2 client ran to the end') or diag($err);
my $checks = 0;
for my $line (split /\n/, $out)
{
	next unless $line =~ /^(not )?ok \d+ - (.*)$/;
	$checks++;
	ok(!defined $1, "psycopg2: $2") or diag($out);
}
cmp_ok($checks, '>=', 16, 'every client check reported');

$node->stop;
done_testing();
