//! Long operations that a front end starts, watches and cancels without blocking on them: the
//! "Sync now" button of the app. `sync.start` returns at once; `sync.progress` tells where the
//! sync is (phase, files, bytes) and how it ended; `sync.cancel` stops it at the next chunk.
//! The HTTP API and the desktop app poll the same operations, so both show the same thing.

use crate::sync::{Progress, SyncControl, SyncError, SyncReport};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use ts_rs::TS;

/// Where the background sync is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// No sync started since this process opened the data directory.
    #[default]
    Idle,
    /// Running.
    Running,
    /// Finished: `report` says whether it was up to date or built a new snapshot.
    Done,
    /// Failed: `error` says why; the active snapshot is unchanged.
    Failed,
    /// Cancelled by `sync.cancel`; the active snapshot is unchanged, downloads kept to resume.
    Cancelled,
}

/// Answer of `sync.start`, `sync.progress` and `sync.cancel`: the current (or last) sync.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct SyncJob {
    /// Increases with every sync started by this process (0: none yet).
    pub id: u64,
    /// Where it is.
    pub state: JobState,
    /// The sources asked for (empty: the `sync.sources` setting).
    pub sources: Vec<String>,
    /// When it started (RFC 3339).
    pub started_at: Option<String>,
    /// When it ended.
    pub finished_at: Option<String>,
    /// The last progress report (phase, source, files and bytes).
    pub progress: Option<Progress>,
    /// How it ended, when it is done.
    pub report: Option<SyncReport>,
    /// Why it failed.
    pub error: Option<String>,
    /// True once `sync.cancel` was asked while it ran.
    pub cancel_requested: bool,
}

/// The background sync of one `Hublot`. It runs whatever closure it is given (the api module
/// decides what a sync is and which handle it uses), so this module never names `Hublot`.
#[derive(Default)]
pub(crate) struct SyncJobs {
    job: Arc<Mutex<SyncJob>>,
    cancel: Arc<AtomicBool>,
}

impl SyncJobs {
    fn snapshot(&self) -> SyncJob {
        self.job.lock().expect("job lock").clone()
    }

    /// Runs `sync` on its own thread, with a control that records its progress here and that
    /// `cancel` sets. `sources` is what the job says it syncs.
    pub(crate) fn start<F>(&self, sources: Vec<String>, sync: F) -> Result<SyncJob>
    where
        F: FnOnce(&SyncControl) -> std::result::Result<SyncReport, SyncError> + Send + 'static,
    {
        let mut j = self.job.lock().expect("job lock");
        if j.state == JobState::Running {
            return Err(Error::Busy(format!(
                "a sync is already running (started {})",
                j.started_at.as_deref().unwrap_or("just now")
            )));
        }
        self.cancel.store(false, Ordering::SeqCst);
        *j = SyncJob {
            id: j.id + 1,
            state: JobState::Running,
            sources,
            started_at: Some(crate::clock::now_rfc3339()),
            ..SyncJob::default()
        };
        let started = j.clone();
        drop(j);

        let job = self.job.clone();
        let on_progress = self.job.clone();
        let control = SyncControl {
            progress: Some(Arc::new(move |p: &Progress| {
                on_progress.lock().expect("job lock").progress = Some(p.clone());
            })),
            cancel: self.cancel.clone(),
        };
        let spawned = std::thread::Builder::new()
            .name("hublot-sync".into())
            .spawn(move || {
                let result = sync(&control);
                let mut j = job.lock().expect("job lock");
                j.finished_at = Some(crate::clock::now_rfc3339());
                match result {
                    Ok(report) => {
                        j.state = JobState::Done;
                        j.report = Some(report);
                    }
                    Err(SyncError::Cancelled) => j.state = JobState::Cancelled,
                    Err(e) => {
                        j.state = JobState::Failed;
                        j.error = Some(Error::from(e).to_string());
                    }
                }
            });
        if let Err(e) = spawned {
            let mut j = self.job.lock().expect("job lock");
            j.state = JobState::Failed;
            j.error = Some(format!("could not start the sync thread: {e}"));
            return Ok(j.clone());
        }
        Ok(started)
    }

    pub(crate) fn progress(&self) -> SyncJob {
        self.snapshot()
    }

    pub(crate) fn cancel(&self) -> SyncJob {
        let mut j = self.job.lock().expect("job lock");
        if j.state == JobState::Running {
            self.cancel.store(true, Ordering::SeqCst);
            j.cancel_requested = true;
        }
        j.clone()
    }
}
