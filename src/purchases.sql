--------------------------------------------------------------------------------
-- From orders to the per-customer rows the BTYD fits take
--------------------------------------------------------------------------------

--@ since 1.1
-- btyd_customer's transition state: one customer's purchase days with their
-- exact spend (src/purchases.c).
CREATE TYPE btyd_purchases;
CREATE FUNCTION btyd_purchases_in(cstring) RETURNS btyd_purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_purchases_out(btyd_purchases) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_purchases_recv(internal) RETURNS btyd_purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_purchases_send(btyd_purchases) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION btyd_purchases_in(cstring) IS 'reads the text form of btyd_purchases';
COMMENT ON FUNCTION btyd_purchases_out(btyd_purchases) IS 'writes the text form of btyd_purchases';
COMMENT ON FUNCTION btyd_purchases_recv(internal) IS 'reads the binary form of btyd_purchases';
COMMENT ON FUNCTION btyd_purchases_send(btyd_purchases) IS 'writes the binary form of btyd_purchases';
CREATE TYPE btyd_purchases (
    INPUT = btyd_purchases_in,
    OUTPUT = btyd_purchases_out,
    RECEIVE = btyd_purchases_recv,
    SEND = btyd_purchases_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE btyd_purchases IS
    'transition state of btyd_customer: a customer''s purchase days up to observation_end, each with its spend';

--@ since 1.1
CREATE TYPE btyd_customer AS (x bigint, t_x float8, t float8, mean_value float8);
COMMENT ON TYPE btyd_customer IS
    'one customer as the BTYD fits take it: repeat purchase days, time of the last and age at the end of observation (in units from the first purchase day), mean spend of the repeat days';

--@ since 1.1
CREATE FUNCTION btyd_purchases_add(btyd_purchases, date, numeric, date, interval) RETURNS btyd_purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION btyd_purchases_add(btyd_purchases, date, numeric, date, interval) IS
    'transition function: adds one order (day, amount) of purchases observed up to observation_end, times in the given unit';
CREATE FUNCTION btyd_purchases_add(btyd_purchases, date, numeric, date) RETURNS btyd_purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION btyd_purchases_add(btyd_purchases, date, numeric, date) IS
    'transition function: adds one order (day, amount) of purchases observed up to observation_end, times in weeks';
CREATE FUNCTION btyd_purchases_merge(btyd_purchases, btyd_purchases) RETURNS btyd_purchases
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION btyd_purchases_merge(btyd_purchases, btyd_purchases) IS
    'combine function: the purchase days of both';
CREATE FUNCTION btyd_customer(btyd_purchases) RETURNS btyd_customer
    AS 'MODULE_PATHNAME', 'btyd_purchases_customer' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION btyd_customer(btyd_purchases) IS
    'final function: (x, t_x, t, mean_value) of the purchase days; NULL without any';

--@ since 1.1
-- One row per customer from its orders, as the papers derive it: purchases
-- on one day count as one, days after observation_end are left out.
CREATE AGGREGATE btyd_customer(day date, amount numeric, observation_end date, unit interval) (
    SFUNC = btyd_purchases_add, STYPE = btyd_purchases, FINALFUNC = btyd_customer,
    COMBINEFUNC = btyd_purchases_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE btyd_customer(date, numeric, date, interval) IS
    'a customer''s (x, t_x, t, mean_value) from their orders: repeat purchase days up to observation_end, t_x and t in the given unit';
CREATE AGGREGATE btyd_customer(day date, amount numeric, observation_end date) (
    SFUNC = btyd_purchases_add, STYPE = btyd_purchases, FINALFUNC = btyd_customer,
    COMBINEFUNC = btyd_purchases_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE btyd_customer(date, numeric, date) IS
    'a customer''s (x, t_x, t, mean_value) from their orders: repeat purchase days up to observation_end, t_x and t in weeks';

--@ since 1.1
--@ each type | meaning
--@      btyd_purchases | the same purchase days with the same spend, observation end and unit
--@ use equality
