# kpi_ext: build with PGXS.  `make && make install`, then `make installcheck`
# against a running server (test/check.sh does all of that in a throwaway cluster).

EXTENSION = kpi_ext
EXTVERSION = 1.1
# the release EXTVERSION updates from, with kpi_ext--$(PREVIOUS_VERSION)--$(EXTVERSION).sql
PREVIOUS_VERSION = 1.0

# A family is one C file and one SQL file beside it (src/scores.c,
# src/scores.sql); the SQL files are read in this order.  stats, textin,
# keys, binin, money and common are what the families share (common.sql: the SQL
# templates they all use, such as equality); catalog.sql is the kpi_catalog
# view over all of them.
FAMILIES = scores rates durations clv mrr btyd purchases subscriptions calendar status sentiment health
MODULE_big = kpi_ext
OBJS = src/common.o src/stats.o src/textin.o src/keys.o src/binin.o src/money.o $(FAMILIES:%=src/%.o)
FAMILY_SQL = src/common.sql $(FAMILIES:%=src/%.sql) src/catalog.sql
# PostgreSQL 18 and later report it for the loaded library (PG_MODULE_MAGIC_EXT)
PG_CPPFLAGS = -DKPI_EXT_VERSION='"$(EXTVERSION)"'

# The scripts of the version in development are built from the family
# sources; released ones are committed as they were released and never
# change.  The Makefile installs them all, so ALTER EXTENSION UPDATE and the
# upgrade-chain test find every step.
DATA_built = $(EXTENSION)--$(EXTVERSION).sql $(EXTENSION)--$(PREVIOUS_VERSION)--$(EXTVERSION).sql
DATA = $(filter-out $(DATA_built),$(notdir $(wildcard $(srcdir)/$(EXTENSION)--*.sql)))
DOCS = README.md doc/kpi_ext.md doc/cookbook.md doc/operations.md doc/development.md
EXTRA_CLEAN = $(DATA_built:%=%.tmp)

# pg_regress suite: one file per KPI family, in sql/ and expected/.
REGRESS = install scores rates durations clv mrr btyd purchases subscriptions calendar status sentiment health searchpath statefuncs extremes scaleout

# TAP tests (PostgreSQL::Test::Cluster) live under test/t.
TAP_TESTS = 1
PROVE_TESTS ?= test/t/*.pl

# making the archive needs git, not a PostgreSQL installation
ifneq ($(MAKECMDGOALS),dist)
PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)
endif

# $^, not the names above: with VPATH (pg_buildext) the sources are elsewhere
$(EXTENSION)--$(EXTVERSION).sql: tools/assemble.awk $(FAMILY_SQL)
	awk -v mode=install -v version=$(EXTVERSION) -f $^ >$@.tmp && mv $@.tmp $@

$(EXTENSION)--$(PREVIOUS_VERSION)--$(EXTVERSION).sql: tools/assemble.awk $(FAMILY_SQL)
	awk -v mode=upgrade -v from=$(PREVIOUS_VERSION) -v version=$(EXTVERSION) -f $^ >$@.tmp && mv $@.tmp $@

# just the scripts, for a tree whose library is installed from a package
.PHONY: scripts
scripts: $(DATA_built)

# With VPATH the objects go to a build directory that has no src/ yet.
.PHONY: objects-dir
$(OBJS): | objects-dir
objects-dir:
	@mkdir -p src

# PGXN release archive: `make dist` zips the committed tree (DIST_REF,
# HEAD by default) as kpi_ext-<version>/; META.json carries the same version.
DISTVERSION = $(EXTVERSION).0
DIST_REF ?= HEAD
DISTFILE = $(EXTENSION)-$(DISTVERSION).zip

.PHONY: dist
dist:
	git archive --format=zip --prefix=$(EXTENSION)-$(DISTVERSION)/ -o $(DISTFILE) $(DIST_REF)
