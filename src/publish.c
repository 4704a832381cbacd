/*
 * publish: run folders, per-story files and the `current` switch. Files in
 * a run folder are written plainly and synced once with syncfs(2) before
 * the switch: until then nobody reads the folder, so per-file atomic writes
 * (an fsync each, 100k of them) would buy nothing.
 */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fsutil.h"
#include "output.h"

#define NAME_MAX_BYTES 240

static int add_escaped(struct buf *out, unsigned char c)
{
	return buf_printf(out, "%%%02X", c);
}

int publish_id_path(const char *id, struct buf *out)
{
	size_t seg_start = out->len;
	const char *raw = id;
	int rc = 0;

	for (const char *p = id;; p++) {
		unsigned char c = (unsigned char)*p;
		int sep = c == '/' && out->len > seg_start && p[1] && p[1] != '/';

		if (c == '\0' || sep) {
			size_t n = (size_t)(p - raw);
			/* "." and ".." are names of the file system, not of a story */
			if ((n == 1 && raw[0] == '.') || (n == 2 && raw[0] == '.' && raw[1] == '.')) {
				buf_truncate(out, seg_start);
				for (size_t i = 0; i < n; i++)
					rc |= buf_adds(out, "%2E");
			}
			if (out->len - seg_start > NAME_MAX_BYTES)
				return -2;
			if (c == '\0')
				break;
			rc |= buf_addc(out, '/');
			seg_start = out->len;
			raw = p + 1;
			continue;
		}
		if (c < 0x20 || c == 0x7f || c == '%' || c == '\\' || c == '/')
			rc |= add_escaped(out, c);
		else
			rc |= buf_addc(out, (char)c);
	}
	rc |= buf_adds(out, ".json");
	return rc ? -1 : 0;
}

static int write_plain(const char *path, const void *data, size_t len, struct error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	const char *p = data;

	if (fd < 0)
		return error_set(err, path, "cannot write: %s", strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			error_set(err, path, "cannot write: %s", n < 0 ? strerror(errno) : "short write");
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd))
		return error_set(err, path, "cannot close: %s", strerror(errno));
	return 0;
}

static int is_run_name(const char *s);

/* Creates OUTDIR/runs/<UTC time>[-NNN], named after every run folder there
 * (even when runs in one second, or a clock set back, would reuse a pruned
 * name), and returns its name (malloc'd). */
static char *make_run_folder(const char *runs, struct error *err)
{
	char name[64], base[32], last[32] = "";
	time_t now = time(NULL);
	struct tm tm;
	DIR *dir = opendir(runs);
	struct dirent *de;
	int seq = 0;

	gmtime_r(&now, &tm);
	strftime(base, sizeof base, "%Y%m%dT%H%M%SZ", &tm);
	while (dir && (de = readdir(dir)))
		if (is_run_name(de->d_name) && strcmp(de->d_name, last) > 0)
			memcpy(last, de->d_name, strlen(de->d_name) + 1); /* <= 20 bytes */
	if (dir)
		closedir(dir);
	if (last[0] && strncmp(base, last, 16) <= 0) {
		memcpy(base, last, 16);
		base[16] = '\0';
		seq = (last[16] == '-' ? atoi(last + 17) : 0) + 1;
	}
	for (; seq < 1000; seq++) {
		char *path;
		int rc;

		if (seq)
			snprintf(name, sizeof name, "%s-%03d", base, seq);
		else
			snprintf(name, sizeof name, "%s", base);
		path = fs_join(runs, name);
		if (!path) {
			error_set(err, runs, "out of memory");
			return NULL;
		}
		rc = mkdir(path, 0777);
		free(path);
		if (!rc)
			return strdup(name);
		if (errno != EEXIST) {
			error_set(err, runs, "cannot create a run folder: %s", strerror(errno));
			return NULL;
		}
	}
	error_set(err, runs, "cannot create a run folder: too many runs this second");
	return NULL;
}

/* Writes every story's file below dir/related/. */
static int write_stories(const char *dir, const struct model *m,
			 const struct related_lists *l, const char *generated_at,
			 struct skip_list *skipped, struct error *err)
{
	struct buf path = BUF_INIT, line = BUF_INIT, made = BUF_INIT;
	int rc = 0;

	for (uint32_t d = 0; d < m->n_docs && !rc; d++) {
		const char *id = model_doc(m, d, MODEL_ID);
		char *slash;

		buf_reset(&path);
		buf_reset(&line);
		rc = buf_adds(&path, dir) || buf_adds(&path, "/related/");
		if (rc)
			break;
		switch (publish_id_path(id ? id : "", &path)) {
		case 0: break;
		case -2:
			if (skip_list_add(skipped, id ? id : "",
					  "id too long for a file name: no per-story file"))
				rc = error_set(err, dir, "out of memory");
			continue;
		default:
			rc = error_set(err, dir, "out of memory");
			continue;
		}
		slash = strrchr(path.data, '/');
		*slash = '\0';
		if (strcmp(made.data, path.data)) {
			rc = fs_mkdir_p(path.data, err);
			buf_reset(&made);
			rc |= buf_adds(&made, path.data);
		}
		*slash = '/';
		if (rc)
			break;
		rc = output_related_line(&line, m, l, d, generated_at);
		if (rc) {
			error_set(err, dir, "out of memory");
			break;
		}
		rc = write_plain(path.data, line.data, line.len, err);
	}
	buf_release(&path);
	buf_release(&line);
	buf_release(&made);
	return rc;
}

static int sync_folder(const char *dir, struct error *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return error_set(err, dir, "cannot open: %s", strerror(errno));
	if (syncfs(fd))
		rc = error_set(err, dir, "cannot sync: %s", strerror(errno));
	close(fd);
	return rc;
}

int publish_switch_current(const char *outdir, const char *name, struct error *err)
{
	char target[300], tmpname[64];
	char *tmp, *cur;
	int rc = 0;

	snprintf(target, sizeof target, "runs/%s", name);
	snprintf(tmpname, sizeof tmpname, "current.tmp.%ld", (long)getpid());
	tmp = fs_join(outdir, tmpname);
	cur = fs_join(outdir, "current");
	if (!tmp || !cur) {
		rc = error_set(err, outdir, "out of memory");
		goto done;
	}
	unlink(tmp);
	if (symlink(target, tmp)) {
		rc = error_set(err, tmp, "cannot create link: %s", strerror(errno));
		goto done;
	}
	if (rename(tmp, cur)) {
		rc = error_set(err, cur, "cannot switch to %s: %s", target, strerror(errno));
		unlink(tmp);
		goto done;
	}
	{
		int fd = open(outdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
	}
done:
	free(tmp);
	free(cur);
	return rc;
}

/* OUTDIR/related -> current/related, made once; left alone if something
 * else is there already (an older layout, or the user's own). */
static void link_related(const char *outdir)
{
	char *path = fs_join(outdir, "related");
	struct stat st;

	if (path && lstat(path, &st) && errno == ENOENT)
		(void)symlink("current/related", path);
	free(path);
}

static int remove_entry(const char *path, const struct stat *st, int flag,
			struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* Run folder names: 8 digits, 'T', 6 digits, 'Z', optional "-NNN". */
static int is_run_name(const char *s)
{
	size_t n = strlen(s);

	if (n != 16 && n != 20)
		return 0;
	for (size_t i = 0; i < 16; i++) {
		char c = s[i];
		if (i == 8 ? c != 'T' : i == 15 ? c != 'Z' : (c < '0' || c > '9'))
			return 0;
	}
	return n == 16 || (s[16] == '-' && strspn(s + 17, "0123456789") == 3);
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int publish_prune(const char *outdir, size_t keep, struct error *err)
{
	char *runs = fs_join(outdir, "runs"), *cur = fs_join(outdir, "current");
	char link[512];
	const char *current = NULL;
	char **names = NULL;
	size_t n = 0, cap = 0;
	ssize_t ll;
	DIR *dir;
	struct dirent *de;
	int rc = 0;

	if (!runs || !cur) {
		free(runs);
		free(cur);
		return error_set(err, outdir, "out of memory");
	}
	ll = readlink(cur, link, sizeof link - 1);
	if (ll > 0) {
		link[ll] = '\0';
		current = strrchr(link, '/') ? strrchr(link, '/') + 1 : link;
	}
	dir = opendir(runs);
	if (!dir) {
		rc = error_set(err, runs, "cannot list: %s", strerror(errno));
		goto done;
	}
	while ((de = readdir(dir))) {
		if (!is_run_name(de->d_name))
			continue;
		if (n == cap) {
			char **more = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof *names);
			if (!more) {
				rc = error_set(err, runs, "out of memory");
				break;
			}
			names = more;
		}
		if (!(names[n] = strdup(de->d_name))) {
			rc = error_set(err, runs, "out of memory");
			break;
		}
		n++;
	}
	closedir(dir);
	if (rc)
		goto done;
	qsort(names, n, sizeof *names, cmp_name);
	for (size_t i = 0; i + keep < n; i++) {
		char *path;
		if (current && !strcmp(names[i], current))
			continue;
		path = fs_join(runs, names[i]);
		if (!path || nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
			rc = error_set(err, path ? path : runs, "cannot remove old run: %s",
				       strerror(errno));
		free(path);
	}
done:
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(runs);
	free(cur);
	return rc;
}

int publish_run(const char *outdir, const struct model *m,
		const struct related_lists *l, const char *generated_at,
		const struct publish_options *po, struct skip_list *skipped,
		struct error *err)
{
	char *runs = NULL, *name = NULL, *dir = NULL, *jsonl = NULL;
	struct buf all = BUF_INIT;
	int rc = -1;

	if (!po || !po->per_story)
		return 0;
	runs = fs_join(outdir, "runs");
	if (!runs) {
		error_set(err, outdir, "out of memory");
		goto done;
	}
	if (fs_mkdir_p(runs, err) || !(name = make_run_folder(runs, err)))
		goto done;
	dir = fs_join(runs, name);
	jsonl = dir ? fs_join(dir, "related.jsonl") : NULL;
	if (!jsonl) {
		error_set(err, outdir, "out of memory");
		goto done;
	}
	for (uint32_t d = 0; d < m->n_docs; d++)
		if (output_related_line(&all, m, l, d, generated_at)) {
			error_set(err, outdir, "out of memory");
			goto done;
		}
	if (write_plain(jsonl, all.data, all.len, err) ||
	    write_stories(dir, m, l, generated_at, skipped, err) ||
	    sync_folder(dir, err) || publish_switch_current(outdir, name, err))
		goto done;
	link_related(outdir);
	rc = publish_prune(outdir, po->keep ? po->keep : 1, err);
done:
	if (rc && dir && name) {
		/* a run that never became current is of no use to anyone */
		char *cur = fs_join(outdir, "current");
		char link[512];
		ssize_t ll = cur ? readlink(cur, link, sizeof link - 1) : -1;
		if (ll < 0 || (link[ll] = '\0', !strstr(link, name)))
			nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(cur);
	}
	buf_release(&all);
	free(runs);
	free(name);
	free(dir);
	free(jsonl);
	return rc;
}
