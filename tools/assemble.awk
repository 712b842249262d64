# Assembles kpi_ext's SQL scripts from the family sources src/*.sql, read
# in the order the Makefile names them.
#
#   awk -v mode=install -v version=1.1 -f tools/assemble.awk src/*.sql
#       the install script of version: every object of every family
#   awk -v mode=upgrade -v from=1.0 -v version=1.1 -f tools/assemble.awk src/*.sql
#       the upgrade script from the release before: only what version adds
#
# The sources are plain SQL plus lines that start with "--@", which never
# reach the output:
#
#   --@ since 1.1
#       The paragraph it starts (up to the next blank line) is new in 1.1:
#       the install script has it, and the upgrade script has only such
#       paragraphs.  Objects without it are the ones 1.0 released.
#
#   --@ changed in 1.1
#       The paragraph it starts was released before and 1.1 changes it
#       (only a view can change in place: kpi_catalog gains rows).  The
#       install script has it as written; the upgrade script has it too,
#       its CREATE VIEW written CREATE OR REPLACE VIEW, which keeps the
#       view's columns, comments and dependants.
#
#   --@ each name | sfunc
#   --@      nps_agg | score_summary_add
#   --@      csat_agg | score_summary_add_csat
#   --@ each int | c
#   --@      smallint | int2
#   --@      integer | int4
#   ...template lines naming {name}, {sfunc}, {int}, {c}...
#   --@ end
#       The template once for every combination of the tables' rows, the
#       first table outermost, each {column} replaced by the row's cell
#       (a {word} that names no column is an error).  A row written
#       "--@ since 1.1: numeric | ..." is new in 1.1: the upgrade script
#       gets the combinations with it.
#
#   --@ define equality
#   ...template lines...
#   --@ end
#       A named template, written once (src/common.sql holds those every
#       family uses) and never output by itself;
#   --@ each type | meaning
#   --@      clv_summary | the same customers
#   --@ use equality
#       then stands for the tables above followed by its lines and --@ end.

function fail(message) {
	printf "%s:%d: %s\n", FILENAME, FNR, message > "/dev/stderr"
	failed = 1
	exit 1
}

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# s with every from replaced by to, literally (gsub would read & and \ in to)
function replace_all(s, from, to,    out, at) {
	out = ""
	while ((at = index(s, from)) > 0) {
		out = out substr(s, 1, at - 1) to
		s = substr(s, at + length(from))
	}
	return out s
}

# new: the line is part of what version adds
function emit(line, new,    name) {
	if (mode == "upgrade" && !new)
		return
	if (mode == "upgrade" && replacing) {
		if (line ~ /^CREATE / && line !~ /^CREATE VIEW /)
			fail("a changed paragraph can only replace views")
		sub(/^CREATE VIEW /, "CREATE OR REPLACE VIEW ", line)
	}
	if (mode == "upgrade" && labelled != FILENAME) {
		name = FILENAME
		sub(/.*\//, "", name)
		print "-- from src/" name
		labelled = FILENAME
	}
	print line
}

function expand(    t, c, i, line, done, new) {
	for (t = 1; t <= tables; t++) {
		if (rows[t] == 0)
			fail("a table without rows")
		pick[t] = 1
	}
	for (done = 0; !done; ) {
		# a combination is new with its paragraph or with any of its rows
		new = new_paragraph
		for (t = 1; t <= tables; t++)
			new = new || row_since[t, pick[t]] == version
		if (mode == "upgrade" && new && !new_paragraph && !spaced) {
			print ""
			spaced = 1
		}
		for (i = 1; i <= lines; i++) {
			line = template[i]
			for (t = 1; t <= tables; t++)
				for (c = 1; c <= columns[t]; c++)
					line = replace_all(line, "{" column[t, c] "}", cell[t, pick[t], c])
			if (match(line, /\{[a-z_][a-z0-9_]*\}/))
				fail("no column " substr(line, RSTART, RLENGTH) " in the tables of this template")
			emit(line, new)
		}
		# the next combination: the last table's row turns fastest
		for (t = tables; t >= 1 && ++pick[t] > rows[t]; t--)
			pick[t] = 1
		done = t < 1
	}
	tables = 0
	lines = 0
	collecting = 0
	spaced = 0
}

BEGIN {
	if (mode == "install") {
		print "/* kpi_ext--" version ".sql: customer KPIs as aggregates */"
		print "-- built by the Makefile from the family sources src/FAMILY.sql with tools/assemble.awk: edit those"
		print ""
		print "-- complain if script is sourced in psql, rather than via CREATE EXTENSION"
		print "\\echo Use \"CREATE EXTENSION kpi_ext\" to load this file. \\quit"
	} else if (mode == "upgrade" && from != "") {
		print "/* kpi_ext--" from "--" version ".sql: what " version " adds to " from " */"
		print "-- built by the Makefile from the family sources src/FAMILY.sql with tools/assemble.awk: edit those"
		print ""
		print "-- complain if script is sourced in psql, rather than via ALTER EXTENSION"
		print "\\echo Use \"ALTER EXTENSION kpi_ext UPDATE TO '" version "'\" to load this file. \\quit"
	} else {
		print "usage: awk -v mode=install|upgrade [-v from=A] -v version=B -f tools/assemble.awk src/*.sql" > "/dev/stderr"
		failed = 1
		exit 2
	}
	if (version == "")
		fail("no -v version=")
}

# each family source starts on a new paragraph
FNR == 1 {
	if (collecting)
		fail("the file before ends inside a template")
	new_paragraph = 0
	replacing = 0
	if (mode == "install")
		print ""
}

/^--@/ {
	directive = trim(substr($0, 4))
	if (directive ~ /^since [0-9]+\.[0-9]+$/) {
		if (collecting)
			fail("--@ since inside a template")
		split(directive, word, " ")
		new_paragraph = word[2] == version
		if (mode == "upgrade" && new_paragraph)
			print ""
		next
	}
	if (directive ~ /^changed in [0-9]+\.[0-9]+$/) {
		if (collecting)
			fail("--@ changed inside a template")
		split(directive, word, " ")
		new_paragraph = word[3] == version
		replacing = new_paragraph
		if (mode == "upgrade" && new_paragraph)
			print ""
		next
	}
	if (directive ~ /^each /) {
		if (lines > 0)
			fail("--@ each after template lines; end the template first")
		collecting = 1
		tables++
		rows[tables] = 0
		columns[tables] = split(substr(directive, 6), word, "|")
		for (c = 1; c <= columns[tables]; c++)
			column[tables, c] = trim(word[c])
		next
	}
	if (directive ~ /^define [a-z_]+$/) {
		if (collecting)
			fail("--@ define inside a template")
		collecting = 1
		defining = substr(directive, 8)
		next
	}
	if (directive == "end") {
		if (!collecting || lines == 0)
			fail("--@ end without a template")
		if (defining != "") {
			for (i = 1; i <= lines; i++)
				defined[defining, i] = template[i]
			defined_lines[defining] = lines
			defining = ""
			lines = 0
			collecting = 0
		} else
			expand()
		next
	}
	if (directive ~ /^use [a-z_]+$/) {
		name = substr(directive, 5)
		if (!collecting || tables == 0 || lines > 0)
			fail("--@ use " name " must follow the tables of its rows")
		if (!(name in defined_lines))
			fail("no --@ define " name " before this --@ use")
		for (lines = 1; lines <= defined_lines[name]; lines++)
			template[lines] = defined[name, lines]
		lines = defined_lines[name]
		expand()
		next
	}
	if (collecting && lines == 0 && defining == "") {
		rows[tables]++
		row_since[tables, rows[tables]] = ""
		if (match(directive, /^since [0-9]+\.[0-9]+:/)) {
			row_since[tables, rows[tables]] = substr(directive, 7, RLENGTH - 7)
			directive = substr(directive, RLENGTH + 1)
		}
		if (split(directive, word, "|") != columns[tables])
			fail("a row with " split(directive, word, "|") " cells in a table of " columns[tables] " columns")
		for (c = 1; c <= columns[tables]; c++)
			cell[tables, rows[tables], c] = trim(word[c])
		next
	}
	fail("unknown directive: " $0)
}

collecting {
	template[++lines] = $0
	next
}

/^[ \t]*$/ {
	if (mode == "install")
		print ""
	new_paragraph = 0
	replacing = 0
	next
}

{ emit($0, new_paragraph) }

END {
	if (!failed && collecting)
		fail("the last file ends inside a template")
}
