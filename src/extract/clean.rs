//! Cleaning inside the chosen block, the way trafilatura does it.
//!
//! Readability picks the right block but keeps what news sites put inside it: share rows,
//! newsletter and "You may also like" boxes, gallery controls, captions printed twice,
//! comment sections. This pass removes them by class/id hints, by the exact wording of such
//! widgets, by "related" headings and the link lists under them, and by dropping a text block
//! that repeats an earlier one. It never touches the block's own root.

use std::collections::HashMap;

use super::dates::{is_dateline, Stated};
use super::dom::{collapse_ws, Dom};
use super::text::is_block;

/// Class/id fragments of widgets that are never the story.
const BOILERPLATE_HINTS: &[&str] = &[
    "share",
    "sharing",
    "social",
    "newsletter",
    "subscribe",
    "signup",
    "sign-up",
    "related",
    "recommend",
    "outbrain",
    "taboola",
    "comment",
    "disqus",
    "promo",
    "advert",
    "sponsor",
    "breadcrumb",
    "pagination",
    "toolbar",
    "popup",
    "modal",
    "cookie",
    "consent",
    "gdpr",
    "you-may",
    "also-like",
    "more-stories",
    "read-more",
    "readmore",
    "most-read",
    "mostread",
    "most-popular",
    "trending",
    "gallery-nav",
    "slideshow-nav",
    "carousel-control",
    "gallery-control",
    "respond",
    "post-nav",
    "nav-links",
    "prev-next",
    "post-navigation",
    "reply",
    "postmetadata",
    "entry-utility",
];

/// Class/id fragments of text meant for screen readers only ("Image caption, "), which a
/// reader of the story never sees: such an element goes wherever it is, inline too.
const SCREEN_READER_HINTS: &[&str] = &[
    "sr-only",
    "visually-hidden",
    "visuallyhidden",
    "screen-reader",
    "screenreader",
];

/// Class/id fragments of a photo credit or copyright notice: such an element goes wherever it
/// is (inline in a caption too) when it is short.
const CREDIT_HINTS: &[&str] = &[
    "credit",
    "copyright",
    "photographer",
    "fotograf",
    "bildnachweis",
    "bildquelle",
    "urheber",
];

/// Longest credit or copyright notice, in characters.
const CREDIT_CHARS: usize = 120;

/// Beginnings of a line that credits a picture or states a copyright (lower case).
const CREDIT_PREFIXES: &[&str] = &[
    "©",
    "(c) ",
    "copyright",
    "copyleft",
    "foto:",
    "fotos:",
    "foto ©",
    "photo:",
    "photos:",
    "photo credit",
    "bild:",
    "bilder:",
    "titelbild:",
    "credit:",
    "credits:",
    "crédito:",
    "crédit :",
    "crédit:",
    "image:",
    "picture:",
    "quelle:",
];

/// A copyright statement anywhere in a short line, in English, German, French, Spanish,
/// Italian, Portuguese and Polish.
const RIGHTS_RESERVED: &[&str] = &[
    "all rights reserved",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "todos los derechos reservados",
    "tutti i diritti riservati",
    "todos os direitos reservados",
    "wszelkie prawa zastrzeżone",
];

/// Whether a line (whitespace collapsed) only credits a picture or states a copyright.
fn is_credit_line(line: &str) -> bool {
    if line.chars().count() > CREDIT_CHARS {
        return false;
    }
    let lower = line.to_lowercase();
    let lower = lower.trim_start_matches(|c: char| c.is_whitespace() || c == '(' || c == '[');
    CREDIT_PREFIXES.iter().any(|p| lower.starts_with(p))
        || RIGHTS_RESERVED.iter().any(|r| lower.contains(r))
}

/// Class/id fragments of a box about the author, which may be as long as a short post (also
/// widget hints, like [`BOILERPLATE_HINTS`]).
const AUTHOR_BOX_HINTS: &[&str] = &[
    "author-bio",
    "authorbio",
    "about-author",
    "about-the-author",
    "author-box",
    "authorbox",
    "author-info",
    "author_info",
    "authorinfo",
    "author-description",
    "author-profile",
];

/// Class/id tokens (whole words) of widgets.
const BOILERPLATE_TOKENS: &[&str] = &["ad", "ads", "nav", "tags", "print", "email", "bio"];

/// Whole texts of widgets (lower case, punctuation trimmed).
const JUNK_TEXTS: &[&str] = &[
    "share",
    "share this",
    "share this story",
    "share this article",
    "share this post",
    "share this page",
    "share on facebook",
    "share on twitter",
    "share via email",
    "tweet",
    "facebook",
    "twitter",
    "email",
    "e-mail",
    "print",
    "whatsapp",
    "linkedin",
    "pinterest",
    "reddit",
    "advertisement",
    "advertising",
    "ad",
    "sponsored",
    "sponsored content",
    "related",
    "related news",
    "related stories",
    "related articles",
    "related content",
    "related posts",
    "related news programmes",
    "read more",
    "continue reading",
    "click here",
    "follow us",
    "sign up",
    "subscribe",
    "comments",
    "leave a comment",
    "loading",
    "next",
    "previous",
    "prev",
    "enlarge",
    "enlarge this image",
    "toggle caption",
    "hide caption",
    "show caption",
    "expand",
    "close",
    "view gallery",
    "launch gallery",
    "open gallery",
    "next image",
    "previous image",
    "back to top",
    "back to story",
    "click to enlarge",
    "click to enlarge image",
    "image",
    "images",
    "gallery",
    "photo",
    "photos",
    "video",
    "home",
    "pin it",
    "follow on twitter",
    "follow on facebook",
    "follow me on twitter",
    "previous article",
    "next article",
    "previous post",
    "next post",
    "older post",
    "newer post",
    "video link & embed code",
    "embed code",
    "正在加载",
    "загрузка",
    "chargement",
    "cargando",
    "skip advertisement",
    "story continues below advertisement",
    "article continues below",
];

/// Beginnings of widget texts.
const JUNK_PREFIXES: &[&str] = &[
    "share this",
    "share on ",
    "follow us on",
    "sign up for",
    "subscribe to our",
    "click here to",
    "you may also like",
    "recommended for you",
    "read more:",
    "related:",
    "see also:",
    "related coverage",
    "most read",
    "most popular",
    "related topics",
    "like us on",
    "more on this",
    "you might also like",
];

/// The same widgets' words in other languages (German, French, Spanish, Italian, Portuguese,
/// Dutch, Polish): beginnings of a short block that is a link to more, a call to share or
/// follow, or an advertisement's label.
const JUNK_PREFIXES_INTL: &[&str] = &[
    "lesen sie mehr",
    "weiterlesen",
    "mehr zum thema",
    "mehr dazu",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "das thema könnte dich auch interessieren",
    "auch interessant",
    "weitere artikel",
    "ähnliche artikel",
    "artikel teilen",
    "artikel gefallen",
    "jetzt teilen",
    "folgen sie uns",
    "entdecke weitere",
    "mehr erfahren",
    "anzeige",
    "lire la suite",
    "sur le même sujet",
    "suivez-nous",
    "articles similaires",
    "en savoir plus",
    "publicité",
    "leer más",
    "te puede interesar",
    "también te puede interesar",
    "noticias relacionadas",
    "artículos relacionados",
    "síguenos",
    "publicidad",
    "potrebbe interessarti",
    "articoli correlati",
    "seguici",
    "pubblicità",
    "leia mais",
    "siga-nos",
    "publicidade",
    "lees meer",
    "volg ons",
    "advertentie",
    "czytaj więcej",
    "dowiedz się więcej",
    "reklama",
];

/// Beginnings of a line that points to another story ("Lesen Sie auch: <its headline>"), in
/// English, German, French, Spanish, Italian, Portuguese, Dutch and Polish: the line goes
/// whatever the headline's length.
const READ_ALSO: &[&str] = &[
    "read also",
    "lesen sie auch",
    "lies auch",
    "à lire aussi",
    "a lire aussi",
    "lire aussi",
    "voir aussi",
    "lee también",
    "lea también",
    "leggi anche",
    "leia também",
    "veja também",
    "lees ook",
    "czytaj także",
    "czytaj też",
    "zobacz też",
    "zobacz także",
];

/// Beginnings of the sentences blog engines put under a post.
const JUNK_SENTENCES: &[&str] = &[
    "you can follow any responses to this entry",
    "you can skip to the end and leave a response",
    "your email address will not be published",
    "you may use these html tags",
    "filed under:",
    "tagged with:",
    "tagged:",
    "tags:",
    "posted in ",
    "categories:",
    "this entry was posted",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "add a comment",
    "comments are closed",
    "join the conversation",
    "share this:",
    "like this:",
    "all rights reserved",
    "we and our ",
    "we use cookies",
    "this site uses cookies",
    "this website uses cookies",
    "read more:",
    "also read:",
    "see also:",
    "related:",
];

/// Headings above lists of other stories.
const RELATED_HEADINGS: &[&str] = &[
    "related",
    "related news",
    "related stories",
    "related articles",
    "related posts",
    "related content",
    "related coverage",
    "related links",
    "you may also like",
    "you might also like",
    "you might like",
    "you may like",
    "recommended posts",
    "recommended stories",
    "about the author",
    "more from",
    "more stories",
    "more news",
    "recommended",
    "recommended for you",
    "most read",
    "most popular",
    "popular",
    "trending",
    "trending now",
    "recent news",
    "latest news",
    "also read",
    "see also",
    "read next",
    "what to read next",
    "around the web",
    "from the web",
    "elsewhere on the web",
    "sponsored",
    "sponsored stories",
    "top stories",
    "editor's picks",
    "recent posts",
    "recent articles",
    "recent stories",
    "latest posts",
    "latest stories",
    "popular posts",
    "more in",
    "about this blog",
    "categories",
    "archives",
    "blogroll",
    "editors' picks",
];

/// Labels of a list of the story's tags or categories ("Tags: …", "Related topics – …"), in
/// English, German, French, Spanish, Italian, Portuguese, Dutch and Polish.
const TAG_LABELS: &[&str] = &[
    "tags",
    "tag",
    "tagged",
    "tagged with",
    "topics",
    "related topics",
    "related tags",
    "filed under",
    "posted in",
    "categories",
    "category",
    "schlagwörter",
    "schlagworte",
    "stichwörter",
    "stichworte",
    "themen",
    "kategorie",
    "kategorien",
    "étiquettes",
    "mots-clés",
    "mots clés",
    "catégories",
    "catégorie",
    "etiquetas",
    "categorías",
    "categoría",
    "temas",
    "argomenti",
    "categorie",
    "categoria",
    "trefwoorden",
    "tagi",
];

/// The longest list of tags taken as one: a few lines.
const TAG_LIST_MAX_CHARS: usize = 300;

/// The text after one of `labels` (any case) and its colon or dash at the start of `raw`
/// ("Tags: a, b" → "a, b").
fn after_label<'a>(raw: &'a str, labels: &[&str]) -> Option<&'a str> {
    labels.iter().find_map(|label| {
        let head = raw.get(..label.len())?;
        // Every block is asked: the first byte (the same for a label's first letter in either
        // case, ASCII or not) rules most out before anything is lowercased.
        if head.as_bytes()[0].to_ascii_lowercase() != label.as_bytes()[0]
            || head.to_lowercase() != *label
        {
            return None;
        }
        let rest = raw[label.len()..].trim_start();
        Some(rest.strip_prefix([':', '–', '—', '-'])?.trim())
    })
}

/// The nodes of a list of the story's tags or categories that starts at block `n` (whose text
/// is `raw`): a label and links to the tags, in the block ("Tags: Harbour, Ferries") or, when
/// the block is the label alone, in the links or the short block of links right after it. A
/// label followed by prose is a sentence of the story, not a list.
fn tag_list(dom: &Dom, n: usize, raw: &str) -> Option<Vec<usize>> {
    if !is_block(dom.tag(n)) {
        return None;
    }
    let rest = after_label(raw, TAG_LABELS)?;
    if !rest.is_empty() {
        // Tags are links; a long line must be nearly all links to be a list.
        let chars = rest.chars().count();
        let links = dom.subtree_stats(n).link_text / chars as f64;
        let short = chars <= TAG_LIST_MAX_CHARS;
        return ((short && links >= 0.3) || links >= 0.6).then(|| vec![n]);
    }
    let parent = dom.parent(n)?;
    let kids = &dom.nodes[parent].children;
    let at = kids.iter().position(|&k| k == n)?;
    // The label, the tags and the commas between them.
    let mut list = vec![n];
    let mut tags = 0;
    for &k in &kids[at + 1..] {
        if dom.nodes[k].is_text() {
            let sep = dom.nodes[k].text();
            if !sep
                .trim_matches(|c: char| c.is_whitespace() || c == ',')
                .is_empty()
            {
                break;
            }
            list.push(k);
            continue;
        }
        if dom.is_tag(k, &["a"]) {
            list.push(k);
            tags += 1;
            continue;
        }
        let stats = dom.subtree_stats(k);
        if tags == 0
            && is_block(dom.tag(k))
            && stats.text <= TAG_LIST_MAX_CHARS
            && stats.link_density() >= 0.6
        {
            list.push(k);
            tags += 1;
        }
        break;
    }
    (tags > 0).then_some(list)
}

fn norm(text: &str) -> String {
    norm_collapsed(&collapse_ws(text))
}

/// [`norm`] of a text whose whitespace is already collapsed.
fn norm_collapsed(text: &str) -> String {
    text.to_lowercase()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_string()
}

fn is_junk_text(n: &str) -> bool {
    if n.chars().count() > 60 {
        return false;
    }
    JUNK_TEXTS.contains(&n)
        || JUNK_PREFIXES
            .iter()
            .chain(JUNK_PREFIXES_INTL)
            .any(|p| n.starts_with(p))
        || is_counter(n)
}

/// "3 of 12", "image 3 of 12", "photo 3/12", "Previous 3 / 12 Next": gallery counters.
fn is_counter(n: &str) -> bool {
    let mut words: Vec<&str> = n.split_whitespace().collect();
    // "Previous 3 of 12 Next"
    if words
        .first()
        .is_some_and(|w| matches!(*w, "previous" | "prev"))
    {
        words.remove(0);
    }
    if words.last() == Some(&"next") {
        words.pop();
    }
    let numeric = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_digit());
    match words.as_slice() {
        [a, "of" | "/", b] => numeric(a) && numeric(b),
        [kind, a, "of", b] => {
            matches!(*kind, "image" | "photo" | "picture" | "slide") && numeric(a) && numeric(b)
        }
        [a] => a
            .split_once('/')
            .is_some_and(|(x, y)| numeric(x) && numeric(y)),
        _ => false,
    }
}

/// The label of a button that unfolds a press release ("Show full PR text", "View the full
/// press release").
fn is_press_release_toggle(n: &str) -> bool {
    let Some(rest) = ["show ", "view ", "read ", "see ", "expand "]
        .iter()
        .find_map(|v| n.strip_prefix(v))
    else {
        return false;
    };
    let rest = rest.strip_prefix("the ").unwrap_or(rest);
    let Some(rest) = rest.strip_prefix("full ") else {
        return false;
    };
    matches!(
        rest,
        "pr" | "pr text" | "press release" | "press release text" | "release"
    )
}

fn is_related_heading(n: &str) -> bool {
    n.chars().count() <= 40
        && RELATED_HEADINGS
            .iter()
            .any(|h| n == *h || (n.starts_with(h) && h.len() >= 8))
}

fn has_hint(dom: &Dom, id: usize) -> bool {
    let ms = dom.match_string(id);
    if ms.trim().is_empty() {
        return false;
    }
    // A wrapper of the story itself may well be called "article-share-wrapper".
    if ms.contains("article-body") || ms.contains("story-body") || ms.contains("entry-content") {
        return false;
    }
    // Each class or id on its own; a long hyphenated one is a slug ("sharing-with-a-team").
    ms.split_whitespace()
        .filter(|t| t.split(['-', '_']).count() <= 3)
        .any(|t| {
            BOILERPLATE_HINTS
                .iter()
                .chain(AUTHOR_BOX_HINTS)
                .chain(SCREEN_READER_HINTS)
                .any(|h| t.contains(h))
                || t.split(['-', '_']).any(|p| BOILERPLATE_TOKENS.contains(&p))
        })
}

/// A photo credit or copyright notice named so: short, and holding no paragraph or picture.
fn is_credit(dom: &Dom, id: usize) -> bool {
    let ms = dom.match_string(id);
    CREDIT_HINTS.iter().any(|h| ms.contains(h))
        && dom.subtree_stats(id).text <= CREDIT_CHARS
        && !dom.any_descendant(id, |d| dom.is_tag(d, &["p", "img", "picture", "figure"]))
}

/// A box about the author: named so, or named just "author" and too long for a byline.
fn is_author_box(dom: &Dom, id: usize, text_len: usize) -> bool {
    let ms = dom.match_string(id);
    AUTHOR_BOX_HINTS.iter().any(|h| ms.contains(h))
        || (text_len > 150 && ms.split_whitespace().any(|t| t == "author"))
}

/// Removes widgets, duplicated captions and "related" lists inside the article block.
pub(crate) fn clean(dom: &mut Dom, root: usize) {
    let total = dom.subtree_stats(root).text.max(1);
    // 1. Widgets by class/id, when they are a small part of the block.
    for n in dom.descendants(root).into_iter().skip(1) {
        if !dom.nodes[n].is_element() || dom.nodes[n].parent == usize::MAX {
            continue;
        }
        let tag = dom.tag(n);
        if !is_block(tag) && {
            let ms = dom.match_string(n);
            SCREEN_READER_HINTS.iter().any(|h| ms.contains(h))
        } {
            dom.detach(n);
            continue;
        }
        if tag != "img" && is_credit(dom, n) {
            dom.detach(n);
            continue;
        }
        // Story text and inline elements are judged by their words, not their class.
        if dom.is_tag(
            n,
            &["p", "h1", "h2", "h3", "h4", "h5", "h6", "img", "picture"],
        ) || !(is_block(tag) || tag == "figure")
        {
            continue;
        }
        let stats = dom.subtree_stats(n);
        let author_box = is_author_box(dom, n, stats.text);
        if !(author_box || has_hint(dom, n) || tag == "form") {
            continue;
        }
        // The size limit keeps a story wrapper with a misleading name; a box that is mostly
        // links (a menu) or about the author is never the story, even beside a short post.
        if stats.text * 4 < total
            || (stats.link_density() > 0.5 && stats.text * 2 < total)
            || (author_box && stats.text * 2 < total)
        {
            dom.detach(n);
        }
    }
    // 2. Widget texts and related-story sections.
    let blocks: Vec<usize> = dom
        .descendants(root)
        .into_iter()
        .skip(1)
        .filter(|&n| dom.nodes[n].is_element())
        .collect();
    for n in blocks {
        if !attached_to(dom, n, root) {
            continue;
        }
        let tag = dom.tag(n).to_string();
        if !(is_block(&tag) || matches!(tag.as_str(), "span" | "a" | "strong" | "b" | "em")) {
            continue;
        }
        if matches!(tag.as_str(), "br" | "hr") {
            continue;
        }
        let stats = dom.subtree_stats(n);
        if stats.text > 300 && stats.link_density() < 0.5 {
            continue;
        }
        // A link or word inside a sentence is part of the sentence.
        if !is_block(&tag) && !stands_alone(dom, n) {
            continue;
        }
        let raw = collapse_ws(&dom.text_content(n));
        let text = norm_collapsed(&raw);
        if text.is_empty() {
            continue;
        }
        if JUNK_SENTENCES
            .iter()
            .chain(READ_ALSO)
            .any(|j| text.starts_with(j))
            && !dom.any_descendant(n, |d| dom.is_tag(d, &["p", "img"]))
        {
            dom.detach(n);
            continue;
        }
        if let Some(list) = tag_list(dom, n, &raw) {
            for k in list {
                dom.detach(k);
            }
            continue;
        }
        if stats.text > 80 {
            continue;
        }
        if is_related_heading(&text)
            && (tag.starts_with('h') || matches!(tag.as_str(), "p" | "div" | "strong" | "b"))
        {
            remove_related_section(dom, n);
            continue;
        }
        // "← Older story" / "Newer story →": links to the neighbouring posts.
        let arrows = raw.starts_with(['←', '«']) || raw.ends_with(['→', '»']);
        if arrows && stats.link_density() > 0.8 {
            dom.detach(n);
            continue;
        }
        // "Show full PR text": a collapsed press release pasted under the story.
        if is_press_release_toggle(&text) {
            if let Some(p) = dom.parent(n).filter(|&p| p != root) {
                if dom.subtree_stats(p).text * 4 < total * 3 {
                    dom.detach(p);
                    continue;
                }
            }
        }
        if (is_junk_text(&text) || is_credit_line(&raw)) && dom.find_all(n, &["img"]).is_empty() {
            dom.detach(n);
        }
    }
    // 3. A text block that repeats an earlier one (captions printed twice, bylines again).
    let mut seen: HashMap<String, (usize, bool)> = HashMap::new();
    for n in dom.descendants(root).into_iter().skip(1) {
        if !dom.nodes[n].is_element() || !attached_to(dom, n, root) {
            continue;
        }
        let tag = dom.tag(n).to_string();
        if !(is_block(&tag) || tag == "span") || matches!(tag.as_str(), "br" | "hr") {
            continue;
        }
        if dom.any_descendant(n, |d| {
            let t = dom.tag(d);
            !t.is_empty() && is_block(t) && t != "br"
        }) {
            continue;
        }
        let text = norm(&dom.text_content(n));
        if text.chars().count() < 20 {
            continue;
        }
        // Two paragraphs may repeat on purpose; a caption or byline never needs to.
        let ms = dom.match_string(n);
        let captionish = tag == "figcaption"
            || dom.has_ancestor_tag(n, "figure")
            || [
                "caption", "credit", "byline", "author", "dateline", "photo", "image", "img",
                "media", "pic",
            ]
            .iter()
            .any(|h| ms.contains(h));
        match seen.get(&text) {
            // A wrapper and what it wraps (`<figcaption><span>…</span></figcaption>`) are
            // one text, not a repeat.
            Some(&(first, _)) if dom.ancestors(n, 0).contains(&first) => {}
            Some(&(_, first_captionish)) if captionish || first_captionish => dom.detach(n),
            Some(_) => {}
            None => {
                seen.insert(text, (n, captionish));
            }
        }
    }
    // 4. Elements left empty.
    let all = dom.descendants(root);
    for &n in all.iter().rev().filter(|&&n| n != root) {
        if !dom.is_tag(
            n,
            &[
                "div",
                "span",
                "p",
                "li",
                "ul",
                "ol",
                "section",
                "figure",
                "figcaption",
                "blockquote",
                "a",
                "h2",
                "h3",
                "h4",
                "h5",
                "h6",
                "header",
                "aside",
            ],
        ) {
            continue;
        }
        let has_text = dom.any_descendant(n, |d| dom.nodes[d].has_text());
        // An inline element holding only a space or a tab is what parts the words around
        // it ("1.<span>\t</span>Wash"): it stays.
        let parts_words = dom.is_tag(n, &["span", "a"])
            && dom.any_descendant(n, |d| {
                dom.nodes[d].is_text() && !dom.nodes[d].text().is_empty()
            });
        if !has_text
            && !parts_words
            && !dom.any_descendant(n, |d| {
                dom.is_tag(d, &["img", "picture", "video", super::score::MEDIA_MARK])
            })
        {
            dom.detach(n);
        }
    }
}

/// Text blocks of at least this many characters are story prose: datelines are looked for
/// before the first and after the last.
pub(crate) const PROSE_CHARS: usize = 150;

/// The block's text blocks in order: block elements holding no other block (but line
/// breaks), with their text, whitespace collapsed; empty ones left out.
pub(crate) fn text_leaves(dom: &Dom, root: usize) -> Vec<(usize, String)> {
    dom.walk(root)
        .skip(1)
        .filter(|&n| is_text_leaf(dom, n))
        .map(|n| (n, collapse_ws(&dom.text_content(n))))
        .filter(|(_, t)| !t.is_empty())
        .collect()
}

/// Whether the node is a text block: a block element holding no other block (but line breaks).
fn is_text_leaf(dom: &Dom, n: usize) -> bool {
    dom.nodes[n].is_element()
        && is_block(dom.tag(n))
        && !dom.any_descendant(n, |d| is_block(dom.tag(d)) && !dom.is_tag(d, &["br", "hr"]))
}

/// Verbs of a call to subscribe, in English, German, French, Spanish, Italian, Dutch, Polish
/// and Portuguese ("Sign up for", "Newsletter abonnieren", "Inscrivez-vous", "Suscríbete").
const SUBSCRIBE_VERBS: &[&str] = &[
    "subscribe",
    "sign up",
    "sign-up",
    "signup",
    "enter your email",
    "abonnier",
    "anmelden",
    "melde dich",
    "melden sie sich",
    "hol dir",
    "abonnez",
    "inscrivez",
    "suscr",
    "iscriviti",
    "meld je aan",
    "zapisz się",
    "assine",
];

/// What a call to subscribe offers. An email address alone is not enough: a story may well end
/// on how to sign up for the event it reports ("Interessierte können sich per E-Mail anmelden").
const SUBSCRIBE_OBJECTS: &[&str] = &["newsletter", "mailing list", "updates"];

/// The longest text block taken as a call to subscribe: a short paragraph.
const SUBSCRIBE_CALL_MAX_CHARS: usize = 400;

/// Whether a text block (lowercase) asks the reader to subscribe to a newsletter or to email
/// updates: a verb of signing up and what it offers.
fn is_call_to_subscribe(text: &str) -> bool {
    text.chars().count() <= SUBSCRIBE_CALL_MAX_CHARS
        && SUBSCRIBE_VERBS.iter().any(|v| text.contains(v))
        && SUBSCRIBE_OBJECTS.iter().any(|o| text.contains(o))
}

/// Social networks a call to follow names.
const NETWORKS: &[&str] = &[
    "twitter",
    "facebook",
    "instagram",
    "linkedin",
    "youtube",
    "pinterest",
    "tiktok",
    "mastodon",
    "bluesky",
    "threads",
    "telegram",
    "whatsapp",
    "flickr",
];

/// Verbs a call to follow starts with, in English, German, French, Spanish, Italian,
/// Portuguese, Dutch and Polish.
const FOLLOW_VERBS: &[&str] = &[
    "follow",
    "like",
    "join",
    "get",
    "find",
    "connect",
    "folge",
    "folgt",
    "folgen",
    "suivez",
    "retrouvez",
    "rejoignez",
    "síguenos",
    "sigue",
    "seguici",
    "segui",
    "siga",
    "volg",
    "obserwuj",
];

/// The longest text block taken as a call to follow: a line.
const FOLLOW_CALL_MAX_CHARS: usize = 120;

/// Whether a text block (lowercase) asks the reader to follow the site or the author on a
/// social network: it starts with a verb of following and names a network or an account
/// ("Follow @harbourdaily on Twitter!", "Like the Harbour Daily on Facebook").
fn is_call_to_follow(text: &str) -> bool {
    let start = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let account = |w: &str| {
        w.strip_prefix('@')
            .is_some_and(|h| h.chars().next().is_some_and(char::is_alphanumeric))
    };
    text.chars().count() <= FOLLOW_CALL_MAX_CHARS
        && FOLLOW_VERBS.iter().any(|v| {
            start
                .strip_prefix(v)
                .is_some_and(|r| r.starts_with([' ', ':']))
        })
        && (NETWORKS.iter().any(|n| text.contains(n)) || text.split_whitespace().any(account))
}

/// Labels of a note about the author, in English, German, French, Spanish, Italian,
/// Portuguese, Dutch and Polish.
const ABOUT_THE_AUTHOR: &[&str] = &[
    "about the author",
    "über den autor",
    "über die autorin",
    "zum autor",
    "zur autorin",
    "à propos de l'auteur",
    "à propos de l’auteur",
    "sobre el autor",
    "sobre la autora",
    "sull'autore",
    "sull’autore",
    "sobre o autor",
    "over de auteur",
    "o autorze",
];

/// The longest text block taken as a note about the author: a short paragraph.
const AUTHOR_NOTE_MAX_CHARS: usize = 600;

/// Whether a text block (lowercase) is a note about the author, labelled as one ("About the
/// author: Jo Bloggs writes about …").
fn is_author_note(text: &str) -> bool {
    text.chars().count() <= AUTHOR_NOTE_MAX_CHARS && after_label(text, ABOUT_THE_AUTHOR).is_some()
}

/// Whether a text block (lowercase) speaks to the reader about the site rather than of the
/// story: a call to subscribe, a call to follow, or a note about the author.
fn is_closing_boilerplate(text: &str) -> bool {
    is_call_to_subscribe(text) || is_call_to_follow(text) || is_author_note(text)
}

/// Removes the calls to subscribe or to follow and the notes about the author that the story
/// ends on ("Sign up for free email updates!", "Nichts Neues verpassen! Newsletter abonnieren",
/// "Follow @harbourdaily on Twitter"; [`is_closing_boilerplate`]). Such a box, written as one
/// more paragraph of the post, has no class or heading to give it away, but at the very end of
/// the story it speaks to the reader rather than of the story's subject. Only the last blocks
/// go, and never the first, so a short story about a newsletter keeps its text. Runs after the
/// edges are pruned, when the call is no longer followed by a share row.
pub(crate) fn drop_closing_boilerplate(dom: &mut Dom, root: usize) {
    // The text blocks of `text_leaves`, last first, read only as far as the calls go.
    let mut calls = Vec::new();
    let mut story_before = false;
    let mut stack = dom.nodes[root].children.clone();
    while let Some(n) = stack.pop() {
        if !is_text_leaf(dom, n) {
            stack.extend(&dom.nodes[n].children);
            continue;
        }
        let text = collapse_ws(&dom.text_content(n));
        if text.is_empty() {
            continue;
        }
        if !is_closing_boilerplate(&text.to_lowercase()) {
            story_before = true;
            break;
        }
        calls.push(n);
    }
    if !story_before {
        // Every block is a call: the first is the story.
        calls.pop();
    }
    for n in calls {
        dom.detach(n);
    }
}

/// Finds the lines before the story's first paragraph of prose and after its last that only
/// state its date and author ([`is_dateline`]: "By Jane Doe", "March 3, 2025 | 09:12",
/// "Last updated: …"; `names` are the byline's names) and removes those that repeat the
/// metadata ([`Stated::repeated_by`]). Returns every such line, removed or not, in order.
pub(crate) fn drop_datelines(
    dom: &mut Dom,
    root: usize,
    names: &[String],
    stated: &Stated,
    lang: Option<&str>,
) -> Vec<String> {
    let mut found = Vec::new();
    let mut kept = Vec::new();
    // A block holding only datelines is one once they are gone: look again.
    for _ in 0..3 {
        let mut dropped = false;
        let leaves = text_leaves(dom, root);
        let prose: Vec<usize> = leaves
            .iter()
            .enumerate()
            .filter(|(_, (_, t))| t.chars().count() >= PROSE_CHARS)
            .map(|(i, _)| i)
            .collect();
        let (first, last) = match (prose.first(), prose.last()) {
            (Some(&f), Some(&l)) => (f, l),
            _ => (leaves.len(), 0),
        };
        for (i, (n, text)) in leaves.into_iter().enumerate() {
            if (i >= first && i <= last) || kept.contains(&n) || !is_dateline(&text, names, lang) {
                continue;
            }
            if stated.repeated_by(&text) {
                dom.detach(n);
                dropped = true;
            } else {
                kept.push(n);
            }
            found.push(text);
        }
        if !dropped {
            break;
        }
    }
    found
}

/// Whether an inline element is all the text of its parent block.
fn stands_alone(dom: &Dom, n: usize) -> bool {
    let mut block = n;
    while let Some(p) = dom.parent(block) {
        block = p;
        if is_block(dom.tag(p)) {
            break;
        }
    }
    // Bounded: the block around a long run of inline elements is asked once for each of them.
    !dom.text_longer_than(block, dom.subtree_stats(n).text + 3)
}

fn attached_to(dom: &Dom, n: usize, root: usize) -> bool {
    let mut cur = n;
    let mut steps = 0;
    while cur != root {
        match dom.parent(cur) {
            Some(p) => cur = p,
            None => return false,
        }
        steps += 1;
        if steps > 10_000 {
            return false;
        }
    }
    true
}

/// Removes a "Related stories" heading and the link lists that follow it.
fn remove_related_section(dom: &mut Dom, heading: usize) {
    let Some(parent) = dom.parent(heading) else {
        return;
    };
    let kids = dom.nodes[parent].children.clone();
    let Some(pos) = kids.iter().position(|&c| c == heading) else {
        return;
    };
    let mut drop = vec![heading];
    for &k in &kids[pos + 1..] {
        if dom.nodes[k].is_text() {
            if !dom.nodes[k].has_text() {
                continue;
            }
            break;
        }
        let s = dom.subtree_stats(k);
        let listy = dom.is_tag(k, &["ul", "ol"]) || !dom.find_all(k, &["li"]).is_empty();
        if s.text == 0 || s.link_density() > 0.4 || (listy && s.link_density() > 0.2) {
            drop.push(k);
        } else {
            break;
        }
    }
    // A lone heading with nothing link-like after it may be a real subheading: keep it.
    if drop.len() == 1 {
        let next_is_content = kids[pos + 1..]
            .iter()
            .find(|&&k| !dom.is_whitespace(k))
            .is_some_and(|&k| dom.subtree_stats(k).text > 0);
        if next_is_content {
            return;
        }
    }
    for d in drop {
        dom.detach(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(html: &str) -> String {
        let mut dom = Dom::parse_document(html);
        let root = dom.first("div").unwrap();
        clean(&mut dom, root);
        super::super::text::to_text(&dom, root)
    }

    const STORY: &str = "<p>The council met on Monday evening to approve the harbour plan, \
        which had been delayed twice by objections from residents of the two islands.</p>\
        <p>Work on the new pier is due to begin in the spring, the council said.</p>";

    #[test]
    fn a_span_holding_only_a_tab_still_parts_the_words() {
        let text = cleaned(&format!(
            "<div>{STORY}<div><span>1.<span class=\"Apple-tab-span\">\t</span>Wash your face \
             with a mild soap.</span></div><div><span><br></span></div></div>"
        ));
        assert!(text.contains("1. Wash your face"), "{text}");
    }

    #[test]
    fn caption_in_a_wrapper_is_not_a_repeat() {
        let text = cleaned(&format!(
            "<div>{STORY}<figure><img src=\"a.jpg\"><figcaption><span>Workers on the old pier \
             at dawn</span></figcaption></figure></div>"
        ));
        assert!(text.contains("Workers on the old pier at dawn"), "{text}");
    }

    #[test]
    fn folded_press_release_goes() {
        let release = "<p>The Analog Four is the best of two worlds, the company says, and \
            its sequencer is enhanced for a machine par excellence.</p>";
        let text = cleaned(&format!(
            "<div>{STORY}<div id=\"box\"><div>Show full PR text</div><div>{release}{release}\
             </div></div></div>"
        ));
        assert!(text.contains("Work on the new pier"), "{text}");
        assert!(!text.contains("Analog Four"), "{text}");
        assert!(is_press_release_toggle("view the full press release"));
        assert!(!is_press_release_toggle("show full article"));
    }

    #[test]
    fn author_box_and_menu_go_even_beside_a_short_post() {
        let bio = "I founded this blog to cover the harbour, the islands and their ferries, \
            after years of reading news written far away from here; I edit it and write most \
            of the posts, usually about boats.";
        let text = cleaned(&format!(
            "<div>{STORY}<div class=\"site-author-box\"><h4>About Jo</h4><p>{bio}</p></div></div>"
        ));
        assert!(text.contains("Work on the new pier"), "{text}");
        assert!(!text.contains("I founded this blog"), "{text}");
        // Named just "author": a bio when long, a byline (kept) when short.
        let text = cleaned(&format!(
            "<div><div class=\"author\">By Jo Bloggs</div>{STORY}<div id=\"author\">\
             <h3>Author: Jo</h3><p>{bio}</p></div></div>"
        ));
        assert!(text.contains("By Jo Bloggs"), "{text}");
        assert!(!text.contains("I founded this blog"), "{text}");
        let menu: String = [
            "Passage lookup",
            "Keyword search",
            "Reading plans",
            "Audio bibles",
            "Available versions",
            "Devotionals",
            "Newsletters",
            "Store",
        ]
        .iter()
        .map(|m| format!("<li><a href=\"/{m}\">{m}</a></li>"))
        .collect();
        let text = cleaned(&format!("<div>{STORY}<ul id=\"nav-col\">{menu}</ul></div>"));
        assert!(text.contains("Work on the new pier"), "{text}");
        assert!(!text.contains("Keyword search"), "{text}");
    }

    #[test]
    fn the_calls_to_subscribe_a_story_ends_on_go_and_its_own_words_stay() {
        let closing = |html: &str| {
            let mut dom = Dom::parse_document(html);
            let root = dom.first("div").unwrap();
            drop_closing_boilerplate(&mut dom, root);
            super::super::text::to_text(&dom, root)
        };
        let text = closing(&format!(
            "<div>{STORY}<p>Every day our editors pick the best of the news. Sign up for the \
             newsletter here.</p><p>Nichts Neues verpassen! Newsletter abonnieren</p></div>"
        ));
        assert!(text.ends_with("the council said."), "{text}");
        // A call inside the story is not where it ends.
        let text = closing(&format!(
            "<div>{STORY}<p>Sign up for our newsletter.</p><p>The pier opens in 2027.</p></div>"
        ));
        assert!(text.contains("Sign up for our newsletter."), "{text}");
        // A story about a newsletter keeps its text: neither its last words, which name no
        // way to subscribe, nor its only block.
        let text = closing(
            "<div><p>The council will subscribe to the new flood service.</p><p>Residents \
             already get the newsletter.</p><p>Places on the boat trip can be booked by \
             email; sign up before Friday.</p></div>",
        );
        assert!(text.ends_with("sign up before Friday."), "{text}");
        assert!(
            text.contains("Residents already get the newsletter."),
            "{text}"
        );
        let text = closing("<div><p>Sign up for email updates from the council.</p></div>");
        assert_eq!(text, "Sign up for email updates from the council.");
    }

    #[test]
    fn the_calls_to_follow_and_the_author_notes_a_story_ends_on_go() {
        let closing = |html: &str| {
            let mut dom = Dom::parse_document(html);
            let root = dom.first("div").unwrap();
            drop_closing_boilerplate(&mut dom, root);
            super::super::text::to_text(&dom, root)
        };
        let text = closing(&format!(
            "<div>{STORY}<p>About the author: Jo Bloggs has covered the harbour and its ferries \
             for the Daily since 2009.</p><p>Like the Harbour Daily on Facebook. Follow us on \
             Twitter.</p><p>*Follow me @jobloggs and say hello ;)</p><p>Folgen Sie uns auf \
             Instagram!</p></div>"
        ));
        assert!(text.ends_with("the council said."), "{text}");
        // Inside the story, the same words are the story's.
        let text = closing(&format!(
            "<div>{STORY}<p>Follow the council on Twitter for the dates.</p><p>The pier opens \
             in 2027.</p></div>"
        ));
        assert!(text.contains("Follow the council on Twitter"), "{text}");
        assert!(is_call_to_follow("follow @harbourdaily on twitter!"));
        assert!(is_call_to_follow(
            "> >follow jo bloggs (@jobloggs) on twitter"
        ));
        assert!(!is_call_to_follow(
            "following the storm, twitter was full of photos."
        ));
        assert!(!is_call_to_follow("follow the signs to the pier."));
        assert!(is_author_note(
            "über den autor: jo bloggs schreibt über den hafen."
        ));
        assert!(!is_author_note(
            "about the author of the harbour plan, little is known."
        ));
    }

    #[test]
    fn a_list_of_tags_goes_and_a_sentence_after_a_label_stays() {
        let tags = |html: &str| cleaned(&format!("<div>{STORY}{html}</div>"));
        for list in [
            "<p>Tags: <a href=\"/t/harbour\">Harbour</a>, <a href=\"/t/ferries\">Ferries</a></p>",
            "<div>Related topics &ndash; <a href=\"/t/harbour\">Harbour</a>, \
             <a href=\"/t/islands\">Islands</a></div>",
            "<p>Posted in: <a href=\"/c/council\">Council</a> | 3 comments |</p>",
            // The label alone, the tags after it: links, or a block of links.
            "<div>Schlagwörter:</div> <a href=\"/t/hafen\">Hafen</a>, \
             <a href=\"/t/inseln\">Inseln</a>",
            "<div>Tags: &nbsp;</div><p><a href=\"/t/harbour\">Harbour</a>\
             <a href=\"/t/islands\">Islands</a></p>",
        ] {
            let text = tags(list);
            assert!(text.ends_with("the council said."), "{list}: {text}");
        }
        let many: String = (0..40)
            .map(|i| format!("<a href=\"/c/{i}\">Category number {i}</a>, "))
            .collect();
        let text = tags(&format!("<p>Categories: {many}</p>"));
        assert!(!text.contains("Category number"), "{text}");
        // A label that starts a sentence of the story, links or not.
        for sentence in [
            "<p>Topics: the council discussed the pier, the ferries and the harbour fees for an \
             hour.</p>",
            "<p>Themen: Der Rat sprach über den <a href=\"/pier\">Pier</a>, die Fähren und \
             die Hafengebühren, eine Stunde lang, bis spät am Abend.</p>",
        ] {
            let text = tags(sentence);
            assert!(
                text.contains("the ferries") || text.contains("die Fähren"),
                "{text}"
            );
        }
        assert_eq!(after_label("Tags: a, b", TAG_LABELS), Some("a, b"));
        assert_eq!(after_label("Étiquettes : port", TAG_LABELS), Some("port"));
        assert_eq!(after_label("Tag 1: Ankunft", TAG_LABELS), None);
        assert_eq!(after_label("Tagesordnung: Hafen", TAG_LABELS), None);
    }

    #[test]
    fn a_line_pointing_to_another_story_goes_whatever_its_length() {
        let text = cleaned(&format!(
            "<div>{STORY}<div>À lire aussi » Ballonnements, lourdeurs : quel est votre profil \
             digestif et comment y remédier ?</div><div>Lesen Sie auch: Warum der neue Hafen \
             der Inseln erst im Frühjahr gebaut wird</div></div>"
        ));
        assert!(text.contains("Work on the new pier"), "{text}");
        assert!(!text.contains("Ballonnements"), "{text}");
        assert!(!text.contains("Warum der neue Hafen"), "{text}");
    }

    #[test]
    fn photo_credits_and_copyright_lines_go_and_the_caption_stays() {
        let text = cleaned(&format!(
            "<div>{STORY}<figure><img src=\"a.jpg\"><figcaption>Workers on the old pier at \
             dawn. <span class=\"image-credit\">Jo Bloggs/Harbour Press</span></figcaption>\
             </figure><p>Foto: Jo Bloggs</p><p>© 2024 Harbour Press. All rights reserved.</p>\
             <p>The copyright on the pier's design, the council said, stays with its architect.</p>\
             </div>"
        ));
        assert!(text.contains("Workers on the old pier at dawn."), "{text}");
        assert!(text.contains("stays with its architect"), "{text}");
        assert!(!text.contains("Jo Bloggs"), "{text}");
        assert!(!text.contains("Harbour Press"), "{text}");
        assert!(is_credit_line("Copyright © 2020 Harbour Press"));
        assert!(is_credit_line("(Foto: Getty)"));
        assert!(is_credit_line("Alle Rechte vorbehalten."));
        assert!(!is_credit_line(
            "Photography was banned on the pier for a year."
        ));
    }

    #[test]
    fn counters_and_junk() {
        assert!(is_counter("3 of 12"));
        assert!(is_counter("image 3 of 12"));
        assert!(is_counter("3/12"));
        assert!(is_counter("previous 3 / 12 next"));
        assert!(!is_counter("3 of the 12"));
        assert!(is_junk_text("share this story"));
        assert!(is_junk_text("das könnte sie auch interessieren"));
        assert!(is_junk_text("mehr zum thema"));
        assert!(!is_junk_text("lesenswert ist das buch nicht"));
        assert!(!is_junk_text("share prices fell sharply on monday"));
        assert!(is_related_heading("you may also like"));
        assert!(!is_related_heading(
            "popular uprising spreads to the capital"
        ));
    }
}
