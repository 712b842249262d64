/*
 * calendar.c
 *		Business calendars: a time zone, weekly opening hours in local
 *		wall-clock time, closed local dates and closed local time ranges
 *		of dates; the open time between two moments, the moment a given
 *		open time after another, and whether a moment is open.
 *
 * An instant t is open when its local wall-clock time in the calendar's
 * zone (what t AT TIME ZONE zone shows) falls in an opening interval of its
 * weekday, its local date is not a holiday and its local time is in no
 * closed range of its local date.  So across a spring-forward gap the
 * skipped local hour holds no open time, and a repeated autumn hour counts
 * twice, exactly as counting instants with AT TIME ZONE would; a closed
 * range over a repeated hour closes it twice.
 *
 * How the open time of [s, f) is computed, exactly and at a cost that does
 * not grow with the span in days: over a span of constant UTC offset o
 * (pg_next_dst_boundary), t is open when local time t + o is, so the open
 * time of the span is a difference of the local open time before each end
 * shifted by o.  The local open time before a local instant is whole weeks
 * by multiplication, the days of its week and the part of its day by the
 * weekly hours, less the holidays and the closed ranges before its date
 * found by binary search (prefix sums of the weekday open time they
 * remove, built with the calendar).  The
 * loop is over the offset changes in [s, f) (about two a year in a zone
 * with DST, none in most others), never over days; a call site keeps the
 * last span of constant offset, so rows in one pay no zone lookup.
 */
#include "postgres.h"

#include "kpi_ext.h"
#include "catalog/pg_type.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

/* version 1: hours and holidays; 2: also closed ranges (only when there are some) */
#define CALENDAR_VERSION_HOURS	1
#define CALENDAR_VERSION_CLOSED	2
#define CAL_ZONE_MAX		64
#define MINUTES_PER_DAY		1440
#define WEEK_MINUTES		(7 * MINUTES_PER_DAY)

static const char *const CAL_TYPE = "business_calendar";
static const char *const DAY_NAMES[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

/* one opening interval of a local day, in minutes since local midnight */
typedef struct CalSpan
{
	int32		start;
	int32		end;			/* start < end <= 1440 */
} CalSpan;

typedef struct BusinessCalendar
{
	int32		vl_len_;
	int32		version;
	int32		nspans;
	int32		nholidays;
	int16		day_first[8];	/* spans of weekday w (0 = Monday) */
	int64		day_open[7];	/* open microseconds of a plain weekday */
	int64		week_open;
	char		zone[CAL_ZONE_MAX];
	/* CalSpan spans[nspans]; int64 prefix[nholidays + 1]; DateADT holidays[nholidays] */
	/* version 2 only, at the next MAXALIGN: CalClosed and its arrays */
} BusinessCalendar;

/*
 * The dates with closed ranges (none of them a holiday), in increasing
 * order, each with its ranges in increasing order, neither overlapping nor
 * touching.  prefix[k] is the weekday open time the ranges of the first k
 * dates remove.
 */
typedef struct CalClosed
{
	int32		ndays;
	int32		nranges;
	/* int64 prefix[ndays + 1]; DateADT dates[ndays]; int32 first[ndays + 1]; CalSpan ranges[nranges] */
} CalClosed;

#define CAL_SPANS(c)	((CalSpan *) ((char *) (c) + sizeof(BusinessCalendar)))
#define CAL_PREFIX(c)	((int64 *) (CAL_SPANS(c) + (c)->nspans))
#define CAL_HOLIDAYS(c) ((DateADT *) (CAL_PREFIX(c) + (c)->nholidays + 1))
#define CAL_HOURS_SIZE(c) ((Size) ((char *) (CAL_HOLIDAYS(c) + (c)->nholidays) - (char *) (c)))
#define CAL_CLOSED(c)	((CalClosed *) ((char *) (c) + MAXALIGN(CAL_HOURS_SIZE(c))))
#define CAL_NCLOSED(c)	((c)->version == CALENDAR_VERSION_CLOSED ? CAL_CLOSED(c)->ndays : 0)
#define CLOSED_PREFIX(k) ((int64 *) ((k) + 1))
#define CLOSED_DATES(k) ((DateADT *) (CLOSED_PREFIX(k) + (k)->ndays + 1))
#define CLOSED_FIRST(k) ((int32 *) (CLOSED_DATES(k) + (k)->ndays))
#define CLOSED_RANGES(k) ((CalSpan *) (CLOSED_FIRST(k) + (k)->ndays + 1))

/* a closed range as given: local date, minutes since its midnight */
typedef struct CalClosedRange
{
	DateADT		date;
	int32		start;
	int32		end;			/* start < end <= 1440 */
} CalClosedRange;

#define PG_GETARG_CALENDAR(n) ((BusinessCalendar *) PG_DETOAST_DATUM(PG_GETARG_DATUM(n)))


static inline int64
floor_div(int64 a, int64 b)
{
	int64		q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/* weekday of a date, 0 = Monday (2000-01-01, date 0, was a Saturday) */
static inline int
weekday(int64 d)
{
	return (int) (((d % 7) + 7 + 5) % 7);
}

/*
 * Where errors in an hours or closed-ranges text go: text input (22P02), or
 * the constructor (22023) naming the argument (closed: the closed ranges).
 */
typedef struct HoursCursor
{
	const char *input;
	const char *pos;
	bool		text_input;
	bool		closed;
} HoursCursor;

pg_noreturn static void
hours_error(const HoursCursor *cur, const char *what)
{
	if (cur->text_input)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"", CAL_TYPE, cur->input),
				 errdetail("%s at character %d.", what, (int) (cur->pos - cur->input) + 1)));
	if (cur->closed)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid closed ranges for business_calendar: \"%s\"", cur->input),
				 errdetail("%s at character %d.", what, (int) (cur->pos - cur->input) + 1),
				 errhint("Write closed ranges like '2025-12-24 12:00-24:00; 2025-03-28 08:00-09:00,13:00-17:00'.")));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("invalid opening hours for business_calendar: \"%s\"", cur->input),
			 errdetail("%s at character %d.", what, (int) (cur->pos - cur->input) + 1),
			 errhint("Write hours like 'mon-fri 08:00-17:00; sat 08:00-12:00', or '24/7'.")));
}

static void
hours_skip_space(HoursCursor *cur)
{
	while (*cur->pos == ' ' || *cur->pos == '\t' || *cur->pos == '\n' || *cur->pos == '\r')
		cur->pos++;
}

static int
hours_day(HoursCursor *cur)
{
	for (int w = 0; w < 7; w++)
		if (pg_strncasecmp(cur->pos, DAY_NAMES[w], 3) == 0 && !kpi_ascii_isalpha(cur->pos[3]))
		{
			cur->pos += 3;
			return w;
		}
	hours_error(cur, "Expected a weekday (mon, tue, wed, thu, fri, sat or sun)");
}

/* HH:MM, 00:00 to 24:00 */
static int
hours_time(HoursCursor *cur)
{
	const char *p = cur->pos;
	int			h,
				m;

	if (!kpi_ascii_isdigit(p[0]) || !kpi_ascii_isdigit(p[1]) || p[2] != ':' ||
		!kpi_ascii_isdigit(p[3]) || !kpi_ascii_isdigit(p[4]))
		hours_error(cur, "Expected a time HH:MM");
	h = (p[0] - '0') * 10 + (p[1] - '0');
	m = (p[3] - '0') * 10 + (p[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		hours_error(cur, "Expected a time from 00:00 to 24:00");
	cur->pos += 5;
	return h * 60 + m;
}

/* Marks minute m of the week open; two intervals on the same minute overlap. */
static void
mark_open(HoursCursor *cur, bool *week, int from, int to, const char *at)
{
	for (int m = from; m < to; m++)
	{
		int			i = m % WEEK_MINUTES;

		if (week[i])
		{
			cur->pos = at;
			hours_error(cur, psprintf("Opening interval overlaps another one on %s %02d:%02d",
									  DAY_NAMES[i / MINUTES_PER_DAY],
									  (i % MINUTES_PER_DAY) / 60, i % 60));
		}
		week[i] = true;
	}
}

/*
 * Reads hours up to the end of the input or to stop into a minute map of
 * the week.  An interval whose end is before its start runs past midnight
 * into the next day (sun 22:00-02:00 ends on Monday).
 */
static void
hours_parse(HoursCursor *cur, bool *week, char stop)
{
	memset(week, 0, WEEK_MINUTES * sizeof(bool));
	hours_skip_space(cur);
	if (strncmp(cur->pos, "24/7", 4) == 0)
	{
		cur->pos += 4;
		memset(week, 1, WEEK_MINUTES * sizeof(bool));
		hours_skip_space(cur);
		if (*cur->pos != stop)
			hours_error(cur, "Expected nothing after 24/7");
		return;
	}
	for (;;)
	{
		bool		days[7] = {false};

		/* day list: mon-fri,sun */
		for (;;)
		{
			int			first = hours_day(cur);
			int			last = first;

			if (*cur->pos == '-')
			{
				cur->pos++;
				last = hours_day(cur);
			}
			for (int w = first;; w = (w + 1) % 7)
			{
				days[w] = true;
				if (w == last)
					break;
			}
			if (*cur->pos != ',')
				break;
			cur->pos++;
		}
		if (*cur->pos != ' ' && *cur->pos != '\t')
			hours_error(cur, "Expected a space and opening intervals after the weekdays");
		hours_skip_space(cur);
		/* intervals: 08:00-12:00,13:00-17:00 */
		for (;;)
		{
			const char *at = cur->pos;
			int			from = hours_time(cur);
			int			to;

			if (*cur->pos != '-')
				hours_error(cur, "Expected \"-\" and an end time");
			cur->pos++;
			to = hours_time(cur);
			if (from == to)
			{
				cur->pos = at;
				hours_error(cur, "Opening interval is empty (for a whole day write 00:00-24:00)");
			}
			if (from == MINUTES_PER_DAY)
			{
				cur->pos = at;
				hours_error(cur, "Opening interval starts at 24:00");
			}
			if (to < from)
				to += MINUTES_PER_DAY;
			for (int w = 0; w < 7; w++)
				if (days[w])
					mark_open(cur, week, w * MINUTES_PER_DAY + from, w * MINUTES_PER_DAY + to, at);
			if (*cur->pos != ',')
				break;
			cur->pos++;
		}
		hours_skip_space(cur);
		if (*cur->pos == stop)
			return;
		if (*cur->pos != ';')
			hours_error(cur, "Expected \";\" and more hours, or the end of the hours");
		cur->pos++;
		hours_skip_space(cur);
	}
}

/* YYYY-MM-DD in the years 1 to 9999 */
static DateADT
hours_date(HoursCursor *cur)
{
	DateADT		day;

	if (!kpi_read_date(cur->pos, &day))
		hours_error(cur, "Expected a valid date YYYY-MM-DD in the years 1 to 9999");
	cur->pos += KPI_DATE_TEXT_LEN;
	return day;
}

/*
 * Reads closed ranges up to the end of the input or to stop: entries
 * "2025-03-28 08:00-09:00,13:00-17:00" separated by ";", in any order, a
 * date in several entries allowed.  A range lies within its local date
 * (24:00 ends it) and must end after it starts.
 */
static CalClosedRange *
closed_parse(HoursCursor *cur, char stop, int *count)
{
	int			cap = 8,
				n = 0;
	CalClosedRange *ranges = palloc(cap * sizeof(CalClosedRange));

	hours_skip_space(cur);
	if (*cur->pos == stop)
	{
		*count = 0;
		return ranges;
	}
	for (;;)
	{
		DateADT		date = hours_date(cur);

		if (*cur->pos != ' ' && *cur->pos != '\t')
			hours_error(cur, "Expected a space and closed ranges after the date");
		hours_skip_space(cur);
		for (;;)
		{
			const char *at = cur->pos;
			int			from = hours_time(cur);
			int			to;

			if (*cur->pos != '-')
				hours_error(cur, "Expected \"-\" and an end time");
			cur->pos++;
			to = hours_time(cur);
			if (to <= from)
			{
				cur->pos = at;
				hours_error(cur, "Closed range does not end after it starts (a range lies within its date; 24:00 ends the date)");
			}
			if (n == cap)
			{
				cap *= 2;
				ranges = repalloc(ranges, cap * sizeof(CalClosedRange));
			}
			ranges[n].date = date;
			ranges[n].start = from;
			ranges[n].end = to;
			n++;
			if (*cur->pos != ',')
				break;
			cur->pos++;
		}
		hours_skip_space(cur);
		if (*cur->pos == stop)
			break;
		if (*cur->pos != ';')
			hours_error(cur, "Expected \";\" and more closed ranges, or the end of the closed ranges");
		cur->pos++;
		hours_skip_space(cur);
	}
	*count = n;
	return ranges;
}

static int
closed_range_cmp(const void *a, const void *b)
{
	const CalClosedRange *x = a;
	const CalClosedRange *y = b;

	if (x->date != y->date)
		return (x->date > y->date) - (x->date < y->date);
	return (x->start > y->start) - (x->start < y->start);
}

/*
 * Open time of weekday w's intervals in [0, until) of a day (microseconds
 * since its local midnight), less what closed ranges (in order, disjoint)
 * cover of it.
 */
static int64
day_open_before(const BusinessCalendar *cal, int w, const CalSpan *closed, int nclosed,
				int64 until)
{
	int64		total = 0;

	for (int i = cal->day_first[w]; i < cal->day_first[w + 1]; i++)
	{
		const CalSpan *s = CAL_SPANS(cal) + i;
		int64		a = s->start * USECS_PER_MINUTE;
		int64		b;

		if (until <= a)
			break;
		b = Min(until, s->end * USECS_PER_MINUTE);
		total += b - a;
		for (int j = 0; j < nclosed; j++)
		{
			int64		lo = Max(a, closed[j].start * USECS_PER_MINUTE);
			int64		hi = Min(b, closed[j].end * USECS_PER_MINUTE);

			if (lo < hi)
				total -= hi - lo;
		}
	}
	return total;
}

static int
holiday_cmp(const void *a, const void *b)
{
	DateADT		x = *(const DateADT *) a;
	DateADT		y = *(const DateADT *) b;

	return (x > y) - (x < y);
}

/*
 * The calendar of a zone, a minute map of the week, holidays (any order,
 * duplicates allowed, already range-checked) and closed ranges (any order,
 * dates range-checked).  Ranges on one date that overlap or touch merge;
 * ranges on a holiday are dropped, as the holiday closes the whole date.
 * Without ranges left the calendar is version 1, as before there were
 * ranges.  Fails with code on a week without open time.
 */
static BusinessCalendar *
calendar_build(const char *zone, const bool *week, DateADT *holidays, int nholidays,
			   CalClosedRange *closed, int nclosed, int code)
{
	CalSpan		spans[WEEK_MINUTES / 2 + 7];
	int			nspans = 0;
	int16		day_first[8];
	int64		day_open[7] = {0};
	int64		week_open = 0;
	int			unique = 0;
	int			nranges = 0;
	int			ndays = 0;
	BusinessCalendar *cal;
	Size		size;

	for (int w = 0; w < 7; w++)
	{
		const bool *day = week + w * MINUTES_PER_DAY;

		day_first[w] = (int16) nspans;
		for (int m = 0; m < MINUTES_PER_DAY;)
		{
			int			start;

			if (!day[m])
			{
				m++;
				continue;
			}
			start = m;
			while (m < MINUTES_PER_DAY && day[m])
				m++;
			spans[nspans].start = start;
			spans[nspans].end = m;
			nspans++;
			day_open[w] += (int64) (m - start) * USECS_PER_MINUTE;
		}
		week_open += day_open[w];
	}
	day_first[7] = (int16) nspans;
	if (week_open == 0)
		ereport(ERROR,
				(errcode(code),
				 errmsg("business_calendar is never open"),
				 errdetail("The opening hours hold no open time.")));

	if (nholidays > 0)
	{
		qsort(holidays, nholidays, sizeof(DateADT), holiday_cmp);
		unique = 1;
		for (int i = 1; i < nholidays; i++)
			if (holidays[i] != holidays[unique - 1])
				holidays[unique++] = holidays[i];
	}

	/* closed ranges in order, merged per date, none on a holiday */
	if (nclosed > 0)
		qsort(closed, nclosed, sizeof(CalClosedRange), closed_range_cmp);
	for (int i = 0; i < nclosed; i++)
	{
		if (bsearch(&closed[i].date, holidays, unique, sizeof(DateADT), holiday_cmp) != NULL)
			continue;
		if (nranges > 0 && closed[nranges - 1].date == closed[i].date &&
			closed[i].start <= closed[nranges - 1].end)
		{
			closed[nranges - 1].end = Max(closed[nranges - 1].end, closed[i].end);
			continue;
		}
		if (nranges == 0 || closed[nranges - 1].date != closed[i].date)
			ndays++;
		closed[nranges++] = closed[i];
	}

	size = sizeof(BusinessCalendar) + nspans * sizeof(CalSpan) +
		(unique + 1) * sizeof(int64) + unique * sizeof(DateADT);
	if (nranges > 0)
		size = MAXALIGN(size) + sizeof(CalClosed) + (ndays + 1) * sizeof(int64) +
			ndays * sizeof(DateADT) + (ndays + 1) * sizeof(int32) + nranges * sizeof(CalSpan);
	cal = palloc0(size);
	SET_VARSIZE(cal, size);
	cal->version = nranges > 0 ? CALENDAR_VERSION_CLOSED : CALENDAR_VERSION_HOURS;
	cal->nspans = nspans;
	cal->nholidays = unique;
	memcpy(cal->day_first, day_first, sizeof(day_first));
	memcpy(cal->day_open, day_open, sizeof(day_open));
	cal->week_open = week_open;
	strlcpy(cal->zone, zone, CAL_ZONE_MAX);
	memcpy(CAL_SPANS(cal), spans, nspans * sizeof(CalSpan));
	CAL_PREFIX(cal)[0] = 0;
	for (int i = 0; i < unique; i++)
	{
		CAL_HOLIDAYS(cal)[i] = holidays[i];
		CAL_PREFIX(cal)[i + 1] = CAL_PREFIX(cal)[i] + day_open[weekday(holidays[i])];
	}
	if (nranges > 0)
	{
		CalClosed  *k = CAL_CLOSED(cal);
		int			day = 0;

		k->ndays = ndays;
		k->nranges = nranges;
		CLOSED_PREFIX(k)[0] = 0;
		for (int i = 0; i < nranges; i++)
		{
			if (i == 0 || closed[i].date != closed[i - 1].date)
			{
				CLOSED_DATES(k)[day] = closed[i].date;
				CLOSED_FIRST(k)[day] = i;
				day++;
			}
			CLOSED_RANGES(k)[i].start = closed[i].start;
			CLOSED_RANGES(k)[i].end = closed[i].end;
		}
		CLOSED_FIRST(k)[ndays] = nranges;
		for (int d = 0; d < ndays; d++)
		{
			int			w = weekday(CLOSED_DATES(k)[d]);
			int			first = CLOSED_FIRST(k)[d];
			int64		left = day_open_before(cal, w, CLOSED_RANGES(k) + first,
											   CLOSED_FIRST(k)[d + 1] - first, USECS_PER_DAY);

			CLOSED_PREFIX(k)[d + 1] = CLOSED_PREFIX(k)[d] + day_open[w] - left;
		}
	}
	return cal;
}

/* The canonical name of a zone PostgreSQL knows, or NULL. */
static const char *
zone_lookup(const char *name)
{
	pg_tz	   *tz;

	if (strlen(name) >= CAL_ZONE_MAX || name[0] == '\0')
		return NULL;
	tz = pg_tzset(name);
	if (tz == NULL)
		return NULL;
	return pg_get_timezone_name(tz);
}

static void
check_holiday(DateADT d)
{
	if (DATE_NOT_FINITE(d) || d < KPI_DATE_MIN || d > KPI_DATE_MAX)
	{
		StringInfoData buf;

		initStringInfo(&buf);
		if (DATE_NOT_FINITE(d))
			appendStringInfoString(&buf, DATE_IS_NOBEGIN(d) ? "-infinity" : "infinity");
		else
			kpi_date_append(&buf, d);
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business_calendar holiday %s is out of range", buf.data),
				 errdetail("A holiday must lie in the years 1 to 9999.")));
	}
}

PG_FUNCTION_INFO_V1(business_calendar_make);
Datum
business_calendar_make(PG_FUNCTION_ARGS)
{
	char	   *zone = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *hours = text_to_cstring(PG_GETARG_TEXT_PP(1));
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(2);
	char	   *closed_text = text_to_cstring(PG_GETARG_TEXT_PP(3));
	const char *canonical = zone_lookup(zone);
	bool	   *week = palloc(WEEK_MINUTES * sizeof(bool));
	HoursCursor cur = {hours, hours, false, false};
	HoursCursor closed_cur = {closed_text, closed_text, false, true};
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	DateADT    *holidays;
	CalClosedRange *closed;
	int			nclosed;

	if (canonical == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown time zone for business_calendar: \"%s\"", zone),
				 errhint("Use a time zone name PostgreSQL accepts for TimeZone, such as 'Asia/Jakarta'.")));
	hours_parse(&cur, week, '\0');
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("business_calendar holidays must be a one-dimensional array")));
	deconstruct_array(arr, DATEOID, sizeof(DateADT), true, TYPALIGN_INT, &elems, &nulls, &n);
	holidays = palloc((n + 1) * sizeof(DateADT));
	for (int i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("business_calendar holidays must not contain NULL")));
		holidays[i] = DatumGetDateADT(elems[i]);
		check_holiday(holidays[i]);
	}
	closed = closed_parse(&closed_cur, '\0', &nclosed);
	PG_RETURN_POINTER(calendar_build(canonical, week, holidays, n, closed, nclosed,
									 ERRCODE_INVALID_PARAMETER_VALUE));
}

static void
append_hours(StringInfo buf, const BusinessCalendar *cal)
{
	const CalSpan *spans = CAL_SPANS(cal);
	bool		first = true;

	if (cal->week_open == 7 * USECS_PER_DAY)
	{
		appendStringInfoString(buf, "24/7");
		return;
	}
	for (int w = 0; w < 7;)
	{
		int			n = cal->day_first[w + 1] - cal->day_first[w];
		int			last = w;

		if (n == 0)
		{
			w++;
			continue;
		}
		/* group the following days with the same intervals */
		while (last + 1 < 7 &&
			   cal->day_first[last + 2] - cal->day_first[last + 1] == n &&
			   memcmp(spans + cal->day_first[last + 1], spans + cal->day_first[w],
					  n * sizeof(CalSpan)) == 0)
			last++;
		if (!first)
			appendStringInfoString(buf, "; ");
		first = false;
		appendStringInfoString(buf, DAY_NAMES[w]);
		if (last > w)
			appendStringInfo(buf, "-%s", DAY_NAMES[last]);
		for (int i = 0; i < n; i++)
		{
			const CalSpan *s = spans + cal->day_first[w] + i;

			appendStringInfo(buf, "%c%02d:%02d-%02d:%02d", i == 0 ? ' ' : ',',
							 s->start / 60, s->start % 60, s->end / 60, s->end % 60);
		}
		w = last + 1;
	}
}

/*
 * text form: v1 Europe/Berlin [mon-fri 08:00-17:00] {2024-12-25,2024-12-26}
 * and with closed ranges, v2 ... {2024-12-25} (2024-12-24 12:00-24:00; ...)
 */
PG_FUNCTION_INFO_V1(business_calendar_out);
Datum
business_calendar_out(PG_FUNCTION_ARGS)
{
	BusinessCalendar *cal = PG_GETARG_CALENDAR(0);
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfo(&buf, "v%d %s [", cal->version, cal->zone);
	append_hours(&buf, cal);
	appendStringInfoString(&buf, "] {");
	for (int i = 0; i < cal->nholidays; i++)
	{
		if (i > 0)
			appendStringInfoChar(&buf, ',');
		kpi_date_append(&buf, CAL_HOLIDAYS(cal)[i]);
	}
	appendStringInfoChar(&buf, '}');
	if (CAL_NCLOSED(cal) > 0)
	{
		const CalClosed *k = CAL_CLOSED(cal);

		appendStringInfoString(&buf, " (");
		for (int d = 0; d < k->ndays; d++)
		{
			if (d > 0)
				appendStringInfoString(&buf, "; ");
			kpi_date_append(&buf, CLOSED_DATES(k)[d]);
			for (int i = CLOSED_FIRST(k)[d]; i < CLOSED_FIRST(k)[d + 1]; i++)
			{
				const CalSpan *r = CLOSED_RANGES(k) + i;

				appendStringInfo(&buf, "%c%02d:%02d-%02d:%02d", i == CLOSED_FIRST(k)[d] ? ' ' : ',',
								 r->start / 60, r->start % 60, r->end / 60, r->end % 60);
			}
		}
		appendStringInfoChar(&buf, ')');
	}
	PG_RETURN_CSTRING(buf.data);
}

PG_FUNCTION_INFO_V1(business_calendar_in);
Datum
business_calendar_in(PG_FUNCTION_ARGS)
{
	char	   *input = PG_GETARG_CSTRING(0);
	KpiTextCursor cur;
	HoursCursor hc;
	bool	   *week = palloc(WEEK_MINUTES * sizeof(bool));
	const char *zone_start;
	char	   *zone;
	const char *canonical;
	DateADT    *holidays;
	int			n = 0,
				cap = 16;
	int			version;
	CalClosedRange *closed = NULL;
	int			nclosed = 0;

	kpi_text_init(&cur, CAL_TYPE, input);
	version = kpi_text_versions(&cur, CALENDAR_VERSION_HOURS, CALENDAR_VERSION_CLOSED);
	if (!kpi_text_skip_space(&cur))
		kpi_text_error(&cur, "a space and a time zone name");
	zone_start = cur.pos;
	while (*cur.pos != '\0' && *cur.pos != ' ' && *cur.pos != '[')
		cur.pos++;
	zone = pnstrdup(zone_start, cur.pos - zone_start);
	canonical = zone_lookup(zone);
	if (canonical == NULL || strcmp(canonical, zone) != 0)
	{
		cur.pos = zone_start;
		kpi_text_error(&cur, "a time zone name PostgreSQL knows, spelled as it spells it");
	}
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "[");
	hc.input = input;
	hc.pos = cur.pos;
	hc.text_input = true;
	hc.closed = false;
	hours_parse(&hc, week, ']');
	cur.pos = hc.pos + 1;
	kpi_text_skip_space(&cur);
	kpi_text_expect(&cur, "{");
	holidays = palloc(cap * sizeof(DateADT));
	if (!kpi_text_accept(&cur, "}"))
	{
		for (;;)
		{
			if (n == cap)
			{
				cap *= 2;
				holidays = repalloc(holidays, cap * sizeof(DateADT));
			}
			hc.pos = cur.pos;
			holidays[n] = hours_date(&hc);
			if (n > 0 && holidays[n] <= holidays[n - 1])
				kpi_text_error(&cur, "holidays in increasing order");
			n++;
			cur.pos = hc.pos;
			if (kpi_text_accept(&cur, "}"))
				break;
			kpi_text_expect(&cur, ",");
		}
	}
	if (version == CALENDAR_VERSION_CLOSED)
	{
		kpi_text_skip_space(&cur);
		kpi_text_expect(&cur, "(");
		hc.pos = cur.pos;
		closed = closed_parse(&hc, ')', &nclosed);
		cur.pos = hc.pos + 1;
	}
	kpi_text_end(&cur);
	PG_RETURN_POINTER(calendar_build(canonical, week, holidays, n, closed, nclosed,
									 ERRCODE_INVALID_TEXT_REPRESENTATION));
}

/*
 * binary form: version, zone, per weekday its intervals, holidays; version
 * 2 then the closed ranges as (date, start, end) in order
 */
PG_FUNCTION_INFO_V1(business_calendar_send);
Datum
business_calendar_send(PG_FUNCTION_ARGS)
{
	BusinessCalendar *cal = PG_GETARG_CALENDAR(0);
	StringInfoData buf;
	int			len = (int) strlen(cal->zone);

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, (uint8) cal->version);
	pq_sendint32(&buf, len);
	pq_sendbytes(&buf, cal->zone, len);
	for (int w = 0; w < 7; w++)
	{
		pq_sendint32(&buf, cal->day_first[w + 1] - cal->day_first[w]);
		for (int i = cal->day_first[w]; i < cal->day_first[w + 1]; i++)
		{
			pq_sendint32(&buf, CAL_SPANS(cal)[i].start);
			pq_sendint32(&buf, CAL_SPANS(cal)[i].end);
		}
	}
	pq_sendint32(&buf, cal->nholidays);
	for (int i = 0; i < cal->nholidays; i++)
		pq_sendint32(&buf, CAL_HOLIDAYS(cal)[i]);
	if (CAL_NCLOSED(cal) > 0)
	{
		const CalClosed *k = CAL_CLOSED(cal);

		pq_sendint32(&buf, k->nranges);
		for (int d = 0; d < k->ndays; d++)
			for (int i = CLOSED_FIRST(k)[d]; i < CLOSED_FIRST(k)[d + 1]; i++)
			{
				pq_sendint32(&buf, CLOSED_DATES(k)[d]);
				pq_sendint32(&buf, CLOSED_RANGES(k)[i].start);
				pq_sendint32(&buf, CLOSED_RANGES(k)[i].end);
			}
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(business_calendar_recv);
Datum
business_calendar_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	uint8		version = kpi_recv_uint8(buf, CAL_TYPE);
	int32		len;
	char	   *zone;
	const char *canonical;
	bool	   *week = palloc0(WEEK_MINUTES * sizeof(bool));
	int32		n;
	DateADT    *holidays;
	int32		nclosed = 0;
	CalClosedRange *closed = NULL;

	if (version != CALENDAR_VERSION_HOURS && version != CALENDAR_VERSION_CLOSED)
		kpi_recv_error(CAL_TYPE, psprintf("Unsupported version %d.", version));
	len = kpi_recv_int32(buf, CAL_TYPE);
	if (len <= 0 || len >= CAL_ZONE_MAX)
		kpi_recv_error(CAL_TYPE, "The time zone name has an invalid length.");
	zone = pnstrdup(kpi_recv_bytes(buf, len, CAL_TYPE), len);
	canonical = zone_lookup(zone);
	if (canonical == NULL || strcmp(canonical, zone) != 0)
		kpi_recv_error(CAL_TYPE, "The time zone is unknown.");
	for (int w = 0; w < 7; w++)
	{
		int32		count = kpi_recv_int32(buf, CAL_TYPE);
		int32		previous_end = 0;

		if (count < 0 || count > MINUTES_PER_DAY / 2)
			kpi_recv_error(CAL_TYPE, "A weekday has an invalid number of intervals.");
		for (int i = 0; i < count; i++)
		{
			int32		start = kpi_recv_int32(buf, CAL_TYPE);
			int32		end = kpi_recv_int32(buf, CAL_TYPE);

			if (start < previous_end || end <= start || end > MINUTES_PER_DAY)
				kpi_recv_error(CAL_TYPE, "Opening intervals are out of order or out of range.");
			for (int m = start; m < end; m++)
				week[w * MINUTES_PER_DAY + m] = true;
			previous_end = end;
		}
	}
	n = kpi_recv_int32(buf, CAL_TYPE);
	if (n < 0 || n > (buf->len - buf->cursor) / 4)
		kpi_recv_error(CAL_TYPE, "The holiday count is invalid.");
	holidays = palloc((n + 1) * sizeof(DateADT));
	for (int i = 0; i < n; i++)
	{
		holidays[i] = kpi_recv_int32(buf, CAL_TYPE);
		if (holidays[i] < KPI_DATE_MIN || holidays[i] > KPI_DATE_MAX ||
			(i > 0 && holidays[i] <= holidays[i - 1]))
			kpi_recv_error(CAL_TYPE, "Holidays are out of order or outside the years 1 to 9999.");
	}
	if (version == CALENDAR_VERSION_CLOSED)
	{
		/* as send writes them: some, in order, apart, none on a holiday */
		nclosed = kpi_recv_int32(buf, CAL_TYPE);
		if (nclosed <= 0 || nclosed > (buf->len - buf->cursor) / 12)
			kpi_recv_error(CAL_TYPE, "The closed range count is invalid.");
		closed = palloc(nclosed * sizeof(CalClosedRange));
		for (int i = 0; i < nclosed; i++)
		{
			CalClosedRange *r = closed + i;

			r->date = kpi_recv_int32(buf, CAL_TYPE);
			r->start = kpi_recv_int32(buf, CAL_TYPE);
			r->end = kpi_recv_int32(buf, CAL_TYPE);
			if (r->date < KPI_DATE_MIN || r->date > KPI_DATE_MAX ||
				r->start < 0 || r->end <= r->start || r->end > MINUTES_PER_DAY ||
				(i > 0 && (r->date < r[-1].date ||
						   (r->date == r[-1].date && r->start <= r[-1].end))) ||
				bsearch(&r->date, holidays, n, sizeof(DateADT), holiday_cmp) != NULL)
				kpi_recv_error(CAL_TYPE, "Closed ranges are out of order, out of range or on a holiday.");
		}
	}
	PG_RETURN_POINTER(calendar_build(canonical, week, holidays, n, closed, nclosed,
									 ERRCODE_INVALID_BINARY_REPRESENTATION));
}

KPI_EQUALITY_FUNCTIONS(business_calendar)

/*
 * What a call site keeps between rows (fn_extra): the calendar when the
 * argument is the same every row (a constant or a parameter, detoasted
 * once), the zone's pg_tz, and the last UTC span of constant offset found.
 */
typedef struct CalCache
{
	BusinessCalendar *cal;		/* a copy of the last calendar argument */
	bool		stable;			/* the argument is the same every row */
	int			repeats;		/* rows since it last changed */
	int64		open_before_day[7]; /* open time of a week before weekday w */
	int32	   *rank;			/* for the stable calendar: holidays before */
	int64		rank_first;		/* date rank_first + i, for i < rank_days */
	int64		rank_days;
	char		zone[CAL_ZONE_MAX];
	pg_tz	   *tz;
	bool		have_span;
	int64		span_lo;		/* instants in [span_lo, span_hi) have offset */
	int64		span_hi;
	int64		offset;
} CalCache;

/* a table of holidays before each date when it is small: no binary search per row */
#define RANK_MAX_DAYS	(100 * 366)
#define RANK_AFTER_REPEATS	16

static void
build_rank(CalCache *cache, MemoryContext mcxt)
{
	const BusinessCalendar *cal = cache->cal;
	const DateADT *h = CAL_HOLIDAYS(cal);
	int64		days;
	int			k = 0;

	if (cal->nholidays == 0)
		return;
	days = (int64) h[cal->nholidays - 1] - h[0] + 1;
	if (days > RANK_MAX_DAYS)
		return;
	cache->rank = MemoryContextAlloc(mcxt, days * sizeof(int32));
	cache->rank_first = h[0];
	cache->rank_days = days;
	for (int64 i = 0; i < days; i++)
	{
		while (k < cal->nholidays && h[k] < h[0] + i)
			k++;
		cache->rank[i] = k;
	}
}

/*
 * The call site's cache and the calendar of argument argno.  The calendar
 * is copied into the cache: an argument that is the same every row (a
 * constant or a parameter) is detoasted once, any other is compared with
 * the copy, and one that repeats gets its holiday table too.  A call
 * without flinfo (DirectFunctionCall) gets the caller's scratch cache.
 */
static CalCache *
calendar_args(FunctionCallInfo fcinfo, int argno, CalCache *scratch,
			  BusinessCalendar **cal)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	MemoryContext mcxt = flinfo != NULL ? flinfo->fn_mcxt : CurrentMemoryContext;
	CalCache   *cache;
	BusinessCalendar *c;

	if (flinfo == NULL)
	{
		memset(scratch, 0, sizeof(CalCache));
		cache = scratch;
	}
	else if ((cache = flinfo->fn_extra) == NULL)
	{
		cache = MemoryContextAllocZero(mcxt, sizeof(CalCache));
		cache->stable = get_fn_expr_arg_stable(flinfo, argno);
		flinfo->fn_extra = cache;
	}
	if (cache->cal != NULL && cache->stable)
	{
		*cal = cache->cal;
		return cache;
	}
	c = PG_GETARG_CALENDAR(argno);
	if (cache->cal != NULL && VARSIZE(c) == VARSIZE(cache->cal) &&
		memcmp(c, cache->cal, VARSIZE(c)) == 0)
	{
		if (cache->rank == NULL && ++cache->repeats == RANK_AFTER_REPEATS)
			build_rank(cache, mcxt);
		*cal = cache->cal;
		return cache;
	}
	if (cache->cal != NULL)
		pfree(cache->cal);
	if (cache->rank != NULL)
		pfree(cache->rank);
	cache->rank = NULL;
	cache->repeats = 0;
	cache->cal = MemoryContextAlloc(mcxt, VARSIZE(c));
	memcpy(cache->cal, c, VARSIZE(c));
	if (cache->stable)
		build_rank(cache, mcxt);
	cache->open_before_day[0] = 0;
	for (int w = 1; w < 7; w++)
		cache->open_before_day[w] = cache->open_before_day[w - 1] + c->day_open[w - 1];
	if (cache->tz == NULL || strcmp(cache->zone, c->zone) != 0)
	{
		pg_tz	   *tz = pg_tzset(c->zone);

		if (tz == NULL)
			kpi_corrupt(CAL_TYPE, "its time zone is unknown");
		strlcpy(cache->zone, c->zone, CAL_ZONE_MAX);
		cache->tz = tz;
		cache->have_span = false;
	}
	*cal = cache->cal;
	return cache;
}

#define UNIX_EPOCH_SHIFT_SECS \
	((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

/*
 * The UTC offset at UTC instant t (microseconds since 2000) and the next
 * instant the zone's state may change (PG_INT64_MAX if never).  The span
 * found last is kept: in a zone without DST every later row falls in it.
 */
static void
zone_offset(CalCache *cache, int64 t, int64 *offset, int64 *next)
{
	pg_time_t	secs;
	long int	before_gmtoff,
				after_gmtoff;
	int			before_isdst,
				after_isdst;
	pg_time_t	boundary;
	int			r;
	int64		found;

	if (cache->have_span && cache->span_lo <= t && t < cache->span_hi)
	{
		*offset = cache->offset;
		*next = cache->span_hi;
		return;
	}
	secs = (pg_time_t) floor_div(t, USECS_PER_SEC) + UNIX_EPOCH_SHIFT_SECS;
	r = pg_next_dst_boundary(&secs, &before_gmtoff, &before_isdst, &boundary,
							 &after_gmtoff, &after_isdst, cache->tz);
	if (r < 0)
		elog(ERROR, "could not determine the UTC offset of time zone \"%s\"", cache->zone);
	*offset = (int64) before_gmtoff * USECS_PER_SEC;
	if (r == 0 || boundary - UNIX_EPOCH_SHIFT_SECS > PG_INT64_MAX / USECS_PER_SEC - 1)
		*next = PG_INT64_MAX;
	else
		*next = (boundary - UNIX_EPOCH_SHIFT_SECS) * USECS_PER_SEC;
	/* the same next change: the kept span reaches back to t */
	found = *next;
	if (cache->have_span && found == cache->span_hi && t < cache->span_lo)
		cache->span_lo = t;
	else
	{
		cache->have_span = true;
		cache->span_lo = t;
		cache->span_hi = found;
		cache->offset = *offset;
	}
}

/* how many of the sorted dates lie before date d */
static int
dates_before(const DateADT *dates, int n, int64 d)
{
	int			lo = 0,
				hi = n;

	while (lo < hi)
	{
		int			mid = lo + (hi - lo) / 2;

		if (dates[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* holidays before date d */
static int
holidays_before(const BusinessCalendar *cal, int64 d)
{
	return dates_before(CAL_HOLIDAYS(cal), cal->nholidays, d);
}

/* dates with closed ranges before date d */
static int
closed_days_before(const CalClosed *k, int64 d)
{
	return dates_before(CLOSED_DATES(k), k->ndays, d);
}

static bool
is_holiday(const BusinessCalendar *cal, int64 d)
{
	int			i = holidays_before(cal, d);

	return i < cal->nholidays && CAL_HOLIDAYS(cal)[i] == d;
}

/*
 * Open time of the local wall-clock time before local instant x
 * (microseconds since 2000-01-01 00:00 local), counted from the Monday
 * 2000-01-03: whole weeks, the days of x's week before it, the part of
 * x's day, less the holidays and the closed ranges before x's date (the
 * ranges of x's own date from the part of its day).
 */
static int64
local_open_before(const BusinessCalendar *cal, const CalCache *cache, int64 x)
{
	int64		d = floor_div(x, USECS_PER_DAY);
	int64		minute_usecs = x - d * USECS_PER_DAY;
	int64		weeks = floor_div(d - 2, 7);
	int			w = (int) (d - 2 - weeks * 7);
	int64		total = weeks * cal->week_open + cache->open_before_day[w];
	int			h;
	const CalSpan *closed = NULL;
	int			nclosed = 0;

	if (cache->rank == NULL)
		h = holidays_before(cal, d);
	else if (d < cache->rank_first)
		h = 0;
	else if (d - cache->rank_first >= cache->rank_days)
		h = cal->nholidays;
	else
		h = cache->rank[d - cache->rank_first];
	total -= CAL_PREFIX(cal)[h];
	if (CAL_NCLOSED(cal) > 0)
	{
		const CalClosed *k = CAL_CLOSED(cal);
		int			c = closed_days_before(k, d);

		total -= CLOSED_PREFIX(k)[c];
		if (c < k->ndays && CLOSED_DATES(k)[c] == d)
		{
			closed = CLOSED_RANGES(k) + CLOSED_FIRST(k)[c];
			nclosed = CLOSED_FIRST(k)[c + 1] - CLOSED_FIRST(k)[c];
		}
	}
	if (h < cal->nholidays && CAL_HOLIDAYS(cal)[h] == d)
		return total;
	return total + day_open_before(cal, w, closed, nclosed, minute_usecs);
}

/*
 * Open time in [s, f), s <= f, both finite.  Over a span of constant UTC
 * offset o, instant t is open when local time t + o is, so its open time
 * is the local open time between its ends shifted by o; the loop is over
 * the zone's offset changes in [s, f), never over days.
 */
static int128
open_between(const BusinessCalendar *cal, CalCache *cache, int64 s, int64 f)
{
	int128		total = 0;

	for (int64 p = s; p < f;)
	{
		int64		offset,
					next,
					e;

		CHECK_FOR_INTERRUPTS();
		zone_offset(cache, p, &offset, &next);
		e = Min(next, f);
		total += local_open_before(cal, cache, e + offset) - local_open_before(cal, cache, p + offset);
		p = e;
	}
	return total;
}

static void
check_finite(FunctionCallInfo fcinfo, TimestampTz t, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(t))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: %s must be finite", kpi_caller_name(fcinfo), what)));
}

static Interval *
make_interval_usecs(FunctionCallInfo fcinfo, int128 usecs)
{
	Interval   *result = palloc0(sizeof(Interval));

	if (usecs > PG_INT64_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s: interval out of range", kpi_caller_name(fcinfo))));
	result->time = (int64) usecs;
	return result;
}

PG_FUNCTION_INFO_V1(business_duration);
Datum
business_duration(PG_FUNCTION_ARGS)
{
	TimestampTz s = PG_GETARG_TIMESTAMPTZ(0);
	TimestampTz f = PG_GETARG_TIMESTAMPTZ(1);
	CalCache	scratch;
	BusinessCalendar *cal;
	CalCache   *cache = calendar_args(fcinfo, 2, &scratch, &cal);

	check_finite(fcinfo, s, "start");
	check_finite(fcinfo, f, "finish");
	if (f < s)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: finish %s is before start %s", kpi_caller_name(fcinfo),
						kpi_timestamptz_text(f), kpi_timestamptz_text(s))));
	PG_RETURN_INTERVAL_P(make_interval_usecs(fcinfo,
											 open_between(cal, cache, s, f)));
}

/* kpi_ext.h: for time in status, which sums the open time of many spans */
int128
kpi_business_open_time(FunctionCallInfo fcinfo, int argno, TimestampTz start, TimestampTz finish)
{
	CalCache	scratch;
	BusinessCalendar *cal;
	CalCache   *cache = calendar_args(fcinfo, argno, &scratch, &cal);

	Assert(!TIMESTAMP_NOT_FINITE(start) && !TIMESTAMP_NOT_FINITE(finish) && start <= finish);
	return open_between(cal, cache, start, finish);
}

PG_FUNCTION_INFO_V1(business_add);
Datum
business_add(PG_FUNCTION_ARGS)
{
	TimestampTz s = PG_GETARG_TIMESTAMPTZ(0);
	Interval   *amount = PG_GETARG_INTERVAL_P(1);
	CalCache	scratch;
	BusinessCalendar *cal;
	CalCache   *cache = calendar_args(fcinfo, 2, &scratch, &cal);
	int128		target;
	int64		lo,
				hi,
				step,
				limit = END_TIMESTAMP - 1;

	check_finite(fcinfo, s, "start");
#if PG_VERSION_NUM >= 170000
	if (INTERVAL_NOT_FINITE(amount))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: amount must be finite", kpi_caller_name(fcinfo))));
#endif
	if (amount->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: amount must not have months or years", kpi_caller_name(fcinfo)),
				 errdetail("Open time is measured in days of 24 hours, hours, minutes and seconds.")));
	target = (int128) amount->day * USECS_PER_DAY + amount->time;
	if (target < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: amount must not be negative", kpi_caller_name(fcinfo))));
	if (target == 0)
		PG_RETURN_TIMESTAMPTZ(s);

	/*
	 * The smallest f with open time target in [s, f): grow a bound
	 * geometrically, then bisect.  The weekly hours have open time, so each
	 * step terminates; beyond the timestamp range is an error.
	 */
	step = target > PG_INT64_MAX / 2 ? PG_INT64_MAX / 2 : (int64) target;
	for (;;)
	{
		hi = (s > limit - step) ? limit : s + step;
		if (open_between(cal, cache, s, hi) >= target)
			break;
		if (hi == limit)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("%s: result is out of range", kpi_caller_name(fcinfo)),
					 errdetail("The calendar does not have that much open time before the end of the timestamp range.")));
		step = step > PG_INT64_MAX / 4 ? PG_INT64_MAX / 2 : step * 2;
	}
	lo = s;						/* open time in [s, lo) < target <= in [s, hi) */
	while (hi - lo > 1)
	{
		int64		mid = lo + (hi - lo) / 2;

		if (open_between(cal, cache, s, mid) >= target)
			hi = mid;
		else
			lo = mid;
	}
	PG_RETURN_TIMESTAMPTZ(hi);
}

PG_FUNCTION_INFO_V1(business_is_open);
Datum
business_is_open(PG_FUNCTION_ARGS)
{
	TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
	CalCache	scratch;
	BusinessCalendar *cal;
	CalCache   *cache = calendar_args(fcinfo, 1, &scratch, &cal);
	int64		offset,
				next,
				local,
				d,
				minute;
	int			w;

	check_finite(fcinfo, t, "time");
	zone_offset(cache, t, &offset, &next);
	local = t + offset;
	d = floor_div(local, USECS_PER_DAY);
	w = weekday(d);
	if (is_holiday(cal, d))
		PG_RETURN_BOOL(false);
	minute = (local - d * USECS_PER_DAY) / USECS_PER_MINUTE;
	if (CAL_NCLOSED(cal) > 0)
	{
		const CalClosed *k = CAL_CLOSED(cal);
		int			c = closed_days_before(k, d);

		if (c < k->ndays && CLOSED_DATES(k)[c] == d)
			for (int i = CLOSED_FIRST(k)[c]; i < CLOSED_FIRST(k)[c + 1]; i++)
				if (CLOSED_RANGES(k)[i].start <= minute && minute < CLOSED_RANGES(k)[i].end)
					PG_RETURN_BOOL(false);
	}
	for (int i = cal->day_first[w]; i < cal->day_first[w + 1]; i++)
		if (CAL_SPANS(cal)[i].start <= minute && minute < CAL_SPANS(cal)[i].end)
			PG_RETURN_BOOL(true);
	PG_RETURN_BOOL(false);
}
