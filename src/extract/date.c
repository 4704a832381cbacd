/*
 * extract/date.c: dates as found in pages to RFC 3339.
 */
#include "internal.h"

/* The one table of month names: read_month() matches their first three
 * letters, is_month_word() the abbreviation or the whole name. */
static const char *const month_names[] = { "january", "february", "march",
					   "april", "may", "june", "july",
					   "august", "september", "october",
					   "november", "december" };

/* Reads 1..max digits at *p into *v. */
static bool read_num(const char **p, int min, int max, int *v)
{
	int n = 0, k = 0;

	while (isdigit((unsigned char)**p) && k < max) {
		n = n * 10 + (**p - '0');
		(*p)++;
		k++;
	}
	if (k < min || isdigit((unsigned char)**p))
		return false;
	*v = n;
	return true;
}

static void skip_spaces(const char **p)
{
	while (**p && (isspace((unsigned char)**p) ||
		       ((unsigned char)(*p)[0] == 0xC2 &&
			(unsigned char)(*p)[1] == 0xA0)))
		*p += isspace((unsigned char)**p) ? 1 : 2;
}

/* Whether the word at p is a month's name or its abbreviation ("Jul",
 * "July", "Sept."; not "Maria" or "Junior"). */
bool is_month_word(const char *p)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]))
		n++;
	for (int m = 0; m < 12; m++)
		if ((n == 3 && strncasecmp(p, month_names[m], 3) == 0) ||
		    (n == strlen(month_names[m]) &&
		     strncasecmp(p, month_names[m], n) == 0) ||
		    (m == 8 && n == 4 && strncasecmp(p, "sept", 4) == 0))
			return true;
	return false;
}

/* An English month name or abbreviation ("Apr", "April", "Sept."). */
static bool read_month(const char **p, int *month)
{
	const char *s = *p;
	size_t n = 0;

	while (isalpha((unsigned char)s[n]))
		n++;
	if (n < 3)
		return false;
	for (int m = 0; m < 12; m++) {
		if (strncasecmp(s, month_names[m], 3) == 0) {
			*month = m + 1;
			*p = s + n;
			if (**p == '.')
				(*p)++;
			return true;
		}
	}
	return false;
}

struct when {
	int y, mo, d, h, mi, s;
	int off;      /* minutes east of UTC */
	bool has_off; /* false: print "Z" */
};

/* "HH:MM[:SS[.fff]] [am|pm]" */
static bool read_time(const char **pp, struct when *w)
{
	const char *p = *pp;

	if (!read_num(&p, 1, 2, &w->h) || *p != ':')
		return false;
	p++;
	if (!read_num(&p, 2, 2, &w->mi))
		return false;
	if (*p == ':') {
		p++;
		if (!read_num(&p, 2, 2, &w->s))
			return false;
		if (*p == '.' || *p == ',') {
			p++;
			while (isdigit((unsigned char)*p))
				p++;
		}
	}
	const char *q = p;
	skip_spaces(&q);
	if (strncasecmp(q, "am", 2) == 0 || strncasecmp(q, "a.m.", 4) == 0 ||
	    strncasecmp(q, "pm", 2) == 0 || strncasecmp(q, "p.m.", 4) == 0) {
		bool pm = tolower((unsigned char)*q) == 'p';

		if (w->h < 1 || w->h > 12)
			return false;
		w->h = w->h % 12 + (pm ? 12 : 0);
		q += q[1] == '.' ? 4 : 2;
		p = q;
	}
	*pp = p;
	return true;
}

/* A zone: "Z", "+03:00", "+0300", "+03", "GMT", "UTC", "GMT+3", "EDT". */
static bool read_zone(const char **pp, struct when *w)
{
	static const struct {
		const char *name;
		int off;
	} zones[] = { { "GMT", 0 },    { "UTC", 0 },    { "UT", 0 },
		      { "EST", -300 }, { "EDT", -240 }, { "CST", -360 },
		      { "CDT", -300 }, { "MST", -420 }, { "MDT", -360 },
		      { "PST", -480 }, { "PDT", -420 }, { "CET", 60 },
		      { "CEST", 120 }, { "BST", 60 },   { "MSK", 180 },
		      { "JST", 540 },  { "EET", 120 },  { "EEST", 180 } };
	const char *p = *pp;
	int h = 0, m = 0;

	skip_spaces(&p);
	w->off = 0;
	w->has_off = false;
	if (*p == 'Z' || *p == 'z') {
		*pp = p + 1;
		return true;
	}
	for (size_t i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		size_t n = strlen(zones[i].name);

		if (strncmp(p, zones[i].name, n) == 0 &&
		    !isalpha((unsigned char)p[n])) {
			w->off = zones[i].off;
			w->has_off = w->off != 0;
			p += n;
			if (*p != '+' && *p != '-') {
				*pp = p;
				return true;
			}
			break;
		}
	}
	if (*p == '+' || *p == '-') {
		int sign = *p == '-' ? -1 : 1;
		const char *q = p + 1;
		int digits = 0;

		while (isdigit((unsigned char)q[digits]))
			digits++;
		if (digits == 4) {
			h = (q[0] - '0') * 10 + (q[1] - '0');
			m = (q[2] - '0') * 10 + (q[3] - '0');
			q += 4;
		} else if (digits == 1 || digits == 2) {
			read_num(&q, 1, 2, &h);
			if (*q == ':') {
				q++;
				if (!read_num(&q, 2, 2, &m))
					return false;
			}
		} else {
			return false;
		}
		if (h > 14 || m > 59)
			return false;
		w->off = sign * (h * 60 + m);
		w->has_off = w->off != 0;
		*pp = q;
		return true;
	}
	return false;
}

static bool valid_when(const struct when *w)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30,
				     31, 31, 30, 31, 30, 31 };

	if (w->y < 1900 || w->y > 2100 || w->mo < 1 || w->mo > 12 || w->d < 1 ||
	    w->d > mdays[w->mo - 1] || w->h > 23 || w->mi > 59 || w->s > 60)
		return false;
	if (w->mo == 2 && w->d == 29 &&
	    !(w->y % 4 == 0 && (w->y % 100 != 0 || w->y % 400 == 0)))
		return false;
	return true;
}

/* ISO 8601 / RFC 3339 and their common relaxations. */
static bool parse_iso(const char *p, struct when *w)
{
	char sep;

	if (!read_num(&p, 4, 4, &w->y))
		return false;
	sep = *p;
	if (sep != '-' && sep != '/')
		return false;
	p++;
	if (!read_num(&p, 1, 2, &w->mo) || *p != sep)
		return false;
	p++;
	if (!read_num(&p, 1, 2, &w->d))
		return false;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		const char *q = p + 1;

		skip_spaces(&q);
		if (read_time(&q, w)) {
			p = q;
			read_zone(&p, w);
		}
	}
	skip_spaces(&p);
	return *p == '\0';
}

/* "Tue, 11 Apr 2017 18:30:00 GMT", "April 11, 2017 6:30 pm EDT",
 * "11. April 2017", "11.04.2017 18:30". */
static bool parse_text_date(const char *p, struct when *w)
{
	const char *q;

	/* An optional weekday. */
	q = p;
	while (isalpha((unsigned char)*q))
		q++;
	if (q - p >= 3 && (*q == ',' || *q == ' ')) {
		int m;
		const char *r = p;

		if (!read_month(&r, &m)) {
			p = q;
			if (*p == ',')
				p++;
			skip_spaces(&p);
		}
	}
	if (isdigit((unsigned char)*p)) {
		q = p;
		if (!read_num(&p, 1, 2, &w->d))
			return false;
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			p++;
			if (!read_num(&p, 1, 2, &w->mo) || *p != '.')
				return false;
			p++;
		} else {
			if (*p == '.')
				p++;
			skip_spaces(&p);
			if (!read_month(&p, &w->mo))
				return false;
			skip_spaces(&p);
		}
		if (!read_num(&p, 4, 4, &w->y))
			return false;
	} else {
		if (!read_month(&p, &w->mo))
			return false;
		skip_spaces(&p);
		if (!read_num(&p, 1, 2, &w->d))
			return false;
		if (strncasecmp(p, "st", 2) == 0 || strncasecmp(p, "nd", 2) == 0 ||
		    strncasecmp(p, "rd", 2) == 0 || strncasecmp(p, "th", 2) == 0)
			p += 2;
		if (*p == ',')
			p++;
		skip_spaces(&p);
		if (!read_num(&p, 4, 4, &w->y))
			return false;
	}
	if (*p == ',')
		p++;
	skip_spaces(&p);
	if (strncasecmp(p, "at ", 3) == 0)
		p += 3;
	if (isdigit((unsigned char)*p)) {
		if (!read_time(&p, w))
			return false;
		read_zone(&p, w);
	}
	skip_spaces(&p);
	return *p == '\0';
}

char *extract_normalize_date(const char *s)
{
	struct when w = { 0 };
	char out[80];
	char *r;

	if (!s)
		return NULL;
	skip_spaces(&s);
	if (!parse_iso(s, &w)) {
		memset(&w, 0, sizeof w);
		if (!parse_text_date(s, &w))
			return NULL;
	}
	if (!valid_when(&w))
		return NULL;
	if (w.has_off)
		snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
			 w.y, w.mo, w.d, w.h, w.mi, w.s, w.off < 0 ? '-' : '+',
			 abs(w.off) / 60, abs(w.off) % 60);
	else
		snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02dZ", w.y,
			 w.mo, w.d, w.h, w.mi, w.s);
	r = strdup(out);
	return r;
}

