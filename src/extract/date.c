/*
 * extract/date.c: dates as found in pages to RFC 3339.
 */
#include "internal.h"

/* The one table of month names, in the languages of the pages we read:
 * English (flagged: is_month_word() and the 3-letter prefix rule of
 * read_month() use only these), German, French, Spanish, Portuguese,
 * Italian and Polish (nominative and genitive), with the abbreviations
 * that are not a prefix rule's. Lowercase; non-ASCII letters as UTF-8. */
struct month_name {
	const char *name;
	signed char month;
	bool english;
};

static const struct month_name month_names[] = {
	{ "january", 1, true },	   { "february", 2, true },
	{ "march", 3, true },	   { "april", 4, true },
	{ "may", 5, true },	   { "june", 6, true },
	{ "july", 7, true },	   { "august", 8, true },
	{ "september", 9, true },  { "october", 10, true },
	{ "november", 11, true },  { "december", 12, true },
	/* German */
	{ "januar", 1, false },	   { "jänner", 1, false },
	{ "jän", 1, false },	   { "februar", 2, false },
	{ "märz", 3, false },	   { "mär", 3, false },
	{ "mrz", 3, false },	   { "mai", 5, false },
	{ "juni", 6, false },	   { "juli", 7, false },
	{ "oktober", 10, false },  { "okt", 10, false },
	{ "dezember", 12, false }, { "dez", 12, false },
	/* French */
	{ "janvier", 1, false },   { "janv", 1, false },
	{ "février", 2, false },   { "févr", 2, false },
	{ "fevrier", 2, false },   { "mars", 3, false },
	{ "avril", 4, false },	   { "avr", 4, false },
	{ "juin", 6, false },	   { "juillet", 7, false },
	{ "juil", 7, false },	   { "août", 8, false },
	{ "aout", 8, false },	   { "septembre", 9, false },
	{ "octobre", 10, false },  { "novembre", 11, false },
	{ "décembre", 12, false }, { "déc", 12, false },
	{ "decembre", 12, false },
	/* Spanish */
	{ "enero", 1, false },	   { "ene", 1, false },
	{ "febrero", 2, false },   { "marzo", 3, false },
	{ "abril", 4, false },	   { "abr", 4, false },
	{ "mayo", 5, false },	   { "junio", 6, false },
	{ "julio", 7, false },	   { "agosto", 8, false },
	{ "ago", 8, false },	   { "septiembre", 9, false },
	{ "setiembre", 9, false }, { "octubre", 10, false },
	{ "noviembre", 11, false }, { "diciembre", 12, false },
	{ "dic", 12, false },
	/* Portuguese */
	{ "janeiro", 1, false },   { "fevereiro", 2, false },
	{ "fev", 2, false },	   { "março", 3, false },
	{ "maio", 5, false },	   { "junho", 6, false },
	{ "julho", 7, false },	   { "setembro", 9, false },
	{ "set", 9, false },	   { "outubro", 10, false },
	{ "out", 10, false },	   { "dezembro", 12, false },
	/* Italian */
	{ "gennaio", 1, false },   { "gen", 1, false },
	{ "febbraio", 2, false },  { "aprile", 4, false },
	{ "maggio", 5, false },	   { "mag", 5, false },
	{ "giugno", 6, false },	   { "giu", 6, false },
	{ "luglio", 7, false },	   { "lug", 7, false },
	{ "settembre", 9, false }, { "ottobre", 10, false },
	{ "ott", 10, false },	   { "dicembre", 12, false },
	/* Russian, genitive as dates write it ("15 августа 2016") */
	{ "января", 1, false },    { "февраля", 2, false },
	{ "марта", 3, false },	   { "апреля", 4, false },
	{ "мая", 5, false },	   { "июня", 6, false },
	{ "июля", 7, false },	   { "августа", 8, false },
	{ "сентября", 9, false },  { "октября", 10, false },
	{ "ноября", 11, false },   { "декабря", 12, false },
	/* Polish: nominative and genitive ("20 listopada 2019") */
	{ "styczeń", 1, false },   { "stycznia", 1, false },
	{ "luty", 2, false },	   { "lutego", 2, false },
	{ "marzec", 3, false },	   { "marca", 3, false },
	{ "kwiecień", 4, false },  { "kwietnia", 4, false },
	{ "maj", 5, false },	   { "maja", 5, false },
	{ "czerwiec", 6, false },  { "czerwca", 6, false },
	{ "lipiec", 7, false },	   { "lipca", 7, false },
	{ "sierpień", 8, false },  { "sierpnia", 8, false },
	{ "wrzesień", 9, false },  { "września", 9, false },
	{ "październik", 10, false }, { "października", 10, false },
	{ "listopad", 11, false }, { "listopada", 11, false },
	{ "grudzień", 12, false }, { "grudnia", 12, false },
};

enum { N_MONTHS = sizeof month_names / sizeof month_names[0] };

/* Bytes of the word at p: ASCII letters and any UTF-8 non-ASCII byte. */
static size_t word_len(const char *p)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]) || (unsigned char)p[n] >= 0x80)
		n++;
	return n;
}

/* Whether p[0..n) equals `name`, ASCII letters compared without case. */
static bool word_is(const char *p, size_t n, const char *name)
{
	return strlen(name) == n && strncasecmp(p, name, n) == 0;
}

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

/* Whether the word at p is an English month's name or its abbreviation
 * ("Jul", "July", "Sept."; not "Maria" or "Junior"). */
bool is_month_word(const char *p)
{
	size_t n = 0;

	while (isalpha((unsigned char)p[n]))
		n++;
	for (size_t m = 0; m < N_MONTHS && month_names[m].english; m++) {
		if (!same_first_letter(p, month_names[m].name))
			continue;
		if ((n == 3 && strncasecmp(p, month_names[m].name, 3) == 0) ||
		    word_is(p, n, month_names[m].name) ||
		    (m == 8 && word_is(p, n, "sept")))
			return true;
	}
	return false;
}

/* A month's name or abbreviation in one of the table's languages
 * ("Apr", "April", "Sept.", "März", "listopada"), or any word that begins
 * with an English month's first three letters. */
static bool read_month(const char **p, int *month)
{
	const char *s = *p;
	size_t n = word_len(s);

	if (n < 3)
		return false;
	for (size_t m = 0; m < N_MONTHS; m++) {
		if (!same_first_letter(s, month_names[m].name))
			continue;
		if (word_is(s, n, month_names[m].name) ||
		    (month_names[m].english &&
		     strncasecmp(s, month_names[m].name, 3) == 0 &&
		     isalpha((unsigned char)s[n - 1]) &&
		     strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") == n)) {
			*month = month_names[m].month;
			*p = s + n;
			if (**p == '.')
				(*p)++;
			return true;
		}
	}
	return false;
}

bool date_month_at(const char *p)
{
	int month;

	return read_month(&p, &month);
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
			skip_spaces(&p);
			if (*p == ':' || *p == '.') {
				/* A time that goes on past what a time can
				 * hold ("22:06:08:684Z"): the day stands, at
				 * the precision of a day. */
				w->h = w->mi = w->s = w->off = 0;
				w->has_off = false;
				return true;
			}
		}
	}
	skip_spaces(&p);
	return *p == '\0';
}

/* The Spanish and Portuguese "de" of "20 de noviembre de 2019". */
static void skip_de(const char **p)
{
	if (((*p)[0] == 'd' || (*p)[0] == 'D') && (*p)[1] == 'e' &&
	    isspace((unsigned char)(*p)[2])) {
		*p += 3;
		skip_spaces(p);
	}
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
			skip_de(&p);
			if (!read_month(&p, &w->mo))
				return false;
			if (*p == ',')
				p++;
			skip_spaces(&p);
			skip_de(&p);
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


/* A date that starts at p in running text: "2019-11-20", "20.11.2019",
 * "20/11/2019" (day first unless the month would pass 12), "20. November
 * 2019", "20 de noviembre de 2019", "November 20th, 2019". Sets *w (day
 * only) and returns true. */
static bool date_at(const char *p, struct when *w)
{
	const char *q = p;
	int a, b;

	memset(w, 0, sizeof *w);
	if (isdigit((unsigned char)*p)) {
		if (read_num(&q, 4, 4, &w->y)) {
			char sep = *q;

			if (sep != '-' && sep != '/' && sep != '.')
				return false;
			q++;
			if (!read_num(&q, 1, 2, &w->mo) || *q != sep)
				return false;
			q++;
			return read_num(&q, 1, 2, &w->d);
		}
		q = p;
		if (!read_num(&q, 1, 2, &a))
			return false;
		if ((*q == '.' || *q == '/' || *q == '-') &&
		    isdigit((unsigned char)q[1])) {
			char sep = *q++;

			const char *yp;

			if (!read_num(&q, 1, 2, &b) || *q != sep)
				return false;
			yp = ++q;
			if (!read_num(&q, 4, 4, &w->y)) {
				/* "23.09.22": two digits each, dots only */
				q = yp;
				if (sep != '.' || yp - p != 6 ||
				    !read_num(&q, 2, 2, &w->y) ||
				    (*q == '.' && isdigit((unsigned char)q[1])))
					return false;
				w->y += w->y < 70 ? 2000 : 1900;
			}
			w->d = a;
			w->mo = b;
			if (sep == '/' && b > 12 && a <= 12) {
				w->d = b;
				w->mo = a;
			}
			return true;
		}
		w->d = a;
		if (*q == '.')
			q++;
		skip_spaces(&q);
		skip_de(&q);
		if (!read_month(&q, &w->mo))
			return false;
		if (*q == ',')
			q++;
		skip_spaces(&q);
		skip_de(&q);
		return read_num(&q, 4, 4, &w->y);
	}
	if (!read_month(&q, &w->mo))
		return false;
	skip_spaces(&q);
	if (!read_num(&q, 1, 2, &w->d))
		return false;
	if (strncasecmp(q, "st", 2) == 0 || strncasecmp(q, "nd", 2) == 0 ||
	    strncasecmp(q, "rd", 2) == 0 || strncasecmp(q, "th", 2) == 0)
		q += 2;
	if (*q == ',')
		q++;
	skip_spaces(&q);
	return read_num(&q, 4, 4, &w->y);
}

char *date_in_text(const char *s)
{
	struct when w;
	char out[32];

	for (const char *p = s; p && *p; p++) {
		if (p > s && (isalnum((unsigned char)p[-1]) ||
			      (unsigned char)p[-1] >= 0x80))
			continue;
		if (!isdigit((unsigned char)*p) && !isalpha((unsigned char)*p))
			continue;
		if (!date_at(p, &w) || !valid_when(&w) || w.y < DATE_MIN_YEAR)
			continue;
		snprintf(out, sizeof out, "%04d-%02d-%02dT00:00:00Z", w.y, w.mo,
			 w.d);
		return strdup(out);
	}
	return NULL;
}

/* Whether the URL path segment at q is a whole day-first date
 * ("29-10-2021", "29.10.2021"), read into *w. */
static bool day_first_segment(const char *q, struct when *w)
{
	char sep;

	if (!read_num(&q, 2, 2, &w->d) || (*q != '-' && *q != '.'))
		return false;
	sep = *q++;
	if (!read_num(&q, 2, 2, &w->mo) || *q++ != sep ||
	    !read_num(&q, 4, 4, &w->y))
		return false;
	return *q == '\0' || *q == '/' || *q == '?' || *q == '#' ||
	       !strncmp(q, ".htm", 4);
}

char *date_in_url(const char *url)
{
	struct when w = { 0 };
	const char *p = url ? strstr(url, "://") : NULL;
	char out[32];

	if (!p)
		return NULL;
	for (p = strchr(p + 3, '/'); p && *p; p = strchr(p + 1, '/')) {
		const char *q = p + 1;

		/* /2019/11/20/, /2019-11-20, /20191120; a segment that is
		 * only a day-first date, /29-10-2021 or /29.10.2021 */
		if (day_first_segment(q, &w)) {
			/* read */
		} else if (!read_num(&q, 4, 4, &w.y)) {
			q = p + 1;
			if (strspn(q, "0123456789") < 8)
				continue;
			w.y = (q[0] - '0') * 1000 + (q[1] - '0') * 100 +
			      (q[2] - '0') * 10 + (q[3] - '0');
			w.mo = (q[4] - '0') * 10 + (q[5] - '0');
			w.d = (q[6] - '0') * 10 + (q[7] - '0');
			if (isdigit((unsigned char)q[8]))
				continue;
		} else {
			char sep = *q;

			if (sep != '/' && sep != '-')
				continue;
			q++;
			if (!read_num(&q, 2, 2, &w.mo) || *q != sep)
				continue;
			q++;
			if (!read_num(&q, 2, 2, &w.d))
				continue;
		}
		if (!valid_when(&w) || w.y < DATE_MIN_YEAR)
			continue;
		snprintf(out, sizeof out, "%04d-%02d-%02dT00:00:00Z", w.y, w.mo,
			 w.d);
		return strdup(out);
	}
	return NULL;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static long days_from_civil(int y, int m, int d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

long date_days_apart(const char *a, const char *b)
{
	int ya, ma, da, yb, mb, db;

	if (!a || !b || sscanf(a, "%4d-%2d-%2d", &ya, &ma, &da) != 3 ||
	    sscanf(b, "%4d-%2d-%2d", &yb, &mb, &db) != 3)
		return LONG_MAX;
	return days_from_civil(ya, ma, da) - days_from_civil(yb, mb, db);
}

/* The day number of `t` seconds since the epoch (rounded down). */
static long long day_of(long long t)
{
	return (t >= 0 ? t : t - 86399) / 86400;
}

/* An RFC 3339 value as extract_normalize_date() prints it
 * ("2022-10-25T23:30:00+02:00", "...Z") read into seconds since the epoch
 * (*t) and the offset it is written in (*off, minutes east of UTC). */
static bool read_instant(const char *s, long long *t, int *off)
{
	int y, mo, d, h, mi, se, oh = 0, om = 0, n = 0;
	char z;

	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &y, &mo, &d, &h, &mi,
			 &se, &z, &n) != 7)
		return false;
	if (z == '+' || z == '-') {
		if (sscanf(s + n, "%2d:%2d", &oh, &om) != 2)
			return false;
	} else if (z != 'Z') {
		return false;
	}
	*off = (z == '-' ? -1 : 1) * (oh * 60 + om);
	*t = (long long)days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 +
	     se - (long long)*off * 60;
	return true;
}

bool date_same_instant(const char *a, const char *b)
{
	long long ta, tb;
	int oa, ob;

	return read_instant(a, &ta, &oa) && read_instant(b, &tb, &ob) && ta == tb;
}

/* Whether printed date `d` is an instant, not a day alone (which prints
 * as "T00:00:00Z"). */
static bool date_is_instant(const char *d)
{
	return d && strlen(d) >= 20 && strcmp(d + 10, "T00:00:00Z") != 0;
}

bool date_written_in_utc(const char *d)
{
	return date_is_instant(d) && d[strlen(d) - 1] == 'Z';
}

long date_days_later_where_written(const char *a, const char *b)
{
	long long ta, tb;
	int oa, ob;

	if (!date_is_instant(a) || !date_is_instant(b) ||
	    !read_instant(a, &ta, &oa) || !read_instant(b, &tb, &ob))
		return date_days_apart(a, b);
	/* both days as b's offset counts them */
	ta += (long long)ob * 60;
	tb += (long long)ob * 60;
	return (long)(day_of(ta) - day_of(tb));
}
