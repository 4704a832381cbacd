/*
 * log: errors as values, and the few messages the tool prints.
 *
 * Library code never prints and never exits: it fills a caller-supplied
 * `struct error` with one line naming the input ("corpus/a.html: not valid
 * HTML") and returns a failure value. Commands decide what to show.
 */
#ifndef RELATED_LOG_H
#define RELATED_LOG_H

#include <stdarg.h>

struct error {
	char message[1024]; /* "" when no error was recorded */
};

/* Records "INPUT: MESSAGE" (or just MESSAGE when input is NULL). Always
 * returns -1 so that `return error_set(err, ...)` reads naturally. `err` may
 * be NULL, in which case nothing is recorded. */
int error_set(struct error *err, const char *input, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void error_clear(struct error *err);

/* Messages to stderr, prefixed with "related: ". log_verbosity 0 silences
 * log_info; warnings and errors always print. Thread-safe. */
extern int log_verbosity;
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
