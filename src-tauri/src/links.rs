//! The webview shows the app's own pages and nothing else: a link to the web (a DOI, a
//! producer's site) opens in the user's browser instead, and anything else is refused.

use tauri::webview::{NewWindowFeatures, NewWindowResponse};
use tauri::{Url, Wry};

/// Whether `url` is one of the app's own pages (the embedded UI, or Vite's server under
/// `cargo tauri dev`).
fn is_app(url: &Url) -> bool {
    match url.scheme() {
        "tauri" => true,
        "http" | "https" => {
            url.host_str() == Some("tauri.localhost")
                || tauri::is_dev() && matches!(url.host_str(), Some("localhost" | "127.0.0.1"))
        }
        _ => false,
    }
}

/// Hands a web or mail link to the desktop's default handler. No shell is involved: the URL is
/// one argument of the opener.
fn open_outside(url: &Url) {
    if !matches!(url.scheme(), "http" | "https" | "mailto") {
        eprintln!("hublot-app: refused to open {url}: only web and mail links leave the app");
        return;
    }
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(opener).arg(url.as_str()).spawn() {
        eprintln!("hublot-app: could not open {url} with {opener}: {e}");
    }
}

/// Navigation inside the window: the app's pages load, web links go to the browser.
pub fn on_navigation(url: &Url) -> bool {
    if is_app(url) {
        return true;
    }
    open_outside(url);
    false
}

/// `target="_blank"` links: never a second webview; web links go to the browser.
pub fn on_new_window(url: Url, _features: NewWindowFeatures) -> NewWindowResponse<Wry> {
    if !is_app(&url) {
        open_outside(&url);
    }
    NewWindowResponse::Deny
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_pages_stay_in_the_window() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(is_app(&u("tauri://localhost/index.html#/tables/IR_BEN_R")));
        assert!(is_app(&u(
            "http://tauri.localhost/#/search?q=d%C3%A9c%C3%A8s"
        )));
        assert!(!is_app(&u("https://doi.org/10.5072/example")));
        assert!(!is_app(&u("javascript:alert(1)")));
        assert!(!is_app(&u("file:///etc/passwd")));
        assert!(!is_app(&u("data:text/html,<script>alert(1)</script>")));
    }
}
