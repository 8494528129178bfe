#!/usr/bin/env bash
# SIGKILL at seeded random points: ten trials each of costsync,
# budgetcheck and snapshot.  Each trial starts from the same state, kills
# the tool after a random share of the time an uninterrupted run takes,
# reruns it, and compares the tools' tables with those of the
# uninterrupted run.
. "$(dirname "$0")/../lib/harness.sh"
. "$FG_SOURCE_DIR/tests/lib/faults.sh"
fg_setup
flt_setup --delay-ms 30
RANDOM=9

notifyd-once -c "$FLT_CFG" || fg_fail "schema"
flt_save empty
flt_trials costsync empty
flt_save costs
flt_trials budgetcheck costs
flt_save alerts
flt_trials snapshot alerts
fg_done
