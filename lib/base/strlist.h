/*
 * strlist.h - comma-separated lists such as "ops, finance-mail" or
 * "ETL_WH,LOAD_WH": the one splitter behind configuration lists and
 * command-line options that take several names.
 *
 * A list is a malloc'd array of malloc'd strings ending with NULL, so it
 * can be walked without its count and handed to code taking char **.
 * The list owns its strings; fg_strlist_free() releases both.
 */
#ifndef FG_STRLIST_H
#define FG_STRLIST_H

enum {
	/* keep empty items (as "") for callers that refuse them themselves */
	FG_STRLIST_KEEP_EMPTY = 1 << 0,
};

/*
 * Split s at every comma into items with leading and trailing blanks
 * (spaces and tabs) removed.  Empty items are dropped unless flags holds
 * FG_STRLIST_KEEP_EMPTY.  Returns 0 with *items a new list of *n items
 * (never NULL: "" or " , " give an empty list), or -1 when out of memory
 * with *items NULL and *n 0.
 */
int fg_strlist_split(const char *s, int flags, char ***items, int *n);

/* Free a list and its strings; accepts NULL. */
void fg_strlist_free(char **items);

#endif
