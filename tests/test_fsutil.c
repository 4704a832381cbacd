/*
 * Tests for fsutil: atomic replacement without leftovers, clean failure,
 * nested folder creation, path joining and dirname. Fixtures live in a fresh
 * mkdtemp(3) directory that is removed afterwards.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "fsutil.h"
#include "testutil.h"

/* Reads a whole small file into out (NUL-terminated); returns its length or
 * -1 when it cannot be opened. */
static long slurp(const char *path, char *out, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f)
		return -1;
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
	return (long)n;
}

/* Number of entries in folder `path` other than "." and "..". */
static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static void test_write_atomic_creates_file(void **state)
{
	struct error err = { "" };
	char got[64];
	char sub[512];

	(void)state;
	snprintf(sub, sizeof sub, "%s", testutil_path("create"));
	assert_int_equal(mkdir(sub, 0777), 0);
	snprintf(sub, sizeof sub, "%s", testutil_path("create/out.txt"));
	assert_int_equal(fs_write_atomic(sub, "hello\n", 6, &err), 0);
	assert_string_equal(err.message, "");
	assert_int_equal(slurp(sub, got, sizeof got), 6);
	assert_string_equal(got, "hello\n");
	assert_int_equal(count_entries(testutil_path("create")), 1);
}

static void test_write_atomic_replaces_content_and_leaves_no_temporary(void **state)
{
	struct error err = { "" };
	char got[64], path[512];

	(void)state;
	assert_int_equal(mkdir(testutil_path("replace"), 0777), 0);
	snprintf(path, sizeof path, "%s", testutil_path("replace/data"));
	assert_int_equal(fs_write_atomic(path, "a much longer first version", 27, &err), 0);
	assert_int_equal(fs_write_atomic(path, "short", 5, &err), 0);
	/* replaced whole, not overwritten in place */
	assert_int_equal(slurp(path, got, sizeof got), 5);
	assert_string_equal(got, "short");
	assert_int_equal(count_entries(testutil_path("replace")), 1);
}

/* A large file (its release is left to a thread of its own) is replaced
 * whole too: the path gives the new content, a reader that had the old
 * file open still reads it, and the old file has no name left. */
static void test_write_atomic_replaces_a_large_file(void **state)
{
	struct error err = { "" };
	size_t big = (size_t)3 << 20;
	char *data = malloc(big), got[64], path[512];
	struct stat st;
	int fd;

	(void)state;
	assert_non_null(data);
	memset(data, 'o', big);
	assert_int_equal(mkdir(testutil_path("large"), 0777), 0);
	snprintf(path, sizeof path, "%s", testutil_path("large/data"));
	assert_int_equal(fs_write_atomic(path, data, big, &err), 0);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fs_write_atomic(path, "new", 3, &err), 0);
	assert_int_equal(slurp(path, got, sizeof got), 3);
	assert_string_equal(got, "new");
	assert_int_equal(count_entries(testutil_path("large")), 1);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, (off_t)big);
	assert_int_equal(st.st_nlink, 0);
	assert_int_equal(pread(fd, got, 4, (off_t)big - 4), 4);
	assert_memory_equal(got, "oooo", 4);
	close(fd);
	/* and again over a large one: the new one's content */
	assert_int_equal(fs_write_atomic(path, data, big, &err), 0);
	assert_int_equal(fs_write_atomic(path, data, big / 2, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, (off_t)(big / 2));
	free(data);
}

static void test_write_atomic_writes_empty_and_binary_data(void **state)
{
	struct error err = { "" };
	char got[64], path[512];
	static const char bin[] = { 'a', '\0', 'b', '\n', (char)0xff };

	(void)state;
	assert_int_equal(mkdir(testutil_path("bin"), 0777), 0);
	snprintf(path, sizeof path, "%s", testutil_path("bin/empty"));
	assert_int_equal(fs_write_atomic(path, "", 0, &err), 0);
	assert_int_equal(slurp(path, got, sizeof got), 0);
	snprintf(path, sizeof path, "%s", testutil_path("bin/bytes"));
	assert_int_equal(fs_write_atomic(path, bin, sizeof bin, &err), 0);
	assert_int_equal(slurp(path, got, sizeof got), (long)sizeof bin);
	assert_memory_equal(got, bin, sizeof bin);
}

static void test_write_atomic_fails_cleanly_in_missing_folder(void **state)
{
	struct error err = { "" };
	char path[512];

	(void)state;
	snprintf(path, sizeof path, "%s", testutil_path("no-such-folder/out.txt"));
	assert_int_equal(fs_write_atomic(path, "x", 1, &err), -1);
	/* the message names the file */
	assert_non_null(strstr(err.message, path));
	assert_true(strlen(err.message) > strlen(path) + 2);
	assert_int_equal(access(testutil_path("no-such-folder"), F_OK), -1);
}

static void test_write_atomic_failure_keeps_old_content(void **state)
{
	struct error err = { "" };
	char got[64], path[512];

	(void)state;
	/* renaming a file over a non-empty folder fails: the folder stays and
	 * the temporary file must not be left behind */
	assert_int_equal(mkdir(testutil_path("keep"), 0777), 0);
	assert_int_equal(mkdir(testutil_path("keep/target"), 0777), 0);
	snprintf(path, sizeof path, "%s", testutil_path("keep/target/inside"));
	assert_int_equal(fs_write_atomic(path, "old", 3, &err), 0);
	snprintf(path, sizeof path, "%s", testutil_path("keep/target"));
	assert_int_equal(fs_write_atomic(path, "new", 3, &err), -1);
	assert_non_null(strstr(err.message, path));
	assert_int_equal(count_entries(testutil_path("keep")), 1);
	assert_int_equal(slurp(testutil_path("keep/target/inside"), got, sizeof got), 3);
	assert_string_equal(got, "old");
}

/* A stream's pieces, across more than one buffer's worth, arrive whole
 * and in order, under the final name only after the commit. */
static void test_stream_writes_pieces_across_buffers_in_order(void **state)
{
	struct error err = { "" };
	struct fs_stream s;
	char path[512];
	size_t total = FS_STREAM_PIECE * 2 + 12345, got = 0;
	unsigned char piece[1000];
	FILE *f;
	int c;

	(void)state;
	assert_int_equal(mkdir(testutil_path("stream"), 0777), 0);
	snprintf(path, sizeof path, "%s", testutil_path("stream/out"));
	assert_int_equal(fs_stream_open(&s, path, &err), 0);
	for (size_t i = 0; i < total; i += sizeof piece) {
		size_t n = total - i < sizeof piece ? total - i : sizeof piece;
		for (size_t k = 0; k < n; k++)
			piece[k] = (unsigned char)((i + k) % 251);
		fs_stream_write(&s, piece, n);
	}
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(fs_stream_commit(&s, &err), 0);
	assert_int_equal(count_entries(testutil_path("stream")), 1);
	f = fopen(path, "rb");
	assert_non_null(f);
	while ((c = getc(f)) != EOF) {
		assert_int_equal(c, (int)(got % 251));
		got++;
	}
	fclose(f);
	assert_int_equal(got, total);
}

/* A failure given to the stream is what the commit reports; nothing is
 * left behind and the old file stays. */
static void test_stream_failure_is_reported_at_commit_and_keeps_old(void **state)
{
	struct error err = { "" };
	struct fs_stream s;
	char got[64], path[512];

	(void)state;
	assert_int_equal(mkdir(testutil_path("sfail"), 0777), 0);
	snprintf(path, sizeof path, "%s", testutil_path("sfail/out"));
	assert_int_equal(fs_write_atomic(path, "old", 3, &err), 0);
	assert_int_equal(fs_stream_open(&s, path, &err), 0);
	fs_stream_write(&s, "new", 3);
	fs_stream_fail(&s, ENOSPC);
	fs_stream_write(&s, "more", 4);
	assert_int_equal(fs_stream_commit(&s, &err), -1);
	assert_non_null(strstr(err.message, path));
	assert_non_null(strstr(err.message, strerror(ENOSPC)));
	assert_int_equal(count_entries(testutil_path("sfail")), 1);
	assert_int_equal(slurp(path, got, sizeof got), 3);
	assert_string_equal(got, "old");
	/* abort leaves the old file too */
	assert_int_equal(fs_stream_open(&s, path, &err), 0);
	fs_stream_write(&s, "new", 3);
	fs_stream_abort(&s);
	assert_int_equal(count_entries(testutil_path("sfail")), 1);
	assert_int_equal(slurp(path, got, sizeof got), 3);
}

static void test_mkdir_p_creates_nested_folders(void **state)
{
	struct error err = { "" };
	struct stat st;

	(void)state;
	assert_int_equal(fs_mkdir_p(testutil_path("m/a/b/c"), &err), 0);
	assert_int_equal(stat(testutil_path("m/a/b/c"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* again: everything exists, still success */
	assert_int_equal(fs_mkdir_p(testutil_path("m/a/b/c"), &err), 0);
	/* trailing slash */
	assert_int_equal(fs_mkdir_p(testutil_path("m/a/x/"), &err), 0);
	assert_int_equal(stat(testutil_path("m/a/x"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

static void test_mkdir_p_creates_relative_path(void **state)
{
	struct error err = { "" };
	char cwd[1024];
	struct stat st;

	(void)state;
	assert_non_null(getcwd(cwd, sizeof cwd));
	assert_int_equal(chdir(testutil_dir()), 0);
	assert_int_equal(fs_mkdir_p("rel/one/two", &err), 0);
	assert_int_equal(chdir(cwd), 0);
	assert_int_equal(stat(testutil_path("rel/one/two"), &st), 0);
	assert_true(S_ISDIR(st.st_mode));
}

static void test_mkdir_p_fails_below_a_file(void **state)
{
	struct error err = { "" };
	char path[512];
	FILE *f = fopen(testutil_path("plain"), "w");

	(void)state;
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof path, "%s", testutil_path("plain/sub"));
	assert_int_equal(fs_mkdir_p(path, &err), -1);
	assert_true(strlen(err.message) > 0);
}

static void test_mkdir_p_fails_when_path_is_a_file(void **state)
{
	struct error err = { "" };
	FILE *f = fopen(testutil_path("file-not-folder"), "w");

	(void)state;
	assert_non_null(f);
	fclose(f);
	/* the folder cannot be created: a file is in the way */
	assert_int_equal(fs_mkdir_p(testutil_path("file-not-folder"), &err), -1);
	assert_true(strlen(err.message) > 0);
}

static void test_join_uses_one_slash(void **state)
{
	static const struct {
		const char *dir, *name, *want;
	} cases[] = {
		{ "out", "related.jsonl", "out/related.jsonl" },
		{ "out/", "related.jsonl", "out/related.jsonl" },
		{ "/", "etc", "/etc" },
		{ "a/b", "c/d.html", "a/b/c/d.html" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = fs_join(cases[i].dir, cases[i].name);
		assert_non_null(p);
		assert_string_equal(p, cases[i].want);
		free(p);
	}
}

static void test_dirname_cases(void **state)
{
	static const struct {
		const char *path, *want;
	} cases[] = {
		{ "a/b/c.html", "a/b" },
		{ "c.html", "." },
		{ "/c.html", "/" },
		{ "/abs/dir/file", "/abs/dir" },
		{ "./x.jsonl", "." },
		{ "../m/x.jsonl", "../m" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *p = fs_dirname(cases[i].path);
		assert_non_null(p);
		assert_string_equal(p, cases[i].want);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_atomic_creates_file),
		cmocka_unit_test(test_write_atomic_replaces_content_and_leaves_no_temporary),
		cmocka_unit_test(test_write_atomic_replaces_a_large_file),
		cmocka_unit_test(test_write_atomic_writes_empty_and_binary_data),
		cmocka_unit_test(test_write_atomic_fails_cleanly_in_missing_folder),
		cmocka_unit_test(test_write_atomic_failure_keeps_old_content),
		cmocka_unit_test(test_stream_writes_pieces_across_buffers_in_order),
		cmocka_unit_test(test_stream_failure_is_reported_at_commit_and_keeps_old),
		cmocka_unit_test(test_mkdir_p_creates_nested_folders),
		cmocka_unit_test(test_mkdir_p_creates_relative_path),
		cmocka_unit_test(test_mkdir_p_fails_below_a_file),
		cmocka_unit_test(test_mkdir_p_fails_when_path_is_a_file),
		cmocka_unit_test(test_join_uses_one_slash),
		cmocka_unit_test(test_dirname_cases),
	};

	return cmocka_run_group_tests(tests, testutil_make_dir, testutil_remove_dir);
}
