-- Reads every KPI off the values write.sql stored: each kpi_ext function
-- that takes one stored value (found in the catalog, so a new accessor is
-- read too), the text and binary forms, and the materialized views.  The
-- output is compared byte for byte across versions.
\pset format unaligned
\pset tuples_only on
\pset footer off
SET extra_float_digits = 1;
SET TimeZone = 'UTC';
SELECT format('SELECT %L AS kpi, %L AS col, grp, %s(%I)::text AS value FROM %I ORDER BY grp',
              p.oid::regprocedure, a.attname, p.oid::regproc, a.attname, c.relname)
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_depend dt ON dt.classid = 'pg_type'::regclass AND dt.objid = t.oid AND dt.deptype = 'e'
  JOIN pg_proc p ON p.pronargs - p.pronargdefaults = 1 AND p.proargtypes[0] = t.oid
                AND p.prokind = 'f' AND p.prorettype <> 'internal'::regtype
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
 WHERE c.relname LIKE 'stored\_%' AND c.relkind IN ('r', 'm')
   AND p.proretset = false AND p.proname NOT LIKE '%\_out'
 ORDER BY c.relname, a.attname, p.oid::regprocedure::text
\gexec
SELECT format('SELECT %L AS form, grp, %I::text AS text_form, encode(%I(%I), %L) AS binary_form FROM %I ORDER BY grp',
              a.attname, a.attname, t.typname || '_send', a.attname, 'hex', c.relname)
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
  JOIN pg_type t ON t.oid = a.atttypid AND t.typsend::text LIKE '%\_send'
  JOIN pg_depend d ON d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e'
 WHERE c.relname LIKE 'stored\_%' AND c.relkind = 'r'
 ORDER BY c.relname, a.attname
\gexec
SELECT * FROM stored_rollups;
SELECT * FROM stored_monthly ORDER BY month;
SELECT grp, percentile(waited_s, 0.9), percentiles(waited_s, '{0.25,0.75}') FROM stored_durations ORDER BY grp;
SELECT grp, nps_ci(nps_s), csat, ces, clv(by_text, 3) FROM stored_scores JOIN stored_clv USING (grp) ORDER BY grp;
SELECT grp, component(h, 'nps'), band(h, 40, 70), (SELECT array_agg(x::text) FROM components(h) x) FROM stored_health ORDER BY grp;
