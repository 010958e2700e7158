//! Writing OPML 2.0.

use super::OpmlSubscription;
use crate::text::{escaped, Escape};

/// An OPML 2.0 document (UTF-8) listing `subs`: top-level feeds first in the order given, then
/// one parent outline per folder (in order of first appearance; the folder name is the
/// flattened path, written as is), each holding its feeds in order. Every attribute and the
/// title are XML-escaped; characters XML 1.0 cannot carry (most control characters) are left
/// out, and newlines and tabs are written as character references so they survive reading.
pub fn write_opml(title: &str, subs: &[OpmlSubscription]) -> String {
    let mut out = String::with_capacity(256 + subs.len() * 160);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n  <head>\n");
    out.push_str(&format!(
        "    <title>{}</title>\n",
        escaped(title, Escape::Xml)
    ));
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
        let name = escaped(folder, Escape::Xml);
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
    let name = escaped(
        sub.title.as_deref().unwrap_or(sub.xml_url.as_str()),
        Escape::Xml,
    );
    out.push_str(&" ".repeat(indent));
    out.push_str(&format!(
        "<outline type=\"rss\" text=\"{name}\" title=\"{name}\" xmlUrl=\"{}\"",
        escaped(sub.xml_url.as_str(), Escape::Xml)
    ));
    if let Some(html) = &sub.html_url {
        out.push_str(&format!(
            " htmlUrl=\"{}\"",
            escaped(html.as_str(), Escape::Xml)
        ));
    }
    out.push_str("/>\n");
}
