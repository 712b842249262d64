--------------------------------------------------------------------------------
-- Customer lifetime value, exact: clv_summary, CLV, revenue per customer, CAC
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

--@ each key     | c    | customer
--@      integer | int4 | an integer-keyed customer
--@      bigint  | int8 | a bigint-keyed customer
--@      text    | text | a text-keyed customer (keys compared byte for byte)
--@      uuid    | uuid | a uuid-keyed customer
CREATE FUNCTION clv_summary_add(clv_summary, {key}, numeric, timestamptz) RETURNS clv_summary
    AS 'MODULE_PATHNAME', 'clv_summary_add_{c}' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION clv_summary_add(clv_summary, {key}, numeric, timestamptz) IS
    'transition function: adds one purchase of {customer}';
--@ end
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

--@ each name        | final             | comment
--@      clv_summary | clv_summary_final | per-customer revenue summary, for rollup() and the accessors
--@      clv         | clv               | customer lifetime value in one step: clv(clv_summary(...))
--@ each key
--@      integer
--@      bigint
--@      text
--@      uuid
CREATE AGGREGATE {name}(customer {key}, amount numeric, purchased_at timestamptz) (
    SFUNC = clv_summary_add, STYPE = clv_summary, FINALFUNC = {final},
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE {name}({key}, numeric, timestamptz) IS '{comment}';
--@ end
CREATE AGGREGATE rollup(clv_summary) (
    SFUNC = clv_summary_merge, STYPE = clv_summary, FINALFUNC = clv_summary_final,
    COMBINEFUNC = clv_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(clv_summary) IS 'merges CLV summaries; a customer in several is one customer';

--@ since 1.1
--@ each type | meaning
--@      clv_summary | the same customers, each with the same record, at the same scale
--@ use equality
