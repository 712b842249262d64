--
-- From orders to the rows the BTYD fits take: btyd_customer(day, amount,
-- observation_end[, unit]) -> (x, t_x, t, mean_value).  sql/btyd.sql checks
-- it against the CDNOW derivation of all 2,357 customers.
--
SET extra_float_digits = 0;
\set VERBOSITY default

-- One customer: two orders on 2024-01-01 are one purchase day (12.50), then
-- 2024-01-15 (7.25) and 2024-02-05 (3.00); the order of 2024-04-01 is after
-- observation_end.  x = 2 repeat days, t_x = 35 days = 5 weeks, t = 90 days
-- = 12.857 weeks, mean_value = (7.25 + 3.00) / 2 = 5.125.
CREATE TABLE day_orders (customer int, ordered_on date, amount numeric);
INSERT INTO day_orders VALUES
    (1, '2024-01-01', 10.50), (1, '2024-01-01', 2), (1, '2024-01-15', 7.25), (1, '2024-02-05', 3),
    (1, '2024-04-01', 100),
    -- one purchase day: x = 0, mean_value 0; the observation's last day counts
    (2, '2024-03-31', 40),
    -- only after the end: no row; NULL days and amounts are skipped
    (3, '2024-05-01', 10), (3, NULL, 5), (4, '2024-02-01', NULL),
    -- a free order is a purchase
    (5, '2024-01-10', 0), (5, '2024-01-20', 0);
SELECT customer, (btyd_customer(ordered_on, amount, '2024-03-31')).*
  FROM day_orders GROUP BY customer ORDER BY customer;
-- the unit: days, and one and a half days
SELECT customer, btyd_customer(ordered_on, amount, '2024-03-31', '1 day') AS in_days,
       btyd_customer(ordered_on, amount, '2024-03-31', '1 day 12:00') AS in_36_hours
  FROM day_orders WHERE customer = 1 GROUP BY customer;
SELECT btyd_customer(ordered_on, amount, '2024-03-31') IS NULL AS no_rows FROM day_orders WHERE false;

-- Exact money: the mean of 0.1 and 0.2 is 0.15, amounts at any scale.
SELECT (btyd_customer(d, a, '2024-12-31')).mean_value
  FROM (VALUES ('2024-01-01'::date, 1), ('2024-02-01', 0.1), ('2024-03-01', 0.2)) AS v(d, a);

-- The state: the purchase days sorted and distinct whatever the order of
-- the rows; the combine function adds the days of two states; the row can
-- be computed from a stored state.  purchase_state is the aggregate with
-- no final function, to look at states.
CREATE AGGREGATE purchase_state(date, numeric, date) (SFUNC = btyd_purchases_add, STYPE = btyd_purchases);
SELECT purchase_state(d, a, '2024-12-31') AS state
  FROM (VALUES ('2024-03-01'::date, 2), ('2024-01-01', 1.5), ('2024-03-01', 0.25)) AS v(d, a);
SELECT btyd_customer('v1 end=2024-12-31 unit=604800000000 scale=2; 2024-01-01=1.50 2024-03-01=2.25'::btyd_purchases);
CREATE TABLE shuffled_orders AS
SELECT k, date '2024-01-01' + (k * 37) % 90 AS d, (k % 7 * 1.25)::numeric AS a
  FROM generate_series(1, 300) AS k;
SELECT (SELECT purchase_state(d, a, '2024-03-15' ORDER BY k) FROM shuffled_orders)
     = (SELECT purchase_state(d, a, '2024-03-15' ORDER BY md5(k::text)) FROM shuffled_orders) AS order_independent,
       (SELECT btyd_purchases_merge(h1, h2) FROM
          (SELECT purchase_state(d, a, '2024-03-15') FILTER (WHERE k % 2 = 0) AS h1,
                  purchase_state(d, a, '2024-03-15') FILTER (WHERE k % 2 = 1) AS h2 FROM shuffled_orders) AS h)
     = (SELECT purchase_state(d, a, '2024-03-15') FROM shuffled_orders) AS merged_halves,
       (SELECT btyd_customer(purchase_state(d, a, '2024-03-15')) FROM shuffled_orders)
     = (SELECT btyd_customer(d, a, '2024-03-15') FROM shuffled_orders) AS same_row;
-- text and binary forms re-read to an equal state
SELECT s::text::btyd_purchases = s AS text_round_trip, s::text::btyd_purchases::text = s::text AS same_text,
       btyd_purchases_send(s) = btyd_purchases_send(s::text::btyd_purchases) AS same_binary
  FROM (SELECT purchase_state(d, a, '2024-03-15') AS s FROM shuffled_orders) AS t;
SELECT 'v1 end=2024-03-31 unit=86400000000 scale=0'::btyd_purchases AS no_days,
       btyd_customer('v1 end=2024-03-31 unit=86400000000 scale=0'::btyd_purchases) IS NULL AS no_row;

-- Parallel workers and partitions give the same rows (sql/scaleout.sql
-- runs both aggregates under every plan shape too).
CREATE TABLE parallel_orders AS
SELECT k % 500 AS customer, date '2023-01-01' + (k * 7919) % 700 AS d, ((k * 104729) % 10000 / 100.0)::numeric AS a
  FROM generate_series(1, 20000) AS k;
ANALYZE parallel_orders;
CREATE TABLE serial_customer_rows AS
SELECT customer, btyd_customer(d, a, '2024-06-30', '1 day') AS c FROM parallel_orders GROUP BY customer;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off;
EXPLAIN (COSTS OFF)
SELECT customer, btyd_customer(d, a, '2024-06-30', '1 day') FROM parallel_orders GROUP BY customer;
SELECT count(*) AS customers, count(*) FILTER (WHERE p.c IS NOT DISTINCT FROM s.c) AS same_as_serial
  FROM (SELECT customer, btyd_customer(d, a, '2024-06-30', '1 day') AS c FROM parallel_orders GROUP BY customer) AS p
  JOIN serial_customer_rows AS s USING (customer);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;

-- Bad input: an error naming the function and the value, nothing lost.
SELECT btyd_customer(ordered_on, -amount, '2024-03-31') FROM day_orders WHERE customer = 1;
SELECT btyd_customer(ordered_on, amount, '2024-03-31', '1 month') FROM day_orders;
SELECT btyd_customer(ordered_on, amount, '2024-03-31', '-1 day') FROM day_orders;
SELECT btyd_customer(ordered_on, amount, '2024-03-31', '0') FROM day_orders;
SELECT btyd_customer(ordered_on, amount, NULL) FROM day_orders;
SELECT btyd_customer(ordered_on, amount, '2024-03-31', NULL) FROM day_orders;
SELECT btyd_customer(ordered_on, amount, CASE WHEN customer = 1 THEN date '2024-03-31' ELSE '2024-03-30' END) FROM day_orders;
SELECT btyd_customer(ordered_on, amount, 'infinity') FROM day_orders;
SELECT btyd_customer('4714-11-24 BC', 1, '2024-03-31');
SELECT btyd_customer(ordered_on, 'NaN', '2024-03-31') FROM day_orders;
SELECT btyd_customer(d, a, '2024-12-31')
  FROM (VALUES ('2024-01-01'::date, 99999999999999999999999999999999999999), ('2024-02-01', 99999999999999999999999999999999999999),
               ('2024-02-01', 99999999999999999999999999999999999999)) AS v(d, a);
SELECT btyd_purchases_merge('v1 end=2024-03-31 unit=86400000000 scale=0'::btyd_purchases,
                            'v1 end=2024-03-31 unit=604800000000 scale=0'::btyd_purchases);
SELECT sqlstate_of($$SELECT btyd_customer(d, -1, '2024-03-31') FROM (VALUES ('2024-01-01'::date)) AS v(d)$$) AS negative,
       sqlstate_of($$SELECT btyd_customer(current_date, 1, current_date, '1 year')$$) AS months,
       sqlstate_of($$SELECT btyd_customer(current_date, 1, 'infinity')$$) AS infinite;
-- malformed text: 22P02, pointing at the bad part
SELECT t AS input, sqlstate_of(format('SELECT %L::btyd_purchases', t)) AS error
  FROM unnest(ARRAY[
    'v2 end=2024-03-31 unit=1 scale=0',
    'v1 end=2024-02-30 unit=1 scale=0',
    'v1 end=2024-03-31 unit=0 scale=0',
    'v1 end=2024-03-31 unit=1 scale=39',
    'v1 end=2024-03-31 unit=1 scale=0;',
    'v1 end=2024-03-31 unit=1 scale=0; 2024-01-02=1 2024-01-01=1',
    'v1 end=2024-03-31 unit=1 scale=0; 2024-01-01=1 2024-01-01=1',
    'v1 end=2024-03-31 unit=1 scale=0; 2024-04-01=1',
    'v1 end=2024-03-31 unit=1 scale=0; 2024-01-01=-1',
    'v1 end=2024-03-31 unit=1 scale=0; 2024-01-01=1.5',
    'v1 end=2024-03-31 unit=1 scale=0; 2024-01-01=1 x'
  ]) AS t;
SELECT 'v1 end=2024-03-31 unit=1 scale=0; 2024-01-02=1 2024-01-01=1'::btyd_purchases;
SELECT 'v1 end=2024-03-31 unit=1 scale=0; 2024-13-01=1'::btyd_purchases;
