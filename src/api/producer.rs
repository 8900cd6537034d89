//! Producers' drafts (issue 11): open a producer's folder, see it as Hublot's users will over the
//! active snapshot, with the findings of the validation beside the fields they concern and, when
//! the base is already published, the differences; export it.
//!
//! A draft is held by a [`DraftSession`]: the folder, a *preview* [`Hublot`] on a temporary data
//! directory whose one snapshot is the published catalogue with the draft laid over it
//! ([`crate::producer::overlay`]), and the current [`DraftView`]. A watcher thread lists the
//! folder every 200 ms ([`crate::producer::watch`]) and reloads on a change; each reload bumps
//! the view's `version`, which `hublot preview` pushes to the page as a server-sent event
//! (`/api/-/producer/events`) and the app polls with `producer.status`.
//!
//! Who may name a folder: `producer.open` is local-only (the desktop app, the CLI). The preview
//! server (`hublot preview PATH`) serves the preview Hublot, which holds the draft it was
//! started on: its page reads `producer.draft` and never sends a path. A network client of
//! plain `hublot serve` has no draft, and cannot open one.

use super::catalogue::{BasePage, TablePage};
use super::ops::{op, Caller, Download, NoArgs, Operation};
use super::Hublot;
use crate::ingest::draft_folder::{draft_files, read_draft, DraftFolder};
use crate::ingest::healthdcat;
use crate::producer::{diff, export, overlay, watch};
use crate::store::{CatalogueDb, DataDir};
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use ts_rs::TS;

/// A finding of the validation, placed beside the field of the page it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct DraftFinding {
    /// `violation`, `warning` or `info`.
    pub severity: String,
    /// The node or record the finding is about (dataset IRI, table name…).
    pub focus: String,
    /// The property path (`dct:title`, `dct:publisher/foaf:mbox`, `fields[2].type`…).
    pub path: String,
    /// The constraint that failed (`sh:MinCountConstraintComponent`…).
    pub constraint: String,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The file, relative to the draft folder.
    pub file: Option<String>,
    /// The line in that file.
    pub line: Option<u64>,
    /// The field of the page it is shown beside: a base field (`title`, `description`,
    /// `producer`, `contact`, `keywords`, `period`, `geography`, `access`, `population`,
    /// `identifier`, `links`), `table/NAME`, or `other`.
    pub field: String,
}

/// One base of the draft, as the catalogue shows it, and its published version.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct DraftBase {
    /// The base page, as the catalogue with the draft shows it.
    pub page: BasePage,
    /// The published base page, when the active snapshot has a base of the same id.
    pub published: Option<BasePage>,
    /// What the draft changes in the published base, field by field (empty for a new base).
    pub changes: Vec<diff::FieldChange>,
    /// Tables the draft adds, removes or changes in the published base.
    pub table_changes: Vec<diff::TableChange>,
}

/// The draft as the Producer page shows it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct DraftView {
    /// Bumped at every reload (the page refetches when `producer.status` or the event stream
    /// says another).
    pub version: u64,
    /// The folder (or file) previewed.
    pub root: String,
    /// When the draft was last read (RFC 3339).
    pub loaded: String,
    /// How long the last reload took (reading, overlay, validation), in milliseconds.
    pub took_ms: u64,
    /// Why the last reload failed (file, line, field); the view keeps the last draft that
    /// loaded.
    pub error: Option<String>,
    /// The draft's bases.
    pub bases: Vec<DraftBase>,
    /// The draft's tables, as the catalogue's table pages show them.
    pub tables: Vec<TablePage>,
    /// The draft's code lists (name, title, rows).
    pub nomenclatures: Vec<crate::model::Nomenclature>,
    /// The draft's documentation pages (path, title).
    pub docs: Vec<(String, String)>,
    /// The validation's findings.
    pub findings: Vec<DraftFinding>,
    /// True when the validation found no violation.
    pub conforms: bool,
    /// The completeness score, as the validation reports it (absent when it did not run).
    #[ts(type = "unknown")]
    pub score: Option<serde_json::Value>,
    /// Why the validation could not run, if it could not.
    pub validation_error: Option<String>,
    /// Warnings of the reading (links dropped, bases ignored…).
    pub warnings: Vec<String>,
    /// The files of the draft, relative to its folder.
    pub files: Vec<String>,
    /// The published snapshot the draft is laid over.
    pub snapshot: String,
}

/// Where the draft stands, cheaply (polled by the app).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct DraftStatus {
    /// True when a draft is open.
    pub open: bool,
    /// Its view's version.
    pub version: u64,
    /// The folder.
    pub root: Option<String>,
    /// The last reload's error.
    pub error: Option<String>,
}

/// Request of `producer.open`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ProducerOpen {
    /// The producer's folder (or one record file).
    #[ts(type = "string")]
    pub folder: PathBuf,
    /// Watch it and reload on changes (default true).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub watch: Option<bool>,
}

/// The format of `producer.export`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
pub enum DraftExportFormat {
    /// HealthDCAT-AP Turtle, for the HDH's ingestion.
    #[default]
    Ttl,
    /// A static, self-contained HTML page of the base.
    Html,
}

/// Request of `producer.export`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ProducerExport {
    /// `ttl` (default) or `html`.
    #[serde(default)]
    #[ts(as = "Option<DraftExportFormat>", optional)]
    pub format: DraftExportFormat,
    /// A folder to export instead of the open draft (command line and desktop app only).
    #[serde(default)]
    #[ts(as = "Option<String>", optional = nullable)]
    pub folder: Option<PathBuf>,
}

/// Request of `producer.export_snapshot`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct ProducerExportSnapshot {
    /// The snapshot folder to write (new, empty, or an earlier snapshot to replace).
    #[ts(type = "string")]
    pub out: PathBuf,
    /// A folder to export instead of the open draft.
    #[serde(default)]
    #[ts(as = "Option<String>", optional = nullable)]
    pub folder: Option<PathBuf>,
    /// The manifest id (default: `<base id>-draft`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub id: Option<String>,
}

/// Which draft a Hublot holds: its own (opened by `producer.open`), or, for the preview
/// Hublot, the session it belongs to (weak, so that the session's end frees both).
enum SessionRef {
    Owned(Arc<DraftSession>),
    Preview(Weak<DraftSession>),
}

/// The draft a [`Hublot`] holds, if any.
#[derive(Default)]
pub(crate) struct ProducerSlot(RwLock<Option<SessionRef>>);

impl ProducerSlot {
    fn get(&self) -> Option<Arc<DraftSession>> {
        match &*self.0.read().expect("lock") {
            Some(SessionRef::Owned(s)) => Some(s.clone()),
            Some(SessionRef::Preview(w)) => w.upgrade(),
            None => None,
        }
    }
}

struct DraftState {
    view: DraftView,
    draft: Option<Arc<DraftFolder>>,
}

/// An open draft: its folder, its preview catalogue and its current view.
pub struct DraftSession {
    root: PathBuf,
    /// The user's data directory: only its pointer and snapshot directories are read.
    published: DataDir,
    preview_data: DataDir,
    preview: Arc<Hublot>,
    state: Mutex<DraftState>,
    reloading: Mutex<()>,
    next_id: AtomicU64,
    stop: AtomicBool,
    events: tokio::sync::watch::Sender<u64>,
    // Last: removed once everything above is closed.
    _tmp: tempfile::TempDir,
}

impl DraftSession {
    /// Opens `root` over the active snapshot of `h`; with `watch`, a thread reloads it on
    /// every change until the session ends.
    pub fn start(h: &Hublot, root: &Path, watch: bool) -> Result<Arc<DraftSession>> {
        let t0 = std::time::Instant::now();
        let root = std::fs::canonicalize(root).map_err(|e| Error::io(root, e))?;
        let tmp = tempfile::Builder::new()
            .prefix("hublot-preview-")
            .tempdir()
            .map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let preview_data = DataDir::new(tmp.path().join("data"))?;
        // The first preview snapshot: the draft over the published one, or the published one
        // alone when the draft cannot be read yet (the view says why).
        let published = h.data.clone();
        let pub_dir = h.active()?.dir.clone();
        let first = read_draft(&root);
        let empty = DraftFolder {
            root: root.clone(),
            catalogue: Default::default(),
            records: vec![],
            docs_root: None,
            snds_tree: false,
        };
        let staging = preview_data.staging("preview-1")?;
        overlay::build_preview(
            &pub_dir,
            first.as_ref().unwrap_or(&empty),
            &staging,
            "preview-1",
        )?;
        preview_data.activate(&staging, "preview-1")?;
        let preview = Arc::new(Hublot::open(Some(preview_data.root().to_path_buf()))?);
        let (events, _) = tokio::sync::watch::channel(0u64);
        let s = Arc::new(DraftSession {
            root: root.clone(),
            published,
            preview_data,
            preview,
            state: Mutex::new(DraftState {
                view: DraftView {
                    root: root.display().to_string(),
                    ..Default::default()
                },
                draft: None,
            }),
            reloading: Mutex::new(()),
            next_id: AtomicU64::new(2),
            stop: AtomicBool::new(false),
            events,
            _tmp: tmp,
        });
        *s.preview.producer.0.write().expect("lock") =
            Some(SessionRef::Preview(Arc::downgrade(&s)));
        match first {
            Ok(d) => s.publish(d, &pub_dir, t0),
            Err(e) => s.fail(e),
        }
        if watch {
            let weak = Arc::downgrade(&s);
            let mut last = watch::fingerprint(&root);
            std::thread::Builder::new()
                .name("hublot-preview-watch".into())
                .spawn(move || loop {
                    std::thread::sleep(watch::POLL);
                    let Some(s) = weak.upgrade() else { break };
                    if s.stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let fp = watch::fingerprint(&s.root);
                    if fp != last {
                        last = fp;
                        s.reload();
                    }
                })
                .map_err(|e| Error::io(&root, e))?;
        }
        Ok(s)
    }

    /// The Hublot of the preview catalogue (published + draft): `hublot preview` serves it.
    pub fn preview(&self) -> Arc<Hublot> {
        self.preview.clone()
    }

    /// The folder.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The current view.
    pub fn view(&self) -> DraftView {
        self.state.lock().expect("lock").view.clone()
    }

    /// A receiver of the view's versions (the event stream of `hublot preview`).
    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.events.subscribe()
    }

    /// Stops watching.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The draft as last read, or an error saying why there is none.
    fn draft(&self) -> Result<Arc<DraftFolder>> {
        let st = self.state.lock().expect("lock");
        st.draft.clone().ok_or_else(|| {
            Error::Invalid(format!(
                "the draft {} cannot be read: {}",
                self.root.display(),
                st.view.error.as_deref().unwrap_or("no draft")
            ))
        })
    }

    /// Reads the folder again and rebuilds the preview (the watcher calls it on a change).
    pub fn reload(&self) {
        let _one = self.reloading.lock().expect("lock");
        let t0 = std::time::Instant::now();
        let pub_dir = match self.published.current() {
            Some(id) => self.published.snapshot(&id),
            None => return self.fail(Error::NotFound("no active snapshot".into())),
        };
        let d = match read_draft(&self.root) {
            Ok(d) => d,
            Err(e) => return self.fail(e),
        };
        let id = format!("preview-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let built = (|| -> Result<()> {
            let staging = self.preview_data.staging(&id)?;
            overlay::build_preview(&pub_dir, &d, &staging, &id)?;
            self.preview_data.activate(&staging, &id)?;
            self.preview.refresh()?;
            Ok(())
        })();
        match built {
            Ok(()) => self.publish(d, &pub_dir, t0),
            Err(e) => self.fail(e),
        }
    }

    fn bump(&self, st: &mut DraftState) {
        st.view.version += 1;
        st.view.loaded = crate::clock::now_rfc3339();
        self.events.send_replace(st.view.version);
    }

    fn fail(&self, e: Error) {
        let mut st = self.state.lock().expect("lock");
        st.view.error = Some(e.to_string());
        self.bump(&mut st);
    }

    fn publish(&self, d: DraftFolder, pub_dir: &Path, t0: std::time::Instant) {
        let view = self.compute_view(&d, pub_dir);
        let mut st = self.state.lock().expect("lock");
        let version = st.view.version;
        st.view = match view {
            Ok(v) => DraftView {
                version,
                took_ms: t0.elapsed().as_millis() as u64,
                ..v
            },
            Err(e) => DraftView {
                error: Some(e.to_string()),
                ..st.view.clone()
            },
        };
        st.draft = Some(Arc::new(d));
        self.bump(&mut st);
    }

    fn compute_view(&self, d: &DraftFolder, pub_dir: &Path) -> Result<DraftView> {
        let p = &self.preview;
        let cat = &d.catalogue;
        let published = CatalogueDb::open(&pub_dir.join("catalogue.sqlite"))?;
        let mut bases = Vec::new();
        for b in &cat.bases {
            let page = p.base(&b.id)?;
            let old = published.base(&b.id)?;
            let (published_page, changes, table_changes) = match old {
                Some(old) => {
                    let summaries = published.tables(Some(b.id.as_str()))?;
                    let mut old_tables = Vec::new();
                    for s in &summaries {
                        if let Some((t, _, _)) = published.table(&s.name)? {
                            old_tables.push(t);
                        }
                    }
                    let new_tables: Vec<crate::model::Table> = cat
                        .tables
                        .iter()
                        .filter(|t| t.base == b.id)
                        .cloned()
                        .collect();
                    (
                        Some(BasePage {
                            base: old.clone(),
                            tables: summaries,
                            components: vec![],
                            parent: None,
                        }),
                        diff::base_changes(&old, b),
                        diff::table_changes(&old_tables, &new_tables),
                    )
                }
                None => (None, vec![], vec![]),
            };
            bases.push(DraftBase {
                page,
                published: published_page,
                changes,
                table_changes,
            });
        }
        let mut tables = Vec::new();
        for t in &cat.tables {
            tables.push(p.table(&t.name)?);
        }
        let mut nomenclatures = Vec::new();
        for c in &cat.code_lists {
            if let Ok(n) = p.nomenclature(&super::NomenclatureRequest {
                name: c.name.clone(),
                limit: Some(1),
                ..Default::default()
            }) {
                nomenclatures.push(n.nomenclature);
            }
        }
        let files = draft_files(&self.root)
            .unwrap_or_default()
            .iter()
            .map(|f| rel(&self.root, f))
            .collect();
        let lang = match p.settings()?.iter().find(|(k, _)| k == "ui.lang") {
            Some((_, l)) if l == "en" => crate::cite::Lang::En,
            _ => crate::cite::Lang::Fr,
        };
        let v = validate(d, &published, lang);
        Ok(DraftView {
            version: 0,
            root: self.root.display().to_string(),
            loaded: String::new(),
            took_ms: 0,
            error: None,
            bases,
            tables,
            nomenclatures,
            docs: cat
                .docs
                .iter()
                .map(|x| (x.path.clone(), x.title.clone()))
                .collect(),
            conforms: v.conforms,
            findings: v.findings,
            score: v.score,
            validation_error: v.error,
            warnings: cat.warnings.clone(),
            files,
            snapshot: pub_dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        })
    }
}

impl Drop for DraftSession {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// `path` relative to `root`, `/`-separated.
fn rel(root: &Path, path: &Path) -> String {
    if root.is_file() {
        return path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    crate::ingest::snapshot_manifest::rel_path(root, path)
}

/// What the validation says of a draft.
struct Validation {
    conforms: bool,
    findings: Vec<DraftFinding>,
    score: Option<serde_json::Value>,
    error: Option<String>,
}

/// The base field of the page a property path concerns.
pub fn field_of(path: &str) -> &'static str {
    let first = path.split('/').next().unwrap_or("");
    let first = first.trim_start_matches('<').trim_end_matches('>');
    let local = crate::ingest::healthdcat::compact(first);
    match local.as_str() {
        "dct:title" => "title",
        "dct:alternative" => "name",
        "dct:description" => "description",
        "dct:publisher" | "dct:creator" => "producer",
        "dcat:contactPoint" => "contact",
        "healthdcatap:populationCoverage" => "population",
        "dct:temporal" => "period",
        "dct:spatial" => "geography",
        "dct:accessRights" | "dct:rights" => "access",
        "dcat:keyword" => "keywords",
        "dct:identifier" | "adms:identifier" => "identifier",
        "dcat:landingPage" | "dcat:distribution" | "adms:sample" | "foaf:page" => "links",
        _ => "other",
    }
}

/// Where a record's nodes hang from its datasets: a dataset IRI → `""` (its own properties),
/// and the IRI of a node a dataset property points to (its publisher…) → that property.
fn node_roots(d: &DraftFolder) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for path in &d.records {
        let Ok(g) = healthdcat::parse_file(path) else {
            continue;
        };
        for ds in g.datasets() {
            if let healthdcat::Node::Iri(i) = &ds {
                out.push((i.clone(), String::new()));
            }
            for (p, o) in g.properties(&ds) {
                if let Some(healthdcat::Node::Iri(i)) = o.as_node() {
                    out.push((i.clone(), p.clone()));
                }
            }
        }
    }
    out
}

/// The page field of a validation finding: a base field for a property of a dataset (or of a
/// node it names by IRI, such as its publisher), `table/NAME` for a table schema's findings,
/// `other` otherwise (blank nodes: the findings list shows them with their message).
fn finding_field(focus: &str, path: &str, d: &DraftFolder, roots: &[(String, String)]) -> String {
    if let Some(t) = focus.strip_prefix("table:") {
        return format!("table/{t}");
    }
    if d.catalogue.tables.iter().any(|t| t.name == focus) {
        return format!("table/{focus}");
    }
    match roots.iter().find(|(iri, _)| iri == focus) {
        Some((_, via)) if via.is_empty() => field_of(path).to_string(),
        Some((_, via)) => field_of(via).to_string(),
        None => "other".to_string(),
    }
}

/// Validates the draft with [`crate::validate::validate_paths`] (foreign keys and code lists
/// resolve in the published snapshot). When the validation cannot run, the mandatory
/// HealthDCAT-AP properties of each record are still checked ([`healthdcat::check_mandatory`],
/// the HDH's `sh:minCount 1`) and the reason is given.
fn validate(d: &DraftFolder, published: &CatalogueDb, lang: crate::cite::Lang) -> Validation {
    let opts = crate::validate::ValidateOptions {
        lang,
        ..Default::default()
    };
    match crate::validate::validate_paths(std::slice::from_ref(&d.root), &opts, Some(published)) {
        Ok(r) => {
            let roots = node_roots(d);
            Validation {
                conforms: r.conforms,
                findings: r
                    .findings
                    .into_iter()
                    .map(|f| {
                        let path = f.path.unwrap_or_default();
                        DraftFinding {
                            severity: serde_json::to_value(f.severity)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_else(|| "violation".into()),
                            field: finding_field(&f.focus, &path, d, &roots),
                            focus: f.focus,
                            path,
                            constraint: f.constraint,
                            value: f.value,
                            message: f.message,
                            fix: f.fix,
                            file: f.file.map(|p| rel(&d.root, &p)),
                            line: f.line,
                        }
                    })
                    .collect(),
                score: serde_json::to_value(r.score).ok(),
                error: None,
            }
        }
        Err(e) => {
            let mut v = mandatory_only(d);
            v.error = Some(e.to_string());
            v
        }
    }
}

/// The mandatory HealthDCAT-AP properties of each record (the fallback of [`validate`]).
fn mandatory_only(d: &DraftFolder) -> Validation {
    let mut findings = Vec::new();
    for path in &d.records {
        let Ok(g) = healthdcat::parse_file(path) else {
            continue;
        };
        for ds in g.datasets() {
            let focus = match &ds {
                healthdcat::Node::Iri(i) => i.clone(),
                healthdcat::Node::Blank(b) => format!("_:{b}"),
            };
            for m in healthdcat::check_mandatory(&g, &ds) {
                findings.push(DraftFinding {
                    severity: "violation".into(),
                    focus: focus.clone(),
                    field: field_of(&m.path).into(),
                    constraint: "sh:MinCountConstraintComponent".into(),
                    value: None,
                    fix: format!("Add {} to the record.", m.path),
                    message: m.message,
                    path: m.path,
                    file: Some(rel(&d.root, path)),
                    line: None,
                });
            }
        }
    }
    Validation {
        conforms: !findings.iter().any(|f| f.severity == "violation"),
        findings,
        score: None,
        error: None,
    }
}

impl Hublot {
    /// The draft this Hublot holds, if any.
    pub fn producer_session(&self) -> Option<Arc<DraftSession>> {
        self.producer.get()
    }

    fn session_or_404(&self) -> Result<Arc<DraftSession>> {
        self.producer_session().ok_or_else(|| {
            Error::NotFound(
                "no draft is open: open a folder on the Producer page of the desktop app, or run \
                 `hublot preview FOLDER`"
                    .into(),
            )
        })
    }

    /// `producer.open`: opens a producer's folder over the active snapshot (and watches it).
    /// The draft open before, if any, is closed.
    pub fn producer_open(&self, req: &ProducerOpen) -> Result<DraftView> {
        let s = DraftSession::start(self, &req.folder, req.watch.unwrap_or(true))?;
        let view = s.view();
        let old = self
            .producer
            .0
            .write()
            .expect("lock")
            .replace(SessionRef::Owned(s));
        if let Some(SessionRef::Owned(o)) = old {
            o.stop();
        }
        Ok(view)
    }

    /// `producer.close`: closes the open draft (its temporary catalogue is removed).
    pub fn producer_close(&self) -> Result<DraftStatus> {
        let old = self.producer.0.write().expect("lock").take();
        if let Some(SessionRef::Owned(o)) = old {
            o.stop();
        }
        Ok(DraftStatus::default())
    }

    /// `producer.draft`: the open draft, as the Producer page shows it.
    pub fn producer_draft(&self) -> Result<DraftView> {
        Ok(self.session_or_404()?.view())
    }

    /// `producer.status`: whether a draft is open, and its version.
    pub fn producer_status(&self) -> Result<DraftStatus> {
        Ok(match self.producer_session() {
            None => DraftStatus::default(),
            Some(s) => {
                let v = s.view();
                DraftStatus {
                    open: true,
                    version: v.version,
                    root: Some(v.root),
                    error: v.error,
                }
            }
        })
    }

    /// The draft an export is about: the folder given (local callers only), else the open one.
    fn draft_for(&self, path: Option<&Path>, caller: Caller) -> Result<Arc<DraftFolder>> {
        match path {
            Some(p) if caller == Caller::Network => Err(Error::Forbidden(format!(
                "`{}`: over HTTP an export is of the draft the server was started on; folders \
                 are named from the hublot command line or the desktop app",
                p.display().to_string().escape_debug()
            ))),
            Some(p) => Ok(Arc::new(read_draft(p)?)),
            None => self.session_or_404()?.draft(),
        }
    }

    /// `producer.export`: the draft as HealthDCAT-AP Turtle or as a static HTML page.
    pub fn producer_export(&self, req: &ProducerExport, caller: Caller) -> Result<Download> {
        let d = self.draft_for(req.folder.as_deref(), caller)?;
        let stem = d
            .catalogue
            .bases
            .first()
            .map(|b| b.id.clone())
            .unwrap_or_else(|| "brouillon".into());
        Ok(match req.format {
            DraftExportFormat::Ttl => Download {
                filename: format!("{stem}.ttl"),
                media_type: "text/turtle; charset=utf-8".into(),
                bytes: export::turtle(&d)?,
            },
            DraftExportFormat::Html => Download {
                filename: format!("{stem}.html"),
                media_type: "text/html; charset=utf-8".into(),
                bytes: export::html(&d).into_bytes(),
            },
        })
    }

    /// `producer.export_snapshot`: the draft as a Hublot snapshot folder.
    pub fn producer_export_snapshot(
        &self,
        req: &ProducerExportSnapshot,
    ) -> Result<crate::sync::SnapshotBuildReport> {
        let d = self.draft_for(req.folder.as_deref(), Caller::Local)?;
        export::snapshot(&d, &req.out, req.id.clone())
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!(
        "producer.open",
        LocalOnly,
        "Opens a producer's folder over the active snapshot and watches it.",
        |h, _c, r: ProducerOpen| -> DraftView { h.producer_open(&r) }
    ),
    op!(
        "producer.close",
        LocalOnly,
        "Closes the open draft.",
        |h, _c, _r: NoArgs| -> DraftStatus { h.producer_close() }
    ),
    op!("producer.draft", Read, page "/api/producer", "The open draft as the catalogue shows it: bases, tables, findings, differences with the published base.",
        |h, _c, _r: NoArgs| -> DraftView { h.producer_draft() }),
    op!(
        "producer.status",
        Read,
        "Whether a draft is open, and its version (polled to refresh).",
        |h, _c, _r: NoArgs| -> DraftStatus { h.producer_status() }
    ),
    op!(
        "producer.export",
        Read,
        "The draft as HealthDCAT-AP Turtle (`ttl`) or as a static HTML page (`html`).",
        |h, c, r: ProducerExport| -> file { h.producer_export(&r, c) }
    ),
    op!(
        "producer.export_snapshot",
        LocalOnly,
        "Writes the draft as a Hublot snapshot folder (`hublot import` and sync read it).",
        |h, _c, r: ProducerExportSnapshot| -> crate::sync::SnapshotBuildReport {
            h.producer_export_snapshot(&r)
        }
    ),
];
