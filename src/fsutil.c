/* fsutil: atomic writes and folder creation. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

char *fs_join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (dl && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

char *fs_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return strdup(".");
	if (slash == path)
		return strdup("/");
	return strndup(path, (size_t)(slash - path));
}

int fs_mkdir_p(const char *path, struct error *err)
{
	char *p = strdup(path);

	if (!p)
		return error_set(err, path, "out of memory");
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			struct stat st;
			if (mkdir(p, 0777) && errno != EEXIST) {
				error_set(err, p, "cannot create folder: %s", strerror(errno));
				free(p);
				return -1;
			}
			if (stat(p, &st) || !S_ISDIR(st.st_mode)) {
				error_set(err, p, "cannot create folder: exists and is not a folder");
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return 0;
}

static int fsync_dir(const char *path)
{
	char *dir = fs_dirname(path);
	int fd, r = 0;

	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		r = fsync(fd);
		close(fd);
	}
	free(dir);
	return r;
}

int fs_atomic_open(struct fs_atomic *f, const char *path, struct error *err)
{
	size_t tl = strlen(path) + 32;

	f->path = path;
	f->fd = -1;
	f->tmp = malloc(tl);
	if (!f->tmp)
		return error_set(err, path, "out of memory");
	snprintf(f->tmp, tl, "%s.tmp.%ld", path, (long)getpid());
	f->fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (f->fd < 0) {
		error_set(err, path, "cannot write: %s", strerror(errno));
		free(f->tmp);
		f->tmp = NULL;
		return -1;
	}
	return 0;
}

void fs_atomic_abort(struct fs_atomic *f)
{
	if (f->fd >= 0)
		close(f->fd);
	if (f->tmp)
		unlink(f->tmp);
	free(f->tmp);
	f->tmp = NULL;
	f->fd = -1;
}

int fs_atomic_write(struct fs_atomic *f, const void *data, size_t len,
		    struct error *err)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(f->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error_set(err, f->path, "cannot write: %s",
				  n < 0 ? strerror(errno) : "short write");
			fs_atomic_abort(f);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void *close_fd(void *arg)
{
	close((int)(intptr_t)arg);
	return NULL;
}

/* Closes fd on a thread of its own when one can be started, else here. */
static void close_later(int fd)
{
	pthread_attr_t attr;
	pthread_t th;
	int started = 0;

	if (!pthread_attr_init(&attr)) {
		if (!pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED))
			started = !pthread_create(&th, &attr, close_fd, (void *)(intptr_t)fd);
		pthread_attr_destroy(&attr);
	}
	if (!started)
		close(fd);
}

/* The file at `path` that a rename is about to replace, open, when it is
 * large enough for its release to take time (FS_RELEASE_LATER bytes or
 * more: the many small files of publish.h are released as before); else
 * -1. */
#define FS_RELEASE_LATER ((off_t)1 << 20)
static int open_replaced(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	if (fd >= 0 && (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size < FS_RELEASE_LATER)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int fs_atomic_commit(struct fs_atomic *f, struct error *err)
{
	int old;

	if (fsync(f->fd)) {
		error_set(err, f->path, "cannot sync: %s", strerror(errno));
		fs_atomic_abort(f);
		return -1;
	}
	if (close(f->fd)) {
		f->fd = -1;
		error_set(err, f->path, "cannot close: %s", strerror(errno));
		fs_atomic_abort(f);
		return -1;
	}
	f->fd = -1;
	/* The file replaced, held open across the rename: its blocks are freed
	 * when the last reference goes, which the rename was (2-13 ms on ext4
	 * for real text's 7.8 MB related.jsonl, against 0.03 ms for a new
	 * name); closed on a thread of its own, that is done beside the rest
	 * of the run. */
	old = open_replaced(f->path);
	if (rename(f->tmp, f->path)) {
		error_set(err, f->path, "cannot rename into place: %s", strerror(errno));
		if (old >= 0)
			close(old);
		fs_atomic_abort(f);
		return -1;
	}
	if (old >= 0)
		close_later(old);
	free(f->tmp);
	f->tmp = NULL;
	fsync_dir(f->path);
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len,
		    struct error *err)
{
	struct fs_atomic f;

	if (fs_atomic_open(&f, path, err) || fs_atomic_write(&f, data, len, err))
		return -1;
	return fs_atomic_commit(&f, err);
}

int fs_stream_open(struct fs_stream *s, const char *path, struct error *err)
{
	memset(s, 0, sizeof *s);
	s->buf = malloc(FS_STREAM_PIECE);
	if (!s->buf)
		return error_set(err, path, "out of memory");
	if (fs_atomic_open(&s->f, path, err)) {
		free(s->buf);
		s->buf = NULL;
		return -1;
	}
	return 0;
}

static void stream_flush(struct fs_stream *s)
{
	if (!s->failed && s->len && fs_atomic_write(&s->f, s->buf, s->len, &s->err))
		s->failed = 1; /* fs_atomic_write aborted the file */
#ifdef SYNC_FILE_RANGE_WRITE
	/* The pieces written so far start for the disk now, not at the
	 * commit's fsync: the device writes while the rest is made (the
	 * fsync of real text's 7.8 MB related.jsonl waited 7-13 ms for all
	 * of it). A hint: its failure changes nothing. */
	if (!s->failed && s->len)
		(void)sync_file_range(s->f.fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
	s->len = 0;
}

void fs_stream_write(struct fs_stream *s, const void *data, size_t len)
{
	const char *p = data;

	while (len && !s->failed) {
		size_t n = FS_STREAM_PIECE - s->len < len ? FS_STREAM_PIECE - s->len : len;
		memcpy(s->buf + s->len, p, n);
		s->len += n;
		p += n;
		len -= n;
		if (s->len == FS_STREAM_PIECE)
			stream_flush(s);
	}
}

void fs_stream_fail(struct fs_stream *s, int errnum)
{
	if (s->failed)
		return;
	error_set(&s->err, s->f.path, "cannot write: %s", strerror(errnum));
	s->failed = 1;
	fs_atomic_abort(&s->f);
}

void fs_stream_abort(struct fs_stream *s)
{
	fs_atomic_abort(&s->f); /* does nothing when a failure aborted it */
	free(s->buf);
	s->buf = NULL;
	s->failed = 1;
}

int fs_stream_commit(struct fs_stream *s, struct error *err)
{
	stream_flush(s);
	free(s->buf);
	s->buf = NULL;
	if (s->failed) {
		if (err)
			*err = s->err;
		return -1;
	}
	return fs_atomic_commit(&s->f, err);
}

int fs_lock(const char *dir, struct error *err)
{
	char *path;
	char pid[32];
	int fd, n;

	if (fs_mkdir_p(dir, err))
		return -1;
	path = fs_join(dir, ".lock");
	if (!path)
		return error_set(err, dir, "out of memory");
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		error_set(err, path, "cannot open lock file: %s", strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		int e = errno;
		char holder[32] = "";
		ssize_t r = pread(fd, holder, sizeof holder - 1, 0);
		holder[r > 0 ? r : 0] = '\0';
		holder[strcspn(holder, "\n")] = '\0';
		if (e == EWOULDBLOCK)
			error_set(err, dir, "another run is writing this folder (pid %s, lock %s)",
				  *holder ? holder : "?", path);
		else
			error_set(err, path, "cannot lock: %s", strerror(e));
		close(fd);
		free(path);
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == 0 && n > 0 && pwrite(fd, pid, (size_t)n, 0) < 0) {
		/* the pid is informative only */
	}
	free(path);
	return fd;
}

int fs_lock_file(const char *path, struct error *err)
{
	size_t n = strlen(path);
	char *lock = malloc(n + sizeof ".lock");
	int fd;

	char *dir = fs_dirname(path);

	if (!lock || !dir || fs_mkdir_p(dir, err)) {
		if (!lock || !dir)
			error_set(err, path, "out of memory");
		free(lock);
		free(dir);
		return -1;
	}
	free(dir);
	memcpy(lock, path, n);
	memcpy(lock + n, ".lock", sizeof ".lock");
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (fd < 0) {
		error_set(err, lock, "cannot open lock file: %s", strerror(errno));
		free(lock);
		return -1;
	}
	while (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			continue;
		error_set(err, lock, "cannot lock: %s", strerror(errno));
		close(fd);
		free(lock);
		return -1;
	}
	free(lock);
	return fd;
}

void fs_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* releases the flock */
}

void fs_remove_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		char *p = strstr(de->d_name, ".tmp.");
		if (!p || !p[5] || strspn(p + 5, "0123456789") != strlen(p + 5))
			continue;
		char *full = fs_join(dir, de->d_name);
		if (full)
			unlink(full);
		free(full);
	}
	closedir(d);
}
