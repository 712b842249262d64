/*
 * mrr.c
 *		MRR movements between two periods from mrr_summary, one row per
 *		customer: new, expansion, contraction and churned MRR, and net and
 *		gross revenue retention, exact.
 *
 * Money is kept as 128-bit integers of the smallest unit seen (see
 * kpi_numeric_units), so every figure equals sum() over the same numeric
 * column to the last digit.
 */
#include "postgres.h"

#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"

#define MRR_SUMMARY_VERSION		1

static const char *const MRR_TYPE = "mrr_summary";

typedef enum MrrMovement
{
	MRR_STARTING,				/* paying in the previous period: prev > 0 */
	MRR_NEW,					/* prev 0, curr > 0 */
	MRR_EXPANSION,				/* curr > prev > 0: the increase */
	MRR_CONTRACTION,			/* 0 < curr < prev: the decrease */
	MRR_CHURNED,				/* prev > 0, curr 0: all of prev */
	MRR_MOVEMENTS
} MrrMovement;

static const char *const MOVEMENT_NAMES[MRR_MOVEMENTS] =
{"starting", "new", "expansion", "contraction", "churned"};

typedef struct MrrSummary
{
	int32		version;		/* MRR_SUMMARY_VERSION, and see MRR_SCALE_COUNT */
	int32		scale;			/* decimal scale of every amount */
	int64		rows;			/* customer rows seen, paying or not */
	int64		customers[MRR_MOVEMENTS];
	int128		amounts[MRR_MOVEMENTS]; /* units at scale, never negative */
} MrrSummary;

StaticAssertDecl(sizeof(MrrSummary) == 136,
				 "mrr_summary is declared with INTERNALLENGTH = 136");

#define PG_GETARG_MRR_SUMMARY(n)	((MrrSummary *) PG_GETARG_POINTER(n))

/*
 * An aggregate's state counts its inputs at its scale, for moving windows
 * (kpi_money_scale_count_add).  The layout has no spare field, so the count
 * is the high 16 bits of version; the final functions clear it, so stored
 * summaries and the text and binary forms are exactly those of 1.0.
 */
#define MRR_SCALE_COUNT_SHIFT	16
#define MRR_FORMAT_VERSION(s)	((s)->version & ((1 << MRR_SCALE_COUNT_SHIFT) - 1))
#define MRR_SCALE_COUNT(s)		((uint16) ((uint32) (s)->version >> MRR_SCALE_COUNT_SHIFT))

static void
mrr_set_scale_count(MrrSummary *s, uint16 count)
{
	s->version = (int32) ((uint32) MRR_FORMAT_VERSION(s) | (uint32) count << MRR_SCALE_COUNT_SHIFT);
}

/* Why the figures cannot come from any set of rows, or NULL. */
static const char *
mrr_problem(const MrrSummary *s)
{
	int64		leaving = 0;
	bool		overflow = false;

	if (s->scale < 0 || s->scale > KPI_MONEY_MAX_SCALE)
		return psprintf("The scale must be between 0 and %d.", KPI_MONEY_MAX_SCALE);
	for (int m = 0; m < MRR_MOVEMENTS; m++)
	{
		if (s->customers[m] < 0 || s->amounts[m] < 0)
			return "Counts and amounts cannot be negative.";
		if ((s->customers[m] == 0) != (s->amounts[m] == 0))
			return psprintf("A %s amount needs customers, and customers an amount above zero.",
							MOVEMENT_NAMES[m]);
	}
	/* the counts are non-negative here, so a sum that overflows exceeds any count */
	for (int m = MRR_EXPANSION; m < MRR_MOVEMENTS; m++)
		overflow |= pg_add_s64_overflow(leaving, s->customers[m], &leaving);
	if (s->rows < 0 || overflow || leaving > s->customers[MRR_STARTING] ||
		s->customers[MRR_STARTING] > s->rows - s->customers[MRR_NEW])
		return "The counts do not add up: expanded, contracted and churned customers are among the starting ones, and starting and new customers among the rows.";
	/* subtract rather than add: two amounts near the int128 limit would wrap */
	if (s->amounts[MRR_CONTRACTION] > s->amounts[MRR_STARTING] - s->amounts[MRR_CHURNED])
		return "Contraction and churn cannot exceed the starting MRR.";
	return NULL;
}

static void
mrr_check(const MrrSummary *s)
{
	const char *problem = MRR_FORMAT_VERSION(s) == MRR_SUMMARY_VERSION ? mrr_problem(s) :
		psprintf("Format version %d is not supported.", MRR_FORMAT_VERSION(s));

	if (problem != NULL)
		kpi_corrupt(MRR_TYPE, problem);
}

static MrrSummary *
mrr_mutable(FunctionCallInfo fcinfo)
{
	MrrSummary *s = PG_GETARG_MRR_SUMMARY(0);
	MrrSummary *copy;

	if (kpi_in_aggregate(fcinfo))
		return s;
	mrr_check(s);
	copy = palloc(sizeof(MrrSummary));
	memcpy(copy, s, sizeof(MrrSummary));
	return copy;
}

static void
mrr_rescale(FunctionCallInfo fcinfo, MrrSummary *s, int scale)
{
	for (int m = 0; m < MRR_MOVEMENTS; m++)
		if (!kpi_money_rescale(&s->amounts[m], s->scale, scale))
			kpi_money_overflow(fcinfo, psprintf("%s MRR", MOVEMENT_NAMES[m]));
	s->scale = scale;
}

/* sign = 1 adds a movement, -1 takes it back (rolling windows) */
static void
mrr_count(FunctionCallInfo fcinfo, MrrSummary *s, MrrMovement m, int sign, int64 customers, int128 amount)
{
	s->customers[m] = kpi_add_count(s->customers[m], sign * customers, MRR_TYPE);
	if (!kpi_money_add(&s->amounts[m], sign * amount))
		kpi_money_overflow(fcinfo, psprintf("%s MRR", MOVEMENT_NAMES[m]));
}

/* An MRR argument as units; NULL is zero, not a paying customer. */
static int128
mrr_units(FunctionCallInfo fcinfo, int argno, const char *name, int *scale)
{
	Datum		value = PG_GETARG_DATUM(argno);
	int128		units;

	*scale = 0;
	if (PG_ARGISNULL(argno))
		return 0;
	if (!kpi_numeric_units(value, &units, scale) || units < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %s is not an amount >= 0", kpi_caller_name(fcinfo), name,
						DatumGetCString(DirectFunctionCall1(numeric_out, value))),
				 errdetail("MRR is zero or NULL for a customer who is not paying, and positive otherwise.")));
	return units;
}

/*
 * Counts an input at input_scale in an aggregate's state, or takes it back
 * (sign -1): false when that may lower the scale, and the inverse
 * transition must return NULL so that the window recomputes the frame, as
 * sum() over it would print.  Outside aggregates nothing is counted.
 */
static bool
mrr_scale_input(FunctionCallInfo fcinfo, MrrSummary *s, int sign, int input_scale)
{
	uint16		count = MRR_SCALE_COUNT(s);

	if (!kpi_in_aggregate(fcinfo))
		return true;
	if (sign > 0)
		count = kpi_money_scale_count_add(s->scale, count, input_scale);
	else if (!kpi_money_scale_count_remove(s->scale, &count, input_scale))
		return false;
	mrr_set_scale_count(s, count);
	return true;
}

/*
 * The aggregates start from INITCOND, so the state is NULL only when the
 * function is called by hand: the answer is NULL, as for a strict function.
 */
static Datum
mrr_step(FunctionCallInfo fcinfo, int sign)
{
	MrrSummary *s;
	int			prev_scale;
	int			curr_scale;
	int128		prev;
	int128		curr;
	int			scale;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = mrr_mutable(fcinfo);
	prev = mrr_units(fcinfo, 1, "prev_mrr", &prev_scale);
	curr = mrr_units(fcinfo, 2, "curr_mrr", &curr_scale);
	if (!mrr_scale_input(fcinfo, s, sign, Max(prev_scale, curr_scale)))
		PG_RETURN_NULL();
	scale = Max(s->scale, Max(prev_scale, curr_scale));

	if (scale > s->scale)
		mrr_rescale(fcinfo, s, scale);
	if (!kpi_money_rescale(&prev, prev_scale, scale) || !kpi_money_rescale(&curr, curr_scale, scale))
		kpi_money_overflow(fcinfo, "MRR");

	s->rows = kpi_add_count(s->rows, sign, MRR_TYPE);
	if (prev > 0)
		mrr_count(fcinfo, s, MRR_STARTING, sign, 1, prev);
	if (prev == 0 && curr > 0)
		mrr_count(fcinfo, s, MRR_NEW, sign, 1, curr);
	else if (prev > 0 && curr > prev)
		mrr_count(fcinfo, s, MRR_EXPANSION, sign, 1, curr - prev);
	else if (curr > 0 && curr < prev)
		mrr_count(fcinfo, s, MRR_CONTRACTION, sign, 1, prev - curr);
	else if (prev > 0 && curr == 0)
		mrr_count(fcinfo, s, MRR_CHURNED, sign, 1, prev);
	if (sign < 0 && mrr_problem(s) != NULL)
	{
		StringInfoData row;

		initStringInfo(&row);
		appendStringInfoString(&row, "prev_mrr ");
		kpi_money_append(&row, prev, scale);
		appendStringInfoString(&row, ", curr_mrr ");
		kpi_money_append(&row, curr, scale);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: cannot remove a row of %s that was never added",
						kpi_caller_name(fcinfo), row.data),
				 errdetail("Only what was added can be removed.")));
	}
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(mrr_summary_add);
Datum
mrr_summary_add(PG_FUNCTION_ARGS)
{
	return mrr_step(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(mrr_summary_remove);
Datum
mrr_summary_remove(PG_FUNCTION_ARGS)
{
	return mrr_step(fcinfo, -1);
}

static Datum
mrr_combine(FunctionCallInfo fcinfo, int sign)
{
	MrrSummary *s = mrr_mutable(fcinfo);
	MrrSummary *other = PG_GETARG_MRR_SUMMARY(1);
	int			scale;

	mrr_check(other);
	if (!mrr_scale_input(fcinfo, s, sign, other->scale))
		PG_RETURN_NULL();
	scale = Max(s->scale, other->scale);
	if (scale > s->scale)
		mrr_rescale(fcinfo, s, scale);
	s->rows = kpi_add_count(s->rows, sign * other->rows, MRR_TYPE);
	for (int m = 0; m < MRR_MOVEMENTS; m++)
	{
		int128		amount = other->amounts[m];

		if (!kpi_money_rescale(&amount, other->scale, scale))
			kpi_money_overflow(fcinfo, psprintf("%s MRR", MOVEMENT_NAMES[m]));
		mrr_count(fcinfo, s, (MrrMovement) m, sign, other->customers[m], amount);
	}
	if (sign < 0 && mrr_problem(s) != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: cannot remove a summary that was never added",
						kpi_caller_name(fcinfo)),
				 errdetail("Only what was added can be removed.")));
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(mrr_summary_merge);
Datum
mrr_summary_merge(PG_FUNCTION_ARGS)
{
	return mrr_combine(fcinfo, 1);
}

PG_FUNCTION_INFO_V1(mrr_summary_unmerge);
Datum
mrr_summary_unmerge(PG_FUNCTION_ARGS)
{
	return mrr_combine(fcinfo, -1);
}

/* NULL for a group without rows, as sum() is; the accessors agree */
PG_FUNCTION_INFO_V1(mrr_summary_final);
Datum
mrr_summary_final(PG_FUNCTION_ARGS)
{
	MrrSummary *s = PG_GETARG_MRR_SUMMARY(0);
	MrrSummary *result;

	if (s->rows == 0)
		PG_RETURN_NULL();
	if (MRR_SCALE_COUNT(s) == 0)
		PG_RETURN_POINTER(s);
	/* a window calls it again on the same state: clear the count in a copy */
	result = palloc(sizeof(MrrSummary));
	memcpy(result, s, sizeof(MrrSummary));
	mrr_set_scale_count(result, 0);
	PG_RETURN_POINTER(result);
}

/* "v1 scale=2 rows=10 starting=5/1234.00 new=2/300.00 ..." (customers/amount) */
PG_FUNCTION_INFO_V1(mrr_summary_out);
Datum
mrr_summary_out(PG_FUNCTION_ARGS)
{
	MrrSummary *s = PG_GETARG_MRR_SUMMARY(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d scale=%d rows=" INT64_FORMAT, MRR_SUMMARY_VERSION, s->scale, s->rows);
	for (int m = 0; m < MRR_MOVEMENTS; m++)
	{
		appendStringInfo(&buf, " %s=" INT64_FORMAT "/", MOVEMENT_NAMES[m], s->customers[m]);
		kpi_money_append(&buf, s->amounts[m], s->scale);
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(mrr_summary_in);
Datum
mrr_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	MrrSummary *s = palloc0(sizeof(MrrSummary));
	int64		scale;
	const char *problem;

	kpi_text_init(&cur, MRR_TYPE, input);
	kpi_text_version(&cur, MRR_SUMMARY_VERSION);
	s->version = MRR_SUMMARY_VERSION;
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "scale=");
	scale = kpi_text_count(&cur);
	if (scale > KPI_MONEY_MAX_SCALE)
		kpi_text_invalid(&cur, psprintf("The scale must be between 0 and %d.", KPI_MONEY_MAX_SCALE));
	s->scale = (int32) scale;
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "rows=");
	s->rows = kpi_text_count(&cur);
	for (int m = 0; m < MRR_MOVEMENTS; m++)
	{
		if (!kpi_text_skip_space(&cur))
			kpi_text_error(&cur, psprintf("a space and %s=customers/amount", MOVEMENT_NAMES[m]));
		kpi_text_expect(&cur, psprintf("%s=", MOVEMENT_NAMES[m]));
		s->customers[m] = kpi_text_count(&cur);
		kpi_text_expect(&cur, "/");
		s->amounts[m] = kpi_text_money(&cur, s->scale);
	}
	kpi_text_end(&cur);
	if ((problem = mrr_problem(s)) != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(s);
}

/* Binary form: version byte, scale as int4, rows, then customers and amount per movement. */
PG_FUNCTION_INFO_V1(mrr_summary_send);
Datum
mrr_summary_send(PG_FUNCTION_ARGS)
{
	MrrSummary *s = PG_GETARG_MRR_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, MRR_SUMMARY_VERSION);
	pq_sendint32(&buf, s->scale);
	pq_sendint64(&buf, s->rows);
	for (int m = 0; m < MRR_MOVEMENTS; m++)
	{
		pq_sendint64(&buf, s->customers[m]);
		kpi_send_money(&buf, s->amounts[m]);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* =, <> and hashing on the binary form: the same rows, movements and scale */
KPI_EQUALITY_FUNCTIONS(mrr_summary)

PG_FUNCTION_INFO_V1(mrr_summary_recv);
Datum
mrr_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, MRR_TYPE);
	MrrSummary *s = palloc0(sizeof(MrrSummary));
	const char *problem;

	if (version != MRR_SUMMARY_VERSION)
		kpi_recv_error(MRR_TYPE,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, MRR_SUMMARY_VERSION));
	s->version = MRR_SUMMARY_VERSION;
	s->scale = kpi_recv_int32(buf, MRR_TYPE);
	s->rows = kpi_recv_int64(buf, MRR_TYPE);
	for (int m = 0; m < MRR_MOVEMENTS; m++)
	{
		s->customers[m] = kpi_recv_int64(buf, MRR_TYPE);
		s->amounts[m] = kpi_recv_money(buf, MRR_TYPE);
	}
	if ((problem = mrr_problem(s)) != NULL)
		kpi_recv_error(MRR_TYPE, problem);
	PG_RETURN_POINTER(s);
}

static MrrSummary *
mrr_arg(FunctionCallInfo fcinfo)
{
	MrrSummary *s = PG_GETARG_MRR_SUMMARY(0);

	mrr_check(s);
	return s;
}

static Datum
movement(FunctionCallInfo fcinfo, MrrMovement m)
{
	MrrSummary *s = mrr_arg(fcinfo);

	if (s->rows == 0)
		PG_RETURN_NULL();
	PG_RETURN_DATUM(kpi_money_numeric(s->amounts[m], s->scale));
}

PG_FUNCTION_INFO_V1(mrr_summary_starting_mrr);
Datum
mrr_summary_starting_mrr(PG_FUNCTION_ARGS)
{
	return movement(fcinfo, MRR_STARTING);
}

PG_FUNCTION_INFO_V1(mrr_summary_new_mrr);
Datum
mrr_summary_new_mrr(PG_FUNCTION_ARGS)
{
	return movement(fcinfo, MRR_NEW);
}

PG_FUNCTION_INFO_V1(mrr_summary_expansion_mrr);
Datum
mrr_summary_expansion_mrr(PG_FUNCTION_ARGS)
{
	return movement(fcinfo, MRR_EXPANSION);
}

PG_FUNCTION_INFO_V1(mrr_summary_contraction_mrr);
Datum
mrr_summary_contraction_mrr(PG_FUNCTION_ARGS)
{
	return movement(fcinfo, MRR_CONTRACTION);
}

PG_FUNCTION_INFO_V1(mrr_summary_churned_mrr);
Datum
mrr_summary_churned_mrr(PG_FUNCTION_ARGS)
{
	return movement(fcinfo, MRR_CHURNED);
}

/* starting + new + expansion - contraction - churned */
PG_FUNCTION_INFO_V1(mrr_summary_ending_mrr);
Datum
mrr_summary_ending_mrr(PG_FUNCTION_ARGS)
{
	MrrSummary *s = mrr_arg(fcinfo);
	int128		ending = s->amounts[MRR_STARTING];

	if (s->rows == 0)
		PG_RETURN_NULL();
	if (!kpi_money_add(&ending, s->amounts[MRR_NEW]) ||
		!kpi_money_add(&ending, s->amounts[MRR_EXPANSION]))
		kpi_money_overflow(fcinfo, "ending MRR");
	ending -= s->amounts[MRR_CONTRACTION] + s->amounts[MRR_CHURNED];
	PG_RETURN_DATUM(kpi_money_numeric(ending, s->scale));
}

/* retained MRR of the starting customers as percent of their starting MRR */
static Datum
retention(FunctionCallInfo fcinfo, bool with_expansion)
{
	MrrSummary *s = mrr_arg(fcinfo);
	int128		retained = s->amounts[MRR_STARTING] - s->amounts[MRR_CONTRACTION] -
		s->amounts[MRR_CHURNED];

	if (s->amounts[MRR_STARTING] == 0)
		PG_RETURN_NULL();
	if (with_expansion && !kpi_money_add(&retained, s->amounts[MRR_EXPANSION]))
		kpi_money_overflow(fcinfo, "retained MRR");
	/* both at the same scale: the ratio of the units is the ratio of the amounts */
	PG_RETURN_FLOAT8(100.0 * (double) retained / (double) s->amounts[MRR_STARTING]);
}

PG_FUNCTION_INFO_V1(mrr_summary_nrr);
Datum
mrr_summary_nrr(PG_FUNCTION_ARGS)
{
	return retention(fcinfo, true);
}

PG_FUNCTION_INFO_V1(mrr_summary_grr);
Datum
mrr_summary_grr(PG_FUNCTION_ARGS)
{
	return retention(fcinfo, false);
}
