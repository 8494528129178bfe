#!/usr/bin/env bash
# The architecture HACKING.md describes holds: files of at most 600 lines,
# each lib/ part says what it is for and what it uses, includes and calls
# go down the layers only, no include or call circle between files, and
# the sources point at nothing outside the repository.
. "$(dirname "$0")/../lib/harness.sh"
FG_TMP=$(mktemp -d /tmp/fglayout.XXXXXX)
trap 'rm -rf "$FG_TMP"' EXIT

out=$(python3 "$FG_SOURCE_DIR/tests/tools/layout.py" "$FG_SOURCE_DIR" "$FG_BUILD_DIR")
rc=$?
printf '%s\n' "$out" | grep '^#' >&2
fg_eq "the layout check passes" 0 "$rc"
fg_eq "the layout check reports nothing" "" "$(printf '%s\n' "$out" | grep -v '^#')"

# The checker itself catches what it is for: an upward call, a file too long.
mkdir -p "$FG_TMP/src/lib/base" "$FG_TMP/src/lib/core" "$FG_TMP/src/cmd"
cat >"$FG_TMP/src/lib/base/CMakeLists.txt" <<'C'
# base: helpers.  Uses libc.
add_library(fg_base STATIC a.c)
C
cat >"$FG_TMP/src/lib/core/CMakeLists.txt" <<'C'
# core: the rest.  Uses base.
add_library(fg_core STATIC b.c)
target_link_libraries(fg_core PUBLIC fg_base)
C
printf '#include "b.h"\nvoid fg_a(void);\nvoid fg_a(void) {}\n' >"$FG_TMP/src/lib/base/a.c"
printf 'void fg_b(void);\n' >"$FG_TMP/src/lib/core/b.h"
seq 1 601 | sed 's/^/\/\/ /' >>"$FG_TMP/src/lib/core/b.h"
printf 'void fg_b(void) {}\n' >"$FG_TMP/src/lib/core/b.c"
bad=$(python3 "$FG_SOURCE_DIR/tests/tools/layout.py" "$FG_TMP/src" "$FG_TMP/build")
fg_match "an upward include is reported" "lib/base/a.c:1: includes b.h of fg_core, which fg_base may not use" "$bad"
fg_match "a long file is reported" "lib/core/b.h: 602 lines, more than 600" "$bad"
fg_done
