/*
 * budget_json.c - budget statuses in the --json shape.
 *
 * A run keeps what the statuses are made of: the evaluation rows, the
 * budget of each row and the alert candidates (the created ones are the
 * new alerts, in row order).  fg_budget_write_json() writes the document
 * straight from them, through one reused 64 KiB buffer: building a jansson tree of 10,000
 * objects of sixteen keys, dumping it and freeing it took more than a
 * third of a run's CPU, almost all of it in malloc and free.  The text is
 * the one json_dumpf(JSON_INDENT(2) | JSON_REAL_PRECISION(15)) wrote for
 * the tree, byte for byte: same key order, same escapes, "percent" a
 * real formatted as jansson formats one.  "percent" is a JSON number
 * made from the two-decimal text PostgreSQL computed; 15 significant
 * digits print that text back exactly (147.36, never 147.36000000000001)
 * for any percent below 10^13.  Each new alert says whether this run
 * put its notification in the outbox ("queued"): notifyd-once --stdin
 * sends only the others, so a pipe never sends an alert twice.
 * fg_budget_statuses() still
 * builds the tree, for the table and for whoever wants one.
 */
#include "budget.h"
#include "budget_coverage.h"
#include "budget_eval.h"
#include "budget_notify.h"
#include "db.h"
#include "exitcode.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int fg_budget_crossed(const struct fg_budget *b, const PGresult *ev, int row, int *out)
{
	long q = strtol(PQgetvalue(ev, row, EV_QUOTIENT), NULL, 10);
	int n = 0;

	while (n < b->nthresholds && b->thresholds[n] <= q) {
		out[n] = b->thresholds[n];
		n++;
	}
	return n;
}

/* Output in 64 KiB chunks: one buffer, reused, so no page is touched twice. */
#define CHUNK (1 << 16)

struct buf {
	FILE *out;
	size_t len;
	char p[CHUNK];
};

static void put(struct buf *b, const char *s, size_t n)
{
	while (n > 0) {
		size_t k = CHUNK - b->len < n ? CHUNK - b->len : n;
		memcpy(b->p + b->len, s, k);
		b->len += k;
		s += k;
		n -= k;
		if (b->len == CHUNK) {
			/* A failed write to stdout is seen as before: by whoever reads it. */
			(void)!fwrite(b->p, 1, b->len, b->out);
			b->len = 0;
		}
	}
}

static void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

static void printf_(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void printf_(struct buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A JSON string as jansson escapes one (no JSON_ENSURE_ASCII, no JSON_ESCAPE_SLASH). */
static void string(struct buf *b, const char *s)
{
	put(b, "\"", 1);
	for (;;) {
		size_t n = 0;
		while (s[n] != '\0' && s[n] != '"' && s[n] != '\\' && (unsigned char)s[n] >= 0x20)
			n++;
		put(b, s, n);
		s += n;
		if (*s == '\0')
			break;
		switch (*s) {
		case '"':
			puts_(b, "\\\"");
			break;
		case '\\':
			puts_(b, "\\\\");
			break;
		case '\b':
			puts_(b, "\\b");
			break;
		case '\f':
			puts_(b, "\\f");
			break;
		case '\n':
			puts_(b, "\\n");
			break;
		case '\r':
			puts_(b, "\\r");
			break;
		case '\t':
			puts_(b, "\\t");
			break;
		default:
			printf_(b, "\\u%04X", (unsigned)(unsigned char)*s);
			break;
		}
		s++;
	}
	put(b, "\"", 1);
}

/* A real as jansson 2.14 writes one with JSON_REAL_PRECISION(15). */
static void real(struct buf *b, double v)
{
	char tmp[64], *e;
	int n = snprintf(tmp, sizeof(tmp), "%.15g", v);

	if (n < 0 || (size_t)n + 3 >= sizeof(tmp))
		return; /* never: %.15g of a double is at most 24 characters */
	if (strchr(tmp, '.') == NULL && strchr(tmp, 'e') == NULL) {
		memcpy(tmp + n, ".0", 3);
		n += 2;
	}
	/* no '+' and no leading zeros in the exponent */
	if ((e = strchr(tmp, 'e')) != NULL) {
		char *start = e + 1, *end = e + 2;
		if (*start == '-')
			start++;
		while (*end == '0')
			end++;
		if (end != start) {
			memmove(start, end, (size_t)(tmp + n - end) + 1);
			n -= (int)(end - start);
		}
	}
	put(b, tmp, (size_t)n);
}

static void key(struct buf *b, const char *k, bool first)
{
	puts_(b, first ? "\n    \"" : ",\n    \"");
	puts_(b, k);
	puts_(b, "\": ");
}

static void key_str(struct buf *b, const char *k, const char *v)
{
	key(b, k, false);
	if (v == NULL)
		puts_(b, "null");
	else
		string(b, v);
}

int fg_budget_write_json(FILE *out, const struct fg_budget_result *res)
{
	const PGresult *ev = res->ev;
	struct buf *bp = malloc(sizeof(*bp));
	int c = 0, thr[FG_BUDGET_MAX_THRESHOLDS];

	if (bp == NULL)
		return FG_ERR_INTERNAL;
	bp->out = out;
	bp->len = 0;

	puts_(bp, res->count > 0 ? "[" : "[]");
	for (int i = 0; i < (int)res->count; i++) {
		const struct fg_budget *bu = res->sel[i];
		bool blind = res->flags[i] & FG_BUDGET_BLIND;
		int n = blind ? 0 : fg_budget_crossed(bu, ev, i, thr);
		bool any = false;

		puts_(bp, i > 0 ? ",\n  {" : "\n  {");
		key(bp, "name", true);
		string(bp, bu->name);
		key_str(bp, "connector", bu->connector);
		key_str(bp, "period", fg_period_name(bu->period));
		key_str(bp, "period_start", PQgetvalue(ev, i, EV_START));
		key_str(bp, "period_end", PQgetvalue(ev, i, EV_END));
		key_str(bp, "amount", PQgetvalue(ev, i, EV_AMOUNT2));
		key_str(bp, "currency", bu->currency);
		key_str(bp, "spend", blind ? NULL : PQgetvalue(ev, i, EV_SPEND2));
		key(bp, "percent", false);
		if (blind)
			puts_(bp, "null");
		else
			real(bp, strtod(PQgetvalue(ev, i, EV_PERCENT2), NULL));
		key_str(bp, "forecast", blind ? NULL : PQgetvalue(ev, i, EV_FORECAST2));
		key_str(bp, "forecast_low", blind ? NULL : PQgetvalue(ev, i, EV_FORECAST_LOW2));
		key_str(bp, "forecast_high", blind ? NULL : PQgetvalue(ev, i, EV_FORECAST_HIGH2));
		key(bp, "days_elapsed", false);
		printf_(bp, "%ld", strtol(PQgetvalue(ev, i, EV_ELAPSED), NULL, 10));
		key(bp, "days_remaining", false);
		printf_(bp, "%ld", strtol(PQgetvalue(ev, i, EV_REMAINING_DAYS), NULL, 10));
		key(bp, "thresholds_crossed", false);
		for (int j = 0; j < n; j++)
			printf_(bp, "%s%d", j > 0 ? ",\n      " : "[\n      ", thr[j]);
		puts_(bp, n > 0 ? "\n    ]" : "[]");
		key(bp, "new_alerts", false);
		/* Candidates come in row order; the created ones are new alerts. */
		for (; c < res->ncands && res->cands[c].row == i; c++) {
			const struct fg_budget_cand *a = &res->cands[c];
			if (!a->created)
				continue;
			puts_(bp, any ? ",\n      {\n        \"threshold\": "
				      : "[\n      {\n        \"threshold\": ");
			printf_(bp, "%d", a->threshold);
			puts_(bp, ",\n        \"kind\": ");
			string(bp, a->forecast ? "forecast" : "actual");
			puts_(bp, ",\n        \"severity\": ");
			string(bp, a->severity);
			puts_(bp, a->queued ? ",\n        \"queued\": true\n      }"
					    : ",\n        \"queued\": false\n      }");
			any = true;
		}
		puts_(bp, any ? "\n    ]" : "[]");
		key(bp, "matched", false);
		puts_(bp, res->flags[i] & FG_BUDGET_UNMATCHED ? "false" : "true");
		key(bp, "stale", false);
		puts_(bp, res->flags[i] & FG_BUDGET_STALE ? "true" : "false");
		key_str(bp, "status", blind ? "not_evaluated" : "evaluated");
		puts_(bp, "\n  }");
	}
	puts_(bp, res->count > 0 ? "\n]\n" : "\n");
	(void)!fwrite(bp->p, 1, bp->len, out);
	free(bp);
	return 0;
}

json_t *fg_budget_statuses(struct fg_budget_result *res)
{
	const PGresult *ev = res->ev;
	int c = 0, thr[FG_BUDGET_MAX_THRESHOLDS];

	if (res->statuses != NULL)
		return res->statuses;
	if ((res->statuses = json_array()) == NULL)
		return NULL;
	for (int i = 0; i < (int)res->count; i++) {
		const struct fg_budget *b = res->sel[i];
		bool blind = res->flags[i] & FG_BUDGET_BLIND;
		int n = blind ? 0 : fg_budget_crossed(b, ev, i, thr);
		json_t *o = json_object(), *t = json_array(), *na = json_array();

		for (int j = 0; j < n; j++)
			json_array_append_new(t, json_integer(thr[j]));
		for (; c < res->ncands && res->cands[c].row == i; c++)
			if (res->cands[c].created)
				json_array_append_new(
					na,
					json_pack("{s:i, s:s, s:s, s:b}", "threshold",
						  res->cands[c].threshold, "kind",
						  res->cands[c].forecast ? "forecast" : "actual", "severity",
						  res->cands[c].severity, "queued", res->cands[c].queued));
		json_object_set_new(o, "name", json_string(b->name));
		json_object_set_new(o, "connector", json_string(b->connector));
		json_object_set_new(o, "period", json_string(fg_period_name(b->period)));
		json_object_set_new(o, "period_start", json_string(PQgetvalue(ev, i, EV_START)));
		json_object_set_new(o, "period_end", json_string(PQgetvalue(ev, i, EV_END)));
		json_object_set_new(o, "amount", json_string(PQgetvalue(ev, i, EV_AMOUNT2)));
		json_object_set_new(o, "currency", json_string(b->currency));
		json_object_set_new(o, "spend",
				    blind ? json_null() : json_string(PQgetvalue(ev, i, EV_SPEND2)));
		json_object_set_new(o, "percent",
				    blind ? json_null()
					  : json_real(strtod(PQgetvalue(ev, i, EV_PERCENT2), NULL)));
		json_object_set_new(o, "forecast",
				    blind ? json_null() : json_string(PQgetvalue(ev, i, EV_FORECAST2)));
		json_object_set_new(o, "forecast_low",
				    blind ? json_null() : json_string(PQgetvalue(ev, i, EV_FORECAST_LOW2)));
		json_object_set_new(o, "forecast_high",
				    blind ? json_null() : json_string(PQgetvalue(ev, i, EV_FORECAST_HIGH2)));
		json_object_set_new(o, "days_elapsed",
				    json_integer(strtol(PQgetvalue(ev, i, EV_ELAPSED), NULL, 10)));
		json_object_set_new(o, "days_remaining",
				    json_integer(strtol(PQgetvalue(ev, i, EV_REMAINING_DAYS), NULL, 10)));
		json_object_set_new(o, "thresholds_crossed", t);
		json_object_set_new(o, "new_alerts", na);
		json_object_set_new(o, "matched", json_boolean(!(res->flags[i] & FG_BUDGET_UNMATCHED)));
		json_object_set_new(o, "stale", json_boolean(res->flags[i] & FG_BUDGET_STALE));
		json_object_set_new(o, "status", json_string(blind ? "not_evaluated" : "evaluated"));
		if (json_array_append_new(res->statuses, o) < 0) {
			json_decref(res->statuses);
			res->statuses = NULL;
			return NULL;
		}
	}
	return res->statuses;
}
