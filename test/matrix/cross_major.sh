# Sourced by test/matrix/run.sh: summaries stored under PostgreSQL 15 read
# the same under 18.  A 15 server in the Debian 12 root holds the sample
# data and the tables and materialized views of test/stored/write.sql; 18's
# pg_dump, in the unstable root, dumps it through a socket directory both
# roots see; the dump is restored into an 18 server; test/stored/read.sql
# must print the same on both.  Both servers use the packages run.sh built.

# starts a throwaway server of major $2 in root $1, socket in $3
cross_start() {
	local r=$1 major=$2 sock=$3 data=/var/tmp/kpi_ext-pg$2
	in_root "$r" sh -c "rm -rf $data && mkdir -p $sock && chown postgres $sock"
	in_root "$r" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/initdb" -D "$data" \
		-A trust --no-sync -E UTF8 --locale=C >/dev/null || return 1
	started+=("$r::$data")
	in_root "$r" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/pg_ctl" -D "$data" -w \
		-l "$data/server.log" -o "-k $sock -c listen_addresses=''" start >/dev/null
}

cross_psql() { # root major socket args...
	local r=$1 major=$2 sock=$3; shift 3
	in_root "$r" runuser -u postgres -- "/usr/lib/postgresql/$major/bin/psql" -X -q -h "$sock" "$@"
}

cross_major() {
	local old=$1 new=$2 xfer status=0
	xfer=$(mktemp -d /tmp/kpi_ext-xfer.XXXXXX)
	chmod 1777 "$xfer"
	cp "$root_of_tree"/test/sample-data.sql "$root_of_tree"/test/stored/write.sql \
		"$root_of_tree"/test/stored/read.sql "$xfer"/
	mount_into bind "$xfer" "$old/xfer"
	mount_into bind "$xfer" "$new/xfer"
	in_root "$old" dpkg -i "/build/${debs[15]}" >/dev/null 2>&1 &&
		in_root "$new" dpkg -i "/build/${debs[18]}" >/dev/null 2>&1 || status=1
	((status == 0)) && cross_start "$old" 15 /xfer && cross_start "$new" 18 /var/tmp/kpi_ext-sock18 || status=1
	if ((status == 0)); then
		cross_psql "$old" 15 /xfer -v ON_ERROR_STOP=1 -c 'CREATE DATABASE stored' &&
			cross_psql "$old" 15 /xfer -v ON_ERROR_STOP=1 -d stored \
				-c 'CREATE EXTENSION kpi_ext' -f /xfer/sample-data.sql -f /xfer/write.sql &&
			cross_psql "$old" 15 /xfer -d stored -A -t -f /xfer/read.sql >"$xfer/read-15.out" 2>&1 &&
			in_root "$new" runuser -u postgres -- /usr/lib/postgresql/18/bin/pg_dump -h /xfer -Fc \
				-f /xfer/stored.dump stored &&
			cross_psql "$new" 18 /var/tmp/kpi_ext-sock18 -v ON_ERROR_STOP=1 -c 'CREATE DATABASE stored' &&
			in_root "$new" runuser -u postgres -- /usr/lib/postgresql/18/bin/pg_restore -h /var/tmp/kpi_ext-sock18 \
				--exit-on-error -d stored /xfer/stored.dump &&
			cross_psql "$new" 18 /var/tmp/kpi_ext-sock18 -d stored -A -t -f /xfer/read.sql >"$xfer/read-18.out" 2>&1 ||
			status=1
	fi
	if ((status == 0)); then
		log "read.sql under 15 and 18: $(wc -l <"$xfer/read-15.out") lines each, compared"
		diff -u "$xfer/read-15.out" "$xfer/read-18.out" | head -n 40 >&2 || true
		cmp -s "$xfer/read-15.out" "$xfer/read-18.out" || status=1
		# the KPIs really were read, not only errors
		(($(grep -cv ' = ERROR ' "$xfer/read-15.out") >= 200)) || status=1
	fi
	in_root "$old" dpkg --purge postgresql-15-kpi-ext >/dev/null 2>&1 || true
	in_root "$new" dpkg --purge postgresql-18-kpi-ext >/dev/null 2>&1 || true
	return "$status"
}
