# README's reference sections document every object the extension installs,
# and document nothing that does not exist: functions and aggregates,
# types, operators and settings, compared with the catalog both ways.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('reference');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION kpi_ext');

open my $fh, '<', 'README.md' or die "cannot read README.md: $!";
my $readme = do { local $/; <$fh> };
close $fh;
my $reference = join "\n", $readme =~ /^## Reference[^\n]*\n(.*?)(?=^## )/msg;
ok(length $reference > 0, 'README has reference sections');

# objects of the extension, by kind
sub extension_objects
{
	my ($catalog, $name_column, $extra) = @_;
	$extra //= '';
	my $names = $node->safe_psql('postgres', qq{
		SELECT DISTINCT o.$name_column
		  FROM $catalog AS o
		  JOIN pg_depend AS d ON d.classid = '$catalog'::regclass AND d.objid = o.oid AND d.deptype = 'e'
		  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
		 WHERE true $extra
		 ORDER BY 1});
	return split /\n/, $names;
}

my %documented_calls = map { $_ => 1 } $reference =~ /`([a-z_][a-z0-9_]*)\(/g;
my @functions = extension_objects('pg_proc', 'proname');
my @undocumented = grep { !$documented_calls{$_} } @functions;
is_deeply(\@undocumented, [], 'every function and aggregate is in the reference');

# names in the first cell of reference tables must exist
my %installed = map { $_ => 1 } @functions;
my @first_cells = $reference =~ /^\| `([a-z_][a-z0-9_]*)\(/mg;
my @phantoms = grep { !$installed{$_} } @first_cells;
is_deeply(\@phantoms, [], 'every function the reference tables list exists');

my @types = extension_objects('pg_type', 'typname', q{AND o.typcategory <> 'A'});
my @undocumented_types = grep { $reference !~ /`\Q$_\E`|\b\Q$_\E\b/ } @types;
is_deeply(\@undocumented_types, [], 'every type is in the reference');

my @operators = extension_objects('pg_operator', 'oprname');
my @undocumented_operators = grep { $reference !~ /`[^`]*\Q$_\E[^`]*`/ } @operators;
is_deeply(\@undocumented_operators, [], 'every operator is in the reference');

# settings exist once the library is loaded
my @settings = split /\n/, $node->safe_psql('postgres',
	q{LOAD '$libdir/kpi_ext'; SELECT name FROM pg_settings WHERE name LIKE 'kpi\_ext.%' ORDER BY 1});
my @undocumented_settings = grep { $reference !~ /\Q$_\E/ } @settings;
is_deeply(\@undocumented_settings, [], 'every setting is in the reference');
my %setting = map { $_ => 1 } @settings;
my @phantom_settings = grep { !$setting{$_} } $reference =~ /`(kpi_ext\.[a-z_]+)`/g;
is_deeply(\@phantom_settings, [], 'every setting the reference names exists');

$node->stop;
done_testing();
