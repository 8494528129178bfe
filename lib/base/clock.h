/*
 * clock.h - "now" and UTC calendar dates.
 *
 * FLAKEGUARD_NOW=2026-03-15T10:00:00Z makes every tool take that instant as
 * now (tests, backtests, demos).  Dates are days since 1970-01-01 (UTC),
 * so date arithmetic is integer arithmetic.
 *
 * Durations (how long a run or a step took) come from the monotonic clock,
 * which FLAKEGUARD_NOW does not touch and wall-clock steps do not disturb.
 */
#ifndef FG_CLOCK_H
#define FG_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* Read FLAKEGUARD_NOW once; returns 0 or FG_ERR_CONFIG after logging. */
int fg_clock_init(void);
/* Current instant (FLAKEGUARD_NOW if set). */
time_t fg_now(void);
/* Today's UTC date as a day number. */
long fg_today(void);

/* Parse YYYY-MM-DD into a day number; returns 0 or -1. */
int fg_date_parse(const char *s, long *day);
/* Format a day number as YYYY-MM-DD (buf >= 11 bytes). */
void fg_date_format(long day, char *buf, size_t len);
/* Parse 2026-03-15T10:00:00Z (or with +00:00, or a space); returns 0 or -1. */
int fg_timestamp_parse(const char *s, time_t *out);
/* Format an instant as 2026-03-15T10:00:00Z (buf >= 21 bytes). */
void fg_timestamp_format(time_t t, char *buf, size_t len);
/* Days from civil date (proleptic Gregorian). */
long fg_days_from_civil(int y, unsigned m, unsigned d);
void fg_civil_from_days(long z, int *y, unsigned *m, unsigned *d);

/* The monotonic clock now: a start point for fg_elapsed_since(). */
struct timespec fg_mono_now(void);
/* The monotonic clock now in seconds, for deadlines and rates. */
double fg_mono_seconds(void);
/* Seconds since t0 (from fg_mono_now()), with nanosecond resolution. */
double fg_elapsed_since(const struct timespec *t0);

#endif
