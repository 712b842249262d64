--
-- Survey scores: score_summary, nps_agg, enps_agg, csat_agg, ces_agg, rollup
-- and the accessors.  Expected values are worked out by hand in comments.
--
SET extra_float_digits = 0;

CREATE TABLE answers (id int, day int, channel text, score int, csat smallint, ces bigint);
-- scores 10 10 9 | 8 7 | 6 0, plus a NULL: n = 7, promoters 3, passives 2,
-- detractors 2, NPS = 100 * (3 - 2) / 7 = 14.2857142857
INSERT INTO answers VALUES
    (1, 1, 'chat',  10, 5, 1),
    (2, 1, 'chat',  10, 4, 2),
    (3, 1, 'phone',  9, 3, 3),
    (4, 2, 'phone',  8, 2, 7),
    (5, 2, 'email',  7, 1, NULL),
    (6, 2, 'email',  6, 5, NULL),
    (7, 3, 'email',  0, NULL, NULL),
    (8, 3, 'email', NULL, NULL, NULL);

-- smallint, integer and bigint columns work directly
SELECT round(nps_agg(score::smallint)::numeric, 10) AS nps_int2,
       round(nps_agg(score)::numeric, 10) AS nps_int4,
       round(nps_agg(score::bigint)::numeric, 10) AS nps_int8,
       round(enps_agg(score)::numeric, 10) AS enps
  FROM answers;

-- the summary and every count
SELECT score_summary(score) AS summary,
       responses(score_summary(score)),
       promoters(score_summary(score)),
       passives(score_summary(score)),
       detractors(score_summary(score)),
       score_counts(score_summary(score)),
       round(mean_score(score_summary(score))::numeric, 10) AS mean   -- 50 / 7
  FROM answers;

-- CSAT: answers 5 4 3 2 1 5 -> 4 and 5 are 3 of 6 = 50 %
-- CES: answers 1 2 3 7 -> mean 13 / 4 = 3.25
SELECT csat_agg(csat) AS csat, csat_agg(csat, 5) AS csat_5,
       ces_agg(ces) AS ces, ces_agg(ces, 7) AS ces_7,
       csat(score_summary(csat)) AS csat_of_summary
  FROM answers;

-- other scales: top two boxes of 1..10 are 9 and 10; of 1..2 everything
-- answers 10 9 8 1: 2 of 4 in the top two boxes, mean 28 / 4 = 7
SELECT csat_agg(s, 10) AS csat_10, ces_agg(s::bigint, 10) AS ces_10,
       csat(score_summary(s), 10) AS csat_summary_10
  FROM (VALUES (10), (9), (8), (1)) AS v(s);
-- answers 1 2 2 on 1..2: all in the top two boxes, mean 5 / 3
SELECT csat_agg(s::smallint, 2) AS csat_2, ces_agg(s, 2) AS ces_2 FROM (VALUES (1), (2), (2)) AS v(s);

-- NULLs are skipped; groups without answers give NULL, like avg
SELECT nps_agg(score), csat_agg(csat), ces_agg(ces), score_summary(score) IS NULL AS summary_is_null
  FROM answers WHERE score IS NULL;
SELECT nps_agg(score), csat_agg(csat, 7), ces_agg(ces, 7), rollup(NULL::score_summary)
  FROM answers WHERE false;
SELECT channel, nps_agg(score), csat_agg(csat), ces_agg(ces)
  FROM answers GROUP BY channel ORDER BY channel;

-- Accessors of an empty summary: counts are 0, ratios NULL
SELECT responses('v1'), score_counts('v1'), nps('v1'), nps_ci('v1'), nps_margin('v1'),
       csat('v1'), mean_score('v1'), nps_diff_pvalue('v1', 'v1 9:1');

--
-- Adjusted-Wald interval, checked against the closed form.
-- promoters 3, detractors 2, n 7: n' = 10, p' = 3.75 / 10, d' = 2.75 / 10,
-- centre 0.1, half-width z * sqrt((0.65 - 0.01) / 10) = z * 0.2529822128.
-- z(0.95) = 1.9599639845 -> 49.5836025844; CI {-39.5836025844, 59.5836025844}
--
SELECT c AS confidence,
       ARRAY[round(ci[1]::numeric, 10), round(ci[2]::numeric, 10)] AS ci,
       round(margin::numeric, 10) AS margin,
       round((margin / (100 * sqrt(0.064)))::numeric, 10) AS z
  FROM (SELECT score_summary(score) AS s FROM answers) AS t,
       unnest(ARRAY[0.9, 0.95, 0.99]) AS c,
       LATERAL (SELECT nps_ci(s, c) AS ci, nps_margin(s, c) AS margin) AS r;
SELECT nps_ci(score_summary(score)) = nps_ci(score_summary(score), 0.95) AS default_is_95
  FROM answers;
-- clipped to -100..100: two promoters only (n' = 5, p' = 0.55, d' = 0.15,
-- half-width 64.4109891738 around 40) and one answer at 99.99 %
SELECT round((nps_ci('v1 10:2'))[1]::numeric, 10) AS low, (nps_ci('v1 10:2'))[2] AS high,
       nps_ci('v1 10:1', 0.9999) AS wide,
       round(nps_margin('v1 10:1', 0.9999)::numeric, 10) AS wide_margin;

--
-- nps_diff_pvalue: the adjusted-Wald test on the counts nps_ci uses.
-- a has 60 promoters and 20 detractors of 100: n' = 103, p' = 60.75 / 103,
-- d' = 20.75 / 103, NPS' = 40 / 103, variance (81.5 / 103 - (40 / 103)^2) / 103;
-- b 50 and 30 of 100: NPS' = 20 / 103, variance (81.5 / 103 - (20 / 103)^2) / 103;
-- z = (20 / 103) / sqrt(0.0141117306) = 1.6690878800, p = 0.095099965
--
SELECT round(nps_diff_pvalue('v1 0:20 8:20 10:60', 'v1 3:30 7:20 9:50')::numeric, 9) AS p,
       round(nps_diff_pvalue('v1 3:30 7:20 9:50', 'v1 0:20 8:20 10:60')::numeric, 9) AS symmetric,
       round(nps_diff_pvalue('v1 10:5', 'v1 9:3')::numeric, 9) AS both_unanimous,
       round(nps_diff_pvalue('v1 10:5', 'v1 0:3')::numeric, 9) AS opposite_unanimous,
       nps_diff_pvalue('v1 10:5', 'v1') AS empty;
-- one answer each, or three each, is no evidence of a difference, and the
-- intervals agree: one promoter against one detractor: n' = 4, NPS' +-0.25,
-- variance (0.625 - 0.0625) / 4 = 0.140625 each, z = 0.5 / sqrt(0.28125) =
-- 0.9428090416, p = 0.345778586, while the 95 % intervals {-48.5, 98.5} and
-- {-98.5, 48.5} overlap by 96.997299; three promoters against three passives:
-- n' = 6, NPS' 0.5 and 0, variances (0.75 - 0.25) / 6 and 0.25 / 6,
-- z = 0.5 / sqrt(0.125) = 1.4142135624, p = 0.157299207
SELECT round(nps_diff_pvalue('v1 10:1', 'v1 0:1')::numeric, 9) AS one_each,
       round(nps_diff_pvalue('v1 10:3', 'v1 7:3')::numeric, 9) AS three_each,
       round((least(a[2], b[2]) - greatest(a[1], b[1]))::numeric, 6) AS one_each_cis_overlap_by
  FROM (SELECT nps_ci('v1 10:1') AS a, nps_ci('v1 0:1') AS b) AS t;
-- the same shares as above on 1000 answers each: NPS' 400 / 1003 and
-- 200 / 1003, variances 0.000638144 and 0.000757070, z = 5.338369045,
-- p = 9.3786e-8
SELECT round(nps_diff_pvalue('v1 0:200 8:200 10:600', 'v1 3:300 7:200 9:500')::numeric, 12) AS large;
-- billions of unanimous answers: the variance rounds to 0, equal groups still give 1
SELECT nps_diff_pvalue('v1 10:9223372036854775807', 'v1 10:9223372036854775807') AS huge_equal,
       nps_diff_pvalue('v1 10:9223372036854775807', 'v1 0:9223372036854775807') AS huge_opposite;
-- the test agrees with nps_ci on every pair of groups of 1 to 4 answers:
-- disjoint 95 % intervals always give p < 0.05, and a group whose adjusted
-- centre 100 (P - D) / (n + 3) lies inside the other's interval p > 0.05
WITH groups AS (
    SELECT format('v1 0:%s 7:%s 10:%s', d, n - p - d, p)::score_summary AS s,
           100.0 * (p - d) / (n + 3) AS centre
      FROM generate_series(1, 4) AS n, generate_series(0, n) AS p, generate_series(0, n - p) AS d),
pairs AS (
    SELECT nps_ci(a.s) AS ci_a, nps_ci(b.s) AS ci_b, b.centre AS centre_b,
           nps_diff_pvalue(a.s, b.s) AS p
      FROM groups AS a, groups AS b)
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE ci_a[2] < ci_b[1] OR ci_b[2] < ci_a[1]) AS disjoint,
       count(*) FILTER (WHERE (ci_a[2] < ci_b[1] OR ci_b[2] < ci_a[1]) AND p >= 0.05) AS disjoint_but_p_large,
       count(*) FILTER (WHERE centre_b BETWEEN ci_a[1] AND ci_a[2]) AS centre_inside,
       count(*) FILTER (WHERE centre_b BETWEEN ci_a[1] AND ci_a[2] AND p <= 0.05) AS centre_inside_but_p_small,
       round(min(p)::numeric, 9) AS min_p
  FROM pairs;

--
-- NPS needs answers on 0..10: every NPS accessor refuses a summary that
-- declares a 1..scale survey (csat_agg, ces_agg), even an empty one, and
-- works on the same counts without a scale
--
SELECT replace(a, '%1$L', 's') AS accessor, sqlstate_of(format('SELECT ' || a, 'v1 scale=5 4:10 5:31')) AS on_scale_5
  FROM unnest(ARRAY['nps(%1$L)', 'nps_ci(%1$L)', 'nps_ci(%1$L, 0.9)', 'nps_margin(%1$L)', 'nps_margin(%1$L, 0.9)',
                    'nps_diff_pvalue(%1$L, ''v1 9:1'')', 'nps_diff_pvalue(''v1 9:1'', %1$L)',
                    'promoters(%1$L)', 'passives(%1$L)', 'detractors(%1$L)']) AS a;
-- scale=10 is 1..10, not NPS; an empty summary on a scale and a state of
-- csat_agg are refused too, and the scale is checked before the confidence
SELECT c AS case, sqlstate_of('SELECT ' || q) AS error
  FROM (VALUES ('scale 10', $$nps('v1 scale=10 10:1')$$),
               ('empty on 7', $$detractors('v1 scale=7')$$),
               ('csat_agg state', $$nps(score_summary_add_csat('v1', 4))$$),
               ('bad confidence too', $$nps_ci('v1 scale=5', 2)$$)) AS v(c, q);
DO $$
BEGIN
    PERFORM nps('v1 scale=5 4:10 5:31');
EXCEPTION WHEN invalid_parameter_value THEN
    DECLARE
        hint text;
    BEGIN
        GET STACKED DIAGNOSTICS hint = PG_EXCEPTION_HINT;
        RAISE NOTICE 'hint: %', hint;
    END;
END $$;
-- scale 0: the NPS accessors read the same counts
SELECT nps(s), nps_ci(s), nps_margin(s), promoters(s), passives(s), detractors(s),
       round(nps_diff_pvalue(s, 'v1 9:1')::numeric, 9) AS p
  FROM (SELECT 'v1 4:10 5:31'::score_summary AS s) AS t;
-- the scale-agnostic accessors keep working on a declared scale
SELECT responses(s), score_counts(s), round(mean_score(s)::numeric, 10) AS mean_score, round(csat(s)::numeric, 10) AS csat, csat(s, 5) AS csat_5
  FROM (SELECT 'v1 scale=5 4:10 5:31'::score_summary AS s) AS t;
-- nps_agg and enps_agg always build 0..10 states, whatever rows they see
SELECT nps_agg(s), enps_agg(s), score_summary(s) AS state
  FROM (VALUES (4), (5), (5)) AS v(s);
SELECT sqlstate_of('SELECT score_summary_merge(''v1 9:1'', ''v1 scale=5 4:1'')') AS merge_refuses,
       nps(score_summary_merge('v1', 'v1 9:1')) AS merged_nps;

--
-- Text form: readable, versioned, re-reads to an equal value
--
SELECT s::text, s::text::score_summary::text = s::text AS rereads
  FROM (VALUES ('v1'::score_summary), ('v1 0:1 9:2 10:3'), ('  v1   5:7  '),
               ('v1 scale=5 1:2 5:3'), ('v1 10:9223372036854775807'), ('v1 3:0 4:1')) AS v(s);
SELECT sqlstate_of(format('SELECT %L::score_summary', t)) AS error
  FROM (VALUES (''), ('v'), ('1 0:1'), ('v2 0:1'), ('v1 11:1'), ('v1 5:1 3:1'), ('v1 5:1 5:1'),
               ('v1 3:-1'), ('v1 3'), ('v1 3:'), ('v1 3:1x'), ('v1 0:1 junk'), ('v10:1'),
               ('v1 3:99999999999999999999'), ('v1 9:9223372036854775807 10:1'),
               ('v1 scale=5 0:1'), ('v1 scale=5 6:1'), ('v1 scale=11'), ('v1 scale=1'),
               ('v1 2:1 scale=5'), ('v1 scale=5 scale=5')) AS v(t);

--
-- Errors: every one with its SQLSTATE and message
--
SELECT sqlstate_of('SELECT nps_agg(s) FROM (VALUES (11)) v(s)');
SELECT sqlstate_of('SELECT nps_agg(s) FROM (VALUES (-1::smallint)) v(s)');
SELECT sqlstate_of('SELECT enps_agg(s) FROM (VALUES (9223372036854775807)) v(s)');
SELECT sqlstate_of('SELECT score_summary(s) FROM (VALUES (12)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s) FROM (VALUES (0)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s) FROM (VALUES (6)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s, 10) FROM (VALUES (11)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s, 11) FROM (VALUES (1)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s, 1) FROM (VALUES (1)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s, k) FROM (VALUES (1, 5), (2, 7)) v(s, k)');
SELECT sqlstate_of('SELECT ces_agg(s) FROM (VALUES (8)) v(s)');
SELECT sqlstate_of('SELECT ces_agg(s, 5) FROM (VALUES (6)) v(s)');
SELECT sqlstate_of('SELECT nps_ci(''v1 9:1'', ' || c || ')') FROM unnest(ARRAY['0', '1', '1.5', '-0.1', '''NaN''']) AS c;
SELECT sqlstate_of('SELECT nps_margin(''v1 9:1'', 1)');
-- messages show the confidence exactly, not rounded (1.0000001 is not 1)
SELECT sqlstate_of('SELECT nps_ci(''v1 9:1'', 1.0000001)');
SELECT sqlstate_of('SELECT nps_margin(''v1 9:1'', -1e-300)');
SELECT sqlstate_of('SELECT csat(''v1 0:1 5:1'')');
SELECT sqlstate_of('SELECT csat(''v1 5:1 9:1'', 7)');
SELECT sqlstate_of('SELECT csat(''v1 5:1'', 11)');
-- counts never wrap around
SELECT sqlstate_of('SELECT score_summary_add(''v1 10:9223372036854775807''::score_summary, 5)');
SELECT sqlstate_of('SELECT rollup(s) FROM (VALUES (''v1 1:9223372036854775800''::score_summary), (''v1 2:8'')) v(s)');
SELECT score_summary_add('v1 10:9223372036854775806'::score_summary, 5) AS at_the_limit;
-- scales cannot be mixed in one summary
SELECT sqlstate_of('SELECT score_summary_merge(''v1 scale=5 5:1'', ''v1 scale=7 7:1'')');
SELECT sqlstate_of('SELECT score_summary_merge(''v1 5:1'', ''v1 scale=7 7:1'')');
SELECT score_summary_merge('v1', 'v1 scale=7 7:1') AS empty_adopts_scale,
       score_summary_merge('v1 scale=5 4:1', 'v1') AS empty_changes_nothing;

--
-- State functions called by hand work on a copy and check their input
--
SELECT score_summary_add('v1 9:1'::score_summary, 9::smallint) AS added,
       score_summary_add('v1'::score_summary, 3, 5) AS added_on_scale,
       score_summary_add_csat('v1'::score_summary, 4::bigint) AS csat_state,
       score_summary_remove('v1 9:2'::score_summary, 9) AS removed,
       score_summary_unmerge('v1 1:2 9:2', 'v1 9:1') AS unmerged;
SELECT sqlstate_of('SELECT score_summary_remove(''v1 9:2''::score_summary, 5)');
SELECT sqlstate_of('SELECT score_summary_remove(''v1 9:2''::score_summary, 11)');
SELECT sqlstate_of('SELECT score_summary_unmerge(''v1 9:2'', ''v1 9:3'')');
SELECT sqlstate_of('SELECT score_summary_add(''v1 9:1''::score_summary, 3, 0)');
WITH s AS (SELECT 'v1 9:1'::score_summary AS v)
SELECT score_summary_add(v, 10) AS result, v AS input_unchanged FROM s;

--
-- Two-step aggregation: daily summaries rolled up equal the one-step result
--
CREATE TABLE survey AS
SELECT i AS id, i % 30 AS day, (ARRAY['chat', 'phone', 'email'])[1 + i % 3] AS channel,
       CASE WHEN i % 17 = 0 THEN NULL ELSE ((i * 7) + (i / 13)) % 11 END AS score,
       1 + (i * 3 + i / 7) % 5 AS csat, 1 + (i * 5 + i / 11) % 7 AS ces
  FROM generate_series(1, 20000) AS i;
CREATE TABLE daily AS
SELECT day, channel, score_summary(score) AS s FROM survey GROUP BY day, channel;

SELECT (SELECT rollup(s) FROM daily)::text = (SELECT score_summary(score) FROM survey)::text AS same_summary,
       (SELECT nps(rollup(s)) FROM daily) = (SELECT nps_agg(score) FROM survey) AS same_nps,
       (SELECT nps_agg(score) FROM survey) =
       (SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score)
          FROM survey)::float8 AS matches_hand_written;
SELECT d.channel, d.nps = o.nps AS same_nps, d.summary = o.summary AS same_summary
  FROM (SELECT channel, nps(rollup(s)) AS nps, rollup(s)::text AS summary FROM daily GROUP BY channel) AS d
  JOIN (SELECT channel, nps_agg(score) AS nps, score_summary(score)::text AS summary FROM survey GROUP BY channel) AS o
 USING (channel)
 ORDER BY channel;

--
-- Forced parallel plans: Partial Aggregate, and the same answers as serial
--
CREATE TEMP TABLE serial_results AS
SELECT score_summary(score)::text AS summary, nps_agg(score) AS nps, enps_agg(score::bigint) AS enps,
       csat_agg(csat) AS csat, csat_agg(csat::smallint, 5) AS csat_5, ces_agg(ces) AS ces,
       ces_agg(ces, 7) AS ces_7,
       (SELECT rollup(s)::text FROM daily) AS rolled_up
  FROM survey;
CREATE TEMP TABLE serial_groups AS
SELECT channel, score_summary(score)::text AS summary, nps_agg(score) AS nps FROM survey GROUP BY channel;

SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;

EXPLAIN (COSTS OFF) SELECT nps_agg(score) FROM survey;
EXPLAIN (COSTS OFF) SELECT rollup(s) FROM daily;
SELECT (SELECT row(r.*)::text FROM serial_results r) =
       (SELECT row(score_summary(score)::text, nps_agg(score), enps_agg(score::bigint),
                   csat_agg(csat), csat_agg(csat::smallint, 5), ces_agg(ces), ces_agg(ces, 7),
                   (SELECT rollup(s)::text FROM daily))::text
          FROM survey) AS parallel_equals_serial;
SELECT count(*) AS groups_differing
  FROM serial_groups g
  FULL JOIN (SELECT channel, score_summary(score)::text AS summary, nps_agg(score) AS nps
               FROM survey GROUP BY channel) AS p USING (channel)
 WHERE g.summary IS DISTINCT FROM p.summary OR g.nps IS DISTINCT FROM p.nps;

RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

--
-- Rolling windows (inverse transitions) equal recomputing every frame
--
SELECT count(*) AS rows_checked,
       count(*) FILTER (WHERE w.nps IS DISTINCT FROM r.nps
                           OR w.csat IS DISTINCT FROM r.csat
                           OR w.ces IS DISTINCT FROM r.ces
                           OR w.summary::text IS DISTINCT FROM r.summary::text) AS rows_differing
  FROM (SELECT id,
               nps_agg(score) OVER f AS nps, csat_agg(csat, 5) OVER f AS csat,
               ces_agg(ces) OVER f AS ces, score_summary(score) OVER f AS summary
          FROM survey WHERE id <= 3000
        WINDOW f AS (ORDER BY id ROWS 29 PRECEDING)) AS w
  JOIN LATERAL (SELECT nps_agg(score) AS nps, csat_agg(csat, 5) AS csat, ces_agg(ces) AS ces,
                       score_summary(score) AS summary
                  FROM survey WHERE id BETWEEN w.id - 29 AND w.id) AS r ON true;
-- a rolling 7-day NPS from daily summaries
SELECT count(*) AS days, count(*) FILTER (WHERE rolling <> recomputed) AS days_differing
  FROM (SELECT rollup(s) OVER (ORDER BY day ROWS 6 PRECEDING)::text AS rolling,
               (SELECT score_summary(score) FROM survey v WHERE v.day BETWEEN d.day - 6 AND d.day)::text AS recomputed
          FROM (SELECT day, rollup(s) AS s FROM daily GROUP BY day) AS d) AS w;
-- a frame that holds only NULL answers gives NULL again
SELECT id, score, nps_agg(score) OVER (ORDER BY id ROWS 1 PRECEDING),
       score_summary(score) OVER (ORDER BY id ROWS 1 PRECEDING)
  FROM (VALUES (1, 9), (2, NULL), (3, NULL), (4, 0)) AS v(id, score)
 ORDER BY id;

--
-- Equality (1.1): = and <> compare what a summary holds, and a hash class
-- makes DISTINCT, UNION, GROUP BY and hash joins work; summaries have no
-- order, so there is no btree class
--
-- the same answers added in either order, or rolled up from parts, are one
-- value with one hash; an empty summary forgets the scale it adopted
-- (whatever is added to it brings its own), so emptied states are 'v1';
-- answers on a declared scale are not the same as answers on 0..10
CREATE TABLE eq_scores (label text, s score_summary);
INSERT INTO eq_scores VALUES
    ('forward', (SELECT score_summary(score ORDER BY id) FROM survey WHERE id <= 500)),
    ('backward', (SELECT score_summary(score ORDER BY id DESC) FROM survey WHERE id <= 500)),
    ('rolled up', (SELECT rollup(s ORDER BY k DESC) FROM (SELECT id % 7 AS k, score_summary(score) AS s
                                                           FROM survey WHERE id <= 500 GROUP BY id % 7) AS parts)),
    ('one more', (SELECT score_summary(score) FROM survey WHERE id <= 501)),
    ('empty', 'v1'),
    ('emptied csat', score_summary_remove(score_summary_add_csat('v1', 4), 4)),
    ('emptied ces', score_summary_unmerge('v1 scale=7 2:3', 'v1 scale=7 2:3')),
    ('csat 4', 'v1 scale=5 4:1'),
    ('nps 4', 'v1 4:1'),
    ('null', NULL);
SELECT label, s::text FROM eq_scores ORDER BY label;
SELECT * FROM equality_matrix('eq_scores');
-- NULL compares as NULL
SELECT NULL::score_summary = 'v1' AS eq_null, 'v1'::score_summary <> NULL AS ne_null,
       score_summary_hash(NULL) AS hash_null;
SELECT * FROM equality_laws('eq_scores');
-- the planner hashes: GROUP BY and DISTINCT by hashing, joins as hash joins,
-- and tables partition by hash
EXPLAIN (COSTS OFF) SELECT DISTINCT s FROM eq_scores;
SELECT * FROM hash_join_pairs('eq_scores');
CREATE TABLE eq_scores_by_hash (s score_summary) PARTITION BY HASH (s);
CREATE TABLE eq_scores_by_hash_0 PARTITION OF eq_scores_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE eq_scores_by_hash_1 PARTITION OF eq_scores_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO eq_scores_by_hash SELECT s FROM eq_scores WHERE s IS NOT NULL;
SELECT count(DISTINCT tableoid) = 1 AS equal_summaries_share_a_partition
  FROM eq_scores_by_hash WHERE s = 'v1';
-- an answer that a longer survey could give says how to declare the scale;
-- one no survey could give does not
SELECT csat_agg(s) FROM (VALUES (7), (10)) v(s);
SELECT ces_agg(s) FROM (VALUES (9)) v(s);
SELECT csat_agg(s) FROM (VALUES (11)) v(s);
-- numeric answers count when they are whole numbers, as imported columns hold them
SELECT nps_agg(s), csat_agg(s, 10), score_summary(s)::text
  FROM (VALUES (9.0), (10), (3.00), (NULL::numeric)) v(s);
SELECT nps_agg(s::numeric) = nps_agg(s) AS same_as_integer FROM generate_series(0, 10) s;
SELECT sqlstate_of('SELECT nps_agg(s) FROM (VALUES (9.5)) v(s)');
SELECT sqlstate_of($$SELECT csat_agg(s) FROM (VALUES ('NaN'::numeric)) v(s)$$);
SELECT sqlstate_of($$SELECT ces_agg(s) FROM (VALUES ('Infinity'::numeric)) v(s)$$);
SELECT sqlstate_of('SELECT nps_agg(s) FROM (VALUES (1e30)) v(s)');
SELECT sqlstate_of('SELECT csat_agg(s) FROM (VALUES (6.000)) v(s)');
SELECT nps_agg(s) FROM (VALUES (9.5)) v(s);
-- text answers, as CSV imports leave them, count when they hold whole numbers;
-- a literal call resolves to them
SELECT nps_agg('9') AS literal, nps_agg(s), csat_agg(s, 10), score_summary(s)::text
  FROM (VALUES ('9'), (' 10 '), ('3.0'), ('+7'), (NULL)) v(s);
SELECT nps_agg(s::text) = nps_agg(s) AS same_as_integer FROM generate_series(0, 10) s;
SELECT t, sqlstate_of(format('SELECT nps_agg(%L::text)', t))
  FROM (VALUES (''), ('nine'), ('9,0'), ('9.5'), ('-1'), ('11'), ('1e1'), ('99999999999999999999'), ('.')) v(t);
SELECT csat_agg(s) FROM (VALUES ('')) v(s);
