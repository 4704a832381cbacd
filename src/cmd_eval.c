/* cmd_eval: score related-story lists against labels, editors' picks or
 * another set of lists, with bootstrap confidence intervals (see eval.h). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "eval.h"
#include "log.h"

#define MAX_KS 32

static void print_usage(FILE *f)
{
	fputs("Usage: related eval --labels LABELS [OPTIONS] RELATED.jsonl\n"
	      "       related eval --against OTHER.jsonl [OPTIONS] RELATED.jsonl\n"
	      "\n"
	      "Score the lists of RELATED.jsonl (the output of 'related run') against:\n"
	      "  labels, {\"id\", \"label\"} lines with a label or a list of labels: two stories\n"
	      "    are related when they share one; or editors' picks, {\"id\", \"related\": [ids]}:\n"
	      "    exactly those are relevant. Prints P@k, R@k, MAP@k (normalised by\n"
	      "    min(relevant, k)) and nDCG@k (binary gain) averaged over the labelled\n"
	      "    stories that have a relevant story; stories with none are skipped and\n"
	      "    counted, and a labelled story without a list scores 0.\n"
	      "  another set of lists taken as the truth: recall@k, |top k ∩ other's top k|\n"
	      "    / |other's top k| averaged over the other's lists (an approximate mode\n"
	      "    against the exact one).\n"
	      "Both options may be given together. Each value comes with a 95% bootstrap\n"
	      "confidence interval over the stories.\n"
	      "\n"
	      "Options:\n"
	      "  -l, --labels FILE    labels or editors' picks (JSON Lines)\n"
	      "  -a, --against FILE   lists to take as the truth (JSON Lines)\n"
	      "  -k, --k LIST         cut-offs, comma-separated (default 5,10)\n"
	      "  -b, --bootstrap N    resamples for the intervals (default 1000; 0: none);\n"
	      "                       the seed is fixed, so the output is reproducible\n"
	      "      --json           one JSON object: metric -> {\"value\", \"ci_low\",\n"
	      "                       \"ci_high\"}, and the counts\n"
	      "  -h, --help           this help\n"
	      "\n"
	      "Exit status: 0 done, 2 usage error, 3 an input file missing or\n"
	      "malformed (the message names the file and line), 4 stdout could not be\n"
	      "written, 5 out of memory.\n", f);
}

/* Parses "5,10,20" into ascending distinct cut-offs. */
static int parse_ks(const char *s, size_t *ks, size_t *nks)
{
	const char *p = s;

	*nks = 0;
	for (;;) {
		char *end;
		unsigned long long v;
		size_t i;

		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || end == p || *p == '-' || *p == '+' || v == 0 || v > EVAL_MAX_K ||
		    (*end && *end != ','))
			goto bad;
		for (i = *nks; i > 0 && ks[i - 1] > v; i--)
			;
		if (!(i > 0 && ks[i - 1] == v)) {
			if (*nks == MAX_KS)
				goto bad;
			memmove(ks + i + 1, ks + i, (*nks - i) * sizeof *ks);
			ks[i] = (size_t)v;
			(*nks)++;
		}
		if (!*end)
			return 0;
		p = end + 1;
	}
bad:
	log_error("-k: expected up to %d cut-offs from 1 to %d separated by commas, got '%s'",
		  MAX_KS, EVAL_MAX_K, s);
	return -1;
}

/* Reads one file into lists or labels; prints the problem and returns an
 * exit status on failure. */
static int read_file(const char *path, struct eval_lists *lists, struct eval_labels *labels)
{
	struct error err;
	FILE *f = fopen(path, "r");
	int rc;

	error_clear(&err);
	if (!f) {
		log_error("%s: %s", path, strerror(errno));
		return EXIT_INPUT;
	}
	rc = lists ? eval_lists_read(lists, f, path, &err) : eval_labels_read(labels, f, path, &err);
	fclose(f);
	if (rc) {
		log_error("%s", err.message);
		return rc == EVAL_ENOMEM ? EXIT_INTERNAL : EXIT_INPUT;
	}
	return 0;
}

/* The formatters return -1 when memory ran out at any step (buf leaves the
 * buffer unchanged then, so every step is checked, never just the last). */
static int add_json_number(struct buf *b, double v)
{
	return isnan(v) ? buf_adds(b, "null") : buf_printf(b, "%.6f", v);
}

static int format_json(struct buf *b, const struct eval_result *r, size_t resamples)
{
	int rc = buf_addc(b, '{');

	for (size_t i = 0; i < r->nmetrics; i++) {
		const struct eval_metric *m = &r->metrics[i];

		rc |= buf_add_json_string(b, m->name, strlen(m->name));
		rc |= buf_adds(b, ": {\"value\": ");
		rc |= add_json_number(b, m->value);
		rc |= buf_adds(b, ", \"ci_low\": ");
		rc |= add_json_number(b, m->ci_low);
		rc |= buf_adds(b, ", \"ci_high\": ");
		rc |= add_json_number(b, m->ci_high);
		rc |= buf_adds(b, "}, ");
	}
	if (r->has_labels) {
		rc |= buf_adds(b, "\"coverage\": ");
		rc |= add_json_number(b, r->labelled ? (double)r->covered / (double)r->labelled : 0.0);
		rc |= buf_printf(b, ", \"queries\": %zu, \"skipped_no_relevant\": %zu, "
				    "\"labelled\": %zu, \"unlabelled_lists\": %zu, ",
				 r->queries, r->skipped_no_relevant, r->labelled,
				 r->unlabelled_lists);
	}
	if (r->has_against)
		rc |= buf_printf(b, "\"lists_compared\": %zu, \"missing_lists\": %zu, ",
				 r->lists_compared, r->missing_lists);
	rc |= buf_printf(b, "\"bootstrap\": {\"resamples\": %zu, \"level\": 0.95, \"seed\": %lu}}\n",
			 resamples, EVAL_DEFAULT_SEED);
	return rc ? -1 : 0;
}

static int format_table(struct buf *b, const struct eval_result *r, size_t resamples)
{
	int rc = buf_printf(b, "%-12s %7s%s\n", "metric", "value",
			    resamples ? "   95% CI (bootstrap)" : "");

	for (size_t i = 0; i < r->nmetrics; i++) {
		const struct eval_metric *m = &r->metrics[i];

		rc |= buf_printf(b, "%-12s %7.4f", m->name, m->value);
		if (!isnan(m->ci_low))
			rc |= buf_printf(b, "   [%.4f, %.4f]", m->ci_low, m->ci_high);
		rc |= buf_addc(b, '\n');
	}
	rc |= buf_addc(b, '\n');
	if (r->has_labels)
		rc |= buf_printf(b, "queries %zu of %zu labelled stories (%zu without a relevant "
				    "story); coverage %.4f; lists without a label: %zu\n",
				 r->queries, r->labelled, r->skipped_no_relevant,
				 r->labelled ? (double)r->covered / (double)r->labelled : 0.0,
				 r->unlabelled_lists);
	if (r->has_against)
		rc |= buf_printf(b, "lists compared %zu; missing lists: %zu\n", r->lists_compared,
				 r->missing_lists);
	if (resamples)
		rc |= buf_printf(b, "intervals: %zu resamples of the queries, seed %lu\n",
				 resamples, EVAL_DEFAULT_SEED);
	return rc ? -1 : 0;
}

int cmd_eval(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "labels", required_argument, NULL, 'l' },
		{ "against", required_argument, NULL, 'a' },
		{ "k", required_argument, NULL, 'k' },
		{ "bootstrap", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *labels_path = NULL, *against_path = NULL;
	size_t ks[MAX_KS] = { 5, 10 }, nks = 2, resamples = 1000;
	int c, json = 0, status = EXIT_OK;
	struct strmap ids;
	struct eval_lists lists, other;
	struct eval_labels labels;
	struct eval_result result;
	struct error err;
	struct buf out = BUF_INIT;

	optind = 1;
	while ((c = getopt_long(argc, argv, "l:a:k:b:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'l': labels_path = optarg; break;
		case 'a': against_path = optarg; break;
		case 'k':
			if (parse_ks(optarg, ks, &nks))
				return EXIT_USAGE;
			break;
		case 'b':
			if (!strcmp(optarg, "0"))
				resamples = 0;
			else if (cmd_parse_count("--bootstrap", optarg, 1000000, &resamples))
				return EXIT_USAGE;
			break;
		case 'J': json = 1; break;
		case 'h': print_usage(stdout); return EXIT_OK;
		default: return EXIT_USAGE;
		}
	}
	if (!labels_path && !against_path) {
		log_error("give --labels LABELS or --against OTHER.jsonl; see 'related eval --help'");
		return EXIT_USAGE;
	}
	if (argc - optind != 1) {
		if (argc - optind)
			log_error("expected one RELATED.jsonl, got %d arguments", argc - optind);
		else
			log_error("no RELATED.jsonl given; see 'related eval --help'");
		return EXIT_USAGE;
	}

	strmap_init(&ids);
	eval_lists_init(&lists, &ids);
	eval_lists_init(&other, &ids);
	eval_labels_init(&labels, &ids);
	eval_result_init(&result);
	error_clear(&err);
	status = read_file(argv[optind], &lists, NULL);
	if (!status && labels_path)
		status = read_file(labels_path, NULL, &labels);
	if (!status && against_path)
		status = read_file(against_path, &other, NULL);
	if (!status && labels_path && eval_score_labels(&result, &labels, &lists, ks, nks, &err))
		status = EXIT_INTERNAL;
	if (!status && against_path && eval_score_against(&result, &lists, &other, ks, nks, &err))
		status = EXIT_INTERNAL;
	if (!status && eval_bootstrap(&result, resamples, EVAL_DEFAULT_SEED, 0.95, &err))
		status = EXIT_INTERNAL;
	if (status == EXIT_INTERNAL)
		log_error("%s", err.message[0] ? err.message : "out of memory");
	if (!status && (json ? format_json(&out, &result, resamples)
			     : format_table(&out, &result, resamples))) {
		log_error("out of memory");
		status = EXIT_INTERNAL;
	}
	if (!status && (fwrite(out.data, 1, out.len, stdout) != out.len || fflush(stdout))) {
		log_error("stdout: write failed");
		status = EXIT_OUTPUT;
	}
	buf_release(&out);
	eval_result_free(&result);
	eval_labels_free(&labels);
	eval_lists_free(&other);
	eval_lists_free(&lists);
	strmap_free(&ids);
	return status;
}
