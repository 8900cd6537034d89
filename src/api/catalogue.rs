//! Search and browsing: the catalogue's pages (bases, tables, variables, code lists, codes,
//! documentation) and their operations.

use super::ops::{op, NoArgs, Operation};
use super::Hublot;
use crate::build::SnapshotInfo;
use crate::model::{Base, Code, DocPage, Nomenclature, Table, Variable};
use crate::search::{SearchRequest, SearchResponse};
use crate::store::catalogue_db::{BaseSummary, CodePage, Join, TableSummary};
use crate::store::samples_db::{self, SamplePreview};
use crate::store::Stats;
use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A base's page.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
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
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
pub struct BaseRef {
    /// Id.
    pub id: String,
    /// Short name.
    pub name: String,
    /// Title.
    pub title: crate::model::Text,
}

/// A table's page.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
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
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
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
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct NomenclaturePage {
    /// The code list.
    pub nomenclature: Nomenclature,
    /// The requested page of rows.
    pub codes: CodePage,
    /// Variables using it, as `table/variable`.
    pub used_by: Vec<String>,
}

/// A code's page.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct CodeRecord {
    /// Its code list.
    pub nomenclature: Nomenclature,
    /// The row.
    pub code: Code,
}

/// Any record, as `show` returns it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "lowercase")]
// Not `Record`: that would shadow TypeScript's own `Record<K, V>` in the UI.
#[ts(rename = "AnyRecord")]
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
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
pub struct Overview {
    /// Active snapshot.
    pub snapshot: SnapshotInfo,
    /// Bases with sizes.
    pub bases: Vec<BaseSummary>,
    /// Counts.
    pub stats: Stats,
}

/// Request of `nomenclature.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct NomenclatureRequest {
    /// Code list name.
    pub name: String,
    /// Filter: code prefix or label words.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub q: Option<String>,
    /// First row.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub offset: Option<u64>,
    /// Rows per page (default 50, at most 1000).
    #[serde(default)]
    #[ts(optional = nullable)]
    pub limit: Option<u64>,
}

/// Request of `base.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct BaseGet {
    /// The base's id (`dcir`).
    pub id: String,
}

/// Request of `table.list`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct TableList {
    /// Only the tables of this base.
    #[serde(default)]
    #[ts(optional = nullable)]
    pub base: Option<String>,
}

/// Request of `table.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct TableGet {
    /// The table's name (`IR_BEN_R`).
    pub name: String,
}

/// Request of `variable.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct VariableGet {
    /// Its table.
    pub table: String,
    /// Its name.
    pub name: String,
}

/// Request of `code.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct CodeGet {
    /// The code list.
    pub nomenclature: String,
    /// The code.
    pub code: String,
}

/// Request of `doc.get`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct DocGet {
    /// The page's path in the documentation tree (`fiches/beneficiaires.md`).
    pub path: String,
}

/// Request of `record.show`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
pub struct RecordShow {
    /// `kind/…` (`table/IR_BEN_R`) or a bare name.
    pub id: String,
}

impl Hublot {
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

    /// `base.list`: every base with its number of tables and variables.
    pub fn bases(&self) -> Result<Vec<BaseSummary>> {
        self.active()?.db.lock().expect("lock").bases()
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
}

/// The operations of this file.
pub(crate) static OPS: &[Operation] = &[
    op!("search.query", Read, page "/api/search", "Full-text search of the catalogue.",
        |h, _c, r: SearchRequest| -> SearchResponse { h.search(&r) }),
    op!("catalogue.stats", Read, page "/api/stats", "Counts of the active snapshot.",
        |h, _c, _r: NoArgs| -> Stats { h.stats() }),
    op!("catalogue.overview", Read, page "/api/overview", "The home page: snapshot, bases with sizes, counts.",
        |h, _c, _r: NoArgs| -> Overview { h.overview() }),
    op!("base.list", Read, page "/api/bases", "Every base with its number of tables and variables.",
        |h, _c, _r: NoArgs| -> Vec<BaseSummary> { h.bases() }),
    op!("base.get", Read, page "/api/bases/{id}", "A base with its tables, parent and components.",
        |h, _c, r: BaseGet| -> BasePage { h.base(&r.id) }),
    op!("table.list", Read, page "/api/tables", "Every table, or those of one base.",
        |h, _c, r: TableList| -> Vec<TableSummary> { h.tables(r.base.as_deref()) }),
    op!("table.get", Read, page "/api/tables/{name}", "A table with its joins and first sample rows.",
        |h, _c, r: TableGet| -> TablePage { h.table(&r.name) }),
    op!("variable.get", Read, page "/api/variables/{table}/{name}", "A variable, its code list and the other tables that have it.",
        |h, _c, r: VariableGet| -> VariablePage { h.variable(&r.table, &r.name) }),
    op!("nomenclature.get", Read, page "/api/nomenclatures/{name}", "A code list, filtered and paged.",
        |h, _c, r: NomenclatureRequest| -> NomenclaturePage { h.nomenclature(&r) }),
    op!("code.get", Read, page "/api/codes/{nomenclature}/{*code}", "One code of a code list.",
        |h, _c, r: CodeGet| -> CodeRecord { h.code(&r.nomenclature, &r.code) }),
    op!("doc.list", Read, page "/api/docs", "Every documentation page as (path, title).",
        |h, _c, _r: NoArgs| -> Vec<(String, String)> { h.docs() }),
    op!("doc.get", Read, page "/api/docs/{*path}", "A documentation page, its HTML sanitised.",
        |h, _c, r: DocGet| -> DocPage { h.doc(&r.path) }),
    op!("record.show", Read, page "/api/records/{*id}", "Any record by id (`table/X`, `variable/T/V`, `doc/a.md`…) or bare name.",
        |h, _c, r: RecordShow| -> Record { h.show(&r.id) }),
];
