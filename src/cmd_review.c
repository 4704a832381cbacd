/*
 * cmd_review: `related review -m MODEL RELATED.jsonl -o review.html`, the
 * editors' review page (see review.h). Reads the lists with jansson, loads
 * the model for the shared terms, the stories' texts when --inputs names
 * them (to show terms as words), the current overrides file when given,
 * and the cutoff from --cutoff or the run's report.json beside the lists;
 * writes the page atomically.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "fsutil.h"
#include "log.h"
#include "model.h"
#include "pipeline.h"
#include "read.h"
#include "review.h"

#define DEFAULT_REVIEW "review.html"

static void print_usage(FILE *f)
{
	fputs("Usage: related review [OPTIONS] RELATED.jsonl [-m MODEL] [-o review.html]\n"
	      "\n"
	      "Write one self-contained HTML page (no external assets, works offline) for\n"
	      "editors: every story of RELATED.jsonl (the output of 'related run' or\n"
	      "'recommend') with its suggestions, dates, thumbnails, scores (marked near\n"
	      "the cutoff), origins, the words each pair shares (from MODEL) and any\n"
	      "collapsed near-duplicates; a search box; and\n"
	      "pin and block buttons whose actions the page collects into one overrides\n"
	      "file to download. Stories unknown to MODEL are shown without shared terms.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --model FILE     the model the lists came from (default " DEFAULT_MODEL ")\n"
	      "  -o, --output FILE    the page to write (default " DEFAULT_REVIEW ")\n"
	      "      --inputs PATH    the archive the model was built from (as given to run;\n"
	      "                       repeat for several): shared terms show as the words of\n"
	      "                       the two stories, not as the model's stems\n"
	      "      --overrides FILE the current overrides file: the download is this file\n"
	      "                       with the page's pins and blocks merged in\n"
	      "      --cutoff P       the cutoff the lists were made with: items scoring within\n"
	      "                       --near of it are marked (default: report.json beside\n"
	      "                       RELATED.jsonl says, else no marks)\n"
	      "      --no-cutoff      mark nothing\n"
	      "      --near W         how near counts as near the cutoff (default 0.1)\n"
	      "      --page-size N    stories per page in the browser (default 50)\n"
	      "      --self-test      append a script that checks the page in a browser and\n"
	      "                       writes SELFTEST PASS or SELFTEST FAIL into its title\n"
	      "  -q, --quiet          no progress messages\n"
	      "  -h, --help           this help\n"
	      "\n"
	      "Exit status: 0 done, 1 done but some --inputs were skipped, 2 usage error,\n"
	      "3 RELATED.jsonl, the model, the overrides file or --inputs missing or\n"
	      "malformed, 4 the page could not be written, 5 out of memory.\n", f);
}

/* Reads every non-blank line of `path` as a JSON object into `lines`.
 * Prints the problem (file and line) and returns an exit status on failure. */
static int read_lines(const char *path, json_t *lines)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int status = EXIT_OK;

	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		return EXIT_INPUT;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		json_error_t jerr;
		json_t *obj;

		lineno++;
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		obj = json_loadb(line, (size_t)len, 0, &jerr);
		if (!obj || !json_is_object(obj)) {
			log_error("%s:%zu: not a JSON object%s%s", path, lineno,
				  obj ? "" : ": ", obj ? "" : jerr.text);
			json_decref(obj);
			status = EXIT_INPUT;
			break;
		}
		if (json_array_append_new(lines, obj)) {
			log_error("out of memory reading %s", path);
			status = EXIT_INTERNAL;
			break;
		}
	}
	if (!status && ferror(f)) {
		log_error("%s: %s", path, strerror(errno));
		status = EXIT_INPUT;
	}
	free(line);
	fclose(f);
	return status;
}

/* The cutoff of the run that wrote `lists`, from report.json in the same
 * folder: 1 when it says (*cutoff 0: off), 0 when there is none or it does
 * not say. */
static int cutoff_of_run(const char *lists, double *cutoff)
{
	const char *slash = strrchr(lists, '/');
	struct buf path = BUF_INIT;
	json_t *report;
	int known = 0;

	if (slash)
		buf_add(&path, lists, (size_t)(slash - lists + 1));
	if (buf_adds(&path, "report.json"))
		return 0;
	report = json_load_file(path.data, 0, NULL);
	if (report)
		known = review_report_cutoff(report, cutoff);
	json_decref(report);
	buf_release(&path);
	return known;
}

/* Reads the texts of `inputs` and keeps the words behind the model's terms
 * in *words. Returns an exit status (printed). */
static int load_words(char **inputs, int n, const struct model *m, int quiet,
		      struct review_words **words)
{
	struct input_set set;
	struct corpus corpus;
	struct error err;
	int status;

	memset(&corpus, 0, sizeof corpus);
	error_clear(&err);
	input_set_init(&set);
	status = cmd_collect_inputs(inputs, n, &set);
	if (!status && pipeline_load(&set, pipeline_default_jobs(), READ_DEFAULT_LIMIT, 0,
				     &corpus, &set.skipped, &err)) {
		log_error("%s", err.message);
		status = EXIT_INTERNAL;
	}
	if (!status && !(*words = review_words_new(m))) {
		log_error("out of memory");
		status = EXIT_INTERNAL;
	}
	for (size_t i = 0; !status && i < corpus.n; i++)
		if (review_words_add(*words, &corpus.articles[i], &err)) {
			log_error("%s", err.message);
			status = EXIT_INTERNAL;
		}
	if (!status && !quiet)
		cmd_warn_skipped(&set.skipped, 0);
	if (!status && set.skipped.n)
		status = EXIT_SKIPPED;
	corpus_free(&corpus);
	input_set_free(&set);
	return status;
}

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "page-size", required_argument, NULL, 1 },
		{ "self-test", no_argument, NULL, 2 },
		{ "inputs", required_argument, NULL, 3 },
		{ "overrides", required_argument, NULL, 4 },
		{ "cutoff", required_argument, NULL, 5 },
		{ "no-cutoff", no_argument, NULL, 6 },
		{ "near", required_argument, NULL, 7 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *model_path = DEFAULT_MODEL, *output = DEFAULT_REVIEW, *overrides = NULL;
	struct review_options ro;
	struct review_words *words = NULL;
	struct model m;
	struct buf page = BUF_INIT;
	struct error err;
	json_t *lines, *current = NULL;
	char **inputs;
	int c, status, n_inputs = 0, bad = 0, cutoff_given = 0, quiet = 0;

	review_options_default(&ro);
	inputs = calloc((size_t)argc + 1, sizeof *inputs);
	if (!inputs) {
		log_error("out of memory");
		return EXIT_INTERNAL;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'm': model_path = optarg; break;
		case 'o': output = optarg; break;
		case 1:
			if (cmd_parse_count("--page-size", optarg, 100000, &ro.page_size))
				return EXIT_USAGE;
			break;
		case 2: ro.self_test = 1; break;
		case 3: inputs[n_inputs++] = optarg; break;
		case 4: overrides = optarg; break;
		case 5:
			ro.cutoff = cmd_parse_number("--cutoff", optarg, 1, &bad);
			if (!bad && !(ro.cutoff > 0 && ro.cutoff < 1)) {
				log_error("--cutoff: expected a probability above 0 and below 1");
				bad = 1;
			}
			cutoff_given = 1;
			ro.cutoff_from = "--cutoff";
			break;
		case 6: ro.cutoff = 0; cutoff_given = 1; break;
		case 7: ro.near = cmd_parse_number("--near", optarg, 1, &bad); break;
		case 'q': log_verbosity = 0; quiet = 1; break;
		case 'h': free(inputs); print_usage(stdout); return EXIT_OK;
		default: free(inputs); print_usage(stderr); return EXIT_USAGE;
		}
	}
	if (bad) {
		free(inputs);
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		log_error("expected one RELATED.jsonl; see 'related review --help'");
		free(inputs);
		return EXIT_USAGE;
	}
	if (!cutoff_given && cutoff_of_run(argv[optind], &ro.cutoff))
		ro.cutoff_from = "report.json";
	lines = json_array();
	current = json_array();
	if (!lines || !current) {
		log_error("out of memory");
		json_decref(lines);
		json_decref(current);
		free(inputs);
		return EXIT_INTERNAL;
	}
	status = read_lines(argv[optind], lines);
	if (!status && overrides)
		status = read_lines(overrides, current);
	if (status) {
		json_decref(lines);
		json_decref(current);
		free(inputs);
		return status;
	}
	ro.overrides = current;
	error_clear(&err);
	memset(&m, 0, sizeof m);
	if (model_load(model_path, &m, &err)) {
		log_error("%s", err.message);
		json_decref(lines);
		json_decref(current);
		free(inputs);
		return EXIT_INPUT;
	}
	if (n_inputs) {
		status = load_words(inputs, n_inputs, &m, quiet, &words);
		ro.words = words;
	}
	if (status && status != EXIT_SKIPPED) {
		/* printed */
	} else if (review_build(&m, lines, &ro, &page, &err)) {
		log_error("%s", err.message);
		status = EXIT_INTERNAL;
	} else if (fs_write_atomic(output, page.data, page.len, &err)) {
		log_error("%s", err.message);
		status = EXIT_OUTPUT;
	} else {
		log_info("review page: %s (%zu stories)", output, json_array_size(lines));
	}
	buf_release(&page);
	review_words_free(words);
	model_free(&m);
	json_decref(lines);
	json_decref(current);
	free(inputs);
	return status;
}
