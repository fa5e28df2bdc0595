//! The zones a file's times are in: the `VTIMEZONE` blocks it defines (RFC 5545 §3.6.5) and
//! the names its `TZID`s carry.
//!
//! A `TZID` is read as the IANA zone it names (exactly, as a path ending in one, or as a Windows
//! name). A `VTIMEZONE` whose `TZID` names none (`custom_America/New_York`, `/Europe/CUSTOM`,
//! Exchange's `GMT +0100 (Standard) / GMT +0200 (Daylight)`) is read as the IANA zone whose
//! offsets are the ones its `STANDARD` and `DAYLIGHT` parts give, month by month and at each of
//! their changes, over the years the file's times use; failing that, at the fixed offset of its
//! `STANDARD` part. A `TZID` with no `VTIMEZONE` is also looked up without regard to case.

use super::Property;
use chrono::{DateTime, NaiveDateTime, TimeDelta, TimeZone as _, Utc};
use chrono_tz::{OffsetComponents as _, Tz};
use std::collections::HashMap;

/// How a `TZID` of the file is read: a zone of the database, or a fixed offset from UTC.
#[derive(Debug, Clone, Copy)]
pub(super) enum Zone {
    Named(Tz),
    Offset(TimeDelta),
}

/// One `STANDARD` or `DAYLIGHT` part of a `VTIMEZONE`: from its onsets on, `to` is in force.
#[derive(Debug, Default)]
struct Observance {
    /// The first onset, in the local time before it (`from`).
    start: Option<NaiveDateTime>,
    from: Option<TimeDelta>,
    to: Option<TimeDelta>,
    standard: bool,
    rule: Option<String>,
    rdates: Vec<NaiveDateTime>,
}

/// A `VTIMEZONE` as the file gives it.
#[derive(Debug, Default)]
struct Definition {
    id: Option<String>,
    location: Option<String>,
    observances: Vec<Observance>,
}

/// The zones the file's `VTIMEZONE` blocks define, by `TZID`.
pub(super) fn time_zones(lines: &[Property]) -> HashMap<String, Zone> {
    let years = years_used(lines);
    let mut zones = HashMap::new();
    let mut definition: Option<Definition> = None;
    for p in lines {
        let value = p.value.trim();
        let Some(def) = definition.as_mut() else {
            if p.name == "BEGIN" && value.eq_ignore_ascii_case("VTIMEZONE") {
                definition = Some(Definition::default());
            }
            continue;
        };
        let part = def.observances.last_mut();
        match (p.name.as_str(), value.to_ascii_uppercase().as_str(), part) {
            ("BEGIN", kind @ ("STANDARD" | "DAYLIGHT"), _) => def.observances.push(Observance {
                standard: kind == "STANDARD",
                ..Observance::default()
            }),
            ("END", "VTIMEZONE", _) => {
                if let Some(def) = definition.take()
                    && let Some(id) = def.id.clone()
                    && let Some(zone) = def.zone(years.get(&id).copied())
                {
                    zones.insert(id, zone);
                }
            }
            ("TZID", _, _) => def.id = Some(value.to_owned()),
            ("X-LIC-LOCATION", _, _) => def.location = Some(value.to_owned()),
            ("DTSTART", _, Some(o)) => o.start = local_time(value),
            ("TZOFFSETFROM", _, Some(o)) => o.from = utc_offset(value),
            ("TZOFFSETTO", _, Some(o)) => o.to = utc_offset(value),
            ("RRULE", _, Some(o)) => o.rule = Some(value.to_owned()),
            ("RDATE", _, Some(o)) => o.rdates.extend(value.split(',').filter_map(local_time)),
            _ => {}
        }
    }
    zones
}

/// The first and last year of the times given in each `TZID`.
fn years_used(lines: &[Property]) -> HashMap<String, (i32, i32)> {
    let mut years: HashMap<String, (i32, i32)> = HashMap::new();
    for p in lines {
        let Some(id) = p.param("TZID") else { continue };
        for value in p.value.split([',', '/']) {
            if let Some(year) = value.trim().get(..4).and_then(|y| y.parse::<i32>().ok()) {
                let span = years.entry(id.to_owned()).or_insert((year, year));
                *span = (span.0.min(year), span.1.max(year));
            }
        }
    }
    years
}

/// `19701025T030000` (a `Z` is ignored: onsets are local times).
fn local_time(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim().trim_end_matches(['Z', 'z']);
    NaiveDateTime::parse_from_str(text, "%Y%m%dT%H%M%S").ok()
}

impl Definition {
    /// The zone this definition is read as: by its name, else by its rules over `years`, else
    /// at the offset of its (last) `STANDARD` part.
    fn zone(&self, years: Option<(i32, i32)>) -> Option<Zone> {
        let id = self.id.as_deref()?;
        if let Some(tz) = known_zone(id).or_else(|| self.location.as_deref().and_then(known_zone)) {
            return Some(Zone::Named(tz));
        }
        if let Some((first, last)) = years
            && let Some(tz) = self.same_rules(id, first, last)
        {
            return Some(Zone::Named(tz));
        }
        let standard = self.observances.iter().rev().find(|o| o.standard);
        standard
            .or(self.observances.last())
            .and_then(|o| o.to)
            .map(Zone::Offset)
    }

    /// The IANA zone with the offsets of this definition from a year before `first` to five
    /// years after `last`: the zones named in the `TZID` (in any case) first.
    fn same_rules(&self, id: &str, first: i32, last: i32) -> Option<Tz> {
        let from = year_start(first.checked_sub(1)?)?;
        let to = year_start(last.checked_add(6)?)?;
        let onsets = self.onsets(from, to);
        let offsets: Vec<TimeDelta> = onsets.iter().map(|(_, o)| *o).collect();
        if offsets.iter().all(|o| Some(o) == offsets.first()) {
            // A fixed offset is read as one; no zone needs finding.
            return None;
        }
        let offset_at = |at: DateTime<Utc>| {
            let after = onsets.partition_point(|(onset, _)| *onset <= at);
            after.checked_sub(1).map(|i| onsets[i].1)
        };
        // Each month's middle, and both sides of each change of offset.
        let months = (to - from).num_days() / 30;
        let mut samples: Vec<DateTime<Utc>> = (0..months)
            .map(|month| from + TimeDelta::days(30 * month + 15))
            .collect();
        for (onset, _) in onsets.iter().filter(|(at, _)| from <= *at && *at < to) {
            samples.extend([*onset, *onset - TimeDelta::seconds(1)]);
        }
        let expected: Vec<(DateTime<Utc>, TimeDelta)> = samples
            .into_iter()
            .filter_map(|at| Some((at, offset_at(at)?)))
            .collect();
        let fits = |tz: &Tz| {
            expected.iter().all(|(at, offset)| {
                let found = tz.offset_from_utc_datetime(&at.naive_utc());
                found.base_utc_offset() + found.dst_offset() == *offset
            })
        };
        let lower = id.to_ascii_lowercase();
        let named = chrono_tz::TZ_VARIANTS
            .iter()
            .filter(|tz| lower.contains(&tz.name().to_ascii_lowercase()));
        named
            .chain(chrono_tz::TZ_VARIANTS.iter())
            .find(|tz| fits(tz))
            .copied()
    }

    /// Every change of offset from the year before `since` to `until`, in order, with the
    /// offset it brings (and the last one before, which is in force at `since`).
    fn onsets(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Vec<(DateTime<Utc>, TimeDelta)> {
        use chrono::Datelike as _;
        let mut all = Vec::new();
        for o in &self.observances {
            let (Some(start), Some(from), Some(to)) = (o.start, o.from, o.to) else {
                continue;
            };
            let mut locals = vec![start];
            locals.extend(&o.rdates);
            if let Some(rule) = &o.rule {
                // Exchange starts its yearly rules in 1601: those start again a year before
                // `since` (the rule, not the year, says when), so as not to expand 400 years.
                let upper = rule.to_ascii_uppercase();
                let yearly = upper.contains("FREQ=YEARLY") && !upper.contains("COUNT");
                let from_year = since.year() - 1;
                let restart = start
                    .with_year(from_year)
                    .filter(|_| yearly && start.year() < from_year);
                locals.extend(expand_rule(rule, restart.unwrap_or(start), until + from));
            }
            all.extend(
                locals
                    .into_iter()
                    .map(|local| ((local - from).and_utc(), to))
                    .filter(|(at, _)| *at < until),
            );
        }
        all.sort_by_key(|(at, _)| *at);
        all
    }
}

/// The local times of an observance's `RRULE` from `start` to `until` (local, read as UTC for
/// the `rrule` crate, which a local rule needs no zone for).
fn expand_rule(rule: &str, start: NaiveDateTime, until: DateTime<Utc>) -> Vec<NaiveDateTime> {
    // Onsets' UNTIL is UTC by RFC 5545 §3.6.5; a local one is taken as it stands.
    let rule: String = rule
        .split(';')
        .map(|part| match part.split_once('=') {
            Some((key, value))
                if key.trim().eq_ignore_ascii_case("UNTIL") && !value.ends_with(['Z', 'z']) =>
            {
                let value = if value.len() == 8 {
                    format!("{value}T000000")
                } else {
                    value.to_owned()
                };
                format!("UNTIL={value}Z")
            }
            _ => part.to_owned(),
        })
        .collect::<Vec<_>>()
        .join(";");
    if !rule.is_ascii() {
        return Vec::new();
    }
    let tz = rrule::Tz::UTC;
    let dt_start = tz.from_utc_datetime(&start);
    let Ok(parsed) = rule.parse::<rrule::RRule<rrule::Unvalidated>>() else {
        return Vec::new();
    };
    let Ok(valid) = parsed.validate(dt_start) else {
        return Vec::new();
    };
    rrule::RRuleSet::new(dt_start)
        .rrule(valid)
        .before(until.with_timezone(&tz))
        .all(1000)
        .dates
        .iter()
        .map(DateTime::naive_utc)
        .collect()
}

/// Midnight UTC on 1 January of `year`.
fn year_start(year: i32) -> Option<DateTime<Utc>> {
    chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
}

/// `+0100` or `-0530` as a duration east of UTC.
fn utc_offset(text: &str) -> Option<TimeDelta> {
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => (1, text),
    };
    if digits.len() < 4 || !digits.is_ascii() {
        return None;
    }
    let hours: i64 = digits[..2].parse().ok()?;
    let minutes: i64 = digits[2..4].parse().ok()?;
    Some(TimeDelta::minutes(sign * (hours * 60 + minutes)))
}

/// The zone a name means: an IANA name (in any case: Google has written `Europe/lisbon`), a
/// path or label ending in one, or a Windows name.
pub fn zone_named(name: &str) -> Option<Tz> {
    known_zone(name).or_else(|| {
        ending_in(name, |n| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find(|tz| tz.name().eq_ignore_ascii_case(n))
                .copied()
        })
    })
}

/// The zone a name means as written: an IANA name, a path ending in one, or a Windows name.
fn known_zone(name: &str) -> Option<Tz> {
    ending_in(name, |n| n.parse::<Tz>().ok())
        .or_else(|| windows_zone(name.trim().trim_matches('"')))
}

/// The zone `iana` finds for `name`, or for its last three or two segments
/// (`/mozilla.org/20050126_1/Europe/Berlin`, `/freeassociation.sourceforge.net/Europe/London`).
fn ending_in(name: &str, iana: impl Fn(&str) -> Option<Tz>) -> Option<Tz> {
    let name = name.trim().trim_matches('"');
    if let Some(tz) = iana(name) {
        return Some(tz);
    }
    let segments: Vec<&str> = name.split('/').filter(|s| !s.is_empty()).collect();
    [3, 2].into_iter().find_map(|take| {
        (segments.len() >= take)
            .then(|| iana(&segments[segments.len() - take..].join("/")))
            .flatten()
    })
}

/// The IANA zone of a Windows time zone name, for the zones of CLDR's `windowsZones.xml`
/// (territory 001) that calendars commonly carry.
fn windows_zone(name: &str) -> Option<Tz> {
    use chrono_tz::{Africa, America, Asia, Atlantic, Australia, Europe, Pacific};
    Some(match name {
        "Dateline Standard Time" => chrono_tz::Etc::GMTPlus12,
        "Hawaiian Standard Time" => Pacific::Honolulu,
        "Alaskan Standard Time" => America::Anchorage,
        "Pacific Standard Time" => America::Los_Angeles,
        "US Mountain Standard Time" => America::Phoenix,
        "Mountain Standard Time" => America::Denver,
        "Central America Standard Time" => America::Guatemala,
        "Central Standard Time" => America::Chicago,
        "Central Standard Time (Mexico)" => America::Mexico_City,
        "Canada Central Standard Time" => America::Regina,
        "SA Pacific Standard Time" => America::Bogota,
        "Eastern Standard Time" => America::New_York,
        "US Eastern Standard Time" => America::Indiana::Indianapolis,
        "Venezuela Standard Time" => America::Caracas,
        "Atlantic Standard Time" => America::Halifax,
        "SA Western Standard Time" => America::La_Paz,
        "Pacific SA Standard Time" => America::Santiago,
        "Newfoundland Standard Time" => America::St_Johns,
        "E. South America Standard Time" => America::Sao_Paulo,
        "Argentina Standard Time" => America::Argentina::Buenos_Aires,
        "SA Eastern Standard Time" => America::Cayenne,
        "UTC" | "Coordinated Universal Time" => chrono_tz::UTC,
        "GMT Standard Time" => Europe::London,
        "Greenwich Standard Time" => Atlantic::Reykjavik,
        "W. Europe Standard Time" => Europe::Berlin,
        "Central Europe Standard Time" => Europe::Budapest,
        "Romance Standard Time" => Europe::Paris,
        "Central European Standard Time" => Europe::Warsaw,
        "W. Central Africa Standard Time" => Africa::Lagos,
        "GTB Standard Time" => Europe::Bucharest,
        "E. Europe Standard Time" => Europe::Chisinau,
        "Egypt Standard Time" => Africa::Cairo,
        "FLE Standard Time" => Europe::Kiev,
        "Israel Standard Time" => Asia::Jerusalem,
        "South Africa Standard Time" => Africa::Johannesburg,
        "Turkey Standard Time" => Europe::Istanbul,
        "Arab Standard Time" => Asia::Riyadh,
        "Russian Standard Time" => Europe::Moscow,
        "E. Africa Standard Time" => Africa::Nairobi,
        "Iran Standard Time" => Asia::Tehran,
        "Arabian Standard Time" => Asia::Dubai,
        "Afghanistan Standard Time" => Asia::Kabul,
        "Pakistan Standard Time" => Asia::Karachi,
        "India Standard Time" => Asia::Kolkata,
        "Sri Lanka Standard Time" => Asia::Colombo,
        "Nepal Standard Time" => Asia::Kathmandu,
        "Bangladesh Standard Time" => Asia::Dhaka,
        "Myanmar Standard Time" => Asia::Yangon,
        "SE Asia Standard Time" => Asia::Bangkok,
        "China Standard Time" => Asia::Shanghai,
        "Singapore Standard Time" => Asia::Singapore,
        "Taipei Standard Time" => Asia::Taipei,
        "W. Australia Standard Time" => Australia::Perth,
        "Tokyo Standard Time" => Asia::Tokyo,
        "Korea Standard Time" => Asia::Seoul,
        "Cen. Australia Standard Time" => Australia::Adelaide,
        "AUS Central Standard Time" => Australia::Darwin,
        "E. Australia Standard Time" => Australia::Brisbane,
        "AUS Eastern Standard Time" => Australia::Sydney,
        "Tasmania Standard Time" => Australia::Hobart,
        "West Pacific Standard Time" => Pacific::Port_Moresby,
        "New Zealand Standard Time" => Pacific::Auckland,
        "Tonga Standard Time" => Pacific::Tongatapu,
        _ => return None,
    })
}
