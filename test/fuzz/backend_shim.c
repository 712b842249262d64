/*
 * backend_shim.c
 *		Just enough of the PostgreSQL backend for kpi_ext's input, output,
 *		receive and send functions to run inside a libFuzzer process.
 *
 * StringInfo, psprintf, snprintf, float formatting, hashing, sorting and
 * encoding verification are PostgreSQL's own code from libpgcommon and
 * libpgport.  What lives only in the server is written here: memory on
 * malloc, freed per input; ereport(ERROR) that longjmps to the harness's
 * PG_TRY, as the real one does; the wire-format readers and writers; and
 * UTC timestamp conversion.  Functions the extension links against but no
 * parser reaches are in unreachable.c.
 */
#include "postgres.h"

#include "backend_shim.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "common/shortest_dec.h"
#include "utils/float.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

/* only set-returning functions switch memory contexts, and no parser is one */
MemoryContext CurrentMemoryContext = NULL;

sigjmp_buf *PG_exception_stack = NULL;
ErrorContextCallback *error_context_stack = NULL;

/* The harness asked for something this shim does not do: a harness bug. */
static pg_attribute_noreturn() void
unsupported(const char *what)
{
	fprintf(stderr, "backend shim: %s is not supported\n", what);
	abort();
}

/* Assertions are on in the fuzz build: a failed one is a finding. */
#if PG_VERSION_NUM >= 160000
void
ExceptionalCondition(const char *conditionName, const char *fileName, int lineNumber)
#else
void
ExceptionalCondition(const char *conditionName, const char *errorType,
					 const char *fileName, int lineNumber)
#endif
{
	fprintf(stderr, "TRAP: failed Assert(\"%s\"), File: \"%s\", Line: %d\n",
			conditionName, fileName, lineNumber);
	abort();
}

/*----------------------------------------------------------------------
 * Memory: every palloc is its own malloc, so AddressSanitizer sees the
 * exact bounds of each chunk.  Chunks are linked so that shim_reset can
 * free one input's memory however the parser ended.
 *----------------------------------------------------------------------
 */

typedef struct Chunk
{
	struct Chunk *prev;
	struct Chunk *next;
	Size		size;
	Size		padding;		/* keeps the payload 16-byte aligned */
} Chunk;

static Chunk chunks = {&chunks, &chunks, 0, 0};

static void *
chunk_alloc(Size size, int flags)
{
	Chunk	   *chunk;

	if (!((flags & MCXT_ALLOC_HUGE) ? AllocHugeSizeIsValid(size) : AllocSizeIsValid(size)))
		elog(ERROR, "invalid memory alloc request size %zu", size);
	chunk = malloc(sizeof(Chunk) + size);
	if (chunk == NULL)
	{
		if (flags & MCXT_ALLOC_NO_OOM)
			return NULL;
		fprintf(stderr, "backend shim: out of memory allocating %zu bytes\n", size);
		abort();
	}
	chunk->size = size;
	chunk->next = chunks.next;
	chunk->prev = &chunks;
	chunks.next->prev = chunk;
	chunks.next = chunk;
	if (flags & MCXT_ALLOC_ZERO)
		memset(chunk + 1, 0, size);
	return chunk + 1;
}

void *
palloc(Size size)
{
	return chunk_alloc(size, 0);
}

void *
palloc0(Size size)
{
	return chunk_alloc(size, MCXT_ALLOC_ZERO);
}

void *
palloc_extended(Size size, int flags)
{
	return chunk_alloc(size, flags);
}

void
pfree(void *pointer)
{
	Chunk	   *chunk = (Chunk *) pointer - 1;

	chunk->prev->next = chunk->next;
	chunk->next->prev = chunk->prev;
	free(chunk);
}

void *
repalloc(void *pointer, Size size)
{
	void	   *result = palloc(size);
	Chunk	   *old = (Chunk *) pointer - 1;

	memcpy(result, pointer, Min(size, old->size));
	pfree(pointer);
	return result;
}

char *
pstrdup(const char *in)
{
	return pnstrdup(in, strlen(in));
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *out;

	len = strnlen(in, len);
	out = palloc(len + 1);
	memcpy(out, in, len);
	out[len] = '\0';
	return out;
}

void
shim_reset(void)
{
	while (chunks.next != &chunks)
		pfree(chunks.next + 1);
}

/*----------------------------------------------------------------------
 * Errors.  Anything below ERROR is not output, so errstart says to skip
 * it.  ERROR records what was reported and jumps to the innermost PG_TRY,
 * which is the harness: a clean ereport is a rejected input, not a crash.
 *----------------------------------------------------------------------
 */

static ErrorData error;

bool
errstart(int elevel, const char *domain)
{
	if (elevel < ERROR)
		return false;
	memset(&error, 0, sizeof(error));
	error.elevel = elevel;
	error.domain = domain;
	error.sqlerrcode = ERRCODE_INTERNAL_ERROR;	/* what elog() reports */
	return true;
}

#if PG_VERSION_NUM >= 140000
bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}
#endif

void
errfinish(const char *filename, int lineno, const char *funcname)
{
	error.filename = filename;
	error.lineno = lineno;
	error.funcname = funcname;
	if (error.elevel > ERROR || PG_exception_stack == NULL)
	{
		fprintf(stderr, "backend shim: level %d error outside PG_TRY at %s:%d: %s\n",
				error.elevel, filename, lineno, error.message ? error.message : "");
		abort();
	}
	siglongjmp(*PG_exception_stack, 1);
}

const ErrorData *
shim_last_error(void)
{
	return &error;
}

int
errcode(int sqlerrcode)
{
	error.sqlerrcode = sqlerrcode;
	return 0;
}

/* Formats a message as psprintf does; messages are palloc'd like the rest. */
static char *
format_message(const char *fmt, va_list args)
{
	size_t		len = 128;

	for (;;)
	{
		char	   *buf = palloc(len);
		va_list		copy;
		size_t		needed;

		va_copy(copy, args);
		needed = pvsnprintf(buf, len, fmt, copy);
		va_end(copy);
		if (needed <= len)
			return buf;
		pfree(buf);
		len = needed;
	}
}

#define ERROR_FIELD_FUNCTION(name, field) \
int \
name(const char *fmt, ...) \
{ \
	va_list		args; \
\
	va_start(args, fmt); \
	error.field = format_message(fmt, args); \
	va_end(args); \
	return 0; \
}

ERROR_FIELD_FUNCTION(errmsg, message)
ERROR_FIELD_FUNCTION(errmsg_internal, message)
ERROR_FIELD_FUNCTION(errdetail, detail)
ERROR_FIELD_FUNCTION(errhint, hint)

/*----------------------------------------------------------------------
 * fmgr and friends
 *----------------------------------------------------------------------
 */

/* the harness never calls a function as part of an aggregate */
fmAggrefPtr
AggGetAggref(FunctionCallInfo fcinfo)
{
	return NULL;
}

/* Values the harness hands over are never toasted or short-headed. */
struct varlena *
pg_detoast_datum(struct varlena *datum)
{
	if (VARATT_IS_EXTENDED(datum))
		unsupported("detoasting");
	return datum;
}

struct varlena *
pg_detoast_datum_packed(struct varlena *datum)
{
	return pg_detoast_datum(datum);
}

/* With the default extra_float_digits = 1: the shortest exact form. */
char *
float8out_internal(float8 num)
{
	char	   *ascii = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

	double_to_shortest_decimal_buf(num, ascii);
	return ascii;
}

/*----------------------------------------------------------------------
 * Encoding: a UTF8 database, as test/check.sh creates.
 *----------------------------------------------------------------------
 */

int
GetDatabaseEncoding(void)
{
	return PG_UTF8;
}

bool
pg_verify_mbstr(int encoding, const char *mbstr, int len, bool noError)
{
	if (pg_encoding_verifymbstr(encoding, mbstr, len) == len)
		return true;
	if (noError)
		return false;
	ereport(ERROR,
			(errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
			 errmsg("invalid byte sequence for encoding \"%s\"",
					pg_enc2name_tbl[encoding].name)));
	return false;
}

/*----------------------------------------------------------------------
 * Binary send and receive, in network byte order.  Reading past the end
 * is the same protocol violation the server reports.
 *----------------------------------------------------------------------
 */

static void
need_bytes(StringInfo msg, int datalen)
{
	if (datalen < 0 || datalen > msg->len - msg->cursor)
		ereport(ERROR,
				(errcode(ERRCODE_PROTOCOL_VIOLATION),
				 errmsg("insufficient data left in message")));
}

void
pq_begintypsend(StringInfo buf)
{
	initStringInfo(buf);
	/* room for the varlena header that pq_endtypsend fills in */
	appendStringInfoSpaces(buf, VARHDRSZ);
}

bytea *
pq_endtypsend(StringInfo buf)
{
	SET_VARSIZE(buf->data, buf->len);
	return (bytea *) buf->data;
}

void
pq_sendbytes(StringInfo buf, const char *data, int datalen)
{
	appendBinaryStringInfo(buf, data, datalen);
}

void
pq_sendfloat8(StringInfo buf, float8 f)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.f = f;
	pq_sendint64(buf, swap.i);
}

int
pq_getmsgbyte(StringInfo msg)
{
	need_bytes(msg, 1);
	return (unsigned char) msg->data[msg->cursor++];
}

unsigned int
pq_getmsgint(StringInfo msg, int b)
{
	uint8		n8;
	uint16		n16;
	uint32		n32;

	need_bytes(msg, b);
	switch (b)
	{
		case 1:
			memcpy(&n8, msg->data + msg->cursor, 1);
			msg->cursor += 1;
			return n8;
		case 2:
			memcpy(&n16, msg->data + msg->cursor, 2);
			msg->cursor += 2;
			return pg_ntoh16(n16);
		case 4:
			memcpy(&n32, msg->data + msg->cursor, 4);
			msg->cursor += 4;
			return pg_ntoh32(n32);
	}
	elog(ERROR, "unsupported integer size %d", b);
	return 0;
}

int64
pq_getmsgint64(StringInfo msg)
{
	uint64		n64;

	need_bytes(msg, sizeof(n64));
	memcpy(&n64, msg->data + msg->cursor, sizeof(n64));
	msg->cursor += sizeof(n64);
	return (int64) pg_ntoh64(n64);
}

float8
pq_getmsgfloat8(StringInfo msg)
{
	union
	{
		float8		f;
		int64		i;
	}			swap;

	swap.i = pq_getmsgint64(msg);
	return swap.f;
}

const char *
pq_getmsgbytes(StringInfo msg, int datalen)
{
	const char *result;

	need_bytes(msg, datalen);
	result = &msg->data[msg->cursor];
	msg->cursor += datalen;
	return result;
}

/*----------------------------------------------------------------------
 * Timestamps in UTC (time zones are never asked for): microseconds since
 * 2000-01-01 to and from a proleptic Gregorian date and time of day.
 * Written from the calendar rules rather than from PostgreSQL's Julian day
 * code, so a disagreement shows up as a round-trip failure.
 *----------------------------------------------------------------------
 */

static int64
floor_div(int64 a, int64 b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* days from 0001-01-01 to January 1 of year */
static int64
days_before_year(int64 year)
{
	int64		y = year - 1;

	return 365 * y + floor_div(y, 4) - floor_div(y, 100) + floor_div(y, 400);
}

static bool
is_leap(int64 year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* days in the months before month (1..12) */
static int
days_before_month(int64 year, int month)
{
	static const int cumulative[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};

	return cumulative[month - 1] + (month > 2 && is_leap(year));
}

/* days from 0001-01-01; months and days outside their range carry over */
static int64
day_number(int64 year, int64 month, int64 day)
{
	year += floor_div(month - 1, 12);
	month -= 12 * floor_div(month - 1, 12);
	return days_before_year(year) + days_before_month(year, (int) month) + day - 1;
}

int
tm2timestamp(struct pg_tm *tm, fsec_t fsec, int *tzp, Timestamp *result)
{
	int64		days;

	if (tzp != NULL)
		unsupported("tm2timestamp with a time zone");
	*result = 0;
	if (!IS_VALID_JULIAN(tm->tm_year, tm->tm_mon, tm->tm_mday))
		return -1;
	days = day_number(tm->tm_year, tm->tm_mon, tm->tm_mday) - day_number(2000, 1, 1);
	*result = days * USECS_PER_DAY +
		((tm->tm_hour * INT64CONST(60) + tm->tm_min) * 60 + tm->tm_sec) * USECS_PER_SEC + fsec;
	if (!IS_VALID_TIMESTAMP(*result))
	{
		*result = 0;
		return -1;
	}
	return 0;
}

int
timestamp2tm(Timestamp dt, int *tzp, struct pg_tm *tm, fsec_t *fsec,
			 const char **tzn, pg_tz *attimezone)
{
	int64		days;
	int64		time;
	int64		year;
	int64		day_of_year;
	int			month = 12;

	if (tzp != NULL || tzn != NULL || attimezone != NULL)
		unsupported("timestamp2tm with a time zone");
	if (!IS_VALID_TIMESTAMP(dt))
		return -1;
	days = floor_div(dt, USECS_PER_DAY) + day_number(2000, 1, 1);
	time = dt - floor_div(dt, USECS_PER_DAY) * USECS_PER_DAY;

	/* a first guess from the mean year, then correct it */
	year = floor_div(days * 400, 146097) + 1;
	while (days_before_year(year) > days)
		year--;
	while (days_before_year(year + 1) <= days)
		year++;
	day_of_year = days - days_before_year(year);
	while (days_before_month(year, month) > day_of_year)
		month--;

	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int) year;
	tm->tm_mon = month;
	tm->tm_mday = (int) (day_of_year - days_before_month(year, month)) + 1;
	tm->tm_hour = (int) (time / USECS_PER_HOUR);
	tm->tm_min = (int) (time / USECS_PER_MINUTE % 60);
	tm->tm_sec = (int) (time / USECS_PER_SEC % 60);
	tm->tm_isdst = -1;
	*fsec = (fsec_t) (time % USECS_PER_SEC);
	return 0;
}

/*----------------------------------------------------------------------
 * Dates as Julian day numbers, from the same calendar rules, and the month
 * lengths the calendar's text input checks against.
 *----------------------------------------------------------------------
 */
const int	day_tab[2][13] = {
	{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0},
	{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0}};

int
date2j(int year, int month, int day)
{
	return (int) (day_number(year, month, day) - day_number(2000, 1, 1) + POSTGRES_EPOCH_JDATE);
}

void
j2date(int jd, int *year, int *month, int *day)
{
	int64		days = (int64) jd - POSTGRES_EPOCH_JDATE + day_number(2000, 1, 1);
	int64		y = floor_div(days * 400, 146097) + 1;
	int			m = 12;

	while (days_before_year(y) > days)
		y--;
	while (days_before_year(y + 1) <= days)
		y++;
	days -= days_before_year(y);
	while (days_before_month(y, m) > days)
		m--;
	*year = (int) y;
	*month = m;
	*day = (int) (days - days_before_month(y, m)) + 1;
}

/*----------------------------------------------------------------------
 * Time zones by name only: the zones the seeds name, found in any letter
 * case and spelled back as the server spells them, as pg_tzset does.  No
 * parser asks a zone for its offsets.
 *----------------------------------------------------------------------
 */
struct pg_tz
{
	const char *name;
};

static struct pg_tz known_zones[] = {
	{"UTC"}, {"Etc/UTC"}, {"Asia/Jakarta"}, {"Asia/Kathmandu"}, {"Europe/Berlin"},
	{"America/New_York"}, {"Australia/Lord_Howe"}};

pg_tz *
pg_tzset(const char *name)
{
	for (size_t i = 0; i < lengthof(known_zones); i++)
		if (pg_strcasecmp(name, known_zones[i].name) == 0)
			return &known_zones[i];
	return NULL;
}

const char *
pg_get_timezone_name(pg_tz *tz)
{
	return tz->name;
}
