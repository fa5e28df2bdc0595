#!/usr/bin/env bash
# Import speed, side by side in one run: a generated Salesforce export into SQLite with
# `baton import salesforce`, and a bare batch insert of the same CSV rows into SQLite
# (sqlite3's `.import`, one transaction per file, no indexes, no checks: the floor).
#
#   DEALS=100000 ACTIVITIES=1000000 RUNS=3 bench/import.sh
#
# Prints the median of RUNS of each, rows per second, and the ratio. Needs the `sqlite3` CLI
# and a release build (`cargo build --release -p baton`).
#
# With PG_URL set, the same export is also imported RUNS times into PostgreSQL, each time into
# a freshly created database (dropped at the end), and its median is printed:
#
#   PG_URL=postgres://postgres@127.0.0.1:5432/baton_bench RUNS=3 bench/import.sh
#
# (needs `psql`, and a user allowed to create databases).
set -euo pipefail
cd "$(dirname "$0")/.."
DEALS=${DEALS:-100000}
ACTIVITIES=${ACTIVITIES:-1000000}
ACCOUNTS=${ACCOUNTS:-$((DEALS / 10))}
REPS=${REPS:-$((DEALS / 2000 + 8))}
RUNS=${RUNS:-3}
BATON=${BATON:-target/release/baton}
OUT=${OUT:-bench/out/import}
export_dir="$OUT/export-$DEALS-$ACTIVITIES"
mkdir -p "$OUT"
if [ ! -f "$export_dir/ground_truth.json" ]; then
  "$BATON" generate --reps "$REPS" --accounts "$ACCOUNTS" --deals "$DEALS" \
    --activities "$ACTIVITIES" --seed 1 --out "$export_dir" >/dev/null
fi
rows=$(python3 - "$export_dir" <<'PY'
import csv, glob, sys
csv.field_size_limit(1 << 30)
print(sum(sum(1 for _ in csv.reader(open(f, newline='', encoding='utf-8'))) - 1
          for f in glob.glob(sys.argv[1] + '/*.csv')))
PY
)
now() { date +%s.%N; }
baton_times=()
bare_times=()
for run in $(seq "$RUNS"); do
  data="$OUT/data"
  rm -rf "$data"
  "$BATON" --data-dir "$data" user add --email admin@example.com --name Admin --role admin \
    --password 'correct horse battery' >/dev/null
  start=$(now)
  "$BATON" --data-dir "$data" --log warn import salesforce "$export_dir" --report "$OUT/report.csv" >"$OUT/summary.txt" 2>/dev/null
  baton_times+=("$(echo "$(now) - $start" | bc)")
  bare="$OUT/bare.db"
  rm -f "$bare" "$bare-wal" "$bare-shm"
  sqlite3 "$bare" "PRAGMA journal_mode=WAL" >/dev/null
  start=$(now)
  for f in "$export_dir"/*.csv; do
    sqlite3 -cmd "PRAGMA synchronous=NORMAL" "$bare" ".import --csv '$f' '$(basename "$f" .csv)'"
  done
  bare_times+=("$(echo "$(now) - $start" | bc)")
  echo "run $run: baton ${baton_times[-1]} s, bare ${bare_times[-1]} s" >&2
done
python3 - "$rows" "${baton_times[*]}" "${bare_times[*]}" <<'PY'
import statistics, sys
rows = int(sys.argv[1])
baton = statistics.median(float(t) for t in sys.argv[2].split())
bare = statistics.median(float(t) for t in sys.argv[3].split())
print(f"{rows} rows")
print(f"baton import salesforce: {baton:.1f} s, {rows / baton:,.0f} rows/s (median)")
print(f"bare sqlite3 .import:    {bare:.1f} s, {rows / bare:,.0f} rows/s (median)")
print(f"baton / bare speed: {bare / baton:.2f}")
PY
tail -1 "$OUT/summary.txt"

if [ -n "${PG_URL:-}" ]; then
  db=${PG_URL##*/}
  server=${PG_URL%/*}/postgres
  fresh() { psql -q "$server" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"; }
  pg_times=()
  for run in $(seq "$RUNS"); do
    fresh
    "$BATON" --database-url "$PG_URL" migrate >/dev/null
    "$BATON" --database-url "$PG_URL" user add --email admin@example.com --name Admin \
      --role admin --password 'correct horse battery' >/dev/null
    start=$(now)
    "$BATON" --database-url "$PG_URL" --log warn import salesforce "$export_dir" \
      --report "$OUT/report-pg.csv" >"$OUT/summary-pg.txt" 2>/dev/null
    pg_times+=("$(echo "$(now) - $start" | bc)")
    echo "run $run: baton into PostgreSQL ${pg_times[-1]} s" >&2
  done
  psql -q "$server" -c "DROP DATABASE IF EXISTS $db"
  python3 - "$rows" "${pg_times[*]}" <<'PY'
import statistics, sys
rows = int(sys.argv[1])
pg = statistics.median(float(t) for t in sys.argv[2].split())
print(f"baton import salesforce into PostgreSQL: {pg:.1f} s, {rows / pg:,.0f} rows/s (median)")
PY
  tail -1 "$OUT/summary-pg.txt"
fi
