//! Reader of Frictionless Table Schema JSON with the SNDS extensions (`produit`, `nomenclature`,
//! `length`, `history`, `regle_gestion`, `observation`, `foreignKeys`), as in schema-snds.

use crate::ingest::text::{json_strings, json_text};
use crate::model::{CodeListRef, ForeignKey, Table, Variable};
use crate::{Error, Result};
use serde_json::Value;
use std::path::Path;

/// Parses one table schema file. `source` names where it comes from, for the import report.
pub fn read_table_schema(path: &Path, source: &str) -> Result<Table> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    parse_table_schema(&bytes, path, source)
}

/// Parses table schema bytes; `path` is only used in error messages.
pub fn parse_table_schema(bytes: &[u8], path: &Path, source: &str) -> Result<Table> {
    let v: Value = serde_json::from_slice(bytes).map_err(|e| Error::json(path, &e))?;
    let obj = v.as_object().ok_or_else(|| Error::Field {
        path: path.into(),
        field: "(root)".into(),
        message: "a table schema must be a JSON object".into(),
    })?;
    let field_err = |field: &str, message: &str| Error::Field {
        path: path.into(),
        field: field.into(),
        message: message.into(),
    };
    let name = match obj.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
        Some(_) => return Err(field_err("name", "must be a non-empty string")),
        None => file_stem(path).ok_or_else(|| field_err("name", "missing"))?,
    };
    let fields = match obj.get("fields") {
        Some(Value::Array(a)) => a,
        Some(_) => return Err(field_err("fields", "must be an array")),
        None => {
            return Err(field_err(
                "fields",
                "missing: a table schema lists its fields",
            ))
        }
    };
    let mut variables = Vec::with_capacity(fields.len());
    let mut seen = std::collections::HashSet::new();
    for (i, f) in fields.iter().enumerate() {
        let at = |k: &str| format!("fields[{i}].{k}");
        let fo = f
            .as_object()
            .ok_or_else(|| field_err(&format!("fields[{i}]"), "must be an object"))?;
        let vname = match fo.get("name") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_string(),
            _ => return Err(field_err(&at("name"), "missing or not a non-empty string")),
        };
        if !seen.insert(vname.clone()) {
            return Err(field_err(
                &at("name"),
                &format!("`{vname}` appears twice in table `{name}`"),
            ));
        }
        let ty = match fo.get("type") {
            None | Some(Value::Null) => "string".to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(field_err(&at("type"), "must be a string")),
        };
        variables.push(Variable {
            description: json_text(fo.get("description")).unwrap_or_default(),
            r#type: ty,
            length: json_text(fo.get("length")),
            format: json_text(fo.get("format")).filter(|f| f != "default"),
            nomenclature: json_text(fo.get("nomenclature")).and_then(|n| parse_code_list_ref(&n)),
            constraints: fo.get("constraints").cloned(),
            date_created: json_text(fo.get("dateCreated")),
            date_deleted: json_text(fo.get("dateDeleted")),
            date_missing: json_strings(fo.get("dateMissing")),
            observation: json_text(fo.get("observation")),
            regle_gestion: json_text(fo.get("regle_gestion")),
            name: vname,
        });
    }
    let primary_key = json_strings(obj.get("primaryKey"));
    let mut foreign_keys = Vec::new();
    if let Some(fks) = obj.get("foreignKeys") {
        let fks = fks
            .as_array()
            .ok_or_else(|| field_err("foreignKeys", "must be an array"))?;
        for (i, fk) in fks.iter().enumerate() {
            let fields = json_strings(fk.get("fields"));
            let reference = fk.get("reference");
            let table = reference.and_then(|r| json_text(r.get("resource")));
            let ref_fields = json_strings(reference.and_then(|r| r.get("fields")));
            match table {
                Some(table) if !fields.is_empty() => foreign_keys.push(ForeignKey {
                    fields,
                    table,
                    ref_fields,
                }),
                _ => {
                    return Err(field_err(
                        &format!("foreignKeys[{i}]"),
                        "needs `fields` and `reference.resource`",
                    ))
                }
            }
        }
    }
    Ok(Table {
        title: json_text(obj.get("title")).unwrap_or_default(),
        produit: json_text(obj.get("produit")).unwrap_or_default(),
        base: String::new(),
        variables,
        primary_key,
        foreign_keys,
        observation: json_text(obj.get("observation")),
        history: obj.get("history").cloned(),
        source: source.to_string(),
        name,
    })
}

/// `IR_BER_V:BEN_RNG_GEM` → list IR_BER_V, column BEN_RNG_GEM; `-` or empty → none.
fn parse_code_list_ref(s: &str) -> Option<CodeListRef> {
    let s = s.trim();
    if s.is_empty() || s == "-" {
        return None;
    }
    match s.split_once(':') {
        Some((n, c)) => Some(CodeListRef {
            name: n.trim().to_string(),
            column: Some(c.trim().to_string()).filter(|c| !c.is_empty()),
        }),
        None => Some(CodeListRef {
            name: s.to_string(),
            column: None,
        }),
    }
}

fn file_stem(path: &Path) -> Option<String> {
    path.file_stem().map(|s| s.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_snds_extensions() {
        let json = br#"{"name":"T1","title":"Une table","produit":"DCIR",
          "primaryKey":["A"],
          "foreignKeys":[{"fields":"B","reference":{"resource":"T2","fields":"B2"}}],
          "fields":[
            {"name":"A","type":"string","length":"17","nomenclature":"-","description":"id"},
            {"name":"B","type":"integer","length":null,"nomenclature":"IR_BER_V:BEN_RNG_GEM"}]}"#;
        let t = parse_table_schema(json, Path::new("t.json"), "src").unwrap();
        assert_eq!(t.name, "T1");
        assert_eq!(t.variables[0].length.as_deref(), Some("17"));
        assert_eq!(t.variables[0].nomenclature, None);
        let n = t.variables[1].nomenclature.as_ref().unwrap();
        assert_eq!(
            (n.name.as_str(), n.column.as_deref()),
            ("IR_BER_V", Some("BEN_RNG_GEM"))
        );
        assert_eq!(t.foreign_keys[0].fields, vec!["B"]);
        assert_eq!(t.foreign_keys[0].table, "T2");
    }

    #[test]
    fn malformed_json_names_file_line_and_column() {
        let err = parse_table_schema(
            b"{\n \"name\": \"T\",\n \"fields\": [,]}",
            Path::new("x/T.json"),
            "s",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("x/T.json: line 3, column"), "{err}");
    }

    #[test]
    fn missing_field_name_is_named() {
        let err = parse_table_schema(
            br#"{"name":"T","fields":[{"type":"string"}]}"#,
            Path::new("T.json"),
            "s",
        )
        .unwrap_err()
        .to_string();
        assert_eq!(
            err,
            "T.json: field `fields[0].name`: missing or not a non-empty string"
        );
    }
}
