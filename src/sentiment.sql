--------------------------------------------------------------------------------
-- Sentiment of feedback: sentiment(), sentiment_label(), sentiment_summary
--------------------------------------------------------------------------------

--@ since 1.1
CREATE FUNCTION sentiment(feedback text, language text DEFAULT 'id') RETURNS double precision
    AS 'MODULE_PATHNAME', 'sentiment_score' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment(text, text) IS
    'sentiment of a text in -1..1 (0 = neutral) from kpi_ext''s compiled-in lexicon and rules; language ''id'' (Indonesian), ''en'' (English) or ''auto''';
CREATE FUNCTION sentiment_label(feedback text, language text DEFAULT 'id', neutral_band double precision DEFAULT 0.05) RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_label' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_label(text, text, double precision) IS
    'positive, neutral or negative: the sentiment of a text beyond neutral_band either side of zero';

-- Users' own words: a table in the extension's schema, kept by pg_dump, and
-- the STABLE variants that read it (the built-in ones above stay IMMUTABLE).
--@ since 1.1
CREATE TABLE sentiment_words (
    language text NOT NULL,
    word text NOT NULL,
    weight double precision NOT NULL,
    PRIMARY KEY (language, word)
);
COMMENT ON TABLE sentiment_words IS
    'users'' own sentiment words (brand names, slang), one word each, weight -4..4; read by sentiment(feedback, language, user_words => true) and the other user_words variants';
COMMENT ON COLUMN sentiment_words.language IS '''id'' (Indonesian) or ''en'' (English)';
COMMENT ON COLUMN sentiment_words.word IS 'one word as sentiment() reads it, stored as it is looked up: ASCII letters in lower case, no apostrophes';
COMMENT ON COLUMN sentiment_words.weight IS '-4 (most negative) .. 4 (most positive); 0 makes the word neutral; replaces the lexicon''s weight of the word';
SELECT pg_catalog.pg_extension_config_dump('sentiment_words', '');
GRANT SELECT ON sentiment_words TO PUBLIC;
CREATE FUNCTION sentiment_words_check() RETURNS trigger
    AS 'MODULE_PATHNAME', 'sentiment_words_check' LANGUAGE C;
COMMENT ON FUNCTION sentiment_words_check() IS
    'trigger of sentiment_words: checks the language, the weight and that the word is one word, and stores it as sentiment() looks it up';
CREATE FUNCTION sentiment_words_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'sentiment_words_changed' LANGUAGE C;
COMMENT ON FUNCTION sentiment_words_changed() IS
    'trigger of sentiment_words: tells every session to read the user words again';
CREATE TRIGGER check_word BEFORE INSERT OR UPDATE ON sentiment_words
    FOR EACH ROW EXECUTE FUNCTION sentiment_words_check();
CREATE TRIGGER words_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sentiment_words
    FOR EACH STATEMENT EXECUTE FUNCTION sentiment_words_changed();
CREATE FUNCTION sentiment(feedback text, language text, user_words boolean) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sentiment_score' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment(text, text, boolean) IS
    'sentiment of a text in -1..1; with user_words, the words of sentiment_words count before the lexicon''s (STABLE: it reads the table)';
CREATE FUNCTION sentiment_label(feedback text, language text, neutral_band double precision, user_words boolean) RETURNS text
    AS 'MODULE_PATHNAME', 'sentiment_label' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_label(text, text, double precision, boolean) IS
    'positive, neutral or negative beyond neutral_band; with user_words, the words of sentiment_words count before the lexicon''s';

--@ since 1.1
CREATE TYPE sentiment_summary;
CREATE FUNCTION sentiment_summary_in(cstring) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sentiment_summary_out(sentiment_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sentiment_summary_recv(internal) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION sentiment_summary_send(sentiment_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_in(cstring) IS 'reads the text form of sentiment_summary';
COMMENT ON FUNCTION sentiment_summary_out(sentiment_summary) IS 'writes the text form of sentiment_summary';
COMMENT ON FUNCTION sentiment_summary_recv(internal) IS 'reads the binary form of sentiment_summary';
COMMENT ON FUNCTION sentiment_summary_send(sentiment_summary) IS 'writes the binary form of sentiment_summary';
CREATE TYPE sentiment_summary (
    INPUT = sentiment_summary_in,
    OUTPUT = sentiment_summary_out,
    RECEIVE = sentiment_summary_recv,
    SEND = sentiment_summary_send,
    INTERNALLENGTH = 40,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE sentiment_summary IS
    'positive, neutral and negative texts and the sum of their scores; text form "v1 positive/neutral/negative sum"; build with sentiment_summary(feedback), merge with rollup()';

--@ since 1.1
CREATE FUNCTION sentiment_summary_add(sentiment_summary, text) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_add(sentiment_summary, text) IS 'transition function: counts an Indonesian text by its label and adds its score';
CREATE FUNCTION sentiment_summary_add(sentiment_summary, text, text) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_add(sentiment_summary, text, text) IS 'transition function: counts a text in the given language by its label and adds its score';
CREATE FUNCTION sentiment_summary_remove(sentiment_summary, text) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_remove(sentiment_summary, text) IS 'inverse transition function (moving windows) of sentiment_summary(feedback)';
CREATE FUNCTION sentiment_summary_remove(sentiment_summary, text, text) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_remove(sentiment_summary, text, text) IS 'inverse transition function (moving windows) of sentiment_summary(feedback, language)';
CREATE FUNCTION sentiment_summary_add(sentiment_summary, text, text, boolean) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_add(sentiment_summary, text, text, boolean) IS 'transition function: counts a text in the given language, with or without the user words, by its label and adds its score';
CREATE FUNCTION sentiment_summary_remove(sentiment_summary, text, text, boolean) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_remove(sentiment_summary, text, text, boolean) IS 'inverse transition function (moving windows) of sentiment_summary(feedback, language, user_words)';
CREATE FUNCTION sentiment_summary_merge(sentiment_summary, sentiment_summary) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_merge(sentiment_summary, sentiment_summary) IS
    'adds the second summary to the first (rollup transition, combine function of sentiment_summary)';
CREATE FUNCTION sentiment_summary_unmerge(sentiment_summary, sentiment_summary) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_unmerge(sentiment_summary, sentiment_summary) IS
    'removes the second summary from the first (rollup inverse transition, moving windows)';
CREATE FUNCTION sentiment_summary_final(sentiment_summary) RETURNS sentiment_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sentiment_summary_final(sentiment_summary) IS
    'final function of sentiment_summary: NULL for a group without rows';

--@ since 1.1
CREATE FUNCTION positive(s sentiment_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'sentiment_summary_positive' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION positive(sentiment_summary) IS 'number of positive texts';
CREATE FUNCTION neutral(s sentiment_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'sentiment_summary_neutral' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION neutral(sentiment_summary) IS 'number of neutral texts';
CREATE FUNCTION negative(s sentiment_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'sentiment_summary_negative' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION negative(sentiment_summary) IS 'number of negative texts';
CREATE FUNCTION texts(s sentiment_summary) RETURNS bigint
    AS 'MODULE_PATHNAME', 'sentiment_summary_texts' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION texts(sentiment_summary) IS 'number of texts';
CREATE FUNCTION positive_share(s sentiment_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sentiment_summary_positive_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION positive_share(sentiment_summary) IS 'percent of texts that are positive';
CREATE FUNCTION negative_share(s sentiment_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sentiment_summary_negative_share' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION negative_share(sentiment_summary) IS 'percent of texts that are negative';
CREATE FUNCTION net_sentiment(s sentiment_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sentiment_summary_net_sentiment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION net_sentiment(sentiment_summary) IS 'percent positive minus percent negative, -100..100, read like NPS';
CREATE FUNCTION mean_sentiment(s sentiment_summary) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sentiment_summary_mean_sentiment' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION mean_sentiment(sentiment_summary) IS 'mean score of the texts, -1..1';

--@ since 1.1
--@ each args                  | comment
--@      feedback text          | summary of the sentiment of Indonesian texts, for rollup() and the accessors
--@      feedback text, language text | summary of the sentiment of texts in language (''id'', ''en'' or ''auto''), for rollup() and the accessors
--@      feedback text, language text, user_words boolean | summary of the sentiment of texts in language, with the user words of sentiment_words when user_words, for rollup() and the accessors
CREATE AGGREGATE sentiment_summary({args}) (
    SFUNC = sentiment_summary_add,
    STYPE = sentiment_summary,
    INITCOND = 'v1 0/0/0 0',
    FINALFUNC = sentiment_summary_final,
    COMBINEFUNC = sentiment_summary_merge,
    MSFUNC = sentiment_summary_add,
    MINVFUNC = sentiment_summary_remove,
    MSTYPE = sentiment_summary,
    MINITCOND = 'v1 0/0/0 0',
    MFINALFUNC = sentiment_summary_final,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE sentiment_summary({args}) IS '{comment}';
--@ end
CREATE AGGREGATE rollup(sentiment_summary) (
    SFUNC = sentiment_summary_merge,
    STYPE = sentiment_summary,
    COMBINEFUNC = sentiment_summary_merge,
    MSFUNC = sentiment_summary_merge,
    MINVFUNC = sentiment_summary_unmerge,
    MSTYPE = sentiment_summary,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE rollup(sentiment_summary) IS 'merges sentiment summaries (daily into monthly, segments into totals) exactly';

--@ since 1.1
--@ each type | meaning
--@      sentiment_summary | the same counts and the same sum of scores
--@ use equality
