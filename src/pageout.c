/*
 * pageout: whole pages written to an unnamed file and released, read back
 * in place (pageout.h).
 */
#include "pageout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fsutil.h"

/* An unnamed file in dir, or -1: O_TMPFILE where the file system has it,
 * else a named one removed at once. */
static int unnamed_file(const char *dir)
{
	char name[64];
	char *path;
	int fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd >= 0)
		return fd;
	snprintf(name, sizeof name, ".pageout.tmp.%ld", (long)getpid());
	if (!(path = fs_join(dir, name)))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0)
		unlink(path);
	free(path);
	return fd;
}

/* Moves len bytes between memory and the file at `pos`, whole or -1. */
static int move_all(int fd, char *at, size_t len, off_t pos, int out)
{
	while (len) {
		size_t part = len < ((size_t)1 << 30) ? len : (size_t)1 << 30;
		ssize_t k = out ? pwrite(fd, at, part, pos) : pread(fd, at, part, pos);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		at += k;
		len -= (size_t)k;
		pos += k;
	}
	return 0;
}

int pageout_worth(const size_t *len, size_t n)
{
	size_t bytes = 0;

	for (size_t i = 0; i < n; i++)
		bytes += len[i];
	return bytes >= PAGEOUT_FROM;
}

void pageout_begin(struct pageout *po, const char *dir, void *const *at, const size_t *len,
		   size_t n)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	off_t pos = 0;

	memset(po, 0, sizeof *po);
	po->fd = -1;
	if (!pageout_worth(len, n) || n > PAGEOUT_PARTS || !dir || (po->fd = unnamed_file(dir)) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uintptr_t a = ((uintptr_t)at[i] + page - 1) & ~(page - 1);
		uintptr_t e = ((uintptr_t)at[i] + len[i]) & ~(page - 1);
		if (!at[i] || e <= a)
			continue;
		po->at[po->n] = (char *)a;
		po->len[po->n] = e - a;
		if (move_all(po->fd, po->at[po->n], po->len[po->n], pos, 1)) {
			/* a full disk: nothing released, nothing to read back */
			close(po->fd);
			memset(po, 0, sizeof *po);
			po->fd = -1;
			return;
		}
		pos += (off_t)po->len[po->n++];
	}
	for (size_t i = 0; i < po->n; i++) {
		(void)madvise(po->at[i], po->len[i], MADV_DONTNEED);
		po->bytes += po->len[i];
	}
}

int pageout_end(struct pageout *po, struct error *err)
{
	off_t pos = 0;
	int rc = 0;

	for (size_t i = 0; i < po->n && !rc; i++) {
		errno = 0;
		if (move_all(po->fd, po->at[i], po->len[i], pos, 0))
			rc = error_set(err, NULL, "reading back memory paged out: %s",
				       errno ? strerror(errno) : "file cut short");
		pos += (off_t)po->len[i];
	}
	if (po->fd >= 0)
		close(po->fd);
	memset(po, 0, sizeof *po);
	po->fd = -1;
	return rc;
}
