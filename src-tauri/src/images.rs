//! The offline image protocol: `tidings-img://localhost/KEY` answered from the library file.
//!
//! Stored article HTML names every image this way (see `tidings::images`), so reading never
//! touches the network: a stored image comes back with its sniffed raster type, anything else
//! (not downloaded, failed, unknown key) is the placeholder picture. Responses forbid sniffing
//! and carry a CSP that allows nothing, so no image URL can become active content.

use tauri::http::{header, Request, Response, StatusCode};
use tauri::{Manager, Runtime, UriSchemeContext, UriSchemeResponder};

use crate::state::AppState;

/// Serves one image request (on Tauri's async runtime; the library read is blocking work).
pub fn serve<R: Runtime>(
    ctx: UriSchemeContext<'_, R>,
    request: Request<Vec<u8>>,
    responder: UriSchemeResponder,
) {
    let app = ctx.app_handle().clone();
    let path = request.uri().path().to_string();
    tauri::async_runtime::spawn(async move {
        let key = path.trim_start_matches('/').to_string();
        let found = if tidings::images::is_image_key(&key) {
            let state = app.state::<AppState>();
            state
                .with_library(move |lib| lib.image(&key))
                .await
                .ok()
                .flatten()
        } else {
            None
        };
        let (status, mime, bytes) = match found {
            Some((mime, bytes)) => (StatusCode::OK, mime, bytes),
            None => (
                StatusCode::OK,
                "image/png".to_string(),
                tidings::images::PLACEHOLDER_PNG.to_vec(),
            ),
        };
        let response = Response::builder()
            .status(status)
            .header(header::CONTENT_TYPE, mime)
            .header("X-Content-Type-Options", "nosniff")
            .header("Content-Security-Policy", "default-src 'none'")
            .header(header::CACHE_CONTROL, "max-age=31536000, immutable")
            .body(bytes)
            .unwrap_or_else(|_| Response::new(Vec::new()));
        responder.respond(response);
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_window_policy_allows_the_scheme_the_protocol_serves() {
        let config = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tauri.conf.json"),
        )
        .unwrap();
        let config: serde_json::Value = serde_json::from_str(&config).unwrap();
        let img_src = config["app"]["security"]["csp"]["img-src"]
            .as_str()
            .unwrap_or_default();
        let scheme = format!("{}:", tidings::images::IMAGE_SCHEME);
        assert!(
            img_src.split_whitespace().any(|source| source == scheme),
            "img-src {img_src:?} lacks {scheme}"
        );
    }
}
