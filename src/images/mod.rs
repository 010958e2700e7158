//! Offline images: naming them in stored HTML, and recognising what was downloaded.
//!
//! Stored article HTML never points at the network: every `<img>` is rewritten (by the
//! composer, [`crate::sync::offline_html`], with these names) to the app's own scheme,
//! `tidings-img://localhost/KEY`, where KEY is derived from the image's original URL. Sync
//! downloads the images into the library; the app serves them from there, and a missing one is
//! the [`PLACEHOLDER_PNG`], never a network request. Only raster formats whose bytes say what
//! they are are kept: SVG can carry scripts and is not stored.
//!
//! A leaf: it imports no other module of the crate. [`IMAGE_SCHEME`] is the scheme's one
//! spelling in Rust; `ui/image-scheme.js` mirrors it for the window (a test keeps them equal).

use sha2::{Digest, Sha256};

mod fit;
pub use fit::{dimensions, fit_reading_size, Fitted, FIT_FROM_BYTES, READING_EDGE};

/// The scheme, spelled once for both constants below.
macro_rules! image_scheme {
    () => {
        "tidings-img"
    };
}

/// The scheme of the app's offline image protocol (registered by the app, allowed by the
/// reader's content security policy).
pub const IMAGE_SCHEME: &str = image_scheme!();

/// How every offline image `src` begins: the scheme and the one host the app answers on.
pub const SRC_PREFIX: &str = concat!(image_scheme!(), "://localhost/");

/// Shown where an image was not downloaded (offline, failed, refused).
pub const PLACEHOLDER_PNG: &[u8] = include_bytes!("placeholder.png");

/// Largest image stored.
pub const MAX_IMAGE_BYTES: usize = 8 * 1024 * 1024;

/// The key an image URL is stored and served under.
pub fn image_key(url: &str) -> String {
    let digest = Sha256::digest(url.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `key` has the form [`image_key`] gives (32 hex digits), so it is safe to look up.
pub fn is_image_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The `src` stored HTML uses for an image URL.
pub fn image_src(url: &str) -> String {
    image_src_for_key(&image_key(url))
}

/// The `src` for an already-known key.
pub fn image_src_for_key(key: &str) -> String {
    format!("{SRC_PREFIX}{key}")
}

/// The key in an app-scheme URL (`tidings-img://localhost/KEY`), if it is one.
pub fn key_from_src(src: &str) -> Option<&str> {
    let rest = src.strip_prefix(IMAGE_SCHEME)?.strip_prefix("://")?;
    let key = rest.rsplit('/').next()?;
    is_image_key(key).then_some(key)
}

/// The content hash blobs are de-duplicated by.
pub fn content_hash(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The MIME type of a raster image, read from its first bytes (the server's header is not
/// trusted). `None` for anything else, SVG included.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && matches!(&bytes[8..12], b"avif" | b"avis")
    {
        Some("image/avif")
    } else if bytes.len() >= 6 && bytes[..4] == [0, 0, 1, 0] && bytes[4..6] != [0, 0] {
        // Windows icon (favicon.ico): a directory of bitmaps or PNGs, one or more images.
        Some("image/x-icon")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_raster_formats_and_refuses_svg() {
        assert_eq!(sniff(PLACEHOLDER_PNG), Some("image/png"));
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("image/jpeg"));
        assert_eq!(sniff(b"GIF89a...."), Some("image/gif"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"\0\0\0\x1cftypavif\0\0"), Some("image/avif"));
        assert_eq!(sniff(b"\0\0\x01\0\x01\0\x10\x10"), Some("image/x-icon"));
        assert_eq!(sniff(b"\0\0\x01\0\0\0"), None, "an icon of no images");
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>"),
            None
        );
        assert_eq!(sniff(b"<html>"), None);
    }

    #[test]
    fn the_window_spells_the_scheme_as_the_library_does() {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
        let mirror = std::fs::read_to_string(ui.join("image-scheme.js")).unwrap();
        let spelled: Vec<&str> = mirror
            .lines()
            .filter_map(|l| l.trim().strip_prefix("export const IMAGE_SCHEME = \""))
            .filter_map(|rest| rest.strip_suffix("\";"))
            .collect();
        assert_eq!(spelled, [IMAGE_SCHEME], "ui/image-scheme.js: {mirror}");
        // Every other script takes it from there: the scheme appears in their comments only.
        for entry in std::fs::read_dir(&ui).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "js") || path.ends_with("image-scheme.js") {
                continue;
            }
            let script = std::fs::read_to_string(&path).unwrap();
            for line in script.lines().filter(|l| l.contains(IMAGE_SCHEME)) {
                let code = line.trim_start();
                assert!(
                    ["//", "*", "/*"].iter().any(|c| code.starts_with(c)),
                    "{} spells the scheme itself: {line}",
                    path.display()
                );
            }
        }
        let reader = std::fs::read_to_string(ui.join("reader.js")).unwrap();
        assert!(reader.contains("from \"./image-scheme.js\""), "{reader}");
    }

    #[test]
    fn keys_round_trip_through_src() {
        let src = image_src("https://news.example/a.jpg");
        assert!(src.starts_with("tidings-img://localhost/"));
        assert!(src.starts_with(SRC_PREFIX));
        assert_eq!(
            key_from_src(&src),
            Some(image_key("https://news.example/a.jpg").as_str())
        );
        assert_eq!(key_from_src("https://news.example/a.jpg"), None);
        assert_eq!(
            key_from_src("tidings-img://localhost/../../etc/passwd"),
            None
        );
    }
}
