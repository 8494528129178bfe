/*
 * launch.c - the executable of every tool.
 *
 * A tool's code lives in a loadable module, fg-TOOL.so, linked against
 * libpq, libcurl, jansson and unixODBC, which between them bring in some
 * thirty shared libraries (TLS, Kerberos, LDAP, ...).  Loading and
 * relocating those costs more than everything else a short run does, so
 * the executable links nothing but libc: it answers a bare --version
 * itself, and loads the module for everything else.
 *
 * The module is looked for relative to the executable's own location
 * (/proc/self/exe, so symlinks to the executable work): first where
 * `cmake --install` puts it, $libdir/flakeguard, then beside the
 * executable, as in the build tree.  Never through the library search
 * path, which LD_LIBRARY_PATH or a sanitizer's dlopen wrapper changes.
 */
#include "fg_version.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define EX_SOFTWARE 70 /* sysexits.h: the installation is broken */

typedef int tool_main_fn(int argc, char **argv);

/* dir: the directory of the running executable, without a trailing '/'. */
static int exe_dir(char *dir, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", dir, size - 1);
	char *slash;

	if (n <= 0 || (size_t)n >= size - 1)
		return -1;
	dir[n] = '\0';
	if ((slash = strrchr(dir, '/')) == NULL)
		return -1;
	*slash = '\0';
	return 0;
}

/*
 * Load the module; on failure put a one-line reason in msg.  A module that
 * exists but does not load is an error, not a reason to try elsewhere.
 */
static void *load_module(char *msg, size_t size)
{
	static const char *const reldirs[] = { "/" FG_MODULE_RELDIR "/", "/" };
	char dir[PATH_MAX], path[PATH_MAX + 64];
	void *mod;
	size_t i;

	if (exe_dir(dir, sizeof(dir)) < 0) {
		snprintf(msg, size, "cannot find the executable's directory (is /proc mounted?)");
		return NULL;
	}
	for (i = 0; i < sizeof(reldirs) / sizeof(reldirs[0]); i++) {
		if (snprintf(path, sizeof(path), "%s%s%s", dir, reldirs[i], FG_MODULE) >= (int)sizeof(path) ||
		    access(path, F_OK) != 0)
			continue;
		if ((mod = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
			snprintf(msg, size, "%s", dlerror());
			return NULL;
		}
		if (dlsym(mod, "fg_tool_main") == NULL) {
			snprintf(msg, size, "%s is not a flakeguard module", path);
			return NULL;
		}
		return mod;
	}
	snprintf(msg, size, "%s is in neither %s/%s nor %s", FG_MODULE, dir, FG_MODULE_RELDIR, dir);
	return NULL;
}

int main(int argc, char **argv)
{
	char msg[3 * PATH_MAX];
	void *mod;
	tool_main_fn *tool_main;

	if (argc == 2 && (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)) {
		printf("%s (flakeguard) %s\nbuilt with %s\n", FG_TOOL, FG_VERSION, FG_BUILT_WITH);
		return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 74;
	}
	if ((mod = load_module(msg, sizeof(msg))) == NULL) {
		fprintf(stderr, "%s: error: cannot load the tool's module: %s; reinstall flakeguard\n",
			FG_TOOL, msg);
		return EX_SOFTWARE;
	}
	/* POSIX guarantees a function pointer survives the round trip
	 * through dlsym's void *. */
	*(void **)&tool_main = dlsym(mod, "fg_tool_main");
	return tool_main(argc, argv);
}
