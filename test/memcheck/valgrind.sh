#!/usr/bin/env bash
# The pg_regress suite with the server under valgrind memcheck, against
# kpi_ext built with debug information, in a throwaway cluster on a private
# relocated copy of PostgreSQL (the system installation is never touched).
# Fails if the suite fails, a backend crashes, or valgrind reports an error
# whose stack (or origin stack) goes through kpi_ext; errors entirely inside
# PostgreSQL or libc are counted and listed, not failed on.  Slow: see
# Reliability in doc/operations.md.  Run as root on Debian 12: it installs what
# is missing.
#
# KPI_VALGRIND_OPTS adds valgrind options (say --track-origins=no to go
# faster, or --gen-suppressions=all to write suppressions).

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kpi_require_build_packages valgrind bzip2
kpi_make_tmp
kpi_relocate_postgres

# PostgreSQL's own suppressions (src/tools/valgrind.supp) are not ours to
# commit: take them from Debian's source package of this major version,
# through a private apt configuration so the system's sources stay as they
# are, and keep them in a cache.  Without them the run still works: errors
# outside kpi_ext are listed, not failed on.
kpi_postgres_supp() {
	local cache=${XDG_CACHE_HOME:-$HOME/.cache}/kpi_ext
	local supp=$cache/postgresql-$PG_MAJOR-valgrind.supp d=$KPI_TMP/apt v
	if [ ! -s "$supp" ]; then
		mkdir -p "$cache" "$d/parts" "$d/lists/partial" "$d/cache/archives/partial"
		cat >"$d/parts/deb-src.sources" <<-SOURCES
			Types: deb-src
			URIs: http://deb.debian.org/debian
			Suites: bookworm bookworm-updates
			Components: main
			Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

			Types: deb-src
			URIs: http://deb.debian.org/debian-security
			Suites: bookworm-security
			Components: main
			Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		SOURCES
		local apt=(-qq -o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$d/parts"
			-o Dir::State::Lists="$d/lists" -o Dir::Cache="$d/cache" -o APT::Sandbox::User=root)
		if ! apt-get "${apt[@]}" update >/dev/null 2>&1; then
			kpi_log "Debian's source index is unreachable; running without suppressions"
			return 0
		fi
		# newest first; a version can be listed but gone from a mirror's pool,
		# and valgrind.supp hardly changes between minor releases
		for v in $(apt-cache "${apt[@]}" showsrc "postgresql-$PG_MAJOR" 2>/dev/null |
			awk '/^Version:/ {print $2}' | sort -rV); do
			(cd "$d" && apt-get "${apt[@]}" source --download-only "postgresql-$PG_MAJOR=$v" >/dev/null 2>&1) && break
		done
		if ! tar -xOf "$d"/postgresql-"$PG_MAJOR"_*.orig.tar.* --wildcards '*/src/tools/valgrind.supp' \
			>"$supp.new" 2>/dev/null || [ ! -s "$supp.new" ]; then
			rm -f "$supp.new"
			kpi_log "could not get valgrind.supp from Debian's postgresql-$PG_MAJOR source; running without suppressions"
			return 0
		fi
		mv "$supp.new" "$supp"
		kpi_log "PostgreSQL's valgrind.supp from Debian's postgresql-$PG_MAJOR $v, cached in $supp"
		rm -rf "$d"
	fi
	cp "$supp" "$KPI_TMP/postgresql.supp"
	echo "--suppressions=$KPI_TMP/postgresql.supp"
}
supp_opts=$(kpi_postgres_supp)

# -O1 keeps stacks close to the source without memcheck's -O2 false alarms;
# DWARF 4 because valgrind 3.19 cannot evaluate some of gcc 12's DWARF 5
# location expressions (it warns on every error otherwise)
kpi_build_instrumented "-O1 -g -gdwarf-4"

vg_dir=$KPI_TMP/valgrind
mkdir -p "$vg_dir"
[ "$(id -u)" = 0 ] && chown postgres: "$vg_dir"
# The server executable pg_ctl starts: valgrind around the real postgres.
# Backends are forked, not exec'd, so they stay under valgrind; children
# that postgres does exec (none in this suite) are followed too.  No
# --error-exitcode: a backend exiting non-zero makes the postmaster restart
# every session, so findings are read from the logs instead, one per process.
# --track-origins: uninitialised bytes that reach a syscall inside
# PostgreSQL (a WAL or heap write) are ours if they were allocated by us.
cat >"$KPI_TMP/postgres-valgrind" <<WRAPPER
#!/bin/sh
exec valgrind --quiet --tool=memcheck --trace-children=yes --track-origins=yes \\
	--read-var-info=yes --num-callers=40 --error-limit=no --leak-check=no \\
	$supp_opts ${KPI_VALGRIND_OPTS:-} \\
	--log-file=$vg_dir/%p.log "$PG_BINDIR/postgres" "\$@"
WRAPPER
chmod 755 "$KPI_TMP/postgres-valgrind"

# Fewer background processes to simulate; parallel workers stay, since the
# scale-out tests force parallel plans.
KPI_SERVER_OPTS="-c autovacuum=off -c max_parallel_workers=2 -c max_worker_processes=4 -c shared_buffers=32MB"
kpi_start_instrumented "$KPI_TMP/postgres-valgrind" 600
kpi_psql -qAt -c "LOAD 'kpi_ext'" >/dev/null
kpi_run_regress "$KPI_WORK"
kpi_stop_instrumented 600

# One paragraph per valgrind error once the "==pid== " prefixes are gone.
# Ours: a frame in kpi_ext.so or in one of the files under src/.
sources=$(cd "$KPI_ROOT/src" && ls -- *.c | sed 's/\.c$//' | paste -sd '|')
ours_re="kpi_ext\\.so|\\(($sources)\\.c:[0-9]+\\)"
errors=0 ours=0
: >"$KPI_TMP/ours.txt"
: >"$KPI_TMP/others.txt"
for f in "$vg_dir"/*.log; do
	[ -s "$f" ] || continue
	# valgrind's own notes ("--pid-- ...") are not errors
	grep -v '^--[0-9]*--' "$f" | sed -E 's/^==[0-9]+== ?//' | awk -v RS= -v ours="$ours_re" \
		-v o="$KPI_TMP/ours.txt" -v x="$KPI_TMP/others.txt" -v src="$f" '
		/  (at|by) 0x/ { print "-- " src "\n" $0 "\n" >> ($0 ~ ours ? o : x) }'
done
ours=$(grep -c '^-- ' "$KPI_TMP/ours.txt" || true)
others=$(grep -c '^-- ' "$KPI_TMP/others.txt" || true)
if [ "$others" != 0 ]; then
	kpi_log "$others valgrind errors entirely inside PostgreSQL or libc (not failed on; first 60 lines):"
	head -n 60 "$KPI_TMP/others.txt"
fi
if [ "$ours" != 0 ]; then
	kpi_log "$ours valgrind errors through kpi_ext:"
	cat "$KPI_TMP/ours.txt"
fi
crashes=$(kpi_count_crashes)

echo "valgrind: pg_regress $KPI_REGRESS_OK passed, $KPI_REGRESS_BAD failed;" \
	"$ours errors in kpi_ext, $others elsewhere (ignored); $crashes backend crashes; $(kpi_elapsed)"
[ "$KPI_REGRESS_BAD" = 0 ] && [ "$ours" = 0 ] && [ "$crashes" = 0 ]
