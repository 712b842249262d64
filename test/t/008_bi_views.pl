# The example BI views (test/bi/views.sql) read through a real client
# library, psycopg2 from Debian, as a BI tool would: plain column types and
# values that agree with hand-written SQL (test/bi/check_views.py).
use strict;
use warnings;
use IPC::Run;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiSample;

my $node = sample_node('bi_views');

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
