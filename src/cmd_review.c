/*
 * cmd_review: `related review -m MODEL RELATED.jsonl -o review.html`, the
 * editors' review page (see review.h). Reads the lists with jansson, loads
 * the model for the shared terms, writes the page atomically.
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
#include "review.h"

#define DEFAULT_REVIEW "review.html"

static void print_usage(FILE *f)
{
	fputs("Usage: related review [OPTIONS] RELATED.jsonl [-m MODEL] [-o review.html]\n"
	      "\n"
	      "Write one self-contained HTML page (no external assets, works offline) for\n"
	      "editors: every story of RELATED.jsonl (the output of 'related run' or\n"
	      "'recommend') with its suggestions, scores, origins, the terms each pair\n"
	      "shares (from MODEL) and any collapsed near-duplicates; a search box; and\n"
	      "buttons that copy the override line pinning or blocking a suggestion.\n"
	      "Stories unknown to MODEL are shown without shared terms.\n"
	      "\n"
	      "Options:\n"
	      "  -m, --model FILE     the model the lists came from (default " DEFAULT_MODEL ")\n"
	      "  -o, --output FILE    the page to write (default " DEFAULT_REVIEW ")\n"
	      "      --page-size N    stories per page in the browser (default 50)\n"
	      "      --self-test      append a script that checks the page in a browser and\n"
	      "                       writes SELFTEST PASS or SELFTEST FAIL into its title\n"
	      "  -q, --quiet          no progress messages\n"
	      "  -h, --help           this help\n"
	      "\n"
	      "Exit status: 0 done, 2 usage error, 3 RELATED.jsonl or the model missing\n"
	      "or malformed, 4 the page could not be written, 5 out of memory.\n", f);
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

int cmd_review(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "output", required_argument, NULL, 'o' },
		{ "page-size", required_argument, NULL, 1 },
		{ "self-test", no_argument, NULL, 2 },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *model_path = DEFAULT_MODEL, *output = DEFAULT_REVIEW;
	struct review_options ro;
	struct model m;
	struct buf page = BUF_INIT;
	struct error err;
	json_t *lines;
	int c, status;

	review_options_default(&ro);
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
		case 'q': log_verbosity = 0; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		default: print_usage(stderr); return EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		log_error("expected one RELATED.jsonl; see 'related review --help'");
		return EXIT_USAGE;
	}
	lines = json_array();
	if (!lines) {
		log_error("out of memory");
		return EXIT_INTERNAL;
	}
	status = read_lines(argv[optind], lines);
	if (status) {
		json_decref(lines);
		return status;
	}
	error_clear(&err);
	memset(&m, 0, sizeof m);
	if (model_load(model_path, &m, &err)) {
		log_error("%s", err.message);
		json_decref(lines);
		return EXIT_INPUT;
	}
	if (review_build(&m, lines, &ro, &page, &err)) {
		log_error("%s", err.message);
		status = EXIT_INTERNAL;
	} else if (fs_write_atomic(output, page.data, page.len, &err)) {
		log_error("%s", err.message);
		status = EXIT_OUTPUT;
	} else {
		log_info("review page: %s (%zu stories)", output, json_array_size(lines));
	}
	buf_release(&page);
	model_free(&m);
	json_decref(lines);
	return status;
}
