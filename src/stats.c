/*
 * stats.c
 *		The statistics behind confidence intervals and p-values.
 */
#include "postgres.h"

#include <math.h>

#include "kpi_ext.h"

/*
 * Inverse of the standard normal distribution function, by Wichura's
 * algorithm AS 241 (Applied Statistics 37, 1988), good to about 1e-16.
 */
static double
normal_quantile(double p)
{
	double		q = p - 0.5;
	double		r;
	double		value;

	if (fabs(q) <= 0.425)
	{
		r = 0.180625 - q * q;
		return q * (((((((r * 2509.0809287301226727 +
						  33430.575583588128105) * r + 67265.770927008700853) * r +
						45921.953931549871457) * r + 13731.693765509461125) * r +
					  1971.5909503065514427) * r + 133.14166789178437745) * r +
					3.387132872796366608) /
			(((((((r * 5226.495278852545925 +
				   28729.085735721942674) * r + 39307.89580009271061) * r +
				 21213.794301586595867) * r + 5394.1960214247511077) * r +
			   687.1870074920579083) * r + 42.313330701600911252) * r + 1.0);
	}

	r = sqrt(-log(q < 0 ? p : 1.0 - p));
	if (r <= 5.0)
	{
		r -= 1.6;
		value = (((((((r * 7.7454501427834140764e-4 +
					   0.0227238449892691845833) * r + 0.24178072517745061177) * r +
					 1.27045825245236838258) * r + 3.64784832476320460504) * r +
				   5.7694972214606914055) * r + 4.6303378461565452959) * r +
				 1.42343711074968357734) /
			(((((((r * 1.05075007164441684324e-9 +
				   5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
				 0.14810397642748007459) * r + 0.68976733498510000455) * r +
			   1.6763848301838038494) * r + 2.05319162663775882187) * r + 1.0);
	}
	else
	{
		r -= 5.0;
		value = (((((((r * 2.01033439929228813265e-7 +
					   2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
					 0.026532189526576123093) * r + 0.29656057182850489123) * r +
				   1.7848265399172913358) * r + 5.4637849111641143699) * r +
				 6.6579046435011037772) /
			(((((((r * 2.04426310338993978564e-15 +
				   1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
				 7.868691311456132591e-4) * r + 0.0148753612908506148525) * r +
			   0.13692988092273580531) * r + 0.59983220655588793769) * r + 1.0);
	}
	return q < 0 ? -value : value;
}

double
kpi_confidence_z(FunctionCallInfo fcinfo, double confidence)
{
	/* written so that NaN fails too */
	if (!(confidence > 0.0 && confidence < 1.0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: confidence %s is outside (0, 1)",
						kpi_caller_name(fcinfo), kpi_float8_text(confidence)),
				 errhint("Pass the confidence level as a fraction, for example 0.95 for 95 %%.")));

	return normal_quantile(1.0 - (1.0 - confidence) / 2.0);
}

void
kpi_wilson_interval(int64 hits, int64 trials, double z, double *low, double *high)
{
	double		n = (double) trials;
	double		p = (double) hits / n;
	double		shrink = 1.0 + z * z / n;
	double		centre = (p + z * z / (2.0 * n)) / shrink;
	double		half_width = z / shrink * sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n));

	/*
	 * At 0 hits the lower bound is 0 and at all hits the upper one is 1, but
	 * centre -+ half_width only comes close (2.8e-15 for 0 of 10 at 95 %):
	 * set them.  In between, rounding could step outside 0..1 for a huge n.
	 */
	*low = hits == 0 ? 0.0 : fmax(0.0, centre - half_width);
	*high = hits == trials ? 1.0 : fmin(1.0, centre + half_width);
}

/*
 * erfc(x) for x >= 0 by W. J. Cody's rational Chebyshev approximations
 * (Mathematics of Computation 23, 1969): within 1e-15 relative wherever
 * erfc is a normal double (x < 26.5), p-values down to 1e-308.  The C
 * library's erfc differs in the last bit between glibc releases (Debian 12
 * and unstable disagree), so the same stored summaries would give other
 * p-values after a move to a newer system; this needs only arithmetic and
 * exp.
 */
static double
erfc_nonnegative(double x)
{
	static const double small_num[5] = {
		3.1611237438705656, 113.864154151050156, 377.485237685302021,
		3209.37758913846947, 0.185777706184603153};
	static const double small_den[4] = {
		23.6012909523441209, 244.024637934444173, 1282.61652607737228,
		2844.23683343917062};
	static const double mid_num[9] = {
		0.564188496988670089, 8.88314979438837594, 66.1191906371416295,
		298.635138197400131, 881.95222124176909, 1712.04761263407058,
		2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8};
	static const double mid_den[8] = {
		15.7449261107098347, 117.693950891312499, 537.181101862009858,
		1621.38957456669019, 3290.79923573345963, 4362.61909014324716,
		3439.36767414372164, 1230.33935480374942};
	static const double tail_num[6] = {
		0.305326634961232344, 0.360344899949804439, 0.125781726111229246,
		0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978};
	static const double tail_den[5] = {
		2.56852019228982242, 1.87295284992346047, 0.527905102951428412,
		0.0605183413124413191, 0.00233520497626869185};
	double		num;
	double		den;
	double		ratio;
	double		head;

	if (x <= 0.46875)
	{
		/* erfc = 1 - erf, erf(x) = x * P(x^2) / Q(x^2) */
		double		x2 = x * x;

		num = small_num[4] * x2;
		den = x2;
		for (int i = 0; i < 3; i++)
		{
			num = (num + small_num[i]) * x2;
			den = (den + small_den[i]) * x2;
		}
		return 1.0 - x * (num + small_num[3]) / (den + small_den[3]);
	}
	if (x > 27.5)
		return 0.0;				/* exp(-x^2) underflows; infinity too */

	if (x <= 4.0)
	{
		num = mid_num[8] * x;
		den = x;
		for (int i = 0; i < 7; i++)
		{
			num = (num + mid_num[i]) * x;
			den = (den + mid_den[i]) * x;
		}
		ratio = (num + mid_num[7]) / (den + mid_den[7]);
	}
	else
	{
		double		inv2 = 1.0 / (x * x);

		num = tail_num[5] * inv2;
		den = inv2;
		for (int i = 0; i < 4; i++)
		{
			num = (num + tail_num[i]) * inv2;
			den = (den + tail_den[i]) * inv2;
		}
		ratio = inv2 * (num + tail_num[4]) / (den + tail_den[4]);
		ratio = (0.564189583547756286948 - ratio) / x;	/* 1/sqrt(pi) */
	}

	/*
	 * times exp(-x^2), with x^2 split so that no rounding of it is
	 * magnified: x = head + (x - head), head a multiple of 1/16
	 */
	head = trunc(x * 16.0) / 16.0;
	return exp(-head * head) * exp(-(x - head) * (x + head)) * ratio;
}

double
kpi_two_sided_pvalue(double z)
{
	/* P(|Z| >= |z|) = erfc(|z| / sqrt 2) */
	return erfc_nonnegative(fabs(z) / M_SQRT2);
}
