/*
 * testutil: the unit tests' temporary folder (see testutil.h).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "testutil.h"

#include <errno.h> /* program_invocation_short_name */
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

static char folder[512];

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

int testutil_make_dir(void **state)
{
	(void)state;
	snprintf(folder, sizeof folder, "/tmp/related-%s-XXXXXX",
		 program_invocation_short_name);
	return mkdtemp(folder) ? 0 : -1;
}

/* Removes path and all below it; a symbolic link is removed, never followed. */
static int remove_tree(const char *path)
{
	return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int testutil_remove_dir(void **state)
{
	(void)state;
	return remove_tree(folder);
}

const char *testutil_dir(void)
{
	return folder;
}

const char *testutil_path(const char *name)
{
	static char paths[4][1024];
	static unsigned next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof paths[0], "%s/%s", folder, name);
	return p;
}
