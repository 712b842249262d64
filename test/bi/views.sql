-- Example views for BI tools over the sample CRM schema (test/sample-data.sql).
-- Every column has a plain SQL type that BI drivers map without casts:
-- date, text, bigint, numeric, double precision, interval.  Durations also
-- come as numeric seconds, because some drivers hand intervals over as text.

-- The Jakarta support office's business_calendar: Monday to Friday
-- 08:00-17:00 WIB, closed on the days of crm.office_holidays.  A table, so
-- that queries join one stored calendar; it is made here and not in
-- test/sample-data.sql, which needs no extension.
CREATE TABLE crm.office_calendar (name text PRIMARY KEY, cal business_calendar NOT NULL);
COMMENT ON TABLE crm.office_calendar IS 'the support office''s business calendar (time zone, weekly hours, holidays)';
INSERT INTO crm.office_calendar
SELECT 'Jakarta support', business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', array_agg(day ORDER BY day))
  FROM crm.office_holidays;

-- One row per month: survey scores, churn, revenue and funnel.
CREATE VIEW crm.monthly_kpi_board AS
WITH months AS (
    SELECT m::date AS month FROM generate_series(date '2024-02-01', date '2025-12-01', interval '1 month') AS m
), surveys AS (
    SELECT date_trunc('month', answered_at)::date AS month, score_summary(score) AS nps,
           csat_agg(csat) AS csat_pct, ces_agg(ces) AS ces
      FROM crm.surveys GROUP BY 1
), churn AS (
    SELECT months.month, m.churn_pct
      FROM months,
           LATERAL (SELECT churn_rate(c.signed_up_at, c.churned_at, months.month, months.month + interval '1 month') AS churn_pct
                      FROM crm.customers AS c) AS m
), mrr AS (
    SELECT months.month, mrr_summary(prev.mrr, curr.mrr) AS movements
      FROM months
      JOIN crm.mrr_monthly AS seen ON seen.month IN (months.month, (months.month - interval '1 month')::date)
      LEFT JOIN crm.mrr_monthly AS prev
        ON prev.customer_id = seen.customer_id AND prev.month = (months.month - interval '1 month')::date
      LEFT JOIN crm.mrr_monthly AS curr ON curr.customer_id = seen.customer_id AND curr.month = months.month
     WHERE seen.month = coalesce(prev.month, curr.month)
     GROUP BY months.month
), leads AS (
    SELECT date_trunc('month', created_at)::date AS month, conversion_rate(converted_at IS NOT NULL) AS lead_conversion_pct
      FROM crm.leads GROUP BY 1
)
SELECT months.month,
       nps(surveys.nps) AS nps,
       responses(surveys.nps) AS nps_responses,
       surveys.csat_pct,
       surveys.ces,
       churn.churn_pct,
       ending_mrr(mrr.movements) AS mrr,
       new_mrr(mrr.movements) AS new_mrr,
       expansion_mrr(mrr.movements) AS expansion_mrr,
       contraction_mrr(mrr.movements) AS contraction_mrr,
       churned_mrr(mrr.movements) AS churned_mrr,
       nrr(mrr.movements) AS nrr_pct,
       grr(mrr.movements) AS grr_pct,
       leads.lead_conversion_pct
  FROM months
  LEFT JOIN surveys USING (month)
  LEFT JOIN churn USING (month)
  LEFT JOIN mrr USING (month)
  LEFT JOIN leads USING (month);
COMMENT ON VIEW crm.monthly_kpi_board IS 'one row per month: NPS, CSAT, CES, logo churn, MRR movements with NRR/GRR, lead conversion';

-- One row per month and support channel.
CREATE VIEW crm.support_board AS
SELECT date_trunc('month', t.opened_at)::date AS month,
       t.channel,
       count(*) AS tickets,
       count(*) FILTER (WHERE t.is_complaint) AS complaints,
       median_duration(t.first_response_at - t.opened_at) AS median_first_response,
       round(extract(epoch FROM median_duration(t.first_response_at - t.opened_at)), 3) AS median_first_response_s,
       duration_percentile(t.resolved_at - t.opened_at, 0.9) AS p90_resolution,
       round(extract(epoch FROM duration_percentile(t.resolved_at - t.opened_at, 0.9)), 3) AS p90_resolution_s,
       fcr_rate(t.contacts) AS fcr_pct,
       sla_rate(t.first_response_at - t.opened_at, s.first_response_target) AS sla_pct
  FROM crm.tickets AS t
  JOIN crm.sla_targets AS s USING (channel)
 GROUP BY 1, 2;
COMMENT ON VIEW crm.support_board IS 'one row per month and channel: tickets, complaints, first response and resolution times (interval and seconds), FCR and SLA attainment';

-- One row per active account: its health_score, built from NPS, the usage
-- trend, support load and the last renewal (missing data leaves the
-- component out rather than counting it as zero).
CREATE VIEW crm.account_health AS
WITH nps AS (
    SELECT customer_id, nps(score_summary(score)) AS nps
      FROM crm.surveys WHERE answered_at >= '2025-07-01' GROUP BY customer_id
), usage AS (
    -- weekly logins in December against October and November: fading usage comes before churn
    SELECT customer_id,
           avg(logins) FILTER (WHERE week >= '2025-12-01') / nullif(avg(logins) FILTER (WHERE week < '2025-12-01'), 0) AS trend
      FROM crm.product_usage WHERE week >= '2025-10-01' GROUP BY customer_id
), support AS (
    SELECT customer_id, count(*) AS tickets
      FROM crm.tickets WHERE opened_at >= '2025-10-01' GROUP BY customer_id
), renewal AS (
    SELECT DISTINCT ON (customer_id) customer_id, renewed
      FROM crm.renewals ORDER BY customer_id, due_on DESC
)
SELECT c.customer_id, c.name, c.segment,
       health_score_agg(m.name, m.value, m.weight) AS health
  FROM crm.customers AS c
  LEFT JOIN nps USING (customer_id)
  LEFT JOIN usage USING (customer_id)
  LEFT JOIN support USING (customer_id)
  LEFT JOIN renewal USING (customer_id)
  CROSS JOIN LATERAL (VALUES
        ('nps',     kpi_scale(nps.nps, -100, 100),                 2),
        ('usage',   kpi_scale(usage.trend, 0.6, 1.0),              3),
        ('support', kpi_scale(coalesce(support.tickets, 0), 12, 0), 1),
        ('renewal', CASE renewal.renewed WHEN true THEN 100 WHEN false THEN 0 END, 2)
       ) AS m(name, value, weight)
 WHERE c.churned_at IS NULL
 GROUP BY c.customer_id, c.name, c.segment;
COMMENT ON VIEW crm.account_health IS 'one row per active account: a health_score of NPS, usage trend, support load and renewal';

-- The board BI tools read: the score, its band, every component as a
-- plain number, and the component that hurts most.
CREATE VIEW crm.account_health_board AS
SELECT a.customer_id, a.name, a.segment,
       score(a.health) AS health_score,
       band(a.health) AS band,
       a.health -> 'nps' AS nps_component,
       a.health -> 'usage' AS usage_component,
       a.health -> 'support' AS support_component,
       a.health -> 'renewal' AS renewal_component,
       weakest.name AS hurts_most
  FROM crm.account_health AS a,
       LATERAL (SELECT name FROM components(a.health) ORDER BY (100 - value) * weight DESC, name LIMIT 1) AS weakest;
COMMENT ON VIEW crm.account_health_board IS 'one row per active account: health score and band, each component 0..100, and the component that hurts most';

-- The MRR waterfall at the customer grain from the subscription periods of
-- crm.subscriptions (plan changes, add-ons, lapses), with reactivation:
-- starting + new + expansion + reactivation - contraction - churned = ending
-- in every row.
CREATE VIEW crm.mrr_waterfall AS
SELECT w.period_start::date AS month, w.starting_mrr, w.new_mrr, w.expansion_mrr, w.contraction_mrr, w.churned_mrr,
       w.reactivation_mrr, w.ending_mrr, w.customers_start, w.new_customers, w.churned_customers,
       w.reactivated_customers, w.customers_end
  FROM (SELECT subscription_summary(customer_id, mrr, started_at, ended_at) AS s FROM crm.subscriptions) AS t,
       LATERAL mrr_movements(t.s, '2024-01-01', '2026-01-01') AS w;
COMMENT ON VIEW crm.mrr_waterfall IS 'one row per month: starting, new, expansion, contraction, churned, reactivation and ending MRR and the customer counts, from subscription periods';

-- One row per segment: the customer-base models next to the textbook CLV.
-- BG/NBD and Gamma-Gamma are fitted once over all customers (one row each,
-- derived from the orders by btyd_customer: purchase days, weeks, refunds
-- left out); then per segment the mean P(alive), the expected
-- purchases of the next 12 weeks, the mean 12-month (52-week) model CLV
-- discounted about 10 % a year, and clv() over the segment's orders.
CREATE VIEW crm.customer_value_board AS
WITH customers AS (
    SELECT customer_id, (btyd_customer(ordered_at::date, amount, '2026-01-01')).*
      FROM crm.orders WHERE amount > 0 AND ordered_at < '2026-01-01' GROUP BY customer_id
), models AS (
    SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg FROM customers
)
SELECT c.segment, count(*) AS customers,
       avg(p_alive(bg, x, t_x, t)) AS p_alive,
       sum(expected_purchases(bg, 12, x, t_x, t)) AS purchases_next_12_weeks,
       avg(clv(bg, gg, x, t_x, t, mean_value, 52, 0.0018)) AS model_clv_12_months,
       (SELECT clv(customer_id, amount, ordered_at) FROM crm.orders JOIN crm.customers USING (customer_id)
         WHERE segment = c.segment) AS textbook_clv
  FROM customers JOIN crm.customers AS c USING (customer_id), models
 GROUP BY c.segment;
COMMENT ON VIEW crm.customer_value_board IS 'one row per segment: mean P(alive), expected purchases in the next 12 weeks and mean 12-month CLV from BG/NBD and Gamma-Gamma, next to the textbook clv()';

-- Support in business hours of the office: per month and channel, the
-- mean first reply in calendar and in business time, the mean resolution
-- in business time, and SLA attainment against the per-priority
-- business-hour targets.  (The sample helpdesk answers around the clock, so
-- many tickets come and go while the office is closed: no business time.)
CREATE VIEW crm.support_business_hours_board AS
SELECT date_trunc('month', t.opened_at)::date AS month,
       t.channel,
       count(*) AS tickets,
       avg(t.first_response_at - t.opened_at) AS avg_first_response,
       avg(business_duration(t.opened_at, t.first_response_at, o.cal)) AS avg_first_response_business,
       round(extract(epoch FROM avg(business_duration(t.opened_at, t.first_response_at, o.cal))), 3) AS avg_first_response_business_s,
       avg(business_duration(t.opened_at, t.resolved_at, o.cal)) AS avg_resolution_business,
       round(extract(epoch FROM avg(business_duration(t.opened_at, t.resolved_at, o.cal))), 3) AS avg_resolution_business_s,
       sla_rate(business_duration(t.opened_at, t.first_response_at, o.cal), s.first_response_target) AS first_response_sla_pct,
       sla_rate(business_duration(t.opened_at, t.resolved_at, o.cal), s.resolution_target)
           FILTER (WHERE t.resolved_at IS NOT NULL) AS resolution_sla_pct
  FROM crm.tickets AS t
  JOIN crm.business_sla_targets AS s USING (priority, channel)
 CROSS JOIN crm.office_calendar AS o
 GROUP BY 1, 2;
COMMENT ON VIEW crm.support_business_hours_board IS 'one row per month and channel: mean first reply in calendar and business time, mean resolution in business time (interval and seconds), SLA attainment against the per-priority business-hour targets';
