//! Subscribing from the add dialog: find the feed behind an address, then add it.

use serde::Serialize;
use tauri::State;
use tidings::store::NewFeed;
use tidings::sync::subscribe::{find_feed as find, parse_address};

use super::CommandError;
use crate::state::AppState;

/// A feed found for an address, for the dialog to confirm.
#[derive(Debug, Clone, Serialize)]
pub struct FoundFeed {
    pub url: String,
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// `RSS`, `Atom`, `JSON Feed` … as the parser names it.
    pub format: String,
    pub entries: usize,
    /// The web page the feed was discovered from, when the address was a site.
    pub discovered_from: Option<String>,
}

/// Finds the feed for what the user typed (a feed URL or a site's address).
#[tauri::command]
pub async fn find_feed(
    state: State<'_, AppState>,
    address: String,
) -> Result<FoundFeed, CommandError> {
    let url = parse_address(&address)?;
    let found = find(&state.fetcher()?, &url).await?;
    Ok(FoundFeed {
        url: found.url.to_string(),
        title: found.title,
        site_url: found.site_url,
        format: found.format.to_string(),
        entries: found.entries,
        discovered_from: found.discovered_from.map(String::from),
    })
}

/// What `add_feed` did.
#[derive(Debug, Clone, Serialize)]
pub struct Added {
    pub id: i64,
    pub is_new: bool,
}

/// Subscribes to `url` (as confirmed in the dialog). The user named it, so its host is trusted
/// even when private (an intranet feed works).
#[tauri::command]
pub async fn add_feed(
    state: State<'_, AppState>,
    url: String,
    title: Option<String>,
    site_url: Option<String>,
    folder: Option<String>,
) -> Result<Added, CommandError> {
    let url = parse_address(&url)?.to_string();
    let new = NewFeed {
        url,
        title: title.filter(|t| !t.trim().is_empty()),
        site_url,
        folder: folder.filter(|f| !f.trim().is_empty()),
        trusted_host: true,
    };
    let (id, is_new) = state.with_library(move |lib| lib.add_feed(&new)).await?;
    Ok(Added { id, is_new })
}

/// Renames a subscription; an empty name goes back to the feed's own title.
#[tauri::command]
pub async fn rename_feed(
    state: State<'_, AppState>,
    id: i64,
    title: Option<String>,
) -> Result<(), CommandError> {
    state
        .with_library(move |lib| lib.rename_feed(id, title.as_deref()))
        .await
}

/// Moves a subscription into a folder (created if new); an empty name takes it out of any.
#[tauri::command]
pub async fn move_feed(
    state: State<'_, AppState>,
    id: i64,
    folder: Option<String>,
) -> Result<(), CommandError> {
    state
        .with_library(move |lib| lib.move_feed(id, folder.as_deref()))
        .await
}

/// Unsubscribes. Its stories go, except bookmarked ones, which stay (in Bookmarks). Returns
/// how many bookmarked stories were kept.
#[tauri::command]
pub async fn unsubscribe(state: State<'_, AppState>, id: i64) -> Result<usize, CommandError> {
    state.with_library(move |lib| lib.unsubscribe(id)).await
}
