# score_summary as stored data: it survives a restart, travels between two
# clusters in binary COPY, rejects malformed binary input cleanly, and the
# aggregates agree with the hand-written formula on a million rows.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('source');
$source->init;
$source->start;
$source->safe_psql('postgres', 'CREATE EXTENSION kpi_ext');

$source->safe_psql('postgres', q{
	CREATE TABLE answers AS
	SELECT i AS id, i % 90 AS day, (i * 7 + i / 13) % 11 AS score
	  FROM generate_series(1, 1000000) AS i;
	CREATE TABLE daily AS
	SELECT day, score_summary(score) AS s FROM answers GROUP BY day;
});

# large data: parallel and serial plans both equal the hand-written formula
my $hand_written = $source->safe_psql('postgres', q{
	SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6))
	       / count(score) FROM answers});
for my $workers (0, 2)
{
	my $nps = $source->safe_psql('postgres', qq{
		SET max_parallel_workers_per_gather = $workers;
		SET parallel_setup_cost = 0;
		SET min_parallel_table_scan_size = 0;
		SELECT abs(nps_agg(score) - $hand_written) < 1e-9 FROM answers});
	is($nps, 't', "nps_agg over 1M rows with $workers workers equals the hand-written formula");
}

my $before = $source->safe_psql('postgres', 'SELECT string_agg(s::text, \'|\' ORDER BY day) FROM daily');
$source->restart;
is($source->safe_psql('postgres', 'SELECT string_agg(s::text, \'|\' ORDER BY day) FROM daily'),
	$before, 'stored summaries survive a restart');

# binary COPY from one cluster into another
my $target = PostgreSQL::Test::Cluster->new('target');
$target->init;
$target->start;
$target->safe_psql('postgres', 'CREATE EXTENSION kpi_ext; CREATE TABLE daily (day int, s score_summary)');

my $copy_file = $source->basedir . '/daily.copy';
$source->safe_psql('postgres', "COPY daily TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY daily FROM '$copy_file' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT string_agg(s::text, \'|\' ORDER BY day) FROM daily'),
	$before, 'binary COPY carries summaries between clusters unchanged');
is($target->safe_psql('postgres', 'SELECT nps(rollup(s)) FROM daily'),
	$source->safe_psql('postgres', 'SELECT nps_agg(score) FROM answers'),
	'rollup on the target equals the one-step NPS on the source');

sub summary_bytes
{
	my ($version, $scale, @counts) = @_;
	return pack('CC', $version, $scale) . join('', map { pack('q>', $_) } @counts);
}

my @valid_counts = (1, 0, 0, 0, 0, 0, 2, 0, 3, 0, 4);
$target->safe_psql('postgres', 'CREATE TABLE incoming (s score_summary)');
$target->safe_psql('postgres',
	"COPY incoming FROM '" . binary_copy_file($target, 'valid', summary_bytes(1, 0, @valid_counts)) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT s FROM incoming'), 'v1 0:1 6:2 8:3 10:4', 'hand-made binary summary reads');

my %malformed = (
	empty => [ '', qr/ends early/ ],
	truncated => [ substr(summary_bytes(1, 0, @valid_counts), 0, 50), qr/ends early/ ],
	future_version => [ summary_bytes(2, 0, @valid_counts), qr/version 2 is not supported/ ],
	bad_scale => [ summary_bytes(1, 11, @valid_counts), qr/Scale 11 is outside/ ],
	score_outside_scale => [ summary_bytes(1, 5, @valid_counts), qr/Score 0 is outside 1\.\.5/ ],
	negative_count => [ summary_bytes(1, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0), qr/negative/ ],
	overflowing_total => [
		summary_bytes(1, 0, 9223372036854775807, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0),
		qr/more than bigint/ ],
	trailing_bytes => [ summary_bytes(1, 0, @valid_counts) . "\0", qr/incorrect binary data format/ ],);

rejects_each($target, 'incoming', 1, sub { shift; @_ }, %malformed);

$source->stop;
$target->stop;
done_testing();
