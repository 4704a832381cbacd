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

void cmd_list_defaults(struct cmd_list_options *o)
{
	memset(o, 0, sizeof *o);
	policy_options_default(&o->policy);
	o->policy.top = DEFAULT_TOP;
	o->policy.semantic = (float)DEFAULT_SEMANTIC;
	o->jobs = (size_t)pipeline_default_jobs();
	o->rerank = DEFAULT_RERANK;
	o->approximate = -1;
}

int cmd_is_list_option(int code)
{
	switch (code) {
	case 'n': case 'j':
	case CMD_OPT_MIN_SCORE: case CMD_OPT_DUPLICATE: case CMD_OPT_ANY_LANGUAGE:
	case CMD_OPT_SEMANTIC: case CMD_OPT_RERANK: case CMD_OPT_EXACT:
	case CMD_OPT_APPROXIMATE: case CMD_OPT_MAX_AGE: case CMD_OPT_HALF_LIFE:
	case CMD_OPT_MIN_RELATIVE: case CMD_OPT_SECTION_CAP: case CMD_OPT_NO_FALLBACK:
	case CMD_OPT_CUTOFF: case CMD_OPT_NO_CUTOFF: case CMD_OPT_FILL:
	case CMD_OPT_OVERRIDES: case CMD_OPT_EXPLAIN:
		return 1;
	default:
		return 0;
	}
}

/* --cutoff P: a probability strictly between 0 and 1. */
static float parse_cutoff(const char *arg, int *bad)
{
	int b = 0;
	float p = (float)cmd_parse_number("--cutoff", arg, 1, &b);

	if (!b && !(p > 0.0f && p < 1.0f)) {
		log_error("--cutoff: expected a probability above 0 and below 1 "
			  "(--no-cutoff turns it off)");
		b = 1;
	}
	*bad |= b;
	return p;
}

int cmd_list_option(int code, const char *arg, struct cmd_list_options *o, int *bad)
{
	struct policy_options *po = &o->policy;

	switch (code) {
	case 'n': *bad |= cmd_parse_count("--top", arg, 1000, &po->top) != 0; break;
	case 'j': *bad |= cmd_parse_count("--jobs", arg, 256, &o->jobs) != 0; break;
	case CMD_OPT_MIN_SCORE:
		po->min_score = (float)cmd_parse_number("--min-score", arg, 1000, bad);
		break;
	case CMD_OPT_DUPLICATE:
		po->duplicate_score = (float)cmd_parse_number("--duplicate", arg, 1000, bad);
		break;
	case CMD_OPT_ANY_LANGUAGE: po->same_lang = 0; break;
	case CMD_OPT_SEMANTIC:
		po->semantic = (float)cmd_parse_number("--semantic", arg, 1, bad);
		break;
	case CMD_OPT_RERANK:
		*bad |= cmd_parse_count("--rerank", arg, 100000, &o->rerank) != 0;
		break;
	case CMD_OPT_EXACT: o->approximate = 0; break;
	case CMD_OPT_APPROXIMATE: o->approximate = 1; break;
	case CMD_OPT_MAX_AGE:
		po->max_age_days = cmd_parse_number("--max-age", arg, 1000, bad);
		break;
	case CMD_OPT_HALF_LIFE:
		po->half_life_days = cmd_parse_number("--half-life", arg, 1000, bad);
		break;
	case CMD_OPT_MIN_RELATIVE:
		po->min_relative = (float)cmd_parse_number("--min-relative", arg, 1000, bad);
		break;
	case CMD_OPT_SECTION_CAP:
		*bad |= cmd_parse_count("--section-cap", arg, 1000, &po->section_cap) != 0;
		break;
	case CMD_OPT_NO_FALLBACK: po->fallback = 0; break;
	case CMD_OPT_CUTOFF: po->cutoff = parse_cutoff(arg, bad); break;
	case CMD_OPT_NO_CUTOFF: po->cutoff = 0.0f; break;
	case CMD_OPT_FILL: *bad |= cmd_parse_count("--fill", arg, 1000, &po->fill) != 0; break;
	case CMD_OPT_OVERRIDES: o->overrides_path = arg; break;
	case CMD_OPT_EXPLAIN: po->explain = 1; break;
	default:
		return 0;
	}
	return 1;
}

void cmd_list_usage(FILE *f)
{
	fputs("  -n, --top N            items per story (default " OPTIONS_STR(DEFAULT_TOP) ")\n"
	      "      --min-score X      drop suggestions scoring below X (default 0)\n"
	      "      --duplicate X      TF-IDF cosine from which two stories are copies: a copy of\n"
	      "                         the story is dropped, copies of each other collapse to the\n"
	      "                         newest (default 0.98; 0: off)\n"
	      "      --max-age DAYS     only stories published within DAYS of the story\n"
	      "      --half-life DAYS   scores halve every DAYS between the two stories\n"
	      "      --cutoff P         show an item only when the probability that it is related\n"
	      "                         to the story is P or more (default 0.4); items score that\n"
	      "                         probability, lists stop where relatedness stops and\n"
	      "                         twins (items titled as the story or as each other, or\n"
	      "                         whose leads are one text re-edited) show once\n"
	      "      --no-cutoff        lists of N items, scored by the blended cosine, filled\n"
	      "                         with fallback items when empty (the lists of earlier versions)\n"
	      "      --fill N           with the cutoff, top lists shorter than N up with recent\n"
	      "                         stories of the same section (origin \"fallback\"; default 0)\n"
	      "      --min-relative F   drop items scoring below F times the best item\n"
	      "      --section-cap N    at most N items from one section\n"
	      "      --no-fallback      with --no-cutoff, leave a list empty rather than fill it\n"
	      "                         with recent stories of the same section\n"
	      "      --any-language     also suggest stories in other languages\n"
	      "      --semantic W       blend weight of the latent (LSA) cosine, 0 to 1 (default "
	      OPTIONS_STR(DEFAULT_SEMANTIC) ")\n"
	      "      --rerank N         TF-IDF candidates re-scored by the blend (default "
	      OPTIONS_STR(DEFAULT_RERANK) ")\n"
	      "      --exact            exact cosine for every pair that shares a term\n"
	      "      --approximate      query with each story's heaviest terms, re-score exactly\n"
	      "                         (default: each story the way predicted cheaper)\n"
	      "      --overrides FILE   editors' pins, blocks and sponsored stories (JSON Lines)\n"
	      "      --explain          add a \"why\" object to each item and an \"excluded\" list\n"
	      "                         (candidates the policy dropped, with the rule) to each line\n",
	      f);
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
