#!/usr/bin/env bash
# The demo: install what is missing (as root on Debian 12), build and install
# kpi_ext, load the sample CRM data set and the example BI views, and print
# the KPI report (test/demo.sql).
#
#   bash test/demo.sh           in a throwaway cluster, removed when it ends
#   bash test/demo.sh --keep    into database kpi_demo of a cluster that stays,
#                               and print the psql command that opens it
#   bash test/demo.sh --remove  remove what --keep made
#
# --keep uses the Debian cluster KPI_DEMO_CLUSTER (default kpi_demo, made
# and started with pg_createcluster if it does not exist; name the machine's
# own, e.g. KPI_DEMO_CLUSTER=main, to use that).  --remove drops the
# database, and the cluster too if --keep made it.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

mode=${1:-}
case "$mode" in
'' | --keep | --remove) ;;
*)
	echo "usage: bash test/demo.sh [--keep | --remove]" >&2
	exit 2
	;;
esac

cluster=${KPI_DEMO_CLUSTER:-kpi_demo}
database=kpi_demo
# --keep leaves this behind to tell --remove that the cluster is its own
made_marker=/etc/postgresql/$PG_MAJOR/$cluster/kpi_demo_made_by_demo

cluster_port() {
	pg_lsclusters -h | awk -v v="$PG_MAJOR" -v c="$cluster" '$1 == v && $2 == c { print $3 }'
}

# psql as postgres against the kept cluster, from / (see kpi_as_test_user)
kept_psql() {
	(cd / && runuser -u postgres -- "$PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -p "$port" "$@")
}

if [ "$mode" = --remove ]; then
	[ "$(id -u)" = 0 ] || { kpi_log "run as root"; exit 1; }
	port=$(cluster_port 2>/dev/null || true)
	if [ -z "$port" ]; then
		kpi_log "no PostgreSQL $PG_MAJOR cluster $cluster: nothing to remove"
	elif [ -f "$made_marker" ]; then
		pg_dropcluster --stop "$PG_MAJOR" "$cluster"
		kpi_log "removed cluster $PG_MAJOR/$cluster and its database $database"
	else
		kept_psql -d postgres -c "DROP DATABASE IF EXISTS $database"
		kpi_log "dropped database $database from cluster $PG_MAJOR/$cluster (the cluster stays: the demo did not make it)"
	fi
	exit 0
fi

kpi_require_build_packages
kpi_build_install

if [ "$mode" = --keep ]; then
	[ "$(id -u)" = 0 ] || { kpi_log "run as root"; exit 1; }
	if [ -z "$(cluster_port)" ]; then
		kpi_log "creating PostgreSQL $PG_MAJOR cluster $cluster"
		pg_createcluster "$PG_MAJOR" "$cluster" >/dev/null
		touch "$made_marker"
	fi
	port=$(cluster_port)
	pg_ctlcluster "$PG_MAJOR" "$cluster" status >/dev/null 2>&1 || pg_ctlcluster "$PG_MAJOR" "$cluster" start
	if [ -n "$(kept_psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$database'")" ]; then
		kpi_log "database $database exists in cluster $PG_MAJOR/$cluster: remove it first (bash test/demo.sh --remove)"
		exit 1
	fi
	kept_psql -d postgres -c "CREATE DATABASE $database"
	kept_psql -d "$database" -c 'CREATE EXTENSION kpi_ext'
	kpi_log "loading the sample CRM data set (test/sample-data.sql)"
	kept_psql -d "$database" <"$KPI_ROOT/test/sample-data.sql"
	kpi_log "creating the example BI views (test/bi/views.sql)"
	kept_psql -d "$database" <"$KPI_ROOT/test/bi/views.sql"
	kept_psql -d "$database" <"$KPI_ROOT/test/demo.sql"
	echo
	echo "The sample CRM data, kpi_ext and the example views stay in database $database."
	echo "Open it with:    runuser -u postgres -- psql -p $port $database"
	echo "Remove it with:  bash test/demo.sh --remove"
	exit 0
fi

kpi_start_cluster
kpi_psql -q -c 'CREATE EXTENSION kpi_ext'
kpi_log "loading the sample CRM data set (test/sample-data.sql)"
kpi_psql -q -f "$KPI_ROOT/test/sample-data.sql"
kpi_log "creating the example BI views (test/bi/views.sql)"
kpi_psql -q -f "$KPI_ROOT/test/bi/views.sql"
kpi_psql -q -f "$KPI_ROOT/test/demo.sql"
echo
echo "To explore the same data in psql afterwards: bash test/demo.sh --keep"
