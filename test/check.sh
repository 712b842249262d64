#!/usr/bin/env bash
# The whole test suite: the pg_regress files (sql/, expected/) and the TAP
# tests (test/t/*.pl), against a freshly built and installed kpi_ext in a
# throwaway cluster.  Run as root on Debian 12: it installs what is missing.
# Ends with one line "kpi_ext: N passed, N failed"; exits non-zero on failure.
# KPI_CHECK_PARTS names the parts to run (default: all of them):
#   regress tap fuzz sanitize pg18
# pg18 is the version matrix's PostgreSQL 18 leg (test/matrix/run.sh): the
# Debian package built and the pg_regress suite run in a Debian unstable
# root, so a break on the newest major fails here too.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KPI_CHECK_PARTS=${KPI_CHECK_PARTS:-regress tap fuzz sanitize pg18}
part() { [[ " $KPI_CHECK_PARTS " == *" $1 "* ]]; }

kpi_require_build_packages libipc-run-perl python3-psycopg2 sqlsmith
# the TAP tests create databases in these
part tap && kpi_require_locales "${KPI_TEST_LOCALES[@]}"
# CI holds the code to a warning-free build; users' builds never get -Werror.
[ -n "${CI:-}" ] && KPI_COPT=-Werror
kpi_build_install
kpi_make_tmp

# pg_regress and prove write results beside the tests: run them in a copy
# the test user owns.
work=$KPI_TMP/src
mkdir -p "$work"
tar -C "$KPI_ROOT" --exclude=.git --exclude=./results -cf - . | tar -C "$work" -xf -
[ "$(id -u)" = 0 ] && chown -R postgres: "$work"

kpi_start_cluster

passed=0 failed=0

if part regress; then
	kpi_run_regress "$work"
	passed=$((passed + KPI_REGRESS_OK)) failed=$((failed + KPI_REGRESS_BAD))
fi

if part tap; then
	kpi_log "TAP tests"
	tap_status=0
	kpi_as_test_user make -C "$work" -s installcheck REGRESS= PROVE_FLAGS=-v PG_CONFIG="$PG_CONFIG" \
		>"$KPI_TMP/tap.log" 2>&1 || tap_status=$?
	cat "$KPI_TMP/tap.log"
	tap_ok=$(grep -cE '^ *ok [0-9]+' "$KPI_TMP/tap.log" || true)
	tap_bad=$(grep -cE '^ *not ok [0-9]+' "$KPI_TMP/tap.log" || true)
	if [ "$tap_status" != 0 ] && [ "$tap_bad" = 0 ]; then tap_bad=1; fi
	if [ "$tap_status" != 0 ]; then
		for log in "$work"/tmp_check/log/regress_log_*; do
			[ -f "$log" ] || continue
			kpi_log "$log (last 80 lines)"
			tail -n 80 "$log"
		done
	fi
	passed=$((passed + tap_ok)) failed=$((failed + tap_bad))
fi

if part fuzz; then
	kpi_log "fuzzing every type's input and receive functions"
	if bash "$KPI_ROOT/test/fuzz/run.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

if part sanitize; then
	kpi_log "pg_regress under AddressSanitizer and UBSan"
	if bash "$KPI_ROOT/test/memcheck/sanitize.sh"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

if part pg18; then
	kpi_log "PostgreSQL 18 in a Debian unstable root (test/matrix/run.sh --parts regress 18)"
	if bash "$KPI_ROOT/test/matrix/run.sh" --parts regress 18; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi

echo "kpi_ext: $passed passed, $failed failed"
[ "$failed" = 0 ]
