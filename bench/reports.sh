#!/usr/bin/env bash
# The quarterly review's speed, side by side in one run: Baton's `GET /api/v1/reports/quarterly`
# on a generated organisation in SQLite, and DuckDB (the Python package, installed here into a
# venv) computing the same metrics from the same tables exported to CSV and loaded in memory.
#
#   DEALS=100000 ACTIVITIES=1000000 RUNS=7 bench/reports.sh
#
# Both answer for 2026-Q3 (the generator's "today" is 2026-11-01) and for the two quarters it
# is compared with. DuckDB computes the deal metrics (won, lost, amounts, win rate, average
# deal, cycle mean and median, deals open at the start and the pipeline then, read back from
# the field history) and the activity metrics (calls, emails sent and received, meetings, the
# median email response); the script checks that both give the same numbers, then prints each
# one's median time and the ratio. Baton's time is the whole HTTP request (curl), DuckDB's the
# queries alone. Needs a release build (`cargo build --release -p baton`), `sqlite3`, python3.
set -euo pipefail
cd "$(dirname "$0")/.."
DEALS=${DEALS:-100000}
ACTIVITIES=${ACTIVITIES:-1000000}
ACCOUNTS=${ACCOUNTS:-$((DEALS / 10))}
REPS=${REPS:-$((DEALS / 2000 + 8))}
RUNS=${RUNS:-7}
QUARTER=${QUARTER:-2026-Q3}
BATON=${BATON:-target/release/baton}
OUT=${OUT:-bench/out/reports}
PORT=${PORT:-18093}
mkdir -p "$OUT"
export_dir="$OUT/export-$DEALS-$ACTIVITIES"
data="$OUT/data-$DEALS-$ACTIVITIES"
if [ ! -f "$export_dir/ground_truth.json" ]; then
  "$BATON" generate --reps "$REPS" --accounts "$ACCOUNTS" --deals "$DEALS" \
    --activities "$ACTIVITIES" --seed 1 --out "$export_dir" >/dev/null
fi
if [ ! -f "$data/imported" ]; then
  rm -rf "$data"
  "$BATON" --data-dir "$data" user add --email admin@example.com --name Admin --role admin \
    --password 'correct horse battery' >/dev/null
  "$BATON" --data-dir "$data" --log warn import salesforce "$export_dir" \
    --report "$OUT/report.csv" >/dev/null 2>&1
  touch "$data/imported"
fi

# The same tables as CSV, for DuckDB.
csv="$OUT/csv-$DEALS-$ACTIVITIES"
if [ ! -f "$csv/done" ]; then
  mkdir -p "$csv"
  db="$data/baton.db"
  sqlite3 -header -csv "$db" "SELECT id, owner_id, stage_id, amount_minor, currency, close_date, created_at, archived_at FROM deals" >"$csv/deals.csv"
  sqlite3 -header -csv "$db" "SELECT id, outcome, probability FROM stages" >"$csv/stages.csv"
  sqlite3 -header -csv "$db" "SELECT id, entity_id, field, old_value, new_value, changed_at FROM field_history WHERE entity = 'deal' AND field IN ('stage_id', 'amount_minor', 'close_date')" >"$csv/history.csv"
  sqlite3 -header -csv "$db" "SELECT id, kind, direction, owner_id, occurred_at, thread_id, meeting_status, completed_at, archived_at FROM activities" >"$csv/activities.csv"
  sqlite3 "$db" "SELECT currency || ' ' || time_zone FROM org_settings" >"$csv/org.txt"
  touch "$csv/done"
fi

venv="$OUT/venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q duckdb==2.0.1
fi

# Baton: a token, the server, RUNS requests after one to warm the caches.
token=$("$BATON" --data-dir "$data" token create --email admin@example.com)
"$BATON" --data-dir "$data" --log warn serve --listen "127.0.0.1:$PORT" >"$OUT/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
url="http://127.0.0.1:$PORT/api/v1/reports/quarterly?quarter=$QUARTER"
curl -sf -H "Authorization: Bearer $token" "$url" >"$OUT/baton.json"
baton_times=()
for _ in $(seq "$RUNS"); do
  baton_times+=("$(curl -sf -o /dev/null -w '%{time_total}' -H "Authorization: Bearer $token" "$url")")
done
kill $server 2>/dev/null || true

"$venv/bin/python" - "$csv" "$QUARTER" "$RUNS" "$OUT/baton.json" "${baton_times[*]}" <<'PY'
import datetime as dt, json, statistics, sys, time
import duckdb

csv, quarter, runs, baton_json, baton_times = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
currency, zone = open(f"{csv}/org.txt").read().split()
assert zone == "UTC", f"the script assumes an organisation in UTC, not {zone}"
baton = json.load(open(baton_json))
now = dt.datetime.fromisoformat(baton["as_of"].replace("Z", "+00:00"))
con = duckdb.connect()
con.execute("SET TimeZone = 'UTC'")
ts = "CAST(replace({0}, 'T', ' ') AS TIMESTAMPTZ)"
con.execute(f"""CREATE TABLE deals AS SELECT id, owner_id, stage_id, amount_minor, currency,
    CAST(close_date AS DATE) AS close_date, {ts.format('created_at')} AS created_at, archived_at
    FROM read_csv('{csv}/deals.csv', all_varchar = true)""")
con.execute(f"CREATE TABLE stages AS SELECT * FROM read_csv('{csv}/stages.csv')")
con.execute(f"""CREATE TABLE history AS SELECT CAST(id AS BIGINT) AS id, CAST(entity_id AS BIGINT) AS deal,
    field, old_value, new_value, {ts.format('changed_at')} AS changed
    FROM read_csv('{csv}/history.csv', all_varchar = true)""")
con.execute(f"""CREATE TABLE activities AS SELECT kind, direction, CAST(owner_id AS BIGINT) AS owner_id,
    {ts.format('occurred_at')} AS occurred_at, thread_id, meeting_status,
    {ts.format('completed_at')} AS completed_at, archived_at
    FROM read_csv('{csv}/activities.csv', all_varchar = true)""")

def quarters(name):
    y, q = int(name[:4]), int(name[-1])
    def start(y, q):
        return dt.date(y, 3 * (q - 1) + 1, 1)
    def nxt(y, q):
        return (y + 1, 1) if q == 4 else (y, q + 1)
    prev = (y - 1, 4) if q == 1 else (y, q - 1)
    return [(f"{a}-Q{b}", start(a, b), start(*nxt(a, b))) for a, b in [(y, q), prev, (y - 1, q)]]

DEALS = """
WITH s AS (SELECT CAST($start AS TIMESTAMPTZ) AS t),
closed AS (
  SELECT d.owner_id, st.outcome,
         CASE WHEN d.currency = $currency THEN COALESCE(CAST(d.amount_minor AS BIGINT), 0) ELSE 0 END AS amount,
         greatest(d.close_date - CAST(d.created_at AS DATE), 0) AS days
  FROM deals d JOIN stages st ON st.id = CAST(d.stage_id AS BIGINT)
  WHERE d.archived_at IS NULL AND st.outcome IN ('won', 'lost')
    AND d.close_date >= $first AND d.close_date < $end),
after AS (
  SELECT deal, field, first(old_value ORDER BY changed, id) AS old
  FROM history WHERE changed > (SELECT t FROM s) GROUP BY deal, field),
at_start AS (
  SELECT d.id,
    CAST(CASE WHEN sa.deal IS NULL THEN d.stage_id ELSE sa.old END AS BIGINT) AS stage,
    CASE WHEN d.currency <> $currency THEN NULL
         WHEN aa.deal IS NULL THEN CAST(d.amount_minor AS BIGINT) ELSE CAST(aa.old AS BIGINT) END AS amount,
    CASE WHEN ca.deal IS NULL THEN d.close_date ELSE CAST(ca.old AS DATE) END AS close_date
  FROM deals d
  LEFT JOIN after sa ON sa.deal = CAST(d.id AS BIGINT) AND sa.field = 'stage_id'
  LEFT JOIN after aa ON aa.deal = CAST(d.id AS BIGINT) AND aa.field = 'amount_minor'
  LEFT JOIN after ca ON ca.deal = CAST(d.id AS BIGINT) AND ca.field = 'close_date'
  WHERE d.archived_at IS NULL AND d.created_at < (SELECT t FROM s)),
open_at_start AS (
  SELECT t.*, st.probability FROM at_start t JOIN stages st ON st.id = t.stage WHERE st.outcome = 'open')
SELECT
  (SELECT count(*) FROM closed WHERE outcome = 'won') AS won,
  (SELECT COALESCE(sum(amount), 0) FROM closed WHERE outcome = 'won') AS won_minor,
  (SELECT count(*) FROM closed WHERE outcome = 'lost') AS lost,
  (SELECT COALESCE(sum(amount), 0) FROM closed WHERE outcome = 'lost') AS lost_minor,
  (SELECT round(avg(days), 1) FROM closed WHERE outcome = 'won') AS cycle_mean_days,
  (SELECT round(median(days), 1) FROM closed WHERE outcome = 'won') AS cycle_median_days,
  (SELECT count(*) FROM open_at_start) AS opportunities,
  (SELECT COALESCE(sum(amount), 0) FROM open_at_start WHERE close_date >= $first AND close_date < $end) AS pipeline_minor,
  (SELECT COALESCE(round(sum(amount * probability) / 100), 0) FROM open_at_start WHERE close_date >= $first AND close_date < $end) AS weighted_pipeline_minor
"""

ACTIVITY = """
WITH a AS (SELECT * FROM activities WHERE archived_at IS NULL),
counted AS (
  SELECT
    count(*) FILTER (WHERE kind = 'call') AS calls,
    count(*) FILTER (WHERE kind = 'email' AND direction IS DISTINCT FROM 'inbound') AS emails_sent,
    count(*) FILTER (WHERE kind = 'email' AND direction = 'inbound') AS emails_received,
    count(*) FILTER (WHERE kind = 'meeting') AS meetings
  FROM a WHERE kind <> 'task' AND occurred_at >= $from AND occurred_at < $to
    AND (meeting_status IS NULL OR meeting_status NOT IN ('canceled', 'declined', 'no_show'))),
inbound AS (
  SELECT row_number() OVER () AS n, owner_id, thread_id, occurred_at FROM a
  WHERE kind = 'email' AND direction = 'inbound' AND occurred_at >= $from AND occurred_at < $to),
answered AS (
  SELECT i.n, min(o.occurred_at) AS answered, any_value(i.occurred_at) AS received
  FROM inbound i JOIN a o ON o.thread_id = i.thread_id AND o.owner_id = i.owner_id
   AND o.kind = 'email' AND o.direction = 'outbound' AND o.occurred_at > i.occurred_at
   AND o.occurred_at < $now
  GROUP BY i.n)
SELECT counted.*,
  (SELECT round(median(epoch(answered - received) / 60.0), 1) FROM answered) AS median_response_minutes,
  (SELECT count(*) FROM inbound) - (SELECT count(*) FROM answered) AS unanswered
FROM counted
"""

def compute():
    out = {}
    for name, first, end in quarters(quarter):
        start = dt.datetime.combine(first, dt.time(), dt.timezone.utc)
        stop = min(dt.datetime.combine(end, dt.time(), dt.timezone.utc), now)
        p = {"start": start, "first": first, "end": end, "currency": currency}
        row = con.execute(DEALS, p).fetchone()
        cols = [c[0] for c in con.description]
        m = dict(zip(cols, row))
        row = con.execute(ACTIVITY, {"from": start, "to": stop, "now": now}).fetchone()
        m.update(zip([c[0] for c in con.description], row))
        out[name] = m
    return out

duck_times = []
for _ in range(runs + 1):
    began = time.perf_counter()
    duck = compute()
    duck_times.append(time.perf_counter() - began)
duck_times = duck_times[1:]

mismatches = []
for key, period in zip(["current", "previous", "year_ago"], duck):
    b = baton[key]
    for metric, value in duck[period].items():
        theirs = b.get(metric)
        ok = (theirs is None and value is None) or (
            theirs is not None and value is not None and abs(float(theirs) - float(value)) < 0.051)
        if not ok:
            mismatches.append(f"{period} {metric}: baton {theirs}, duckdb {value}")
print(f"{baton['current']['won']} deals won and {baton['current']['calls']} calls in {quarter}; "
      f"{sum(len(d) for d in duck.values())} numbers compared over 3 quarters")
print("same numbers: " + ("yes" if not mismatches else "NO\n  " + "\n  ".join(mismatches)))
b = statistics.median(float(t) for t in baton_times.split())
d = statistics.median(duck_times)
print(f"baton GET /api/v1/reports/quarterly: {b * 1000:.0f} ms (median of {runs}, whole review)")
print(f"duckdb, the same metrics in memory:  {d * 1000:.0f} ms (median of {runs}, deal and activity metrics only)")
print(f"duckdb / baton time: {d / b:.2f} (above 1: Baton faster)")
sys.exit(1 if mismatches else 0)
PY
