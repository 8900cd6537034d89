//! A Hublot snapshot published on a web server as a source: `<URL>/manifest.json` and the files
//! it lists (size and SHA-256 each, optionally signed), downloaded `concurrency` at a time into
//! `parts/` and staged in `next/`; what the mirror already has (same hash) is linked, not
//! downloaded.

use super::error::{SyncError, SyncResult};
use super::http::{self, Expect, Fetched};
use super::source_dir::{link_or_copy, Fetch, SourceDir};
use super::{describe, sign, Phase, Shared, SourceSync};
use crate::ingest::snapshot_manifest::{is_safe_relative, Manifest};
use reqwest::Url;
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A URL of `path` (relative, `/`-separated) under the base URL `base`.
pub(super) fn file_url(base: &Url, path: &str) -> Url {
    let mut u = base.clone();
    u.path_segments_mut()
        .expect("http URL")
        .pop_if_empty()
        .extend(path.split('/'));
    u
}

/// One download job: a content (by hash) and every place it goes.
struct Job {
    url: Url,
    path: String,
    sha256: String,
    size: u64,
    dests: Vec<PathBuf>,
}

impl Shared {
    /// A Hublot snapshot published at `base`: its manifest, conditionally; when it changed,
    /// the files it lists that the mirror does not already have (by hash), downloaded into
    /// `parts/` and staged in `next/`.
    pub(super) async fn fetch_snapshot(
        self: &Arc<Self>,
        label: &str,
        base: &Url,
        dir: &SourceDir,
    ) -> SyncResult<Fetch> {
        let (mirror, next, parts) = (dir.mirror(), dir.next(), dir.parts());
        let murl = file_url(base, "manifest.json");
        let have_mirror = mirror.join("manifest.json").is_file();
        // With a pinned key, a mirror is trusted (and a 304 accepted) only if its manifest is
        // signed by that key: pinning a key after an unsigned sync forces a full check.
        let signed_ok = match &self.key {
            None => true,
            Some(k) => Manifest::read(&mirror)
                .ok()
                .is_some_and(|m| sign::verify_manifest(&m, k, "mirror").is_ok()),
        };
        let check = dir.check(murl.as_str(), have_mirror && signed_ok, self.force);
        let mut report = SourceSync {
            source: label.into(),
            kind: "snapshot".into(),
            ..Default::default()
        };
        self.progress(Phase::Manifest, label, 0, 0, 0, 0);
        let (bytes, validators) = match self
            .net
            .fetch_small(&murl, check.validators(), self.opts.max_manifest_bytes)
            .await?
        {
            Fetched::NotModified => {
                report.signature_verified = self.key.is_some();
                return dir.unchanged(None, report);
            }
            Fetched::Body {
                bytes, validators, ..
            } => (bytes, validators),
        };
        let msha = http::sha256_bytes(&bytes);
        let new_state = check.state(label, validators, msha.clone());
        // The manifest is parsed (and its signature checked) even when its bytes are the same.
        std::fs::create_dir_all(&next).map_err(|e| SyncError::io(&next, e))?;
        let mp = next.join("manifest.json");
        std::fs::write(&mp, &bytes).map_err(|e| SyncError::io(&mp, e))?;
        let m = Manifest::read(&next).map_err(|e| SyncError::Manifest {
            url: murl.to_string(),
            message: describe(e),
        })?;
        if let Some(k) = &self.key {
            sign::verify_manifest(&m, k, murl.as_str())?;
            report.signature_verified = true;
        }
        if check.same(&msha) {
            return dir.unchanged(Some(new_state), report);
        }
        // Limits, before any download.
        let mut total = 0u64;
        for f in &m.files {
            if f.size > self.opts.max_file_bytes {
                return Err(SyncError::TooLarge {
                    url: file_url(base, &f.path).to_string(),
                    message: format!(
                        "the manifest lists {} bytes, more than the limit of {}",
                        f.size, self.opts.max_file_bytes
                    ),
                });
            }
            if f.sha256.len() != 64 || !f.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(SyncError::Manifest {
                    url: murl.to_string(),
                    message: format!("{}: sha256 is not 64 hex digits", f.path),
                });
            }
            total += f.size;
        }
        if total > self.opts.max_total_bytes {
            return Err(SyncError::TooLarge {
                url: murl.to_string(),
                message: format!(
                    "the snapshot is {total} bytes, more than the limit of {}",
                    self.opts.max_total_bytes
                ),
            });
        }
        // Plan: reuse what the mirror has (same path and hash, or the same hash elsewhere).
        let old = if have_mirror && !self.force {
            // Reuse is by hash, so an unsigned mirror's files are as good as downloads.
            Manifest::read(&mirror).ok()
        } else {
            None
        };
        let old_files = old.as_ref().map(|m| m.files.as_slice()).unwrap_or(&[]);
        let by_path: HashMap<&str, &str> = old_files
            .iter()
            .map(|f| (f.path.as_str(), f.sha256.as_str()))
            .collect();
        let by_sha: HashMap<&str, &str> = old_files
            .iter()
            .filter(|f| is_safe_relative(&f.path))
            .map(|f| (f.sha256.as_str(), f.path.as_str()))
            .collect();
        let mut jobs: Vec<Job> = Vec::new();
        let mut job_of_sha: HashMap<String, usize> = HashMap::new();
        for f in &m.files {
            match by_path.get(f.path.as_str()) {
                None => report.added += 1,
                Some(s) if *s != f.sha256 => report.changed_files += 1,
                _ => {}
            }
            let dest = next.join(&f.path);
            let reusable = by_sha.get(f.sha256.as_str()).map(|p| mirror.join(p));
            if let Some(src) = reusable.filter(|p| {
                std::fs::metadata(p)
                    .map(|m| m.is_file() && m.len() == f.size)
                    .unwrap_or(false)
            }) {
                link_or_copy(&src, &dest)?;
                continue;
            }
            if f.size == 0 && f.sha256 == EMPTY_SHA256 {
                link_or_copy_empty(&dest)?;
                continue;
            }
            match job_of_sha.get(&f.sha256) {
                Some(&i) => jobs[i].dests.push(dest),
                None => {
                    job_of_sha.insert(f.sha256.clone(), jobs.len());
                    jobs.push(Job {
                        url: file_url(base, &f.path),
                        path: f.path.clone(),
                        sha256: f.sha256.clone(),
                        size: f.size,
                        dests: vec![dest],
                    });
                }
            }
        }
        let new_paths: std::collections::HashSet<&str> =
            m.files.iter().map(|f| f.path.as_str()).collect();
        report.removed = old_files
            .iter()
            .filter(|f| !new_paths.contains(f.path.as_str()))
            .count() as u64;
        std::fs::create_dir_all(&parts).map_err(|e| SyncError::io(&parts, e))?;
        let (files, bytes) = self.download_all(label, jobs, &parts).await?;
        report.downloaded_files = files;
        report.downloaded_bytes = bytes;
        Ok(dir.staged(new_state, report))
    }

    /// Downloads the jobs, `concurrency` at a time. Returns (files, bytes) downloaded.
    async fn download_all(
        self: &Arc<Self>,
        label: &str,
        jobs: Vec<Job>,
        parts: &Path,
    ) -> SyncResult<(u64, u64)> {
        let files_total = jobs.len() as u64;
        let bytes_total: u64 = jobs.iter().map(|j| j.size).sum();
        let queue = Arc::new(Mutex::new(jobs.into_iter().collect::<VecDeque<Job>>()));
        let files_done = Arc::new(AtomicU64::new(0));
        let bytes_done = Arc::new(AtomicU64::new(0));
        self.progress(Phase::Download, label, 0, files_total, 0, bytes_total);
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..self.opts.concurrency.max(1) {
            let me = self.clone();
            let queue = queue.clone();
            let (files_done, bytes_done) = (files_done.clone(), bytes_done.clone());
            let parts = parts.to_path_buf();
            let label = label.to_string();
            set.spawn(async move {
                loop {
                    let Some(job) = queue.lock().expect("queue").pop_front() else {
                        return Ok::<(), SyncError>(());
                    };
                    let part = parts.join(format!("{}.part", job.sha256));
                    let expect = Expect {
                        size: Some(job.size),
                        sha256: Some(job.sha256.clone()),
                        max: me.opts.max_file_bytes,
                    };
                    let on_bytes = |n: u64| {
                        let b = bytes_done.fetch_add(n, Ordering::Relaxed) + n;
                        me.progress(
                            Phase::Download,
                            &label,
                            files_done.load(Ordering::Relaxed),
                            files_total,
                            b,
                            bytes_total,
                        );
                    };
                    me.net
                        .download(&job.url, &part, &expect, &on_bytes)
                        .await
                        .map_err(|e| name_file(e, &job.path))?;
                    for d in &job.dests {
                        link_or_copy(&part, d)?;
                    }
                    let f = files_done.fetch_add(1, Ordering::Relaxed) + 1;
                    me.progress(
                        Phase::Download,
                        &label,
                        f,
                        files_total,
                        bytes_done.load(Ordering::Relaxed),
                        bytes_total,
                    );
                }
            });
        }
        let mut first: Option<SyncError> = None;
        while let Some(r) = set.join_next().await {
            let e = match r {
                Ok(Ok(())) => continue,
                Ok(Err(e)) => e,
                Err(j) if j.is_cancelled() => continue,
                Err(j) => SyncError::Config(format!("download task failed: {j}")),
            };
            if first.is_none() {
                set.abort_all();
                first = Some(e);
            }
        }
        match first {
            Some(e) => Err(e),
            None => Ok((
                files_done.load(Ordering::Relaxed),
                bytes_done.load(Ordering::Relaxed),
            )),
        }
    }
}

fn link_or_copy_empty(dest: &Path) -> SyncResult<()> {
    if let Some(p) = dest.parent() {
        std::fs::create_dir_all(p).map_err(|e| SyncError::io(p, e))?;
    }
    std::fs::write(dest, b"").map_err(|e| SyncError::io(dest, e))
}

/// Adds the manifest path to errors that only name a URL.
fn name_file(e: SyncError, path: &str) -> SyncError {
    match e {
        SyncError::Hash {
            url,
            expected,
            found,
        } => SyncError::Hash {
            url: format!("{url} ({path})"),
            expected,
            found,
        },
        SyncError::Truncated { url, got, expected } => SyncError::Truncated {
            url: format!("{url} ({path})"),
            got,
            expected,
        },
        SyncError::TooLarge { url, message } => SyncError::TooLarge {
            url: format!("{url} ({path})"),
            message,
        },
        e => e,
    }
}
