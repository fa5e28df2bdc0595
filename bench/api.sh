#!/usr/bin/env bash
# The API benchmark of the foundation: loads DEALS deals and ACTIVITIES activities into an
# embedded SQLite data dir (once; reused while the binary's schema is the same), serves it with
# the release binary, and drives it with wrk over loopback:
#   GET a deal by id · list a rep's open deals in a stage (page of 50) · search accounts by name
#   prefix · PATCH a deal (If-Match, history and audit written).
# Reports requests/s, p50/p99 latency, RSS idle and under load, and the binary's size.
#
#   bench/api.sh                       # 1,000,000 deals, 10,000,000 activities
#   DEALS=100000 ACTIVITIES=1000000 DURATION=5s REPEAT=1 bench/api.sh
# Each scenario runs REPEAT times (3) for DURATION (10s); the run with the median rate is
# reported, with every run's rate beside it (this machine is shared and noisy).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10s}
REPEAT=${REPEAT:-3}
CONNECTIONS=${CONNECTIONS:-32}
source bench/data.sh
export BENCH_DIR=$PWD/bench
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }

# Tokens: the coordinator, and ten reps for the list benchmark.
export BENCH_TOKEN=$("$bin" --data-dir "$data" token create --email coordinator@demo.baton.local --name bench)
rep_tokens=()
for r in $(seq 1 10); do
    rep_tokens+=("$("$bin" --data-dir "$data" token create --email "rep$r@demo.baton.local" --name bench)")
done
export BENCH_REP_TOKENS=$(IFS=,; echo "${rep_tokens[*]}")
export BENCH_DEALS=$DEALS

serve_data
idle_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

stages=$(curl -sf -H "Authorization: Bearer $BENCH_TOKEN" "http://127.0.0.1:$PORT/api/v1/pipelines?is_default=true" |
    python3 -c 'import json,sys; p=json.load(sys.stdin)["items"][0]; print(",".join(str(s["id"]) for s in p["stages"] if s["outcome"]=="open"))')
export BENCH_OPEN_STAGES=$stages
# Patches start past what earlier runs on this data set already changed; after DEALS/100,000
# runs they wrap onto changed deals and come back 412 (delete the data set to reload).
patched_file=$data/patched
patch_offset=$(cat "$patched_file" 2>/dev/null || echo 0)

results=$out/api-results.md
{
    echo "| scenario | requests/s (median run) | p50 | p99 | non-2xx | requests/s of each run |"
    echo "|---|---|---|---|---|---|"
} > "$results"
run() { # name script: REPEAT runs of DURATION; reports the run with the median requests/s
    local lines=()
    for i in $(seq 1 "$REPEAT"); do
        local report rps p50 p99 errors
        if [ "$2" = patch_deal ]; then
            # Each wrk run's two threads patch up to 50,000 deals each of their own, all still
            # at version 1; the next run starts 100,000 further on.
            export BENCH_PATCH_OFFSET=$patch_offset
            patch_offset=$(( (patch_offset + 100000) % (DEALS > 200000 ? DEALS - 100000 : 1) ))
            echo "$patch_offset" > "$patched_file"
        fi
        report=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "bench/wrk/$2.lua" "http://127.0.0.1:$PORT")
        echo "$report" > "$out/wrk-$2-$i.txt"
        rps=$(awk '/Requests\/sec/ {print $2}' <<<"$report")
        p50=$(awk '$1=="50%" {print $2}' <<<"$report")
        p99=$(awk '$1=="99%" {print $2}' <<<"$report")
        errors=$(awk '/Non-2xx/ {print $NF}' <<<"$report")
        lines+=("$rps $p50 $p99 ${errors:-0}")
    done
    local median
    median=$(printf '%s\n' "${lines[@]}" | sort -n | sed -n "$(( (REPEAT + 1) / 2 ))p")
    read -r rps p50 p99 errors <<<"$median"
    local all
    all=$(printf '%s\n' "${lines[@]}" | awk '{printf "%s%s", sep, $1; sep=", "}')
    echo "| $1 | $rps | $p50 | $p99 | $errors | $all |" >> "$results"
    echo "$1: median $rps req/s (runs: $all), p50 $p50, p99 $p99, non-2xx $errors"
}
run "GET deal by id" get_deal
run "list a rep's open deals in a stage (50)" list_rep_stage
run "search accounts by name prefix (50)" search_accounts
run "PATCH a deal" patch_deal

peak_kb=$(awk '/VmHWM/ {print $2}' "/proc/$server/status")
loaded_kb=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")
binary_bytes=$(stat -c %s "$bin")
{
    echo
    echo "- data: $DEALS deals, $ACTIVITIES activities, $ACCOUNTS accounts, $REPS reps ($(du -sh "$data" | cut -f1) on disk)"
    echo "- wrk: 2 threads, $CONNECTIONS connections, $REPEAT runs of $DURATION per scenario, on the same 2-core machine"
    echo "- RSS idle after start: $((idle_kb / 1024)) MB; peak under load: $((peak_kb / 1024)) MB; after load: $((loaded_kb / 1024)) MB"
    echo "- release binary: $((binary_bytes / 1024 / 1024)) MB"
} >> "$results"
cat "$results"
