/*
 * cmd_run: the nightly job, and its two halves `build` and `recommend`.
 * All three share one option set; `build` stops after saving the model,
 * `recommend` starts from a saved model.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fsutil.h"
#include "log.h"
#include "output.h"
#include "overrides.h"
#include "pipeline.h"
#include "read.h"

enum mode { MODE_RUN, MODE_BUILD, MODE_RECOMMEND };

struct run_options {
	const char *outdir;
	const char *model_path;
	struct cmd_list_options list; /* what shapes the lists (cmd.h), as query's */
	struct analyze_options analyze;
	struct model_params model;
	size_t dims;
	size_t latent_sample; /* --latent-sample */
	struct publish_options publish;
	int strict;
	int keep_boilerplate;
	const char *shard; /* recommend --shard: write only that range's lines */
};

static const char *const usage[] = {
	[MODE_RUN] =
	"Usage: related run [OPTIONS] INPUT... -o OUTDIR\n"
	"\n"
	"The nightly job: extract every page, analyse, build the model, rank and\n"
	"write OUTDIR/related.jsonl (one line per story) and OUTDIR/report.json.\n"
	"INPUT is a folder (*.html, *.htm, *.html.gz, *.htm.gz below it), a page, or a JSON\n"
	"Lines file (a manifest of {\"id\",\"path\"} records or {\"id\",\"title\",\"text\"}\n"
	"articles).\n",
	[MODE_BUILD] =
	"Usage: related build [OPTIONS] INPUT... [-m MODEL]\n"
	"\n"
	"Extract and analyse the inputs and save the model (default " DEFAULT_MODEL ").\n",
	[MODE_RECOMMEND] =
	"Usage: related recommend [OPTIONS] -m MODEL -o OUTDIR\n"
	"\n"
	"Rank every story of a saved model and write OUTDIR/related.jsonl and\n"
	"OUTDIR/report.json.\n",
};

static void print_usage(enum mode mode, FILE *f)
{
	fputs(usage[mode], f);
	fputs("\nOptions:\n", f);
	if (mode != MODE_BUILD) {
		fputs("  -o, --output DIR       where to write related.jsonl and report.json\n", f);
		cmd_list_usage(f);
		fputs("      --per-story        also write OUTDIR/runs/TIME/related/<id>.json per story and\n"
		      "                         switch the OUTDIR/current link to that run\n"
		      "      --keep N           with --per-story, run folders kept (default 3)\n", f);
	}
	if (mode == MODE_RECOMMEND)
		fputs("      --shard I/N|auto   rank only shard I (from 0) of N of the stories (all stay\n"
		      "                         candidates) and write their lines to the file -o PART.jsonl\n"
		      "                         ('related concat' joins the parts); auto: from\n"
		      "                         SLURM_ARRAY_TASK_ID/COUNT or JOB_COMPLETION_INDEX/RELATED_SHARDS\n", f);
	if (mode == MODE_BUILD)
		fputs("      --semantic 0       save no latent vectors (recommend then ranks by TF-IDF)\n", f);
	if (mode != MODE_RECOMMEND)
		fputs("      --dims K           latent dimensions computed when --semantic > 0 (default "
		      OPTIONS_STR(DEFAULT_DIMS) ")\n"
		      "      --latent-sample N  fit the latent space on N stories evenly spaced, fold the\n"
		      "                         rest in (default " OPTIONS_STR(DEFAULT_LATENT_SAMPLE) ")\n"
		      "      --title-weight W   how many times a title word counts (default 2)\n"
		      "      --lead-weight W    how many times a word of the first paragraph counts (default 2)\n"
		      "      --min-df N         ignore terms in fewer than N stories (default 2)\n"
		      "      --max-df F         ignore terms in more than fraction F of stories (default 1)\n"
		      "      --bigrams W        also count pairs of adjacent terms, at weight W (default off)\n"
		      "      --names W          also count capitalised name sequences as terms, at weight W\n"
		      "                         (default off)\n"
		      "      --tf log|bm25      term-frequency weighting: 1 + ln tf (default) or BM25's\n"
		      "                         saturation with length normalisation (k1 1.2, b 0.75)\n"
		      "      --no-stem          no Snowball stemming\n"
		      "      --no-stopwords     keep stopwords\n"
		      "      --keep-boilerplate keep paragraphs that repeat across pages of one site\n"
		      "                         (by default removed as navigation and teasers)\n", f);
	fputs(mode == MODE_RUN ? "  -m, --model FILE       also save the model to FILE\n"
	      : "  -m, --model FILE       the model file (default " DEFAULT_MODEL ")\n", f);
	fputs(mode == MODE_RECOMMEND
	      ? "      --strict           fail (exit 3, no lists written) if an --overrides line is skipped\n"
	      : mode == MODE_RUN
	      ? "      --strict           fail (exit 3) if any input is skipped (nothing written) or\n"
		"                         an --overrides line is (no lists written)\n"
	      : "      --strict           fail (exit 3, nothing written) if any input is skipped\n", f);
	fputs("  -j, --jobs N           threads (default: all cores)\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n", f);
}


/* run, build and recommend read one option set, so a nightly script can
 * give the same options to each; an option the command cannot use (one
 * its --help leaves out) gets a warning naming it instead of silence. */
static int is_analysis_option(int code)
{
	switch (code) {
	case CMD_OPT_TITLE_WEIGHT: case CMD_OPT_MIN_DF: case CMD_OPT_LEAD_WEIGHT:
	case CMD_OPT_MAX_DF: case CMD_OPT_NO_STEM: case CMD_OPT_NO_STOPWORDS:
	case CMD_OPT_BIGRAMS: case CMD_OPT_TF: case CMD_OPT_NAMES:
		return 1;
	default:
		return 0;
	}
}

static const char *unused_by(enum mode mode, int code)
{
	switch (mode == MODE_BUILD ? code : -1) {
	case 'o': case 'n':
	case CMD_OPT_MIN_SCORE: case CMD_OPT_DUPLICATE: case CMD_OPT_ANY_LANGUAGE:
	case CMD_OPT_RERANK: case CMD_OPT_EXACT: case CMD_OPT_APPROXIMATE:
	case CMD_OPT_MAX_AGE: case CMD_OPT_HALF_LIFE: case CMD_OPT_MIN_RELATIVE:
	case CMD_OPT_SECTION_CAP: case CMD_OPT_NO_FALLBACK:
	case CMD_OPT_OVERRIDES: case CMD_OPT_EXPLAIN: case CMD_OPT_PER_STORY:
	case CMD_OPT_KEEP:
	case CMD_OPT_CUTOFF: case CMD_OPT_NO_CUTOFF: case CMD_OPT_FILL:
		return "it shapes the lists (give it to recommend)";
	}
	if (mode == MODE_RECOMMEND && (code == CMD_OPT_DIMS || is_analysis_option(code)))
		return "the model fixes it (give it to build)";
	if (mode == MODE_RECOMMEND && code == CMD_OPT_KEEP_BOILERPLATE)
		return "recommend reads no pages or records (give it to build)";
	return NULL;
}

static void warn_unused(enum mode mode, int code, const struct option *longopts)
{
	const char *why = unused_by(mode, code);

	if (!why)
		return;
	for (const struct option *lo = longopts; lo->name; lo++)
		if (lo->val == code) {
			log_warn("--%s has no effect with %s: %s", lo->name,
				 mode == MODE_BUILD ? "build" : "recommend", why);
			return;
		}
}

static int parse_options(enum mode mode, int argc, char **argv, struct run_options *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "model", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		CMD_LIST_LONGOPTS,
		CMD_ANALYSIS_LONGOPTS,
		{ "dims", required_argument, NULL, CMD_OPT_DIMS },
		{ "latent-sample", required_argument, NULL, CMD_OPT_LATENT_SAMPLE },
		{ "strict", no_argument, NULL, CMD_OPT_STRICT },
		{ "per-story", no_argument, NULL, CMD_OPT_PER_STORY },
		{ "keep", required_argument, NULL, CMD_OPT_KEEP },
		{ "shard", required_argument, NULL, CMD_OPT_SHARD },
		{ "keep-boilerplate", no_argument, NULL, CMD_OPT_KEEP_BOILERPLATE },
		{ NULL, 0, NULL, 0 }
	};
	int c, bad = 0;

	memset(o, 0, sizeof *o);
	cmd_list_defaults(&o->list);
	o->dims = DEFAULT_DIMS;
	o->latent_sample = DEFAULT_LATENT_SAMPLE;
	o->publish.keep = PUBLISH_DEFAULT_KEEP;
	analyze_options_default(&o->analyze);
	model_params_default(&o->model);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:m:n:j:qh", longopts, NULL)) != -1) {
		warn_unused(mode, c, longopts);
		if (cmd_analysis_option(c, optarg, &o->analyze, &o->model, &bad) ||
		    cmd_list_option(c, optarg, &o->list, &bad))
			continue;
		switch (c) {
		case 'o': o->outdir = optarg; break;
		case 'm': o->model_path = optarg; break;
		case 'q': log_verbosity = 0; break;
		case 'h': print_usage(mode, stdout); return 1;
		case CMD_OPT_DIMS:
			bad |= cmd_parse_count("--dims", optarg, 2000, &o->dims) != 0;
			break;
		case CMD_OPT_LATENT_SAMPLE:
			bad |= cmd_parse_count("--latent-sample", optarg, UINT32_MAX,
					       &o->latent_sample) != 0;
			break;
		case CMD_OPT_STRICT: o->strict = 1; break;
		case CMD_OPT_KEEP_BOILERPLATE: o->keep_boilerplate = 1; break;
		case CMD_OPT_PER_STORY: o->publish.per_story = 1; break;
		case CMD_OPT_KEEP:
			bad |= cmd_parse_count("--keep", optarg, 10000, &o->publish.keep) != 0;
			break;
		case CMD_OPT_SHARD:
			if (mode != MODE_RECOMMEND) {
				log_error("--shard: only for recommend (see 'related count')");
				bad = 1;
			}
			o->shard = optarg;
			break;
		default: bad = 1;
		}
	}
	cmd_analysis_finish(&o->analyze, &o->model);
	if (!bad && mode != MODE_BUILD && !o->outdir) {
		log_error("missing -o OUTDIR; see 'related %s --help'",
			  mode == MODE_RUN ? "run" : "recommend");
		bad = 1;
	}
	if (!bad && mode == MODE_RECOMMEND && optind < argc) {
		log_error("recommend takes no INPUT (it reads the model); see --help");
		bad = 1;
	}
	if (!o->model_path && mode != MODE_RUN)
		o->model_path = DEFAULT_MODEL;
	return bad ? -1 : 0;
}

/* Inputs to a model: collect, extract, analyse. */
static int load_and_build(struct run_options *o, char **args, int nargs,
			  struct input_set *set, struct model *m, struct report *r,
			  double *t0)
{
	struct corpus corpus;
	struct semantic_draw *draw = NULL;
	struct error err;
	int status, latent;

	error_clear(&err);
	/* Article records' texts stay in their files until their block is
	 * analysed (input.h): no run holds every text at once. */
	set->defer_text = 1;
	set->jobs = (int)o->list.jobs;
	status = cmd_collect_inputs(args, nargs, set);
	if (status)
		return status;
	r->inputs = set->n + set->skipped.n;
	report_stage(r, "collect", t0);
	log_info("extracting %zu input%s on %zu thread%s", set->n, set->n == 1 ? "" : "s",
		 o->list.jobs, o->list.jobs == 1 ? "" : "s");
	if (pipeline_load(set, (int)o->list.jobs, READ_DEFAULT_LIMIT, o->keep_boilerplate, &corpus,
			  &set->skipped, &err)) {
		log_error("%s", err.message);
		return pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_INTERNAL;
	}
	input_set_release_items(set);
	r->boilerplate = corpus.boilerplate_removed;
	report_stage(r, "extract", t0);
	cmd_warn_skipped(&set->skipped, 0);
	if (o->strict && set->skipped.n) {
		log_error("--strict: %zu inputs skipped; nothing written", set->skipped.n);
		corpus_free(&corpus);
		return EXIT_INPUT;
	}
	if (!corpus.n) {
		log_error("no usable story among the inputs");
		corpus_free(&corpus);
		return EXIT_INPUT;
	}
	log_info("analysing %zu %s", corpus.n, corpus.n == 1 ? "story" : "stories");
	latent = o->list.policy.semantic > 0.0f && o->dims;
	if (pipeline_build_release_drawing(&corpus, &o->analyze, &o->model, (int)o->list.jobs,
					   latent ? (uint32_t)o->dims : 0, o->latent_sample, m,
					   &draw, &err)) {
		log_error("%s", err.message);
		corpus_free(&corpus);
		return pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_INTERNAL;
	}
	corpus_free(&corpus);
	report_stage(r, "analyze+model", t0);
	if (latent) {
		/* the term basis only goes into a saved model (query.h) */
		if (pipeline_latent_drawn(m, (uint32_t)o->dims, o->latent_sample,
					  (int)o->list.jobs, o->model_path != NULL, draw, &err)) {
			log_error("%s", err.message);
			return EXIT_INTERNAL;
		}
		report_stage(r, "latent", t0);
	}
	return pipeline_stop ? EXIT_SIGNAL + pipeline_stop : 0;
}

static int run_mode(enum mode mode, int argc, char **argv)
{
	struct run_options o;
	struct input_set set;
	struct model m;
	struct report r;
	struct overrides ov;
	struct rank_options ro = { 0 };
	struct error err;
	char stamp[32];
	double t0 = output_now();
	int status = EXIT_OK, lock = -1, written = 0;

	switch (parse_options(mode, argc, argv, &o)) {
	case 1: return EXIT_OK;
	case -1: return EXIT_USAGE;
	}
	cmd_catch_signals();
	if (o.outdir && !o.shard) {
		error_clear(&err);
		lock = fs_lock(o.outdir, &err);
		if (lock < 0) {
			log_error("%s", err.message);
			return EXIT_OUTPUT;
		}
		fs_remove_stale_temps(o.outdir);
	}
	error_clear(&err);
	input_set_init(&set);
	overrides_init(&ov);
	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	output_timestamp(stamp, sizeof stamp);
	r.generated_at = stamp;
	r.command = mode == MODE_RUN ? "run" : mode == MODE_BUILD ? "build" : "recommend";
	r.top = o.list.policy.top;
	r.jobs = (int)o.list.jobs;
	r.cutoff = mode == MODE_BUILD ? 0.0f : o.list.policy.cutoff; /* build writes no lists */
	r.skipped = &set.skipped;
	r.warned = &set.warned;

	if (o.model_path && mode != MODE_RECOMMEND) {
		/* The model's folder is made before the build, as -o's is: the
		 * default models/related.model works from any folder, and a
		 * folder that cannot be made fails now, not after the build. */
		char *dir = fs_dirname(o.model_path);
		if (!dir || fs_mkdir_p(dir, &err)) {
			log_error("%s", dir ? err.message : "out of memory");
			status = dir ? EXIT_OUTPUT : EXIT_INTERNAL;
			free(dir);
			goto done;
		}
		free(dir);
	}
	if (mode == MODE_RECOMMEND) {
		if (model_load(o.model_path, &m, &err)) {
			log_error("%s", err.message);
			status = EXIT_INPUT;
			goto done;
		}
		report_stage(&r, "load", &t0);
	} else {
		status = load_and_build(&o, argv + optind, argc - optind, &set, &m, &r, &t0);
		if (status)
			goto done;
	}
	if (o.model_path && mode != MODE_RECOMMEND) {
		/* the model's lock: a `query --update` under way finishes first
		 * and this model replaces its, or it re-reads this one */
		if (pipeline_save_model(&m, o.model_path, &err)) {
			log_error("%s", err.message);
			status = EXIT_OUTPUT;
			goto done;
		}
		report_stage(&r, "save", &t0);
		log_info("model: %s (%u stories, %u terms)", o.model_path, m.n_docs, m.n_terms);
	}
	if (mode == MODE_BUILD) {
		written = 1;
		goto done;
	}
	/* the term basis folds new stories in (query.h): saved above when
	 * asked, not read by ranking; n_terms * dims floats freed before it */
	if (mode != MODE_RECOMMEND)
		model_set_term_basis(&m, NULL);
	ro.depth = o.list.policy.top + 8;
	ro.jobs = (int)o.list.jobs;
	ro.same_lang = o.list.policy.same_lang;
	ro.semantic = o.list.policy.semantic;
	ro.rerank = o.list.rerank;
	ro.approximate = o.list.approximate < 0 ? RANK_BY_COST : o.list.approximate;
	ro.stop = &pipeline_stop;
	rank_options_approximate(&ro, &m);
	if (o.list.overrides_path) {
		size_t before = set.skipped.n;
		if (overrides_load(&ov, o.list.overrides_path, &set.skipped, &err) ||
		    overrides_resolve(&ov, &m, &set.skipped, &err)) {
			log_error("%s", err.message);
			status = EXIT_INPUT;
			goto done;
		}
		cmd_warn_skipped(&set.skipped, before);
		if (o.strict && set.skipped.n > before) {
			log_error("--strict: %zu override lines skipped; no lists written",
				  set.skipped.n - before);
			status = EXIT_INPUT;
			goto done;
		}
		o.list.policy.overrides = &ov;
	}
	if (o.shard) {
		status = cmd_recommend_shard(o.shard, &m, &ro, &o.list.policy, o.outdir, stamp);
		written = status == EXIT_OK;
		goto done;
	}
	if (pipeline_recommend(&m, &ro, &o.list.policy, o.outdir, &o.publish, &r, &err) ||
	    output_write_report(o.outdir, &r, &err)) {
		log_error("%s", err.message);
		status = pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_OUTPUT;
		goto done;
	}
	written = 1;
	log_info("wrote %s/related.jsonl (%u %s, %zu skipped inputs)", o.outdir,
		 m.n_docs, m.n_docs == 1 ? "story" : "stories", set.skipped.n);
done:
	if (status == EXIT_OK && set.skipped.n)
		status = EXIT_SKIPPED;
	/* The last check for a signal comes before the output is written;
	 * one that arrives while it is written lets the run finish: the new
	 * output is in place, so the run must not say it left the old one. */
	if (pipeline_stop && written)
		log_warn("signal %d came while the output was written; the run finished",
			 (int)pipeline_stop);
	else if (pipeline_stop && (status == EXIT_OK || status == EXIT_SKIPPED))
		status = EXIT_SIGNAL + pipeline_stop;
	if (status >= EXIT_SIGNAL)
		log_error("stopped by signal %d; previous output left as it was",
			  status - EXIT_SIGNAL);
	if (lock >= 0) {
		fs_remove_stale_temps(o.outdir);
		fs_unlock(lock);
	}
	overrides_free(&ov);
	model_free(&m);
	input_set_free(&set);
	return status;
}

int cmd_run(int argc, char **argv)
{
	return run_mode(MODE_RUN, argc, argv);
}

int cmd_build(int argc, char **argv)
{
	return run_mode(MODE_BUILD, argc, argv);
}

int cmd_recommend(int argc, char **argv)
{
	return run_mode(MODE_RECOMMEND, argc, argv);
}
