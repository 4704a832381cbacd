/*
 * parallel: the worker loop behind parallel_for(). Threads that cannot be
 * created are simply not used: the calling thread does the rest.
 */
#include "parallel.h"

#include <pthread.h>
#include <stdatomic.h>

#include "progress.h"

volatile sig_atomic_t pipeline_stop;

struct parallel {
	void (*fn)(void *ctx, int worker, size_t i);
	void *ctx;
	size_t n, chunk;
	atomic_size_t next;
};

struct worker {
	struct parallel *p;
	int index;
};

static void *parallel_worker(void *arg)
{
	const struct worker *w = arg;
	struct parallel *p = w->p;

	for (;;) {
		size_t b = atomic_fetch_add(&p->next, p->chunk);
		if (b >= p->n || pipeline_stop)
			return NULL;
		for (size_t i = b; i < b + p->chunk && i < p->n; i++)
			p->fn(p->ctx, w->index, i);
		progress_add(p->n - b < p->chunk ? p->n - b : p->chunk);
	}
}

void parallel_for(int jobs, size_t n, size_t chunk,
		  void (*fn)(void *ctx, int worker, size_t i), void *ctx)
{
	struct parallel p = { fn, ctx, n, chunk ? chunk : 1, 0 };
	struct worker w[PARALLEL_MAX_JOBS];
	pthread_t th[PARALLEL_MAX_JOBS];
	int started = 0;

	if (jobs > PARALLEL_MAX_JOBS)
		jobs = PARALLEL_MAX_JOBS;
	for (int j = 0; j < jobs || j == 0; j++)
		w[j] = (struct worker){ &p, j };
	for (int j = 1; j < jobs && (size_t)j * p.chunk < n; j++)
		if (!pthread_create(&th[started], NULL, parallel_worker, &w[j]))
			started++;
	parallel_worker(&w[0]); /* the calling thread works too */
	for (int j = 0; j < started; j++)
		pthread_join(th[j], NULL);
}
