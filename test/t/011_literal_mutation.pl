# Mutation fuzzing of text literals at the SQL level: valid literals of every
# kpi_ext type are mutated at random (seeded, so reproducible); every mutant
# must either parse to a value whose text form re-reads to the same text, or
# fail with a clean data error whose message names the type.  The server must
# survive all of them.  A new type is one more line in %seeds.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mutants_per_type = $ENV{KPI_MUTANTS} // 5000;
my $seed = $ENV{KPI_MUTATION_SEED} // 20261122;

# type => SQL returning valid literals of it
my %seeds = (
	score_summary => q{SELECT score_summary(s)::text FROM generate_series(0, 10) s
	                   UNION ALL SELECT 'v1' UNION ALL SELECT 'v1 scale=5 1:3 4:10 5:31'},
	rate_summary => q{SELECT 'v1 0/0' UNION ALL SELECT 'v1 3/10' UNION ALL SELECT 'v1 9223372036854775807/9223372036854775807'},
	sentiment_summary => q{SELECT 'v1 0/0/0 0' UNION ALL SELECT 'v1 3/1/2 0.25' UNION ALL SELECT 'v1 0/0/5 -4.999999999'
	                       UNION ALL SELECT 'v1 9223372036854775807/0/0 9223372036.854775807'},
	duration_summary => q{SELECT duration_summary(make_interval(secs => s * 1.7))::text FROM generate_series(0, 300) s
	                      UNION ALL SELECT 'v1' UNION ALL SELECT 'v1 p=0.9 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1'},
	clv_summary => q{SELECT clv_summary(c, c * 1.25 - 3, timestamptz '2024-02-29 12:00:00.25+00' + c * interval '1 day')::text
	                   FROM generate_series(1, 3) c
	                 UNION ALL SELECT clv_summary('a "b"' || c, 10, '2025-01-01 00:00+00')::text FROM generate_series(1, 2) c
	                 UNION ALL SELECT clv_summary(md5(c::text)::uuid, 0.001, '0001-01-01 00:00+00')::text FROM generate_series(1, 2) c
	                 UNION ALL SELECT 'v1 integer scale=0'},
	health_score => q{SELECT health_score(ARRAY['usage', 'Product "NPS"', '_x'], ARRAY[80, 65.5, 1e-5], ARRAY[2, 1, 1e10])::text
	                  UNION ALL SELECT 'v1 a=0 weight=1' UNION ALL SELECT 'v1 z=33.333333333333336 weight=0.1'},
	business_calendar => q{SELECT business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01}')::text
	                       UNION ALL SELECT business_calendar('Europe/Berlin', 'fri 22:00-02:00; mon-thu 08:00-12:00,13:00-17:00')::text
	                       UNION ALL SELECT 'v1 UTC [24/7] {}' UNION ALL SELECT 'v1 Australia/Lord_Howe [sun 01:00-03:00] {0001-01-01,9999-12-31}'
	                       UNION ALL SELECT 'v2 Europe/Berlin [mon-fri 08:00-17:00] {2025-12-25} (2025-03-28 08:00-09:00,13:00-17:00; 2025-12-24 12:00-24:00)'},
	mrr_summary => q{SELECT mrr_summary(p, c)::text FROM (VALUES (100.00, 120.00), (100, 80), (50, 0), (0, 30.5)) v(p, c)
	                 UNION ALL SELECT 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'},
	subscription_summary => q{SELECT subscription_summary(c, c * 1.25, timestamptz '2024-02-29 12:00:00.25+00' + c * interval '1 day',
	                                                 CASE WHEN c > 1 THEN timestamptz '2024-06-01 00:00+00' END)::text
	                            FROM generate_series(1, 3) c
	                          UNION ALL SELECT subscription_summary('a "b"' || c, 10, '2025-01-01 00:00+00', NULL)::text FROM generate_series(1, 2) c
	                          UNION ALL SELECT subscription_summary(md5(c::text)::uuid, 0.001, '0001-01-01 00:00+00', '0002-01-01 00:00+00')::text
	                            FROM generate_series(1, 2) c
	                          UNION ALL SELECT 'v1 integer scale=0'},
	status_summary => q{SELECT status_summary(s, timestamptz '2024-02-29 12:00:00.25+00' + (c % 4) * interval '1 day')::text
	                      FROM generate_series(1, 12) c, LATERAL (SELECT (ARRAY['new', 'open', 'pending', 'on "hold"', ''])[1 + c % 5] AS s) AS v
	                     GROUP BY c % 3
	                    UNION ALL SELECT 'v1 0001-01-01T00:00:00Z "open", 9999-12-31T23:59:59.999999Z "solved"'
	                    UNION ALL SELECT 'v1 2024-01-01T00:00:00Z "a", 2024-01-01T00:00:00Z "b"'},
	btyd_summary => q{SELECT 'v1 bgnbd rows=3; x=0 t_x=0 t=10 n=1; x=2 t_x=4 t=9.5 n=2'
	                  UNION ALL SELECT 'v1 pareto_nbd rows=1; x=1 t_x=1e-3 t=0.5 n=1'
	                  UNION ALL SELECT 'v1 gamma_gamma rows=2; x=3 mean_value=25.5 n=2'
	                  UNION ALL SELECT 'v1 sbg rows=18; period=0 alive=10; period=1 alive=8' UNION ALL SELECT 'v1 bgnbd rows=0'},
	btyd_purchases => q{SELECT 'v1 end=2024-03-31 unit=604800000000 scale=2; 2024-01-01=12.50 2024-01-15=7.25'
	                    UNION ALL SELECT 'v1 end=0001-01-01 unit=1 scale=0' UNION ALL SELECT 'v1 end=9999-12-31 unit=86400000000 scale=0; 9999-12-31=0'},
	bgnbd_model => q{SELECT 'v1 r=0.2425945402882408 alpha=4.413602067523222 a=0.7929219816037266 b=2.425906855078291 log_likelihood=-9582.429206673916 customers=2357 iterations=332 converged=true'
	                 UNION ALL SELECT bgnbd_fit(x, x * 2.5, 20)::text FROM generate_series(0, 5) x},
	pareto_nbd_model => q{SELECT 'v1 r=0.55 alpha=10.58 s=0.61 beta=11.67 log_likelihood=-9595 customers=2357 iterations=0 converged=false'},
	gamma_gamma_model => q{SELECT 'v1 p=6.25 q=3.74 v=15.44 log_likelihood=4055.9 customers=946 iterations=12 converged=true'},
	sbg_model => q{SELECT 'v1 alpha=0.704 beta=1.182 log_likelihood=-1680.27 customers=1000 iterations=128 converged=true'},
);

my $node = PostgreSQL::Test::Cluster->new('mutation');
$node->init;
$node->start;
$node->safe_psql('postgres', q{
	CREATE EXTENSION kpi_ext;
	CREATE TABLE mutants (type_name text, literal text);
	-- 'reread' when the literal parses and its text form re-reads to itself,
	-- 'rejected' for a clean data error naming the type, anything else is a finding
	CREATE FUNCTION verdict(type_name text, literal text) RETURNS text LANGUAGE plpgsql AS $$
	DECLARE
	    once text;
	    twice text;
	BEGIN
	    EXECUTE format('SELECT %L::%s::text', literal, type_name) INTO once;
	    EXECUTE format('SELECT %L::%s::text', once, type_name) INTO twice;
	    IF once IS DISTINCT FROM twice THEN
	        RETURN 'reread differs: ' || once || ' -> ' || twice;
	    END IF;
	    RETURN 'reread';
	EXCEPTION WHEN data_exception OR program_limit_exceeded THEN
	    IF position(type_name IN SQLERRM) > 0 THEN
	        RETURN 'rejected';
	    END IF;
	    RETURN 'error without the type name: ' || SQLSTATE || ' ' || SQLERRM;
	END $$;
});

srand($seed);
my @alphabet = (split(//, '0123456789-+.:;=/ "Tvpsxe'), "\t", 'Z', 'a', "'");
sub mutate
{
	my ($text) = @_;
	for (1 .. 1 + int(rand(3)))
	{
		my $at = length($text) ? int(rand(length $text)) : 0;
		my $kind = int(rand(6));
		if ($kind == 0) { substr($text, $at, 1) = $alphabet[ rand @alphabet ] if length $text; }
		elsif ($kind == 1) { substr($text, $at, 0) = $alphabet[ rand @alphabet ]; }
		elsif ($kind == 2) { substr($text, $at, 1) = '' if length $text; }
		elsif ($kind == 3) { $text = substr($text, 0, $at); }
		elsif ($kind == 4) { substr($text, $at, 0) = substr($text, int(rand(length $text)), 1 + int(rand(12))); }
		else { substr($text, $at, 0) = 9 x (1 + int(rand(40))); }
	}
	return $text;
}

for my $type (sort keys %seeds)
{
	my @valid = split /\n/, $node->safe_psql('postgres', $seeds{$type});
	ok(@valid > 0, "$type: " . scalar(@valid) . ' valid literals');
	my @rows;
	for (1 .. $mutants_per_type)
	{
		my $mutant = mutate($valid[ rand @valid ]);
		$mutant =~ s/'/''/g;
		push @rows, "('$type', '$mutant')";
	}
	$node->safe_psql('postgres', 'INSERT INTO mutants VALUES ' . join(",\n", @rows));
}

my $summary = $node->safe_psql('postgres', q{
	SELECT type_name, count(*) FILTER (WHERE v = 'reread'), count(*) FILTER (WHERE v = 'rejected')
	  FROM (SELECT type_name, verdict(type_name, literal) AS v FROM mutants) AS t
	 GROUP BY type_name ORDER BY type_name});
note("type | parsed and re-read | rejected cleanly\n$summary");
my $findings = $node->safe_psql('postgres', q{
	SELECT string_agg(type_name || ' ' || quote_literal(literal) || ': ' || v, E'\n')
	  FROM (SELECT type_name, literal, verdict(type_name, literal) AS v FROM mutants) AS t
	 WHERE v NOT IN ('reread', 'rejected')});
is($findings, '', "every mutant re-reads or is rejected cleanly naming its type (seed $seed)");
is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server survived every mutant');

$node->stop;
done_testing();
