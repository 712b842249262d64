-- Example views for BI tools over the sample CRM schema (test/sample-data.sql).
-- Every column has a plain SQL type that BI drivers map without casts:
-- date, text, bigint, numeric, double precision, interval.  Durations also
-- come as numeric seconds, because some drivers hand intervals over as text.

-- One row per month: survey scores, churn, revenue and funnel.
CREATE VIEW crm.monthly_kpi_board AS
WITH months AS (
    SELECT m::date AS month FROM generate_series(date '2024-02-01', date '2025-12-01', interval '1 month') AS m
), surveys AS (
    SELECT date_trunc('month', answered_at)::date AS month, score_summary(score) AS nps,
           csat_agg(csat) AS csat_pct, ces_agg(ces) AS ces
      FROM crm.surveys GROUP BY 1
), churn AS (
    SELECT months.month,
           churn_rate(c.signed_up_at, c.churned_at, months.month, months.month + interval '1 month') AS churn_pct
      FROM months CROSS JOIN crm.customers AS c GROUP BY months.month
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
