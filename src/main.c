/*
 * related: news pages in, related-story lists out. main() picks the
 * subcommand; everything else lives in cmd_*.c and the stage modules.
 */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "log.h"

static const struct command {
	const char *name;
	int (*fn)(int, char **);
	const char *summary;
} commands[] = {
	{ "run", cmd_run, "extract, analyse, build the model, rank and write (the nightly job)" },
	{ "extract", cmd_extract, "print the article text and metadata of pages as JSON Lines" },
	{ "build", cmd_build, "extract and analyse inputs and save the model" },
	{ "recommend", cmd_recommend, "rank the stories of a saved model and write the lists" },
	{ "eval", cmd_eval, "score related lists against labels, editors' picks or other lists" },
	{ "review", cmd_review, "write the editors' review page (HTML) of a related.jsonl" },
	{ "query", cmd_query, "the list of a new story at publish time, and the lists it enters" },
	{ "explain", cmd_explain, "why two stories are related: score parts and shared terms (JSON)" },
	{ "count", cmd_count, "sharded: extract and count one shard of the inputs" },
	{ "merge", cmd_merge, "sharded: join the count parts into a model" },
	{ "concat", cmd_concat, "sharded: join recommend --shard parts into related.jsonl" },
};

static void print_usage(FILE *f)
{
	fputs("Usage: related COMMAND [OPTIONS] ...\n"
	      "\n"
	      "Finds, for every news story in an archive, the stories related to it.\n"
	      "\n"
	      "Commands:\n", f);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n'related COMMAND --help' describes a command's options.\n"
	      "  -h, --help     this help\n"
	      "  -V, --version  print the version\n", f);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		print_usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("related %s\n", RELATED_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			/* getopt names argv[0] in its messages: "related run:
			 * unrecognized option '--bogus'" rather than "run: ..." */
			char prog[64];
			snprintf(prog, sizeof prog, "related %s", commands[i].name);
			argv[1] = prog;
			return commands[i].fn(argc - 1, argv + 1);
		}
	log_error("unknown command '%s'; see 'related --help'", argv[1]);
	return EXIT_USAGE;
}
