--
-- Durations: duration_summary, its accessors, median_duration,
-- duration_percentile and rollup.
--
SET extra_float_digits = 0;
SET IntervalStyle = 'postgres';

-- 10 s, 20 s, 30 s, 40 s and a NULL: count 4, sum 100 s, mean 25 s, exact
-- min and max; the median is the 2nd value (percentile_disc's rank
-- ceil(0.5 * 4)), 20 s, exact because a summary this small keeps its
-- durations; the 90th percentile is rank 4, the maximum.
CREATE TABLE waits (id int, d interval);
INSERT INTO waits VALUES (1, '10 s'), (2, '20 s'), (3, '30 s'), (4, '40 s'), (5, NULL);
SELECT durations(s), mean_duration(s), min_duration(s), max_duration(s),
       percentile(s, 0.5) AS p50, percentile(s, 0.9) AS p90, percentile(s, 0) AS p0
  FROM (SELECT duration_summary(d) AS s FROM waits) AS t;
SELECT median_duration(d), duration_percentile(d, 0.9), duration_percentile(d, 0.25),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY d) AS exact_median
  FROM waits;
SELECT duration_summary(d) FROM waits;
SELECT percentiles(duration_summary(d), ARRAY[0, 0.5, NULL, 1]) AS with_null,
       percentiles(duration_summary(d), '{}') AS none
  FROM waits;

-- zero durations are exact; intervals with months and days count as
-- extract(epoch from ...) does (a year 365.25 days, a month 30 days)
SELECT median_duration(d) AS all_zero FROM (VALUES (interval '0'), ('0'), ('0')) AS v(d);
SELECT d, extract(epoch FROM max_duration(duration_summary(d))) = extract(epoch FROM d) AS same_epoch,
       max_duration(duration_summary(d))
  FROM unnest(ARRAY[interval '1 year', '1 mon', '13 mons', '1 year 2 mons 3 days 04:05:06.789',
                    '-1 day 48:00:00', '1 day -1 hour', '0.000001 s']) AS d
 GROUP BY d ORDER BY d;

-- NULLs and empty groups
SELECT duration_summary(d), median_duration(d), duration_percentile(d, 0.5), rollup(NULL::duration_summary)
  FROM waits WHERE d IS NULL;
SELECT durations('v1'), mean_duration('v1'), min_duration('v1'), max_duration('v1'),
       percentile('v1', 0.5), percentiles('v1', ARRAY[0.5]);

--
-- Accuracy: every percentile within 1 % of percentile_disc, on several
-- distributions of 20,000 durations, p = 0, 0.01, 0.5, 0.9, 0.99, 1.
-- u(k) is a deterministic uniform number in [0, 1).
--
CREATE FUNCTION u(k text) RETURNS float8 IMMUTABLE LANGUAGE sql
    AS $$ SELECT ('x' || substr(md5(k), 1, 8))::bit(32)::bigint / 4294967296.0 $$;
CREATE TABLE samples AS
SELECT kind, i, make_interval(secs => round(secs::numeric, 6)::float8) AS d
  FROM generate_series(1, 20000) AS i,
       LATERAL (VALUES
         ('uniform',      3600 * u('a' || i)),
         ('exponential',  -30 * ln(1 - u('b' || i))),
         ('log-normal',   exp(3 + 1.5 * sqrt(-2 * ln(1 - u('c' || i))) * cos(2 * pi() * u('d' || i)))),
         ('heavy-tailed', 1.0 / power(1 - u('e' || i), 1.5)),
         ('1 ms to 10 years', 0.001 * power(3.15576e11, u('f' || i))),
         ('all equal',    42.5),
         ('many zeros',   CASE WHEN u('g' || i) < 0.7 THEN 0 ELSE 600 * u('h' || i) END)) AS v(kind, secs);
SELECT kind,
       count(*) AS percentiles,
       max(abs(extract(epoch FROM estimate) - extract(epoch FROM exact))
           / nullif(extract(epoch FROM exact), 0))::numeric(8, 6) AS worst_relative_error,
       bool_and(abs(extract(epoch FROM estimate) - extract(epoch FROM exact))
                <= 0.01 * extract(epoch FROM exact)) AS all_within_1_percent
  FROM (SELECT kind, unnest(percentiles(duration_summary(d), ARRAY[0, 0.01, 0.5, 0.9, 0.99, 1])) AS estimate,
               unnest(percentile_disc(ARRAY[0, 0.01, 0.5, 0.9, 0.99, 1]) WITHIN GROUP (ORDER BY d)) AS exact
          FROM samples GROUP BY kind) AS t
 GROUP BY kind ORDER BY kind;
-- count, sum, min and max are exact
-- (avg(interval) rounds to the microsecond too)
SELECT kind, durations(s) = n AS count_exact, mean_duration(s) = avg_d AS mean_exact,
       min_duration(s) = min_d AS min_exact, max_duration(s) = max_d AS max_exact
  FROM (SELECT kind, duration_summary(d) AS s, avg(d) AS avg_d, min(d) AS min_d, max(d) AS max_d, count(*) AS n
          FROM samples GROUP BY kind) AS t
 ORDER BY kind;

--
-- Merging is exact: the rollup of any split equals the whole, bucket for bucket
--
SELECT parts, bool_and(rolled = whole) AS rollup_equals_whole
  FROM (SELECT kind, parts,
               (SELECT rollup(s)::text FROM (SELECT duration_summary(d) AS s FROM samples x
                                              WHERE x.kind = k.kind GROUP BY floor(u('split' || parts || i) * parts)) AS p) AS rolled,
               (SELECT duration_summary(d)::text FROM samples x WHERE x.kind = k.kind) AS whole
          FROM (SELECT DISTINCT kind FROM samples) AS k, unnest(ARRAY[2, 7, 1000]) AS parts) AS t
 GROUP BY parts ORDER BY parts;
SELECT rollup(s) IS NULL AS all_null FROM (VALUES (NULL::duration_summary)) AS v(s);

--
-- Text form re-reads equal; bad text is rejected
--
SELECT bool_and(s::text::duration_summary::text = s::text) AS rereads
  FROM (SELECT duration_summary(d) AS s FROM samples GROUP BY kind) AS t;
SELECT 'v1'::duration_summary, ' v1  count=2 sum=3.000000 min=1.000000 max=2.000000 954:1 1018:1 '::duration_summary;
SELECT sqlstate_of(format('SELECT %L::duration_summary', t)) AS error
  FROM (VALUES (''), ('v3'), ('v1 count=1'), ('v1 count=1 sum=1 min=1 max=1'),
               ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000'),
               ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:2'),
               ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 953:1'),
               ('v1 count=2 sum=3.000000 min=2.000000 max=1.000000 954:1 1018:1'),
               ('v1 count=2 sum=3.000000 min=1.000000 max=2.000000 1018:1 954:1'),
               ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 3712:1'),
               ('v1 count=1 sum=-1.000000 min=1.000000 max=1.000000 954:1'),
               ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1 x'),
               ('v1 p=2 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1'),
               ('v1count=1'),
               ('v1 count=0 sum=5.000000 min=0.000000 max=0.000000')) AS v(t);

--
-- Errors
--
SELECT sqlstate_of($$SELECT duration_summary(d) FROM (VALUES (interval '-1 s')) v(d)$$);
SELECT sqlstate_of($$SELECT median_duration(d) FROM (VALUES (interval '1 day -25 hours')) v(d)$$);
SELECT sqlstate_of($$SELECT duration_summary(d) FROM (VALUES (interval '178000000 years')) v(d)$$);
SELECT sqlstate_of(format($$SELECT percentile('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1', %L)$$, p))
  FROM unnest(ARRAY[-0.1, 1.5, 'NaN'::float8]) AS p;
SELECT sqlstate_of($$SELECT percentiles('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1', ARRAY[0.5, 2])$$);
SELECT sqlstate_of($$SELECT duration_percentile(d, p) FROM (VALUES (interval '1 s', 0.5), ('2 s', 0.9)) v(d, p)$$);
SELECT sqlstate_of($$SELECT duration_percentile(d, 1.01) FROM (VALUES (interval '1 s')) v(d)$$);
-- a point in time where a duration belongs says what to pass instead, over
-- timestamptz, timestamp (cast to timestamptz) and date columns alike
SELECT median_duration(t) FROM (VALUES (timestamptz '2026-01-05 09:00+00')) v(t);
SELECT duration_percentile(t, 0.9) FROM (VALUES (timestamp '2026-01-05 09:00')) v(t);
SELECT duration_summary(t) FROM (VALUES (date '2026-01-05')) v(t);
SELECT median_duration(t) AS no_rows_no_error FROM (VALUES (now())) v(t) WHERE false;
-- messages show values exactly, not rounded (1.0000001 is not 1)
SELECT sqlstate_of($$SELECT percentile('v1', 1.0000001)$$);
SELECT sqlstate_of($$SELECT duration_percentile(d, p) FROM (VALUES (interval '1 s', 0.9), ('2 s', 0.9000000000000001)) v(d, p)$$);
-- the sum of durations cannot wrap around either: 10^9 durations of 292
-- years add up to 9223372036854775000 seconds, 807 short of the limit
SELECT sqlstate_of($$SELECT duration_summary_merge('v1 count=1000000000 sum=9223372036854775000.000000 min=9223372036.854775 max=9223372036.854775 3073:1000000000',
                                                 'v1 count=1 sum=1000.000000 min=1000.000000 max=1000.000000 1591:1')$$);

-- transition functions called directly work on a copy
SELECT duration_summary_add('v1', '1 s') AS added,
       duration_summary_add('v1', '1 s', 0.9) AS for_p90,
       duration_summary_merge('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1',
                              'v1 count=1 sum=2.000000 min=2.000000 max=2.000000 1018:1') AS merged;
SELECT sqlstate_of($$SELECT duration_summary_merge('v1 p=0.5', 'v1 p=0.9 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1')$$);
-- a subnormal percentile, which float8 accepts, re-reads (found by fuzzing)
SELECT s, s::text::duration_summary::text = s::text AS rereads
  FROM (SELECT duration_summary_add('v1', '1 s', 5e-324) AS s) AS t;
-- the text form keeps p exact even with extra_float_digits = 0, so it re-reads equal
SELECT duration_summary_add('v1', '1 s', 0.30000000000000004) AS p_exact,
       duration_summary_add('v1', '1 s', 0.30000000000000004)::text::duration_summary::text
         = duration_summary_add('v1', '1 s', 0.30000000000000004)::text AS rereads;

--
-- Forced parallel plans give the serial answers
--
CREATE TABLE tickets AS
SELECT i AS id, i % 20 AS day, make_interval(secs => (i * 7919 % 100000) / 100.0) AS d
  FROM generate_series(1, 100000) AS i;
CREATE TEMP TABLE serial AS
SELECT duration_summary(d)::text AS summary, median_duration(d) AS median, duration_percentile(d, 0.9) AS p90,
       (SELECT rollup(s)::text FROM (SELECT duration_summary(d) AS s FROM tickets GROUP BY day) AS x) AS rolled
  FROM tickets;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT median_duration(d) FROM tickets;
SELECT (SELECT row(s.*)::text FROM serial s) =
       (SELECT row(duration_summary(d)::text, median_duration(d), duration_percentile(d, 0.9),
                   (SELECT rollup(s)::text FROM (SELECT duration_summary(d) AS s FROM tickets GROUP BY day) AS x))::text
          FROM tickets) AS parallel_equals_serial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- many small groups stay small: a handful of durations per account
SELECT max(pg_column_size(s)) AS largest_bytes, avg(pg_column_size(s))::int AS average_bytes
  FROM (SELECT duration_summary(d) AS s FROM tickets GROUP BY id % 20000) AS t;

-- As window functions (no inverse: each frame is recomputed or grown), the
-- answers equal recomputing every frame, also while the state grows.
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE w.median IS DISTINCT FROM r.median OR w.summary <> r.summary) AS rows_differing
  FROM (SELECT id, median_duration(d) OVER (ORDER BY id ROWS 40 PRECEDING) AS median,
               duration_summary(d) OVER (ORDER BY id)::text AS summary
          FROM tickets WHERE id <= 1500) AS w
  JOIN LATERAL (SELECT (SELECT median_duration(d) FROM tickets t WHERE t.id BETWEEN w.id - 40 AND w.id) AS median,
                       (SELECT duration_summary(d) FROM tickets t WHERE t.id <= w.id)::text AS summary) AS r ON true;

--
-- Equality (1.1): = and <> compare count, sum, minimum, maximum, buckets
-- and the requested percentile, and a hash class makes DISTINCT, UNION,
-- GROUP BY and hash joins work; summaries have no order, so there is no
-- btree class
--
-- the same durations in either order, or rolled up from days, are one value
-- with one hash whatever spare room the state grew; -0 and 0 request the
-- same percentile; a state of duration_percentile is not the summary
CREATE TABLE eq_durations (label text, s duration_summary);
INSERT INTO eq_durations VALUES
    ('forward', (SELECT duration_summary(d ORDER BY id) FROM tickets WHERE id <= 5000)),
    ('backward', (SELECT duration_summary(d ORDER BY id DESC) FROM tickets WHERE id <= 5000)),
    ('rolled up', (SELECT rollup(s ORDER BY day DESC) FROM (SELECT day, duration_summary(d) AS s
                                                             FROM tickets WHERE id <= 5000 GROUP BY day) AS days)),
    ('one more', (SELECT duration_summary(d) FROM tickets WHERE id <= 5001)),
    ('5 s', 'v1 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1'),
    ('5 s, p = 0', 'v1 p=0 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1'),
    ('5 s, p = -0', 'v1 p=-0 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1'),
    ('5 s, p = 0.5', 'v1 p=0.5 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1'),
    ('empty', 'v1'),
    ('null', NULL);
SELECT label, durations(s) FROM eq_durations ORDER BY label;
SELECT * FROM equality_matrix('eq_durations');
-- -0 is written as 0, in text and in binary
SELECT s::text, duration_summary_send(s) = duration_summary_send('v1 p=0 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1') AS same_binary
  FROM eq_durations WHERE label = '5 s, p = -0';
-- NULL compares as NULL
SELECT NULL::duration_summary = 'v1' AS eq_null, 'v1'::duration_summary <> NULL AS ne_null,
       duration_summary_hash(NULL) AS hash_null;
SELECT * FROM equality_laws('eq_durations');
SELECT * FROM hash_join_pairs('eq_durations');
-- Small summaries keep their durations: up to 55 of them every percentile
-- is exactly percentile_disc's; from 56 on they are bucketed (within 1 %).
-- Groups of 1 to 60 durations from 1 ms to 10 years, in random order.
--
CREATE TABLE sized AS
SELECT n, i, make_interval(secs => round((0.001 * power(3.15576e11, u('s' || n || '.' || i)))::numeric, 6)::float8) AS d
  FROM generate_series(1, 60) AS n, generate_series(1, n) AS i;
CREATE TABLE sized_exact AS
SELECT n, p, percentile_disc(p) WITHIN GROUP (ORDER BY d) AS exact
  FROM sized, unnest(ARRAY[0, 0.01, 0.25, 0.5, 0.75, 0.9, 0.99, 1]) AS p GROUP BY n, p;
SELECT n <= 55 AS exact_form, min(n), max(n),
       bool_and(summary LIKE CASE WHEN n <= 55 THEN 'v2 %' ELSE 'v1 %' END) AS form,
       sum(not_exact) AS percentiles_not_exact, max(worst) < 0.01 AS within_1_percent
  FROM (SELECT n, min(g.s::text) AS summary,
               count(*) FILTER (WHERE percentile(g.s, e.p) <> e.exact) AS not_exact,
               max(abs(extract(epoch FROM percentile(g.s, e.p)) / extract(epoch FROM e.exact) - 1)) AS worst
          FROM (SELECT n, duration_summary(d) AS s FROM sized GROUP BY n) AS g JOIN sized_exact AS e USING (n)
         GROUP BY n) AS t
 GROUP BY n <= 55 ORDER BY 1 DESC;
SELECT n, median_duration(d) = percentile_disc(0.5) WITHIN GROUP (ORDER BY d) AS median_exact,
       duration_percentile(d, 0.9) = percentile_disc(0.9) WITHIN GROUP (ORDER BY d) AS p90_exact
  FROM sized WHERE n IN (1, 2, 54, 55) GROUP BY n ORDER BY n;
-- ties: groups of 1 to 55 durations drawn from three values; every
-- percentile from 0 to 1 in steps of 0.05 is percentile_disc's
SELECT count(*) AS percentiles, count(*) FILTER (WHERE t.estimate <> t.exact) AS not_exact
  FROM (SELECT n, unnest(percentiles(duration_summary(d), ps)) AS estimate,
               unnest(percentile_disc(ps) WITHIN GROUP (ORDER BY d)) AS exact
          FROM (SELECT n, (ARRAY[interval '1 s', interval '2 s', interval '3 s'])[1 + floor(3 * u('tie' || n || '.' || i))::int] AS d,
                       ARRAY(SELECT k / 20.0 FROM generate_series(0, 20) AS k)::float8[] AS ps
                  FROM generate_series(1, 55) AS n, generate_series(1, n) AS i) AS ties
         GROUP BY n, ps) AS t;

-- the switch: 55 durations are exact, the 56th buckets them all; the same
-- whether they arrive one by one or as merged parts, small or large
SELECT n, s::text LIKE 'v2 %' AS exact_form,
       s::text = (SELECT rollup(p)::text FROM (SELECT duration_summary(d) AS p FROM sized
                                                WHERE sized.n = t.n GROUP BY i % 2) AS parts) AS halves_equal,
       s::text = (SELECT rollup(p)::text FROM (SELECT duration_summary(d) AS p FROM sized
                                                WHERE sized.n = t.n GROUP BY i <= 1) AS parts) AS one_and_rest_equal,
       s::text = (SELECT rollup(p)::text FROM (SELECT duration_summary(d) AS p FROM sized
                                                WHERE sized.n = t.n GROUP BY i <= 3) AS parts) AS small_and_large_equal
  FROM (SELECT n, duration_summary(d) AS s FROM sized WHERE n IN (55, 56, 60) GROUP BY n) AS t ORDER BY n;
-- an exact summary merged with a bucketed one (as release 1.0 stored it) is bucketed
SELECT rollup(s) FROM (VALUES ('v2 count=2 sum=3.000000 min=1.000000 max=2.000000 1.000000 2.000000'::duration_summary),
                              ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1')) AS v(s);
SELECT rollup(s) FROM (VALUES ('v1 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1'::duration_summary),
                              ('v2 count=2 sum=3.000000 min=1.000000 max=2.000000 1.000000 2.000000')) AS v(s);
SELECT duration_summary_merge('v2 count=2 sum=3.000000 min=1.000000 max=2.000000 1.000000 2.000000',
                              'v2 count=1 sum=0.001000 min=0.001000 max=0.001000 0.001000') AS exact_merged;

-- the ends of the 1 % guarantee: 1 ms and 10 years, exact while few, within
-- 1 % once bucketed (the 10 years a few microseconds off)
SELECT n, percentiles(s, ARRAY[0.3, 0.7]) AS p30_p70
  FROM (SELECT n, duration_summary(d) AS s
          FROM (VALUES (6), (60)) AS v(n), generate_series(1, n) AS k,
               LATERAL (SELECT CASE WHEN k % 2 = 0 THEN interval '0.001 s' ELSE interval '3652.5 days' END AS d) AS x
         GROUP BY n) AS t ORDER BY n;

-- text and binary forms of both kinds re-read exactly
CREATE TABLE forms AS
SELECT n, duration_summary(d) AS s FROM sized WHERE n IN (1, 55, 56, 60) GROUP BY n
UNION ALL SELECT 0, duration_summary_add('v1', '1.5 s', 0.25)
UNION ALL SELECT -1, 'v1 count=3 sum=3.000000 min=1.000000 max=1.000000 954:3';
\copy forms TO 'results/duration_forms.copy' WITH (FORMAT binary)
CREATE TABLE forms_received (LIKE forms);
\copy forms_received FROM 'results/duration_forms.copy' WITH (FORMAT binary)
SELECT f.n, left(f.s::text, 2) AS form, f.s::text::duration_summary::text = f.s::text AS text_rereads,
       r.s::text = f.s::text AS binary_rereads, percentile(r.s, 0.5) = percentile(f.s, 0.5) AS same_median
  FROM forms f JOIN forms_received r USING (n) ORDER BY f.n;
SELECT sqlstate_of(format('SELECT %L::duration_summary', t)) AS error
  FROM (VALUES ('v2'), ('v2 count=1 sum=1.000000 min=1.000000 max=1.000000'),
               ('v2 count=2 sum=3.000000 min=1.000000 max=2.000000 2.000000 1.000000'),
               ('v2 count=2 sum=3.000000 min=1.000000 max=2.000000 1.000000 2.000001'),
               ('v2 count=1 sum=1.000000 min=1.000000 max=2.000000 1.000000'),
               ('v2 count=1 sum=1.000000 min=1.000000 max=1.000000 954:1')) AS v(t);
SELECT sqlstate_of(format('SELECT %L::duration_summary', 'v2 count=56 sum=56.000000 min=1.000000 max=1.000000' || repeat(' 1.000000', 56)))
         LIKE '22P02: % (Expected the end of the input (an exact summary holds at most 55 durations) at character 548.)' AS at_most_55;

-- bucket counts widen as they grow: one bucket (1100, 5 s) past 255 and 65535,
-- next to 100 durations from 5.11 s to 6.1 s; stored densely, 18 buckets of
-- 1, 2 and then 4 bytes after the 72-byte header
SELECT n, pg_column_size(s) AS bytes, s::text LIKE '% 1100:' || n || ' %' AS counted, durations(s), percentile(s, 0.5),
       (SELECT rollup(x) FROM (VALUES (s), (s)) AS v(x))::text LIKE '% 1100:' || 2 * n || ' %' AS doubled
  FROM (SELECT n, duration_summary(CASE WHEN k <= n THEN interval '5 s' ELSE interval '5.1 s' + (k - n) * interval '10 ms' END) AS s
          FROM (VALUES (255), (256), (65536)) AS v(n), generate_series(1, n + 100) AS k GROUP BY n) AS t ORDER BY n;
