--
-- Search-path safety.  PostgreSQL picks a function by name among those in
-- every schema on search_path, and a call whose argument types match one
-- exactly reaches that one wherever its schema is on the path; only among
-- functions of the same argument types does the earlier schema win.  So a
-- same-named function over integer arguments, even in a schema after
-- kpi_ext's, takes calls written with integer literals, as README's
-- examples are.  The calls below show which function each call reaches:
-- kpi_ext's return a number, the impostors the text 'impostor'.
--
SET extra_float_digits = 0;
CREATE SCHEMA kpi;
ALTER EXTENSION kpi_ext SET SCHEMA kpi;
CREATE SCHEMA impostor;
CREATE FUNCTION impostor.kpi_scale(integer, integer, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.kpi_scale(numeric, numeric, numeric) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.kpi_scale(bigint, integer, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.kpi_scale(double precision, double precision, double precision) RETURNS text
    LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.cac(numeric, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.clv(numeric, integer, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.retention_rate(integer, integer, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;
CREATE FUNCTION impostor.components(text) RETURNS text LANGUAGE sql AS $$ SELECT 'impostor' $$;

-- kpi_ext's schema first, the impostors' after it: README's calls with
-- integer or decimal literals, and a bigint column, reach the impostors,
-- which match their argument types more closely.  Calls whose arguments
-- have exactly kpi_ext's types reach kpi_ext (the impostor of the same
-- types, in a later schema, is hidden), and so do those no impostor matches
-- more closely: float8 does not convert to numeric implicitly, nor bigint
-- to integer.
SET search_path = kpi, impostor;
SELECT kpi_scale(3, 0, 10)::text AS int_literals,
       kpi_scale(3.5, 0, 10)::text AS decimal_literal,
       kpi_scale(3::bigint, 0, 10)::text AS bigint_value,
       kpi_scale(0.8::float8, 0.6, 1.0)::text AS float8_and_decimals,
       kpi_scale(3::float8, 0::float8, 10::float8)::text AS float8_arguments;
SELECT cac(12000.00, 40)::text AS literals, cac(12000.00, 40::bigint)::text AS bigint_count,
       clv(250.00, 4, 3)::text AS literals, clv(250.00, 4::numeric, 3::numeric)::text AS numeric_arguments,
       retention_rate(200, 190, 30)::text AS literals, retention_rate(200::bigint, 190, 30)::text AS one_bigint,
       retention_rate(200::bigint, 190::bigint, 30::bigint)::text AS bigint_arguments;
-- a summary written as a bare literal has no type yet, and text is
-- preferred for it; a cast gives it kpi_ext's type
SELECT components('v1 nps=65 weight=1')::text AS bare_literal,
       (SELECT name FROM components('v1 nps=65 weight=1'::health_score)) AS typed_literal;

-- Schema-qualified calls consider only the named schema: kpi_ext's
-- functions, whatever the literals
SELECT kpi.kpi_scale(3, 0, 10)::text AS kpi_scale, kpi.kpi_scale(3.5, 0, 10)::text AS kpi_scale_decimal,
       kpi.cac(12000.00, 40)::text AS cac, kpi.clv(250.00, 4, 3)::text AS clv,
       kpi.retention_rate(200, 190, 30)::text AS retention_rate,
       (SELECT name FROM kpi.components('v1 nps=65 weight=1')) AS components;

-- The order of the schemas decides only between functions of the same
-- argument types: with the impostors' schema first, even exactly typed
-- calls reach them
SET search_path = impostor, kpi;
SELECT kpi_scale(3::float8, 0::float8, 10::float8)::text AS float8_arguments,
       kpi.kpi_scale(3::float8, 0::float8, 10::float8)::text AS qualified;

-- Why kpi_ext has no integer overloads: one over integers would take back
-- the all-integer call (same argument types, earlier schema), but not a
-- call with a decimal literal or a bigint value, nor any other mix of
-- argument types an impostor matches more closely; there are too many
-- combinations to cover, and qualified calls close them all.  Shown here
-- with a stand-in in kpi_ext's schema, dropped afterwards.
CREATE FUNCTION kpi.kpi_scale(integer, integer, integer) RETURNS double precision
    LANGUAGE sql AS $$ SELECT kpi.kpi_scale($1::float8, $2::float8, $3::float8) $$;
SET search_path = kpi, impostor;
SELECT kpi_scale(3, 0, 10)::text AS int_literals,
       kpi_scale(3.5, 0, 10)::text AS decimal_literal,
       kpi_scale(3::bigint, 0, 10)::text AS bigint_value;
DROP FUNCTION kpi.kpi_scale(integer, integer, integer);

RESET search_path;
DROP SCHEMA impostor CASCADE;
ALTER EXTENSION kpi_ext SET SCHEMA public;
DROP SCHEMA kpi;
