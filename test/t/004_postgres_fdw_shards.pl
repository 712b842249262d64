# Sharding over postgres_fdw: two shards and a coordinator, each with
# kpi_ext.  The coordinator sees the shards' tables as foreign tables of
# servers created with extensions 'kpi_ext', so kpi_ext's functions are
# shippable: per-shard summaries are computed on the shards and merged with
# rollup on the coordinator, and a partitioned table of foreign partitions,
# grouped by its partition key, pushes whole aggregates down.  Every KPI
# must equal the single-node answer.  A new aggregate is one line in @kpis.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# summary aggregate over the shards, KPI read off the rolled-up summary, the
# same KPI computed in one step on one node
my @kpis = (
	[ 'score_summary(score)',                   'nps(rollup(s))',                'nps_agg(score)' ],
	[ 'score_summary(csat)',                    'csat(rollup(s))',               'csat_agg(csat)' ],
	[ 'rate_summary(churned)',                  'rate(rollup(s))',               'churn_rate(churned)' ],
	[ 'duration_summary(response)',             'percentile(rollup(s), 0.9)',    'duration_percentile(response, 0.9)' ],
	[ 'clv_summary(customer, amount, purchased_at)', 'clv(rollup(s))',           'clv(customer, amount, purchased_at)' ],
	[ 'mrr_summary(prev_mrr, curr_mrr)',        'nrr(rollup(s))',                'nrr(prev_mrr, curr_mrr)' ],
);
# one-step aggregates pushed down whole, grouped by the partition key
my @pushed = (
	'nps_agg(score)', 'csat_agg(csat)', 'ces_agg(ces)', 'churn_rate(churned)', 'fcr_rate(contacts)',
	'median_duration(response)', 'clv(customer, amount, purchased_at)', 'nrr(prev_mrr, curr_mrr)',
);

my $columns = 'shard int, account int, score int, csat int, ces int, churned boolean, contacts int, '
  . 'response interval, customer int, amount numeric, purchased_at timestamptz, prev_mrr numeric, curr_mrr numeric, '
  . 'metric text, value float8, weight float8';
# rows of shard $n: accounts (and so health components) stay on one shard,
# customers of the CLV are on both
sub rows_of
{
	my ($n) = @_;
	return qq{
	SELECT $n, a, (i * 7919) % 11, 1 + (i * 31) % 5, 1 + (i * 17) % 7, (i * 104729) % 10 < 2, 1 + i % 3,
	       make_interval(secs => (i * 2654435761) % 100000 / 10.0),
	       i % 700, ((i * 104729) % 100000 - 3000) / 100.0,
	       timestamptz '2024-01-01 00:00+00' + ((i * 2654435761) % 63072000) * interval '1 second',
	       (i * 13 % 500)::numeric, (i * 17 % 600)::numeric,
	       'm' || (i % 20), (i * 7919) % 1001 / 10.0, 1 + i % 3
	  FROM generate_series(1, 30000::bigint) AS i, LATERAL (SELECT i / 20 * 2 + $n AS a) AS account};
}

my @shards;
for my $n (1, 2)
{
	my $shard = PostgreSQL::Test::Cluster->new("shard$n");
	$shard->init;
	$shard->start;
	$shard->safe_psql('postgres', "CREATE EXTENSION kpi_ext; CREATE TABLE facts ($columns); INSERT INTO facts " . rows_of($n));
	push @shards, $shard;
}

my $coordinator = PostgreSQL::Test::Cluster->new('coordinator');
$coordinator->init;
$coordinator->start;
$coordinator->safe_psql('postgres', "CREATE EXTENSION kpi_ext; CREATE EXTENSION postgres_fdw;
	CREATE TABLE local_facts ($columns); INSERT INTO local_facts " . rows_of(1) . "; INSERT INTO local_facts " . rows_of(2) . ";
	CREATE TABLE all_facts ($columns) PARTITION BY LIST (shard);");
for my $n (1, 2)
{
	my $shard = $shards[ $n - 1 ];
	my ($host, $port) = ($shard->host, $shard->port);
	$coordinator->safe_psql('postgres', qq{
		CREATE SERVER shard$n FOREIGN DATA WRAPPER postgres_fdw
		    OPTIONS (host '$host', port '$port', dbname 'postgres', extensions 'kpi_ext');
		CREATE USER MAPPING FOR CURRENT_USER SERVER shard$n;
		CREATE FOREIGN TABLE shard${n}_facts ($columns) SERVER shard$n OPTIONS (table_name 'facts');
		CREATE FOREIGN TABLE all_facts_$n PARTITION OF all_facts FOR VALUES IN ($n) SERVER shard$n OPTIONS (table_name 'facts');
	});
}

# Per-shard summaries, merged on the coordinator
for my $kpi (@kpis)
{
	my ($summary, $read, $one_step) = @$kpi;
	my $sharded = "SELECT $read FROM (SELECT $summary AS s FROM shard1_facts UNION ALL SELECT $summary FROM shard2_facts) AS x";
	my $plan = $coordinator->safe_psql('postgres', "EXPLAIN (VERBOSE, COSTS OFF) $sharded");
	my ($name) = $summary =~ /^(\w+)\(/;
	my @remote = $plan =~ /Remote SQL: SELECT public\.\Q$name\E\(/g;
	is(scalar @remote, 2, "$summary runs on both shards") or diag($plan);
	like($plan, qr/Output: [^\n]*rollup\(/, "the coordinator rolls the summaries up") or diag($plan);
	is($coordinator->safe_psql('postgres', $sharded),
		$coordinator->safe_psql('postgres', "SELECT $one_step FROM local_facts"),
		"$read over the shards equals $one_step on one node");
	is($coordinator->safe_psql('postgres',
			"SELECT rollup(s)::text FROM (SELECT $summary AS s FROM shard1_facts UNION ALL SELECT $summary FROM shard2_facts) AS x"),
		$coordinator->safe_psql('postgres', "SELECT ${summary}::text FROM local_facts"),
		"the rolled-up $summary is the single-node summary");
}

# A partitioned table of foreign partitions, grouped by the partition key:
# partitionwise aggregation pushes each whole aggregate to its shard.
for my $aggregate (@pushed)
{
	my $grouped = "SELECT shard, $aggregate FROM all_facts GROUP BY shard ORDER BY shard";
	my $plan = $coordinator->safe_psql('postgres', "SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) $grouped");
	my ($name) = $aggregate =~ /^(\w+)\(/;
	my @remote = $plan =~ /Remote SQL: SELECT [^\n]*public\.\Q$name\E\([^\n]*GROUP BY/g;
	is(scalar @remote, 2, "$aggregate is pushed down to both shards whole") or diag($plan);
	is($coordinator->safe_psql('postgres', "SET enable_partitionwise_aggregate = on; $grouped"),
		$coordinator->safe_psql('postgres', "SELECT shard, $aggregate FROM local_facts GROUP BY shard ORDER BY shard"),
		"$aggregate per shard equals the single-node answer");
}
my $per_account = 'SELECT account, health_score_agg(metric, value, weight) AS h FROM all_facts GROUP BY shard, account';
like($coordinator->safe_psql('postgres', "SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) $per_account"),
	qr/Remote SQL: SELECT [^\n]*public\.health_score_agg\(/, 'health_score_agg per account is pushed down');
is($coordinator->safe_psql('postgres',
		'SET enable_partitionwise_aggregate = on; SELECT md5(string_agg(account || h::text, E\'\n\' ORDER BY account)) '
		  . 'FROM (SELECT account, health_score_agg(metric, value, weight) AS h FROM all_facts GROUP BY shard, account) AS t'),
	$coordinator->safe_psql('postgres',
		'SELECT md5(string_agg(account || h::text, E\'\n\' ORDER BY account)) '
		  . 'FROM (SELECT account, health_score_agg(metric, value, weight) AS h FROM local_facts GROUP BY account) AS t'),
	'health scores per account over the shards equal the single-node ones');

$_->stop for (@shards, $coordinator);
done_testing();
