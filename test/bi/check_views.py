"""Reads the example BI views through psycopg2, as a BI tool would, and checks
that every column arrives as a plain Python type and that the values agree
with hand-written SQL over the same tables.

    /usr/bin/python3 test/bi/check_views.py "<libpq connection string>"

Prints TAP ("ok N - ...") and exits non-zero on any failure."""
import datetime
import decimal
import math
import sys

import psycopg2

EXPECTED_TYPES = {
    "crm.monthly_kpi_board": {
        "month": datetime.date, "nps": float, "nps_responses": int, "csat_pct": float, "ces": float,
        "churn_pct": float, "mrr": decimal.Decimal, "new_mrr": decimal.Decimal,
        "expansion_mrr": decimal.Decimal, "contraction_mrr": decimal.Decimal,
        "churned_mrr": decimal.Decimal, "nrr_pct": float, "grr_pct": float, "lead_conversion_pct": float,
    },
    "crm.support_board": {
        "month": datetime.date, "channel": str, "tickets": int, "complaints": int,
        "median_first_response": datetime.timedelta, "median_first_response_s": decimal.Decimal,
        "p90_resolution": datetime.timedelta, "p90_resolution_s": decimal.Decimal,
        "fcr_pct": float, "sla_pct": float,
    },
    "crm.support_business_hours_board": {
        "month": datetime.date, "channel": str, "tickets": int,
        "avg_first_response": datetime.timedelta, "avg_first_response_business": datetime.timedelta,
        "avg_first_response_business_s": decimal.Decimal, "avg_resolution_business": datetime.timedelta,
        "avg_resolution_business_s": decimal.Decimal, "first_response_sla_pct": float, "resolution_sla_pct": float,
    },
    "crm.account_health_board": {
        "customer_id": int, "name": str, "segment": str, "health_score": float, "band": str,
        "nps_component": float, "usage_component": float, "support_component": float,
        "renewal_component": float, "hurts_most": str,
    },
}

# the weights crm.account_health gives each component
HEALTH_WEIGHTS = {"nps": 2, "usage": 3, "support": 1, "renewal": 2}

results = []


def check(ok, name, detail=""):
    results.append(ok)
    print(("ok" if ok else "not ok") + " %d - %s" % (len(results), name))
    if not ok and detail:
        print("# " + str(detail).replace("\n", "\n# "))


def rows_of(cursor, view):
    cursor.execute("SELECT * FROM %s ORDER BY 1, 2" % view)
    columns = [d.name for d in cursor.description]
    return columns, [dict(zip(columns, row)) for row in cursor.fetchall()]


def main(dsn):
    connection = psycopg2.connect(dsn)
    connection.set_session(readonly=True)
    cursor = connection.cursor()
    cursor.execute("SET TimeZone = 'UTC'")
    boards = {}
    for view, types in EXPECTED_TYPES.items():
        columns, rows = rows_of(cursor, view)
        boards[view] = rows
        check(columns == list(types), "%s has the documented columns" % view, columns)
        check(len(rows) >= 20, "%s has rows" % view, len(rows))
        wrong = sorted({(c, type(r[c]).__name__) for r in rows for c in columns
                        if r[c] is not None and type(r[c]) is not types[c]})
        check(not wrong, "%s: every column arrives as its plain Python type" % view, wrong)

    # monthly board against hand-written SQL
    cursor.execute("""
        SELECT date_trunc('month', answered_at)::date,
               100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(score)
          FROM crm.surveys GROUP BY 1""")
    nps = dict(cursor.fetchall())
    monthly = boards["crm.monthly_kpi_board"]
    off = [(r["month"], r["nps"], nps[r["month"]]) for r in monthly
           if not math.isclose(r["nps"], float(nps[r["month"]]), rel_tol=1e-12)]
    check(not off, "NPS per month equals the hand-written formula", off)

    cursor.execute("SELECT month, sum(mrr) FROM crm.mrr_monthly GROUP BY month")
    mrr = dict(cursor.fetchall())
    off = [(r["month"], r["mrr"], mrr[r["month"]]) for r in monthly if r["mrr"] != mrr[r["month"]]]
    check(not off, "MRR per month equals sum(mrr) to the cent, as Decimal", off)
    off = [r["month"] for r in monthly if r["mrr"] is None or r["mrr"].as_tuple().exponent != -2]
    check(not off, "money keeps its two decimals", off)

    # support board against hand-written SQL
    cursor.execute("""
        SELECT date_trunc('month', opened_at)::date, channel, count(*),
               100.0 * count(*) FILTER (WHERE contacts = 1) / count(*),
               percentile_disc(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - opened_at))
          FROM crm.tickets GROUP BY 1, 2""")
    expected = {(m, c): (n, fcr, p90) for m, c, n, fcr, p90 in cursor.fetchall()}
    support = boards["crm.support_board"]
    off = []
    for r in support:
        n, fcr, p90 = expected[(r["month"], r["channel"])]
        if (r["tickets"] != n or not math.isclose(r["fcr_pct"], float(fcr), rel_tol=1e-12)
                or abs(float(r["p90_resolution_s"]) - float(p90)) > 0.01 * float(p90)):
            off.append((r["month"], r["channel"]))
    check(not off, "tickets, FCR and p90 resolution (within 1 %) agree with hand-written SQL", off)
    off = [(r["month"], r["channel"]) for r in support
           if abs(r["median_first_response"].total_seconds() - float(r["median_first_response_s"])) > 0.0005
           or abs(r["p90_resolution"].total_seconds() - float(r["p90_resolution_s"])) > 0.0005]
    check(not off, "interval columns and their seconds columns agree", off)

    # business hours board: SLA attainment against a generate_series count of
    # the open time per ticket (weekdays 08:00-17:00 in Jakarta, no holiday)
    cursor.execute("""
        SELECT date_trunc('month', t.opened_at)::date, t.channel, count(*),
               100.0 * count(*) FILTER (WHERE b.open <= s.first_response_target) / count(*)
          FROM crm.tickets AS t JOIN crm.business_sla_targets AS s USING (priority, channel),
               LATERAL (SELECT coalesce(sum(least(t.first_response_at, (g.day + time '17:00') AT TIME ZONE 'Asia/Jakarta')
                                            - greatest(t.opened_at, (g.day + time '08:00') AT TIME ZONE 'Asia/Jakarta')),
                                        interval '0') AS open
                          FROM generate_series(date_trunc('day', t.opened_at AT TIME ZONE 'Asia/Jakarta'),
                                               t.first_response_at AT TIME ZONE 'Asia/Jakarta', interval '1 day') AS g(day)
                         WHERE extract(isodow FROM g.day) <= 5
                           AND (g.day + time '17:00') AT TIME ZONE 'Asia/Jakarta' > t.opened_at
                           AND (g.day + time '08:00') AT TIME ZONE 'Asia/Jakarta' < t.first_response_at
                           AND NOT EXISTS (SELECT FROM crm.office_holidays AS h WHERE h.day = g.day::date)) AS b
         GROUP BY 1, 2""")
    expected = {(m, c): (n, sla) for m, c, n, sla in cursor.fetchall()}
    business = boards["crm.support_business_hours_board"]
    off = [(r["month"], r["channel"]) for r in business
           if r["tickets"] != expected[(r["month"], r["channel"])][0]
           or not math.isclose(r["first_response_sla_pct"], float(expected[(r["month"], r["channel"])][1]), rel_tol=1e-12)]
    check(not off, "business-hour SLA attainment agrees with a generate_series count of open time", off)
    off = [(r["month"], r["channel"]) for r in business
           if r["avg_first_response_business"] > r["avg_first_response"]
           or abs(r["avg_first_response_business"].total_seconds() - float(r["avg_first_response_business_s"])) > 0.0005]
    check(not off, "business time never exceeds calendar time; seconds columns agree", off)

    # account health board: the score is the weighted mean of the components
    # present, the band follows the default thresholds 50 and 75, and the
    # component that hurts most has the largest weighted shortfall
    health = boards["crm.account_health_board"]
    off = []
    for r in health:
        present = {k: r[k + "_component"] for k in HEALTH_WEIGHTS if r[k + "_component"] is not None}
        mean = sum(v * HEALTH_WEIGHTS[k] for k, v in present.items()) / sum(HEALTH_WEIGHTS[k] for k in present)
        band = "red" if r["health_score"] < 50 else "yellow" if r["health_score"] < 75 else "green"
        worst = max((100 - v) * HEALTH_WEIGHTS[k] for k, v in present.items())
        if (not math.isclose(r["health_score"], mean, rel_tol=1e-12, abs_tol=1e-12) or r["band"] != band
                or (100 - present[r["hurts_most"]]) * HEALTH_WEIGHTS[r["hurts_most"]] != worst):
            off.append(r["customer_id"])
    check(not off, "health score, band and weakest component agree with the components", off[:10])
    check(any(r["band"] == "red" for r in health) and any(r["band"] == "green" for r in health),
          "the board has red and green accounts")

    # customer value board: one row per segment, the models' figures in
    # range, the customers those with a purchase, clv() as the textbook one
    value_types = {"segment": str, "customers": int, "p_alive": float, "purchases_next_12_weeks": float,
                   "model_clv_12_months": float, "textbook_clv": decimal.Decimal}
    columns, value = rows_of(cursor, "crm.customer_value_board")
    check(columns == list(value_types), "crm.customer_value_board has the documented columns", columns)
    wrong = sorted({(c, type(r[c]).__name__) for r in value for c in columns if type(r[c]) is not value_types[c]})
    check(not wrong, "crm.customer_value_board: every column arrives as its plain Python type", wrong)
    cursor.execute("""
        SELECT c.segment, count(DISTINCT o.customer_id),
               (SELECT clv(customer_id, amount, ordered_at) FROM crm.orders JOIN crm.customers USING (customer_id)
                 WHERE segment = c.segment)
          FROM crm.orders AS o JOIN crm.customers AS c USING (customer_id)
         WHERE o.amount > 0 AND o.ordered_at < '2026-01-01' GROUP BY c.segment""")
    expected = {seg: (n, textbook) for seg, n, textbook in cursor.fetchall()}
    off = [r["segment"] for r in value
           if (r["customers"], r["textbook_clv"]) != expected.get(r["segment"])
           or not 0 < r["p_alive"] < 1 or not 0 < r["purchases_next_12_weeks"] < 12 * r["customers"]
           or not r["model_clv_12_months"] > 0]
    check(len(value) == len(expected) and not off,
          "customer value board: every segment, its customers and clv() as hand-written, P(alive), purchases and CLV in range",
          off)

    connection.close()
    print("1..%d" % len(results))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
