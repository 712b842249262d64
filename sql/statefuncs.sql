--
-- State functions called by hand.  The transition states are real types, so
-- every transition, inverse transition, combine and final function of every
-- aggregate is an ordinary SQL function too, and gets whatever a user sends:
-- NULLs, empty and maximal summaries, another aggregate's state, extreme
-- arguments.  Each call must either return a value or fail with a kpi_ext
-- errcode; never XX000, never a crash, never a state that is not one.
--
-- Everything is driven from the catalog (pg_aggregate and the extension's
-- pg_depend entries): a new aggregate is covered without editing this file,
-- and its functions show up in the tables below.
--
SET extra_float_digits = 0;
SET TimeZone = 'UTC';

-- Values to call with, per argument type.  ord picks a baseline for one
-- argument position (0: any position); the first row of a type (by ord,
-- then seq) at a position is its baseline there, the others are varied one
-- argument at a time.
CREATE TABLE sf_pool (typ regtype, ord int, seq int, label text, lit text);
INSERT INTO sf_pool VALUES
    -- states
    ('score_summary', 0, 1, 'typical', $$'v1 0:1 9:2 10:3'$$),
    ('score_summary', 0, 2, 'empty', $$'v1'$$),
    ('score_summary', 0, 3, 'csat_state', $$'v1 scale=5 4:2 5:1'$$),
    ('score_summary', 0, 4, 'ces_state', $$'v1 scale=7 1:1 7:1'$$),
    ('score_summary', 0, 5, 'max_count', $$'v1 10:9223372036854775807'$$),
    ('score_summary', 0, 6, 'max_total', $$'v1 0:9223372036854775806 5:1'$$),
    ('score_summary', 0, 7, 'null', 'NULL'),
    ('rate_summary', 0, 1, 'typical', $$'v1 2/5'$$),
    ('rate_summary', 0, 2, 'empty', $$'v1 0/0'$$),
    ('rate_summary', 0, 3, 'large', $$'v1 50/100'$$),
    ('rate_summary', 0, 4, 'max_hits', $$'v1 9223372036854775807/9223372036854775807'$$),
    ('rate_summary', 0, 5, 'max_misses', $$'v1 0/9223372036854775807'$$),
    ('rate_summary', 0, 6, 'null', 'NULL'),
    ('duration_summary', 0, 1, 'typical', $$'v1 count=2 sum=3.000000 min=1.000000 max=2.000000 954:1 1018:1'$$),
    ('duration_summary', 0, 2, 'empty', $$'v1'$$),
    ('duration_summary', 0, 3, 'p90_state', $$'v1 p=0.9 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1'$$),
    ('duration_summary', 0, 4, 'p50_state', $$'v1 p=0.5 count=1 sum=5.000000 min=5.000000 max=5.000000 1100:1'$$),
    ('duration_summary', 0, 5, 'max_value', $$'v1 count=1 sum=9223372036854.775807 min=9223372036854.775807 max=9223372036854.775807 3711:1'$$),
    ('duration_summary', 0, 6, 'max_count', $$'v1 count=9223372036854775807 sum=0.000000 min=0.000000 max=0.000000 0:9223372036854775807'$$),
    ('duration_summary', 0, 7, 'null', 'NULL'),
    ('clv_summary', 0, 1, 'int_keyed', $$'v1 integer scale=2; 1 purchases=2 revenue=150.00 first=2024-01-03T10:00:00Z last=2024-03-01T00:00:00Z; 7 purchases=1 revenue=-5.25 first=2024-02-01T00:00:00Z last=2024-02-01T00:00:00Z'$$),
    ('clv_summary', 0, 2, 'empty_int', $$'v1 integer scale=0'$$),
    ('clv_summary', 0, 3, 'text_keyed', $$'v1 text scale=0; "alice" purchases=1 revenue=10 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'$$),
    ('clv_summary', 0, 4, 'uuid_keyed', $$'v1 uuid scale=1; a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 purchases=3 revenue=9.9 first=2024-01-01T00:00:00Z last=2025-01-01T00:00:00Z'$$),
    ('clv_summary', 0, 5, 'max_money', $$'v1 integer scale=0; 1 purchases=9223372036854775807 revenue=99999999999999999999999999999999999999 first=0001-01-01T00:00:00Z last=9999-12-31T23:59:59.999999Z'$$),
    ('clv_summary', 0, 6, 'scale_38', $$'v1 integer scale=38; 2 purchases=1 revenue=0.00000000000000000000000000000000000001 first=2024-01-01T00:00:00Z last=2024-01-01T00:00:00Z'$$),
    ('clv_summary', 0, 7, 'null', 'NULL'),
    ('mrr_summary', 0, 1, 'typical', $$'v1 scale=2 rows=4 starting=3/150.00 new=1/30.00 expansion=1/20.00 contraction=0/0.00 churned=1/50.00'$$),
    ('mrr_summary', 0, 2, 'empty', $$'v1 scale=0 rows=0 starting=0/0 new=0/0 expansion=0/0 contraction=0/0 churned=0/0'$$),
    ('mrr_summary', 0, 3, 'max_money', $$'v1 scale=0 rows=9223372036854775807 starting=1/99999999999999999999999999999999999999 new=0/0 expansion=1/99999999999999999999999999999999999999 contraction=0/0 churned=0/0'$$),
    ('mrr_summary', 0, 4, 'scale_38', $$'v1 scale=38 rows=1 starting=0/0 new=1/0.00000000000000000000000000000000000001 expansion=0/0 contraction=0/0 churned=0/0'$$),
    ('mrr_summary', 0, 5, 'null', 'NULL'),
    ('sentiment_summary', 0, 1, 'typical', $$'v1 3/1/2 0.25'$$),
    ('sentiment_summary', 0, 2, 'empty', $$'v1 0/0/0 0'$$),
    ('sentiment_summary', 0, 3, 'max_texts', $$'v1 9223372036854775807/0/0 9223372036.854775807'$$),
    ('sentiment_summary', 0, 4, 'all_negative', $$'v1 0/0/5 -5'$$),
    ('sentiment_summary', 0, 5, 'null', 'NULL'),
    ('subscription_summary', 0, 1, 'int_keyed', $$'v1 integer scale=2; 1 2024-01-01T00:00:00Z=100.00 2024-03-01T00:00:00Z=0.00; 7 2024-02-01T00:00:00Z=5.25'$$),
    ('subscription_summary', 0, 2, 'empty_int', $$'v1 integer scale=0'$$),
    ('subscription_summary', 0, 3, 'text_keyed', $$'v1 text scale=0; "alice" 2024-01-01T00:00:00Z=10 2024-02-01T00:00:00Z=20'$$),
    ('subscription_summary', 0, 4, 'uuid_keyed', $$'v1 uuid scale=1; a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 2024-01-01T00:00:00Z=9.9'$$),
    ('subscription_summary', 0, 5, 'max_money', $$'v1 integer scale=0; 1 0001-01-01T00:00:00Z=99999999999999999999999999999999999999 9999-12-31T23:59:59.999999Z=0'$$),
    ('subscription_summary', 0, 6, 'scale_38', $$'v1 integer scale=38; 2 2024-01-01T00:00:00Z=0.00000000000000000000000000000000000001'$$),
    ('subscription_summary', 0, 7, 'null', 'NULL'),
    ('status_summary', 0, 1, 'typical', $$'v1 2024-01-01T08:00:00Z "new", 2024-01-01T09:00:00Z "open", 2024-01-02T10:00:00Z "pending", 2024-01-03T11:00:00Z "solved"'$$),
    ('status_summary', 0, 2, 'one', $$'v1 2024-01-01T00:00:00Z "open"'$$),
    ('status_summary', 0, 3, 'tied', $$'v1 2024-01-01T00:00:00Z "open", 2024-01-01T00:00:00Z "pending"'$$),
    ('status_summary', 0, 4, 'extremes', $$'v1 0001-01-01T00:00:00Z "", 9999-12-31T23:59:59.999999Z "say ""hi"""'$$),
    ('status_summary', 0, 5, 'null', 'NULL'),
    ('health_score', 0, 1, 'typical', $$'v1 usage=80 weight=2, nps=65 weight=1'$$),
    ('health_score', 0, 2, 'one', $$'v1 x=0 weight=1'$$),
    ('health_score', 0, 3, 'extreme_weights', $$'v1 tiny=100 weight=1e-300, huge=0 weight=1e300'$$),
    ('health_score', 0, 4, 'full_32', (SELECT quote_literal('v1 ' || string_agg('c' || i || '=' || i || ' weight=1', ', ')) FROM generate_series(1, 32) AS i)),
    ('health_score', 0, 5, 'null', 'NULL'),
    ('btyd_summary', 0, 1, 'bgnbd', $$'v1 bgnbd rows=3; x=0 t_x=0 t=10 n=1; x=2 t_x=4 t=9 n=2'$$),
    ('btyd_summary', 0, 2, 'pareto_nbd', $$'v1 pareto_nbd rows=3; x=0 t_x=0 t=10 n=1; x=2 t_x=4 t=9 n=2'$$),
    ('btyd_summary', 0, 3, 'gamma_gamma', $$'v1 gamma_gamma rows=3; x=1 mean_value=10 n=1; x=3 mean_value=25.5 n=2'$$),
    ('btyd_summary', 0, 4, 'sbg', $$'v1 sbg rows=1000; period=0 alive=500; period=1 alive=300; period=2 alive=200'$$),
    ('btyd_summary', 0, 5, 'empty_bgnbd', $$'v1 bgnbd rows=0'$$),
    ('btyd_summary', 0, 6, 'max_count', $$'v1 bgnbd rows=9223372036854775807; x=1 t_x=1 t=2 n=9223372036854775807'$$),
    ('btyd_summary', 0, 7, 'null', 'NULL'),
    ('btyd_purchases', 0, 1, 'weeks', $$'v1 end=2024-03-31 unit=604800000000 scale=2; 2024-01-01=12.50 2024-01-15=7.25'$$),
    ('btyd_purchases', 0, 2, 'empty', $$'v1 end=2024-03-31 unit=604800000000 scale=0'$$),
    ('btyd_purchases', 0, 3, 'days', $$'v1 end=2024-03-31 unit=86400000000 scale=0; 2024-02-01=5'$$),
    ('btyd_purchases', 0, 4, 'max_money', $$'v1 end=2024-03-31 unit=604800000000 scale=0; 2024-03-31=99999999999999999999999999999999999999'$$),
    ('btyd_purchases', 0, 5, 'scale_38', $$'v1 end=2024-03-31 unit=604800000000 scale=38; 0001-01-01=0.00000000000000000000000000000000000001'$$),
    ('btyd_purchases', 0, 6, 'null', 'NULL'),
    -- arguments; baselines first
    ('smallint', 0, 1, '5', '5'),
    ('smallint', 0, 2, '0', '0'), ('smallint', 0, 3, '10', '10'), ('smallint', 0, 4, '11', '11'),
    ('smallint', 0, 5, '-1', '-1'), ('smallint', 0, 6, 'max', '32767'), ('smallint', 0, 7, 'min', '-32768'),
    ('smallint', 0, 8, 'null', 'NULL'),
    ('integer', 0, 1, '5', '5'), ('integer', 2, 1, '1', '1'),
    ('integer', 0, 2, '0', '0'), ('integer', 0, 3, '1', '1'), ('integer', 0, 4, '10', '10'), ('integer', 0, 5, '11', '11'),
    ('integer', 0, 6, '-1', '-1'), ('integer', 0, 7, 'max', '2147483647'), ('integer', 0, 8, 'min', '-2147483648'),
    ('integer', 0, 9, 'null', 'NULL'),
    ('bigint', 0, 1, '5', '5'), ('bigint', 3, 1, '10', '10'),
    ('bigint', 0, 2, '0', '0'), ('bigint', 0, 3, '10', '10'), ('bigint', 0, 4, '11', '11'), ('bigint', 0, 5, '-1', '-1'),
    ('bigint', 0, 6, 'max', '9223372036854775807'), ('bigint', 0, 7, 'min', '(-9223372036854775807 - 1)'),
    ('bigint', 0, 8, 'null', 'NULL'),
    ('boolean', 0, 1, 'true', 'true'), ('boolean', 0, 2, 'false', 'false'), ('boolean', 0, 3, 'null', 'NULL'),
    ('double precision', 0, 1, '0.5', '0.5'), ('double precision', 4, 1, '1', '1'),
    ('double precision', 0, 2, '0', '0'), ('double precision', 0, 3, '1', '1'), ('double precision', 0, 4, '100', '100'),
    ('double precision', 0, 5, '101', '101'), ('double precision', 0, 6, '-1', '-1'),
    ('double precision', 0, 7, '1e-300', '1e-300'), ('double precision', 0, 8, '1e300', '1e300'),
    ('double precision', 0, 9, 'nan', $$'NaN'$$), ('double precision', 0, 10, 'inf', $$'Infinity'$$),
    ('double precision', 0, 11, '-inf', $$'-Infinity'$$), ('double precision', 0, 12, 'null', 'NULL'),
    ('numeric', 0, 1, '100', '100'), ('numeric', 3, 1, '120', '120'),
    ('numeric', 0, 2, '0', '0'), ('numeric', 0, 3, '12.34', '12.34'), ('numeric', 0, 4, '-1', '-1'),
    ('numeric', 0, 5, '38_digits', '99999999999999999999999999999999999999'),
    ('numeric', 0, 6, '38_decimals', '0.00000000000000000000000000000000000001'),
    ('numeric', 0, 7, '1e40', '1e40'), ('numeric', 0, 8, 'nan', $$'NaN'$$), ('numeric', 0, 9, 'inf', $$'Infinity'$$),
    ('numeric', 0, 10, 'null', 'NULL'),
    ('interval', 0, 1, '10s', $$'10 s'$$), ('interval', 3, 1, '15s', $$'15 s'$$),
    ('interval', 0, 2, '0', $$'0'$$), ('interval', 0, 3, '-1us', $$'-1 microsecond'$$),
    ('interval', 0, 4, '10y', $$'10 years'$$), ('interval', 0, 5, 'max_days', $$'2147483647 days'$$),
    ('interval', 0, 6, 'max_years', $$'178000000 years'$$), ('interval', 0, 7, 'min_years', $$'-178000000 years'$$),
    ('interval', 0, 8, 'max_time', $$'2562047788 hours'$$), ('interval', 0, 9, 'null', 'NULL'),
    ('timestamp with time zone', 2, 1, '2025-01-01', $$'2025-01-01'$$),
    ('timestamp with time zone', 3, 1, '2025-03-15', $$'2025-03-15'$$),
    ('timestamp with time zone', 4, 1, '2025-03-01', $$'2025-03-01'$$),
    ('timestamp with time zone', 5, 1, '2025-04-01', $$'2025-04-01'$$),
    ('timestamp with time zone', 0, 2, 'year_1', $$'0001-01-01 00:00:00+00'$$),
    ('timestamp with time zone', 0, 3, 'year_9999', $$'9999-12-31 23:59:59.999999+00'$$),
    ('timestamp with time zone', 0, 4, 'infinity', $$'infinity'$$),
    ('timestamp with time zone', 0, 5, '-infinity', $$'-infinity'$$),
    ('timestamp with time zone', 0, 6, 'null', 'NULL'),
    ('text', 0, 1, 'support', $$'support'$$),
    ('text', 0, 2, 'empty', $$''$$), ('text', 0, 3, 'usage', $$'usage'$$), ('text', 0, 4, '64_bytes', $$repeat('n', 64)$$),
    ('text', 0, 5, 'quote', $$'a"b'$$), ('text', 0, 6, 'null', 'NULL'),
    ('text', 3, 1, 'id', $$'id'$$),
    ('date', 0, 1, '2024-01-15', $$'2024-01-15'$$), ('date', 4, 1, '2024-03-31', $$'2024-03-31'$$),
    ('date', 0, 2, 'year_1', $$'0001-01-01'$$), ('date', 0, 3, 'year_9999', $$'9999-12-31'$$),
    ('date', 0, 4, 'bc', $$'4713-01-01 BC'$$), ('date', 0, 5, 'infinity', $$'infinity'$$),
    ('date', 0, 6, '-infinity', $$'-infinity'$$), ('date', 0, 7, 'null', 'NULL'),
    ('interval', 5, 1, '7d', $$'7 days'$$),
    ('uuid', 0, 1, 'uuid', $$'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'$$),
    ('uuid', 0, 2, 'nil', $$'00000000-0000-0000-0000-000000000000'$$), ('uuid', 0, 3, 'null', 'NULL');

-- Every support function SQL can reach, with its role in some aggregate.
CREATE VIEW sf_functions AS
SELECT DISTINCT f.fn, f.role
  FROM pg_aggregate a
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = a.aggfnoid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
 CROSS JOIN LATERAL (VALUES (a.aggtransfn, 'transition'), (a.aggcombinefn, 'combine'),
                            (a.aggfinalfn, 'final'), (a.aggmtransfn, 'transition'),
                            (a.aggminvtransfn, 'inverse'), (a.aggmfinalfn, 'final'),
                            (a.aggserialfn, 'serial'), (a.aggdeserialfn, 'serial')) AS f(fn, role)
 WHERE f.fn <> 0;

-- The argument types of every such function must have a pool, or this
-- file needs a new row above.
SELECT DISTINCT t.typ::regtype AS type_without_values
  FROM sf_functions f JOIN pg_proc p ON p.oid = f.fn CROSS JOIN unnest(p.proargtypes) AS t(typ)
 WHERE NOT EXISTS (SELECT FROM sf_pool WHERE sf_pool.typ = t.typ);

-- The extension's own types, and the text of a literal of one of them.
CREATE VIEW sf_types AS
SELECT d.objid::regtype AS typ
  FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
 WHERE d.classid = 'pg_type'::regclass AND d.deptype = 'e';
CREATE FUNCTION sf_text(lit text, typ regtype) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
BEGIN
    EXECUTE format('SELECT ((%s)::%s)::text', lit, typ) INTO result;
    RETURN result;
END $$;

-- sf_call(fn, args): 'ok' or the SQLSTATE, the text of the result and, for
-- a kpi_ext state, whether that text reads back to the same value.
CREATE TABLE sf_outcomes (id int GENERATED ALWAYS AS IDENTITY, fn regprocedure, role text, varied int, labels text[], args text[],
                          outcome text, message text, result text, rereads boolean);
CREATE FUNCTION sf_call(fn regprocedure, args text[], OUT outcome text, OUT message text,
                        OUT result text, OUT rereads boolean) LANGUAGE plpgsql AS $$
DECLARE
    p pg_proc;
    call text;
BEGIN
    SELECT * INTO p FROM pg_proc WHERE oid = fn;
    call := format('%I.%I(%s)', p.pronamespace::regnamespace, p.proname,
                   (SELECT string_agg(format('(%s)::%s', a, t::regtype), ', ' ORDER BY i)
                      FROM unnest(args, p.proargtypes::oid[]) WITH ORDINALITY AS x(a, t, i)));
    EXECUTE format('SELECT (%s)::text', call) INTO result;
    outcome := 'ok';
    IF result IS NOT NULL AND p.prorettype IN (SELECT typ FROM sf_types) THEN
        EXECUTE format('SELECT (%L::%s)::text = %L', result, p.prorettype::regtype, result) INTO rereads;
    END IF;
EXCEPTION WHEN others THEN
    outcome := SQLSTATE;
    message := SQLERRM;
END $$;

-- For every function: all arguments NULL; then each argument varied over
-- its pool with the others at their baselines; and for functions of two
-- states, every pair of states.  The baseline state of a function is the
-- first of its pool with which the all-baseline call succeeds.
DO $$
DECLARE
    f record;
    types oid[];
    base text[];
    base_labels text[];
    v record;
    w record;
    args text[];
    labels text[];
    r record;
BEGIN
    FOR f IN SELECT fn, min(role) AS role FROM sf_functions GROUP BY fn ORDER BY fn::text LOOP
        -- (proargtypes is an oidvector, whose subscripts start at 0)
        SELECT array_agg(t ORDER BY i) INTO types
          FROM pg_proc CROSS JOIN unnest(proargtypes) WITH ORDINALITY AS x(t, i) WHERE oid = f.fn;
        SELECT array_agg(b.lit ORDER BY i), array_agg(b.label ORDER BY i) INTO base, base_labels
          FROM unnest(types) WITH ORDINALITY AS x(t, i)
         CROSS JOIN LATERAL (SELECT lit, label FROM sf_pool
                              WHERE typ = t AND ord IN (0, i) ORDER BY ord DESC, seq LIMIT 1) AS b;
        -- the baseline state: the first that works with the baseline arguments
        FOR v IN SELECT lit, label FROM sf_pool WHERE typ = types[1] AND lit <> 'NULL' ORDER BY seq LOOP
            IF (sf_call(f.fn, v.lit || base[2:])).outcome = 'ok' THEN
                base[1] := v.lit;
                base_labels[1] := v.label;
                EXIT;
            END IF;
        END LOOP;

        args := array_fill('NULL'::text, ARRAY[cardinality(types)]);
        r := sf_call(f.fn, args);
        INSERT INTO sf_outcomes (fn, role, varied, labels, args, outcome, message, result, rereads)
                    VALUES (f.fn, f.role, 0, array_fill('null'::text, ARRAY[cardinality(types)]),
                                        args, r.outcome, r.message, r.result, r.rereads);
        FOR i IN 1 .. cardinality(types) LOOP
            FOR v IN SELECT lit, label FROM sf_pool WHERE typ = types[i] AND ord IN (0, i)
                      ORDER BY ord = i DESC, seq LOOP
                args := base;
                args[i] := v.lit;
                labels := base_labels;
                labels[i] := v.label;
                r := sf_call(f.fn, args);
                INSERT INTO sf_outcomes (fn, role, varied, labels, args, outcome, message, result, rereads)
                    VALUES (f.fn, f.role, i, labels, args, r.outcome, r.message, r.result, r.rereads);
            END LOOP;
        END LOOP;
        IF cardinality(types) = 2 AND types[1] = types[2] THEN
            FOR v IN SELECT lit, label FROM sf_pool WHERE typ = types[1] ORDER BY seq LOOP
                FOR w IN SELECT lit, label FROM sf_pool WHERE typ = types[2] ORDER BY seq LOOP
                    r := sf_call(f.fn, ARRAY[v.lit, w.lit]);
                    INSERT INTO sf_outcomes (fn, role, varied, labels, args, outcome, message, result, rereads)
                    VALUES (f.fn, f.role, 12, ARRAY[v.label, w.label],
                                                    ARRAY[v.lit, w.lit], r.outcome, r.message, r.result, r.rereads);
                END LOOP;
            END LOOP;
        END IF;
    END LOOP;
END $$;

-- How many function x input cases that was, and of how many functions.
SELECT count(DISTINCT fn) AS functions, count(*) AS cases,
       count(*) FILTER (WHERE outcome = 'ok') AS returned_a_value,
       count(*) FILTER (WHERE outcome <> 'ok') AS clean_errors
  FROM sf_outcomes;

-- The outcomes, one line per function and varied argument: the value at
-- the baseline first, then each value tried there with the others at their
-- baselines, and what happened.  A change in any outcome shows up here.
SELECT fn, varied AS arg, string_agg(labels[varied] || '=' || outcome, ' ' ORDER BY id) AS outcomes
  FROM sf_outcomes WHERE varied BETWEEN 1 AND 11
 GROUP BY fn, varied ORDER BY fn::text, varied;
-- all arguments NULL: NULL (ok) for every function, strict or not
SELECT outcome AS all_null, count(*) AS functions, count(*) FILTER (WHERE result IS NOT NULL) AS not_null_results
  FROM sf_outcomes WHERE varied = 0 GROUP BY outcome;
-- two states: one line per first state, the outcome with each second state
SELECT fn, labels[1] AS first, string_agg(labels[2] || '=' || outcome, ' ' ORDER BY id) AS with_second
  FROM sf_outcomes WHERE varied = 12 GROUP BY fn, labels[1]
 ORDER BY fn::text, min(id);

-- Never an internal error or an unexpected class: only the contract's
-- codes (22003 out of range, 22023 bad parameter, 22P02 bad text, 22008
-- for a purchase time outside the years 1..9999, 42804 for a point in time
-- where a duration belongs).  Must be empty.
SELECT fn, labels, outcome, message FROM sf_outcomes
 WHERE outcome NOT IN ('ok', '22003', '22023', '22P02', '22008', '42804')
 ORDER BY fn::text;
-- An error names the function or the aggregate it serves, or the type
-- whose literal was bad.  Must be empty.
SELECT DISTINCT fn::text, outcome, message FROM sf_outcomes o
 WHERE outcome <> 'ok' AND outcome <> '22P02'
   AND message NOT LIKE (SELECT proname FROM pg_proc WHERE oid = o.fn) || ':%'
   AND message NOT LIKE '%summary count overflows bigint'
   AND message NOT LIKE '%sum of durations overflows bigint seconds'
 ORDER BY 1, 2, 3;
-- Every state a function returned is a value of its type: its text reads
-- back (a negative count or a sum that wrapped would not).  Must be empty.
SELECT fn, labels, result FROM sf_outcomes WHERE rereads IS DISTINCT FROM true AND result IS NOT NULL
   AND (SELECT prorettype FROM pg_proc WHERE oid = fn) IN (SELECT typ FROM sf_types);

-- Inverse transitions: removing what a transition just added gives back
-- the state before it, exactly; removing from an empty state what the
-- transition would have counted is an error, not a negative count.  For
-- every moving aggregate and every argument its transition accepts.
CREATE TABLE sf_inverse AS
SELECT *, (sf_call(msfunc, quote_literal(result) || args[2:])).result AS readded
  FROM (
SELECT agg, msfunc, args, labels, before, added, (sf_call(minv, added_lit || args[2:])).*,
       (sf_call(minv, empty_lit || args[2:])).outcome AS from_empty,
       (sf_call(msfunc, empty_lit || args[2:])).result AS empty_plus_row,
       sf_text(empty_lit, mstype) AS empty
  FROM (SELECT a.aggfnoid::regprocedure AS agg, a.aggmtransfn::regprocedure AS msfunc,
               a.aggminvtransfn::regprocedure AS minv, a.aggmtranstype::regtype AS mstype,
               o.labels, o.args, sf_text(o.args[1], a.aggmtranstype) AS before, o.result AS added,
               quote_literal(o.result) AS added_lit,
               -- rollup has no initial value: its empty state is the pool's
               coalesce(quote_literal(a.aggminitval),
                        (SELECT lit FROM sf_pool WHERE typ = a.aggmtranstype AND label LIKE 'empty%'
                          ORDER BY seq LIMIT 1)) AS empty_lit
          FROM pg_aggregate a
          JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = a.aggfnoid AND d.deptype = 'e'
          JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
          JOIN sf_outcomes o ON o.fn = a.aggmtransfn AND o.outcome = 'ok' AND o.varied > 0
         WHERE a.aggminvtransfn <> 0 AND o.args[1] <> 'NULL' AND o.result IS NOT NULL) AS t) AS u;
SELECT count(DISTINCT agg) AS moving_aggregates, count(*) AS cases,
       count(*) FILTER (WHERE from_empty <> 'ok') AS refused_from_empty
  FROM sf_inverse;
-- must be empty: the removal failed, or adding the row again does not give
-- exactly the state it was removed from
SELECT agg, labels, before, added, outcome, result, readded FROM sf_inverse
 WHERE outcome <> 'ok' OR readded IS DISTINCT FROM added ORDER BY agg::text;
-- the removal gives back the state before, but for what an empty MRR
-- summary remembers: the decimal scale, which merging it passes on (an
-- empty score summary forgets the scale it adopted: nothing depends on it)
SELECT DISTINCT before, result AS removed FROM sf_inverse WHERE result IS DISTINCT FROM before ORDER BY 1, 2;
-- must be empty: removing from an empty state worked although the row counts
SELECT agg, labels, from_empty, empty_plus_row FROM sf_inverse
 WHERE from_empty = 'ok' AND empty_plus_row IS DISTINCT FROM empty ORDER BY agg::text;

-- Combine functions do not care which state comes first: the same outcome
-- and, when they return one, the same state.  Must be empty.
SELECT a.fn, a.labels, a.outcome, b.outcome AS swapped_outcome, a.result, b.result AS swapped_result
  FROM sf_outcomes a JOIN sf_outcomes b ON b.fn = a.fn AND b.varied = 12 AND b.labels = ARRAY[a.labels[2], a.labels[1]]
 WHERE a.varied = 12 AND a.role = 'combine'
   AND (a.outcome IS DISTINCT FROM b.outcome OR a.result IS DISTINCT FROM b.result)
 ORDER BY a.fn::text, a.id;

-- Called directly, a transition function works on a copy: a summary stored
-- in a table is the same afterwards, whatever was called on it, and so is
-- one that rollup() took as its first value.  One stored summary per pool
-- state, each state function called on it with the baseline arguments.
CREATE TABLE sf_stored (typ regtype, label text, lit text, before text);
DO $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT typ, label, lit FROM sf_pool WHERE typ IN (SELECT typ FROM sf_types) AND lit <> 'NULL' LOOP
        EXECUTE format('CREATE TABLE %I (s %s)', 'sf_col_' || v.typ || '_' || v.label, v.typ);
        EXECUTE format('INSERT INTO %I VALUES ((%s)::%s)', 'sf_col_' || v.typ || '_' || v.label, v.lit, v.typ);
        INSERT INTO sf_stored VALUES (v.typ, v.label, v.lit, sf_text(v.lit, v.typ));
    END LOOP;
END $$;
DO $$
DECLARE
    o record;
    tab text;
    calls int := 0;
    refused int := 0;
BEGIN
    FOR o IN SELECT DISTINCT ON (s.typ, s.label, f.fn) s.typ, s.label, f.fn, f.args, p.proname, p.pronamespace
               FROM sf_stored s
               JOIN sf_outcomes f ON f.varied = 1 AND f.labels[1] = s.label
               JOIN pg_proc p ON p.oid = f.fn AND p.proargtypes[0] = s.typ
              ORDER BY s.typ, s.label, f.fn, f.id LOOP
        tab := 'sf_col_' || o.typ || '_' || o.label;
        BEGIN
            EXECUTE format('SELECT count(%I.%I(s%s)) FROM %I', o.pronamespace::regnamespace, o.proname,
                           (SELECT string_agg(format(', (%s)::%s', a, t::regtype), '' ORDER BY i)
                              FROM unnest(o.args[2:], (SELECT array_agg(x) FROM unnest((SELECT proargtypes FROM pg_proc WHERE oid = o.fn)) x)[2:])
                                   WITH ORDINALITY AS y(a, t, i)),
                           tab);
            calls := calls + 1;
        EXCEPTION WHEN others THEN
            refused := refused + 1;
        END;
    END LOOP;
    -- rollup takes the first stored value as its state and merges into it
    FOR o IN SELECT typ, label FROM sf_stored LOOP
        IF EXISTS (SELECT FROM pg_proc WHERE proname = 'rollup' AND proargtypes[0] = o.typ) THEN
            BEGIN
                EXECUTE format('SELECT rollup(s)::text FROM (SELECT s FROM %I, generate_series(1, 3)) AS t',
                               'sf_col_' || o.typ || '_' || o.label);
                calls := calls + 1;
            EXCEPTION WHEN others THEN
                refused := refused + 1;
            END;
        END IF;
    END LOOP;
    RAISE NOTICE 'calls on stored summaries: % returned a value, % a clean error', calls, refused;
END $$;
-- must be empty: a stored summary changed
DO $$
DECLARE
    v record;
    now_text text;
BEGIN
    FOR v IN SELECT * FROM sf_stored LOOP
        EXECUTE format('SELECT s::text FROM %I', 'sf_col_' || v.typ || '_' || v.label) INTO now_text;
        IF now_text IS DISTINCT FROM v.before THEN
            RAISE NOTICE 'stored % % changed from % to %', v.typ, v.label, v.before, now_text;
        END IF;
    END LOOP;
END $$;
