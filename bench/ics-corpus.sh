#!/usr/bin/env bash
# The real-world calendar corpus: every .ics test file shipped in the sdists of the PyPI packages
# icalendar and recurring-ical-events, at pinned versions, plus a venv with both packages for the
# differential check (bench/ics_diff.py). Everything lands under target/ics-corpus/ and is never
# committed. Idempotent: a second run only checks that the work is done.
#
#   bench/ics-corpus.sh            # -> target/ics-corpus/{venv,files/<package>/...}
set -euo pipefail
cd "$(dirname "$0")/.."

ICALENDAR=7.3.2
RECURRING=3.8.2
out=target/ics-corpus
stamp="icalendar==$ICALENDAR recurring-ical-events==$RECURRING"
mkdir -p "$out"

if [ "$(cat "$out/venv/.installed" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$out/venv"
    python3 -m venv "$out/venv"
    "$out/venv/bin/pip" install --quiet --disable-pip-version-check \
        "icalendar==$ICALENDAR" "recurring-ical-events==$RECURRING"
    echo "$stamp" >"$out/venv/.installed"
fi

if [ "$(cat "$out/files/.extracted" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$out/files" "$out/sdists"
    mkdir -p "$out/sdists" "$out/files"
    "$out/venv/bin/pip" download --quiet --disable-pip-version-check --no-binary :all: \
        --no-deps -d "$out/sdists" \
        "icalendar==$ICALENDAR" "recurring-ical-events==$RECURRING"
    for sdist in "$out/sdists"/*.tar.gz; do
        # icalendar-7.3.2.tar.gz -> icalendar; recurring_ical_events-3.8.2.tar.gz -> recurring-ical-events
        package=$(basename "$sdist" .tar.gz)
        package=${package%-*}
        package=${package//_/-}
        mkdir -p "$out/files/$package"
        tar -xzf "$sdist" -C "$out/files/$package" --strip-components=1 --wildcards '*.ics'
    done
    echo "$stamp" >"$out/files/.extracted"
fi

printf '%s: %s .ics files in %s\n' "$stamp" \
    "$(find "$out/files" -name '*.ics' | wc -l)" "$out/files"
