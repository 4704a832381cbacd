/*
 * log: error values and stderr messages. Messages are whole lines written
 * with one fprintf under a mutex so that threads never interleave them.
 */
#include "log.h"

#include <pthread.h>
#include <stdio.h>

int log_verbosity = 1;
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

int error_set(struct error *err, const char *input, const char *fmt, ...)
{
	va_list ap;
	size_t off = 0;

	if (!err)
		return -1;
	if (input) {
		int n = snprintf(err->message, sizeof err->message, "%s: ", input);
		off = n < 0 ? 0 : (size_t)n;
		if (off >= sizeof err->message)
			off = sizeof err->message - 1;
	}
	va_start(ap, fmt);
	vsnprintf(err->message + off, sizeof err->message - off, fmt, ap);
	va_end(ap);
	return -1;
}

void error_clear(struct error *err)
{
	if (err)
		err->message[0] = '\0';
}

static void log_line(const char *level, const char *fmt, va_list ap)
{
	char line[2048];

	vsnprintf(line, sizeof line, fmt, ap);
	pthread_mutex_lock(&log_lock);
	fprintf(stderr, "related: %s%s\n", level, line);
	pthread_mutex_unlock(&log_lock);
}

void log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbosity <= 0)
		return;
	va_start(ap, fmt);
	log_line("", fmt, ap);
	va_end(ap);
}

void log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("warning: ", fmt, ap);
	va_end(ap);
}

void log_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_line("error: ", fmt, ap);
	va_end(ap);
}
