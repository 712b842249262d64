--------------------------------------------------------------------------------
-- Calendar: business_calendar, business_duration, business_add, is_open
--------------------------------------------------------------------------------

--@ since 1.1
CREATE TYPE business_calendar;

--@ since 1.1
CREATE FUNCTION business_calendar_in(cstring) RETURNS business_calendar
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION business_calendar_out(business_calendar) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION business_calendar_recv(internal) RETURNS business_calendar
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION business_calendar_send(business_calendar) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION business_calendar_in(cstring) IS 'reads the text form of business_calendar';
COMMENT ON FUNCTION business_calendar_out(business_calendar) IS 'writes the text form of business_calendar';
COMMENT ON FUNCTION business_calendar_recv(internal) IS 'reads the binary form of business_calendar';
COMMENT ON FUNCTION business_calendar_send(business_calendar) IS 'writes the binary form of business_calendar';

--@ since 1.1
CREATE TYPE business_calendar (
    INPUT = business_calendar_in,
    OUTPUT = business_calendar_out,
    RECEIVE = business_calendar_recv,
    SEND = business_calendar_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = main
);
COMMENT ON TYPE business_calendar IS
    'a time zone, weekly opening hours in local time, closed local dates and closed local time ranges; text form "v1 Asia/Jakarta [mon-fri 08:00-17:00] {2025-03-31,2025-04-01}", with ranges "v2 ... {2025-03-31} (2025-12-24 12:00-24:00)"';

--@ since 1.1
--@ each type | meaning
--@      business_calendar | the same time zone, opening hours, holidays and closed ranges
--@ use equality

--@ since 1.1
CREATE FUNCTION business_calendar(time_zone text, hours text, holidays date[] DEFAULT '{}', closed text DEFAULT '') RETURNS business_calendar
    AS 'MODULE_PATHNAME', 'business_calendar_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION business_calendar(text, text, date[], text) IS
    'builds a business calendar from a time zone name, weekly hours such as ''mon-fri 08:00-17:00; sat 08:00-12:00'' or ''24/7'' (an interval ending before it starts runs past midnight), closed local dates and closed local time ranges of dates such as ''2025-12-24 12:00-24:00; 2025-03-28 13:00-17:00''';
CREATE FUNCTION business_duration(start timestamptz, finish timestamptz, cal business_calendar) RETURNS interval
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION business_duration(timestamptz, timestamptz, business_calendar) IS
    'the open time of the calendar between start and finish, exact to the microsecond, in hours';
CREATE FUNCTION business_add(start timestamptz, amount interval, cal business_calendar) RETURNS timestamptz
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION business_add(timestamptz, interval, business_calendar) IS
    'the first moment by which amount of open time has passed since start (an SLA due time)';
CREATE FUNCTION is_open(t timestamptz, cal business_calendar) RETURNS boolean
    AS 'MODULE_PATHNAME', 'business_is_open' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION is_open(timestamptz, business_calendar) IS
    'whether the calendar is open at t';
