# subscription_summary in binary: COPY (FORMAT binary) carries it between
# clusters unchanged (every customer key type, fractions of seconds), and
# malformed bytes are rejected cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('subscriptions_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('subscriptions_target');
$target->init;
$target->start;

my $schema = 'CREATE EXTENSION kpi_ext; CREATE TABLE timelines (label text, u subscription_summary)';
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);
$source->safe_psql('postgres', q{
	CREATE TABLE subs AS
	SELECT i, (i * 7919) % 3000 AS customer, (i * 104729 % 30000) / 100.0 AS mrr,
	       timestamptz '2024-01-01 00:00+00' + (i * 2654435761 % 63072000000000) * interval '1 microsecond' AS valid_from,
	       CASE WHEN i % 4 > 0 THEN interval '1 day' * (1 + i % 400) END AS length
	  FROM generate_series(1, 50000::bigint) AS i;
	INSERT INTO timelines
	SELECT 'integer', subscription_summary(customer, mrr, valid_from, valid_from + length) FROM subs
	UNION ALL SELECT 'bigint', subscription_summary(customer::bigint * 1000000000000, mrr, valid_from, valid_from + length) FROM subs
	UNION ALL SELECT 'text', subscription_summary('cust "' || customer || '"', mrr, valid_from, valid_from + length) FROM subs
	UNION ALL SELECT 'uuid', subscription_summary(md5(customer::text)::uuid, mrr, valid_from, valid_from + length) FROM subs
	UNION ALL SELECT 'empty', 'v1 text scale=0';
});

my $copy_file = $source->basedir . '/timelines.copy';
$source->safe_psql('postgres', "COPY timelines TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY timelines FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(label || ' ' || u, E'\n' ORDER BY label)) FROM timelines};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries subscription summaries between clusters unchanged');
my $kpis = q{SELECT label, nrr(u, '2024-06-01', '2025-06-01'), logo_churn_rate(u, '2024-06-01', '2025-06-01')
	FROM timelines WHERE label <> 'empty' ORDER BY label};
is($target->safe_psql('postgres', $kpis), $source->safe_psql('postgres', $kpis),
	'KPIs of the copied summaries are the same');

sub money { my ($amount) = @_; return pack('q>q>', $amount < 0 ? -1 : 0, $amount); }

# version, key type 1 (integer), scale, customers, then per customer: id,
# the number of change points and each as time and MRR from then on
sub subs_bytes
{
	my ($version, $scale, $count, @customers) = @_;
	my $bytes = pack('CC', $version, 1) . pack('N', $scale) . pack('q>', $count);
	for my $c (@customers)
	{
		my ($id, @points) = @$c;
		$bytes .= pack('q>', $id) . pack('N', @points / 2);
		while (my ($at, $mrr) = splice(@points, 0, 2)) { $bytes .= pack('q>', $at) . money($mrr); }
	}
	return $bytes;
}

my $day = 86400 * 1000000;
my $good = subs_bytes(1, 2, 2, [ 3, 0, 1250, $day, 0 ], [ 7, 0, 50, 2 * $day, 75 ]);
$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE timelines)');
$target->safe_psql('postgres', "COPY incoming FROM '" . binary_copy_file($target, 'valid', 'valid', $good) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT u FROM incoming'),
	'v1 integer scale=2; 3 2000-01-01T00:00:00Z=12.50 2000-01-02T00:00:00Z=0.00; '
	  . '7 2000-01-01T00:00:00Z=0.50 2000-01-03T00:00:00Z=0.75',
	'a hand-made binary summary reads');
# customers in any order (byte order differs between encodings), stored sorted
$target->safe_psql('postgres', "COPY incoming FROM '"
	  . binary_copy_file($target, 'unsorted', 'unsorted', subs_bytes(1, 2, 2, [ 7, 0, 50, 2 * $day, 75 ], [ 3, 0, 1250, $day, 0 ])) . "' (FORMAT binary)");
is($target->safe_psql('postgres', "SELECT count(*) FROM (SELECT u FROM incoming GROUP BY u) AS t"), '1', 'customers in any order read as the same summary');

my %malformed = (
	truncated => [ substr($good, 0, 30), qr/ends early/ ],
	version => [ subs_bytes(2, 2, 0), qr/version 2 is not supported/ ],
	key_type => [ pack('CC', 1, 9) . substr($good, 2), qr/key type 9 is unknown/ ],
	scale => [ subs_bytes(1, 39, 0), qr/Scale 39 is outside/ ],
	count_lies => [ subs_bytes(1, 2, 3, [ 7, 0, 5 ]), qr/ends early/ ],
	negative_count => [ subs_bytes(1, 2, -1), qr/negative/ ],
	no_points => [ subs_bytes(1, 2, 1, [ 7 ]), qr/at least one change point/ ],
	first_zero => [ subs_bytes(1, 2, 1, [ 7, 0, 0 ]), qr/different from the one before/ ],
	unchanged => [ subs_bytes(1, 2, 1, [ 7, 0, 5, $day, 5 ]), qr/different from the one before/ ],
	negative_mrr => [ subs_bytes(1, 2, 1, [ 7, 0, 5, $day, -5 ]), qr/different from the one before/ ],
	time_order => [ subs_bytes(1, 2, 1, [ 7, $day, 5, 0, 6 ]), qr/increasing time order/ ],
	time_range => [ subs_bytes(1, 2, 1, [ 7, 9e18, 5 ]), qr/years 1 to 9999/ ],
	duplicate => [ subs_bytes(1, 2, 2, [ 7, 0, 5 ], [ 7, $day, 5 ]), qr/appears more than once/ ],
	duplicate_apart => [ subs_bytes(1, 2, 3, [ 7, 0, 5 ], [ 3, 0, 5 ], [ 7, $day, 5 ]), qr/Customer 7 appears more than once/ ],
	trailing => [ $good . "\0", qr/incorrect binary data format/ ],);

rejects_each($target, 'incoming', 2, sub { @_ }, %malformed);

$source->stop;
$target->stop;
done_testing();
