/*
 * testutil: the temporary folder the unit tests write their fixtures into.
 *
 * A test program that needs files passes testutil_make_dir and
 * testutil_remove_dir to cmocka_run_group_tests() (or calls them itself):
 * the first makes a fresh mkdtemp(3) folder /tmp/related-PROGRAM-XXXXXX,
 * the second removes it with everything in it, never following a symbolic
 * link (a test may leave a link loop behind). One folder per program at a
 * time; it exists between the two calls.
 */
#ifndef RELATED_TESTUTIL_H
#define RELATED_TESTUTIL_H

/* Makes the folder; 0, or -1 with errno set. `state` is unused (cmocka's
 * group setup signature). */
int testutil_make_dir(void **state);

/* Removes the folder and all below it; 0, or -1 when something could not be
 * removed. */
int testutil_remove_dir(void **state);

/* The folder's path (valid between the two calls). */
const char *testutil_dir(void);

/* "FOLDER/name", in one of four rotating static buffers, so that up to four
 * results can be used together. */
const char *testutil_path(const char *name);

#endif
