/*
 * progress: a reporter thread polling an atomic counter. The thread sleeps
 * on a condition variable with a 250 ms timeout, so progress_end() wakes it
 * at once rather than waiting out the interval.
 */
#include "progress.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define INTERVAL_NS 250000000L

int progress_mode = -1;

static atomic_size_t done_count;
static size_t total_count;
static const char *stage_name;
static struct timespec started;
static pthread_t reporter;
static int running, stopping, drawn;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake = PTHREAD_COND_INITIALIZER;

void progress_add(size_t n)
{
	atomic_fetch_add_explicit(&done_count, n, memory_order_relaxed);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

void progress_format(char *out, size_t outlen, const char *stage, size_t done,
		     size_t total, double seconds)
{
	double rate = seconds > 0 ? (double)done / seconds : 0;
	int n;

	if (total)
		n = snprintf(out, outlen, "%s %zu/%zu", stage, done, total);
	else
		n = snprintf(out, outlen, "%s %zu", stage, done);
	if (n < 0 || (size_t)n >= outlen)
		return;
	if (rate > 0) {
		int m = snprintf(out + n, outlen - (size_t)n, " %.0f/s", rate);
		if (m < 0 || (size_t)(n + m) >= outlen)
			return;
		n += m;
		if (total && done <= total) {
			long eta = (long)((double)(total - done) / rate + 0.5);
			snprintf(out + n, outlen - (size_t)n, " ETA %ld:%02ld", eta / 60, eta % 60);
		}
	}
}

static void draw(void)
{
	char line[256];

	progress_format(line, sizeof line, stage_name,
			atomic_load_explicit(&done_count, memory_order_relaxed),
			total_count, seconds_since(&started));
	fprintf(stderr, "\rrelated: %s\033[K", line);
	drawn = 1;
	fflush(stderr);
}

static void *report_loop(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	while (!stopping) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += INTERVAL_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&wake, &lock, &until);
		if (!stopping)
			draw();
	}
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int enabled(void)
{
	if (progress_mode >= 0)
		return progress_mode;
	return log_verbosity > 0 && isatty(STDERR_FILENO);
}

void progress_begin(const char *stage, size_t total)
{
	progress_end();
	atomic_store(&done_count, 0);
	if (!enabled())
		return;
	stage_name = stage;
	total_count = total;
	clock_gettime(CLOCK_MONOTONIC, &started);
	stopping = 0;
	if (!pthread_create(&reporter, NULL, report_loop, NULL))
		running = 1;
}

void progress_end(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&lock);
	stopping = 1;
	pthread_cond_signal(&wake);
	pthread_mutex_unlock(&lock);
	pthread_join(reporter, NULL);
	running = 0;
	if (drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	drawn = 0;
}
