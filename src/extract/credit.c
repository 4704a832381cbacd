/*
 * extract/credit.c: a picture's credit or a gallery's counter told from
 * its words alone, for the lines whose markup does not say so (no
 * figcaption, no "caption" or "credit" class): "Photo: Alvaro Serey",
 * "... the Kremlin. (Image: GETTY)", "Stanley Chou/Getty Images",
 * "Image 1 of 5". A credit names who took or owns a picture; the label
 * that introduces it ("Photo", "Foto", "Image credit", "Bild") is the
 * convention of picture desks in every language of the tests, so the
 * label, not a site's wording, is what is matched. A gallery's counter
 * is told the same way, to be dropped.
 */
#include "internal.h"

/* Words that label a picture or its credit, longest form first where
 * one is a prefix of another; matched as whole words, any case. */
static const char *const credit_labels[] = {
	"photographs", "photograph", "photography", "photos", "photo",
	"pictures", "picture", "pics", "pic", "images", "image", "credits",
	"credit", "fotos", "foto", "bilder", "bild", "crédits", "crédit",
	"créditos", "crédito", "illustration", "abbildung", "abb", "grafik",
	NULL
};

/* What follows a label before the name: "Photo: X", "Photo by X",
 * "Image courtesy of X", "Photo via X", "Foto/X", "Foto © X". (Not
 * "Bilder von", "Fotos de": headings say that of a gallery.) */
static const char *const credit_links[] = {
	":", "/", "|", "\u00a9", " \u00a9", " by ", " by:", " courtesy",
	" via ", NULL
};

/* Agencies and picture libraries, as credits end with them ("Stanley
 * Chou/Getty Images", "TebNad/Shutterstock.com", "[EPA]"). */
static const char *const agencies[] = {
	"getty images", "getty", "afp", "ap", "reuters", "epa", "dpa",
	"shutterstock.com", "shutterstock", "istockphoto", "istock", "alamy",
	"imago", "unsplash", "picture alliance", "picture-alliance", "pa",
	"pa wire", "pa images", "pa media", "ap photo", "keystone", "anp",
	"ansa", "efe", NULL
};

/* Picture libraries alone: a short line ending with one is a credit
 * even without a '/' before it ("Photos by cmgirl (Shutterstock)"). */
static const char *const libraries[] = {
	"getty images", "shutterstock", "shutterstock.com", "istock",
	"istockphoto", "alamy", "unsplash", NULL
};

/* Credits and counters are short: a credit alone under CREDIT_LINE
 * bytes, a caption ending with one under CAPTION_LINE, the credit
 * clause itself under CREDIT_CLAUSE. */
enum { CREDIT_LINE = 200, CAPTION_LINE = 500, CREDIT_CLAUSE = 100,
       COUNTER_LINE = 48 };

static bool is_word_byte(unsigned char c)
{
	return isalnum(c) || c >= 0x80;
}

/* The length of the first word of `words` at p (a whole word, any
 * case), or 0. */
static size_t listed_word_at(const char *p, size_t len, const char *const *words)
{
	for (const char *const *w = words; *w; w++) {
		size_t k = strlen(*w);

		if (k <= len && same_first_letter(p, *w) &&
		    strncasecmp(p, *w, k) == 0 &&
		    (k == len || !is_word_byte((unsigned char)p[k])))
			return k;
	}
	return 0;
}

/* The length of the label at p (whole word, case-insensitive), or 0. */
static size_t label_at(const char *p, size_t len)
{
	/* the labels' first letters: most words are none of them */
	if (len == 0 || !memchr("abcfgipABCFGIP", p[0], 14))
		return 0;
	return listed_word_at(p, len, credit_labels);
}

/* The length of "source" or "quelle" at p as a label's second word
 * ("Photo source: X"), or 0; alone it labels a text's source, not a
 * picture's. */
static size_t source_at(const char *p, size_t len)
{
	static const char *const words[] = { "source", "quelle", "fuente", NULL };

	return listed_word_at(p, len, words);
}

/* Whether [p, p + len) is a credit clause: at most three words, then a
 * label (and a second one: "Photo credit", "Photo source"), then a link
 * word and a name ("Photo: X", "Top photo by X", "Official White House
 * Photo by X", "Image credit: X", "Crédits photos : X"). */
static bool credit_clause(const char *p, size_t len, int *lead)
{
	size_t i = 0, k = 0;
	int words = 0;

	if (len == 0 || len > CREDIT_CLAUSE)
		return false;
	for (;;) {
		while (i < len && p[i] == ' ')
			i++;
		if (i >= len)
			return false;
		if ((k = label_at(p + i, len - i)) > 0)
			break;
		if (++words > 3)
			return false;
		while (i < len && is_word_byte((unsigned char)p[i]))
			i++;
		if (i < len && p[i] != ' ')
			return false; /* punctuation: no credit's opening */
	}
	*lead = words;
	i += k;
	if (i < len && p[i] == ' ' && ((k = label_at(p + i + 1, len - i - 1)) > 0 ||
				       (k = source_at(p + i + 1, len - i - 1)) > 0))
		i += 1 + k; /* "Photo credit", "Photo source" */
	if (i + 1 < len && p[i] == ' ' && p[i + 1] == ':')
		i++; /* "Photo : YONHAP", French spacing */
	for (const char *const *w = credit_links; *w; w++) {
		size_t n = strlen(*w);

		if (i + n <= len && strncasecmp(p + i, *w, n) == 0) {
			i += n;
			while (i < len && strchr(" :", p[i]))
				i++;
			return i < len;
		}
	}
	return false;
}

static bool is_credit_clause(const char *p, size_t len)
{
	int lead;

	return credit_clause(p, len, &lead);
}

/* Whether `p` (length len) ends with one of `list`, after a non-word
 * byte or at its start; *start is where the match begins. */
static bool ends_with_one_of(const char *p, size_t len,
			     const char *const *list, size_t *start)
{
	if (len == 0)
		return false;
	for (; *list; list++) {
		size_t k = strlen(*list);

		if (k <= len &&
		    tolower((unsigned char)p[len - 1]) == (*list)[k - 1] &&
		    strncasecmp(p + len - k, *list, k) == 0 &&
		    (k == len || !is_word_byte((unsigned char)p[len - k - 1]))) {
			*start = len - k;
			return true;
		}
	}
	return false;
}

/* Whether the line holds a full stop that ends a sentence: a '.' after
 * a lowercase word of two letters or more, before a space. */
static bool has_sentence_end(const char *p, size_t len)
{
	for (size_t i = 2; i + 1 < len; i++)
		if (p[i] == '.' && p[i + 1] == ' ' &&
		    islower((unsigned char)p[i - 1]) &&
		    islower((unsigned char)p[i - 2]))
			return true;
	return false;
}

/* "Image 1 of 5", "Foto 2 von 8", "Slide 3 of 12", "2/28 photos ©
 * Shutterstock": a gallery's counter. A label before or after the
 * numbers is needed with a '/' ("3/12" alone may be a score). */
bool is_gallery_counter(const char *p, size_t len)
{
	static const char *const ofs[] = { " of ", " von ", " de ", " sur ",
					   " di ", " z ", "/", NULL };
	size_t i = 0, k;
	bool label = false;

	if (len >= COUNTER_LINE)
		return false;
	k = label_at(p, len);
	if (!k && len > 5 && strncasecmp(p, "slide ", 6) == 0)
		k = 5;
	if (k) {
		label = true;
		i = k + strspn(p + k, " ");
	}
	if (i >= len || !isdigit((unsigned char)p[i]))
		return false;
	i += strspn(p + i, "0123456789");
	for (const char *const *o = ofs; *o; o++) {
		size_t n = strlen(*o);

		if (i + n >= len || strncasecmp(p + i, *o, n) != 0 ||
		    !isdigit((unsigned char)p[i + n]))
			continue;
		i += n;
		i += strspn(p + i, "0123456789");
		i += strspn(p + i, " ");
		if ((k = label_at(p + i, len - i)) > 0) {
			label = true;
			i += k;
			i += strspn(p + i, " ");
		}
		if (!label && **o == '/')
			return false;
		/* nothing more, or a credit: "photos © Shutterstock" */
		return i == len || strncmp(p + i, "\u00a9", 2) == 0;
	}
	return false;
}

/* Whether [p, p + len) opens with an agency, a '/' and a name, as wire
 * pictures are credited ("REUTERS/Jonathan Ernst", "AFP/Getty"), and
 * holds no space-separated sentence. */
static bool agency_slash(const char *p, size_t len)
{
	if (len > CREDIT_CLAUSE)
		return false;
	for (const char *const *a = agencies; *a; a++) {
		size_t k = strlen(*a);

		if (k + 1 < len && strncasecmp(p, *a, k) == 0 && p[k] == '/' &&
		    p[k + 1] != ' ')
			return !has_sentence_end(p, len);
	}
	return false;
}

/* The trailing credit of a caption: a bracket at the end that holds a
 * credit clause ("(Foto: dpa)", "[Photograph: X]", "(Official White
 * House Photo by X)") or, square, an agency alone ("[EPA]"); or a credit
 * clause after the last sentence ("... Category B. Photo: Alvaro
 * Serey"). */
static bool ends_with_credit(const char *p, size_t len)
{
	size_t e = len, s;

	while (e > 0 && strchr(" .", p[e - 1]))
		e--;
	if (e > 2 && (p[e - 1] == ')' || p[e - 1] == ']')) {
		char open = p[e - 1] == ')' ? '(' : '[';

		for (s = e - 1; s > 0 && e - s <= CREDIT_CLAUSE; s--)
			if (p[s - 1] == open)
				break;
		if (s == 0 || p[s - 1] != open)
			return false;
		size_t in = s, n = e - 1 - s;

		while (n > 0 && p[in] == ' ')
			in++, n--;
		while (n > 0 && p[in + n - 1] == ' ')
			n--;
		if (is_credit_clause(p + in, n))
			return true;
		if (open == '[' && ends_with_one_of(p + in, n, agencies, &s) &&
		    s == 0)
			return true;
		return false;
	}
	/* the clause after the last ". ", " - " or " | " */
	for (s = e; s > 2 && e - s <= CREDIT_CLAUSE; s--)
		if (p[s - 1] == ' ' && strchr(".|-", p[s - 2]))
			return is_credit_clause(p + s, e - s) ||
			       agency_slash(p + s, e - s);
	return false;
}

bool is_credit_line(const char *p, size_t len)
{
	size_t s;
	int lead;

	if (len == 0 || len >= CAPTION_LINE)
		return false;
	/* A line that opens with a credit; words before the label ("Top
	 * photo by", "Official White House Photo by") only in a short line
	 * that is no sentence. */
	if (len < CREDIT_LINE &&
	    credit_clause(p, len < CREDIT_CLAUSE ? len : CREDIT_CLAUSE, &lead) &&
	    (lead == 0 || (len < CREDIT_CLAUSE && !has_sentence_end(p, len))))
		return true;
	if (ends_with_credit(p, len))
		return true;
	if (len < CREDIT_CLAUSE && !has_sentence_end(p, len) && p[0] != '(') {
		size_t e = len;
		bool digits = false;

		while (e > 0 && strchr(" .)", p[e - 1]))
			e--;
		if (ends_with_one_of(p, e, agencies, &s) && s > 0 &&
		    p[s - 1] == '/')
			return true;
		if (ends_with_one_of(p, e, libraries, &s) && s > 0)
			return true;
		/* "©iStock", "© Oliver Berg"; with a year it is the site's
		 * copyright notice ("© 2008 Hersam Acorn Newspapers"), not a
		 * picture's */
		for (size_t i = 0; i < len && !digits; i++)
			digits = isdigit((unsigned char)p[i]) != 0;
		if (!digits && len < COUNTER_LINE &&
		    (strncmp(p, "\u00a9", 2) == 0 || strncasecmp(p, "(c) ", 4) == 0))
			return true;
	}
	return false;
}
