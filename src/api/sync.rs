//! `catalogue.sync`: the api's side of a sync. The sync module only fetches, verifies and stages
//! the sources ([`crate::sync::fetch`]); here the api decides what that means for the catalogue:
//! nothing to do, a previous snapshot made active again, or a new snapshot imported and
//! activated, with the sources' mirrors committed or restored to match.

use super::Hublot;
use crate::build::SnapshotInfo;
use crate::sync::{
    self, configured_sources, FetchPlan, FetchSet, KeygenReport, KeygenRequest, Phase, Progress,
    SnapshotBuildReport, SnapshotBuildRequest, SourceState, SyncControl, SyncError, SyncOutcome,
    SyncReport, SyncRequest, SyncResult, SETTING_PUBLISHER_KEY, SETTING_SOURCES,
};
use crate::ImportRequest;
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Instant;

impl Hublot {
    /// `catalogue.sync`: fetches the sources, verifies them, builds a new snapshot and activates
    /// it; or answers "up to date". On any error the active snapshot is unchanged.
    pub fn sync(&self, req: &SyncRequest) -> SyncResult<SyncReport> {
        self.sync_with(req, &SyncControl::default())
    }

    /// [`Hublot::sync`] with progress reporting and cancellation.
    pub fn sync_with(&self, req: &SyncRequest, control: &SyncControl) -> SyncResult<SyncReport> {
        let start = Instant::now();
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
        let key = req
            .publisher_key
            .clone()
            .filter(|k| !k.trim().is_empty())
            .or_else(|| {
                settings
                    .get(SETTING_PUBLISHER_KEY)
                    .filter(|k| !k.trim().is_empty())
                    .cloned()
            });
        let plan = FetchPlan::new(&sources, key.as_deref(), req.force, &req.options)?;
        // One writer per data directory: two syncs would share the sources' cache directories
        // (`next/`, `parts/`), and an import would race the activation. The import at the end
        // runs on this thread, under the same lock.
        let _lock = self.write_lock()?;
        let cache = self.data.root().join("cache").join("sync");
        let set = sync::fetch(&plan, &cache, control)?;
        let fetch_ms = start.elapsed().as_millis() as u64;
        let reports = set.reports();
        let requests = set.requests;
        let finish = |outcome: SyncOutcome,
                      snapshot: String,
                      note: Option<String>,
                      rebuilt: Option<crate::rebuild::Rebuilt>| {
            control.report(progress(Phase::Done, ""));
            SyncReport {
                outcome,
                snapshot,
                sources: reports.clone(),
                requests,
                note,
                fetch_ms,
                build_ms: start.elapsed().as_millis() as u64 - fetch_ms,
                took_ms: start.elapsed().as_millis() as u64,
                rebuilt,
            }
        };

        if !set.staged() && !req.force {
            let note = self.unchanged_sources(&set, &sources, control)?;
            set.commit()?;
            return Ok(finish(
                SyncOutcome::UpToDate,
                self.snapshot()?.id,
                note,
                None,
            ));
        }
        let imported = set.swap_in().and_then(|()| {
            control.report(progress(Phase::Build, &sources.join(" ")));
            self.import(&ImportRequest {
                paths: set.trees(),
                force: true,
            })
            .map_err(SyncError::from)
        });
        let imported = match imported {
            Ok(r) => r,
            Err(e) => {
                set.restore();
                return Err(e);
            }
        };
        set.commit()?;
        let sum = |f: fn(&sync::SourceSync) -> u64| reports.iter().map(f).sum::<u64>();
        let outcome = SyncOutcome::Updated {
            added: sum(|r| r.added),
            removed: sum(|r| r.removed),
            changed: sum(|r| r.changed_files),
            downloaded_files: sum(|r| r.downloaded_files),
            downloaded_bytes: sum(|r| r.downloaded_bytes),
        };
        Ok(finish(outcome, imported.snapshot, None, imported.rebuilt))
    }

    /// Nothing changed in the sources: the active snapshot is the one built from them, or the
    /// previous one was (made active again), or neither is (rebuilt from the mirrors). Returns
    /// what to tell about it.
    fn unchanged_sources(
        &self,
        set: &FetchSet,
        sources: &[String],
        control: &SyncControl,
    ) -> SyncResult<Option<String>> {
        let trees: Vec<PathBuf> = set.trees();
        let fp = crate::build::fingerprint(&trees)?;
        if self.snapshot()?.fingerprint == fp {
            return Ok(None);
        }
        let prev = self
            .data
            .previous()
            .and_then(|p| SnapshotInfo::read(&self.data.snapshot(&p)).ok())
            .filter(|i| i.fingerprint == fp && i.is_current_format());
        if let Some(prev) = prev {
            self.rollback()?;
            return Ok(Some(format!(
                "snapshot {} (built from these sources) is active again",
                prev.id
            )));
        }
        control.report(progress(Phase::Build, &sources.join(" ")));
        let r = self.import(&ImportRequest {
            paths: trees,
            force: false,
        })?;
        Ok(Some(format!(
            "the sources are unchanged; snapshot {} rebuilt from them",
            r.snapshot
        )))
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
        let cache = self.data.root().join("cache").join("sync");
        Ok(sources
            .iter()
            .map(|s| sync::source_state(&cache, s))
            .collect())
    }

    /// `snapshot.build`: makes a publishable snapshot directory from sources.
    pub fn snapshot_build(&self, req: &SnapshotBuildRequest) -> SyncResult<SnapshotBuildReport> {
        sync::publish::build_snapshot(req)
    }

    /// `snapshot.keygen`: makes an ed25519 key pair for signing snapshots.
    pub fn keygen(&self, req: &KeygenRequest) -> SyncResult<KeygenReport> {
        sync::sign::keygen(req)
    }
}

fn progress(phase: Phase, source: &str) -> Progress {
    Progress {
        phase,
        source: source.into(),
        files_done: 0,
        files_total: 0,
        bytes_done: 0,
        bytes_total: 0,
    }
}
