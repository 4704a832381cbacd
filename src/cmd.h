/*
 * cmd: the subcommands and what they share. Each cmd_<name>() parses its
 * own options with getopt_long, calls the pipeline and returns the process
 * exit status; only commands print to the user.
 */
#ifndef RELATED_CMD_H
#define RELATED_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "input.h"
#include "options.h" /* option codes and defaults */
#include "policy.h"

/* Exit statuses (documented in the README). */
enum {
	EXIT_OK = 0,
	EXIT_SKIPPED = 1,  /* output written, but some inputs were skipped */
	EXIT_USAGE = 2,    /* bad command line */
	EXIT_INPUT = 3,    /* input unreadable: missing, or nothing usable */
	EXIT_OUTPUT = 4,   /* output or model could not be written, or locked */
	EXIT_INTERNAL = 5, /* out of memory, threads, bugs */
	EXIT_SIGNAL = 128  /* + signal number: stopped by SIGINT/SIGTERM */
};

#define RELATED_VERSION "0.1.0"

int cmd_run(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_build(int argc, char **argv);
int cmd_recommend(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_count(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_concat(int argc, char **argv);

/* `recommend --shard SPEC`: ranks shard SPEC's stories of m and writes
 * their lines to the file `out` (shard.h); returns the exit status. */
struct model;
struct rank_options;
struct policy_options;
int cmd_recommend_shard(const char *spec, const struct model *m,
			const struct rank_options *ro, const struct policy_options *po,
			const char *out, const char *generated_at);

/* Parses a positive integer option value; prints a usage error naming the
 * option and returns -1 when it is not one. */
int cmd_parse_count(const char *opt, const char *value, size_t max, size_t *out);

/* Collects the inputs named by args into set (sorted, duplicates skipped).
 * Prints the problem and returns an exit status on failure, 0 on success. */
int cmd_collect_inputs(char **args, int nargs, struct input_set *set);

/* Parses a real number from 0 to max for option `opt`; prints a usage
 * error and sets *bad when it is not one. */
double cmd_parse_number(const char *opt, const char *value, double max, int *bad);

/* The options that shape analysis and the model, shared by `run`, `build`
 * and `count` so that a sharded model records exactly what a single run's
 * does. CMD_ANALYSIS_LONGOPTS goes into a getopt_long table; each code
 * getopt returns goes through cmd_analysis_option() first, and
 * cmd_analysis_finish() copies what the model records. */
#define CMD_ANALYSIS_LONGOPTS                                                    \
	{ "title-weight", required_argument, NULL, CMD_OPT_TITLE_WEIGHT },       \
	{ "min-df", required_argument, NULL, CMD_OPT_MIN_DF },                   \
	{ "lead-weight", required_argument, NULL, CMD_OPT_LEAD_WEIGHT },         \
	{ "max-df", required_argument, NULL, CMD_OPT_MAX_DF },                   \
	{ "no-stem", no_argument, NULL, CMD_OPT_NO_STEM },                       \
	{ "no-stopwords", no_argument, NULL, CMD_OPT_NO_STOPWORDS },             \
	{ "bigrams", required_argument, NULL, CMD_OPT_BIGRAMS },                 \
	{ "tf", required_argument, NULL, CMD_OPT_TF },                           \
	{ "names", required_argument, NULL, CMD_OPT_NAMES }

struct analyze_options;
struct model_params;

/* Handles getopt code `code` (argument `arg`) when it is an analysis
 * option: returns 1 (handled; *bad set on a bad value) or 0 (not one). */
int cmd_analysis_option(int code, const char *arg, struct analyze_options *ao,
			struct model_params *mp, int *bad);
/* Copies the analysis options the model records into mp. */
void cmd_analysis_finish(const struct analyze_options *ao, struct model_params *mp);

/* The options that shape the lists, shared by `run`/`recommend` and
 * `query`, so that a query parses what a run parses, with the same
 * defaults, and gives the list the run gives (query.h). CMD_LIST_LONGOPTS
 * goes into a getopt_long table (with "n:j:" among the short options);
 * each code getopt returns goes through cmd_list_option() first.
 * cmd_list_usage() prints their help lines. */

struct cmd_list_options {
	struct policy_options policy; /* top, cutoff, fill, min-score, ... and
					 the blend weight (policy.semantic) */
	size_t jobs;                  /* -j (default: all cores) */
	size_t rerank;                /* default DEFAULT_RERANK */
	int approximate;              /* -1 by cost (default), else enum rank_mode */
	const char *overrides_path;   /* --overrides, or NULL */
};

#define CMD_LIST_LONGOPTS                                                        \
	{ "top", required_argument, NULL, 'n' },                                 \
	{ "jobs", required_argument, NULL, 'j' },                                \
	{ "min-score", required_argument, NULL, CMD_OPT_MIN_SCORE },             \
	{ "duplicate", required_argument, NULL, CMD_OPT_DUPLICATE },             \
	{ "any-language", no_argument, NULL, CMD_OPT_ANY_LANGUAGE },             \
	{ "semantic", required_argument, NULL, CMD_OPT_SEMANTIC },               \
	{ "rerank", required_argument, NULL, CMD_OPT_RERANK },                   \
	{ "exact", no_argument, NULL, CMD_OPT_EXACT },                           \
	{ "approximate", no_argument, NULL, CMD_OPT_APPROXIMATE },               \
	{ "max-age", required_argument, NULL, CMD_OPT_MAX_AGE },                 \
	{ "half-life", required_argument, NULL, CMD_OPT_HALF_LIFE },             \
	{ "min-relative", required_argument, NULL, CMD_OPT_MIN_RELATIVE },       \
	{ "section-cap", required_argument, NULL, CMD_OPT_SECTION_CAP },         \
	{ "no-fallback", no_argument, NULL, CMD_OPT_NO_FALLBACK },               \
	{ "cutoff", required_argument, NULL, CMD_OPT_CUTOFF },                   \
	{ "no-cutoff", no_argument, NULL, CMD_OPT_NO_CUTOFF },                   \
	{ "fill", required_argument, NULL, CMD_OPT_FILL },                       \
	{ "overrides", required_argument, NULL, CMD_OPT_OVERRIDES },             \
	{ "explain", no_argument, NULL, CMD_OPT_EXPLAIN }

/* The defaults: policy_options_default(), DEFAULT_SEMANTIC, DEFAULT_RERANK,
 * pipeline_default_jobs() threads, exact or approximate by cost (rank.h). */
void cmd_list_defaults(struct cmd_list_options *o);
/* Handles getopt code `code` (argument `arg`) when it is a list option:
 * returns 1 (handled; *bad set and the problem printed on a bad value) or
 * 0 (not one). */
int cmd_list_option(int code, const char *arg, struct cmd_list_options *o, int *bad);
/* Whether getopt code `code` is one of the list options. */
int cmd_is_list_option(int code);
/* Prints the help lines of the list options but -j (whose meaning each
 * command words itself). */
void cmd_list_usage(FILE *f);

/* Makes SIGINT, SIGTERM and SIGHUP set pipeline_stop (pipeline.h) instead
 * of killing the process, so that a run stops between steps, writes
 * nothing half-done and releases its lock. */
void cmd_catch_signals(void);

/* Prints each skipped input as a warning on stderr, at most
 * CMD_MAX_WARNINGS of them, then how many more there are. */
#define CMD_MAX_WARNINGS 50
void cmd_warn_skipped(const struct skip_list *skipped, size_t from);

#endif
