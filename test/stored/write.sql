-- Tables and materialized views holding every kpi_ext summary type and
-- health_score, built by the aggregates from deterministic sample rows.
-- Written under one kpi_ext version or PostgreSQL major and read again by
-- read.sql under another (test/matrix/cross_major.sh, the upgrade chain).
CREATE TABLE stored_rows AS
SELECT i,
       i % 7 AS grp,
       (i * 37 % 11)::int AS score,
       (i * 13 % 5 + 1)::int AS csat,
       i % 3 = 0 AS churned,
       make_interval(secs => (i * 7919 % 86400) + 0.25 * (i % 4)) AS waited,
       timestamptz '2024-01-01 00:00+00' + make_interval(days => i % 400, hours => i % 24) AS at,
       (i % 250)::int AS customer,
       round((i * 9973 % 50000) / 100.0, 2) AS amount,
       round((i % 9) * 10.5, 2) AS prev_mrr,
       round((i % 13) * 7.25, 2) AS curr_mrr
  FROM generate_series(1, 3000) AS i;

CREATE TABLE stored_scores AS
SELECT grp, score_summary(score) AS nps_s, csat_agg(csat) AS csat, ces_agg(csat, 7) AS ces
  FROM stored_rows GROUP BY grp;
CREATE TABLE stored_rates AS
SELECT grp, rate_summary(churned) AS churn_s,
       sla_rate(waited, interval '8 hours') AS sla_s
  FROM stored_rows GROUP BY grp;
CREATE TABLE stored_durations AS
SELECT grp, duration_summary(waited) AS waited_s FROM stored_rows GROUP BY grp;
CREATE TABLE stored_clv AS
SELECT grp, clv_summary(customer, amount, at) AS by_int,
       clv_summary('c' || customer, amount, at) AS by_text,
       clv_summary(md5(customer::text)::uuid, amount, at) AS by_uuid
  FROM stored_rows GROUP BY grp;
CREATE TABLE stored_mrr AS
SELECT grp, mrr_summary(prev_mrr, curr_mrr) AS mrr_s FROM stored_rows GROUP BY grp;
CREATE TABLE stored_health AS
SELECT grp, health_score_agg(c.name, c.value, c.weight) AS h
  FROM stored_rows r,
       LATERAL (VALUES ('nps', kpi_scale(r.score, 0, 10), 2.0),
                       ('csat', kpi_scale(r.csat, 1, 5), 1.0)) AS c(name, value, weight)
 WHERE r.i <= 7 GROUP BY grp;

-- materialized views: rolled up from the stored tables, as BI boards keep them
-- (grp 0: one row)
CREATE MATERIALIZED VIEW stored_rollups AS
SELECT 0 AS grp, rollup(nps_s) AS nps_all,
       (SELECT rollup(churn_s) FROM stored_rates) AS churn_all,
       (SELECT rollup(waited_s) FROM stored_durations) AS waited_all,
       (SELECT rollup(by_int) FROM stored_clv) AS clv_all,
       (SELECT rollup(mrr_s) FROM stored_mrr) AS mrr_all,
       (SELECT h FROM stored_health ORDER BY grp LIMIT 1) AS h_first
  FROM stored_scores;
CREATE MATERIALIZED VIEW stored_monthly AS
SELECT date_trunc('month', at, 'UTC') AS month, nps_agg(score) AS nps, churn_rate(churned) AS churn,
       median_duration(waited) AS median_wait, clv(customer, amount, at) AS clv
  FROM stored_rows GROUP BY 1;
