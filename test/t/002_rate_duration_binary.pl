# rate_summary and duration_summary in binary: COPY (FORMAT binary) carries
# them between clusters unchanged, and malformed bytes are rejected cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('binary_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('binary_target');
$target->init;
$target->start;

my $schema = 'CREATE EXTENSION kpi_ext; CREATE TABLE summaries (day int, r rate_summary, d duration_summary)';
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);

# durations from zero to about ten years, so sparse and dense summaries both occur
$source->safe_psql('postgres', q{
	INSERT INTO summaries
	SELECT day, rate_summary(i % 7 = 0),
	       duration_summary(make_interval(secs => CASE WHEN day % 2 = 0 THEN i % 97 ELSE power(1.000065, i) END))
	  FROM generate_series(1, 300000) AS i, LATERAL (SELECT i % 10 AS day) AS d
	 GROUP BY day;
	INSERT INTO summaries VALUES (10, 'v1 0/0', 'v1'), (11, 'v1 5/5', 'v1 p=0.9 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1');
});

my $copy_file = $source->basedir . '/summaries.copy';
$source->safe_psql('postgres', "COPY summaries TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY summaries FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT string_agg(day || ' ' || r || ' ' || d, E'\n' ORDER BY day) FROM summaries};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries rate and duration summaries between clusters unchanged');
is($target->safe_psql('postgres', 'SELECT percentiles(rollup(d), ARRAY[0.5, 0.9]) FROM summaries'),
	$source->safe_psql('postgres', 'SELECT percentiles(rollup(d), ARRAY[0.5, 0.9]) FROM summaries'),
	'percentiles of the copied summaries are the same');

sub rate_bytes { my ($version, $hits, $trials) = @_; return pack('C', $version) . pack('q>q>', $hits, $trials); }

# version, p, count, sum seconds, sum micros, min, max, then (bucket, count) pairs
sub duration_bytes
{
	my ($version, $count, $min, $max, @buckets) = @_;
	my $bytes = pack('C', $version) . pack('d>', -1) . pack('q>q>q>q>q>', $count, 0, $min + $max, $min, $max);
	$bytes .= pack('N', scalar(@buckets) / 2);
	while (my ($bucket, $n) = splice(@buckets, 0, 2)) { $bytes .= pack('n', $bucket) . pack('q>', $n); }
	return $bytes;
}

my $good_rate = rate_bytes(1, 3, 10);
my $good_duration = duration_bytes(1, 2, 1, 2, 1, 1, 2, 1);
$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE summaries)');
$target->safe_psql('postgres',
	"COPY incoming FROM '" . binary_copy_file($target, 'valid', pack('N', 99), $good_rate, $good_duration) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT r || \' \' || d FROM incoming'),
	'v1 3/10 v1 count=2 sum=0.000003 min=0.000001 max=0.000002 1:1 2:1',
	'hand-made binary summaries read');

my %malformed = (
	rate_truncated => [ substr($good_rate, 0, 9), $good_duration, qr/ends early/ ],
	rate_version => [ rate_bytes(2, 3, 10), $good_duration, qr/version 2 is not supported/ ],
	rate_hits_over_trials => [ rate_bytes(1, 11, 10), $good_duration, qr/exceed trials/ ],
	rate_negative => [ rate_bytes(1, -1, 10), $good_duration, qr/cannot be negative/ ],
	rate_trailing => [ $good_rate . "\0", $good_duration, qr/incorrect binary data format/ ],
	duration_truncated => [ $good_rate, substr($good_duration, 0, 30), qr/ends early/ ],
	duration_version => [ $good_rate, duration_bytes(7, 2, 1, 2, 1, 1, 2, 1), qr/version 7 is not supported/ ],
	duration_count_mismatch => [ $good_rate, duration_bytes(1, 3, 1, 2, 1, 1, 2, 1), qr/count does not match/ ],
	duration_bucket_order => [ $good_rate, duration_bytes(1, 2, 1, 2, 2, 1, 1, 1), qr/increasing order/ ],
	duration_bucket_range => [ $good_rate, duration_bytes(1, 1, 1, 1, 4000, 1), qr/increasing order within/ ],
	duration_min_max => [ $good_rate, duration_bytes(1, 2, 5, 2, 1, 1, 2, 1), qr/minimum and maximum/ ],
	duration_bucket_count_lies => [ $good_rate, substr(duration_bytes(1, 2, 1, 2, 1, 1, 2, 1), 0, -10), qr/does not match its length/ ],
	duration_trailing => [ $good_rate, $good_duration . "\0", qr/incorrect binary data format/ ],);

rejects_each($target, 'incoming', 1, sub { shift; (pack('N', 99), @_) }, %malformed);

$source->stop;
$target->stop;
done_testing();
