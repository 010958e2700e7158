//! Page metadata: title, byline, site name, dates, lead image, language, direction and the
//! page's canonical address.
//!
//! Precedence, field by field: JSON-LD (`NewsArticle`, `Article` and kin, also inside `@graph`),
//! then `<meta>` (Dublin Core, OpenGraph, Twitter, `article:*`, Parse.ly), then HTML heuristics
//! (the `<title>` with its site suffix cut, `rel=author`/byline classes, `<time datetime>`).
//! Reads the untouched page, before any cleaning.

use std::collections::HashMap;

use serde_json::Value;
use url::Url;

use super::dom::{collapse_ws, Dom};
use super::score::similarity;

#[derive(Debug, Clone, Default)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub site_name: Option<String>,
    pub published: Option<String>,
    pub modified: Option<String>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    pub dir: Option<String>,
    /// The page's own summary (JSON-LD, OpenGraph, `<meta name="description">`, Twitter).
    pub description: Option<String>,
    /// The address the page names as its own (`rel=canonical`, else `og:url`), absolute.
    pub canonical_url: Option<String>,
}

/// What JSON-LD says about the article.
#[derive(Debug, Default)]
struct JsonLd {
    title: Option<String>,
    byline: Option<String>,
    site_name: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    image: Option<String>,
    lang: Option<String>,
    description: Option<String>,
}

const ARTICLE_TYPES: &[&str] = &[
    "Article",
    "AdvertiserContentArticle",
    "NewsArticle",
    "AnalysisNewsArticle",
    "AskPublicNewsArticle",
    "BackgroundNewsArticle",
    "OpinionNewsArticle",
    "ReportageNewsArticle",
    "ReviewNewsArticle",
    "Report",
    "SatiricalArticle",
    "ScholarlyArticle",
    "MedicalScholarlyArticle",
    "SocialMediaPosting",
    "BlogPosting",
    "LiveBlogPosting",
    "DiscussionForumPosting",
    "TechArticle",
    "APIReference",
];

/// Reads the metadata of a page.
pub(crate) fn read(dom: &Dom, url: &Url) -> Meta {
    let all = dom.descendants(0);
    let mut values: HashMap<String, String> = HashMap::new();
    let mut first_values: HashMap<String, String> = HashMap::new();
    let mut doc_title = String::new();
    let mut ld_texts = Vec::new();
    let mut image_src_link = None;
    let mut canonical_link = None;
    let mut html_lang = None;
    let mut html_dir = None;
    for &n in &all {
        match dom.tag(n) {
            "meta" => {
                let content = match dom.attr(n, "content") {
                    Some(c) => c.trim().to_string(),
                    None => continue,
                };
                if content.is_empty() {
                    continue;
                }
                let mut keys: Vec<String> = Vec::new();
                if let Some(p) = dom.attr(n, "property") {
                    keys.extend(p.split_whitespace().map(|k| k.to_ascii_lowercase()));
                }
                for a in ["name", "itemprop", "http-equiv"] {
                    if let Some(v) = dom.attr(n, a) {
                        let k: String = v
                            .trim()
                            .to_ascii_lowercase()
                            .chars()
                            .filter(|c| !c.is_whitespace())
                            .collect();
                        keys.push(k.replace('.', ":"));
                    }
                }
                for k in keys {
                    first_values
                        .entry(k.clone())
                        .or_insert_with(|| content.clone());
                    values.insert(k, content.clone());
                }
            }
            "title" if doc_title.is_empty() && !dom.has_ancestor_tag(n, "svg") => {
                doc_title = dom.inner_text(n);
            }
            "script"
                if dom
                    .attr(n, "type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json")) =>
            {
                ld_texts.push(dom.text_content(n));
            }
            "link"
                if image_src_link.is_none()
                    && dom
                        .attr(n, "rel")
                        .is_some_and(|r| r.eq_ignore_ascii_case("image_src")) =>
            {
                image_src_link = dom.attr(n, "href").map(str::to_string);
            }
            "link"
                if canonical_link.is_none()
                    && dom.attr(n, "rel").is_some_and(|r| {
                        r.split_ascii_whitespace()
                            .any(|r| r.eq_ignore_ascii_case("canonical"))
                    }) =>
            {
                canonical_link = dom.attr(n, "href").map(str::to_string);
            }
            "html" => {
                html_lang = dom
                    .attr(n, "lang")
                    .or(dom.attr(n, "xml:lang"))
                    .map(str::to_string);
                html_dir = dom.attr(n, "dir").map(str::to_string);
            }
            "body" if html_dir.is_none() => {
                html_dir = dom.attr(n, "dir").map(str::to_string);
            }
            _ => {}
        }
    }
    let get = |k: &str| values.get(k).filter(|v| !v.is_empty()).cloned();
    let get_first = |k: &str| first_values.get(k).filter(|v| !v.is_empty()).cloned();

    let ld = ld_texts
        .iter()
        .find_map(|t| json_ld(t, dom, &doc_title))
        .unwrap_or_default();

    let site_name = ld.site_name.clone().or_else(|| get("og:site_name"));
    let title = ld
        .title
        .clone()
        .or_else(|| get("dc:title"))
        .or_else(|| get("dcterm:title"))
        .or_else(|| get("og:title"))
        .or_else(|| get("weibo:article:title"))
        .or_else(|| get("weibo:webpage:title"))
        .or_else(|| get("title"))
        .or_else(|| get("twitter:title"))
        .or_else(|| get("parsely-title"))
        .map(|t| collapse_ws(&t))
        .or_else(|| Some(article_title(dom, &doc_title)).filter(|t| !t.is_empty()))
        .map(|t| strip_site_suffix(&t, site_name.as_deref(), url));

    let article_author = get("article:author").filter(|a| Url::parse(a).is_err());
    let byline = ld
        .byline
        .clone()
        .or_else(|| get("dc:creator"))
        .or_else(|| get("dcterm:creator"))
        .or_else(|| get("author"))
        .or_else(|| get("parsely-author"))
        .or(article_author)
        .map(|b| collapse_ws(&b))
        .filter(|b| !b.is_empty());

    let published = ld
        .published
        .clone()
        .or_else(|| get_first("article:published_time"))
        .or_else(|| get_first("parsely-pub-date"))
        .or_else(|| get_first("datepublished"))
        .or_else(|| get_first("og:published_time"))
        .or_else(|| get_first("dc:date"))
        .or_else(|| get_first("dcterms:date"))
        .or_else(|| get_first("date"))
        .or_else(|| get_first("sailthru:date"))
        .or_else(|| itemprop_date(dom, &all, "datepublished"))
        .or_else(|| first_time(dom, &all))
        .map(|d| normalize_date(&d));
    let modified = ld
        .modified
        .clone()
        .or_else(|| get_first("article:modified_time"))
        .or_else(|| get_first("og:updated_time"))
        .or_else(|| get_first("datemodified"))
        .or_else(|| get_first("dcterms:modified"))
        .or_else(|| itemprop_date(dom, &all, "datemodified"))
        .map(|d| normalize_date(&d));

    let lead_image = ld
        .image
        .clone()
        .or_else(|| get_first("og:image"))
        .or_else(|| get_first("og:image:url"))
        .or_else(|| get_first("og:image:secure_url"))
        .or_else(|| get_first("twitter:image"))
        .or_else(|| get_first("twitter:image:src"))
        .or(image_src_link)
        .and_then(|src| url.join(src.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from);

    let canonical_url = canonical_link
        .or_else(|| get_first("og:url"))
        .and_then(|u| url.join(u.trim()).ok())
        .filter(|u| matches!(u.scheme(), "http" | "https"))
        .map(String::from);

    let lang = html_lang
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .or_else(|| get("content-language"))
        .or(ld.lang.clone())
        .or_else(|| get("og:locale").map(|l| l.replace('_', "-")));
    let dir = html_dir
        .map(|d| d.trim().to_ascii_lowercase())
        .filter(|d| d == "rtl" || d == "ltr");
    let description = ld
        .description
        .clone()
        .or_else(|| {
            ["og:description", "description", "twitter:description"]
                .into_iter()
                .find_map(get)
        })
        .map(|d| collapse_ws(&d))
        .filter(|d| !d.is_empty());

    Meta {
        title: title.filter(|t| !t.is_empty()),
        byline,
        site_name: site_name.map(|s| collapse_ws(&s)).filter(|s| !s.is_empty()),
        published,
        modified,
        lead_image,
        lang,
        dir,
        description,
        canonical_url,
    }
}

/// `content` or `datetime` of the first element with this `itemprop`.
fn itemprop_date(dom: &Dom, all: &[usize], prop: &str) -> Option<String> {
    all.iter().find_map(|&n| {
        let ip = dom.attr(n, "itemprop")?;
        if !ip.eq_ignore_ascii_case(prop) {
            return None;
        }
        dom.attr(n, "content")
            .or(dom.attr(n, "datetime"))
            .map(str::to_string)
            .or_else(|| Some(dom.inner_text(n)))
            .filter(|s| !s.trim().is_empty())
    })
}

/// The `datetime` of the first `<time>` marked `pubdate`, else of the first `<time>` in the body.
fn first_time(dom: &Dom, all: &[usize]) -> Option<String> {
    let times: Vec<usize> = all
        .iter()
        .copied()
        .filter(|&n| dom.tag(n) == "time" && dom.attr(n, "datetime").is_some())
        .collect();
    let pick = times
        .iter()
        .find(|&&n| dom.attr(n, "pubdate").is_some())
        .or(times.first())?;
    dom.attr(*pick, "datetime")
        .map(|s| s.trim().to_string())
        .filter(|s| s.len() >= 10 && s.as_bytes()[0].is_ascii_digit())
}

/// RFC 3339 keeping the page's own offset when it has one; a date stays a date; anything else
/// is returned trimmed.
pub(crate) fn normalize_date(raw: &str) -> String {
    let s = raw.trim();
    if let Ok(d) = chrono::DateTime::parse_from_rfc3339(s) {
        return d.to_rfc3339();
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
    ] {
        if let Ok(d) = chrono::DateTime::parse_from_str(s, f) {
            return d.to_rfc3339();
        }
    }
    if let Ok(d) = chrono::DateTime::parse_from_rfc2822(s) {
        return d.to_rfc3339();
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(d) = chrono::NaiveDateTime::parse_from_str(s, f) {
            return d.format("%Y-%m-%dT%H:%M:%S").to_string();
        }
    }
    s.to_string()
}

/// Finds the article object in one JSON-LD script.
fn json_ld(text: &str, dom: &Dom, doc_title: &str) -> Option<JsonLd> {
    let cleaned = text
        .trim()
        .trim_start_matches("<![CDATA[")
        .trim_end_matches("]]>")
        .trim();
    let value: Value = serde_json::from_str(cleaned).ok()?;
    // Breadth-first over arrays and @graph, bounded.
    let mut queue = vec![&value];
    let mut seen = 0;
    let mut found = None;
    while let Some(v) = queue.pop() {
        seen += 1;
        if seen > 200 {
            break;
        }
        match v {
            Value::Array(items) => queue.extend(items.iter().rev()),
            Value::Object(map) => {
                if is_article_type(map.get("@type")) {
                    found = Some(map);
                    break;
                }
                if let Some(g) = map.get("@graph") {
                    queue.push(g);
                }
            }
            _ => {}
        }
    }
    let obj = found?;
    let s = |k: &str| {
        obj.get(k)
            .and_then(Value::as_str)
            .map(collapse_ws)
            .filter(|v| !v.is_empty())
    };
    let title = match (s("name"), s("headline")) {
        (Some(name), Some(headline)) if name != headline => {
            let title = article_title(dom, doc_title);
            let name_ok = similarity(&name, &title) > 0.75;
            let head_ok = similarity(&headline, &title) > 0.75;
            Some(if head_ok && !name_ok { headline } else { name })
        }
        (name, headline) => name.or(headline),
    };
    let byline = match obj.get("author") {
        Some(Value::Object(a)) => a.get("name").and_then(Value::as_str).map(collapse_ws),
        Some(Value::Array(list)) => {
            let names: Vec<String> = list
                .iter()
                .filter_map(|a| match a {
                    Value::Object(a) => a.get("name").and_then(Value::as_str).map(collapse_ws),
                    Value::String(s) => Some(collapse_ws(s)),
                    _ => None,
                })
                .filter(|n| !n.is_empty())
                .collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        Some(Value::String(a)) if Url::parse(a).is_err() => Some(collapse_ws(a)),
        _ => None,
    }
    .filter(|b| !b.is_empty());
    Some(JsonLd {
        title,
        byline,
        site_name: obj
            .get("publisher")
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(collapse_ws),
        published: s("datePublished"),
        modified: s("dateModified"),
        image: image_url(obj.get("image")),
        lang: s("inLanguage"),
        description: s("description"),
    })
}

fn image_url(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        Value::Object(o) => o
            .get("url")
            .or(o.get("contentUrl"))
            .and_then(Value::as_str)
            .map(|s| s.trim().to_string()),
        Value::Array(a) => a.iter().find_map(|x| image_url(Some(x))),
        _ => None,
    }
}

fn is_article_type(t: Option<&Value>) -> bool {
    match t {
        Some(Value::String(s)) => ARTICLE_TYPES.contains(&s.as_str()),
        Some(Value::Array(a)) => a
            .iter()
            .any(|x| x.as_str().is_some_and(|s| ARTICLE_TYPES.contains(&s))),
        _ => false,
    }
}

const SEPARATORS: &[char] = &['|', '-', '–', '—', '\\', '/', '>', '»'];

fn word_count(s: &str) -> usize {
    s.split_whitespace().count().max(1)
}

/// Positions of " X " separators in `s` (byte index of the space before X).
fn separator_positions(s: &str) -> Vec<(usize, char)> {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut out = Vec::new();
    for w in chars.windows(3) {
        if w[0].1.is_whitespace() && SEPARATORS.contains(&w[1].1) && w[2].1.is_whitespace() {
            out.push((w[0].0, w[1].1));
        }
    }
    out
}

/// The title from `<title>` the way Readability cuts it: the site part after the last
/// separator goes, unless that leaves too little.
pub(crate) fn article_title(dom: &Dom, doc_title: &str) -> String {
    let orig = doc_title.trim().to_string();
    let mut cur = orig.clone();
    let mut hierarchical = false;
    let seps = separator_positions(&orig);
    if let Some(&(last, _)) = seps.last() {
        hierarchical = seps
            .iter()
            .any(|(_, c)| matches!(c, '\\' | '/' | '>' | '»'));
        cur = orig[..last].to_string();
        if word_count(&cur) < 3 {
            // Drop the first part instead.
            if let Some(pos) = orig.find(SEPARATORS) {
                cur =
                    orig[pos + orig[pos..].chars().next().map_or(1, char::len_utf8)..].to_string();
            }
        }
    } else if cur.contains(": ") {
        let has_heading = dom
            .walk(0)
            .filter(|&n| dom.is_tag(n, &["h1", "h2"]))
            .any(|n| dom.text_content(n).trim() == cur.trim());
        if !has_heading {
            if let Some(i) = orig.rfind(':') {
                cur = orig[i + 1..].to_string();
            }
            if word_count(&cur) < 3 {
                if let Some(i) = orig.find(':') {
                    cur = orig[i + 1..].to_string();
                }
            } else if let Some(i) = orig.find(':') {
                if word_count(&orig[..i]) > 5 {
                    cur = orig.clone();
                }
            }
        }
    } else if cur.chars().count() > 150 || cur.chars().count() < 15 {
        let h1s: Vec<usize> = dom.walk(0).filter(|&n| dom.tag(n) == "h1").collect();
        if h1s.len() == 1 {
            cur = dom.inner_text(h1s[0]);
        }
    }
    let cur = collapse_ws(&cur);
    let wc = word_count(&cur);
    let orig_wo_seps = {
        let mut s = orig.clone();
        for (pos, _) in seps.iter().rev() {
            // Remove " X" leaving one space.
            let end = pos + 1 + s[pos + 1..].chars().next().map_or(1, char::len_utf8);
            s.replace_range(*pos..end, "");
        }
        s
    };
    if wc <= 4 && (!hierarchical || wc != word_count(&orig_wo_seps).saturating_sub(1)) {
        return collapse_ws(&orig);
    }
    cur
}

/// Fewest words a title may keep once a site name is cut from it (Readability's
/// `_getArticleTitle` goes back to the whole title when 4 words or fewer are left).
const MIN_STRIPPED_WORDS: usize = 5;

/// Letters and digits only, lower case: "Sky Sports" and "SkySports" are one name.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Whether `part` of a title names the site: the name the page declares (`og:site_name`,
/// the JSON-LD publisher), or the page's domain spelled out ("Legal Nomads" on
/// `www.legalnomads.com`).
fn names_site(part: &str, site: Option<&str>, url: &Url) -> bool {
    let part = squash(part);
    if part.is_empty() {
        return false;
    }
    if site.is_some_and(|s| squash(s) == part) {
        return true;
    }
    let Some(host) = url.host_str() else {
        return false;
    };
    let labels: Vec<&str> = host.split('.').collect();
    // Every label but the last (the TLD); "www" never names a site.
    labels[..labels.len().saturating_sub(1)]
        .iter()
        .any(|l| l.len() >= 3 && *l != "www" && squash(l) == part)
}

/// Cuts a trailing " | Site Name" (any title separator) when it names the site
/// ([`names_site`]) and what is left still reads as a headline ([`MIN_STRIPPED_WORDS`]); a
/// leading "Site Name | " likewise.
pub(crate) fn strip_site_suffix(title: &str, site: Option<&str>, url: &Url) -> String {
    let site = site.map(str::trim).filter(|s| !s.is_empty());
    let seps = separator_positions(title);
    if let Some(&(pos, c)) = seps.last() {
        let rest = title[pos + 1 + c.len_utf8()..].trim();
        if names_site(rest, site, url) && word_count(&title[..pos]) >= MIN_STRIPPED_WORDS {
            return title[..pos].trim().to_string();
        }
    }
    if let Some(&(pos, c)) = seps.first() {
        let head = title[..pos].trim();
        if names_site(head, site, url) {
            let rest = title[pos + 1 + c.len_utf8()..].trim();
            if word_count(rest) >= MIN_STRIPPED_WORDS {
                return rest.to_string();
            }
        }
    }
    title.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta_of(html: &str) -> Meta {
        let dom = Dom::parse_document(html);
        read(&dom, &Url::parse("https://news.example/a/b.html").unwrap())
    }

    #[test]
    fn json_ld_wins_over_meta_and_keeps_offset() {
        let m = meta_of(
            r#"<html lang="en"><head><title>Old | Site</title>
            <meta property="og:title" content="OG title">
            <meta property="article:published_time" content="2020-01-01T00:00:00Z">
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"Site"},
              {"@type":"NewsArticle","headline":"LD headline here","datePublished":"2021-10-25T17:06:00+08:00",
               "author":[{"@type":"Person","name":"A. Writer"},{"name":"B. Writer"}],
               "image":{"url":"/img/lead.jpg"},"publisher":{"name":"The Site"}}]}</script>
            </head><body><p>x</p></body></html>"#,
        );
        assert_eq!(m.title.as_deref(), Some("LD headline here"));
        assert_eq!(m.byline.as_deref(), Some("A. Writer, B. Writer"));
        assert_eq!(m.published.as_deref(), Some("2021-10-25T17:06:00+08:00"));
        assert_eq!(
            m.lead_image.as_deref(),
            Some("https://news.example/img/lead.jpg")
        );
        assert_eq!(m.site_name.as_deref(), Some("The Site"));
        assert_eq!(m.lang.as_deref(), Some("en"));
    }

    #[test]
    fn canonical_link_wins_over_og_url_and_is_made_absolute() {
        let both = meta_of(
            r#"<head><meta property="og:url" content="https://news.example/og"><link rel="canonical" href="/world/story"></head>"#,
        );
        assert_eq!(
            both.canonical_url.as_deref(),
            Some("https://news.example/world/story")
        );
        let og =
            meta_of(r#"<head><meta property="og:url" content="https://news.example/og"></head>"#);
        assert_eq!(og.canonical_url.as_deref(), Some("https://news.example/og"));
        let hostile = meta_of(r#"<head><link rel="canonical" href="javascript:alert(1)"></head>"#);
        assert_eq!(hostile.canonical_url, None);
    }

    #[test]
    fn title_loses_site_suffix() {
        let m = meta_of(
            r#"<head><title>Council approves the new harbour bridge | Daily Gazette</title></head><body></body>"#,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("Council approves the new harbour bridge")
        );
        let m = meta_of(
            r#"<head><meta property="og:site_name" content="Gazette"><meta property="og:title" content="Harbour bridge opens at last - Gazette"></head>"#,
        );
        assert_eq!(m.title.as_deref(), Some("Harbour bridge opens at last"));
        let m = meta_of(
            r#"<head><meta property="og:site_name" content="Gazette"><meta property="og:title" content="Gazette | Harbour bridge opens at last"></head>"#,
        );
        assert_eq!(m.title.as_deref(), Some("Harbour bridge opens at last"));
    }

    #[test]
    fn suffix_spelling_the_domain_or_the_site_name_goes() {
        let page = |title: &str, site: &str| {
            format!(
                r#"<head><meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}"></head>"#
            )
        };
        let dom = Dom::parse_document(&page(
            "Serendipity and the long road home | Legal Nomads",
            "",
        ));
        let url = Url::parse("https://www.legalnomads.com/2012/serendipity/").unwrap();
        assert_eq!(
            read(&dom, &url).title.as_deref(),
            Some("Serendipity and the long road home")
        );
        let url = Url::parse("https://elsewhere.example/2012/serendipity/").unwrap();
        assert_eq!(
            read(&dom, &url).title.as_deref(),
            Some("Serendipity and the long road home | Legal Nomads")
        );
        let dom = Dom::parse_document(&page(
            "Midfielder expects six weeks out with knee injury | SkySports",
            "Sky Sports",
        ));
        assert_eq!(
            read(&dom, &url).title.as_deref(),
            Some("Midfielder expects six weeks out with knee injury")
        );
    }

    #[test]
    fn short_title_keeps_its_site_name() {
        // Like Readability: 4 words or fewer left is not a headline, keep the whole title.
        let m = meta_of(
            r#"<head><meta property="og:site_name" content="Gazette"><meta property="og:title" content="Bridge opens at last - Gazette"></head>"#,
        );
        assert_eq!(m.title.as_deref(), Some("Bridge opens at last - Gazette"));
        let m = meta_of(
            r#"<head><meta property="og:site_name" content="Gazette"><meta property="og:title" content="Gazette | Bridge opens"></head>"#,
        );
        assert_eq!(m.title.as_deref(), Some("Gazette | Bridge opens"));
    }
}
