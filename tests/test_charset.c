/*
 * Tests for charset: each decision step (BOM, caller's declaration, <meta>
 * prescan, XML declaration, UTF-8 check, fallback), label aliases, and that
 * conversion always yields valid UTF-8. Non-ASCII fixtures are written as
 * byte escapes so the expected encodings are explicit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>
#include <iconv.h>

#include "charset.h"

/* "Тиллерсон в Москве" */
#define RU_UTF8                                                            \
	"\xD0\xA2\xD0\xB8\xD0\xBB\xD0\xBB\xD0\xB5\xD1\x80\xD1\x81\xD0\xBE" \
	"\xD0\xBD \xD0\xB2 \xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB5"
#define RU_CP1251 "\xD2\xE8\xEB\xEB\xE5\xF0\xF1\xEE\xED \xE2 \xCC\xEE\xF1\xEA\xE2\xE5"
/* "Привет, мир" */
#define PRIVET_UTF8                                                        \
	"\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, \xD0\xBC\xD0\xB8" \
	"\xD1\x80"
#define PRIVET_KOI8R "\xF0\xD2\xC9\xD7\xC5\xD4, \xCD\xC9\xD2"

/* Converts the C string `page` and checks the decision and the text. */
static void convert(const char *page, size_t len, const char *declared,
		    const char *want_name, const char *want_source,
		    struct buf *out)
{
	struct charset_result res;
	struct error err = { "" };

	assert_int_equal(charset_to_utf8(page, len, declared, out, &res, &err),
			 0);
	assert_string_equal(res.name, want_name);
	assert_string_equal(res.source, want_source);
	assert_true(charset_is_utf8(out->data, out->len));
	assert_null(memchr(out->data, '\0', out->len));
}

static void assert_contains(const struct buf *b, const char *needle)
{
	if (!strstr(b->data, needle))
		fail_msg("\"%s\" not found in \"%s\"", needle, b->data);
}

static void test_charset_meta_windows_1251(void **state)
{
	static const char page[] =
		"<html><head><meta charset=\"windows-1251\"><title>x</title>"
		"</head><body><p>" RU_CP1251 "</p></body></html>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "windows-1251", "meta", &out);
	assert_contains(&out, "<p>" RU_UTF8 "</p>");
	buf_release(&out);
}

static void test_charset_meta_unquoted_and_case_insensitive(void **state)
{
	static const char page[] =
		"<HTML><HEAD><META CHARSET=X-CP1251></HEAD><BODY>" RU_CP1251;
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "windows-1251", "meta", &out);
	assert_contains(&out, RU_UTF8);
	buf_release(&out);
}

static void test_charset_http_equiv(void **state)
{
	static const char page[] =
		"<html><head><meta http-equiv='Content-Type' "
		"content='text/html; Charset=KOI8-R'></head><body>" PRIVET_KOI8R;
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "koi8-r", "meta", &out);
	assert_contains(&out, PRIVET_UTF8);
	buf_release(&out);
}

static void test_charset_http_equiv_quoted_charset_value(void **state)
{
	static const char page[] =
		"<meta content=\"text/html; charset='windows-1251'\" "
		"http-equiv=content-type>" RU_CP1251;
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, NULL, &res);
	assert_string_equal(res.name, "windows-1251");
	assert_string_equal(res.source, "meta");
}

static void test_charset_content_without_http_equiv_ignored(void **state)
{
	/* The HTML prescan needs the pragma for a content= declaration. */
	static const char page[] =
		"<meta content=\"text/html; charset=koi8-r\">caf\xE9";
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, NULL, &res);
	assert_string_equal(res.name, "windows-1252");
	assert_string_equal(res.source, "fallback");
}

static void test_charset_meta_inside_comment_ignored(void **state)
{
	static const char page[] =
		"<!-- <meta charset=koi8-r> --><meta charset=windows-1251>";
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, NULL, &res);
	assert_string_equal(res.name, "windows-1251");
}

static void test_charset_meta_inside_attribute_value_ignored(void **state)
{
	static const char page[] =
		"<div title=\"<meta charset=koi8-r>\"></div>"
		"<meta charset=windows-1251>";
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, NULL, &res);
	assert_string_equal(res.name, "windows-1251");
}

static void test_charset_meta_after_4096_bytes_ignored(void **state)
{
	char page[8192];
	struct charset_result res;
	size_t n;

	(void)state;
	memset(page, ' ', sizeof page);
	memcpy(page, "<html>", 6);
	n = 5000;
	memcpy(page + n, "<meta charset=koi8-r>", 21);
	charset_detect(page, n + 21, NULL, &res);
	assert_string_equal(res.name, "utf-8");
	assert_string_equal(res.source, "utf8-check");
}

static void test_charset_unknown_meta_label_ignored(void **state)
{
	static const char page[] =
		"<meta charset=\"x-no-such-charset\"><meta charset=koi8-r>";
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, NULL, &res);
	/* An unknown label is skipped and the prescan goes on. */
	assert_string_equal(res.name, "koi8-r");
}

static void test_charset_meta_utf16_means_utf8(void **state)
{
	static const char page[] = "<meta charset=utf-16><p>caf\xC3\xA9";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-8", "meta", &out);
	assert_contains(&out, "caf\xC3\xA9");
	buf_release(&out);
}

static void test_charset_xml_declaration(void **state)
{
	static const char page[] =
		"<?xml version=\"1.0\" encoding=\"windows-1251\"?>\n<html>" RU_CP1251;
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "windows-1251", "meta", &out);
	assert_contains(&out, RU_UTF8);
	buf_release(&out);
}

static void test_charset_bom_utf8_stripped(void **state)
{
	static const char page[] = "\xEF\xBB\xBF<p>caf\xC3\xA9</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, "windows-1251", "utf-8", "bom", &out);
	assert_string_equal(out.data, "<p>caf\xC3\xA9</p>");
	buf_release(&out);
}

static void test_charset_bom_utf16le(void **state)
{
	/* BOM, "<p>Ж€" in UTF-16LE. */
	static const char page[] = "\xFF\xFE<\0p\0>\0\x16\x04\xAC\x20";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-16le", "bom", &out);
	assert_string_equal(out.data, "<p>\xD0\x96\xE2\x82\xAC");
	buf_release(&out);
}

static void test_charset_bom_utf16be(void **state)
{
	static const char page[] = "\xFE\xFF\0<\0p\0>\x04\x16";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-16be", "bom", &out);
	assert_string_equal(out.data, "<p>\xD0\x96");
	buf_release(&out);
}

static void test_charset_utf16le_without_bom(void **state)
{
	static const char page[] = "<\0h\0t\0m\0l\0>\0<\0p\0>\0\x16\x04";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-16le", "utf16-pattern",
		&out);
	assert_string_equal(out.data, "<html><p>\xD0\x96");
	buf_release(&out);
}

static void test_charset_utf16_unpaired_surrogate_replaced(void **state)
{
	/* "a", a lone high surrogate, "b". */
	static const char page[] = "\xFF\xFE" "a\0\x00\xD8" "b\0";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-16le", "bom", &out);
	assert_string_equal(out.data, "a\xEF\xBF\xBD" "b");
	buf_release(&out);
}

static void test_charset_declared_wins_over_meta(void **state)
{
	static const char page[] = "<meta charset=koi8-r>" RU_CP1251;
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, "cp1251", "windows-1251", "declared",
		&out);
	assert_contains(&out, RU_UTF8);
	buf_release(&out);
}

static void test_charset_unknown_declared_ignored(void **state)
{
	static const char page[] = "<meta charset=windows-1251>" RU_CP1251;
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, "x-bogus-8", &res);
	assert_string_equal(res.name, "windows-1251");
	assert_string_equal(res.source, "meta");
}

static void test_charset_lying_declared_utf8_uses_meta(void **state)
{
	static const char page[] = "<meta charset=windows-1251>" RU_CP1251;
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, "utf-8", &res);
	assert_string_equal(res.name, "windows-1251");
	assert_string_equal(res.source, "meta");
}

static void test_charset_label_aliases(void **state)
{
	static const struct {
		const char *label, *name;
	} cases[] = {
		{ "UTF8", "utf-8" },
		{ " utf-8 ", "utf-8" },
		{ "cp1251", "windows-1251" },
		{ "Win-1251", "windows-1251" },
		{ "x-cp1251", "windows-1251" },
		{ "latin1", "windows-1252" },
		{ "ISO-8859-1", "windows-1252" },
		{ "us-ascii", "windows-1252" },
		{ "koi8-u", "koi8-u" },
		{ "iso-8859-2", "iso-8859-2" },
		{ "iso-8859-15", "iso-8859-15" },
		{ "windows-1250", "windows-1250" },
		{ "windows-1258", "windows-1258" },
		{ "Shift_JIS", "shift_jis" },
		{ "euc-jp", "euc-jp" },
		{ "gb2312", "gbk" },
		{ "gb18030", "gb18030" },
		{ "big5", "big5" },
		{ "euc-kr", "euc-kr" },
	};
	/* Plain ASCII: any of these single-byte declarations is accepted. */
	static const char page[] = "<p>hello</p>";
	struct charset_result res;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		charset_detect(page, sizeof page - 1, cases[i].label, &res);
		assert_string_equal(res.name, cases[i].name);
		assert_string_equal(res.source, "declared");
	}
}

static void test_charset_valid_utf8_undeclared(void **state)
{
	static const char page[] = "<p>" RU_UTF8 "</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-8", "utf8-check", &out);
	assert_string_equal(out.data, page);
	buf_release(&out);
}

static void test_charset_invalid_utf8_falls_back_to_1252(void **state)
{
	static const char page[] = "<p>caf\xE9 \x80 10</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "windows-1252", "fallback",
		&out);
	assert_string_equal(out.data, "<p>caf\xC3\xA9 \xE2\x82\xAC 10</p>");
	buf_release(&out);
}

/* A UTF-8 page with a few stray windows-1252 bytes (a paragraph pasted
 * from a legacy editor) is read as UTF-8, each stray byte as its
 * windows-1252 character: read as windows-1252, every UTF-8 sequence
 * would turn into two wrong characters. */
static void test_charset_utf8_with_stray_legacy_bytes(void **state)
{
	static const char page[] =
		"<meta charset=\"utf-8\"><p>So sch\xC3\xB6n winterlich, "
		"gr\xC3\xBC\xC3\x9F dich \xE2\x80\x93 sagt M\xFCller \x93ja\x94</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-8", "utf8-mostly", &out);
	assert_contains(&out, "So sch\xC3\xB6n winterlich, gr\xC3\xBC\xC3\x9F dich "
			      "\xE2\x80\x93 sagt M\xC3\xBCller \xE2\x80\x9Cja\xE2\x80\x9D");
	buf_release(&out);
}

static void test_charset_lying_meta_utf8(void **state)
{
	static const char page[] =
		"<meta charset=\"utf-8\"><p>na\xEFve caf\xE9</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "windows-1252", "fallback",
		&out);
	assert_contains(&out, "na\xC3\xAFve caf\xC3\xA9");
	buf_release(&out);
}

/* "人工智能" (artificial intelligence) in UTF-8. */
#define AI_UTF8 "\xE4\xBA\xBA\xE5\xB7\xA5\xE6\x99\xBA\xE8\x83\xBD"

static void test_charset_lying_meta_gb2312_on_utf8_page(void **state)
{
	/* A page saved as UTF-8 that kept its old declaration. */
	static const char page[] =
		"<html><head><meta http-equiv=\"Content-Type\" "
		"content=\"text/html; charset=gb2312\" /><title>" AI_UTF8
		"</title></head><body><p>" AI_UTF8 "</p></body></html>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-8", "utf8-check", &out);
	assert_contains(&out, "<p>" AI_UTF8 "</p>");
	buf_release(&out);
}

static void test_charset_lying_declared_legacy_on_utf8_page(void **state)
{
	static const char page[] = "<p>" RU_UTF8 "</p>";
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, "windows-1251", &res);
	assert_string_equal(res.name, "utf-8");
	assert_string_equal(res.source, "utf8-check");
}

static void test_charset_legacy_meta_kept_on_ascii_page(void **state)
{
	/* Nothing contradicts the declaration when every byte is ASCII. */
	static const char page[] = "<meta charset=windows-1251><p>hello</p>";
	struct charset_result res;

	(void)state;
	charset_detect(page, sizeof page - 1, NULL, &res);
	assert_string_equal(res.name, "windows-1251");
	assert_string_equal(res.source, "meta");
}

static void test_charset_undefined_1252_byte_becomes_replacement(void **state)
{
	/* 0x81 has no character in windows-1252 for iconv. */
	static const char page[] = "a\x81" "b\xE9";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, "windows-1252", "windows-1252",
		"declared", &out);
	assert_string_equal(out.data, "a\xEF\xBF\xBD" "b\xC3\xA9");
	buf_release(&out);
}

static void test_charset_koi8r(void **state)
{
	static const char page[] = "<p>" PRIVET_KOI8R "</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, "koi8-r", "koi8-r", "declared", &out);
	assert_string_equal(out.data, "<p>" PRIVET_UTF8 "</p>");
	buf_release(&out);
}

static void test_charset_shift_jis(void **state)
{
	/* "日本語" in Shift_JIS, and in UTF-8. */
	static const char page[] =
		"<meta charset=sjis><p>\x93\xFA\x96\x7B\x8C\xEA</p>";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "shift_jis", "meta", &out);
	assert_contains(&out, "<p>\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E</p>");
	buf_release(&out);
}

/* One page per encoding of the issue, each declared in a <meta>: the text
 * comes out as the same words in UTF-8 and the charset is reported. The
 * bytes were produced by Python's codecs, independently of iconv. */
static void test_charset_each_legacy_encoding(void **state)
{
	static const struct {
		const char *label, *name, *bytes, *utf8;
	} cases[] = {
		{ "iso-8859-2", "iso-8859-2", "Za\xBF\xF3\xB3\xE6 g\xEA\xB6l\xB1",
		  "Za\xC5\xBC\xC3\xB3\xC5\x82\xC4\x87 g\xC4\x99\xC5\x9Bl\xC4\x85" },
		{ "iso-8859-5", "iso-8859-5", "\xBC\xDE\xE1\xDA\xD2\xD0",
		  "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0" },
		{ "iso-8859-7", "iso-8859-7", "\xC1\xE8\xDE\xED\xE1",
		  "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1" },
		{ "iso-8859-15", "iso-8859-15", "\xA4uro", "\xE2\x82\xACuro" },
		{ "windows-1250", "windows-1250",
		  "P\xF8\xEDli\x9A \x9Elu\x9Dou\xE8k\xFD",
		  "P\xC5\x99\xC3\xADli\xC5\xA1 \xC5\xBElu\xC5\xA5ou\xC4\x8Dk\xC3\xBD" },
		{ "windows-1253", "windows-1253", "\xC1\xE8\xDE\xED\xE1",
		  "\xCE\x91\xCE\xB8\xCE\xAE\xCE\xBD\xCE\xB1" },
		{ "windows-1256", "windows-1256", "\xC7\xE1\xDA\xD1\xC8\xED\xC9",
		  "\xD8\xA7\xD9\x84\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A\xD8\xA9" },
		{ "euc-jp", "euc-jp", "\xC6\xFC\xCB\xDC\xB8\xEC",
		  "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E" },
		{ "gbk", "gbk", "\xD6\xD0\xCE\xC4\xD0\xC2\xCE\xC5",
		  "\xE4\xB8\xAD\xE6\x96\x87\xE6\x96\xB0\xE9\x97\xBB" },
		{ "gb18030", "gb18030", "\xD6\xD0\xCE\xC4\xD0\xC2\xCE\xC5",
		  "\xE4\xB8\xAD\xE6\x96\x87\xE6\x96\xB0\xE9\x97\xBB" },
		{ "big5", "big5", "\xA4\xA4\xA4\xE5\xB7\x73\xBB\x44",
		  "\xE4\xB8\xAD\xE6\x96\x87\xE6\x96\xB0\xE8\x81\x9E" },
		{ "euc-kr", "euc-kr", "\xC7\xD1\xB1\xB9\xBE\xEE",
		  "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct buf page = BUF_INIT, out = BUF_INIT, want = BUF_INIT;
		assert_int_equal(buf_printf(&page, "<meta charset=\"%s\"><p>%s</p>",
					    cases[i].label, cases[i].bytes), 0);
		convert(page.data, page.len, NULL, cases[i].name, "meta", &out);
		assert_int_equal(buf_printf(&want, "<p>%s</p>", cases[i].utf8), 0);
		assert_contains(&out, want.data);
		buf_release(&page);
		buf_release(&out);
		buf_release(&want);
	}
}

/* iconv's own conversion of the whole of `in` (as one stream) to UTF-8,
 * each byte it rejects as U+FFFD and NULs dropped: what the one-byte
 * encodings' table must give. */
static void iconv_whole(const char *iconv_name, const char *in, size_t len,
			struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", iconv_name);
	char *ip = (char *)(uintptr_t)in, room[8192], *op = room;
	size_t inleft = len, left = sizeof room;

	assert_true(cd != (iconv_t)-1);
	while (inleft > 0) {
		if (iconv(cd, &ip, &inleft, &op, &left) != (size_t)-1)
			break;
		assert_int_equal(errno, EILSEQ);
		assert_true(left >= 3);
		memcpy(op, "\xEF\xBF\xBD", 3);
		op += 3, left -= 3;
		ip++, inleft--;
	}
	assert_int_not_equal(iconv(cd, NULL, NULL, &op, &left), (size_t)-1);
	iconv_close(cd);
	buf_reset(out);
	for (const char *p = room; p < op; p++)
		if (*p)
			assert_int_equal(buf_add(out, p, 1), 0);
}

/* Every byte of each one-byte encoding, in order, backwards and between
 * letters, comes out as iconv makes of the whole page (the table these
 * encodings are converted through holds what iconv makes of each byte);
 * and windows-1258, whose letters glibc composes with the tone mark after
 * them, still composes them. */
static void test_charset_one_byte_encodings_as_iconv(void **state)
{
	static const struct {
		const char *name, *iconv;
	} cases[] = {
		{ "windows-1252", "WINDOWS-1252" }, { "windows-1250", "WINDOWS-1250" },
		{ "windows-1251", "WINDOWS-1251" }, { "windows-1253", "WINDOWS-1253" },
		{ "windows-1254", "WINDOWS-1254" }, { "windows-1256", "WINDOWS-1256" },
		{ "windows-1257", "WINDOWS-1257" }, { "windows-874", "WINDOWS-874" },
		{ "iso-8859-2", "ISO-8859-2" }, { "iso-8859-5", "ISO-8859-5" },
		{ "iso-8859-7", "ISO-8859-7" }, { "iso-8859-8", "ISO-8859-8" },
		{ "iso-8859-16", "ISO-8859-16" }, { "koi8-u", "KOI8-U" },
		{ "ibm866", "IBM866" }, { "x-mac-cyrillic", "MAC-CYRILLIC" },
		{ "windows-1255", "WINDOWS-1255" }, { "windows-1258", "WINDOWS-1258" },
	};
	char page[256 * 4];
	size_t n = 0;
	struct buf out = BUF_INIT, want = BUF_INIT;

	(void)state;
	for (unsigned b = 0; b < 256; b++)
		page[n++] = (char)b;
	for (unsigned b = 256; b-- > 0;)
		page[n++] = (char)b;
	for (unsigned b = 0x80; b < 256; b++) {
		page[n++] = 'a';
		page[n++] = (char)b;
	}
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		convert(page, n, cases[i].name, cases[i].name, "declared", &out);
		iconv_whole(cases[i].iconv, page, n, &want);
		assert_int_equal(out.len, want.len);
		assert_memory_equal(out.data, want.data, want.len);
	}
	convert("a\xEC" "b", 3, "windows-1258", "windows-1258", "declared", &out);
	assert_string_equal(out.data, "\xC3\xA1" "b");
	buf_release(&out);
	buf_release(&want);
}

static void test_charset_truncated_multibyte_at_end_replaced(void **state)
{
	/* A Shift_JIS lead byte with its trail byte missing. */
	static const char page[] = "ab\x93";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, "shift_jis", "shift_jis", "declared",
		&out);
	assert_string_equal(out.data, "ab\xEF\xBF\xBD");
	buf_release(&out);
}

static void test_charset_drops_nul_bytes(void **state)
{
	static const char utf8[] = "a\0b\xC3\xA9";
	static const char cp1251[] = "a\0b\xE9";
	struct buf out = BUF_INIT;

	(void)state;
	convert(utf8, sizeof utf8 - 1, NULL, "utf-8", "utf8-check", &out);
	assert_int_equal(out.len, 4);
	assert_string_equal(out.data, "ab\xC3\xA9");
	convert(cp1251, sizeof cp1251 - 1, "windows-1251", "windows-1251",
		"declared", &out);
	assert_string_equal(out.data, "ab\xD0\xB9");
	buf_release(&out);
}

static void test_charset_utf8_bom_with_invalid_bytes_repaired(void **state)
{
	static const char page[] = "\xEF\xBB\xBF" "a\xFF" "b\xE2\x82" "c";
	struct buf out = BUF_INIT;

	(void)state;
	convert(page, sizeof page - 1, NULL, "utf-8", "bom", &out);
	/* One U+FFFD per invalid byte or truncated sequence. */
	assert_string_equal(out.data,
			    "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c");
	buf_release(&out);
}

static void test_charset_empty_input(void **state)
{
	struct buf out = BUF_INIT;

	(void)state;
	convert("", 0, NULL, "utf-8", "utf8-check", &out);
	assert_int_equal(out.len, 0);
	buf_release(&out);
}

static void test_charset_is_utf8_rejects_malformed(void **state)
{
	(void)state;
	assert_true(charset_is_utf8("plain ascii text, long enough", 29));
	assert_true(charset_is_utf8(RU_UTF8, sizeof RU_UTF8 - 1));
	assert_true(charset_is_utf8("\xF0\x9F\x93\xB0", 4));  /* U+1F4F0 */
	assert_true(charset_is_utf8("\xF4\x8F\xBF\xBF", 4));  /* U+10FFFF */
	assert_false(charset_is_utf8("\xC0\x80", 2));         /* overlong NUL */
	assert_false(charset_is_utf8("\xE0\x80\xAF", 3));     /* overlong */
	assert_false(charset_is_utf8("\xF0\x80\x80\xAF", 4)); /* overlong */
	assert_false(charset_is_utf8("\xED\xA0\x80", 3));     /* surrogate */
	assert_false(charset_is_utf8("\xF4\x90\x80\x80", 4)); /* > U+10FFFF */
	assert_false(charset_is_utf8("\xF5\x80\x80\x80", 4));
	assert_false(charset_is_utf8("\x80", 1));      /* lone continuation */
	assert_false(charset_is_utf8("abcdefgh\xE2\x82", 10)); /* truncated */
	assert_false(charset_is_utf8("abcdefg\xFF", 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_charset_meta_windows_1251),
		cmocka_unit_test(test_charset_meta_unquoted_and_case_insensitive),
		cmocka_unit_test(test_charset_http_equiv),
		cmocka_unit_test(test_charset_http_equiv_quoted_charset_value),
		cmocka_unit_test(test_charset_content_without_http_equiv_ignored),
		cmocka_unit_test(test_charset_meta_inside_comment_ignored),
		cmocka_unit_test(test_charset_meta_inside_attribute_value_ignored),
		cmocka_unit_test(test_charset_meta_after_4096_bytes_ignored),
		cmocka_unit_test(test_charset_unknown_meta_label_ignored),
		cmocka_unit_test(test_charset_meta_utf16_means_utf8),
		cmocka_unit_test(test_charset_xml_declaration),
		cmocka_unit_test(test_charset_bom_utf8_stripped),
		cmocka_unit_test(test_charset_bom_utf16le),
		cmocka_unit_test(test_charset_bom_utf16be),
		cmocka_unit_test(test_charset_utf16le_without_bom),
		cmocka_unit_test(test_charset_utf16_unpaired_surrogate_replaced),
		cmocka_unit_test(test_charset_declared_wins_over_meta),
		cmocka_unit_test(test_charset_unknown_declared_ignored),
		cmocka_unit_test(test_charset_lying_declared_utf8_uses_meta),
		cmocka_unit_test(test_charset_label_aliases),
		cmocka_unit_test(test_charset_valid_utf8_undeclared),
		cmocka_unit_test(test_charset_invalid_utf8_falls_back_to_1252),
		cmocka_unit_test(test_charset_lying_meta_utf8),
		cmocka_unit_test(test_charset_utf8_with_stray_legacy_bytes),
		cmocka_unit_test(test_charset_lying_meta_gb2312_on_utf8_page),
		cmocka_unit_test(test_charset_lying_declared_legacy_on_utf8_page),
		cmocka_unit_test(test_charset_legacy_meta_kept_on_ascii_page),
		cmocka_unit_test(test_charset_undefined_1252_byte_becomes_replacement),
		cmocka_unit_test(test_charset_koi8r),
		cmocka_unit_test(test_charset_shift_jis),
		cmocka_unit_test(test_charset_each_legacy_encoding),
		cmocka_unit_test(test_charset_one_byte_encodings_as_iconv),
		cmocka_unit_test(test_charset_truncated_multibyte_at_end_replaced),
		cmocka_unit_test(test_charset_drops_nul_bytes),
		cmocka_unit_test(test_charset_utf8_bom_with_invalid_bytes_repaired),
		cmocka_unit_test(test_charset_empty_input),
		cmocka_unit_test(test_charset_is_utf8_rejects_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
