# clv_summary and mrr_summary in binary: COPY (FORMAT binary) carries them
# between clusters unchanged (every customer key type, refunds, fractions of
# seconds), and malformed bytes are rejected cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('revenue_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('revenue_target');
$target->init;
$target->start;

my $schema = 'CREATE EXTENSION kpi_ext; CREATE TABLE summaries (month int, c clv_summary, m mrr_summary)';
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);

$source->safe_psql('postgres', q{
	CREATE TABLE orders AS
	SELECT i, i % 12 AS month, (i * 7919) % 5000 AS customer,
	       ((i * 104729) % 100000 - 10000) / 1000.0 AS amount,
	       timestamptz '2024-01-01 00:00+00' + (i * 2654435761 % 63072000000000) * interval '1 microsecond' AS at,
	       (i * 13 % 500)::numeric AS prev_mrr, (i * 17 % 600)::numeric AS curr_mrr
	  FROM generate_series(1, 100000::bigint) AS i;
	INSERT INTO summaries
	SELECT month, clv_summary(customer, amount, at), mrr_summary(prev_mrr, curr_mrr) FROM orders GROUP BY month;
	INSERT INTO summaries
	SELECT 100, clv_summary('cust "' || customer || '"', amount, at), NULL FROM orders WHERE month = 1;
	INSERT INTO summaries
	SELECT 101, clv_summary(md5(customer::text)::uuid, amount, at), NULL FROM orders WHERE month = 2;
	INSERT INTO summaries VALUES (102, 'v1 text scale=0', 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0');
});

my $copy_file = $source->basedir . '/summaries.copy';
$source->safe_psql('postgres', "COPY summaries TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY summaries FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(month || ' ' || c || ' ' || coalesce(m::text, ''), E'\n' ORDER BY month)) FROM summaries};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries CLV and MRR summaries between clusters unchanged');
my $kpis = q{SELECT clv(rollup(c)), revenue(rollup(c)), nrr(rollup(m)) FROM summaries WHERE month < 100};
is($target->safe_psql('postgres', $kpis), $source->safe_psql('postgres', $kpis),
	'KPIs of the copied summaries are the same');
is($source->safe_psql('postgres', 'SELECT revenue(rollup(c)) = (SELECT sum(amount) FROM orders) FROM summaries WHERE month < 100'),
	't', 'revenue of the rolled-up summaries is sum(amount)');

sub money { my ($amount) = @_; return pack('q>q>', $amount < 0 ? -1 : 0, $amount); }

# version, key type 1 (integer), scale, count, then per customer: id, purchases, first, last, revenue
sub clv_bytes
{
	my ($version, $scale, $count, @customers) = @_;
	my $bytes = pack('CC', $version, 1) . pack('N', $scale) . pack('q>', $count);
	for my $c (@customers)
	{
		my ($id, $purchases, $first, $last, $revenue) = @$c;
		$bytes .= pack('q>q>q>q>', $id, $purchases, $first, $last) . money($revenue);
	}
	return $bytes;
}

# version, scale, rows, then (customers, amount) for starting, new, expansion, contraction, churned
sub mrr_bytes
{
	my ($version, $scale, $rows, @movements) = @_;
	my $bytes = pack('C', $version) . pack('N', $scale) . pack('q>', $rows);
	while (my ($n, $amount) = splice(@movements, 0, 2)) { $bytes .= pack('q>', $n) . money($amount); }
	return $bytes;
}

my $day = 86400 * 1000000;
my $good_clv = clv_bytes(1, 2, 2, [ 7, 2, 0, $day, 1250 ], [ 3, 1, $day, $day, -50 ]);
my $good_mrr = mrr_bytes(1, 0, 3, 2, 300, 1, 50, 1, 20, 0, 0, 1, 100);
$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE summaries)');
$target->safe_psql('postgres',
	"COPY incoming FROM '" . binary_copy_file($target, 'valid', pack('N', 99), $good_clv, $good_mrr) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT c || E\'\n\' || m FROM incoming'),
	"v1 integer scale=2; 3 purchases=1 revenue=-0.50 first=2000-01-02T00:00:00Z last=2000-01-02T00:00:00Z; "
	  . "7 purchases=2 revenue=12.50 first=2000-01-01T00:00:00Z last=2000-01-02T00:00:00Z\n"
	  . 'v1 scale=0 rows=3 starting=2/300 new=1/50 expansion=1/20 contraction=0/0 churned=1/100',
	'hand-made binary summaries read, customers sorted');

my %malformed = (
	clv_truncated => [ substr($good_clv, 0, 30), $good_mrr, qr/ends early/ ],
	clv_version => [ clv_bytes(2, 2, 0), $good_mrr, qr/version 2 is not supported/ ],
	clv_key_type => [ pack('CC', 1, 9) . substr($good_clv, 2), $good_mrr, qr/key type 9 is unknown/ ],
	clv_scale => [ clv_bytes(1, 39, 0), $good_mrr, qr/Scale 39 is outside/ ],
	clv_count_lies => [ clv_bytes(1, 2, 3, [ 7, 2, 0, $day, 1250 ]), $good_mrr, qr/ends early/ ],
	clv_negative_count => [ clv_bytes(1, 2, -1), $good_mrr, qr/negative/ ],
	clv_no_purchases => [ clv_bytes(1, 2, 1, [ 7, 0, 0, 0, 1 ]), $good_mrr, qr/at least one purchase/ ],
	clv_first_after_last => [ clv_bytes(1, 2, 1, [ 7, 1, $day, 0, 1 ]), $good_mrr, qr/first <= last/ ],
	clv_time_range => [ clv_bytes(1, 2, 1, [ 7, 1, 0, 9e18, 1 ]), $good_mrr, qr/years 1 to 9999/ ],
	clv_duplicate => [ clv_bytes(1, 2, 2, [ 7, 1, 0, 0, 1 ], [ 7, 1, 0, 0, 1 ]), $good_mrr, qr/Customer 7 appears more than once/ ],
	clv_trailing => [ $good_clv . "\0", $good_mrr, qr/incorrect binary data format/ ],
	mrr_truncated => [ $good_clv, substr($good_mrr, 0, 20), qr/ends early/ ],
	mrr_version => [ $good_clv, mrr_bytes(3, 0, 0, (0, 0) x 5), qr/version 3 is not supported/ ],
	mrr_scale => [ $good_clv, mrr_bytes(1, 40, 0, (0, 0) x 5), qr/scale must be between/ ],
	mrr_amount_without_customers => [ $good_clv, mrr_bytes(1, 0, 1, 0, 5, (0, 0) x 4), qr/needs customers/ ],
	mrr_negative => [ $good_clv, mrr_bytes(1, 0, 1, 1, -5, (0, 0) x 4), qr/cannot be negative/ ],
	mrr_churn_over_start => [ $good_clv, mrr_bytes(1, 0, 1, 1, 5, (0, 0) x 3, 1, 6), qr/cannot exceed the starting/ ],
	mrr_trailing => [ $good_clv, $good_mrr . "\0", qr/incorrect binary data format/ ],);

rejects_each($target, 'incoming', 1, sub { shift; (pack('N', 99), @_) }, %malformed);

$source->stop;
$target->stop;
done_testing();
