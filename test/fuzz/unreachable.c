/*
 * unreachable.c
 *		Backend functions that kpi_ext's aggregates and accessors call but
 *		that no input, output, receive or send function reaches.  They exist
 *		so the extension's own object files link unchanged; each aborts, so
 *		if a parser ever does reach one the fuzzer reports it rather than
 *		running on with a made-up answer.
 *
 * No PostgreSQL prototypes are in scope here: only the names matter to the
 * linker, and none of these is ever expected to return.
 */
#include "pg_config.h"

#include <stdio.h>
#include <stdlib.h>

#define UNREACHABLE(name) \
	void name(void); \
	void name(void) \
	{ \
		fprintf(stderr, "fuzz harness: %s is not available outside the server\n", #name); \
		abort(); \
	}

UNREACHABLE(BlessTupleDesc)
UNREACHABLE(CreateTupleDescCopy)
UNREACHABLE(AggCheckCallContext)
UNREACHABLE(AllocSetContextCreateInternal)
UNREACHABLE(DatumGetEOHP)
UNREACHABLE(EOH_init_header)
UNREACHABLE(MemoryContextAlloc)
UNREACHABLE(MemoryContextAllocExtended)
UNREACHABLE(MemoryContextAllocZero)
UNREACHABLE(int64_to_numeric)
UNREACHABLE(numeric_cmp)
UNREACHABLE(numeric_eq)
UNREACHABLE(numeric_normalize)
UNREACHABLE(numeric_trunc)
UNREACHABLE(pg_next_dst_boundary)
UNREACHABLE(text_to_cstring)
UNREACHABLE(ProcessInterrupts)
UNREACHABLE(DefineCustomRealVariable)
UNREACHABLE(DirectFunctionCall1Coll)
UNREACHABLE(DirectFunctionCall2Coll)
UNREACHABLE(DirectFunctionCall3Coll)
UNREACHABLE(EncodeDateTime)
UNREACHABLE(HeapTupleHeaderGetDatum)
UNREACHABLE(SearchSysCacheExists)
UNREACHABLE(accumArrayResult)
UNREACHABLE(construct_array)
UNREACHABLE(construct_md_array)
UNREACHABLE(cstring_to_text)
UNREACHABLE(cstring_to_text_with_len)
UNREACHABLE(deconstruct_array)
UNREACHABLE(end_MultiFuncCall)
UNREACHABLE(getExtensionOfObject)
UNREACHABLE(get_call_result_type)
UNREACHABLE(get_fn_expr_arg_stable)
UNREACHABLE(get_func_name)
UNREACHABLE(get_func_signature)
UNREACHABLE(get_typlenbyvalalign)
UNREACHABLE(heap_form_tuple)
UNREACHABLE(initArrayResult)
UNREACHABLE(init_MultiFuncCall)
UNREACHABLE(int8_numeric)
UNREACHABLE(interval_le)
UNREACHABLE(interval_lt)
UNREACHABLE(interval_out)
UNREACHABLE(lappend_oid)
UNREACHABLE(makeArrayResult)
UNREACHABLE(numeric_add)
UNREACHABLE(numeric_div)
UNREACHABLE(numeric_float8)
UNREACHABLE(numeric_in)
UNREACHABLE(numeric_int8)
UNREACHABLE(numeric_is_inf)
UNREACHABLE(numeric_is_nan)
UNREACHABLE(numeric_lt)
UNREACHABLE(numeric_mul)
UNREACHABLE(numeric_out)
UNREACHABLE(numeric_round)
UNREACHABLE(per_MultiFuncCall)
UNREACHABLE(pg_detoast_datum_copy)
UNREACHABLE(pg_detoast_datum_slice)
UNREACHABLE(systable_beginscan)
UNREACHABLE(systable_endscan)
UNREACHABLE(systable_getnext)
UNREACHABLE(CacheInvalidateRelcache)
UNREACHABLE(CacheRegisterRelcacheCallback)
UNREACHABLE(MemoryContextReset)
UNREACHABLE(MemoryContextStrdup)
UNREACHABLE(SPI_connect)
UNREACHABLE(SPI_execute)
UNREACHABLE(SPI_finish)
UNREACHABLE(SPI_fnumber)
UNREACHABLE(SPI_getbinval)
UNREACHABLE(SPI_getvalue)
UNREACHABLE(get_func_namespace)
UNREACHABLE(getmissingattr)
/* heap_getattr calls it from PostgreSQL 15.20 on */
UNREACHABLE(heap_datum_check)
UNREACHABLE(get_namespace_name)
UNREACHABLE(get_relname_relid)
UNREACHABLE(heap_modify_tuple_by_cols)
UNREACHABLE(nocachegetattr)
UNREACHABLE(quote_qualified_identifier)
UNREACHABLE(table_close)
UNREACHABLE(table_open)
UNREACHABLE(timestamptz_pl_interval)
UNREACHABLE(timestamptz_trunc)
UNREACHABLE(toast_raw_datum_size)

#if PG_VERSION_NUM >= 150000
UNREACHABLE(MarkGUCPrefixReserved)
#else
UNREACHABLE(EmitWarningsOnPlaceholders)
#endif

/* CHECK_FOR_INTERRUPTS in the fits reads it; nothing sets it here */
volatile int InterruptPending = 0;

/* the results of the user words' SPI query (sentiment.c); no parser runs one */
unsigned long SPI_processed = 0;
void	   *SPI_tuptable = NULL;

/* where the user words' copy lives; set only by the server */
void	   *TopMemoryContext = NULL;
