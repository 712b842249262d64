--
-- Buy 'til you die: BG/NBD, Pareto/NBD, Gamma-Gamma and sBG fitted in the
-- database.  The published fits are reproduced from raw transactions.
--
SET extra_float_digits = 0;

--
-- CDNOW: the 1/10 sample of CDNOW's 1997 cohort (test/data/cdnow, from the
-- lifetimes project, MIT licence: LICENSE-lifetimes.txt), one row per
-- purchase: master id, sample id, date, CDs, dollars.
--
CREATE TABLE cdnow_lines (line text);
\copy cdnow_lines FROM 'test/data/cdnow/CDNOW_sample.txt' WITH (DELIMITER '|')
CREATE TABLE cdnow_orders AS
SELECT f[2]::int AS customer, to_date(f[3], 'YYYYMMDD') AS day, f[4]::int AS cds, f[5]::numeric AS dollars
  FROM (SELECT regexp_split_to_array(btrim(line), '\s+') AS f FROM cdnow_lines) AS l;
SELECT count(*) AS purchases, count(DISTINCT customer) AS customers FROM cdnow_orders;

-- Orders to customer rows, as the papers do: the calibration period ends
-- 1997-09-30; purchases on one day count as one; x = purchase days after
-- the first; t_x and t in weeks from the first; mean_value = mean daily
-- spend over the repeat days (0 without any).
CREATE TABLE cdnow_customers AS
WITH days AS (
    SELECT customer, day, sum(dollars) AS spend
      FROM cdnow_orders WHERE day <= date '1997-09-30' GROUP BY customer, day
), customers AS (
    SELECT customer, min(day) AS first, max(day) AS last, count(*) - 1 AS x,
           avg(spend) FILTER (WHERE day > (SELECT min(day) FROM days d2 WHERE d2.customer = days.customer)) AS mean_value
      FROM days GROUP BY customer
)
SELECT customer, x, (last - first) / 7.0 AS t_x, (date '1997-09-30' - first) / 7.0 AS t,
       coalesce(mean_value, 0) AS mean_value
  FROM customers;
SELECT count(*) AS customers, count(*) FILTER (WHERE x > 0) AS repeat_customers,
       count(DISTINCT (x, t_x, t)) AS distinct_tuples
  FROM cdnow_customers;

-- all 2,357 rows agree with the lifetimes project's summary (2 decimals)
CREATE TABLE cdnow_csv (id int, x int, t_x numeric, t numeric, zbar numeric);
\copy cdnow_csv FROM 'test/data/cdnow/cdnow_customers_summary_with_transactions.csv' WITH (FORMAT csv, HEADER)
SELECT count(*) AS csv_rows,
       count(*) FILTER (WHERE v.x = c.x AND v.t_x = round(c.t_x, 2) AND v.t = round(c.t, 2)
                        AND v.zbar = round(c.mean_value, 2)) AS matching
  FROM cdnow_csv v LEFT JOIN cdnow_customers c ON c.customer = v.id;
-- and btyd_customer gives the same rows straight from the orders
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (b).x = c.x AND abs((b).t_x - c.t_x) < 1e-12 AND abs((b).t - c.t) < 1e-12
                        AND abs((b).mean_value - c.mean_value) < 1e-12) AS same_as_sql
  FROM (SELECT customer, btyd_customer(day, dollars, '1997-09-30') AS b FROM cdnow_orders GROUP BY customer) AS f
  FULL JOIN cdnow_customers AS c USING (customer);

CREATE TABLE cdnow_models AS
SELECT bgnbd_fit(x, t_x::float8, t::float8) AS bg,
       pareto_nbd_fit(x, t_x::float8, t::float8) AS pn,
       gamma_gamma_fit(x, mean_value::float8) AS gg
  FROM cdnow_customers;

-- BG/NBD, Fader, Hardie & Lee (2005), "Counting your customers the easy
-- way: an alternative to the Pareto/NBD model", Marketing Science 24(2):
-- r = 0.2426, alpha = 4.4136, a = 0.7929, b = 2.4259, LL = -9582.43
SELECT round(p[1]::numeric, 4) AS r, round(p[2]::numeric, 4) AS alpha,
       round(p[3]::numeric, 4) AS a, round(p[4]::numeric, 4) AS b,
       round(log_likelihood(bg)::numeric, 2) AS ll, customers(bg), converged(bg), iterations(bg) > 0 AS iterated
  FROM cdnow_models, LATERAL params(bg) AS p;

-- Pareto/NBD on the same rows, same paper (section 4): r = 0.55,
-- alpha = 10.58, s = 0.61, beta = 11.67, LL = -9595.0
SELECT round(p[1]::numeric, 2) AS r, round(p[2]::numeric, 2) AS alpha,
       round(p[3]::numeric, 2) AS s, round(p[4]::numeric, 2) AS beta,
       round(log_likelihood(pn)::numeric, 1) AS ll, customers(pn), converged(pn)
  FROM cdnow_models, LATERAL params(pn) AS p;

-- Gamma-Gamma on the 946 repeat customers, Fader, Hardie & Lee (2005),
-- "RFM and CLV: using iso-value curves for customer base analysis", as
-- the lifetimes project reproduces it: p = 6.25, q = 3.74, v = 15.44
SELECT round(p[1]::numeric, 2) AS p, round(p[2]::numeric, 2) AS q, round(p[3]::numeric, 2) AS v,
       customers(gg), converged(gg)
  FROM cdnow_models, LATERAL params(gg) AS p;

-- the lifetimes summary (rounded to 2 decimals) gives the same figures
SELECT round(p[1]::numeric, 3) AS r, round(p[2]::numeric, 2) AS alpha,
       round(p[3]::numeric, 3) AS a, round(p[4]::numeric, 3) AS b
  FROM (SELECT params(bgnbd_fit(x, t_x::float8, t::float8)) AS p FROM cdnow_csv) AS f;

-- sBG, Fader & Hardie (2007), "How to project customer retention",
-- Journal of Interactive Marketing 21(1): survivors of 1,000 over years
-- 0..7 of the "regular" and "high end" cohorts
CREATE TABLE cohorts (segment text, period int, alive bigint);
INSERT INTO cohorts
SELECT 'regular', i - 1, n FROM unnest(ARRAY[1000, 631, 468, 382, 326, 289, 262, 241]) WITH ORDINALITY AS u(n, i)
UNION ALL
SELECT 'high end', i - 1, n FROM unnest(ARRAY[1000, 869, 743, 653, 593, 551, 517, 491]) WITH ORDINALITY AS u(n, i);
CREATE TABLE cohort_models AS SELECT segment, sbg_fit(period, alive) AS m FROM cohorts GROUP BY segment;
SELECT segment, round(p[1]::numeric, 3) AS alpha, round(p[2]::numeric, 3) AS beta, customers(m), converged(m)
  FROM cohort_models, LATERAL params(m) AS p ORDER BY segment DESC;

--
-- Fits are identical under forced parallel plans and over partitions:
-- the final function fits the canonical (sorted) tuples whatever order
-- and split they came in.
--
CREATE TABLE cdnow_parts (customer int, x bigint, t_x float8, t float8, mean_value float8)
    PARTITION BY HASH (customer);
CREATE TABLE cdnow_parts_0 PARTITION OF cdnow_parts FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE cdnow_parts_1 PARTITION OF cdnow_parts FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE cdnow_parts_2 PARTITION OF cdnow_parts FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO cdnow_parts SELECT customer, x, t_x, t, mean_value FROM cdnow_customers;
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL enable_partitionwise_aggregate = on;
SET LOCAL parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(x, t_x, t) FROM cdnow_parts;
SELECT f.bg = m.bg AS bgnbd_same, f.pn = m.pn AS pareto_same, f.gg = m.gg AS gamma_gamma_same
  FROM (SELECT bgnbd_fit(x, t_x, t) AS bg, pareto_nbd_fit(x, t_x, t) AS pn,
               gamma_gamma_fit(x, mean_value) AS gg FROM cdnow_parts) AS f, cdnow_models AS m;
COMMIT;
-- and from partial states sent through their text form, as Citus ships
-- them, merged in another order
CREATE AGGREGATE bgnbd_partial(bigint, float8, float8) (
    SFUNC = btyd_summary_add_bgnbd, STYPE = btyd_summary, COMBINEFUNC = btyd_summary_merge);
CREATE AGGREGATE btyd_merge(btyd_summary) (SFUNC = btyd_summary_merge, STYPE = btyd_summary);
CREATE TABLE bg_partials AS
SELECT customer % 7 AS shard, bgnbd_partial(x, t_x::float8, t::float8)::text AS state
  FROM cdnow_customers GROUP BY customer % 7;
SELECT bgnbd_fit_final(btyd_merge(state::btyd_summary ORDER BY shard DESC)) = (SELECT bg FROM cdnow_models) AS merged_same,
       sum(length(state)) > 0 AS has_text
  FROM bg_partials;
-- states are canonical: equal however they were built
SELECT btyd_merge(state::btyd_summary ORDER BY shard) = btyd_merge(state::btyd_summary ORDER BY shard DESC) AS canonical,
       btyd_merge(state::btyd_summary ORDER BY shard)::text = btyd_merge(state::btyd_summary ORDER BY shard DESC)::text AS same_text
  FROM bg_partials;
SELECT bgnbd_partial(x, t_x, t) FROM (VALUES (2, 30.5, 38.5), (0, 0, 38.5), (2, 30.5, 38.5), (0, 0, 10)) AS v(x, t_x, t);
SELECT 'v1 bgnbd rows=3; x=2 t_x=30.5 t=38.5 n=1; x=0 t_x=0 t=38.5 n=1; x=2 t_x=30.5 t=38.5 n=1'::btyd_summary;
SELECT btyd_summary_add_gamma_gamma(btyd_summary_add_gamma_gamma(NULL, 3, 20.5), 0, 0) AS gg_state,
       btyd_summary_add_sbg(btyd_summary_add_sbg(btyd_summary_add_sbg(NULL, 1, 7), 0, 10), 1, 1) AS sbg_state;

--
-- Beyond 16,384 distinct tuples a state is gridded: t_x, t and mean values
-- fall into fixed cells of 6 significant bits, and the fit uses each
-- cell's exact mean (integer offsets).  40 copies of CDNOW, each copy's
-- times and spend moved by less than 1e-7, are 94,280 customers on the
-- grid; the fits still give the published figures (log-likelihoods 40
-- times CDNOW's), under a parallel plan and over partitions alike.
--
CREATE TABLE cdnow_copies (copy int, customer int, x bigint, t_x float8, t float8, mean_value float8)
    PARTITION BY HASH (copy);
CREATE TABLE cdnow_copies_0 PARTITION OF cdnow_copies FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE cdnow_copies_1 PARTITION OF cdnow_copies FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO cdnow_copies
SELECT k, customer, x, CASE WHEN x > 0 THEN t_x::float8 + k * 1e-9 ELSE 0 END, t::float8 + k * 1e-9,
       mean_value::float8 * (1 + k * 1e-12)
  FROM cdnow_customers, generate_series(1, 40) AS k;
CREATE TABLE gridded_models AS
SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg,
       bgnbd_partial(x, t_x, t) AS bg_state
  FROM cdnow_copies;
SELECT round(p[1]::numeric, 4) AS r, round(p[2]::numeric, 4) AS alpha,
       round(p[3]::numeric, 4) AS a, round(p[4]::numeric, 4) AS b,
       round((log_likelihood(bg) / 40)::numeric, 2) AS ll_per_copy, customers(bg), converged(bg),
       round(g[1]::numeric, 2) AS p, round(g[2]::numeric, 2) AS q, round(g[3]::numeric, 2) AS v, converged(gg),
       bg_state::text LIKE 'v1 bgnbd rows=94280 gridded; %' AS gridded,
       length(btyd_summary_send(bg_state)) < 100000 AS small
  FROM gridded_models, LATERAL params(bg) AS p, LATERAL params(gg) AS g;
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(x, t_x, t), gamma_gamma_fit(x, mean_value) FROM cdnow_copies;
SELECT f.bg = m.bg AS bgnbd_same, f.gg = m.gg AS gamma_gamma_same
  FROM (SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg FROM cdnow_copies) AS f,
       gridded_models AS m;
COMMIT;
-- merged from text partials of any split: the same tuples, the same fit
SELECT bgnbd_fit_final(btyd_merge(state::btyd_summary ORDER BY part DESC)) = (SELECT bg FROM gridded_models) AS merged_same
  FROM (SELECT customer % 5 AS part, bgnbd_partial(x, t_x, t)::text AS state FROM cdnow_copies GROUP BY 1) AS p;
SELECT bg_state::text::btyd_summary = bg_state AS text_round_trip FROM gridded_models;
-- a gridded state's text: cells and their offsets
SELECT 'v1 gamma_gamma rows=4 gridded; x=2 mean_value=20.375 n=1 mean_value_offset=0; x=1 mean_value=20.375 n=2 mean_value_offset=4; x=1 mean_value=20.375 n=1 mean_value_offset=65535'::btyd_summary;
SELECT 'v1 gamma_gamma rows=1 gridded; x=1 mean_value=20.25 n=1 mean_value_offset=4'::btyd_summary;
SELECT 'v1 gamma_gamma rows=1 gridded; x=1 mean_value=20.375 n=1 mean_value_offset=65536'::btyd_summary;
SELECT 'v1 sbg rows=1 gridded; period=0 alive=1'::btyd_summary;

--
-- Beyond 32,768 cells the grid coarsens a bit at a time, from 6 down to 3
-- bits, so the state stays within 32,768 tuples (1.5 MB) whatever the
-- customers.  The grids are nested and each cell still keeps where its
-- values lay (offsets in 1/65,536 of a 6-bit cell), so coarsening a state
-- gives the cells its rows would have had: the grid of a state is the
-- finest its rows fit on, and any split of the rows gives the same state.
-- 50,000 BG/NBD customers simulated by deterministic hashing: purchase
-- rate lambda ~ Gamma(2, 10) a week, dropout after each purchase with p ~
-- Beta(1, 3), observed for 1 to 78 weeks; Gamma-Gamma spend, each
-- purchase ~ Gamma(2, nu) with nu ~ Gamma(3, 15).
--
CREATE TABLE sim_customers (customer bigint, x bigint, t_x float8, t float8, mean_value float8)
    PARTITION BY HASH (customer);
CREATE TABLE sim_customers_0 PARTITION OF sim_customers FOR VALUES WITH (MODULUS 3, REMAINDER 0);
CREATE TABLE sim_customers_1 PARTITION OF sim_customers FOR VALUES WITH (MODULUS 3, REMAINDER 1);
CREATE TABLE sim_customers_2 PARTITION OF sim_customers FOR VALUES WITH (MODULUS 3, REMAINDER 2);
INSERT INTO sim_customers
WITH c AS (
    SELECT i, (-ln(u1) - ln(u2)) / 10 AS lambda, 1 - (1 - u3) ^ (1 / 3.0) AS p, 1 + 77 * u4 AS t, u5,
           (-ln(u6) - ln(u7) - ln(u8)) / 15 AS nu
      FROM (SELECT i, ((i * 2654435761) % 1000003 + 0.5::float8) / 1000003 AS u1,
                   ((i * 15485863) % 1000003 + 0.5::float8) / 1000003 AS u2,
                   ((i * 104729) % 999983 + 0.5::float8) / 999983 AS u3,
                   ((i * 7919) % 999979 + 0.5::float8) / 999979 AS u4,
                   ((i * 2246822519) % 999961 + 0.5::float8) / 999961 AS u5,
                   ((i * 1103515245) % 999931 + 0.5::float8) / 999931 AS u6,
                   ((i * 69069) % 999917 + 0.5::float8) / 999917 AS u7,
                   ((i * 362437) % 999907 + 0.5::float8) / 999907 AS u8
              FROM generate_series(1, 50000::bigint) AS i) AS u
), purchases AS (
    SELECT i, t, sum(-ln(((i * 3266489917 + k * 40503) % 1000033 + 0.5::float8) / 1000033) / lambda)
                 OVER (PARTITION BY i ORDER BY k) AS at,
           (-ln(((i * 2147483629 + k * 7777) % 1000037 + 0.5::float8) / 1000037)
            - ln(((i * 19260817 + k * 12289) % 1000039 + 0.5::float8) / 1000039)) / nu AS spend
      FROM c, generate_series(1::bigint, least(1 + floor(ln(u5) / ln(1 - p)), 200)::bigint) AS k
)
SELECT i, count(*) FILTER (WHERE at <= t), coalesce(max(at) FILTER (WHERE at <= t), 0), t,
       coalesce(avg(spend) FILTER (WHERE at <= t), 0)
  FROM purchases GROUP BY i, t;
CREATE AGGREGATE gamma_gamma_partial(bigint, float8) (
    SFUNC = btyd_summary_add_gamma_gamma, STYPE = btyd_summary, COMBINEFUNC = btyd_summary_merge);
BEGIN;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TABLE sim_models AS
SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg,
       bgnbd_partial(x, t_x, t) AS bg_state, gamma_gamma_partial(x, mean_value) AS gg_state
  FROM sim_customers;
COMMIT;
SELECT split_part(bg_state::text, ';', 1) AS bg_state, split_part(gg_state::text, ';', 1) AS gg_state,
       customers(bg), converged(bg), customers(gg), converged(gg)
  FROM sim_models;
-- serial, forced parallel and partitionwise plans: the same fits, to the bit
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(x, t_x, t), gamma_gamma_fit(x, mean_value) FROM sim_customers;
SELECT f.bg::text = m.bg::text AS bgnbd_same, f.gg::text = m.gg::text AS gamma_gamma_same
  FROM (SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg FROM sim_customers) AS f,
       sim_models AS m;
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT bgnbd_fit(x, t_x, t), gamma_gamma_fit(x, mean_value) FROM sim_customers;
SELECT f.bg::text = m.bg::text AS bgnbd_same, f.gg::text = m.gg::text AS gamma_gamma_same
  FROM (SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg FROM sim_customers) AS f,
       sim_models AS m;
COMMIT;
-- text partials of 3 shards, each on a finer grid than the whole, merged
-- in two orders: the state of all the rows
CREATE TABLE sim_shards AS
SELECT customer % 3 AS shard, bgnbd_partial(x, t_x, t)::text AS state FROM sim_customers GROUP BY 1;
SELECT shard, split_part(state, ';', 1) AS state FROM sim_shards ORDER BY shard;
SELECT btyd_merge(state::btyd_summary ORDER BY shard) = (SELECT bg_state FROM sim_models) AS merged_same,
       btyd_merge(state::btyd_summary ORDER BY shard DESC)::text = (SELECT bg_state::text FROM sim_models) AS merged_text_same
  FROM sim_shards;
SELECT bg_state::text::btyd_summary = bg_state AS bg_text_round_trip,
       gg_state::text::btyd_summary = gg_state AS gg_text_round_trip
  FROM sim_models;

-- The gridded fit against the exact likelihood of the rows, computed here
-- in SQL: ln Gamma(r+x)/Gamma(r) + ln B(a, b+x)/B(a, b) + r ln alpha
-- + ln((alpha+t)^-(r+x) + [x > 0] a/(b+x-1) (alpha+t_x)^-(r+x)).
-- At the fit and at each parameter moved by a factor e^-0.01 and e^0.01:
CREATE TABLE ll_points AS
SELECT 0 AS param, 0 AS h, params(bg) AS p FROM sim_models
UNION ALL
SELECT i, h, (SELECT array_agg(CASE WHEN k = i THEN v * exp(h) ELSE v END ORDER BY k)
                FROM unnest(params(bg)) WITH ORDINALITY AS u(v, k))
  FROM sim_models, generate_series(1, 4) AS i, (VALUES (-0.01), (0.01)) AS s(h);
-- and, to check the formula, at an exact fit (10,000 customers, 10,000 tuples)
INSERT INTO ll_points SELECT -1, 0, params(bgnbd_fit(x, t_x, t)) FROM sim_customers WHERE customer <= 10000;
CREATE TABLE ll_exact AS
WITH per_x AS (
    SELECT param, h, p, x, coalesce(sum(ln(p[1] + j) + ln((p[4] + j) / (p[3] + p[4] + j))), 0) AS g
      FROM ll_points, (SELECT DISTINCT x FROM sim_customers) AS d LEFT JOIN LATERAL generate_series(0, x - 1) AS j ON true
     GROUP BY param, h, p, x
)
SELECT param, h, sum(g + p[1] * ln(p[2]) + greatest(a3, a4) + ln(1 + exp(least(a3, a4) - greatest(a3, a4)))) AS ll
  FROM per_x JOIN sim_customers AS c USING (x),
       LATERAL (SELECT -(p[1] + c.x) * ln(p[2] + c.t) AS a3,
                       CASE WHEN c.x > 0 THEN ln(p[3] / (p[4] + c.x - 1)) - (p[1] + c.x) * ln(p[2] + c.t_x)
                            ELSE '-Infinity' END AS a4) AS l
 WHERE param <> -1 OR c.customer <= 10000
 GROUP BY param, h;
-- the formula gives the exact fit's own log-likelihood (to 1e-12 of it)
SELECT abs(e.ll / log_likelihood(f) - 1) < 1e-12 AS formula_matches
  FROM ll_exact AS e, (SELECT bgnbd_fit(x, t_x, t) AS f FROM sim_customers WHERE customer <= 10000) AS s
 WHERE e.param = -1;
-- The 4-bit cells err in the likelihood by less than 0.001 a customer,
-- and the exact likelihood is flat at the gridded fit: along each
-- parameter its maximum lies within 0.1 % of it (a Newton step from
-- central differences).  Fitted exactly (by a build with the limits
-- raised), these rows give parameters within 0.17 % of the gridded ones.
SELECT abs(log_likelihood(bg) - e.ll) / customers(bg) < 1e-3 AS ll_close
  FROM sim_models, ll_exact AS e WHERE e.param = 0;
SELECT up.param, abs(((up.ll - down.ll) / 0.02) / ((2 * mid.ll - up.ll - down.ll) / 0.0001)) < 1e-3 AS within_0_1_percent
  FROM ll_exact AS up JOIN ll_exact AS down USING (param), ll_exact AS mid
 WHERE up.h > 0 AND down.h < 0 AND mid.param = 0
 ORDER BY up.param;

-- The state's size: 100,000 and 1,000,000 customers (times spread over
-- 1 to 78 weeks, up to 46 repeat purchases) on a grid of 32,768 tuples at
-- most, so the binary form stays below 1.5 MB and the aggregate's working
-- state (room for as many again) the same size for both.
SELECT n, split_part(s::text, ';', 1) AS state, length(btyd_summary_send(s)) <= 16 + 48 * 32768 AS within_budget,
       pg_column_size(s) AS working_bytes
  FROM (VALUES (100000), (1000000)) AS v(n),
       LATERAL (SELECT bgnbd_partial(x, CASE WHEN x > 0 THEN t * sqrt(u3) ELSE 0 END, t) AS s
                  FROM (SELECT floor(ln(u2) / ln(0.75))::bigint AS x, 1 + 77 * u1 AS t, u3
                          FROM (SELECT ((i * 2654435761) % 1000003 + 0.5::float8) / 1000003 AS u1,
                                       ((i * 15485863) % 1000003 + 0.5::float8) / 1000003 AS u2,
                                       ((i * 104729 + 7) % 999983 + 0.5::float8) / 999983 AS u3
                                  FROM generate_series(1, n::bigint) AS i) AS u) AS c) AS f
 ORDER BY n;

-- a coarse grid's text says its bits (version 2); merged with a finer
-- state, the finer cells join the coarser grid: 20.375 (6 bits) lies in
-- the upper half of 20.25 (5 bits), so its offset gains 65,536
SELECT 'v2 gamma_gamma rows=2 gridded bits=5; x=1 mean_value=20.25 n=2 mean_value_offset=131069'::btyd_summary;
SELECT btyd_summary_merge('v1 gamma_gamma rows=1 gridded; x=1 mean_value=20.375 n=1 mean_value_offset=4',
                          'v2 gamma_gamma rows=2 gridded bits=5; x=1 mean_value=20.25 n=2 mean_value_offset=131069');
SELECT btyd_summary_merge('v2 gamma_gamma rows=2 gridded bits=5; x=1 mean_value=20.25 n=2 mean_value_offset=131069',
                          'v1 gamma_gamma rows=1 gridded; x=1 mean_value=20.375 n=1 mean_value_offset=4');
-- malformed grids: no bits, bits outside 3..5, a key off the 5-bit grid,
-- an offset beyond the 5-bit cell
SELECT 'v2 gamma_gamma rows=1 gridded; x=1 mean_value=20.25 n=1 mean_value_offset=4'::btyd_summary;
SELECT 'v2 gamma_gamma rows=1 bits=5; x=1 mean_value=20.25 n=1 mean_value_offset=4'::btyd_summary;
SELECT 'v2 gamma_gamma rows=1 gridded bits=6; x=1 mean_value=20.375 n=1 mean_value_offset=4'::btyd_summary;
SELECT 'v2 gamma_gamma rows=1 gridded bits=2; x=1 mean_value=20 n=1 mean_value_offset=4'::btyd_summary;
SELECT 'v2 gamma_gamma rows=1 gridded bits=5; x=1 mean_value=20.375 n=1 mean_value_offset=4'::btyd_summary;
SELECT 'v2 gamma_gamma rows=1 gridded bits=5; x=1 mean_value=20.25 n=1 mean_value_offset=131072'::btyd_summary;

-- models re-read exactly from text, and are small
SELECT bg::text::bgnbd_model = bg AS bg_text, pn::text::pareto_nbd_model = pn AS pn_text,
       gg::text::gamma_gamma_model = gg AS gg_text, pg_column_size(bg) AS bytes
  FROM cdnow_models;
SELECT m::text::sbg_model = m AS sbg_text FROM cohort_models;
SELECT 'v1 r=0.25 alpha=4 a=0.8 b=2.5 log_likelihood=-9582.5 customers=2357 iterations=10 converged=false'::bgnbd_model;
SELECT params(m), log_likelihood(m), customers(m), converged(m), iterations(m)
  FROM (SELECT 'v1 alpha=0.7 beta=1.2 log_likelihood=-1680.3 customers=1000 iterations=3 converged=true'::sbg_model AS m) AS t;

--
-- Predictions
--
-- a new customer's expected purchases in the 39 weeks of the holdout
-- period (FHL 2005 figure 2 ends near 1.44 per customer at week 78)
SELECT round(expected_purchases(bg, 39)::numeric, 4) AS bg_39,
       round(expected_purchases(pn, 39)::numeric, 4) AS pn_39,
       expected_purchases(bg, 0) AS at_zero
  FROM cdnow_models;
-- FHL 2005 section 5: a customer with x = 2, t_x = 30.43, T = 38.86 is
-- expected to make 1.226 purchases in the next 39 weeks
SELECT round(expected_purchases(bg, 39, 2, 30.43, 38.86)::numeric, 3) AS bg_customer,
       round(expected_purchases(pn, 39, 2, 30.43, 38.86)::numeric, 3) AS pn_customer,
       round(p_alive(bg, 2, 30.43, 38.86)::numeric, 4) AS bg_alive,
       round(p_alive(pn, 2, 30.43, 38.86)::numeric, 4) AS pn_alive,
       p_alive(bg, 0, 0, 38.86) AS bg_no_repeat, round(p_alive(pn, 0, 0, 38.86)::numeric, 4) AS pn_no_repeat
  FROM cdnow_models;
-- the history equal to a new customer's gives the unconditional figure
SELECT abs(expected_purchases(bg, 39, 0, 0, 0) - expected_purchases(bg, 39)) < 1e-12 AS bg_new,
       abs(expected_purchases(pn, 39, 0, 0, 0) - expected_purchases(pn, 39)) < 1e-12 AS pn_new
  FROM cdnow_models;
-- P(N(t) = n) is a distribution whose mean is expected_purchases
SELECT round(sum(purchase_probability(bg, n, 39))::numeric, 8) AS bg_total,
       round((sum(n * purchase_probability(bg, n, 39)) - expected_purchases(bg, 39))::numeric, 8) AS bg_mean_error,
       round(sum(purchase_probability(pn, n, 39))::numeric, 8) AS pn_total,
       round((sum(n * purchase_probability(pn, n, 39)) - expected_purchases(pn, 39))::numeric, 6) AS pn_mean_error,
       round(purchase_probability(bg, 0, 39)::numeric, 4) AS bg_p0, round(purchase_probability(pn, 0, 39)::numeric, 4) AS pn_p0
  FROM cdnow_models, generate_series(0, 200) AS n
 GROUP BY bg, pn;
-- Gamma-Gamma: a customer's expected spend shrinks towards the population
-- mean p v / (q - 1)
SELECT round(expected_mean_value(gg, 0, 0)::numeric, 2) AS population_mean,
       round(expected_mean_value(gg, 2, 22.35)::numeric, 2) AS customer_1,
       round(expected_mean_value(gg, 100, 22.35)::numeric, 2) AS many_purchases
  FROM cdnow_models;
-- CLV: without discounting, the expected purchases times the expected spend
SELECT round(clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0)::numeric, 2) AS clv_undiscounted,
       round((expected_purchases(bg, 52, 2, 30.43, 38.86) * expected_mean_value(gg, 2, 22.35))::numeric, 2) AS product,
       round(clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, 0.002)::numeric, 2) AS clv_discounted,
       round(clv(pn, gg, 2, 30.43, 38.86, 22.35, 52, 0.002)::numeric, 2) AS pareto_clv,
       clv(bg, gg, 2, 30.43, 38.86, 22.35, 0, 0.01) AS no_horizon
  FROM cdnow_models;
-- sBG: projected survival and retention against the data, and the
-- discounted expected lifetime against its series
SELECT segment, period, alive, round(1000 * survival(m, period)::numeric, 0) AS projected,
       CASE WHEN period > 0 THEN round(retention_rate(m, period)::numeric, 3) END AS retention
  FROM cohorts JOIN cohort_models USING (segment)
 WHERE period IN (0, 1, 4, 7) ORDER BY segment DESC, period;
SELECT segment, round(expected_lifetime(m, 0.1)::numeric, 4) AS del,
       round((SELECT sum(survival(m, t) / 1.1 ^ t) FROM generate_series(0, 2000) AS t)::numeric, 4) AS series,
       round(survival(m, 12)::numeric, 4) AS year_12
  FROM cohort_models ORDER BY segment DESC;

--
-- A fit that cannot converge says so: with nobody repeating, BG/NBD's
-- purchase rate runs to zero and no maximum exists.
--
SELECT converged(bgnbd_fit(0, 0, t)) AS no_repeats_converged,
       customers(bgnbd_fit(0, 0, t))
  FROM generate_series(1, 20) AS t;
SELECT bgnbd_fit(x, t_x, t) IS NULL AS empty FROM cdnow_parts WHERE false;
SELECT bgnbd_fit(x, t_x, t) IS NULL AS nulls_skipped FROM (VALUES (NULL::bigint, 1.0, 2.0), (1, NULL, 2)) AS v(x, t_x, t);

--
-- Impossible rows and bad parameters
--
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (-1, 0.0, 1.0)) AS v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (2, 5.0, 4.0)) AS v(x, t_x, t);
SELECT pareto_nbd_fit(x, t_x, t) FROM (VALUES (2, 1.0, 'NaN'::float8)) AS v(x, t_x, t);
SELECT pareto_nbd_fit(x, t_x, t) FROM (VALUES (0, 0.0, -1.0)) AS v(x, t_x, t);
SELECT bgnbd_fit(x, t_x, t) FROM (VALUES (0, 1.0, 4.0)) AS v(x, t_x, t);
SELECT gamma_gamma_fit(x, v) FROM (VALUES (2, 0.0)) AS v(x, v);
SELECT gamma_gamma_fit(x, v) FROM (VALUES (-2, 10.0)) AS v(x, v);
SELECT sbg_fit(p, n) FROM (VALUES (0, 10), (1, -1)) AS v(p, n);
SELECT sbg_fit(p, n) FROM (VALUES (0, 10), (2, 5)) AS v(p, n);
SELECT sbg_fit(p, n) FROM (VALUES (0, 10), (1, 11)) AS v(p, n);
SELECT sbg_fit(p, n) FROM (VALUES (0, 10)) AS v(p, n);
SELECT p_alive(bg, 3, 40, 38.86) FROM cdnow_models;
SELECT expected_purchases(bg, -1) FROM cdnow_models;
SELECT purchase_probability(bg, -1, 10) FROM cdnow_models;
SELECT expected_mean_value(gg, 2, -5) FROM cdnow_models;
SELECT clv(bg, gg, 2, 30.43, 38.86, 22.35, 52, -0.1) FROM cdnow_models;
SELECT clv(bg, gg, 2, 30.43, 38.86, 22.35, 'Infinity', 0.1) FROM cdnow_models;
SELECT survival(m, -1) FROM cohort_models WHERE segment = 'regular';
SELECT retention_rate(m, 0) FROM cohort_models WHERE segment = 'regular';
SELECT expected_lifetime(m, 0) FROM cohort_models WHERE segment = 'regular';
SELECT expected_mean_value('v1 p=6 q=0.5 v=15 log_likelihood=-10 customers=5 iterations=1 converged=true', 0, 0);
SELECT bgnbd_fit_final(btyd_summary_add_gamma_gamma(NULL, 2, 10));
SELECT btyd_summary_merge(btyd_summary_add_sbg(NULL, 0, 10), btyd_summary_add_bgnbd(NULL, 1, 1, 2));
-- malformed text
SELECT 'v1 r=-1 alpha=4 a=0.8 b=2.5 log_likelihood=-9582.5 customers=2357 iterations=10 converged=true'::bgnbd_model;
SELECT 'v1 r=1 alpha=4 a=0.8 b=2.5 log_likelihood=-9582.5 customers=2357 iterations=10'::bgnbd_model;
SELECT 'v2 alpha=1 beta=1 log_likelihood=-1 customers=1 iterations=1 converged=true'::sbg_model;
SELECT 'v1 bgnbd rows=2; x=1 t_x=3 t=2 n=2'::btyd_summary;
SELECT 'v1 bgnbd rows=3; x=1 t_x=1 t=2 n=2'::btyd_summary;
SELECT 'v1 poisson rows=0'::btyd_summary;

DROP AGGREGATE bgnbd_partial(bigint, float8, float8);
DROP AGGREGATE btyd_merge(btyd_summary);
DROP TABLE cdnow_lines, cdnow_orders, cdnow_customers, cdnow_csv, cdnow_models, cohorts, cohort_models,
    cdnow_parts, bg_partials, cdnow_copies, gridded_models, sim_customers, sim_models, sim_shards, ll_points, ll_exact;
DROP AGGREGATE gamma_gamma_partial(bigint, float8);
