-- Seed values for the fuzz corpus, one row per seed: the target type, a
-- file name, and the value's text and binary forms as hex.  Most are built
-- by the aggregates, as users build them; literals cover the corners the
-- aggregates rarely reach.  test/fuzz/make-corpus.sh runs this.
WITH seeds(type, label, text_form, binary_form) AS (
  SELECT 'score_summary', label, s::text, score_summary_send(s)
    FROM (VALUES
      ('empty', 'v1'::score_summary),
      ('nps', (SELECT score_summary(x) FROM generate_series(0, 10) AS x)),
      ('nps_skewed', (SELECT score_summary(x % 11) FROM generate_series(1, 500) AS x WHERE x % 7 <> 0)),
      ('csat_scale', 'v1 scale=5 1:2 4:9 5:30'::score_summary),
      ('ces_scale', 'v1 scale=7 1:1 7:1'::score_summary),
      ('max_count', 'v1 10:9223372036854775807'::score_summary)) AS v(label, s)
  UNION ALL
  SELECT 'rate_summary', label, s::text, rate_summary_send(s)
    FROM (VALUES
      ('empty', 'v1 0/0'::rate_summary),
      ('churn', (SELECT rate_summary(x % 3 = 0) FROM generate_series(1, 100) AS x)),
      ('all_hits', 'v1 12/12'::rate_summary),
      ('max', 'v1 9223372036854775807/9223372036854775807'::rate_summary)) AS v(label, s)
  UNION ALL
  SELECT 'duration_summary', label, s::text, duration_summary_send(s)
    FROM (VALUES
      ('empty', 'v1'::duration_summary),
      ('one', (SELECT duration_summary(interval '90 seconds'))),
      ('one_bucketed', 'v1 count=1 sum=90.000000 min=90.000000 max=90.000000 1365:1'::duration_summary),
      ('small', (SELECT duration_summary(x * interval '1 microsecond') FROM generate_series(0, 70) AS x)),
      ('sparse', (SELECT duration_summary(x * x * x * interval '1 second') FROM generate_series(1, 60) AS x)),
      ('dense', (SELECT duration_summary(x * interval '1 millisecond') FROM generate_series(1000, 3000, 3) AS x)),
      ('huge', (SELECT duration_summary(d) FROM (VALUES (interval '1000 years'), (interval '0')) AS v(d))),
      ('exact', (SELECT duration_summary(x * x * interval '1 second') FROM generate_series(1, 55) AS x)),
      ('exact_percentile', duration_summary_add('v1', '90 s', 0.95)),
      ('percentile', replace((SELECT duration_summary(x * interval '1 minute') FROM generate_series(1, 60) AS x)::text,
                             'v1 ', 'v1 p=0.95 ')::duration_summary)) AS v(label, s)
  UNION ALL
  SELECT 'clv_summary', label, s::text, clv_summary_send(s)
    FROM (VALUES
      ('empty_integer', 'v1 integer scale=0'::clv_summary),
      ('integer', (SELECT clv_summary(c, a, t)
                     FROM (VALUES (17, 100.00, timestamptz '2024-01-03 10:00Z'), (17, 50.5, '2024-03-01 00:00Z'),
                                  (-3, 0, '1999-12-31 23:59:59.5Z'), (2147483647, -12.345, '2000-01-01Z')) AS v(c, a, t))),
      ('bigint', (SELECT clv_summary(c::bigint, a, t)
                    FROM (VALUES (-9223372036854775808, 1, timestamptz '0001-01-01 00:00Z'),
                                 (9223372036854775807, 2, '9999-12-31 23:59:59.999999Z')) AS v(c, a, t))),
      ('text', (SELECT clv_summary(c, a, t)
                  FROM (VALUES ('alice', 10.0, timestamptz '2024-02-29 12:00Z'), ('say "hi"', 1, '2023-01-01Z'),
                               ('', 3, '2023-06-01Z'), ('Zoë ☃', 7.25, '2020-02-29Z'), ('alice', 1, '2024-03-01Z')) AS v(c, a, t))),
      ('uuid', (SELECT clv_summary(c::uuid, a, t)
                  FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 99.99, timestamptz '2024-01-01Z'),
                               ('00000000-0000-0000-0000-000000000000', 0.01, '2024-01-02Z')) AS v(c, a, t))),
      ('wide_scale', 'v1 integer scale=38; 1 purchases=1 revenue=-1.00000000000000000000000000000000000001 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'::clv_summary),
      ('many', (SELECT clv_summary(x % 40, x, timestamptz '2024-01-01Z' + x * interval '1 hour')
                  FROM generate_series(1, 200) AS x))) AS v(label, s)
  UNION ALL
  SELECT 'mrr_summary', label, s::text, mrr_summary_send(s)
    FROM (VALUES
      ('empty', 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'::mrr_summary),
      ('movements', (SELECT mrr_summary(p, c)
                       FROM (VALUES (0, 100.00), (100, 150), (200, 120.5), (80, 0), (50, 50), (0, 0)) AS v(p, c))),
      ('wide_scale', (SELECT mrr_summary(p, c)
                        FROM (VALUES (0.000000000000000000000000000001, 1), (5, 0)) AS v(p, c)))) AS v(label, s)
  UNION ALL
  SELECT 'subscription_summary', label, s::text, subscription_summary_send(s)
    FROM (VALUES
      ('empty_integer', 'v1 integer scale=0'::subscription_summary),
      ('integer', (SELECT subscription_summary(c, m, f, t)
                     FROM (VALUES (17, 100.00, timestamptz '2024-01-03 10:00Z', timestamptz '2024-03-01 00:00Z'),
                                  (17, 50.5, '2024-02-01 00:00Z', NULL), (-3, 1, '1999-12-31 23:59:59.5Z', '2000-01-01Z'),
                                  (2147483647, 12.345, '2000-01-01Z', NULL)) AS v(c, m, f, t))),
      ('bigint', (SELECT subscription_summary(c::bigint, m, f, t)
                    FROM (VALUES (-9223372036854775808, 1, timestamptz '0001-01-01 00:00Z', timestamptz '9999-12-31 23:59:59.999999Z'),
                                 (9223372036854775807, 2, '2024-01-01Z', NULL)) AS v(c, m, f, t))),
      ('text', (SELECT subscription_summary(c, m, f, t)
                  FROM (VALUES ('alice', 10.0, timestamptz '2024-02-29 12:00Z', NULL::timestamptz), ('say "hi"', 1, '2023-01-01Z', '2023-02-01Z'),
                               ('', 3, '2023-06-01Z', NULL), ('Zoë ☃', 7.25, '2020-02-29Z', '2021-01-01Z'), ('alice', 1, '2024-03-01Z', NULL)) AS v(c, m, f, t))),
      ('uuid', (SELECT subscription_summary(c::uuid, m, f, t)
                  FROM (VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 99.99, timestamptz '2024-01-01Z', NULL::timestamptz),
                               ('00000000-0000-0000-0000-000000000000', 0.01, '2024-01-02Z', '2024-02-02Z')) AS v(c, m, f, t))),
      ('wide_scale', 'v1 integer scale=38; 1 2024-01-01T00:00:00Z=1.00000000000000000000000000000000000001'::subscription_summary),
      ('many', (SELECT subscription_summary(x % 40, x, timestamptz '2024-01-01Z' + x * interval '1 hour',
                                            CASE WHEN x % 3 > 0 THEN timestamptz '2024-01-01Z' + x * interval '1 day' END)
                  FROM generate_series(1, 200) AS x))) AS v(label, s)
  UNION ALL
  SELECT 'status_summary', label, s::text, status_summary_send(s)
    FROM (VALUES
      ('one', 'v1 2024-01-01T00:00:00Z "open"'::status_summary),
      ('ticket', (SELECT status_summary(s, t)
                    FROM (VALUES ('new', timestamptz '2024-01-03 10:00Z'), ('open', '2024-01-03 10:05:00.5Z'),
                                 ('pending', '2024-01-04 09:00Z'), ('open', '2024-01-05 08:00Z'), ('solved', '2024-01-05 08:00Z')) AS v(s, t))),
      ('quoted', 'v1 0001-01-01T00:00:00Z "", 0001-01-01T00:00:00Z "say ""hi""", 9999-12-31T23:59:59.999999Z "Zoë ☃"'::status_summary),
      ('many', (SELECT status_summary('s' || x % 7, timestamptz '2024-01-01Z' + (x / 3) * interval '1 hour')
                  FROM generate_series(1, 200) AS x))) AS v(label, s)
  UNION ALL
  SELECT 'business_calendar', label, s::text, business_calendar_send(s)
    FROM (VALUES
      ('office', business_calendar('Asia/Jakarta', 'mon-fri 08:00-17:00', '{2025-03-31,2025-04-01,2024-02-29}')),
      ('night', business_calendar('Europe/Berlin', 'fri 22:00-02:00; mon-thu 08:00-12:00,13:00-17:00; sun 01:00-04:00')),
      ('always', business_calendar('UTC', '24/7', '{0001-01-01,9999-12-31}')),
      ('shifts', business_calendar('Australia/Lord_Howe', 'sun-sat 00:00-00:01,23:59-24:00; wed 09:00-17:00')),
      ('kathmandu', 'v1 Asia/Kathmandu [sun-fri 10:00-17:00] {2025-02-26}'::business_calendar),
      ('half_days', business_calendar('Europe/Berlin', 'mon-fri 08:00-17:00; sun 00:00-24:00', '{2025-12-25}',
                                      '2025-12-24 12:00-24:00; 2025-03-28 08:00-09:00,13:00-17:00; 2025-10-26 01:00-04:00; 0001-01-01 00:00-00:01; 9999-12-31 23:59-24:00'))) AS v(label, s)
  UNION ALL
  SELECT 'health_score', label, s::text, health_score_send(s)
    FROM (VALUES
      ('one', 'v1 usage=80 weight=1'::health_score),
      ('quoted', 'v1 "Product usage"=55.25 weight=1, "say ""hi"""=0 weight=0.1, _x9=-0 weight=3'::health_score),
      ('unicode', 'v1 "Zufriedenheit ☺"=99.99 weight=1e-300, z=100 weight=1.7976931348623157e308'::health_score),
      ('agg', (SELECT health_score_agg('c' || x, x * 3.0, x) FROM generate_series(1, 32) AS x))) AS v(label, s)
  UNION ALL
  SELECT 'btyd_summary', label, s::text, btyd_summary_send(s)
    FROM (VALUES
      ('bgnbd', 'v1 bgnbd rows=4; x=0 t_x=0 t=10.5 n=1; x=2 t_x=4.25 t=9.5 n=2; x=7 t_x=1e-3 t=1e300 n=1'::btyd_summary),
      ('pareto_nbd', 'v1 pareto_nbd rows=0'::btyd_summary),
      ('gamma_gamma', 'v1 gamma_gamma rows=9223372036854775807; x=3 mean_value=25.5 n=9223372036854775807'::btyd_summary),
      ('sbg', 'v1 sbg rows=18; period=0 alive=10; period=1 alive=8; period=2147483647 alive=0'::btyd_summary),
      ('gridded', 'v1 bgnbd rows=4 gridded; x=0 t_x=0 t=10.0625 n=1 t_x_offset=0 t_offset=4; x=2 t_x=4.03125 t=9.5625 n=3 t_x_offset=65539 t_offset=0'::btyd_summary),
      ('coarse', 'v2 bgnbd rows=5 gridded bits=4; x=2 t_x=30.5 t=39 n=5 t_x_offset=1200 t_offset=9000'::btyd_summary)) AS v(label, s)
  UNION ALL
  SELECT 'btyd_purchases', label, s::text, btyd_purchases_send(s)
    FROM (VALUES
      ('empty', 'v1 end=2024-03-31 unit=604800000000 scale=0'::btyd_purchases),
      ('days', 'v1 end=2024-03-31 unit=86400000000 scale=2; 2024-01-01=12.50 2024-01-15=0.00 2024-03-31=7.25'::btyd_purchases),
      ('range', 'v1 end=9999-12-31 unit=1 scale=38; 0001-01-01=1.00000000000000000000000000000000000001'::btyd_purchases),
      ('wide', 'v1 end=2024-03-31 unit=9223372036854775807 scale=0; 2024-01-01=170141183460469231731687303715884105727'::btyd_purchases)) AS v(label, s)
  UNION ALL
  SELECT 'bgnbd_model', label, s::text, bgnbd_model_send(s)
    FROM (VALUES
      ('cdnow', 'v1 r=0.2425945402882408 alpha=4.413602067523222 a=0.7929219816037266 b=2.425906855078291 log_likelihood=-9582.429206673916 customers=2357 iterations=332 converged=true'::bgnbd_model),
      ('not_converged', 'v1 r=1e-300 alpha=1.7976931348623157e308 a=1 b=1 log_likelihood=-0 customers=0 iterations=2147483647 converged=false'::bgnbd_model)) AS v(label, s)
  UNION ALL
  SELECT 'pareto_nbd_model', 'cdnow', s::text, pareto_nbd_model_send(s)
    FROM (VALUES ('v1 r=0.55 alpha=10.58 s=0.61 beta=11.67 log_likelihood=-9595 customers=2357 iterations=0 converged=false'::pareto_nbd_model)) AS v(s)
  UNION ALL
  SELECT 'gamma_gamma_model', 'cdnow', s::text, gamma_gamma_model_send(s)
    FROM (VALUES ('v1 p=6.25 q=3.74 v=15.44 log_likelihood=4055.9 customers=946 iterations=12 converged=true'::gamma_gamma_model)) AS v(s)
  UNION ALL
  SELECT 'sentiment_summary', label, s::text, sentiment_summary_send(s)
    FROM (VALUES
      ('empty', 'v1 0/0/0 0'::sentiment_summary),
      ('comments', (SELECT sentiment_summary(c, 'auto')
                      FROM (VALUES ('enak banget!'), ('tidak enak'), ('great service 😍'), ('biasa'), ('kecewa, lambat')) AS v(c))),
      ('all_negative', 'v1 0/0/5 -5'::sentiment_summary),
      ('max_texts', 'v1 9223372036854775807/0/0 9223372036.854775807'::sentiment_summary)) AS v(label, s)
  UNION ALL
  SELECT 'sbg_model', 'regular', s::text, sbg_model_send(s)
    FROM (VALUES ('v1 alpha=0.704 beta=1.182 log_likelihood=-1680.27 customers=1000 iterations=128 converged=true'::sbg_model)) AS v(s)
)
SELECT type, label, encode(convert_to(text_form, 'UTF8'), 'hex'), encode(binary_form, 'hex')
  FROM seeds
 ORDER BY type, label;
