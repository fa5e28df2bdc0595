#!/usr/bin/env bash
# The web pages' server time with the foundation's bench data (1,000,000 deals, 10,000,000
# activities; see bench/data.sh): every page of the workspace as a coordinator, manager, rep or
# admin sees it, REQUESTS (200) requests each, one at a time; p50, p95 and max per page, plus the
# JavaScript and CSS a page ships. Results in bench/out/pages-results.md.
#
#   bench/pages.sh
#   DEALS=100000 ACTIVITIES=1000000 REQUESTS=50 bench/pages.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/data.sh
admin_token=$("$bin" --data-dir "$data" token create --email admin@demo.baton.local --name bench-pages)
serve_data
results=$out/pages-results.md
BENCH_URL="http://127.0.0.1:$PORT" BENCH_ADMIN_TOKEN=$admin_token BENCH_DEALS=$DEALS \
    BENCH_OUT=$results python3 bench/pages.py

echo "- data: $DEALS deals, $ACTIVITIES activities, $ACCOUNTS accounts, $REPS reps; one request at a time" >> "$results"
cat "$results"
