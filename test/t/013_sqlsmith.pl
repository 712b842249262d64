# Random SQL from sqlsmith (Debian package sqlsmith) against the sample CRM
# data and tables of every kpi_ext summary type: whatever it generates, the
# server must not crash, hit an assertion or raise an internal error (XX000,
# an elog) from kpi_ext's C code.  Query errors (type mismatches, our 22003
# and 22023 range checks, timeouts) are expected and fine.  The seed is
# fixed, so a finding reproduces; KPI_SQLSMITH_QUERIES and KPI_SQLSMITH_SEED
# change the run.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use IPC::Run;
use Time::HiRes qw(time);
use Test::More;

my $queries = $ENV{KPI_SQLSMITH_QUERIES} // 8000;
my $seed = $ENV{KPI_SQLSMITH_SEED} // 20261201;

my $node = PostgreSQL::Test::Cluster->new('sqlsmith');
$node->init;
# verbose puts the SQLSTATE and the C source location in every logged
# error; track_functions counts the calls of kpi_ext's C functions
$node->append_conf('postgresql.conf', "log_error_verbosity = verbose\ntrack_functions = all");
$node->start;
$node->safe_psql('postgres', 'CREATE EXTENSION kpi_ext');
my ($status, $stdout, $stderr) = $node->psql('postgres', undef,
	extra_params => [ '-v', 'ON_ERROR_STOP=1', '-f', 'test/sample-data.sql' ]);
is($status, 0, 'the sample CRM data loads') or diag($stderr);

# Stored summaries of every type, so accessors and rollup see real values
# (sqlsmith otherwise mostly passes NULL casts), with the empty ones and
# every CLV key type.
$node->safe_psql('postgres', q{
	CREATE SCHEMA fuzz;
	CREATE TABLE fuzz.surveys AS
	SELECT date_trunc('month', answered_at)::date AS month, channel,
	       score_summary(score) AS nps, score_summary(csat) AS csat, score_summary(ces) AS ces
	  FROM crm.surveys GROUP BY 1, 2;
	INSERT INTO fuzz.surveys VALUES (NULL, NULL, 'v1', 'v1', 'v1 scale=7');
	CREATE TABLE fuzz.tickets AS
	SELECT date_trunc('month', opened_at)::date AS month, channel,
	       duration_summary(first_response_at - opened_at) AS first_response,
	       duration_summary(resolved_at - opened_at) AS resolution,
	       rate_summary(contacts = 1) AS fcr, rate_summary(is_complaint) AS complaints
	  FROM crm.tickets GROUP BY 1, 2;
	INSERT INTO fuzz.tickets VALUES (NULL, NULL, 'v1', 'v1', 'v1 0/0', 'v1 0/0');
	CREATE TABLE fuzz.churn AS
	SELECT segment, region, rate_summary(churned_at IS NOT NULL) AS churn FROM crm.customers GROUP BY 1, 2;
	CREATE TABLE fuzz.revenue AS
	SELECT date_trunc('quarter', ordered_at)::date AS quarter,
	       clv_summary(customer_id, amount, ordered_at) AS by_id,
	       clv_summary(order_id, amount, ordered_at) AS by_order, -- bigint keys
	       clv_summary('customer ' || customer_id, amount, ordered_at) AS by_name,
	       clv_summary(md5(customer_id::text)::uuid, amount, ordered_at) AS by_uuid
	  FROM crm.orders GROUP BY 1;
	INSERT INTO fuzz.revenue VALUES (NULL, 'v1 integer scale=0', 'v1 integer scale=2', 'v1 text scale=0', 'v1 uuid scale=0');
	CREATE TABLE fuzz.feedback AS
	SELECT channel, comment, sentiment_summary(comment) OVER (PARTITION BY channel) AS sentiment
	  FROM (VALUES ('app', 'enak banget!'), ('app', 'tidak enak, kecewa'), ('web', 'great service 😍'), ('web', NULL)) AS v(channel, comment);
	INSERT INTO fuzz.feedback VALUES (NULL, NULL, 'v1 0/0/0 0');
	CREATE TABLE fuzz.mrr AS
	SELECT month, mrr_summary(prev, curr) AS movements
	  FROM (SELECT coalesce(c.month, (p.month + interval '1 month')::date) AS month, p.mrr AS prev, c.mrr AS curr
	          FROM crm.mrr_monthly AS c
	          FULL JOIN crm.mrr_monthly AS p ON p.customer_id = c.customer_id AND p.month = (c.month - interval '1 month')::date) AS m
	 GROUP BY month;
	CREATE TABLE fuzz.subscriptions AS
	SELECT date_trunc('quarter', month)::date AS quarter,
	       subscription_summary(customer_id, mrr, month, month + interval '1 month') AS timelines,
	       subscription_summary('customer ' || customer_id, mrr, month, month + interval '1 month') AS by_name
	  FROM crm.mrr_monthly GROUP BY 1;
	INSERT INTO fuzz.subscriptions VALUES (NULL, 'v1 integer scale=0', 'v1 text scale=0');
	CREATE TABLE fuzz.ticket_status AS
	SELECT ticket_id, status_summary(status, changed_at) AS history
	  FROM crm.ticket_status_changes GROUP BY 1;
	INSERT INTO fuzz.ticket_status VALUES (NULL, 'v1 2024-01-01T00:00:00Z "open", 2024-01-01T00:00:00Z "solved"');
	CREATE TABLE fuzz.btyd_customers AS
	SELECT customer_id, segment, (c).*
	  FROM (SELECT customer_id, btyd_customer(ordered_at::date, amount, '2026-01-01') AS c
	          FROM crm.orders WHERE amount > 0 AND ordered_at < '2026-01-01' GROUP BY 1) AS o
	  JOIN crm.customers USING (customer_id);
	CREATE TABLE fuzz.btyd AS
	SELECT segment, bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg,
	       'v1 r=0.55 alpha=10.58 s=0.61 beta=11.67 log_likelihood=-9595 customers=2357 iterations=0 converged=false'::pareto_nbd_model AS pn,
	       'v1 bgnbd rows=3; x=0 t_x=0 t=10 n=1; x=2 t_x=4 t=9.5 n=2'::btyd_summary AS state,
	       'v1 end=2026-01-01 unit=604800000000 scale=2; 2025-01-01=10.00 2025-02-01=5.25'::btyd_purchases AS purchases
	  FROM fuzz.btyd_customers GROUP BY segment;
	INSERT INTO fuzz.btyd VALUES (NULL, NULL, NULL, NULL, 'v1 gamma_gamma rows=0', 'v1 end=2026-01-01 unit=1 scale=0');
	CREATE TABLE fuzz.cohorts AS
	SELECT sbg_fit(p, (1000 * 0.8 ^ p)::bigint) AS m FROM generate_series(0, 7) AS p;
	CREATE TABLE fuzz.health AS
	SELECT customer_id, health_score_agg(metric, value, weight) AS health
	  FROM (SELECT customer_id, 'logins' AS metric, kpi_scale(avg(logins), 0, 40) AS value, 2.0::float8 AS weight
	          FROM crm.product_usage GROUP BY 1
	        UNION ALL
	        SELECT customer_id, 'nps', kpi_scale(avg(score), 0, 10), 1 FROM crm.surveys WHERE score IS NOT NULL GROUP BY 1
	        UNION ALL
	        SELECT customer_id, 'tickets', kpi_scale(count(*), 40, 0), 1 FROM crm.tickets GROUP BY 1) AS c
	 GROUP BY customer_id;
	CREATE TABLE fuzz.calendars (name text, cal business_calendar);
	INSERT INTO fuzz.calendars VALUES
	    ('office', business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01}')),
	    ('night', business_calendar('Europe/Berlin', 'fri 22:00-02:00; sun 01:00-04:00')),
	    ('always', business_calendar('UTC', '24/7')), (NULL, NULL);
});

# sqlsmith runs as a plain role, so it cannot reach files or other
# sessions (pg_read_file, pg_terminate_backend).  Its writes are rolled back.
# It reads the catalog with unqualified names (FROM pg_proc): a view of that
# name ahead of pg_catalog in the role's search_path shows it only kpi_ext's
# functions and the immutable or stable pg_catalog functions over the types
# kpi_ext takes and returns, so most generated queries call kpi_ext.
$node->safe_psql('postgres', q{
	CREATE ROLE smith LOGIN;
	GRANT USAGE ON SCHEMA crm, fuzz TO smith;
	GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA crm, fuzz TO smith;
	CREATE SCHEMA smith_catalog;
	GRANT USAGE ON SCHEMA smith_catalog TO smith;
	CREATE VIEW smith_catalog.pg_proc AS
	SELECT p.* FROM pg_catalog.pg_proc AS p
	 WHERE p.oid IN (SELECT objid FROM pg_depend
	                  WHERE classid = 'pg_proc'::regclass AND deptype = 'e'
	                    AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'kpi_ext'))
	    OR (p.pronamespace = 'pg_catalog'::regnamespace AND p.provolatile <> 'v'
	        AND ARRAY[p.prorettype] || p.proargtypes::oid[] <@ ARRAY['bool', 'int2', 'int4', 'int8', 'numeric',
	            'float8', 'text', 'interval', 'timestamptz', 'date', 'uuid', '_text', '_float8', '_int8']::regtype[]::oid[]);
	GRANT SELECT ON smith_catalog.pg_proc TO smith;
	ALTER ROLE smith SET search_path = smith_catalog, pg_catalog, public;
});
my $kpi_functions = $node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT proname, '|') FROM pg_proc
	 WHERE oid IN (SELECT objid FROM pg_depend WHERE classid = 'pg_proc'::regclass AND deptype = 'e'
	                  AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'kpi_ext'))});

# --dump-all-queries prints each query, ended by ";", before it runs;
# routines come schema-qualified, so a kpi_ext call reads "public.name(".
my ($generated, $with_kpi, $partial, $report) = (0, 0, '', '');
my %called;
my $count_queries = sub {
	$partial .= $_[0];
	while ($partial =~ s/\A(.*?;\n)//s)
	{
		my $query = $1;
		$generated++;
		my @calls = $query =~ /\bpublic\.($kpi_functions)\(/g;
		$with_kpi++ if @calls;
		$called{$_}++ for @calls;
	}
};
my $conninfo = 'host=' . $node->host . ' port=' . $node->port . ' dbname=postgres user=smith';
my $started = time;
# sqlsmith itself sometimes stops early with the server healthy (seen once
# on PostgreSQL 17 under load: which of its queries time out steers its
# generator); the rest of the queries then come from a fresh process with
# the next seed.  The server's health is checked below either way.
my @exits;
for my $round (0 .. 3)
{
	my $left = $queries - $generated;
	last if $left <= 0;
	$partial = '';
	my $round_report;
	IPC::Run::run(
		[ 'sqlsmith', "--target=$conninfo", '--exclude-catalog', '--seed=' . ($seed + $round),
		  "--max-queries=$left", '--dump-all-queries', '--verbose' ],
		'>', $count_queries, '2>', \$round_report);
	push @exits, sprintf('seed %d: exit %d, signal %d after %d queries in all',
		$seed + $round, $? >> 8, $? & 127, $generated);
	$report = $round_report if $round == 0;
	last if $? == 0;
	diag("sqlsmith stopped early ($exits[-1]); its report:\n$round_report");
}
my $seconds = time - $started;
note(join("\n", @exits));
cmp_ok(scalar(@exits), '<=', 2, "sqlsmith ran $queries queries (seed $seed), restarted at most once");
# the verbose report: the commonest errors, ending "error rate: ..."
my ($summary) = $report =~ /.*\n(queries: \d+\n.*?error rate: [^\n]*)/s;
note($summary // $report);
note(sprintf('%d queries in %.0f s: %.0f queries per minute', $generated, $seconds, 60 * $generated / $seconds));
is($generated, $queries, 'every generated query was counted');
note("$with_kpi queries call kpi_ext functions; calls in the query text by function:\n"
	  . join("\n", map { "$called{$_}\t$_" } sort { $called{$b} <=> $called{$a} || $a cmp $b } keys %called));
cmp_ok($with_kpi, '>=', $queries / 4, 'at least a quarter of the queries call kpi_ext functions');

# The calls that ran, counted by the server: a backend reports its function
# statistics before it leaves pg_stat_activity.  Which calls finish within
# sqlsmith's 1 s statement_timeout depends on the load, hence the margin.
$node->poll_query_until('postgres', q{SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE usename = 'smith')});
my $executed = $node->safe_psql('postgres', q{
	SELECT count(*) || ' kpi_ext C functions ran, ' || sum(calls) || ' calls' FROM pg_stat_user_functions WHERE schemaname = 'public'});
note($executed);
my ($ran) = $executed =~ /^(\d+)/;
cmp_ok($ran, '>=', 20, 'at least 20 distinct kpi_ext C functions ran');

is($node->safe_psql('postgres', 'SELECT 1'), '1', 'the server is still up');
my $log = slurp_file($node->logfile);
my @crashes = $log =~ /^([^\n]*(?:terminated by signal|PANIC:|TRAP:)[^\n]*(?:\n[^\n]*Failed process was running:[^\n]*)?)/mg;
is(join("\n", @crashes), '', 'no backend crashed or failed an assertion');
# an XX000 error whose LOCATION is one of our source files is an elog()
# where an ereport() with a proper SQLSTATE belongs (or a "can't happen")
my %ours = map { (m{([^/]+)$})[0] => 1 } glob('src/*.c');
my @internal;
while ($log =~ /ERROR:  XX000: ([^\n]*)\n(?:[^\n]*\n)*?[^\n]*LOCATION:  (\w+), ([\w.]+):(\d+)/g)
{
	push @internal, "$1 ($2, $3:$4)" if $ours{$3};
}
is(join("\n", @internal), '', 'kpi_ext raised no internal error (XX000)');

$node->stop;
done_testing();
