/* cmd_common: option parsing and input collection shared by commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "log.h"

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
	for (size_t i = from; i < skipped->n; i++)
		log_warn("skipped %s: %s", skipped->items[i].input, skipped->items[i].reason);
}
