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

--@ since 1.1
-- From 1.1 the hash class also has the 64-bit hash from a seed, which hash
-- partitioning needs; with seed 0 it agrees with health_score_hash.
CREATE FUNCTION health_score_hash_extended(health_score, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION health_score_hash_extended(health_score, bigint) IS 'hash support: a 64-bit hash of the components from a seed';
ALTER OPERATOR FAMILY health_score_hash_ops USING hash ADD
    FUNCTION 2 health_score_hash_extended(health_score, bigint);
