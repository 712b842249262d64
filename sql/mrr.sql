--
-- MRR: mrr_summary with MRR movements, NRR and GRR.  Money is exact:
-- every movement equals sum() over the same numeric column.
--
SET extra_float_digits = 0;

--
-- MRR movements.  One row per customer: previous and current MRR.
--   (100.00 -> 120.00) expansion 20.00     (100 -> 80)  contraction 20
--   (50 -> 0)          churned 50          (0 -> 30)    new 30
--   (NULL -> 45.5)     new 45.5            (200 -> 200) unchanged
--   (70 -> NULL)       churned 70          (NULL -> NULL), (0 -> 0) not paying
-- starting = 100 + 100 + 50 + 200 + 70 = 520.00 (5 customers)
-- nrr = (520 + 20 - 20 - 120) / 520 = 400 / 520 = 76.923 %
-- grr = (520 - 20 - 120) / 520 = 380 / 520 = 73.077 %
-- ending = 520 + 75.5 + 20 - 20 - 120 = 475.50 = 120 + 80 + 30 + 45.5 + 200
--
CREATE TABLE mrr (customer int, prev_mrr numeric, curr_mrr numeric);
INSERT INTO mrr VALUES (1, 100.00, 120.00), (2, 100, 80), (3, 50, 0), (4, 0, 30), (5, NULL, 45.5),
    (6, 200, 200), (7, 70, NULL), (8, NULL, NULL), (9, 0, 0);
SELECT s, starting_mrr(s), new_mrr(s), expansion_mrr(s), contraction_mrr(s), churned_mrr(s), ending_mrr(s),
       nrr(s), grr(s)
  FROM (SELECT mrr_summary(prev_mrr, curr_mrr) AS s FROM mrr) AS t;
SELECT expansion_revenue(prev_mrr, curr_mrr), nrr(prev_mrr, curr_mrr), grr(prev_mrr, curr_mrr),
       sum(curr_mrr) AS ending_by_sum
  FROM mrr;
-- without starting MRR there is no retention; no rows at all give NULL
SELECT nrr(prev_mrr, curr_mrr), grr(prev_mrr, curr_mrr), expansion_revenue(prev_mrr, curr_mrr)
  FROM mrr WHERE customer IN (4, 5);
SELECT mrr_summary(prev_mrr, curr_mrr), nrr(prev_mrr, curr_mrr), expansion_revenue(prev_mrr, curr_mrr)
  FROM mrr WHERE customer > 100;
-- rollup of per-customer summaries, and through text, equals one step
SELECT rollup(s)::text = (SELECT mrr_summary(prev_mrr, curr_mrr)::text FROM mrr) AS rollup_equal,
       rollup(s::text::mrr_summary)::text = (SELECT mrr_summary(prev_mrr, curr_mrr)::text FROM mrr) AS via_text
  FROM (SELECT mrr_summary(prev_mrr, curr_mrr) AS s FROM mrr GROUP BY customer) AS t;
--
-- Forced parallel plans give the serial answers
--
CREATE TABLE big_mrr AS
SELECT i, ((i * 13) % 500)::numeric AS prev_mrr, ((i * 17) % 600 - 100)::numeric AS curr_mrr
  FROM generate_series(1, 100000) AS i;
UPDATE big_mrr SET curr_mrr = NULL WHERE curr_mrr < 0;
CREATE TEMP TABLE serial_mrr AS
SELECT mrr_summary(prev_mrr, curr_mrr)::text AS mrr, nrr(prev_mrr, curr_mrr), grr(prev_mrr, curr_mrr),
       expansion_revenue(prev_mrr, curr_mrr)
  FROM big_mrr;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT nrr(prev_mrr, curr_mrr) FROM big_mrr;
SELECT (SELECT row(s.*)::text FROM serial_mrr s) =
       (SELECT row(mrr_summary(prev_mrr, curr_mrr)::text, nrr(prev_mrr, curr_mrr), grr(prev_mrr, curr_mrr),
                   expansion_revenue(prev_mrr, curr_mrr))::text
          FROM big_mrr) AS parallel_equals_serial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- exact against sum(CASE ...) on the 100,000-row table
SELECT new_mrr(s) = new AS new_exact, expansion_mrr(s) = expansion AS expansion_exact,
       contraction_mrr(s) = contraction AS contraction_exact, churned_mrr(s) = churned AS churned_exact
  FROM (SELECT mrr_summary(prev_mrr, curr_mrr) AS s,
               sum(CASE WHEN coalesce(prev_mrr, 0) = 0 AND curr_mrr > 0 THEN curr_mrr END) AS new,
               sum(CASE WHEN curr_mrr > prev_mrr AND prev_mrr > 0 THEN curr_mrr - prev_mrr END) AS expansion,
               sum(CASE WHEN curr_mrr > 0 AND curr_mrr < prev_mrr THEN prev_mrr - curr_mrr END) AS contraction,
               sum(CASE WHEN prev_mrr > 0 AND coalesce(curr_mrr, 0) = 0 THEN prev_mrr END) AS churned
          FROM big_mrr) AS t;
-- rolling windows (inverse transition) equal recomputing each frame
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE w.s IS DISTINCT FROM r.s OR w.nrr IS DISTINCT FROM r.nrr) AS rows_differing
  FROM (SELECT i, mrr_summary(prev_mrr, curr_mrr) OVER (ORDER BY i ROWS 29 PRECEDING)::text AS s,
               nrr(prev_mrr, curr_mrr) OVER (ORDER BY i ROWS 29 PRECEDING)
          FROM big_mrr WHERE i <= 2000) AS w
  JOIN LATERAL (SELECT mrr_summary(prev_mrr, curr_mrr)::text AS s, nrr(prev_mrr, curr_mrr)
                  FROM big_mrr b WHERE b.i BETWEEN w.i - 29 AND w.i) AS r ON true;
-- (as text: a frame's scale is that of the summaries in it, as recomputing gives)
SELECT count(*) FILTER (WHERE w.m IS DISTINCT FROM r.m) AS rollup_window_rows_differing
  FROM (SELECT customer, row(starting_mrr(s), new_mrr(s), expansion_mrr(s), contraction_mrr(s), churned_mrr(s))::text AS m
          FROM (SELECT customer, rollup(s) OVER (ORDER BY customer ROWS 2 PRECEDING) AS s
                  FROM (SELECT customer, mrr_summary(prev_mrr, curr_mrr) AS s FROM mrr GROUP BY customer) AS g) AS f) AS w
  JOIN LATERAL (SELECT row(starting_mrr(s), new_mrr(s), expansion_mrr(s), contraction_mrr(s), churned_mrr(s))::text AS m
                  FROM (SELECT mrr_summary(prev_mrr, curr_mrr) AS s FROM mrr m
                 WHERE m.customer IN (SELECT customer FROM mrr m2 WHERE m2.customer <= w.customer
                                      ORDER BY customer DESC LIMIT 3)) AS x) AS r ON true;

-- A moving window prints at the scale of the rows in its frame, as sum()
-- over the same frame does: when the last row at the largest scale leaves,
-- the scale drops (the inverse transition makes the window recompute the
-- frame, as core's numeric sum() does).  Row 3's frame holds 12 and 13: 5.
SELECT i, expansion_revenue(prev, curr) OVER f, sum(curr - prev) OVER f
  FROM (VALUES (1, 10, 11.50::numeric), (2, 10, 12), (3, 10, 13)) AS t(i, prev, curr)
WINDOW f AS (ORDER BY i ROWS 1 PRECEDING) ORDER BY i;
-- 2,000 random rows of every movement, each at a scale of 0 (most), 2 or
-- 4 decimals (both amounts): every windowed figure prints as sum() over the
-- frame, where a movement's sum adds zero at the row's scale for the rows
-- not in it, because a summary keeps one scale, the largest of any amount
SELECT setseed(0.25);
CREATE TABLE mrr_scales AS
SELECT i, k,
       -- new, expansion, contraction, churned, unchanged, not paying
       round(CASE WHEN kind < 0.15 THEN 0 WHEN kind < 0.45 THEN x WHEN kind < 0.6 THEN x + y
                  WHEN kind < 0.9 THEN x ELSE 0 END, k) AS prev_mrr,
       round(CASE WHEN kind < 0.15 THEN x WHEN kind < 0.45 THEN x + y WHEN kind < 0.6 THEN x
                  WHEN kind < 0.75 THEN 0 WHEN kind < 0.9 THEN x ELSE 0 END, k) AS curr_mrr
  FROM (SELECT i, random() AS kind, (1 + random() * 999)::numeric AS x, (1 + random() * 99)::numeric AS y,
               CASE WHEN random() < 0.03 THEN 4 WHEN random() < 0.2 THEN 2 ELSE 0 END AS k
          FROM generate_series(1, 2000) AS i) AS r;
SELECT count(*) AS rows, count(DISTINCT k) AS scales,
       count(*) FILTER (WHERE prev_mrr = 0 AND curr_mrr > 0) AS new, count(*) FILTER (WHERE curr_mrr > prev_mrr AND prev_mrr > 0) AS expansion,
       count(*) FILTER (WHERE curr_mrr > 0 AND curr_mrr < prev_mrr) AS contraction, count(*) FILTER (WHERE prev_mrr > 0 AND curr_mrr = 0) AS churned
  FROM mrr_scales;
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE frame_scale < scale_so_far) AS frames_below_the_largest_scale_seen,
       count(*) FILTER (WHERE expansion_revenue::text IS DISTINCT FROM expansion::text) AS expansion_revenue_differing,
       count(*) FILTER (WHERE summary IS DISTINCT FROM sums) AS mrr_summary_differing,
       count(*) FILTER (WHERE rolled_up IS DISTINCT FROM sums) AS rollup_differing
  FROM (SELECT max(k) OVER f AS frame_scale, max(k) OVER (ORDER BY i) AS scale_so_far,
               expansion_revenue(prev_mrr, curr_mrr) OVER f,
               row(starting_mrr(mrr_summary(prev_mrr, curr_mrr) OVER f), new_mrr(mrr_summary(prev_mrr, curr_mrr) OVER f),
                   expansion_mrr(mrr_summary(prev_mrr, curr_mrr) OVER f), contraction_mrr(mrr_summary(prev_mrr, curr_mrr) OVER f),
                   churned_mrr(mrr_summary(prev_mrr, curr_mrr) OVER f))::text AS summary,
               row(starting_mrr(rollup(s) OVER f), new_mrr(rollup(s) OVER f), expansion_mrr(rollup(s) OVER f),
                   contraction_mrr(rollup(s) OVER f), churned_mrr(rollup(s) OVER f))::text AS rolled_up,
               sum(CASE WHEN curr_mrr > prev_mrr AND prev_mrr > 0 THEN curr_mrr - prev_mrr ELSE zero END) OVER f AS expansion,
               row(sum(prev_mrr) OVER f,
                   sum(CASE WHEN prev_mrr = 0 AND curr_mrr > 0 THEN curr_mrr ELSE zero END) OVER f,
                   sum(CASE WHEN curr_mrr > prev_mrr AND prev_mrr > 0 THEN curr_mrr - prev_mrr ELSE zero END) OVER f,
                   sum(CASE WHEN curr_mrr > 0 AND curr_mrr < prev_mrr THEN prev_mrr - curr_mrr ELSE zero END) OVER f,
                   sum(CASE WHEN prev_mrr > 0 AND curr_mrr = 0 THEN prev_mrr ELSE zero END) OVER f)::text AS sums
          FROM (SELECT i, k, prev_mrr, curr_mrr, round(0, k) AS zero, mrr_summary(prev_mrr, curr_mrr) AS s
                  FROM mrr_scales GROUP BY i, k, prev_mrr, curr_mrr) AS t
        WINDOW f AS (ORDER BY i ROWS 9 PRECEDING)) AS w;

-- text form
SELECT s::mrr_summary::text AS reread
  FROM (VALUES ('v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'),
               (' v1 scale=3 rows=5 starting=3/30.5 new=1/1 expansion=1/2.125 contraction=1/0.001 churned=1/10 ')) AS v(s);
SELECT t AS input, sqlstate_of(format('SELECT %L::mrr_summary', t)) AS error
  FROM (VALUES ('v1'), ('v1 scale=0 rows=0'),
               ('v1 scale=0 rows=1 starting=0/0 new=1/0 expansion=0/0 contraction=0/0 churned=0/0'),
               ('v1 scale=0 rows=1 starting=1/5 new=0/0 expansion=0/0 contraction=1/6 churned=0/0'),
               ('v1 scale=0 rows=1 starting=1/5 new=1/5 expansion=0/0 contraction=0/0 churned=0/0'),
               ('v1 scale=0 rows=2 starting=1/5 new=0/0 expansion=1/1 contraction=0/0 churned=1/5'),
               ('v1 scale=0 rows=1 starting=1/-5 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'),
               ('v1 scale=1 rows=1 starting=1/5.25 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'),
               ('v1 scale=0 rows=1 starting=1/5 new=0/0 expansion=0/0 contraction=0/0 churned=0/0 more'),
               -- counts and amounts whose sums wrap around (found by fuzzing)
               ('v1 scale=0 rows=10 starting=1/10 new=0/0 expansion=4611686018427387904/1 contraction=4611686018427387904/1 churned=4611686018427387904/1'),
               ('v1 scale=0 rows=2 starting=2/1 new=0/0 expansion=0/0 contraction=1/85070591730234615865843651857942052864 churned=1/85070591730234615865843651857942052864')) AS v(t);
SELECT sqlstate_of($$SELECT mrr_summary(-5, 10)$$);
SELECT sqlstate_of($$SELECT nrr(5, -0.01)$$);
SELECT sqlstate_of($$SELECT grr('NaN', 1)$$);
SELECT sqlstate_of($$SELECT expansion_revenue(1, 'Infinity')$$);
SELECT sqlstate_of($$SELECT rollup(s) FROM (VALUES ('v1 scale=0 rows=1 starting=1/99999999999999999999999999999999999999 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'::mrr_summary), ('v1 scale=0 rows=1 starting=1/99999999999999999999999999999999999999 new=0/0 expansion=0/0 contraction=0/0 churned=0/0')) AS v(s)$$);
SELECT sqlstate_of($$SELECT mrr_summary(p, c) FROM (VALUES (1e30, 1), (0.00000000001, 1)) AS v(p, c)$$);
-- the transition functions called by hand with a NULL state give NULL, as
-- a strict function would (found by sqlsmith, test/t/013: this crashed)
SELECT mrr_summary_add(NULL, 1.5, 5) IS NULL AS add_null, mrr_summary_remove(NULL, 1.5, NULL) IS NULL AS remove_null;
-- Equality (1.1): the same rows in either order, or rolled up from one
-- summary per customer, are one value with one hash, and so is a state a
-- row was added to and taken back from.  Amounts with more decimals are at
-- a higher scale (starting 520.00000, not 520.00), and an emptied state
-- keeps the scale its rows had, which merging it passes on: other
-- summaries.
CREATE TABLE eq_mrr (label text, s mrr_summary);
INSERT INTO eq_mrr VALUES
    ('forward', (SELECT mrr_summary(prev_mrr, curr_mrr ORDER BY customer) FROM mrr)),
    ('backward', (SELECT mrr_summary(prev_mrr, curr_mrr ORDER BY customer DESC) FROM mrr)),
    ('rolled up', (SELECT rollup(s ORDER BY customer DESC) FROM (SELECT customer, mrr_summary(prev_mrr, curr_mrr) AS s
                                                                  FROM mrr GROUP BY customer) AS each_customer)),
    ('added and taken back', (SELECT mrr_summary_remove(mrr_summary_add(mrr_summary(prev_mrr, curr_mrr), 10, 0), 10, 0) FROM mrr)),
    ('times 1.000', (SELECT mrr_summary(prev_mrr * 1.000, curr_mrr * 1.000) FROM mrr)),
    ('one more', (SELECT mrr_summary(prev_mrr, curr_mrr) FROM (SELECT prev_mrr, curr_mrr FROM mrr UNION ALL VALUES (0, 0)) AS m)),
    ('empty', 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'),
    ('emptied at scale 2', mrr_summary_remove(mrr_summary_add('v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0', 1.50, 2), 1.50, 2)),
    ('null', NULL);
SELECT label, s::text FROM eq_mrr ORDER BY label;
SELECT * FROM equality_matrix('eq_mrr');
-- NULL compares as NULL
SELECT NULL::mrr_summary = s AS eq_null, s <> NULL AS ne_null, mrr_summary_hash(NULL) AS hash_null
  FROM eq_mrr WHERE label = 'empty';
SELECT * FROM equality_laws('eq_mrr');
SELECT * FROM hash_join_pairs('eq_mrr');
