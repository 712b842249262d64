--
-- Overflow and extremes: every figure is either right or a clean error,
-- never a wrapped number.  Each case is compared with the same figure
-- computed independently in plain SQL, or shows its error with sqlstate_of.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

--
-- Counts near bigint max
--
-- a rate_summary at the limit reads right; one more trial is an error
SELECT hits(s), trials(s), rate(s), rate_ci(s, 0.95) AS ci
  FROM (SELECT 'v1 9223372036854775807/9223372036854775807'::rate_summary AS s) AS t;
SELECT hits(s) = 9223372036854775806 AS hits_right, rate(s) = (100.0 * 9223372036854775806 / 9223372036854775807)::float8 AS rate_right
  FROM (SELECT 'v1 9223372036854775806/9223372036854775807'::rate_summary AS s) AS t;
SELECT sqlstate_of($$SELECT rollup(s) FROM (VALUES ('v1 9223372036854775807/9223372036854775807'::rate_summary), ('v1 0/1')) AS v(s)$$);
SELECT sqlstate_of($$SELECT rate_summary_add('v1 0/9223372036854775807', false)$$);
SELECT sqlstate_of($$SELECT 'v1 1/9223372036854775808'::rate_summary$$);
-- merging with an empty summary at the limit is fine
SELECT rollup(s) FROM (VALUES ('v1 9223372036854775807/9223372036854775807'::rate_summary), ('v1 0/0')) AS v(s);
-- click-through sums: one impression past bigint is an error, not a wrap
SELECT ctr(c, i) FROM (VALUES (9223372036854775807::bigint, 9223372036854775807::bigint)) AS v(c, i);
SELECT sqlstate_of($$SELECT ctr(c, i) FROM (VALUES (1::bigint, 9223372036854775807::bigint), (0, 1)) AS v(c, i)$$);
SELECT sqlstate_of($$SELECT ctr(c, i) FROM (VALUES (9223372036854775807::bigint, 9223372036854775807::bigint), (1, 1)) AS v(c, i)$$);
-- the period cohort at the limit of trials
SELECT sqlstate_of($$SELECT rate_summary_add_churn('v1 0/9223372036854775807', '2025-01-01', NULL, '2025-03-01', '2025-04-01')$$);

-- score_summary: counts that add up to exactly bigint max read right
SELECT responses(s), detractors(s), passives(s), promoters(s),
       nps(s) = (100.0 * (1 - 9223372036854775806::numeric) / 9223372036854775807)::float8 AS nps_right,
       mean_score(s) = (10.0 / 9223372036854775807)::float8 AS mean_right, score_counts(s)
  FROM (SELECT 'v1 0:9223372036854775806 10:1'::score_summary AS s) AS t;
SELECT nps(s), mean_score(s), csat(s, 10) FROM (SELECT 'v1 10:9223372036854775807'::score_summary AS s) AS t;
SELECT sqlstate_of($$SELECT rollup(s) FROM (VALUES ('v1 0:9223372036854775806 10:1'::score_summary), ('v1 5:1')) AS v(s)$$);
SELECT sqlstate_of($$SELECT score_summary_add('v1 10:9223372036854775807'::score_summary, 10)$$);
SELECT sqlstate_of($$SELECT 'v1 0:9223372036854775807 1:1'::score_summary$$);
SELECT sqlstate_of($$SELECT 'v1 0:9223372036854775808'::score_summary$$);

--
-- Scores at the edges, for every integer type: 0 and 10 count, 11, -1 and
-- the types' extremes are errors naming the value
--
-- ex_value(query): the query's one value as text, or its error as sqlstate_of shows it
CREATE FUNCTION ex_value(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE format('SELECT (%s)::text', query) INTO result;
    RETURN coalesce(result, 'NULL');
EXCEPTION WHEN others THEN
    RETURN sqlstate_of(query);
END $$;
-- one answer per row: 0 and 10 give NPS -100 and 100, CSAT of 1 and 5 gives 0
-- and 100, CES is the answer itself
SELECT agg, typ, v, ex_value(format('SELECT %s(v) FROM (VALUES (%s::%s)) AS t(v)', agg, v, typ)) AS result
  FROM (VALUES ('nps_agg'), ('enps_agg'), ('csat_agg'), ('ces_agg')) AS a(agg)
 CROSS JOIN unnest(ARRAY['smallint', 'integer', 'bigint']) WITH ORDINALITY AS t(typ, tn)
 CROSS JOIN LATERAL unnest(CASE agg WHEN 'csat_agg' THEN ARRAY['0', '1', '5', '6'] WHEN 'ces_agg' THEN ARRAY['0', '1', '7', '8']
                                    ELSE ARRAY['-1', '0', '10', '11'] END ||
                           CASE typ WHEN 'smallint' THEN ARRAY['32767', '(-32768)']
                                    WHEN 'integer' THEN ARRAY['2147483647', '(-2147483648)']
                                    ELSE ARRAY['9223372036854775807', '(-9223372036854775807 - 1)'] END) WITH ORDINALITY AS u(v, vn)
 ORDER BY agg, tn, vn;
-- the declared scale: 2 and 10 are the limits, and the answer must fit it
SELECT scale, ex_value(format('SELECT csat_agg(v, %s) FROM (VALUES (1), (%s)) AS t(v)', scale, scale)) AS csat_1_and_top,
       ex_value(format('SELECT ces_agg(v::bigint, %s) FROM (VALUES (1), (%s)) AS t(v)', scale, scale)) AS ces_1_and_top,
       ex_value(format('SELECT csat_agg(v::smallint, %s) FROM (VALUES (11)) AS t(v)', scale)) AS answer_11
  FROM unnest(ARRAY[1, 2, 10, 11, -2147483648]) AS scale;

--
-- Exact money at the limits: 38 significant digits, many decimals, huge
-- magnitudes.  Where the sum fits, revenue and MRR equal sum() exactly;
-- where it cannot be held exactly, 22003.
--
CREATE TABLE ex_money (label text, amount numeric);
INSERT INTO ex_money VALUES
    ('38 digits, 10 decimals', 1234567890123456789012345678.9012345678),
    ('38 digits, 10 decimals', 8765432109876543210987654321.0987654321),
    ('10 decimals', 0.0000000001),
    ('negative', -0.5),
    ('38 decimals', 0.12345678901234567890123456789012345678),
    ('38 decimals', 0.87654321098765432109876543210987654321),
    ('38 nines and 1', 99999999999999999999999999999999999999),
    ('38 nines and 1', 1),
    ('tiny', 0.00000000000000000000000000000000000001),
    ('tiny', 0.00000000000000000000000000000000000001);
-- per group: revenue equals sum() to the last digit, avg_purchase_value equals avg()
SELECT label, revenue(s), revenue(s) = total AS revenue_is_sum, avg_purchase_value(s) = mean AS avg_is_avg,
       (SELECT new_mrr(mrr_summary(NULL, amount)) FROM ex_money m WHERE m.label = g.label AND amount > 0) IS NOT DISTINCT FROM
       (SELECT sum(amount) FROM ex_money m WHERE m.label = g.label AND amount > 0) AS new_mrr_is_sum
  FROM (SELECT label, clv_summary(n, amount, '2025-01-01') AS s, sum(amount) AS total, avg(amount) AS mean
          FROM (SELECT label, amount, row_number() OVER ()::int AS n FROM ex_money) AS m GROUP BY label) AS g
 ORDER BY label;
-- mixed scales that still fit in 38 digits: 28 + 10 decimals, sum exact
SELECT revenue(clv_summary(i, amount, '2025-01-01')) AS revenue, sum(amount) AS sum,
       revenue(clv_summary(i, amount, '2025-01-01')) = sum(amount) AS equal
  FROM (VALUES (1, 1234567890123456789012345678.9012345678), (2, 0.0000000001), (3, -0.5)) AS v(i, amount);
-- 39 digits still fit the 128-bit integer up to 1.7e38: 1e38 is exact
SELECT revenue(clv_summary(i, amount, '2025-01-01')) = sum(amount) AS equal, sum(amount)
  FROM (VALUES (1, 99999999999999999999999999999999999999), (2, 1)) AS v(i, amount);
-- and so does 1 beside 38 decimals: 1.00000000000000000000000000000000000001
SELECT revenue(clv_summary(i, a, '2025-01-01')) AS revenue, revenue(clv_summary(i, a, '2025-01-01')) = sum(a) AS equal
  FROM (VALUES (1, 0.00000000000000000000000000000000000001), (2, 1)) AS v(i, a);
-- but 2e38, or 38 nines beside a decimal, or 2 beside 38 decimals do not
SELECT sqlstate_of($$SELECT revenue(clv_summary(i, 99999999999999999999999999999999999999, '2025-01-01')) FROM generate_series(1, 2) AS i$$);
SELECT sqlstate_of($$SELECT revenue(clv_summary(i, a, '2025-01-01')) FROM (VALUES (1, 99999999999999999999999999999999999999), (2, 0.5)) AS v(i, a)$$);
SELECT sqlstate_of($$SELECT revenue(clv_summary(i, a, '2025-01-01')) FROM (VALUES (1, 0.00000000000000000000000000000000000001), (2, 2)) AS v(i, a)$$);
SELECT sqlstate_of($$SELECT revenue(clv_summary(1, 1e40, '2025-01-01'))$$);
SELECT sqlstate_of($$SELECT revenue(clv_summary(1, 0.1000000000000000000000000000000000000000, '2025-01-01'))$$);
SELECT sqlstate_of($$SELECT revenue(clv_summary(1, 'NaN', '2025-01-01'))$$);
SELECT sqlstate_of($$SELECT revenue(clv_summary(1, '-Infinity', '2025-01-01'))$$);
-- one customer's revenue at the limit, then more of it
SELECT sqlstate_of($$SELECT revenue(rollup(s)) FROM (VALUES ('v1 integer scale=0; 1 purchases=1 revenue=170141183460469231731687303715884105727 first=2025-01-01T00:00:00Z last=2025-01-01T00:00:00Z'::clv_summary),
                                                            ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2025-01-01T00:00:00Z last=2025-01-01T00:00:00Z')) AS v(s)$$);
SELECT sqlstate_of($$SELECT 'v1 integer scale=0; 1 purchases=1 revenue=170141183460469231731687303715884105728 first=2025-01-01T00:00:00Z last=2025-01-01T00:00:00Z'::clv_summary$$);
-- purchases per customer at the bigint limit
SELECT sqlstate_of($$SELECT rollup(s) FROM (VALUES ('v1 integer scale=0; 1 purchases=9223372036854775807 revenue=1 first=2025-01-01T00:00:00Z last=2025-01-01T00:00:00Z'::clv_summary),
                                                   ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2025-01-01T00:00:00Z last=2025-01-01T00:00:00Z')) AS v(s)$$);
-- MRR: the same exactness, movements included, and the same limits.
-- Rows: an expansion at 38 digits, a churn of 1e-18, a contraction, a new
-- customer, and a row paying nothing in both periods.
CREATE TABLE ex_mrr (p numeric, c numeric);
INSERT INTO ex_mrr VALUES
    (12345678901234567890.123456789012345678, 22345678901234567890.123456789012345678),
    (0.000000000000000001, 0), (5000000000000000000.5, 1.25), (0, 7.000000000000000001), (NULL, 0);
SELECT starting_mrr(s) AS starting, starting_mrr(s) = (SELECT sum(p) FROM ex_mrr) AS starting_is_sum,
       new_mrr(s) = (SELECT sum(c) FROM ex_mrr WHERE coalesce(p, 0) = 0) AS new_is_sum,
       expansion_mrr(s) = (SELECT sum(c - p) FROM ex_mrr WHERE c > p AND p > 0) AS expansion_is_sum,
       contraction_mrr(s) = (SELECT sum(p - c) FROM ex_mrr WHERE c < p AND c > 0) AS contraction_is_sum,
       churned_mrr(s) = (SELECT sum(p) FROM ex_mrr WHERE p > 0 AND c = 0) AS churned_is_sum,
       ending_mrr(s) AS ending, ending_mrr(s) = (SELECT sum(c) FROM ex_mrr) AS ending_is_sum,
       abs(nrr(s) / (100 * (SELECT sum(c) FROM ex_mrr WHERE p > 0) / (SELECT sum(p) FROM ex_mrr))::float8 - 1) < 1e-12 AS nrr_right,
       abs(grr(s) / (100 * (SELECT sum(least(c, p)) FROM ex_mrr WHERE p > 0) / (SELECT sum(p) FROM ex_mrr))::float8 - 1) < 1e-12 AS grr_right
  FROM (SELECT mrr_summary(p, c) AS s FROM ex_mrr) AS t;
SELECT sqlstate_of($$SELECT mrr_summary(p, c) FROM (VALUES (99999999999999999999999999999999999999, 0), (99999999999999999999999999999999999999, 0)) AS v(p, c)$$);
SELECT sqlstate_of($$SELECT mrr_summary(p, c) FROM (VALUES (99999999999999999999999999999999999999, 0), (0.5, 0)) AS v(p, c)$$);
SELECT sqlstate_of($$SELECT mrr_summary(1e40, 0)$$);
SELECT sqlstate_of($$SELECT mrr_summary('NaN', 0)$$);
SELECT sqlstate_of($$SELECT mrr_summary(0, 'Infinity')$$);
-- a hand-made summary whose contraction and churn add up past 2^127 used to
-- slip through the check and give NRR 1.4e40; it is rejected
SELECT sqlstate_of($$SELECT 'v1 scale=0 rows=3 starting=3/1 new=0/0 expansion=0/0 contraction=1/99999999999999999999999999999999999999 churned=1/99999999999999999999999999999999999999'::mrr_summary$$);
-- and so are customer counts that add up past bigint
SELECT sqlstate_of($$SELECT 'v1 scale=0 rows=1 starting=1/5 new=0/0 expansion=9223372036854775807/1 contraction=9223372036854775807/1 churned=2/1'::mrr_summary$$);
-- NRR whose retained MRR exceeds 38 digits is an error, not a wrong percentage
SELECT sqlstate_of($$SELECT nrr('v1 scale=0 rows=1 starting=1/99999999999999999999999999999999999999 new=0/0 expansion=1/99999999999999999999999999999999999999 contraction=0/0 churned=0/0'::mrr_summary)$$);

--
-- Durations: 10 years and more, and up to the largest interval kpi_ext can
-- hold (2^63 microseconds, about 292,000 years).  Count, sum, mean, min and
-- max are exact; percentiles within 1 %.  Intervals count months as
-- extract(epoch from ...) does, so the independent figures use epochs.
--
CREATE TABLE ex_durations (d interval);
INSERT INTO ex_durations
SELECT make_interval(years => 10 + i % 90, months => i % 12, days => i % 30, secs => i * 0.000001) FROM generate_series(1, 2000) AS i;
INSERT INTO ex_durations VALUES ('2562047788 hours'), ('2562047788 hours 54.775807 seconds');
SELECT durations(s) = count AS count_right,
       extract(epoch FROM mean_duration(s)) = round(avg, 6) AS mean_exact,
       extract(epoch FROM min_duration(s)) = min AS min_exact,
       extract(epoch FROM max_duration(s)) = max AS max_exact,
       max_duration(s), extract(epoch FROM max_duration(s)) * 1000000 = 9223372036854775807 AS max_is_2_63_minus_1
  FROM (SELECT duration_summary(d) AS s, count(*), avg(extract(epoch FROM d)), min(extract(epoch FROM d)) AS min,
               max(extract(epoch FROM d)) AS max FROM ex_durations) AS t;
-- every percentile from 1 % to 99 % within 1 % of percentile_disc
SELECT count(*) AS percentiles, max(abs(extract(epoch FROM percentile(s, p)) / exact - 1)) < 0.01 AS within_1_percent
  FROM (SELECT duration_summary(d) AS s FROM ex_durations) AS t,
       generate_series(0.01, 0.99, 0.01) AS p,
       LATERAL (SELECT percentile_disc(p) WITHIN GROUP (ORDER BY extract(epoch FROM d)) AS exact FROM ex_durations) AS e;
-- exact at 0 and 1; the top percentile of a summary with bigint-max values
-- is its maximum (the rank used to convert past 2^63 and give the minimum)
SELECT percentile(s, 0) = min_duration(s) AS p0_is_min, percentile(s, 1) = max_duration(s) AS p1_is_max
  FROM (SELECT duration_summary(d) AS s FROM ex_durations) AS t;
SELECT percentile(s, 1) AS p100, max_duration(s), percentiles(s, ARRAY[0, 1]) AS ends
  FROM (SELECT 'v1 count=9223372036854775807 sum=9223372036854775807.000000 min=1.000000 max=2.000000 954:9223372036854775806 1018:1'::duration_summary AS s) AS t;
-- beyond 2^63 microseconds, or days whose microseconds overflow, is an error
-- (2147483647 days used to wrap around to 12443823 days)
SELECT d, ex_value(format('SELECT max_duration(duration_summary(%L::interval))', d)) AS result,
       extract(epoch FROM d::interval) AS epoch
  FROM unnest(ARRAY['2147483647 days', '106751992 days', '106751991 days', '178000000 years',
                    '-178000000 years', '2562047788 hours 54.775807 seconds', '1 day 2562047788 hours 54.775807 seconds',
                    '-1 microsecond']) AS d;
-- sums: 10^9 durations of 292 years add up to 9223372036854775000 seconds, the most a summary holds
SELECT mean_duration(s), extract(epoch FROM mean_duration(s)) = 9223372036.854775 AS mean_exact, durations(s)
  FROM (SELECT 'v1 count=1000000000 sum=9223372036854775000.000000 min=9223372036.854775 max=9223372036.854775 3073:1000000000'::duration_summary AS s) AS t;
-- 807.000001 seconds more reach the limit exactly (whole seconds are what is bounded)
SELECT durations(s), s::text LIKE '% sum=9223372036854775807.000001 %' AS sum_at_the_limit
  FROM (SELECT rollup(s) AS s FROM (VALUES ('v1 count=1000000000 sum=9223372036854775000.000000 min=9223372036.854775 max=9223372036.854775 3073:1000000000'::duration_summary),
                                           ('v1 count=1 sum=807.000001 min=807.000001 max=807.000001 1568:1')) AS v(s)) AS t;
-- 808 seconds more do not fit
SELECT sqlstate_of($$SELECT rollup(s) FROM (VALUES ('v1 count=1000000000 sum=9223372036854775000.000000 min=9223372036.854775 max=9223372036.854775 3073:1000000000'::duration_summary),
                                                   ('v1 count=1 sum=808.000000 min=808.000000 max=808.000000 1568:1')) AS v(s)$$);
SELECT sqlstate_of($$SELECT duration_summary_add('v1 count=1000000000 sum=9223372036854775000.000000 min=9223372036.854775 max=9223372036.854775 3073:1000000000', '900 seconds')$$);
-- a hand-made summary whose sum cannot come from its minimum and maximum
SELECT sqlstate_of($$SELECT 'v1 count=1 sum=0.000000 min=5.000000 max=5.000000 1100:1'::duration_summary$$);
SELECT sqlstate_of($$SELECT 'v1 count=2 sum=11.000000 min=5.000000 max=5.000000 1100:2'::duration_summary$$);
-- p in the state of duration_percentile, down to the smallest double: the text re-reads
-- (in shortest exact digits whatever extra_float_digits is; it used to follow it)
SELECT s, s::duration_summary::text = s AS rereads
  FROM (SELECT duration_summary_add('v1', '1 s', p)::text AS s FROM unnest(ARRAY[5e-324, 0.123456789012345678]) AS p) AS t;

--
-- Health scores: values exactly 0 and 100, weights from 1e-300 to 1e300
--
SELECT score(h), band(h), h FROM (VALUES (health_score(ARRAY['a'], ARRAY[0], ARRAY[1])),
                                         (health_score(ARRAY['a'], ARRAY[100], ARRAY[1])),
                                         (health_score(ARRAY['a', 'b'], ARRAY[0, 100], ARRAY[1, 1]))) AS v(h);
-- weights compared with the weighted mean in numeric
SELECT w1, w2, score(health_score(ARRAY['a', 'b'], ARRAY[100, 20], ARRAY[w1, w2])) AS score,
       abs(score(health_score(ARRAY['a', 'b'], ARRAY[100, 20], ARRAY[w1, w2])) -
           ((100 * w1::numeric + 20 * w2::numeric) / (w1::numeric + w2::numeric))::float8) < 1e-12 AS right
  FROM (VALUES (1e-300::float8, 1e-300::float8), (1e300, 1e300), (1e-300, 1e300), (1e300, 1e-300),
               (1e308, 1e308), (1.7976931348623157e308, 1e-300), (3e-300, 1e-300)) AS v(w1, w2);
-- 32 components of weight 1e307 sum to 3.2e308 in plain arithmetic: still the mean
SELECT score(health_score(array_agg('c' || i), array_agg(i::float8), array_fill(1e307::float8, ARRAY[32]))) AS score,
       avg(i) AS mean
  FROM generate_series(1, 32) AS i;
-- the smallest doubles survive the text form (it used to refuse subnormals)
SELECT h, h::text::health_score = h AS rereads
  FROM (SELECT health_score(ARRAY['a', 'b'], ARRAY[1e-310, 5e-324], ARRAY[5e-324, 1]) AS h) AS t;
SELECT sqlstate_of($$SELECT 'v1 a=1 weight=1e-400'::health_score$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY['NaN'::float8], ARRAY[1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[100.00000000000001], ARRAY[1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[50], ARRAY['Infinity'::float8])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[50], ARRAY[0])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY['-Infinity'::float8], ARRAY[1])$$);
-- kpi_scale: low = high, non-finite input, the extremes of double
SELECT sqlstate_of($$SELECT kpi_scale(5, 3, 3)$$);
SELECT sqlstate_of($$SELECT kpi_scale(5, 1e-320, 1e-320)$$);
SELECT sqlstate_of($$SELECT kpi_scale('NaN', 0, 10)$$);
SELECT sqlstate_of($$SELECT kpi_scale(5, '-Infinity', 10)$$);
SELECT v, lo, hi, kpi_scale(v, lo, hi), expected, kpi_scale(v, lo, hi) = expected AS right
  FROM (VALUES (0::float8, -1.7976931348623157e308::float8, 1.7976931348623157e308::float8, 50::float8),
               (1.7976931348623157e308, -1.7976931348623157e308, 1.7976931348623157e308, 100),
               (-1.7976931348623157e308, 1.7976931348623157e308, -1.7976931348623157e308, 100),
               (0, 1e-300, -1e-300, 50),
               -- halving the smallest subnormals makes both bounds zero: used to give 0
               (0, -5e-324, 5e-324, 50), (5e-324, -5e-324, 5e-324, 100), (-5e-324, -5e-324, 5e-324, 0),
               (1e300, 0, 1e-300, 100)) AS v(v, lo, hi, expected);

--
-- Timestamps at the ends: +-infinity and the years 1 and 9999
--
CREATE TABLE ex_customers (active_from timestamptz, churned_at timestamptz);
INSERT INTO ex_customers VALUES
    ('-infinity', NULL), ('-infinity', '0001-01-01 00:00:00+00'), ('-infinity', '9999-12-31 23:59:59.999999+00'),
    ('-infinity', 'infinity'), ('0001-01-01 00:00:00+00', '5000-01-01'), ('0001-01-01 00:00:00+00', NULL),
    ('9999-12-31 23:59:59.999999+00', NULL), ('2025-01-01', 'infinity');
-- churn and retention against the cohort written out in SQL
SELECT ps, pe, churn_rate(c.active_from, c.churned_at, ps, pe) AS churn,
       retention_rate(c.active_from, c.churned_at, ps, pe) AS retention,
       (SELECT (100.0 * count(*) FILTER (WHERE churned_at <= pe) / nullif(count(*), 0))::float8
          FROM ex_customers WHERE active_from <= ps AND (churned_at IS NULL OR churned_at > ps)) AS churn_in_sql
  FROM (VALUES ('-infinity'::timestamptz, 'infinity'::timestamptz), ('-infinity', '0001-01-01 00:00:00+00'),
               ('0001-01-01 00:00:00+00', '9999-12-31 23:59:59.999999+00'), ('2025-01-01', 'infinity'),
               ('9999-12-31 23:59:59.999999+00', 'infinity')) AS p(ps, pe)
 CROSS JOIN ex_customers c
 GROUP BY ps, pe ORDER BY ps, pe;
SELECT sqlstate_of($$SELECT churn_rate(a, c, 'infinity', 'infinity') FROM ex_customers AS v(a, c)$$);
SELECT sqlstate_of($$SELECT churn_rate(a, c, '-infinity', '-infinity') FROM ex_customers AS v(a, c)$$);
SELECT sqlstate_of($$SELECT retention_rate(a, c, '2025-01-01', '0001-01-01 00:00:00+00') FROM ex_customers AS v(a, c)$$);
-- clv_summary: purchases on the first and the last microsecond it accepts
SELECT s, customers(s), purchases(s), revenue(s),
       avg_lifespan(s) = (extract(epoch FROM timestamptz '9999-12-31 23:59:59.999999+00' - timestamptz '0001-01-01 00:00:00+00') / (2 * 31557600)) AS lifespan_right,
       purchase_frequency(s) = (3 * 31557600 / (2 * extract(epoch FROM timestamptz '9999-12-31 23:59:59.999999+00' - timestamptz '0001-01-01 00:00:00+00'))) AS frequency_right,
       s::text::clv_summary::text = s::text AS rereads
  FROM (SELECT clv_summary(c, a, t) AS s
          FROM (VALUES (1, 10, '0001-01-01 00:00:00+00'::timestamptz), (1, 20, '9999-12-31 23:59:59.999999+00'),
                       (2, 5, '5000-06-30 12:00:00+00')) AS v(c, a, t)) AS x;
SELECT t, sqlstate_of(format('SELECT clv_summary(1, 10, %L::timestamptz)', t))
  FROM unnest(ARRAY['infinity', '-infinity', '0001-12-31 23:59:59.999999+00 BC', '10000-01-01 00:00:00+00']) AS t;
-- p-values deep into the tail, the same to the last digit on every system:
-- kpi_ext computes erfc itself, as the C library's differs between releases
SET extra_float_digits = 3;
SELECT a, b, rate_diff_pvalue(a::rate_summary, b::rate_summary)
  FROM (VALUES ('v1 50/100', 'v1 55/100'), ('v1 100/1000', 'v1 200/1000'), ('v1 9000/1000000', 'v1 10000/1000000'),
               ('v1 10/10000', 'v1 400/10000'), ('v1 0/100000', 'v1 300/100000'),
               ('v1 0/1000000', 'v1 1000000/1000000')) AS v(a, b);
RESET extra_float_digits;
