-- The sample CRM data set: a few thousand customers of a software company
-- over 2024 and 2025, with segments, seasonality and churn.  test/demo.sh
-- loads it; so can anyone: psql -f test/sample-data.sql (schema crm).
--
-- Deterministic on every run and every plan: each random choice is a hash of
-- a key that names it (crm.u), never random().  Times are UTC.

SET client_min_messages = warning;
DROP SCHEMA IF EXISTS crm CASCADE;
CREATE SCHEMA crm;
RESET client_min_messages;

-- uniform number in [0, 1) for a key
CREATE FUNCTION crm.u(key text) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT ('x' || substr(md5(key), 1, 8))::bit(32)::bigint / 4294967296.0 $$;

-- standard normal number for a key (Box-Muller)
CREATE FUNCTION crm.normal(key text) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT sqrt(-2 * ln(1 - crm.u(key || '/r'))) * cos(2 * pi() * crm.u(key || '/a')) $$;

-- log-normal number with the given median and spread
CREATE FUNCTION crm.lognormal(key text, median float8, sigma float8) RETURNS float8
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT median * exp(sigma * crm.normal(key)) $$;

-- one of the choices, with the given weights
CREATE FUNCTION crm.pick(key text, choices text[], weights float8[]) RETURNS text
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$
        SELECT c FROM (SELECT c, sum(weight) OVER (ORDER BY n) AS running, n
                         FROM unnest(choices, weights) WITH ORDINALITY AS w(c, weight, n)) AS w
         WHERE crm.u(key) * (SELECT sum(x) FROM unnest(weights) AS x) < running
         ORDER BY n LIMIT 1
    $$;

-- an answer on lo..hi around a mean
CREATE FUNCTION crm.score(key text, mean float8, spread float8, lo int, hi int) RETURNS smallint
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT greatest(lo, least(hi, round(mean + spread * crm.normal(key))))::smallint $$;

-- the busy season: November and December
CREATE FUNCTION crm.holiday(t timestamptz) RETURNS boolean
    IMMUTABLE PARALLEL SAFE LANGUAGE sql
    AS $$ SELECT extract(month FROM t AT TIME ZONE 'UTC') IN (11, 12) $$;

-- sign-up weight of each month of 2024-2025: busier first and third
-- quarters, and growth over time; cumulative, for picking a month
CREATE TEMP TABLE signup_months AS
SELECT m AS month,
       sum(weight) OVER (ORDER BY m) / sum(weight) OVER () AS cumulative
  FROM (SELECT m, CASE WHEN extract(month FROM m AT TIME ZONE 'UTC') IN (1, 2, 3, 7, 8, 9) THEN 1.4 ELSE 1.0 END
                  * (1 + extract(epoch FROM m - '2024-01-01 00:00+00') / 126144000) AS weight
          FROM generate_series(timestamptz '2024-01-01 00:00+00', '2025-12-01 00:00+00', interval '1 month') AS m) AS w;

--
-- Customers: 600 on the books at the start of 2024 and 2,400 signing up
-- over the two years.  Monthly churn: SMB 2.6 %, mid-market 1.3 %,
-- enterprise 0.6 %.  Time to first value shortens as onboarding improves.
--
CREATE TABLE crm.customers (
    customer_id int PRIMARY KEY,
    name text NOT NULL,
    segment text NOT NULL,
    region text NOT NULL,
    acquisition_channel text NOT NULL,
    signed_up_at timestamptz NOT NULL,
    onboarded_at timestamptz NOT NULL,
    first_value_at timestamptz,
    churned_at timestamptz
);
COMMENT ON TABLE crm.customers IS 'accounts: segment, region, acquisition channel, sign-up, onboarding, first value and churn';

CREATE TEMP TABLE new_customers AS
SELECT id,
       crm.pick('segment' || id, '{smb,mid_market,enterprise}', '{60,30,10}') AS segment,
       crm.pick('region' || id, '{emea,americas,apac}', '{40,40,20}') AS region,
       crm.pick('channel' || id, '{organic,paid_search,referral,events,outbound}', '{30,25,15,15,15}') AS channel,
       CASE WHEN id <= 600
            THEN timestamptz '2022-01-01 00:00+00' + make_interval(secs => floor(crm.u('signup' || id) * 63072000))
            ELSE (SELECT month FROM signup_months WHERE cumulative > crm.u('signup-month' || id) ORDER BY month LIMIT 1)
                 + make_interval(secs => floor(crm.u('signup-day' || id) * 27 * 86400))
       END AS signed_up_at
  FROM generate_series(1, 3000) AS id;

INSERT INTO crm.customers
SELECT id, 'Customer ' || lpad(id::text, 4, '0'), segment, region, channel, signed_up_at, onboarded_at,
       CASE WHEN crm.u('ttv-none' || id) >= 0.05
            THEN onboarded_at + make_interval(secs => crm.lognormal('ttv' || id,
                     86400 * CASE segment WHEN 'smb' THEN 4 WHEN 'mid_market' THEN 9 ELSE 18 END
                           * (1.2 - 0.4 * least(1, greatest(0, extract(epoch FROM signed_up_at - '2024-01-01 00:00+00') / 63072000))),
                     0.8))
       END,
       CASE WHEN churn_at < '2026-01-01 00:00+00' THEN churn_at END
  FROM (SELECT n.*,
               n.signed_up_at + make_interval(hours => 24 + floor(crm.u('onboard' || id) * 144)::int) AS onboarded_at,
               n.signed_up_at + make_interval(secs => floor(-30.4 * 86400
                                                * ln(1 - crm.u('life' || id))
                                                / CASE segment WHEN 'smb' THEN 0.026 WHEN 'mid_market' THEN 0.013 ELSE 0.006 END))
                 AS churn_at
          FROM new_customers n) AS c;

-- each month a customer was a customer, within 2024-2025
CREATE TEMP TABLE customer_months AS
SELECT c.customer_id, c.segment, c.signed_up_at, c.churned_at, m AS month
  FROM crm.customers c,
       generate_series(date_trunc('month', greatest(c.signed_up_at, '2024-01-01 00:00+00')),
                       coalesce(c.churned_at, '2025-12-31 00:00+00'),
                       interval '1 month') AS m
 WHERE m < '2026-01-01 00:00+00';

--
-- Surveys: NPS (0-10), CSAT (1-5) and CES (1-7).  Enterprise is happier than
-- SMB; the busy season (November, December) and the months before a
-- customer churns are worse; the product gets a little better every month.
--
CREATE TABLE crm.surveys (
    survey_id bigint PRIMARY KEY,
    customer_id int NOT NULL REFERENCES crm.customers,
    channel text NOT NULL,
    answered_at timestamptz NOT NULL,
    score smallint CHECK (score BETWEEN 0 AND 10),
    csat smallint CHECK (csat BETWEEN 1 AND 5),
    ces smallint CHECK (ces BETWEEN 1 AND 7),
    CHECK (score IS NOT NULL OR csat IS NOT NULL OR ces IS NOT NULL)
);
COMMENT ON TABLE crm.surveys IS 'survey answers: NPS score 0-10, CSAT 1-5 and CES 1-7, any of which may be skipped';

INSERT INTO crm.surveys
SELECT row_number() OVER (ORDER BY answered_at, customer_id),
       customer_id, channel, answered_at,
       CASE WHEN crm.u('skip-nps' || key) >= 0.08 THEN crm.score('nps' || key, mood, 1.9, 0, 10) END,
       CASE WHEN crm.u('skip-csat' || key) < 0.75 THEN crm.score('csat' || key, 4.05 + 0.35 * (mood - 7.9), 0.8, 1, 5) END,
       CASE WHEN crm.u('skip-ces' || key) >= 0.45 OR crm.u('skip-nps' || key) < 0.08
            THEN crm.score('ces' || key, 3.0 - 0.45 * (mood - 7.9), 1.1, 1, 7) END
  FROM (SELECT cm.customer_id, key,
               crm.pick('survey-channel' || key, '{email,in_app,chat,phone}', '{45,25,20,10}') AS channel,
               greatest(cm.signed_up_at, cm.month) + make_interval(secs => floor(crm.u('survey-time' || key) * 27 * 86400)) AS answered_at,
               cm.churned_at,
               CASE cm.segment WHEN 'smb' THEN 7.75 WHEN 'mid_market' THEN 8.05 ELSE 8.4 END
                 + 0.025 * extract(epoch FROM cm.month - '2024-01-01 00:00+00') / 2629800
                 - CASE WHEN crm.holiday(cm.month) THEN 0.55 ELSE 0 END
                 - CASE WHEN cm.churned_at < cm.month + interval '4 months' THEN 1.1 ELSE 0 END AS mood
          FROM customer_months cm, generate_series(1, 2) AS k,
               LATERAL (SELECT cm.customer_id || '-' || to_char(cm.month, 'YYYYMM') || '-' || k AS key) AS keys
         WHERE crm.u('survey' || key) < 0.45) AS s
 WHERE answered_at < coalesce(churned_at, '2026-01-01 00:00+00');

-- Employee pulse surveys for eNPS: about 300 employees, once a quarter.
CREATE TABLE crm.employee_surveys (
    response_id int PRIMARY KEY,
    team text NOT NULL,
    answered_at timestamptz NOT NULL,
    score smallint NOT NULL CHECK (score BETWEEN 0 AND 10)
);
COMMENT ON TABLE crm.employee_surveys IS 'quarterly employee pulse survey answers (eNPS), 0-10';

INSERT INTO crm.employee_surveys
SELECT row_number() OVER (ORDER BY q, e), team,
       q + make_interval(days => floor(crm.u('pulse-day' || e || q) * 20)::int),
       crm.score('pulse' || e || q, CASE team WHEN 'engineering' THEN 8.1 WHEN 'sales' THEN 7.2
                                              WHEN 'success' THEN 7.8 ELSE 7.0 END
                                    + 0.1 * extract(epoch FROM q - '2024-01-01 00:00+00') / 7889400, 1.8, 0, 10)
  FROM generate_series(1, 300) AS e,
       generate_series(timestamptz '2024-01-01 00:00+00', '2025-10-01 00:00+00', interval '3 months') AS q,
       LATERAL (SELECT crm.pick('team' || e, '{support,success,sales,engineering}', '{35,20,20,25}') AS team) AS t
 WHERE crm.u('pulse-answer' || e || q) < 0.8;

--
-- Support tickets.  First response around the targets (chat 15 s, phone
-- 60 s, email 4 h), heavy-tailed, slower in the busy season.
--
CREATE TABLE crm.sla_targets (
    channel text PRIMARY KEY,
    first_response_target interval NOT NULL
);
COMMENT ON TABLE crm.sla_targets IS 'first-response target per support channel';
INSERT INTO crm.sla_targets VALUES ('chat', '15 seconds'), ('phone', '60 seconds'), ('email', '4 hours');

CREATE TABLE crm.tickets (
    ticket_id bigint PRIMARY KEY,
    customer_id int NOT NULL REFERENCES crm.customers,
    channel text NOT NULL REFERENCES crm.sla_targets,
    priority text NOT NULL,
    opened_at timestamptz NOT NULL,
    first_response_at timestamptz NOT NULL,
    resolved_at timestamptz,
    contacts int NOT NULL CHECK (contacts >= 1),
    is_complaint boolean NOT NULL,
    used_self_service boolean NOT NULL
);
COMMENT ON TABLE crm.tickets IS 'support tickets: channel, priority, first response, resolution, contacts needed';

INSERT INTO crm.tickets
SELECT row_number() OVER (ORDER BY opened_at, customer_id),
       customer_id, channel,
       crm.pick('priority' || key, '{low,normal,high,urgent}', '{25,55,15,5}'),
       opened_at,
       opened_at + make_interval(secs => round(crm.lognormal('response' || key,
                       CASE channel WHEN 'chat' THEN 11 WHEN 'phone' THEN 42 ELSE 7200 END
                       * CASE WHEN crm.holiday(opened_at) THEN 1.6 ELSE 1 END,
                       CASE channel WHEN 'email' THEN 0.9 ELSE 0.75 END)::numeric, 3)::float8),
       CASE WHEN crm.u('open' || key) >= 0.02 + CASE WHEN opened_at > '2025-12-15 00:00+00' THEN 0.3 ELSE 0 END
            THEN opened_at + make_interval(secs => round(crm.lognormal('resolve' || key,
                       CASE channel WHEN 'chat' THEN 1500 WHEN 'phone' THEN 2400 ELSE 80000 END, 1.1)::numeric)::float8)
       END,
       CASE WHEN crm.u('fcr' || key) < CASE channel WHEN 'email' THEN 0.68 ELSE 0.8 END THEN 1
            ELSE 2 + floor(3 * crm.u('contacts' || key))::int END,
       crm.u('complaint' || key) < 0.1,
       crm.u('self-service' || key) < 0.3
  FROM (SELECT cm.customer_id, key, cm.churned_at,
               crm.pick('ticket-channel' || key, '{chat,phone,email}', '{45,25,30}') AS channel,
               greatest(cm.signed_up_at, cm.month)
                 + make_interval(secs => floor(crm.u('ticket-time' || key) * 27 * 86400)) AS opened_at
          FROM customer_months cm, generate_series(1, 6) AS k,
               LATERAL (SELECT cm.customer_id || '-' || to_char(cm.month, 'YYYYMM') || '-' || k AS key) AS keys
         WHERE crm.u('ticket' || key) < CASE cm.segment WHEN 'smb' THEN 0.18 WHEN 'mid_market' THEN 0.3 ELSE 0.5 END
                                         * CASE WHEN crm.holiday(cm.month) THEN 1.4 ELSE 1 END) AS t
 WHERE opened_at < coalesce(churned_at, '2026-01-01 00:00+00');

--
-- Subscriptions, monthly recurring revenue and renewals
--
CREATE TABLE crm.subscriptions (
    subscription_id int PRIMARY KEY,
    customer_id int NOT NULL REFERENCES crm.customers,
    plan text NOT NULL,
    started_at timestamptz NOT NULL,
    ended_at timestamptz
);
COMMENT ON TABLE crm.subscriptions IS 'one subscription per customer: plan, start and end (the churn)';

INSERT INTO crm.subscriptions
SELECT customer_id, customer_id,
       CASE segment WHEN 'enterprise' THEN 'enterprise'
                    WHEN 'mid_market' THEN 'growth'
                    ELSE crm.pick('plan' || customer_id, '{starter,growth}', '{75,25}') END,
       signed_up_at, churned_at
  FROM crm.customers;

CREATE TABLE crm.mrr_monthly (
    customer_id int NOT NULL REFERENCES crm.customers,
    month date NOT NULL,
    mrr numeric(12, 2) NOT NULL,
    PRIMARY KEY (customer_id, month)
);
COMMENT ON TABLE crm.mrr_monthly IS 'monthly recurring revenue per customer and month while subscribed (upsells and downgrades included)';

-- a plan's starting price, then 3 % of months expand by a quarter and 1 %
-- contract by 15 %
INSERT INTO crm.mrr_monthly
SELECT cm.customer_id, (cm.month AT TIME ZONE 'UTC')::date,
       round((CASE s.plan WHEN 'starter' THEN 50 + 150 * crm.u('price' || cm.customer_id)
                          WHEN 'growth' THEN 300 + 1200 * crm.u('price' || cm.customer_id)
                          ELSE 3000 + 17000 * crm.u('price' || cm.customer_id) END
              * exp(sum(CASE WHEN crm.u('move' || cm.customer_id || cm.month) < 0.03 THEN ln(1.25)
                             WHEN crm.u('move' || cm.customer_id || cm.month) < 0.04 THEN ln(0.85)
                             ELSE 0 END)
                    OVER (PARTITION BY cm.customer_id ORDER BY cm.month)))::numeric, 2)
  FROM customer_months cm JOIN crm.subscriptions s USING (customer_id)
 WHERE cm.churned_at IS NULL OR cm.churned_at >= cm.month + interval '1 month';

CREATE TABLE crm.renewals (
    renewal_id int PRIMARY KEY,
    customer_id int NOT NULL REFERENCES crm.customers,
    due_on date NOT NULL,
    renewed boolean NOT NULL
);
COMMENT ON TABLE crm.renewals IS 'annual contract renewals that fell due in 2024-2025, renewed or not';

-- a contract comes up every anniversary; customers who left in the 60 days
-- before it did not renew
INSERT INTO crm.renewals
SELECT row_number() OVER (ORDER BY due_on, customer_id), customer_id, due_on,
       churned_at IS NULL OR churned_at > due_on
  FROM (SELECT c.customer_id, c.churned_at, (c.signed_up_at + make_interval(years => y))::date AS due_on
          FROM crm.customers c, generate_series(1, 4) AS y) AS a
 WHERE due_on BETWEEN '2024-01-01' AND '2025-12-31'
   AND (churned_at IS NULL OR churned_at > due_on - 60);

--
-- Orders: add-ons and services, with a few refunds
--
CREATE TABLE crm.orders (
    order_id bigint PRIMARY KEY,
    customer_id int NOT NULL REFERENCES crm.customers,
    ordered_at timestamptz NOT NULL,
    amount numeric(12, 2) NOT NULL
);
COMMENT ON TABLE crm.orders IS 'one-off purchases (add-ons, services); negative amounts are refunds';

INSERT INTO crm.orders
SELECT row_number() OVER (ORDER BY ordered_at, customer_id), customer_id, ordered_at,
       CASE WHEN crm.u('refund' || key) < 0.01 THEN -1 ELSE 1 END
       * round(crm.lognormal('amount' || key, CASE segment WHEN 'smb' THEN 80 WHEN 'mid_market' THEN 320 ELSE 1500 END, 0.7)::numeric, 2)
  FROM (SELECT cm.customer_id, cm.segment, cm.churned_at, key,
               greatest(cm.signed_up_at, cm.month)
                 + make_interval(secs => floor(crm.u('order-time' || key) * 27 * 86400)) AS ordered_at
          FROM customer_months cm, generate_series(1, 3) AS k,
               LATERAL (SELECT cm.customer_id || '-' || to_char(cm.month, 'YYYYMM') || '-' || k AS key) AS keys
         WHERE crm.u('order' || key) < CASE cm.segment WHEN 'smb' THEN 0.12 WHEN 'mid_market' THEN 0.2 ELSE 0.3 END) AS o
 WHERE ordered_at < coalesce(churned_at, '2026-01-01 00:00+00');

--
-- Leads and opportunities: referrals convert best, paid search worst; leads
-- peak in the first and third quarters.
--
CREATE TABLE crm.leads (
    lead_id int PRIMARY KEY,
    source text NOT NULL,
    created_at timestamptz NOT NULL,
    converted_at timestamptz,
    customer_id int REFERENCES crm.customers
);
COMMENT ON TABLE crm.leads IS 'marketing and sales leads by source; converted_at is set when the lead became a customer';

INSERT INTO crm.leads
SELECT id, source, created_at,
       CASE WHEN converted THEN created_at + make_interval(secs => floor(-20 * 86400 * ln(1 - crm.u('convert-time' || id)))) END,
       CASE WHEN converted THEN 601 + (id * 7919) % 2400 END
  FROM (SELECT id, source, created_at,
               crm.u('convert' || id) < CASE source WHEN 'referral' THEN 0.24 WHEN 'events' THEN 0.15
                                                    WHEN 'organic' THEN 0.11 WHEN 'outbound' THEN 0.07 ELSE 0.05 END AS converted
          FROM (SELECT id,
                       crm.pick('lead-source' || id, '{organic,paid_search,referral,events,outbound}', '{30,30,10,10,20}') AS source,
                       (SELECT month FROM signup_months WHERE cumulative > crm.u('lead-month' || id) ORDER BY month LIMIT 1)
                         + make_interval(secs => floor(crm.u('lead-day' || id) * 27 * 86400)) AS created_at
                  FROM generate_series(1, 20000) AS id) AS l) AS c;
UPDATE crm.leads SET converted_at = NULL, customer_id = NULL WHERE converted_at >= '2026-01-01 00:00+00';

CREATE TABLE crm.opportunities (
    opportunity_id int PRIMARY KEY,
    lead_id int REFERENCES crm.leads,
    created_at timestamptz NOT NULL,
    closed_at timestamptz,
    won boolean,
    amount numeric(12, 2) NOT NULL,
    CHECK ((closed_at IS NULL) = (won IS NULL))
);
COMMENT ON TABLE crm.opportunities IS 'sales opportunities from leads; won is NULL while open';

INSERT INTO crm.opportunities
SELECT row_number() OVER (ORDER BY created_at, lead_id), lead_id, created_at,
       CASE WHEN closes < '2026-01-01 00:00+00' THEN closes END,
       CASE WHEN closes < '2026-01-01 00:00+00' THEN converted_at IS NOT NULL OR crm.u('won' || lead_id) < 0.1 END,
       round(crm.lognormal('deal' || lead_id, 6000, 0.9)::numeric, 2)
  FROM (SELECT lead_id, converted_at, created_at + interval '5 days' AS created_at,
               created_at + interval '5 days' + make_interval(secs => floor(-30 * 86400 * ln(1 - crm.u('close' || lead_id)))) AS closes
          FROM crm.leads
         WHERE converted_at IS NOT NULL OR crm.u('opportunity' || lead_id) < 0.3) AS o
 WHERE created_at < '2026-01-01 00:00+00';

--
-- Campaigns: about two a week to a sample of the customers of the day
--
CREATE TABLE crm.campaigns (
    campaign_id int PRIMARY KEY,
    channel text NOT NULL,
    name text NOT NULL,
    sent_at timestamptz NOT NULL,
    recipients bigint NOT NULL,
    impressions bigint NOT NULL,
    clicks bigint NOT NULL CHECK (clicks <= impressions)
);
COMMENT ON TABLE crm.campaigns IS 'email and SMS campaigns: recipients, delivered impressions and clicks';

CREATE TABLE crm.campaign_contacts (
    campaign_id int NOT NULL,
    customer_id int NOT NULL REFERENCES crm.customers,
    replied boolean NOT NULL,
    clicked boolean NOT NULL,
    opted_out boolean NOT NULL,
    PRIMARY KEY (campaign_id, customer_id)
);
COMMENT ON TABLE crm.campaign_contacts IS 'who each campaign reached, and whether they replied, clicked or opted out';

CREATE TEMP TABLE sends AS
SELECT row_number() OVER (ORDER BY day) AS campaign_id, day AS sent_at,
       crm.pick('campaign-channel' || day, '{email,sms}', '{80,20}') AS channel
  FROM generate_series(timestamptz '2024-01-02 09:00+00', '2025-12-30 09:00+00', interval '1 day') AS day
 WHERE extract(isodow FROM day) IN (2, 4) AND crm.u('campaign' || day) < 0.95;

INSERT INTO crm.campaign_contacts
SELECT s.campaign_id, c.customer_id,
       crm.u('reply' || s.campaign_id || '-' || c.customer_id) < CASE s.channel WHEN 'sms' THEN 0.045 ELSE 0.02 END,
       crm.u('click' || s.campaign_id || '-' || c.customer_id) < CASE s.channel WHEN 'sms' THEN 0.025 ELSE 0.045 END,
       crm.u('opt-out' || s.campaign_id || '-' || c.customer_id) < CASE s.channel WHEN 'sms' THEN 0.008 ELSE 0.003 END
  FROM sends s
  JOIN crm.customers c ON c.signed_up_at <= s.sent_at AND (c.churned_at IS NULL OR c.churned_at > s.sent_at)
 WHERE crm.u('reach' || s.campaign_id || '-' || c.customer_id) < 0.4;

INSERT INTO crm.campaigns
SELECT s.campaign_id, s.channel,
       initcap(s.channel) || ' campaign ' || to_char(s.sent_at, 'YYYY-MM-DD'),
       s.sent_at, count(*), count(*) FILTER (WHERE crm.u('delivered' || s.campaign_id || '-' || cc.customer_id) < 0.97 OR cc.clicked),
       count(*) FILTER (WHERE cc.clicked)
  FROM sends s JOIN crm.campaign_contacts cc USING (campaign_id)
 GROUP BY s.campaign_id, s.channel, s.sent_at;
-- campaigns are counted from their contacts, so the key comes last
ALTER TABLE crm.campaign_contacts ADD FOREIGN KEY (campaign_id) REFERENCES crm.campaigns;

-- Marketing and sales spend per quarter and acquisition channel, for CAC.
CREATE TABLE crm.marketing_spend (
    quarter date NOT NULL,
    channel text NOT NULL,
    amount numeric(12, 2) NOT NULL,
    PRIMARY KEY (quarter, channel)
);
COMMENT ON TABLE crm.marketing_spend IS 'marketing and sales spend per quarter and acquisition channel';

INSERT INTO crm.marketing_spend
SELECT (q AT TIME ZONE 'UTC')::date, channel,
       round((CASE channel WHEN 'paid_search' THEN 60000 WHEN 'events' THEN 45000 WHEN 'outbound' THEN 50000
                           WHEN 'referral' THEN 12000 ELSE 20000 END
              * (0.85 + 0.3 * crm.u('spend' || q || channel)))::numeric, 2)
  FROM generate_series(timestamptz '2024-01-01 00:00+00', '2025-10-01 00:00+00', interval '3 months') AS q,
       unnest('{organic,paid_search,referral,events,outbound}'::text[]) AS channel;

--
-- Weekly product usage while subscribed; usage fades in the two months
-- before a customer churns, which is what health scores should catch.
--
CREATE TABLE crm.product_usage (
    customer_id int NOT NULL REFERENCES crm.customers,
    week date NOT NULL,
    logins int NOT NULL,
    active_users int NOT NULL,
    feature_events int NOT NULL,
    PRIMARY KEY (customer_id, week)
);
COMMENT ON TABLE crm.product_usage IS 'weekly logins, active users and feature events per customer (weeks start on Monday)';

INSERT INTO crm.product_usage
SELECT customer_id, week,
       round(base * fade * (0.7 + 0.6 * crm.u('logins' || key))),
       greatest(1, round(base / 4 * fade * (0.7 + 0.6 * crm.u('users' || key)))),
       round(base * 6 * fade * (0.6 + 0.8 * crm.u('events' || key)))
  FROM (SELECT c.customer_id, (w AT TIME ZONE 'UTC')::date AS week, c.customer_id || '-' || to_char(w, 'IYYYIW') AS key,
               CASE c.segment WHEN 'smb' THEN 6 WHEN 'mid_market' THEN 22 ELSE 80 END
                 * (0.6 + 0.8 * crm.u('engagement' || c.customer_id))
                 * CASE WHEN crm.holiday(w) THEN 0.8 ELSE 1 END AS base,
               CASE WHEN c.churned_at IS NULL OR c.churned_at > w + interval '60 days' THEN 1
                    ELSE greatest(0.15, extract(epoch FROM c.churned_at - w) / (60 * 86400)) END AS fade
          FROM crm.customers c,
               generate_series(date_trunc('week', greatest(c.signed_up_at, '2024-01-01 00:00+00')),
                               coalesce(c.churned_at, '2025-12-31 00:00+00') - interval '1 week',
                               interval '1 week') AS w
         WHERE w < '2026-01-01 00:00+00') AS u;

DROP TABLE signup_months, new_customers, customer_months, sends;
ANALYZE;
