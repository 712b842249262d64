/*
 * textin.c
 *		The cursor that summary types read their text forms with.
 */
#include "postgres.h"

#include <math.h>

#include "kpi_ext.h"
#include "utils/builtins.h"

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

void
kpi_text_expect(KpiTextCursor *cur, const char *literal)
{
	if (!kpi_text_accept(cur, literal))
		kpi_text_error(cur, psprintf("\"%s\"", literal));
}

int64
kpi_text_count(KpiTextCursor *cur)
{
	int64		value = 0;
	const char *start = cur->pos;

	if (!kpi_ascii_isdigit(*cur->pos))
		kpi_text_error(cur, "a non-negative integer");

	while (kpi_ascii_isdigit(*cur->pos))
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

	while (kpi_ascii_isdigit(*cur->pos) || *cur->pos == '.' || *cur->pos == '-' ||
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
	kpi_text_versions(cur, supported_version, supported_version);
}

int
kpi_text_versions(KpiTextCursor *cur, int oldest, int newest)
{
	int64		version;

	kpi_text_skip_space(cur);
	if (!kpi_text_accept(cur, "v"))
		kpi_text_error(cur, "a format version such as \"v1\"");
	version = kpi_text_count(cur);
	if (version < oldest || version > newest)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						cur->type_name, cur->input),
				 oldest == newest ?
				 errdetail("Format version %lld is not supported; this kpi_ext reads version %d.",
						   (long long) version, newest) :
				 errdetail("Format version %lld is not supported; this kpi_ext reads versions %d to %d.",
						   (long long) version, oldest, newest)));
	return (int) version;
}

void
kpi_text_end(KpiTextCursor *cur)
{
	kpi_text_skip_space(cur);
	if (*cur->pos != '\0')
		kpi_text_error(cur, "the end of the input");
}
