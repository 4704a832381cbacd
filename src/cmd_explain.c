/*
 * cmd_explain: `related explain -m MODEL ID ID`, the score of one pair of
 * stories and its parts as one JSON object on stdout (explain.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "explain.h"
#include "log.h"

static void print_usage(FILE *f)
{
	fputs("Usage: related explain [OPTIONS] -m MODEL ID ID\n"
	      "\n"
	      "Why two stories of a model are related: one JSON object on stdout with\n"
	      "the two stories, the score and its parts (TF-IDF cosine, latent cosine,\n"
	      "blend weight) and the terms they share with their contributions\n"
	      "w_a(t) * w_b(t), which sum to the TF-IDF cosine.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --model FILE   the model file (default " DEFAULT_MODEL ")\n"
	      "      --semantic W   blend weight of the latent cosine, 0 to 1 (default " OPTIONS_STR(DEFAULT_SEMANTIC) ")\n"
	      "      --terms N      shared terms listed, highest contribution first (default 20)\n"
	      "  -h, --help         this help\n", f);
}

/* The blend weight of --semantic, 0 to 1; sets *bad when it is not one. */
static float parse_semantic(const char *arg, int *bad)
{
	char *end;
	double w = strtod(arg, &end);

	if (end == arg || *end || !(w >= 0 && w <= 1)) {
		log_error("--semantic: expected a weight from 0 to 1, got '%s'", arg);
		*bad = 1;
	}
	return (float)w;
}

int cmd_explain(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "semantic", required_argument, NULL, CMD_OPT_SEMANTIC },
		{ "terms", required_argument, NULL, CMD_OPT_TERMS },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *model_path = DEFAULT_MODEL, *missing = NULL;
	float semantic = EXPLAIN_DEFAULT_SEMANTIC;
	size_t max_terms = 20;
	struct model m;
	struct error err;
	struct buf b = BUF_INIT;
	int c, rc, bad = 0, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		case CMD_OPT_SEMANTIC: semantic = parse_semantic(optarg, &bad); break;
		case CMD_OPT_TERMS: bad |= cmd_parse_count("--terms", optarg, 100000, &max_terms) != 0; break;
		default: bad = 1;
		}
	}
	if (!bad && argc - optind != 2) {
		log_error("expected two story ids; see 'related explain --help'");
		bad = 1;
	}
	if (bad)
		return EXIT_USAGE;
	error_clear(&err);
	if (model_load(model_path, &m, &err)) {
		log_error("%s", err.message);
		return EXIT_INPUT;
	}
	rc = explain_ids(&m, argv[optind], argv[optind + 1], semantic, max_terms, &b, &missing,
			 &err);
	if (rc == EXPLAIN_NO_STORY) {
		log_error("%s: no story '%s' in the model", model_path, missing);
		status = EXIT_INPUT;
	} else if (rc) {
		log_error("%s", err.message[0] ? err.message : "out of memory");
		status = EXIT_INTERNAL;
	} else if (fwrite(b.data, 1, b.len, stdout) != b.len || fflush(stdout)) {
		log_error("cannot write to stdout");
		status = EXIT_OUTPUT;
	}
	buf_release(&b);
	model_free(&m);
	return status;
}
