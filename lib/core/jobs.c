/*
 * jobs.c - the job table expanded from FG_JOB_LIST (see jobs.h).
 */
#include "jobs.h"

#include <stddef.h>
#include <string.h>

#define ROW(name, lock_id, exclusive, interval) { name, lock_id, exclusive, interval },
const struct fg_job fg_jobs[] = {
	FG_JOB_LIST(ROW){ NULL, 0, false, 0 },
};
#undef ROW

const struct fg_job *fg_job_find(const char *name)
{
	for (const struct fg_job *j = fg_jobs; name != NULL && j->name != NULL; j++)
		if (strcmp(j->name, name) == 0)
			return j;
	return NULL;
}
