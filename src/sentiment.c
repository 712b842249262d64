/*
 * sentiment.c
 *		Sentiment of feedback text in Indonesian and English: a score in
 *		-1..1 per text from a compiled-in lexicon and a few rules, a label,
 *		and sentiment_summary, the counts of positive, neutral and negative
 *		texts with the sum of their scores.
 *
 * The lexicons are C tables generated from src/lexicon/ by
 * tools/sentiment_lexicon.py, so a score depends only on the text and the
 * language: sentiment() is honestly IMMUTABLE.  Tokenising folds ASCII case
 * only and decodes UTF-8 itself, never through <ctype.h>, whose answers
 * follow the database's locale.
 *
 * The rules, in the order a text is read:
 * - a negator (tidak, gak, not, never, ...) flips and damps the next three
 *   words; punctuation or a contrast word ends its scope;
 * - an intensifier before a word (sangat, paling, very) or after it
 *   (banget, bgt, sekali) scales it; a diminisher (agak, slightly) damps it,
 *   and "kurang" (not quite) damps and flips it;
 * - a contrast word (tapi, namun, tetapi, but) halves what came before and
 *   weighs what follows one and a half times;
 * - repeated letters (baguuus) read as the word and emphasise it, a
 *   reduplication (senang-senang) as the word, emphasised;
 * - exclamation marks (up to four) push the score away from zero, emoji
 *   carry their own weights;
 * then the sum s becomes s / sqrt(s^2 + alpha), alpha per language.
 *
 * Users' own words live in the table sentiment_words; only the STABLE
 * variants (user_words => true) read it, through a per-backend copy that a
 * relcache invalidation of the table clears: the table's statement trigger
 * sends one on every change, so a call costs one flag test and, per word,
 * a binary search of the users' words before the lexicon's.
 */
#include "postgres.h"

#include <math.h>

#include "kpi_ext.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"

typedef struct SentimentWord
{
	const char *word;
	float		weight;
} SentimentWord;

#include "sentiment_lexicon.h"

/* How one language's words and rules are read. */
typedef struct SentimentLanguage
{
	const SentimentWord *words;
	int			nwords;
	const char *const *negators;
	const SentimentWord *before;	/* intensifiers before the word */
	const SentimentWord *after; /* intensifiers after the word */
	const char *const *contrasts;
	/* "nya" (enaknya) and "n't" (isn't) are suffixes worth a second look */
	const char *suffix;
	bool		suffix_negates;
	/*
	 * Normalisation constant: larger is gentler.  The Indonesian weights are
	 * log-odds learnt from SmSA train; its alpha puts the default neutral
	 * band of 0.05 where it separates neutral texts best on train.
	 */
	double		alpha;
} SentimentLanguage;

static const char *const id_negators[] = {
	"tidak", "tdk", "bukan", "bkn", "belum", "blm", "gak", "ga", "gk", "nggak",
	"ngga", "enggak", "engga", "tak", "ndak", "kagak", NULL
};
static const SentimentWord id_before[] = {
	{"sangat", 1.3f}, {"paling", 1.3f}, {"amat", 1.3f}, {"sungguh", 1.3f},
	{"terlalu", 1.2f}, {"agak", 0.6f}, {"cukup", 0.8f}, {"lumayan", 0.8f},
	{"kurang", -0.5f}, {NULL, 0}
};
static const SentimentWord id_after[] = {
	{"banget", 1.3f}, {"bgt", 1.3f}, {"bngt", 1.3f}, {"sekali", 1.3f},
	{"skali", 1.3f}, {NULL, 0}
};
static const char *const id_contrasts[] = {
	"tapi", "tp", "tpi", "namun", "tetapi", "sayangnya", "padahal", NULL
};

static const char *const en_negators[] = {
	"not", "never", "no", "nor", "without", "cannot", "dont", "didnt",
	"isnt", "wasnt", "doesnt", "cant", "wont", "aint", NULL
};
static const SentimentWord en_before[] = {
	{"very", 1.3f}, {"really", 1.3f}, {"extremely", 1.4f}, {"so", 1.2f},
	{"too", 1.2f}, {"absolutely", 1.4f}, {"totally", 1.3f}, {"super", 1.3f},
	{"incredibly", 1.4f}, {"most", 1.2f}, {"slightly", 0.6f},
	{"somewhat", 0.7f}, {"barely", 0.5f}, {"kinda", 0.7f}, {"fairly", 0.8f},
	{NULL, 0}
};
static const SentimentWord en_after[] = {{NULL, 0}};
static const char *const en_contrasts[] = {"but", "however", "although", "though", NULL};

static const SentimentLanguage indonesian = {
	indonesian_words, lengthof(indonesian_words), id_negators, id_before, id_after,
	id_contrasts, "nya", false, 167.0
};
static const SentimentLanguage english = {
	english_words, lengthof(english_words), en_negators, en_before, en_after,
	en_contrasts, "n't", true, 15.0
};

/* Emoji and their weights, sorted by code point. */
typedef struct SentimentEmoji
{
	pg_wchar	code;
	float		weight;
} SentimentEmoji;

static const SentimentEmoji emoji[] = {
	{0x2639, -2.0f},			/* frowning face */
	{0x263A, 2.0f},				/* smiling face */
	{0x2764, 3.0f},				/* heart */
	{0x2B50, 1.5f},				/* star */
	{0x1F44C, 2.0f},			/* OK hand */
	{0x1F44D, 2.0f},			/* thumbs up */
	{0x1F44E, -2.0f},			/* thumbs down */
	{0x1F44F, 2.0f},			/* clapping hands */
	{0x1F494, -2.5f},			/* broken heart */
	{0x1F495, 2.5f},			/* two hearts */
	{0x1F496, 2.5f},			/* sparkling heart */
	{0x1F4AF, 2.0f},			/* hundred points */
	{0x1F525, 1.5f},			/* fire */
	{0x1F600, 2.0f},			/* grinning face */
	{0x1F601, 2.0f},
	{0x1F602, 1.5f},			/* tears of joy */
	{0x1F603, 2.0f},
	{0x1F604, 2.0f},
	{0x1F606, 1.5f},
	{0x1F609, 1.5f},			/* winking */
	{0x1F60A, 2.0f},			/* smiling eyes */
	{0x1F60B, 2.0f},			/* savouring food */
	{0x1F60D, 3.0f},			/* heart eyes */
	{0x1F60E, 1.5f},
	{0x1F612, -1.5f},			/* unamused */
	{0x1F614, -1.5f},			/* pensive */
	{0x1F615, -1.0f},			/* confused */
	{0x1F618, 2.0f},			/* blowing a kiss */
	{0x1F61E, -2.0f},			/* disappointed */
	{0x1F620, -2.5f},			/* angry */
	{0x1F621, -3.0f},			/* pouting */
	{0x1F622, -2.0f},			/* crying */
	{0x1F624, -2.0f},
	{0x1F629, -2.0f},			/* weary */
	{0x1F62B, -2.0f},			/* tired */
	{0x1F62D, -2.0f},			/* loudly crying */
	{0x1F644, -1.5f},			/* rolling eyes */
	{0x1F64F, 1.0f},			/* folded hands */
	{0x1F92C, -3.0f},			/* symbols on mouth */
	{0x1F92E, -3.0f},			/* vomiting */
	{0x1F970, 3.0f},			/* smiling with hearts */
};

#define NEGATION_SCOPE		3
#define NEGATION_FACTOR		(-0.74)
#define EMPHASIS_FACTOR		1.2
#define CONTRAST_BEFORE		0.5
#define CONTRAST_AFTER		1.5
#define EXCLAMATION_WEIGHT	0.292
#define EXCLAMATION_MAX		4
#define MAX_WORD			64	/* longer "words" are no lexicon entry */

/* What has been read so far. */
/* One language's user words, sorted by their bytes (weights in float,
 * like the lexicons'). */
typedef struct UserWords
{
	int			nwords;
	SentimentWord *words;
} UserWords;

typedef struct SentimentState
{
	const SentimentLanguage *lang;
	const UserWords *user;		/* NULL: the lexicon alone */
	double		before;			/* sum of the clauses before the last contrast */
	double		clause;			/* sum of the current clause */
	double		last;			/* weight of the clause's last sentiment word */
	double		boost;			/* pending intensifier for the next word */
	int			boost_left;		/* words it still waits for */
	int			negated_left;	/* words still in a negation's scope */
	int			exclamations;
	bool		contrasted;
} SentimentState;

static int
word_cmp(const char *word, int len, const char *entry)
{
	int			c = strncmp(word, entry, len);

	if (c != 0)
		return c;
	return entry[len] == '\0' ? 0 : -1;
}

/* The weight of word[0..len) in a sorted word list into *w; false when
 * the list does not have it. */
static bool
search(const SentimentWord *words, int nwords, const char *word, int len, double *w)
{
	int			lo = 0;
	int			hi = nwords - 1;

	while (lo <= hi)
	{
		int			mid = lo + (hi - lo) / 2;
		int			c = word_cmp(word, len, words[mid].word);

		if (c == 0)
		{
			*w = words[mid].weight;
			return true;
		}
		if (c < 0)
			hi = mid - 1;
		else
			lo = mid + 1;
	}
	*w = 0.0;
	return false;
}

/* The weight of word[0..len), the user's before the lexicon's, into *w;
 * false when neither has it. */
static bool
lookup(const SentimentState *st, const char *word, int len, double *w)
{
	if (st->user != NULL && search(st->user->words, st->user->nwords, word, len, w))
		return true;
	return search(st->lang->words, st->lang->nwords, word, len, w);
}

static bool
in_list(const char *const *list, const char *word, int len)
{
	for (; *list != NULL; list++)
		if (word_cmp(word, len, *list) == 0)
			return true;
	return false;
}

static const SentimentWord *
in_weights(const SentimentWord *list, const char *word, int len)
{
	for (; list->word != NULL; list++)
		if (word_cmp(word, len, list->word) == 0)
			return list;
	return NULL;
}

/* word with every run of 3 or more equal ASCII letters cut to keep letters */
static int
squeeze(const char *word, int len, int keep, char *out)
{
	int			n = 0;

	for (int i = 0; i < len;)
	{
		int			run = 1;
		int			k;

		while (i + run < len && word[i + run] == word[i])
			run++;
		k = (run >= 3 && (unsigned char) word[i] < 0x80) ? keep : run;
		for (int j = 0; j < k; j++)
			out[n++] = word[i];
		i += run;
	}
	return n;
}

static bool
has_long_run(const char *word, int len)
{
	for (int i = 2; i < len; i++)
		if (word[i] == word[i - 1] && word[i] == word[i - 2] &&
			(unsigned char) word[i] < 0x80)
			return true;
	return false;
}

/* The weight of a plain word: as written, with its letters squeezed, or
 * without the language's suffix. */
static double
word_weight(const SentimentState *st, const char *word, int len, bool *emphasised)
{
	const SentimentLanguage *lang = st->lang;
	double		w;
	bool		found = lookup(st, word, len, &w);
	int			slen = strlen(lang->suffix);

	if (!found && has_long_run(word, len))
	{
		char		squeezed[MAX_WORD];
		int			n;

		/* goooood is good before god, baguuus is bagus */
		for (int keep = 2; keep >= 1 && !found; keep--)
		{
			n = squeeze(word, len, keep, squeezed);
			found = lookup(st, squeezed, n, &w);
		}
		*emphasised = w != 0.0;
	}
	if (!found && !lang->suffix_negates && len > slen + 2 &&
		memcmp(word + len - slen, lang->suffix, slen) == 0)
		lookup(st, word, len - slen, &w);
	return w;
}

static void
end_scope(SentimentState *st)
{
	st->negated_left = 0;
	st->boost = 1.0;
	st->boost_left = 0;
	st->last = 0.0;
}

static void
add_weight(SentimentState *st, double w)
{
	if (st->boost_left > 0)
		w *= st->boost;
	if (st->negated_left > 0)
		w *= NEGATION_FACTOR;
	st->boost = 1.0;
	st->boost_left = 0;
	st->clause += w;
	st->last = w;
}

/* One word (letters, digits, apostrophes), lower case, without hyphens. */
static void
read_word(SentimentState *st, const char *word, int len, bool emphasised)
{
	const SentimentLanguage *lang = st->lang;
	const SentimentWord *k;
	double		w;
	int			slen = strlen(lang->suffix);
	char		plain[MAX_WORD];
	int			n = 0;

	/* apostrophes only matter for "n't" */
	if (lang->suffix_negates && len > slen &&
		memcmp(word + len - slen, lang->suffix, slen) == 0)
	{
		st->negated_left = NEGATION_SCOPE;
		return;
	}
	for (int i = 0; i < len; i++)
		if (word[i] != '\'')
			plain[n++] = word[i];
	if (n == 0)
		return;
	if (in_list(lang->negators, plain, n))
	{
		st->negated_left = NEGATION_SCOPE;
		return;
	}
	if (in_list(lang->contrasts, plain, n))
	{
		st->before = (st->before + st->clause) * CONTRAST_BEFORE;
		st->clause = 0.0;
		st->contrasted = true;
		end_scope(st);
		return;
	}
	if ((k = in_weights(lang->before, plain, n)) != NULL)
	{
		st->boost = (st->boost_left > 0 ? st->boost : 1.0) * k->weight;
		st->boost_left = 2;
		return;
	}
	if ((k = in_weights(lang->after, plain, n)) != NULL)
	{
		st->clause += st->last * (k->weight - 1.0);
		st->last *= k->weight;
		return;
	}
	w = word_weight(st, plain, n, &emphasised);
	if (w != 0.0)
		add_weight(st, emphasised ? w * EMPHASIS_FACTOR : w);
	else if (st->boost_left > 0)
		st->boost_left--;
	if (st->negated_left > 0 && w == 0.0)
		st->negated_left--;
	else if (w != 0.0)
		st->negated_left = 0;
}

/* A token that may hold hyphens: senang-senang is senang, emphasised;
 * other hyphenated words are their parts. */
static void
read_token(SentimentState *st, const char *tok, int len)
{
	const char *hyphen = memchr(tok, '-', len);
	int			start = 0;

	if (hyphen == NULL)
	{
		read_word(st, tok, len, false);
		return;
	}
	if (len % 2 == 1 && tok[len / 2] == '-' &&
		memcmp(tok, tok + len / 2 + 1, len / 2) == 0 && len / 2 > 0)
	{
		read_word(st, tok, len / 2, true);
		return;
	}
	for (int i = 0; i <= len; i++)
		if (i == len || tok[i] == '-')
		{
			if (i > start)
				read_word(st, tok + start, i - start, false);
			start = i + 1;
		}
}

static double
emoji_weight(pg_wchar c)
{
	int			lo = 0;
	int			hi = lengthof(emoji) - 1;

	while (lo <= hi)
	{
		int			mid = (lo + hi) / 2;

		if (emoji[mid].code == c)
			return emoji[mid].weight;
		if (emoji[mid].code < c)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0.0;
}

/* Code points that join or modify an emoji, or are pictographs we ignore. */
static bool
is_symbol(pg_wchar c)
{
	return (c >= 0x2000 && c <= 0x2BFF) || (c >= 0x1F000 && c <= 0x1FAFF) ||
		c == 0xFE0F || c == 0xFE0E || (c >= 0x3000 && c <= 0x303F) ||
		(c >= 0xFF00 && c <= 0xFF0F);
}

/*
 * Reads a text as the language's tokens and calls read_token for each
 * word; punctuation ends scopes.  Without a language (auto) it only counts
 * words that mark English or Indonesian.
 */
typedef void (*TokenFn) (void *arg, const char *tok, int len);
typedef void (*MarkFn) (void *arg, char mark, double emoji);

static void
tokenise(const char *text, int size, bool utf8, TokenFn on_token, MarkFn on_mark, void *arg)
{
	char		tok[MAX_WORD];
	int			len = 0;
	bool		too_long = false;
	int			i = 0;

	while (i <= size)
	{
		unsigned char c = i < size ? (unsigned char) text[i] : '\0';
		int			step = 1;
		bool		letter;
		double		e = 0.0;
		bool		symbol = false;

		if (c >= 0x80 && utf8)
		{
			pg_wchar	cp;

			step = pg_utf_mblen((const unsigned char *) &text[i]);
			/* the server validates UTF-8, but never read past the end */
			if (step < 2 || i + step > size)
				step = 1;
			else
			{
				cp = utf8_to_unicode((const unsigned char *) &text[i]);
				if (cp == 0x2019)	/* right single quotation mark: an apostrophe */
					c = '\'';
				else if (is_symbol(cp))
				{
					symbol = true;
					e = emoji_weight(cp);
				}
			}
		}
		letter = !symbol && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
							 (c >= '0' && c <= '9') || c >= 0x80 ||
							 ((c == '\'' || c == '-') && len > 0));
		if (letter)
		{
			if (len + step <= MAX_WORD)
			{
				if (c >= 'A' && c <= 'Z')
					tok[len++] = c + ('a' - 'A');
				else if (c == '\'' && step > 1)
					tok[len++] = '\'';
				else
				{
					memcpy(tok + len, text + i, step);
					len += step;
				}
			}
			else
				too_long = true;
		}
		else
		{
			/* trailing hyphens and apostrophes are not part of the word */
			while (len > 0 && (tok[len - 1] == '-' || tok[len - 1] == '\''))
				len--;
			if (len > 0 && !too_long)
				on_token(arg, tok, len);
			len = 0;
			too_long = false;
			if (c != '\0' && c != ' ' && c != '\'' && c != '-' && c != '\t')
				on_mark(arg, symbol ? 'e' : (char) c, e);
		}
		i += step;
	}
}

static void
score_token(void *arg, const char *tok, int len)
{
	read_token((SentimentState *) arg, tok, len);
}

static void
score_mark(void *arg, char mark, double e)
{
	SentimentState *st = (SentimentState *) arg;

	if (mark == '!')
		st->exclamations++;
	else if (mark == 'e')
	{
		st->clause += e;
		if (e != 0.0)
			st->last = e;
	}
	else if (mark == '.' || mark == ',' || mark == ';' || mark == '?' ||
			 mark == ':' || mark == '\n' || mark == '(' || mark == ')')
		end_scope(st);
}

/* auto: words that mark each language */
static const char *const en_markers[] = {
	"the", "is", "are", "was", "were", "it", "this", "that", "and", "very",
	"not", "i", "you", "my", "of", "to", "for", "with", "but", "have", "they",
	"we", "so", "good", "bad", "great", NULL
};
static const char *const id_markers[] = {
	"yang", "dan", "di", "ini", "itu", "tidak", "saya", "aku", "dengan", "ke",
	"untuk", "tapi", "sangat", "ada", "gak", "enak", "sekali", "banget",
	"juga", "sudah", "kami", "nya", "bgt", "ga", "tempat", "makanan", NULL
};

typedef struct MarkerCount
{
	int			english;
	int			indonesian;
} MarkerCount;

static void
count_token(void *arg, const char *tok, int len)
{
	MarkerCount *m = (MarkerCount *) arg;

	if (in_list(en_markers, tok, len))
		m->english++;
	else if (in_list(id_markers, tok, len))
		m->indonesian++;
}

static void
ignore_mark(void *arg, char mark, double e)
{
}

static const UserWords *user_words_of(const SentimentLanguage *lang, FunctionCallInfo fcinfo);

/* The score of a text; with user_words (fcinfo is the caller's), the
 * user's words count first. */
static double
score_text(const char *text, int size, const SentimentLanguage *lang, bool user_words,
		   FunctionCallInfo fcinfo)
{
	bool		utf8 = GetDatabaseEncoding() == PG_UTF8;
	SentimentState st = {0};
	double		s;

	if (lang == NULL)
	{
		MarkerCount m = {0};

		tokenise(text, size, utf8, count_token, ignore_mark, &m);
		lang = m.english > m.indonesian ? &english : &indonesian;
	}
	st.lang = lang;
	st.user = user_words ? user_words_of(lang, fcinfo) : NULL;
	st.boost = 1.0;
	tokenise(text, size, utf8, score_token, score_mark, &st);
	s = st.before + st.clause * (st.contrasted ? CONTRAST_AFTER : 1.0);
	if (s != 0.0)
		s += (s > 0 ? 1 : -1) * EXCLAMATION_WEIGHT * Min(st.exclamations, EXCLAMATION_MAX);
	s = s / sqrt(s * s + lang->alpha);
	return Max(-1.0, Min(1.0, s));
}

/* The language argument: NULL for auto. */
static const SentimentLanguage *
language_arg(FunctionCallInfo fcinfo, int argno)
{
	text	   *t = PG_GETARG_TEXT_PP(argno);
	int			len = VARSIZE_ANY_EXHDR(t);
	const char *s = VARDATA_ANY(t);

	if (len == 2 && memcmp(s, "id", 2) == 0)
		return &indonesian;
	if (len == 2 && memcmp(s, "en", 2) == 0)
		return &english;
	if (len == 4 && memcmp(s, "auto", 4) == 0)
		return NULL;
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: unknown language \"%s\"", kpi_caller_name(fcinfo),
					text_to_cstring(t)),
			 errhint("Use 'id' (Indonesian), 'en' (English) or 'auto'.")));
}

/*
 * User words: the rows of sentiment_words, copied once per backend into
 * user_cxt and used until a relcache invalidation of the table (its
 * statement trigger sends one on every change; DDL, ALTER EXTENSION and
 * cache resets send their own) clears them.  The counter catches an
 * invalidation that arrives while the rows are being read.
 */
static MemoryContext user_cxt = NULL;
static UserWords user_lexicons[2];	/* Indonesian, English */
static bool user_valid = false;
static bool user_callback = false;
static uint64 user_invalidations = 0;
static Oid	user_relid = InvalidOid;

static void
user_words_invalidate(Datum arg, Oid relid)
{
	if (relid == InvalidOid || relid == user_relid)
	{
		user_valid = false;
		user_invalidations++;
	}
}

/* The table is in the schema of the calling function, the extension's. */
static void
load_user_words(FunctionCallInfo fcinfo)
{
	uint64		invalidations = user_invalidations;
	Oid			schema = get_func_namespace(fcinfo->flinfo->fn_oid);
	const char *schema_name = get_namespace_name(schema);
	char	   *query;

	if (!user_callback)
	{
		CacheRegisterRelcacheCallback(user_words_invalidate, (Datum) 0);
		user_callback = true;
	}
	if (user_cxt == NULL)
		user_cxt = AllocSetContextCreate(TopMemoryContext, "kpi_ext sentiment_words",
										 ALLOCSET_DEFAULT_SIZES);
	else
		MemoryContextReset(user_cxt);
	memset(user_lexicons, 0, sizeof(user_lexicons));
	user_relid = schema_name ? get_relname_relid("sentiment_words", schema) : InvalidOid;
	if (!OidIsValid(user_relid))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("sentiment: table sentiment_words of kpi_ext is missing"),
				 errhint("ALTER EXTENSION kpi_ext UPDATE creates it (kpi_ext 1.1).")));
	/* byte order, as the lexicons are sorted and word_cmp compares */
	query = psprintf("SELECT language, word, weight FROM %s WHERE language IN ('id', 'en') "
					 "ORDER BY language, word COLLATE \"C\"",
					 quote_qualified_identifier(schema_name, "sentiment_words"));
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "sentiment: SPI_connect failed");
	if (SPI_execute(query, true, 0) != SPI_OK_SELECT)
		elog(ERROR, "sentiment: reading sentiment_words failed");
	for (int lang = 0; lang < 2; lang++)
	{
		const char *code = lang == 0 ? "id" : "en";
		UserWords  *u = &user_lexicons[lang];
		int			n = 0;

		u->words = MemoryContextAlloc(user_cxt, sizeof(SentimentWord) * (SPI_processed + 1));
		for (uint64 i = 0; i < SPI_processed; i++)
		{
			HeapTuple	row = SPI_tuptable->vals[i];
			TupleDesc	desc = SPI_tuptable->tupdesc;
			bool		isnull;
			char	   *language = SPI_getvalue(row, desc, 1);
			Datum		weight;

			if (language == NULL || strcmp(language, code) != 0)
				continue;
			weight = SPI_getbinval(row, desc, 3, &isnull);
			u->words[n].word = MemoryContextStrdup(user_cxt, SPI_getvalue(row, desc, 2));
			u->words[n].weight = isnull ? 0.0 : (float) DatumGetFloat8(weight);
			n++;
		}
		u->nwords = n;
	}
	SPI_finish();
	user_valid = user_invalidations == invalidations;
}

static const UserWords *
user_words_of(const SentimentLanguage *lang, FunctionCallInfo fcinfo)
{
	if (!user_valid)
		load_user_words(fcinfo);
	return &user_lexicons[lang == &english ? 1 : 0];
}

/* sentiment_words_check: a row's word as sentiment() reads words */
typedef struct WordCheck
{
	int			tokens;
	int			marks;
	bool		hyphen;
	char		word[MAX_WORD];
	int			len;
} WordCheck;

static void
check_token(void *arg, const char *tok, int len)
{
	WordCheck  *c = (WordCheck *) arg;

	if (c->tokens++ == 0)
	{
		/* as read_word looks it up: without apostrophes */
		for (int i = 0; i < len; i++)
		{
			if (tok[i] == '-')
				c->hyphen = true;
			else if (tok[i] != '\'')
				c->word[c->len++] = tok[i];
		}
	}
}

static void
check_mark(void *arg, char mark, double e)
{
	((WordCheck *) arg)->marks++;
}

static bool
is_rule_word(const SentimentLanguage *lang, const char *word, int len)
{
	int			slen = strlen(lang->suffix);

	return in_list(lang->negators, word, len) || in_list(lang->contrasts, word, len) ||
		in_weights(lang->before, word, len) != NULL || in_weights(lang->after, word, len) != NULL ||
		(lang->suffix_negates && len > slen && memcmp(word + len - slen, lang->suffix, slen) == 0);
}

#define USER_WEIGHT_MAX 4.0

/*
 * BEFORE INSERT OR UPDATE row trigger of sentiment_words: a known language,
 * a finite weight in the lexicons' range, and one word as sentiment() reads
 * it (not a rule word), stored as it is looked up: ASCII letters in lower
 * case, without apostrophes.  NULLs are left to the NOT NULL constraints.
 */
PG_FUNCTION_INFO_V1(sentiment_words_check);
Datum
sentiment_words_check(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;
	HeapTuple	tuple;
	TupleDesc	desc;
	int			language_col,
				word_col,
				weight_col;
	bool		isnull;
	Datum		value;
	const SentimentLanguage *lang = NULL;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_BEFORE(trigdata->tg_event) ||
		!TRIGGER_FIRED_FOR_ROW(trigdata->tg_event))
		elog(ERROR, "sentiment_words_check: not called as a BEFORE ROW trigger");
	tuple = TRIGGER_FIRED_BY_UPDATE(trigdata->tg_event) ? trigdata->tg_newtuple : trigdata->tg_trigtuple;
	desc = RelationGetDescr(trigdata->tg_relation);
	language_col = SPI_fnumber(desc, "language");
	word_col = SPI_fnumber(desc, "word");
	weight_col = SPI_fnumber(desc, "weight");
	if (language_col <= 0 || word_col <= 0 || weight_col <= 0)
		elog(ERROR, "sentiment_words_check: the table has no column language, word or weight");

	value = heap_getattr(tuple, language_col, desc, &isnull);
	if (!isnull)
	{
		char	   *language = TextDatumGetCString(value);

		if (strcmp(language, "id") == 0)
			lang = &indonesian;
		else if (strcmp(language, "en") == 0)
			lang = &english;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sentiment_words: unknown language \"%s\"", language),
					 errhint("Use 'id' (Indonesian) or 'en' (English).")));
	}

	value = heap_getattr(tuple, weight_col, desc, &isnull);
	if (!isnull)
	{
		double		weight = DatumGetFloat8(value);

		if (!(weight >= -USER_WEIGHT_MAX && weight <= USER_WEIGHT_MAX))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("sentiment_words: weight %s is outside [-4, 4]", kpi_float8_text(weight)),
					 errhint("Weights run from -4 (most negative) to 4 (most positive), as in the lexicons; 0 makes a word neutral.")));
	}

	value = heap_getattr(tuple, word_col, desc, &isnull);
	if (!isnull)
	{
		text	   *word = DatumGetTextPP(value);
		int			size = VARSIZE_ANY_EXHDR(word);
		WordCheck	c = {0};
		char	   *shown = text_to_cstring(word);

		if (size == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sentiment_words: word is empty")));
		if (size > MAX_WORD)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sentiment_words: word \"%s\" is longer than %d bytes", shown, MAX_WORD),
					 errdetail("sentiment() ignores longer words.")));
		tokenise(VARDATA_ANY(word), size, GetDatabaseEncoding() == PG_UTF8, check_token, check_mark, &c);
		if (c.tokens != 1 || c.marks != 0 || c.hyphen || c.len == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sentiment_words: \"%s\" is not one word", shown),
					 errhint("sentiment() reads words of letters, digits and apostrophes; spaces, hyphens, punctuation and emoji split or end words, so phrases cannot be user words.")));
		if (lang != NULL && is_rule_word(lang, c.word, c.len))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("sentiment_words: \"%s\" is a negator, intensifier or contrast word of language %s",
							shown, lang == &english ? "en" : "id"),
					 errdetail("The rules read these words before any weight; a weight for them would never count.")));
		if (c.len != size || memcmp(c.word, VARDATA_ANY(word), size) != 0)
		{
			int			cols[1] = {word_col};
			Datum		values[1] = {PointerGetDatum(cstring_to_text_with_len(c.word, c.len))};
			bool		nulls[1] = {false};

			tuple = heap_modify_tuple_by_cols(tuple, desc, 1, cols, values, nulls);
		}
	}
	return PointerGetDatum(tuple);
}

/* AFTER statement trigger of sentiment_words: every backend's copy of the
 * user words goes (at once here, at commit elsewhere). */
PG_FUNCTION_INFO_V1(sentiment_words_changed);
Datum
sentiment_words_changed(PG_FUNCTION_ARGS)
{
	TriggerData *trigdata = (TriggerData *) fcinfo->context;

	if (!CALLED_AS_TRIGGER(fcinfo) || !TRIGGER_FIRED_AFTER(trigdata->tg_event))
		elog(ERROR, "sentiment_words_changed: not called as an AFTER trigger");
	CacheInvalidateRelcache(trigdata->tg_relation);
	return PointerGetDatum(NULL);
}

PG_FUNCTION_INFO_V1(sentiment_score);
Datum
sentiment_score(PG_FUNCTION_ARGS)
{
	const SentimentLanguage *lang = language_arg(fcinfo, 1);
	text	   *feedback = PG_GETARG_TEXT_PP(0);

	bool		user_words = PG_NARGS() > 2 && PG_GETARG_BOOL(2);

	PG_RETURN_FLOAT8(score_text(VARDATA_ANY(feedback), VARSIZE_ANY_EXHDR(feedback), lang, user_words, fcinfo));
}

/* The label of a score: beyond the band on either side of zero. */
typedef enum SentimentLabel
{
	LABEL_NEGATIVE,
	LABEL_NEUTRAL,
	LABEL_POSITIVE
} SentimentLabel;

static const char *const label_names[] = {"negative", "neutral", "positive"};

static SentimentLabel
label_of(double score, double band)
{
	if (score > band)
		return LABEL_POSITIVE;
	if (score < -band)
		return LABEL_NEGATIVE;
	return LABEL_NEUTRAL;
}

PG_FUNCTION_INFO_V1(sentiment_label);
Datum
sentiment_label(PG_FUNCTION_ARGS)
{
	const SentimentLanguage *lang = language_arg(fcinfo, 1);
	text	   *feedback = PG_GETARG_TEXT_PP(0);
	double		band = PG_GETARG_FLOAT8(2);
	bool		user_words = PG_NARGS() > 3 && PG_GETARG_BOOL(3);

	if (!(band >= 0.0 && band < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: neutral_band %s is outside [0, 1)", kpi_caller_name(fcinfo),
						kpi_float8_text(band))));
	PG_RETURN_TEXT_P(cstring_to_text(label_names[label_of(score_text(VARDATA_ANY(feedback),
														 VARSIZE_ANY_EXHDR(feedback),
														 lang, user_words, fcinfo), band)]));
}

/*
 * sentiment_summary: counts of positive, neutral and negative texts (at the
 * default band) and the sum of their scores.  The sum is fixed point, in
 * units of 1e-9, so that it is exact whatever order rows and partial
 * summaries are added in: parallel, serial and rolled-up results are equal.
 */
#define SENTIMENT_SUMMARY_VERSION	1
#define SENTIMENT_DEFAULT_BAND		0.05
#define SCORE_SCALE					9
#define SCORE_UNITS					1000000000.0

typedef struct SentimentSummary
{
	int32		version;
	int32		reserved;		/* zero */
	int64		positive;
	int64		neutral;
	int64		negative;
	int64		score_units;	/* sum of scores * 1e9, within +-texts * 1e9 */
} SentimentSummary;

StaticAssertDecl(sizeof(SentimentSummary) == 40,
				 "sentiment_summary is declared with INTERNALLENGTH = 40");

static const char *const TYPE_NAME = "sentiment_summary";

#define PG_GETARG_SENTIMENT_SUMMARY(n)	((SentimentSummary *) PG_GETARG_POINTER(n))

/* Why these counts and sum cannot form a summary, or NULL. */
static const char *
summary_problem(int64 positive, int64 neutral, int64 negative, int128 units)
{
	int128		texts = (int128) positive + neutral + negative;

	if (positive < 0 || neutral < 0 || negative < 0)
		return "Counts cannot be negative.";
	if (texts > PG_INT64_MAX)
		return "The counts add up to more than a bigint.";
	if (units > texts * 1000000000 || units < -texts * 1000000000)
		return "The sum of scores lies outside -1..1 times the number of texts.";
	return NULL;
}

static void
check_summary(const SentimentSummary *s)
{
	const char *problem;

	if (s->version != SENTIMENT_SUMMARY_VERSION || s->reserved != 0)
		problem = psprintf("Format version %d is not supported.", s->version);
	else
		problem = summary_problem(s->positive, s->neutral, s->negative, s->score_units);
	if (problem != NULL)
		kpi_corrupt(TYPE_NAME, problem);
}

static SentimentSummary *
new_summary(int64 positive, int64 neutral, int64 negative, int64 units)
{
	SentimentSummary *s = palloc0(sizeof(SentimentSummary));

	s->version = SENTIMENT_SUMMARY_VERSION;
	s->positive = positive;
	s->neutral = neutral;
	s->negative = negative;
	s->score_units = units;
	return s;
}

/* The state to update: in place inside an aggregate, else a checked copy. */
static SentimentSummary *
mutable_state(FunctionCallInfo fcinfo)
{
	SentimentSummary *state = PG_GETARG_SENTIMENT_SUMMARY(0);

	if (kpi_in_aggregate(fcinfo))
		return state;
	check_summary(state);
	return new_summary(state->positive, state->neutral, state->negative, state->score_units);
}

PG_FUNCTION_INFO_V1(sentiment_summary_in);
Datum
sentiment_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	int64		positive;
	int64		neutral;
	int64		negative;
	int128		units;
	const char *problem;

	/* "v1 positive/neutral/negative sum" */
	kpi_text_init(&cur, TYPE_NAME, input);
	kpi_text_version(&cur, SENTIMENT_SUMMARY_VERSION);
	if (!kpi_text_skip_space(&cur))
		kpi_text_error(&cur, "a space and positive/neutral/negative counts");
	positive = kpi_text_count(&cur);
	kpi_text_expect(&cur, "/");
	neutral = kpi_text_count(&cur);
	kpi_text_expect(&cur, "/");
	negative = kpi_text_count(&cur);
	if (!kpi_text_skip_space(&cur))
		kpi_text_error(&cur, "a space and the sum of scores");
	units = kpi_text_money(&cur, SCORE_SCALE);
	kpi_text_end(&cur);

	if ((problem = summary_problem(positive, neutral, negative, units)) != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(new_summary(positive, neutral, negative, (int64) units));
}

PG_FUNCTION_INFO_V1(sentiment_summary_out);
Datum
sentiment_summary_out(PG_FUNCTION_ARGS)
{
	SentimentSummary *s = PG_GETARG_SENTIMENT_SUMMARY(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d " INT64_FORMAT "/" INT64_FORMAT "/" INT64_FORMAT " ",
					 SENTIMENT_SUMMARY_VERSION, s->positive, s->neutral, s->negative);
	kpi_money_append(&buf, s->score_units, SCORE_SCALE);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary form: version byte, the three counts and the sum's units as int8. */
PG_FUNCTION_INFO_V1(sentiment_summary_recv);
Datum
sentiment_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, TYPE_NAME);
	int64		positive;
	int64		neutral;
	int64		negative;
	int64		units;
	const char *problem;

	if (version != SENTIMENT_SUMMARY_VERSION)
		kpi_recv_error(TYPE_NAME,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, SENTIMENT_SUMMARY_VERSION));
	positive = kpi_recv_int64(buf, TYPE_NAME);
	neutral = kpi_recv_int64(buf, TYPE_NAME);
	negative = kpi_recv_int64(buf, TYPE_NAME);
	units = kpi_recv_int64(buf, TYPE_NAME);
	if ((problem = summary_problem(positive, neutral, negative, units)) != NULL)
		kpi_recv_error(TYPE_NAME, problem);
	PG_RETURN_POINTER(new_summary(positive, neutral, negative, units));
}

PG_FUNCTION_INFO_V1(sentiment_summary_send);
Datum
sentiment_summary_send(PG_FUNCTION_ARGS)
{
	SentimentSummary *s = PG_GETARG_SENTIMENT_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SENTIMENT_SUMMARY_VERSION);
	pq_sendint64(&buf, s->positive);
	pq_sendint64(&buf, s->neutral);
	pq_sendint64(&buf, s->negative);
	pq_sendint64(&buf, s->score_units);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* =, <> and hashing on the binary form: the same counts and sum */
KPI_EQUALITY_FUNCTIONS(sentiment_summary)

static int64
texts_of(const SentimentSummary *s)
{
	return s->positive + s->neutral + s->negative;
}

/* Adds (sign 1) or removes (sign -1) counts and a sum to the state. */
static Datum
add_counts(FunctionCallInfo fcinfo, int sign, const SentimentSummary *other)
{
	SentimentSummary *state = mutable_state(fcinfo);
	int64		units;

	if (sign > 0)
	{
		(void) kpi_add_count(texts_of(state), texts_of(other), TYPE_NAME);
		state->positive += other->positive;
		state->neutral += other->neutral;
		state->negative += other->negative;
		/* |sum| stays within texts * 1e9 <= 2^63 only while texts < 9.2e9 */
		if (pg_add_s64_overflow(state->score_units, other->score_units, &units))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: the sum of scores overflows", kpi_caller_name(fcinfo)),
					 errdetail("A summary can hold the scores of about nine billion texts.")));
		state->score_units = units;
	}
	else
	{
		if (other->positive > state->positive || other->neutral > state->neutral ||
			other->negative > state->negative)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot remove texts that were not added", kpi_caller_name(fcinfo)),
					 errdetail("Only what was added can be removed.")));
		state->positive -= other->positive;
		state->neutral -= other->neutral;
		state->negative -= other->negative;
		if (pg_sub_s64_overflow(state->score_units, other->score_units, &units) ||
			summary_problem(state->positive, state->neutral, state->negative,
							units) != NULL)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot remove a sum of scores that was not added", kpi_caller_name(fcinfo)),
					 errdetail("Only what was added can be removed.")));
		state->score_units = units;
	}
	PG_RETURN_POINTER(state);
}

/* One text as a summary of itself; a fourth argument says whether the
 * user's words count. */
static Datum
count_text(FunctionCallInfo fcinfo, int sign, const SentimentLanguage *lang)
{
	text	   *feedback = PG_GETARG_TEXT_PP(1);
	bool		user_words = PG_NARGS() > 3 && PG_GETARG_BOOL(3);
	double		score = score_text(VARDATA_ANY(feedback), VARSIZE_ANY_EXHDR(feedback), lang, user_words, fcinfo);
	SentimentSummary one = {0};

	switch (label_of(score, SENTIMENT_DEFAULT_BAND))
	{
		case LABEL_POSITIVE:
			one.positive = 1;
			break;
		case LABEL_NEUTRAL:
			one.neutral = 1;
			break;
		case LABEL_NEGATIVE:
			one.negative = 1;
			break;
	}
	one.score_units = (int64) rint(score * SCORE_UNITS);
	return add_counts(fcinfo, sign, &one);
}

PG_FUNCTION_INFO_V1(sentiment_summary_add);
Datum
sentiment_summary_add(PG_FUNCTION_ARGS)
{
	return count_text(fcinfo, 1, PG_NARGS() > 2 ? language_arg(fcinfo, 2) : &indonesian);
}

PG_FUNCTION_INFO_V1(sentiment_summary_remove);
Datum
sentiment_summary_remove(PG_FUNCTION_ARGS)
{
	return count_text(fcinfo, -1, PG_NARGS() > 2 ? language_arg(fcinfo, 2) : &indonesian);
}

/* rollup's transition and the aggregates' combine function */
PG_FUNCTION_INFO_V1(sentiment_summary_merge);
Datum
sentiment_summary_merge(PG_FUNCTION_ARGS)
{
	SentimentSummary *other = PG_GETARG_SENTIMENT_SUMMARY(1);

	check_summary(other);
	return add_counts(fcinfo, 1, other);
}

PG_FUNCTION_INFO_V1(sentiment_summary_unmerge);
Datum
sentiment_summary_unmerge(PG_FUNCTION_ARGS)
{
	SentimentSummary *other = PG_GETARG_SENTIMENT_SUMMARY(1);

	check_summary(other);
	return add_counts(fcinfo, -1, other);
}

/* NULL for a group without rows, as avg does */
PG_FUNCTION_INFO_V1(sentiment_summary_final);
Datum
sentiment_summary_final(PG_FUNCTION_ARGS)
{
	SentimentSummary *s = PG_GETARG_SENTIMENT_SUMMARY(0);

	if (texts_of(s) == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(s);
}

#define SUMMARY_COUNT(name) \
	PG_FUNCTION_INFO_V1(sentiment_summary_##name); \
	Datum sentiment_summary_##name(PG_FUNCTION_ARGS) \
	{ PG_RETURN_INT64(PG_GETARG_SENTIMENT_SUMMARY(0)->name); }

SUMMARY_COUNT(positive)
SUMMARY_COUNT(neutral)
SUMMARY_COUNT(negative)

PG_FUNCTION_INFO_V1(sentiment_summary_texts);
Datum
sentiment_summary_texts(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(texts_of(PG_GETARG_SENTIMENT_SUMMARY(0)));
}

/* 100 * count / texts, NULL without texts */
static Datum
share(FunctionCallInfo fcinfo, int64 count)
{
	int64		texts = texts_of(PG_GETARG_SENTIMENT_SUMMARY(0));

	if (texts == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) count / (double) texts);
}

PG_FUNCTION_INFO_V1(sentiment_summary_positive_share);
Datum
sentiment_summary_positive_share(PG_FUNCTION_ARGS)
{
	return share(fcinfo, PG_GETARG_SENTIMENT_SUMMARY(0)->positive);
}

PG_FUNCTION_INFO_V1(sentiment_summary_negative_share);
Datum
sentiment_summary_negative_share(PG_FUNCTION_ARGS)
{
	return share(fcinfo, PG_GETARG_SENTIMENT_SUMMARY(0)->negative);
}

/* positive % - negative %, read like NPS; the difference of the counts
 * first, so equal counts give exactly 0 */
PG_FUNCTION_INFO_V1(sentiment_summary_net_sentiment);
Datum
sentiment_summary_net_sentiment(PG_FUNCTION_ARGS)
{
	SentimentSummary *s = PG_GETARG_SENTIMENT_SUMMARY(0);

	return share(fcinfo, s->positive - s->negative);
}

PG_FUNCTION_INFO_V1(sentiment_summary_mean_sentiment);
Datum
sentiment_summary_mean_sentiment(PG_FUNCTION_ARGS)
{
	SentimentSummary *s = PG_GETARG_SENTIMENT_SUMMARY(0);
	int64		texts = texts_of(s);

	if (texts == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) s->score_units / SCORE_UNITS / (double) texts);
}
