/*
 * testutil: the temporary folder the unit tests write their fixtures into.
 *
 * A test program that needs files passes testutil_make_dir and
 * testutil_remove_dir to cmocka_run_group_tests() (or calls them itself):
 * the first makes a fresh mkdtemp(3) folder /tmp/related-PROGRAM-XXXXXX,
 * the second removes it with everything in it, never following a symbolic
 * link (a test may leave a link loop behind). One folder per program at a
 * time; it exists between the two calls.
 */
#ifndef RELATED_TESTUTIL_H
#define RELATED_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Makes the folder; 0, or -1 with errno set. `state` is unused (cmocka's
 * group setup signature). */
int testutil_make_dir(void **state);

/* Removes the folder and all below it; 0, or -1 when something could not be
 * removed. */
int testutil_remove_dir(void **state);

/* The folder's path (valid between the two calls). */
const char *testutil_dir(void);

/* "FOLDER/name", in one of four rotating static buffers, so that up to four
 * results can be used together. */
const char *testutil_path(const char *name);

struct model;

/* Builds into *m (model_free() releases it) a model of n_docs stories over
 * n_terms terms named "t0", "t1", ... from `dense` (n_docs rows of n_terms
 * weights): each row is L2-normalised and its non-zero weights stored,
 * unless `raw`, where weights are stored as given and a negative one marks
 * an absent term (so a stored 0 can be tested). Story d's id is
 * id_prefix and d zero-padded to id_width digits ("doc", 0: "doc7"); `fields`, when not NULL, gives the other
 * fields: fields[d * MODEL_FIELDS + f] (NULL: unset). Returns 0, or -1
 * when memory or the model's checks fail. */
int testutil_model_from_dense(struct model *m, uint32_t n_docs, uint32_t n_terms,
			      const float *dense, const char *id_prefix, int id_width,
			      const char *const *fields, int raw);

/* Gives m (n_docs, n_terms, nnz and row set) the term ids col[0 .. nnz)
 * (ascending within each row) in the model's blocked layout: sets
 * m->n_blocks and points m->term_lo and m->block_end at arrays malloc'd
 * here, which testutil_rows_free() releases. For tests that build a
 * struct model by hand. */
void testutil_split_rows(struct model *m, const uint32_t *col);
void testutil_rows_free(struct model *m);

/* Row d's term ids into ids (room for its length); returns the length:
 * model_row_terms() for tests, read entry by entry with model_term_at(),
 * a different walk than the one under test. */
size_t testutil_row_terms(const struct model *m, uint32_t d, uint32_t *ids);

/* Whether a warnings list (article.h: one code per line; NULL: none)
 * holds the code `w`. */
int testutil_has_warning(const char *warnings, const char *w);

struct article;

/* Extracts the page `html` (named "test.html") into *a (zeroed, or with
 * the fields a caller sets), which article_clear() releases; the
 * extraction must succeed. */
void testutil_extract(const char *html, struct article *a);

/* Asserts that `text` is there and holds every string of `has` and none of
 * `lacks` (NULL-terminated lists; NULL: none). */
void testutil_text_holds(const char *text, const char *const *has, const char *const *lacks);

/* testutil_extract() of `html`, testutil_text_holds() of its text, and the
 * article released: a page whose test is only what its text holds. */
void testutil_page_holds(const char *html, const char *const *has, const char *const *lacks);

#endif
