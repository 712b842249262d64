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

double
kpi_two_sided_pvalue(double z)
{
	/* P(|Z| >= |z|) = erfc(|z| / sqrt 2), accurate far into the tail */
	return erfc(fabs(z) / M_SQRT2);
}
