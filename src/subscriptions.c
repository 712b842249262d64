/*
 * subscriptions.c
 *		MRR from subscriptions as billing systems store them (customer,
 *		MRR, valid from, valid to): subscription_summary, the movements
 *		waterfall with reactivation at the customer grain, NRR, GRR, quick
 *		ratio, logo churn and cohort retention.
 *
 * A subscription_summary is a list of change points: at time "at" the MRR
 * of customer "key" changes by "delta" (units at the summary's scale, see
 * kpi_numeric_units).  A subscription adds +mrr at valid_from and -mrr at
 * valid_to; overlapping subscriptions of a customer therefore add up.
 * Inside an aggregate the points are appended as rows come (with spare
 * room, in place), and a combine appends the other state's points; the
 * final function sorts them by customer and time and merges the points of
 * one customer at one time, dropping those that change nothing.  That
 * sorted form is the canonical one stored, sent and printed: one record per
 * customer holding only the times its MRR changes.
 *
 * MRR is measured at period boundaries (ChartMogul's convention): a
 * customer's MRR for a boundary b is the sum of its subscriptions with
 * valid_from <= b < valid_to.
 */
#include "postgres.h"

#include "funcapi.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#define SUBS_SUMMARY_VERSION	1

static const char *const SUBS_TYPE = "subscription_summary";

typedef struct SubsEvent
{
	/* integer: int64; uuid: 16 bytes; text: uint32 offset and length into the key area */
	uint8		key[16];
	TimestampTz at;
	int128		delta;			/* change of the customer's MRR at "at" */
} SubsEvent;

typedef struct SubsSummary
{
	int32		vl_len_;
	uint8		version;
	uint8		key_kind;
	uint8		sorted;			/* canonical: sorted, merged, text keys stored once */
	uint8		reserved;		/* zero */
	int32		scale;			/* decimal scale of every amount */
	int32		capacity;		/* event slots */
	int32		count;			/* events used */
	int32		keys_used;		/* bytes of text keys */
	int32		keys_capacity;
	SubsEvent	events[FLEXIBLE_ARRAY_MEMBER];
	/* text keys follow the event slots */
} SubsSummary;

#define SUBS_HEADER_SIZE	offsetof(SubsSummary, events)
#define SUBS_MIN_CAPACITY	16
#define SUBS_MAX_CAPACITY	((int32) ((MaxAllocSize - SUBS_HEADER_SIZE) / sizeof(SubsEvent) / 2))

/* the most periods one call computes: a century of days */
#define SUBS_MAX_PERIODS	36525

#define PG_GETARG_SUBS(n)	((SubsSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

static Size
subs_size(int32 capacity, int32 keys_capacity)
{
	return SUBS_HEADER_SIZE + (Size) capacity * sizeof(SubsEvent) + keys_capacity;
}

static uint8 *
subs_keys(SubsSummary *s)
{
	return (uint8 *) &s->events[s->capacity];
}

static SubsSummary *
subs_new(KpiKeyKind kind, int scale, bool sorted, int32 capacity, int32 keys_capacity)
{
	SubsSummary *s = palloc0(subs_size(capacity, keys_capacity));

	SET_VARSIZE(s, subs_size(capacity, keys_capacity));
	s->version = SUBS_SUMMARY_VERSION;
	s->key_kind = kind;
	s->sorted = sorted;
	s->scale = scale;
	s->capacity = capacity;
	s->keys_capacity = keys_capacity;
	return s;
}

/* The header against the size, for a summary that came from outside. */
static void
subs_check(const SubsSummary *s)
{
	if (s->version != SUBS_SUMMARY_VERSION)
		kpi_corrupt(SUBS_TYPE, psprintf("Format version %d is not supported.", s->version));
	if (s->key_kind < KPI_KEY_INTEGER || s->key_kind > KPI_KEY_UUID || s->sorted > 1 ||
		s->reserved != 0 || s->scale < 0 || s->scale > KPI_MONEY_MAX_SCALE ||
		s->capacity < 0 || s->count < 0 || s->count > s->capacity ||
		s->keys_used < 0 || s->keys_used > s->keys_capacity ||
		VARSIZE(s) != subs_size(s->capacity, s->keys_capacity))
		kpi_corrupt(SUBS_TYPE, "The header does not match the data.");
}

static KpiKey
event_key(SubsSummary *s, const SubsEvent *e)
{
	KpiKey		key = {0};
	uint32		offset;

	switch (s->key_kind)
	{
		case KPI_KEY_INTEGER:
			memcpy(&key.integer, e->key, sizeof(int64));
			break;
		case KPI_KEY_UUID:
			key.bytes = e->key;
			key.len = UUID_LEN;
			break;
		case KPI_KEY_TEXT:
			memcpy(&offset, e->key, sizeof(uint32));
			memcpy(&key.len, e->key + sizeof(uint32), sizeof(uint32));
			if ((uint64) offset + key.len > (uint64) s->keys_used)
				kpi_corrupt(SUBS_TYPE, "A customer key lies outside the summary.");
			key.bytes = subs_keys(s) + offset;
			break;
	}
	return key;
}

/* Writes key into an event; a text key's bytes are appended to the key area. */
static void
set_key(SubsSummary *s, SubsEvent *e, const KpiKey *key)
{
	uint32		offset = (uint32) s->keys_used;

	switch (s->key_kind)
	{
		case KPI_KEY_INTEGER:
			memcpy(e->key, &key->integer, sizeof(int64));
			break;
		case KPI_KEY_UUID:
			memcpy(e->key, key->bytes, UUID_LEN);
			break;
		case KPI_KEY_TEXT:
			Assert((int64) s->keys_used + key->len <= s->keys_capacity);
			memcpy(subs_keys(s) + offset, key->bytes, key->len);
			s->keys_used += key->len;
			memcpy(e->key, &offset, sizeof(uint32));
			memcpy(e->key + sizeof(uint32), &key->len, sizeof(uint32));
			break;
	}
}

/*
 * An unsorted copy of s with room for extra_events more events and
 * extra_key_bytes more key bytes, doubling so that filling a state row by
 * row copies each event a constant number of times.
 */
static SubsSummary *
subs_grown(FunctionCallInfo fcinfo, SubsSummary *s, int64 extra_events, int64 extra_key_bytes)
{
	int64		wanted = (int64) s->count + extra_events;
	int32		capacity,
				keys_capacity;
	SubsSummary *copy;

	if (!kpi_grown_capacity(wanted, s->count, (int64) s->keys_used + extra_key_bytes, s->keys_used,
							SUBS_MIN_CAPACITY, SUBS_MAX_CAPACITY, SUBS_HEADER_SIZE,
							sizeof(SubsEvent), &capacity, &keys_capacity))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: a subscription_summary cannot hold " INT64_FORMAT " change points",
						kpi_caller_name(fcinfo), wanted),
				 errdetail("One summary holds at most %d change points in at most 1 GB, keys included.",
						   SUBS_MAX_CAPACITY),
				 errhint("Group the rows more finely, for example by segment.")));

	copy = subs_new(s->key_kind, s->scale, false, capacity, keys_capacity);
	copy->count = s->count;
	memcpy(copy->events, s->events, (Size) s->count * sizeof(SubsEvent));
	copy->keys_used = s->keys_used;
	memcpy(subs_keys(copy), subs_keys(s), s->keys_used);
	return copy;
}

/* A checked copy of s to change, outside an aggregate. */
static SubsSummary *
subs_mutable(FunctionCallInfo fcinfo, SubsSummary *s)
{
	subs_check(s);
	return subs_grown(fcinfo, s, 0, 0);
}

/* Every amount times 10^(scale - s->scale). */
static void
subs_rescale(FunctionCallInfo fcinfo, SubsSummary *s, int scale)
{
	for (int32 i = 0; i < s->count; i++)
		if (!kpi_money_rescale(&s->events[i].delta, s->scale, scale))
			kpi_money_overflow(fcinfo, "a customer's MRR");
	s->scale = scale;
}

/* by customer, then time; integer keys, the common case, without building keys */
static inline int
compare_events(const SubsEvent *a, const SubsEvent *b, SubsSummary *s)
{
	int			cmp;

	if (s->key_kind == KPI_KEY_INTEGER)
	{
		int64		ka,
					kb;

		memcpy(&ka, a->key, sizeof(int64));
		memcpy(&kb, b->key, sizeof(int64));
		cmp = (ka > kb) - (ka < kb);
	}
	else
	{
		KpiKey		ka = event_key(s, a);
		KpiKey		kb = event_key(s, b);

		cmp = kpi_key_compare(s->key_kind, &ka, &kb);
	}
	if (cmp != 0)
		return cmp;
	return (a->at > b->at) - (a->at < b->at);
}

/*
 * The final function's sort of every change point is most of an MRR
 * query's time, and the one part parallel workers cannot share: a sort
 * with the comparison inlined costs a fraction of qsort_arg's.
 */
#define ST_SORT sort_events
#define ST_ELEMENT_TYPE SubsEvent
#define ST_COMPARE(a, b, arg) compare_events(a, b, arg)
#define ST_COMPARE_ARG_TYPE SubsSummary
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * The canonical form of s from its events in sorted order (keys in s's key
 * area): one per customer and time, none that changes nothing, each text
 * key stored once.  Checks that every customer's MRR stays within 38
 * digits; fcinfo names the caller in that error, or is NULL.
 */
static SubsSummary *
subs_canonical(FunctionCallInfo fcinfo, SubsSummary *s, const SubsEvent *events)
{
	SubsSummary *result;
	int32		n = 0;
	int32		i = 0;

	result = subs_new(s->key_kind, s->scale, true, s->count, s->keys_used);
	while (i < s->count)
	{
		KpiKey		key = event_key(s, &events[i]);
		int32		first_event = n;
		int128		level = 0;

		/* one customer */
		while (i < s->count)
		{
			KpiKey		other = event_key(s, &events[i]);
			TimestampTz at = events[i].at;
			int128		delta = 0;

			if (kpi_key_compare(s->key_kind, &key, &other) != 0)
				break;
			for (; i < s->count && events[i].at == at; i++)
			{
				other = event_key(s, &events[i]);
				if (kpi_key_compare(s->key_kind, &key, &other) != 0)
					break;
				if (!kpi_money_add(&delta, events[i].delta))
					kpi_money_overflow(fcinfo, "a customer's MRR");
			}
			if (delta == 0)
				continue;
			if (!kpi_money_add(&level, delta))
				kpi_money_overflow(fcinfo, "a customer's MRR");
			if (level < 0)
				kpi_corrupt(SUBS_TYPE, "A customer's MRR is negative.");
			result->events[n].at = at;
			result->events[n].delta = delta;
			if (n == first_event)
				set_key(result, &result->events[n], &key);
			else
				memcpy(result->events[n].key, result->events[first_event].key, sizeof(events[n].key));
			n++;
		}
	}
	/* the merged points fit in fewer slots: shrink in place, keys moved down */
	if (n < result->capacity || result->keys_used < result->keys_capacity)
	{
		memmove(&result->events[n], subs_keys(result), result->keys_used);
		result->capacity = n;
		result->keys_capacity = result->keys_used;
		result = repalloc(result, subs_size(n, result->keys_used));
		SET_VARSIZE(result, subs_size(n, result->keys_used));
	}
	result->count = n;
	return result;
}

/* The canonical form of s, s itself if it is. */
static SubsSummary *
subs_sorted(FunctionCallInfo fcinfo, SubsSummary *s)
{
	SubsEvent  *events;
	SubsSummary *result;

	if (s->sorted)
		return s;
	events = palloc_extended(Max(s->count, 1) * sizeof(SubsEvent), MCXT_ALLOC_HUGE);
	memcpy(events, s->events, (Size) s->count * sizeof(SubsEvent));
	sort_events(events, s->count, s);
	result = subs_canonical(fcinfo, s, events);
	pfree(events);
	return result;
}

/*
 * Inside an aggregate the state is an expanded object: the change points in
 * one buffer, in runs that are each sorted (a canonical summary merged in)
 * or not (rows).  Its flat form, what a parallel worker sends the leader,
 * is the canonical summary, so each worker sorts its own rows and the
 * leader, whose final sort used to be most of the time, only merges sorted
 * runs.  The buffer grows inside the object, so the executor never copies
 * the state.
 */
typedef struct SubsExpanded
{
	ExpandedObjectHeader hdr;
	SubsSummary *s;				/* the points, unsorted as a whole, in hdr.eoh_context */
	int32	   *run_start;		/* run i is [run_start[i], run_start[i + 1]), the last to s->count */
	bool	   *run_sorted;
	int32		nruns;
	int32		runs_capacity;
	SubsSummary *flat;			/* the canonical form once asked for, until the next change */
} SubsExpanded;

static SubsSummary *subs_expanded_sorted(FunctionCallInfo fcinfo, SubsExpanded *e);

static Size
subs_flat_size(ExpandedObjectHeader *eohptr)
{
	SubsExpanded *e = (SubsExpanded *) eohptr;

	if (e->flat == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(e->hdr.eoh_context);

		e->flat = subs_expanded_sorted(NULL, e);
		MemoryContextSwitchTo(old);
	}
	return VARSIZE(e->flat);
}

static void
subs_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	SubsExpanded *e = (SubsExpanded *) eohptr;

	Assert(e->flat != NULL && allocated_size == VARSIZE(e->flat));
	memcpy(result, e->flat, allocated_size);
}

static const ExpandedObjectMethods subs_expanded_methods = {
	subs_flat_size,
	subs_flatten_into
};

/* Our expanded object behind value (only a read-write pointer if read_write), or NULL. */
static SubsExpanded *
subs_expanded(Datum value, bool read_write)
{
	return (SubsExpanded *) kpi_expanded_object(value, read_write, &subs_expanded_methods);
}

/* Marks [start, s->count) as a run; rows extend an unsorted last run. */
static void
subs_add_run(SubsExpanded *e, int32 start, bool sorted)
{
	if (e->nruns > 0 && !sorted && !e->run_sorted[e->nruns - 1])
		return;
	if (e->nruns == e->runs_capacity)
	{
		e->runs_capacity *= 2;
		e->run_start = repalloc(e->run_start, e->runs_capacity * sizeof(int32));
		e->run_sorted = repalloc(e->run_sorted, e->runs_capacity * sizeof(bool));
	}
	e->run_start[e->nruns] = start;
	e->run_sorted[e->nruns] = sorted;
	e->nruns++;
}

/*
 * A new expanded state in the aggregate's memory holding a copy of s (NULL:
 * an empty summary keyed by kind) as one run, with room for what the
 * caller adds next, so the copy is the only one.
 */
static SubsExpanded *
subs_expanded_new(FunctionCallInfo fcinfo, MemoryContext aggcontext, SubsSummary *s, KpiKeyKind kind,
				  int64 extra_events, int64 extra_key_bytes)
{
	MemoryContext context = AllocSetContextCreate(aggcontext, "subscription_summary state",
												  ALLOCSET_START_SMALL_SIZES);
	MemoryContext old = MemoryContextSwitchTo(context);
	SubsExpanded *e = palloc0(sizeof(SubsExpanded));

	EOH_init_header(&e->hdr, &subs_expanded_methods, context);
	e->runs_capacity = 4;
	e->run_start = palloc(e->runs_capacity * sizeof(int32));
	e->run_sorted = palloc(e->runs_capacity * sizeof(bool));
	if (s == NULL)
		e->s = subs_new(kind, 0, false, SUBS_MIN_CAPACITY, kind == KPI_KEY_TEXT ? 256 : 0);
	else
	{
		subs_check(s);
		e->s = subs_grown(fcinfo, s, extra_events, extra_key_bytes);
		if (s->count > 0)
			subs_add_run(e, 0, s->sorted);
	}
	MemoryContextSwitchTo(old);
	return e;
}

/* Room in e for extra_events more events and extra_key_bytes more key bytes. */
static void
subs_expanded_reserve(FunctionCallInfo fcinfo, SubsExpanded *e, int64 extra_events, int64 extra_key_bytes)
{
	if (e->flat != NULL)
	{
		pfree(e->flat);
		e->flat = NULL;
	}
	if ((int64) e->s->count + extra_events > e->s->capacity ||
		(int64) e->s->keys_used + extra_key_bytes > e->s->keys_capacity)
	{
		MemoryContext old = MemoryContextSwitchTo(e->hdr.eoh_context);
		SubsSummary *grown = subs_grown(fcinfo, e->s, extra_events, extra_key_bytes);

		pfree(e->s);
		e->s = grown;
		MemoryContextSwitchTo(old);
	}
}

/* Merges the sorted runs a and b, of na and nb events, into out. */
static void
merge_runs(SubsSummary *s, const SubsEvent *a, int32 na, const SubsEvent *b, int32 nb, SubsEvent *out)
{
	int32		i = 0,
				j = 0;

	while (i < na && j < nb)
		*out++ = compare_events(&b[j], &a[i], s) < 0 ? b[j++] : a[i++];
	memcpy(out, a + i, (Size) (na - i) * sizeof(SubsEvent));
	memcpy(out + (na - i), b + j, (Size) (nb - j) * sizeof(SubsEvent));
}

/*
 * The canonical form of an expanded state.  Sorts its unsorted runs and
 * merges the runs pairwise, O(n log runs), leaving one sorted run behind,
 * so that a window aggregate's next final call starts from there.
 */
static SubsSummary *
subs_expanded_sorted(FunctionCallInfo fcinfo, SubsExpanded *e)
{
	SubsSummary *s = e->s;
	SubsEvent  *buffer = NULL;
	SubsEvent  *from = s->events;

	for (int32 r = 0; r < e->nruns; r++)
	{
		int32		end = r + 1 < e->nruns ? e->run_start[r + 1] : s->count;

		if (!e->run_sorted[r])
			sort_events(s->events + e->run_start[r], end - e->run_start[r], s);
		e->run_sorted[r] = true;
	}
	if (e->nruns > 1)
		buffer = MemoryContextAllocExtended(e->hdr.eoh_context,
											(Size) s->count * sizeof(SubsEvent), MCXT_ALLOC_HUGE);
	while (e->nruns > 1)
	{
		SubsEvent  *to = from == s->events ? buffer : s->events;
		int32		merged = 0;

		for (int32 r = 0; r < e->nruns; r += 2)
		{
			int32		start = e->run_start[r];
			int32		middle = r + 1 < e->nruns ? e->run_start[r + 1] : s->count;
			int32		end = r + 2 < e->nruns ? e->run_start[r + 2] : s->count;

			CHECK_FOR_INTERRUPTS();
			merge_runs(s, from + start, middle - start, from + middle, end - middle, to + start);
			e->run_start[merged++] = start;
		}
		e->nruns = merged;
		from = to;
	}
	if (from != s->events)
		memcpy(s->events, from, (Size) s->count * sizeof(SubsEvent));
	if (buffer != NULL)
		pfree(buffer);
	return subs_canonical(fcinfo, s, s->events);
}

/*
 * What a transition or combine step changes: in an aggregate our expanded
 * object, made on the first call (from value, a flat state, unless NULL)
 * with room for the extra events and key bytes about to be added; outside
 * one, NULL, and the caller works on a flat copy.
 */
static SubsExpanded *
subs_state(FunctionCallInfo fcinfo, Datum value, bool isnull, KpiKeyKind kind,
		   int64 extra_events, int64 extra_key_bytes)
{
	MemoryContext aggcontext;
	SubsExpanded *e;

	if (!AggCheckCallContext(fcinfo, &aggcontext))
		return NULL;
	e = isnull ? NULL : subs_expanded(value, true);
	if (e == NULL)
		e = subs_expanded_new(fcinfo, aggcontext,
							  isnull ? NULL : (SubsSummary *) PG_DETOAST_DATUM(value), kind,
							  extra_events, extra_key_bytes);
	return e;
}

static Datum
subs_result(FunctionCallInfo fcinfo, SubsExpanded *e, SubsSummary *s)
{
	if (e != NULL)
		return EOHPGetRWDatum(&e->hdr);
	PG_RETURN_POINTER(subs_sorted(fcinfo, s));
}

/* Times within years 1..9999 in UTC, which the text form spells. */
static bool
time_valid(TimestampTz at)
{
	return at >= INT64CONST(-63082281600000000) && at < INT64CONST(252455616000000000);
}

static void
check_time(FunctionCallInfo fcinfo, const char *name, TimestampTz at)
{
	if (!time_valid(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %s is outside the years 1 to 9999 (UTC)",
						kpi_caller_name(fcinfo), name,
						TIMESTAMP_NOT_FINITE(at) ? (at < 0 ? "-infinity" : "infinity") :
						kpi_timestamptz_text(at))));
}

/*
 * One subscription.  Non-strict: the first row creates the state; rows with
 * a NULL customer, MRR or valid_from are skipped; a NULL (or infinite)
 * valid_to is a subscription still active.
 */
static Datum
subs_transition(FunctionCallInfo fcinfo, KpiKeyKind kind, const KpiKey *key)
{
	SubsExpanded *e;
	SubsSummary *s;
	int32		start;
	TimestampTz from;
	TimestampTz to;
	bool		open;
	int128		units;
	int			scale;
	int64		key_bytes;

	if (key == NULL || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	from = PG_GETARG_TIMESTAMPTZ(3);
	open = PG_ARGISNULL(4) || TIMESTAMP_IS_NOEND(PG_GETARG_TIMESTAMPTZ(4));
	to = open ? 0 : PG_GETARG_TIMESTAMPTZ(4);
	check_time(fcinfo, "valid_from", from);
	if (!open && to <= from)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: valid_to %s is not after valid_from %s",
						kpi_caller_name(fcinfo),
						TIMESTAMP_NOT_FINITE(to) ? "-infinity" : kpi_timestamptz_text(to),
						kpi_timestamptz_text(from)),
				 errdetail("valid_to is exclusive: a subscription lasts from valid_from up to, not including, valid_to.")));
	if (!open)
		check_time(fcinfo, "valid_to", to);
	if (!kpi_numeric_units(PG_GETARG_DATUM(2), &units, &scale) || units < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: mrr %s is not an amount >= 0 of at most %d significant digits",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(2))),
						KPI_MONEY_MAX_SCALE)));

	e = subs_state(fcinfo, PG_GETARG_DATUM(0), PG_ARGISNULL(0), kind, 2,
				   kind == KPI_KEY_TEXT ? key->len : 0);
	if (e != NULL)
		s = e->s;
	else if (PG_ARGISNULL(0))
		s = subs_new(kind, 0, false, SUBS_MIN_CAPACITY, kind == KPI_KEY_TEXT ? 256 : 0);
	else
		s = subs_mutable(fcinfo, PG_GETARG_SUBS(0));
	if (s->key_kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: this subscription_summary is keyed by %s, not %s",
						kpi_caller_name(fcinfo), kpi_key_kind_words[s->key_kind],
						kpi_key_kind_words[kind])));
	/* a free subscription changes no customer's MRR */
	if (units == 0)
		return subs_result(fcinfo, e, s);

	key_bytes = kind == KPI_KEY_TEXT ? key->len : 0;
	if (e != NULL)
	{
		subs_expanded_reserve(fcinfo, e, 2, key_bytes);
		s = e->s;
	}
	else if (s->count + 2 > s->capacity || s->keys_used + key_bytes > s->keys_capacity)
		s = subs_grown(fcinfo, s, 2, key_bytes);
	if (scale > s->scale)
		subs_rescale(fcinfo, s, scale);
	else if (!kpi_money_rescale(&units, scale, s->scale))
		kpi_money_overflow(fcinfo, "an MRR");

	start = s->count;
	set_key(s, &s->events[s->count], key);
	s->events[s->count].at = from;
	s->events[s->count].delta = units;
	s->count++;
	if (!open)
	{
		memcpy(s->events[s->count].key, s->events[s->count - 1].key, sizeof(s->events[0].key));
		s->events[s->count].at = to;
		s->events[s->count].delta = -units;
		s->count++;
	}
	if (e != NULL)
		subs_add_run(e, start, false);
	return subs_result(fcinfo, e, s);
}

KPI_KEYED_TRANSITIONS(subscription_summary_add, subs_transition)

/*
 * rollup's transition and the aggregates' combine function: the change
 * points of both, so a customer in both has the two timelines added.
 */
PG_FUNCTION_INFO_V1(subscription_summary_merge);
Datum
subscription_summary_merge(PG_FUNCTION_ARGS)
{
	SubsSummary *other = PG_GETARG_SUBS(1);
	SubsExpanded *e;
	SubsSummary *s;
	int32		base;
	int32		start;

	subs_check(other);
	e = subs_state(fcinfo, PG_GETARG_DATUM(0), false, KPI_KEY_INTEGER, other->count, other->keys_used);
	s = e != NULL ? e->s : subs_mutable(fcinfo, PG_GETARG_SUBS(0));
	if (s->key_kind != other->key_kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: cannot merge a subscription_summary keyed by %s with one keyed by %s",
						kpi_caller_name(fcinfo), kpi_key_kind_words[s->key_kind],
						kpi_key_kind_words[other->key_kind]),
				 errdetail("Customer ids of different types never name the same customer.")));
	if (other->count == 0)
		return subs_result(fcinfo, e, s);
	if (e != NULL)
	{
		subs_expanded_reserve(fcinfo, e, other->count, other->keys_used);
		s = e->s;
	}
	else if ((int64) s->count + other->count > s->capacity ||
			 (int64) s->keys_used + other->keys_used > s->keys_capacity)
		s = subs_grown(fcinfo, s, other->count, other->keys_used);
	if (other->scale > s->scale)
		subs_rescale(fcinfo, s, other->scale);

	base = s->keys_used;
	memcpy(subs_keys(s) + base, subs_keys(other), other->keys_used);
	s->keys_used += other->keys_used;
	start = s->count;
	for (int32 i = 0; i < other->count; i++)
	{
		SubsEvent  *ev = &s->events[s->count + i];

		*ev = other->events[i];
		if (!kpi_money_rescale(&ev->delta, other->scale, s->scale))
			kpi_money_overflow(fcinfo, "a customer's MRR");
		if (s->key_kind == KPI_KEY_TEXT)
		{
			uint32		offset;
			uint32		len;

			memcpy(&offset, ev->key, sizeof(uint32));
			memcpy(&len, ev->key + sizeof(uint32), sizeof(uint32));
			if ((uint64) offset + len > (uint64) other->keys_used)
				kpi_corrupt(SUBS_TYPE, "A customer key lies outside the summary.");
			offset += (uint32) base;
			memcpy(ev->key, &offset, sizeof(uint32));
		}
	}
	s->count += other->count;
	if (e != NULL)
		subs_add_run(e, start, other->sorted);
	return subs_result(fcinfo, e, s);
}

PG_FUNCTION_INFO_V1(subscription_summary_final);
Datum
subscription_summary_final(PG_FUNCTION_ARGS)
{
	/* the executor hands a final function a read-only pointer */
	SubsExpanded *e = subs_expanded(PG_GETARG_DATUM(0), false);

	if (e != NULL)
		PG_RETURN_POINTER(subs_expanded_sorted(fcinfo, e));
	PG_RETURN_POINTER(subs_sorted(fcinfo, PG_GETARG_SUBS(0)));
}

/* The canonical form of an argument, checked. */
static SubsSummary *
subs_arg(FunctionCallInfo fcinfo, int n)
{
	SubsSummary *s = PG_GETARG_SUBS(n);

	subs_check(s);
	return subs_sorted(fcinfo, s);
}

/* customer i's events are [*start, *end) */
static bool
next_customer(SubsSummary *s, int32 *start, int32 *end)
{
	KpiKey		key;

	*start = *end;
	if (*start >= s->count)
		return false;
	key = event_key(s, &s->events[*start]);
	for (*end = *start + 1; *end < s->count; (*end)++)
	{
		KpiKey		other = event_key(s, &s->events[*end]);

		if (kpi_key_compare(s->key_kind, &key, &other) != 0)
			break;
	}
	return true;
}

/*
 * Text form: "v1 integer scale=2; 17 2024-01-01T00:00:00Z=100.00
 * 2024-03-01T00:00:00Z=0.00; 42 ...": per customer in key order, each time
 * its MRR changes and the MRR from then on, times in UTC.
 */
PG_FUNCTION_INFO_V1(subscription_summary_out);
Datum
subscription_summary_out(PG_FUNCTION_ARGS)
{
	SubsSummary *s = subs_arg(fcinfo, 0);
	StringInfoData buf;
	int32		start = 0;
	int32		end = 0;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s scale=%d", SUBS_SUMMARY_VERSION,
					 kpi_key_kind_names[s->key_kind], s->scale);
	while (next_customer(s, &start, &end))
	{
		KpiKey		key = event_key(s, &s->events[start]);
		int128		level = 0;

		appendStringInfoString(&buf, "; ");
		kpi_key_append(&buf, s->key_kind, &key);
		for (int32 i = start; i < end; i++)
		{
			level += s->events[i].delta;
			appendStringInfoChar(&buf, ' ');
			kpi_utc_time_append(&buf, s->events[i].at, SUBS_TYPE);
			appendStringInfoChar(&buf, '=');
			kpi_money_append(&buf, level, s->scale);
		}
	}
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Input, text or binary, is checked against the canonical form: each
 * customer once with at least one change point, times increasing, MRR
 * never negative, the first positive and each different from the one
 * before.  Customers may come in any order: key order is byte order, which
 * differs between the database encodings a text form travels through.
 * Returns NULL if the point fits, else what is wrong.
 */
static const char *
add_point(SubsSummary **sp, const KpiKey *key, bool new_customer, TimestampTz at,
		  int128 level, int128 *previous)
{
	SubsSummary *s = *sp;
	SubsEvent  *e;
	int64		key_bytes = s->key_kind == KPI_KEY_TEXT && new_customer ? key->len : 0;

	if (!time_valid(at))
		return "A change point lies outside the years 1 to 9999.";
	if (level < 0 || level == *previous)
		return "Each change point needs an MRR >= 0 different from the one before (the first above 0).";
	if (new_customer && s->count > 0)
	{
		KpiKey		last = event_key(s, &s->events[s->count - 1]);

		if (kpi_key_compare(s->key_kind, &last, key) == 0)
			return "A customer appears more than once; each customer has one record.";
	}
	if (!new_customer && s->events[s->count - 1].at >= at)
		return "A customer's change points must be in increasing time order.";
	if (s->count == s->capacity || s->keys_used + key_bytes > s->keys_capacity)
	{
		int32		capacity = s->capacity;
		int32		keys_capacity = s->keys_capacity;
		SubsSummary *copy;

		if (s->count == s->capacity)
		{
			if (capacity >= SUBS_MAX_CAPACITY)
				return "It has more change points than a summary can hold.";
			capacity = Min(2 * capacity, SUBS_MAX_CAPACITY);
		}
		if (s->keys_used + key_bytes > s->keys_capacity)
		{
			if (s->keys_used + key_bytes + (int64) subs_size(capacity, 0) > (int64) (MaxAllocSize / 2))
				return "Its customer keys are too long for a summary.";
			keys_capacity = (int32) Max(2 * (int64) s->keys_capacity, s->keys_used + key_bytes);
		}
		copy = subs_new(s->key_kind, s->scale, true, capacity, keys_capacity);
		copy->count = s->count;
		memcpy(copy->events, s->events, (Size) s->count * sizeof(SubsEvent));
		copy->keys_used = s->keys_used;
		memcpy(subs_keys(copy), subs_keys(s), s->keys_used);
		pfree(s);
		*sp = s = copy;
	}
	e = &s->events[s->count];
	if (new_customer)
		set_key(s, e, key);
	else
		memcpy(e->key, s->events[s->count - 1].key, sizeof(e->key));
	e->at = at;
	e->delta = level - *previous;
	*previous = level;
	s->count++;
	return NULL;
}

static int
compare_records(const void *a, const void *b, void *arg)
{
	SubsSummary *s = (SubsSummary *) arg;
	KpiKey		ka = event_key(s, &s->events[*(const int32 *) a]);
	KpiKey		kb = event_key(s, &s->events[*(const int32 *) b]);

	return kpi_key_compare(s->key_kind, &ka, &kb);
}

/*
 * A summary read from input, its customers in key order and the slack its
 * reader left cut off; NULL if a customer appears twice (*duplicate names
 * it).
 */
static SubsSummary *
subs_tight(SubsSummary *s, StringInfo duplicate)
{
	SubsSummary *tight = subs_new(s->key_kind, s->scale, true, s->count, s->keys_used);
	int32	   *records = palloc_extended(Max(s->count, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	int32		nrecords = 0;
	int32		start = 0;
	int32		end = 0;

	while (next_customer(s, &start, &end))
		records[nrecords++] = start;
	qsort_arg(records, nrecords, sizeof(int32), compare_records, s);
	for (int32 r = 0; r < nrecords; r++)
	{
		KpiKey		key = event_key(s, &s->events[records[r]]);
		int32		first = tight->count;

		if (r > 0 && compare_records(&records[r - 1], &records[r], s) == 0)
		{
			kpi_key_append(duplicate, s->key_kind, &key);
			return NULL;
		}
		start = end = records[r];
		next_customer(s, &start, &end);
		for (int32 i = start; i < end; i++)
		{
			SubsEvent  *e = &tight->events[tight->count++];

			*e = s->events[i];
			if (i == start)
				set_key(tight, e, &key);
			else
				memcpy(e->key, tight->events[first].key, sizeof(e->key));
		}
	}
	pfree(records);
	return tight;
}

PG_FUNCTION_INFO_V1(subscription_summary_in);
Datum
subscription_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	KpiKeyKind	kind;
	int64		scale;
	SubsSummary *s;
	SubsSummary *result;
	StringInfoData scratch;

	kpi_text_init(&cur, SUBS_TYPE, input);
	kpi_text_version(&cur, SUBS_SUMMARY_VERSION);
	if (!kpi_text_skip_space(&cur))
		kpi_text_error(&cur, "a space and the customer key type");
	if (kpi_text_accept(&cur, kpi_key_kind_names[KPI_KEY_INTEGER]))
		kind = KPI_KEY_INTEGER;
	else if (kpi_text_accept(&cur, kpi_key_kind_names[KPI_KEY_TEXT]))
		kind = KPI_KEY_TEXT;
	else if (kpi_text_accept(&cur, kpi_key_kind_names[KPI_KEY_UUID]))
		kind = KPI_KEY_UUID;
	else
		kpi_text_error(&cur, "the customer key type: integer (for integer and bigint ids), text or uuid");
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "scale=");
	scale = kpi_text_count(&cur);
	if (scale > KPI_MONEY_MAX_SCALE)
		kpi_text_invalid(&cur, psprintf("The scale must be between 0 and %d.", KPI_MONEY_MAX_SCALE));

	s = subs_new(kind, (int) scale, true, SUBS_MIN_CAPACITY, kind == KPI_KEY_TEXT ? 256 : 0);
	initStringInfo(&scratch);
	for (;;)
	{
		KpiKey		key;
		int128		previous = 0;
		bool		first = true;

		kpi_text_skip_space(&cur);
		if (!kpi_text_accept(&cur, ";"))
			break;
		kpi_text_skip_space(&cur);
		key = kpi_text_key(&cur, kind, &scratch);
		if (kind == KPI_KEY_TEXT)
			pg_verify_mbstr(GetDatabaseEncoding(), (const char *) key.bytes, (int) key.len, false);
		do
		{
			const char *at_pos;
			TimestampTz at;
			int128		level;
			const char *problem;

			if (!kpi_text_skip_space(&cur))
				kpi_text_error(&cur, "a space and a change point such as 2024-01-01T00:00:00Z=100.00");
			at_pos = cur.pos;
			at = kpi_text_utc_time(&cur);
			kpi_text_expect(&cur, "=");
			level = kpi_text_money(&cur, (int) scale);
			problem = add_point(&s, &key, first, at, level, &previous);
			if (problem != NULL)
			{
				cur.pos = at_pos;
				kpi_text_invalid(&cur, psprintf("At character %d: %s",
												(int) (at_pos - cur.input) + 1, problem));
			}
			first = false;
		} while (kpi_ascii_isdigit(cur.pos[0]) ||
				 ((cur.pos[0] == ' ' || cur.pos[0] == '\t' || cur.pos[0] == '\n') &&
				  kpi_ascii_isdigit(cur.pos[1])));
	}
	kpi_text_end(&cur);
	resetStringInfo(&scratch);
	result = subs_tight(s, &scratch);
	if (result == NULL)
		kpi_text_invalid(&cur, psprintf("Customer %s appears more than once; each customer has one record.",
										scratch.data));
	PG_RETURN_POINTER(result);
}

/*
 * Binary form: version and key type bytes, scale as int4, the number of
 * customers as int8, then per customer its key (int8, 16 uuid bytes, or an
 * int4 length and the text bytes), the number of change points as int4 and
 * each as its time (int8) and the MRR from then on (two int8).
 */
PG_FUNCTION_INFO_V1(subscription_summary_send);
Datum
subscription_summary_send(PG_FUNCTION_ARGS)
{
	SubsSummary *s = subs_arg(fcinfo, 0);
	StringInfoData buf;
	int32		start = 0;
	int32		end = 0;
	int64		customers = 0;

	while (next_customer(s, &start, &end))
		customers++;
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SUBS_SUMMARY_VERSION);
	pq_sendbyte(&buf, s->key_kind);
	pq_sendint32(&buf, s->scale);
	pq_sendint64(&buf, customers);
	start = end = 0;
	while (next_customer(s, &start, &end))
	{
		KpiKey		key = event_key(s, &s->events[start]);
		int128		level = 0;

		if (s->key_kind == KPI_KEY_INTEGER)
			pq_sendint64(&buf, key.integer);
		else
		{
			if (s->key_kind == KPI_KEY_TEXT)
				pq_sendint32(&buf, key.len);
			pq_sendbytes(&buf, (const char *) key.bytes, key.len);
		}
		pq_sendint32(&buf, end - start);
		for (int32 i = start; i < end; i++)
		{
			level += s->events[i].delta;
			pq_sendint64(&buf, s->events[i].at);
			kpi_send_money(&buf, level);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* =, <> and hashing on the canonical binary form */
KPI_EQUALITY_FUNCTIONS(subscription_summary)

PG_FUNCTION_INFO_V1(subscription_summary_recv);
Datum
subscription_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, SUBS_TYPE);
	uint8		kind;
	int32		scale;
	int64		customers;
	SubsSummary *s;
	SubsSummary *result;
	StringInfoData duplicate;

	if (version != SUBS_SUMMARY_VERSION)
		kpi_recv_error(SUBS_TYPE,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, SUBS_SUMMARY_VERSION));
	kind = kpi_recv_uint8(buf, SUBS_TYPE);
	if (kind < KPI_KEY_INTEGER || kind > KPI_KEY_UUID)
		kpi_recv_error(SUBS_TYPE, psprintf("Customer key type %d is unknown.", kind));
	scale = kpi_recv_int32(buf, SUBS_TYPE);
	if (scale < 0 || scale > KPI_MONEY_MAX_SCALE)
		kpi_recv_error(SUBS_TYPE, psprintf("Scale %d is outside 0..%d.", scale, KPI_MONEY_MAX_SCALE));
	customers = kpi_recv_int64(buf, SUBS_TYPE);
	if (customers < 0)
		kpi_recv_error(SUBS_TYPE, "The number of customers is negative.");

	s = subs_new(kind, scale, true, SUBS_MIN_CAPACITY, kind == KPI_KEY_TEXT ? 256 : 0);
	for (int64 c = 0; c < customers; c++)
	{
		KpiKey		key = {0};
		int32		points;
		int128		previous = 0;

		if (kind == KPI_KEY_INTEGER)
			key.integer = kpi_recv_int64(buf, SUBS_TYPE);
		else
		{
			key.len = kind == KPI_KEY_UUID ? UUID_LEN : (uint32) kpi_recv_int32(buf, SUBS_TYPE);
			key.bytes = (const uint8 *) kpi_recv_bytes(buf, kind == KPI_KEY_UUID ? UUID_LEN : (int64) (int32) key.len,
													   SUBS_TYPE);
			if (kind == KPI_KEY_TEXT)
				pg_verify_mbstr(GetDatabaseEncoding(), (const char *) key.bytes, (int) key.len, false);
		}
		points = kpi_recv_int32(buf, SUBS_TYPE);
		if (points < 1)
			kpi_recv_error(SUBS_TYPE, "Every customer needs at least one change point.");
		for (int32 i = 0; i < points; i++)
		{
			TimestampTz at = kpi_recv_int64(buf, SUBS_TYPE);
			int128		level = kpi_recv_money(buf, SUBS_TYPE);
			const char *problem = add_point(&s, &key, i == 0, at, level, &previous);

			if (problem != NULL)
				kpi_recv_error(SUBS_TYPE, problem);
		}
	}
	initStringInfo(&duplicate);
	result = subs_tight(s, &duplicate);
	if (result == NULL)
		kpi_recv_error(SUBS_TYPE, psprintf("Customer %s appears more than once; each customer has one record.",
										   duplicate.data));
	PG_RETURN_POINTER(result);
}

/* Periods and movements. */

enum
{
	MOVE_STARTING, MOVE_NEW, MOVE_EXPANSION, MOVE_CONTRACTION, MOVE_CHURNED,
	MOVE_REACTIVATION, MOVE_ENDING, MOVE_AMOUNTS
};

enum
{
	COUNT_START, COUNT_NEW, COUNT_CHURNED, COUNT_REACTIVATED, COUNT_END, MOVE_COUNTS
};

typedef struct SubsPeriod
{
	int128		amounts[MOVE_AMOUNTS];
	int64		counts[MOVE_COUNTS];
} SubsPeriod;

/* at + step * k, the way `at + k * step` computes it in SQL */
static TimestampTz
step_from(FunctionCallInfo fcinfo, TimestampTz at, const Interval *step, int32 k)
{
	Interval	shift;
	int64		days;
	int64		months;

	if (pg_mul_s64_overflow(step->time, k, &shift.time) ||
		(days = (int64) step->day * k) > PG_INT32_MAX || days < PG_INT32_MIN ||
		(months = (int64) step->month * k) > PG_INT32_MAX || months < PG_INT32_MIN)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: period %d is out of range", kpi_caller_name(fcinfo), k)));
	shift.day = (int32) days;
	shift.month = (int32) months;
	return DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
												   TimestampTzGetDatum(at),
												   PointerGetDatum(&shift)));
}

/* Boundaries must increase: '1 month -30 days' goes back from some dates. */
pg_noreturn static void
step_not_advancing(FunctionCallInfo fcinfo, const Interval *step)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: step %s is not a positive interval",
					kpi_caller_name(fcinfo),
					DatumGetCString(DirectFunctionCall1(interval_out, PointerGetDatum(step)))),
			 errdetail("Each period must end after it starts.")));
}

/*
 * The boundaries period_start, period_start + step, ... up to period_end,
 * which ends the last period (so it may be shorter than a step).
 */
static TimestampTz *
period_bounds(FunctionCallInfo fcinfo, TimestampTz period_start, TimestampTz period_end,
			  const Interval *step, int32 *nbounds)
{
	TimestampTz *bounds;
	int32		n = 1;

	if (TIMESTAMP_NOT_FINITE(period_start) || TIMESTAMP_NOT_FINITE(period_end) ||
		period_end <= period_start)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: period_end must be a finite time after period_start",
						kpi_caller_name(fcinfo))));
	bounds = palloc(sizeof(TimestampTz) * 64);
	bounds[0] = period_start;
	for (;;)
	{
		TimestampTz next = step_from(fcinfo, period_start, step, n);

		if (n > SUBS_MAX_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: more than %d periods of %s from %s to %s",
							kpi_caller_name(fcinfo), SUBS_MAX_PERIODS,
							DatumGetCString(DirectFunctionCall1(interval_out, PointerGetDatum(step))),
							kpi_timestamptz_text(period_start), kpi_timestamptz_text(period_end)),
					 errhint("Use a longer step or a shorter range.")));
		if (next <= bounds[n - 1])
			step_not_advancing(fcinfo, step);
		if (n % 64 == 0)
			bounds = repalloc(bounds, sizeof(TimestampTz) * (n + 64));
		bounds[n++] = Min(next, period_end);
		if (next >= period_end)
			break;
	}
	*nbounds = n;
	return bounds;
}

static void
add_amount(FunctionCallInfo fcinfo, int128 *sum, int128 amount)
{
	if (!kpi_money_add(sum, amount))
		kpi_money_overflow(fcinfo, "a movement's total");
}

/*
 * A customer's MRR at each boundary, with gaps of at most grace between a
 * drop to 0 and the next rise bridged at the MRR before the gap.
 */
static void
customer_levels(FunctionCallInfo fcinfo, SubsSummary *s, int32 start, int32 end,
				const TimestampTz *bounds, int32 nbounds, const Interval *grace,
				int128 *levels)
{
	int32		p = start;
	int128		level = 0;
	int128		bridged = 0;	/* the MRR before a bridged gap, else 0 */
	TimestampTz gap_end = 0;

	for (int32 b = 0; b < nbounds; b++)
	{
		while (p < end && s->events[p].at <= bounds[b])
		{
			int128		before = level;

			level += s->events[p].delta;
			bridged = 0;
			if (level == 0 && grace != NULL && p + 1 < end)
			{
				TimestampTz until = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
																			TimestampTzGetDatum(s->events[p].at),
																			PointerGetDatum(grace)));

				if (s->events[p + 1].at <= until)
				{
					bridged = before;
					gap_end = s->events[p + 1].at;
				}
			}
			p++;
		}
		levels[b] = (bridged != 0 && bounds[b] < gap_end) ? bridged : level;
	}
}

/*
 * The movements of every period between consecutive boundaries, at the
 * customer grain: each customer's MRR at the period's start and end
 * classifies it.
 */
static SubsPeriod *
movements(FunctionCallInfo fcinfo, SubsSummary *s, const TimestampTz *bounds, int32 nbounds,
		  const Interval *grace)
{
	SubsPeriod *periods = palloc0(sizeof(SubsPeriod) * (nbounds - 1));
	int128	   *levels = palloc(sizeof(int128) * nbounds);
	int32		start = 0;
	int32		end = 0;

	while (next_customer(s, &start, &end))
	{
		TimestampTz first = s->events[start].at;

		/* customers times periods can take a while: let a cancel in */
		CHECK_FOR_INTERRUPTS();
		customer_levels(fcinfo, s, start, end, bounds, nbounds, grace, levels);
		for (int32 i = 0; i + 1 < nbounds; i++)
		{
			SubsPeriod *p = &periods[i];
			int128		m0 = levels[i];
			int128		m1 = levels[i + 1];

			if (m0 > 0)
			{
				p->counts[COUNT_START]++;
				add_amount(fcinfo, &p->amounts[MOVE_STARTING], m0);
				if (m1 == 0)
				{
					p->counts[COUNT_CHURNED]++;
					add_amount(fcinfo, &p->amounts[MOVE_CHURNED], m0);
				}
				else if (m1 > m0)
					add_amount(fcinfo, &p->amounts[MOVE_EXPANSION], m1 - m0);
				else if (m1 < m0)
					add_amount(fcinfo, &p->amounts[MOVE_CONTRACTION], m0 - m1);
			}
			else if (m1 > 0)
			{
				/* paid before the period began: a return, not a new customer */
				bool		returning = first < bounds[i];

				p->counts[returning ? COUNT_REACTIVATED : COUNT_NEW]++;
				add_amount(fcinfo, &p->amounts[returning ? MOVE_REACTIVATION : MOVE_NEW], m1);
			}
			if (m1 > 0)
			{
				p->counts[COUNT_END]++;
				add_amount(fcinfo, &p->amounts[MOVE_ENDING], m1);
			}
		}
	}
	pfree(levels);
	return periods;
}

/* grace as an argument: NULL when it bridges nothing */
static const Interval *
grace_arg(FunctionCallInfo fcinfo, int n)
{
	Interval   *grace = PG_GETARG_INTERVAL_P(n);

	if (grace->month < 0 || grace->day < 0 || grace->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: grace %s has a negative part",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(interval_out, PointerGetDatum(grace))))));
	if (grace->month == 0 && grace->day == 0 && grace->time == 0)
		return NULL;
	return grace;
}

typedef struct MovementsState
{
	TimestampTz *bounds;
	SubsPeriod *periods;
	int			scale;
} MovementsState;

PG_FUNCTION_INFO_V1(subscription_summary_movements);
Datum
subscription_summary_movements(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	MovementsState *state;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;
		SubsSummary *s;
		int32		nbounds;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		s = subs_arg(fcinfo, 0);
		state = palloc(sizeof(MovementsState));
		state->bounds = period_bounds(fcinfo, PG_GETARG_TIMESTAMPTZ(1), PG_GETARG_TIMESTAMPTZ(2),
									  PG_GETARG_INTERVAL_P(3), &nbounds);
		state->periods = movements(fcinfo, s, state->bounds, nbounds, grace_arg(fcinfo, 4));
		state->scale = s->scale;
		funcctx->user_fctx = state;
		funcctx->max_calls = nbounds - 1;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	state = (MovementsState *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		SubsPeriod *p = &state->periods[i];
		Datum		values[2 + MOVE_AMOUNTS + MOVE_COUNTS];
		bool		nulls[2 + MOVE_AMOUNTS + MOVE_COUNTS] = {0};

		values[0] = TimestampTzGetDatum(state->bounds[i]);
		values[1] = TimestampTzGetDatum(state->bounds[i + 1]);
		for (int a = 0; a < MOVE_AMOUNTS; a++)
			values[2 + a] = kpi_money_numeric(p->amounts[a], state->scale);
		for (int c = 0; c < MOVE_COUNTS; c++)
			values[2 + MOVE_AMOUNTS + c] = Int64GetDatum(p->counts[c]);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/* The movements of the one period from period_start to period_end. */
static SubsPeriod
one_period(FunctionCallInfo fcinfo)
{
	SubsSummary *s = subs_arg(fcinfo, 0);
	TimestampTz bounds[2];
	SubsPeriod *p;

	bounds[0] = PG_GETARG_TIMESTAMPTZ(1);
	bounds[1] = PG_GETARG_TIMESTAMPTZ(2);
	if (TIMESTAMP_NOT_FINITE(bounds[0]) || TIMESTAMP_NOT_FINITE(bounds[1]) || bounds[1] <= bounds[0])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: period_end must be a finite time after period_start",
						kpi_caller_name(fcinfo))));
	p = movements(fcinfo, s, bounds, 2, NULL);
	return *p;
}

/* retained MRR of the starting customers as percent of their starting MRR */
static Datum
retention(FunctionCallInfo fcinfo, bool with_expansion)
{
	SubsPeriod	p = one_period(fcinfo);
	int128		retained = p.amounts[MOVE_STARTING] - p.amounts[MOVE_CONTRACTION] -
		p.amounts[MOVE_CHURNED];

	if (p.amounts[MOVE_STARTING] == 0)
		PG_RETURN_NULL();
	if (with_expansion)
		retained += p.amounts[MOVE_EXPANSION];
	PG_RETURN_FLOAT8(100.0 * (double) retained / (double) p.amounts[MOVE_STARTING]);
}

PG_FUNCTION_INFO_V1(subscription_summary_nrr);
Datum
subscription_summary_nrr(PG_FUNCTION_ARGS)
{
	return retention(fcinfo, true);
}

PG_FUNCTION_INFO_V1(subscription_summary_grr);
Datum
subscription_summary_grr(PG_FUNCTION_ARGS)
{
	return retention(fcinfo, false);
}

PG_FUNCTION_INFO_V1(subscription_summary_quick_ratio);
Datum
subscription_summary_quick_ratio(PG_FUNCTION_ARGS)
{
	SubsPeriod	p = one_period(fcinfo);
	int128		lost = p.amounts[MOVE_CHURNED] + p.amounts[MOVE_CONTRACTION];
	int128		gained = p.amounts[MOVE_NEW] + p.amounts[MOVE_EXPANSION] +
		p.amounts[MOVE_REACTIVATION];

	if (lost == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) gained / (double) lost);
}

PG_FUNCTION_INFO_V1(subscription_summary_logo_churn_rate);
Datum
subscription_summary_logo_churn_rate(PG_FUNCTION_ARGS)
{
	SubsPeriod	p = one_period(fcinfo);

	if (p.counts[COUNT_START] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) p.counts[COUNT_CHURNED] / (double) p.counts[COUNT_START]);
}

/* Cohorts. */

/* the most periods a cohort triangle spans */
#define SUBS_MAX_COHORT_PERIODS 1200

typedef struct CohortState
{
	TimestampTz *bounds;
	int32		periods;		/* cohorts, and ages of the oldest */
	int64	   *customers;		/* per cohort */
	int128	   *starting;		/* per cohort: MRR at the end of its first period */
	int64	   *retained;		/* per cohort and age, [cohort * periods + age] */
	int128	   *retained_mrr;
	int			scale;
	int32		cohort;			/* the next row's */
	int32		age;
} CohortState;

/*
 * Customers grouped by the period their first subscription starts in, each
 * group's paying customers and MRR at the end of each later period, up to
 * the first boundary after the summary's last change point.
 */
static CohortState *
cohorts(FunctionCallInfo fcinfo, SubsSummary *s, const Interval *step, bool has_origin,
		TimestampTz origin)
{
	CohortState *state = palloc0(sizeof(CohortState));
	TimestampTz earliest = PG_INT64_MAX;
	TimestampTz latest = PG_INT64_MIN;
	int32		start = 0;
	int32		end = 0;
	int32		nbounds = 1;
	int32		periods;
	int128	   *levels;

	state->scale = s->scale;
	while (next_customer(s, &start, &end))
	{
		earliest = Min(earliest, s->events[start].at);
		latest = Max(latest, s->events[end - 1].at);
	}
	if (s->count == 0)
		return state;
	if (!has_origin)
		origin = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_trunc,
														 CStringGetTextDatum("month"),
														 TimestampTzGetDatum(earliest)));
	if (origin > earliest)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: origin %s is after the first subscription, %s",
						kpi_caller_name(fcinfo), kpi_timestamptz_text(origin),
						kpi_timestamptz_text(earliest))));

	state->bounds = palloc(sizeof(TimestampTz) * (SUBS_MAX_COHORT_PERIODS + 1));
	state->bounds[0] = origin;
	while (state->bounds[nbounds - 1] <= latest)
	{
		if (nbounds > SUBS_MAX_COHORT_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: the subscriptions span more than %d periods of %s",
							kpi_caller_name(fcinfo), SUBS_MAX_COHORT_PERIODS,
							DatumGetCString(DirectFunctionCall1(interval_out, PointerGetDatum(step)))),
					 errhint("Use a longer step.")));
		state->bounds[nbounds] = step_from(fcinfo, origin, step, nbounds);
		if (state->bounds[nbounds] <= state->bounds[nbounds - 1])
			step_not_advancing(fcinfo, step);
		nbounds++;
	}
	periods = state->periods = nbounds - 1;
	state->customers = palloc0(sizeof(int64) * periods);
	state->starting = palloc0(sizeof(int128) * periods);
	state->retained = palloc0(sizeof(int64) * periods * periods);
	state->retained_mrr = palloc0(sizeof(int128) * periods * periods);
	levels = palloc(sizeof(int128) * nbounds);

	start = end = 0;
	while (next_customer(s, &start, &end))
	{
		TimestampTz first = s->events[start].at;
		int32		k = 0;

		CHECK_FOR_INTERRUPTS();
		while (k + 1 < periods && state->bounds[k + 1] <= first)
			k++;
		customer_levels(fcinfo, s, start, end, state->bounds, nbounds, NULL, levels);
		state->customers[k]++;
		add_amount(fcinfo, &state->starting[k], levels[k + 1]);
		for (int32 a = 0; k + a < periods; a++)
		{
			int128		m = levels[k + a + 1];

			if (m > 0)
			{
				state->retained[k * periods + a]++;
				add_amount(fcinfo, &state->retained_mrr[k * periods + a], m);
			}
		}
	}
	pfree(levels);
	return state;
}

PG_FUNCTION_INFO_V1(subscription_summary_cohort_retention);
Datum
subscription_summary_cohort_retention(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	CohortState *state;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		/* not strict for the NULL default of origin; no summary or step, no rows */
		if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
			funcctx->user_fctx = palloc0(sizeof(CohortState));
		else
			funcctx->user_fctx = cohorts(fcinfo, subs_arg(fcinfo, 0), PG_GETARG_INTERVAL_P(1),
										 !PG_ARGISNULL(2),
										 PG_ARGISNULL(2) ? 0 : PG_GETARG_TIMESTAMPTZ(2));
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	state = (CohortState *) funcctx->user_fctx;
	/* skip periods in which no customer started */
	while (state->cohort < state->periods && state->customers[state->cohort] == 0)
		state->cohort++;
	if (state->cohort < state->periods)
	{
		int32		k = state->cohort;
		int32		a = state->age;
		Datum		values[6];
		bool		nulls[6] = {0};

		values[0] = TimestampTzGetDatum(state->bounds[k]);
		values[1] = Int32GetDatum(a);
		values[2] = Int64GetDatum(state->customers[k]);
		values[3] = Int64GetDatum(state->retained[k * state->periods + a]);
		values[4] = kpi_money_numeric(state->starting[k], state->scale);
		values[5] = kpi_money_numeric(state->retained_mrr[k * state->periods + a], state->scale);
		if (k + a + 1 < state->periods)
			state->age++;
		else
		{
			state->cohort++;
			state->age = 0;
		}
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}
