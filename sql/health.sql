--
-- Health: the health_score type, its constructor and aggregate, score,
-- band, component, ->, components, kpi_scale, comparison and classes.
--
SET extra_float_digits = 0;

-- usage 80 (weight 2), nps 65.5 (weight 1), support 20 (weight 1):
-- score = (80 * 2 + 65.5 * 1 + 20 * 1) / (2 + 1 + 1) = 245.5 / 4 = 61.375,
-- yellow with the default thresholds 50 and 75; the contributions are
-- 80 * 2 / 4 = 40, 65.5 / 4 = 16.375 and 20 / 4 = 5, adding up to 61.375.
SELECT h, score(h), band(h), h -> 'nps' AS nps, component(h, 'usage') AS usage, h -> 'missing' AS missing
  FROM (SELECT health_score(ARRAY['usage', 'nps', 'support'], ARRAY[80, 65.5, 20], ARRAY[2, 1, 1]) AS h) AS t;
SELECT c.*, sum(contribution) OVER () AS total
  FROM components(health_score(ARRAY['usage', 'nps', 'support'], ARRAY[80, 65.5, 20], ARRAY[2, 1, 1])) AS c;
-- weights are relative: 2, 1, 1 and 0.5, 0.25, 0.25 give the same score
SELECT score(health_score(ARRAY['a', 'b', 'c'], ARRAY[80, 65.5, 20], ARRAY[0.5, 0.25, 0.25])) AS same_score,
       score(health_score(ARRAY['a', 'b'], ARRAY[100, 0], ARRAY[1e300, 1e300])) AS huge_weights,
       score(health_score(ARRAY['only'], ARRAY[42.5], ARRAY[7])) AS single;

-- The aggregate builds the same value from long-format rows, in any order;
-- rows with a NULL are skipped; no rows give NULL.
CREATE TABLE metrics (account int, name text, value float8, weight float8);
INSERT INTO metrics VALUES
    (1, 'usage', 80, 2), (1, 'nps', 65.5, 1), (1, 'support', 20, 1),
    (2, 'support', 90, 1), (2, 'usage', 30, 2), (2, 'nps', NULL, 1),
    (3, 'usage', 100, 1);
SELECT account, h, score(h), band(h)
  FROM (SELECT account, health_score_agg(name, value, weight) AS h FROM metrics GROUP BY account) AS t
 ORDER BY account;
SELECT health_score_agg(name, value, weight) =
       health_score(ARRAY['usage', 'nps', 'support'], ARRAY[80, 65.5, 20], ARRAY[2, 1, 1]) AS agg_equals_constructor
  FROM (SELECT * FROM metrics WHERE account = 1 ORDER BY name DESC) AS m;
SELECT health_score_agg(name, value, weight) AS no_rows FROM metrics WHERE account > 10;

-- Bands: red below yellow_from, yellow below green_from, green from there,
-- exactly at the thresholds
SELECT v AS score, band(health_score(ARRAY['x'], ARRAY[v], ARRAY[1])) AS default_band,
       band(health_score(ARRAY['x'], ARRAY[v], ARRAY[1]), 40, 60) AS band_40_60
  FROM unnest(ARRAY[0, 39.999999, 40, 49.999999, 50, 59.999999, 60, 74.999999, 75, 100]::float8[]) AS v;
-- the settings, per session
SHOW kpi_ext.health_yellow_from;
SHOW kpi_ext.health_green_from;
SET kpi_ext.health_yellow_from = 60;
SET kpi_ext.health_green_from = 90;
SELECT band(health_score(ARRAY['x'], ARRAY[v], ARRAY[1])) FROM unnest(ARRAY[59.9, 60, 89.9, 90]::float8[]) AS v;
SET kpi_ext.health_green_from = 55;
SELECT sqlstate_of($$SELECT band(health_score(ARRAY['x'], ARRAY[70], ARRAY[1]))$$);
RESET kpi_ext.health_yellow_from;
RESET kpi_ext.health_green_from;
SELECT band(health_score(ARRAY['x'], ARRAY[50], ARRAY[1])) AS after_reset;
SELECT sqlstate_of($$SET kpi_ext.health_yellow_from = 101$$);
SELECT sqlstate_of($$SET kpi_ext.health_green_from = -1$$);
SELECT sqlstate_of($$SELECT band(health_score(ARRAY['x'], ARRAY[70], ARRAY[1]), 80, 60)$$);
SELECT sqlstate_of($$SELECT band(health_score(ARRAY['x'], ARRAY[70], ARRAY[1]), -1, 60)$$);

-- kpi_scale: low maps to 0, high to 100, clamped; low > high for metrics
-- where less is better (open tickets: 0 is best, 10 or more is worst)
SELECT kpi_scale(3, 0, 10) AS logins_3_of_10, kpi_scale(15, 0, 10) AS clamped_high, kpi_scale(-5, 0, 10) AS clamped_low,
       kpi_scale(2, 10, 0) AS tickets_2, kpi_scale(12, 10, 0) AS tickets_12, kpi_scale(1e308, -1e308, 1e308) AS huge;
SELECT sqlstate_of($$SELECT kpi_scale(5, 3, 3)$$);
SELECT sqlstate_of($$SELECT kpi_scale('NaN', 0, 10)$$);
SELECT sqlstate_of($$SELECT kpi_scale(1, '-Infinity', 10)$$);

-- Text form: re-reads to an equal value; names that are not plain are quoted
SELECT t::health_score AS value, t::health_score::text::health_score = t::health_score AS rereads
  FROM (VALUES ('v1 usage=80 weight=2'),
               ('  v1   b = 1e-3 weight=0.1 ,  "a b"=100 weight=1e10 ,"x""y"=0 weight=3  '),
               ('v1 "Product usage"=55.25 weight=1, _x9=-0 weight=1'),
               ('v1 z=33.333333333333336 weight=0.1')) AS v(t);
SELECT t AS input, sqlstate_of(format('SELECT %L::health_score', t)) AS error
  FROM (VALUES (''), ('v1'), ('v1 '), ('v2 a=1 weight=1'), ('v1 a=1'), ('v1 a=1 weight='), ('v1 a weight=1'),
               ('v1 9a=1 weight=1'), ('v1 a=1 weight=1,'), ('v1 a=1 weight=1 b=2 weight=1'),
               ('v1 a=NaN weight=1'), ('v1 a=inf weight=1'), ('v1 a=0x10 weight=1'), ('v1 a=1e999 weight=1'),
               ('v1 a=120 weight=1'), ('v1 a=-0.5 weight=1'), ('v1 a=1 weight=0'), ('v1 a=1 weight=-2'),
               ('v1 a=1 weight=1, a=2 weight=1'), ('v1 ""=1 weight=1'), ('v1 "unterminated=1 weight=1'),
               ('v1 a=1 weight=1 trailing')) AS v(t);
-- Names print unquoted only when they are ASCII letters, digits and _, not
-- starting with a digit, in every locale (test/t/016_locale_text.pl); any
-- other name is quoted and re-reads exactly, names that differ in case or
-- in the dot on the i apart
SELECT h AS value, h::text::health_score = h AS rereads,
       (SELECT string_agg(name || '=' || value, ' ' ORDER BY value) FROM components(h)) AS names
  FROM (SELECT health_score(ARRAY['Iİıi', 'I', 'İ', 'ı', 'i', 'kepuasan_pelanggan', 'ÇağrıMerkezi', 'Churn', 'churn',
                                  'é', 'x9', '9x', '_', 'a-b'],
                            ARRAY[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], ARRAY[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]) AS h) AS t;
-- input also takes bytes above 127 unquoted, as 1.0 printed non-ASCII
-- letters in single-byte locales; the name ends at the first other character
SELECT t::health_score AS value,
       t::health_score = 'v1 "Iİıi"=10 weight=1, "ÇağrıMerkezi"=20 weight=2, "é_9"=30 weight=1'::health_score AS same
  FROM (VALUES ('v1 Iİıi=10 weight=1, ÇağrıMerkezi=20 weight=2, é_9=30 weight=1'),
               ('v1 "Iİıi"=10 weight=1,ÇağrıMerkezi =20 weight=2,é_9= 30 weight=1')) AS v(t);
SELECT t AS input, sqlstate_of(format('SELECT %L::health_score', t)) AS error
  FROM (VALUES ('v1 9é=1 weight=1'), ('v1 é-x=1 weight=1'), ('v1 İ ı=1 weight=1')) AS v(t);
SELECT sqlstate_of(format('SELECT %L::health_score', 'v1 ' || string_agg('c' || i || '=1 weight=1', ', '))) AS error_33_components
  FROM generate_series(1, 33) AS i;
SELECT sqlstate_of(format('SELECT %L::health_score', 'v1 ' || repeat('n', 64) || '=1 weight=1')) AS error_long_name;
-- subnormal values and weights, which float8 accepts, re-read; an underflow
-- to zero is still out of range (found by fuzzing)
SELECT h AS value, h::text::health_score = h AS rereads
  FROM (SELECT health_score_agg(name, value, weight) AS h
          FROM (VALUES ('a', 1e-310, 1), ('b', 50, 5e-324)) AS v(name, value, weight)) AS t;
SELECT sqlstate_of($$SELECT 'v1 a=1e-400 weight=1'::health_score$$) AS error_underflow;

-- Constructor and aggregate errors
SELECT sqlstate_of($$SELECT health_score(ARRAY['a', 'b'], ARRAY[1], ARRAY[1, 1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a', 'a'], ARRAY[1, 2], ARRAY[1, 1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[101], ARRAY[1])$$);
-- messages show values exactly, not rounded (100.0000001 is not 100)
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[100.0000001], ARRAY[1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[1], ARRAY[-1e-300])$$);
SELECT sqlstate_of($$SELECT band(health_score(ARRAY['x'], ARRAY[70], ARRAY[1]), 60.000000000000014, 60.00000000000001)$$);
SELECT sqlstate_of($$SELECT kpi_scale(5, 0.30000000000000004, 0.30000000000000004)$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY['NaN'::float8], ARRAY[1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[1], ARRAY[0])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[1], ARRAY['Infinity'::float8])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a', NULL], ARRAY[1, 2], ARRAY[1, 1])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY['a'], ARRAY[NULL::float8], ARRAY[1])$$);
SELECT sqlstate_of($$SELECT health_score('{}', '{}', '{}')$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY[['a']], ARRAY[[1]], ARRAY[[1]])$$);
SELECT sqlstate_of($$SELECT health_score(ARRAY[''], ARRAY[1], ARRAY[1])$$);
SELECT sqlstate_of($$SELECT health_score_agg(name, value, weight) FROM (VALUES ('a', 1, 1), ('a', 2, 1)) AS v(name, value, weight)$$);
SELECT sqlstate_of($$SELECT health_score_agg(name, value, weight) FROM (VALUES ('a', 1, 1), ('b', 200, 1)) AS v(name, value, weight)$$);
SELECT sqlstate_of($$SELECT health_score_merge('v1 a=1 weight=1', 'v1 a=2 weight=1')$$);

--
-- Comparison and operator classes.  Order: by score, then component by
-- component (name, value, weight), then the number of components.
--
CREATE TABLE accounts AS
SELECT i AS id,
       health_score(ARRAY['usage', 'nps', 'support'],
                    ARRAY[(i * 37) % 101, (i * 53) % 101, (i * 71) % 101]::float8[],
                    ARRAY[1 + i % 3, 1, 1 + i % 2]::float8[]) AS h
  FROM generate_series(1, 3000) AS i;
-- equal scores of different components are told apart, not merged
SELECT a < b AS lt, a = b AS eq, a > b AS gt, score(a) = score(b) AS same_score
  FROM (SELECT 'v1 a=50 weight=1'::health_score AS a, 'v1 b=50 weight=1'::health_score AS b) AS t;
SELECT 'v1 a=50 weight=1'::health_score = 'v1 a=50 weight=1.0'::health_score AS same_value_same_weight,
       'v1 a=0 weight=1'::health_score = 'v1 a=-0 weight=1'::health_score AS minus_zero_is_zero,
       'v1 a=50 weight=1, b=50 weight=1'::health_score = 'v1 b=50 weight=1, a=50 weight=1'::health_score AS order_free,
       'v1 a=50 weight=1'::health_score <> 'v1 a=50 weight=2'::health_score AS weight_matters;
-- sorting agrees with the score and with cmp; = agrees with cmp = 0
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE (a.h < b.h) <> (health_score_cmp(a.h, b.h) < 0)) AS lt_disagrees,
       count(*) FILTER (WHERE (a.h = b.h) <> (health_score_cmp(a.h, b.h) = 0)) AS eq_disagrees,
       count(*) FILTER (WHERE health_score_cmp(a.h, b.h) <> -health_score_cmp(b.h, a.h)) AS not_antisymmetric,
       count(*) FILTER (WHERE score(a.h) < score(b.h) AND NOT a.h < b.h) AS score_order_broken,
       count(*) FILTER (WHERE a.h = b.h AND health_score_hash(a.h) <> health_score_hash(b.h)) AS hash_disagrees
  FROM accounts AS a JOIN accounts AS b ON b.id BETWEEN a.id - 30 AND a.id + 30;
SELECT count(*) AS unsorted_neighbours
  FROM (SELECT h, lag(h) OVER (ORDER BY h) AS previous FROM accounts) AS t
 WHERE previous > h OR score(previous) > score(h);
-- GROUP BY and DISTINCT by hashing and by sorting agree
INSERT INTO accounts SELECT id + 3000, h FROM accounts WHERE id % 3 = 0;
SET enable_sort = off;
SET enable_hashagg = on;
CREATE TEMP TABLE hashed AS SELECT h::text AS h, count(*) AS n FROM accounts GROUP BY h;
EXPLAIN (COSTS OFF) SELECT h, count(*) FROM accounts GROUP BY h;
RESET enable_sort;
SET enable_hashagg = off;
CREATE TEMP TABLE sorted AS SELECT h::text AS h, count(*) AS n FROM accounts GROUP BY h;
EXPLAIN (COSTS OFF) SELECT h, count(*) FROM accounts GROUP BY h;
RESET enable_hashagg;
SELECT (SELECT count(*) FROM hashed) AS groups, (SELECT sum(n) FROM hashed) AS rows_grouped,
       NOT EXISTS (SELECT * FROM hashed EXCEPT SELECT * FROM sorted) AND
       NOT EXISTS (SELECT * FROM sorted EXCEPT SELECT * FROM hashed) AS hash_equals_sort,
       (SELECT count(DISTINCT h) FROM accounts) AS distinct_values;
-- a hash join and a merge join find the same pairs
SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM accounts a JOIN accounts b ON a.h = b.h;
SELECT count(*) AS hash_join_pairs FROM accounts a JOIN accounts b ON a.h = b.h;
RESET enable_mergejoin;
SET enable_hashjoin = off;
SELECT count(*) AS merge_join_pairs FROM accounts a JOIN accounts b ON a.h = b.h;
RESET enable_hashjoin;
RESET enable_nestloop;
-- an index scan finds what a sequential scan finds
CREATE INDEX accounts_h ON accounts (h);
ANALYZE accounts;
CREATE TEMP TABLE probe AS SELECT h FROM accounts WHERE id IN (7, 1500, 2999);
SET enable_seqscan = off;
SET enable_bitmapscan = off;
-- the plan's top node, read from EXPLAIN's JSON so that it does not depend
-- on how a PostgreSQL version prints sub-plans
CREATE FUNCTION plan_top(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
    RETURN concat_ws(' using ', plan->0->'Plan'->>'Node Type', plan->0->'Plan'->>'Index Name');
END $$;
SELECT plan_top('SELECT id FROM accounts WHERE h > (SELECT h FROM probe LIMIT 1)');
CREATE TEMP TABLE by_index AS
SELECT p.h::text AS probe, (SELECT count(*) FROM accounts a WHERE a.h = p.h) AS equal,
       (SELECT count(*) FROM accounts a WHERE a.h < p.h) AS below,
       (SELECT string_agg(id::text, ',') FROM (SELECT id FROM accounts ORDER BY h, id LIMIT 20) AS f) AS first_ids
  FROM probe AS p;
RESET enable_seqscan;
RESET enable_bitmapscan;
SET enable_indexscan = off;
SET enable_indexonlyscan = off;
SET enable_bitmapscan = off;
SELECT count(*) AS probes,
       count(*) FILTER (WHERE i.equal = s.equal AND i.below = s.below AND i.first_ids = s.first_ids) AS same_as_seqscan
  FROM by_index AS i
  JOIN LATERAL (SELECT (SELECT count(*) FROM accounts a WHERE a.h = i.probe::health_score) AS equal,
                       (SELECT count(*) FROM accounts a WHERE a.h < i.probe::health_score) AS below,
                       (SELECT string_agg(id::text, ',') FROM (SELECT id FROM accounts ORDER BY h, id LIMIT 20) AS f) AS first_ids) AS s
    ON true;
RESET enable_indexscan;
RESET enable_indexonlyscan;
RESET enable_bitmapscan;

-- Forced parallel plans give the serial answer
CREATE TABLE long_metrics AS
SELECT i % 500 AS account, 'metric_' || (i / 500) AS name, ((i * 7919) % 1001) / 10.0 AS value, 1 + (i % 3) AS weight
  FROM generate_series(0, 14999) AS i;
CREATE TEMP TABLE serial AS
SELECT account, health_score_agg(name, value, weight)::text AS h FROM long_metrics GROUP BY account;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT account, health_score_agg(name, value, weight) FROM long_metrics GROUP BY account;
SELECT count(*) AS accounts, count(*) FILTER (WHERE s.h = p.h) AS equal_to_serial
  FROM serial AS s
  JOIN (SELECT account, health_score_agg(name, value, weight)::text AS h FROM long_metrics GROUP BY account) AS p USING (account);
RESET enable_hashagg;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

--
-- The hash class's 64-bit hash from a seed (1.1), which hash partitioning
-- needs: with seed 0 its low bits are health_score_hash's, as hash classes
-- require; another seed gives another hash; equal scores hash alike
--
SELECT count(*) AS scores,
       bool_and(health_score_hash(h)::bit(32) = health_score_hash_extended(h, 0)::bit(32)) AS low_bits_agree,
       bool_and(health_score_hash_extended(h, 0) <> health_score_hash_extended(h, 1)) AS seeds_differ
  FROM accounts;
SELECT health_score_hash_extended('v1 a=1 weight=1, b=-0 weight=2', 7) =
       health_score_hash_extended(health_score(ARRAY['b', 'a'], ARRAY[0, 1], ARRAY[2, 1]), 7) AS equal_scores_hash_alike;
CREATE TABLE health_by_hash (h health_score) PARTITION BY HASH (h);
CREATE TABLE health_by_hash_0 PARTITION OF health_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE health_by_hash_1 PARTITION OF health_by_hash FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO health_by_hash SELECT h FROM accounts;
SELECT count(*) AS scores, count(DISTINCT tableoid) AS partitions,
       (SELECT count(*) FROM (SELECT h FROM health_by_hash GROUP BY h HAVING count(DISTINCT tableoid) > 1) AS g) AS split
  FROM health_by_hash;
