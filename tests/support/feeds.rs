//! Feed documents and article pages that tests serve, written here (no third-party text).

/// One RSS item.
#[derive(Debug, Clone, Copy)]
pub struct Item<'a> {
    pub guid: &'a str,
    pub title: &'a str,
    pub link: &'a str,
    /// The item's description (plain text).
    pub text: &'a str,
}

impl<'a> Item<'a> {
    /// An item with a short description.
    pub fn new(guid: &'a str, title: &'a str, link: &'a str) -> Item<'a> {
        Item {
            guid,
            title,
            link,
            text: "A short teaser.",
        }
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An RSS 2.0 document titled `title` with `items`, in order; the items are undated (a story
/// without a date is dated when it is first seen).
pub fn rss(title: &str, items: &[Item<'_>]) -> String {
    let items: String = items
        .iter()
        .map(|i| {
            format!(
                "<item><guid isPermaLink=\"false\">{}</guid><title>{}</title><link>{}</link>\
                 <description>{}</description></item>",
                escape(i.guid),
                escape(i.title),
                escape(i.link),
                escape(i.text)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>\
         <title>{}</title><link>https://example.org/</link>{items}</channel></rss>",
        escape(title)
    )
}

/// An article page long enough to be extracted, optionally naming its canonical address.
pub fn article_page(title: &str, canonical: Option<&str>) -> String {
    let canonical = canonical
        .map(|c| format!("<link rel=\"canonical\" href=\"{}\">", escape(c)))
        .unwrap_or_default();
    let paragraph = "The harbour board met on Tuesday evening to settle the timetable for the \
        new ferry service, which will call at the north quay every forty minutes from the first \
        week of June. Members heard from the operator, the port engineer and two residents who \
        asked about noise at the landing stage late at night.";
    let body: String = (0..6).map(|_| format!("<p>{paragraph}</p>")).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{t}</title>{canonical}</head>\
         <body><article><h1>{t}</h1>{body}</article></body></html>",
        t = escape(title)
    )
}
