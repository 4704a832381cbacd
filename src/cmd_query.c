/*
 * cmd_query: `related query -m MODEL PAGE...`, the publishing pipeline's
 * call when a story goes live: one related.jsonl-shaped line per new story,
 * with the existing stories whose lists it enters (query.h).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "output.h"
#include "pipeline.h"
#include "query.h"
#include "read.h"

static void print_usage(FILE *f)
{
	fputs("Usage: related query [OPTIONS] -m MODEL PAGE...\n"
	      "       related query [OPTIONS] -m MODEL --id ID [--url URL] -\n"
	      "\n"
	      "The list of each new story, at once: one related.jsonl-shaped line per story\n"
	      "on stdout, the list 'run' would give the story with the same list options,\n"
	      "plus \"refresh\": the ids of existing stories whose lists the new story now\n"
	      "enters. PAGE is an HTML page, a JSON Lines file of articles\n"
	      "({\"id\",\"title\",\"text\"}) or a manifest, as for 'run'; '-' reads one HTML page\n"
	      "from standard input (give its --id).\n"
	      "\n"
	      "Options:\n"
	      "  -m, --model FILE       the model (default " DEFAULT_MODEL ")\n"
	      "      --id ID            the story's id (one PAGE; needed for '-'): a story of the\n"
	      "                         model with that id is the same story republished\n"
	      "      --url URL          the story's URL (one PAGE)\n"
	      "      --lists FILE       the site's current related.jsonl: needed for \"refresh\"\n"
	      "                         (without it \"refresh\" is [] and \"refresh_unknown\" true)\n"
	      "      --update           also add the new stories to the model file (replaced\n"
	      "                         atomically); vocabulary and df stay until the next build\n"
	      "\n"
	      "List options, as for 'run' (the same parser and defaults):\n",
	      f);
	cmd_list_usage(f);
	fputs("  -j, --jobs N           accepted as for 'run'; a query ranks on one thread and\n"
	      "                         its list is the same for any N\n"
	      "  -q, --quiet            no progress messages\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "A query scores every candidate exactly: the list is 'run --exact''s (what run\n"
	      "gives most short stories by default); --approximate has no effect.\n",
	      f);
}

/* What the command line asks for. */
struct query_args {
	const char *model, *lists, *id, *url;
	int update;
	struct cmd_list_options list;
	struct query_options qo;
};

/* Parses the options; -1 to go on, or an exit status (usage, or --help
 * shown). */
static int parse_args(int argc, char **argv, struct query_args *q)
{
	static const struct option longopts[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "id", required_argument, NULL, CMD_OPT_ID },
		{ "url", required_argument, NULL, CMD_OPT_URL },
		{ "lists", required_argument, NULL, CMD_OPT_LISTS },
		{ "update", no_argument, NULL, CMD_OPT_UPDATE },
		CMD_LIST_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int c, bad = 0, stdin_args = 0;

	memset(q, 0, sizeof *q);
	q->model = DEFAULT_MODEL;
	cmd_list_defaults(&q->list);
	optind = 1;
	while ((c = getopt_long(argc, argv, "m:n:j:qh", longopts, NULL)) != -1) {
		if (cmd_list_option(c, optarg, &q->list, &bad))
			continue;
		switch (c) {
		case 'm': q->model = optarg; break;
		case 'q': log_verbosity = 0; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		case CMD_OPT_ID: q->id = optarg; break;
		case CMD_OPT_URL: q->url = optarg; break;
		case CMD_OPT_LISTS: q->lists = optarg; break;
		case CMD_OPT_UPDATE: q->update = 1; break;
		default: bad = 1;
		}
	}
	for (int i = optind; i < argc; i++)
		stdin_args += !strcmp(argv[i], "-");
	if (!bad && optind >= argc) {
		log_error("missing PAGE; see 'related query --help'");
		bad = 1;
	} else if (!bad && (q->id || q->url) && argc - optind != 1) {
		log_error("--id and --url name one story: give one PAGE");
		bad = 1;
	} else if (!bad && stdin_args && !q->id) {
		log_error("-: a page from standard input needs its --id");
		bad = 1;
	} else if (!bad && q->id && !*q->id) {
		log_error("--id: expected an id, got ''");
		bad = 1;
	}
	if (!bad && q->list.approximate == 1)
		log_warn("--approximate has no effect with query: it scores every candidate "
			 "exactly");
	query_options_default(&q->qo);
	q->qo.policy = q->list.policy;
	q->qo.rerank = q->list.rerank;
	return bad ? EXIT_USAGE : -1;
}

/* Copies standard input into a new temporary file (an HTML page for the
 * input stage to read as any other); returns its malloc'd path, or NULL
 * with the problem printed. The caller removes the file. */
static char *stdin_to_file(void)
{
	const char *dir = getenv("TMPDIR");
	char *path = NULL, chunk[65536];
	size_t got;
	int fd, ok = 1;
	FILE *f;

	if (asprintf(&path, "%s/related-query-XXXXXX.html", dir && *dir ? dir : "/tmp") < 0) {
		log_error("out of memory");
		return NULL;
	}
	fd = mkstemps(path, 5);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f) {
		log_error("%s: cannot create a file for standard input: %s", path,
			  strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		free(path);
		return NULL;
	}
	while (ok && (got = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		ok = fwrite(chunk, 1, got, f) == got;
	ok = ok && !ferror(stdin);
	if (fclose(f) || !ok) {
		log_error("-: cannot copy standard input to %s: %s", path, strerror(errno));
		unlink(path);
		free(path);
		return NULL;
	}
	return path;
}

/* Gives the single input of `set` the id and URL of the command line. */
static int name_story(struct input_set *set, const struct query_args *q)
{
	struct input_item *it;

	if (set->n != 1)
		return 0; /* a skipped page: nothing to name */
	it = &set->items[0];
	if ((q->id && article_set(&it->article.id, q->id)) ||
	    (q->url && article_set(&it->article.url, q->url))) {
		log_error("out of memory");
		return EXIT_INTERNAL;
	}
	return 0;
}

/* Reads the new stories of the PAGE arguments into `corpus` ('-': standard
 * input, through a temporary file removed before returning); 0 or an exit
 * status. */
static int load_pages(char **args, int nargs, const struct query_args *q,
		      struct input_set *set, struct corpus *corpus)
{
	struct error err;
	char *tmp = NULL;
	int status = 0;

	error_clear(&err);
	for (int i = 0; i < nargs && !status; i++)
		if (!strcmp(args[i], "-")) {
			tmp = stdin_to_file();
			if (!tmp)
				status = EXIT_INPUT;
			args[i] = tmp;
		}
	if (!status)
		status = cmd_collect_inputs(args, nargs, set);
	if (!status)
		status = name_story(set, q);
	if (!status && pipeline_load(set, 1, READ_DEFAULT_LIMIT, 1, corpus, &set->skipped, &err)) {
		log_error("%s", err.message);
		status = EXIT_INTERNAL;
	}
	if (tmp)
		unlink(tmp);
	free(tmp);
	if (status)
		return status;
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
	status = load_pages(argv + optind, argc - optind, &q, &set, &corpus);
	if (status)
		goto done;
	before = set.skipped.n;
	rc = query_session_open(&qs, q.model, q.update, q.list.overrides_path, q.lists, corpus.articles,
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
