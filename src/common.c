/*
 * common.c
 *		Helpers shared by every KPI family: message names, statistics,
 *		and the text and binary readers that summary types build on.
 */
#include "postgres.h"

#include <math.h>

#include "common/shortest_dec.h"
#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#ifdef PG_MODULE_MAGIC_EXT
PG_MODULE_MAGIC_EXT(.name = "kpi_ext",.version = KPI_EXT_VERSION);
#else
PG_MODULE_MAGIC;
#endif

const char *
kpi_caller_name(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref = AggGetAggref(fcinfo);
	Oid			fn_oid;
	char	   *name;

	if (aggref != NULL)
		fn_oid = aggref->aggfnoid;
	else if (fcinfo->flinfo != NULL)
		fn_oid = fcinfo->flinfo->fn_oid;
	else
		return "kpi_ext";

	name = get_func_name(fn_oid);
	return name != NULL ? name : "kpi_ext";
}

/*
 * Inverse of the standard normal distribution function, by Wichura's
 * algorithm AS 241 (Applied Statistics 37, 1988), good to about 1e-16.
 */
static double
normal_quantile(double p)
{
	double		q = p - 0.5;
	double		r;
	double		value;

	if (fabs(q) <= 0.425)
	{
		r = 0.180625 - q * q;
		return q * (((((((r * 2509.0809287301226727 +
						  33430.575583588128105) * r + 67265.770927008700853) * r +
						45921.953931549871457) * r + 13731.693765509461125) * r +
					  1971.5909503065514427) * r + 133.14166789178437745) * r +
					3.387132872796366608) /
			(((((((r * 5226.495278852545925 +
				   28729.085735721942674) * r + 39307.89580009271061) * r +
				 21213.794301586595867) * r + 5394.1960214247511077) * r +
			   687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
	}

	r = sqrt(-log(q < 0 ? p : 1.0 - p));
	if (r <= 5.0)
	{
		r -= 1.6;
		value = (((((((r * 7.7454501427834140764e-4 +
					   0.0227238449892691845833) * r + 0.24178072517745061177) * r +
					 1.27045825245236838258) * r + 3.64784832476320460504) * r +
				   5.7694972214606914055) * r + 4.6303378461565452959) * r +
				 1.42343711074968357734) /
			(((((((r * 1.05075007164441684324e-9 +
				   5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
				 0.14810397642748007459) * r + 0.68976733498510000455) * r +
			   1.6763848301838038494) * r + 2.05319162663775882187) * r + 1.0);
	}
	else
	{
		r -= 5.0;
		value = (((((((r * 2.01033439929228813265e-7 +
					   2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
					 0.026532189526576123093) * r + 0.29656057182850489123) * r +
				   1.7848265399172913358) * r + 5.4637849111641143699) * r +
				 6.6579046435011037772) /
			(((((((r * 2.04426310338993978564e-15 +
				   1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
				 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
			   0.13692988092273580531) * r + 0.59983220655588793769) * r + 1.0);
	}
	return q < 0 ? -value : value;
}

double
kpi_confidence_z(FunctionCallInfo fcinfo, double confidence)
{
	/* written so that NaN fails too */
	if (!(confidence > 0.0 && confidence < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: confidence %s is outside (0, 1)",
						kpi_caller_name(fcinfo), kpi_float8_text(confidence)),
				 errhint("Pass the confidence level as a fraction, for example 0.95 for 95 %%.")));

	return normal_quantile(1.0 - (1.0 - confidence) / 2.0);
}

double
kpi_two_sided_pvalue(double z)
{
	/* P(|Z| >= |z|) = erfc(|z| / sqrt 2), accurate far into the tail */
	return erfc(fabs(z) / M_SQRT2);
}

char *
kpi_float8_text(double value)
{
	char	   *text = palloc(DOUBLE_SHORTEST_DECIMAL_LEN);

	double_to_shortest_decimal_buf(value, text);
	return text;
}

char *
kpi_timestamptz_text(TimestampTz value)
{
	char	   *text = palloc(MAXDATELEN + 1);
	struct pg_tm tm;
	fsec_t		fsec;

	if (TIMESTAMP_IS_NOBEGIN(value))
		strcpy(text, EARLY);
	else if (TIMESTAMP_IS_NOEND(value))
		strcpy(text, LATE);
	else if (timestamp2tm(value, NULL, &tm, &fsec, NULL, NULL) == 0)
	{
		/* a known zone, else EncodeDateTime leaves the offset out */
		tm.tm_isdst = 0;
		EncodeDateTime(&tm, fsec, true, 0, NULL, USE_ISO_DATES, text);
	}
	else
		strcpy(text, "(timestamp out of range)");
	return text;
}

void
kpi_text_init(KpiTextCursor *cur, const char *type_name, const char *input)
{
	cur->type_name = type_name;
	cur->input = input;
	cur->pos = input;
}

void
kpi_text_error(const KpiTextCursor *cur, const char *expected)
{
	if (*cur->pos == '\0')
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						cur->type_name, cur->input),
				 errdetail("Expected %s at the end of the input.", expected)));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					cur->type_name, cur->input),
			 errdetail("Expected %s at character %d.",
					   expected, (int) (cur->pos - cur->input) + 1)));
}

void
kpi_text_invalid(const KpiTextCursor *cur, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"", cur->type_name, cur->input),
			 errdetail("%s", problem)));
}

void
kpi_corrupt(const char *type_name, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupt %s value", type_name),
			 errdetail("%s", problem)));
}

bool
kpi_text_skip_space(KpiTextCursor *cur)
{
	const char *start = cur->pos;

	while (*cur->pos == ' ' || *cur->pos == '\t' || *cur->pos == '\n' || *cur->pos == '\r')
		cur->pos++;
	return cur->pos != start;
}

bool
kpi_text_accept(KpiTextCursor *cur, const char *literal)
{
	size_t		len = strlen(literal);

	if (strncmp(cur->pos, literal, len) != 0)
		return false;
	cur->pos += len;
	return true;
}

int64
kpi_text_count(KpiTextCursor *cur)
{
	int64		value = 0;
	const char *start = cur->pos;

	if (*cur->pos < '0' || *cur->pos > '9')
		kpi_text_error(cur, "a non-negative integer");

	while (*cur->pos >= '0' && *cur->pos <= '9')
	{
		if (pg_mul_s64_overflow(value, 10, &value) ||
			pg_add_s64_overflow(value, *cur->pos - '0', &value))
		{
			cur->pos = start;
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value out of range for type %s: \"%s\"",
							cur->type_name, cur->input),
					 errdetail("The number at character %d does not fit in bigint.",
							   (int) (start - cur->input) + 1)));
		}
		cur->pos++;
	}
	return value;
}

double
kpi_text_float8(KpiTextCursor *cur, const char *expected)
{
	const char *start = cur->pos;
	char	   *token;
	char	   *end;
	double		value;

	while ((*cur->pos >= '0' && *cur->pos <= '9') || *cur->pos == '.' || *cur->pos == '-' ||
		   *cur->pos == '+' || *cur->pos == 'e' || *cur->pos == 'E')
		cur->pos++;
	token = pnstrdup(start, cur->pos - start);
	errno = 0;
	value = strtod(token, &end);
	/* as float8in does, a subnormal result is a number; only underflow to 0 is not */
	if (cur->pos == start || *end != '\0' || (errno == ERANGE && value == 0.0) || !isfinite(value))
	{
		cur->pos = start;
		kpi_text_error(cur, expected);
	}
	return value;
}

void
kpi_text_version(KpiTextCursor *cur, int supported_version)
{
	int64		version;

	kpi_text_skip_space(cur);
	if (!kpi_text_accept(cur, "v"))
		kpi_text_error(cur, "a format version such as \"v1\"");
	version = kpi_text_count(cur);
	if (version != supported_version)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						cur->type_name, cur->input),
				 errdetail("Format version %lld is not supported; this kpi_ext reads version %d.",
						   (long long) version, supported_version)));
}

void
kpi_text_end(KpiTextCursor *cur)
{
	kpi_text_skip_space(cur);
	if (*cur->pos != '\0')
		kpi_text_error(cur, "the end of the input");
}

void
kpi_recv_error(const char *type_name, const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary data for type %s", type_name),
			 errdetail("%s", detail)));
}

uint8
kpi_recv_uint8(StringInfo buf, const char *type_name)
{
	if (buf->len - buf->cursor < 1)
		kpi_recv_error(type_name, "The data ends early.");
	return (uint8) pq_getmsgbyte(buf);
}

int32
kpi_recv_int32(StringInfo buf, const char *type_name)
{
	if (buf->len - buf->cursor < (int) sizeof(int32))
		kpi_recv_error(type_name, "The data ends early.");
	return (int32) pq_getmsgint(buf, sizeof(int32));
}

int64
kpi_recv_int64(StringInfo buf, const char *type_name)
{
	if (buf->len - buf->cursor < (int) sizeof(int64))
		kpi_recv_error(type_name, "The data ends early.");
	return pq_getmsgint64(buf);
}

float8
kpi_recv_float8(StringInfo buf, const char *type_name)
{
	if (buf->len - buf->cursor < (int) sizeof(float8))
		kpi_recv_error(type_name, "The data ends early.");
	return pq_getmsgfloat8(buf);
}

const char *
kpi_recv_bytes(StringInfo buf, int64 len, const char *type_name)
{
	if (len < 0 || buf->len - buf->cursor < len)
		kpi_recv_error(type_name, "The data ends early.");
	return pq_getmsgbytes(buf, (int) len);
}

/* 10^n for 0 <= n <= 38, the powers an int128 can hold */
static int128
power_of_ten(int n)
{
	int128		result = 1;

	Assert(n >= 0 && n <= KPI_MONEY_MAX_SCALE);
	while (n-- > 0)
		result *= 10;
	return result;
}

/*
 * Reads numeric's on-disk form directly, which pg_upgrade keeps stable:
 * after the varlena header comes a uint16 whose top two bits say long
 * positive (00), long negative (01), short (10) or special (11: NaN and the
 * infinities).  The short form packs sign (0x2000), display scale (0x1F80)
 * and a 7-bit two's complement weight (0x007F) into it; the long form has
 * the display scale in its low 14 bits and an int16 weight after it.  Then
 * come base-10000 int16 digits, the first one standing for 10000^weight.
 * Reading in place, without numeric's own aggregate machinery, is what makes
 * summing money as cheap as summing integers.
 */
bool
kpi_numeric_units(Datum value, int128 *units, int *scale)
{
	struct varlena *packed = PG_DETOAST_DATUM_PACKED(value);
	const char *data = VARDATA_ANY(packed);
	int			size = VARSIZE_ANY_EXHDR(packed);
	uint16		header;
	bool		negative;
	int			weight;
	int			dscale;
	int			ndigits;
	int			exponent;
	int128		result = 0;

	memcpy(&header, data, sizeof(header));
	if ((header & 0xC000) == 0xC000)
		return false;
	if ((header & 0xC000) == 0x8000)
	{
		negative = (header & 0x2000) != 0;
		dscale = (header & 0x1F80) >> 7;
		weight = (header & 0x0040) ? (int) (header & 0x003F) - 64 : (int) (header & 0x003F);
		data += sizeof(uint16);
		size -= sizeof(uint16);
	}
	else
	{
		int16		long_weight;

		negative = (header & 0xC000) == 0x4000;
		dscale = header & 0x3FFF;
		memcpy(&long_weight, data + sizeof(uint16), sizeof(int16));
		weight = long_weight;
		data += sizeof(uint16) + sizeof(int16);
		size -= sizeof(uint16) + sizeof(int16);
	}
	ndigits = size / (int) sizeof(int16);

	/* the last digit stands for 10000^(weight - ndigits + 1) */
	exponent = ndigits > 0 ? 4 * (weight - ndigits + 1) + dscale : 0;
	if (exponent > KPI_MONEY_MAX_SCALE || dscale > KPI_MONEY_MAX_SCALE)
		return false;

	for (int i = 0; i < ndigits; i++)
	{
		int16		digit;
		int			base = 10000;

		memcpy(&digit, data + i * sizeof(int16), sizeof(int16));
		/*
		 * The last digit's places past the display scale are zeros: drop them
		 * before they are added, or 38 significant digits can overflow.
		 */
		if (i == ndigits - 1 && exponent < 0 && exponent > -4)
		{
			base = (int) power_of_ten(4 + exponent);
			digit /= (int16) power_of_ten(-exponent);
			exponent = 0;
		}
		if (__builtin_mul_overflow(result, base, &result) ||
			__builtin_add_overflow(result, digit, &result))
			return false;
	}

	if (exponent >= 0)
	{
		if (__builtin_mul_overflow(result, power_of_ten(exponent), &result))
			return false;
	}
	else
	{
		/* digits past the display scale are zeros of the last base-10000 digit */
		result /= power_of_ten(Min(-exponent, KPI_MONEY_MAX_SCALE));
	}

	*units = negative ? -result : result;
	*scale = dscale;
	return true;
}

bool
kpi_money_rescale(int128 *units, int from_scale, int to_scale)
{
	Assert(to_scale >= from_scale);
	if (to_scale > KPI_MONEY_MAX_SCALE)
		return false;
	return !__builtin_mul_overflow(*units, power_of_ten(to_scale - from_scale), units);
}

void
kpi_money_append(StringInfo buf, int128 units, int scale)
{
	char		digits[48];
	int			n = 0;
	uint128		magnitude = units < 0 ? -(uint128) units : (uint128) units;

	/* at least one digit before the point */
	do
	{
		digits[n++] = '0' + (int) (magnitude % 10);
		magnitude /= 10;
	} while (magnitude > 0 || n <= scale);

	if (units < 0)
		appendStringInfoChar(buf, '-');
	while (n > 0)
	{
		if (n == scale)
			appendStringInfoChar(buf, '.');
		appendStringInfoChar(buf, digits[--n]);
	}
}

Datum
kpi_money_numeric(int128 units, int scale)
{
	StringInfoData buf;

	initStringInfo(&buf);
	kpi_money_append(&buf, units, scale);
	return DirectFunctionCall3(numeric_in, CStringGetDatum(buf.data),
							   ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
}

void
kpi_money_overflow(FunctionCallInfo fcinfo, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s: %s does not fit in %d significant digits",
					kpi_caller_name(fcinfo), what, KPI_MONEY_MAX_SCALE),
			 errdetail("kpi_ext keeps money exact as integers of the smallest unit seen, which hold %d digits in all.",
					   KPI_MONEY_MAX_SCALE)));
}

int128
kpi_text_money(KpiTextCursor *cur, int scale)
{
	const char *start = cur->pos;
	bool		negative = kpi_text_accept(cur, "-");
	int128		units = 0;
	int			decimals = 0;
	bool		overflow = false;

	if (*cur->pos < '0' || *cur->pos > '9')
		kpi_text_error(cur, "an amount such as 12.50");
	while (*cur->pos >= '0' && *cur->pos <= '9')
		overflow |= __builtin_mul_overflow(units, 10, &units) ||
			__builtin_add_overflow(units, *cur->pos++ - '0', &units);
	if (kpi_text_accept(cur, "."))
	{
		if (*cur->pos < '0' || *cur->pos > '9')
			kpi_text_error(cur, "digits after the decimal point");
		while (*cur->pos >= '0' && *cur->pos <= '9')
		{
			overflow |= __builtin_mul_overflow(units, 10, &units) ||
				__builtin_add_overflow(units, *cur->pos++ - '0', &units);
			decimals++;
		}
	}
	if (decimals > scale)
	{
		cur->pos = start;
		kpi_text_invalid(cur, psprintf("The amount at character %d has more than %d decimals, the scale of the summary.",
									   (int) (start - cur->input) + 1, scale));
	}
	if (overflow || !kpi_money_rescale(&units, decimals, scale))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("value out of range for type %s: \"%s\"", cur->type_name, cur->input),
				 errdetail("The amount at character %d does not fit in %d significant digits.",
						   (int) (start - cur->input) + 1, KPI_MONEY_MAX_SCALE)));
	return negative ? -units : units;
}

/* Binary form of an amount: the high and the low 64 bits. */
void
kpi_send_money(StringInfo buf, int128 units)
{
	pq_sendint64(buf, (int64) (units >> 64));
	pq_sendint64(buf, (int64) (uint64) units);
}

int128
kpi_recv_money(StringInfo buf, const char *type_name)
{
	int64		high = kpi_recv_int64(buf, type_name);
	uint64		low = (uint64) kpi_recv_int64(buf, type_name);
	int128		units = (int128) ((uint128) high << 64 | low);

	if (units < -KPI_MONEY_LIMIT)
		kpi_recv_error(type_name, "An amount is below -(2^127 - 1) units, the smallest kpi_ext keeps.");
	return units;
}
