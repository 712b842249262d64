-- Every read of the summaries write.sql stored, one line each:
-- "relation.column: call = result", errors with their SQLSTATE.
SELECT label || ' = ' || kept.read(query) FROM kept.reads ORDER BY label;
