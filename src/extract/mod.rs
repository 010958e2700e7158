//! Article extraction: (HTML bytes, page URL) in, the clean [`Article`] out.
//!
//! Pure: no I/O, no clock, no global state. Sync fetches the page and calls [`extract`] off the
//! async runtime; the CLI's `tidings extract` calls it on files.
//!
//! The pipeline: decode the bytes (`crate::charset`), parse with html5ever straight into a small
//! arena DOM (`dom`), read the metadata (`metadata`: JSON-LD > meta tags > HTML) and what the
//! page prints around its headline (`header`: date lines, a lead paragraph), choose the
//! article block the way Readability does (`score`), clean inside it the way trafilatura does
//! (`clean`), put back a lead the block missed, drop the date and byline lines that repeat the
//! metadata (`dates`; the headline itself is [`Article::title`]), let a small learned model
//! drop the boilerplate left at the story's edges (`blocks`), then write HTML (sanitized
//! by `crate::sanitize`) and plain text (`text`). The published date is the metadata's, else
//! the URL's, else the one the page prints.

mod block_model;
mod blocks;
mod clean;
mod dates;
mod dom;
mod header;
mod metadata;
mod score;
mod text;

use serde::Serialize;
use url::Url;

use dom::{collapse_ws, Dom};
use score::Flags;

/// Pages above this size are refused rather than parsed (bounded memory and time).
pub const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Readability's flags, one attempt each until the block is long enough.
const ATTEMPTS: [Flags; 4] = [
    Flags::ALL,
    Flags {
        strip_unlikely: false,
        weight_classes: true,
        clean_conditionally: true,
    },
    Flags {
        strip_unlikely: false,
        weight_classes: false,
        clean_conditionally: true,
    },
    Flags {
        strip_unlikely: false,
        weight_classes: false,
        clean_conditionally: false,
    },
];

/// Parses a page into the arena, dropping html5ever's own tree right away.
fn parse(source: &str) -> Dom {
    Dom::parse_document(source)
}

/// Pages smaller than this keep a copy of their prepared DOM for retries.
const KEEP_COPY_BELOW: usize = 1024 * 1024;

/// Readability's threshold: a block shorter than this makes the next attempt drop a heuristic.
const CHAR_THRESHOLD: usize = 500;

/// Words read per minute, for [`Article::reading_minutes`].
const WORDS_PER_MINUTE: usize = 230;

/// The clean story found in a page.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Article {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub site_name: Option<String>,
    /// RFC 3339 with the page's own offset, when the page states one.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub lead_image: Option<String>,
    pub lang: Option<String>,
    /// `ltr` or `rtl`.
    pub dir: Option<String>,
    /// Sanitized HTML of the story body.
    pub content_html: String,
    /// Plain text with a line break at every block boundary.
    pub text: String,
    pub word_count: usize,
    pub reading_minutes: usize,
    /// The address the page names as its own (`rel=canonical`, else `og:url`), absolute; the
    /// caller decides whether to believe it.
    pub canonical_url: Option<String>,
}

/// Why a page gave no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("the page is too large to extract ({0} bytes)")]
    TooLarge(usize),
    #[error("the page has no readable text")]
    Empty,
    #[error("no article found in the page (too short: {0} words)")]
    TooShort(usize),
}

/// Extracts the article from a page.
///
/// Errors: [`ExtractError::TooLarge`] above [`MAX_PAGE_BYTES`], [`ExtractError::Empty`] when the
/// page has no readable text (only scripts, no markup, control bytes). Never panics on input.
pub fn extract(html: &[u8], url: &Url) -> Result<Article, ExtractError> {
    extract_collecting(html, url, None, None)
}

/// [`extract`] for a page as a server sent it: `content_type` (the HTTP header) may name the
/// page's character encoding.
pub fn extract_served(
    html: &[u8],
    url: &Url,
    content_type: Option<&str>,
) -> Result<Article, ExtractError> {
    extract_collecting(html, url, content_type, None)
}

/// One text block of an article with the block model's features.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingBlock {
    pub text: String,
    pub features: Vec<f32>,
}

/// What `scripts/train-block-model` learns from (`tidings extract --blocks`): the article's
/// text as the model found it, and its text blocks with their features before the model
/// judges them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainingPage {
    /// The names of the features, in order.
    pub features: &'static [&'static str],
    pub text: String,
    pub blocks: Vec<TrainingBlock>,
}

/// The article of a page as the block model finds it (see [`TrainingPage`]).
pub fn training_page(html: &[u8], url: &Url) -> Result<TrainingPage, ExtractError> {
    let mut blocks = Vec::new();
    let article = extract_collecting(html, url, None, Some(&mut blocks))?;
    Ok(TrainingPage {
        features: &blocks::FEATURES,
        text: article.text,
        blocks: blocks
            .into_iter()
            .map(|b| TrainingBlock {
                text: b.text,
                features: b.features.to_vec(),
            })
            .collect(),
    })
}

/// The extraction; with `training`, the blocks are collected there instead of judged.
fn extract_collecting(
    html: &[u8],
    url: &Url,
    content_type: Option<&str>,
    training: Option<&mut Vec<blocks::Block>>,
) -> Result<Article, ExtractError> {
    if html.len() > MAX_PAGE_BYTES {
        return Err(ExtractError::TooLarge(html.len()));
    }
    let source = crate::charset::decode_html(html, content_type, Some(url));
    if source.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    let mut dom = parse(&source);
    let meta = metadata::read(&dom, url);
    score::prep_document(&mut dom);
    let title = meta.title.clone().unwrap_or_default();
    let header = header::read(&dom, &title, meta.lang.as_deref(), meta.published.is_none());
    let find_byline = meta.byline.is_none();
    let anchor = meta
        .description
        .as_deref()
        .and_then(|d| Some((description_key(d)?, d.chars().count())));

    // Retries (short articles) start from the prepared page again: a copy kept for small
    // pages, a fresh parse for large ones (which halves their peak memory).
    let pristine = (source.len() < KEEP_COPY_BELOW).then(|| dom.clone());
    let mut fresh = Some(dom);
    let mut best: Option<(Dom, score::Grab)> = None;
    for flags in ATTEMPTS {
        let mut work = match (fresh.take(), &pristine) {
            (Some(d), _) => d,
            (None, Some(p)) => p.clone(),
            (None, None) => {
                let mut d = parse(&source);
                score::prep_document(&mut d);
                d
            }
        };
        let Some(grab) = score::grab_article(&mut work, flags, &title, find_byline) else {
            continue;
        };
        // A short block that holds the page's own summary and more is the story (a short
        // post): a retry would only find a longer box elsewhere (an "About" blurb) or add the
        // sidebar. The summary alone (a teaser whose story was stripped) is not enough.
        let anchored = || {
            anchor.as_ref().is_some_and(|(key, len)| {
                grab.text_len * 5 > len * 6 && holds_words(&work, grab.root, key)
            })
        };
        // (The words are read only when the length alone does not settle it.)
        let long_enough = grab.text_len >= CHAR_THRESHOLD || anchored();
        if best
            .as_ref()
            // Each retry trusts fewer heuristics: it must find clearly more to win.
            .is_none_or(|(_, b)| {
                long_enough
                    || grab.text_len > b.text_len * 3 / 2 + 100
                    || (b.text_len < 200 && grab.text_len > b.text_len)
            })
        {
            best = Some((work, grab));
        }
        if long_enough {
            break;
        }
    }
    let Some((mut dom, grab)) = best else {
        return Err(ExtractError::Empty);
    };
    if grab.text_len == 0 {
        return Err(ExtractError::Empty);
    }
    let root = grab.root;
    clean::clean(&mut dom, root);
    header::restore_lead(&mut dom, root, &header);
    drop(source);
    let byline = meta
        .byline
        .clone()
        .or(grab.byline)
        .map(|b| clean_byline(&b))
        .filter(|b| !b.is_empty());
    let lang = meta.lang.as_deref();
    let stated = dates::Stated::new(
        byline_names(meta.byline.as_deref().map(clean_byline).as_deref()),
        &[meta.published.as_deref(), meta.modified.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>(),
    );
    let datelines = clean::drop_datelines(
        &mut dom,
        root,
        &byline_names(byline.as_deref()),
        &stated,
        lang,
    );
    // The page's metadata, else the date in its URL, else the date it prints.
    let published = meta.published.clone().or_else(|| {
        dates::find_stamps(url.path(), None)
            .into_iter()
            .chain(
                header
                    .date_lines
                    .iter()
                    .chain(&datelines)
                    .flat_map(|l| dates::find_stamps(l, lang)),
            )
            .next()
            .map(|s| s.to_iso())
    });
    match training {
        Some(out) => *out = blocks::blocks(&dom, root, blocks::Which::All),
        None => {
            blocks::prune(&mut dom, root);
            clean::drop_closing_boilerplate(&mut dom, root);
        }
    }
    resolve_media(&mut dom, root, url);

    let text = text::to_text(&dom, root);
    let word_count = crate::text::word_count(&text);
    if word_count == 0 {
        return Err(ExtractError::Empty);
    }
    let mut body_html = text::to_html(&dom, root);
    if let Some(lead) = &meta.lead_image {
        // A video's poster is a picture the story shows (often the lead image itself).
        let shows_picture = dom.walk(root).skip(1).any(|n| match dom.tag(n) {
            "img" => true,
            score::MEDIA_MARK => dom.attr(n, "data-picture").is_some(),
            _ => false,
        });
        if !shows_picture {
            body_html = format!(
                "<figure><img src=\"{}\" alt=\"\"></figure>{body_html}",
                crate::text::escaped(lead, crate::text::Escape::Attribute)
            );
        }
    }
    let content_html = crate::sanitize::sanitize_html(&body_html, Some(url));
    let dir = grab.dir.or(meta.dir.clone()).or_else(|| {
        meta.lang
            .as_deref()
            .filter(|l| is_rtl_lang(l))
            .map(|_| "rtl".to_string())
    });
    Ok(Article {
        title: meta.title,
        byline,
        site_name: meta.site_name,
        published,
        modified: meta.modified,
        lead_image: meta.lead_image,
        lang: meta.lang,
        dir: dir.filter(|d| d == "ltr" || d == "rtl"),
        content_html,
        text,
        word_count,
        reading_minutes: word_count.div_ceil(WORDS_PER_MINUTE).max(1),
        canonical_url: meta.canonical_url,
    })
}

/// Words of a description that identify it in a page: its first [`ANCHOR_WORDS`] words, lower
/// case, joined by single spaces; `None` when it is too short to tell.
fn description_key(description: &str) -> Option<String> {
    let words = words_of(description);
    (words.len() >= ANCHOR_WORDS).then(|| words[..ANCHOR_WORDS].join(" "))
}

/// Words of the description that must appear, in order, in a block for it to hold it.
const ANCHOR_WORDS: usize = 10;

fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether the block's text holds the words of `key` in a row.
fn holds_words(dom: &Dom, root: usize, key: &str) -> bool {
    let text = format!(" {} ", words_of(&dom.text_content(root)).join(" "));
    text.contains(&format!(" {key} "))
}

/// Whitespace collapsed, trailing separators ("Jane Doe —") cut.
fn clean_byline(b: &str) -> String {
    collapse_ws(b)
        .trim_end_matches(|c: char| {
            c.is_whitespace() || matches!(c, '—' | '–' | '-' | '|' | '·' | ',' | ':' | '•')
        })
        .to_string()
}

/// The names in a byline ("Ann Lee, Bo Park and Cy Diaz").
fn byline_names(byline: Option<&str>) -> Vec<String> {
    let Some(b) = byline else {
        return Vec::new();
    };
    let mut names = vec![b.to_string()];
    for sep in [",", " and ", " und ", " et ", " y ", " & ", " e "] {
        names = names
            .iter()
            .flat_map(|n| n.split(sep))
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
    }
    names
}

fn is_rtl_lang(lang: &str) -> bool {
    let primary = lang
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        primary.as_str(),
        "ar" | "he" | "iw" | "fa" | "ur" | "yi" | "ps" | "dv" | "sd" | "ug" | "ckb"
    )
}

/// Makes `src`/`srcset` absolute (the sanitizer resolves `href`/`src`, not `srcset`), and
/// each mark of embedded media a link to it (`href`, and `data-label` for its text), or gone
/// when it has no web address.
fn resolve_media(dom: &mut Dom, root: usize, base: &Url) {
    for n in dom.find_all(root, &[score::MEDIA_MARK]) {
        let kind = dom.attr(n, "data-kind").unwrap_or("").to_string();
        let sources: Vec<String> = dom
            .attr(n, "data-sources")
            .unwrap_or("")
            .lines()
            .map(str::to_string)
            .collect();
        let poster = dom.attr(n, "data-poster");
        match crate::sanitize::media::media_link(&kind, &sources, poster, Some(base)) {
            Some(link) => {
                dom.set_attr(n, "href", &link.href);
                dom.set_attr(n, "data-label", &link.label);
                if let Some(picture) = &link.picture {
                    dom.set_attr(n, "data-picture", picture);
                }
            }
            None => dom.detach(n),
        }
    }
    for n in dom.find_all(root, &["img", "source"]) {
        if let Some(src) = dom.attr(n, "src").map(str::to_string) {
            if let Ok(u) = base.join(src.trim()) {
                dom.set_attr(n, "src", u.as_str());
            }
        }
        if let Some(set) = dom.attr(n, "srcset").map(str::to_string) {
            let resolved: Vec<String> = set
                .split(", ")
                .flat_map(|c| c.split(",\n"))
                .filter_map(|cand| {
                    let mut parts = cand.split_whitespace();
                    let u = parts.next()?;
                    let abs = base.join(u).ok()?;
                    let desc: Vec<&str> = parts.collect();
                    Some(if desc.is_empty() {
                        abs.to_string()
                    } else {
                        format!("{abs} {}", desc.join(" "))
                    })
                })
                .collect();
            dom.set_attr(n, "srcset", &resolved.join(", "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A short post (under Readability's 500 characters) beside a longer "About" blurb.
    fn short_post(description: &str) -> String {
        let about = "<p>Along with original posts, this section of the site includes pieces from \
            other sites, discussions we have followed, stuff we like, and notes from readers, \
            collected by the editors, checked, and published each weekday morning, with a note \
            on where each piece first ran.</p>";
        format!(
            r#"<html><head><title>Carrier pays another big dividend</title>
            <meta name="description" content="{description}"></head><body><div id="main">
            <div class="post"><h1>Carrier pays another big dividend</h1>
            <p class="article-date">November 12, 2012</p>
            <div class="article-body"><p>The carrier will pay its shareholders an 8.5
            billion dividend before the end of the year, after a 10 billion payout last year.</p>
            <p>That means another big payday for its two owners, and it also means avoiding a
            rise in taxes next year.</p></div></div></div>
            <div id="rail"><div class="module voices"><h2>About Voices</h2>{about}{about}</div>
            </div></body></html>"#
        )
    }

    #[test]
    fn short_post_holding_the_description_beats_a_longer_box() {
        let url = Url::parse("https://news.example/2012/11/dividend/").unwrap();
        let page = short_post(
            "The carrier will pay its shareholders an 8.5 billion dividend before the end of \
             the year, after a 10 billion payout last year.",
        );
        let a = extract(page.as_bytes(), &url).unwrap();
        assert!(a.text.contains("another big payday"), "{}", a.text);
        assert!(!a.text.contains("About Voices"), "{}", a.text);
        // A summary found nowhere in the page changes nothing: the longer box wins the retry.
        let page = short_post("Dividends, taxes and the carrier's owners, explained in full.");
        let a = extract(page.as_bytes(), &url).unwrap();
        assert!(a.text.contains("About Voices"), "{}", a.text);
    }

    #[test]
    fn teaser_alone_does_not_stop_the_retries() {
        let description = "The carrier will pay its shareholders an 8.5 billion dividend before \
            the end of the year, after a 10 billion payout last year.";
        let body = "<p>Analysts said the payout, the second in two years, would leave the \
            venture with less cash for its network, though its owners have said they expect \
            no change to spending plans.</p>";
        let page = format!(
            r#"<html><head><title>Carrier pays another big dividend</title>
            <meta name="description" content="{description}"></head><body>
            <div class="post"><h1>Carrier pays another big dividend</h1>
            <p class="dek">{description}</p></div>
            <div class="comment-free">{body}{body}{body}</div></body></html>"#
        );
        let url = Url::parse("https://news.example/2012/11/dividend/").unwrap();
        let a = extract(page.as_bytes(), &url).unwrap();
        assert!(a.text.contains("Analysts said the payout"), "{}", a.text);
    }
}
