//! Sync: fetches catalogue sources over HTTP(S) or from local paths, verifies them, and builds
//! and activates a new snapshot atomically through [`Hublot::import`]. See `docs/sync.md`.
//!
//! ```text
//! <data_dir>/cache/sync/<source-key>/
//!   state.json      the source, its URL, the validators (ETag, Last-Modified) and the manifest
//!                   (or archive) hash of the last successful sync
//!   mirror/         the source tree as last synced (what the active snapshot was built from)
//!   next/           staging: the tree being assembled; removed on failure or cancel
//!   mirror.prev/    the old mirror during the import; restored if the import fails
//!   parts/          downloads, `<sha256>.part`: kept when a transfer is interrupted so that the
//!                   next sync resumes it; removed when it cannot be resumed (4xx, wrong hash,
//!                   over its bound) and after a successful sync. An archive's part is never
//!                   resumed (its hash is not known in advance): removed once extracted or failed
//! ```
//!
//! A source is:
//! - a Hublot snapshot published on a web server: its base URL (`<URL>/manifest.json` and the
//!   files the manifest lists, with size and sha256);
//! - an archive (`.tar.gz`, `.tgz`, `.tar`, `.zip`) of a tree the importer reads, by URL or path;
//! - a local directory (or `file://` URL): a snapshot, a schema-snds / synthetic-snds tree or a
//!   Markdown tree, imported in place;
//! - a HealthDCAT-AP catalogue (Turtle, JSON-LD, RDF/XML): by URL, its pages (hydra paging)
//!   are fetched and staged as `healthdcat-pages.json` + `page-NNNN.*`; a local record file is
//!   imported in place.

pub mod archive;
pub mod error;
pub mod http;
pub mod publish;
pub mod sign;

pub use error::{SyncError, SyncResult};
pub use publish::{SnapshotBuildReport, SnapshotBuildRequest};
pub use sign::{KeygenReport, KeygenRequest};

use crate::api::{Hublot, ImportRequest};
use crate::ingest::healthdcat::{self, FetchedPage, PageWalk, WalkError};
use crate::ingest::snapshot_manifest::{is_safe_relative, Manifest};
use crate::store::DataDir;
use http::{Expect, Fetched, Net, Validators};
use reqwest::Url;
use serde::{Deserialize, Serialize};
use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// Setting (user.sqlite) holding the default sources, separated by whitespace.
pub const SETTING_SOURCES: &str = "sync.sources";
/// The sources synced when the `sync.sources` setting was never set: the public repositories of
/// the Health Data Hub's SNDS schemas, synthetic data and documentation, as GitLab archives of
/// their default branch (the addresses the corpus itself gives: `synthetic-snds`'s README links
/// its `-/archive/master/…zip`). Setting `sync.sources` (even to nothing) replaces them.
pub const DEFAULT_SOURCES: &[&str] = &[
    "https://gitlab.com/healthdatahub/schema-snds/-/archive/master/schema-snds-master.tar.gz",
    "https://gitlab.com/healthdatahub/synthetic-snds/-/archive/master/synthetic-snds-master.zip",
    "https://gitlab.com/healthdatahub/documentation-snds/-/archive/master/documentation-snds-master.tar.gz",
];

/// The sources a sync without explicit sources uses (answer of `sync.sources`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncSources {
    /// In order of precedence.
    pub sources: Vec<String>,
    /// True when they are [`DEFAULT_SOURCES`] (the setting was never set).
    pub defaults: bool,
}

/// The sources of a sync without explicit sources, from the user's settings.
pub fn configured_sources(settings: &HashMap<String, String>) -> SyncSources {
    match settings.get(SETTING_SOURCES) {
        Some(v) => SyncSources {
            sources: v.split_whitespace().map(str::to_string).collect(),
            defaults: false,
        },
        None => SyncSources {
            sources: DEFAULT_SOURCES.iter().map(|s| s.to_string()).collect(),
            defaults: true,
        },
    }
}

/// Setting holding the pinned publisher public key (hex).
pub const SETTING_PUBLISHER_KEY: &str = "sync.publisher_key";

/// Tunables of a sync: concurrency, timeouts, retries and limits.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(default)]
pub struct SyncOptions {
    /// Files downloaded at the same time.
    pub concurrency: usize,
    /// Time allowed to connect, in ms.
    pub connect_timeout_ms: u64,
    /// Time allowed without any data (response headers or the next chunk), in ms.
    pub read_timeout_ms: u64,
    /// Retries after the first attempt, for 5xx, 408, 429, network errors, timeouts, short bodies.
    pub retries: u32,
    /// First backoff, in ms; doubled at every retry (capped at 30 s), plus up to 25 % jitter.
    pub backoff_ms: u64,
    /// Redirects followed per request.
    pub max_redirects: usize,
    /// Largest manifest accepted, in bytes.
    pub max_manifest_bytes: u64,
    /// Largest file accepted (and largest archive), in bytes.
    pub max_file_bytes: u64,
    /// Largest snapshot accepted (sum of the manifest's sizes, or an archive once extracted).
    pub max_total_bytes: u64,
    /// Most entries in an archive.
    pub max_archive_files: u64,
    /// Most pages followed in a HealthDCAT-AP collection.
    pub max_pages: usize,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            concurrency: 4,
            connect_timeout_ms: 10_000,
            read_timeout_ms: 30_000,
            retries: 4,
            backoff_ms: 500,
            max_redirects: 5,
            max_manifest_bytes: 64 << 20,
            max_file_bytes: 1 << 30,
            max_total_bytes: 4 << 30,
            max_archive_files: 200_000,
            max_pages: healthdcat::DEFAULT_MAX_PAGES,
        }
    }
}

/// Request of `catalogue.sync`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SyncRequest {
    /// Sources in order of precedence (as for import). Empty: the `sync.sources` setting.
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub sources: Vec<String>,
    /// Publisher public key to pin (hex). Empty: the `sync.publisher_key` setting, if any.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub publisher_key: Option<String>,
    /// Ignore validators and the local mirror: download and rebuild everything.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub force: bool,
    /// Tunables.
    #[serde(default)]
    #[ts(as = "Option<SyncOptions>", optional)]
    pub options: SyncOptions,
}

/// How a sync ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SyncOutcome {
    /// The sources have not changed since the active snapshot was built from them.
    UpToDate,
    /// A new snapshot was built and activated.
    Updated {
        /// Files new in the sources.
        added: u64,
        /// Files gone from the sources.
        removed: u64,
        /// Files whose content changed.
        changed: u64,
        /// Files downloaded.
        downloaded_files: u64,
        /// Bytes downloaded.
        downloaded_bytes: u64,
    },
}

/// What happened to one source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SourceSync {
    /// The source as given.
    pub source: String,
    /// `snapshot`, `archive`, `directory` or `healthdcat`.
    pub kind: String,
    /// False when the source was unchanged.
    pub changed: bool,
    /// Files new in the source.
    pub added: u64,
    /// Files gone.
    pub removed: u64,
    /// Files changed.
    pub changed_files: u64,
    /// Files downloaded.
    pub downloaded_files: u64,
    /// Bytes downloaded.
    pub downloaded_bytes: u64,
    /// True when its manifest's signature was checked against the pinned key.
    pub signature_verified: bool,
}

/// Answer of `catalogue.sync`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct SyncReport {
    /// The outcome.
    #[serde(flatten)]
    pub outcome: SyncOutcome,
    /// The active snapshot after the sync.
    pub snapshot: String,
    /// Per source.
    pub sources: Vec<SourceSync>,
    /// HTTP requests sent (attempts and redirect hops included).
    pub requests: u64,
    /// Something worth saying (e.g. a snapshot made active again).
    pub note: Option<String>,
    /// Time spent fetching and verifying (manifests, downloads, extraction), ms.
    pub fetch_ms: u64,
    /// Time spent building and activating the snapshot, ms (0 when nothing was built).
    pub build_ms: u64,
    /// Time taken in total, ms.
    pub took_ms: u64,
}

impl std::fmt::Display for SyncOutcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyncOutcome::UpToDate => write!(f, "up to date"),
            SyncOutcome::Updated {
                added,
                removed,
                changed,
                ..
            } => write!(f, "updated: +{added} \u{2212}{removed} ~{changed}"),
        }
    }
}

/// Phases reported by progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Fetching a manifest (or an archive's headers).
    Manifest,
    /// Downloading files.
    Download,
    /// Extracting an archive.
    Extract,
    /// Building the snapshot (store + index).
    Build,
    /// Finished.
    Done,
}

/// A progress report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Progress {
    /// Phase.
    pub phase: Phase,
    /// The source being worked on.
    pub source: String,
    /// Files finished in this source.
    pub files_done: u64,
    /// Files to fetch in this source.
    pub files_total: u64,
    /// Bytes received.
    pub bytes_done: u64,
    /// Bytes to fetch.
    pub bytes_total: u64,
}

/// Progress callback type.
pub type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;

/// Progress reporting and cancellation of a running sync.
#[derive(Clone, Default)]
pub struct SyncControl {
    /// Called from the sync's threads.
    pub progress: Option<ProgressFn>,
    /// Set to true to cancel: the sync stops at the next chunk, removes its staging
    /// directories (keeping `.part` files for resume) and returns [`SyncError::Cancelled`].
    pub cancel: Arc<AtomicBool>,
}

impl SyncControl {
    fn report(&self, p: Progress) {
        if let Some(f) = &self.progress {
            f(&p);
        }
    }
}

/// What `state.json` remembers of a source.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SourceState {
    /// The source as given.
    pub source: String,
    /// The URL fetched (manifest or archive).
    pub url: String,
    /// `ETag` of the last successful fetch.
    pub etag: Option<String>,
    /// `Last-Modified` of the last successful fetch.
    pub last_modified: Option<String>,
    /// SHA-256 of the manifest (or archive) bytes synced.
    pub sha256: String,
    /// When (RFC 3339).
    pub synced_at: String,
}

/// A parsed source.
#[derive(Debug, Clone)]
enum Source {
    Snapshot(Url),
    RemoteArchive(Url),
    LocalArchive(PathBuf),
    LocalDir(PathBuf),
    /// The first page of a HealthDCAT-AP catalogue served over HTTP(S).
    HealthDcat(Url),
    /// A HealthDCAT-AP record file, imported in place like a directory.
    LocalRecord(PathBuf),
}

/// Prefix that makes any URL a HealthDCAT-AP source (`healthdcat+https://host/api/catalog`),
/// for catalogues served without an RDF extension in the path.
pub const HEALTHDCAT_PREFIX: &str = "healthdcat+";

/// True when a URL path names an RDF document by its extension: whatever
/// [`healthdcat::RdfFormat::from_path`] accepts (`.ttl`, `.turtle`, `.jsonld`, `.rdf`, `.xml`,
/// `.owl`) except `.json`, which is too common (manifests, Table Schemas) to mean RDF by itself.
fn is_rdf_url_path(path: &str) -> bool {
    let p = Path::new(path);
    !path.ends_with('/')
        && healthdcat::RdfFormat::from_path(p).is_some()
        && !p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn parse_source(s: &str) -> SyncResult<Source> {
    let s = s.trim();
    if let Some(rest) = s.strip_prefix(HEALTHDCAT_PREFIX) {
        let mut url =
            Url::parse(rest).map_err(|e| SyncError::Config(format!("{s}: not a URL: {e}")))?;
        if url.scheme() == "file" {
            let p = url
                .to_file_path()
                .map_err(|_| SyncError::Config(format!("{s}: not a local file URL")))?;
            return match parse_local(p)? {
                r @ Source::LocalRecord(_) => Ok(r),
                _ => Err(SyncError::Config(format!(
                    "{s}: not a HealthDCAT-AP file (.ttl, .jsonld, .rdf, or .json with an @context)"
                ))),
            };
        }
        http::check_url(&url)?;
        url.set_fragment(None);
        return Ok(Source::HealthDcat(url));
    }
    if s.contains("://") {
        let url = Url::parse(s).map_err(|e| SyncError::Config(format!("{s}: not a URL: {e}")))?;
        if url.scheme() == "file" {
            let p = url
                .to_file_path()
                .map_err(|_| SyncError::Config(format!("{s}: not a local file URL")))?;
            return parse_local(p);
        }
        http::check_url(&url)?;
        if archive::kind_from_name(url.path()).is_some() {
            return Ok(Source::RemoteArchive(url));
        }
        if is_rdf_url_path(url.path()) {
            // The query stays: CKAN pages are `/catalog.ttl?page=N`.
            let mut url = url;
            url.set_fragment(None);
            return Ok(Source::HealthDcat(url));
        }
        let mut base = url;
        if base.path().ends_with("/manifest.json") {
            base.path_segments_mut().expect("http URL").pop();
        }
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        base.set_query(None);
        base.set_fragment(None);
        return Ok(Source::Snapshot(base));
    }
    parse_local(PathBuf::from(s))
}

fn parse_local(p: PathBuf) -> SyncResult<Source> {
    if p.is_dir() {
        Ok(Source::LocalDir(p))
    } else if p.is_file() && archive::kind_from_name(&p.to_string_lossy()).is_some() {
        Ok(Source::LocalArchive(p))
    } else if healthdcat::is_healthdcat_file(&p) {
        Ok(Source::LocalRecord(p))
    } else if p.exists() {
        Err(SyncError::Config(format!(
            "{}: not a directory, a .tar.gz/.tgz/.tar/.zip archive nor a HealthDCAT-AP file (.ttl, .jsonld, .rdf)",
            p.display()
        )))
    } else {
        Err(SyncError::Config(format!(
            "{}: no such file or directory",
            p.display()
        )))
    }
}

/// A URL of `path` (relative, `/`-separated) under the base URL `base`.
fn file_url(base: &Url, path: &str) -> Url {
    let mut u = base.clone();
    u.path_segments_mut()
        .expect("http URL")
        .pop_if_empty()
        .extend(path.split('/'));
    u
}

/// One source after the fetch phase.
struct Fetch {
    /// Where the tree is now (the mirror, or the local directory).
    tree: PathBuf,
    /// The cache directory of the source, when it has one.
    dir: Option<PathBuf>,
    /// True when `dir/next` holds a new tree to swap in.
    staged: bool,
    /// State to write after a successful sync.
    state: Option<SourceState>,
    report: SourceSync,
}

struct Shared {
    net: Net,
    opts: SyncOptions,
    control: SyncControl,
    key: Option<ed25519_dalek::VerifyingKey>,
    force: bool,
}

fn read_state(dir: &Path) -> SourceState {
    std::fs::read(dir.join("state.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn write_state(dir: &Path, st: &SourceState) -> SyncResult<()> {
    let p = dir.join("state.json");
    let tmp = dir.join(".state.json.tmp");
    std::fs::write(
        &tmp,
        serde_json::to_vec_pretty(st).expect("state serialises"),
    )
    .map_err(|e| SyncError::io(&tmp, e))?;
    std::fs::rename(&tmp, &p).map_err(|e| SyncError::io(&p, e))
}

fn remove_dir(p: &Path) -> SyncResult<()> {
    match std::fs::remove_dir_all(p) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(SyncError::io(p, e)),
    }
}

/// Puts a source directory back in a consistent state after a crash: a `mirror.prev` means an
/// import was under way, so the old mirror is restored (the next sync redoes the work).
fn recover(dir: &Path) -> SyncResult<()> {
    let prev = dir.join("mirror.prev");
    if prev.is_dir() {
        remove_dir(&dir.join("mirror"))?;
        std::fs::rename(&prev, dir.join("mirror")).map_err(|e| SyncError::io(&prev, e))?;
    }
    remove_dir(&dir.join("next"))?;
    remove_dir(&dir.join("next.extract"))?;
    Ok(())
}

fn link_or_copy(from: &Path, to: &Path) -> SyncResult<()> {
    if let Some(p) = to.parent() {
        std::fs::create_dir_all(p).map_err(|e| SyncError::io(p, e))?;
    }
    if std::fs::hard_link(from, to).is_ok() {
        return Ok(());
    }
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| SyncError::io(to, e))
}

/// The cache key of a source: the normalised URL (`…/snap`, `…/snap/` and
/// `…/snap/manifest.json` share one cache), else the string as given.
fn source_key(s: &str) -> String {
    let norm = match parse_source(s) {
        Ok(Source::Snapshot(u)) | Ok(Source::RemoteArchive(u)) | Ok(Source::HealthDcat(u)) => {
            u.to_string()
        }
        _ => s.trim().to_string(),
    };
    http::sha256_bytes(norm.as_bytes())[..16].to_string()
}

const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// A catalogue page as the server answered it.
struct Served {
    bytes: Vec<u8>,
    /// The URL that answered (after redirects).
    url: Url,
    content_type: Option<String>,
}

/// A `304` to a request that carried no validators: a broken server or proxy, never "unchanged".
fn not_modified_unasked(url: &Url) -> SyncError {
    SyncError::Catalogue {
        url: url.to_string(),
        message: "HTTP 304 Not Modified to a request without validators".into(),
    }
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
    fn progress(&self, phase: Phase, source: &str, fd: u64, ft: u64, bd: u64, bt: u64) {
        self.control.report(Progress {
            phase,
            source: source.into(),
            files_done: fd,
            files_total: ft,
            bytes_done: bd,
            bytes_total: bt,
        });
    }

    async fn fetch(self: &Arc<Self>, label: &str, src: &Source, dir: &Path) -> SyncResult<Fetch> {
        match src {
            Source::LocalDir(p) => {
                let mut verified = false;
                if let (Some(k), true) = (&self.key, p.join("manifest.json").is_file()) {
                    let m = Manifest::read(p)?;
                    sign::verify_manifest(&m, k, &p.join("manifest.json").display().to_string())?;
                    verified = true;
                }
                Ok(Fetch {
                    tree: p.clone(),
                    dir: None,
                    staged: false,
                    state: None,
                    report: SourceSync {
                        source: label.into(),
                        kind: "directory".into(),
                        signature_verified: verified,
                        ..Default::default()
                    },
                })
            }
            Source::LocalRecord(p) => Ok(Fetch {
                tree: p.clone(),
                dir: None,
                staged: false,
                state: None,
                report: SourceSync {
                    source: label.into(),
                    kind: "healthdcat".into(),
                    ..Default::default()
                },
            }),
            Source::Snapshot(base) => self.fetch_snapshot(label, base, dir).await,
            Source::HealthDcat(url) => self.fetch_healthdcat(label, url, dir).await,
            Source::RemoteArchive(_) | Source::LocalArchive(_) => {
                self.fetch_archive(label, src, dir).await
            }
        }
    }

    async fn fetch_snapshot(
        self: &Arc<Self>,
        label: &str,
        base: &Url,
        dir: &Path,
    ) -> SyncResult<Fetch> {
        let mirror = dir.join("mirror");
        let next = dir.join("next");
        let parts = dir.join("parts");
        let murl = file_url(base, "manifest.json");
        let state = read_state(dir);
        let have_mirror = mirror.join("manifest.json").is_file();
        // With a pinned key, a mirror is trusted (and a 304 accepted) only if its manifest is
        // signed by that key: pinning a key after an unsigned sync forces a full check.
        let mirror_ok = match &self.key {
            None => true,
            Some(k) => Manifest::read(&mirror)
                .ok()
                .is_some_and(|m| sign::verify_manifest(&m, k, "mirror").is_ok()),
        };
        let usable = !self.force && have_mirror && mirror_ok && state.url == murl.as_str();
        let validators = if usable {
            Validators {
                etag: state.etag.clone(),
                last_modified: state.last_modified.clone(),
            }
        } else {
            Validators::default()
        };
        let mut report = SourceSync {
            source: label.into(),
            kind: "snapshot".into(),
            ..Default::default()
        };
        self.progress(Phase::Manifest, label, 0, 0, 0, 0);
        let unchanged = |state: Option<SourceState>, report: SourceSync| Fetch {
            tree: mirror.clone(),
            dir: Some(dir.into()),
            staged: false,
            state,
            report,
        };
        let (bytes, validators) = match self
            .net
            .fetch_small(&murl, &validators, self.opts.max_manifest_bytes)
            .await?
        {
            Fetched::NotModified if !usable => {
                return Err(SyncError::Manifest {
                    url: murl.to_string(),
                    message: "HTTP 304 Not Modified to a request without validators".into(),
                })
            }
            Fetched::NotModified => {
                report.signature_verified = self.key.is_some();
                return Ok(unchanged(None, report));
            }
            Fetched::Body {
                bytes, validators, ..
            } => (bytes, validators),
        };
        let msha = http::sha256_bytes(&bytes);
        let new_state = SourceState {
            source: label.into(),
            url: murl.to_string(),
            etag: validators.etag,
            last_modified: validators.last_modified,
            sha256: msha.clone(),
            synced_at: crate::now_rfc3339(),
        };
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
        if usable && msha == state.sha256 {
            remove_dir(&next)?;
            return Ok(unchanged(Some(new_state), report));
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
        report.changed = true;
        Ok(Fetch {
            tree: mirror,
            dir: Some(dir.into()),
            staged: true,
            state: Some(new_state),
            report,
        })
    }

    /// A HealthDCAT-AP catalogue: its first page, conditionally; only when that page changed,
    /// every page it leads to, staged in `next/` as [`healthdcat::write_pages`] lays them out
    /// (the import reads that directory back with [`healthdcat::read_dir`]).
    async fn fetch_healthdcat(
        self: &Arc<Self>,
        label: &str,
        start: &Url,
        dir: &Path,
    ) -> SyncResult<Fetch> {
        let mirror = dir.join("mirror");
        let next = dir.join("next");
        let state = read_state(dir);
        let usable =
            !self.force && healthdcat::is_healthdcat_dir(&mirror) && state.url == start.as_str();
        let validators = if usable {
            Validators {
                etag: state.etag.clone(),
                last_modified: state.last_modified.clone(),
            }
        } else {
            Validators::default()
        };
        let mut report = SourceSync {
            source: label.into(),
            kind: "healthdcat".into(),
            ..Default::default()
        };
        let unchanged = |state: Option<SourceState>, report: SourceSync| Fetch {
            tree: mirror.clone(),
            dir: Some(dir.into()),
            staged: false,
            state,
            report,
        };
        self.progress(Phase::Manifest, label, 0, 0, 0, 0);
        let (first, validators) = match self
            .net
            .fetch_small(start, &validators, self.opts.max_manifest_bytes)
            .await?
        {
            Fetched::NotModified if !usable => return Err(not_modified_unasked(start)),
            Fetched::NotModified => return Ok(unchanged(None, report)),
            Fetched::Body {
                bytes,
                validators,
                url,
                content_type,
            } => (
                Served {
                    bytes,
                    url,
                    content_type,
                },
                validators,
            ),
        };
        let sha = http::sha256_bytes(&first.bytes);
        let new_state = SourceState {
            source: label.into(),
            url: start.to_string(),
            etag: validators.etag,
            last_modified: validators.last_modified,
            sha256: sha.clone(),
            synced_at: crate::now_rfc3339(),
        };
        // Only the first page is compared: the others are not even requested when it is the
        // same (a catalogue that changes only on a later page is seen when page 1 changes).
        if usable && sha == state.sha256 {
            return Ok(unchanged(Some(new_state), report));
        }
        let pages = self.walk_pages(label, start, first).await?;
        healthdcat::write_pages(&next, &pages)?;
        let mut new = listing(&next)?;
        let mut old = if self.force {
            HashMap::new()
        } else {
            listing(&mirror)?
        };
        // The page list is bookkeeping: the counts are of pages.
        new.remove(healthdcat::PAGES_FILE);
        old.remove(healthdcat::PAGES_FILE);
        count_changes(&mut report, &new, &old);
        report.downloaded_files = pages.len() as u64;
        report.downloaded_bytes = pages.iter().map(|p| p.bytes.len() as u64).sum();
        report.changed = true;
        Ok(Fetch {
            tree: mirror,
            dir: Some(dir.into()),
            staged: true,
            state: Some(new_state),
            report,
        })
    }

    /// Follows a collection from its first page (already fetched) with the one page walker,
    /// [`healthdcat::PageWalk`]: every page is parsed as it arrives, so that a bad page fails the
    /// sync with its URL before anything is staged; a loop, more than `max_pages` pages, more
    /// than `max_total_bytes` in all, or no `dcat:Dataset` at all is an error. Every next-page
    /// URL also goes through the transport rules.
    async fn walk_pages(
        self: &Arc<Self>,
        label: &str,
        start: &Url,
        first: Served,
    ) -> SyncResult<Vec<FetchedPage>> {
        let mut walk = PageWalk::new(
            start.as_str(),
            self.opts.max_pages,
            self.opts.max_total_bytes,
        );
        let mut served = Some(first);
        let mut url = start.clone();
        loop {
            let page = match served.take() {
                Some(p) => p,
                None => match self
                    .net
                    .fetch_small(&url, &Validators::default(), self.opts.max_manifest_bytes)
                    .await?
                {
                    Fetched::NotModified => return Err(not_modified_unasked(&url)),
                    Fetched::Body {
                        bytes,
                        url,
                        content_type,
                        ..
                    } => Served {
                        bytes,
                        url,
                        content_type,
                    },
                },
            };
            let here = page.url.to_string();
            let next = walk
                .add(&here, page.content_type.as_deref(), page.bytes)
                .map_err(walk_error)?;
            let n = walk.pages().len() as u64;
            self.progress(
                Phase::Download,
                label,
                n,
                n + u64::from(next.is_some()),
                walk.bytes(),
                0,
            );
            let Some(next) = next else { break };
            url = Url::parse(&next).map_err(|e| SyncError::Catalogue {
                url: here.clone(),
                message: format!("the next page `{next}` is not a URL: {e}"),
            })?;
            // Checked here too (the request would refuse it) to say which page pointed there.
            http::check_url(&url).map_err(|e| match e {
                SyncError::Refused { url, message } => SyncError::Refused {
                    url,
                    message: format!("{message} (the next page announced by {here})"),
                },
                e => e,
            })?;
        }
        walk.finish().map_err(walk_error)
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

    async fn fetch_archive(
        self: &Arc<Self>,
        label: &str,
        src: &Source,
        dir: &Path,
    ) -> SyncResult<Fetch> {
        let mirror = dir.join("mirror");
        let next = dir.join("next");
        let state = read_state(dir);
        let have_mirror = mirror.is_dir();
        let mut report = SourceSync {
            source: label.into(),
            kind: "archive".into(),
            ..Default::default()
        };
        let unchanged = |state: Option<SourceState>, report: SourceSync| Fetch {
            tree: mirror.clone(),
            dir: Some(dir.into()),
            staged: false,
            state,
            report,
        };
        self.progress(Phase::Manifest, label, 0, 1, 0, 0);
        let (archive_path, url, validators) = match src {
            Source::RemoteArchive(url) => {
                let usable = !self.force && have_mirror && state.url == url.as_str();
                let cond = if usable {
                    Validators {
                        etag: state.etag.clone(),
                        last_modified: state.last_modified.clone(),
                    }
                } else {
                    Validators::default()
                };
                let parts = dir.join("parts");
                std::fs::create_dir_all(&parts).map_err(|e| SyncError::io(&parts, e))?;
                let part = parts.join("archive.part");
                let expect = Expect {
                    size: None,
                    sha256: None,
                    max: self.opts.max_file_bytes,
                };
                let done = AtomicU64::new(0);
                let on_bytes = |n: u64| {
                    let b = done.fetch_add(n, Ordering::Relaxed) + n;
                    self.progress(Phase::Download, label, 0, 1, b, 0);
                };
                match self
                    .net
                    .download_conditional(url, &part, &expect, &cond, &on_bytes)
                    .await?
                {
                    None => return Ok(unchanged(None, report)),
                    Some(v) => {
                        report.downloaded_files = 1;
                        report.downloaded_bytes = done.load(Ordering::Relaxed);
                        (part, url.to_string(), v)
                    }
                }
            }
            Source::LocalArchive(p) => (p.clone(), p.display().to_string(), Validators::default()),
            _ => unreachable!("only archives"),
        };
        // A downloaded archive is never resumed (its size and hash are not known in advance):
        // once extracted, or if anything fails, its part file is of no use.
        let drop_part = || {
            if matches!(src, Source::RemoteArchive(_)) {
                let _ = std::fs::remove_file(&archive_path);
            }
        };
        let sha = http::sha256_file(&archive_path).inspect_err(|_| drop_part())?;
        let new_state = SourceState {
            source: label.into(),
            url,
            etag: validators.etag,
            last_modified: validators.last_modified,
            sha256: sha.clone(),
            synced_at: crate::now_rfc3339(),
        };
        if !self.force && have_mirror && sha == state.sha256 {
            drop_part();
            return Ok(unchanged(Some(new_state), report));
        }
        self.progress(Phase::Extract, label, 0, 1, 0, 0);
        let tmp = dir.join("next.extract");
        remove_dir(&tmp)?;
        let limits = archive::ExtractLimits {
            max_files: self.opts.max_archive_files,
            max_bytes: self.opts.max_total_bytes,
        };
        let ap = archive_path.clone();
        let tmp2 = tmp.clone();
        let r = tokio::task::spawn_blocking(move || archive::extract(&ap, &tmp2, limits)).await;
        drop_part();
        let r = r.map_err(|e| SyncError::Config(format!("extraction task failed: {e}")))?;
        let rep = match r {
            Ok(r) => r,
            Err(e) => {
                let _ = remove_dir(&tmp);
                return Err(e);
            }
        };
        std::fs::rename(&rep.root, &next).map_err(|e| SyncError::io(&next, e))?;
        remove_dir(&tmp)?;
        let new = listing(&next)?;
        let old = if self.force {
            HashMap::new()
        } else {
            listing(&mirror)?
        };
        count_changes(&mut report, &new, &old);
        report.changed = true;
        Ok(Fetch {
            tree: mirror,
            dir: Some(dir.into()),
            staged: true,
            state: Some(new_state),
            report,
        })
    }
}

/// Every file under `root` (relative path → SHA-256), to count changes against the mirror.
fn listing(root: &Path) -> SyncResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    if !root.is_dir() {
        return Ok(out);
    }
    for e in walkdir::WalkDir::new(root) {
        let e = e.map_err(|e| SyncError::io(root, e.into()))?;
        if e.file_type().is_file() {
            out.insert(
                crate::ingest::snapshot_manifest::rel_path(root, e.path()),
                http::sha256_file(e.path())?,
            );
        }
    }
    Ok(out)
}

/// Added / changed / removed files between two listings, by path and content.
fn count_changes(
    report: &mut SourceSync,
    new: &HashMap<String, String>,
    old: &HashMap<String, String>,
) {
    for (p, h) in new {
        match old.get(p) {
            None => report.added += 1,
            Some(o) if o != h => report.changed_files += 1,
            _ => {}
        }
    }
    report.removed = old.keys().filter(|p| !new.contains_key(*p)).count() as u64;
}

/// A page walk's error as a sync error naming the page (or the collection's first page).
fn walk_error(e: WalkError) -> SyncError {
    match e {
        WalkError::Page { url, error } => SyncError::Catalogue {
            url,
            message: describe(error),
        },
        WalkError::TooLarge { url, message } => SyncError::TooLarge { url, message },
        WalkError::Collection { url, message } => SyncError::Catalogue { url, message },
    }
}

/// A reader error without the file name the caller already gives (the URL).
fn describe(e: crate::Error) -> String {
    match e {
        crate::Error::Json {
            line,
            column,
            message,
            ..
        } => format!("line {line}, column {column}: {message}"),
        crate::Error::Field { field, message, .. } => format!("field `{field}`: {message}"),
        crate::Error::Snapshot { message, .. } => message,
        e => e.to_string(),
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

impl Hublot {
    /// `catalogue.sync`: fetches the sources, verifies them, builds a new snapshot and activates
    /// it; or answers "up to date". On any error the active snapshot is unchanged.
    pub fn sync(&self, req: &SyncRequest) -> SyncResult<SyncReport> {
        self.sync_with(req, &SyncControl::default())
    }

    /// [`Hublot::sync`] with progress reporting and cancellation.
    pub fn sync_with(&self, req: &SyncRequest, control: &SyncControl) -> SyncResult<SyncReport> {
        let start = std::time::Instant::now();
        let settings: HashMap<String, String> = self.settings()?.into_iter().collect();
        let sources: Vec<String> = if req.sources.is_empty() {
            configured_sources(&settings).sources
        } else {
            req.sources.clone()
        };
        if sources.is_empty() {
            return Err(SyncError::Config(format!(
                "no source to sync: give one (a snapshot URL, an archive, a directory, a HealthDCAT-AP catalogue) or set the `{SETTING_SOURCES}` setting"
            )));
        }
        let key_text = req
            .publisher_key
            .clone()
            .filter(|k| !k.trim().is_empty())
            .or_else(|| {
                settings
                    .get(SETTING_PUBLISHER_KEY)
                    .filter(|k| !k.trim().is_empty())
                    .cloned()
            });
        let key = key_text
            .as_deref()
            .map(sign::parse_public_key)
            .transpose()?;
        let parsed: Vec<Source> = sources
            .iter()
            .map(|s| parse_source(s))
            .collect::<SyncResult<_>>()?;
        // One writer per data directory: two syncs would share the sources' cache directories
        // (`next/`, `parts/`), and an import would race the activation. The import at the end
        // runs on this thread, under the same lock.
        let _lock = self.write_lock()?;
        let root = self.data_dir().join("cache").join("sync");
        let dirs: Vec<PathBuf> = sources.iter().map(|s| root.join(source_key(s))).collect();
        for (d, s) in dirs.iter().zip(&parsed) {
            if !matches!(s, Source::LocalDir(_) | Source::LocalRecord(_)) {
                std::fs::create_dir_all(d).map_err(|e| SyncError::io(d, e))?;
                recover(d)?;
            }
        }
        let cleanup = |dirs: &[PathBuf]| {
            for d in dirs {
                let _ = remove_dir(&d.join("next"));
                let _ = remove_dir(&d.join("next.extract"));
            }
        };
        let shared = Arc::new(Shared {
            net: Net::new(&req.options, control.cancel.clone())?,
            opts: req.options.clone(),
            control: control.clone(),
            key,
            force: req.force,
        });
        // The network part runs on its own thread and runtime, so that this method can be
        // called from anywhere (including from inside another runtime's blocking task).
        let fetched = std::thread::scope(|s| {
            s.spawn(|| -> SyncResult<Vec<Fetch>> {
                let rt = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .map_err(|e| SyncError::Config(format!("async runtime: {e}")))?;
                rt.block_on(async {
                    let mut out = Vec::new();
                    for ((label, src), dir) in sources.iter().zip(&parsed).zip(&dirs) {
                        out.push(shared.fetch(label, src, dir).await?);
                    }
                    Ok(out)
                })
            })
            .join()
            .unwrap_or_else(|_| Err(SyncError::Config("the sync thread panicked".into())))
        });
        let requests = shared.net.requests.load(Ordering::Relaxed);
        let fetch_ms = start.elapsed().as_millis() as u64;
        let fetched = match fetched {
            Ok(f) => f,
            Err(e) => {
                cleanup(&dirs);
                return Err(e);
            }
        };
        if control.cancel.load(Ordering::Relaxed) {
            cleanup(&dirs);
            return Err(SyncError::Cancelled);
        }
        let reports: Vec<SourceSync> = fetched.iter().map(|f| f.report.clone()).collect();
        let paths: Vec<PathBuf> = fetched.iter().map(|f| f.tree.clone()).collect();
        let finish = |fetched: &[Fetch]| -> SyncResult<()> {
            for f in fetched {
                if let (Some(d), Some(st)) = (&f.dir, &f.state) {
                    remove_dir(&d.join("mirror.prev"))?;
                    remove_dir(&d.join("parts"))?;
                    write_state(d, st)?;
                }
            }
            Ok(())
        };
        let data = DataDir::new(self.data_dir())?;
        let any_staged = fetched.iter().any(|f| f.staged);
        if !any_staged && !req.force {
            let fp = crate::build::fingerprint(&paths)?;
            let active = self.snapshot()?;
            let mut note = None;
            if active.fingerprint != fp {
                let prev = data
                    .previous()
                    .and_then(|p| crate::build::SnapshotInfo::read(&data.snapshot(&p)).ok())
                    .filter(|i| i.fingerprint == fp && i.is_current_format());
                if let Some(prev) = prev {
                    self.rollback()?;
                    note = Some(format!(
                        "snapshot {} (built from these sources) is active again",
                        prev.id
                    ));
                } else {
                    control.report(progress_build(&sources));
                    let r = self.import(&ImportRequest {
                        paths: paths.clone(),
                        force: false,
                    })?;
                    note = Some(format!(
                        "the sources are unchanged; snapshot {} rebuilt from them",
                        r.snapshot
                    ));
                }
            }
            finish(&fetched)?;
            let build_ms = start.elapsed().as_millis() as u64 - fetch_ms;
            control.report(Progress {
                phase: Phase::Done,
                source: String::new(),
                files_done: 0,
                files_total: 0,
                bytes_done: 0,
                bytes_total: 0,
            });
            return Ok(SyncReport {
                outcome: SyncOutcome::UpToDate,
                snapshot: self.snapshot()?.id,
                sources: reports,
                requests,
                note,
                fetch_ms,
                build_ms,
                took_ms: start.elapsed().as_millis() as u64,
            });
        }
        // Swap every staged tree in, keeping the old mirrors until the import succeeded.
        let mut swapped: Vec<&Path> = Vec::new();
        let swap = (|| -> SyncResult<()> {
            for f in fetched.iter().filter(|f| f.staged) {
                let d = f.dir.as_deref().expect("staged sources have a dir");
                let (mirror, prev) = (d.join("mirror"), d.join("mirror.prev"));
                remove_dir(&prev)?;
                if mirror.exists() {
                    std::fs::rename(&mirror, &prev).map_err(|e| SyncError::io(&mirror, e))?;
                }
                swapped.push(d);
                std::fs::rename(d.join("next"), &mirror).map_err(|e| SyncError::io(&mirror, e))?;
            }
            Ok(())
        })();
        let imported = swap.and_then(|()| {
            control.report(progress_build(&sources));
            self.import(&ImportRequest {
                paths: paths.clone(),
                force: true,
            })
            .map_err(SyncError::from)
        });
        let imported = match imported {
            Ok(r) => r,
            Err(e) => {
                for d in swapped {
                    let _ = recover(d);
                }
                cleanup(&dirs);
                return Err(e);
            }
        };
        finish(&fetched)?;
        let build_ms = start.elapsed().as_millis() as u64 - fetch_ms;
        let sum = |f: fn(&SourceSync) -> u64| reports.iter().map(f).sum::<u64>();
        control.report(Progress {
            phase: Phase::Done,
            source: String::new(),
            files_done: 0,
            files_total: 0,
            bytes_done: 0,
            bytes_total: 0,
        });
        Ok(SyncReport {
            outcome: SyncOutcome::Updated {
                added: sum(|r| r.added),
                removed: sum(|r| r.removed),
                changed: sum(|r| r.changed_files),
                downloaded_files: sum(|r| r.downloaded_files),
                downloaded_bytes: sum(|r| r.downloaded_bytes),
            },
            snapshot: imported.snapshot,
            sources: reports,
            requests,
            note: None,
            fetch_ms,
            build_ms,
            took_ms: start.elapsed().as_millis() as u64,
        })
    }

    /// `sync.status`: what `state.json` remembers of each configured (or given) source.
    pub fn sync_status(&self, sources: &[String]) -> SyncResult<Vec<SourceState>> {
        let sources: Vec<String> = if sources.is_empty() {
            self.settings()?
                .into_iter()
                .find(|(k, _)| k == SETTING_SOURCES)
                .map(|(_, v)| v.split_whitespace().map(str::to_string).collect())
                .unwrap_or_default()
        } else {
            sources.to_vec()
        };
        let root = self.data_dir().join("cache").join("sync");
        Ok(sources
            .iter()
            .map(|s| {
                let st = read_state(&root.join(source_key(s)));
                SourceState {
                    source: s.clone(),
                    ..st
                }
            })
            .collect())
    }

    /// `snapshot.build`: makes a publishable snapshot directory from sources.
    pub fn snapshot_build(&self, req: &SnapshotBuildRequest) -> SyncResult<SnapshotBuildReport> {
        publish::build_snapshot(req)
    }

    /// `snapshot.keygen`: makes an ed25519 key pair for signing snapshots.
    pub fn keygen(&self, req: &KeygenRequest) -> SyncResult<KeygenReport> {
        sign::keygen(req)
    }
}

fn progress_build(sources: &[String]) -> Progress {
    Progress {
        phase: Phase::Build,
        source: sources.join(" "),
        files_done: 0,
        files_total: 0,
        bytes_done: 0,
        bytes_total: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_classified() {
        match parse_source("http://127.0.0.1:9/pub/snap").unwrap() {
            Source::Snapshot(u) => assert_eq!(u.as_str(), "http://127.0.0.1:9/pub/snap/"),
            s => panic!("{s:?}"),
        }
        match parse_source("https://h.example/snap/manifest.json").unwrap() {
            Source::Snapshot(u) => assert_eq!(u.as_str(), "https://h.example/snap/"),
            s => panic!("{s:?}"),
        }
        assert!(matches!(
            parse_source("https://h.example/a.tar.gz").unwrap(),
            Source::RemoteArchive(_)
        ));
        assert!(parse_source("http://example.org/snap").is_err());
        let u = file_url(
            &Url::parse("http://127.0.0.1/s/").unwrap(),
            "schemas/Causes de décès/A#B.json",
        );
        assert_eq!(
            u.as_str(),
            "http://127.0.0.1/s/schemas/Causes%20de%20d%C3%A9c%C3%A8s/A%23B.json"
        );
    }

    #[test]
    fn healthdcat_sources_are_classified() {
        let hd = |s: &str| match parse_source(s).unwrap() {
            Source::HealthDcat(u) => u.to_string(),
            s => panic!("{s:?}"),
        };
        // An RDF extension, query kept (CKAN pages), fragment dropped.
        assert_eq!(
            hd("https://h.example/catalog.ttl?page=1#x"),
            "https://h.example/catalog.ttl?page=1"
        );
        assert_eq!(
            hd("http://127.0.0.1:9/c.jsonld"),
            "http://127.0.0.1:9/c.jsonld"
        );
        assert_eq!(hd("https://h.example/c.RDF"), "https://h.example/c.RDF");
        // The prefix, for URLs without an RDF extension; same cache as without it.
        assert_eq!(
            hd("healthdcat+https://h.example/api/catalogue"),
            "https://h.example/api/catalogue"
        );
        assert_eq!(
            source_key("healthdcat+https://h.example/c.ttl?page=1"),
            source_key("https://h.example/c.ttl?page=1")
        );
        // `.json` alone is not RDF; a trailing slash is a directory.
        assert!(matches!(
            parse_source("https://h.example/data.json").unwrap(),
            Source::Snapshot(_)
        ));
        assert!(matches!(
            parse_source("https://h.example/c.ttl/").unwrap(),
            Source::Snapshot(_)
        ));
        // The transport rules apply to the prefixed form too.
        assert!(matches!(
            parse_source("healthdcat+http://example.org/c"),
            Err(SyncError::Refused { .. })
        ));
        assert!(parse_source("healthdcat+ftp://127.0.0.1/c").is_err());
        // A local record is imported in place; a local file of another kind is refused.
        let dir = tempfile::tempdir().unwrap();
        let ttl = dir.path().join("r.ttl");
        std::fs::write(&ttl, "").unwrap();
        assert!(matches!(
            parse_source(&ttl.display().to_string()).unwrap(),
            Source::LocalRecord(_)
        ));
        let url = Url::from_file_path(&ttl).unwrap();
        assert!(matches!(
            parse_source(&format!("healthdcat+{url}")).unwrap(),
            Source::LocalRecord(_)
        ));
        let txt = dir.path().join("r.txt");
        std::fs::write(&txt, "").unwrap();
        assert!(parse_source(&txt.display().to_string()).is_err());
        let dir_url = Url::from_directory_path(dir.path()).unwrap();
        assert!(parse_source(&format!("healthdcat+{dir_url}")).is_err());
    }

    #[test]
    fn outcome_display() {
        assert_eq!(SyncOutcome::UpToDate.to_string(), "up to date");
        let u = SyncOutcome::Updated {
            added: 1,
            removed: 2,
            changed: 3,
            downloaded_files: 4,
            downloaded_bytes: 5,
        };
        assert_eq!(u.to_string(), "updated: +1 \u{2212}2 ~3");
    }
}
