/* cmd_extract: print each input's extracted article as JSON Lines or text. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "log.h"
#include "output.h"
#include "pipeline.h"
#include "read.h"

static void print_usage(FILE *f)
{
	fputs("Usage: related extract [OPTIONS] INPUT...\n"
	      "\n"
	      "Print the article of every page as one JSON line on stdout: id, path, url,\n"
	      "title, published, modified, author, section, lang, image, charset, text\n"
	      "(the body only, paragraphs separated by blank lines), standfirst, byline,\n"
	      "dateline, captions, sitename, tags, warnings (why the extraction is\n"
	      "probably wrong; [] when nothing looks amiss). Inputs that cannot be used\n"
	      "are reported on stderr.\n"
	      "\n"
	      "Options:\n"
	      "      --format FMT   jsonl (default) or text (only the text, a line with\n"
	      "                     a form feed between articles)\n"
	      "      --with-parts   with --format text: the standfirst, byline, dateline\n"
	      "                     and captions with the text, where the page showed them\n"
	      "      --keep-boilerplate\n"
	      "                     keep paragraphs that repeat across pages of one site\n"
	      "                     (by default removed as navigation and teasers)\n"
	      "  -j, --jobs N       threads (default: all cores)\n"
	      "  -q, --quiet        no warnings about skipped inputs\n"
	      "  -h, --help         this help\n", f);
}

/* The article's text for --format text; with_parts adds the standfirst,
 * byline, dateline and captions where the page showed them
 * (article_with_parts()). */
static int add_text(struct buf *b, const struct article *a, int with_parts)
{
	if (with_parts)
		return article_with_parts(b, a);
	return a->text ? buf_adds(b, a->text) : 0;
}

int cmd_extract(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "keep-boilerplate", no_argument, NULL, 1 },
		{ "with-parts", no_argument, NULL, 2 },
		{ NULL, 0, NULL, 0 }
	};
	struct input_set set;
	struct corpus corpus;
	struct error err;
	size_t jobs = (size_t)pipeline_default_jobs();
	int c, text_only = 0, quiet = 0, keep_boilerplate = 0, with_parts = 0, status;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (!strcmp(optarg, "text")) {
				text_only = 1;
			} else if (strcmp(optarg, "jsonl")) {
				log_error("--format: expected jsonl or text, got '%s'", optarg);
				return EXIT_USAGE;
			}
			break;
		case 'j':
			if (cmd_parse_count("--jobs", optarg, 256, &jobs))
				return EXIT_USAGE;
			break;
		case 'q': quiet = 1; break;
		case 1: keep_boilerplate = 1; break;
		case 2: with_parts = 1; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	input_set_init(&set);
	error_clear(&err);
	status = cmd_collect_inputs(argv + optind, argc - optind, &set);
	if (status) {
		input_set_free(&set);
		return status;
	}
	if (pipeline_load(&set, (int)jobs, READ_DEFAULT_LIMIT, keep_boilerplate, &corpus,
			  &set.skipped, &err)) {
		log_error("%s", err.message);
		input_set_free(&set);
		return EXIT_INTERNAL;
	}
	if (!quiet)
		cmd_warn_skipped(&set.skipped, 0);
	{
		struct buf line = BUF_INIT;
		for (size_t i = 0; i < corpus.n; i++) {
			buf_reset(&line);
			if (text_only) {
				if (add_text(&line, &corpus.articles[i], with_parts) ||
				    buf_adds(&line, i + 1 < corpus.n ? "\n\f\n" : "\n")) {
					log_error("out of memory");
					status = EXIT_INTERNAL;
					break;
				}
			} else if (output_article_line(&line, &corpus.articles[i])) {
				status = EXIT_INTERNAL;
				break;
			}
			if (fwrite(line.data, 1, line.len, stdout) != line.len) {
				log_error("stdout: write failed: %s", strerror(errno));
				status = EXIT_OUTPUT;
				break;
			}
		}
		buf_release(&line);
	}
	if (status != EXIT_OUTPUT && fflush(stdout)) {
		log_error("stdout: write failed: %s", strerror(errno));
		if (!status)
			status = EXIT_OUTPUT;
	}
	if (!status && !corpus.n)
		status = EXIT_INPUT;
	else if (!status && set.skipped.n)
		status = EXIT_SKIPPED;
	corpus_free(&corpus);
	input_set_free(&set);
	return status;
}
