#!/usr/bin/env bash
# The benchmark: each kpi_ext aggregate against what an analyst would write
# without it, on the same table, in one session.  Not a test: it prints
# medians and ratios with their targets and always exits 0 unless something
# fails to run.
#
#   bash test/bench/run.sh [rows] [repetitions] [script]
#
# (default 10000000 rows, 5 repetitions, script bench: test/bench/bench.sql;
# ceiling runs test/bench/ceiling.sql, how fast any aggregate could be at
# 100,000 groups of 30.)
#
# It installs what is missing (as root on Debian 12), builds and installs
# kpi_ext, and runs in a throwaway cluster like the demo and the tests.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

rows=${1:-10000000}
repetitions=${2:-5}
script=${3:-bench}

kpi_require_build_packages "postgresql-$PG_MAJOR-tdigest"
kpi_build_install
# room for the whole table in shared buffers; JIT off so that compile time
# does not blur short queries (it is the same for every case)
KPI_SERVER_OPTS="-c shared_buffers=2GB -c work_mem=256MB -c max_worker_processes=8 -c max_parallel_workers=8 -c jit=off"
kpi_start_cluster

echo "kpi_ext benchmark: $rows rows, $repetitions repetitions, $(nproc) cores, $("$PG_BINDIR/postgres" --version)"
kpi_psql -q -v rows="$rows" -v repetitions="$repetitions" -f "$KPI_ROOT/test/bench/$script.sql"
