-- Time in status: status_summary, time_in_status, first_reached, last_status,
-- status_changes, statuses
SET TimeZone = 'UTC';

-- one ticket: rows in any order, a repeated row counted once; at one instant
-- the changes follow the statuses' byte order ("open" < "solved", so the
-- ticket is solved after 2024-01-03 09:00 and that "open" lasts no time)
CREATE TEMP TABLE one (status text, changed_at timestamptz);
INSERT INTO one VALUES ('pending', '2024-01-02 12:00'), ('new', '2024-01-01 08:00'),
    ('solved', '2024-01-03 09:00'), ('open', '2024-01-02 10:00'), ('open', '2024-01-03 09:00'),
    ('open', '2024-01-02 10:00'), (NULL, '2024-01-05'), ('open', NULL);
SELECT status_summary(status, changed_at) FROM one;
SELECT st, time_in_status(s, st) AS to_last_change, time_in_status(s, st, '2024-01-04') AS to_jan_4,
       time_in_status(s, st, cal => c) AS business, time_in_status(s, st, '2024-01-04', c) AS business_to_jan_4,
       first_reached(s, st)
  FROM (SELECT status_summary(status, changed_at) AS s FROM one) AS t,
       business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00') AS c,
       unnest(ARRAY['new', 'open', 'pending', 'solved', 'on-hold']) AS st;
SELECT last_status(s), status_changes(s), statuses(s),
       s::text::status_summary = s AS text_round_trip, s::text::status_summary::text = s::text AS same_text
  FROM (SELECT status_summary(status, changed_at) AS s FROM one) AS t;
-- NULLs: no rows or only NULL rows give NULL; a NULL summary or status too
SELECT status_summary(status, changed_at) IS NULL AS no_rows FROM one WHERE false;
SELECT status_summary(status, changed_at) IS NULL AS only_nulls FROM one WHERE status IS NULL OR changed_at IS NULL;
SELECT time_in_status(NULL, 'open') IS NULL AS null_summary,
       time_in_status('v1 2024-01-01T00:00:00Z "open"', NULL) IS NULL AS null_status,
       first_reached('v1 2024-01-01T00:00:00Z "open"', 'solved') IS NULL AS never_reached;
-- statuses are compared byte for byte; quotes double in the text form
SELECT s, statuses(s), time_in_status(s, 'Open', '2024-01-02') AS capital,
       time_in_status(s, 'open', '2024-01-02') AS lower_case, time_in_status(s, 'say "hi"', '2024-01-02') AS quoted
  FROM (SELECT status_summary(st, at) AS s
          FROM (VALUES ('Open', '2024-01-01 00:00'::timestamptz), ('open', '2024-01-01 01:00'),
                       ('say "hi"', '2024-01-01 03:00'), ('', '2024-01-01 06:00'), ('Open', '2024-01-01 12:00')) AS v(st, at)) AS t;
-- exact to the microsecond, and across the years
SELECT time_in_status(status_summary(st, at), 'a', '9999-12-31 23:59:59.999999')
  FROM (VALUES ('a', '0001-01-01 00:00:00.000001'::timestamptz), ('b', '5000-01-01'), ('a', '5000-01-01 00:00:00.5')) AS v(st, at);
-- equality and hashing: DISTINCT / GROUP BY see summaries of the same history as one
SELECT count(*) AS distinct_summaries, sum(n) AS summaries FROM (SELECT s, count(*) AS n FROM (
    SELECT status_summary(status, changed_at ORDER BY changed_at DESC) AS s FROM one
    UNION ALL SELECT status_summary(status, changed_at ORDER BY status) FROM one
    UNION ALL SELECT s::text::status_summary FROM (SELECT status_summary(status, changed_at) AS s FROM one) AS u
    UNION ALL SELECT status_summary(status, changed_at) FROM one WHERE status <> 'new') AS t GROUP BY s) AS g;
SELECT a = b AS equal, a <> b AS not_equal, status_summary_hash(a) = status_summary_hash(b) AS same_hash
  FROM (SELECT status_summary(status, changed_at) AS a, status_summary(status, changed_at ORDER BY status DESC) AS b FROM one) AS t;

-- Brute force: random histories of 500 tickets (ties, repeated rows and
-- NULLs included) against the window-function SQL an analyst writes, in
-- calendar time and in the open time of two calendars (business_duration
-- per span), for every status and two until rules.
SELECT setseed(0.15);
CREATE TEMP TABLE changes AS
SELECT ticket, (ARRAY['new', 'open', 'pending', 'on-hold', 'solved'])[1 + floor(random() * 5)::int] AS status,
       '2025-03-20'::timestamptz + floor(random() * 60 * 24 * 30)::int * interval '1 minute'
         + CASE WHEN random() < 0.1 THEN interval '0.000001 s' ELSE '0' END AS changed_at
  FROM generate_series(1, 500) AS ticket, LATERAL generate_series(1, 1 + floor(random() * 12)::int + ticket * 0) AS k;
-- ties and repeated rows
INSERT INTO changes SELECT ticket, CASE WHEN ticket % 2 = 0 THEN 'open' ELSE status END, changed_at
  FROM changes WHERE ticket % 7 = 0;
INSERT INTO changes VALUES (1, NULL, '2025-04-01'), (2, 'open', NULL);
CREATE TEMP TABLE cals (cal_id int, cal business_calendar);
INSERT INTO cals VALUES (1, business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01,2025-04-18}')),
    (2, business_calendar('Europe/Berlin', 'mon-fri 08:00-12:00,13:00-17:00; sat 22:00-03:00', '{2025-04-18,2025-04-21}'));
CREATE TEMP TABLE untils (rule text, until_of_ticket interval);
INSERT INTO untils VALUES ('last change', NULL), ('a week later', '7 days 3 hours');
CREATE TEMP TABLE summaries AS
SELECT ticket, status_summary(status, changed_at ORDER BY random()) AS s FROM changes GROUP BY ticket;
-- each span once: distinct changes, at one instant in byte order
CREATE TEMP TABLE spans AS
SELECT ticket, status, changed_at, lead(changed_at) OVER w AS next_at, max(changed_at) OVER (PARTITION BY ticket) AS last_at
  FROM (SELECT DISTINCT ticket, status, changed_at FROM changes WHERE status IS NOT NULL AND changed_at IS NOT NULL) AS d
WINDOW w AS (PARTITION BY ticket ORDER BY changed_at, status COLLATE "C");
SELECT count(*) AS cases, count(*) FILTER (WHERE got = want) AS equal,
       count(*) FILTER (WHERE got_business = want_business) AS equal_business,
       count(*) FILTER (WHERE want > '0') AS nonzero, count(*) FILTER (WHERE want_business > '0') AS nonzero_business
  FROM (SELECT t.ticket, st, u.rule, c.cal_id,
               time_in_status(t.s, st, last_at + u.until_of_ticket) AS got,
               time_in_status(t.s, st, last_at + u.until_of_ticket, c.cal) AS got_business,
               (SELECT coalesce(sum(coalesce(next_at, last_at + u.until_of_ticket, last_at) - changed_at), '0')
                  FROM spans AS p WHERE p.ticket = t.ticket AND p.status = st) AS want,
               (SELECT coalesce(sum(business_duration(changed_at, coalesce(next_at, last_at + u.until_of_ticket, last_at), c.cal)), '0')
                  FROM spans AS p WHERE p.ticket = t.ticket AND p.status = st) AS want_business
          FROM summaries AS t
          JOIN (SELECT DISTINCT ticket, last_at FROM spans) AS l USING (ticket)
          CROSS JOIN unnest(ARRAY['new', 'open', 'pending', 'on-hold', 'solved', 'closed']) AS st
          CROSS JOIN untils AS u CROSS JOIN cals AS c) AS x;
-- the accessors against the same spans
SELECT count(*) AS tickets,
       count(*) FILTER (WHERE status_changes(s) = (SELECT count(*) FROM spans AS p WHERE p.ticket = t.ticket)) AS changes_equal,
       count(*) FILTER (WHERE last_status(s) = (SELECT status FROM spans AS p WHERE p.ticket = t.ticket AND next_at IS NULL)) AS last_equal,
       count(*) FILTER (WHERE statuses(s) = (SELECT array_agg(status ORDER BY first_at, status COLLATE "C")
                                             FROM (SELECT status, min(changed_at) AS first_at FROM spans AS p
                                                    WHERE p.ticket = t.ticket GROUP BY status) AS f)) AS statuses_equal,
       count(*) FILTER (WHERE first_reached(s, 'pending') IS NOT DISTINCT FROM
                              (SELECT min(changed_at) FROM spans AS p WHERE p.ticket = t.ticket AND p.status = 'pending')) AS first_reached_equal
  FROM summaries AS t;
-- any split of a ticket's rows merges back to the whole, in any order
SELECT count(*) AS tickets, count(*) FILTER (WHERE merged = s) AS merged_equal,
       count(*) FILTER (WHERE reversed = s) AS reversed_equal
  FROM (SELECT ticket, status_summary_merge(a, b) AS merged, status_summary_merge(b, a) AS reversed
          FROM (SELECT ticket, status_summary(status, changed_at) FILTER (WHERE h) AS a,
                       status_summary(status, changed_at) FILTER (WHERE NOT h) AS b
                  FROM (SELECT *, random() < 0.5 AS h FROM changes) AS r GROUP BY ticket) AS p
         WHERE a IS NOT NULL AND b IS NOT NULL) AS m JOIN summaries USING (ticket);
-- the text form re-reads every summary exactly (binary: test/t/031_status_binary.pl)
SELECT count(*) FILTER (WHERE s::text::status_summary = s) AS text_equal FROM summaries;

-- Forced parallel plans: per ticket and one summary over every row
CREATE TABLE big_changes AS
SELECT ticket + 500 * k AS ticket, status, changed_at + k * interval '1 hour' AS changed_at
  FROM changes, generate_series(0, 39) AS k;
ANALYZE big_changes;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE big_serial AS SELECT ticket, status_summary(status, changed_at) AS s FROM big_changes GROUP BY ticket;
CREATE TEMP TABLE big_whole AS SELECT status_summary(status, changed_at) AS s FROM big_changes;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
SET enable_hashagg = off;
EXPLAIN (COSTS OFF) SELECT status_summary(status, changed_at) FROM big_changes;
SELECT status_summary(status, changed_at) = (SELECT s FROM big_whole) AS parallel_equals_serial FROM big_changes;
EXPLAIN (COSTS OFF) SELECT ticket, status_summary(status, changed_at) FROM big_changes GROUP BY ticket;
SELECT count(*) AS tickets, count(*) FILTER (WHERE p.s = b.s) AS parallel_equals_serial
  FROM (SELECT ticket, status_summary(status, changed_at) AS s FROM big_changes GROUP BY ticket) AS p
  JOIN big_serial AS b USING (ticket);
RESET enable_hashagg;
RESET parallel_leader_participation;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
RESET max_parallel_workers_per_gather;
DROP TABLE big_changes;

-- Errors
SELECT sqlstate_of($$SELECT status_summary('open', 'infinity')$$);
SELECT sqlstate_of($$SELECT status_summary('open', '-infinity')$$);
SELECT sqlstate_of($$SELECT time_in_status('v1 2024-01-02T00:00:00Z "open"', 'open', '2024-01-01')$$);
SELECT sqlstate_of($$SELECT time_in_status('v1 2024-01-02T00:00:00Z "open"', 'open', 'infinity')$$);
SELECT t AS input, sqlstate_of(format('SELECT %L::status_summary', t)) AS error
  FROM (VALUES (''), ('v1'), ('v1 '), ('v2 2024-01-01T00:00:00Z "a"'), ('v1 2024-01-01T00:00:00Z a'),
               ('v1 2024-01-01T00:00:00Z'), ('v1 2024-01-01 "a"'), ('v1 2024-02-30T00:00:00Z "a"'),
               ('v1 2024-01-01T00:00:00Z "a'), ('v1 2024-01-01T00:00:00Z "a",'), ('v1 2024-01-01T00:00:00Z "a" 2024-01-02T00:00:00Z "b"'),
               ('v1 2024-01-02T00:00:00Z "a", 2024-01-01T00:00:00Z "b"'),
               ('v1 2024-01-01T00:00:00Z "a", 2024-01-01T00:00:00Z "a"'),
               ('v1 2024-01-01T00:00:00Z "a" x')) AS v(t);
-- changes at one instant may come in any order; they print in byte order
SELECT 'v1 2024-01-01T00:00:00Z "b", 2024-01-01T00:00:00Z "a"'::status_summary;
