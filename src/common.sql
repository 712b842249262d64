--@ define equality
-- Equality of {type}: {meaning},
-- whatever order the summary was built in.  = compares the binary form,
-- which is canonical, and the hash class hashes it: GROUP BY, DISTINCT,
-- UNION, hash joins and hash partitioning.  Summaries have no meaningful
-- order, so there is no btree class.
CREATE FUNCTION {type}_eq({type}, {type}) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION {type}_ne({type}, {type}) RETURNS boolean
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION {type}_hash({type}) RETURNS integer
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION {type}_hash_extended({type}, bigint) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION {type}_eq({type}, {type}) IS 'implements = : {meaning}';
COMMENT ON FUNCTION {type}_ne({type}, {type}) IS 'implements <>';
COMMENT ON FUNCTION {type}_hash({type}) IS 'hash support: a hash of the binary form';
COMMENT ON FUNCTION {type}_hash_extended({type}, bigint) IS 'hash support: a 64-bit hash of the binary form from a seed';
CREATE OPERATOR = (
    LEFTARG = {type}, RIGHTARG = {type}, FUNCTION = {type}_eq,
    COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
CREATE OPERATOR <> (
    LEFTARG = {type}, RIGHTARG = {type}, FUNCTION = {type}_ne,
    COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR =({type}, {type}) IS '{meaning}';
COMMENT ON OPERATOR <>({type}, {type}) IS 'not equal';
CREATE OPERATOR CLASS {type}_hash_ops DEFAULT FOR TYPE {type} USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 {type}_hash({type}),
    FUNCTION 2 {type}_hash_extended({type}, bigint);
COMMENT ON OPERATOR CLASS {type}_hash_ops USING hash IS
    'default hash class of {type}: GROUP BY, DISTINCT, UNION, hash joins and hash partitioning on equal summaries';
COMMENT ON OPERATOR FAMILY {type}_hash_ops USING hash IS
    'the hash family of {type}_hash_ops: {meaning}';
--@ end
