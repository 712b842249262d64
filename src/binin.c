/*
 * binin.c
 *		Binary input: readers that check the length first.
 */
#include "postgres.h"

#include "kpi_ext.h"
#include "libpq/pqformat.h"

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
