-- How fast any aggregate could be at 100,000 groups of 30 handling times:
-- every way to group the rows, with no aggregate, count(*) and
-- median_duration, against percentile_cont, in both plan shapes (hash
-- aggregate; sort and group aggregate, percentile_cont's), at three work_mem
-- settings and on input already in group order.  test/bench/run.sh runs it
-- with a third argument: bash test/bench/run.sh 10000000 5 ceiling
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION kpi_ext;
CREATE EXTENSION pg_prewarm;
SET max_parallel_workers_per_gather = 0;

-- the rows of bench.sql's groups of 30, and the same rows in group order
CREATE TABLE waits AS
SELECT i AS id, i % (:rows::bigint / 100) AS account,
       make_interval(secs => round(exp(((i * 2246822519) % 1000003) / 1000003.0 * ln(57600))::numeric, 3)::float8) AS wait
  FROM generate_series(1, :rows::bigint * 3 / 10) AS i;
CREATE TABLE waits_in_order AS SELECT * FROM waits ORDER BY account, id;
VACUUM ANALYZE waits;
VACUUM ANALYZE waits_in_order;
SELECT pg_prewarm('waits') >= 0 AND pg_prewarm('waits_in_order') >= 0 AS warmed \gset

CREATE TEMP TABLE ceiling_case (id serial PRIMARY KEY, what text, input text, work_mem text, hash bool, query text, plan text);
INSERT INTO ceiling_case (what, input, work_mem, hash, query)
SELECT q.what, t.input, m.setting, h, format(q.query, t.tab)
  FROM (VALUES (1, 'no aggregate', 'SELECT account FROM %I GROUP BY account'),
               (2, 'count(*)', 'SELECT account, count(*) FROM %I GROUP BY account'),
               (3, 'median_duration', 'SELECT account, median_duration(wait) FROM %I GROUP BY account'),
               (4, 'percentile_cont', 'SELECT account, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) FROM %I GROUP BY account'))
       AS q(k, what, query),
       (VALUES (1, 'waits', 'shuffled'), (2, 'waits_in_order', 'in order')) AS t(k, tab, input),
       unnest(ARRAY['64MB', '256MB', '1GB']) WITH ORDINALITY AS m(setting, k), unnest(ARRAY[true, false]) AS h
 -- percentile_cont has one plan, sort and group aggregate
 WHERE q.what <> 'percentile_cont' OR NOT h
 ORDER BY t.k, m.k, q.k, h DESC;

CREATE TEMP TABLE ceiling_time (case_id int, ms float8);
SELECT set_config('bench.repetitions', :'repetitions', false) IS NOT NULL AS set \gset
DO $$
DECLARE
    c record;
    started timestamptz;
    explained json;
BEGIN
    -- the plan each case gets: its top node, and hashed or sorted
    FOR c IN SELECT * FROM ceiling_case ORDER BY id LOOP
        PERFORM set_config('work_mem', c.work_mem, false);
        PERFORM set_config('enable_hashagg', c.hash::text, false);
        EXECUTE 'EXPLAIN (FORMAT JSON) ' || c.query INTO explained;
        UPDATE ceiling_case SET plan = concat_ws(' ', explained -> 0 -> 'Plan' ->> 'Node Type', explained -> 0 -> 'Plan' ->> 'Strategy')
         WHERE id = c.id;
    END LOOP;
    FOR repetition IN 1 .. current_setting('bench.repetitions')::int LOOP
        FOR c IN SELECT * FROM ceiling_case ORDER BY id LOOP
            PERFORM set_config('work_mem', c.work_mem, false);
            PERFORM set_config('enable_hashagg', c.hash::text, false);
            started := clock_timestamp();
            EXECUTE c.query;
            INSERT INTO ceiling_time VALUES (c.id, 1000 * extract(epoch FROM clock_timestamp() - started));
        END LOOP;
    END LOOP;
END $$;
RESET work_mem;
RESET enable_hashagg;

\echo
\echo 'Groups of 30: median time per case (ms), and percentile_cont on the same input with the same work_mem divided by it'
WITH medians AS (
    SELECT c.*, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS ms
      FROM ceiling_case AS c JOIN ceiling_time AS t ON t.case_id = c.id
     GROUP BY c.id)
SELECT m.input, m.work_mem, m.what, m.plan,
       round(m.ms::numeric) AS median_ms, round((p.ms / m.ms)::numeric, 2) AS "percentile_cont / this"
  FROM medians AS m
  JOIN medians AS p ON p.what = 'percentile_cont' AND p.input = m.input AND p.work_mem = m.work_mem
 ORDER BY m.id;
