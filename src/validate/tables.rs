//! Table Schema folders and code lists, read by the import's readers (`ingest::table_schema`,
//! `ingest::nomenclature_csv`) and checked as a whole: field types, primary keys, foreign keys
//! that reach a table (of the folder, else of the active snapshot) and its fields, code-list
//! references that resolve (in the folder, else in the snapshot) with the column they name, and
//! code lists with rows and unique codes.

use super::report::{Finding, Severity};
use super::text::Lines;
use crate::cite::Lang;
use crate::ingest::nomenclature_csv::{read_code_list_schema, CodeListSource};
use crate::ingest::table_schema::read_table_schema;
use crate::model::Table;
use crate::store::CatalogueDb;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// The field types of the Table Schema specification.
const FIELD_TYPES: &[&str] = &[
    "string",
    "number",
    "integer",
    "boolean",
    "object",
    "array",
    "date",
    "time",
    "datetime",
    "year",
    "yearmonth",
    "duration",
    "geopoint",
    "geojson",
    "any",
];

/// Most duplicate-code findings per code list (the rest are counted in the last one).
const MAX_DUPLICATES: usize = 20;

/// What a finding of this module says, before it is put in words.
struct At<'a> {
    file: &'a Path,
    lines: &'a Lines,
    lang: Lang,
}

impl At<'_> {
    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        severity: Severity,
        focus: String,
        path: &str,
        constraint: &str,
        value: Option<String>,
        find: &str,
        (fr_msg, en_msg): (String, String),
        (fr_fix, en_fix): (String, String),
    ) -> Finding {
        let (message, fix) = match self.lang {
            Lang::Fr => (fr_msg, fr_fix),
            Lang::En => (en_msg, en_fix),
        };
        Finding {
            severity,
            focus,
            path: Some(path.to_string()),
            constraint: constraint.to_string(),
            value,
            message,
            fix,
            file: Some(self.file.to_path_buf()),
            line: self.lines.find(find),
            shape: None,
        }
    }
}

/// A file that the readers refuse: one violation naming the file, and its line when known.
pub fn unreadable(file: &Path, e: &crate::Error, lang: Lang) -> Finding {
    let line = match e {
        crate::Error::Json { line, .. } if *line > 0 => Some(*line as u64),
        crate::Error::Csv { line, .. } => Some(*line),
        _ => None,
    };
    let (message, fix) = match lang {
        Lang::Fr => (
            format!("Fichier illisible : {e}"),
            "Corrigez la syntaxe du fichier à l'endroit indiqué, puis validez de nouveau."
                .to_string(),
        ),
        Lang::En => (
            format!("Unreadable file: {e}"),
            "Fix the file's syntax where the message says, then validate again.".to_string(),
        ),
    };
    Finding {
        severity: Severity::Violation,
        focus: format!("file:{}", file.display()),
        path: None,
        constraint: "hublot:SyntaxConstraint".into(),
        value: None,
        message,
        fix,
        file: Some(file.to_path_buf()),
        line,
        shape: None,
    }
}

/// Checks the table schemas and code lists given, together; references they do not satisfy are
/// looked up in `snapshot`.
pub fn check(
    schemas: &[PathBuf],
    code_lists: &[PathBuf],
    snapshot: Option<&CatalogueDb>,
    lang: Lang,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // Code lists first: table schemas refer to them.
    let mut lists: HashMap<String, CodeListSource> = HashMap::new();
    for p in code_lists {
        match read_code_list_schema(p, "validate") {
            Ok(c) => {
                check_code_list(&c, lang, &mut out);
                lists.entry(c.name.clone()).or_insert(c);
            }
            Err(e) => out.push(unreadable(p, &e, lang)),
        }
    }
    let mut tables: Vec<(PathBuf, Table, Lines)> = Vec::new();
    let mut seen: HashMap<String, PathBuf> = HashMap::new();
    for p in schemas {
        match read_table_schema(p, "validate") {
            Ok(t) => {
                let lines = Lines::new(&std::fs::read(p).unwrap_or_default());
                if let Some(first) = seen.get(&t.name) {
                    let at = At {
                        file: p,
                        lines: &lines,
                        lang,
                    };
                    let n = &t.name;
                    out.push(at.finding(
                        Severity::Violation,
                        format!("table:{n}"),
                        "name",
                        "hublot:UniqueTableConstraint",
                        Some(n.clone()),
                        n,
                        (
                            format!("La table {n} est déjà décrite par {}.", first.display()),
                            format!("Table {n} is already described by {}.", first.display()),
                        ),
                        (
                            "Gardez une seule description de la table, ou renommez l'une des deux.".into(),
                            "Keep one description of the table, or rename one of them.".into(),
                        ),
                    ));
                    continue;
                }
                seen.insert(t.name.clone(), p.clone());
                tables.push((p.clone(), t, lines));
            }
            Err(e) => out.push(unreadable(p, &e, lang)),
        }
    }
    let by_name: HashMap<&str, &Table> = tables
        .iter()
        .map(|(_, t, _)| (t.name.as_str(), t))
        .collect();
    // Lookups in the snapshot, each once.
    let mut snap_tables: HashMap<String, Option<Table>> = HashMap::new();
    let mut snap_lists: HashMap<String, Option<Vec<String>>> = HashMap::new();
    for (file, t, lines) in &tables {
        let at = At { file, lines, lang };
        check_table(t, &at, &mut out);
        // Foreign keys.
        for (i, fk) in t.foreign_keys.iter().enumerate() {
            let path = format!("foreignKeys[{i}]");
            let target_name = if fk.table.is_empty() {
                t.name.as_str()
            } else {
                fk.table.as_str()
            };
            let snap_table;
            let target: Option<&Table> = match by_name.get(target_name) {
                Some(x) => Some(*x),
                None => {
                    snap_table = snap_tables
                        .entry(target_name.to_string())
                        .or_insert_with(|| {
                            snapshot
                                .and_then(|db| db.table(target_name).ok().flatten().map(|x| x.0))
                        });
                    snap_table.as_ref()
                }
            };
            let Some(target) = target else {
                let where_fr = if snapshot.is_some() {
                    "ni dans le dossier ni dans le catalogue actif"
                } else {
                    "dans le dossier (aucun catalogue actif pour chercher ailleurs)"
                };
                let where_en = if snapshot.is_some() {
                    "neither in the folder nor in the active catalogue"
                } else {
                    "in the folder (no active catalogue to look further)"
                };
                out.push(at.finding(
                    Severity::Violation,
                    format!("table:{}", t.name),
                    &path,
                    "hublot:ForeignKeyConstraint",
                    Some(target_name.to_string()),
                    target_name,
                    (
                        format!("La clé étrangère {} de {} mène à la table {target_name}, introuvable {where_fr}.", fk.fields.join(", "), t.name),
                        format!("Foreign key {} of {} refers to table {target_name}, found {where_en}.", fk.fields.join(", "), t.name),
                    ),
                    (
                        format!("Ajoutez le schéma de {target_name} au dossier, ou corrigez reference.resource de {path}."),
                        format!("Add the schema of {target_name} to the folder, or fix reference.resource of {path}."),
                    ),
                ));
                continue;
            };
            let target_fields: HashSet<&str> =
                target.variables.iter().map(|v| v.name.as_str()).collect();
            let ref_fields: &[String] = if fk.ref_fields.is_empty() {
                &fk.fields
            } else {
                &fk.ref_fields
            };
            if ref_fields.len() != fk.fields.len() {
                out.push(at.finding(
                    Severity::Violation,
                    format!("table:{}", t.name),
                    &path,
                    "hublot:ForeignKeyConstraint",
                    Some(format!(
                        "{} → {}",
                        fk.fields.join(","),
                        ref_fields.join(",")
                    )),
                    target_name,
                    (
                        format!(
                            "La clé étrangère {path} de {} a {} champ(s) mais en référence {}.",
                            t.name,
                            fk.fields.len(),
                            ref_fields.len()
                        ),
                        format!(
                            "Foreign key {path} of {} has {} field(s) but refers to {}.",
                            t.name,
                            fk.fields.len(),
                            ref_fields.len()
                        ),
                    ),
                    (
                        "Donnez autant de champs dans fields que dans reference.fields.".into(),
                        "Give as many fields in fields as in reference.fields.".into(),
                    ),
                ));
            }
            for f in ref_fields {
                if !target_fields.contains(f.as_str()) {
                    out.push(at.finding(
                        Severity::Violation,
                        format!("table:{}", t.name),
                        &format!("{path}.reference.fields"),
                        "hublot:ForeignKeyConstraint",
                        Some(format!("{target_name}.{f}")),
                        f,
                        (
                            format!("La clé étrangère {path} de {} référence le champ {f}, absent de la table {target_name}.", t.name),
                            format!("Foreign key {path} of {} refers to field {f}, which table {target_name} lacks.", t.name),
                        ),
                        (
                            format!("Corrigez reference.fields de {path} : un champ de {target_name}."),
                            format!("Fix reference.fields of {path}: a field of {target_name}."),
                        ),
                    ));
                }
            }
        }
        // Code-list references.
        for (i, v) in t.variables.iter().enumerate() {
            let Some(r) = &v.nomenclature else { continue };
            let path = format!("fields[{i}].nomenclature");
            let columns: Option<Vec<String>> = match lists.get(&r.name) {
                Some(c) => Some(c.columns.clone()),
                None => snap_lists
                    .entry(r.name.clone())
                    .or_insert_with(|| {
                        snapshot.and_then(|db| {
                            db.nomenclature(&r.name).ok().flatten().map(|n| n.columns)
                        })
                    })
                    .clone(),
            };
            let written = match &r.column {
                Some(c) => format!("{}:{c}", r.name),
                None => r.name.clone(),
            };
            match columns {
                None => out.push(at.finding(
                    Severity::Violation,
                    format!("table:{}", t.name),
                    &path,
                    "hublot:CodeListConstraint",
                    Some(written.clone()),
                    &written,
                    (
                        format!("La variable {} de {} renvoie à la nomenclature {}, introuvable dans le dossier{}.", v.name, t.name, r.name, if snapshot.is_some() { " et dans le catalogue actif" } else { "" }),
                        format!("Variable {} of {} refers to code list {}, found neither in the folder{}.", v.name, t.name, r.name, if snapshot.is_some() { " nor in the active catalogue" } else { "" }),
                    ),
                    (
                        format!("Ajoutez la nomenclature {} (CSV et schéma JSON) au dossier, ou corrigez le champ nomenclature de {} (« - » s'il n'y en a pas).", r.name, v.name),
                        format!("Add code list {} (CSV and JSON schema) to the folder, or fix the nomenclature of {} (\"-\" when there is none).", r.name, v.name),
                    ),
                )),
                Some(cols) => {
                    if let Some(c) = &r.column {
                        if !cols.iter().any(|x| x == c) {
                            out.push(at.finding(
                                Severity::Violation,
                                format!("table:{}", t.name),
                                &path,
                                "hublot:CodeListConstraint",
                                Some(written.clone()),
                                &written,
                                (
                                    format!("La variable {} de {} renvoie à la colonne {c} de la nomenclature {}, qui n'a que {}.", v.name, t.name, r.name, cols.join(", ")),
                                    format!("Variable {} of {} refers to column {c} of code list {}, which only has {}.", v.name, t.name, r.name, cols.join(", ")),
                                ),
                                (
                                    format!("Écrivez {}:COLONNE avec une colonne de la nomenclature.", r.name),
                                    format!("Write {}:COLUMN with a column of the code list.", r.name),
                                ),
                            ));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Field types and primary key of one table.
fn check_table(t: &Table, at: &At, out: &mut Vec<Finding>) {
    let fields: HashSet<&str> = t.variables.iter().map(|v| v.name.as_str()).collect();
    for (i, v) in t.variables.iter().enumerate() {
        if !FIELD_TYPES.contains(&v.r#type.as_str()) {
            out.push(at.finding(
                Severity::Violation,
                format!("table:{}", t.name),
                &format!("fields[{i}].type"),
                "hublot:FieldTypeConstraint",
                Some(v.r#type.clone()),
                &v.name,
                (
                    format!(
                        "Le type « {} » de la variable {} n'est pas un type Table Schema.",
                        v.r#type, v.name
                    ),
                    format!(
                        "Type \"{}\" of variable {} is not a Table Schema type.",
                        v.r#type, v.name
                    ),
                ),
                (
                    format!("Choisissez un type parmi : {}.", FIELD_TYPES.join(", ")),
                    format!("Choose a type among: {}.", FIELD_TYPES.join(", ")),
                ),
            ));
        }
    }
    for k in &t.primary_key {
        if !fields.contains(k.as_str()) {
            out.push(at.finding(
                Severity::Violation,
                format!("table:{}", t.name),
                "primaryKey",
                "hublot:PrimaryKeyConstraint",
                Some(k.clone()),
                "primaryKey",
                (
                    format!(
                        "La clé primaire de {} nomme {k}, qui n'est pas un champ de la table.",
                        t.name
                    ),
                    format!(
                        "The primary key of {} names {k}, which is not a field of the table.",
                        t.name
                    ),
                ),
                (
                    format!("Corrigez primaryKey : un nom de champ de {}.", t.name),
                    format!("Fix primaryKey: a field name of {}.", t.name),
                ),
            ));
        }
    }
    for (i, fk) in t.foreign_keys.iter().enumerate() {
        for f in &fk.fields {
            if !fields.contains(f.as_str()) {
                out.push(at.finding(
                    Severity::Violation,
                    format!("table:{}", t.name),
                    &format!("foreignKeys[{i}].fields"),
                    "hublot:ForeignKeyConstraint",
                    Some(f.clone()),
                    "foreignKeys",
                    (
                        format!("La clé étrangère foreignKeys[{i}] de {} nomme {f}, qui n'est pas un champ de la table.", t.name),
                        format!("Foreign key foreignKeys[{i}] of {} names {f}, which is not a field of the table.", t.name),
                    ),
                    (
                        format!("Corrigez fields de foreignKeys[{i}] : un nom de champ de {}.", t.name),
                        format!("Fix fields of foreignKeys[{i}]: a field name of {}.", t.name),
                    ),
                ));
            }
        }
    }
}

/// A code list has its CSV, and each code once.
fn check_code_list(c: &CodeListSource, lang: Lang, out: &mut Vec<Finding>) {
    let schema_lines = Lines::new(&std::fs::read(&c.schema_path).unwrap_or_default());
    let Some(csv) = &c.csv_path else {
        let at = At {
            file: &c.schema_path,
            lines: &schema_lines,
            lang,
        };
        out.push(at.finding(
            Severity::Warning,
            format!("nomenclature:{}", c.name),
            "(csv)",
            "hublot:CodeListRowsConstraint",
            None,
            "",
            (
                format!("La nomenclature {} n'a pas de CSV à côté de son schéma : elle sera publiée sans valeurs.", c.name),
                format!("Code list {} has no CSV beside its schema: it would be published without values.", c.name),
            ),
            (
                format!("Placez {} à côté du schéma.", c.schema_path.with_extension("csv").display()),
                format!("Put {} beside the schema.", c.schema_path.with_extension("csv").display()),
            ),
        ));
        return;
    };
    let mut seen: HashSet<String> = HashSet::new();
    let mut dups: Vec<(u64, String)> = Vec::new();
    let mut row = 1u64; // the header
    let res = c.for_each_code(|code, _, rec| {
        row += 1;
        if !seen.insert(code.to_string()) {
            let line = rec.position().map_or(row, |p| p.line());
            dups.push((line, code.to_string()));
        }
    });
    if let Err(e) = res {
        out.push(unreadable(csv, &e, lang));
        return;
    }
    let total = dups.len();
    for (k, (line, code)) in dups.into_iter().take(MAX_DUPLICATES).enumerate() {
        let more = if k + 1 == MAX_DUPLICATES && total > MAX_DUPLICATES {
            match lang {
                Lang::Fr => format!(" ({total} doublons en tout)"),
                Lang::En => format!(" ({total} duplicates in all)"),
            }
        } else {
            String::new()
        };
        let (message, fix) = match lang {
            Lang::Fr => (
                format!(
                    "Le code « {code} » de la nomenclature {} apparaît plusieurs fois{more}.",
                    c.name
                ),
                "Gardez une seule ligne par code.".to_string(),
            ),
            Lang::En => (
                format!(
                    "Code \"{code}\" of code list {} appears more than once{more}.",
                    c.name
                ),
                "Keep one row per code.".to_string(),
            ),
        };
        out.push(Finding {
            severity: Severity::Warning,
            focus: format!("nomenclature:{}", c.name),
            path: Some(c.columns[c.code_column].clone()),
            constraint: "hublot:UniqueCodeConstraint".into(),
            value: Some(code),
            message,
            fix,
            file: Some(csv.clone()),
            line: Some(line),
            shape: None,
        });
    }
}
