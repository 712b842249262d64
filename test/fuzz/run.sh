#!/usr/bin/env bash
# Fuzzes the text input and binary receive function of every kpi_ext type
# with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer, built
# from the extension's own sources (see kpi_fuzz.c for what counts as a
# finding).  Run as root on Debian 12: it installs what is missing.
#
#   test/fuzz/run.sh [seconds-per-harness]
#
# The default of 20 seconds keeps the whole run near two minutes on two
# cores; a longer campaign is the same command with a larger number.  The
# corpus grows in test/fuzz/build/corpus and is kept between runs; findings
# land in test/fuzz/build/findings.  Prints one line per harness and a last
# line "kpi_fuzz: ..."; exits non-zero on any finding.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

seconds=${1:-20}
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]]; then
	echo "usage: $0 [seconds-per-harness]" >&2
	exit 2
fi
jobs=${KPI_FUZZ_JOBS:-$(nproc)}

fuzz=$KPI_ROOT/test/fuzz
build=$fuzz/build
bin=$build/kpi_fuzz

kpi_require_packages libc6-dev clang-14 libclang-rt-14-dev llvm-14 \
	"postgresql-server-dev-$PG_MAJOR"

# The extension's sources as they are, with assertions on, plus the shim.
kpi_log "building the fuzz harness against PostgreSQL $PG_MAJOR"
cflags=(-std=gnu11 -g -O1 -fno-omit-frame-pointer
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
	-DUSE_ASSERT_CHECKING -Wall -Wextra -Wno-unused-parameter
	# PostgreSQL's headers name gcc's printf format checking, which clang lacks
	-Wno-ignored-attributes
	-I"$("$PG_CONFIG" --includedir-server)" -I"$KPI_ROOT/src" -I"$fuzz")
# as in test/check.sh, CI holds the code to a warning-free build
[ -n "${CI:-}" ] && cflags+=(-Werror)
rm -rf "$build/obj" "$build/logs" "$build/findings"
mkdir -p "$build/obj" "$build/logs" "$build/findings"
for source in "$KPI_ROOT"/src/*.c "$fuzz"/*.c; do
	clang-14 "${cflags[@]}" -c "$source" -o "$build/obj/$(basename "$source" .c).o"
done
# libpgcommon and libpgport: PostgreSQL's own StringInfo, snprintf, etc.
clang-14 "${cflags[@]}" "$build"/obj/*.o -L"$("$PG_CONFIG" --pkglibdir)" \
	-lpgcommon -lpgport -lm -o "$bin"

export ASAN_SYMBOLIZER_PATH=/usr/lib/llvm-14/bin/llvm-symbolizer
export UBSAN_OPTIONS=print_stacktrace=1
mapfile -t targets < <(KPI_FUZZ_TARGET=list "$bin")

# The seeds are what a real server printed and sent: the harness must read
# and re-write each exactly, or the shim has drifted from the server.
kpi_log "checking the seed corpus against the harness"
for target in "${targets[@]}"; do
	seeds=("$fuzz/corpus/$target"/*)
	[ -e "${seeds[0]}" ] || continue
	if ! KPI_FUZZ_SEEDS=1 KPI_FUZZ_TARGET=$target "$bin" "${seeds[@]}" >"$build/logs/$target.seeds.log" 2>&1; then
		tail -n 40 "$build/logs/$target.seeds.log"
		echo "kpi_fuzz: $target: a seed does not round-trip exactly; see $build/logs/$target.seeds.log"
		exit 1
	fi
done

fuzz_one() {
	local target=$1 status=0

	mkdir -p "$build/corpus/$target"
	# new inputs go to the first directory; the committed seeds stay as they are
	KPI_FUZZ_TARGET=$target "$bin" -max_total_time="$seconds" -timeout=10 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
		"$build/corpus/$target" "$fuzz/corpus/$target" >"$build/logs/$target.log" 2>&1 || status=$?
	echo "$status" >"$build/logs/$target.status"
}

kpi_log "fuzzing ${#targets[@]} harnesses for ${seconds}s each, $jobs at a time"
started=$SECONDS
running=0
for target in "${targets[@]}"; do
	if ((running >= jobs)); then
		wait -n || true
		running=$((running - 1))
	fi
	mkdir -p "$fuzz/corpus/$target"
	fuzz_one "$target" &
	running=$((running + 1))
done
wait

failed=0 total=0
for target in "${targets[@]}"; do
	log=$build/logs/$target.log
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	coverage=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*' "$log" | tail -n 1 || true)
	if [ "$(cat "$build/logs/$target.status")" = 0 ]; then
		printf '%-26s ok      %10s execs %7s/s  %s\n' "$target" "${execs:-?}" "${rate:-?}" "${coverage:-?}"
		total=$((total + ${execs:-0}))
	else
		failed=$((failed + 1))
		printf '%-26s FAILED  see %s\n' "$target" "$log"
		grep -E '^kpi_fuzz:|^(expected|got)|^SQLSTATE|^DETAIL|^TRAP|ERROR: |SUMMARY: |runtime error|Test unit written' "$log" | head -n 20 || true
		for artifact in "$build/findings/$target-"*; do
			[ -e "$artifact" ] && echo "  reproduce: KPI_FUZZ_TARGET=$target $bin $artifact"
		done
	fi
done
echo "kpi_fuzz: ${#targets[@]} harnesses, $total executions in $((SECONDS - started))s, $failed with findings"
[ "$failed" = 0 ]
