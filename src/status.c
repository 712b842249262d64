/*
 * status.c
 *		Time in status: status_summary, a ticket's status changes, and the
 *		time it spent in a status, in calendar time or in the open time of
 *		a business calendar.
 *
 * A status_summary is a list of changes (at, status).  Inside an aggregate
 * changes are appended as rows come, in place with spare room, and a
 * combine appends the other state's changes; the final function sorts them
 * by time and, at one instant, by the status's bytes, and drops exact
 * repeats.  That sorted form is the canonical one stored, sent and
 * printed, so merging two partial histories of a ticket gives what the
 * whole history gives, however the rows were split or ordered.
 *
 * A status lasts from its change to the next change; at one instant the
 * changes follow byte order, so all but the last of them last no time and
 * the one whose status sorts last is in force afterwards.  Rows with a NULL
 * status or time are skipped.
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/timestamp.h"

#define STATUS_SUMMARY_VERSION	1

static const char *const STATUS_TYPE = "status_summary";

typedef struct StatusChange
{
	TimestampTz at;
	uint32		offset;			/* of the status's bytes in the text area */
	uint32		len;
} StatusChange;

typedef struct StatusSummary
{
	int32		vl_len_;
	uint8		version;
	uint8		sorted;			/* canonical: sorted, no repeats, text packed */
	uint16		reserved;		/* zero */
	int32		capacity;		/* change slots */
	int32		count;			/* changes used */
	int32		text_used;
	int32		text_capacity;
	StatusChange changes[FLEXIBLE_ARRAY_MEMBER];
	/* the statuses' bytes follow the change slots */
} StatusSummary;

#define STATUS_HEADER_SIZE	offsetof(StatusSummary, changes)
#define STATUS_MIN_CAPACITY 8
#define STATUS_MAX_CAPACITY ((int32) ((MaxAllocSize - STATUS_HEADER_SIZE) / sizeof(StatusChange) / 2))

#define PG_GETARG_STATUS(n) ((StatusSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

static Size
status_size(int32 capacity, int32 text_capacity)
{
	return STATUS_HEADER_SIZE + (Size) capacity * sizeof(StatusChange) + text_capacity;
}

static char *
status_text(StatusSummary *s)
{
	return (char *) &s->changes[s->capacity];
}

static StatusSummary *
status_new(bool sorted, int32 capacity, int32 text_capacity)
{
	StatusSummary *s = palloc0(status_size(capacity, text_capacity));

	SET_VARSIZE(s, status_size(capacity, text_capacity));
	s->version = STATUS_SUMMARY_VERSION;
	s->sorted = sorted;
	s->capacity = capacity;
	s->text_capacity = text_capacity;
	return s;
}

/* The header and every status's place against the size. */
static void
status_check(StatusSummary *s)
{
	if (s->version != STATUS_SUMMARY_VERSION)
		kpi_corrupt(STATUS_TYPE, psprintf("Format version %d is not supported.", s->version));
	if (s->sorted > 1 || s->reserved != 0 || s->capacity < 0 || s->count <= 0 ||
		s->count > s->capacity || s->text_used < 0 || s->text_used > s->text_capacity ||
		VARSIZE(s) != status_size(s->capacity, s->text_capacity))
		kpi_corrupt(STATUS_TYPE, "The header does not match the data.");
	for (int32 i = 0; i < s->count; i++)
		if ((uint64) s->changes[i].offset + s->changes[i].len > (uint64) s->text_used)
			kpi_corrupt(STATUS_TYPE, "A status lies outside the summary.");
}

/*
 * An unsorted copy of s with room for extra more changes and extra_text
 * more bytes, doubling so that filling a state row by row copies each
 * change a constant number of times.
 */
static StatusSummary *
status_grown(FunctionCallInfo fcinfo, StatusSummary *s, int64 extra, int64 extra_text)
{
	int64		wanted = (int64) s->count + extra;
	int32		capacity,
				text_capacity;
	StatusSummary *copy;

	if (!kpi_grown_capacity(wanted, s->count, (int64) s->text_used + extra_text, s->text_used,
							STATUS_MIN_CAPACITY, STATUS_MAX_CAPACITY, STATUS_HEADER_SIZE,
							sizeof(StatusChange), &capacity, &text_capacity))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: a status_summary cannot hold " INT64_FORMAT " changes",
						kpi_caller_name(fcinfo), wanted),
				 errdetail("One summary holds at most %d changes in at most 1 GB, statuses included.",
						   STATUS_MAX_CAPACITY),
				 errhint("Build one summary per ticket (GROUP BY the ticket).")));

	copy = status_new(false, capacity, text_capacity);
	copy->count = s->count;
	memcpy(copy->changes, s->changes, (Size) s->count * sizeof(StatusChange));
	copy->text_used = s->text_used;
	memcpy(status_text(copy), status_text(s), s->text_used);
	return copy;
}

/* The summary to change: in place inside an aggregate, else a copy. */
static StatusSummary *
status_mutable(FunctionCallInfo fcinfo, StatusSummary *s)
{
	if (kpi_in_aggregate(fcinfo) && !s->sorted)
		return s;
	status_check(s);
	return status_grown(fcinfo, s, 0, 0);
}

/* byte order, a prefix first: the same in every locale */
static int
compare_status(const char *a, uint32 alen, const char *b, uint32 blen)
{
	int			cmp = memcmp(a, b, Min(alen, blen));

	if (cmp != 0)
		return cmp;
	return (alen > blen) - (alen < blen);
}

static int
compare_changes(const void *a, const void *b, void *arg)
{
	const char *text = (const char *) arg;
	const StatusChange *ca = (const StatusChange *) a;
	const StatusChange *cb = (const StatusChange *) b;

	if (ca->at != cb->at)
		return ca->at < cb->at ? -1 : 1;
	return compare_status(text + ca->offset, ca->len, text + cb->offset, cb->len);
}

/*
 * The canonical form of s: changes sorted, exact repeats dropped, the
 * statuses packed in change order.  *repeats, if given, gets how many were
 * dropped.
 */
static StatusSummary *
status_sorted(StatusSummary *s, int32 *repeats)
{
	StatusChange *changes;
	StatusSummary *result;
	const char *text = status_text(s);
	int32		n = 0;
	int64		bytes = 0;

	if (repeats)
		*repeats = 0;
	if (s->sorted)
		return s;
	changes = palloc_extended(Max(s->count, 1) * sizeof(StatusChange), MCXT_ALLOC_HUGE);
	memcpy(changes, s->changes, (Size) s->count * sizeof(StatusChange));
	qsort_arg(changes, s->count, sizeof(StatusChange), compare_changes, (void *) text);
	for (int32 i = 0; i < s->count; i++)
		if (n == 0 || compare_changes(&changes[n - 1], &changes[i], (void *) text) != 0)
		{
			changes[n++] = changes[i];
			bytes += changes[i].len;
		}
	if (repeats)
		*repeats = s->count - n;

	result = status_new(true, n, (int32) bytes);
	for (int32 i = 0; i < n; i++)
	{
		StatusChange *c = &result->changes[i];

		c->at = changes[i].at;
		c->len = changes[i].len;
		c->offset = (uint32) result->text_used;
		memcpy(status_text(result) + c->offset, text + changes[i].offset, c->len);
		result->text_used += c->len;
	}
	result->count = n;
	pfree(changes);
	return result;
}

static Datum
status_result(FunctionCallInfo fcinfo, StatusSummary *s)
{
	PG_RETURN_POINTER(kpi_in_aggregate(fcinfo) ? s : status_sorted(s, NULL));
}

/* Times within years 1..9999 in UTC, which the text form spells. */
static bool
time_valid(TimestampTz at)
{
	return at >= INT64CONST(-63082281600000000) && at < INT64CONST(252455616000000000);
}

/* Appends one change; s must have room. */
static void
status_append(StatusSummary *s, TimestampTz at, const char *status, uint32 len)
{
	StatusChange *c = &s->changes[s->count++];

	c->at = at;
	c->offset = (uint32) s->text_used;
	c->len = len;
	memcpy(status_text(s) + s->text_used, status, len);
	s->text_used += len;
}

/*
 * One status change.  Non-strict: the first row creates the state; rows
 * with a NULL status or time are skipped.
 */
PG_FUNCTION_INFO_V1(status_summary_add);
Datum
status_summary_add(PG_FUNCTION_ARGS)
{
	StatusSummary *s;
	text	   *status;
	TimestampTz at;
	uint32		len;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	status = PG_GETARG_TEXT_PP(1);
	len = VARSIZE_ANY_EXHDR(status);
	at = PG_GETARG_TIMESTAMPTZ(2);
	if (!time_valid(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: changed_at %s is outside the years 1 to 9999 (UTC)",
						kpi_caller_name(fcinfo),
						TIMESTAMP_NOT_FINITE(at) ? (at < 0 ? "-infinity" : "infinity") :
						kpi_timestamptz_text(at))));

	if (PG_ARGISNULL(0))
		s = status_new(false, STATUS_MIN_CAPACITY, Max(64, len));
	else
		s = status_mutable(fcinfo, PG_GETARG_STATUS(0));
	if (s->count == s->capacity || (int64) s->text_used + len > s->text_capacity)
		s = status_grown(fcinfo, s, 1, len);
	status_append(s, at, VARDATA_ANY(status), len);
	return status_result(fcinfo, s);
}

/*
 * The combine function: the changes of both, as if one aggregate had seen
 * all the rows.
 */
PG_FUNCTION_INFO_V1(status_summary_merge);
Datum
status_summary_merge(PG_FUNCTION_ARGS)
{
	StatusSummary *s = status_mutable(fcinfo, PG_GETARG_STATUS(0));
	StatusSummary *other = PG_GETARG_STATUS(1);
	int32		base;

	status_check(other);
	if ((int64) s->count + other->count > s->capacity ||
		(int64) s->text_used + other->text_used > s->text_capacity)
		s = status_grown(fcinfo, s, other->count, other->text_used);
	base = s->text_used;
	memcpy(status_text(s) + base, status_text(other), other->text_used);
	s->text_used += other->text_used;
	for (int32 i = 0; i < other->count; i++)
	{
		StatusChange *c = &s->changes[s->count + i];

		*c = other->changes[i];
		c->offset += (uint32) base;
	}
	s->count += other->count;
	return status_result(fcinfo, s);
}

PG_FUNCTION_INFO_V1(status_summary_final);
Datum
status_summary_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(status_sorted(PG_GETARG_STATUS(0), NULL));
}

/* The canonical form of an argument, checked. */
static StatusSummary *
status_arg(FunctionCallInfo fcinfo, int n)
{
	StatusSummary *s = PG_GETARG_STATUS(n);

	status_check(s);
	return status_sorted(s, NULL);
}

/*
 * Text form: "v1 2024-01-01T08:00:00Z "new", 2024-01-01T09:15:00Z "open"":
 * each change as its time in UTC and its status, double-quoted.
 */
PG_FUNCTION_INFO_V1(status_summary_out);
Datum
status_summary_out(PG_FUNCTION_ARGS)
{
	StatusSummary *s = status_arg(fcinfo, 0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", STATUS_SUMMARY_VERSION);
	for (int32 i = 0; i < s->count; i++)
	{
		KpiKey		key = {0};

		key.bytes = (const uint8 *) status_text(s) + s->changes[i].offset;
		key.len = s->changes[i].len;
		appendStringInfoString(&buf, i == 0 ? " " : ", ");
		kpi_utc_time_append(&buf, s->changes[i].at, STATUS_TYPE);
		appendStringInfoChar(&buf, ' ');
		kpi_key_append(&buf, KPI_KEY_TEXT, &key);
	}
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Input, text or binary, holds at least one change, times never
 * decreasing and no change twice.  Changes at one instant may come in any
 * order: byte order differs between the encodings a text form travels
 * through.  Returns NULL if the summary is canonical, else what is wrong.
 */
static const char *
status_input_problem(StatusSummary *s, StatusSummary **result)
{
	int32		repeats;

	if (s->count == 0)
		return "A status_summary holds at least one change.";
	for (int32 i = 1; i < s->count; i++)
		if (s->changes[i].at < s->changes[i - 1].at)
			return "The changes must be in time order.";
	*result = status_sorted(s, &repeats);
	if (repeats > 0)
		return "A change appears more than once.";
	return NULL;
}

/* Room for one more change of len bytes in a summary being read. */
static StatusSummary *
status_room(StatusSummary *s, uint32 len, const char **problem)
{
	StatusSummary *copy;
	int32		capacity = s->capacity;
	int64		text_capacity = s->text_capacity;

	*problem = NULL;
	if (s->count < s->capacity && (int64) s->text_used + len <= s->text_capacity)
		return s;
	if (s->count == s->capacity)
	{
		if (capacity >= STATUS_MAX_CAPACITY)
		{
			*problem = "It has more changes than a summary can hold.";
			return s;
		}
		capacity = Min(2 * capacity, STATUS_MAX_CAPACITY);
	}
	if ((int64) s->text_used + len > s->text_capacity)
	{
		if ((int64) s->text_used + len + (int64) status_size(capacity, 0) > (int64) (MaxAllocSize / 2))
		{
			*problem = "Its statuses are too long for a summary.";
			return s;
		}
		text_capacity = Max(2 * (int64) s->text_capacity, (int64) s->text_used + len);
	}
	copy = status_new(false, capacity, (int32) text_capacity);
	copy->count = s->count;
	memcpy(copy->changes, s->changes, (Size) s->count * sizeof(StatusChange));
	copy->text_used = s->text_used;
	memcpy(status_text(copy), status_text(s), s->text_used);
	pfree(s);
	return copy;
}

PG_FUNCTION_INFO_V1(status_summary_in);
Datum
status_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	StatusSummary *s = status_new(false, STATUS_MIN_CAPACITY, 64);
	StatusSummary *result = NULL;
	StringInfoData scratch;
	const char *problem;

	kpi_text_init(&cur, STATUS_TYPE, input);
	kpi_text_version(&cur, STATUS_SUMMARY_VERSION);
	initStringInfo(&scratch);
	if (kpi_text_skip_space(&cur) && *cur.pos != '\0')
	{
		do
		{
			const char *at_pos;
			TimestampTz at;

			kpi_text_skip_space(&cur);
			at_pos = cur.pos;
			at = kpi_text_utc_time(&cur);
			if (!time_valid(at))
			{
				cur.pos = at_pos;
				kpi_text_invalid(&cur, psprintf("At character %d: a change lies outside the years 1 to 9999.",
												(int) (at_pos - cur.input) + 1));
			}
			if (!kpi_text_skip_space(&cur))
				kpi_text_error(&cur, "a space and a double-quoted status");
			resetStringInfo(&scratch);
			kpi_text_quoted(&cur, &scratch, "status");
			pg_verify_mbstr(GetDatabaseEncoding(), scratch.data, scratch.len, false);
			s = status_room(s, (uint32) scratch.len, &problem);
			if (problem != NULL)
				kpi_text_invalid(&cur, problem);
			status_append(s, at, scratch.data, (uint32) scratch.len);
			kpi_text_skip_space(&cur);
		} while (kpi_text_accept(&cur, ","));
	}
	kpi_text_end(&cur);
	problem = status_input_problem(s, &result);
	if (problem != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(result);
}

/*
 * Binary form: the version byte, the number of changes as int4, then each
 * change as its time (int8), the status's length (int4) and bytes.
 */
PG_FUNCTION_INFO_V1(status_summary_send);
Datum
status_summary_send(PG_FUNCTION_ARGS)
{
	StatusSummary *s = status_arg(fcinfo, 0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, STATUS_SUMMARY_VERSION);
	pq_sendint32(&buf, s->count);
	for (int32 i = 0; i < s->count; i++)
	{
		pq_sendint64(&buf, s->changes[i].at);
		pq_sendint32(&buf, s->changes[i].len);
		pq_sendbytes(&buf, status_text(s) + s->changes[i].offset, s->changes[i].len);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(status_summary_recv);
Datum
status_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, STATUS_TYPE);
	int32		count;
	StatusSummary *s;
	StatusSummary *result = NULL;
	const char *problem;

	if (version != STATUS_SUMMARY_VERSION)
		kpi_recv_error(STATUS_TYPE, psprintf("Format version %d is not supported.", version));
	count = kpi_recv_int32(buf, STATUS_TYPE);
	/* each change takes at least 12 bytes: no allocation beyond the input */
	if (count < 0 || (int64) count * 12 > buf->len - buf->cursor)
		kpi_recv_error(STATUS_TYPE, "The number of changes does not match the data.");
	s = status_new(false, Max(count, 1), 64);
	for (int32 i = 0; i < count; i++)
	{
		TimestampTz at = kpi_recv_int64(buf, STATUS_TYPE);
		int32		len = kpi_recv_int32(buf, STATUS_TYPE);
		const char *bytes = kpi_recv_bytes(buf, len, STATUS_TYPE);

		if (!time_valid(at))
			kpi_recv_error(STATUS_TYPE, "A change lies outside the years 1 to 9999.");
		pg_verify_mbstr(GetDatabaseEncoding(), bytes, len, false);
		s = status_room(s, (uint32) len, &problem);
		if (problem != NULL)
			kpi_recv_error(STATUS_TYPE, problem);
		status_append(s, at, bytes, (uint32) len);
	}
	if (buf->cursor != buf->len)
		kpi_recv_error(STATUS_TYPE, "There are bytes after the last change.");
	problem = status_input_problem(s, &result);
	if (problem != NULL)
		kpi_recv_error(STATUS_TYPE, problem);
	PG_RETURN_POINTER(result);
}

KPI_EQUALITY_FUNCTIONS(status_summary)

static bool
status_is(StatusSummary *s, int32 i, const text *status)
{
	return s->changes[i].len == VARSIZE_ANY_EXHDR(status) &&
		memcmp(status_text(s) + s->changes[i].offset, VARDATA_ANY(status), s->changes[i].len) == 0;
}

/*
 * The time spent in status: each of its changes up to the next change, the
 * last up to until (NULL: the last change, so it counts nothing), with a
 * calendar only the calendar's open time.  Not strict, for the defaults: a
 * NULL summary or status gives NULL.
 */
PG_FUNCTION_INFO_V1(time_in_status);
Datum
time_in_status(PG_FUNCTION_ARGS)
{
	StatusSummary *s;
	text	   *status;
	TimestampTz until;
	bool		in_business_hours = !PG_ARGISNULL(3);
	int128		total = 0;
	Interval   *result;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	s = status_arg(fcinfo, 0);
	status = PG_GETARG_TEXT_PP(1);
	until = s->changes[s->count - 1].at;
	if (!PG_ARGISNULL(2))
	{
		TimestampTz given = PG_GETARG_TIMESTAMPTZ(2);

		if (TIMESTAMP_NOT_FINITE(given))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: until must be finite", kpi_caller_name(fcinfo))));
		if (given < until)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: until %s is before the last change %s", kpi_caller_name(fcinfo),
							kpi_timestamptz_text(given), kpi_timestamptz_text(until)),
					 errdetail("until is where the last status ends; it cannot cut the history short.")));
		until = given;
	}
	for (int32 i = 0; i < s->count; i++)
	{
		TimestampTz from = s->changes[i].at;
		TimestampTz to = i + 1 < s->count ? s->changes[i + 1].at : until;

		CHECK_FOR_INTERRUPTS();
		if (to == from || !status_is(s, i, status))
			continue;
		total += in_business_hours ? kpi_business_open_time(fcinfo, 3, from, to) : (int128) (to - from);
	}
	result = palloc0(sizeof(Interval));
	/* years 1..9999 are fewer microseconds than an int64 holds */
	result->time = (int64) total;
	PG_RETURN_INTERVAL_P(result);
}

/* The first time the ticket changed to status, NULL if it never did. */
PG_FUNCTION_INFO_V1(first_reached);
Datum
first_reached(PG_FUNCTION_ARGS)
{
	StatusSummary *s = status_arg(fcinfo, 0);
	text	   *status = PG_GETARG_TEXT_PP(1);

	for (int32 i = 0; i < s->count; i++)
		if (status_is(s, i, status))
			PG_RETURN_TIMESTAMPTZ(s->changes[i].at);
	PG_RETURN_NULL();
}

/* The status in force after the last change. */
PG_FUNCTION_INFO_V1(last_status);
Datum
last_status(PG_FUNCTION_ARGS)
{
	StatusSummary *s = status_arg(fcinfo, 0);
	StatusChange *c = &s->changes[s->count - 1];

	PG_RETURN_TEXT_P(cstring_to_text_with_len(status_text(s) + c->offset, c->len));
}

PG_FUNCTION_INFO_V1(status_changes);
Datum
status_changes(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(status_arg(fcinfo, 0)->count);
}

/* by status, then by position: the first of each status leads its run */
static int
compare_positions(const void *a, const void *b, void *arg)
{
	StatusSummary *s = (StatusSummary *) arg;
	const StatusChange *ca = &s->changes[*(const int32 *) a];
	const StatusChange *cb = &s->changes[*(const int32 *) b];
	int			cmp = compare_status(status_text(s) + ca->offset, ca->len,
									 status_text(s) + cb->offset, cb->len);

	if (cmp != 0)
		return cmp;
	return (*(const int32 *) a > *(const int32 *) b) - (*(const int32 *) a < *(const int32 *) b);
}

static int
compare_int32(const void *a, const void *b)
{
	return (*(const int32 *) a > *(const int32 *) b) - (*(const int32 *) a < *(const int32 *) b);
}

/* The statuses in the order the ticket first reached them. */
PG_FUNCTION_INFO_V1(statuses);
Datum
statuses(PG_FUNCTION_ARGS)
{
	StatusSummary *s = status_arg(fcinfo, 0);
	ArrayBuildState *astate = initArrayResult(TEXTOID, CurrentMemoryContext, false);
	int32	   *order = palloc_extended(s->count * sizeof(int32), MCXT_ALLOC_HUGE);
	int32		nfirst = 0;

	for (int32 i = 0; i < s->count; i++)
		order[i] = i;
	qsort_arg(order, s->count, sizeof(int32), compare_positions, s);
	for (int32 i = 0; i < s->count; i++)
		if (i == 0 || compare_status(status_text(s) + s->changes[order[i]].offset, s->changes[order[i]].len,
									 status_text(s) + s->changes[order[i - 1]].offset,
									 s->changes[order[i - 1]].len) != 0)
			order[nfirst++] = order[i];
	qsort(order, nfirst, sizeof(int32), compare_int32);
	for (int32 i = 0; i < nfirst; i++)
	{
		StatusChange *c = &s->changes[order[i]];

		CHECK_FOR_INTERRUPTS();
		astate = accumArrayResult(astate,
								  PointerGetDatum(cstring_to_text_with_len(status_text(s) + c->offset, c->len)),
								  false, TEXTOID, CurrentMemoryContext);
	}
	PG_RETURN_DATUM(makeArrayResult(astate, CurrentMemoryContext));
}
