#!/usr/bin/env bash
# The demo: install what is missing (as root on Debian 12), build and install
# kpi_ext, load the sample CRM data set into a throwaway cluster and print
# the KPI report (test/demo.sql), which also reads the example BI views.  The cluster is removed when it ends.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

kpi_require_build_packages
kpi_build_install
kpi_start_cluster

kpi_psql -q -c 'CREATE EXTENSION kpi_ext'
kpi_log "loading the sample CRM data set (test/sample-data.sql)"
kpi_psql -q -f "$KPI_ROOT/test/sample-data.sql"
kpi_log "creating the example BI views (test/bi/views.sql)"
kpi_psql -q -f "$KPI_ROOT/test/bi/views.sql"
kpi_psql -f "$KPI_ROOT/test/demo.sql"
