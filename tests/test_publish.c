/*
 * Tests for publish: the id -> path mapping (no id escapes related/, the
 * mapping is reversible), run folders, the `current` switch and pruning in
 * a fresh mkdtemp(3) folder; and progress_format(), the line progress shows.
 */
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

#include "buf.h"
#include "fsutil.h"
#include "progress.h"
#include "publish.h"
#include "testutil.h"

static void assert_path(const char *id, const char *want)
{
	struct buf b = BUF_INIT;

	assert_int_equal(publish_id_path(id, &b), 0);
	assert_string_equal(b.data, want);
	buf_release(&b);
}

static void test_ordinary_ids_keep_their_folders(void **state)
{
	(void)state;
	assert_path("column1/2017/04/putin", "column1/2017/04/putin.json");
	assert_path("plain", "plain.json");
	assert_path("caf\xc3\xa9 story", "caf\xc3\xa9 story.json");
}

static void test_no_id_escapes_the_folder(void **state)
{
	(void)state;
	assert_path("..", "%2E%2E.json");
	assert_path("../../etc/passwd", "%2E%2E/%2E%2E/etc/passwd.json");
	assert_path("a/./b", "a/%2E/b.json");
	assert_path("/etc/passwd", "%2Fetc/passwd.json");
	assert_path("a//b", "a%2F/b.json");
	assert_path("a/", "a%2F.json");
	assert_path("100%\\x", "100%25%5Cx.json");
	assert_path("tab\there\x01", "tab%09here%01.json");
	assert_path("...", "....json"); /* not a special name */
}

static void test_too_long_name_is_refused(void **state)
{
	char id[400];
	struct buf b = BUF_INIT;

	(void)state;
	memset(id, 'x', sizeof id - 1);
	id[sizeof id - 1] = '\0';
	assert_int_equal(publish_id_path(id, &b), -2);
	buf_release(&b);
}

static void test_switch_and_prune_keep_the_newest(void **state)
{
	const char *names[] = { "20260101T000000Z", "20260101T000000Z-001",
				"20260102T000000Z", "20260103T000000Z" };
	const char *dir;
	char path[512], link[512];
	struct error err = { "" };
	struct stat st;
	ssize_t n;

	(void)state;
	assert_int_equal(testutil_make_dir(NULL), 0);
	dir = testutil_dir();
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/runs/%s", dir, names[i]);
		assert_int_equal(fs_mkdir_p(path, &err), 0);
	}
	snprintf(path, sizeof path, "%s/runs/keep-me", dir);
	assert_int_equal(fs_mkdir_p(path, &err), 0);
	/* current names an old run: it survives pruning */
	assert_int_equal(publish_switch_current(dir, names[0], &err), 0);
	snprintf(path, sizeof path, "%s/current", dir);
	n = readlink(path, link, sizeof link - 1);
	assert_true(n > 0);
	link[n] = '\0';
	assert_string_equal(link, "runs/20260101T000000Z");
	assert_int_equal(publish_prune(dir, 2, &err), 0);
	snprintf(path, sizeof path, "%s/runs/%s", dir, names[0]);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/runs/%s", dir, names[1]);
	assert_int_equal(stat(path, &st), -1);
	snprintf(path, sizeof path, "%s/runs/%s", dir, names[3]);
	assert_int_equal(stat(path, &st), 0);
	snprintf(path, sizeof path, "%s/runs/keep-me", dir); /* not ours */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(testutil_remove_dir(NULL), 0);
}

static void test_progress_line(void **state)
{
	char line[128];

	(void)state;
	progress_format(line, sizeof line, "rank", 500, 1000, 2.0);
	assert_string_equal(line, "rank 500/1000 250/s ETA 0:02");
	progress_format(line, sizeof line, "extract", 10, 0, 0.0);
	assert_string_equal(line, "extract 10");
	progress_format(line, sizeof line, "rank", 1000, 91000, 1.0);
	assert_string_equal(line, "rank 1000/91000 1000/s ETA 1:30");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ordinary_ids_keep_their_folders),
		cmocka_unit_test(test_no_id_escapes_the_folder),
		cmocka_unit_test(test_too_long_name_is_refused),
		cmocka_unit_test(test_switch_and_prune_keep_the_newest),
		cmocka_unit_test(test_progress_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
