/*
 * durations.c
 *		Response time, resolution time, conversation length and time to
 *		value: duration_summary, a mergeable sketch of durations.
 *
 * Durations are whole microseconds.  Count, sum, min and max are kept
 * exactly; the distribution goes into log-linear buckets: values below 64
 * us have a bucket each, and every power of two above is cut into 64 equal
 * buckets.  A bucket's midpoint is then within 1/128 (0.79 %) of any value
 * in it, so every percentile is within 1 % of the exact one.  The mapping is
 * integer arithmetic only, so every server buckets a value the same way and
 * merging summaries is exact: the rollup of parts equals the whole, bucket
 * for bucket.
 *
 * A summary of at most EXACT_MAX durations keeps the durations themselves,
 * so that its percentiles are exact: most groups on a board (an account, an
 * agent, a day and channel) are that small.  Beyond that the durations go
 * into buckets, stored sparsely (bucket number and count) while a summary
 * uses few of them, and densely (counts for a run of bucket numbers) once
 * that is smaller.  Dense counts are as narrow as the largest needs (one
 * byte up to 255) and widen when one would overflow, so that a few hundred
 * grouped summaries fit in a processor's cache.  Whether a summary is exact
 * depends only on its durations (at most EXACT_MAX, none from a bucketed
 * summary), so the rollup of parts still equals the whole.  Inside an
 * aggregate the state carries spare capacity and is rebuilt, larger, only
 * when it is full; finished summaries are compact.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "port/pg_bitutils.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

/* text and binary forms: 1 for buckets (as release 1.0 wrote), 2 for exact durations */
#define FORM_BUCKETS			1
#define FORM_EXACT				2
/* the stored datum: 1 as release 1.0 wrote it (int64 counts), 2 with layout and narrow */
#define STATE_VERSION			2

/* log-linear buckets: 2^SUB_BITS per power of two */
#define SUB_BITS				6
#define SUB_BUCKETS				(1 << SUB_BITS)
/* int64 values have 63 significant bits: the last bucket for 2^62..2^63-1 */
#define MAX_BUCKET				((63 - SUB_BITS) * SUB_BUCKETS + SUB_BUCKETS - 1)

#define NO_PERCENTILE			(-1.0)
#define USECS_PER_SEC_I			INT64CONST(1000000)

typedef enum SummaryLayout
{
	LAYOUT_SPARSE = 0,			/* release 1.0's dense = false */
	LAYOUT_DENSE = 1,			/* release 1.0's dense = true */
	LAYOUT_EXACT = 2
} SummaryLayout;

typedef struct DurationSummary
{
	int32		vl_len_;		/* varlena header: allocated size, with spare room */
	uint8		version;		/* STATE_VERSION, or 1 as release 1.0 stored it */
	uint8		layout;			/* SummaryLayout */
	uint8		narrow;			/* dense only: counts are 8 >> narrow bytes wide */
	uint8		reserved;
	int32		used;			/* sparse: buckets held; dense: slots from first_bucket;
								 * exact: durations held */
	int32		capacity;		/* buckets, slots or durations the allocation has room for */
	int32		first_bucket;	/* dense only: the bucket of counts[0] */
	/* the p of duration_percentile(d, p), which its final function needs */
	float8		percentile;
	int64		count;
	int64		min_us;
	int64		max_us;
	/* exact sum, split so that it cannot overflow in any realistic use */
	int64		sum_seconds;
	int64		sum_micros;		/* 0..999999 */
	/* sparse: int64 counts; dense: counts of 8 >> narrow bytes; exact: durations in us */
	int64		counts[FLEXIBLE_ARRAY_MEMBER];
	/* sparse only: uint16 bucket numbers[capacity] follow counts[capacity] */
} DurationSummary;

/*
 * Exact summaries start in 256 bytes (23 durations) and grow once, into
 * 512 (EXACT_MAX, 55): the allocator rounds a chunk up to a power of two
 * anyway, and a chunk given up for a larger one is reused only by another
 * of its size, so a smaller first step would stay allocated beside the
 * larger in every group that outgrows it.
 */
#define EXACT_CAPACITY(bytes)	((int32) (((bytes) - offsetof(DurationSummary, counts)) / sizeof(int64)))
#define EXACT_MAX				EXACT_CAPACITY(512)

static const char *const TYPE_NAME = "duration_summary";

#define PG_GETARG_DURATION_SUMMARY(n) \
	((DurationSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

static inline uint16 *
sparse_buckets(DurationSummary *s)
{
	return (uint16 *) (s->counts + s->capacity);
}

static inline int64 *
exact_values(DurationSummary *s)
{
	return s->counts;
}

static Size
summary_size(int layout, int narrow, int32 capacity)
{
	Size		slot = layout == LAYOUT_SPARSE ? sizeof(int64) + sizeof(uint16) :
		layout == LAYOUT_DENSE ? sizeof(int64) >> narrow : sizeof(int64);

	return offsetof(DurationSummary, counts) + capacity * slot;
}

/* The narrowest dense counters that hold count. */
static int
narrow_for(int64 count)
{
	return count <= PG_UINT8_MAX ? 3 : count <= PG_UINT16_MAX ? 2 : count <= PG_UINT32_MAX ? 1 : 0;
}

static inline int64
slot_count(const DurationSummary *s, int slot)
{
	switch (s->narrow)
	{
		case 3:
			return ((const uint8 *) s->counts)[slot];
		case 2:
			return ((const uint16 *) s->counts)[slot];
		case 1:
			return ((const uint32 *) s->counts)[slot];
		default:
			return s->counts[slot];
	}
}

/*
 * Adds count to a slot; false, changing nothing, if the slot's counter is
 * too narrow.  (int64 counters cannot wrap: the checked total bounds them.)
 */
static inline bool
add_to_slot(DurationSummary *s, int slot, int64 count)
{
	switch (s->narrow)
	{
		case 3:
			if (((uint8 *) s->counts)[slot] + count > PG_UINT8_MAX)
				return false;
			((uint8 *) s->counts)[slot] += count;
			return true;
		case 2:
			if (((uint16 *) s->counts)[slot] + count > PG_UINT16_MAX)
				return false;
			((uint16 *) s->counts)[slot] += count;
			return true;
		case 1:
			if (((uint32 *) s->counts)[slot] + count > PG_UINT32_MAX)
				return false;
			((uint32 *) s->counts)[slot] += count;
			return true;
		default:
			s->counts[slot] += count;
			return true;
	}
}

static inline int
bucket_of(int64 us)
{
	int			top_bit;

	if (us < SUB_BUCKETS)
		return (int) us;
	top_bit = pg_leftmost_one_pos64((uint64) us);
	return (top_bit - SUB_BITS + 1) * SUB_BUCKETS +
		(int) ((us >> (top_bit - SUB_BITS)) - SUB_BUCKETS);
}

/* The midpoint of a bucket, the value a percentile in it reports. */
static int64
bucket_midpoint(int bucket)
{
	int			shift;
	int64		low;

	if (bucket < SUB_BUCKETS)
		return bucket;
	shift = bucket / SUB_BUCKETS - 1;
	low = (int64) (SUB_BUCKETS + bucket % SUB_BUCKETS) << shift;
	return low + (((int64) 1 << shift) >> 1);
}

static DurationSummary *
new_summary(int layout, int narrow, int32 capacity)
{
	DurationSummary *s = palloc0(summary_size(layout, narrow, capacity));

	SET_VARSIZE(s, summary_size(layout, narrow, capacity));
	s->version = STATE_VERSION;
	s->layout = (uint8) layout;
	s->narrow = (uint8) narrow;
	s->capacity = capacity;
	s->percentile = NO_PERCENTILE;
	return s;
}

/*
 * The requested percentile the text and binary forms write: -0 asks for
 * what 0 asks for (merging treats them as one), so it is written as 0.
 */
static float8
written_percentile(const DurationSummary *s)
{
	return s->percentile == 0.0 ? 0.0 : s->percentile;
}

/* Copies the requested percentile, count, min, max and sum. */
static void
copy_totals(DurationSummary *to, const DurationSummary *from)
{
	memcpy(&to->percentile, &from->percentile,
		   offsetof(DurationSummary, counts) - offsetof(DurationSummary, percentile));
}

/* Runs body for every non-empty bucket, in increasing order; not for exact summaries. */
#define FOR_EACH_BUCKET(s, bucket, bucket_count, body) \
	do { \
		for (int slot_ = 0; slot_ < (s)->used; slot_++) \
		{ \
			int			bucket = (s)->layout == LAYOUT_DENSE ? (s)->first_bucket + slot_ : sparse_buckets(s)[slot_]; \
			int64		bucket_count = slot_count((s), slot_); \
			if (bucket_count == 0) \
				continue; \
			body; \
		} \
	} while (0)

static int32
nonempty_buckets(DurationSummary *s)
{
	int32		buckets = 0;

	FOR_EACH_BUCKET(s, bucket, count, { (void) bucket; buckets++; });
	return buckets;
}

static int64
largest_count(DurationSummary *s)
{
	int64		largest = 0;

	FOR_EACH_BUCKET(s, bucket, count, { (void) bucket; largest = Max(largest, count); });
	return largest;
}

/*
 * Dense storage of the buckets low..high, in counters `narrow` allows, is
 * no larger than sparse storage.
 */
static inline bool
dense_is_smaller(int low, int high, int32 buckets, int narrow)
{
	return (Size) (high - low + 1) * (sizeof(int64) >> narrow) <=
		(Size) buckets * (sizeof(int64) + sizeof(uint16));
}

/*
 * A copy of bucketed s laid out densely from bucket low with counters
 * `narrow` allows, or sparsely, with room for capacity slots or buckets.
 */
static DurationSummary *
relaid(DurationSummary *s, bool dense, int narrow, int low, int32 capacity)
{
	DurationSummary *result = new_summary(dense ? LAYOUT_DENSE : LAYOUT_SPARSE,
										  dense ? narrow : 0, capacity);

	copy_totals(result, s);
	result->first_bucket = dense ? low : 0;
	result->used = dense ? capacity : 0;
	FOR_EACH_BUCKET(s, bucket, count,
		{
			if (dense)
				(void) add_to_slot(result, bucket - low, count);
			else
			{
				sparse_buckets(result)[result->used] = (uint16) bucket;
				result->counts[result->used++] = count;
			}
		});
	return result;
}

/*
 * A copy of s with room for at least `needed` buckets spanning low..high,
 * in whichever layout is smaller, with spare room to grow into: half again,
 * so that growing costs O(1) per value, amortized.  Dense or not is judged
 * with counters that hold the whole count, as add_to_bucket judges it, so
 * the two never undo each other.
 */
static DurationSummary *
rebuilt(DurationSummary *s, int32 needed, int low, int high)
{
	int32		span = high - low + 1;

	if (dense_is_smaller(low, high, needed, narrow_for(s->count)))
	{
		int32		spare = Min(span / 2 + 8, MAX_BUCKET + 1 - span);
		int32		capacity = span + spare;

		low -= Min(spare / 2, low);
		low = Min(low, MAX_BUCKET + 1 - capacity);
		return relaid(s, true, narrow_for(largest_count(s)), low, capacity);
	}
	return relaid(s, false, 0, 0, Min(needed + needed / 2 + 4, MAX_BUCKET + 1));
}

/*
 * Adds `count` values in `bucket` to bucketed s, whose count already
 * includes them.  Returns s, or a larger copy when s had no room: the
 * caller must use the result.
 */
static DurationSummary *
add_to_bucket(DurationSummary *s, int bucket, int64 count)
{
	if (s->layout == LAYOUT_DENSE)
	{
		int			slot = bucket - s->first_bucket;

		if (likely(slot >= 0 && slot < s->used))
		{
			if (likely(add_to_slot(s, slot, count)))
				return s;
			/* the counter would overflow: widen them all */
			return add_to_bucket(relaid(s, true, narrow_for(slot_count(s, slot) + count),
										s->first_bucket, s->capacity),
								 bucket, count);
		}
	}
	else
	{
		uint16	   *buckets = sparse_buckets(s);
		int			low = 0;
		int			high = s->used;

		while (low < high)
		{
			int			middle = (low + high) / 2;

			if (buckets[middle] < bucket)
				low = middle + 1;
			else
				high = middle;
		}
		if (low < s->used && buckets[low] == bucket)
		{
			s->counts[low] += count;
			return s;
		}
		if (s->used < s->capacity &&
			(s->used == 0 ||
			 !dense_is_smaller(Min(buckets[0], bucket), Max(buckets[s->used - 1], bucket), s->used + 1,
							   narrow_for(s->count))))
		{
			memmove(&buckets[low + 1], &buckets[low], (s->used - low) * sizeof(uint16));
			memmove(&s->counts[low + 1], &s->counts[low], (s->used - low) * sizeof(int64));
			buckets[low] = (uint16) bucket;
			s->counts[low] = count;
			s->used++;
			return s;
		}
	}

	/* no room, or dense has become the smaller layout */
	{
		int			low = bucket;
		int			high = bucket;
		DurationSummary *grown;

		FOR_EACH_BUCKET(s, existing, existing_count,
			{
				low = Min(low, existing);
				high = Max(high, existing);
			});
		grown = rebuilt(s, nonempty_buckets(s) + 1, low, high);
		return add_to_bucket(grown, bucket, count);
	}
}

/* Sorts n durations, few of them, into increasing order. */
static void
sort_durations(int64 *values, int n)
{
	for (int i = 1; i < n; i++)
	{
		int64		value = values[i];
		int			j = i;

		for (; j > 0 && values[j - 1] > value; j--)
			values[j] = values[j - 1];
		values[j] = value;
	}
}

/*
 * The k-th smallest of n durations (from 0), reordering them: one
 * percentile needs no full sort (quickselect, Hoare's partition).
 */
static int64
selected_duration(int64 *values, int n, int k)
{
	int			low = 0;
	int			high = n - 1;

	while (low < high)
	{
		int64		pivot = values[low + (high - low) / 2];
		int			i = low;
		int			j = high;

		while (i <= j)
		{
			while (values[i] < pivot)
				i++;
			while (values[j] > pivot)
				j--;
			if (i <= j)
			{
				int64		swapped = values[i];

				values[i++] = values[j];
				values[j--] = swapped;
			}
		}
		/* now values[low..j] <= pivot <= values[i..high], and pivot between */
		if (k <= j)
			high = j;
		else if (k >= i)
			low = i;
		else
			return values[k];
	}
	return values[k];
}

/* s's exact durations, in increasing order, in sorted[EXACT_MAX]. */
static void
sorted_durations(DurationSummary *s, int64 *sorted)
{
	memcpy(sorted, exact_values(s), s->used * sizeof(int64));
	sort_durations(sorted, s->used);
}

/*
 * s as an exact summary with room for `needed` durations: s itself when it
 * has room, else a larger copy.  s is exact or empty.
 */
static DurationSummary *
with_exact_room(DurationSummary *s, int32 needed)
{
	DurationSummary *result;
	int32		capacity = needed <= EXACT_CAPACITY(256) ? EXACT_CAPACITY(256) : EXACT_MAX;

	if (s->layout == LAYOUT_EXACT && s->capacity >= needed)
		return s;
	result = new_summary(LAYOUT_EXACT, 0, capacity);
	copy_totals(result, s);
	if (s->layout == LAYOUT_EXACT)
	{
		memcpy(exact_values(result), exact_values(s), s->used * sizeof(int64));
		result->used = s->used;
	}
	return result;
}

/* The bucketed summary of exact s, totals included. */
static DurationSummary *
bucketed(DurationSummary *s)
{
	DurationSummary *result = new_summary(LAYOUT_SPARSE, 0, 0);
	int64		sorted[EXACT_MAX];

	copy_totals(result, s);
	sorted_durations(s, sorted);
	for (int i = 0; i < s->used;)
	{
		int			bucket = bucket_of(sorted[i]);
		int			run = 1;

		while (i + run < s->used && bucket_of(sorted[i + run]) == bucket)
			run++;
		result = add_to_bucket(result, bucket, run);
		i += run;
	}
	return result;
}

/* Adds n values whose sum is sum_seconds.sum_micros, min and max given. */
static void
add_totals(DurationSummary *s, int64 n, int64 min_us, int64 max_us,
		   int64 sum_seconds, int64 sum_micros)
{
	if (s->count == 0)
	{
		s->min_us = min_us;
		s->max_us = max_us;
	}
	else
	{
		s->min_us = Min(s->min_us, min_us);
		s->max_us = Max(s->max_us, max_us);
	}
	s->count = kpi_add_count(s->count, n, TYPE_NAME);
	s->sum_micros += sum_micros;
	if (pg_add_s64_overflow(s->sum_seconds, sum_seconds, &s->sum_seconds) ||
		pg_add_s64_overflow(s->sum_seconds, s->sum_micros / USECS_PER_SEC_I, &s->sum_seconds))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s sum of durations overflows bigint seconds", TYPE_NAME),
				 errdetail("The durations in one summary can add up to at most 9223372036854775807 seconds, about 292 billion years.")));
	s->sum_micros %= USECS_PER_SEC_I;
}

/* Why an exact summary is inconsistent, or NULL. */
static const char *
exact_problem(DurationSummary *s)
{
	int128		sum = 0;
	int64		min_us = PG_INT64_MAX;
	int64		max_us = 0;

	if (s->count < 1 || s->count > EXACT_MAX || s->used != s->count)
		return psprintf("An exact summary holds from 1 to %d durations, as many as its count.", EXACT_MAX);
	for (int i = 0; i < s->used; i++)
	{
		int64		us = exact_values(s)[i];

		if (us < 0)
			return "It holds a negative duration.";
		min_us = Min(min_us, us);
		max_us = Max(max_us, us);
		sum += us;
	}
	if (s->sum_seconds < 0 || s->sum_micros < 0 || s->sum_micros >= USECS_PER_SEC_I)
		return "Its sum is malformed.";
	if (min_us != s->min_us || max_us != s->max_us)
		return "Its minimum and maximum do not match its durations.";
	if ((int128) s->sum_seconds * USECS_PER_SEC_I + s->sum_micros != sum)
		return "Its sum does not match its durations.";
	return NULL;
}

/* Why a summary is inconsistent, or NULL. */
static const char *
summary_problem(DurationSummary *s)
{
	int64		total = 0;
	int			previous = -1;
	int			first = -1;
	int			last = -1;

	if (s->used < 0 || s->used > s->capacity || s->capacity > MAX_BUCKET + 1)
		return "Its bucket table is malformed.";
	if (s->layout == LAYOUT_DENSE && (s->first_bucket < 0 || s->first_bucket + s->used - 1 > MAX_BUCKET))
		return "Its bucket range is outside the buckets durations use.";
	if (!(s->percentile == NO_PERCENTILE || (s->percentile >= 0.0 && s->percentile <= 1.0)))
		return "Its requested percentile is outside [0, 1].";
	if (s->layout == LAYOUT_EXACT)
		return exact_problem(s);
	for (int slot = 0; slot < s->used; slot++)
	{
		int			bucket = s->layout == LAYOUT_DENSE ? s->first_bucket + slot : sparse_buckets(s)[slot];
		int64		count = slot_count(s, slot);

		if (count < 0)
			return psprintf("Bucket %d has a negative count.", bucket);
		if (s->layout == LAYOUT_SPARSE && (bucket <= previous || bucket > MAX_BUCKET))
			return "Its buckets are not in increasing order within 0..3711.";
		previous = bucket;
		if (count == 0)
			continue;
		if (first < 0)
			first = bucket;
		last = bucket;
		if (pg_add_s64_overflow(total, count, &total))
			return "Its bucket counts add up to more than bigint can hold.";
	}
	if (total != s->count)
		return "Its count does not match its buckets.";
	if (s->sum_seconds < 0 || s->sum_micros < 0 || s->sum_micros >= USECS_PER_SEC_I)
		return "Its sum is malformed.";
	if (s->count > 0 &&
		(s->min_us < 0 || s->min_us > s->max_us ||
		 bucket_of(s->min_us) != first || bucket_of(s->max_us) != last))
		return "Its minimum and maximum do not match its buckets.";
	/* the exact sum lies between count * min and count * max, or the mean would not */
	if (s->count > 0 &&
		((int128) s->sum_seconds * USECS_PER_SEC_I + s->sum_micros < (int128) s->count * s->min_us ||
		 (int128) s->sum_seconds * USECS_PER_SEC_I + s->sum_micros > (int128) s->count * s->max_us))
		return "Its sum is not between its count times its minimum and its count times its maximum.";
	if (s->count == 0 && (s->min_us != 0 || s->max_us != 0 || s->sum_seconds != 0 || s->sum_micros != 0))
		return "An empty summary has a non-zero minimum, maximum or sum.";
	return NULL;
}

static void
check_summary(DurationSummary *s)
{
	const char *problem = NULL;

	/* release 1.0 stored sparse and dense summaries with int64 counts and zero bytes for layout and narrow */
	if (VARSIZE(s) < offsetof(DurationSummary, counts) ||
		(s->version != STATE_VERSION && s->version != 1) ||
		s->layout > (s->version == 1 ? LAYOUT_DENSE : LAYOUT_EXACT) ||
		s->narrow > (s->layout == LAYOUT_DENSE ? 3 : 0) ||
		VARSIZE(s) < summary_size(s->layout, s->narrow, s->capacity))
		problem = "Its header is malformed.";
	else
		problem = summary_problem(s);
	if (problem != NULL)
		kpi_corrupt(TYPE_NAME, problem);
}

/* A compact copy: no spare room, and the smaller layout; exact durations sorted. */
static DurationSummary *
compacted(DurationSummary *s)
{
	int			low = MAX_BUCKET;
	int			high = 0;
	int32		buckets;
	int			narrow;

	if (s->layout == LAYOUT_EXACT && s->count > 0)
	{
		DurationSummary *result = new_summary(LAYOUT_EXACT, 0, s->used);

		copy_totals(result, s);
		result->used = s->used;
		sorted_durations(s, exact_values(result));
		return result;
	}
	if (s->layout == LAYOUT_EXACT)
		return bucketed(s);
	buckets = nonempty_buckets(s);
	narrow = narrow_for(largest_count(s));
	FOR_EACH_BUCKET(s, bucket, count,
		{
			low = Min(low, bucket);
			high = Max(high, bucket);
		});
	if (buckets > 0 && dense_is_smaller(low, high, buckets, narrow))
		return relaid(s, true, narrow, low, high - low + 1);
	return relaid(s, false, 0, 0, buckets);
}

/*
 * The state to update.  Inside an aggregate it is updated in place (a
 * larger copy is returned when it is full, and the executor takes care of
 * the old one); called directly, a checked private copy.
 */
static DurationSummary *
mutable_state(FunctionCallInfo fcinfo)
{
	DurationSummary *state = PG_GETARG_DURATION_SUMMARY(0);

	if (kpi_in_aggregate(fcinfo))
		return state;
	check_summary(state);
	return compacted(state);
}

static Datum
return_state(FunctionCallInfo fcinfo, DurationSummary *state)
{
	if (!kpi_in_aggregate(fcinfo))
		state = compacted(state);
	PG_RETURN_POINTER(state);
}

/*
 * Microseconds in an interval, counting months and days as
 * extract(epoch from ...) does: a year is 365.25 days, a month 30 days.
 */
static int64
interval_microseconds(FunctionCallInfo fcinfo, Interval *span)
{
	int64		result;
	int64		days_us;

	/* the common case, a difference of two timestamps: days and time */
	if (likely(span->month == 0 && span->day >= 0 && span->day <= 100000000) &&
		!pg_add_s64_overflow((int64) span->day * USECS_PER_DAY, span->time, &result) &&
		result >= 0)
		return result;
	/* days can reach 2^31, whose microseconds do not fit in int64 */
	if (pg_mul_s64_overflow((int64) (span->month / MONTHS_PER_YEAR), SECS_PER_YEAR * USECS_PER_SEC_I, &result) ||
		pg_mul_s64_overflow((int64) (span->month % MONTHS_PER_YEAR) * DAYS_PER_MONTH + span->day,
							USECS_PER_DAY, &days_us) ||
		pg_add_s64_overflow(result, days_us, &result) ||
		pg_add_s64_overflow(result, span->time, &result))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: duration %s is out of range",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(span)))),
				 errdetail("Durations must be below about 292,000 years.")));
	if (result < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: duration %s is negative",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(span)))),
				 errhint("Check that start and end times are not swapped.")));
	return result;
}

static Interval *
interval_from_microseconds(int64 us)
{
	Interval   *result = palloc0(sizeof(Interval));

	/* days and time, like justify_hours, so long durations read naturally */
	result->day = (int32) (us / USECS_PER_DAY);
	result->time = us % USECS_PER_DAY;
	return result;
}

static DurationSummary *
add_duration(FunctionCallInfo fcinfo, DurationSummary *state, Interval *span)
{
	int64		us = interval_microseconds(fcinfo, span);

	if (state->layout == LAYOUT_EXACT || state->count == 0)
	{
		if (state->count < EXACT_MAX)
		{
			state = with_exact_room(state, (int32) state->count + 1);
			add_totals(state, 1, us, us, us / USECS_PER_SEC_I, us % USECS_PER_SEC_I);
			exact_values(state)[state->used++] = us;
			return state;
		}
		state = bucketed(state);
	}
	/* totals first: their count check keeps every bucket's count from wrapping */
	add_totals(state, 1, us, us, us / USECS_PER_SEC_I, us % USECS_PER_SEC_I);
	return add_to_bucket(state, bucket_of(us), 1);
}

PG_FUNCTION_INFO_V1(duration_summary_add);
Datum
duration_summary_add(PG_FUNCTION_ARGS)
{
	DurationSummary *state = mutable_state(fcinfo);

	return return_state(fcinfo, add_duration(fcinfo, state, PG_GETARG_INTERVAL_P(1)));
}

static float8
checked_percentile(FunctionCallInfo fcinfo, float8 p)
{
	if (!(p >= 0.0 && p <= 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: percentile %s is outside [0, 1]", kpi_caller_name(fcinfo),
						kpi_float8_text(p)),
				 errhint("Pass 0.5 for the median, 0.9 for the 90th percentile.")));
	return p;
}

/* duration_percentile(d, p): the state remembers p for the final function */
PG_FUNCTION_INFO_V1(duration_summary_add_for_percentile);
Datum
duration_summary_add_for_percentile(PG_FUNCTION_ARGS)
{
	DurationSummary *state = mutable_state(fcinfo);
	float8		p = checked_percentile(fcinfo, PG_GETARG_FLOAT8(2));

	if (state->percentile != p)
	{
		if (state->percentile != NO_PERCENTILE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: percentile %s differs from %s earlier in the group",
							kpi_caller_name(fcinfo), kpi_float8_text(p),
							kpi_float8_text(state->percentile)),
					 errdetail("One group can report one percentile; use percentiles(duration_summary(d), ...) for several.")));
		state->percentile = p;
	}
	return return_state(fcinfo, add_duration(fcinfo, state, PG_GETARG_INTERVAL_P(1)));
}

/* rollup's transition and every duration aggregate's combine function */
PG_FUNCTION_INFO_V1(duration_summary_merge);
Datum
duration_summary_merge(PG_FUNCTION_ARGS)
{
	DurationSummary *state = mutable_state(fcinfo);
	DurationSummary *other = PG_GETARG_DURATION_SUMMARY(1);

	check_summary(other);
	if (other->count == 0)
		return return_state(fcinfo, state);
	if (other->percentile != state->percentile)
	{
		if (state->percentile != NO_PERCENTILE && other->percentile != NO_PERCENTILE)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot merge summaries requesting percentiles %s and %s",
							kpi_caller_name(fcinfo), kpi_float8_text(state->percentile),
							kpi_float8_text(other->percentile))));
		if (state->percentile == NO_PERCENTILE)
			state->percentile = other->percentile;
	}
	if ((state->layout == LAYOUT_EXACT || state->count == 0) && other->layout == LAYOUT_EXACT &&
		state->count + other->count <= EXACT_MAX)
	{
		state = with_exact_room(state, (int32) (state->count + other->count));
		add_totals(state, other->count, other->min_us, other->max_us,
				   other->sum_seconds, other->sum_micros);
		memcpy(exact_values(state) + state->used, exact_values(other), other->used * sizeof(int64));
		state->used += other->used;
		return return_state(fcinfo, state);
	}
	if (state->layout == LAYOUT_EXACT)
		state = bucketed(state);
	/* totals first: a bucket never counts more than the checked total */
	add_totals(state, other->count, other->min_us, other->max_us,
			   other->sum_seconds, other->sum_micros);
	if (other->layout == LAYOUT_EXACT)
	{
		for (int i = 0; i < other->used; i++)
			state = add_to_bucket(state, bucket_of(exact_values(other)[i]), 1);
	}
	else
		FOR_EACH_BUCKET(other, bucket, count, state = add_to_bucket(state, bucket, count));
	return return_state(fcinfo, state);
}

/* The final function of duration_summary(d) and rollup: compact, NULL if empty. */
PG_FUNCTION_INFO_V1(duration_summary_final);
Datum
duration_summary_final(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);
	DurationSummary *result;

	if (s->count == 0)
		PG_RETURN_NULL();
	result = compacted(s);
	result->percentile = NO_PERCENTILE;
	PG_RETURN_POINTER(result);
}

/*
 * The value at rank max(1, ceil(p * count)), the row percentile_disc
 * returns: exact from exact durations and at the ends, else to within the
 * bucket's 1 %.
 */
static int64
percentile_us(DurationSummary *s, float8 p)
{
	double		exact_rank = ceil(p * (double) s->count);
	int64		rank;
	int64		seen = 0;

	/* near 2^63 the double rounds up past count: clamp before converting */
	rank = exact_rank >= (double) s->count ? s->count : (int64) exact_rank;
	rank = Max(rank, 1);
	if (rank == 1)
		return s->min_us;
	if (rank == s->count)
		return s->max_us;
	if (s->layout == LAYOUT_EXACT)
	{
		int64		values[EXACT_MAX];

		memcpy(values, exact_values(s), s->used * sizeof(int64));
		return selected_duration(values, s->used, (int) rank - 1);
	}
	FOR_EACH_BUCKET(s, bucket, count,
		{
			seen += count;
			if (seen >= rank)
				return Max(s->min_us, Min(s->max_us, bucket_midpoint(bucket)));
		});
	return s->max_us;			/* not reached: the counts add up to count */
}

PG_FUNCTION_INFO_V1(duration_summary_percentile);
Datum
duration_summary_percentile(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);
	float8		p = checked_percentile(fcinfo, PG_GETARG_FLOAT8(1));

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(interval_from_microseconds(percentile_us(s, p)));
}

PG_FUNCTION_INFO_V1(duration_summary_percentiles);
Datum
duration_summary_percentiles(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);
	ArrayType  *ps = PG_GETARG_ARRAYTYPE_P(1);
	Datum	   *p_values;
	bool	   *p_nulls;
	int			n;
	Datum	   *results;
	int			dims[1];
	int			lower_bounds[1] = {1};

	if (ARR_NDIM(ps) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("percentiles: the percentiles must be a one-dimensional array")));
	deconstruct_array(ps, FLOAT8OID, sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE,
					  &p_values, &p_nulls, &n);
	if (s->count == 0)
		PG_RETURN_NULL();
	results = palloc(Max(n, 1) * sizeof(Datum));
	for (int i = 0; i < n; i++)
		if (!p_nulls[i])
			results[i] = IntervalPGetDatum(interval_from_microseconds(
				percentile_us(s, checked_percentile(fcinfo, DatumGetFloat8(p_values[i])))));
	dims[0] = n;
	/* a NULL percentile gives a NULL element, as percentile_disc does */
	PG_RETURN_ARRAYTYPE_P(construct_md_array(results, p_nulls, n > 0 ? 1 : 0, dims, lower_bounds,
											 INTERVALOID, sizeof(Interval), false, TYPALIGN_DOUBLE));
}

/* final function of median_duration(d) */
PG_FUNCTION_INFO_V1(duration_summary_median);
Datum
duration_summary_median(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(interval_from_microseconds(percentile_us(s, 0.5)));
}

/* final function of duration_percentile(d, p) */
PG_FUNCTION_INFO_V1(duration_summary_requested_percentile);
Datum
duration_summary_requested_percentile(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);

	if (s->count == 0 || s->percentile == NO_PERCENTILE)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(interval_from_microseconds(percentile_us(s, s->percentile)));
}

PG_FUNCTION_INFO_V1(duration_summary_count);
Datum
duration_summary_count(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_DURATION_SUMMARY(0)->count);
}

PG_FUNCTION_INFO_V1(duration_summary_min);
Datum
duration_summary_min(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(interval_from_microseconds(s->min_us));
}

PG_FUNCTION_INFO_V1(duration_summary_max);
Datum
duration_summary_max(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);

	if (s->count == 0)
		PG_RETURN_NULL();
	PG_RETURN_INTERVAL_P(interval_from_microseconds(s->max_us));
}

/* The mean, rounded to the microsecond; computed in numeric to stay exact. */
PG_FUNCTION_INFO_V1(duration_summary_mean);
Datum
duration_summary_mean(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);
	Datum		total;
	Datum		mean;

	if (s->count == 0)
		PG_RETURN_NULL();
	total = DirectFunctionCall2(numeric_add,
								DirectFunctionCall2(numeric_mul,
													DirectFunctionCall1(int8_numeric, Int64GetDatum(s->sum_seconds)),
													DirectFunctionCall1(int8_numeric, Int64GetDatum(USECS_PER_SEC_I))),
								DirectFunctionCall1(int8_numeric, Int64GetDatum(s->sum_micros)));
	mean = DirectFunctionCall2(numeric_round,
							   DirectFunctionCall2(numeric_div, total,
												   DirectFunctionCall1(int8_numeric, Int64GetDatum(s->count))),
							   Int32GetDatum(0));
	PG_RETURN_INTERVAL_P(interval_from_microseconds(DatumGetInt64(DirectFunctionCall1(numeric_int8, mean))));
}

/* "S.ssssss": microseconds as seconds */
static void
append_seconds(StringInfo buf, int64 us)
{
	appendStringInfo(buf, INT64_FORMAT ".%06lld", us / USECS_PER_SEC_I, (long long) (us % USECS_PER_SEC_I));
}

/*
 * Text form: "v1" for an empty summary, else
 * "v1 [p=P] count=N sum=S.ssssss min=S.ssssss max=S.ssssss bucket:count ...",
 * times in seconds with microseconds, buckets increasing; p only in the
 * state of duration_percentile.  An exact summary is
 * "v2 [p=P] count=N sum=... min=... max=... S.ssssss ...", its durations
 * in increasing order.
 */
PG_FUNCTION_INFO_V1(duration_summary_out);
Datum
duration_summary_out(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", s->layout == LAYOUT_EXACT ? FORM_EXACT : FORM_BUCKETS);
	/* shortest exact digits whatever extra_float_digits says, so p re-reads exactly */
	if (s->percentile != NO_PERCENTILE)
		appendStringInfo(&buf, " p=%s", kpi_float8_text(written_percentile(s)));
	if (s->count > 0)
	{
		appendStringInfo(&buf, " count=" INT64_FORMAT " sum=" INT64_FORMAT ".%06lld min=",
						 s->count, s->sum_seconds, (long long) s->sum_micros);
		append_seconds(&buf, s->min_us);
		appendStringInfoString(&buf, " max=");
		append_seconds(&buf, s->max_us);
	}
	if (s->layout == LAYOUT_EXACT)
	{
		int64		sorted[EXACT_MAX];

		sorted_durations(s, sorted);
		for (int i = 0; i < s->used; i++)
		{
			appendStringInfoChar(&buf, ' ');
			append_seconds(&buf, sorted[i]);
		}
	}
	else
		FOR_EACH_BUCKET(s, bucket, count,
						appendStringInfo(&buf, " %d:" INT64_FORMAT, bucket, count));
	PG_RETURN_CSTRING(buf.data);
}

/* "S.ssssss": whole seconds and exactly six digits of microseconds */
static void
read_seconds(KpiTextCursor *cur, int64 *seconds, int64 *micros)
{
	*seconds = kpi_text_count(cur);
	if (!kpi_text_accept(cur, "."))
		kpi_text_error(cur, "\".\" and six digits of microseconds");
	*micros = 0;
	for (int digit = 0; digit < 6; digit++)
	{
		if (!kpi_ascii_isdigit(*cur->pos))
			kpi_text_error(cur, "six digits of microseconds");
		*micros = *micros * 10 + (*cur->pos++ - '0');
	}
}

static int64
read_microseconds(KpiTextCursor *cur)
{
	int64		seconds;
	int64		micros;
	int64		result;

	read_seconds(cur, &seconds, &micros);
	if (pg_mul_s64_overflow(seconds, USECS_PER_SEC_I, &result) ||
		pg_add_s64_overflow(result, micros, &result))
		kpi_text_error(cur, "a time below 9223372036854 seconds");
	return result;
}

/* Builds a summary from parsed parts; the buckets or durations arrive in order. */
PG_FUNCTION_INFO_V1(duration_summary_in);
Datum
duration_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	DurationSummary *s;
	int			form;
	bool		more;
	const char *problem;

	kpi_text_init(&cur, TYPE_NAME, input);
	form = kpi_text_versions(&cur, FORM_BUCKETS, FORM_EXACT);
	s = form == FORM_EXACT ? new_summary(LAYOUT_EXACT, 0, EXACT_MAX) : new_summary(LAYOUT_SPARSE, 0, 8);
	more = kpi_text_skip_space(&cur);
	if (more && kpi_text_accept(&cur, "p="))
	{
		const char *start = cur.pos;

		s->percentile = kpi_text_float8(&cur, "a percentile between 0 and 1");
		if (!(s->percentile >= 0.0 && s->percentile <= 1.0))
		{
			cur.pos = start;
			kpi_text_error(&cur, "a percentile between 0 and 1");
		}
		more = kpi_text_skip_space(&cur);
	}
	if (more && kpi_text_accept(&cur, "count="))
	{
		s->count = kpi_text_count(&cur);
		if (!kpi_text_skip_space(&cur) || !kpi_text_accept(&cur, "sum="))
			kpi_text_error(&cur, "\" sum=\"");
		read_seconds(&cur, &s->sum_seconds, &s->sum_micros);
		if (!kpi_text_skip_space(&cur) || !kpi_text_accept(&cur, "min="))
			kpi_text_error(&cur, "\" min=\"");
		s->min_us = read_microseconds(&cur);
		if (!kpi_text_skip_space(&cur) || !kpi_text_accept(&cur, "max="))
			kpi_text_error(&cur, "\" max=\"");
		s->max_us = read_microseconds(&cur);

		while (kpi_text_skip_space(&cur) && *cur.pos != '\0')
		{
			const char *token = cur.pos;

			if (form == FORM_EXACT)
			{
				int64		us;

				if (s->used == EXACT_MAX)
					kpi_text_error(&cur, psprintf("the end of the input (an exact summary holds at most %d durations)",
												  EXACT_MAX));
				us = read_microseconds(&cur);
				if (s->used > 0 && us < exact_values(s)[s->used - 1])
				{
					cur.pos = token;
					kpi_text_error(&cur, "durations in increasing order");
				}
				exact_values(s)[s->used++] = us;
			}
			else
			{
				int64		bucket;
				int			last = s->used > 0 ? sparse_buckets(s)[s->used - 1] : -1;

				if (!kpi_ascii_isdigit(*cur.pos) ||
					(bucket = kpi_text_count(&cur)) <= last || bucket > MAX_BUCKET)
				{
					cur.pos = token;
					kpi_text_error(&cur, psprintf("a bucket number between %d and %d (buckets in increasing order)",
												  last + 1, MAX_BUCKET));
				}
				if (!kpi_text_accept(&cur, ":"))
					kpi_text_error(&cur, "\":\" and the count of that bucket");
				if (s->used == s->capacity)
					s = relaid(s, false, 0, 0, Min(2 * s->capacity, MAX_BUCKET + 1));
				sparse_buckets(s)[s->used] = (uint16) bucket;
				s->counts[s->used++] = kpi_text_count(&cur);
			}
		}
	}
	kpi_text_end(&cur);

	if ((problem = summary_problem(s)) != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(compacted(s));
}

/*
 * Binary form: version byte, p (float8, -1 for none), count, sum seconds,
 * sum microseconds, min and max in microseconds (int8), then in version 1
 * the number of non-empty buckets (int4) and bucket number (int2) and count
 * (int8) pairs, in version 2 (exact) the number of durations (int4) and
 * the durations in microseconds (int8), increasing.
 */
PG_FUNCTION_INFO_V1(duration_summary_send);
Datum
duration_summary_send(PG_FUNCTION_ARGS)
{
	DurationSummary *s = PG_GETARG_DURATION_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, s->layout == LAYOUT_EXACT ? FORM_EXACT : FORM_BUCKETS);
	pq_sendfloat8(&buf, written_percentile(s));
	pq_sendint64(&buf, s->count);
	pq_sendint64(&buf, s->sum_seconds);
	pq_sendint64(&buf, s->sum_micros);
	pq_sendint64(&buf, s->min_us);
	pq_sendint64(&buf, s->max_us);
	if (s->layout == LAYOUT_EXACT)
	{
		int64		sorted[EXACT_MAX];

		sorted_durations(s, sorted);
		pq_sendint32(&buf, s->used);
		for (int i = 0; i < s->used; i++)
			pq_sendint64(&buf, sorted[i]);
	}
	else
	{
		pq_sendint32(&buf, nonempty_buckets(s));
		FOR_EACH_BUCKET(s, bucket, count,
			{
				pq_sendint16(&buf, (uint16) bucket);
				pq_sendint64(&buf, count);
			});
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * =, <> and hashing on the binary form: the same durations, bucket for
 * bucket, and the same requested percentile
 */
KPI_EQUALITY_FUNCTIONS(duration_summary)

PG_FUNCTION_INFO_V1(duration_summary_recv);
Datum
duration_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		form = kpi_recv_uint8(buf, TYPE_NAME);
	DurationSummary *s;
	int64		entries;
	const char *problem;

	if (form != FORM_BUCKETS && form != FORM_EXACT)
		kpi_recv_error(TYPE_NAME,
					   psprintf("Format version %d is not supported; this kpi_ext reads versions %d to %d.",
								form, FORM_BUCKETS, FORM_EXACT));
	s = new_summary(LAYOUT_SPARSE, 0, 0);
	s->percentile = kpi_recv_float8(buf, TYPE_NAME);
	s->count = kpi_recv_int64(buf, TYPE_NAME);
	s->sum_seconds = kpi_recv_int64(buf, TYPE_NAME);
	s->sum_micros = kpi_recv_int64(buf, TYPE_NAME);
	s->min_us = kpi_recv_int64(buf, TYPE_NAME);
	s->max_us = kpi_recv_int64(buf, TYPE_NAME);
	entries = kpi_recv_int32(buf, TYPE_NAME);
	if (form == FORM_EXACT)
	{
		if (entries < 1 || entries > EXACT_MAX || entries * 8 > buf->len - buf->cursor)
			kpi_recv_error(TYPE_NAME, "Its number of durations does not match its length.");
		s = with_exact_room(s, (int32) entries);
		for (int64 i = 0; i < entries; i++)
		{
			int64		us = pq_getmsgint64(buf);

			if (i > 0 && us < exact_values(s)[i - 1])
				kpi_recv_error(TYPE_NAME, "Its durations are not in increasing order.");
			exact_values(s)[s->used++] = us;
		}
	}
	else
	{
		if (entries < 0 || entries > MAX_BUCKET + 1 || entries * 10 > buf->len - buf->cursor)
			kpi_recv_error(TYPE_NAME, "Its bucket count does not match its length.");
		s = relaid(s, false, 0, 0, (int32) entries);
		for (int64 i = 0; i < entries; i++)
		{
			sparse_buckets(s)[s->used] = (uint16) pq_getmsgint(buf, 2);
			s->counts[s->used++] = pq_getmsgint64(buf);
		}
	}
	if ((problem = summary_problem(s)) != NULL)
		kpi_recv_error(TYPE_NAME, problem);
	PG_RETURN_POINTER(compacted(s));
}

/*
 * The duration aggregates over a timestamp: the column is a point in time,
 * and the analyst almost always meant the time elapsed since another one.
 * PostgreSQL's own "does not exist ... add explicit type casts" would not
 * say so.
 */
PG_FUNCTION_INFO_V1(duration_summary_reject_point_in_time);
Datum
duration_summary_reject_point_in_time(PG_FUNCTION_ARGS)
{
	const char *name = kpi_caller_name(fcinfo);

	ereport(ERROR,
			(errcode(ERRCODE_DATATYPE_MISMATCH),
			 errmsg("%s: takes a duration (interval), not a point in time", name),
			 errhint("Pass the time elapsed, finish minus start: %s(resolved_at - opened_at%s).",
					 name, PG_NARGS() > 2 ? ", 0.9" : "")));
	PG_RETURN_NULL();
}
