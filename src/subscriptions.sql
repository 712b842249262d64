--------------------------------------------------------------------------------
-- MRR from subscriptions: subscription_summary, the movements waterfall with
-- reactivation, NRR, GRR, quick ratio, logo churn and cohort retention
--------------------------------------------------------------------------------

--@ since 1.1
CREATE TYPE subscription_summary;
CREATE FUNCTION subscription_summary_in(cstring) RETURNS subscription_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION subscription_summary_out(subscription_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION subscription_summary_recv(internal) RETURNS subscription_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION subscription_summary_send(subscription_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION subscription_summary_in(cstring) IS 'reads the text form of subscription_summary';
COMMENT ON FUNCTION subscription_summary_out(subscription_summary) IS 'writes the text form of subscription_summary';
COMMENT ON FUNCTION subscription_summary_recv(internal) IS 'reads the binary form of subscription_summary';
COMMENT ON FUNCTION subscription_summary_send(subscription_summary) IS 'writes the binary form of subscription_summary';
CREATE TYPE subscription_summary (
    INPUT = subscription_summary_in,
    OUTPUT = subscription_summary_out,
    RECEIVE = subscription_summary_recv,
    SEND = subscription_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE subscription_summary IS
    'each customer''s MRR timeline (the times its MRR changes, exact); build with subscription_summary(customer, mrr, valid_from, valid_to), merge with rollup()';

-- Transition functions, one per customer key type (no polymorphic arguments).
-- Not strict: the first subscription creates the state, rows with a NULL
-- customer, MRR or valid_from are skipped, a NULL valid_to is still active.
--@ since 1.1
--@ each key     | c    | customer
--@      integer | int4 | an integer-keyed customer
--@      bigint  | int8 | a bigint-keyed customer
--@      text    | text | a text-keyed customer (keys compared byte for byte)
--@      uuid    | uuid | a uuid-keyed customer
CREATE FUNCTION subscription_summary_add(subscription_summary, {key}, numeric, timestamptz, timestamptz) RETURNS subscription_summary
    AS 'MODULE_PATHNAME', 'subscription_summary_add_{c}' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION subscription_summary_add(subscription_summary, {key}, numeric, timestamptz, timestamptz) IS
    'transition function: adds one subscription of {customer}';
--@ end
CREATE FUNCTION subscription_summary_merge(subscription_summary, subscription_summary) RETURNS subscription_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION subscription_summary_merge(subscription_summary, subscription_summary) IS
    'adds the second summary''s subscriptions to the first, a customer in both getting both timelines (rollup transition, combine function)';
CREATE FUNCTION subscription_summary_final(subscription_summary) RETURNS subscription_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION subscription_summary_final(subscription_summary) IS
    'final function of subscription_summary(...) and rollup: each customer''s change points in key and time order';

-- The state is subscription_summary: inside the aggregate an expanded
-- object that rows are appended to; its flat form, what a parallel worker
-- sends, is the sorted summary, so the leader only merges sorted runs.
--@ since 1.1
--@ each key
--@      integer
--@      bigint
--@      text
--@      uuid
CREATE AGGREGATE subscription_summary(customer {key}, mrr numeric, valid_from timestamptz, valid_to timestamptz) (
    SFUNC = subscription_summary_add, STYPE = subscription_summary, FINALFUNC = subscription_summary_final,
    COMBINEFUNC = subscription_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE subscription_summary({key}, numeric, timestamptz, timestamptz) IS
    'each customer''s MRR timeline from subscription periods (valid_to exclusive, NULL = still active; overlapping subscriptions add up)';
--@ end
CREATE AGGREGATE rollup(subscription_summary) (
    SFUNC = subscription_summary_merge, STYPE = subscription_summary, FINALFUNC = subscription_summary_final,
    COMBINEFUNC = subscription_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(subscription_summary) IS
    'merges subscription summaries; a customer in several has their subscriptions added up';

-- Movements.  STABLE: adding months and days to a timestamptz follows the
-- session's TimeZone, as timestamptz + interval does.
--@ since 1.1
CREATE FUNCTION mrr_movements(s subscription_summary, period_start timestamptz, period_end timestamptz,
        step interval DEFAULT '1 month', grace interval DEFAULT '0')
    RETURNS TABLE (period_start timestamptz, period_end timestamptz,
        starting_mrr numeric, new_mrr numeric, expansion_mrr numeric, contraction_mrr numeric,
        churned_mrr numeric, reactivation_mrr numeric, ending_mrr numeric,
        customers_start bigint, new_customers bigint, churned_customers bigint,
        reactivated_customers bigint, customers_end bigint)
    AS 'MODULE_PATHNAME', 'subscription_summary_movements' LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION mrr_movements(subscription_summary, timestamptz, timestamptz, interval, interval) IS
    'the MRR waterfall per period (period_start + k * step, the last ending at period_end) at the customer grain, MRR measured at each boundary; a gap of at most grace between subscriptions counts as staying';
CREATE FUNCTION nrr(s subscription_summary, period_start timestamptz, period_end timestamptz) RETURNS double precision
    AS 'MODULE_PATHNAME', 'subscription_summary_nrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nrr(subscription_summary, timestamptz, timestamptz) IS
    'net revenue retention from period_start to period_end: 100 * (starting + expansion - contraction - churned) / starting MRR';
CREATE FUNCTION grr(s subscription_summary, period_start timestamptz, period_end timestamptz) RETURNS double precision
    AS 'MODULE_PATHNAME', 'subscription_summary_grr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION grr(subscription_summary, timestamptz, timestamptz) IS
    'gross revenue retention from period_start to period_end: 100 * (starting - contraction - churned) / starting MRR';
CREATE FUNCTION quick_ratio(s subscription_summary, period_start timestamptz, period_end timestamptz) RETURNS double precision
    AS 'MODULE_PATHNAME', 'subscription_summary_quick_ratio' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION quick_ratio(subscription_summary, timestamptz, timestamptz) IS
    'SaaS quick ratio from period_start to period_end: (new + expansion + reactivation) / (churned + contraction) MRR; NULL when nothing was lost';
CREATE FUNCTION logo_churn_rate(s subscription_summary, period_start timestamptz, period_end timestamptz) RETURNS double precision
    AS 'MODULE_PATHNAME', 'subscription_summary_logo_churn_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION logo_churn_rate(subscription_summary, timestamptz, timestamptz) IS
    'percent of the customers paying at period_start who pay nothing at period_end';
CREATE FUNCTION cohort_retention(s subscription_summary, step interval DEFAULT '1 month', origin timestamptz DEFAULT NULL)
    RETURNS TABLE (cohort timestamptz, age integer, customers bigint, retained_customers bigint,
        starting_mrr numeric, retained_mrr numeric)
    AS 'MODULE_PATHNAME', 'subscription_summary_cohort_retention' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION cohort_retention(subscription_summary, interval, timestamptz) IS
    'customers by the period (origin + k * step; origin defaults to the month of the first subscription) of their first subscription, and per age in steps those paying and their MRR at the end of that period';

--@ since 1.1
--@ each type | meaning
--@      subscription_summary | the same customers with the same MRR timelines, at the same scale
--@ use equality
