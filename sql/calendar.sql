-- business_calendar, business_duration, business_add, is_open
\set VERBOSITY default
SET TimeZone = 'UTC';

-- the worked example: Friday 16:30 to Monday 09:15, open Mon-Fri 08:00-17:00
SELECT business_duration('2025-01-10 16:30+07', '2025-01-13 09:15+07',
                         business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00'));
SELECT business_add('2025-01-10 16:30+07', '1 hour 45 minutes',
                    business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00')) AT TIME ZONE 'Asia/Jakarta';
SELECT is_open('2025-01-10 16:59+07', c), is_open('2025-01-10 17:00+07', c),
       is_open('2025-03-31 10:00+07', c) AS on_holiday
FROM business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01}') c;

-- text form: canonical, re-reads exactly
SELECT business_calendar('europe/berlin', 'fri 22:00-02:00; mon-thu 08:00-12:00,13:00-17:00; fri 08:00-12:00,12:00-17:00',
                         '{2025-12-26,2025-12-25,2025-12-25}');
SELECT business_calendar('UTC', 'mon-sun 00:00-24:00'), business_calendar('UTC', '24/7');
SELECT c::text::business_calendar = c AS text_round_trip, c::text = c::text::business_calendar::text AS same_text
FROM business_calendar('Australia/Lord_Howe', 'sun 22:00-06:00; wed 09:00-17:00', '{2025-01-01}') c;
SELECT business_calendar('UTC', 'mon 09:00-17:00') = business_calendar('UTC', 'mon 09:00-12:00,12:00-17:00') AS equal,
       business_calendar('UTC', 'mon 09:00-17:00') <> business_calendar('Etc/UTC', 'mon 09:00-17:00') AS other_zone;
SELECT 'v1 Asia/Kathmandu [sun-fri 10:00-17:00] {2025-02-26}'::business_calendar;

-- errors
SELECT business_calendar('Mars/Olympus', 'mon 09:00-17:00');
SELECT business_calendar('UTC', 'mon-fri 09:00-17:00; wed 16:00-18:00');
SELECT business_calendar('UTC', 'sun 22:00-02:00; mon 01:00-03:00');
SELECT business_calendar('UTC', 'mon-fri 9:00-17:00');
SELECT business_calendar('UTC', 'mon-fry 09:00-17:00');
SELECT business_calendar('UTC', 'mon 09:00-09:00');
SELECT business_calendar('UTC', 'mon 09:00-25:00');
SELECT business_calendar('UTC', '');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{10000-01-01}');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{NULL}');
SELECT 'v1 UTC [mon 09:00-17:00; tue 8:00-17:00] {}'::business_calendar;
SELECT 'v1 Nowhere/Land [mon 09:00-17:00] {}'::business_calendar;
SELECT 'v1 UTC [mon 09:00-17:00] {2025-02-30}'::business_calendar;
SELECT 'v3 UTC [mon 09:00-17:00] {}'::business_calendar;
SELECT business_duration('2025-01-02', '2025-01-01', business_calendar('UTC', '24/7'));
SELECT business_duration('-infinity', '2025-01-01', business_calendar('UTC', '24/7'));
SELECT business_add('2025-01-01', '1 month', business_calendar('UTC', '24/7'));
SELECT business_add('2025-01-01', '-1 hour', business_calendar('UTC', '24/7'));
SELECT business_add('294276-12-01', '1000 hours', business_calendar('UTC', 'mon 09:00-10:00'));

-- closed ranges: local times of a date closed, the rest of its hours open
-- Christmas Eve open until 12:00, Christmas Day a holiday: Wed 4 h + Fri 9 h
SELECT business_duration('2025-12-24 00:00+07', '2025-12-27 00:00+07', c) AS wed_to_fri,
       business_add('2025-12-24 10:00+07', '3 hours', c) AT TIME ZONE 'Asia/Jakarta' AS due,
       is_open('2025-12-24 11:59+07', c) AS at_1159, is_open('2025-12-24 12:00+07', c) AS at_1200
FROM business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-12-25}', '2025-12-24 12:00-24:00') c;
-- an event: Friday 2025-03-28 closed 08:00-09:00 and 13:00-17:00, open 4 hours
SELECT business_duration('2025-03-28 00:00+07', '2025-03-29 00:00+07', c) AS friday,
       business_add('2025-03-28 12:00+07', '2 hours', c) AT TIME ZONE 'Asia/Jakarta' AS due
FROM business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{}', '2025-03-28 13:00-17:00; 2025-03-28 08:00-09:00') c;
-- time in status counts business time the same way: pending Wed 10:00 to
-- Fri 10:00 over the half day and the holiday is 2 h + 2 h
SELECT time_in_status(h, 'pending', cal => c) AS pending_business, time_in_status(h, 'pending') AS pending
FROM (SELECT status_summary(s, t) AS h
      FROM (VALUES ('pending', timestamptz '2025-12-24 10:00+07'), ('open', '2025-12-26 10:00+07')) v(s, t)) x,
     business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-12-25}', '2025-12-24 12:00-24:00') c;
-- Berlin DST days, open all Sunday, closed 01:00-04:00 local: spring 23 h - 2 h,
-- autumn 25 h - 4 h (the repeated 02:00-03:00 is closed twice)
SELECT business_duration('2025-03-29 23:00+01', '2025-03-30 22:00+00', c) AS spring_day,
       business_duration('2025-10-25 22:00+00', '2025-10-26 23:00+00', c) AS autumn_day,
       is_open('2025-10-26 00:30+00', c) AS first_0230, is_open('2025-10-26 01:30+00', c) AS second_0230,
       is_open('2025-10-26 03:00+00', c) AS at_0400
FROM business_calendar('Europe/Berlin', 'sun 00:00-24:00', '{}', '2025-03-30 01:00-04:00; 2025-10-26 01:00-04:00') c;
-- hours past midnight: a range closes the part on its own date only
-- (Friday 22:00-24:00 and Saturday 00:00-02:00, 4 hours without ranges)
SELECT business_duration('2025-01-10', '2025-01-12', business_calendar('Europe/Berlin', 'fri 22:00-02:00', '{}', '2025-01-10 23:00-24:00')) AS friday_closed_1h,
       business_duration('2025-01-10', '2025-01-12', business_calendar('Europe/Berlin', 'fri 22:00-02:00', '{}', '2025-01-11 00:00-01:30')) AS saturday_closed_90min,
       is_open('2025-01-10 22:30+00', c) AS fri_2330, is_open('2025-01-10 23:30+00', c) AS sat_0030
FROM business_calendar('Europe/Berlin', 'fri 22:00-02:00', '{}', '2025-01-10 23:00-24:00') c;
-- a range on a holiday: the holiday closes the whole date, the range is dropped
SELECT c, c = business_calendar('UTC', 'mon-fri 09:00-17:00', '{2025-03-31}', '2025-04-01 12:00-13:00') AS dropped,
       business_duration('2025-03-31', '2025-04-01', c)
FROM business_calendar('UTC', 'mon-fri 09:00-17:00', '{2025-03-31}', '2025-03-31 12:00-13:00; 2025-04-01 12:00-13:00') c;
-- overlapping or touching ranges of a date merge; a range outside the hours removes nothing
SELECT c, c = business_calendar('UTC', 'mon-fri 09:00-17:00', '{}', '2025-03-28 13:00-17:00; 2025-03-29 10:00-11:00') AS merged,
       business_duration('2025-03-28', '2025-03-31', c)
FROM business_calendar('UTC', 'mon-fri 09:00-17:00', '{}', ' 2025-03-29 10:00-11:00;2025-03-28 14:00-16:00,13:00-15:00 ; 2025-03-28 16:00-17:00 ') c;
-- text and binary forms: v2 only with ranges, re-read exactly; = and hash see the ranges
SELECT c::text, c::text::business_calendar = c AS text_round_trip, c::text = c::text::business_calendar::text AS same_text
FROM (VALUES (business_calendar('Europe/Berlin', 'fri 22:00-02:00; mon-thu 08:00-12:00,13:00-17:00', '{2025-12-25}',
                                '2025-12-24 12:00-24:00; 2025-01-11 00:00-01:00,01:30-01:45')),
             (business_calendar('UTC', '24/7', '{}', '0001-01-01 00:00-00:01; 9999-12-31 23:59-24:00')),
             (business_calendar('UTC', '24/7', '{}', ''))) v(c);
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-10:00') = business_calendar('UTC', 'mon 09:00-17:00') AS equal_without_range,
       business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-10:00') = business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-11:00') AS equal_other_range,
       business_calendar_hash(business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-10:00'))
         = business_calendar_hash(business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-09:30,09:30-10:00')) AS same_hash_merged,
       count(DISTINCT business_calendar_hash(c)) AS distinct_hashes
FROM (VALUES (business_calendar('UTC', 'mon 09:00-17:00')), (business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-10:00')),
             (business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-09:30,09:30-10:00')),
             (business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-13 09:00-10:00'))) v(c);
SELECT business_calendar_send(business_calendar('UTC', 'mon 09:00-17:00')) AS v1_bytes,
       business_calendar_send(business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-01-06 09:00-10:00')) AS v2_bytes;
CREATE TEMP TABLE calendars_stored (c business_calendar);
INSERT INTO calendars_stored VALUES
  (business_calendar('Europe/Berlin', 'mon-fri 08:00-17:00', '{2025-12-25}', '2025-12-24 12:00-24:00; 2025-03-28 08:00-09:00,13:00-17:00')),
  (business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31}'));
\copy calendars_stored TO 'results/calendars_stored.copy' WITH (FORMAT binary)
CREATE TEMP TABLE calendars_back (c business_calendar);
\copy calendars_back FROM 'results/calendars_stored.copy' WITH (FORMAT binary)
SELECT (SELECT array_agg(c::text ORDER BY c::text) FROM calendars_back)
     = (SELECT array_agg(c::text ORDER BY c::text) FROM calendars_stored) AS binary_round_trip,
       (SELECT count(*) FROM calendars_back b JOIN calendars_stored s ON b.c = s.c) AS equal_rows;
-- closed range errors, with the position of the bad part
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28 13:00-17:00; 2025-03-28 17:00-13:00');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28 13:00-13:00');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28 24:00-24:00');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28 13:00-24:01');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-02-29 13:00-17:00');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-3-28 13:00-17:00');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28 13:00-17:00;');
SELECT business_calendar('UTC', 'mon 09:00-17:00', '{}', '2025-03-28 13:00-17:00, 18:00-19:00');
SELECT 'v2 UTC [mon 09:00-17:00] {} (2025-03-28 13:00)'::business_calendar;
SELECT 'v2 UTC [mon 09:00-17:00] {}'::business_calendar;
SELECT 'v1 UTC [mon 09:00-17:00] {} (2025-03-28 13:00-17:00)'::business_calendar;

-- DST: hours are local wall-clock time
-- Berlin, 2025-03-30 02:00 -> 03:00: a Sunday 01:00-04:00 holds 2 hours
SELECT business_duration('2025-03-29', '2025-03-31', business_calendar('Europe/Berlin', 'sun 01:00-04:00'));
-- Berlin, 2025-10-26 03:00 -> 02:00: the repeated hour counts twice
SELECT business_duration('2025-10-25', '2025-10-27', business_calendar('Europe/Berlin', 'sun 01:00-04:00'));
-- New York 2025-03-09 and 2025-11-02 at 02:00, a night shift across both
SELECT business_duration('2025-03-08', '2025-03-10', c), business_duration('2025-11-01', '2025-11-03', c)
FROM business_calendar('America/New_York', 'sat 23:00-04:00') c;
-- Lord Howe shifts by 30 minutes: 2025-04-06 02:00 -> 01:30, 2025-10-05 02:00 -> 02:30
SELECT business_duration('2025-04-04', '2025-04-08', c), business_duration('2025-10-03', '2025-10-07', c)
FROM business_calendar('Australia/Lord_Howe', 'sun 01:00-03:00') c;
-- Kathmandu is +05:45
SELECT business_duration('2025-01-05 04:00+00', '2025-01-05 05:00+00', c) AS from_0945,
       is_open('2025-01-05 04:14+00', c) AS at_0959, is_open('2025-01-05 04:15+00', c) AS at_1000
FROM business_calendar('Asia/Kathmandu', 'sun-fri 10:00-17:00') c;
-- a 24/7 calendar's open time is finish - start, over years and DST
SELECT business_duration('2001-03-01 10:17:13.5+00', '2031-07-09 01:02:03.25+00', business_calendar('Europe/Berlin', '24/7'))
     = justify_hours('2031-07-09 01:02:03.25+00'::timestamptz - '2001-03-01 10:17:13.5+00') AS equals_difference,
       extract(epoch from business_duration('2001-03-01 10:17:13.5+00', '2031-07-09 01:02:03.25+00', business_calendar('Europe/Berlin', '24/7')))
     = extract(epoch from '2031-07-09 01:02:03.25+00'::timestamptz - '2001-03-01 10:17:13.5+00') AS same_seconds;

-- The brute-force reference: every minute of March..November 2025 in each
-- calendar's zone, open when its local time (AT TIME ZONE) is in an interval
-- of its weekday, its local date is no holiday and its local time is in no
-- closed range of that date; cum = open minutes before.
CREATE TEMP TABLE cal (id int PRIMARY KEY, zone text, hours text, holidays date[], closed text NOT NULL DEFAULT '');
INSERT INTO cal VALUES
 (1, 'Europe/Berlin', 'mon-fri 08:00-17:00; fri 22:00-02:00; sun 01:00-04:00', '{2025-04-18,2025-05-01,2025-10-03}'),
 (2, 'America/New_York', 'mon-sun 01:00-03:00; mon-fri 09:00-17:00', '{2025-07-04,2025-09-01}'),
 (3, 'Australia/Lord_Howe', 'mon-sun 01:00-03:00,08:00-17:00', '{2025-04-25}'),
 (4, 'Asia/Kathmandu', 'sun-fri 10:00-17:00', '{2025-05-12}'),
 (5, 'Asia/Jakarta', 'mon-fri 08:00-17:00; sat 23:00-01:30', '{2025-03-31,2025-04-01,2025-04-18,2025-05-29}');
-- the same hours split at midnight, weekday 1 = Monday, minutes of the day
CREATE TEMP TABLE span (id int, dow int, lo int, hi int);
INSERT INTO span SELECT 1, d, 480, 1020 FROM generate_series(1, 5) d;
INSERT INTO span VALUES (1, 5, 1320, 1440), (1, 6, 0, 120), (1, 7, 60, 240);
INSERT INTO span SELECT 2, d, 60, 180 FROM generate_series(1, 7) d;
INSERT INTO span SELECT 2, d, 540, 1020 FROM generate_series(1, 5) d;
INSERT INTO span SELECT 3, d, 60, 180 FROM generate_series(1, 7) d;
INSERT INTO span SELECT 3, d, 480, 1020 FROM generate_series(1, 7) d;
INSERT INTO span SELECT 4, d, 600, 1020 FROM generate_series(1, 5) d;
INSERT INTO span VALUES (4, 7, 600, 1020);
INSERT INTO span SELECT 5, d, 480, 1020 FROM generate_series(1, 5) d;
INSERT INTO span VALUES (5, 6, 1380, 1440), (5, 7, 0, 90);
-- closed ranges, minutes of the local date [lo, hi): random ones (overlapping
-- ones merge) for calendars 1 to 3, and chosen ones on DST change days, on
-- holidays, over hours past midnight and outside the hours
SELECT setseed(0.35);
CREATE TEMP TABLE closed (id int, day date, lo int, hi int);
INSERT INTO closed
SELECT id, day, lo, least(1440, lo + 1 + floor(random() * 600)::int)
FROM (SELECT 1 + i % 3 AS id, date '2025-03-01' + floor(random() * 250)::int AS day, floor(random() * 1440)::int AS lo
      FROM generate_series(1, 90) i) x;
INSERT INTO closed VALUES
 (1, '2025-03-30', 90, 210), (1, '2025-10-26', 135, 165), (1, '2025-10-26', 150, 200), (1, '2025-05-01', 600, 660),
 (1, '2025-04-04', 1380, 1440), (1, '2025-04-05', 0, 60),
 (2, '2025-03-09', 60, 180), (2, '2025-11-02', 90, 150),
 (3, '2025-04-06', 100, 130), (3, '2025-10-05', 110, 160),
 (5, '2025-04-05', 1410, 1440), (5, '2025-04-06', 0, 45), (5, '2025-06-08', 60, 120), (5, '2025-05-29', 600, 720),
 (5, '2025-08-15', 720, 780), (5, '2025-08-15', 750, 1020);
UPDATE cal SET closed = (SELECT string_agg(to_char(r.day, 'YYYY-MM-DD') || ' ' || to_char(r.lo / 60, 'FM00') || ':' || to_char(r.lo % 60, 'FM00')
                                           || '-' || to_char(r.hi / 60, 'FM00') || ':' || to_char(r.hi % 60, 'FM00'), '; ' ORDER BY r.hi DESC, r.day)
                         FROM closed r WHERE r.id = cal.id)
WHERE id IN (SELECT id FROM closed);
-- the local minutes the ranges close
CREATE TEMP TABLE closed_minute AS
SELECT DISTINCT id, r.day + make_interval(mins => g) AS l FROM closed r, generate_series(r.lo, r.hi - 1) g;
-- each calendar's open minutes of the week, Monday 00:00 first
CREATE TEMP TABLE week AS
SELECT c.id, array_agg(EXISTS (SELECT FROM span s WHERE s.id = c.id AND s.dow = 1 + w / 1440
                                AND w % 1440 >= s.lo AND w % 1440 < s.hi) ORDER BY w) AS open
  FROM cal c, generate_series(0, 7 * 1440 - 1) w GROUP BY c.id;
CREATE TEMP TABLE minute AS
SELECT id, m, coalesce(sum(open::int) OVER (PARTITION BY id ORDER BY m ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS cum, open
FROM (SELECT c.id, m,
             NOT (l::date = ANY (c.holidays))
             AND NOT EXISTS (SELECT FROM closed_minute cm WHERE cm.id = c.id AND cm.l = l.l)
             AND w.open[1 + (extract(isodow FROM l)::int - 1) * 1440 + extract(hour FROM l)::int * 60 + extract(minute FROM l)::int] AS open
      FROM cal c JOIN week w USING (id), generate_series('2025-03-01 00:00+00'::timestamptz, '2025-11-10 00:00+00', '1 minute') m,
           LATERAL (SELECT m AT TIME ZONE c.zone AS l) l) x;
CREATE INDEX ON minute (id, m);
ANALYZE minute;
SELECT count(*) AS calendars_hours_match, count(*) FILTER (WHERE business_calendar(zone, hours, holidays, closed)::text LIKE 'v2 %') AS with_ranges
FROM cal WHERE business_calendar(zone, hours, holidays, closed)::text IS NOT NULL;

-- 10,000 random minute-aligned cases: half short ones around the DST
-- changes, half spanning up to 120 days
SELECT setseed(0.15);
CREATE TEMP TABLE cases AS
SELECT i, id, s, s + make_interval(mins => len) AS f
FROM (SELECT i, 1 + (i % 5) AS id,
             CASE WHEN i % 2 = 0
                  THEN (ARRAY['2025-03-09','2025-03-30','2025-04-06','2025-10-05','2025-10-26','2025-11-02']::timestamptz[])[1 + floor(random() * 6)::int]
                       + make_interval(mins => floor(random() * 5760)::int - 2880)
                  ELSE '2025-03-02'::timestamptz + make_interval(mins => floor(random() * 60 * 24 * 60)::int) END AS s,
             CASE WHEN i % 2 = 0 THEN floor(random() * 4320)::int
                  ELSE floor(random() * 60 * 24 * 120)::int END AS len
      FROM generate_series(1, 10000) i) x;
SELECT count(*) AS cases,
       count(*) FILTER (WHERE business_duration(c.s, c.f, k) = make_interval(mins => (b.cum - a.cum)::int)) AS equal_duration,
       count(*) FILTER (WHERE CASE WHEN b.cum = a.cum THEN r.t = c.s
                                   WHEN p.open THEN r.t = c.f
                                   ELSE r.t < c.f AND business_duration(c.s, r.t, k) = make_interval(mins => (b.cum - a.cum)::int) END) AS add_inverts,
       count(*) FILTER (WHERE is_open(c.s, k) = a.open) AS equal_is_open
FROM cases c JOIN cal USING (id)
CROSS JOIN LATERAL business_calendar(cal.zone, cal.hours, cal.holidays, cal.closed) k
JOIN minute a ON a.id = c.id AND a.m = c.s
JOIN minute b ON b.id = c.id AND b.m = c.f
JOIN minute p ON p.id = c.id AND p.m = c.f - interval '1 minute'
CROSS JOIN LATERAL business_add(c.s, make_interval(mins => (b.cum - a.cum)::int), k) r(t);

-- a constant calendar is kept per call site (holidays by a table): the same
SELECT count(*) AS cases,
       count(*) FILTER (WHERE business_duration(c.s, c.f, 'v2 Asia/Jakarta [mon-fri 08:00-17:00; sat 23:00-01:30] {2025-03-31,2025-04-01,2025-04-18,2025-05-29}
                                                          (2025-04-05 23:30-24:00; 2025-04-06 00:00-00:45; 2025-06-08 01:00-02:00; 2025-08-15 12:00-17:00)')
                              = make_interval(mins => (b.cum - a.cum)::int)) AS equal_duration
FROM cases c
JOIN minute a ON a.id = c.id AND a.m = c.s
JOIN minute b ON b.id = c.id AND b.m = c.f
WHERE c.id = 5;

-- business_add lands exactly on the end of the open time, minute by minute
SELECT count(*) AS cases,
       count(*) FILTER (WHERE e.m = business_add(c.s, make_interval(mins => (e.cum + 1 - a.cum)::int) , k) - interval '1 minute') AS exact
FROM cases c JOIN cal USING (id)
CROSS JOIN LATERAL business_calendar(cal.zone, cal.hours, cal.holidays, cal.closed) k
JOIN minute a ON a.id = c.id AND a.m = c.s
JOIN LATERAL (SELECT m, cum FROM minute e WHERE e.id = c.id AND e.m >= c.s AND e.open ORDER BY m LIMIT 1 OFFSET (c.i % 97)) e ON true
WHERE c.i <= 2000;

-- second-level cases: the partial minutes at each end are open or not as the
-- minute they lie in
SELECT setseed(0.25);
SELECT count(*) AS cases,
       count(*) FILTER (WHERE business_duration(x.s, x.f, k)
           = make_interval(mins => (b.cum - a1.cum)::int)
             + CASE WHEN a.open THEN date_trunc('minute', x.s) + interval '1 minute' - x.s ELSE interval '0' END
             + CASE WHEN b.open THEN x.f - date_trunc('minute', x.f) ELSE interval '0' END) AS equal_duration,
       count(*) FILTER (WHERE business_add(x.s, business_duration(x.s, x.f, k), k) <= x.f
                          AND business_duration(x.s, business_add(x.s, business_duration(x.s, x.f, k), k), k) = business_duration(x.s, x.f, k)) AS add_inverts
FROM (SELECT c.id, c.s + random() * interval '59.999999 seconds' AS s, c.f + interval '1 minute' + random() * interval '59.999999 seconds' AS f
      FROM cases c WHERE c.i <= 1000) x
JOIN cal USING (id)
CROSS JOIN LATERAL business_calendar(cal.zone, cal.hours, cal.holidays, cal.closed) k
JOIN minute a ON a.id = x.id AND a.m = date_trunc('minute', x.s)
JOIN minute a1 ON a1.id = x.id AND a1.m = date_trunc('minute', x.s) + interval '1 minute'
JOIN minute b ON b.id = x.id AND b.m = date_trunc('minute', x.f);

-- long spans: the whole-week arithmetic equals the sum of short pieces
SELECT count(*) AS cases,
       count(*) FILTER (WHERE business_duration(s, s + interval '3000 days', k)
           = (SELECT sum(business_duration(g, least(g + interval '5 days', s + interval '3000 days'), k))
              FROM generate_series(s, s + interval '2999 days', interval '5 days') g)) AS equal
FROM (SELECT id, '2020-01-01'::timestamptz + random() * interval '3000 days' AS s FROM cal, generate_series(1, 4)) x
JOIN cal USING (id)
CROSS JOIN LATERAL business_calendar(cal.zone, cal.hours, cal.holidays, cal.closed) k;
