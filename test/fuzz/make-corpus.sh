#!/usr/bin/env bash
# Regenerates the seed corpus under test/fuzz/corpus from a real server: the
# values in test/fuzz/seeds.sql, each as its text form (corpus/<type>_text)
# and its binary form (corpus/<type>_binary).  Run as root on Debian 12; it
# builds and installs kpi_ext and uses a throwaway cluster.  The corpus is
# committed, so this only needs running when seeds.sql changes.

source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

kpi_require_build_packages
kpi_build_install
kpi_start_cluster
kpi_psql -q -c 'CREATE EXTENSION kpi_ext'

corpus=$KPI_ROOT/test/fuzz/corpus
rm -rf "$corpus"
kpi_psql -At -F ' ' -f "$KPI_ROOT/test/fuzz/seeds.sql" >"$KPI_TMP/seeds.txt"
while read -r type label text_hex binary_hex; do
	mkdir -p "$corpus/${type}_text" "$corpus/${type}_binary"
	perl -e 'print pack("H*", $ARGV[0])' "$text_hex" >"$corpus/${type}_text/$label"
	perl -e 'print pack("H*", $ARGV[0])' "$binary_hex" >"$corpus/${type}_binary/$label"
done <"$KPI_TMP/seeds.txt"
kpi_log "$(wc -l <"$KPI_TMP/seeds.txt") seeds written to $corpus"
