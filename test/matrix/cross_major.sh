# Sourced by test/matrix/run.sh: summaries stored under PostgreSQL 15 read
# the same under 18, moved both ways PostgreSQL's upgrade documentation
# gives.  A 15 server holds the sample data and the tables and materialized
# views of test/stored/write.sql; test/stored/read.sql must print the same
# on it and on the 18 server the data is moved to.  Every server uses the
# packages run.sh built.
#
# cross_major: 15 in the Debian 12 root; 18's pg_dump, in the unstable
# root, dumps it through a socket directory both roots see; the dump is
# restored into an 18 server there.
# upgrade_major: one unstable root holding 18 and Debian 12's 15; the 15
# cluster is upgraded in place with pg_upgrade.

# starts a throwaway server of major $2 in root $1, socket in $3
cross_start() {
	local r=$1 major=$2 sock=$3
	cross_initdb "$r" "$major" "$sock" && cross_pg_ctl "$r" "$major" "$sock" start
}

# a cluster of major $2 in root $1 (its socket directory $3 made too); 18's
# initdb turns data checksums on by default, which pg_upgrade from a 15
# cluster without them refuses, so none has them
cross_initdb() {
	local r=$1 major=$2 sock=$3 data=/var/tmp/kpi_ext-pg$2
	in_root "$r" sh -c "rm -rf $data && mkdir -p $sock && chown postgres $sock"
	in_root "$r" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/initdb" -D "$data" \
		-A trust --no-sync -E UTF8 --locale=C $( ((major >= 18)) && echo --no-data-checksums) >/dev/null
}

cross_pg_ctl() { # root major socket start|stop
	local r=$1 major=$2 sock=$3 data=/var/tmp/kpi_ext-pg$2
	[ "$4" = start ] && started+=("$r::$data")
	in_root "$r" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/pg_ctl" -D "$data" -w \
		-l "$data/server.log" -o "-k $sock -c listen_addresses=''" "$4" >/dev/null
}

# the 15 server at socket $3 in root $1 gets the stored summaries, and
# read.sql's output is written to $4
cross_store() {
	local r=$1 sock=$2 out=$3
	cross_psql "$r" 15 "$sock" -v ON_ERROR_STOP=1 -c 'CREATE DATABASE stored' &&
		cross_psql "$r" 15 "$sock" -v ON_ERROR_STOP=1 -d stored \
			-c 'CREATE EXTENSION kpi_ext' -f /xfer/sample-data.sql -f /xfer/write.sql &&
		cross_psql "$r" 15 "$sock" -d stored -A -t -f /xfer/read.sql >"$out" 2>&1
}

# read.sql printed the same before and after, and really read KPIs, not
# only errors
cross_compare() { # before after
	log "read.sql under 15 and 18: $(wc -l <"$1") lines each, compared"
	diff -u "$1" "$2" | head -n 40 >&2 || true
	cmp -s "$1" "$2" && (($(grep -cv ' = ERROR ' "$1") >= 200))
}

# sets xfer (the caller's local) to a directory with what the servers read,
# mounted at /xfer in each root given; not in $(...), which would lose the
# record of the mounts that cleanup needs
cross_xfer() {
	local dir
	xfer=$(mktemp -d /tmp/kpi_ext-xfer.XXXXXX)
	chmod 1777 "$xfer"
	cp "$root_of_tree"/test/sample-data.sql "$root_of_tree"/test/stored/write.sql \
		"$root_of_tree"/test/stored/read.sql "$xfer"/
	for dir; do mount_into bind "$xfer" "$dir/xfer"; done
}

cross_psql() { # root major socket args...
	local r=$1 major=$2 sock=$3; shift 3
	in_root "$r" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/psql" -X -q -h "$sock" "$@"
}

cross_major() {
	local old=$1 new=$2 xfer status=0
	cross_xfer "$old" "$new"
	in_root "$old" dpkg -i "/build/${debs[15]}" >/dev/null 2>&1 &&
		in_root "$new" dpkg -i "/build/${debs[18]}" >/dev/null 2>&1 || status=1
	((status == 0)) && cross_start "$old" 15 /xfer && cross_start "$new" 18 /var/tmp/kpi_ext-sock18 || status=1
	if ((status == 0)); then
		cross_store "$old" /xfer "$xfer/read-15.out" &&
			in_root "$new" runuser -u postgres -- /usr/lib/postgresql/18/bin/pg_dump -h /xfer -Fc \
				-f /xfer/stored.dump stored &&
			cross_psql "$new" 18 /var/tmp/kpi_ext-sock18 -v ON_ERROR_STOP=1 -c 'CREATE DATABASE stored' &&
			in_root "$new" runuser -u postgres -- /usr/lib/postgresql/18/bin/pg_restore -h /var/tmp/kpi_ext-sock18 \
				--exit-on-error -d stored /xfer/stored.dump &&
			cross_psql "$new" 18 /var/tmp/kpi_ext-sock18 -d stored -A -t -f /xfer/read.sql >"$xfer/read-18.out" 2>&1 &&
			cross_compare "$xfer/read-15.out" "$xfer/read-18.out" || status=1
	fi
	in_root "$old" dpkg --purge postgresql-15-kpi-ext >/dev/null 2>&1 || true
	in_root "$new" dpkg --purge postgresql-18-kpi-ext >/dev/null 2>&1 || true
	return "$status"
}

# $1: the root with both majors; the packages are copied in from the roots
# they were built in ($2 for 15, $3 for 18)
upgrade_major() {
	local r=$1 xfer status=0 sock=/var/tmp/kpi_ext-sock
	cross_xfer "$r"
	cp "$2/build/${debs[15]}" "$3/build/${debs[18]}" "$xfer"/
	in_root "$r" sh -c 'dpkg -i /xfer/postgresql-1[58]-kpi-ext_*.deb' >/dev/null 2>&1 || return 1
	cross_start "$r" 15 "$sock" && cross_store "$r" "$sock" "$xfer/read-15.out" &&
		cross_pg_ctl "$r" 15 "$sock" stop && cross_initdb "$r" 18 "$sock" || status=1
	# pg_upgrade writes its logs into the directory it runs in
	((status == 0)) && in_root "$r" runuser -u postgres -- sh -c "cd /xfer && \
		/usr/lib/postgresql/18/bin/pg_upgrade -b /usr/lib/postgresql/15/bin -B /usr/lib/postgresql/18/bin \
		-d /var/tmp/kpi_ext-pg15 -D /var/tmp/kpi_ext-pg18 --socketdir=$sock" >"$xfer/pg_upgrade.log" 2>&1 ||
		{ status=1; tail -n 30 "$xfer/pg_upgrade.log" >&2; }
	((status == 0)) && cross_pg_ctl "$r" 18 "$sock" start &&
		cross_psql "$r" 18 "$sock" -d stored -A -t -f /xfer/read.sql >"$xfer/read-18.out" 2>&1 &&
		cross_compare "$xfer/read-15.out" "$xfer/read-18.out" || status=1
	in_root "$r" dpkg --purge postgresql-15-kpi-ext postgresql-18-kpi-ext >/dev/null 2>&1 || true
	return "$status"
}
