/*
 * btyd.c
 *		"Buy 'til you die" models fitted inside the database: BG/NBD and
 *		Pareto/NBD for repeat purchases with silent churn, Gamma-Gamma for
 *		spend per purchase, the shifted-beta-geometric (sBG) for
 *		subscription retention.
 *
 * The likelihoods depend on a customer only through (x, t_x, t), or
 * (x, mean value), so the aggregates' state, btyd_summary, keeps weighted
 * distinct tuples, not customers, and states combine exactly across
 * workers and shards.  Inside an aggregate tuples are appended and, when
 * the room runs out, sorted and merged in place (growing only if that
 * frees less than half); outside it they are sorted and distinct, which is
 * the canonical form send writes.
 *
 * Times and mean values in float are nearly all distinct in large data,
 * so beyond BTYD_EXACT_TUPLES distinct tuples a state is gridded: t_x, t
 * and mean values are rounded to the middle of a fixed cell of
 * BTYD_GRID_BITS significant bits (relative error below 2^-(BITS+1)), and
 * x is kept exact; each cell keeps where its values lay, so the fit uses
 * their mean.  Beyond BTYD_MAX_TUPLES cells the grid coarsens one bit at
 * a time (nested grids: a cell is two cells of the finer grid) down to
 * BTYD_MIN_GRID_BITS, so the state stays within a fixed budget whatever
 * the customers; only on that coarsest grid, with many distinct x, may it
 * grow beyond, bounded by the range of the values.  The cells depend on
 * the value alone, and a state's grid is the finest at which all its rows
 * fit, so any split of the rows gives the same tuples and the same fit
 * (state_compact).
 *
 * The final functions fit by maximum likelihood over log parameters:
 * Nelder-Mead with restarts, then Newton steps on a finite-difference
 * Hessian.  A fit counts as converged only when the gradient vanishes and
 * the Hessian is positive definite, i.e. at a strict maximum; otherwise the
 * model says so.  Models are small fixed-size values.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

/* version 2 is written only for grids coarser than level 0 */
#define BTYD_STATE_VERSION	1
#define BTYD_COARSE_VERSION	2
#define BTYD_MODEL_VERSION	1

typedef enum BtydKind
{
	BTYD_BGNBD = 1,
	BTYD_PARETO = 2,
	BTYD_GG = 3,
	BTYD_SBG = 4
} BtydKind;

#define BTYD_MAX_KIND	BTYD_SBG
#define BTYD_MAX_PARAMS 4

static const char *const STATE_TYPE = "btyd_summary";
static const char *const KIND_WORDS[] = {NULL, "bgnbd", "pareto_nbd", "gamma_gamma", "sbg"};
static const char *const MODEL_TYPES[] = {NULL, "bgnbd_model", "pareto_nbd_model", "gamma_gamma_model", "sbg_model"};
static const int KIND_PARAMS[] = {0, 4, 4, 3, 2};
static const char *const PARAM_NAMES[][BTYD_MAX_PARAMS] = {
	{NULL},
	{"r", "alpha", "a", "b"},
	{"r", "alpha", "s", "beta"},
	{"p", "q", "v"},
	{"alpha", "beta"},
};

/*
 * One distinct row: BG/NBD and Pareto/NBD (x, t_x, t), Gamma-Gamma
 * (x, mean value, 0) with weight the customers sharing it; sBG (period, 0,
 * 0) with weight the customers alive, so rows of one period add up.  In a
 * gridded state a and b are the middles of grid cells and offset_a and
 * offset_b the sums over the cell's customers of where their values lay in
 * it, in 1/2^BTYD_OFFSET_BITS of a level-0 cell whatever the state's
 * level: integers, so they add up exactly in any order and on any level,
 * and the fit uses each cell's mean, not its middle.
 */
typedef struct BtydTuple
{
	int64		x;
	float8		a;
	float8		b;
	int64		weight;
	int64		offset_a;		/* gridded states only; else 0 */
	int64		offset_b;
} BtydTuple;

typedef struct BtydSummary
{
	int32		vl_len_;
	uint8		version;
	uint8		kind;
	uint8		sorted;			/* tuples sorted and distinct */
	uint8		gridded;		/* 0: exact; else 1 + the grid's level */
	int32		capacity;
	int32		used;
	int64		rows;			/* sum of the weights */
	BtydTuple	tuples[FLEXIBLE_ARRAY_MEMBER];
} BtydSummary;

#define BTYD_HEADER_SIZE	offsetof(BtydSummary, tuples)
#define BTYD_MIN_CAPACITY	16
#define BTYD_MAX_CAPACITY	((int32) ((MaxAllocSize - BTYD_HEADER_SIZE) / sizeof(BtydTuple)))

/*
 * Distinct tuples kept exact (CDNOW has 1,016); beyond them a state is on
 * the finest grid that holds BTYD_MAX_TUPLES tuples at most (1.5 MB).  The
 * grid of level 0 has BTYD_GRID_BITS bits, level k BTYD_GRID_BITS - k,
 * down to BTYD_MIN_GRID_BITS.  Offsets count 1/2^BTYD_OFFSET_BITS of a
 * level-0 cell at every level.
 */
#define BTYD_EXACT_TUPLES	16384
#define BTYD_MAX_TUPLES		32768
#define BTYD_GRID_BITS		6
#define BTYD_MIN_GRID_BITS	3
#define BTYD_MAX_LEVEL		(BTYD_GRID_BITS - BTYD_MIN_GRID_BITS)
#define BTYD_OFFSET_BITS	16
#define BTYD_OFFSET_SHIFT	(52 - BTYD_GRID_BITS - BTYD_OFFSET_BITS)
/*
 * Fits of more tuples than BTYD_COARSE_FROM start on coarser grids:
 * Nelder-Mead on 3 bits, Newton on 4, then Newton on all the data.
 */
#define BTYD_COARSE_FROM	4096
#define BTYD_COARSE_BITS	3
#define BTYD_MEDIUM_BITS	4

/* The fitted model; the same layout for the four model types. */
typedef struct BtydModel
{
	uint8		version;
	uint8		kind;
	uint8		converged;
	uint8		reserved;		/* zero */
	int32		iterations;
	int64		customers;
	float8		log_likelihood;
	float8		params[BTYD_MAX_PARAMS];	/* unused ones are zero */
} BtydModel;

StaticAssertDecl(sizeof(BtydModel) == 56, "btyd model types are declared with INTERNALLENGTH = 56");

#define PG_GETARG_BTYD_STATE(n)	((BtydSummary *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))
#define PG_GETARG_BTYD_MODEL(n)	((BtydModel *) PG_GETARG_POINTER(n))

/* The series behind the hypergeometric terms: enough for any argument below ~0.9997. */
#define HYP2F1_MAX_TERMS	200000

static Size
state_size(int32 capacity)
{
	return BTYD_HEADER_SIZE + (Size) capacity * sizeof(BtydTuple);
}

static BtydSummary *
state_new(BtydKind kind, int32 capacity)
{
	BtydSummary  *s = palloc0(state_size(capacity));

	SET_VARSIZE(s, state_size(capacity));
	s->version = BTYD_STATE_VERSION;
	s->kind = kind;
	s->sorted = true;
	s->capacity = capacity;
	return s;
}

static void
state_check(const BtydSummary *s)
{
	if (s->version != BTYD_STATE_VERSION)
		kpi_corrupt(STATE_TYPE, psprintf("Format version %d is not supported.", s->version));
	if (s->kind < 1 || s->kind > BTYD_MAX_KIND || s->sorted > 1 ||
		s->gridded > 1 + BTYD_MAX_LEVEL || (s->gridded && s->kind == BTYD_SBG) ||
		s->capacity < 0 || s->used < 0 || s->used > s->capacity || s->rows < 0 ||
		VARSIZE(s) != state_size(s->capacity))
		kpi_corrupt(STATE_TYPE, "The header does not match the data.");
}

static int
compare_float8(float8 a, float8 b)
{
	return (a > b) - (a < b);
}

static int
compare_tuples(const void *pa, const void *pb)
{
	const BtydTuple *a = pa;
	const BtydTuple *b = pb;

	if (a->x != b->x)
		return (a->x > b->x) - (a->x < b->x);
	if (a->a != b->a)
		return compare_float8(a->a, b->a);
	return compare_float8(a->b, b->b);
}

/*
 * The grid: at grid_bits bits v's cell keeps the top grid_bits bits of the
 * mantissa; its key is the cell's middle (the next bit set, the rest
 * cleared) and v's offset in it the bits below the cell's, down to
 * 1/2^BTYD_OFFSET_BITS of a level-0 cell, so BTYD_OFFSET_BITS + level bits.
 * Exact bit operations, so the same everywhere; monotonic, so t_x <= t
 * stays true; 0 is its own cell.  The grids are nested: a cell of level
 * k + 1 is two cells of level k, so rounding a key of level k again at
 * level k + 1 gives the cell of the value it came from.
 */
static float8
grid_key(float8 v, int grid_bits, int64 *offset)
{
	uint64		bits;
	const uint64 low = (UINT64CONST(1) << (52 - grid_bits)) - 1;

	*offset = 0;
	if (v == 0)
		return v;
	memcpy(&bits, &v, sizeof(bits));
	*offset = (int64) ((bits & low) >> BTYD_OFFSET_SHIFT);
	bits = (bits & ~low) | ((low + 1) >> 1);
	memcpy(&v, &bits, sizeof(v));
	return v;
}

static int
level_bits(int level)
{
	return BTYD_GRID_BITS - level;
}

/* The largest offset one value can have in a cell of the level. */
static int64
level_max_offset(int level)
{
	return (INT64CONST(1) << (BTYD_OFFSET_BITS + level)) - 1;
}

/* A cell's mean from its key, level, customers and summed offsets. */
static double
grid_mean(float8 key, int level, int64 weight, int64 offset)
{
	uint64		bits;
	const uint64 low = (UINT64CONST(1) << (52 - level_bits(level))) - 1;
	float8		start,
				scale;

	if (key == 0)
		return key;
	memcpy(&bits, &key, sizeof(bits));
	bits &= ~low;
	memcpy(&start, &bits, sizeof(start));
	bits &= ~((UINT64CONST(1) << 52) - 1);	/* 2^exponent */
	memcpy(&scale, &bits, sizeof(scale));
	return start + ldexp(scale, -BTYD_GRID_BITS) *
		(((double) offset / (double) weight + 0.5) / (double) (1 << BTYD_OFFSET_BITS));
}

pg_noreturn static void
offset_overflow(int level)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s offset overflows bigint", STATE_TYPE),
			 errdetail("A grid cell of %d bits holds at most " INT64_FORMAT " customers.",
					   level_bits(level), PG_INT64_MAX / (level_max_offset(level) + 1) + 1)));
}

/* Rounds an exact tuple to the grid of the level. */
static void
grid_tuple(BtydTuple *t, int level)
{
	int64		offset;

	t->a = grid_key(t->a, level_bits(level), &offset);
	if (pg_mul_s64_overflow(offset, t->weight, &t->offset_a))
		offset_overflow(level);
	t->b = grid_key(t->b, level_bits(level), &offset);
	if (pg_mul_s64_overflow(offset, t->weight, &t->offset_b))
		offset_overflow(level);
}

/*
 * A key of level one level coarser; its customers' offsets gain a cell of
 * the level each if the key lay in the upper half, as the value's would.
 */
static float8
coarser_key(float8 key, int level, int64 weight, int64 *offset)
{
	uint64		bits;
	int64		unused;

	if (key == 0)
		return key;
	memcpy(&bits, &key, sizeof(bits));
	if (bits & (UINT64CONST(1) << (52 - level_bits(level))))
	{
		int64		upper;

		if (pg_mul_s64_overflow(weight, level_max_offset(level) + 1, &upper) ||
			pg_add_s64_overflow(*offset, upper, offset))
			offset_overflow(level + 1);
	}
	return grid_key(key, level_bits(level + 1), &unused);
}

/*
 * Brings a tuple from its grid (gridded as in BtydSummary) to the state's
 * coarser or equal one.
 */
static void
tuple_to_grid(BtydTuple *t, uint8 from, uint8 to)
{
	if (from == to)
		return;
	Assert(from < to);
	if (from == 0)
	{
		grid_tuple(t, to - 1);
		return;
	}
	for (int level = from - 1; level < to - 1; level++)
	{
		t->a = coarser_key(t->a, level, t->weight, &t->offset_a);
		t->b = coarser_key(t->b, level, t->weight, &t->offset_b);
	}
}

/* Why a tuple of a grid of the level is impossible, or NULL. */
static char *
grid_problem(const BtydTuple *t, int level)
{
	float8		v[2] = {t->a, t->b};
	int64		offset[2] = {t->offset_a, t->offset_b};

	for (int i = 0; i < 2; i++)
	{
		int64		unused;

		if (grid_key(v[i], level_bits(level), &unused) != v[i])
			return psprintf("%s is not the middle of a grid cell", kpi_float8_text(v[i]));
		if (offset[i] < 0 || (v[i] == 0 && offset[i] != 0) ||
			(double) offset[i] > (double) t->weight * (double) level_max_offset(level))
			return psprintf("offset " INT64_FORMAT " is outside 0..%s", offset[i],
							v[i] == 0 ? "0" : psprintf("n * " INT64_FORMAT, level_max_offset(level)));
	}
	return NULL;
}

/* Sorts and merges equal tuples in place. */
static void
state_merge_equal(BtydSummary *s)
{
	int32		out = 0;

	qsort(s->tuples, s->used, sizeof(BtydTuple), compare_tuples);
	for (int32 i = 0; i < s->used; i++)
	{
		if (out > 0 && compare_tuples(&s->tuples[out - 1], &s->tuples[i]) == 0)
		{
			BtydTuple  *into = &s->tuples[out - 1];

			into->weight = kpi_add_count(into->weight, s->tuples[i].weight, STATE_TYPE);
			if (pg_add_s64_overflow(into->offset_a, s->tuples[i].offset_a, &into->offset_a) ||
				pg_add_s64_overflow(into->offset_b, s->tuples[i].offset_b, &into->offset_b))
				offset_overflow(Max(s->gridded, 1) - 1);
		}
		else
			s->tuples[out++] = s->tuples[i];
	}
	s->used = out;
	s->sorted = true;
}

/*
 * Moves the tuples to a grid coarser than the state's (from exact to
 * level 0, or one level up) and merges those sharing a cell.
 */
static void
state_regrid(BtydSummary *s, uint8 gridded)
{
	Assert(gridded > s->gridded && gridded <= 1 + BTYD_MAX_LEVEL);
	for (int32 i = 0; i < s->used; i++)
		tuple_to_grid(&s->tuples[i], s->gridded, gridded);
	s->gridded = gridded;
	state_merge_equal(s);
}

/*
 * Sorted and distinct, exact up to BTYD_EXACT_TUPLES tuples, else on the
 * finest grid that holds BTYD_MAX_TUPLES at most.  On the coarsest grid x
 * stays exact, so there the state may grow beyond that, with the distinct
 * x values: an error would refuse data the models fit well, and the grid
 * still bounds the tuples of each x (8 cells an octave of each value).
 *
 * Every row's cell at every level depends on the row alone, and a cell of
 * a level holds whole cells of the finer levels (and of exact tuples), so
 * a set of rows never has more cells at a level than a set holding it.  The states of a part
 * of the rows therefore are never coarser than the grid of all of them;
 * combining brings both to the coarser of the two, and the compaction
 * here coarsens only while the rows present do not fit, which all rows
 * would not either.  So the final state is the finest level at which all
 * rows' cells fit the budget, with those cells: a function of the multiset
 * of rows, whatever split (workers, partitions, shards) and order they
 * came in.
 */
static void
state_compact(BtydSummary *s)
{
	if (!s->sorted)
		state_merge_equal(s);
	if (s->kind == BTYD_SBG)
		return;
	if (!s->gridded && s->used > BTYD_EXACT_TUPLES)
		state_regrid(s, 1);
	while (s->gridded && s->gridded <= BTYD_MAX_LEVEL && s->used > BTYD_MAX_TUPLES)
		state_regrid(s, s->gridded + 1);
}

/* True if state_compact would leave s as it is. */
static bool
state_compacted(const BtydSummary *s)
{
	if (!s->sorted)
		return false;
	if (s->kind == BTYD_SBG)
		return true;
	if (!s->gridded)
		return s->used <= BTYD_EXACT_TUPLES;
	return s->used <= BTYD_MAX_TUPLES || s->gridded == 1 + BTYD_MAX_LEVEL;
}

/* A copy of s with room for at least extra more tuples. */
static BtydSummary *
state_grown(BtydSummary *s, int64 extra)
{
	int64		capacity = Max(s->capacity, BTYD_MIN_CAPACITY);
	BtydSummary  *copy;

	while (capacity < s->used + extra)
		capacity *= 2;
	if (capacity > BTYD_MAX_CAPACITY)
	{
		if (s->used + extra > BTYD_MAX_CAPACITY)
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("a %s cannot hold " INT64_FORMAT " distinct tuples",
							STATE_TYPE, s->used + extra),
					 errdetail("One state holds at most %d distinct tuples in 1 GB.", BTYD_MAX_CAPACITY),
					 errhint("Round the times, for example to whole days or weeks.")));
		capacity = BTYD_MAX_CAPACITY;
	}
	copy = state_new(s->kind, (int32) capacity);
	copy->sorted = s->sorted;
	copy->gridded = s->gridded;
	copy->used = s->used;
	copy->rows = s->rows;
	memcpy(copy->tuples, s->tuples, (Size) s->used * sizeof(BtydTuple));
	return copy;
}

/*
 * Appends a tuple, making room first by merging, else by growing; from
 * says which grid the tuple is on (gridded as in BtydSummary).
 */
static BtydSummary *
state_append(BtydSummary *s, const BtydTuple *tuple, uint8 from)
{
	BtydTuple	t = *tuple;

	if (s->used == s->capacity)
	{
		state_compact(s);
		/* room for as many again, so that merging stays rare */
		if (s->used >= s->capacity / 2)
			s = state_grown(s, Max(s->used, 1));
	}
	if (from < s->gridded)
		tuple_to_grid(&t, from, s->gridded);
	if (s->used > 0 && s->sorted &&
		compare_tuples(&s->tuples[s->used - 1], &t) >= 0)
		s->sorted = false;
	s->tuples[s->used++] = t;
	s->rows = kpi_add_count(s->rows, t.weight, STATE_TYPE);
	return s;
}

/* The sorted, distinct form (a copy unless s already is). */
static BtydSummary *
state_canonical(BtydSummary *s)
{
	BtydSummary  *copy;

	if (s->used == s->capacity && state_compacted(s))
		return s;
	copy = state_new(s->kind, s->used);
	copy->sorted = s->sorted;
	copy->gridded = s->gridded;
	copy->used = s->used;
	copy->rows = s->rows;
	memcpy(copy->tuples, s->tuples, (Size) s->used * sizeof(BtydTuple));
	state_compact(copy);
	SET_VARSIZE(copy, state_size(copy->used));
	copy->capacity = copy->used;
	return copy;
}

static Datum
state_result(FunctionCallInfo fcinfo, BtydSummary *s)
{
	PG_RETURN_POINTER(kpi_in_aggregate(fcinfo) ? s : state_canonical(s));
}

/* The state to change: in place inside an aggregate, else a copy. */
static BtydSummary *
state_mutable(FunctionCallInfo fcinfo, BtydSummary *s, BtydKind kind)
{
	state_check(s);
	if (s->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: this %s holds %s rows, not %s rows",
						kpi_caller_name(fcinfo), STATE_TYPE, KIND_WORDS[s->kind], KIND_WORDS[kind])));
	if (kpi_in_aggregate(fcinfo))
		return s;
	return state_grown(s, 0);
}

/*
 * Why a tuple is impossible, or NULL.  t_x and t (BG/NBD, Pareto/NBD) and
 * the mean value (Gamma-Gamma) are checked here for transitions and input
 * alike.  -0 is taken as 0 so that equal tuples have equal bytes.
 */
static char *
tuple_problem(BtydKind kind, BtydTuple *t)
{
	if (t->a == 0)
		t->a = 0;
	if (t->b == 0)
		t->b = 0;
	switch (kind)
	{
		case BTYD_BGNBD:
		case BTYD_PARETO:
			if (t->x < 0)
				return psprintf("x " INT64_FORMAT " is outside 0..9223372036854775807", t->x);
			if (!isfinite(t->b) || t->b < 0)
				return psprintf("t %s is outside 0..1.7976931348623157e+308", kpi_float8_text(t->b));
			if (!isfinite(t->a) || t->a < 0 || t->a > t->b)
				return psprintf("t_x %s is outside 0..t (t = %s)", kpi_float8_text(t->a), kpi_float8_text(t->b));
			if (t->x == 0 && t->a != 0)
				return psprintf("t_x %s is outside 0..0: without repeat purchases (x = 0) there is no last one",
								kpi_float8_text(t->a));
			break;
		case BTYD_GG:
			if (t->x < 1)
				return psprintf("x " INT64_FORMAT " is outside 1..9223372036854775807", t->x);
			if (!isfinite(t->a) || t->a <= 0)
				return psprintf("mean_value %s is outside (0, 1.7976931348623157e+308]", kpi_float8_text(t->a));
			if (t->b != 0)
				return pstrdup("a gamma_gamma row has no third value");
			break;
		case BTYD_SBG:
			if (t->x < 0 || t->x > PG_INT32_MAX)
				return psprintf("period " INT64_FORMAT " is outside 0..2147483647", t->x);
			if (t->weight < 0)
				return psprintf("alive " INT64_FORMAT " is outside 0..9223372036854775807", t->weight);
			if (t->a != 0 || t->b != 0)
				return pstrdup("an sbg row has only a period and a count");
			break;
	}
	if (kind != BTYD_SBG && t->weight < 1)
		return psprintf("weight " INT64_FORMAT " is outside 1..9223372036854775807", t->weight);
	return NULL;
}

static Datum
state_add(FunctionCallInfo fcinfo, BtydKind kind, BtydTuple *t)
{
	BtydSummary  *s;
	char	   *problem = tuple_problem(kind, t);

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s", kpi_caller_name(fcinfo), problem)));
	if (PG_ARGISNULL(0))
		s = state_new(kind, BTYD_MIN_CAPACITY);
	else
		s = state_mutable(fcinfo, PG_GETARG_BTYD_STATE(0), kind);
	return state_result(fcinfo, state_append(s, t, false));
}

static Datum
state_keep(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

/* Transition functions; rows with a NULL are skipped. */
static Datum
add_purchases(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydTuple	t = {0};

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
		return state_keep(fcinfo);
	t.x = PG_GETARG_INT64(1);
	t.a = PG_GETARG_FLOAT8(2);
	t.b = PG_GETARG_FLOAT8(3);
	t.weight = 1;
	return state_add(fcinfo, kind, &t);
}

PG_FUNCTION_INFO_V1(btyd_summary_add_bgnbd);
Datum
btyd_summary_add_bgnbd(PG_FUNCTION_ARGS)
{
	return add_purchases(fcinfo, BTYD_BGNBD);
}

PG_FUNCTION_INFO_V1(btyd_summary_add_pareto_nbd);
Datum
btyd_summary_add_pareto_nbd(PG_FUNCTION_ARGS)
{
	return add_purchases(fcinfo, BTYD_PARETO);
}

/* Customers without repeat purchases say nothing about spend: skipped. */
PG_FUNCTION_INFO_V1(btyd_summary_add_gamma_gamma);
Datum
btyd_summary_add_gamma_gamma(PG_FUNCTION_ARGS)
{
	BtydTuple	t = {0};

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_keep(fcinfo);
	t.x = PG_GETARG_INT64(1);
	if (t.x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: x " INT64_FORMAT " is outside 0..9223372036854775807",
						kpi_caller_name(fcinfo), t.x)));
	if (t.x == 0)
		return state_keep(fcinfo);
	t.a = PG_GETARG_FLOAT8(2);
	t.weight = 1;
	return state_add(fcinfo, BTYD_GG, &t);
}

PG_FUNCTION_INFO_V1(btyd_summary_add_sbg);
Datum
btyd_summary_add_sbg(PG_FUNCTION_ARGS)
{
	BtydTuple	t = {0};

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return state_keep(fcinfo);
	t.x = PG_GETARG_INT32(1);
	t.weight = PG_GETARG_INT64(2);
	return state_add(fcinfo, BTYD_SBG, &t);
}

/*
 * Combine function of the four fits: the tuples of both, on the coarser
 * grid of the two (state_compact says why any split gives one state).
 */
PG_FUNCTION_INFO_V1(btyd_summary_merge);
Datum
btyd_summary_merge(PG_FUNCTION_ARGS)
{
	BtydSummary  *other = PG_GETARG_BTYD_STATE(1);
	BtydSummary  *s;

	state_check(other);
	/* a worker's state may hold twice the budget unmerged: merge it first */
	other = state_canonical(other);
	s = state_mutable(fcinfo, PG_GETARG_BTYD_STATE(0), other->kind);
	if (other->gridded > s->gridded)
		state_regrid(s, other->gridded);
	if (s->used + (int64) other->used > s->capacity)
	{
		state_compact(s);
		if (s->used + (int64) other->used > s->capacity)
			s = state_grown(s, other->used);
	}
	for (int32 i = 0; i < other->used; i++)
		s = state_append(s, &other->tuples[i], other->gridded);
	return state_result(fcinfo, s);
}

/*
 * Text form: "v1 bgnbd rows=3; x=0 t_x=0 t=10 n=2; x=2 t_x=4 t=9 n=1",
 * with "gridded" after the rows when the values are grid cells, and then
 * each tuple's offsets after its count: "t_x_offset=0 t_offset=1234" or
 * "mean_value_offset=1234".  A grid coarser than level 0 is version 2 and
 * says its bits: "v2 bgnbd rows=9 gridded bits=4; ...".
 */

/* The version the text and binary forms of a state are written in. */
static int
state_version(const BtydSummary *s)
{
	return s->gridded > 1 ? BTYD_COARSE_VERSION : BTYD_STATE_VERSION;
}

/* A coarse grid's gridded from its bits, or 0 if no version-2 grid has them. */
static uint8
coarse_gridded(int64 bits)
{
	if (bits < BTYD_MIN_GRID_BITS || bits >= BTYD_GRID_BITS)
		return 0;
	return (uint8) (1 + BTYD_GRID_BITS - bits);
}

static char *
coarse_bits_problem(int64 bits)
{
	return psprintf("A version %d grid has %d to %d bits, not " INT64_FORMAT ".",
					BTYD_COARSE_VERSION, BTYD_MIN_GRID_BITS, BTYD_GRID_BITS - 1, bits);
}

static void
append_tuple(StringInfo buf, BtydKind kind, bool gridded, const BtydTuple *t)
{
	switch (kind)
	{
		case BTYD_BGNBD:
		case BTYD_PARETO:
			appendStringInfo(buf, "; x=" INT64_FORMAT " t_x=%s t=%s n=" INT64_FORMAT,
							 t->x, kpi_float8_text(t->a), kpi_float8_text(t->b), t->weight);
			if (gridded)
				appendStringInfo(buf, " t_x_offset=" INT64_FORMAT " t_offset=" INT64_FORMAT,
								 t->offset_a, t->offset_b);
			break;
		case BTYD_GG:
			appendStringInfo(buf, "; x=" INT64_FORMAT " mean_value=%s n=" INT64_FORMAT,
							 t->x, kpi_float8_text(t->a), t->weight);
			if (gridded)
				appendStringInfo(buf, " mean_value_offset=" INT64_FORMAT, t->offset_a);
			break;
		case BTYD_SBG:
			appendStringInfo(buf, "; period=" INT64_FORMAT " alive=" INT64_FORMAT, t->x, t->weight);
			break;
	}
}

PG_FUNCTION_INFO_V1(btyd_summary_out);
Datum
btyd_summary_out(PG_FUNCTION_ARGS)
{
	BtydSummary  *s = PG_GETARG_BTYD_STATE(0);
	StringInfoData buf;

	state_check(s);
	s = state_canonical(s);
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s rows=" INT64_FORMAT "%s", state_version(s), KIND_WORDS[s->kind], s->rows,
					 s->gridded ? " gridded" : "");
	if (s->gridded > 1)
		appendStringInfo(&buf, " bits=%d", level_bits(s->gridded - 1));
	for (int32 i = 0; i < s->used; i++)
		append_tuple(&buf, s->kind, s->gridded, &s->tuples[i]);
	PG_RETURN_CSTRING(buf.data);
}

/* A state read from outside: tuples checked, merged, and rows matching them. */
static BtydSummary *
state_from_tuples(BtydKind kind, uint8 gridded, BtydTuple *tuples, int32 n, int64 rows,
				  void (*fail) (void *arg, const char *problem), void *arg)
{
	BtydSummary  *s = state_new(kind, Max(n, 1));
	int64		sum = 0;

	if (gridded && kind == BTYD_SBG)
		fail(arg, "An sbg state is never gridded.");
	s->gridded = gridded;

	for (int32 i = 0; i < n; i++)
	{
		char	   *problem = tuple_problem(kind, &tuples[i]);

		if (problem == NULL && gridded)
			problem = grid_problem(&tuples[i], gridded - 1);
		if (problem != NULL)
			fail(arg, psprintf("Tuple %d is impossible: %s.", i + 1, problem));
		if (pg_add_s64_overflow(sum, tuples[i].weight, &sum))
			fail(arg, "The tuples' counts overflow bigint.");
		s = state_append(s, &tuples[i], gridded);
	}
	if (sum != rows)
		fail(arg, psprintf("rows=" INT64_FORMAT " does not match the tuples' counts, which add up to " INT64_FORMAT ".",
						   rows, sum));
	return state_canonical(s);
}

static void
text_fail(void *arg, const char *problem)
{
	kpi_text_invalid((const KpiTextCursor *) arg, problem);
}

static void
recv_fail(void *arg, const char *problem)
{
	kpi_recv_error(STATE_TYPE, problem);
}

PG_FUNCTION_INFO_V1(btyd_summary_in);
Datum
btyd_summary_in(PG_FUNCTION_ARGS)
{
	KpiTextCursor cur;
	BtydKind	kind = 0;
	int64		rows;
	BtydTuple  *tuples;
	int32		n = 0;
	int32		room = 16;
	int			version;
	uint8		gridded;

	kpi_text_init(&cur, STATE_TYPE, PG_GETARG_CSTRING(0));
	version = kpi_text_versions(&cur, BTYD_STATE_VERSION, BTYD_COARSE_VERSION);
	kpi_text_skip_space(&cur);
	for (int k = BTYD_MAX_KIND; k >= 1; k--)
	{
		if (kpi_text_accept(&cur, KIND_WORDS[k]))
		{
			kind = k;
			break;
		}
	}
	if (kind == 0)
		kpi_text_error(&cur, "bgnbd, pareto_nbd, gamma_gamma or sbg");
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "rows=");
	rows = kpi_text_count(&cur);
	kpi_text_skip_space(&cur);
	if (version == BTYD_COARSE_VERSION)
	{
		int64		bits;

		kpi_text_expect(&cur, "gridded");
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, "bits=");
		bits = kpi_text_count(&cur);
		gridded = coarse_gridded(bits);
		if (gridded == 0)
			kpi_text_invalid(&cur, coarse_bits_problem(bits));
	}
	else
		gridded = kpi_text_accept(&cur, "gridded") ? 1 : 0;
	tuples = palloc(room * sizeof(BtydTuple));
	for (;;)
	{
		BtydTuple	t = {0};

		kpi_text_skip_space(&cur);
		if (!kpi_text_accept(&cur, ";"))
			break;
		if (n == BTYD_MAX_CAPACITY)
			kpi_text_invalid(&cur, "There are too many tuples.");
		kpi_text_skip_space(&cur);
		if (kind == BTYD_SBG)
		{
			kpi_text_expect(&cur, "period=");
			t.x = kpi_text_count(&cur);
			kpi_text_skip_space(&cur);
			kpi_text_expect(&cur, "alive=");
			t.weight = kpi_text_count(&cur);
		}
		else
		{
			kpi_text_expect(&cur, "x=");
			t.x = kpi_text_count(&cur);
			kpi_text_skip_space(&cur);
			if (kind == BTYD_GG)
			{
				kpi_text_expect(&cur, "mean_value=");
				t.a = kpi_text_float8(&cur, "a mean value");
			}
			else
			{
				kpi_text_expect(&cur, "t_x=");
				t.a = kpi_text_float8(&cur, "a time");
				kpi_text_skip_space(&cur);
				kpi_text_expect(&cur, "t=");
				t.b = kpi_text_float8(&cur, "a time");
			}
			kpi_text_skip_space(&cur);
			kpi_text_expect(&cur, "n=");
			t.weight = kpi_text_count(&cur);
			if (gridded)
			{
				kpi_text_skip_space(&cur);
				kpi_text_expect(&cur, kind == BTYD_GG ? "mean_value_offset=" : "t_x_offset=");
				t.offset_a = kpi_text_count(&cur);
				if (kind != BTYD_GG)
				{
					kpi_text_skip_space(&cur);
					kpi_text_expect(&cur, "t_offset=");
					t.offset_b = kpi_text_count(&cur);
				}
			}
		}
		if (n == room)
		{
			room = (int32) Min((int64) room * 2, (int64) BTYD_MAX_CAPACITY);
			tuples = repalloc(tuples, (Size) room * sizeof(BtydTuple));
		}
		tuples[n++] = t;
	}
	kpi_text_end(&cur);
	PG_RETURN_POINTER(state_from_tuples(kind, gridded, tuples, n, rows, text_fail, &cur));
}

/*
 * Binary form: version, kind, gridded (0 or 1), in version 2 the grid's
 * bits, then rows, tuple count and the sorted tuples (x, a, b, count, and
 * when gridded the two offsets).
 */
PG_FUNCTION_INFO_V1(btyd_summary_send);
Datum
btyd_summary_send(PG_FUNCTION_ARGS)
{
	BtydSummary  *s = PG_GETARG_BTYD_STATE(0);
	StringInfoData buf;

	state_check(s);
	s = state_canonical(s);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, state_version(s));
	pq_sendbyte(&buf, s->kind);
	pq_sendbyte(&buf, s->gridded > 0);
	if (s->gridded > 1)
		pq_sendbyte(&buf, level_bits(s->gridded - 1));
	pq_sendint64(&buf, s->rows);
	pq_sendint32(&buf, s->used);
	for (int32 i = 0; i < s->used; i++)
	{
		pq_sendint64(&buf, s->tuples[i].x);
		pq_sendfloat8(&buf, s->tuples[i].a);
		pq_sendfloat8(&buf, s->tuples[i].b);
		pq_sendint64(&buf, s->tuples[i].weight);
		if (s->gridded)
		{
			pq_sendint64(&buf, s->tuples[i].offset_a);
			pq_sendint64(&buf, s->tuples[i].offset_b);
		}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(btyd_summary_recv);
Datum
btyd_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, STATE_TYPE);
	uint8		kind;
	uint8		gridded;
	int64		rows;
	int32		n;
	BtydTuple  *tuples;

	if (version != BTYD_STATE_VERSION && version != BTYD_COARSE_VERSION)
		kpi_recv_error(STATE_TYPE, psprintf("Format version %d is not supported.", version));
	kind = kpi_recv_uint8(buf, STATE_TYPE);
	if (kind < 1 || kind > BTYD_MAX_KIND)
		kpi_recv_error(STATE_TYPE, psprintf("Model kind %d is unknown.", kind));
	gridded = kpi_recv_uint8(buf, STATE_TYPE);
	if (gridded > 1)
		kpi_recv_error(STATE_TYPE, "The grid flag is neither 0 nor 1.");
	if (version == BTYD_COARSE_VERSION)
	{
		uint8		bits;

		if (!gridded)
			kpi_recv_error(STATE_TYPE, psprintf("A version %d state is gridded.", BTYD_COARSE_VERSION));
		bits = kpi_recv_uint8(buf, STATE_TYPE);
		gridded = coarse_gridded(bits);
		if (gridded == 0)
			kpi_recv_error(STATE_TYPE, coarse_bits_problem(bits));
	}
	rows = kpi_recv_int64(buf, STATE_TYPE);
	n = kpi_recv_int32(buf, STATE_TYPE);
	if (n < 0 || (int64) n * (gridded ? 48 : 32) > buf->len - buf->cursor)
		kpi_recv_error(STATE_TYPE, "The tuple count does not match the data.");
	tuples = palloc_extended(Max((Size) n, 1) * sizeof(BtydTuple), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	for (int32 i = 0; i < n; i++)
	{
		tuples[i].x = kpi_recv_int64(buf, STATE_TYPE);
		tuples[i].a = kpi_recv_float8(buf, STATE_TYPE);
		tuples[i].b = kpi_recv_float8(buf, STATE_TYPE);
		tuples[i].weight = kpi_recv_int64(buf, STATE_TYPE);
		if (gridded)
		{
			tuples[i].offset_a = kpi_recv_int64(buf, STATE_TYPE);
			tuples[i].offset_b = kpi_recv_int64(buf, STATE_TYPE);
		}
	}
	if (buf->cursor != buf->len)
		kpi_recv_error(STATE_TYPE, "There is data after the last tuple.");
	PG_RETURN_POINTER(state_from_tuples(kind, gridded, tuples, n, rows, recv_fail, NULL));
}

KPI_EQUALITY_FUNCTIONS(btyd_summary)

/*
 * Special functions.
 */

/* log Beta(a, b) */
static double
lbeta(double a, double b)
{
	return lgamma(a) + lgamma(b) - lgamma(a + b);
}

/* log(exp(a) + exp(b)) */
static double
log_add(double a, double b)
{
	double		m = Max(a, b);

	if (m == -INFINITY)
		return m;
	return m + log(exp(a - m) + exp(b - m));
}

/*
 * The Gauss hypergeometric series 2F1(a, b; c; z) for 0 <= z < 1, summed
 * until the tail is negligible.  Callers transform their arguments so that
 * z stays in [0, 1) and the terms stay moderate.  False if it does not
 * converge within HYP2F1_MAX_TERMS terms or overflows.
 */
static bool
hyp2f1(double a, double b, double c, double z, double *result)
{
	double		sum = 1;
	double		term = 1;

	if (!(z >= 0 && z < 1))
		return false;
	for (int n = 0; n < HYP2F1_MAX_TERMS; n++)
	{
		double		ratio;

		if (c + n == 0)
			return false;
		ratio = (a + n) * (b + n) / ((c + n) * (n + 1)) * z;
		term *= ratio;
		sum += term;
		if (!isfinite(sum))
			return false;
		if (term == 0)
			break;
		/* past the peak, the rest is at most a geometric tail */
		if (fabs(ratio) < 1 && n + 1 > fabs(a) + fabs(b) - fabs(c) &&
			fabs(term) * Max(fabs(ratio), z) / (1 - Max(fabs(ratio), z)) <= 1e-16 * fabs(sum))
			break;
		if ((n & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
		if (n == HYP2F1_MAX_TERMS - 1)
			return false;
	}
	*result = sum;
	return true;
}

/*
 * Likelihoods, per tuple, at natural parameters p.  NaN means the point
 * cannot be evaluated (the optimiser treats it as infinitely bad).
 */

/* 8-point Gauss-Legendre nodes and weights on [-1, 1] */
static const double GL_NODES[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267, 0.9602898564975363};
static const double GL_WEIGHTS[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};

/* more panels than this and pareto_log_integral gives up */
#define MAX_PANELS 20000

/*
 * log of the integral over (t_x, T) of (alpha+u)^-(r+x) (beta+u)^-(s+1) du,
 * by 8-point Gauss-Legendre panels in v = log(u + min(alpha, beta)).  In v
 * the integrand is smooth and unimodal: the slope of its logarithm,
 * 1 - (r+x) rho_a - (s+1) rho_b with rho = e^v / (c + e^v), only falls.
 * Each panel is as wide as that slope and its curvature allow for the rule
 * to be exact to rounding, and the sum stops once the rest is negligible.
 * NaN if that needs more than MAX_PANELS panels.
 */
static double
pareto_log_integral(const double *p, double x, double t_x, double t)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		m = Min(alpha, beta);
	double		v = log(m + t_x);
	double		hi = log(m + t);
	double		ref = NAN;
	double		sum = 0;

	for (int i = 0; v < hi; i++)
	{
		double		ev = exp(v);
		double		rho_a = ev / (alpha - m + ev);
		double		rho_b = ev / (beta - m + ev);
		double		slope = 1 - (r + x) * rho_a - (s + 1) * rho_b;
		double		curvature = (r + x) * rho_a * (1 - rho_a) + (s + 1) * rho_b * (1 - rho_b);
		double		width = Min(Min(0.5, 1 / (1 + fabs(slope) + sqrt(curvature))), hi - v);
		double		centre = v + width / 2;
		double		part = 0;

		if (i == MAX_PANELS)
			return NAN;
		for (int j = 0; j < 8; j++)
		{
			double		w = centre + (j < 4 ? -1 : 1) * GL_NODES[j % 4] * width / 2;
			double		ew = exp(w);
			double		log_h = w - (r + x) * log(alpha - m + ew) - (s + 1) * log(beta - m + ew);

			if (isnan(ref))
				ref = log_h;
			part += GL_WEIGHTS[j % 4] * exp(log_h - ref);
		}
		part *= width / 2;
		sum += part;
		/* past the peak and the rest negligible */
		if (slope < 0 && part <= 1e-17 * sum)
			break;
		v += width;
		if ((i & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	return ref + log(sum);
}

/*
 * log of A0 = F(t_x) - F(T) in the Pareto/NBD likelihood (Fader & Hardie
 * 2005, "A note on deriving the Pareto/NBD model and related expressions"),
 * F(u) = 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+u)) / (alpha+u)^(r+s+x)
 * when alpha >= beta, and with the roles of (alpha, s+1) and (beta, r+x)
 * swapped otherwise, so that the argument lies in [0, 1).  Euler's
 * transformation 2F1(a,b;a+1;z) = (1-z)^(1-b) 2F1(1, a+1-b; a+1; z) keeps
 * the series' terms below 1.  Near z = 1 the series converges slowly, so
 * beyond 0.9 A0 comes from its integral form, (r+s+x) times the integral
 * over (t_x, T) of (alpha+u)^-(r+x) (beta+u)^-(s+1) du.  -Infinity when
 * t_x = T; NaN if neither converges.
 */
static double
pareto_log_a0(const double *p, double x, double t_x, double t)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		big = alpha >= beta ? alpha : beta;
	double		small = alpha >= beta ? beta : alpha;
	double		bb = alpha >= beta ? s + 1 : r + x;
	double		ab = r + s + x;
	double		logf[2];
	double		u[2] = {t_x, t};

	if (t_x >= t)
		return -INFINITY;
	if ((big - small) / (big + t_x) > 0.9)
		return log(ab) + pareto_log_integral(p, x, t_x, t);
	for (int i = 0; i < 2; i++)
	{
		double		z = (big - small) / (big + u[i]);
		double		series;

		if (!hyp2f1(1, ab + 1 - bb, ab + 1, z, &series))
			return NAN;
		logf[i] = (1 - bb) * log1p(-z) + log(series) - ab * log(big + u[i]);
	}
	/* F decreases; equal to rounding when T - t_x is negligible */
	if (logf[1] >= logf[0])
		return -INFINITY;
	return logf[0] + log1p(-exp(logf[1] - logf[0]));
}

static double
pareto_ll(const double *p, const BtydTuple *t)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		x = (double) t->x;
	double		head = lgamma(r + x) - lgamma(r) + r * log(alpha) + s * log(beta);
	double		alive = -(r + x) * log(alpha + t->b) - s * log(beta + t->b);
	double		la0 = pareto_log_a0(p, x, t->a, t->b);

	return head + log_add(alive, log(s / (r + s + x)) + la0);
}

/*
 * sBG (Fader & Hardie 2007): churn in period t has probability
 * S(t-1) alpha / (alpha + beta + t - 1), and S(t) = S(t-1) (beta + t - 1) /
 * (alpha + beta + t - 1).  The tuples are periods 0..T in order (checked
 * before fitting).
 */
static double
sbg_ll_all(const double *p, const BtydSummary *s)
{
	double		alpha = p[0],
				beta = p[1];
	double		log_s = 0;
	double		ll = 0;

	for (int32 i = 1; i < s->used; i++)
	{
		double		lost = (double) (s->tuples[i - 1].weight - s->tuples[i].weight);
		double		denom = log(alpha + beta + i - 1);

		if (lost > 0)
			ll += lost * (log_s + log(alpha) - denom);
		log_s += log(beta + i - 1) - denom;
	}
	if (s->tuples[s->used - 1].weight > 0)
		ll += (double) s->tuples[s->used - 1].weight * log_s;
	return ll;
}

/*
 * The data of a fit, prepared once: the tuples (sorted by x) in groups of
 * equal x, so that terms of x alone are computed once a group; for BG/NBD
 * the distinct times, so that log(alpha + t) is computed once a time, not
 * once a tuple; for Gamma-Gamma each group's sum of weight * log(mean).
 */
typedef struct BtydGroup
{
	double		x;
	double		weight;			/* customers in the group */
	double		log_sum;		/* Gamma-Gamma: sum of weight * log(mean value) */
	int32		start;			/* first tuple */
	int32		end;			/* past the last */
} BtydGroup;

typedef struct BtydFit
{
	const BtydSummary *s;
	int			d;
	double		scale;
	int			iterations;
	bool		gradient;		/* eval_ll computes the analytic gradient */
	int32		groups;
	BtydGroup  *group;
	double	   *weight;			/* per tuple */
	double	   *value_a;		/* per tuple: t_x or mean value, a gridded cell's mean */
	double	   *value_b;		/* per tuple: t */
	int32		times;			/* BG/NBD: distinct t_x and t values */
	double	   *time;
	int32	   *at_a;			/* per tuple: index of t_x in time */
	int32	   *at_b;			/* per tuple: index of t in time */
	double	   *log_time;		/* scratch: log(alpha + time) */
	double	   *inv_time;		/* scratch: 1 / (alpha + time) */
} BtydFit;

static int
compare_doubles(const void *pa, const void *pb)
{
	return compare_float8(*(const double *) pa, *(const double *) pb);
}

static int32
time_index(const BtydFit *fit, double v)
{
	const double *found = bsearch(&v, fit->time, fit->times, sizeof(double), compare_doubles);

	Assert(found != NULL);
	return (int32) (found - fit->time);
}

static void
fit_prepare(BtydFit *fit, const BtydSummary *s, BtydKind kind)
{
	int32		n = s->used;

	memset(fit, 0, sizeof(*fit));
	fit->s = s;
	fit->d = KIND_PARAMS[kind];
	fit->gradient = kind == BTYD_BGNBD || kind == BTYD_GG;
	if (!fit->gradient)
		return;
	fit->group = palloc_extended(Max(n, 1) * sizeof(BtydGroup), MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
	fit->weight = palloc_extended(Max(n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	fit->value_a = palloc_extended(Max(n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	fit->value_b = palloc_extended(Max(n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	for (int32 i = 0; i < n; i++)
	{
		const BtydTuple *t = &s->tuples[i];

		fit->value_a[i] = s->gridded ? grid_mean(t->a, s->gridded - 1, t->weight, t->offset_a) : t->a;
		fit->value_b[i] = s->gridded ? grid_mean(t->b, s->gridded - 1, t->weight, t->offset_b) : t->b;
	}
	for (int32 i = 0; i < n; i++)
	{
		const BtydTuple *t = &s->tuples[i];
		BtydGroup  *g = &fit->group[fit->groups - 1];

		if (fit->groups == 0 || t->x != s->tuples[i - 1].x)
		{
			g = &fit->group[fit->groups++];
			g->x = (double) t->x;
			g->start = i;
		}
		fit->weight[i] = (double) t->weight;
		g->weight += fit->weight[i];
		if (kind == BTYD_GG)
			g->log_sum += fit->weight[i] * log(fit->value_a[i]);
		g->end = i + 1;
	}
	if (kind != BTYD_BGNBD)
		return;
	fit->time = palloc_extended(Max(2 * (Size) n, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	for (int32 i = 0; i < n; i++)
	{
		fit->time[2 * i] = fit->value_a[i];
		fit->time[2 * i + 1] = fit->value_b[i];
	}
	qsort(fit->time, 2 * (Size) n, sizeof(double), compare_doubles);
	for (Size i = 0; i < 2 * (Size) n; i++)
		if (fit->times == 0 || fit->time[i] != fit->time[fit->times - 1])
			fit->time[fit->times++] = fit->time[i];
	fit->at_a = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	fit->at_b = palloc_extended(Max(n, 1) * sizeof(int32), MCXT_ALLOC_HUGE);
	for (int32 i = 0; i < n; i++)
	{
		fit->at_a[i] = time_index(fit, fit->value_a[i]);
		fit->at_b[i] = time_index(fit, fit->value_b[i]);
	}
	fit->log_time = palloc_extended(Max(fit->times, 1) * sizeof(double), MCXT_ALLOC_HUGE);
	fit->inv_time = palloc_extended(Max(fit->times, 1) * sizeof(double), MCXT_ALLOC_HUGE);
}

/*
 * The customers of a fit on a coarser grid: each tuple's values (a gridded
 * cell's means) rounded to grid_bits bits, merged.
 */
static const BtydSummary *
state_coarse(const BtydFit *fit, int grid_bits)
{
	const BtydSummary *s = fit->s;
	BtydSummary  *coarse = state_new(s->kind, s->used);

	for (int32 i = 0; i < s->used; i++)
	{
		BtydTuple  *t = &coarse->tuples[i];
		int64		unused;

		t->x = s->tuples[i].x;
		t->weight = s->tuples[i].weight;
		t->a = grid_key(fit->value_a[i], grid_bits, &unused);
		t->b = grid_key(fit->value_b[i], grid_bits, &unused);
	}
	coarse->used = s->used;
	coarse->rows = s->rows;
	state_merge_equal(coarse);
	return coarse;
}

/* The digamma function psi(x) for x > 0: recurrence up to 6, then its asymptotic series. */
static double
digamma(double x)
{
	double		result = 0;
	double		inv2;

	while (x < 6)
	{
		result -= 1 / x;
		x += 1;
	}
	inv2 = 1 / (x * x);
	return result + log(x) - 0.5 / x -
		inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 / 132))));
}

/*
 * BG/NBD (Fader, Hardie & Lee 2005, eq. 6) per customer:
 * log[Gamma(r+x) alpha^r / Gamma(r)] + log[B(a, b+x) / B(a, b)]
 * + log[(alpha+T)^-(r+x) + [x > 0] a/(b+x-1) (alpha+t_x)^-(r+x)],
 * summed over the groups; grad (if not NULL) gets d/d(r, alpha, a, b).
 */
static double
bgnbd_ll(BtydFit *fit, const double *p, double *grad)
{
	double		r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];
	double		ll = 0;
	double		g[4] = {0};
	double		log_alpha = log(alpha);
	double		head_ab = lgamma(a + b) - lgamma(b);
	double		psi_ab = grad ? digamma(a + b) : 0;
	double		psi_r = grad ? digamma(r) : 0;
	double		psi_b = grad ? digamma(b) : 0;

	for (int32 k = 0; k < fit->times; k++)
	{
		fit->log_time[k] = log(alpha + fit->time[k]);
		if (grad)
			fit->inv_time[k] = 1 / (alpha + fit->time[k]);
	}
	for (int32 gi = 0; gi < fit->groups; gi++)
	{
		const BtydGroup *grp = &fit->group[gi];
		double		x = grp->x;
		double		rx = r + x;
		double		c = x > 0 ? log(a) - log(b + x - 1) : 0;
		double		sum = 0,
					d_r = 0,
					d_alpha = 0,
					d_late = 0;

		ll += grp->weight * (lgamma(rx) - lgamma(r) + r * log_alpha + head_ab +
							 lgamma(b + x) - lgamma(a + b + x));
		if (grad)
		{
			double		psi_abx = digamma(a + b + x);

			g[0] += grp->weight * (digamma(rx) - psi_r + log_alpha);
			g[1] += grp->weight * r / alpha;
			g[2] += grp->weight * (psi_ab - psi_abx);
			g[3] += grp->weight * (psi_ab + digamma(b + x) - psi_b - psi_abx);
		}
		for (int32 i = grp->start; i < grp->end; i++)
		{
			double		w = fit->weight[i];
			int32		ib = fit->at_b[i];
			double		dead = -rx * fit->log_time[ib];

			if (x == 0)
			{
				sum += w * dead;
				if (grad)
				{
					d_r -= w * fit->log_time[ib];
					d_alpha -= w * fit->inv_time[ib];
				}
			}
			else
			{
				int32		ia = fit->at_a[i];
				double		late = c - rx * fit->log_time[ia];
				double		e = exp(-fabs(dead - late));

				sum += w * (Max(dead, late) + log1p(e));
				if (grad)
				{
					/* the share of the second term in the sum */
					double		share = dead >= late ? e / (1 + e) : 1 / (1 + e);

					d_r -= w * ((1 - share) * fit->log_time[ib] + share * fit->log_time[ia]);
					d_alpha -= w * ((1 - share) * fit->inv_time[ib] + share * fit->inv_time[ia]);
					d_late += w * share;
				}
			}
		}
		ll += sum;
		if (grad)
		{
			g[0] += d_r;
			g[1] += rx * d_alpha;
			g[2] += d_late / a;
			g[3] -= x > 0 ? d_late / (b + x - 1) : 0;
		}
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	return ll;
}

/*
 * Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV") per customer:
 * log Gamma(px+q) - log Gamma(px) - log Gamma(q) + q log v
 * + (px-1) log m + px log x - (px+q) log(v + x m); the log m terms come
 * from the group sums.  grad (if not NULL) gets d/d(p, q, v).
 */
static double
gg_ll(BtydFit *fit, const double *p, double *grad)
{
	double		pp = p[0],
				q = p[1],
				v = p[2];
	double		ll = 0;
	double		g[3] = {0};
	double		log_v = log(v);
	double		lgamma_q = lgamma(q);
	double		psi_q = grad ? digamma(q) : 0;

	for (int32 gi = 0; gi < fit->groups; gi++)
	{
		const BtydGroup *grp = &fit->group[gi];
		double		x = grp->x;
		double		px = pp * x;
		double		log_x = log(x);
		double		logs = 0,
					inverses = 0;

		for (int32 i = grp->start; i < grp->end; i++)
		{
			double		spend = v + x * fit->value_a[i];

			logs += fit->weight[i] * log(spend);
			if (grad)
				inverses += fit->weight[i] / spend;
		}
		ll += grp->weight * (lgamma(px + q) - lgamma(px) - lgamma_q + q * log_v + px * log_x) +
			(px - 1) * grp->log_sum - (px + q) * logs;
		if (grad)
		{
			double		psi_pq = digamma(px + q);

			g[0] += x * (grp->weight * (psi_pq - digamma(px) + log_x) + grp->log_sum - logs);
			g[1] += grp->weight * (psi_pq - psi_q + log_v) - logs;
			g[2] += grp->weight * q / v - (px + q) * inverses;
		}
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	return ll;
}

/* The whole sample's log-likelihood at natural parameters, and its gradient where analytic. */
static double
total_ll(BtydFit *fit, const double *p, double *grad)
{
	const BtydSummary *s = fit->s;
	double		ll = 0;

	CHECK_FOR_INTERRUPTS();
	switch (s->kind)
	{
		case BTYD_BGNBD:
			return bgnbd_ll(fit, p, grad);
		case BTYD_GG:
			return gg_ll(fit, p, grad);
		case BTYD_SBG:
			return sbg_ll_all(p, s);
		default:
			break;
	}
	for (int32 i = 0; i < s->used; i++)
	{
		BtydTuple	t = s->tuples[i];

		if (s->gridded)
		{
			t.a = grid_mean(t.a, s->gridded - 1, t.weight, t.offset_a);
			t.b = grid_mean(t.b, s->gridded - 1, t.weight, t.offset_b);
		}
		ll += (double) t.weight * pareto_ll(p, &t);
	}
	return ll;
}

/*
 * The optimiser minimises f(theta) = -LL(exp(theta)) / scale over the log
 * parameters; scale (the customers) keeps tolerances independent of the
 * sample's size.  grad, if not NULL, gets df/dtheta (analytic kinds only).
 */

/* log parameters beyond this are e^30: the fit has run off to a boundary */
#define THETA_LIMIT 30.0

static double
objective_grad(BtydFit *fit, const double *theta, double *grad)
{
	double		p[BTYD_MAX_PARAMS];
	double		g[BTYD_MAX_PARAMS];
	double		ll;

	for (int i = 0; i < fit->d; i++)
	{
		if (!(fabs(theta[i]) <= THETA_LIMIT))
			return INFINITY;
		p[i] = exp(theta[i]);
	}
	ll = total_ll(fit, p, grad ? g : NULL);
	if (!isfinite(ll))
		return INFINITY;
	if (grad)
		for (int i = 0; i < fit->d; i++)
		{
			grad[i] = -g[i] * p[i] / fit->scale;
			if (!isfinite(grad[i]))
				return INFINITY;
		}
	return -ll / fit->scale;
}

static double
objective(BtydFit *fit, const double *theta)
{
	return objective_grad(fit, theta, NULL);
}

/*
 * Nelder-Mead from theta (updated to the best point) until the simplex's
 * values agree to tolerance and its points to 1e3 times that; returns f
 * at the best point.
 */
static double
nelder_mead(BtydFit *fit, double *theta, double step, int max_iter, double tolerance)
{
	int			d = fit->d;
	double		pts[BTYD_MAX_PARAMS + 1][BTYD_MAX_PARAMS];
	double		f[BTYD_MAX_PARAMS + 1];

	for (int i = 0; i <= d; i++)
	{
		memcpy(pts[i], theta, d * sizeof(double));
		if (i > 0)
			pts[i][i - 1] += step;
		f[i] = objective(fit, pts[i]);
	}
	for (int iter = 0; iter < max_iter; iter++)
	{
		int			best = 0,
					worst = 0,
					second = 0;
		double		centre[BTYD_MAX_PARAMS] = {0};
		double		xr[BTYD_MAX_PARAMS];
		double		fr;
		double		spread = 0;

		for (int i = 1; i <= d; i++)
		{
			if (f[i] < f[best])
				best = i;
			if (f[i] > f[worst])
				worst = i;
		}
		second = best;
		for (int i = 0; i <= d; i++)
			if (i != worst && f[i] > f[second])
				second = i;
		for (int i = 0; i <= d; i++)
			for (int j = 0; j < d; j++)
				spread = Max(spread, fabs(pts[i][j] - pts[best][j]));
		if (isfinite(f[worst]) && f[worst] - f[best] <= tolerance * (1 + fabs(f[best])) &&
			spread < 1e3 * tolerance)
			break;
		fit->iterations++;
		if ((iter & 63) == 63)
			CHECK_FOR_INTERRUPTS();

		for (int i = 0; i <= d; i++)
			if (i != worst)
				for (int j = 0; j < d; j++)
					centre[j] += pts[i][j] / d;
		for (int j = 0; j < d; j++)
			xr[j] = centre[j] + (centre[j] - pts[worst][j]);
		fr = objective(fit, xr);
		if (fr < f[best])
		{
			double		xe[BTYD_MAX_PARAMS];
			double		fe;

			for (int j = 0; j < d; j++)
				xe[j] = centre[j] + 2 * (centre[j] - pts[worst][j]);
			fe = objective(fit, xe);
			if (fe < fr)
			{
				memcpy(pts[worst], xe, d * sizeof(double));
				f[worst] = fe;
			}
			else
			{
				memcpy(pts[worst], xr, d * sizeof(double));
				f[worst] = fr;
			}
		}
		else if (fr < f[second])
		{
			memcpy(pts[worst], xr, d * sizeof(double));
			f[worst] = fr;
		}
		else
		{
			double		xc[BTYD_MAX_PARAMS];
			double		fc;
			bool		outside = fr < f[worst];

			for (int j = 0; j < d; j++)
				xc[j] = outside ? centre[j] + 0.5 * (xr[j] - centre[j])
					: centre[j] + 0.5 * (pts[worst][j] - centre[j]);
			fc = objective(fit, xc);
			if (fc < (outside ? fr : f[worst]))
			{
				memcpy(pts[worst], xc, d * sizeof(double));
				f[worst] = fc;
			}
			else
			{
				/* shrink towards the best point */
				for (int i = 0; i <= d; i++)
				{
					if (i == best)
						continue;
					for (int j = 0; j < d; j++)
						pts[i][j] = pts[best][j] + 0.5 * (pts[i][j] - pts[best][j]);
					f[i] = objective(fit, pts[i]);
				}
			}
		}
	}
	{
		int			best = 0;

		for (int i = 1; i <= d; i++)
			if (f[i] < f[best])
				best = i;
		memcpy(theta, pts[best], d * sizeof(double));
		return f[best];
	}
}

#define DIFF_STEP 1e-4
#define GRADIENT_DIFF_STEP 1e-6

/*
 * Gradient and Hessian of the objective; false if undefined nearby.  With
 * an analytic gradient the Hessian is its forward difference, otherwise
 * both are central differences of the objective.
 */
static bool
derivatives(BtydFit *fit, const double *theta, double f0,
			double *grad, double hess[BTYD_MAX_PARAMS][BTYD_MAX_PARAMS])
{
	int			d = fit->d;
	double		h = DIFF_STEP;

	if (fit->gradient)
	{
		double		gp[BTYD_MAX_PARAMS][BTYD_MAX_PARAMS];

		if (!isfinite(objective_grad(fit, theta, grad)))
			return false;
		for (int i = 0; i < d; i++)
		{
			double		tp[BTYD_MAX_PARAMS];

			memcpy(tp, theta, d * sizeof(double));
			tp[i] += GRADIENT_DIFF_STEP;
			if (!isfinite(objective_grad(fit, tp, gp[i])))
				return false;
			for (int j = 0; j < d; j++)
				gp[i][j] = (gp[i][j] - grad[j]) / GRADIENT_DIFF_STEP;
		}
		for (int i = 0; i < d; i++)
			for (int j = 0; j < d; j++)
				hess[i][j] = (gp[i][j] + gp[j][i]) / 2;
		return true;
	}

	for (int i = 0; i < d; i++)
	{
		double		tp[BTYD_MAX_PARAMS],
					tm[BTYD_MAX_PARAMS];
		double		fp,
					fm;

		memcpy(tp, theta, d * sizeof(double));
		memcpy(tm, theta, d * sizeof(double));
		tp[i] += h;
		tm[i] -= h;
		fp = objective(fit, tp);
		fm = objective(fit, tm);
		if (!isfinite(fp) || !isfinite(fm))
			return false;
		grad[i] = (fp - fm) / (2 * h);
		hess[i][i] = (fp - 2 * f0 + fm) / (h * h);
		for (int j = 0; j < i; j++)
		{
			double		t[4][BTYD_MAX_PARAMS];
			double		v[4];

			for (int k = 0; k < 4; k++)
			{
				memcpy(t[k], theta, d * sizeof(double));
				t[k][i] += (k & 1) ? -h : h;
				t[k][j] += (k & 2) ? -h : h;
				v[k] = objective(fit, t[k]);
				if (!isfinite(v[k]))
					return false;
			}
			hess[i][j] = hess[j][i] = (v[0] - v[1] - v[2] + v[3]) / (4 * h * h);
		}
	}
	return true;
}

/* Solves H x = -g by Cholesky; false unless H is positive definite. */
static bool
newton_step(int d, double hess[BTYD_MAX_PARAMS][BTYD_MAX_PARAMS], const double *grad, double *step)
{
	double		l[BTYD_MAX_PARAMS][BTYD_MAX_PARAMS] = {{0}};
	double		y[BTYD_MAX_PARAMS];

	for (int i = 0; i < d; i++)
	{
		for (int j = 0; j <= i; j++)
		{
			double		sum = hess[i][j];

			for (int k = 0; k < j; k++)
				sum -= l[i][k] * l[j][k];
			if (i == j)
			{
				if (!(sum > 1e-12))
					return false;
				l[i][i] = sqrt(sum);
			}
			else
				l[i][j] = sum / l[j][j];
		}
	}
	for (int i = 0; i < d; i++)
	{
		double		sum = -grad[i];

		for (int k = 0; k < i; k++)
			sum -= l[i][k] * y[k];
		y[i] = sum / l[i][i];
	}
	for (int i = d - 1; i >= 0; i--)
	{
		double		sum = y[i];

		for (int k = i + 1; k < d; k++)
			sum -= l[k][i] * step[k];
		step[i] = sum / l[i][i];
	}
	return true;
}

/* Newton steps from theta, each accepted only if it improves f; returns f. */
static double
newton(BtydFit *fit, double *theta, double f)
{
	int			d = fit->d;
	double		grad[BTYD_MAX_PARAMS];
	double		hess[BTYD_MAX_PARAMS][BTYD_MAX_PARAMS];
	double		step[BTYD_MAX_PARAMS];

	for (int iter = 0; iter < 30; iter++)
	{
		double		trial[BTYD_MAX_PARAMS];
		double		ft = INFINITY;
		double		size = 0;
		double		factor = 1;

		if (!derivatives(fit, theta, f, grad, hess) || !newton_step(d, hess, grad, step))
			break;
		for (int i = 0; i < d; i++)
			size = Max(size, fabs(step[i]));
		if (size < 1e-10)
			break;
		fit->iterations++;
		for (int half = 0; half < 10; half++, factor /= 2)
		{
			for (int i = 0; i < d; i++)
				trial[i] = theta[i] + factor * step[i];
			ft = objective(fit, trial);
			if (ft < f)
				break;
		}
		if (!(ft < f))
			break;
		memcpy(theta, trial, d * sizeof(double));
		f = ft;
	}
	return f;
}

/*
 * A strict maximum: the gradient of the per-customer log-likelihood below
 * 1e-6 in every log parameter and the Hessian positive definite.
 */
static bool
at_maximum(BtydFit *fit, const double *theta, double f)
{
	double		grad[BTYD_MAX_PARAMS];
	double		hess[BTYD_MAX_PARAMS][BTYD_MAX_PARAMS];
	double		step[BTYD_MAX_PARAMS];

	if (!isfinite(f) || !derivatives(fit, theta, f, grad, hess) || !newton_step(fit->d, hess, grad, step))
		return false;
	for (int i = 0; i < fit->d; i++)
		if (!(fabs(grad[i]) <= 1e-6))
			return false;
	return true;
}

/*
 * Fits theta from its starting point: Nelder-Mead near the optimum, then
 * Newton to finish; given coarse and medium, the same customers on coarser
 * grids, Nelder-Mead runs on coarse and Newton on medium before all the
 * data, so that few evaluations touch every tuple.  Should that not end
 * at a strict maximum, Nelder-Mead restarts on all the data to a tight
 * tolerance (a collapsed simplex can stall away from the optimum) and
 * Newton polishes again.
 */
static bool
optimise(BtydFit *fit, BtydFit *coarse, BtydFit *medium, double *theta)
{
	int			d = fit->d;
	double		start[BTYD_MAX_PARAMS];
	double		f;

	memcpy(start, theta, d * sizeof(double));
	if (coarse != NULL)
	{
		nelder_mead(coarse, theta, 0.5, 1000 * d, 1e-7);
		newton(medium, theta, objective(medium, theta));
		fit->iterations += coarse->iterations + medium->iterations;
		f = newton(fit, theta, objective(fit, theta));
	}
	else
		f = newton(fit, theta, nelder_mead(fit, theta, 0.5, 1000 * d, 1e-7));
	if (at_maximum(fit, theta, f))
		return true;

	memcpy(theta, start, d * sizeof(double));
	f = nelder_mead(fit, theta, 0.5, 1000 * d, 1e-14);
	for (int restart = 0; restart < 5 && isfinite(f); restart++)
	{
		double		again = nelder_mead(fit, theta, 0.1, 1000 * d, 1e-14);
		bool		stalled = f - again <= 1e-13 * (1 + fabs(f));

		f = again;
		if (stalled)
			break;
	}
	if (!isfinite(f))
		return false;
	return at_maximum(fit, theta, newton(fit, theta, f));
}

/* sBG needs one cohort: periods 0..T, survivors never increasing. */
static void
check_cohort(FunctionCallInfo fcinfo, const BtydSummary *s)
{
	for (int32 i = 0; i < s->used; i++)
	{
		if (s->tuples[i].x != i)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: period %d is missing", kpi_caller_name(fcinfo), i),
					 errdetail("A cohort has one row for every period from 0 to its last.")));
		if (i > 0 && s->tuples[i].weight > s->tuples[i - 1].weight)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: alive " INT64_FORMAT " in period %d is outside 0.." INT64_FORMAT,
							kpi_caller_name(fcinfo), s->tuples[i].weight, i, s->tuples[i - 1].weight),
					 errdetail("Customers alive in a period were alive in the period before.")));
	}
	if (s->used < 2 || s->tuples[0].weight == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a cohort needs customers in period 0 and at least period 1 observed",
						kpi_caller_name(fcinfo))));
}

static Datum
fit_final(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydSummary  *s = PG_GETARG_BTYD_STATE(0);
	BtydModel  *m = palloc0(sizeof(BtydModel));
	BtydFit		fit;
	BtydFit		coarse = {0};
	BtydFit		medium = {0};
	double		theta[BTYD_MAX_PARAMS] = {0};
	double		p[BTYD_MAX_PARAMS] = {0};
	double		mean_a = 0,
				mean_b = 0;
	int64		customers;

	state_check(s);
	if (s->kind != kind)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: this %s holds %s rows, not %s rows",
						kpi_caller_name(fcinfo), STATE_TYPE, KIND_WORDS[s->kind], KIND_WORDS[kind])));
	s = state_canonical(s);
	if (s->used == 0)
		PG_RETURN_NULL();
	if (kind == BTYD_SBG)
	{
		check_cohort(fcinfo, s);
		customers = s->tuples[0].weight;
	}
	else
		customers = s->rows;

	/* start from unit shapes and the sample's own time or spend scale */
	for (int32 i = 0; i < s->used; i++)
	{
		mean_a += s->tuples[i].a * ((double) s->tuples[i].weight / (double) s->rows);
		mean_b += s->tuples[i].b * ((double) s->tuples[i].weight / (double) s->rows);
	}
	if (kind == BTYD_BGNBD || kind == BTYD_PARETO)
	{
		theta[1] = log(Max(mean_b, 1e-6));
		if (kind == BTYD_PARETO)
			theta[3] = theta[1];
	}
	else if (kind == BTYD_GG)
		theta[2] = log(mean_a);
	fit_prepare(&fit, s, kind);
	fit.scale = (double) customers;
	if (fit.gradient && s->used > BTYD_COARSE_FROM)
	{
		fit_prepare(&coarse, state_coarse(&fit, BTYD_COARSE_BITS), kind);
		fit_prepare(&medium, state_coarse(&fit, BTYD_MEDIUM_BITS), kind);
		coarse.scale = medium.scale = fit.scale;
	}

	m->version = BTYD_MODEL_VERSION;
	m->kind = kind;
	m->converged = optimise(&fit, coarse.s != NULL ? &coarse : NULL, &medium, theta);
	m->iterations = fit.iterations;
	m->customers = customers;
	for (int i = 0; i < fit.d; i++)
		m->params[i] = p[i] = exp(theta[i]);
	m->log_likelihood = total_ll(&fit, p, NULL);
	if (!isfinite(m->log_likelihood))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: the log-likelihood cannot be evaluated at any parameters tried",
						kpi_caller_name(fcinfo))));
	PG_RETURN_POINTER(m);
}

PG_FUNCTION_INFO_V1(bgnbd_fit_final);
Datum
bgnbd_fit_final(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, BTYD_BGNBD);
}

PG_FUNCTION_INFO_V1(pareto_nbd_fit_final);
Datum
pareto_nbd_fit_final(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, BTYD_PARETO);
}

PG_FUNCTION_INFO_V1(gamma_gamma_fit_final);
Datum
gamma_gamma_fit_final(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, BTYD_GG);
}

PG_FUNCTION_INFO_V1(sbg_fit_final);
Datum
sbg_fit_final(PG_FUNCTION_ARGS)
{
	return fit_final(fcinfo, BTYD_SBG);
}

/*
 * Model types: text "v1 r=0.24 alpha=4.41 a=0.79 b=2.43
 * log_likelihood=-9582.43 customers=2357 iterations=412 converged=true".
 */

static char *
model_problem(const BtydModel *m)
{
	for (int i = 0; i < KIND_PARAMS[m->kind]; i++)
		if (!isfinite(m->params[i]) || m->params[i] <= 0)
			return psprintf("Parameter %s must be a positive finite number.", PARAM_NAMES[m->kind][i]);
	/* Gamma-Gamma's is a density's, which may be positive */
	if (!isfinite(m->log_likelihood))
		return pstrdup("The log-likelihood must be a finite number.");
	if (m->iterations < 0)
		return pstrdup("The iterations must not be negative.");
	return NULL;
}

static Datum
model_in(FunctionCallInfo fcinfo, BtydKind kind)
{
	KpiTextCursor cur;
	BtydModel  *m = palloc0(sizeof(BtydModel));
	int64		iterations;
	char	   *problem;

	kpi_text_init(&cur, MODEL_TYPES[kind], PG_GETARG_CSTRING(0));
	kpi_text_version(&cur, BTYD_MODEL_VERSION);
	m->version = BTYD_MODEL_VERSION;
	m->kind = kind;
	for (int i = 0; i < KIND_PARAMS[kind]; i++)
	{
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, psprintf("%s=", PARAM_NAMES[kind][i]));
		m->params[i] = kpi_text_float8(&cur, "a positive number");
	}
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "log_likelihood=");
	m->log_likelihood = kpi_text_float8(&cur, "a number");
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "customers=");
	m->customers = kpi_text_count(&cur);
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "iterations=");
	iterations = kpi_text_count(&cur);
	if (iterations > PG_INT32_MAX)
		kpi_text_invalid(&cur, "The iterations must fit in integer.");
	m->iterations = (int32) iterations;
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "converged=");
	if (kpi_text_accept(&cur, "true"))
		m->converged = true;
	else if (!kpi_text_accept(&cur, "false"))
		kpi_text_error(&cur, "true or false");
	kpi_text_end(&cur);
	if ((problem = model_problem(m)) != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(m);
}

static void
model_check(const BtydModel *m, BtydKind kind)
{
	if (m->version != BTYD_MODEL_VERSION || m->kind != kind || m->converged > 1 ||
		m->reserved != 0 || model_problem(m) != NULL)
		kpi_corrupt(MODEL_TYPES[kind], "The model's header or parameters are impossible.");
}

static Datum
model_out(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydModel  *m = PG_GETARG_BTYD_MODEL(0);
	StringInfoData buf;

	model_check(m, kind);
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", BTYD_MODEL_VERSION);
	for (int i = 0; i < KIND_PARAMS[kind]; i++)
		appendStringInfo(&buf, " %s=%s", PARAM_NAMES[kind][i], kpi_float8_text(m->params[i]));
	appendStringInfo(&buf, " log_likelihood=%s customers=" INT64_FORMAT " iterations=%d converged=%s",
					 kpi_float8_text(m->log_likelihood), m->customers, m->iterations,
					 m->converged ? "true" : "false");
	PG_RETURN_CSTRING(buf.data);
}

static Datum
model_send(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydModel  *m = PG_GETARG_BTYD_MODEL(0);
	StringInfoData buf;

	model_check(m, kind);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, BTYD_MODEL_VERSION);
	pq_sendbyte(&buf, m->converged);
	pq_sendint32(&buf, m->iterations);
	pq_sendint64(&buf, m->customers);
	pq_sendfloat8(&buf, m->log_likelihood);
	for (int i = 0; i < KIND_PARAMS[kind]; i++)
		pq_sendfloat8(&buf, m->params[i]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static Datum
model_recv(FunctionCallInfo fcinfo, BtydKind kind)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	const char *type = MODEL_TYPES[kind];
	BtydModel  *m = palloc0(sizeof(BtydModel));
	uint8		version = kpi_recv_uint8(buf, type);
	uint8		converged;
	char	   *problem;

	if (version != BTYD_MODEL_VERSION)
		kpi_recv_error(type, psprintf("Format version %d is not supported.", version));
	converged = kpi_recv_uint8(buf, type);
	if (converged > 1)
		kpi_recv_error(type, "The convergence flag is neither 0 nor 1.");
	m->version = version;
	m->kind = kind;
	m->converged = converged;
	m->iterations = kpi_recv_int32(buf, type);
	m->customers = kpi_recv_int64(buf, type);
	if (m->customers < 0)
		kpi_recv_error(type, "The customer count is negative.");
	m->log_likelihood = kpi_recv_float8(buf, type);
	for (int i = 0; i < KIND_PARAMS[kind]; i++)
		m->params[i] = kpi_recv_float8(buf, type);
	if (buf->cursor != buf->len)
		kpi_recv_error(type, "There is data after the parameters.");
	if ((problem = model_problem(m)) != NULL)
		kpi_recv_error(type, problem);
	PG_RETURN_POINTER(m);
}

#define MODEL_IO(type, kind) \
	PG_FUNCTION_INFO_V1(type##_in); \
	Datum type##_in(PG_FUNCTION_ARGS) { return model_in(fcinfo, kind); } \
	PG_FUNCTION_INFO_V1(type##_out); \
	Datum type##_out(PG_FUNCTION_ARGS) { return model_out(fcinfo, kind); } \
	PG_FUNCTION_INFO_V1(type##_send); \
	Datum type##_send(PG_FUNCTION_ARGS) { return model_send(fcinfo, kind); } \
	PG_FUNCTION_INFO_V1(type##_recv); \
	Datum type##_recv(PG_FUNCTION_ARGS) { return model_recv(fcinfo, kind); } \
	KPI_EQUALITY_FUNCTIONS(type)

MODEL_IO(bgnbd_model, BTYD_BGNBD)
MODEL_IO(pareto_nbd_model, BTYD_PARETO)
MODEL_IO(gamma_gamma_model, BTYD_GG)
MODEL_IO(sbg_model, BTYD_SBG)

/* Accessors, shared by the four model types (the layout is the same). */

static BtydModel *
model_arg(FunctionCallInfo fcinfo, int n)
{
	BtydModel  *m = PG_GETARG_BTYD_MODEL(n);

	if (m->kind < 1 || m->kind > BTYD_MAX_KIND)
		kpi_corrupt("btyd model", "The model kind is unknown.");
	model_check(m, m->kind);
	return m;
}

PG_FUNCTION_INFO_V1(btyd_model_params);
Datum
btyd_model_params(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	Datum		values[BTYD_MAX_PARAMS];

	for (int i = 0; i < KIND_PARAMS[m->kind]; i++)
		values[i] = Float8GetDatum(m->params[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(values, KIND_PARAMS[m->kind], FLOAT8OID,
										  sizeof(float8), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(btyd_model_log_likelihood);
Datum
btyd_model_log_likelihood(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(model_arg(fcinfo, 0)->log_likelihood);
}

PG_FUNCTION_INFO_V1(btyd_model_customers);
Datum
btyd_model_customers(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(model_arg(fcinfo, 0)->customers);
}

PG_FUNCTION_INFO_V1(btyd_model_converged);
Datum
btyd_model_converged(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(model_arg(fcinfo, 0)->converged);
}

PG_FUNCTION_INFO_V1(btyd_model_iterations);
Datum
btyd_model_iterations(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(model_arg(fcinfo, 0)->iterations);
}

/*
 * Predictions.
 */

static void
check_time(FunctionCallInfo fcinfo, const char *name, double value)
{
	if (!isfinite(value) || value < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %s is outside 0..1.7976931348623157e+308",
						kpi_caller_name(fcinfo), name, kpi_float8_text(value))));
}

static void
check_history(FunctionCallInfo fcinfo, int64 x, double t_x, double age)
{
	BtydTuple	t = {.x = x, .a = t_x, .b = age, .weight = 1};
	char	   *problem = tuple_problem(BTYD_BGNBD, &t);

	if (problem != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s", kpi_caller_name(fcinfo), problem)));
}

pg_noreturn static void
cannot_evaluate(FunctionCallInfo fcinfo)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: the hypergeometric series does not converge at these parameters",
					kpi_caller_name(fcinfo)),
			 errdetail("The model's alpha and beta are too far apart for the times given.")));
}

/* -expm1(-k * l) / k, and its limit l as k -> 0 */
static double
one_minus_pow_over(double k, double l)
{
	if (fabs(k) < 1e-10)
		return l;
	return -expm1(-k * l) / k;
}

/* BG/NBD P(alive | x, t_x, T): 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) */
static double
bgnbd_p_alive(const double *p, int64 x, double t_x, double age)
{
	double		r = p[0],
				alpha = p[1],
				a = p[2],
				b = p[3];

	if (x == 0)
		return 1;
	return 1 / (1 + exp(log(a) - log(b + x - 1) + (r + x) * (log(alpha + age) - log(alpha + t_x))));
}

static double
pareto_p_alive(FunctionCallInfo fcinfo, const double *p, int64 x, double t_x, double age)
{
	double		r = p[0],
				alpha = p[1],
				s = p[2],
				beta = p[3];
	double		la0 = pareto_log_a0(p, (double) x, t_x, age);

	if (isnan(la0))
		cannot_evaluate(fcinfo);
	return 1 / (1 + exp(log(s / (r + s + x)) + (r + x) * log(alpha + age) + s * log(beta + age) + la0));
}

/*
 * Expected purchases in (age, age + t] of a customer with history
 * (x, t_x, age); x = 0, t_x = 0, age = 0 is a new customer.
 *
 * BG/NBD (Fader, Hardie & Lee 2005, eq. 10):
 * (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x)
 * 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))] P(alive); with z = t/(alpha+T+t),
 * Euler's transformation turns (1-z)^(r+x) 2F1(...) into (1-z)^(a-1)
 * 2F1(a+b-1-r, a-1; a+b+x-1; z), whose terms stay small.
 */
static double
expected_conditional(FunctionCallInfo fcinfo, BtydKind kind, const double *p,
					 double t, int64 x, double t_x, double age)
{
	double		xd = (double) x;

	if (kind == BTYD_BGNBD)
	{
		double		r = p[0],
					alpha = p[1],
					a = p[2],
					b = p[3];
		double		z = t / (alpha + age + t);
		double		series;

		if (t == 0)
			return 0;
		if (fabs(a - 1) < 1e-12)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: expected purchases are undefined at a = 1", kpi_caller_name(fcinfo))));
		if (!hyp2f1(a + b - 1 - r, a - 1, a + b + xd - 1, z, &series))
			cannot_evaluate(fcinfo);
		return (a + b + xd - 1) / (a - 1) * (1 - exp((a - 1) * log1p(-z)) * series) *
			bgnbd_p_alive(p, x, t_x, age);
	}
	else
	{
		/* Pareto/NBD: (r+x)(beta+T)/((alpha+T)(s-1)) [1 - ((beta+T)/(beta+T+t))^(s-1)] P(alive) */
		double		r = p[0],
					alpha = p[1],
					s = p[2],
					beta = p[3];

		return (r + xd) * (beta + age) / (alpha + age) *
			one_minus_pow_over(s - 1, log1p(t / (beta + age))) *
			pareto_p_alive(fcinfo, p, x, t_x, age);
	}
}

static Datum
expected_purchases_new(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);

	check_time(fcinfo, "t", t);
	PG_RETURN_FLOAT8(expected_conditional(fcinfo, kind, m->params, t, 0, 0, 0));
}

static Datum
expected_purchases_history(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	double		t = PG_GETARG_FLOAT8(1);
	int64		x = PG_GETARG_INT64(2);
	double		t_x = PG_GETARG_FLOAT8(3);
	double		age = PG_GETARG_FLOAT8(4);

	check_time(fcinfo, "t", t);
	check_history(fcinfo, x, t_x, age);
	PG_RETURN_FLOAT8(expected_conditional(fcinfo, kind, m->params, t, x, t_x, age));
}

PG_FUNCTION_INFO_V1(bgnbd_expected_purchases);
Datum
bgnbd_expected_purchases(PG_FUNCTION_ARGS)
{
	return expected_purchases_new(fcinfo, BTYD_BGNBD);
}

PG_FUNCTION_INFO_V1(pareto_nbd_expected_purchases);
Datum
pareto_nbd_expected_purchases(PG_FUNCTION_ARGS)
{
	return expected_purchases_new(fcinfo, BTYD_PARETO);
}

PG_FUNCTION_INFO_V1(bgnbd_conditional_purchases);
Datum
bgnbd_conditional_purchases(PG_FUNCTION_ARGS)
{
	return expected_purchases_history(fcinfo, BTYD_BGNBD);
}

PG_FUNCTION_INFO_V1(pareto_nbd_conditional_purchases);
Datum
pareto_nbd_conditional_purchases(PG_FUNCTION_ARGS)
{
	return expected_purchases_history(fcinfo, BTYD_PARETO);
}

PG_FUNCTION_INFO_V1(bgnbd_p_alive_sql);
Datum
bgnbd_p_alive_sql(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	int64		x = PG_GETARG_INT64(1);
	double		t_x = PG_GETARG_FLOAT8(2);
	double		age = PG_GETARG_FLOAT8(3);

	check_history(fcinfo, x, t_x, age);
	PG_RETURN_FLOAT8(bgnbd_p_alive(m->params, x, t_x, age));
}

PG_FUNCTION_INFO_V1(pareto_nbd_p_alive_sql);
Datum
pareto_nbd_p_alive_sql(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	int64		x = PG_GETARG_INT64(1);
	double		t_x = PG_GETARG_FLOAT8(2);
	double		age = PG_GETARG_FLOAT8(3);

	check_history(fcinfo, x, t_x, age);
	PG_RETURN_FLOAT8(pareto_p_alive(fcinfo, m->params, x, t_x, age));
}

/* the largest n purchase_probability sums up to */
#define MAX_PURCHASES 1000000

static void
check_purchase_args(FunctionCallInfo fcinfo, int64 n, double t)
{
	if (n < 0 || n > MAX_PURCHASES)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: n " INT64_FORMAT " is outside 0..%d", kpi_caller_name(fcinfo), n, MAX_PURCHASES)));
	check_time(fcinfo, "t", t);
}

/*
 * BG/NBD P(X(t) = n) (Fader, Hardie & Lee 2005, eq. 8):
 * B(a,b+n)/B(a,b) NB(n) + [n > 0] B(a+1,b+n-1)/B(a,b) (1 - sum_{j<n} NB(j)),
 * NB(j) = Gamma(r+j)/(Gamma(r) j!) (alpha/(alpha+t))^r (t/(alpha+t))^j.
 */
PG_FUNCTION_INFO_V1(bgnbd_purchase_probability);
Datum
bgnbd_purchase_probability(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	int64		n = PG_GETARG_INT64(1);
	double		t = PG_GETARG_FLOAT8(2);
	double		r = m->params[0],
				alpha = m->params[1],
				a = m->params[2],
				b = m->params[3];
	double		lp,
				lq,
				below = 0,
				result;

	check_purchase_args(fcinfo, n, t);
	lp = r * (log(alpha) - log(alpha + t));
	lq = t > 0 ? log(t) - log(alpha + t) : -INFINITY;
	for (int64 j = 0; j < n; j++)
	{
		below += exp(lgamma(r + j) - lgamma(r) - lgamma(j + 1.0) + lp + (j > 0 ? j * lq : 0));
		if ((j & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	result = exp(lbeta(a, b + n) - lbeta(a, b) + lgamma(r + n) - lgamma(r) - lgamma(n + 1.0) + lp +
				 (n > 0 ? n * lq : 0));
	if (n > 0)
		result += exp(lbeta(a + 1, b + n - 1) - lbeta(a, b)) * Max(1 - below, 0);
	PG_RETURN_FLOAT8(Min(Max(result, 0), 1));
}

/*
 * Pareto/NBD P(X(t) = n) (Fader, Hardie & Lee 2005, "A note on deriving
 * the Pareto/NBD model and related expressions", eq. 18), with the
 * hypergeometric arguments in [0, 1) by the choice of alpha or beta.
 */
PG_FUNCTION_INFO_V1(pareto_nbd_purchase_probability);
Datum
pareto_nbd_purchase_probability(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	int64		n = PG_GETARG_INT64(1);
	double		t = PG_GETARG_FLOAT8(2);
	double		r = m->params[0],
				alpha = m->params[1],
				s = m->params[2],
				beta = m->params[3];
	double		xd = (double) n;
	double		big = Max(alpha, beta);
	double		bb = alpha >= beta ? s + 1 : r + xd;
	double		c = r + s + xd + 1;
	double		alive,
				b1,
				sum = 0,
				rest,
				result;
	double		series;

	check_purchase_args(fcinfo, n, t);
	alive = exp(lgamma(r + xd) - lgamma(r) - lgamma(xd + 1) + r * (log(alpha) - log(alpha + t)) +
				(n > 0 ? xd * (log(t) - log(alpha + t)) : 0) + s * (log(beta) - log(beta + t)));
	if (!hyp2f1(r + s, bb, c, (big - Min(alpha, beta)) / big, &series))
		cannot_evaluate(fcinfo);
	b1 = log(series) - (r + s) * log(big);
	for (int64 j = 0; j <= n; j++)
	{
		if (!hyp2f1(r + s + j, bb, c, (big - Min(alpha, beta)) / (big + t), &series))
			cannot_evaluate(fcinfo);
		sum += exp(lgamma(r + s + j) - lgamma(r + s) - lgamma(j + 1.0) + (j > 0 ? j * log(t) : 0) +
				   log(series) - (r + s + j) * log(big + t) - b1);
		if ((j & 1023) == 1023)
			CHECK_FOR_INTERRUPTS();
	}
	rest = exp(r * log(alpha) + s * log(beta) + lbeta(r + xd, s + 1) - lbeta(r, s) + b1) * (1 - sum);
	result = alive + rest;
	PG_RETURN_FLOAT8(Min(Max(result, 0), 1));
}

/*
 * Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV"): the expected mean
 * spend of a customer with x repeat purchases averaging mean_value,
 * p (v + x mean_value) / (p x + q - 1); x = 0 gives the population mean
 * p v / (q - 1).  Needs q > 1.
 */
static double
gg_expected(FunctionCallInfo fcinfo, const BtydModel *gg, int64 x, double mean_value)
{
	double		p = gg->params[0],
				q = gg->params[1],
				v = gg->params[2];

	if (x < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: x " INT64_FORMAT " is outside 0..9223372036854775807", kpi_caller_name(fcinfo), x)));
	if (x > 0 && (!isfinite(mean_value) || mean_value <= 0))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: mean_value %s is outside (0, 1.7976931348623157e+308]",
						kpi_caller_name(fcinfo), kpi_float8_text(mean_value))));
	if (q <= 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the model's q %s must be above 1 for a finite mean spend",
						kpi_caller_name(fcinfo), kpi_float8_text(q))));
	if (x == 0)
		return p * v / (q - 1);
	return p * (v + (double) x * mean_value) / (p * (double) x + q - 1);
}

PG_FUNCTION_INFO_V1(gamma_gamma_expected_mean_value);
Datum
gamma_gamma_expected_mean_value(PG_FUNCTION_ARGS)
{
	PG_RETURN_FLOAT8(gg_expected(fcinfo, model_arg(fcinfo, 0), PG_GETARG_INT64(1), PG_GETARG_FLOAT8(2)));
}

/* the longest horizon clv() walks, in time units */
#define MAX_HORIZON 100000.0

/*
 * Discounted expected value over (age, age + horizon]: the expected
 * purchases of each time unit i (the last one possibly partial), times the
 * expected mean spend, discounted by (1 + discount_rate)^i.
 */
static Datum
btyd_clv(FunctionCallInfo fcinfo, BtydKind kind)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	BtydModel  *gg = model_arg(fcinfo, 1);
	int64		x = PG_GETARG_INT64(2);
	double		t_x = PG_GETARG_FLOAT8(3);
	double		age = PG_GETARG_FLOAT8(4);
	double		mean_value = PG_GETARG_FLOAT8(5);
	double		horizon = PG_GETARG_FLOAT8(6);
	double		d = PG_GETARG_FLOAT8(7);
	double		spend,
				value = 0,
				before = 0;

	if (gg->kind != BTYD_GG)
		kpi_corrupt(MODEL_TYPES[BTYD_GG], "The model kind is not gamma_gamma.");
	check_history(fcinfo, x, t_x, age);
	if (!(horizon >= 0 && horizon <= MAX_HORIZON))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: horizon %s is outside 0..%s", kpi_caller_name(fcinfo),
						kpi_float8_text(horizon), kpi_float8_text(MAX_HORIZON))));
	if (!isfinite(d) || d < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: discount_rate %s is outside 0..1.7976931348623157e+308",
						kpi_caller_name(fcinfo), kpi_float8_text(d))));
	spend = gg_expected(fcinfo, gg, x, mean_value);
	for (int i = 1; i - 1 < horizon; i++)
	{
		double		upto = Min((double) i, horizon);
		double		now = expected_conditional(fcinfo, kind, m->params, upto, x, t_x, age);

		value += (now - before) * exp(-i * log1p(d));
		before = now;
		if ((i & 255) == 255)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_FLOAT8(value * spend);
}

PG_FUNCTION_INFO_V1(bgnbd_clv);
Datum
bgnbd_clv(PG_FUNCTION_ARGS)
{
	return btyd_clv(fcinfo, BTYD_BGNBD);
}

PG_FUNCTION_INFO_V1(pareto_nbd_clv);
Datum
pareto_nbd_clv(PG_FUNCTION_ARGS)
{
	return btyd_clv(fcinfo, BTYD_PARETO);
}

/* sBG: S(t) = B(alpha, beta + t) / B(alpha, beta) */
static double
sbg_survival(const BtydModel *m, int32 period)
{
	double		alpha = m->params[0],
				beta = m->params[1];

	return exp(lbeta(alpha, beta + period) - lbeta(alpha, beta));
}

static void
check_period(FunctionCallInfo fcinfo, int32 period, int32 lowest)
{
	if (period < lowest)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: period %d is outside %d..2147483647", kpi_caller_name(fcinfo), period, lowest)));
}

PG_FUNCTION_INFO_V1(sbg_survival_sql);
Datum
sbg_survival_sql(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	int32		period = PG_GETARG_INT32(1);

	check_period(fcinfo, period, 0);
	PG_RETURN_FLOAT8(sbg_survival(m, period));
}

/* r(t) = S(t) / S(t-1) = (beta + t - 1) / (alpha + beta + t - 1) */
PG_FUNCTION_INFO_V1(sbg_retention_rate);
Datum
sbg_retention_rate(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	int32		period = PG_GETARG_INT32(1);
	double		alpha = m->params[0],
				beta = m->params[1];

	check_period(fcinfo, period, 1);
	PG_RETURN_FLOAT8((beta + period - 1) / (alpha + beta + period - 1));
}

/*
 * Discounted expected lifetime of a new customer, in periods, counting the
 * first period in full: sum_t S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta;
 * 1 / (1 + d)) (Fader & Hardie 2010, "Customer-base valuation in a
 * contractual setting").  Needs d > 0.
 */
PG_FUNCTION_INFO_V1(sbg_expected_lifetime);
Datum
sbg_expected_lifetime(PG_FUNCTION_ARGS)
{
	BtydModel  *m = model_arg(fcinfo, 0);
	double		d = PG_GETARG_FLOAT8(1);
	double		result;

	if (!isfinite(d) || d <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: discount_rate %s is outside (0, 1.7976931348623157e+308]",
						kpi_caller_name(fcinfo), kpi_float8_text(d))));
	if (!hyp2f1(1, m->params[1], m->params[0] + m->params[1], 1 / (1 + d), &result))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: discount_rate %s is too small for the series to converge",
						kpi_caller_name(fcinfo), kpi_float8_text(d)),
				 errhint("Use a discount rate of at least 0.0001 per period.")));
	PG_RETURN_FLOAT8(result);
}
