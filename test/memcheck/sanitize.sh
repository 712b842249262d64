#!/usr/bin/env bash
# The pg_regress suite against kpi_ext built with AddressSanitizer and
# UndefinedBehaviorSanitizer, in a throwaway cluster on a private relocated
# copy of PostgreSQL (the system installation is never touched).  The
# server runs with the ASan runtime preloaded, since PostgreSQL itself is
# not instrumented.  Fails if the suite fails, a sanitizer wrote a report
# or a backend died of a signal.  Run as root on Debian 12: it installs
# what is missing.

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

kpi_require_build_packages libasan8 libubsan1
kpi_make_tmp
kpi_relocate_postgres

# -fno-wrapv: PGXS compiles with -fwrapv, which makes signed overflow
# defined and so invisible to UBSan; our code must not rely on it.
# -fno-sanitize-recover: the first undefined behaviour aborts the backend,
# so it cannot go unnoticed.
san_flags="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -fno-wrapv"
kpi_build_instrumented "$san_flags"
# kpi_ext.so needs the ASan runtime first in the process: preload gcc's,
# and after it the stub that keeps its lazy start from hanging (see the .c)
asan_rt=$(realpath "$(gcc -print-file-name=libasan.so)")
[ -f "$asan_rt" ] || { kpi_log "no ASan runtime at $asan_rt"; exit 1; }
stub=$KPI_TMP/swift_demangle_stub.so
gcc -shared -fPIC -O1 -o "$stub" "$KPI_ROOT/test/memcheck/swift_demangle_stub.c"

san_dir=$KPI_TMP/sanitizer
mkdir -p "$san_dir"
[ "$(id -u)" = 0 ] && chown postgres: "$san_dir"
# detect_leaks=0: PostgreSQL frees by memory context and not at exit, so
# leak reports would all be noise.  Each process writes its reports to
# $san_dir/<tool>.<pid>.
kpi_start_instrumented "$PG_BINDIR/postgres" 120 \
	LD_PRELOAD="$asan_rt $stub" \
	ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:halt_on_error=1:disable_coredump=1:log_path=$san_dir/asan" \
	UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$san_dir/ubsan"

# the backend must really run with the runtime and our instrumented build
maps=$(kpi_psql -qAt -c "LOAD 'kpi_ext'" -c "SELECT pg_read_file('/proc/self/maps')")
if ! grep -q libasan <<<"$maps" || ! grep -q "$KPI_TMP/pg/.*kpi_ext.so" <<<"$maps"; then
	kpi_log "the backend has not mapped libasan and the private kpi_ext.so; the check would prove nothing"
	exit 1
fi

kpi_run_regress "$KPI_WORK"
kpi_stop_instrumented

# Only real findings count: ASan also prints warnings (such as one about
# the stack switch of PostgreSQL's longjmp-based error handling).
reports=0 ours=0
for f in "$san_dir"/*; do
	[ -f "$f" ] || continue
	if grep -qE 'ERROR: AddressSanitizer|runtime error:' "$f"; then
		reports=$((reports + 1))
		grep -q 'kpi_ext' "$f" && ours=$((ours + 1))
		kpi_log "sanitizer report $f"
		cat "$f"
	else
		kpi_log "sanitizer notes in $f (not a finding)"
		head -n 5 "$f"
	fi
done
# UBSan writes to stderr, the server log, whatever log_path says
server_reports=$(grep -cE 'ERROR: AddressSanitizer|runtime error:' "$KPI_TMP/server.log" || true)
if [ "$server_reports" != 0 ]; then
	reports=$((reports + server_reports))
	ours=$((ours + $(grep -E 'ERROR: AddressSanitizer|runtime error:' "$KPI_TMP/server.log" |
		grep -cE 'kpi_ext|src/[a-z]+\.c' || true)))
	kpi_log "sanitizer reports in the server log:"
	grep -E -A20 'ERROR: AddressSanitizer|runtime error:' "$KPI_TMP/server.log" | head -n 80
fi
crashes=$(kpi_count_crashes)

echo "sanitize: pg_regress $KPI_REGRESS_OK passed, $KPI_REGRESS_BAD failed;" \
	"$reports sanitizer reports ($ours in kpi_ext); $crashes backend crashes; $(kpi_elapsed)"
[ "$KPI_REGRESS_BAD" = 0 ] && [ "$reports" = 0 ] && [ "$crashes" = 0 ]
