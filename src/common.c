/*
 * common.c
 *		The module's magic block and what every family's messages need:
 *		the caller's name, exact floats and UTC times, the corrupt-value
 *		error; and the header of a stored summary.  Statistics, text
 *		input, binary input and money have files of their own (stats.c,
 *		textin.c, binin.c, money.c).
 */
#include "postgres.h"

#include "access/detoast.h"
#include "common/shortest_dec.h"
#include "kpi_ext.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
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
kpi_corrupt(const char *type_name, const char *problem)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATA_CORRUPTED),
			 errmsg("corrupt %s value", type_name),
			 errdetail("%s", problem)));
}

const void *
kpi_summary_header(Datum value, Size header_size, Size *size, const char *type_name)
{
	struct varlena *raw = (struct varlena *) DatumGetPointer(value);
	struct varlena *slice;

	Assert(header_size >= VARHDRSZ);
	/* in memory, uncompressed and with a 4-byte header: read it in place */
	if (!VARATT_IS_EXTENDED(raw))
		slice = raw;
	else
		slice = PG_DETOAST_DATUM_SLICE(value, 0, header_size - VARHDRSZ);
	*size = toast_raw_datum_size(value);
	if (VARSIZE(slice) < header_size || *size < header_size)
		kpi_corrupt(type_name, "The value is shorter than its header.");
	return slice;
}
