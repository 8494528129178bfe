/*
 * strlist.c - split comma-separated lists.
 *
 * Two passes: count the commas to size the array once, then copy each
 * trimmed item.  An item is whatever lies between two commas (or an end
 * of the string); a comma cannot be escaped, since no name flakeguard
 * lists (channels, users, warehouses, service types) may hold one.
 */
#include "strlist.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static bool blank(char c)
{
	return c == ' ' || c == '\t';
}

int fg_strlist_split(const char *s, int flags, char ***items, int *n)
{
	size_t slots = 2;
	char **v;
	int cnt = 0;

	*items = NULL;
	*n = 0;
	for (const char *p = s; *p; p++)
		if (*p == ',')
			slots++;
	if ((v = calloc(slots, sizeof(*v))) == NULL)
		return -1;
	for (const char *p = s;;) {
		const char *end = p + strcspn(p, ",");
		const char *a = p, *b = end;
		while (a < b && blank(*a))
			a++;
		while (b > a && blank(b[-1]))
			b--;
		if (b > a || (flags & FG_STRLIST_KEEP_EMPTY)) {
			if ((v[cnt] = strndup(a, (size_t)(b - a))) == NULL) {
				fg_strlist_free(v);
				return -1;
			}
			cnt++;
		}
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*items = v;
	*n = cnt;
	return 0;
}

void fg_strlist_free(char **items)
{
	if (items == NULL)
		return;
	for (char **p = items; *p; p++)
		free(*p);
	free(items);
}
