--------------------------------------------------------------------------------
-- Rates: rate_summary, churn, retention, renewal, conversion, FCR, SLA, CTR
--------------------------------------------------------------------------------

CREATE TYPE rate_summary;

CREATE FUNCTION rate_summary_in(cstring) RETURNS rate_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rate_summary_out(rate_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rate_summary_recv(internal) RETURNS rate_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION rate_summary_send(rate_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_in(cstring) IS 'reads the text form of rate_summary';
COMMENT ON FUNCTION rate_summary_out(rate_summary) IS 'writes the text form of rate_summary';
COMMENT ON FUNCTION rate_summary_recv(internal) IS 'reads the binary form of rate_summary';
COMMENT ON FUNCTION rate_summary_send(rate_summary) IS 'writes the binary form of rate_summary';

CREATE TYPE rate_summary (
    INPUT = rate_summary_in,
    OUTPUT = rate_summary_out,
    RECEIVE = rate_summary_recv,
    SEND = rate_summary_send,
    INTERNALLENGTH = 24,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE rate_summary IS
    'hits out of trials; text form "v1 hits/trials"; build with rate_summary(hit) or any rate aggregate''s state, merge with rollup()';

-- Transition and inverse transition functions: how a row counts.

CREATE FUNCTION rate_summary_add(rate_summary, boolean) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_add_hit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_add(rate_summary, boolean) IS 'transition function: a TRUE row is a hit';
CREATE FUNCTION rate_summary_remove(rate_summary, boolean) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_remove_hit' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_remove(rate_summary, boolean) IS 'inverse transition function (moving windows): a TRUE row is a hit';
CREATE FUNCTION rate_summary_add_fcr(rate_summary, integer) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_add_fcr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_add_fcr(rate_summary, integer) IS 'transition function: an issue solved in one contact is a hit (fcr_rate)';
CREATE FUNCTION rate_summary_remove_fcr(rate_summary, integer) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_remove_fcr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_remove_fcr(rate_summary, integer) IS 'inverse transition function (moving windows): an issue solved in one contact is a hit (fcr_rate)';
CREATE FUNCTION rate_summary_add_sla(rate_summary, interval, interval) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_add_sla' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_add_sla(rate_summary, interval, interval) IS 'transition function: a row whose actual time is within its target is a hit (sla_rate)';
CREATE FUNCTION rate_summary_remove_sla(rate_summary, interval, interval) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_remove_sla' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_remove_sla(rate_summary, interval, interval) IS 'inverse transition function (moving windows): a row whose actual time is within its target is a hit (sla_rate)';
CREATE FUNCTION rate_summary_add_ctr(rate_summary, bigint, bigint) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_add_ctr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_add_ctr(rate_summary, bigint, bigint) IS 'transition function: clicks are hits out of impressions (ctr)';
CREATE FUNCTION rate_summary_remove_ctr(rate_summary, bigint, bigint) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_remove_ctr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_remove_ctr(rate_summary, bigint, bigint) IS 'inverse transition function (moving windows): clicks are hits out of impressions (ctr)';
CREATE FUNCTION rate_summary_add_churn(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_add_churn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_add_churn(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) IS 'transition function: a customer active at period_start who churned by period_end is a hit (churn_rate)';
CREATE FUNCTION rate_summary_remove_churn(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_remove_churn' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_remove_churn(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) IS 'inverse transition function (moving windows): a customer active at period_start who churned by period_end is a hit (churn_rate)';
CREATE FUNCTION rate_summary_add_retention(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_add_retention' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_add_retention(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) IS 'transition function: a customer active at period_start and still active at period_end is a hit (retention_rate)';
CREATE FUNCTION rate_summary_remove_retention(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) RETURNS rate_summary
    AS 'MODULE_PATHNAME', 'rate_summary_remove_retention' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_remove_retention(rate_summary, timestamptz, timestamptz, timestamptz, timestamptz) IS 'inverse transition function (moving windows): a customer active at period_start and still active at period_end is a hit (retention_rate)';

CREATE FUNCTION rate_summary_merge(rate_summary, rate_summary) RETURNS rate_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_merge(rate_summary, rate_summary) IS
    'adds the second summary to the first (rollup transition, combine function of every rate aggregate)';
CREATE FUNCTION rate_summary_unmerge(rate_summary, rate_summary) RETURNS rate_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_unmerge(rate_summary, rate_summary) IS
    'removes the second summary from the first (rollup inverse transition, moving windows)';
CREATE FUNCTION rate_summary_final(rate_summary) RETURNS rate_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_summary_final(rate_summary) IS
    'final function of rate_summary(hit): NULL for a group without rows';

-- Accessors

CREATE FUNCTION hits(s rate_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'rate_summary_hits' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION hits(rate_summary) IS 'number of hits (churned, renewed, converted, clicked, ...)';
CREATE FUNCTION trials(s rate_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'rate_summary_trials' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION trials(rate_summary) IS 'number of trials (customers, contracts, leads, impressions, ...)';
CREATE FUNCTION rate(s rate_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'rate_summary_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate(rate_summary) IS '100 * hits / trials, in percent; NULL without trials';
CREATE FUNCTION rate_ci(s rate_summary, confidence double precision DEFAULT 0.95) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'rate_summary_rate_ci' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_ci(rate_summary, double precision) IS 'Wilson score interval {low, high} of the rate, in percent';
CREATE FUNCTION rate_diff_pvalue(a rate_summary, b rate_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'rate_summary_rate_diff_pvalue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION rate_diff_pvalue(rate_summary, rate_summary) IS 'two-sided p-value of the pooled two-proportion z-test that the rates of a and b differ';
CREATE FUNCTION retention_rate(customers_start bigint, customers_end bigint, new_customers bigint) RETURNS double precision
    AS 'MODULE_PATHNAME', 'retention_rate_from_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_rate(bigint, bigint, bigint) IS 'customer retention rate (E - N) / S * 100 from customers at start S, at end E and new customers N; NULL when S = 0';

-- Aggregates: every named rate is the same state with its own way of
-- counting a row, and rate() as the final function.

--@ each name               | args                                                                                              | sfunc                      | minvfunc                      | final              | comment
--@      rate_summary       | hit boolean                                                                                       | rate_summary_add           | rate_summary_remove           | rate_summary_final | summary of hits out of non-NULL rows, for rollup() and the accessors
--@      churn_rate         | churned boolean                                                                                   | rate_summary_add           | rate_summary_remove           | rate               | churn rate: percent of customers (rows) that churned (TRUE among non-NULL rows)
--@      renewal_rate       | renewed boolean                                                                                   | rate_summary_add           | rate_summary_remove           | rate               | renewal rate: percent of contracts up for renewal that renewed (TRUE among non-NULL rows)
--@      conversion_rate    | converted boolean                                                                                 | rate_summary_add           | rate_summary_remove           | rate               | conversion rate: percent of leads or opportunities that converted (TRUE among non-NULL rows)
--@      resolution_rate    | resolved boolean                                                                                  | rate_summary_add           | rate_summary_remove           | rate               | resolution rate: percent of issues resolved (TRUE among non-NULL rows)
--@      response_rate      | responded boolean                                                                                 | rate_summary_add           | rate_summary_remove           | rate               | response rate: percent of outbound contacts that got a reply (TRUE among non-NULL rows)
--@      opt_out_rate       | opted_out boolean                                                                                 | rate_summary_add           | rate_summary_remove           | rate               | opt-out rate: percent of customers reached who opted out (TRUE among non-NULL rows)
--@      support_usage_rate | used boolean                                                                                      | rate_summary_add           | rate_summary_remove           | rate               | support usage rate: percent of customers who used the support system (TRUE among non-NULL rows)
--@      fcr_rate           | contacts integer                                                                                  | rate_summary_add_fcr       | rate_summary_remove_fcr       | rate               | first-contact resolution: percent of issues solved at the first contact (contacts = 1)
--@      sla_rate           | actual interval, target interval                                                                  | rate_summary_add_sla       | rate_summary_remove_sla       | rate               | SLA attainment: percent of rows whose actual time is within their target
--@      ctr                | clicks bigint, impressions bigint                                                                 | rate_summary_add_ctr       | rate_summary_remove_ctr       | rate               | click-through rate: 100 * sum(clicks) / sum(impressions)
--@      churn_rate         | active_from timestamptz, churned_at timestamptz, period_start timestamptz, period_end timestamptz | rate_summary_add_churn     | rate_summary_remove_churn     | rate               | logo churn over a period: percent of customers active at period_start who churned by period_end
--@      retention_rate     | active_from timestamptz, churned_at timestamptz, period_start timestamptz, period_end timestamptz | rate_summary_add_retention | rate_summary_remove_retention | rate               | retention over a period: percent of customers active at period_start still active at period_end
CREATE AGGREGATE {name}({args}) (
    SFUNC = {sfunc},
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = {final},
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = {sfunc},
    MINVFUNC = {minvfunc},
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = {final},
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE {name}({args}) IS '{comment}';
--@ end
CREATE AGGREGATE rollup(rate_summary) (
    SFUNC = rate_summary_merge,
    STYPE = rate_summary,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_merge,
    MINVFUNC = rate_summary_unmerge,
    MSTYPE = rate_summary,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(rate_summary) IS 'merges rate summaries (daily into monthly, segments into totals) exactly';

--@ since 1.1
--@ each type | meaning
--@      rate_summary | the same hits out of the same trials
--@ use equality
