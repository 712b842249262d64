/*
 * clv.c
 *		Customer lifetime value, exact, from clv_summary; revenue per
 *		customer, purchase frequency and lifespan; customer acquisition cost.
 *
 * Money is kept as 128-bit integers of the smallest unit seen (see
 * kpi_numeric_units), so every revenue figure equals sum() over the same
 * numeric column to the last digit.
 *
 * clv_summary keeps one record per customer: purchases, revenue, first and
 * last purchase.  Inside an aggregate the records form an open-addressing
 * hash table with spare slots, updated in place and grown inside an
 * expanded object, so the executor never copies it; everywhere else (stored
 * in tables, sent over the wire, read as text) they are sorted by customer
 * key, so equal summaries have equal bytes.  Readers handle both layouts.  The
 * header carries the totals every accessor needs, and accessors read only
 * the header, so they are O(1) on stored (toasted, compressed) summaries.
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"
#include "utils/uuid.h"

#define CLV_SUMMARY_VERSION		1

/* microseconds in the year purchase frequency and lifespan are counted in */
#define USECS_PER_AVERAGE_YEAR	INT64CONST(31557600000000)	/* 365.25 days */

static const char *const CLV_TYPE = "clv_summary";

typedef struct ClvCustomer
{
	/* integer: int64; uuid: 16 bytes; text: uint32 offset and length into the key area */
	uint8		key[16];
	int64		purchases;		/* 0 marks a free hash slot */
	TimestampTz first;
	TimestampTz last;
	int128		revenue;		/* units at the summary's scale */
} ClvCustomer;

typedef struct ClvSummary
{
	int32		vl_len_;
	uint8		version;
	uint8		key_kind;
	uint8		hashed;			/* slots form a hash table, else sorted records */
	uint8		reserved;		/* zero */
	int32		scale;			/* decimal scale of every revenue figure */
	int32		capacity;		/* slots */
	int32		keys_used;		/* bytes of text keys */
	int32		keys_capacity;
	int64		customers;
	int64		purchases;
	TimestampTz first;			/* over all customers; meaningless when empty */
	TimestampTz last;
	int128		revenue;
	int128		lifespan_usecs; /* sum over customers of last - first */
	ClvCustomer slots[FLEXIBLE_ARRAY_MEMBER];
	/* text keys follow the slots */
} ClvSummary;

#define CLV_HEADER_SIZE		offsetof(ClvSummary, slots)
#define CLV_MIN_CAPACITY	8
/* the largest table whose slots stay under the 1 GB varlena limit */
#define CLV_MAX_CAPACITY	(1 << 24)
StaticAssertDecl(CLV_HEADER_SIZE + (Size) CLV_MAX_CAPACITY * sizeof(ClvCustomer) <= MaxAllocSize,
				 "CLV_MAX_CAPACITY slots must fit in one allocation");

#define PG_GETARG_CLV_SUMMARY(n)	clv_datum(PG_GETARG_DATUM(n))

static Size
clv_size(int32 capacity, int32 keys_capacity)
{
	return CLV_HEADER_SIZE + (Size) capacity * sizeof(ClvCustomer) + keys_capacity;
}

static uint8 *
clv_keys(ClvSummary *s)
{
	return (uint8 *) &s->slots[s->capacity];
}

static ClvSummary *
clv_new(KpiKeyKind kind, int scale, bool hashed, int32 capacity, int32 keys_capacity)
{
	ClvSummary *s = palloc0(clv_size(capacity, keys_capacity));

	SET_VARSIZE(s, clv_size(capacity, keys_capacity));
	s->version = CLV_SUMMARY_VERSION;
	s->key_kind = kind;
	s->hashed = hashed;
	s->scale = scale;
	s->capacity = capacity;
	s->keys_capacity = keys_capacity;
	return s;
}

/*
 * Inside an aggregate the state is an expanded object holding a hashed
 * summary, in a memory context of its own under the aggregate's.  Growing
 * replaces the table inside the object, so the Datum the executor holds
 * never changes and the executor never copies the state (it copies every
 * new pointer a transition function returns, unless it is such an object).
 * Its flat form, which parallel workers send to the leader, is the hashed
 * summary itself.
 */
typedef struct ClvExpanded
{
	ExpandedObjectHeader hdr;
	ClvSummary *s;				/* hashed, in hdr.eoh_context; NULL until set */
} ClvExpanded;

static Size
clv_flat_size(ExpandedObjectHeader *eohptr)
{
	return VARSIZE(((ClvExpanded *) eohptr)->s);
}

static void
clv_flatten_into(ExpandedObjectHeader *eohptr, void *result, Size allocated_size)
{
	ClvSummary *s = ((ClvExpanded *) eohptr)->s;

	Assert(allocated_size == VARSIZE(s));
	memcpy(result, s, allocated_size);
}

static const ExpandedObjectMethods clv_expanded_methods = {
	clv_flat_size,
	clv_flatten_into
};

/* Our expanded object behind value, or NULL. */
static ClvExpanded *
clv_expanded(Datum value, bool read_write)
{
	return (ClvExpanded *) kpi_expanded_object(value, read_write, &clv_expanded_methods);
}

/* A summary argument: an expanded state's table read in place, else detoasted. */
static ClvSummary *
clv_datum(Datum value)
{
	ClvExpanded *e = clv_expanded(value, false);

	return e != NULL ? e->s : (ClvSummary *) PG_DETOAST_DATUM(value);
}

/*
 * Structural checks for a summary that came from outside this file: the
 * header against size, the whole value's (which accessors never detoast
 * in full).  The records are not checked one by one,
 * because every clv_summary SQL can hold was made by in, recv or the
 * functions here, which check each record as they add it; this catches a
 * value from another format version or damaged on disk (text keys are
 * still bounds-checked where they are read).
 */
static void
clv_check_header(const ClvSummary *s, Size size)
{
	if (s->version != CLV_SUMMARY_VERSION)
		kpi_corrupt(CLV_TYPE, psprintf("Format version %d is not supported.", s->version));
	if (s->key_kind < KPI_KEY_INTEGER || s->key_kind > KPI_KEY_UUID || s->hashed > 1 ||
		s->reserved != 0 || s->scale < 0 || s->scale > KPI_MONEY_MAX_SCALE ||
		s->capacity < 0 || s->keys_used < 0 || s->keys_used > s->keys_capacity ||
		s->customers < 0 || s->customers > s->capacity ||
		(!s->hashed && s->customers != s->capacity) ||
		size != clv_size(s->capacity, s->keys_capacity))
		kpi_corrupt(CLV_TYPE, "The header does not match the data.");
}

/* the same for a whole summary in memory */
static void
clv_check(const ClvSummary *s)
{
	clv_check_header(s, VARSIZE(s));
}

static bool
slot_used(const ClvCustomer *c)
{
	return c->purchases > 0;
}

static void
text_key(ClvSummary *s, const ClvCustomer *c, const uint8 **bytes, uint32 *len)
{
	uint32		offset;

	memcpy(&offset, c->key, sizeof(uint32));
	memcpy(len, c->key + sizeof(uint32), sizeof(uint32));
	if ((uint64) offset + *len > (uint64) s->keys_used)
		kpi_corrupt(CLV_TYPE, "A customer key lies outside the summary.");
	*bytes = clv_keys(s) + offset;
}

static KpiKey
slot_key(ClvSummary *s, const ClvCustomer *c)
{
	KpiKey		key = {0};

	switch (s->key_kind)
	{
		case KPI_KEY_INTEGER:
			memcpy(&key.integer, c->key, sizeof(int64));
			break;
		case KPI_KEY_UUID:
			key.bytes = c->key;
			key.len = UUID_LEN;
			break;
		case KPI_KEY_TEXT:
			text_key(s, c, &key.bytes, &key.len);
			break;
	}
	return key;
}

static uint32
key_hash(KpiKeyKind kind, const KpiKey *key)
{
	uint64		h;

	if (kind != KPI_KEY_INTEGER)
		return hash_bytes(key->bytes, (int) key->len);

	/* splitmix64's finalizer: consecutive ids spread over the table */
	h = (uint64) key->integer;
	h = (h ^ (h >> 30)) * UINT64CONST(0xbf58476d1ce4e5b9);
	h = (h ^ (h >> 27)) * UINT64CONST(0x94d049bb133111eb);
	return (uint32) (h ^ (h >> 31));
}

static bool
key_equal(KpiKeyKind kind, const KpiKey *a, const KpiKey *b)
{
	if (kind == KPI_KEY_INTEGER)
		return a->integer == b->integer;
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Every revenue figure times 10^(scale - s->scale). */
static void
clv_rescale(FunctionCallInfo fcinfo, ClvSummary *s, int scale)
{
	if (!kpi_money_rescale(&s->revenue, s->scale, scale))
		kpi_money_overflow(fcinfo, "total revenue");
	for (int32 i = 0; i < s->capacity; i++)
	{
		if (slot_used(&s->slots[i]) &&
			!kpi_money_rescale(&s->slots[i].revenue, s->scale, scale))
			kpi_money_overflow(fcinfo, "a customer's revenue");
	}
	s->scale = scale;
}

/* The slot for key in a hashed summary: its record, or the free slot to fill. */
static ClvCustomer *
find_slot(ClvSummary *s, const KpiKey *key)
{
	uint32		mask = (uint32) s->capacity - 1;
	uint32		i = key_hash(s->key_kind, key) & mask;

	for (;;)
	{
		ClvCustomer *slot = &s->slots[i];
		KpiKey		other;

		if (!slot_used(slot))
			return slot;
		other = slot_key(s, slot);
		if (key_equal(s->key_kind, key, &other))
			return slot;
		i = (i + 1) & mask;
	}
}

/* Stores key in a free slot; text keys are appended to the key area. */
static void
set_key(ClvSummary *s, ClvCustomer *slot, const KpiKey *key)
{
	uint32		offset = (uint32) s->keys_used;

	switch (s->key_kind)
	{
		case KPI_KEY_INTEGER:
			memcpy(slot->key, &key->integer, sizeof(int64));
			break;
		case KPI_KEY_UUID:
			memcpy(slot->key, key->bytes, UUID_LEN);
			break;
		case KPI_KEY_TEXT:
			Assert((int64) s->keys_used + key->len <= s->keys_capacity);
			memcpy(clv_keys(s) + offset, key->bytes, key->len);
			s->keys_used += key->len;
			memcpy(slot->key, &offset, sizeof(uint32));
			memcpy(slot->key + sizeof(uint32), &key->len, sizeof(uint32));
			break;
	}
}

/*
 * A hashed copy of s with room for extra_customers more customers and
 * extra_key_bytes more bytes of text keys.  Grows by doubling, so filling a
 * summary row by row copies each record a constant number of times.
 */
static ClvSummary *
clv_hashed_copy(FunctionCallInfo fcinfo, ClvSummary *s, int64 extra_customers, int64 extra_key_bytes,
				MemoryContext context)
{
	MemoryContext old_context;
	int64		wanted = s->customers + extra_customers;
	int64		capacity = CLV_MIN_CAPACITY;
	int64		keys_wanted = s->keys_used + extra_key_bytes;
	int64		keys_room;
	int64		keys_capacity;
	ClvSummary *copy;

	/* at most three quarters full */
	while (capacity * 3 < wanted * 4)
		capacity *= 2;
	/* text keys double too, but only as far as the room the slots leave */
	keys_room = capacity > CLV_MAX_CAPACITY ? 0 :
		(int64) MaxAllocSize - (int64) clv_size((int32) capacity, 0);
	if (capacity > CLV_MAX_CAPACITY || keys_wanted > keys_room)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: a clv_summary cannot hold " INT64_FORMAT " customers",
						kpi_caller_name(fcinfo), wanted),
				 errdetail("One summary holds at most %d customers in at most 1 GB, keys included.",
						   CLV_MAX_CAPACITY / 4 * 3),
				 errhint("Group the rows more finely, for example by segment or month.")));
	keys_capacity = Max(keys_wanted, Min(2 * (int64) s->keys_used, keys_room));

	old_context = MemoryContextSwitchTo(context);
	copy = clv_new(s->key_kind, s->scale, true, (int32) capacity, (int32) keys_capacity);
	MemoryContextSwitchTo(old_context);
	copy->customers = s->customers;
	copy->purchases = s->purchases;
	copy->first = s->first;
	copy->last = s->last;
	copy->revenue = s->revenue;
	copy->lifespan_usecs = s->lifespan_usecs;

	for (int32 i = 0; i < s->capacity; i++)
	{
		ClvCustomer *from = &s->slots[i];
		KpiKey		key;
		ClvCustomer *to;

		if (!slot_used(from))
			continue;
		key = slot_key(s, from);
		to = find_slot(copy, &key);
		*to = *from;
		set_key(copy, to, &key);
	}
	return copy;
}

/*
 * The hashed summary a state function changes, and where it lives: in an
 * aggregate, in an expanded object (expanded) or, until it must grow, the
 * flat hashed state the executor copied into aggregate memory; elsewhere in
 * the memory of the call (aggcontext NULL).
 */
typedef struct ClvState
{
	ClvSummary *s;
	ClvExpanded *expanded;
	MemoryContext aggcontext;
} ClvState;

/* A new, empty expanded state under the aggregate's memory. */
static ClvExpanded *
clv_expanded_new(MemoryContext aggcontext)
{
	MemoryContext context = AllocSetContextCreate(aggcontext, "clv_summary state",
												  ALLOCSET_SMALL_SIZES);
	ClvExpanded *e = MemoryContextAlloc(context, sizeof(ClvExpanded));

	EOH_init_header(&e->hdr, &clv_expanded_methods, context);
	e->s = NULL;
	return e;
}

/*
 * Gives st a hashed copy of its summary with room for extra_customers more
 * customers and extra_key_bytes more key bytes.  In an aggregate the copy
 * goes into the expanded object (made now if need be), freeing the table it
 * replaces; a flat state is the executor's to free.
 */
static void
clv_grow(FunctionCallInfo fcinfo, ClvState *st, int64 extra_customers, int64 extra_key_bytes)
{
	ClvSummary *copy;

	if (st->aggcontext != NULL && st->expanded == NULL)
		st->expanded = clv_expanded_new(st->aggcontext);
	copy = clv_hashed_copy(fcinfo, st->s, extra_customers, extra_key_bytes,
						   st->expanded != NULL ? st->expanded->hdr.eoh_context : CurrentMemoryContext);
	if (st->expanded != NULL)
	{
		if (st->expanded->s != NULL)
			pfree(st->expanded->s);
		st->expanded->s = copy;
	}
	st->s = copy;
}

/* The aggregate's memory when called as an aggregate's support function, else NULL. */
static MemoryContext
clv_aggcontext(FunctionCallInfo fcinfo)
{
	MemoryContext aggcontext;

	return AggCheckCallContext(fcinfo, &aggcontext) ? aggcontext : NULL;
}

/*
 * The state to change from argument 0: in an aggregate our expanded object
 * or a flat hashed state in place, anything else (a stored, sorted summary)
 * as a hashed copy.
 */
static void
clv_state(FunctionCallInfo fcinfo, ClvState *st, Datum value)
{
	MemoryContext aggcontext = clv_aggcontext(fcinfo);

	st->aggcontext = aggcontext;
	st->expanded = aggcontext != NULL ? clv_expanded(value, true) : NULL;
	if (st->expanded != NULL)
	{
		st->s = st->expanded->s;
		return;
	}
	st->s = clv_datum(value);
	if (aggcontext != NULL && st->s->hashed && (char *) st->s == DatumGetPointer(value))
		return;
	clv_check(st->s);
	clv_grow(fcinfo, st, 0, 0);
}

static ClvSummary *clv_sorted(ClvSummary *s);

/* What a state function returns: the state itself inside an aggregate. */
static Datum
clv_result(ClvState *st)
{
	if (st->expanded != NULL)
		return EOHPGetRWDatum(&st->expanded->hdr);
	if (st->aggcontext != NULL)
		return PointerGetDatum(st->s);
	return PointerGetDatum(clv_sorted(st->s));
}

/*
 * Adds a customer's purchases (one row, or a whole record when merging) to
 * a hashed summary at its scale, growing it if needed.  Text and binary
 * input, where each customer appears once, pass the errcode for a repeat
 * and a wrap counter for the total revenue: input may list customers in any
 * order, and a running total can overflow in one order but not in another,
 * so input adds with wrap-around and counts the wraps, which gives the
 * exact total whatever the order; it fits if the wraps cancel out.
 */
static void
clv_add(FunctionCallInfo fcinfo, ClvState *st, const KpiKey *key, int64 purchases,
		TimestampTz first, TimestampTz last, int128 revenue, int duplicate_errcode,
		int64 *revenue_wraps)
{
	ClvSummary *s = st->s;
	ClvCustomer *slot;
	int128		old_span = 0;

	Assert(s->hashed);
	slot = find_slot(s, key);
	if (!slot_used(slot))
	{
		int64		key_bytes = s->key_kind == KPI_KEY_TEXT ? key->len : 0;

		if ((s->customers + 1) * 4 > (int64) s->capacity * 3 ||
			s->keys_used + key_bytes > s->keys_capacity)
		{
			clv_grow(fcinfo, st, 1, key_bytes);
			s = st->s;
			slot = find_slot(s, key);
		}
		set_key(s, slot, key);
		slot->purchases = purchases;
		slot->first = first;
		slot->last = last;
		slot->revenue = revenue;
		s->customers++;
	}
	else
	{
		if (duplicate_errcode != 0)
		{
			StringInfoData name;

			initStringInfo(&name);
			kpi_key_append(&name, s->key_kind, key);
			ereport(ERROR,
					(errcode(duplicate_errcode),
					 errmsg("invalid input for type %s", CLV_TYPE),
					 errdetail("Customer %s appears more than once; each customer has one record.", name.data)));
		}
		old_span = (int128) (slot->last - slot->first);
		slot->purchases = kpi_add_count(slot->purchases, purchases, CLV_TYPE);
		slot->first = Min(slot->first, first);
		slot->last = Max(slot->last, last);
		if (!kpi_money_add(&slot->revenue, revenue))
			kpi_money_overflow(fcinfo, "a customer's revenue");
	}

	if (s->purchases == 0)
	{
		s->first = first;
		s->last = last;
	}
	s->first = Min(s->first, first);
	s->last = Max(s->last, last);
	s->purchases = kpi_add_count(s->purchases, purchases, CLV_TYPE);
	s->lifespan_usecs += (int128) (slot->last - slot->first) - old_span;
	if (revenue_wraps != NULL)
	{
		if (__builtin_add_overflow(s->revenue, revenue, &s->revenue))
			*revenue_wraps += revenue > 0 ? 1 : -1;
	}
	else if (!kpi_money_add(&s->revenue, revenue))
		kpi_money_overflow(fcinfo, "total revenue");
}

/* Purchases are dated within years 1..9999 in UTC, which the text form spells. */
static bool
purchase_time_valid(TimestampTz at)
{
	/* 0001-01-01 and 10000-01-01 UTC, in microseconds from 2000-01-01 */
	return at >= INT64CONST(-63082281600000000) && at < INT64CONST(252455616000000000);
}

static void
check_purchase_time(FunctionCallInfo fcinfo, TimestampTz at)
{
	if (!purchase_time_valid(at))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: purchased_at %s is outside the years 1 to 9999 (UTC)",
						kpi_caller_name(fcinfo), kpi_timestamptz_text(at))));
}

/* The amount as units at the summary's scale, raising the summary's scale if needed. */
static int128
amount_units(FunctionCallInfo fcinfo, ClvSummary *s, Datum amount)
{
	int128		units;
	int			scale;

	if (!kpi_numeric_units(amount, &units, &scale))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: amount %s is not a finite amount of at most %d significant digits",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(numeric_out, amount)),
						KPI_MONEY_MAX_SCALE)));
	if (scale > s->scale)
		clv_rescale(fcinfo, s, scale);
	else if (!kpi_money_rescale(&units, scale, s->scale))
		kpi_money_overflow(fcinfo, "an amount");
	return units;
}

/*
 * One purchase.  Non-strict so that the first row creates the state and
 * rows with a NULL customer, amount or time are skipped.
 */
static Datum
clv_transition(FunctionCallInfo fcinfo, KpiKeyKind kind, const KpiKey *key)
{
	ClvState	st;
	TimestampTz at;
	int128		units;

	if (key == NULL || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	at = PG_GETARG_TIMESTAMPTZ(3);
	check_purchase_time(fcinfo, at);

	if (PG_ARGISNULL(0))
	{
		MemoryContext old_context = CurrentMemoryContext;

		st.aggcontext = clv_aggcontext(fcinfo);
		st.expanded = NULL;
		if (st.aggcontext != NULL)
		{
			st.expanded = clv_expanded_new(st.aggcontext);
			MemoryContextSwitchTo(st.expanded->hdr.eoh_context);
		}
		st.s = clv_new(kind, 0, true, CLV_MIN_CAPACITY, kind == KPI_KEY_TEXT ? 64 : 0);
		MemoryContextSwitchTo(old_context);
		if (st.expanded != NULL)
			st.expanded->s = st.s;
	}
	else
	{
		clv_state(fcinfo, &st, PG_GETARG_DATUM(0));
		if (st.s->key_kind != kind)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: this clv_summary is keyed by %s, not %s",
							kpi_caller_name(fcinfo), kpi_key_kind_words[st.s->key_kind], kpi_key_kind_words[kind])));
	}

	units = amount_units(fcinfo, st.s, PG_GETARG_DATUM(2));
	clv_add(fcinfo, &st, key, 1, at, at, units, 0, NULL);
	return clv_result(&st);
}

KPI_KEYED_TRANSITIONS(clv_summary_add, clv_transition)

/* Summaries leave an aggregate, or a direct call, sorted by customer key. */
static int
compare_records(const void *a, const void *b, void *arg)
{
	ClvSummary *s = (ClvSummary *) arg;
	KpiKey		key_a = slot_key(s, (const ClvCustomer *) a);
	KpiKey		key_b = slot_key(s, (const ClvCustomer *) b);

	return kpi_key_compare(s->key_kind, &key_a, &key_b);
}

static ClvSummary *
clv_sorted(ClvSummary *s)
{
	ClvCustomer *records;
	ClvSummary *result;
	int64		n = 0;

	if (!s->hashed)
		return s;

	records = palloc_extended(Max(s->customers, 1) * sizeof(ClvCustomer), MCXT_ALLOC_HUGE);
	for (int32 i = 0; i < s->capacity; i++)
		if (slot_used(&s->slots[i]))
			records[n++] = s->slots[i];
	qsort_arg(records, n, sizeof(ClvCustomer), compare_records, s);

	result = clv_new(s->key_kind, s->scale, false, (int32) n, s->keys_used);
	result->customers = s->customers;
	result->purchases = s->purchases;
	result->first = s->first;
	result->last = s->last;
	result->revenue = s->revenue;
	result->lifespan_usecs = s->lifespan_usecs;
	for (int64 i = 0; i < n; i++)
	{
		KpiKey		key = slot_key(s, &records[i]);

		result->slots[i] = records[i];
		set_key(result, &result->slots[i], &key);
	}
	pfree(records);
	return result;
}

static void
check_same_kind(FunctionCallInfo fcinfo, const ClvSummary *a, const ClvSummary *b)
{
	if (a->key_kind != b->key_kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: cannot merge a clv_summary keyed by %s with one keyed by %s",
						kpi_caller_name(fcinfo), kpi_key_kind_words[a->key_kind], kpi_key_kind_words[b->key_kind]),
				 errdetail("Customer ids of different types never name the same customer.")));
}

/*
 * rollup's combine step: a customer in both summaries is one customer, with
 * purchases and revenue added and the wider first-to-last span.
 */
PG_FUNCTION_INFO_V1(clv_summary_merge);
Datum
clv_summary_merge(PG_FUNCTION_ARGS)
{
	ClvState	st;
	ClvSummary *other = PG_GETARG_CLV_SUMMARY(1);

	clv_state(fcinfo, &st, PG_GETARG_DATUM(0));
	clv_check(other);
	check_same_kind(fcinfo, st.s, other);
	if (other->scale > st.s->scale)
		clv_rescale(fcinfo, st.s, other->scale);

	/*
	 * The merged summary has at least as many customers as the larger input;
	 * more room than that is taken as the customers come, so summaries of
	 * the same customers (parallel workers') merge without growing.
	 */
	if (other->customers * 4 > (int64) st.s->capacity * 3 ||
		other->keys_used > st.s->keys_capacity)
		clv_grow(fcinfo, &st, Max(other->customers - st.s->customers, 0),
				 Max(other->keys_used - st.s->keys_used, 0));

	for (int32 i = 0; i < other->capacity; i++)
	{
		ClvCustomer *c = &other->slots[i];
		KpiKey		key;
		int128		revenue = c->revenue;

		if (!slot_used(c))
			continue;
		key = slot_key(other, c);
		if (!kpi_money_rescale(&revenue, other->scale, st.s->scale))
			kpi_money_overflow(fcinfo, "a customer's revenue");
		clv_add(fcinfo, &st, &key, c->purchases, c->first, c->last, revenue, 0, NULL);
	}
	return clv_result(&st);
}

/* clv_summary(...) returns the sorted form; the state itself is never changed. */
PG_FUNCTION_INFO_V1(clv_summary_final);
Datum
clv_summary_final(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(clv_sorted(PG_GETARG_CLV_SUMMARY(0)));
}

/* Text form. */

/*
 * "v1 integer scale=2; 17 purchases=2 revenue=150.00
 * first=2024-01-03T10:00:00Z last=2024-03-01T00:00:00Z; 42 ...", customers
 * in key order, times in UTC.
 */
PG_FUNCTION_INFO_V1(clv_summary_out);
Datum
clv_summary_out(PG_FUNCTION_ARGS)
{
	ClvSummary *s = PG_GETARG_CLV_SUMMARY(0);
	StringInfoData buf;

	clv_check(s);
	s = clv_sorted(s);
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s scale=%d", CLV_SUMMARY_VERSION,
					 kpi_key_kind_names[s->key_kind], s->scale);
	for (int32 i = 0; i < s->capacity; i++)
	{
		ClvCustomer *c = &s->slots[i];
		KpiKey		key = slot_key(s, c);

		appendStringInfoString(&buf, "; ");
		kpi_key_append(&buf, s->key_kind, &key);
		appendStringInfo(&buf, " purchases=" INT64_FORMAT " revenue=", c->purchases);
		kpi_money_append(&buf, c->revenue, s->scale);
		appendStringInfoString(&buf, " first=");
		kpi_utc_time_append(&buf, c->first, CLV_TYPE);
		appendStringInfoString(&buf, " last=");
		kpi_utc_time_append(&buf, c->last, CLV_TYPE);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(clv_summary_in);
Datum
clv_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	KpiKeyKind	kind;
	int64		scale;
	ClvState	st;
	StringInfoData scratch;
	int64		revenue_wraps = 0;

	kpi_text_init(&cur, CLV_TYPE, input);
	kpi_text_version(&cur, CLV_SUMMARY_VERSION);
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

	st.s = clv_new(kind, (int) scale, true, CLV_MIN_CAPACITY, 0);
	st.expanded = NULL;
	st.aggcontext = NULL;
	initStringInfo(&scratch);
	for (;;)
	{
		KpiKey		key;
		int64		purchases;
		int128		revenue;
		TimestampTz first;
		TimestampTz last;

		kpi_text_skip_space(&cur);
		if (!kpi_text_accept(&cur, ";"))
			break;
		kpi_text_skip_space(&cur);
		key = kpi_text_key(&cur, kind, &scratch);
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, "purchases=");
		purchases = kpi_text_count(&cur);
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, "revenue=");
		revenue = kpi_text_money(&cur, (int) scale);
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, "first=");
		first = kpi_text_utc_time(&cur);
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, "last=");
		last = kpi_text_utc_time(&cur);
		if (purchases < 1 || first > last)
			kpi_text_invalid(&cur, "Every customer needs at least one purchase and a first purchase no later than the last.");
		clv_add(fcinfo, &st, &key, purchases, first, last, revenue,
				ERRCODE_INVALID_TEXT_REPRESENTATION, &revenue_wraps);
	}
	kpi_text_end(&cur);
	if (revenue_wraps != 0 || st.s->revenue < -KPI_MONEY_LIMIT)
		kpi_text_invalid(&cur, "The customers' revenues add up to more than 38 significant digits.");
	PG_RETURN_POINTER(clv_sorted(st.s));
}

/*
 * Binary form: version and key type bytes, scale as int4, the number of
 * customers as int8, then per customer its key (int8, 16 uuid bytes, or an
 * int4 length and the text bytes), purchases, first and last purchase as
 * int8 and revenue as two int8.
 */
PG_FUNCTION_INFO_V1(clv_summary_send);
Datum
clv_summary_send(PG_FUNCTION_ARGS)
{
	ClvSummary *s = PG_GETARG_CLV_SUMMARY(0);
	StringInfoData buf;

	clv_check(s);
	s = clv_sorted(s);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, CLV_SUMMARY_VERSION);
	pq_sendbyte(&buf, s->key_kind);
	pq_sendint32(&buf, s->scale);
	pq_sendint64(&buf, s->customers);
	for (int32 i = 0; i < s->capacity; i++)
	{
		ClvCustomer *c = &s->slots[i];
		KpiKey		key = slot_key(s, c);

		if (s->key_kind == KPI_KEY_INTEGER)
			pq_sendint64(&buf, key.integer);
		else
		{
			if (s->key_kind == KPI_KEY_TEXT)
				pq_sendint32(&buf, key.len);
			pq_sendbytes(&buf, (const char *) key.bytes, key.len);
		}
		pq_sendint64(&buf, c->purchases);
		pq_sendint64(&buf, c->first);
		pq_sendint64(&buf, c->last);
		kpi_send_money(&buf, c->revenue);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * =, <> and hashing on the binary form, which lists the customers in key
 * order: the same customers with the same records at the same scale,
 * whatever order they were added or merged in
 */
KPI_EQUALITY_FUNCTIONS(clv_summary)

PG_FUNCTION_INFO_V1(clv_summary_recv);
Datum
clv_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, CLV_TYPE);
	uint8		kind;
	int32		scale;
	int64		customers;
	ClvState	st;
	int64		revenue_wraps = 0;

	if (version != CLV_SUMMARY_VERSION)
		kpi_recv_error(CLV_TYPE,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, CLV_SUMMARY_VERSION));
	kind = kpi_recv_uint8(buf, CLV_TYPE);
	if (kind < KPI_KEY_INTEGER || kind > KPI_KEY_UUID)
		kpi_recv_error(CLV_TYPE, psprintf("Customer key type %d is unknown.", kind));
	scale = kpi_recv_int32(buf, CLV_TYPE);
	if (scale < 0 || scale > KPI_MONEY_MAX_SCALE)
		kpi_recv_error(CLV_TYPE, psprintf("Scale %d is outside 0..%d.", scale, KPI_MONEY_MAX_SCALE));
	customers = kpi_recv_int64(buf, CLV_TYPE);
	if (customers < 0)
		kpi_recv_error(CLV_TYPE, "The number of customers is negative.");

	st.s = clv_new(kind, scale, true, CLV_MIN_CAPACITY, 0);
	st.expanded = NULL;
	st.aggcontext = NULL;
	for (int64 i = 0; i < customers; i++)
	{
		KpiKey		key = {0};
		int64		purchases;
		TimestampTz first;
		TimestampTz last;
		int128		revenue;

		if (kind == KPI_KEY_INTEGER)
			key.integer = kpi_recv_int64(buf, CLV_TYPE);
		else
		{
			key.len = kind == KPI_KEY_UUID ? UUID_LEN : (uint32) kpi_recv_int32(buf, CLV_TYPE);
			key.bytes = (const uint8 *) kpi_recv_bytes(buf, kind == KPI_KEY_UUID ? UUID_LEN : (int64) (int32) key.len,
													   CLV_TYPE);
		}
		purchases = kpi_recv_int64(buf, CLV_TYPE);
		first = kpi_recv_int64(buf, CLV_TYPE);
		last = kpi_recv_int64(buf, CLV_TYPE);
		revenue = kpi_recv_money(buf, CLV_TYPE);
		if (purchases < 1 || first > last || !purchase_time_valid(first) || !purchase_time_valid(last))
			kpi_recv_error(CLV_TYPE, "A customer needs at least one purchase and first <= last within the years 1 to 9999.");
		if (kind == KPI_KEY_TEXT)
			pg_verify_mbstr(GetDatabaseEncoding(), (const char *) key.bytes, (int) key.len, false);
		clv_add(fcinfo, &st, &key, purchases, first, last, revenue,
				ERRCODE_INVALID_BINARY_REPRESENTATION, &revenue_wraps);
	}
	if (revenue_wraps != 0 || st.s->revenue < -KPI_MONEY_LIMIT)
		kpi_recv_error(CLV_TYPE, "The customers' revenues add up to more than 38 significant digits.");
	PG_RETURN_POINTER(clv_sorted(st.s));
}

/* Accessors.  The header holds every total, so each is O(1). */

static Datum
numeric_of(int64 value)
{
	return DirectFunctionCall1(int8_numeric, Int64GetDatum(value));
}

static Datum
numeric_times(Datum a, Datum b)
{
	return DirectFunctionCall2(numeric_mul, a, b);
}

static Datum
numeric_over(Datum a, Datum b)
{
	return DirectFunctionCall2(numeric_div, a, b);
}

/* The header of argument n: every accessor needs only the totals there. */
static const ClvSummary *
clv_arg(FunctionCallInfo fcinfo, int n)
{
	Size		size;
	ClvExpanded *e = clv_expanded(PG_GETARG_DATUM(n), false);
	const ClvSummary *s;

	/* an aggregate's own state (clv(...)'s final step) is read in place */
	if (e != NULL)
		return e->s;
	s = kpi_summary_header(PG_GETARG_DATUM(n), CLV_HEADER_SIZE, &size, CLV_TYPE);
	clv_check_header(s, size);
	return s;
}

/* The observed window in microseconds; shorter than a day counts as a day. */
static Datum
window_usecs(const ClvSummary *s)
{
	return numeric_of(Max(s->last - s->first, USECS_PER_DAY));
}

PG_FUNCTION_INFO_V1(clv_summary_customers);
Datum
clv_summary_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(clv_arg(fcinfo, 0)->customers);
}

PG_FUNCTION_INFO_V1(clv_summary_purchases);
Datum
clv_summary_purchases(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(clv_arg(fcinfo, 0)->purchases);
}

PG_FUNCTION_INFO_V1(clv_summary_revenue);
Datum
clv_summary_revenue(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);

	PG_RETURN_DATUM(kpi_money_numeric(s->revenue, s->scale));
}

/* revenue / purchases, exactly as avg() divides sum() by count() */
PG_FUNCTION_INFO_V1(clv_summary_avg_purchase_value);
Datum
clv_summary_avg_purchase_value(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);

	if (s->purchases == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(numeric_over(kpi_money_numeric(s->revenue, s->scale), numeric_of(s->purchases)));
}

PG_FUNCTION_INFO_V1(clv_summary_revenue_per_customer);
Datum
clv_summary_revenue_per_customer(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);

	if (s->customers == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(numeric_over(kpi_money_numeric(s->revenue, s->scale), numeric_of(s->customers)));
}

/* purchases per customer per year of the window: P * Y / (C * W) */
PG_FUNCTION_INFO_V1(clv_summary_purchase_frequency);
Datum
clv_summary_purchase_frequency(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);

	if (s->customers == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(numeric_over(numeric_times(numeric_of(s->purchases),
											   numeric_of(USECS_PER_AVERAGE_YEAR)),
								 numeric_times(numeric_of(s->customers), window_usecs(s))));
}

/* mean years from first to last purchase: L / (C * Y) */
PG_FUNCTION_INFO_V1(clv_summary_avg_lifespan);
Datum
clv_summary_avg_lifespan(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);

	if (s->customers == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(numeric_over(kpi_money_numeric(s->lifespan_usecs, 0),
								 numeric_times(numeric_of(s->customers),
											   numeric_of(USECS_PER_AVERAGE_YEAR))));
}

/*
 * avg_purchase_value * purchase_frequency * avg_lifespan
 *   = (R / P) * (P * Y / (C * W)) * (L / (C * Y)) = R * L / (C^2 * W),
 * computed with that one division so nothing is rounded twice.
 */
PG_FUNCTION_INFO_V1(clv_summary_clv);
Datum
clv_summary_clv(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);
	Datum		customers;

	if (s->customers == 0)
		PG_RETURN_NULL();
	customers = numeric_of(s->customers);
	PG_RETURN_DATUM(numeric_over(numeric_times(kpi_money_numeric(s->revenue, s->scale),
											   kpi_money_numeric(s->lifespan_usecs, 0)),
								 numeric_times(numeric_times(customers, customers), window_usecs(s))));
}

static void
check_clv_factor(FunctionCallInfo fcinfo, Datum value, const char *name)
{
	Numeric		n = DatumGetNumeric(value);

	if (numeric_is_nan(n) || numeric_is_inf(n) ||
		DatumGetBool(DirectFunctionCall2(numeric_lt, value, numeric_of(0))))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %s is not a finite number >= 0", kpi_caller_name(fcinfo), name,
						DatumGetCString(DirectFunctionCall1(numeric_out, value)))));
}

/* with an explicit lifespan: (R / P) * (P * Y / (C * W)) * years = R * Y * years / (C * W) */
PG_FUNCTION_INFO_V1(clv_summary_clv_lifespan);
Datum
clv_summary_clv_lifespan(PG_FUNCTION_ARGS)
{
	const ClvSummary *s = clv_arg(fcinfo, 0);
	Datum		years = PG_GETARG_DATUM(1);

	check_clv_factor(fcinfo, years, "lifespan_years");
	if (s->customers == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(numeric_over(numeric_times(numeric_times(kpi_money_numeric(s->revenue, s->scale),
															 numeric_of(USECS_PER_AVERAGE_YEAR)),
											   years),
								 numeric_times(numeric_of(s->customers), window_usecs(s))));
}

/* The textbook product, exact. */
PG_FUNCTION_INFO_V1(kpi_clv);
Datum
kpi_clv(PG_FUNCTION_ARGS)
{
	Datum		value = PG_GETARG_DATUM(0);
	Numeric		n = PG_GETARG_NUMERIC(0);

	if (numeric_is_nan(n) || numeric_is_inf(n))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: avg_purchase_value %s is not a finite number", kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(numeric_out, value)))));
	check_clv_factor(fcinfo, PG_GETARG_DATUM(1), "purchase_frequency");
	check_clv_factor(fcinfo, PG_GETARG_DATUM(2), "lifespan");
	PG_RETURN_DATUM(numeric_times(numeric_times(value, PG_GETARG_DATUM(1)), PG_GETARG_DATUM(2)));
}

/* spend / new customers; NULL when there are none */
PG_FUNCTION_INFO_V1(kpi_cac);
Datum
kpi_cac(PG_FUNCTION_ARGS)
{
	Datum		spend = PG_GETARG_DATUM(0);
	int64		new_customers = PG_GETARG_INT64(1);

	check_clv_factor(fcinfo, spend, "spend");
	if (new_customers < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: new_customers " INT64_FORMAT " is negative", kpi_caller_name(fcinfo),
						new_customers)));
	if (new_customers == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(numeric_over(spend, numeric_of(new_customers)));
}
