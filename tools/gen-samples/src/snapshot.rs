//! Reads what the generator needs from a snapshot directory: the table schemas
//! (`schemas/<produit>/<TABLE>.json`) and the code lists (`nomenclatures/<group>/<NAME>.json|csv`).

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub struct Field {
    pub name: String,
    /// Table Schema type (`string`, `integer`, `date`, …).
    pub typ: String,
    /// Documented length (`17`, `4,2`), when given.
    pub length: Option<String>,
    /// `default` or a strftime pattern.
    pub format: String,
    /// Name of the linked code list (`IR_SEX_V` for `IR_SEX_V:SEX_COD`), when there is one.
    pub codelist: Option<String>,
}

impl Field {
    /// Leading integer of the length (`4` for `4,2`).
    pub fn width(&self) -> Option<usize> {
        self.length
            .as_deref()?
            .split(',')
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// Decimal places of a `p,s` length.
    pub fn scale(&self) -> Option<usize> {
        self.length
            .as_deref()?
            .split(',')
            .nth(1)?
            .trim()
            .parse()
            .ok()
    }
}

pub struct ForeignKey {
    pub fields: Vec<String>,
    pub table: String,
    pub ref_fields: Vec<String>,
}

pub struct Schema {
    pub name: String,
    /// Where the schema was read; the samples go beside it with a `.csv` extension.
    pub path: PathBuf,
    pub fields: Vec<Field>,
    pub primary_key: Vec<String>,
    pub foreign_keys: Vec<ForeignKey>,
}

/// Code lists by name: the values of each list's code column.
#[derive(Default)]
pub struct CodeLists(pub BTreeMap<String, Vec<String>>);

impl CodeLists {
    pub fn get(&self, name: &str) -> Option<&[String]> {
        self.0.get(name).map(|v| v.as_slice())
    }
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Files with the given extension directly inside the sub-folders of `dir`, sorted so that
/// runs do not depend on the order the file system lists them.
fn files_one_level_down(dir: &Path, ext: &str) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for group in fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))? {
        let group = group.map_err(|e| e.to_string())?.path();
        if !group.is_dir() {
            continue;
        }
        for file in fs::read_dir(&group).map_err(|e| format!("{}: {e}", group.display()))? {
            let file = file.map_err(|e| e.to_string())?.path();
            if file.extension().and_then(|e| e.to_str()) == Some(ext) {
                out.push(file);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// A string or an array of strings (Table Schema allows both for key fields).
fn names(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

pub fn load_schemas(root: &Path) -> Result<Vec<Schema>, String> {
    let mut out = Vec::new();
    for path in files_one_level_down(&root.join("schemas"), "json")? {
        let v = read_json(&path)?;
        let name = text(&v, "name").ok_or_else(|| format!("{}: no name", path.display()))?;
        let fields = v
            .get("fields")
            .and_then(Value::as_array)
            .ok_or_else(|| format!("{}: no fields", path.display()))?
            .iter()
            .map(|f| Field {
                name: text(f, "name").unwrap_or_default(),
                typ: text(f, "type").unwrap_or_else(|| "string".into()),
                length: text(f, "length").filter(|s| !s.is_empty()),
                format: text(f, "format")
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "default".into()),
                codelist: text(f, "nomenclature")
                    .map(|n| n.split(':').next().unwrap_or("").trim().to_owned())
                    .filter(|n| !n.is_empty() && n != "-"),
            })
            .collect();
        let foreign_keys = v
            .get("foreignKeys")
            .and_then(Value::as_array)
            .map(|fks| {
                fks.iter()
                    .filter_map(|fk| {
                        let r = fk.get("reference")?;
                        Some(ForeignKey {
                            fields: names(fk.get("fields")?),
                            table: text(r, "resource")?,
                            ref_fields: names(r.get("fields")?),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push(Schema {
            name,
            path,
            fields,
            primary_key: v.get("primaryKey").map(names).unwrap_or_default(),
            foreign_keys,
        });
    }
    Ok(out)
}

/// Splits one CSV line on `delim`, honouring double quotes (`""` is a quote inside quotes).
fn split_csv_line(line: &str, delim: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == delim && !quoted => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out
}

pub fn load_codelists(root: &Path) -> Result<CodeLists, String> {
    let mut lists = BTreeMap::new();
    for json_path in files_one_level_down(&root.join("nomenclatures"), "json")? {
        let v = read_json(&json_path)?;
        let csv_path = json_path.with_extension("csv");
        let Ok(bytes) = fs::read(&csv_path) else {
            continue;
        };
        let fields = v
            .get("fields")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let code_col = fields
            .iter()
            .find(|f| f.get("role").and_then(Value::as_str) == Some("code"))
            .or_else(|| fields.first())
            .and_then(|f| text(f, "name"))
            .ok_or_else(|| format!("{}: no code column", json_path.display()))?;
        // Codes are ASCII in practice; a Windows-1252 label must not stop us reading them.
        let content = String::from_utf8_lossy(&bytes);
        let mut lines = content.lines().filter(|l| !l.trim().is_empty());
        let header = lines.next().unwrap_or("");
        let delim = if header.contains(';') { ';' } else { ',' };
        let cols = split_csv_line(header, delim);
        let idx = cols
            .iter()
            .position(|c| c.trim() == code_col)
            .ok_or_else(|| format!("{}: no column {code_col}", csv_path.display()))?;
        let codes = lines
            .filter_map(|l| {
                split_csv_line(l, delim)
                    .get(idx)
                    .map(|s| s.trim().to_owned())
            })
            .filter(|s| !s.is_empty())
            .collect();
        let name = text(&v, "name").unwrap_or_else(|| {
            json_path
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        });
        lists.insert(name, codes);
    }
    Ok(CodeLists(lists))
}

#[cfg(test)]
mod tests {
    use super::split_csv_line;

    #[test]
    fn csv_quotes() {
        assert_eq!(
            split_csv_line(r#"a;"b;c";"d""e""#, ';'),
            vec!["a", "b;c", "d\"e"]
        );
        assert_eq!(split_csv_line("x,,y", ','), vec!["x", "", "y"]);
    }
}
