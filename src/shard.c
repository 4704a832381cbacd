/*
 * shard: the split of one run's items over independent processes (see
 * shard.h): "I/N" and the environment's shard, the range each shard takes,
 * and the fingerprint that tells the inputs of two runs apart.
 */
#include "shard.h"

#include <stdlib.h>
#include <string.h>

static int parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (!len || len > 9)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = (uint32_t)v;
	return 0;
}

static int env_u32(const char *name, uint32_t *out, struct error *err)
{
	const char *v = getenv(name);

	if (!v || !*v)
		return 0;
	if (parse_u32(v, strlen(v), out))
		return error_set(err, NULL, "%s: expected a whole number, got '%s'", name, v);
	return 1;
}

/* The shard the environment names (shard_parse's "auto"): 1 when found,
 * 0 when it names none, -1 with err set when its values are inconsistent. */
static int from_env(struct shard *s, struct error *err)
{
	uint32_t id, n, min = 0, over = 0;
	int got, gotn, gotover;

	if ((gotover = env_u32("RELATED_SHARDS", &over, err)) < 0)
		return -1;
	if ((got = env_u32("SLURM_ARRAY_TASK_ID", &id, err)) < 0 ||
	    (gotn = env_u32("SLURM_ARRAY_TASK_COUNT", &n, err)) < 0 ||
	    env_u32("SLURM_ARRAY_TASK_MIN", &min, err) < 0)
		return -1;
	if (got) {
		if (gotover)
			n = over;
		else if (!gotn)
			return error_set(err, NULL, "SLURM_ARRAY_TASK_ID is set but not "
					 "SLURM_ARRAY_TASK_COUNT (or RELATED_SHARDS)");
		if (id < min)
			return error_set(err, NULL, "SLURM_ARRAY_TASK_ID %u is below "
					 "SLURM_ARRAY_TASK_MIN %u", id, min);
		id -= min;
	} else {
		if ((got = env_u32("JOB_COMPLETION_INDEX", &id, err)) < 0)
			return -1;
		if (!got)
			return 0;
		if (!gotover)
			return error_set(err, NULL, "JOB_COMPLETION_INDEX is set but not "
					 "RELATED_SHARDS (the number of shards)");
		n = over;
	}
	if (!n || n > SHARD_MAX_COUNT || id >= n)
		return error_set(err, NULL, "shard %u of %u from the environment is "
				 "out of range", id, n);
	s->index = id;
	s->count = n;
	return 1;
}

int shard_parse(const char *spec, struct shard *s, struct error *err)
{
	const char *slash = strchr(spec, '/');
	int rc;

	if (!strcmp(spec, "auto")) {
		rc = from_env(s, err);
		if (rc == 0) {
			s->index = 0;
			s->count = 1;
		}
		return rc < 0 ? -1 : 0;
	}
	if (!slash || parse_u32(spec, (size_t)(slash - spec), &s->index) ||
	    parse_u32(slash + 1, strlen(slash + 1), &s->count) || !s->count ||
	    s->count > SHARD_MAX_COUNT || s->index >= s->count)
		return error_set(err, NULL, "--shard: expected I/N with 0 <= I < N <= %u, "
				 "or auto, got '%s'", SHARD_MAX_COUNT, spec);
	return 0;
}

void shard_range(const struct shard *s, size_t n, size_t *begin, size_t *end)
{
	/* floor(n * I / N) without overflow: (n / N) I + (n % N) I / N, and
	 * (n % N) I < N^2 <= 10^10 */
	size_t q = n / s->count, r = n % s->count;

	*begin = q * s->index + (size_t)((uint64_t)r * s->index / s->count);
	*end = q * (s->index + 1) + (size_t)((uint64_t)r * (s->index + 1) / s->count);
}

uint64_t shard_fingerprint(const struct input_set *set)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < set->n; i++) {
		const unsigned char *p = (const unsigned char *)set->items[i].article.id;
		for (; *p; p++)
			h = (h ^ *p) * 1099511628211ull;
		h = (h ^ 0xff) * 1099511628211ull; /* separator: no id holds 0xff */
	}
	return h ^ set->n;
}
