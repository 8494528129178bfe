/*
 * notify_input_list.c - the notifications --stdin builds, and its error
 * lines.
 *
 * A bad record is named by where it starts ("stdin:LINE:COL: record N:")
 * and by the field that is wrong; the parse goes on so every bad record
 * of the input is counted, but only the first ten are logged (an input
 * of 40,000 broken lines must not flood cron's mail).
 */
#include "notify_input_list.h"
#include "exitcode.h"
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LOGGED 10

int fg_input_push(struct fg_input_list *l, const char *kind, enum fg_severity sev, const char *title,
		  const char *body, json_t *fields, const char *dedup)
{
	for (int c = 0; c < l->nchannels; c++) {
		if (l->n == l->cap) {
			int cap = l->cap ? l->cap * 2 : 16;
			struct fg_notification *nv = realloc(l->v, sizeof(*nv) * (size_t)cap);
			if (nv == NULL)
				goto nomem;
			l->v = nv;
			l->cap = cap;
		}
		struct fg_notification *n = &l->v[l->n++];
		memset(n, 0, sizeof(*n));
		n->channel = strdup(l->channels[c]);
		n->kind = strdup(kind);
		n->severity = sev;
		n->title = strdup(title);
		n->body = strdup(body ? body : "");
		n->fields = fields ? json_deep_copy(fields) : json_object();
		n->dedup_key = strdup(dedup ? dedup : "");
		if (!n->channel || !n->kind || !n->title || !n->body || !n->fields || !n->dedup_key)
			goto nomem;
	}
	return 0;
nomem:
	fg_error("cannot read stdin: out of memory");
	return FG_ERR;
}

int fg_input_bad(struct fg_input_list *l, const struct fg_input_at *at, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	if (l->bad++ >= MAX_LOGGED)
		return FG_ERR_DATA;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	fg_error("stdin:%d:%d: record %ld: %s", at->line, at->col, at->record, what);
	return FG_ERR_DATA;
}

const char *fg_input_type(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

void fg_input_list_release(struct fg_input_list *l)
{
	for (int i = 0; i < l->n; i++)
		fg_notification_release(&l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}
