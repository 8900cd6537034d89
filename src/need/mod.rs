//! Need statements (expressions de besoin): the document ([`model`]), how it is read and
//! written as JSON (one canonical form, so that an export imported and exported again is the
//! same bytes), and the edits the front ends share (set a field by its path, add catalogue
//! items with the keys their linkage needs). Storage is [`crate::store::user_db`]; the
//! operations are in [`crate::api::need`].

pub mod checks;
pub mod export;
pub mod model;

pub use model::*;

use crate::{Error, Result};
use serde_json::Value;

/// The canonical JSON of a document: pretty-printed, fields in declaration order, one final
/// newline. Exports and the store both write it.
pub fn to_json(doc: &NeedStatement) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("a need statement serialises");
    s.push('\n');
    s
}

/// Reads a need-statement document. `origin` names it in errors (a file path, `need 3`).
/// Refused, with the line, column and field: a file over [`MAX_NEED_BYTES`], JSON that is not a
/// need statement, a newer schema, more than [`MAX_ITEMS`] data items.
pub fn parse(text: &str, origin: &str) -> Result<NeedStatement> {
    if text.len() > MAX_NEED_BYTES {
        return Err(Error::TooLarge(format!(
            "{origin}: a need statement is at most {} MiB ({} bytes given)",
            MAX_NEED_BYTES / (1024 * 1024),
            text.len()
        )));
    }
    let invalid = |e: serde_json::Error| Error::Json {
        path: origin.into(),
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    // The envelope first, so that a file of another kind gets a sentence about what it is not,
    // not a list of missing fields.
    let v: Value = serde_json::from_str(text).map_err(invalid)?;
    let field_err = |field: &str, message: String| Error::Field {
        path: origin.into(),
        field: field.into(),
        message,
    };
    match v.get("format").and_then(Value::as_str) {
        Some(NEED_FORMAT) => {}
        Some(other) => {
            return Err(field_err(
                "format",
                format!("`{other}` is not a Hublot need statement (`{NEED_FORMAT}`)"),
            ))
        }
        None => {
            return Err(field_err(
                "format",
                format!("missing: this JSON is not a Hublot need statement (`{NEED_FORMAT}`)"),
            ))
        }
    }
    match v.get("schema").and_then(Value::as_u64) {
        Some(n) if n as u32 as u64 == n && n as u32 <= NEED_SCHEMA_VERSION && n >= 1 => {}
        Some(n) => {
            return Err(field_err(
                "schema",
                format!(
                    "version {n} is not one this Hublot reads (1 to {NEED_SCHEMA_VERSION}); \
                     update Hublot"
                ),
            ))
        }
        None => return Err(field_err("schema", "missing or not a number".into())),
    }
    let doc: NeedStatement = serde_json::from_str(text).map_err(invalid)?;
    validate(&doc, origin)?;
    Ok(doc)
}

/// Checks what the types cannot say: bounds and references written as the CLI writes them.
pub fn validate(doc: &NeedStatement, origin: &str) -> Result<()> {
    let field_err = |field: String, message: String| Error::Field {
        path: origin.into(),
        field,
        message,
    };
    if doc.data.len() > MAX_ITEMS {
        return Err(field_err(
            "data".into(),
            format!("{} items; at most {MAX_ITEMS}", doc.data.len()),
        ));
    }
    for (i, d) in doc.data.iter().enumerate() {
        if d.base.trim().is_empty() && d.table.is_none() {
            return Err(field_err(
                format!("data[{i}].base"),
                "empty: an item names a base, a table or a variable".into(),
            ));
        }
        if d.variable.is_some() && d.table.is_none() {
            return Err(field_err(
                format!("data[{i}].table"),
                "a variable is named with its table".into(),
            ));
        }
    }
    let mut prev = Status::Draft;
    for (i, s) in doc.status.iter().enumerate() {
        if !(prev.next().contains(&s.status) || i == 0 && s.status == Status::Draft) {
            return Err(field_err(
                format!("status[{i}].status"),
                format!("`{}` cannot follow `{}`", s.status.name(), prev.name()),
            ));
        }
        prev = s.status;
    }
    Ok(())
}

/// Sets the field at `path` (`project.title`, `period.start`, `retention_months`, or a field of
/// the project by its name alone: `purpose`) to `value`. The value is taken as JSON when it
/// parses as such and the field is not a text field (numbers, lists, `null`), else as text.
pub fn set_field(doc: &NeedStatement, path: &str, value: &str) -> Result<NeedStatement> {
    let mut v = serde_json::to_value(doc).expect("serialises");
    let parts = resolve_path(&v, path)?;
    let (last, parents) = parts.split_last().expect("non-empty");
    let mut at = &mut v;
    for p in parents {
        at = at.get_mut(p.as_str()).expect("resolved");
    }
    let slot = at.as_object_mut().expect("resolved to an object");
    let new = match slot.get(last.as_str()) {
        Some(Value::String(_)) => Value::String(value.to_string()),
        _ => serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string())),
    };
    slot.insert(last.clone(), new);
    let doc: NeedStatement = serde_json::from_value(v).map_err(|e| {
        Error::Invalid(format!(
            "field `{path}`: {e} (value `{}`)",
            value.escape_debug()
        ))
    })?;
    validate(&doc, "need statement")?;
    Ok(doc)
}

/// The settable fields: every leaf of the document but the envelope, the data list and the
/// status history (they have operations of their own).
pub fn settable_fields() -> Vec<String> {
    let v = serde_json::to_value(NeedStatement::new("", Route::Unset, Default::default()))
        .expect("serialises");
    let mut out = Vec::new();
    fn walk(v: &Value, prefix: &str, out: &mut Vec<String>) {
        if let Value::Object(m) = v {
            for (k, x) in m {
                let p = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if prefix.is_empty() && ["format", "schema", "data", "status"].contains(&k.as_str())
                {
                    continue;
                }
                match x {
                    Value::Object(_) => walk(x, &p, out),
                    _ => out.push(p),
                }
            }
        }
    }
    walk(&v, "", &mut out);
    out
}

fn resolve_path(v: &Value, path: &str) -> Result<Vec<String>> {
    let fields = settable_fields();
    let p = path.trim();
    let found = if fields.iter().any(|f| f == p) {
        Some(p.to_string())
    } else {
        // A bare name: the one field of that name (`purpose` → `project.purpose`).
        let m: Vec<&String> = fields
            .iter()
            .filter(|f| f.rsplit('.').next() == Some(p))
            .collect();
        (m.len() == 1).then(|| m[0].clone())
    };
    let Some(f) = found else {
        return Err(Error::Invalid(format!(
            "unknown field `{}`; fields: {}",
            p.escape_debug(),
            fields.join(", ")
        )));
    };
    debug_assert!(v.pointer(&format!("/{}", f.replace('.', "/"))).is_some());
    Ok(f.split('.').map(String::from).collect())
}

/// What changed between two versions of a statement, for people: one line per change (`+`
/// added, `-` removed, `~` changed), with the field or item concerned.
pub fn diff(old: &NeedStatement, new: &NeedStatement) -> Vec<Change> {
    let mut out = Vec::new();
    let (a, b) = (
        serde_json::to_value(old).expect("serialises"),
        serde_json::to_value(new).expect("serialises"),
    );
    for f in settable_fields() {
        let ptr = format!("/{}", f.replace('.', "/"));
        let (x, y) = (a.pointer(&ptr), b.pointer(&ptr));
        if x != y {
            out.push(Change {
                op: ChangeOp::Changed,
                what: f.clone(),
                before: x.map(short).unwrap_or_default(),
                after: y.map(short).unwrap_or_default(),
            });
        }
    }
    let key = |d: &DataItem| d.reference();
    for d in &old.data {
        match new.data.iter().find(|n| key(n) == key(d)) {
            None => out.push(Change {
                op: ChangeOp::Removed,
                what: key(d),
                before: d.why.clone(),
                after: String::new(),
            }),
            Some(n) if n.why != d.why || n.key != d.key => out.push(Change {
                op: ChangeOp::Changed,
                what: key(d),
                before: d.why.clone(),
                after: n.why.clone(),
            }),
            Some(_) => {}
        }
    }
    for n in &new.data {
        if !old.data.iter().any(|d| key(d) == key(n)) {
            out.push(Change {
                op: ChangeOp::Added,
                what: key(n),
                before: String::new(),
                after: n.why.clone(),
            });
        }
    }
    out
}

fn short(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// One difference between two versions.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct Change {
    /// Added, removed or changed.
    pub op: ChangeOp,
    /// The field (`period.start`) or item (`variable/ER_PRS_F/BEN_NIR_PSA`).
    pub what: String,
    /// The value before (for an item: its justification).
    pub before: String,
    /// The value after.
    pub after: String,
}

/// Kinds of change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum ChangeOp {
    /// In the new version only.
    Added,
    /// In the old version only.
    Removed,
    /// In both, different.
    Changed,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> NeedStatement {
        let mut d = NeedStatement::new(
            "Statines et infarctus",
            Route::Authorisation,
            Default::default(),
        );
        d.data.push(DataItem {
            base: "dcir".into(),
            table: Some("ER_PRS_F".into()),
            variable: Some("BEN_NIR_PSA".into()),
            why: "chaînage".into(),
            key: true,
        });
        d
    }

    #[test]
    fn json_round_trip_is_byte_for_byte() {
        let s = to_json(&doc());
        assert_eq!(to_json(&parse(&s, "x.json").unwrap()), s);
    }

    #[test]
    fn other_json_is_refused_with_a_sentence() {
        let e = parse(r#"{"title": "x"}"#, "x.json")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.json") && e.contains("not a Hublot need statement"),
            "{e}"
        );
        let newer = to_json(&doc()).replace("\"schema\": 1", "\"schema\": 99");
        let e = parse(&newer, "x.json").unwrap_err().to_string();
        assert!(e.contains("schema") && e.contains("update Hublot"), "{e}");
        let typo = to_json(&doc()).replace("\"purpose\"", "\"purpse\"");
        let e = parse(&typo, "x.json").unwrap_err().to_string();
        assert!(e.contains("x.json: line") && e.contains("purpse"), "{e}");
        let e = parse("{", "x.json").unwrap_err().to_string();
        assert!(e.contains("line 1"), "{e}");
    }

    #[test]
    fn a_field_is_set_by_its_path_or_its_name() {
        let d = set_field(&doc(), "purpose", "Mesurer").unwrap();
        assert_eq!(d.project.purpose, "Mesurer");
        let d = set_field(&d, "period.start", "2015-01-01").unwrap();
        assert_eq!(d.period.start, "2015-01-01");
        let d = set_field(&d, "retention_months", "36").unwrap();
        assert_eq!(d.retention_months, Some(36));
        let d = set_field(&d, "route", "mr-004").unwrap();
        assert_eq!(d.route, Route::Mr004);
        let e = set_field(&d, "retention_months", "beaucoup")
            .unwrap_err()
            .to_string();
        assert!(e.contains("retention_months"), "{e}");
        let e = set_field(&d, "nope", "1").unwrap_err().to_string();
        assert!(
            e.contains("unknown field `nope`") && e.contains("project.purpose"),
            "{e}"
        );
        // `text` names several fields: ambiguous names are refused, not guessed.
        assert!(set_field(&d, "text", "x").is_err());
    }

    #[test]
    fn a_diff_names_what_changed() {
        let a = doc();
        let mut b = set_field(&a, "period.end", "2020").unwrap();
        b.data[0].why = "jointure".into();
        b.data.push(DataItem {
            base: "dcir".into(),
            table: Some("ER_PHA_F".into()),
            ..Default::default()
        });
        let c = diff(&a, &b);
        assert!(c
            .iter()
            .any(|c| c.what == "period.end" && c.after == "2020"));
        assert!(c
            .iter()
            .any(|c| c.op == ChangeOp::Changed && c.what.ends_with("BEN_NIR_PSA")));
        assert!(c
            .iter()
            .any(|c| c.op == ChangeOp::Added && c.what == "table/ER_PHA_F"));
        assert!(diff(&a, &a).is_empty());
    }

    #[test]
    fn routes_parse_in_the_forms_people_write() {
        for (s, r) in [
            ("MR-004", Route::Mr004),
            ("mr004", Route::Mr004),
            ("EGB", Route::Esnd),
            ("authorization", Route::Authorisation),
        ] {
            assert_eq!(Route::parse(s), Some(r), "{s}");
        }
        assert_eq!(Route::parse("mr-999"), None);
        // The JSON name is the one people write and the one `parse` reads back.
        for r in Route::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.name());
            assert_eq!(Route::parse(r.name()), Some(r));
        }
    }
}
