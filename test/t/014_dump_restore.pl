# Dump and restore: a database holding every summary type and health_score
# in tables and materialized views (empty summaries, large ones, CLV keyed
# by integer, bigint, text and uuid, a health score with the most components
# allowed, 32) and views calling kpi_ext, dumped with pg_dump in custom,
# plain and directory format and restored into a fresh cluster.  Every KPI
# read off the restored database, and the text and binary forms of the
# summaries, must be exactly those of the original; the materialized views
# must refresh there.  A new check is one more entry in @checks.
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use FindBin;
use lib $FindBin::RealBin;
use KpiSample;

my $source = sample_node('dump_source');

$source->safe_psql('postgres', q{
	CREATE SCHEMA kpis;
	CREATE TABLE kpis.scores (label text PRIMARY KEY, s score_summary);
	INSERT INTO kpis.scores
	SELECT 'nps ' || month, score_summary(score) FROM crm.surveys, to_char(answered_at, 'YYYY-MM') AS month GROUP BY month;
	INSERT INTO kpis.scores
	SELECT 'csat ' || channel, score_summary(csat) FROM crm.surveys GROUP BY channel;
	INSERT INTO kpis.scores
	SELECT 'ces ' || channel, score_summary(ces) FROM crm.surveys GROUP BY channel;
	INSERT INTO kpis.scores VALUES
	    ('empty', 'v1'), ('empty on 7', 'v1 scale=7'), ('literal on 5', 'v1 scale=5 1:3 4:10 5:31'),
	    ('large', (SELECT score_summary((i * 7919) % 11) FROM generate_series(1, 300000::bigint) AS i));

	CREATE TABLE kpis.rates (label text PRIMARY KEY, r rate_summary);
	INSERT INTO kpis.rates
	SELECT 'churn ' || segment, rate_summary(churned_at IS NOT NULL) FROM crm.customers GROUP BY segment;
	INSERT INTO kpis.rates
	SELECT 'fcr ' || channel, rate_summary(contacts = 1) FROM crm.tickets GROUP BY channel;
	INSERT INTO kpis.rates VALUES ('empty', 'v1 0/0'), ('large', 'v1 9223372036854775807/9223372036854775807'),
	    ('clicks', (SELECT rate_summary(clicked) FROM crm.campaign_contacts));

	CREATE TABLE kpis.sentiments (label text PRIMARY KEY, f sentiment_summary);
	INSERT INTO kpis.sentiments VALUES ('empty', 'v1 0/0/0 0'), ('literal', 'v1 3/1/2 0.25'),
	    ('large', 'v1 9223372036854775807/0/0 9223372036.854775807'),
	    ('comments', (SELECT sentiment_summary(c, 'auto') FROM (VALUES ('enak banget!'), ('tidak enak'), ('great service 😍'), ('biasa')) AS v(c)));
	-- users' own words: a configuration table of the extension, dumped with its rows
	INSERT INTO sentiment_words VALUES ('id', 'KopiKita', 2.5), ('id', 'mantap', 0), ('en', 'killer', 2);

	CREATE TABLE kpis.calendars (label text PRIMARY KEY, cal business_calendar);
	INSERT INTO kpis.calendars VALUES
	    ('office', business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01}')),
	    ('night', business_calendar('Europe/Berlin', 'fri 22:00-02:00; mon-thu 08:00-12:00,13:00-17:00')),
	    ('always', business_calendar('UTC', '24/7')),
	    ('half days', business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31}', '2025-03-28 13:00-17:00; 2025-04-07 08:00-09:00,12:00-24:00'));

	CREATE TABLE kpis.durations (label text PRIMARY KEY, d duration_summary);
	INSERT INTO kpis.durations
	SELECT 'first response ' || channel, duration_summary(first_response_at - opened_at) FROM crm.tickets GROUP BY channel;
	INSERT INTO kpis.durations
	SELECT 'resolution ' || priority, duration_summary(resolved_at - opened_at) FROM crm.tickets GROUP BY priority;
	INSERT INTO kpis.durations VALUES ('empty', 'v1'),
	    ('with p', 'v1 p=0.9 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1'),
	    ('large', (SELECT duration_summary(make_interval(secs => (i * 2654435761) % 100000000 / 1000.0))
	                 FROM generate_series(1, 200000::bigint) AS i));

	-- bigint keys share the integer key type; the whole-book summaries hold
	-- all 3,000 customers and go through TOAST
	CREATE TABLE kpis.clv (label text PRIMARY KEY, c clv_summary);
	INSERT INTO kpis.clv
	SELECT 'integer ' || quarter, clv_summary(customer_id, amount, ordered_at)
	  FROM crm.orders, to_char(ordered_at, 'YYYY-"Q"Q') AS quarter GROUP BY quarter;
	INSERT INTO kpis.clv VALUES
	    ('integer all', (SELECT clv_summary(customer_id, amount, ordered_at) FROM crm.orders)),
	    ('bigint all', (SELECT clv_summary(customer_id::bigint * 1000000000000, amount, ordered_at) FROM crm.orders)),
	    ('text all', (SELECT clv_summary('customer "' || customer_id || '"', amount, ordered_at) FROM crm.orders)),
	    ('uuid all', (SELECT clv_summary(md5(customer_id::text)::uuid, amount, ordered_at) FROM crm.orders)),
	    ('empty integer', 'v1 integer scale=0'), ('empty text', 'v1 text scale=2'), ('empty uuid', 'v1 uuid scale=0');

	CREATE TABLE kpis.mrr (month date PRIMARY KEY, m mrr_summary);
	INSERT INTO kpis.mrr
	SELECT months.month, mrr_summary(prev.mrr, curr.mrr)
	  FROM (SELECT DISTINCT month FROM crm.mrr_monthly) AS months
	  JOIN crm.mrr_monthly AS seen ON seen.month IN (months.month, (months.month - interval '1 month')::date)
	  LEFT JOIN crm.mrr_monthly AS prev ON prev.customer_id = seen.customer_id AND prev.month = (months.month - interval '1 month')::date
	  LEFT JOIN crm.mrr_monthly AS curr ON curr.customer_id = seen.customer_id AND curr.month = months.month
	 WHERE seen.month = coalesce(prev.month, curr.month)
	 GROUP BY months.month;
	INSERT INTO kpis.mrr VALUES ('1999-01-01', 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0');

	-- subscription summaries: each customer's MRR timeline, per quarter and
	-- whole (toasted), every key type
	CREATE TABLE kpis.subscriptions (label text PRIMARY KEY, u subscription_summary);
	INSERT INTO kpis.subscriptions
	SELECT 'integer ' || quarter, subscription_summary(customer_id, mrr, month, month + interval '1 month')
	  FROM crm.mrr_monthly, to_char(month, 'YYYY-"Q"Q') AS quarter GROUP BY quarter;
	INSERT INTO kpis.subscriptions VALUES
	    ('integer all', (SELECT subscription_summary(customer_id, mrr, month, month + interval '1 month') FROM crm.mrr_monthly)),
	    ('bigint all', (SELECT subscription_summary(customer_id::bigint * 1000000000000, mrr, month, month + interval '1 month') FROM crm.mrr_monthly)),
	    ('text all', (SELECT subscription_summary('customer "' || customer_id || '"', mrr, month, month + interval '1 month') FROM crm.mrr_monthly)),
	    ('uuid all', (SELECT subscription_summary(md5(customer_id::text)::uuid, mrr, month, NULL) FROM crm.mrr_monthly)),
	    ('periods all', (SELECT subscription_summary(customer_id, mrr, started_at, ended_at) FROM crm.subscriptions)),
	    ('empty integer', 'v1 integer scale=0'), ('empty text', 'v1 text scale=2');
	-- status histories per ticket, and one of every ticket's changes (toasted)
	CREATE TABLE kpis.statuses (label text PRIMARY KEY, h status_summary);
	INSERT INTO kpis.statuses
	SELECT 'ticket ' || ticket_id, status_summary(status, changed_at) FROM crm.ticket_status_changes WHERE ticket_id % 50 = 0 GROUP BY ticket_id;
	INSERT INTO kpis.statuses VALUES
	    ('all', (SELECT status_summary(status, changed_at) FROM crm.ticket_status_changes)),
	    ('quoted', 'v1 0001-01-01T00:00:00Z "say ""hi""", 0001-01-01T00:00:00Z ""');
	-- customer-base models per segment, fitted on per-customer rows in weeks
	CREATE TABLE kpis.btyd (segment text PRIMARY KEY, bg bgnbd_model, gg gamma_gamma_model);
	INSERT INTO kpis.btyd
	SELECT segment, bgnbd_fit(x, t_x, t), gamma_gamma_fit(x, mean_value)
	  FROM (SELECT c.segment, o.customer_id, count(*) - 1 AS x, (max(day) - min(day)) / 7.0 AS t_x,
	               (date '2026-01-01' - min(day)) / 7.0 AS t, 10 + count(*) AS mean_value
	          FROM (SELECT DISTINCT customer_id, ordered_at::date AS day FROM crm.orders) AS o
	          JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment, o.customer_id) AS per_customer
	 GROUP BY segment;

	-- health scores per active account (the BI view), one with the most
	-- components allowed (32), and a btree index on the type
	CREATE TABLE kpis.health (account text PRIMARY KEY, h health_score);
	INSERT INTO kpis.health SELECT customer_id::text, health FROM crm.account_health;
	INSERT INTO kpis.health VALUES
	    ('many', (SELECT health_score_agg('component "' || i || '"', (i * 7919) % 1001 / 10.0, 1 + i % 7)
	                FROM generate_series(1, 32) AS i)),
	    ('one', 'v1 a=0 weight=1');
	CREATE INDEX ON kpis.health (h);

	-- views reading KPIs off the stored summaries
	CREATE VIEW kpis.score_kpis AS
	SELECT label, responses(s), score_counts(s), mean_score(s),
	       CASE WHEN label LIKE 'nps %' OR label = 'large' THEN concat_ws(' ', nps(s), promoters(s), detractors(s), nps_ci(s), nps_margin(s, 0.9)) END AS nps,
	       CASE WHEN label LIKE 'csat %' THEN csat(s) END AS csat
	  FROM kpis.scores;
	CREATE VIEW kpis.rate_kpis AS SELECT label, rate(r), hits(r), trials(r), rate_ci(r, 0.99) FROM kpis.rates;
	CREATE VIEW kpis.duration_kpis AS
	SELECT label, durations(d), percentile(d, 0.9), percentiles(d, '{0.5, 0.95, 0.99}'), mean_duration(d), min_duration(d), max_duration(d)
	  FROM kpis.durations;
	CREATE VIEW kpis.clv_kpis AS
	SELECT label, clv(c), clv(c, 3) AS clv_3_years, customers(c), purchases(c), revenue(c), avg_purchase_value(c), purchase_frequency(c), avg_lifespan(c)
	  FROM kpis.clv;
	CREATE VIEW kpis.mrr_kpis AS
	SELECT month, nrr(m), grr(m), starting_mrr(m), new_mrr(m), expansion_mrr(m), contraction_mrr(m), churned_mrr(m), ending_mrr(m)
	  FROM kpis.mrr;
	CREATE VIEW kpis.health_kpis AS
	SELECT account, score(h), band(h), band(h, 40, 80) AS band_40_80, h -> 'nps' AS nps, c.*
	  FROM kpis.health, LATERAL components(h) AS c;

	-- materialized views: summaries per month straight from the data, and
	-- rolled up from the stored ones; unique indexes for REFRESH CONCURRENTLY
	CREATE MATERIALIZED VIEW kpis.monthly AS
	WITH tickets AS (
	    SELECT date_trunc('month', opened_at)::date AS month, duration_summary(first_response_at - opened_at) AS first_response,
	           rate_summary(contacts = 1) AS fcr
	      FROM crm.tickets GROUP BY 1
	), surveys AS (
	    SELECT date_trunc('month', answered_at)::date AS month, score_summary(score) AS nps FROM crm.surveys GROUP BY 1
	), orders AS (
	    SELECT date_trunc('month', ordered_at)::date AS month, clv_summary(customer_id, amount, ordered_at) AS clv
	      FROM crm.orders GROUP BY 1
	)
	SELECT * FROM tickets LEFT JOIN surveys USING (month) LEFT JOIN orders USING (month) LEFT JOIN kpis.mrr USING (month);
	CREATE UNIQUE INDEX ON kpis.monthly (month);
	CREATE MATERIALIZED VIEW kpis.totals AS
	SELECT (SELECT rollup(s) FROM kpis.scores WHERE label LIKE 'nps %') AS nps,
	       (SELECT rollup(r) FROM kpis.rates WHERE label LIKE 'churn %') AS churn,
	       (SELECT rollup(d) FROM kpis.durations WHERE label LIKE 'first response %') AS first_response,
	       (SELECT rollup(c) FROM kpis.clv WHERE label LIKE 'integer 2%') AS clv,
	       (SELECT rollup(m) FROM kpis.mrr) AS mrr,
	       (SELECT health_score_agg(account, score(h), 1)
	          FROM (SELECT * FROM kpis.health WHERE account ~ '^\d+$' ORDER BY account LIMIT 32) AS a) AS accounts;
	CREATE MATERIALIZED VIEW kpis.health_board AS SELECT * FROM crm.account_health_board;
});

# name => query; each must print the same text on the source and on every
# restored database
my @checks = (
	[ 'score summaries', 'SELECT label, s FROM kpis.scores ORDER BY label' ],
	[ 'rate summaries', 'SELECT label, r FROM kpis.rates ORDER BY label' ],
	[ 'duration summaries', 'SELECT label, d FROM kpis.durations ORDER BY label' ],
	[ 'clv summaries', 'SELECT label, c FROM kpis.clv ORDER BY label' ],
	[ 'mrr summaries', 'SELECT month, m FROM kpis.mrr ORDER BY month' ],
	[ 'subscription summaries', 'SELECT label, u FROM kpis.subscriptions ORDER BY label' ],
	[ 'subscription KPIs', q{SELECT label, nrr(u, '2025-01-01', '2025-07-01'), quick_ratio(u, '2025-01-01', '2025-07-01'),
		(SELECT sum(ending_mrr) FROM mrr_movements(u, '2024-01-01', '2026-01-01')) FROM kpis.subscriptions ORDER BY label} ],
	[ 'status summaries', 'SELECT label, h FROM kpis.statuses ORDER BY label' ],
	[ 'time in status', q{SELECT label, time_in_status(h, 'pending'), time_in_status(h, 'pending', NULL, cal), statuses(h)
		FROM kpis.statuses, business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31}') AS cal ORDER BY label} ],
	[ 'health scores', 'SELECT account, h FROM kpis.health ORDER BY account' ],
	[ 'sentiment summaries', 'SELECT label, f, net_sentiment(f), mean_sentiment(f) FROM kpis.sentiments ORDER BY label' ],
	[ 'user sentiment words', q{SELECT language, word, weight FROM sentiment_words ORDER BY language, word} ],
	[ 'scores with user words', q{SELECT sentiment('kopikita mantap', 'id', true), sentiment('a killer app', 'en', true),
		sentiment('kopikita mantap', 'id')} ],
	[ 'btyd models', 'SELECT segment, bg, gg, converged(bg) FROM kpis.btyd ORDER BY segment' ],
	[ 'business calendars', q{SELECT label, cal, business_duration('2025-03-28 12:00+07', '2025-04-08 12:00+07', cal) FROM kpis.calendars ORDER BY label} ],
	[ 'binary forms', q{SELECT kind, md5(string_agg(b::text, ',' ORDER BY key)) FROM (
		SELECT 'score' AS kind, label AS key, score_summary_send(s) AS b FROM kpis.scores
		UNION ALL SELECT 'rate', label, rate_summary_send(r) FROM kpis.rates
		UNION ALL SELECT 'duration', label, duration_summary_send(d) FROM kpis.durations
		UNION ALL SELECT 'clv', label, clv_summary_send(c) FROM kpis.clv
		UNION ALL SELECT 'mrr', month::text, mrr_summary_send(m) FROM kpis.mrr
		UNION ALL SELECT 'subscription', label, subscription_summary_send(u) FROM kpis.subscriptions
		UNION ALL SELECT 'status', label, status_summary_send(h) FROM kpis.statuses
		UNION ALL SELECT 'health', account, health_score_send(h) FROM kpis.health
		UNION ALL SELECT 'sentiment', label, sentiment_summary_send(f) FROM kpis.sentiments
		UNION ALL SELECT 'calendar', label, business_calendar_send(cal) FROM kpis.calendars) AS t GROUP BY kind ORDER BY kind} ],
	[ 'score KPIs', 'SELECT * FROM kpis.score_kpis ORDER BY label' ],
	[ 'rate KPIs', 'SELECT * FROM kpis.rate_kpis ORDER BY label' ],
	[ 'duration KPIs', 'SELECT * FROM kpis.duration_kpis ORDER BY label' ],
	[ 'clv KPIs', 'SELECT * FROM kpis.clv_kpis ORDER BY label' ],
	[ 'mrr KPIs', 'SELECT * FROM kpis.mrr_kpis ORDER BY month' ],
	[ 'health KPIs', 'SELECT * FROM kpis.health_kpis ORDER BY account, name' ],
	[ 'health scores in btree order',
		'SET enable_seqscan = off; SET enable_sort = off; SELECT account, score(h) FROM kpis.health ORDER BY h, account' ],
	[ 'rolled-up KPIs', q{SELECT nps(rollup(s) FILTER (WHERE label LIKE 'nps %')), csat(rollup(s) FILTER (WHERE label LIKE 'csat %')) FROM kpis.scores
		UNION ALL SELECT rate(rollup(r)), trials(rollup(r)) FROM kpis.rates WHERE label <> 'large'
		UNION ALL SELECT extract(epoch FROM percentile(rollup(d), 0.5)), durations(rollup(d)) FROM kpis.durations
		UNION ALL SELECT clv(rollup(c)), customers(rollup(c)) FROM kpis.clv WHERE label LIKE 'integer 2%'
		UNION ALL SELECT nrr(rollup(m)), grr(rollup(m)) FROM kpis.mrr} ],
	[ 'BI month board', 'SELECT * FROM crm.monthly_kpi_board ORDER BY month' ],
	[ 'BI support board', 'SELECT * FROM crm.support_board ORDER BY month, channel' ],
	[ 'BI account health', 'SELECT * FROM crm.account_health_board ORDER BY 1' ],
	[ 'monthly materialized view', 'SELECT * FROM kpis.monthly ORDER BY month' ],
	[ 'totals materialized view', 'SELECT * FROM kpis.totals' ],
	[ 'health board materialized view', 'SELECT * FROM kpis.health_board ORDER BY 1' ],
	[ 'one-step aggregates', q{SELECT nps_agg(score), csat_agg(csat), ces_agg(ces) FROM crm.surveys
		UNION ALL SELECT churn_rate(churned_at IS NOT NULL), fcr_rate(contacts), NULL FROM crm.customers JOIN crm.tickets USING (customer_id)
		UNION ALL SELECT extract(epoch FROM median_duration(resolved_at - opened_at)), clv(customer_id, amount, ordered_at), NULL
		  FROM crm.tickets JOIN crm.orders USING (customer_id) WHERE ticket_id % 7 = 0} ],
);

my %expected = map { $_->[0] => $source->safe_psql('postgres', $_->[1]) } @checks;
ok(length $expected{'clv summaries'} > 300000, 'the CLV summaries are large') or diag(length $expected{'clv summaries'});
is($source->safe_psql('postgres', q{SELECT count(*) FROM kpis.health, components(h) WHERE account = 'many'}), 32,
	'a health score has 32 components');

my $target = PostgreSQL::Test::Cluster->new('dump_target');
$target->init;
$target->start;

my $dumps = $source->basedir;
my %restores = (
	custom => [ [ 'pg_dump', '--format=custom', "--file=$dumps/kpis.dump" ],
		[ 'pg_restore', '--exit-on-error', "$dumps/kpis.dump" ] ],
	plain => [ [ 'pg_dump', '--format=plain', "--file=$dumps/kpis.sql" ],
		[ 'psql', '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', "$dumps/kpis.sql" ] ],
	directory => [ [ 'pg_dump', '--format=directory', '--jobs=2', "--file=$dumps/kpis.dir" ],
		[ 'pg_restore', '--exit-on-error', '--jobs=2', "$dumps/kpis.dir" ] ],
);
for my $format (sort keys %restores)
{
	my ($dump, $restore) = @{ $restores{$format} };
	command_ok([ @$dump, '--dbname=' . $source->connstr('postgres') ], "pg_dump --format=$format");
	$target->safe_psql('postgres', "CREATE DATABASE $format");
	command_ok([ @$restore, '--dbname=' . $target->connstr($format) ], "$format dump restores into a fresh cluster");
	for my $check (@checks)
	{
		my ($name, $query) = @$check;
		is($target->safe_psql($format, $query), $expected{$name}, "$format: $name");
	}
	# the restore filled the materialized views by running their queries;
	# they must run again, also concurrently, with the same result
	$target->safe_psql($format, 'REFRESH MATERIALIZED VIEW kpis.totals; REFRESH MATERIALIZED VIEW kpis.health_board; '
		  . 'REFRESH MATERIALIZED VIEW CONCURRENTLY kpis.monthly');
	for my $name ('monthly materialized view', 'totals materialized view', 'health board materialized view')
	{
		my ($query) = map { $_->[1] } grep { $_->[0] eq $name } @checks;
		is($target->safe_psql($format, $query), $expected{$name}, "$format: $name after REFRESH");
	}
}

$source->stop;
$target->stop;
done_testing();
