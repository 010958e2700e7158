//! Saving pages to read later: one page by hand ([`save_page`], again with [`retry_saved`]),
//! or a read-later app's whole archive ([`import_archive`]).
//!
//! An orchestrator like `sync`, and built from sync's own parts: the one polite [`Fetcher`]
//! (per-host limits, the SSRF guard), sync's page stage (extraction, offline HTML) and image
//! stage (downloads). A saved page is a story of the Saved source, bookmarked, its identity the
//! page's canonical address ([`crate::urls::canonical_url`]): a page the library already has,
//! from a feed or saved before, is bookmarked again rather than copied. A page that cannot be
//! had is still kept, as its title and link with the reason; saving it again (or
//! [`retry_saved`]) fetches it again.
//!
//! Trust is sync's: a page's private or loopback address is fetched only when its exact
//! origin is one the person trusts, a subscribed feed's or one they saved a page from by hand
//! (saving by hand is trusting: the person typed the address, as they do subscribing).

pub mod formats;
mod import;
mod page;

pub use import::{import_archive, Cancel, ImportEvent, ImportOptions, ImportProblem, ImportReport};

use std::collections::HashSet;
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;
use url::Url;

use crate::feeds::fetch::{origin_of, FetchError, Fetcher, Origin};
use crate::store::{
    Extraction, OpenOptions, PendingImage, SavedMarks, SavedPage, SavedStory, StoreError,
};
use crate::sync::{SharedLibrary, SyncError};
use page::Fetched;

/// How saving runs.
#[derive(Debug, Clone)]
pub struct SaveOptions {
    /// Largest page accepted.
    pub max_page_bytes: usize,
    /// Images downloaded at once (the fetcher also limits per host).
    pub concurrency: usize,
    /// How the save opens its own handle on the library.
    pub library: OpenOptions,
}

impl Default for SaveOptions {
    fn default() -> Self {
        SaveOptions {
            max_page_bytes: 5 * 1024 * 1024,
            concurrency: 16,
            library: OpenOptions::default(),
        }
    }
}

/// A page to save by hand.
#[derive(Debug, Clone, Default)]
pub struct SaveRequest {
    /// The page's address as typed (`example.org/story` is `https://example.org/story`).
    pub url: String,
    pub tags: Vec<String>,
    pub note: Option<String>,
}

/// What a save came to. Serialized as a word: `"saved"`, `"already"`, `"unavailable"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SavedAs {
    /// The page was fetched and its article stored.
    Saved,
    /// The library had the page (from a feed, or saved before): that story was bookmarked.
    Already,
    /// The page could not be had: its title and link were stored, with the reason.
    Unavailable,
}

/// A saved page: `{"article_id", "saved_as", "title", "url", "reason", "tags", "site_feed",
/// "images_stored", "images_failed"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SaveOutcome {
    pub article_id: i64,
    pub saved_as: SavedAs,
    pub title: String,
    pub url: String,
    /// Why the page could not be had (for [`SavedAs::Unavailable`]).
    pub reason: Option<String>,
    /// The story's tags, all of them.
    pub tags: Vec<String>,
    /// A feed the page's site offers (to suggest subscribing).
    pub site_feed: Option<String>,
    pub images_stored: usize,
    pub images_failed: usize,
}

/// Why a page was not saved, or an import could not run (or go on).
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// The archive could not be read.
    #[error(transparent)]
    Read(#[from] formats::ReadError),
    #[error("{0:?} is not a web address (http or https)")]
    NotAWebAddress(String),
    /// The address is a feed: subscribe to it instead.
    #[error("{url} is a feed, not a page: subscribe to it instead")]
    Feed { url: String },
    /// The address is a site's front page, which has a feed: subscribe to the site instead.
    #[error(
        "{url} is a site's front page, and the site has a feed ({feed}): subscribe to it instead"
    )]
    Site { url: String, feed: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the HTTP client could not start: {0}")]
    Fetch(#[from] FetchError),
    #[error("a save or import task failed: {0}")]
    Task(String),
}

impl From<SyncError> for SaveError {
    fn from(err: SyncError) -> SaveError {
        match err {
            SyncError::Store(e) => SaveError::Store(e),
            SyncError::Fetch(e) => SaveError::Fetch(e),
            SyncError::Task(e) => SaveError::Task(e),
        }
    }
}

/// Saves the page at `request.url` in the library at `path`: fetched and extracted, with its
/// images, in the Saved source, bookmarked with the request's tags and note. A page the library
/// already has (its canonical address, or the one its page declares) is bookmarked instead; a
/// page saved before as only its title and link is fetched again.
pub async fn save_page(
    path: &Path,
    fetcher: &Fetcher,
    request: &SaveRequest,
    options: &SaveOptions,
) -> Result<SaveOutcome, SaveError> {
    let not_web = || SaveError::NotAWebAddress(request.url.clone());
    let url = crate::sync::subscribe::parse_address(&request.url).map_err(|_| not_web())?;
    let key = crate::urls::canonical_url(url.as_str()).ok_or_else(not_web)?;
    let saver = Saver::open(path, fetcher, options).await?;
    let marks = SavedMarks {
        tags: request.tags.clone(),
        note: request.note.clone(),
        ..SavedMarks::default()
    };
    let target = match saver.story_at(&key).await? {
        Some(Found::Saved(story)) if story.extraction != Extraction::Full => Some(story),
        Some(found) => return saver.already(found.id(), &marks).await,
        None => None,
    };
    saver.fetch_and_store(&url, target, &marks).await
}

/// Fetches a saved page again (one kept as only its title and link, or any other) and
/// replaces its copy when the page gives an article. [`StoreError::NotFound`] for a story that
/// is not a saved page.
pub async fn retry_saved(
    path: &Path,
    fetcher: &Fetcher,
    article_id: i64,
    options: &SaveOptions,
) -> Result<SaveOutcome, SaveError> {
    let saver = Saver::open(path, fetcher, options).await?;
    let story = saver
        .lib
        .run(move |l| l.saved_story_by_id(article_id))
        .await?;
    let url = Url::parse(&story.url).map_err(|_| SaveError::NotAWebAddress(story.url.clone()))?;
    saver
        .fetch_and_store(&url, Some(story), &SavedMarks::default())
        .await
}

/// A story the library has for a page.
enum Found {
    /// In the Saved source.
    Saved(SavedStory),
    /// Brought by a feed.
    Story(i64),
}

impl Found {
    fn id(&self) -> i64 {
        match self {
            Found::Saved(story) => story.id,
            Found::Story(id) => *id,
        }
    }
}

/// What saving pages works with: the library, the fetcher and the origins the person trusts.
struct Saver<'a> {
    lib: SharedLibrary,
    fetcher: &'a Fetcher,
    max_page_bytes: usize,
    concurrency: usize,
    /// Grows as pages are saved by hand (their origins become trusted).
    trusted: Mutex<HashSet<Origin>>,
}

impl<'a> Saver<'a> {
    async fn open(
        path: &Path,
        fetcher: &'a Fetcher,
        options: &SaveOptions,
    ) -> Result<Saver<'a>, SyncError> {
        let lib = SharedLibrary::open(path, options.library).await?;
        let trusted = lib.run(|l| l.trusted_addresses()).await?;
        let trusted = Mutex::new(
            trusted
                .iter()
                .filter_map(|address| Url::parse(address).ok())
                .map(|url| origin_of(&url))
                .filter(Origin::is_tuple)
                .collect(),
        );
        Ok(Saver {
            lib,
            fetcher,
            max_page_bytes: options.max_page_bytes,
            concurrency: options.concurrency,
            trusted,
        })
    }

    /// The origin of `url` when the person trusts it.
    fn trust_for(&self, url: &Url) -> Option<Origin> {
        let origin = origin_of(url);
        let trusted = self.trusted.lock().unwrap_or_else(|p| p.into_inner());
        trusted.contains(&origin).then_some(origin)
    }

    /// The story the library has for the page whose canonical address is `key`.
    async fn story_at(&self, key: &str) -> Result<Option<Found>, SyncError> {
        let wanted = key.to_string();
        if let Some(story) = self.lib.run(move |l| l.saved_story(&wanted)).await? {
            return Ok(Some(Found::Saved(story)));
        }
        let wanted = key.to_string();
        let story = self.lib.run(move |l| l.story_by_page_key(&wanted)).await?;
        Ok(story.map(Found::Story))
    }

    /// Bookmarks a story the library already has, with `marks`.
    async fn already(&self, id: i64, marks: &SavedMarks) -> Result<SaveOutcome, SaveError> {
        let marks = marks.clone();
        let (article, tags) = self
            .lib
            .run(move |l| {
                l.bookmark_saved(id, &marks, None)?;
                Ok((l.article(id)?, l.tags_of(id)?))
            })
            .await?;
        Ok(SaveOutcome {
            article_id: id,
            saved_as: SavedAs::Already,
            title: article.title,
            url: article.url.unwrap_or_default(),
            reason: None,
            tags,
            site_feed: None,
            images_stored: 0,
            images_failed: 0,
        })
    }

    /// Fetches a page saved by hand (its origin trusted) and stores it: in `target` when it is
    /// a saved story being fetched again, else as a new one unless the page declares an
    /// address the library already has.
    async fn fetch_and_store(
        &self,
        url: &Url,
        target: Option<SavedStory>,
        marks: &SavedMarks,
    ) -> Result<SaveOutcome, SaveError> {
        let fetched =
            page::fetch_page(self.fetcher, url, Some(origin_of(url)), self.max_page_bytes).await;
        let mut target = target;
        let retry = target.is_some();
        let (saved, site_feed) = match fetched {
            Fetched::Feed { url } => {
                return Err(SaveError::Feed {
                    url: url.to_string(),
                })
            }
            Fetched::Article {
                front_page: true,
                feeds,
                ..
            } if !retry => {
                return Err(SaveError::Site {
                    url: url.to_string(),
                    feed: feeds.first().map(Url::to_string).unwrap_or_default(),
                })
            }
            Fetched::Unavailable {
                site_feed: Some(feed),
                ..
            } if !retry => {
                return Err(SaveError::Site {
                    url: url.to_string(),
                    feed: feed.to_string(),
                })
            }
            Fetched::Article {
                final_url,
                article,
                feeds,
                ..
            } => {
                let key = page_key(&final_url, &article);
                if !retry {
                    match self.story_at(&key).await? {
                        // Saved before under the address it declares, as only a link.
                        Some(Found::Saved(story)) if story.extraction != Extraction::Full => {
                            target = Some(story)
                        }
                        Some(found) => return self.already(found.id(), marks).await,
                        None => {}
                    }
                }
                let saved = article_page(&final_url, &article, key);
                (saved, feeds.first().map(Url::to_string))
            }
            Fetched::Unavailable { reason, .. } => {
                let key = crate::urls::canonical_url(url.as_str()).unwrap_or_default();
                (unavailable_page(url, None, key, &reason), None)
            }
        };
        let saved = match &target {
            Some(story) => SavedPage {
                key: story.item_key.clone(),
                title: match saved.page.extraction {
                    Extraction::Full => saved.title,
                    _ => story.title.clone(),
                },
                ..saved
            },
            None => saved,
        };
        self.trusted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(origin_of(url));
        let origin = origin_of(url).ascii_serialization();
        let marks = marks.clone();
        let page = saved.clone();
        let (stored, tags) = self
            .lib
            .run(move |l| {
                let stored = l.store_saved_page(&page, &marks, None)?;
                l.trust_origin(&origin)?;
                Ok((stored, l.tags_of(stored.article_id)?))
            })
            .await?;
        let (images_stored, images_failed) = self.download_images(|_| {}).await?;
        let unavailable = saved.page.extraction != Extraction::Full;
        Ok(SaveOutcome {
            article_id: stored.article_id,
            saved_as: if unavailable {
                SavedAs::Unavailable
            } else {
                SavedAs::Saved
            },
            title: saved.title,
            url: saved.url,
            reason: saved.page.note.filter(|_| unavailable),
            tags,
            site_feed,
            images_stored,
            images_failed,
        })
    }

    /// Downloads the images saved pages name that are still missing, each trusted as the
    /// origin of its page is; `on_done(ok)` after each. Returns how many were stored and failed.
    async fn download_images(
        &self,
        mut on_done: impl FnMut(bool),
    ) -> Result<(usize, usize), SyncError> {
        let images: Vec<PendingImage> = self
            .lib
            .run(|l| l.pending_saved_images())
            .await?
            .into_iter()
            .map(|image| PendingImage {
                feed_trusted_host: Url::parse(&image.feed_url)
                    .is_ok_and(|page| self.trust_for(&page).is_some()),
                ..image
            })
            .collect();
        let (mut stored, mut failed) = (0, 0);
        crate::sync::images::download(&self.lib, self.fetcher, images, self.concurrency, |ok| {
            if ok {
                stored += 1;
            } else {
                failed += 1;
            }
            on_done(ok);
        })
        .await?;
        Ok((stored, failed))
    }
}

/// The page's identity: the canonical address it declares (on its own site), else its own.
fn page_key(final_url: &Url, article: &crate::extract::Article) -> String {
    article
        .canonical_url
        .as_deref()
        .and_then(|declared| crate::urls::declared_canonical_url(final_url.as_str(), declared))
        .or_else(|| crate::urls::canonical_url(final_url.as_str()))
        .unwrap_or_else(|| final_url.to_string())
}

/// A page whose article was found, as the Saved source keeps it (its link without tracking
/// parameters).
fn article_page(final_url: &Url, article: &crate::extract::Article, key: String) -> SavedPage {
    let page = crate::sync::pages::page_result(article, final_url);
    SavedPage {
        url: crate::sanitize::strip_tracking_params(final_url.as_str()),
        key,
        title: article
            .title
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| final_url.to_string()),
        published_at: page.published_at,
        page,
    }
}

/// A page that could not be had, kept as its title (the archive's, else its address) and link.
fn unavailable_page(url: &Url, title: Option<&str>, key: String, reason: &str) -> SavedPage {
    SavedPage {
        url: crate::sanitize::strip_tracking_params(url.as_str()),
        key,
        title: title
            .filter(|t| !t.trim().is_empty())
            .map_or_else(|| url.to_string(), str::to_string),
        published_at: None,
        page: page::unavailable_result(reason),
    }
}
