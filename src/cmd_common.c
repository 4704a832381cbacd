/* cmd_common: option parsing and input collection shared by commands. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "analyze.h"
#include "log.h"
#include "model.h"
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

double cmd_parse_number(const char *opt, const char *value, double max, int *bad)
{
	char *end;
	double x = strtod(value, &end);

	if (end == value || *end || !(x >= 0) || x > max) {
		log_error("%s: expected a number from 0 to %g, got '%s'", opt, max, value);
		*bad = 1;
	}
	return x;
}

int cmd_analysis_option(int code, const char *arg, struct analyze_options *ao,
			struct model_params *mp, int *bad)
{
	size_t n;

	switch (code) {
	case CMD_OPT_TITLE_WEIGHT:
		ao->title_weight = (float)cmd_parse_number("--title-weight", arg, 1000, bad);
		return 1;
	case CMD_OPT_MIN_DF:
		*bad |= cmd_parse_count("--min-df", arg, 1000000, &n) != 0;
		mp->min_df = (uint32_t)n;
		return 1;
	case CMD_OPT_LEAD_WEIGHT:
		ao->lead_weight = (float)cmd_parse_number("--lead-weight", arg, 1000, bad);
		return 1;
	case CMD_OPT_MAX_DF:
		mp->max_df = (float)cmd_parse_number("--max-df", arg, 1000, bad);
		return 1;
	case CMD_OPT_NO_STEM:
		ao->stem = 0;
		return 1;
	case CMD_OPT_NO_STOPWORDS:
		ao->stopwords = 0;
		return 1;
	case CMD_OPT_BIGRAMS:
		ao->bigram_weight = (float)cmd_parse_number("--bigrams", arg, 1000, bad);
		return 1;
	case CMD_OPT_NAMES:
		ao->name_weight = (float)cmd_parse_number("--names", arg, 1000, bad);
		return 1;
	case CMD_OPT_TF:
		if (!strcmp(arg, "log")) {
			mp->tf_mode = MODEL_TF_LOG;
		} else if (!strcmp(arg, "bm25")) {
			mp->tf_mode = MODEL_TF_BM25;
		} else {
			log_error("--tf: expected log or bm25, got '%s'", arg);
			*bad = 1;
		}
		return 1;
	default:
		return 0;
	}
}

void cmd_analysis_finish(const struct analyze_options *ao, struct model_params *mp)
{
	model_params_set_analysis(mp, ao);
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
			/* A signal stops the parsing of JSON Lines (input.c): the
			 * caller reports it. */
			if (pipeline_stop)
				return EXIT_SIGNAL + pipeline_stop;
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
