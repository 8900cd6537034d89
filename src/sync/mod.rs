//! Sync: fetches catalogue sources over HTTP(S) or from local paths, verifies them and stages
//! them, nothing more: [`fetch`] gives a [`FetchSet`] (the trees to import, what changed) and the
//! api (`Hublot::sync`, in `src/api/sync.rs`) decides what to import, activates the new snapshot
//! or rolls back, then tells the set to [`FetchSet::commit`] or [`FetchSet::restore`]. See
//! `docs/sync.md`.
//!
//! ```text
//! <data_dir>/cache/sync/<source-key>/      one source_dir::SourceDir per source
//!   state.json      the source, its URL, the validators (ETag, Last-Modified) and the manifest
//!                   (or archive, or first page) hash of the last successful sync
//!   mirror/         the source tree as last synced (what the active snapshot was built from)
//!   next/           staging: the tree being assembled; removed on failure or cancel
//!   mirror.prev/    the old mirror during the import; restored if the import fails
//!   parts/          downloads, `<sha256>.part`: kept when a transfer is interrupted so that the
//!                   next sync resumes it; removed when it cannot be resumed (4xx, wrong hash,
//!                   over its bound) and after a successful sync. An archive's part is never
//!                   resumed (its hash is not known in advance): removed once extracted or failed
//! ```
//!
//! A source is (one file per kind):
//! - a Hublot snapshot published on a web server ([`snapshot`](self)): its base URL
//!   (`<URL>/manifest.json` and the files the manifest lists, with size and sha256);
//! - an archive (`.tar.gz`, `.tgz`, `.tar`, `.zip`) of a tree the importer reads, by URL or path
//!   ([`archive`]);
//! - a HealthDCAT-AP catalogue (Turtle, JSON-LD, RDF/XML) by URL: its pages (hydra paging) are
//!   fetched and staged as `healthdcat-pages.json` + `page-NNNN.*`;
//! - a local directory (or `file://` URL): a snapshot, a schema-snds / synthetic-snds tree or a
//!   Markdown tree, or a local HealthDCAT-AP record file, imported in place.
//!
//! Every remote kind follows one skeleton (`SourceDir`): a conditional request with the last
//! sync's validators when the mirror may stand for the source, one 304 policy
//! ([`http::not_modified`]: "unchanged" only in answer to validators), the same bytes as last
//! time also meaning "unchanged", else a new tree staged in `next/`.

pub mod archive;
pub mod error;
mod healthdcat;
pub mod http;
pub mod publish;
pub mod sign;
mod snapshot;
mod source_dir;

pub use error::{SyncError, SyncResult};
pub use publish::{SnapshotBuildReport, SnapshotBuildRequest};
pub use sign::{KeygenReport, KeygenRequest};

use http::Net;
use reqwest::Url;
use serde::{Deserialize, Serialize};
use source_dir::{Fetch, SourceDir};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
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
            max_pages: crate::ingest::healthdcat::DEFAULT_MAX_PAGES,
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
    /// How the snapshot was built (incrementally from the active one, or in full, and how
    /// many entities changed); `None` when nothing was built.
    #[serde(default)]
    pub rebuilt: Option<crate::rebuild::Rebuilt>,
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
    /// Tells the progress callback, if any.
    pub fn report(&self, p: Progress) {
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
pub(super) enum Source {
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
/// [`RdfFormat::from_path`](crate::ingest::healthdcat::RdfFormat::from_path) accepts (`.ttl`, `.turtle`, `.jsonld`, `.rdf`, `.xml`,
/// `.owl`) except `.json`, which is too common (manifests, Table Schemas) to mean RDF by itself.
fn is_rdf_url_path(path: &str) -> bool {
    let p = Path::new(path);
    !path.ends_with('/')
        && crate::ingest::healthdcat::RdfFormat::from_path(p).is_some()
        && !p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

/// Whether a source is fetched over the network (`http`/`https`, HealthDCAT-AP prefix allowed)
/// rather than read from this machine: what [`parse_source`] would fetch, decided from the text
/// alone (a network caller's sync is refused before anything on disk is looked at).
pub fn is_network_source(s: &str) -> bool {
    let s = s.trim();
    let s = s.strip_prefix(HEALTHDCAT_PREFIX).unwrap_or(s);
    Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
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
    } else if crate::ingest::healthdcat::is_healthdcat_file(&p) {
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

/// The state of each source's connection to the network during the fetch phase.
pub(super) struct Shared {
    net: Net,
    opts: SyncOptions,
    control: SyncControl,
    key: Option<ed25519_dalek::VerifyingKey>,
    force: bool,
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

    async fn fetch(self: &Arc<Self>, label: &str, src: &Source, root: &Path) -> SyncResult<Fetch> {
        match src {
            Source::LocalDir(p) => {
                let mut verified = false;
                if let (Some(k), true) = (&self.key, p.join("manifest.json").is_file()) {
                    let m = crate::ingest::snapshot_manifest::Manifest::read(p)?;
                    sign::verify_manifest(&m, k, &p.join("manifest.json").display().to_string())?;
                    verified = true;
                }
                let report = SourceSync {
                    source: label.into(),
                    kind: "directory".into(),
                    signature_verified: verified,
                    ..Default::default()
                };
                Ok(Fetch::in_place(p, report))
            }
            Source::LocalRecord(p) => {
                let report = SourceSync {
                    source: label.into(),
                    kind: "healthdcat".into(),
                    ..Default::default()
                };
                Ok(Fetch::in_place(p, report))
            }
            Source::Snapshot(base) => {
                let dir = SourceDir::open(root.into())?;
                self.fetch_snapshot(label, base, &dir).await
            }
            Source::HealthDcat(url) => {
                let dir = SourceDir::open(root.into())?;
                self.fetch_healthdcat(label, url, &dir).await
            }
            Source::RemoteArchive(_) | Source::LocalArchive(_) => {
                let dir = SourceDir::open(root.into())?;
                self.fetch_archive(label, src, &dir).await
            }
        }
    }
}

/// What to fetch: the sources parsed and the publisher key read, before any lock is taken or
/// any byte fetched (a bad source or key is an error at once).
pub struct FetchPlan {
    sources: Vec<(String, Source)>,
    key: Option<ed25519_dalek::VerifyingKey>,
    force: bool,
    options: SyncOptions,
}

impl FetchPlan {
    /// Parses `sources` (in order of precedence) and the publisher key (hex), if any. `force`
    /// ignores the validators and the mirrors: everything is fetched again.
    pub fn new(
        sources: &[String],
        publisher_key: Option<&str>,
        force: bool,
        options: &SyncOptions,
    ) -> SyncResult<FetchPlan> {
        let key = publisher_key.map(sign::parse_public_key).transpose()?;
        let sources = sources
            .iter()
            .map(|s| Ok((s.clone(), parse_source(s)?)))
            .collect::<SyncResult<_>>()?;
        Ok(FetchPlan {
            sources,
            key,
            force,
            options: options.clone(),
        })
    }
}

/// The sources, fetched, verified and staged: what the api imports, then commits or restores.
pub struct FetchSet {
    fetched: Vec<Fetch>,
    /// HTTP requests sent (attempts and redirect hops included).
    pub requests: u64,
}

impl FetchSet {
    /// The trees to import, in the sources' order (for a staged source, its mirror: valid once
    /// [`FetchSet::swap_in`] has run).
    pub fn trees(&self) -> Vec<PathBuf> {
        self.fetched.iter().map(|f| f.tree.clone()).collect()
    }

    /// What happened to each source.
    pub fn reports(&self) -> Vec<SourceSync> {
        self.fetched.iter().map(|f| f.report.clone()).collect()
    }

    /// True when some source changed and has a new tree staged.
    pub fn staged(&self) -> bool {
        self.fetched.iter().any(|f| f.staged)
    }

    /// Puts every staged tree in place of its mirror, keeping the old mirrors until
    /// [`FetchSet::commit`] (dropped) or [`FetchSet::restore`] (put back).
    pub fn swap_in(&self) -> SyncResult<()> {
        for f in self.fetched.iter().filter(|f| f.staged) {
            source_dir::swap_in(f.dir.as_deref().expect("staged sources have a dir"))?;
        }
        Ok(())
    }

    /// After a successful import (or when nothing needed one): the old mirrors and downloads
    /// go, and each source's validators and hash are remembered for the next sync.
    pub fn commit(self) -> SyncResult<()> {
        for f in &self.fetched {
            if let (Some(d), Some(st)) = (&f.dir, &f.state) {
                source_dir::commit(d, st)?;
            }
        }
        Ok(())
    }

    /// After a failed import: the old mirrors come back and staging goes (downloads stay, for
    /// the next sync to resume); nothing is remembered.
    pub fn restore(self) {
        for d in self.fetched.iter().filter_map(|f| f.dir.as_deref()) {
            source_dir::restore(d);
        }
    }
}

/// Fetches every source of `plan` into its directory under `cache` (`<data_dir>/cache/sync`),
/// verifies it and stages what changed. On error or cancel, staging is removed and nothing else
/// changes. The caller holds the data directory's write lock: two syncs would share the
/// sources' directories.
pub fn fetch(plan: &FetchPlan, cache: &Path, control: &SyncControl) -> SyncResult<FetchSet> {
    let dirs: Vec<PathBuf> = plan
        .sources
        .iter()
        .map(|(s, _)| cache.join(source_key(s)))
        .collect();
    let shared = Arc::new(Shared {
        net: Net::new(&plan.options, control.cancel.clone())?,
        opts: plan.options.clone(),
        control: control.clone(),
        key: plan.key,
        force: plan.force,
    });
    let cleanup = || {
        for d in &dirs {
            source_dir::cleanup(d);
        }
    };
    // The network part runs on its own thread and runtime, so that this can be called from
    // anywhere (including from inside another runtime's blocking task).
    let fetched = std::thread::scope(|s| {
        s.spawn(|| -> SyncResult<Vec<Fetch>> {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .map_err(|e| SyncError::Config(format!("async runtime: {e}")))?;
            rt.block_on(async {
                let mut out = Vec::new();
                for ((label, src), dir) in plan.sources.iter().zip(&dirs) {
                    out.push(shared.fetch(label, src, dir).await?);
                }
                Ok(out)
            })
        })
        .join()
        .unwrap_or_else(|_| Err(SyncError::Config("the sync thread panicked".into())))
    });
    let requests = shared.net.requests.load(Ordering::Relaxed);
    match fetched {
        Ok(_) if control.cancel.load(Ordering::Relaxed) => {
            cleanup();
            Err(SyncError::Cancelled)
        }
        Ok(fetched) => Ok(FetchSet { fetched, requests }),
        Err(e) => {
            cleanup();
            Err(e)
        }
    }
}

/// What the last successful sync of `source` remembers (`state.json` of its directory under
/// `cache`), with `source` as given.
pub fn source_state(cache: &Path, source: &str) -> SourceState {
    SourceState {
        source: source.to_string(),
        ..source_dir::read_state(&cache.join(source_key(source)))
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

#[cfg(test)]
mod tests {
    use super::snapshot::file_url;
    use super::*;

    #[test]
    fn network_sources_are_told_from_the_text_alone() {
        for s in [
            "https://gitlab.com/a/b/-/archive/master/b.tar.gz",
            "http://127.0.0.1:8080/snap/",
            "healthdcat+https://example.org/api/catalog",
            " HTTPS://example.org/catalog.ttl ",
        ] {
            assert!(is_network_source(s), "{s}");
        }
        for s in [
            "/home/me/private",
            "file:///home/me/private",
            "healthdcat+file:///tmp/record.ttl",
            "relative/dir",
            "C:\\Users\\me",
            "ftp://example.org/a.zip",
            "https://",
        ] {
            assert!(!is_network_source(s), "{s}");
        }
    }

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
