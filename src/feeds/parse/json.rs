//! JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read leniently: a field of the
//! wrong type is skipped, not fatal.

use serde_json::Value as Json;
use url::Url;

use super::dates::parse_date;
use super::normalize::{
    absolute_url, author_name, collapse_whitespace, looks_like_html, to_html, to_plain, Value,
};
use super::{FeedFormat, ParseError, ParsedEntry, ParsedFeed};

fn string(v: &Json, key: &str) -> Option<String> {
    match v.get(key)? {
        Json::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Json::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Names from `authors` (1.1) or `author` (1.0), joined.
fn authors(v: &Json) -> Option<String> {
    let mut names = Vec::new();
    if let Some(Json::Array(list)) = v.get("authors") {
        names.extend(list.iter().filter_map(|a| match a {
            Json::String(s) => author_name(s),
            a => string(a, "name").and_then(|n| author_name(&n)),
        }));
    }
    if names.is_empty() {
        match v.get("author") {
            Some(Json::String(s)) => names.extend(author_name(s)),
            Some(a) => names.extend(string(a, "name").and_then(|n| author_name(&n))),
            None => {}
        }
    }
    (!names.is_empty()).then(|| names.join(", "))
}

/// JSON Feed titles are plain text by the spec, but publishers put HTML entities and tags in
/// them (`It&#8217;s`); read those as HTML, like RSS titles.
fn plain_title(t: &str) -> Option<String> {
    if looks_like_html(t) {
        to_plain(&Value::Html(t.to_string()))
    } else {
        Some(collapse_whitespace(t)).filter(|t| !t.is_empty())
    }
}

pub(crate) fn parse(text: &str, feed_url: &Url) -> Result<ParsedFeed, ParseError> {
    let root: Json = serde_json::from_str(text)
        .map_err(|e| ParseError::NotAFeed(format!("invalid JSON: {e}")))?;
    let Json::Object(_) = &root else {
        return Err(ParseError::NotAFeed(
            "JSON document is not an object".into(),
        ));
    };
    let version = string(&root, "version").unwrap_or_default();
    let items = match root.get("items") {
        Some(Json::Array(items)) => items.as_slice(),
        _ if version.contains("jsonfeed.org") => &[],
        _ => {
            return Err(ParseError::NotAFeed(
                "JSON document is not a JSON Feed (no version, no items)".into(),
            ))
        }
    };
    let mut problems = Vec::new();
    if !version.contains("jsonfeed.org/version/") {
        problems.push("JSON Feed without a jsonfeed.org version".to_string());
    }
    let feed_author = authors(&root);
    let language = string(&root, "language");
    let site_url = string(&root, "home_page_url").and_then(|u| absolute_url(&u, feed_url));
    let entries = items
        .iter()
        .filter(|i| i.is_object())
        .map(|item| {
            let content_html = string(item, "content_html")
                .map(Value::Html)
                .or_else(|| string(item, "content_text").map(Value::Text))
                .and_then(|v| to_html(&v, feed_url));
            let link = string(item, "url")
                .or_else(|| string(item, "external_url"))
                .and_then(|u| absolute_url(&u, feed_url));
            ParsedEntry {
                id: string(item, "id"),
                link,
                title: string(item, "title").and_then(|t| plain_title(&t)),
                author: authors(item).or_else(|| feed_author.clone()),
                published: string(item, "date_published").and_then(|d| parse_date(&d)),
                updated: string(item, "date_modified").and_then(|d| parse_date(&d)),
                summary_html: string(item, "summary")
                    .map(Value::Text)
                    .and_then(|v| to_html(&v, feed_url)),
                content_html,
                image: string(item, "image")
                    .or_else(|| string(item, "banner_image"))
                    .and_then(|u| absolute_url(&u, feed_url)),
                language: string(item, "language").or_else(|| language.clone()),
            }
        })
        .collect();
    Ok(ParsedFeed {
        format: FeedFormat::JsonFeed,
        title: string(&root, "title").and_then(|t| plain_title(&t)),
        site_url,
        description: string(&root, "description").map(|t| collapse_whitespace(&t)),
        icon: string(&root, "icon")
            .or_else(|| string(&root, "favicon"))
            .and_then(|u| absolute_url(&u, feed_url)),
        language,
        entries,
        problems,
    })
}
