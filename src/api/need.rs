//! Need statements: create, edit (autosave with revisions), add catalogue items with the keys
//! their linkage needs, change status (which freezes a version), compare versions, check,
//! export, import ([`crate::need`]). They live in user.sqlite: no sync, import or rollback of
//! the catalogue touches them.

use super::ops::{op, Download, NoArgs, Operation};
use super::Hublot;
use crate::cite::{CiteStyle, Lang};
use crate::clock::now_rfc3339;
use crate::need::checks::{self, CheckReport, Severity};
use crate::need::export::{self, ExportFormat, ExportInput};
use crate::need::{self, Change, DataItem, NeedStatement, Route, Status, StatusChange};
use crate::store::user_db::NeedRow;
use crate::store::CatalogueDb;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use ts_rs::TS;

/// A need statement in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NeedSummary {
    /// Its id.
    pub id: i64,
    /// The project's title.
    pub title: String,
    /// The project's acronym.
    pub acronym: String,
    /// Where it stands.
    pub status: Status,
    /// Its access route.
    pub route: Route,
    /// How many data items it asks for.
    pub items: usize,
    /// Created, RFC 3339.
    pub created: String,
    /// Last changed, RFC 3339.
    pub updated: String,
    /// The last saved version (0: none).
    pub version: u32,
}

/// A saved version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NeedVersion {
    /// 1, 2, …
    pub version: u32,
    /// When, RFC 3339.
    pub saved: String,
    /// Why, in words.
    pub note: String,
    /// The status it was saved in.
    pub status: Status,
}

/// Answer of `need.get` and of every edit: the statement and what the catalogue says of its
/// items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NeedView {
    /// Its id.
    pub id: i64,
    /// Revision of the draft: give it back to `need.update` so that a stale editor cannot
    /// overwrite a newer draft.
    pub rev: i64,
    /// Created, RFC 3339.
    pub created: String,
    /// Last changed, RFC 3339.
    pub updated: String,
    /// The saved versions, oldest first.
    pub versions: Vec<NeedVersion>,
    /// The document.
    pub document: NeedStatement,
    /// What the active catalogue says of each item, by reference (`variable/T/V` → its
    /// description, `table/T` → its title, `base/B` → its title); items it does not know are
    /// absent.
    pub labels: BTreeMap<String, String>,
}

/// Request naming a need statement.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedId {
    /// Its id.
    pub id: i64,
}

/// Request of `need.new`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedNew {
    /// The project's title.
    pub title: String,
    /// The access route (`authorisation`, `mr-004`…; default: not chosen).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub route: Option<String>,
    /// The statement's language (default `fr`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub lang: Option<Lang>,
}

/// Request of `need.update`: the autosave of an editor.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NeedUpdate {
    /// Its id.
    pub id: i64,
    /// The whole document as edited. Its status history is kept from the store (`need.status`
    /// changes it).
    pub document: NeedStatement,
    /// The revision the editor read; absent: overwrite whatever is there.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub rev: Option<i64>,
}

/// Request of `need.set`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedSet {
    /// Its id.
    pub id: i64,
    /// The field's path (`project.purpose`, `period.start`, `retention_months`) or a project
    /// field's name alone (`purpose`).
    pub field: String,
    /// The new value: text, or JSON for numbers and lists.
    pub value: String,
}

/// Request of `need.add` and `need.remove`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedItems {
    /// Its id.
    pub id: i64,
    /// Items: `base/ID`, `table/NAME`, `variable/TABLE/NAME`.
    pub items: Vec<String>,
    /// The justification given to the items added (`need.add`).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub why: Option<String>,
}

/// Answer of `need.add`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NeedAdded {
    /// The statement after the addition.
    pub view: NeedView,
    /// What was added: the items asked for that were not there yet, then the join keys their
    /// linkage needs (`key: true`).
    pub added: Vec<DataItem>,
}

/// Request of `need.status`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NeedStatusRequest {
    /// Its id.
    pub id: i64,
    /// The new status.
    pub status: Status,
    /// Why (a committee's reference, the reason of an amendment).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub note: Option<String>,
}

/// Request of `need.save`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedSave {
    /// Its id.
    pub id: i64,
    /// Why this version.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub note: Option<String>,
}

/// Request of `need.diff`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedDiff {
    /// Its id.
    pub id: i64,
    /// The older version.
    pub from: u32,
    /// The newer version; absent: the current draft.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub to: Option<u32>,
}

/// Request of `need.export`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedExport {
    /// Its id.
    pub id: i64,
    /// `pdf`, `docx`, `md`, `csv` or `json`.
    #[serde(default)]
    pub format: ExportFormat,
}

/// Request of `need.import`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NeedImport {
    /// The JSON text of an exported need statement.
    pub document: String,
    /// Names the text in errors (the file's name); default `need statement`.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub name: Option<String>,
}

fn doc_of(row: &NeedRow) -> Result<NeedStatement> {
    need::parse(&row.json, &format!("need statement {}", row.id))
}

fn summary(row: &NeedRow, version: u32) -> Result<NeedSummary> {
    let d = doc_of(row)?;
    Ok(NeedSummary {
        id: row.id,
        title: d.project.title.clone(),
        acronym: d.project.acronym.clone(),
        status: d.current_status(),
        route: d.route,
        items: d.data.len(),
        created: row.created.clone(),
        updated: row.updated.clone(),
        version,
    })
}

/// Parses `base/ID`, `table/NAME`, `variable/TABLE/NAME` into an item of the catalogue `db`.
fn resolve_item(db: &CatalogueDb, reference: &str) -> Result<DataItem> {
    let r = reference.trim();
    let parts: Vec<&str> = r.split('/').collect();
    let bad = || {
        Error::Invalid(format!(
            "item `{}`: write base/ID, table/NAME or variable/TABLE/NAME",
            r.escape_debug()
        ))
    };
    for p in &parts {
        super::check_id("item", p)?;
    }
    match parts.as_slice() {
        ["base", id] => {
            db.base(id)?
                .ok_or_else(|| Error::NotFound(format!("base `{id}` (item `{r}`)")))?;
            Ok(DataItem {
                base: id.to_string(),
                ..Default::default()
            })
        }
        ["table", t] => {
            let (table, _, _) = db
                .table(t)?
                .ok_or_else(|| Error::NotFound(format!("table `{t}` (item `{r}`)")))?;
            Ok(DataItem {
                base: table.base,
                table: Some(table.name),
                ..Default::default()
            })
        }
        ["variable", t, v] => {
            let (table, _, _) = db
                .table(t)?
                .ok_or_else(|| Error::NotFound(format!("table `{t}` (item `{r}`)")))?;
            let var = table
                .variables
                .iter()
                .find(|x| x.name.eq_ignore_ascii_case(v))
                .ok_or_else(|| {
                    Error::NotFound(format!("variable `{v}` of table `{t}` (item `{r}`)"))
                })?;
            Ok(DataItem {
                base: table.base.clone(),
                variable: Some(var.name.clone()),
                table: Some(table.name),
                ..Default::default()
            })
        }
        _ => Err(bad()),
    }
}

/// A table of persons: its primary key is the person's pseudonymised NIR (and birth rank),
/// as `IR_BEN_R`'s is.
fn is_person_table(t: &crate::model::Table) -> bool {
    !t.primary_key.is_empty()
        && t.primary_key
            .iter()
            .any(|k| k.to_ascii_uppercase().contains("NIR"))
        && t.primary_key.iter().all(|k| {
            let k = k.to_ascii_uppercase();
            k.contains("NIR") || k.contains("RNG_GEM")
        })
}

/// A link between two tables: (other table, columns on this side, columns on the other side).
type Edge = (String, Vec<String>, Vec<String>);

/// The tables `t` links to: its foreign keys, the foreign keys pointing at it, and its
/// siblings (tables with a foreign key to the same table on the same columns, which join each
/// other directly on them, like the PMSI's diagnoses and patient tables on `ETA_NUM, RSA_NUM`).
fn edges(db: &CatalogueDb, t: &str) -> Result<Vec<Edge>> {
    let (out, inn) = db.joins(t)?;
    let mut e: Vec<Edge> = Vec::new();
    for j in out.iter().chain(inn.iter()).filter(|j| j.exists) {
        e.push((j.table.clone(), j.fields.clone(), j.other_fields.clone()));
    }
    for j in out.iter().filter(|j| j.exists) {
        let (_, siblings) = db.joins(&j.table)?;
        for s in siblings {
            if s.table != t && s.other_fields == j.other_fields {
                e.push((s.table.clone(), j.fields.clone(), s.fields.clone()));
            }
        }
    }
    Ok(e)
}

/// The join keys the tables of `doc` need, as (table, column, the table it links to):
/// - between two tables of the statement, the columns of the foreign key on both sides;
/// - from each table to the person (the SNDS links a person's care on the pseudonymised NIR),
///   the columns along the shortest chain of links (three at most) to a table of persons,
///   the tables in between included (a pharmacy row reaches the person through its
///   prestation), the table of persons itself only when the statement asks for it.
fn needed_keys(db: &CatalogueDb, doc: &NeedStatement) -> Result<Vec<(String, String, String)>> {
    let tables: BTreeSet<String> = doc.data.iter().filter_map(|d| d.table.clone()).collect();
    let mut out = Vec::new();
    let mut push = |t: &str, cols: &[String], to: &str| {
        for c in cols {
            out.push((t.to_string(), c.clone(), to.to_string()));
        }
    };
    let mut known: BTreeMap<String, Option<crate::model::Table>> = BTreeMap::new();
    let mut table = |name: &str| -> Result<Option<crate::model::Table>> {
        if !known.contains_key(name) {
            known.insert(name.to_string(), db.table(name)?.map(|x| x.0));
        }
        Ok(known[name].clone())
    };
    for t in &tables {
        let Some(this) = table(t)? else { continue };
        for fk in &this.foreign_keys {
            if fk.table != *t && tables.contains(&fk.table) {
                push(t, &fk.fields, &fk.table);
                push(&fk.table, &fk.ref_fields, t);
            }
        }
        if is_person_table(&this) {
            continue;
        }
        // Breadth first, so the chain found is a shortest one; edges in catalogue order.
        let mut seen = BTreeSet::from([t.clone()]);
        let mut frontier: Vec<Vec<(String, Edge)>> = vec![vec![]];
        let mut found: Option<Vec<(String, Edge)>> = None;
        'depth: for _ in 0..3 {
            let mut next = Vec::new();
            for path in &frontier {
                let from = path.last().map_or(t.clone(), |(_, e)| e.0.clone());
                for e in edges(db, &from)? {
                    if !seen.insert(e.0.clone()) {
                        continue;
                    }
                    let mut p = path.clone();
                    p.push((from.clone(), e.clone()));
                    if table(&e.0)?.is_some_and(|x| is_person_table(&x)) {
                        found = Some(p);
                        break 'depth;
                    }
                    next.push(p);
                }
            }
            frontier = next;
        }
        for (from, (to, cols, other_cols)) in found.unwrap_or_default() {
            push(&from, &cols, &to);
            if tables.contains(&to) || !table(&to)?.is_some_and(|x| is_person_table(&x)) {
                push(&to, &other_cols, &from);
            }
        }
    }
    Ok(out)
}

fn key_why(lang: Lang, to: &str) -> String {
    match lang {
        Lang::Fr => format!("Clé de chaînage avec {to}."),
        Lang::En => format!("Join key to {to}."),
    }
}

impl Hublot {
    fn need_row(&self, id: i64) -> Result<NeedRow> {
        self.user
            .lock()
            .expect("lock")
            .need(id)?
            .ok_or_else(|| Error::NotFound(format!("need statement {id}")))
    }

    fn need_view(&self, row: NeedRow) -> Result<NeedView> {
        let document = doc_of(&row)?;
        let versions = self.user.lock().expect("lock").need_versions(row.id)?;
        let versions = versions
            .into_iter()
            .map(|v| {
                let status = need::parse(&v.json, "version")
                    .map(|d| d.current_status())
                    .unwrap_or_default();
                NeedVersion {
                    version: v.version,
                    saved: v.saved,
                    note: v.note,
                    status,
                }
            })
            .collect();
        let labels = self.need_labels(&document).unwrap_or_default();
        Ok(NeedView {
            id: row.id,
            rev: row.rev,
            created: row.created,
            updated: row.updated,
            versions,
            document,
            labels,
        })
    }

    /// What the active catalogue says of each item of `doc`.
    fn need_labels(&self, doc: &NeedStatement) -> Result<BTreeMap<String, String>> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        let mut out = BTreeMap::new();
        let mut tables: BTreeMap<String, Option<crate::model::Table>> = BTreeMap::new();
        for d in &doc.data {
            if let std::collections::btree_map::Entry::Vacant(e) =
                out.entry(format!("base/{}", d.base))
            {
                if let Some(b) = db.base(&d.base)? {
                    let t = match doc.lang {
                        Lang::Fr => &b.title.fr,
                        Lang::En => &b.title.en,
                    };
                    e.insert(if t.is_empty() { b.name } else { t.clone() });
                }
            }
            let Some(t) = &d.table else { continue };
            if !tables.contains_key(t) {
                tables.insert(t.clone(), db.table(t)?.map(|x| x.0));
            }
            let Some(table) = tables.get(t).and_then(Option::as_ref) else {
                continue;
            };
            out.insert(format!("table/{t}"), table.title.clone());
            if let Some(v) = &d.variable {
                if let Some(var) = table.variables.iter().find(|x| &x.name == v) {
                    out.insert(d.reference(), var.description.clone());
                }
            }
        }
        Ok(out)
    }

    /// Writes `doc` as the draft of `id` (bounded, validated) and answers the view.
    fn need_write(&self, id: i64, doc: &NeedStatement, rev: Option<i64>) -> Result<NeedView> {
        need::validate(doc, &format!("need statement {id}"))?;
        let json = need::to_json(doc);
        if json.len() > need::MAX_NEED_BYTES {
            return Err(Error::TooLarge(format!(
                "need statement {id}: {} bytes; at most {}",
                json.len(),
                need::MAX_NEED_BYTES
            )));
        }
        self.user.lock().expect("lock").need_update(
            id,
            &doc.project.title,
            &json,
            rev,
            &now_rfc3339(),
        )?;
        self.need_view(self.need_row(id)?)
    }

    /// `need.list`: every need statement, the last changed first.
    pub fn need_list(&self) -> Result<Vec<NeedSummary>> {
        let user = self.user.lock().expect("lock");
        let rows = user.needs()?;
        rows.iter()
            .map(|r| {
                let v = user.need_versions(r.id)?.last().map_or(0, |v| v.version);
                summary(r, v)
            })
            .collect()
    }

    /// `need.get`: a need statement.
    pub fn need_get(&self, id: i64) -> Result<NeedView> {
        self.need_view(self.need_row(id)?)
    }

    /// `need.new`: a new, empty need statement.
    pub fn need_new(&self, r: &NeedNew) -> Result<NeedView> {
        let title = r.title.trim();
        if title.is_empty() {
            return Err(Error::Invalid("need.new: a title is needed".into()));
        }
        if title.chars().count() > 500 {
            return Err(Error::TooLarge(
                "need.new: a title is at most 500 characters".into(),
            ));
        }
        let route = match r.route.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Route::Unset,
            Some(s) => Route::parse(s).ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown route `{}`; routes: {}",
                    s.escape_debug(),
                    Route::ALL.map(Route::name).join(", ")
                ))
            })?,
        };
        let doc = NeedStatement::new(title, route, r.lang.unwrap_or_default());
        let id = self.user.lock().expect("lock").need_create(
            title,
            &need::to_json(&doc),
            &now_rfc3339(),
        )?;
        self.need_get(id)
    }

    /// `need.update`: replaces the draft (an editor's autosave). The status history stays the
    /// store's.
    pub fn need_update(&self, r: &NeedUpdate) -> Result<NeedView> {
        let stored = doc_of(&self.need_row(r.id)?)?;
        let mut doc = r.document.clone();
        doc.format = need::NEED_FORMAT.into();
        doc.schema = need::NEED_SCHEMA_VERSION;
        doc.status = stored.status;
        self.need_write(r.id, &doc, r.rev)
    }

    /// `need.set`: sets one field.
    pub fn need_set(&self, r: &NeedSet) -> Result<NeedView> {
        let row = self.need_row(r.id)?;
        let doc = need::set_field(&doc_of(&row)?, &r.field, &r.value)?;
        self.need_write(r.id, &doc, Some(row.rev))
    }

    /// `need.add`: adds catalogue items, then the join keys that the tables of the statement
    /// need to be linked (marked `key`). An item already there keeps its justification.
    pub fn need_add(&self, r: &NeedItems) -> Result<NeedAdded> {
        if r.items.is_empty() {
            return Err(Error::Invalid("need.add: no item given".into()));
        }
        if r.items.len() > need::MAX_ITEMS {
            return Err(Error::TooLarge(format!(
                "need.add: at most {} items at once",
                need::MAX_ITEMS
            )));
        }
        let row = self.need_row(r.id)?;
        let mut doc = doc_of(&row)?;
        let why = r.why.as_deref().unwrap_or("").trim().to_string();
        let mut added = Vec::new();
        {
            let a = self.active()?;
            let db = a.db.lock().expect("lock");
            for reference in &r.items {
                let mut item = resolve_item(&db, reference)?;
                let key = item.reference();
                if let Some(old) = doc.data.iter_mut().find(|d| d.reference() == key) {
                    // Asked for explicitly: no longer only a key; a new justification wins.
                    old.key = false;
                    if !why.is_empty() {
                        old.why = why.clone();
                    }
                    continue;
                }
                item.why = why.clone();
                doc.data.push(item.clone());
                added.push(item);
            }
            for (table, column, to) in needed_keys(&db, &doc)? {
                let reference = format!("variable/{table}/{column}");
                if doc.data.iter().any(|d| d.reference() == reference)
                    || doc
                        .data
                        .iter()
                        .any(|d| d.table.as_deref() == Some(&table) && d.variable.is_none())
                {
                    continue;
                }
                let Some((t, _, _)) = db.table(&table)? else {
                    continue;
                };
                let item = DataItem {
                    base: t.base,
                    table: Some(table),
                    variable: Some(column),
                    why: key_why(doc.lang, &to),
                    key: true,
                };
                doc.data.push(item.clone());
                added.push(item);
            }
        }
        let view = self.need_write(r.id, &doc, Some(row.rev))?;
        Ok(NeedAdded { view, added })
    }

    /// `need.remove`: removes items (a whole table removes its variables too).
    pub fn need_remove(&self, r: &NeedItems) -> Result<NeedView> {
        let row = self.need_row(r.id)?;
        let mut doc = doc_of(&row)?;
        for reference in &r.items {
            let reference = reference.trim();
            let before = doc.data.len();
            let table = reference.strip_prefix("table/");
            doc.data.retain(|d| {
                d.reference() != reference && !(table.is_some() && d.table.as_deref() == table)
            });
            if doc.data.len() == before {
                return Err(Error::NotFound(format!(
                    "item `{}` in need statement {}",
                    reference.escape_debug(),
                    r.id
                )));
            }
        }
        self.need_write(r.id, &doc, Some(row.rev))
    }

    /// `need.status`: moves the statement along draft → ready → submitted → approved /
    /// rejected (back to draft to amend it). Leaving draft freezes a saved version; a statement
    /// whose checks find errors cannot be marked ready or submitted.
    pub fn need_status(&self, r: &NeedStatusRequest) -> Result<NeedView> {
        let row = self.need_row(r.id)?;
        let mut doc = doc_of(&row)?;
        let now = doc.current_status();
        if !now.next().contains(&r.status) {
            return Err(Error::Invalid(format!(
                "need statement {}: `{}` cannot follow `{}` (next: {})",
                r.id,
                r.status.name(),
                now.name(),
                now.next()
                    .iter()
                    .map(|s| s.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        if matches!(r.status, Status::Ready | Status::Submitted) {
            let report = self.need_check_doc(&doc, doc.lang)?;
            if report.errors > 0 {
                let first: Vec<&str> = report
                    .findings
                    .iter()
                    .filter(|f| f.severity == Severity::Error)
                    .take(3)
                    .map(|f| f.message.as_str())
                    .collect();
                return Err(Error::Invalid(format!(
                    "need statement {}: {} check error(s) to fix before `{}`: {}",
                    r.id,
                    report.errors,
                    r.status.name(),
                    first.join(" ")
                )));
            }
        }
        let note = r.note.as_deref().unwrap_or("").trim().to_string();
        let at = now_rfc3339();
        let version = if r.status == Status::Draft {
            0
        } else {
            // The version records the statement as it stood when its status changed.
            let mut frozen = doc.clone();
            frozen.status.push(StatusChange {
                status: r.status,
                at: at.clone(),
                note: note.clone(),
                version: 0,
            });
            let n = self.user.lock().expect("lock").need_versions(r.id)?.len() as u32 + 1;
            frozen.status.last_mut().expect("pushed").version = n;
            self.user.lock().expect("lock").need_save_version(
                r.id,
                &need::to_json(&frozen),
                &note,
                &at,
            )?
        };
        doc.status.push(StatusChange {
            status: r.status,
            at,
            note,
            version,
        });
        self.need_write(r.id, &doc, Some(row.rev))
    }

    /// `need.save`: saves the draft as the next numbered version.
    pub fn need_save(&self, r: &NeedSave) -> Result<NeedView> {
        let row = self.need_row(r.id)?;
        let note = r.note.as_deref().unwrap_or("").trim();
        if note.chars().count() > 2000 {
            return Err(Error::TooLarge(
                "need.save: a note is at most 2000 characters".into(),
            ));
        }
        self.user
            .lock()
            .expect("lock")
            .need_save_version(r.id, &row.json, note, &now_rfc3339())?;
        self.need_get(r.id)
    }

    /// `need.diff`: what changed from one version to another (or to the draft).
    pub fn need_diff(&self, r: &NeedDiff) -> Result<Vec<Change>> {
        let row = self.need_row(r.id)?;
        let versions = self.user.lock().expect("lock").need_versions(r.id)?;
        let get = |n: u32| -> Result<NeedStatement> {
            let v = versions.iter().find(|v| v.version == n).ok_or_else(|| {
                Error::NotFound(format!("version {n} of need statement {}", r.id))
            })?;
            need::parse(&v.json, &format!("need statement {} version {n}", r.id))
        };
        let old = get(r.from)?;
        let new = match r.to {
            Some(n) => get(n)?,
            None => doc_of(&row)?,
        };
        Ok(need::diff(&old, &new))
    }

    fn need_check_doc(&self, doc: &NeedStatement, lang: Lang) -> Result<CheckReport> {
        let a = self.active()?;
        let db = a.db.lock().expect("lock");
        checks::check(doc, &db, lang)
    }

    /// `need.check`: the checks of a statement, in its language.
    pub fn need_check(&self, id: i64) -> Result<CheckReport> {
        let doc = doc_of(&self.need_row(id)?)?;
        self.need_check_doc(&doc, doc.lang)
    }

    /// `need.export`: the statement as a file.
    pub fn need_export(&self, r: &NeedExport) -> Result<Download> {
        let row = self.need_row(r.id)?;
        let doc = doc_of(&row)?;
        let version = self
            .user
            .lock()
            .expect("lock")
            .need_versions(r.id)?
            .last()
            .map_or(0, |v| v.version);
        let stem = file_stem(&doc, r.id);
        let filename = format!("{stem}.{}", r.format.extension());
        if r.format == ExportFormat::Json {
            // Lossless and independent of the catalogue: the document itself.
            return Ok(Download {
                filename,
                media_type: r.format.media_type().into(),
                bytes: need::to_json(&doc).into_bytes(),
            });
        }
        let labels = self.need_labels(&doc)?;
        let report = self.need_check_doc(&doc, doc.lang)?;
        let mut citations = Vec::new();
        let bases: BTreeSet<&str> = doc.data.iter().map(|d| d.base.as_str()).collect();
        for b in bases {
            // A base the active catalogue no longer knows is still in the statement; it just
            // has no bibliography entry.
            if let Ok(c) = self.cite(&super::CiteRequest {
                id: b.to_string(),
                style: Some(CiteStyle::Apa),
                lang: Some(doc.lang),
                accessed: None,
            }) {
                for item in c.items {
                    if !citations.contains(&item.text) {
                        citations.push(item.text);
                    }
                }
            }
        }
        let generated = &now_rfc3339()[..10];
        let bytes = export::export(
            &ExportInput {
                id: r.id,
                doc: &doc,
                version,
                labels: &labels,
                report: &report,
                citations: &citations,
                generated,
            },
            r.format,
        )?;
        Ok(Download {
            filename,
            media_type: r.format.media_type().into(),
            bytes,
        })
    }

    /// `need.import`: a need statement from its exported JSON, as a new statement.
    pub fn need_import(&self, r: &NeedImport) -> Result<NeedView> {
        let name = r.name.as_deref().unwrap_or("need statement");
        // The text is the caller's: a file that is not a statement is a bad request (400), with
        // the file, line and field, not a failure of this machine.
        let doc = need::parse(&r.document, name).map_err(|e| match e {
            Error::Json { .. } | Error::Field { .. } => Error::Invalid(e.to_string()),
            other => other,
        })?;
        let id = self.user.lock().expect("lock").need_create(
            &doc.project.title,
            &need::to_json(&doc),
            &now_rfc3339(),
        )?;
        self.need_get(id)
    }

    /// `need.delete`: deletes a statement and its versions; answers the remaining list.
    pub fn need_delete(&self, id: i64) -> Result<Vec<NeedSummary>> {
        if !self.user.lock().expect("lock").need_delete(id)? {
            return Err(Error::NotFound(format!("need statement {id}")));
        }
        self.need_list()
    }
}

/// A file name for the exports: the acronym, else the title, made safe; else `need-ID`.
fn file_stem(doc: &NeedStatement, id: i64) -> String {
    let src = if doc.project.acronym.trim().is_empty() {
        &doc.project.title
    } else {
        &doc.project.acronym
    };
    let mut s = String::new();
    for c in src.chars() {
        if c.is_alphanumeric() {
            s.extend(c.to_lowercase());
        } else if !s.ends_with('-') && !s.is_empty() {
            s.push('-');
        }
        if s.chars().count() >= 40 {
            break;
        }
    }
    let s = s.trim_end_matches('-');
    if s.is_empty() {
        format!("need-{id}")
    } else {
        format!("{s}-besoin")
    }
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("need.list", Read, page "/api/needs", "Every need statement, the last changed first.",
        |h, _c, _r: NoArgs| -> Vec<NeedSummary> { h.need_list() }),
    op!("need.get", Read, page "/api/needs/{id}", "A need statement, with what the catalogue says of its items.",
        |h, _c, r: NeedId| -> NeedView { h.need_get(r.id) }),
    op!("need.new", Write, "Creates a need statement (title, route, language).",
        |h, _c, r: NeedNew| -> NeedView { h.need_new(&r) }),
    op!("need.update", Write, "Replaces the draft of a need statement (autosave); refused with 409 when the revision given is stale.",
        |h, _c, r: NeedUpdate| -> NeedView { h.need_update(&r) }),
    op!("need.set", Write, "Sets one field of a need statement by its path (project.purpose, period.start, retention_months…).",
        |h, _c, r: NeedSet| -> NeedView { h.need_set(&r) }),
    op!("need.add", Write, "Adds bases, tables or variables to a need statement, with the join keys their linkage needs.",
        |h, _c, r: NeedItems| -> NeedAdded { h.need_add(&r) }),
    op!("need.remove", Write, "Removes items from a need statement.",
        |h, _c, r: NeedItems| -> NeedView { h.need_remove(&r) }),
    op!("need.status", Write, "Moves a need statement along draft → ready → submitted → approved / rejected (back to draft to amend); freezes a version.",
        |h, _c, r: NeedStatusRequest| -> NeedView { h.need_status(&r) }),
    op!("need.save", Write, "Saves the draft of a need statement as its next version.",
        |h, _c, r: NeedSave| -> NeedView { h.need_save(&r) }),
    op!("need.diff", Read, "What changed between two versions of a need statement (or a version and the draft).",
        |h, _c, r: NeedDiff| -> Vec<Change> { h.need_diff(&r) }),
    op!("need.check", Read, page "/api/needs/{id}/check", "Checks a need statement: completeness for its route, minimisation, potential identifiers, combinations, codes, sensitive categories.",
        |h, _c, r: NeedId| -> CheckReport { h.need_check(r.id) }),
    op!("need.export", Read, page "/api/needs/{id}/export", "A need statement as PDF, DOCX, Markdown, CSV or JSON.",
        |h, _c, r: NeedExport| -> file { h.need_export(&r) }),
    op!("need.import", Write, "Imports a need statement from its exported JSON, as a new statement.",
        |h, _c, r: NeedImport| -> NeedView { h.need_import(&r) }),
    op!("need.delete", Write, "Deletes a need statement and its versions.",
        |h, _c, r: NeedId| -> Vec<NeedSummary> { h.need_delete(r.id) }),
];
