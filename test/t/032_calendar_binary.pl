# business_calendar in binary: COPY (FORMAT binary) carries calendars with
# and without closed ranges between clusters unchanged, and malformed bytes
# are rejected cleanly.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiCopy;

my $source = PostgreSQL::Test::Cluster->new('calendar_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('calendar_target');
$target->init;
$target->start;

my $schema = 'CREATE EXTENSION kpi_ext; CREATE TABLE calendars (label text, cal business_calendar)';
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);
$source->safe_psql('postgres', q{
	INSERT INTO calendars VALUES
	    ('office', business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01}')),
	    ('night', business_calendar('Europe/Berlin', 'fri 22:00-02:00; mon-thu 08:00-12:00,13:00-17:00', '{}', '2025-01-11 00:00-01:00')),
	    ('edges', business_calendar('UTC', '24/7', '{0001-01-02}', '0001-01-01 00:00-00:01; 9999-12-31 23:59-24:00'));
	-- a range on every third day of 2025, two on every seventh
	INSERT INTO calendars
	SELECT 'many', business_calendar('Europe/Berlin', 'mon-fri 08:00-17:00; sun 01:00-04:00', '{2025-12-25}',
	           string_agg(to_char(d, 'YYYY-MM-DD') || CASE WHEN i % 7 = 0 THEN ' 08:00-09:30,12:00-24:00' ELSE ' 02:30-10:15' END, '; '))
	  FROM generate_series(0, 364, 3) AS i, LATERAL (SELECT date '2025-01-01' + i AS d) AS x;
});

my $copy_file = $source->basedir . '/calendars.copy';
$source->safe_psql('postgres', "COPY calendars TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY calendars FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(label || ' ' || cal, E'\n' ORDER BY label)) FROM calendars};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries business calendars between clusters unchanged');
my $open = q{SELECT string_agg(label || ' ' || business_duration('2024-12-30 00:00+00', '2026-01-02 00:00+00', cal), ', ' ORDER BY label)
	FROM calendars};
is($target->safe_psql('postgres', $open), $source->safe_psql('postgres', $open),
	'the open time of the copied calendars is the same');
is($target->safe_psql('postgres', q{SELECT count(*) FROM calendars WHERE cal::text LIKE 'v2 %'}), '3',
	'the calendars with closed ranges are version 2');

# version, zone, per weekday its [start, end] minutes, holidays (days since
# 2000-01-01), then for version 2 the closed ranges as [date, start, end]
sub calendar_bytes
{
	my ($version, $zone, $week, $holidays, $ranges) = @_;
	my $bytes = pack('C', $version) . pack('N', length $zone) . $zone;
	for my $day (@$week)
	{
		$bytes .= pack('N', scalar @$day);
		$bytes .= pack('NN', @$_) for @$day;
	}
	$bytes .= pack('N', scalar @$holidays) . join('', map { pack('N', $_) } @$holidays);
	if (defined $ranges)
	{
		$bytes .= pack('N', scalar @$ranges);
		$bytes .= pack('NNN', @$_) for @$ranges;
	}
	return $bytes;
}

my @weekdays = (([ [ 540, 1020 ] ]) x 5, [], []);    # mon-fri 09:00-17:00
my $friday = 9218;                                   # 2025-03-28
my $monday = 9221;                                   # 2025-03-31
my $good = calendar_bytes(2, 'UTC', \@weekdays, [$monday], [ [ $friday, 780, 1020 ] ]);
$target->safe_psql('postgres', 'CREATE TABLE incoming (LIKE calendars)');
$target->safe_psql('postgres', "COPY incoming FROM '" . binary_copy_file($target, 'valid', 'valid', $good) . "' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT cal FROM incoming'),
	'v2 UTC [mon-fri 09:00-17:00] {2025-03-31} (2025-03-28 13:00-17:00)', 'a hand-made binary calendar with a closed range reads');
is($target->safe_psql('postgres', q{SELECT business_calendar_send(cal) = '\x} . unpack('H*', $good) . q{' FROM incoming}), 't',
	'it is sent back as it came');

my $ranges_error = qr/Closed ranges are out of order, out of range or on a holiday/;
my %malformed = (
	truncated => [ substr($good, 0, 20), qr/ends early/ ],
	truncated_ranges => [ substr($good, 0, length($good) - 5), qr/closed range count is invalid/ ],
	version => [ calendar_bytes(3, 'UTC', \@weekdays, [], [ [ $friday, 780, 1020 ] ]), qr/Unsupported version 3/ ],
	no_ranges => [ calendar_bytes(2, 'UTC', \@weekdays, [], []), qr/closed range count is invalid/ ],
	count_lies => [ calendar_bytes(2, 'UTC', \@weekdays, []) . pack('N', 2) . pack('NNN', $friday, 780, 1020),
		qr/closed range count is invalid/ ],
	negative_count => [ calendar_bytes(2, 'UTC', \@weekdays, []) . pack('N', 0xFFFFFFFF), qr/closed range count is invalid/ ],
	order => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ $monday, 600, 660 ], [ $friday, 780, 1020 ] ]), $ranges_error ],
	order_in_date => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ $friday, 780, 1020 ], [ $friday, 600, 660 ] ]), $ranges_error ],
	touching => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ $friday, 600, 660 ], [ $friday, 660, 700 ] ]), $ranges_error ],
	empty_range => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ $friday, 660, 660 ] ]), $ranges_error ],
	past_midnight => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ $friday, 1380, 1441 ] ]), $ranges_error ],
	negative_start => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ $friday, 0xFFFFFFFF, 60 ] ]), $ranges_error ],
	on_holiday => [ calendar_bytes(2, 'UTC', \@weekdays, [$monday], [ [ $monday, 600, 660 ] ]), $ranges_error ],
	date_range => [ calendar_bytes(2, 'UTC', \@weekdays, [], [ [ 2921940, 600, 660 ] ]), $ranges_error ],
	v1_with_ranges => [ calendar_bytes(1, 'UTC', \@weekdays, [], [ [ $friday, 780, 1020 ] ]), qr/incorrect binary data format/ ],
	trailing => [ $good . "\0", qr/incorrect binary data format/ ],);

rejects_each($target, 'incoming', 1, sub { @_ }, %malformed);

$source->stop;
$target->stop;
done_testing();
