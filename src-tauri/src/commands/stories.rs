//! Story lists and the reader: pages of a list, opening a story, read and bookmark state, and
//! opening a story's original page in the system browser.

use serde::Serialize;
use tauri::State;
use tidings::store::{Article, StoryCursor, StoryList, StoryPage};

use super::CommandError;
use crate::state::AppState;

/// One page (at most 500 rows) of a list, newest first, after `after` (`None`: the first page).
#[tauri::command]
pub async fn story_page(
    state: State<'_, AppState>,
    list: StoryList,
    after: Option<StoryCursor>,
    limit: i64,
) -> Result<StoryPage, CommandError> {
    state
        .with_library(move |lib| lib.story_page(&list, after, limit))
        .await
}

/// A story as the reader shows it: the article, plus its lead image when the body lacks it.
#[derive(Debug, Clone, Serialize)]
pub struct OpenedStory {
    #[serde(flatten)]
    pub article: Article,
    /// `tidings-img://localhost/KEY` of the story's lead image, served offline from the library
    /// (the placeholder when it was not downloaded); `None` when there is none or the body
    /// already shows it.
    pub lead_image_src: Option<String>,
}

/// Opens a story: marks it read and returns it whole (its body is sanitized HTML).
#[tauri::command]
pub async fn open_story(state: State<'_, AppState>, id: i64) -> Result<OpenedStory, CommandError> {
    let article = state.with_library(move |lib| lib.open_story(id)).await?;
    let lead_image_src = lead_image_src(&article);
    Ok(OpenedStory {
        article,
        lead_image_src,
    })
}

/// The lead image's offline address, unless the body (or the teaser shown in its place)
/// already names that image.
fn lead_image_src(article: &Article) -> Option<String> {
    let url = article.lead_image.as_deref()?.trim();
    let parsed = tauri::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    let src = tidings::images::image_src(url);
    let body = article
        .content_html
        .as_deref()
        .or(article.teaser_html.as_deref())
        .unwrap_or_default();
    (!body.contains(&src)).then_some(src)
}

/// Marks one story read or unread.
#[tauri::command]
pub async fn set_read(state: State<'_, AppState>, id: i64, read: bool) -> Result<(), CommandError> {
    state.with_library(move |lib| lib.set_read(id, read)).await
}

/// Bookmarks a story (kept forever) or removes its bookmark.
#[tauri::command]
pub async fn set_bookmarked(
    state: State<'_, AppState>,
    id: i64,
    bookmarked: bool,
) -> Result<(), CommandError> {
    state
        .with_library(move |lib| lib.set_bookmarked(id, bookmarked, None))
        .await
}

/// Marks every unread story of `list` read, up to story id `as_of` (from the list's first
/// page, so stories a sync added since stay unread). Returns how many were marked.
#[tauri::command]
pub async fn mark_list_read(
    state: State<'_, AppState>,
    list: StoryList,
    as_of: i64,
) -> Result<usize, CommandError> {
    state
        .with_library(move |lib| lib.mark_list_read(&list, as_of))
        .await
}

/// Opens story `id`'s original page in the system browser. The URL comes from the library, not
/// from the page, and must be http(s); it is passed to `xdg-open` as one argument, no shell.
#[tauri::command]
pub async fn open_original(state: State<'_, AppState>, id: i64) -> Result<String, CommandError> {
    let url = state.with_library(move |lib| lib.story_url(id)).await?;
    open_in_browser(web_url(url.as_deref())?)
}

/// Opens an http(s) URL in the system browser: `xdg-open` with the URL as one argument, no
/// shell.
pub fn open_in_browser(url: tauri::Url) -> Result<String, CommandError> {
    let mut child = browser_command(&url, crate::launch::own_variables())
        .spawn()
        .map_err(|e| {
            CommandError::new(
                "cannot-open-browser",
                format!("could not start xdg-open to open {url}: {e}"),
            )
        })?;
    // Reap it whenever it ends; a browser started by it may keep running long after.
    std::thread::spawn(move || child.wait());
    Ok(url.to_string())
}

/// `xdg-open URL` in the user's environment: without `own_variables`, the ones the app set for
/// its own rendering (a browser built on WebKitGTK or GTK would otherwise inherit them).
fn browser_command(url: &tauri::Url, own_variables: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new("xdg-open");
    command.arg(url.as_str()).stdin(std::process::Stdio::null());
    for name in own_variables {
        command.env_remove(name);
    }
    command
}

/// The story's address if it is an absolute http(s) URL.
fn web_url(url: Option<&str>) -> Result<tauri::Url, CommandError> {
    let raw = url.ok_or_else(|| CommandError::new("no-link", "this story has no web address"))?;
    let parsed = tauri::Url::parse(raw.trim())
        .map_err(|e| CommandError::new("no-link", format!("not a web address ({e}): {raw}")))?;
    match parsed.scheme() {
        "http" | "https" if parsed.host_str().is_some() => Ok(parsed),
        _ => Err(CommandError::new(
            "no-link",
            format!("only http and https addresses are opened: {raw}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::{browser_command, lead_image_src, web_url};
    use tidings::store::Article;

    fn article(lead: Option<&str>, body: Option<&str>, teaser: Option<&str>) -> Article {
        Article {
            id: 1,
            feed_id: 1,
            feed_title: "F".into(),
            title: "T".into(),
            url: None,
            author: None,
            published_at: None,
            updated_at: None,
            fetched_at: 0,
            teaser_html: teaser.map(Into::into),
            content_html: body.map(Into::into),
            content_text: None,
            lead_image: lead.map(Into::into),
            lang: None,
            dir: None,
            word_count: None,
            extraction: tidings::store::Extraction::Full,
            extraction_note: None,
            read: true,
            bookmarked: false,
            bookmarked_at: None,
            note: None,
            revisions: 0,
        }
    }

    #[test]
    fn lead_image_only_when_the_body_lacks_it() {
        let lead = "https://example.org/lead.jpg";
        let src = tidings::images::image_src(lead);
        assert!(src.starts_with("tidings-img://localhost/"));
        let a = article(Some(lead), Some("<p>Text.</p>"), None);
        assert_eq!(lead_image_src(&a).as_deref(), Some(src.as_str()));
        let shown = format!("<p><img src=\"{src}\"></p>");
        assert_eq!(
            lead_image_src(&article(Some(lead), Some(&shown), None)),
            None
        );
        assert_eq!(
            lead_image_src(&article(Some(lead), None, Some(&shown))),
            None
        );
        assert_eq!(lead_image_src(&article(None, Some("<p>x</p>"), None)), None);
        assert_eq!(
            lead_image_src(&article(Some("javascript:alert(1)"), None, None)),
            None
        );
    }

    #[test]
    fn only_absolute_web_addresses_are_opened() {
        assert_eq!(
            web_url(Some("https://example.org/a?b=1")).unwrap().as_str(),
            "https://example.org/a?b=1"
        );
        assert!(web_url(Some("http://127.0.0.1:8080/x")).is_ok());
        for bad in [
            "javascript:alert(1)",
            "file:///etc/passwd",
            "--help",
            "/relative/path",
            "data:text/html,hi",
            "mailto:a@example.org",
        ] {
            let err = web_url(Some(bad)).unwrap_err();
            assert_eq!(err.kind, "no-link", "{bad}");
        }
        assert_eq!(web_url(None).unwrap_err().kind, "no-link");
    }

    #[test]
    fn the_browser_gets_the_users_environment_not_the_apps() {
        let url = tauri::Url::parse("https://example.org/story?id=1").unwrap();
        let command = browser_command(&url, &["GDK_GL", "WEBKIT_DISABLE_DMABUF_RENDERER"]);
        assert_eq!(command.get_program(), "xdg-open");
        let args: Vec<_> = command.get_args().collect();
        assert_eq!(args, ["https://example.org/story?id=1"]);
        let removed: Vec<_> = command
            .get_envs()
            .filter(|(_, value)| value.is_none())
            .map(|(name, _)| name.to_owned())
            .collect();
        assert_eq!(removed, ["GDK_GL", "WEBKIT_DISABLE_DMABUF_RENDERER"]);
        assert_eq!(browser_command(&url, &[]).get_envs().count(), 0);
    }
}
