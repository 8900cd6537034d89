//! HTTP for sync: the URL policy, redirects followed by hand (limit, loop detection, the policy
//! checked at every hop), timeouts, retries with exponential backoff, conditional requests, and
//! downloads that resume with `Range` and never accept more bytes than expected.

use super::error::{SyncError, SyncResult};
use super::SyncOptions;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// True when plain `http` may be used for this host: loopback only.
pub fn is_loopback_host(url: &Url) -> bool {
    let Some(h) = url.host_str() else {
        return false;
    };
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost")
        || h.parse::<std::net::IpAddr>()
            .map(|ip| ip.is_loopback())
            .unwrap_or(false)
}

/// The URL policy: `https` anywhere, `http` only to loopback. (`file://` is handled before
/// any request is made.)
pub fn check_url(url: &Url) -> SyncResult<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback_host(url) => Ok(()),
        "http" => Err(SyncError::Refused {
            url: url.to_string(),
            message:
                "plain http is allowed only for loopback (127.0.0.0/8, ::1, localhost); use https"
                    .into(),
        }),
        s => Err(SyncError::Refused {
            url: url.to_string(),
            message: format!("unsupported scheme `{s}` (use https, or a local path)"),
        }),
    }
}

/// Validators remembered from a previous answer.
#[derive(Debug, Clone, Default)]
pub struct Validators {
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
}

impl Validators {
    /// True when there is nothing to ask a server with: no `304` can then mean "unchanged".
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }

    /// Adds `If-None-Match` / `If-Modified-Since` for what the server told us last time.
    fn add_conditions(&self, h: &mut HeaderMap) {
        if let Some(e) = self
            .etag
            .as_deref()
            .and_then(|e| HeaderValue::from_str(e).ok())
        {
            h.insert(reqwest::header::IF_NONE_MATCH, e);
        }
        if let Some(l) = self
            .last_modified
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            h.insert(reqwest::header::IF_MODIFIED_SINCE, l);
        }
    }
}

/// A fetched small document (a manifest, a catalogue page).
pub enum Fetched {
    /// 304 to a request that carried validators: unchanged since then. (A 304 to a request
    /// without any is a broken server or proxy, never "unchanged": [`not_modified`] says so.)
    NotModified,
    /// 200: the body and its validators.
    Body {
        /// Bytes.
        bytes: Vec<u8>,
        /// New validators.
        validators: Validators,
        /// The URL that answered (after redirects): the base of the document's relative IRIs.
        url: Url,
        /// `Content-Type`, when given: an RDF page's format comes from it first.
        content_type: Option<String>,
    },
}

/// What a download expects.
#[derive(Debug, Clone)]
pub struct Expect {
    /// Exact size, when known (a manifest entry); the download resumes only then.
    pub size: Option<u64>,
    /// Hash, when known.
    pub sha256: Option<String>,
    /// Hard limit in bytes.
    pub max: u64,
}

/// The client of one sync.
pub struct Net {
    client: reqwest::Client,
    opts: SyncOptions,
    cancel: Arc<AtomicBool>,
    /// Requests sent (every attempt and every redirect hop counts).
    pub requests: AtomicU64,
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

impl Net {
    /// A client with the options' timeouts, following no redirect by itself.
    pub fn new(opts: &SyncOptions, cancel: Arc<AtomicBool>) -> SyncResult<Net> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(opts.connect_timeout_ms))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("hublot/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| SyncError::Config(format!("HTTP client: {}", chain(&e))))?;
        Ok(Net {
            client,
            opts: opts.clone(),
            cancel,
            requests: AtomicU64::new(0),
        })
    }

    fn cancelled(&self) -> SyncResult<()> {
        if self.cancel.load(Ordering::Relaxed) {
            Err(SyncError::Cancelled)
        } else {
            Ok(())
        }
    }

    fn read_timeout(&self) -> Duration {
        Duration::from_millis(self.opts.read_timeout_ms)
    }

    /// Sends a GET, following redirects by hand. Returns the final URL and response.
    async fn get(&self, url: &Url, headers: &HeaderMap) -> SyncResult<(Url, reqwest::Response)> {
        let mut cur = url.clone();
        let mut seen = vec![cur.clone()];
        loop {
            check_url(&cur)?;
            self.cancelled()?;
            self.requests.fetch_add(1, Ordering::Relaxed);
            let send = self.client.get(cur.clone()).headers(headers.clone()).send();
            let resp = match tokio::time::timeout(self.read_timeout(), send).await {
                Err(_) => {
                    return Err(SyncError::Timeout {
                        url: cur.to_string(),
                        ms: self.opts.read_timeout_ms,
                    })
                }
                Ok(Err(e)) => {
                    return Err(SyncError::Network {
                        url: cur.to_string(),
                        message: chain(&e),
                    })
                }
                Ok(Ok(r)) => r,
            };
            if !resp.status().is_redirection() || resp.status() == StatusCode::NOT_MODIFIED {
                return Ok((cur, resp));
            }
            let loc = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| SyncError::Redirect {
                    url: cur.to_string(),
                    message: format!("HTTP {} without a Location header", resp.status()),
                })?;
            let next = cur.join(loc).map_err(|e| SyncError::Redirect {
                url: cur.to_string(),
                message: format!("bad Location {loc:?}: {e}"),
            })?;
            let path = || {
                seen.iter()
                    .map(Url::as_str)
                    .chain([next.as_str()])
                    .collect::<Vec<_>>()
                    .join(" → ")
            };
            if seen.contains(&next) {
                return Err(SyncError::Redirect {
                    url: url.to_string(),
                    message: format!("redirect loop: {}", path()),
                });
            }
            if seen.len() > self.opts.max_redirects {
                return Err(SyncError::Redirect {
                    url: url.to_string(),
                    message: format!(
                        "more than {} redirects: {}",
                        self.opts.max_redirects,
                        path()
                    ),
                });
            }
            seen.push(next.clone());
            cur = next;
        }
    }

    /// Runs `f` until it succeeds, a non-retryable error occurs, or the retries are spent,
    /// sleeping `backoff × 2^attempt` (capped at 30 s) between attempts.
    pub async fn retrying<T, F, Fut>(&self, mut f: F) -> SyncResult<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = SyncResult<T>>,
    {
        let mut attempt = 0u32;
        loop {
            self.cancelled()?;
            match f().await {
                Ok(t) => return Ok(t),
                Err(e) if e.is_retryable() && attempt < self.opts.retries => {
                    let ms = self
                        .opts
                        .backoff_ms
                        .saturating_mul(1u64 << attempt.min(16))
                        .min(30_000);
                    // Up to 25 % jitter so that parallel downloads do not retry in step.
                    let jitter = (std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map(|d| d.subsec_nanos() as u64)
                        .unwrap_or(0))
                        % (ms / 4 + 1);
                    let mut left = ms + jitter;
                    while left > 0 {
                        self.cancelled()?;
                        let step = left.min(100);
                        tokio::time::sleep(Duration::from_millis(step)).await;
                        left -= step;
                    }
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// A conditional GET of a small document (at most `max` bytes), with retries.
    pub async fn fetch_small(&self, url: &Url, v: &Validators, max: u64) -> SyncResult<Fetched> {
        self.retrying(|| self.fetch_small_once(url, v, max)).await
    }

    async fn fetch_small_once(&self, url: &Url, v: &Validators, max: u64) -> SyncResult<Fetched> {
        let mut h = HeaderMap::new();
        v.add_conditions(&mut h);
        let (final_url, mut resp) = self.get(url, &h).await?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED {
            not_modified(&final_url, v)?;
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(SyncError::Status {
                url: final_url.to_string(),
                status: status.as_u16(),
            });
        }
        let header = |n| {
            resp.headers()
                .get(n)
                .and_then(|x: &HeaderValue| x.to_str().ok())
                .map(str::to_string)
        };
        let validators = Validators {
            etag: header(reqwest::header::ETAG),
            last_modified: header(reqwest::header::LAST_MODIFIED),
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let mut bytes = Vec::new();
        while let Some(c) = self.next_chunk(&final_url, &mut resp).await? {
            if bytes.len() as u64 + c.len() as u64 > max {
                return Err(SyncError::TooLarge {
                    url: final_url.to_string(),
                    message: format!("more than {max} bytes"),
                });
            }
            bytes.extend_from_slice(&c);
        }
        if let Some(len) = resp.content_length() {
            if (bytes.len() as u64) < len {
                return Err(SyncError::Truncated {
                    url: final_url.to_string(),
                    got: bytes.len() as u64,
                    expected: len,
                });
            }
        }
        Ok(Fetched::Body {
            bytes,
            validators,
            url: final_url,
            content_type,
        })
    }

    async fn next_chunk(
        &self,
        url: &Url,
        resp: &mut reqwest::Response,
    ) -> SyncResult<Option<impl std::ops::Deref<Target = [u8]>>> {
        self.cancelled()?;
        match tokio::time::timeout(self.read_timeout(), resp.chunk()).await {
            Err(_) => Err(SyncError::Timeout {
                url: url.to_string(),
                ms: self.opts.read_timeout_ms,
            }),
            Ok(Err(e)) => Err(SyncError::Network {
                url: url.to_string(),
                message: chain(&e),
            }),
            Ok(Ok(c)) => Ok(c),
        }
    }

    /// Downloads `url` into `part` with retries, resuming a partial `part` with `Range` when the
    /// expected size and hash are known. On success `part` holds exactly the expected bytes; on
    /// failure it is kept only when resumable (see [`keep_part`]). `on_bytes` is told of every
    /// chunk written. Returns the bytes transferred.
    pub async fn download(
        &self,
        url: &Url,
        part: &Path,
        expect: &Expect,
        on_bytes: &(dyn Fn(u64) + Sync),
    ) -> SyncResult<u64> {
        let transferred = AtomicU64::new(0);
        let r = self
            .retrying(|| self.download_once(url, part, expect, None, on_bytes, &transferred))
            .await;
        discard_unless_resumable(part, expect, &r);
        r?;
        Ok(transferred.load(Ordering::Relaxed))
    }

    /// Like [`Net::download`] for a document without a manifest entry (an archive): sent with
    /// the validators, `None` on 304, else the new validators.
    pub async fn download_conditional(
        &self,
        url: &Url,
        part: &Path,
        expect: &Expect,
        cond: &Validators,
        on_bytes: &(dyn Fn(u64) + Sync),
    ) -> SyncResult<Option<Validators>> {
        let transferred = AtomicU64::new(0);
        let r = self
            .retrying(|| self.download_once(url, part, expect, Some(cond), on_bytes, &transferred))
            .await;
        discard_unless_resumable(part, expect, &r);
        r
    }

    async fn download_once(
        &self,
        url: &Url,
        part: &Path,
        expect: &Expect,
        cond: Option<&Validators>,
        on_bytes: &(dyn Fn(u64) + Sync),
        transferred: &AtomicU64,
    ) -> SyncResult<Option<Validators>> {
        let mut validators = Validators::default();
        let resumable = expect.size.is_some() && expect.sha256.is_some();
        let limit = expect.size.unwrap_or(expect.max).min(expect.max);
        let mut have = if resumable {
            std::fs::metadata(part).map(|m| m.len()).unwrap_or(0)
        } else {
            0
        };
        if have > limit {
            let _ = std::fs::remove_file(part);
            have = 0;
        }
        let complete_already = expect.size.is_some_and(|s| have == s && s > 0);
        if !complete_already {
            let mut tried_full = false;
            let (final_url, mut resp) = loop {
                let mut h = HeaderMap::new();
                if let Some(v) = cond {
                    v.add_conditions(&mut h);
                }
                if have > 0 {
                    h.insert(
                        reqwest::header::RANGE,
                        HeaderValue::from_str(&format!("bytes={have}-")).expect("ascii"),
                    );
                }
                let (u, resp) = self.get(url, &h).await?;
                let st = resp.status();
                if st == StatusCode::NOT_MODIFIED {
                    not_modified(&u, cond.unwrap_or(&Validators::default()))?;
                    return Ok(None);
                }
                let header = |n| {
                    resp.headers()
                        .get(n)
                        .and_then(|x: &HeaderValue| x.to_str().ok())
                        .map(str::to_string)
                };
                validators = Validators {
                    etag: header(reqwest::header::ETAG),
                    last_modified: header(reqwest::header::LAST_MODIFIED),
                };
                if st == StatusCode::RANGE_NOT_SATISFIABLE && have > 0 && !tried_full {
                    // The partial file does not fit what the server has now: start over.
                    let _ = std::fs::remove_file(part);
                    have = 0;
                    tried_full = true;
                    continue;
                }
                if !(st == StatusCode::OK || (st == StatusCode::PARTIAL_CONTENT && have > 0)) {
                    return Err(SyncError::Status {
                        url: u.to_string(),
                        status: st.as_u16(),
                    });
                }
                if st == StatusCode::PARTIAL_CONTENT {
                    let start = resp
                        .headers()
                        .get(reqwest::header::CONTENT_RANGE)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.strip_prefix("bytes "))
                        .and_then(|v| v.split('-').next())
                        .and_then(|v| v.trim().parse::<u64>().ok());
                    if start != Some(have) {
                        let _ = std::fs::remove_file(part);
                        return Err(SyncError::Network {
                            url: u.to_string(),
                            message: format!(
                                "the server resumed at byte {start:?}, not {have}; starting over"
                            ),
                        });
                    }
                } else {
                    have = 0;
                }
                break (u, resp);
            };
            if let Some(len) = resp.content_length() {
                if have + len > limit {
                    let _ = std::fs::remove_file(part);
                    return Err(SyncError::TooLarge {
                        url: final_url.to_string(),
                        message: format!(
                            "the server announces {} bytes, {}",
                            have + len,
                            limit_text(expect, limit)
                        ),
                    });
                }
            }
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(have > 0)
                .truncate(have == 0)
                .open(part)
                .map_err(|e| SyncError::io(part, e))?;
            loop {
                let chunk = match self.next_chunk(&final_url, &mut resp).await {
                    Ok(Some(c)) => c,
                    Ok(None) => break,
                    Err(e) => {
                        let _ = f.flush();
                        return Err(e);
                    }
                };
                let n = chunk.len() as u64;
                if have + n > limit {
                    drop(f);
                    let _ = std::fs::remove_file(part);
                    return Err(SyncError::TooLarge {
                        url: final_url.to_string(),
                        message: format!(
                            "the server sent more than {} bytes",
                            limit_text(expect, limit)
                        ),
                    });
                }
                f.write_all(&chunk).map_err(|e| SyncError::io(part, e))?;
                have += n;
                transferred.fetch_add(n, Ordering::Relaxed);
                on_bytes(n);
            }
            f.flush().map_err(|e| SyncError::io(part, e))?;
            if let Some(size) = expect.size {
                if have < size {
                    return Err(SyncError::Truncated {
                        url: final_url.to_string(),
                        got: have,
                        expected: size,
                    });
                }
            }
        }
        if let Some(want) = &expect.sha256 {
            let found = sha256_file(part)?;
            if &found != want {
                let _ = std::fs::remove_file(part);
                return Err(SyncError::Hash {
                    url: url.to_string(),
                    expected: want.clone(),
                    found,
                });
            }
        }
        Ok(Some(validators))
    }
}

/// The one 304 policy of the sync: a `304 Not Modified` means "unchanged since the last sync"
/// only when the request carried that sync's validators; to a request without any it is an
/// error naming the URL (a broken server or proxy), never a reason to keep what is there.
pub fn not_modified(url: &Url, asked: &Validators) -> SyncResult<()> {
    if asked.is_empty() {
        return Err(SyncError::Status {
            url: url.to_string(),
            status: 304,
        });
    }
    Ok(())
}

/// True when a download that failed with `e` leaves a part the next sync can resume: the
/// expected size and hash are known (so that resumed bytes are checked) and the failure was in
/// the transfer (network, timeout, short body, 5xx, 408, 429, cancel). A refusal (4xx), a wrong
/// hash, a body over its bound or a local error leaves bytes nothing will use.
pub fn keep_part(expect: &Expect, e: &SyncError) -> bool {
    expect.size.is_some()
        && expect.sha256.is_some()
        && (e.is_retryable() || matches!(e, SyncError::Cancelled))
}

fn discard_unless_resumable<T>(part: &Path, expect: &Expect, r: &SyncResult<T>) {
    if let Err(e) = r {
        if !keep_part(expect, e) {
            let _ = std::fs::remove_file(part);
        }
    }
}

fn limit_text(expect: &Expect, limit: u64) -> String {
    match expect.size {
        Some(s) if s <= expect.max => format!("the manifest says {s}"),
        _ => format!("the limit is {limit}"),
    }
}

/// Lowercase hex SHA-256 of a file.
pub fn sha256_file(p: &Path) -> SyncResult<String> {
    crate::ingest::snapshot_manifest::sha256_file(p).map_err(SyncError::Core)
}

/// Lowercase hex SHA-256 of bytes.
pub fn sha256_bytes(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transfer_failures_of_checked_downloads_keep_their_part() {
        let checked = Expect {
            size: Some(10),
            sha256: Some("0".repeat(64)),
            max: 100,
        };
        let unchecked = Expect {
            size: None,
            sha256: None,
            max: 100,
        };
        let status = |status| SyncError::Status {
            url: "u".into(),
            status,
        };
        for e in [
            status(500),
            status(503),
            status(408),
            status(429),
            SyncError::Cancelled,
            SyncError::Network {
                url: "u".into(),
                message: "reset".into(),
            },
            SyncError::Truncated {
                url: "u".into(),
                got: 1,
                expected: 10,
            },
        ] {
            assert!(keep_part(&checked, &e), "{e}");
            assert!(!keep_part(&unchecked, &e), "{e}");
        }
        for e in [
            status(404),
            status(403),
            status(410),
            SyncError::Hash {
                url: "u".into(),
                expected: "a".into(),
                found: "b".into(),
            },
            SyncError::TooLarge {
                url: "u".into(),
                message: "m".into(),
            },
        ] {
            assert!(!keep_part(&checked, &e), "{e}");
        }
    }

    #[test]
    fn url_policy() {
        for ok in [
            "https://example.org/x",
            "http://127.0.0.1:8080/x",
            "http://127.3.4.5/x",
            "http://[::1]:9/x",
            "http://localhost/x",
        ] {
            check_url(&Url::parse(ok).unwrap()).unwrap();
        }
        for bad in [
            "http://example.org/x",
            "http://10.0.0.1/x",
            "http://localhost.example.org/x",
            "ftp://127.0.0.1/x",
        ] {
            assert!(check_url(&Url::parse(bad).unwrap()).is_err(), "{bad}");
        }
    }
}
