//! Reading iCalendar files (RFC 5545) as Google Calendar, Outlook/Exchange and Apple Calendar
//! really write them, into [`Event`]s.
//!
//! Lenient by design: bytes that are not UTF-8 are replaced, folded lines are unfolded, property
//! names are matched without regard to case, events are read without the `VCALENDAR` around
//! them, and a time zone is found from an IANA name, a Windows name, a path ending in an IANA
//! name (`/mozilla.org/…/Europe/Berlin`), the IANA zone that follows the rules of a `VTIMEZONE`
//! under a name of its own, the calendar's `X-WR-TIMEZONE`, or failing those the fixed offset its
//! `VTIMEZONE` gives (see `ics/zones.rs`). Of two revisions of an event the higher `SEQUENCE` wins. A
//! problem in one event is a [`Warning`] naming that event and the line it starts on; the rest
//! are read.
//!
//! Checked against recurring-ical-events on the test calendars of the PyPI packages icalendar
//! and recurring-ical-events by `bench/ics_diff.py` (in CI), with the known differences and
//! their reasons in `bench/ics_diff_known.txt`.

use crate::events::{Event, ShowAs, Start, Warning};
use crate::interval::Interval;
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use chrono_tz::Tz;
use std::collections::HashMap;
use zones::{Zone, time_zones};

mod zones;

pub use zones::zone_named;

/// What a file held.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub events: Vec<Event>,
    /// The zone the calendar says it is in (`X-WR-TIMEZONE`), for floating and all-day times.
    pub zone: Option<Tz>,
    pub warnings: Vec<Warning>,
}

/// A file that is not a calendar at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    #[error("not an iCalendar file: no BEGIN:VCALENDAR nor any other calendar component")]
    NotACalendar,
}

/// The components of RFC 5545 §3.6 (and `VAVAILABILITY`, RFC 7953): a file that begins none
/// of them is not a calendar. One without the `VCALENDAR` around its events (as exported
/// single events and test fixtures are) is still read.
const COMPONENTS: [&str; 8] = [
    "VCALENDAR",
    "VEVENT",
    "VTODO",
    "VJOURNAL",
    "VFREEBUSY",
    "VTIMEZONE",
    "VALARM",
    "VAVAILABILITY",
];

/// One content line: `NAME;PARAM=VALUE:VALUE`, with the line it started on.
#[derive(Debug, Clone)]
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
    line: usize,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `bytes` as an iCalendar file.
pub fn parse(bytes: &[u8]) -> Result<Calendar, IcsError> {
    let text = String::from_utf8_lossy(bytes);
    let lines = unfold(&text);
    if !lines.iter().any(|p| {
        p.name == "BEGIN"
            && COMPONENTS
                .iter()
                .any(|c| p.value.trim().eq_ignore_ascii_case(c))
    }) {
        return Err(IcsError::NotACalendar);
    }
    let mut warnings = Vec::new();
    let zone = lines
        .iter()
        .find(|p| p.name == "X-WR-TIMEZONE")
        .and_then(|p| zone_named(&p.value));
    let zones = time_zones(&lines);
    let mut revisions = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    let mut current: Vec<Property> = Vec::new();
    let mut started = 0;
    for property in lines {
        match property.name.as_str() {
            "BEGIN" => {
                let component = property.value.trim().to_ascii_uppercase();
                if component == "VEVENT" {
                    current.clear();
                    started = property.line;
                }
                stack.push(component);
            }
            "END" => {
                let component = property.value.trim().to_ascii_uppercase();
                if stack.last() == Some(&component) {
                    stack.pop();
                }
                if component == "VEVENT" {
                    match event(&current, started, &zones, zone) {
                        Ok((event, mut notes)) => {
                            warnings.append(&mut notes);
                            let sequence = current
                                .iter()
                                .find(|p| p.name == "SEQUENCE")
                                .and_then(|p| p.value.trim().parse::<i64>().ok())
                                .unwrap_or(0);
                            revisions.push((event, sequence, started));
                        }
                        Err(message) => warnings.push(Warning {
                            uid: uid_of(&current, started),
                            message,
                        }),
                    }
                    current.clear();
                }
            }
            _ if stack.last().is_some_and(|c| c == "VEVENT") => current.push(property),
            _ => {}
        }
    }
    let events = latest_revisions(revisions, &mut warnings);
    Ok(Calendar {
        events,
        zone,
        warnings,
    })
}

/// One event per UID and `RECURRENCE-ID`: the revision with the highest `SEQUENCE` (RFC 5545
/// §3.8.7.4), as a file holding an event and its later edit means. Of two with the same
/// `SEQUENCE` the first is kept, with a warning, since neither says it is newer.
fn latest_revisions(
    revisions: Vec<(Event, i64, usize)>,
    warnings: &mut Vec<Warning>,
) -> Vec<Event> {
    let mut kept: Vec<(Event, i64)> = Vec::with_capacity(revisions.len());
    let mut index: HashMap<(String, Option<Start>), usize> = HashMap::new();
    for (event, sequence, line) in revisions {
        let key = (event.uid.clone(), event.recurrence_id);
        match index.get(&key).map(|&i| &mut kept[i]) {
            None => {
                index.insert(key, kept.len());
                kept.push((event, sequence));
            }
            Some(slot) if sequence > slot.1 => *slot = (event, sequence),
            Some(slot) if sequence == slot.1 => warnings.push(Warning {
                uid: event.uid,
                message: format!(
                    "the event on line {line} has the UID (and RECURRENCE-ID) and SEQUENCE of an \
                     earlier one; left out"
                ),
            }),
            Some(_) => {}
        }
    }
    kept.into_iter().map(|(event, _)| event).collect()
}

/// Splits the text into content lines, joining folded ones (a line starting with a space or a
/// tab continues the one before).
fn unfold(text: &str) -> Vec<Property> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut joined: Vec<(usize, String)> = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        match (line.chars().next(), joined.last_mut()) {
            (Some(' ' | '\t'), Some((_, last))) => last.push_str(&line[1..]),
            _ if line.trim().is_empty() => {}
            _ => joined.push((i + 1, line.to_owned())),
        }
    }
    joined
        .into_iter()
        .filter_map(|(line, text)| content_line(&text, line))
        .collect()
}

/// `NAME;P1=V1;P2="V 2":VALUE`; `None` for a line without a colon.
fn content_line(text: &str, line: usize) -> Option<Property> {
    let mut quoted = false;
    let colon = text.char_indices().find_map(|(i, c)| {
        if c == '"' {
            quoted = !quoted;
        }
        (c == ':' && !quoted).then_some(i)
    })?;
    let (head, value) = (&text[..colon], &text[colon + 1..]);
    let mut parts = split_outside_quotes(head, ';').into_iter();
    let name = parts.next()?.trim().to_ascii_uppercase();
    let params = parts
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((
                k.trim().to_ascii_uppercase(),
                v.trim().trim_matches('"').to_owned(),
            ))
        })
        .collect();
    Some(Property {
        name,
        params,
        value: value.to_owned(),
        line,
    })
}

fn split_outside_quotes(text: &str, separator: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut quoted, mut start) = (false, 0);
    for (i, c) in text.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == separator && !quoted {
            parts.push(&text[start..i]);
            start = i + c.len_utf8();
        }
    }
    parts.push(&text[start..]);
    parts
}

/// The event's `UID`, or where it starts when it has none.
fn uid_of(props: &[Property], started: usize) -> String {
    props
        .iter()
        .find(|p| p.name == "UID" && !p.value.trim().is_empty())
        .map_or_else(
            || format!("(event without UID on line {started})"),
            |p| unescape(p.value.trim()),
        )
}

/// A `VEVENT`'s properties as an [`Event`], with warnings about what was read leniently.
fn event(
    props: &[Property],
    started: usize,
    zones: &HashMap<String, Zone>,
    calendar_zone: Option<Tz>,
) -> Result<(Event, Vec<Warning>), String> {
    let first = |name: &str| props.iter().find(|p| p.name == name);
    let uid = uid_of(props, started);
    let mut warnings = Vec::new();
    let mut warn = |message: String| {
        warnings.push(Warning {
            uid: uid.clone(),
            message,
        });
    };
    if !props.iter().any(|p| p.name == "UID") {
        warn("has no UID; read, but a later import cannot match it".into());
    }
    let dtstart = first("DTSTART").ok_or("no DTSTART")?;
    let start = times(dtstart, zones, &mut warn)?
        .into_iter()
        .next()
        .ok_or_else(|| format!("DTSTART on line {} has no value", dtstart.line))?;
    let duration = match (first("DTEND"), first("DURATION")) {
        (Some(end), _) => {
            let end = times(end, zones, &mut warn)?
                .into_iter()
                .next()
                .ok_or_else(|| format!("DTEND on line {} has no value", end.line))?;
            let length = length(start, end, calendar_zone);
            if length < TimeDelta::zero() {
                return Err(format!(
                    "DTEND on line {} is before DTSTART",
                    props
                        .iter()
                        .find(|p| p.name == "DTEND")
                        .map_or(0, |p| p.line)
                ));
            }
            length
        }
        (None, Some(d)) => duration(d.value.trim())
            .filter(|d| *d >= TimeDelta::zero())
            .ok_or_else(|| {
                format!(
                    "DURATION {:?} on line {} is not a positive duration",
                    d.value, d.line
                )
            })?,
        (None, None) if matches!(start, Start::AllDay(_)) => TimeDelta::days(1),
        (None, None) => TimeDelta::zero(),
    };
    let listed = |name: &str, warn: &mut dyn FnMut(String)| -> Result<Vec<Start>, String> {
        let mut all = Vec::new();
        for p in props.iter().filter(|p| p.name == name) {
            all.extend(times(p, zones, warn)?);
        }
        Ok(all)
    };
    let mut rdates = Vec::new();
    let mut rdate_periods = Vec::new();
    for p in props.iter().filter(|p| p.name == "RDATE") {
        for (start, end) in periods(p, zones, &mut warn)? {
            match end.map(|end| end.length_from(start, calendar_zone)) {
                Some(length) if length >= TimeDelta::zero() => rdate_periods.push((start, length)),
                Some(_) => {
                    warn(format!(
                        "RDATE on line {}: a period that ends before it starts; read with the \
                         event's own length",
                        p.line
                    ));
                    rdates.push(start);
                }
                None => rdates.push(start),
            }
        }
    }
    let exdates = listed("EXDATE", &mut warn)?;
    let recurrence_id = match first("RECURRENCE-ID") {
        Some(p) => {
            if p.param("RANGE")
                .is_some_and(|r| r.eq_ignore_ascii_case("THISANDFUTURE"))
            {
                warn(format!(
                    "RECURRENCE-ID on line {} has RANGE=THISANDFUTURE, which Baton does not \
                     follow: only that occurrence is changed",
                    p.line
                ));
            }
            times(p, zones, &mut warn)?.into_iter().next()
        }
        None => None,
    };
    let mut rules = props
        .iter()
        .filter(|p| p.name == "RRULE")
        .filter(|p| !p.value.trim().is_empty());
    let rrule = rules.next().map(|p| p.value.trim().to_owned());
    if let Some(second) = rules.next() {
        warn(format!(
            "RRULE on line {} is a second rule (RFC 5545 allows one); only the first is followed",
            second.line
        ));
    }
    let status = first("STATUS").map(|p| p.value.trim().to_ascii_uppercase());
    let busy = first("X-MICROSOFT-CDO-BUSYSTATUS").map(|p| p.value.trim().to_ascii_uppercase());
    let transparent =
        first("TRANSP").is_some_and(|p| p.value.trim().eq_ignore_ascii_case("TRANSPARENT"));
    let show_as = match (busy.as_deref(), status.as_deref()) {
        (Some("FREE"), _) => ShowAs::Free,
        (Some("TENTATIVE"), _) | (None, Some("TENTATIVE")) => ShowAs::Tentative,
        (Some("BUSY" | "OOF"), _) => ShowAs::Busy,
        _ if transparent => ShowAs::Free,
        _ => ShowAs::Busy,
    };
    let event = Event {
        uid: uid.clone(),
        summary: first("SUMMARY")
            .map(|p| unescape(&p.value))
            .unwrap_or_default(),
        start,
        duration,
        rrule,
        rdates,
        rdate_periods,
        exdates,
        recurrence_id,
        cancelled: status.as_deref() == Some("CANCELLED"),
        show_as,
    };
    Ok((event, warnings))
}

/// The date or date-time values of a property (a comma-separated list for `RDATE`/`EXDATE`).
fn times(
    p: &Property,
    zones: &HashMap<String, Zone>,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<Start>, String> {
    Ok(periods(p, zones, warn)?
        .into_iter()
        .map(|(start, _)| start)
        .collect())
}

/// How an `RDATE` PERIOD ends (RFC 5545 §3.3.9): at a time, or after a duration.
#[derive(Debug, Clone, Copy)]
enum PeriodEnd {
    At(Start),
    After(TimeDelta),
}

impl PeriodEnd {
    /// The length of the period from `start`, reading floating times in the calendar's zone.
    fn length_from(self, start: Start, calendar_zone: Option<Tz>) -> TimeDelta {
        match self {
            PeriodEnd::At(end) => length(start, end, calendar_zone),
            PeriodEnd::After(length) => length,
        }
    }
}

/// The time from `start` to `end`: whole days between two dates (a four-day event across a
/// change of the clocks is four days, not 95 hours), else the time between the instants, with
/// floating times read in the calendar's zone.
fn length(start: Start, end: Start, calendar_zone: Option<Tz>) -> TimeDelta {
    if let (Start::AllDay(first), Start::AllDay(last)) = (start, end) {
        return TimeDelta::days((last - first).num_days());
    }
    let zone = calendar_zone.unwrap_or(chrono_tz::UTC);
    crate::events::instant(end, zone) - crate::events::instant(start, zone)
}

/// The values of a property, each with the end a PERIOD value (`start/end`) gives it.
fn periods(
    p: &Property,
    zones: &HashMap<String, Zone>,
    warn: &mut dyn FnMut(String),
) -> Result<Vec<(Start, Option<PeriodEnd>)>, String> {
    let mut all = Vec::new();
    for value in p.value.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        let (start, end) = match value.split_once('/') {
            Some((start, end)) => (start, Some(end.trim())),
            None => (value, None),
        };
        let start = time(p, start.trim(), zones, warn)?;
        let end = match end {
            Some(text) if text.starts_with(['P', 'p', '+', '-']) => {
                duration(text).map(PeriodEnd::After)
            }
            Some(text) => Some(PeriodEnd::At(time(p, text, zones, warn)?)),
            None => None,
        };
        all.push((start, end));
    }
    Ok(all)
}

/// One date or date-time value of `p`, in the zone its `TZID` names.
fn time(
    p: &Property,
    value: &str,
    zones: &HashMap<String, Zone>,
    warn: &mut dyn FnMut(String),
) -> Result<Start, String> {
    let bad = || {
        format!(
            "{} on line {}: {value:?} is not a date or date-time",
            p.name, p.line
        )
    };
    let date_only = p
        .param("VALUE")
        .is_some_and(|v| v.eq_ignore_ascii_case("DATE"));
    if date_only || value.len() == 8 {
        return Ok(Start::AllDay(
            NaiveDate::parse_from_str(value, "%Y%m%d").map_err(|_| bad())?,
        ));
    }
    let (text, utc) = match value.strip_suffix(['Z', 'z']) {
        Some(t) => (t, true),
        None => (value, false),
    };
    let naive = NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M"))
        .map_err(|_| bad())?;
    if utc {
        return Ok(Start::Utc(naive.and_utc()));
    }
    Ok(match p.param("TZID") {
        None => Start::Floating(naive),
        Some(id) => match zones
            .get(id)
            .copied()
            .or_else(|| zone_named(id).map(Zone::Named))
        {
            Some(Zone::Named(tz)) => Start::Zoned(naive, tz),
            Some(Zone::Offset(offset)) => {
                warn(format!(
                    "time zone {id:?} on line {} is not one Baton knows; read at its standard offset",
                    p.line
                ));
                Start::Utc((naive - offset).and_utc())
            }
            None => {
                warn(format!(
                    "time zone {id:?} on line {} is unknown; read in the calendar's zone",
                    p.line
                ));
                Start::Floating(naive)
            }
        },
    })
}

/// An RFC 5545 duration such as `PT1H30M`, `P1D` or `-PT15M`.
fn duration(text: &str) -> Option<TimeDelta> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'-' => (-1, &text[1..]),
        b'+' => (1, &text[1..]),
        _ => (1, text),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let (mut total, mut number, mut in_time) = (TimeDelta::zero(), String::new(), false);
    for c in rest.chars() {
        match c.to_ascii_uppercase() {
            'T' => in_time = true,
            d if d.is_ascii_digit() => number.push(d),
            unit => {
                let n: i64 = number.parse().ok()?;
                number.clear();
                total += match (unit, in_time) {
                    ('W', false) => TimeDelta::try_weeks(n)?,
                    ('D', false) => TimeDelta::try_days(n)?,
                    ('H', true) => TimeDelta::try_hours(n)?,
                    ('M', true) => TimeDelta::try_minutes(n)?,
                    ('S', true) => TimeDelta::try_seconds(n)?,
                    _ => return None,
                };
            }
        }
    }
    number.is_empty().then_some(total * sign)
}

/// A TEXT value with its escapes (`\,` `\;` `\\` `\n`) undone.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes `events` as an iCalendar file (RFC 5545): CRLF line ends, lines folded at 75 octets,
/// text escaped, and a `VTIMEZONE` for each zone used, with its changes of offset from the
/// year of the first event to ten years on. `stamp` is the `DTSTAMP` (the engine has no clock).
pub fn write(events: &[Event], stamp: chrono::DateTime<chrono::Utc>) -> String {
    let mut out = String::new();
    let mut line = |text: String| fold_into(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Baton//Baton calendar//EN".into());
    line("CALSCALE:GREGORIAN".into());
    let mut zones: Vec<Tz> = events
        .iter()
        .flat_map(|e| {
            std::iter::once(e.start)
                .chain(e.rdates.iter().copied())
                .chain(e.rdate_periods.iter().map(|(start, _)| *start))
                .chain(e.exdates.iter().copied())
                .chain(e.recurrence_id)
        })
        .filter_map(|s| match s {
            Start::Zoned(_, tz) => Some(tz),
            _ => None,
        })
        .collect();
    zones.sort_by_key(|tz| tz.name());
    zones.dedup();
    let first_year = events
        .iter()
        .map(|e| crate::events::instant(e.start, chrono_tz::UTC).year())
        .min()
        .unwrap_or_else(|| stamp.year());
    for tz in zones {
        for text in vtimezone(tz, first_year) {
            line(text);
        }
    }
    for event in events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", escape(&event.uid)));
        line(format!("DTSTAMP:{}", stamp.format("%Y%m%dT%H%M%SZ")));
        line(format!("SUMMARY:{}", escape(&event.summary)));
        line(format!("DTSTART{}", value(event.start)));
        if matches!(event.start, Start::AllDay(_)) {
            line(format!("DURATION:P{}D", event.duration.num_days().max(1)));
        } else {
            line(format!(
                "DURATION:PT{}S",
                event.duration.num_seconds().max(0)
            ));
        }
        if let Some(rule) = &event.rrule {
            line(format!("RRULE:{rule}"));
        }
        for rdate in &event.rdates {
            line(format!("RDATE{}", value(*rdate)));
        }
        for (start, length) in &event.rdate_periods {
            match start {
                // A PERIOD is of date-times; a whole day keeps the event's length.
                Start::AllDay(_) => line(format!("RDATE{}", value(*start))),
                _ => line(format!(
                    "RDATE;VALUE=PERIOD{}/PT{}S",
                    value(*start),
                    length.num_seconds().max(0)
                )),
            }
        }
        for exdate in &event.exdates {
            line(format!("EXDATE{}", value(*exdate)));
        }
        if let Some(id) = event.recurrence_id {
            line(format!("RECURRENCE-ID{}", value(id)));
        }
        if event.cancelled {
            line("STATUS:CANCELLED".into());
        }
        match event.show_as {
            ShowAs::Busy => line("TRANSP:OPAQUE".into()),
            ShowAs::Tentative => {
                line("TRANSP:OPAQUE".into());
                line("X-MICROSOFT-CDO-BUSYSTATUS:TENTATIVE".into());
            }
            ShowAs::Free => line("TRANSP:TRANSPARENT".into()),
        }
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

/// Free/busy as RFC 5545 writes it (`VFREEBUSY`): the busy `spans` within `window`, in UTC.
pub fn write_freebusy(
    spans: &[Interval],
    window: &Interval,
    stamp: chrono::DateTime<chrono::Utc>,
) -> String {
    let utc = |t: chrono::DateTime<chrono::Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::new();
    let mut line = |text: String| fold_into(&mut out, &text);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//Baton//Baton calendar//EN".into());
    line("METHOD:PUBLISH".into());
    line("BEGIN:VFREEBUSY".into());
    line(format!("UID:freebusy-{}@baton", utc(stamp)));
    line(format!("DTSTAMP:{}", utc(stamp)));
    line(format!("DTSTART:{}", utc(window.start)));
    line(format!("DTEND:{}", utc(window.end)));
    for span in spans.iter().filter_map(|s| s.clip(window)) {
        line(format!(
            "FREEBUSY;FBTYPE=BUSY:{}/{}",
            utc(span.start),
            utc(span.end)
        ));
    }
    line("END:VFREEBUSY".into());
    line("END:VCALENDAR".into());
    out
}

/// `;TZID=…:…`, `:…Z`, `;VALUE=DATE:…` or `:…` for a start.
fn value(start: Start) -> String {
    match start {
        Start::Zoned(naive, tz) => format!(";TZID={}:{}", tz.name(), naive.format("%Y%m%dT%H%M%S")),
        Start::Utc(at) => format!(":{}", at.format("%Y%m%dT%H%M%SZ")),
        Start::Floating(naive) => format!(":{}", naive.format("%Y%m%dT%H%M%S")),
        Start::AllDay(day) => format!(";VALUE=DATE:{}", day.format("%Y%m%d")),
    }
}

/// A TEXT value with `\`, `;`, `,` and newlines escaped.
fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Appends `text` as content lines of at most 75 octets, continuation lines starting with a
/// space, never splitting a character.
fn fold_into(out: &mut String, text: &str) {
    let mut width = 0;
    for c in text.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// A `VTIMEZONE` for `tz`: each change of offset from `year` to ten years on, found by scanning
/// the zone day by day and narrowing to the second, as `STANDARD` or `DAYLIGHT` with its `RDATE`.
fn vtimezone(tz: Tz, year: i32) -> Vec<String> {
    use chrono::{Offset, TimeZone};
    let offset_at = |at: chrono::DateTime<chrono::Utc>| {
        tz.offset_from_utc_datetime(&at.naive_utc())
            .fix()
            .local_minus_utc()
    };
    let text = |seconds: i32| {
        format!(
            "{}{:02}{:02}",
            if seconds < 0 { '-' } else { '+' },
            seconds.abs() / 3600,
            seconds.abs() % 3600 / 60
        )
    };
    let Some(from) = NaiveDate::from_ymd_opt(year, 1, 1) else {
        return Vec::new();
    };
    let mut at = from.and_time(chrono::NaiveTime::MIN).and_utc();
    let end = at + TimeDelta::days(366 * 10);
    let first = offset_at(at);
    let mut lines = vec!["BEGIN:VTIMEZONE".to_owned(), format!("TZID:{}", tz.name())];
    // The offset in force at the start, as a standard part with that start.
    lines.extend([
        "BEGIN:STANDARD".to_owned(),
        format!("DTSTART:{}", at.format("%Y%m%dT%H%M%S")),
        format!("TZOFFSETFROM:{}", text(first)),
        format!("TZOFFSETTO:{}", text(first)),
        "END:STANDARD".to_owned(),
    ]);
    let mut current = first;
    while at < end {
        let next = at + TimeDelta::days(1);
        let after = offset_at(next);
        if after != current {
            // Narrow the change to the second.
            let (mut lo, mut hi) = (at, next);
            while hi - lo > TimeDelta::seconds(1) {
                let mid = lo + (hi - lo) / 2;
                if offset_at(mid) == current {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let local = hi + TimeDelta::seconds(i64::from(current));
            let kind = if after > current {
                "DAYLIGHT"
            } else {
                "STANDARD"
            };
            lines.extend([
                format!("BEGIN:{kind}"),
                format!("DTSTART:{}", local.format("%Y%m%dT%H%M%S")),
                format!("TZOFFSETFROM:{}", text(current)),
                format!("TZOFFSETTO:{}", text(after)),
                format!("END:{kind}"),
            ]);
            current = after;
        }
        at = next;
    }
    lines.push("END:VTIMEZONE".to_owned());
    lines
}
