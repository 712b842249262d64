# status_summary in binary: COPY (FORMAT binary) carries it between clusters
# unchanged (ties, quotes, fractions of seconds, long histories), and
# malformed bytes are rejected cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('status_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('status_target');
$target->init;
$target->start;

my $schema = 'CREATE EXTENSION kpi_ext; CREATE TABLE histories (label text, h status_summary)';
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);
$source->safe_psql('postgres', q{
	CREATE TABLE changes AS
	SELECT i % 500 AS ticket, (ARRAY['new', 'open', 'pending', 'on-hold', 'solved', 'say "hi"', ''])[1 + (i * 7919) % 7] AS status,
	       timestamptz '2024-01-01 00:00+00' + (i * 2654435761 % 6307200000) * interval '1 millisecond' AS changed_at
	  FROM generate_series(1, 20000::bigint) AS i;
	INSERT INTO histories
	SELECT 'ticket ' || ticket, status_summary(status, changed_at) FROM changes GROUP BY ticket
	UNION ALL SELECT 'all', status_summary(status, changed_at) FROM changes
	UNION ALL SELECT 'tied', 'v1 0001-01-01T00:00:00Z "b", 0001-01-01T00:00:00Z "a", 9999-12-31T23:59:59.999999Z "a"';
});

my $copy_file = $source->basedir . '/histories.copy';
$source->safe_psql('postgres', "COPY histories TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY histories FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(label || ' ' || h, E'\n' ORDER BY label)) FROM histories};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries status summaries between clusters unchanged');
my $kpis = q{SELECT sum(extract(epoch FROM time_in_status(h, 'pending', '9999-12-31 23:59:59.999999+00'))),
	sum(status_changes(h)), count(DISTINCT last_status(h)) FROM histories};
is($target->safe_psql('postgres', $kpis), $source->safe_psql('postgres', $kpis),
	'time in status of the copied summaries is the same');

# version, count, then each change as time and status
sub status_bytes
{
	my ($version, $count, @changes) = @_;
	my $bytes = pack('C', $version) . pack('N', $count);
	while (my ($at, $status) = splice(@changes, 0, 2)) { $bytes .= pack('q>', $at) . pack('N', length $status) . $status; }
	return $bytes;
}

my $hour = 3600 * 1000000;
my $good = status_bytes(1, 3, 0, 'new', $hour, 'open', 2 * $hour, 'solved');
$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE histories)');
$target->safe_psql('postgres', "COPY incoming FROM '" . binary_copy_file($target, 'valid', 'valid', $good) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT h FROM incoming'),
	'v1 2000-01-01T00:00:00Z "new", 2000-01-01T01:00:00Z "open", 2000-01-01T02:00:00Z "solved"',
	'a hand-made binary summary reads');
# changes at one instant in any order (byte order differs between encodings), stored sorted
$target->safe_psql('postgres', "COPY incoming FROM '"
	  . binary_copy_file($target, 'ties', 'ties', status_bytes(1, 2, 0, 'b', 0, 'a')) . "' (FORMAT binary)");
is($target->safe_psql('postgres', "SELECT h FROM incoming WHERE label = 'ties'"),
	'v1 2000-01-01T00:00:00Z "a", 2000-01-01T00:00:00Z "b"', 'changes at one instant in any order are stored in byte order');

my %malformed = (
	truncated => [ substr($good, 0, 20), qr/ends early|does not match/ ],
	version => [ status_bytes(2, 1, 0, 'a'), qr/version 2 is not supported/ ],
	empty => [ status_bytes(1, 0), qr/at least one change/ ],
	count_lies => [ status_bytes(1, 3, 0, 'a'), qr/does not match the data/ ],
	negative_count => [ pack('C', 1) . pack('N', 0xFFFFFFFF), qr/does not match the data/ ],
	negative_length => [ pack('C', 1) . pack('N', 1) . pack('q>', 0) . pack('N', 0xFFFFFFFF), qr/status_summary/ ],
	time_order => [ status_bytes(1, 2, $hour, 'a', 0, 'b'), qr/time order/ ],
	time_range => [ status_bytes(1, 1, 9e18, 'a'), qr/years 1 to 9999/ ],
	duplicate => [ status_bytes(1, 2, 0, 'a', 0, 'a'), qr/more than once/ ],
	bad_encoding => [ status_bytes(1, 1, 0, "\xff\xfe"), qr/invalid byte sequence/ ],
	trailing => [ $good . "\0", qr/bytes after the last change/ ],);

rejects_each($target, 'incoming', 2, sub { @_ }, %malformed);

$source->stop;
$target->stop;
done_testing();
