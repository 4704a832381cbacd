/*
 * charset: decide a page's encoding and convert it to UTF-8.
 *
 * Detection follows the order in charset.h. The page's own declaration is
 * found by the prescan of the HTML standard ("prescan a byte stream to
 * determine its encoding"): it walks tags rather than searching for strings,
 * so a <meta> inside a comment or inside another tag's attribute value is not
 * taken for a declaration. Labels are mapped to canonical names by a small
 * alias table (a subset of the WHATWG Encoding Standard's labels); a label
 * the table or the system's iconv does not know is ignored, as browsers
 * ignore it. As in browsers, latin1/iso-8859-1/us-ascii mean windows-1252,
 * and a <meta> that claims UTF-16 means UTF-8 (the bytes could not have been
 * read as ASCII otherwise).
 *
 * Conversion uses iconv(3) for everything except UTF-8 input, which is the
 * common case: valid UTF-8 is copied (dropping NULs) without iconv. Bytes
 * iconv rejects become U+FFFD and conversion resumes after them, so the
 * result is always valid UTF-8 and conversion never fails on content.
 *
 * The UTF-8 validator is hand-written because it runs over every page and
 * glibc has no validating call short of a full iconv pass; it skips ASCII
 * eight bytes at a time.
 */
#include "charset.h"

#include <errno.h>
#include <iconv.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

/* How far the <meta> prescan looks, as in the HTML standard. */
#define PRESCAN_LIMIT 4096
/* How many leading bytes the BOM-less UTF-16 sniffer inspects. */
#define UTF16_SNIFF_LIMIT 512

static const char replacement[] = "\xEF\xBF\xBD"; /* U+FFFD */

/* ---- canonical encodings and their labels ------------------------------ */

struct encoding {
	const char *name;  /* canonical, as reported in charset_result */
	const char *iconv; /* name passed to iconv_open(3) */
	unsigned unit;     /* code unit size: bytes skipped on EILSEQ */
	bool by_byte;      /* each byte one character, no state: converted
			    * through a table of what iconv makes of each byte
			    * (byte_table()) */
};

enum {
	ENC_UTF8,
	ENC_UTF16LE,
	ENC_UTF16BE,
	ENC_WINDOWS_1252,
	ENC_COUNT_FIXED /* the entries above are referred to by index */
};

/* Browsers decode shift_jis, euc-kr, big5 and gbk with the vendor supersets
 * (cp932, cp949, big5-hkscs, gb18030); so do we, or real pages would gain
 * spurious U+FFFD. */
static const struct encoding encodings[] = {
	[ENC_UTF8] = { "utf-8", "UTF-8", 1 },
	[ENC_UTF16LE] = { "utf-16le", "UTF-16LE", 2 },
	[ENC_UTF16BE] = { "utf-16be", "UTF-16BE", 2 },
	[ENC_WINDOWS_1252] = { "windows-1252", "WINDOWS-1252", 1, true },
	{ "windows-1250", "WINDOWS-1250", 1, true },
	{ "windows-1251", "WINDOWS-1251", 1, true },
	{ "windows-1253", "WINDOWS-1253", 1, true },
	{ "windows-1254", "WINDOWS-1254", 1, true },
	/* glibc composes a letter with the points or tone marks that
	 * follow it in windows-1255 and -1258: converted whole by iconv */
	{ "windows-1255", "WINDOWS-1255", 1 },
	{ "windows-1256", "WINDOWS-1256", 1, true },
	{ "windows-1257", "WINDOWS-1257", 1, true },
	{ "windows-1258", "WINDOWS-1258", 1 },
	{ "windows-874", "WINDOWS-874", 1, true },
	{ "iso-8859-2", "ISO-8859-2", 1, true },
	{ "iso-8859-3", "ISO-8859-3", 1, true },
	{ "iso-8859-4", "ISO-8859-4", 1, true },
	{ "iso-8859-5", "ISO-8859-5", 1, true },
	{ "iso-8859-6", "ISO-8859-6", 1, true },
	{ "iso-8859-7", "ISO-8859-7", 1, true },
	{ "iso-8859-8", "ISO-8859-8", 1, true },
	{ "iso-8859-10", "ISO-8859-10", 1, true },
	{ "iso-8859-13", "ISO-8859-13", 1, true },
	{ "iso-8859-14", "ISO-8859-14", 1, true },
	{ "iso-8859-15", "ISO-8859-15", 1, true },
	{ "iso-8859-16", "ISO-8859-16", 1, true },
	{ "koi8-r", "KOI8-R", 1, true },
	{ "koi8-u", "KOI8-U", 1, true },
	{ "ibm866", "IBM866", 1, true },
	{ "x-mac-cyrillic", "MAC-CYRILLIC", 1, true },
	{ "shift_jis", "CP932", 1 },
	{ "euc-jp", "EUC-JP", 1 },
	{ "gbk", "GB18030", 1 },
	{ "gb18030", "GB18030", 1 },
	{ "big5", "BIG5-HKSCS", 1 },
	{ "euc-kr", "CP949", 1 },
};
#define ENCODING_COUNT (sizeof encodings / sizeof encodings[0])

/* Labels other than the canonical names themselves (which always match).
 * Labels are compared after trimming ASCII whitespace and lowercasing. */
static const struct {
	const char *label;
	const char *name;
} aliases[] = {
	{ "utf8", "utf-8" },
	{ "unicode-1-1-utf-8", "utf-8" },
	{ "x-unicode20utf8", "utf-8" },
	{ "utf-16", "utf-16le" },
	{ "ucs-2", "utf-16le" },
	{ "unicode", "utf-16le" },
	{ "csunicode", "utf-16le" },
	{ "iso-10646-ucs-2", "utf-16le" },
	{ "unicodefeff", "utf-16le" },
	{ "unicodefffe", "utf-16be" },
	{ "ansi_x3.4-1968", "windows-1252" },
	{ "ascii", "windows-1252" },
	{ "us-ascii", "windows-1252" },
	{ "cp1252", "windows-1252" },
	{ "x-cp1252", "windows-1252" },
	{ "cp819", "windows-1252" },
	{ "ibm819", "windows-1252" },
	{ "csisolatin1", "windows-1252" },
	{ "iso-8859-1", "windows-1252" },
	{ "iso8859-1", "windows-1252" },
	{ "iso88591", "windows-1252" },
	{ "iso_8859-1", "windows-1252" },
	{ "iso_8859-1:1987", "windows-1252" },
	{ "iso-ir-100", "windows-1252" },
	{ "latin1", "windows-1252" },
	{ "l1", "windows-1252" },
	{ "cp1251", "windows-1251" },
	{ "win-1251", "windows-1251" },
	{ "x-cp1251", "windows-1251" },
	{ "cyrillic", "iso-8859-5" },
	{ "latin2", "iso-8859-2" },
	{ "l2", "iso-8859-2" },
	{ "latin3", "iso-8859-3" },
	{ "l3", "iso-8859-3" },
	{ "latin4", "iso-8859-4" },
	{ "l4", "iso-8859-4" },
	{ "arabic", "iso-8859-6" },
	{ "greek", "iso-8859-7" },
	{ "hebrew", "iso-8859-8" },
	{ "iso-8859-9", "windows-1254" },
	{ "latin5", "windows-1254" },
	{ "l5", "windows-1254" },
	{ "latin6", "iso-8859-10" },
	{ "l6", "iso-8859-10" },
	{ "iso-8859-11", "windows-874" },
	{ "tis-620", "windows-874" },
	{ "dos-874", "windows-874" },
	{ "latin9", "iso-8859-15" },
	{ "l9", "iso-8859-15" },
	{ "koi", "koi8-r" },
	{ "koi8", "koi8-r" },
	{ "koi8_r", "koi8-r" },
	{ "cskoi8r", "koi8-r" },
	{ "koi8-ru", "koi8-u" },
	{ "cp866", "ibm866" },
	{ "866", "ibm866" },
	{ "csibm866", "ibm866" },
	{ "x-mac-ukrainian", "x-mac-cyrillic" },
	{ "shift-jis", "shift_jis" },
	{ "sjis", "shift_jis" },
	{ "x-sjis", "shift_jis" },
	{ "ms932", "shift_jis" },
	{ "ms_kanji", "shift_jis" },
	{ "csshiftjis", "shift_jis" },
	{ "windows-31j", "shift_jis" },
	{ "x-euc-jp", "euc-jp" },
	{ "cseucpkdfmtjapanese", "euc-jp" },
	{ "gb2312", "gbk" },
	{ "gb_2312", "gbk" },
	{ "gb_2312-80", "gbk" },
	{ "csgb2312", "gbk" },
	{ "x-gbk", "gbk" },
	{ "chinese", "gbk" },
	{ "iso-ir-58", "gbk" },
	{ "csiso58gb231280", "gbk" },
	{ "big5-hkscs", "big5" },
	{ "cn-big5", "big5" },
	{ "csbig5", "big5" },
	{ "x-x-big5", "big5" },
	{ "cseuckr", "euc-kr" },
	{ "korean", "euc-kr" },
	{ "windows-949", "euc-kr" },
	{ "ks_c_5601-1987", "euc-kr" },
	{ "ks_c_5601-1989", "euc-kr" },
	{ "ksc5601", "euc-kr" },
	{ "ksc_5601", "euc-kr" },
	{ "csksc56011987", "euc-kr" },
	{ "iso-ir-149", "euc-kr" },
};

/* Whether iconv knows each encoding: 0 not yet asked, 1 yes, -1 no. Racing
 * threads at worst both ask iconv and store the same answer. */
static _Atomic signed char iconv_known[ENCODING_COUNT];

static int encoding_available(size_t idx)
{
	signed char known = atomic_load_explicit(&iconv_known[idx],
						 memory_order_relaxed);

	if (known == 0) {
		iconv_t cd = iconv_open("UTF-8", encodings[idx].iconv);

		known = cd == (iconv_t)-1 ? -1 : 1;
		if (cd != (iconv_t)-1)
			iconv_close(cd);
		atomic_store_explicit(&iconv_known[idx], known,
				      memory_order_relaxed);
	}
	return known > 0;
}

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static long encoding_by_name(const char *name)
{
	for (size_t i = 0; i < ENCODING_COUNT; i++)
		if (strcmp(encodings[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Maps a label (`len` bytes, any case, surrounding whitespace allowed) to an
 * index into encodings[], or -1 when the label is unknown or iconv cannot
 * convert from it. */
static long encoding_from_label(const char *label, size_t len)
{
	char lower[32];
	size_t n = 0;
	long idx;

	while (len && is_space((unsigned char)*label))
		label++, len--;
	while (len && is_space((unsigned char)label[len - 1]))
		len--;
	if (len == 0 || len >= sizeof lower)
		return -1;
	for (n = 0; n < len; n++)
		lower[n] = (char)ascii_lower((unsigned char)label[n]);
	lower[n] = '\0';

	idx = encoding_by_name(lower);
	for (size_t i = 0; idx < 0 && i < sizeof aliases / sizeof aliases[0];
	     i++)
		if (strcmp(aliases[i].label, lower) == 0)
			idx = encoding_by_name(aliases[i].name);
	if (idx < 0 || !encoding_available((size_t)idx))
		return -1;
	return idx;
}

/* ---- UTF-8 validation ------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when it is invalid;
 * then *bad is the number of bytes to replace by one U+FFFD (the "maximal
 * subpart" of the Unicode standard: at least 1). s[0] is not ASCII. */
static size_t utf8_sequence(const unsigned char *s, size_t n, size_t *bad)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c >= 0xC2 && c <= 0xDF)
		need = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 3;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 4;
		if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* above U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i < need; i++) {
		if (i >= n || s[i] < lo || s[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need;
}

int charset_is_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, bad;

	while (i < len) {
		if (len - i >= 8) {
			uint64_t w;

			memcpy(&w, s + i, 8);
			if (!(w & UINT64_C(0x8080808080808080))) {
				i += 8;
				continue;
			}
		}
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_sequence(s + i, len - i, &bad);
		if (n == 0)
			return 0;
		i += n;
	}
	return 1;
}

/* ---- detection -------------------------------------------------------- */

/* Recognises UTF-16 without a BOM by where the NUL bytes fall: markup is
 * ASCII, so in UTF-16LE nearly every odd byte is NUL and almost no even byte
 * is, and the reverse for BE. Single-byte and UTF-8 pages have few NULs, if
 * any. */
static long sniff_utf16(const unsigned char *s, size_t len)
{
	size_t pairs, even = 0, odd = 0;

	if (len > UTF16_SNIFF_LIMIT)
		len = UTF16_SNIFF_LIMIT;
	pairs = len / 2;
	/* Too little to tell a UTF-16 page from bytes with a stray NUL. */
	if (pairs < 8)
		return -1;
	for (size_t i = 0; i < pairs; i++) {
		even += s[2 * i] == 0;
		odd += s[2 * i + 1] == 0;
	}
	if (odd * 2 >= pairs && even * 16 <= pairs)
		return ENC_UTF16LE;
	if (even * 2 >= pairs && odd * 16 <= pairs)
		return ENC_UTF16BE;
	return -1;
}

/* The prescan's view of the input: bytes [0, len) and a position. */
struct scan {
	const unsigned char *s;
	size_t len, pos;
};

struct attr {
	char name[32];
	char value[256];
	int too_long; /* name or value did not fit: ignore the attribute */
};

static void attr_add(char *dst, size_t cap, size_t *n, unsigned char c,
		     int *too_long)
{
	if (*n + 1 >= cap) {
		*too_long = 1;
		return;
	}
	dst[(*n)++] = (char)ascii_lower(c);
	dst[*n] = '\0';
}

/* The HTML standard's "get an attribute" algorithm. Returns 1 with `a`
 * filled, or 0 when there is no further attribute (at '>' or end of input);
 * names and values are lowercased. */
static int get_attribute(struct scan *sc, struct attr *a)
{
	const unsigned char *s = sc->s;
	size_t nn = 0, vn = 0;
	unsigned char quote;

	a->name[0] = a->value[0] = '\0';
	a->too_long = 0;
	while (sc->pos < sc->len && (is_space(s[sc->pos]) || s[sc->pos] == '/'))
		sc->pos++;
	if (sc->pos >= sc->len || s[sc->pos] == '>')
		return 0;
	/* Name. */
	for (;; sc->pos++) {
		if (sc->pos >= sc->len)
			return 0;
		unsigned char c = s[sc->pos];
		if (c == '=' && nn > 0)
			break;
		if (is_space(c)) {
			while (sc->pos < sc->len && is_space(s[sc->pos]))
				sc->pos++;
			if (sc->pos >= sc->len || s[sc->pos] != '=')
				return 1;
			break;
		}
		if (c == '/' || c == '>')
			return 1;
		attr_add(a->name, sizeof a->name, &nn, c, &a->too_long);
	}
	sc->pos++; /* past '=' */
	while (sc->pos < sc->len && is_space(s[sc->pos]))
		sc->pos++;
	if (sc->pos >= sc->len)
		return 0;
	/* Value. */
	quote = s[sc->pos];
	if (quote == '"' || quote == '\'') {
		for (sc->pos++; sc->pos < sc->len; sc->pos++) {
			if (s[sc->pos] == quote) {
				sc->pos++;
				return 1;
			}
			attr_add(a->value, sizeof a->value, &vn, s[sc->pos],
				 &a->too_long);
		}
		return 0;
	}
	if (quote == '>')
		return 1;
	for (; sc->pos < sc->len; sc->pos++) {
		if (is_space(s[sc->pos]) || s[sc->pos] == '>')
			return 1;
		attr_add(a->value, sizeof a->value, &vn, s[sc->pos],
			 &a->too_long);
	}
	return 0;
}

/* The HTML standard's "extract a character encoding from a meta element":
 * the value after "charset=" in a content attribute (already lowercased).
 * Returns the label's start and sets *len, or NULL. */
static const char *charset_from_content(const char *v, size_t *len)
{
	for (;;) {
		const char *p = strstr(v, "charset");

		if (!p)
			return NULL;
		p += 7;
		while (is_space((unsigned char)*p))
			p++;
		if (*p != '=') {
			v = p;
			continue;
		}
		p++;
		while (is_space((unsigned char)*p))
			p++;
		if (*p == '"' || *p == '\'') {
			const char *end = strchr(p + 1, *p);

			if (!end)
				return NULL;
			*len = (size_t)(end - p - 1);
			return p + 1;
		}
		*len = strcspn(p, " \t\n\f\r;");
		return *len ? p : NULL;
	}
}

static int starts_with_ci(const struct scan *sc, const char *lit)
{
	size_t n = strlen(lit);

	if (sc->len - sc->pos < n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower(sc->s[sc->pos + i]) != (unsigned char)lit[i])
			return 0;
	return 1;
}

/* Advances past the next '>' (or to the end). */
static void skip_past_gt(struct scan *sc)
{
	const unsigned char *gt =
		memchr(sc->s + sc->pos, '>', sc->len - sc->pos);

	sc->pos = gt ? (size_t)(gt - sc->s) + 1 : sc->len;
}

/* Handles a <meta tag; sc->pos is just past "<meta" and its following
 * space or slash. Returns the declared encoding or -1. */
static long prescan_meta(struct scan *sc)
{
	struct attr a;
	int got_pragma = 0, need_pragma = -1; /* -1: not yet known */
	int seen_http_equiv = 0, seen_content = 0, seen_charset = 0;
	int have_label = 0; /* a label was found, known or not */
	long enc = -1;

	while (get_attribute(sc, &a)) {
		if (a.too_long)
			continue;
		if (strcmp(a.name, "http-equiv") == 0) {
			if (seen_http_equiv++)
				continue;
			if (strcmp(a.value, "content-type") == 0)
				got_pragma = 1;
		} else if (strcmp(a.name, "content") == 0) {
			const char *label;
			size_t len;

			if (seen_content++ || have_label)
				continue;
			label = charset_from_content(a.value, &len);
			if (label) {
				have_label = 1;
				enc = encoding_from_label(label, len);
				/* An unknown label still needs the pragma. */
				need_pragma = 1;
			}
		} else if (strcmp(a.name, "charset") == 0) {
			if (seen_charset++)
				continue;
			have_label = 1;
			enc = encoding_from_label(a.value, strlen(a.value));
			need_pragma = 0;
		}
	}
	if (need_pragma < 0 || (need_pragma == 1 && !got_pragma) || enc < 0)
		return -1;
	/* A document readable as ASCII cannot really be UTF-16. */
	if (enc == ENC_UTF16LE || enc == ENC_UTF16BE)
		enc = ENC_UTF8;
	return enc;
}

/* Reads encoding="..." from an XML declaration; sc->pos is just past
 * "<?xml". Returns the declared encoding or -1. */
static long prescan_xml_declaration(struct scan *sc)
{
	struct attr a;

	while (sc->pos < sc->len && sc->s[sc->pos] != '?' &&
	       get_attribute(sc, &a))
		if (!a.too_long && strcmp(a.name, "encoding") == 0) {
			/* The value may have swallowed the closing "?". */
			size_t n = strcspn(a.value, "?");
			long enc = encoding_from_label(a.value, n);

			if (enc == ENC_UTF16LE || enc == ENC_UTF16BE)
				enc = ENC_UTF8;
			return enc;
		}
	return -1;
}

/* Looks for the page's own declaration in its first PRESCAN_LIMIT bytes.
 * Returns an index into encodings[] or -1. */
static long prescan(const char *data, size_t len)
{
	struct scan sc = { (const unsigned char *)data,
			   len < PRESCAN_LIMIT ? len : PRESCAN_LIMIT, 0 };
	const unsigned char *s = sc.s;
	struct attr a;

	while (sc.pos < sc.len) {
		const unsigned char *lt =
			memchr(s + sc.pos, '<', sc.len - sc.pos);
		size_t start;

		if (!lt)
			break;
		sc.pos = start = (size_t)(lt - s);
		if (starts_with_ci(&sc, "<!--")) {
			/* To the first "-->" after "<!" ("<!-->" counts). */
			size_t p = sc.pos + 2;

			sc.pos = sc.len;
			for (; p + 3 <= sc.len; p++)
				if (memcmp(s + p, "-->", 3) == 0) {
					sc.pos = p + 3;
					break;
				}
		} else if (starts_with_ci(&sc, "<meta") && sc.pos + 5 < sc.len &&
			   (is_space(s[sc.pos + 5]) || s[sc.pos + 5] == '/')) {
			long enc;

			sc.pos += 6;
			enc = prescan_meta(&sc);
			if (enc >= 0)
				return enc;
		} else if (starts_with_ci(&sc, "<?xml") &&
			   sc.pos + 5 < sc.len && is_space(s[sc.pos + 5])) {
			/* Only a declaration at the very start counts. */
			int at_start = 1;
			long enc;

			for (size_t i = 0; i < start; i++)
				if (!is_space(s[i]))
					at_start = 0;
			sc.pos += 5;
			enc = at_start ? prescan_xml_declaration(&sc) : -1;
			if (enc >= 0)
				return enc;
			skip_past_gt(&sc);
		} else if (sc.pos + 1 < sc.len &&
			   ((s[sc.pos + 1] | 0x20) >= 'a' &&
			    (s[sc.pos + 1] | 0x20) <= 'z')) {
			/* A start tag: skip its name and attributes, so that
			 * '<' inside attribute values is not a tag. */
			while (sc.pos < sc.len && !is_space(s[sc.pos]) &&
			       s[sc.pos] != '>')
				sc.pos++;
			while (get_attribute(&sc, &a))
				;
		} else if (sc.pos + 2 < sc.len && s[sc.pos + 1] == '/' &&
			   (s[sc.pos + 2] | 0x20) >= 'a' &&
			   (s[sc.pos + 2] | 0x20) <= 'z') {
			sc.pos += 2;
			while (sc.pos < sc.len && !is_space(s[sc.pos]) &&
			       s[sc.pos] != '>')
				sc.pos++;
			while (get_attribute(&sc, &a))
				;
		} else if (sc.pos + 1 < sc.len &&
			   (s[sc.pos + 1] == '!' || s[sc.pos + 1] == '/' ||
			    s[sc.pos + 1] == '?')) {
			skip_past_gt(&sc);
		} else {
			sc.pos++;
		}
	}
	return -1;
}

/* UTF-8 validity of the whole input, computed at most once. */
struct utf8_check {
	const char *data;
	size_t len;
	int state; /* -1 not yet known, else the answer */
};

static int is_valid_utf8(struct utf8_check *c)
{
	if (c->state < 0)
		c->state = charset_is_utf8(c->data, c->len);
	return c->state;
}

/* True when some byte of the input is not ASCII. */
static int has_non_ascii(const struct utf8_check *c)
{
	const unsigned char *s = (const unsigned char *)c->data;
	size_t i = 0;

	for (; i + 8 <= c->len; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		if (w & UINT64_C(0x8080808080808080))
			return 1;
	}
	for (; i < c->len; i++)
		if (s[i] >= 0x80)
			return 1;
	return 0;
}

/* Accepts a declared encoding unless the bytes say no: a declared UTF-8 must
 * validate, and a declared legacy encoding must not be contradicted by bytes
 * that are valid UTF-8 with non-ASCII sequences. Text in a legacy encoding
 * almost never validates as UTF-8 once it has a few non-ASCII characters,
 * while pages re-saved or transcoded to UTF-8 that keep their old <meta> are
 * common (a gb2312 page saved as UTF-8 would otherwise be all mojibake). */
static int plausible(long enc, struct utf8_check *c)
{
	if (enc < 0)
		return 0;
	if (enc == ENC_UTF8)
		return is_valid_utf8(c);
	return !(has_non_ascii(c) && is_valid_utf8(c));
}

/* Whether bytes that are not valid UTF-8 are UTF-8 with a few stray
 * bytes (a paragraph pasted from a legacy editor into a UTF-8 page): they
 * hold more well-formed multibyte sequences than bytes that start none.
 * Read as windows-1252 every such sequence would come out as two or three
 * wrong characters; read as UTF-8 (each stray byte as its windows-1252
 * character, append_utf8_or_1252()) only the stray bytes can be wrong, so
 * the reading with fewer wrong characters wins. A legacy page has almost
 * no well-formed sequences, and stays windows-1252. Linear. */
static int mostly_utf8(const struct utf8_check *c)
{
	const unsigned char *s = (const unsigned char *)c->data;
	size_t i = 0, good = 0, stray = 0, bad;

	while (i < c->len) {
		size_t n;

		if (s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_sequence(s + i, c->len - i, &bad);
		if (n) {
			good++;
			i += n;
		} else {
			stray++;
			i += bad;
		}
	}
	return good > stray;
}

static void set_result(struct charset_result *res, long enc,
		       const char *source)
{
	size_t n = strlen(encodings[enc].name);

	memcpy(res->name, encodings[enc].name, n + 1);
	res->source = source;
}

/* charset_detect() with the UTF-8 check shared with the caller. Returns the
 * index of the decided encoding. */
static long detect(const char *data, size_t len, const char *declared,
		   struct charset_result *res, struct utf8_check *check)
{
	const unsigned char *s = (const unsigned char *)data;
	long enc;

	if (len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF)
		enc = ENC_UTF8;
	else if (len >= 2 && s[0] == 0xFF && s[1] == 0xFE)
		enc = ENC_UTF16LE;
	else if (len >= 2 && s[0] == 0xFE && s[1] == 0xFF)
		enc = ENC_UTF16BE;
	else
		enc = -1;
	if (enc >= 0) {
		set_result(res, enc, "bom");
		return enc;
	}
	enc = sniff_utf16(s, len);
	if (enc >= 0 && encoding_available((size_t)enc)) {
		set_result(res, enc, "utf16-pattern");
		return enc;
	}
	if (declared) {
		enc = encoding_from_label(declared, strlen(declared));
		if (plausible(enc, check)) {
			set_result(res, enc, "declared");
			return enc;
		}
	}
	enc = prescan(data, len);
	if (plausible(enc, check)) {
		set_result(res, enc, "meta");
		return enc;
	}
	if (is_valid_utf8(check)) {
		set_result(res, ENC_UTF8, "utf8-check");
		return ENC_UTF8;
	}
	if (mostly_utf8(check)) {
		set_result(res, ENC_UTF8, "utf8-mostly");
		return ENC_UTF8;
	}
	set_result(res, ENC_WINDOWS_1252, "fallback");
	return ENC_WINDOWS_1252;
}

void charset_detect(const char *data, size_t len, const char *declared,
		    struct charset_result *res)
{
	struct utf8_check check = { data, len, -1 };

	(void)detect(data, len, declared, res, &check);
}

/* ---- conversion ------------------------------------------------------- */

/* The characters of windows-1252's bytes 0x80..0x9F (0: undefined). */
static const uint16_t cp1252_high[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178
};

/* Appends what stands for the invalid sequence of `n` bytes at `s`:
 * U+FFFD, or with `as_1252` each byte's windows-1252 character (U+FFFD
 * for the five bytes it leaves undefined). */
static int append_stray(struct buf *out, const unsigned char *s, size_t n,
			int as_1252)
{
	if (!as_1252)
		return buf_add(out, replacement, 3);
	for (size_t k = 0; k < n; k++) {
		unsigned c = s[k] >= 0xA0 ? s[k] : cp1252_high[s[k] - 0x80];
		char u[3];

		if (s[k] < 0x80 || (s[k] < 0xA0 && !c)) {
			if (buf_add(out, replacement, 3) < 0)
				return -1;
			continue;
		}
		if (c < 0x800) {
			u[0] = (char)(0xC0 | (c >> 6));
			u[1] = (char)(0x80 | (c & 0x3F));
			if (buf_add(out, u, 2) < 0)
				return -1;
		} else {
			u[0] = (char)(0xE0 | (c >> 12));
			u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
			u[2] = (char)(0x80 | (c & 0x3F));
			if (buf_add(out, u, 3) < 0)
				return -1;
		}
	}
	return 0;
}

/* Appends UTF-8 input to `out`, dropping NULs and replacing each invalid
 * sequence by U+FFFD, or with `as_1252` by its bytes' windows-1252
 * characters (UTF-8 with stray legacy bytes: mostly_utf8()); the input is
 * usually valid, so runs of good bytes are appended whole. */
static int append_utf8_or_1252(struct buf *out, const char *data, size_t len,
			       int as_1252)
{
	const unsigned char *s = (const unsigned char *)data;
	size_t i = 0, run = 0, bad;

	if (buf_grow(out, len) < 0)
		return -1;
	while (i < len) {
		size_t n;

		if (s[i] == 0) {
			n = 0;
			bad = 1;
		} else if (s[i] < 0x80) {
			i++;
			continue;
		} else {
			n = utf8_sequence(s + i, len - i, &bad);
		}
		if (n) {
			i += n;
			continue;
		}
		if (buf_add(out, data + run, i - run) < 0)
			return -1;
		if (s[i] != 0 && append_stray(out, s + i, bad, as_1252) < 0)
			return -1;
		i += bad;
		run = i;
	}
	return buf_add(out, data + run, len - run);
}

/* Room to ask for before an iconv() call with `inleft` bytes to go: most
 * pages grow by less than 2x, and E2BIG asks for more when they do not. */
static size_t iconv_room(size_t inleft)
{
	if (inleft < 128)
		return 256;
	return inleft > SIZE_MAX / 2 ? inleft : inleft * 2;
}

/* What iconv makes of each byte of a by_byte encoding: its UTF-8 (len[b]
 * bytes, 0 for NUL, which is dropped; U+FFFD for a byte iconv rejects). */
struct byte_table {
	unsigned char len[256];
	unsigned char utf8[256][4];
	unsigned char most; /* the longest len[] */
};

static struct byte_table byte_tables[ENCODING_COUNT];
/* 0 not built yet, 1 built, -1 unusable (iconv cannot open the encoding,
 * or a byte did not give one character alone); built under the lock,
 * read without it once published. */
static _Atomic signed char byte_table_state[ENCODING_COUNT];
static pthread_mutex_t byte_table_lock = PTHREAD_MUTEX_INITIALIZER;

/* Fills byte_tables[enc] by asking iconv for each byte alone, the state
 * reset between bytes and flushed after each (a byte that gives nothing
 * alone, or more after a flush, is not a character of its own: the
 * table is not used). Returns 0, or -1 when the table cannot be used. */
static int fill_byte_table(long enc)
{
	struct byte_table *t = &byte_tables[enc];
	iconv_t cd = iconv_open("UTF-8", encodings[enc].iconv);
	int rc = 0;

	if (cd == (iconv_t)-1)
		return -1;
	for (unsigned b = 0; b < 256 && rc == 0; b++) {
		char in_byte = (char)b, *in = &in_byte;
		char *op = (char *)t->utf8[b];
		size_t inleft = 1, room = sizeof t->utf8[b], made;

		iconv(cd, NULL, NULL, NULL, NULL);
		if (iconv(cd, &in, &inleft, &op, &room) == (size_t)-1) {
			if (errno != EILSEQ) {
				rc = -1;
				break;
			}
			memcpy(t->utf8[b], replacement, 3);
			t->len[b] = 3;
			continue;
		}
		made = sizeof t->utf8[b] - room;
		if (inleft || made == 0 ||
		    iconv(cd, NULL, NULL, &op, &room) == (size_t)-1 ||
		    sizeof t->utf8[b] - room != made)
			rc = -1;
		t->len[b] = b == 0 ? 0 : (unsigned char)made;
	}
	t->most = 3; /* U+FFFD */
	for (unsigned b = 0; b < 256; b++)
		if (t->len[b] > t->most)
			t->most = t->len[b];
	iconv_close(cd);
	return rc;
}

/* The byte table of encoding `enc` (by_byte), built on first use; NULL
 * when it cannot be used. */
static const struct byte_table *byte_table(long enc)
{
	signed char state = atomic_load_explicit(&byte_table_state[enc],
						 memory_order_acquire);

	if (state == 0) {
		pthread_mutex_lock(&byte_table_lock);
		state = atomic_load_explicit(&byte_table_state[enc],
					     memory_order_relaxed);
		if (state == 0) {
			state = fill_byte_table(enc) ? -1 : 1;
			atomic_store_explicit(&byte_table_state[enc], state,
					      memory_order_release);
		}
		pthread_mutex_unlock(&byte_table_lock);
	}
	return state > 0 ? &byte_tables[enc] : NULL;
}

/* Converts `len` bytes of by_byte encoding encodings[enc] to UTF-8 through
 * its byte table, appending to `out`: the same bytes as convert_iconv()
 * (one character per byte, U+FFFD for those iconv rejects, NULs dropped)
 * without iconv's two steps per byte. Returns 0, -1 when the table cannot
 * be used (out untouched) or -2 when memory runs out. */
static int convert_by_table(long enc, const char *data, size_t len,
			    struct buf *out)
{
	const struct byte_table *t = byte_table(enc);
	const unsigned char *s = (const unsigned char *)data;
	unsigned char *o;

	if (!t)
		return -1;
	/* t->most bytes a character at most, and room for a 4-byte store */
	if (len > (SIZE_MAX - 4) / t->most ||
	    buf_grow(out, len * t->most + 4) < 0)
		return -2;
	o = (unsigned char *)out->data + out->len;
	for (size_t i = 0; i < len; i++) {
		memcpy(o, t->utf8[s[i]], 4);
		o += t->len[s[i]];
	}
	*o = '\0';
	out->len = (size_t)((char *)o - out->data);
	return 0;
}

/* Converts `len` bytes from encodings[enc] to UTF-8, appending to `out`;
 * each code unit iconv rejects becomes U+FFFD, and NULs are dropped.
 * Returns 0, -1 when iconv cannot be opened (out untouched), or -2 when
 * memory runs out. */
static int convert_iconv(long enc, const char *data, size_t len,
			 struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", encodings[enc].iconv);
	/* iconv(3) takes char ** for its input but does not write to it. */
	char *in = (char *)(uintptr_t)data;
	size_t inleft = len, start = out->len, room, w;
	char *op;
	int ret = 0;

	if (cd == (iconv_t)-1)
		return -1;
	while (inleft > 0) {
		if (buf_grow(out, iconv_room(inleft)) < 0) {
			ret = -2;
			goto done;
		}
		room = out->cap - out->len - 1;
		op = out->data + out->len;
		if (iconv(cd, &in, &inleft, &op, &room) != (size_t)-1 ||
		    errno == E2BIG) {
			out->len = (size_t)(op - out->data);
			continue;
		}
		/* EILSEQ: an invalid code unit, skipped; EINVAL: an
		 * incomplete sequence at the end. Both become U+FFFD. */
		out->len = (size_t)(op - out->data);
		if (buf_add(out, replacement, 3) < 0) {
			ret = -2;
			goto done;
		}
		if (errno == EINVAL)
			break;
		w = encodings[enc].unit < inleft ? encodings[enc].unit : inleft;
		in += w;
		inleft -= w;
	}
	/* Flush the shift state of stateful encodings. */
	for (;;) {
		if (buf_grow(out, 64) < 0) {
			ret = -2;
			goto done;
		}
		room = out->cap - out->len - 1;
		op = out->data + out->len;
		if (iconv(cd, NULL, NULL, &op, &room) == (size_t)-1 &&
		    errno == E2BIG) {
			out->len = (size_t)(op - out->data);
			continue;
		}
		out->len = (size_t)(op - out->data);
		break;
	}
	/* Drop NULs that iconv carried over (U+0000 is one byte in UTF-8). */
	w = start;
	for (size_t r = start; r < out->len; r++)
		if (out->data[r])
			out->data[w++] = out->data[r];
	out->len = w;
done:
	if (out->cap)
		out->data[out->len] = '\0';
	iconv_close(cd);
	return ret;
}

int charset_to_utf8(const char *data, size_t len, const char *declared,
		    struct buf *out, struct charset_result *res,
		    struct error *err)
{
	struct utf8_check check = { data, len, -1 };
	const unsigned char *s = (const unsigned char *)data;
	long enc;
	int rc;

	buf_reset(out);
	enc = detect(data, len, declared, res, &check);

	/* Strip a BOM of the decided encoding. */
	if (enc == ENC_UTF8 && len >= 3 && s[0] == 0xEF && s[1] == 0xBB &&
	    s[2] == 0xBF)
		data += 3, len -= 3;
	else if ((enc == ENC_UTF16LE && len >= 2 && s[0] == 0xFF &&
		  s[1] == 0xFE) ||
		 (enc == ENC_UTF16BE && len >= 2 && s[0] == 0xFE &&
		  s[1] == 0xFF))
		data += 2, len -= 2;

	if (enc == ENC_UTF8) {
		/* The fast path: no iconv for UTF-8 input, and for valid input
		 * (the BOM does not change validity) a plain copy. */
		if (!is_valid_utf8(&check)) {
			if (append_utf8_or_1252(out, data, len,
						!strcmp(res->source, "utf8-mostly")) < 0)
				goto oom;
			return 0;
		}
		if (buf_add(out, data, len) < 0)
			goto oom;
		if (memchr(out->data, '\0', out->len)) {
			size_t w = 0;

			for (size_t r = 0; r < out->len; r++)
				if (out->data[r])
					out->data[w++] = out->data[r];
			buf_truncate(out, w);
		}
		return 0;
	}

	rc = encodings[enc].by_byte ? convert_by_table(enc, data, len, out) : -1;
	if (rc == -1)
		rc = convert_iconv(enc, data, len, out);
	if (rc == -1 && enc != ENC_WINDOWS_1252) {
		set_result(res, ENC_WINDOWS_1252, "fallback");
		enc = ENC_WINDOWS_1252;
		rc = convert_iconv(enc, data, len, out);
	}
	if (rc == -1) {
		buf_reset(out);
		return error_set(err, NULL,
				 "iconv cannot convert from %s or windows-1252",
				 res->name);
	}
	if (rc < 0)
		goto oom;

	/* A leading U+FEFF of BOM-less UTF-16 is a BOM too. */
	if (out->len >= 3 && memcmp(out->data, "\xEF\xBB\xBF", 3) == 0) {
		memmove(out->data, out->data + 3, out->len - 2);
		out->len -= 3;
	}
	/* iconv's output is UTF-8 by contract; check rather than trust. */
	if (!charset_is_utf8(out->data, out->len)) {
		struct buf fixed = BUF_INIT;

		if (append_utf8_or_1252(&fixed, out->data, out->len, 0) < 0) {
			buf_release(&fixed);
			goto oom;
		}
		buf_release(out);
		*out = fixed;
	}
	return 0;

oom:
	buf_reset(out);
	return error_set(err, NULL, "out of memory converting to UTF-8");
}
