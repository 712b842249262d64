# kpi_ext: build with PGXS.  `make && make install`, then `make installcheck`
# against a running server (test/check.sh does all of that in a throwaway cluster).

EXTENSION = kpi_ext
EXTVERSION = 1.0

MODULE_big = kpi_ext
OBJS = src/common.o src/stats.o src/textin.o src/binin.o src/money.o \
	src/scores.o src/rates.o src/durations.o src/clv.o src/mrr.o src/health.o
# PostgreSQL 18 and later report it for the loaded library (PG_MODULE_MAGIC_EXT)
PG_CPPFLAGS = -DKPI_EXT_VERSION='"$(EXTVERSION)"'

# every release's install script and every upgrade script kpi_ext--A--B.sql,
# so ALTER EXTENSION UPDATE and the upgrade-chain test find them
DATA = $(wildcard $(EXTENSION)--*.sql)
DOCS = README.md

# pg_regress suite: one file per KPI family, in sql/ and expected/.
REGRESS = install scores rates durations revenue health statefuncs extremes scaleout

# TAP tests (PostgreSQL::Test::Cluster) live under test/t.
TAP_TESTS = 1
PROVE_TESTS = test/t/*.pl

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
