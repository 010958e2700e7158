//! Small text helpers shared by the parsers (feeds, pages) so each does them one way.

/// Trims and collapses every whitespace run (NBSP included) to one space.
pub fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The month (1 to 12) a month name or abbreviation names, in any case, with a trailing `.` or
/// `,`: English, German, French, Spanish, Italian, Portuguese, Dutch, Hungarian, Polish (both
/// cases dates use), Swedish, Danish, Norwegian and Greek. `None` for anything else and for
/// words under three letters.
pub fn month_number(token: &str) -> Option<u32> {
    let t = token.trim_end_matches(['.', ',']).to_lowercase();
    if t.chars().count() < 3 {
        return None;
    }
    MONTHS
        .iter()
        .chain(GREEK_MONTHS.iter())
        .position(|names| names.contains(&t.as_str()))
        .map(|p| (p % 12) as u32 + 1)
}

/// Month names and abbreviations, January first (see [`month_number`]).
#[rustfmt::skip]
const MONTHS: [&[&str]; 12] = [
    &["jan", "january", "januar", "janvier", "janv", "enero", "ene", "gennaio", "gen", "janeiro", "januari", "jän", "jänner", "január", "stycznia", "styczeń", "styczen"],
    &["feb", "february", "februar", "février", "févr", "fév", "fevrier", "febrero", "febbraio", "fevereiro", "fev", "februari", "február", "lutego", "luty"],
    &["mar", "march", "märz", "mär", "mrz", "mars", "marzo", "março", "maart", "mrt", "március", "marca", "marzec", "marts"],
    &["apr", "april", "avril", "avr", "abril", "abr", "aprile", "április", "kwietnia", "kwiecień"],
    &["may", "mai", "mayo", "maggio", "mag", "maio", "mei", "május", "maja", "maj"],
    &["jun", "june", "juni", "juin", "junio", "giugno", "giu", "junho", "június", "czerwca", "czerwiec"],
    &["jul", "july", "juli", "juillet", "juil", "julio", "luglio", "lug", "julho", "július", "lipca", "lipiec"],
    &["aug", "august", "août", "aout", "agosto", "ago", "augustus", "augusztus", "sierpnia", "sierpień", "augusti"],
    &["sep", "sept", "september", "septembre", "septiembre", "set", "settembre", "setembro", "szeptember", "września", "wrzesień"],
    &["oct", "october", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "outubro", "out", "október", "października", "październik"],
    &["nov", "november", "novembre", "noviembre", "novembro", "listopada", "listopad"],
    &["dec", "december", "dezember", "dez", "décembre", "déc", "decembre", "diciembre", "dic", "dicembre", "dezembro", "grudnia", "grudzień", "desember"],
];

/// Greek month abbreviations (with and without accents), January first.
const GREEK_MONTHS: [&[&str]; 12] = [
    &["ιαν"],
    &["φεβ"],
    &["μάω", "μαρ", "μάρ"],
    &["απρ"],
    &["μάι", "μαϊ", "μαι", "μάϊ"],
    &["ιούν", "ιον", "ιουν"],
    &["ιούλ", "ιολ", "ιουλ"],
    &["αύγ", "αυγ"],
    &["σεπ"],
    &["οκτ"],
    &["νοέ", "νοε"],
    &["δεκ"],
];

#[cfg(test)]
mod tests {
    #[test]
    fn collapses_and_trims() {
        assert_eq!(super::collapse_whitespace("  a \u{a0}\n b  "), "a b");
    }

    #[test]
    fn month_names_in_several_languages() {
        use super::month_number;
        for (name, month) in [
            ("March", 3),
            ("März", 3),
            ("mars", 3),
            ("Sept.", 9),
            ("sierpnia", 8),
        ] {
            assert_eq!(month_number(name), Some(month), "{name}");
        }
        assert_eq!(month_number("decade"), None);
        assert_eq!(month_number("ma"), None);
    }
}
