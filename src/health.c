/*
 * health.c
 *		The customer health score: named components, each a value 0..100
 *		with a positive weight, whose weighted mean is the score.
 *
 * A health_score keeps its components sorted by name (byte order) with
 * -0 stored as 0, so equal scores have equal bytes: equality and hashing
 * work on the bytes, and ordering is by score, then component by component.
 * Scores hold at most HEALTH_MAX_COMPONENTS components, so building one
 * row by row simply makes a new value each time.
 */
#include "postgres.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"

#define HEALTH_SCORE_VERSION	1
#define HEALTH_MAX_COMPONENTS	32
#define HEALTH_MAX_NAME			63

static const char *const TYPE_NAME = "health_score";

typedef struct HealthEntry
{
	float8		value;			/* 0..100 */
	float8		weight;			/* > 0, finite */
	uint16		name_offset;	/* into the name area */
	uint8		name_len;
	uint8		reserved[5];	/* zero */
} HealthEntry;

typedef struct HealthScore
{
	int32		vl_len_;
	uint8		version;
	uint8		count;
	uint8		reserved[2];	/* zero */
	HealthEntry entries[FLEXIBLE_ARRAY_MEMBER];
	/* the names follow, in entry order, without terminators */
} HealthScore;

/* A component on its way into a health_score. */
typedef struct Component
{
	const char *name;
	int			name_len;
	float8		value;
	float8		weight;
} Component;

#define PG_GETARG_HEALTH_SCORE(n)	((HealthScore *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))

/* band thresholds: settings kpi_ext.health_yellow_from and kpi_ext.health_green_from */
static double yellow_from = 50.0;
static double green_from = 75.0;

/* The only family with settings, so it owns the library's load hook. */
void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomRealVariable("kpi_ext.health_yellow_from",
							 "Health scores below this are red; band() says yellow from here.",
							 NULL, &yellow_from, 50.0, 0.0, 100.0, PGC_USERSET, 0, NULL, NULL, NULL);
	DefineCustomRealVariable("kpi_ext.health_green_from",
							 "Health scores from this up are green in band().",
							 NULL, &green_from, 75.0, 0.0, 100.0, PGC_USERSET, 0, NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("kpi_ext");
#else
	EmitWarningsOnPlaceholders("kpi_ext");
#endif
}

static const char *
entry_name(const HealthScore *h, int i)
{
	return (const char *) &h->entries[h->count] + h->entries[i].name_offset;
}

static char *
name_cstring(const char *name, int len)
{
	return pnstrdup(name, len);
}

/*
 * Structural checks for a value that came from outside this file: version,
 * count and size only.  The components themselves are not checked again,
 * because every health_score SQL can hold was made by build_score (in, recv,
 * the constructor and the aggregate), which checks each one; this catches
 * a value from another format version or damaged on disk.
 */
static void
check_score(const HealthScore *h)
{
	Size		names = 0;

	if (h->version != HEALTH_SCORE_VERSION)
		kpi_corrupt(TYPE_NAME, psprintf("Format version %d is not supported.", h->version));
	if (h->count < 1 || h->count > HEALTH_MAX_COMPONENTS)
		kpi_corrupt(TYPE_NAME, "The number of components is out of range.");
	for (int i = 0; i < h->count; i++)
		names += h->entries[i].name_len;
	if (VARSIZE(h) != offsetof(HealthScore, entries) + h->count * sizeof(HealthEntry) + names)
		kpi_corrupt(TYPE_NAME, "The size does not match the components.");
}

static const char *
caller(FunctionCallInfo fcinfo, const char *who)
{
	return who != NULL ? who : kpi_caller_name(fcinfo);
}

/* The name bytes compared as unsigned bytes, then by length. */
static int
compare_names(const char *a, int a_len, const char *b, int b_len)
{
	int			cmp = memcmp(a, b, Min(a_len, b_len));

	if (cmp != 0)
		return cmp;
	return (a_len > b_len) - (a_len < b_len);
}

static int
compare_components(const void *a, const void *b)
{
	const Component *x = (const Component *) a;
	const Component *y = (const Component *) b;

	return compare_names(x->name, x->name_len, y->name, y->name_len);
}

/*
 * Checks the components and packs them into a canonical health_score.
 * Messages name who, or when that is NULL the calling aggregate or function
 * (looked up only on the error path); errors are 22003 for a value outside
 * 0..100 and 22023 for anything else wrong with a component.
 */
static HealthScore *
build_score(FunctionCallInfo fcinfo, const char *who, Component *components, int count)
{
	HealthScore *h;
	Size		size = offsetof(HealthScore, entries) + count * sizeof(HealthEntry);
	char	   *names;
	int			offset = 0;

	if (count < 1 || count > HEALTH_MAX_COMPONENTS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: a health_score has 1 to %d components, not %d",
						caller(fcinfo, who), HEALTH_MAX_COMPONENTS, count)));
	for (int i = 0; i < count; i++)
	{
		Component  *c = &components[i];

		if (c->name_len < 1 || c->name_len > HEALTH_MAX_NAME)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: component name \"%s\" is %d bytes long, outside 1..%d",
							caller(fcinfo, who), name_cstring(c->name, c->name_len), c->name_len, HEALTH_MAX_NAME)));
		if (!(c->value >= 0.0 && c->value <= 100.0))
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("%s: value %s of component \"%s\" is outside 0..100",
							caller(fcinfo, who), kpi_float8_text(c->value),
							name_cstring(c->name, c->name_len)),
					 errhint("kpi_scale(value, low, high) maps a raw metric onto 0..100.")));
		if (!(c->weight > 0.0) || isinf(c->weight))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: weight %s of component \"%s\" is not a positive finite number",
							caller(fcinfo, who), kpi_float8_text(c->weight),
							name_cstring(c->name, c->name_len))));
		size += c->name_len;
	}

	qsort(components, count, sizeof(Component), compare_components);
	for (int i = 1; i < count; i++)
		if (compare_components(&components[i - 1], &components[i]) == 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: component \"%s\" appears more than once",
							caller(fcinfo, who), name_cstring(components[i].name, components[i].name_len))));

	h = palloc0(size);
	SET_VARSIZE(h, size);
	h->version = HEALTH_SCORE_VERSION;
	h->count = count;
	names = (char *) &h->entries[count];
	for (int i = 0; i < count; i++)
	{
		/* + 0.0 turns -0 into 0, so equal values have equal bytes */
		h->entries[i].value = components[i].value + 0.0;
		h->entries[i].weight = components[i].weight;
		h->entries[i].name_offset = offset;
		h->entries[i].name_len = components[i].name_len;
		memcpy(names + offset, components[i].name, components[i].name_len);
		offset += components[i].name_len;
	}
	return h;
}

/* The components of h, with room for extra more. */
static Component *
unpack(const HealthScore *h, int extra)
{
	Component  *components = palloc((h->count + extra) * sizeof(Component));

	for (int i = 0; i < h->count; i++)
	{
		components[i].name = entry_name(h, i);
		components[i].name_len = h->entries[i].name_len;
		components[i].value = h->entries[i].value;
		components[i].weight = h->entries[i].weight;
	}
	return components;
}

/*
 * Weighted mean.  Weights are first divided by the largest, so that no
 * finite weights overflow; the result is clamped against rounding.
 */
static double
weighted_mean(const HealthScore *h, double *weight_sum, double *largest)
{
	double		top = 0.0;
	double		total = 0.0;
	double		weights = 0.0;

	for (int i = 0; i < h->count; i++)
		top = Max(top, h->entries[i].weight);
	for (int i = 0; i < h->count; i++)
	{
		double		w = h->entries[i].weight / top;

		total += h->entries[i].value * w;
		weights += w;
	}
	if (weight_sum != NULL)
		*weight_sum = weights;
	if (largest != NULL)
		*largest = top;
	return Min(Max(total / weights, 0.0), 100.0);
}

/*
 * Text form: v1 name=value weight=w, ... with names quoted unless plain.
 * A plain name is ASCII letters, digits and _, not starting with a digit,
 * checked without <ctype.h> so that a score prints the same in every
 * database whatever its LC_CTYPE; every other name is quoted, so non-ASCII
 * names are too.  Input also takes bytes above 127 in unquoted names:
 * kpi_ext 1.0 printed those unquoted where the locale called them letters.
 * Such a name still ends at a whole character, because in every server
 * encoding each byte of a multibyte character is above 127.
 */

/* May c be in an unquoted name, first or later, printed or read as input? */
static bool
name_char(char c, bool first, bool input)
{
	if (kpi_ascii_isalpha(c) || c == '_')
		return true;
	if (input && IS_HIGHBIT_SET(c))
		return true;
	return !first && kpi_ascii_isdigit(c);
}

static bool
plain_name(const char *name, int len)
{
	for (int i = 0; i < len; i++)
		if (!name_char(name[i], i == 0, false))
			return false;
	return true;
}

PG_FUNCTION_INFO_V1(health_score_out);
Datum
health_score_out(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_GETARG_HEALTH_SCORE(0);
	StringInfoData buf;

	check_score(h);
	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d ", HEALTH_SCORE_VERSION);
	for (int i = 0; i < h->count; i++)
	{
		const char *name = entry_name(h, i);
		int			len = h->entries[i].name_len;

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (plain_name(name, len))
			appendBinaryStringInfo(&buf, name, len);
		else
		{
			appendStringInfoChar(&buf, '"');
			for (int j = 0; j < len; j++)
			{
				if (name[j] == '"')
					appendStringInfoChar(&buf, '"');
				appendStringInfoChar(&buf, name[j]);
			}
			appendStringInfoChar(&buf, '"');
		}
		appendStringInfoChar(&buf, '=');
		appendStringInfoString(&buf, kpi_float8_text(h->entries[i].value));
		appendStringInfoString(&buf, " weight=");
		appendStringInfoString(&buf, kpi_float8_text(h->entries[i].weight));
	}
	PG_RETURN_CSTRING(buf.data);
}

static void
read_name(KpiTextCursor *cur, StringInfo name)
{
	resetStringInfo(name);
	if (kpi_text_accept(cur, "\""))
	{
		for (;;)
		{
			if (*cur->pos == '\0')
				kpi_text_error(cur, "the closing double quote of the component name");
			if (kpi_text_accept(cur, "\"\""))
				appendStringInfoChar(name, '"');
			else if (kpi_text_accept(cur, "\""))
				return;
			else
				appendStringInfoChar(name, *cur->pos++);
		}
	}
	while (name_char(*cur->pos, false, true))
		appendStringInfoChar(name, *cur->pos++);
	if (name->len == 0 || !name_char(name->data[0], true, true))
		kpi_text_error(cur, "a component name: letters, digits and _ not starting with a digit, or a double-quoted name");
}

PG_FUNCTION_INFO_V1(health_score_in);
Datum
health_score_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	Component	components[HEALTH_MAX_COMPONENTS];
	int			count = 0;

	kpi_text_init(&cur, TYPE_NAME, input);
	kpi_text_version(&cur, HEALTH_SCORE_VERSION);
	if (!kpi_text_skip_space(&cur))
		kpi_text_error(&cur, "a space and the first component, such as usage=80 weight=1");
	do
	{
		StringInfoData name;

		if (count == HEALTH_MAX_COMPONENTS)
			kpi_text_invalid(&cur, psprintf("A health_score holds at most %d components.",
											HEALTH_MAX_COMPONENTS));
		kpi_text_skip_space(&cur);
		initStringInfo(&name);
		read_name(&cur, &name);
		components[count].name = name.data;
		components[count].name_len = name.len;
		kpi_text_skip_space(&cur);
		if (!kpi_text_accept(&cur, "="))
			kpi_text_error(&cur, "\"=\" and the component's value");
		kpi_text_skip_space(&cur);
		components[count].value = kpi_text_float8(&cur, "the component's value, a number from 0 to 100");
		if (!kpi_text_skip_space(&cur) || !kpi_text_accept(&cur, "weight="))
			kpi_text_error(&cur, "a space and weight=, such as weight=1");
		components[count].weight = kpi_text_float8(&cur, "the component's weight, a positive number");
		count++;
		kpi_text_skip_space(&cur);
	} while (kpi_text_accept(&cur, ","));
	kpi_text_end(&cur);

	PG_RETURN_POINTER(build_score(fcinfo, TYPE_NAME, components, count));
}

/*
 * Binary form: a version byte, the number of components as a byte, then
 * per component the name's length as a byte, its bytes, and the value and
 * weight as float8.
 */
PG_FUNCTION_INFO_V1(health_score_send);
Datum
health_score_send(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_GETARG_HEALTH_SCORE(0);
	StringInfoData buf;

	check_score(h);
	pq_begintypsend(&buf);
	pq_sendbyte(&buf, HEALTH_SCORE_VERSION);
	pq_sendbyte(&buf, h->count);
	for (int i = 0; i < h->count; i++)
	{
		pq_sendbyte(&buf, h->entries[i].name_len);
		pq_sendbytes(&buf, entry_name(h, i), h->entries[i].name_len);
		pq_sendfloat8(&buf, h->entries[i].value);
		pq_sendfloat8(&buf, h->entries[i].weight);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(health_score_recv);
Datum
health_score_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, TYPE_NAME);
	int			count;
	Component	components[HEALTH_MAX_COMPONENTS];

	if (version != HEALTH_SCORE_VERSION)
		kpi_recv_error(TYPE_NAME,
					   psprintf("Format version %d is not supported; this kpi_ext reads version %d.",
								version, HEALTH_SCORE_VERSION));
	count = kpi_recv_uint8(buf, TYPE_NAME);
	if (count < 1 || count > HEALTH_MAX_COMPONENTS)
		kpi_recv_error(TYPE_NAME, psprintf("A health_score has 1 to %d components, not %d.",
										   HEALTH_MAX_COMPONENTS, count));
	for (int i = 0; i < count; i++)
	{
		int			len = kpi_recv_uint8(buf, TYPE_NAME);

		components[i].name = kpi_recv_bytes(buf, len, TYPE_NAME);
		components[i].name_len = len;
		/* rejects zero bytes too */
		pg_verify_mbstr(GetDatabaseEncoding(), components[i].name, len, false);
		components[i].value = kpi_recv_float8(buf, TYPE_NAME);
		components[i].weight = kpi_recv_float8(buf, TYPE_NAME);
	}
	PG_RETURN_POINTER(build_score(fcinfo, TYPE_NAME, components, count));
}

/* health_score(names, values, weights) */

static Datum *
array_elements(const char *who, ArrayType *array, Oid type, const char *what, int *count)
{
	Datum	   *elements;
	bool	   *nulls;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (ARR_NDIM(array) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: %s must be a one-dimensional array", who, what)));
	get_typlenbyvalalign(type, &typlen, &typbyval, &typalign);
	deconstruct_array(array, type, typlen, typbyval, typalign, &elements, &nulls, count);
	for (int i = 0; i < *count; i++)
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s: element %d of %s is NULL", who, i + 1, what)));
	return elements;
}

PG_FUNCTION_INFO_V1(health_score_make);
Datum
health_score_make(PG_FUNCTION_ARGS)
{
	int			n_names;
	int			n_values;
	int			n_weights;
	Datum	   *names = array_elements("health_score", PG_GETARG_ARRAYTYPE_P(0), TEXTOID, "names", &n_names);
	Datum	   *values = array_elements("health_score", PG_GETARG_ARRAYTYPE_P(1), FLOAT8OID, "values", &n_values);
	Datum	   *weights = array_elements("health_score", PG_GETARG_ARRAYTYPE_P(2), FLOAT8OID, "weights", &n_weights);
	Component  *components;

	if (n_names != n_values || n_names != n_weights)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("health_score: names, values and weights have %d, %d and %d elements",
						n_names, n_values, n_weights),
				 errdetail("Each component needs a name, a value and a weight.")));
	components = palloc(Max(n_names, 1) * sizeof(Component));
	for (int i = 0; i < n_names; i++)
	{
		text	   *name = DatumGetTextPP(names[i]);

		components[i].name = VARDATA_ANY(name);
		components[i].name_len = VARSIZE_ANY_EXHDR(name);
		components[i].value = DatumGetFloat8(values[i]);
		components[i].weight = DatumGetFloat8(weights[i]);
	}
	PG_RETURN_POINTER(build_score(fcinfo, "health_score", components, n_names));
}

/*
 * health_score_agg's transition: one more component.  Not strict: the
 * first row starts the score, a row with any NULL is skipped.
 *
 * Each row builds a new sorted value rather than inserting in place: a
 * group has at most HEALTH_MAX_COMPONENTS rows (one more is an error), so
 * the whole aggregate costs at most 32 small rebuilds.  Slack capacity
 * would need a second layout that out, send, equality and hashing (all on
 * the canonical bytes) would have to normalize, since this aggregate has no
 * final function; not worth it for that bound.
 */
PG_FUNCTION_INFO_V1(health_score_add);
Datum
health_score_add(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_ARGISNULL(0) ? NULL : PG_GETARG_HEALTH_SCORE(0);
	Component  *components;
	int			count = 0;
	text	   *name;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (h == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(h);
	}
	if (h != NULL)
	{
		check_score(h);
		count = h->count;
		components = unpack(h, 1);
	}
	else
		components = palloc(sizeof(Component));
	name = PG_GETARG_TEXT_PP(1);
	components[count].name = VARDATA_ANY(name);
	components[count].name_len = VARSIZE_ANY_EXHDR(name);
	components[count].value = PG_GETARG_FLOAT8(2);
	components[count].weight = PG_GETARG_FLOAT8(3);
	PG_RETURN_POINTER(build_score(fcinfo, NULL, components, count + 1));
}

/* health_score_agg's combine: the components of both; a name in both is an error */
PG_FUNCTION_INFO_V1(health_score_merge);
Datum
health_score_merge(PG_FUNCTION_ARGS)
{
	HealthScore *a = PG_GETARG_HEALTH_SCORE(0);
	HealthScore *b = PG_GETARG_HEALTH_SCORE(1);
	Component  *components;
	Component  *more;

	check_score(a);
	check_score(b);
	components = unpack(a, b->count);
	more = unpack(b, 0);
	memcpy(components + a->count, more, b->count * sizeof(Component));
	PG_RETURN_POINTER(build_score(fcinfo, NULL, components, a->count + b->count));
}

/* Reading a score */

PG_FUNCTION_INFO_V1(health_score_score);
Datum
health_score_score(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_GETARG_HEALTH_SCORE(0);

	check_score(h);
	PG_RETURN_FLOAT8(weighted_mean(h, NULL, NULL));
}

static text *
band_of(FunctionCallInfo fcinfo, const HealthScore *h, double yellow, double green)
{
	double		score;

	if (!(yellow >= 0.0 && yellow <= 100.0 && green >= 0.0 && green <= 100.0) || yellow > green)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: thresholds yellow_from %s and green_from %s are not 0 <= yellow_from <= green_from <= 100",
						kpi_caller_name(fcinfo), kpi_float8_text(yellow), kpi_float8_text(green))));
	check_score(h);
	score = weighted_mean(h, NULL, NULL);
	return cstring_to_text(score < yellow ? "red" : score < green ? "yellow" : "green");
}

PG_FUNCTION_INFO_V1(health_score_band);
Datum
health_score_band(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(band_of(fcinfo, PG_GETARG_HEALTH_SCORE(0), yellow_from, green_from));
}

PG_FUNCTION_INFO_V1(health_score_band_between);
Datum
health_score_band_between(PG_FUNCTION_ARGS)
{
	PG_RETURN_TEXT_P(band_of(fcinfo, PG_GETARG_HEALTH_SCORE(0), PG_GETARG_FLOAT8(1), PG_GETARG_FLOAT8(2)));
}

/* One component's value, NULL when the score has no such component. */
PG_FUNCTION_INFO_V1(health_score_component);
Datum
health_score_component(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_GETARG_HEALTH_SCORE(0);
	text	   *name = PG_GETARG_TEXT_PP(1);
	int			low = 0;
	int			high;

	check_score(h);
	/* components are sorted by name: binary search */
	high = h->count - 1;
	while (low <= high)
	{
		int			mid = (low + high) / 2;
		int			cmp = compare_names(entry_name(h, mid), h->entries[mid].name_len,
										VARDATA_ANY(name), VARSIZE_ANY_EXHDR(name));

		if (cmp == 0)
			PG_RETURN_FLOAT8(h->entries[mid].value);
		if (cmp < 0)
			low = mid + 1;
		else
			high = mid - 1;
	}
	PG_RETURN_NULL();
}

/* The breakdown: name, value, weight, and contribution to the score. */
PG_FUNCTION_INFO_V1(health_score_components);
Datum
health_score_components(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	HealthScore *h;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		h = (HealthScore *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(0));
		check_score(h);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("components: called in a context that cannot accept a set of rows")));
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		funcctx->user_fctx = h;
		funcctx->max_calls = h->count;
		MemoryContextSwitchTo(oldcontext);
	}

	funcctx = SRF_PERCALL_SETUP();
	h = (HealthScore *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = (int) funcctx->call_cntr;
		double		weights;
		double		largest;
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};

		weighted_mean(h, &weights, &largest);
		values[0] = PointerGetDatum(cstring_to_text_with_len(entry_name(h, i), h->entries[i].name_len));
		values[1] = Float8GetDatum(h->entries[i].value);
		values[2] = Float8GetDatum(h->entries[i].weight);
		values[3] = Float8GetDatum(h->entries[i].value * (h->entries[i].weight / largest) / weights);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(heap_form_tuple(funcctx->tuple_desc, values, nulls)));
	}
	SRF_RETURN_DONE(funcctx);
}

/*
 * kpi_scale(value, low, high): value's position from low (0) to high (100),
 * clamped.  low > high maps metrics where less is better.  Halving first
 * keeps differences of huge finite numbers finite.
 */
PG_FUNCTION_INFO_V1(kpi_scale);
Datum
kpi_scale(PG_FUNCTION_ARGS)
{
	float8		value = PG_GETARG_FLOAT8(0);
	float8		low = PG_GETARG_FLOAT8(1);
	float8		high = PG_GETARG_FLOAT8(2);
	double		position;

	if (!isfinite(value) || !isfinite(low) || !isfinite(high))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("kpi_scale: value %s, low %s and high %s must all be finite numbers",
						kpi_float8_text(value), kpi_float8_text(low), kpi_float8_text(high))));
	if (low == high)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("kpi_scale: low and high are both %s", kpi_float8_text(low)),
				 errdetail("low is the raw value that maps to 0 and high the one that maps to 100; they must differ.")));
	/* halving subnormal bounds can make them equal: then subtract directly */
	if (isfinite(high - low))
		position = (value - low) / (high - low);
	else
		position = (value / 2 - low / 2) / (high / 2 - low / 2);
	PG_RETURN_FLOAT8(100.0 * Min(Max(position, 0.0), 1.0));
}

/* Comparison: by score, then component by component (name, value, weight), then count. */

static int
compare_scores(const HealthScore *a, const HealthScore *b)
{
	double		score_a = weighted_mean(a, NULL, NULL);
	double		score_b = weighted_mean(b, NULL, NULL);

	if (score_a != score_b)
		return score_a < score_b ? -1 : 1;
	for (int i = 0; i < Min(a->count, b->count); i++)
	{
		const HealthEntry *x = &a->entries[i];
		const HealthEntry *y = &b->entries[i];
		int			cmp = compare_names(entry_name(a, i), x->name_len, entry_name(b, i), y->name_len);

		if (cmp != 0)
			return cmp;
		if (x->value != y->value)
			return x->value < y->value ? -1 : 1;
		if (x->weight != y->weight)
			return x->weight < y->weight ? -1 : 1;
	}
	return (a->count > b->count) - (a->count < b->count);
}

static int
compare_args(FunctionCallInfo fcinfo)
{
	HealthScore *a = PG_GETARG_HEALTH_SCORE(0);
	HealthScore *b = PG_GETARG_HEALTH_SCORE(1);

	check_score(a);
	check_score(b);
	return compare_scores(a, b);
}

PG_FUNCTION_INFO_V1(health_score_cmp);
Datum
health_score_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(compare_args(fcinfo));
}

PG_FUNCTION_INFO_V1(health_score_lt);
Datum
health_score_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) < 0);
}

PG_FUNCTION_INFO_V1(health_score_le);
Datum
health_score_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) <= 0);
}

PG_FUNCTION_INFO_V1(health_score_gt);
Datum
health_score_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) > 0);
}

PG_FUNCTION_INFO_V1(health_score_ge);
Datum
health_score_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(compare_args(fcinfo) >= 0);
}

/* Canonical bytes make equality a byte comparison, and hashing a hash of them. */
static bool
equal_args(FunctionCallInfo fcinfo)
{
	HealthScore *a = PG_GETARG_HEALTH_SCORE(0);
	HealthScore *b = PG_GETARG_HEALTH_SCORE(1);

	check_score(a);
	check_score(b);
	return VARSIZE(a) == VARSIZE(b) && memcmp(a, b, VARSIZE(a)) == 0;
}

PG_FUNCTION_INFO_V1(health_score_eq);
Datum
health_score_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(equal_args(fcinfo));
}

PG_FUNCTION_INFO_V1(health_score_ne);
Datum
health_score_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!equal_args(fcinfo));
}

PG_FUNCTION_INFO_V1(health_score_hash);
Datum
health_score_hash(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_GETARG_HEALTH_SCORE(0);

	check_score(h);
	return hash_any((const unsigned char *) VARDATA(h), VARSIZE(h) - VARHDRSZ);
}

/* the same bytes with a seed; with seed 0 its low 32 bits are health_score_hash's */
PG_FUNCTION_INFO_V1(health_score_hash_extended);
Datum
health_score_hash_extended(PG_FUNCTION_ARGS)
{
	HealthScore *h = PG_GETARG_HEALTH_SCORE(0);

	check_score(h);
	return hash_any_extended((const unsigned char *) VARDATA(h), VARSIZE(h) - VARHDRSZ,
							 (uint64) PG_GETARG_INT64(1));
}
