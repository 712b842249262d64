/*
 * purchases.c
 *		From an orders table to the one row per customer that the BTYD fits
 *		take: btyd_customer(day, amount, observation_end[, unit]) gives
 *		(x, t_x, t, mean_value) as Fader, Hardie & Lee derive them.
 *
 * Purchases on one day count as one; days after observation_end are left
 * out (the calibration period ends there, the day itself included); x is
 * the number of purchase days after the first; t_x and t are the last
 * purchase day's and observation_end's distance from the first, in units;
 * mean_value is the mean spend of the repeat days, 0 without any.
 *
 * The state, btyd_purchases, is one customer's purchase days with their
 * exact spend (128-bit units at one decimal scale, as the money helpers
 * keep amounts).  Inside an aggregate days are appended in place, merged
 * with the last one when it is the same day; the canonical form, which
 * the text and binary forms write, has the days sorted and distinct.
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/timestamp.h"

#define PURCHASES_VERSION	1

static const char *const PURCHASES_TYPE = "btyd_purchases";

typedef struct PurchaseDay
{
	int128		spend;			/* units at the state's scale */
	DateADT		day;
} PurchaseDay;

typedef struct Purchases
{
	int32		vl_len_;
	uint8		version;
	uint8		sorted;			/* canonical: days sorted and distinct */
	uint16		reserved;		/* zero */
	int32		scale;
	DateADT		observation_end;
	int32		capacity;
	int32		count;
	int64		unit;			/* microseconds, > 0 */
	PurchaseDay days[FLEXIBLE_ARRAY_MEMBER];
} Purchases;

#define PURCHASES_HEADER_SIZE	offsetof(Purchases, days)
#define PURCHASES_MIN_CAPACITY	4
#define PURCHASES_MAX_CAPACITY	((int32) ((MaxAllocSize - PURCHASES_HEADER_SIZE) / sizeof(PurchaseDay)))
#define PG_GETARG_PURCHASES(n)	((Purchases *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* the papers' unit, and the three-argument aggregate's */
#define WEEK_USECS				(7 * USECS_PER_DAY)

static Size
purchases_size(int32 capacity)
{
	return PURCHASES_HEADER_SIZE + (Size) capacity * sizeof(PurchaseDay);
}

static Purchases *
purchases_new(DateADT observation_end, int64 unit, int scale, int32 capacity)
{
	Purchases  *p = palloc0(purchases_size(capacity));

	SET_VARSIZE(p, purchases_size(capacity));
	p->version = PURCHASES_VERSION;
	p->sorted = true;
	p->scale = scale;
	p->observation_end = observation_end;
	p->capacity = capacity;
	p->unit = unit;
	return p;
}

/* The header against the size, for a state that came from outside. */
static void
purchases_check(const Purchases *p)
{
	if (p->version != PURCHASES_VERSION)
		kpi_corrupt(PURCHASES_TYPE, psprintf("Format version %d is not supported.", p->version));
	if (p->sorted > 1 || p->reserved != 0 || p->scale < 0 || p->scale > KPI_MONEY_MAX_SCALE ||
		p->unit <= 0 || p->observation_end < KPI_DATE_MIN || p->observation_end > KPI_DATE_MAX ||
		p->capacity < 0 || p->count < 0 || p->count > p->capacity ||
		VARSIZE(p) != purchases_size(p->capacity))
		kpi_corrupt(PURCHASES_TYPE, "The header does not match the data.");
}

/* A copy of p with room for extra more days, doubling so appends stay cheap. */
static Purchases *
purchases_grown(FunctionCallInfo fcinfo, const Purchases *p, int64 extra)
{
	int64		wanted = (int64) p->count + extra;
	int64		capacity = Max(p->capacity, PURCHASES_MIN_CAPACITY);
	Purchases  *copy;

	if (wanted > PURCHASES_MAX_CAPACITY)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("%s: one customer cannot have " INT64_FORMAT " purchase days",
						kpi_caller_name(fcinfo), wanted),
				 errdetail("A btyd_purchases holds at most %d days in 1 GB.", PURCHASES_MAX_CAPACITY)));
	while (capacity < wanted)
		capacity *= 2;
	capacity = Min(capacity, PURCHASES_MAX_CAPACITY);
	copy = purchases_new(p->observation_end, p->unit, p->scale, (int32) capacity);
	copy->sorted = p->sorted;
	copy->count = p->count;
	memcpy(copy->days, p->days, (Size) p->count * sizeof(PurchaseDay));
	return copy;
}

/* Every spend times 10^(scale - p->scale). */
static void
purchases_rescale(FunctionCallInfo fcinfo, Purchases *p, int scale)
{
	for (int32 i = 0; i < p->count; i++)
		if (!kpi_money_rescale(&p->days[i].spend, p->scale, scale))
			kpi_money_overflow(fcinfo, "a day's spend");
	p->scale = scale;
}

/* Adds spend on day; in place, so p must have room for one more day. */
static void
purchases_append(FunctionCallInfo fcinfo, Purchases *p, DateADT day, int128 spend)
{
	PurchaseDay *last = p->count > 0 ? &p->days[p->count - 1] : NULL;

	if (last != NULL && last->day == day)
	{
		if (!kpi_money_add(&last->spend, spend))
			kpi_money_overflow(fcinfo, "a day's spend");
		return;
	}
	if (last != NULL && last->day > day)
		p->sorted = false;
	p->days[p->count].day = day;
	p->days[p->count].spend = spend;
	p->count++;
}

static int
compare_days(const void *a, const void *b)
{
	DateADT		da = ((const PurchaseDay *) a)->day;
	DateADT		db = ((const PurchaseDay *) b)->day;

	return (da > db) - (da < db);
}

/* The canonical form of p, p itself if it is. */
static Purchases *
purchases_sorted(FunctionCallInfo fcinfo, Purchases *p)
{
	Purchases  *result;
	PurchaseDay *days;

	if (p->sorted)
		return p;
	days = palloc((Size) Max(p->count, 1) * sizeof(PurchaseDay));
	memcpy(days, p->days, (Size) p->count * sizeof(PurchaseDay));
	qsort(days, p->count, sizeof(PurchaseDay), compare_days);
	result = purchases_new(p->observation_end, p->unit, p->scale, p->count);
	for (int32 i = 0; i < p->count; i++)
		purchases_append(fcinfo, result, days[i].day, days[i].spend);
	pfree(days);
	return result;
}

/* A date for a message: ISO, whatever DateStyle says, like the text form. */
static char *
date_text(DateADT day)
{
	StringInfoData buf;

	if (DATE_NOT_FINITE(day))
		return pstrdup(DATE_IS_NOBEGIN(day) ? "-infinity" : "infinity");
	initStringInfo(&buf);
	kpi_date_append(&buf, day);
	return buf.data;
}

static void
check_same_period(FunctionCallInfo fcinfo, const Purchases *p, DateADT observation_end, int64 unit)
{
	if (p->observation_end != observation_end || p->unit != unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: every row of a customer needs the same observation_end and unit",
						kpi_caller_name(fcinfo)),
				 errdetail("Rows of one group gave observation_end %s with a unit of " INT64_FORMAT
						   " microseconds and %s with " INT64_FORMAT ".",
						   date_text(p->observation_end), p->unit, date_text(observation_end), unit)));
}

static void
check_day(FunctionCallInfo fcinfo, const char *name, DateADT day)
{
	if (DATE_NOT_FINITE(day) || day < KPI_DATE_MIN || day > KPI_DATE_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %s is outside the years 1 to 9999", kpi_caller_name(fcinfo), name,
						date_text(day))));
}

/* The unit as microseconds: a fixed, positive length of time. */
static int64
unit_usecs(FunctionCallInfo fcinfo, const Interval *unit)
{
	int64		usecs;

	if (unit->month != 0 ||
		pg_mul_s64_overflow((int64) unit->day, USECS_PER_DAY, &usecs) ||
		pg_add_s64_overflow(usecs, unit->time, &usecs) || usecs <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: unit %s is not a positive length of time in days, hours or smaller",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(interval_out, IntervalPGetDatum(unit)))),
				 errdetail("Months and years have no fixed length; use '7 days' for weeks.")));
	return usecs;
}

/*
 * One order: (state, day, amount, observation_end[, unit]).  Non-strict:
 * rows with a NULL day or amount are skipped; observation_end and unit are
 * parameters and must be given on every other row.
 */
PG_FUNCTION_INFO_V1(btyd_purchases_add);
Datum
btyd_purchases_add(PG_FUNCTION_ARGS)
{
	Purchases  *p;
	DateADT		day;
	DateADT		observation_end;
	int64		unit;
	int128		spend;
	int			scale;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(3) || (PG_NARGS() > 4 && PG_ARGISNULL(4)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: observation_end and unit must not be NULL", kpi_caller_name(fcinfo))));
	observation_end = PG_GETARG_DATEADT(3);
	check_day(fcinfo, "observation_end", observation_end);
	unit = PG_NARGS() > 4 ? unit_usecs(fcinfo, PG_GETARG_INTERVAL_P(4)) : WEEK_USECS;
	day = PG_GETARG_DATEADT(1);
	check_day(fcinfo, "day", day);
	if (!kpi_numeric_units(PG_GETARG_DATUM(2), &spend, &scale) || spend < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: amount %s is not an amount >= 0 of at most %d significant digits",
						kpi_caller_name(fcinfo),
						DatumGetCString(DirectFunctionCall1(numeric_out, PG_GETARG_DATUM(2))),
						KPI_MONEY_MAX_SCALE),
				 errhint("Leave refunds out: WHERE amount >= 0.")));

	if (PG_ARGISNULL(0))
		p = purchases_new(observation_end, unit, scale, PURCHASES_MIN_CAPACITY);
	else
	{
		p = PG_GETARG_PURCHASES(0);
		if (!kpi_in_aggregate(fcinfo))
		{
			purchases_check(p);
			p = purchases_grown(fcinfo, p, 1);
		}
		check_same_period(fcinfo, p, observation_end, unit);
	}
	if (day > observation_end)
		PG_RETURN_POINTER(p);
	if (p->count == p->capacity)
		p = purchases_grown(fcinfo, p, 1);
	if (scale > p->scale)
		purchases_rescale(fcinfo, p, scale);
	else if (!kpi_money_rescale(&spend, scale, p->scale))
		kpi_money_overflow(fcinfo, "an amount");
	purchases_append(fcinfo, p, day, spend);
	PG_RETURN_POINTER(p);
}

/* The combine function: the purchase days of both. */
PG_FUNCTION_INFO_V1(btyd_purchases_merge);
Datum
btyd_purchases_merge(PG_FUNCTION_ARGS)
{
	Purchases  *p = PG_GETARG_PURCHASES(0);
	Purchases  *other = PG_GETARG_PURCHASES(1);

	purchases_check(other);
	if (!kpi_in_aggregate(fcinfo))
		purchases_check(p);
	check_same_period(fcinfo, p, other->observation_end, other->unit);
	if (!kpi_in_aggregate(fcinfo) || (int64) p->count + other->count > p->capacity)
		p = purchases_grown(fcinfo, p, other->count);
	if (other->scale > p->scale)
		purchases_rescale(fcinfo, p, other->scale);
	for (int32 i = 0; i < other->count; i++)
	{
		int128		spend = other->days[i].spend;

		if (!kpi_money_rescale(&spend, other->scale, p->scale))
			kpi_money_overflow(fcinfo, "a day's spend");
		purchases_append(fcinfo, p, other->days[i].day, spend);
	}
	PG_RETURN_POINTER(p);
}

/*
 * The final function, and the row of a stored state: (x, t_x, t,
 * mean_value).  NULL for a customer with no purchase by observation_end.
 */
PG_FUNCTION_INFO_V1(btyd_purchases_customer);
Datum
btyd_purchases_customer(PG_FUNCTION_ARGS)
{
	Purchases  *p = PG_GETARG_PURCHASES(0);
	TupleDesc	tupdesc;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	int128		repeat_spend = 0;
	int64		x;
	DateADT		first;

	if (!kpi_in_aggregate(fcinfo))
		purchases_check(p);
	p = purchases_sorted(fcinfo, p);
	if (p->count == 0)
		PG_RETURN_NULL();
	/* looked up once a query: the final function runs once a customer */
	if (fcinfo->flinfo->fn_extra == NULL)
	{
		MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);

		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "btyd_customer must return a composite type");
		fcinfo->flinfo->fn_extra = BlessTupleDesc(CreateTupleDescCopy(tupdesc));
		MemoryContextSwitchTo(old);
	}
	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;

	for (int32 i = 1; i < p->count; i++)
		if (!kpi_money_add(&repeat_spend, p->days[i].spend))
			kpi_money_overflow(fcinfo, "a customer's repeat spend");
	x = p->count - 1;
	first = p->days[0].day;
	values[0] = Int64GetDatum(x);
	values[1] = Float8GetDatum((double) (p->days[p->count - 1].day - first) * USECS_PER_DAY / p->unit);
	values[2] = Float8GetDatum((double) (p->observation_end - first) * USECS_PER_DAY / p->unit);
	if (x == 0)
		values[3] = Float8GetDatum(0.0);
	else
		values[3] = DirectFunctionCall1(numeric_float8,
										DirectFunctionCall2(numeric_div,
															kpi_money_numeric(repeat_spend, p->scale),
															NumericGetDatum(int64_to_numeric(x))));
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/*
 * Text form: "v1 end=1997-09-30 unit=604800000000 scale=2; 1997-01-01=29.33
 * 1997-01-20=11.77", the unit in microseconds, each purchase day with its
 * spend, in day order.
 */
PG_FUNCTION_INFO_V1(btyd_purchases_out);
Datum
btyd_purchases_out(PG_FUNCTION_ARGS)
{
	Purchases  *p = PG_GETARG_PURCHASES(0);
	StringInfoData buf;

	purchases_check(p);
	p = purchases_sorted(NULL, p);
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d end=", PURCHASES_VERSION);
	kpi_date_append(&buf, p->observation_end);
	appendStringInfo(&buf, " unit=" INT64_FORMAT " scale=%d", p->unit, p->scale);
	for (int32 i = 0; i < p->count; i++)
	{
		appendStringInfoString(&buf, i == 0 ? "; " : " ");
		kpi_date_append(&buf, p->days[i].day);
		appendStringInfoChar(&buf, '=');
		kpi_money_append(&buf, p->days[i].spend, p->scale);
	}
	PG_RETURN_CSTRING(buf.data);
}

/* What is wrong with day i of a state from outside, or NULL. */
static const char *
day_problem(const Purchases *p, int32 i)
{
	const PurchaseDay *d = &p->days[i];

	if (d->day < KPI_DATE_MIN || d->day > p->observation_end)
		return "is outside the years 1 to 9999 or after observation_end";
	if (i > 0 && d->day <= p->days[i - 1].day)
		return "is not after the day before it: the days are in increasing order, each once";
	if (d->spend < 0)
		return "has a negative spend";
	return NULL;
}

PG_FUNCTION_INFO_V1(btyd_purchases_in);
Datum
btyd_purchases_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	Purchases  *p;
	DateADT		observation_end;
	int64		unit;
	int64		scale;

	kpi_text_init(&cur, PURCHASES_TYPE, input);
	kpi_text_version(&cur, PURCHASES_VERSION);
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "end=");
	observation_end = kpi_text_date(&cur);
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "unit=");
	unit = kpi_text_count(&cur);
	if (unit == 0)
		kpi_text_invalid(&cur, "The unit must be at least one microsecond.");
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "scale=");
	scale = kpi_text_count(&cur);
	if (scale > KPI_MONEY_MAX_SCALE)
		kpi_text_invalid(&cur, psprintf("The scale must be between 0 and %d.", KPI_MONEY_MAX_SCALE));
	p = purchases_new(observation_end, unit, (int) scale, PURCHASES_MIN_CAPACITY);
	kpi_text_skip_space(&cur);
	if (kpi_text_accept(&cur, ";"))
	{
		do
		{
			const char *start;
			const char *problem;

			kpi_text_skip_space(&cur);
			start = cur.pos;
			if (p->count == p->capacity)
				p = purchases_grown(NULL, p, 1);
			p->days[p->count].day = kpi_text_date(&cur);
			kpi_text_expect(&cur, "=");
			p->days[p->count].spend = kpi_text_money(&cur, (int) scale);
			if ((problem = day_problem(p, p->count)) != NULL)
				kpi_text_invalid(&cur, psprintf("The purchase day at character %d %s.",
												(int) (start - input) + 1, problem));
			p->count++;
		} while (kpi_text_skip_space(&cur) && *cur.pos != '\0');
	}
	kpi_text_end(&cur);
	PG_RETURN_POINTER(p);
}

/* binary form: version, end, unit, scale, count, then day and spend */
PG_FUNCTION_INFO_V1(btyd_purchases_send);
Datum
btyd_purchases_send(PG_FUNCTION_ARGS)
{
	Purchases  *p = PG_GETARG_PURCHASES(0);
	StringInfoData buf;

	purchases_check(p);
	p = purchases_sorted(NULL, p);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, PURCHASES_VERSION);
	pq_sendint32(&buf, p->observation_end);
	pq_sendint64(&buf, p->unit);
	pq_sendint32(&buf, p->scale);
	pq_sendint32(&buf, p->count);
	for (int32 i = 0; i < p->count; i++)
	{
		pq_sendint32(&buf, p->days[i].day);
		kpi_send_money(&buf, p->days[i].spend);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(btyd_purchases_recv);
Datum
btyd_purchases_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, PURCHASES_TYPE);
	DateADT		observation_end;
	int64		unit;
	int32		scale;
	int32		count;
	Purchases  *p;

	if (version != PURCHASES_VERSION)
		kpi_recv_error(PURCHASES_TYPE, psprintf("Format version %d is not supported.", version));
	observation_end = kpi_recv_int32(buf, PURCHASES_TYPE);
	if (observation_end < KPI_DATE_MIN || observation_end > KPI_DATE_MAX)
		kpi_recv_error(PURCHASES_TYPE, "observation_end lies outside the years 1 to 9999.");
	unit = kpi_recv_int64(buf, PURCHASES_TYPE);
	if (unit <= 0)
		kpi_recv_error(PURCHASES_TYPE, "The unit is not positive.");
	scale = kpi_recv_int32(buf, PURCHASES_TYPE);
	if (scale < 0 || scale > KPI_MONEY_MAX_SCALE)
		kpi_recv_error(PURCHASES_TYPE, psprintf("Scale %d is outside 0..%d.", scale, KPI_MONEY_MAX_SCALE));
	count = kpi_recv_int32(buf, PURCHASES_TYPE);
	/* each day takes at least 5 bytes, so a count beyond the bytes left is corrupt */
	if (count < 0 || count > (buf->len - buf->cursor) / 5)
		kpi_recv_error(PURCHASES_TYPE, "The number of days does not match the data.");
	p = purchases_new(observation_end, unit, scale, Max(count, PURCHASES_MIN_CAPACITY));
	for (int32 i = 0; i < count; i++)
	{
		p->days[i].day = kpi_recv_int32(buf, PURCHASES_TYPE);
		p->days[i].spend = kpi_recv_money(buf, PURCHASES_TYPE);
		if (day_problem(p, i) != NULL)
			kpi_recv_error(PURCHASES_TYPE, psprintf("Purchase day %d %s.", i + 1, day_problem(p, i)));
		p->count++;
	}
	if (buf->cursor != buf->len)
		kpi_recv_error(PURCHASES_TYPE, "Bytes are left over after the last day.");
	PG_RETURN_POINTER(p);
}

KPI_EQUALITY_FUNCTIONS(btyd_purchases)
