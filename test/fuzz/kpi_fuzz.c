/*
 * kpi_fuzz.c
 *		libFuzzer harness for the text input and binary receive functions of
 *		every kpi_ext type.
 *
 * One binary serves every target; KPI_FUZZ_TARGET picks one, named
 * <type>_text or <type>_binary, and KPI_FUZZ_TARGET=list prints them all.
 * An input may be rejected, but only with a data exception (SQLSTATE class
 * 22), as a user's bad literal should be.  An input that is accepted must
 * survive the round trips: out() re-parses and re-prints to the same text,
 * send() re-receives and re-sends to the same bytes, and the text and binary
 * forms agree.  Anything else aborts, which libFuzzer reports as a finding.
 *
 * With KPI_FUZZ_SEEDS=1 every input must instead be a value exactly as the
 * server printed or sent it: it must be accepted and re-print or re-send
 * to the same text or bytes.  run.sh checks the seed corpus, which comes
 * from a real server, this way first, so the shim cannot drift from the
 * server unnoticed.
 */
#include "postgres.h"

#include "backend_shim.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"

/* Every kpi_ext type with text and binary I/O; a new type is one line. */
#define KPI_TYPES(X) \
	X(score_summary) \
	X(rate_summary) \
	X(duration_summary) \
	X(clv_summary) \
	X(mrr_summary) \
	X(subscription_summary) \
	X(status_summary) \
	X(health_score) \
	X(sentiment_summary) \
	X(business_calendar) \
	X(btyd_summary) \
	X(btyd_purchases) \
	X(bgnbd_model) \
	X(pareto_nbd_model) \
	X(gamma_gamma_model) \
	X(sbg_model)

#define DECLARE_IO(type) \
	extern Datum type##_in(PG_FUNCTION_ARGS); \
	extern Datum type##_out(PG_FUNCTION_ARGS); \
	extern Datum type##_recv(PG_FUNCTION_ARGS); \
	extern Datum type##_send(PG_FUNCTION_ARGS);
KPI_TYPES(DECLARE_IO)

typedef struct KpiType
{
	const char *name;
	PGFunction	in;
	PGFunction	out;
	PGFunction	recv;
	PGFunction	send;
} KpiType;

#define TYPE_ENTRY(type) {#type, type##_in, type##_out, type##_recv, type##_send},
static const KpiType types[] = {KPI_TYPES(TYPE_ENTRY)};

extern int	LLVMFuzzerInitialize(int *argc, char ***argv);
extern int	LLVMFuzzerTestOneInput(const uint8 *data, size_t size);

static const KpiType *target;
static bool target_binary;
static bool seeds_only;

/* what the harness is doing, for the report when it aborts */
static const char *step;

static void
print_targets(FILE *out)
{
	for (size_t i = 0; i < lengthof(types); i++)
		fprintf(out, "%s_text\n%s_binary\n", types[i].name, types[i].name);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *wanted = getenv("KPI_FUZZ_TARGET");

	seeds_only = getenv("KPI_FUZZ_SEEDS") != NULL;

	if (wanted != NULL && strcmp(wanted, "list") == 0)
	{
		print_targets(stdout);
		exit(0);
	}
	for (size_t i = 0; wanted != NULL && i < lengthof(types); i++)
	{
		size_t		len = strlen(types[i].name);

		if (strncmp(wanted, types[i].name, len) != 0)
			continue;
		if (strcmp(wanted + len, "_text") == 0 || strcmp(wanted + len, "_binary") == 0)
		{
			target = &types[i];
			target_binary = wanted[len + 1] == 'b';
			return 0;
		}
	}
	fprintf(stderr, "set KPI_FUZZ_TARGET to one of:\n");
	print_targets(stderr);
	exit(2);
}

static pg_attribute_noreturn() void
finding(const char *problem)
{
	fprintf(stderr, "\nkpi_fuzz: %s_%s: %s while checking %s\n",
			target->name, target_binary ? "binary" : "text", problem, step);
	abort();
}

/* Calls a type's I/O function the way fmgr does, outside any aggregate. */
static Datum
call(PGFunction fn, int nargs, Datum arg)
{
	LOCAL_FCINFO(fcinfo, 3);
	Datum		result;

	InitFunctionCallInfoData(*fcinfo, NULL, nargs, InvalidOid, NULL, NULL);
	fcinfo->args[0].value = arg;
	fcinfo->args[0].isnull = false;
	/* input and receive functions also get the type's OID and typmod */
	fcinfo->args[1].value = ObjectIdGetDatum(InvalidOid);
	fcinfo->args[1].isnull = false;
	fcinfo->args[2].value = Int32GetDatum(-1);
	fcinfo->args[2].isnull = false;
	result = fn(fcinfo);
	if (fcinfo->isnull)
		finding("an I/O function returned NULL");
	return result;
}

static Datum
parse_value(const char *text)
{
	return call(target->in, 3, CStringGetDatum(text));
}

static char *
print_value(Datum value)
{
	return DatumGetCString(call(target->out, 1, value));
}

/* As the server receives a parameter: the whole message must be consumed. */
static Datum
receive_value(const char *data, int len)
{
	StringInfoData buf;
	Datum		value;

	/* the server's message buffers end with a terminating zero too */
	buf.data = palloc(len + 1);
	memcpy(buf.data, data, len);
	buf.data[len] = '\0';
	buf.len = len;
	buf.maxlen = len + 1;
	buf.cursor = 0;
	value = call(target->recv, 3, PointerGetDatum(&buf));
	if (buf.cursor != buf.len)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("incorrect binary data format")));
	return value;
}

static bytea *
send_value(Datum value)
{
	return DatumGetByteaPP(call(target->send, 1, value));
}

/* the five characters of a SQLSTATE packed by MAKE_SQLSTATE */
static const char *
sqlstate(int code)
{
	static char buf[6];

	for (int i = 0; i < 5; i++)
	{
		buf[i] = PGUNSIXBIT(code);
		code >>= 6;
	}
	buf[5] = '\0';
	return buf;
}

static void
print_bytes(const char *label, const bytea *b)
{
	fprintf(stderr, "%s (%d bytes): ", label, (int) VARSIZE(b) - VARHDRSZ);
	for (int i = 0; i < (int) VARSIZE(b) - VARHDRSZ; i++)
		fprintf(stderr, "%02x", (unsigned char) VARDATA(b)[i]);
	fprintf(stderr, "\n");
}

static void
expect_text(const char *got, const char *expected)
{
	if (strcmp(got, expected) == 0)
		return;
	fprintf(stderr, "expected: %s\ngot:      %s\n", expected, got);
	finding("the text forms differ");
}

static void
expect_bytes(const bytea *got, const bytea *expected)
{
	if (VARSIZE(got) == VARSIZE(expected) &&
		memcmp(VARDATA(got), VARDATA(expected), VARSIZE(got) - VARHDRSZ) == 0)
		return;
	print_bytes("expected", expected);
	print_bytes("got     ", got);
	finding("the binary forms differ");
}

/* The value re-prints or re-sends to exactly the input it was read from. */
static void
check_canonical(Datum value, const uint8 *data, size_t size)
{
	step = "the input is what the server printed or sent";
	if (target_binary)
	{
		bytea	   *input = palloc(VARHDRSZ + size);

		SET_VARSIZE(input, VARHDRSZ + size);
		memcpy(VARDATA(input), data, size);
		expect_bytes(send_value(value), input);
	}
	else
		expect_text(print_value(value), pnstrdup((const char *) data, size));
}

/*
 * A value that was accepted prints and sends; both forms read back to the
 * same value, judged by printing and sending it again.
 */
static void
check_round_trips(Datum value)
{
	char	   *text;
	bytea	   *binary;
	Datum		from_text;
	Datum		from_binary;

	step = "out(v)";
	text = print_value(value);
	step = "send(v)";
	binary = send_value(value);

	step = "out(in(out(v))) = out(v)";
	from_text = parse_value(text);
	expect_text(print_value(from_text), text);
	step = "send(in(out(v))) = send(v)";
	expect_bytes(send_value(from_text), binary);

	step = "send(recv(send(v))) = send(v)";
	from_binary = receive_value(VARDATA(binary), VARSIZE(binary) - VARHDRSZ);
	expect_bytes(send_value(from_binary), binary);
	step = "out(recv(send(v))) = out(v)";
	expect_text(print_value(from_binary), text);
}

int
LLVMFuzzerTestOneInput(const uint8 *data, size_t size)
{
	char	   *text = NULL;
	volatile Datum value = 0;
	volatile bool accepted = false;

	if (!target_binary)
	{
		/* the server hands input functions valid, zero-terminated strings */
		if (memchr(data, '\0', size) != NULL ||
			pg_encoding_verifymbstr(PG_UTF8, (const char *) data, (int) size) != (int) size)
			return 0;
		text = pnstrdup((const char *) data, size);
	}

	step = target_binary ? "recv(input)" : "in(input)";
	PG_TRY();
	{
		value = target_binary ? receive_value((const char *) data, (int) size) : parse_value(text);
		accepted = true;
	}
	PG_CATCH();
	{
		const ErrorData *error = shim_last_error();

		if (ERRCODE_TO_CATEGORY(error->sqlerrcode) != ERRCODE_DATA_EXCEPTION)
		{
			fprintf(stderr, "SQLSTATE %s at %s:%d: %s\n", sqlstate(error->sqlerrcode),
					error->filename, error->lineno, error->message);
			finding("an input was rejected with an error that is not a data exception");
		}
	}
	PG_END_TRY();

	if (seeds_only && !accepted)
	{
		fprintf(stderr, "%s\n", shim_last_error()->message);
		finding("a value from the server was rejected");
	}
	if (accepted)
	{
		PG_TRY();
		{
			if (seeds_only)
				check_canonical(value, data, size);
			check_round_trips(value);
		}
		PG_CATCH();
		{
			const ErrorData *error = shim_last_error();

			fprintf(stderr, "SQLSTATE %s at %s:%d: %s\nDETAIL: %s\n",
					sqlstate(error->sqlerrcode), error->filename, error->lineno,
					error->message, error->detail ? error->detail : "");
			finding("an accepted value raised an error");
		}
		PG_END_TRY();
	}
	shim_reset();
	return 0;
}
