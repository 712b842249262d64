/*
 * rates.c
 *		"How many out of how many": churn, retention, renewal, conversion,
 *		resolution, first-contact resolution, SLA attainment, click-through
 *		and opt-out, all read off rate_summary, a count of hits and trials.
 *
 * Every named rate is an aggregate over the one rate_summary state; the C
 * side differs only in how a row becomes hits and trials.  Like
 * score_summary, the state is a fixed-size type updated in place inside an
 * aggregate and copied when a function is called directly.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#define RATE_SUMMARY_VERSION	1

typedef struct RateSummary
{
	int32		version;
	int32		reserved;		/* zero; room for flags without a new type */
	int64		hits;
	int64		trials;			/* never below hits */
} RateSummary;

StaticAssertDecl(sizeof(RateSummary) == 24,
				 "rate_summary is declared with INTERNALLENGTH = 24");

static const char *const TYPE_NAME = "rate_summary";

#define PG_GETARG_RATE_SUMMARY(n)	((RateSummary *) PG_GETARG_POINTER(n))

/* Why hits and trials cannot form a summary, or NULL. */
static const char *
counts_problem(int64 hits, int64 trials)
{
	if (hits < 0 || trials < 0)
		return "Hits and trials cannot be negative.";
	if (hits > trials)
		return psprintf("Hits (" INT64_FORMAT ") exceed trials (" INT64_FORMAT ").",
						hits, trials);
	return NULL;
}

static void
check_summary(const RateSummary *s)
{
	const char *problem;

	if (s->version != RATE_SUMMARY_VERSION || s->reserved != 0)
		problem = psprintf("Format version %d is not supported.", s->version);
	else
		problem = counts_problem(s->hits, s->trials);
	if (problem != NULL)
		kpi_corrupt(TYPE_NAME, problem);
}

/* The state to update: in place inside an aggregate, else a checked copy. */
static RateSummary *
mutable_state(FunctionCallInfo fcinfo)
{
	RateSummary *state = PG_GETARG_RATE_SUMMARY(0);
	RateSummary *copy;

	if (kpi_in_aggregate(fcinfo))
		return state;
	check_summary(state);
	copy = palloc(sizeof(RateSummary));
	memcpy(copy, state, sizeof(RateSummary));
	return copy;
}

static RateSummary *
new_summary(int64 hits, int64 trials)
{
	RateSummary *s = palloc0(sizeof(RateSummary));

	s->version = RATE_SUMMARY_VERSION;
	s->hits = hits;
	s->trials = trials;
	return s;
}

PG_FUNCTION_INFO_V1(rate_summary_in);
Datum
rate_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	int64		hits;
	int64		trials;
	const char *problem;

	/* "v1 hits/trials" */
	kpi_text_init(&cur, TYPE_NAME, input);
	kpi_text_version(&cur, RATE_SUMMARY_VERSION);
	if (!kpi_text_skip_space(&cur))
		kpi_text_error(&cur, "a space and hits/trials");
	hits = kpi_text_count(&cur);
	if (!kpi_text_accept(&cur, "/"))
		kpi_text_error(&cur, "\"/\" and the number of trials");
	trials = kpi_text_count(&cur);
	kpi_text_end(&cur);

	if ((problem = counts_problem(hits, trials)) != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(new_summary(hits, trials));
}

PG_FUNCTION_INFO_V1(rate_summary_out);
Datum
rate_summary_out(PG_FUNCTION_ARGS)
{
	RateSummary *s = PG_GETARG_RATE_SUMMARY(0);

	PG_RETURN_CSTRING(psprintf("v%d " INT64_FORMAT "/" INT64_FORMAT,
							   RATE_SUMMARY_VERSION, s->hits, s->trials));
}

/* Binary form: version byte, hits and trials as int8. */
PG_FUNCTION_INFO_V1(rate_summary_recv);
Datum
rate_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, TYPE_NAME);
	int64		hits;
	int64		trials;
	const char *problem;

	if (version != RATE_SUMMARY_VERSION)
		kpi_recv_error(TYPE_NAME,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, RATE_SUMMARY_VERSION));
	hits = kpi_recv_int64(buf, TYPE_NAME);
	trials = kpi_recv_int64(buf, TYPE_NAME);
	if ((problem = counts_problem(hits, trials)) != NULL)
		kpi_recv_error(TYPE_NAME, problem);
	PG_RETURN_POINTER(new_summary(hits, trials));
}

PG_FUNCTION_INFO_V1(rate_summary_send);
Datum
rate_summary_send(PG_FUNCTION_ARGS)
{
	RateSummary *s = PG_GETARG_RATE_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, RATE_SUMMARY_VERSION);
	pq_sendint64(&buf, s->hits);
	pq_sendint64(&buf, s->trials);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* =, <> and hashing on the binary form: the same hits out of the same trials */
KPI_EQUALITY_FUNCTIONS(rate_summary)

/*
 * The one mechanism: add (sign 1) or remove (sign -1, moving windows) hits
 * out of trials.  Callers have checked 0 <= hits <= trials.
 */
static Datum
count_outcome(FunctionCallInfo fcinfo, int sign, int64 hits, int64 trials)
{
	RateSummary *state = mutable_state(fcinfo);

	if (sign > 0)
	{
		state->trials = kpi_add_count(state->trials, trials, TYPE_NAME);
		state->hits += hits;	/* cannot overflow: hits stay below trials */
	}
	else
	{
		if (hits > state->hits || trials - hits > state->trials - state->hits)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot remove " INT64_FORMAT "/" INT64_FORMAT " from a summary of " INT64_FORMAT "/" INT64_FORMAT,
							kpi_caller_name(fcinfo), hits, trials, state->hits, state->trials),
					 errdetail("Only what was added can be removed.")));
		state->hits -= hits;
		state->trials -= trials;
	}
	PG_RETURN_POINTER(state);
}

static Datum
count_hit(FunctionCallInfo fcinfo, int sign)
{
	return count_outcome(fcinfo, sign, PG_GETARG_BOOL(1) ? 1 : 0, 1);
}

/* first-contact resolution: a hit when the issue took one contact */
static Datum
count_first_contact(FunctionCallInfo fcinfo, int sign)
{
	int32		contacts = PG_GETARG_INT32(1);

	if (contacts < 1)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: contacts %d is below 1", kpi_caller_name(fcinfo), contacts),
				 errdetail("Every issue takes at least one contact to solve.")));
	return count_outcome(fcinfo, sign, contacts == 1 ? 1 : 0, 1);
}

static bool
interval_is_negative(Interval *span)
{
	Interval	zero = {0};

	return DatumGetBool(DirectFunctionCall2(interval_lt, IntervalPGetDatum(span),
											IntervalPGetDatum(&zero)));
}

/* SLA attainment: a hit when the actual time is within the row's target */
static Datum
count_within_target(FunctionCallInfo fcinfo, int sign)
{
	Interval   *actual = PG_GETARG_INTERVAL_P(1);
	Interval   *target = PG_GETARG_INTERVAL_P(2);
	Interval   *negative = interval_is_negative(actual) ? actual :
		interval_is_negative(target) ? target : NULL;

	if (negative != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s %s is negative", kpi_caller_name(fcinfo),
						negative == actual ? "actual time" : "target",
						DatumGetCString(DirectFunctionCall1(interval_out,
															IntervalPGetDatum(negative)))),
				 errdetail("Times and targets cannot be negative.")));
	return count_outcome(fcinfo, sign,
						 DatumGetBool(DirectFunctionCall2(interval_le,
														  IntervalPGetDatum(actual),
														  IntervalPGetDatum(target))) ? 1 : 0,
						 1);
}

/* click-through: clicks out of impressions, summed */
static Datum
count_clicks(FunctionCallInfo fcinfo, int sign)
{
	int64		clicks = PG_GETARG_INT64(1);
	int64		impressions = PG_GETARG_INT64(2);

	if (clicks < 0 || impressions < 0 || clicks > impressions)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: " INT64_FORMAT " clicks out of " INT64_FORMAT " impressions is impossible",
						kpi_caller_name(fcinfo), clicks, impressions),
				 errdetail("Clicks and impressions cannot be negative, and clicks cannot exceed impressions.")));
	return count_outcome(fcinfo, sign, clicks, impressions);
}

/* "<fn>: <name> <time> <relation> <time>", times in UTC */
pg_noreturn static void
report_bad_order(FunctionCallInfo fcinfo, const char *name, TimestampTz value,
				 const char *relation, TimestampTz other, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s: %s %s %s %s", kpi_caller_name(fcinfo), name, kpi_timestamptz_text(value),
					relation, kpi_timestamptz_text(other)),
			 detail != NULL ? errdetail("%s", detail) : 0));
}

/*
 * The period cohort: customers active at period_start (active_from on or
 * before it, not churned by it).  Customers who arrive during the period
 * are not in the denominator.  Sets *churned when the customer churned
 * within the period; returns false when the row is not in the cohort.
 */
static bool
in_period_cohort(FunctionCallInfo fcinfo, bool *churned)
{
	TimestampTz active_from;
	TimestampTz period_start;
	TimestampTz period_end;
	TimestampTz churned_at;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3) || PG_ARGISNULL(4))
		return false;
	active_from = PG_GETARG_TIMESTAMPTZ(1);
	period_start = PG_GETARG_TIMESTAMPTZ(3);
	period_end = PG_GETARG_TIMESTAMPTZ(4);

	if (period_end <= period_start)
		report_bad_order(fcinfo, "period_end", period_end, "is not after period_start",
						 period_start, NULL);
	if (!PG_ARGISNULL(2) && PG_GETARG_TIMESTAMPTZ(2) < active_from)
		report_bad_order(fcinfo, "churned_at", PG_GETARG_TIMESTAMPTZ(2), "is before active_from",
						 active_from, "A customer cannot churn before becoming active.");

	if (active_from > period_start)
		return false;
	if (PG_ARGISNULL(2))
	{
		*churned = false;
		return true;
	}
	churned_at = PG_GETARG_TIMESTAMPTZ(2);
	if (churned_at <= period_start)
		return false;
	*churned = churned_at <= period_end;
	return true;
}

/*
 * The period transitions are not strict, because a NULL churned_at means
 * "still a customer"; NULL in any other argument skips the row.  Churn
 * counts the customers who left as hits, retention those who stayed.
 */
static Datum
count_period(FunctionCallInfo fcinfo, int sign, bool stayed_is_hit)
{
	bool		churned;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	if (!in_period_cohort(fcinfo, &churned))
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	return count_outcome(fcinfo, sign, churned != stayed_is_hit ? 1 : 0, 1);
}

static Datum
count_period_churn(FunctionCallInfo fcinfo, int sign)
{
	return count_period(fcinfo, sign, false);
}

static Datum
count_period_retention(FunctionCallInfo fcinfo, int sign)
{
	return count_period(fcinfo, sign, true);
}

/* A transition and an inverse transition (moving windows) per way of counting. */
#define RATE_TRANSITIONS(name, handler) \
	PG_FUNCTION_INFO_V1(rate_summary_add_##name); \
	Datum rate_summary_add_##name(PG_FUNCTION_ARGS) { return handler(fcinfo, 1); } \
	PG_FUNCTION_INFO_V1(rate_summary_remove_##name); \
	Datum rate_summary_remove_##name(PG_FUNCTION_ARGS) { return handler(fcinfo, -1); }

RATE_TRANSITIONS(hit, count_hit)
RATE_TRANSITIONS(fcr, count_first_contact)
RATE_TRANSITIONS(sla, count_within_target)
RATE_TRANSITIONS(ctr, count_clicks)
RATE_TRANSITIONS(churn, count_period_churn)
RATE_TRANSITIONS(retention, count_period_retention)

/* rollup's transition and every rate aggregate's combine function */
PG_FUNCTION_INFO_V1(rate_summary_merge);
Datum
rate_summary_merge(PG_FUNCTION_ARGS)
{
	RateSummary *other = PG_GETARG_RATE_SUMMARY(1);

	check_summary(other);
	return count_outcome(fcinfo, 1, other->hits, other->trials);
}

PG_FUNCTION_INFO_V1(rate_summary_unmerge);
Datum
rate_summary_unmerge(PG_FUNCTION_ARGS)
{
	RateSummary *other = PG_GETARG_RATE_SUMMARY(1);

	check_summary(other);
	return count_outcome(fcinfo, -1, other->hits, other->trials);
}

/* rate_summary(hit) returns NULL for a group without rows, as avg does */
PG_FUNCTION_INFO_V1(rate_summary_final);
Datum
rate_summary_final(PG_FUNCTION_ARGS)
{
	RateSummary *s = PG_GETARG_RATE_SUMMARY(0);

	if (s->trials == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(rate_summary_hits);
Datum
rate_summary_hits(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_RATE_SUMMARY(0)->hits);
}

PG_FUNCTION_INFO_V1(rate_summary_trials);
Datum
rate_summary_trials(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_RATE_SUMMARY(0)->trials);
}

/* the final function of every named rate aggregate */
PG_FUNCTION_INFO_V1(rate_summary_rate);
Datum
rate_summary_rate(PG_FUNCTION_ARGS)
{
	RateSummary *s = PG_GETARG_RATE_SUMMARY(0);

	if (s->trials == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) s->hits / (double) s->trials);
}

/*
 * Wilson score interval: unlike p +- z*sqrt(p(1-p)/n) it stays inside
 * 0..100 and is not degenerate at 0 or n hits.
 */
PG_FUNCTION_INFO_V1(rate_summary_rate_ci);
Datum
rate_summary_rate_ci(PG_FUNCTION_ARGS)
{
	RateSummary *s = PG_GETARG_RATE_SUMMARY(0);
	double		z = kpi_confidence_z(fcinfo, PG_GETARG_FLOAT8(1));
	double		low;
	double		high;
	Datum		bounds[2];

	if (s->trials == 0)
		PG_RETURN_NULL();
	kpi_wilson_interval(s->hits, s->trials, z, &low, &high);
	bounds[0] = Float8GetDatum(100.0 * low);
	bounds[1] = Float8GetDatum(100.0 * high);
	PG_RETURN_ARRAYTYPE_P(construct_array(bounds, 2, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* Pooled two-proportion z-test that the rates of a and b differ. */
PG_FUNCTION_INFO_V1(rate_summary_rate_diff_pvalue);
Datum
rate_summary_rate_diff_pvalue(PG_FUNCTION_ARGS)
{
	RateSummary *a = PG_GETARG_RATE_SUMMARY(0);
	RateSummary *b = PG_GETARG_RATE_SUMMARY(1);
	double		n_a = (double) a->trials;
	double		n_b = (double) b->trials;
	double		pooled;
	double		standard_error;

	if (a->trials == 0 || b->trials == 0)
		PG_RETURN_NULL();
	pooled = ((double) a->hits + (double) b->hits) / (n_a + n_b);
	standard_error = sqrt(pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b));

	/* all hits or all misses on both sides: the rates are equal */
	if (standard_error == 0.0)
		PG_RETURN_FLOAT8(1.0);
	PG_RETURN_FLOAT8(kpi_two_sided_pvalue(((double) a->hits / n_a - (double) b->hits / n_b) /
										  standard_error));
}

/* The textbook retention rate (E - N) / S from three counts. */
PG_FUNCTION_INFO_V1(retention_rate_from_counts);
Datum
retention_rate_from_counts(PG_FUNCTION_ARGS)
{
	int64		customers_start = PG_GETARG_INT64(0);
	int64		customers_end = PG_GETARG_INT64(1);
	int64		new_customers = PG_GETARG_INT64(2);
	int64		kept;

	if (customers_start < 0 || customers_end < 0 || new_customers < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("retention_rate: customer counts cannot be negative (start " INT64_FORMAT ", end " INT64_FORMAT ", new " INT64_FORMAT ")",
						customers_start, customers_end, new_customers)));
	kept = customers_end - new_customers;	/* both non-negative: no overflow */
	if (kept < 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("retention_rate: customers_end " INT64_FORMAT " minus new_customers " INT64_FORMAT " is negative",
						customers_end, new_customers),
				 errdetail("New customers are part of the customers at the end of the period.")));
	if (kept > customers_start)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("retention_rate: " INT64_FORMAT " customers kept is more than the " INT64_FORMAT " at the start",
						kept, customers_start),
				 errdetail("customers_end - new_customers counts the starting customers still there at the end.")));
	if (customers_start == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) kept / (double) customers_start);
}
