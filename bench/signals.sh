#!/usr/bin/env bash
# The signals backtest: how many of the generator's planted struggling reps and sideways
# accounts Baton finds, how early, and how often it cries wolf; how well its win probability
# ranks and calibrates against the stage probability; and how far its mid-quarter forecast is
# from what was won, against the weighted pipeline's.
#
#   REPS=100 DEALS=30000 ACTIVITIES=400000 bench/signals.sh
#
# It generates a Salesforce-shaped export (seeded; `ground_truth.json` lists what was planted),
# imports it into SQLite, runs `baton signals` and `baton forecast` as of every week of the
# last two quarters before the export's date (2026-11-01), each seeing only what was known that
# week, and scores the output with bench/signals_eval.py. Needs a release build
# (`cargo build --release -p baton`) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-100}
DEALS=${DEALS:-30000}
ACTIVITIES=${ACTIVITIES:-400000}
ACCOUNTS=${ACCOUNTS:-$((DEALS / 10))}
SEED=${SEED:-1}
FROM=${FROM:-2026-05-03}
WEEKS=${WEEKS:-26}
BATON=${BATON:-target/release/baton}
OUT=${OUT:-bench/out/signals}
mkdir -p "$OUT"
name="$REPS-$DEALS-$ACTIVITIES-$SEED"
export_dir="$OUT/export-$name"
data="$OUT/data-$name"
if [ ! -f "$export_dir/ground_truth.json" ]; then
  "$BATON" generate --reps "$REPS" --accounts "$ACCOUNTS" --deals "$DEALS" \
    --activities "$ACTIVITIES" --seed "$SEED" --out "$export_dir" >/dev/null
fi
if [ ! -f "$data/imported" ]; then
  rm -rf "$data"
  "$BATON" --data-dir "$data" user add --email admin@example.com --name Admin --role admin \
    --password 'correct horse battery' >/dev/null
  "$BATON" --data-dir "$data" --log warn import salesforce "$export_dir" \
    --report "$OUT/report-$name.csv" >/dev/null 2>&1
  touch "$data/imported"
fi

time_it() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  python3 -c "print(f'{$end - $start:.1f}')"
}
echo "signals  as of $WEEKS weeks from $FROM: $(time_it sh -c "'$BATON' --data-dir '$data' --log error signals --as-of $FROM --weeks $WEEKS > '$OUT/findings-$name.jsonl'") s" >&2
echo "forecast as of $WEEKS weeks from $FROM: $(time_it sh -c "'$BATON' --data-dir '$data' --log error forecast --as-of $FROM --weeks $WEEKS > '$OUT/forecast-$name.jsonl'") s" >&2
currency=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT currency FROM org_settings').fetchone()[0])" "$data/baton.db")
python3 bench/signals_eval.py "$export_dir" "$OUT/findings-$name.jsonl" "$OUT/forecast-$name.jsonl" "$currency" \
  | tee "$OUT/report-$name.json"
