#!/usr/bin/env python3
"""Baton's recurrence expansion against recurring-ical-events, on the .ics test files that the
PyPI packages icalendar and recurring-ical-events ship (fetched by bench/ics-corpus.sh; run this
with the Python of target/ics-corpus/venv).

For each file, one window and one zone, the same on both sides:

* the window runs from 1 January of the year of the file's earliest VEVENT DTSTART to 1 January
  three years after its latest one (at most WINDOW_YEARS_MAX years, so endless rules finish);
* the zone is the file's X-WR-TIMEZONE, else UTC: `baton calendar expand --zone` reads floating
  and all-day times in it, and recurring-ical-events (which applies X-WR-TIMEZONE itself) gets a
  window expressed in it, which is how it reads floating and all-day times.

Both sides are reduced to a multiset of (UID, start, end) in UTC, for the occurrences that start
in the window (what the CLI prints), and compared. Every file must be read by Baton without a
crash: exit 0, or for a file with no iCalendar component at all, a clean refusal.

Files where the two legitimately differ are listed, with the reason, in bench/ics_diff_known.txt.
Exit status 1 on a crash, on a mismatch not listed there, or on a listed file that now matches
(so the list only shrinks).

    target/ics-corpus/venv/bin/python bench/ics_diff.py [--baton target/debug/baton] [-v]
    target/ics-corpus/venv/bin/python bench/ics_diff.py --speed 5 [--baton-bench BIN]
"""

import argparse
import collections
import concurrent.futures
import datetime
import importlib.metadata
import json
import os
import pathlib
import re
import statistics
import subprocess
import sys
import time
import warnings
import zoneinfo

import icalendar
import recurring_ical_events

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "target/ics-corpus/files"
KNOWN = ROOT / "bench/ics_diff_known.txt"
WINDOW_YEARS_AFTER = 3
WINDOW_YEARS_MAX = 30
UTC = datetime.timezone.utc
# icalendar warns about each TZID it guesses; the comparison is what this script reports.
warnings.filterwarnings("ignore")

VEVENT = re.compile(rb"^BEGIN:VEVENT\s*$(.*?)^END:VEVENT\s*$", re.M | re.S | re.I)
DTSTART_YEAR = re.compile(rb"^DTSTART[;:][^\r\n]*?(\d{4})\d{4}(?:T\d{4,6}Z?)?\s*$", re.M | re.I)
WR_TIMEZONE = re.compile(rb"^X-WR-TIMEZONE[;:]([^\r\n]*)", re.M | re.I)
# What `ics::parse` takes for a calendar: a file beginning none of these components it refuses.
COMPONENT = re.compile(
    rb"^BEGIN:(VCALENDAR|VEVENT|VTODO|VJOURNAL|VFREEBUSY|VTIMEZONE|VALARM|VAVAILABILITY)\s*$",
    re.M | re.I,
)


def plan(path):
    """The (zone, first day, day after the last) that both sides expand `path` in."""
    data = path.read_bytes()
    years = [
        int(m.group(1))
        for block in VEVENT.finditer(data)
        for m in DTSTART_YEAR.finditer(block.group(1))
    ]
    years = [y for y in years if 1900 <= y <= 9990] or [2020]
    first = min(years)
    last = min(max(years) + WINDOW_YEARS_AFTER, first + WINDOW_YEARS_MAX)
    zone = "UTC"
    found = WR_TIMEZONE.search(data)
    if found:
        name = found.group(1).decode(errors="replace").strip()
        try:
            zoneinfo.ZoneInfo(name)
            zone = name
        except (ValueError, zoneinfo.ZoneInfoNotFoundError):
            pass
    return zone, datetime.date(first, 1, 1), datetime.date(last, 1, 1)


def span(zone, first, last):
    """The window as aware datetimes in `zone` (how recurring-ical-events reads floating times)."""
    tz = zoneinfo.ZoneInfo(zone)
    return tuple(
        datetime.datetime.combine(day, datetime.time(), UTC).astimezone(tz)
        for day in (first, last)
    )


def as_utc(value, tz):
    """A DTSTART/DTEND value of recurring-ical-events as a UTC instant."""
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.combine(value, datetime.time())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


class Query(recurring_ical_events.CalendarQuery):
    """Skips a series without DTSTART, as Baton skips such an event (with a warning)."""

    suppressed_errors = [*recurring_ical_events.CalendarQuery.suppressed_errors, KeyError]


def expand_python(data, zone, first, last):
    """Parse and expand as recurring-ical-events does; returns the components, or raises."""
    start, stop = span(zone, first, last)
    # icalendar caches the VTIMEZONEs it reads by TZID for the whole process, so that a file's
    # custom zone would change how later files read that TZID: each file starts afresh.
    icalendar.use_zoneinfo()
    found = []
    for calendar in icalendar.Calendar.from_ical(data, multiple=True):
        query = recurring_ical_events.of(calendar, skip_bad_series=True, calendar_query=Query)
        found.extend(query.between(start, stop))
    return found


def python_keys(data, zone, first, last):
    """The multiset of (UID, start, end) that recurring-ical-events finds, or an error text."""
    tz = zoneinfo.ZoneInfo(zone)
    window_start = datetime.datetime.combine(first, datetime.time(), UTC)
    try:
        components = expand_python(data, zone, first, last)
    except Exception as error:  # noqa: BLE001 - any failure of the reference is reported
        return None, f"{type(error).__name__}: {error}"
    keys = collections.Counter()
    for c in components:
        start = as_utc(c["DTSTART"].dt, tz)
        end = as_utc(c["DTEND"].dt, tz) if "DTEND" in c else start
        if start >= window_start:
            keys[(str(c.get("UID", "")), start, end)] += 1
    return keys, None


def baton_keys(baton, path, zone, first, last):
    """(exit code, multiset of (UID, start, end), stderr) of `baton calendar expand`."""
    try:
        run = subprocess.run(
            [baton, "calendar", "expand", str(path), "--from", str(first), "--to", str(last),
             "--zone", zone],
            capture_output=True,
            timeout=120,
        )
    except subprocess.TimeoutExpired:
        return -1, collections.Counter(), "did not finish in 120 s"
    keys = collections.Counter()
    if run.returncode == 0:
        for line in run.stdout.decode().splitlines():
            o = json.loads(line)
            uid = "" if o["uid"].startswith("(event without UID") else o["uid"]
            keys[(uid, parse_utc(o["start"]), parse_utc(o["end"]))] += 1
    return run.returncode, keys, run.stderr.decode(errors="replace")


def parse_utc(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def read_known():
    """{relative path: reason} from the allow-list; `#` starts a comment."""
    known = {}
    for line in KNOWN.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{KNOWN}: {name} has no reason")
        known[name] = reason.strip()
    return known


def corpus_files():
    return sorted(CORPUS.rglob("*.ics"))


def short(key):
    uid, start, end = key
    return f"{uid} {start:%Y-%m-%dT%H:%M:%SZ} .. {end:%Y-%m-%dT%H:%M:%SZ}"


def compare(args):
    known = read_known()
    files = corpus_files()
    if not files:
        sys.exit(f"no .ics files under {CORPUS}: run bench/ics-corpus.sh first")
    totals = collections.Counter()
    failures = []
    python_errors = []

    plans = [(path, *plan(path)) for path in files]
    # Baton runs as child processes from a pool of threads while recurring-ical-events (whose
    # caches are global) runs here, one file at a time.
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        batons = [pool.submit(baton_keys, args.baton, *p) for p in plans]
        pythons = [python_keys(path.read_bytes(), *rest) for path, *rest in plans]
        results = [(*p, b.result(), r) for p, b, r in zip(plans, batons, pythons)]

    for path, zone, first, last, (code, baton, stderr), (python, python_error) in results:
        name = str(path.relative_to(CORPUS))
        data = path.read_bytes()
        totals["files"] += 1
        totals["events"] += len(VEVENT.findall(data))
        if code != 0:
            refused = code == 1 and "not an iCalendar file" in stderr
            if not (refused and not COMPONENT.search(data)):
                failures.append(f"{name}: baton exited {code}: {stderr.strip()[-500:]}")
                continue
            totals["refused (no iCalendar component)"] += 1
        if python is None:
            python_errors.append(f"{name}: {python_error}")
            totals["unreadable by recurring-ical-events"] += 1
            continue
        common = baton & python
        only_baton, only_python = baton - python, python - baton
        totals["occurrences compared"] += sum((baton | python).values())
        totals["matching"] += sum(common.values())
        differs = bool(only_baton or only_python)
        if differs:
            totals["files that differ"] += 1
            totals["occurrences that differ"] += sum(only_baton.values()) + sum(
                only_python.values()
            )
        if differs and name in known:
            totals["files that differ, allowed"] += 1
        elif differs:
            lines = [f"{name} (zone {zone}, {first} .. {last}):"]
            lines += [f"  only Baton:  {short(k)}" for k in sorted(only_baton)[:10]]
            lines += [f"  only r-i-e:  {short(k)}" for k in sorted(only_python)[:10]]
            failures.append("\n".join(lines))
        elif name in known:
            failures.append(f"{name}: listed in {KNOWN.name} but now matches; remove it")
        if args.verbose:
            print(f"{'DIFF' if differs else 'ok  '} {name}: {sum(baton.values())} occurrences"
                  f" (zone {zone}, {first} .. {last})")

    missing = sorted(set(known) - {str(p.relative_to(CORPUS)) for p in files})
    failures += [f"{name}: listed in {KNOWN.name} but not in the corpus" for name in missing]
    for line in python_errors:
        print(f"not compared: {line}")
    for line in failures:
        print(f"FAIL {line}")
    print(
        f"ics corpus: {totals['files']} files, {totals['events']} events; "
        f"{totals['occurrences compared']} occurrences compared, {totals['matching']} the same"
        f" on both sides; {totals['occurrences that differ']} differ, in "
        f"{totals['files that differ']} files ({totals['files that differ, allowed']} of them "
        f"in {KNOWN.name}); {totals['refused (no iCalendar component)']} files refused as not "
        f"calendars; {totals['unreadable by recurring-ical-events']} files recurring-ical-events "
        "cannot read"
    )
    print(f"corpus: {totals['files'] - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def speed(args):
    """Median time of parse + expand of the whole corpus, in process, on both sides."""
    files = corpus_files()
    plans = [(path, *plan(path)) for path in files]
    manifest = ROOT / "target/ics-corpus/plan.tsv"
    manifest.write_text(
        "".join(f"{path}\t{zone}\t{first}\t{last}\n" for path, zone, first, last in plans)
    )
    loaded = [(path.read_bytes(), zone, first, last) for path, zone, first, last in plans]
    python_runs = []
    occurrences = 0
    for _ in range(args.speed):
        began = time.perf_counter()
        occurrences = 0
        for data, zone, first, last in loaded:
            try:
                occurrences += len(expand_python(data, zone, first, last))
            except Exception:  # noqa: BLE001, S112 - unreadable files cost what they cost
                continue
        python_runs.append(time.perf_counter() - began)
    python = statistics.median(python_runs)
    version = importlib.metadata.version
    print(f"recurring-ical-events {version('recurring-ical-events')}, icalendar "
          f"{version('icalendar')}: median {python * 1000:.1f} ms of {args.speed} runs "
          f"({len(files)} files, {occurrences} occurrences)")
    run = subprocess.run(
        [args.baton_bench, str(manifest), str(args.speed)], capture_output=True, check=True
    )
    report = json.loads(run.stdout)
    baton = report["median_seconds"]
    print(f"baton-calendar: median {baton * 1000:.2f} ms of {report['runs']} runs "
          f"({report['files']} files, {report['occurrences']} occurrences)")
    print(f"ratio: Baton is {python / baton:.0f}x faster (median over median)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--baton", default=str(ROOT / "target/debug/baton"))
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--speed", type=int, metavar="RUNS",
                        help="time parse + expand on both sides instead of comparing")
    parser.add_argument("--baton-bench", default=str(ROOT / "target/release/examples/corpus"))
    args = parser.parse_args()
    return speed(args) if args.speed else compare(args)


if __name__ == "__main__":
    sys.exit(main())
