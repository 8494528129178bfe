#!/usr/bin/env bash
# contrib/ works as written: the systemd unit and timers pass
# systemd-analyze verify against a /usr install of this build (the
# Debian package's paths), the unit's exit-status comment says what
# SuccessExitStatus does, ProtectSystem=strict leaves the metrics
# directory writable, no key is given twice; every Kubernetes CronJob
# runs unprivileged with a deadline and its config from a Secret the
# user can read (tests/tools/cronjobs.py).
. "$(dirname "$0")/../lib/harness.sh"
FG_TMP=$(mktemp -d /tmp/fgcontrib.XXXXXX)
trap 'rm -rf "$FG_TMP"' EXIT
sd=$FG_SOURCE_DIR/contrib/systemd
unit=$sd/flakeguard@.service
TOOLS="costsync budgetcheck notifyd-once snapshot secscan"

# the unit's settings, comments and blank lines left out
settings=$(grep -vE '^[[:space:]]*(#|$)' "$unit")
fg_eq "no key of the unit given twice" "" \
	"$(printf '%s\n' "$settings" | grep -v '^\[' | cut -d= -f1 | sort | uniq -d)"
fg_match "ExecStart is where the Debian package installs" '^ExecStart=/usr/bin/%i$' "$settings"
fg_match "the unit runs with ProtectSystem=strict" '^ProtectSystem=strict$' "$settings"
metrics=$(sed -n 's/^metrics_dir *= *//p' "$FG_SOURCE_DIR/flakeguard.conf.example")
fg_check "flakeguard.conf.example sets metrics_dir" test -n "$metrics"
fg_match "the metrics directory is writable, a missing one no error" \
	"^ReadWritePaths=.*-$metrics( |\$)" "$settings"

# The comment above SuccessExitStatus: the statuses it says count as
# success are 0 and those of SuccessExitStatus, the ones it says fail
# are every other status the tools use (lib/base/exitcode.h).
comment=$(awk '/^#/ { c = c " " $0; next } /^SuccessExitStatus=/ { print c; exit } { c = "" }' "$unit")
fg_check "SuccessExitStatus has a comment" test -n "$comment"
success=$(printf '%s\n' "$settings" | sed -n 's/^SuccessExitStatus=//p' | tr ' ' '\n' | grep . | sort -n | tr '\n' ' ')
said_ok=$(printf '%s' "${comment%%count as success*}" | grep -oE '\b[0-9]+\b' | sort -n | tr '\n' ' ')
fg_eq "the comment's successes are 0 and SuccessExitStatus" "0 $success" "$said_ok"
all=$(grep -oE '^[[:space:]]*FG_EX_[A-Z]+ = [0-9]+' "$FG_SOURCE_DIR/lib/base/exitcode.h" | grep -oE '[0-9]+$' | sort -n)
said_failed=$(printf '%s' "$comment" | sed -n 's/.*marks the unit failed//p' | grep -oE '\b[0-9]+\b' | sort -n | tr '\n' ' ')
fg_eq "the comment's failures are every other exit status" \
	"$(printf '%s\n' $all | grep -vxE "0|${success// /|}" | grep . | tr '\n' ' ')" "$said_failed"
for t in $TOOLS; do
	fg_check "flakeguard-$t.timer exists" test -f "$sd/flakeguard-$t.timer"
	fg_match "flakeguard-$t.timer starts its tool" "^Unit=flakeguard@$t.service$" \
		"$(cat "$sd/flakeguard-$t.timer" 2>/dev/null)"
done

# systemd-analyze verify: unit syntax, and that ExecStart exists in an
# installation with the package's prefix
if command -v systemd-analyze >/dev/null; then
	root=$FG_TMP/root
	DESTDIR=$root cmake --install "$FG_BUILD_DIR" --prefix /usr >/dev/null
	mkdir -p "$root/etc/systemd/system" "$root/usr/lib/systemd"
	cp -r /usr/lib/systemd/system "$root/usr/lib/systemd/"
	cp "$sd"/* "$root/etc/systemd/system/"
	for t in $TOOLS; do
		out=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no --root="$root" \
			"flakeguard@$t.service" "flakeguard-$t.timer" 2>&1)
		fg_eq "systemd-analyze verify flakeguard@$t.service and its timer" "0:" "$?:$out"
	done
else
	fg_log "systemd-analyze not found: unit files not verified"
fi

# Kubernetes
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import yaml' 2>/dev/null; then
		py=$p
		break
	fi
done
fg_check "a python3 with the yaml module (python3-yaml)" test -n "$py"
if [ -n "$py" ]; then
	out=$("$py" "$FG_SOURCE_DIR/tests/tools/cronjobs.py" "$FG_SOURCE_DIR/contrib/kubernetes/cronjobs.yaml" 2>&1)
	fg_eq "every CronJob is unprivileged, bounded and reads its config from a Secret" "0:" "$?:$out"
fi
fg_done
