--
-- Scale-out: every aggregate gives the serial answer under forced parallel
-- plans, partitionwise aggregation (full, with the partition key in GROUP
-- BY, and partial, without it) and both together; and every summary's
-- partial states survive the trip through text that a distributed
-- coordinator makes.  A new aggregate needs one line in scaleout_cases, or
-- the catalog check below fails.
--
SET extra_float_digits = 0;

CREATE TABLE events (
    id int, month date, score int, csat int, ces int, flag boolean, contacts int,
    actual interval, target interval, clicks bigint, impressions bigint,
    active_from timestamptz, churned_at timestamptz, response interval,
    customer int, amount numeric, purchased_at timestamptz, prev_mrr numeric, curr_mrr numeric,
    metric text, value float8, weight float8, bucket int, account int
) PARTITION BY LIST (month);
CREATE TABLE events_jan PARTITION OF events FOR VALUES IN ('2025-01-01');
CREATE TABLE events_feb PARTITION OF events FOR VALUES IN ('2025-02-01');
CREATE TABLE events_mar PARTITION OF events FOR VALUES IN ('2025-03-01');
CREATE TABLE events_apr PARTITION OF events FOR VALUES IN ('2025-04-01');
INSERT INTO events
SELECT i, date '2025-01-01' + (i % 4) * interval '1 month',
       CASE WHEN i % 31 = 0 THEN NULL ELSE (i * 7919) % 11 END,
       1 + (i * 104729) % 5, 1 + (i * 1299709) % 7,
       CASE WHEN i % 37 = 0 THEN NULL ELSE (i * 31) % 10 < 3 END,
       1 + (i * 17) % 4,
       make_interval(secs => (i * 13) % 120), make_interval(secs => 15 + (i % 3) * 45),
       (i * 7) % 50, 50 + (i * 11) % 200,
       timestamptz '2024-01-01 00:00+00' + ((i * 7919) % 700) * interval '1 day',
       CASE WHEN i % 5 = 0 THEN timestamptz '2024-01-01 00:00+00' + ((i * 7919) % 700 + 30 + i % 300) * interval '1 day' END,
       make_interval(secs => round(exp(((i * 2654435761) % 1000003) / 1000003.0 * 12)::numeric, 3)::float8),
       (i * 7919) % 3000, ((i * 104729) % 100000 - 5000) / 100.0,
       timestamptz '2024-01-01 00:00+00' + ((i * 2654435761) % 63072000) * interval '1 second',
       ((i * 13) % 500)::numeric, CASE WHEN i % 9 = 0 THEN NULL ELSE ((i * 17) % 600)::numeric END,
       'm' || (i % 20), ((i * 7919) % 1001) / 10.0, 1 + i % 3, i % 7, i / 20
  FROM generate_series(1, 20000::bigint) AS i;
ANALYZE events;

-- Stored summaries, for rollup: 1,000, so that the planner splits rollup as
-- it splits the other aggregates (on a few rows it aggregates serially).
CREATE TABLE summaries (month date, bucket int, s score_summary, r rate_summary, d duration_summary,
                        c clv_summary, m mrr_summary, f sentiment_summary) PARTITION BY LIST (month);
CREATE TABLE summaries_jan PARTITION OF summaries FOR VALUES IN ('2025-01-01');
CREATE TABLE summaries_feb PARTITION OF summaries FOR VALUES IN ('2025-02-01');
CREATE TABLE summaries_mar PARTITION OF summaries FOR VALUES IN ('2025-03-01');
CREATE TABLE summaries_apr PARTITION OF summaries FOR VALUES IN ('2025-04-01');
INSERT INTO summaries
SELECT month, id % 50, score_summary(score), rate_summary(flag), duration_summary(response),
       clv_summary(customer, amount, purchased_at), mrr_summary(prev_mrr, curr_mrr),
       sentiment_summary((ARRAY['enak banget!', 'tidak enak', 'biasa', 'mahal tapi enak 😍'])[1 + id % 4] || ' ' || metric)
  FROM events GROUP BY month, id % 50, id % 1000;
ANALYZE summaries;
-- and subscription summaries (their MRR timelines from subscription periods)
CREATE TABLE subscription_summaries (month date, bucket int, u subscription_summary) PARTITION BY LIST (month);
CREATE TABLE subscription_summaries_jan PARTITION OF subscription_summaries FOR VALUES IN ('2025-01-01');
CREATE TABLE subscription_summaries_feb PARTITION OF subscription_summaries FOR VALUES IN ('2025-02-01');
CREATE TABLE subscription_summaries_mar PARTITION OF subscription_summaries FOR VALUES IN ('2025-03-01');
CREATE TABLE subscription_summaries_apr PARTITION OF subscription_summaries FOR VALUES IN ('2025-04-01');
INSERT INTO subscription_summaries
SELECT month, id % 50, subscription_summary(customer, prev_mrr, active_from, churned_at)
  FROM events GROUP BY month, id % 50, id % 1000;
ANALYZE subscription_summaries;

-- One line per aggregate: its signature, the expression, the table, and the
-- extra grouping column (health_score_agg needs groups of distinct names).
CREATE TABLE scaleout_cases (aggregate text, expression text, source text, bucket text, ungrouped boolean);
INSERT INTO scaleout_cases VALUES
    ('score_summary(smallint)', 'score_summary(score::smallint)', 'events', 'bucket', true),
    ('score_summary(integer)', 'score_summary(score)', 'events', 'bucket', true),
    ('score_summary(bigint)', 'score_summary(score::bigint)', 'events', 'bucket', true),
    ('score_summary(numeric)', 'score_summary(score::numeric)', 'events', 'bucket', true),
    ('score_summary(text)', 'score_summary(score::text)', 'events', 'bucket', true),
    ('nps_agg(smallint)', 'nps_agg(score::smallint)', 'events', 'bucket', true),
    ('nps_agg(integer)', 'nps_agg(score)', 'events', 'bucket', true),
    ('nps_agg(bigint)', 'nps_agg(score::bigint)', 'events', 'bucket', true),
    ('nps_agg(numeric)', 'nps_agg(score::numeric)', 'events', 'bucket', true),
    ('nps_agg(text)', 'nps_agg(score::text)', 'events', 'bucket', true),
    ('enps_agg(smallint)', 'enps_agg(score::smallint)', 'events', 'bucket', true),
    ('enps_agg(integer)', 'enps_agg(score)', 'events', 'bucket', true),
    ('enps_agg(bigint)', 'enps_agg(score::bigint)', 'events', 'bucket', true),
    ('enps_agg(numeric)', 'enps_agg(score::numeric)', 'events', 'bucket', true),
    ('enps_agg(text)', 'enps_agg(score::text)', 'events', 'bucket', true),
    ('csat_agg(smallint)', 'csat_agg(csat::smallint)', 'events', 'bucket', true),
    ('csat_agg(integer)', 'csat_agg(csat)', 'events', 'bucket', true),
    ('csat_agg(bigint)', 'csat_agg(csat::bigint)', 'events', 'bucket', true),
    ('csat_agg(numeric)', 'csat_agg(csat::numeric)', 'events', 'bucket', true),
    ('csat_agg(text)', 'csat_agg(csat::text)', 'events', 'bucket', true),
    ('csat_agg(smallint,integer)', 'csat_agg(ces::smallint, 7)', 'events', 'bucket', true),
    ('csat_agg(integer,integer)', 'csat_agg(ces, 7)', 'events', 'bucket', true),
    ('csat_agg(bigint,integer)', 'csat_agg(ces::bigint, 7)', 'events', 'bucket', true),
    ('csat_agg(numeric,integer)', 'csat_agg(ces::numeric, 7)', 'events', 'bucket', true),
    ('csat_agg(text,integer)', 'csat_agg(ces::text, 7)', 'events', 'bucket', true),
    ('ces_agg(smallint)', 'ces_agg(ces::smallint)', 'events', 'bucket', true),
    ('ces_agg(integer)', 'ces_agg(ces)', 'events', 'bucket', true),
    ('ces_agg(bigint)', 'ces_agg(ces::bigint)', 'events', 'bucket', true),
    ('ces_agg(numeric)', 'ces_agg(ces::numeric)', 'events', 'bucket', true),
    ('ces_agg(text)', 'ces_agg(ces::text)', 'events', 'bucket', true),
    ('ces_agg(smallint,integer)', 'ces_agg(csat::smallint, 5)', 'events', 'bucket', true),
    ('ces_agg(integer,integer)', 'ces_agg(csat, 5)', 'events', 'bucket', true),
    ('ces_agg(bigint,integer)', 'ces_agg(csat::bigint, 5)', 'events', 'bucket', true),
    ('ces_agg(numeric,integer)', 'ces_agg(csat::numeric, 5)', 'events', 'bucket', true),
    ('ces_agg(text,integer)', 'ces_agg(csat::text, 5)', 'events', 'bucket', true),
    ('rollup(score_summary)', 'rollup(s)', 'summaries', 'bucket', true),
    ('rate_summary(boolean)', 'rate_summary(flag)', 'events', 'bucket', true),
    ('churn_rate(boolean)', 'churn_rate(flag)', 'events', 'bucket', true),
    ('renewal_rate(boolean)', 'renewal_rate(flag)', 'events', 'bucket', true),
    ('conversion_rate(boolean)', 'conversion_rate(flag)', 'events', 'bucket', true),
    ('resolution_rate(boolean)', 'resolution_rate(flag)', 'events', 'bucket', true),
    ('response_rate(boolean)', 'response_rate(flag)', 'events', 'bucket', true),
    ('opt_out_rate(boolean)', 'opt_out_rate(flag)', 'events', 'bucket', true),
    ('support_usage_rate(boolean)', 'support_usage_rate(flag)', 'events', 'bucket', true),
    ('fcr_rate(integer)', 'fcr_rate(contacts)', 'events', 'bucket', true),
    ('sla_rate(interval,interval)', 'sla_rate(actual, target)', 'events', 'bucket', true),
    ('ctr(bigint,bigint)', 'ctr(clicks, impressions)', 'events', 'bucket', true),
    ('churn_rate(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)',
     $$churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01')$$, 'events', 'bucket', true),
    ('retention_rate(timestamp with time zone,timestamp with time zone,timestamp with time zone,timestamp with time zone)',
     $$retention_rate(active_from, churned_at, '2025-01-01', '2025-04-01')$$, 'events', 'bucket', true),
    ('rollup(rate_summary)', 'rollup(r)', 'summaries', 'bucket', true),
    ('duration_summary(interval)', 'duration_summary(response)', 'events', 'bucket', true),
    ('median_duration(interval)', 'median_duration(response)', 'events', 'bucket', true),
    ('duration_percentile(interval,double precision)', 'duration_percentile(response, 0.9)', 'events', 'bucket', true),
    -- over a timestamp every row is an error (sql/durations.sql); no row reaches it here
    ('duration_summary(timestamp with time zone)', 'duration_summary(churned_at) FILTER (WHERE false)', 'events', 'bucket', true),
    ('median_duration(timestamp with time zone)', 'median_duration(churned_at) FILTER (WHERE false)', 'events', 'bucket', true),
    ('duration_percentile(timestamp with time zone,double precision)', 'duration_percentile(churned_at, 0.9) FILTER (WHERE false)', 'events', 'bucket', true),
    ('rollup(duration_summary)', 'rollup(d)', 'summaries', 'bucket', true),
    ('clv_summary(integer,numeric,timestamp with time zone)', 'clv_summary(customer, amount, purchased_at)', 'events', 'bucket', true),
    ('clv_summary(bigint,numeric,timestamp with time zone)', 'clv_summary(customer::bigint, amount, purchased_at)', 'events', 'bucket', true),
    ('clv_summary(text,numeric,timestamp with time zone)', $$clv_summary('c' || customer, amount, purchased_at)$$, 'events', 'bucket', true),
    ('clv_summary(uuid,numeric,timestamp with time zone)', 'clv_summary(md5(customer::text)::uuid, amount, purchased_at)', 'events', 'bucket', true),
    ('clv(integer,numeric,timestamp with time zone)', 'clv(customer, amount, purchased_at)', 'events', 'bucket', true),
    ('clv(bigint,numeric,timestamp with time zone)', 'clv(customer::bigint, amount, purchased_at)', 'events', 'bucket', true),
    ('clv(text,numeric,timestamp with time zone)', $$clv('c' || customer, amount, purchased_at)$$, 'events', 'bucket', true),
    ('clv(uuid,numeric,timestamp with time zone)', 'clv(md5(customer::text)::uuid, amount, purchased_at)', 'events', 'bucket', true),
    ('rollup(clv_summary)', 'rollup(c)', 'summaries', 'bucket', true),
    ('mrr_summary(numeric,numeric)', 'mrr_summary(prev_mrr, curr_mrr)', 'events', 'bucket', true),
    ('expansion_revenue(numeric,numeric)', 'expansion_revenue(prev_mrr, curr_mrr)', 'events', 'bucket', true),
    ('nrr(numeric,numeric)', 'nrr(prev_mrr, curr_mrr)', 'events', 'bucket', true),
    ('grr(numeric,numeric)', 'grr(prev_mrr, curr_mrr)', 'events', 'bucket', true),
    ('rollup(mrr_summary)', 'rollup(m)', 'summaries', 'bucket', true),
    ('sentiment_summary(text)', $$sentiment_summary((ARRAY['enak banget!', 'tidak enak', 'biasa', 'mahal tapi enak 😍'])[1 + id % 4] || ' ' || metric)$$, 'events', 'bucket', true),
    ('sentiment_summary(text,text)', $$sentiment_summary((ARRAY['great!', 'not good', 'so so', 'slow but nice'])[1 + id % 4], 'en')$$, 'events', 'bucket', true),
    ('sentiment_summary(text,text,boolean)', $$sentiment_summary((ARRAY['great!', 'not good', 'so so', 'slow but nice'])[1 + id % 4], 'en', true)$$, 'events', 'bucket', true),
    ('rollup(sentiment_summary)', 'rollup(f)', 'summaries', 'bucket', true),
    ('subscription_summary(integer,numeric,timestamp with time zone,timestamp with time zone)',
     'subscription_summary(customer, prev_mrr, active_from, churned_at)', 'events', 'bucket', true),
    ('subscription_summary(bigint,numeric,timestamp with time zone,timestamp with time zone)',
     'subscription_summary(customer::bigint, prev_mrr, active_from, churned_at)', 'events', 'bucket', true),
    ('subscription_summary(text,numeric,timestamp with time zone,timestamp with time zone)',
     $$subscription_summary('c' || customer, prev_mrr, active_from, churned_at)$$, 'events', 'bucket', true),
    ('subscription_summary(uuid,numeric,timestamp with time zone,timestamp with time zone)',
     'subscription_summary(md5(customer::text)::uuid, prev_mrr, active_from, churned_at)', 'events', 'bucket', true),
    ('rollup(subscription_summary)', 'rollup(u)', 'subscription_summaries', 'bucket', true),
    ('status_summary(text,timestamp with time zone)', 'status_summary(metric, purchased_at)', 'events', 'bucket', true),
    ('btyd_customer(date,numeric,date)', $$btyd_customer((purchased_at AT TIME ZONE 'UTC')::date, abs(amount), '2025-06-30')$$, 'events', 'bucket', true),
    ('btyd_customer(date,numeric,date,interval)', $$btyd_customer((purchased_at AT TIME ZONE 'UTC')::date, abs(amount), '2025-06-30', '1 day')$$, 'events', 'bucket', true),
    ('health_score_agg(text,double precision,double precision)', 'health_score_agg(metric, value, weight)', 'events', 'account', false),
    -- the fits run once per group: a few large groups, one cohort each for sBG
    ('bgnbd_fit(bigint,double precision,double precision)', 'bgnbd_fit((id / 4) % 5, (id / 4) % 5 * 1.5, 10 + id % 7)', 'events', 'bucket', true),
    ('pareto_nbd_fit(bigint,double precision,double precision)', 'pareto_nbd_fit((id / 4) % 5, (id / 4) % 5 * 1.5, 10 + id % 7)', 'events', 'bucket', true),
    ('gamma_gamma_fit(bigint,double precision)', 'gamma_gamma_fit(1 + (id / 4) % 3, 5 + id % 11 * 1.5)', 'events', 'bucket', true),
    ('sbg_fit(integer,bigint)', 'sbg_fit((id / 4) % 8, 100 - 10 * ((id / 4) % 8))', 'events', 'bucket', true);

-- Every kpi_ext aggregate has a case: a new one without a line here fails.
SELECT p.oid::regprocedure AS aggregate_without_case
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
 WHERE p.oid::regprocedure::text NOT IN (SELECT aggregate FROM scaleout_cases);

-- The query of one case and grouping: every group's result as text.
CREATE FUNCTION scaleout_query(c scaleout_cases, grp text) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN grp = '' THEN format('SELECT coalesce((%s)::text, ''NULL'') FROM %s', c.expression, c.source)
           ELSE format('SELECT string_agg(g || '': '' || coalesce(v, ''NULL''), E''\n'' ORDER BY g)
                          FROM (SELECT concat_ws('' '', %1$s) AS g, (%2$s)::text AS v FROM %3$s GROUP BY %1$s) AS t',
                       grp, c.expression, c.source) END
$$;

-- Plan modes: serial; forced parallel; partitionwise; both.
CREATE FUNCTION scaleout_mode(mode text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('max_parallel_workers_per_gather', CASE WHEN mode IN ('parallel', 'both') THEN '2' ELSE '0' END, false);
    PERFORM set_config('enable_partitionwise_aggregate', CASE WHEN mode IN ('partitionwise', 'both') THEN 'on' ELSE 'off' END, false);
END $$;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;

-- What a mode's plan lacks, or NULL: the planner may quietly pick a serial
-- plan, and then an equal answer proves nothing.  Parallel means a Partial
-- Aggregate under a Gather (the combine function runs); partitionwise an
-- Append with an aggregate over each partition; both, that under a Gather.
CREATE FUNCTION scaleout_plan_gap(query text, mode text, partitions bigint) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    plan jsonb;
    per_partition boolean;
BEGIN
    EXECUTE 'EXPLAIN (COSTS OFF, FORMAT JSON) ' || query INTO plan;
    per_partition := EXISTS (
        SELECT FROM jsonb_path_query(plan, 'strict $.** ? (@."Node Type" == "Append")') AS a
         WHERE (SELECT count(*) FROM jsonb_array_elements(a -> 'Plans') AS p
                 WHERE jsonb_path_exists(p, 'strict $.** ? (@."Node Type" == "Aggregate")')) = partitions);
    IF mode = 'parallel'
       AND NOT jsonb_path_exists(plan, 'strict $.** ? (@."Node Type" starts with "Gather").** ? (@."Partial Mode" == "Partial")') THEN
        RETURN 'no Partial Aggregate under a Gather';
    ELSIF mode IN ('partitionwise', 'both') AND NOT per_partition THEN
        RETURN 'no aggregate per partition under an Append';
    ELSIF mode = 'both' AND NOT jsonb_path_exists(plan, 'strict $.**."Node Type" ? (@ starts with "Gather")') THEN
        RETURN 'no Gather';
    END IF;
    RETURN NULL;
END $$;

-- Groupings: none (a constant), the partition key and a bucket column (full
-- partitionwise aggregation), the bucket alone (partial aggregation, per
-- partition when partitionwise).  Every case, grouping and mode must have
-- the plan the mode claims and the serial answer.
CREATE FUNCTION scaleout_mismatches() RETURNS TABLE (aggregate text, grp text, mode text, problem text) LANGUAGE plpgsql AS $$
DECLARE
    c scaleout_cases;
    g text;
    m text;
    serial text;
    answer text;
    partitions bigint;
BEGIN
    FOR c IN SELECT * FROM scaleout_cases ORDER BY aggregate LOOP
        partitions := (SELECT count(*) FROM pg_inherits WHERE inhparent = c.source::regclass);
        FOREACH g IN ARRAY ARRAY['', 'month, ' || c.bucket, c.bucket] LOOP
            CONTINUE WHEN g = '' AND NOT c.ungrouped;
            PERFORM scaleout_mode('serial');
            EXECUTE scaleout_query(c, g) INTO serial;
            FOREACH m IN ARRAY ARRAY['parallel', 'partitionwise', 'both'] LOOP
                PERFORM scaleout_mode(m);
                aggregate := c.aggregate; grp := g; mode := m;
                problem := scaleout_plan_gap(scaleout_query(c, g), m, partitions);
                IF problem IS NOT NULL THEN
                    RETURN NEXT;
                END IF;
                EXECUTE scaleout_query(c, g) INTO answer;
                IF answer IS DISTINCT FROM serial THEN
                    problem := 'answer differs from serial';
                    RETURN NEXT;
                END IF;
            END LOOP;
        END LOOP;
    END LOOP;
    PERFORM scaleout_mode('serial');
END $$;
SELECT count(*) AS cases, 3 * count(*) - count(*) FILTER (WHERE NOT ungrouped) AS groupings,
       3 * (3 * count(*) - count(*) FILTER (WHERE NOT ungrouped)) AS plan_comparisons
  FROM scaleout_cases;
-- One known gap: health scores grouped by account alone (1,000 groups of 20
-- rows spread over all partitions) are cheaper to split by worker than by
-- partition, so "both" gives the parallel plan.
SELECT * FROM scaleout_mismatches();
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;

--
-- State crosses the wire as text: partial summaries per group, written as
-- text, read back and combined (what a Citus coordinator does with workers'
-- partial states) equal the one-step summary, for every summary type;
-- including empty states and large ones.
--
SELECT 'score_summary' AS summary, rollup(p::text::score_summary)::text = (SELECT score_summary(score)::text FROM events) AS via_text
  FROM (SELECT score_summary(score) AS p FROM events GROUP BY id % 13) AS t
UNION ALL
SELECT 'rate_summary', rollup(p::text::rate_summary)::text = (SELECT rate_summary(flag)::text FROM events)
  FROM (SELECT rate_summary(flag) AS p FROM events GROUP BY id % 13) AS t
UNION ALL
SELECT 'duration_summary', rollup(p::text::duration_summary)::text = (SELECT duration_summary(response)::text FROM events)
  FROM (SELECT duration_summary(response) AS p FROM events GROUP BY id % 13) AS t
UNION ALL
SELECT 'clv_summary', rollup(p::text::clv_summary)::text = (SELECT clv_summary(customer, amount, purchased_at)::text FROM events)
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS p FROM events GROUP BY id % 13) AS t
UNION ALL
SELECT 'mrr_summary', rollup(p::text::mrr_summary)::text = (SELECT mrr_summary(prev_mrr, curr_mrr)::text FROM events)
  FROM (SELECT mrr_summary(prev_mrr, curr_mrr) AS p FROM events GROUP BY id % 13) AS t
UNION ALL
SELECT 'sentiment_summary', rollup(p::text::sentiment_summary)::text = (SELECT sentiment_summary('enak ' || metric || repeat('!', id % 3))::text FROM events)
  FROM (SELECT sentiment_summary('enak ' || metric || repeat('!', id % 3)) AS p FROM events GROUP BY id % 13) AS t
UNION ALL
SELECT 'status_summary', status_summary_merge(a::text::status_summary, b::text::status_summary)::text =
       (SELECT status_summary(metric, purchased_at)::text FROM events)
  FROM (SELECT status_summary(metric, purchased_at) FILTER (WHERE id % 3 = 0) AS a,
               status_summary(metric, purchased_at) FILTER (WHERE id % 3 <> 0) AS b FROM events) AS t
UNION ALL
SELECT 'health_score', health_score_merge(a::text::health_score, b::text::health_score)::text =
       (SELECT health_score_agg(metric, value, weight)::text FROM events WHERE id BETWEEN 20 AND 39)
  FROM (SELECT health_score_agg(metric, value, weight) FILTER (WHERE id < 30) AS a,
               health_score_agg(metric, value, weight) FILTER (WHERE id >= 30) AS b
          FROM events WHERE id BETWEEN 20 AND 39) AS t;
-- empty states: summaries of groups that saw only NULLs or nothing read back equal
SELECT s::text AS empty, s::text::score_summary::text = s::text AS rereads
  FROM (VALUES ('v1'::score_summary)) AS v(s);
SELECT rollup(p)::text AS rollup_of_empty_texts
  FROM (VALUES ('v1 0/0'::text::rate_summary), ('v1 0/0')) AS v(p);
SELECT s::text::clv_summary::text AS empty_clv, m::text::mrr_summary::text AS empty_mrr
  FROM (VALUES ('v1 uuid scale=0'::clv_summary,
                'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'::mrr_summary)) AS v(s, m);
-- large states: a duration summary with thousands of buckets, a CLV summary
-- of 20,000 customers, counts near the bigint limit
SELECT durations(d) AS durations, length(d::text) AS text_length,
       d::text::duration_summary::text = d::text AS rereads
  FROM (SELECT duration_summary(make_interval(secs => power(1.0005, i))) AS d FROM generate_series(1, 40000) AS i) AS t;
SELECT customers(c), c::text::clv_summary::text = c::text AS rereads,
       (SELECT rollup(p::text::clv_summary)::text
          FROM (SELECT clv_summary(i, i / 100.0, timestamptz '2025-01-01 00:00+00' + i * interval '1 minute') AS p
                  FROM generate_series(1, 20000) AS i GROUP BY i % 10) AS parts) = c::text AS rollup_via_text
  FROM (SELECT clv_summary(i, i / 100.0, timestamptz '2025-01-01 00:00+00' + i * interval '1 minute') AS c
          FROM generate_series(1, 20000) AS i) AS whole;
SELECT rollup(p::text::score_summary) AS near_bigint_max
  FROM (VALUES ('v1 10:4611686018427387903'::score_summary), ('v1 0:4611686018427387904')) AS v(p);
SELECT sqlstate_of($$SELECT rollup(p::text::score_summary) FROM (VALUES ('v1 10:4611686018427387904'::score_summary), ('v1 0:4611686018427387904')) AS v(p)$$);

--
-- The coordinator's path: a worker ships its raw transition state (no final
-- function yet) as text or binary; the coordinator reads the states back,
-- combines them with the combine function and runs the final function
-- (Citus across servers; postgres_fdw and parallel workers do the same
-- within one).  For every case above and some extreme ones, per partition
-- and bucket plus an empty state per bucket (a shard without rows), the
-- combined state and the final answer equal the serial ones exactly.
--
-- Helper aggregates without a final function, one per transition function,
-- and a combining aggregate per state type, built from the catalog.
CREATE VIEW kpi_aggregates AS
SELECT p.oid::regprocedure::text AS aggregate, t.proname AS transfn, a.aggtransfn,
       a.aggtranstype::regtype AS stype, a.agginitval, a.aggcombinefn, a.aggfinalfn, oidvectortypes(p.proargtypes) AS args
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_proc t ON t.oid = a.aggtransfn
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext';
DO $$
DECLARE
    a record;
BEGIN
    FOR a IN SELECT DISTINCT transfn, args, stype, agginitval, aggcombinefn FROM kpi_aggregates LOOP
        EXECUTE format('CREATE AGGREGATE partial_%s(%s) (SFUNC = %s, STYPE = %s, COMBINEFUNC = %s, PARALLEL = SAFE%s)',
                       a.transfn, a.args, a.transfn, a.stype, a.aggcombinefn,
                       coalesce(', INITCOND = ' || quote_literal(a.agginitval), ''));
    END LOOP;
    FOR a IN SELECT DISTINCT stype, aggcombinefn FROM kpi_aggregates LOOP
        EXECUTE format('CREATE AGGREGATE combine_states(%s) (SFUNC = %s, STYPE = %1$s, COMBINEFUNC = %2$s, PARALLEL = SAFE)',
                       a.stype, a.aggcombinefn);
    END LOOP;
END $$;
-- combining is rolling up: every aggregate's combine function is the
-- transition function of rollup() over its state type
SELECT a.aggregate AS combines_unlike_rollup
  FROM kpi_aggregates a JOIN kpi_aggregates r ON r.aggregate = 'rollup(' || a.stype || ')'
 WHERE a.aggcombinefn <> r.aggtransfn;

-- Extreme inputs, one bucket: 50,000 customers spread over the partitions,
-- durations over thousands of buckets, clicks and impressions summing to
-- near the bigint limit, MRR summing to 38 digits.
CREATE TABLE extremes AS
SELECT date '2025-01-01' + (i % 4) * interval '1 month' AS month, 1 AS bucket,
       (i * 7919) % 50000 AS customer, i / 100.0 AS amount,
       timestamptz '2025-01-01 00:00+00' + i * interval '1 minute' AS purchased_at,
       make_interval(secs => power(1.0005, i % 40000)) AS response,
       CASE WHEN i <= 4 THEN 2305843009213693951 - i END AS clicks,
       CASE WHEN i <= 4 THEN 2305843009213693951 END AS impressions,
       CASE WHEN i <= 4 THEN 24999999999999999999999999999999999999 END AS prev_mrr,
       CASE WHEN i <= 2 THEN 25000000000000000000000000000000000000 WHEN i <= 4 THEN 0 END AS curr_mrr
  FROM generate_series(1, 100000) AS i;
CREATE TABLE state_cases AS
SELECT aggregate, expression, source, bucket FROM scaleout_cases
UNION ALL
VALUES ('clv_summary(integer,numeric,timestamp with time zone)', 'clv_summary(customer, amount, purchased_at)', 'extremes', 'bucket'),
       ('duration_summary(interval)', 'duration_summary(response)', 'extremes', 'bucket'),
       ('ctr(bigint,bigint)', 'ctr(clicks, impressions)', 'extremes', 'bucket'),
       ('mrr_summary(numeric,numeric)', 'mrr_summary(prev_mrr, curr_mrr)', 'extremes', 'bucket');

-- A state goes in the column named after its type.
CREATE TABLE partial_states (aggregate text, source text, grp text, part text,
                             score_summary score_summary, rate_summary rate_summary, duration_summary duration_summary,
                             clv_summary clv_summary, mrr_summary mrr_summary, health_score health_score,
                             sentiment_summary sentiment_summary, subscription_summary subscription_summary,
                             btyd_summary btyd_summary, status_summary status_summary, btyd_purchases btyd_purchases);
CREATE TABLE serial_states (aggregate text, source text, grp text, state text, answer text);
DO $$
DECLARE
    c record;
    partial text;
BEGIN
    FOR c IN SELECT * FROM state_cases JOIN kpi_aggregates USING (aggregate) LOOP
        partial := regexp_replace(c.expression, '^\w+', 'partial_' || c.transfn);
        EXECUTE format('INSERT INTO partial_states (aggregate, source, grp, part, %1$I)
                        SELECT %2$L, %3$L, %4$s, month, %5$s FROM %3$s GROUP BY %4$s, month',
                       c.stype, c.aggregate, c.source, c.bucket, partial);
        EXECUTE format('INSERT INTO partial_states (aggregate, source, grp, part, %1$I)
                        SELECT %2$L, %3$L, grp, ''none'', (SELECT %4$s FROM %3$s WHERE false)
                          FROM (SELECT DISTINCT grp FROM partial_states WHERE aggregate = %2$L AND source = %3$L) AS groups',
                       c.stype, c.aggregate, c.source, partial);
        EXECUTE format('INSERT INTO serial_states SELECT %1$L, %2$L, %3$s, (%4$s)::text, (%5$s)::text FROM %2$s GROUP BY %3$s',
                       c.aggregate, c.source, c.bucket, partial, c.expression);
    END LOOP;
END $$;
-- counts near the bigint limit, which no table here can reach: two halves
-- and their sum
INSERT INTO partial_states (aggregate, source, grp, part, rate_summary, mrr_summary) VALUES
    ('rollup(rate_summary)', 'literal', 'near limits', 'a', 'v1 4611686018427387903/4611686018427387903', NULL),
    ('rollup(rate_summary)', 'literal', 'near limits', 'b', 'v1 0/4611686018427387904', NULL),
    ('rollup(mrr_summary)', 'literal', 'near limits', 'a', NULL,
     'v1 scale=0 rows=4611686018427387903 starting=4611686018427387903/49999999999999999999999999999999999999 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'),
    ('rollup(mrr_summary)', 'literal', 'near limits', 'b', NULL,
     'v1 scale=0 rows=4611686018427387904 starting=0/0 new=4611686018427387904/50000000000000000000000000000000000000 expansion=0/0 contraction=0/0 churned=0/0');
INSERT INTO serial_states VALUES
    ('rollup(rate_summary)', 'literal', 'near limits', 'v1 4611686018427387903/9223372036854775807', 'v1 4611686018427387903/9223372036854775807'),
    ('rollup(mrr_summary)', 'literal', 'near limits',
     'v1 scale=0 rows=9223372036854775807 starting=4611686018427387903/49999999999999999999999999999999999999 new=4611686018427387904/50000000000000000000000000000000000000 expansion=0/0 contraction=0/0 churned=0/0',
     'v1 scale=0 rows=9223372036854775807 starting=4611686018427387903/49999999999999999999999999999999999999 new=4611686018427387904/50000000000000000000000000000000000000 expansion=0/0 contraction=0/0 churned=0/0');
SELECT count(DISTINCT (aggregate, source)) AS cases, count(*) AS partial_states, count(*) FILTER (WHERE part = 'none') AS empty_states
  FROM partial_states;
SELECT aggregate, source, length(state) AS serial_state_length
  FROM serial_states WHERE source IN ('extremes', 'literal') ORDER BY 1, 2;

-- Binary: the states leave in send's format and come back through recv.
\copy partial_states TO 'results/partial_states.copy' WITH (FORMAT binary)
CREATE TABLE received_states (LIKE partial_states);
\copy received_states FROM 'results/partial_states.copy' WITH (FORMAT binary)

-- Groups whose states, read back (as text, or as received in binary) and
-- combined, differ from the serial state or answer.
CREATE FUNCTION state_mismatches() RETURNS TABLE (aggregate text, source text, via text, grp text) LANGUAGE plpgsql AS $$
DECLARE
    c record;
    v text;
    states text;
BEGIN
    FOR c IN SELECT DISTINCT p.aggregate, p.source, a.stype, a.aggfinalfn FROM partial_states p JOIN kpi_aggregates a USING (aggregate)
              ORDER BY 1, 2 LOOP
        FOREACH v IN ARRAY ARRAY['text', 'binary'] LOOP
            states := CASE v WHEN 'text' THEN format('combine_states(%I::text::%s)', c.stype, c.stype)
                             ELSE format('combine_states(%I)', c.stype) END;
            RETURN QUERY EXECUTE format(
                'SELECT %1$L, %2$L, %3$L, grp
                   FROM (SELECT grp, %4$s::text AS state, %5$s::text AS answer
                           FROM %6$s WHERE aggregate = %1$L AND source = %2$L GROUP BY grp) AS combined
                   FULL JOIN (SELECT * FROM serial_states WHERE aggregate = %1$L AND source = %2$L) AS serial USING (grp)
                  WHERE combined.state IS DISTINCT FROM serial.state OR combined.answer IS DISTINCT FROM serial.answer',
                c.aggregate, c.source, v,
                states, CASE WHEN c.aggfinalfn = 0 THEN states ELSE format('%s(%s)', c.aggfinalfn, states) END,
                CASE v WHEN 'text' THEN 'partial_states' ELSE 'received_states' END);
        END LOOP;
    END LOOP;
END $$;
SELECT * FROM state_mismatches();

--
-- Continuous rollups (doc/operations.md, "Scaling out"): daily summaries in a
-- materialized view, refreshed, rolled up to months, equal the direct answer.
--
CREATE MATERIALIZED VIEW daily_kpis AS
SELECT purchased_at::date AS day, score_summary(score) AS answers, duration_summary(response) AS responses,
       clv_summary(customer, amount, purchased_at) AS purchases
  FROM events GROUP BY 1;
INSERT INTO events (id, month, score, response, customer, amount, purchased_at)
VALUES (20001, '2025-01-01', 10, '00:00:05', 1, 99.99, '2024-06-30 12:00+00');
REFRESH MATERIALIZED VIEW daily_kpis;
SELECT count(*) AS months,
       count(*) FILTER (WHERE m.nps = d.nps AND m.p90 = d.p90 AND m.clv = d.clv) AS equal_to_direct
  FROM (SELECT date_trunc('month', day) AS month, nps(rollup(answers)), percentile(rollup(responses), 0.9) AS p90,
               clv(rollup(purchases))
          FROM daily_kpis GROUP BY 1) AS m
  JOIN (SELECT date_trunc('month', purchased_at::date) AS month, nps_agg(score) AS nps,
               duration_percentile(response, 0.9) AS p90, clv(customer, amount, purchased_at)
          FROM events GROUP BY 1) AS d USING (month);
