--------------------------------------------------------------------------------
-- MRR movements, exact: mrr_summary, new, expansion, contraction and churned MRR, NRR/GRR
--------------------------------------------------------------------------------

CREATE TYPE mrr_summary;

CREATE FUNCTION mrr_summary_in(cstring) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_out(mrr_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_recv(internal) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION mrr_summary_send(mrr_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mrr_summary_in(cstring) IS 'reads the text form of mrr_summary';
COMMENT ON FUNCTION mrr_summary_out(mrr_summary) IS 'writes the text form of mrr_summary';
COMMENT ON FUNCTION mrr_summary_recv(internal) IS 'reads the binary form of mrr_summary';
COMMENT ON FUNCTION mrr_summary_send(mrr_summary) IS 'writes the binary form of mrr_summary';

CREATE TYPE mrr_summary (
    INPUT = mrr_summary_in,
    OUTPUT = mrr_summary_out,
    RECEIVE = mrr_summary_recv,
    SEND = mrr_summary_send,
    INTERNALLENGTH = 136,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE mrr_summary IS
    'MRR movements between two periods, customers and exact amounts: starting, new, expansion, contraction, churned; build with mrr_summary(prev_mrr, curr_mrr), merge with rollup()';

-- Not strict: NULL MRR means not a paying customer, like 0.
CREATE FUNCTION mrr_summary_add(mrr_summary, numeric, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mrr_summary_add(mrr_summary, numeric, numeric) IS
    'transition function: adds one customer''s previous and current MRR';
CREATE FUNCTION mrr_summary_remove(mrr_summary, numeric, numeric) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION mrr_summary_remove(mrr_summary, numeric, numeric) IS
    'inverse transition function (moving windows): takes one customer''s row back';
CREATE FUNCTION mrr_summary_merge(mrr_summary, mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mrr_summary_merge(mrr_summary, mrr_summary) IS
    'adds the second summary to the first (rollup transition, combine function of the MRR aggregates)';
CREATE FUNCTION mrr_summary_unmerge(mrr_summary, mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mrr_summary_unmerge(mrr_summary, mrr_summary) IS
    'removes the second summary from the first (rollup inverse transition, moving windows)';
CREATE FUNCTION mrr_summary_final(mrr_summary) RETURNS mrr_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mrr_summary_final(mrr_summary) IS
    'final function of mrr_summary(prev, curr): NULL for a group without rows';

CREATE FUNCTION starting_mrr(s mrr_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'mrr_summary_starting_mrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION starting_mrr(mrr_summary) IS 'MRR of the customers paying in the previous period';
CREATE FUNCTION new_mrr(s mrr_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'mrr_summary_new_mrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION new_mrr(mrr_summary) IS 'current MRR of customers who paid nothing before';
CREATE FUNCTION expansion_mrr(s mrr_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'mrr_summary_expansion_mrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expansion_mrr(mrr_summary) IS 'MRR gained from paying customers who pay more (curr > prev > 0)';
CREATE FUNCTION contraction_mrr(s mrr_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'mrr_summary_contraction_mrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION contraction_mrr(mrr_summary) IS 'MRR lost from customers who pay less but still pay (0 < curr < prev)';
CREATE FUNCTION churned_mrr(s mrr_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'mrr_summary_churned_mrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION churned_mrr(mrr_summary) IS 'previous MRR of customers who stopped paying (prev > 0, curr 0)';
CREATE FUNCTION ending_mrr(s mrr_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'mrr_summary_ending_mrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ending_mrr(mrr_summary) IS 'starting + new + expansion - contraction - churned MRR';
CREATE FUNCTION nrr(s mrr_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'mrr_summary_nrr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nrr(mrr_summary) IS
    'net revenue retention, percent: (starting + expansion - contraction - churned) / starting MRR * 100; NULL without starting MRR';
CREATE FUNCTION grr(s mrr_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'mrr_summary_grr' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION grr(mrr_summary) IS
    'gross revenue retention, percent: (starting - contraction - churned) / starting MRR * 100; NULL without starting MRR';

-- MRR aggregates: sums, so they also have moving-window support.

--@ each name              | final             | comment
--@      mrr_summary       | mrr_summary_final | MRR movements of one customer row per period, for rollup() and the accessors
--@      expansion_revenue | expansion_mrr     | expansion MRR in one step: the increases of customers who pay more
--@      nrr               | nrr               | net revenue retention in one step, percent
--@      grr               | grr               | gross revenue retention in one step, percent
CREATE AGGREGATE {name}(prev_mrr numeric, curr_mrr numeric) (
    SFUNC = mrr_summary_add, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = {final}, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_add, MINVFUNC = mrr_summary_remove, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = {final}, PARALLEL = SAFE
);
COMMENT ON AGGREGATE {name}(numeric, numeric) IS '{comment}';
--@ end
CREATE AGGREGATE rollup(mrr_summary) (
    SFUNC = mrr_summary_merge, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = mrr_summary_final, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_merge, MINVFUNC = mrr_summary_unmerge, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = mrr_summary_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(mrr_summary) IS 'merges MRR summaries exactly';

--@ since 1.1
--@ each type | meaning
--@      mrr_summary | the same rows, movements and amounts at the same scale
--@ use equality
