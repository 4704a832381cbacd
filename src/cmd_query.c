/*
 * cmd_query: `related query -m MODEL PAGE...`, the publishing pipeline's
 * call when a story goes live: one related.jsonl-shaped line per new story,
 * with the existing stories whose lists it enters (query.h).
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "hash.h"
#include "log.h"
#include "output.h"
#include "overrides.h"
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
	      "  -n, --top N            items per story (default 10)\n"
	      "      --min-score X      drop suggestions scoring below X (default 0)\n"
	      "      --duplicate X      TF-IDF cosine from which a story is a copy (default 0.98; 0: off)\n"
	      "      --any-language     also suggest stories in other languages\n"
	      "      --no-fallback      leave a list empty rather than fill it with recent stories\n"
	      "      --semantic W       blend weight of the latent cosine, 0 to 1 (default 0.5)\n"
	      "      --rerank N         TF-IDF candidates re-scored by the blend (default 100)\n"
	      "      --overrides FILE   editors' pins, blocks and sponsored stories (JSON Lines)\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n",
	      f);
}

/* Overrides naming a story that is neither in the model nor queried now
 * are reported (as `run` does), not fatal. */
static int check_override_ids(const struct model *m, const struct overrides *ov,
			      const struct corpus *c, struct skip_list *problems)
{
	struct strmap ids;
	int rc = 0;

	strmap_init(&ids);
	for (uint32_t d = 0; d < m->n_docs && !rc; d++) {
		const char *id = model_doc(m, d, MODEL_ID);
		rc = strmap_intern(&ids, id, strlen(id)) < 0;
	}
	for (size_t i = 0; i < c->n && !rc; i++)
		rc = strmap_intern(&ids, c->articles[i].id, strlen(c->articles[i].id)) < 0;
	for (size_t i = 0; i < ov->n && !rc; i++) {
		const struct override *o = &ov->items[i];
		const char *bad = NULL;
		char msg[600];
		if (o->story && strmap_find(&ids, o->story, strlen(o->story)) < 0)
			bad = o->story;
		else if (o->target && strmap_find(&ids, o->target, strlen(o->target)) < 0)
			bad = o->target;
		if (!bad)
			continue;
		snprintf(msg, sizeof msg, "override ignored: unknown story '%.500s'", bad);
		rc = skip_list_add(problems, o->where, msg);
	}
	strmap_free(&ids);
	return rc;
}

int cmd_query(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "top", required_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "lists", required_argument, NULL, 1 },
		{ "update", no_argument, NULL, 2 },
		{ "min-score", required_argument, NULL, 3 },
		{ "duplicate", required_argument, NULL, 4 },
		{ "any-language", no_argument, NULL, 5 },
		{ "no-fallback", no_argument, NULL, 6 },
		{ "semantic", required_argument, NULL, 7 },
		{ "rerank", required_argument, NULL, 8 },
		{ "overrides", required_argument, NULL, 9 },
		{ NULL, 0, NULL, 0 }
	};
	const char *model_path = DEFAULT_MODEL, *lists_path = NULL, *overrides_path = NULL;
	struct query_options qo;
	struct input_set set;
	struct corpus corpus = { 0 };
	struct model m, updated;
	struct overrides ov;
	struct query_vector *vecs = NULL;
	struct analyze_options ao;
	struct analyzer *an = NULL;
	struct error err;
	struct buf refresh = BUF_INIT;
	float *floor = NULL;
	char stamp[32];
	int c, bad = 0, update = 0, status = EXIT_OK;

	query_options_default(&qo);
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:n:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'n': bad |= cmd_parse_count("--top", optarg, 1000, &qo.top) != 0; break;
		case 'q': log_verbosity = 0; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		case 1: lists_path = optarg; break;
		case 2: update = 1; break;
		case 3: qo.min_score = (float)cmd_parse_number("--min-score", optarg, 1000, &bad); break;
		case 4: qo.duplicate_score = (float)cmd_parse_number("--duplicate", optarg, 1000, &bad); break;
		case 5: qo.same_lang = 0; break;
		case 6: qo.fallback = 0; break;
		case 7: qo.semantic = (float)cmd_parse_number("--semantic", optarg, 1, &bad); break;
		case 8: bad |= cmd_parse_count("--rerank", optarg, 100000, &qo.rerank) != 0; break;
		case 9: overrides_path = optarg; break;
		default: bad = 1;
		}
	}
	if (!bad && optind >= argc) {
		log_error("missing PAGE; see 'related query --help'");
		bad = 1;
	}
	if (bad)
		return EXIT_USAGE;

	error_clear(&err);
	input_set_init(&set);
	overrides_init(&ov);
	memset(&m, 0, sizeof m);
	memset(&updated, 0, sizeof updated);
	output_timestamp(stamp, sizeof stamp);
	status = cmd_collect_inputs(argv + optind, argc - optind, &set);
	if (status)
		goto done;
	if (pipeline_load(&set, 1, READ_DEFAULT_LIMIT, 1, &corpus, &set.skipped, &err)) {
		log_error("%s", err.message);
		status = EXIT_INTERNAL;
		goto done;
	}
	cmd_warn_skipped(&set.skipped, 0);
	if (!corpus.n) {
		log_error("no usable story among the inputs");
		status = EXIT_INPUT;
		goto done;
	}
	/* --update rewrites the model, so it reads all of it, checked; a plain
	 * query maps it and reads only what it needs (model.h). */
	if ((update ? model_load : model_map)(model_path, &m, &err)) {
		log_error("%s", err.message);
		status = EXIT_INPUT;
		goto done;
	}
	if (m.latent_dim && !m.term_basis && qo.semantic > 0.0f)
		log_warn("%s has latent vectors but no term basis (built by an older version): "
			 "scoring new stories by TF-IDF alone", model_path);
	if (overrides_path) {
		size_t before = set.skipped.n;
		if (overrides_load(&ov, overrides_path, &set.skipped, &err) ||
		    check_override_ids(&m, &ov, &corpus, &set.skipped)) {
			log_error("%s", err.message[0] ? err.message : "out of memory");
			status = EXIT_INPUT;
			goto done;
		}
		cmd_warn_skipped(&set.skipped, before);
		qo.overrides = &ov;
	}
	if (lists_path && query_floors_load(&m, lists_path, qo.top, &floor, &err)) {
		log_error("%s", err.message);
		status = EXIT_INPUT;
		goto done;
	}
	if (floor && m.n_docs) {
		/* A lists file with no list of any story of the model (empty, or
		 * of another site) tells nothing: say so rather than answer []
		 * as if no list needed the new story. */
		uint32_t known = 0;
		for (uint32_t d = 0; d < m.n_docs && !known; d++)
			known = !isnan(floor[d]);
		if (!known) {
			log_warn("%s: no list of a story of the model; refresh unknown", lists_path);
			free(floor);
			floor = NULL;
		}
	}
	query_analyze_options(&m, &ao);
	an = analyzer_new(&ao);
	vecs = calloc(corpus.n, sizeof *vecs);
	if (!an || !vecs) {
		log_error("out of memory");
		status = EXIT_INTERNAL;
		goto done;
	}
	for (size_t i = 0; i < corpus.n; i++) {
		const struct article *a = &corpus.articles[i];
		struct query_result r;
		if (query_vectorize(&m, an, a, &vecs[i], &err) ||
		    query_story(&m, a, &vecs[i], &qo, stamp, &r, &err)) {
			log_error("%s", err.message);
			status = EXIT_INTERNAL;
			goto done;
		}
		refresh.len = 0;
		if (floor && query_refresh(&m, a, &vecs[i], &r, floor, &qo, &refresh)) {
			query_result_free(&r);
			log_error("out of memory");
			status = EXIT_INTERNAL;
			goto done;
		}
		fwrite(r.line.data, 1, r.line.len, stdout);
		printf(",\"refresh\":[%.*s]%s}\n", (int)refresh.len, refresh.len ? refresh.data : "",
		       floor ? "" : ",\"refresh_unknown\":true");
		query_result_free(&r);
	}
	if (fflush(stdout)) {
		log_error("cannot write the output");
		status = EXIT_OUTPUT;
		goto done;
	}
	if (update) {
		if (query_update(&m, corpus.articles, vecs, corpus.n, &updated, &err) ||
		    model_save(&updated, model_path, &err)) {
			log_error("%s", err.message);
			status = EXIT_OUTPUT;
			goto done;
		}
		log_info("model: %s (%u stories, %zu added or replaced)", model_path,
			 updated.n_docs, corpus.n);
	}
done:
	if (status == EXIT_OK && set.skipped.n)
		status = EXIT_SKIPPED;
	for (size_t i = 0; vecs && i < corpus.n; i++)
		query_vector_free(&vecs[i]);
	free(vecs);
	free(floor);
	buf_release(&refresh);
	analyzer_free(an);
	model_free(&updated);
	model_free(&m);
	overrides_free(&ov);
	corpus_free(&corpus);
	input_set_free(&set);
	return status;
}
