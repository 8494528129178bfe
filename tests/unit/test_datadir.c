/* Data files beside the executable: the path arithmetic and the fallback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka.h needs the headers above first. */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "datadir.h"

static void expect(const char *exe, const char *rel, const char *want)
{
	char *got = fg_datadir_beside(exe, rel, "unc5537-ips.txt");
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_prefix_follows_the_executable(void **state)
{
	(void)state;
	expect("/opt/fg/bin/secscan", "../share/flakeguard", "/opt/fg/share/flakeguard/unc5537-ips.txt");
	expect("/usr/bin/secscan", "../share/flakeguard", "/usr/share/flakeguard/unc5537-ips.txt");
	expect("/tmp/root/usr/local/bin/secscan", "../share/flakeguard",
	       "/tmp/root/usr/local/share/flakeguard/unc5537-ips.txt");
}

static void test_other_layouts(void **state)
{
	(void)state;
	/* bindir sbin/x, datadir share: two levels up */
	expect("/srv/fg/sbin/tools/secscan", "../../share/flakeguard",
	       "/srv/fg/share/flakeguard/unc5537-ips.txt");
	/* datadir inside bindir */
	expect("/srv/fg/secscan", "data/flakeguard", "/srv/fg/data/flakeguard/unc5537-ips.txt");
	expect("/srv/fg/secscan", "./data", "/srv/fg/data/unc5537-ips.txt");
	/* an executable in / */
	expect("/bin/secscan", "../share/flakeguard", "/share/flakeguard/unc5537-ips.txt");
}

static void test_no_directory(void **state)
{
	(void)state;
	assert_null(fg_datadir_beside("secscan", "../share/flakeguard", "x"));
}

/* A unit test binary has no share/flakeguard beside it: the configure-time path. */
static void test_falls_back_to_configured_datadir(void **state)
{
	char *got = fg_datadir_file("unc5537-ips.txt");
	(void)state;
	assert_non_null(got);
	assert_string_equal(got, FG_DATADIR "/unc5537-ips.txt");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_follows_the_executable),
		cmocka_unit_test(test_other_layouts),
		cmocka_unit_test(test_no_directory),
		cmocka_unit_test(test_falls_back_to_configured_datadir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
