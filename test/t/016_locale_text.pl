# Text forms do not depend on the database's locale.  The same summaries,
# with component names and customer ids in Turkish, Indonesian and mixed
# case, are built in databases of different LC_CTYPE: C, en_US, tr_TR (the
# dotted and dotless i) and id_ID in UTF-8, and C and tr_TR in the
# single-byte LATIN5 (ISO-8859-9).  glibc's UTF-8 locales call no single
# byte above 127 a letter, but tr_TR.ISO-8859-9 calls İ, ı and Ç letters:
# there kpi_ext 1.0 printed such names unquoted, and C could not read them.
# Databases of one encoding must print the same text byte for byte (across
# encodings the components may sort differently: by their bytes in the
# database's encoding), and the text printed in each must re-read to the
# same value in every other; binary COPY must keep every name too.
# test/check.sh generates the locales (KPI_TEST_LOCALES in test/lib.sh).
use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

# the strings below are UTF-8 bytes; psql must send them as such
$ENV{PGCLIENTENCODING} = 'UTF8';

my $node = PostgreSQL::Test::Cluster->new('locale_text');
$node->init;
$node->start;

my %databases = (
	c_utf8 => [ 'UTF8', 'C' ],
	en_us_utf8 => [ 'UTF8', 'en_US.UTF-8' ],
	tr_tr_utf8 => [ 'UTF8', 'tr_TR.UTF-8' ],
	id_id_utf8 => [ 'UTF8', 'id_ID.UTF-8' ],
	c_latin5 => [ 'LATIN5', 'C' ],
	tr_tr_latin5 => [ 'LATIN5', 'tr_TR.ISO-8859-9' ],);
my @databases = sort keys %databases;

# Names that differ only in case or in the i's dot, names a locale may call
# letters, one that needs quoting anyhow and plain ASCII ones.
my @names = ('Iİıi', 'I', 'İ', 'ı', 'i', 'kepuasan_pelanggan', 'Kepuasan_Pelanggan', 'ÇağrıMerkezi',
	'çağrımerkezi', 'churn', 'Churn', 'CHURN', 'é', 'net "promoter" score', '1st', '_x9');
my $names = join(', ', map { my $n = $_ =~ s/'/''/gr; "'$n'" } @names);
my $n = @names;

# Every summary type (and the key types of clv_summary), built alike in
# each database: their text forms hold names or letters.  Customer ids and
# component names are the names above, uuids their md5 in UTF-8.
my %summaries = (
	health_score => q{health_score(ARRAY[%NAMES%], (SELECT array_agg(i * 5.5 ORDER BY i) FROM generate_series(1, %N%) AS i),
	                        (SELECT array_agg(i * 0.25 ORDER BY i) FROM generate_series(1, %N%) AS i))},
	'clv_summary text' => q{(SELECT clv_summary(name, 10.5 * i, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 day')
	                 FROM unnest(ARRAY[%NAMES%]) WITH ORDINALITY AS u(name, i))},
	'clv_summary uuid' => q{(SELECT clv_summary(md5(convert_to(name, 'UTF8'))::uuid, 10.5 * i, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 day')
	                 FROM unnest(ARRAY[%NAMES%]) WITH ORDINALITY AS u(name, i))},
	mrr_summary => q{(SELECT mrr_summary(before, after) FROM (VALUES (NULL, 100.5), (100, 150), (200, 120), (50, NULL), (70, 70))
	            AS v(before, after))},
	business_calendar => q{business_calendar('Asia/Jakarta', 'Mon-Fri 08:00-17:00; SAT 08:00-12:00', '{2025-03-31}')},
	'subscription_summary text' => q{(SELECT subscription_summary(name, 10.5 * i, timestamptz '2024-01-01 00:00:00+00' + i * interval '1 day', NULL)
	                 FROM unnest(ARRAY[%NAMES%]) WITH ORDINALITY AS u(name, i))},
	status_summary => q{(SELECT status_summary(name, timestamptz '2024-01-01 00:00:00+00' + (i % 5) * interval '1 hour')
	                 FROM unnest(ARRAY[%NAMES%]) WITH ORDINALITY AS u(name, i))},
	score_summary => q{(SELECT score_summary(s) FROM generate_series(0, 10) AS s)},
	# the scores must not depend on the locale's idea of letters and case
	sentiment_summary => q{(SELECT sentiment_summary(c, 'auto')
	                 FROM unnest(ARRAY['SANGAT BAGUS!!!', 'tidak enak', 'Kecewa BANGET', 'GREAT service', 'İYİ ama pahalı', %NAMES%]) AS u(c))},
	rate_summary => q{(SELECT rate_summary(i % 3 = 0) FROM generate_series(1, 10) AS i)},
	duration_summary => q{(SELECT duration_summary(i * interval '37 minutes') FROM generate_series(1, 20) AS i)},
	btyd_summary => q{('v1 bgnbd rows=3; x=0 t_x=0 t=10.5 n=1; x=2 t_x=4.25 t=9.5 n=2'::btyd_summary)},
	bgnbd_model => q{(SELECT bgnbd_fit(i % 4, (i % 4) * 2.5, 20 + i % 3) FROM generate_series(1, 40) AS i)},
	pareto_nbd_model => q{('v1 r=0.55 alpha=10.58 s=0.61 beta=11.67 log_likelihood=-9595 customers=2357 iterations=0 converged=false'::pareto_nbd_model)},
	gamma_gamma_model => q{(SELECT gamma_gamma_fit(1 + i % 3, 10 + i % 7 * 1.5) FROM generate_series(1, 40) AS i)},
	sbg_model => q{(SELECT sbg_fit(p, (1000 * 0.7 ^ p)::bigint) FROM generate_series(0, 5) AS p)},);
my @kinds = sort keys %summaries;

for my $db (@databases)
{
	my ($encoding, $locale) = @{ $databases{$db} };
	my ($status, $stdout, $stderr) = $node->psql('postgres',
		"CREATE DATABASE $db TEMPLATE template0 ENCODING '$encoding' LC_COLLATE '$locale' LC_CTYPE '$locale'");
	is($status, 0, "database $db ($encoding, LC_CTYPE $locale) created")
	  or diag("$stderr\nthe locale is missing? test/check.sh generates it (kpi_require_locales in test/lib.sh)");
	my $build = join(",\n", map { my $sql = $summaries{$_} =~ s/%NAMES%/$names/gr =~ s/%N%/$n/gr; "('$_', ${sql}::text)" }
		@kinds);
	$node->safe_psql($db, qq{
		CREATE EXTENSION kpi_ext;
		CREATE TABLE built (kind text PRIMARY KEY, out text);
		INSERT INTO built VALUES $build;
		-- the text an input re-reads to, or the error it raised
		CREATE FUNCTION reread(kind text, input text) RETURNS text LANGUAGE plpgsql AS \$f\$
		DECLARE
			result text;
		BEGIN
			EXECUTE format('SELECT %L::%s::text', input, split_part(kind, ' ', 1)) INTO result;
			RETURN result;
		EXCEPTION WHEN others THEN
			RETURN 'ERROR: ' || SQLERRM;
		END
		\$f\$;
	});
}

# what each database prints, as psql gets it in UTF-8
my %out;
for my $db (@databases)
{
	for my $line (split /\n/, $node->safe_psql($db, 'SELECT kind, out FROM built ORDER BY kind'))
	{
		my ($kind, $text) = split /\|/, $line, 2;
		$out{$db}{$kind} = $text;
	}
}

# Names are quoted unless they are ASCII letters, digits and _ not starting
# with a digit, in every locale; they sort by their UTF-8 bytes here.
is($out{c_utf8}{health_score},
	'v1 "1st"=82.5 weight=3.75, CHURN=66 weight=3, Churn=60.5 weight=2.75, I=11 weight=0.5, "Iİıi"=5.5 weight=0.25, '
	  . 'Kepuasan_Pelanggan=38.5 weight=1.75, _x9=88 weight=4, churn=55 weight=2.5, i=27.5 weight=1.25, '
	  . 'kepuasan_pelanggan=33 weight=1.5, "net ""promoter"" score"=77 weight=3.5, "ÇağrıMerkezi"=44 weight=2, '
	  . '"çağrımerkezi"=49.5 weight=2.25, "é"=71.5 weight=3.25, "İ"=16.5 weight=0.75, "ı"=22 weight=1',
	'health_score quotes every name that is not ASCII letters, digits and _');

for my $kind (@kinds)
{
	for my $db (@databases)
	{
		my $same = $databases{$db}[0] eq 'UTF8' ? 'c_utf8' : 'c_latin5';
		is($out{$db}{$kind}, $out{$same}{$kind}, "$kind prints the same in $db as in $same");
	}
}

# The cross product: what each database printed, read in every database.
my @pairs;
for my $from (@databases)
{
	my $inputs = join(",\n", map { "('$_', \$in\$$out{$from}{$_}\$in\$)" } @kinds);
	for my $to (@databases)
	{
		my $result = $node->safe_psql($to, qq{
			SELECT kind, reread(kind, input) = out, reread(kind, input)
			  FROM (VALUES $inputs) AS v(kind, input) JOIN built USING (kind) ORDER BY kind});
		for my $line (split /\n/, $result)
		{
			my ($kind, $equal, $reread) = split /\|/, $line, 3;
			is($equal, 't', "$kind printed in $from re-reads to the same value in $to")
			  or diag("printed: $out{$from}{$kind}\nre-read: $reread\nexpected: $out{$to}{$kind}");
		}
	}
}

# Names stay exactly as given, those that differ in case or dot apart; and
# binary COPY between databases of one encoding carries them unchanged.
my $expected_names = join(',', map { "$names[$_ - 1]=" . ($_ * 5.5) } 1 .. $n);
for my $db (@databases)
{
	my $file = $node->basedir . "/$db.copy";
	$node->safe_psql($db, qq{COPY (SELECT out::health_score FROM built WHERE kind = 'health_score') TO '$file' (FORMAT binary)});
	for my $to (grep { $databases{$_}[0] eq $databases{$db}[0] } @databases)
	{
		$node->safe_psql($to, qq{
			CREATE TEMP TABLE incoming (h health_score);
			COPY incoming FROM '$file' (FORMAT binary);
			CREATE TABLE copied_from_$db AS SELECT h::text AS out FROM incoming});
		is($node->safe_psql($to, "SELECT out FROM copied_from_$db"), $out{$to}{health_score},
			"binary COPY of health_score from $db to $to keeps every name");
	}
	is($node->safe_psql($db, q{SELECT count(DISTINCT name) || ' ' || string_agg(name || '=' || value, ',' ORDER BY value)
		  FROM built, components(out::health_score) WHERE kind = 'health_score'}), "$n $expected_names",
		"every name in $db is as given and its own component");
}

$node->stop;
done_testing();
