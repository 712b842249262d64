/* kpi_ext--1.0.sql: customer KPIs as aggregates */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION kpi_ext" to load this file. \quit

--------------------------------------------------------------------------------
-- Survey scores: score_summary, NPS, eNPS, CSAT, CES
--------------------------------------------------------------------------------

CREATE TYPE score_summary;

CREATE FUNCTION score_summary_in(cstring) RETURNS score_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_summary_out(score_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_summary_recv(internal) RETURNS score_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION score_summary_send(score_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_in(cstring) IS 'reads the text form of score_summary';
COMMENT ON FUNCTION score_summary_out(score_summary) IS 'writes the text form of score_summary';
COMMENT ON FUNCTION score_summary_recv(internal) IS 'reads the binary form of score_summary';
COMMENT ON FUNCTION score_summary_send(score_summary) IS 'writes the binary form of score_summary';

CREATE TYPE score_summary (
    INPUT = score_summary_in,
    OUTPUT = score_summary_out,
    RECEIVE = score_summary_recv,
    SEND = score_summary_send,
    INTERNALLENGTH = 104,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE score_summary IS
    'survey answers counted per score 0..10; text form "v1 score:count ..."; build with score_summary(score), merge with rollup()';

-- Transition functions, one per integer type (no polymorphic arguments).

CREATE FUNCTION score_summary_add(score_summary, smallint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add(score_summary, smallint) IS 'transition function: adds one answer on 0..10 (score_summary, nps_agg, enps_agg)';
CREATE FUNCTION score_summary_add(score_summary, integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add(score_summary, integer) IS 'transition function: adds one answer on 0..10 (score_summary, nps_agg, enps_agg)';
CREATE FUNCTION score_summary_add(score_summary, bigint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add(score_summary, bigint) IS 'transition function: adds one answer on 0..10 (score_summary, nps_agg, enps_agg)';
CREATE FUNCTION score_summary_add_csat(score_summary, smallint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_csat_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add_csat(score_summary, smallint) IS 'transition function: adds one answer on 1..5 (csat_agg)';
CREATE FUNCTION score_summary_add_csat(score_summary, integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_csat_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add_csat(score_summary, integer) IS 'transition function: adds one answer on 1..5 (csat_agg)';
CREATE FUNCTION score_summary_add_csat(score_summary, bigint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_csat_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add_csat(score_summary, bigint) IS 'transition function: adds one answer on 1..5 (csat_agg)';
CREATE FUNCTION score_summary_add_ces(score_summary, smallint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_ces_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add_ces(score_summary, smallint) IS 'transition function: adds one answer on 1..7 (ces_agg)';
CREATE FUNCTION score_summary_add_ces(score_summary, integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_ces_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add_ces(score_summary, integer) IS 'transition function: adds one answer on 1..7 (ces_agg)';
CREATE FUNCTION score_summary_add_ces(score_summary, bigint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_ces_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add_ces(score_summary, bigint) IS 'transition function: adds one answer on 1..7 (ces_agg)';
CREATE FUNCTION score_summary_add(score_summary, smallint, scale integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_scaled_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add(score_summary, smallint, scale integer) IS 'transition function: adds one answer on 1..scale (csat_agg and ces_agg with a scale)';
CREATE FUNCTION score_summary_add(score_summary, integer, scale integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_scaled_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add(score_summary, integer, scale integer) IS 'transition function: adds one answer on 1..scale (csat_agg and ces_agg with a scale)';
CREATE FUNCTION score_summary_add(score_summary, bigint, scale integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_add_scaled_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_add(score_summary, bigint, scale integer) IS 'transition function: adds one answer on 1..scale (csat_agg and ces_agg with a scale)';
CREATE FUNCTION score_summary_remove(score_summary, smallint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_remove_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_remove(score_summary, smallint) IS 'inverse transition function: removes one answer (moving windows)';
CREATE FUNCTION score_summary_remove(score_summary, integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_remove_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_remove(score_summary, integer) IS 'inverse transition function: removes one answer (moving windows)';
CREATE FUNCTION score_summary_remove(score_summary, bigint) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_remove_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_remove(score_summary, bigint) IS 'inverse transition function: removes one answer (moving windows)';
CREATE FUNCTION score_summary_remove(score_summary, smallint, scale integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_remove_int2' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_remove(score_summary, smallint, scale integer) IS 'inverse transition function: removes one answer (moving windows)';
CREATE FUNCTION score_summary_remove(score_summary, integer, scale integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_remove_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_remove(score_summary, integer, scale integer) IS 'inverse transition function: removes one answer (moving windows)';
CREATE FUNCTION score_summary_remove(score_summary, bigint, scale integer) RETURNS score_summary
    AS 'MODULE_PATHNAME', 'score_summary_remove_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_remove(score_summary, bigint, scale integer) IS 'inverse transition function: removes one answer (moving windows)';

CREATE FUNCTION score_summary_merge(score_summary, score_summary) RETURNS score_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_merge(score_summary, score_summary) IS
    'adds the second summary to the first (rollup transition, combine function of every score aggregate)';
CREATE FUNCTION score_summary_unmerge(score_summary, score_summary) RETURNS score_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_unmerge(score_summary, score_summary) IS
    'removes the second summary from the first (rollup inverse transition, moving windows)';
CREATE FUNCTION score_summary_final(score_summary) RETURNS score_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_summary_final(score_summary) IS
    'final function of score_summary(score): NULL for a group without answers';

-- Accessors

CREATE FUNCTION responses(s score_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'score_summary_responses' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION responses(score_summary) IS 'number of answers in the summary';
CREATE FUNCTION promoters(s score_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'score_summary_promoters' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION promoters(score_summary) IS 'answers scoring 9 or 10';
CREATE FUNCTION passives(s score_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'score_summary_passives' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION passives(score_summary) IS 'answers scoring 7 or 8';
CREATE FUNCTION detractors(s score_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'score_summary_detractors' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION detractors(score_summary) IS 'answers scoring 0 to 6';
CREATE FUNCTION score_counts(s score_summary) RETURNS bigint[]
    AS 'MODULE_PATHNAME', 'score_summary_counts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score_counts(score_summary) IS 'the 11 answer counts; element 1 counts score 0, element 11 score 10';
CREATE FUNCTION nps(s score_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_summary_nps' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps(score_summary) IS 'Net Promoter Score, -100..100: percent promoters (9-10) minus percent detractors (0-6); NULL without answers';
CREATE FUNCTION nps_ci(s score_summary, confidence double precision DEFAULT 0.95) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'score_summary_nps_ci' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_ci(score_summary, double precision) IS 'adjusted-Wald confidence interval {low, high} of the NPS, in NPS points';
CREATE FUNCTION nps_margin(s score_summary, confidence double precision DEFAULT 0.95) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_summary_nps_margin' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_margin(score_summary, double precision) IS 'half-width of the adjusted-Wald confidence interval of the NPS, in NPS points';
CREATE FUNCTION nps_diff_pvalue(a score_summary, b score_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_summary_nps_diff_pvalue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION nps_diff_pvalue(score_summary, score_summary) IS 'two-sided p-value of a z-test that the NPS of a and b differ';
CREATE FUNCTION csat(s score_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_summary_csat' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION csat(score_summary) IS 'CSAT: percent of answers scoring 4 or 5 on a 1..5 scale';
CREATE FUNCTION csat(s score_summary, scale integer) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_summary_csat_on_scale' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION csat(score_summary, integer) IS 'CSAT: percent of answers in the top two boxes (scale - 1 or scale) of a 1..scale scale';
CREATE FUNCTION mean_score(s score_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'score_summary_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mean_score(score_summary) IS 'mean answer (CES is the mean effort on its scale)';

-- Aggregates.  The state is score_summary itself, updated in place; the
-- combine function lets parallel query, postgres_fdw and Citus split them,
-- and the inverse transition makes rolling windows O(rows).

CREATE AGGREGATE score_summary(score smallint) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = score_summary_final,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = score_summary_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE score_summary(score smallint) IS 'summary of survey answers on 0..10, for rollup() and the accessors';
CREATE AGGREGATE score_summary(score integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = score_summary_final,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = score_summary_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE score_summary(score integer) IS 'summary of survey answers on 0..10, for rollup() and the accessors';
CREATE AGGREGATE score_summary(score bigint) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = score_summary_final,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = score_summary_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE score_summary(score bigint) IS 'summary of survey answers on 0..10, for rollup() and the accessors';
CREATE AGGREGATE nps_agg(score smallint) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = nps,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(score smallint) IS 'Net Promoter Score of answers on 0..10: percent promoters (9-10) minus percent detractors (0-6)';
CREATE AGGREGATE nps_agg(score integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = nps,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(score integer) IS 'Net Promoter Score of answers on 0..10: percent promoters (9-10) minus percent detractors (0-6)';
CREATE AGGREGATE nps_agg(score bigint) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = nps,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE nps_agg(score bigint) IS 'Net Promoter Score of answers on 0..10: percent promoters (9-10) minus percent detractors (0-6)';
CREATE AGGREGATE enps_agg(score smallint) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = nps,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE enps_agg(score smallint) IS 'employee Net Promoter Score of answers on 0..10';
CREATE AGGREGATE enps_agg(score integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = nps,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE enps_agg(score integer) IS 'employee Net Promoter Score of answers on 0..10';
CREATE AGGREGATE enps_agg(score bigint) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = nps,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = nps,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE enps_agg(score bigint) IS 'employee Net Promoter Score of answers on 0..10';
CREATE AGGREGATE csat_agg(score smallint) (
    SFUNC = score_summary_add_csat,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = csat,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add_csat,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(score smallint) IS 'CSAT: percent of answers scoring 4 or 5 on a 1..5 scale';
CREATE AGGREGATE csat_agg(score integer) (
    SFUNC = score_summary_add_csat,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = csat,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add_csat,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(score integer) IS 'CSAT: percent of answers scoring 4 or 5 on a 1..5 scale';
CREATE AGGREGATE csat_agg(score bigint) (
    SFUNC = score_summary_add_csat,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = csat,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add_csat,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(score bigint) IS 'CSAT: percent of answers scoring 4 or 5 on a 1..5 scale';
CREATE AGGREGATE csat_agg(score smallint, scale integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = csat,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(score smallint, scale integer) IS 'CSAT: percent of answers in the top two boxes of a 1..scale scale (scale 2..10)';
CREATE AGGREGATE csat_agg(score integer, scale integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = csat,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(score integer, scale integer) IS 'CSAT: percent of answers in the top two boxes of a 1..scale scale (scale 2..10)';
CREATE AGGREGATE csat_agg(score bigint, scale integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = csat,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = csat,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE csat_agg(score bigint, scale integer) IS 'CSAT: percent of answers in the top two boxes of a 1..scale scale (scale 2..10)';
CREATE AGGREGATE ces_agg(score smallint) (
    SFUNC = score_summary_add_ces,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = mean_score,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add_ces,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = mean_score,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ces_agg(score smallint) IS 'Customer Effort Score: mean answer on a 1..7 scale (lower effort is better)';
CREATE AGGREGATE ces_agg(score integer) (
    SFUNC = score_summary_add_ces,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = mean_score,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add_ces,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = mean_score,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ces_agg(score integer) IS 'Customer Effort Score: mean answer on a 1..7 scale (lower effort is better)';
CREATE AGGREGATE ces_agg(score bigint) (
    SFUNC = score_summary_add_ces,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = mean_score,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add_ces,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = mean_score,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ces_agg(score bigint) IS 'Customer Effort Score: mean answer on a 1..7 scale (lower effort is better)';
CREATE AGGREGATE ces_agg(score smallint, scale integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = mean_score,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = mean_score,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ces_agg(score smallint, scale integer) IS 'Customer Effort Score: mean answer on a 1..scale scale (scale 2..10)';
CREATE AGGREGATE ces_agg(score integer, scale integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = mean_score,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = mean_score,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ces_agg(score integer, scale integer) IS 'Customer Effort Score: mean answer on a 1..scale scale (scale 2..10)';
CREATE AGGREGATE ces_agg(score bigint, scale integer) (
    SFUNC = score_summary_add,
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = mean_score,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_add,
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = mean_score,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ces_agg(score bigint, scale integer) IS 'Customer Effort Score: mean answer on a 1..scale scale (scale 2..10)';
CREATE AGGREGATE rollup(score_summary) (
    SFUNC = score_summary_merge,
    STYPE = score_summary,
    COMBINEFUNC = score_summary_merge,
    MSFUNC = score_summary_merge,
    MINVFUNC = score_summary_unmerge,
    MSTYPE = score_summary,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(score_summary) IS 'merges score summaries (daily into monthly, segments into totals) exactly';

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

CREATE AGGREGATE rate_summary(hit boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate_summary_final,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate_summary_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rate_summary(hit boolean) IS 'summary of hits out of non-NULL rows, for rollup() and the accessors';
CREATE AGGREGATE churn_rate(churned boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_rate(churned boolean) IS 'churn rate: percent of customers (rows) that churned (TRUE among non-NULL rows)';
CREATE AGGREGATE renewal_rate(renewed boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE renewal_rate(renewed boolean) IS 'renewal rate: percent of contracts up for renewal that renewed (TRUE among non-NULL rows)';
CREATE AGGREGATE conversion_rate(converted boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE conversion_rate(converted boolean) IS 'conversion rate: percent of leads or opportunities that converted (TRUE among non-NULL rows)';
CREATE AGGREGATE resolution_rate(resolved boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE resolution_rate(resolved boolean) IS 'resolution rate: percent of issues resolved (TRUE among non-NULL rows)';
CREATE AGGREGATE response_rate(responded boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE response_rate(responded boolean) IS 'response rate: percent of outbound contacts that got a reply (TRUE among non-NULL rows)';
CREATE AGGREGATE opt_out_rate(opted_out boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE opt_out_rate(opted_out boolean) IS 'opt-out rate: percent of customers reached who opted out (TRUE among non-NULL rows)';
CREATE AGGREGATE support_usage_rate(used boolean) (
    SFUNC = rate_summary_add,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add,
    MINVFUNC = rate_summary_remove,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE support_usage_rate(used boolean) IS 'support usage rate: percent of customers who used the support system (TRUE among non-NULL rows)';
CREATE AGGREGATE fcr_rate(contacts integer) (
    SFUNC = rate_summary_add_fcr,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add_fcr,
    MINVFUNC = rate_summary_remove_fcr,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE fcr_rate(contacts integer) IS 'first-contact resolution: percent of issues solved at the first contact (contacts = 1)';
CREATE AGGREGATE sla_rate(actual interval, target interval) (
    SFUNC = rate_summary_add_sla,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add_sla,
    MINVFUNC = rate_summary_remove_sla,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sla_rate(actual interval, target interval) IS 'SLA attainment: percent of rows whose actual time is within their target';
CREATE AGGREGATE ctr(clicks bigint, impressions bigint) (
    SFUNC = rate_summary_add_ctr,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add_ctr,
    MINVFUNC = rate_summary_remove_ctr,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ctr(clicks bigint, impressions bigint) IS 'click-through rate: 100 * sum(clicks) / sum(impressions)';
CREATE AGGREGATE churn_rate(active_from timestamptz, churned_at timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = rate_summary_add_churn,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add_churn,
    MINVFUNC = rate_summary_remove_churn,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE churn_rate(active_from timestamptz, churned_at timestamptz, period_start timestamptz, period_end timestamptz) IS 'logo churn over a period: percent of customers active at period_start who churned by period_end';
CREATE AGGREGATE retention_rate(active_from timestamptz, churned_at timestamptz, period_start timestamptz, period_end timestamptz) (
    SFUNC = rate_summary_add_retention,
    STYPE = rate_summary,
    INITCOND = 'v1 0/0',
    FINALFUNC = rate,
    COMBINEFUNC = rate_summary_merge,
    MSFUNC = rate_summary_add_retention,
    MINVFUNC = rate_summary_remove_retention,
    MSTYPE = rate_summary,
    MINITCOND = 'v1 0/0',
    MFINALFUNC = rate,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE retention_rate(active_from timestamptz, churned_at timestamptz, period_start timestamptz, period_end timestamptz) IS 'retention over a period: percent of customers active at period_start still active at period_end';
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

--------------------------------------------------------------------------------
-- Durations: duration_summary, response and resolution times, time to value
--------------------------------------------------------------------------------

CREATE TYPE duration_summary;

CREATE FUNCTION duration_summary_in(cstring) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION duration_summary_out(duration_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION duration_summary_recv(internal) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION duration_summary_send(duration_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_in(cstring) IS 'reads the text form of duration_summary';
COMMENT ON FUNCTION duration_summary_out(duration_summary) IS 'writes the text form of duration_summary';
COMMENT ON FUNCTION duration_summary_recv(internal) IS 'reads the binary form of duration_summary';
COMMENT ON FUNCTION duration_summary_send(duration_summary) IS 'writes the binary form of duration_summary';

CREATE TYPE duration_summary (
    INPUT = duration_summary_in,
    OUTPUT = duration_summary_out,
    RECEIVE = duration_summary_recv,
    SEND = duration_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE duration_summary IS
    'sketch of durations: exact count, sum, min and max, percentiles within 1 %; build with duration_summary(d), merge with rollup()';

CREATE FUNCTION duration_summary_add(duration_summary, interval) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_add(duration_summary, interval) IS
    'transition function: adds one duration (duration_summary, median_duration)';
CREATE FUNCTION duration_summary_add(duration_summary, interval, double precision) RETURNS duration_summary
    AS 'MODULE_PATHNAME', 'duration_summary_add_for_percentile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_add(duration_summary, interval, double precision) IS
    'transition function of duration_percentile: adds one duration and records the percentile asked for';
CREATE FUNCTION duration_summary_merge(duration_summary, duration_summary) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_merge(duration_summary, duration_summary) IS
    'adds the second summary to the first (rollup transition, combine function of every duration aggregate)';
CREATE FUNCTION duration_summary_final(duration_summary) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_final(duration_summary) IS
    'final function of duration_summary(d) and rollup: a compact summary, NULL for a group without durations';
CREATE FUNCTION duration_summary_median(duration_summary) RETURNS interval
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_median(duration_summary) IS 'final function of median_duration';
CREATE FUNCTION duration_summary_requested_percentile(duration_summary) RETURNS interval
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_requested_percentile(duration_summary) IS 'final function of duration_percentile';

-- Accessors

CREATE FUNCTION durations(s duration_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'duration_summary_count' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION durations(duration_summary) IS 'number of durations in the summary';
CREATE FUNCTION mean_duration(s duration_summary) RETURNS interval
    AS 'MODULE_PATHNAME', 'duration_summary_mean' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mean_duration(duration_summary) IS 'exact mean duration, rounded to the microsecond';
CREATE FUNCTION min_duration(s duration_summary) RETURNS interval
    AS 'MODULE_PATHNAME', 'duration_summary_min' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION min_duration(duration_summary) IS 'exact shortest duration';
CREATE FUNCTION max_duration(s duration_summary) RETURNS interval
    AS 'MODULE_PATHNAME', 'duration_summary_max' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION max_duration(duration_summary) IS 'exact longest duration';
CREATE FUNCTION percentile(s duration_summary, p double precision) RETURNS interval
    AS 'MODULE_PATHNAME', 'duration_summary_percentile' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION percentile(duration_summary, double precision) IS
    'the p-th percentile (p in [0, 1]) within 1 % of percentile_disc; exact at p = 0 and 1';
CREATE FUNCTION percentiles(s duration_summary, p double precision[]) RETURNS interval[]
    AS 'MODULE_PATHNAME', 'duration_summary_percentiles' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION percentiles(duration_summary, double precision[]) IS
    'several percentiles at once, like percentile(s, p) for each p';

-- Aggregates.  The state is duration_summary itself, grown with spare room;
-- min and max cannot be taken back, so there is no moving-window variant.

CREATE AGGREGATE duration_summary(d interval) (
    SFUNC = duration_summary_add,
    STYPE = duration_summary,
    INITCOND = 'v1',
    FINALFUNC = duration_summary_final,
    COMBINEFUNC = duration_summary_merge,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE duration_summary(interval) IS 'summary of durations, for rollup() and the accessors';
CREATE AGGREGATE median_duration(d interval) (
    SFUNC = duration_summary_add,
    STYPE = duration_summary,
    INITCOND = 'v1',
    FINALFUNC = duration_summary_median,
    COMBINEFUNC = duration_summary_merge,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE median_duration(interval) IS 'median duration, within 1 %';
CREATE AGGREGATE duration_percentile(d interval, p double precision) (
    SFUNC = duration_summary_add,
    STYPE = duration_summary,
    INITCOND = 'v1',
    FINALFUNC = duration_summary_requested_percentile,
    COMBINEFUNC = duration_summary_merge,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE duration_percentile(interval, double precision) IS
    'the p-th percentile of the durations (p in [0, 1], the same on every row), within 1 %';
CREATE AGGREGATE rollup(duration_summary) (
    SFUNC = duration_summary_merge,
    STYPE = duration_summary,
    INITCOND = 'v1',
    FINALFUNC = duration_summary_final,
    COMBINEFUNC = duration_summary_merge,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(duration_summary) IS 'merges duration summaries exactly, bucket for bucket';

--------------------------------------------------------------------------------
-- Revenue, exact: clv_summary, mrr_summary, CLV, MRR movements, NRR/GRR, CAC
--------------------------------------------------------------------------------

CREATE TYPE clv_summary;

CREATE FUNCTION clv_summary_in(cstring) RETURNS clv_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_summary_out(clv_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_summary_recv(internal) RETURNS clv_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION clv_summary_send(clv_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_in(cstring) IS 'reads the text form of clv_summary';
COMMENT ON FUNCTION clv_summary_out(clv_summary) IS 'writes the text form of clv_summary';
COMMENT ON FUNCTION clv_summary_recv(internal) IS 'reads the binary form of clv_summary';
COMMENT ON FUNCTION clv_summary_send(clv_summary) IS 'writes the binary form of clv_summary';

CREATE TYPE clv_summary (
    INPUT = clv_summary_in,
    OUTPUT = clv_summary_out,
    RECEIVE = clv_summary_recv,
    SEND = clv_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE clv_summary IS
    'per-customer purchases, exact revenue, first and last purchase; build with clv_summary(customer, amount, purchased_at), merge with rollup()';

-- Transition functions, one per customer key type (no polymorphic arguments).
-- Not strict: the first purchase creates the state, rows with a NULL are skipped.

CREATE FUNCTION clv_summary_add(clv_summary, integer, numeric, timestamptz) RETURNS clv_summary
    AS 'MODULE_PATHNAME', 'clv_summary_add_int4' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_add(clv_summary, integer, numeric, timestamptz) IS
    'transition function: adds one purchase of an integer-keyed customer';
CREATE FUNCTION clv_summary_add(clv_summary, bigint, numeric, timestamptz) RETURNS clv_summary
    AS 'MODULE_PATHNAME', 'clv_summary_add_int8' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_add(clv_summary, bigint, numeric, timestamptz) IS
    'transition function: adds one purchase of a bigint-keyed customer';
CREATE FUNCTION clv_summary_add(clv_summary, text, numeric, timestamptz) RETURNS clv_summary
    AS 'MODULE_PATHNAME', 'clv_summary_add_text' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_add(clv_summary, text, numeric, timestamptz) IS
    'transition function: adds one purchase of a text-keyed customer (keys compared byte for byte)';
CREATE FUNCTION clv_summary_add(clv_summary, uuid, numeric, timestamptz) RETURNS clv_summary
    AS 'MODULE_PATHNAME', 'clv_summary_add_uuid' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_add(clv_summary, uuid, numeric, timestamptz) IS
    'transition function: adds one purchase of a uuid-keyed customer';
CREATE FUNCTION clv_summary_merge(clv_summary, clv_summary) RETURNS clv_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_merge(clv_summary, clv_summary) IS
    'adds the second summary to the first, joining each customer''s records (rollup transition, combine function of the CLV aggregates)';
CREATE FUNCTION clv_summary_final(clv_summary) RETURNS clv_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_final(clv_summary) IS
    'final function of clv_summary(...) and rollup: the summary with customers in key order';

-- Accessors

CREATE FUNCTION customers(s clv_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'clv_summary_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION customers(clv_summary) IS 'distinct customers, counted exactly';
CREATE FUNCTION purchases(s clv_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'clv_summary_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchases(clv_summary) IS 'purchases (rows) in the summary';
CREATE FUNCTION revenue(s clv_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_revenue' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION revenue(clv_summary) IS 'total revenue, exactly sum(amount)';
CREATE FUNCTION avg_purchase_value(s clv_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_avg_purchase_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION avg_purchase_value(clv_summary) IS 'revenue / purchases, as avg(amount) computes it (average order value)';
CREATE FUNCTION revenue_per_customer(s clv_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_revenue_per_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION revenue_per_customer(clv_summary) IS 'revenue / customers';
CREATE FUNCTION purchase_frequency(s clv_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_purchase_frequency' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_frequency(clv_summary) IS
    'purchases per customer per year (365.25 days) of the window from the first to the last purchase; a window under a day counts as a day';
CREATE FUNCTION avg_lifespan(s clv_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_avg_lifespan' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION avg_lifespan(clv_summary) IS 'mean years (365.25 days) between each customer''s first and last purchase';
CREATE FUNCTION clv(s clv_summary) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(clv_summary) IS 'customer lifetime value: avg_purchase_value * purchase_frequency * avg_lifespan';
CREATE FUNCTION clv(s clv_summary, lifespan_years numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'clv_summary_clv_lifespan' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(clv_summary, numeric) IS 'customer lifetime value with an explicit lifespan: avg_purchase_value * purchase_frequency * lifespan_years';
CREATE FUNCTION clv(avg_purchase_value numeric, purchase_frequency numeric, lifespan numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'kpi_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv(numeric, numeric, numeric) IS
    'customer lifetime value, the textbook product avg_purchase_value * purchase_frequency * lifespan, exact';
CREATE FUNCTION cac(spend numeric, new_customers bigint) RETURNS numeric
    AS 'MODULE_PATHNAME', 'kpi_cac' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cac(numeric, bigint) IS 'customer acquisition cost: spend / new customers; NULL when there are none';

-- Aggregates.  The state is clv_summary itself: a hash table of customers
-- with spare slots, updated in place.  A customer's first purchase cannot be
-- taken back, so there is no moving-window variant.

CREATE AGGREGATE clv_summary(customer integer, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv_summary_final,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(integer, numeric, timestamptz) IS 'per-customer revenue summary, for rollup() and the accessors';
CREATE AGGREGATE clv_summary(customer bigint, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv_summary_final,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(bigint, numeric, timestamptz) IS 'per-customer revenue summary, for rollup() and the accessors';
CREATE AGGREGATE clv_summary(customer text, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv_summary_final,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(text, numeric, timestamptz) IS 'per-customer revenue summary, for rollup() and the accessors';
CREATE AGGREGATE clv_summary(customer uuid, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv_summary_final,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv_summary(uuid, numeric, timestamptz) IS 'per-customer revenue summary, for rollup() and the accessors';
CREATE AGGREGATE clv(customer integer, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(integer, numeric, timestamptz) IS 'customer lifetime value in one step: clv(clv_summary(...))';
CREATE AGGREGATE clv(customer bigint, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(bigint, numeric, timestamptz) IS 'customer lifetime value in one step: clv(clv_summary(...))';
CREATE AGGREGATE clv(customer text, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(text, numeric, timestamptz) IS 'customer lifetime value in one step: clv(clv_summary(...))';
CREATE AGGREGATE clv(customer uuid, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = clv,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE clv(uuid, numeric, timestamptz) IS 'customer lifetime value in one step: clv(clv_summary(...))';
CREATE AGGREGATE rollup(clv_summary) (
    SFUNC = clv_summary_merge, STYPE = clv_summary, FINALFUNC = clv_summary_final,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(clv_summary) IS 'merges CLV summaries; a customer in several is one customer';

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

CREATE AGGREGATE mrr_summary(prev_mrr numeric, curr_mrr numeric) (
    SFUNC = mrr_summary_add, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = mrr_summary_final, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_add, MINVFUNC = mrr_summary_remove, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = mrr_summary_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE mrr_summary(numeric, numeric) IS 'MRR movements of one customer row per period, for rollup() and the accessors';
CREATE AGGREGATE expansion_revenue(prev_mrr numeric, curr_mrr numeric) (
    SFUNC = mrr_summary_add, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = expansion_mrr, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_add, MINVFUNC = mrr_summary_remove, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = expansion_mrr, PARALLEL = SAFE
);
COMMENT ON AGGREGATE expansion_revenue(numeric, numeric) IS 'expansion MRR in one step: the increases of customers who pay more';
CREATE AGGREGATE nrr(prev_mrr numeric, curr_mrr numeric) (
    SFUNC = mrr_summary_add, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = nrr, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_add, MINVFUNC = mrr_summary_remove, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = nrr, PARALLEL = SAFE
);
COMMENT ON AGGREGATE nrr(numeric, numeric) IS 'net revenue retention in one step, percent';
CREATE AGGREGATE grr(prev_mrr numeric, curr_mrr numeric) (
    SFUNC = mrr_summary_add, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = grr, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_add, MINVFUNC = mrr_summary_remove, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = grr, PARALLEL = SAFE
);
COMMENT ON AGGREGATE grr(numeric, numeric) IS 'gross revenue retention in one step, percent';
CREATE AGGREGATE rollup(mrr_summary) (
    SFUNC = mrr_summary_merge, STYPE = mrr_summary,
    INITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    FINALFUNC = mrr_summary_final, COMBINEFUNC = mrr_summary_merge,
    MSFUNC = mrr_summary_merge, MINVFUNC = mrr_summary_unmerge, MSTYPE = mrr_summary,
    MINITCOND = 'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0',
    MFINALFUNC = mrr_summary_final, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(mrr_summary) IS 'merges MRR summaries exactly';

--------------------------------------------------------------------------------
-- Health: health_score, a composite, explainable customer health score
--------------------------------------------------------------------------------

CREATE TYPE health_score;

CREATE FUNCTION health_score_in(cstring) RETURNS health_score
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_out(health_score) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_recv(internal) RETURNS health_score
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_send(health_score) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION health_score_in(cstring) IS 'reads the text form of health_score';
COMMENT ON FUNCTION health_score_out(health_score) IS 'writes the text form of health_score';
COMMENT ON FUNCTION health_score_recv(internal) IS 'reads the binary form of health_score';
COMMENT ON FUNCTION health_score_send(health_score) IS 'writes the binary form of health_score';

CREATE TYPE health_score (
    INPUT = health_score_in,
    OUTPUT = health_score_out,
    RECEIVE = health_score_recv,
    SEND = health_score_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = main
);
COMMENT ON TYPE health_score IS
    'a customer''s composite health: up to 32 named components, each a value 0..100 with a positive weight; text form "v1 usage=80 weight=2, nps=65 weight=1"';

CREATE FUNCTION health_score(names text[], "values" double precision[], weights double precision[]) RETURNS health_score
    AS 'MODULE_PATHNAME', 'health_score_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION health_score(text[], double precision[], double precision[]) IS
    'builds a health score from parallel arrays of component names, values (0..100) and weights (> 0)';
-- Not strict: the first row starts the score, rows with a NULL are skipped.
CREATE FUNCTION health_score_add(health_score, text, double precision, double precision) RETURNS health_score
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION health_score_add(health_score, text, double precision, double precision) IS
    'transition function of health_score_agg: adds one component';
CREATE FUNCTION health_score_merge(health_score, health_score) RETURNS health_score
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION health_score_merge(health_score, health_score) IS
    'combine function of health_score_agg: the components of both (a name in both is an error)';

CREATE AGGREGATE health_score_agg(name text, value double precision, weight double precision) (
    SFUNC = health_score_add,
    STYPE = health_score,
    COMBINEFUNC = health_score_merge,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE health_score_agg(text, double precision, double precision) IS
    'builds a health score from long-format rows, one row per component';

CREATE FUNCTION score(h health_score) RETURNS double precision
    AS 'MODULE_PATHNAME', 'health_score_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION score(health_score) IS 'weighted mean of the components, 0..100';
CREATE FUNCTION band(h health_score) RETURNS text
    AS 'MODULE_PATHNAME', 'health_score_band' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION band(health_score) IS
    '''red'' below kpi_ext.health_yellow_from (50), ''yellow'' below kpi_ext.health_green_from (75), else ''green''';
CREATE FUNCTION band(h health_score, yellow_from double precision, green_from double precision) RETURNS text
    AS 'MODULE_PATHNAME', 'health_score_band_between' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION band(health_score, double precision, double precision) IS
    '''red'' below yellow_from, ''yellow'' below green_from, else ''green''';
CREATE FUNCTION component(h health_score, name text) RETURNS double precision
    AS 'MODULE_PATHNAME', 'health_score_component' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION component(health_score, text) IS 'one component''s value, NULL if the score has no such component';
CREATE OPERATOR -> (
    LEFTARG = health_score, RIGHTARG = text, FUNCTION = component
);
COMMENT ON OPERATOR ->(health_score, text) IS 'one component''s value, like component(h, name)';
CREATE FUNCTION components(h health_score)
    RETURNS TABLE (name text, value double precision, weight double precision, contribution double precision)
    AS 'MODULE_PATHNAME', 'health_score_components' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 32;
COMMENT ON FUNCTION components(health_score) IS
    'the breakdown, by name: each component''s value, weight and contribution (value * weight / sum of weights; they add up to the score)';
CREATE FUNCTION kpi_scale(value double precision, low double precision, high double precision) RETURNS double precision
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION kpi_scale(double precision, double precision, double precision) IS
    'maps a raw metric onto 0..100: low gives 0, high gives 100, clamped; low > high for metrics where less is better';

-- Comparison: by score, then component by component; btree and hash classes
-- make ORDER BY, GROUP BY, DISTINCT, indexes and hash joins work.
CREATE FUNCTION health_score_eq(health_score, health_score) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_ne(health_score, health_score) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_lt(health_score, health_score) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_le(health_score, health_score) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_gt(health_score, health_score) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_ge(health_score, health_score) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_cmp(health_score, health_score) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION health_score_hash(health_score) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION health_score_eq(health_score, health_score) IS 'implements = : the same components';
COMMENT ON FUNCTION health_score_ne(health_score, health_score) IS 'implements <>';
COMMENT ON FUNCTION health_score_lt(health_score, health_score) IS 'implements < : lower score, then components';
COMMENT ON FUNCTION health_score_le(health_score, health_score) IS 'implements <=';
COMMENT ON FUNCTION health_score_gt(health_score, health_score) IS 'implements >';
COMMENT ON FUNCTION health_score_ge(health_score, health_score) IS 'implements >=';
COMMENT ON FUNCTION health_score_cmp(health_score, health_score) IS 'btree support: -1, 0 or 1 by score, then component by component';
COMMENT ON FUNCTION health_score_hash(health_score) IS 'hash support: a hash of the components';

CREATE OPERATOR = (
    LEFTARG = health_score, RIGHTARG = health_score, FUNCTION = health_score_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR <> (
    LEFTARG = health_score, RIGHTARG = health_score, FUNCTION = health_score_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR < (
    LEFTARG = health_score, RIGHTARG = health_score, FUNCTION = health_score_lt,
    COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR <= (
    LEFTARG = health_score, RIGHTARG = health_score, FUNCTION = health_score_le,
    COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR > (
    LEFTARG = health_score, RIGHTARG = health_score, FUNCTION = health_score_gt,
    COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR >= (
    LEFTARG = health_score, RIGHTARG = health_score, FUNCTION = health_score_ge,
    COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR =(health_score, health_score) IS 'the same components, values and weights';
COMMENT ON OPERATOR <>(health_score, health_score) IS 'not the same components';
COMMENT ON OPERATOR <(health_score, health_score) IS 'lower score (then components by name, value, weight)';
COMMENT ON OPERATOR <=(health_score, health_score) IS 'lower score or equal';
COMMENT ON OPERATOR >(health_score, health_score) IS 'higher score (then components by name, value, weight)';
COMMENT ON OPERATOR >=(health_score, health_score) IS 'higher score or equal';

CREATE OPERATOR CLASS health_score_ops DEFAULT FOR TYPE health_score USING btree AS
    OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
    FUNCTION 1 health_score_cmp(health_score, health_score);
CREATE OPERATOR CLASS health_score_hash_ops DEFAULT FOR TYPE health_score USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 health_score_hash(health_score);
COMMENT ON OPERATOR CLASS health_score_ops USING btree IS
    'default btree class of health_score: ORDER BY, indexes and merge joins by score, then component by component';
COMMENT ON OPERATOR FAMILY health_score_ops USING btree IS
    'the btree family of health_score_ops: order by score, then component by component';
COMMENT ON OPERATOR CLASS health_score_hash_ops USING hash IS
    'default hash class of health_score: GROUP BY, DISTINCT and hash joins on equal components';
COMMENT ON OPERATOR FAMILY health_score_hash_ops USING hash IS
    'the hash family of health_score_hash_ops: equal components, values and weights';

--------------------------------------------------------------------------------
-- Discoverability: every KPI the extension computes, for analysts and BI tools
--------------------------------------------------------------------------------

CREATE VIEW kpi_catalog (kpi, family, sql, unit, better, formula) AS VALUES
    ('Net Promoter Score (NPS)', 'survey scores', 'nps_agg(score)', 'NPS points, -100..100', 'higher',
     '% promoters (9-10) - % detractors (0-6) of answers on 0..10'),
    ('Employee NPS (eNPS)', 'survey scores', 'enps_agg(score)', 'NPS points, -100..100', 'higher',
     'the NPS of employee answers on 0..10'),
    ('Customer satisfaction (CSAT)', 'survey scores', 'csat_agg(score [, scale])', 'percent', 'higher',
     'answers in the top two boxes (4-5 of 1..5, or scale - 1 and scale) / answers * 100'),
    ('Customer effort score (CES)', 'survey scores', 'ces_agg(score [, scale])', 'mean answer, 1..7', 'lower',
     'mean answer on the 1..7 (or 1..scale) effort scale'),
    ('NPS with a confidence interval', 'survey scores', 'nps_ci(score_summary(score), 0.95)', 'NPS points', 'higher',
     'adjusted-Wald interval: n'' = n + 3, p'' = (P + 3/4) / n'', d'' = (D + 3/4) / n'''),
    ('Churn rate', 'rates', 'churn_rate(churned) or churn_rate(active_from, churned_at, period_start, period_end)', 'percent', 'lower',
     'customers lost during the period / customers at its start * 100'),
    ('Customer retention rate', 'rates', 'retention_rate(active_from, churned_at, period_start, period_end) or retention_rate(S, E, N)', 'percent', 'higher',
     '(customers at end - new customers) / customers at start * 100'),
    ('Renewal rate', 'rates', 'renewal_rate(renewed)', 'percent', 'higher',
     'renewals / contracts up for renewal * 100'),
    ('Lead conversion rate', 'rates', 'conversion_rate(converted)', 'percent', 'higher',
     'leads that became customers / leads * 100'),
    ('Sales opportunity conversion rate', 'rates', 'conversion_rate(won)', 'percent', 'higher',
     'opportunities won / opportunities * 100'),
    ('Repeat-purchase conversion', 'rates', 'conversion_rate(bought_again)', 'percent', 'higher',
     'customers contacted who bought again / customers contacted * 100'),
    ('Resolution rate', 'rates', 'resolution_rate(resolved)', 'percent', 'higher',
     'issues resolved / issues received * 100'),
    ('First-contact resolution (FCR)', 'rates', 'fcr_rate(contacts)', 'percent', 'higher',
     'issues solved in one contact / issues * 100'),
    ('SLA attainment', 'rates', 'sla_rate(actual, target)', 'percent', 'higher',
     'responses within their target time / responses * 100'),
    ('Email click-through rate (CTR)', 'rates', 'ctr(clicks, impressions)', 'percent', 'higher',
     'sum of clicks / sum of impressions * 100'),
    ('Response rate per communication', 'rates', 'response_rate(responded)', 'percent', 'higher',
     'outbound contacts that got a reply / contacts * 100'),
    ('Opt-out rate', 'rates', 'opt_out_rate(opted_out)', 'percent', 'lower',
     'customers who opted out / customers reached * 100'),
    ('Support system usage rate', 'rates', 'support_usage_rate(used)', 'percent', 'neither',
     'customers who used the support system / customers * 100'),
    ('First response time', 'durations', 'median_duration(first_response_at - opened_at)', 'interval', 'lower',
     'median (or duration_percentile) of the time until the first answer'),
    ('Average resolution time', 'durations', 'duration_percentile(resolved_at - opened_at, 0.9)', 'interval', 'lower',
     'median or percentile of the time until the issue is solved; mean_duration for the average'),
    ('Response duration', 'durations', 'median_duration(ended_at - started_at)', 'interval', 'neither',
     'median or percentile of the length of live conversations'),
    ('Time to first value (TTV)', 'durations', 'median_duration(first_value_at - onboarded_at)', 'interval', 'lower',
     'time from onboarding to the first significant milestone'),
    ('Customer lifetime value (CLV)', 'revenue', 'clv(customer, amount, purchased_at) or clv(avg_purchase_value, purchase_frequency, lifespan)', 'money', 'higher',
     'average purchase value * purchase frequency (per customer per year) * average lifespan (years)'),
    ('Average order value (AOV)', 'revenue', 'avg_purchase_value(clv_summary(customer, amount, purchased_at))', 'money', 'higher',
     'revenue / orders'),
    ('Revenue per customer', 'revenue', 'revenue_per_customer(clv_summary(customer, amount, purchased_at))', 'money', 'higher',
     'revenue / distinct customers'),
    ('Expansion revenue', 'revenue', 'expansion_revenue(prev_mrr, curr_mrr)', 'money per month', 'higher',
     'sum of MRR increases of customers who already paid (upsell, cross-sell)'),
    ('Net revenue retention (NRR)', 'revenue', 'nrr(prev_mrr, curr_mrr)', 'percent', 'higher',
     '(starting MRR + expansion - contraction - churned MRR) / starting MRR * 100'),
    ('Gross revenue retention (GRR)', 'revenue', 'grr(prev_mrr, curr_mrr)', 'percent', 'higher',
     '(starting MRR - contraction - churned MRR) / starting MRR * 100'),
    ('Customer acquisition cost (CAC)', 'revenue', 'cac(spend, new_customers)', 'money', 'lower',
     'sales and marketing spend / new customers won'),
    ('Customer health score', 'health', 'health_score(names, values, weights) or health_score_agg(name, value, weight)', 'score 0..100 and band', 'higher',
     'weighted mean of components such as engagement, product usage, satisfaction and support load, each scaled to 0..100'),
    ('Sentiment of feedback', 'rates', 'conversion_rate(label = ''positive'')', 'percent', 'higher',
     'feedback classified positive / feedback * 100 (the classification of text happens outside kpi_ext)'),
    ('Lead source effectiveness', 'rates', 'rate_summary(converted) ... GROUP BY source', 'percent and count', 'higher',
     'lead conversion rate and lead volume per source, with rate_ci for small sources'),
    ('Engagement metrics', 'plain SQL', 'avg(logins), avg(feature_events) per period', 'per account and week', 'higher',
     'time on site, visit frequency, click-through, product usage per account'),
    ('Contact frequency', 'plain SQL', 'count(*)::numeric / count(DISTINCT customer_id)', 'contacts per customer', 'neither',
     'contacts / distinct customers contacted, per period'),
    ('Complaint count', 'plain SQL', 'count(*) FILTER (WHERE is_complaint)', 'count', 'lower',
     'complaints in the period, also per customer');
COMMENT ON VIEW kpi_catalog IS
    'every KPI kpi_ext computes: its family, the SQL to call, unit, which direction is better (higher, lower, or neither where it depends on the business), and formula';
COMMENT ON COLUMN kpi_catalog.kpi IS 'the KPI''s usual name, with its abbreviation';
COMMENT ON COLUMN kpi_catalog.family IS 'the kpi_ext family that computes it (survey scores, rates, durations, revenue, health), or plain SQL';
COMMENT ON COLUMN kpi_catalog.sql IS 'the call that computes it; the first function named exists in kpi_ext or PostgreSQL';
COMMENT ON COLUMN kpi_catalog.unit IS 'what the result measures: percent, NPS points, interval, money, count, ...';
COMMENT ON COLUMN kpi_catalog.better IS
    'higher or lower: which direction is an improvement; neither when that depends on the business (support usage, conversation length, contact frequency)';
COMMENT ON COLUMN kpi_catalog.formula IS 'the definition in words';
