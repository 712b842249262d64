-- The sample CRM data set: 3,000 customers of a B2B software company over
-- 2024 and 2025 (800 already on the books on 2024-01-01), with segments,
-- regions, seasonality, product releases, an improvement trend and churn.
-- Schema crm; load it with
--     psql -v ON_ERROR_STOP=1 -q -f test/sample-data.sql
-- It needs nothing but PostgreSQL 13 or later (no extension, no kpi_ext).
--
-- Deterministic: the same bytes on every run and every plan.  No random():
-- each random choice is crm.u(key), a number in [0, 1) hashed from a key
-- that names the choice ('ticket-channel-17-202403-2'), and row ids are
-- numbered in an order that ends in such a key, so ties cannot reorder them.
-- All times are UTC; the whole script runs in one transaction with
-- TimeZone = UTC, so month and week boundaries do not depend on the session.
--
-- What shapes the numbers (the KPIs in the project's KPI catalog):
--   segments   smb 60 %, mid_market 30 %, enterprise 10 %: enterprise pays
--              more, churns less and is happier; smb churns most
--   seasons    November-December is the busy season: more tickets, slower
--              answers, lower NPS and CSAT; leads and sign-ups peak in Q1, Q3
--   releases   four big releases (March and September) bring three weeks of
--              extra tickets, slower answers and a dip in satisfaction
--   trend      things get better over the two years: faster answers, more
--              first-contact resolution, less churn, shorter time to value
--   churn      usage fades and scores drop in the months before a customer
--              leaves; annual contracts tend to end at their anniversary

BEGIN;
-- SET LOCAL ends with the transaction and leaves the caller's session alone
SET LOCAL client_min_messages = warning;
SET LOCAL TimeZone = 'UTC';
SET LOCAL jit = off;          -- compiling these short queries costs more than it saves
SET LOCAL work_mem = '64MB';  -- the window functions sort a few hundred thousand rows

DROP SCHEMA IF EXISTS crm CASCADE;
CREATE SCHEMA crm;

------------------------------------------------------------------------------
-- Helpers.  All are IMMUTABLE one-expression SQL functions, so the planner
-- inlines them; they use no time-zone-dependent operation.
------------------------------------------------------------------------------

-- uniform number in [0, 1) for a key: the first 32 bits of its MD5
CREATE FUNCTION crm.u(key text) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0::float8 $$;

-- exponential number with mean 1 (1 - u is in (0, 1], so ln is defined)
CREATE FUNCTION crm.expo(key text) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT -ln(1 - crm.u(key)) $$;

-- standard normal number (Box-Muller from two uniform numbers)
CREATE FUNCTION crm.normal(key text) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT sqrt(-2 * ln(1 - crm.u(key || ':r'))) * cos(2 * pi() * crm.u(key || ':a')) $$;

-- log-normal number with the given median and spread (sigma of the log)
CREATE FUNCTION crm.lognormal(key text, median float8, sigma float8) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT median * exp(sigma * crm.normal(key)) $$;

-- a survey answer on lo..hi: a normal number around mean, rounded and clipped
CREATE FUNCTION crm.answer(key text, mean float8, sd float8, lo int, hi int) RETURNS smallint
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT greatest(lo, least(hi, round(mean + sd * crm.normal(key))))::smallint $$;

-- share of 2024-2025 gone by at t: 0 on 2024-01-01, 1 on 2026-01-01 (for trends)
CREATE FUNCTION crm.elapsed(t timestamptz) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT greatest(0, least(1, date_part('epoch', t - timestamptz '2024-01-01 00:00+00') / 63158400)) $$;

-- 1 in the busy season (November, December), else 0
CREATE FUNCTION crm.holiday(t timestamptz) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT CASE WHEN date_part('month', t AT TIME ZONE 'UTC') >= 11 THEN 1 ELSE 0 END::float8 $$;

-- after-effect of one release: 1 when it ships, fading over ten days, gone after six weeks
CREATE FUNCTION crm.after_release(t timestamptz, shipped timestamptz) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT CASE WHEN t - shipped >= interval '0' AND t - shipped < interval '42 days'
                      THEN exp(-date_part('epoch', t - shipped) / 864000) ELSE 0 END $$;

-- after-effect of the four big releases of 2024-2025, 0..1
CREATE FUNCTION crm.release(t timestamptz) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT greatest(crm.after_release(t, timestamptz '2024-03-19 10:00+00'),
                          crm.after_release(t, timestamptz '2024-09-24 10:00+00'),
                          crm.after_release(t, timestamptz '2025-03-18 10:00+00'),
                          crm.after_release(t, timestamptz '2025-09-23 10:00+00')) $$;

-- a duration in seconds, kept to the millisecond
CREATE FUNCTION crm.secs(s float8) RETURNS interval
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT make_interval(secs => round(s * 1000) / 1000) $$;

------------------------------------------------------------------------------
-- Calendars (temporary)
------------------------------------------------------------------------------

-- the 24 months of 2024-2025, each with its sign-up weight: busier first
-- and third quarters, and a growing business; lo..hi is the month's slice
-- of [0, 1) for picking a month with crm.u (numeric, so the last hi is 1)
CREATE TEMP TABLE months AS
SELECT month, next_month,
       coalesce(sum(weight) OVER (ORDER BY month ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)
         / sum(weight) OVER () AS lo,
       sum(weight) OVER (ORDER BY month) / sum(weight) OVER () AS hi
  FROM (SELECT m AS month, m + interval '1 month' AS next_month,
               ((CASE WHEN date_part('quarter', m) IN (1, 3) THEN 1.35 ELSE 1 END)
                * (1 + 0.6 * crm.elapsed(m)))::numeric(10, 6) AS weight
          FROM generate_series(timestamptz '2024-01-01 00:00+00', timestamptz '2025-12-01 00:00+00',
                               interval '1 month') AS m) AS w;

-- how each segment finds us: small customers by search, large ones by
-- events and outbound sales
CREATE TEMP TABLE channel_mix (segment text, channel text, lo float8, hi float8);
INSERT INTO channel_mix VALUES
    ('smb', 'organic', 0.00, 0.35), ('smb', 'paid_search', 0.35, 0.70), ('smb', 'referral', 0.70, 0.85),
    ('smb', 'events', 0.85, 0.90), ('smb', 'outbound', 0.90, 1.00),
    ('mid_market', 'organic', 0.00, 0.25), ('mid_market', 'paid_search', 0.25, 0.45), ('mid_market', 'referral', 0.45, 0.60),
    ('mid_market', 'events', 0.60, 0.80), ('mid_market', 'outbound', 0.80, 1.00),
    ('enterprise', 'organic', 0.00, 0.10), ('enterprise', 'paid_search', 0.10, 0.15), ('enterprise', 'referral', 0.15, 0.35),
    ('enterprise', 'events', 0.35, 0.65), ('enterprise', 'outbound', 0.65, 1.00);

------------------------------------------------------------------------------
-- Customers
------------------------------------------------------------------------------
CREATE TABLE crm.customers (
    customer_id int PRIMARY KEY,
    name text NOT NULL,
    segment text NOT NULL CHECK (segment IN ('smb', 'mid_market', 'enterprise')),
    region text NOT NULL CHECK (region IN ('apac', 'emea', 'americas')),
    acquisition_channel text NOT NULL CHECK (acquisition_channel IN ('organic', 'paid_search', 'referral', 'events', 'outbound')),
    signed_up_at timestamptz NOT NULL,
    onboarded_at timestamptz NOT NULL CHECK (onboarded_at > signed_up_at),
    first_value_at timestamptz CHECK (first_value_at > onboarded_at),
    churned_at timestamptz CHECK (churned_at > onboarded_at)
);
COMMENT ON TABLE crm.customers IS 'accounts: segment, region, acquisition channel, sign-up, onboarding, first value reached (NULL: not yet) and churn (NULL: still a customer)';

-- 800 customers signed up in 2021-2023 (more of them recently) and are
-- still customers on 2024-01-01; 2,200 sign up in 2024-2025
CREATE TEMP TABLE draft AS
SELECT d.n, d.segment, d.region, mix.channel, d.signed_up_at
  FROM (SELECT n,
               CASE WHEN crm.u('segment-' || n) < 0.60 THEN 'smb'
                    WHEN crm.u('segment-' || n) < 0.90 THEN 'mid_market' ELSE 'enterprise' END AS segment,
               CASE WHEN crm.u('region-' || n) < 0.40 THEN 'emea'
                    WHEN crm.u('region-' || n) < 0.80 THEN 'americas' ELSE 'apac' END AS region,
               CASE WHEN n <= 800
                    THEN timestamptz '2021-01-01 00:00+00' + make_interval(secs => floor(sqrt(crm.u('signup-' || n)) * 94608000))
                    ELSE (SELECT m.month + make_interval(secs => floor(crm.u('signup-time-' || n)
                                                                       * date_part('epoch', m.next_month - m.month)))
                            FROM months m
                           WHERE crm.u('signup-month-' || n) >= m.lo AND crm.u('signup-month-' || n) < m.hi)
               END AS signed_up_at
          FROM generate_series(1, 3000) AS n) AS d
  JOIN channel_mix mix ON mix.segment = d.segment
                      AND crm.u('channel-' || d.n) >= mix.lo AND crm.u('channel-' || d.n) < mix.hi;

-- customer ids follow the sign-up order; onboarding takes a few days (longer
-- for big accounts); time to first value is log-normal, hours to weeks, and
-- shortens as onboarding improves; 5 % never get there
CREATE TEMP TABLE draft2 AS
SELECT customer_id, segment, region, channel, signed_up_at, onboarded_at,
       CASE WHEN crm.u('no-value-' || customer_id) >= 0.05
            THEN onboarded_at + make_interval(secs => floor(crm.lognormal('ttv-' || customer_id,
                     86400 * CASE segment WHEN 'smb' THEN 2 WHEN 'mid_market' THEN 5 ELSE 10 END
                           * (1.3 - 0.6 * crm.elapsed(signed_up_at)), 1.0)))
       END AS first_value_at
  FROM (SELECT row_number() OVER (ORDER BY signed_up_at, n)::int AS customer_id, segment, region, channel, signed_up_at,
               signed_up_at + make_interval(secs => floor(86400 * (CASE segment WHEN 'smb' THEN 1 WHEN 'mid_market' THEN 2 ELSE 3 END
                                                                  + crm.u('onboard-' || n) * CASE segment WHEN 'smb' THEN 4 WHEN 'mid_market' THEN 6 ELSE 9 END)))
                 AS onboarded_at
          FROM draft) AS d;

-- Churn, month by month from 2024 on (never in the sign-up month): a
-- monthly chance by segment (smb 2.2 %, mid-market 1.1 %, enterprise 0.45 %)
-- that falls over the two years; three times as high for customers who
-- never saw value and at the contract anniversary (annual plans end in the
-- two weeks before it); paid search brings flightier customers, referrals
-- loyal ones.  The first month the coin comes up is the churn month.
CREATE TEMP TABLE churn AS
SELECT DISTINCT ON (c.customer_id) c.customer_id,
       greatest(c.onboarded_at + interval '1 day',
                CASE WHEN anniversary
                     THEN greatest(m.month, c.signed_up_at + make_interval(years => years_on)
                                            - make_interval(secs => floor(crm.u('churn-day-' || c.customer_id) * 14 * 86400)))
                     ELSE m.month + make_interval(secs => floor(crm.u('churn-day-' || c.customer_id)
                                                                * date_part('epoch', m.next_month - m.month)))
                END) AS churned_at
  FROM draft2 c
  JOIN months m ON m.month > date_trunc('month', c.signed_up_at),
       LATERAL (SELECT (date_part('year', m.month) - date_part('year', c.signed_up_at))::int AS years_on,
                       date_part('month', m.month) = date_part('month', c.signed_up_at) AS anniversary) AS a
 WHERE crm.u('churn-' || c.customer_id || '-' || to_char(m.month, 'YYYYMM'))
       < CASE c.segment WHEN 'smb' THEN 0.022 WHEN 'mid_market' THEN 0.011 ELSE 0.0045 END
         * (1.25 - 0.5 * crm.elapsed(m.month))
         * CASE WHEN c.first_value_at IS NULL THEN 3 ELSE 1 END
         * CASE WHEN a.anniversary AND c.segment <> 'smb' THEN 3 WHEN a.anniversary THEN 1.5 ELSE 1 END
         * CASE c.channel WHEN 'paid_search' THEN 1.2 WHEN 'referral' THEN 0.75 ELSE 1 END
 ORDER BY c.customer_id, m.month;

-- names: 60 x 50 word pairs, one per customer (1103 is a unit mod 3001),
-- with a company form that fits the region
INSERT INTO crm.customers
SELECT c.customer_id,
       (ARRAY['Acme', 'Apex', 'Arbor', 'Atlas', 'Aurora', 'Beacon', 'Birch', 'Blue Harbor', 'Brightwater', 'Cascade',
              'Cedar', 'Cobalt', 'Copper', 'Crescent', 'Delta', 'Ember', 'Evergreen', 'Falcon', 'Fjord', 'Granite',
              'Harbor', 'Helix', 'Horizon', 'Indigo', 'Iron Creek', 'Juniper', 'Keystone', 'Lakeside', 'Lumen', 'Maple',
              'Meridian', 'Nimbus', 'North Star', 'Oakridge', 'Onyx', 'Orchid', 'Pacific', 'Pinnacle', 'Quarry', 'Redwood',
              'Ridgeline', 'Riverbend', 'Saffron', 'Sage', 'Silverline', 'Summit', 'Sunrise', 'Tidal', 'Timber', 'Topaz',
              'Trident', 'Union', 'Vantage', 'Vertex', 'Willow', 'Windmill', 'Yarrow', 'Zenith', 'Zephyr', 'Sterling'])
           [1 + (k - 1) % 60]
       || ' ' ||
       (ARRAY['Analytics', 'Apparel', 'Architects', 'Bakery', 'Bikes', 'Builders', 'Capital', 'Clinics', 'Coffee', 'Consulting',
              'Dental', 'Design', 'Digital', 'Energy', 'Engineering', 'Events', 'Farms', 'Fitness', 'Foods', 'Freight',
              'Furniture', 'Games', 'Health', 'Hotels', 'Insurance', 'Interiors', 'Labs', 'Legal', 'Logistics', 'Media',
              'Motors', 'Networks', 'Optics', 'Outfitters', 'Packaging', 'Pharma', 'Print', 'Properties', 'Retail', 'Robotics',
              'Security', 'Software', 'Solar', 'Studios', 'Supply', 'Systems', 'Textiles', 'Travel', 'Ventures', 'Wellness'])
           [1 + (k - 1) / 60]
       || ' ' ||
       CASE c.region WHEN 'emea' THEN (ARRAY['Ltd', 'GmbH', 'B.V.', 'S.A.'])[1 + k % 4]
                     WHEN 'americas' THEN (ARRAY['Inc.', 'LLC', 'Corp.'])[1 + k % 3]
                     ELSE (ARRAY['Pte Ltd', 'Pty Ltd', 'K.K.'])[1 + k % 3] END,
       c.segment, c.region, c.channel, c.signed_up_at, c.onboarded_at,
       -- first value reached while still a customer, and by the end of 2025
       CASE WHEN c.first_value_at < least(ch.churned_at, timestamptz '2026-01-01 00:00+00') THEN c.first_value_at END,
       ch.churned_at
  FROM draft2 c
  LEFT JOIN churn ch USING (customer_id),
       LATERAL (SELECT (c.customer_id * 1103) % 3001 AS k) AS names
 ORDER BY c.customer_id;

-- each month of 2024-2025 a customer was a customer for at least a moment:
-- events are drawn at uniform times in the month and kept only inside
-- [active_from, active_to), so nothing happens before sign-up or after churn
CREATE TEMP TABLE customer_months AS
SELECT c.customer_id, c.segment, c.signed_up_at, c.first_value_at, c.churned_at,
       m.month, m.next_month,
       greatest(c.signed_up_at, m.month) AS active_from,
       least(c.churned_at, m.next_month) AS active_to,
       c.customer_id || '-' || to_char(m.month, 'YYYYMM') AS key
  FROM crm.customers c
  JOIN months m ON c.signed_up_at < m.next_month AND (c.churned_at IS NULL OR c.churned_at > m.month);

------------------------------------------------------------------------------
-- Support tickets
------------------------------------------------------------------------------
CREATE TABLE crm.sla_targets (
    channel text PRIMARY KEY,
    first_response_target interval NOT NULL
);
COMMENT ON TABLE crm.sla_targets IS 'first-response target per support channel (chat 15 s, phone 60 s, email 4 h)';
INSERT INTO crm.sla_targets VALUES ('chat', '15 seconds'), ('phone', '60 seconds'), ('email', '4 hours');

-- The support office works Monday to Friday 08:00-17:00 WIB (Asia/Jakarta)
-- and is closed on Indonesia's national holidays (libur nasional) and
-- collective leave days (cuti bersama) as the joint decrees of the
-- ministers of religious affairs, manpower and administrative reform list
-- them: SKB 855/2023, 3/2023, 4/2023 for 2024 and SKB 1017/2024, 2/2024,
-- 2/2024 for 2025 (as reported by https://m.jpnn.com/news/simak-tanggal-dan-bulan-libur-nasional-serta-cuti-bersama-di-2024
-- and https://rasikapekalongan.com/cek-libur-nasional-dan-cuti-bersama-tahun-2025,
-- both quoting the decrees).  test/bi/views.sql builds the business_calendar
-- crm.office_calendar from them, since this script needs no extension.
CREATE TABLE crm.office_holidays (
    day date PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('libur nasional', 'cuti bersama')),
    name text NOT NULL
);
COMMENT ON TABLE crm.office_holidays IS 'the Jakarta support office''s closed days: Indonesia''s national holidays and collective leave days of 2024 and 2025 (SKB 3 Menteri)';
INSERT INTO crm.office_holidays VALUES
    ('2024-01-01', 'libur nasional', 'Tahun Baru 2024 Masehi'),
    ('2024-02-08', 'libur nasional', 'Isra Mikraj Nabi Muhammad SAW'),
    ('2024-02-09', 'cuti bersama', 'Tahun Baru Imlek'),
    ('2024-02-10', 'libur nasional', 'Tahun Baru Imlek 2575 Kongzili'),
    ('2024-03-11', 'libur nasional', 'Hari Suci Nyepi Tahun Baru Saka 1946'),
    ('2024-03-12', 'cuti bersama', 'Hari Suci Nyepi'),
    ('2024-03-29', 'libur nasional', 'Wafat Isa Almasih'),
    ('2024-03-31', 'libur nasional', 'Hari Paskah'),
    ('2024-04-08', 'cuti bersama', 'Idul Fitri 1445 H'),
    ('2024-04-09', 'cuti bersama', 'Idul Fitri 1445 H'),
    ('2024-04-10', 'libur nasional', 'Idul Fitri 1445 H'),
    ('2024-04-11', 'libur nasional', 'Idul Fitri 1445 H'),
    ('2024-04-12', 'cuti bersama', 'Idul Fitri 1445 H'),
    ('2024-04-15', 'cuti bersama', 'Idul Fitri 1445 H'),
    ('2024-05-01', 'libur nasional', 'Hari Buruh Internasional'),
    ('2024-05-09', 'libur nasional', 'Kenaikan Isa Almasih'),
    ('2024-05-10', 'cuti bersama', 'Kenaikan Isa Almasih'),
    ('2024-05-23', 'libur nasional', 'Hari Raya Waisak 2568 BE'),
    ('2024-05-24', 'cuti bersama', 'Hari Raya Waisak'),
    ('2024-06-01', 'libur nasional', 'Hari Lahir Pancasila'),
    ('2024-06-17', 'libur nasional', 'Idul Adha 1445 H'),
    ('2024-06-18', 'cuti bersama', 'Idul Adha 1445 H'),
    ('2024-07-07', 'libur nasional', 'Tahun Baru Islam 1446 H'),
    ('2024-08-17', 'libur nasional', 'Hari Kemerdekaan RI'),
    ('2024-09-16', 'libur nasional', 'Maulid Nabi Muhammad SAW'),
    ('2024-12-25', 'libur nasional', 'Hari Raya Natal'),
    ('2024-12-26', 'cuti bersama', 'Hari Raya Natal'),
    ('2025-01-01', 'libur nasional', 'Tahun Baru 2025 Masehi'),
    ('2025-01-27', 'libur nasional', 'Isra Mikraj Nabi Muhammad SAW'),
    ('2025-01-28', 'cuti bersama', 'Tahun Baru Imlek'),
    ('2025-01-29', 'libur nasional', 'Tahun Baru Imlek 2576 Kongzili'),
    ('2025-03-28', 'cuti bersama', 'Hari Suci Nyepi'),
    ('2025-03-29', 'libur nasional', 'Hari Suci Nyepi Tahun Baru Saka 1947'),
    ('2025-03-31', 'libur nasional', 'Idul Fitri 1446 H'),
    ('2025-04-01', 'libur nasional', 'Idul Fitri 1446 H'),
    ('2025-04-02', 'cuti bersama', 'Idul Fitri 1446 H'),
    ('2025-04-03', 'cuti bersama', 'Idul Fitri 1446 H'),
    ('2025-04-04', 'cuti bersama', 'Idul Fitri 1446 H'),
    ('2025-04-07', 'cuti bersama', 'Idul Fitri 1446 H'),
    ('2025-04-18', 'libur nasional', 'Wafat Yesus Kristus'),
    ('2025-04-20', 'libur nasional', 'Kebangkitan Yesus Kristus (Paskah)'),
    ('2025-05-01', 'libur nasional', 'Hari Buruh Internasional'),
    ('2025-05-12', 'libur nasional', 'Hari Raya Waisak 2569 BE'),
    ('2025-05-13', 'cuti bersama', 'Hari Raya Waisak'),
    ('2025-05-29', 'libur nasional', 'Kenaikan Yesus Kristus'),
    ('2025-05-30', 'cuti bersama', 'Kenaikan Yesus Kristus'),
    ('2025-06-01', 'libur nasional', 'Hari Lahir Pancasila'),
    ('2025-06-06', 'libur nasional', 'Idul Adha 1446 H'),
    ('2025-06-09', 'cuti bersama', 'Idul Adha 1446 H'),
    ('2025-06-27', 'libur nasional', 'Tahun Baru Islam 1447 H'),
    ('2025-08-17', 'libur nasional', 'Proklamasi Kemerdekaan'),
    ('2025-09-05', 'libur nasional', 'Maulid Nabi Muhammad SAW'),
    ('2025-12-25', 'libur nasional', 'Kelahiran Yesus Kristus'),
    ('2025-12-26', 'cuti bersama', 'Kelahiran Yesus Kristus');

-- SLA targets in business hours of that office, per priority and channel:
-- the first reply and the resolution
CREATE TABLE crm.business_sla_targets (
    priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    channel text NOT NULL,
    first_response_target interval NOT NULL,
    resolution_target interval NOT NULL,
    PRIMARY KEY (priority, channel)
);
COMMENT ON TABLE crm.business_sla_targets IS 'first-reply and resolution targets in business hours of crm.office_calendar, per priority and channel';
INSERT INTO crm.business_sla_targets
SELECT p.priority, c.channel, c.first_response * p.factor, c.resolution * p.factor
  FROM (VALUES ('low', 2.0), ('normal', 1.0), ('high', 0.5), ('urgent', 0.25)) AS p(priority, factor),
       (VALUES ('chat', interval '30 seconds', interval '1 hour'), ('phone', interval '1 minute', interval '2 hours'),
               ('email', interval '4 hours', interval '8 hours')) AS c(channel, first_response, resolution);

CREATE TABLE crm.tickets (
    ticket_id bigint PRIMARY KEY,
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    channel text NOT NULL,  -- crm.sla_targets
    priority text NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    opened_at timestamptz NOT NULL,
    first_response_at timestamptz NOT NULL CHECK (first_response_at >= opened_at),
    resolved_at timestamptz CHECK (resolved_at >= first_response_at),
    contacts int NOT NULL CHECK (contacts >= 1),
    is_complaint boolean NOT NULL,
    used_self_service boolean NOT NULL
);
COMMENT ON TABLE crm.tickets IS 'support tickets: channel, priority, first response, resolution (NULL: still open), contacts it took, complaint, self-service tried first';

-- Volume: about 0.8, 1.7 and 3.8 tickets a month for smb, mid-market and
-- enterprise, drawn as k candidate times per customer-month and each kept
-- with a chance that follows the load at that moment: busy season +35 %,
-- just after a release up to +80 %, customers about to leave +60 %, and
-- 20 % fewer by the end as self-service grows.
CREATE TEMP TABLE ticket_draft AS
SELECT customer_id, key, opened_at, load, leaving,
       CASE WHEN crm.u('ticket-channel-' || key) < CASE segment WHEN 'enterprise' THEN 0.35 ELSE 0.45 END THEN 'chat'
            WHEN crm.u('ticket-channel-' || key) < 0.80 THEN 'email' ELSE 'phone' END AS channel,
       CASE WHEN crm.u('priority-' || key) < 0.25 THEN 'low'
            WHEN crm.u('priority-' || key) < 0.80 THEN 'normal'
            WHEN crm.u('priority-' || key) < 0.95 THEN 'high' ELSE 'urgent' END AS priority,
       -- complaints: about 10 %, more when things are busy or the customer is unhappy
       crm.u('complaint-' || key) < 0.075 * load * CASE WHEN leaving THEN 2.5 ELSE 1 END AS is_complaint,
       crm.u('self-service-' || key) < 0.30 + 0.25 * crm.elapsed(opened_at) AS used_self_service
  FROM (SELECT c.*,
               1 + 0.35 * crm.holiday(opened_at) + 0.8 * crm.release(opened_at) AS load,
               coalesce(churned_at < opened_at + interval '60 days', false) AS leaving
          FROM (SELECT cm.customer_id, cm.segment, cm.churned_at, cm.active_from, cm.active_to, cm.key || '-' || k AS key,
                       cm.month + make_interval(secs => floor(crm.u('ticket-time-' || cm.key || '-' || k)
                                                              * date_part('epoch', cm.next_month - cm.month))) AS opened_at
                  FROM customer_months cm,
                       generate_series(1, CASE cm.segment WHEN 'smb' THEN 4 WHEN 'mid_market' THEN 8 ELSE 16 END) AS k
                OFFSET 0) AS c  -- computes opened_at once, so the helpers below get a plain column
         WHERE opened_at >= active_from AND opened_at < active_to) AS t
 WHERE crm.u('ticket-' || key)
       < CASE segment WHEN 'smb' THEN 0.8 / 4 WHEN 'mid_market' THEN 1.7 / 8 ELSE 3.8 / 16 END
         * load * CASE WHEN leaving THEN 1.6 ELSE 1 END * (1.1 - 0.2 * crm.elapsed(opened_at));

-- First response: log-normal around the channel target (chat median 10 s,
-- phone 40 s, email 2 h), heavier tail on email, slower under load, faster
-- for urgent tickets, and 30 % faster by the end of 2025.  First-contact
-- resolution about 70 % on email and 80 % on chat and phone, improving;
-- complaints need more contacts.
-- Resolution follows the first response; tickets not solved by the end of
-- 2025 (and 2.5 % stuck ones) are still open.
INSERT INTO crm.tickets
SELECT row_number() OVER (ORDER BY opened_at, key), customer_id, channel, priority, opened_at, first_response_at,
       CASE WHEN resolved_at < '2026-01-01 00:00+00' AND crm.u('stuck-' || key) >= 0.025 THEN resolved_at END,
       contacts, is_complaint, used_self_service
  FROM (SELECT t.*,
               t.first_response_at
                 + crm.secs(crm.lognormal('resolve-' || key,
                                          CASE channel WHEN 'chat' THEN 900 WHEN 'phone' THEN 1500 ELSE 64800 END
                                          * (1 + 1.2 * (contacts - 1))
                                          * CASE priority WHEN 'urgent' THEN 0.5 WHEN 'high' THEN 0.75 ELSE 1 END, 1.0)) AS resolved_at
          FROM (SELECT d.*,
                       d.opened_at
                         + crm.secs(crm.lognormal('response-' || key,
                                                  CASE channel WHEN 'chat' THEN 10 WHEN 'phone' THEN 40 ELSE 7200 END
                                                  * (1 + 0.5 * (load - 1)) * (1.15 - 0.35 * crm.elapsed(opened_at))
                                                  * CASE priority WHEN 'urgent' THEN 0.6 WHEN 'high' THEN 0.8 WHEN 'low' THEN 1.3 ELSE 1 END,
                                                  CASE channel WHEN 'email' THEN 1.0 ELSE 0.8 END)) AS first_response_at,
                       CASE WHEN crm.u('fcr-' || key) < CASE channel WHEN 'chat' THEN 0.76 WHEN 'phone' THEN 0.80 ELSE 0.66 END
                                                        + 0.08 * crm.elapsed(opened_at)
                                                        - CASE WHEN is_complaint THEN 0.15 ELSE 0 END
                            THEN 1
                            ELSE 2 + least(6, floor(0.8 * crm.expo('contacts-' || key)))::int
                       END AS contacts
                  FROM ticket_draft d
                OFFSET 0) AS t
        OFFSET 0) AS r;  -- the fences keep each draw from being repeated wherever it is used

-- Status history of every ticket (Zendesk's statuses): new when opened,
-- open at the first response, then per further contact a round trip that
-- waits on the customer (pending) or, one time in five, on a third party
-- (on-hold) before it is open again, and solved when resolved.  The rounds
-- split first response..resolution evenly; in each the agent works 20-50 %
-- of it, then the ticket waits up to 45 % of it.  A ticket still open that
-- took more contacts waits on the customer since a few hours after the
-- first response.
CREATE TABLE crm.ticket_status_changes (
    ticket_id bigint NOT NULL,  -- crm.tickets
    status text NOT NULL CHECK (status IN ('new', 'open', 'pending', 'on-hold', 'solved')),
    changed_at timestamptz NOT NULL
);
COMMENT ON TABLE crm.ticket_status_changes IS 'status changes of the support tickets: new, open, pending (waiting on the customer), on-hold (waiting on a third party), solved';
INSERT INTO crm.ticket_status_changes
SELECT ticket_id, 'new', opened_at FROM crm.tickets
UNION ALL
SELECT ticket_id, 'open', first_response_at FROM crm.tickets
UNION ALL
SELECT ticket_id, 'solved', resolved_at FROM crm.tickets WHERE resolved_at IS NOT NULL
UNION ALL
SELECT ticket_id, 'pending', first_response_at + crm.secs(3600 * (1 + 24 * crm.u('waiting-' || ticket_id)))
  FROM crm.tickets WHERE resolved_at IS NULL AND contacts > 1
UNION ALL
SELECT ticket_id, s.status, first_response_at + crm.secs(floor(s.at * date_part('epoch', resolved_at - first_response_at)))
  FROM (SELECT *, contacts - 1 AS rounds FROM crm.tickets WHERE resolved_at IS NOT NULL AND contacts > 1) AS t,
       generate_series(1, rounds) AS k,
       LATERAL (SELECT (k - 1 + 0.2 + 0.3 * crm.u('work-' || ticket_id || '-' || k)) / rounds AS waits,
                       0.45 * crm.u('wait-' || ticket_id || '-' || k) / rounds AS wait) AS w,
       LATERAL (VALUES (CASE WHEN crm.u('hold-' || ticket_id || '-' || k) < 0.2 THEN 'on-hold' ELSE 'pending' END, w.waits),
                       ('open', w.waits + w.wait)) AS s(status, at);

------------------------------------------------------------------------------
-- Surveys: relationship NPS surveys and post-ticket CSAT/CES surveys
------------------------------------------------------------------------------
CREATE TABLE crm.surveys (
    survey_id bigint PRIMARY KEY,
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    channel text NOT NULL CHECK (channel IN ('email', 'chat', 'phone', 'in_app')),
    answered_at timestamptz NOT NULL,
    score smallint CHECK (score BETWEEN 0 AND 10),
    csat smallint CHECK (csat BETWEEN 1 AND 5),
    ces smallint CHECK (ces BETWEEN 1 AND 7),
    CHECK (score IS NOT NULL OR csat IS NOT NULL OR ces IS NOT NULL)
);
COMMENT ON TABLE crm.surveys IS 'customer survey answers: NPS score 0-10, CSAT 1-5, CES 1-7 (lower is easier); unanswered questions are NULL';

-- The mood behind every answer, on the NPS scale: by segment, plus the
-- customer's own temper, better every month, worse in the busy season,
-- after releases, for customers who never saw value and before churn.
CREATE FUNCTION crm.mood(customer_id int, segment text, t timestamptz, no_value boolean, leaving boolean) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT CASE segment WHEN 'smb' THEN 8.15 WHEN 'mid_market' THEN 8.4 ELSE 8.6 END
                 + 0.6 * crm.normal('temper-' || customer_id::text)
                 + 0.5 * crm.elapsed(t) - 0.45 * crm.holiday(t) - 0.6 * crm.release(t)
                 - CASE WHEN no_value THEN 0.6 ELSE 0 END - CASE WHEN leaving THEN 1.3 ELSE 0 END $$;

CREATE TEMP TABLE survey_draft AS
-- relationship survey: two months in three, by email or in the app;
-- the NPS question nearly always answered, CSAT half the time, CES rarely
SELECT customer_id, key, channel, answered_at,
       CASE WHEN crm.u('skip-nps-' || key) >= 0.05 THEN crm.answer('nps-' || key, mood, 1.5, 0, 10) END AS score,
       CASE WHEN crm.u('skip-nps-' || key) < 0.05 OR crm.u('ask-csat-' || key) < 0.5
            THEN crm.answer('csat-' || key, 4.3 + 0.45 * (mood - 8.5), 0.75, 1, 5) END AS csat,
       CASE WHEN crm.u('ask-ces-' || key) < 0.15 THEN crm.answer('ces-' || key, 3.0 - 0.4 * (mood - 8.5), 1.1, 1, 7) END AS ces
  FROM (SELECT customer_id, key, answered_at,
               CASE WHEN crm.u('survey-channel-' || key) < 0.6 THEN 'email' ELSE 'in_app' END AS channel,
               crm.mood(customer_id, segment, answered_at, first_value_at IS NULL,
                        coalesce(churned_at < answered_at + interval '90 days', false)) AS mood
          FROM (SELECT cm.customer_id, cm.segment, cm.first_value_at, cm.churned_at, cm.active_from, cm.active_to,
                       'r-' || cm.key AS key,
                       cm.month + make_interval(secs => floor(crm.u('survey-time-' || cm.key)
                                                              * date_part('epoch', cm.next_month - cm.month))) AS answered_at
                  FROM customer_months cm
                 WHERE crm.u('survey-' || cm.key) < 0.65
                OFFSET 0) AS a  -- answered_at once, a plain column for crm.mood
         WHERE answered_at >= active_from AND answered_at < active_to
        OFFSET 0) AS r  -- mood once per answer
UNION ALL
-- post-ticket survey: 30 % of resolved tickets, a few hours later, in the
-- ticket's channel; CSAT suffers from slow answers, repeat contacts and
-- complaints; CES (effort) rises with contacts and with a failed
-- self-service attempt first
SELECT customer_id, key, channel, answered_at,
       CASE WHEN crm.u('ask-nps-' || key) < 0.2 THEN crm.answer('nps-' || key, mood, 1.5, 0, 10) END,
       CASE WHEN crm.u('skip-csat-' || key) >= 0.08
            THEN crm.answer('csat-' || key, 4.5 + 0.3 * (mood - 8.5) - 0.35 * ln(greatest(1, slowness))
                                            - 0.3 * (contacts - 1) - CASE WHEN is_complaint THEN 0.5 ELSE 0 END, 0.75, 1, 5) END,
       CASE WHEN crm.u('skip-csat-' || key) < 0.08 OR crm.u('ask-ces-' || key) < 0.65
            THEN crm.answer('ces-' || key, 2.4 + 0.6 * (contacts - 1) + 0.25 * ln(greatest(1, slowness))
                                           + CASE WHEN used_self_service THEN 0.4 ELSE 0 END
                                           + CASE WHEN is_complaint THEN 0.4 ELSE 0 END
                                           - 0.2 * (mood - 8.5), 1.1, 1, 7) END
  FROM (SELECT t.customer_id, 't-' || t.ticket_id AS key, t.channel, t.contacts, t.is_complaint, t.used_self_service,
               t.resolved_at + crm.secs(crm.lognormal('survey-delay-' || t.ticket_id, 7200, 1.0)) AS answered_at,
               date_part('epoch', t.first_response_at - t.opened_at) / date_part('epoch', s.first_response_target) AS slowness,
               crm.mood(c.customer_id, c.segment, t.resolved_at, c.first_value_at IS NULL,
                        coalesce(c.churned_at < t.resolved_at + interval '90 days', false)) AS mood,
               c.churned_at
          FROM crm.tickets t
          JOIN crm.sla_targets s USING (channel)
          JOIN crm.customers c USING (customer_id)
         WHERE t.resolved_at IS NOT NULL AND crm.u('ticket-survey-' || t.ticket_id) < 0.3
        OFFSET 0) AS p  -- mood once per answer
 WHERE answered_at < least(churned_at, timestamptz '2026-01-01 00:00+00');

INSERT INTO crm.surveys
SELECT row_number() OVER (ORDER BY answered_at, key), customer_id, channel, answered_at, score, csat, ces
  FROM survey_draft;

-- Free-text comments on a third of the NPS answers, mostly Indonesian, one
-- in five English, picked by the score band (promoters 9-10, passives 7-8,
-- detractors 0-6) from short templates; deterministic
CREATE TABLE crm.survey_comments (
    survey_id bigint PRIMARY KEY REFERENCES crm.surveys,
    language text NOT NULL CHECK (language IN ('id', 'en')),
    comment text NOT NULL
);
COMMENT ON TABLE crm.survey_comments IS 'free-text comments left with NPS answers, in Indonesian (id) or English (en)';
INSERT INTO crm.survey_comments
SELECT survey_id, language,
       CASE language
         WHEN 'id' THEN CASE WHEN score >= 9 THEN (ARRAY['pelayanan sangat ramah dan cepat', 'mantap, aplikasinya gampang dipakai',
                                                          'puas banget sama supportnya!', 'recommended, harga juga murah',
                                                          'tim cs responsif, keren 👍'])[1 + h % 5]
                             WHEN score >= 7 THEN (ARRAY['lumayan, tapi kadang lambat', 'cukup oke', 'biasa saja',
                                                          'fiturnya bagus tapi harga mahal', 'sudah sesuai kebutuhan'])[1 + h % 5]
                             ELSE (ARRAY['sering error, kecewa', 'cs lambat banget balasnya', 'tidak sesuai harapan',
                                         'aplikasi lemot dan ribet 😡', 'gak bisa login, parah'])[1 + h % 5] END
         ELSE CASE WHEN score >= 9 THEN (ARRAY['great support, very helpful', 'love the new dashboard 😍',
                                                'fast and reliable'])[1 + h % 3]
                   WHEN score >= 7 THEN (ARRAY['good but a bit pricey', 'works fine', 'okay overall'])[1 + h % 3]
                   ELSE (ARRAY['the app keeps crashing, not happy', 'slow support and poor answers',
                               'billing was a mess'])[1 + h % 3] END
       END
  FROM (SELECT survey_id, score, CASE WHEN survey_id % 5 = 0 THEN 'en' ELSE 'id' END AS language,
               (survey_id * 7919) % 1000003 AS h
          FROM crm.surveys WHERE score IS NOT NULL AND survey_id % 3 = 0) AS s;

------------------------------------------------------------------------------
-- Employee pulse survey (eNPS): 300 employees, once a quarter
------------------------------------------------------------------------------
CREATE TABLE crm.employee_surveys (
    response_id int PRIMARY KEY,
    team text NOT NULL CHECK (team IN ('support', 'success', 'sales', 'engineering')),
    answered_at timestamptz NOT NULL,
    score smallint NOT NULL CHECK (score BETWEEN 0 AND 10)
);
COMMENT ON TABLE crm.employee_surveys IS 'quarterly employee pulse survey answers for eNPS, 0-10, by team (anonymous)';

-- sent in the middle of each quarter, 80 % answer within ten days; support
-- feels the busy season, everyone a little happier over time
INSERT INTO crm.employee_surveys
SELECT row_number() OVER (ORDER BY answered_at, e, q), team, answered_at,
       crm.answer('pulse-' || e || '-' || q,
                  CASE team WHEN 'engineering' THEN 7.9 WHEN 'success' THEN 7.7 WHEN 'sales' THEN 7.3 ELSE 7.1 END
                  + 0.8 * crm.normal('employee-' || e) + 0.5 * crm.elapsed(qt)
                  - CASE WHEN team = 'support' AND date_part('quarter', qt) = 4 THEN 0.7 ELSE 0 END, 1.4, 0, 10)
  FROM generate_series(1, 300) AS e,
       generate_series(0, 7) AS q,
       LATERAL (SELECT timestamptz '2024-01-01 00:00+00' + make_interval(months => 3 * q) AS qt,
                       CASE WHEN crm.u('team-' || e) < 0.35 THEN 'support' WHEN crm.u('team-' || e) < 0.55 THEN 'success'
                            WHEN crm.u('team-' || e) < 0.75 THEN 'sales' ELSE 'engineering' END AS team) AS t,
       LATERAL (SELECT qt + interval '45 days 9 hours' + make_interval(secs => floor(crm.u('pulse-time-' || e || '-' || q) * 10 * 86400))
                  AS answered_at) AS a
 WHERE crm.u('pulse-answer-' || e || '-' || q) < 0.8;

------------------------------------------------------------------------------
-- Subscriptions, monthly recurring revenue, renewals
------------------------------------------------------------------------------
CREATE TABLE crm.subscriptions (
    subscription_id int PRIMARY KEY,
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    plan text NOT NULL CHECK (plan IN ('starter', 'growth', 'enterprise', 'add_on')),
    mrr numeric(12, 2) NOT NULL CHECK (mrr > 0),
    started_at timestamptz NOT NULL,
    ended_at timestamptz CHECK (ended_at > started_at)
);
COMMENT ON TABLE crm.subscriptions IS 'subscription periods as billing stores them: a plan at one price from started_at until ended_at (exclusive; NULL while active), a new row at each upgrade or downgrade, add-ons beside the plan; customers may lapse and come back';

-- The plan's price per month: a starting price within the plan's band
-- (log-uniform: starter 50-200, growth 300-1,500, enterprise 3,000-20,000),
-- then each month a chance of an upgrade (+10..40 %; 2-4 % of months, more
-- on bigger plans) or a downgrade (-5..25 %, 1 %), compounded.  A month
-- counts when the customer was subscribed on its first day or signed up
-- during it.
CREATE TEMP TABLE plan_months AS
SELECT customer_id, plan, month, signed_up_at, churned_at,
       round((base * exp(sum(ln(step)) OVER (PARTITION BY customer_id ORDER BY month)))::numeric, 2) AS mrr
  FROM (SELECT cm.customer_id, cm.month, cm.signed_up_at, cm.churned_at, p.plan,
               CASE p.plan WHEN 'starter' THEN 50 * 4 ^ crm.u('price-' || cm.customer_id)
                           WHEN 'growth' THEN 300 * 5 ^ crm.u('price-' || cm.customer_id)
                           ELSE 3000 * (20000 / 3000.0) ^ crm.u('price-' || cm.customer_id) END AS base,
               CASE WHEN crm.u('move-' || cm.key) < CASE p.plan WHEN 'starter' THEN 0.02 WHEN 'growth' THEN 0.03 ELSE 0.04 END
                    THEN 1.1 + 0.3 * crm.u('expand-' || cm.key)
                    WHEN crm.u('move-' || cm.key) > 0.99 THEN 0.75 + 0.2 * crm.u('contract-' || cm.key)
                    ELSE 1 END AS step
          FROM customer_months cm
          JOIN crm.customers c USING (customer_id),
               LATERAL (SELECT CASE c.segment
                                 WHEN 'smb' THEN CASE WHEN crm.u('plan-' || cm.customer_id) < 0.75 THEN 'starter' ELSE 'growth' END
                                 WHEN 'mid_market' THEN CASE WHEN crm.u('plan-' || cm.customer_id) < 0.85 THEN 'growth' ELSE 'enterprise' END
                                 ELSE CASE WHEN crm.u('plan-' || cm.customer_id) < 0.9 THEN 'enterprise' ELSE 'growth' END
                               END AS plan) AS p) AS m;

-- Lapses: 6 % of the customers with at least eight months in 2024-2025
-- cancel everything for one to three whole months and come back at the same
-- price (customers.churned_at is their final churn, if any).  The lapse
-- starts at a month start, after their second month and ending before their
-- last.
CREATE TEMP TABLE lapses AS
SELECT customer_id, gap_from, (gap_from + make_interval(months => gap))::timestamptz AS gap_to
  FROM (SELECT customer_id, min(month) AS first, count(*) AS n,
               1 + floor(3 * crm.u('lapse-length-' || customer_id))::int AS gap
          FROM plan_months GROUP BY customer_id) AS c,
       LATERAL (SELECT (first + make_interval(months => 2 + floor((n - 3 - gap) * crm.u('lapse-at-' || customer_id))::int))::timestamptz
                  AS gap_from) AS g
 WHERE n >= 8 AND crm.u('lapse-' || customer_id) < 0.06;

-- the plan's rows: a run of months at one price, cut by a lapse, is one
-- subscription; the first starts at sign-up, the last ends at churn
CREATE TEMP TABLE subscription_draft AS
SELECT customer_id, plan, mrr,
       CASE WHEN first_month = min(first_month) OVER (PARTITION BY customer_id) THEN signed_up_at ELSE first_month END AS started_at,
       CASE WHEN last_month < max(last_month) OVER (PARTITION BY customer_id) THEN last_month + interval '1 month'
            ELSE churned_at END AS ended_at
  FROM (SELECT customer_id, plan, mrr, signed_up_at, churned_at, min(month) AS first_month, max(month) AS last_month
          FROM (SELECT pm.*, row_number() OVER (PARTITION BY customer_id ORDER BY month)
                             - row_number() OVER (PARTITION BY customer_id, mrr, coalesce(month >= l.gap_to, false) ORDER BY month) AS run,
                       coalesce(month >= l.gap_to, false) AS after_lapse
                  FROM plan_months pm
                  LEFT JOIN lapses l USING (customer_id)
                 WHERE l.customer_id IS NULL OR month < l.gap_from OR month >= l.gap_to) AS r
         GROUP BY customer_id, plan, mrr, signed_up_at, churned_at, after_lapse, run) AS runs;

-- Add-ons beside the plan: a quarter of the customers with at least four
-- months buy one (10-30 % of the plan's price then) in a month after their
-- first; 40 % cancel it two to ten months later, the others keep it until
-- they lapse or leave.  A few buy a second one the same way.
INSERT INTO subscription_draft
SELECT customer_id, 'add_on', round(pm.mrr * (0.1 + 0.2 * crm.u('add-on-price-' || k))::numeric, 2), pm.month,
       CASE WHEN l.gap_from > pm.month THEN least(l.gap_from, cancel)
            WHEN cancel < least(pm.churned_at, '2026-01-01 00:00+00') THEN cancel
            ELSE pm.churned_at END
  FROM (SELECT customer_id, a, 'add-on-' || customer_id || '-' || a AS k, min(month) AS first, count(*) AS n
          FROM plan_months, generate_series(1, 2) AS a GROUP BY customer_id, a) AS c
  JOIN plan_months pm USING (customer_id)
  LEFT JOIN lapses l USING (customer_id),
       LATERAL (SELECT CASE WHEN crm.u('add-on-cancel-' || k) < 0.4
                            THEN pm.month + make_interval(months => 2 + floor(9 * crm.u('add-on-keep-' || k))::int) END AS cancel) AS e
 WHERE n >= 4 AND crm.u(k) < CASE a WHEN 1 THEN 0.25 ELSE 0.05 END
   AND pm.month = c.first + make_interval(months => 1 + floor((n - 2) * crm.u('add-on-at-' || k))::int)
   AND (l.customer_id IS NULL OR pm.month < l.gap_from OR pm.month >= l.gap_to);

INSERT INTO crm.subscriptions
SELECT row_number() OVER (ORDER BY customer_id, started_at, plan, mrr), customer_id, plan, mrr, started_at, ended_at
  FROM subscription_draft;

CREATE TABLE crm.mrr_monthly (
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    month date NOT NULL CHECK (date_part('day', month) = 1),
    mrr numeric(12, 2) NOT NULL CHECK (mrr > 0),
    PRIMARY KEY (customer_id, month)
);
COMMENT ON TABLE crm.mrr_monthly IS 'monthly recurring revenue per customer for each month of 2024-2025 it paid in: the sum of its subscriptions in crm.subscriptions (upgrades, downgrades and add-ons included; lapsed months left out)';

-- a month counts when a subscription was active on its first day or began
-- during it (all changes but sign-up and churn fall on month starts)
INSERT INTO crm.mrr_monthly
SELECT s.customer_id, m.month::date, sum(s.mrr)
  FROM months m
  JOIN crm.subscriptions s ON s.started_at < m.next_month AND (s.ended_at IS NULL OR s.ended_at > m.month)
 GROUP BY s.customer_id, m.month;

CREATE TABLE crm.renewals (
    renewal_id int PRIMARY KEY,
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    due_on date NOT NULL,
    renewed boolean NOT NULL,
    UNIQUE (customer_id, due_on)
);
COMMENT ON TABLE crm.renewals IS 'annual contract renewals that fell due in 2024-2025 (sign-up anniversaries) and whether the customer renewed';

-- every anniversary in the window is up for renewal, unless the customer had
-- left more than 60 days before; leaving before the due date is not renewing
INSERT INTO crm.renewals
SELECT row_number() OVER (ORDER BY due_on, customer_id), customer_id, due_on,
       churned_at IS NULL OR churned_at >= due_on
  FROM (SELECT c.customer_id, c.churned_at, (c.signed_up_at + make_interval(years => y))::date AS due_on
          FROM crm.customers c, generate_series(1, 5) AS y) AS a
 WHERE due_on BETWEEN '2024-01-01' AND '2025-12-31'
   AND (churned_at IS NULL OR churned_at > due_on - 60);

------------------------------------------------------------------------------
-- Leads and opportunities
------------------------------------------------------------------------------
CREATE TABLE crm.leads (
    lead_id int PRIMARY KEY,
    source text NOT NULL CHECK (source IN ('organic', 'paid_search', 'referral', 'events', 'outbound')),
    created_at timestamptz NOT NULL,
    converted_at timestamptz CHECK (converted_at > created_at),
    customer_id int UNIQUE,  -- crm.customers
    CHECK ((converted_at IS NULL) = (customer_id IS NULL))
);
COMMENT ON TABLE crm.leads IS 'marketing and sales leads by source; converted_at and customer_id are set when the lead became a customer';

-- 85 % of the customers who signed up in 2024-2025 came in as a lead of
-- their acquisition channel, one to a few weeks before signing up (that
-- lead converts at the sign-up).  The leads that never converted are added
-- per source and month: about 3, 5.7, 7.3, 11.5 and 19 lost leads per
-- converted one for referrals, events, organic, outbound and paid search
-- (conversion near 25, 15, 12, 8 and 5 %), spread over the months like the
-- sign-ups (peaks in Q1 and Q3), with campaigns making each month's volume
-- swing (a log-normal factor, sigma 0.35), and paid search paused for
-- August 2025 (a tenth of its usual leads).
CREATE TEMP TABLE lead_draft AS
SELECT 'c-' || customer_id AS key, acquisition_channel AS source,
       signed_up_at - make_interval(secs => floor(crm.lognormal('lead-age-' || customer_id, 14 * 86400, 0.7))) AS created_at,
       signed_up_at AS converted_at, customer_id
  FROM crm.customers
 WHERE signed_up_at >= '2024-01-01 00:00+00' AND crm.u('from-lead-' || customer_id) < 0.85;
-- leads of customers who signed up early in January came in before 2024
DELETE FROM lead_draft WHERE created_at < '2024-01-01 00:00+00';

INSERT INTO lead_draft
SELECT 'l-' || s.source || '-' || to_char(m.month, 'YYYYMM') || '-' || i, s.source,
       m.month + make_interval(secs => floor(crm.u('lead-time-' || s.source || '-' || to_char(m.month, 'YYYYMM') || '-' || i)
                                             * date_part('epoch', m.next_month - m.month))),
       NULL::timestamptz, NULL::int
  FROM (SELECT source, count(*) * (1 - rate) / rate AS lost
          FROM lead_draft
          JOIN (VALUES ('referral', 0.25), ('events', 0.15), ('organic', 0.12), ('outbound', 0.08), ('paid_search', 0.05))
                 AS r(source, rate) USING (source)
         GROUP BY source, rate) AS s
 CROSS JOIN months m
 CROSS JOIN LATERAL generate_series(1, round(s.lost * (m.hi - m.lo)::float8
         * exp(0.35 * crm.normal('lead-volume-' || s.source || '-' || to_char(m.month, 'YYYYMM')) - 0.06125)
         * CASE WHEN s.source = 'paid_search' AND m.month = '2025-08-01 00:00+00' THEN 0.1 ELSE 1 END)::int) AS i;

INSERT INTO crm.leads
SELECT row_number() OVER (ORDER BY created_at, key), source, created_at, converted_at, customer_id
  FROM lead_draft;

CREATE TABLE crm.opportunities (
    opportunity_id int PRIMARY KEY,
    lead_id int,  -- crm.leads
    created_at timestamptz NOT NULL,
    closed_at timestamptz CHECK (closed_at > created_at),
    won boolean,
    amount numeric(12, 2) NOT NULL CHECK (amount > 0),
    CHECK ((closed_at IS NULL) = (won IS NULL))
);
COMMENT ON TABLE crm.opportunities IS 'sales opportunities (first-year value), from leads or, with lead_id NULL, upsells to existing customers; won is NULL while open';

-- every converted lead had an opportunity, won at the sign-up, worth a
-- year of the first month's MRR; 30 % of the other leads got one that was
-- lost after a few weeks (or is still open at the end of 2025); and there
-- are about 1,000 upsell opportunities without a lead, 40-45 % won
CREATE TEMP TABLE opportunity_draft AS
SELECT 'w-' || l.lead_id AS key, l.lead_id,
       date_trunc('second', l.created_at + (l.converted_at - l.created_at) * (0.2 + 0.5 * crm.u('opp-start-' || l.lead_id))) AS created_at,
       l.converted_at AS closed_at, true AS won,
       12 * (SELECT mrr FROM crm.mrr_monthly r WHERE r.customer_id = l.customer_id ORDER BY month LIMIT 1) AS amount
  FROM crm.leads l
 WHERE l.customer_id IS NOT NULL
UNION ALL
SELECT 'l-' || lead_id, lead_id, created_at,
       CASE WHEN closes < '2026-01-01 00:00+00' THEN closes END,
       CASE WHEN closes < '2026-01-01 00:00+00' THEN false END,
       round(crm.lognormal('deal-' || lead_id, 4000, 1.0)::numeric, 2)
  FROM (SELECT l.lead_id, o.created_at,
               o.created_at + make_interval(secs => floor(86400 * (3 + 35 * crm.expo('opp-close-' || l.lead_id)))) AS closes
          FROM crm.leads l,
               LATERAL (SELECT l.created_at + make_interval(secs => floor(86400 * (2 + 10 * crm.u('opp-start-' || l.lead_id))))
                          AS created_at) AS o
         WHERE l.customer_id IS NULL AND crm.u('opportunity-' || l.lead_id) < 0.3) AS lost
 WHERE created_at < '2026-01-01 00:00+00'
UNION ALL
-- an upsell is decided after a few weeks, or lost when the customer leaves first
SELECT 'u-' || key, NULL, created_at,
       CASE WHEN closes < least(churned_at, timestamptz '2026-01-01 00:00+00') THEN closes
            WHEN churned_at < closes THEN churned_at END,
       CASE WHEN closes < least(churned_at, timestamptz '2026-01-01 00:00+00') THEN crm.u('upsell-won-' || key) < 0.45
            WHEN churned_at < closes THEN false END,
       round(crm.lognormal('upsell-' || key, CASE segment WHEN 'smb' THEN 1200 WHEN 'mid_market' THEN 6000 ELSE 30000 END, 0.7)::numeric, 2)
  FROM (SELECT cm.key, cm.segment, cm.churned_at, o.created_at,
               o.created_at + make_interval(secs => floor(86400 * (5 + 40 * crm.expo('upsell-close-' || cm.key)))) AS closes
          FROM customer_months cm,
               LATERAL (SELECT cm.month + make_interval(secs => floor(crm.u('upsell-time-' || cm.key)
                                                                      * date_part('epoch', cm.next_month - cm.month))) AS created_at) AS o
         WHERE crm.u('upsell-' || cm.key) < CASE cm.segment WHEN 'smb' THEN 0.01 WHEN 'mid_market' THEN 0.035 ELSE 0.08 END
           AND o.created_at >= cm.active_from AND o.created_at < cm.active_to) AS upsell;

INSERT INTO crm.opportunities
SELECT row_number() OVER (ORDER BY created_at, key), lead_id, created_at, closed_at, won, amount
  FROM opportunity_draft;

------------------------------------------------------------------------------
-- Campaigns and who they reached
------------------------------------------------------------------------------
CREATE TABLE crm.campaigns (
    campaign_id int PRIMARY KEY,
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    name text NOT NULL,
    sent_at timestamptz NOT NULL,
    recipients bigint NOT NULL,
    impressions bigint NOT NULL CHECK (impressions <= recipients),
    clicks bigint NOT NULL CHECK (clicks <= impressions)
);
COMMENT ON TABLE crm.campaigns IS 'email and SMS campaigns: recipients, impressions (messages delivered) and clicks';

CREATE TABLE crm.campaign_contacts (
    campaign_id int NOT NULL,  -- crm.campaigns, which are counted from these rows
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    replied boolean NOT NULL,
    clicked boolean NOT NULL,
    opted_out boolean NOT NULL,
    PRIMARY KEY (campaign_id, customer_id)
);
COMMENT ON TABLE crm.campaign_contacts IS 'each customer a campaign reached, and whether they replied, clicked or opted out';

-- an email every Tuesday; on Thursdays an email or (40 %) an SMS; 5 % of the
-- slots are skipped; each campaign has a theme and a quality that moves its
-- click and reply rates
CREATE TEMP TABLE sends AS
SELECT row_number() OVER (ORDER BY day)::int AS campaign_id, day AS sent_at, channel,
       (ARRAY['Newsletter', 'Product update', 'Webinar invitation', 'Customer story', 'Tips and tricks', 'Offer'])
           [1 + floor(6 * crm.u('theme-' || to_char(day, 'YYYYMMDD')))::int] AS theme,
       crm.lognormal('quality-' || to_char(day, 'YYYYMMDD'), 1, 0.3) AS quality,
       CASE channel WHEN 'email' THEN 0.45 + 0.3 * crm.u('audience-' || to_char(day, 'YYYYMMDD'))
                    ELSE 0.25 + 0.2 * crm.u('audience-' || to_char(day, 'YYYYMMDD')) END AS audience
  FROM generate_series(timestamptz '2024-01-02 09:00+00', timestamptz '2025-12-30 09:00+00', interval '1 day') AS day,
       LATERAL (SELECT CASE WHEN date_part('isodow', day) = 4 AND crm.u('sms-' || to_char(day, 'YYYYMMDD')) < 0.4
                            THEN 'sms' ELSE 'email' END AS channel) AS c
 WHERE date_part('isodow', day) IN (2, 4) AND crm.u('send-' || to_char(day, 'YYYYMMDD')) >= 0.05;

-- a share of the customers of the day; a customer who opted out is not
-- contacted again
INSERT INTO crm.campaign_contacts
SELECT campaign_id, customer_id, replied, clicked, opted_out
  FROM (SELECT s.campaign_id, c.customer_id, ck.*,
               bool_or(ck.opted_out) OVER (PARTITION BY c.customer_id ORDER BY s.sent_at
                                           ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS opted_out_before
          FROM sends s
          JOIN crm.customers c ON c.signed_up_at <= s.sent_at AND (c.churned_at IS NULL OR c.churned_at > s.sent_at),
               LATERAL (SELECT s.campaign_id || '-' || c.customer_id AS key) AS k,
               LATERAL (SELECT crm.u('reply-' || k.key) < s.quality * CASE s.channel WHEN 'sms' THEN 0.04 ELSE 0.015 END AS replied,
                               crm.u('click-' || k.key) < s.quality * CASE s.channel WHEN 'sms' THEN 0.025 ELSE 0.045 END AS clicked,
                               crm.u('opt-out-' || k.key) < CASE s.channel WHEN 'sms' THEN 0.008 ELSE 0.003 END AS opted_out) AS ck
         WHERE crm.u('reach-' || k.key) < s.audience) AS r
 WHERE opted_out_before IS NOT TRUE
 ORDER BY campaign_id, customer_id;

-- counted from the contacts: an email reaches the inbox 97 % of the time,
-- an SMS 99 %; whoever clicked was reached
INSERT INTO crm.campaigns
SELECT s.campaign_id, s.channel,
       CASE s.channel WHEN 'email' THEN 'Email: ' ELSE 'SMS: ' END || s.theme || ' ' || to_char(s.sent_at, 'YYYY-MM-DD'),
       s.sent_at, count(*),
       count(*) FILTER (WHERE cc.clicked OR crm.u('delivered-' || s.campaign_id || '-' || cc.customer_id)
                                            < CASE s.channel WHEN 'sms' THEN 0.99 ELSE 0.97 END),
       count(*) FILTER (WHERE cc.clicked)
  FROM sends s
  JOIN crm.campaign_contacts cc USING (campaign_id)
 GROUP BY s.campaign_id, s.channel, s.theme, s.sent_at
 ORDER BY s.campaign_id;

------------------------------------------------------------------------------
-- Orders: add-ons and services
------------------------------------------------------------------------------
CREATE TABLE crm.orders (
    order_id bigint PRIMARY KEY,
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    ordered_at timestamptz NOT NULL,
    amount numeric(12, 2) NOT NULL
);
COMMENT ON TABLE crm.orders IS 'one-off purchases (add-ons, services); a negative amount refunds an earlier order';

-- Orders come on their own (smb 0.4, mid-market 0.8, enterprise 1.6 a
-- month; 25 % more in the busy season, when budgets are spent) and after a
-- campaign: 30 % of those who clicked or replied buy within a few days.
CREATE TEMP TABLE order_draft AS
SELECT cm.customer_id, cm.segment, 'o-' || cm.key || '-' || k AS key, o.ordered_at
  FROM customer_months cm,
       generate_series(1, CASE cm.segment WHEN 'smb' THEN 2 WHEN 'mid_market' THEN 3 ELSE 5 END) AS k,
       LATERAL (SELECT cm.month + make_interval(secs => floor(crm.u('order-time-' || cm.key || '-' || k)
                                                              * date_part('epoch', cm.next_month - cm.month))) AS ordered_at) AS o
 WHERE o.ordered_at >= cm.active_from AND o.ordered_at < cm.active_to
   AND crm.u('order-' || cm.key || '-' || k)
       < CASE cm.segment WHEN 'smb' THEN 0.4 / 2 WHEN 'mid_market' THEN 0.8 / 3 ELSE 1.6 / 5 END
         * (1 + 0.25 * crm.holiday(o.ordered_at))
UNION ALL
SELECT c.customer_id, c.segment, 'k-' || cc.campaign_id || '-' || cc.customer_id, o.ordered_at
  FROM crm.campaign_contacts cc
  JOIN crm.campaigns k USING (campaign_id)
  JOIN crm.customers c USING (customer_id),
       LATERAL (SELECT k.sent_at + make_interval(secs => floor(86400 * 3 * crm.expo('bought-after-' || cc.campaign_id || '-' || cc.customer_id)))
                  AS ordered_at) AS o
 WHERE (cc.clicked OR cc.replied)
   AND crm.u('buys-' || cc.campaign_id || '-' || cc.customer_id) < 0.3
   AND o.ordered_at < least(c.churned_at, timestamptz '2026-01-01 00:00+00');

-- amounts log-normal by segment (medians 90, 400, 1,800); 1 % of the rows
-- are refunds of the customer's order before
INSERT INTO crm.orders
SELECT row_number() OVER (ORDER BY ordered_at, key), customer_id, ordered_at,
       CASE WHEN crm.u('refund-' || key) < 0.01 AND previous IS NOT NULL THEN -previous ELSE amount END
  FROM (SELECT d.*, lag(amount) OVER (PARTITION BY customer_id ORDER BY ordered_at, key) AS previous
          FROM (SELECT customer_id, key, ordered_at,
                       round(crm.lognormal('amount-' || key, CASE segment WHEN 'smb' THEN 90 WHEN 'mid_market' THEN 400 ELSE 1800 END, 0.8)::numeric, 2)
                         AS amount
                  FROM order_draft) AS d) AS o;

------------------------------------------------------------------------------
-- Marketing and sales spend, for CAC
------------------------------------------------------------------------------
CREATE TABLE crm.marketing_spend (
    quarter date NOT NULL CHECK (date_part('day', quarter) = 1 AND date_part('month', quarter) IN (1, 4, 7, 10)),
    channel text NOT NULL CHECK (channel IN ('organic', 'paid_search', 'referral', 'events', 'outbound')),
    amount numeric(12, 2) NOT NULL,
    PRIMARY KEY (quarter, channel)
);
COMMENT ON TABLE crm.marketing_spend IS 'marketing and sales spend per quarter (first day) and acquisition channel';

-- a budget per channel (content for organic, referral bonuses, conference
-- season in Q1 and Q3 for events) growing 4 % a quarter, give or take 10 %
INSERT INTO crm.marketing_spend
SELECT q::date, channel,
       round((CASE channel WHEN 'paid_search' THEN 55000 WHEN 'outbound' THEN 45000 WHEN 'events' THEN 35000
                           WHEN 'organic' THEN 18000 ELSE 10000 END
              * CASE WHEN channel = 'events' AND date_part('quarter', q) IN (1, 3) THEN 1.4 ELSE 1 END
              * 1.04 ^ i * (0.9 + 0.2 * crm.u('spend-' || i || '-' || channel)))::numeric, 2)
  FROM generate_series(0, 7) AS i,
       LATERAL (SELECT timestamptz '2024-01-01 00:00+00' + make_interval(months => 3 * i) AS q) AS qs,
       unnest(ARRAY['organic', 'paid_search', 'referral', 'events', 'outbound']) AS channel
 ORDER BY 1, 2;

------------------------------------------------------------------------------
-- Weekly product usage
------------------------------------------------------------------------------
CREATE TABLE crm.product_usage (
    customer_id int NOT NULL,  -- crm.customers (the foreign keys come at the end)
    week date NOT NULL CHECK (date_part('isodow', week) = 1),
    logins int NOT NULL CHECK (logins >= 0),
    active_users int NOT NULL CHECK (active_users >= 0),
    feature_events int NOT NULL CHECK (feature_events >= 0),
    PRIMARY KEY (customer_id, week)
);
COMMENT ON TABLE crm.product_usage IS 'weekly logins, active users and feature events per customer, for each week (from Monday) it was subscribed in';

-- Seats by segment (about 6, 30, 150); adoption climbs from 30 % to full
-- in the six weeks after first value (stays at 30 % without it); usage
-- fades to a fifth over the ten weeks before churn, which is what a health
-- score should catch; the last two weeks of December are quiet; releases
-- bring a burst of feature use.
INSERT INTO crm.product_usage
SELECT customer_id, week::date, logins, users,
       round(logins * (4 + 6 * crm.u('events-' || key)) * (1 + 0.5 * crm.release(week)))::int
  FROM (SELECT customer_id, week, key, users, round(users * (2.5 + 2 * crm.u('logins-' || key)))::int AS logins
          FROM (SELECT c.customer_id, w AS week, key,
                       round(seats
                             * CASE WHEN c.first_value_at IS NULL OR c.first_value_at > w THEN 0.3
                                    ELSE least(1, 0.3 + 0.7 * date_part('epoch', w - c.first_value_at) / (42 * 86400)) END
                             * CASE WHEN c.churned_at < w + interval '70 days'
                                    THEN 0.2 + 0.8 * date_part('epoch', c.churned_at - w) / (70 * 86400) ELSE 1 END
                             * CASE WHEN to_char(w, 'MMDD') >= '1220' THEN 0.6 ELSE 1 END
                             * (0.85 + 0.3 * crm.u('users-' || key)))::int AS users
                  FROM (SELECT customer_id, signed_up_at, first_value_at, churned_at,
                               CASE segment WHEN 'smb' THEN 6 WHEN 'mid_market' THEN 30 ELSE 150 END
                               * crm.lognormal('seats-' || customer_id, 1, 0.4) AS seats
                          FROM crm.customers
                        OFFSET 0) AS c,  -- seats once per customer
                       generate_series(date_trunc('week', greatest(c.signed_up_at, timestamptz '2024-01-01 00:00+00')),
                                       least(c.churned_at, timestamptz '2026-01-01 00:00+00') - interval '1 microsecond',
                                       interval '1 week') AS w,
                       LATERAL (SELECT c.customer_id || '-' || (w::date - date '2024-01-01') / 7 AS key) AS k
                OFFSET 0) AS u
        OFFSET 0) AS l  -- the fences keep each hash from being computed once per use
 ORDER BY customer_id, week;

------------------------------------------------------------------------------
-- Foreign keys, added after loading: one anti-join per key is much faster
-- than a trigger check per inserted row.  Indexes for the usual joins and
-- period filters.
------------------------------------------------------------------------------
ALTER TABLE crm.tickets ADD FOREIGN KEY (customer_id) REFERENCES crm.customers,
                        ADD FOREIGN KEY (channel) REFERENCES crm.sla_targets;
ALTER TABLE crm.ticket_status_changes ADD FOREIGN KEY (ticket_id) REFERENCES crm.tickets;
ALTER TABLE crm.surveys ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.subscriptions ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.mrr_monthly ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.renewals ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.leads ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.opportunities ADD FOREIGN KEY (lead_id) REFERENCES crm.leads;
ALTER TABLE crm.campaign_contacts ADD FOREIGN KEY (campaign_id) REFERENCES crm.campaigns,
                                  ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.orders ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;
ALTER TABLE crm.product_usage ADD FOREIGN KEY (customer_id) REFERENCES crm.customers;

CREATE INDEX ON crm.surveys (customer_id);
CREATE INDEX ON crm.surveys (answered_at);
CREATE INDEX ON crm.tickets (customer_id);
CREATE INDEX ON crm.tickets (opened_at);
CREATE INDEX ON crm.ticket_status_changes (ticket_id);
CREATE INDEX ON crm.subscriptions (customer_id);
CREATE INDEX ON crm.renewals (due_on);
CREATE INDEX ON crm.orders (customer_id, ordered_at);
CREATE INDEX ON crm.leads (created_at);
CREATE INDEX ON crm.opportunities (lead_id);
CREATE INDEX ON crm.campaign_contacts (customer_id);
CREATE INDEX ON crm.mrr_monthly (month);

DROP TABLE months, channel_mix, draft, draft2, churn, customer_months, ticket_draft, survey_draft,
           plan_months, lapses, subscription_draft,
           lead_draft, opportunity_draft, sends, order_draft;
COMMIT;

ANALYZE crm.customers, crm.surveys, crm.employee_surveys, crm.tickets, crm.ticket_status_changes, crm.sla_targets, crm.subscriptions,
        crm.mrr_monthly, crm.renewals, crm.orders, crm.leads, crm.opportunities, crm.campaigns,
        crm.campaign_contacts, crm.marketing_spend, crm.product_usage;
ANALYZE crm.survey_comments;
