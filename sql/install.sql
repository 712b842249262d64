--
-- Installing kpi_ext.  It is trusted: a user with CREATE on the database
-- installs it without superuser rights.
--
SET client_min_messages = warning;
DROP EXTENSION IF EXISTS kpi_ext;
DROP ROLE IF EXISTS kpi_analyst;
CREATE ROLE kpi_analyst;
DO $$ BEGIN EXECUTE format('GRANT CREATE ON DATABASE %I TO kpi_analyst', current_database()); END $$;

SET ROLE kpi_analyst;
CREATE EXTENSION kpi_ext;
SELECT extname, extowner::regrole AS owner, extversion
  FROM pg_extension WHERE extname = 'kpi_ext';
SELECT nps_agg(score) FROM (VALUES (10), (9), (3)) AS answers(score);
RESET ROLE;

-- From PostgreSQL 18 the loaded library reports its name and version
-- (PG_MODULE_MAGIC_EXT), which must be the extension's.
DO $$
DECLARE
    loaded text;
BEGIN
    IF current_setting('server_version_num')::int >= 180000 THEN
        EXECUTE $q$SELECT module_name || ' ' || version FROM pg_get_loaded_modules()
                    WHERE file_name LIKE 'kpi_ext%'$q$ INTO loaded;
        IF loaded IS DISTINCT FROM (SELECT 'kpi_ext ' || extversion FROM pg_extension WHERE extname = 'kpi_ext') THEN
            RAISE EXCEPTION 'the loaded library reports %', coalesce(loaded, 'nothing');
        END IF;
    END IF;
END $$;

DROP EXTENSION kpi_ext;
DO $$ BEGIN EXECUTE format('REVOKE CREATE ON DATABASE %I FROM kpi_analyst', current_database()); END $$;
DROP ROLE kpi_analyst;

-- The later test files use this extension and the helper below.
CREATE EXTENSION kpi_ext;

-- Every aggregate can be split (api.md): a combine function; parallel safe
-- itself and in every support function, since one unsafe function keeps the
-- planner from splitting it; state types, moving ones too, that kpi_ext
-- owns (never internal, polymorphic or borrowed); no polymorphic arguments.
SELECT p.oid::regprocedure AS aggregate
  FROM pg_aggregate a
  JOIN pg_proc p ON p.oid = a.aggfnoid
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
 WHERE a.aggcombinefn = 0
    OR p.proparallel <> 's'
    OR EXISTS (SELECT FROM unnest(ARRAY[a.aggtransfn, a.aggcombinefn, a.aggfinalfn,
                                        a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn]::oid[]) AS f
                 JOIN pg_proc ON pg_proc.oid = f
                WHERE pg_proc.proparallel <> 's')
    OR EXISTS (SELECT FROM unnest(ARRAY[a.aggtranstype, nullif(a.aggmtranstype, 0)]) AS t
                WHERE t IS NOT NULL
                  AND NOT EXISTS (SELECT FROM pg_depend
                                   WHERE classid = 'pg_type'::regclass AND objid = t
                                     AND refobjid = e.oid AND deptype = 'e'))
    OR EXISTS (SELECT FROM unnest(p.proargtypes) t JOIN pg_type ON pg_type.oid = t WHERE typtype = 'p');

-- Every object has a comment, so \df+, \dd, \d+ and BI metadata browsers
-- explain it: functions, types, operators, operator classes and families,
-- views and every column of a view.  The array types PostgreSQL makes for
-- each type and the row type of a view or a table belong to the extension
-- too from 17 on; they are described by what they were made for.
SELECT pg_describe_object(d.classid, d.objid, 0) AS undocumented
  FROM pg_depend d
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
 WHERE d.deptype = 'e'
   AND obj_description(d.objid, d.classid::regclass::name) IS NULL
   AND NOT EXISTS (SELECT FROM pg_type t
                    WHERE d.classid = 'pg_type'::regclass AND t.oid = d.objid
                      AND (EXISTS (SELECT FROM pg_type elem WHERE elem.typarray = t.oid)
                           OR EXISTS (SELECT FROM pg_class c WHERE c.reltype = t.oid AND c.relkind IN ('v', 'r'))))
UNION ALL
SELECT pg_describe_object('pg_class'::regclass, a.attrelid, a.attnum)
  FROM pg_depend d
  JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
  JOIN pg_attribute a ON d.classid = 'pg_class'::regclass AND a.attrelid = d.objid
 WHERE d.deptype = 'e' AND a.attnum > 0 AND NOT a.attisdropped
   AND col_description(a.attrelid, a.attnum) IS NULL
 ORDER BY 1;

-- Every type can be compared (1.1): a default hash class with = and both
-- support functions (the 32-bit hash, and the 64-bit hash from a seed that
-- hash partitioning needs), so DISTINCT, UNION, GROUP BY and hash joins work.
SELECT t.typname,
       EXISTS (SELECT FROM pg_opclass AS c
                 JOIN pg_am AS am ON am.oid = c.opcmethod AND am.amname = 'hash'
                WHERE c.opcintype = t.oid AND c.opcdefault
                  AND EXISTS (SELECT FROM pg_amop AS o
                               WHERE o.amopfamily = c.opcfamily AND o.amopstrategy = 1
                                 AND o.amoplefttype = t.oid AND o.amoprighttype = t.oid
                                 AND o.amopopr::regoperator::text = format('=(%1$s,%1$s)', t.typname))
                  AND (SELECT count(*) FROM pg_amproc AS p
                        WHERE p.amprocfamily = c.opcfamily AND p.amproclefttype = t.oid
                          AND p.amprocnum IN (1, 2)) = 2) AS hash_class,
       EXISTS (SELECT FROM pg_operator AS o
                WHERE o.oprname = '<>' AND o.oprleft = t.oid AND o.oprright = t.oid
                  AND o.oprnegate = (SELECT oid FROM pg_operator WHERE oprname = '=' AND oprleft = t.oid AND oprright = t.oid)) AS not_equal
  FROM pg_type AS t
  JOIN pg_depend AS d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
  JOIN pg_extension AS e ON e.oid = d.refobjid AND e.extname = 'kpi_ext'
 WHERE t.typtype = 'b' AND t.typcategory <> 'A'
 ORDER BY 1;

-- Which direction is better is one of three documented words.
SELECT kpi, better FROM kpi_catalog WHERE better IS NULL OR better NOT IN ('higher', 'lower', 'neither');

-- The catalog of KPIs names only functions that exist.
SELECT family, count(*) AS kpis FROM kpi_catalog GROUP BY family ORDER BY family;
SELECT kpi, sql FROM kpi_catalog
 WHERE NOT EXISTS (SELECT FROM pg_proc WHERE proname = substring(sql FROM '^([a-z_]+)\('))
 ORDER BY kpi;

-- The helpers the other files use, from here to the end of this file
-- (test/t/010_upgrade_chain.pl creates them from here for its run).
-- sqlstate_of(query): "SQLSTATE: message (detail)" of the error the query
-- raises, so tests show both the code and the words a user sees.
CREATE FUNCTION sqlstate_of(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    detail text;
BEGIN
    EXECUTE query;
    RETURN 'no error';
EXCEPTION WHEN others THEN
    GET STACKED DIAGNOSTICS detail = PG_EXCEPTION_DETAIL;
    RETURN SQLSTATE || ': ' || SQLERRM || coalesce(' (' || nullif(detail, '') || ')', '');
END $$;

-- Every summary type's equality is tested the same way, over a table
-- (label text, s <type>) of summaries built in different ways.  Its hash
-- functions are <type>_hash and <type>_hash_extended.
CREATE FUNCTION summary_type_of(tbl regclass) RETURNS text LANGUAGE sql AS $$
    SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = tbl AND attname = 's'
$$;
-- equality_matrix(tbl): for each label, the labels whose summary is equal
-- to it, whether equal summaries have equal 32- and 64-bit hashes, how many
-- are unequal, and whether those hash differently.
CREATE FUNCTION equality_matrix(tbl regclass)
RETURNS TABLE (label text, equal_to text, same_hashes boolean, unequal bigint, other_hashes boolean)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        SELECT a.label, string_agg(b.label, ', ' ORDER BY b.label) FILTER (WHERE a.s = b.s),
               bool_and(%1$s_hash(a.s) = %1$s_hash(b.s)
                        AND %1$s_hash_extended(a.s, 7) = %1$s_hash_extended(b.s, 7)) FILTER (WHERE a.s = b.s),
               count(*) FILTER (WHERE a.s <> b.s),
               bool_and(%1$s_hash(a.s) <> %1$s_hash(b.s)) FILTER (WHERE a.s <> b.s)
          FROM %2$s AS a CROSS JOIN %2$s AS b GROUP BY a.label ORDER BY a.label$q$,
        summary_type_of(tbl), tbl);
END $$;
-- equality_laws(tbl): GROUP BY, DISTINCT and UNION find the same groups
-- (NULL one of them); the 64-bit hash with seed 0 agrees with the 32-bit
-- one in its low bits, as hash classes require, and another seed gives
-- another hash.
CREATE FUNCTION equality_laws(tbl regclass)
RETURNS TABLE (groups bigint, distinct_rows bigint, null_rows bigint, union_rows bigint,
               low_bits_agree boolean, seeds_differ boolean)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE format($q$
        SELECT (SELECT count(*) FROM (SELECT s FROM %2$s GROUP BY s) AS g),
               (SELECT count(*) FROM (SELECT DISTINCT s FROM %2$s) AS d),
               (SELECT count(*) FROM (SELECT DISTINCT s FROM %2$s) AS d WHERE s IS NULL),
               (SELECT count(*) FROM (SELECT s FROM %2$s UNION SELECT s FROM %2$s) AS u),
               bool_and(%1$s_hash(s)::bit(32) = %1$s_hash_extended(s, 0)::bit(32)),
               bool_and(%1$s_hash_extended(s, 0) <> %1$s_hash_extended(s, 1))
          FROM %2$s$q$,
        summary_type_of(tbl), tbl);
END $$;
-- hash_join_pairs(tbl): the pairs of labels with equal summaries, found by
-- a hash join (the only join method left on), and whether the plan is one.
CREATE FUNCTION hash_join_pairs(tbl regclass) RETURNS TABLE (hash_join boolean, pairs text)
LANGUAGE plpgsql AS $$
DECLARE
    plan text := '';
    line text;
BEGIN
    PERFORM set_config('enable_mergejoin', 'off', true), set_config('enable_nestloop', 'off', true);
    FOR line IN EXECUTE format('EXPLAIN (COSTS OFF) SELECT FROM %1$s AS a JOIN %1$s AS b ON a.s = b.s', tbl) LOOP
        plan := plan || line || E'\n';
    END LOOP;
    RETURN QUERY EXECUTE format($q$
        SELECT %2$L LIKE '%%Hash Join%%', string_agg(a.label || ' = ' || b.label, ', ' ORDER BY a.label, b.label)
          FROM %1$s AS a JOIN %1$s AS b ON a.s = b.s WHERE a.label < b.label$q$, tbl, plan);
END $$;
