# The reference (doc/kpi_ext.md) document every object the extension installs,
# and document nothing that does not exist: every function and aggregate
# overload by its argument types, and types, operators and settings,
# compared with the catalog both ways.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('reference');
$node->init;
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION kpi_ext');

open my $fh, '<', 'doc/kpi_ext.md' or die "cannot read doc/kpi_ext.md: $!";
my $readme = do { local $/; <$fh> };
close $fh;
my $reference = join "\n", $readme =~ /^## Reference[^\n]*\n(.*?)(?=^## )/msg;
ok(length $reference > 0, 'doc/kpi_ext.md has reference sections');

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

# Signatures.  Reference tables name calls in their first cell, written
# three ways: with types (`rollup(score_summary)`, `band(h, yellow_from
# float8, green_from float8)`, defaults allowed), with argument names only,
# or with one type after several names (`clv(avg_purchase_value,
# purchase_frequency, lifespan numeric)`).  An argument without a type has
# the types README gives it in prose (score, customer), is a summary or a
# health score (s, a, b, h), shares the type written after it, or has the
# type the same name has elsewhere in the reference.
my %prose_types = (
	score => [ 'smallint', 'integer', 'bigint', 'numeric', 'text' ], # "`score` is `smallint`, `integer`, `bigint`, `numeric` or `text`"
	customer => [ 'integer', 'bigint', 'text', 'uuid' ], # "The customer key may be `integer`, `bigint`, `text` or `uuid`"
);
# not array types, nor (from PostgreSQL 17 on) kpi_catalog's row type
my @own_types = extension_objects('pg_type', 'typname', q{AND o.typcategory <> 'A' AND o.typtype <> 'c'});
$prose_types{$_} = \@own_types for qw(s a b h);

my @calls;    # [ name, [ [ argument name or '', type or '' ], ... ] ]
for my $row ($reference =~ /^\|([^|\n]*)\|/mg)
{
	while ($row =~ /`([a-z_][a-z0-9_]*)\(([^()`]*)\)`/g)
	{
		my ($name, $list) = ($1, $2);
		my @arguments = map {
			s/\s+DEFAULT\s+.*$//i;
			/^(\w+)\s+(.+)$/ ? [ $1, $2 ] : [ $_, '' ]
		} grep { length } map { s/^\s+|\s+$//gr } split /,/, $list;
		push @calls, [ $name, \@arguments ];
	}
}
# the server's spelling of every type written in the reference; a bare word
# that is a type is a type, not an argument name
my @written = do { my %seen; grep { !$seen{$_}++ } map { map { $_->[1] || $_->[0] } @{ $_->[1] } } @calls };
my %type_of = map { split /\|/, $_, -1 } split /\n/, $node->safe_psql('postgres',
	'SELECT w, coalesce(format_type(to_regtype(w), NULL), \'\') FROM unnest($${' . join(',', map { qq{"$_"} } @written)
	  . '}$$::text[]) AS w');
for my $call (@calls)
{
	$_ = $_->[1] eq '' && $type_of{ $_->[0] } ? [ '', $_->[0] ] : $_ for @{ $call->[1] };
}
my %named_types;
for my $argument (map { @{ $_->[1] } } @calls)
{
	my ($name, $type) = @$argument;
	push @{ $named_types{$name} }, $type_of{$type} if $name ne '' && $type ne '';
}

my @unresolved;
my @documented;    # [ call as written, name, [ [ types allowed ], ... ] ]
for my $call (@calls)
{
	my ($name, $arguments) = @$call;
	my @allowed;
	for my $i (0 .. $#$arguments)
	{
		my ($argument, $type) = @{ $arguments->[$i] };
		my ($shared) = map { $_->[1] } grep { $_->[1] ne '' } @{$arguments}[ $i .. $#$arguments ];
		my $types =
		    $type ne '' ? [ $type_of{$type} ]
		  : $prose_types{$argument} ? $prose_types{$argument}
		  : $shared ? [ $type_of{$shared} ]
		  : $named_types{$argument};
		push @unresolved, "$name($argument)" unless $types;
		push @allowed, $types // [];
	}
	push @documented, [ "$name(" . join(', ', map { join ' ', grep { $_ ne '' } @$_ } @$arguments) . ')', $name, \@allowed ];
}
is_deeply(\@unresolved, [], 'every argument in the reference tables has a type, written or implied')
  or diag(join "\n", @unresolved);

# every overload of the extension, with its argument types
my @overloads = map { [ split /\|/, $_, -1 ] } split /\n/, $node->safe_psql('postgres', q{
	SELECT p.oid::regprocedure, p.proname, array_to_string(ARRAY(SELECT format_type(t, NULL) FROM unnest(p.proargtypes) AS t), ',')
	  FROM pg_proc AS p
	  JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
	 ORDER BY 1::text});
sub documents
{
	my ($doc, $overload) = @_;
	my (undef, $name, $allowed) = @$doc;
	my (undef, $proname, $types) = @$overload;
	my @types = split /,/, $types;
	return 0 unless $name eq $proname && @types == @$allowed;
	for my $i (0 .. $#types)
	{
		return 0 unless grep { $_ eq $types[$i] } @{ $allowed->[$i] };
	}
	return 1;
}
my @undocumented = map { $_->[0] } grep { my $o = $_; !grep { documents($_, $o) } @documented } @overloads;
is_deeply(\@undocumented, [], 'every function and aggregate overload is in a reference table')
  or diag(join "\n", @undocumented);
my @phantoms = map { $_->[0] } grep { my $d = $_; !grep { documents($d, $_) } @overloads } @documented;
is_deeply(\@phantoms, [], 'every signature the reference tables list exists')
  or diag(join "\n", @phantoms);

my @undocumented_types = grep { $reference !~ /`\Q$_\E`|\b\Q$_\E\b/ } @own_types;
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
