/*
 * kpi_ext.h
 *		What every KPI family shares: argument checks, error helpers,
 *		the statistics behind confidence intervals and p-values, and
 *		helpers for reading summaries from text and binary input.
 *
 * Families include only this header; they never reach into each other.
 * Each section below names the file that implements it.
 */
#ifndef KPI_EXT_H
#define KPI_EXT_H

#include "postgres.h"

#include "common/int.h"
#include "datatype/timestamp.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "nodes/nodes.h"
#include "utils/date.h"
#include "utils/expandeddatum.h"
#if PG_VERSION_NUM >= 160000
#include "varatt.h"				/* VARDATA_ANY and friends moved here in 16 */
#endif

/*
 * PostgreSQL 18 replaced pg_attribute_noreturn() with pg_noreturn, written
 * before the declaration; older servers' attribute goes there too.
 */
#ifndef pg_noreturn
#define pg_noreturn pg_attribute_noreturn()
#endif

/* common.c: the module and what messages need */

/*
 * The name to put in a message: the kpi_ext aggregate being computed when we
 * are one of its transition, combine or final functions, also when another
 * aggregate calls us (Citus' worker_partial_agg, a user's CREATE AGGREGATE),
 * otherwise the SQL function itself.  Only call it on the error path; it
 * does catalog lookups.
 */
extern const char *kpi_caller_name(FunctionCallInfo fcinfo);

/*
 * True when called as an aggregate's transition, combine or final function,
 * where the state may be updated in place.  AggCheckCallContext says the
 * same, but this runs on every row: keep it inline.
 */
static inline bool
kpi_in_aggregate(FunctionCallInfo fcinfo)
{
	return fcinfo->context != NULL &&
		(IsA(fcinfo->context, AggState) || IsA(fcinfo->context, WindowAggState));
}

/*
 * A float8 as float8out shows it by default: the shortest text that reads
 * back to the same double (NaN and Infinity spelled as PostgreSQL does),
 * whatever extra_float_digits says.  Messages and text forms use it so that
 * a value is never rounded, as %g would round 100.0000001 to 100.
 */
extern char *kpi_float8_text(double value);

/*
 * A timestamptz in ISO form in UTC ("2025-02-01 00:00:00+00"), so that
 * messages read the same whatever the session's TimeZone and DateStyle.
 */
extern char *kpi_timestamptz_text(TimestampTz value);

/* a + b for counts, raising 22003 instead of wrapping around. */
static inline int64
kpi_add_count(int64 a, int64 b, const char *type_name)
{
	int64		result;

	if (unlikely(pg_add_s64_overflow(a, b, &result)))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s count overflows bigint", type_name),
				 errdetail("A summary can hold at most 9223372036854775807 values.")));
	return result;
}

/* A summary handed to a function that is not one kpi_ext could have built. */
pg_noreturn extern void kpi_corrupt(const char *type_name, const char *problem);

/*
 * Equality and hashing of a summary type through its send function.  Every
 * send function writes a canonical form: summaries with the same content
 * have the same bytes, whatever their layout in memory (spare room, a hash
 * table or sorted records, dense or sparse buckets) and whatever order they
 * were built in.  So = compares those bytes and the hash functions hash
 * them, which keeps hashing consistent with equality.
 */
extern bool kpi_send_equal(PGFunction send, Datum a, Datum b);
extern Datum kpi_send_hash(PGFunction send, Datum value);
extern Datum kpi_send_hash_extended(PGFunction send, Datum value, uint64 seed);

/*
 * The SQL functions behind a type's = and <> and its hash operator class,
 * <type>_eq, _ne, _hash and _hash_extended, written once in the type's
 * family after its send function <type>_send.
 */
#define KPI_EQUALITY_FUNCTIONS(type) \
	PG_FUNCTION_INFO_V1(type##_eq); \
	Datum type##_eq(PG_FUNCTION_ARGS) \
	{ PG_RETURN_BOOL(kpi_send_equal(type##_send, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1))); } \
	PG_FUNCTION_INFO_V1(type##_ne); \
	Datum type##_ne(PG_FUNCTION_ARGS) \
	{ PG_RETURN_BOOL(!kpi_send_equal(type##_send, PG_GETARG_DATUM(0), PG_GETARG_DATUM(1))); } \
	PG_FUNCTION_INFO_V1(type##_hash); \
	Datum type##_hash(PG_FUNCTION_ARGS) \
	{ return kpi_send_hash(type##_send, PG_GETARG_DATUM(0)); } \
	PG_FUNCTION_INFO_V1(type##_hash_extended); \
	Datum type##_hash_extended(PG_FUNCTION_ARGS) \
	{ return kpi_send_hash_extended(type##_send, PG_GETARG_DATUM(0), (uint64) PG_GETARG_INT64(1)); }

/*
 * The first header_size bytes of a variable-length summary, for accessors
 * that read only its header: a stored value is fetched and decompressed no
 * further than that (a detoasted slice), so they cost the same whatever
 * the summary holds.  *size is the whole value's size with a 4-byte
 * header, as VARSIZE of the detoasted value would be.  A value shorter
 * than header_size is corrupt.
 */
extern const void *kpi_summary_header(Datum value, Size header_size, Size *size,
									  const char *type_name);

/*
 * The capacities a growing summary moves to: header, then records of a fixed
 * size, then variable bytes (keys, names).  Both at least double, so that
 * appending row by row costs amortised constant time, within max_records and
 * 1 GB.  False when the wanted records or bytes cannot fit; the caller says
 * why in its own words.
 */
extern bool kpi_grown_capacity(int64 records_wanted, int64 records_used,
							   int64 bytes_wanted, int64 bytes_used,
							   int32 min_records, int32 max_records, Size header,
							   Size record, int32 *records, int32 *bytes);

/*
 * The expanded object behind value if it has these methods (and, when
 * read_write, the pointer is a read-write one), else NULL: how a family
 * finds its own aggregate state among the datums the executor passes.
 */
extern ExpandedObjectHeader *kpi_expanded_object(Datum value, bool read_write,
												 const ExpandedObjectMethods *methods);

/* stats.c */

/*
 * The z quantile of a two-sided interval at the given confidence, which must
 * lie strictly between 0 and 1 (22023 otherwise).
 */
extern double kpi_confidence_z(FunctionCallInfo fcinfo, double confidence);

/*
 * Wilson score interval of hits out of trials (trials > 0) at normal
 * quantile z, as fractions.  The bounds are exact at the edges: low is 0 at
 * 0 hits and high is 1 at all hits, whatever the confidence.
 */
extern void kpi_wilson_interval(int64 hits, int64 trials, double z,
								double *low, double *high);

/* Two-sided p-value of a standard normal test statistic. */
extern double kpi_two_sided_pvalue(double z);

/* textin.c */

/*
 * ASCII character classes for text forms.  <ctype.h> follows the
 * database's LC_CTYPE (in tr_TR.ISO-8859-9 isalpha() is true for the byte
 * of "İ"), so a text form checked with it could print in one database what
 * another cannot read; text input and output use these instead.
 */
static inline bool
kpi_ascii_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

static inline bool
kpi_ascii_isalpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/*
 * A cursor over the text form of a summary.  Every parse error reports the
 * type, the whole input and what was expected at the failing position.
 */
typedef struct KpiTextCursor
{
	const char *type_name;
	const char *input;
	const char *pos;
} KpiTextCursor;

/* A summary that fails its own consistency checks: 22P02 for text input. */
pg_noreturn extern void kpi_text_invalid(const KpiTextCursor *cur, const char *problem);

extern void kpi_text_init(KpiTextCursor *cur, const char *type_name, const char *input);
pg_noreturn extern void kpi_text_error(const KpiTextCursor *cur, const char *expected);

/* Skips whitespace; true if anything was skipped. */
extern bool kpi_text_skip_space(KpiTextCursor *cur);

/* Consumes literal if the input continues with it. */
extern bool kpi_text_accept(KpiTextCursor *cur, const char *literal);

/* Consumes literal, or errors that it was expected there. */
extern void kpi_text_expect(KpiTextCursor *cur, const char *literal);

/* Reads a non-negative decimal integer that fits in int64. */
extern int64 kpi_text_count(KpiTextCursor *cur);

/* Reads a finite decimal number such as 55.5 or 1e-3 (no NaN, infinities or
 * hex); expected says what should have been there. */
extern double kpi_text_float8(KpiTextCursor *cur, const char *expected);

/* Reads the leading "v<N>" and rejects versions this build cannot read. */
extern void kpi_text_version(KpiTextCursor *cur, int supported_version);
/* accepts any version from oldest to newest and returns it */
extern int	kpi_text_versions(KpiTextCursor *cur, int oldest, int newest);

/* Errors unless only whitespace is left. */
extern void kpi_text_end(KpiTextCursor *cur);

/* keys.c: customer keys of the per-customer summaries */

/*
 * integer and bigint customer ids are one kind, both kept as int64: the same
 * number names the same customer whichever column type it came from, so
 * summaries of either merge.
 */
typedef enum KpiKeyKind
{
	KPI_KEY_INTEGER = 1,		/* integer and bigint customer ids */
	KPI_KEY_TEXT = 2,
	KPI_KEY_UUID = 3
} KpiKeyKind;

/* the text forms' names ("integer" stands for bigint ids too), indexed by kind */
extern const char *const kpi_key_kind_names[];
/* the same kinds in messages */
extern const char *const kpi_key_kind_words[];

/* A customer key as transition functions see it. */
typedef struct KpiKey
{
	int64		integer;
	const uint8 *bytes;			/* uuid or text */
	uint32		len;
} KpiKey;

/*
 * The four C entry points of a per-customer transition function, one per
 * key type (a polymorphic argument could not be resolved where distributed
 * engines call transition functions): the key is argument 1, and
 * transition(fcinfo, kind, key) gets a NULL key for a NULL customer.  The
 * file expanding it includes utils/uuid.h.
 */
#define KPI_KEYED_TRANSITIONS(prefix, transition) \
	PG_FUNCTION_INFO_V1(prefix##_int8); \
	Datum prefix##_int8(PG_FUNCTION_ARGS) \
	{ \
		KpiKey		key = {.integer = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT64(1)}; \
		return transition(fcinfo, KPI_KEY_INTEGER, PG_ARGISNULL(1) ? NULL : &key); \
	} \
	PG_FUNCTION_INFO_V1(prefix##_int4); \
	Datum prefix##_int4(PG_FUNCTION_ARGS) \
	{ \
		KpiKey		key = {.integer = PG_ARGISNULL(1) ? 0 : PG_GETARG_INT32(1)}; \
		return transition(fcinfo, KPI_KEY_INTEGER, PG_ARGISNULL(1) ? NULL : &key); \
	} \
	PG_FUNCTION_INFO_V1(prefix##_text); \
	Datum prefix##_text(PG_FUNCTION_ARGS) \
	{ \
		text	   *customer = PG_ARGISNULL(1) ? NULL : PG_GETARG_TEXT_PP(1); \
		KpiKey		key = {0}; \
		if (customer == NULL) \
			return transition(fcinfo, KPI_KEY_TEXT, NULL); \
		key.bytes = (const uint8 *) VARDATA_ANY(customer); \
		key.len = VARSIZE_ANY_EXHDR(customer); \
		return transition(fcinfo, KPI_KEY_TEXT, &key); \
	} \
	PG_FUNCTION_INFO_V1(prefix##_uuid); \
	Datum prefix##_uuid(PG_FUNCTION_ARGS) \
	{ \
		KpiKey		key = {0}; \
		if (PG_ARGISNULL(1)) \
			return transition(fcinfo, KPI_KEY_UUID, NULL); \
		key.bytes = PG_GETARG_UUID_P(1)->data; \
		key.len = UUID_LEN; \
		return transition(fcinfo, KPI_KEY_UUID, &key); \
	}

/* Byte order for text and uuid keys: independent of collation, so stable. */
extern int	kpi_key_compare(KpiKeyKind kind, const KpiKey *a, const KpiKey *b);

/* 17, "acme ""inc""" or a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11 */
extern void kpi_key_append(StringInfo buf, KpiKeyKind kind, const KpiKey *key);

/* Reads what kpi_key_append writes; text and uuid bytes live in scratch. */
extern KpiKey kpi_text_key(KpiTextCursor *cur, KpiKeyKind kind, StringInfo scratch);

/* Appends a double-quoted string ("say ""hi""") to out; what names it in errors. */
extern void kpi_text_quoted(KpiTextCursor *cur, StringInfo out, const char *what);

/* YYYY-MM-DDTHH:MM:SS[.ffffff]Z, a time in UTC, and its reader */
extern void kpi_utc_time_append(StringInfo buf, TimestampTz at, const char *type_name);
extern TimestampTz kpi_text_utc_time(KpiTextCursor *cur);

/* YYYY-MM-DD, a date in the years 1..9999, and its readers */
#define KPI_DATE_MIN	(-730119)	/* 0001-01-01 */
#define KPI_DATE_MAX	2921939		/* 9999-12-31 */
#define KPI_DATE_TEXT_LEN	10
extern void kpi_date_append(StringInfo buf, DateADT day);
/* true, with *day, if p starts with a real date in the years 1..9999 */
extern bool kpi_read_date(const char *p, DateADT *day);
extern DateADT kpi_text_date(KpiTextCursor *cur);

/* binin.c */

/*
 * Binary input: read with a length check first, so truncated input is a
 * clean 22P03 rather than a protocol error.
 */
extern uint8 kpi_recv_uint8(StringInfo buf, const char *type_name);
extern int32 kpi_recv_int32(StringInfo buf, const char *type_name);
extern int64 kpi_recv_int64(StringInfo buf, const char *type_name);
extern float8 kpi_recv_float8(StringInfo buf, const char *type_name);
/* len bytes in place; a negative len is an error too */
extern const char *kpi_recv_bytes(StringInfo buf, int64 len, const char *type_name);
pg_noreturn extern void kpi_recv_error(const char *type_name, const char *detail);

/* calendar.c */

/*
 * The open time in [start, finish), both finite, start <= finish, in
 * microseconds, of the business_calendar that is argument argno of the
 * call: what business_duration returns.  Keeps the calendar and its zone in
 * fcinfo->flinfo->fn_extra, which the caller must leave alone.
 */
extern int128 kpi_business_open_time(FunctionCallInfo fcinfo, int argno,
									 TimestampTz start, TimestampTz finish);

/* money.c */

/*
 * Exact money.  Amounts are 128-bit integers of units at a decimal scale
 * (12.34 at scale 2 is 1234), so sums are exact and cost an integer add.
 * Anything that needs more than 38 significant digits is reported, never
 * rounded.  The helpers return false on overflow; callers raise the error
 * with their own name through kpi_money_overflow.
 */
#ifndef HAVE_INT128
#error "kpi_ext needs a compiler with 128-bit integers"
#endif

#define KPI_MONEY_MAX_SCALE 38

/*
 * Amounts lie within +-(2^127 - 1): -2^127 has no positive twin, so its
 * text form could not be read back, and negating it would overflow.
 */
#define KPI_MONEY_LIMIT ((int128) (((uint128) 1 << 127) - 1))

/* numeric -> units at the numeric's own display scale; false if it is NaN,
 * an infinity or does not fit. */
extern bool kpi_numeric_units(Datum value, int128 *units, int *scale);

/* units * 10^(to_scale - from_scale), to_scale >= from_scale; false on overflow */
extern bool kpi_money_rescale(int128 *units, int from_scale, int to_scale);

static inline bool
kpi_money_add(int128 *sum, int128 amount)
{
	return !__builtin_add_overflow(*sum, amount, sum) && *sum >= -KPI_MONEY_LIMIT;
}

/*
 * Moving windows.  A sum prints at the largest scale of its inputs, so a
 * window's inverse transition must lower the scale when the last input at
 * it leaves the frame.  As core's numeric aggregates do (maxScaleCount), a
 * state counts its inputs at its scale; when the last one leaves, the
 * inverse transition returns NULL and the window recomputes the frame.  The
 * count saturates at KPI_MONEY_SCALE_COUNT_MAX: it then undercounts, which
 * only makes such a recomputation come early.
 */
#define KPI_MONEY_SCALE_COUNT_MAX	PG_UINT16_MAX

/* The count once an input at input_scale joins a state at state_scale. */
extern uint16 kpi_money_scale_count_add(int state_scale, uint16 count, int input_scale);

/* Takes an input at input_scale back from the count; false if the state's
 * scale may have to drop, which only recomputing the frame can tell. */
extern bool kpi_money_scale_count_remove(int state_scale, uint16 *count, int input_scale);

extern Datum kpi_money_numeric(int128 units, int scale);
extern void kpi_money_append(StringInfo buf, int128 units, int scale);
pg_noreturn extern void kpi_money_overflow(FunctionCallInfo fcinfo, const char *what);

/* Reads [-]digits[.digits] with at most scale decimals, as units at scale. */
extern int128 kpi_text_money(KpiTextCursor *cur, int scale);

extern void kpi_send_money(StringInfo buf, int128 units);
extern int128 kpi_recv_money(StringInfo buf, const char *type_name);

#endif							/* KPI_EXT_H */
