# health_score in binary: COPY (FORMAT binary) carries it between clusters
# unchanged, and malformed bytes are rejected cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('health_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('health_target');
$target->init;
$target->start;

my $schema = 'CREATE EXTENSION kpi_ext; CREATE TABLE accounts (id int, h health_score)';
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);
$source->safe_psql('postgres', q{
	INSERT INTO accounts
	SELECT i, health_score(ARRAY['usage', 'nps', 'support "load"'],
	                       ARRAY[(i * 37) % 101, (i * 53) % 1001 / 10.0, 100.0 / (i + 2)],
	                       ARRAY[1 + i % 3, 0.5, 1e-3 * i])
	  FROM generate_series(1, 2000) AS i;
});

my $copy_file = $source->basedir . '/accounts.copy';
$source->safe_psql('postgres', "COPY accounts TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY accounts FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(id || ' ' || h || ' ' || score(h), E'\n' ORDER BY id)) FROM accounts};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries health scores between clusters unchanged');

# version, count, then (name, value, weight) per component
sub health_bytes
{
	my ($version, $count, @components) = @_;
	my $bytes = pack('CC', $version, $count);
	while (my ($name, $value, $weight) = splice(@components, 0, 3))
	{
		$bytes .= pack('C', length $name) . $name . pack('d>d>', $value, $weight);
	}
	return $bytes;
}

$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE accounts)');
$target->safe_psql('postgres',
	"COPY incoming FROM '" . binary_copy_file($target, 'valid', pack('N', 99), health_bytes(1, 2, 'usage', 80, 2, 'nps', 65.5, 1)) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT h FROM incoming'), 'v1 nps=65.5 weight=1, usage=80 weight=2',
	'hand-made binary health score read, components sorted');

my $good = health_bytes(1, 1, 'a', 1, 1);
my %malformed = (
	truncated => [ substr($good, 0, 10), qr/ends early/ ],
	version => [ health_bytes(2, 1, 'a', 1, 1), qr/version 2 is not supported/ ],
	no_components => [ health_bytes(1, 0), qr/1 to 32 components, not 0/ ],
	too_many => [ pack('CC', 1, 33), qr/1 to 32 components, not 33/ ],
	count_lies => [ health_bytes(1, 2, 'a', 1, 1), qr/ends early/ ],
	value_range => [ health_bytes(1, 1, 'a', 101, 1), qr/value 101 of component "a" is outside 0..100/ ],
	value_nan => [ health_bytes(1, 1, 'a', 'NaN', 1), qr/outside 0..100/ ],
	weight_zero => [ health_bytes(1, 1, 'a', 1, 0), qr/not a positive finite number/ ],
	weight_infinite => [ health_bytes(1, 1, 'a', 1, 9**9**9), qr/not a positive finite number/ ],
	duplicate => [ health_bytes(1, 2, 'a', 1, 1, 'a', 2, 1), qr/appears more than once/ ],
	empty_name => [ health_bytes(1, 1, '', 1, 1), qr/0 bytes long/ ],
	zero_byte => [ health_bytes(1, 1, "a\0b", 1, 1), qr/invalid byte sequence/ ],
	bad_encoding => [ health_bytes(1, 1, "\xff\xfe", 1, 1), qr/invalid byte sequence/ ],
	trailing => [ $good . "\0", qr/incorrect binary data format/ ],);

rejects_each($target, 'incoming', 1, sub { shift; (pack('N', 99), @_) }, %malformed);

$source->stop;
$target->stop;
done_testing();
