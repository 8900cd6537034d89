//! `hublot need …`: the need-statement operations on the command line, with the same request
//! structs as the app.

use super::print_json;
use anyhow::Context;
use clap::Subcommand;
use hublot::api::need::{
    NeedDiff, NeedExport, NeedImport, NeedItems, NeedNew, NeedSave, NeedSet, NeedStatusRequest,
    NeedView,
};
use hublot::need::checks::Severity;
use hublot::need::export::ExportFormat;
use hublot::need::Status;
use hublot::Hublot;
use std::io::Write;
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum NeedCmd {
    /// Create a need statement; prints its id.
    New {
        /// The project's title.
        title: String,
        /// authorisation, mr-004, mr-005, mr-006, mr-007, mr-008 or esnd.
        #[arg(long)]
        route: Option<String>,
        /// The statement's language: fr or en.
        #[arg(long)]
        lang: Option<hublot::cite::Lang>,
    },
    /// Every need statement.
    List,
    /// One need statement, section by section.
    Show { id: i64 },
    /// Add items (base/ID, table/NAME, variable/TABLE/NAME); the join keys their linkage needs
    /// come along.
    Add {
        id: i64,
        #[arg(required = true)]
        items: Vec<String>,
        /// Why the project needs them.
        #[arg(long)]
        why: Option<String>,
    },
    /// Remove items.
    Remove {
        id: i64,
        #[arg(required = true)]
        items: Vec<String>,
    },
    /// Set a field: project.title, purpose, period.start, retention_months…
    Set {
        id: i64,
        field: String,
        value: String,
    },
    /// The checks: completeness, minimisation, potential identifiers, combinations, codes.
    /// Exits with 1 when they find errors.
    Check { id: i64 },
    /// Write the statement as pdf, docx, md, csv or json.
    Export {
        id: i64,
        #[arg(long, value_parser = parse_format)]
        format: ExportFormat,
        #[arg(long)]
        out: PathBuf,
    },
    /// Import an exported JSON statement as a new one; prints its id.
    Import { file: PathBuf },
    /// Move the statement to draft, ready, submitted, approved or rejected.
    Status {
        id: i64,
        #[arg(value_parser = parse_status)]
        status: Status,
        #[arg(long)]
        note: Option<String>,
    },
    /// Save the draft as the next version.
    Save {
        id: i64,
        #[arg(long)]
        note: Option<String>,
    },
    /// What changed from version FROM to version TO (default: the draft).
    Diff { id: i64, from: u32, to: Option<u32> },
    /// Delete a statement and its versions.
    Delete { id: i64 },
}

fn parse_format(s: &str) -> Result<ExportFormat, String> {
    serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase()))
        .map_err(|_| "one of pdf, docx, md, csv, json".to_string())
}

fn parse_status(s: &str) -> Result<Status, String> {
    serde_json::from_value(serde_json::Value::String(s.to_ascii_lowercase()))
        .map_err(|_| "one of draft, ready, submitted, approved, rejected".to_string())
}

/// The largest file `need import` reads: the document bound, plus room for an error to say so.
const MAX_IMPORT_FILE: u64 = hublot::need::MAX_NEED_BYTES as u64 + 1;

fn print_id(v: &NeedView, json: bool) -> anyhow::Result<()> {
    if json {
        return print_json(&serde_json::json!({ "id": v.id }));
    }
    out!("{}", v.id);
    Ok(())
}

pub fn run(h: &Hublot, cmd: &NeedCmd, json: bool) -> anyhow::Result<()> {
    match cmd {
        NeedCmd::New { title, route, lang } => {
            let v = h.need_new(&NeedNew {
                title: title.clone(),
                route: route.clone(),
                lang: *lang,
            })?;
            print_id(&v, json)
        }
        NeedCmd::List => {
            let l = h.need_list()?;
            if json {
                return print_json(&l);
            }
            for s in &l {
                out!(
                    "{:>4}  {:<10} {:<14} {:>4} items  v{}  {}  {}",
                    s.id,
                    s.status.name(),
                    s.route.name(),
                    s.items,
                    s.version,
                    &s.updated[..s.updated.len().min(10)],
                    s.title
                );
            }
            Ok(())
        }
        NeedCmd::Show { id } => {
            let v = h.need_get(*id)?;
            if json {
                return print_json(&v);
            }
            show(&v);
            Ok(())
        }
        NeedCmd::Add { id, items, why } => {
            let r = h.need_add(&NeedItems {
                id: *id,
                items: items.clone(),
                why: why.clone(),
            })?;
            if json {
                return print_json(&r);
            }
            for d in &r.added {
                out!(
                    "+ {}{}",
                    d.reference(),
                    if d.key { "  (join key)" } else { "" }
                );
            }
            if r.added.is_empty() {
                out!("nothing new: the items were already there");
            }
            Ok(())
        }
        NeedCmd::Remove { id, items } => {
            let v = h.need_remove(&NeedItems {
                id: *id,
                items: items.clone(),
                why: None,
            })?;
            if json {
                return print_json(&v);
            }
            out!("{} items left", v.document.data.len());
            Ok(())
        }
        NeedCmd::Set { id, field, value } => {
            let v = h.need_set(&NeedSet {
                id: *id,
                field: field.clone(),
                value: value.clone(),
            })?;
            if json {
                return print_json(&v);
            }
            Ok(())
        }
        NeedCmd::Check { id } => {
            let r = h.need_check(*id)?;
            if json {
                print_json(&r)?;
            } else {
                for f in &r.findings {
                    let sev = match f.severity {
                        Severity::Error => "error",
                        Severity::Warning => "warning",
                        Severity::Info => "info",
                    };
                    out!(
                        "{sev:<7} {:<28} {}\n        {}\n        → {}",
                        f.rule,
                        f.item.as_deref().unwrap_or("-"),
                        f.message,
                        f.fix
                    );
                }
                out!(
                    "{} errors, {} warnings, {} notes",
                    r.errors,
                    r.warnings,
                    r.infos
                );
            }
            if r.errors > 0 {
                std::process::exit(1);
            }
            Ok(())
        }
        NeedCmd::Export {
            id,
            format,
            out: path,
        } => {
            let d = h.need_export(&NeedExport {
                id: *id,
                format: *format,
            })?;
            // Written beside, then renamed: an interrupted export never leaves half a file
            // under the name asked for.
            let tmp = path.with_extension("part");
            std::fs::write(&tmp, &d.bytes).with_context(|| tmp.display().to_string())?;
            std::fs::rename(&tmp, path).with_context(|| path.display().to_string())?;
            if json {
                return print_json(&serde_json::json!({
                    "file": path, "bytes": d.bytes.len(), "media_type": d.media_type
                }));
            }
            eprintln!("hublot: wrote {} ({} bytes)", path.display(), d.bytes.len());
            Ok(())
        }
        NeedCmd::Import { file } => {
            let f = std::fs::File::open(file).with_context(|| file.display().to_string())?;
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::Read::take(f, MAX_IMPORT_FILE), &mut text)
                .with_context(|| format!("{}: not UTF-8 text", file.display()))?;
            let v = h.need_import(&NeedImport {
                document: text,
                name: Some(file.display().to_string()),
            })?;
            print_id(&v, json)
        }
        NeedCmd::Status { id, status, note } => {
            let v = h.need_status(&NeedStatusRequest {
                id: *id,
                status: *status,
                note: note.clone(),
            })?;
            if json {
                return print_json(&v);
            }
            out!("{}: {}", v.id, v.document.current_status().name());
            Ok(())
        }
        NeedCmd::Save { id, note } => {
            let v = h.need_save(&NeedSave {
                id: *id,
                note: note.clone(),
            })?;
            if json {
                return print_json(&v);
            }
            out!("version {}", v.versions.last().map_or(0, |v| v.version));
            Ok(())
        }
        NeedCmd::Diff { id, from, to } => {
            let c = h.need_diff(&NeedDiff {
                id: *id,
                from: *from,
                to: *to,
            })?;
            if json {
                return print_json(&c);
            }
            for c in &c {
                let sign = match c.op {
                    hublot::need::ChangeOp::Added => '+',
                    hublot::need::ChangeOp::Removed => '-',
                    hublot::need::ChangeOp::Changed => '~',
                };
                out!("{sign} {}: {} → {}", c.what, c.before, c.after);
            }
            Ok(())
        }
        NeedCmd::Delete { id } => {
            let l = h.need_delete(*id)?;
            if json {
                return print_json(&l);
            }
            out!("deleted; {} statements left", l.len());
            Ok(())
        }
    }
}

fn show(v: &NeedView) {
    let d = &v.document;
    out!(
        "{} — {}{}",
        v.id,
        d.project.title,
        if d.project.acronym.is_empty() {
            String::new()
        } else {
            format!(" ({})", d.project.acronym)
        }
    );
    out!(
        "status {}, route {}, revision {}, {} saved versions",
        d.current_status().name(),
        d.route.name(),
        v.rev,
        v.versions.len()
    );
    for (k, val) in [
        ("lead", &d.project.lead),
        ("organisation", &d.project.organisation),
        ("purpose", &d.project.purpose),
        ("public interest", &d.project.public_interest),
        ("period", &format!("{} – {}", d.period.start, d.period.end)),
    ] {
        if !val.trim().is_empty() && val != " – " {
            out!("{k}: {val}");
        }
    }
    out!("data ({} items):", d.data.len());
    for item in &d.data {
        let r = item.reference();
        out!(
            "  {r}{}{}",
            if item.key { "  [join key]" } else { "" },
            v.labels
                .get(&r)
                .map(|l| format!("  — {l}"))
                .unwrap_or_default()
        );
        if !item.why.is_empty() {
            out!("      why: {}", item.why);
        }
    }
}
