//! The built web UI, served from a directory on disk (`ui/dist`). Request paths are checked
//! before any file is touched: only plain names of `[A-Za-z0-9._-]` separated by `/`, no dot
//! segment, and the file found must lie inside the UI directory once symlinks are resolved.

use super::{ApiError, AppState};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use std::path::{Path, PathBuf};

/// Where to find the built UI when none is given: `$HUBLOT_UI_DIR`, then `ui/dist` under the
/// current directory, then `ui/` beside the executable, then `../share/hublot/ui` from it.
pub fn find_ui_dir() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("HUBLOT_UI_DIR") {
        candidates.push(PathBuf::from(d));
    }
    candidates.push(PathBuf::from("ui/dist"));
    if let Ok(exe) = std::env::current_exe() {
        if let Some(dir) = exe.parent() {
            candidates.push(dir.join("ui"));
            candidates.push(dir.join("../share/hublot/ui"));
        }
    }
    candidates
        .into_iter()
        .find(|d| d.join("index.html").is_file())
        .and_then(|d| d.canonicalize().ok())
}

/// A request path as a relative file path, or `None` when it is not a plain one.
fn safe_relative(path: &str) -> Option<String> {
    let rel = path.strip_prefix('/').unwrap_or(path);
    if rel.is_empty() {
        return Some("index.html".into());
    }
    let plain = rel.split('/').all(|seg| {
        !seg.is_empty()
            && seg != "."
            && seg != ".."
            && !seg.starts_with('.')
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-')
    });
    plain.then(|| rel.to_string())
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "webp" => "image/webp",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn not_found() -> Response {
    ApiError::new(StatusCode::NOT_FOUND, "no such page").into_response()
}

const NO_UI: &str = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Hublot</title></head><body><h1>Hublot</h1><p>The web UI is not built. Run \
<code>npm --prefix ui ci &amp;&amp; npm --prefix ui run build</code> in the repository, or pass \
<code>--ui-dir</code>. The JSON API is at <a href=\"/api/-/operations\">/api/</a>.</p></body></html>";

/// Serves a file of the UI (GET and HEAD only).
pub async fn serve_ui(State(s): State<AppState>, req: Request) -> Response {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "only GET here").into_response();
    }
    let Some(rel) = safe_relative(req.uri().path()) else {
        return not_found();
    };
    let Some(root) = &s.ui_dir else {
        return if rel == "index.html" {
            Html(NO_UI).into_response()
        } else {
            not_found()
        };
    };
    let path = root.join(&rel);
    // Resolve symlinks and make sure we are still inside the UI directory.
    let Ok(real) = tokio::fs::canonicalize(&path).await else {
        return not_found();
    };
    if !real.starts_with(root) {
        return not_found();
    }
    let Ok(bytes) = tokio::fs::read(&real).await else {
        return not_found();
    };
    let cache = if rel.starts_with("assets/") {
        // Vite names these by content hash.
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&real)),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn only_plain_paths() {
        assert_eq!(safe_relative("/").as_deref(), Some("index.html"));
        assert_eq!(
            safe_relative("/assets/index-AbC_1.js").as_deref(),
            Some("assets/index-AbC_1.js")
        );
        for bad in [
            "/../etc/passwd",
            "/assets/../../x",
            "/%2e%2e/x",
            "//etc/passwd",
            "/a\\b",
            "/.env",
            "/a/./b",
            "/a%00b",
        ] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }
}
