# The customer-base models and their state in binary: COPY (FORMAT binary)
# carries btyd_summary and the four model types between clusters
# unchanged, the fits of the copied states equal the originals, and
# malformed bytes are rejected cleanly (22P03).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $source = PostgreSQL::Test::Cluster->new('btyd_source');
$source->init;
$source->start;
my $target = PostgreSQL::Test::Cluster->new('btyd_target');
$target->init;
$target->start;

my $schema = q{CREATE EXTENSION kpi_ext;
	CREATE AGGREGATE bgnbd_state(bigint, float8, float8) (
	    SFUNC = btyd_summary_add_bgnbd, STYPE = btyd_summary, COMBINEFUNC = btyd_summary_merge);
	CREATE TABLE models (segment int, state btyd_summary, bg bgnbd_model, pn pareto_nbd_model,
	                     gg gamma_gamma_model, sb sbg_model)};
$source->safe_psql('postgres', $schema);
$target->safe_psql('postgres', $schema);

$source->safe_psql('postgres', q{
	CREATE TABLE customers AS
	SELECT i, i % 3 AS segment, (i * 7919) % 6 AS x, 52.0 - (i * 104729) % 40 AS t
	  FROM generate_series(1, 3000) AS i;
	INSERT INTO models
	SELECT segment, bgnbd_state(x, CASE WHEN x > 0 THEN t * x / 8 ELSE 0 END, t),
	       bgnbd_fit(x, CASE WHEN x > 0 THEN t * x / 8 ELSE 0 END, t),
	       pareto_nbd_fit(x, CASE WHEN x > 0 THEN t * x / 8 ELSE 0 END, t),
	       gamma_gamma_fit(x, 10 + x * 1.5 + i % 7),
	       (SELECT sbg_fit(p, (1000 * 0.8 ^ p)::bigint) FROM generate_series(0, 6) AS p)
	  FROM customers GROUP BY segment;
});

my $copy_file = $source->basedir . '/models.copy';
$source->safe_psql('postgres', "COPY models TO '$copy_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY models FROM '$copy_file' (FORMAT binary)");
my $query = q{SELECT md5(string_agg(concat_ws(' ', segment, state, bg, pn, gg, sb), E'\n' ORDER BY segment)) FROM models};
is($target->safe_psql('postgres', $query), $source->safe_psql('postgres', $query),
	'binary COPY carries btyd states and models between clusters unchanged');
is($target->safe_psql('postgres', 'SELECT bool_and(bgnbd_fit_final(state) = bg) FROM models'), 't',
	'the copied states fit to the copied models');
is($target->safe_psql('postgres', 'SELECT count(*) FROM models WHERE bg = bg::text::bgnbd_model AND sb = sb::text::sbg_model'),
	'3', 'the models re-read from text equal the copied ones');

# A binary COPY file holding one row of (segment, state) with the given bytes.
sub copy_file_with
{
	my ($name, $state) = @_;
	my $path = $target->basedir . "/$name.copy";
	open my $fh, '>:raw', $path or die "cannot write $path: $!";
	print $fh "PGCOPY\n\377\r\n\0", pack('NN', 0, 0);
	print $fh pack('n', 2), pack('N', 4), pack('N', 99);
	print $fh pack('N', length $state), $state;
	print $fh pack('n', 0xFFFF);
	close $fh;
	return $path;
}

# version 1, kind bgnbd, gridded, rows, tuples, then (x, t_x, t, weight)
# each, and when gridded the two offsets
my $tuple = pack('q>', 2) . pack('d>', 5) . pack('d>', 4) . pack('q>', 1);
my %malformed = (
	'truncated header' => pack('C', 1),
	'unknown version'  => pack('CC', 9, 1) . pack('q>', 0) . pack('N', 0),
	'unknown kind'     => pack('CC', 1, 7) . pack('q>', 0) . pack('N', 0),
	'grid flag 2'      => pack('CCC', 1, 1, 2) . pack('q>', 0) . pack('N', 0),
	't_x after t'      => pack('CCC', 1, 1, 0) . pack('q>', 1) . pack('N', 1) . $tuple,
	'off the grid'     => pack('CCC', 1, 1, 1) . pack('q>', 1) . pack('N', 1)
	  . pack('q>', 2) . pack('d>', 4) . pack('d>', 5) . pack('q>', 1) . pack('q>', 0) . pack('q>', 0),
	'offset too large' => pack('CCC', 1, 1, 1) . pack('q>', 1) . pack('N', 1)
	  . pack('q>', 2) . pack('d>', 4.03125) . pack('d>', 5.03125) . pack('q>', 1) . pack('q>', 65536) . pack('q>', 0),
	'rows not matching' => pack('CCC', 1, 1, 0) . pack('q>', 5) . pack('N', 0),
	'trailing bytes'   => pack('CCC', 1, 1, 0) . pack('q>', 0) . pack('N', 0) . 'x',
);
for my $case (sort keys %malformed)
{
	my $path = copy_file_with($case =~ s/ /_/gr, $malformed{$case});
	my ($status, $stdout, $stderr) = $target->psql('postgres',
		"\\set VERBOSITY verbose\nCOPY models (segment, state) FROM '$path' (FORMAT binary)");
	like($stderr, qr/22P03/, "$case is rejected with 22P03");
}

$source->stop;
$target->stop;
done_testing();
