//! THE command surface: every user action is a method of [`Hublot`]. The CLI, `hublot serve`
//! and the desktop shell only adapt it. Each operation also has a dotted name
//! ([`Hublot::call`]) used by the HTTP API (`/api/<name>`) and the app's single Tauri command.

use crate::build::{self, SnapshotInfo};
use crate::ingest::{self, MergeNote, SourceReport};
use crate::model::{Base, Code, DocPage, Nomenclature, Table, Variable};
use crate::search::{SearchIndex, SearchRequest, SearchResponse};
use crate::store::catalogue_db::{BaseSummary, CodePage, Join, TableSummary};
use crate::store::samples_db::{self, SamplePreview};
use crate::store::{CatalogueDb, DataDir, Stats, UserDb};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
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
    user: Mutex<UserDb>,
    jobs: crate::jobs::SyncJobs,
}

/// Request of `catalogue.import`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImportRequest {
    /// Sources: snapshots, SNDS trees, Markdown trees, in order of precedence.
    pub paths: Vec<PathBuf>,
    /// Rebuild even if the inputs did not change.
    #[serde(default)]
    pub force: bool,
}

/// Answer of `catalogue.import`.
#[derive(Debug, Clone, Serialize, Deserialize)]
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
}

/// A base's page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BasePage {
    /// The base.
    pub base: Base,
    /// Its tables, by domain then name.
    pub tables: Vec<TableSummary>,
    /// Bases whose parent it is.
    pub components: Vec<BaseRef>,
    /// Its parent.
    pub parent: Option<BaseRef>,
}

/// A short reference to a base.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct BaseRef {
    /// Id.
    pub id: String,
    /// Short name.
    pub name: String,
    /// Title.
    pub title: crate::model::Text,
}

/// A table's page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TablePage {
    /// The table (variables, keys…).
    pub table: Table,
    /// Its base.
    pub base: Option<BaseRef>,
    /// Tables it links to (its foreign keys).
    pub joins_out: Vec<Join>,
    /// Tables linking to it.
    pub joins_in: Vec<Join>,
    /// First sample rows, when the snapshot has samples for it.
    pub sample: Option<SamplePreview>,
    /// Where the sample rows came from.
    pub samples_source: Option<String>,
}

/// A variable's page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VariablePage {
    /// Table it belongs to.
    pub table: TableSummary,
    /// The variable.
    pub variable: Variable,
    /// Whether it is part of the table's primary key.
    pub in_primary_key: bool,
    /// Joins of the table that use it.
    pub joins: Vec<Join>,
    /// Its code list, if any and present in the snapshot.
    pub nomenclature: Option<Nomenclature>,
    /// The first values of its code list.
    pub codes: Vec<Code>,
    /// Other tables with a variable of the same name.
    pub other_tables: Vec<String>,
}

/// A code list's page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NomenclaturePage {
    /// The code list.
    pub nomenclature: Nomenclature,
    /// The requested page of rows.
    pub codes: CodePage,
    /// Variables using it, as `table/variable`.
    pub used_by: Vec<String>,
}

/// A code's page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CodeRecord {
    /// Its code list.
    pub nomenclature: Nomenclature,
    /// The row.
    pub code: Code,
}

/// Any record, as `show` returns it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Record {
    /// A base.
    Base(BasePage),
    /// A table.
    Table(TablePage),
    /// A variable.
    Variable(VariablePage),
    /// A code list (first rows).
    Nomenclature(NomenclaturePage),
    /// A code.
    Code(CodeRecord),
    /// A documentation page.
    Doc(DocPage),
}

/// The home page: the catalogue at a glance.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Overview {
    /// Active snapshot.
    pub snapshot: SnapshotInfo,
    /// Bases with sizes.
    pub bases: Vec<BaseSummary>,
    /// Counts.
    pub stats: Stats,
}

/// Request of `nomenclature.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NomenclatureRequest {
    /// Code list name.
    pub name: String,
    /// Filter: code prefix or label words.
    #[serde(default)]
    pub q: Option<String>,
    /// First row.
    #[serde(default)]
    pub offset: Option<u64>,
    /// Rows per page (default 50, at most 1000).
    #[serde(default)]
    pub limit: Option<u64>,
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
            user: Mutex::new(user),
            jobs: Default::default(),
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
    pub fn refresh(&self) -> Result<bool> {
        let Some(current) = self.data.current() else {
            return Ok(false);
        };
        let same = self
            .active
            .read()
            .expect("lock")
            .as_ref()
            .is_some_and(|a| a.info.id == current);
        if same {
            return Ok(false);
        }
        self.activate(&current)?;
        Ok(true)
    }

    fn active(&self) -> Result<Arc<Active>> {
        self.active
            .read()
            .expect("lock")
            .clone()
            .ok_or_else(|| Error::NotFound("no active snapshot".into()))
    }

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
                    });
                }
            }
        }
        let _lock = self.data.write_lock()?;
        let cat = ingest::read_sources(&req.paths)?;
        build::timing("sources read", start);
        let id = self.new_snapshot_id(&fp);
        let staging = self.data.staging(&id)?;
        let result = (|| -> Result<SnapshotInfo> {
            let stats = build::build(&cat, &staging)?;
            let info = SnapshotInfo {
                id: id.clone(),
                created: crate::now_rfc3339(),
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

    /// `search.query`: full-text search.
    pub fn search(&self, req: &SearchRequest) -> Result<SearchResponse> {
        self.active()?.index.search(req)
    }

    /// `catalogue.stats`: counts of the active snapshot.
    pub fn stats(&self) -> Result<Stats> {
        Ok(self.active()?.info.stats.clone())
    }

    /// `catalogue.overview`: what the home page shows.
    pub fn overview(&self) -> Result<Overview> {
        let a = self.active()?;
        let bases = a.db.lock().expect("lock").bases()?;
        Ok(Overview {
            snapshot: a.info.clone(),
            bases,
            stats: a.info.stats.clone(),
        })
    }

    /// `base.get`: a base with its tables.
    pub fn base(&self, id: &str) -> Result<BasePage> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let base = db
            .base(id)?
            .ok_or_else(|| Error::NotFound(format!("base `{id}`")))?;
        let all = db.bases()?;
        let as_ref = |b: &Base| BaseRef {
            id: b.id.clone(),
            name: b.name.clone(),
            title: b.title.clone(),
        };
        let components = all
            .iter()
            .filter(|s| s.base.parent.as_deref() == Some(id))
            .map(|s| as_ref(&s.base))
            .collect();
        let parent = base
            .parent
            .as_deref()
            .and_then(|p| all.iter().find(|s| s.base.id == p))
            .map(|s| as_ref(&s.base));
        Ok(BasePage {
            tables: db.tables(Some(id))?,
            base,
            components,
            parent,
        })
    }

    /// `table.list`: every table (optionally of one base).
    pub fn tables(&self, base: Option<&str>) -> Result<Vec<TableSummary>> {
        self.active()?.db.lock().expect("lock").tables(base)
    }

    /// `table.get`: a table with its joins and first sample rows.
    pub fn table(&self, name: &str) -> Result<TablePage> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let (table, samples_source, _) = db
            .table(name)?
            .ok_or_else(|| Error::NotFound(format!("table `{name}`")))?;
        let (joins_out, joins_in) = db.joins(name)?;
        let base = db.base(&table.base)?.map(|b| BaseRef {
            id: b.id,
            name: b.name,
            title: b.title,
        });
        drop(db);
        let sample = match &*a.samples.lock().expect("lock") {
            Some(conn) => samples_db::preview(conn, &a.dir.join("samples.sqlite"), name, 20)?,
            None => None,
        };
        Ok(TablePage {
            table,
            base,
            joins_out,
            joins_in,
            sample,
            samples_source,
        })
    }

    /// `variable.get`: a variable of a table, its code list and the other tables that have it.
    pub fn variable(&self, table: &str, name: &str) -> Result<VariablePage> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let (t, _, sample_rows) = db
            .table(table)?
            .ok_or_else(|| Error::NotFound(format!("table `{table}`")))?;
        let variable = db
            .variable(table, name)?
            .ok_or_else(|| Error::NotFound(format!("variable `{name}` in table `{table}`")))?;
        let (out, inn) = db.joins(table)?;
        let joins = out
            .into_iter()
            .chain(inn)
            .filter(|j| j.fields.iter().any(|f| f == name))
            .collect();
        let nomenclature = match &variable.nomenclature {
            Some(r) => db.nomenclature(&r.name)?,
            None => None,
        };
        let codes = match &nomenclature {
            Some(n) => db.codes(&n.name, None, 0, 10)?.rows,
            None => vec![],
        };
        let other_tables = db
            .tables_with_variable(name)?
            .into_iter()
            .map(|(t, _)| t)
            .filter(|x| x != table)
            .collect();
        Ok(VariablePage {
            table: TableSummary {
                name: t.name.clone(),
                title: t.title.clone(),
                produit: t.produit.clone(),
                base: t.base.clone(),
                variables: t.variables.len() as u64,
                sample_rows,
            },
            in_primary_key: t.primary_key.iter().any(|k| k == name),
            variable,
            joins,
            nomenclature,
            codes,
            other_tables,
        })
    }

    /// `nomenclature.get`: a code list, searchable and paged.
    pub fn nomenclature(&self, req: &NomenclatureRequest) -> Result<NomenclaturePage> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let nomenclature = db
            .nomenclature(&req.name)?
            .ok_or_else(|| Error::NotFound(format!("code list `{}`", req.name)))?;
        let codes = db.codes(
            &req.name,
            req.q.as_deref(),
            req.offset.unwrap_or(0),
            req.limit.unwrap_or(50).clamp(1, 1000),
        )?;
        let used_by = db
            .variables_using(&req.name)?
            .into_iter()
            .map(|(t, v)| format!("{t}/{v}"))
            .collect();
        Ok(NomenclaturePage {
            nomenclature,
            codes,
            used_by,
        })
    }

    /// `code.get`: one row of a code list.
    pub fn code(&self, nomenclature: &str, code: &str) -> Result<CodeRecord> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let n = db
            .nomenclature(nomenclature)?
            .ok_or_else(|| Error::NotFound(format!("code list `{nomenclature}`")))?;
        let c = db
            .code(nomenclature, code)?
            .ok_or_else(|| Error::NotFound(format!("code `{code}` in `{nomenclature}`")))?;
        Ok(CodeRecord {
            nomenclature: n,
            code: c,
        })
    }

    /// `doc.get`: a documentation page (HTML already sanitised).
    pub fn doc(&self, path: &str) -> Result<DocPage> {
        self.active()?
            .db
            .lock()
            .expect("lock")
            .doc(path)?
            .ok_or_else(|| Error::NotFound(format!("doc page `{path}`")))
    }

    /// `doc.list`: every documentation page as (path, title).
    pub fn docs(&self) -> Result<Vec<(String, String)>> {
        self.active()?.db.lock().expect("lock").doc_list()
    }

    /// `record.show`: any record by id. Ids are `kind/…` (`table/IR_BEN_R`,
    /// `variable/IR_BEN_R/BEN_SEX_COD`, `code/IR_SEX_V/2`, `doc/a/b.md`, `base/dcir`,
    /// `nomenclature/IR_SEX_V`); a bare name is tried as a table, a code list, a base,
    /// `TABLE.VARIABLE`, then a variable name.
    pub fn show(&self, id: &str) -> Result<Record> {
        let id = id.trim();
        if id.is_empty() || id.contains('\0') {
            return Err(Error::Invalid("empty id".into()));
        }
        if let Some((kind, rest)) = id.split_once('/') {
            match kind {
                "base" => return Ok(Record::Base(self.base(rest)?)),
                "table" => return Ok(Record::Table(self.table(rest)?)),
                "variable" => {
                    let (t, v) = rest.split_once('/').ok_or_else(|| {
                        Error::Invalid(format!("`{id}`: expected variable/TABLE/NAME"))
                    })?;
                    return Ok(Record::Variable(self.variable(t, v)?));
                }
                "nomenclature" => {
                    return Ok(Record::Nomenclature(self.nomenclature(
                        &NomenclatureRequest {
                            name: rest.into(),
                            ..Default::default()
                        },
                    )?))
                }
                "code" => {
                    let (n, c) = rest.split_once('/').ok_or_else(|| {
                        Error::Invalid(format!("`{id}`: expected code/LIST/CODE"))
                    })?;
                    return Ok(Record::Code(self.code(n, c)?));
                }
                "doc" => return Ok(Record::Doc(self.doc(rest)?)),
                _ => {}
            }
        }
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let is_table = db.table(id)?.is_some();
        let is_list = !is_table && db.nomenclature(id)?.is_some();
        let is_base = !is_table && !is_list && db.base(id)?.is_some();
        let is_doc = !is_table && !is_list && !is_base && db.doc(id)?.is_some();
        let var = if is_table || is_list || is_base || is_doc {
            None
        } else if let Some((t, v)) = id
            .split_once('.')
            .filter(|(t, v)| db.variable(t, v).ok().flatten().is_some())
        {
            Some((t.to_string(), v.to_string()))
        } else {
            // A bare variable name: prefer a reference table (`_R`), where such variables are defined.
            let mut all = db.tables_with_variable(id)?;
            all.sort_by_key(|(t, _)| (!t.ends_with("_R"), t.clone()));
            all.into_iter().next()
        };
        drop(db);
        if is_table {
            Ok(Record::Table(self.table(id)?))
        } else if is_list {
            self.show(&format!("nomenclature/{id}"))
        } else if is_base {
            Ok(Record::Base(self.base(id)?))
        } else if is_doc {
            Ok(Record::Doc(self.doc(id)?))
        } else if let Some((t, v)) = var {
            Ok(Record::Variable(self.variable(&t, &v)?))
        } else {
            Err(Error::NotFound(format!(
                "`{id}`: no base, table, variable, code list or doc page by that id"
            )))
        }
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
        // Fail now, not in the background, when another process is writing.
        drop(self.data.write_lock()?);
        self.jobs.start(self.data.root().to_path_buf(), req.clone())
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

    /// `settings.get`: every user setting.
    pub fn settings(&self) -> Result<Vec<(String, String)>> {
        self.user.lock().expect("lock").settings()
    }

    /// `settings.set`: sets a user setting (kept in user.sqlite, never touched by imports).
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.user.lock().expect("lock").set_setting(key, value)
    }

    /// Calls an operation by its dotted name with JSON arguments, for the HTTP API and the app.
    pub fn call(&self, op: &str, args: serde_json::Value) -> Result<serde_json::Value> {
        fn arg<T: serde::de::DeserializeOwned>(op: &str, v: serde_json::Value) -> Result<T> {
            serde_json::from_value(v).map_err(|e| Error::Invalid(format!("{op}: {e}")))
        }
        fn s(v: &serde_json::Value, k: &str) -> Result<String> {
            v.get(k)
                .and_then(|x| x.as_str())
                .map(str::to_string)
                .ok_or_else(|| Error::Invalid(format!("missing string argument `{k}`")))
        }
        fn out<T: Serialize>(t: T) -> Result<serde_json::Value> {
            Ok(serde_json::to_value(t).expect("response serialises"))
        }
        check_args(&args)?;
        match op {
            "search.query" => out(self.search(&arg(op, args)?)?),
            "catalogue.stats" => out(self.stats()?),
            "catalogue.overview" => out(self.overview()?),
            "catalogue.snapshot" => out(self.snapshot()?),
            "catalogue.import" => out(self.import(&arg(op, args)?)?),
            "catalogue.rollback" => out(self.rollback()?),
            "base.get" => out(self.base(&s(&args, "id")?)?),
            "table.list" => out(self.tables(args.get("base").and_then(|b| b.as_str()))?),
            "table.get" => out(self.table(&s(&args, "name")?)?),
            "variable.get" => out(self.variable(&s(&args, "table")?, &s(&args, "name")?)?),
            "nomenclature.get" => out(self.nomenclature(&arg(op, args)?)?),
            "code.get" => out(self.code(&s(&args, "nomenclature")?, &s(&args, "code")?)?),
            "doc.get" => out(self.doc(&s(&args, "path")?)?),
            "doc.list" => out(self.docs()?),
            "record.show" => out(self.show(&s(&args, "id")?)?),
            "catalogue.sync" => out(self.sync(&arg(op, args)?)?),
            "sync.status" => out(self.sync_status(
                &args
                    .get("sources")
                    .cloned()
                    .map(|v| arg::<Vec<String>>(op, v))
                    .transpose()?
                    .unwrap_or_default(),
            )?),
            "sync.sources" => out(self.sync_sources()?),
            "sync.start" => out(self.sync_start(&arg(op, args)?)?),
            "sync.progress" => out(self.sync_progress()?),
            "sync.cancel" => out(self.sync_cancel()?),
            "snapshot.build" => out(self.snapshot_build(&arg(op, args)?)?),
            "snapshot.keygen" => out(self.keygen(&arg(op, args)?)?),
            "system.version" => out(serde_json::json!({
                "hublot": env!("CARGO_PKG_VERSION"),
                "snapshot_format": crate::SNAPSHOT_FORMAT_VERSION,
                "catalogue_schema": crate::store::CATALOGUE_SCHEMA_VERSION,
                "index_format": crate::search::INDEX_FORMAT_VERSION,
                "user_schema": crate::store::user_db::USER_SCHEMA_VERSION,
            })),
            "system.snapshot" => {
                let mut v = serde_json::to_value(self.snapshot()?).expect("snapshot serialises");
                v["data_dir"] = self.data_dir().display().to_string().into();
                Ok(v)
            }
            "settings.get" => out(self.settings()?),
            "settings.set" => out(self.set_setting(&s(&args, "key")?, &s(&args, "value")?)?),
            _ => Err(Error::Invalid(format!("unknown operation `{op}`"))),
        }
    }
}

/// Who asks: the front end an operation is called from. Local front ends (the CLI, the desktop
/// app) may name files of this machine; a network client (`hublot serve`) may not, and its
/// limits are clamped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Caller {
    /// The command line or the desktop app, run by the user on this machine.
    Local,
    /// A client of `hublot serve`, which may be any page of any site the browser opened.
    Network,
}

/// How an operation may be reached by a front end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Access {
    /// Only reads: any front end may call it without confirmation (HTTP GET too).
    Read,
    /// Changes user data or the active snapshot: an explicit action (HTTP POST only).
    Write,
    /// Reads or writes arbitrary paths of the machine: local front ends only (CLI, desktop
    /// app), never a network client.
    LocalOnly,
}

/// Every operation name [`Hublot::call`] understands, with how it may be reached.
pub const OPERATIONS: &[(&str, Access)] = &[
    ("search.query", Access::Read),
    ("catalogue.stats", Access::Read),
    ("catalogue.overview", Access::Read),
    ("catalogue.snapshot", Access::Read),
    ("catalogue.import", Access::LocalOnly),
    ("catalogue.rollback", Access::Write),
    ("catalogue.sync", Access::Write),
    ("sync.status", Access::Read),
    ("sync.sources", Access::Read),
    ("sync.start", Access::Write),
    ("sync.progress", Access::Read),
    ("sync.cancel", Access::Write),
    ("snapshot.build", Access::LocalOnly),
    ("snapshot.keygen", Access::LocalOnly),
    ("base.get", Access::Read),
    ("table.list", Access::Read),
    ("table.get", Access::Read),
    ("variable.get", Access::Read),
    ("nomenclature.get", Access::Read),
    ("code.get", Access::Read),
    ("doc.get", Access::Read),
    ("doc.list", Access::Read),
    ("record.show", Access::Read),
    ("settings.get", Access::Read),
    ("settings.set", Access::Write),
    ("system.version", Access::Read),
    ("system.snapshot", Access::Read),
];

/// How `op` may be reached, or `None` when there is no such operation.
pub fn access(op: &str) -> Option<Access> {
    OPERATIONS
        .iter()
        .find(|(name, _)| *name == op)
        .map(|(_, a)| *a)
}

/// Arguments that name a record: refused when they look like a file path escape.
const ID_PARAMS: &[&str] = &[
    "id",
    "name",
    "table",
    "path",
    "nomenclature",
    "code",
    "base",
];

/// Checks an id given by a front end (URL, app, CLI): no NUL or control character, no backslash, not absolute, no
/// `.`/`..`/empty segment. Ids are looked up in SQLite, never on disk; this keeps it so.
pub fn check_id(what: &str, s: &str) -> Result<()> {
    let bad = |why: &str| {
        Err(Error::Invalid(format!(
            "invalid {what} `{}`: {why}",
            s.escape_debug()
        )))
    };
    if s.is_empty() {
        return bad("empty");
    }
    if s.chars().any(|c| c.is_control()) {
        return bad("control characters are not allowed");
    }
    if s.contains('\\') {
        return bad("backslashes are not allowed");
    }
    if s.starts_with('/')
        || s.as_bytes().get(1) == Some(&b':') && s.as_bytes()[0].is_ascii_alphabetic()
    {
        return bad("absolute paths are not allowed");
    }
    if s.split('/')
        .any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return bad("`.`, `..` and empty path segments are not allowed");
    }
    Ok(())
}

/// Checks the top-level arguments of a call ([`Hublot::call`] does, for every front end): no NUL anywhere, ids as [`check_id`].
pub fn check_args(args: &serde_json::Value) -> Result<()> {
    if let Some(m) = args.as_object() {
        for (k, v) in m {
            if let Some(s) = v.as_str() {
                if ID_PARAMS.contains(&k.as_str()) {
                    check_id(k, s)?;
                } else if s.contains('\0') {
                    return Err(Error::Invalid(format!("`{k}` contains a NUL character")));
                }
            }
        }
    }
    Ok(())
}
