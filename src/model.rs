//! The catalogue's domain types: what the readers produce, the store keeps and the API returns.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// Text for people, in French (always) and English (when we have it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Text {
    /// French text.
    #[serde(default)]
    pub fr: String,
    /// English text, empty when there is none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub en: String,
}

impl Text {
    /// French-only text.
    pub fn fr(s: impl Into<String>) -> Self {
        Text {
            fr: s.into(),
            en: String::new(),
        }
    }
    /// Both languages joined, for indexing.
    pub fn all(&self) -> String {
        if self.en.is_empty() {
            self.fr.clone()
        } else {
            format!("{} {}", self.fr, self.en)
        }
    }
    /// True when neither language has text.
    pub fn is_empty(&self) -> bool {
        self.fr.is_empty() && self.en.is_empty()
    }
}

/// An organisation (producer, publisher).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Org {
    /// Its name.
    pub name: String,
    /// Its web site.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A web link with a label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Link {
    /// What the link is.
    pub title: Text,
    /// Where it goes.
    pub url: String,
}

/// Period covered by a base.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Period {
    /// First year (or date) covered.
    #[serde(default)]
    pub start: Option<String>,
    /// Last year covered; `None` while the base is still fed.
    #[serde(default)]
    pub end: Option<String>,
    /// The period in words.
    #[serde(default)]
    pub text: Text,
}

/// How a base can be accessed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Access {
    /// Route codes (`cesrees-cnil`, `mr-004`, `egb-simplified`, `open-data`…).
    #[serde(default)]
    pub routes: Vec<String>,
    /// Conditions in words.
    #[serde(default)]
    pub text: Text,
}

/// A base of the catalogue (SNDS component, cohort, registry, warehouse…).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Base {
    /// Stable identifier, a slug (`dcir`, `pmsi-mco`).
    pub id: String,
    /// Short name (`DCIR`).
    pub name: String,
    /// Full title.
    #[serde(default)]
    pub title: Text,
    /// `claims`, `hospital`, `mortality`, `sample`, `cohort`, `registry`…
    #[serde(default)]
    pub kind: String,
    /// The base this one is a component of.
    #[serde(default)]
    pub parent: Option<String>,
    /// Who produces the data.
    #[serde(default)]
    pub producer: Option<Org>,
    /// Contact (e-mail or page).
    #[serde(default)]
    pub contact: Option<String>,
    /// What the base holds.
    #[serde(default)]
    pub description: Text,
    /// Who is covered.
    #[serde(default)]
    pub population: Text,
    /// When.
    #[serde(default)]
    pub period: Period,
    /// Where.
    #[serde(default)]
    pub geography: Text,
    /// How to get access.
    #[serde(default)]
    pub access: Access,
    /// Useful pages.
    #[serde(default)]
    pub links: Vec<Link>,
    /// The base's DOI, only when real and sourced.
    #[serde(default)]
    pub doi: Option<String>,
    /// How to cite it.
    #[serde(default)]
    pub citation: Option<String>,
    /// Table Schema `produit` values whose tables belong to this base.
    #[serde(default)]
    pub produits: Vec<String>,
    /// Search keywords, in any language.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Properties read from a source that Hublot does not map, kept to show raw.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A link from some columns of one table to another table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ForeignKey {
    /// Columns of this table.
    pub fields: Vec<String>,
    /// The table referenced.
    pub table: String,
    /// Its columns.
    pub ref_fields: Vec<String>,
}

/// A link from a variable to a code list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct CodeListRef {
    /// The code list (`IR_SEX_V`).
    pub name: String,
    /// The column of the code list holding the codes, when given (`IR_BER_V:BEN_RNG_GEM`).
    pub column: Option<String>,
}

/// A column of a table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Variable {
    /// Its name (`BEN_NIR_PSA`).
    pub name: String,
    /// What it holds.
    pub description: String,
    /// Table Schema type (`string`, `integer`, `date`…).
    pub r#type: String,
    /// Length as documented (`17`, `4,0`).
    pub length: Option<String>,
    /// Format (`default`, `%Y%m%d`…).
    pub format: Option<String>,
    /// Code list it takes its values from.
    pub nomenclature: Option<CodeListRef>,
    /// Constraints, as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraints: Option<serde_json::Value>,
    /// Year or date it appeared.
    pub date_created: Option<String>,
    /// Year or date it was removed.
    pub date_deleted: Option<String>,
    /// Periods it is missing.
    #[serde(default)]
    pub date_missing: Vec<String>,
    /// Observations.
    pub observation: Option<String>,
    /// Management rule (`regle_gestion`).
    pub regle_gestion: Option<String>,
}

/// A table of a base.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Table {
    /// Its name (`ER_PRS_F`).
    pub name: String,
    /// Its title.
    pub title: String,
    /// The `produit` (domain) it belongs to (`DCIR`, `PMSI MCO`).
    pub produit: String,
    /// The base it belongs to (slug).
    pub base: String,
    /// Its columns, in order.
    pub variables: Vec<Variable>,
    /// Primary key columns.
    pub primary_key: Vec<String>,
    /// Links to other tables.
    pub foreign_keys: Vec<ForeignKey>,
    /// Observations on the table.
    pub observation: Option<String>,
    /// History (created, deleted, missing), as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<serde_json::Value>,
    /// Where the schema was read.
    pub source: String,
}

/// A code list (nomenclature): its description; its rows live apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Nomenclature {
    /// Its name (`IR_SEX_V`).
    pub name: String,
    /// Its title.
    pub title: String,
    /// Column names, in order.
    pub columns: Vec<String>,
    /// Index of the code column.
    pub code_column: usize,
    /// Index of the label column, when there is one.
    pub label_column: Option<usize>,
    /// Where it was read.
    pub source: String,
    /// Number of rows.
    pub rows: usize,
}

/// One row of a code list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct Code {
    /// The code (`I21`).
    pub code: String,
    /// Its label.
    pub label: String,
    /// All the row's values, in column order.
    pub values: Vec<String>,
}

/// A page of documentation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct DocPage {
    /// Path relative to the documentation root, `/`-separated.
    pub path: String,
    /// Title (front matter, else first heading, else file name).
    pub title: String,
    /// Plain text, for search.
    pub text: String,
    /// Sanitised HTML, for display.
    pub html: String,
    /// DOIs found in the page.
    pub dois: Vec<String>,
    /// Headings, for a table of contents: (level, text, anchor).
    pub headings: Vec<(u8, String, String)>,
}
