//! THE command surface: every user action is a method of [`Hublot`], declared once as a row of
//! the operation table ([`ops`]) with its dotted name, access, request and answer types. The
//! CLI, `hublot serve` and the desktop shell only adapt it: `serve` and the app dispatch by name
//! through [`Hublot::call_as`], the CLI converts its arguments into the same request structs.
//!
//! The methods live beside the operations that expose them, one file per domain:
//! [`catalogue`] (search and browsing), [`snapshots`] (import, rollback, sync), [`settings`]
//! (user settings and system information), [`cite`] (citations), [`need`] (need statements); `sync.rs` holds
//! `catalogue.sync` itself (what a fetched set of sources means for the catalogue: import,
//! activation, rollback).

pub mod catalogue;
pub mod cite;
pub mod console;
pub mod need;
pub mod ops;
pub mod producer;
pub mod samples;
pub mod settings;
pub mod snapshots;
mod sync;
pub mod synth;
pub mod validate;

pub use catalogue::{
    BaseGet, BasePage, BaseRef, CodeGet, CodeRecord, DocGet, NomenclaturePage, NomenclatureRequest,
    Overview, Record, RecordShow, TableGet, TableList, TablePage, VariableGet, VariablePage,
};
pub use cite::CiteRequest;
pub use ops::{
    access, check_args, check_id, operation, operation_infos, operations, typescript, Access,
    Answer, AnswerKind, Caller, Download, Input, NoArgs, Operation, OperationInfo,
};
pub use samples::{ChartRequest, ProfilePage, ProfileRequest, RowsRequest};
pub use settings::{SettingsSet, SystemSnapshot, VersionInfo};
pub use snapshots::{ImportReport, ImportRequest};

use crate::build::SnapshotInfo;
use crate::search::SearchIndex;
use crate::store::{CatalogueDb, DataDir, PointerStamp, UserDb};
use crate::{Error, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// The bundled default catalogue, compiled into the binary so that a first start works offline.
static BUNDLED: include_dir::Dir<'static> =
    include_dir::include_dir!("$CARGO_MANIFEST_DIR/catalogue-snapshots/default");

/// The active snapshot, opened.
struct Active {
    info: SnapshotInfo,
    dir: PathBuf,
    db: Mutex<CatalogueDb>,
    samples: Mutex<Option<rusqlite::Connection>>,
    index: SearchIndex,
}

/// A Hublot data directory, opened: the active snapshot and the user's data.
pub struct Hublot {
    data: DataDir,
    active: RwLock<Option<Arc<Active>>>,
    /// The pointer as [`Hublot::refresh`] last found it matching the active snapshot.
    pointer_seen: Mutex<Option<PointerStamp>>,
    user: Mutex<UserDb>,
    jobs: crate::jobs::SyncJobs,
    /// The producer's draft it holds (`producer.open`, `hublot preview`).
    producer: producer::ProducerSlot,
}

impl Hublot {
    /// Opens the data directory `root` (the platform one when `None`). With no snapshot yet, the
    /// bundled catalogue is imported and activated, offline.
    pub fn open(root: Option<PathBuf>) -> Result<Hublot> {
        let data = DataDir::new(root.unwrap_or_else(DataDir::default_root))?;
        let user = UserDb::open(&data.user_db())?;
        let h = Hublot {
            data,
            active: RwLock::new(None),
            pointer_seen: Mutex::new(None),
            user: Mutex::new(user),
            jobs: Default::default(),
            producer: Default::default(),
        };
        match h.data.current() {
            Some(id) => match h.activate(&id) {
                Ok(()) => {}
                Err(e) => {
                    // A snapshot from an older Hublot (or damaged) is rebuilt from the bundle
                    // only if there is nothing else; the error is kept for the caller otherwise.
                    if h.data
                        .previous()
                        .and_then(|p| h.activate(&p).ok())
                        .is_none()
                    {
                        eprintln!("hublot: active snapshot {id} cannot be opened ({e}); using the bundled catalogue");
                        h.install_bundled()?;
                    }
                }
            },
            None => h.install_bundled()?,
        }
        Ok(h)
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        self.data.root()
    }

    fn install_bundled(&self) -> Result<()> {
        let dir = self.data.root().join("cache").join("bundled");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        }
        std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        BUNDLED.extract(&dir).map_err(|e| Error::io(&dir, e))?;
        self.import(&ImportRequest {
            paths: vec![dir],
            force: true,
        })?;
        Ok(())
    }

    fn activate(&self, id: &str) -> Result<()> {
        let dir = self.data.snapshot(id);
        let info = SnapshotInfo::read(&dir)?;
        if !info.is_current_format() {
            return Err(Error::Snapshot {
                path: dir,
                message: "built by another version of Hublot; re-import".into(),
            });
        }
        let db = CatalogueDb::open(&dir.join("catalogue.sqlite"))?;
        let index = SearchIndex::open(&dir.join("index"))?;
        let sp = dir.join("samples.sqlite");
        let samples = if sp.is_file() {
            Some(
                rusqlite::Connection::open_with_flags(
                    &sp,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
                )
                .map_err(|e| Error::sqlite(&sp, e))?,
            )
        } else {
            None
        };
        let a = Active {
            info,
            dir,
            db: Mutex::new(db),
            samples: Mutex::new(samples),
            index,
        };
        *self.active.write().expect("lock") = Some(Arc::new(a));
        Ok(())
    }

    /// Follows the `current` pointer when another writer moved it (a sync in the background, a
    /// `hublot import` in another process): the next read sees the new snapshot. Returns true
    /// when the active snapshot changed.
    ///
    /// Every call of every front end runs it, so it reads the pointer only when the file is not
    /// the one it last found matching (one `stat` instead of open, read, parse and a `stat` of
    /// the snapshot). The stamp is taken, under the lock that orders refreshes, before the
    /// pointer is read: a pointer replaced in between is read again on the next call.
    pub fn refresh(&self) -> Result<bool> {
        let mut seen = self.pointer_seen.lock().expect("lock");
        let stamp = self.data.pointer_stamp();
        if stamp.is_some() && *seen == stamp {
            return Ok(false);
        }
        let Some(current) = self.data.current() else {
            return Ok(false);
        };
        let same = self
            .active
            .read()
            .expect("lock")
            .as_ref()
            .is_some_and(|a| a.info.id == current);
        if !same {
            self.activate(&current)?;
        }
        *seen = stamp;
        Ok(!same)
    }

    fn active(&self) -> Result<Arc<Active>> {
        self.active
            .read()
            .expect("lock")
            .clone()
            .ok_or_else(|| Error::NotFound("no active snapshot".into()))
    }
}
