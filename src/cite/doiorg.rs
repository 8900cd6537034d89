//! A DOI's metadata from its registration agency, through doi.org content negotiation
//! (`Accept: application/vnd.citationstyles.csl+json`): the resolver redirects to DataCite or
//! Crossref, which answer CSL-JSON. The resolver's base URL is a setting, so that tests (and a
//! mirror) can stand in for doi.org.

use super::Doi;
use crate::{Error, Result};
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

/// Fetches the CSL-JSON record of `doi` from the resolver at `resolver` (`https://doi.org`).
/// The error names the URL and what went wrong.
pub fn fetch_csl(resolver: &str, doi: &Doi) -> Result<Value> {
    let base = resolver.trim().trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(Error::Invalid(format!(
            "DOI resolver `{}` is not an http(s) URL (setting `{RESOLVER_SETTING}`)",
            base.escape_debug()
        )));
    }
    let url = format!("{base}/{}", doi.path());
    // Callers may run inside a runtime (`hublot serve` calls operations on its blocking pool),
    // where another runtime cannot block: the exchange gets a thread and a runtime of its own.
    let fetched = std::thread::scope(|s| {
        s.spawn(|| -> std::result::Result<Vec<u8>, String> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(async {
                let client = reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .redirect(reqwest::redirect::Policy::limited(5))
                    .user_agent(concat!("hublot/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| e.to_string())?;
                let mut resp = client
                    .get(&url)
                    .header(
                        reqwest::header::ACCEPT,
                        "application/vnd.citationstyles.csl+json",
                    )
                    .send()
                    .await
                    .map_err(|e| chain(&e))?;
                let status = resp.status();
                if !status.is_success() {
                    return Err(format!("HTTP {status}"));
                }
                let mut body = Vec::new();
                while let Some(chunk) = resp.chunk().await.map_err(|e| chain(&e))? {
                    if body.len() + chunk.len() > MAX_BYTES {
                        return Err(format!("answer larger than {MAX_BYTES} bytes"));
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(body)
            })
        })
        .join()
        .unwrap_or_else(|_| Err("the request thread failed".into()))
    })
    .map_err(|e| Error::Invalid(format!("{url}: {e}")))?;
    let v: Value = serde_json::from_slice(&fetched)
        .map_err(|e| Error::Invalid(format!("{url}: not CSL-JSON: {e}")))?;
    // Some agencies answer a one-item list.
    let v = match v {
        Value::Array(mut a) if a.len() == 1 => a.remove(0),
        v => v,
    };
    if !v.get("type").is_some_and(Value::is_string) {
        return Err(Error::Invalid(format!(
            "{url}: not a CSL-JSON item (no `type`)"
        )));
    }
    Ok(v)
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}
