/*
 * parallel: a loop over indexes on threads. Work is handed out in chunks
 * of consecutive indexes through an atomic counter and each index's result
 * is meant to land in its own slot, so results never depend on which
 * thread did the work or how many there were.
 */
#ifndef RELATED_PARALLEL_H
#define RELATED_PARALLEL_H

#include <signal.h>
#include <stddef.h>

/* Set (to the signal number) by a signal handler to ask long loops to
 * stop: parallel_for() stops handing out chunks, and the stage that ran it
 * returns -1 with "interrupted". */
extern volatile sig_atomic_t pipeline_stop;

#define PARALLEL_MAX_JOBS 256

/* Runs fn(ctx, worker, i) for i in [0, n) on up to `jobs` threads (the
 * calling thread is one of them), `chunk` indexes at a time; each finished
 * chunk counts in progress.h. `worker` is the calling thread's own number,
 * below jobs and below PARALLEL_MAX_JOBS: state a thread keeps for itself
 * (an analyzer, scratch space) lives in slot `worker` of an array. Returns
 * when every chunk is done, or early when pipeline_stop is set. */
void parallel_for(int jobs, size_t n, size_t chunk,
		  void (*fn)(void *ctx, int worker, size_t i), void *ctx);

#endif
