# Shared by test/memcheck/valgrind.sh and test/memcheck/sanitize.sh: a
# private relocated copy of PostgreSQL, a build of kpi_ext in a scratch
# copy of the tree, and the pg_regress suite.  Source it; it is not a
# command.
#
# Other people run the ordinary suite against the system PostgreSQL at the
# same time, so an instrumented kpi_ext.so must never reach the system
# directories: everything here goes under $KPI_TMP.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

KPI_T0=$SECONDS

# Copies the installation PG_BINDIR belongs to under $KPI_TMP/pg, keeping
# the layout below the configure prefix, because PostgreSQL finds its share
# and lib directories relative to its own binary.  Repoints PG_BINDIR and
# PG_CONFIG at the copy.
kpi_relocate_postgres() {
	local bindir dir
	bindir=$("$PG_CONFIG" --bindir)
	for dir in "$bindir/.." "$("$PG_CONFIG" --sharedir)" "$("$PG_CONFIG" --includedir-server)"; do
		dir=$(realpath "$dir")
		mkdir -p "$KPI_TMP/pg${dir%/*}"
		cp -a "$dir" "$KPI_TMP/pg${dir%/*}/"
	done
	PG_BINDIR=$KPI_TMP/pg$(realpath "$bindir")
	PG_CONFIG=$PG_BINDIR/pg_config
	local pkglibdir
	pkglibdir=$("$PG_CONFIG" --pkglibdir)
	# refuse to go on if the copy still resolves to the original
	if [[ $pkglibdir != "$KPI_TMP"/* || $("$PG_CONFIG" --sharedir) != "$KPI_TMP"/* ]]; then
		kpi_log "relocated pg_config still points at $pkglibdir; not installing there"
		exit 1
	fi
	kpi_log "private PostgreSQL copy: pkglibdir $pkglibdir"
}

# Builds kpi_ext in a scratch copy of the tree with extra compiler flags
# ($1, which PGXS also passes to the linker) and installs it into the
# relocated copy.  The scratch copy is also where pg_regress runs, as the
# test user.  No bitcode: the server runs with jit=off, and an uninstrumented
# .bc would only hide code from the checks.
kpi_build_instrumented() {
	KPI_WORK=$KPI_TMP/src
	mkdir -p "$KPI_WORK"
	tar -C "$KPI_ROOT" --exclude=.git --exclude=./results --exclude='*.o' --exclude='*.so' \
		--exclude='*.bc' -cf - . | tar -C "$KPI_WORK" -xf -
	kpi_log "building kpi_ext with $1"
	make -C "$KPI_WORK" -s PG_CONFIG="$PG_CONFIG" with_llvm=no \
		COPT="-Wall -Wextra -Wno-unused-parameter $1"
	make -C "$KPI_WORK" -s install PG_CONFIG="$PG_CONFIG" with_llvm=no >/dev/null
	[ "$(id -u)" = 0 ] && chown -R postgres: "$KPI_WORK"
	return 0
}

# Creates the cluster (initdb runs uninstrumented: it never loads kpi_ext)
# and starts the server through pg_ctl with the given environment
# assignments and postgres executable: "$@" is passed to env before pg_ctl.
# Sets KPI_PGDATA so lib.sh's exit trap stops the server however we end.
kpi_start_instrumented() {
	local exe=$1 timeout=$2
	shift 2
	kpi_as_test_user "$PG_BINDIR/initdb" -D "$KPI_TMP/data" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C >"$KPI_TMP/initdb.log"
	KPI_PGDATA=$KPI_TMP/data
	# jit=off: JIT would run inlined, uninstrumented bitcode instead of our code
	kpi_as_test_user env "$@" "$PG_BINDIR/pg_ctl" -D "$KPI_PGDATA" -l "$KPI_TMP/server.log" \
		-w -t "$timeout" -p "$exe" \
		-o "-k $KPI_TMP -c listen_addresses='' -p 5432 -c fsync=off -c jit=off ${KPI_SERVER_OPTS:-}" \
		start >/dev/null
	export PGHOST=$KPI_TMP PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	kpi_log "instrumented server running on socket $KPI_TMP"
}

# Stops the server cleanly so every process writes its last reports.
kpi_stop_instrumented() {
	kpi_as_test_user "$PG_BINDIR/pg_ctl" -D "$KPI_PGDATA" -m fast -w -t "${1:-60}" stop >/dev/null ||
		kpi_log "server did not stop cleanly"
}

# Prints how many backends died, from the server log, and shows how on
# stderr.  A sanitizer that halts a backend makes it exit with code 1, which
# the postmaster still answers with a crash restart.
kpi_count_crashes() {
	local crashes
	crashes=$(grep -cE 'terminated by signal|was terminated by exception|terminating any other active server processes' \
		"$KPI_TMP/server.log" || true)
	if [ "$crashes" != 0 ]; then
		kpi_log "backends that died (server log):"
		grep -E -B2 -A3 'terminated by signal|terminated by exception|exited with exit code' "$KPI_TMP/server.log" |
			head -n 60 >&2
	fi
	echo "$crashes"
}

kpi_elapsed() {
	local s=$((SECONDS - KPI_T0))
	printf '%dm%02ds' $((s / 60)) $((s % 60))
}
