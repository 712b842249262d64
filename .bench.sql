\timing on
SET max_parallel_workers_per_gather = 0;
DROP TABLE IF EXISTS bsubs;
CREATE TABLE bsubs AS
SELECT 1 + (i * 7919) % 200000 AS customer,
       ((i * 104729) % 30000 / 100.0)::numeric(12, 2) AS mrr,
       timestamptz '2022-01-01' + ((i * 2654435761) % 94608000) * interval '1 second' AS valid_from,
       CASE WHEN (i * 31) % 4 = 0 THEN NULL
            ELSE timestamptz '2022-01-01' + ((i * 2654435761) % 94608000 + 3600 + (i * 15485863) % 40000000) * interval '1 second' END AS valid_to
  FROM generate_series(1, 1000000::bigint) AS i;
VACUUM ANALYZE bsubs;
SELECT count(*), count(DISTINCT customer) FROM bsubs;
-- kpi_ext
CREATE TEMP TABLE k AS SELECT * FROM mrr_movements((SELECT subscription_summary(customer, mrr, valid_from, valid_to) FROM bsubs), '2022-01-01', '2025-01-01');
CREATE TEMP TABLE k2 AS SELECT * FROM mrr_movements((SELECT subscription_summary(customer, mrr, valid_from, valid_to) FROM bsubs), '2022-01-01', '2025-01-01');
-- month spine
CREATE TEMP TABLE r AS
WITH spine AS (
    SELECT k, '2022-01-01'::timestamptz + k * interval '1 month' AS b FROM generate_series(0, 36) AS k
), customers AS (
    SELECT customer, min(valid_from) AS first FROM bsubs WHERE mrr > 0 GROUP BY customer
), paying AS (
    SELECT x.customer, s.k, sum(x.mrr) AS mrr
      FROM bsubs x JOIN spine s ON x.valid_from <= s.b AND (x.valid_to IS NULL OR x.valid_to > s.b)
     WHERE x.mrr > 0
     GROUP BY x.customer, s.k
), levels AS (
    SELECT c.customer, c.first, s.k, s.b, coalesce(p.mrr, 0) AS m1,
           lag(coalesce(p.mrr, 0)) OVER (PARTITION BY c.customer ORDER BY s.k) AS m0,
           lag(s.b) OVER (PARTITION BY c.customer ORDER BY s.k) AS period_start
      FROM customers c CROSS JOIN spine s LEFT JOIN paying p ON p.customer = c.customer AND p.k = s.k
), classified AS (
    SELECT period_start, b AS period_end, m0, m1,
           CASE WHEN m0 = 0 AND m1 > 0 AND first >= period_start THEN 'new'
                WHEN m0 = 0 AND m1 > 0 THEN 'reactivation'
                WHEN m0 > 0 AND m1 = 0 THEN 'churned'
                WHEN m1 > m0 THEN 'expansion'
                WHEN m1 < m0 THEN 'contraction' END AS movement
      FROM levels WHERE period_start IS NOT NULL
)
SELECT period_start, period_end,
       sum(m0) AS starting_mrr,
       coalesce(sum(m1) FILTER (WHERE movement = 'new'), 0) AS new_mrr,
       coalesce(sum(m1 - m0) FILTER (WHERE movement = 'expansion'), 0) AS expansion_mrr,
       coalesce(sum(m0 - m1) FILTER (WHERE movement = 'contraction'), 0) AS contraction_mrr,
       coalesce(sum(m0) FILTER (WHERE movement = 'churned'), 0) AS churned_mrr,
       coalesce(sum(m1) FILTER (WHERE movement = 'reactivation'), 0) AS reactivation_mrr,
       sum(m1) AS ending_mrr,
       count(*) FILTER (WHERE m0 > 0) AS customers_start,
       count(*) FILTER (WHERE movement = 'new') AS new_customers,
       count(*) FILTER (WHERE movement = 'churned') AS churned_customers,
       count(*) FILTER (WHERE movement = 'reactivation') AS reactivated_customers,
       count(*) FILTER (WHERE m1 > 0) AS customers_end
  FROM classified GROUP BY period_start, period_end;
SELECT (SELECT count(*) FROM (SELECT * FROM r EXCEPT SELECT * FROM k) a) AS only_ref, (SELECT count(*) FROM (SELECT * FROM k EXCEPT SELECT * FROM r) b) AS only_kpi, (SELECT count(*) FROM k) AS periods;
SELECT pg_size_pretty(pg_column_size(subscription_summary(customer, mrr, valid_from, valid_to))::bigint) FROM bsubs;
