#!/usr/bin/env bash
# Recurrence expansion of the real-world corpus (bench/ics-corpus.sh) side by side: Baton's
# engine (parse + expand, in process, release build) against icalendar + recurring-ical-events
# (Calendar.from_ical + of(...).between(...), in process), on the same files, zones and windows
# as the differential check. Prints each side's median of RUNS runs and the ratio.
#
#   bench/ics_speed.sh            # RUNS=5
#   RUNS=11 bench/ics_speed.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bench/ics-corpus.sh
cargo build --quiet --release -p baton-calendar --example corpus
target/ics-corpus/venv/bin/python bench/ics_diff.py --speed "${RUNS:-5}" \
    --baton-bench target/release/examples/corpus
