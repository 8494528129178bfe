/*
 * notify_input.c - alerts given as JSON on stdin (notifyd-once --stdin):
 * the framing.
 *
 * The input is one value, an array, or JSON lines (several values one
 * after the other); what a value may be is in notify_input_docs.c.  Each
 * value is parsed where it starts, and a cursor follows the line and
 * column forward from the previous value, so an input is read once:
 * linear in its size however many lines it has (computing the position
 * from the start of the input for every value made 40,000 lines take
 * 24 s).
 *
 * Errors are FG_ERR_DATA (exit 65): a syntax error names its line and
 * column and stops the parse; a value that is JSON but not an alert is
 * named by where it starts, its record number and the field that is
 * wrong, and the parse goes on to find the others.  An input with any bad
 * record is refused whole: nothing is delivered, and a last line says how
 * many alerts were held back.  Sending the valid part would leave the
 * sender no way to resend only the rest without sending some twice.
 */
#include "notify_input.h"
#include "notify_input_docs.h"
#include "exitcode.h"
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Line and column of an offset, moved forward only. */
struct cursor {
	size_t off;
	int line, col;
};

static void advance(struct cursor *c, const char *buf, size_t to)
{
	for (; c->off < to && buf[c->off]; c->off++) {
		if (buf[c->off] == '\n') {
			c->line++;
			c->col = 1;
		} else {
			c->col++;
		}
	}
}

static int parse(const char *buf, size_t len, const char *const *channels, int nchannels,
		 enum fg_severity floor, struct fg_notification **out, int *count)
{
	struct fg_input_list l = { .channels = channels, .nchannels = nchannels, .floor = floor };
	struct cursor cur = { 0, 1, 1 };
	struct fg_input_at at = { .record = 1 };
	size_t off = 0;
	int rc = 0;

	*out = NULL;
	*count = 0;
	for (;;) {
		while (off < len && strchr(" \t\r\n", buf[off]) && buf[off] != '\0')
			off++;
		if (off >= len)
			break;
		json_error_t e;
		json_t *v = json_loadb(buf + off, len - off, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &e);
		if (v == NULL) {
			advance(&cur, buf, off + (size_t)(e.position > 0 ? e.position - 1 : 0));
			fg_error("stdin:%d:%d: invalid JSON: %s", cur.line, cur.col, e.text);
			rc = FG_ERR_DATA;
			break;
		}
		advance(&cur, buf, off);
		at.line = cur.line;
		at.col = cur.col;
		int r = fg_input_value(&l, v, &at);
		json_decref(v);
		if (r == FG_ERR) {
			rc = r;
			break;
		}
		at.record++;
		off += (size_t)e.position;
	}
	if (rc == 0 && l.bad > 0) {
		fg_error(
			"refusing all of stdin: %ld bad record%s; nothing sent (%d valid notification%s held "
			"back), fix the input and send it again",
			l.bad, l.bad == 1 ? "" : "s", l.n, l.n == 1 ? "" : "s");
		rc = FG_ERR_DATA;
	}
	if (rc < 0) {
		fg_input_list_release(&l);
		return rc;
	}
	if (l.n == 0)
		fg_info("stdin: nothing to send (%ld budget%s without new alerts, %ld alert%s in the outbox, "
			"%ld finding%s below min_severity)",
			l.quiet, l.quiet == 1 ? "" : "s", l.queued, l.queued == 1 ? "" : "s", l.below,
			l.below == 1 ? "" : "s");
	*out = l.v;
	*count = l.n;
	return 0;
}

int fg_notify_parse_input(const char *buf, size_t len, const char *const *channels, int nchannels,
			  struct fg_notification **out, int *count)
{
	return parse(buf, len, channels, nchannels, FG_SEV_INFO, out, count);
}

int fg_notify_input_floor(const struct fg_config *cfg, enum fg_severity *floor)
{
	const struct fg_conf_section *sec = fg_config_section(cfg, "secscan", NULL);
	const char *s;

	/* the default is secscan's own (secscan_settings.c) */
	if (fg_conf_str(cfg, sec, "min_severity", "low", &s) < 0 || fg_severity_parse(s, floor) < 0) {
		fg_conf_error(cfg, sec, "min_severity",
			      "invalid min_severity '%s': use info, low, medium, high or critical", s);
		return FG_ERR_CONFIG;
	}
	return 0;
}

static char *read_all(FILE *f, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
		if (cap - n < 4096) {
			char *nb = realloc(b, cap * 2);
			if (nb == NULL) {
				free(b);
				return NULL;
			}
			b = nb;
			cap *= 2;
		}
	}
	if (b == NULL || ferror(f)) {
		free(b);
		return NULL;
	}
	b[n] = '\0';
	*len = n;
	return b;
}

int fg_notify_read_input(FILE *f, const char *const *channels, int nchannels, enum fg_severity floor,
			 struct fg_notification **out, int *count)
{
	size_t len = 0;
	char *buf = read_all(f, &len);
	int rc;

	*out = NULL;
	*count = 0;
	if (buf == NULL) {
		fg_error("cannot read stdin: %s", errno ? strerror(errno) : "out of memory");
		return FG_ERR_DATA;
	}
	rc = parse(buf, len, channels, nchannels, floor, out, count);
	free(buf);
	return rc;
}
