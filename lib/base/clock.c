/*
 * clock.c - the tools' notion of now, and civil-date arithmetic.
 *
 * Date conversions follow Howard Hinnant's days_from_civil algorithm, which
 * is exact over the whole proleptic Gregorian calendar.  Elapsed times use
 * CLOCK_MONOTONIC and ignore FLAKEGUARD_NOW: a fixed "now" must not make
 * every duration zero.
 */
#include "clock.h"
#include "exitcode.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool fixed_now;
static time_t fixed;

long fg_days_from_civil(int y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

void fg_civil_from_days(long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (*m <= 2));
}

static int days_in_month(int y, unsigned m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

int fg_date_parse(const char *s, long *day)
{
	/* YYYY-MM-DD exactly: costsync parses one per row it reads */
	static const char shape[] = "dddd-dd-dd";
	int v[3] = { 0, 0, 0 };
	if (s == NULL)
		return -1;
	for (int i = 0, k = 0; i < 10; i++) {
		if (shape[i] == '-') {
			if (s[i] != '-')
				return -1;
			k++;
		} else if (s[i] >= '0' && s[i] <= '9') {
			v[k] = v[k] * 10 + (s[i] - '0');
		} else {
			return -1;
		}
	}
	int y = v[0];
	unsigned m = (unsigned)v[1], d = (unsigned)v[2];
	if (s[10] != '\0' || y < 1970 || m < 1 || m > 12 || d < 1 || (int)d > days_in_month(y, m))
		return -1;
	*day = fg_days_from_civil(y, m, d);
	return 0;
}

void fg_date_format(long day, char *buf, size_t len)
{
	int y;
	unsigned m, d;
	fg_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02u", y, m, d);
}

int fg_timestamp_parse(const char *s, time_t *out)
{
	int y, hh, mm, ss, n = 0;
	unsigned mo, d;
	char sep;
	if (s == NULL || sscanf(s, "%4d-%2u-%2u%c%2d:%2d:%2d%n", &y, &mo, &d, &sep, &hh, &mm, &ss, &n) != 7)
		return -1;
	if ((sep != 'T' && sep != ' ') || mo < 1 || mo > 12 || d < 1 || (int)d > days_in_month(y, mo) ||
	    hh < 0 || hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60)
		return -1;
	const char *rest = s + n;
	if (*rest == '.')
		for (rest++; *rest >= '0' && *rest <= '9'; rest++)
			;
	if (strcmp(rest, "Z") != 0 && strcmp(rest, "+00:00") != 0 && strcmp(rest, "+00") != 0 &&
	    *rest != '\0')
		return -1;
	*out = (time_t)fg_days_from_civil(y, mo, d) * 86400 + hh * 3600 + mm * 60 + ss;
	return 0;
}

void fg_timestamp_format(time_t t, char *buf, size_t len)
{
	long day = (long)(t >= 0 ? t / 86400 : (t - 86399) / 86400);
	long sec = (long)(t - (time_t)day * 86400);
	int y;
	unsigned m, d;
	fg_civil_from_days(day, &y, &m, &d);
	snprintf(buf, len, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", y, m, d, sec / 3600, sec / 60 % 60, sec % 60);
}

int fg_clock_init(void)
{
	const char *env = getenv("FLAKEGUARD_NOW");
	fixed_now = false;
	if (env == NULL || *env == '\0')
		return 0;
	if (fg_timestamp_parse(env, &fixed) < 0) {
		fg_error("invalid FLAKEGUARD_NOW '%s': use an instant like 2026-03-15T10:00:00Z", env);
		return FG_ERR_CONFIG;
	}
	fixed_now = true;
	return 0;
}

time_t fg_now(void)
{
	return fixed_now ? fixed : time(NULL);
}

long fg_today(void)
{
	time_t t = fg_now();
	return (long)(t / 86400);
}

struct timespec fg_mono_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts;
}

double fg_mono_seconds(void)
{
	struct timespec now = fg_mono_now();
	return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

double fg_elapsed_since(const struct timespec *t0)
{
	struct timespec now = fg_mono_now();
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}
