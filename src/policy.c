/* policy: thresholds, near-duplicates and list length. */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

void policy_options_default(struct policy_options *o)
{
	o->top = 10;
	o->min_score = 0.0f;
	o->duplicate_score = 0.98f;
}

void related_lists_free(struct related_lists *l)
{
	free(l->items);
	free(l->count);
	free(l->duplicates);
	memset(l, 0, sizeof *l);
}

int policy_apply(const struct model *m, const struct rank_lists *cand,
		 const struct policy_options *o, struct related_lists *out,
		 struct error *err)
{
	size_t top = o->top;
	size_t n = m->n_docs ? m->n_docs : 1;
	int dedup = o->duplicate_score > 0.0f && o->duplicate_score <= 1.0f;

	memset(out, 0, sizeof *out);
	out->top = top;
	out->n_docs = m->n_docs;
	if (top && n > SIZE_MAX / sizeof *out->items / top)
		return error_set(err, NULL, "lists too long");
	out->items = malloc(n * (top ? top : 1) * sizeof *out->items);
	out->count = calloc(n, sizeof *out->count);
	out->duplicates = calloc(n, sizeof *out->duplicates);
	if (!out->items || !out->count || !out->duplicates) {
		related_lists_free(out);
		return error_set(err, NULL, "out of memory applying the policy");
	}
	for (uint32_t d = 0; d < m->n_docs; d++) {
		const struct neighbor *c = cand->items + (size_t)d * cand->depth;
		struct related_item *it = out->items + (size_t)d * top;
		uint32_t k = 0;

		for (uint32_t i = 0; i < cand->count[d] && k < top; i++) {
			if (c[i].score < o->min_score)
				continue;
			if (dedup && c[i].score >= o->duplicate_score) {
				out->duplicates[d]++;
				continue;
			}
			it[k++] = (struct related_item){ c[i].doc, c[i].score, "similar" };
		}
		out->count[d] = k;
	}
	return 0;
}
