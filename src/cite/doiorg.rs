//! A DOI's metadata from its registration agency, through doi.org content negotiation
//! (`Accept: application/vnd.citationstyles.csl+json`): the resolver redirects to DataCite or
//! Crossref, which answer CSL-JSON. The resolver's base URL is a setting, so that tests (and a
//! mirror) can stand in for doi.org.

use super::Doi;
use serde_json::Value;
use std::time::Duration;

/// The public resolver.
pub const DEFAULT_RESOLVER: &str = "https://doi.org";

/// The setting that overrides the resolver's base URL.
pub const RESOLVER_SETTING: &str = "cite.doi_resolver";

/// Largest answer accepted: a CSL-JSON record is a few KiB; a larger answer is not one.
pub const MAX_BYTES: usize = 512 * 1024;

/// Time allowed for the whole exchange, redirects included.
pub const TIMEOUT: Duration = Duration::from_secs(15);

/// Why a record could not be fetched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchError {
    /// The URL asked.
    pub url: String,
    /// What went wrong, in a few words.
    pub reason: String,
    /// The resolver could not be reached at all (offline, refused, timed out): asking it for
    /// another DOI now is pointless.
    pub unreachable: bool,
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.url, self.reason)
    }
}

/// Fetches the CSL-JSON record of `doi` from the resolver at `resolver` (`https://doi.org`).
/// The error names the URL and what went wrong.
pub fn fetch_csl(resolver: &str, doi: &Doi) -> std::result::Result<Value, FetchError> {
    let base = resolver.trim().trim_end_matches('/');
    let url = format!("{base}/{}", doi.path());
    let fail = |reason: String, unreachable: bool| FetchError {
        url: url.clone(),
        reason,
        unreachable,
    };
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(fail(
            format!("the resolver is not an http(s) URL (setting `{RESOLVER_SETTING}`)"),
            true,
        ));
    }
    // Callers may run inside a runtime (`hublot serve` calls operations on its blocking pool),
    // where another runtime cannot block: the exchange gets a thread and a runtime of its own.
    let fetched = std::thread::scope(|s| {
        s.spawn(|| -> std::result::Result<Vec<u8>, (String, bool)> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| (e.to_string(), true))?;
            rt.block_on(async {
                let client = reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .redirect(reqwest::redirect::Policy::limited(5))
                    .user_agent(concat!("hublot/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| (e.to_string(), true))?;
                let mut resp = client
                    .get(&url)
                    .header(
                        reqwest::header::ACCEPT,
                        "application/vnd.citationstyles.csl+json",
                    )
                    .send()
                    .await
                    .map_err(|e| short(&e))?;
                let status = resp.status();
                if !status.is_success() {
                    return Err((format!("HTTP {status}"), false));
                }
                let mut body = Vec::new();
                while let Some(chunk) = resp.chunk().await.map_err(|e| short(&e))? {
                    if body.len() + chunk.len() > MAX_BYTES {
                        return Err((format!("answer larger than {MAX_BYTES} bytes"), false));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(body)
            })
        })
        .join()
        .unwrap_or_else(|_| Err(("the request thread failed".into(), true)))
    })
    .map_err(|(reason, unreachable)| fail(reason, unreachable))?;
    let v: Value =
        serde_json::from_slice(&fetched).map_err(|e| fail(format!("not CSL-JSON: {e}"), false))?;
    // Some agencies answer a one-item list.
    let v = match v {
        Value::Array(mut a) if a.len() == 1 => a.remove(0),
        v => v,
    };
    if !v.get("type").is_some_and(Value::is_string) {
        return Err(fail("not a CSL-JSON item (no `type`)".into(), false));
    }
    Ok(v)
}

/// A network error in a few words (reqwest's chain repeats the URL and the layers).
fn short(e: &reqwest::Error) -> (String, bool) {
    if e.is_timeout() {
        (format!("no answer within {} s", TIMEOUT.as_secs()), true)
    } else if e.is_connect() {
        (
            "cannot connect (offline, or the resolver is down)".into(),
            true,
        )
    } else if e.is_redirect() {
        ("too many redirects".into(), false)
    } else {
        let mut root: &dyn std::error::Error = e;
        while let Some(c) = root.source() {
            root = c;
        }
        (root.to_string(), false)
    }
}
