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
done
fg_check "flakeguard.conf(5) installed" test -f "$r/share/man/man5/flakeguard.conf.5"
fg_check "flakeguard(7) installed" test -f "$r/share/man/man7/flakeguard.7"
fg_check "migrations installed" test -f "$r/share/flakeguard/sql/001_core.sql"
fg_check "IoC list installed" test -s "$r/share/flakeguard/unc5537-ips.txt"
fg_check "example config installed" test -f "$r/share/doc/flakeguard/flakeguard.conf.example"
fg_check "crontab installed" test -f "$r/share/doc/flakeguard/crontab.example"
fg_eq "man pages for every tool installed" 5 "$(ls "$r"/share/man/man1/*.1 2>/dev/null | wc -l)"
fg_done
