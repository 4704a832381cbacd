/*
 * options: the option codes and defaults of the commands, in one place.
 *
 * Every long option without a short form has one code here, whichever
 * commands take it, so two commands never give one option two codes and
 * one code never means two options; getopt_long returns it. The codes
 * start at 256, clear of the short options (characters) and of '?' (63),
 * which getopt_long returns for an unknown option or a missing argument.
 *
 * The defaults commands and library entry points share (the semantic
 * blend weight is run's, query's and explain's) are defined here once;
 * help texts quote them through OPTIONS_STR, so what --help says is what
 * the code does.
 */
#ifndef RELATED_OPTIONS_H
#define RELATED_OPTIONS_H

/* Turns a default below into the text of a help line: OPTIONS_STR(
 * DEFAULT_TOP) is "10". */
#define OPTIONS_STR(x) OPTIONS_STR_(x)
#define OPTIONS_STR_(x) #x

#define DEFAULT_MODEL "models/related.model"
#define DEFAULT_TOP 10        /* items per story */
#define DEFAULT_SEMANTIC 0.5  /* blend weight of the latent cosine; see README
				 ("Measured") for the figures */
#define DEFAULT_DIMS 100      /* latent dimensions */
#define DEFAULT_LATENT_SAMPLE 100000 /* stories the latent basis is fitted on;
				      the rest folded in (semantic.h) */
#define DEFAULT_RERANK 100    /* TF-IDF candidates re-scored by the blend */

enum cmd_option {
	/* analysis and model (cmd.h: CMD_ANALYSIS_LONGOPTS) */
	CMD_OPT_TITLE_WEIGHT = 256,
	CMD_OPT_MIN_DF,
	CMD_OPT_LEAD_WEIGHT,
	CMD_OPT_MAX_DF,
	CMD_OPT_NO_STEM,
	CMD_OPT_NO_STOPWORDS,
	CMD_OPT_BIGRAMS,
	CMD_OPT_TF,
	CMD_OPT_NAMES,
	CMD_OPT_KEEP_BOILERPLATE,
	/* ranking and latent vectors */
	CMD_OPT_SEMANTIC,
	CMD_OPT_DIMS,
	CMD_OPT_NO_LATENT,
	CMD_OPT_LATENT_SAMPLE,
	CMD_OPT_RERANK,
	CMD_OPT_EXACT,
	CMD_OPT_APPROXIMATE,
	/* policy */
	CMD_OPT_MIN_SCORE,
	CMD_OPT_DUPLICATE,
	CMD_OPT_ANY_LANGUAGE,
	CMD_OPT_MAX_AGE,
	CMD_OPT_HALF_LIFE,
	CMD_OPT_MIN_RELATIVE,
	CMD_OPT_SECTION_CAP,
	CMD_OPT_NO_FALLBACK,
	CMD_OPT_CUTOFF,
	CMD_OPT_NO_CUTOFF,
	CMD_OPT_FILL,
	CMD_OPT_OVERRIDES,
	CMD_OPT_EXPLAIN,
	/* output and the run */
	CMD_OPT_PER_STORY,
	CMD_OPT_KEEP,
	CMD_OPT_STRICT,
	/* sharded runs (shard.h) */
	CMD_OPT_SHARD,
	CMD_OPT_PARAGRAPHS,
	CMD_OPT_BOILERPLATE,
	CMD_OPT_COUNTS,
	/* query and explain */
	CMD_OPT_LISTS,
	CMD_OPT_UPDATE,
	CMD_OPT_TERMS,
	CMD_OPT_ID,
	CMD_OPT_URL,
};

#endif
