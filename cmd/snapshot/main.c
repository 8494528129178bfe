/*
 * snapshot - Keep daily per-budget history, prune old state, report job status.
 */
#include "exitcode.h"
#include "tool.h"

static const struct fg_cli_opt opts[] = {
	{ NULL, 0, false, NULL, NULL },
};

static const struct fg_tool_info info = {
	"snapshot",
	"Keep daily per-budget history, prune old state, report job status.",
	opts,
};

int main(int argc, char **argv)
{
	struct fg_tool t = { .info = &info, .exclusive = true };
	int rc = fg_cli_parse(&t.cli, &info, argc, argv, NULL, NULL);

	if (rc == FG_CLI_EXIT)
		return FG_EX_OK;
	if (rc < 0)
		return fg_exit_for(rc);
	rc = fg_tool_begin(&t);
	if (rc == FG_TOOL_BUSY)
		return fg_tool_end(&t, FG_EX_OK);
	return fg_tool_end(&t, fg_exit_for(rc));
}
