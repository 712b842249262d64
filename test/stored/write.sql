-- Tables and materialized views holding summaries of every kpi_ext type,
-- built by the aggregates from the sample data set (test/sample-data.sql,
-- loaded first), and kept.reads: every way to read a KPI off them.  Written
-- under one kpi_ext version or PostgreSQL major; read.sql reads them under
-- another (test/t/010_upgrade_chain.pl, test/matrix/cross_major.sh) and must
-- print the same.
CREATE SCHEMA kept;

CREATE TABLE kept.clv AS
	SELECT c.segment AS k, clv_summary(o.customer_id, o.amount, o.ordered_at) AS by_id,
	       clv_summary(c.name, o.amount, o.ordered_at) AS by_name,
	       clv_summary(md5(c.name)::uuid, o.amount, o.ordered_at) AS by_uuid
	  FROM crm.orders AS o JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;
CREATE MATERIALIZED VIEW kept.clv_view AS
	SELECT c.segment AS k, clv_summary(o.customer_id, o.amount, o.ordered_at) AS by_id,
	       clv_summary(c.name, o.amount, o.ordered_at) AS by_name,
	       clv_summary(md5(c.name)::uuid, o.amount, o.ordered_at) AS by_uuid
	  FROM crm.orders AS o JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;

CREATE TABLE kept.durations AS
	SELECT c.segment AS k, duration_summary(t.first_response_at - t.opened_at) AS first_response,
	       duration_summary(t.resolved_at - t.opened_at) AS resolution
	  FROM crm.tickets AS t JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;
CREATE MATERIALIZED VIEW kept.durations_view AS
	SELECT c.segment AS k, duration_summary(t.first_response_at - t.opened_at) AS first_response,
	       duration_summary(t.resolved_at - t.opened_at) AS resolution
	  FROM crm.tickets AS t JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;

CREATE TABLE kept.health AS
	SELECT u.customer_id AS k, health_score_agg(x.name, x.value, x.weight) AS h
	  FROM crm.product_usage AS u
	 CROSS JOIN LATERAL (VALUES ('logins', kpi_scale(u.logins, 0, 50), 2.0::float8),
	                            ('active_users', kpi_scale(u.active_users, 0, 20), 1.0),
	                            ('features', kpi_scale(u.feature_events, 0, 500), 0.5)) AS x(name, value, weight)
	 WHERE u.week = (SELECT max(week) FROM crm.product_usage) AND u.customer_id <= 12
	 GROUP BY u.customer_id;
CREATE MATERIALIZED VIEW kept.health_view AS
	SELECT u.customer_id AS k, health_score_agg(x.name, x.value, x.weight) AS h
	  FROM crm.product_usage AS u
	 CROSS JOIN LATERAL (VALUES ('logins', kpi_scale(u.logins, 0, 50), 2.0::float8),
	                            ('active_users', kpi_scale(u.active_users, 0, 20), 1.0),
	                            ('features', kpi_scale(u.feature_events, 0, 500), 0.5)) AS x(name, value, weight)
	 WHERE u.week = (SELECT max(week) FROM crm.product_usage) AND u.customer_id <= 12
	 GROUP BY u.customer_id;

CREATE TABLE kept.mrr AS
	SELECT c.segment AS k, mrr_summary(before.mrr, after.mrr) AS movements
	  FROM crm.customers AS c CROSS JOIN (SELECT max(month) AS last FROM crm.mrr_monthly) AS m
	  LEFT JOIN crm.mrr_monthly AS before
	    ON before.customer_id = c.customer_id AND before.month = (m.last - interval '6 months')::date
	  LEFT JOIN crm.mrr_monthly AS after ON after.customer_id = c.customer_id AND after.month = m.last
	 GROUP BY c.segment;
CREATE MATERIALIZED VIEW kept.mrr_view AS
	SELECT c.segment AS k, mrr_summary(before.mrr, after.mrr) AS movements
	  FROM crm.customers AS c CROSS JOIN (SELECT max(month) AS last FROM crm.mrr_monthly) AS m
	  LEFT JOIN crm.mrr_monthly AS before
	    ON before.customer_id = c.customer_id AND before.month = (m.last - interval '6 months')::date
	  LEFT JOIN crm.mrr_monthly AS after ON after.customer_id = c.customer_id AND after.month = m.last
	 GROUP BY c.segment;

CREATE TABLE kept.rates AS
	SELECT c.segment AS k, rate_summary(c.churned_at IS NOT NULL) AS churn,
	       rate_summary(r.renewed) AS renewal
	  FROM crm.customers AS c LEFT JOIN crm.renewals AS r USING (customer_id) GROUP BY c.segment;
CREATE MATERIALIZED VIEW kept.rates_view AS
	SELECT c.segment AS k, rate_summary(c.churned_at IS NOT NULL) AS churn,
	       rate_summary(r.renewed) AS renewal
	  FROM crm.customers AS c LEFT JOIN crm.renewals AS r USING (customer_id) GROUP BY c.segment;

CREATE TABLE kept.scores AS
	SELECT c.segment AS k, score_summary(s.score) AS nps, score_summary(s.csat) AS csat,
	       score_summary(s.ces) AS ces
	  FROM crm.surveys AS s JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;
CREATE MATERIALIZED VIEW kept.scores_view AS
	SELECT c.segment AS k, score_summary(s.score) AS nps, score_summary(s.csat) AS csat,
	       score_summary(s.ces) AS ces
	  FROM crm.surveys AS s JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;

-- The types of 1.1 and later, when the installed version has them (the
-- upgrade chain writes under 1.0; the cross-major check under the newest).
SELECT to_regtype('subscription_summary') IS NOT NULL AS kept_has_1_1 \gset
\if :kept_has_1_1
CREATE TABLE kept.subscriptions AS
	SELECT c.segment AS k, subscription_summary(s.customer_id, s.mrr, s.started_at, s.ended_at) AS by_id,
	       subscription_summary(c.name, s.mrr, s.started_at, s.ended_at) AS by_name
	  FROM crm.subscriptions AS s JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;
CREATE MATERIALIZED VIEW kept.subscriptions_view AS
	SELECT c.segment AS k, subscription_summary(s.customer_id, s.mrr, s.started_at, s.ended_at) AS by_id,
	       subscription_summary(c.name, s.mrr, s.started_at, s.ended_at) AS by_name
	  FROM crm.subscriptions AS s JOIN crm.customers AS c USING (customer_id) GROUP BY c.segment;

CREATE TABLE kept.sentiment AS
	SELECT language AS k, sentiment_summary(comment, language) AS by_language,
	       sentiment_summary(comment, 'auto') AS auto
	  FROM crm.survey_comments GROUP BY language;
CREATE MATERIALIZED VIEW kept.sentiment_view AS
	SELECT language AS k, sentiment_summary(comment, language) AS by_language,
	       sentiment_summary(comment, 'auto') AS auto
	  FROM crm.survey_comments GROUP BY language;
\endif

-- The customer-base models and their state (kpi_ext 1.1 on): per segment,
-- fitted over one row per customer derived from the orders.
SELECT to_regtype('bgnbd_model') IS NOT NULL AS has_btyd \gset
\if :has_btyd
CREATE VIEW kept.btyd_customers AS
	SELECT customer_id, segment, count(*) - 1 AS x, (max(day) - min(day)) / 7.0::float8 AS t_x,
	       (date '2026-01-01' - min(day)) / 7.0::float8 AS t,
	       coalesce((sum(spend) - min(spend) FILTER (WHERE day = first)) / nullif(count(*) - 1, 0), 0)::float8 AS mean_value
	  FROM (SELECT *, min(day) OVER (PARTITION BY customer_id) AS first
	          FROM (SELECT customer_id, ordered_at::date AS day, sum(amount) AS spend FROM crm.orders
	                 WHERE amount > 0 AND ordered_at < '2026-01-01' GROUP BY 1, 2) AS d) AS d
	  JOIN crm.customers USING (customer_id)
	 GROUP BY customer_id, segment;
CREATE AGGREGATE kept.bgnbd_state(bigint, float8, float8) (
	SFUNC = btyd_summary_add_bgnbd, STYPE = btyd_summary, COMBINEFUNC = btyd_summary_merge);
CREATE TABLE kept.btyd AS
	SELECT segment AS k, bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg,
	       kept.bgnbd_state(x, t_x, t) AS state
	  FROM kept.btyd_customers GROUP BY segment;
CREATE MATERIALIZED VIEW kept.btyd_view AS
	SELECT segment AS k, bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg,
	       kept.bgnbd_state(x, t_x, t) AS state
	  FROM kept.btyd_customers GROUP BY segment;
-- Pareto/NBD on the smallest segment only: its fit is the slow one
CREATE TABLE kept.pareto_nbd AS
	SELECT segment AS k, pareto_nbd_fit(x, t_x, t) AS pn
	  FROM kept.btyd_customers WHERE segment = 'enterprise' GROUP BY segment;
CREATE MATERIALIZED VIEW kept.pareto_nbd_view AS
	SELECT segment AS k, pareto_nbd_fit(x, t_x, t) AS pn
	  FROM kept.btyd_customers WHERE segment = 'enterprise' GROUP BY segment;
CREATE TABLE kept.sbg AS
	SELECT 'regular' AS k, sbg_fit((i - 1)::int, n) AS m
	  FROM unnest(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241]::bigint[]) WITH ORDINALITY AS u(n, i);
CREATE MATERIALIZED VIEW kept.sbg_view AS
	SELECT 'regular' AS k, sbg_fit((i - 1)::int, n) AS m
	  FROM unnest(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241]::bigint[]) WITH ORDINALITY AS u(n, i);
\endif

-- Every read of every stored summary: each function of the extension that
-- takes the summary alone (accessors, text and binary output), each that
-- takes two of them (on every pair of rows), and those with other arguments
-- with arguments chosen here.  An error is a result too, kept with its
-- SQLSTATE.
CREATE FUNCTION kept.read(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
	result text;
BEGIN
	EXECUTE query INTO result;
	RETURN coalesce(result, '(no rows)');
EXCEPTION WHEN others THEN
	RETURN 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE TABLE kept.reads AS
WITH summaries AS (
	SELECT c.oid::regclass AS rel, a.attname AS col, a.atttypid AS typ
	  FROM pg_class AS c
	  JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0
	  JOIN pg_depend AS d ON d.classid = 'pg_type'::regclass AND d.objid = a.atttypid AND d.deptype = 'e'
	  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
	 WHERE c.relnamespace = 'kept'::regnamespace AND c.relkind IN ('r', 'm')),
functions AS (
	SELECT p.* FROM pg_proc AS p
	  JOIN pg_depend AS d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
	  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
	 WHERE p.prokind = 'f'),
calls AS (
	SELECT s.*, format('%I(t.%I)', f.proname, s.col) AS call, '' AS pairs
	  FROM summaries AS s JOIN functions AS f ON f.proargtypes[0] = s.typ AND f.pronargs - f.pronargdefaults = 1
	UNION ALL
	SELECT s.*, format('%I(t.%I, u.%I)', f.proname, s.col, s.col), format(', %s AS u', s.rel)
	  FROM summaries AS s JOIN functions AS f
	    ON f.pronargs = 2 AND f.proargtypes[0] = s.typ AND f.proargtypes[1] = s.typ
	UNION ALL
	SELECT s.*, format(c.call, s.col), ''
	  FROM summaries AS s JOIN (VALUES
	       ('score_summary', 'csat(t.%I, 10)'), ('score_summary', 'nps_ci(t.%I, 0.8)'),
	       ('score_summary', 'nps_margin(t.%I, 0.99)'), ('rate_summary', 'rate_ci(t.%I, 0.99)'),
	       ('duration_summary', 'percentile(t.%I, 0.9)'),
	       ('duration_summary', 'percentiles(t.%I, ''{0, 0.25, 0.5, 0.999, 1}'')'),
	       ('clv_summary', 'clv(t.%I, 3.5)'), ('health_score', 'band(t.%I, 40, 80)'),
	       ('health_score', 'component(t.%I, ''logins'')'), ('health_score', 't.%I -> ''features'''),
	       ('subscription_summary', 'mrr_movements(t.%I, ''2024-07-01 00:00+00'', ''2026-01-01 00:00+00'', ''3 months'')'),
	       ('subscription_summary', 'mrr_movements(t.%I, ''2025-01-01 00:00+00'', ''2026-01-01 00:00+00'', ''1 month'', ''2 months'')'),
	       ('subscription_summary', 'nrr(t.%I, ''2025-01-01 00:00+00'', ''2026-01-01 00:00+00'')'),
	       ('subscription_summary', 'grr(t.%I, ''2025-01-01 00:00+00'', ''2026-01-01 00:00+00'')'),
	       ('subscription_summary', 'quick_ratio(t.%I, ''2025-01-01 00:00+00'', ''2026-01-01 00:00+00'')'),
	       ('subscription_summary', 'logo_churn_rate(t.%I, ''2025-01-01 00:00+00'', ''2026-01-01 00:00+00'')'),
	       ('subscription_summary', 'cohort_retention(t.%I, ''3 months'', ''2021-01-01 00:00+00'')'),
	       ('bgnbd_model', 'expected_purchases(t.%I, 12)'), ('bgnbd_model', 'expected_purchases(t.%I, 12, 3, 20.5, 52)'),
	       ('bgnbd_model', 'p_alive(t.%I, 3, 20.5, 52)'), ('bgnbd_model', 'purchase_probability(t.%I, 2, 12)'),
	       ('bgnbd_model', 'clv(t.%I, t.gg, 3, 20.5, 52, 150, 52, 0.0018)'),
	       ('pareto_nbd_model', 'expected_purchases(t.%I, 12)'), ('pareto_nbd_model', 'expected_purchases(t.%I, 12, 3, 20.5, 52)'),
	       ('pareto_nbd_model', 'p_alive(t.%I, 3, 20.5, 52)'), ('pareto_nbd_model', 'purchase_probability(t.%I, 2, 12)'),
	       ('gamma_gamma_model', 'expected_mean_value(t.%I, 3, 150)'), ('gamma_gamma_model', 'expected_mean_value(t.%I, 0, 0)'),
	       ('sbg_model', 'survival(t.%I, 12)'), ('sbg_model', 'retention_rate(t.%I, 12)'),
	       ('sbg_model', 'expected_lifetime(t.%I, 0.1)')
	       ) AS c(typ, call) ON to_regtype(c.typ) = s.typ)
SELECT typ::regtype AS typ, format('%s.%s: %s', rel, col, call) AS label,
       format('SELECT string_agg(x::text, '' | '' ORDER BY t.k%s, x::text) FROM %s AS t%s, LATERAL (SELECT %s) AS x',
              CASE WHEN pairs = '' THEN '' ELSE ', u.k' END, rel, pairs, call) AS query
  FROM calls;
