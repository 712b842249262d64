/*
 * common.c
 *		The module's magic block and what every family's messages need:
 *		the caller's name, exact floats and UTC times, the corrupt-value
 *		error; equality and hashing on the binary form; and the header of a
 *		stored summary.  Statistics, text input, binary input and money have
 *		files of their own (stats.c, textin.c, binin.c, money.c).
 */
#include "postgres.h"

#include "access/detoast.h"
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/shortest_dec.h"
#include "kpi_ext.h"
#include "miscadmin.h"
#include "nodes/primnodes.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"

#ifdef PG_MODULE_MAGIC_EXT
PG_MODULE_MAGIC_EXT(.name = "kpi_ext",.version = KPI_EXT_VERSION);
#else
PG_MODULE_MAGIC;
#endif

static bool
is_member(Oid function, Oid extension)
{
	return getExtensionOfObject(ProcedureRelationId, function) == extension;
}

/*
 * The aggregate an engine's wrapper names in a constant first argument, as
 * Citus' worker_partial_agg(oid, ...) and coord_combine_agg(oid, ...) do, if
 * it is one of kpi_ext's.
 */
static Oid
wrapped_aggregate(const Aggref *aggref, Oid extension)
{
	Expr	   *first;
	Const	   *named;
	Oid			aggregate;

	if (aggref->args == NIL)
		return InvalidOid;
	first = linitial_node(TargetEntry, aggref->args)->expr;
	if (!IsA(first, Const))
		return InvalidOid;
	named = (Const *) first;
	if (named->constisnull ||
		(named->consttype != OIDOID && named->consttype != REGPROCEDUREOID))
		return InvalidOid;
	aggregate = DatumGetObjectId(named->constvalue);
	if (!SearchSysCacheExists1(AGGFNOID, ObjectIdGetDatum(aggregate)) ||
		!is_member(aggregate, extension))
		return InvalidOid;
	return aggregate;
}

static bool
takes_arguments_of(Oid aggregate, const Aggref *aggref)
{
	Oid		   *argtypes;
	int			nargs;
	ListCell   *lc;

	get_func_signature(aggregate, &argtypes, &nargs);
	if (nargs != list_length(aggref->aggargtypes))
		return false;
	foreach(lc, aggref->aggargtypes)
	{
		if (argtypes[foreach_current_index(lc)] != lfirst_oid(lc))
			return false;
	}
	return true;
}

/*
 * The kpi_ext aggregate that has function as a transition, combine or final
 * function: the only one, else the only one of them taking the Aggref's
 * argument types; InvalidOid when that leaves several (nps_agg, enps_agg
 * and score_summary share one transition function).
 */
static Oid
aggregate_of_function(Oid function, const Aggref *aggref, Oid extension)
{
	Relation	rel = table_open(AggregateRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tuple;
	List	   *candidates = NIL;
	List	   *matching = NIL;
	ListCell   *lc;

	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_aggregate agg = (Form_pg_aggregate) GETSTRUCT(tuple);

		if ((agg->aggtransfn == function || agg->aggcombinefn == function ||
			 agg->aggfinalfn == function || agg->aggmtransfn == function ||
			 agg->aggminvtransfn == function || agg->aggmfinalfn == function) &&
			is_member(agg->aggfnoid, extension))
			candidates = lappend_oid(candidates, agg->aggfnoid);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	if (list_length(candidates) == 1)
		return linitial_oid(candidates);
	foreach(lc, candidates)
	{
		if (takes_arguments_of(lfirst_oid(lc), aggref))
			matching = lappend_oid(matching, lfirst_oid(lc));
	}
	return list_length(matching) == 1 ? linitial_oid(matching) : InvalidOid;
}

/*
 * The kpi_ext aggregate computing when function runs under aggref.  That is
 * usually aggref's own, but an engine may call kpi_ext's support functions
 * from an aggregate of its own with its AggState (Citus' worker_partial_agg
 * and coord_combine_agg do), and a user may build an aggregate from them:
 * name the kpi_ext aggregate then, or the function itself when several
 * kpi_ext aggregates share it.
 */
static Oid
kpi_aggregate(const Aggref *aggref, Oid function)
{
	Oid			extension = getExtensionOfObject(ProcedureRelationId, function);
	Oid			aggregate;

	if (!OidIsValid(extension) || is_member(aggref->aggfnoid, extension))
		return aggref->aggfnoid;
	if (OidIsValid(aggregate = wrapped_aggregate(aggref, extension)) ||
		OidIsValid(aggregate = aggregate_of_function(function, aggref, extension)))
		return aggregate;
	return function;
}

const char *
kpi_caller_name(FunctionCallInfo fcinfo)
{
	Aggref	   *aggref;
	Oid			function;
	Oid			named;
	char	   *name;

	/* an expanded state flattened by the executor has no call to name */
	if (fcinfo == NULL)
		return "kpi_ext";
	aggref = AggGetAggref(fcinfo);
	function = fcinfo->flinfo != NULL ? fcinfo->flinfo->fn_oid : InvalidOid;
	if (aggref != NULL)
		named = OidIsValid(function) ? kpi_aggregate(aggref, function) : aggref->aggfnoid;
	else if (OidIsValid(function))
		named = function;
	else
		return "kpi_ext";

	name = get_func_name(named);
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

/* The binary form; send functions detoast their argument themselves. */
static bytea *
send_form(PGFunction send, Datum value)
{
	return DatumGetByteaP(DirectFunctionCall1(send, value));
}

bool
kpi_send_equal(PGFunction send, Datum a, Datum b)
{
	bytea	   *x = send_form(send, a);
	bytea	   *y = send_form(send, b);
	bool		equal = VARSIZE(x) == VARSIZE(y) &&
		memcmp(VARDATA(x), VARDATA(y), VARSIZE(x) - VARHDRSZ) == 0;

	/* freed at once: a hash table build or array_eq calls this per element */
	pfree(x);
	pfree(y);
	return equal;
}

Datum
kpi_send_hash(PGFunction send, Datum value)
{
	bytea	   *form = send_form(send, value);
	Datum		hash = hash_any((const unsigned char *) VARDATA(form), VARSIZE(form) - VARHDRSZ);

	pfree(form);
	return hash;
}

/* with seed 0, the low 32 bits are kpi_send_hash's, as hash classes require */
Datum
kpi_send_hash_extended(PGFunction send, Datum value, uint64 seed)
{
	bytea	   *form = send_form(send, value);
	Datum		hash = hash_any_extended((const unsigned char *) VARDATA(form),
										 VARSIZE(form) - VARHDRSZ, seed);

	pfree(form);
	return hash;
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

ExpandedObjectHeader *
kpi_expanded_object(Datum value, bool read_write, const ExpandedObjectMethods *methods)
{
	ExpandedObjectHeader *eoh;

	if (!(read_write ? VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(value)) :
		  VARATT_IS_EXTERNAL_EXPANDED(DatumGetPointer(value))))
		return NULL;
	eoh = DatumGetEOHP(value);
	return eoh->eoh_methods == methods ? eoh : NULL;
}

bool
kpi_grown_capacity(int64 records_wanted, int64 records_used, int64 bytes_wanted, int64 bytes_used,
				   int32 min_records, int32 max_records, Size header, Size record,
				   int32 *records, int32 *bytes)
{
	int64		capacity = Max(min_records, 2 * records_used);
	int64		byte_capacity = Max(bytes_wanted, 2 * bytes_used);
	Size		records_size;

	while (capacity < records_wanted)
		capacity *= 2;
	capacity = Min(capacity, max_records);
	records_size = header + (Size) capacity * record;
	if (records_wanted > max_records || records_size + bytes_wanted > MaxAllocSize)
		return false;
	*records = (int32) capacity;
	*bytes = (int32) Min(byte_capacity, (int64) (MaxAllocSize - records_size));
	return true;
}
