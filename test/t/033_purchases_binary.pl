# btyd_purchases in binary: COPY (FORMAT binary) carries btyd_customer's
# states between clusters unchanged, and malformed bytes are rejected
# cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('purchases_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('purchases_target');
$target->init;
$target->start;

my $schema = q{CREATE EXTENSION kpi_ext; CREATE TABLE states (customer int, p btyd_purchases);
	CREATE AGGREGATE purchase_state(date, numeric, date, interval) (SFUNC = btyd_purchases_add, STYPE = btyd_purchases)};
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);
$source->safe_psql('postgres', q{
	INSERT INTO states
	SELECT i % 2000, purchase_state(date '2022-01-01' + ((i * 7919) % 1500)::int, (i * 104729 % 100000) / 1000.0,
	                                '2025-06-30', interval '1 day 06:00')
	  FROM generate_series(1, 30000::bigint) AS i GROUP BY i % 2000
	UNION ALL SELECT -1, 'v1 end=2025-06-30 unit=1 scale=0'});

my $copy_file = $source->basedir . '/states.copy';
$source->safe_psql('postgres', "COPY states TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY states FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(customer || ' ' || p || ' ' || coalesce(btyd_customer(p)::text, '-'), E'\n' ORDER BY customer)) FROM states};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries purchase states and their rows between clusters unchanged');

sub money { my ($amount) = @_; return pack('q>q>', $amount < 0 ? -1 : 0, $amount); }

# version, observation_end (days from 2000-01-01), unit (microseconds),
# scale, number of days, then each day and its spend
sub purchase_bytes
{
	my ($version, $end, $unit, $scale, $count, @days) = @_;
	my $bytes = pack('C', $version) . pack('N', $end) . pack('q>', $unit) . pack('N', $scale) . pack('N', $count);
	while (my ($day, $spend) = splice(@days, 0, 2)) { $bytes .= pack('N', $day) . money($spend); }
	return $bytes;
}

my $week = 7 * 86400 * 1000000;
my $good = purchase_bytes(1, 90, $week, 2, 2, 0, 1250, 14, 725);
$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE states)');
$target->safe_psql('postgres', "COPY incoming FROM '" . binary_copy_file($target, 'valid', pack('N', 1), $good) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT p, btyd_customer(p) FROM incoming'),
	'v1 end=2000-03-31 unit=604800000000 scale=2; 2000-01-01=12.50 2000-01-15=7.25|(1,2,12.857142857142858,7.25)',
	'a hand-made binary state reads');

my %malformed = (
	truncated => [ substr($good, 0, 25), qr/number of days does not match/ ],
	version => [ purchase_bytes(2, 90, $week, 2, 0), qr/version 2 is not supported/ ],
	end_range => [ purchase_bytes(1, 3000000, $week, 2, 0), qr/observation_end lies outside/ ],
	unit_zero => [ purchase_bytes(1, 90, 0, 2, 0), qr/unit is not positive/ ],
	unit_negative => [ purchase_bytes(1, 90, -$week, 2, 0), qr/unit is not positive/ ],
	scale => [ purchase_bytes(1, 90, $week, 39, 0), qr/Scale 39 is outside/ ],
	count_lies => [ purchase_bytes(1, 90, $week, 2, 3, 0, 5), qr/ends early/ ],
	count_beyond_bytes => [ purchase_bytes(1, 90, $week, 2, 1000, 0, 5), qr/number of days does not match/ ],
	negative_count => [ purchase_bytes(1, 90, $week, 2, -1), qr/number of days does not match/ ],
	after_end => [ purchase_bytes(1, 90, $week, 2, 1, 91, 5), qr/Purchase day 1 is outside the years 1 to 9999 or after observation_end/ ],
	before_year_1 => [ purchase_bytes(1, 90, $week, 2, 1, -800000, 5), qr/Purchase day 1 is outside/ ],
	day_order => [ purchase_bytes(1, 90, $week, 2, 2, 14, 5, 0, 6), qr/Purchase day 2 is not after the day before it/ ],
	same_day => [ purchase_bytes(1, 90, $week, 2, 2, 14, 5, 14, 6), qr/Purchase day 2 is not after the day before it/ ],
	negative_spend => [ purchase_bytes(1, 90, $week, 2, 1, 14, -5), qr/Purchase day 1 has a negative spend/ ],
	trailing => [ $good . "\0", qr/Bytes are left over|incorrect binary data format/ ],);

rejects_each($target, 'incoming', 1, sub { my ($case, @bytes) = @_; return (pack('N', 2), @bytes) }, %malformed);

$source->stop;
$target->stop;
done_testing();
