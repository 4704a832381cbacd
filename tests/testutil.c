/*
 * testutil: the unit tests' temporary folder (see testutil.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "testutil.h"

#include <errno.h> /* program_invocation_short_name */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "article.h"
#include "buf.h"
#include "extract.h"
#include "model.h"

static char folder[512];

void testutil_split_rows(struct model *m, const uint32_t *col)
{
	uint32_t nb = model_blocks(m->n_terms);
	uint16_t *lo = malloc((m->nnz ? m->nnz : 1) * sizeof *lo);
	uint32_t *end = calloc((size_t)m->n_docs * nb + 1, sizeof *end);

	assert_non_null(lo);
	assert_non_null(end);
	for (uint32_t d = 0; d < m->n_docs; d++)
		for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++) {
			lo[i] = (uint16_t)(col[i] % MODEL_BLOCK_TERMS);
			/* this entry counts in its block and every later one */
			for (uint32_t k = col[i] / MODEL_BLOCK_TERMS; k < nb; k++)
				end[(size_t)d * nb + k]++;
		}
	m->n_blocks = nb;
	m->term_lo = lo;
	m->block_end = end;
}

void testutil_rows_free(struct model *m)
{
	free((void *)(uintptr_t)m->term_lo);
	free((void *)(uintptr_t)m->block_end);
	m->term_lo = NULL;
	m->block_end = NULL;
}

size_t testutil_row_terms(const struct model *m, uint32_t d, uint32_t *ids)
{
	size_t n = 0;

	for (uint64_t i = m->row[d]; i < m->row[d + 1]; i++)
		ids[n++] = model_term_at(m, d, i);
	return n;
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int testutil_make_dir(void **state)
{
	(void)state;
	snprintf(folder, sizeof folder, "/tmp/related-%s-XXXXXX",
		 program_invocation_short_name);
	return mkdtemp(folder) ? 0 : -1;
}

/* Removes path and all below it; a symbolic link is removed, never followed. */
static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int testutil_remove_dir(void **state)
{
	(void)state;
	return remove_tree(folder);
}

const char *testutil_dir(void)
{
	return folder;
}

const char *testutil_path(const char *name)
{
	static char paths[4][1024];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof paths[0], "%s/%s", folder, name);
	return p;
}

/* Appends v with its NUL to s; its offset, or UINT64_MAX when out of memory. */
static uint64_t add_string(struct buf *s, const char *v)
{
	uint64_t off = s->len;

	return buf_add(s, v, strlen(v) + 1) ? UINT64_MAX : off;
}

int testutil_model_from_dense(struct model *m, uint32_t n_docs, uint32_t n_terms,
			      const float *dense, const char *id_prefix, int id_width,
			      const char *const *fields, int raw)
{
	struct buf strings = BUF_INIT;
	struct model_parts parts;
	struct error err;
	size_t cells = (size_t)n_docs * n_terms + 1;
	uint64_t nnz = 0, bad = 0;
	char name[64];

	memset(&parts, 0, sizeof parts);
	model_params_default(&parts.params);
	parts.row = calloc((size_t)n_docs + 1, sizeof *parts.row);
	parts.doc_field = calloc((size_t)n_docs * MODEL_FIELDS, sizeof *parts.doc_field);
	parts.term_name = calloc(n_terms ? n_terms : 1, sizeof *parts.term_name);
	parts.df = calloc(n_terms ? n_terms : 1, sizeof *parts.df);
	parts.col = calloc(cells, sizeof *parts.col);
	parts.val = calloc(cells, sizeof *parts.val);
	if (!parts.row || !parts.doc_field || !parts.term_name || !parts.df || !parts.col ||
	    !parts.val || buf_addc(&strings, '\0'))
		goto fail;
	for (uint32_t t = 0; t < n_terms; t++) {
		snprintf(name, sizeof name, "t%u", t);
		bad |= (parts.term_name[t] = add_string(&strings, name)) == UINT64_MAX;
	}
	for (uint32_t d = 0; d < n_docs; d++) {
		const float *r = dense + (size_t)d * n_terms;
		uint64_t *field = parts.doc_field + (size_t)d * MODEL_FIELDS;
		double norm = 0;

		snprintf(name, sizeof name, "%s%0*u", id_prefix, id_width, d);
		bad |= (field[MODEL_ID] = add_string(&strings, name)) == UINT64_MAX;
		for (int f = 0; fields && f < MODEL_FIELDS; f++)
			if (f != MODEL_ID && fields[(size_t)d * MODEL_FIELDS + f])
				bad |= (field[f] = add_string(&strings,
						fields[(size_t)d * MODEL_FIELDS + f])) == UINT64_MAX;
		for (uint32_t t = 0; t < n_terms; t++)
			norm += (double)r[t] * r[t];
		norm = raw || norm == 0 ? 1.0 : 1.0 / sqrt(norm);
		for (uint32_t t = 0; t < n_terms; t++) {
			if (raw ? r[t] < 0.0f : r[t] == 0.0f)
				continue;
			parts.col[nnz] = t;
			parts.val[nnz] = (float)(r[t] * norm);
			parts.df[t]++;
			nnz++;
		}
		parts.row[d + 1] = nnz;
	}
	if (bad)
		goto fail;
	parts.n_docs = n_docs;
	parts.n_terms = n_terms;
	parts.nnz = nnz;
	parts.strings_len = strings.len;
	parts.strings = buf_detach(&strings, NULL);
	return model_from_parts(&parts, m, &err);
fail:
	buf_release(&strings);
	model_parts_release(&parts);
	return -1;
}

int testutil_has_warning(const char *warnings, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = warnings; p && *p;) {
		size_t l = strcspn(p, "\n");

		if (l == n && !strncmp(p, w, n))
			return 1;
		p += l + (p[l] == '\n');
	}
	return 0;
}

void testutil_extract(const char *html, struct article *a)
{
	struct error err;

	error_clear(&err);
	assert_int_equal(extract_article(html, strlen(html), "test.html", a, &err), 0);
}

void testutil_text_holds(const char *text, const char *const *has, const char *const *lacks)
{
	assert_non_null(text);
	for (; has && *has; has++)
		if (!strstr(text, *has))
			fail_msg("the text lacks \"%s\"", *has);
	for (; lacks && *lacks; lacks++)
		if (strstr(text, *lacks))
			fail_msg("the text holds \"%s\"", *lacks);
}

void testutil_page_holds(const char *html, const char *const *has, const char *const *lacks)
{
	struct article a = { 0 };

	testutil_extract(html, &a);
	testutil_text_holds(a.text, has, lacks);
	article_clear(&a);
}
