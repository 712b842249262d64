# Sharding over postgres_fdw: two shards and a coordinator, each with
# kpi_ext.  The coordinator sees the shards' tables as foreign tables of
# servers created with extensions 'kpi_ext', so kpi_ext's functions are
# shippable: per-shard summaries are computed on the shards and merged with
# rollup on the coordinator, and a partitioned table of foreign partitions,
# grouped by its partition key, pushes whole aggregates down.  Every KPI
# must equal the single-node answer.  A new aggregate is one line in @pushed
# (or the test fails), and one in @kpis if it reads a summary.
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
	[ 'score_summary(ces)',                     'csat(rollup(s), 7)',            'csat_agg(ces, 7)' ],
	[ 'duration_summary(response)', 'percentiles(rollup(s), ARRAY[0.5, 0.9, 0.99])',
		'percentiles(duration_summary(response), ARRAY[0.5, 0.9, 0.99])' ],
	[ 'clv_summary(customer, amount, purchased_at)', 'clv(rollup(s), 3)', 'clv(clv_summary(customer, amount, purchased_at), 3)' ],
	[ 'mrr_summary(prev_mrr, curr_mrr)', 'expansion_mrr(rollup(s))', 'expansion_revenue(prev_mrr, curr_mrr)' ],
	[ 'sentiment_summary(feedback)', 'net_sentiment(rollup(s))', 'net_sentiment(sentiment_summary(feedback))' ],
	# customers' subscriptions are on both shards: rollup merges their timelines
	[ 'subscription_summary(customer, prev_mrr, active_from, churned_at)', "nrr(rollup(s), '2024-06-01', '2025-06-01')",
		"nrr(subscription_summary(customer, prev_mrr, active_from, churned_at), '2024-06-01', '2025-06-01')" ],
);
# Every aggregate of the extension, pushed down whole through a partitioned
# table of foreign partitions grouped by its partition key: its signature,
# the call (only shippable expressions: no casts through text), the table
# (facts, or summaries for rollup) and any grouping beside the shard; the catalog
# check below fails for an aggregate missing here.
my @pushed = (
	map({ [ "$_->[0](smallint)", "$_->[0](score::smallint$_->[1])" ],
			[ "$_->[0](integer)", "$_->[0](score$_->[1])" ],
			[ "$_->[0](bigint)", "$_->[0](score::bigint$_->[1])" ],
			[ "$_->[0](numeric)", "$_->[0](score::numeric$_->[1])" ],
			[ "$_->[0](text)", "$_->[0](score_text$_->[1])" ] }
		[ 'score_summary', '' ], [ 'nps_agg', '' ], [ 'enps_agg', '' ]),
	map({ [ "$_->[0](smallint$_->[1])", "$_->[0]($_->[2]::smallint$_->[3])" ],
			[ "$_->[0](integer$_->[1])", "$_->[0]($_->[2]$_->[3])" ],
			[ "$_->[0](bigint$_->[1])", "$_->[0]($_->[2]::bigint$_->[3])" ],
			[ "$_->[0](numeric$_->[1])", "$_->[0]($_->[2]::numeric$_->[3])" ],
			[ "$_->[0](text$_->[1])", "$_->[0]($_->[2]_text$_->[3])" ] }
		[ 'csat_agg', '', 'csat', '' ], [ 'csat_agg', ',integer', 'ces', ', 7' ],
		[ 'ces_agg', '', 'ces', '' ], [ 'ces_agg', ',integer', 'csat', ', 5' ]),
	map({ [ "$_(boolean)", "$_(churned)" ] }
		qw(rate_summary churn_rate renewal_rate conversion_rate resolution_rate response_rate opt_out_rate support_usage_rate)),
	[ 'fcr_rate(integer)', 'fcr_rate(contacts)' ],
	[ 'sla_rate(interval,interval)', 'sla_rate(actual, target)' ],
	[ 'ctr(bigint,bigint)', 'ctr(clicks, impressions)' ],
	map({ [ "$_(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)",
			"$_(active_from, churned_at, '2025-01-01', '2025-04-01')" ] } qw(churn_rate retention_rate)),
	[ 'duration_summary(interval)', 'duration_summary(response)' ],
	[ 'median_duration(interval)', 'median_duration(response)' ],
	[ 'duration_percentile(interval,double precision)', 'duration_percentile(response, 0.9)' ],
	# over a timestamp every row is an error (sql/durations.sql): no row is passed
	map({ [ "$_->[0](timestamp with time zone$_->[1])", "$_->[0](churned_at$_->[2]) FILTER (WHERE false)" ] }
		[ 'duration_summary', '', '' ], [ 'median_duration', '', '' ],
		[ 'duration_percentile', ',double precision', ', 0.9' ]),
	map({ [ "$_->[0](integer,numeric,timestamp with time zone)", "$_->[0](customer, amount, purchased_at)" ],
			[ "$_->[0](bigint,numeric,timestamp with time zone)", "$_->[0](customer::bigint, amount, purchased_at)" ],
			[ "$_->[0](text,numeric,timestamp with time zone)", "$_->[0](customer_text, amount, purchased_at)" ],
			[ "$_->[0](uuid,numeric,timestamp with time zone)", "$_->[0](customer_uuid, amount, purchased_at)" ] }
		[ 'clv_summary' ], [ 'clv' ]),
	map({ [ "$_(numeric,numeric)", "$_(prev_mrr, curr_mrr)" ] } qw(mrr_summary expansion_revenue nrr grr)),
	[ 'sentiment_summary(text)', 'sentiment_summary(feedback)' ],
	[ 'sentiment_summary(text,text)', "sentiment_summary(feedback, 'auto')" ],
	# each shard reads its own sentiment_words (empty on every node here)
	[ 'sentiment_summary(text,text,boolean)', "sentiment_summary(feedback, 'auto', true)" ],
	map({ [ "subscription_summary($_->[0],numeric,timestamp with time zone,timestamp with time zone)",
			"subscription_summary($_->[1], prev_mrr, active_from, churned_at)" ] }
		[ 'integer', 'customer' ], [ 'bigint', 'customer::bigint' ], [ 'text', 'customer_text' ], [ 'uuid', 'customer_uuid' ]),
	# one history per metric, its changes on both shards
	[ 'status_summary(text,timestamp with time zone)', 'status_summary(metric, purchased_at)' ],
	map({ [ "rollup($_->[0])", "rollup($_->[1])", 'summaries' ] }
		[ 'score_summary', 's' ], [ 'rate_summary', 'r' ], [ 'duration_summary', 'd' ], [ 'clv_summary', 'c' ], [ 'mrr_summary', 'm' ],
		[ 'sentiment_summary', 'f' ], [ 'subscription_summary', 'u' ]),
	# a health score per account: components of one account are on one shard
	[ 'health_score_agg(text,double precision,double precision)', 'health_score_agg(metric, value, weight)', 'facts', 'account' ],
	# the customer-base fits, whose models come back as text
	[ 'bgnbd_fit(bigint,double precision,double precision)', 'bgnbd_fit(contacts, contacts * 1.5, 10 + score)' ],
	[ 'pareto_nbd_fit(bigint,double precision,double precision)', 'pareto_nbd_fit(contacts, contacts * 1.5, 10 + score)' ],
	[ 'gamma_gamma_fit(bigint,double precision)', 'gamma_gamma_fit(contacts, 5 + score)' ],
	[ 'sbg_fit(integer,bigint)', 'sbg_fit(contacts - 1, 10 - contacts)' ],
	# customer rows from orders, a composite that comes back as text (the
	# day from an integer: a function of a text constant, such as AT TIME
	# ZONE 'UTC', has a collation postgres_fdw will not ship)
	[ 'btyd_customer(date,numeric,date)', "btyd_customer(date '2024-01-01' + customer % 700, abs(amount), '2025-06-30')" ],
	[ 'btyd_customer(date,numeric,date,interval)',
		"btyd_customer(date '2024-01-01' + customer % 700, abs(amount), '2025-06-30', '1 day')" ],
);

my $columns = 'shard int, account int, score int, csat int, ces int, churned boolean, contacts int, '
  . 'response interval, customer int, amount numeric, purchased_at timestamptz, prev_mrr numeric, curr_mrr numeric, '
  . 'metric text, value float8, weight float8, actual interval, target interval, clicks bigint, impressions bigint, '
  . 'active_from timestamptz, churned_at timestamptz, customer_text text, customer_uuid uuid, feedback text, '
  . 'score_text text, csat_text text, ces_text text';
# per-account summaries, for rollup
my $summaries = 'SELECT shard, account, score_summary(score) AS s, rate_summary(churned) AS r, duration_summary(response) AS d, '
  . 'clv_summary(customer, amount, purchased_at) AS c, mrr_summary(prev_mrr, curr_mrr) AS m, sentiment_summary(feedback) AS f, '
  . 'subscription_summary(customer, prev_mrr, active_from, churned_at) AS u';
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
	       'm' || (i % 20), (i * 7919) % 1001 / 10.0, 1 + i % 3,
	       make_interval(secs => (i * 13) % 120), make_interval(secs => 15 + (i % 3) * 45), (i * 7) % 50, 50 + (i * 11) % 200,
	       timestamptz '2024-01-01 00:00+00' + ((i * 7919) % 700) * interval '1 day',
	       CASE WHEN i % 5 = 0 THEN timestamptz '2024-01-01 00:00+00' + ((i * 7919) % 700 + 30 + i % 300) * interval '1 day' END,
	       'c' || i % 700, md5((i % 700)::text)::uuid,
	       (ARRAY['enak banget!', 'tidak enak', 'biasa', 'mahal tapi enak', 'great service', 'not good'])[1 + i % 6],
	       ((i * 7919) % 11)::text, (1 + (i * 31) % 5)::text, (1 + (i * 17) % 7)::text
	  FROM generate_series(1, 30000::bigint) AS i, LATERAL (SELECT i / 20 * 2 + $n AS a) AS account};
}

my @shards;
for my $n (1, 2)
{
	my $shard = PostgreSQL::Test::Cluster->new("shard$n");
	$shard->init;
	$shard->start;
	$shard->safe_psql('postgres', "CREATE EXTENSION kpi_ext; CREATE TABLE facts ($columns); INSERT INTO facts " . rows_of($n)
		  . "; CREATE TABLE summaries AS $summaries FROM facts GROUP BY shard, account");
	push @shards, $shard;
}

my $coordinator = PostgreSQL::Test::Cluster->new('coordinator');
$coordinator->init;
$coordinator->start;
$coordinator->safe_psql('postgres', "CREATE EXTENSION kpi_ext; CREATE EXTENSION postgres_fdw;
	CREATE TABLE local_facts ($columns); INSERT INTO local_facts " . rows_of(1) . "; INSERT INTO local_facts " . rows_of(2) . ";
	CREATE TABLE all_facts ($columns) PARTITION BY LIST (shard);
	CREATE TABLE local_summaries AS $summaries FROM local_facts GROUP BY shard, account;
	CREATE TABLE all_summaries (LIKE local_summaries) PARTITION BY LIST (shard);");
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
		CREATE FOREIGN TABLE all_summaries_$n PARTITION OF all_summaries FOR VALUES IN ($n)
		    SERVER shard$n OPTIONS (table_name 'summaries');
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
for my $case (@pushed)
{
	my ($aggregate, $call, $table, $group) = @$case;
	$table //= 'facts';
	$group = join ', ', 'shard', $group // ();
	# every group's answer, as one line
	my $answers = sub {
		my ($from) = @_;
		return "SELECT string_agg(g || ': ' || coalesce(v, 'NULL'), E'\\n' ORDER BY g) "
		  . "FROM (SELECT concat_ws(' ', $group) AS g, ($call)::text AS v FROM $from GROUP BY $group) AS t";
	};
	my $sharded = 'SET enable_partitionwise_aggregate = on; ' . $answers->("all_$table");
	my $plan = $coordinator->safe_psql('postgres',
		'SET enable_partitionwise_aggregate = on; EXPLAIN (VERBOSE, COSTS OFF) ' . $answers->("all_$table"));
	my ($name) = $call =~ /^(\w+)\(/;
	my @remote = $plan =~ /Remote SQL: SELECT [^\n]*public\.\Q$name\E\([^\n]*GROUP BY/g;
	is(scalar @remote, 2, "$aggregate is pushed down to both shards whole") or diag($plan);
	is($coordinator->safe_psql('postgres', $sharded),
		$coordinator->safe_psql('postgres', $answers->("local_$table")),
		"$aggregate per shard equals the single-node answer");
}
my @aggregates = split /\n/, $coordinator->safe_psql('postgres', q{
	SELECT p.oid::regprocedure
	  FROM pg_aggregate AS a
	  JOIN pg_proc AS p ON p.oid = a.aggfnoid
	  JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
	 ORDER BY 1::text});
is_deeply([ sort map { $_->[0] } @pushed ], [ sort @aggregates ], 'every aggregate of the extension goes over the shards');

$_->stop for (@shards, $coordinator);
done_testing();
