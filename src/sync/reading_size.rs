//! Keeping large images at reading size (a storage option, off by default): the images stage
//! shrinks each new download (`images::download`), and turning the option on shrinks the images
//! already stored, here. The work is `images::fit_reading_size`; this pass only feeds it.

use std::path::Path;

use serde::Serialize;

use crate::images::{fit_reading_size, FIT_FROM_BYTES};
use crate::store::{Library, Result, StoredImage};

/// Stored images read (and shrunk, [`fitting_at_once`] at a time) per page.
const PAGE: i64 = 8;

/// How many images are shrunk at once: one per core, at most four, since a 12-megapixel photo
/// peaks at about 120 MB while it is decoded, resized and encoded (measured).
pub(super) fn fitting_at_once() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(4))
}

/// What a pass over the stored images did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct FitReport {
    /// Images large enough to look at.
    pub checked: u64,
    /// Of those, the ones shrunk to reading size.
    pub shrunk: u64,
    /// Their bytes before and after.
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// Shrinks every stored image larger than reading size, on its own handle of the library at
/// `path`, so the window's handle keeps reading: images are read a page at a time and shrunk
/// with no transaction open, and each is replaced in its own short transaction, so a kill
/// leaves every image either original or shrunk. Images stored while it runs are left to the
/// images stage. `progress(done, total)` follows each page.
pub fn fit_stored_images(path: &Path, mut progress: impl FnMut(u64, u64)) -> Result<FitReport> {
    let mut lib = Library::open(path)?;
    let (last, total) = lib.stored_images_extent(FIT_FROM_BYTES)?;
    let threads = fitting_at_once();
    let mut report = FitReport::default();
    let mut after = 0;
    progress(0, total);
    loop {
        let page = lib.stored_images_page(after, last, FIT_FROM_BYTES, PAGE)?;
        let Some(end) = page.last().map(|image| image.row) else {
            break;
        };
        for (image, fitted) in page.iter().zip(fit_all(&page, threads)) {
            report.checked += 1;
            if let Some(fitted) = fitted {
                lib.replace_stored_image(&image.hash, fitted.mime, &fitted.bytes)?;
                report.shrunk += 1;
                report.bytes_before += image.bytes.len() as u64;
                report.bytes_after += fitted.bytes.len() as u64;
            }
        }
        after = end;
        progress(report.checked, total);
    }
    Ok(report)
}

/// `fit_reading_size` of every image of `page`, in order, `threads` at once.
fn fit_all(page: &[StoredImage], threads: usize) -> Vec<Option<crate::images::Fitted>> {
    let per_thread = page.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = page
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|image| fit_reading_size(&image.bytes))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            // A panic in a codec is that page's loss only: its images stay as they are.
            .flat_map(|w| w.join().unwrap_or_else(|_| vec![None; per_thread]))
            .take(page.len())
            .collect()
    })
}
