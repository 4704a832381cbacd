/*
 * cmd_shard: `count`, `merge` and `concat`, the commands that split a run
 * over independent processes, and the sharded half of `recommend`
 * (cmd_run.c parses its options and calls cmd_recommend_shard()). The
 * split is shard.h's; the boilerplate steps (count --paragraphs, merge
 * --paragraphs, count --boilerplate), the file formats and the merges are
 * part.h's; ranking a range is pipeline_recommend_range() and joining the
 * lines output_concat_related().
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fsutil.h"
#include "log.h"
#include "output.h"
#include "part.h"
#include "pipeline.h"
#include "read.h"
#include "shard.h"

static int get_shard(const char *spec, struct shard *s)
{
	struct error err;

	error_clear(&err);
	if (shard_parse(spec, s, &err)) {
		log_error("%s", err.message);
		return -1;
	}
	return 0;
}

/* ---- count ---- */

static void count_usage(FILE *f)
{
	fputs("Usage: related count [OPTIONS] INPUT... -o PART\n"
	      "       related count --paragraphs [OPTIONS] INPUT... -o PARAGRAPH-PART\n"
	      "\n"
	      "Collect every INPUT as 'related run' does, take one shard of the stories\n"
	      "(sorted by id; of n, shard I of N takes [I*n/N, (I+1)*n/N)), extract and\n"
	      "analyse them and write PART: each story's metadata and term counts and the\n"
	      "shard's skipped inputs. 'related merge' joins the parts into a model.\n"
	      "\n"
	      "Site boilerplate (paragraphs repeated across stories of one site) is\n"
	      "decided on all pages, as run does, by a step before: 'count --paragraphs'\n"
	      "on every shard, 'merge --paragraphs' of those parts into a TABLE, then\n"
	      "'count --boilerplate TABLE' on every shard. With N > 1 count needs\n"
	      "--boilerplate TABLE or --keep-boilerplate; with 1/1 it decides by itself.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output PART      the count part (or paragraph part) to write\n"
	      "      --shard I/N|auto   shard I (from 0) of N; auto (default): from\n"
	      "                         SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT, or\n"
	      "                         JOB_COMPLETION_INDEX/RELATED_SHARDS, else 0/1\n"
	      "      --paragraphs       write the shard's paragraph part (its pages'\n"
	      "                         paragraphs per site) instead of a count part\n"
	      "      --boilerplate TABLE  remove the site boilerplate TABLE lists (from\n"
	      "                         'related merge --paragraphs' on these inputs)\n"
	      "      --title-weight W   how many times a title word counts (default 2)\n"
	      "      --lead-weight W    how many times a word of the first paragraph counts (default 2)\n"
	      "      --min-df N         ignore terms in fewer than N stories (default 2)\n"
	      "      --max-df F         ignore terms in more than fraction F of stories (default 1)\n"
	      "      --bigrams W        also count pairs of adjacent terms, at weight W (default off)\n"
	      "      --names W          also count capitalised name sequences, at weight W (default off)\n"
	      "      --tf log|bm25      term-frequency weighting (default log)\n"
	      "      --no-stem          no Snowball stemming\n"
	      "      --no-stopwords     keep stopwords\n"
	      "      --keep-boilerplate keep paragraphs that repeat across pages of one site\n"
	      "      --strict           fail (exit 3, nothing written) if any input is skipped\n"
	      "  -j, --jobs N           threads (default: all cores)\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "The model options are recorded in PART; merge uses them and checks that\n"
	      "every part agrees.\n", f);
}

int cmd_count(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "shard", required_argument, NULL, CMD_OPT_SHARD },
		CMD_ANALYSIS_LONGOPTS,
		{ "strict", no_argument, NULL, CMD_OPT_STRICT },
		{ "keep-boilerplate", no_argument, NULL, CMD_OPT_KEEP_BOILERPLATE },
		{ "paragraphs", no_argument, NULL, CMD_OPT_PARAGRAPHS },
		{ "boilerplate", required_argument, NULL, CMD_OPT_BOILERPLATE },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *spec = "auto", *table = NULL;
	size_t jobs = (size_t)pipeline_default_jobs(), begin, end;
	struct analyze_options ao;
	struct part_info info;
	struct input_set set, sub;
	struct skip_list skipped = { 0 };
	struct corpus corpus = { 0 };
	struct boilerplate_chrome chrome;
	struct part_table_info tinfo;
	struct error err;
	int c, bad = 0, strict = 0, keep_boilerplate = 0, paragraphs = 0, status = EXIT_OK, rc;

	memset(&info, 0, sizeof info);
	boilerplate_chrome_init(&chrome);
	analyze_options_default(&ao);
	model_params_default(&info.params);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
		if (cmd_analysis_option(c, optarg, &ao, &info.params, &bad))
			continue;
		switch (c) {
		case 'o': out = optarg; break;
		case 'j': bad |= cmd_parse_count("--jobs", optarg, 256, &jobs) != 0; break;
		case 'q': log_verbosity = 0; break;
		case 'h': count_usage(stdout); return EXIT_OK;
		case CMD_OPT_SHARD: spec = optarg; break;
		case CMD_OPT_STRICT: strict = 1; break;
		case CMD_OPT_KEEP_BOILERPLATE: keep_boilerplate = 1; break;
		case CMD_OPT_PARAGRAPHS: paragraphs = 1; break;
		case CMD_OPT_BOILERPLATE: table = optarg; break;
		default: bad = 1;
		}
	}
	cmd_analysis_finish(&ao, &info.params);
	if (!bad && !out) {
		log_error("missing -o PART; see 'related count --help'");
		bad = 1;
	}
	if (!bad && paragraphs + !!table + keep_boilerplate > 1) {
		log_error("--paragraphs, --boilerplate and --keep-boilerplate exclude each other");
		bad = 1;
	}
	if (bad || get_shard(spec, &info.shard)) {
		boilerplate_chrome_free(&chrome);
		return EXIT_USAGE;
	}
	if (!paragraphs && !table && !keep_boilerplate && info.shard.count > 1) {
		log_error("count --shard %u/%u: removing site boilerplate takes every page of "
			  "the site, and a shard sees only its own. Make the table first "
			  "('related count --paragraphs' on every shard, then 'related merge "
			  "--paragraphs') and give it with --boilerplate TABLE, or give "
			  "--keep-boilerplate (to 'related run' too, for the same output)",
			  info.shard.index, info.shard.count);
		boilerplate_chrome_free(&chrome);
		return EXIT_USAGE;
	}
	info.boilerplate = keep_boilerplate ? PART_BOILERPLATE_KEPT
			   : table	    ? PART_BOILERPLATE_TABLE
					    : PART_BOILERPLATE_WHOLE;
	cmd_catch_signals();
	error_clear(&err);
	input_set_init(&set);
	set.jobs = (int)jobs;
	status = cmd_collect_inputs(argv + optind, argc - optind, &set);
	if (status)
		goto done;
	info.items = set.n;
	info.collect_skips = set.skipped.n;
	info.fingerprint = shard_fingerprint(&set);
	shard_range(&info.shard, set.n, &begin, &end);
	info.begin = begin;
	info.end = end;
	if (table) {
		if (part_read_table(table, info.items, info.fingerprint, &chrome, &tinfo, &err)) {
			log_error("%s", err.message);
			status = EXIT_INPUT;
			goto done;
		}
		info.table_checksum = tinfo.checksum;
		log_info("%s: %llu boilerplate paragraphs of %llu sites", table,
			 (unsigned long long)tinfo.paragraphs, (unsigned long long)tinfo.hosts);
	}
	/* Skips found while collecting are every shard's; shard 0 reports them. */
	if (info.shard.index == 0 && skip_list_take(&skipped, &set.skipped)) {
		status = EXIT_INTERNAL;
		goto done;
	}
	input_set_init(&sub); /* a view of the shard's items, owned by set */
	sub.items = set.items + begin;
	sub.n = end - begin;
	log_info("shard %u/%u: items %zu to %zu of %zu", info.shard.index,
		 info.shard.count, begin, end, set.n);
	/* Only 0/1, which holds every page, removes boilerplate as run does. */
	rc = pipeline_load(&sub, (int)jobs, READ_DEFAULT_LIMIT,
			   info.boilerplate != PART_BOILERPLATE_WHOLE || paragraphs, &corpus,
			   &skipped, &err);
	skip_list_free(&sub.warned); /* a part file carries no warnings */
	if (rc) {
		log_error("%s", err.message);
		status = pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_INTERNAL;
		goto done;
	}
	cmd_warn_skipped(&skipped, 0);
	if (strict && skipped.n) {
		log_error("--strict: %zu inputs skipped; nothing written", skipped.n);
		status = EXIT_INPUT;
		goto done;
	}
	if (paragraphs) {
		if (part_write_paragraphs(out, &info, &corpus, &err)) {
			log_error("%s", err.message);
			status = EXIT_OUTPUT;
			goto done;
		}
		log_info("wrote %s (paragraphs of %zu %s, %zu skipped)", out, corpus.n,
			 corpus.n == 1 ? "story" : "stories",
			 skipped.n);
		status = skipped.n ? EXIT_SKIPPED : EXIT_OK;
		goto done;
	}
	if (table)
		info.boilerplate_removed = (uint64_t)boilerplate_apply(corpus.articles, corpus.n,
								       &chrome);
	else
		info.boilerplate_removed = corpus.boilerplate_removed;
	if (part_write_counts(out, &info, &skipped, &corpus, &ao, (int)jobs, &err)) {
		log_error("%s", err.message);
		status = pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_OUTPUT;
		goto done;
	}
	log_info("wrote %s (%zu %s, %zu skipped, %llu boilerplate paragraphs removed)", out,
		 corpus.n, corpus.n == 1 ? "story" : "stories", skipped.n,
		 (unsigned long long)info.boilerplate_removed);
	if (skipped.n)
		status = EXIT_SKIPPED;
done:
	boilerplate_chrome_free(&chrome);
	corpus_free(&corpus);
	skip_list_free(&skipped);
	input_set_free(&set);
	return status;
}

/* ---- merge ---- */

static void merge_usage(FILE *f)
{
	fputs("Usage: related merge [OPTIONS] PART... -m MODEL\n"
	      "       related merge --paragraphs PARAGRAPH-PART... -o TABLE\n"
	      "\n"
	      "Join the count parts of every shard (given in shard order, 0 first) into\n"
	      "the model 'related run' would build from the same inputs and options,\n"
	      "with latent vectors, and save it to MODEL.\n"
	      "\n"
	      "With --paragraphs, join the paragraph parts of every shard (from 'related\n"
	      "count --paragraphs', in shard order) and write TABLE: the paragraphs that\n"
	      "repeat across stories of one site, decided on all pages as 'related run'\n"
	      "decides, for 'related count --boilerplate TABLE'.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --model FILE       the model to write\n"
	      "      --paragraphs       join paragraph parts into a boilerplate table\n"
	      "  -o, --output TABLE     the table to write (with --paragraphs)\n"
	      "      --dims K           latent dimensions (default " OPTIONS_STR(DEFAULT_DIMS)
	      ", as run)\n"
	      "      --latent-sample N  stories the latent space is fitted on (default "
	      OPTIONS_STR(DEFAULT_LATENT_SAMPLE) ", as run)\n"
	      "      --no-latent        no latent vectors (as run --semantic 0)\n"
	      "  -j, --jobs N           threads for the weights and the latent vectors\n"
	      "                         (default: all cores)\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n", f);
}

/* merge --paragraphs: the boilerplate table. */
static int merge_paragraphs(const char *const *parts, size_t n, const char *table)
{
	struct boilerplate_chrome chrome;
	struct part_table_info info;
	struct error err;
	double t0 = output_now();
	int status = EXIT_OK;

	error_clear(&err);
	boilerplate_chrome_init(&chrome);
	if (part_merge_paragraphs(parts, n, BOILERPLATE_MIN_PAGES, &chrome, &info, &err)) {
		log_error("%s", err.message);
		status = pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_INPUT;
	} else if (part_write_table(table, &chrome, &info, &err)) {
		log_error("%s", err.message);
		status = EXIT_OUTPUT;
	}
	boilerplate_chrome_free(&chrome);
	if (status)
		return status;
	log_info("wrote %s: %llu boilerplate paragraphs of %llu sites from %zu parts (%.2f s)",
		 table, (unsigned long long)info.paragraphs, (unsigned long long)info.hosts, n,
		 output_now() - t0);
	return EXIT_OK;
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "dims", required_argument, NULL, CMD_OPT_DIMS },
		{ "no-latent", no_argument, NULL, CMD_OPT_NO_LATENT },
		{ "latent-sample", required_argument, NULL, CMD_OPT_LATENT_SAMPLE },
		{ "paragraphs", no_argument, NULL, CMD_OPT_PARAGRAPHS },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char *model_path = NULL, *table = NULL;
	size_t jobs = (size_t)pipeline_default_jobs(), dims = DEFAULT_DIMS;
	size_t latent_sample = DEFAULT_LATENT_SAMPLE;
	struct part_info info;
	struct skip_list skipped = { 0 };
	struct model m;
	struct error err;
	double t0 = output_now();
	int c, bad = 0, paragraphs = 0, status = EXIT_OK;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:o:j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'o': table = optarg; break;
		case CMD_OPT_PARAGRAPHS: paragraphs = 1; break;
		case 'j': bad |= cmd_parse_count("--jobs", optarg, 256, &jobs) != 0; break;
		case 'q': log_verbosity = 0; break;
		case 'h': merge_usage(stdout); return EXIT_OK;
		case CMD_OPT_DIMS:
			bad |= cmd_parse_count("--dims", optarg, 2000, &dims) != 0;
			break;
		case CMD_OPT_NO_LATENT: dims = 0; break;
		case CMD_OPT_LATENT_SAMPLE:
			bad |= cmd_parse_count("--latent-sample", optarg, UINT32_MAX,
					       &latent_sample) != 0;
			break;
		default: bad = 1;
		}
	}
	if (!bad && paragraphs && (!table || model_path)) {
		log_error("merge --paragraphs writes a table: give -o TABLE (and no -m); "
			  "see 'related merge --help'");
		bad = 1;
	}
	if (!bad && !paragraphs && (!model_path || table)) {
		log_error("%s; see 'related merge --help'", table ? "-o TABLE is for --paragraphs"
			  : "missing -m MODEL");
		bad = 1;
	}
	if (!bad && optind >= argc) {
		log_error("no PART given; see 'related merge --help'");
		bad = 1;
	}
	if (bad)
		return EXIT_USAGE;
	cmd_catch_signals();
	error_clear(&err);
	if (paragraphs)
		return merge_paragraphs((const char *const *)argv + optind,
					(size_t)(argc - optind), table);
	if (part_merge((const char *const *)argv + optind, (size_t)(argc - optind), (int)jobs,
		       &m, &skipped, &info, &err)) {
		log_error("%s", err.message);
		skip_list_free(&skipped);
		return pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_INPUT;
	}
	log_info("merged %d %s: %u %s, %u terms, %zu skipped inputs (%.2f s)", argc - optind,
		 argc - optind == 1 ? "part" : "parts", m.n_docs,
		 m.n_docs == 1 ? "story" : "stories", m.n_terms, skipped.n, output_now() - t0);
	if (dims && pipeline_latent(&m, (uint32_t)dims, latent_sample, (int)jobs, 1, &err)) {
		log_error("%s", err.message);
		status = EXIT_INTERNAL;
	} else if (pipeline_stop) {
		status = EXIT_SIGNAL + pipeline_stop;
	} else if (pipeline_save_model(&m, model_path, &err)) {
		log_error("%s", err.message);
		status = EXIT_OUTPUT;
	} else {
		log_info("model: %s (%.2f s)", model_path, output_now() - t0);
	}
	model_free(&m);
	skip_list_free(&skipped);
	return status;
}

/* ---- recommend --shard ---- */

int cmd_recommend_shard(const char *spec, const struct model *m,
			const struct rank_options *ro, const struct policy_options *po,
			const char *out, const char *generated_at)
{
	struct shard s;
	struct error err;
	struct report r;
	struct part_list_counts counts;
	size_t begin, end;
	double t0 = output_now();
	char *stale = NULL;

	if (get_shard(spec, &s))
		return EXIT_USAGE;
	error_clear(&err);
	memset(&r, 0, sizeof r);
	shard_range(&s, m->n_docs, &begin, &end);
	/* counts of an earlier run beside these lines would be taken for theirs */
	if (asprintf(&stale, "%s%s", out, PART_LIST_COUNTS_SUFFIX) < 0)
		return EXIT_INTERNAL;
	if (unlink(stale) && errno != ENOENT) {
		log_error("%s: cannot remove: %s", stale, strerror(errno));
		free(stale);
		return EXIT_OUTPUT;
	}
	free(stale);
	if (pipeline_recommend_range(m, ro, po, begin, end, out, generated_at, &r, &err)) {
		log_error("%s", err.message);
		return pipeline_stop ? EXIT_SIGNAL + pipeline_stop : EXIT_OUTPUT;
	}
	counts = (struct part_list_counts){ end - begin, r.empty_lists, r.duplicates,
					    r.fallback_lists, r.shortened_lists, r.twins,
					    po->cutoff };
	if (part_write_list_counts(out, &counts, &err)) {
		log_error("%s", err.message);
		return EXIT_OUTPUT;
	}
	log_info("wrote %s (shard %u/%u: %zu of %u %s, %.2f s)", out, s.index, s.count,
		 end - begin, m->n_docs, m->n_docs == 1 ? "story" : "stories", output_now() - t0);
	return EXIT_OK;
}

/* ---- concat ---- */

static void concat_usage(FILE *f)
{
	fputs("Usage: related concat [OPTIONS] PART.jsonl... -o OUTDIR\n"
	      "\n"
	      "Join the parts written by 'related recommend --shard' (given in shard\n"
	      "order) into OUTDIR/related.jsonl, checking that the stories ascend with\n"
	      "no repeat, and write OUTDIR/report.json. Every line gets this run's\n"
	      "generated_at.\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output DIR       where to write related.jsonl and report.json\n"
	      "  -m, --model FILE       also check that the lines are exactly the model's\n"
	      "                         stories (none missing)\n"
	      "      --counts PART      a count part whose skipped inputs go into\n"
	      "                         report.json (repeat for each, in shard order)\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "Exit status 1 when the count parts list skipped inputs, as for run.\n", f);
}

/* Adds the list counts of the parts paths[0..n) (part.h, written by
 * recommend --shard) to r: what the policy did, as a single run counts it,
 * and the lists' cutoff when every part has the same. A part without
 * counts (an older version's) gets a warning: the counts then leave its
 * lists out. Fails when a counts file is unreadable or does not match
 * the `lines` lines joined. */
static int add_list_counts(const char *const *paths, size_t n, size_t lines,
			   struct report *r, struct error *err)
{
	struct part_list_counts c;
	size_t total = 0, missing = 0, same_cutoff = 1;

	for (size_t i = 0; i < n; i++) {
		int rc = part_read_list_counts(paths[i], &c, err);
		if (rc < 0)
			return -1;
		if (rc > 0) {
			log_warn("%s: no %s%s beside it (written by an older version): "
				 "report.json's list counts leave its lists out", paths[i],
				 paths[i], PART_LIST_COUNTS_SUFFIX);
			missing++;
			continue;
		}
		total += c.lines;
		r->duplicates += c.duplicates;
		r->fallback_lists += c.fallback_lists;
		r->shortened_lists += c.shortened_lists;
		r->twins += c.twins;
		same_cutoff &= i == missing || c.cutoff == r->cutoff;
		r->cutoff = c.cutoff;
	}
	if (!missing && total != lines)
		return error_set(err, NULL, "the parts' %s files count %zu lines, the parts "
				 "hold %zu: a counts file is not its part's", PART_LIST_COUNTS_SUFFIX,
				 total, lines);
	if (!same_cutoff) {
		log_warn("the parts were cut at different cutoffs: report.json says none");
		r->cutoff = 0.0f;
	}
	return 0;
}

int cmd_concat(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "model", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "counts", required_argument, NULL, CMD_OPT_COUNTS },
		{ NULL, 0, NULL, 0 }
	};
	const char *outdir = NULL, *model_path = NULL;
	const char **counts = calloc((size_t)argc + 1, sizeof *counts);
	size_t ncounts = 0;
	struct skip_list skipped = { 0 };
	struct output_concat_stats st;
	struct report r;
	struct model m;
	struct error err;
	char stamp[32], *path = NULL;
	double t0 = output_now();
	int c, bad = 0, status = EXIT_OK, lock = -1;

	if (!counts)
		return EXIT_INTERNAL;
	memset(&m, 0, sizeof m);
	memset(&r, 0, sizeof r);
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:m:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': outdir = optarg; break;
		case 'm': model_path = optarg; break;
		case 'q': log_verbosity = 0; break;
		case 'h': concat_usage(stdout); free(counts); return EXIT_OK;
		case CMD_OPT_COUNTS: counts[ncounts++] = optarg; break;
		default: bad = 1;
		}
	}
	if (!bad && !outdir) {
		log_error("missing -o OUTDIR; see 'related concat --help'");
		bad = 1;
	}
	if (!bad && optind >= argc) {
		log_error("no PART.jsonl given; see 'related concat --help'");
		bad = 1;
	}
	if (bad) {
		free(counts);
		return EXIT_USAGE;
	}
	cmd_catch_signals();
	error_clear(&err);
	output_timestamp(stamp, sizeof stamp);
	r.generated_at = stamp;
	r.command = "concat";
	r.skipped = &skipped;
	for (size_t i = 0; i < ncounts; i++) {
		struct part_info info;
		if (part_read_info(counts[i], &info, &skipped, &err)) {
			log_error("%s", err.message);
			status = EXIT_INPUT;
			goto done;
		}
		r.inputs = info.items + info.collect_skips;
		r.boilerplate += (size_t)info.boilerplate_removed;
	}
	if (model_path) {
		if (model_load(model_path, &m, &err)) {
			log_error("%s", err.message);
			status = EXIT_INPUT;
			goto done;
		}
		r.terms = m.n_terms;
	}
	lock = fs_lock(outdir, &err);
	if (lock < 0) {
		log_error("%s", err.message);
		status = EXIT_OUTPUT;
		goto done;
	}
	fs_remove_stale_temps(outdir);
	path = fs_join(outdir, "related.jsonl");
	if (!path) {
		status = EXIT_INTERNAL;
		goto done;
	}
	if (output_concat_related((const char *const *)argv + optind,
				  (size_t)(argc - optind), model_path ? &m : NULL, path, stamp,
				  &st, &err)) {
		log_error("%s", err.message);
		status = EXIT_INPUT;
		goto done;
	}
	r.stories = st.lines;
	r.empty_lists = st.empty_lists;
	if (add_list_counts((const char *const *)argv + optind, (size_t)(argc - optind),
			    st.lines, &r, &err)) {
		log_error("%s", err.message);
		status = EXIT_INPUT;
		goto done;
	}
	report_stage(&r, "concat", &t0);
	if (output_write_report(outdir, &r, &err)) {
		log_error("%s", err.message);
		status = EXIT_OUTPUT;
		goto done;
	}
	log_info("wrote %s (%zu %s from %d %s)", path, st.lines,
		 st.lines == 1 ? "story" : "stories", argc - optind,
		 argc - optind == 1 ? "part" : "parts");
	if (skipped.n)
		status = EXIT_SKIPPED;
done:
	if (lock >= 0) {
		fs_remove_stale_temps(outdir);
		fs_unlock(lock);
	}
	free(path);
	free(counts);
	model_free(&m);
	skip_list_free(&skipped);
	return status;
}
