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
