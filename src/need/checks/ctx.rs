//! What the checks share: the catalogue with a cache of what they read from it, and the
//! findings collected so far with their place in the document.

use super::text::norm;
use super::vars::{about_providers, classify_folded, Kind};
use super::{CheckReport, Finding, Section, Severity};
use crate::cite::Lang;
use crate::model::{Base, Table};
use crate::store::CatalogueDb;
use crate::Result;
use std::collections::HashMap;
use std::rc::Rc;

/// What the checks read in a table's text, worked out once per table and check: folding text is
/// most of the checks' time when done per comparison.
pub(super) struct Folded {
    /// Each variable's description, folded (see [`norm`]).
    pub desc: Vec<String>,
    /// Each variable's kind of identifier.
    pub kind: Vec<Option<Kind>>,
    /// The table's title and product, folded.
    pub context: String,
}

/// The catalogue, read once per table and base during one check.
pub(super) struct Ctx<'a> {
    pub cat: &'a CatalogueDb,
    pub lang: Lang,
    tables: HashMap<String, Option<Rc<Table>>>,
    folded: HashMap<String, Rc<Folded>>,
    bases: HashMap<String, Option<Rc<Base>>>,
    found: Vec<(Section, usize, Finding)>,
}

impl<'a> Ctx<'a> {
    pub fn new(cat: &'a CatalogueDb, lang: Lang) -> Self {
        Ctx {
            cat,
            lang,
            tables: HashMap::new(),
            folded: HashMap::new(),
            bases: HashMap::new(),
            found: Vec::new(),
        }
    }

    /// The table `name` of the catalogue. A PMSI table named with its year (`T_MCO19C`) is
    /// found under the catalogue's yearless name (`T_MCOaaC`).
    pub fn table(&mut self, name: &str) -> Result<Option<Rc<Table>>> {
        if let Some(t) = self.tables.get(name) {
            return Ok(t.clone());
        }
        let mut t = self.cat.table(name)?.map(|(t, _, _)| Rc::new(t));
        if t.is_none() {
            if let Some(generic) = yearless(name) {
                t = self.cat.table(&generic)?.map(|(t, _, _)| Rc::new(t));
            }
        }
        self.tables.insert(name.to_string(), t.clone());
        Ok(t)
    }

    /// The folded text of table `t` and the identifiers among its variables.
    pub fn folded(&mut self, t: &Table) -> Rc<Folded> {
        if let Some(f) = self.folded.get(&t.name) {
            return f.clone();
        }
        let providers = about_providers(t);
        let desc: Vec<String> = t.variables.iter().map(|v| norm(&v.description)).collect();
        let kind = t
            .variables
            .iter()
            .zip(&desc)
            .map(|(v, d)| classify_folded(v, d, providers))
            .collect();
        let f = Rc::new(Folded {
            desc,
            kind,
            context: norm(&format!("{} {}", t.title, t.produit)),
        });
        self.folded.insert(t.name.clone(), f.clone());
        f
    }

    /// The base `id` of the catalogue.
    pub fn base(&mut self, id: &str) -> Result<Option<Rc<Base>>> {
        if let Some(b) = self.bases.get(id) {
            return Ok(b.clone());
        }
        let b = self.cat.base(id)?.map(Rc::new);
        self.bases.insert(id.to_string(), b.clone());
        Ok(b)
    }

    /// Records a finding at `index` of `section`.
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        section: Section,
        index: usize,
        severity: Severity,
        rule: &str,
        item: Option<String>,
        message: String,
        fix: String,
    ) {
        self.found.push((
            section,
            index,
            Finding {
                severity,
                rule: rule.into(),
                item,
                message,
                fix,
            },
        ));
    }

    /// The report: most severe first, then in the order of the document (a stable sort keeps
    /// the order in which one item's findings were made).
    pub fn finish(mut self) -> CheckReport {
        self.found
            .sort_by_key(|(section, index, f)| (f.severity, *section, *index));
        let findings: Vec<Finding> = self.found.into_iter().map(|(_, _, f)| f).collect();
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        CheckReport {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            infos: count(Severity::Info),
            findings,
        }
    }
}

/// `T_MCO19C` → `T_MCOaaC`: the PMSI's yearly tables are described once, with `aa` for the year.
fn yearless(name: &str) -> Option<String> {
    let b = name.as_bytes();
    (b.len() > 7
        && name.starts_with("T_")
        && b[2..5].iter().all(u8::is_ascii_alphabetic)
        && b[5..7].iter().all(u8::is_ascii_digit))
    .then(|| format!("{}aa{}", &name[..5], &name[7..]))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_pmsi_table_of_one_year_is_found_under_its_yearless_name() {
        assert_eq!(super::yearless("T_MCO19C").as_deref(), Some("T_MCOaaC"));
        assert_eq!(super::yearless("T_SUP21ATU").as_deref(), Some("T_SUPaaATU"));
        assert_eq!(super::yearless("ER_PRS_F"), None);
    }
}
