//! Exporting bookmarks so saved stories outlive the app: one self-contained HTML file (images
//! inlined as data URIs), an EPUB 3 book for any e-reader (images packaged inside), and a
//! folder of Markdown files for notes apps ([`markdown`], images copied beside them). Each
//! story comes with its highlights and their notes.
//!
//! Reads models from the store and writes files; the HTML it embeds was sanitized when stored,
//! and every plain string (titles, bylines, notes, highlights) is escaped here.

pub mod commonmark;
pub mod markdown;

pub use markdown::{bookmarks_markdown, MarkdownExport};

use std::io::Write;

use base64::Engine;
use chrono::{TimeZone, Utc};
use scraper::{Html, Node};

use crate::images::{image_key, key_from_src, PLACEHOLDER_PNG};
use crate::store::{Article, ArticleFilter, Highlight, Library, StoreError};
use crate::text::{escape_into, escaped, Escape};

/// What can go wrong writing an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
    #[error("cannot write the EPUB container: {0}")]
    Zip(#[from] zip::result::ZipError),
    #[error("cannot write {path}: {source}")]
    File {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is in the way and was not written by this export; it was left untouched (move it, or export to another folder)")]
    NotOurs { path: std::path::PathBuf },
}

/// Every bookmarked article, newest first.
pub fn bookmarked(lib: &Library) -> Result<Vec<Article>, StoreError> {
    let filter = ArticleFilter {
        bookmarked_only: true,
        ..ArticleFilter::default()
    };
    lib.articles(&filter, i64::MAX, 0)?
        .into_iter()
        .map(|a| lib.article(a.id))
        .collect()
}

fn date(ts: Option<i64>) -> String {
    ts.and_then(|t| Utc.timestamp_opt(t, 0).single())
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_else(|| "date unknown".into())
}

fn byline(a: &Article) -> String {
    let mut parts = Vec::new();
    if let Some(author) = &a.author {
        parts.push(author.clone());
    }
    parts.push(a.feed_title.clone());
    parts.push(date(a.published_at));
    parts.join(" · ")
}

fn body(a: &Article) -> &str {
    a.content_html
        .as_deref()
        .or(a.teaser_html.as_deref())
        .unwrap_or("")
}

/// The image bytes an app-scheme `src` names, or the placeholder.
fn image_bytes(lib: &Library, src: &str) -> (String, Vec<u8>) {
    key_from_src(src)
        .and_then(|key| lib.image(key).ok().flatten())
        .unwrap_or_else(|| ("image/png".into(), PLACEHOLDER_PNG.to_vec()))
}

/// The exports' stylesheet; its last rules show the title of a link to embedded media (with no
/// words, or a video's poster; see `crate::sanitize::media`) as the story frame does.
const STYLE: &str = "body{font:18px/1.6 Charter,Georgia,serif;max-width:40em;margin:2em auto;padding:0 1em;color:#1f2328}\
article{border-bottom:1px solid #ddd;padding-bottom:2em;margin-bottom:2em}\
.byline,.note{color:#666;font-size:.9em}.note{border-left:3px solid #c9a227;padding-left:.8em}\
.highlights blockquote{white-space:pre-line;background:#fff5c2;margin:1em 0;padding:.2em .8em}\
img{max-width:100%;height:auto}\
a[href][title]:empty::after{content:attr(title)}\
a[href][title^=\"Video: \"]:has(>img:only-child)::after{content:attr(title);display:block}";

/// A story's highlights as an HTML section (well-formed XHTML too), after its body: each
/// highlight's words quoted, then its note; every string escaped for `place` (the HTML or the
/// XML of the document it goes in).
fn highlights_section(highlights: &[Highlight], place: Escape) -> String {
    if highlights.is_empty() {
        return String::new();
    }
    let mut out = String::from("<section class=\"highlights\"><h2>Highlights</h2>");
    for h in highlights {
        out.push_str(&format!(
            "<blockquote>{}</blockquote>",
            escaped(&h.text, place)
        ));
        if h.orphaned {
            out.push_str("<p class=\"byline\">No longer in this story.</p>");
        }
        if let Some(note) = &h.note {
            out.push_str(&format!("<p class=\"note\">{}</p>", escaped(note, place)));
        }
    }
    out.push_str("</section>");
    out
}

/// One HTML file holding every bookmarked story, images inlined.
pub fn bookmarks_html(lib: &Library) -> Result<String, ExportError> {
    let articles = bookmarked(lib)?;
    let mut out = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Tidings bookmarks</title>\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\
         <style>{STYLE}</style></head><body>\n<h1>Bookmarks ({})</h1>\n",
        articles.len()
    );
    for a in &articles {
        let lang = a
            .lang
            .as_deref()
            .map(|l| format!(" lang=\"{}\"", escaped(l, Escape::Attribute)))
            .unwrap_or_default();
        let dir = a
            .dir
            .as_deref()
            .map(|d| format!(" dir=\"{}\"", escaped(d, Escape::Attribute)))
            .unwrap_or_default();
        out.push_str(&format!(
            "<article{lang}{dir}>\n<h2>{}</h2>\n<p class=\"byline\">{}</p>\n",
            escaped(&a.title, Escape::Text),
            escaped(&byline(a), Escape::Text)
        ));
        if let Some(url) = &a.url {
            out.push_str(&format!(
                "<p class=\"byline\"><a href=\"{0}\">{0}</a></p>\n",
                escaped(url, Escape::Attribute)
            ));
        }
        if let Some(note) = a.note.as_deref().filter(|n| !n.is_empty()) {
            out.push_str(&format!(
                "<p class=\"note\">{}</p>\n",
                escaped(note, Escape::Text)
            ));
        }
        out.push_str(&inline_images(lib, body(a)));
        out.push_str(&highlights_section(
            &lib.highlights(Some(a.id))?,
            Escape::Text,
        ));
        out.push_str("\n</article>\n");
    }
    out.push_str("</body></html>\n");
    Ok(out)
}

/// Replaces every app-scheme image with a data URI.
fn inline_images(lib: &Library, html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(at) = rest.find(crate::images::SRC_PREFIX) {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('"').map(|e| at + e).unwrap_or(rest.len());
        let (mime, bytes) = image_bytes(lib, &rest[at..end]);
        out.push_str(&format!(
            "data:{mime};base64,{}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        ));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

const VOID: &[&str] = &["area", "br", "col", "hr", "img", "source", "wbr"];

/// Sanitized HTML as well-formed XHTML (EPUB content documents are XML). App-scheme images
/// become package paths, collected in `images` (key, package path).
fn to_xhtml(html: &str, images: &mut Vec<(String, String)>) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::with_capacity(html.len() + 64);
    // Iterative walk: (node, closing?) so deep nesting never grows the call stack.
    let root = fragment.root_element();
    let mut stack: Vec<(ego_tree::NodeRef<'_, Node>, bool)> =
        root.children().rev().map(|c| (c, false)).collect();
    while let Some((node, closing)) = stack.pop() {
        match node.value() {
            Node::Text(text) => escape_into(&mut out, text, Escape::Xml),
            Node::Element(el) => {
                let name = el.name();
                if closing {
                    out.push_str(&format!("</{name}>"));
                    continue;
                }
                out.push('<');
                out.push_str(name);
                for (attr, value) in el.attrs() {
                    let value = if name == "img" && attr == "src" {
                        match key_from_src(value) {
                            Some(key) => {
                                let path = format!("images/{key}");
                                if !images.iter().any(|(k, _)| k == key) {
                                    images.push((key.to_string(), path.clone()));
                                }
                                path
                            }
                            None => value.to_string(),
                        }
                    } else {
                        value.to_string()
                    };
                    out.push_str(&format!(" {attr}=\"{}\"", escaped(&value, Escape::Xml)));
                }
                if VOID.contains(&name) {
                    out.push_str("/>");
                } else {
                    out.push('>');
                    stack.push((node, true));
                    stack.extend(node.children().rev().map(|c| (c, false)));
                }
            }
            _ => {}
        }
    }
    out
}

/// An EPUB 3 book of every bookmarked story, written to `out`.
pub fn bookmarks_epub<W: Write + std::io::Seek>(
    lib: &Library,
    out: W,
) -> Result<usize, ExportError> {
    use zip::write::SimpleFileOptions;
    let articles = bookmarked(lib)?;
    let mut zip = zip::ZipWriter::new(out);
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated =
        SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    // The mimetype entry comes first and uncompressed (EPUB OCF).
    zip.start_file("mimetype", stored)?;
    zip.write_all(b"application/epub+zip")?;
    zip.start_file("META-INF/container.xml", deflated)?;
    zip.write_all(
        br#"<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"#,
    )?;
    let mut manifest = String::new();
    let mut spine = String::new();
    let mut nav = String::new();
    let mut images: Vec<(String, String)> = Vec::new();
    for (i, a) in articles.iter().enumerate() {
        let id = format!("story{}", i + 1);
        let lang = a.lang.as_deref().unwrap_or("en");
        let dir = a.dir.as_deref().unwrap_or("ltr");
        let note = a
            .note
            .as_deref()
            .filter(|n| !n.is_empty())
            .map(|n| format!("<p class=\"note\">{}</p>", escaped(n, Escape::Xml)))
            .unwrap_or_default();
        let chapter = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xml:lang=\"{0}\" lang=\"{0}\" dir=\"{1}\">\
             <head><title>{2}</title><link rel=\"stylesheet\" href=\"style.css\"/></head><body>\
             <h1>{2}</h1><p class=\"byline\">{3}</p>{4}{5}{6}</body></html>\n",
            escaped(lang, Escape::Xml),
            escaped(dir, Escape::Xml),
            escaped(&a.title, Escape::Xml),
            escaped(&byline(a), Escape::Xml),
            note,
            to_xhtml(body(a), &mut images),
            highlights_section(&lib.highlights(Some(a.id))?, Escape::Xml)
        );
        zip.start_file(format!("OEBPS/{id}.xhtml"), deflated)?;
        zip.write_all(chapter.as_bytes())?;
        manifest.push_str(&format!(
            "<item id=\"{id}\" href=\"{id}.xhtml\" media-type=\"application/xhtml+xml\"/>\n"
        ));
        spine.push_str(&format!("<itemref idref=\"{id}\"/>\n"));
        nav.push_str(&format!(
            "<li><a href=\"{id}.xhtml\">{}</a></li>\n",
            escaped(&a.title, Escape::Xml)
        ));
    }
    // Images: their package paths were chosen while converting; the bytes come from the library.
    for (i, (key, path)) in images.iter().enumerate() {
        let (mime, bytes) = image_bytes(lib, &crate::images::image_src_for_key(key));
        zip.start_file(format!("OEBPS/{path}"), stored)?;
        zip.write_all(&bytes)?;
        manifest.push_str(&format!(
            "<item id=\"img{i}\" href=\"{path}\" media-type=\"{mime}\"/>\n"
        ));
    }
    zip.start_file("OEBPS/style.css", deflated)?;
    zip.write_all(STYLE.as_bytes())?;
    zip.start_file("OEBPS/nav.xhtml", deflated)?;
    zip.write_all(
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\">\
             <head><title>Contents</title></head><body><nav epub:type=\"toc\" id=\"toc\"><h1>Contents</h1><ol>\n{nav}</ol></nav></body></html>\n"
        )
        .as_bytes(),
    )?;
    let modified = Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    let identifier = format!(
        "urn:tidings:bookmarks:{}",
        image_key(&format!("{modified}{}", articles.len()))
    );
    zip.start_file("OEBPS/content.opf", deflated)?;
    zip.write_all(
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <package xmlns=\"http://www.idpf.org/2007/opf\" version=\"3.0\" unique-identifier=\"bookid\">\n\
             <metadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
             <dc:identifier id=\"bookid\">{identifier}</dc:identifier>\n\
             <dc:title>Tidings bookmarks</dc:title>\n<dc:language>en</dc:language>\n\
             <meta property=\"dcterms:modified\">{modified}</meta>\n</metadata>\n\
             <manifest>\n<item id=\"nav\" href=\"nav.xhtml\" media-type=\"application/xhtml+xml\" properties=\"nav\"/>\n\
             <item id=\"css\" href=\"style.css\" media-type=\"text/css\"/>\n{manifest}</manifest>\n\
             <spine>\n{spine}</spine>\n</package>\n"
        )
        .as_bytes(),
    )?;
    zip.finish()?;
    Ok(articles.len())
}
