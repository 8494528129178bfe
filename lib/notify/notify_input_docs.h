/*
 * notify_input_docs.h - one JSON value read by --stdin turned into
 * notifications (internal to notify_input*.c).
 */
#ifndef FG_NOTIFY_INPUT_DOCS_H
#define FG_NOTIFY_INPUT_DOCS_H

#include "notify_input_list.h"

/*
 * Add the alerts of v (a generic alert, an array of values, a budgetcheck
 * status or a secscan document) to l.  A bad record is reported with
 * fg_input_bad and FG_ERR_DATA returned; FG_ERR when out of memory.
 */
int fg_input_value(struct fg_input_list *l, json_t *v, struct fg_input_at *at);

#endif
