-- The benchmark cases; test/bench/run.sh sets :rows and :repetitions.
\pset footer off
SET client_min_messages = warning;
CREATE EXTENSION kpi_ext;
CREATE EXTENSION tdigest;
CREATE EXTENSION pg_prewarm;

-- One table for every family: a survey answer, a churn flag and a response
-- time per row; 24 months, 730 days.  Deterministic arithmetic, no random().
CREATE TABLE facts AS
SELECT i AS id,
       date '2024-01-01' + (i % 24) * interval '1 month' AS month,
       (i % 730) AS day,
       CASE WHEN i % 50 = 0 THEN NULL
            ELSE (ARRAY[0, 1, 2, 3, 4, 5, 6, 6, 7, 7, 7, 8, 8, 8, 8, 9, 9, 9, 9, 10, 10])[1 + (i * 7919) % 21] END AS score,
       CASE WHEN i % 97 = 0 THEN NULL ELSE (i * 104729) % 1000 < 23 END AS churned,
       -- response times: log-uniform from 1 second to about 3 days
       make_interval(secs => round(exp(((i * 2654435761) % 1000003) / 1000003.0 * 12.5)::numeric, 3)::float8) AS response
  FROM generate_series(1, :rows::bigint) AS i;
-- handling times for grouped percentiles: log-uniform from 1 second to 16
-- hours; by day 730 groups of rows / 730, by account (the first 3/10 of the
-- rows) rows / 100 groups of 30, consecutive rows in different groups
CREATE TABLE waits AS
SELECT i AS id, (i % 730) AS day, i % (:rows::bigint / 100) AS account,
       make_interval(secs => round(exp(((i * 2246822519) % 1000003) / 1000003.0 * ln(57600))::numeric, 3)::float8) AS wait
  FROM generate_series(1, :rows::bigint) AS i;
-- customers for the period churn cohort, in 4 segments
CREATE TABLE customers AS
SELECT i AS id, i % 4 AS segment,
       timestamptz '2023-01-01' + ((i * 7919) % 1095) * interval '1 day' AS active_from,
       CASE WHEN (i * 104729) % 10 < 3
            THEN timestamptz '2023-01-01' + ((i * 7919) % 1095 + 10 + (i * 31) % 600) * interval '1 day' END AS churned_at
  FROM generate_series(1, :rows::bigint / 10) AS i;
-- orders: rows purchases by rows / 10 customers in 4 segments over two years
CREATE TABLE orders AS
SELECT (i * 7919) % (:rows::bigint / 10) AS customer,
       ((i * 7919) % (:rows::bigint / 10)) % 4 AS segment,
       ((i * 104729) % 50000 / 100.0 + 5)::numeric(12, 2) AS amount,
       timestamptz '2024-01-01' + ((i * 2654435761) % 63072000) * interval '1 second' AS purchased_at
  FROM generate_series(1, :rows::bigint) AS i;
-- MRR: one row per customer and month with the previous and current MRR
CREATE TABLE mrr AS
SELECT i AS customer, date '2024-01-01' + (i % 24) * interval '1 month' AS month,
       CASE WHEN (i * 7919) % 10 < 2 THEN 0 ELSE ((i * 104729) % 100000 / 100.0)::numeric(12, 2) END AS prev_mrr,
       CASE WHEN (i * 31) % 10 < 1 THEN NULL
            WHEN (i * 31) % 10 < 7 THEN ((i * 104729) % 100000 / 100.0)::numeric(12, 2)
            ELSE ((i * 15485863) % 100000 / 100.0)::numeric(12, 2) END AS curr_mrr
  FROM generate_series(1, :rows::bigint) AS i;
-- health metrics in long format: four components for each of rows / 40 accounts
CREATE TABLE metrics AS
SELECT i / 4 AS account, (ARRAY['usage', 'nps', 'support', 'renewal'])[1 + i % 4] AS name,
       ((i * 7919) % 1001) / 10.0::float8 AS value, (1 + i % 3)::float8 AS weight
  FROM generate_series(0, :rows::bigint / 10 - 1) AS i;
-- subscriptions: rows / 10 periods of rows / 50 customers over three years,
-- a quarter still open, overlapping and with gaps
CREATE TABLE subscriptions AS
SELECT 1 + (i * 7919) % (:rows::bigint / 50) AS customer,
       ((i * 104729) % 30000 / 100.0)::numeric(12, 2) AS mrr,
       timestamptz '2022-01-01' + ((i * 2654435761) % 94608000) * interval '1 second' AS valid_from,
       CASE WHEN (i * 31) % 4 = 0 THEN NULL
            ELSE timestamptz '2022-01-01' + ((i * 2654435761) % 94608000 + 3600 + (i * 15485863) % 40000000) * interval '1 second' END AS valid_to
  FROM generate_series(1, :rows::bigint / 10) AS i;
-- ticket status changes: rows / 10 changes of rows / 50 tickets over 2025,
-- five statuses, no two changes of a ticket at one instant
CREATE TABLE status_changes AS
SELECT 1 + (i * 7919) % (:rows::bigint / 50) AS ticket,
       (ARRAY['new', 'open', 'pending', 'on-hold', 'solved'])[1 + (i * 31) % 5] AS status,
       timestamptz '2025-01-01 00:00+00' + ((i * 2654435761) % 31536000) * interval '1 second' AS changed_at
  FROM generate_series(1, :rows::bigint / 10) AS i;
-- the months of a churn curve
CREATE TABLE periods AS
SELECT m AS starts, m + interval '1 month' AS ends
  FROM generate_series(timestamptz '2024-01-01', '2025-12-01', interval '1 month') AS m;
-- orders for the customer-base fits: about rows purchases by rows / 10
-- customers who churn, as the models assume: each joins in 2024 (day
-- joined), stays active for a Pareto-distributed time (alive days, cut at
-- the end of 2025), and buys on joining and then a geometric number of
-- times spread over the active time; each has a spend scale, each order
-- a gamma-distributed amount.  Deterministic hashing, no random().
CREATE TABLE btyd_orders AS
SELECT customer, customer % 4 AS segment,
       greatest(round((scale * -ln(((customer * 15485863 + k * 2654435761) % 1000003 + 0.5::float8) / 1000003
                                   * ((customer * 7919 + k * 104729) % 1000003 + 0.5::float8) / 1000003))::numeric, 2),
                0.01) AS amount,
       timestamptz '2024-01-01' + (joined + CASE WHEN k = 0 THEN 0
                                                  ELSE ((customer * 31 + k * 15485863) % 1000003 + 0.5::float8) / 1000003 * alive END)
                                   * interval '1 day' AS purchased_at
  FROM (SELECT customer, joined, alive, scale,
               floor(ln(((customer * 104729) % 1000003 + 0.5::float8) / 1000003) / ln(alive / (37 + alive)))::int AS repeats
          FROM (SELECT customer, (customer * 7919) % 365 AS joined,
                       greatest(least(365 * (1000003 / ((customer * 2654435761) % 1000003 + 0.5::float8) - 1),
                                      730 - (customer * 7919) % 365), 0.01) AS alive,
                       60 / -ln(((customer * 31) % 1000003 + 0.5::float8) / 1000003
                                * ((customer * 2246822519) % 1000003 + 0.5::float8) / 1000003
                                * ((customer * 3266489917) % 1000003 + 0.5::float8) / 1000003) AS scale
                  FROM generate_series(1, :rows::bigint / 10) AS customer) AS c) AS c,
       generate_series(0::bigint, least(repeats, 200)) AS k;
-- and as one row per customer, as the cookbook derives them: purchase
-- days, x repeat days, t_x and t in weeks to 2026-01-01, mean spend of the
-- repeat days; float8, the fits' argument types
CREATE TABLE btyd_customers AS
SELECT customer, count(*) - 1 AS x, (max(day) - min(day)) / 7.0::float8 AS t_x,
       (date '2026-01-01' - min(day)) / 7.0::float8 AS t,
       coalesce((sum(spend) - min(spend) FILTER (WHERE day = first)) / nullif(count(*) - 1, 0), 0)::float8 AS mean_value
  FROM (SELECT customer, day, spend, min(day) OVER (PARTITION BY customer) AS first
          FROM (SELECT customer, purchased_at::date AS day, sum(amount) AS spend FROM btyd_orders GROUP BY 1, 2) AS d) AS d
 GROUP BY customer;
-- btyd_customer derives the same rows from the orders
SELECT count(*) AS customers,
       count(*) FILTER (WHERE (b).x = c.x AND abs((b).t_x - c.t_x) < 1e-9 AND abs((b).t - c.t) < 1e-9
                        AND abs((b).mean_value - c.mean_value) <= 1e-9 * c.mean_value) AS btyd_customer_same_rows
  FROM (SELECT customer, btyd_customer(purchased_at::date, amount, '2026-01-01') AS b FROM btyd_orders GROUP BY customer) AS o
  JOIN btyd_customers AS c USING (customer);
-- support tickets for business hours: a million, opened over 2024 and 2025,
-- answered after a log-uniform wait from 1 second to 20 days; the office
-- is open Monday to Friday 08:00-17:00 in Jakarta and closed on Indonesia's
-- national holidays and collective leave days (test/sample-data.sql)
CREATE TABLE tickets AS
SELECT i AS id, opened_at,
       opened_at + make_interval(secs => round(exp(((i * 2246822519) % 1000003) / 1000003.0 * ln(1728000)))::float8) AS replied_at
  FROM (SELECT i, timestamptz '2024-01-01 00:00+07' + ((i * 2654435761) % 63072000) * interval '1 second' AS opened_at
          FROM generate_series(1, 1000000) AS i) AS t;
CREATE TABLE office_hours (isodow int PRIMARY KEY, opens time, closes time);
INSERT INTO office_hours SELECT d, '08:00', '17:00' FROM generate_series(1, 5) AS d;
CREATE TABLE office_holidays (day date PRIMARY KEY);
INSERT INTO office_holidays
SELECT unnest('{2024-01-01,2024-02-08,2024-02-09,2024-02-10,2024-03-11,2024-03-12,2024-03-29,2024-03-31,
                2024-04-08,2024-04-09,2024-04-10,2024-04-11,2024-04-12,2024-04-15,2024-05-01,2024-05-09,
                2024-05-10,2024-05-23,2024-05-24,2024-06-01,2024-06-17,2024-06-18,2024-07-07,2024-08-17,
                2024-09-16,2024-12-25,2024-12-26,
                2025-01-01,2025-01-27,2025-01-28,2025-01-29,2025-03-28,2025-03-29,2025-03-31,2025-04-01,
                2025-04-02,2025-04-03,2025-04-04,2025-04-07,2025-04-18,2025-04-20,2025-05-01,2025-05-12,
                2025-05-13,2025-05-29,2025-05-30,2025-06-01,2025-06-06,2025-06-09,2025-06-27,2025-08-17,
                2025-09-05,2025-12-25,2025-12-26}'::date[]);
CREATE TABLE office_calendar AS
SELECT business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', array_agg(day ORDER BY day)) AS cal FROM office_holidays;
-- two stored clv_summary, toasted and compressed: a million customers, and
-- one customer (a summary that small would stay inline, so its key is
-- 300 kB, which is compressed and moved out of line like the big one)
CREATE TABLE stored_clv (label text, s clv_summary);
INSERT INTO stored_clv
SELECT '1 customer', clv_summary(repeat('abc', 100000), 10.50, timestamptz '2024-01-01')
UNION ALL
SELECT '1,000,000 customers', clv_summary(i, ((i * 104729) % 50000 / 100.0 + 5)::numeric(12, 2),
                                          timestamptz '2024-01-01' + (i % 730) * interval '1 day')
  FROM generate_series(1::bigint, 1000000) AS i;
-- short survey comments (3 to 8 words) in Indonesian and English, from
-- fixed word lists; deterministic
CREATE TABLE feedback AS
SELECT i AS id,
       array_to_string(ARRAY(
         SELECT (ARRAY['pelayanan', 'sangat', 'ramah', 'tidak', 'enak', 'makanan', 'banget', 'lambat', 'tapi',
                       'harga', 'murah', 'kecewa', 'mantap', 'aplikasi', 'sering', 'error', 'the', 'service', 'was',
                       'not', 'good', 'great', 'slow', 'but', 'very', 'nice', 'gak', 'bagus', 'pengiriman', 'cepat'])
                [1 + ((i * 2654435761 + k * 40503) % 1000003) % 30]
           FROM generate_series(1, 3 + (i % 6)) AS k), ' ') AS comment
  FROM generate_series(1, :rows::bigint) AS i;
-- the analyst's lexicon for the to_tsvector comparison: the same words
-- with kpi_ext's weights
CREATE TABLE feedback_words AS
SELECT w.word, coalesce(nullif(sentiment(w.word, 'id'), 0), sentiment(w.word, 'en')) AS weight
  FROM unnest(ARRAY['ramah', 'enak', 'lambat', 'murah', 'kecewa', 'mantap', 'error', 'good', 'great', 'slow',
                    'nice', 'bagus', 'cepat']) AS w(word);
CREATE UNIQUE INDEX ON feedback_words (word);
VACUUM ANALYZE feedback;
VACUUM ANALYZE feedback_words;
VACUUM ANALYZE facts;
VACUUM ANALYZE waits;
VACUUM ANALYZE customers;
VACUUM ANALYZE orders;
VACUUM ANALYZE mrr;
VACUUM ANALYZE metrics;
VACUUM ANALYZE status_changes;
VACUUM ANALYZE btyd_orders;
VACUUM ANALYZE btyd_customers;
VACUUM ANALYZE tickets;
VACUUM ANALYZE office_holidays;
SELECT pg_prewarm('facts') >= 0 AND pg_prewarm('customers') >= 0 AND pg_prewarm('orders') >= 0
       AND pg_prewarm('btyd_orders') >= 0 AND pg_prewarm('btyd_customers') >= 0
       AND pg_prewarm('mrr') >= 0 AND pg_prewarm('metrics') >= 0
       AND pg_prewarm('waits') >= 0 AND pg_prewarm('feedback') >= 0 AND pg_prewarm('tickets') >= 0 AS warmed \gset

CREATE TEMP TABLE bench_case (id serial, name text, workers int, query text);
INSERT INTO bench_case (name, workers, query) VALUES
    -- survey scores
    ('count(score)',                  0, 'SELECT count(score) FROM facts'),
    ('nps_agg(score)',                0, 'SELECT nps_agg(score) FROM facts'),
    ('hand-written NPS',              0, 'SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) FROM facts'),
    ('count(score) by month',         0, 'SELECT month, count(score) FROM facts GROUP BY month'),
    ('nps_agg(score) by month',       0, 'SELECT month, nps_agg(score) FROM facts GROUP BY month'),
    ('hand-written NPS by month',     0, 'SELECT month, 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score) FROM facts GROUP BY month'),
    ('nps_agg window 30 rows',        0, 'SELECT count(x) FROM (SELECT nps_agg(score) OVER (ORDER BY id ROWS 29 PRECEDING) AS x FROM facts WHERE id <= 1000000) AS w'),
    ('nps_agg window 300 rows',       0, 'SELECT count(x) FROM (SELECT nps_agg(score) OVER (ORDER BY id ROWS 299 PRECEDING) AS x FROM facts WHERE id <= 1000000) AS w'),
    -- rates
    ('churn_rate(churned)',           0, 'SELECT churn_rate(churned) FROM facts'),
    ('hand-written churn',            0, 'SELECT 100.0 * count(*) FILTER (WHERE churned) / count(churned) FROM facts'),
    ('churn_rate(churned) by month',  0, 'SELECT month, churn_rate(churned) FROM facts GROUP BY month'),
    ('hand-written churn by month',   0, 'SELECT month, 100.0 * count(*) FILTER (WHERE churned) / count(churned) FROM facts GROUP BY month'),
    ('period churn_rate',             0, $$SELECT churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM customers$$),
    ('hand-written period churn',     0, $$SELECT 100.0 * count(*) FILTER (WHERE churned_at <= '2025-02-01') / count(*) FROM customers
                                            WHERE active_from <= '2025-01-01' AND (churned_at IS NULL OR churned_at > '2025-01-01')$$),
    ('period churn_rate by segment',  0, $$SELECT segment, churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM customers GROUP BY segment$$),
    ('hand-written period churn by segment', 0, $$SELECT segment, 100.0 * count(*) FILTER (WHERE churned_at <= '2025-02-01') / count(*) FROM customers
                                            WHERE active_from <= '2025-01-01' AND (churned_at IS NULL OR churned_at > '2025-01-01') GROUP BY segment$$),
    ('period churn_rate by segment, cohort WHERE', 0, $$SELECT segment, churn_rate(active_from, churned_at, '2025-01-01', '2025-02-01') FROM customers
                                            WHERE active_from <= '2025-01-01' AND (churned_at IS NULL OR churned_at > '2025-01-01') GROUP BY segment$$),
    -- the 24-month churn curve: with kpi_ext one aggregate per month
    -- (LATERAL), by hand a cross join filtered to each month's cohort
    ('churn curve, LATERAL',          0, $$SELECT p.starts, c.churn FROM periods AS p,
                                                  LATERAL (SELECT churn_rate(active_from, churned_at, p.starts, p.ends) AS churn FROM customers) AS c$$),
    ('churn curve, cross join',       0, $$SELECT p.starts, churn_rate(active_from, churned_at, p.starts, p.ends)
                                            FROM periods AS p, customers GROUP BY p.starts$$),
    ('hand-written churn curve',      0, $$SELECT p.starts, 100.0 * count(*) FILTER (WHERE churned_at <= p.ends) / count(*)
                                            FROM periods AS p, customers
                                           WHERE active_from <= p.starts AND (churned_at IS NULL OR churned_at > p.starts) GROUP BY p.starts$$),
    ('hand-written churn curve, LATERAL', 0, $$SELECT p.starts, c.churn FROM periods AS p,
                                                  LATERAL (SELECT 100.0 * count(*) FILTER (WHERE churned_at <= p.ends) / count(*) AS churn FROM customers
                                                            WHERE active_from <= p.starts AND (churned_at IS NULL OR churned_at > p.starts)) AS c$$),
    -- revenue
    ('clv(customer, amount, purchased_at)', 0, 'SELECT clv(customer, amount, purchased_at) FROM orders'),
    ('two-stage CLV',                 0, $$SELECT avg(revenue) / avg(purchases)
                                                  * (sum(purchases) * 31557600.0 / count(*) / greatest(extract(epoch FROM max(last_at) - min(first_at)), 86400))
                                                  * avg(extract(epoch FROM last_at - first_at) / 31557600)
                                            FROM (SELECT customer, sum(amount) AS revenue, count(*) AS purchases,
                                                         min(purchased_at) AS first_at, max(purchased_at) AS last_at
                                                    FROM orders GROUP BY customer) AS c$$),
    ('clv by segment',                0, 'SELECT segment, clv(customer, amount, purchased_at) FROM orders GROUP BY segment'),
    ('clv over btyd_orders',          0, 'SELECT clv(customer, amount, purchased_at) FROM btyd_orders'),
    ('bgnbd_fit + gamma_gamma_fit, rows / 10 customers', 0, 'SELECT bgnbd_fit(x, t_x, t), gamma_gamma_fit(x, mean_value) FROM btyd_customers'),
    ('bgnbd_fit + gamma_gamma_fit, 2 workers', 2, 'SELECT bgnbd_fit(x, t_x, t), gamma_gamma_fit(x, mean_value) FROM btyd_customers'),
    ('pareto_nbd_fit, rows / 10 customers', 0, 'SELECT pareto_nbd_fit(x, t_x, t) FROM btyd_customers'),
    ('btyd_customer per customer', 0, $$SELECT sum((b).x), sum((b).t_x), sum((b).t), sum((b).mean_value)
                                            FROM (SELECT btyd_customer(purchased_at::date, amount, '2026-01-01') AS b FROM btyd_orders GROUP BY customer) AS o$$),
    ('hand-written customer rows',    0, $$SELECT sum(x), sum(t_x), sum(t), sum(mean_value)
                                            FROM (SELECT count(*) - 1 AS x, (max(day) - min(day)) / 7.0::float8 AS t_x,
                                                         (date '2026-01-01' - min(day)) / 7.0::float8 AS t,
                                                         coalesce((sum(spend) - min(spend) FILTER (WHERE day = first)) / nullif(count(*) - 1, 0), 0)::float8 AS mean_value
                                                    FROM (SELECT customer, day, spend, min(day) OVER (PARTITION BY customer) AS first
                                                            FROM (SELECT customer, purchased_at::date AS day, sum(amount) AS spend
                                                                    FROM btyd_orders GROUP BY 1, 2) AS d) AS d
                                                   GROUP BY customer) AS o$$),
    ('two-stage CLV by segment',      0, $$SELECT segment, avg(revenue) / avg(purchases)
                                                  * (sum(purchases) * 31557600.0 / count(*) / greatest(extract(epoch FROM max(last_at) - min(first_at)), 86400))
                                                  * avg(extract(epoch FROM last_at - first_at) / 31557600)
                                            FROM (SELECT segment, customer, sum(amount) AS revenue, count(*) AS purchases,
                                                         min(purchased_at) AS first_at, max(purchased_at) AS last_at
                                                    FROM orders GROUP BY segment, customer) AS c GROUP BY segment$$),
    ('MRR movements',                 0, $$SELECT new_mrr(s), expansion_mrr(s), contraction_mrr(s), churned_mrr(s), nrr(s), grr(s)
                                            FROM (SELECT mrr_summary(prev_mrr, curr_mrr) AS s FROM mrr) AS t$$),
    ('hand-written MRR movements',    0, $$SELECT new, expansion, contraction, churned,
                                                  100.0 * (starting + expansion - contraction - churned) / starting,
                                                  100.0 * (starting - contraction - churned) / starting
                                            FROM (SELECT sum(CASE WHEN coalesce(prev_mrr, 0) = 0 AND curr_mrr > 0 THEN curr_mrr ELSE 0 END) AS new,
                                                         sum(CASE WHEN prev_mrr > 0 AND curr_mrr > prev_mrr THEN curr_mrr - prev_mrr ELSE 0 END) AS expansion,
                                                         sum(CASE WHEN curr_mrr > 0 AND curr_mrr < prev_mrr THEN prev_mrr - curr_mrr ELSE 0 END) AS contraction,
                                                         sum(CASE WHEN prev_mrr > 0 AND coalesce(curr_mrr, 0) = 0 THEN prev_mrr ELSE 0 END) AS churned,
                                                         sum(CASE WHEN prev_mrr > 0 THEN prev_mrr ELSE 0 END) AS starting
                                                    FROM mrr) AS t$$),
    ('MRR movements by month',        0, $$SELECT month, new_mrr(s), expansion_mrr(s), contraction_mrr(s), churned_mrr(s), nrr(s), grr(s)
                                            FROM (SELECT month, mrr_summary(prev_mrr, curr_mrr) AS s FROM mrr GROUP BY month) AS t$$),
    ('hand-written MRR movements by month', 0, $$SELECT month, new, expansion, contraction, churned,
                                                  100.0 * (starting + expansion - contraction - churned) / starting,
                                                  100.0 * (starting - contraction - churned) / starting
                                            FROM (SELECT month,
                                                         sum(CASE WHEN coalesce(prev_mrr, 0) = 0 AND curr_mrr > 0 THEN curr_mrr ELSE 0 END) AS new,
                                                         sum(CASE WHEN prev_mrr > 0 AND curr_mrr > prev_mrr THEN curr_mrr - prev_mrr ELSE 0 END) AS expansion,
                                                         sum(CASE WHEN curr_mrr > 0 AND curr_mrr < prev_mrr THEN prev_mrr - curr_mrr ELSE 0 END) AS contraction,
                                                         sum(CASE WHEN prev_mrr > 0 AND coalesce(curr_mrr, 0) = 0 THEN prev_mrr ELSE 0 END) AS churned,
                                                         sum(CASE WHEN prev_mrr > 0 THEN prev_mrr ELSE 0 END) AS starting
                                                    FROM mrr GROUP BY month) AS t$$),
    -- the header accessors of a stored summary, 1,000 times each: the same cost for any size
    ('header accessors, 1 customer',  0, $$SELECT count(customers(s) + purchases(s)), count(revenue(s)), count(clv(s))
                                            FROM stored_clv, generate_series(1, 1000) WHERE label = '1 customer'$$),
    ('header accessors, 1,000,000 customers', 0, $$SELECT count(customers(s) + purchases(s)), count(revenue(s)), count(clv(s))
                                            FROM stored_clv, generate_series(1, 1000) WHERE label = '1,000,000 customers'$$),
    -- parallel speedup of every family, next to count(*) on the same table
    ('count(*) on facts',             0, 'SELECT count(*) FROM facts'),
    ('count(*) on orders',            0, 'SELECT count(*) FROM orders'),
    ('count(*) on mrr',               0, 'SELECT count(*) FROM mrr'),
    ('count(*) on subscriptions',     0, 'SELECT count(*) FROM subscriptions'),
    ('mrr_summary',                   0, 'SELECT mrr_summary(prev_mrr, curr_mrr) FROM mrr'),
    ('count(*) by account',           0, 'SELECT account, count(*) FROM metrics GROUP BY account'),
    ('health_score_agg by account',   0, 'SELECT account, health_score_agg(name, value, weight) FROM metrics GROUP BY account'),
    -- sentiment: one score per short comment, the summary, and the word matching an analyst could write
    ('count(*) on feedback',          0, 'SELECT count(*) FROM feedback'),
    ('sentiment(comment)',            0, 'SELECT count(sentiment(comment)) FROM feedback'),
    ('sentiment_summary(comment)',    0, 'SELECT sentiment_summary(comment) FROM feedback'),
    ('sentiment(comment, auto)',      0, $$SELECT count(sentiment(comment, 'auto')) FROM feedback$$),
    ('to_tsvector word matching',     0, $$SELECT count(s) FROM (SELECT f.id, sum(w.weight) AS s FROM feedback AS f
                                             CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector('simple', f.comment))) AS t(word)
                                             JOIN feedback_words AS w ON w.word = t.word GROUP BY f.id) AS x$$),
    -- durations
    ('median_duration',               0, 'SELECT median_duration(response) FROM facts'),
    ('percentile_cont median',        0, 'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY response) FROM facts'),
    ('tdigest median',                0, 'SELECT tdigest_percentile(extract(epoch FROM response)::float8, 100, 0.5) FROM facts'),
    ('duration_summary 3 percentiles', 0, 'SELECT percentiles(duration_summary(response), ARRAY[0.5, 0.9, 0.99]) FROM facts'),
    ('percentile_cont 3 percentiles', 0, 'SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY response) FROM facts'),
    ('tdigest 3 percentiles',         0, 'SELECT tdigest_percentile(extract(epoch FROM response)::float8, 100, ARRAY[0.5, 0.9, 0.99]) FROM facts'),
    ('median_duration by day',        0, 'SELECT day, median_duration(response) FROM facts GROUP BY day'),
    ('percentile_cont median by day', 0, 'SELECT day, percentile_cont(0.5) WITHIN GROUP (ORDER BY response) FROM facts GROUP BY day'),
    ('tdigest median by day',         0, 'SELECT day, tdigest_percentile(extract(epoch FROM response)::float8, 100, 0.5) FROM facts GROUP BY day'),
    ('duration_summary 3 percentiles by day', 0, 'SELECT day, percentiles(duration_summary(response), ARRAY[0.5, 0.9, 0.99]) FROM facts GROUP BY day'),
    ('percentile_cont 3 percentiles by day',  0, 'SELECT day, percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY response) FROM facts GROUP BY day'),
    ('tdigest 3 percentiles by day',  0, 'SELECT day, tdigest_percentile(extract(epoch FROM response)::float8, 100, ARRAY[0.5, 0.9, 0.99]) FROM facts GROUP BY day'),
    ('median_duration, 730 groups',   0, 'SELECT day, median_duration(wait) FROM waits GROUP BY day'),
    ('percentile_cont, 730 groups',   0, 'SELECT day, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) FROM waits GROUP BY day'),
    ('tdigest, 730 groups',           0, 'SELECT day, tdigest_percentile(extract(epoch FROM wait)::float8, 100, 0.5) FROM waits GROUP BY day'),
    ('median_duration, groups of 30', 0, 'SELECT account, median_duration(wait) FROM waits WHERE id <= ' || :rows::bigint * 3 / 10 || ' GROUP BY account'),
    ('percentile_cont, groups of 30', 0, 'SELECT account, percentile_cont(0.5) WITHIN GROUP (ORDER BY wait) FROM waits WHERE id <= ' || :rows::bigint * 3 / 10 || ' GROUP BY account'),
    ('tdigest, groups of 30',         0, 'SELECT account, tdigest_percentile(extract(epoch FROM wait)::float8, 100, 0.5) FROM waits WHERE id <= ' || :rows::bigint * 3 / 10 || ' GROUP BY account'),
    -- the executor's own cost of the same groups: the floor under any per-group aggregate
    ('count(wait), groups of 30',     0, 'SELECT account, count(wait) FROM waits WHERE id <= ' || :rows::bigint * 3 / 10 || ' GROUP BY account'),
    -- the same in percentile_cont's plan shape, a sort and a group aggregate
    ('count(wait), groups of 30, sorted first', 0, 'SELECT account, count(wait) FROM (SELECT account, wait FROM waits WHERE id <= ' || :rows::bigint * 3 / 10 || ' ORDER BY account) AS sorted GROUP BY account'),
    ('median_duration, groups of 30, sorted first', 0, 'SELECT account, median_duration(wait) FROM (SELECT account, wait FROM waits WHERE id <= ' || :rows::bigint * 3 / 10 || ' ORDER BY account) AS sorted GROUP BY account');

-- the MRR waterfall from subscription periods against the dbt-style month
-- spine x customers with lag() and CASE (the same numbers: sql/subscriptions.sql)
INSERT INTO bench_case (name, workers, query) VALUES
    ('mrr_movements(subscription_summary)', 0, $$SELECT * FROM mrr_movements((SELECT subscription_summary(customer, mrr, valid_from, valid_to)
                                                  FROM subscriptions), '2022-01-01', '2025-01-01')$$),
    ('month-spine MRR waterfall', 0, $$WITH spine AS (
        SELECT k, '2022-01-01'::timestamptz + k * interval '1 month' AS b FROM generate_series(0, 36) AS k
    ), customers AS (
        SELECT customer, min(valid_from) AS first FROM subscriptions WHERE mrr > 0 GROUP BY customer
    ), paying AS (
        SELECT x.customer, s.k, sum(x.mrr) AS mrr
          FROM subscriptions x JOIN spine s ON x.valid_from <= s.b AND (x.valid_to IS NULL OR x.valid_to > s.b)
         WHERE x.mrr > 0 GROUP BY x.customer, s.k
    ), levels AS (
        SELECT c.customer, c.first, s.k, s.b, coalesce(p.mrr, 0) AS m1,
               lag(coalesce(p.mrr, 0)) OVER (PARTITION BY c.customer ORDER BY s.k) AS m0,
               lag(s.b) OVER (PARTITION BY c.customer ORDER BY s.k) AS period_start
          FROM customers c CROSS JOIN spine s LEFT JOIN paying p ON p.customer = c.customer AND p.k = s.k
    ), classified AS (
        SELECT period_start, b AS period_end, m0, m1,
               CASE WHEN m0 = 0 AND m1 > 0 AND first >= period_start THEN 'new'
                    WHEN m0 = 0 AND m1 > 0 THEN 'reactivation'
                    WHEN m0 > 0 AND m1 = 0 THEN 'churned'
                    WHEN m1 > m0 THEN 'expansion'
                    WHEN m1 < m0 THEN 'contraction' END AS movement
          FROM levels WHERE period_start IS NOT NULL)
    SELECT period_start, period_end, sum(m0), sum(m1) FILTER (WHERE movement = 'new'),
           sum(m1 - m0) FILTER (WHERE movement = 'expansion'), sum(m0 - m1) FILTER (WHERE movement = 'contraction'),
           sum(m0) FILTER (WHERE movement = 'churned'), sum(m1) FILTER (WHERE movement = 'reactivation'), sum(m1),
           count(*) FILTER (WHERE m0 > 0), count(*) FILTER (WHERE movement = 'new'), count(*) FILTER (WHERE movement = 'churned'),
           count(*) FILTER (WHERE movement = 'reactivation'), count(*) FILTER (WHERE m1 > 0)
      FROM classified GROUP BY period_start, period_end$$);

-- time in status per ticket against the window-function SQL an analyst
-- writes: lead() over each ticket's changes, the spans of one status summed
-- (the same answers: sql/status.sql and the check below), in calendar time
-- and in business hours
INSERT INTO bench_case (name, workers, query) VALUES
    ('time_in_status(status_summary) per ticket', 0, $$SELECT ticket, time_in_status(status_summary(status, changed_at), 'pending')
                                                       FROM status_changes GROUP BY ticket$$),
    ('lead() time in status per ticket', 0, $$SELECT ticket, coalesce(sum(next_at - changed_at) FILTER (WHERE status = 'pending'), '0')
                                              FROM (SELECT ticket, status, changed_at, lead(changed_at) OVER (PARTITION BY ticket ORDER BY changed_at) AS next_at
                                                      FROM status_changes) AS s GROUP BY ticket$$),
    ('time_in_status(status_summary, cal) per ticket', 0, $$SELECT ticket, time_in_status(status_summary(status, changed_at), 'pending',
                                                              cal => business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00'))
                                                            FROM status_changes GROUP BY ticket$$),
    ('lead() business_duration time in status per ticket', 0, $$SELECT ticket, coalesce(sum(business_duration(changed_at, next_at,
                                                                  business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00'))) FILTER (WHERE status = 'pending' AND next_at IS NOT NULL), '0')
                                              FROM (SELECT ticket, status, changed_at, lead(changed_at) OVER (PARTITION BY ticket ORDER BY changed_at) AS next_at
                                                      FROM status_changes) AS s GROUP BY ticket$$);

-- business hours: the open time between opening and first reply against
-- the plain difference, and against what a careful analyst writes without
-- kpi_ext: one row per local date the ticket spans (generate_series), joined
-- to the weekly hours, holidays excluded, each day's opening clipped to the
-- ticket, written as a view so that the timing and the check after the
-- ratios (the same answers) run the same SQL
CREATE VIEW hand_business_hours AS
SELECT t.id, b.open FROM tickets AS t CROSS JOIN LATERAL (
        SELECT coalesce(sum(least(t.replied_at, (g.day + h.closes) AT TIME ZONE 'Asia/Jakarta')
                            - greatest(t.opened_at, (g.day + h.opens) AT TIME ZONE 'Asia/Jakarta')), interval '0') AS open
          FROM generate_series(date_trunc('day', t.opened_at AT TIME ZONE 'Asia/Jakarta'),
                               t.replied_at AT TIME ZONE 'Asia/Jakarta', interval '1 day') AS g(day)
          JOIN office_hours AS h ON h.isodow = extract(isodow FROM g.day)
         WHERE (g.day + h.closes) AT TIME ZONE 'Asia/Jakarta' > t.opened_at
           AND (g.day + h.opens) AT TIME ZONE 'Asia/Jakarta' < t.replied_at
           AND NOT EXISTS (SELECT FROM office_holidays AS o WHERE o.day = g.day::date)) AS b;
INSERT INTO bench_case (name, workers, query) VALUES
    ('replied_at - opened_at',        0, 'SELECT sum(replied_at - opened_at) FROM tickets'),
    ('business_duration',             0, 'SELECT sum(business_duration(t.opened_at, t.replied_at, c.cal)) FROM tickets AS t CROSS JOIN office_calendar AS c'),
    ('hand-written business hours',   0, 'SELECT sum(open) FROM hand_business_hours');

-- Parallel speedup: these cases also run with 1 and 2 workers
INSERT INTO bench_case (name, workers, query)
SELECT c.name || CASE w WHEN 1 THEN ', 1 worker' ELSE ', 2 workers' END, w, c.query
  FROM bench_case AS c, (VALUES (1), (2)) AS v(w)
 WHERE c.name IN ('count(score)', 'nps_agg(score)', 'count(score) by month', 'nps_agg(score) by month',
                  'count(*) on facts', 'churn_rate(churned)', 'median_duration',
                  'count(*) on orders', 'clv(customer, amount, purchased_at)', 'two-stage CLV',
                  'count(*) on mrr', 'mrr_summary', 'count(*) on subscriptions', 'mrr_movements(subscription_summary)',
                  'count(*) by account', 'health_score_agg by account', 'btyd_customer per customer')
 ORDER BY c.id, w;

-- The cases with workers get a parallel plan whatever the planner thinks of
-- its cost, so that the speedups compare the same plan shapes every run.
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;

-- Every repetition runs every case once, in order, so that noise on this
-- shared machine falls on all of them alike; times are taken in the server.
CREATE TEMP TABLE bench_time (case_id int, ms float8);
SELECT set_config('bench.repetitions', :'repetitions', false) IS NOT NULL AS set \gset
DO $$
DECLARE
    c record;
    started timestamptz;
BEGIN
    FOR repetition IN 1 .. current_setting('bench.repetitions')::int LOOP
        FOR c IN SELECT * FROM bench_case ORDER BY id LOOP
            PERFORM set_config('max_parallel_workers_per_gather', c.workers::text, false);
            started := clock_timestamp();
            EXECUTE c.query;
            INSERT INTO bench_time VALUES (c.id, 1000 * extract(epoch FROM clock_timestamp() - started));
        END LOOP;
    END LOOP;
END $$;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;

CREATE TEMP VIEW medians AS
SELECT c.name, percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS ms
  FROM bench_case c JOIN bench_time t ON t.case_id = c.id GROUP BY c.name;
CREATE FUNCTION pg_temp.ms(case_name text) RETURNS float8 LANGUAGE sql
    AS $$ SELECT ms FROM medians WHERE name = case_name $$;

\echo
\echo 'Median time per case (ms)'
SELECT c.name AS "case", c.workers, round(m.ms::numeric, 1) AS median_ms
  FROM bench_case c JOIN medians m USING (name) ORDER BY c.id;

\echo
\echo 'Ratios (time of kpi_ext / time of the alternative, unless said otherwise)'
SELECT ratio, round(value::numeric, 3) AS value, target,
       CASE WHEN meets THEN 'PASS' ELSE 'MISS' END AS result
  FROM (VALUES
    ('nps_agg / count(score)',                         pg_temp.ms('nps_agg(score)') / pg_temp.ms('count(score)'), '<= 1.10',
        pg_temp.ms('nps_agg(score)') / pg_temp.ms('count(score)') <= 1.10),
    ('nps_agg / hand-written NPS',                     pg_temp.ms('nps_agg(score)') / pg_temp.ms('hand-written NPS'), '< 1',
        pg_temp.ms('nps_agg(score)') < pg_temp.ms('hand-written NPS')),
    ('nps_agg / count(score), by month',               pg_temp.ms('nps_agg(score) by month') / pg_temp.ms('count(score) by month'), '<= 1.10',
        pg_temp.ms('nps_agg(score) by month') / pg_temp.ms('count(score) by month') <= 1.10),
    ('nps_agg / hand-written NPS, by month',           pg_temp.ms('nps_agg(score) by month') / pg_temp.ms('hand-written NPS by month'), '< 1',
        pg_temp.ms('nps_agg(score) by month') < pg_temp.ms('hand-written NPS by month')),
    ('speedup with 2 workers: nps_agg',                pg_temp.ms('nps_agg(score)') / pg_temp.ms('nps_agg(score), 2 workers'), '>= 0.9 x count''s',
        pg_temp.ms('nps_agg(score)') / pg_temp.ms('nps_agg(score), 2 workers')
        >= 0.9 * pg_temp.ms('count(score)') / pg_temp.ms('count(score), 2 workers')),
    ('speedup with 2 workers: count(score)',           pg_temp.ms('count(score)') / pg_temp.ms('count(score), 2 workers'), '(reference)', true),
    ('speedup with 2 workers: nps_agg by month',       pg_temp.ms('nps_agg(score) by month') / pg_temp.ms('nps_agg(score) by month, 2 workers'), '>= 0.9 x count''s',
        pg_temp.ms('nps_agg(score) by month') / pg_temp.ms('nps_agg(score) by month, 2 workers')
        >= 0.9 * pg_temp.ms('count(score) by month') / pg_temp.ms('count(score) by month, 2 workers')),
    ('speedup with 2 workers: count(score) by month',  pg_temp.ms('count(score) by month') / pg_temp.ms('count(score) by month, 2 workers'), '(reference)', true),
    ('window 300 rows / window 30 rows',               pg_temp.ms('nps_agg window 300 rows') / pg_temp.ms('nps_agg window 30 rows'), '0.8 .. 1.2',
        pg_temp.ms('nps_agg window 300 rows') / pg_temp.ms('nps_agg window 30 rows') BETWEEN 0.8 AND 1.2),
    ('churn_rate / hand-written churn',                pg_temp.ms('churn_rate(churned)') / pg_temp.ms('hand-written churn'), '<= 1.0',
        pg_temp.ms('churn_rate(churned)') <= pg_temp.ms('hand-written churn')),
    ('churn_rate / hand-written churn, by month',      pg_temp.ms('churn_rate(churned) by month') / pg_temp.ms('hand-written churn by month'), '<= 1.0',
        pg_temp.ms('churn_rate(churned) by month') <= pg_temp.ms('hand-written churn by month')),
    ('period churn_rate / hand-written cohort SQL',    pg_temp.ms('period churn_rate') / pg_temp.ms('hand-written period churn'), '<= 1.0',
        pg_temp.ms('period churn_rate') <= pg_temp.ms('hand-written period churn')),
    ('period churn_rate / hand-written, by segment',  pg_temp.ms('period churn_rate by segment') / pg_temp.ms('hand-written period churn by segment'), '<= 1.0',
        pg_temp.ms('period churn_rate by segment') <= pg_temp.ms('hand-written period churn by segment')),
    ('period churn_rate with the cohort WHERE / hand-written, by segment', pg_temp.ms('period churn_rate by segment, cohort WHERE') / pg_temp.ms('hand-written period churn by segment'), '(same rows hashed)', true),
    ('24-month churn curve (LATERAL) / hand-written',  pg_temp.ms('churn curve, LATERAL') / pg_temp.ms('hand-written churn curve'), '<= 1.0',
        pg_temp.ms('churn curve, LATERAL') <= pg_temp.ms('hand-written churn curve')),
    ('24-month churn curve (LATERAL) / hand-written LATERAL', pg_temp.ms('churn curve, LATERAL') / pg_temp.ms('hand-written churn curve, LATERAL'), '<= 1.0',
        pg_temp.ms('churn curve, LATERAL') <= pg_temp.ms('hand-written churn curve, LATERAL')),
    ('24-month churn curve (cross join) / hand-written', pg_temp.ms('churn curve, cross join') / pg_temp.ms('hand-written churn curve'), '(shape to avoid)', true),
    ('bgnbd_fit + gamma_gamma_fit (rows / 10 customers) / clv over their orders',
        pg_temp.ms('bgnbd_fit + gamma_gamma_fit, rows / 10 customers') / pg_temp.ms('clv over btyd_orders'), '< 1',
        pg_temp.ms('bgnbd_fit + gamma_gamma_fit, rows / 10 customers') < pg_temp.ms('clv over btyd_orders')),
    ('btyd_customer / hand-written customer rows',   pg_temp.ms('btyd_customer per customer') / pg_temp.ms('hand-written customer rows'), '<= 1.0',
        pg_temp.ms('btyd_customer per customer') <= pg_temp.ms('hand-written customer rows')),
    ('clv / two-stage CLV SQL',                       pg_temp.ms('clv(customer, amount, purchased_at)') / pg_temp.ms('two-stage CLV'), '<= 1.0',
        pg_temp.ms('clv(customer, amount, purchased_at)') <= pg_temp.ms('two-stage CLV')),
    ('clv / two-stage CLV SQL, by segment',           pg_temp.ms('clv by segment') / pg_temp.ms('two-stage CLV by segment'), '<= 1.0',
        pg_temp.ms('clv by segment') <= pg_temp.ms('two-stage CLV by segment')),
    ('MRR movements / hand-written sum(CASE ...)',    pg_temp.ms('MRR movements') / pg_temp.ms('hand-written MRR movements'), '<= 1.0',
        pg_temp.ms('MRR movements') <= pg_temp.ms('hand-written MRR movements')),
    ('MRR movements / hand-written, by month',        pg_temp.ms('MRR movements by month') / pg_temp.ms('hand-written MRR movements by month'), '<= 1.0',
        pg_temp.ms('MRR movements by month') <= pg_temp.ms('hand-written MRR movements by month')),
    ('header accessors: stored 1,000,000 customers / 1 customer', pg_temp.ms('header accessors, 1,000,000 customers') / pg_temp.ms('header accessors, 1 customer'), '0.8 .. 1.25',
        pg_temp.ms('header accessors, 1,000,000 customers') / pg_temp.ms('header accessors, 1 customer') BETWEEN 0.8 AND 1.25),
    ('percentile_cont / median_duration',              pg_temp.ms('percentile_cont median') / pg_temp.ms('median_duration'), '>= 3 (faster)',
        pg_temp.ms('percentile_cont median') / pg_temp.ms('median_duration') >= 3),
    ('tdigest / median_duration',                      pg_temp.ms('tdigest median') / pg_temp.ms('median_duration'), '>= 2 (faster)',
        pg_temp.ms('tdigest median') / pg_temp.ms('median_duration') >= 2),
    ('percentile_cont / duration_summary, 3 percentiles', pg_temp.ms('percentile_cont 3 percentiles') / pg_temp.ms('duration_summary 3 percentiles'), '>= 3 (faster)',
        pg_temp.ms('percentile_cont 3 percentiles') / pg_temp.ms('duration_summary 3 percentiles') >= 3),
    ('tdigest / duration_summary, 3 percentiles',      pg_temp.ms('tdigest 3 percentiles') / pg_temp.ms('duration_summary 3 percentiles'), '>= 2 (faster)',
        pg_temp.ms('tdigest 3 percentiles') / pg_temp.ms('duration_summary 3 percentiles') >= 2),
    ('percentile_cont / median_duration, by day',      pg_temp.ms('percentile_cont median by day') / pg_temp.ms('median_duration by day'), '>= 3 (faster)',
        pg_temp.ms('percentile_cont median by day') / pg_temp.ms('median_duration by day') >= 3),
    ('tdigest / median_duration, by day',              pg_temp.ms('tdigest median by day') / pg_temp.ms('median_duration by day'), '>= 2 (faster)',
        pg_temp.ms('tdigest median by day') / pg_temp.ms('median_duration by day') >= 2),
    ('percentile_cont / duration_summary, 3 p, by day', pg_temp.ms('percentile_cont 3 percentiles by day') / pg_temp.ms('duration_summary 3 percentiles by day'), '>= 3 (faster)',
        pg_temp.ms('percentile_cont 3 percentiles by day') / pg_temp.ms('duration_summary 3 percentiles by day') >= 3),
    ('tdigest / duration_summary, 3 p, by day',        pg_temp.ms('tdigest 3 percentiles by day') / pg_temp.ms('duration_summary 3 percentiles by day'), '>= 2 (faster)',
        pg_temp.ms('tdigest 3 percentiles by day') / pg_temp.ms('duration_summary 3 percentiles by day') >= 2),
    ('percentile_cont / median_duration, 730 groups', pg_temp.ms('percentile_cont, 730 groups') / pg_temp.ms('median_duration, 730 groups'), '>= 3 (faster)',
        pg_temp.ms('percentile_cont, 730 groups') / pg_temp.ms('median_duration, 730 groups') >= 3),
    ('tdigest / median_duration, 730 groups',         pg_temp.ms('tdigest, 730 groups') / pg_temp.ms('median_duration, 730 groups'), '>= 2 (faster)',
        pg_temp.ms('tdigest, 730 groups') / pg_temp.ms('median_duration, 730 groups') >= 2),
    ('percentile_cont / median_duration, groups of 30', pg_temp.ms('percentile_cont, groups of 30') / pg_temp.ms('median_duration, groups of 30'), '>= 3 (faster)',
        pg_temp.ms('percentile_cont, groups of 30') / pg_temp.ms('median_duration, groups of 30') >= 3),
    ('tdigest / median_duration, groups of 30',       pg_temp.ms('tdigest, groups of 30') / pg_temp.ms('median_duration, groups of 30'), '>= 2 (faster)',
        pg_temp.ms('tdigest, groups of 30') / pg_temp.ms('median_duration, groups of 30') >= 2),
    ('percentile_cont / count(wait), groups of 30',   pg_temp.ms('percentile_cont, groups of 30') / pg_temp.ms('count(wait), groups of 30'), '(ceiling for any aggregate)', true),
    ('percentile_cont / count(wait), groups of 30, sorted first', pg_temp.ms('percentile_cont, groups of 30') / pg_temp.ms('count(wait), groups of 30, sorted first'), '(ceiling, sort plan)', true),
    ('percentile_cont / median_duration, groups of 30, sorted first', pg_temp.ms('percentile_cont, groups of 30') / pg_temp.ms('median_duration, groups of 30, sorted first'), '(sort plan)', true),
    ('speedup with 2 workers: clv',                   pg_temp.ms('clv(customer, amount, purchased_at)') / pg_temp.ms('clv(customer, amount, purchased_at), 2 workers'), '>= 1.2',
        pg_temp.ms('clv(customer, amount, purchased_at)') / pg_temp.ms('clv(customer, amount, purchased_at), 2 workers') >= 1.2),
    ('speedup with 1 worker: clv',                    pg_temp.ms('clv(customer, amount, purchased_at)') / pg_temp.ms('clv(customer, amount, purchased_at), 1 worker'), '>= 1',
        pg_temp.ms('clv(customer, amount, purchased_at)') >= pg_temp.ms('clv(customer, amount, purchased_at), 1 worker')),
    ('speedup with 2 workers: subscription_summary',  pg_temp.ms('mrr_movements(subscription_summary)') / pg_temp.ms('mrr_movements(subscription_summary), 2 workers'), '>= 1',
        pg_temp.ms('mrr_movements(subscription_summary)') >= pg_temp.ms('mrr_movements(subscription_summary), 2 workers')),
    ('speedup with 2 workers: btyd_customer per customer', pg_temp.ms('btyd_customer per customer') / pg_temp.ms('btyd_customer per customer, 2 workers'), '>= 1.2',
        pg_temp.ms('btyd_customer per customer') / pg_temp.ms('btyd_customer per customer, 2 workers') >= 1.2)
  ) AS r(ratio, value, target, meets);

SELECT ratio, round(value::numeric, 3) AS value, target, CASE WHEN value >= 5 THEN 'PASS' ELSE 'MISS' END AS result
  FROM (VALUES ('month-spine SQL / mrr_movements(subscription_summary)',
                pg_temp.ms('month-spine MRR waterfall') / pg_temp.ms('mrr_movements(subscription_summary)'), '>= 5 (faster)')
       ) AS r(ratio, value, target);

SELECT ratio, round(value::numeric, 3) AS value, target, CASE WHEN meets THEN 'PASS' ELSE 'MISS' END AS result
  FROM (VALUES ('business_duration / (replied_at - opened_at)',
                pg_temp.ms('business_duration') / pg_temp.ms('replied_at - opened_at'), '<= 3',
                pg_temp.ms('business_duration') / pg_temp.ms('replied_at - opened_at') <= 3),
               ('hand-written business hours / business_duration',
                pg_temp.ms('hand-written business hours') / pg_temp.ms('business_duration'), '>= 20 (faster)',
                pg_temp.ms('hand-written business hours') / pg_temp.ms('business_duration') >= 20)
       ) AS r(ratio, value, target, meets);
\echo 'Business hours: tickets where business_duration and the hand-written SQL differ (target: 0)'
SELECT count(*) AS tickets, count(*) FILTER (WHERE business_duration(t.opened_at, t.replied_at, c.cal) IS DISTINCT FROM h.open) AS different
  FROM tickets AS t CROSS JOIN office_calendar AS c JOIN hand_business_hours AS h USING (id);

\echo
\echo 'Time in status per ticket: the lead() SQL / time_in_status(status_summary) (target: >= 1, faster), and the answers agree'
SELECT ratio, round(value::numeric, 3) AS value, '>= 1 (faster)' AS target, CASE WHEN value >= 1 THEN 'PASS' ELSE 'MISS' END AS result
  FROM (VALUES ('lead() SQL / time_in_status, calendar time',
                pg_temp.ms('lead() time in status per ticket') / pg_temp.ms('time_in_status(status_summary) per ticket')),
               ('lead() SQL / time_in_status, business hours',
                pg_temp.ms('lead() business_duration time in status per ticket') / pg_temp.ms('time_in_status(status_summary, cal) per ticket'))
       ) AS r(ratio, value);
SELECT count(*) AS tickets, count(*) FILTER (WHERE a.waited = b.waited AND a.waited_business = b.waited_business) AS same_answers
  FROM (SELECT ticket, time_in_status(h, 'pending') AS waited,
               time_in_status(h, 'pending', cal => business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00')) AS waited_business
          FROM (SELECT ticket, status_summary(status, changed_at) AS h FROM status_changes GROUP BY ticket) AS s) AS a
  JOIN (SELECT ticket, coalesce(sum(next_at - changed_at) FILTER (WHERE status = 'pending'), '0') AS waited,
               coalesce(sum(business_duration(changed_at, next_at, business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00')))
                          FILTER (WHERE status = 'pending' AND next_at IS NOT NULL), '0') AS waited_business
          FROM (SELECT ticket, status, changed_at, lead(changed_at) OVER (PARTITION BY ticket ORDER BY changed_at) AS next_at
                  FROM status_changes) AS s GROUP BY ticket) AS b USING (ticket);

\echo
\echo 'Parallel speedup (time with 0 workers / time with n workers), next to count(*) on the same table (grouped the same way for health)'
SELECT family, aggregate, round((pg_temp.ms(serial) / pg_temp.ms(serial || ', 1 worker'))::numeric, 2) AS "1 worker",
       round((pg_temp.ms(serial) / pg_temp.ms(serial || ', 2 workers'))::numeric, 2) AS "2 workers",
       round((pg_temp.ms(reference) / pg_temp.ms(reference || ', 1 worker'))::numeric, 2) AS "count(*) 1 worker",
       round((pg_temp.ms(reference) / pg_temp.ms(reference || ', 2 workers'))::numeric, 2) AS "count(*) 2 workers"
  FROM (VALUES ('survey scores', 'nps_agg(score)', 'nps_agg(score)', 'count(*) on facts'),
               ('rates', 'churn_rate(churned)', 'churn_rate(churned)', 'count(*) on facts'),
               ('durations', 'median_duration(response)', 'median_duration', 'count(*) on facts'),
               ('revenue', 'clv(customer, amount, purchased_at)', 'clv(customer, amount, purchased_at)', 'count(*) on orders'),
               ('revenue', 'two-stage CLV SQL (GROUP BY customer, then aggregate)', 'two-stage CLV', 'count(*) on orders'),
               ('revenue', 'mrr_summary(prev_mrr, curr_mrr)', 'mrr_summary', 'count(*) on mrr'),
               ('subscriptions', 'mrr_movements(subscription_summary(customer, mrr, valid_from, valid_to))',
                'mrr_movements(subscription_summary)', 'count(*) on subscriptions'),
               ('health', 'health_score_agg(name, value, weight) by account', 'health_score_agg by account', 'count(*) by account'))
       AS f(family, aggregate, serial, reference);

\echo
\echo 'Sentiment: short comments (3 to 8 words) a second on one core (target: 200,000), and against to_tsvector word matching in SQL'
SELECT c AS "case", round(:rows::bigint / (pg_temp.ms(c) / 1000)) AS comments_per_second,
       round((pg_temp.ms('to_tsvector word matching') / pg_temp.ms(c))::numeric, 2) AS "times faster than to_tsvector"
  FROM unnest(ARRAY['sentiment(comment)', 'sentiment_summary(comment)', 'sentiment(comment, auto)',
                    'to_tsvector word matching']) AS c;

\echo
\echo 'Accuracy of the duration percentiles against percentile_disc (target: within 1 %)'
SELECT p, round(100 * abs(extract(epoch FROM estimate) - extract(epoch FROM exact)) / extract(epoch FROM exact), 4) AS error_pct
  FROM (SELECT unnest(ARRAY[0.5, 0.9, 0.99]) AS p,
               unnest(percentiles(duration_summary(response), ARRAY[0.5, 0.9, 0.99])) AS estimate,
               unnest(percentile_disc(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY response)) AS exact
          FROM facts) AS t;

\echo
\echo 'Peak backend memory of GROUP BY: duration_summary over groups of about ten response times each'
\echo '(a cursor holds the hash aggregate after it has read all rows; pg_backend_memory_contexts sums it)'
SET max_parallel_workers_per_gather = 0;
SET work_mem = '64GB';
CREATE FUNCTION pg_temp.grouped_memory(aggregate text, groups bigint) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    cursor_name refcursor := 'grouped';
    bytes bigint;
BEGIN
    OPEN cursor_name FOR EXECUTE format('SELECT id %% %s, %s FROM facts GROUP BY 1', groups, aggregate);
    FETCH cursor_name INTO bytes;    -- the hash table is complete once the first group comes out
    SELECT sum(total_bytes) INTO bytes FROM pg_backend_memory_contexts;
    CLOSE cursor_name;
    RETURN bytes;
END $$;
-- tdigest keeps a buffer of about 16 kB a group whatever it holds, so it runs on a tenth of the
-- groups: a million of them would need some 16 GB
SELECT aggregate, groups, pg_size_pretty(used) AS backend_memory,
       pg_size_pretty(reference) AS "count() on the same groups",
       round((used - reference)::numeric / groups) AS bytes_per_group_beyond_count
  FROM (VALUES ('duration_summary(response)', :rows::bigint / 10),
               ('tdigest(extract(epoch FROM response)::float8, 100)', :rows::bigint / 100)) AS a(aggregate, groups),
       LATERAL (SELECT pg_temp.grouped_memory(aggregate, groups) AS used,
                       pg_temp.grouped_memory('count(response)', groups) AS reference) AS m;

\echo
\echo 'Size of the per-group summaries themselves (stored, compact)'
SELECT 'duration_summary' AS summary, count(*) AS groups, round(avg(pg_column_size(s))) AS average_bytes,
       max(pg_column_size(s)) AS largest_bytes, pg_size_pretty(sum(pg_column_size(s))) AS total
  FROM (SELECT duration_summary(response) AS s FROM facts GROUP BY id % (:rows / 10)) AS t
UNION ALL
SELECT 'tdigest (compression 100)', count(*), round(avg(pg_column_size(s))), max(pg_column_size(s)),
       pg_size_pretty(sum(pg_column_size(s)))
  FROM (SELECT tdigest(extract(epoch FROM response)::float8, 100) AS s FROM facts GROUP BY id % (:rows / 10)) AS t;

\echo
\echo 'The stored clv_summary of the header accessors'
SELECT label, customers(s), pg_column_compression(s) AS compression, pg_size_pretty(pg_column_size(s)::bigint) AS stored,
       pg_size_pretty(length(s::text)::bigint) AS text_form
  FROM stored_clv ORDER BY customers(s);

\echo
\echo 'Revenue: the answers agree, and peak backend memory of clv() against the two-stage SQL'
SELECT clv(customer, amount, purchased_at) AS clv,
       (SELECT avg(revenue) / avg(purchases)
                 * (sum(purchases) * 31557600.0 / count(*) / greatest(extract(epoch FROM max(last_at) - min(first_at)), 86400))
                 * avg(extract(epoch FROM last_at - first_at) / 31557600)
          FROM (SELECT customer, sum(amount) AS revenue, count(*) AS purchases,
                       min(purchased_at) AS first_at, max(purchased_at) AS last_at
                  FROM orders GROUP BY customer) AS c)::numeric(30, 10) AS two_stage_sql
  FROM orders;
CREATE FUNCTION pg_temp.query_memory(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    cursor_name refcursor := 'measured';
    bytes bigint;
BEGIN
    OPEN cursor_name FOR EXECUTE query;
    FETCH cursor_name INTO bytes;
    SELECT sum(total_bytes) INTO bytes FROM pg_backend_memory_contexts;
    CLOSE cursor_name;
    RETURN bytes;
END $$;
SELECT what, pg_size_pretty(pg_temp.query_memory(query)) AS backend_memory
  FROM (VALUES ('clv(customer, amount, purchased_at)', 'SELECT 1, clv(customer, amount, purchased_at) FROM orders'),
               ('two-stage SQL (inner GROUP BY customer)',
                'SELECT customer, sum(amount), count(*), min(purchased_at), max(purchased_at) FROM orders GROUP BY customer')) AS q(what, query);

\echo
\echo 'Sentiment with user words: comments a second on one core, built-in sentiment(comment, id) against'
\echo 'sentiment(comment, id, user_words => true) with 0, 100 and 10,000 rows in sentiment_words'
\echo '(the words are brand names plus overrides of three words the comments use; medians of the repetitions)'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE user_words_time (words int, variant text, ms float8);
DO $$
DECLARE
    started timestamptz;
    n int;
BEGIN
    FOREACH n IN ARRAY ARRAY[0, 100, 10000] LOOP
        TRUNCATE sentiment_words;
        INSERT INTO sentiment_words
        SELECT 'id', w, weight FROM (VALUES ('mantap', 3.0), ('lambat', -2.5), ('pengiriman', 0.5)) AS v(w, weight) WHERE n > 0
        UNION ALL
        SELECT 'id', 'merek' || i, (i % 9 - 4) / 2.0 FROM generate_series(1, n - 3) AS i;
        FOR repetition IN 1 .. current_setting('bench.repetitions')::int LOOP
            started := clock_timestamp();
            PERFORM count(sentiment(comment, 'id')) FROM feedback;
            INSERT INTO user_words_time VALUES (n, 'built-in', 1000 * extract(epoch FROM clock_timestamp() - started));
            started := clock_timestamp();
            PERFORM count(sentiment(comment, 'id', true)) FROM feedback;
            INSERT INTO user_words_time VALUES (n, 'user words', 1000 * extract(epoch FROM clock_timestamp() - started));
        END LOOP;
    END LOOP;
    TRUNCATE sentiment_words;
END $$;
SELECT words AS user_words,
       round(:rows::bigint / (percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE variant = 'built-in') / 1000)) AS built_in_per_second,
       round(:rows::bigint / (percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE variant = 'user words') / 1000)) AS user_words_per_second,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE variant = 'user words')
              / percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) FILTER (WHERE variant = 'built-in'))::numeric, 3) AS time_ratio
  FROM user_words_time GROUP BY words ORDER BY words;
\echo 'Customer-base fits: state size (binary form) at a tenth of the customers and at all of them, and parallel = serial'
CREATE AGGREGATE pg_temp.bgnbd_state(bigint, float8, float8) (
    SFUNC = btyd_summary_add_bgnbd, STYPE = btyd_summary, COMBINEFUNC = btyd_summary_merge, PARALLEL = SAFE);
CREATE AGGREGATE pg_temp.gamma_gamma_state(bigint, float8) (
    SFUNC = btyd_summary_add_gamma_gamma, STYPE = btyd_summary, COMBINEFUNC = btyd_summary_merge, PARALLEL = SAFE);
SET max_parallel_workers_per_gather = 0;
SELECT n AS customers, pg_size_pretty(length(btyd_summary_send(pg_temp.bgnbd_state(x, t_x, t)))::bigint) AS bgnbd_state,
       pg_size_pretty(length(btyd_summary_send(pg_temp.gamma_gamma_state(x, mean_value)))::bigint) AS gamma_gamma_state
  FROM (VALUES (:rows::bigint / 100), (:rows::bigint / 10)) AS v(n), LATERAL (SELECT * FROM btyd_customers WHERE customer <= n) AS c
 GROUP BY n ORDER BY n;
SELECT bgnbd_fit(x, t_x, t) AS serial_bg, gamma_gamma_fit(x, mean_value) AS serial_gg FROM btyd_customers \gset
SET max_parallel_workers_per_gather = 2;
SELECT bgnbd_fit(x, t_x, t) = :'serial_bg'::bgnbd_model AS bgnbd_parallel_equals_serial,
       gamma_gamma_fit(x, mean_value) = :'serial_gg'::gamma_gamma_model AS gamma_gamma_parallel_equals_serial,
       converged(bgnbd_fit(x, t_x, t)) AND converged(gamma_gamma_fit(x, mean_value)) AS converged
  FROM btyd_customers;
