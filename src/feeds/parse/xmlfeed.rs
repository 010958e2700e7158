//! RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and CDF read from the tolerant element tree
//! ([`super::xml`]).
//!
//! One mapping for all XML formats: elements are matched by namespace and local name, so an
//! RSS feed with Atom, Dublin Core, `content:`, Media RSS or iTunes elements reads the same as
//! its plain form. Content types follow the specs: Atom says (`text`, `html`, `xhtml`, 0.3's
//! `mode`), RSS does not, so its text is HTML when it looks like HTML. CDF (a `<CHANNEL>` root)
//! is read as RSS whose links, abstracts and dates are attributes. Where an item has several
//! summaries, dates or titles, the rules are feedparser's: the first summary-like element is
//! the summary and a second one the content when there is none; the first readable
//! publication date, the latest readable update; Media RSS's title and description when the
//! item has none of its own.

use chrono::{DateTime, FixedOffset};
use url::Url;

use super::dates::parse_date;
use super::normalize::{
    absolute_url, author_name, looks_like_html, rebase, to_html, to_plain, Value,
};
use super::xml::{Doc, Element, Ns};
use super::{FeedFormat, ParseError, ParsedEntry, ParsedFeed};

/// Root element local names a feed can have.
fn is_feed_root(e: &Element) -> bool {
    matches!(
        e.local().to_ascii_lowercase().as_str(),
        "rss" | "feed" | "rdf" | "channel"
    )
}

/// Finds the feed root: the root element, or the first feed-like element near the top when
/// junk (an HTML error message, a wrapper) comes first.
fn find_root(doc: &Doc) -> Option<usize> {
    let mut frontier: Vec<usize> = vec![0];
    for _ in 0..4 {
        let mut next = Vec::new();
        for &n in &frontier {
            for (c, e) in doc.child_elements(n) {
                if is_feed_root(e) {
                    return Some(c);
                }
                next.push(c);
            }
        }
        if next.is_empty() || next.len() > 4096 {
            break;
        }
        frontier = next;
    }
    None
}

fn is_atom(ns: Ns) -> bool {
    matches!(ns, Ns::Atom10 | Ns::Atom03)
}

/// Elements of the document's own format (an unknown default namespace counts: feeds put
/// RSS in made-up namespaces).
fn is_core(e: &Element, atom_doc: bool) -> bool {
    match e.ns {
        Ns::None => true,
        Ns::Rss10 | Ns::Rss090 => !atom_doc,
        Ns::Atom10 | Ns::Atom03 => atom_doc,
        Ns::Other => e.unprefixed(),
        _ => false,
    }
}

struct Mapper<'d> {
    doc: &'d Doc<'d>,
    atom_doc: bool,
    atom03: bool,
}

pub(crate) fn map(doc: &Doc, feed_url: &Url, html_hint: bool) -> Result<ParsedFeed, ParseError> {
    let Some(root_id) = find_root(doc) else {
        let root_name = doc
            .root()
            .and_then(|r| doc.element(r))
            .map(|e| e.local().to_ascii_lowercase());
        return match root_name.as_deref() {
            Some(
                "html" | "head" | "body" | "div" | "p" | "table" | "meta" | "title" | "script"
                | "frameset" | "center" | "font" | "h1" | "form",
            ) => Err(ParseError::Html),
            _ if html_hint => Err(ParseError::Html),
            Some(other) => Err(ParseError::NotAFeed(format!(
                "unknown root element <{other}>"
            ))),
            None => Err(ParseError::NotAFeed("no XML element found".into())),
        };
    };
    let root = doc
        .element(root_id)
        .ok_or_else(|| ParseError::NotAFeed("no root element".into()))?;
    let atom_doc = root.local().eq_ignore_ascii_case("feed");
    let atom03 = atom_doc && (root.ns == Ns::Atom03 || root.attr("version") == Some("0.3"));
    let m = Mapper {
        doc,
        atom_doc,
        atom03,
    };
    let format = match root.local().to_ascii_lowercase().as_str() {
        "channel" => FeedFormat::Cdf,
        "feed" if atom03 => FeedFormat::Atom03,
        "feed" => FeedFormat::Atom10,
        "rdf" => {
            let ns090 = doc.child_elements(root_id).any(|(_, e)| e.ns == Ns::Rss090);
            if ns090 {
                FeedFormat::Rss0
            } else {
                FeedFormat::Rss1
            }
        }
        _ => match root
            .attrs
            .iter()
            .find(|a| a.name.eq_ignore_ascii_case("version"))
            .map(|a| a.value.trim())
        {
            Some(v) if v.starts_with("0.9") => FeedFormat::Rss0,
            _ => FeedFormat::Rss2,
        },
    };
    // CDF's channel names its base in `BASE`.
    let cdf_base = (format == FeedFormat::Cdf)
        .then(|| root.attr_ci("base"))
        .flatten();
    let root_base =
        rebase(feed_url, root.attr("xml:base").or(cdf_base)).unwrap_or_else(|| feed_url.clone());
    let root_lang = root.attr("xml:lang").map(str::to_string);
    let mut feed = if atom_doc {
        m.atom_feed(root_id, &root_base, root_lang)
    } else {
        m.rss_feed(root_id, &root_base, root_lang)
    };
    feed.format = format;
    Ok(feed)
}

impl<'d> Mapper<'d> {
    /// An Atom element: in an Atom namespace, or unqualified in an Atom document.
    fn atomish(&self, e: &Element) -> bool {
        is_atom(e.ns) || (self.atom_doc && is_core(e, true))
    }

    fn el(&self, id: usize) -> Option<&'d Element<'d>> {
        self.doc.element(id)
    }

    /// First child element matching `pred`.
    fn child(&self, id: usize, pred: impl Fn(&Element) -> bool) -> Option<usize> {
        self.doc
            .child_elements(id)
            .find(|(_, e)| pred(e))
            .map(|(c, _)| c)
    }

    fn core_child(&self, id: usize, local: &str) -> Option<usize> {
        let atom_doc = self.atom_doc;
        self.child(id, |e| {
            e.local().eq_ignore_ascii_case(local) && is_core(e, atom_doc)
        })
    }

    fn ns_child(&self, id: usize, ns: Ns, local: &str) -> Option<usize> {
        self.child(id, |e| e.ns == ns && e.local() == local)
    }

    /// An item's id and link, given the ones it publishes, once a FeedBurner feed's
    /// `feedburner:origLink` is read: the publisher's own URL is the link (the page to open and
    /// to extract, and the same story's URL in the publisher's own feed), not FeedBurner's
    /// redirector. An item with no id keeps the link it published as its id, as the story's
    /// identity in the library is its id, else its link.
    fn with_original_link(
        &self,
        item: usize,
        base: &Url,
        id: Option<String>,
        link: Option<String>,
    ) -> (Option<String>, Option<String>) {
        let original = self
            .ns_child(item, Ns::Feedburner, "origLink")
            .and_then(|l| absolute_url(&self.text_of(Some(l))?, &self.base_of(l, base)));
        match original {
            Some(original) => (id.or(link), Some(original)),
            None => (id, link),
        }
    }

    fn atom_child(&self, id: usize, local: &str) -> Option<usize> {
        self.child(id, |e| e.local() == local && is_atom(e.ns))
            .or_else(|| self.atom_doc.then(|| self.core_child(id, local)).flatten())
    }

    fn text_of(&self, id: Option<usize>) -> Option<String> {
        let t = self.doc.text(id?);
        let t = t.trim();
        (!t.is_empty()).then(|| t.to_string())
    }

    /// The `HREF` of a CDF element, absolute.
    fn href(&self, id: usize, base: &Url) -> Option<String> {
        let href = self.el(id)?.attr_ci("href")?;
        absolute_url(href, base)
    }

    /// A Media RSS element of an item: its own, else in its `media:group`, else in a
    /// `media:content` (the first found).
    fn media_child(&self, item: usize, local: &str) -> Option<usize> {
        self.ns_child(item, Ns::Media, local).or_else(|| {
            self.doc
                .child_elements(item)
                .filter(|(_, e)| e.ns == Ns::Media && matches!(e.local(), "group" | "content"))
                .find_map(|(g, _)| {
                    self.ns_child(g, Ns::Media, local).or_else(|| {
                        self.doc
                            .child_elements(g)
                            .filter(|(_, e)| e.ns == Ns::Media && e.local() == "content")
                            .find_map(|(c, _)| self.ns_child(c, Ns::Media, local))
                    })
                })
        })
    }

    /// The readable dates of the children of `id` that `pred` accepts, in order.
    fn dates(&self, id: usize, pred: &dyn Fn(&Element) -> bool) -> Vec<DateTime<FixedOffset>> {
        self.doc
            .child_elements(id)
            .filter(|(_, e)| pred(e))
            .filter_map(|(d, _)| self.text_of(Some(d)).and_then(|t| parse_date(&t)))
            .collect()
    }

    /// The first readable date, trying the kinds of element in order (an unreadable first
    /// value does not hide a readable second one).
    fn first_date(
        &self,
        id: usize,
        kinds: &[&dyn Fn(&Element) -> bool],
    ) -> Option<DateTime<FixedOffset>> {
        kinds
            .iter()
            .find_map(|k| self.dates(id, *k).into_iter().next())
    }

    /// The latest readable date among the children `pred` accepts.
    fn latest_date(
        &self,
        id: usize,
        pred: &dyn Fn(&Element) -> bool,
    ) -> Option<DateTime<FixedOffset>> {
        self.dates(id, pred).into_iter().max()
    }

    /// An RSS value: inline markup is HTML; text is HTML when it looks like HTML (or says so).
    fn rss_value(&self, id: usize, html_default: bool) -> Option<Value> {
        let e = self.el(id)?;
        let declared = e.attr("type").map(|t| t.trim().to_ascii_lowercase());
        if self.doc.has_child_elements(id) {
            let v = Value::Html(self.doc.inner_html(id));
            return (!v.is_blank()).then_some(v);
        }
        let s = self.doc.text(id).into_owned();
        if s.trim().is_empty() {
            return None;
        }
        let html = match declared.as_deref() {
            Some("text") | Some("text/plain") => false,
            Some("html") | Some("text/html") | Some("xhtml") => true,
            _ => html_default && looks_like_html(&s),
        };
        Some(if html { Value::Html(s) } else { Value::Text(s) })
    }

    /// An Atom text construct (1.0 `type`; 0.3 MIME `type` and `mode`).
    fn atom_value(&self, id: usize) -> Option<Value> {
        let e = self.el(id)?;
        let ty = e
            .attr("type")
            .map(|t| t.trim().to_ascii_lowercase())
            .unwrap_or_else(|| "text".into());
        let mode = e.attr("mode").map(|m| m.trim().to_ascii_lowercase());
        if e.attr("src").is_some()
            && !self.doc.has_child_elements(id)
            && self.doc.text(id).trim().is_empty()
        {
            return None;
        }
        enum Kind {
            Text,
            Html,
            Xhtml,
        }
        let kind = match ty.as_str() {
            "text" | "text/plain" => Kind::Text,
            "html" | "text/html" => Kind::Html,
            "xhtml" | "application/xhtml+xml" => Kind::Xhtml,
            t if t.starts_with("text/") => Kind::Text,
            t if t.ends_with("+xml") || t.ends_with("/xml") => Kind::Xhtml,
            _ => {
                // Any other media type is base64 (RFC 4287 4.1.3.3); keep it if it is text.
                let bytes = base64_decode(&self.doc.text(id))?;
                let text = String::from_utf8(bytes).ok()?;
                return Some(if looks_like_html(&text) {
                    Value::Html(text)
                } else {
                    Value::Text(text)
                });
            }
        };
        if mode.as_deref() == Some("base64") {
            let bytes = base64_decode(&self.doc.text(id))?;
            let text = String::from_utf8(bytes).ok()?;
            return match kind {
                Kind::Text => Some(Value::Text(text)),
                Kind::Html | Kind::Xhtml => Some(Value::Html(text)),
            };
        }
        if self.doc.has_child_elements(id) {
            // Inline markup: the xhtml div wrapper is not part of the content.
            let children: Vec<(usize, &Element)> = self.doc.child_elements(id).collect();
            let only_text_around = self
                .doc
                .children(id)
                .filter(|&c| self.el(c).is_none())
                .all(|c| self.doc.text(c).trim().is_empty());
            let html = match children.as_slice() {
                [(div, d)] if d.local() == "div" && only_text_around => self.doc.inner_html(*div),
                _ => self.doc.inner_html(id),
            };
            let v = Value::Html(html);
            return (!v.is_blank()).then_some(v);
        }
        let s = self.doc.text(id).into_owned();
        if s.trim().is_empty() {
            return None;
        }
        Some(match kind {
            Kind::Text if mode.as_deref() == Some("escaped") && self.atom03 && ty == "text" => {
                Value::Html(s)
            }
            Kind::Text => Value::Text(s),
            // Atom 0.3's escaped mode: the text, unescaped once by the XML reader, is markup.
            Kind::Xhtml if mode.as_deref() == Some("escaped") => Value::Html(s),
            // Xhtml without elements is text (escaped markup in it stays text).
            Kind::Xhtml => Value::Text(s),
            Kind::Html => Value::Html(s),
        })
    }

    fn value(&self, id: usize, html_default: bool) -> Option<Value> {
        let e = self.el(id)?;
        if self.atomish(e) {
            self.atom_value(id)
        } else {
            self.rss_value(id, html_default)
        }
    }

    fn base_of(&self, id: usize, parent: &Url) -> Url {
        self.el(id)
            .and_then(|e| rebase(parent, e.attr("xml:base")))
            .unwrap_or_else(|| parent.clone())
    }

    /// Where an entry's content is published out of line (`<content src>` of a web page
    /// type): the page to open and extract when the entry has no alternate link.
    fn out_of_line_content(&self, entry: usize, base: &Url) -> Option<String> {
        let content = self.atom_child(entry, "content")?;
        let e = self.el(content)?;
        let ty = e.attr("type").map(|t| t.trim().to_ascii_lowercase());
        if !ty.as_deref().is_none_or(|t| t.contains("html")) {
            return None;
        }
        absolute_url(e.attr("src")?, &self.base_of(content, base))
    }

    /// The `href` of the preferred alternate Atom link among `id`'s children.
    fn atom_alternate(&self, id: usize, base: &Url) -> Option<String> {
        let mut best: Option<(u8, String)> = None;
        for (c, e) in self.doc.child_elements(id) {
            if e.local() != "link" || !self.atomish(e) {
                continue;
            }
            // An href, or (wrongly, but seen) the URL as the element's text.
            let text_href = self.doc.text(c);
            let Some(href) = e
                .attr("href")
                .or(Some(text_href.as_ref()).filter(|t| !t.trim().is_empty()))
            else {
                continue;
            };
            let rel = e.attr("rel").map(str::trim).unwrap_or("alternate");
            if rel != "alternate" && rel != "http://www.iana.org/assignments/relation/alternate" {
                continue;
            }
            let ty = e.attr("type").unwrap_or("text/html");
            let rank = if ty.contains("html") { 0 } else { 1 };
            let link_base = self.base_of(c, base);
            if let Some(url) = absolute_url(href, &link_base) {
                if best.as_ref().is_none_or(|(r, _)| rank < *r) {
                    best = Some((rank, url));
                }
            }
        }
        best.map(|(_, u)| u)
    }

    fn rss_feed(&self, root: usize, base: &Url, lang: Option<String>) -> ParsedFeed {
        // A CDF channel is the root (the channels inside it are sections).
        let channel = if self
            .el(root)
            .is_some_and(|e| e.local().eq_ignore_ascii_case("channel"))
        {
            root
        } else {
            self.core_child(root, "channel").unwrap_or(root)
        };
        let base = self.base_of(channel, base);
        let title = self
            .core_child(channel, "title")
            .and_then(|t| self.value(t, true))
            .and_then(|v| to_plain(&v));
        let site_url = self
            .core_child(channel, "link")
            .and_then(|l| {
                let lb = self.base_of(l, &base);
                self.text_of(Some(l)).and_then(|t| absolute_url(&t, &lb))
            })
            .or_else(|| self.atom_alternate(channel, &base))
            .or_else(|| self.href(channel, &base));
        let description = self
            .core_child(channel, "description")
            .or_else(|| self.core_child(channel, "abstract"))
            .or_else(|| self.ns_child(channel, Ns::Itunes, "summary"))
            .or_else(|| self.ns_child(channel, Ns::Itunes, "subtitle"))
            .and_then(|d| self.value(d, true))
            .and_then(|v| to_plain(&v));
        let icon = self
            .core_child(channel, "image")
            .or_else(|| self.core_child(root, "image"))
            .and_then(|i| self.core_child(i, "url"))
            .and_then(|u| self.text_of(Some(u)))
            .and_then(|u| absolute_url(&u, &base))
            .or_else(|| {
                self.ns_child(channel, Ns::Itunes, "image")
                    .and_then(|i| self.el(i)?.attr("href"))
                    .and_then(|u| absolute_url(u, &base))
            })
            .or_else(|| {
                self.atom_child(channel, "icon")
                    .or_else(|| self.atom_child(channel, "logo"))
                    .and_then(|i| self.text_of(Some(i)))
                    .and_then(|u| absolute_url(&u, &base))
            })
            .or_else(|| {
                self.core_child(channel, "logo")
                    .and_then(|l| self.href(l, &base))
            });
        let language = self
            .core_child(channel, "language")
            .or_else(|| self.ns_child(channel, Ns::Dc, "language"))
            .and_then(|l| self.text_of(Some(l)))
            .or(lang);
        let mut items = Vec::new();
        self.doc.descendants_named(0, "item", &mut items);
        let entries = items
            .into_iter()
            .filter(|&i| self.el(i).is_some_and(|e| is_core(e, false)))
            .map(|i| {
                let ib = self.base_of(i, &base);
                self.rss_item(i, &ib, language.as_deref())
            })
            .collect();
        ParsedFeed {
            format: FeedFormat::Rss2,
            title,
            site_url,
            description,
            icon,
            language,
            entries,
            problems: Vec::new(),
        }
    }

    fn rss_item(&self, item: usize, base: &Url, feed_lang: Option<&str>) -> ParsedEntry {
        let e = self.el(item);
        let title = self
            .core_child(item, "title")
            .or_else(|| self.ns_child(item, Ns::Dc, "title"))
            .or_else(|| self.media_child(item, "title"))
            .and_then(|t| self.value(t, true))
            .and_then(|v| to_plain(&v));
        let guid_el = self.core_child(item, "guid");
        let guid = self.text_of(guid_el);
        let about = e.and_then(|e| e.attr("rdf:about").or_else(|| e.attr_local("about")));
        let id = guid
            .clone()
            .or_else(|| {
                about
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty())
            })
            .or_else(|| self.text_of(self.atom_child(item, "id")));
        let link = self
            .doc
            .child_elements(item)
            .filter(|(_, e)| e.local().eq_ignore_ascii_case("link") && is_core(e, false))
            .find_map(|(l, _)| {
                let lb = self.base_of(l, base);
                self.text_of(Some(l)).and_then(|t| absolute_url(&t, &lb))
            })
            .or_else(|| self.atom_alternate(item, base))
            .or_else(|| {
                // A guid is a permalink unless it says otherwise, but many that do not say are
                // plain ids ("harbour-1"): without the word, only a URL or a path is a link.
                let stated = guid_el
                    .and_then(|g| self.el(g)?.attr("isPermaLink"))
                    .map(|p| p.trim().to_ascii_lowercase());
                let g = guid.as_deref()?;
                let url_like =
                    g.starts_with("http://") || g.starts_with("https://") || g.starts_with('/');
                let permalink = match stated.as_deref() {
                    Some("false") => false,
                    Some("true") => true,
                    _ => url_like,
                };
                permalink
                    .then(|| absolute_url(g, &self.base_of(guid_el?, base)))
                    .flatten()
            })
            .or_else(|| {
                about
                    .filter(|a| a.starts_with("http://") || a.starts_with("https://"))
                    .and_then(|a| absolute_url(a, base))
            })
            .or_else(|| self.href(item, base));
        let (id, link) = self.with_original_link(item, base, id, link);
        let author = self.rss_author(item);
        let atom_doc = self.atom_doc;
        let published = self.first_date(
            item,
            &[
                &|e| e.local().eq_ignore_ascii_case("pubDate") && is_core(e, atom_doc),
                &|e| e.ns == Ns::Dc && e.local() == "date",
                &|e| e.ns == Ns::DcTerms && e.local() == "issued",
                &|e| e.ns == Ns::DcTerms && e.local() == "created",
                &|e| e.local() == "published" && is_atom(e.ns),
            ],
        );
        let updated = self.latest_date(item, &|e| {
            (e.local() == "updated" && is_atom(e.ns))
                || (e.ns == Ns::DcTerms && e.local() == "modified")
        });
        let updated = updated.or_else(|| e.and_then(|e| e.attr_ci("lastmod")).and_then(parse_date));
        // The first summary-like element is the summary; a second, different one is the
        // content when the item has no content element (feedparser's rule).
        let summaries: Vec<usize> = self
            .doc
            .child_elements(item)
            .filter(|(_, e)| {
                let local = e.local();
                ((local.eq_ignore_ascii_case("description")
                    || local.eq_ignore_ascii_case("summary")
                    || local.eq_ignore_ascii_case("abstract"))
                    && is_core(e, false))
                    || (local == "summary" && matches!(e.ns, Ns::Atom10 | Ns::Atom03 | Ns::Itunes))
                    || (local == "description" && e.ns == Ns::Dc)
            })
            .map(|(c, _)| c)
            .collect();
        let summary_el = summaries
            .first()
            .copied()
            .or_else(|| self.media_child(item, "description"));
        let summary_html = summary_el.and_then(|s| {
            let sb = self.base_of(s, base);
            self.value(s, true).and_then(|v| to_html(&v, &sb))
        });
        let content_el = self
            .ns_child(item, Ns::Content, "encoded")
            .or_else(|| self.core_child(item, "fullitem"))
            .or_else(|| self.child(item, |e| e.ns == Ns::Xhtml && e.local() == "body"))
            .or_else(|| self.atom_child(item, "content"))
            .or_else(|| {
                summaries.get(1).copied().filter(|&second| {
                    summaries.first().map(|&f| self.doc.text(f)) != Some(self.doc.text(second))
                })
            });
        let content_html = content_el.and_then(|c| {
            let cb = self.base_of(c, base);
            let v = if self.el(c).is_some_and(|e| e.ns == Ns::Xhtml) {
                Value::Html(self.doc.inner_html(c))
            } else {
                self.value(c, true)?
            };
            to_html(&v, &cb)
        });
        let image = self.image(item, base);
        let language = e
            .and_then(|e| e.attr("xml:lang"))
            .map(str::to_string)
            .or_else(|| self.text_of(self.ns_child(item, Ns::Dc, "language")))
            .or_else(|| feed_lang.map(str::to_string));
        ParsedEntry {
            id,
            link,
            title,
            author,
            published,
            updated,
            summary_html,
            content_html,
            image,
            language,
        }
    }

    fn rss_author(&self, item: usize) -> Option<String> {
        let rss_author = self
            .core_child(item, "author")
            .filter(|&a| !self.doc.has_child_elements(a))
            .and_then(|a| self.text_of(Some(a)));
        let named = rss_author
            .as_deref()
            .and_then(author_name)
            .filter(|n| !n.contains('@'));
        named
            .or_else(|| self.joined_text(item, Ns::Dc, "creator"))
            .or_else(|| self.joined_text(item, Ns::Dc, "author"))
            .or_else(|| {
                self.text_of(self.ns_child(item, Ns::Itunes, "author"))
                    .as_deref()
                    .and_then(author_name)
            })
            .or_else(|| self.atom_author(item))
            .or_else(|| rss_author.as_deref().and_then(author_name))
            .map(|a| super::normalize::html_to_text(&a))
            .filter(|a| !a.is_empty())
    }

    /// All `ns:local` children's texts joined with ", " (several `dc:creator`s).
    fn joined_text(&self, id: usize, ns: Ns, local: &str) -> Option<String> {
        let names: Vec<String> = self
            .doc
            .child_elements(id)
            .filter(|(_, e)| e.ns == ns && e.local() == local)
            .filter_map(|(c, _)| self.text_of(Some(c)))
            .filter_map(|t| author_name(&t))
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    }

    /// The name of an Atom `<author>` (or 0.3 `<author>`) among `id`'s children.
    fn atom_author(&self, id: usize) -> Option<String> {
        let names: Vec<String> = self
            .doc
            .child_elements(id)
            .filter(|(_, e)| e.local() == "author" && self.atomish(e))
            .filter_map(|(a, _)| {
                if !self.doc.has_child_elements(a) {
                    return self.text_of(Some(a)).as_deref().and_then(author_name);
                }
                self.text_of(self.atom_child(a, "name"))
                    .or_else(|| self.text_of(self.atom_child(a, "email")))
                    .as_deref()
                    .and_then(author_name)
            })
            .collect();
        (!names.is_empty()).then(|| names.join(", "))
    }

    /// The entry's image: media:thumbnail, media:content (an image), an image enclosure,
    /// itunes:image.
    fn image(&self, item: usize, base: &Url) -> Option<String> {
        let is_image = |e: &Element, url: &str| {
            let ty = e.attr("type").unwrap_or("");
            let medium = e.attr("medium").unwrap_or("");
            ty.starts_with("image/")
                || medium == "image"
                || (ty.is_empty() && medium.is_empty() && has_image_extension(url))
        };
        let mut candidates: Vec<usize> = self.doc.child_elements(item).map(|(c, _)| c).collect();
        // media:group holds media elements too, and media:content may hold its thumbnail.
        let mut i = 0;
        while i < candidates.len() && candidates.len() < 256 {
            let c = candidates[i];
            if let Some(e) = self.el(c) {
                if e.ns == Ns::Media && (e.local() == "group" || e.local() == "content") {
                    candidates.extend(self.doc.child_elements(c).map(|(k, _)| k));
                }
            }
            i += 1;
        }
        let els: Vec<&Element> = candidates.iter().filter_map(|&c| self.el(c)).collect();
        let pick = |f: &dyn Fn(&Element) -> Option<String>| els.iter().find_map(|e| f(e));
        pick(&|e| {
            (e.ns == Ns::Media && e.local() == "thumbnail")
                .then(|| e.attr("url").and_then(|u| absolute_url(u, base)))
                .flatten()
        })
        .or_else(|| {
            pick(&|e| {
                let url = e.attr("url")?;
                (e.ns == Ns::Media && e.local() == "content" && is_image(e, url))
                    .then(|| absolute_url(url, base))
                    .flatten()
            })
        })
        .or_else(|| {
            pick(&|e| {
                let url = e.attr("url")?;
                (e.local().eq_ignore_ascii_case("enclosure")
                    && is_core(e, false)
                    && is_image(e, url))
                .then(|| absolute_url(url, base))
                .flatten()
            })
        })
        .or_else(|| {
            pick(&|e| {
                let href = e.attr("href")?;
                let atom_enclosure = e.local() == "link"
                    && self.atomish(e)
                    && e.attr("rel") == Some("enclosure")
                    && is_image(e, href);
                (atom_enclosure || (e.ns == Ns::Itunes && e.local() == "image"))
                    .then(|| absolute_url(href, base))
                    .flatten()
            })
        })
    }

    fn atom_feed(&self, root: usize, base: &Url, lang: Option<String>) -> ParsedFeed {
        let title = self
            .atom_child(root, "title")
            .and_then(|t| self.atom_value(t))
            .and_then(|v| to_plain(&v));
        let site_url = self.atom_alternate(root, base);
        let description = self
            .atom_child(root, "subtitle")
            .or_else(|| self.atom_child(root, "tagline"))
            .and_then(|t| self.atom_value(t))
            .and_then(|v| to_plain(&v));
        let icon = self
            .atom_child(root, "icon")
            .or_else(|| self.atom_child(root, "logo"))
            .and_then(|i| {
                let ib = self.base_of(i, base);
                self.text_of(Some(i)).and_then(|u| absolute_url(&u, &ib))
            });
        let feed_author = self.atom_author(root);
        let mut entries_ids = Vec::new();
        self.doc.descendants_named(0, "entry", &mut entries_ids);
        let entries = entries_ids
            .into_iter()
            .filter(|&i| self.el(i).is_some_and(|e| is_core(e, true)))
            .map(|i| {
                let eb = self.base_of(i, base);
                let lang = self
                    .el(i)
                    .and_then(|e| e.attr("xml:lang"))
                    .map(str::to_string)
                    .or_else(|| lang.clone());
                let mut entry = self.atom_entry(i, &eb, lang);
                if entry.author.is_none() {
                    entry.author = feed_author.clone();
                }
                entry
            })
            .collect();
        ParsedFeed {
            format: FeedFormat::Atom10,
            title,
            site_url,
            description,
            icon,
            language: lang,
            entries,
            problems: Vec::new(),
        }
    }

    fn atom_entry(&self, entry: usize, base: &Url, language: Option<String>) -> ParsedEntry {
        let title = self
            .atom_child(entry, "title")
            .and_then(|t| self.atom_value(t))
            .or_else(|| {
                self.media_child(entry, "title")
                    .and_then(|t| self.rss_value(t, true))
            })
            .and_then(|v| to_plain(&v));
        let id = self.text_of(self.atom_child(entry, "id"));
        let link = self
            .atom_alternate(entry, base)
            .or_else(|| self.out_of_line_content(entry, base));
        let (id, link) = self.with_original_link(entry, base, id, link);
        let author = self
            .atom_author(entry)
            .or_else(|| {
                self.atom_child(entry, "source")
                    .and_then(|s| self.atom_author(s))
            })
            .or_else(|| self.joined_text(entry, Ns::Dc, "creator"));
        let atomish = |e: &Element, local: &str| e.local() == local && self.atomish(e);
        let published = self.first_date(
            entry,
            &[
                &|e| atomish(e, "published"),
                &|e| atomish(e, "issued"),
                &|e| atomish(e, "created"),
                &|e| e.ns == Ns::DcTerms && matches!(e.local(), "issued" | "created"),
                &|e| e.ns == Ns::Dc && e.local() == "date",
            ],
        );
        let updated = self.latest_date(entry, &|e| {
            atomish(e, "updated")
                || atomish(e, "modified")
                || (e.ns == Ns::DcTerms && e.local() == "modified")
        });
        let html_of = |id: Option<usize>| {
            let id = id?;
            let b = self.base_of(id, base);
            self.atom_value(id).and_then(|v| to_html(&v, &b))
        };
        let summary_html = html_of(self.atom_child(entry, "summary")).or_else(|| {
            let d = self.media_child(entry, "description")?;
            let db = self.base_of(d, base);
            self.rss_value(d, false).and_then(|v| to_html(&v, &db))
        });
        let content_html = html_of(self.atom_child(entry, "content")).or_else(|| {
            self.ns_child(entry, Ns::Content, "encoded").and_then(|c| {
                let cb = self.base_of(c, base);
                self.rss_value(c, true).and_then(|v| to_html(&v, &cb))
            })
        });
        let image = self.image(entry, base);
        ParsedEntry {
            id,
            link,
            title,
            author,
            published,
            updated,
            summary_html,
            content_html,
            image,
            language,
        }
    }
}

fn has_image_extension(url: &str) -> bool {
    let path = url
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"]
        .iter()
        .any(|ext| path.ends_with(ext))
}

/// Standard base64 (Atom 0.3 `mode="base64"`); whitespace ignored, `None` when invalid.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            c if c.is_ascii_whitespace() => continue,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::base64_decode;

    #[test]
    fn base64_content() {
        assert_eq!(
            base64_decode("PGI+aGk8L2I+\n").as_deref(),
            Some(&b"<b>hi</b>"[..])
        );
        assert_eq!(base64_decode("aGk="), Some(b"hi".to_vec()));
        assert_eq!(base64_decode("a*b"), None);
    }
}
