#!/usr/bin/env bash
# cmake --install honours DESTDIR and puts binaries, man pages, sql/ and the
# example config in place; installed binaries run.
. "$(dirname "$0")/../lib/harness.sh"
FG_TMP=$(mktemp -d /tmp/fginst.XXXXXX)
trap 'rm -rf "$FG_TMP"' EXIT
DESTDIR=$FG_TMP/root cmake --install "$FG_BUILD_DIR" --prefix /usr/local >/dev/null
r=$FG_TMP/root/usr/local
for t in costsync budgetcheck notifyd-once snapshot secscan; do
	fg_check "$t installed and runs" "$r/bin/$t" --version
	fg_check "$t installed answers --help" "$r/bin/$t" --help
	for lib in libpq libcurl libjansson libodbc; do
		fg_match "installed $t links $lib" "$lib" "$(ldd "$r/bin/$t")"
	done
done
fg_check "no module directory installed" test ! -e "$r/lib/flakeguard" -a ! -e "$(echo "$r"/lib/*/flakeguard)"
fg_check "flakeguard.conf(5) installed" test -f "$r/share/man/man5/flakeguard.conf.5"
fg_check "flakeguard(7) installed" test -f "$r/share/man/man7/flakeguard.7"
fg_check "migrations installed" test -f "$r/share/flakeguard/sql/001_core.sql"
fg_eq "only the migrations installed, statements are compiled in" "" \
	"$(cd "$r/share/flakeguard/sql" && ls | grep -v '^[0-9][0-9][0-9]_.*\.sql$')"
fg_check "IoC list installed" test -s "$r/share/flakeguard/unc5537-ips.txt"
fg_check "example config installed" test -f "$r/share/doc/flakeguard/flakeguard.conf.example"
fg_check "crontab installed" test -f "$r/share/doc/flakeguard/crontab.example"
fg_eq "man pages for every tool installed" 5 "$(ls "$r"/share/man/man1/*.1 2>/dev/null | wc -l)"

# The Debian package puts the IoC list where secscan looks for it.
if command -v dpkg-deb >/dev/null; then
	(cd "$FG_TMP" && cpack -G DEB --config "$FG_BUILD_DIR/CPackConfig.cmake" -B "$FG_TMP/pkg" >/dev/null 2>&1)
	deb=$(ls "$FG_TMP"/pkg/flakeguard_*.deb 2>/dev/null | head -n 1)
	fg_check "cpack builds a Debian package" test -n "$deb"
	ioc=$(strings "$FG_BUILD_DIR/secscan" | grep -m1 'share/flakeguard/unc5537-ips.txt' || true)
	fg_check "secscan names its default IoC file ($ioc)" test -n "$ioc"
	fg_check "the package holds the IoC list where secscan looks" \
		sh -c "dpkg-deb -c '$deb' | grep -F ' .$ioc' >/dev/null"
	fg_check "the package holds the tools" \
		sh -c "dpkg-deb -c '$deb' | grep -E '/bin/secscan\$' >/dev/null"
fi
fg_done
