--
-- Subscriptions: subscription_summary from subscription periods, the MRR
-- movements waterfall at the customer grain, NRR, GRR, quick ratio, logo
-- churn and cohort retention.  Money is exact.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

--
-- ChartMogul's worked example of net MRR churn: starting MRR 100, churn 10,
-- contraction 10, expansion 10 -> gross MRR churn 20 % (GRR 80), net MRR
-- churn 10 % (NRR 90).  A stays at 40, B (10) cancels, C goes 20 -> 10 by
-- cancelling one of its two subscriptions (contraction, not churn), D
-- adds a 10 add-on to its 30; E is new (25) and F, who left in 2023, is
-- back (5): new and reactivation, neither in NRR or GRR.
--
CREATE TABLE subs (customer int, mrr numeric, valid_from timestamptz, valid_to timestamptz);
INSERT INTO subs VALUES
    ('1', 40.00, '2024-01-01', NULL),
    (2, 10, '2023-12-01', '2024-01-20'),
    (3, 10, '2023-11-15', NULL), (3, 10, '2023-11-15', '2024-01-31'),
    (4, 30, '2023-06-01', NULL), (4, 10, '2024-01-10', NULL),
    (5, 25, '2024-01-05', '2024-03-01'),
    (6, 5, '2023-02-01', '2023-05-01'), (6, 5, '2024-01-12', NULL),
    (7, NULL, '2024-01-01', NULL), (NULL, 1, '2024-01-01', NULL), (8, 0, '2024-01-01', NULL);
CREATE TABLE summary AS SELECT subscription_summary(customer, mrr, valid_from, valid_to) AS s FROM subs;
SELECT s FROM summary;
SELECT * FROM mrr_movements((SELECT s FROM summary), '2024-01-01', '2024-04-01');
SELECT nrr(s, '2024-01-01', '2024-02-01'), grr(s, '2024-01-01', '2024-02-01'),
       quick_ratio(s, '2024-01-01', '2024-02-01'), logo_churn_rate(s, '2024-01-01', '2024-02-01'),
       100 - grr(s, '2024-01-01', '2024-02-01') AS gross_mrr_churn, 100 - nrr(s, '2024-01-01', '2024-02-01') AS net_mrr_churn
  FROM summary;
-- nothing lost: no quick ratio; nobody paying at the start: no NRR, GRR or logo churn
SELECT quick_ratio(s, '2024-02-01', '2024-02-15'), nrr(s, '2010-01-01', '2011-01-01'),
       grr(s, '2010-01-01', '2011-01-01'), logo_churn_rate(s, '2010-01-01', '2011-01-01')
  FROM summary;
-- a period shorter than the step ends at period_end; the identity holds in every row
SELECT period_start, period_end, ending_mrr,
       starting_mrr + new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churned_mrr = ending_mrr AS mrr_identity,
       customers_start + new_customers + reactivated_customers - churned_customers = customers_end AS customer_identity
  FROM mrr_movements((SELECT s FROM summary), '2023-10-01', '2024-03-10', '2 months');
-- the cohort triangle: F's first subscription (2023-02) makes it the oldest cohort
SELECT * FROM cohort_retention((SELECT s FROM summary));
SELECT * FROM cohort_retention((SELECT s FROM summary), '1 year', '2023-01-01');
SELECT count(*) FROM cohort_retention(NULL);
--
-- The grace parameter: a gap of at most grace between subscriptions counts
-- as staying.  Customer 9 pays 50 in January, nothing from 2024-01-31 to
-- 2024-02-03 (across the 02-01 boundary), then 60: by default churn in
-- January and reactivation in February; with a 7-day grace one customer
-- who went 50 -> 60 (expansion in February).
--
CREATE TABLE gap AS SELECT subscription_summary(customer, mrr, valid_from, valid_to) AS s
  FROM (VALUES (9, 50, '2024-01-01'::timestamptz, '2024-01-31'::timestamptz), (9, 60, '2024-02-03', NULL)) AS v(customer, mrr, valid_from, valid_to);
SELECT period_start, churned_mrr, reactivation_mrr, expansion_mrr, ending_mrr, churned_customers, reactivated_customers
  FROM mrr_movements((SELECT s FROM gap), '2024-01-01', '2024-03-01');
SELECT period_start, churned_mrr, reactivation_mrr, expansion_mrr, ending_mrr, churned_customers, reactivated_customers
  FROM mrr_movements((SELECT s FROM gap), '2024-01-01', '2024-03-01', grace => '7 days');
SELECT period_start, churned_mrr, reactivation_mrr, ending_mrr
  FROM mrr_movements((SELECT s FROM gap), '2024-01-01', '2024-03-01', grace => '2 days');
--
-- Key types: bigint ids are the same customers as integer ones; text keys
-- compare byte for byte and print quoted; uuid keys.
--
SELECT subscription_summary(customer::bigint, mrr, valid_from, valid_to) = (SELECT s FROM summary) AS bigint_equals_integer
  FROM subs;
SELECT subscription_summary(c, m, f, t)
  FROM (VALUES ('acme "inc"', 10.5, '2024-01-01'::timestamptz, NULL::timestamptz), ('Zed', 1, '2024-01-01', '2024-02-01'),
               ('acme "inc"', 0.25, '2024-01-15', NULL)) AS v(c, m, f, t);
SELECT subscription_summary(c, 99, '2024-01-01 12:30:00.5+00', NULL)
  FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid)) AS v(c);
--
-- Text round trips re-read to an equal value; rollup merges timelines of
-- the same customer; summaries group, hash and compare
--
SELECT s::text::subscription_summary = s AS text_round_trip, s::text::subscription_summary::text = s::text AS same_text
  FROM summary;
SELECT rollup(part) = (SELECT s FROM summary) AS rollup_by_subscription
  FROM (SELECT subscription_summary(customer, mrr, valid_from, valid_to) AS part FROM subs GROUP BY ctid) AS t;
SELECT count(*) AS distinct_summaries
  FROM (SELECT s FROM summary UNION SELECT s::text::subscription_summary FROM summary) AS t;
SELECT rollup(s) IS NULL AS empty_rollup FROM summary WHERE false;
-- Running aggregates call the final function after each row and then go
-- on adding rows (or merging summaries) into the same state: every prefix
-- equals the aggregate of that prefix alone.
CREATE TEMP TABLE running_rows AS
SELECT k, 'c' || (k * 7 % 11) AS customer, (k % 4 * 12.5)::numeric AS mrr,
       timestamptz '2024-01-01' + k * interval '5 days' AS valid_from,
       CASE WHEN k % 3 > 0 THEN timestamptz '2024-01-01' + k * interval '9 days' END AS valid_to
  FROM generate_series(1, 40) AS k;
SELECT bool_and(w.running = (SELECT subscription_summary(p.customer, p.mrr, p.valid_from, p.valid_to)
                               FROM running_rows AS p WHERE p.k <= w.k)) AS running_equals_prefixes
  FROM (SELECT k, subscription_summary(customer, mrr, valid_from, valid_to) OVER (ORDER BY k) AS running
          FROM running_rows) AS w;
SELECT bool_and(w.running = (SELECT subscription_summary(p.customer, p.mrr, p.valid_from, p.valid_to)
                               FROM running_rows AS p WHERE p.k % 5 <= w.g)) AS running_rollup_equals_prefixes
  FROM (SELECT g, rollup(part) OVER (ORDER BY g) AS running
          FROM (SELECT k % 5 AS g, subscription_summary(customer, mrr, valid_from, valid_to) AS part
                  FROM running_rows GROUP BY k % 5) AS parts) AS w;
SELECT subscription_summary(customer, mrr, valid_from, valid_to) IS NULL AS no_rows FROM subs WHERE false;
SELECT 'v1 integer scale=2'::subscription_summary;
SELECT 'v1 uuid scale=0; a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 2024-01-01T00:00:00Z=5 2024-02-01T00:00:00Z=0'::subscription_summary;
--
-- A brute-force reference in plain SQL, the month spine x customers the
-- dbt mrr-playbook writes by hand: every customer's MRR at every month
-- boundary, lag() and CASE.  100,000 random subscriptions of 20,000
-- customers over three years, a third starting on a month boundary, with
-- plan changes, overlapping add-ons, gaps and returns, some free.
--
SELECT setseed(0.17);
CREATE TABLE big_subs AS
SELECT 1 + (random() * 19999)::int AS customer,
       CASE WHEN random() < 0.03 THEN 0 ELSE round((random() * 300)::numeric, (random() * 2)::int) END AS mrr,
       CASE WHEN random() < 0.33 THEN date_trunc('month', f) ELSE f END AS valid_from,
       f AS raw_from
  FROM (SELECT '2022-01-01'::timestamptz + random() * interval '1095 days' AS f
          FROM generate_series(1, 100000)) AS g;
ALTER TABLE big_subs ADD COLUMN valid_to timestamptz;
UPDATE big_subs SET valid_to = CASE WHEN random() < 0.25 THEN NULL
                                    WHEN random() < 0.3 THEN date_trunc('month', valid_from) + (1 + (random() * 14)::int) * interval '1 month'
                                    ELSE valid_from + interval '1 hour' + random() * interval '500 days' END;
ALTER TABLE big_subs DROP COLUMN raw_from;
ANALYZE big_subs;
CREATE TABLE big_summary AS SELECT subscription_summary(customer, mrr, valid_from, valid_to) AS s FROM big_subs;
CREATE TABLE reference AS
WITH spine AS (
    SELECT k, '2022-01-01'::timestamptz + k * interval '1 month' AS b FROM generate_series(0, 36) AS k
), customers AS (
    SELECT customer, min(valid_from) AS first FROM big_subs WHERE mrr > 0 GROUP BY customer
), paying AS (
    SELECT x.customer, s.k, sum(x.mrr) AS mrr
      FROM big_subs x JOIN spine s ON x.valid_from <= s.b AND (x.valid_to IS NULL OR x.valid_to > s.b)
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
       sum(m1) FILTER (WHERE movement = 'new') AS new_mrr,
       sum(m1 - m0) FILTER (WHERE movement = 'expansion') AS expansion_mrr,
       sum(m0 - m1) FILTER (WHERE movement = 'contraction') AS contraction_mrr,
       sum(m0) FILTER (WHERE movement = 'churned') AS churned_mrr,
       sum(m1) FILTER (WHERE movement = 'reactivation') AS reactivation_mrr,
       sum(m1) AS ending_mrr,
       count(*) FILTER (WHERE m0 > 0) AS customers_start,
       count(*) FILTER (WHERE movement = 'new') AS new_customers,
       count(*) FILTER (WHERE movement = 'churned') AS churned_customers,
       count(*) FILTER (WHERE movement = 'reactivation') AS reactivated_customers,
       count(*) FILTER (WHERE m1 > 0) AS customers_end
  FROM classified GROUP BY period_start, period_end;
-- sums over no rows are NULL in SQL, 0 here
UPDATE reference SET new_mrr = coalesce(new_mrr, 0), expansion_mrr = coalesce(expansion_mrr, 0),
       contraction_mrr = coalesce(contraction_mrr, 0), churned_mrr = coalesce(churned_mrr, 0),
       reactivation_mrr = coalesce(reactivation_mrr, 0);
CREATE TABLE movements AS SELECT * FROM mrr_movements((SELECT s FROM big_summary), '2022-01-01', '2025-01-01');
-- every period, every column, the same: nothing in one and not the other
SELECT (SELECT count(*) FROM reference) AS periods,
       (SELECT count(*) FROM (SELECT * FROM reference EXCEPT SELECT * FROM movements) AS a) AS only_reference,
       (SELECT count(*) FROM (SELECT * FROM movements EXCEPT SELECT * FROM reference) AS b) AS only_movements;
-- the data has every kind of movement in every period after the first few
SELECT count(*) FILTER (WHERE new_customers > 0 AND churned_customers > 0 AND reactivated_customers > 0
                          AND expansion_mrr > 0 AND contraction_mrr > 0) AS periods_with_every_movement,
       bool_and(starting_mrr + new_mrr + expansion_mrr + reactivation_mrr - contraction_mrr - churned_mrr = ending_mrr) AS mrr_identity,
       bool_and(customers_start + new_customers + reactivated_customers - churned_customers = customers_end) AS customer_identity
  FROM movements;
-- the ratios are those of the period's movements
-- (to rounding: the ratio is taken of the amounts as double precision)
SELECT bool_and(abs(nrr(s, m.period_start, m.period_end) -
                    (100 * (starting_mrr + expansion_mrr - contraction_mrr - churned_mrr) / starting_mrr)::float8) < 1e-9) AS nrr_ok,
       bool_and(abs(grr(s, m.period_start, m.period_end) -
                    (100 * (starting_mrr - contraction_mrr - churned_mrr) / starting_mrr)::float8) < 1e-9) AS grr_ok,
       bool_and(abs(quick_ratio(s, m.period_start, m.period_end) -
                    ((new_mrr + expansion_mrr + reactivation_mrr) / (churned_mrr + contraction_mrr))::float8) < 1e-9) AS quick_ratio_ok,
       bool_and(logo_churn_rate(s, m.period_start, m.period_end) IS NOT DISTINCT FROM
                100 * churned_customers::float8 / nullif(customers_start, 0)::float8) AS logo_churn_ok
  FROM movements m, big_summary WHERE starting_mrr > 0;
--
-- Where the inputs coincide, today's mrr_summary path gives the same
-- churned MRR, NRR and GRR: one row per customer of its MRR at two
-- boundaries (mrr_summary's new MRR is new plus reactivation).
--
WITH levels AS (
    SELECT customer,
           sum(mrr) FILTER (WHERE valid_from <= '2023-06-01' AND (valid_to IS NULL OR valid_to > '2023-06-01')) AS prev_mrr,
           sum(mrr) FILTER (WHERE valid_from <= '2023-07-01' AND (valid_to IS NULL OR valid_to > '2023-07-01')) AS curr_mrr
      FROM big_subs GROUP BY customer
), old AS (SELECT mrr_summary(prev_mrr, curr_mrr) AS m FROM levels)
SELECT churned_mrr(m) = churned_mrr AS churned, expansion_mrr(m) = expansion_mrr AS expansion,
       contraction_mrr(m) = contraction_mrr AS contraction, new_mrr(m) = new_mrr + reactivation_mrr AS new_and_reactivation,
       nrr(m) = nrr(s, '2023-06-01', '2023-07-01') AS nrr, grr(m) = grr(s, '2023-06-01', '2023-07-01') AS grr
  FROM old, big_summary, movements WHERE movements.period_start = '2023-06-01';
-- the IBM Telco-style one-period case: monthly charges, churned or not
CREATE TABLE telco (customer text, monthly_charges numeric, churned boolean);
INSERT INTO telco VALUES ('7590-VHVEG', 29.85, false), ('5575-GNVDE', 56.95, false), ('3668-QPYBK', 53.85, true),
    ('7795-CFOCW', 42.30, false), ('9237-HQITU', 70.70, true), ('9305-CDSKC', 99.65, true);
SELECT nrr(mrr_summary(monthly_charges, CASE WHEN churned THEN 0 ELSE monthly_charges END)) AS mrr_summary_nrr,
       nrr(subscription_summary(customer, monthly_charges, '2024-01-01', CASE WHEN churned THEN '2024-01-20'::timestamptz END),
           '2024-01-01', '2024-02-01') AS subscriptions_nrr,
       churned_mrr(mrr_summary(monthly_charges, CASE WHEN churned THEN 0 ELSE monthly_charges END)) AS mrr_summary_churned,
       logo_churn_rate(subscription_summary(customer, monthly_charges, '2024-01-01', CASE WHEN churned THEN '2024-01-20'::timestamptz END),
           '2024-01-01', '2024-02-01') AS logo_churn_rate, churn_rate(churned) AS rate_churn_rate
  FROM telco;
--
-- Forced parallel plans and partitioned tables (whose partitions split a
-- customer's subscriptions, so combine merges timelines) equal serial
--
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT subscription_summary(customer, mrr, valid_from, valid_to) FROM big_subs;
SELECT subscription_summary(customer, mrr, valid_from, valid_to) = (SELECT s FROM big_summary) AS parallel_equals_serial,
       subscription_summary(customer::text, mrr, valid_from, valid_to)
         = (SELECT subscription_summary(customer::text, mrr, valid_from, valid_to) FROM big_subs WHERE customer > 0) AS text_keys_too
  FROM big_subs;
CREATE TABLE part_subs (customer int, mrr numeric, valid_from timestamptz, valid_to timestamptz) PARTITION BY RANGE (valid_from);
CREATE TABLE part_subs_1 PARTITION OF part_subs FOR VALUES FROM (MINVALUE) TO ('2023-01-01');
CREATE TABLE part_subs_2 PARTITION OF part_subs FOR VALUES FROM ('2023-01-01') TO ('2024-01-01');
CREATE TABLE part_subs_3 PARTITION OF part_subs FOR VALUES FROM ('2024-01-01') TO (MAXVALUE);
INSERT INTO part_subs SELECT * FROM big_subs;
ANALYZE part_subs;
SET enable_partitionwise_aggregate = on;
SELECT subscription_summary(customer, mrr, valid_from, valid_to) = (SELECT s FROM big_summary) AS partitioned_equals_serial
  FROM part_subs;
SELECT rollup(s) = (SELECT s FROM big_summary) AS rollup_of_partitions
  FROM (SELECT subscription_summary(customer, mrr, valid_from, valid_to) AS s FROM part_subs GROUP BY tableoid) AS t;
RESET enable_partitionwise_aggregate;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
-- binary round trip: COPY in binary carries the canonical form
CREATE TABLE stored (s subscription_summary);
\copy (SELECT s FROM big_summary) TO 'results/subscriptions.bin' WITH (FORMAT binary)
\copy stored FROM 'results/subscriptions.bin' WITH (FORMAT binary)
SELECT s = (SELECT s FROM big_summary) AS binary_round_trip, s::text = (SELECT s::text FROM big_summary) AS same_text FROM stored;
-- the stored summary holds change points, not subscriptions
SELECT pg_column_size(s) < 48 * 2 * (SELECT count(*) FROM big_subs) AS smaller_than_the_rows FROM big_summary;
--
-- Errors
--
SELECT subscription_summary(1, -1, '2024-01-01', NULL);
SELECT subscription_summary(1, 'NaN', '2024-01-01', NULL);
SELECT subscription_summary(1, 'Infinity', '2024-01-01', NULL);
SELECT subscription_summary(1, 1, '2024-01-01', '2024-01-01');
SELECT subscription_summary(1, 1, '2024-01-01', '2023-01-01');
SELECT subscription_summary(1, 1, '-infinity', NULL);
SELECT subscription_summary(1, 1, '2024-01-01', '-infinity');
SELECT rollup(s) FROM (SELECT s FROM summary UNION ALL SELECT subscription_summary('x', 1, '2024-01-01', NULL)) AS t;
SELECT * FROM mrr_movements((SELECT s FROM summary), '2024-01-01', '2024-01-01');
SELECT * FROM mrr_movements((SELECT s FROM summary), '2024-01-01', '2025-01-01', '0 days');
SELECT * FROM mrr_movements((SELECT s FROM summary), '2024-01-01', '2025-01-01', '-1 month');
SELECT * FROM mrr_movements((SELECT s FROM summary), '2024-01-31', '2025-01-01', '1 month -30 days');
SELECT * FROM cohort_retention((SELECT s FROM summary), '1 month -30 days', '2023-01-31');
SELECT * FROM mrr_movements((SELECT s FROM summary), '2024-01-01', '2025-01-01', '1 month', '-1 day');
SELECT * FROM mrr_movements((SELECT s FROM summary), '2000-01-01', '2300-01-01', '1 day');
SELECT nrr(s, '2024-02-01', '2024-01-01') FROM summary;
SELECT * FROM cohort_retention((SELECT s FROM summary), '1 month', '2024-01-01');
SELECT * FROM cohort_retention((SELECT s FROM summary), '1 hour');
SELECT 'v2 integer scale=0'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-01-01T00:00:00Z=0'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-01-01T00:00:00Z=5 2024-01-01T00:00:00Z=6'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-01-01T00:00:00Z=5 2024-02-01T00:00:00Z=5'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-01-01T00:00:00Z=5 2024-02-01T00:00:00Z=-5'::subscription_summary;
-- customers in any order (byte order differs between encodings), but once each
SELECT 'v1 integer scale=0; 2 2024-01-01T00:00:00Z=5; 1 2024-01-01T00:00:00Z=5'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-01-01T00:00:00Z=5; 1 2024-03-01T00:00:00Z=5'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-01-01T00:00:00Z=5; 2 2024-03-01T00:00:00Z=5; 1 2024-05-01T00:00:00Z=5'::subscription_summary;
SELECT 'v1 integer scale=0; 1 2024-02-30T00:00:00Z=5'::subscription_summary;
SELECT 'v1 integer scale=1; 1 2024-01-01T00:00:00Z=5.25'::subscription_summary;
SELECT 'v1 integer scale=0; 1'::subscription_summary;
