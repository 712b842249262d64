-- The KPI report over the sample CRM data set (test/sample-data.sql), in
-- plain SQL.  test/demo.sh runs it; each KPI family adds its section.
SET TimeZone = 'UTC';
\pset footer off

\echo
\echo '== Survey scores per month =='
\echo 'NPS with its 95 % confidence interval and the p-value that it moved since'
\echo 'the month before; CSAT = % of 4-5 answers on 1-5; CES = mean effort on 1-7'
WITH monthly AS (
    SELECT date_trunc('month', answered_at)::date AS month,
           score_summary(score) AS nps, csat_agg(csat) AS csat, ces_agg(ces) AS ces
      FROM crm.surveys
     GROUP BY 1
)
SELECT month,
       responses(nps) AS nps_answers,
       round(nps(nps)::numeric, 1) AS nps,
       round((nps_ci(nps))[1]::numeric, 1) AS ci_low,
       round((nps_ci(nps))[2]::numeric, 1) AS ci_high,
       round(nps_diff_pvalue(nps, lag(nps) OVER (ORDER BY month))::numeric, 3) AS p_moved,
       round(csat::numeric, 1) AS csat,
       round(ces::numeric, 2) AS ces
  FROM monthly
 ORDER BY month;

\echo
\echo '== Sentiment of survey comments per month and channel, beside NPS =='
\echo 'net sentiment = % positive - % negative comments (kpi_ext lexicons, language per comment)'
SELECT date_trunc('month', s.answered_at)::date AS month, s.channel,
       count(*) AS comments,
       round(net_sentiment(sentiment_summary(c.comment, c.language))::numeric, 1) AS net_sentiment,
       round(mean_sentiment(sentiment_summary(c.comment, c.language))::numeric, 3) AS mean_score,
       round(nps_agg(s.score)::numeric, 1) AS nps_of_commenters
  FROM crm.surveys AS s JOIN crm.survey_comments AS c USING (survey_id)
 WHERE s.answered_at >= timestamptz '2025-07-01 00:00+00'
 GROUP BY 1, 2
 ORDER BY 1, 2;

\echo
\echo '== Survey scores per channel, both years =='
SELECT channel,
       responses(s) AS nps_answers,
       round(nps(s)::numeric, 1) AS nps,
       round(nps_margin(s)::numeric, 1) AS margin_95,
       promoters(s), passives(s), detractors(s),
       round(csat::numeric, 1) AS csat,
       round(ces::numeric, 2) AS ces
  FROM (SELECT channel, score_summary(score) AS s, csat_agg(csat) AS csat, ces_agg(ces) AS ces
          FROM crm.surveys GROUP BY channel) AS by_channel
 ORDER BY channel;

\echo
\echo '== NPS per segment and quarter, rolled up from daily summaries =='
\echo 'Daily summaries are what a materialized view would store; rollup() merges them exactly.'
WITH daily AS (
    SELECT c.segment, s.answered_at::date AS day, score_summary(s.score) AS nps
      FROM crm.surveys s JOIN crm.customers c USING (customer_id)
     GROUP BY 1, 2
)
SELECT segment,
       to_char(date_trunc('quarter', day), 'YYYY-"Q"Q') AS quarter,
       responses(rollup(nps)) AS nps_answers,
       round(nps(rollup(nps))::numeric, 1) AS nps,
       round(nps_margin(rollup(nps))::numeric, 1) AS margin_95
  FROM daily
 GROUP BY segment, date_trunc('quarter', day)
 ORDER BY segment, quarter;

\echo
\echo '== Employee NPS per team and half-year =='
SELECT team,
       to_char(answered_at, 'YYYY') || '-H' || (1 + (extract(month FROM answered_at)::int - 1) / 6) AS half,
       count(score) AS answers,
       round(enps_agg(score)::numeric, 1) AS enps
  FROM crm.employee_surveys
 GROUP BY 1, 2
 ORDER BY 1, 2;

\echo
\echo '== Logo churn and retention per month =='
\echo 'Cohort: customers active on the first of the month; sign-ups during the month count from the next.'
SELECT month::date, round(m.churn::numeric, 2) AS churn, round(m.retention::numeric, 2) AS retention
  FROM generate_series(timestamptz '2024-02-01', '2025-12-01', interval '1 month') AS month,
       LATERAL (SELECT churn_rate(c.signed_up_at, c.churned_at, month, month + interval '1 month') AS churn,
                       retention_rate(c.signed_up_at, c.churned_at, month, month + interval '1 month') AS retention
                  FROM crm.customers AS c) AS m
 ORDER BY month;

\echo
\echo '== Renewal rate per quarter, with its 95 % Wilson interval =='
SELECT to_char(date_trunc('quarter', due_on), 'YYYY-"Q"Q') AS quarter,
       trials(s) AS up_for_renewal,
       round(rate(s)::numeric, 1) AS renewal_rate,
       round((rate_ci(s))[1]::numeric, 1) AS ci_low,
       round((rate_ci(s))[2]::numeric, 1) AS ci_high
  FROM (SELECT date_trunc('quarter', due_on) AS due_on, rate_summary(renewed) AS s
          FROM crm.renewals GROUP BY 1) AS q
 ORDER BY quarter;

\echo
\echo '== Lead conversion by source =='
\echo 'p_vs_rest: is this source really different from all the others?'
WITH by_source AS (
    SELECT source, rate_summary(converted_at IS NOT NULL) AS s FROM crm.leads GROUP BY source
)
SELECT source,
       trials(s) AS leads,
       hits(s) AS converted,
       round(rate(s)::numeric, 1) AS conversion_rate,
       round(rate_diff_pvalue(s, (SELECT rollup(o.s) FROM by_source o WHERE o.source <> b.source))::numeric, 4) AS p_vs_rest
  FROM by_source b
 ORDER BY conversion_rate DESC;

\echo
\echo '== First-contact resolution and SLA attainment per channel =='
\echo 'SLA: first response within the channel target (chat 15 s, phone 60 s, email 4 h)'
SELECT t.channel,
       count(*) AS tickets,
       round(fcr_rate(t.contacts) FILTER (WHERE t.resolved_at IS NOT NULL)::numeric, 1) AS fcr,
       round(sla_rate(t.first_response_at - t.opened_at, s.first_response_target)::numeric, 1) AS sla_attainment,
       round(resolution_rate(t.resolved_at IS NOT NULL)::numeric, 1) AS resolved
  FROM crm.tickets AS t
  JOIN crm.sla_targets AS s USING (channel)
 GROUP BY t.channel
 ORDER BY t.channel;

\echo
\echo '== Support in business hours (Jakarta office, Mon-Fri 08:00-17:00 WIB, national holidays and cuti bersama) =='
\echo 'first reply in calendar and in business time; SLA: within the business-hour target of the ticket''s priority and channel'
SELECT t.channel,
       date_trunc('month', t.opened_at)::date AS month,
       count(*) AS tickets,
       avg(t.first_response_at - t.opened_at)::interval(0) AS first_reply_calendar,
       avg(business_duration(t.opened_at, t.first_response_at, o.cal))::interval(0) AS first_reply_business,
       round(sla_rate(business_duration(t.opened_at, t.first_response_at, o.cal), s.first_response_target)::numeric, 1) AS first_reply_sla,
       round((sla_rate(business_duration(t.opened_at, t.resolved_at, o.cal), s.resolution_target)
                  FILTER (WHERE t.resolved_at IS NOT NULL))::numeric, 1) AS resolution_sla
  FROM crm.tickets AS t
  JOIN crm.business_sla_targets AS s USING (priority, channel)
 CROSS JOIN crm.office_calendar AS o
 WHERE t.opened_at >= '2025-01-01'
 GROUP BY 1, 2
 ORDER BY 1, 2;

\echo
\echo '== Response and resolution times per channel and month =='
\echo 'median and 90th percentile (within 1 %, shown to the second)'
SELECT t.channel,
       date_trunc('month', t.opened_at)::date AS month,
       count(*) AS tickets,
       median_duration(t.first_response_at - t.opened_at)::interval(0) AS median_first_response,
       duration_percentile(t.first_response_at - t.opened_at, 0.9)::interval(0) AS p90_first_response,
       median_duration(t.resolved_at - t.opened_at)::interval(0) AS median_resolution,
       duration_percentile(t.resolved_at - t.opened_at, 0.9)::interval(0) AS p90_resolution
  FROM crm.tickets AS t
 GROUP BY 1, 2
 ORDER BY 1, 2;

\echo
\echo '== Time to first value per sign-up cohort (quarter) =='
SELECT to_char(date_trunc('quarter', signed_up_at), 'YYYY-"Q"Q') AS cohort,
       count(*) AS customers,
       round(100.0 * count(first_value_at) / count(*), 1) AS reached_value_pct,
       median_duration(first_value_at - onboarded_at)::interval(0) AS median_ttv,
       duration_percentile(first_value_at - onboarded_at, 0.9)::interval(0) AS p90_ttv
  FROM crm.customers
 WHERE signed_up_at >= '2024-01-01'
 GROUP BY date_trunc('quarter', signed_up_at)
 ORDER BY cohort;

\echo
\echo '== Customer lifetime value per segment (one-off orders, refunds included) =='
\echo 'aov = average order value; frequency = orders per customer per year; lifespan in years'
\echo 'clv can be below revenue_per_customer: its lifespan is how long customers have been seen buying so far'
SELECT c.segment,
       customers(s),
       revenue(s),
       round(avg_purchase_value(s), 2) AS aov,
       round(revenue_per_customer(s), 2) AS revenue_per_customer,
       round(purchase_frequency(s), 2) AS frequency,
       round(avg_lifespan(s), 2) AS lifespan,
       round(clv(s), 2) AS clv
  FROM (SELECT c.segment, clv_summary(o.customer_id, o.amount, o.ordered_at) AS s
          FROM crm.orders AS o JOIN crm.customers AS c USING (customer_id)
         GROUP BY c.segment) AS c
 ORDER BY clv DESC;

\echo
\echo '== Churn-aware CLV per segment: BG/NBD and Gamma-Gamma next to the textbook CLV =='
\echo 'p_alive = mean probability that a customer is still active; purchases in the next 12 weeks;'
\echo 'clv_52_weeks = expected spend over the next 52 weeks, discounted ~10 % a year (refunds left out)'
WITH customers AS (
    SELECT customer_id, (btyd_customer(ordered_at::date, amount, '2026-01-01')).*
      FROM crm.orders WHERE amount > 0 AND ordered_at < '2026-01-01' GROUP BY customer_id
), models AS (
    SELECT bgnbd_fit(x, t_x, t) AS bg, gamma_gamma_fit(x, mean_value) AS gg FROM customers
)
SELECT c.segment, count(*) AS customers,
       round(avg(p_alive(bg, x, t_x, t))::numeric, 2) AS p_alive,
       round(sum(expected_purchases(bg, 12, x, t_x, t))::numeric, 1) AS purchases_next_12_weeks,
       round(avg(clv(bg, gg, x, t_x, t, mean_value, 52, 0.0018))::numeric, 2) AS clv_52_weeks,
       (SELECT round(clv(customer_id, amount, ordered_at), 2) FROM crm.orders JOIN crm.customers USING (customer_id)
         WHERE segment = c.segment) AS textbook_clv
  FROM customers JOIN crm.customers c USING (customer_id), models
 GROUP BY c.segment ORDER BY clv_52_weeks DESC;

\echo
\echo '== Projected retention of the January 2024 subscription cohort (sBG) =='
WITH cohort AS (
    SELECT period, count(*) FILTER (WHERE churned_at IS NULL OR churned_at >= timestamptz '2024-01-01' + make_interval(months => period)) AS alive
      FROM crm.customers, generate_series(0, 23) AS period
     WHERE signed_up_at >= '2024-01-01' AND signed_up_at < '2024-02-01'
     GROUP BY period
), model AS (SELECT sbg_fit(period, alive) AS m FROM cohort)
SELECT month, (SELECT alive FROM cohort WHERE period = month) AS alive,
       round((customers(m) * survival(m, month))::numeric) AS projected,
       round(retention_rate(m, month)::numeric, 3) AS retention
  FROM model, generate_series(6, 36, 6) AS month;

\echo
\echo '== MRR movements per month, with net and gross revenue retention =='
WITH months AS (
    SELECT m::date AS month FROM generate_series(date '2024-02-01', date '2025-12-01', interval '1 month') AS m
), movements AS (
    -- each customer's MRR in the month before and in the month: NULL when not subscribed
    SELECT months.month, prev.mrr AS prev_mrr, curr.mrr AS curr_mrr
      FROM months
      JOIN crm.mrr_monthly AS any_month
        ON any_month.month IN (months.month, (months.month - interval '1 month')::date)
      LEFT JOIN crm.mrr_monthly AS prev
        ON prev.customer_id = any_month.customer_id AND prev.month = (months.month - interval '1 month')::date
      LEFT JOIN crm.mrr_monthly AS curr
        ON curr.customer_id = any_month.customer_id AND curr.month = months.month
     WHERE any_month.month = coalesce(prev.month, curr.month)   -- one row per customer and month
)
SELECT month, starting_mrr(s) AS starting, new_mrr(s) AS new, expansion_mrr(s) AS expansion,
       contraction_mrr(s) AS contraction, churned_mrr(s) AS churned, ending_mrr(s) AS ending,
       round(nrr(s)::numeric, 1) AS nrr_pct, round(grr(s)::numeric, 1) AS grr_pct
  FROM (SELECT month, mrr_summary(prev_mrr, curr_mrr) AS s FROM movements GROUP BY month) AS t
 ORDER BY month;

\echo
\echo '== Customer acquisition cost per quarter (all marketing and sales spend / new customers) =='
SELECT to_char(spend.quarter, 'YYYY-"Q"Q') AS quarter, spend.total AS spend, won.customers AS new_customers,
       round(cac(spend.total, won.customers), 2) AS cac
  FROM (SELECT quarter, sum(amount) AS total FROM crm.marketing_spend GROUP BY quarter) AS spend
  JOIN LATERAL (SELECT count(*) AS customers FROM crm.customers
                 WHERE signed_up_at >= spend.quarter AND signed_up_at < spend.quarter + interval '3 months') AS won ON true
 ORDER BY spend.quarter;

\echo
\echo '== Account health: bands per segment (NPS, usage trend, support load, renewal; view crm.account_health) =='
SELECT segment,
       count(*) FILTER (WHERE band(health) = 'red') AS red,
       count(*) FILTER (WHERE band(health) = 'yellow') AS yellow,
       count(*) FILTER (WHERE band(health) = 'green') AS green,
       round(avg(score(health))::numeric, 1) AS avg_score
  FROM crm.account_health
 GROUP BY segment
 ORDER BY segment;

\echo
\echo '== The ten least healthy accounts and the component that hurts most =='
SELECT customer_id, name, segment, round(health_score::numeric, 1) AS score, band,
       hurts_most, round(nps_component::numeric) AS nps, round(usage_component::numeric) AS usage,
       round(support_component::numeric) AS support, round(renewal_component::numeric) AS renewal
  FROM crm.account_health_board
 ORDER BY health_score, customer_id
 LIMIT 10;

\echo
\echo '== MRR waterfall of 2025 from subscription periods, with reactivation (view crm.mrr_waterfall) =='
SELECT to_char(month, 'YYYY-MM') AS month, starting_mrr, new_mrr, expansion_mrr, contraction_mrr, churned_mrr,
       reactivation_mrr, ending_mrr, customers_end
  FROM crm.mrr_waterfall WHERE month >= '2025-01-01' AND month < '2026-01-01'
 ORDER BY month;

\echo
\echo '== Cohort triangle: percent of each quarter''s new customers still paying at the end of their n-th quarter after it =='
\echo '   (cohorts from 2024 on; the sample ends with 2025: later quarter ends are left out)'
SELECT to_char(cohort, 'YYYY-"Q"Q') AS cohort, max(customers) AS customers,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 0) / max(customers), 1) AS q0,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 1) / max(customers), 1) AS q1,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 2) / max(customers), 1) AS q2,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 3) / max(customers), 1) AS q3,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 4) / max(customers), 1) AS q4,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 5) / max(customers), 1) AS q5,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 6) / max(customers), 1) AS q6,
       round(100.0 * max(retained_customers) FILTER (WHERE age = 7) / max(customers), 1) AS q7
  FROM cohort_retention((SELECT subscription_summary(customer_id, mrr, started_at, ended_at) FROM crm.subscriptions),
                        '3 months', '2021-01-01')
 WHERE cohort >= '2024-01-01' AND cohort + (age + 1) * interval '3 months' <= '2026-01-01'
 GROUP BY cohort ORDER BY cohort;

\echo
\echo '== Requester wait time per channel and month (time in pending, tickets solved in the second half of 2025) =='
\echo 'minutes in calendar time, and in business hours of the office calendar (Mon-Fri 08:00-17:00 Asia/Jakarta with the 2024-2025 holidays, crm.office_calendar)'
WITH histories AS (
    SELECT ticket_id, status_summary(status, changed_at) AS h FROM crm.ticket_status_changes GROUP BY ticket_id
), waits AS (
    SELECT t.channel, date_trunc('month', t.resolved_at AT TIME ZONE 'Asia/Jakarta') AS month,
           time_in_status(h, 'pending') AS waited, time_in_status(h, 'pending', cal => o.cal) AS waited_business
      FROM crm.tickets AS t JOIN histories USING (ticket_id) CROSS JOIN crm.office_calendar AS o
     WHERE t.resolved_at >= '2025-07-01 00:00+07' AND t.resolved_at < '2026-01-01 00:00+07'
)
SELECT to_char(month, 'YYYY-MM') AS month, channel, count(*) AS solved,
       round(100.0 * count(*) FILTER (WHERE waited > '0') / count(*), 1) AS pct_waited,
       round(extract(epoch FROM avg(waited)) / 60, 1) AS mean_min,
       round(extract(epoch FROM duration_percentile(waited, 0.9)) / 60, 1) AS p90_min,
       round(extract(epoch FROM avg(waited_business)) / 60, 1) AS mean_business_min,
       round(extract(epoch FROM duration_percentile(waited_business, 0.9)) / 60, 1) AS p90_business_min
  FROM waits GROUP BY month, channel ORDER BY month, channel;
