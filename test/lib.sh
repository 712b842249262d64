# Shared by test/demo.sh, test/check.sh and test/bench/run.sh: install what
# is missing from Debian, build and install kpi_ext, and run a throwaway
# cluster on a private socket that is removed however the script ends.
# Source it; it is not a command.

set -euo pipefail

KPI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}
# PG_BINDIR may point at another installation, such as a relocated copy
PG_BINDIR=${PG_BINDIR:-/usr/lib/postgresql/$PG_MAJOR/bin}
PG_CONFIG=$PG_BINDIR/pg_config
KPI_TMP=
KPI_PGDATA=

kpi_log() { printf '== %s\n' "$*" >&2; }

# Installs the named Debian packages that are not installed yet.
kpi_require_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || missing+=("$pkg")
	done
	((${#missing[@]} == 0)) && return 0
	if [ "$(id -u)" != 0 ]; then
		kpi_log "missing Debian packages: ${missing[*]}; run as root or install them first"
		exit 1
	fi
	kpi_log "installing ${missing[*]}"
	# apt and debconf talk on stderr too; show what they said only on failure
	local log
	log=$(mktemp)
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
		>"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		kpi_log "installing ${missing[*]} failed"
		exit 1
	fi
	rm -f "$log"
}

# The locales test/t/016_locale_text.pl creates databases in: UTF-8 ones
# (tr_TR has the dotted and dotless i) and tr_TR's single-byte ISO-8859-9,
# where <ctype.h> calls bytes above 127 letters, unlike in UTF-8 locales.
KPI_TEST_LOCALES=(en_US.UTF-8 tr_TR.UTF-8 id_ID.UTF-8 tr_TR.ISO-8859-9)

# Generates those of the named locales (such as tr_TR.UTF-8) that are
# missing, through /etc/locale.gen so that a later locale-gen keeps them.
kpi_require_locales() {
	local missing=() loc have
	have=$(locale -a 2>/dev/null || true)
	for loc in "$@"; do
		# locale -a spells the charset in lower case without punctuation: tr_TR.iso88599
		grep -qxF "${loc%%.*}.$(tr -cd '[:alnum:]' <<<"${loc#*.}" | tr '[:upper:]' '[:lower:]')" \
			<<<"$have" || missing+=("$loc")
	done
	((${#missing[@]} == 0)) && return 0
	if [ "$(id -u)" != 0 ]; then
		kpi_log "missing locales: ${missing[*]}; run as root or generate them first"
		exit 1
	fi
	kpi_require_packages locales
	kpi_log "generating locales ${missing[*]}"
	for loc in "${missing[@]}"; do
		echo "$loc ${loc#*.}" >>/etc/locale.gen
	done
	locale-gen >/dev/null
}

kpi_require_build_packages() {
	kpi_require_packages make gcc libc6-dev perl \
		"postgresql-$PG_MAJOR" "postgresql-server-dev-$PG_MAJOR" "$@"
}

# Builds and installs kpi_ext into the server's directories.  Extra
# compiler flags (CI adds -Werror) come from KPI_COPT.  -Wextra without
# unused-parameter: PostgreSQL's own inline functions in executor headers
# have unused parameters.
kpi_build_install() {
	# the Debian package (test/matrix/run.sh) tests the files it installed
	if [ -n "${KPI_USE_INSTALLED:-}" ]; then
		kpi_log "testing the kpi_ext installed in $("$PG_CONFIG" --pkglibdir) (not building)"
		[ -f "$("$PG_CONFIG" --pkglibdir)/kpi_ext.so" ] || { kpi_log "kpi_ext is not installed"; exit 1; }
		# the packaging test reads the assembled scripts beside their sources
		make -C "$KPI_ROOT" -s scripts PG_CONFIG="$PG_CONFIG"
		return 0
	fi
	kpi_log "building kpi_ext against PostgreSQL $PG_MAJOR"
	make -C "$KPI_ROOT" -s clean PG_CONFIG="$PG_CONFIG" >/dev/null
	make -C "$KPI_ROOT" -s PG_CONFIG="$PG_CONFIG" COPT="-Wall -Wextra -Wno-unused-parameter ${KPI_COPT:-}"
	make -C "$KPI_ROOT" -s install PG_CONFIG="$PG_CONFIG" >/dev/null
}

# initdb refuses to run as root, so servers and tests run as postgres then,
# from /: postgres cannot enter a clone in root's home, and PostgreSQL's
# programs complain when they cannot change back to their directory.  The
# callers pass absolute paths.
kpi_as_test_user() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- env PATH="$PG_BINDIR:$PATH" "$@")
	else
		env PATH="$PG_BINDIR:$PATH" "$@"
	fi
}

kpi_cleanup() {
	local status=$?
	if [ -n "$KPI_PGDATA" ] && [ -f "$KPI_PGDATA/postmaster.pid" ]; then
		kpi_as_test_user "$PG_BINDIR/pg_ctl" -D "$KPI_PGDATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	[ -n "$KPI_TMP" ] && rm -rf "$KPI_TMP"
	exit "$status"
}

# A scratch directory owned by the test user, removed on exit.
kpi_make_tmp() {
	KPI_TMP=$(mktemp -d /tmp/kpi_ext.XXXXXX)
	chmod 755 "$KPI_TMP"
	[ "$(id -u)" = 0 ] && chown postgres: "$KPI_TMP"
	trap kpi_cleanup EXIT
	trap 'exit 130' INT TERM
}

# Starts a throwaway server listening only on a socket in $KPI_TMP and
# points libpq's environment variables at it.
kpi_start_cluster() {
	[ -n "$KPI_TMP" ] || kpi_make_tmp
	KPI_PGDATA=$KPI_TMP/data
	kpi_as_test_user "$PG_BINDIR/initdb" -D "$KPI_PGDATA" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C >"$KPI_TMP/initdb.log"
	kpi_as_test_user "$PG_BINDIR/pg_ctl" -D "$KPI_PGDATA" -l "$KPI_TMP/server.log" -w \
		-o "-k $KPI_TMP -c listen_addresses='' -p 5432 -c fsync=off ${KPI_SERVER_OPTS:-}" \
		start >/dev/null
	export PGHOST=$KPI_TMP PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
	kpi_log "throwaway cluster running on socket $KPI_TMP"
}

kpi_psql() {
	"$PG_BINDIR/psql" -X -v ON_ERROR_STOP=1 "$@"
}

# Runs the pg_regress suite (REGRESS from the Makefile, no TAP; KPI_REGRESS
# may name some files instead, install first) in the copy of the tree at $1,
# against the server libpq's variables point at, and sets KPI_REGRESS_OK and
# KPI_REGRESS_BAD.  On failure regression.diffs and results/ are copied back
# into the tree, where a plain `make installcheck` would leave them.
kpi_run_regress() {
	local work=$1 status=0
	kpi_log "pg_regress"
	kpi_as_test_user make -C "$work" -s installcheck TAP_TESTS= PG_CONFIG="$PG_CONFIG" \
		${KPI_REGRESS:+REGRESS="$KPI_REGRESS"} >"$KPI_TMP/regress.log" 2>&1 || status=$?
	cat "$KPI_TMP/regress.log"
	# PostgreSQL 15 prints "test name ... ok", 16 and later "ok N - name"
	KPI_REGRESS_OK=$(grep -cE '\.\.\. ok|^ok [0-9]+ ' "$KPI_TMP/regress.log" || true)
	KPI_REGRESS_BAD=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok [0-9]+ ' "$KPI_TMP/regress.log" || true)
	if [ "$status" != 0 ] && [ "$KPI_REGRESS_BAD" = 0 ]; then KPI_REGRESS_BAD=1; fi
	if [ -f "$work/regression.diffs" ]; then
		rm -rf "$KPI_ROOT/results" && cp -r "$work/results" "$work/regression.diffs" "$KPI_ROOT"/
		kpi_log "regression.diffs (first 200 lines; all of it and results/ are in $KPI_ROOT)"
		head -n 200 "$work/regression.diffs"
	fi
}
