/*
 * pipeline: threads over stories (parallel.h); each result lands in its
 * own slot, so results never depend on which thread did the work.
 */
#include "pipeline.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bigmem.h"
#include "boilerplate.h"
#include "buf.h"
#include "charset.h"
#include "extract.h"
#include "fsutil.h"
#include "pageout.h"
#include "parallel.h"
#include "plaintext.h"
#include "progress.h"
#include "publish.h"
#include "read.h"
#include "semantic.h"

#define LOAD_CHUNK 4
#define ANALYZE_BLOCK 1024

int pipeline_default_jobs(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		article_clear(&c->articles[i]);
	free(c->articles);
	free(c->text_ref);
	memset(c, 0, sizeof *c);
}

/* ---- loading ---- */

struct load_ctx {
	struct input_set *set;
	size_t read_limit;
	char **reason; /* per item: NULL = ok */
	int *oom;
};

static void guess_lang(struct article *a)
{
	char code[8];
	const char *g;

	if (a->lang && analyze_lang_code(a->lang, code, sizeof code)) {
		if (strcmp(a->lang, code))
			article_set(&a->lang, code);
		return;
	}
	g = analyze_guess_article_lang(a->title, a->text);
	article_set(&a->lang, g);
}

static void load_one(void *arg, int worker, size_t i)
{
	struct load_ctx *ctx = arg;
	struct input_item *it = &ctx->set->items[i];
	struct article *a = &it->article;
	struct buf raw = BUF_INIT, text = BUF_INIT;
	struct charset_result cs;
	struct error err;

	(void)worker;
	error_clear(&err);
	if (!it->path) {
		int deferred = it->text_ref.source != INPUT_TEXT_HERE;
		int has_text = deferred ? it->has_text : a->text && *a->text;
		if (!has_text && (!a->title || !*a->title))
			error_set(&err, NULL, "article has no text");
		else if (!deferred)
			guess_lang(a);
		goto out;
	}
	if (read_file(it->path, ctx->read_limit, &raw, &err))
		goto out;
	if (raw.len == 0 || strspn(raw.data, " \t\r\n\f\v") == raw.len) {
		error_set(&err, NULL, "empty page");
		goto out;
	}
	if (charset_to_utf8(raw.data, raw.len, it->charset, &text, &cs, &err))
		goto out;
	buf_release(&raw);
	if (article_set(&a->charset, cs.name)) {
		error_set(&err, NULL, "out of memory");
		goto out;
	}
	if (!plaintext_is_html(text.data, text.len)) {
		/* A story saved as text: read as a page of paragraphs. */
		struct buf html = BUF_INIT;
		int rc = plaintext_to_html(text.data, text.len, &html);
		if (!rc)
			rc = extract_article(html.data, html.len, it->name, a, &err);
		buf_release(&html);
		if (rc) {
			if (!err.message[0])
				error_set(&err, NULL, "out of memory");
			goto out;
		}
		if (article_list_add(&a->warnings, "not-html", 8)) {
			error_set(&err, NULL, "out of memory");
			goto out;
		}
	} else if (extract_article(text.data, text.len, it->name, a, &err)) {
		goto out;
	}
	guess_lang(a);
out:
	buf_release(&raw);
	buf_release(&text);
	if (err.message[0]) {
		/* Messages from stages may start with the input's name already. */
		const char *msg = err.message;
		size_t nl = strlen(it->name);
		if (!strncmp(msg, it->name, nl) && !strncmp(msg + nl, ": ", 2))
			msg += nl + 2;
		ctx->reason[i] = strdup(msg);
		if (!ctx->reason[i])
			*ctx->oom = 1;
	}
}

/* Whether a warnings list (article.h) says more than "not-html", which
 * is a note, not a failure. */
static int has_failure_warning(const char *w)
{
	return w && *w && strcmp(w, "not-html") != 0;
}

int pipeline_load(struct input_set *set, int jobs, size_t read_limit,
		  int keep_boilerplate, struct corpus *out,
		  struct skip_list *skipped, struct error *err)
{
	int oom = 0;
	struct load_ctx ctx = { set, read_limit, NULL, &oom };
	/* per article kept: its item and its text's length as extracted */
	struct { size_t item, len; } *from;

	memset(out, 0, sizeof *out);
	ctx.reason = calloc(set->n ? set->n : 1, sizeof *ctx.reason);
	out->articles = calloc(set->n ? set->n : 1, sizeof *out->articles);
	from = calloc(set->n ? set->n : 1, sizeof *from);
	if (set->n_sources)
		out->text_ref = malloc((set->n ? set->n : 1) * sizeof *out->text_ref);
	if (!ctx.reason || !out->articles || !from || (set->n_sources && !out->text_ref)) {
		free(from);
		free(ctx.reason);
		free(out->articles);
		free(out->text_ref);
		out->articles = NULL;
		out->text_ref = NULL;
		return error_set(err, NULL, "out of memory");
	}
	out->sources = set->sources;
	out->n_sources = set->n_sources;
	progress_begin("extract", set->n);
	parallel_for(jobs, set->n, LOAD_CHUNK, load_one, &ctx);
	progress_end();
	if (pipeline_stop) {
		for (size_t i = 0; i < set->n; i++)
			free(ctx.reason[i]);
		free(ctx.reason);
		free(from);
		free(out->articles);
		free(out->text_ref);
		out->articles = NULL;
		out->text_ref = NULL;
		return error_set(err, NULL, "interrupted");
	}
	for (size_t i = 0; i < set->n; i++) {
		if (ctx.reason[i]) {
			if (skip_list_add(skipped, set->items[i].name, ctx.reason[i]))
				oom = 1;
			free(ctx.reason[i]);
			continue;
		}
		from[out->n].item = i;
		from[out->n].len = set->items[i].article.text ? strlen(set->items[i].article.text) : 0;
		if (out->text_ref)
			out->text_ref[out->n] = set->items[i].text_ref;
		out->articles[out->n++] = set->items[i].article;
		memset(&set->items[i].article, 0, sizeof set->items[i].article);
	}
	free(ctx.reason);
	if (!oom && !keep_boilerplate) {
		long removed = boilerplate_remove(out->articles, out->n,
						  BOILERPLATE_MIN_PAGES);
		oom = removed < 0;
		out->boilerplate_removed = removed < 0 ? 0 : (size_t)removed;
	}
	/* the warnings speak of the text as finally used */
	for (size_t k = 0; !oom && k < out->n; k++) {
		struct article *a = &out->articles[k];
		extract_recheck_text(a, from[k].len);
		if (has_failure_warning(a->warnings) &&
		    skip_list_add(&set->warned, set->items[from[k].item].name, a->warnings))
			oom = 1;
	}
	free(from);
	return oom ? error_set(err, NULL, "out of memory") : 0;
}

/* ---- analysis and model ---- */

/* One block of stories under analysis. view[i] is story base + i as the
 * analyser and the model see it: the corpus's article (a shallow copy),
 * with a deferred text read back (owned by the block, freed after it) and
 * the language code in lang[i]. */
struct block {
	struct bag *bags;            /* one per story of the block */
	struct article *view;        /* one per story of the block */
	char (*lang)[8];             /* one per story of the block */
	uint16_t (*sig)[ANALYZE_LEAD_SLOTS]; /* one per story: its lead's signature */
	uint32_t (*nums)[NUMBERS_SLOTS];     /* one per story: its number signature */
	unsigned char *unreadable;   /* one per story: its deferred text was not read */
	size_t base, n, cap;
};

/* What the analysis threads of one block share. */
struct analyze_ctx {
	const struct corpus *c;
	const struct analyze_options *opts;
	struct analyzer **analyzers; /* one per worker (parallel.h), kept across blocks */
	struct block *blk;
	const int *fds;              /* per source, open on corpus sources */
	atomic_int *oom;
};

/* The language a story is analysed in: its own tag normalised, else a
 * guess from its text (as guess_lang() does at load time). */
static void story_lang(const struct article *a, char code[8])
{
	const char *g;

	if (a->lang && analyze_lang_code(a->lang, code, 8))
		return;
	g = analyze_guess_lang(a->text);
	code[0] = '\0';
	if (g)
		snprintf(code, 8, "%s", g);
}

/* Fills view[i] for story base + i; -1 when its deferred text cannot be
 * read (the reason is found again, in order, by the caller). */
static int view_story(struct analyze_ctx *ctx, size_t i)
{
	const struct corpus *c = ctx->c;
	struct block *blk = ctx->blk;
	size_t d = blk->base + i;
	struct article *v = &blk->view[i];
	const struct input_text_ref *ref = c->text_ref ? &c->text_ref[d] : NULL;
	struct error e;

	*v = c->articles[d];
	if (!ref || ref->source == INPUT_TEXT_HERE)
		return 0;
	error_clear(&e);
	if (input_read_text(ctx->fds[ref->source], c->sources[ref->source], ref,
			    v->id, &v->text, &e))
		return -1;
	story_lang(v, blk->lang[i]);
	v->lang = blk->lang[i][0] ? blk->lang[i] : NULL;
	return 0;
}

static void analyze_one(void *arg, int worker, size_t i)
{
	struct analyze_ctx *ctx = arg;
	struct analyzer *an = ctx->analyzers[worker];
	struct block *blk = ctx->blk;

	if (!an && !(an = ctx->analyzers[worker] = analyzer_new(ctx->opts))) {
		atomic_store(ctx->oom, 1);
		return;
	}
	if (view_story(ctx, i)) {
		blk->unreadable[i] = 1;
		return;
	}
	if (analyze_article(an, &blk->view[i], &blk->bags[i]))
		atomic_store(ctx->oom, 1);
	/* here on the workers, not in fn: at a million stories the
	 * signatures took about 100 s of the single thread that builds (the
	 * number signature was a tenth of a real-text run's feeding thread) */
	analyze_lead_signature(blk->view[i].text, blk->sig[i]);
	numbers_signature(blk->view[i].title, blk->view[i].text, blk->nums[i]);
}

/* Frees the texts read back for the block's stories. */
static void release_views(const struct corpus *c, struct block *blk)
{
	for (size_t i = 0; i < blk->n; i++) {
		const struct input_text_ref *ref =
			c->text_ref ? &c->text_ref[blk->base + i] : NULL;
		if (ref && ref->source != INPUT_TEXT_HERE)
			free(blk->view[i].text);
		blk->view[i].text = NULL;
	}
}

/* The message for the first story of the block whose text could not be
 * read back, found again in order so that it does not depend on threads. */
static int unreadable_error(const struct corpus *c, const int *fds, const struct block *blk,
			    struct error *err)
{
	for (size_t i = 0; i < blk->n; i++) {
		const struct input_text_ref *ref = &c->text_ref[blk->base + i];
		char *text = NULL;
		if (!blk->unreadable[i])
			continue;
		if (input_read_text(fds[ref->source], c->sources[ref->source],
				    ref, c->articles[blk->base + i].id, &text, err)) {
			return -1;
		}
		free(text);
		return error_set(err, c->sources[ref->source], "read error");
	}
	return 0;
}

static int block_alloc(struct block *blk, size_t cap)
{
	memset(blk, 0, sizeof *blk);
	blk->bags = calloc(cap, sizeof *blk->bags);
	blk->view = calloc(cap, sizeof *blk->view);
	blk->lang = calloc(cap, sizeof *blk->lang);
	blk->sig = calloc(cap, sizeof *blk->sig);
	blk->nums = calloc(cap, sizeof *blk->nums);
	blk->unreadable = calloc(cap, 1);
	if (blk->bags)
		for (size_t i = 0; i < cap; i++)
			bag_init(&blk->bags[i]);
	blk->cap = blk->bags ? cap : 0;
	return blk->bags && blk->view && blk->lang && blk->sig && blk->nums && blk->unreadable
		       ? 0 : -1;
}

static void block_free(struct block *blk)
{
	for (size_t i = 0; i < blk->cap; i++)
		bag_free(&blk->bags[i]);
	free(blk->bags);
	free(blk->view);
	free(blk->lang);
	free(blk->sig);
	free(blk->nums);
	free(blk->unreadable);
}

/* Blocks under analysis or waiting for fn: block k + 1 and k + 2 can be
 * analysed while block k still goes to fn. */
#define FEED_BLOCKS 3

/* Hands analysed blocks to fn, in order and story by story in id order,
 * then frees their texts read back and, with `release`, clears their
 * articles. One thread of its own (feed_main()) takes the blocks as the
 * analysis posts them (feed_post()), so the analysis of the next blocks
 * does not wait for fn unless it is FEED_BLOCKS - 1 blocks behind. */
struct feeder {
	const struct corpus *c;
	struct corpus *release;
	pipeline_story_fn fn;
	void *arg;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct block *queue[FEED_BLOCKS];
	size_t posted, fed;         /* blocks posted, and handed to fn */
	int closed;                 /* no more blocks come */
	int failed;                 /* rc, told under mu */
	int rc;                     /* fn's first failure, in err */
	struct error err;
};

/* Block blk to fn (nothing more after a failure of fn), then its texts
 * freed and, with release, its articles cleared. */
static void feed_block(struct feeder *f, struct block *blk)
{
	for (size_t i = 0; i < blk->n && !f->rc; i++)
		f->rc = f->fn(f->arg, &blk->view[i], &blk->bags[i], blk->sig[i], blk->nums[i],
			      &f->err);
	release_views(f->c, blk);
	if (f->release)
		for (size_t i = 0; i < blk->n; i++)
			article_clear(&f->release->articles[blk->base + i]);
}

static void *feed_main(void *arg)
{
	struct feeder *f = arg;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		struct block *blk;
		while (f->fed == f->posted && !f->closed)
			pthread_cond_wait(&f->cv, &f->mu);
		if (f->fed == f->posted)
			break;
		blk = f->queue[f->fed % FEED_BLOCKS];
		pthread_mutex_unlock(&f->mu);
		feed_block(f, blk); /* f->rc and f->err: this thread's until joined */
		pthread_mutex_lock(&f->mu);
		f->fed++;
		f->failed = f->rc;
		pthread_cond_broadcast(&f->cv);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Waits until at most `behind` posted blocks are still to go to fn; -1
 * when fn has failed. */
static int feed_wait(struct feeder *f, size_t behind)
{
	int rc;

	pthread_mutex_lock(&f->mu);
	while (f->posted - f->fed > behind)
		pthread_cond_wait(&f->cv, &f->mu);
	rc = f->failed ? -1 : 0;
	pthread_mutex_unlock(&f->mu);
	return rc;
}

static void feed_post(struct feeder *f, struct block *blk)
{
	pthread_mutex_lock(&f->mu);
	f->queue[f->posted % FEED_BLOCKS] = blk;
	f->posted++;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

static void feed_close(struct feeder *f)
{
	pthread_mutex_lock(&f->mu);
	f->closed = 1;
	pthread_cond_broadcast(&f->cv);
	pthread_mutex_unlock(&f->mu);
}

/* pipeline_analyze(), and with `release` (NULL or the same corpus as `c`)
 * the articles cleared block by block after fn has seen them. Blocks are
 * analysed on the `jobs` threads while earlier ones go to fn on one more
 * (struct feeder): fn (the model builder: the vocabulary, one story after
 * another) was the serial part of the stage, and with one block ahead only
 * the analysis waited for it (4.6 ms after the second block on real text:
 * the first block's vocabulary is nearly all new). fn still sees every
 * story in id order, from one thread at a time, so what it builds does not
 * depend on threads. */
static int analyze_blocks(const struct corpus *c, struct corpus *release,
			  const struct analyze_options *ao, int jobs,
			  pipeline_story_fn fn, void *arg, struct error *err)
{
	size_t block = c->n < ANALYZE_BLOCK ? (c->n ? c->n : 1) : ANALYZE_BLOCK;
	struct block blk[FEED_BLOCKS];
	int *fds = calloc(c->n_sources ? c->n_sources : 1, sizeof *fds);
	/* one analyzer per worker for the whole corpus: its word caches
	 * (analyze.h) carry over from block to block */
	struct analyzer **analyzers = calloc(PARALLEL_MAX_JOBS, sizeof *analyzers);
	struct feeder feed = { .c = c, .release = release, .fn = fn, .arg = arg };
	pthread_t feeder;
	int feeding, bad = 0;
	atomic_int oom = 0;
	int rc = 0;
	size_t k = 0;

	for (int i = 0; i < FEED_BLOCKS; i++)
		bad |= block_alloc(&blk[i], block);
	if (bad || !fds || !analyzers) {
		for (int i = 0; i < FEED_BLOCKS; i++)
			block_free(&blk[i]);
		free(fds);
		free(analyzers);
		return error_set(err, NULL, "out of memory");
	}
	error_clear(&feed.err);
	pthread_mutex_init(&feed.mu, NULL);
	pthread_cond_init(&feed.cv, NULL);
	/* no thread: each block goes to fn in turn after its analysis */
	feeding = !pthread_create(&feeder, NULL, feed_main, &feed);
	for (size_t s = 0; s < c->n_sources; s++)
		fds[s] = -1;
	for (size_t s = 0; s < c->n_sources && !rc; s++) {
		fds[s] = open(c->sources[s], O_RDONLY | O_CLOEXEC);
		if (fds[s] < 0)
			rc = error_set(err, c->sources[s], "cannot open again: %s",
				       strerror(errno));
	}
	progress_begin("analyze", c->n);
	for (size_t base = 0; base < c->n && !rc; base += block, k++) {
		struct block *b = &blk[k % FEED_BLOCKS];
		struct analyze_ctx ctx = { .c = c, .opts = ao, .analyzers = analyzers,
					   .blk = b, .fds = fds, .oom = &oom };
		if (feeding && feed_wait(&feed, FEED_BLOCKS - 1)) /* b's last block gone to fn */
			break; /* fn failed: its error below */
		b->base = base;
		b->n = c->n - base < block ? c->n - base : block;
		memset(b->unreadable, 0, b->n);
		parallel_for(jobs, b->n, 16, analyze_one, &ctx);
		if (pipeline_stop)
			oom = 1;
		if (memchr(b->unreadable, 1, b->n) && !oom)
			rc = unreadable_error(c, fds, b, err);
		else if (oom)
			rc = pipeline_stop ? error_set(err, NULL, "interrupted")
					   : error_set(err, NULL, "out of memory while analysing");
		if (rc) {
			release_views(c, b);
			break;
		}
		if (feeding)
			feed_post(&feed, b);
		else if (feed_block(&feed, b), feed.rc)
			break;
	}
	if (feeding) {
		feed_close(&feed);
		pthread_join(feeder, NULL);
	}
	if (feed.rc) { /* fn failed on an earlier block than any analysis did */
		*err = feed.err;
		rc = -1;
	}
	pthread_cond_destroy(&feed.cv);
	pthread_mutex_destroy(&feed.mu);
	progress_end();
	for (int j = 0; j < PARALLEL_MAX_JOBS; j++)
		analyzer_free(analyzers[j]);
	free(analyzers);
	for (size_t s = 0; s < c->n_sources; s++)
		if (fds[s] >= 0)
			close(fds[s]);
	for (int i = 0; i < FEED_BLOCKS; i++)
		block_free(&blk[i]);
	free(fds);
	return rc ? -1 : 0;
}

int pipeline_analyze(const struct corpus *c, const struct analyze_options *ao, int jobs,
		     pipeline_story_fn fn, void *arg, struct error *err)
{
	return analyze_blocks(c, NULL, ao, jobs, fn, arg, err);
}

static int builder_add(void *arg, const struct article *a, const struct bag *b,
		       const uint16_t *lead_sig, const uint32_t *nums, struct error *err)
{
	return model_builder_add_numbered(arg, a, b, lead_sig, nums, err);
}

/* Returns the heap's free pages to the system (glibc keeps what the
 * analysis threads freed in their arenas: the stage's bags, texts, word
 * caches and the builder's pairs), so that the next stage starts from what
 * is in use: when they are many (bigmem_trim()), else the next stage
 * reuses them. */
static void give_back_memory(void)
{
	(void)bigmem_trim(BIGMEM_TRIM_FROM);
}

/* The latent stage's seed (semantic.h): one for every run. */
#define LATENT_SEED 42

/* What the latent stage will be asked for, known before the model is
 * built: its test matrix is drawn while the model is finished. */
struct latent_ahead {
	uint32_t dim;               /* 0: no latent stage */
	size_t fit_stories;
	struct semantic_draw **draw; /* gets the draw, or NULL */
};

/* pipeline_build() and pipeline_build_release(): `release` is NULL or the
 * same corpus as `c`, whose articles are then cleared block by block; with
 * `ahead`, the latent stage's test matrix starts on a thread of its own
 * once the stories are analysed (the model's finish leaves a core about
 * half idle, the draw was serial in the latent stage). */
static int build(const struct corpus *c, struct corpus *release,
		 const struct analyze_options *ao, const struct model_params *mp,
		 int jobs, const struct latent_ahead *ahead, struct model *m, struct error *err)
{
	struct model_builder *b = model_builder_new();
	int rc;

	if (!b)
		return error_set(err, NULL, "out of memory");
	model_builder_set_jobs(b, jobs);
	if (analyze_blocks(c, release, ao, jobs, builder_add, b, err)) {
		model_builder_free(b);
		return -1;
	}
	give_back_memory(); /* the finished vectors come on top of what is resident */
	if (ahead && ahead->dim && jobs > 1)
		*ahead->draw = semantic_draw_start(c->n, ahead->dim, LATENT_SEED,
						   ahead->fit_stories);
	rc = model_builder_finish(b, mp, m, err);
	give_back_memory();
	if (rc && ahead) {
		semantic_draw_free(*ahead->draw);
		*ahead->draw = NULL;
	}
	return rc;
}

int pipeline_build(const struct corpus *c, const struct analyze_options *ao,
		   const struct model_params *mp, int jobs, struct model *m,
		   struct error *err)
{
	return build(c, NULL, ao, mp, jobs, NULL, m, err);
}

int pipeline_build_release(struct corpus *c, const struct analyze_options *ao,
			   const struct model_params *mp, int jobs, struct model *m,
			   struct error *err)
{
	return build(c, c, ao, mp, jobs, NULL, m, err);
}

int pipeline_build_release_drawing(struct corpus *c, const struct analyze_options *ao,
				   const struct model_params *mp, int jobs, uint32_t dim,
				   size_t fit_stories, struct model *m,
				   struct semantic_draw **draw, struct error *err)
{
	struct latent_ahead ahead = { dim, fit_stories, draw };

	*draw = NULL;
	return build(c, c, ao, mp, jobs, &ahead, m, err);
}

/* Adds what the policy did to the lists of stories [begin, end) to r's
 * counts: empty lists, near-duplicates dropped, lists with fallback items,
 * lists the cutoff shortened, twins dropped. */
static void count_lists(const struct related_lists *l, size_t begin, size_t end,
			struct report *r)
{
	for (size_t d = begin; d < end; d++) {
		const struct related_item *it = l->items + d * l->top;
		int fallback = 0;
		for (uint32_t i = 0; i < l->count[d]; i++)
			fallback |= !strcmp(it[i].origin, "fallback");
		r->empty_lists += l->count[d] == 0;
		r->duplicates += l->dup_count[d];
		r->fallback_lists += fallback;
		r->shortened_lists += l->shortened_of[d];
		r->twins += l->twin_count[d];
	}
}

/* The policy's part that reads the model alone (policy_prepare()), made on
 * a thread of its own while the stories are ranked: the ranking's set-up
 * leaves a core idle for about 20 ms on real text, and the titles' words
 * and the leads' names (utf8proc) were the policy stage's serial-looking
 * start. */
struct prep_thread {
	const struct model *m;
	struct policy_options o;
	struct policy_prep *prep; /* NULL: none made (policy_apply() makes it) */
	pthread_t th;
	int running;
};

static void *prep_main(void *arg)
{
	struct prep_thread *p = arg;

	if (policy_prepare(p->m, &p->o, &p->prep))
		p->prep = NULL;
	return NULL;
}

/* Starts the policy's preparation beside the caller: one thread (the
 * ranking has the others), the same result for any thread count; none
 * with one job, which asks for one thread. */
static void prep_start(struct prep_thread *p, const struct model *m,
		       const struct policy_options *po, int jobs)
{
	memset(p, 0, sizeof *p);
	p->m = m;
	p->o = *po;
	p->o.jobs = 1;
	p->running = jobs > 1 && !pthread_create(&p->th, NULL, prep_main, p);
}

/* Waits for it: its result, or NULL. */
static struct policy_prep *prep_join(struct prep_thread *p)
{
	if (p->running)
		pthread_join(p->th, NULL);
	p->running = 0;
	return p->prep;
}

/* The ranking's set-up hook (rank_options.set_up) of a run: once the
 * ranking is planned, waits for the policy's preparation and pages out
 * the model's side arrays (model_side_arrays(): strings, fields, lead and
 * number signatures) into the output folder while the postings are built
 * and the threads rank. */
struct side_out {
	const struct model *m;
	const char *dir;
	struct prep_thread *pt;
	struct pageout po;
};

static void side_out_begin(void *arg)
{
	struct side_out *s = arg;
	void *at[MODEL_SIDE_ARRAYS];
	size_t len[MODEL_SIDE_ARRAYS], n = model_side_arrays(s->m, at, len);

	/* below PAGEOUT_FROM (real text 2.2 MB, realistic 20,000 11 MB,
	 * default synthetic 200,000 106 MB, a million 530 MB) nothing waits */
	if (!pageout_worth(len, n))
		return;
	(void)prep_join(s->pt);
	pageout_begin(&s->po, s->dir, at, len, n);
}

/* Ranks the stories of ro (rank_all()) while the policy is prepared
 * beside it, the model's side arrays paged out into `dir` (NULL: kept)
 * once it is planned (side_out_begin()); *prep gets the preparation, or
 * NULL. */
static int rank_and_prepare(const struct model *m, const struct rank_options *ro,
			    const struct policy_options *po, const char *dir,
			    struct rank_lists *cand, struct policy_prep **prep, struct error *err)
{
	struct prep_thread pt;
	struct side_out so = { m, dir, &pt, { .fd = -1 } };
	struct rank_options o = *ro;
	int rc;

	o.set_up = side_out_begin;
	o.set_up_arg = &so;
	prep_start(&pt, m, po, ro->jobs);
	rc = rank_all(m, &o, cand, err);
	*prep = prep_join(&pt);
	if (so.po.bytes)
		give_back_memory(); /* the postings' pages, before the policy's */
	if (pageout_end(&so.po, err) && !rc) {
		rank_lists_free(cand);
		rc = -1;
	}
	if (rc) {
		policy_prep_free(*prep);
		*prep = NULL;
	}
	return rc;
}

/* The policy on the ranking's candidates (freed here) and the lists
 * written, with the stages reported from *t0 on; with `trim`, the heap's
 * free pages given back between the two (a large run's). */
static int policy_and_write(const struct model *m, struct rank_lists *cand,
			    const struct policy_options *pj, struct policy_prep *prep,
			    const char *outdir, const struct publish_options *pub, int trim,
			    struct report *r, double *t0, struct error *err)
{
	struct related_lists lists;
	int rc = policy_apply_prepared(m, cand, pj, prep, &lists, err);

	policy_prep_free(prep);
	rank_lists_free(cand);
	if (trim)
		give_back_memory(); /* the policy's work, before the write's */
	if (rc)
		return -1;
	report_stage(r, "policy", t0);
	r->stories = m->n_docs;
	r->terms = m->n_terms;
	count_lists(&lists, 0, m->n_docs, r);
	rc = pipeline_stop ? error_set(err, NULL, "interrupted")
			   : output_write_related(outdir, m, &lists, r->generated_at, pj->jobs,
						  err);
	if (!rc && pub && pub->per_story) {
		struct skip_list unnamed = { 0 };
		report_stage(r, "write", t0);
		rc = publish_run(outdir, m, &lists, r->generated_at, pub, &unnamed, err);
		for (size_t i = 0; i < unnamed.n; i++)
			log_warn("%s: %s", unnamed.items[i].input, unnamed.items[i].reason);
		skip_list_free(&unnamed);
		related_lists_free(&lists);
		report_stage(r, "publish", t0);
		return rc;
	}
	related_lists_free(&lists);
	report_stage(r, "write", t0);
	return rc;
}

int pipeline_recommend(const struct model *m, const struct rank_options *ro,
		       const struct policy_options *po, const char *outdir,
		       const struct publish_options *pub, struct report *r,
		       struct error *err)
{
	struct rank_lists cand;
	struct policy_options pj = *po;
	struct policy_prep *prep;
	struct pageout lat;
	void *at = NULL;
	size_t len = 0, n;
	double t0 = output_now();
	int rc;

	pj.jobs = ro->jobs; /* the policy on the ranking's threads */
	progress_begin("rank", m->n_docs);
	rc = rank_and_prepare(m, ro, &pj, outdir, &cand, &prep, err);
	progress_end();
	if (rc)
		return -1;
	report_stage(r, "rank", &t0);
	r->ranking_known = 1;
	r->from_twin = cand.shared;
	r->twin_unproved = cand.fell_back;
	/* the latent vectors, read by the ranking and --explain's `why`
	 * alone: paged out while the policy and the write hold their lists
	 * (at a million stories 400 MB off those stages, whose peaks are
	 * next below the ranking's) */
	n = pj.explain ? 0 : model_latent_array(m, &at, &len);
	pageout_begin(&lat, outdir, &at, &len, n);
	rc = policy_and_write(m, &cand, &pj, prep, outdir, pub, lat.bytes != 0, r, &t0, err);
	if (pageout_end(&lat, err))
		rc = -1;
	return rc;
}

/* Ranks stories [begin, end) into *cand, and the stories outside the range
 * whose lists the near-duplicate rule reads for them (rank.h). */
static int rank_range(const struct model *m, const struct rank_options *ro,
		      const struct policy_options *po, size_t begin, size_t end,
		      struct rank_lists *cand, struct error *err)
{
	struct rank_options o = *ro;
	struct rank_lists extra;
	uint32_t *docs;
	size_t nd;
	int rc;

	o.docs = NULL;
	o.begin = begin;
	o.end = end;
	if (begin == end) {
		o.begin = 0;
		o.end = 0;
		o.docs = (const uint32_t *)&begin; /* never read: n_list 0 */
		o.n_list = 0;
	}
	progress_begin("rank", end - begin);
	rc = rank_all(m, &o, cand, err);
	progress_end();
	if (rc)
		return -1;
	if (po->duplicate_score <= 0.0f)
		return 0;
	if (rank_dup_neighbours(m, cand, begin, end, po->duplicate_score, &docs, &nd)) {
		rank_lists_free(cand);
		return error_set(err, NULL, "out of memory");
	}
	if (nd) {
		o.docs = docs;
		o.n_list = nd;
		rc = rank_all(m, &o, &extra, err);
		if (!rc) {
			for (size_t i = 0; i < nd; i++) {
				size_t d = docs[i];
				memcpy(cand->items + d * cand->depth, extra.items + d * extra.depth,
				       extra.count[d] * sizeof *cand->items);
				cand->count[d] = extra.count[d];
			}
			rank_lists_free(&extra);
		}
	}
	free(docs);
	if (rc)
		rank_lists_free(cand);
	return rc;
}

int pipeline_recommend_range(const struct model *m, const struct rank_options *ro,
			     const struct policy_options *po, size_t begin, size_t end,
			     const char *path, const char *generated_at,
			     struct report *r, struct error *err)
{
	struct rank_lists cand;
	struct related_lists lists;
	struct policy_options pj = *po;
	struct fs_stream f;
	struct buf line = BUF_INIT;
	int rc;

	if (rank_range(m, ro, po, begin, end, &cand, err))
		return -1;
	pj.jobs = ro->jobs;
	rc = policy_apply(m, &cand, &pj, &lists, err);
	rank_lists_free(&cand);
	if (rc)
		return -1;
	if (pipeline_stop) {
		related_lists_free(&lists);
		return error_set(err, NULL, "interrupted");
	}
	count_lists(&lists, begin, end, r);
	if (fs_stream_open(&f, path, err)) {
		related_lists_free(&lists);
		return -1;
	}
	for (size_t d = begin; d < end && !f.failed; d++) {
		buf_reset(&line);
		if (output_related_line(&line, m, &lists, (uint32_t)d, generated_at))
			fs_stream_fail(&f, ENOMEM);
		else
			fs_stream_write(&f, line.data, line.len);
	}
	buf_release(&line);
	related_lists_free(&lists);
	return fs_stream_commit(&f, err);
}

int pipeline_latent(struct model *m, uint32_t dim, size_t fit_stories, int jobs,
		    int with_basis, struct error *err)
{
	return pipeline_latent_drawn(m, dim, fit_stories, jobs, with_basis, NULL, err);
}

int pipeline_latent_drawn(struct model *m, uint32_t dim, size_t fit_stories, int jobs,
			  int with_basis, struct semantic_draw *draw, struct error *err)
{
	float *vecs, *basis = NULL;
	uint32_t got;
	struct error e;
	int rc;

	error_clear(&e);
	if (m->n_docs < 3 || m->n_terms < 3) {
		semantic_draw_free(draw);
		log_warn("%u %s: too few for a latent space; ranking by TF-IDF alone",
			 m->n_docs, m->n_docs == 1 ? "story" : "stories");
		return 0;
	}
	rc = semantic_fit_drawn(m, dim, LATENT_SEED, jobs, fit_stories, draw, &vecs,
				with_basis ? &basis : NULL, &got, &e);
	semantic_draw_free(draw);
	if (rc)
		return error_set(err, NULL, "%s", e.message);
	model_set_latent(m, vecs, got);
	model_set_term_basis(m, basis); /* for `query` (query.h) */
	give_back_memory();
	return 0;
}

int pipeline_save_model(const struct model *m, const char *path, struct error *err)
{
	int lock = fs_lock_file(path, err), rc;

	if (lock < 0)
		return -1;
	rc = model_save(m, path, err);
	fs_unlock(lock);
	return rc;
}
