/* cmd_common: option parsing and input collection shared by commands. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "pipeline.h"

int cmd_parse_count(const char *opt, const char *value, size_t max, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno || end == value || *end || v == 0 || v > max || value[0] == '-') {
		log_error("%s: expected a whole number from 1 to %zu, got '%s'", opt,
			  max, value);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int cmd_collect_inputs(char **args, int nargs, struct input_set *set)
{
	struct error err;

	error_clear(&err);
	if (nargs <= 0) {
		log_error("no INPUT given (a folder, a page or a JSON Lines file); see --help");
		return EXIT_USAGE;
	}
	for (int i = 0; i < nargs; i++)
		if (input_add(set, args[i], &err)) {
			log_error("%s", err.message);
			return EXIT_INPUT;
		}
	if (input_finish(set, &err)) {
		log_error("%s", err.message);
		return EXIT_INTERNAL;
	}
	return 0;
}

void cmd_warn_skipped(const struct skip_list *skipped, size_t from)
{
	size_t shown = 0;

	for (size_t i = from; i < skipped->n && shown < CMD_MAX_WARNINGS; i++, shown++)
		log_warn("skipped %s: %s", skipped->items[i].input, skipped->items[i].reason);
	if (skipped->n - from > shown)
		log_warn("... and %zu more skipped inputs (all listed in report.json)",
			 skipped->n - from - shown);
}

static void on_signal(int sig)
{
	pipeline_stop = sig;
}

void cmd_catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}
