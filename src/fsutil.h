/*
 * fsutil: the file-system operations whose failure modes matter: writing a
 * file so that readers see either the old or the new content whole, and
 * creating output folders.
 */
#ifndef RELATED_FSUTIL_H
#define RELATED_FSUTIL_H

#include <stddef.h>

#include "log.h"

/* Writes len bytes to `path` atomically: a temporary file in the same folder
 * ("PATH.tmp.PID"), fsync, rename over `path`, fsync of the folder. On
 * failure the previous content of `path` is untouched and the temporary file
 * removed. */
int fs_write_atomic(const char *path, const void *data, size_t len,
		    struct error *err);

/* The same atomic write in pieces, for a file too large to assemble in
 * memory first (a model of 1M stories is 7 GB): fs_atomic_open() creates
 * the temporary file, fs_atomic_write() appends, fs_atomic_commit() syncs
 * and renames it over `path` as fs_write_atomic() does, and
 * fs_atomic_abort() removes it. A failed write or commit has aborted
 * already. `path` must outlive the writer. */
struct fs_atomic {
	const char *path;
	char *tmp;
	int fd;
};

int fs_atomic_open(struct fs_atomic *f, const char *path, struct error *err);
int fs_atomic_write(struct fs_atomic *f, const void *data, size_t len,
		    struct error *err);
int fs_atomic_commit(struct fs_atomic *f, struct error *err);
void fs_atomic_abort(struct fs_atomic *f);

/* fs_atomic for a file written in many small pieces (the shard parts,
 * related.jsonl joined from parts): fs_stream_write() gathers the bytes and
 * hands them to fs_atomic_write() in pieces of FS_STREAM_PIECE. The first
 * failure, a write's or one given with fs_stream_fail(), is kept and later
 * writes do nothing, so a writer checks once, at the end:
 * fs_stream_commit() then reports that failure (and removes the temporary
 * file) instead of committing. fs_stream_abort() drops the file unwritten.
 * Either releases the buffer. */
#define FS_STREAM_PIECE ((size_t)1 << 20)

struct fs_stream {
	struct fs_atomic f;
	char *buf;        /* FS_STREAM_PIECE bytes */
	size_t len;
	int failed;
	struct error err; /* the first failure, when failed */
};

int fs_stream_open(struct fs_stream *s, const char *path, struct error *err);
void fs_stream_write(struct fs_stream *s, const void *data, size_t len);
/* Records the failure "PATH: cannot write: strerror(errnum)". */
void fs_stream_fail(struct fs_stream *s, int errnum);
int fs_stream_commit(struct fs_stream *s, struct error *err);
void fs_stream_abort(struct fs_stream *s);

/* Creates `path` and its missing parents (mode 0777 & ~umask). */
int fs_mkdir_p(const char *path, struct error *err);

/* Takes the lock that keeps two runs off one output folder: creates `dir`
 * if needed and holds an exclusive flock(2) on DIR/.lock (which records the
 * holder's pid). Fails at once, with a message saying so, when another
 * process holds it. The lock dies with the process, even on SIGKILL.
 * Returns the descriptor to pass to fs_unlock(), or -1. */
int fs_lock(const char *dir, struct error *err);
void fs_unlock(int fd);

/* Takes the lock of one file that several processes replace (a model):
 * an exclusive flock(2) on PATH.lock, created if needed (with its folder), waiting while
 * another process holds it. Everything that replaces the file takes it
 * first, so a writer that reads the file, changes it and writes it back
 * under the lock loses no other writer's change. Returns the descriptor
 * for fs_unlock(), or -1 with err set. */
int fs_lock_file(const char *path, struct error *err);

/* Removes temporary files ("NAME.tmp.PID") left in `dir` by a killed run;
 * call only while holding the folder's lock. */
void fs_remove_stale_temps(const char *dir);

/* Joins dir and name with one '/'; malloc'd, NULL when memory runs out. */
char *fs_join(const char *dir, const char *name);

/* The folder part of path ("a/b/c.html" -> "a/b", "c.html" -> "."), malloc'd. */
char *fs_dirname(const char *path);

#endif
