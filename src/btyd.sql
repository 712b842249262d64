--------------------------------------------------------------------------------
-- Buy 'til you die: BG/NBD, Pareto/NBD, Gamma-Gamma and sBG fitted in the database
--------------------------------------------------------------------------------

--@ since 1.1
-- The fits' transition state: weighted distinct (x, t_x, t), (x, mean value)
-- or (period, alive) tuples, so memory grows with distinct tuples, not rows;
-- beyond 16,384 of them times and mean values fall into fixed grid cells,
-- coarser as needed to keep 32,768 tuples at most (src/btyd.c).
CREATE TYPE btyd_summary;
CREATE FUNCTION btyd_summary_in(cstring) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_summary_out(btyd_summary) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_summary_recv(internal) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION btyd_summary_send(btyd_summary) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION btyd_summary_in(cstring) IS 'reads the text form of btyd_summary';
COMMENT ON FUNCTION btyd_summary_out(btyd_summary) IS 'writes the text form of btyd_summary';
COMMENT ON FUNCTION btyd_summary_recv(internal) IS 'reads the binary form of btyd_summary';
COMMENT ON FUNCTION btyd_summary_send(btyd_summary) IS 'writes the binary form of btyd_summary';
CREATE TYPE btyd_summary (
    INPUT = btyd_summary_in,
    OUTPUT = btyd_summary_out,
    RECEIVE = btyd_summary_recv,
    SEND = btyd_summary_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = extended
);
COMMENT ON TYPE btyd_summary IS
    'transition state of bgnbd_fit, pareto_nbd_fit, gamma_gamma_fit and sbg_fit: weighted distinct customer tuples';

--@ since 1.1
--@ each model | what
--@      bgnbd_model | a BG/NBD model (r, alpha, a, b) fitted by bgnbd_fit(x, t_x, t)
--@      pareto_nbd_model | a Pareto/NBD model (r, alpha, s, beta) fitted by pareto_nbd_fit(x, t_x, t)
--@      gamma_gamma_model | a Gamma-Gamma spend model (p, q, v) fitted by gamma_gamma_fit(x, mean_value)
--@      sbg_model | a shifted-beta-geometric retention model (alpha, beta) fitted by sbg_fit(period, alive)
CREATE TYPE {model};
CREATE FUNCTION {model}_in(cstring) RETURNS {model}
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION {model}_out({model}) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION {model}_recv(internal) RETURNS {model}
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION {model}_send({model}) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION {model}_in(cstring) IS 'reads the text form of {model}';
COMMENT ON FUNCTION {model}_out({model}) IS 'writes the text form of {model}';
COMMENT ON FUNCTION {model}_recv(internal) IS 'reads the binary form of {model}';
COMMENT ON FUNCTION {model}_send({model}) IS 'writes the binary form of {model}';
CREATE TYPE {model} (
    INPUT = {model}_in,
    OUTPUT = {model}_out,
    RECEIVE = {model}_recv,
    SEND = {model}_send,
    INTERNALLENGTH = 56,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE {model} IS
    '{what}: parameters, log-likelihood, customers, iterations and whether the fit converged';
CREATE FUNCTION params(m {model}) RETURNS double precision[]
    AS 'MODULE_PATHNAME', 'btyd_model_params' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION params({model}) IS 'the fitted parameters in their published order';
CREATE FUNCTION log_likelihood(m {model}) RETURNS double precision
    AS 'MODULE_PATHNAME', 'btyd_model_log_likelihood' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION log_likelihood({model}) IS 'log-likelihood of the data at the fitted parameters';
CREATE FUNCTION customers(m {model}) RETURNS bigint
    AS 'MODULE_PATHNAME', 'btyd_model_customers' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION customers({model}) IS 'customers the model was fitted on';
CREATE FUNCTION converged(m {model}) RETURNS boolean
    AS 'MODULE_PATHNAME', 'btyd_model_converged' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION converged({model}) IS 'true if the fit ended at a strict maximum of the likelihood (zero gradient, positive definite Hessian)';
CREATE FUNCTION iterations(m {model}) RETURNS integer
    AS 'MODULE_PATHNAME', 'btyd_model_iterations' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION iterations({model}) IS 'Nelder-Mead and Newton iterations the fit took';
--@ end

--@ since 1.1
-- Transition functions: not strict, so rows with a NULL are skipped.
CREATE FUNCTION btyd_summary_add_bgnbd(btyd_summary, bigint, double precision, double precision) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION btyd_summary_add_bgnbd(btyd_summary, bigint, double precision, double precision) IS
    'transition function of bgnbd_fit: adds one customer''s (x, t_x, t)';
CREATE FUNCTION btyd_summary_add_pareto_nbd(btyd_summary, bigint, double precision, double precision) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION btyd_summary_add_pareto_nbd(btyd_summary, bigint, double precision, double precision) IS
    'transition function of pareto_nbd_fit: adds one customer''s (x, t_x, t)';
CREATE FUNCTION btyd_summary_add_gamma_gamma(btyd_summary, bigint, double precision) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION btyd_summary_add_gamma_gamma(btyd_summary, bigint, double precision) IS
    'transition function of gamma_gamma_fit: adds one customer''s (x, mean_value); x = 0 is skipped';
CREATE FUNCTION btyd_summary_add_sbg(btyd_summary, integer, bigint) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION btyd_summary_add_sbg(btyd_summary, integer, bigint) IS
    'transition function of sbg_fit: adds customers alive in a period (rows of one period add up)';
CREATE FUNCTION btyd_summary_merge(btyd_summary, btyd_summary) RETURNS btyd_summary
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION btyd_summary_merge(btyd_summary, btyd_summary) IS
    'combine function of the fits: the tuples of both states';
CREATE FUNCTION bgnbd_fit_final(btyd_summary) RETURNS bgnbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bgnbd_fit_final(btyd_summary) IS 'final function of bgnbd_fit: the maximum-likelihood fit';
CREATE FUNCTION pareto_nbd_fit_final(btyd_summary) RETURNS pareto_nbd_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION pareto_nbd_fit_final(btyd_summary) IS 'final function of pareto_nbd_fit: the maximum-likelihood fit';
CREATE FUNCTION gamma_gamma_fit_final(btyd_summary) RETURNS gamma_gamma_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gamma_gamma_fit_final(btyd_summary) IS 'final function of gamma_gamma_fit: the maximum-likelihood fit';
CREATE FUNCTION sbg_fit_final(btyd_summary) RETURNS sbg_model
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sbg_fit_final(btyd_summary) IS 'final function of sbg_fit: the maximum-likelihood fit';

--@ since 1.1
CREATE AGGREGATE bgnbd_fit(x bigint, t_x double precision, t double precision) (
    SFUNC = btyd_summary_add_bgnbd, STYPE = btyd_summary,
    FINALFUNC = bgnbd_fit_final, COMBINEFUNC = btyd_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE bgnbd_fit(bigint, double precision, double precision) IS
    'BG/NBD model (Fader, Hardie & Lee 2005) of one row per customer: x repeat purchases, t_x the last one''s time since the first, t the age at the end of observation';
CREATE AGGREGATE pareto_nbd_fit(x bigint, t_x double precision, t double precision) (
    SFUNC = btyd_summary_add_pareto_nbd, STYPE = btyd_summary,
    FINALFUNC = pareto_nbd_fit_final, COMBINEFUNC = btyd_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE pareto_nbd_fit(bigint, double precision, double precision) IS
    'Pareto/NBD model (Schmittlein, Morrison & Colombo 1987) of one row per customer (x, t_x, t)';
CREATE AGGREGATE gamma_gamma_fit(x bigint, mean_value double precision) (
    SFUNC = btyd_summary_add_gamma_gamma, STYPE = btyd_summary,
    FINALFUNC = gamma_gamma_fit_final, COMBINEFUNC = btyd_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE gamma_gamma_fit(bigint, double precision) IS
    'Gamma-Gamma spend model (Fader, Hardie & Lee 2005) of one row per customer: x repeat purchases and their mean value; rows with x = 0 are skipped';
CREATE AGGREGATE sbg_fit(period integer, alive bigint) (
    SFUNC = btyd_summary_add_sbg, STYPE = btyd_summary,
    FINALFUNC = sbg_fit_final, COMBINEFUNC = btyd_summary_merge, PARALLEL = SAFE
);
COMMENT ON AGGREGATE sbg_fit(integer, bigint) IS
    'shifted-beta-geometric retention model (Fader & Hardie 2007) of one cohort: customers alive in each period 0..T, period 0 the cohort''s size';

--@ since 1.1
--@ each model | c | name
--@      bgnbd_model | bgnbd | BG/NBD
--@      pareto_nbd_model | pareto_nbd | Pareto/NBD
CREATE FUNCTION expected_purchases(m {model}, t double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', '{c}_expected_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases({model}, double precision) IS
    'expected purchases of a new customer in (0, t] under the {name} model';
CREATE FUNCTION expected_purchases(m {model}, t double precision, x bigint, t_x double precision, age double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', '{c}_conditional_purchases' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_purchases({model}, double precision, bigint, double precision, double precision) IS
    'expected purchases in the next t of a customer with x repeat purchases, the last at t_x, observed for age, under the {name} model';
CREATE FUNCTION p_alive(m {model}, x bigint, t_x double precision, age double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', '{c}_p_alive_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION p_alive({model}, bigint, double precision, double precision) IS
    'probability under the {name} model that a customer with this history is still active';
CREATE FUNCTION purchase_probability(m {model}, n bigint, t double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', '{c}_purchase_probability' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION purchase_probability({model}, bigint, double precision) IS
    'P(N(t) = n): probability under the {name} model that a new customer makes n purchases in (0, t]';
CREATE FUNCTION clv(m {model}, gg gamma_gamma_model, x bigint, t_x double precision, age double precision,
                    mean_value double precision, horizon double precision, discount_rate double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', '{c}_clv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION clv({model}, gamma_gamma_model, bigint, double precision, double precision, double precision, double precision, double precision) IS
    'discounted expected value over the horizon: {name} purchases in each time unit times the Gamma-Gamma expected spend, discounted per time unit';
--@ end

--@ since 1.1
CREATE FUNCTION expected_mean_value(gg gamma_gamma_model, x bigint, mean_value double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', 'gamma_gamma_expected_mean_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_mean_value(gamma_gamma_model, bigint, double precision) IS
    'expected mean spend per purchase of a customer with x repeat purchases averaging mean_value (x = 0: the population mean)';
CREATE FUNCTION survival(m sbg_model, period integer) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sbg_survival_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION survival(sbg_model, integer) IS 'share of a cohort still active after period periods';
CREATE FUNCTION retention_rate(m sbg_model, period integer) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sbg_retention_rate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION retention_rate(sbg_model, integer) IS
    'share of the customers active in period - 1 who are still active in period (a fraction, not percent)';
CREATE FUNCTION expected_lifetime(m sbg_model, discount_rate double precision) RETURNS double precision
    AS 'MODULE_PATHNAME', 'sbg_expected_lifetime' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION expected_lifetime(sbg_model, double precision) IS
    'discounted expected lifetime of a new customer in periods, the first counted in full; subscription CLV = margin per period * this';

--@ since 1.1
--@ each type | meaning
--@      btyd_summary | the same distinct tuples with the same counts
--@      bgnbd_model | the same parameters, log-likelihood, customers, iterations and convergence
--@      pareto_nbd_model | the same parameters, log-likelihood, customers, iterations and convergence
--@      gamma_gamma_model | the same parameters, log-likelihood, customers, iterations and convergence
--@      sbg_model | the same parameters, log-likelihood, customers, iterations and convergence
--@ use equality
