//! Liberal date parsing for feeds: RFC 822/1123 with the variants found in the wild (no
//! weekday, two-digit years, named, numeric and military zones, `UT`, `Z`, a missing zone,
//! non-English month names), RFC 3339 / ISO 8601 / W3C-DTF (reduced precision, no colon,
//! space for `T`, a weekday before it), asctime, Korean dates and day-first dotted dates. What cannot be read, or falls outside 1970..=2100, is `None`:
//! never the fetch time, never a wrapped year.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::text::month_number;

const MIN_YEAR: i32 = 1970;
const MAX_YEAR: i32 = 2100;

/// Parses a feed date; `None` when unknown.
pub(crate) fn parse_date(input: &str) -> Option<DateTime<FixedOffset>> {
    let s = input.trim();
    if s.is_empty() || s.len() > 128 {
        return None;
    }
    let dt = if let Some(korean) = korean_to_latin(s) {
        parse_numeric_date_and_clock(&korean, KOREA)
    } else if let Some(iso) = day_first_dotted_to_iso(s) {
        parse_iso(&iso)
    } else if s.as_bytes()[0].is_ascii_digit() && looks_iso(s) {
        parse_iso(s).or_else(|| parse_rfc822(s))
    } else if let Some(rest) = after_weekday(s).filter(|r| looks_iso(r)) {
        // A weekday before a numeric date: "Fri, 2006/09/15 08:19:53 EDT".
        parse_iso(rest)
    } else {
        parse_rfc822(s)
    }?;
    let year = dt.year();
    (MIN_YEAR..=MAX_YEAR).contains(&year).then_some(dt)
}

use chrono::{Datelike, Timelike};

/// Korea's time, UTC+9: a date written the Korean way with no zone is Korean.
const KOREA: i32 = 9 * 3600;

/// "2004년 05월 28일 01:31:15 PM" and "2004-05-25 오후 11:23:17" as "2004-05-28 01:31:15 PM"
/// and "2004-05-25 PM 11:23:17"; `None` when the date has no Korean in it.
fn korean_to_latin(s: &str) -> Option<String> {
    if !s.contains(['년', '월', '일', '오']) {
        return None;
    }
    let latin = s
        .replace("오전", " AM ")
        .replace("오후", " PM ")
        .replace(['년', '월'], "-")
        .replace('일', " ");
    Some(
        latin
            .split('-')
            .map(str::trim)
            .collect::<Vec<_>>()
            .join("-"),
    )
}

/// A numeric date (`YYYY-MM-DD`), then a clock with or without AM/PM (before or after it),
/// then an optional zone; `default_offset` when the zone is missing.
fn parse_numeric_date_and_clock(s: &str, default_offset: i32) -> Option<DateTime<FixedOffset>> {
    let mut tokens = s.split_whitespace();
    let date = parse_iso(tokens.next()?)?.date_naive();
    let (mut time, mut pm, mut offset) = (None, None, None);
    for t in tokens {
        if is_am_pm(t) {
            pm = Some(t.to_ascii_lowercase().starts_with('p'));
        } else if time.is_none() && t.as_bytes()[0].is_ascii_digit() {
            let (clock, rest) = parse_clock(t)?;
            if !rest.is_empty() {
                return None;
            }
            time = Some(clock);
        } else if time.is_some() && offset.is_none() {
            offset = Some(parse_zone(t)?);
        } else {
            return None;
        }
    }
    let time = time.unwrap_or(NaiveTime::MIN);
    let time = match pm {
        Some(pm) => twelve_hour(time, pm)?,
        None => time,
    };
    date_time(date, time, Some(offset.unwrap_or(default_offset)))
}

/// A 12-hour clock's time on the 24-hour clock: 12:05 AM is 00:05, 1:05 PM is 13:05.
fn twelve_hour(clock: NaiveTime, pm: bool) -> Option<NaiveTime> {
    clock.with_hour(clock.hour() % 12 + if pm { 12 } else { 0 })
}

/// "31.12.2006 12:00" (day first: dotted numeric dates are written so in Europe) as
/// "2006-12-31 12:00".
fn day_first_dotted_to_iso(s: &str) -> Option<String> {
    let (date, rest) = s.split_once(' ').unwrap_or((s, ""));
    let mut parts = date.split('.');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let numeric =
        |p: &str, lens: &[usize]| lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !numeric(day, &[1, 2]) || !numeric(month, &[1, 2]) {
        return None;
    }
    if !numeric(year, &[4]) {
        return None;
    }
    Some(
        format!("{year}-{month:0>2}-{day:0>2} {rest}")
            .trim_end()
            .to_string(),
    )
}

/// What follows a leading weekday ("Fri, "), if the date starts with one.
fn after_weekday(s: &str) -> Option<&str> {
    let (first, rest) = s.split_once([' ', ','])?;
    is_weekday(first).then(|| rest.trim_start_matches([' ', ',']))
}

fn looks_iso(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 4
        && b[..4].iter().all(u8::is_ascii_digit)
        && (b.len() == 4 || !b[4].is_ascii_whitespace())
}

fn digits(s: &str, n: usize) -> Option<(u32, &str)> {
    if s.len() < n || !s.as_bytes()[..n].iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some((s[..n].parse().ok()?, &s[n..]))
}

/// ISO 8601 / RFC 3339 / W3C-DTF: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYYMMDD`, `YYYY-DDD` (day of
/// the year), then optional `T` or space, `hh:mm[:ss[.frac]]` (or `hhmmss`), then optional zone.
fn parse_iso(s: &str) -> Option<DateTime<FixedOffset>> {
    let (year, mut rest) = digits(s, 4)?;
    let (mut month, mut day) = (1, 1);
    let sep = rest.starts_with(['-', '/', '.']);
    let named_month = rest
        .strip_prefix('-')
        .and_then(|r| r.split_once('-'))
        .filter(|(m, _)| m.chars().next().is_some_and(char::is_alphabetic))
        .and_then(|(m, r)| Some((month_number(m)?, r)));
    if let Some((m, r)) = named_month {
        // "2004-július-13T9:15-05:00"
        let (d, r) = digits(r, 2).or_else(|| digits(r, 1))?;
        month = m;
        day = d;
        rest = r;
    } else if let Some((ordinal, r)) = rest
        .strip_prefix('-')
        .and_then(|r| digits(r, 3))
        .filter(|(_, r)| !r.starts_with(|c: char| c.is_ascii_digit() || c == '-'))
    {
        // An ordinal date, day of the year: "2003-335T12:00Z" (ISO 8601).
        let date = NaiveDate::from_yo_opt(year as i32, ordinal)?;
        month = date.month();
        day = date.day();
        rest = r;
    } else if sep {
        let (m, r) = digits(&rest[1..], 2).or_else(|| digits(&rest[1..], 1))?;
        month = m;
        rest = r;
        if rest.starts_with(['-', '/', '.']) {
            let (d, r) = digits(&rest[1..], 2).or_else(|| digits(&rest[1..], 1))?;
            day = d;
            rest = r;
        }
    } else if let Some((m, r)) = digits(rest, 2) {
        let (d, r) = digits(r, 2)?;
        month = m;
        day = d;
        rest = r;
    }
    let date = NaiveDate::from_ymd_opt(year as i32, month, day)?;
    let rest = rest.trim_start_matches(['T', 't', ' ']);
    if rest.is_empty() {
        return date_time(date, NaiveTime::MIN, Some(0));
    }
    let (time, rest) = parse_clock(rest)?;
    let rest = rest.trim();
    let offset = if rest.is_empty() {
        Some(0)
    } else {
        Some(parse_zone(rest)?)
    };
    date_time(date, time, offset)
}

/// `hh:mm[:ss[.frac]]` or `hhmm[ss]`; returns the time and what follows.
fn parse_clock(s: &str) -> Option<(NaiveTime, &str)> {
    let (h, mut rest) = digits(s, 2).or_else(|| digits(s, 1))?;
    let colon = rest.starts_with(':');
    let (m, r) = if colon {
        digits(&rest[1..], 2)?
    } else {
        digits(rest, 2)?
    };
    rest = r;
    let mut sec = 0;
    if colon && rest.starts_with(':') {
        let (v, r) = digits(&rest[1..], 2)?;
        sec = v;
        rest = r;
    } else if !colon {
        if let Some((v, r)) = digits(rest, 2) {
            sec = v;
            rest = r;
        }
    }
    let mut nanos = 0;
    if let Some(r) = rest.strip_prefix(['.', ',']) {
        let frac_len = r.bytes().take_while(u8::is_ascii_digit).count();
        let frac = &r[..frac_len];
        for (i, d) in frac.bytes().take(9).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &r[frac_len..];
    }
    let sec = if sec == 60 { 59 } else { sec };
    Some((NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?, rest))
}

fn date_time(
    date: NaiveDate,
    time: NaiveTime,
    offset_secs: Option<i32>,
) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(offset_secs.unwrap_or(0))?;
    offset
        .from_local_datetime(&NaiveDateTime::new(date, time))
        .single()
}

/// A zone: `Z`, `±hh:mm`, `±hhmm`, `±hh`, a name (`GMT`, `EST`, `UT`, …), `GMT+2`, or a
/// military letter. Returns seconds east of UTC.
fn parse_zone(z: &str) -> Option<i32> {
    let z = z.trim().trim_start_matches('(').trim_end_matches(')');
    if let Some(sign_pos) = z.find(['+', '-']) {
        let (name, num) = z.split_at(sign_pos);
        if !name.is_empty() && !matches!(name.to_ascii_uppercase().as_str(), "GMT" | "UTC" | "UT") {
            return None;
        }
        let sign = if num.starts_with('-') { -1 } else { 1 };
        let num = &num[1..];
        let num = num.split_whitespace().next().unwrap_or("");
        let (h, m) = if let Some((h, m)) = num.split_once(':') {
            (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?)
        } else {
            match num.len() {
                1 | 2 => (num.parse().ok()?, 0),
                3 | 4 => {
                    let v: i32 = num.parse().ok()?;
                    (v / 100, v % 100)
                }
                _ => return None,
            }
        };
        if h > 14 || m > 59 {
            return None;
        }
        return Some(sign * (h * 3600 + m * 60));
    }
    let name = z
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    let hours = match name.as_str() {
        "Z" | "UT" | "UTC" | "GMT" | "WET" | "Z0" => 0.0,
        "EST" => -5.0,
        "EDT" => -4.0,
        "CST" => -6.0,
        "CDT" => -5.0,
        "MST" => -7.0,
        "MDT" => -6.0,
        "PST" => -8.0,
        "PDT" => -7.0,
        // North American zones named without standard or daylight time: the standard one.
        "ET" => -5.0,
        "CT" => -6.0,
        "MT" => -7.0,
        "PT" => -8.0,
        "AKST" => -9.0,
        "AKDT" => -8.0,
        "HST" => -10.0,
        "AST" => -4.0,
        "ADT" => -3.0,
        "NST" => -3.5,
        "NDT" => -2.5,
        "BST" | "CET" | "MET" | "MEZ" | "WEST" => 1.0,
        "CEST" | "MEST" | "MESZ" | "EET" | "SAST" => 2.0,
        "EEST" | "MSK" => 3.0,
        "IST" => 5.5,
        "HKT" | "SGT" | "AWST" => 8.0,
        "JST" | "KST" => 9.0,
        "ACST" => 9.5,
        "AEST" => 10.0,
        "ACDT" => 10.5,
        "AEDT" => 11.0,
        "NZST" => 12.0,
        "NZDT" => 13.0,
        // RFC 2822: military zones other than Z carry no information.
        n if n.len() == 1 && n.as_bytes()[0].is_ascii_alphabetic() && n != "J" => 0.0,
        _ => return None,
    };
    Some((hours * 3600.0) as i32)
}

/// RFC 822 and relatives: tokens in any common order (`[Wkd,] DD Mon YYYY hh:mm[:ss] [zone]`,
/// `Mon DD hh:mm:ss YYYY`, `DD Mon YYYY`, …).
fn parse_rfc822(s: &str) -> Option<DateTime<FixedOffset>> {
    let mut tokens: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    if tokens.len() > 12 {
        return None;
    }
    // "04-Mar-2025" style dates.
    let mut split_owned: Vec<&str> = Vec::new();
    for t in &tokens {
        if t.contains('-') && t.split('-').nth(1).and_then(month_number).is_some() {
            // "-Nov" or "24--Nov" leave empty parts: dropped, the loop below reads each
            // token's first byte.
            split_owned.extend(t.split('-').filter(|p| !p.is_empty()));
        } else {
            split_owned.push(t);
        }
    }
    tokens = split_owned;
    let mut month = None;
    let mut numbers: Vec<&str> = Vec::new();
    let mut time = None;
    let mut offset = None;
    for (idx, t) in tokens.iter().enumerate() {
        if (offset.is_some() && !t.as_bytes()[0].is_ascii_digit()) || t.starts_with('(') {
            // A comment or a second spelling of the zone: "+0000 (UTC)", "+0000 GMT".
            continue;
        }
        if t.contains(':') && time.is_none() && t.as_bytes()[0].is_ascii_digit() {
            let (clock, rest) = parse_clock(t)?;
            time = Some(clock);
            if !rest.is_empty() {
                offset = Some(parse_zone(rest)?);
            }
        } else if t.as_bytes()[0].is_ascii_digit() {
            if time.is_some() && numbers.len() >= 2 {
                return None;
            }
            numbers.push(t);
        } else if (t.starts_with('+') || t.starts_with('-')) && time.is_some() {
            offset = Some(parse_zone(t)?);
        } else if let Some(m) = month_number(t) {
            if month.is_some() {
                // A weekday that reads like a month ("mar" = martes); keep the later one.
                if idx == 0 {
                    return None;
                }
            }
            month = Some(m);
        } else if let (Some(clock), true) = (time, is_am_pm(t)) {
            // 12-hour clock: "12:00 PM", "1:05 am".
            time = twelve_hour(clock, t.to_ascii_lowercase().starts_with('p'));
        } else if time.is_some() && offset.is_none() {
            if let Some(z) = parse_zone(t) {
                offset = Some(z);
            } else if !is_weekday(t) {
                return None;
            }
        } else if !is_weekday(t) && idx != 0 {
            return None;
        }
    }
    let month = month?;
    let (day, year) = match numbers.as_slice() {
        [a, b] if a.len() >= 3 => (b, a),
        [a, b] => (a, b),
        _ => return None,
    };
    let day: u32 = day.parse().ok()?;
    let year_num: i32 = year.parse().ok()?;
    let year = match year.len() {
        2 if year_num < 50 => 2000 + year_num,
        2 => 1900 + year_num,
        4 => year_num,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    date_time(date, time.unwrap_or(NaiveTime::MIN), offset)
}

fn is_am_pm(t: &str) -> bool {
    matches!(
        t.to_ascii_lowercase().as_str(),
        "am" | "pm" | "a.m." | "p.m."
    )
}

fn is_weekday(t: &str) -> bool {
    let t = t.trim_end_matches(['.', ',']).to_lowercase();
    const DAYS: &[&str] = &[
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mo",
        "di",
        "mi",
        "do",
        "fr",
        "sa",
        "so",
        "lun",
        "mar",
        "mer",
        "jeu",
        "ven",
        "sam",
        "dim",
        "mié",
        "jue",
        "vie",
        "sáb",
        "dom",
        "κυρ",
        "δευ",
        "τρι",
        "τετ",
        "πεμ",
        "παρ",
        "σαβ",
    ];
    DAYS.contains(&t.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso(s: &str) -> Option<String> {
        parse_date(s).map(|d| d.to_rfc3339())
    }

    #[test]
    fn rfc822_variants() {
        let cases = [
            ("Tue, 04 Mar 2025 21:06:00 GMT", "2025-03-04T21:06:00+00:00"),
            ("04 Mar 2025 21:06:00 +0100", "2025-03-04T21:06:00+01:00"),
            ("Tue, 4 Mar 25 21:06 EST", "2025-03-04T21:06:00-05:00"),
            ("Tue, 04 Mar 2025 21:06:00 UT", "2025-03-04T21:06:00+00:00"),
            ("Tue, 04 Mar 2025 21:06:00 Z", "2025-03-04T21:06:00+00:00"),
            ("Tue, 04 Mar 2025 21:06:00", "2025-03-04T21:06:00+00:00"),
            (
                "Tue, 04 Mar 2025 21:06:00 +05:30",
                "2025-03-04T21:06:00+05:30",
            ),
            ("Thu, 01 Jan 04 19:48:21 GMT", "2004-01-01T19:48:21+00:00"),
            (
                "Di, 04 März 2025 21:06:00 +0100",
                "2025-03-04T21:06:00+01:00",
            ),
            ("4 juillet 2025 10:00", "2025-07-04T10:00:00+00:00"),
            ("Tue Mar  4 21:06:00 2025", "2025-03-04T21:06:00+00:00"),
            ("Tue Mar  4 21:06:00 UTC 2025", "2025-03-04T21:06:00+00:00"),
            ("Mar 4, 2025 9:06 PM", "2025-03-04T21:06:00+00:00"),
            ("Mar 4, 2025 12:06 am EST", "2025-03-04T00:06:00-05:00"),
            ("Mon, 26 Jan 2004 16:31:00 ET", "2004-01-26T16:31:00-05:00"),
            ("Mon, 26 Jan 2004 16:31:00 PT", "2004-01-26T16:31:00-08:00"),
            ("04 Mar 2025", "2025-03-04T00:00:00+00:00"),
            (
                "Sun, 02 Mar 2025 23:59:59 +0000 (UTC)",
                "2025-03-02T23:59:59+00:00",
            ),
            (
                "Κυρ, 11 Ιούλ 2004 12:00:00 EST",
                "2004-07-11T12:00:00-05:00",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(iso(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn iso_variants() {
        let cases = [
            ("2025-03-04T21:06:00Z", "2025-03-04T21:06:00+00:00"),
            (
                "2025-03-04T21:06:00.123+02:00",
                "2025-03-04T21:06:00.123+02:00",
            ),
            ("2025-03-04T21:06+0200", "2025-03-04T21:06:00+02:00"),
            ("2025-03-04 21:06:00", "2025-03-04T21:06:00+00:00"),
            ("2025-03-04", "2025-03-04T00:00:00+00:00"),
            ("2025-03", "2025-03-01T00:00:00+00:00"),
            ("20250304T210600Z", "2025-03-04T21:06:00+00:00"),
            ("2004-július-13T9:15-05:00", "2004-07-13T09:15:00-05:00"),
            ("Fri, 2006/09/15 08:19:53 EDT", "2006-09-15T08:19:53-04:00"),
            ("31.12.2006 12:00", "2006-12-31T12:00:00+00:00"),
            ("1.2.2006", "2006-02-01T00:00:00+00:00"),
        ];
        for (input, want) in cases {
            assert_eq!(iso(input).as_deref(), Some(want), "{input}");
        }
    }

    #[test]
    fn korean_dates_are_korean_time_unless_zoned() {
        let cases = [
            ("2004-05-25 오후 11:23:17", "2004-05-25T23:23:17+09:00"),
            ("2004-05-25 오전 12:03:17", "2004-05-25T00:03:17+09:00"),
            ("2004년 05월 28일  01:31:15 PM", "2004-05-28T13:31:15+09:00"),
            ("2004년 5월 28일 13:31", "2004-05-28T13:31:00+09:00"),
            ("2004년 5월 28일", "2004-05-28T00:00:00+09:00"),
            (
                "2004-05-25 오후 11:23:17 +0000",
                "2004-05-25T23:23:17+00:00",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(iso(input).as_deref(), Some(want), "{input}");
        }
        for input in ["2004년 13월 28일", "오후", "2004년 5월 28일 오후 오류"] {
            assert_eq!(iso(input), None, "{input}");
        }
    }

    #[test]
    fn unknown_dates_are_none() {
        for input in [
            "",
            "   ",
            "Mon, 32 Foo 2025 25:61:00 XYZ",
            "2025-13-45T99:99:99Z",
            "31 Dec 9999 00:00:00 GMT",
            "01 Jan 1900 00:00:00 GMT",
            "yesterday",
            "Tue, 30 Feb 2025 10:00:00 GMT",
        ] {
            assert_eq!(iso(input), None, "{input}");
        }
    }

    /// Found by fuzzing (fuzz/fuzz_targets/feed_parse.rs): a dash before or after a month name
    /// left an empty token, and reading its first byte panicked.
    #[test]
    fn dashes_around_a_month_never_panic() {
        for input in [
            "Tue, 24 -Nov 2026 10:|0:0",
            "24 Nov- 2026",
            "24--Nov--2026 10:00",
            "-Nov",
            "Nov-",
            "- Nov -",
        ] {
            let _ = iso(input);
        }
        assert_eq!(
            iso("Tue, 24 -Nov 2026 10:00:00 GMT").as_deref(),
            Some("2026-11-24T10:00:00+00:00")
        );
    }
}
