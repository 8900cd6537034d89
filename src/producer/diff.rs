//! "Published" and "draft" side by side: what a draft changes in a base the active snapshot
//! already has, field by field, and table by table.

use crate::model::{Base, Table, Text};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// How a field or a table differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(rename = "DraftChangeKind")]
pub enum ChangeKind {
    /// Only in the draft.
    Added,
    /// Only in the published version.
    Removed,
    /// In both, different.
    Changed,
}

/// One field of a base (or a variable of a table) that the draft changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct FieldChange {
    /// The field (`title.fr`, `keywords`, `producer`…; for a variable, its name).
    pub field: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// The published value, as shown.
    pub published: Option<String>,
    /// The draft's value, as shown.
    pub draft: Option<String>,
}

/// A table that the draft adds, removes or changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct TableChange {
    /// The table.
    pub table: String,
    /// Added, removed or changed.
    pub change: ChangeKind,
    /// For a changed table: its title and keys (`title`, `primary_key`, `foreign_keys`) and
    /// each variable added, removed or changed (its description, type, length, code list).
    pub fields: Vec<FieldChange>,
}

fn text(t: &Text, lang: &str) -> Option<String> {
    let s = if lang == "en" { &t.en } else { &t.fr };
    (!s.trim().is_empty()).then(|| s.trim().to_string())
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
}

fn list(v: &[String]) -> Option<String> {
    (!v.is_empty()).then(|| v.join(", "))
}

/// The fields of a base as the base page shows them, in page order.
pub fn base_fields(b: &Base) -> Vec<(&'static str, Option<String>)> {
    let period = match (&b.period.start, &b.period.end) {
        (None, None) => None,
        (s, e) => Some(format!(
            "{} – {}",
            s.as_deref().unwrap_or("?"),
            e.as_deref().unwrap_or("")
        )),
    };
    vec![
        ("name", Some(b.name.clone()).filter(|s| !s.is_empty())),
        ("title.fr", text(&b.title, "fr")),
        ("title.en", text(&b.title, "en")),
        ("kind", Some(b.kind.clone()).filter(|s| !s.is_empty())),
        ("parent", opt(&b.parent)),
        (
            "producer",
            b.producer.as_ref().map(|p| match &p.url {
                Some(u) => format!("{} <{u}>", p.name),
                None => p.name.clone(),
            }),
        ),
        ("contact", opt(&b.contact)),
        ("description.fr", text(&b.description, "fr")),
        ("description.en", text(&b.description, "en")),
        ("population.fr", text(&b.population, "fr")),
        ("population.en", text(&b.population, "en")),
        ("period", period),
        ("period.text", text(&b.period.text, "fr")),
        ("geography", text(&b.geography, "fr")),
        ("access.routes", list(&b.access.routes)),
        ("access.text", text(&b.access.text, "fr")),
        (
            "links",
            list(&b.links.iter().map(|l| l.url.clone()).collect::<Vec<_>>()),
        ),
        ("doi", opt(&b.doi)),
        ("citation", opt(&b.citation)),
        ("keywords", list(&b.keywords)),
    ]
}

fn compare(field: &str, published: Option<String>, draft: Option<String>) -> Option<FieldChange> {
    let change = match (&published, &draft) {
        (None, None) => return None,
        (Some(a), Some(b)) if a == b => return None,
        (None, Some(_)) => ChangeKind::Added,
        (Some(_), None) => ChangeKind::Removed,
        (Some(_), Some(_)) => ChangeKind::Changed,
    };
    Some(FieldChange {
        field: field.to_string(),
        change,
        published,
        draft,
    })
}

/// What the draft of a base changes in its published version, in page order.
pub fn base_changes(published: &Base, draft: &Base) -> Vec<FieldChange> {
    base_fields(published)
        .into_iter()
        .zip(base_fields(draft))
        .filter_map(|((f, a), (_, b))| compare(f, a, b))
        .collect()
}

fn variable_line(t: &Table, name: &str) -> Option<String> {
    let v = t.variables.iter().find(|v| v.name == name)?;
    let mut s = format!("{} ({})", v.description.trim(), v.r#type);
    if let Some(l) = &v.length {
        s.push_str(&format!(", {l}"));
    }
    if let Some(n) = &v.nomenclature {
        s.push_str(&format!(" → {}", n.name));
    }
    Some(s)
}

fn keys(t: &Table) -> Option<String> {
    let fks: Vec<String> = t
        .foreign_keys
        .iter()
        .map(|f| format!("{} → {}", f.fields.join("+"), f.table))
        .collect();
    list(&fks)
}

/// What the draft's tables change in the published tables of the same base: tables added,
/// removed, and, for tables in both, their title, keys and variables.
pub fn table_changes(published: &[Table], draft: &[Table]) -> Vec<TableChange> {
    let mut out = Vec::new();
    for d in draft {
        match published.iter().find(|p| p.name == d.name) {
            None => out.push(TableChange {
                table: d.name.clone(),
                change: ChangeKind::Added,
                fields: vec![],
            }),
            Some(p) => {
                let mut fields: Vec<FieldChange> = [
                    compare(
                        "title",
                        Some(p.title.clone()).filter(|s| !s.is_empty()),
                        Some(d.title.clone()).filter(|s| !s.is_empty()),
                    ),
                    compare("primary_key", list(&p.primary_key), list(&d.primary_key)),
                    compare("foreign_keys", keys(p), keys(d)),
                ]
                .into_iter()
                .flatten()
                .collect();
                let mut names: Vec<&str> = p.variables.iter().map(|v| v.name.as_str()).collect();
                for v in &d.variables {
                    if !names.contains(&v.name.as_str()) {
                        names.push(&v.name);
                    }
                }
                for n in names {
                    if let Some(c) = compare(n, variable_line(p, n), variable_line(d, n)) {
                        fields.push(c);
                    }
                }
                if !fields.is_empty() {
                    out.push(TableChange {
                        table: d.name.clone(),
                        change: ChangeKind::Changed,
                        fields,
                    });
                }
            }
        }
    }
    for p in published {
        if !draft.iter().any(|d| d.name == p.name) {
            out.push(TableChange {
                table: p.name.clone(),
                change: ChangeKind::Removed,
                fields: vec![],
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_differences_are_listed_with_their_kind() {
        let a = Base {
            id: "x".into(),
            name: "X".into(),
            title: Text::fr("Ancien"),
            keywords: vec!["a".into()],
            ..Default::default()
        };
        let mut b = a.clone();
        b.title = Text::fr("Nouveau");
        b.doi = Some("10.5072/x".into());
        b.keywords.clear();
        let c = base_changes(&a, &b);
        let got: Vec<(&str, ChangeKind)> = c.iter().map(|c| (c.field.as_str(), c.change)).collect();
        assert_eq!(
            got,
            [
                ("title.fr", ChangeKind::Changed),
                ("doi", ChangeKind::Added),
                ("keywords", ChangeKind::Removed)
            ]
        );
        assert!(base_changes(&a, &a).is_empty());
    }
}
