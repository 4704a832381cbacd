/*
 * read: one input file's bytes into memory.
 *
 * The file is opened with O_NONBLOCK so that naming a FIFO cannot hang the
 * run, then fstat() on the open descriptor decides whether it is a regular
 * file (checking the descriptor rather than the path leaves no window for the
 * path to change in between). Symlinks are followed: the user named the path.
 *
 * The raw bytes are read whole (they are bounded by the limit), and when they
 * start with the gzip magic 1f 8b they are inflated into the caller's buffer
 * with the same limit on the output, so a small file that expands without
 * end is refused after `limit` bytes of output rather than followed. Members
 * of a multi-member gzip file (as `cat a.gz b.gz` makes) are decompressed in
 * turn; bytes after the last member that are not another member are ignored,
 * as gzip(1) ignores them, because the content before them is complete.
 */
#include "read.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Bytes asked of read(2) or produced by inflate() per step. */
#define READ_CHUNK ((size_t)64 << 10)

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of an unsupported type";
}

/* Reads all of `fd` into `out`, failing once more than `limit` bytes have
 * arrived. `size_hint` (the size fstat() reported) only presizes the buffer;
 * the limit is enforced on what read(2) actually returns, since a file can
 * grow while it is read. */
static int read_all(int fd, const char *path, size_t limit, size_t size_hint,
		    struct buf *out, struct error *err)
{
	/* One spare byte so that the read that sees end of file needs no
	 * growth when the hint was right. */
	if (size_hint && buf_grow(out, size_hint + 1) < 0)
		return error_set(err, path, "out of memory reading %zu bytes",
				 size_hint);
	for (;;) {
		size_t want = out->cap ? out->cap - out->len - 1 : 0;
		ssize_t n;

		if (want == 0)
			want = READ_CHUNK;
		/* Ask for at most one byte past the limit: enough to tell
		 * "exactly at the limit" from "over it". */
		if (limit - out->len < want - 1)
			want = limit - out->len + 1;
		if (buf_grow(out, want) < 0)
			return error_set(err, path, "out of memory");
		n = read(fd, out->data + out->len, want);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return error_set(err, path, "cannot read: %s",
					 strerror(errno));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
		if (out->len > limit)
			return error_set(err, path,
					 "file size exceeds %zu bytes", limit);
	}
	return 0;
}

static int is_gzip(const char *p, size_t len)
{
	return len >= 2 && (unsigned char)p[0] == 0x1f &&
	       (unsigned char)p[1] == 0x8b;
}

/* Inflates the gzip data in `in` (one or more members) into `out`, allowing
 * at most `limit` bytes of output. */
static int gunzip(const struct buf *in, const char *path, size_t limit,
		  struct buf *out, struct error *err)
{
	z_stream zs;
	size_t pos = 0; /* bytes of `in` consumed so far */
	int rc, ret = 0;

	memset(&zs, 0, sizeof zs);
	/* 15 + 32: largest window, and accept a gzip or zlib header. */
	if (inflateInit2(&zs, 15 + 32) != Z_OK)
		return error_set(err, path, "cannot initialise zlib: %s",
				 zs.msg ? zs.msg : "out of memory");

	for (;;) {
		size_t room = READ_CHUNK, before;
		size_t in_chunk = in->len - pos;

		/* zlib counts in uInt; feed large inputs in pieces. */
		if (in_chunk > UINT_MAX)
			in_chunk = UINT_MAX;
		if (limit - out->len < room - 1)
			room = limit - out->len + 1;
		if (buf_grow(out, room) < 0) {
			ret = error_set(err, path, "out of memory");
			break;
		}
		zs.next_in = (Bytef *)(uintptr_t)(in->data + pos);
		zs.avail_in = (uInt)in_chunk;
		zs.next_out = (Bytef *)(out->data + out->len);
		zs.avail_out = (uInt)room;
		before = zs.avail_in;

		rc = inflate(&zs, Z_NO_FLUSH);
		pos += before - zs.avail_in;
		out->len += room - zs.avail_out;
		out->data[out->len] = '\0';

		if (out->len > limit) {
			ret = error_set(err, path,
					"decompressed size exceeds %zu bytes",
					limit);
			break;
		}
		if (rc == Z_STREAM_END) {
			/* Another member follows? Then start over on it. */
			if (is_gzip(in->data + pos, in->len - pos)) {
				if (inflateReset(&zs) != Z_OK) {
					ret = error_set(err, path,
							"cannot reset zlib");
					break;
				}
				continue;
			}
			break;
		}
		if (rc == Z_DATA_ERROR) {
			ret = error_set(err, path, "corrupt gzip data: %s",
					zs.msg ? zs.msg : "invalid stream");
			break;
		}
		if (rc == Z_MEM_ERROR) {
			ret = error_set(err, path, "out of memory in zlib");
			break;
		}
		if (rc == Z_NEED_DICT) {
			ret = error_set(err, path,
					"corrupt gzip data: needs a dictionary");
			break;
		}
		/* Z_OK or Z_BUF_ERROR: progress is possible only while input
		 * remains or the output space was filled. */
		if (pos == in->len && zs.avail_out != 0) {
			ret = error_set(err, path,
					"truncated gzip data (unexpected end "
					"of file)");
			break;
		}
	}
	inflateEnd(&zs);
	return ret;
}

int read_file(const char *path, size_t limit, struct buf *out,
	      struct error *err)
{
	struct buf raw = BUF_INIT;
	struct stat st;
	size_t hint;
	int fd, flags, ret;

	buf_reset(out);
	/* O_NONBLOCK: opening a FIFO with no writer must not block; it is
	 * refused below and never read. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return error_set(err, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) < 0) {
		ret = error_set(err, path, "cannot stat: %s", strerror(errno));
		close(fd);
		return ret;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return error_set(err, path, "is %s, not a regular file",
				 file_kind(st.st_mode));
	}
	if ((uintmax_t)st.st_size > limit) {
		close(fd);
		return error_set(err, path, "file size exceeds %zu bytes",
				 limit);
	}
	/* Regular files ignore O_NONBLOCK, but clear it anyway so the reads
	 * below are ordinary blocking reads on every file system. */
	flags = fcntl(fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);

	hint = (size_t)st.st_size;
	ret = read_all(fd, path, limit, hint, &raw, err);
	close(fd);
	if (ret == 0) {
		if (is_gzip(raw.data, raw.len)) {
			ret = gunzip(&raw, path, limit, out, err);
			buf_release(&raw);
		} else {
			/* Hand the bytes over without copying. */
			buf_release(out);
			*out = raw;
			buf_init(&raw);
		}
	}
	if (ret < 0) {
		buf_release(&raw);
		buf_release(out);
	}
	return ret;
}
