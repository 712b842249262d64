--------------------------------------------------------------------------------
-- Time in status: status_summary of a ticket's status changes, time_in_status
-- in calendar or business time, and the accessors of a history
--------------------------------------------------------------------------------

--@ since 1.1
CREATE TYPE status_summary;
CREATE FUNCTION status_summary_in(cstring) RETURNS status_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION status_summary_out(status_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION status_summary_recv(internal) RETURNS status_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION status_summary_send(status_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION status_summary_in(cstring) IS 'reads the text form of status_summary';
COMMENT ON FUNCTION status_summary_out(status_summary) IS 'writes the text form of status_summary';
COMMENT ON FUNCTION status_summary_recv(internal) IS 'reads the binary form of status_summary';
COMMENT ON FUNCTION status_summary_send(status_summary) IS 'writes the binary form of status_summary';
CREATE TYPE status_summary (
    INPUT = status_summary_in,
    OUTPUT = status_summary_out,
    RECEIVE = status_summary_recv,
    SEND = status_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE status_summary IS
    'a ticket''s status changes in time order (at one instant in byte order of the status); text form "v1 2024-01-01T08:00:00Z "new", 2024-01-01T09:15:00Z "open""';

-- Not strict: the first change creates the state; rows with a NULL status
-- or changed_at are skipped.  The state is status_summary itself, changes
-- appended in place; the final function sorts them and drops repeats.
--@ since 1.1
CREATE FUNCTION status_summary_add(status_summary, text, timestamptz) RETURNS status_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION status_summary_add(status_summary, text, timestamptz) IS
    'transition function: adds one status change';
CREATE FUNCTION status_summary_merge(status_summary, status_summary) RETURNS status_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION status_summary_merge(status_summary, status_summary) IS
    'combine function: the changes of both partial histories of a ticket';
CREATE FUNCTION status_summary_final(status_summary) RETURNS status_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION status_summary_final(status_summary) IS
    'final function of status_summary(...): the changes in time order, exact repeats dropped';
CREATE AGGREGATE status_summary(status text, changed_at timestamptz) (
    SFUNC = status_summary_add, STYPE = status_summary, FINALFUNC = status_summary_final,
    COMBINEFUNC = status_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE status_summary(text, timestamptz) IS
    'a ticket''s status history from its status changes in any order (a status lasts until the next change; changes at one instant follow the statuses'' byte order; NULLs are skipped)';

--@ since 1.1
--@ each type | meaning
--@      status_summary | the same status changes
--@ use equality

--@ since 1.1
CREATE FUNCTION time_in_status(s status_summary, status text, until timestamptz DEFAULT NULL,
        cal business_calendar DEFAULT NULL) RETURNS interval
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION time_in_status(status_summary, text, timestamptz, business_calendar) IS
    'the time the ticket spent in status, the last status lasting until until (NULL: no time); with a calendar only its open time; in hours';
CREATE FUNCTION first_reached(s status_summary, status text) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION first_reached(status_summary, text) IS
    'the first time the ticket changed to status, NULL if it never did';
CREATE FUNCTION last_status(s status_summary) RETURNS text
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION last_status(status_summary) IS
    'the status in force after the last change';
CREATE FUNCTION status_changes(s status_summary) RETURNS bigint
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION status_changes(status_summary) IS
    'the number of status changes';
CREATE FUNCTION statuses(s status_summary) RETURNS text[]
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION statuses(status_summary) IS
    'the statuses the ticket has been in, in the order it first reached them';
