//! The images stage: every image stored HTML names (and every feed icon) still waiting is
//! downloaded into the library, size-capped and kept only when its bytes are a raster format.
//! A failed image is recorded as failed (the reader shows the placeholder); only a library error
//! stops the stage.

use futures_util::stream::{self, StreamExt};
use url::Url;

use super::{SharedLibrary, SyncError, SyncEvent, SyncReport, SyncRun};
use crate::feeds::fetch::{origin_of, FetchRequest, FetchResponse, Fetcher};
use crate::sanitize::{self, OfflineImages};
use crate::store::PendingImage;

/// The offline names stored HTML gives its images: the app's scheme, served from the library.
const OFFLINE_IMAGES: OfflineImages = OfflineImages {
    scheme: crate::images::IMAGE_SCHEME,
    src_for_url: crate::images::image_src,
    is_offline_src: |src| crate::images::key_from_src(src).is_some(),
};

/// HTML as the library stores it: sanitized again (relative URLs resolved against `base`), every
/// `<img>` pointed at its offline source (`tidings-img://localhost/KEY`), no `srcset` or
/// `<source>`, so a stored story never reaches the network. Returns the HTML and the original
/// URLs of its images, in order, each once: what this stage downloads.
pub fn offline_html(html: &str, base: Option<&Url>) -> (String, Vec<String>) {
    sanitize::rewrite_images(html, base, &OFFLINE_IMAGES)
}

/// Runs the stage: fills the report's image counts and sends an `ImageDone` event per image.
pub(super) async fn run(run: &SyncRun<'_>, report: &mut SyncReport) -> Result<(), SyncError> {
    let images = run.lib.run(|l| l.pending_images(i64::MAX)).await?;
    let total = images.len();
    (run.progress)(SyncEvent::ImagesStarted { total });
    let mut done = 0;
    download(
        &run.lib,
        run.fetcher,
        images,
        run.options.concurrency,
        |ok| {
            if ok {
                report.images_stored += 1;
            } else {
                report.images_failed += 1;
            }
            done += 1;
            (run.progress)(SyncEvent::ImageDone { done, total });
        },
    )
    .await
}

/// Downloads `images` into the library, `concurrency` at once (at reading size when the library
/// keeps large images so), each trusted as its `PendingImage` says; a failed one is recorded as
/// failed. `on_done(ok)` follows each image. Only a library error stops it.
pub(crate) async fn download(
    lib: &SharedLibrary,
    fetcher: &Fetcher,
    images: Vec<PendingImage>,
    concurrency: usize,
    mut on_done: impl FnMut(bool),
) -> Result<(), SyncError> {
    let reading_size = lib.run(|l| l.images_at_reading_size()).await?;
    let fitting = &tokio::sync::Semaphore::new(super::reading_size::fitting_at_once());
    let mut results = stream::iter(images)
        .map(|image| async move {
            let key = image.key.clone();
            let result = match (reading_size, fetch_image(fetcher, &image).await) {
                (true, Ok((mime, bytes))) => {
                    // Downloads go on meanwhile; shrinking waits its turn (memory).
                    let _turn = fitting.acquire().await;
                    tokio::task::spawn_blocking(move || {
                        match crate::images::fit_reading_size(&bytes) {
                            Some(fitted) => (fitted.mime, fitted.bytes),
                            None => (mime, bytes),
                        }
                    })
                    .await
                    .map_err(|e| format!("shrinking the image failed: {e}"))
                }
                (_, fetched) => fetched,
            };
            let ok = result.is_ok();
            lib.run(move |l| match &result {
                Ok((mime, bytes)) => l.store_image(&key, Ok((mime, bytes))),
                Err(e) => l.store_image(&key, Err(e)),
            })
            .await?;
            Ok::<_, SyncError>(ok)
        })
        .buffer_unordered(concurrency.max(1));
    while let Some(result) = results.next().await {
        on_done(result?);
    }
    Ok(())
}

/// Downloads one image for offline reading: size-capped, and kept only when its bytes are a
/// raster format (the server's Content-Type is not trusted).
async fn fetch_image(
    fetcher: &Fetcher,
    image: &PendingImage,
) -> Result<(&'static str, Vec<u8>), String> {
    let url = Url::parse(&image.url).map_err(|e| format!("invalid image URL: {e}"))?;
    let mut request = FetchRequest::image(url).max_bytes(crate::images::MAX_IMAGE_BYTES);
    if image.feed_trusted_host {
        if let Ok(feed_url) = Url::parse(&image.feed_url) {
            request = request.trusted(origin_of(&feed_url));
        }
    }
    match fetcher.fetch(request).await {
        Ok(FetchResponse::Ok(f)) => match crate::images::sniff(&f.body) {
            Some(mime) => Ok((mime, f.body)),
            None => Err("not a raster image (png, jpeg, gif, webp, avif, ico)".into()),
        },
        Ok(FetchResponse::NotModified { .. }) => Err("not modified".into()),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether an image URL names a known tracker (never downloaded, not even as a lead image).
pub(super) fn is_tracker_url(url: &str) -> bool {
    Url::parse(url).is_ok_and(|u| sanitize::is_tracker(&u))
}
