/* fsutil: atomic writes and folder creation. */
#include "fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

int fs_write_atomic(const char *path, const void *data, size_t len,
		    struct error *err)
{
	size_t tl = strlen(path) + 32;
	char *tmp = malloc(tl);
	const char *p = data;
	int fd;

	if (!tmp)
		return error_set(err, path, "out of memory");
	snprintf(tmp, tl, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0) {
		error_set(err, path, "cannot write: %s", strerror(errno));
		free(tmp);
		return -1;
	}
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error_set(err, path, "cannot write: %s",
				  n < 0 ? strerror(errno) : "short write");
			goto fail;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd)) {
		error_set(err, path, "cannot sync: %s", strerror(errno));
		goto fail;
	}
	if (close(fd)) {
		fd = -1;
		error_set(err, path, "cannot close: %s", strerror(errno));
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path)) {
		error_set(err, path, "cannot rename into place: %s", strerror(errno));
		goto fail;
	}
	free(tmp);
	fsync_dir(path);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	free(tmp);
	return -1;
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
