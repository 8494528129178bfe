#!/usr/bin/env bash
# cmake --install honours DESTDIR and --prefix: binaries, man pages, sql/
# and the example config in place, for any prefix; the installed secscan
# finds the installed IoC list, the installed man pages name that
# installation's paths; the Debian package installs under /usr with
# /etc/flakeguard/flakeguard.conf as a conffile.
. "$(dirname "$0")/../lib/harness.sh"
. "$(dirname "$0")/../lib/secscan.sh"
fg_setup

# a secscan config without ioc_ip_file: the default list is used
sec_setup </dev/null
sed -i -e '/^ioc_ip_file/d' -e '/^odbc = /a credit_price = 3.00' "$SEC_CFG"
nioc=$(grep -cvE '^[[:space:]]*(#|$)' "$FG_SOURCE_DIR/data/unc5537-ips.txt")

# installed_ok ROOT PREFIX [deb]: the checks of one installation under
# ROOT/PREFIX (of the Debian package with "deb")
installed_ok() {
	local root=$1 prefix=$2 r=$1$2 t lib page out
	for t in costsync budgetcheck notifyd-once snapshot secscan; do
		fg_check "$prefix: $t installed and runs" "$r/bin/$t" --version
		fg_check "$prefix: $t installed answers --help" "$r/bin/$t" --help
		for lib in libpq libcurl libjansson libodbc; do
			fg_match "$prefix: installed $t links $lib" "$lib" "$(ldd "$r/bin/$t")"
		done
	done
	fg_check "$prefix: no module directory installed" \
		test ! -e "$r/lib/flakeguard" -a ! -e "$(echo "$r"/lib/*/flakeguard)"
	fg_check "$prefix: flakeguard.conf(5) installed" test -f "$r/share/man/man5/flakeguard.conf.5"
	fg_check "$prefix: flakeguard(7) installed" test -f "$r/share/man/man7/flakeguard.7"
	fg_check "$prefix: migrations installed" test -f "$r/share/flakeguard/sql/001_core.sql"
	fg_eq "$prefix: only the migrations installed, statements are compiled in" "" \
		"$(cd "$r/share/flakeguard/sql" && ls | grep -v '^[0-9][0-9][0-9]_.*\.sql$')"
	fg_check "$prefix: IoC list installed" test -s "$r/share/flakeguard/unc5537-ips.txt"
	fg_check "$prefix: example config installed" test -f "$r/share/doc/flakeguard/flakeguard.conf.example"
	fg_check "$prefix: crontab installed" test -f "$r/share/doc/flakeguard/crontab.example"
	if [ "${3:-}" != deb ]; then
		fg_check "$prefix: no config installed outside the package" test ! -e "$root/etc"
	fi
	fg_eq "$prefix: man pages for every tool installed" 5 "$(ls "$r"/share/man/man1/*.1 2>/dev/null | wc -l)"

	# the man pages show this installation's paths
	fg_match "$prefix: secscan(1) names the installed IoC list" \
		"^\.It Pa $prefix/share/flakeguard/unc5537-ips.txt\$" "$(cat "$r/share/man/man1/secscan.1")"
	fg_match "$prefix: flakeguard(7) names the installed IoC list" \
		"^\.It Pa $prefix/share/flakeguard/unc5537-ips.txt\$" "$(cat "$r/share/man/man7/flakeguard.7")"
	fg_match "$prefix: flakeguard.conf(5) names the installed example" \
		"^\.It Pa $prefix/share/doc/flakeguard/flakeguard.conf.example\$" \
		"$(cat "$r/share/man/man5/flakeguard.conf.5")"
	fg_eq "$prefix: no placeholder left in the man pages" "" \
		"$(grep -l '@FG_[A-Z]*@' "$r"/share/man/man?/* || true)"
	if command -v mandoc >/dev/null; then
		for page in "$r"/share/man/man?/*; do
			out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
			fg_eq "$prefix: installed $(basename "$page") is mandoc -Tlint clean" "" "$out"
		done
	fi

	# secscan reads the IoC list installed beside it, whatever the prefix
	fg_run "$r/bin/secscan" -c "$SEC_CFG" --check-config -v
	fg_eq "$prefix: installed secscan --check-config exits 0" 0 "$FG_RC"
	fg_match "$prefix: installed secscan finds the installed IoC list" \
		"^ioc addresses: $nioc from '$r/share/flakeguard/unc5537-ips.txt'\$" "$FG_OUT"
	fg_eq "$prefix: and does not warn" "" "$FG_ERR"
	fg_run "$r/bin/secscan" -c "$SEC_CFG" --json --rule ioc-ip-login
	fg_eq "$prefix: installed secscan scans" 0 "$FG_RC"
	fg_eq "$prefix: without a warning" "" "$FG_ERR"
	fg_match "$prefix: ioc-ip-login evaluated with the installed list" "IOC_IVY" "$FG_OUT"
}

for prefix in /usr/local /opt/flakeguard; do
	root=$FG_TMP/root${prefix//\//-}
	DESTDIR=$root cmake --install "$FG_BUILD_DIR" --prefix "$prefix" >/dev/null
	installed_ok "$root" "$prefix"
done

# The Debian package: /usr, the config as a conffile, mode 0600.
if command -v dpkg-deb >/dev/null; then
	(cd "$FG_TMP" && cpack -G DEB --config "$FG_BUILD_DIR/CPackConfig.cmake" -B "$FG_TMP/pkg" >/dev/null 2>&1)
	deb=$(ls "$FG_TMP"/pkg/flakeguard_*.deb 2>/dev/null | head -n 1)
	fg_check "cpack builds a Debian package" test -n "$deb"
	contents=$(dpkg-deb -c "$deb")
	fg_match "the package holds the tools in /usr/bin" ' \./usr/bin/secscan$' "$contents"
	fg_match "the package holds the IoC list in /usr/share" ' \./usr/share/flakeguard/unc5537-ips\.txt$' "$contents"
	fg_match "the package holds the config, mode 0600" \
		'^-rw------- .* \./etc/flakeguard/flakeguard\.conf$' "$contents"
	fg_nomatch "nothing under /usr/local" '\./usr/local' "$contents"
	fg_match "the package holds the systemd template unit" ' \./lib/systemd/system/flakeguard@\.service$' "$contents"
	fg_eq "and one timer per tool" 5 "$(printf '%s\n' "$contents" | grep -c ' \./lib/systemd/system/flakeguard-[a-z-]*\.timer$')"
	dpkg-deb -e "$deb" "$FG_TMP/control"
	fg_eq "the config is a conffile" "/etc/flakeguard/flakeguard.conf" "$(cat "$FG_TMP/control/conffiles")"
	fg_match "dpkg-deb -I lists the conffiles" "conffiles" "$(dpkg-deb -I "$deb")"
	fg_check "postinst is a valid shell script" sh -n "$FG_TMP/control/postinst"
	dpkg-deb -x "$deb" "$FG_TMP/deb"
	fg_check "the packaged config is the example" \
		cmp -s "$FG_TMP/deb/etc/flakeguard/flakeguard.conf" "$FG_SOURCE_DIR/flakeguard.conf.example"
	installed_ok "$FG_TMP/deb" /usr deb
fi
fg_done
