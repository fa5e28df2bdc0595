"""Scores a signals backtest against the generator's planted truth (see bench/signals.sh).

Reads the export's ground_truth.json and Opportunity.csv, and the JSON lines `baton signals`
and `baton forecast` printed for each weekly as-of date, and prints one JSON report:
struggling reps and sideways accounts (recall, precision, lead time), win probability (AUC and
Brier score against the stage probability), and the mid-quarter forecast's error against the
weighted pipeline's.
"""

import csv
import datetime as dt
import json
import statistics
import sys
from collections import defaultdict

export, findings_file, forecast_file, org_currency = sys.argv[1:5]
truth = json.load(open(f"{export}/ground_truth.json"))


def day(text):
    return dt.date.fromisoformat(text[:10])


def sf(source_id):
    return (source_id or "").removeprefix("sf:")


findings = [json.loads(line) for line in open(findings_file)]
weeks = sorted({day(f["as_of"]) for f in findings} | {day(json.loads(l)["as_of"]) for l in open(forecast_file)})
first_week, last_week = weeks[0], weeks[-1]


def first_flags(kind):
    """Subject source id -> the first as-of date it was flagged."""
    first = {}
    for f in findings:
        if f["kind"] == kind:
            key = sf(f["subject"].get("source_id"))
            first[key] = min(first.get(key, day(f["as_of"])), day(f["as_of"]))
    return first


def score(kind, planted, start_key, outcome_key, settle_weeks):
    """Recall over the planted cases whose change begins inside the backtest (with time left to
    notice it), precision over every flagged subject (a flag counts as right when it comes at or
    after the planted change began, less a week), and the lead between the first right flag and
    the outcome."""
    flags = first_flags(kind)
    by_id = {p[next(k for k in p if k.endswith("_id"))]: p for p in planted}
    eligible = [
        p for p in planted
        if first_week - dt.timedelta(weeks=4) <= day(p[start_key]) <= last_week - dt.timedelta(weeks=settle_weeks)
    ]
    caught, leads = 0, []
    for p in eligible:
        pid = p[next(k for k in p if k.endswith("_id"))]
        if pid in flags and flags[pid] >= day(p[start_key]) - dt.timedelta(weeks=1):
            caught += 1
            leads.append((day(p[outcome_key]) - flags[pid]).days / 7)
    right = sum(
        1 for pid, when in flags.items()
        if pid in by_id and when >= day(by_id[pid][start_key]) - dt.timedelta(weeks=1)
    )
    return {
        "planted_in_window": len(eligible),
        "caught": caught,
        "recall": round(caught / len(eligible), 3) if eligible else None,
        "flagged": len(flags),
        "precision": round(right / len(flags), 3) if flags else None,
        "median_lead_weeks": round(statistics.median(leads), 1) if leads else None,
    }


reps = score("rep_at_risk", truth["struggling_reps"], "activity_drops_from", "wins_drop_from", 3)
# Reps who only had a bad month: how many of those inside the backtest were called at risk.
rep_flags = first_flags("rep_at_risk")
dips = [d for d in truth.get("bad_months", []) if first_week <= day(d["from"]) <= last_week]
reps["bad_months_in_window"] = len(dips)
reps["bad_months_flagged"] = sum(1 for d in dips if d["user_id"] in rep_flags)
accounts = score("account_sideways", truth["sideways_accounts"], "replies_thin_from", "losses_from", 3)

# Outcomes from the export: won, lost, or still open at its as-of date.
outcome = {}
with open(f"{export}/Opportunity.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        outcome[row["Id"]] = "won" if row["IsWon"] == "true" else "lost" if row["IsClosed"] == "true" else "open"

lines = [json.loads(line) for line in open(forecast_file)]


def auc(pairs):
    """The chance a random won deal scores above a random lost one (ties count half)."""
    ranked = sorted(pairs, key=lambda p: p[0])
    wins = sum(1 for _, y in pairs if y)
    losses = len(pairs) - wins
    if not wins or not losses:
        return None
    rank_sum, i = 0.0, 0
    while i < len(ranked):
        j = i
        while j < len(ranked) and ranked[j][0] == ranked[i][0]:
            j += 1
        mean_rank = (i + j + 1) / 2
        rank_sum += mean_rank * sum(1 for k in range(i, j) if ranked[k][1])
        i = j
    return (rank_sum - wins * (wins + 1) / 2) / (wins * losses)


def brier(pairs):
    return sum((p - y) ** 2 for p, y in pairs) / len(pairs)


# Win probability on the deals open at the first as-of date (the cut-off), with known outcomes.
cutoff = min(day(l["as_of"]) for l in lines)
model, stage, still_open, methods = [], [], 0, set()
for l in lines:
    if l["type"] != "deal" or day(l["as_of"]) != cutoff:
        continue
    result = outcome.get(sf(l["deal"]["source_id"]))
    if result not in ("won", "lost"):
        still_open += 1
        continue
    y = 1 if result == "won" else 0
    methods.add(l["method"])
    model.append((l["probability"], y))
    stage.append(((l["stage_probability"] or 0) / 100, y))
win = {
    "cutoff": str(cutoff),
    "deals": len(model),
    "still_open_excluded": still_open,
    "method": sorted(methods),
    "auc": round(auc(model), 3) if model else None,
    "stage_auc": round(auc(stage), 3) if stage else None,
    "brier": round(brier(model), 4) if model else None,
    "stage_brier": round(brier(stage), 4) if stage else None,
}
if model:
    win["brier_improvement"] = round(1 - brier(model) / brier(stage), 3)

# The quarter forecast at mid-quarter: for each calendar quarter inside the backtest, the as-of
# week nearest its middle; the projection and the weighted pipeline against what was won in it
# (won opportunities closing in it, in the organisation's currency: amounts Baton cannot
# convert without a rate are left out on both sides).
won = defaultdict(int)
with open(f"{export}/Opportunity.csv", newline="", encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if row["IsWon"] == "true" and row["CurrencyIsoCode"] == org_currency:
            close = dt.date.fromisoformat(row["CloseDate"])
            q = f"{close.year}-Q{(close.month - 1) // 3 + 1}"
            minor = round(float(row["Amount"]) * 100)
            won[(q, row["OwnerId"])] += minor
            won[(q, None)] += minor


def quarter_bounds(q):
    year, n = int(q[:4]), int(q[-1])
    start = dt.date(year, 3 * n - 2, 1)
    end = dt.date(year + (n == 4), (3 * n) % 12 + 1, 1)
    return start, end


rows = [l for l in lines if l["type"] == "forecast"]
quarters = []
for quarter in sorted({r["quarter"] for r in rows}):
    start, end = quarter_bounds(quarter)
    if start < first_week or end > last_week:
        continue
    middle = start + (end - start) / 2
    mid = min((w for w in weeks if start <= w < end), key=lambda w: abs((w - middle).days))
    errors = {"projection": [], "weighted": []}
    for r in rows:
        if r["quarter"] != quarter or day(r["as_of"]) != mid:
            continue
        scope = r["scope"]
        if scope["type"] == "organisation":
            actual = won[(quarter, None)]
            org = {
                "as_of": str(mid),
                "actual_won": actual,
                "projection": r["projection_minor"],
                "range_80": [r["low_minor"], r["high_minor"]],
                "weighted": r["weighted_minor"],
                "projection_error": round(abs(r["projection_minor"] - actual) / actual, 3),
                "weighted_error": round(abs(r["weighted_minor"] - actual) / actual, 3),
            }
        elif scope["type"] == "rep":
            actual = won[(quarter, sf(scope.get("source_id")))]
            if actual:
                errors["projection"].append(abs(r["projection_minor"] - actual) / actual)
                errors["weighted"].append(abs(r["weighted_minor"] - actual) / actual)
    for key, values in errors.items():
        org[f"rep_median_{key}_error"] = round(statistics.median(values), 3) if values else None
    quarters.append({"quarter": quarter, **org})

print(json.dumps({
    "weeks": len(weeks),
    "from": str(first_week),
    "to": str(last_week),
    "struggling_reps": reps,
    "sideways_accounts": accounts,
    "win_probability": win,
    "forecast_mid_quarter": quarters,
}, indent=2))
