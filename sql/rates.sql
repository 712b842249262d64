--
-- Rates: rate_summary, the named rate aggregates, the period churn and
-- retention aggregates and the textbook retention formula.  Expected values
-- are worked out by hand in comments.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

-- TRUE TRUE FALSE NULL FALSE: 2 hits of 4 non-NULL rows = 50 %
CREATE TABLE outcomes (id int, flag boolean);
INSERT INTO outcomes VALUES (1, true), (2, true), (3, false), (4, NULL), (5, false);
SELECT churn_rate(flag), renewal_rate(flag), conversion_rate(flag), resolution_rate(flag),
       response_rate(flag), opt_out_rate(flag), support_usage_rate(flag)
  FROM outcomes;
SELECT rate_summary(flag), hits(rate_summary(flag)), trials(rate_summary(flag)), rate(rate_summary(flag))
  FROM outcomes;

-- first-contact resolution, the article's example: 95 of 100 issues solved
-- in one contact is an FCR of 95 %
SELECT fcr_rate(CASE WHEN i <= 95 THEN 1 ELSE 2 + i % 3 END) AS fcr
  FROM generate_series(1, 100) AS i;
-- contacts 1 1 2 3 NULL: 2 of 4
SELECT fcr_rate(c) FROM (VALUES (1), (1), (2), (3), (NULL)) AS v(c);

-- SLA with the article's per-channel targets, 15 s for chat and 60 s for
-- phone: chat 10 s, 15 s (exactly on target), 20 s; phone 45 s, 75 s;
-- within target: 10 s, 15 s, 45 s = 3 of 5 = 60 %
CREATE TABLE sla_targets (channel text, target interval);
INSERT INTO sla_targets VALUES ('chat', '15 seconds'), ('phone', '60 seconds');
CREATE TABLE responses (channel text, first_response interval);
INSERT INTO responses VALUES ('chat', '10 s'), ('chat', '15 s'), ('chat', '20 s'),
                             ('phone', '45 s'), ('phone', '75 s'), ('phone', NULL);
SELECT sla_rate(r.first_response, t.target) AS sla FROM responses r JOIN sla_targets t USING (channel);
SELECT channel, sla_rate(r.first_response, t.target) AS sla
  FROM responses r JOIN sla_targets t USING (channel) GROUP BY channel ORDER BY channel;
-- intervals compare as SQL does: 1 day is within 24 hours and 1 month within 30 days
SELECT sla_rate(a, t) FROM (VALUES ('1 day'::interval, '24 hours'::interval), ('1 mon', '30 days'),
                                   ('1 mon', '29 days')) AS v(a, t);

-- click-through is summed, not an average of ratios: 10/100 and 5/400 give
-- 15 / 500 = 3 % (the mean of 10 % and 1.25 % would be 5.625 %)
SELECT ctr(clicks, impressions), rate_summary_add_ctr('v1 0/0', 7, 9) AS one_row
  FROM (VALUES (10::bigint, 100::bigint), (5, 400), (NULL, 50)) AS v(clicks, impressions);

--
-- Period churn and retention.  Period: March 2025.
--   a  active since January, never churned                -> cohort, retained
--   b  active since January, churned 15 March             -> cohort, churned
--   c  arrived 10 March, during the period                -> not in the cohort
--   d  churned exactly at period_start                    -> not active at it
--   e  churned exactly at period_end                      -> cohort, churned
--   f  became active exactly at period_start              -> cohort, retained
--   g  no active_from                                     -> ignored
-- cohort a b e f = 4; churned b e = 2: churn 50 %, retention 50 %
--
CREATE TABLE customers (name text, active_from timestamptz, churned_at timestamptz);
INSERT INTO customers VALUES
    ('a', '2025-01-01', NULL),
    ('b', '2025-01-01', '2025-03-15'),
    ('c', '2025-03-10', NULL),
    ('d', '2025-01-01', '2025-03-01'),
    ('e', '2025-02-01', '2025-04-01'),
    ('f', '2025-03-01', NULL),
    ('g', NULL, '2025-03-20');
SELECT churn_rate(active_from, churned_at, '2025-03-01', '2025-04-01') AS churn,
       retention_rate(active_from, churned_at, '2025-03-01', '2025-04-01') AS retention
  FROM customers;
-- the cohort, spelled out by the state
SELECT rate_summary_add_churn('v1 0/0', active_from, churned_at, '2025-03-01', '2025-04-01')::text AS row_counts, name
  FROM customers ORDER BY name;

-- a monthly churn curve in one query with generate_series
SELECT month::date,
       churn_rate(c.active_from, c.churned_at, month, month + interval '1 month') AS churn,
       retention_rate(c.active_from, c.churned_at, month, month + interval '1 month') AS retention
  FROM generate_series(timestamptz '2025-01-01', '2025-04-01', interval '1 month') AS month
 CROSS JOIN customers c
 GROUP BY month ORDER BY month;

-- churn + retention = 100 on every cohort of a larger population
CREATE TABLE population AS
SELECT i AS id,
       timestamptz '2024-01-01' + (i % 700) * interval '1 day' AS active_from,
       CASE WHEN i % 3 = 0 THEN timestamptz '2024-01-01' + (i % 700 + 20 + i % 400) * interval '1 day' END AS churned_at
  FROM generate_series(1, 5000) AS i;
SELECT count(*) AS months,
       count(*) FILTER (WHERE abs(churn + retention - 100) > 1e-9) AS months_not_adding_to_100,
       min(churn) > 0 AS some_churn
  FROM (SELECT month,
               churn_rate(active_from, churned_at, month, month + interval '1 month') AS churn,
               retention_rate(active_from, churned_at, month, month + interval '1 month') AS retention
          FROM generate_series(timestamptz '2024-02-01', '2025-12-01', interval '1 month') AS month
         CROSS JOIN population
         GROUP BY month) AS curve;
-- and the period aggregate equals the hand-written cohort SQL
SELECT count(*) AS months_differing
  FROM generate_series(timestamptz '2024-02-01', '2025-12-01', interval '1 month') AS month
 WHERE NOT abs((SELECT churn_rate(active_from, churned_at, month, month + interval '1 month') FROM population)
               - (SELECT 100.0 * count(*) FILTER (WHERE churned_at <= month + interval '1 month') / count(*)
                    FROM population
                   WHERE active_from <= month AND (churned_at IS NULL OR churned_at > month))::float8) < 1e-9;

-- the textbook formula: (90 - 10) / 100 = 80 %
SELECT retention_rate(100, 90, 10) AS retention, retention_rate(0, 5, 5) AS no_customers_at_start,
       retention_rate(10, 10, 0) AS all_kept, retention_rate(10, 3, 3) AS none_kept;

--
-- NULLs and empty groups
--
SELECT churn_rate(flag), rate_summary(flag), fcr_rate(NULL::int), ctr(NULL, NULL),
       churn_rate(NULL::timestamptz, NULL, '2025-01-01', '2025-02-01')
  FROM outcomes WHERE flag IS NULL;
SELECT churn_rate(flag), rate_summary(flag), rollup(NULL::rate_summary), sla_rate(NULL, NULL)
  FROM outcomes WHERE false;
SELECT hits('v1 0/0'), trials('v1 0/0'), rate('v1 0/0'), rate_ci('v1 0/0'),
       rate_diff_pvalue('v1 0/0', 'v1 1/2');

--
-- Wilson score interval against the closed form
--   centre = (p + z^2/2n) / (1 + z^2/n)
--   half   = z / (1 + z^2/n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
-- at 90, 95 and 99 %, for 0, 3 and 10 hits out of 10
--
SELECT h AS hits, c AS confidence,
       ARRAY[round(ci[1]::numeric, 10), round(ci[2]::numeric, 10)] AS ci,
       abs(ci[1] - greatest(0, 100 * (centre - half))) < 1e-9
       AND abs(ci[2] - least(100, 100 * (centre + half))) < 1e-9 AS matches_closed_form
  FROM (VALUES (0.90, 1.6448536269514722), (0.95, 1.959963984540054), (0.99, 2.5758293035489004)) AS q(c, z),
       (VALUES (0), (3), (10)) AS k(h),
       LATERAL (SELECT rate_ci(format('v1 %s/10', h)::rate_summary, c) AS ci,
                       (h / 10.0 + z * z / 20) / (1 + z * z / 10) AS centre,
                       z / (1 + z * z / 10) * sqrt(h / 10.0 * (1 - h / 10.0) / 10 + z * z / 400) AS half) AS r
 ORDER BY h, c;
SELECT rate_ci('v1 3/10') = rate_ci('v1 3/10', 0.95) AS default_is_95;
-- The edges are exact at every confidence: the lower bound is 0 at 0 hits
-- (the closed form cancelled to 2.8e-15 for 0 of 10) and the upper bound
-- 100 at all hits.  Printed in full, as extra_float_digits = 0 would round
-- to 15 digits.  A confidence below 1e-16 has z = 0: {p, p}.
SET extra_float_digits = 1;
SELECT s AS summary, c AS confidence, rate_ci(s::rate_summary, c) AS ci
  FROM (VALUES (1, 'v1 0/10'), (2, 'v1 10/10'), (3, 'v1 0/1'), (4, 'v1 1/1'), (5, 'v1 0/1000000')) AS v(i, s),
       (VALUES (0.5::float8), (0.95), (0.999)) AS q(c)
 ORDER BY i, c;
SELECT rate_ci('v1 0/10', 1e-17) AS z_0_none, rate_ci('v1 10/10', 1e-17) AS z_0_all,
       rate_ci('v1 1/4', 1e-17) AS z_0_some;
SET extra_float_digits = 0;

-- pooled two-proportion z-test: 30 of 100 against 20 of 100, pooled 0.25,
-- se = sqrt(0.25 * 0.75 * 0.02), z = 0.1 / se = 1.633, p = 0.1024704349
SELECT round(rate_diff_pvalue('v1 30/100', 'v1 20/100')::numeric, 10) AS p,
       round(rate_diff_pvalue('v1 20/100', 'v1 30/100')::numeric, 10) AS symmetric,
       rate_diff_pvalue('v1 0/10', 'v1 0/20') AS both_none,
       rate_diff_pvalue('v1 10/10', 'v1 5/5') AS both_all,
       round(rate_diff_pvalue('v1 300/1000', 'v1 200/1000')::numeric, 12) AS larger_sample;

--
-- Text form
--
SELECT s::text, s::text::rate_summary::text = s::text AS rereads
  FROM (VALUES ('v1 0/0'::rate_summary), ('v1 3/10'), (' v1  7/7 '),
               ('v1 9223372036854775807/9223372036854775807')) AS v(s);
SELECT sqlstate_of(format('SELECT %L::rate_summary', t)) AS error
  FROM (VALUES (''), ('v1'), ('v1 3'), ('v1 3/'), ('v1 /3'), ('v1 5/3'), ('v1 -1/3'), ('v2 1/2'),
               ('v1 1/2 x'), ('v1 1/99999999999999999999'), ('v1 1 / 2'), ('1/2')) AS v(t);

--
-- Errors, each with its SQLSTATE
--
SELECT sqlstate_of($$SELECT churn_rate(now(), NULL, '2025-02-01', '2025-02-01')$$);
SELECT sqlstate_of($$SELECT retention_rate(now(), NULL, '2025-03-01', '2025-02-01')$$);
SELECT sqlstate_of($$SELECT churn_rate(timestamptz '2025-02-01', '2025-01-01', '2025-03-01', '2025-04-01')$$);
-- times in messages are ISO and UTC whatever the session's TimeZone and DateStyle
SET TimeZone = 'Asia/Tokyo';
SET DateStyle = 'SQL, DMY';
SELECT sqlstate_of($$SELECT churn_rate(now(), NULL, '2025-02-01 09:00:00.5', '2025-02-01 09:00')$$);
SELECT sqlstate_of($$SELECT churn_rate(now(), NULL, 'infinity', '-infinity')$$);
RESET DateStyle;
SET TimeZone = 'UTC';
SELECT sqlstate_of('SELECT retention_rate(-1, 5, 2)');
SELECT sqlstate_of('SELECT retention_rate(10, 5, 8)');
SELECT sqlstate_of('SELECT retention_rate(10, 15, 2)');
SELECT sqlstate_of('SELECT ctr(c, i) FROM (VALUES (11::bigint, 10::bigint)) v(c, i)');
SELECT sqlstate_of('SELECT ctr(c, i) FROM (VALUES (-1::bigint, 10::bigint)) v(c, i)');
SELECT sqlstate_of('SELECT ctr(c, i) FROM (VALUES (0::bigint, -10::bigint)) v(c, i)');
SELECT sqlstate_of('SELECT fcr_rate(c) FROM (VALUES (0)) v(c)');
SELECT sqlstate_of($$SELECT sla_rate(a, t) FROM (VALUES ('-5 seconds'::interval, '15 seconds'::interval)) v(a, t)$$);
SELECT sqlstate_of($$SELECT sla_rate(a, t) FROM (VALUES ('5 seconds'::interval, '-1 day'::interval)) v(a, t)$$);
SELECT sqlstate_of('SELECT rate_ci(''v1 1/2'', ' || c || ')') FROM unnest(ARRAY['0', '1', '2', '''NaN''']) AS c;
-- counts never wrap around
SELECT sqlstate_of($$SELECT rate_summary_add('v1 0/9223372036854775807', false)$$);
SELECT sqlstate_of($$SELECT rollup(s) FROM (VALUES ('v1 1/9223372036854775800'::rate_summary), ('v1 0/8')) v(s)$$);
SELECT sqlstate_of($$SELECT ctr(c, i) FROM (VALUES (1::bigint, 9223372036854775807::bigint), (1, 1)) v(c, i)$$);
SELECT rate_summary_add('v1 0/9223372036854775806', true) AS at_the_limit;
-- Messages name the kpi_ext aggregate also when another aggregate runs its
-- support functions, as Citus' worker_partial_agg does on the workers: an
-- aggregate built from churn_rate's transition function, the only kpi_ext
-- aggregate that has it, is reported as churn_rate.
CREATE AGGREGATE wrapped_churn(timestamptz, timestamptz, timestamptz, timestamptz) (
    SFUNC = rate_summary_add_churn, STYPE = rate_summary, INITCOND = 'v1 0/0', FINALFUNC = rate);
SELECT wrapped_churn(active_from, churned_at, '2025-03-01', '2025-04-01') AS churn FROM customers;
SELECT sqlstate_of($$SELECT wrapped_churn(timestamptz '2025-02-01', '2025-01-01', '2025-03-01', '2025-04-01')$$);
-- rollup's inverse transition is rollup's alone; rate_summary_remove is the
-- inverse of eight boolean rates, none of which the wrapper is: the
-- function names itself
CREATE AGGREGATE wrapped_unmerge(rate_summary) (
    SFUNC = rate_summary_unmerge, STYPE = rate_summary, INITCOND = 'v1 0/0');
SELECT sqlstate_of($$SELECT wrapped_unmerge(s) FROM (VALUES ('v1 1/2'::rate_summary)) v(s)$$);
CREATE AGGREGATE wrapped_remove(boolean) (
    SFUNC = rate_summary_remove, STYPE = rate_summary, INITCOND = 'v1 0/0');
SELECT sqlstate_of($$SELECT wrapped_remove(h) FROM (VALUES (true)) v(h)$$);
DROP AGGREGATE wrapped_churn(timestamptz, timestamptz, timestamptz, timestamptz);
DROP AGGREGATE wrapped_unmerge(rate_summary);
DROP AGGREGATE wrapped_remove(boolean);

--
-- State functions called by hand work on a copy and check what they remove
--
SELECT rate_summary_add('v1 1/2', true) AS added, rate_summary_remove('v1 1/2', false) AS removed,
       rate_summary_add_fcr('v1 0/0', 1) AS fcr, rate_summary_add_sla('v1 0/0', '1 s', '2 s') AS sla,
       rate_summary_remove_ctr('v1 15/500', 5, 400) AS ctr_removed,
       rate_summary_merge('v1 1/2', 'v1 3/4') AS merged, rate_summary_unmerge('v1 4/6', 'v1 3/4') AS unmerged;
SELECT sqlstate_of($$SELECT rate_summary_remove('v1 0/2', true)$$);
SELECT sqlstate_of($$SELECT rate_summary_remove('v1 2/2', false)$$);
SELECT sqlstate_of($$SELECT rate_summary_unmerge('v1 1/2', 'v1 1/3')$$);
SELECT rate_summary_add_churn(NULL, now(), NULL, now(), now() + interval '1 day') AS null_state;
WITH s AS (SELECT 'v1 1/2'::rate_summary AS v)
SELECT rate_summary_add(v, true) AS result, v AS input_unchanged FROM s;

--
-- Two steps: daily summaries rolled up equal the one-step result
--
CREATE TABLE leads AS
SELECT i AS id, i % 30 AS day, (ARRAY['organic', 'referral', 'paid'])[1 + i % 3] AS source,
       CASE WHEN i % 19 = 0 THEN NULL ELSE (i * 7 + i / 5) % 10 < 3 END AS converted,
       1 + (i * 3 + i / 7) % 4 AS contacts,
       make_interval(secs => (i * 13) % 90) AS first_response,
       CASE WHEN i % 2 = 0 THEN interval '15 s' ELSE interval '60 s' END AS target,
       (i % 50)::bigint AS clicks, (50 + i % 950)::bigint AS impressions
  FROM generate_series(1, 20000) AS i;
CREATE TABLE daily_leads AS
SELECT day, source, rate_summary(converted) AS s FROM leads GROUP BY day, source;
SELECT (SELECT rollup(s) FROM daily_leads)::text = (SELECT rate_summary(converted) FROM leads)::text AS same_summary,
       (SELECT rate(rollup(s)) FROM daily_leads) = (SELECT conversion_rate(converted) FROM leads) AS same_rate,
       (SELECT conversion_rate(converted) FROM leads) =
       (SELECT (100.0 * count(*) FILTER (WHERE converted) / count(converted))::float8 FROM leads) AS matches_hand_written;
SELECT source, d.rate = o.rate AS same_rate
  FROM (SELECT source, rate(rollup(s)) AS rate FROM daily_leads GROUP BY source) AS d
  JOIN (SELECT source, conversion_rate(converted) AS rate FROM leads GROUP BY source) AS o USING (source)
 ORDER BY source;

--
-- Forced parallel plans give the serial answers
--
CREATE TEMP TABLE serial_rates AS
SELECT rate_summary(converted)::text AS summary, churn_rate(converted) AS churn,
       fcr_rate(contacts) AS fcr, sla_rate(first_response, target) AS sla, ctr(clicks, impressions) AS ctr,
       (SELECT churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM population) AS period_churn,
       (SELECT retention_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM population) AS period_retention,
       (SELECT rollup(s)::text FROM daily_leads) AS rolled_up
  FROM leads;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF) SELECT ctr(clicks, impressions) FROM leads;
EXPLAIN (COSTS OFF) SELECT churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM population;
-- a parallel worker's error names the aggregate too (the leader takes no rows)
CREATE TABLE bad_population AS
SELECT * FROM population UNION ALL SELECT 0, timestamptz '2025-02-01', timestamptz '2025-01-01';
EXPLAIN (COSTS OFF) SELECT churn_rate(active_from, churned_at, '2025-03-01', '2025-04-01') FROM bad_population;
SELECT churn_rate(active_from, churned_at, '2025-03-01', '2025-04-01') FROM bad_population;
DROP TABLE bad_population;
SELECT (SELECT row(r.*)::text FROM serial_rates r) =
       (SELECT row(rate_summary(converted)::text, churn_rate(converted), fcr_rate(contacts),
                   sla_rate(first_response, target), ctr(clicks, impressions),
                   (SELECT churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM population),
                   (SELECT retention_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM population),
                   (SELECT rollup(s)::text FROM daily_leads))::text
          FROM leads) AS parallel_equals_serial;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

--
-- Rolling windows (inverse transitions) equal recomputing every frame
--
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE (w.conv, w.fcr, w.sla, w.ctr, w.summary)
                              IS DISTINCT FROM (r.conv, r.fcr, r.sla, r.ctr, r.summary)) AS rows_differing
  FROM (SELECT id, conversion_rate(converted) OVER f AS conv, fcr_rate(contacts) OVER f AS fcr,
               sla_rate(first_response, target) OVER f AS sla, ctr(clicks, impressions) OVER f AS ctr,
               rate_summary(converted) OVER f ::text AS summary
          FROM leads WHERE id <= 3000
        WINDOW f AS (ORDER BY id ROWS 29 PRECEDING)) AS w
  JOIN LATERAL (SELECT conversion_rate(converted) AS conv, fcr_rate(contacts) AS fcr,
                       sla_rate(first_response, target) AS sla, ctr(clicks, impressions) AS ctr,
                       rate_summary(converted)::text AS summary
                  FROM leads WHERE id BETWEEN w.id - 29 AND w.id) AS r ON true;
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE w.churn IS DISTINCT FROM r.churn) AS rows_differing
  FROM (SELECT id, churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01')
                   OVER (ORDER BY id ROWS 99 PRECEDING) AS churn
          FROM population) AS w
  JOIN LATERAL (SELECT churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') AS churn
                  FROM population WHERE id BETWEEN w.id - 99 AND w.id) AS r ON true;
SELECT count(*) AS days, count(*) FILTER (WHERE rolling <> recomputed) AS days_differing
  FROM (SELECT rollup(s) OVER (ORDER BY day ROWS 6 PRECEDING)::text AS rolling,
               (SELECT rate_summary(converted) FROM leads l WHERE l.day BETWEEN d.day - 6 AND d.day)::text AS recomputed
          FROM (SELECT day, rollup(s) AS s FROM daily_leads GROUP BY day) AS d) AS w;

--
-- Equality (1.1): = and <> compare hits and trials, and a hash class makes
-- DISTINCT, UNION, GROUP BY and hash joins work; summaries have no order,
-- so there is no btree class
--
-- the same rows in either order, or rolled up from days, are one value with
-- one hash; 1/2 and 2/4 have the same rate but are different summaries
CREATE TABLE eq_rates (label text, s rate_summary);
INSERT INTO eq_rates VALUES
    ('forward', (SELECT rate_summary(converted ORDER BY id) FROM leads)),
    ('backward', (SELECT rate_summary(converted ORDER BY id DESC) FROM leads)),
    ('rolled up', (SELECT rollup(s ORDER BY day DESC, source) FROM daily_leads)),
    ('one more', (SELECT rate_summary(converted) FROM leads WHERE id <= 19999)),
    ('empty', 'v1 0/0'),
    ('emptied', rate_summary_remove(rate_summary_add('v1 0/0', true), true)),
    ('1/2', 'v1 1/2'),
    ('2/4', 'v1 2/4'),
    ('null', NULL);
SELECT label, s::text FROM eq_rates ORDER BY label;
SELECT * FROM equality_matrix('eq_rates');
-- NULL compares as NULL
SELECT NULL::rate_summary = 'v1 0/0' AS eq_null, 'v1 0/0'::rate_summary <> NULL AS ne_null,
       rate_summary_hash(NULL) AS hash_null;
SELECT * FROM equality_laws('eq_rates');
SELECT * FROM hash_join_pairs('eq_rates');
