--
-- CLV: clv_summary, CLV, average order value and revenue per customer,
-- cac.  Money is exact: revenue figures equal sum()/avg() over the same
-- numeric column, digit for digit.
--
SET extra_float_digits = 0;

--
-- A worked example.  Three customers:
--   1: 100.00 on 2024-01-01 and 50.50 on 2024-07-01 (182 days apart)
--   2: 20 on 2024-03-01 (one purchase, lifespan 0)
--   3: -5.255 (a refund) on 2024-12-31 and 10 on 2025-01-01 (1 day apart)
-- revenue R = 100.00 + 50.50 + 20 - 5.255 + 10 = 175.245 (scale 3, the
-- largest seen, as sum() gives); purchases P = 5; customers C = 3.
-- avg_purchase_value = 175.245 / 5 = 35.049
-- revenue_per_customer = 175.245 / 3 = 58.415
-- window W = 2024-01-01 .. 2025-01-01 = 366 days
-- purchase_frequency = P / C / (W / 365.25) = 5 / 3 * 365.25 / 366 = 1.66325136...
-- avg_lifespan = (182 + 0 + 1) / 3 / 365.25 = 0.16700889... years
-- clv = 35.049 * 1.66325136 * 0.16700889 = R * L / (C^2 * W)
--     = 175.245 * 183 / (9 * 366) = 9.73583333...
-- clv with a 2-year lifespan = 35.049 * 1.66325136 * 2 = 116.59059426...
--
CREATE TABLE orders (customer int, amount numeric, purchased_at timestamptz);
INSERT INTO orders VALUES
    (1, 100.00, '2024-01-01 00:00+00'), (1, 50.50, '2024-07-01 00:00+00'),
    (2, 20, '2024-03-01 00:00+00'),
    (3, -5.255, '2024-12-31 00:00+00'), (3, 10, '2025-01-01 00:00+00'),
    (NULL, 1000, '2024-05-05 00:00+00'), (4, NULL, '2024-05-05 00:00+00'), (5, 1000, NULL);
SELECT customers(s), purchases(s), revenue(s), avg_purchase_value(s), revenue_per_customer(s),
       purchase_frequency(s), avg_lifespan(s), clv(s), clv(s, 2) AS clv_2_years
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS s FROM orders) AS t;
SELECT clv(customer, amount, purchased_at) AS one_step,
       sum(amount) FILTER (WHERE customer IS NOT NULL AND purchased_at IS NOT NULL) AS sum,
       avg(amount) FILTER (WHERE customer IS NOT NULL AND purchased_at IS NOT NULL) AS avg
  FROM orders;
SELECT clv_summary(customer, amount, purchased_at) FROM orders;

-- every customer key type gives the same figures; text keys compare byte
-- for byte, so 'A' and 'a' are two customers
SELECT kind, clv, customers
  FROM (SELECT 'integer' AS kind, clv(customer, amount, purchased_at), customers(clv_summary(customer, amount, purchased_at)) FROM orders
        UNION ALL
        SELECT 'bigint', clv(customer::bigint, amount, purchased_at), customers(clv_summary(customer::bigint, amount, purchased_at)) FROM orders
        UNION ALL
        SELECT 'text', clv('cust-' || customer, amount, purchased_at), customers(clv_summary('cust-' || customer, amount, purchased_at)) FROM orders
        UNION ALL
        SELECT 'uuid', clv(md5(customer::text)::uuid, amount, purchased_at), customers(clv_summary(md5(customer::text)::uuid, amount, purchased_at)) FROM orders) AS k;
SELECT clv_summary(c, 1, '2024-01-01 00:00+00') FROM (VALUES ('A'), ('a'), ('A'), ('say "hi"'), ('')) AS v(c);
SELECT clv_summary(md5(c)::uuid, 1, '2024-01-01 00:00+00') FROM (VALUES ('x'), ('y')) AS v(c);
SELECT clv_summary(c, 1, '2024-01-01 00:00+00') FROM (VALUES (-9223372036854775808), (9223372036854775807)) AS v(c);

-- NULLs and empty groups: NULL, as sum() gives; an empty summary from text
-- has zero counts and NULL ratios
SELECT clv_summary(customer, amount, purchased_at), clv(customer, amount, purchased_at)
  FROM orders WHERE customer > 100;
SELECT customers(s), purchases(s), revenue(s), avg_purchase_value(s), revenue_per_customer(s),
       purchase_frequency(s), avg_lifespan(s), clv(s), clv(s, 3)
  FROM (VALUES ('v1 uuid scale=2'::clv_summary)) AS v(s);
-- one purchase: a window under a day counts as a day, lifespan 0
SELECT purchase_frequency(s), avg_lifespan(s), clv(s), clv(s, 1)
  FROM (SELECT clv_summary(1, 10.00, now()) AS s) AS t;

--
-- Exact money: 4,000 amounts with 0 to 20 decimals, magnitudes up to 1e15,
-- both signs, in 500 customers.  Revenue equals sum() digit for digit
-- (same scale too), avg_purchase_value equals avg(), per group as well.
--
CREATE OR REPLACE FUNCTION u(k text) RETURNS float8 IMMUTABLE LANGUAGE sql
    AS $$ SELECT ('x' || substr(md5(k), 1, 8))::bit(32)::bigint / 4294967296.0 $$;
CREATE TABLE money AS
SELECT i, (i % 500) AS customer, i % 7 AS grp,
       round(((u('a' || i) - 0.3) * power(10, floor(u('b' || i) * 16)))::numeric, (i % 21)) AS amount,
       timestamptz '2020-01-01 00:00+00' + (u('c' || i) * 2000) * interval '1 day' AS purchased_at
  FROM generate_series(1, 4000) AS i;
SELECT min(scale(amount)) AS min_scale, max(scale(amount)) AS max_scale, max(abs(amount)) > 1e14 AS large FROM money;
SELECT revenue(s)::text = sum::text AS revenue_exact, avg_purchase_value(s) = avg AS apv_exact,
       revenue_per_customer(s) = sum / 500 AS per_customer_exact, customers(s), purchases(s)
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS s, sum(amount), avg(amount) FROM money) AS t;
SELECT count(*) AS groups, count(*) FILTER (WHERE revenue(s)::text = total::text) AS exact
  FROM (SELECT grp, clv_summary(customer::text, amount, purchased_at) AS s, sum(amount) AS total
          FROM money GROUP BY grp) AS t;
-- the scale grows as finer amounts arrive; earlier amounts are rescaled
SELECT revenue(clv_summary(c, a, '2024-01-01 00:00+00')) FROM (VALUES (1, 1), (2, 0.5), (1, 0.125), (3, -0.0625)) AS v(c, a);
-- per-customer revenue is exact too: the text form against GROUP BY customer
SELECT count(*) AS customers,
       count(*) FILTER (WHERE r.revenue = g.revenue AND r.purchases = g.purchases
                          AND r.first = g.first AND r.last = g.last) AS exact
  FROM (SELECT (regexp_match(part, '^(\d+) purchases=(\d+) revenue=(\S+) first=(\S+) last=(\S+)$')) AS m
          FROM regexp_split_to_table((SELECT clv_summary(customer, amount, purchased_at)::text FROM money), '; ') AS part
        OFFSET 1) AS p,
       LATERAL (SELECT p.m[1]::int AS customer, p.m[2]::bigint AS purchases, p.m[3]::numeric AS revenue,
                       p.m[4]::timestamptz AS first, p.m[5]::timestamptz AS last) AS r
  JOIN (SELECT customer, count(*) AS purchases, sum(amount) AS revenue, min(purchased_at) AS first,
               max(purchased_at) AS last
          FROM money GROUP BY customer) AS g USING (customer);

--
-- rollup: a customer in several summaries is one customer.  Monthly
-- summaries (overlapping customer sets), summaries of disjoint customer
-- sets, and random splits all roll up to the one-step summary.
--
SELECT rollup(s)::text = (SELECT clv_summary(customer, amount, purchased_at)::text FROM money) AS months_equal_whole,
       customers(rollup(s)), sum(customers(s)) AS customer_months
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS s FROM money
         GROUP BY date_trunc('month', purchased_at AT TIME ZONE 'UTC')) AS t;
SELECT rollup(s)::text = (SELECT clv_summary(customer, amount, purchased_at)::text FROM money) AS disjoint_equal_whole
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS s FROM money GROUP BY customer % 3) AS t;
SELECT rollup(s)::text = (SELECT clv_summary(customer::text, amount, purchased_at)::text FROM money) AS text_keys_equal_whole
  FROM (SELECT clv_summary(customer::text, amount, purchased_at) AS s FROM money GROUP BY i % 11) AS t;
-- a customer seen in January and in March is one customer with a 2-month span
SELECT customers(r), avg_lifespan(r) * 365.25 AS lifespan_days, r
  FROM (SELECT rollup(s) AS r
          FROM (SELECT clv_summary(7, 10, '2024-01-15 00:00+00') AS s
                UNION ALL
                SELECT clv_summary(7, 30, '2024-03-15 00:00+00')) AS v) AS t;
-- text and back, then rollup: exactly the serial summary (the path a
-- distributed coordinator takes)
SELECT rollup(s::text::clv_summary)::text = (SELECT clv_summary(customer, amount, purchased_at)::text FROM money) AS via_text
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS s FROM money GROUP BY grp) AS t;
SELECT rollup(s) FROM (VALUES (NULL::clv_summary)) AS v(s);

-- as a window function the final function leaves the state alone
SELECT i, customers(clv_summary(customer, amount, purchased_at) OVER w),
       revenue(clv_summary(customer, amount, purchased_at) OVER w) = sum(amount) OVER w AS exact
  FROM money WHERE i <= 6 WINDOW w AS (ORDER BY i) ORDER BY i;

--
-- Forced parallel plans give the serial answers
--
CREATE TABLE big_orders AS
SELECT i, (i * 7919) % 20000 AS customer, ((i * 31) % 100000) / 100.0 AS amount,
       timestamptz '2024-01-01 00:00+00' + (i % 700) * interval '1 day' AS purchased_at
  FROM generate_series(1, 100000) AS i;
CREATE TEMP TABLE serial AS
SELECT clv_summary(customer, amount, purchased_at)::text AS summary, clv(customer::text, amount, purchased_at) AS clv
  FROM big_orders;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF) SELECT clv(customer, amount, purchased_at) FROM big_orders;
SELECT (SELECT row(s.*)::text FROM serial s) =
       (SELECT row(clv_summary(customer, amount, purchased_at)::text, clv(customer::text, amount, purchased_at))::text
          FROM big_orders) AS parallel_equals_serial;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- many small groups stay small: a handful of purchases per group
SELECT max(pg_column_size(s)) AS largest_bytes, avg(pg_column_size(s))::int AS average_bytes
  FROM (SELECT clv_summary(customer, amount, purchased_at) AS s FROM big_orders GROUP BY i % 20000) AS t;

--
-- Stored summaries: the accessors read only the header, a slice of a
-- compressed or out-of-line value, and give what they give on the whole
-- summary in memory (v::text::clv_summary), in every storage form.
--
CREATE TABLE stored_clv (label text, ext clv_summary, main clv_summary, lz4 clv_summary COMPRESSION lz4);
ALTER TABLE stored_clv ALTER main SET STORAGE main;
INSERT INTO stored_clv
SELECT label, s, s, s
  FROM (SELECT 'one customer' AS label, clv_summary(1, 10.50, '2024-01-01 00:00+00') AS s
        UNION ALL SELECT 'empty', 'v1 uuid scale=2'::clv_summary
        UNION ALL SELECT '500 customers', clv_summary(customer, amount, purchased_at) FROM money
        UNION ALL SELECT '500 text keys', clv_summary('customer ' || customer, amount, purchased_at) FROM money
        UNION ALL SELECT '20000 customers', clv_summary(customer, amount, purchased_at) FROM big_orders) AS t;
SELECT label, col, pg_column_compression(v) AS compression, pg_column_size(v) > 2000 AS over_2kb,
       row(customers(v), purchases(v), revenue(v), avg_purchase_value(v), revenue_per_customer(v),
           purchase_frequency(v), avg_lifespan(v), clv(v), clv(v, 3))::text
       = row(customers(m), purchases(m), revenue(m), avg_purchase_value(m), revenue_per_customer(m),
             purchase_frequency(m), avg_lifespan(m), clv(m), clv(m, 3))::text AS same_as_in_memory
  FROM stored_clv,
       LATERAL (VALUES ('ext', ext), ('main', main), ('lz4', lz4)) AS c(col, v),
       LATERAL (SELECT v::text::clv_summary AS m) AS w
 ORDER BY label, col;
-- the large ones are out of line: one TOAST value per column each
SELECT (xpath('/row/n/text()', query_to_xml(format('SELECT count(DISTINCT chunk_id) AS n FROM %s', reltoastrelid::regclass),
                                             false, true, '')))[1]::text AS toasted_values
  FROM pg_class WHERE relname = 'stored_clv';
SELECT customers(ext), revenue(lz4), clv(main) FROM stored_clv WHERE label = '20000 customers';
-- a value shorter than the header, or whose header does not match its
-- size, is a clean error however it is stored: polygons taken as
-- clv_summary (the point count's low byte reads as the version; 257 zero
-- points give version 1, key kind 1 and a zero header, 4,152 bytes long)
CREATE CAST (polygon AS clv_summary) WITHOUT FUNCTION;
CREATE TABLE stored_corrupt (label text, s clv_summary, uncompressed clv_summary);
ALTER TABLE stored_corrupt ALTER uncompressed SET STORAGE external;
INSERT INTO stored_corrupt
SELECT label, p::clv_summary, p::clv_summary
  FROM (SELECT 'short' AS label, '((0,0))'::polygon AS p
        UNION ALL
        SELECT 'bad header', ('(' || string_agg('(0,0)', ',') || ')')::polygon FROM generate_series(1, 257)) AS v;
DROP CAST (polygon AS clv_summary);
SELECT label, col, pg_column_compression(v) AS compression,
       sqlstate_of(format('SELECT customers(%I) FROM stored_corrupt WHERE label = %L', col, label)) AS customers,
       sqlstate_of(format('SELECT clv(%I) FROM stored_corrupt WHERE label = %L', col, label)) AS clv
  FROM stored_corrupt, LATERAL (VALUES ('s', s), ('uncompressed', uncompressed)) AS c(col, v)
 ORDER BY label, col;

--
-- Text form: re-reads to an equal value; malformed or impossible input is
-- a clean error naming the type
--
SELECT s::clv_summary::text AS reread
  FROM (VALUES ('v1 integer scale=0'),
               ('  v1  text  scale=2 ;"b" purchases=1 revenue=-1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z;  "a" purchases=2 revenue=3.5 first=0001-01-01T00:00:00Z last=9999-12-31T23:59:59.999999Z  '),
               ('v1 uuid scale=0; A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11 purchases=1 revenue=5 first=2024-02-29T12:00:00.25Z last=2024-02-29T12:00:00.25Z')) AS v(s);
-- customers in any order: the running total of 9e37 + 9e37 - 9e37 passes
-- the int128 limit on the way, the total does not (found by fuzzing: the
-- sorted text form of such a value did not re-read); beyond the limit it
-- is an error whatever the order
SELECT s::clv_summary::text = s::clv_summary::text::clv_summary::text AS rereads,
       revenue(s::clv_summary) AS revenue
  FROM (VALUES ('v1 integer scale=0; 2 purchases=1 revenue=90000000000000000000000000000000000000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z;'
                || ' 3 purchases=1 revenue=90000000000000000000000000000000000000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z;'
                || ' 1 purchases=1 revenue=-90000000000000000000000000000000000000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z')) AS v(s);
SELECT sqlstate_of($$SELECT 'v1 integer scale=0; 2 purchases=1 revenue=90000000000000000000000000000000000000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z; 3 purchases=1 revenue=90000000000000000000000000000000000000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'::clv_summary$$);
-- amounts stay within +-(2^127 - 1) units, where -2^127 would not re-read
SELECT sqlstate_of($$SELECT 'v1 integer scale=0; 1 purchases=1 revenue=-170141183460469231731687303715884105727 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z; 2 purchases=1 revenue=-1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'::clv_summary$$);
SELECT sqlstate_of($$SELECT clv_summary(c, a, '2024-01-01') FROM (VALUES (1, -170141183460469231731687303715884105727), (1, -1)) AS v(c, a)$$);
SELECT t AS input, sqlstate_of(format('SELECT %L::clv_summary', t)) AS error
  FROM (VALUES (''), ('v2 integer scale=0'), ('v1 bigint scale=0'), ('v1 integer'), ('v1 integer scale=39'),
               ('v1 integer scale=0;'), ('v1 integer scale=0; 1 purchases=1'),
               ('v1 integer scale=0; 1 purchases=0 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2024-01-02T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=1; 1 purchases=1 revenue=1.25 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2023-02-29T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2024-01-01 00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2024-01-01T24:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=0000-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2024-01-01T00:00:00+01 last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z; 1 purchases=1 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 9223372036854775808 purchases=1 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0; 1 purchases=1 revenue=1000000000000000000000000000000000000000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 text scale=0; x purchases=1 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 text scale=0; "x purchases=1 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 uuid scale=0; a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1 purchases=1 revenue=1 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
               ('v1 integer scale=0 trailing')) AS v(t);

--
-- Errors
--
SELECT sqlstate_of($$SELECT clv_summary(1, 'NaN'::numeric, now())$$);
SELECT sqlstate_of($$SELECT clv(1, 'Infinity'::numeric, now())$$);
SELECT sqlstate_of($$SELECT clv_summary(1, 1e-40, now())$$);
SELECT sqlstate_of($$SELECT clv_summary(1, 2e38, now())$$);
SELECT sqlstate_of($$SELECT clv_summary(c, 9e37, now()) FROM (VALUES (1), (1)) AS v(c)$$);
SELECT sqlstate_of($$SELECT clv_summary(c, 9e37, now()) FROM (VALUES (1), (2)) AS v(c)$$);
SELECT sqlstate_of($$SELECT clv_summary(c, a, now()) FROM (VALUES (1, 1e20), (2, 0.0000000000000000001)) AS v(c, a)$$);
SELECT sqlstate_of($$SELECT clv_summary(1, 1, 'infinity'::timestamptz)$$);
SELECT sqlstate_of($$SELECT clv_summary(1, 1, '10000-01-01 00:00+00'::timestamptz)$$);
-- the years are UTC years, and the message shows the time in UTC whatever the session's zone
SET TimeZone = 'America/Los_Angeles';
SELECT sqlstate_of($$SELECT clv_summary(1, 1, '9999-12-31 20:00-08'::timestamptz)$$);
SELECT sqlstate_of($$SELECT clv_summary(1, 1, '0001-01-01 00:00:00+01'::timestamptz)$$);
RESET TimeZone;
SELECT sqlstate_of($$SELECT rollup(s) FROM (SELECT clv_summary(1, 1, now()) AS s UNION ALL SELECT clv_summary('1', 1, now())) AS v$$);
SELECT sqlstate_of($$SELECT clv_summary_add(clv_summary(1, 1, now()), 'x'::text, 1, now())$$);
SELECT sqlstate_of($$SELECT clv_summary_add(clv_summary('x', 1, now()), 1, 1, now())$$);
-- integer and bigint ids are one kind (both kept as bigint): customer 1 is
-- one customer, and the text form calls the kind integer
SELECT customers(s), purchases(s), s
  FROM (SELECT rollup(s) AS s
          FROM (SELECT clv_summary(1, 1, '2024-01-01 00:00+00') AS s
                UNION ALL SELECT clv_summary(1::bigint, 2, '2024-02-01 00:00+00')
                UNION ALL SELECT clv_summary(9223372036854775807, 3, '2024-03-01 00:00+00')) AS v) AS t;
SELECT clv_summary_add(clv_summary(1, 1, '2024-01-01 00:00+00'), 2::bigint, 1, '2024-01-01 00:00+00') AS bigint_into_integer;
-- Not tested: 54000 "a clv_summary cannot hold N customers".  It takes more
-- than 12582912 customers in one summary (or text keys filling 1 GB): over
-- a minute and several GB of memory, too much for a suite that runs on
-- shared machines.  Half as many took 32 s and 2.2 GB.
SELECT clv(50.00, 2.5, 3) AS textbook, clv(-5, 0, 0) AS zero, clv(12.345, 1.5, 0.5);
SELECT sqlstate_of($$SELECT clv(50, -1, 3)$$);
SELECT sqlstate_of($$SELECT clv(50, 1, 'NaN'::numeric)$$);
SELECT sqlstate_of($$SELECT clv('Infinity'::numeric, 1, 1)$$);
SELECT sqlstate_of($$SELECT clv(clv_summary(1, 1, now()), -2)$$);
-- CAC: spend / new customers, NULL when there are none
SELECT cac(1000, 3) AS cac, cac(1234.50, 10) AS exact, cac(1000, 0) AS no_customers, cac(0, 5) AS free;
SELECT sqlstate_of($$SELECT cac(-1, 3)$$);
SELECT sqlstate_of($$SELECT cac(100, -3)$$);
SELECT sqlstate_of($$SELECT cac('NaN', 3)$$);
-- Equality (1.1): = and <> compare what a summary holds, and a hash class
-- makes DISTINCT, UNION, GROUP BY and hash joins work; summaries have no
-- order, so there is no btree class.
-- The same purchases added in either order (so into hash tables filled in
-- another order) or merged in either order are one value with one hash, as
-- are integer and bigint keys, and text input listing customers in another
-- order.  Text keys are other customers; a higher scale shows in every
-- figure (revenue 3.000, not 3.00), so it is another summary.
CREATE TABLE eq_clv (label text, s clv_summary);
INSERT INTO eq_clv VALUES
    ('forward', (SELECT clv_summary(customer, amount, purchased_at ORDER BY i) FROM big_orders WHERE i <= 3000)),
    ('backward', (SELECT clv_summary(customer, amount, purchased_at ORDER BY i DESC) FROM big_orders WHERE i <= 3000)),
    ('merged', (SELECT rollup(s ORDER BY k) FROM (SELECT i % 5 AS k, clv_summary(customer, amount, purchased_at) AS s
                                                  FROM big_orders WHERE i <= 3000 GROUP BY i % 5) AS parts)),
    ('merged backwards', (SELECT rollup(s ORDER BY k DESC) FROM (SELECT i % 5 AS k, clv_summary(customer, amount, purchased_at) AS s
                                                                 FROM big_orders WHERE i <= 3000 GROUP BY i % 5) AS parts)),
    ('bigint keys', (SELECT clv_summary(customer::bigint, amount, purchased_at) FROM big_orders WHERE i <= 3000)),
    ('text keys', (SELECT clv_summary(customer::text, amount, purchased_at) FROM big_orders WHERE i <= 3000)),
    ('one more', (SELECT clv_summary(customer, amount, purchased_at) FROM big_orders WHERE i <= 3001)),
    ('two', 'v1 integer scale=2; 1 purchases=1 revenue=1.00 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z; 2 purchases=2 revenue=3.00 first=2024-01-01T00:00:00Z last=2024-02-01T00:00:00Z'),
    ('two, listed backwards', 'v1 integer scale=2; 2 purchases=2 revenue=3.00 first=2024-01-01T00:00:00Z last=2024-02-01T00:00:00Z; 1 purchases=1 revenue=1.00 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'),
    ('two, at scale 3', 'v1 integer scale=3; 1 purchases=1 revenue=1.000 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z; 2 purchases=2 revenue=3.000 first=2024-01-01T00:00:00Z last=2024-02-01T00:00:00Z'),
    ('empty', 'v1 integer scale=0'),
    ('empty, text keys', 'v1 text scale=0'),
    ('null', NULL);
SELECT label, customers(s) FROM eq_clv ORDER BY label;
SELECT * FROM equality_matrix('eq_clv');
-- NULL compares as NULL
SELECT NULL::clv_summary = 'v1 integer scale=0' AS eq_null, 'v1 integer scale=0'::clv_summary <> NULL AS ne_null,
       clv_summary_hash(NULL) AS hash_null;
SELECT * FROM equality_laws('eq_clv');
SELECT * FROM hash_join_pairs('eq_clv');
