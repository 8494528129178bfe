/*
 * progress.c - a single self-rewriting status line on a terminal.
 */
#include "progress.h"
#include "clock.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* A terminal that understands "\033[K" (not TERM=dumb). */
static bool getenv_nonempty_term(void)
{
	const char *t = getenv("TERM");
	return t != NULL && *t != '\0' && strcmp(t, "dumb") != 0;
}

void fg_progress_start(struct fg_progress *p, const char *label, const char *what, long long total)
{
	memset(p, 0, sizeof(*p));
	p->on = isatty(STDERR_FILENO) && fg_log_enabled(FG_LOG_WARN) && getenv_nonempty_term();
	snprintf(p->label, sizeof(p->label), "%s", label);
	p->what = what;
	p->total = total;
	p->t0 = p->last = fg_mono_seconds();
}

void fg_progress_add(struct fg_progress *p, long long n)
{
	p->done += n;
	if (!p->on)
		return;
	double t = fg_mono_seconds();
	if (t - p->last < 0.5)
		return;
	p->last = t;
	double rate = (double)p->done / (t - p->t0 > 0.001 ? t - p->t0 : 0.001);
	char eta[32] = "";
	if (p->total > 0 && rate > 0 && p->done < p->total)
		snprintf(eta, sizeof(eta), ", ETA %.0fs", (double)(p->total - p->done) / rate);
	if (p->total > 0)
		fprintf(stderr, "\r%s: %lld/%lld %s (%.0f/s%s)\033[K", p->label, p->done, p->total, p->what,
			rate, eta);
	else
		fprintf(stderr, "\r%s: %lld %s (%.0f/s)\033[K", p->label, p->done, p->what, rate);
	fflush(stderr);
}

void fg_progress_end(struct fg_progress *p)
{
	if (p->on && p->last > p->t0) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->on = false;
}
