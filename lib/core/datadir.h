/*
 * datadir.h - where the installed data files (share/flakeguard) are.
 *
 * An installation may live under any prefix (cmake --install --prefix P,
 * a Debian package under /usr, a tree copied elsewhere), so a data file is
 * looked up beside the running executable first: the directory of
 * /proc/self/exe, then FG_BINDIR_TO_DATADIR (the relative path from the
 * install bindir to datadir/flakeguard, fixed at configure time).  When
 * that file cannot be read, the configure-time FG_DATADIR is the answer.
 */
#ifndef FG_DATADIR_H
#define FG_DATADIR_H

#include <stddef.h>

/*
 * The path of data file NAME (e.g. "unc5537-ips.txt"): beside the running
 * executable when readable there, else under FG_DATADIR (which need not
 * exist; the caller reports it).  A new string the caller frees, or NULL
 * when out of memory.
 */
char *fg_datadir_file(const char *name);

/*
 * EXE's directory joined with REL and NAME, leading "../" of REL taken
 * off the directory lexically: ("/opt/fg/bin/secscan", "../share/flakeguard",
 * "x.txt") is "/opt/fg/share/flakeguard/x.txt".  A new string, or NULL
 * when EXE has no directory or out of memory.
 */
char *fg_datadir_beside(const char *exe, const char *rel, const char *name);

#endif
