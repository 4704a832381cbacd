/*
 * cmd_query: `related query -m MODEL PAGE...`, the publishing pipeline's
 * call when a story goes live: one related.jsonl-shaped line per new story,
 * with the existing stories whose lists it enters (query.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "log.h"
#include "output.h"
#include "pipeline.h"
#include "query.h"
#include "read.h"

static void print_usage(FILE *f)
{
	fputs("Usage: related query [OPTIONS] -m MODEL PAGE...\n"
	      "\n"
	      "The list of each new story, at once: one related.jsonl-shaped line per story\n"
	      "on stdout, scored against the model's stories as 'run' scores them, plus\n"
	      "\"refresh\": the ids of existing stories whose lists the new story now enters.\n"
	      "PAGE is an HTML page, a JSON Lines file of articles ({\"id\",\"title\",\"text\"})\n"
	      "or a manifest, as for 'run'.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --model FILE       the model (default " DEFAULT_MODEL ")\n"
	      "      --lists FILE       the site's current related.jsonl: needed for \"refresh\"\n"
	      "                         (without it \"refresh\" is [] and \"refresh_unknown\" true)\n"
	      "      --update           also add the new stories to the model file (replaced\n"
	      "                         atomically); vocabulary and df stay until the next build\n"
	      "  -n, --top N            items per story (default " OPTIONS_STR(DEFAULT_TOP) ")\n"
	      "      --min-score X      drop suggestions scoring below X (default 0)\n"
	      "      --duplicate X      TF-IDF cosine from which a story is a copy (default 0.98; 0: off)\n"
	      "      --any-language     also suggest stories in other languages\n"
	      "      --no-fallback      leave a list empty rather than fill it with recent stories\n"
	      "      --semantic W       blend weight of the latent cosine, 0 to 1 (default " OPTIONS_STR(DEFAULT_SEMANTIC) ")\n"
	      "      --rerank N         TF-IDF candidates re-scored by the blend (default " OPTIONS_STR(DEFAULT_RERANK) ")\n"
	      "      --overrides FILE   editors' pins, blocks and sponsored stories (JSON Lines)\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n",
	      f);
}

/* What the command line asks for. */
struct query_args {
	const char *model, *lists, *overrides;
	int update;
	struct query_options qo;
};

/* Parses the options; 0, or an exit status (usage, or --help shown). */
static int parse_args(int argc, char **argv, struct query_args *q)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "top", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "lists", required_argument, NULL, CMD_OPT_LISTS },
		{ "update", no_argument, NULL, CMD_OPT_UPDATE },
		{ "min-score", required_argument, NULL, CMD_OPT_MIN_SCORE },
		{ "duplicate", required_argument, NULL, CMD_OPT_DUPLICATE },
		{ "any-language", no_argument, NULL, CMD_OPT_ANY_LANGUAGE },
		{ "no-fallback", no_argument, NULL, CMD_OPT_NO_FALLBACK },
		{ "semantic", required_argument, NULL, CMD_OPT_SEMANTIC },
		{ "rerank", required_argument, NULL, CMD_OPT_RERANK },
		{ "overrides", required_argument, NULL, CMD_OPT_OVERRIDES },
		{ NULL, 0, NULL, 0 }
	};
	struct query_options *qo = &q->qo;
	int c, bad = 0;

	memset(q, 0, sizeof *q);
	q->model = DEFAULT_MODEL;
	query_options_default(qo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:n:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': q->model = optarg; break;
		case 'n': bad |= cmd_parse_count("--top", optarg, 1000, &qo->top) != 0; break;
		case 'q': log_verbosity = 0; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		case CMD_OPT_LISTS: q->lists = optarg; break;
		case CMD_OPT_UPDATE: q->update = 1; break;
		case CMD_OPT_MIN_SCORE: qo->min_score = (float)cmd_parse_number("--min-score", optarg, 1000, &bad); break;
		case CMD_OPT_DUPLICATE: qo->duplicate_score = (float)cmd_parse_number("--duplicate", optarg, 1000, &bad); break;
		case CMD_OPT_ANY_LANGUAGE: qo->same_lang = 0; break;
		case CMD_OPT_NO_FALLBACK: qo->fallback = 0; break;
		case CMD_OPT_SEMANTIC: qo->semantic = (float)cmd_parse_number("--semantic", optarg, 1, &bad); break;
		case CMD_OPT_RERANK: bad |= cmd_parse_count("--rerank", optarg, 100000, &qo->rerank) != 0; break;
		case CMD_OPT_OVERRIDES: q->overrides = optarg; break;
		default: bad = 1;
		}
	}
	if (!bad && optind >= argc) {
		log_error("missing PAGE; see 'related query --help'");
		bad = 1;
	}
	return bad ? EXIT_USAGE : -1;
}

/* Reads the new stories of the PAGE arguments into `corpus`; 0 or an exit
 * status. */
static int load_pages(char **args, int nargs, struct input_set *set, struct corpus *corpus)
{
	struct error err;
	int status = cmd_collect_inputs(args, nargs, set);

	error_clear(&err);
	if (status)
		return status;
	if (pipeline_load(set, 1, READ_DEFAULT_LIMIT, 1, corpus, &set->skipped, &err)) {
		log_error("%s", err.message);
		return EXIT_INTERNAL;
	}
	cmd_warn_skipped(&set->skipped, 0);
	if (!corpus->n) {
		log_error("no usable story among the inputs");
		return EXIT_INPUT;
	}
	return 0;
}

int cmd_query(int argc, char **argv)
{
	struct query_args q;
	struct input_set set;
	struct corpus corpus = { 0 };
	struct query_session qs;
	struct query_vector *vecs = NULL;
	struct error err;
	struct buf line = BUF_INIT;
	char stamp[32];
	uint32_t n_docs;
	size_t before;
	int status = parse_args(argc, argv, &q), rc;

	if (status >= 0)
		return status;
	error_clear(&err);
	input_set_init(&set);
	memset(&qs, 0, sizeof qs);
	output_timestamp(stamp, sizeof stamp);
	status = load_pages(argv + optind, argc - optind, &set, &corpus);
	if (status)
		goto done;
	before = set.skipped.n;
	rc = query_session_open(&qs, q.model, q.update, q.overrides, q.lists, corpus.articles,
				corpus.n, &q.qo, &set.skipped, &err);
	if (qs.no_term_basis)
		log_warn("%s has latent vectors but no term basis (built by an older version): "
			 "scoring new stories by TF-IDF alone", q.model);
	cmd_warn_skipped(&set.skipped, before);
	if (rc) {
		log_error("%s", err.message);
		status = rc == QUERY_NO_MEMORY ? EXIT_INTERNAL : EXIT_INPUT;
		goto done;
	}
	if (qs.lists_unknown)
		log_warn("%s: no list of a story of the model; refresh unknown", q.lists);
	vecs = calloc(corpus.n, sizeof *vecs);
	for (size_t i = 0; vecs && i < corpus.n && !status; i++) {
		if (query_session_line(&qs, &corpus.articles[i], &q.qo, stamp, &vecs[i], &line, &err)) {
			log_error("%s", err.message);
			status = EXIT_INTERNAL;
		}
		fwrite(line.data, 1, status ? 0 : line.len, stdout);
	}
	if (!vecs) {
		log_error("out of memory");
		status = EXIT_INTERNAL;
	} else if (!status && fflush(stdout)) {
		log_error("cannot write the output");
		status = EXIT_OUTPUT;
	} else if (!status && q.update) {
		if (query_session_update(&qs, corpus.articles, vecs, corpus.n, q.model, &n_docs, &err)) {
			log_error("%s", err.message);
			status = EXIT_OUTPUT;
		} else {
			log_info("model: %s (%u stories, %zu added or replaced)", q.model, n_docs,
				 corpus.n);
		}
	}
done:
	if (status == EXIT_OK && set.skipped.n)
		status = EXIT_SKIPPED;
	for (size_t i = 0; vecs && i < corpus.n; i++)
		query_vector_free(&vecs[i]);
	free(vecs);
	buf_release(&line);
	query_session_close(&qs);
	corpus_free(&corpus);
	input_set_free(&set);
	return status;
}
