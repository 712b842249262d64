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

--@ each name                   | scale           | symbol                  | comment
--@      score_summary_add      |                 | score_summary_add       | transition function: adds one answer on 0..10 (score_summary, nps_agg, enps_agg)
--@      score_summary_add_csat |                 | score_summary_add_csat  | transition function: adds one answer on 1..5 (csat_agg)
--@      score_summary_add_ces  |                 | score_summary_add_ces   | transition function: adds one answer on 1..7 (ces_agg)
--@      score_summary_add      | , scale integer | score_summary_add_scaled | transition function: adds one answer on 1..scale (csat_agg and ces_agg with a scale)
--@      score_summary_remove   |                 | score_summary_remove    | inverse transition function: removes one answer (moving windows)
--@      score_summary_remove   | , scale integer | score_summary_remove    | inverse transition function: removes one answer (moving windows)
--@ each int      | c
--@      smallint | int2
--@      integer  | int4
--@      bigint   | int8
--@ since 1.1: numeric | numeric
--@ since 1.1: text     | text
CREATE FUNCTION {name}(score_summary, {int}{scale}) RETURNS score_summary
    AS 'MODULE_PATHNAME', '{symbol}_{c}' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION {name}(score_summary, {int}{scale}) IS '{comment}';
--@ end

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

--@ each name          | scale           | sfunc                  | final               | comment
--@      score_summary |                 | score_summary_add      | score_summary_final | summary of survey answers on 0..10, for rollup() and the accessors
--@      nps_agg       |                 | score_summary_add      | nps                 | Net Promoter Score of answers on 0..10: percent promoters (9-10) minus percent detractors (0-6)
--@      enps_agg      |                 | score_summary_add      | nps                 | employee Net Promoter Score of answers on 0..10
--@      csat_agg      |                 | score_summary_add_csat | csat                | CSAT: percent of answers scoring 4 or 5 on a 1..5 scale
--@      csat_agg      | , scale integer | score_summary_add      | csat                | CSAT: percent of answers in the top two boxes of a 1..scale scale (scale 2..10)
--@      ces_agg       |                 | score_summary_add_ces  | mean_score          | Customer Effort Score: mean answer on a 1..7 scale (lower effort is better)
--@      ces_agg       | , scale integer | score_summary_add      | mean_score          | Customer Effort Score: mean answer on a 1..scale scale (scale 2..10)
--@ each int
--@      smallint
--@      integer
--@      bigint
--@ since 1.1: numeric
--@ since 1.1: text
CREATE AGGREGATE {name}(score {int}{scale}) (
    SFUNC = {sfunc},
    STYPE = score_summary,
    INITCOND = 'v1',
    FINALFUNC = {final},
    COMBINEFUNC = score_summary_merge,
    MSFUNC = {sfunc},
    MINVFUNC = score_summary_remove,
    MSTYPE = score_summary,
    MINITCOND = 'v1',
    MFINALFUNC = {final},
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE {name}(score {int}{scale}) IS '{comment}';
--@ end
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

--@ since 1.1
--@ each type | meaning
--@      score_summary | the same answers on the same scale
--@ use equality
