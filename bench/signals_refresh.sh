#!/usr/bin/env bash
# How long the signals take to keep current: a whole-organisation refresh (what `baton serve`
# runs on its schedule) and one changed deal judged again alone (what it runs within a second
# of a change), on the data set bench/signals.sh generated and imported.
#
#   REPS=100 DEALS=20000 ACTIVITIES=800000 bench/signals_refresh.sh
#
# Prints the median of RUNS whole refreshes, and the median, 90th percentile and largest time
# of judging DEAL_SAMPLE open deals again one by one (each: read what the last refresh learned,
# read the deal with its history and activities, run the engine, write its findings and win
# probability in one transaction). Needs a release build and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-100}
DEALS=${DEALS:-30000}
ACTIVITIES=${ACTIVITIES:-400000}
SEED=${SEED:-1}
RUNS=${RUNS:-5}
DEAL_SAMPLE=${DEAL_SAMPLE:-200}
BATON=${BATON:-target/release/baton}
OUT=${OUT:-bench/out/signals}
data="$OUT/data-$REPS-$DEALS-$ACTIVITIES-$SEED"
[ -f "$data/imported" ] || REPS=$REPS DEALS=$DEALS ACTIVITIES=$ACTIVITIES SEED=$SEED WEEKS=1 \
  bench/signals.sh >/dev/null
for _ in $(seq "$RUNS"); do
  "$BATON" --data-dir "$data" --log error signals --refresh
done > "$OUT/refresh-whole.jsonl"
deals=$(python3 - "$data/baton.db" "$DEAL_SAMPLE" <<'PY'
import random, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
ids = [r[0] for r in db.execute("SELECT deal_id FROM deal_win_probabilities ORDER BY deal_id")]
random.seed(1)
print(" ".join(f"--deal {i}" for i in random.sample(ids, min(len(ids), int(sys.argv[2])))))
PY
)
# shellcheck disable=SC2086
"$BATON" --data-dir "$data" --log error signals --refresh $deals > "$OUT/refresh-deals.jsonl"
python3 - "$OUT/refresh-whole.jsonl" "$OUT/refresh-deals.jsonl" <<'PY'
import json, statistics, sys
whole = [json.loads(l) for l in open(sys.argv[1])]
deals = [json.loads(l) for l in open(sys.argv[2])]
ms = sorted(d["ms"] for d in deals)
print(json.dumps({
    "whole_refresh_ms_median": round(statistics.median(w["ms"] for w in whole)),
    "findings_per_refresh": whole[-1]["refreshed"]["raised"] + whole[-1]["refreshed"]["updated"],
    "open_deals": whole[-1]["refreshed"]["probabilities"],
    "deal_refresh_ms": {
        "median": round(statistics.median(ms), 2),
        "p90": round(ms[int(0.9 * (len(ms) - 1))], 2),
        "max": round(ms[-1], 2),
        "deals": len(ms),
    },
}, indent=2))
PY
