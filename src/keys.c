/*
 * keys.c
 *		Customer keys of the per-customer summaries (clv_summary,
 *		subscription_summary): their order and text form, and times in UTC
 *		and dates as those text forms spell them.
 */
#include "postgres.h"

#include "kpi_ext.h"
#include "utils/datetime.h"
#include "utils/uuid.h"

const char *const kpi_key_kind_names[] = {NULL, "integer", "text", "uuid"};
const char *const kpi_key_kind_words[] = {NULL, "integer or bigint", "text", "uuid"};

/* Byte order for text and uuid keys: independent of collation, so stable. */
int
kpi_key_compare(KpiKeyKind kind, const KpiKey *a, const KpiKey *b)
{
	int			cmp;

	if (kind == KPI_KEY_INTEGER)
		return (a->integer > b->integer) - (a->integer < b->integer);
	cmp = memcmp(a->bytes, b->bytes, Min(a->len, b->len));
	if (cmp != 0)
		return cmp;
	return (a->len > b->len) - (a->len < b->len);
}

void
kpi_utc_time_append(StringInfo buf, TimestampTz at, const char *type_name)
{
	struct pg_tm tm;
	fsec_t		fsec;

	if (timestamp2tm(at, NULL, &tm, &fsec, NULL, NULL) != 0)
		kpi_corrupt(type_name, "A time is out of range.");
	appendStringInfo(buf, "%04d-%02d-%02dT%02d:%02d:%02d",
					 tm.tm_year, tm.tm_mon, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	if (fsec != 0)
		appendStringInfo(buf, ".%06d", (int) fsec);
	appendStringInfoChar(buf, 'Z');
}

void
kpi_key_append(StringInfo buf, KpiKeyKind kind, const KpiKey *key)
{
	switch (kind)
	{
		case KPI_KEY_INTEGER:
			appendStringInfo(buf, INT64_FORMAT, key->integer);
			break;
		case KPI_KEY_UUID:
			for (int i = 0; i < UUID_LEN; i++)
			{
				if (i == 4 || i == 6 || i == 8 || i == 10)
					appendStringInfoChar(buf, '-');
				appendStringInfo(buf, "%02x", key->bytes[i]);
			}
			break;
		case KPI_KEY_TEXT:
			appendStringInfoChar(buf, '"');
			for (uint32 i = 0; i < key->len; i++)
			{
				if (key->bytes[i] == '"')
					appendStringInfoChar(buf, '"');
				appendStringInfoChar(buf, (char) key->bytes[i]);
			}
			appendStringInfoChar(buf, '"');
			break;
	}
}

static int
read_digits(KpiTextCursor *cur, int ndigits, const char *expected)
{
	int			value = 0;

	for (int i = 0; i < ndigits; i++)
	{
		if (!kpi_ascii_isdigit(*cur->pos))
			kpi_text_error(cur, expected);
		value = value * 10 + (*cur->pos++ - '0');
	}
	return value;
}

/* YYYY-MM-DDTHH:MM:SS[.ffffff]Z, and only real dates and times */
TimestampTz
kpi_text_utc_time(KpiTextCursor *cur)
{
	const char *expected = "a UTC time such as 2024-01-31T09:30:00Z";
	const char *start = cur->pos;
	struct pg_tm tm = {0};
	struct pg_tm check;
	fsec_t		fsec = 0;
	fsec_t		check_fsec;
	TimestampTz result;

	tm.tm_year = read_digits(cur, 4, expected);
	if (!kpi_text_accept(cur, "-"))
		kpi_text_error(cur, expected);
	tm.tm_mon = read_digits(cur, 2, expected);
	if (!kpi_text_accept(cur, "-"))
		kpi_text_error(cur, expected);
	tm.tm_mday = read_digits(cur, 2, expected);
	if (!kpi_text_accept(cur, "T"))
		kpi_text_error(cur, expected);
	tm.tm_hour = read_digits(cur, 2, expected);
	if (!kpi_text_accept(cur, ":"))
		kpi_text_error(cur, expected);
	tm.tm_min = read_digits(cur, 2, expected);
	if (!kpi_text_accept(cur, ":"))
		kpi_text_error(cur, expected);
	tm.tm_sec = read_digits(cur, 2, expected);
	if (kpi_text_accept(cur, "."))
	{
		int			digits = 0;

		while (kpi_ascii_isdigit(*cur->pos) && digits < 6)
		{
			fsec = fsec * 10 + (*cur->pos++ - '0');
			digits++;
		}
		if (digits == 0)
			kpi_text_error(cur, "fractional seconds");
		while (digits++ < 6)
			fsec *= 10;
	}
	if (!kpi_text_accept(cur, "Z"))
		kpi_text_error(cur, "\"Z\" after the time of day");

	if (tm.tm_year < 1 || tm2timestamp(&tm, fsec, NULL, &result) != 0 ||
		timestamp2tm(result, NULL, &check, &check_fsec, NULL, NULL) != 0 ||
		check.tm_year != tm.tm_year || check.tm_mon != tm.tm_mon || check.tm_mday != tm.tm_mday ||
		check.tm_hour != tm.tm_hour || check.tm_min != tm.tm_min || check.tm_sec != tm.tm_sec)
	{
		cur->pos = start;
		kpi_text_invalid(cur, psprintf("The time at character %d is not a valid date and time.",
									   (int) (start - cur->input) + 1));
	}
	return result;
}

void
kpi_date_append(StringInfo buf, DateADT day)
{
	int			y,
				m,
				d;

	j2date(day + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	appendStringInfo(buf, "%04d-%02d-%02d", y, m, d);
}

bool
kpi_read_date(const char *p, DateADT *day)
{
	int			y,
				m,
				d;

	for (int i = 0; i < KPI_DATE_TEXT_LEN; i++)
		if (i == 4 || i == 7 ? p[i] != '-' : !kpi_ascii_isdigit(p[i]))
			return false;
	y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
	m = (p[5] - '0') * 10 + (p[6] - '0');
	d = (p[8] - '0') * 10 + (p[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > day_tab[isleap(y)][m - 1])
		return false;
	*day = date2j(y, m, d) - POSTGRES_EPOCH_JDATE;
	return true;
}

DateADT
kpi_text_date(KpiTextCursor *cur)
{
	DateADT		day;

	if (!kpi_read_date(cur->pos, &day))
		kpi_text_error(cur, "a valid date such as 2024-01-31 in the years 1 to 9999");
	cur->pos += KPI_DATE_TEXT_LEN;
	return day;
}

static int64
read_int64(KpiTextCursor *cur)
{
	const char *start = cur->pos;
	bool		negative = kpi_text_accept(cur, "-");
	int64		value = 0;

	if (!kpi_ascii_isdigit(*cur->pos))
		kpi_text_error(cur, "a customer id");
	/* accumulate negatively so that the most negative bigint reads too */
	while (kpi_ascii_isdigit(*cur->pos))
	{
		if (pg_mul_s64_overflow(value, 10, &value) ||
			pg_sub_s64_overflow(value, *cur->pos - '0', &value))
		{
			cur->pos = start;
			kpi_text_error(cur, "a customer id that fits in bigint");
		}
		cur->pos++;
	}
	if (!negative && pg_sub_s64_overflow(0, value, &value))
	{
		cur->pos = start;
		kpi_text_error(cur, "a customer id that fits in bigint");
	}
	return value;
}

static int
hex_value(char c)
{
	if (kpi_ascii_isdigit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void
kpi_text_quoted(KpiTextCursor *cur, StringInfo out, const char *what)
{
	if (!kpi_text_accept(cur, "\""))
		kpi_text_error(cur, psprintf("a double-quoted %s", what));
	for (;;)
	{
		if (*cur->pos == '\0')
			kpi_text_error(cur, psprintf("the closing double quote of the %s", what));
		if (kpi_text_accept(cur, "\"\""))
			appendStringInfoChar(out, '"');
		else if (kpi_text_accept(cur, "\""))
			break;
		else
			appendStringInfoChar(out, *cur->pos++);
	}
}

KpiKey
kpi_text_key(KpiTextCursor *cur, KpiKeyKind kind, StringInfo scratch)
{
	KpiKey		key = {0};

	resetStringInfo(scratch);
	switch (kind)
	{
		case KPI_KEY_INTEGER:
			key.integer = read_int64(cur);
			break;
		case KPI_KEY_UUID:
			for (int i = 0; i < UUID_LEN; i++)
			{
				int			high,
							low;

				if ((i == 4 || i == 6 || i == 8 || i == 10) && !kpi_text_accept(cur, "-"))
					kpi_text_error(cur, "\"-\" in the customer uuid");
				high = hex_value(cur->pos[0]);
				low = high < 0 ? -1 : hex_value(cur->pos[1]);
				if (low < 0)
					kpi_text_error(cur, "a customer uuid such as a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
				appendStringInfoChar(scratch, (char) (high * 16 + low));
				cur->pos += 2;
			}
			key.bytes = (const uint8 *) scratch->data;
			key.len = UUID_LEN;
			break;
		case KPI_KEY_TEXT:
			kpi_text_quoted(cur, scratch, "customer id");
			key.bytes = (const uint8 *) scratch->data;
			key.len = scratch->len;
			break;
	}
	return key;
}
