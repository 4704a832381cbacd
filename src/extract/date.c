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

/* Month names as pages print them, in the languages of the tests, with
 * their number: full names, and abbreviations of three or four letters
 * (matched with or without a full stop). */
static const struct {
	const char *name;
	int month;
} visible_months[] = {
	{ "january", 1 }, { "february", 2 }, { "march", 3 }, { "april", 4 },
	{ "may", 5 }, { "june", 6 }, { "july", 7 }, { "august", 8 },
	{ "september", 9 }, { "october", 10 }, { "november", 11 },
	{ "december", 12 }, { "januar", 1 }, { "jänner", 1 }, { "februar", 2 },
	{ "märz", 3 }, { "mai", 5 }, { "juni", 6 }, { "juli", 7 },
	{ "oktober", 10 }, { "dezember", 12 }, { "janvier", 1 },
	{ "février", 2 }, { "mars", 3 }, { "avril", 4 }, { "juin", 6 },
	{ "juillet", 7 }, { "août", 8 }, { "septembre", 9 }, { "octobre", 10 },
	{ "novembre", 11 }, { "décembre", 12 }, { "enero", 1 }, { "febrero", 2 },
	{ "marzo", 3 }, { "abril", 4 }, { "mayo", 5 }, { "junio", 6 },
	{ "julio", 7 }, { "agosto", 8 }, { "septiembre", 9 }, { "setiembre", 9 },
	{ "octubre", 10 }, { "noviembre", 11 }, { "diciembre", 12 },
	{ "gennaio", 1 }, { "febbraio", 2 }, { "aprile", 4 }, { "maggio", 5 },
	{ "giugno", 6 }, { "luglio", 7 }, { "settembre", 9 }, { "ottobre", 10 },
	{ "dicembre", 12 }, { "jan", 1 }, { "feb", 2 }, { "mar", 3 },
	{ "mär", 3 }, { "apr", 4 }, { "jun", 6 }, { "jul", 7 }, { "aug", 8 },
	{ "sep", 9 }, { "sept", 9 }, { "oct", 10 }, { "okt", 10 }, { "nov", 11 },
	{ "dec", 12 }, { "dez", 12 }, { NULL, 0 }
};

/* The month named by the word at p (its length in *len), or 0. */
static int visible_month(const char *p, size_t *len)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80)
		n++;
	for (size_t i = 0; visible_months[i].name; i++)
		if (strlen(visible_months[i].name) == n &&
		    strncasecmp(p, visible_months[i].name, n) == 0) {
			*len = n + (p[n] == '.');
			return visible_months[i].month;
		}
	return 0;
}

/* Reads a run of 1..max digits that is a whole number (no digit before
 * or after it) into *v and moves *p past it. */
static bool whole_num(const char *start, const char **p, int max, int *v)
{
	const char *q = *p;

	if (q > start && isdigit((unsigned char)q[-1]))
		return false;
	if (!read_num(p, 1, max, v) || isdigit((unsigned char)**p)) {
		*p = q;
		return false;
	}
	return true;
}

/* A date at p: 2019-11-20, 20.11.2019, 11/20/2019 (20/11/2019 when the
 * first number cannot be a month), "20. November 2019", "20 de noviembre
 * de 2019", "November 20th, 2019". */
static bool date_at(const char *start, const char *p, struct when *w)
{
	const char *q = p;
	int a, b, c;
	size_t ml;

	if (whole_num(start, &q, 4, &a)) {
		if (q - p == 4 && *q == '-' && (q++, whole_num(start, &q, 2, &b)) &&
		    *q == '-' && (q++, whole_num(start, &q, 2, &c))) {
			w->y = a, w->mo = b, w->d = c;
			return valid_when(w);
		}
		if (q - p > 2)
			return false;
		if ((*q == '.' || *q == '/') && isdigit((unsigned char)q[1])) {
			char sep = *q++;

			if (!whole_num(start, &q, 2, &b) || *q != sep)
				return false;
			q++;
			if (!whole_num(start, &q, 4, &c) || c < 1000)
				return false;
			w->y = c;
			if (sep == '/' && a <= 12)
				w->mo = a, w->d = b;
			else
				w->d = a, w->mo = b;
			return valid_when(w);
		}
		if (*q == '.')
			q++;
		skip_spaces(&q);
		if (strncasecmp(q, "de ", 3) == 0)
			q += 3;
		if ((w->mo = visible_month(q, &ml)) == 0)
			return false;
		q += ml;
		skip_spaces(&q);
		if (strncasecmp(q, "de ", 3) == 0)
			q += 3;
		if (*q == ',')
			q++;
		skip_spaces(&q);
		if (!whole_num(start, &q, 4, &c) || c < 1000)
			return false;
		w->d = a, w->y = c;
		return valid_when(w);
	}
	if ((w->mo = visible_month(q, &ml)) == 0)
		return false;
	q += ml;
	skip_spaces(&q);
	if (!whole_num(start, &q, 2, &a))
		return false;
	if (strncasecmp(q, "st", 2) == 0 || strncasecmp(q, "nd", 2) == 0 ||
	    strncasecmp(q, "rd", 2) == 0 || strncasecmp(q, "th", 2) == 0)
		q += 2;
	if (*q == ',')
		q++;
	skip_spaces(&q);
	if (!whole_num(start, &q, 4, &c) || c < 1000)
		return false;
	w->d = a, w->y = c;
	return valid_when(w);
}

/* The first date anywhere in visible text `s` ("Updated 5:27 am CST,
 * Wednesday, November 20, 2019"; "Lübeck, 31. März 2003"; "Stand:
 * 27.01.2022"), as RFC 3339 at midnight UTC: a malloc'd string, or NULL
 * when it holds none. Words start at letters or digits after a
 * non-letter. */
char *find_visible_date(const char *s)
{
	char out[64];

	for (const char *p = s; p && *p; p++) {
		struct when w = { 0 };

		if (p > s && (isalnum((unsigned char)p[-1]) ||
			      (unsigned char)p[-1] >= 0x80))
			continue;
		if (!isalnum((unsigned char)*p) || !date_at(s, p, &w))
			continue;
		snprintf(out, sizeof out, "%04d-%02d-%02dT00:00:00Z", w.y, w.mo, w.d);
		return strdup(out);
	}
	return NULL;
}

/* A date in a URL's path: /2019/11/20/ or /2019-11-20 (years 1990 on). */
char *find_url_date(const char *url)
{
	const char *p = url ? strstr(url, "://") : NULL;
	char out[64];

	if (!p || !(p = strchr(p + 3, '/')))
		return NULL;
	for (; *p; p++) {
		struct when w = { 0 };
		const char *q = p + 1;

		if (*p != '/' || !read_num(&q, 4, 4, &w.y) || w.y < 1990 ||
		    (*q != '/' && *q != '-'))
			continue;
		q++;
		if (!read_num(&q, 2, 2, &w.mo) || (*q != '/' && *q != '-'))
			continue;
		q++;
		if (!read_num(&q, 2, 2, &w.d) || isdigit((unsigned char)*q) ||
		    !valid_when(&w))
			continue;
		snprintf(out, sizeof out, "%04d-%02d-%02dT00:00:00Z", w.y, w.mo, w.d);
		return strdup(out);
	}
	return NULL;
}
