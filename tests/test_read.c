/*
 * Tests for read: plain and gzip files, limits, hostile and broken inputs.
 * Every fixture is written into a fresh mkdtemp(3) directory, gzip data with
 * zlib, and the directory is removed afterwards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "read.h"
#include "testutil.h"

static const char *write_file(const char *name, const void *data, size_t len)
{
	const char *path = testutil_path(name);
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Compresses `len` bytes as one gzip member into `out` (malloc'd). */
static size_t gzip_bytes(const void *data, size_t len, unsigned char **out)
{
	z_stream zs;
	size_t cap;
	unsigned char *p;

	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9,
				      Z_DEFAULT_STRATEGY),
			 Z_OK);
	cap = deflateBound(&zs, (uLong)len) + 64;
	p = malloc(cap);
	assert_non_null(p);
	zs.next_in = (Bytef *)(uintptr_t)data;
	zs.avail_in = (uInt)len;
	zs.next_out = p;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	len = zs.total_out;
	deflateEnd(&zs);
	*out = p;
	return len;
}

static const char *write_gzip(const char *name, const void *data, size_t len)
{
	unsigned char *gz;
	size_t n = gzip_bytes(data, len, &gz);
	const char *path = write_file(name, gz, n);

	free(gz);
	return path;
}

static void test_read_plain_file(void **state)
{
	static const char page[] = "<html><body><p>Tillerson in Moscow</p>";
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	const char *path = write_file("plain.html", page, sizeof page - 1);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_int_equal(out.len, sizeof page - 1);
	assert_memory_equal(out.data, page, out.len);
	assert_int_equal(out.data[out.len], '\0');
	assert_string_equal(err.message, "");
	buf_release(&out);
}

static void test_read_empty_file(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	const char *path = write_file("empty.html", "", 0);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_int_equal(out.len, 0);
	assert_string_equal(out.data, "");
	buf_release(&out);
}

static void test_read_resets_output_first(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	assert_int_equal(buf_adds(&out, "stale"), 0);
	const char *path = write_file("fresh.html", "fresh", 5);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_string_equal(out.data, "fresh");
	buf_release(&out);
}

static void test_read_gzip_transparent(void **state)
{
	static const char page[] = "<html><p>compressed story</p></html>";
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	/* The name says nothing about gzip: detection is by magic bytes. */
	const char *path = write_gzip("page.html", page, sizeof page - 1);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_int_equal(out.len, sizeof page - 1);
	assert_memory_equal(out.data, page, out.len);
	buf_release(&out);
}

static void test_read_gzip_large_output(void **state)
{
	/* Larger than one inflate step, so output arrives in pieces. */
	size_t len = (size_t)1 << 20;
	char *page = malloc(len);
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	assert_non_null(page);
	for (size_t i = 0; i < len; i++)
		page[i] = (char)('a' + (i * 7919) % 26);
	const char *path = write_gzip("large.html.gz", page, len);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_int_equal(out.len, len);
	assert_memory_equal(out.data, page, len);
	free(page);
	buf_release(&out);
}

static void test_read_gzip_concatenated_members(void **state)
{
	unsigned char *a, *b, *both;
	size_t na = gzip_bytes("first half, ", 12, &a);
	size_t nb = gzip_bytes("second half", 11, &b);
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	both = malloc(na + nb);
	assert_non_null(both);
	memcpy(both, a, na);
	memcpy(both + na, b, nb);
	const char *path = write_file("two.html.gz", both, na + nb);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_string_equal(out.data, "first half, second half");
	free(a);
	free(b);
	free(both);
	buf_release(&out);
}

static void test_read_gzip_empty_member(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	const char *path = write_gzip("empty.html.gz", "", 0);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

static void test_read_refuses_directory(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };
	const char *path = testutil_path("subdir");

	(void)state;
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, path));
	assert_non_null(strstr(err.message, "directory"));
	assert_int_equal(out.len, 0);
}

static void test_read_refuses_fifo_without_blocking(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };
	const char *path = testutil_path("fifo");

	(void)state;
	assert_int_equal(mkfifo(path, 0600), 0);
	/* Nobody writes to the FIFO: a blocking open would hang here. */
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, "FIFO"));
	assert_non_null(strstr(err.message, "not a regular file"));
}

static void test_read_refuses_device(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	assert_int_equal(read_file("/dev/zero", READ_DEFAULT_LIMIT, &out, &err),
			 -1);
	assert_non_null(strstr(err.message, "/dev/zero"));
	assert_non_null(strstr(err.message, "character device"));
}

static void test_read_follows_symlink_to_file(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };
	char target[512];

	(void)state;
	snprintf(target, sizeof target, "%s", write_file("target.html", "t", 1));
	const char *link = testutil_path("link.html");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(read_file(link, READ_DEFAULT_LIMIT, &out, &err), 0);
	assert_string_equal(out.data, "t");
	buf_release(&out);
}

static void test_read_missing_file_names_path(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };
	const char *path = testutil_path("no-such-file.html");

	(void)state;
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, path));
	assert_non_null(strstr(err.message, "No such file"));
}

static void test_read_size_limit(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	const char *path = write_file("ten.html", "0123456789", 10);
	/* Exactly at the limit is fine... */
	assert_int_equal(read_file(path, 10, &out, &err), 0);
	assert_int_equal(out.len, 10);
	/* ...one byte over is not, and the buffer is left empty. */
	assert_int_equal(read_file(path, 9, &out, &err), -1);
	assert_non_null(strstr(err.message, "exceeds 9 bytes"));
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

static void test_read_gzip_bomb_refused(void **state)
{
	/* 16 MiB of zeros compress to a few KiB. */
	size_t len = (size_t)16 << 20;
	char *zeros = calloc(1, len);
	struct buf out = BUF_INIT;
	struct error err = { "" };
	struct stat st;

	(void)state;
	assert_non_null(zeros);
	const char *path = write_gzip("bomb.html.gz", zeros, len);
	free(zeros);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size < (off_t)(1 << 20)); /* under the limit */
	assert_int_equal(read_file(path, (size_t)1 << 20, &out, &err), -1);
	assert_non_null(
		strstr(err.message, "decompressed size exceeds 1048576 bytes"));
	assert_int_equal(out.len, 0);
}

static void test_read_gzip_exactly_at_limit(void **state)
{
	char page[4096];
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	memset(page, 'x', sizeof page);
	const char *path = write_gzip("exact.html.gz", page, sizeof page);
	assert_int_equal(read_file(path, sizeof page, &out, &err), 0);
	assert_int_equal(out.len, sizeof page);
	assert_int_equal(read_file(path, sizeof page - 1, &out, &err), -1);
	assert_non_null(strstr(err.message, "decompressed size exceeds"));
	buf_release(&out);
}

static void test_read_truncated_gzip_fails(void **state)
{
	static const char page[] =
		"<html><p>a story long enough to be cut in the middle of its "
		"deflate stream</p></html>";
	unsigned char *gz;
	size_t n = gzip_bytes(page, sizeof page - 1, &gz);
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	const char *path = write_file("cut.html.gz", gz, n / 2);
	free(gz);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, "truncated gzip"));
	assert_int_equal(out.len, 0);
}

static void test_read_gzip_missing_trailer_fails(void **state)
{
	static const char page[] = "<html><p>short</p></html>";
	unsigned char *gz;
	size_t n = gzip_bytes(page, sizeof page - 1, &gz);
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	/* Drop the CRC and length: the data inflates but is unverified. */
	const char *path = write_file("notrailer.html.gz", gz, n - 8);
	free(gz);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, "truncated gzip"));
}

static void test_read_corrupt_gzip_fails(void **state)
{
	static const char page[] = "<html><p>checked by CRC-32</p></html>";
	unsigned char *gz;
	size_t n = gzip_bytes(page, sizeof page - 1, &gz);
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	gz[n - 6] ^= 0xFF; /* inside the CRC-32 of the trailer */
	const char *path = write_file("bad.html.gz", gz, n);
	free(gz);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, "corrupt gzip data"));
	assert_int_equal(out.len, 0);
}

static void test_read_gzip_magic_only_fails(void **state)
{
	struct buf out = BUF_INIT;
	struct error err = { "" };

	(void)state;
	const char *path = write_file("magic.html.gz", "\x1f\x8b", 2);
	assert_int_equal(read_file(path, READ_DEFAULT_LIMIT, &out, &err), -1);
	assert_non_null(strstr(err.message, "gzip"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_plain_file),
		cmocka_unit_test(test_read_empty_file),
		cmocka_unit_test(test_read_resets_output_first),
		cmocka_unit_test(test_read_gzip_transparent),
		cmocka_unit_test(test_read_gzip_large_output),
		cmocka_unit_test(test_read_gzip_concatenated_members),
		cmocka_unit_test(test_read_gzip_empty_member),
		cmocka_unit_test(test_read_refuses_directory),
		cmocka_unit_test(test_read_refuses_fifo_without_blocking),
		cmocka_unit_test(test_read_refuses_device),
		cmocka_unit_test(test_read_follows_symlink_to_file),
		cmocka_unit_test(test_read_missing_file_names_path),
		cmocka_unit_test(test_read_size_limit),
		cmocka_unit_test(test_read_gzip_bomb_refused),
		cmocka_unit_test(test_read_gzip_exactly_at_limit),
		cmocka_unit_test(test_read_truncated_gzip_fails),
		cmocka_unit_test(test_read_gzip_missing_trailer_fails),
		cmocka_unit_test(test_read_corrupt_gzip_fails),
		cmocka_unit_test(test_read_gzip_magic_only_fails),
	};

	return cmocka_run_group_tests(tests, testutil_make_dir, testutil_remove_dir);
}
