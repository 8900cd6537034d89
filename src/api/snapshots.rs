//! The snapshots: import, rollback, sync — the operations that build or activate a snapshot.

use super::ops::{op, Caller, NoArgs, Operation};
use super::Hublot;
use crate::build::{self, SnapshotInfo};
use crate::ingest::{self, MergeNote, SourceReport};
use crate::jobs::SyncJob;
use crate::store::Stats;
use crate::sync::{
    KeygenReport, KeygenRequest, SnapshotBuildReport, SnapshotBuildRequest, SourceState,
    SyncOptions, SyncReport, SyncRequest, SyncSources,
};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

/// Request of `catalogue.import`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ImportRequest {
    /// Sources: snapshots, SNDS trees, Markdown trees, in order of precedence.
    #[ts(type = "Array<string>")]
    pub paths: Vec<PathBuf>,
    /// Rebuild even if the inputs did not change.
    #[serde(default)]
    #[ts(as = "Option<bool>", optional)]
    pub force: bool,
}

/// Answer of `catalogue.import`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct ImportReport {
    /// The snapshot now active.
    pub snapshot: String,
    /// True when the inputs were unchanged and nothing was rebuilt.
    pub unchanged: bool,
    /// What each source contributed.
    pub sources: Vec<SourceReport>,
    /// Tables described by several sources, and which one won.
    pub merges: Vec<MergeNote>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Counts of the new snapshot.
    pub stats: Stats,
    /// Time taken, in milliseconds.
    pub took_ms: u64,
    /// How the snapshot was built: incrementally from the active one, or in full; `None`
    /// when nothing was rebuilt.
    #[serde(default)]
    pub rebuilt: Option<crate::rebuild::Rebuilt>,
}

/// Request of `sync.status`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SyncStatusRequest {
    /// The sources to describe (default: the `sync.sources` setting).
    #[serde(default)]
    #[ts(as = "Option<Vec<String>>", optional)]
    pub sources: Vec<String>,
}

impl Hublot {
    /// `catalogue.import`: builds one new snapshot from every source and activates it when
    /// complete. On any error the previous snapshot stays active and untouched.
    pub fn import(&self, req: &ImportRequest) -> Result<ImportReport> {
        let start = std::time::Instant::now();
        if req.paths.is_empty() {
            return Err(Error::Invalid("import needs at least one path".into()));
        }
        for p in &req.paths {
            ingest::detect(p)?;
        }
        let fp = build::fingerprint(&req.paths)?;
        if !req.force {
            if let Ok(a) = self.active() {
                if a.info.fingerprint == fp {
                    return Ok(ImportReport {
                        snapshot: a.info.id.clone(),
                        unchanged: true,
                        sources: a.info.sources.clone(),
                        merges: vec![],
                        warnings: vec![],
                        stats: a.info.stats.clone(),
                        took_ms: start.elapsed().as_millis() as u64,
                        rebuilt: None,
                    });
                }
            }
        }
        let _lock = self.data.write_lock()?;
        let cat = ingest::read_sources(&req.paths)?;
        build::timing("sources read", start);
        let id = self.new_snapshot_id(&fp);
        let staging = self.data.staging(&id)?;
        // The active snapshot, which the build may start from (only read).
        let active = self.data.current().map(|id| self.data.snapshot(&id));
        let mut rebuilt = None;
        let result = (|| -> Result<SnapshotInfo> {
            let (stats, how) = crate::rebuild::build(&cat, &staging, active.as_deref())?;
            rebuilt = Some(how);
            let info = SnapshotInfo {
                id: id.clone(),
                created: crate::clock::now_rfc3339(),
                hublot_version: env!("CARGO_PKG_VERSION").into(),
                format_version: crate::SNAPSHOT_FORMAT_VERSION,
                catalogue_schema: crate::store::CATALOGUE_SCHEMA_VERSION,
                index_format: crate::search::INDEX_FORMAT_VERSION,
                fingerprint: fp,
                sources: cat.sources.clone(),
                merges: cat.merges.clone(),
                warnings: cat.warnings.clone(),
                stats,
                build_ms: start.elapsed().as_millis() as u64,
            };
            let mp = staging.join("manifest.json");
            let json = serde_json::to_vec_pretty(&info).expect("info serialises");
            std::fs::write(&mp, json).map_err(|e| Error::io(&mp, e))?;
            std::fs::File::open(&mp)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&mp, e))?;
            Ok(info)
        })();
        let info = match result {
            Ok(i) => i,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&staging);
                return Err(e);
            }
        };
        // Close the old snapshot's files before the swap prunes old directories.
        self.data.activate(&staging, &id)?;
        self.activate(&id)?;
        Ok(ImportReport {
            snapshot: id,
            unchanged: false,
            sources: info.sources,
            merges: info.merges,
            warnings: info.warnings,
            stats: info.stats,
            took_ms: start.elapsed().as_millis() as u64,
            rebuilt,
        })
    }

    fn new_snapshot_id(&self, fp: &str) -> String {
        let now = time::OffsetDateTime::now_utc();
        let base = format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}-{}",
            now.year(),
            now.month() as u8,
            now.day(),
            now.hour(),
            now.minute(),
            now.second(),
            &fp[..8]
        );
        let mut id = base.clone();
        let mut n = 2;
        while self.data.snapshot(&id).exists() {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// `catalogue.rollback`: makes the previous snapshot active again.
    pub fn rollback(&self) -> Result<SnapshotInfo> {
        let _lock = self.data.write_lock()?;
        let id = self.data.rollback()?;
        self.activate(&id)?;
        Ok(self.active()?.info.clone())
    }

    /// `catalogue.snapshot`: the active snapshot's description (after following a `current`
    /// pointer moved by another writer).
    pub fn snapshot(&self) -> Result<SnapshotInfo> {
        self.refresh()?;
        Ok(self.active()?.info.clone())
    }

    /// Takes the data directory's write lock (see [`DataDir::write_lock`]): for writers outside
    /// this module, such as the sync.
    pub(crate) fn write_lock(&self) -> Result<crate::store::data_dir::WriteLock> {
        self.data.write_lock()
    }

    /// `sync.sources`: what a sync without explicit sources fetches (the `sync.sources` setting,
    /// else the public HDH repositories).
    pub fn sync_sources(&self) -> Result<crate::sync::SyncSources> {
        let settings = self.settings()?.into_iter().collect();
        Ok(crate::sync::configured_sources(&settings))
    }

    /// `sync.start`: starts a sync in the background and returns at once (the app's "Sync now").
    /// Refused with [`Error::Busy`] while another sync or import writes the data directory.
    pub fn sync_start(&self, req: &crate::sync::SyncRequest) -> Result<crate::jobs::SyncJob> {
        self.sync_start_as(req, Caller::Local)
    }

    /// [`Hublot::sync_start`] for `caller`: a network caller gets `Hublot::for_caller`'s
    /// restrictions, checked before the job starts.
    pub fn sync_start_as(&self, req: &SyncRequest, caller: Caller) -> Result<crate::jobs::SyncJob> {
        let req = self.for_caller(req, caller)?;
        // Fail now, not in the background, when another process is writing.
        drop(self.data.write_lock()?);
        // The sync runs on its own handle on the data directory (it writes a new snapshot);
        // `refresh` makes this one follow when it is done.
        let root = self.data.root().to_path_buf();
        let sources = req.sources.clone();
        self.jobs.start(sources, move |control| {
            Hublot::open(Some(root))
                .map_err(crate::sync::SyncError::from)
                .and_then(|h| h.sync_with(&req, control))
        })
    }

    /// `catalogue.sync` for `caller` (see `Hublot::for_caller`).
    pub fn sync_as(&self, req: &SyncRequest, caller: Caller) -> Result<SyncReport> {
        let req = self.for_caller(req, caller)?;
        Ok(self.sync(&req)?)
    }

    /// The sync a caller may run. A local caller runs what it asks. A network caller (any page
    /// a browser opened may reach `hublot serve`) may only make the server fetch network
    /// sources: a local folder or `file://` URL, given or taken from the `sync.sources`
    /// setting, is refused before anything is read, so a page can neither index a private
    /// folder and read it back nor probe which paths exist. Its publisher key is ignored (the
    /// pinned `sync.publisher_key` setting applies) and its limits are clamped to the defaults.
    fn for_caller(&self, req: &SyncRequest, caller: Caller) -> Result<SyncRequest> {
        if caller == Caller::Local {
            return Ok(req.clone());
        }
        let sources = if req.sources.is_empty() {
            self.sync_sources()?.sources
        } else {
            req.sources.clone()
        };
        for s in &sources {
            if !crate::sync::is_network_source(s) {
                return Err(Error::Forbidden(format!(
                    "`{}`: over HTTP a sync fetches http(s) sources only; local folders and \
                     files are synced from the hublot command line or the desktop app",
                    s.escape_debug()
                )));
            }
        }
        let (o, d) = (&req.options, SyncOptions::default());
        Ok(SyncRequest {
            sources: req.sources.clone(),
            publisher_key: None,
            force: req.force,
            options: SyncOptions {
                concurrency: o.concurrency.clamp(1, d.concurrency),
                connect_timeout_ms: o.connect_timeout_ms.min(d.connect_timeout_ms),
                read_timeout_ms: o.read_timeout_ms.min(d.read_timeout_ms),
                retries: o.retries.min(d.retries),
                backoff_ms: o.backoff_ms.min(d.backoff_ms),
                max_redirects: o.max_redirects.min(d.max_redirects),
                max_manifest_bytes: o.max_manifest_bytes.min(d.max_manifest_bytes),
                max_file_bytes: o.max_file_bytes.min(d.max_file_bytes),
                max_total_bytes: o.max_total_bytes.min(d.max_total_bytes),
                max_archive_files: o.max_archive_files.min(d.max_archive_files),
                max_pages: o.max_pages.min(d.max_pages),
            },
        })
    }

    /// `sync.progress`: the background sync, running or finished. Once it is done, this handle
    /// follows the snapshot it activated.
    pub fn sync_progress(&self) -> Result<crate::jobs::SyncJob> {
        let job = self.jobs.progress();
        if job.state == crate::jobs::JobState::Done {
            self.refresh()?;
        }
        Ok(job)
    }

    /// `sync.cancel`: asks the background sync to stop at the next chunk; `sync.progress` then
    /// says `cancelled`. Downloads already made are kept so that the next sync resumes.
    pub fn sync_cancel(&self) -> Result<crate::jobs::SyncJob> {
        Ok(self.jobs.cancel())
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("catalogue.snapshot", Read, "The active snapshot: id, sources, merges, warnings, counts.",
        |h, _c, _r: NoArgs| -> SnapshotInfo { h.snapshot() }),
    op!("catalogue.import", LocalOnly, "Builds one new snapshot from local sources and activates it.",
        |h, _c, r: ImportRequest| -> ImportReport { h.import(&r) }),
    op!("catalogue.rollback", Write, "Makes the previous snapshot active again.",
        |h, _c, _r: NoArgs| -> SnapshotInfo { h.rollback() }),
    op!("catalogue.sync", Write, "Fetches the sources, verifies them, builds and activates a new snapshot, or says it is up to date.",
        |h, c, r: SyncRequest| -> SyncReport { h.sync_as(&r, c) }),
    op!("sync.status", Read, "What is remembered of each source (validators, last sync).",
        |h, _c, r: SyncStatusRequest| -> Vec<SourceState> { h.sync_status(&r.sources).map_err(Error::from) }),
    op!("sync.sources", Read, "The sources a sync without explicit ones fetches.",
        |h, _c, _r: NoArgs| -> SyncSources { h.sync_sources() }),
    op!("sync.start", Write, "Starts a sync in the background (\"Sync now\") and answers at once.",
        |h, c, r: SyncRequest| -> SyncJob { h.sync_start_as(&r, c) }),
    op!("sync.progress", Read, "The background sync: phase, files, bytes, outcome.",
        |h, _c, _r: NoArgs| -> SyncJob { h.sync_progress() }),
    op!("sync.cancel", Write, "Stops the background sync at the next chunk.",
        |h, _c, _r: NoArgs| -> SyncJob { h.sync_cancel() }),
    op!("snapshot.build", LocalOnly, "Makes a publishable snapshot directory (manifest, sizes, SHA-256, signature).",
        |h, _c, r: SnapshotBuildRequest| -> SnapshotBuildReport { h.snapshot_build(&r).map_err(Error::from) }),
    op!("snapshot.keygen", LocalOnly, "Makes an ed25519 key pair for signing snapshots.",
        |h, _c, r: KeygenRequest| -> KeygenReport { h.keygen(&r).map_err(Error::from) }),
];
