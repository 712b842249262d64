# Hand-made binary COPY files, for the tests that feed the types' receive
# functions bytes that no send function writes.
package KpiCopy;

use strict;
use warnings;
use Exporter 'import';
use Test::More;

our @EXPORT = qw(binary_copy_file rejects_each);

# A binary COPY file in $node's directory holding one row whose fields are
# the given byte strings.
sub binary_copy_file
{
	my ($node, $name, @fields) = @_;
	my $path = $node->basedir . "/$name.copy";
	open my $fh, '>:raw', $path or die "cannot write $path: $!";
	print $fh "PGCOPY\n\377\r\n\0", pack('NN', 0, 0), pack('n', scalar @fields);
	print $fh pack('N', length $_), $_ for @fields;
	print $fh pack('n', 0xFFFF);
	close $fh;
	return $path;
}

# Each case, [ bytes..., message ], is COPYed into $table as the row that
# $row makes of the case's name and bytes; each must fail naming its
# problem, none may be stored (the table keeps $kept rows), and the server
# must stay up.
sub rejects_each
{
	my ($node, $table, $kept, $row, %cases) = @_;
	for my $case (sort keys %cases)
	{
		my @bytes = @{ $cases{$case} };
		my $message = pop @bytes;
		my $path = binary_copy_file($node, $case, $row->($case, @bytes));
		my ($status, $stdout, $stderr) = $node->psql('postgres', "COPY $table FROM '$path' (FORMAT binary)");
		isnt($status, 0, "$case is rejected");
		like($stderr, $message, "$case names the problem");
	}
	is($node->safe_psql('postgres', "SELECT count(*) FROM $table"), $kept, 'rejected rows were not stored');
	is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server survived every malformed input');
}

1;
