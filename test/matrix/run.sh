#!/usr/bin/env bash
# The PostgreSQL version matrix: for each supported major, a clean Debian
# root made with debootstrap from Debian's archive, that Debian's own
# postgresql-NN, kpi_ext built there as a Debian package from a clean copy
# of the tree, the package installed, the tests run against the packaged
# files, the package purged and checked gone; then the PGXN archive unpacked,
# built and tested in the same root; and, when 15 and 18 both run, summaries
# stored under 15 dumped with 18's pg_dump and read again under 18.
#
#   bash test/matrix/run.sh [--rebuild] [--parts "regress tap"] [15 17 18]
#
# Run as root.  Roots are cached in $KPI_MATRIX_CACHE (default
# /var/cache/kpi_ext-matrix) and made again after a week, when the package
# list below changes, or with --rebuild.  Prints a line per step and ends
# with "matrix: N passed, N failed"; exits non-zero on any failure.  Nothing
# it mounted or started outlives it.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root_of_tree=$(cd "$here/../.." && pwd)
cache=${KPI_MATRIX_CACHE:-/var/cache/kpi_ext-matrix}
mirror=${KPI_DEBIAN_MIRROR:-http://deb.debian.org/debian}
parts="regress tap"
rebuild=
versions=()

while (($#)); do
	case $1 in
		--rebuild) rebuild=1 ;;
		--parts) parts=$2; shift ;;
		15 | 17 | 18) versions+=("$1") ;;
		*) echo "usage: $0 [--rebuild] [--parts \"regress tap\"] [15 17 18]" >&2; exit 2 ;;
	esac
	shift
done
((${#versions[@]})) || versions=(15 17 18)

log() { printf '== matrix: %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { log "run as root: debootstrap and chroot need it"; exit 1; }
source "$root_of_tree/test/lib.sh"
kpi_require_packages debootstrap git make

declare -A suite_of=([15]=bookworm [17]=trixie [18]=sid)

# Everything a root needs: the server and its headers, the Debian packaging
# tools, and what the TAP tests use.  A change here remakes the roots.
root_packages() {
	echo "postgresql-$1 postgresql-server-dev-$1 postgresql-server-dev-all" \
		"build-essential debhelper dpkg-dev lintian fakeroot unzip" \
		"libipc-run-perl python3-psycopg2 sqlsmith locales"
}

# apt in the roots: unstable's Release file on this archive can be past its
# Valid-Until date.
apt_opts=(-o Acquire::Check-Valid-Until=false -o APT::Install-Recommends=false -qq)

mounted=()
started=()

cleanup() {
	local status=$? i dir pid
	for dir in "${started[@]}"; do
		chroot "${dir%%::*}" sh -c "runuser -u postgres -- /usr/lib/postgresql/*/bin/pg_ctl \
			-D '${dir##*::}' -m immediate -w stop" >/dev/null 2>&1 || true
	done
	# any process still running inside a root would keep its mounts busy
	for dir in "${mounted[@]}"; do
		for pid in $(ls /proc | grep -E '^[0-9]+$'); do
			[ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "${dir%/*}" ] && kill -9 "$pid" 2>/dev/null || true
		done
	done
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" || true
	done
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_into() { # type-or-bind source target
	mkdir -p "$3"
	if [ "$1" = bind ]; then mount --bind "$2" "$3"; else mount -t "$1" "$2" "$3"; fi
	mounted+=("$3")
}

# in the background and waited for, so that a signal reaches the traps at
# once instead of after the step (cleanup then kills what runs in the roots)
in_root() { # root command...
	local r=$1; shift
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
		DEBIAN_FRONTEND=noninteractive "$@" &
	wait $!
}

# Makes (or reuses) root $cache/$1 of Debian suite $2 with packages $3;
# $4, if given, is one more apt source, pinned low so that only packages
# asked for by release (name/suite) come from it.
ensure_root() {
	local name=$1 suite=$2 packages=$3 extra=${4:-} r=$cache/$1 want stamp
	want="$suite $packages${extra:+ + $extra}"
	stamp=$r/.kpi_ext-root
	if [ -z "$rebuild" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
		[ -z "$(find "$stamp" -mtime +7)" ]; then
		log "reusing the Debian $suite root $r"
		return 0
	fi
	log "making a Debian $suite root in $r"
	rm -rf "$r" "$r.new"
	mkdir -p "$cache"
	debootstrap --variant=minbase "$suite" "$r.new" "$mirror" >"$cache/$name.debootstrap.log" 2>&1 ||
		{ tail -n 20 "$cache/$name.debootstrap.log" >&2; return 1; }
	if [ -n "$extra" ]; then
		echo "deb $mirror $extra main" >"$r.new/etc/apt/sources.list.d/$extra.list"
		printf 'Package: *\nPin: release n=%s\nPin-Priority: 100\n' "$extra" >"$r.new/etc/apt/preferences.d/$extra"
	fi
	mount_into proc proc "$r.new/proc"
	# no daemon may start while packages install (the cluster postgresql-NN
	# would create is not used)
	printf '#!/bin/sh\nexit 101\n' >"$r.new/usr/sbin/policy-rc.d"
	chmod +x "$r.new/usr/sbin/policy-rc.d"
	mkdir -p "$r.new/etc/postgresql-common/createcluster.d"
	echo 'create_main_cluster = false' >"$r.new/etc/postgresql-common/createcluster.d/kpi_ext.conf"
	# shellcheck disable=SC2086
	if ! { in_root "$r.new" apt-get "${apt_opts[@]}" update &&
		in_root "$r.new" apt-get "${apt_opts[@]}" -y install $packages; } \
		>"$cache/$name.apt.log" 2>&1; then
		tail -n 20 "$cache/$name.apt.log" >&2
		return 1
	fi
	umount "$r.new/proc" && unset 'mounted[${#mounted[@]}-1]'
	echo "$want" >"$r.new/.kpi_ext-root"
	mv "$r.new" "$r"
}

# A clean copy of the tree: the committed files plus uncommitted changes to
# them (git stash create records those without touching anything).
tree_ref=$(git -C "$root_of_tree" stash create 2>/dev/null || true)
tree_ref=${tree_ref:-HEAD}

passed=0 failed=0
declare -A debs=()

step() { # description command...
	local what=$1; shift
	if "$@"; then
		passed=$((passed + 1)); printf 'matrix: %-58s ok\n' "$what"
	else
		failed=$((failed + 1)); printf 'matrix: %-58s FAILED\n' "$what"
	fi
}

# Builds the Debian package in root $1 for major $2 and checks it with lintian:
# errors and warnings fail, the informational tags doc/operations.md explains are shown.
# The package is built in /build/pkg (updatecontrol rewrites debian/control
# for the root's major); the tests run in the untouched copy /build/kpi_ext.
build_deb() {
	local r=$1 major=$2
	rm -rf "$r/build" && mkdir -p "$r/build/kpi_ext" "$r/build/pkg/kpi_ext"
	git -C "$root_of_tree" archive "$tree_ref" | tar -C "$r/build/kpi_ext" -xf -
	git -C "$root_of_tree" archive "$tree_ref" | tar -C "$r/build/pkg/kpi_ext" -xf -
	in_root "$r" sh -c 'cd /build/pkg/kpi_ext && pg_buildext updatecontrol && dpkg-buildpackage -us -uc' \
		>"$r/build/dpkg-buildpackage.log" 2>&1 ||
		{ tail -n 40 "$r/build/dpkg-buildpackage.log" >&2; return 1; }
	debs[$major]=pkg/$(cd "$r/build/pkg" && ls postgresql-"$major"-kpi-ext_*.deb)
	in_root "$r" runuser -u nobody -- sh -c 'lintian -I --pedantic /build/pkg/kpi-ext_*.changes' \
		>"$r/build/lintian.log" 2>&1 || true
	sed 's/^/   lintian: /' "$r/build/lintian.log" >&2
	! grep -qE '^[EW]: ' "$r/build/lintian.log"
}

# Installs the package, runs check.sh's parts against the installed files,
# purges the package and checks that none of its files are left.
test_deb() {
	local r=$1 major=$2 status=0 leftover
	in_root "$r" dpkg -i "/build/${debs[$major]}" >/dev/null 2>&1 || return 1
	in_root "$r" dpkg -L "postgresql-$major-kpi-ext" >"$r/build/package.files"
	in_root "$r" env PG_MAJOR="$major" KPI_USE_INSTALLED=1 KPI_CHECK_PARTS="$parts" \
		bash /build/kpi_ext/test/check.sh >"$r/build/check.log" 2>&1 || status=$?
	grep -E '^(ok|not ok|# )|\.\.\. |passed, .* failed|^== ' "$r/build/check.log" | sed 's/^/   /' >&2
	[ "$status" = 0 ] || tail -n 60 "$r/build/check.log" >&2
	in_root "$r" dpkg --purge "postgresql-$major-kpi-ext" >/dev/null 2>&1 || return 1
	leftover=$(while read -r f; do [ -f "$r$f" ] && echo "$f"; done <"$r/build/package.files" || true)
	[ -z "$leftover" ] || { log "left after purge: $leftover"; return 1; }
	return "$status"
}

# The PGXN archive: `make dist` on this tree, unpacked in the root; its
# META.json, control file and scripts agree (the packaging test), and it
# builds, installs and passes the pg_regress suite there.
test_zip() {
	local r=$1 major=$2 zip status=0
	make -C "$root_of_tree" -s dist DIST_REF="$tree_ref" DISTFILE="$r/build/kpi_ext.zip" >/dev/null || return 1
	rm -rf "$r/build/zip" && mkdir -p "$r/build/zip"
	# built first: make assembles the install scripts the packaging test reads
	in_root "$r" sh -c 'cd /build/zip && unzip -q ../kpi_ext.zip && cd kpi_ext-* && make -s &&
		perl test/t/000_packaging.pl && make -s install' >"$r/build/zip.log" 2>&1 || status=$?
	[ "$status" = 0 ] && { in_root "$r" env PG_MAJOR="$major" KPI_USE_INSTALLED=1 KPI_CHECK_PARTS=regress \
		sh -c 'bash /build/zip/kpi_ext-*/test/check.sh' >>"$r/build/zip.log" 2>&1 || status=$?; }
	in_root "$r" sh -c 'cd /build/zip/kpi_ext-* && make -s uninstall' >/dev/null 2>&1 || true
	[ "$status" = 0 ] || tail -n 40 "$r/build/zip.log" >&2
	return "$status"
}

for major in "${versions[@]}"; do
	suite=${suite_of[$major]}
	r=$cache/$suite
	t0=$SECONDS
	if ! ensure_root "$suite" "$suite" "$(root_packages "$major")"; then
		failed=$((failed + 1)); printf 'matrix: %-58s FAILED\n' "PostgreSQL $major: Debian $suite root"
		continue
	fi
	mount_into proc proc "$r/proc"
	mount_into tmpfs shm "$r/dev/shm"
	pg_version=$(in_root "$r" dpkg-query -W -f='${Version}' "postgresql-$major")
	log "PostgreSQL $major ($pg_version) on Debian $suite"
	if step "PostgreSQL $major: package postgresql-$major-kpi-ext builds, lintian" build_deb "$r" "$major"; then
		step "PostgreSQL $major: suite ($parts) on the installed package" test_deb "$r" "$major"
	fi
	step "PostgreSQL $major: PGXN archive builds and passes pg_regress" test_zip "$r" "$major"
	log "PostgreSQL $major: $((SECONDS - t0)) s"
done

# Summaries stored under 15 read the same under 18 after pg_dump (18's) and
# restore, and after pg_upgrade, the two ways PostgreSQL's upgrade
# documentation gives.  pg_upgrade needs both majors in one system: an
# unstable root with Debian 12's postgresql-15 beside unstable's 18.
if [[ " ${versions[*]} " == *" 15 "* && " ${versions[*]} " == *" 18 "* && -n "${debs[15]:-}" && -n "${debs[18]:-}" ]]; then
	source "$here/cross_major.sh"
	step "stored summaries: PostgreSQL 15 -> pg_dump 18 -> 18 read the same" \
		cross_major "$cache/bookworm" "$cache/sid"
	if ensure_root sid-upgrade sid "postgresql-18 postgresql-15/bookworm" bookworm; then
		mount_into proc proc "$cache/sid-upgrade/proc"
		mount_into tmpfs shm "$cache/sid-upgrade/dev/shm"
		step "stored summaries: PostgreSQL 15 -> pg_upgrade -> 18 read the same" \
			upgrade_major "$cache/sid-upgrade" "$cache/bookworm" "$cache/sid"
	else
		failed=$((failed + 1)); printf 'matrix: %-58s FAILED\n' "Debian unstable root with PostgreSQL 15 and 18"
	fi
fi

echo "matrix: $passed passed, $failed failed"
[ "$failed" = 0 ]
