//! Dates printed in a page's text, and the lines that only restate when and by whom.
//!
//! [`find_stamps`] reads the dates people print: ISO (`2025-03-04`), numeric with the day or the
//! month first (`04.03.2025`, `03/04/2025`: the page's language decides when both could be
//! either), with a month name in the usual European languages (`4 March 2025`, `March 4, 2025`,
//! `4. März 2025`, `4 de marzo de 2025`), and CJK (`2025年3月4日`), each with a clock time when
//! one stands beside it. It gives the published date when the page's metadata has none (the
//! last resort), and [`is_dateline`] tells the date and byline lines that repeat the metadata
//! inside the story, which the extractor drops.

use chrono::{NaiveDate, NaiveTime};

use crate::text::month_number;

/// Years a printed date may have.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

/// A date found in text, with the byte range it covers (its time included).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Stamp {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
    pub start: usize,
    pub end: usize,
}

impl Stamp {
    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with the time (no zone: the page gave none).
    pub(crate) fn to_iso(&self) -> String {
        match self.time {
            Some(t) => format!("{}T{}", self.date.format("%Y-%m-%d"), t.format("%H:%M:%S")),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    /// A run of ASCII digits: its value (saturated) and its length.
    Num(u32, usize),
    /// A run of letters, lower case.
    Word(String),
    /// Any other character but whitespace.
    Sep(char),
}

#[derive(Debug, Clone)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// Two to five capitals, like a time zone's abbreviation (`HKT`, `CEST`).
    zone: bool,
}

fn tokenize(text: &str) -> Vec<Tok> {
    let mut toks: Vec<Tok> = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c.is_whitespace() {
            continue;
        }
        let same = |d: char| {
            if c.is_ascii_digit() {
                d.is_ascii_digit()
            } else {
                c.is_alphabetic() && d.is_alphabetic()
            }
        };
        let mut end = i + c.len_utf8();
        if c.is_ascii_digit() || c.is_alphabetic() {
            while let Some(&(j, d)) = chars.peek() {
                if !same(d) {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        let s = &text[i..end];
        let kind = if c.is_ascii_digit() {
            let v = s.bytes().fold(0u32, |v, b| {
                v.saturating_mul(10).saturating_add(u32::from(b - b'0'))
            });
            Kind::Num(v, s.len())
        } else if c.is_alphabetic() {
            Kind::Word(s.to_lowercase())
        } else {
            Kind::Sep(c)
        };
        let zone = (2..=5).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_uppercase());
        toks.push(Tok {
            kind,
            start: i,
            end,
            zone,
        });
        if toks.len() > 4096 {
            break;
        }
    }
    toks
}

fn num(t: Option<&Tok>, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    match t?.kind {
        Kind::Num(v, n) if digits.contains(&n) => Some(v),
        _ => None,
    }
}

fn sep(t: Option<&Tok>) -> Option<char> {
    match t?.kind {
        Kind::Sep(c) => Some(c),
        _ => None,
    }
}

fn word(t: Option<&Tok>) -> Option<&str> {
    match &t?.kind {
        Kind::Word(w) => Some(w),
        _ => None,
    }
}

fn month(t: Option<&Tok>) -> Option<u32> {
    word(t).and_then(month_number)
}

fn ymd(y: u32, m: u32, d: u32) -> Option<NaiveDate> {
    let y = i32::try_from(y).ok().filter(|y| YEARS.contains(y))?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// Whether the page's language writes numeric dates month first (`03/04/2025` is March 4th).
fn month_first(lang: Option<&str>) -> bool {
    let l = lang.unwrap_or("").trim().to_ascii_lowercase();
    l == "en" || l.starts_with("en-us") || l.starts_with("en_us") || l == "en-ph"
}

/// A date starting at token `i`: the date and the index after it.
fn date_at(toks: &[Tok], i: usize, lang: Option<&str>) -> Option<(NaiveDate, usize)> {
    let t = |k: usize| toks.get(i + k);
    // 2025-03-04, 2025/03/04, 2025.03.04
    if let (Some(y), Some(s)) = (num(t(0), 4..=4), sep(t(1))) {
        if matches!(s, '-' | '/' | '.') && sep(t(3)) == Some(s) {
            if let (Some(m), Some(d)) = (num(t(2), 1..=2), num(t(4), 1..=2)) {
                return Some((ymd(y, m, d)?, i + 5));
            }
        }
    }
    // 2025年3月4日, 2025년 3월 4일 (the signs are letters to `char::is_alphabetic`)
    if let Some(y) = num(t(0), 4..=4) {
        if matches!(word(t(1)), Some("年" | "년")) && matches!(word(t(3)), Some("月" | "월")) {
            let (m, d) = (num(t(2), 1..=2)?, num(t(4), 1..=2)?);
            let end = if matches!(word(t(5)), Some("日" | "일")) {
                6
            } else {
                5
            };
            return Some((ymd(y, m, d)?, i + end));
        }
    }
    // 04.03.2025, 03/04/2025, 04-03-2025
    if let (Some(a), Some(s)) = (num(t(0), 1..=2), sep(t(1))) {
        if matches!(s, '.' | '/' | '-') && sep(t(3)) == Some(s) {
            if let (Some(b), Some(y)) = (num(t(2), 1..=2), num(t(4), 4..=4)) {
                let (d, m) = if a > 12 || s == '.' {
                    (a, b)
                } else if b > 12 || month_first(lang) {
                    (b, a)
                } else {
                    (a, b)
                };
                return Some((ymd(y, m, d)?, i + 5));
            }
        }
    }
    // 4 March 2025, 4. März 2025, 4 de marzo de 2025, 4 mars, 2025
    if let Some(d) = num(t(0), 1..=2) {
        let mut k = 1;
        if sep(t(k)) == Some('.') {
            k += 1;
        }
        if word(t(k)) == Some("de") {
            k += 1;
        }
        if let Some(m) = month(t(k)) {
            k += 1;
            while matches!(sep(t(k)), Some('.' | ',')) || word(t(k)) == Some("de") {
                k += 1;
            }
            if let Some(y) = num(t(k), 4..=4) {
                return Some((ymd(y, m, d)?, i + k + 1));
            }
        }
    }
    // March 4, 2025; Mar. 4th 2025; Jun 18th 2018
    if let Some(m) = month(t(0)) {
        let mut k = 1;
        if sep(t(k)) == Some('.') {
            k += 1;
        }
        if let Some(d) = num(t(k), 1..=2) {
            k += 1;
            if matches!(word(t(k)), Some("st" | "nd" | "rd" | "th")) {
                k += 1;
            }
            if sep(t(k)) == Some(',') {
                k += 1;
            }
            if let Some(y) = num(t(k), 4..=4) {
                return Some((ymd(y, m, d)?, i + k + 1));
            }
        }
    }
    None
}

/// A clock time starting at token `i` (`17:06`, `5:06 pm`, `17.06 Uhr`): the time and the
/// index after it.
fn time_at(toks: &[Tok], i: usize) -> Option<(NaiveTime, usize)> {
    let t = |k: usize| toks.get(i + k);
    let h = num(t(0), 1..=2)?;
    let s = match (sep(t(1)), word(t(1))) {
        (Some(c @ (':' | '.')), _) => c,
        (_, Some("h")) => 'h',
        _ => return None,
    };
    let m = num(t(2), 2..=2)?;
    let mut k = 3;
    let mut sec = 0;
    if sep(t(k)) == Some(':') {
        if let Some(x) = num(t(k + 1), 2..=2) {
            sec = x;
            k += 2;
        }
    }
    let mut hour = h;
    match word(t(k)) {
        Some("pm" | "p") => {
            hour = if h < 12 { h + 12 } else { h };
            k += 1;
        }
        Some("am" | "a") => {
            hour = if h == 12 { 0 } else { h };
            k += 1;
        }
        Some("uhr" | "h") => k += 1,
        // "17.06" is a time only with "Uhr" or "h" after it.
        _ if s == '.' => return None,
        _ => {}
    }
    // "p.m."
    if sep(t(k)) == Some('.') && matches!(word(t(k.saturating_sub(1))), Some("p" | "a")) {
        k += 1;
        if word(t(k)) == Some("m") {
            k += 1;
            if sep(t(k)) == Some('.') {
                k += 1;
            }
        }
    }
    Some((NaiveTime::from_hms_opt(hour, m, sec)?, i + k))
}

/// Tokens that may stand between a date and its time ("3 March 2025, 17:06", "… at 5 pm").
fn joins(t: &Tok) -> bool {
    if t.zone {
        return true;
    }
    match &t.kind {
        Kind::Sep(c) => matches!(c, ',' | '|' | '-' | '·' | '•' | '/' | '–' | '—' | '@'),
        Kind::Word(w) => matches!(w.as_str(), "at" | "um" | "à" | "a" | "alle" | "om" | "kl"),
        Kind::Num(..) => false,
    }
}

/// Every date in `text`, in order, each with the clock time printed right before or after it.
/// `lang` (the page's language) orders the day and month of numeric dates that could be
/// either.
pub(crate) fn find_stamps(text: &str, lang: Option<&str>) -> Vec<Stamp> {
    let toks = tokenize(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let Some((date, end)) = date_at(&toks, i, lang) else {
            i += 1;
            continue;
        };
        let mut start = toks[i].start;
        let mut last = end;
        let mut time = None;
        let mut k = end;
        while k < toks.len() && k < end + 3 && joins(&toks[k]) {
            k += 1;
        }
        if let Some((t, after)) = time_at(&toks, k) {
            time = Some(t);
            last = after;
        } else {
            // A time printed first: "17:06, 4 March 2025".
            let from = out.last().map_or(0, |s: &Stamp| s.end);
            for back in (i.saturating_sub(6)..i).rev() {
                if toks[back].start < from {
                    break;
                }
                if let Some((t, after)) = time_at(&toks, back) {
                    if toks[after..i].iter().all(joins) {
                        time = Some(t);
                        start = toks[back].start;
                    }
                    break;
                }
            }
        }
        out.push(Stamp {
            date,
            time,
            start,
            end: toks[last - 1].end,
        });
        i = last;
    }
    out
}

/// Words that introduce a date or a byline, or stand beside them on such a line.
const DATELINE_WORDS: &[&str] = &[
    "by",
    "von",
    "vom",
    "par",
    "por",
    "de",
    "del",
    "di",
    "da",
    "door",
    "av",
    "af",
    "and",
    "und",
    "et",
    "y",
    "e",
    "en",
    "on",
    "at",
    "am",
    "um",
    "le",
    "el",
    "la",
    "il",
    "the",
    "written",
    "posted",
    "published",
    "updated",
    "last",
    "modified",
    "created",
    "date",
    "time",
    "veröffentlicht",
    "aktualisiert",
    "zuletzt",
    "erstellt",
    "geschrieben",
    "stand",
    "datum",
    "uhr",
    "publié",
    "publiée",
    "mis",
    "jour",
    "à",
    "publicado",
    "actualizado",
    "pubblicato",
    "aggiornato",
    "gepubliceerd",
    "bijgewerkt",
    "opublikowano",
    "aktualizacja",
    "publicerad",
    "uppdaterad",
    "udgivet",
    "opdateret",
    "publisert",
    "oppdatert",
    "correspondent",
    "reporter",
    "editor",
    "writer",
    "staff",
    "autor",
    "author",
    "redaktion",
];

/// Whether a line only restates the story's date and author: after its dates and times, the
/// names in `names` (the byline), the words that introduce them ("By", "Updated", "Posted
/// on", …, [`DATELINE_WORDS`]) and time zone abbreviations are taken out, at most three words
/// (a place, a role) are left. A line that starts "By" + one of the names is one whatever
/// follows, when short. Lines over 160 characters never are.
pub(crate) fn is_dateline(line: &str, names: &[String], lang: Option<&str>) -> bool {
    let line = line.trim();
    if line.is_empty() || line.chars().count() > 160 {
        return false;
    }
    let stamps = find_stamps(line, lang);
    let mut rest = String::with_capacity(line.len());
    let mut at = 0;
    for s in &stamps {
        rest.push_str(&line[at..s.start]);
        rest.push(' ');
        at = s.end;
    }
    rest.push_str(&line[at..]);
    let mut named = false;
    for name in names {
        if let Some(cut) = without(&rest, name.trim()) {
            named = true;
            rest = cut;
        }
    }
    if stamps.is_empty() && !named {
        return false;
    }
    let first = line
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("")
        .to_lowercase();
    let by_line = named && matches!(first.as_str(), "by" | "von" | "par" | "por" | "door" | "di");
    if by_line && line.chars().count() <= 100 {
        return true;
    }
    let toks = tokenize(&rest);
    let mut left = 0;
    for (i, t) in toks.iter().enumerate() {
        match &t.kind {
            Kind::Word(w) => {
                if !DATELINE_WORDS.contains(&w.as_str()) && !t.zone {
                    left += 1;
                }
            }
            // A clock time on its own ("Updated 09:12").
            Kind::Num(..) if time_at(&toks, i).is_some() => {}
            Kind::Num(..) | Kind::Sep(_) => {}
        }
    }
    left <= 3
}

/// What the page's metadata states about the story: its byline's names and the days of its
/// published and modified dates. A dateline that repeats it adds nothing to the story; one
/// that states something else (another day, a name only the page prints) is left to the
/// story, whose truth often keeps it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Stated {
    names: Vec<String>,
    days: Vec<NaiveDate>,
}

impl Stated {
    /// From the metadata's byline names and its dates as the page gives them (RFC 3339 or any
    /// form [`find_stamps`] reads); dates it cannot read are left out.
    pub(crate) fn new(names: Vec<String>, dates: &[&str]) -> Self {
        let days = dates
            .iter()
            .filter_map(|d| find_stamps(d, None).first().map(|s| s.date))
            .collect();
        Stated { names, days }
    }

    /// Whether a dateline ([`is_dateline`]) repeats the metadata: it prints a day within one
    /// of a stated day (the page prints local time, the metadata may be in UTC; a numeric
    /// date is read day first and month first, whatever the page's language), or it prints
    /// no date and names the byline.
    pub(crate) fn repeated_by(&self, line: &str) -> bool {
        let day_first = find_stamps(line, None);
        if day_first.is_empty() {
            return self.names.iter().any(|n| without(line, n.trim()).is_some());
        }
        day_first
            .into_iter()
            .chain(find_stamps(line, Some("en")))
            .any(|s| {
                self.days
                    .iter()
                    .any(|d| (s.date - *d).num_days().abs() <= 1)
            })
    }
}

/// `text` with every occurrence of `name` (any case, three characters or more) taken out;
/// `None` when it has none.
fn without(text: &str, name: &str) -> Option<String> {
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    if name.len() < 3 {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut out = String::with_capacity(text.len());
    let mut found = false;
    let mut i = 0;
    while i < chars.len() {
        if lower[i..].starts_with(&name) {
            out.push(' ');
            i += name.len();
            found = true;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    found.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str, lang: Option<&str>) -> Vec<String> {
        find_stamps(text, lang).iter().map(Stamp::to_iso).collect()
    }

    #[test]
    fn dates_in_the_forms_pages_print() {
        let cases = [
            ("2021-10-25 HKT 17:06", "2021-10-25T17:06:00"),
            ("Posted on March 3, 2012", "2012-03-03"),
            ("Updated 09:12, 14 Mar 2025", "2025-03-14T09:12:00"),
            ("Jun 18th 2018", "2018-06-18"),
            ("Berlin, 28.10.2021, 058/21", "2021-10-28"),
            ("27. September 2018", "2018-09-27"),
            ("3. März 2025 um 17.06 Uhr", "2025-03-03T17:06:00"),
            ("publicado el 4 de marzo de 2025", "2025-03-04"),
            ("le 4 mars 2025 à 8h30", "2025-03-04T08:30:00"),
            ("14 sierpnia 2020", "2020-08-14"),
            ("2025年3月4日 17:06", "2025-03-04T17:06:00"),
            ("Aug. 9, 2012 12:43 PM EDT", "2012-08-09T12:43:00"),
        ];
        for (text, want) in cases {
            assert_eq!(dates(text, None), [want], "{text}");
        }
        // Month or day first, by the page's language when both could be either.
        assert_eq!(dates("03/04/2025", Some("en")), ["2025-03-04"]);
        assert_eq!(dates("03/04/2025", Some("de")), ["2025-04-03"]);
        assert_eq!(dates("25/04/2025", Some("en")), ["2025-04-25"]);
        for text in [
            "13/13/2025",
            "3 of 12",
            "May we go?",
            "1800-01-01",
            "v10.5.300",
        ] {
            assert!(dates(text, None).is_empty(), "{text}");
        }
    }

    #[test]
    fn datelines_and_bylines_are_told_from_story_text() {
        let names = vec!["Zoë Singh".to_string()];
        for line in [
            "2025-03-03 HKT 07:09",
            "Written by Zoë Singh",
            "Last updated: 2025-03-03 HKT 09:34",
            "São Paulo 03/03/2025 16:28 | By Zoë Singh",
            "By Zoë SinghThe São Paulo Ledger (World) correspondent",
            "Updated 09:12, 3 Mar 2025",
            "3 March 2025",
            "Posted on March 3, 2025 by Zoë Singh",
        ] {
            assert!(is_dateline(line, &names, Some("en")), "{line}");
        }
        for line in [
            "On 3 March 2025 the council approved the harbour plan after two delays.",
            "Zoë Singh said the ferries would run again on Monday.",
            "Share this story",
            "The harbour plan",
        ] {
            assert!(!is_dateline(line, &names, Some("en")), "{line}");
        }
    }

    #[test]
    fn stated_metadata_is_repeated_by_the_same_day_or_the_byline() {
        let stated = Stated::new(
            vec!["Zoë Singh".to_string()],
            &["2025-03-03T22:31:00-05:00", "not a date"],
        );
        for line in [
            "04/03/2025 04:46 | By Zoë Singh",
            "03/03/2025",
            "3/4/2025",
            "March 3, 2025",
            "Last updated: 2025-03-04 HKT 11:40",
            "By Zoë Singh",
        ] {
            assert!(stated.repeated_by(line), "{line}");
        }
        for line in ["March 9, 2025", "By Ann Lee", "2024-03-03"] {
            assert!(!stated.repeated_by(line), "{line}");
        }
        assert!(!Stated::new(Vec::new(), &[]).repeated_by("March 3, 2025"));
    }
}
