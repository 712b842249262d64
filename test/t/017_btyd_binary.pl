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
	                     gg gamma_gamma_model, sb sbg_model);
	CREATE TABLE coarse (state btyd_summary, bg bgnbd_model)};
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

# 100,000 customers of spread times: a state on a grid coarser than 6
# bits, in version 2 of the binary form
$source->safe_psql('postgres', q{
	INSERT INTO coarse
	SELECT bgnbd_state(x, t_x, t), bgnbd_fit(x, t_x, t)
	  FROM (SELECT x, CASE WHEN x > 0 THEN t * sqrt(u3) ELSE 0 END AS t_x, t
	          FROM (SELECT floor(ln(u2) / ln(0.75))::bigint AS x, 1 + 77 * u1 AS t, u3
	                  FROM (SELECT ((i * 2654435761) % 1000003 + 0.5::float8) / 1000003 AS u1,
	                               ((i * 15485863) % 1000003 + 0.5::float8) / 1000003 AS u2,
	                               ((i * 104729 + 7) % 999983 + 0.5::float8) / 999983 AS u3
	                          FROM generate_series(1, 100000::bigint) AS i) AS u) AS c) AS r;
});
my $coarse_file = $source->basedir . '/coarse.copy';
$source->safe_psql('postgres', "COPY coarse TO '$coarse_file' (FORMAT binary)");
$target->safe_psql('postgres', "COPY coarse FROM '$coarse_file' (FORMAT binary)");
my $coarse_query = q{SELECT md5(state::text) || ' ' || bg FROM coarse};
is($target->safe_psql('postgres', $coarse_query), $source->safe_psql('postgres', $coarse_query),
	'binary COPY carries a coarsened state unchanged');
is($target->safe_psql('postgres', q{SELECT split_part(state::text, ';', 1) LIKE 'v2 bgnbd rows=100000 gridded bits=_'
	AND bgnbd_fit_final(state) = bg FROM coarse}), 't', 'the copied coarse state is version 2 and fits to the copied model');

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
# each, and when gridded the two offsets; version 2 has the grid's bits
# after the grid flag
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
	'v2 not gridded'   => pack('CCCC', 2, 1, 0, 4) . pack('q>', 0) . pack('N', 0),
	'v2 with 6 bits'   => pack('CCCC', 2, 1, 1, 6) . pack('q>', 0) . pack('N', 0),
	'v2 with 2 bits'   => pack('CCCC', 2, 1, 1, 2) . pack('q>', 0) . pack('N', 0),
	'v2 off the grid'  => pack('CCCC', 2, 1, 1, 4) . pack('q>', 1) . pack('N', 1)
	  . pack('q>', 2) . pack('d>', 4.03125) . pack('d>', 5.03125) . pack('q>', 1) . pack('q>', 0) . pack('q>', 0),
	'v2 offset too large' => pack('CCCC', 2, 1, 1, 4) . pack('q>', 1) . pack('N', 1)
	  . pack('q>', 2) . pack('d>', 4.125) . pack('d>', 5.125) . pack('q>', 1) . pack('q>', 262144) . pack('q>', 0),
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

# and the largest offsets of a 4-bit cell are read
my $edge = copy_file_with('v2_edge', pack('CCCC', 2, 1, 1, 4) . pack('q>', 1) . pack('N', 1)
	  . pack('q>', 2) . pack('d>', 4.125) . pack('d>', 5.125) . pack('q>', 1) . pack('q>', 262143) . pack('q>', 0));
$target->safe_psql('postgres', "COPY models (segment, state) FROM '$edge' (FORMAT binary)");
is($target->safe_psql('postgres', 'SELECT state FROM models WHERE segment = 99'),
	'v2 bgnbd rows=1 gridded bits=4; x=2 t_x=4.125 t=5.125 n=1 t_x_offset=262143 t_offset=0',
	'a version 2 state at the edge of its cells is read');

$source->stop;
$target->stop;
done_testing();
