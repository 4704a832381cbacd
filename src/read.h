/*
 * read: an input file's bytes in memory, with a size limit; gzip files
 * (detected by their magic bytes, not their name) are decompressed
 * transparently, with the same limit applied to the decompressed size so that
 * a gzip bomb is refused rather than followed.
 *
 * Only the named path is opened; nothing else is ever read.
 */
#ifndef RELATED_READ_H
#define RELATED_READ_H

#include <stddef.h>

#include "buf.h"
#include "log.h"

/* Default limit on a page's (decompressed) size. */
#define READ_DEFAULT_LIMIT ((size_t)64 << 20)

/* Reads `path` into `out` (reset first). Fails with a message naming the path
 * when the file cannot be opened or read, is not a regular file, exceeds
 * `limit` bytes (before or after decompression), or is corrupt gzip. On
 * failure `out` is empty. */
int read_file(const char *path, size_t limit, struct buf *out,
	      struct error *err);

#endif
