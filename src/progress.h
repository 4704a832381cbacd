/*
 * progress: what a long run is doing, for a person at a terminal.
 *
 * When stderr is a terminal and messages are not silenced (log_verbosity >
 * 0), progress_begin() starts a small thread that rewrites one stderr line
 * in place at most four times a second: "related: extract 12000/65000
 * 4210/s ETA 0:13". When stderr is not a terminal nothing is printed, so
 * logs stay one line per event.
 *
 * Workers only call progress_add(), a relaxed atomic increment: no lock on
 * the hot path. One stage at a time; progress_end() stops the thread and
 * clears the line, and must be called before anything else is printed.
 */
#ifndef RELATED_PROGRESS_H
#define RELATED_PROGRESS_H

#include <stddef.h>

/* Starts showing `stage` with `total` items (0: unknown). */
void progress_begin(const char *stage, size_t total);
/* Counts n more items done; callable from any thread, cheap. */
void progress_add(size_t n);
/* Stops showing progress and clears the line. */
void progress_end(void);

/* Formats one progress line (without "\r" or escape codes) into out:
 * "STAGE DONE/TOTAL RATE/s ETA M:SS" (ETA only when total and rate are
 * known). Exposed for tests. */
void progress_format(char *out, size_t outlen, const char *stage, size_t done,
		     size_t total, double seconds);

/* -1: decide by isatty(stderr) and log_verbosity (default); 0: never;
 * 1: always (tests). */
extern int progress_mode;

#endif
