/*
 * scores.c
 *		Survey scores: NPS, eNPS, CSAT and CES, all read off score_summary,
 *		the number of answers given for each score 0..10.
 *
 * score_summary is a fixed-size type and is itself the aggregates'
 * transition state, so partial states can be shipped as text between
 * servers and merged with rollup().  Inside an aggregate the state is
 * updated in place; called directly from SQL, functions work on a copy.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/numeric.h"

#define SCORE_SUMMARY_VERSION	1
#define MAX_SCORE				10
#define NUM_SCORES				(MAX_SCORE + 1)
#define MIN_SCALE				2
#define CSAT_SCALE				5
#define CES_SCALE				7

/* NPS classes on the 0..10 scale */
#define FIRST_PASSIVE			7
#define FIRST_PROMOTER			9

typedef struct ScoreSummary
{
	int32		version;
	/*
	 * 0 for answers on 0..10 (NPS); 2..10 when csat_agg or ces_agg declared
	 * a 1..scale survey, which csat_agg's final function needs to know.
	 */
	int32		scale;
	/* sum of counts; it bounds every count, so one overflow check a row */
	int64		total;
	int64		counts[NUM_SCORES];
} ScoreSummary;

StaticAssertDecl(sizeof(ScoreSummary) == 104,
				 "score_summary is declared with INTERNALLENGTH = 104");

static const char *const TYPE_NAME = "score_summary";

#define PG_GETARG_SCORE_SUMMARY(n)	((ScoreSummary *) PG_GETARG_POINTER(n))

static const char *
scale_range(int32 scale)
{
	return scale == 0 ? "0..10" : psprintf("1..%d", scale);
}

/* Why a summary is inconsistent, or NULL if it is not; *total gets the sum. */
static const char *
summary_problem(const ScoreSummary *s, int64 *total)
{
	*total = 0;
	if (s->scale != 0 && (s->scale < MIN_SCALE || s->scale > MAX_SCORE))
		return psprintf("Scale %d is outside 2..10.", s->scale);
	for (int score = 0; score < NUM_SCORES; score++)
	{
		if (s->counts[score] < 0)
			return psprintf("The count of score %d is negative.", score);
		if (s->counts[score] > 0 && s->scale != 0 && (score < 1 || score > s->scale))
			return psprintf("Score %d is outside 1..%d, the scale the summary declares.",
							score, s->scale);
		if (pg_add_s64_overflow(*total, s->counts[score], total))
			return "The counts add up to more than bigint can hold.";
	}
	return NULL;
}

/* A summary handed to us by SQL must be one we could have built. */
static void
check_summary(const ScoreSummary *s)
{
	int64		total;
	const char *problem;

	if (s->version != SCORE_SUMMARY_VERSION)
		problem = psprintf("Format version %d is not supported.", s->version);
	else if ((problem = summary_problem(s, &total)) == NULL && total != s->total)
		problem = "Its total does not match its counts.";
	if (problem != NULL)
		kpi_corrupt(TYPE_NAME, problem);
}

/* The state to update: in place inside an aggregate, else a checked copy. */
static ScoreSummary *
mutable_state(FunctionCallInfo fcinfo)
{
	ScoreSummary *state = PG_GETARG_SCORE_SUMMARY(0);
	ScoreSummary *copy;

	if (kpi_in_aggregate(fcinfo))
		return state;
	check_summary(state);
	copy = palloc(sizeof(ScoreSummary));
	memcpy(copy, state, sizeof(ScoreSummary));
	return copy;
}

/* An empty summary takes on the scale of what is added to it. */
static void
adopt_scale(FunctionCallInfo fcinfo, ScoreSummary *state, int32 scale)
{
	if (state->total == 0)
		state->scale = scale;
	else
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: cannot combine answers on a %s scale with answers on a %s scale",
						kpi_caller_name(fcinfo), scale_range(scale),
						scale_range(state->scale)),
				 errdetail("Every answer in one group must use the same scale.")));
}

/*
 * The scale the text and binary forms write.  An empty summary's means
 * nothing, since whatever is added to it brings its own, so it is written
 * as 0: the empty summaries are one value, however they were reached.
 */
static int32
written_scale(const ScoreSummary *s)
{
	return s->total == 0 ? 0 : s->scale;
}

PG_FUNCTION_INFO_V1(score_summary_in);
Datum
score_summary_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	ScoreSummary *s = palloc0(sizeof(ScoreSummary));
	KpiTextCursor cur;
	int			next_score = 0;
	const char *problem;

	kpi_text_init(&cur, TYPE_NAME, input);
	kpi_text_version(&cur, SCORE_SUMMARY_VERSION);
	s->version = SCORE_SUMMARY_VERSION;

	/* "v1 [scale=K] score:count ...", scores increasing */
	while (kpi_text_skip_space(&cur) && *cur.pos != '\0')
	{
		const char *token = cur.pos;
		int64		score;

		if (next_score == 0 && s->scale == 0 && kpi_text_accept(&cur, "scale="))
		{
			int64		scale = kpi_text_count(&cur);

			if (scale > MAX_SCORE)
			{
				cur.pos = token;
				kpi_text_error(&cur, "a scale between 2 and 10");
			}
			s->scale = (int32) scale;
			continue;
		}
		if (!kpi_ascii_isdigit(*cur.pos) ||
			(score = kpi_text_count(&cur)) < next_score || score > MAX_SCORE)
		{
			cur.pos = token;
			kpi_text_error(&cur, psprintf("a score between %d and 10 (scores in increasing order)",
										  next_score));
		}
		if (!kpi_text_accept(&cur, ":"))
			kpi_text_error(&cur, "\":\" and the count of that score");
		s->counts[score] = kpi_text_count(&cur);
		next_score = (int) score + 1;
	}
	kpi_text_end(&cur);

	if ((problem = summary_problem(s, &s->total)) != NULL)
		kpi_text_invalid(&cur, problem);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(score_summary_out);
Datum
score_summary_out(PG_FUNCTION_ARGS)
{
	ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d", SCORE_SUMMARY_VERSION);
	if (written_scale(s) != 0)
		appendStringInfo(&buf, " scale=%d", written_scale(s));
	for (int score = 0; score < NUM_SCORES; score++)
		if (s->counts[score] != 0)
			appendStringInfo(&buf, " %d:" INT64_FORMAT, score, s->counts[score]);
	PG_RETURN_CSTRING(buf.data);
}

/* Binary form: version byte, scale byte, then the 11 counts as int8. */
PG_FUNCTION_INFO_V1(score_summary_recv);
Datum
score_summary_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	ScoreSummary *s = palloc0(sizeof(ScoreSummary));
	const char *problem;
	uint8		version = kpi_recv_uint8(buf, TYPE_NAME);

	if (version != SCORE_SUMMARY_VERSION)
		kpi_recv_error(TYPE_NAME,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, SCORE_SUMMARY_VERSION));
	s->version = version;
	s->scale = kpi_recv_uint8(buf, TYPE_NAME);
	for (int score = 0; score < NUM_SCORES; score++)
		s->counts[score] = kpi_recv_int64(buf, TYPE_NAME);
	if ((problem = summary_problem(s, &s->total)) != NULL)
		kpi_recv_error(TYPE_NAME, problem);
	PG_RETURN_POINTER(s);
}

PG_FUNCTION_INFO_V1(score_summary_send);
Datum
score_summary_send(PG_FUNCTION_ARGS)
{
	ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, SCORE_SUMMARY_VERSION);
	pq_sendbyte(&buf, (uint8) written_scale(s));
	for (int score = 0; score < NUM_SCORES; score++)
		pq_sendint64(&buf, s->counts[score]);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* =, <> and hashing on the binary form: the same answers on the same scale */
KPI_EQUALITY_FUNCTIONS(score_summary)

/*
 * Adds one answer.  scale 0 accepts 0..10 (NPS); otherwise 1..scale, and the
 * summary remembers the scale.
 */
static Datum
add_score(FunctionCallInfo fcinfo, int64 score, int32 scale)
{
	ScoreSummary *state = mutable_state(fcinfo);
	int64		low = scale == 0 ? 0 : 1;
	int64		high = scale == 0 ? MAX_SCORE : scale;

	if (unlikely(score < low || score > high))
	{
		const char *name = kpi_caller_name(fcinfo);

		/* an answer that fits a longer 1..N survey: say how to declare it */
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: score %lld is outside %s",
						name, (long long) score, scale_range(scale)),
				 scale != 0 && score > high && score <= MAX_SCORE ?
				 errhint("For a survey on another scale, pass its highest answer: %s(score, %d) takes 1..%d.",
						 name, MAX_SCORE, MAX_SCORE) : 0));
	}
	if (unlikely(state->scale != scale))
		adopt_scale(fcinfo, state, scale);

	state->total = kpi_add_count(state->total, 1, TYPE_NAME);
	state->counts[score]++;
	PG_RETURN_POINTER(state);
}

static Datum
add_nps_score(FunctionCallInfo fcinfo, int64 score)
{
	return add_score(fcinfo, score, 0);
}

static Datum
add_csat_score(FunctionCallInfo fcinfo, int64 score)
{
	return add_score(fcinfo, score, CSAT_SCALE);
}

static Datum
add_ces_score(FunctionCallInfo fcinfo, int64 score)
{
	return add_score(fcinfo, score, CES_SCALE);
}

static int32
checked_scale(FunctionCallInfo fcinfo, int32 scale)
{
	if (scale < MIN_SCALE || scale > MAX_SCORE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: scale %d is outside 2..10", kpi_caller_name(fcinfo), scale),
				 errhint("The scale is the highest possible answer of a 1..scale survey.")));
	return scale;
}

static Datum
add_score_on_declared_scale(FunctionCallInfo fcinfo, int64 score)
{
	return add_score(fcinfo, score, checked_scale(fcinfo, PG_GETARG_INT32(2)));
}

/* Inverse transition for moving windows: the answer was added earlier. */
static Datum
remove_score(FunctionCallInfo fcinfo, int64 score)
{
	ScoreSummary *state = mutable_state(fcinfo);

	if (score < 0 || score > MAX_SCORE || state->counts[score] == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the summary holds no score %lld to remove",
						kpi_caller_name(fcinfo), (long long) score)));
	state->counts[score]--;
	state->total--;
	PG_RETURN_POINTER(state);
}

/*
 * A numeric score must be a whole number (9.0 is 9, 9.5 is no answer); one
 * beyond bigint lies outside every scale, all of which lie within 0..10.
 */
static int64
whole_numeric_score(FunctionCallInfo fcinfo, Numeric score)
{
	Datum		value = NumericGetDatum(score);
	Datum		truncated;

	if (numeric_is_nan(score) || numeric_is_inf(score) ||
		(truncated = DirectFunctionCall2(numeric_trunc, value, Int32GetDatum(0)),
		 !DatumGetBool(DirectFunctionCall2(numeric_eq, value, truncated))))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: score %s is not a whole number",
						kpi_caller_name(fcinfo), numeric_normalize(score)),
				 errhint("Survey answers are whole numbers; round() them first if the column holds averages.")));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, value,
										 NumericGetDatum(int64_to_numeric(PG_INT64_MIN)))) < 0 ||
		DatumGetInt32(DirectFunctionCall2(numeric_cmp, value,
										 NumericGetDatum(int64_to_numeric(PG_INT64_MAX)))) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s: score %s is outside 0..10",
						kpi_caller_name(fcinfo), numeric_normalize(score))));
	return DatumGetInt64(DirectFunctionCall1(numeric_int8, value));
}

/*
 * A text score (a survey exported to CSV and imported as text) is a decimal
 * number, optionally signed and surrounded by blanks, that must be whole; it
 * is checked here so that the error names the aggregate, not numeric_in.
 */
static int64
whole_text_score(FunctionCallInfo fcinfo, text *score)
{
	char	   *chars = text_to_cstring(score);
	const char *p = chars;
	int			digits = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '+' || *p == '-')
		p++;
	for (; kpi_ascii_isdigit(*p); p++)
		digits++;
	if (*p == '.')
		for (p++; kpi_ascii_isdigit(*p); p++)
			digits++;
	while (*p == ' ' || *p == '\t')
		p++;
	if (digits == 0 || *p != '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("%s: score \"%s\" is not a number", kpi_caller_name(fcinfo), chars),
				 errhint("Scores stored as text must hold whole numbers such as '9'; NULLIF(score, '') skips empty answers.")));
	return whole_numeric_score(fcinfo,
							   DatumGetNumeric(DirectFunctionCall3(numeric_in, CStringGetDatum(chars),
																   ObjectIdGetDatum(InvalidOid),
																   Int32GetDatum(-1))));
}

/*
 * Score columns may be smallint, integer, bigint, numeric holding whole
 * numbers or text holding them: one C entry point per type, since a
 * polymorphic argument cannot be resolved where distributed engines call
 * transition functions.
 */
#define SCORE_ARG_FUNCTIONS(prefix, handler) \
	PG_FUNCTION_INFO_V1(prefix##_text); \
	Datum prefix##_text(PG_FUNCTION_ARGS) \
	{ return handler(fcinfo, whole_text_score(fcinfo, PG_GETARG_TEXT_PP(1))); } \
	PG_FUNCTION_INFO_V1(prefix##_numeric); \
	Datum prefix##_numeric(PG_FUNCTION_ARGS) \
	{ return handler(fcinfo, whole_numeric_score(fcinfo, PG_GETARG_NUMERIC(1))); } \
	PG_FUNCTION_INFO_V1(prefix##_int2); \
	Datum prefix##_int2(PG_FUNCTION_ARGS) { return handler(fcinfo, PG_GETARG_INT16(1)); } \
	PG_FUNCTION_INFO_V1(prefix##_int4); \
	Datum prefix##_int4(PG_FUNCTION_ARGS) { return handler(fcinfo, PG_GETARG_INT32(1)); } \
	PG_FUNCTION_INFO_V1(prefix##_int8); \
	Datum prefix##_int8(PG_FUNCTION_ARGS) { return handler(fcinfo, PG_GETARG_INT64(1)); }

SCORE_ARG_FUNCTIONS(score_summary_add, add_nps_score)
SCORE_ARG_FUNCTIONS(score_summary_add_csat, add_csat_score)
SCORE_ARG_FUNCTIONS(score_summary_add_ces, add_ces_score)
SCORE_ARG_FUNCTIONS(score_summary_add_scaled, add_score_on_declared_scale)
SCORE_ARG_FUNCTIONS(score_summary_remove, remove_score)

/* rollup's transition and every score aggregate's combine function */
PG_FUNCTION_INFO_V1(score_summary_merge);
Datum
score_summary_merge(PG_FUNCTION_ARGS)
{
	ScoreSummary *state = mutable_state(fcinfo);
	ScoreSummary *other = PG_GETARG_SCORE_SUMMARY(1);

	check_summary(other);
	if (other->total == 0)
		PG_RETURN_POINTER(state);
	if (state->scale != other->scale)
		adopt_scale(fcinfo, state, other->scale);

	/* no count can overflow once the total does not */
	state->total = kpi_add_count(state->total, other->total, TYPE_NAME);
	for (int score = 0; score < NUM_SCORES; score++)
		state->counts[score] += other->counts[score];
	PG_RETURN_POINTER(state);
}

/* rollup's inverse transition, for moving windows over stored summaries */
PG_FUNCTION_INFO_V1(score_summary_unmerge);
Datum
score_summary_unmerge(PG_FUNCTION_ARGS)
{
	ScoreSummary *state = mutable_state(fcinfo);
	ScoreSummary *other = PG_GETARG_SCORE_SUMMARY(1);

	check_summary(other);
	for (int score = 0; score < NUM_SCORES; score++)
		if (other->counts[score] > state->counts[score])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: cannot remove a summary that was never added",
							kpi_caller_name(fcinfo)),
					 errdetail("It holds " INT64_FORMAT " answers of score %d; the state holds " INT64_FORMAT ".",
							   other->counts[score], score, state->counts[score])));
	for (int score = 0; score < NUM_SCORES; score++)
		state->counts[score] -= other->counts[score];
	state->total -= other->total;
	PG_RETURN_POINTER(state);
}

/* score_summary(score) returns NULL for a group without answers, as avg does */
PG_FUNCTION_INFO_V1(score_summary_final);
Datum
score_summary_final(PG_FUNCTION_ARGS)
{
	ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(0);

	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_POINTER(s);
}

static int64
count_between(const ScoreSummary *s, int low, int high)
{
	int64		count = 0;

	for (int score = low; score <= high; score++)
		count += s->counts[score];
	return count;
}

/*
 * Argument n of an NPS accessor.  Promoters and detractors are classes of
 * 0..10 answers: a summary that declares a 1..scale survey (csat_agg,
 * ces_agg, "scale=N"; scale=10 means 1..10) holds none, whatever its counts.
 */
static const ScoreSummary *
nps_summary_arg(FunctionCallInfo fcinfo, int n)
{
	const ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(n);

	if (unlikely(s->scale != 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: the summary holds answers on a %s scale; NPS needs 0..10 answers",
						kpi_caller_name(fcinfo), scale_range(s->scale)),
				 errhint("Read a 1..scale survey with csat() or mean_score().")));
	return s;
}

PG_FUNCTION_INFO_V1(score_summary_responses);
Datum
score_summary_responses(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(PG_GETARG_SCORE_SUMMARY(0)->total);
}

PG_FUNCTION_INFO_V1(score_summary_promoters);
Datum
score_summary_promoters(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(count_between(nps_summary_arg(fcinfo, 0), FIRST_PROMOTER, MAX_SCORE));
}

PG_FUNCTION_INFO_V1(score_summary_passives);
Datum
score_summary_passives(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(count_between(nps_summary_arg(fcinfo, 0), FIRST_PASSIVE, FIRST_PROMOTER - 1));
}

PG_FUNCTION_INFO_V1(score_summary_detractors);
Datum
score_summary_detractors(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT64(count_between(nps_summary_arg(fcinfo, 0), 0, FIRST_PASSIVE - 1));
}

PG_FUNCTION_INFO_V1(score_summary_counts);
Datum
score_summary_counts(PG_FUNCTION_ARGS)
{
	ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(0);
	Datum		counts[NUM_SCORES];

	for (int score = 0; score < NUM_SCORES; score++)
		counts[score] = Int64GetDatum(s->counts[score]);
	PG_RETURN_ARRAYTYPE_P(construct_array(counts, NUM_SCORES, INT8OID,
										  sizeof(int64), FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(score_summary_nps);
Datum
score_summary_nps(PG_FUNCTION_ARGS)
{
	const ScoreSummary *s = nps_summary_arg(fcinfo, 0);
	double		promoters = count_between(s, FIRST_PROMOTER, MAX_SCORE);
	double		detractors = count_between(s, 0, FIRST_PASSIVE - 1);

	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (promoters - detractors) / (double) s->total);
}

/*
 * NPS as a fraction p' - d' on adjusted counts (Rocks 2016): three
 * pseudo-answers (3/4 promoter, 3/4 detractor, 3/2 passive) keep intervals
 * and tests honest for small samples, where unanimous groups would otherwise
 * have no variance.  *variance gets the variance of that estimate.
 */
static double
adjusted_nps(const ScoreSummary *s, double *variance)
{
	double		n = (double) s->total + 3.0;
	double		p = (count_between(s, FIRST_PROMOTER, MAX_SCORE) + 0.75) / n;
	double		d = (count_between(s, 0, FIRST_PASSIVE - 1) + 0.75) / n;

	*variance = (p + d - (p - d) * (p - d)) / n;
	return p - d;
}

/* Half-width of the adjusted-Wald interval as a fraction, and its centre */
static double
adjusted_wald(const ScoreSummary *s, double z, double *centre)
{
	double		variance;

	*centre = adjusted_nps(s, &variance);
	return z * sqrt(variance);
}

PG_FUNCTION_INFO_V1(score_summary_nps_ci);
Datum
score_summary_nps_ci(PG_FUNCTION_ARGS)
{
	const ScoreSummary *s = nps_summary_arg(fcinfo, 0);
	double		z = kpi_confidence_z(fcinfo, PG_GETARG_FLOAT8(1));
	double		centre;
	double		half_width;
	Datum		bounds[2];

	if (s->total == 0)
		PG_RETURN_NULL();
	half_width = adjusted_wald(s, z, &centre);
	bounds[0] = Float8GetDatum(fmax(-100.0, 100.0 * (centre - half_width)));
	bounds[1] = Float8GetDatum(fmin(100.0, 100.0 * (centre + half_width)));
	PG_RETURN_ARRAYTYPE_P(construct_array(bounds, 2, FLOAT8OID, sizeof(float8),
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

PG_FUNCTION_INFO_V1(score_summary_nps_margin);
Datum
score_summary_nps_margin(PG_FUNCTION_ARGS)
{
	const ScoreSummary *s = nps_summary_arg(fcinfo, 0);
	double		z = kpi_confidence_z(fcinfo, PG_GETARG_FLOAT8(1));
	double		centre;

	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * adjusted_wald(s, z, &centre));
}

/*
 * The adjusted-Wald test of two NPS (Rocks 2016, MeasuringU): a z-test on
 * the adjusted counts nps_ci uses, so it agrees with the intervals (disjoint
 * 95 % intervals always give p < 0.05) and holds for groups of a few answers.
 */
PG_FUNCTION_INFO_V1(score_summary_nps_diff_pvalue);
Datum
score_summary_nps_diff_pvalue(PG_FUNCTION_ARGS)
{
	const ScoreSummary *a = nps_summary_arg(fcinfo, 0);
	const ScoreSummary *b = nps_summary_arg(fcinfo, 1);
	double		variance_a;
	double		variance_b;
	double		difference;

	if (a->total == 0 || b->total == 0)
		PG_RETURN_NULL();
	difference = adjusted_nps(a, &variance_a) - adjusted_nps(b, &variance_b);

	/*
	 * Equal estimates are p = 1 without dividing: for billions of unanimous
	 * answers the variance rounds to 0.
	 */
	if (difference == 0.0)
		PG_RETURN_FLOAT8(1.0);
	PG_RETURN_FLOAT8(kpi_two_sided_pvalue(difference / sqrt(variance_a + variance_b)));
}

static Datum
top_two_box(FunctionCallInfo fcinfo, const ScoreSummary *s, int32 scale)
{
	for (int score = 0; score < NUM_SCORES; score++)
		if (s->counts[score] > 0 && (score < 1 || score > scale))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: the summary holds score %d, outside 1..%d",
							kpi_caller_name(fcinfo), score, scale),
					 errhint("Pass the scale the survey used, for example csat(s, 10) for a 1..10 survey.")));
	if (s->total == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(100.0 * (double) (s->counts[scale - 1] + s->counts[scale]) /
					 (double) s->total);
}

/* csat(s): on the scale the summary declares, else on 1..5 */
PG_FUNCTION_INFO_V1(score_summary_csat);
Datum
score_summary_csat(PG_FUNCTION_ARGS)
{
	ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(0);

	return top_two_box(fcinfo, s, s->scale != 0 ? s->scale : CSAT_SCALE);
}

PG_FUNCTION_INFO_V1(score_summary_csat_on_scale);
Datum
score_summary_csat_on_scale(PG_FUNCTION_ARGS)
{
	return top_two_box(fcinfo, PG_GETARG_SCORE_SUMMARY(0),
					   checked_scale(fcinfo, PG_GETARG_INT32(1)));
}

PG_FUNCTION_INFO_V1(score_summary_mean);
Datum
score_summary_mean(PG_FUNCTION_ARGS)
{
	ScoreSummary *s = PG_GETARG_SCORE_SUMMARY(0);
	double		sum = 0.0;

	if (s->total == 0)
		PG_RETURN_NULL();
	for (int score = 1; score < NUM_SCORES; score++)
		sum += score * (double) s->counts[score];
	PG_RETURN_FLOAT8(sum / (double) s->total);
}
