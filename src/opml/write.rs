//! Writing OPML 2.0.

use super::OpmlSubscription;

/// An OPML 2.0 document (UTF-8) listing `subs`: top-level feeds first in the order given, then
/// one parent outline per folder (in order of first appearance; the folder name is the
/// flattened path, written as is), each holding its feeds in order. Every attribute and the
/// title are XML-escaped; characters XML 1.0 cannot carry (most control characters) are left
/// out, and newlines and tabs are written as character references so they survive reading.
pub fn write_opml(title: &str, subs: &[OpmlSubscription]) -> String {
    let mut out = String::with_capacity(256 + subs.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    out.push_str(&format!("    <title>{}</title>\n", escape(title)));
    out.push_str("  </head>\n  <body>\n");

    for sub in subs.iter().filter(|s| s.folder.is_none()) {
        write_feed(&mut out, sub, 4);
    }
    let mut folders: Vec<&str> = Vec::new();
    for folder in subs.iter().filter_map(|s| s.folder.as_deref()) {
        if !folders.contains(&folder) {
            folders.push(folder);
        }
    }
    for folder in folders {
        let name = escape(folder);
        out.push_str(&format!("    <outline text=\"{name}\" title=\"{name}\">\n"));
        for sub in subs.iter().filter(|s| s.folder.as_deref() == Some(folder)) {
            write_feed(&mut out, sub, 6);
        }
        out.push_str("    </outline>\n");
    }
    out.push_str("  </body>\n</opml>\n");
    out
}

fn write_feed(out: &mut String, sub: &OpmlSubscription, indent: usize) {
    let name = escape(sub.title.as_deref().unwrap_or(sub.xml_url.as_str()));
    out.push_str(&" ".repeat(indent));
    out.push_str(&format!(
        "<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\"",
        escape(sub.xml_url.as_str())
    ));
    if let Some(html) = &sub.html_url {
        out.push_str(&format!(" htmlUrl=\"{}\"", escape(html.as_str())));
    }
    out.push_str("/>\n");
}

/// Escapes for both text and double- or single-quoted attributes.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// XML 1.0 `Char` (tab, newline and carriage return are handled before this is asked).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}
