/*
 * datadir.c - data files found for any installation prefix.
 *
 * The lookup is lexical on the resolved executable path (/proc/self/exe
 * already follows symbolic links, so a link in /usr/local/bin to
 * /opt/flakeguard/bin/secscan finds /opt/flakeguard/share/flakeguard).
 * Without /proc, or when the file is not beside the executable (a binary
 * run from the build tree), the configure-time FG_DATADIR is used.
 */
#include "datadir.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FG_DATADIR
#define FG_DATADIR "/usr/local/share/flakeguard"
#endif
#ifndef FG_BINDIR_TO_DATADIR
#define FG_BINDIR_TO_DATADIR "../share/flakeguard"
#endif

static char *join(const char *dir, size_t dirlen, const char *rel, const char *name)
{
	size_t n = dirlen + strlen(rel) + strlen(name) + 3;
	char *out = malloc(n);

	if (out == NULL)
		return NULL;
	snprintf(out, n, "%.*s%s%s/%s", (int)dirlen, dir, *rel ? "/" : "", rel, name);
	return out;
}

char *fg_datadir_beside(const char *exe, const char *rel, const char *name)
{
	const char *slash = strrchr(exe, '/');
	size_t len;

	if (slash == NULL)
		return NULL;
	len = (size_t)(slash - exe);
	while (strncmp(rel, "../", 3) == 0 || strcmp(rel, "..") == 0) {
		const char *up = NULL;
		for (size_t i = 0; i < len; i++)
			if (exe[i] == '/')
				up = exe + i;
		if (up == NULL)
			break; /* at the root: ".." of "/" is "/" */
		len = (size_t)(up - exe);
		rel += rel[2] == '/' ? 3 : 2;
	}
	while (strncmp(rel, "./", 2) == 0)
		rel += 2;
	if (strcmp(rel, ".") == 0)
		rel = "";
	return join(exe, len, rel, name);
}

char *fg_datadir_file(const char *name)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0 && (size_t)n < sizeof(exe) - 1) {
		char *path;
		exe[n] = '\0';
		if ((path = fg_datadir_beside(exe, FG_BINDIR_TO_DATADIR, name)) == NULL)
			return NULL;
		if (access(path, R_OK) == 0)
			return path;
		free(path);
	}
	return join(FG_DATADIR, strlen(FG_DATADIR), "", name);
}
