/*
 * money.c
 *		Exact money: amounts as 128-bit integers of units at a decimal scale.
 */
#include "postgres.h"

#include "kpi_ext.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

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

uint16
kpi_money_scale_count_add(int state_scale, uint16 count, int input_scale)
{
	if (input_scale > state_scale)
		return 1;
	if (input_scale == state_scale && count < KPI_MONEY_SCALE_COUNT_MAX)
		return count + 1;
	return count;
}

bool
kpi_money_scale_count_remove(int state_scale, uint16 *count, int input_scale)
{
	/* at scale 0 the scale cannot drop */
	if (input_scale != state_scale || state_scale == 0)
		return true;
	if (*count <= 1)
		return false;
	(*count)--;
	return true;
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

	if (!kpi_ascii_isdigit(*cur->pos))
		kpi_text_error(cur, "an amount such as 12.50");
	while (kpi_ascii_isdigit(*cur->pos))
		overflow |= __builtin_mul_overflow(units, 10, &units) ||
			__builtin_add_overflow(units, *cur->pos++ - '0', &units);
	if (kpi_text_accept(cur, "."))
	{
		if (!kpi_ascii_isdigit(*cur->pos))
			kpi_text_error(cur, "digits after the decimal point");
		while (kpi_ascii_isdigit(*cur->pos))
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
