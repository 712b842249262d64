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

--@ since 1.1
-- The same aggregates over a point in time are errors that say what to
-- pass instead (a date column reaches them too, by its cast to timestamptz).
CREATE FUNCTION duration_summary_reject_point_in_time(duration_summary, timestamptz) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_reject_point_in_time(duration_summary, timestamptz) IS
    'transition function of the duration aggregates over a timestamp: an error pointing at finish - start';
CREATE FUNCTION duration_summary_reject_point_in_time(duration_summary, timestamptz, double precision) RETURNS duration_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION duration_summary_reject_point_in_time(duration_summary, timestamptz, double precision) IS
    'transition function of duration_percentile over a timestamp: an error pointing at finish - start';

--@ each name             | extra                | final                                 | comment
--@ since 1.1: duration_summary |                      | duration_summary_final                | an error: durations are intervals, finish - start
--@ since 1.1: median_duration  |                      | duration_summary_median               | an error: durations are intervals, finish - start
--@ since 1.1: duration_percentile | , p double precision | duration_summary_requested_percentile | an error: durations are intervals, finish - start
CREATE AGGREGATE {name}(d timestamptz{extra}) (
    SFUNC = duration_summary_reject_point_in_time,
    STYPE = duration_summary,
    INITCOND = 'v1',
    FINALFUNC = {final},
    COMBINEFUNC = duration_summary_merge,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE {name}(timestamptz{extra}) IS '{comment}';
--@ end

--@ since 1.1
--@ each type | meaning
--@      duration_summary | the same count, sum, minimum, maximum and buckets, and the same requested percentile
--@ use equality
